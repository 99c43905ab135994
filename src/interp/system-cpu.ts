// The system-mode CPU: a privileged MIPS32r2 core (24Kf-like) on translated memory. Virtual
// addresses go through the segment map (kuseg/kseg0/kseg1/ksseg/kseg3), the guest TLB and the
// VM's GPA map, cached in the soft TLB (runtime/soft-tlb.ts); CP0, exceptions, interrupts and the
// timer follow runtime/cp0.ts and runtime/exceptions.ts. `run` executes until an exit: MMIO,
// WAIT, the instruction budget, an exit request, SDBBP, or an error the guest cannot handle.

import { ROWS } from '../isa/decode.js';
import { Flag } from '../isa/table.js';
import { enterException, ExcCode, Status } from '../../runtime/exceptions.js';
import { Cp0, Cp0Reg, StatusBit, type Cp0Owner } from '../../runtime/cp0.js';
import { GuestTlb, ENTRY_LO_D, ENTRY_LO_V } from '../../runtime/tlb.js';
import { Access, EMPTY, ENTRIES_PER_MODE, entryIndex, SOFT_TLB_ENTRIES, SoftTlb, TAG_FLAGS, TagFlag } from '../../runtime/soft-tlb.js';
import { GvaFlag, GvaTables } from '../../runtime/gva.js';
import { MemFlag } from '../../runtime/gpa.js';
import { HostPageFlag } from '../../runtime/physical-memory.js';
import type { MemoryUser, PhysicalMemory } from '../../runtime/physical-memory.js';
import type { Exit } from '../../runtime/exits.js';
import { StateWord, VcpuBlock } from '../../runtime/state.js';
import { PAGE_SHIFT } from '../../runtime/flat-memory.js';
import { CpuBase } from './cpu-base.js';
import { DECODED_PAGE_LENGTH, decodeInto, DISPATCH_CODE, FIRST_ARRAY_CODE, HANDLER_BY_CODE, NOT_DECODED } from './dispatch.js';
import * as switched from './switched-handlers.js';
import { reportsBlockStart, SWITCHED_AFTER, type BlockEndWatch } from './cpu.js';

const WORDS_PER_PAGE = 1 << (PAGE_SHIFT - 2);

/** What an instruction needs to be usable: CP0 access (kernel mode or CU0), or the FPU (CU1). */
const enum Needs {
  Cp0 = 1,
  Fpu = 2,
}
/** What each dispatch code (src/interp/dispatch.ts) needs. */
const NEEDS: Uint8Array = (() => {
  const needs = new Uint8Array(HANDLER_BY_CODE.length);
  for (const row of ROWS) {
    const flags = ROWS[row.executes]!.flags;
    // A word of a switched row may run through the array too (dispatchCodeOf).
    needs[DISPATCH_CODE[row.id]!] = needs[FIRST_ARRAY_CODE + row.id] = (flags & Flag.Privileged ? Needs.Cp0 : 0) | (flags & Flag.Fpu ? Needs.Fpu : 0);
  }
  return needs;
})();

/** The pseudo fault code of a load from a GPA no slot covers: raise() turns it into a stop for the MMIO exit. */
const MMIO_READ = 0x100;

const INTR_EXIT: Exit = { reason: 'intr' };
const WAIT_EXIT: Exit = { reason: 'wait' };

export interface SystemCpuOptions {
  id: number;
  tlbEntries: number;
  countHz?: number;
}

export class SystemCpu extends CpuBase implements Cp0Owner, MemoryUser {
  declare cp0: Cp0;
  readonly id: number;
  readonly tlb: GuestTlb;
  readonly softTlb: SoftTlb;
  readonly gva: GvaTables;
  readonly physical: PhysicalMemory;
  /** The generated Wasm refill handler (codegen/tlb-refill.ts), when the VM built one; else the same walk in TypeScript. */
  refill: ((address: number, vcpuBlock: number, mode: number, access: number) => number) | undefined;
  /** Host offset of this VCPU's block: state (registers, CP0), soft TLB, GVA tables (runtime/state.ts VcpuBlock). */
  readonly stateOffset: number;
  linkedWord = -1;

  // Host memory views (rebuilt when the memory grows).
  private u8!: Uint8Array;
  private i8!: Int8Array;
  private i16!: Int16Array;
  private i32!: Int32Array;
  // The soft TLB's arrays, held directly (one property load less per access).
  private tags!: Int32Array;
  private addends!: Int32Array;
  // Soft-TLB tables of the current mode: entry bases for reads, writes and fetches.
  private readBase = 0;
  private writeBase = SOFT_TLB_ENTRIES;
  private fetchBase = 2 * SOFT_TLB_ENTRIES;
  private mode = 0;
  private asid = 0;
  private erl = true;
  /** Needs bits the current mode does not meet (CP0 outside kernel mode without CU0; FPU without CU1). */
  private unusable = 0;

  /** The recorded fault (faultCode) is a TLB miss: the refill vector. */
  private faultRefill = false;
  /** The last successful translate() allows stores (EntryLo.D, or an unmapped segment). */
  private translatedWritable = true;

  /** The exception being raised happened fetching the instruction (no BadInstr). */
  private duringFetch = false;
  /** The coprocessor of the next CpU exception (Cause.CE). */
  private unusableCoprocessor = 0;
  /** The vector the last exception went to, and the instruction count then (to catch a vector that cannot be fetched). */
  private lastVector = -1;
  private instructionsAtVector = -1;

