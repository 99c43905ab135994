// A branch in a page's last word, its delay slot the next page's first word (codegen/block.ts
// findBlock, Block.slotInNextPage): the loop must run compiled, with the interpreter's results,
// a new word in that slot (a store to the next page, which drops none of the first page's code)
// must be the one that runs from then on, and a slot that is no longer executable faults.

import { describe, expect, it } from 'vitest';
import { assembleProgram } from '../../src/isa/asm.js';
import { ExcCode } from '../../runtime/exceptions.js';
import { Perm } from '../../runtime/flat-memory.js';
import { flatMachine, type FlatMachine } from './flat-machine.js';
import { runBothToSyscall, runChangedMidway as runChangedMidwayOf } from './same-state.js';
import { placeInMemory } from './guest-code.js';

const FIRST_PAGE = 0x0040_0000;
const NEXT_PAGE = 0x0040_1000;
const LOOP = NEXT_PAGE - 16;
const ROUNDS = 30_000;

/** Four words ending in the page's last word: BGTZ's delay slot is the next page's first word. */
const LOOP_SOURCE = `
  loop:
    addu s1, s1, t0
    xori s1, s1, 0x55
    sll t1, t0, 1
    bgtz t0, loop`;

function machine(): FlatMachine {
  // The first page falls through its zero words (NOPs) to the loop at its end.
  const code = [
    { address: FIRST_PAGE, source: `li t0, ${ROUNDS}\n li s1, 0` },
    { address: NEXT_PAGE, source: 'addiu t0, t0, -1\n syscall' },
  ];
  return flatMachine(code, FIRST_PAGE, (memory) => placeInMemory(memory, LOOP, LOOP_SOURCE));
}

/** Writes `source` (one instruction) over the delay slot, as a guest store would. */
function replaceSlot(target: FlatMachine, source: string): void {
  target.cpu.mem.write(NEXT_PAGE, new Uint8Array(assembleProgram(source, NEXT_PAGE).buffer));
}

/**
 * Runs the loop compiled and interpreted for half its rounds (by then it runs compiled), applies
 * `change` to both machines, runs both to the end and checks they agree; returns the interpreted one.
 */
function runChangedMidway(change: (target: FlatMachine) => void): FlatMachine {
  return runChangedMidwayOf(machine, ROUNDS * 2, (jit) => expect(jit.stats.compiledInstructions).toBeGreaterThan(ROUNDS), change);
}

describe('a branch in the last word of a page', () => {

  it('runs compiled with its delay slot from the next page', () => {
    const { compiled, jit } = runBothToSyscall(machine, { hotThreshold: 50 });
    // Before, the loop left compiled code at every trip: the interpreter took the branch.
    expect(jit.stats.compiledInstructions / compiled.cpu.instructions).toBeGreaterThan(0.9);
    expect(jit.stats.regionCalls).toBeLessThan(100);
    jit.close();
  });

  it('runs a new delay slot written while the loop is compiled', () => {
    // A slot that counts down by 3 instead of 1.
    const interpreted = runChangedMidway((target) => replaceSlot(target, 'addiu t0, t0, -3'));
    expect(interpreted.exceptions).toEqual([ExcCode.Sys]);
  });

  it('faults as the interpreter does when the next page stops being executable', () => {
    const interpreted = runChangedMidway((target) => target.cpu.mem.protect(NEXT_PAGE, 0x1000, Perm.Read));
    expect(interpreted.exceptions).toHaveLength(1);
    expect(interpreted.exceptions[0]).not.toBe(ExcCode.Sys);
  });
});
