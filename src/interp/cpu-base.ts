// What every guest CPU shares, whatever its memory: the architectural register views, the
// delay-slot machinery, the branch helpers and the handler table. Two CPUs build on it: `Cpu`
// (Linux user mode, flat memory, src/interp/cpu.ts) and `SystemCpu` (privileged, translated
// memory, CP0, src/interp/system-cpu.ts). Instruction handlers see only this class.

import { ROW_COUNT, ROWS } from '../isa/decode.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';
import { stateViews, StateWord } from '../../runtime/state.js';
import type { Cp0 } from '../../runtime/cp0.js';
import { handlerNamed, type Handler } from './handlers.js';

// The handler table: index = row id, plus a last entry for words that decode to no row.
export const RESERVED_INDEX = ROW_COUNT;
export const HANDLER_BY_ID: Handler[] = ROWS.map((row) => {
  const handler = handlerNamed(row.name);
  if (!row.isAlias && !handler) throw new Error(`no interpreter handler for ${row.name}`);
  return handler ?? handlerNamed(ROWS[row.executes]!.name)!;
});
HANDLER_BY_ID.push((cpu) => cpu.raise(ExcCode.RI, 0));

/**
 * Where each JALR last went and how many times in a row it went there, by the JALR's address
 * (indexed by its word bits, CALL_TARGET_MASK: lossy). The JIT takes a JALR's entry as the target
 * to expect (codegen/region.ts PredictedCalls). Recorded by the JALR handler, so only what the
 * interpreter runs counts.
 */
export interface CallTargets {
  readonly targets: Int32Array;
  readonly runs: Uint32Array;
}

/** Entries of CallTargets: one per word of a 256 KiB window of PCs. */
export const CALL_TARGET_MASK = (1 << 16) - 1;

/** Notes that the JALR at `site` went to `target` (CallTargets). */
export function noteCall(calls: CallTargets, site: number, target: number): void {
  const entry = (site >>> 2) & CALL_TARGET_MASK;
  if (calls.targets[entry] === target) calls.runs[entry]!++;
  else {
    calls.targets[entry] = target;
    calls.runs[entry] = 1;
  }
}

export abstract class CpuBase {
  /** GPRs 0..31, then HI, LO, FCSR, FIR (see runtime/state.ts). */
  r!: Int32Array;
  fprBits!: Int32Array;
  fprSingle!: Float32Array;
  fprDouble!: Float64Array;
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
  /** LL/SC link: set by LL, cleared by SC, ERET and exceptions (state words, as compiled code uses it). */
  get llBit(): boolean {
    return this.r[StateWord.LlBit] !== 0;
  }
  set llBit(value: boolean) {
    this.r[StateWord.LlBit] = value ? 1 : 0;
  }
  get llAddress(): number {
    return this.r[StateWord.LlAddress]!;
  }
  set llAddress(value: number) {
    this.r[StateWord.LlAddress] = value;
  }
  /** The UserLocal register read by RDHWR $29 (Linux's thread pointer; CP0 4,2 in system mode), a state word. */
  get userLocal(): number {
    return this.r[StateWord.UserLocal]!;
  }
  set userLocal(value: number) {
    this.r[StateWord.UserLocal] = value;
  }
  /** Instructions retired since creation. */
  instructions = 0;
  /** A memory helper's pending fault (0: none) and its address. */
  faultCode: ExcCode | 0 = 0;
  faultAddress = 0;
  /** Coprocessor 0, present only on the system-mode CPU; user mode has none (CP0 use is CpU). */
  cp0: Cp0 | undefined;
  /** Where JALRs went, for the JIT (user mode under it; CallTargets), else undefined. */
  callTargets: CallTargets | undefined;
  /**
   * Status.FR: 64-bit FPRs, any register holds a double (FR=1); else 32-bit FPRs paired for
   * doubles (FR=0). Linux user mode sets it per process, system mode from Status.
   */
  fpr64 = false;

  constructor(buffer: ArrayBuffer, stateBase: number, cp0: Cp0 | undefined) {
    this.bindState(buffer, stateBase);
    this.cp0 = cp0;
    // FIR of QEMU's 24Kf: F64, L, W, D, S, processor id 0x93 (0x00739300).
    this.r[StateWord.Fir] = 0x0073_0000 | 0x9300;
  }

  /** (Re)creates the register views (the system VM's memory can grow, which replaces its buffer). */
  protected bindState(buffer: ArrayBuffer, stateBase: number): void {
    const views = stateViews(buffer, stateBase);
    this.r = views.words;
    this.fprBits = views.fprBits;
    this.fprSingle = views.fprSingle;
    this.fprDouble = views.fprDouble;
  }

  /** Index in fprBits of the low word of the double (or long) that FPR `register` names. */
  doubleLowIndex(register: number): number {
    return this.fpr64 ? register * 2 : (register & ~1) * 2;
  }
  /** Index in fprBits of its high word (FR=0: the odd register of the pair). */
  doubleHighIndex(register: number): number {
    return this.fpr64 ? register * 2 + 1 : (register | 1) * 2;
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

  /** Raises an exception at the current instruction (cpu.pc, cpu.inDelaySlot). */
  abstract raise(code: ExcCode, badVAddr: number): Status;

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

  // ---- Memory helpers: on a fault they record faultCode/faultAddress and return 0 / false ----

  abstract read8(address: number): number;
  abstract read16(address: number): number;
  abstract read32(address: number): number;
  /** Reads the aligned word containing `address` (for LWL/LWR); alignment is not checked. */
  abstract readAlignedWord(address: number): number;
  abstract write8(address: number, value: number): boolean;
  abstract write16(address: number, value: number): boolean;
  abstract write32(address: number, value: number): boolean;
  /** Writes the aligned word containing `address` (for SWL/SWR); alignment is not checked. */
  abstract writeAlignedWord(address: number, value: number): boolean;
  /** LL: the link's address; the system CPU records the physical word for other VCPUs' stores. */
  link(address: number): void {
    this.llBit = true;
    this.llAddress = address;
  }

  /**
   * For compiled code: the handler it called retired its instruction, yet compiled code must
   * stop (its code was dropped, or an exit is pending). Moves to the next instruction and reports
   * Redirected, as an exception redirect does.
   */
  leaveAfterInstruction(): Status {
    this.pc = this.npc;
    this.npc = this.nnpc;
    this.nextInDelaySlot = false;
    return Status.Redirected;
  }

  /** SC succeeded or ERET: the link ends. */
  clearLink(): void {
    this.llBit = false;
  }

  /** Drops cached code of the page holding virtual address `address` (SYNCI, cacheflush). */
  abstract invalidateCode(address: number): void;

  /** WAIT (user mode has no WAIT: a Coprocessor Unusable exception). */
  waitForInterrupt(): Status {
    return this.raise(ExcCode.CpU, 0);
  }

  /** SDBBP: without a debugger attached, a breakpoint exception. */
  debugBreakpoint(): Status {
    return this.raise(ExcCode.Bp, 0);
  }

  /** RDHWR's registers: the value of hardware register `register`, or undefined for RI. */
  abstract hardwareRegister(register: number): number | undefined;

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
}
