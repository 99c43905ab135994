// What the VCPUs of one VM share: the host memory, the GPA map, the pages holding decoded code,
// the LL/SC links, and the list of soft TLBs to flush when any of these change (SYNC_MMU: a
// change of the GPA map is seen by every VCPU at its next instruction).

import { HostMemory } from './host-memory.js';
import { GpaMap, MemFlag, type MemoryRegion } from './gpa.js';
import { PAGE_SHIFT, PAGE_SIZE } from './flat-memory.js';
import type { SoftTlb } from './soft-tlb.js';
import type { GvaTables } from './gva.js';
import type { Slot } from './gpa.js';
import { MmioBus } from './mmio-bus.js';

/** Per host page, why stores to it must take the slow path (one byte each; the refill handler reads them). */
export const enum HostPageFlag {
  /** Decoded or compiled code exists for the page. */
  Code = 1 << 0,
  /** A VCPU's LL link is in the page (while more than one VCPU exists). */
  Linked = 1 << 1,
  /** The page belongs to a slot logging dirty pages and is clean since the last getDirtyLog. */
  LogClean = 1 << 2,
}
/** One flag byte for every host page of a 4 GiB memory. */
const HOST_PAGE_FLAGS_BYTES = 1 << 20;
/**
 * Past this many pages dirtied since the last log, taking the log drops every soft-TLB write
 * entry instead of those of each page (a scan of the write entries per page).
 */
const FLUSH_ALL_WRITES_AFTER = 8;

/** A VCPU as the shared memory sees it: its soft TLB, GVA tables and LL link. */
export interface MemoryUser {
  readonly softTlb: SoftTlb;
  readonly gva: GvaTables;
  /** Host offset of the word linked by LL, or -1. */
  linkedWord: number;
  /** Called when another agent's store broke the link. */
  breakLink(): void;
  /** Called after the VM flushed the user's soft TLB and GVA tables (the memory map changed). */
  translationsFlushed(): void;
}

export class PhysicalMemory {
  readonly host: HostMemory;
  readonly gpa: GpaMap;
  /** Devices inside the VM, called for guest accesses to GPAs no slot covers. */
  readonly mmioBus = new MmioBus();
  readonly users: MemoryUser[] = [];
  /**
   * Decoded instructions per host page (interpreter data, laid out as src/interp/dispatch.ts
   * DECODED_PAGE_LENGTH says; its presence marks the page as code).
   */
  readonly code = new Map<number, Int32Array>();
  /** Called when a host page's code is dropped (so a holder of compiled code drops it too). */
  readonly codeDropListeners: ((hostPage: number) => void)[] = [];
  /** Host pages with a live LL link while more than one VCPU runs: stores to them take the slow path. */
  private readonly linkedPages = new Map<number, number>();
  /** Byte offset of the host-page flag bytes (HostPageFlag) in host memory. */
  readonly hostPageFlagsOffset: number;
  hostPageFlags!: Uint8Array;

  /** `initialBytes`: host memory to set aside now (HostMemory). */
  constructor(initialBytes?: number) {
    this.host = new HostMemory(initialBytes);
    this.hostPageFlagsOffset = this.host.allocate(HOST_PAGE_FLAGS_BYTES);
    this.bindFlags();
    this.host.growListeners.push(() => this.bindFlags());
    this.gpa = new GpaMap(
      (bytes) => this.host.allocate(bytes),
      () => this.host.buffer.byteLength,
      (offset, bytes) => this.releaseHost(offset, bytes),
    );
    // SYNC_MMU: no VCPU keeps a translation through the old map.
    this.gpa.changeListeners.push(() => {
      for (const user of this.users) {
        user.softTlb.flushAll();
        user.gva.flushAll();
        user.translationsFlushed();
      }
    });
  }

