// The instruction table drives the interpreter: every executable row has exactly one handler, in
// one of the classes' groups (src/interp/handlers.ts looks a name up in the groups in turn, so a
// name in two groups would silently take the first), and no handler names a row that is not there.
// Each run loop's switch (user and system mode) calls the handler its case names.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HANDLER_BY_ID, RESERVED_INDEX } from '../../src/interp/cpu-base.js';
import { DISPATCH_CODE, dispatchCodeOf, FIRST_ARRAY_CODE, HANDLER_BY_CODE, NOP_CODE, SWITCHED_HANDLERS, SWITCHED_ROWS } from '../../src/interp/dispatch.js';
import * as switchedHandlers from '../../src/interp/switched-handlers.js';
import { HANDLER_GROUPS, handlerNamed } from '../../src/interp/handlers.js';
import { decode, ROWS } from '../../src/isa/decode.js';
import { Flag } from '../../src/isa/table.js';
import { assembleProgram } from '../../src/isa/asm.js';

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
    expect(cases.map((match) => [Number(match[1]), match[2], match[3]])).toEqual(SWITCHED_ROWS.map((name, i) => [i + 1, bindingOf(name), name]));
    expect(source).toContain(`case ${NOP_CODE}: status = Status.Continue; break; // nop (NOP_CODE)`);
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
      expect(code).toBe(switchedAt >= 0 ? switchedAt + 1 : FIRST_ARRAY_CODE + id);
    });
    expect(HANDLER_BY_CODE[DISPATCH_CODE[RESERVED_INDEX]!]).toBe(HANDLER_BY_ID[RESERVED_INDEX]);
  });

  it('give a word whose result goes to $zero its row\'s array code, and sll zero, zero, sa the nop\'s', () => {
    const word = (source: string) => assembleProgram(source, 0)[0]!;
    const arrayCode = (source: string) => FIRST_ARRAY_CODE + decode(word(source));
    for (const source of ['addiu zero, a0, 5', 'addu zero, a0, a1', 'lw zero, 4(sp)', 'lui zero, 1', 'clz zero, a0', 'rdhwr zero, $29', 'jalr zero, t9', 'sll zero, a0, 2']) {
      expect(dispatchCodeOf(word(source)), source).toBe(arrayCode(source));
      expect(HANDLER_BY_CODE[dispatchCodeOf(word(source))], source).toBe(HANDLER_BY_ID[decode(word(source))]);
    }
    for (const source of ['nop', 'ssnop', 'ehb', 'sll zero, zero, 7']) expect(dispatchCodeOf(word(source)), source).toBe(NOP_CODE);
    // Rows whose first operand is read, or whose result goes elsewhere, keep their case.
    for (const source of ['sw zero, 0(sp)', 'beq zero, zero, 8', 'addiu v0, zero, 1', 'madd zero, a0', 'jal 0x400', 'jr ra', 'mult zero, a0', 'ldc1 $f0, 0(a0)']) {
      expect(dispatchCodeOf(word(source)), source).toBe(DISPATCH_CODE[decode(word(source))]);
    }
  });

  it('in system mode, give every word that needs a coprocessor an array code (the switched loop checks CpU there only)', () => {
    for (const row of ROWS) {
      const needsCoprocessor = (ROWS[row.executes]!.flags & (Flag.Privileged | Flag.Fpu)) !== 0;
      if (needsCoprocessor) expect(dispatchCodeOf(row.match, true), row.name).toBeGreaterThanOrEqual(FIRST_ARRAY_CODE);
      else expect(dispatchCodeOf(row.match, true), row.name).toBe(dispatchCodeOf(row.match));
    }
    // User mode keeps the FPU's switched rows in their cases.
    expect(dispatchCodeOf(assembleProgram('ldc1 $f2, 8(a0)', 0)[0]!)).toBe(SWITCHED_ROWS.indexOf('ldc1') + 1);
  });
});
