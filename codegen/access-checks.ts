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

/** Drops the groups (of either direction) based on the GPRs in `written`, a mask (bit r: GPR r) of those an instruction may write. */
export function forgetGroupsOf(groups: Map<number, unknown>, written: number): void {
  for (let register = 1; register < 32 && written >>> register !== 0; register++) {
    if (((written >>> register) & 1) === 0) continue;
    groups.delete(spanKey(register, false));
    groups.delete(spanKey(register, true));
  }
}

/**
 * For each access of `instructions` (one block, in execution order) that starts a group, the
 * span its check should cover: its own bytes and those of the later accesses with the same base
 * register and direction, up to the first instruction that may write the base register, while
 * the span stays under a page. `writes` gives the GPRs an instruction may write as a mask (bit r: GPR r).
 */
export function planAccessSpans(instructions: readonly GuestInstruction[], writes: (instruction: GuestInstruction) => number): Map<number, AccessSpan> {
  const spans = new Map<number, AccessSpan>();
  /** Open groups by key: the PC of their first access and the span so far. */
  const open = new Map<number, { first: number; low: number; high: number }>();
  for (const instruction of instructions) {
    const bytes = ACCESS_BYTES.get(instruction.row.name);
    if (bytes !== undefined) {
      const base = rsOf(instruction.word);
      const offset = simmOf(instruction.word);
      const key = spanKey(base, (instruction.row.flags & Flag.Store) !== 0);
      const group = open.get(key);
      const low = Math.min(group?.low ?? offset, offset);
      const high = Math.max(group?.high ?? offset + bytes - 1, offset + bytes - 1);
      if (group !== undefined && high - low < PAGE_SIZE) {
        group.low = low;
        group.high = high;
        spans.set(group.first, { low, high });
      } else {
        open.set(key, { first: instruction.pc, low: offset, high: offset + bytes - 1 });
        spans.set(instruction.pc, { low: offset, high: offset + bytes - 1 });
      }
    }
    forgetGroupsOf(open, writes(instruction));
  }
  return spans;
}
