// The FPU (COP1): arithmetic, conversions, compares, moves, FCSR access and the BC1 branches, with
// the semantics of QEMU 7.2's MIPS 24Kf (FR=0 or FR=1, see cpu.fpr64) with legacy (pre-2008) NaNs:
// - every NaN result is the default NaN (single 0x7fbfffff, double 0x7ff7ffff_ffffffff); a NaN
//   whose most significant fraction bit is SET is signalling and makes an operation Invalid;
// - each arithmetic instruction overwrites FCSR.Cause; when a cause bit is enabled it raises FPE
//   with the destination and the Flags unchanged, otherwise Flags accumulate;
// - ABS/NEG/MOV are bit operations (no flags, Cause untouched); MADD-family instructions are
//   unfused (multiply, round, add, round); RECIP is 1/x and RSQRT is 1/sqrt(x), each rounded;
// - with FR=0 a .d operand with an odd register number raises Reserved Instruction, and so does
//   every .l-format instruction (they need FR=1, as in QEMU);
// - conversions to integers that overflow or see a NaN give 0x7fffffff (.l: 0x7fffffff_ffffffff)
//   and raise Invalid only.
// The rounding itself lives in softfloat.ts.

import { ExcCode, Status } from '../../runtime/exceptions.js';
import { StateWord } from '../../runtime/state.js';
import { branchTarget } from '../isa/operands.js';
import type { CpuBase } from './cpu-base.js';
import { fdOf, fsOf, ftOf, rdOf, rtOf } from './fields.js';
import type { Handler } from './handlers.js';
import {
  add,
  div,
  DOUBLE,
  FpFlag,
  fromInt32,
  fromInteger,
  mul,
  round,
  Rounding,
  SINGLE,
  sqrt,
  toInteger,
  type FpEnv,
} from './softfloat.js';



// ---- instruction fields ----
const frOf = (w: number) => (w >>> 21) & 31; // COP1X
const ccOf = (w: number) => (w >>> 18) & 7; // MOVF/MOVT/BC1x, and fd >> 2 for C.cond
const cmpCcOf = (w: number) => (w >>> 8) & 7;

// ---- FCSR ----
const CAUSE_SHIFT = 12;
const CAUSE_MASK = 0x3f << CAUSE_SHIFT;
const FLAGS_SHIFT = 2;
const ENABLES_SHIFT = 7;
/** FCSR bits writable through CTC1 $31 on a 24Kf. */
const FCSR_WRITABLE = 0xff83_ffff;

const fccBit = (cc: number) => (cc === 0 ? 1 << 23 : 1 << (24 + cc));
const fcc = (cpu: CpuBase, cc: number) => (cpu.fcsr & fccBit(cc)) !== 0;

/** The rounding environment of the current instruction (one per module: handlers do not nest). */
const env: FpEnv = { rm: Rounding.Nearest, fs: false, flags: 0 };
function begin(cpu: CpuBase): FpEnv {
  const fcsr = cpu.fcsr;
  env.rm = fcsr & 3;
  env.fs = (fcsr & (1 << 24)) !== 0;
  env.flags = 0;
  return env;
}

/**
 * Records the instruction's exceptions in FCSR. Returns false (after raising FPE) when an enabled
 * exception occurred: the caller must then leave the destination alone.
 */
function commit(cpu: CpuBase): boolean {
  const flags = env.flags;
  let fcsr = (cpu.fcsr & ~CAUSE_MASK) | (flags << CAUSE_SHIFT);
  if ((flags & (fcsr >>> ENABLES_SHIFT) & 0x1f) !== 0) {
    cpu.fcsr = fcsr;
    return false;
  }
  fcsr |= (flags & 0x1f) << FLAGS_SHIFT;
  cpu.fcsr = fcsr;
  return true;
}
const trap = (cpu: CpuBase) => cpu.raise(ExcCode.FPE, 0);
const reserved = (cpu: CpuBase) => cpu.raise(ExcCode.RI, 0);

// ---- register access (runtime/state.ts: FPR n's low word is fprBits[2n], its high word 2n + 1) ----
const S_DEFAULT_NAN = 0x7fbf_ffff;
const D_DEFAULT_NAN_HI = 0x7ff7_ffff;
const D_DEFAULT_NAN_LO = -1;

