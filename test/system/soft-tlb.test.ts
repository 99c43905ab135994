// The soft TLB and the GVA tables behind it: a walk whose pages all collide in one soft-TLB entry
// is served from the GVA tables (by the generated Wasm refill handler under the JIT) and not by
// the guest TLB walk; flagged entries keep MMIO, TLB Modified and code pages on the slow path;
// what the run loop keeps of the page it runs from (its translation, its decoded words) goes when
// a TLB write or a store changes them.

import { describe, expect, test } from 'vitest';
import { assembleProgram, Reg } from '../../src/index.js';
import { bootMachine, bootTo, Cause, ENGINES, li32 } from './harness.js';
import { mapLargePages } from '../../bench/system-programs.mjs';

const CODE = 0x8000_1000;

/** 200 rounds over 8 pages 1 MiB apart (the same soft-TLB entry) x 4 offsets: every access misses the soft TLB. */
const walk = [
  'li $s2, 200',
  'li $s1, 0',
  'round:',
  li32('$t0', 0x0100_0000),
  'li $t1, 8',
  'page:',
  'lw $t2, 0($t0)',
  'addu $s1, $s1, $t2',
  'addiu $t2, $t2, 1',
  'sw $t2, 0($t0)',
  'lui $t3, 0x10',
  'addiu $t1, $t1, -1',
  'bnez $t1, page',
  'addu $t0, $t0, $t3',
  'addiu $s2, $s2, -1',
  'bnez $s2, round',
  'nop',
  'sdbbp',
].join('\n');

describe.each(ENGINES)('soft TLB and GVA tables (%s)', (engine) => {
  test('soft-TLB misses on colliding pages are served from the GVA tables, not the guest TLB walk', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(CODE, [mapLargePages, walk].join('\n'));
    expect(m.vcpu.run({ maxInstructions: 1_000_000 }).reason).toBe('debug');
    // Each page's word was read and incremented 200 times: 0 + 1 + ... + 199 per page.
    expect(m.gpr(17)).toBe(8 * ((199 * 200) / 2));
    const stats = m.vcpu.stats;
    const misses = stats.refillsFromGva + stats.refillsFromGuestTlb;
    expect(misses).toBeGreaterThan(200 * 8);
    expect(stats.refillsFromGva / misses).toBeGreaterThan(0.95);
    if (engine === 'jit') expect(stats.compiledInstructions / stats.instructions).toBeGreaterThan(0.9);
  });

  test('code that maps its own page elsewhere fetches from the new page at once', async () => {
    // The interpreter keeps the translation of the page it runs from (src/interp/system-cpu.ts):
    // a TLB write must drop it, as it drops the soft-TLB entry.
    const m = await bootMachine(engine);
    const virtual = 0x0040_0000;
    const first = 0x0040_0000;
    const second = 0x0041_0000;
    const entryLo = (physical: number) => ((physical >>> 12) << 6) | 0x1f; // C = 3, D, V, G
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(
      CODE,
      ['mtc0 $zero, c0_index', 'mtc0 $zero, c0_pagemask', li32('$t0', virtual), 'mtc0 $t0, c0_entryhi', li32('$t0', entryLo(first)), 'mtc0 $t0, c0_entrylo0', 'mtc0 $t0, c0_entrylo1', 'tlbwi', li32('$t0', virtual), 'jr.hb $t0', 'nop'].join('\n'),
    );
    // Both physical pages hold the same code but for the mark: a loop (so the JIT compiles the
    // page), then the virtual page is mapped to the second one, and after the instruction hazard
    // barrier (jr.hb) the code continues there.
    const page = (mark: number) =>
      ['li $s1, 100', 'loop:', 'addiu $s1, $s1, -1', 'bnez $s1, loop', 'nop', li32('$t0', entryLo(second)), 'mtc0 $t0, c0_entrylo0', 'tlbwi', 'bal after', 'nop', 'after:', 'addiu $ra, $ra, 12', 'jr.hb $ra', 'nop', `li $s0, ${mark}`, 'sdbbp'].join('\n');
    for (const [physical, mark] of [[first, 1], [second, 2]] as const) m.vm.writePhys(physical, new Uint8Array(assembleProgram(page(mark), virtual).buffer));
    expect(m.vcpu.run({ maxInstructions: 100_000 }).reason).toBe('debug');
    expect(m.gpr(16)).toBe(2);
  });

  test('a store into the page being run replaces the instruction at once', async () => {
    // The interpreter keeps the decoded words of the page it runs from, the JIT its regions: the
    // store must drop both (as a coherent instruction cache would, after SYNCI and JALR.HB).
    const m = await bootMachine(engine);
    // A routine run 100 times (decoded, and compiled by the JIT), then rewritten and run again.
    const program = (patch: number) =>
      [
        'li $s1, 100', 'loop:', 'bal routine', 'nop', 'addiu $s1, $s1, -1', 'bnez $s1, loop', 'nop',
        li32('$t0', patch), li32('$t1', assembleProgram('lui $s0, 2', 0)[0]!), 'sw $t1, 0($t0)', 'synci 0($t0)', 'sync',
        'jalr.hb $ra, $t0', 'nop', 'sdbbp',
        'routine:', 'addiu $s0, $zero, 1', 'jr $ra', 'nop',
      ].join('\n');
    // The new instruction is another row than the old one (the run loop keeps the row decoded).
    const marker = assembleProgram('addiu $s0, $zero, 1', 0)[0];
    const patch = CODE + 4 * assembleProgram(program(0), CODE).indexOf(marker!);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(CODE, program(patch));
    expect(m.vcpu.run({ maxInstructions: 100_000 }).reason).toBe('debug');
    expect(m.gpr(16)).toBe(0x2_0000);
  });

  test('a clean page (D = 0) keeps raising TLB Modified after its entry was cached for reads', async () => {
    const m = await bootMachine(engine);
    m.load(0xbfc0_0000, bootTo(CODE));
    m.load(0x8000_0180, ['mfc0 $k0, c0_epc', 'addiu $k0, $k0, 4', 'mtc0 $k0, c0_epc', 'addiu $s3, $s3, 1', 'eret'].join('\n'));
    m.load(
      CODE,
      [
        'mtc0 $zero, c0_index',
        li32('$t0', 0x0040_0000),
        'mtc0 $t0, c0_entryhi',
        li32('$t0', ((0x0020_0000 >>> 12) << 6) | 0x1b), // C, V, G; no D
        'mtc0 $t0, c0_entrylo0',
        'mtc0 $t0, c0_entrylo1',
        'tlbwi',
        li32('$s0', 0x0040_0000),
        'li $s1, 50',
        'again:',
        'lw $t1, 0($s0)',
        'sw $t1, 4($s0)',
        'addiu $s1, $s1, -1',
        'bnez $s1, again',
        'nop',
        'sdbbp',
      ].join('\n'),
    );
    expect(m.vcpu.run({ maxInstructions: 100_000 }).reason).toBe('debug');
    expect(m.gpr(19)).toBe(50);
    expect(Cause.code(m.reg(Reg.CP0_CAUSE))).toBe(1);
  });
});
