// System-mode exceptions through the API: every synchronous cause the core takes, outside and
// inside branch delay slots (EPC, Cause.BD, BadVAddr, BadInstr/BadInstrP, Cause.CE), each taken
// several times (harness.ts faultAgainAt) so that the JIT takes the last ones in compiled code;
// the vectors chosen by BEV, EBase and the refill rule, and a vector that cannot be fetched.

import { describe, expect, test } from 'vitest';
import { decode, RESERVED, Reg } from '../../src/index.js';
import { bootMachine, bootTo, Cause, ENGINES, FAULT_AGAIN_SDBBP, faultAgainAt, li32 } from './harness.js';

const CODE = 0x8000_1000;
const RESERVED_WORD = 0x7c00_003e;

interface Case {
  name: string;
  setup?: string[];
  instruction: string;
  code: number;
  badVAddr?: number;
  ce?: number;
  refill?: boolean;
  /** Only the interpreter runs the instruction (compiled code leaves before it): it never faults in compiled code. */
  interpreted?: true;
}

const CASES: Case[] = [
  { name: 'SYSCALL', instruction: 'syscall', code: 8, interpreted: true },
  { name: 'BREAK', instruction: 'break', code: 9, interpreted: true },
  { name: 'ADD overflow', setup: [...li32('$t0', 0x7fff_ffff).trim().split('\n')], instruction: 'add $t1, $t0, $t0', code: 12 },
  { name: 'TEQ trap', instruction: 'teq $zero, $zero', code: 13 },
  { name: 'reserved instruction', instruction: `.word ${RESERVED_WORD}`, code: 10, interpreted: true },
  { name: 'unaligned LW', setup: li32('$t0', 0x8000_2001).trim().split('\n'), instruction: 'lw $t1, 0($t0)', code: 4, badVAddr: 0x8000_2001 },
  { name: 'unaligned SW', setup: li32('$t0', 0x8000_2000).trim().split('\n'), instruction: 'sw $t1, 2($t0)', code: 5, badVAddr: 0x8000_2002 },
  { name: 'unaligned LH', setup: li32('$t0', 0x8000_2000).trim().split('\n'), instruction: 'lh $t1, 3($t0)', code: 4, badVAddr: 0x8000_2003 },
  { name: 'TLB refill on load', setup: li32('$t0', 0x0040_0000).trim().split('\n'), instruction: 'lw $t1, 8($t0)', code: 2, badVAddr: 0x0040_0008, refill: true },
  { name: 'TLB refill on store', setup: li32('$t0', 0x0040_0000).trim().split('\n'), instruction: 'sb $t1, 5($t0)', code: 3, badVAddr: 0x0040_0005, refill: true },
  { name: 'FPU with CU1 clear', instruction: 'add.s $f0, $f1, $f2', code: 11, ce: 1, interpreted: true },
  { name: 'TLB refill in kseg3', setup: li32('$t0', 0xe000_1000).trim().split('\n'), instruction: 'lw $t1, 0($t0)', code: 2, badVAddr: 0xe000_1000, refill: true },
  // The top page: an empty soft-TLB entry's page bits look like 0xffff_f000 (this was taken for a hit).
  { name: 'TLB refill at the top page', setup: li32('$t0', 0xffff_f000).trim().split('\n'), instruction: 'lw $t1, 0x734($t0)', code: 2, badVAddr: 0xffff_f734, refill: true },
];