const isNanS = (bits: number) => (bits & 0x7f80_0000) === 0x7f80_0000 && (bits & 0x7f_ffff) !== 0;
const isNanD = (hi: number, lo: number) => (hi & 0x7ff0_0000) === 0x7ff0_0000 && ((hi & 0xf_ffff) | lo) !== 0;

/** An operand: its value (NaN for any NaN) and whether it is a signalling NaN. */
let snan = false;
/** A double's two words meet here when FR=0 splits them over two registers. */
const pairBits = new Int32Array(2);
const pairDouble = new Float64Array(pairBits.buffer);

function readS(cpu: CpuBase, reg: number): number {
  const bits = cpu.fprBits[reg * 2]!;
  if (isNanS(bits)) {
    snan ||= (bits & 0x40_0000) !== 0;
    return NaN;
  }
  return cpu.fprSingle[reg * 2]!;
}
function readD(cpu: CpuBase, reg: number): number {
  const lo = cpu.fprBits[cpu.doubleLowIndex(reg)]!;
  const hi = cpu.fprBits[cpu.doubleHighIndex(reg)]!;
  if (isNanD(hi, lo)) {
    snan ||= (hi & 0x8_0000) !== 0;
    return NaN;
  }
  if (cpu.fpr64) return cpu.fprDouble[reg]!;
  pairBits[0] = lo;
  pairBits[1] = hi;
  return pairDouble[0]!;
}
/** Writes a single to FPR n's low word; the high word keeps its value (as QEMU does). */
function writeS(cpu: CpuBase, reg: number, value: number, negateNan = false): void {
  if (value !== value) cpu.fprBits[reg * 2] = negateNan ? S_DEFAULT_NAN | 0x8000_0000 : S_DEFAULT_NAN;
  else cpu.fprSingle[reg * 2] = value;
}
function writeD(cpu: CpuBase, reg: number, value: number, negateNan = false): void {
  if (value !== value) {
    writeDoubleBits(cpu, reg, D_DEFAULT_NAN_LO, negateNan ? D_DEFAULT_NAN_HI | 0x8000_0000 : D_DEFAULT_NAN_HI);
  } else if (cpu.fpr64) {
    cpu.fprDouble[reg] = value;
  } else {
    pairDouble[0] = value;
    writeDoubleBits(cpu, reg, pairBits[0]!, pairBits[1]!);
  }
}
function writeDoubleBits(cpu: CpuBase, reg: number, lo: number, hi: number): void {
  cpu.fprBits[cpu.doubleLowIndex(reg)] = lo;
  cpu.fprBits[cpu.doubleHighIndex(reg)] = hi;
}
/** The 64-bit integer (.L format) in FPR n (FR=1 only). */
function readL(cpu: CpuBase, reg: number): bigint {
  return BigInt.asIntN(64, (BigInt(cpu.fprBits[reg * 2 + 1]!) << 32n) | BigInt(cpu.fprBits[reg * 2]! >>> 0));
}
function writeL(cpu: CpuBase, reg: number, value: bigint): void {
  cpu.fprBits[reg * 2] = Number(BigInt.asIntN(32, value));
  cpu.fprBits[reg * 2 + 1] = Number(BigInt.asIntN(32, value >> 32n));
}

/** Starts an operation: clears the signalling-NaN note and sets up the rounding environment. */
function start(cpu: CpuBase): FpEnv {
  snan = false;
  return begin(cpu);
}
/** NaN operands (already read): Invalid if one was signalling; the result is the default NaN. */
function nanResult(e: FpEnv): number {
  if (snan) e.flags |= FpFlag.Invalid;
  return NaN;
}

// ---- generated handler families ----
type Fmt = typeof SINGLE;
interface Kind {
  readonly fmt: Fmt;
  readonly read: (cpu: CpuBase, reg: number) => number;
  readonly write: (cpu: CpuBase, reg: number, value: number, negateNan?: boolean) => void;
  /** True when `regs` (or-ed register numbers) are not valid for this format (FR=0, odd .d register). */
  readonly bad: (cpu: CpuBase, regs: number) => boolean;
}
const S: Kind = { fmt: SINGLE, read: readS, write: writeS, bad: () => false };
const D: Kind = { fmt: DOUBLE, read: readD, write: writeD, bad: (cpu, regs) => (regs & 1) !== 0 && !cpu.fpr64 };
const KINDS = { s: S, d: D } as const;