  /** Set when an interrupt may have become deliverable or an exit was requested. */
  private attention = true;
  private exitRequested = false;
  /** The exit the current run ends with, once known. */
  private pendingExit: Exit | undefined;
  /** The data of a completed MMIO read, consumed when the load runs again. */
  private mmioData: number | undefined;
  private mmioRead: { phys: number; size: number } | undefined;
  /** The last exit was WAIT: the next run lets guest time pass to the timer event. */
  private waiting = false;
  /** Exceptions (interrupts included) taken so far: a board's watchdog tells an exception loop from progress. */
  exceptionsTaken = 0;

  // The host page the run loop fetches from and its decoded words.
  private fetchHostPage = -1;
  private fetchDecoded: Int32Array = new Int32Array(DECODED_PAGE_LENGTH);
  // The virtual page the run loop fetches from (-1: none; a whole page, 0x...000) and host offset
  // minus virtual address on it: straight-line code and loops within a page skip the soft-TLB
  // lookup. Whatever could change that translation or the page's decoded words (a TLB write, a
  // mode or ASID change, an exception, a store to the code, a new memory map) sets `attention`,
  // and the loop then drops it.
  private fetchPage = -1;
  private fetchDelta = 0;
  /** Instructions run through the handler array before the loop alone switches (Cpu.run; tests set 0). */
  switchedAfter = SWITCHED_AFTER;

  constructor(physical: PhysicalMemory, options: SystemCpuOptions) {
    const host = physical.host;
    const stateOffset = host.allocate(VcpuBlock.size);
    super(host.buffer, stateOffset, undefined);
    this.stateOffset = stateOffset;
    this.physical = physical;
    this.id = options.id;
    this.tlb = new GuestTlb(options.tlbEntries);
    this.softTlb = new SoftTlb(host.buffer, stateOffset);
    this.gva = new GvaTables(host.buffer, stateOffset);
    this.cp0 = new Cp0(host.buffer, stateOffset, this, { vcpuId: options.id, tlb: this.tlb, countHz: options.countHz });
    this.bindMemory();
    host.growListeners.push(() => this.bindMemory());
    physical.users.push(this);
    physical.codeDropListeners.push((page) => {
      if (page === this.fetchHostPage) {
        this.fetchHostPage = -1;
        this.attention = true; // the run loop holds the page's decoded words
      }
    });
    // Reset: execution starts at the boot vector.
    this.setPc(0xbfc0_0000 | 0);
    this.translationChanged();
  }

  private bindMemory(): void {
    const host = this.physical.host;
    this.u8 = host.u8;
    this.i8 = host.i8;
    this.i16 = host.i16;
    this.i32 = host.i32;
    this.bindState(host.buffer, this.stateOffset);
    this.softTlb.rebind(host.buffer, this.stateOffset);
    this.tags = this.softTlb.tags;
    this.addends = this.softTlb.addends;
    this.gva.rebind(host.buffer);
    this.cp0.rebind(host.buffer, this.stateOffset);
  }

  // ---- Cp0Owner ----

  translationChanged(): void {
    const cp0 = this.cp0;
    const status = cp0.status;
    const mode = cp0.mode;
    const asid = cp0.asid;
    const erl = (status & StatusBit.ERL) !== 0;
    if (asid !== this.asid || erl !== this.erl) {
      this.softTlb.flushMapped();
      this.gva.flushMapped();
    }
    this.mode = mode;
    this.asid = asid;
    this.erl = erl;
    this.readBase = mode * ENTRIES_PER_MODE + Access.Read * SOFT_TLB_ENTRIES;
    this.writeBase = mode * ENTRIES_PER_MODE + Access.Write * SOFT_TLB_ENTRIES;
    this.fetchBase = mode * ENTRIES_PER_MODE + Access.Fetch * SOFT_TLB_ENTRIES;
    this.unusable = (mode !== 0 && (status & StatusBit.CU0) === 0 ? Needs.Cp0 : 0) | ((status & StatusBit.CU1) === 0 ? Needs.Fpu : 0);
    this.fpr64 = (status & StatusBit.FR) !== 0;
    this.attention = true;
  }

  interruptsChanged(): void {
    this.attention = true;
  }

  mappingReplaced(start: number, bytes: number): void {
    this.softTlb.flushVirtual(start, bytes);
    this.gva.flushRange(start, bytes);
    this.attention = true; // the run loop holds the translation of the page it fetches from
  }

  translationsFlushed(): void {
    this.attention = true;
  }

  // ---- MemoryUser ----

  breakLink(): void {
    this.llBit = false;
  }

  override link(address: number): void {
    super.link(address);
    const physical = this.translate(address, Access.Read);
    const host = physical < 0 ? -1 : this.physical.gpa.hostOffset(physical);
    this.faultCode = 0;
    this.faultRefill = false;
    if (physical >= 0) this.cp0.regs[Cp0Reg.LLAddr] = physical >>> 4;
    if (host >= 0) this.physical.link(this, host);
  }

  // ---- Host controls ----

  /** The current or next run returns { reason: 'intr' }. */
  requestExit(): void {
    this.exitRequested = true;
    this.attention = true;
  }

  /** Drives hardware interrupt line `ip` (2..7). */
  setInterruptLine(ip: number, asserted: boolean): void {
    this.cp0.setLine(ip, asserted);
  }

  /** Supplies the data of the MMIO read the last run exited for. */
  completeMmio(value: number): void {
    if (this.mmioRead === undefined) throw new Error('completeMmio: the last exit was not an MMIO read');
    this.mmioData = value;
  }

  // ---- Exceptions ----

