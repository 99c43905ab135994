// The interpreter's side of tiering (src/interp/cpu.ts BlockEndWatch): in a watched page it counts
// block entries itself and returns to the engine only at a block start that has compiled code
// (the jump cache names it), that got hot, or every ENTRY_REPORT_EVERY entries; without entry
// counts it returns at every block start of a watched page. Code that runs on into the next page
// (no branch) starts a block there too.

import { describe, expect, it } from 'vitest';
import { ENTRY_COUNT_MASK, ENTRY_REPORT_EVERY, type BlockEndWatch } from '../../src/interp/cpu.js';
import { PAGE_SHIFT, Perm, publishJump } from '../../runtime/flat-memory.js';
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

  /** Four instructions at the end of the first page, then the loop goes on in the second; the run starts at the first of them. */
  function acrossPages(): FlatMachine {
    const source = `${'nop\n'.repeat(1020)}
    loop:
      addiu s0, s0, 1
      addiu s1, s1, 1
      addiu s2, s2, 1
      addiu s3, s3, 1
      addiu s4, s4, 1
      b loop
      nop`;
    return flatMachine([{ address: CODE, source }], CODE + 0xff0, (memory) => memory.protect(CODE + 0x1000, 0x1000, Perm.Read | Perm.Exec));
  }

  it('treats running on into the next page as a block start', () => {
    const machine = acrossPages();
    const watch = watching(machine, true);
    watch.watched[(CODE >>> PAGE_SHIFT) + 1] = 1;
    publishJump(machine.cpu.mem.jumpCache, CODE + 0x1000, 1);
    expect(runOnce(machine, watch)).toBe(4);
    expect(machine.cpu.pc).toBe(CODE + 0x1000);
    // The engine then runs that block start (here: the interpreter again) without stopping at once.
    expect(runOnce(machine, watch)).toBeGreaterThan(4);
  });

  it('returns at a run into the next page even where nothing is compiled or hot (the engine counts it)', () => {
    const machine = acrossPages();
    // Neither page watched, no jump cache entry: the interpreter counts nothing there itself.
    const watch = watching(machine, true);
    watch.watched[CODE >>> PAGE_SHIFT] = 0;
    expect(runOnce(machine, watch)).toBe(4);
    expect(machine.cpu.pc).toBe(CODE + 0x1000);
    expect(machine.cpu.instructions).toBe(4);
  });

  it('returns at a block start the jump cache has compiled code for', () => {
    const machine = flatMachine([{ address: CODE, source: LOOP }], CODE);
    const watch = watching(machine, true);
    publishJump(machine.cpu.mem.jumpCache, CODE, 1);
    expect(runOnce(machine, watch)).toBe(3);
    expect(watch.entryCounts![(CODE >>> 2) & ENTRY_COUNT_MASK]).toBe(0);
  });
});
