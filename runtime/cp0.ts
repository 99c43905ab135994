// Coprocessor 0 of the system-mode CPU, modelled on a MIPS 24Kf (MIPS32r2) with Config3.BI/BP:
// the registers (stored in the VCPU's state block, word StateWord.Cp0 + rd * 8 + sel), their reset
// values and writable bits, Count/Compare, and the interrupt lines behind Cause.IP. The CPU that
// owns it (src/interp/system-cpu.ts) is told about changes that matter to it through Cp0Owner.

import { StateWord } from './state.js';
import { ENTRY_HI_ASID, ENTRY_LO_MASK, PAGE_MASK_MASK, type GuestTlb } from './tlb.js';
import { monotonicMs } from '../src/host/clock.js';

/** A CP0 register's index: rd * 8 + sel. */
export const enum Cp0Reg {
  Index = 0 * 8,
  Random = 1 * 8,
  EntryLo0 = 2 * 8,
  EntryLo1 = 3 * 8,
  Context = 4 * 8,
  UserLocal = 4 * 8 + 2,
  PageMask = 5 * 8,
  Wired = 6 * 8,
  HWREna = 7 * 8,
  BadVAddr = 8 * 8,
  BadInstr = 8 * 8 + 1,
  BadInstrP = 8 * 8 + 2,
  Count = 9 * 8,
  EntryHi = 10 * 8,
  Compare = 11 * 8,
  Status = 12 * 8,
  IntCtl = 12 * 8 + 1,
  SRSCtl = 12 * 8 + 2,
  Cause = 13 * 8,
  EPC = 14 * 8,
  PRId = 15 * 8,
  EBase = 15 * 8 + 1,
  Config0 = 16 * 8,
  Config1 = 16 * 8 + 1,
  Config2 = 16 * 8 + 2,
  Config3 = 16 * 8 + 3,
  Config4 = 16 * 8 + 4,
  Config7 = 16 * 8 + 7,
  LLAddr = 17 * 8,
  ErrorEPC = 30 * 8,
  KScratch1 = 31 * 8 + 2,
  KScratch2 = 31 * 8 + 3,
}

/** Status bits. */
export const enum StatusBit {
  IE = 1 << 0,
  EXL = 1 << 1,
  ERL = 1 << 2,
  /** KSU (bits 4..3): 0 kernel, 1 supervisor, 2 user. */
  KSU = 3 << 3,
  IM = 0xff << 8,
  NMI = 1 << 19,
  SR = 1 << 20,
  TS = 1 << 21,
  BEV = 1 << 22,
  /** The FPU's registers are 64-bit (FIR.F64 says it can be set). */
  FR = 1 << 26,
  CU0 = 1 << 28,
  CU1 = 1 << 29,
}

/** Cause bits. */
export const enum CauseBit {
  ExcCode = 0x1f << 2,
  IP = 0xff << 8,
  /** Software interrupts IP1..IP0. */
  SoftwareIP = 3 << 8,
  IV = 1 << 23,
  WP = 1 << 22,
  DC = 1 << 27,
  /** Coprocessor number of a CpU exception (bits 29..28). */
  CE = 3 << 28,
  TI = 1 << 30,
  BD = 1 << 31,
}

/** Host time: the fewest and most instructions between two looks at the clock. */
const POLL_MIN = 4096;
const POLL_MAX = 1 << 22;

/** The interrupt line the timer drives (IntCtl.IPTI): IP7. */
export const TIMER_LINE = 7;

interface RegisterSpec {
  readonly name: string;
  readonly reg: Cp0Reg;
  /** Bits MTC0 may change. */
  readonly writable: number;
}

