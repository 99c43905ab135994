// Guest-physical memory through the API: MMIO exits for loads and stores of every size (loads get
// the host's data on resume, also in a delay slot; under the JIT also from compiled code),
// read-only slots (reads read memory, writes exit as MMIO and change nothing), slot changes taking
// effect at the next instruction, dirty logging, and bad host input that throws and changes nothing.

import { describe, expect, test } from 'vitest';
import { createVm, MemFlag, Reg, type Exit } from '../../src/index.js';
import { bootMachine, bootTo, callRepeatedly, ENGINES, expectCompiled, li32, ROM_BASE } from './harness.js';

const CODE = 0x8000_1000;
const DEVICE = 0x1f00_0000; // no slot covers it
const DEVICE_VIRTUAL = 0xbf00_0000; // kseg1
/** How many times the MMIO test's accesses run: enough for the JIT to compile them (hot threshold 2). */
const ROUNDS = 4;

describe.each(ENGINES)('memory regions and MMIO (%s)', (engine) => {
  test('loads and stores of 1, 2 and 4 bytes to unbacked GPAs exit as MMIO; loads complete with the host data', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    // The accesses run ROUNDS times: under the JIT the last rounds exit from compiled code.
    const words = m.load(
      CODE,
      [
        li32('$s0', DEVICE_VIRTUAL),
        li32('$t0', 0x8765_4321),
        `li $t9, ${ROUNDS}`,
        'round:',
        'sb $t0, 1($s0)',
        'sh $t0, 2($s0)',
        'sw $t0, 4($s0)',
        'lb $s1, 9($s0)',
        'lhu $s2, 10($s0)',
        'lw $s3, 12($s0)',
        'beq $zero, $zero, done',
        'lh $s4, 16($s0)', // a load in a delay slot
        'done:',
        'addiu $t9, $t9, -1',
        'bnez $t9, round',
        'nop',
        'sdbbp',
      ].join('\n'),
    );
    const exits: Exit[] = [];
    const reads = new Map([
      [DEVICE + 9, 0xf0],
      [DEVICE + 10, 0xbeef],
      [DEVICE + 12, 0xdead_beef],
      [DEVICE + 16, 0x8001],
    ]);
    for (;;) {
      const exit = m.vcpu.run({ maxInstructions: 1000 });
      exits.push(exit);
      if (exit.reason !== 'mmio') break;
      if (!exit.isWrite) m.vcpu.completeMmio(reads.get(exit.phys)!);
    }
    const round: Exit[] = [
      { reason: 'mmio', phys: DEVICE + 1, size: 1, isWrite: true, data: 0x21 },
      { reason: 'mmio', phys: DEVICE + 2, size: 2, isWrite: true, data: 0x4321 },
      { reason: 'mmio', phys: DEVICE + 4, size: 4, isWrite: true, data: 0x8765_4321 },
      { reason: 'mmio', phys: DEVICE + 9, size: 1, isWrite: false, data: 0 },
      { reason: 'mmio', phys: DEVICE + 10, size: 2, isWrite: false, data: 0 },
      { reason: 'mmio', phys: DEVICE + 12, size: 4, isWrite: false, data: 0 },
      { reason: 'mmio', phys: DEVICE + 16, size: 2, isWrite: false, data: 0 },
    ];
    expect(exits).toEqual([...Array.from({ length: ROUNDS }, () => round).flat(), { reason: 'debug', pc: CODE + 4 * (words.length - 1) }]);
    expectCompiled(engine, m.vcpu);
    expect(m.gpr(17)).toBe(0xffff_fff0); // LB sign-extends
    expect(m.gpr(18)).toBe(0xbeef);
    expect(m.gpr(19)).toBe(0xdead_beef);
    expect(m.gpr(20)).toBe(0xffff_8001);
  });

  test('a read-only slot: reads read it, a store exits as MMIO and leaves it unchanged', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, [bootTo(CODE)].join('\n'));
    // ROUNDS times: under the JIT the last stores exit from compiled code.
    m.load(CODE, [li32('$s0', 0xbfc0_0000), `li $t9, ${ROUNDS}`, 'round: lw $s1, 0($s0)', 'li $t0, 0x55', 'sw $t0, 0x800($s0)', 'lw $s2, 0x800($s0)', 'addiu $t9, $t9, -1', 'bnez $t9, round', 'nop', 'sdbbp'].join('\n'));
    const before = m.vm.readPhys(ROM_BASE + 0x800, 4);
    for (let round = 0; round < ROUNDS; round++) expect(m.vcpu.run()).toEqual({ reason: 'mmio', phys: ROM_BASE + 0x800, size: 4, isWrite: true, data: 0x55 });
    expect(m.vcpu.run().reason).toBe('debug');
    expectCompiled(engine, m.vcpu);
    expect(m.gpr(17)).toBe(new DataView(m.vm.readPhys(ROM_BASE, 4).buffer).getUint32(0, true));
    expect(m.vm.readPhys(ROM_BASE + 0x800, 4)).toEqual(before);
    expect(m.gpr(18)).toBe(0);
  });

  test('SYNC_MMU: slot changes take effect at the next instruction: re-flag read-only (copy-on-write), delete (ballooning), move, two slots on one backing', async () => {
    const m = await bootMachine(engine);
    const vm = m.vm;
    vm.setUserMemoryRegion({ slot: 2, flags: 0, guestPhysAddr: 0x0200_0000, memorySize: 0x2000 });
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(CODE, [li32('$s0', 0xa200_0000), 'li $t0, 1', 'loop:', 'sw $t0, 0($s0)', 'lw $s1, 0($s0)', 'addiu $t0, $t0, 1', 'b loop', 'nop'].join('\n'));
    expect(m.vcpu.run({ maxInstructions: 200 }).reason).toBe('intr'); // the loop warmed every cache
    vm.setUserMemoryRegion({ slot: 2, flags: MemFlag.Readonly, guestPhysAddr: 0x0200_0000, memorySize: 0x2000 });
    const exit = m.vcpu.run({ maxInstructions: 200 });
    expect(exit.reason === 'mmio' && exit.isWrite && exit.phys === 0x0200_0000).toBe(true);
    vm.setUserMemoryRegion({ slot: 2, flags: 0, guestPhysAddr: 0x0200_0000, memorySize: 0 });
    // Deleted: the next access (the load after the store) is MMIO too.
    const read = m.vcpu.run({ maxInstructions: 200 });
    expect(read).toEqual({ reason: 'mmio', phys: 0x0200_0000, size: 4, isWrite: false, data: 0 });
    m.vcpu.completeMmio(0x1234);
    // Back with a fresh backing that another slot shares: each sees the other's writes.
    vm.setUserMemoryRegion({ slot: 3, flags: 0, guestPhysAddr: 0x0300_0000, memorySize: 0x2000 });
    const backing = vm.slotInfo(3).userspaceAddr;
    vm.setUserMemoryRegion({ slot: 2, flags: 0, guestPhysAddr: 0x0200_0000, memorySize: 0x2000, userspaceAddr: backing });
    expect(m.vcpu.run({ maxInstructions: 50 }).reason).toBe('intr');
    expect(m.gpr(17)).not.toBe(0);
    const value = new DataView(vm.readPhys(0x0300_0000, 4).buffer).getUint32(0, true);
    expect(value).toBeGreaterThan(0);
    expect(vm.readPhys(0x0200_0000, 4)).toEqual(vm.readPhys(0x0300_0000, 4));
    // Moving slot 2 away makes its old GPA MMIO and its new one backed.
    vm.setUserMemoryRegion({ slot: 2, flags: 0, guestPhysAddr: 0x0400_0000, memorySize: 0x2000 });
    const moved = m.vcpu.run({ maxInstructions: 50 });
    expect(moved).toMatchObject({ reason: 'mmio', phys: 0x0200_0000 });
    expect(vm.readPhys(0x0400_0000, 4)).toEqual(vm.readPhys(0x0300_0000, 4));
  });

  test('dirty logging: pages written by the guest or by writePhys since the last call; get-and-clear', async () => {
    const m = await bootMachine(engine);
    const vm = m.vm;
    vm.setUserMemoryRegion({ slot: 2, flags: MemFlag.LogDirtyPages, guestPhysAddr: 0x0200_0000, memorySize: 0x10_000 });
    m.load(0xbfc0_0000, bootTo(CODE));
    // The stores sit in subroutines that run several times: under the JIT the later calls, and
    // the last run's call of `first` after the log was cleared, store from compiled code.
    m.load(
      CODE,
      [
        li32('$s0', 0x8200_0000),
        callRepeatedly('first'),
        'sdbbp',
        callRepeatedly('second'),
        'sdbbp',
        'jal first',
        'nop',
        'sdbbp',
        'first:',
        'sw $s0, 0($s0)',
        'sw $s0, 4($s0)',
        'sb $s0, 0x3fff($s0)',
        'jr $ra',
        'nop',
        'second:',
        'sw $s0, 0x3000($s0)',
        'sw $s0, 0($s0)',
        'jr $ra',
        'nop',
      ].join('\n'),
    );
    expect(vm.getDirtyLog(2)).toEqual(new Uint8Array(2));
    expect(m.vcpu.run().reason).toBe('debug');
    vm.writePhys(0x0200_f000, new Uint8Array([1]));
    expect(Array.from(vm.getDirtyLog(2))).toEqual([0b0000_1001, 0b1000_0000]);
    expect(Array.from(vm.getDirtyLog(2))).toEqual([0, 0]);
    m.vcpu.setOneReg(Reg.PC, m.reg(Reg.PC) + 4);
    expect(m.vcpu.run().reason).toBe('debug');
    // Page 0 was dirty before the reset: the store after it is logged again.
    expect(Array.from(vm.getDirtyLog(2))).toEqual([0b0000_1001, 0]);
    // Compiled stores to pages whose log was just cleared log them again.
    m.vcpu.setOneReg(Reg.PC, m.reg(Reg.PC) + 4);
    expect(m.vcpu.run().reason).toBe('debug');
    expect(Array.from(vm.getDirtyLog(2))).toEqual([0b0000_1001, 0]);
    expectCompiled(engine, m.vcpu);
    expect(() => vm.getDirtyLog(1)).toThrow(/not logging/);
  });

  test('dirty logging toggled on an existing slot: only writes after it are logged; toggled off, the log is gone', async () => {
    const m = await bootMachine(engine);
    const vm = m.vm;
    vm.setUserMemoryRegion({ slot: 2, flags: 0, guestPhysAddr: 0x0200_0000, memorySize: 0x8000 });
    m.load(0xbfc0_0000, bootTo(CODE));
    // Writes pages 0 and 1, stops; then pages 1 and 5, stops; loops 50 times so the JIT compiles it.
    m.load(CODE, [li32('$s0', 0x8200_0000), 'li $s1, 50', 'again:', 'sw $s1, 0($s0)', 'sw $s1, 0x1000($s0)', 'addiu $s1, $s1, -1', 'bnez $s1, again', 'nop', 'sdbbp', 'sw $s1, 0x1004($s0)', 'sw $s1, 0x5000($s0)', 'sdbbp'].join('\n'));
    expect(m.vcpu.run().reason).toBe('debug');
    vm.setUserMemoryRegion({ slot: 2, flags: MemFlag.LogDirtyPages, guestPhysAddr: 0x0200_0000, memorySize: 0x8000 });
    expect(Array.from(vm.getDirtyLog(2))).toEqual([0]);
    m.vcpu.setOneReg(Reg.PC, m.reg(Reg.PC) + 4);
    expect(m.vcpu.run().reason).toBe('debug');
    expect(Array.from(vm.getDirtyLog(2))).toEqual([0b0010_0010]);
    vm.setUserMemoryRegion({ slot: 2, flags: 0, guestPhysAddr: 0x0200_0000, memorySize: 0x8000 });
    expect(() => vm.getDirtyLog(2)).toThrow(/not logging/);
  });
});

