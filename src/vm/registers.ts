// Register ids for vcpu.getOneReg / setOneReg, numbered as Linux KVM for MIPS numbers them (the low
// 32 bits of KVM_REG_MIPS_*): GPRs 0..31, HI 32, LO 33, PC 34; CP0 (rd, sel) at 0x1_0000 + rd * 8
// + sel; FPRs at 0x2_0000 + n (the low word: KVM's 32-bit FPR), and the high words of the 64-bit
// FPRs (Status.FR=1) at 0x2_0040 + n (mipsjit's own: ids here are 32 bits, KVM tells FPR_32 from
// FPR_64 by its size field); FPU control registers at 0x3_0000 + n (FIR 0, FCSR 31).

import { CP0_REGISTERS, Cp0Reg, isCp0Register } from '../../runtime/cp0.js';

const CP0_BASE = 0x1_0000;
const FPR_BASE = 0x2_0000;
const FPR_HIGH_BASE = 0x2_0040;
const FCR_BASE = 0x3_0000;

function gpr(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 31) throw new RangeError(`Reg.gpr(${n}): GPRs are 0..31`);
  return n;
}
function cp0(rd: number, sel = 0): number {
  if (!Number.isInteger(rd) || !Number.isInteger(sel) || rd < 0 || rd > 31 || sel < 0 || sel > 7) {
    throw new RangeError(`Reg.cp0(${rd}, ${sel}): rd is 0..31 and sel 0..7`);
  }
  return CP0_BASE + rd * 8 + sel;
}
/** The id `base + n` of FPR n's word; `name` is the Reg function asked (for the error). */
function fprId(name: string, base: number, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 31) throw new RangeError(`Reg.${name}(${n}): FPRs are 0..31`);
  return base + n;
}
const fpr = (n: number): number => fprId('fpr', FPR_BASE, n);
const fprHigh = (n: number): number => fprId('fprHigh', FPR_HIGH_BASE, n);

export const Reg = {
  gpr,
  cp0,
  fpr,
  fprHigh,
  HI: 32,
  LO: 33,
  PC: 34,
  FIR: FCR_BASE + 0,
  FCSR: FCR_BASE + 31,
  CP0_INDEX: CP0_BASE + Cp0Reg.Index,
  CP0_RANDOM: CP0_BASE + Cp0Reg.Random,
  CP0_ENTRYLO0: CP0_BASE + Cp0Reg.EntryLo0,
  CP0_ENTRYLO1: CP0_BASE + Cp0Reg.EntryLo1,
  CP0_CONTEXT: CP0_BASE + Cp0Reg.Context,
  CP0_USERLOCAL: CP0_BASE + Cp0Reg.UserLocal,
  CP0_PAGEMASK: CP0_BASE + Cp0Reg.PageMask,
  CP0_WIRED: CP0_BASE + Cp0Reg.Wired,
  CP0_HWRENA: CP0_BASE + Cp0Reg.HWREna,
  CP0_BADVADDR: CP0_BASE + Cp0Reg.BadVAddr,
  CP0_BADINSTR: CP0_BASE + Cp0Reg.BadInstr,
  CP0_BADINSTRP: CP0_BASE + Cp0Reg.BadInstrP,
  CP0_COUNT: CP0_BASE + Cp0Reg.Count,
  CP0_ENTRYHI: CP0_BASE + Cp0Reg.EntryHi,
  CP0_COMPARE: CP0_BASE + Cp0Reg.Compare,
  CP0_STATUS: CP0_BASE + Cp0Reg.Status,
  CP0_INTCTL: CP0_BASE + Cp0Reg.IntCtl,
  CP0_SRSCTL: CP0_BASE + Cp0Reg.SRSCtl,
  CP0_CAUSE: CP0_BASE + Cp0Reg.Cause,
  CP0_EPC: CP0_BASE + Cp0Reg.EPC,
  CP0_PRID: CP0_BASE + Cp0Reg.PRId,
  CP0_EBASE: CP0_BASE + Cp0Reg.EBase,
  CP0_CONFIG: CP0_BASE + Cp0Reg.Config0,
  CP0_CONFIG1: CP0_BASE + Cp0Reg.Config1,
  CP0_CONFIG2: CP0_BASE + Cp0Reg.Config2,
  CP0_CONFIG3: CP0_BASE + Cp0Reg.Config3,
  CP0_CONFIG4: CP0_BASE + Cp0Reg.Config4,
  CP0_CONFIG7: CP0_BASE + Cp0Reg.Config7,
  CP0_LLADDR: CP0_BASE + Cp0Reg.LLAddr,
  CP0_ERROREPC: CP0_BASE + Cp0Reg.ErrorEPC,
  CP0_KSCRATCH1: CP0_BASE + Cp0Reg.KScratch1,
  CP0_KSCRATCH2: CP0_BASE + Cp0Reg.KScratch2,
} as const;

/** What a register id names. */
export type RegisterId =
  | { readonly kind: 'gpr'; readonly index: number }
  | { readonly kind: 'hi' | 'lo' | 'pc' | 'fir' | 'fcsr' }
  | { readonly kind: 'cp0'; readonly reg: number }
  | { readonly kind: 'fpr'; readonly index: number; readonly high: boolean };

/** Decodes a register id; undefined when no register has it. */
export function registerOf(id: number): RegisterId | undefined {
  if (!Number.isInteger(id)) return undefined;
  if (id >= 0 && id < 32) return { kind: 'gpr', index: id };
  if (id === Reg.HI) return { kind: 'hi' };
  if (id === Reg.LO) return { kind: 'lo' };
  if (id === Reg.PC) return { kind: 'pc' };
  if (id === Reg.FIR) return { kind: 'fir' };
  if (id === Reg.FCSR) return { kind: 'fcsr' };
  if (id >= CP0_BASE && id < CP0_BASE + 256 && isCp0Register(id - CP0_BASE)) return { kind: 'cp0', reg: id - CP0_BASE };
  if (id >= FPR_BASE && id < FPR_BASE + 32) return { kind: 'fpr', index: id - FPR_BASE, high: false };
  if (id >= FPR_HIGH_BASE && id < FPR_HIGH_BASE + 32) return { kind: 'fpr', index: id - FPR_HIGH_BASE, high: true };
  return undefined;
}

/** Every CP0 register id, for listing (KVM_GET_REG_LIST). */
export const CP0_REGISTER_IDS: readonly number[] = CP0_REGISTERS.map((spec) => CP0_BASE + spec.reg);

/** Every register id getOneReg accepts, in KVM's order (KVM_GET_REG_LIST). */
export const REGISTER_IDS: readonly number[] = [
  ...Array.from({ length: 32 }, (_, n) => n),
  Reg.HI,
  Reg.LO,
  Reg.PC,
  ...CP0_REGISTER_IDS,
  ...Array.from({ length: 32 }, (_, n) => FPR_BASE + n),
  ...Array.from({ length: 32 }, (_, n) => FPR_HIGH_BASE + n),
  Reg.FIR,
  Reg.FCSR,
];
