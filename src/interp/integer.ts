// Integer ALU, shift, multiply/divide, bit-manipulation and trap instructions.

import { ExcCode, Status } from '../../runtime/exceptions.js';
import { StateWord } from '../../runtime/state.js';
import type { CpuBase } from './cpu-base.js';
import { rdOf, rsOf, rtOf, saOf, simmOf, uimmOf } from './fields.js';
import type { Handler } from './handlers.js';

const HI = StateWord.Hi;
const LO = StateWord.Lo;


/** High 32 bits of the unsigned 64-bit product of two 32-bit values. */
export function multiplyHighUnsigned(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const aLow = a & 0xffff;
  const aHigh = a >>> 16;
  const bLow = b & 0xffff;
  const bHigh = b >>> 16;
  const lowLow = aLow * bLow;
  const lowHigh = aLow * bHigh;
  const highLow = aHigh * bLow;
  const middle = (lowLow >>> 16) + (lowHigh & 0xffff) + (highLow & 0xffff);
  return (aHigh * bHigh + (lowHigh >>> 16) + (highLow >>> 16) + (middle >>> 16)) | 0;
}

/** High 32 bits of the signed 64-bit product of two 32-bit values. */
export function multiplyHighSigned(a: number, b: number): number {
  let high = multiplyHighUnsigned(a, b);
  if (a < 0) high = (high - b) | 0;
  if (b < 0) high = (high - a) | 0;
  return high;
}

/** HI:LO += sign * (high:low), as 64-bit arithmetic. */
function accumulate(cpu: CpuBase, high: number, low: number, subtract: boolean): void {
  const r = cpu.r;
  const lo = r[LO]! >>> 0;
  const hi = r[HI]!;
  if (subtract) {
    const newLow = (lo - (low >>> 0)) >>> 0;
    const borrow = newLow > lo ? 1 : 0;
    r[LO] = newLow;
    r[HI] = (hi - high - borrow) | 0;
  } else {
    const newLow = (lo + (low >>> 0)) >>> 0;
    const carry = newLow < lo ? 1 : 0;
    r[LO] = newLow;
    r[HI] = (hi + high + carry) | 0;
  }
}

/** Sets rd unless it would overflow 32-bit two's complement; then raises Integer Overflow. */
function setChecked(cpu: CpuBase, register: number, exact: number): Status {
  if (exact > 0x7fff_ffff || exact < -0x8000_0000) return cpu.raise(ExcCode.Ov, 0);
  cpu.r[register] = exact;
  return Status.Continue;
}

function trapIf(cpu: CpuBase, condition: boolean): Status {
  return condition ? cpu.raise(ExcCode.Tr, 0) : Status.Continue;
}

