// Shared page checks (codegen/access-checks.ts): a block's loads and stores through one base
// register, unchanged or stepped by ADDIU rX, rX, imm, share one permission check that covers all
// their pages. Each case is a loop the JIT compiles, whose last iteration faults at an access that
// a shared check must not have let through; the fault's code, PC and bad address, the registers
// and the instruction count must be the interpreter's (the accesses before the faulting one have
// run, the rest have not). After them, the plan of the groups and their movement, unit by unit.

import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/interp/cpu.js';
import { assembleProgram } from '../../src/isa/asm.js';
import { FlatMemory, Perm } from '../../runtime/flat-memory.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';
import { JitEngine } from '../../codegen/engine.js';
import { planAccessSpans, SpanGroups } from '../../codegen/access-checks.js';
import type { GuestInstruction } from '../../codegen/block.js';
import { decode, ROWS } from '../../src/isa/decode.js';
import { rtOf } from '../../src/interp/fields.js';
import { placeInMemory } from './guest-code.js';

const CODE = 0x0040_0000;
const DATA = 0x0050_0000; // one read/write page; the page after it is unmapped
const READ_ONLY = 0x0060_0000;
const WRITE_ONLY = 0x0068_0000;
const UNMAPPED = 0x0070_0000;

interface Case {
  readonly name: string;
  readonly source: string;
  /** Words stored in the data page before the run: [offset, value]. */
  readonly data?: readonly (readonly [number, number])[];
  readonly fault: { readonly code: ExcCode; readonly badVAddr: number };
}

