// The guest process's virtual memory: which pages are mapped, the program break (brk), and the
// mmap/munmap/mremap/mprotect bookkeeping on top of FlatMemory's per-page permissions.
// mmap allocates top-down below MMAP_TOP (see layout.ts). Page contents are zeroed lazily: a page
// is cleared when it is mapped again after having been mapped before (fresh pages are zero).

import { FlatMemory, PAGE_MASK, PAGE_SHIFT, Perm } from '../../runtime/flat-memory.js';
import { MMAP_MIN_ADDRESS, MMAP_TOP } from './layout.js';

/** PROT_* bits of mmap/mprotect. */
export const enum Prot {
  Read = 1,
  Write = 2,
  Exec = 4,
}

/** Guest page permissions for PROT_* bits. A 24K has no RI/XI: readable pages are executable. */
export function permsForProt(prot: number): number {
  let perm = 0;
  if (prot & (Prot.Read | Prot.Exec)) perm |= Perm.Read | Perm.Exec;
  if (prot & Prot.Write) perm |= Perm.Read | Perm.Write | Perm.Exec;
  return perm;
}

export class AddressSpace {
  readonly mem: FlatMemory;
  /** 1 for each page inside some mapping (even PROT_NONE). */
  private readonly mapped: Uint8Array;
  /** 1 for each page that has ever been mapped (may hold stale bytes). */
  private readonly used: Uint8Array;
  private readonly pageLimit: number;
  /** The initial program break (end of the loaded image). */
  brkStart = 0;
  /** The current program break. */
  brk = 0;
  /** Where the next top-down mmap search starts. */
  private mmapCursor = MMAP_TOP;

  constructor(mem: FlatMemory) {
    this.mem = mem;
    this.pageLimit = mem.size >>> PAGE_SHIFT;
    this.mapped = new Uint8Array(this.pageLimit);
    this.used = new Uint8Array(this.pageLimit);
  }

  /** Is every page of [address, address + length) mapped? */
  isMapped(address: number, length: number): boolean {
    const first = address >>> PAGE_SHIFT;
    const last = (address + length - 1) >>> PAGE_SHIFT;
    if (last >= this.pageLimit) return false;
    for (let page = first; page <= last; page++) if (this.mapped[page] === 0) return false;
    return true;
  }

  /** Is every page of [address, address + length) free? */
  isFree(address: number, length: number): boolean {
    const first = address >>> PAGE_SHIFT;
    const last = (address + length - 1) >>> PAGE_SHIFT;
    if (last >= this.pageLimit) return false;
    for (let page = first; page <= last; page++) if (this.mapped[page] !== 0) return false;
    return true;
  }

  /** Maps [address, address + length) (page-aligned) with `perm`, zero-filled. */
  map(address: number, length: number, perm: number): void {
    const first = address >>> PAGE_SHIFT;
    const count = length >>> PAGE_SHIFT;
    let runStart = -1;
    for (let page = first; page <= first + count; page++) {
      const stale = page < first + count && this.used[page] !== 0;
      if (stale && runStart < 0) runStart = page;
      if (!stale && runStart >= 0) {
        this.mem.zero(runStart << PAGE_SHIFT, (page - runStart) << PAGE_SHIFT);
        runStart = -1;
      }
    }
    this.mapped.fill(1, first, first + count);
    this.used.fill(1, first, first + count);
    this.mem.protect(address, length, perm);
  }

  /** Records pages the loader already filled and protected as mapped. */
  adopt(address: number, length: number): void {
    const first = address >>> PAGE_SHIFT;
    const end = first + (length >>> PAGE_SHIFT);
    this.mapped.fill(1, first, end);
    this.used.fill(1, first, end);
  }

  /** Unmaps [address, address + length) (page-aligned); unmapped pages fault on access. */
  unmap(address: number, length: number): void {
    const first = address >>> PAGE_SHIFT;
    const end = Math.min(first + (length >>> PAGE_SHIFT), this.pageLimit);
    if (end <= first) return;
    this.mapped.fill(0, first, end);
    this.mem.protect(address, (end - first) << PAGE_SHIFT, Perm.None);
  }

  /** Changes the permissions of mapped pages; false when part of the range is unmapped. */
  protect(address: number, length: number, perm: number): boolean {
    if (!this.isMapped(address, length)) return false;
    this.mem.protect(address, length, perm);
    return true;
  }

  /** Finds a free page-aligned range of `length` bytes, top-down below MMAP_TOP; -1 when full. */
  findFree(length: number): number {
    const pages = length >>> PAGE_SHIFT;
    const search = (top: number): number => {
      let end = top >>> PAGE_SHIFT;
      const floor = Math.max(MMAP_MIN_ADDRESS >>> PAGE_SHIFT, (this.brk + PAGE_MASK) >>> PAGE_SHIFT);
      let run = 0;
      for (let page = end - 1; page >= floor; page--) {
        if (this.mapped[page] !== 0) {
          run = 0;
          end = page;
          continue;
        }
        run++;
        if (run === pages) return page << PAGE_SHIFT;
      }
      return -1;
    };
    let found = search(this.mmapCursor);
    if (found < 0 && this.mmapCursor !== MMAP_TOP) found = search(MMAP_TOP);
    if (found >= 0) this.mmapCursor = found;
    return found;
  }

  /** Calls `visit` with the index of every mapped page, in ascending order. */
  forEachMappedPage(visit: (page: number) => void): void {
    const mapped = this.mapped;
    for (let page = mapped.indexOf(1); page >= 0; page = mapped.indexOf(1, page + 1)) visit(page);
  }

  /** Takes over another space's mappings, break and mmap cursor (fork; the pages are copied by the caller). */
  copyBookkeepingFrom(other: AddressSpace): void {
    this.mapped.set(other.mapped);
    this.used.set(other.mapped);
    this.brkStart = other.brkStart;
    this.brk = other.brk;
    this.mmapCursor = other.mmapCursor;
  }

  /** Moves the program break; returns the new break (the old one when the request fails). */
  setBrk(requested: number): number {
    if (requested < this.brkStart) return this.brk;
    const oldEnd = (this.brk + PAGE_MASK) & ~PAGE_MASK;
    const newEnd = (requested + PAGE_MASK) & ~PAGE_MASK;
    if (newEnd > oldEnd) {
      if (newEnd > MMAP_TOP || !this.isFree(oldEnd, newEnd - oldEnd)) return this.brk;
      this.map(oldEnd, newEnd - oldEnd, Perm.Read | Perm.Write | Perm.Exec);
    } else if (newEnd < oldEnd) {
      this.unmap(newEnd, oldEnd - newEnd);
    }
    this.brk = requested;
    return this.brk;
  }
}