  raise(code: ExcCode, badVAddr: number, refill = false): Status {
    if ((code as number) === MMIO_READ) return Status.Stop;
    this.exceptionsTaken++;
    // The exception wins over an exit an earlier part of the instruction asked for.
    this.pendingExit = undefined;
    const vector = enterException(
      this.cp0,
      {
        pc: this.pc,
        inDelaySlot: this.inDelaySlot,
        word: this.duringFetch ? 0 : this.instructionWord(this.pc),
        branchWord: this.inDelaySlot ? this.instructionWord((this.pc - 4) | 0) : 0,
        duringFetch: this.duringFetch,
      },
      code,
      { badVAddr, refill, coprocessor: code === ExcCode.CpU ? this.unusableCoprocessor : 0 },
    );
    this.unusableCoprocessor = 0;
    this.pc = vector;
    this.npc = (vector + 4) | 0;
    this.nextInDelaySlot = false;
    this.lastVector = vector;
    this.instructionsAtVector = this.instructions;
    this.translationChanged();
    return Status.Redirected;
  }

  override raiseFault(): Status {
    const code = this.faultCode as ExcCode;
    this.faultCode = 0;
    const refill = this.faultRefill;
    this.faultRefill = false;
    return this.raise(code, this.faultAddress, refill);
  }

  override clearLink(): void {
    this.llBit = false;
    this.physical.unlink(this);
  }

  override waitForInterrupt(): Status {
    // Under host time the timer is polled after a number of instructions; an idle loop runs
    // few between WAITs, so look at Count now or the timer would never wake it.
    if (this.cp0.countHz !== undefined) this.cp0.checkTimer();
    if (this.cp0.interruptDeliverable) {
      this.attention = true;
      return Status.Continue;
    }
    this.waiting = true;
    this.pendingExit = WAIT_EXIT;
    return Status.Continue;
  }

  override debugBreakpoint(): Status {
    this.pendingExit = { reason: 'debug', pc: this.pc >>> 0 };
    return Status.Stop;
  }

  override hardwareRegister(register: number): number | undefined {
    const regs = this.cp0.regs;
    const privileged = this.mode === 0 || (regs[Cp0Reg.Status]! & StatusBit.CU0) !== 0;
    if (!privileged && (register > 31 || (regs[Cp0Reg.HWREna]! & (1 << register)) === 0)) return undefined;
    switch (register) {
      case 0: // CPUNum
        return regs[Cp0Reg.EBase]! & 0x3ff;
      case 1: // SYNCI_Step
        return 32;
      case 2: // CC: Count
        return this.cp0.count();
      case 3: // CCRes: Count ticks every 2 cycles
        return 2;
      case 29: // ULR
        return regs[Cp0Reg.UserLocal]!;
      default:
        return undefined;
    }
  }

  /** SYNCI, cacheflush: stores already drop decoded code of the pages they hit, so nothing is left to do. */
  invalidateCode(_address: number): void {}

  // ---- Address translation ----

  /**
   * Translates virtual `address` for `access` in the current mode: the physical address, or -1
   * with faultCode/faultAddress (and faultRefill) recorded.
   */
  translate(address: number, access: Access): number {
    const unsigned = address >>> 0;
    const mode = this.mode;
    this.translatedWritable = true;
    if (unsigned < 0x8000_0000) {
      if (this.erl) return unsigned;
      return this.translateMapped(address, access);
    }
    if (mode === 2 || (mode === 1 && (unsigned < 0xc000_0000 || unsigned >= 0xe000_0000))) {
      return this.recordFault(access === Access.Write ? ExcCode.AdES : ExcCode.AdEL, address);
    }
    if (unsigned < 0xa000_0000) return unsigned - 0x8000_0000;
    if (unsigned < 0xc000_0000) return unsigned - 0xa000_0000;
    return this.translateMapped(address, access);
  }

  private translateMapped(address: number, access: Access): number {
    const hit = this.tlb.lookup(address, this.asid);
    const missCode = access === Access.Write ? ExcCode.TLBS : ExcCode.TLBL;
    if (hit === undefined) {
      this.faultRefill = true;
      return this.recordFault(missCode, address);
    }
    if ((hit.entryLo & ENTRY_LO_V) === 0) return this.recordFault(missCode, address);
    if (access === Access.Write && (hit.entryLo & ENTRY_LO_D) === 0) return this.recordFault(ExcCode.Mod, address);
    this.translatedWritable = (hit.entryLo & ENTRY_LO_D) !== 0;
    return hit.physical;
  }

  private recordFault(code: ExcCode, address: number): number {
    this.faultCode = code;
    this.faultAddress = address;
    return -1;
  }

  // ---- The soft TLB's slow path ----

  /**
   * After a soft-TLB miss for `address`: refills entry `entry` of the current mode's `access`
   * table from the GVA tables (the Wasm refill handler), or, on a GVA miss, walks the segment map
   * and the guest TLB, caches the page in the GVA table and refills from it. Returns false with
   * the fault recorded when the guest must take an exception. The entry may come back flagged.
   */
  private refillEntry(address: number, access: Access, entry: number): boolean {
    const tag = this.tags[entry]!;
    // Present but flagged (EMPTY's page bits would pass for the top page 0xffff_f000: rule it out).
    if (tag !== EMPTY && (tag & ~0xfff) === (address & ~0xfff)) return true;
    if (this.walkGva(address, access)) return true;
    const physical = this.translate(address, access);
    if (physical < 0) return false;
    const gpa = this.physical.gpa;
    const slot = gpa.slotAt(physical);
    const noWrite = !this.translatedWritable || (slot !== undefined && (slot.flags & MemFlag.Readonly) !== 0);
    const gvaEntry =
      slot === undefined
        ? (physical & ~0xfff) | GvaFlag.Valid | GvaFlag.Mmio
        : (gpa.hostOffsetIn(slot, physical) & ~0xfff) | GvaFlag.Valid | (noWrite ? GvaFlag.NoWrite : 0);
    this.gva.fill(this.mode, address, gvaEntry);
    this.r[StateWord.RefillsInHost] = this.r[StateWord.RefillsInHost]! + 1;
    return this.walkGva(address, access);
  }