type Binary = (a: number, b: number, fmt: Fmt, e: FpEnv) => number;
function binary(k: Kind, op: Binary): Handler {
  return (cpu, w) => {
    const fd = fdOf(w);
    const fs = fsOf(w);
    const ft = ftOf(w);
    if (k.bad(cpu, fd | fs | ft)) return reserved(cpu);
    const e = start(cpu);
    const a = k.read(cpu, fs);
    const b = k.read(cpu, ft);
    const r = a !== a || b !== b ? nanResult(e) : op(a, b, k.fmt, e);
    if (!commit(cpu)) return trap(cpu);
    k.write(cpu, fd, r);
    return Status.Continue;
  };
}

type Unary = (a: number, fmt: Fmt, e: FpEnv) => number;
function unary(k: Kind, op: Unary): Handler {
  return (cpu, w) => {
    const fd = fdOf(w);
    const fs = fsOf(w);
    if (k.bad(cpu, fd | fs)) return reserved(cpu);
    const e = start(cpu);
    const a = k.read(cpu, fs);
    const r = a !== a ? nanResult(e) : op(a, k.fmt, e);
    if (!commit(cpu)) return trap(cpu);
    k.write(cpu, fd, r);
    return Status.Continue;
  };
}

const recip: Unary = (a, fmt, e) => div(1, a, fmt, e);
const rsqrt: Unary = (a, fmt, e) => {
  const root = sqrt(a, fmt, e);
  return root !== root ? root : div(1, root, fmt, e);
};

/** MADD/MSUB/NMADD/NMSUB: fd = ±(fs * ft ± fr), unfused. */
function multiplyAdd(k: Kind, subtract: boolean, negate: boolean): Handler {
  return (cpu, w) => {
    const fd = fdOf(w);
    const fs = fsOf(w);
    const ft = ftOf(w);
    const fr = frOf(w);
    if (k.bad(cpu, fd | fs | ft | fr)) return reserved(cpu);
    const e = start(cpu);
    const a = k.read(cpu, fs);
    const b = k.read(cpu, ft);
    let product: number;
    if (a !== a || b !== b) {
      product = nanResult(e);
      snan = false;
    } else {
      product = mul(a, b, k.fmt, e);
    }
    const c = k.read(cpu, fr);
    let r: number;
    if (product !== product || c !== c) r = nanResult(e);
    else r = add(product, subtract ? -c : c, k.fmt, e);
    if (!commit(cpu)) return trap(cpu);
    k.write(cpu, fd, negate ? -r : r, negate);
    return Status.Continue;
  };
}

/** C.cond.fmt: bit 0 of cond = unordered, bit 1 = equal, bit 2 = less; cond >= 8 signals on qNaN. */
function compare(k: Kind, cond: number): Handler {
  return (cpu, w) => {
    const fs = fsOf(w);
    const ft = ftOf(w);
    if (k.bad(cpu, fs | ft)) return reserved(cpu);
    const e = start(cpu);
    const a = k.read(cpu, fs);
    const b = k.read(cpu, ft);
    const unordered = a !== a || b !== b;
    if (unordered && (cond >= 8 || snan)) e.flags |= FpFlag.Invalid;
    const result = unordered ? (cond & 1) !== 0 : ((cond & 2) !== 0 && a === b) || ((cond & 4) !== 0 && a < b);
    if (!commit(cpu)) return trap(cpu);
    const bit = fccBit(cmpCcOf(w));
    cpu.fcsr = result ? cpu.fcsr | bit : cpu.fcsr & ~bit;
    return Status.Continue;
  };
}

/** CVT.W / ROUND.W / TRUNC.W / CEIL.W / FLOOR.W: fixed rounding mode, or FCSR.RM when undefined. */
function toWord(k: Kind, rm: Rounding | undefined): Handler {
  return (cpu, w) => {
    const fd = fdOf(w);
    const fs = fsOf(w);
    if (k.bad(cpu, fs)) return reserved(cpu);
    const e = start(cpu);
    const a = k.read(cpu, fs);
    let result = 0x7fff_ffff;
    if (a !== a) {
      e.flags |= FpFlag.Invalid;
    } else {
      const n = toInteger(a, 32, rm ?? e.rm, e);
      if (n !== undefined) result = Number(n);
    }
    if (!commit(cpu)) return trap(cpu);
    cpu.fprBits[fd * 2] = result;
    return Status.Continue;
  };
}