/** Every CP0 register this core implements, in (rd, sel) order; others read 0 and ignore writes. */
export const CP0_REGISTERS: readonly RegisterSpec[] = [
  { name: 'Index', reg: Cp0Reg.Index, writable: 0x3f },
  { name: 'Random', reg: Cp0Reg.Random, writable: 0 },
  { name: 'EntryLo0', reg: Cp0Reg.EntryLo0, writable: ENTRY_LO_MASK },
  { name: 'EntryLo1', reg: Cp0Reg.EntryLo1, writable: ENTRY_LO_MASK },
  { name: 'Context', reg: Cp0Reg.Context, writable: 0xff80_0000 | 0 },
  { name: 'UserLocal', reg: Cp0Reg.UserLocal, writable: -1 },
  { name: 'PageMask', reg: Cp0Reg.PageMask, writable: PAGE_MASK_MASK },
  { name: 'Wired', reg: Cp0Reg.Wired, writable: 0x3f },
  { name: 'HWREna', reg: Cp0Reg.HWREna, writable: 0x2000_000f },
  { name: 'BadVAddr', reg: Cp0Reg.BadVAddr, writable: 0 },
  { name: 'BadInstr', reg: Cp0Reg.BadInstr, writable: 0 },
  { name: 'BadInstrP', reg: Cp0Reg.BadInstrP, writable: 0 },
  { name: 'Count', reg: Cp0Reg.Count, writable: -1 },
  { name: 'EntryHi', reg: Cp0Reg.EntryHi, writable: 0xffff_e0ff | 0 },
  { name: 'Compare', reg: Cp0Reg.Compare, writable: -1 },
  // CU1, CU0, FR, BEV, IM7..0, KSU, ERL, EXL, IE. TS, SR and NMI can only be written to 0, and
  // this core never sets them; RE stays 0.
  { name: 'Status', reg: Cp0Reg.Status, writable: 0x3440_ff1f },
  { name: 'IntCtl', reg: Cp0Reg.IntCtl, writable: 0 },
  { name: 'SRSCtl', reg: Cp0Reg.SRSCtl, writable: 0 },
  { name: 'Cause', reg: Cp0Reg.Cause, writable: CauseBit.DC | CauseBit.IV | CauseBit.WP | CauseBit.SoftwareIP },
  { name: 'EPC', reg: Cp0Reg.EPC, writable: -1 },
  { name: 'PRId', reg: Cp0Reg.PRId, writable: 0 },
  { name: 'EBase', reg: Cp0Reg.EBase, writable: 0x3fff_f000 },
  { name: 'Config', reg: Cp0Reg.Config0, writable: 0x7 },
  { name: 'Config1', reg: Cp0Reg.Config1, writable: 0 },
  { name: 'Config2', reg: Cp0Reg.Config2, writable: 0 },
  { name: 'Config3', reg: Cp0Reg.Config3, writable: 0 },
  { name: 'Config4', reg: Cp0Reg.Config4, writable: 0 },
  { name: 'Config7', reg: Cp0Reg.Config7, writable: 0 },
  { name: 'LLAddr', reg: Cp0Reg.LLAddr, writable: 0 },
  { name: 'ErrorEPC', reg: Cp0Reg.ErrorEPC, writable: -1 },
  { name: 'KScratch1', reg: Cp0Reg.KScratch1, writable: -1 },
  { name: 'KScratch2', reg: Cp0Reg.KScratch2, writable: -1 },
];
const SPEC_BY_REG = new Map(CP0_REGISTERS.map((spec) => [spec.reg as number, spec]));

export const isCp0Register = (reg: number): boolean => SPEC_BY_REG.has(reg);

/** What CP0 tells the CPU that owns it. */
export interface Cp0Owner {
  /** Instructions retired so far (Count's clock in the deterministic mode). */
  readonly instructions: number;
  /** Status.KSU/EXL/ERL/CU0/CU1 or EntryHi.ASID changed: the CPU's translation or permissions changed. */
  translationChanged(): void;
  /** Something that decides whether an interrupt is taken changed. */
  interruptsChanged(): void;
  /** A TLB write replaced the mapping of virtual [start, start + bytes). */
  mappingReplaced(start: number, bytes: number): void;
}

export interface Cp0Options {
  vcpuId: number;
  tlb: GuestTlb;
  /** Count's rate from host time; undefined: one tick per two retired instructions. */
  countHz?: number;
  now?: () => number;
}