  /** The refill handler: the generated Wasm function, or the same walk here. */
  private walkGva(address: number, access: Access): boolean {
    if (this.refill !== undefined) return this.refill(address, this.stateOffset, this.mode, access) !== 0;
    const gvaEntry = this.gva.lookup(this.mode, address);
    if ((gvaEntry & GvaFlag.Valid) === 0) return false;
    let flags = (gvaEntry & GvaFlag.Mmio) !== 0 ? TagFlag.Mmio : 0;
    if (access === Access.Write) {
      if ((gvaEntry & GvaFlag.NoWrite) !== 0) flags |= TagFlag.NoWrite;
      if (this.physical.hostPageFlags[gvaEntry >>> PAGE_SHIFT] !== 0) flags |= TagFlag.Tracked;
    }
    const page = address & ~0xfff;
    const entry = entryIndex(this.mode * ENTRIES_PER_MODE + access * SOFT_TLB_ENTRIES, address);
    this.tags[entry] = page | flags;
    this.addends[entry] = ((gvaEntry & ~0xfff) - page) | 0;
    this.r[StateWord.RefillsInWasm] = this.r[StateWord.RefillsInWasm]! + 1;
    return true;
  }

  // ---- Memory helpers ----

  read8(address: number): number {
    const entry = entryIndex(this.readBase, address);
    if (this.tags[entry] === (address & ~0xfff)) return this.i8[(address + this.addends[entry]!) >>> 0]!;
    return this.readSlow(address, 1, address);
  }
  read16(address: number): number {
    const entry = entryIndex(this.readBase, address);
    if (this.tags[entry] === (address & ~0xffe)) return this.i16[(address + this.addends[entry]!) >>> 1]!;
    return this.readSlow(address, 2, address);
  }
  read32(address: number): number {
    const entry = entryIndex(this.readBase, address);
    if (this.tags[entry] === (address & ~0xffc)) return this.i32[(address + this.addends[entry]!) >>> 2]!;
    return this.readSlow(address, 4, address);
  }
  readAlignedWord(address: number): number {
    return this.readSlow(address & ~3, 4, address);
  }

  private readSlow(address: number, size: number, badVAddr: number): number {
    if ((address & (size - 1)) !== 0) return this.recordFault(ExcCode.AdEL, address) & 0;
    const entry = entryIndex(this.readBase, address);
    if (!this.refillEntry(address, Access.Read, entry)) {
      this.faultAddress = badVAddr;
      return 0;
    }
    const target = (address + this.addends[entry]!) >>> 0;
    // Flagged for reads means MMIO: the target is the physical address.
    if ((this.tags[entry]! & TagFlag.Mmio) !== 0) return this.mmioLoad(target, size);
    return size === 4 ? this.i32[target >>> 2]! : size === 2 ? this.i16[target >>> 1]! : this.i8[target]!;
  }

  /** A load from a GPA no slot covers: the completed data if the host supplied it, else an MMIO exit. */
  private mmioLoad(physical: number, size: number): number {
    const pending = this.mmioRead;
    let value: number;
    if (this.mmioData !== undefined && pending !== undefined && pending.phys === physical && pending.size === size) {
      value = this.mmioData;
      this.mmioData = undefined;
      this.mmioRead = undefined;
    } else {
      const device = this.physical.mmioBus.find(physical, size);
      if (device === undefined) return this.mmioExit(physical, size);
      value = device.read(physical - device.base, size as 1 | 2 | 4);
    }
    return size === 4 ? value | 0 : size === 2 ? (value << 16) >> 16 : (value << 24) >> 24;
  }

  /** A load no device claims: the run exits for the host to supply the data. */
  private mmioExit(physical: number, size: number): number {
    this.mmioRead = { phys: physical, size };
    this.mmioData = undefined;
    this.pendingExit = { reason: 'mmio', phys: physical, size: size as 1 | 2 | 4, isWrite: false, data: 0 };
    this.faultCode = MMIO_READ as ExcCode;
    return 0;
  }

  write8(address: number, value: number): boolean {
    const entry = entryIndex(this.writeBase, address);
    if (this.tags[entry] === (address & ~0xfff)) {
      this.u8[(address + this.addends[entry]!) >>> 0] = value;
      return true;
    }
    return this.writeSlow(address, 1, value, address);
  }
  write16(address: number, value: number): boolean {
    const entry = entryIndex(this.writeBase, address);
    if (this.tags[entry] === (address & ~0xffe)) {
      this.i16[(address + this.addends[entry]!) >>> 1] = value;
      return true;
    }
    return this.writeSlow(address, 2, value, address);
  }
  write32(address: number, value: number): boolean {
    const entry = entryIndex(this.writeBase, address);
    if (this.tags[entry] === (address & ~0xffc)) {
      this.i32[(address + this.addends[entry]!) >>> 2] = value;
      return true;
    }
    return this.writeSlow(address, 4, value, address);
  }
  writeAlignedWord(address: number, value: number): boolean {
    return this.writeSlow(address & ~3, 4, value, address);
  }