  /** Host memory of a deleted slot: forget its code, flags and links, then free it for reuse. */
  private releaseHost(offset: number, bytes: number): void {
    const firstPage = offset >>> PAGE_SHIFT;
    const endPage = firstPage + Math.ceil(bytes / 0x1000);
    for (const page of [...this.code.keys()]) if (page >= firstPage && page < endPage) this.dropCode(page);
    this.hostPageFlags.fill(0, firstPage, endPage);
    for (const page of [...this.linkedPages.keys()]) if (page >= firstPage && page < endPage) this.linkedPages.delete(page);
    for (const user of this.users) {
      if (user.linkedWord >= offset && user.linkedWord < offset + bytes) {
        user.linkedWord = -1;
        user.breakLink();
      }
    }
    this.host.free(offset, bytes);
  }

  private bindFlags(): void {
    this.hostPageFlags = new Uint8Array(this.host.buffer, this.hostPageFlagsOffset, HOST_PAGE_FLAGS_BYTES);
  }

  private setFlag(hostPage: number, flag: HostPageFlag, on: boolean): void {
    this.hostPageFlags[hostPage] = on ? this.hostPageFlags[hostPage]! | flag : this.hostPageFlags[hostPage]! & ~flag;
  }

  setRegion(region: MemoryRegion): void {
    const before = this.gpa.slot(region.slot);
    const old = before && { userspaceAddr: before.userspaceAddr, memorySize: before.memorySize };
    this.gpa.setRegion(region);
    if (old !== undefined) for (let offset = 0; offset < old.memorySize; offset += 0x1000) this.setFlag((old.userspaceAddr + offset) >>> PAGE_SHIFT, HostPageFlag.LogClean, false);
    const after = this.gpa.slot(region.slot);
    if (after !== undefined && (after.flags & MemFlag.LogDirtyPages) !== 0) this.markClean(after);
  }

  /** Marks the slot's clean pages LogClean (logging starts). */
  private markClean(slot: Slot): void {
    for (let offset = 0; offset < slot.memorySize; offset += 0x1000) {
      if (!this.gpa.isDirty(slot, slot.guestPhysAddr + offset)) this.setFlag((slot.userspaceAddr + offset) >>> PAGE_SHIFT, HostPageFlag.LogClean, true);
    }
  }

  /**
   * KVM_GET_DIRTY_LOG: the slot's bitmap (1 bit per page, LSB first), then every page clean and
   * write-protected again. Only the pages that were dirty change (the others are still clean and
   * protected), so the cost follows their number, not the slot's size: their LogClean flags, and
   * the soft-TLB write entries that lead to them (all write entries when there are many).
   */
  takeDirtyLog(slot: Slot): Uint8Array {
    const words = slot.dirty;
    const bitmap = new Uint8Array(Math.ceil(slot.memorySize / PAGE_SIZE / 8));
    bitmap.set(new Uint8Array(words.buffer, words.byteOffset, words.byteLength).subarray(0, bitmap.length));
    const firstHostPage = slot.userspaceAddr >>> PAGE_SHIFT;
    const dirtied: number[] = [];
    for (let index = 0; index < words.length; index++) {
      let bits = words[index]!;
      if (bits === 0) continue;
      words[index] = 0;
      for (; bits !== 0; bits &= bits - 1) {
        const hostPage = firstHostPage + index * 32 + (31 - Math.clz32(bits & -bits));
        this.setFlag(hostPage, HostPageFlag.LogClean, true);
        dirtied.push(hostPage);
      }
    }
    for (const user of this.users) {
      if (dirtied.length > FLUSH_ALL_WRITES_AFTER) user.softTlb.flushWrites();
      else for (const hostPage of dirtied) user.softTlb.flushHostPageWrites(hostPage);
    }
    return bitmap;
  }

  /** A store (by a VCPU's slow path or the host) to physical `gpa` in `slot`, host page `hostPage`: logs it when the slot logs. */
  recordWrite(slot: Slot, gpa: number, hostPage: number): void {
    if ((slot.flags & MemFlag.LogDirtyPages) === 0) return;
    this.gpa.markDirty(slot, gpa);
    this.setFlag(hostPage, HostPageFlag.LogClean, false);
  }

  // ---- Code pages ----

  isCode(hostPage: number): boolean {
    return this.code.has(hostPage);
  }

