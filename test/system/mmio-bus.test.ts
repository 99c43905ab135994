// The in-VM device bus (vm.addMmioHandler): guest accesses to claimed GPAs call the device without
// an exit, under both engines and from compiled code in a hot loop; unclaimed addresses still exit.

import { describe, expect, it } from 'vitest';
import { Reg } from '../../src/index.js';
import { bootMachine, bootTo, callRepeatedly, ENGINES, expectCompiled, WARM_CALLS } from './harness.js';

describe.each(ENGINES)('in-VM device bus (%s)', (engine) => {
  it('loads and stores of each size reach the device, sign- and zero-extended as the instruction says', async () => {
    const m = await bootMachine(engine);
    const log: string[] = [];
    m.vm.addMmioHandler({
      base: 0x1f00_0000,
      size: 0x100,
      read: (offset, size) => (offset === 0x10 ? 0x8182_8384 : 0xfedc_ba98) >>> (size === 4 ? 0 : 0),
      write: (offset, size, value) => log.push(`${offset.toString(16)}/${size}=${value.toString(16)}`),
    });
    m.load(0xbfc0_0000, bootTo(0x8000_1000));
    // The accesses run WARM_CALLS times, the later ones compiled under the JIT.
    m.load(0x8000_1000, `
      lui $s0, 0xbf00
      li $t0, -2
      ${callRepeatedly('access')}
      sw $t0, 0x100($s0)
      sdbbp
    access:
      sb $t0, 0x4($s0)
      sh $t0, 0x8($s0)
      sw $t0, 0xc($s0)
      lb $s1, 0x10($s0)
      lbu $s2, 0x10($s0)
      lh $s3, 0x10($s0)
      lhu $s4, 0x10($s0)
      lw $s5, 0x10($s0)
      jr $ra
      nop
    `);
    const first = m.vcpu.run();
    expect(first).toMatchObject({ reason: 'mmio', phys: 0x1f00_0100, isWrite: true, size: 4 });
    expect(m.vcpu.run().reason).toBe('debug');
    expect(log).toEqual(Array.from({ length: WARM_CALLS }, () => ['4/1=fe', '8/2=fffe', 'c/4=fffffffe']).flat());
    expectCompiled(engine, m.vcpu);
    expect([17, 18, 19, 20, 21].map((n) => m.gpr(n).toString(16))).toEqual(['ffffff84', '84', 'ffff8384', '8384', '81828384']);
  });

  it('a hot loop polling a device runs without exits and the device sees every access', async () => {
    const m = await bootMachine(engine);
    let reads = 0;
    let written = 0;
    m.vm.addMmioHandler({ base: 0x1800_03f8, size: 8, read: () => ++reads, write: (_o, _s, v) => (written += v) });
    m.load(0xbfc0_0000, bootTo(0x8000_1000));
    m.load(0x8000_1000, `
      lui $s0, 0xb800
      li $t1, 1000
    loop:
      lbu $t0, 0x3fd($s0)
      sb $t0, 0x3f8($s0)
      addiu $t1, $t1, -1
      bnez $t1, loop
      nop
      sdbbp
    `);
    expect(m.vcpu.run().reason).toBe('debug');
    expect(reads).toBe(1000);
    // The loop stores the low byte of each read's value: 1, 2, ..., 1000 mod 256.
    let expected = 0;
    for (let i = 1; i <= 1000; i++) expected += i & 0xff;
    expect(written).toBe(expected);
    if (engine === 'jit') expect(m.vcpu.stats.compiledInstructions).toBeGreaterThan(1000);
  });

  it('refuses overlapping or bad ranges and changes nothing; removal restores the exit', async () => {
    const m = await bootMachine(engine);
    const device = { base: 0x1000_0000, size: 0x20, read: () => 7, write: () => {} };
    m.vm.addMmioHandler(device);
    expect(() => m.vm.addMmioHandler({ ...device, base: 0x1000_001f })).toThrow(/overlaps the device at 0x10000000/);
    expect(() => m.vm.addMmioHandler({ ...device, base: -4 })).toThrow(/handler.base must be a guest-physical address 0..0xffffffff, not -4/);
    expect(() => m.vm.addMmioHandler({ ...device, base: 0xffff_fff0 })).toThrow(/handler.size must be a byte count 1..16 \(the range ends at 4 GiB\), not 32/);
    m.load(0xbfc0_0000, bootTo(0x8000_1000));
    m.load(0x8000_1000, `
      lui $s0, 0xb000
      lw $s1, 0($s0)
      lw $s2, 0($s0)
      sdbbp
    `);
    expect(m.vm.removeMmioHandler(device)).toBe(true);
    expect(m.vm.removeMmioHandler(device)).toBe(false);
    const exit = m.vcpu.run();
    expect(exit).toMatchObject({ reason: 'mmio', phys: 0x1000_0000, isWrite: false });
    m.vcpu.completeMmio(5);
    m.vm.addMmioHandler(device);
    expect(m.vcpu.run().reason).toBe('debug');
    expect([m.gpr(17), m.gpr(18)]).toEqual([5, 7]);
    expect(m.vcpu.getOneReg(Reg.PC)).toBe(0x8000_100c);
  });
});
