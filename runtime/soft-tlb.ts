// The soft TLB of one system-mode VCPU: a direct-mapped cache of translations from guest virtual
// pages to host memory, one set per privilege mode (kernel, supervisor, user) and per access
// (read, write, fetch). An entry is a tag (the virtual page's address; -1 when empty) and an
// addend (host offset - virtual address). A hit is one compare and one add. The slow path
// (SystemCpu) fills entries only for accesses that may go fast: a write entry exists only for a
// page that is writable in the guest TLB (D), not read-only, not holding decoded code, not being
// dirty-logged while clean and not linked by an LL; other entries carry flag bits (TagFlag) so
// that they never match and their accesses take the slow path without walking anything. A masked
// address keeps its alignment bits, so a misaligned access misses too. The tables live in host
// memory, after the VCPU's state block (runtime/state.ts), so compiled code uses them directly.

import { SOFT_TLB_ENTRIES, SOFT_TLB_MODES, SOFT_TLB_TABLES_PER_MODE, VcpuBlock } from './state.js';

export { SOFT_TLB_ENTRIES };
export const enum Access {
  Read = 0,
  Write = 1,
  Fetch = 2,
}
/** Entries per mode: read, write and fetch tables of SOFT_TLB_ENTRIES each. */
export const ENTRIES_PER_MODE = SOFT_TLB_TABLES_PER_MODE * SOFT_TLB_ENTRIES;
const MODES = SOFT_TLB_MODES;
export const EMPTY = -1;

/**
 * Flag bits of a tag (bits 4..11, clear of the alignment bits a masked address keeps): the entry
 * knows the page but its accesses take the slow path. Filled by the refill handler from the GVA
 * entry and the host page's flags.
 */
export const enum TagFlag {
  /** No memory slot: MMIO. */
  Mmio = 1 << 4,
  /** Stores: EntryLo.D = 0, or a read-only slot. */
  NoWrite = 1 << 5,
  /** Stores: the host page holds decoded code, is linked by an LL, or is logged and still clean. */
  Tracked = 1 << 6,
}
export const TAG_FLAGS = TagFlag.Mmio | TagFlag.NoWrite | TagFlag.Tracked;

/** Index of the entry for virtual address `address` in the table `base` (mode * ENTRIES_PER_MODE + access * SOFT_TLB_ENTRIES). */
export const entryIndex = (base: number, address: number): number => base + ((address >>> 12) & (SOFT_TLB_ENTRIES - 1));

export class SoftTlb {
  tags!: Int32Array;
  addends!: Int32Array;

  constructor(buffer: ArrayBuffer, offset: number) {
    this.rebind(buffer, offset);
    this.flushAll();
  }

  /** Views the tables of the VCPU block at `offset` (runtime/state.ts VcpuBlock). */
  rebind(buffer: ArrayBuffer, offset: number): void {
    const count = MODES * ENTRIES_PER_MODE;
    this.tags = new Int32Array(buffer, offset + VcpuBlock.softTlbTags, count);
    this.addends = new Int32Array(buffer, offset + VcpuBlock.softTlbAddends, count);
  }

  flushAll(): void {
    this.tags.fill(EMPTY);
  }

  /**
   * Drops the entries the guest TLB decided (an ASID change, ERL): those of kuseg, kseg2 and
   * kseg3. kseg0 and kseg1 translate without the TLB and stay.
   */
  flushMapped(): void {
    const tags = this.tags;
    for (let entry = 0; entry < tags.length; entry++) {
      const tag = tags[entry]!;
      if (tag !== EMPTY && (tag >>> 30) !== 2) tags[entry] = EMPTY;
    }
  }

  /** Drops every entry (all modes, all accesses) for virtual addresses in [start, start + bytes). */
  flushVirtual(start: number, bytes: number): void {
    if (bytes >= SOFT_TLB_ENTRIES * 0x1000) {
      this.flushAll();
      return;
    }
    const tags = this.tags;
    for (let offset = 0; offset < bytes; offset += 0x1000) {
      const page = ((start + offset) & ~0xfff) | 0;
      const index = (page >>> 12) & (SOFT_TLB_ENTRIES - 1);
      for (let table = 0; table < 3 * MODES; table++) {
        const entry = table * SOFT_TLB_ENTRIES + index;
        if ((tags[entry]! & ~0xfff) === page) tags[entry] = EMPTY;
      }
    }
  }

  /** Drops the write entries that lead to host page `hostPage` (it became code, logged or linked). */
  flushHostPageWrites(hostPage: number): void {
    const tags = this.tags;
    const addends = this.addends;
    for (let mode = 0; mode < MODES; mode++) {
      const base = mode * ENTRIES_PER_MODE + Access.Write * SOFT_TLB_ENTRIES;
      for (let entry = base; entry < base + SOFT_TLB_ENTRIES; entry++) {
        const tag = tags[entry]!;
        if (tag !== EMPTY && ((tag & ~0xfff) + addends[entry]!) >>> 12 === hostPage) tags[entry] = EMPTY;
      }
    }
  }

  /** Drops every write entry (dirty-log reset). */
  flushWrites(): void {
    for (let mode = 0; mode < MODES; mode++) {
      const base = mode * ENTRIES_PER_MODE + Access.Write * SOFT_TLB_ENTRIES;
      this.tags.fill(EMPTY, base, base + SOFT_TLB_ENTRIES);
    }
  }
}
