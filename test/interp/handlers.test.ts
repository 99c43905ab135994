// The instruction table drives the interpreter: every executable row has exactly one handler, in
// one of the classes' groups (src/interp/handlers.ts looks a name up in the groups in turn, so a
// name in two groups would silently take the first), and no handler names a row that is not there.
// Each run loop's switch (user and system mode) calls the handler its case names.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HANDLER_BY_ID, RESERVED_INDEX } from '../../src/interp/cpu-base.js';
import { DISPATCH_CODE, HANDLER_BY_CODE, SWITCHED_HANDLERS, SWITCHED_ROWS } from '../../src/interp/dispatch.js';
import * as switchedHandlers from '../../src/interp/switched-handlers.js';
import { HANDLER_GROUPS, handlerNamed } from '../../src/interp/handlers.js';
import { ROWS } from '../../src/isa/decode.js';

describe('interpreter handler groups', () => {
  it('give each executable row exactly one handler, and only rows of the table', () => {
    const groupsOf = new Map<string, number>();
    for (const group of HANDLER_GROUPS) for (const name of Object.keys(group)) groupsOf.set(name, (groupsOf.get(name) ?? 0) + 1);
    expect([...groupsOf].filter(([, count]) => count > 1)).toEqual([]);
    const executable = ROWS.filter((row) => !row.isAlias).map((row) => row.name);
    expect(executable.filter((name) => !groupsOf.has(name))).toEqual([]);
    const names = new Set(ROWS.map((row) => row.name));
    expect([...groupsOf.keys()].filter((name) => !names.has(name))).toEqual([]);
  });
});

/** A switched row's binding in src/interp/switched-handlers.ts: its name, a format suffix in capitals (mul.d: mulD). */
const bindingOf = (row: string) => row.replace(/\.(\w)/, (_, letter: string) => letter.toUpperCase());

describe('the run loops\' switch (src/interp/dispatch.ts)', () => {
  it.each(['cpu.ts', 'system-cpu.ts'])('%s: case i calls the handler of SWITCHED_ROWS[i], for every switched row and no other', (file) => {
    const source = readFileSync(new URL(`../../src/interp/${file}`, import.meta.url), 'utf8');
    const cases = [...source.matchAll(/case (\d+): status = switched\.(\w+)\(this, word\); break; \/\/ (\S+)/g)];
    expect(cases.map((match) => [Number(match[1]), match[2], match[3]])).toEqual(SWITCHED_ROWS.map((name, i) => [i, bindingOf(name), name]));
  });

  it('bind each switched row to its handler (src/interp/switched-handlers.ts), and nothing else', () => {
    const bindings = switchedHandlers as Readonly<Record<string, unknown>>;
    expect(Object.keys(bindings).sort()).toEqual(SWITCHED_ROWS.map(bindingOf).sort());
    SWITCHED_ROWS.forEach((name) => expect(bindings[bindingOf(name)]).toBe(handlerNamed(name)));
  });

  it('switch distinct rows, each to its handler', () => {
    expect(new Set(SWITCHED_ROWS).size).toBe(SWITCHED_ROWS.length);
    SWITCHED_ROWS.forEach((name, i) => expect(SWITCHED_HANDLERS[i]).toBe(handlerNamed(name)));
  });

  it('give every row the code of the handler that executes it', () => {
    ROWS.forEach((row, id) => {
      const code = DISPATCH_CODE[id]!;
      expect(HANDLER_BY_CODE[code]).toBe(HANDLER_BY_ID[id]);
      const switchedAt = SWITCHED_ROWS.indexOf(ROWS[row.executes]!.name);
      expect(code).toBe(switchedAt >= 0 ? switchedAt : SWITCHED_ROWS.length + id);
    });
    expect(HANDLER_BY_CODE[DISPATCH_CODE[RESERVED_INDEX]!]).toBe(HANDLER_BY_ID[RESERVED_INDEX]);
  });
});