  private writeSlow(address: number, size: number, value: number, badVAddr: number): boolean {
    if ((address & (size - 1)) !== 0) return this.recordFault(ExcCode.AdES, address) === 0;
    const entry = entryIndex(this.writeBase, address);
    if (!this.refillEntry(address, Access.Write, entry)) {
      this.faultAddress = badVAddr;
      return false;
    }
    const tag = this.tags[entry]!;
    if ((tag & TAG_FLAGS) === 0) return this.store((address + this.addends[entry]!) >>> 0, size, value);
    if ((tag & TagFlag.Mmio) !== 0) return this.mmioStore((address + this.addends[entry]!) >>> 0, size, value);
    // Not writable, read-only, or a tracked page: the full walk decides (Mod, MMIO, or a careful store).
    const physical = this.translate(address, Access.Write);
    if (physical < 0) {
      this.faultAddress = badVAddr;
      return false;
    }
    const memory = this.physical;
    const slot = memory.gpa.slotAt(physical);
    if (slot === undefined || (slot.flags & MemFlag.Readonly) !== 0) return this.mmioStore(physical, size, value);
    const host = memory.gpa.hostOffsetIn(slot, physical);
    const hostPage = host >>> PAGE_SHIFT;
    const flags = memory.hostPageFlags[hostPage]!;
    if ((flags & HostPageFlag.Code) !== 0) memory.dropCode(hostPage);
    memory.recordWrite(slot, physical, hostPage);
    if ((flags & HostPageFlag.Linked) !== 0) memory.storeTo(this, host, size);
    // The page may be plain now: the next access refills the entry.
    this.tags[entry] = EMPTY;
    return this.store(host, size, value);
  }

  /**
   * For compiled code: a store to `address` found its write entry flagged only because the host
   * page is tracked (logged and clean, or linked). Records the store's side effects (dirty log,
   * broken links), clears the entry and returns 1 so compiled code refills it and stores; 0
   * (nothing changed) when the interpreter must take the store (MMIO, read-only, code, a fault).
   */
  prepareStore(address: number): number {
    const entry = entryIndex(this.writeBase, address);
    const tag = this.tags[entry]!;
    if (tag === EMPTY || (tag & ~0xfff) !== (address & ~0xfff) || (tag & (TagFlag.Mmio | TagFlag.NoWrite)) !== 0) return 0;
    const physical = this.translate(address, Access.Write);
    if (physical < 0) {
      this.faultCode = 0;
      this.faultRefill = false;
      return 0;
    }
    const memory = this.physical;
    const slot = memory.gpa.slotAt(physical);
    if (slot === undefined) return 0;
    const host = memory.gpa.hostOffsetIn(slot, physical);
    const hostPage = host >>> PAGE_SHIFT;
    if ((memory.hostPageFlags[hostPage]! & HostPageFlag.Code) !== 0) return 0;
    memory.recordWrite(slot, physical, hostPage);
    if ((memory.hostPageFlags[hostPage]! & HostPageFlag.Linked) !== 0) memory.storeTo(this, host & ~3, 4);
    this.tags[entry] = EMPTY;
    return 1;
  }

  private store(host: number, size: number, value: number): boolean {
    if (size === 4) this.i32[host >>> 2] = value;
    else if (size === 2) this.i16[host >>> 1] = value;
    else this.u8[host] = value;
    return true;
  }

  /** A store to a GPA no slot covers or to a read-only slot: it retires, and the run exits as MMIO. */
  private mmioStore(physical: number, size: number, value: number): boolean {
    const data = size === 4 ? value >>> 0 : value & (size === 2 ? 0xffff : 0xff);
    const device = this.physical.mmioBus.find(physical, size);
    if (device !== undefined) {
      device.write(physical - device.base, size as 1 | 2 | 4, data);
      return true;
    }
    this.pendingExit = { reason: 'mmio', phys: physical, size: size as 1 | 2 | 4, isWrite: true, data };
    return true;
  }

  // ---- The run loop ----

  /** Host offset of the instruction at `pc`, filling the fetch entry; -1 after raising a fetch exception or setting an exit. */
  private fetchSlow(pc: number): number {
    const entry = entryIndex(this.fetchBase, pc);
    if ((pc & 3) !== 0) this.recordFault(ExcCode.AdEL, pc);
    else if (this.refillEntry(pc, Access.Fetch, entry)) {
      const target = (pc + this.addends[entry]!) >>> 0;
      if ((this.tags[entry]! & TagFlag.Mmio) === 0) return target;
      this.pendingExit = {
        reason: 'internal-error',
        message: `instruction fetch at 0x${(pc >>> 0).toString(16)} from physical 0x${target.toString(16)}, which no memory slot covers`,
      };
      return -1;
    }
    if (pc === this.lastVector && this.instructions === this.instructionsAtVector) {
      this.faultCode = 0;
      this.faultRefill = false;
      this.pendingExit = { reason: 'internal-error', message: `the exception vector 0x${(pc >>> 0).toString(16)} cannot be fetched (exception ${(this.cp0.regs[Cp0Reg.Cause]! >>> 2) & 0x1f} inside it)` };
      return -1;
    }
    // EPC and Cause.BD describe the instruction that could not be fetched.
    this.inDelaySlot = this.nextInDelaySlot;
    this.duringFetch = true;
    this.raiseFault();
    this.duringFetch = false;
    return -1;
  }

  private decodedWords(hostPage: number): Int32Array {
    let decoded = this.physical.code.get(hostPage);
    if (decoded === undefined) {
      decoded = new Int32Array(DECODED_PAGE_LENGTH);
      this.physical.addCode(hostPage, decoded);
    }
    this.fetchHostPage = hostPage;
    this.fetchDecoded = decoded;
    return decoded;
  }

