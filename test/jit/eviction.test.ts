// The cap on live region modules: with room for two regions, a guest whose hot loops sit in four
// pages (visited twice) makes the cache evict; results still equal the interpreter's.

import { describe, expect, it } from 'vitest';
import { flatMachine, type FlatMachine } from './flat-machine.js';
import { runBothToSyscall } from './same-state.js';

const FIRST_PAGE = 0x0040_0000;
const PAGES = 4;

/** Page i: a 3000-iteration loop, then a jump to page i + 1 (the last page goes back or stops). */
function pageSource(page: number): string {
  const next = page + 1 < PAGES ? `j 0x${(FIRST_PAGE + (page + 1) * 0x1000).toString(16)}` : 'beq s1, zero, again';
  return `
    li t1, 3000
  loop${page}:
    addiu t1, t1, -1
    addu t0, t0, t1
    xori t0, t0, ${page + 1}
    bne t1, zero, loop${page}
    sll t2, t0, 3
    ${next}
    nop
    syscall
  again:
    li s1, 1
    j 0x${FIRST_PAGE.toString(16)}
    nop`;
}

function machine(): FlatMachine {
  const code = Array.from({ length: PAGES }, (_, page) => ({ address: FIRST_PAGE + page * 0x1000, source: pageSource(page) }));
  return flatMachine(code, FIRST_PAGE);
}

describe('JIT module cap', () => {

  it('evicts the oldest region past the cap and still computes what the interpreter does', () => {
    const { jit } = runBothToSyscall(machine, { hotThreshold: 20, maxRegions: 2 });
    expect(jit.stats.regionsCompiled).toBeGreaterThan(PAGES);
    expect(jit.stats.evictions).toBeGreaterThan(0);
    expect(jit.stats.liveRegions).toBeLessThanOrEqual(2);
  });
});
