// The GVA tables (runtime/gva.ts): entries per mode, range flushes across leaves (a 256 MiB
// page spans 64 of them), the mapped-segment flush that keeps kseg0/kseg1, and recycling the leaf
// pool when it runs out.

import { describe, expect, test } from 'vitest';
import { GvaFlag, GvaTables } from '../../runtime/gva.js';
import { GVA_LEAF_POOL, VcpuBlock } from '../../runtime/state.js';

function tables(): GvaTables {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(VcpuBlock.size / 0x1_0000) + 1 });
  return new GvaTables(memory.buffer, 0);
}

const entry = (hostPage: number) => (hostPage << 12) | GvaFlag.Valid;

describe('GVA tables', () => {
  test('entries are per mode and per page', () => {
    const gva = tables();
    gva.fill(0, 0x0040_1234, entry(7));
    gva.fill(2, 0x0040_1000, entry(9));
    expect(gva.lookup(0, 0x0040_1ffc)).toBe(entry(7));
    expect(gva.lookup(2, 0x0040_1000)).toBe(entry(9));
    expect(gva.lookup(1, 0x0040_1000)).toBe(0);
    expect(gva.lookup(0, 0x0040_2000)).toBe(0);
  });

  test('a range flush drops exactly the range, across leaves, in every mode', () => {
    const gva = tables();
    const addresses = [0x0fff_f000, 0x1000_0000, 0x1040_0000, 0x13ff_f000, 0x1fff_f000, 0x2000_0000];
    for (const mode of [0, 2]) for (const address of addresses) gva.fill(mode, address, entry(address >>> 20));
    gva.flushRange(0x1000_0000, 0x1000_0000); // a 256 MiB page
    for (const mode of [0, 2]) {
      expect(addresses.map((address) => gva.lookup(mode, address) !== 0)).toEqual([true, false, false, false, false, true]);
    }
  });

  test('flushMapped keeps kseg0 and kseg1 and drops kuseg and kseg2/3', () => {
    const gva = tables();
    for (const address of [0x0040_0000, 0x8000_1000, 0xa000_2000, 0xc000_0000, 0xe000_0000]) gva.fill(0, address, entry(1));
    gva.flushMapped();
    expect([0x0040_0000, 0x8000_1000, 0xa000_2000, 0xc000_0000, 0xe000_0000].map((address) => gva.lookup(0, address) !== 0)).toEqual([false, true, true, false, false]);
  });

  test('when the leaf pool runs out, the tables start again empty and keep working', () => {
    const gva = tables();
    for (let leaf = 0; leaf <= GVA_LEAF_POOL; leaf++) gva.fill(0, leaf * 0x40_0000, entry(leaf));
    expect(gva.recycles).toBe(1);
    expect(gva.lookup(0, GVA_LEAF_POOL * 0x40_0000)).toBe(entry(GVA_LEAF_POOL));
    expect(gva.lookup(0, 0)).toBe(0);
  });
});
