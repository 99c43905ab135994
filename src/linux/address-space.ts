// The guest process's virtual memory: which pages are mapped, the program break (brk), and the
// mmap/munmap/mremap/mprotect bookkeeping on top of FlatMemory's per-page permissions.
// mmap allocates top-down below MMAP_TOP (see layout.ts). Page contents are zeroed lazily: a page
// is cleared when it is mapped again after having been mapped before (fresh pages are zero).

import { FlatMemory, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE, Perm } from '../../runtime/flat-memory.js';
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

/** The file behind a mapping, as /proc/self/maps names it. */
export interface MappingFile {
  path: string;
  /** File offset of the mapping's first page. */
  offset: number;
  device: bigint;
  inode: bigint;
}

/** A file-backed range of pages [start, end). */
export interface NamedRange {
  start: number;
  end: number;
  file: MappingFile;
}

/** PROT_* bits for page permissions (the loader's and the kernel's own mappings). */
export function protOfPerm(perm: number): number {
  return (perm & Perm.Read ? Prot.Read : 0) | (perm & Perm.Write ? Prot.Write : 0) | (perm & Perm.Exec ? Prot.Exec : 0);
}

/** Calls `visit(first, end)` for each run of consecutive indices whose flag is 1. */
function forEachRun(flags: Uint8Array, visit: (first: number, end: number) => void): void {
  for (let first = flags.indexOf(1); first >= 0; ) {
    const stop = flags.indexOf(0, first);
    const end = stop < 0 ? flags.length : stop;
    visit(first, end);
    first = flags.indexOf(1, end);
  }
}

export class AddressSpace {
  readonly mem: FlatMemory;
  /** 1 for each page inside some mapping (even PROT_NONE). */
  private readonly mapped: Uint8Array;
  /** 1 for each page that has ever been mapped (may hold stale bytes). */
  private readonly used: Uint8Array;
  /** The PROT_* bits the guest asked for, per page (what /proc/self/maps shows; Perm is what the CPU enforces). */
  private readonly prots: Uint8Array;
  private readonly pageLimit: number;
  /** The initial program break (end of the loaded image). */
  brkStart = 0;
  /** The current program break. */
  brk = 0;
  /** Where the next top-down mmap search starts. */
  private mmapCursor = MMAP_TOP;
  /** File-backed ranges, sorted by start, not overlapping (everything else is anonymous). */
  private named: NamedRange[] = [];

  constructor(mem: FlatMemory) {
    this.mem = mem;
    this.pageLimit = mem.size >>> PAGE_SHIFT;
    this.mapped = new Uint8Array(this.pageLimit);
    this.used = new Uint8Array(this.pageLimit);
    this.prots = new Uint8Array(this.pageLimit);
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
    this.prots.fill(protOfPerm(perm), first, first + count);
    this.forgetFiles(address, address + length);
  }

  /** Records the PROT_* bits the guest asked for on [address, address + length) (mmap, mprotect, the loader). */
  setProt(address: number, length: number, prot: number): void {
    const first = address >>> PAGE_SHIFT;
    this.prots.fill(prot & (Prot.Read | Prot.Write | Prot.Exec), first, Math.min(first + (length >>> PAGE_SHIFT), this.pageLimit));
  }

  /** The PROT_* bits of a page. */
  protOf(page: number): number {
    return this.prots[page]!;
  }

  /** Records that [address, address + length) maps `file` (from file.offset on). */
  nameFile(address: number, length: number, file: MappingFile): void {
    this.forgetFiles(address, address + length);
    this.named.push({ start: address, end: address + length, file });
    this.named.sort((a, b) => a.start - b.start);
  }

  /** The file-backed ranges (sorted). */
  get namedRanges(): readonly NamedRange[] {
    return this.named;
  }

  /** Makes [start, end) anonymous, trimming or splitting the file ranges it overlaps. */
  private forgetFiles(start: number, end: number): void {
    if (this.named.length === 0) return;
    const kept: NamedRange[] = [];
    for (const range of this.named) {
      if (range.end <= start || range.start >= end) {
        kept.push(range);
        continue;
      }
      if (range.start < start) kept.push({ start: range.start, end: start, file: range.file });
      if (range.end > end) kept.push({ start: end, end: range.end, file: { ...range.file, offset: range.file.offset + (end - range.start) } });
    }
    this.named = kept;
  }

  /** Records pages the loader already filled and protected as mapped. */
  adopt(address: number, length: number): void {
    const first = address >>> PAGE_SHIFT;
    const end = first + (length >>> PAGE_SHIFT);
    this.mapped.fill(1, first, end);
    this.used.fill(1, first, end);
    for (let page = first; page < end; page++) this.prots[page] = protOfPerm(this.mem.perms[page]!);
  }

  /** Unmaps [address, address + length) (page-aligned); unmapped pages fault on access. */
  unmap(address: number, length: number): void {
    const first = address >>> PAGE_SHIFT;
    const end = Math.min(first + (length >>> PAGE_SHIFT), this.pageLimit);
    if (end <= first) return;
    this.mapped.fill(0, first, end);
    this.mem.protect(address, (end - first) << PAGE_SHIFT, Perm.None);
    this.forgetFiles(address, end * PAGE_SIZE);
  }

  /** Is the page mapped (even PROT_NONE)? */
  isPageMapped(page: number): boolean {
    return this.mapped[page] === 1;
  }

  /** Changes the permissions of mapped pages; false when part of the range is unmapped. */
  protect(address: number, length: number, perm: number): boolean {
    if (!this.isMapped(address, length)) return false;
    this.mem.protect(address, length, perm);
    this.setProt(address, length, protOfPerm(perm));
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

  /** Calls `visit(first, end)` for each run [first, end) of consecutive mapped pages. */
  forEachMappedRun(visit: (first: number, end: number) => void): void {
    forEachRun(this.mapped, visit);
  }

  /** The same for pages that have ever been mapped (they may hold data). */
  forEachUsedRun(visit: (first: number, end: number) => void): void {
    forEachRun(this.used, visit);
  }

  /** Forgets every mapping, as a new space (for reuse by another process, after its memory is cleared). */
  reset(): this {
    this.mapped.fill(0);
    this.used.fill(0);
    this.prots.fill(0);
    this.brkStart = 0;
    this.brk = 0;
    this.mmapCursor = MMAP_TOP;
    this.named = [];
    return this;
  }

  /** Takes over another space's mappings, break and mmap cursor (fork; the pages are copied by the caller). */
  copyBookkeepingFrom(other: AddressSpace): void {
    this.mapped.set(other.mapped);
    this.used.set(other.mapped);
    this.brkStart = other.brkStart;
    this.brk = other.brk;
    this.mmapCursor = other.mmapCursor;
    this.named = other.named.slice();
    this.prots.set(other.prots);
  }

  /** Moves the program break; returns the new break (the old one when the request fails). */
  setBrk(requested: number): number {
    if (requested < this.brkStart) return this.brk;
    const oldEnd = (this.brk + PAGE_MASK) & ~PAGE_MASK;
    const newEnd = (requested + PAGE_MASK) & ~PAGE_MASK;
    if (newEnd > oldEnd) {
      if (newEnd > MMAP_TOP || !this.isFree(oldEnd, newEnd - oldEnd)) return this.brk;
      this.map(oldEnd, newEnd - oldEnd, Perm.Read | Perm.Write | Perm.Exec);
      this.setProt(oldEnd, newEnd - oldEnd, Prot.Read | Prot.Write);
    } else if (newEnd < oldEnd) {
      this.unmap(newEnd, oldEnd - newEnd);
    }
    this.brk = requested;
    return this.brk;
  }
}
