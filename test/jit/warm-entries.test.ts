// A page's first module takes as entries, besides the block start that got hot, the page's block
// starts entered often enough meanwhile (codegen/engine.ts WARM_ENTRY_DIVISOR): a function called
// from another page whose inner loop gets hot first is compiled with its entry, so the calls find
// it through the jump cache instead of being interpreted until the entry gets hot on its own (and
// then compiled again in a second module of the page). And a block start that compiled code
// leaves for counts more than one the interpreter enters (codegen/engine.ts EXIT_ENTRY_WEIGHT).

import { describe, expect, it } from 'vitest';
import { DEFAULT_HOT_THRESHOLD } from '../../codegen/engine.js';
import { flatMachine } from './flat-machine.js';
import { runBothToSyscall } from './same-state.js';

const MAIN = 0x0040_0000;
const FUNCTION = 0x0040_1000;
const CALLS = 2000;
/** Inner-loop trips per call: the loop gets hot after DEFAULT_HOT_THRESHOLD / TRIPS calls (~33). */
const TRIPS = 6;

const MAIN_SOURCE = `
    li s0, ${CALLS}
    lui t9, ${FUNCTION >>> 16}
    ori t9, t9, ${FUNCTION & 0xffff}
  loop:
    jalr t9
    move a0, s0
    addu s1, s1, v0
    addiu s0, s0, -1
    bne s0, zero, loop
    nop
    syscall`;

const FUNCTION_SOURCE = `
    li t0, ${TRIPS}
    move v0, zero
  inner:
    addu v0, v0, a0
    addiu t0, t0, -1
    bne t0, zero, inner
    xor v0, v0, t0
    jr ra
    nop`;

describe('warm entries of a compiled page', () => {
  it('a function entered from another page is an entry of the module its own loop triggers', () => {
    expect(DEFAULT_HOT_THRESHOLD / TRIPS).toBeLessThan(50);
    const { compiled, jit } = runBothToSyscall(
      () => flatMachine([{ address: MAIN, source: MAIN_SOURCE }, { address: FUNCTION, source: FUNCTION_SOURCE }], MAIN),
      {},
    );
    // One module per page: the function's page needs no second module for its entry.
    expect(jit.stats.regionsCompiled).toBe(2);
    expect(jit.stats.compiledInstructions / compiled.cpu.instructions).toBeGreaterThan(0.8);
    jit.close();
  });
});

describe('block starts that compiled code leaves for', () => {
  // A loop compiled while its call never ran (the first 1,000 trips skip it): the call's block
  // then leaves the region at every trip, through the engine, until a later module of the page
  // has it. Each such entry counts EXIT_ENTRY_WEIGHT times toward the hot threshold.
  const HOT = 50;
  const CALLER = `
      li s0, 2000
      lui t9, ${FUNCTION >>> 16}
      ori t9, t9, ${FUNCTION & 0xffff}
    loop:
      slti t1, s0, 1000
      beq t1, zero, skip
      nop
      jalr t9
      nop
    skip:
      addiu s0, s0, -1
      bne s0, zero, loop
      nop
      syscall`;
  const CALLEE = `
      addu v0, v0, s0
      jr ra
      xori v0, v0, 3`;

  it('get compiled after fewer trips out of compiled code than entries from the interpreter', () => {
    const { jit } = runBothToSyscall(() => flatMachine([{ address: MAIN, source: CALLER }, { address: FUNCTION, source: CALLEE }], MAIN), { hotThreshold: HOT });
    // The call's block (HOT / weight trips) and the callee's page (warm after HOT entries, then
    // hot): 2 * HOT trips when each counted once.
    expect(jit.stats.regionsCompiled).toBe(3);
    expect(jit.stats.exitsLeave).toBeLessThan(2 * HOT);
    jit.close();
  });
});

