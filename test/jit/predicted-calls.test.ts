// A loop that calls a function far from its page through a register, as PIC code calls through
// its GOT (`lw t9, ...; jalr t9`): the interpreter notes where the JALR went, and the loop's
// region compiles a copy of that function (codegen/region.ts PredictedCalls) behind a test of the
// target. The compiled run must agree with the interpreter when the pointer changes, when the far
// function's code changes, and when its page stops being executable.

import { describe, expect, it } from 'vitest';
import { assembleProgram } from '../../src/isa/asm.js';
import { ExcCode } from '../../runtime/exceptions.js';
import { Perm } from '../../runtime/flat-memory.js';
import { flatMachine, type FlatMachine } from './flat-machine.js';
import { placeInMemory, POINTER_CALL_LOOP } from './guest-code.js';
import { runBothToSyscall, runChangedMidway as runChangedMidwayOf } from './same-state.js';

const PAGE = 0x0040_1000;
/** Far from the loop's page: neither it nor a page beside it. */
const FAR = 0x0048_0000;
const FUNCTION = FAR + 0x100;
const OTHER_FUNCTION = FAR + 0x200;
/** A data page with the pointer the loop calls through. */
const POINTER = 0x0060_0000;
const ROUNDS = 30_000;

const hex = (address: number) => `0x${address.toString(16)}`;

// Two blocks: the test of a0, then the return (a branch over one instruction).
const FUNCTION_SOURCE = `
    beq a0, zero, done
    addu v0, v0, t0
    xori v0, v0, 0x33
  done:
    jr ra
    nop`;
const OTHER_FUNCTION_SOURCE = `
    subu v0, v0, t0
    jr ra
    xori v0, v0, 0x5a`;
const LOOP_SOURCE = `
    li t0, ${ROUNDS}
    li v0, 0
    li a0, 1
    lui s0, ${POINTER >>> 16}
${POINTER_CALL_LOOP}`;

function machine(): FlatMachine {
  return flatMachine(
    [
      { address: PAGE, source: LOOP_SOURCE },
      { address: FAR, source: 'nop' },
    ],
    PAGE,
    (memory) => {
      placeInMemory(memory, FUNCTION, FUNCTION_SOURCE);
      placeInMemory(memory, OTHER_FUNCTION, OTHER_FUNCTION_SOURCE);
      memory.protect(POINTER, 0x1000, Perm.Read | Perm.Write);
      new DataView(memory.u8.buffer).setInt32(POINTER, FUNCTION, true);
    },
  );
}

/** Runs the loop compiled and interpreted halfway, applies `change` to both, runs both to the end. */
function runChangedMidway(change: (target: FlatMachine) => void): FlatMachine {
  return runChangedMidwayOf(machine, ROUNDS * 4, (jit) => expect(jit.stats.neighbourBlocks).toBeGreaterThan(0), change);
}

describe('a loop that calls a far function through a register', () => {

  it('runs compiled with a copy of the function it called, with the interpreter\'s results', () => {
    const { compiled, jit } = runBothToSyscall(machine, { hotThreshold: 50 });
    // The function's blocks (its test, the add, the return), copied into the loop's region.
    expect(jit.stats.neighbourBlocks).toBeGreaterThanOrEqual(2);
    expect(jit.stats.compiledInstructions / compiled.cpu.instructions).toBeGreaterThan(0.9);
    // Without the copy each call and each return went between regions, not through the engine;
    // the engine's calls into compiled code stay few either way. The copy is what keeps it in one.
    expect(jit.stats.regionCalls).toBeLessThan(100);
    jit.close();
  });

  it('goes to the new function when the pointer changes', () => {
    const interpreted = runChangedMidway((target) => {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setInt32(0, OTHER_FUNCTION, true);
      target.cpu.mem.write(POINTER, bytes);
    });
    expect(interpreted.exceptions).toEqual([ExcCode.Sys]);
  });

  it('runs the function\'s new code after a store to its page', () => {
    const interpreted = runChangedMidway((target) => target.cpu.mem.write(FUNCTION + 8, new Uint8Array(assembleProgram('xori v0, v0, 0x77', FUNCTION + 8).buffer)));
    expect(interpreted.exceptions).toEqual([ExcCode.Sys]);
  });

  it('faults as the interpreter does when the function\'s page stops being executable', () => {
    const interpreted = runChangedMidway((target) => target.cpu.mem.protect(FAR, 0x1000, Perm.Read));
    expect(interpreted.exceptions).toHaveLength(1);
    expect(interpreted.exceptions[0]).not.toBe(ExcCode.Sys);
  });
});
