// The instruction table drives the interpreter: every executable row has exactly one handler, in
// one of the classes' groups (src/interp/handlers.ts looks a name up in the groups in turn, so a
// name in two groups would silently take the first), and no handler names a row that is not there.

import { describe, expect, it } from 'vitest';
import { HANDLER_GROUPS } from '../../src/interp/handlers.js';
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
