// The reference interpreter's CPU: architectural state views, the delay-slot machinery, the
// memory access helpers, and the run loop over per-page predecoded instructions.
// The instruction handlers (the meaning of each instruction) live beside it, one file per class.

import { decode, RESERVED } from '../isa/decode.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';
import { FlatMemory, Perm, PAGE_SHIFT } from '../../runtime/flat-memory.js';
import { STATE_BASE } from '../../runtime/state.js';
import { CpuBase, HANDLER_BY_ID, RESERVED_INDEX } from './cpu-base.js';

/** What the CPU asks of the world around it: the Linux layer in user mode, CP0 in system mode. */
export interface CpuEnvironment {
  /**
   * An exception at cpu.pc (cpu.inDelaySlot says whether it is in a delay slot). For SYSCALL in
   * user mode the environment services the call and returns Continue; otherwise it stops the
   * run (Stop) or redirects execution to a vector (Redirected).
   */
  exception(cpu: Cpu, code: ExcCode, badVAddr: number): Status;
}

export type Engine = 'interp' | 'jit';

/** Per-page block-entry counters and watch flags the JIT shares with the interpreter. */
export interface BlockEndWatch {
  /** Non-zero: return at every block start in this page (it has compiled code or is profiled). */
  readonly watched: Uint8Array;
  /** Block entries counted per unwatched page. */
  readonly heat: Uint32Array;
  /** Return when a page's count reaches this (the JIT then starts watching it). */
  readonly warmThreshold: number;
  /**
   * System mode: block entries per block start in watched pages, counted by the interpreter
   * itself (indexed by the PC's word bits, ENTRY_COUNT_MASK: lossy, as a heuristic may be). It
   * returns at a block start only when the jump cache has compiled code for it, when its count
   * reaches hotThreshold, or every ENTRY_REPORT_EVERY entries (so the engine can install what the
   * compiler finished), not at every block start of a watched page.
   */
  readonly entryCounts?: Uint32Array;
  readonly hotThreshold?: number;
  /** The VM's jump cache (codegen/system-engine.ts), rebound when host memory grows. */
  jumpCache?: Int32Array;
}

/** Entry counters of BlockEndWatch.entryCounts: one per word of a 1 MiB window of PCs. */
export const ENTRY_COUNT_MASK = (1 << 18) - 1;
/** The interpreter returns to the engine every this many entries of a block start (a power of two). */
export const ENTRY_REPORT_EVERY = 64;

const WORD_INDEX_MASK = (1 << (PAGE_SHIFT - 2)) - 1;

/** The Linux user-mode CPU: guest virtual addresses index one flat memory with page permissions. */
export class Cpu extends CpuBase {
  readonly mem: FlatMemory;
  environment: CpuEnvironment;
  // The memory's views, held directly: one property load less on every guest access.
  private readonly perms: Uint8Array;
  private readonly u8: Uint8Array;
  private readonly i8: Int8Array;
  private readonly i16: Int16Array;
  private readonly i32: Int32Array;
  // Predecoded instructions: per guest page, handler index + 1 for each word (0: not decoded).
  // A Map, not an array: guest pages are sparse (text near 0x0040_0000, stack near 0x7fff_0000).
  private readonly decodedPages = new Map<number, Uint16Array>();
  // The page the run loop fetches from, and its predecoded words; -1 forces a lookup.
  private fetchPage = -1;
  private fetchDecoded: Uint16Array = new Uint16Array(1 << (PAGE_SHIFT - 2));

  constructor(mem: FlatMemory, environment: CpuEnvironment) {
    super(mem.memory.buffer, STATE_BASE, undefined);
    this.mem = mem;
    this.environment = environment;
    this.perms = mem.perms;
    this.u8 = mem.u8;
    this.i8 = mem.i8;
    this.i16 = mem.i16;
    this.i32 = mem.i32;
    mem.codeInvalidationListeners.push((page) => this.forgetPage(page));
  }

  /** Raises an exception at the current instruction; the environment decides what happens. */
  raise(code: ExcCode, badVAddr: number): Status {
    return this.environment.exception(this, code, badVAddr);
  }

  hardwareRegister(register: number): number | undefined {
    switch (register) {
      case 0: // CPUNum
        return 0;
      case 1: // SYNCI_Step: the cache line size SYNCI works in
        return 32;
      case 2: // CC: the cycle counter, which runs at half the instruction rate here
        return (this.instructions / 2) | 0;
      case 3: // CCRes: CC counts every 2 cycles
        return 2;
      case 29: // ULR: UserLocal, the Linux thread pointer
        return this.userLocal;
      default:
        return undefined;
    }
  }

  // ---- Memory helpers: on a fault they record faultCode and return 0 / false ----

  private fault(code: ExcCode, address: number): number {
    this.faultCode = code;
    this.faultAddress = address;
    return 0;
  }

  read8(address: number): number {
    if ((this.perms[address >>> PAGE_SHIFT]! & Perm.Read) === 0) return this.fault(ExcCode.TLBL, address);
    return this.i8[address >>> 0]!;
  }
  read16(address: number): number {
    if ((address & 1) !== 0) return this.fault(ExcCode.AdEL, address);
    if ((this.perms[address >>> PAGE_SHIFT]! & Perm.Read) === 0) return this.fault(ExcCode.TLBL, address);
    return this.i16[address >>> 1]!;
  }
  read32(address: number): number {
    if ((address & 3) !== 0) return this.fault(ExcCode.AdEL, address);
    if ((this.perms[address >>> PAGE_SHIFT]! & Perm.Read) === 0) return this.fault(ExcCode.TLBL, address);
    return this.i32[address >>> 2]!;
  }
  /** Reads the aligned word containing `address` (for LWL/LWR); alignment is not checked. */
  readAlignedWord(address: number): number {
    if ((this.perms[address >>> PAGE_SHIFT]! & Perm.Read) === 0) return this.fault(ExcCode.TLBL, address);
    return this.i32[address >>> 2]!;
  }