export class Cp0 {
  /** The registers, indexed by Cp0Reg (a view of the state block). */
  readonly regs: Int32Array;
  readonly tlb: GuestTlb;
  private readonly owner: Cp0Owner;
  readonly countHz: number | undefined;
  private readonly now: () => number;
  /** Hardware interrupt lines IP2..IP7 as Cause bit positions 10..15 (bit 8 + line). */
  private lines = 0;
  // Count = countBase + ticks since countEpoch (instructions / 2, or host milliseconds * rate).
  private countBase = 0;
  private countEpoch = 0;
  /** The instruction count at which Count next equals Compare (deterministic mode). */
  timerDeadline = Infinity;

  constructor(buffer: ArrayBuffer, stateBase: number, owner: Cp0Owner, options: Cp0Options) {
    this.regs = new Int32Array(buffer, stateBase + StateWord.Cp0 * 4, 256);
    this.owner = owner;
    this.tlb = options.tlb;
    this.countHz = options.countHz;
    this.now = options.now ?? (() => monotonicMs());
    this.reset(options.vcpuId);
  }

  /** Rebinds the register view after the host memory grew. */
  rebind(buffer: ArrayBuffer, stateBase: number): Cp0 {
    (this as { regs: Int32Array }).regs = new Int32Array(buffer, stateBase + StateWord.Cp0 * 4, 256);
    return this;
  }

  private reset(vcpuId: number): void {
    const regs = this.regs;
    const size = this.tlb.size;
    regs.fill(0);
    regs[Cp0Reg.Random] = size - 1;
    regs[Cp0Reg.Status] = StatusBit.BEV | StatusBit.ERL;
    regs[Cp0Reg.IntCtl] = (TIMER_LINE << 29) | 0;
    regs[Cp0Reg.PRId] = 0x0001_9300; // MIPS Technologies, 24K, revision 0
    regs[Cp0Reg.EBase] = (0x8000_0000 | vcpuId) | 0;
    // Config: M, AR = release 2, MT = standard TLB, K0 = uncached.
    regs[Cp0Reg.Config0] = (0x8000_0000 | (1 << 10) | (1 << 7) | 2) | 0;
    // Config1: M, MMUSize - 1, 2 KiB 2-way I and D caches of 16-byte lines (64 sets), FP: the
    // geometry QEMU's 24Kf reports. (A 32 KiB 4-way cache has 8 KiB ways, so Linux assumes cache
    // aliases and flushes on every page it maps: far more CACHE instructions for nothing here.)
    regs[Cp0Reg.Config1] = (0x8000_0000 | ((size - 1) << 25) | (0 << 22) | (3 << 19) | (1 << 16) | (0 << 13) | (3 << 10) | (1 << 7) | 1) | 0;
    regs[Cp0Reg.Config2] = 0x8000_0000 | 0;
    // Config3: M, BP, BI (BadInstrP, BadInstr), ULRI (UserLocal).
    regs[Cp0Reg.Config3] = (0x8000_0000 | (1 << 27) | (1 << 26) | (1 << 13)) | 0;
    // Config4: KScrExist = selects 2 and 3.
    regs[Cp0Reg.Config4] = 0x0c << 16;
    this.countBase = 0;
    this.countEpoch = this.clock();
    this.rearmTimer();
  }

  // ---- Mode ----

  get status(): number {
    return this.regs[Cp0Reg.Status]!;
  }

  /** Kernel mode: KSU = 0, or EXL or ERL set. */
  get kernelMode(): boolean {
    const status = this.regs[Cp0Reg.Status]!;
    return (status & (StatusBit.EXL | StatusBit.ERL)) !== 0 || (status & StatusBit.KSU) === 0;
  }

  /** 0 kernel, 1 supervisor, 2 user (the effective mode). */
  get mode(): number {
    const status = this.regs[Cp0Reg.Status]!;
    if ((status & (StatusBit.EXL | StatusBit.ERL)) !== 0) return 0;
    const ksu = (status & StatusBit.KSU) >>> 3;
    return ksu === 3 ? 2 : ksu;
  }

  get asid(): number {
    return this.regs[Cp0Reg.EntryHi]! & ENTRY_HI_ASID;
  }

  // ---- MFC0 / MTC0 ----