  /** Takes a deliverable interrupt, or ends the run for an exit request; true to stop. */
  private serviceAttention(): boolean {
    this.attention = false;
    if (this.exitRequested) {
      this.exitRequested = false;
      this.pendingExit = INTR_EXIT;
      return true;
    }
    if (this.cp0.interruptDeliverable) {
      this.inDelaySlot = this.nextInDelaySlot;
      this.duringFetch = true;
      this.raise(ExcCode.Int, 0);
      this.duringFetch = false;
    }
    return false;
  }

  /**
   * Runs until an exit. `maxInstructions` bounds the instructions retired; reaching it is an
   * `intr` exit. The state is at an instruction boundary when it returns. With `blockEnds` (the
   * JIT's view of virtual pages) it also counts block entries (after each delay slot) and returns
   * undefined at a block start in a page the JIT watches or that just got warm.
   *
   * Two loops, one meaning, as in Cpu.run: alone (engine 'interp'), past its first
   * `switchedAfter` instructions, the loop switches on the dispatch code so that V8 inlines the
   * most executed handlers; before, and under the JIT, it calls every handler through the array
   * (the switched loop costs V8 ~40 ms of its compiler thread at each re-optimization, which
   * under the JIT takes the second core from compiled code).
   */
  run(maxInstructions: number, blockEnds: BlockEndWatch): Exit | undefined;
  run(maxInstructions?: number): Exit;
  run(maxInstructions = Infinity, blockEnds?: BlockEndWatch): Exit | undefined {
    this.resume();
    const stopAt = this.instructions + maxInstructions;
    if (this.instructions >= stopAt) return INTR_EXIT;
    if (blockEnds !== undefined) return this.runThroughArray(stopAt, blockEnds, Infinity);
    if (this.instructions < this.switchedAfter) {
      // Undefined: it reached switchedAfter with no exit to report.
      const exit = this.runThroughArray(stopAt, undefined, this.switchedAfter);
      if (exit !== undefined) return exit;
    }
    return this.runSwitched(stopAt);
  }

  /**
   * The fetch page's host page is `pc`'s no longer (or not yet): translates `pc`, raising a fetch
   * exception or setting the pending exit if it cannot. Returns false then, else true with
   * fetchPage, fetchDelta and fetchDecoded describing `pc`'s page.
   */
  private enterFetchPage(pc: number): boolean {
    const entry = entryIndex(this.fetchBase, pc);
    let host: number;
    if (this.tags[entry] === (pc & ~0xffc)) host = (pc + this.addends[entry]!) >>> 0;
    else {
      host = this.fetchSlow(pc);
      if (host < 0) return false;
    }
    const hostPage = host >>> PAGE_SHIFT;
    if (hostPage !== this.fetchHostPage) this.decodedWords(hostPage);
    this.fetchPage = pc & ~0xfff;
    this.fetchDelta = (host - pc) | 0;
    return true;
  }

  /**
   * Instructions the run loop may retire before its next look (the budget's end at `stopAt`, the
   * timer's deadline, the switch to the other loop at `switchAt`), as a small integer: the loop
   * counts it down instead of comparing `instructions`, which outgrows a Smi, with a double.
   */
  private instructionsToLook(stopAt: number, switchAt: number): number {
    const ahead = Math.min(stopAt, this.cp0.timerDeadline, switchAt) - this.instructions;
    return ahead < 0x4000_0000 ? ahead : 0x4000_0000;
  }

  /**
   * The loop's count of instructions to its next look ran out: checks the timer, sets the `intr`
   * exit at `stopAt`, and returns the next count.
   */
  private look(stopAt: number, switchAt: number): number {
    const cp0 = this.cp0;
    if (this.instructions >= cp0.timerDeadline) cp0.checkTimer();
    if (this.instructions >= stopAt && this.pendingExit === undefined) this.pendingExit = INTR_EXIT;
    return this.instructionsToLook(stopAt, switchAt);
  }

  /** A CpU exception for an instruction that `needs` what the mode does not allow. */
  private raiseUnusable(needs: number): Status {
    this.unusableCoprocessor = (needs & this.unusable & Needs.Cp0) !== 0 ? 0 : 1;
    return this.raise(ExcCode.CpU, 0);
  }

  /**
   * The loop that calls every handler through HANDLER_BY_CODE, until `stopAt` instructions or an
   * exit. Under the JIT (`blockEnds`) it also returns undefined at block starts the JIT may want;
   * alone it returns undefined on reaching `switchAt` (the switched loop takes over).
   */
  private runThroughArray(stopAt: number, blockEnds: BlockEndWatch | undefined, switchAt: number): Exit | undefined {
    const handlers = HANDLER_BY_CODE;
    const r = this.r;
    // The timer's deadline changes only where `attention` is set.
    let toLook = this.instructionsToLook(stopAt, switchAt);
    for (;;) {
      if (this.attention) {
        if (this.serviceAttention()) break;
        toLook = this.instructionsToLook(stopAt, switchAt);
        this.fetchPage = -1;
      }
      const pc = this.pc;
      // Unequal too for a PC that is not word aligned (its low bits stay in): fetchSlow raises AdEL.
      if ((pc & ~0xffc) !== this.fetchPage && !this.enterFetchPage(pc)) {
        if (this.pendingExit !== undefined) break;
        continue;
      }
      const wordIndex = (pc + this.fetchDelta) >>> 2;
      const decoded = this.fetchDecoded;
      const at = (wordIndex & (WORDS_PER_PAGE - 1)) * 2;
      let code = decoded[at]!;
      if (code === NOT_DECODED) code = decodeInto(decoded, at, this.i32[wordIndex]!, true);
      const word = decoded[at + 1]!;
      // A comparison, which V8 knows to be a boolean: storing it needs no write barrier.
      this.inDelaySlot = this.nextInDelaySlot === true;
      this.nextInDelaySlot = false;
      this.nnpc = (this.npc + 4) | 0;
      const needs = NEEDS[code]!;
      const status = needs !== 0 && (needs & this.unusable) !== 0 ? this.raiseUnusable(needs) : handlers[code]!(this, word);
      r[0] = 0;
      if (status === Status.Continue) {
        this.pc = this.npc;
        this.npc = this.nnpc;
        this.instructions++;
        if (--toLook <= 0) {
          toLook = this.look(stopAt, switchAt);
          if (this.pendingExit === undefined && this.instructions >= switchAt) return undefined;
        }
        if (this.pendingExit !== undefined) break;
        // After a delay slot the next instruction starts a block: the JIT may want it.
        if (blockEnds !== undefined && this.inDelaySlot && reportsBlockStart(blockEnds, this.pc)) return undefined;
      } else if (status === Status.Stop) {
        // An MMIO read or SDBBP: the instruction did not retire and runs again on resume.
        this.nextInDelaySlot = this.inDelaySlot;
        break;
      }
      // Redirected: an exception vector is set; the instruction did not retire.
    }
    return this.pendingExit ?? INTR_EXIT;
  }

