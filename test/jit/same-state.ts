// The check the JIT tests on FlatMachines share: a compiled run ended where the interpreted one
// did. Kept out of flat-machine.ts, which fixtures run outside vitest (fixtures/jump-to-bad-target.mts)
// import too.

import { expect } from 'vitest';
import type { FlatMachine } from './flat-machine.js';

/** Same exceptions, PC, instruction count, GPRs, HI and LO. */
export function expectSameState(compiled: FlatMachine, interpreted: FlatMachine): void {
  expect(compiled.exceptions).toEqual(interpreted.exceptions);
  expect(compiled.cpu.pc).toBe(interpreted.cpu.pc);
  expect(compiled.cpu.instructions).toBe(interpreted.cpu.instructions);
  expect(Array.from(compiled.cpu.r.subarray(0, 34))).toEqual(Array.from(interpreted.cpu.r.subarray(0, 34)));
}