  /** Records decoded instructions for a host page; stores to it now take the slow path. */
  addCode(hostPage: number, decoded: Int32Array): void {
    this.code.set(hostPage, decoded);
    this.setFlag(hostPage, HostPageFlag.Code, true);
    for (const user of this.users) user.softTlb.flushHostPageWrites(hostPage);
  }

  dropCode(hostPage: number): void {
    if (!this.code.delete(hostPage)) return;
    this.setFlag(hostPage, HostPageFlag.Code, false);
    for (const listener of this.codeDropListeners) listener(hostPage);
  }

  // ---- LL/SC ----

  /** LL by `user` at host offset `hostWord`. */
  link(user: MemoryUser, hostWord: number): void {
    this.unlink(user);
    user.linkedWord = hostWord;
    if (this.users.length < 2) return;
    const page = hostWord >>> PAGE_SHIFT;
    const count = this.linkedPages.get(page) ?? 0;
    this.linkedPages.set(page, count + 1);
    // From now on every store to the page (the linking VCPU's own included) takes the slow path.
    if (count === 0) {
      this.setFlag(page, HostPageFlag.Linked, true);
      for (const each of this.users) each.softTlb.flushHostPageWrites(page);
    }
  }

  /** The link of `user` ends (SC, ERET, or another agent's store). */
  unlink(user: MemoryUser): void {
    if (user.linkedWord < 0) return;
    const page = user.linkedWord >>> PAGE_SHIFT;
    const count = this.linkedPages.get(page);
    if (count !== undefined) {
      if (count <= 1) {
        this.linkedPages.delete(page);
        this.setFlag(page, HostPageFlag.Linked, false);
      } else {
        this.linkedPages.set(page, count - 1);
      }
    }
    user.linkedWord = -1;
  }

  /** Is a store to this host page watched for LL links? */
  isLinked(hostPage: number): boolean {
    return this.linkedPages.has(hostPage);
  }

  /** A store by `writer` (undefined: the host) to host offset `hostAddress` breaks others' links to that word. */
  storeTo(writer: MemoryUser | undefined, hostAddress: number, bytes: number): void {
    const first = hostAddress & ~3;
    for (const user of this.users) {
      if (user === writer || user.linkedWord < 0) continue;
      if (user.linkedWord >= first && user.linkedWord < hostAddress + bytes) {
        this.unlink(user);
        user.breakLink();
      }
    }
  }

  // ---- Host access ----

  /** Host bytes of physical [gpa, gpa + length), or a RangeError naming the first unbacked page. */
  private eachPage(gpa: number, length: number, visit: (host: number, offset: number, bytes: number) => void): void {
    if (!Number.isInteger(gpa) || !Number.isInteger(length) || gpa < 0 || length < 0 || gpa + length > 0x1_0000_0000) {
      throw new RangeError(`physical range 0x${gpa.toString(16)} + ${length} is outside the 32-bit physical space`);
    }
    let offset = 0;
    while (offset < length) {
      const address = gpa + offset;
      const host = this.gpa.hostOffset(address);
      if (host < 0) throw new RangeError(`physical address 0x${address.toString(16)} is not backed by any memory slot`);
      const bytes = Math.min(length - offset, 0x1000 - (address & 0xfff));
      visit(host, offset, bytes);
      offset += bytes;
    }
  }

  readPhys(gpa: number, length: number): Uint8Array {
    const result = new Uint8Array(length);
    this.eachPage(gpa, length, (host, offset, bytes) => result.set(this.host.u8.subarray(host, host + bytes), offset));
    return result;
  }

  /** Writes guest-physical memory as a device would: drops decoded code, logs dirty pages, breaks LL links. */
  writePhys(gpa: number, data: Uint8Array): void {
    // Check the whole range first so a bad range changes nothing.
    this.eachPage(gpa, data.length, () => undefined);
    this.eachPage(gpa, data.length, (host, offset, bytes) => {
      const page = host >>> PAGE_SHIFT;
      this.dropCode(page);
      const physical = gpa + offset;
      this.recordWrite(this.gpa.slotAt(physical)!, physical, page);
      this.storeTo(undefined, host, bytes);
      this.host.u8.set(data.subarray(offset, offset + bytes), host);
    });
  }
}