  /** The same loop as runThroughArray, switching on the dispatch code; runs alone only. */
  private runSwitched(stopAt: number): Exit {
    const handlers = HANDLER_BY_CODE;
    const r = this.r;
    let toLook = this.instructionsToLook(stopAt, Infinity);
    for (;;) {
      if (this.attention) {
        if (this.serviceAttention()) break;
        toLook = this.instructionsToLook(stopAt, Infinity);
        this.fetchPage = -1;
      }
      const pc = this.pc;
      if ((pc & ~0xffc) !== this.fetchPage && !this.enterFetchPage(pc)) {
        if (this.pendingExit !== undefined) break;
        continue;
      }
      const wordIndex = (pc + this.fetchDelta) >>> 2;
      const decoded = this.fetchDecoded;
      const at = (wordIndex & (WORDS_PER_PAGE - 1)) * 2;
      let code = decoded[at]!;
      if (code === NOT_DECODED) code = decodeInto(decoded, at, this.i32[wordIndex]!, true);
      const word = decoded[at + 1]!;
      // A comparison, which V8 knows to be a boolean: storing it needs no write barrier.
      this.inDelaySlot = this.nextInDelaySlot === true;
      this.nextInDelaySlot = false;
      this.nnpc = (this.npc + 4) | 0;
      let status: Status;
      // The most executed rows each have a call site of their own, which V8 inlines (the
      // Malta boot's first 250 M instructions: 62 -> 80 MIPS, medians of five rounds). None
      // of them needs a coprocessor (dispatchCodeOf in system mode): only `default` checks.
      switch (code) {
        case 1: status = switched.addiu(this, word); break; // addiu
        case 2: status = switched.addu(this, word); break; // addu
        case 3: status = switched.sll(this, word); break; // sll
        case 4: status = switched.beq(this, word); break; // beq
        case 5: status = switched.bne(this, word); break; // bne
        case 6: status = switched.sw(this, word); break; // sw
        case 7: status = switched.or(this, word); break; // or
        case 8: status = switched.lw(this, word); break; // lw
        case 9: status = switched.lbu(this, word); break; // lbu
        case 10: status = switched.andi(this, word); break; // andi
        case 11: status = switched.xor(this, word); break; // xor
        case 12: status = switched.srl(this, word); break; // srl
        case 13: status = switched.sltu(this, word); break; // sltu
        case 14: status = switched.sltiu(this, word); break; // sltiu
        case 15: status = switched.mul(this, word); break; // mul
        case 16: status = switched.jr(this, word); break; // jr
        case 17: status = switched.lh(this, word); break; // lh
        case 18: status = switched.slt(this, word); break; // slt
        case 19: status = switched.lhu(this, word); break; // lhu
        case 20: status = switched.sb(this, word); break; // sb
        case 21: status = switched.lui(this, word); break; // lui
        case 22: status = switched.subu(this, word); break; // subu
        case 23: status = switched.rotr(this, word); break; // rotr
        case 24: status = switched.sh(this, word); break; // sh
        case 25: status = switched.mflo(this, word); break; // mflo
        case 26: status = switched.bgezal(this, word); break; // bgezal
        case 27: status = switched.ext(this, word); break; // ext
        case 28: status = switched.madd(this, word); break; // madd
        case 29: status = switched.ori(this, word); break; // ori
        case 30: status = switched.mfhi(this, word); break; // mfhi
        case 31: status = switched.multu(this, word); break; // multu
        case 32: status = switched.ldc1(this, word); break; // ldc1
        case 33: status = switched.movn(this, word); break; // movn
        case 34: status = switched.mult(this, word); break; // mult
        case 35: status = switched.jalr(this, word); break; // jalr
        case 36: status = switched.sllv(this, word); break; // sllv
        case 37: status = switched.mulD(this, word); break; // mul.d
        case 38: status = switched.movz(this, word); break; // movz
        case 39: status = switched.seh(this, word); break; // seh
        case 40: status = switched.sdc1(this, word); break; // sdc1
        case 41: status = switched.and(this, word); break; // and
        case 42: status = switched.addD(this, word); break; // add.d
        case 43: status = switched.blez(this, word); break; // blez
        case 44: status = switched.xori(this, word); break; // xori
        case 45: status = switched.teq(this, word); break; // teq
        case 46: status = switched.divu(this, word); break; // divu
        case 47: status = switched.bgtz(this, word); break; // bgtz
        case 48: status = switched.lb(this, word); break; // lb
        case 49: status = switched.bltz(this, word); break; // bltz
        case 50: status = switched.srlv(this, word); break; // srlv
        case 51: status = switched.clz(this, word); break; // clz
        case 52: status = switched.rdhwr(this, word); break; // rdhwr
        case 53: status = switched.slti(this, word); break; // slti
        case 54: status = switched.nor(this, word); break; // nor
        case 55: status = switched.bgez(this, word); break; // bgez
        case 56: status = switched.sra(this, word); break; // sra
        case 57: status = switched.seb(this, word); break; // seb
        case 58: status = switched.j(this, word); break; // j
        case 59: status = switched.jal(this, word); break; // jal
        case 60: status = Status.Continue; break; // nop (NOP_CODE)
        default: {
          const needs = NEEDS[code]!;
          status = needs !== 0 && (needs & this.unusable) !== 0 ? this.raiseUnusable(needs) : handlers[code]!(this, word);
          // Only here can $zero have been written (dispatchCodeOf).
          r[0] = 0;
        }
      }
      if (status === Status.Continue) {
        this.pc = this.npc;
        this.npc = this.nnpc;
        this.instructions++;
        if (--toLook <= 0) toLook = this.look(stopAt, Infinity);
        if (this.pendingExit !== undefined) break;
      } else if (status === Status.Stop) {
        // An MMIO read or SDBBP: the instruction did not retire and runs again on resume.
        this.nextInDelaySlot = this.inDelaySlot;
        break;
      }
      // Redirected: an exception vector is set; the instruction did not retire.
    }
    return this.pendingExit ?? INTR_EXIT;
  }