/** What a conversion to a 64-bit integer gives on overflow or NaN. */
const LONG_OVERFLOW = 0x7fff_ffff_ffff_ffffn;

/**
 * CVT.L / ROUND.L / TRUNC.L / CEIL.L / FLOOR.L: as toWord, to a 64-bit integer in FPR fd (FR=1
 * only: with FR=0 these are Reserved Instructions, as in QEMU).
 */
function toLong(k: Kind, rm: Rounding | undefined): Handler {
  return (cpu, w) => {
    const fd = fdOf(w);
    const fs = fsOf(w);
    if (!cpu.fpr64) return reserved(cpu);
    const e = start(cpu);
    const a = k.read(cpu, fs);
    let result = LONG_OVERFLOW;
    if (a !== a) {
      e.flags |= FpFlag.Invalid;
    } else {
      result = toInteger(a, 64, rm ?? e.rm, e) ?? LONG_OVERFLOW;
    }
    if (!commit(cpu)) return trap(cpu);
    writeL(cpu, fd, result);
    return Status.Continue;
  };
}

/** MOV/ABS/NEG: bit operations on the sign, no exceptions. */
function signOp(k: Kind, op: (sign: number) => number): Handler {
  return (cpu, w) => {
    const fd = fdOf(w);
    const fs = fsOf(w);
    if (k.bad(cpu, fd | fs)) return reserved(cpu);
    if (k === S) cpu.fprBits[fd * 2] = op(cpu.fprBits[fs * 2]!);
    else writeDoubleBits(cpu, fd, cpu.fprBits[cpu.doubleLowIndex(fs)]!, op(cpu.fprBits[cpu.doubleHighIndex(fs)]!));
    return Status.Continue;
  };
}

/**
 * MOVF/MOVT/MOVZ/MOVN.fmt: copy fs to fd when `when` holds. QEMU does not check .d register
 * numbers here: with FR=0 an odd number names its even/odd pair.
 */
function conditionalMove(k: Kind, when: (cpu: CpuBase, w: number) => boolean): Handler {
  return (cpu, w) => {
    const fd = fdOf(w);
    const fs = fsOf(w);
    if (!when(cpu, w)) return Status.Continue;
    if (k === S) cpu.fprBits[fd * 2] = cpu.fprBits[fs * 2]!;
    else writeDoubleBits(cpu, fd, cpu.fprBits[cpu.doubleLowIndex(fs)]!, cpu.fprBits[cpu.doubleHighIndex(fs)]!);
    return Status.Continue;
  };
}

