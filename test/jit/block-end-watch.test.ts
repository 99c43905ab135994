// The interpreter's side of tiering (src/interp/cpu.ts BlockEndWatch): in a watched page it counts
// block entries itself and returns to the engine only at a block start that has compiled code
// (the jump cache names it), that got hot, or every ENTRY_REPORT_EVERY entries; without entry
// counts it returns at every block start of a watched page.

import { describe, expect, it } from 'vitest';
import { ENTRY_COUNT_MASK, ENTRY_REPORT_EVERY, type BlockEndWatch } from '../../src/interp/cpu.js';
import { PAGE_SHIFT, publishJump } from '../../runtime/flat-memory.js';
import { flatMachine, type FlatMachine } from './flat-machine.js';

const CODE = 0x0040_0000;
// One block of three instructions that branches back to its own start.
const LOOP = `
    loop:
      addiu s0, s0, 1
      b loop
      nop`;

function watching(machine: FlatMachine, counts: boolean, hotThreshold = 1000): BlockEndWatch {
  const watched = new Uint8Array(1 << (32 - PAGE_SHIFT));
  watched[CODE >>> PAGE_SHIFT] = 1;
  return {
    watched,
    heat: new Uint32Array(1 << (32 - PAGE_SHIFT)),
    warmThreshold: 500,
    ...(counts ? { entryCounts: new Uint32Array(ENTRY_COUNT_MASK + 1), hotThreshold, jumpCache: machine.cpu.mem.jumpCache } : {}),
  };
}

/** Instructions one interpreter call runs before it returns to the engine. */
function runOnce(machine: FlatMachine, watch: BlockEndWatch): number {
  const before = machine.cpu.instructions;
  machine.cpu.run(1_000_000, watch);
  return machine.cpu.instructions - before;
}

describe('interpreter block-end watch', () => {
  it('returns at every block start of a watched page without entry counts', () => {
    const machine = flatMachine([{ address: CODE, source: LOOP }], CODE);
    expect(runOnce(machine, watching(machine, false))).toBe(3);
    expect(machine.cpu.pc).toBe(CODE);
  });

  it('counts entries itself and reports every ENTRY_REPORT_EVERY of them', () => {
    const machine = flatMachine([{ address: CODE, source: LOOP }], CODE);
    const watch = watching(machine, true);
    expect(runOnce(machine, watch)).toBe(3 * ENTRY_REPORT_EVERY);
    expect(watch.entryCounts![(CODE >>> 2) & ENTRY_COUNT_MASK]).toBe(ENTRY_REPORT_EVERY);
    expect(machine.cpu.pc).toBe(CODE);
  });

  it('returns when a block start gets hot', () => {
    const machine = flatMachine([{ address: CODE, source: LOOP }], CODE);
    expect(runOnce(machine, watching(machine, true, 10))).toBe(3 * 10);
  });

  it('returns at a block start the jump cache has compiled code for', () => {
    const machine = flatMachine([{ address: CODE, source: LOOP }], CODE);
    const watch = watching(machine, true);
    publishJump(machine.cpu.mem.jumpCache, CODE, 1);
    expect(runOnce(machine, watch)).toBe(3);
    expect(watch.entryCounts![(CODE >>> 2) & ENTRY_COUNT_MASK]).toBe(0);
  });
});
