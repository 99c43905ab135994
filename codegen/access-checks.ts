// Shared page-permission checks for Linux user-mode memory accesses (flat memory). Within a
// block, accesses through the same base register usually touch one or two pages: a function's
// prologue saving registers at sp+16 .. sp+40, a struct read field by field, a loop's pointer
// read, stepped (ADDIU rX, rX, imm) and written back. The first of them checks the pages of the
// lowest and highest address the group will touch (a span under a page reaches at most two
// pages), for reading and writing if the group does both; the others check only their alignment.
// A failed check leaves for the interpreter before the first access, which then runs each
// instruction exactly (and faults at the right one), so a wider check is never wrong, only
// sometimes earlier.
//
// This file plans the spans; codegen/translate.ts decides at emission time what a check it
// really emitted covers, so an access is never left unchecked by a plan the code did not follow.

import { PAGE_SIZE } from '../runtime/flat-memory.js';
import { rsOf, rtOf, simmOf } from '../src/interp/fields.js';
import { Flag } from '../src/isa/table.js';
import type { GuestInstruction } from './block.js';

/**
 * Bytes of the rows translated as plain memory accesses (base rs + offset); their direction is the
 * instruction table's Store flag.
 */
const ACCESS_BYTES: ReadonlyMap<string, 1 | 2 | 4 | 8> = new Map([
  ['lb', 1], ['lbu', 1], ['sb', 1],
  ['lh', 2], ['lhu', 2], ['sh', 2],
  ['lw', 4], ['lwc1', 4], ['sw', 4], ['swc1', 4],
  ['ldc1', 8], ['sdc1', 8],
] as const);

/**
 * Offsets from the base register, first and last byte, that one check covers, and what it checks:
 * read and/or write permission.
 */
export interface AccessSpan {
  readonly low: number;
  readonly high: number;
  readonly read: boolean;
  readonly write: boolean;
}

/**
 * Groups of one block by base register: the PC of a group's first access, the span so far (offsets
 * from the register's value now), whether it reads and writes, how far the register moved since
 * the group's first access (ADDIU rX, rX, imm), and per base register the alignment in bytes a
 * check proved (0: none). planAccessSpans keeps its open groups here and the translator what the
 * checks it emitted cover. Typed arrays, not Maps: both ask at every access and forget at every
 * instruction, while V8 still runs them unoptimized, and TurboFan took ~9 ms of V8's one compiler
 * thread to compile the translator's Map version of the forgetting (callbench 3's first run,
 * `--trace-opt`).
 */
export class SpanGroups {
  readonly first = new Int32Array(32);
  readonly low = new Int32Array(32);
  readonly high = new Int32Array(32);
  readonly reads = new Uint8Array(32);
  readonly writes = new Uint8Array(32);
  readonly moved = new Int32Array(32);
  readonly alignedBytes = new Uint8Array(32);
  private readonly valid = new Uint8Array(32);
  /** Something was set since the last clear: there is something to forget. */
  private any = false;

  get empty(): boolean {
    return !this.any;
  }

  has(base: number): boolean {
    return this.valid[base] === 1;
  }

  set(base: number, first: number, low: number, high: number, read: boolean, write: boolean): void {
    this.valid[base] = 1;
    this.first[base] = first;
    this.low[base] = low;
    this.high[base] = high;
    this.reads[base] = read ? 1 : 0;
    this.writes[base] = write ? 1 : 0;
    this.moved[base] = 0;
    this.any = true;
  }

  /** Widens `base`'s group to [low, high], reading and writing as given (its first access and movement stay). */
  extend(base: number, low: number, high: number, read: boolean, write: boolean): void {
    this.low[base] = low;
    this.high[base] = high;
    this.reads[base] = read ? 1 : 0;
    this.writes[base] = write ? 1 : 0;
  }

  setAligned(base: number, bytes: number): void {
    this.alignedBytes[base] = bytes;
    this.any = true;
  }

