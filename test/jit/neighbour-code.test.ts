// A loop that calls a function in the page before its own (codegen/region.ts NeighbourCode): the
// loop's region compiles a copy of the function, runs with the interpreter's results, and is
// dropped when the other page's code changes (a store there) or stops being executable, so that
// the new code runs, or the fault comes, as in the interpreter.

import { describe, expect, it } from 'vitest';
import { assembleProgram } from '../../src/isa/asm.js';
import { ExcCode } from '../../runtime/exceptions.js';
import { Perm } from '../../runtime/flat-memory.js';
import { flatMachine, type FlatMachine } from './flat-machine.js';
import { runBothToSyscall, runChangedMidway as runChangedMidwayOf } from './same-state.js';
import { placeInMemory } from './guest-code.js';

const BEFORE = 0x0040_0000;
const PAGE = 0x0040_1000;
const HELPER = PAGE - 0x20;
const ROUNDS = 30_000;

const HELPER_SOURCE = `
    addu v0, v0, t0
    jr ra
    xori v0, v0, 0x33`;
const LOOP_SOURCE = `
    li t0, ${ROUNDS}
    li v0, 0
  loop:
    jal 0x${HELPER.toString(16)}
    nop
    addiu t0, t0, -1
    bgtz t0, loop
    nop
    syscall`;

function machine(): FlatMachine {
  return flatMachine(
    [
      { address: BEFORE, source: 'nop' },
      { address: PAGE, source: LOOP_SOURCE },
    ],
    PAGE,
    (memory) => placeInMemory(memory, HELPER, HELPER_SOURCE),
  );
}

/**
 * Runs the loop compiled and interpreted for half its rounds (it runs compiled by then), applies
 * `change` to both machines, runs both on to the end and checks that they agree; returns the
 * interpreted one.
 */
function runChangedMidway(change: (target: FlatMachine) => void): FlatMachine {
  return runChangedMidwayOf(machine, ROUNDS * 4, (jit) => expect(jit.stats.neighbourBlocks).toBeGreaterThan(0), change);
}

describe('a loop that calls a function in the page before', () => {

  it('runs compiled with a copy of the function, with the interpreter\'s results', () => {
    const { compiled, jit } = runBothToSyscall(machine, { hotThreshold: 50 });
    expect(jit.stats.neighbourBlocks).toBeGreaterThan(0);
    expect(jit.stats.compiledInstructions / compiled.cpu.instructions).toBeGreaterThan(0.9);
    expect(jit.stats.regionCalls).toBeLessThan(100);
    jit.close();
  });

  it('runs the function\'s new code after a store to its page', () => {
    const interpreted = runChangedMidway((target) =>
      target.cpu.mem.write(HELPER + 8, new Uint8Array(assembleProgram('xori v0, v0, 0x5a', HELPER + 8).buffer)),
    );
    expect(interpreted.exceptions).toEqual([ExcCode.Sys]);
  });

  it('faults as the interpreter does when the function\'s page stops being executable', () => {
    const interpreted = runChangedMidway((target) => target.cpu.mem.protect(BEFORE, 0x1000, Perm.Read));
    expect(interpreted.exceptions).toHaveLength(1);
    expect(interpreted.exceptions[0]).not.toBe(ExcCode.Sys);
  });
});
