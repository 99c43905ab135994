// The reference interpreter's CPU: architectural state views, the delay-slot machinery, the
// memory access helpers, and the run loop over per-page predecoded instructions.
// The instruction handlers (the meaning of each instruction) live beside it, one file per class.

import { ExcCode, Status } from '../../runtime/exceptions.js';
import { FlatMemory, jumpCacheIndex, Perm, PAGE_SHIFT } from '../../runtime/flat-memory.js';
import { STATE_BASE } from '../../runtime/state.js';
import { CpuBase } from './cpu-base.js';
import { DECODED_PAGE_LENGTH, decodeInto, HANDLER_BY_CODE, NOT_DECODED } from './dispatch.js';
import * as switched from './switched-handlers.js';

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
   * Block entries per block start in watched pages, counted by the interpreter itself (indexed
   * by the PC's word bits, ENTRY_COUNT_MASK: lossy, as a heuristic may be). It returns at a block
   * start only when the jump cache has compiled code for it, when its count reaches
   * hotThreshold, or every ENTRY_REPORT_EVERY entries (so the engine can install what the
   * compiler finished), not at every block start of a watched page. Without them (tests), it
   * returns at every block start of a watched page.
   */
  readonly entryCounts?: Uint32Array;
  readonly hotThreshold?: number;
  /** The jump cache (FlatMemory.jumpCache; the VM's in system mode, rebound when host memory grows). */
  jumpCache?: Int32Array;
}

/**
 * Counts a block start `next` for the JIT (BlockEndWatch); true when the interpreter should
 * return to the engine there. Both CPUs' loops call it after a delay slot (where code runs on into
 * the next page, the user-mode loop returns and the engine counts).
 */
export function reportsBlockStart(blockEnds: BlockEndWatch, next: number): boolean {
  const page = next >>> PAGE_SHIFT;
  if (blockEnds.watched[page] === 0) return ++blockEnds.heat[page]! >= blockEnds.warmThreshold;
  const counts = blockEnds.entryCounts;
  if (counts === undefined) return true;
  // Compiled code starts here (most likely: the engine checks): enter it.
  if (blockEnds.jumpCache![jumpCacheIndex(next)] === next) return true;
  const count = ++counts[(next >>> 2) & ENTRY_COUNT_MASK]!;
  return count >= blockEnds.hotThreshold! || (count & (ENTRY_REPORT_EVERY - 1)) === 0;
}

/** Entry counters of BlockEndWatch.entryCounts: one per word of a 1 MiB window of PCs. */
export const ENTRY_COUNT_MASK = (1 << 18) - 1;
/** The interpreter returns to the engine every this many entries of a block start (a power of two). */
export const ENTRY_REPORT_EVERY = 64;

/**
 * Instructions a CPU runs through the handler array before its loop alone switches (Cpu.run), so
 * that the handlers have run, and V8 has their types, before it compiles the loop that inlines
 * them. Measured (interleaved runs, medians; `--engine interp --stats` MIPS, and
 * bench/system.mjs's interpreted CPU loop in kseg0, 64.5 M instructions):
 * - 20 M: hello-default 32, CoreMark 300 124, callbench 3 106, kseg0 100;
 * - 2 M: 48-53, 150, 114, 136 (5 M: 48, -, 119, 122; 1 M: 55, -, -, 108; 0: 50, -, -, 101).
 */