// The per-format rows, with their assembly forms (fmt = S or D):
//   ADD/SUB/MUL/DIV.fmt fd, fs, ft          SQRT/RECIP/RSQRT/ABS/NEG/MOV.fmt fd, fs
//   MOVF/MOVT.fmt fd, fs, cc                MOVZ/MOVN.fmt fd, fs, rt
//   CVT/ROUND/TRUNC/CEIL/FLOOR.W.fmt fd, fs  CVT/ROUND/TRUNC/CEIL/FLOOR.L.fmt fd, fs (FR=1)
//   MADD/MSUB/NMADD/NMSUB.fmt fd, fr, fs, ft C.cond.fmt cc, fs, ft
function formatHandlers(name: 's' | 'd'): Record<string, Handler> {
  const k = KINDS[name];
  const handlers: Record<string, Handler> = {
    [`add.${name}`]: binary(k, add),
    [`sub.${name}`]: binary(k, (a, b, fmt, e) => add(a, -b, fmt, e)),
    [`mul.${name}`]: binary(k, mul),
    [`div.${name}`]: binary(k, div),
    [`sqrt.${name}`]: unary(k, sqrt),
    [`recip.${name}`]: unary(k, recip),
    [`rsqrt.${name}`]: unary(k, rsqrt),
    [`abs.${name}`]: signOp(k, (x) => x & 0x7fff_ffff),
    [`neg.${name}`]: signOp(k, (x) => x ^ 0x8000_0000),
    [`mov.${name}`]: signOp(k, (x) => x),
    [`movf.${name}`]: conditionalMove(k, (cpu, w) => !fcc(cpu, ccOf(w))),
    [`movt.${name}`]: conditionalMove(k, (cpu, w) => fcc(cpu, ccOf(w))),
    [`movz.${name}`]: conditionalMove(k, (cpu, w) => cpu.r[rtOf(w)] === 0),
    [`movn.${name}`]: conditionalMove(k, (cpu, w) => cpu.r[rtOf(w)] !== 0),
    [`cvt.w.${name}`]: toWord(k, undefined),
    [`round.w.${name}`]: toWord(k, Rounding.Nearest),
    [`trunc.w.${name}`]: toWord(k, Rounding.Zero),
    [`ceil.w.${name}`]: toWord(k, Rounding.Up),
    [`floor.w.${name}`]: toWord(k, Rounding.Down),
    [`madd.${name}`]: multiplyAdd(k, false, false),
    [`msub.${name}`]: multiplyAdd(k, true, false),
    [`nmadd.${name}`]: multiplyAdd(k, false, true),
    [`nmsub.${name}`]: multiplyAdd(k, true, true),
  };
  handlers[`cvt.l.${name}`] = toLong(k, undefined);
  handlers[`round.l.${name}`] = toLong(k, Rounding.Nearest);
  handlers[`trunc.l.${name}`] = toLong(k, Rounding.Zero);
  handlers[`ceil.l.${name}`] = toLong(k, Rounding.Up);
  handlers[`floor.l.${name}`] = toLong(k, Rounding.Down);
  const conditions = ['f', 'un', 'eq', 'ueq', 'olt', 'ult', 'ole', 'ule', 'sf', 'ngle', 'seq', 'ngl', 'lt', 'nge', 'le', 'ngt'];
  conditions.forEach((cond, index) => {
    handlers[`c.${cond}.${name}`] = compare(k, index);
  });
  return handlers;
}

/** CVT.fmt.fmt between S, D, W and L (sources read with `from`, results written with `to`). */
function convert(from: 's' | 'd' | 'w' | 'l', to: 's' | 'd'): Handler {
  const target = KINDS[to];
  return (cpu, w) => {
    const fd = fdOf(w);
    const fs = fsOf(w);
    if (from === 'l' && !cpu.fpr64) return reserved(cpu);
    if ((from === 'd' && D.bad(cpu, fs)) || (to === 'd' && D.bad(cpu, fd))) return reserved(cpu);
    const e = start(cpu);
    let r: number;
    if (from === 'w') {
      r = fromInt32(cpu.fprBits[fs * 2]!, target.fmt, e);
    } else if (from === 'l') {
      r = fromInteger(readL(cpu, fs), target.fmt, e);
    } else {
      const a = KINDS[from].read(cpu, fs);
      r = a !== a ? nanResult(e) : round(a, target.fmt, e);
    }
    if (!commit(cpu)) return trap(cpu);
    target.write(cpu, fd, r);
    return Status.Continue;
  };
}

// ---- FCSR access ----

/** CFC1 as QEMU reads the control registers of a 24Kf (no UFR/FRE support). */
function readControl(cpu: CpuBase, reg: number): number {
  const fcsr = cpu.fcsr;
  switch (reg) {
    case 0:
      return cpu.r[StateWord.Fir]!;
    case 1:
    case 5:
      return 0;
    case 25: // FCCR: FCC7..1 then FCC0
      return ((fcsr >>> 24) & 0xfe) | ((fcsr >>> 23) & 1);
    case 26: // FEXR: Cause and Flags
      return fcsr & 0x0003_f07c;
    case 28: // FENR: Enables, FS (as bit 2) and RM
      return (fcsr & 0x0000_0f83) | ((fcsr >>> 22) & 4);
    default:
      return fcsr;
  }
}

