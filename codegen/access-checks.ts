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
import type { GuestInstruction } from './block.js';

/** Bytes and direction of the rows translated as plain memory accesses (base rs + offset). */
const ACCESSES: ReadonlyMap<string, { readonly bytes: 1 | 2 | 4 | 8; readonly write: boolean }> = new Map([
  ['lb', { bytes: 1, write: false }],
  ['lbu', { bytes: 1, write: false }],
  ['lh', { bytes: 2, write: false }],
  ['lhu', { bytes: 2, write: false }],
  ['lw', { bytes: 4, write: false }],
  ['lwc1', { bytes: 4, write: false }],
  ['ldc1', { bytes: 8, write: false }],
  ['sb', { bytes: 1, write: true }],
  ['sh', { bytes: 2, write: true }],
  ['sw', { bytes: 4, write: true }],
  ['swc1', { bytes: 4, write: true }],
  ['sdc1', { bytes: 8, write: true }],
] as const);

/** Offsets from the base register, first and last byte, that one check covers. */
export interface AccessSpan {
  readonly low: number;
  readonly high: number;
}

/** The key of a group: its base register and direction (a write check does not cover reads). */
export const spanKey = (base: number, write: boolean): number => base * 2 + (write ? 1 : 0);

/**
 * For each access of `instructions` (one block, in execution order) that starts a group, the
 * span its check should cover: its own bytes and those of the later accesses with the same base
 * register and direction, up to the first instruction that may write the base register, while
 * the span stays under a page. `writes` names the GPRs an instruction may write.
 */
export function planAccessSpans(instructions: readonly GuestInstruction[], writes: (instruction: GuestInstruction) => Iterable<number>): Map<number, AccessSpan> {
  const spans = new Map<number, AccessSpan>();
  /** Open groups by key: the PC of their first access and the span so far. */
  const open = new Map<number, { first: number; low: number; high: number }>();
  for (const instruction of instructions) {
    const access = ACCESSES.get(instruction.row.name);
    if (access !== undefined) {
      const base = rsOf(instruction.word);
      const offset = simmOf(instruction.word);
      const key = spanKey(base, access.write);
      const group = open.get(key);
      const low = Math.min(group?.low ?? offset, offset);
      const high = Math.max(group?.high ?? offset + access.bytes - 1, offset + access.bytes - 1);
      if (group !== undefined && high - low < PAGE_SIZE) {
        group.low = low;
        group.high = high;
        spans.set(group.first, { low, high });
      } else {
        open.set(key, { first: instruction.pc, low: offset, high: offset + access.bytes - 1 });
        spans.set(instruction.pc, { low: offset, high: offset + access.bytes - 1 });
      }
    }
    for (const register of writes(instruction)) {
      open.delete(spanKey(register, false));
      open.delete(spanKey(register, true));
    }
  }
  return spans;
}