describe.each(ENGINES)('host memory growth (%s)', (engine) => {
  test('a slot added after VCPUs ran grows the memory; registers, CP0, compiled code and old slots carry on', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(CODE, [li32('$s0', 0x8000_8000), 'li $s1, 20', 'loop:', 'lw $t0, 0($s0)', 'addiu $t0, $t0, 3', 'sw $t0, 0($s0)', 'addiu $s1, $s1, -1', 'bnez $s1, loop', 'nop', 'sdbbp', li32('$s0', 0xa800_0000), 'sw $s1, 0($s0)', 'b 0x80001000', 'nop'].join('\n'));
    expect(m.vcpu.run().reason).toBe('debug');
    m.vcpu.setOneReg(Reg.gpr(20), 0x1234);
    const before = m.vm.memory(1).buffer.byteLength;
    m.vm.setUserMemoryRegion({ slot: 5, flags: 0, guestPhysAddr: 0x0800_0000, memorySize: 0x400_0000 });
    expect(m.vm.memory(5).buffer.byteLength).toBeGreaterThan(before);
    expect(m.vcpu.getOneReg(Reg.gpr(20))).toBe(0x1234);
    m.vcpu.setOneReg(Reg.PC, m.reg(Reg.PC) + 4);
    expect(m.vcpu.run().reason).toBe('debug'); // wrote the new slot, then looped again over the old RAM
    expect(m.vm.readPhys(0x0800_0000, 4)).toEqual(new Uint8Array([0, 0, 0, 0])); // $s1 was 0 after the loop
    expect(m.vm.readPhys(0x8000, 4)).toEqual(new Uint8Array([120, 0, 0, 0]));
    expect(m.vm.memory(1)[0x8000]).toBe(120);
  });
});

