// MIPS32 exception codes (Cause.ExcCode) shared by the interpreter, the JIT and the runtime, the
// handlers' status codes, and the system-mode CPU's exception entry (one `enterException`).

import { CauseBit, Cp0Reg, StatusBit, type Cp0 } from './cp0.js';

export const enum ExcCode {
  Int = 0,
  Mod = 1,
  TLBL = 2,
  TLBS = 3,
  AdEL = 4,
  AdES = 5,
  IBE = 6,
  DBE = 7,
  Sys = 8,
  Bp = 9,
  RI = 10,
  CpU = 11,
  Ov = 12,
  Tr = 13,
  FPE = 15,
  Watch = 23,
  MCheck = 24,
}

/** What an instruction handler tells the run loop. Hot paths return these; they never throw. */
export const enum Status {
  /** Go on to the next instruction (PC advances through the delay-slot machinery). */
  Continue = 0,
  /** An exception redirected execution: cpu.pc / cpu.npc are already set. */
  Redirected = 1,
  /** Leave the run loop; cpu.pc is the instruction to execute when it is resumed. */
  Stop = 2,
}

// ---- Exception entry of the system-mode CPU ----

/** Where and how an exception happened. */
export interface ExceptionSite {
  /** The instruction that raised it (or the next one to execute, for an interrupt). */
  readonly pc: number;
  readonly inDelaySlot: boolean;
  /** The instruction's word and, in a delay slot, its branch's word (BadInstr, BadInstrP). */
  readonly word: number;
  readonly branchWord: number;
  /** The exception happened fetching the instruction (no BadInstr). */
  readonly duringFetch: boolean;
}

/** Extra facts some exceptions carry. */
export interface ExceptionDetail {
  badVAddr?: number;
  /** A TLB miss (no matching entry): the refill vector when EXL was clear. */
  refill?: boolean;
  /** The coprocessor of a CpU exception (Cause.CE). */
  coprocessor?: number;
}

const TLB_CODES = (1 << ExcCode.Mod) | (1 << ExcCode.TLBL) | (1 << ExcCode.TLBS);
const BAD_VADDR_CODES = TLB_CODES | (1 << ExcCode.AdEL) | (1 << ExcCode.AdES);

/**
 * Takes exception `code` as MIPS32r2 says: EPC and Cause.BD (unless EXL was set), Cause.ExcCode
 * and CE, BadVAddr, Context.BadVPN2 and EntryHi.VPN2 for TLB exceptions, BadInstr/BadInstrP,
 * Status.EXL. Returns the vector: BEV ? 0xbfc0_0200 : EBase, plus 0x000 for a refill taken with
 * EXL clear, 0x200 for an interrupt with Cause.IV, and 0x180 otherwise.
 */
export function enterException(cp0: Cp0, site: ExceptionSite, code: ExcCode, detail: ExceptionDetail = {}): number {
  const regs = cp0.regs;
  const status = regs[Cp0Reg.Status]!;
  const wasExl = (status & StatusBit.EXL) !== 0;
  let cause = regs[Cp0Reg.Cause]!;
  if (!wasExl) {
    regs[Cp0Reg.EPC] = site.inDelaySlot ? (site.pc - 4) | 0 : site.pc;
    cause = site.inDelaySlot ? cause | CauseBit.BD : cause & ~CauseBit.BD;
  }
  cause = (cause & ~(CauseBit.ExcCode | CauseBit.CE)) | (code << 2) | ((detail.coprocessor ?? 0) << 28);
  regs[Cp0Reg.Cause] = cause;
  if (((1 << code) & BAD_VADDR_CODES) !== 0 && detail.badVAddr !== undefined) {
    const address = detail.badVAddr;
    regs[Cp0Reg.BadVAddr] = address;
    if (((1 << code) & TLB_CODES) !== 0) {
      regs[Cp0Reg.Context] = (regs[Cp0Reg.Context]! & 0xff80_0000) | ((address >>> 13) << 4);
      regs[Cp0Reg.EntryHi] = (address & 0xffff_e000) | (regs[Cp0Reg.EntryHi]! & 0xff);
    }
  }
  if (code !== ExcCode.Int && !site.duringFetch) {
    regs[Cp0Reg.BadInstr] = site.word;
    if (site.inDelaySlot) regs[Cp0Reg.BadInstrP] = site.branchWord;
  }
  regs[Cp0Reg.Status] = status | StatusBit.EXL;
  const base = (status & StatusBit.BEV) !== 0 ? 0xbfc0_0200 | 0 : regs[Cp0Reg.EBase]! & (0xffff_f000 | 0);
  if (detail.refill === true && !wasExl) return base;
  if (code === ExcCode.Int && (cause & CauseBit.IV) !== 0) return (base + 0x200) | 0;
  return (base + 0x180) | 0;
}
