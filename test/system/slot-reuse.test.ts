// Host memory of deleted slots is reused: creating and deleting slots in a loop stays within a
// bounded amount of host memory, reused memory reads as zero, and memory an alias slot still
// uses is not handed out again until the alias goes too.

import { describe, expect, test } from 'vitest';
import { createVm } from '../../src/index.js';

describe('slot memory reuse', () => {
  test('100,000 create/delete cycles of small slots, and 200 of 64 MiB, in bounded host memory', async () => {
    const vm = await createVm({ engine: 'interp' });
    vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0, memorySize: 0x1_0000 });
    const hostBytes = () => vm.memory(0).buffer.byteLength;
    const before = hostBytes();
    for (let cycle = 0; cycle < 100_000; cycle++) {
      const memorySize = 0x1000 << (cycle % 5); // 4..64 KiB
      vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0x100_0000, memorySize });
      vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0x100_0000, memorySize: 0 });
    }
    expect(hostBytes()).toBe(before);
    for (let cycle = 0; cycle < 200; cycle++) {
      vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0x100_0000, memorySize: 0x400_0000 });
      vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0x100_0000, memorySize: 0 });
    }
    expect(hostBytes()).toBeLessThanOrEqual(before + 0x500_0000);
  });

  test('reused memory reads as zero; an alias keeps its memory from being handed out', async () => {
    const vm = await createVm({ engine: 'interp' });
    vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0, memorySize: 0x2000 });
    const first = vm.slotInfo(0).userspaceAddr;
    vm.writePhys(0x1ff0, new Uint8Array(16).fill(0xab));
    vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0x10_0000, memorySize: 0x2000, userspaceAddr: first });
    vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0, memorySize: 0 });
    vm.setUserMemoryRegion({ slot: 2, flags: 0, guestPhysAddr: 0x20_0000, memorySize: 0x2000 });
    expect(vm.slotInfo(2).userspaceAddr).not.toBe(first); // the alias still uses it
    expect(vm.readPhys(0x10_1ff0, 16)).toEqual(new Uint8Array(16).fill(0xab));
    vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0x10_0000, memorySize: 0 });
    vm.setUserMemoryRegion({ slot: 3, flags: 0, guestPhysAddr: 0x30_0000, memorySize: 0x2000 });
    expect(vm.slotInfo(3).userspaceAddr).toBe(first);
    expect(vm.readPhys(0x30_0000, 0x2000)).toEqual(new Uint8Array(0x2000));
  });
});