const CASES: readonly Case[] = [
  {
    // The group's check at `lw t0` covers 0(a0)..0x84(a0); once a0 + 0x80 leaves the page, the
    // second load faults after the first has run and t1 has counted.
    name: 'a later access of the group leaves the mapped page',
    source: pointerLoop(0x0e00, ['lw t0, 0(a0)', 'addiu t1, t1, 1', 'lw t2, 0x80(a0)', 'addu t3, t3, t0', 'addu t3, t3, t2'], 16),
    fault: { code: ExcCode.TLBL, badVAddr: DATA + 0x1000 },
  },
  {
    // The pointer steps (ADDIU a0, a0, imm) between the loads: the group's check at the first
    // covers the second's bytes at their offsets before the step, 0x80(a0) .. 0x83(a0). Once
    // that leaves the page, the second load faults after the first has run.
    name: 'an access after its base register was stepped leaves the mapped page',
    source: pointerLoop(0x0e00, ['lw t0, 0(a0)', 'addiu t1, t1, 1', 'addiu a0, a0, 0x80', 'lw t2, 0(a0)', 'addu t3, t3, t0', 'addu t3, t3, t2'], -0x70),
    fault: { code: ExcCode.TLBL, badVAddr: DATA + 0x1000 },
  },
  {
    // A loop of one block whose pointer steps a word per trip: the trip that reaches the next
    // page faults there.
    name: 'a loop walking a pointer into an unmapped page',
    source: pointerLoop(0x0f00, ['lw t0, 0(a0)', 'addu t3, t3, t0'], 4),
    fault: { code: ExcCode.TLBL, badVAddr: DATA + 0x1000 },
  },
  {
    // The same, walking down and storing: the page below the data page is unmapped.
    name: 'a loop walking a pointer down into an unmapped page, storing',
    source: pointerLoop(0x0100, ['addiu t1, t1, 1', 'sw t1, -4(a0)'], -8),
    fault: { code: ExcCode.TLBS, badVAddr: DATA - 4 },
  },
  {
    // A load, a step back and a store to the same word: one group, checked at the load for
    // reading and writing. On the read-only page the load runs and the store faults.
    name: 'a store through a stepped base after a load of the same word on a read-only page',
    source: lastTripLoop(DATA, READ_ONLY, ['lw t0, 4(t5)', 'addiu t5, t5, 4', 'addiu t1, t1, 1', 'sw t1, 0(t5)']),
    fault: { code: ExcCode.TLBS, badVAddr: READ_ONLY + 4 },
  },
  {
    // The load writes its own base: the next access through a0, at the same offset, needs a
    // check of its own.
    name: 'an access after its base register was loaded',
    source: `
      lui s0, ${DATA >>> 16}
    loop:
      move a0, s0
      lw a0, 0(a0)
      lw t0, 0(a0)
      addiu t1, t1, 1
      b loop
      addiu s0, s0, 8`,
    data: [
      ...Array.from({ length: 40 }, (_, index) => [index * 8, DATA + 0x800] as const),
      [40 * 8, UNMAPPED],
    ],
    fault: { code: ExcCode.TLBL, badVAddr: UNMAPPED },
  },
  {
    // A load's check does not cover a store to the same address: the read-only page stops it.
    name: 'a store after a load through the same base on a read-only page',
    source: lastTripLoop(DATA, READ_ONLY, ['lw t0, 0(t5)', 'addiu t1, t1, 1', 'sw t1, 0(t5)']),
    fault: { code: ExcCode.TLBS, badVAddr: READ_ONLY },
  },
  {
    // A store's check does not cover a load through the same base: on a page that is writable
    // but not readable, the load faults after the store has run.
    name: 'a load after a store through the same base on a write-only page',
    source: lastTripLoop(DATA, WRITE_ONLY, ['addiu t1, t1, 1', 'sw t1, 0(t5)', 'lw t0, 4(t5)']),
    fault: { code: ExcCode.TLBL, badVAddr: WRITE_ONLY + 4 },
  },
  // An access's alignment is tested in the compare with its page's access-table byte
  // (runtime/flat-memory.ts AccessTable): the last trip's base is off by `skew`.
  ...([
    ['lw t0, 4(t5)', 2, ExcCode.AdEL, 4],
    ['lh t0, 6(t5)', 1, ExcCode.AdEL, 6],
    ['sw t1, 8(t5)', 1, ExcCode.AdES, 8],
    ['sh t1, 2(t5)', 3, ExcCode.AdES, 2],
    ['ldc1 $f2, 8(t5)', 4, ExcCode.AdEL, 8],
    ['sdc1 $f2, 16(t5)', 4, ExcCode.AdES, 16],
  ] as const).map(([access, skew, code, offset]): Case => ({
    name: `a misaligned ${access.split(' ')[0]} (base off by ${skew})`,
    source: misalignedLoop(skew, [access]),
    fault: { code, badVAddr: DATA + 0x100 + skew + offset },
  })),
  {
    // A group whose check tests the alignment with its pages: two loads, the first at the span's start.
    name: 'a misaligned group of loads',
    source: misalignedLoop(2, ['lw t0, 4(t5)', 'lw t2, 12(t5)']),
    fault: { code: ExcCode.AdEL, badVAddr: DATA + 0x100 + 2 + 4 },
  },
  {
    // The group's first access is a byte load (no alignment to fold): the word load after it,
    // covered by the group's check, tests its own alignment.
    name: 'a misaligned load covered by a byte load\'s check',
    source: misalignedLoop(2, ['lbu t0, 1(t5)', 'lw t2, 4(t5)']),
    fault: { code: ExcCode.AdEL, badVAddr: DATA + 0x100 + 2 + 4 },
  },
  // A checked access proves its base aligned to its size (its offset being a multiple of it), and
  // later accesses through the base no larger than that skip their alignment test.
  {
    // A halfword's check proves 2-byte alignment, not the 4 bytes the word load needs.
    name: 'a misaligned word load after a halfword load through the same base',
    source: misalignedLoop(2, ['lh t0, 0(t5)', 'lw t2, 4(t5)']),
    fault: { code: ExcCode.AdEL, badVAddr: DATA + 0x100 + 2 + 4 },
  },
  {
    // A halfword's check proves its base 2-byte aligned, and a step of 2 keeps only that: the
    // word load after the step tests its own alignment (the base is off by 2 on the last trip).
    name: 'a misaligned word load after its base was stepped by 2',
    source: lastTripLoop(DATA + 0x102, DATA + 0x100, ['addiu t1, t1, 1', 'lh t0, 0(t5)', 'addiu t5, t5, 2', 'lw t2, 0(t5)']),
    fault: { code: ExcCode.AdEL, badVAddr: DATA + 0x102 },
  },
  {
    // The base changes between the loads: the first load's proof no longer holds.
    name: 'a misaligned load after its base register was changed',
    source: `
      lui a0, ${DATA >>> 16}
      addiu a0, a0, 0x100
      li t4, 30
    loop:
      addiu t4, t4, -1
      bne t4, zero, access
      move t6, zero
      li t6, 2
    access:
      addiu t1, t1, 1
      lw t0, 0(a0)
      addu a0, a0, t6
      sw t1, 8(a0)
      b loop
      subu a0, a0, t6`,
    fault: { code: ExcCode.AdES, badVAddr: DATA + 0x100 + 2 + 8 },
  },
];

/** A loop of 30 trips through `body` with t5 = `base`, and t5 = `lastBase` on its last trip. */
function lastTripLoop(base: number, lastBase: number, body: readonly string[]): string {
  return `
      lui a0, ${base >>> 16}
      ori a0, a0, ${base & 0xffff}
      lui a1, ${lastBase >>> 16}
      ori a1, a1, ${lastBase & 0xffff}
      li t4, 30
    loop:
      addiu t4, t4, -1
      bne t4, zero, access
      move t5, a0
      move t5, a1
    access:
      ${body.join('\n      ')}
      b loop
      nop`;
}

/**
 * An endless loop through `body` with a0 starting at DATA + `start` and stepped by `step` in the
 * branch's delay slot each trip, until an access through it faults.
 */
