// GVA page tables of one system-mode VCPU: per mode (kernel, supervisor, user), a two-level table
// from guest virtual page to host page, caching what the slow path learned from the segment map,
// the guest TLB and the GPA map. The generated refill handler (codegen/tlb-refill.ts) walks them
// to fill the soft TLB without leaving Wasm; a miss here goes back to TypeScript (SystemCpu),
// which walks the guest TLB and fills the entry, or raises the guest's exception. The tables live
// in host memory: a root of 1024 leaf addresses per mode and a fixed pool of leaves; when the pool
// runs out every table is cleared and refilled on demand. Flushed by range on TLB writes, for the
// mapped segments on an ASID or ERL change, and wholly on any change of the GPA map.

import { GVA_LEAF_POOL, SOFT_TLB_MODES, VcpuBlock } from './state.js';

/** Entry bits: a host page address (4 KiB aligned) or'ed with these. */
export const enum GvaFlag {
  Valid = 1 << 0,
  /** Stores take the slow path: EntryLo.D = 0 or a read-only slot. */
  NoWrite = 1 << 1,
  /** No memory slot: every access is MMIO. */
  Mmio = 1 << 2,
}

const ROOT_ENTRIES = 1024;
const LEAF_ENTRIES = 1024;

export class GvaTables {
  /** Byte offsets in host memory of the roots and the leaf pool (for the refill handler). */
  readonly rootsOffset: number;
  readonly leavesOffset: number;
  private words!: Int32Array;
  private usedLeaves = 0;
  /** Every time the leaf pool ran out and the tables were cleared. */
  recycles = 0;

  constructor(buffer: ArrayBuffer, vcpuBlock: number) {
    this.rootsOffset = vcpuBlock + VcpuBlock.gvaRoots;
    this.leavesOffset = vcpuBlock + VcpuBlock.gvaLeaves;
    this.rebind(buffer);
  }

  rebind(buffer: ArrayBuffer): void {
    this.words = new Int32Array(buffer);
  }

  /** Byte offset of the root of `mode`. */
  root(mode: number): number {
    return this.rootsOffset + mode * ROOT_ENTRIES * 4;
  }

  /** The entry for virtual `address` in `mode` (0 when none). */
  lookup(mode: number, address: number): number {
    const leaf = this.words[(this.root(mode) >>> 2) + (address >>> 22)]!;
    return leaf === 0 ? 0 : this.words[(leaf >>> 2) + ((address >>> 12) & (LEAF_ENTRIES - 1))]!;
  }

  /** Caches `entry` (host page | GvaFlag) for the page of `address` in `mode`. */
  fill(mode: number, address: number, entry: number): void {
    const rootWord = (this.root(mode) >>> 2) + (address >>> 22);
    let leaf = this.words[rootWord]!;
    if (leaf === 0) {
      if (this.usedLeaves === GVA_LEAF_POOL) {
        this.flushAll();
        this.recycles++;
      }
      leaf = this.leavesOffset + this.usedLeaves++ * LEAF_ENTRIES * 4;
      this.words.fill(0, leaf >>> 2, (leaf >>> 2) + LEAF_ENTRIES);
      this.words[rootWord] = leaf;
    }
    this.words[(leaf >>> 2) + ((address >>> 12) & (LEAF_ENTRIES - 1))] = entry;
  }

  /** Drops the entries of [start, start + bytes) in every mode (leaf by leaf: a 256 MiB page costs 64 leaves, not 65,536 pages). */
  flushRange(start: number, bytes: number): void {
    const first = start >>> 12;
    const end = Math.min(first + Math.ceil(bytes / 0x1000), 1 << 20); // page numbers [first, end)
    for (let mode = 0; mode < SOFT_TLB_MODES; mode++) {
      const root = this.root(mode) >>> 2;
      for (let page = first; page < end; ) {
        const leafEnd = Math.min(((page >>> 10) + 1) << 10, end);
        const leaf = this.words[root + (page >>> 10)]!;
        if (leaf !== 0) this.words.fill(0, (leaf >>> 2) + (page & (LEAF_ENTRIES - 1)), (leaf >>> 2) + (page & (LEAF_ENTRIES - 1)) + (leafEnd - page));
        page = leafEnd;
      }
    }
  }

  /**
   * Drops what the guest TLB (and ERL) decided: kuseg and kseg2/kseg3 in every mode; kseg0 and
   * kseg1 stay. Their leaves stay allocated and are cleared.
   */
  flushMapped(): void {
    for (let mode = 0; mode < SOFT_TLB_MODES; mode++) {
      const root = this.root(mode) >>> 2;
      for (let index = 0; index < ROOT_ENTRIES; index++) {
        if (index >= 512 && index < 768) continue; // 0x8000_0000..0xbfff_ffff
        const leaf = this.words[root + index]!;
        if (leaf !== 0) this.words.fill(0, leaf >>> 2, (leaf >>> 2) + LEAF_ENTRIES);
      }
    }
  }

  flushAll(): void {
    this.words.fill(0, this.rootsOffset >>> 2, (this.rootsOffset >>> 2) + SOFT_TLB_MODES * ROOT_ENTRIES);
    this.usedLeaves = 0;
  }
}
