// The guest-physical address map of a system-mode VM: memory slots (KVM's "user memory
// regions") and the sparse GPA -> host page table built from them. The table is a two-level radix
// tree over the 20-bit physical page number: a leaf covers 4 MiB, so RAM at 0 and a boot ROM at
// 0x1fc0_0000 cost a few small leaves, not a linear array over 4 GiB. A GPA no slot covers is
// MMIO: the VCPU exits to the host for it.

import { PAGE_MASK, PAGE_SHIFT, PAGE_SIZE } from './flat-memory.js';

/** KVM's memory-region flags (KVM_MEM_LOG_DIRTY_PAGES, KVM_MEM_READONLY). */
export enum MemFlag {
  LogDirtyPages = 1 << 0,
  Readonly = 1 << 1,
}
const KNOWN_FLAGS = MemFlag.LogDirtyPages | MemFlag.Readonly;

export const MAX_MEMORY_SLOTS = 32;
const LEAF_SHIFT = 10;
const LEAF_ENTRIES = 1 << LEAF_SHIFT;
const LEAF_COUNT = 1 << (32 - PAGE_SHIFT - LEAF_SHIFT);
const FOUR_GIB = 0x1_0000_0000;

export interface MemoryRegion {
  slot: number;
  flags: number;
  guestPhysAddr: number;
  memorySize: number;
  /** Host-memory offset of the region's bytes (KVM's userspace_addr); allocated when omitted. */
  userspaceAddr?: number;
}

/** A live slot: the region plus its backing and dirty bitmap. */
export interface Slot {
  readonly slot: number;
  flags: number;
  guestPhysAddr: number;
  readonly memorySize: number;
  readonly userspaceAddr: number;
  /** One bit per page, set when a guest store or host write dirtied it (LogDirtyPages only). */
  readonly dirty: Uint32Array;
}

interface Leaf {
  /** Host page number + 1 of each page, or 0 (page numbers, not byte offsets: those pass 2 GiB). */
  readonly hostPage: Int32Array;
  /** Slot number + 1 of each page, or 0. */
  readonly slot: Uint8Array;
}

/** Where a GPA page goes, or why it does not. */
export const NO_PAGE = -1;

/** Host memory the map allocated for a slot, and how many slots (the slot and its aliases) use it. */
interface Backing {
  readonly offset: number;
  readonly size: number;
  users: number;
}

export class GpaMap {
  /** The backing each live slot lies in (absent for a slot aliasing memory the map does not own). */
  private readonly backingOf = new Map<Slot, Backing>();
  private readonly backings: Backing[] = [];
  private readonly slots: (Slot | undefined)[] = new Array(MAX_MEMORY_SLOTS).fill(undefined);
  private readonly leaves: (Leaf | undefined)[] = new Array(LEAF_COUNT).fill(undefined);
  /** Called after pages [firstPage, firstPage + pages) changed mapping or flags (SYNC_MMU). */
  readonly changeListeners: ((firstPage: number, pages: number) => void)[] = [];

  constructor(
    /** Allocates host bytes for a new slot; returns the host offset. */
    private readonly allocate: (bytes: number) => number,
    /** Bytes of host memory that exist (for checking a caller's userspaceAddr). */
    private readonly hostSize: () => number,
    /** Takes back host bytes from `allocate` once no slot uses them. */
    private readonly release: (offset: number, bytes: number) => void = () => undefined,
  ) {}

  slot(slot: number): Slot | undefined {
    return this.slots[slot];
  }