  /** MFC0: the value of register `reg` (0 for registers this core lacks). */
  read(reg: number): number {
    // With host time, reading Count or Cause is a moment the guest can tell whether Count has
    // passed Compare: Cause.TI must be up to date there (Linux's c0_compare_int_usable() gives
    // the timer 50 ticks to show TI, far less than the run loop's polling interval).
    if (this.countHz !== undefined && (reg === Cp0Reg.Count || reg === Cp0Reg.Cause)) this.checkTimer();
    switch (reg) {
      case Cp0Reg.Count:
        return this.count();
      default:
        return SPEC_BY_REG.has(reg) ? this.regs[reg]! : 0;
    }
  }

  /** MTC0: writes the register's writable bits and applies side effects. */
  write(reg: number, value: number): void {
    const spec = SPEC_BY_REG.get(reg);
    if (spec === undefined) return;
    const regs = this.regs;
    const old = regs[reg]!;
    const merged = (old & ~spec.writable) | (value & spec.writable);
    switch (reg) {
      case Cp0Reg.Count:
        this.setCount(value);
        return;
      case Cp0Reg.Compare:
        regs[reg] = value;
        regs[Cp0Reg.Cause] = regs[Cp0Reg.Cause]! & ~CauseBit.TI;
        this.updateCauseLines();
        this.rearmTimer();
        return;
      case Cp0Reg.Wired:
        regs[reg] = merged;
        regs[Cp0Reg.Random] = this.tlb.size - 1;
        return;
      case Cp0Reg.Index:
        // The index field only holds entry numbers of this TLB (QEMU reduces the value modulo the
        // entry count: 0x3a reads back as 0x1a with 32 entries); P is read-only.
        regs[reg] = (old & 0x8000_0000) | ((value & spec.writable) % this.tlb.size);
        return;
      case Cp0Reg.Cause: {
        const count = this.count();
        regs[reg] = merged;
        if (((old ^ merged) & CauseBit.DC) !== 0) this.setCount(count);
        this.owner.interruptsChanged();
        return;
      }
      case Cp0Reg.Status:
        regs[reg] = merged;
        // The mode (KSU, EXL, ERL), the coprocessor enables (CU0, CU1) and the FPU's register
        // width (FR) decide what the CPU allows and how compiled code reads the FPRs.
        if (((old ^ merged) & (StatusBit.KSU | StatusBit.EXL | StatusBit.ERL | StatusBit.CU0 | StatusBit.CU1 | StatusBit.FR)) !== 0) this.owner.translationChanged();
        this.owner.interruptsChanged();
        return;
      case Cp0Reg.EntryHi:
        regs[reg] = merged;
        if (((old ^ merged) & ENTRY_HI_ASID) !== 0) this.owner.translationChanged();
        return;
      default:
        regs[reg] = merged;
    }
  }

  /** A host write through the one-reg API: every bit of the register, with the same side effects. */
  writeFromHost(reg: number, value: number): void {
    switch (reg) {
      case Cp0Reg.Count:
      case Cp0Reg.Compare:
      case Cp0Reg.Status:
      case Cp0Reg.EntryHi:
        this.write(reg, value);
        return;
      case Cp0Reg.Cause:
        this.regs[reg] = (value & ~0xfc00) | (this.regs[reg]! & 0xfc00);
        this.owner.interruptsChanged();
        return;
      default:
        this.regs[reg] = value;
    }
  }

  // ---- Count and Compare ----

  private clock(): number {
    return this.countHz === undefined ? this.owner.instructions : this.now();
  }

  private ticksSince(epoch: number): number {
    const elapsed = this.clock() - epoch;
    return this.countHz === undefined ? Math.floor(elapsed / 2) : Math.floor((elapsed * this.countHz) / 1000);
  }

  count(): number {
    if ((this.regs[Cp0Reg.Cause]! & CauseBit.DC) !== 0) return this.countBase;
    return (this.countBase + this.ticksSince(this.countEpoch)) | 0;
  }

  setCount(value: number): void {
    this.countBase = value | 0;
    this.countEpoch = this.clock();
    this.rearmTimer();
  }

