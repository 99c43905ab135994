import { test, expect } from 'vitest';
import { createVm, Reg, MemFlag, assembleProgram } from '../../src/index.js';
test('smoke', async () => {
  const vm = await createVm({ engine: 'interp' });
  vm.setUserMemoryRegion({ slot: 0, flags: MemFlag.Readonly, guestPhysAddr: 0x1fc0_0000, memorySize: 0x1000 });
  vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0, memorySize: 0x10_0000 });
  const code = assembleProgram(`
    li $t0, 0x1234
    lui $t1, 0x8000
    sw $t0, 0x100($t1)
    lw $t2, 0x100($t1)
    lui $t3, 0xbf00
    sw $t2, 0x500($t3)
    lw $t4, 0x504($t3)
    sdbbp
  `, 0xbfc0_0000);
  new Uint32Array(vm.memory(0).buffer, vm.memory(0).byteOffset, 1024).set(code);
  const vcpu = vm.createVcpu(0);
  let exit = vcpu.run();
  expect(exit).toEqual({ reason: 'mmio', phys: 0x1f00_0500, size: 4, isWrite: true, data: 0x1234 });
  exit = vcpu.run();
  expect(exit).toEqual({ reason: 'mmio', phys: 0x1f00_0504, size: 4, isWrite: false, data: 0 });
  vcpu.completeMmio(0xdead_beef);
  exit = vcpu.run();
  expect(exit.reason).toBe('debug');
  expect(vcpu.getOneReg(Reg.gpr(12))).toBe(0xdead_beef);
  expect(vm.readPhys(0x100, 4)).toEqual(new Uint8Array([0x34, 0x12, 0, 0]));
});