export const INTEGER_HANDLERS: Record<string, Handler> = {
  // SLL rd, rt, sa
  sll: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rtOf(w)]! << saOf(w)), Status.Continue),
  // SRL rd, rt, sa
  srl: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rtOf(w)]! >>> saOf(w)), Status.Continue),
  // ROTR rd, rt, sa
  rotr: (cpu, w) => {
    const value = cpu.r[rtOf(w)]!;
    const sa = saOf(w);
    cpu.r[rdOf(w)] = (value >>> sa) | (value << (32 - sa));
    return Status.Continue;
  },
  // SRA rd, rt, sa
  sra: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rtOf(w)]! >> saOf(w)), Status.Continue),
  // SLLV rd, rt, rs
  sllv: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rtOf(w)]! << (cpu.r[rsOf(w)]! & 31)), Status.Continue),
  // SRLV rd, rt, rs
  srlv: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rtOf(w)]! >>> (cpu.r[rsOf(w)]! & 31)), Status.Continue),
  // ROTRV rd, rt, rs
  rotrv: (cpu, w) => {
    const value = cpu.r[rtOf(w)]!;
    const amount = cpu.r[rsOf(w)]! & 31;
    cpu.r[rdOf(w)] = (value >>> amount) | (value << (32 - amount));
    return Status.Continue;
  },
  // SRAV rd, rt, rs
  srav: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rtOf(w)]! >> (cpu.r[rsOf(w)]! & 31)), Status.Continue),
  // MOVZ rd, rs, rt
  movz: (cpu, w) => {
    if (cpu.r[rtOf(w)] === 0) cpu.r[rdOf(w)] = cpu.r[rsOf(w)]!;
    return Status.Continue;
  },
  // MOVN rd, rs, rt
  movn: (cpu, w) => {
    if (cpu.r[rtOf(w)] !== 0) cpu.r[rdOf(w)] = cpu.r[rsOf(w)]!;
    return Status.Continue;
  },
  // MFHI rd
  mfhi: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[HI]!), Status.Continue),
  // MTHI rs
  mthi: (cpu, w) => ((cpu.r[HI] = cpu.r[rsOf(w)]!), Status.Continue),
  // MFLO rd
  mflo: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[LO]!), Status.Continue),
  // MTLO rs
  mtlo: (cpu, w) => ((cpu.r[LO] = cpu.r[rsOf(w)]!), Status.Continue),
  // MULT rs, rt
  mult: (cpu, w) => {
    const a = cpu.r[rsOf(w)]!;
    const b = cpu.r[rtOf(w)]!;
    cpu.r[LO] = Math.imul(a, b);
    cpu.r[HI] = multiplyHighSigned(a, b);
    return Status.Continue;
  },
  // MULTU rs, rt
  multu: (cpu, w) => {
    const a = cpu.r[rsOf(w)]!;
    const b = cpu.r[rtOf(w)]!;
    cpu.r[LO] = Math.imul(a, b);
    cpu.r[HI] = multiplyHighUnsigned(a, b);
    return Status.Continue;
  },
  // DIV zero, rs, rt: as QEMU, a zero divisor (or INT_MIN / -1) divides by 1: LO = rs, HI = 0.
  div: (cpu, w) => {
    const dividend = cpu.r[rsOf(w)]!;
    let divisor = cpu.r[rtOf(w)]!;
    if (divisor === 0 || (dividend === -0x8000_0000 && divisor === -1)) divisor = 1;
    cpu.r[LO] = (dividend / divisor) | 0;
    cpu.r[HI] = dividend % divisor | 0;
    return Status.Continue;
  },
  // DIVU zero, rs, rt: a zero divisor divides by 1, as QEMU.
  divu: (cpu, w) => {
    const dividend = cpu.r[rsOf(w)]! >>> 0;
    let divisor = cpu.r[rtOf(w)]! >>> 0;
    if (divisor === 0) divisor = 1;
    cpu.r[LO] = Math.floor(dividend / divisor) | 0;
    cpu.r[HI] = dividend % divisor | 0;
    return Status.Continue;
  },
  // ADD rd, rs, rt
  add: (cpu, w) => setChecked(cpu, rdOf(w), cpu.r[rsOf(w)]! + cpu.r[rtOf(w)]!),
  // ADDU rd, rs, rt
  addu: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rsOf(w)]! + cpu.r[rtOf(w)]!), Status.Continue),
  // SUB rd, rs, rt
  sub: (cpu, w) => setChecked(cpu, rdOf(w), cpu.r[rsOf(w)]! - cpu.r[rtOf(w)]!),
  // SUBU rd, rs, rt
  subu: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rsOf(w)]! - cpu.r[rtOf(w)]!), Status.Continue),
  // AND rd, rs, rt
  and: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rsOf(w)]! & cpu.r[rtOf(w)]!), Status.Continue),
  // OR rd, rs, rt
  or: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rsOf(w)]! | cpu.r[rtOf(w)]!), Status.Continue),
  // XOR rd, rs, rt
  xor: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rsOf(w)]! ^ cpu.r[rtOf(w)]!), Status.Continue),
  // NOR rd, rs, rt
  nor: (cpu, w) => ((cpu.r[rdOf(w)] = ~(cpu.r[rsOf(w)]! | cpu.r[rtOf(w)]!)), Status.Continue),
  // SLT rd, rs, rt
  slt: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rsOf(w)]! < cpu.r[rtOf(w)]! ? 1 : 0), Status.Continue),
  // SLTU rd, rs, rt
  sltu: (cpu, w) => ((cpu.r[rdOf(w)] = cpu.r[rsOf(w)]! >>> 0 < cpu.r[rtOf(w)]! >>> 0 ? 1 : 0), Status.Continue),
  // TGE rs, rt, code
  tge: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)]! >= cpu.r[rtOf(w)]!),
  // TGEU rs, rt, code
  tgeu: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)]! >>> 0 >= cpu.r[rtOf(w)]! >>> 0),
  // TLT rs, rt, code
  tlt: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)]! < cpu.r[rtOf(w)]!),
  // TLTU rs, rt, code
  tltu: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)]! >>> 0 < cpu.r[rtOf(w)]! >>> 0),
  // TEQ rs, rt, code
  teq: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)] === cpu.r[rtOf(w)]),
  // TNE rs, rt, code
  tne: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)] !== cpu.r[rtOf(w)]),
  // TGEI rs, imm
  tgei: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)]! >= simmOf(w)),
  // TGEIU rs, imm (the immediate is sign-extended, then compared unsigned)
  tgeiu: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)]! >>> 0 >= simmOf(w) >>> 0),
  // TLTI rs, imm
  tlti: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)]! < simmOf(w)),
  // TLTIU rs, imm
  tltiu: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)]! >>> 0 < simmOf(w) >>> 0),
  // TEQI rs, imm
  teqi: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)] === simmOf(w)),
  // TNEI rs, imm
  tnei: (cpu, w) => trapIf(cpu, cpu.r[rsOf(w)] !== simmOf(w)),
  // ADDI rt, rs, imm
  addi: (cpu, w) => setChecked(cpu, rtOf(w), cpu.r[rsOf(w)]! + simmOf(w)),
  // ADDIU rt, rs, imm
  addiu: (cpu, w) => ((cpu.r[rtOf(w)] = cpu.r[rsOf(w)]! + simmOf(w)), Status.Continue),
  // SLTI rt, rs, imm
  slti: (cpu, w) => ((cpu.r[rtOf(w)] = cpu.r[rsOf(w)]! < simmOf(w) ? 1 : 0), Status.Continue),
  // SLTIU rt, rs, imm
  sltiu: (cpu, w) => ((cpu.r[rtOf(w)] = cpu.r[rsOf(w)]! >>> 0 < simmOf(w) >>> 0 ? 1 : 0), Status.Continue),
  // ANDI rt, rs, imm
  andi: (cpu, w) => ((cpu.r[rtOf(w)] = cpu.r[rsOf(w)]! & uimmOf(w)), Status.Continue),
  // ORI rt, rs, imm
  ori: (cpu, w) => ((cpu.r[rtOf(w)] = cpu.r[rsOf(w)]! | uimmOf(w)), Status.Continue),
  // XORI rt, rs, imm
  xori: (cpu, w) => ((cpu.r[rtOf(w)] = cpu.r[rsOf(w)]! ^ uimmOf(w)), Status.Continue),
  // LUI rt, imm
  lui: (cpu, w) => ((cpu.r[rtOf(w)] = uimmOf(w) << 16), Status.Continue),
  // MADD rs, rt
  madd: (cpu, w) => {
    const a = cpu.r[rsOf(w)]!;
    const b = cpu.r[rtOf(w)]!;
    accumulate(cpu, multiplyHighSigned(a, b), Math.imul(a, b), false);
    return Status.Continue;
  },
  // MADDU rs, rt
  maddu: (cpu, w) => {
    const a = cpu.r[rsOf(w)]!;
    const b = cpu.r[rtOf(w)]!;
    accumulate(cpu, multiplyHighUnsigned(a, b), Math.imul(a, b), false);
    return Status.Continue;
  },
  // MUL rd, rs, rt (HI and LO are left alone, as QEMU does)
  mul: (cpu, w) => ((cpu.r[rdOf(w)] = Math.imul(cpu.r[rsOf(w)]!, cpu.r[rtOf(w)]!)), Status.Continue),
  // MSUB rs, rt
  msub: (cpu, w) => {
    const a = cpu.r[rsOf(w)]!;
    const b = cpu.r[rtOf(w)]!;
    accumulate(cpu, multiplyHighSigned(a, b), Math.imul(a, b), true);
    return Status.Continue;
  },
  // MSUBU rs, rt
  msubu: (cpu, w) => {
    const a = cpu.r[rsOf(w)]!;
    const b = cpu.r[rtOf(w)]!;
    accumulate(cpu, multiplyHighUnsigned(a, b), Math.imul(a, b), true);
    return Status.Continue;
  },
  // CLZ rd, rs
  clz: (cpu, w) => ((cpu.r[rdOf(w)] = Math.clz32(cpu.r[rsOf(w)]!)), Status.Continue),
  // CLO rd, rs
  clo: (cpu, w) => ((cpu.r[rdOf(w)] = Math.clz32(~cpu.r[rsOf(w)]!)), Status.Continue),
  // EXT rt, rs, pos, size (lsb + msbd > 31 is a Reserved Instruction, as QEMU)
  ext: (cpu, w) => {
    const lsb = saOf(w);
    const msbd = rdOf(w);
    if (lsb + msbd > 31) return cpu.raise(ExcCode.RI, 0);
    const shifted = cpu.r[rsOf(w)]! >>> lsb;
    cpu.r[rtOf(w)] = msbd === 31 ? shifted : shifted & ((1 << (msbd + 1)) - 1);
    return Status.Continue;
  },
  // INS rt, rs, pos, size (msb < lsb is a Reserved Instruction, as QEMU)
  ins: (cpu, w) => {
    const lsb = saOf(w);
    const msb = rdOf(w);
    if (msb < lsb) return cpu.raise(ExcCode.RI, 0);
    const width = msb - lsb + 1;
    const mask = (width === 32 ? -1 : (1 << width) - 1) << lsb;
    const rt = rtOf(w);
    cpu.r[rt] = (cpu.r[rt]! & ~mask) | ((cpu.r[rsOf(w)]! << lsb) & mask);
    return Status.Continue;
  },
  // WSBH rd, rt
  wsbh: (cpu, w) => {
    const value = cpu.r[rtOf(w)]!;
    cpu.r[rdOf(w)] = ((value & 0x00ff_00ff) << 8) | ((value >>> 8) & 0x00ff_00ff);
    return Status.Continue;
  },
  // SEB rd, rt
  seb: (cpu, w) => ((cpu.r[rdOf(w)] = (cpu.r[rtOf(w)]! << 24) >> 24), Status.Continue),
  // SEH rd, rt
  seh: (cpu, w) => ((cpu.r[rdOf(w)] = (cpu.r[rtOf(w)]! << 16) >> 16), Status.Continue),
};