function pointerLoop(start: number, body: readonly string[], step: number): string {
  return `
      lui a0, ${DATA >>> 16}
      addiu a0, a0, ${start}
    loop:
      ${body.join('\n      ')}
      b loop
      addiu a0, a0, ${step}`;
}

/** A loop of 30 trips through `accesses` at base t5 = DATA + 0x100, on its last trip + `skew`. */
function misalignedLoop(skew: number, accesses: readonly string[]): string {
  return lastTripLoop(DATA + 0x100, DATA + 0x100 + skew, ['addiu t1, t1, 1', ...accesses]);
}

function machine(testCase: Case): { cpu: Cpu; faults: { code: ExcCode; pc: number; badVAddr: number }[] } {
  const memory = new FlatMemory(0x0100_0000);
  memory.protect(CODE, 0x1000, Perm.Read | Perm.Exec);
  placeInMemory(memory, CODE, testCase.source);
  memory.protect(DATA, 0x1000, Perm.Read | Perm.Write);
  memory.protect(READ_ONLY, 0x1000, Perm.Read);
  memory.protect(WRITE_ONLY, 0x1000, Perm.Write);
  for (const [offset, value] of testCase.data ?? []) memory.u8.set(new Uint8Array(new Uint32Array([value]).buffer), DATA + offset);
  const faults: { code: ExcCode; pc: number; badVAddr: number }[] = [];
  const cpu = new Cpu(memory, {
    exception(self, code, badVAddr) {
      faults.push({ code, pc: self.pc, badVAddr });
      return Status.Stop;
    },
  });
  cpu.setPc(CODE);
  return { cpu, faults };
}

describe('JIT shared page checks', () => {

  for (const testCase of CASES) {
    it(testCase.name, () => {
      const interpreted = machine(testCase);
      expect(interpreted.cpu.run(1_000_000)).toBe(Status.Stop);
      const compiled = machine(testCase);
      const jit = new JitEngine(compiled.cpu, { hotThreshold: 4 });
      expect(jit.run(1_000_000)).toBe(Status.Stop);

      expect(interpreted.faults).toHaveLength(1);
      expect(interpreted.faults[0]).toMatchObject(testCase.fault);
      expect(compiled.faults).toEqual(interpreted.faults);
      expect(compiled.cpu.instructions).toBe(interpreted.cpu.instructions);
      expect(Array.from(compiled.cpu.r.subarray(0, 34))).toEqual(Array.from(interpreted.cpu.r.subarray(0, 34)));
      // The loop ran compiled: the fault came from compiled code's exit, not from a cold start.
      expect(jit.stats.compiledInstructions / compiled.cpu.instructions).toBeGreaterThan(0.5);
      jit.close();
    });
  }
});

/** The instructions of `source` at CODE, as a block's. */
function instructionsOf(source: string): GuestInstruction[] {
  return Array.from(assembleProgram(source, CODE), (word, index) => ({ pc: CODE + index * 4, word: word | 0, row: ROWS[decode(word)]! }));
}

/** The GPRs the loads and ADDIUs of these cases write (stores write none). */
const writtenByCase = (instruction: GuestInstruction) => (instruction.row.name === 'sw' || instruction.row.name === 'sb' ? 0 : 1 << rtOf(instruction.word));

describe('planAccessSpans', () => {
  it('keeps a group through ADDIU steps of its base, in the first access\'s offsets, reading and writing', () => {
    const spans = planAccessSpans(instructionsOf(`
      lw t0, 0(a0)
      addiu a0, a0, 0x80
      sw t0, 4(a0)
      addiu a0, a0, -8
      lbu t1, 1(a0)`), writtenByCase);
    expect([...spans]).toEqual([[CODE, { low: 0, high: 0x87, read: true, write: true }]]);
  });

  it('starts a group afresh after another write of its base', () => {
    const spans = planAccessSpans(instructionsOf(`
      sw t0, 8(a0)
      addiu a0, a1, 0x80
      lw t1, 0(a0)`), writtenByCase);
    expect([...spans]).toEqual([
      [CODE, { low: 8, high: 11, read: false, write: true }],
      [CODE + 8, { low: 0, high: 3, read: true, write: false }],
    ]);
  });
});

describe('SpanGroups.move', () => {
  it('covers the same addresses at offsets lower by the step, aligned to what the step keeps', () => {
    const groups = new SpanGroups();
    groups.set(4, CODE, 0, 15, true, false);
    groups.setAligned(4, 4);
    groups.move(4, 8);
    expect([groups.low[4], groups.high[4], groups.moved[4], groups.alignedBytes[4]]).toEqual([-8, 7, 8, 4]);
    groups.move(4, -6);
    expect([groups.low[4], groups.high[4], groups.moved[4], groups.alignedBytes[4]]).toEqual([-2, 13, 2, 2]);
    groups.move(4, 1);
    expect(groups.alignedBytes[4]).toBe(1);
  });
});
