// Every public function of the VM API checks its arguments at the edge: a bad call throws a
// TypeError (wrong type) or RangeError (bad number) whose message names the function, the argument
// and what it must be, never prints 0xNaN or a hex fraction, and leaves the VM as it was.

import { describe, expect, test } from 'vitest';
import { Cap, createVm, MemFlag, Reg, type Vcpu, type Vm } from '../../src/index.js';

const device = { base: 0x1000_0000, size: 0x10, read: () => 0, write: () => undefined };

/** Everything a bad call could have changed: slots, registers, the first RAM bytes, the device bus. */
function snapshot(vm: Vm, vcpu: Vcpu): unknown {
  const slots = [];
  for (let slot = 0; slot < 32; slot++) {
    try {
      slots.push(vm.slotInfo(slot));
    } catch {
      slots.push(undefined);
    }
  }
  return { slots, registers: vcpu.getRegList().map((id) => vcpu.getOneReg(id)), ram: Array.from(vm.readPhys(0, 64)), stats: vcpu.stats };
}

type BadCall = [string, (vm: Vm, vcpu: Vcpu) => unknown, typeof TypeError | typeof RangeError, RegExp];

const bad: BadCall[] = [
  ['run: maxInstructions as a string', (_, vcpu) => vcpu.run({ maxInstructions: '10' as never }), TypeError, /^run: options\.maxInstructions must be an integer >= 0 \(or Infinity\), not "10"$/],
  ['run: a fractional maxInstructions', (_, vcpu) => vcpu.run({ maxInstructions: 2.5 }), RangeError, /^run: options\.maxInstructions must be .*, not 2\.5$/],
  ['run: a negative maxInstructions', (_, vcpu) => vcpu.run({ maxInstructions: -1 }), RangeError, /not -1$/],
  ['run: options null', (_, vcpu) => vcpu.run(null as never), TypeError, /^run: options must be an object, not null$/],
  ['interrupt: asserted a string', (_, vcpu) => vcpu.interrupt(2, 'yes' as never), TypeError, /^interrupt: asserted must be true or false, not "yes"$/],
  ['interrupt: line 8', (_, vcpu) => vcpu.interrupt(8, true), RangeError, /^interrupt: ip \(a hardware interrupt line\) must be an integer 2\.\.7, not 8$/],
  ['interrupt: line NaN', (_, vcpu) => vcpu.interrupt(NaN, true), RangeError, /not NaN$/],
  ['completeMmio: a string', (_, vcpu) => vcpu.completeMmio('1' as never), TypeError, /^completeMmio: value must be a 32-bit integer/],
  ['setOneReg: value 2^32', (_, vcpu) => vcpu.setOneReg(Reg.PC, 2 ** 32), RangeError, /^setOneReg: value must be a 32-bit integer .*, not 0x100000000$/],
  ['setOneReg: value 1.5', (_, vcpu) => vcpu.setOneReg(Reg.gpr(4), 1.5), RangeError, /not 1\.5$/],
  ['setOneReg: id a string', (_, vcpu) => vcpu.setOneReg('pc' as never, 0), TypeError, /^setOneReg: id must be a register id from Reg, not "pc"$/],
  ['getOneReg: a fractional id (0x1800 + 0.5)', (_, vcpu) => vcpu.getOneReg(0x1800 + 0.5), RangeError, /^getOneReg: id must be a register id from Reg, not 6144\.5$/],
  ['getOneReg: unknown id', (_, vcpu) => vcpu.getOneReg(35), RangeError, /^getOneReg: id must be a register id from Reg \(getRegList\(\)\), not 35$/],
  ['createVcpu: id 8', (vm) => vm.createVcpu(8), RangeError, /^createVcpu: id must be an integer 0\.\.7, not 8$/],
  ['createVcpu: id undefined', (vm) => vm.createVcpu(undefined as never), TypeError, /^createVcpu: id must be an integer 0\.\.7, not undefined$/],
  ['setUserMemoryRegion: undefined', (vm) => vm.setUserMemoryRegion(undefined as never), TypeError, /^setUserMemoryRegion: region must be an object, not undefined$/],
  ['setUserMemoryRegion: slot a string', (vm) => vm.setUserMemoryRegion({ slot: '1' as never, flags: 0, guestPhysAddr: 0x20_0000, memorySize: 0x1000 }), TypeError, /region\.slot must be an integer 0\.\.31, not "1"$/],
  ['setUserMemoryRegion: guestPhysAddr NaN', (vm) => vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: NaN, memorySize: 0x1000 }), RangeError, /region\.guestPhysAddr must be a 4 KiB-aligned guest-physical address, not NaN$/],
  ['setUserMemoryRegion: guestPhysAddr negative', (vm) => vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: -0x1000, memorySize: 0x1000 }), RangeError, /not -4096$/],
  ['setUserMemoryRegion: memorySize fractional', (vm) => vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0x20_0000, memorySize: 0x1000 + 0.5 }), RangeError, /region\.memorySize must be .*, not 4096\.5$/],
  ['setUserMemoryRegion: flags missing', (vm) => vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x20_0000, memorySize: 0x1000 } as never), TypeError, /region\.flags must be a combination of MemFlag bits \(0\.\.3\), not undefined$/],
  ['setUserMemoryRegion: userspaceAddr a string', (vm) => vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0x20_0000, memorySize: 0x1000, userspaceAddr: '0' as never }), TypeError, /region\.userspaceAddr must be/],
  ['readPhys: gpa a string', (vm) => vm.readPhys('0' as never, 4), TypeError, /^readPhys: gpa must be a guest-physical address 0\.\.0xffffffff, not "0"$/],
  ['readPhys: length past 4 GiB', (vm) => vm.readPhys(0xffff_fff0, 32), RangeError, /^readPhys: length must be a byte count 0\.\.16 \(the range ends at 4 GiB\), not 32$/],
  ['readPhys: length NaN', (vm) => vm.readPhys(0, NaN), RangeError, /not NaN$/],
  ['writePhys: bytes a string', (vm) => vm.writePhys(0, 'str' as never), TypeError, /^writePhys: bytes must be a Uint8Array, not "str"$/],
  ['writePhys: gpa fractional', (vm) => vm.writePhys(0.5, new Uint8Array(1)), RangeError, /^writePhys: gpa must be .*, not 0\.5$/],
  ['slotInfo: slot a string', (vm) => vm.slotInfo('0' as never), TypeError, /^slotInfo: slot must be an integer 0\.\.31, not "0"$/],
  ['memory: slot 40', (vm) => vm.memory(40), RangeError, /^memory: slot must be an integer 0\.\.31, not 40$/],
  ['getDirtyLog: slot 1.5', (vm) => vm.getDirtyLog(1.5), RangeError, /^getDirtyLog: slot must be an integer 0\.\.31, not 1\.5$/],
  ['addMmioHandler: null', (vm) => vm.addMmioHandler(null as never), TypeError, /^addMmioHandler: handler \{ base, size, read, write \} must be an object, not null$/],
  ['addMmioHandler: base NaN', (vm) => vm.addMmioHandler({ ...device, base: NaN }), RangeError, /handler\.base must be a guest-physical address 0\.\.0xffffffff, not NaN$/],
  ['removeMmioHandler: a number', (vm) => vm.removeMmioHandler(3 as never), TypeError, /^removeMmioHandler: handler must be an object, not 3$/],
  ['checkExtension: a string', (vm) => vm.checkExtension('MaxVcpus' as never), TypeError, /^checkExtension: cap must be a capability number from Cap, not "MaxVcpus"$/],
];

