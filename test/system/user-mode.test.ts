// Kernel, supervisor and user modes: ERET into user code mapped by the TLB, SYSCALL back into
// the kernel, segment checks (a user access to kseg0 is an address error), CP0 use without CU0
// (Coprocessor Unusable, CE = 0), RDHWR gated by HWREna, and ERET clearing the LL bit.

import { describe, expect, test } from 'vitest';
import { Reg } from '../../src/index.js';
import { bootMachine, bootTo, Cause, ENGINES, li32 } from './harness.js';

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

/** Exception handler: stop for the host, then return past the faulting instruction. */
const HANDLER = ['sdbbp', 'mfc0 $k0, c0_epc', 'addiu $k0, $k0, 4', 'mtc0 $k0, c0_epc', 'eret'].join('\n');

describe.each(ENGINES)('user mode (%s)', (engine) => {
  test('user code calls SYSCALL, touches kseg0 (AdEL), uses CP0 (CpU), reads ULR through RDHWR', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, HANDLER);
    // HWREna enables only ULR ($29) for user mode; UserLocal (CP0 4, 2) holds a marker.
    m.load(CODE, ['lui $t0, 0x2000', 'mtc0 $t0, c0_hwrena', li32('$t0', 0xabcd_1234), 'mtc0 $t0, $4, 2', enterUser()].join('\n'));
    m.load(
      0x8000_0000 | USER_PHYSICAL,
      ['li $v0, 4001', 'syscall', 'lui $t0, 0x8000', 'lw $t1, 0($t0)', 'mfc0 $t2, c0_status', 'rdhwr $t3, $29', 'rdhwr $t4, $2', 'sdbbp'].join('\n'),
    );
    const vcpu = m.vcpu;
    const stopAt = (pc: number) => {
      const exit = vcpu.run({ maxInstructions: 10_000 });
      expect(exit).toEqual({ reason: 'debug', pc });
    };
    const skipSdbbp = () => vcpu.setOneReg(Reg.PC, vcpu.getOneReg(Reg.PC) + 4);

    stopAt(0x8000_0180);
    expect(Cause.code(m.reg(Reg.CP0_CAUSE))).toBe(8);
    expect(m.reg(Reg.CP0_EPC)).toBe(USER_VIRTUAL + 4);
    expect(m.gpr(2)).toBe(4001);
    expect(m.reg(Reg.CP0_STATUS) & 0x1e).toBe(0x12); // KSU still user, EXL set
    skipSdbbp();

    stopAt(0x8000_0180);
    expect(Cause.code(m.reg(Reg.CP0_CAUSE))).toBe(4);
    expect(m.reg(Reg.CP0_BADVADDR)).toBe(0x8000_0000);
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
    // Back in user mode at the final SDBBP.
    stopAt(USER_VIRTUAL + 7 * 4);
  });

  test('supervisor mode reaches kuseg and sseg but not kseg0 or kseg3', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, HANDLER);
    m.load(CODE, enterUser(0x08 | 0x2)); // KSU = supervisor
    m.load(0x8000_0000 | USER_PHYSICAL, ['lui $t0, 0x8000', 'lw $t1, 0($t0)', 'lui $t0, 0xe000', 'lw $t1, 0($t0)', 'lui $t0, 0xc000', 'lw $t1, 0($t0)', 'sdbbp'].join('\n'));
    m.load(0x8000_0000, 'sdbbp'); // refill vector
    const codes: number[] = [];
    for (let step = 0; step < 3; step++) {
      const exit = m.vcpu.run({ maxInstructions: 10_000 });
      expect(exit.reason).toBe('debug');
      codes.push(Cause.code(m.reg(Reg.CP0_CAUSE)));
      if (step < 2) m.vcpu.setOneReg(Reg.PC, m.vcpu.getOneReg(Reg.PC) + 4);
      else expect(exit).toEqual({ reason: 'debug', pc: 0x8000_0000 }); // sseg is mapped: a TLB refill
    }
    expect(codes).toEqual([4, 4, 2]);
  });

  test('ERET clears the LL bit: an SC after an exception return fails', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, ['mfc0 $k0, c0_epc', 'addiu $k0, $k0, 4', 'mtc0 $k0, c0_epc', 'eret'].join('\n'));
    m.load(
      CODE,
      [
        li32('$s0', 0x8000_4000),
        'll $t0, 0($s0)',
        'addiu $t0, $t0, 1',
        'sc $t0, 0($s0)', // succeeds: t0 = 1
        'move $s1, $t0',
        'll $t0, 0($s0)',
        'syscall', // exception and ERET in between
        'addiu $t0, $t0, 1',
        'sc $t0, 0($s0)', // fails: t0 = 0
        'move $s2, $t0',
        'sdbbp',
      ].join('\n'),
    );
    expect(m.vcpu.run().reason).toBe('debug');
    expect(m.gpr(17)).toBe(1);
    expect(m.gpr(18)).toBe(0);
    expect(m.vm.readPhys(0x4000, 4)).toEqual(new Uint8Array([1, 0, 0, 0]));
  });
});