  /** Drops the groups and the alignment of the GPRs in `written`, a mask (bit r: GPR r) of those an instruction may write. */
  forget(written: number): void {
    for (let register = 1; register < 32 && written >>> register !== 0; register++) {
      if (((written >>> register) & 1) === 0) continue;
      this.valid[register] = 0;
      this.alignedBytes[register] = 0;
    }
  }

  /**
   * GPR `base` moved by `delta` (ADDIU base, base, delta): its group covers the same addresses, at
   * offsets `delta` lower, and it stays aligned to the largest power of two dividing both.
   */
  move(base: number, delta: number): void {
    this.low[base] = this.low[base]! - delta;
    this.high[base] = this.high[base]! - delta;
    this.moved[base] = this.moved[base]! + delta;
    const aligned = this.alignedBytes[base]!;
    if (delta !== 0 && aligned !== 0) this.alignedBytes[base] = Math.min(aligned, delta & -delta);
  }

  clear(): void {
    if (!this.any) return;
    this.valid.fill(0);
    this.alignedBytes.fill(0);
    this.any = false;
  }
}

/**
 * The base register an instruction moves by a constant, keeping what checks through it cover
 * (ADDIU rX, rX, imm: a pointer stepped through an array), or 0.
 */
export function movedBase(instruction: GuestInstruction): number {
  if (instruction.row.name !== 'addiu') return 0;
  const register = rtOf(instruction.word);
  return register === rsOf(instruction.word) ? register : 0;
}

/**
 * After `instruction` ran: moves the groups of a base it steps (movedBase), else drops those of
 * the GPRs it may write (`writes`, a mask).
 */
export function afterInstruction(groups: SpanGroups, instruction: GuestInstruction, writes: number): void {
  const moved = movedBase(instruction);
  if (moved !== 0) groups.move(moved, simmOf(instruction.word));
  else groups.forget(writes);
}

/** planAccessSpans' groups, made once (five typed arrays per block cost the cold translator ~1 ms in callbench 3's first run). */
const openGroups = new SpanGroups();

/**
 * For each access of `instructions` (one block, in execution order) that starts a group, the
 * span its check should cover (offsets from its base register's value there): its own bytes and
 * those of the later accesses through the same base register, moved only by ADDIU rX, rX, imm,
 * up to the first instruction that may otherwise write it, while the span stays under a page;
 * and whether the group reads and writes. `writes` gives the GPRs an instruction may write as a
 * mask (bit r: GPR r).
 */
export function planAccessSpans(instructions: readonly GuestInstruction[], writes: (instruction: GuestInstruction) => number): Map<number, AccessSpan> {
  const spans = new Map<number, AccessSpan>();
  const open = openGroups;
  open.clear();
  for (const instruction of instructions) {
    const bytes = ACCESS_BYTES.get(instruction.row.name);
    if (bytes !== undefined) {
      const base = rsOf(instruction.word);
      const offset = simmOf(instruction.word);
      const write = (instruction.row.flags & Flag.Store) !== 0;
      const grouped = open.has(base);
      const low = grouped ? Math.min(open.low[base]!, offset) : offset;
      const high = grouped ? Math.max(open.high[base]!, offset + bytes - 1) : offset + bytes - 1;
      if (grouped && high - low < PAGE_SIZE) {
        const groupReads = open.reads[base] === 1 || !write;
        const groupWrites = open.writes[base] === 1 || write;
        open.extend(base, low, high, groupReads, groupWrites);
        // In the first access's offsets: the register was `moved` lower there.
        const moved = open.moved[base]!;
        spans.set(open.first[base]!, { low: low + moved, high: high + moved, read: groupReads, write: groupWrites });
      } else {
        open.set(base, instruction.pc, offset, offset + bytes - 1, !write, write);
        spans.set(instruction.pc, { low: offset, high: offset + bytes - 1, read: !write, write });
      }
    }
    afterInstruction(open, instruction, writes(instruction));
  }
  return spans;
}