describe.each(ENGINES)('exceptions (%s)', (engine) => {
  test('the reserved word used below decodes to no instruction', () => {
    expect(decode(RESERVED_WORD)).toBe(RESERVED);
  });

  for (const inDelaySlot of [false, true]) {
    test.each(CASES)(`$name${inDelaySlot ? ' in a delay slot' : ''}`, async (c) => {
      const m = await bootMachine(engine);
      m.load(0xbfc0_0000, bootTo(CODE));
      // The vectors go back to the faulting instruction until it has faulted several times, then
      // stop the run: under the JIT its last faults are taken in compiled code.
      faultAgainAt(m, [0x8000_0000, 0x8000_0180]); // the refill vector (EBase + 0) and the general one
      const lines = [...(c.setup ?? []).map((line) => line.trim())];
      const branchIndex = lines.length;
      if (inDelaySlot) lines.push('beq $zero, $zero, 0x80001ff0');
      const siteIndex = lines.length;
      lines.push(c.instruction, 'sdbbp');
      const words = m.load(CODE, lines.join('\n'));
      const site = CODE + siteIndex * 4;
      const exit = m.vcpu.run({ maxInstructions: 10_000 });
      expect(exit).toEqual({ reason: 'debug', pc: (c.refill ? 0x8000_0000 : 0x8000_0180) + FAULT_AGAIN_SDBBP });
      expect(m.gpr(26)).toBe(0);
      // Under the JIT the later faults were taken in compiled code.
      if (engine === 'jit' && c.interpreted === undefined) expect(m.vcpu.stats.regionCalls, JSON.stringify(m.vcpu.stats)).toBeGreaterThan(0);
      const cause = m.reg(Reg.CP0_CAUSE);
      expect(Cause.code(cause)).toBe(c.code);
      expect(Cause.bd(cause)).toBe(inDelaySlot ? 1 : 0);
      if (c.ce !== undefined) expect(Cause.ce(cause)).toBe(c.ce);
      expect(m.reg(Reg.CP0_EPC)).toBe(inDelaySlot ? CODE + branchIndex * 4 : site);
      expect(m.reg(Reg.CP0_STATUS) & 2).toBe(2); // EXL
      if (c.badVAddr !== undefined) expect(m.reg(Reg.CP0_BADVADDR)).toBe(c.badVAddr);
      expect(m.reg(Reg.CP0_BADINSTR)).toBe(words[siteIndex]);
      if (inDelaySlot) expect(m.reg(Reg.CP0_BADINSTRP)).toBe(words[branchIndex]);
      if (c.code === 2 || c.code === 3) {
        expect(m.reg(Reg.CP0_ENTRYHI) >>> 13).toBe(c.badVAddr! >>> 13);
        expect((m.reg(Reg.CP0_CONTEXT) >>> 4) & 0x7_ffff).toBe(c.badVAddr! >>> 13);
      }
    });
  }

  test('vectors: BEV=1 uses 0xbfc0_0380, a written EBase moves the vectors, Cause.IV moves interrupts to +0x200', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, ['syscall', 'nop'].join('\n'));
    m.load(0xbfc0_0380, 'sdbbp');
    expect(m.vcpu.run()).toEqual({ reason: 'debug', pc: 0xbfc0_0380 });
    expect(m.reg(Reg.CP0_EPC)).toBe(0xbfc0_0000);

    const n = await bootMachine(engine);
    n.load(0xbfc0_0000, [li32('$t0', 0x8004_0000), 'mtc0 $t0, c0_ebase', 'mtc0 $zero, c0_status', 'syscall'].join('\n'));
    n.load(0x8004_0180, 'sdbbp');
    expect(n.vcpu.run()).toEqual({ reason: 'debug', pc: 0x8004_0180 });
    expect(n.reg(Reg.CP0_EBASE)).toBe(0x8004_0000);
  });

  test('a TLB miss taken with EXL set goes to the general vector, and EPC is not overwritten', async () => {
    const m = await bootMachine(engine);
    // Status = EXL (kernel, BEV clear); the miss must not use the refill vector.
    m.load(0xbfc0_0000, [bootTo(CODE, 0x2)].join('\n'));
    m.load(0x8000_0000, 'sdbbp');
    m.load(0x8000_0180, 'sdbbp');
    m.load(CODE, [li32('$t0', 0x1234_5678), 'mtc0 $t0, c0_epc', li32('$t0', 0x0040_0000), 'lw $t1, 0($t0)'].join('\n'));
    expect(m.vcpu.run()).toEqual({ reason: 'debug', pc: 0x8000_0180 });
    expect(m.reg(Reg.CP0_EPC)).toBe(0x1234_5678);
    expect(Cause.code(m.reg(Reg.CP0_CAUSE))).toBe(2);
  });

  test('an exception vector that cannot be fetched ends the run with internal-error', async () => {
    const m = await bootMachine(engine);
    // EBase in kseg0 at physical 0x0800_0000, which no slot covers: the vector fetch is MMIO.
    m.load(0xbfc0_0000, [li32('$t0', 0x8800_0000), 'mtc0 $t0, c0_ebase', 'mtc0 $zero, c0_status', 'syscall'].join('\n'));
    const exit = m.vcpu.run({ maxInstructions: 1000 });
    expect(exit.reason).toBe('internal-error');
    if (exit.reason === 'internal-error') expect(exit.message).toMatch(/0x8800_?0180|0x88000180/);
  });
});