describe('bad calls to the VM API', () => {
  test.each(bad)('%s', async (_name, call, errorClass, message) => {
    const vm = await createVm({ engine: 'interp' });
    vm.setUserMemoryRegion({ slot: 0, flags: MemFlag.LogDirtyPages, guestPhysAddr: 0, memorySize: 0x10_0000 });
    vm.writePhys(0, Uint8Array.from({ length: 64 }, (_, index) => index));
    const vcpu = vm.createVcpu(0);
    const before = snapshot(vm, vcpu);
    let thrown: unknown;
    try {
      call(vm, vcpu);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    const text = (thrown as Error).message;
    expect(text).toMatch(message);
    expect(text).not.toMatch(/0xNaN|0x-|0x[0-9a-f]*\.[0-9a-f]/);
    expect(snapshot(vm, vcpu)).toEqual(before);
    expect(vm.checkExtension(Cap.MaxVcpus)).toBe(8);
  });

  test('createVm: options of the wrong type', async () => {
    await expect(createVm(null as never)).rejects.toThrow(new TypeError('createVm: options must be an object, not null'));
    await expect(createVm({ engine: 'fast' as never })).rejects.toThrow(new RangeError("createVm: options.engine must be 'interp' or 'jit', not \"fast\""));
    await expect(createVm({ tlbEntries: '32' as never })).rejects.toThrow(TypeError);
    await expect(createVm({ tlbEntries: 65 })).rejects.toThrow(/options\.tlbEntries must be an integer 16\.\.64, not 65/);
    await expect(createVm({ countHz: -1 })).rejects.toThrow(RangeError);
    await expect(createVm({ hotThreshold: 0.5 })).rejects.toThrow(/options\.hotThreshold must be an integer >= 1, not 0\.5/);
    await expect(createVm({ minUsesToCache: 0 })).rejects.toThrow(/options\.minUsesToCache must be an integer >= 1, not 0/);
  });

  test('createVm: memoryBytes sets host memory aside, so regions up to it do not replace its buffer', async () => {
    await expect(createVm({ memoryBytes: -1 })).rejects.toThrow(/options\.memoryBytes must be an integer of bytes below 3\.75 GiB, not -1/);
    const hostBuffer = (vm: Vm) => (vm as unknown as { physical: { host: { buffer: ArrayBuffer } } }).physical.host.buffer;
    for (const engine of ['interp', 'jit'] as const) {
      const hinted = await createVm({ engine, memoryBytes: 64 << 20 });
      const before = hostBuffer(hinted);
      hinted.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0, memorySize: 60 << 20 });
      hinted.setUserMemoryRegion({ slot: 1, flags: MemFlag.Readonly, guestPhysAddr: 0x1fc0_0000, memorySize: 4 << 20 });
      hinted.createVcpu(0);
      expect(hostBuffer(hinted)).toBe(before);
      // Without the hint the memory grows as the regions come (so the test above can fail).
      const unhinted = await createVm({ engine });
      const first = hostBuffer(unhinted);
      unhinted.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0, memorySize: 60 << 20 });
      expect(hostBuffer(unhinted)).not.toBe(first);
    }
  });
});
