// Host memory above 2 GiB: after a 2 GiB slot, the next slots' bytes lie past host offset
// 0x8000_0000, where a signed 32-bit offset turns negative. readPhys/writePhys, guest fetches,
// loads and stores (under both engines, compiled code included) must reach them all.

import { describe, expect, test } from 'vitest';
import { assembleProgram, createVm, MemFlag, Reg } from '../../src/index.js';
import { ENGINES, expectCompiled } from './harness.js';

const BIG_BASE = 0x8000_0000;
const BIG_SIZE = 0x8000_0000;
const ROM_BASE = 0x1fc0_0000;
const ROM_SIZE = 0x1_0000;
const RAM_BASE = ROM_BASE + ROM_SIZE; // right after the ROM
const RAM_SIZE = 0x1_0000;

describe.each(ENGINES)('slots whose host memory lies above 2 GiB (%s)', (engine) => {
  test('readPhys/writePhys across two slots, and a guest loop storing and loading near the top of its RAM', async () => {
    const vm = await createVm({ engine, hotThreshold: engine === 'jit' ? 2 : undefined, compiler: 'inline' });
    vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: BIG_BASE, memorySize: BIG_SIZE });
    vm.setUserMemoryRegion({ slot: 1, flags: MemFlag.Readonly, guestPhysAddr: ROM_BASE, memorySize: ROM_SIZE });
    vm.setUserMemoryRegion({ slot: 2, flags: 0, guestPhysAddr: RAM_BASE, memorySize: RAM_SIZE });
    expect(vm.slotInfo(1)!.userspaceAddr).toBeGreaterThanOrEqual(0x8000_0000);
    expect(vm.slotInfo(2)!.userspaceAddr).toBeGreaterThanOrEqual(0x8000_0000);

    // Host writes and reads crossing from the ROM into the RAM, and the top of the 2 GiB slot.
    const pattern = Uint8Array.from({ length: 32 }, (_, index) => index * 7 + 1);
    vm.writePhys(RAM_BASE - 16, pattern);
    expect(vm.readPhys(RAM_BASE - 16, 32)).toEqual(pattern);
    vm.writePhys(0xffff_fff0, pattern.subarray(0, 16));
    expect(vm.readPhys(0xffff_fff0, 16)).toEqual(pattern.subarray(0, 16));

    // The guest runs from the ROM (kseg1) and works on the last words of the RAM 20 times.
    const rom = assembleProgram(
      `
      lui $s0, 0xbfc1
      ori $s0, $s0, 0xfff0
      li $t0, 0
      li $t1, 20
    loop:
      lw $t2, 0($s0)
      addu $t2, $t2, $t0
      sw $t2, 0($s0)
      sh $t0, 4($s0)
      sb $t0, 11($s0)
      lhu $t3, 4($s0)
      lbu $t4, 11($s0)
      addiu $t0, $t0, 1
      bne $t0, $t1, loop
      nop
      sdbbp
    `,
      0xbfc0_0000,
    );
    vm.writePhys(ROM_BASE, new Uint8Array(rom.buffer));
    vm.writePhys(RAM_BASE + RAM_SIZE - 16, new Uint8Array(16));
    const vcpu = vm.createVcpu(0);
    const exit = vcpu.run({ maxInstructions: 10_000 });
    expect(exit.reason).toBe('debug');
    expect(vcpu.getOneReg(Reg.gpr(10))).toBe(190); // 0 + 1 + ... + 19
    expect(vcpu.getOneReg(Reg.gpr(11))).toBe(19);
    expect(vcpu.getOneReg(Reg.gpr(12))).toBe(19);
    const top = new DataView(vm.readPhys(RAM_BASE + RAM_SIZE - 16, 16).buffer);
    expect([top.getUint32(0, true), top.getUint16(4, true), top.getUint8(11)]).toEqual([190, 19, 19]);
    expectCompiled(engine, vcpu);
  });
});