export const SWITCHED_AFTER = 2_000_000;

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
  // Predecoded instructions per guest page (DECODED_PAGE_LENGTH's layout).
  // A Map, not an array: guest pages are sparse (text near 0x0040_0000, stack near 0x7fff_0000).
  private readonly decodedPages = new Map<number, Int32Array>();
  // The page the run loop fetches from, and its predecoded words; -1 forces a lookup.
  private fetchPage = -1;
  private fetchDecoded: Int32Array = new Int32Array(DECODED_PAGE_LENGTH);
  // The fetch page before it (-1: none), kept for a call's return or a loop that spans two pages.
  private previousFetchPage = -1;
  private previousFetchDecoded: Int32Array = this.fetchDecoded;
  /** Instructions run through the handler array before the loop alone switches (SWITCHED_AFTER; tests set 0). */
  switchedAfter = SWITCHED_AFTER;
  // What the environment answered the last instruction fetch fault.
  private fetchFaultStatus: Status = Status.Continue;

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
    if (page === this.previousFetchPage) this.previousFetchPage = -1;
  }

  // ---- The run loop ----

  /** The predecoded words of an executable page, or undefined when it is not executable. */
  private decodedPage(page: number): Int32Array | undefined {
    const cached = this.decodedPages.get(page);
    if (cached) return cached;
    if ((this.mem.perms[page]! & Perm.Exec) === 0) return undefined;
    const decoded = new Int32Array(DECODED_PAGE_LENGTH);
    this.decodedPages.set(page, decoded);
    this.mem.markCode(page);
    return decoded;
  }

  /**
   * Executes up to `maxInstructions` instructions. With `blockEnds` (the JIT's view of pages),
   * it also counts block entries per page and returns at a block start (after a delay slot) in
   * a page the JIT watches or that just got warm. Returns Status.Stop when the environment
   * stopped the run, or Status.Continue otherwise; the state is at an instruction boundary.
   *
   * Two loops, one meaning: alone (`--engine interp`), past its first `switchedAfter`
   * instructions, the loop switches on the dispatch code so that V8 inlines the most executed
   * handlers; before, and as the JIT's first tier, it calls every handler through the array.
   * The switched loop is a large function for V8 to optimize (~40 ms on the compiler thread),
   * again after each deoptimization at a case it had not seen run: under the JIT, where it runs
   * a fraction of a percent of the instructions, that cost the compiled code the second core
   * (cpubench 1 first runs 0.362 -> 0.455 s guest, hello 0.084 -> 0.090).
   */
  run(maxInstructions: number, blockEnds?: BlockEndWatch): Status {
    if (blockEnds !== undefined || this.instructions < this.switchedAfter) return this.runThroughArray(maxInstructions, blockEnds);
    return this.runSwitched(maxInstructions);
  }

  /** The predecoded words of the page holding `pc`, now the fetch page; undefined after a fetch fault (raised: fetchFaultStatus). */
  private enterFetchPage(pc: number): Int32Array | undefined {
    const page = pc >>> PAGE_SHIFT;
    if (page === this.previousFetchPage && (pc & 3) === 0 && this.fetchPage !== -1) {
      // Back to the page before (a return from a call into another page): swap the two.
      const decoded = this.previousFetchDecoded;
      this.previousFetchPage = this.fetchPage;
      this.previousFetchDecoded = this.fetchDecoded;
      this.fetchPage = page;
      this.fetchDecoded = decoded;
      return decoded;
    }
    if (this.fetchPage !== -1) {
      this.previousFetchPage = this.fetchPage;
      this.previousFetchDecoded = this.fetchDecoded;
    }
    const found = (pc & 3) === 0 ? this.decodedPage(page) : undefined;
    if (found === undefined) {
      this.fetchPage = -1;
      // An instruction fetch fault: EPC/BD describe the instruction that could not be fetched.
      this.inDelaySlot = this.nextInDelaySlot;
      this.fetchFaultStatus = this.raise((pc & 3) !== 0 ? ExcCode.AdEL : ExcCode.TLBL, pc);
      return undefined;
    }
    this.fetchPage = pc >>> PAGE_SHIFT;
    this.fetchDecoded = found;
    return found;
  }

  private runSwitched(maxInstructions: number): Status {
    // A small integer to count up to: V8 compares it without a check of its own in the loop (the
    // callers run slices of at most 2^20 instructions).
    const limit = Math.min(maxInstructions, 0x3fff_ffff) | 0;
    const r = this.r;
    const handlers = HANDLER_BY_CODE;
    let executed = 0;
    let status: Status = Status.Continue;
    let decoded = this.fetchDecoded;
    while (executed < limit) {
      const pc = this.pc;
      if (pc >>> PAGE_SHIFT !== this.fetchPage || (pc & 3) !== 0) {
        const found = this.enterFetchPage(pc);
        if (found === undefined) {
          status = this.fetchFaultStatus;
          if (status === Status.Stop) break;
          continue;
        }
        decoded = found;
      }
      const at = ((pc >>> 2) & WORD_INDEX_MASK) * 2;
      // NOT_DECODED (0) too: the switch's case 0 decodes it.
      const code = decoded[at]!;
      const word = decoded[at + 1]!;
      // A comparison, which V8 knows to be a boolean: storing it needs no write barrier.
      this.inDelaySlot = this.nextInDelaySlot === true;
      this.nextInDelaySlot = false;
      this.nnpc = (this.npc + 4) | 0;
      // The most executed rows each have a call site of their own, which V8 inlines (CoreMark
      // interpreted: 91 -> 114 MIPS, 129 with the CLI's inlining budget, src/cli-launch.ts).
      switch (code) {
        case 0: {
          // NOT_DECODED: decode the word, then run it through the array.
          const fetched = this.mem.i32[pc >>> 2]!;
          status = handlers[decodeInto(decoded, at, fetched)]!(this, fetched);
          r[0] = 0;
          break;
        }
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
        default:
          status = handlers[code]!(this, word);
          // Only here can $zero have been written (dispatchCodeOf).
          r[0] = 0;
      }
      executed++;
      if (status === Status.Continue) {
        this.pc = this.npc;
        this.npc = this.nnpc;
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

  private runThroughArray(maxInstructions: number, blockEnds: BlockEndWatch | undefined): Status {
    const r = this.r;
    const handlers = HANDLER_BY_CODE;
    let executed = 0;
    let status: Status = Status.Continue;
    let decoded = this.fetchDecoded;
    while (executed < maxInstructions) {
      const pc = this.pc;
      if (pc >>> PAGE_SHIFT !== this.fetchPage || (pc & 3) !== 0) {
        // Code that runs on into the next page (no branch) starts a block there too: compiled
        // code leaves a page at its end, and a long straight-line function (sha512's unrolled
        // rounds span 15 pages) would otherwise run in here from one page to the end. The engine
        // counts that block start (JitEngine.countEntry). Leaving, not calling reportsBlockStart
        // here: V8 optimizes this loop early, and a call or load it has never seen run (a
        // straight-line crossing is rare) made it throw the optimized code away and compile the
        // loop twice more (~8 ms of V8's one compiler thread in CoreMark 700's first run).
        if (blockEnds !== undefined && executed > 0 && !this.nextInDelaySlot && !this.inDelaySlot) break;
        const found = this.enterFetchPage(pc);
        if (found === undefined) {
          // The fault was raised (no instruction retired): stop, or run on at its vector.
          if (this.fetchFaultStatus === Status.Stop) {
            status = Status.Stop;
            break;
          }
          continue;
        }
        decoded = found;
      }
      const at = ((pc >>> 2) & WORD_INDEX_MASK) * 2;
      let code = decoded[at]!;
      if (code === NOT_DECODED) code = decodeInto(decoded, at, this.mem.i32[pc >>> 2]!);
      const word = decoded[at + 1]!;
      // A comparison, which V8 knows to be a boolean: storing it needs no write barrier.
      this.inDelaySlot = this.nextInDelaySlot === true;
      this.nextInDelaySlot = false;
      this.nnpc = (this.npc + 4) | 0;
      status = handlers[code]!(this, word);
      r[0] = 0;
      executed++;
      // Stop or Redirected: handled after the loop, where V8 has seen the code run (see above).
      if (status !== Status.Continue) break;
      this.pc = this.npc;
      this.npc = this.nnpc;
      // After a delay slot the next instruction starts a block: the JIT may want it.
      if (blockEnds !== undefined && this.inDelaySlot && reportsBlockStart(blockEnds, this.pc)) break;
    }
    if (status === Status.Redirected) {
      // An exception vector was set; the faulting instruction did not retire. The caller runs on.
      executed--;
      status = Status.Continue;
    }
    this.instructions += executed;
    return status;
  }
}
