// Interrupts and the timer: Count/Compare raising Cause.TI on IP7 and waking WAIT, injected
// hardware interrupts on IP2..IP7, software interrupts IP0/IP1, masking by IM/IE/EXL, DI/EI,
// Cause.IV's vector, requestExit, and Count's two clocks (instructions, or host time with countHz).

import { describe, expect, test } from 'vitest';
import { createVm, MemFlag, Reg } from '../../src/index.js';
import { bootMachine, bootTo, Cause, ENGINES, li32, machineOf, ROM_BASE, ROM_SIZE } from './harness.js';

const CODE = 0x8000_1000;
const IE = 1;
const im = (line: number) => 1 << (8 + line);

describe.each(ENGINES)('interrupts and timer (%s)', (engine) => {
  test('a timer interrupt wakes WAIT: the wait exit comes first, then Count reaches Compare', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, 'sdbbp');
    m.load(
      CODE,
      [
        'mfc0 $t0, c0_count',
        'addiu $t0, $t0, 5000',
        'mtc0 $t0, c0_compare',
        li32('$t0', im(7) | IE),
        'mtc0 $t0, c0_status',
        'idle:',
        'wait',
        'b idle',
        'nop',
      ].join('\n'),
    );
    expect(m.vcpu.run({ maxInstructions: 1000 })).toEqual({ reason: 'wait' });
    const waitPc = m.reg(Reg.PC);
    expect(waitPc).toBe(CODE + 7 * 4); // after the WAIT
    expect(m.vcpu.run({ maxInstructions: 1000 })).toEqual({ reason: 'debug', pc: 0x8000_0180 });
    const cause = m.reg(Reg.CP0_CAUSE);
    expect(Cause.code(cause)).toBe(0);
    expect(Cause.ti(cause)).toBe(1);
    expect(Cause.ip(cause) & 0x80).toBe(0x80);
    expect(m.reg(Reg.CP0_EPC)).toBe(waitPc);
    expect(m.reg(Reg.CP0_COUNT) - m.reg(Reg.CP0_COMPARE)).toBeLessThan(4);
  });

  test('the timer fires while code runs, after Compare - Count ticks of two instructions each; writing Compare clears TI', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, ['sdbbp', 'mtc0 $zero, c0_compare', 'mfc0 $s1, c0_cause', 'sdbbp'].join('\n'));
    m.load(CODE, ['mtc0 $zero, c0_count', 'li $t0, 1000', 'mtc0 $t0, c0_compare', li32('$t0', im(7) | IE), 'mtc0 $t0, c0_status', 'li $s0, 0', 'spin:', 'b spin', 'addiu $s0, $s0, 1'].join('\n'));
    expect(m.vcpu.run({ maxInstructions: 10_000 })).toEqual({ reason: 'debug', pc: 0x8000_0180 });
    // 2000 instructions after Count = 0, minus the 5 setup instructions after it; the loop counts every other one.
    expect(m.gpr(16)).toBeGreaterThan(990);
    expect(m.gpr(16)).toBeLessThan(1000);
    m.vcpu.setOneReg(Reg.PC, 0x8000_0184);
    expect(m.vcpu.run({ maxInstructions: 100 }).reason).toBe('debug');
    expect(Cause.ti(m.gpr(17))).toBe(0);
  });

  test('an injected hardware interrupt is taken at once when enabled, held while masked, and Cause.IV uses +0x200', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, 'sdbbp');
    m.load(0x8000_0200, 'sdbbp');
    m.load(CODE, [li32('$t0', im(2) | im(5)), 'mtc0 $t0, c0_status', 'spin:', 'b spin', 'nop', 'enable:', 'ei', 'b spin', 'nop'].join('\n'));
    expect(m.vcpu.run({ maxInstructions: 500 })).toEqual({ reason: 'intr' });
    m.vcpu.interrupt(5, true);
    // IE is clear: pending but not taken.
    expect(m.vcpu.run({ maxInstructions: 500 })).toEqual({ reason: 'intr' });
    expect(Cause.ip(m.reg(Reg.CP0_CAUSE))).toBe(1 << 5);
    m.vcpu.setOneReg(Reg.PC, CODE + 5 * 4); // enable: EI
    expect(m.vcpu.run({ maxInstructions: 500 })).toEqual({ reason: 'debug', pc: 0x8000_0180 });
    expect(Cause.code(m.reg(Reg.CP0_CAUSE))).toBe(0);
    expect(m.reg(Reg.CP0_EPC)).toBe(CODE + 6 * 4); // the instruction after EI

    // Vectored through Cause.IV: +0x200. Deassert 5, assert 2.
    m.vcpu.interrupt(5, false);
    m.vcpu.interrupt(2, true);
    m.vcpu.setOneReg(Reg.CP0_CAUSE, 1 << 23);
    m.vcpu.setOneReg(Reg.CP0_STATUS, im(2) | IE);
    m.vcpu.setOneReg(Reg.PC, CODE + 3 * 4);
    expect(m.vcpu.run({ maxInstructions: 500 })).toEqual({ reason: 'debug', pc: 0x8000_0200 });
    expect(Cause.ip(m.reg(Reg.CP0_CAUSE))).toBe(1 << 2);
  });

  test('an interrupt injected while the guest WAITs is taken on the next run; EPC is after the WAIT', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, 'sdbbp');
    m.load(CODE, [li32('$t0', im(3) | IE), 'mtc0 $t0, c0_status', 'wait', 'nop', 'sdbbp'].join('\n'));
    expect(m.vcpu.run()).toEqual({ reason: 'wait' });
    m.vcpu.interrupt(3, true);
    expect(m.vcpu.run()).toEqual({ reason: 'debug', pc: 0x8000_0180 });
    expect(m.reg(Reg.CP0_EPC)).toBe(CODE + 4 * 4);
    expect(Cause.ip(m.reg(Reg.CP0_CAUSE))).toBe(1 << 3);
  });

  test('WAIT with nothing that could wake it returns wait again on every run, and the guest moves on after it', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(CODE, ['wait', 'li $s0, 7', 'wait', 'sdbbp'].join('\n'));
    expect(m.vcpu.run()).toEqual({ reason: 'wait' });
    expect(m.vcpu.run()).toEqual({ reason: 'wait' });
    expect(m.gpr(16)).toBe(7);
    expect(m.vcpu.run()).toEqual({ reason: 'debug', pc: CODE + 12 });
  });

  test('software interrupts: setting Cause.IP0 with IM0 enabled traps at once; DI holds it off', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, 'sdbbp');
    m.load(CODE, [li32('$t0', im(0) | IE), 'mtc0 $t0, c0_status', 'di $s0', 'li $t1, 0x100', 'mtc0 $t1, c0_cause', 'li $s1, 1', 'ei', 'li $s2, 2', 'sdbbp'].join('\n'));
    expect(m.vcpu.run({ maxInstructions: 100 })).toEqual({ reason: 'debug', pc: 0x8000_0180 });
    expect(m.gpr(16)).toBe(im(0) | IE); // DI returned the old Status
    expect(m.gpr(17)).toBe(1); // ran while disabled
    expect(m.gpr(18)).toBe(0); // interrupted right after EI
    expect(m.reg(Reg.CP0_EPC)).toBe(CODE + 8 * 4); // the instruction after EI
  });

  test('requestExit ends the next run with intr before any instruction', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, 'spin: b spin\nnop');
    m.vcpu.requestExit();
    expect(m.vcpu.run()).toEqual({ reason: 'intr' });
    expect(m.reg(Reg.PC)).toBe(0xbfc0_0000);
    expect(m.vcpu.run({ maxInstructions: 10 })).toEqual({ reason: 'intr' });
  });

  test('Count from host time (countHz) raises the timer too', async () => {
    const vm = await createVm({ engine, countHz: 100_000_000 });
    vm.setUserMemoryRegion({ slot: 0, flags: MemFlag.Readonly, guestPhysAddr: ROM_BASE, memorySize: ROM_SIZE });
    vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0, memorySize: 0x10_0000 });
    const m = machineOf(vm, vm.createVcpu(0));
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, 'sdbbp');
    // Count runs on host time, so a host stall between reading Count and writing Compare could put
    // Compare in the past: re-arm until Count is still below it after the write.
    m.load(
      CODE,
      ['arm:', 'mfc0 $t0, c0_count', li32('$t1', 100_000), 'addu $t0, $t0, $t1', 'mtc0 $t0, c0_compare', 'mfc0 $t2, c0_count', 'subu $t3, $t0, $t2', 'blez $t3, arm', 'nop', li32('$t0', im(7) | IE), 'mtc0 $t0, c0_status', 'spin:', 'b spin', 'nop'].join('\n'),
    );
    // 100,000 ticks at 100 MHz: 1 ms of host time.
    let exit = m.vcpu.run({ maxInstructions: 1_000 });
    const deadline = performance.now() + 5_000;
    while (exit.reason === 'intr' && performance.now() < deadline) exit = m.vcpu.run({ maxInstructions: 100_000 });
    expect(exit).toEqual({ reason: 'debug', pc: 0x8000_0180 });
    expect(Cause.ti(m.reg(Reg.CP0_CAUSE))).toBe(1);
  });
});
