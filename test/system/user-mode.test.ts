// Kernel, supervisor and user modes: ERET into user code mapped by the TLB, SYSCALL back into
// the kernel, segment checks (a user access to kseg0 is an address error), CP0 use without CU0
// (Coprocessor Unusable, CE = 0), RDHWR gated by HWREna, and ERET clearing the LL bit.

import { describe, expect, test } from 'vitest';
import { Reg } from '../../src/index.js';
import { bootMachine, bootTo, Cause, ENGINES, expectCompiled, li32 } from './harness.js';

const CODE = 0x8000_1000;
const USER_VIRTUAL = 0x0040_0000;
const USER_PHYSICAL = 0x0030_0000;

/** Kernel code: map USER_VIRTUAL (two 4 KiB pages, global, dirty, valid) and ERET to it in user mode. */
const enterUser = (status = 0x10 | 0x2) =>
  [
    'mtc0 $zero, c0_index',
    li32('$t0', USER_VIRTUAL),
    'mtc0 $t0, c0_entryhi',
    li32('$t0', ((USER_PHYSICAL >>> 12) << 6) | 0x1f),
    'mtc0 $t0, c0_entrylo0',
    li32('$t0', (((USER_PHYSICAL + 0x1000) >>> 12) << 6) | 0x1f),
    'mtc0 $t0, c0_entrylo1',
    'tlbwi',
    li32('$t0', USER_VIRTUAL),
    'mtc0 $t0, c0_epc',
    li32('$t0', status), // KSU = user, EXL
    'mtc0 $t0, c0_status',
    'eret',
  ].join('\n');

/**
 * How many rounds the tests' guest loops run. Under the JIT a loop's later rounds run compiled:
 * its branch enters the loop head ROUNDS - 1 times, and the head compiles on its third entry.
 */
const ROUNDS = 6;

/** Exception handler: stop for the host, then return past the faulting instruction. */
const HANDLER = ['sdbbp', 'mfc0 $k0, c0_epc', 'addiu $k0, $k0, 4', 'mtc0 $k0, c0_epc', 'eret'].join('\n');

