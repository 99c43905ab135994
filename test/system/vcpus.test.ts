// Several VCPUs on one VM, run in turn from one thread: each has its own registers, CP0 and TLB
// and shares memory; an LL/SC spinlock keeps a shared counter exact under fine interleaving, and an
// SC fails when another VCPU wrote the linked word since the LL.

import { describe, expect, test } from 'vitest';
import { Reg, type Exit, type Vcpu } from '../../src/index.js';
import { bootMachine, bootTo, callRepeatedly, ENGINES, expectCompiled, li32 } from './harness.js';

const CODE = 0x8000_1000;
const LOCK = 0x8000_4000;
const COUNTER = 0x8000_4010;
const FLAG = 0x8000_4020;
const ROUNDS = 300;

const counterLoop = (locked: boolean) =>
  [
    li32('$s0', LOCK),
    li32('$s1', COUNTER),
    `li $s2, ${ROUNDS}`,
    'loop:',
    ...(locked ? ['acquire:', 'll $t0, 0($s0)', 'bnez $t0, acquire', 'li $t1, 1', 'sc $t1, 0($s0)', 'beqz $t1, acquire', 'nop'] : []),
    'lw $t2, 0($s1)',
    'addiu $t2, $t2, 1',
    'sw $t2, 0($s1)',
    ...(locked ? ['sync', 'sw $zero, 0($s0)'] : []),
    'addiu $s2, $s2, -1',
    'bnez $s2, loop',
    'nop',
    'mfc0 $v0, c0_ebase',
    'andi $v0, $v0, 0x3ff',
    'sdbbp',
  ].join('\n');

/** Runs the VCPUs in turn, each for a pseudo-random slice of 1..23 instructions, until all stop at SDBBP. */
function interleave(vcpus: Vcpu[], seed: number): void {
  let state = seed;
  const done = new Set<number>();
  for (let round = 0; done.size < vcpus.length && round < 1_000_000; round++) {
    const index = round % vcpus.length;
    if (done.has(index)) continue;
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const exit: Exit = vcpus[index]!.run({ maxInstructions: 1 + (state >>> 16) % 23 });
    if (exit.reason === 'debug') done.add(index);
    else expect(exit.reason).toBe('intr');
  }
  expect(done.size).toBe(vcpus.length);
}

describe.each(ENGINES)('VCPUs (%s)', (engine) => {
  test.each([2, 4])('%i VCPUs with an LL/SC spinlock count exactly; without the lock updates are lost', async (count) => {
    for (const locked of [true, false]) {
      const m = await bootMachine(engine, count);
      m.load(0xbfc0_0000, bootTo(CODE));
      m.load(CODE, counterLoop(locked));
      interleave(m.vcpus, 7);
      const counter = new DataView(m.vm.readPhys(COUNTER & 0x1fff_ffff, 4).buffer).getUint32(0, true);
      if (locked) expect(counter).toBe(count * ROUNDS);
      else expect(counter).toBeLessThan(count * ROUNDS);
      // Each VCPU read its own CPUNum from EBase.
      expect(m.vcpus.map((vcpu) => vcpu.getOneReg(Reg.gpr(2)))).toEqual(m.vcpus.map((_, id) => id));
    }
  });

  test.each([
    { name: 'a store to the linked word by another VCPU (same value) makes SC fail', offset: 0, scResult: 0 },
    { name: 'a store to another word of the page leaves the link', offset: 8, scResult: 1 },
  ])('$name', async ({ offset, scResult }) => {
    const m = await bootMachine(engine, 2);
    const [first, second] = m.vcpus as [Vcpu, Vcpu];
    m.load(0xbfc0_0000, [bootTo(CODE)].join('\n'));
    // The first VCPU links the word, then spins until the second has stored and raised FLAG; the
    // spin loop and the SC after it run compiled under the JIT.
    m.load(
      CODE,
      [
        li32('$s0', LOCK),
        li32('$s1', FLAG),
        'mfc0 $t9, c0_ebase',
        'andi $t9, $t9, 0x3ff',
        'bnez $t9, other',
        'nop',
        'll $t0, 0($s0)',
        'spin:',
        'lw $t1, 0($s1)',
        'beqz $t1, spin',
        'nop',
        'sc $t0, 0($s0)',
        'sdbbp',
        'other:',
        `sw $zero, ${offset}($s0)`,
        'li $t1, 1',
        'sw $t1, 0($s1)',
        'sdbbp',
      ].join('\n'),
    );
    expect(first.run({ maxInstructions: 2_000 }).reason).toBe('intr'); // spinning after the LL
    expect(second.run().reason).toBe('debug'); // after its store
    expect(first.run().reason).toBe('debug');
    expect(first.getOneReg(Reg.gpr(8))).toBe(scResult);
    expectCompiled(engine, first);
  });

  test('VCPUs have their own registers, CP0 and TLB', async () => {
    const m = await bootMachine(engine, 2);
    const [first, second] = m.vcpus as [Vcpu, Vcpu];
    first.setOneReg(Reg.gpr(5), 11);
    first.setOneReg(Reg.CP0_ENTRYHI, 0x42);
    expect(second.getOneReg(Reg.gpr(5))).toBe(0);
    expect(second.getOneReg(Reg.CP0_ENTRYHI)).toBe(0);
    expect(first.getOneReg(Reg.CP0_EBASE)).toBe(0x8000_0000);
    expect(second.getOneReg(Reg.CP0_EBASE)).toBe(0x8000_0001);
    // A TLB entry written on one VCPU does not translate on the other.
    // The first VCPU maps 0x40_0000 and loads from it through a subroutine it calls enough times
    // for the JIT to compile it; the second calls the same (compiled) subroutine and misses.
    const LOAD = 0x8000_2000;
    m.load(LOAD, ['lw $v0, 0($s0)', 'jr $ra', 'nop'].join('\n'));
    const load = `0x${LOAD.toString(16)}`;
    m.vm.writePhys(0x10_0000, new Uint8Array([0x2a, 0, 0, 0]));
    const words = m.load(CODE, ['mtc0 $zero, c0_index', li32('$t0', 0x0040_0000), 'mtc0 $t0, c0_entryhi', li32('$t0', (0x100 << 6) | 0x1f), 'mtc0 $t0, c0_entrylo0', 'mtc0 $t0, c0_entrylo1', 'tlbwi', li32('$s0', 0x0040_0000), callRepeatedly('load'), 'sdbbp', `load: j ${load}`, 'nop'].join('\n'));
    m.load(0x8000_0000, 'sdbbp');
    m.load(0xbfc0_0000, bootTo(CODE));
    expect(first.run()).toEqual({ reason: 'debug', pc: CODE + 4 * (words.length - 3) });
    expect(first.getOneReg(Reg.gpr(2))).toBe(0x2a);
    m.load(CODE, [li32('$s0', 0x0040_0000), `jal ${load}`, 'nop', 'sdbbp'].join('\n'));
    expect(second.run()).toEqual({ reason: 'debug', pc: 0x8000_0000 }); // refill: its TLB is empty
    expect(second.getOneReg(Reg.CP0_EPC)).toBe(LOAD);
    expectCompiled(engine, first);
    if (engine === 'jit') expect(second.stats.regionCalls, JSON.stringify(second.stats)).toBeGreaterThan(0);
  });
});
