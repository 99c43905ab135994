// The reference interpreter's CPU: architectural state views, the delay-slot machinery, the
// memory access helpers, and the run loop over per-page predecoded instructions.
// The instruction handlers (the meaning of each instruction) live beside it, one file per class.

import { decode, RESERVED, ROW_COUNT, ROWS } from '../isa/decode.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';
import { FlatMemory, Perm, PAGE_SHIFT } from '../../runtime/flat-memory.js';
import { stateViews, StateWord, STATE_BASE } from '../../runtime/state.js';
import { HANDLERS, type Handler } from './handlers.js';

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
}

// The handler table: index = row id, plus a last entry for words that decode to no row.
const RESERVED_INDEX = ROW_COUNT;
const WORD_INDEX_MASK = (1 << (PAGE_SHIFT - 2)) - 1;
const HANDLER_BY_ID: Handler[] = ROWS.map((row) => {
  const handler = HANDLERS[row.name];
  if (!row.isAlias && !handler) throw new Error(`no interpreter handler for ${row.name}`);
  return handler ?? HANDLERS[ROWS[row.executes]!.name]!;
});
HANDLER_BY_ID.push((cpu) => cpu.raise(ExcCode.RI, 0));

export class Cpu {
  readonly mem: FlatMemory;
  /** GPRs 0..31, then HI, LO, FCSR, FIR (see runtime/state.ts). */
  readonly r: Int32Array;
  readonly fprBits: Int32Array;
  readonly fprSingle: Float32Array;
  readonly fprDouble: Float64Array;
  /** Address of the instruction being executed. */
  pc = 0;
  /** Address of the next instruction (pc + 4, or a branch target when pc is a delay slot). */
  npc = 4;
  /** Address after next; branch handlers set it to their target. */
  nnpc = 8;
  /** The instruction at pc is in a branch delay slot. */
  inDelaySlot = false;
  /** The instruction at npc will be in a delay slot (set by branches and jumps). */
  nextInDelaySlot = false;
  /** LL/SC link: set by LL, cleared by SC, ERET and exceptions. */
  llBit = false;
  llAddress = 0;
  /** The UserLocal register read by RDHWR $29 (Linux's thread pointer). */
  userLocal = 0;
  /** Instructions retired since creation. */
  instructions = 0;
  /** A memory helper's pending fault (0: none) and its address. */
  faultCode: ExcCode | 0 = 0;
  faultAddress = 0;
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
    this.mem = mem;
    this.environment = environment;
    this.perms = mem.perms;
    this.u8 = mem.u8;
    this.i8 = mem.i8;
    this.i16 = mem.i16;
    this.i32 = mem.i32;
    const views = stateViews(mem.memory.buffer, STATE_BASE);
    this.r = views.words;
    this.fprBits = views.fprBits;
    this.fprSingle = views.fprSingle;
    this.fprDouble = views.fprDouble;
    mem.codeInvalidationListeners.push((page) => this.forgetPage(page));
    // FIR of QEMU's 24Kf: F64, L, W, D, S, processor id 0x93 (0x00739300).
    this.r[StateWord.Fir] = 0x0073_0000 | 0x9300;
  }

  get hi(): number {
    return this.r[StateWord.Hi]!;
  }
  get lo(): number {
    return this.r[StateWord.Lo]!;
  }
  get fcsr(): number {
    return this.r[StateWord.Fcsr]!;
  }
  set fcsr(value: number) {
    this.r[StateWord.Fcsr] = value;
  }

  /** Sets the PC as a jump from the host would: the next instruction executed is `address`. */
  setPc(address: number): void {
    this.pc = address | 0;
    this.npc = (address + 4) | 0;
    this.inDelaySlot = false;
    this.nextInDelaySlot = false;
  }

  /** Raises an exception at the current instruction; the environment decides what happens. */
  raise(code: ExcCode, badVAddr: number): Status {
    return this.environment.exception(this, code, badVAddr);
  }

  /** Raises the fault a memory helper recorded. */
  raiseFault(): Status {
    const code = this.faultCode as ExcCode;
    this.faultCode = 0;
    return this.raise(code, this.faultAddress);
  }

  // ---- Branch helpers used by the handlers ----

  /** A branch or jump with a delay slot: `target` is taken after the next instruction if `taken`. */
  branch(taken: boolean, target: number): void {
    this.nextInDelaySlot = true;
    if (taken) this.nnpc = target | 0;
  }

  /** A branch-likely: not taken nullifies (skips) the delay slot. */
  branchLikely(taken: boolean, target: number): void {
    if (taken) {
      this.nextInDelaySlot = true;
      this.nnpc = target | 0;
    } else {
      this.npc = (this.pc + 8) | 0;
      this.nnpc = (this.pc + 12) | 0;
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

  /**
   * Runs one instruction's handler for compiled code: `pc` is the instruction, `npc` the one
   * after it, `delaySlot` 1 when it sits in a delay slot. Returns the handler's Status.
   */
  executeHandler(id: number, word: number, pc: number, npc: number, delaySlot: number): Status {
    this.pc = pc;
    this.npc = npc;
    this.nnpc = (npc + 4) | 0;
    this.inDelaySlot = delaySlot !== 0;
    const status = HANDLER_BY_ID[id]!(this, word);
    this.r[0] = 0;
    return status;
  }

  /** Drops predecoded instructions of a guest page (self-modifying code, SYNCI, cacheflush). */
  invalidateCode(page: number): void {
    // Through the memory, so that every holder of code for the page (the JIT's regions too) drops it.
    this.mem.dropCode(page);
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