  /**
   * Recomputes when Count next reaches Compare (and tells the owner, whose run loop watches the
   * deadline). Under host time `count` must be the value the caller judged the timer by: taking
   * a fresh one here let Count step over Compare between the two reads, and that event was lost
   * until Count wrapped 43 s later (the kernel's tick stopped; `sleep 1` hung, `date` jumped).
   */
  private rearmTimer(count = this.count()): void {
    this.owner.interruptsChanged();
    if ((this.regs[Cp0Reg.Cause]! & CauseBit.DC) !== 0) {
      this.timerDeadline = Infinity;
      return;
    }
    if (this.countHz !== undefined) {
      // Host time: the CPU polls (checkTimer) when, at the instruction rate measured so far, about
      // half the time to Compare has passed; never later than POLL_MAX instructions, never sooner
      // than POLL_MIN. Polling every few thousand instructions made compiled code leave Wasm
      // that often (5x slower on a kernel's delay loop); a poll that comes early only re-arms.
      const instructions = this.owner.instructions;
      const ticksPassed = (count - this.lastPolledCount) >>> 0;
      if (ticksPassed > 0 && instructions > this.lastPolledInstructions) {
        const rate = (instructions - this.lastPolledInstructions) / ticksPassed;
        this.instructionsPerTick = this.instructionsPerTick * 0.5 + rate * 0.5;
      }
      this.lastPolledCount = count;
      this.lastPolledInstructions = instructions;
      const ticks = ((this.regs[Cp0Reg.Compare]! - count) >>> 0) || 0x1_0000_0000;
      const wait = Math.floor(ticks * this.instructionsPerTick * 0.5);
      this.timerDeadline = instructions + Math.min(POLL_MAX, Math.max(POLL_MIN, wait));
      return;
    }
    const now = this.owner.instructions;
    let ticks = (this.regs[Cp0Reg.Compare]! - count) >>> 0;
    if (ticks === 0) ticks = 0x1_0000_0000;
    // Count ticks on every second instruction since the epoch.
    const phase = (now - this.countEpoch) % 2;
    this.timerDeadline = now + 2 * ticks - phase;
  }
  private lastPolledCount = 0;
  private lastPolledInstructions = 0;
  /** Host time: retired instructions per Count tick, measured between polls (starts low: polls come early). */
  private instructionsPerTick = 0.01;

  /** Called by the CPU when `instructions` reached timerDeadline: raises Cause.TI if Count met Compare. */
  checkTimer(): void {
    if (this.countHz !== undefined) {
      const count = this.count();
      const passed = (count - this.lastPolledCount) >>> 0;
      const toCompare = (this.regs[Cp0Reg.Compare]! - this.lastPolledCount) >>> 0;
      const fired = toCompare !== 0 && toCompare <= passed;
      this.rearmTimer(count);
      if (fired) this.timerInterrupt();
      return;
    }
    this.timerInterrupt();
    this.rearmTimer();
  }

  /** Idles until the timer's next event (WAIT with time allowed to pass): Count jumps to Compare. */
  skipToTimer(): void {
    this.setCount(this.regs[Cp0Reg.Compare]!);
    this.timerInterrupt();
  }

  private timerInterrupt(): void {
    this.regs[Cp0Reg.Cause] = this.regs[Cp0Reg.Cause]! | CauseBit.TI;
    this.updateCauseLines();
    this.owner.interruptsChanged();
  }

  // ---- Interrupts ----

  /** Drives hardware interrupt line `ip` (2..7). */
  setLine(ip: number, asserted: boolean): void {
    const bit = 1 << (8 + ip);
    this.lines = asserted ? this.lines | bit : this.lines & ~bit;
    this.updateCauseLines();
    this.owner.interruptsChanged();
  }

  /** Cause.IP7..IP2 follow the lines, IP7 also the timer. */
  private updateCauseLines(): void {
    const cause = this.regs[Cp0Reg.Cause]!;
    const timer = (cause & CauseBit.TI) !== 0 ? 1 << (8 + TIMER_LINE) : 0;
    this.regs[Cp0Reg.Cause] = (cause & ~0xfc00) | this.lines | timer;
  }