  /** Called as a run starts: after a WAIT exit, guest time passes to the timer's event. */
  resume(): void {
    if (this.waiting) {
      this.waiting = false;
      // WAIT let guest time pass: with the timer able to wake the CPU and nothing else pending,
      // Count jumps to Compare (deterministic mode; with countHz the host's clock moved on).
      if (!this.cp0.interruptDeliverable && this.cp0.timerCanWake && this.cp0.countHz === undefined) this.cp0.skipToTimer();
    }
    this.pendingExit = undefined;
  }

  // ---- For the JIT (codegen/system-engine.ts) ----

  override executeHandler(id: number, word: number, pc: number, npc: number, delaySlot: number): Status {
    this.pendingExit = undefined;
    return super.executeHandler(id, word, pc, npc, delaySlot);
  }

  /** The instruction word at virtual `pc` (0 if it cannot be fetched), for BadInstr and BadInstrP. */
  private instructionWord(pc: number): number {
    const host = this.hostOfFetch(pc);
    return host < 0 ? 0 : this.i32[host >>> 2]!;
  }

  /** The host offset of the instruction at virtual `pc` in the current mode, or -1 (nothing is raised). */
  hostOfFetch(pc: number): number {
    const entry = entryIndex(this.fetchBase, pc);
    if (this.tags[entry] === (pc & ~0xffc)) return (pc + this.addends[entry]!) >>> 0;
    if ((pc & 3) !== 0) return -1;
    // Refill the fetch entry from the GVA tables when they know the page (compiled code entered
    // by a tail call checks that entry).
    if (this.walkGva(pc, Access.Fetch) && this.tags[entry] === (pc & ~0xffc)) return (pc + this.addends[entry]!) >>> 0;
    const physical = this.translate(pc, Access.Fetch);
    this.faultCode = 0;
    this.faultRefill = false;
    return physical < 0 ? -1 : this.physical.gpa.hostOffset(physical);
  }

  /** The exit an instruction run by compiled code asked for (MMIO, SDBBP, WAIT), if any. */
  takePendingExit(): Exit | undefined {
    const exit = this.pendingExit;
    this.pendingExit = undefined;
    return exit;
  }

  /**
   * Compiled code must stop after the instruction a handler ran: an interrupt is deliverable, the
   * host asked for an exit, or the code context changed.
   */
  mustLeaveCompiledCode(context: number): boolean {
    return this.exitRequested || this.cp0.interruptDeliverable || this.codeContext !== context;
  }

  /** Something may need the interpreter's attention before compiled code runs (an interrupt, an exit request). */
  get needsAttention(): boolean {
    return this.attention;
  }

  /** Status.CU1: FPU instructions may run. */
  get fpuUsable(): boolean {
    return (this.unusable & Needs.Fpu) === 0;
  }

  /** What compiled code depends on: the mode (0 kernel, 1 supervisor, 2 user), Status.FR and Status.CU1. */
  get codeContext(): number {
    return this.mode * 4 + (this.fpr64 ? 2 : 0) + ((this.unusable & Needs.Fpu) === 0 ? 1 : 0);
  }

  /** Byte offsets, from the VCPU block, of the current mode's soft-TLB tables; and the mode. */
  get softTlbTables(): { readTags: number; readAddends: number; writeTags: number; writeAddends: number; fetchTags: number; fetchAddends: number; mode: number } {
    return {
      readTags: VcpuBlock.softTlbTags + this.readBase * 4,
      readAddends: VcpuBlock.softTlbAddends + this.readBase * 4,
      writeTags: VcpuBlock.softTlbTags + this.writeBase * 4,
      writeAddends: VcpuBlock.softTlbAddends + this.writeBase * 4,
      fetchTags: VcpuBlock.softTlbTags + this.fetchBase * 4,
      fetchAddends: VcpuBlock.softTlbAddends + this.fetchBase * 4,
      mode: this.mode,
    };
  }
}