describe('bad host input gets a clear error and changes nothing', () => {
  test('memory slots', async () => {
    const vm = await createVm();
    vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0, memorySize: 0x10_0000 });
    const bad: [object, RegExp][] = [
      [{ slot: 1, flags: 0, guestPhysAddr: 0x8_0000, memorySize: 0x10_0000 }, /overlaps slot 0/],
      [{ slot: 1, flags: 0, guestPhysAddr: 0x10_0800, memorySize: 0x1000 }, /multiples of 4 KiB/],
      [{ slot: 1, flags: 0, guestPhysAddr: 0x10_0000, memorySize: 0x1234 }, /multiples of 4 KiB/],
      [{ slot: 1, flags: 0, guestPhysAddr: 0xffff_f000, memorySize: 0x2000 }, /32-bit physical/],
      [{ slot: 32, flags: 0, guestPhysAddr: 0x20_0000, memorySize: 0x1000 }, /region.slot must be an integer 0..31, not 32/],
      [{ slot: 1, flags: 8, guestPhysAddr: 0x20_0000, memorySize: 0x1000 }, /region.flags must be a combination of MemFlag bits \(0..3\), not 8/],
      [{ slot: 5, flags: 0, guestPhysAddr: 0, memorySize: 0 }, /does not exist/],
      [{ slot: 0, flags: 0, guestPhysAddr: 0, memorySize: 0x20_0000 }, /keeps its size/],
    ];
    for (const [region, message] of bad) {
      expect(() => vm.setUserMemoryRegion(region as never)).toThrow(message);
    }
    expect(vm.slotInfo(0)).toMatchObject({ guestPhysAddr: 0, memorySize: 0x10_0000, flags: 0 });
    expect(() => vm.slotInfo(1)).toThrow(/slotInfo: slot 1 does not exist/);
    expect(() => vm.readPhys(0x10_0000, 4)).toThrow(/not backed/);
    expect(() => vm.writePhys(0xf_fffe, new Uint8Array(4))).toThrow(/not backed/);
    expect(vm.readPhys(0xf_fffc, 4)).toEqual(new Uint8Array(4)); // the partial write above changed nothing
  });

  test('VCPUs, registers, options', async () => {
    const vm = await createVm();
    for (let id = 0; id < 8; id++) vm.createVcpu(id);
    expect(() => vm.createVcpu(8)).toThrow(/createVcpu: id must be an integer 0..7, not 8/);
    expect(() => vm.createVcpu(3)).toThrow(/exists already/);
    const other = await createVm();
    const vcpu = other.createVcpu(0);
    expect(() => vcpu.getOneReg(0x1_0000 + 18 * 8)).toThrow(/getOneReg: id must be a register id from Reg/); // WatchLo is absent
    expect(() => vcpu.getOneReg(35)).toThrow(/getOneReg: id must be a register id from Reg/);
    expect(() => vcpu.setOneReg(Reg.PC, 2 ** 32)).toThrow(/32-bit/);
    expect(() => Reg.gpr(32)).toThrow(/0..31/);
    expect(() => vcpu.interrupt(8, true)).toThrow(/2..7/);
    expect(() => vcpu.completeMmio(1)).toThrow(/not an MMIO read/);
    await expect(createVm({ tlbEntries: 65 })).rejects.toThrow(/16..64/);
    expect(vcpu.getOneReg(Reg.PC)).toBe(0xbfc0_0000);
  });

  test('getRegList lists exactly the ids getOneReg accepts', async () => {
    const vm = await createVm();
    const vcpu = vm.createVcpu(0);
    const list = vcpu.getRegList();
    expect(list).toContain(Reg.CP0_STATUS);
    expect(list).toContain(Reg.fpr(31));
    for (const id of list) expect(() => vcpu.getOneReg(id)).not.toThrow();
    // Every other id up to 0x4_0000 throws (a plain loop: 262,144 expect() calls took 17-68 s).
    const listed = new Set(list);
    const wrong: number[] = [];
    for (let id = 0; id < 0x4_0000; id++) {
      if (listed.has(id)) continue;
      try {
        vcpu.getOneReg(id);
        wrong.push(id);
      } catch (error) {
        if (!(error instanceof RangeError) || !/id must be a register id from Reg/.test(error.message)) wrong.push(id);
      }
    }
    expect(wrong).toEqual([]);
  });
});
