// Shared page-permission checks for Linux user-mode memory accesses (flat memory). Within a
// block, accesses through the same base register, unchanged between them, usually touch one or
// two pages: a function's prologue saving registers at sp+16 .. sp+40, a struct read field by
// field. The first of them checks the pages of the lowest and highest address the group will
// touch (a span under a page reaches at most two pages); the others check only their alignment.
// A failed check leaves for the interpreter before the first access, which then runs each
// instruction exactly (and faults at the right one), so a wider check is never wrong, only
// sometimes earlier.
//
// This file plans the spans; codegen/translate.ts decides at emission time what a check it
// really emitted covers, so an access is never left unchecked by a plan the code did not follow.

import { PAGE_SIZE } from '../runtime/flat-memory.js';
import { rsOf, simmOf } from '../src/interp/fields.js';
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

/** Offsets from the base register, first and last byte, that one check covers. */
export interface AccessSpan {
  readonly low: number;
  readonly high: number;
}

/** The key of a group: its base register and direction (a write check does not cover reads). */
export const spanKey = (base: number, write: boolean): number => base * 2 + (write ? 1 : 0);

/**
 * Groups of one block by key (spanKey): the PC of a group's first access and the span so far,
 * and per base register the alignment in bytes a check proved (0: none). planAccessSpans keeps
 * its open groups here and the translator what the checks it emitted cover. Typed arrays, not
 * Maps: both ask at every access and forget at every instruction, while V8 still runs them
 * unoptimized, and TurboFan took ~9 ms of V8's one compiler thread to compile the translator's
 * Map version of the forgetting (callbench 3's first run, `--trace-opt`).
 */
export class SpanGroups {
  readonly first = new Int32Array(64);
  readonly low = new Int32Array(64);
  readonly high = new Int32Array(64);
  readonly alignedBytes = new Uint8Array(32);
  private readonly valid = new Uint8Array(64);
  /** Something was set since the last clear: there is something to forget. */
  private any = false;

  get empty(): boolean {
    return !this.any;
  }

  has(key: number): boolean {
    return this.valid[key] === 1;
  }

  set(key: number, first: number, low: number, high: number): void {
    this.valid[key] = 1;
    this.first[key] = first;
    this.low[key] = low;
    this.high[key] = high;
    this.any = true;
  }

  setAligned(base: number, bytes: number): void {
    this.alignedBytes[base] = bytes;
    this.any = true;
  }

  /** Drops the groups (of either direction) and the alignment of the GPRs in `written`, a mask (bit r: GPR r) of those an instruction may write. */
  forget(written: number): void {
    for (let register = 1; register < 32 && written >>> register !== 0; register++) {
      if (((written >>> register) & 1) === 0) continue;
      this.valid[spanKey(register, false)] = 0;
      this.valid[spanKey(register, true)] = 0;
      this.alignedBytes[register] = 0;
    }
  }

  clear(): void {
    if (!this.any) return;
    this.valid.fill(0);
    this.alignedBytes.fill(0);
    this.any = false;
  }
}

/** planAccessSpans' groups, made once (five typed arrays per block cost the cold translator ~1 ms in callbench 3's first run). */
const openGroups = new SpanGroups();

/**
 * For each access of `instructions` (one block, in execution order) that starts a group, the
 * span its check should cover: its own bytes and those of the later accesses with the same base
 * register and direction, up to the first instruction that may write the base register, while
 * the span stays under a page. `writes` gives the GPRs an instruction may write as a mask (bit r: GPR r).
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
      const key = spanKey(base, (instruction.row.flags & Flag.Store) !== 0);
      const grouped = open.has(key);
      const low = grouped ? Math.min(open.low[key]!, offset) : offset;
      const high = grouped ? Math.max(open.high[key]!, offset + bytes - 1) : offset + bytes - 1;
      if (grouped && high - low < PAGE_SIZE) {
        const first = open.first[key]!;
        open.set(key, first, low, high);
        spans.set(first, { low, high });
      } else {
        open.set(key, instruction.pc, offset, offset + bytes - 1);
        spans.set(instruction.pc, { low: offset, high: offset + bytes - 1 });
      }
    }
    open.forget(writes(instruction));
  }
  return spans;
}
