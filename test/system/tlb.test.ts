// The guest TLB through real guest code: a refill handler at EBase + 0 that fills the TLB with
// TLBWR, TLB-invalid and TLB-modified exceptions, TLBP/TLBR round trips, Wired/Random, PageMask
// sizes, ASIDs and global entries.

import { describe, expect, test } from 'vitest';
import { Reg } from '../../src/index.js';
import { bootMachine, bootTo, callRepeatedly, Cause, ENGINES, expectCompiled, FAULT_AGAIN_SDBBP, faultAgainAt, li32 } from './harness.js';

const CODE = 0x8000_1000;
/** Virtual page n of the mapped buffer is physical 0x0020_0000 + n * 4 KiB. */
const VIRTUAL = 0x0040_0000;
const PHYSICAL = 0x0020_0000;

// The refill handler: EntryLo0/1 for the faulting VPN2 from BadVAddr (phys = virt - 0x20_0000),
// cacheable (C=3), dirty, valid; counts refills in $s7.
const REFILL_HANDLER = `
  mfc0 $k0, c0_badvaddr
  srl $k0, $k0, 13
  sll $k0, $k0, 13
  lui $k1, 0x20
  subu $k0, $k0, $k1
  srl $k0, $k0, 6
  ori $k0, $k0, 0x1e
  mtc0 $k0, c0_entrylo0
  addiu $k0, $k0, 0x40
  mtc0 $k0, c0_entrylo1
  tlbwr
  addiu $s7, $s7, 1
  eret
`;