  /** Interrupts requested and unmasked (Cause.IP & Status.IM), whether or not IE lets them in. */
  get pendingInterrupts(): number {
    return this.regs[Cp0Reg.Cause]! & this.regs[Cp0Reg.Status]! & CauseBit.IP;
  }

  /** An interrupt would be taken now: pending, IE set, EXL and ERL clear. */
  get interruptDeliverable(): boolean {
    const status = this.regs[Cp0Reg.Status]!;
    return this.pendingInterrupts !== 0 && (status & (StatusBit.IE | StatusBit.EXL | StatusBit.ERL)) === StatusBit.IE;
  }

  /** Could the timer wake a WAIT (its interrupt is unmasked and enabled, Count runs)? */
  get timerCanWake(): boolean {
    const status = this.regs[Cp0Reg.Status]!;
    return (
      (status & (1 << (8 + TIMER_LINE))) !== 0 &&
      (status & (StatusBit.IE | StatusBit.EXL | StatusBit.ERL)) === StatusBit.IE &&
      (this.regs[Cp0Reg.Cause]! & CauseBit.DC) === 0
    );
  }

  // ---- TLB instructions ----

  /** TLBP: Index = the entry matching EntryHi, or P set. */
  probe(): void {
    const hi = this.regs[Cp0Reg.EntryHi]!;
    const index = this.tlb.find(hi, hi & ENTRY_HI_ASID);
    this.regs[Cp0Reg.Index] = index < 0 ? 0x8000_0000 | 0 : index;
  }

  /** TLBR: EntryHi, PageMask, EntryLo0/1 from entry Index. */
  readEntry(): void {
    const tlb = this.tlb;
    const index = (this.regs[Cp0Reg.Index]! & 0x3f) % tlb.size;
    const oldAsid = this.asid;
    this.regs[Cp0Reg.EntryHi] = tlb.entryHi[index]!;
    this.regs[Cp0Reg.PageMask] = tlb.pageMask[index]!;
    this.regs[Cp0Reg.EntryLo0] = tlb.entryLo0[index]! | tlb.global[index]!;
    this.regs[Cp0Reg.EntryLo1] = tlb.entryLo1[index]! | tlb.global[index]!;
    if (this.asid !== oldAsid) this.owner.translationChanged();
  }

  /** TLBWI (random = false) or TLBWR: writes the entry; returns its index. */
  writeEntry(random: boolean): number {
    const tlb = this.tlb;
    const regs = this.regs;
    let index: number;
    if (random) {
      index = regs[Cp0Reg.Random]!;
      // Random steps down from size - 1 to Wired and wraps (deterministically, once per TLBWR).
      const wired = regs[Cp0Reg.Wired]!;
      regs[Cp0Reg.Random] = index <= wired ? tlb.size - 1 : index - 1;
      if (regs[Cp0Reg.Random]! < wired) regs[Cp0Reg.Random] = tlb.size - 1;
    } else {
      index = (regs[Cp0Reg.Index]! & 0x3f) % tlb.size;
    }
    const before = tlb.range(index);
    tlb.write(index, regs[Cp0Reg.EntryHi]!, regs[Cp0Reg.PageMask]!, regs[Cp0Reg.EntryLo0]!, regs[Cp0Reg.EntryLo1]!);
    const after = tlb.range(index);
    this.owner.mappingReplaced(before.start, before.bytes);
    this.owner.mappingReplaced(after.start, after.bytes);
    return index;
  }

  /** ERET's CP0 side: clears ERL (returning to ErrorEPC) or else EXL (returning to EPC); returns the target. */
  exceptionReturn(): number {
    const regs = this.regs;
    const status = regs[Cp0Reg.Status]!;
    let target: number;
    if ((status & StatusBit.ERL) !== 0) {
      target = regs[Cp0Reg.ErrorEPC]!;
      regs[Cp0Reg.Status] = status & ~StatusBit.ERL;
    } else {
      target = regs[Cp0Reg.EPC]!;
      regs[Cp0Reg.Status] = status & ~StatusBit.EXL;
    }
    this.owner.translationChanged();
    this.owner.interruptsChanged();
    return target;
  }
}