  private writable(address: number): boolean {
    const perm = this.perms[address >>> PAGE_SHIFT]!;
    if ((perm & (Perm.Write | Perm.Code)) === Perm.Write) return true;
    if (this.mem.prepareWrite(address >>> 0)) return true;
    this.fault(ExcCode.TLBS, address);
    return false;
  }
  write8(address: number, value: number): boolean {
    if (!this.writable(address)) return false;
    this.u8[address >>> 0] = value;
    return true;
  }
  write16(address: number, value: number): boolean {
    if ((address & 1) !== 0) return this.fault(ExcCode.AdES, address) !== 0;
    if (!this.writable(address)) return false;
    this.i16[address >>> 1] = value;
    return true;
  }
  write32(address: number, value: number): boolean {
    if ((address & 3) !== 0) return this.fault(ExcCode.AdES, address) !== 0;
    if (!this.writable(address)) return false;
    this.i32[address >>> 2] = value;
    return true;
  }
  /** Writes the aligned word containing `address` (for SWL/SWR); alignment is not checked. */
  writeAlignedWord(address: number, value: number): boolean {
    if (!this.writable(address)) return false;
    this.i32[address >>> 2] = value;
    return true;
  }

  /** Drops predecoded instructions of the page holding `address` (self-modifying code, SYNCI, cacheflush). */
  invalidateCode(address: number): void {
    // Through the memory, so that every holder of code for the page (the JIT's regions too) drops it.
    this.mem.dropCode(address >>> PAGE_SHIFT);
  }

  private forgetPage(page: number): void {
    this.decodedPages.delete(page);
    if (page === this.fetchPage) this.fetchPage = -1;
  }

  // ---- The run loop ----

  /** The predecoded words of an executable page, or undefined when it is not executable. */
  private decodedPage(page: number): Uint16Array | undefined {
    const cached = this.decodedPages.get(page);
    if (cached) return cached;
    if ((this.mem.perms[page]! & Perm.Exec) === 0) return undefined;
    const decoded = new Uint16Array(1 << (PAGE_SHIFT - 2));
    this.decodedPages.set(page, decoded);
    this.mem.perms[page] = this.mem.perms[page]! | Perm.Code;
    return decoded;
  }

  /** Handler index for the word at `pc`, decoding (and caching) it when needed. */
  private fetch(decoded: Uint16Array, pc: number): number {
    const id = decode(this.mem.i32[pc >>> 2]!);
    const index = id === RESERVED ? RESERVED_INDEX : id;
    decoded[(pc >>> 2) & WORD_INDEX_MASK] = index + 1;
    return index;
  }

  /**
   * Executes up to `maxInstructions` instructions. With `blockEnds` (the JIT's view of pages),
   * it also counts block entries per page and returns at a block start (after a delay slot) in
   * a page the JIT watches or that just got warm. Returns Status.Stop when the environment
   * stopped the run, or Status.Continue otherwise; the state is at an instruction boundary.
   */
  run(maxInstructions: number, blockEnds?: BlockEndWatch): Status {
    const r = this.r;
    const words = this.mem.i32;
    const handlers = HANDLER_BY_ID;
    let executed = 0;
    let status: Status = Status.Continue;
    let decoded = this.fetchDecoded;
    while (executed < maxInstructions) {
      const pc = this.pc;
      if (pc >>> PAGE_SHIFT !== this.fetchPage || (pc & 3) !== 0) {
        const page = pc >>> PAGE_SHIFT;
        const found = (pc & 3) === 0 ? this.decodedPage(page) : undefined;
        if (found === undefined) {
          this.fetchPage = -1;
          // An instruction fetch fault: EPC/BD describe the instruction that could not be fetched.
          this.inDelaySlot = this.nextInDelaySlot;
          status = this.raise((pc & 3) !== 0 ? ExcCode.AdEL : ExcCode.TLBL, pc);
          if (status === Status.Stop) break;
          continue;
        }
        this.fetchPage = page;
        this.fetchDecoded = decoded = found;
      }
      const slot = decoded[(pc >>> 2) & WORD_INDEX_MASK]!;
      const index = slot === 0 ? this.fetch(decoded, pc) : slot - 1;
      this.inDelaySlot = this.nextInDelaySlot;
      this.nextInDelaySlot = false;
      this.nnpc = (this.npc + 4) | 0;
      status = handlers[index]!(this, words[pc >>> 2]!);
      r[0] = 0;
      executed++;
      if (status === Status.Continue) {
        this.pc = this.npc;
        this.npc = this.nnpc;
        // After a delay slot the next instruction starts a block: the JIT may want it.
        if (blockEnds !== undefined && this.inDelaySlot) {
          const page = this.pc >>> PAGE_SHIFT;
          if (blockEnds.watched[page] !== 0 || ++blockEnds.heat[page]! >= blockEnds.warmThreshold) break;
        }
      } else if (status === Status.Stop) {
        break;
      } else {
        // Redirected: an exception vector was set; the faulting instruction did not retire.
        executed--;
        status = Status.Continue;
      }
    }
    this.instructions += executed;
    return status;
  }
}