  /** Creates, moves, re-flags (memorySize > 0) or deletes (memorySize 0) a slot. Throws RangeError and changes nothing on bad input. */
  setRegion(region: MemoryRegion): void {
    const { slot, flags, guestPhysAddr, memorySize } = region;
    if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_MEMORY_SLOTS) {
      throw new RangeError(`memory slot ${slot}: slots are integers 0..${MAX_MEMORY_SLOTS - 1}`);
    }
    if (!Number.isInteger(flags) || (flags & ~KNOWN_FLAGS) !== 0) {
      throw new RangeError(`memory slot ${slot}: unknown flags 0x${(flags >>> 0).toString(16)} (known: LogDirtyPages 1, Readonly 2)`);
    }
    const existing = this.slots[slot];
    if (memorySize === 0) {
      if (existing === undefined) throw new RangeError(`memory slot ${slot}: cannot delete a slot that does not exist`);
      this.slots[slot] = undefined;
      this.unmapPages(existing);
      const backing = this.backingOf.get(existing);
      this.backingOf.delete(existing);
      if (backing !== undefined && --backing.users === 0) {
        this.backings.splice(this.backings.indexOf(backing), 1);
        this.release(backing.offset, backing.size);
      }
      return;
    }
    if (!Number.isInteger(guestPhysAddr) || !Number.isInteger(memorySize) || guestPhysAddr % PAGE_SIZE !== 0 || memorySize % PAGE_SIZE !== 0 || memorySize < 0) {
      throw new RangeError(`memory slot ${slot}: guestPhysAddr 0x${guestPhysAddr.toString(16)} and memorySize 0x${memorySize.toString(16)} must be multiples of 4 KiB`);
    }
    if (guestPhysAddr < 0 || guestPhysAddr + memorySize > FOUR_GIB) {
      throw new RangeError(`memory slot ${slot}: [0x${guestPhysAddr.toString(16)}, +0x${memorySize.toString(16)}) leaves the 32-bit physical address space`);
    }
    for (const other of this.slots) {
      if (other === undefined || other.slot === slot) continue;
      if (guestPhysAddr < other.guestPhysAddr + other.memorySize && other.guestPhysAddr < guestPhysAddr + memorySize) {
        throw new RangeError(
          `memory slot ${slot}: [0x${guestPhysAddr.toString(16)}, +0x${memorySize.toString(16)}) overlaps slot ${other.slot} at [0x${other.guestPhysAddr.toString(16)}, +0x${other.memorySize.toString(16)})`,
        );
      }
    }
    if (existing !== undefined) {
      if (existing.memorySize !== memorySize) {
        throw new RangeError(`memory slot ${slot}: an existing slot keeps its size (0x${existing.memorySize.toString(16)}); delete it first to resize`);
      }
      if (region.userspaceAddr !== undefined && region.userspaceAddr !== existing.userspaceAddr) {
        throw new RangeError(`memory slot ${slot}: an existing slot keeps its backing; delete it first to remap`);
      }
      // Move and/or re-flag, keeping the backing.
      this.unmapPages(existing);
      existing.flags = flags;
      existing.guestPhysAddr = guestPhysAddr;
      this.mapPages(existing);
      return;
    }
    let userspaceAddr = region.userspaceAddr;
    let backing: Backing | undefined;
    if (userspaceAddr !== undefined) {
      if (!Number.isInteger(userspaceAddr) || userspaceAddr % PAGE_SIZE !== 0 || userspaceAddr < 0 || userspaceAddr + memorySize > this.hostSize()) {
        throw new RangeError(`memory slot ${slot}: userspaceAddr 0x${userspaceAddr.toString(16)} is not page-aligned host memory of 0x${memorySize.toString(16)} bytes`);
      }
      // An alias keeps the memory it lies in alive until it is deleted too.
      const start = userspaceAddr;
      backing = this.backings.find((each) => start >= each.offset && start + memorySize <= each.offset + each.size);
      if (backing !== undefined) backing.users++;
    } else {
      userspaceAddr = this.allocate(memorySize);
      backing = { offset: userspaceAddr, size: memorySize, users: 1 };
      this.backings.push(backing);
    }
    const created: Slot = { slot, flags, guestPhysAddr, memorySize, userspaceAddr, dirty: new Uint32Array(Math.ceil(memorySize / PAGE_SIZE / 32)) };
    if (backing !== undefined) this.backingOf.set(created, backing);
    this.slots[slot] = created;
    this.mapPages(created);
  }

  private mapPages(slot: Slot): void {
    const first = slot.guestPhysAddr / PAGE_SIZE;
    const pages = slot.memorySize / PAGE_SIZE;
    for (let index = 0; index < pages; index++) {
      const page = first + index;
      let leaf = this.leaves[page >>> LEAF_SHIFT];
      if (leaf === undefined) {
        leaf = { hostPage: new Int32Array(LEAF_ENTRIES), slot: new Uint8Array(LEAF_ENTRIES) };
        this.leaves[page >>> LEAF_SHIFT] = leaf;
      }
      leaf.hostPage[page & (LEAF_ENTRIES - 1)] = slot.userspaceAddr / PAGE_SIZE + index + 1;
      leaf.slot[page & (LEAF_ENTRIES - 1)] = slot.slot + 1;
    }
    this.changed(first, pages);
  }

  private unmapPages(slot: Slot): void {
    const first = slot.guestPhysAddr / PAGE_SIZE;
    const pages = slot.memorySize / PAGE_SIZE;
    for (let page = first; page < first + pages; page++) {
      const leaf = this.leaves[page >>> LEAF_SHIFT]!;
      leaf.hostPage[page & (LEAF_ENTRIES - 1)] = 0;
      leaf.slot[page & (LEAF_ENTRIES - 1)] = 0;
    }
    this.changed(first, pages);
  }

  private changed(firstPage: number, pages: number): void {
    for (const listener of this.changeListeners) listener(firstPage, pages);
  }

  /** Host byte offset (0..4 GiB, unsigned) of physical address `gpa`, or NO_PAGE when no slot covers it (MMIO). */
  hostOffset(gpa: number): number {
    const leaf = this.leaves[gpa >>> (PAGE_SHIFT + LEAF_SHIFT)];
    if (leaf === undefined) return NO_PAGE;
    const hostPage = leaf.hostPage[(gpa >>> PAGE_SHIFT) & (LEAF_ENTRIES - 1)]!;
    return hostPage === 0 ? NO_PAGE : (hostPage - 1) * PAGE_SIZE + (gpa & PAGE_MASK);
  }

  /** The slot covering physical address `gpa`, if any. */
  slotAt(gpa: number): Slot | undefined {
    const leaf = this.leaves[gpa >>> (PAGE_SHIFT + LEAF_SHIFT)];
    if (leaf === undefined) return undefined;
    const number = leaf.slot[(gpa >>> PAGE_SHIFT) & (LEAF_ENTRIES - 1)]!;
    return number === 0 ? undefined : this.slots[number - 1];
  }

  /** Host byte offset of physical address `gpa` inside `slot` (which covers it). */
  hostOffsetIn(slot: Slot, gpa: number): number {
    return slot.userspaceAddr + (gpa - slot.guestPhysAddr);
  }

  /** Records a write to physical page `gpa` of `slot` in its dirty bitmap (when logging). */
  markDirty(slot: Slot, gpa: number): void {
    const page = (gpa - slot.guestPhysAddr) >>> PAGE_SHIFT;
    slot.dirty[page >>> 5] = slot.dirty[page >>> 5]! | (1 << (page & 31));
  }

  /** Is the page of `gpa` in `slot` dirty in its log? */
  isDirty(slot: Slot, gpa: number): boolean {
    const page = (gpa - slot.guestPhysAddr) >>> PAGE_SHIFT;
    return (slot.dirty[page >>> 5]! & (1 << (page & 31))) !== 0;
  }
}