describe.each(ENGINES)('guest TLB (%s)', (engine) => {
  test('a refill handler at EBase + 0 maps 16 kuseg pages with TLBWR; writes land in physical memory', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0000, REFILL_HANDLER);
    m.load(0x8000_0180, 'sdbbp');
    m.load(
      CODE,
      [
        'li $t2, 4',
        'mtc0 $t2, c0_wired',
        li32('$t0', VIRTUAL),
        'li $t1, 0',
        'loop:',
        'sw $t1, 0x10($t0)',
        'lw $t3, 0x10($t0)',
        'bne $t3, $t1, fail',
        'addiu $t1, $t1, 1',
        'sltiu $t2, $t1, 16',
        'bnez $t2, loop',
        'addiu $t0, $t0, 0x1000',
        'sdbbp',
        'fail:',
        'break',
      ].join('\n'),
    );
    const exit = m.vcpu.run({ maxInstructions: 100_000 });
    expect(exit.reason).toBe('debug');
    expect(m.gpr(23)).toBe(8); // 16 pages, two per entry
    for (let page = 0; page < 16; page++) {
      const bytes = m.vm.readPhys(PHYSICAL + page * 0x1000 + 0x10, 4);
      expect(new DataView(bytes.buffer).getUint32(0, true)).toBe(page);
    }
    // Eight TLBWRs from Random = 31 downwards, never below Wired.
    expect(m.reg(Reg.CP0_RANDOM)).toBe(31 - 8);
    // The last refill's address is in EntryHi.VPN2 and Context.BadVPN2.
    const last = VIRTUAL + 14 * 0x1000 + 0x10;
    expect(m.reg(Reg.CP0_ENTRYHI) >>> 13).toBe(last >>> 13);
    expect((m.reg(Reg.CP0_CONTEXT) >>> 4) & 0x7_ffff).toBe(last >>> 13);
  });

  test('Index holds only entry numbers of this TLB (written modulo the entry count, as QEMU)', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, ['li $t0, 0x3a', 'mtc0 $t0, c0_index', 'mfc0 $v0, c0_index', 'li $t0, 0x1f', 'mtc0 $t0, c0_index', 'mfc0 $v1, c0_index', 'sdbbp'].join('\n'));
    expect(m.vcpu.run().reason).toBe('debug');
    expect(m.gpr(2)).toBe(0x1a); // 32 entries: 0x3a % 32
    expect(m.gpr(3)).toBe(0x1f);
  });

  test('Random wraps from Wired back to the top', async () => {
    const m = await bootMachine(engine);
    const writes = Array.from({ length: 30 }, () => 'tlbwr').join('\n');
    m.load(0xbfc0_0000, ['li $t0, 28', 'mtc0 $t0, c0_wired', li32('$t0', 0x8000_0000), 'mtc0 $t0, c0_entryhi', writes, 'mfc0 $v0, c0_random', 'sdbbp'].join('\n'));
    expect(m.vcpu.run().reason).toBe('debug');
    // Random cycles 31, 30, 29, 28, 31, ...: after 30 writes it is 31 - (30 % 4).
    expect(m.gpr(2)).toBe(31 - (30 % 4));
  });

  /** Maps VIRTUAL (even page) and VIRTUAL + 4K (odd page) with TLBWI at index 5 and the given EntryLo flag bits. */
  const mapPair = (evenFlags: number, oddFlags: number, asid = 0, pageMask = 0) =>
    [
      'li $t0, 5',
      'mtc0 $t0, c0_index',
      li32('$t0', pageMask),
      'mtc0 $t0, c0_pagemask',
      li32('$t0', VIRTUAL | asid),
      'mtc0 $t0, c0_entryhi',
      li32('$t0', ((PHYSICAL >>> 12) << 6) | evenFlags),
      'mtc0 $t0, c0_entrylo0',
      li32('$t0', (((PHYSICAL + (pageMask >>> 1) + 0x1000) >>> 12) << 6) | oddFlags),
      'mtc0 $t0, c0_entrylo1',
      'tlbwi',
    ].join('\n');

  const V = 2;
  const D = 4;
  const G = 1;
  const C = 3 << 3;

  test.each([
    { name: 'load from an invalid page: TLBL at the general vector', even: C | G, access: 'lw $t1, 0x20($s0)', code: 2, address: VIRTUAL + 0x20 },
    { name: 'store to an invalid page: TLBS', even: C | G, access: 'sw $t1, 0x24($s0)', code: 3, address: VIRTUAL + 0x24 },
    { name: 'store to a clean page (D = 0): TLB Modified', even: C | V | G, access: 'sh $t1, 0x26($s0)', code: 1, address: VIRTUAL + 0x26 },
    { name: 'fetch from an invalid page: TLBL', even: C | G, access: 'jr $s0\nnop', code: 2, address: VIRTUAL, fetch: true },
  ])('$name', async (c) => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0000, 'sdbbp');
    faultAgainAt(m, [0x8000_0180]);
    m.load(CODE, [mapPair(c.even, C | V | D | G), li32('$s0', VIRTUAL), c.access, 'sdbbp'].join('\n'));
    const exit = m.vcpu.run({ maxInstructions: 1000 });
    expect(exit).toEqual({ reason: 'debug', pc: 0x8000_0180 + FAULT_AGAIN_SDBBP });
    // Under the JIT the later loads and stores fault in compiled code (a fetch fault has no code to compile).
    if (engine === 'jit' && c.fetch !== true) expect(m.vcpu.stats.regionCalls, JSON.stringify(m.vcpu.stats)).toBeGreaterThan(0);
    expect(Cause.code(m.reg(Reg.CP0_CAUSE))).toBe(c.code);
    expect(m.reg(Reg.CP0_BADVADDR)).toBe(c.address);
    expect(m.reg(Reg.CP0_ENTRYHI) >>> 13).toBe(c.address >>> 13);
    if (c.fetch) expect(m.reg(Reg.CP0_EPC)).toBe(VIRTUAL);
  });

  test('a valid clean page reads; the odd page of the pair is writable; a 16 KiB PageMask maps 32 KiB', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, 'sdbbp');
    m.vm.writePhys(PHYSICAL + 0x3ff0, new Uint8Array([0x78, 0x56, 0x34, 0x12]));
    m.load(
      CODE,
      [
        mapPair(C | V | G, C | V | D | G, 0, 0x6000),
        li32('$s0', VIRTUAL),
        li32('$t1', 0xcafe),
        'ori $t2, $zero, 0x7ff0',
        'addu $t2, $t2, $s0',
        callRepeatedly('access'),
        'sdbbp',
        'access:',
        'lw $v0, 0x3ff0($s0)', // even 16 KiB page, clean: reads work
        'sw $t1, 0($t2)', // VIRTUAL + 0x7ff0: the odd 16 KiB page
        'jr $ra',
        'nop',
      ].join('\n'),
    );
    const exit = m.vcpu.run({ maxInstructions: 1000 });
    expect(exit.reason === 'debug' && exit.pc >= CODE).toBe(true);
    expectCompiled(engine, m.vcpu);
    expect(m.gpr(2)).toBe(0x1234_5678);
    const odd = m.vm.readPhys(PHYSICAL + 0x4000 + 0x3ff0, 4);
    expect(new DataView(odd.buffer).getUint32(0, true)).toBe(0xcafe);
  });

  test('TLBP finds an entry by VPN2 and ASID; TLBR reads it back; a miss sets Index.P', async () => {
    const m = await bootMachine(engine);
    m.load(
      0xbfc0_0000,
      [
        mapPair(C | V, C | V | D, 0x42),
        'mtc0 $zero, c0_index',
        'mtc0 $zero, c0_entrylo0',
        'mtc0 $zero, c0_entrylo1',
        li32('$t0', VIRTUAL | 0x42),
        'mtc0 $t0, c0_entryhi',
        'tlbp',
        'mfc0 $s0, c0_index',
        'tlbr',
        'mfc0 $s1, c0_entrylo0',
        'mfc0 $s2, c0_entrylo1',
        'mfc0 $s3, c0_entryhi',
        li32('$t0', VIRTUAL | 0x43), // another ASID: not global, so no match
        'mtc0 $t0, c0_entryhi',
        'tlbp',
        'mfc0 $s4, c0_index',
        'sdbbp',
      ].join('\n'),
    );
    expect(m.vcpu.run().reason).toBe('debug');
    expect(m.gpr(16)).toBe(5);
    expect(m.gpr(17)).toBe(((PHYSICAL >>> 12) << 6) | C | V);
    expect(m.gpr(18)).toBe((((PHYSICAL + 0x1000) >>> 12) << 6) | C | V | D);
    expect(m.gpr(19)).toBe(VIRTUAL | 0x42);
    expect(m.gpr(20)).toBe(0x8000_0000);
  });

  test('an ASID change hides non-global entries; global entries match every ASID', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0000, 'sdbbp');
    m.vm.writePhys(PHYSICAL, new Uint8Array([7, 0, 0, 0]));
    const words = m.load(
      CODE,
      [
        mapPair(C | V | D, C | V | D, 0x10), // ASID 0x10, not global
        li32('$s0', VIRTUAL),
        callRepeatedly('load'), // hits under ASID 0x10
        'move $s1, $v0',
        'li $t0, 0x11',
        'mtc0 $t0, c0_entryhi', // ASID 0x11
        'jal load', // miss: refill
        'nop',
        'sdbbp',
        'load:',
        'lw $v0, 0($s0)',
        'jr $ra',
        'nop',
      ].join('\n'),
    );
    expect(m.vcpu.run()).toEqual({ reason: 'debug', pc: 0x8000_0000 });
    expect(m.gpr(17)).toBe(7);
    expect(Cause.code(m.reg(Reg.CP0_CAUSE))).toBe(2);
    // The load (the subroutine's first of three instructions) missed.
    expect(m.reg(Reg.CP0_EPC)).toBe(CODE + 4 * (words.length - 3));
    expectCompiled(engine, m.vcpu);

    const g = await bootMachine(engine);
    g.load(0xbfc0_0000, bootTo(CODE));
    g.vm.writePhys(PHYSICAL, new Uint8Array([9, 0, 0, 0]));
    g.load(
      CODE,
      [mapPair(C | V | D | G, C | V | D | G, 0x10), li32('$s0', VIRTUAL), callRepeatedly('load'), 'li $t0, 0x99', 'mtc0 $t0, c0_entryhi', 'move $v0, $zero', 'jal load', 'nop', 'sdbbp', 'load:', 'lw $v0, 0($s0)', 'jr $ra', 'nop'].join('\n'),
    );
    expect(g.vcpu.run().reason).toBe('debug');
    expect(g.gpr(2)).toBe(9);
    expectCompiled(engine, g.vcpu);
  });

  test('rewriting an entry takes effect at once (no stale translation)', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.vm.writePhys(PHYSICAL, new Uint8Array([1, 0, 0, 0]));
    m.vm.writePhys(PHYSICAL + 0x8000, new Uint8Array([2, 0, 0, 0]));
    m.load(
      CODE,
      [
        mapPair(C | V | D | G, C | V | D | G),
        li32('$s0', VIRTUAL),
        callRepeatedly('load'),
        'move $s1, $v0',
        li32('$t0', (((PHYSICAL + 0x8000) >>> 12) << 6) | C | V | D | G),
        'mtc0 $t0, c0_entrylo0',
        'tlbwi',
        'jal load', // compiled by now: its translation must be the new one
        'nop',
        'sdbbp',
        'load:',
        'lw $v0, 0($s0)',
        'jr $ra',
        'nop',
      ].join('\n'),
    );
    expect(m.vcpu.run().reason).toBe('debug');
    expect(m.gpr(17)).toBe(1);
    expect(m.gpr(2)).toBe(2);
    expectCompiled(engine, m.vcpu);
  });
});