describe.each(ENGINES)('user mode (%s)', (engine) => {
  test('user code calls SYSCALL, touches kseg0 (AdEL), uses CP0 (CpU), reads ULR through RDHWR', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, HANDLER);
    // HWREna enables only ULR ($29) for user mode; UserLocal (CP0 4, 2) holds a marker.
    m.load(CODE, ['lui $t0, 0x2000', 'mtc0 $t0, c0_hwrena', li32('$t0', 0xabcd_1234), 'mtc0 $t0, $4, 2', enterUser()].join('\n'));
    // The user code runs ROUNDS rounds: under the JIT the later ones in compiled code.
    m.load(
      0x8000_0000 | USER_PHYSICAL,
      [`li $s6, ${ROUNDS}`, 'round:', 'li $v0, 4001', 'syscall', 'lui $t0, 0x8000', 'lw $t1, 0($t0)', 'mfc0 $t2, c0_status', 'rdhwr $t3, $29', 'rdhwr $t4, $2', 'addiu $s6, $s6, -1', 'bnez $s6, round', 'nop', 'sdbbp'].join('\n'),
    );
    const vcpu = m.vcpu;
    const stopAt = (pc: number) => {
      const exit = vcpu.run({ maxInstructions: 10_000 });
      expect(exit).toEqual({ reason: 'debug', pc });
    };
    const skipSdbbp = () => vcpu.setOneReg(Reg.PC, vcpu.getOneReg(Reg.PC) + 4);

    for (let round = 0; round < ROUNDS; round++) {
      stopAt(0x8000_0180);
      expect(Cause.code(m.reg(Reg.CP0_CAUSE))).toBe(8);
      expect(m.reg(Reg.CP0_EPC)).toBe(USER_VIRTUAL + 2 * 4);
      expect(m.gpr(2)).toBe(4001);
      expect(m.reg(Reg.CP0_STATUS) & 0x1e).toBe(0x12); // KSU still user, EXL set
      skipSdbbp();

      stopAt(0x8000_0180);
      expect(Cause.code(m.reg(Reg.CP0_CAUSE))).toBe(4);
      expect(m.reg(Reg.CP0_BADVADDR)).toBe(0x8000_0000);
      expect(m.reg(Reg.CP0_EPC)).toBe(USER_VIRTUAL + 4 * 4);
      skipSdbbp();

      stopAt(0x8000_0180);
      const cause = m.reg(Reg.CP0_CAUSE);
      expect(Cause.code(cause)).toBe(11);
      expect(Cause.ce(cause)).toBe(0);
      skipSdbbp();

      // RDHWR $29 is enabled by HWREna bit 29; $2 (CC) is not: RI.
      stopAt(0x8000_0180);
      expect(m.gpr(11)).toBe(0xabcd_1234);
      expect(Cause.code(m.reg(Reg.CP0_CAUSE))).toBe(10);
      skipSdbbp();
    }
    // Back in user mode at the final SDBBP.
    stopAt(USER_VIRTUAL + 11 * 4);
    expectCompiled(engine, vcpu);
  });

  test('supervisor mode reaches kuseg and sseg but not kseg0 or kseg3', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, HANDLER);
    m.load(CODE, enterUser(0x08 | 0x2)); // KSU = supervisor
    // The kseg0 and kseg3 loads run ROUNDS rounds (the later ones compiled under the JIT), then the sseg load.
    m.load(
      0x8000_0000 | USER_PHYSICAL,
      [`li $s6, ${ROUNDS}`, 'round:', 'lui $t0, 0x8000', 'lw $t1, 0($t0)', 'lui $t0, 0xe000', 'lw $t1, 0($t0)', 'addiu $s6, $s6, -1', 'bnez $s6, round', 'nop', 'lui $t0, 0xc000', 'lw $t1, 0($t0)', 'sdbbp'].join('\n'),
    );
    m.load(0x8000_0000, 'sdbbp'); // refill vector
    const codes: number[] = [];
    const steps = 2 * ROUNDS + 1;
    for (let step = 0; step < steps; step++) {
      const exit = m.vcpu.run({ maxInstructions: 10_000 });
      expect(exit.reason).toBe('debug');
      codes.push(Cause.code(m.reg(Reg.CP0_CAUSE)));
      if (step < steps - 1) m.vcpu.setOneReg(Reg.PC, m.vcpu.getOneReg(Reg.PC) + 4);
      else expect(exit).toEqual({ reason: 'debug', pc: 0x8000_0000 }); // sseg is mapped: a TLB refill
    }
    expect(codes).toEqual([...Array.from({ length: 2 * ROUNDS }, () => 4), 2]);
    expectCompiled(engine, m.vcpu);
  });

  test('ERET clears the LL bit: an SC after an exception return fails', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, ['mfc0 $k0, c0_epc', 'addiu $k0, $k0, 4', 'mtc0 $k0, c0_epc', 'eret'].join('\n'));
    m.load(
      CODE,
      [
        li32('$s0', 0x8000_4000),
        `li $s6, ${ROUNDS}`, // rounds: under the JIT the later ones run compiled
        'round:',
        'll $t0, 0($s0)',
        'addiu $t0, $t0, 1',
        'sc $t0, 0($s0)', // succeeds: t0 = 1
        'addu $s1, $s1, $t0',
        'll $t0, 0($s0)',
        'syscall', // exception and ERET in between
        'addiu $t0, $t0, 1',
        'sc $t0, 0($s0)', // fails: t0 = 0
        'addu $s2, $s2, $t0',
        'addiu $s6, $s6, -1',
        'bnez $s6, round',
        'nop',
        'sdbbp',
      ].join('\n'),
    );
    expect(m.vcpu.run().reason).toBe('debug');
    expect(m.gpr(17)).toBe(ROUNDS);
    expect(m.gpr(18)).toBe(0);
    expect(m.vm.readPhys(0x4000, 4)).toEqual(new Uint8Array([ROUNDS, 0, 0, 0]));
    expectCompiled(engine, m.vcpu);
  });
});