/** CTC1; returns false when the write is ignored. */
function writeControl(cpu: CpuBase, reg: number, value: number): boolean {
  const fcsr = cpu.fcsr;
  switch (reg) {
    case 25:
      if ((value & 0xffff_ff00) !== 0) return false;
      cpu.fcsr = (fcsr & 0x017f_ffff) | ((value & 0xfe) << 24) | ((value & 1) << 23);
      return true;
    case 26:
      if ((value & 0x007c_0000) !== 0) return false;
      cpu.fcsr = (fcsr & 0xfffc_0f83) | (value & 0x0003_f07c);
      return true;
    case 28:
      if ((value & 0x007c_0000) !== 0) return false;
      cpu.fcsr = (fcsr & 0xfeff_f07c) | (value & 0x0000_0f83) | ((value & 4) << 22);
      return true;
    case 31:
      cpu.fcsr = (value & FCSR_WRITABLE) | (fcsr & ~FCSR_WRITABLE);
      return true;
    default:
      return false;
  }
}

function bc1(likely: boolean, onTrue: boolean): Handler {
  return (cpu, w) => {
    const taken = fcc(cpu, ccOf(w)) === onTrue;
    if (likely) cpu.branchLikely(taken, branchTarget(cpu.pc, w));
    else cpu.branch(taken, branchTarget(cpu.pc, w));
    return Status.Continue;
  };
}

export const FPU_HANDLERS: Record<string, Handler> = {
  ...formatHandlers('s'),
  ...formatHandlers('d'),
  // CVT.D.S fd, fs
  'cvt.d.s': convert('s', 'd'),
  // CVT.S.D fd, fs
  'cvt.s.d': convert('d', 's'),
  // CVT.S.W fd, fs
  'cvt.s.w': convert('w', 's'),
  // CVT.D.W fd, fs
  'cvt.d.w': convert('w', 'd'),
  // CVT.S.L fd, fs (FR=1)
  'cvt.s.l': convert('l', 's'),
  // CVT.D.L fd, fs (FR=1)
  'cvt.d.l': convert('l', 'd'),
  // MFC1 rt, fs
  mfc1: (cpu, w) => ((cpu.r[rtOf(w)] = cpu.fprBits[fsOf(w) * 2]!), Status.Continue),
  // MTC1 rt, fs: the low word (FR=1: the high word keeps its value)
  mtc1: (cpu, w) => ((cpu.fprBits[fsOf(w) * 2] = cpu.r[rtOf(w)]!), Status.Continue),
  // MFHC1 rt, fs: the high word of FPR fs (FR=0: the odd register of the pair)
  mfhc1: (cpu, w) => ((cpu.r[rtOf(w)] = cpu.fprBits[cpu.doubleHighIndex(fsOf(w))]!), Status.Continue),
  // MTHC1 rt, fs
  mthc1: (cpu, w) => ((cpu.fprBits[cpu.doubleHighIndex(fsOf(w))] = cpu.r[rtOf(w)]!), Status.Continue),
  // CFC1 rt, fcr
  cfc1: (cpu, w) => ((cpu.r[rtOf(w)] = readControl(cpu, rdOf(w))), Status.Continue),
  // CTC1 rt, fcr: an enabled (or Unimplemented) cause bit in the new value traps at once
  ctc1: (cpu, w) => {
    if (!writeControl(cpu, rdOf(w), cpu.r[rtOf(w)]!)) return Status.Continue;
    const fcsr = cpu.fcsr;
    if ((((fcsr >>> ENABLES_SHIFT) & 0x1f) | 0x20) & (fcsr >>> CAUSE_SHIFT) & 0x3f) return trap(cpu);
    return Status.Continue;
  },
  // BC1F cc, offset
  bc1f: bc1(false, false),
  // BC1T cc, offset
  bc1t: bc1(false, true),
  // BC1FL cc, offset
  bc1fl: bc1(true, false),
  // BC1TL cc, offset
  bc1tl: bc1(true, true),
  // MOVF rd, rs, cc
  movf: (cpu, w) => {
    if (!fcc(cpu, ccOf(w))) cpu.r[rdOf(w)] = cpu.r[(w >>> 21) & 31]!;
    return Status.Continue;
  },
  // MOVT rd, rs, cc
  movt: (cpu, w) => {
    if (fcc(cpu, ccOf(w))) cpu.r[rdOf(w)] = cpu.r[(w >>> 21) & 31]!;
    return Status.Continue;
  },
};
