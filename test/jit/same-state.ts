// The checks the JIT tests on FlatMachines share: a compiled run ended where the interpreted one
// did. Kept out of flat-machine.ts, which fixtures run outside vitest (fixtures/jump-to-bad-target.mts)
// import too.

import { expect } from 'vitest';
import { JitEngine, type JitOptions } from '../../codegen/engine.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';
import type { FlatMachine } from './flat-machine.js';

/** Same exceptions, PC, instruction count, GPRs, HI and LO. */
export function expectSameState(compiled: FlatMachine, interpreted: FlatMachine): void {
  expect(compiled.exceptions).toEqual(interpreted.exceptions);
  expect(compiled.cpu.pc).toBe(interpreted.cpu.pc);
  expect(compiled.cpu.instructions).toBe(interpreted.cpu.instructions);
  expect(Array.from(compiled.cpu.r.subarray(0, 34))).toEqual(Array.from(interpreted.cpu.r.subarray(0, 34)));
}

/**
 * Runs one machine from `machine()` under the JIT (with `options`) and one interpreted, both to
 * their stop, and checks that the interpreted run stopped at its one SYSCALL and the compiled one
 * in the same state. The caller checks the JIT's statistics and closes it.
 */
export function runBothToSyscall(machine: () => FlatMachine, options: JitOptions): { compiled: FlatMachine; interpreted: FlatMachine; jit: JitEngine } {
  const compiled = machine();
  const jit = new JitEngine(compiled.cpu, options);
  expect(jit.run(10_000_000)).toBe(Status.Stop);
  const interpreted = machine();
  expect(interpreted.cpu.run(10_000_000)).toBe(Status.Stop);
  expect(interpreted.exceptions).toEqual([ExcCode.Sys]);
  expectSameState(compiled, interpreted);
  return { compiled, interpreted, jit };
}

/**
 * Runs one machine from `machine()` under the JIT (hot threshold 50) for `firstInstructions`
 * instructions and one interpreted as far, checks they agree and `whenCompiled` (that the code
 * under test runs compiled by then), applies `change` to both machines, runs both to their stop
 * and checks they agree again; returns the interpreted one.
 */
export function runChangedMidway(machine: () => FlatMachine, firstInstructions: number, whenCompiled: (jit: JitEngine) => void, change: (target: FlatMachine) => void): FlatMachine {
  const compiled = machine();
  const jit = new JitEngine(compiled.cpu, { hotThreshold: 50 });
  const interpreted = machine();
  expect(jit.run(firstInstructions)).toBe(Status.Continue);
  expect(interpreted.cpu.run(compiled.cpu.instructions)).toBe(Status.Continue);
  expectSameState(compiled, interpreted);
  whenCompiled(jit);
  for (const target of [compiled, interpreted]) change(target);
  expect(jit.run(10_000_000)).toBe(Status.Stop);
  expect(interpreted.cpu.run(10_000_000)).toBe(Status.Stop);
  expectSameState(compiled, interpreted);
  jit.close();
  return interpreted;
}
