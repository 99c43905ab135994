// Inline Wasm for the common FPU instructions, exact to the interpreter's softfloat: each op runs
// natively only when FCSR asks for round-to-nearest with no enables and no flush-to-zero, and the
// operands and result are comfortably normal; it then finds the inexact flag with error-free
// transformations (TwoSum, Dekker's product). Any other case calls the interpreter's handler.

import { doubleByteOffsets, fprByteOffset, StateWord } from '../runtime/state.js';
import { fdOf, fsOf, ftOf } from '../src/interp/fields.js';
import { ROWS } from '../src/isa/decode.js';
import type { Block, GuestInstruction } from './block.js';
import type { Expr, WasmEncoder } from './wasm-encoder.js';

/** Locals the FPU fast paths use (indices given by the region function's layout). */
export interface FpuLocals {
  readonly a: number; // f64
  readonly b: number; // f64
  readonly result: number; // f64
  readonly error: number; // f64
  readonly fcsr: number; // i32
  /** A double's bits on their way to two registers (FR=0). */
  readonly bits: number; // i64
}

/** FCSR.RM, Enables and FS: any set bit sends the op to the interpreter. */
const FCSR_SLOW_BITS = 0x3 | (0x1f << 7) | (1 << 24);
const CAUSE_MASK = 0x3f << 12;
/** Cause.I and Flags.I together. */
const INEXACT_BITS = (1 << 12) | (1 << 2);
/** Flags.I, the sticky inexact flag. */
const FLAG_INEXACT = 1 << 2;
/** Results and operands within [2^-900, 2^900] keep every error term exact and every split safe. */
const SAFE_LOW = 2 ** -900;
const SAFE_HIGH = 2 ** 900;
const SINGLE_MIN_NORMAL = 2 ** -126;
const SPLIT = 2 ** 27 + 1;


/** The rows this file translates. */
export const FPU_INLINE = new Set([
  'add.d', 'sub.d', 'mul.d', 'div.d', 'sqrt.d', 'add.s', 'sub.s', 'mul.s', 'div.s',
  'mov.d', 'abs.d', 'neg.d', 'mov.s', 'abs.s', 'neg.s',
  'cvt.d.w', 'cvt.d.s', 'cvt.s.d', 'trunc.w.d', 'trunc.w.s',
  ...['d', 's'].flatMap((fmt) => ['f', 'un', 'eq', 'ueq', 'olt', 'ult', 'ole', 'ule'].map((cond) => `c.${cond}.${fmt}`)),
]);

/** The FPR numbers of an inlined row that hold doubles (with FR=0 they must be even). */
function doubleOperands(name: string, fd: number, fs: number, ft: number): number[] {
  if (name === 'cvt.d.s' || name === 'cvt.d.w') return [fd];
  if (name === 'cvt.s.d' || name === 'trunc.w.d') return [fs];
  if (!name.endsWith('.d')) return [];
  if (name.startsWith('c.')) return [fs, ft];
  return [fd, fs, ft]; // ft is 0 in the two-operand rows
}

/**
 * Rows that cannot fault, leave compiled code or read FCSR.Cause (the inline integer rows without
 * memory access or traps, the FPR moves, the branches without a likely form's nullified slot).
 */
const CAUSE_NEUTRAL = new Set([
  'sll', 'srl', 'sra', 'sllv', 'srlv', 'srav', 'rotr', 'rotrv', 'movz', 'movn',
  'mfhi', 'mthi', 'mflo', 'mtlo', 'mult', 'multu', 'div', 'divu', 'madd', 'maddu', 'msub', 'msubu',
  'addu', 'subu', 'and', 'or', 'xor', 'nor', 'slt', 'sltu', 'addiu', 'slti', 'sltiu', 'andi', 'ori', 'xori', 'lui',
  'mul', 'clz', 'clo', 'seb', 'seh', 'wsbh', 'ext', 'ins', 'mfc1', 'mtc1', 'mfhc1', 'mthc1',
  'mov.d', 'abs.d', 'neg.d', 'mov.s', 'abs.s', 'neg.s',
  'beq', 'bne', 'blez', 'bgtz', 'bltz', 'bgez', 'bltzal', 'bgezal', 'j', 'jal', 'jr', 'jalr', 'bc1f', 'bc1t',
]);

/** What a row does to FCSR.Cause, for deadCauses. */
const enum CauseEffect {
  /** It may fault, leave compiled code or read FCSR: Cause must be exact before it. */
  Observes = 0,
  /** CAUSE_NEUTRAL, not an FPU row. */
  Neutral = 1,
  /** CAUSE_NEUTRAL, an FPU row (MOV/ABS/NEG.fmt): with FR=0 an odd double makes it Reserved Instruction. */
  NeutralFpu = 2,
  /** Every execution overwrites Cause (fast path and handler alike), given legal registers: a compare. */
  Writes = 3,
  /** Overwrites Cause, and its fast path only computes Cause and Flags.I, work a dead Cause may skip. */
  WritesOnlyCause = 4,
}
/** CauseEffect by row id (the translator asks for every instruction, while it is still cold code). */
const CAUSE_EFFECT_BY_ROW = Uint8Array.from(ROWS, ({ name }) => {
  if (CAUSE_NEUTRAL.has(name)) return FPU_INLINE.has(name) ? CauseEffect.NeutralFpu : CauseEffect.Neutral;
  if (!FPU_INLINE.has(name)) return CauseEffect.Observes;
  return name.startsWith('c.') ? CauseEffect.Writes : CauseEffect.WritesOnlyCause;
});

/** With FR=0, an inlined row naming a double by an odd register: its handler raises Reserved Instruction. */
function reservedDouble(instruction: GuestInstruction, fpr64: boolean): boolean {
  const { word, row } = instruction;
  return !fpr64 && doubleOperands(row.name, fdOf(word), fsOf(word), ftOf(word)).some((register) => (register & 1) !== 0);
}

/**
 * The FPU instructions of `block` whose FCSR.Cause nothing can see: a later instruction of the
 * block overwrites Cause, and nothing between them can fault, leave compiled code or read FCSR.
 * Their fast paths skip the inexact test once Flags.I is set (it would change only the dead
 * Cause): hello-default's `div.d` before the `add.d` in its loop branch's delay slot, where the
 * division's test is an error-free product (~17 flops). Cached runs, guest ms, medians of 9-15
 * interleaved rounds: hello-default 41 -> 38, cpubench 20 nbody 194 -> 161, matmul 187 -> 170.
 */
export function deadCauses(block: Block, fpr64: boolean): Set<GuestInstruction> | undefined {
  const instructions = block.instructions;
  let dead: Set<GuestInstruction> | undefined;
  let overwritten = false;
  // A delay slot in the next page runs after a check that may leave first (codegen/translate.ts).
  const last = block.slotInNextPage === true ? instructions.length - 2 : instructions.length - 1;
  for (let index = last; index >= 0; index--) {
    const instruction = instructions[index]!;
    const effect = CAUSE_EFFECT_BY_ROW[instruction.row.id]! as CauseEffect;
    if (effect === CauseEffect.Neutral) continue;
    if (effect === CauseEffect.Observes || reservedDouble(instruction, fpr64)) {
      overwritten = false;
    } else if (effect !== CauseEffect.NeutralFpu) {
      if (overwritten && effect === CauseEffect.WritesOnlyCause) (dead ??= new Set()).add(instruction);
      overwritten = true;
    }
  }
  return dead;
}

export class FpuTranslator {
  /** Byte offset of FCSR in the state block. */
  private readonly fcsrOffset: number;

  constructor(
    private readonly w: WasmEncoder,
    private readonly locals: FpuLocals,
    /** Byte offset of the VCPU's state block from `statePointer()`'s value. */
    private readonly stateBase: number,
    /** The address state offsets are relative to (0, or the VCPU block of shared code). */
    private readonly statePointer: () => Expr,
    /** Status.FR of the code: a double is one 64-bit FPR, else an even/odd pair of 32-bit ones. */
    private readonly fpr64: boolean,
  ) {
    this.fcsrOffset = stateBase + StateWord.Fcsr * 4;
  }

  private fprOffset(register: number): number {
    return fprByteOffset(register, this.stateBase);
  }

  /**
   * The inline code for `instruction`, falling back to `slow()` (the handler call) when the
   * fast path does not apply; undefined when the row always needs the handler here.
   */
  translate(instruction: GuestInstruction, slow: () => Expr, causeDead = false): Expr | undefined {
    const w = this.w;
    const { word, row } = instruction;
    const name = row.name;
    const fd = fdOf(word);
    const fs = fsOf(word);
    const ft = ftOf(word);
    // With FR=0, doubles named by odd registers are a Reserved Instruction: the handler raises it.
    if (!this.fpr64 && doubleOperands(name, fd, fs, ft).some((register) => (register & 1) !== 0)) return undefined;
    const L = this.locals;
    const m = w.m;
    const stateWord = (offset: number) => w.load(4, false, offset, this.statePointer());
    const loadD = (register: number) => {
      if (this.fpr64) return m.f64.load(this.fprOffset(register), 8, this.statePointer());
      const { low, high } = doubleByteOffsets(register, false, this.stateBase);
      return w.doubleFromBits(w.or64(w.extendU(stateWord(low)), w.shl64(w.extendU(stateWord(high)), 32)));
    };
    const loadS = (register: number) => m.f32.load(this.fprOffset(register), 4, this.statePointer());
    const storeD = (register: number, value: Expr) => {
      if (this.fpr64) return m.f64.store(this.fprOffset(register), 8, this.statePointer(), value);
      const { low, high } = doubleByteOffsets(register, false, this.stateBase);
      const bits = () => w.get(L.bits, 'i64');
      return w.block(null, [
        w.set(L.bits, w.bitsOfDouble(value)),
        w.store(4, low, this.statePointer(), w.low32(bits())),
        w.store(4, high, this.statePointer(), w.high32(bits())),
      ]);
    };
    const storeS = (register: number, value: Expr) => m.f32.store(this.fprOffset(register), 4, this.statePointer(), value);
    const f64 = (local: number) => w.get(local, 'f64');
    const fcsr = () => w.get(L.fcsr);
    const loadFcsr = () => w.set(L.fcsr, w.load(4, false, this.fcsrOffset, this.statePointer()));
    const fastAllowed = () => w.eqz(w.and(fcsr(), w.const(FCSR_SLOW_BITS)));
    /**
     * FCSR with Cause replaced: Cause.I and Flags.I when `inexact`. With a dead Cause (deadCauses),
     * only while Flags.I is clear: once it is set, the test could change nothing that is seen.
     */
    const commitInexact = (inexact: Expr) => {
      const commit = w.store(4, this.fcsrOffset, this.statePointer(), w.or(w.and(fcsr(), w.const(~CAUSE_MASK)), w.select(inexact, w.const(INEXACT_BITS), w.const(0))));
      return causeDead ? w.if(w.eqz(w.and(fcsr(), w.const(FLAG_INEXACT))), commit) : commit;
    };
    const clearCause = () => (causeDead ? w.nop() : w.store(4, this.fcsrOffset, this.statePointer(), w.and(fcsr(), w.const(~CAUSE_MASK))));
    const within = (local: number) =>
      w.and(m.f64.ge(m.f64.abs(f64(local)), m.f64.const(SAFE_LOW)), m.f64.le(m.f64.abs(f64(local)), m.f64.const(SAFE_HIGH)));
    const isZero = (local: number) => m.f64.eq(f64(local), m.f64.const(0));
    const zeroOrWithin = (local: number) => w.or(isZero(local), within(local));

    const bitsOp = (op: (high: Expr) => Expr) => {
      if (name.endsWith('.d')) {
        const to = doubleByteOffsets(fd, this.fpr64, this.stateBase);
        const from = doubleByteOffsets(fs, this.fpr64, this.stateBase);
        return w.block(null, [
          w.store(4, to.low, this.statePointer(), stateWord(from.low)),
          w.store(4, to.high, this.statePointer(), op(stateWord(from.high))),
        ]);
      }
      return w.store(4, this.fprOffset(fd), this.statePointer(), op(w.load(4, false, this.fprOffset(fs), this.statePointer())));
    };

    switch (name) {
      // MOV.fmt fd, fs / ABS.fmt fd, fs / NEG.fmt fd, fs: sign-bit operations, FCSR untouched
      case 'mov.d':
      case 'mov.s':
        return bitsOp((high) => high);
      case 'abs.d':
      case 'abs.s':
        return bitsOp((high) => w.and(high, w.const(0x7fff_ffff)));
      case 'neg.d':
      case 'neg.s':
        return bitsOp((high) => w.xor(high, w.const(-0x8000_0000)));
      // CVT.D.W fd, fs: always exact
      case 'cvt.d.w':
        return w.block(null, [
          loadFcsr(),
          storeD(fd, m.f64.convert_s.i32(w.load(4, false, this.fprOffset(fs), this.statePointer()))),
          clearCause(),
        ]);
      // CVT.D.S fd, fs: exact for every non-NaN single
      case 'cvt.d.s':
        return w.block(null, [
          loadFcsr(),
          w.set(L.a, m.f64.promote(loadS(fs))),
          w.if(
            w.and(fastAllowed(), m.f64.eq(f64(L.a), f64(L.a))),
            w.block(null, [storeD(fd, f64(L.a)), clearCause()]),
            slow(),
          ),
        ]);
      // CVT.S.D fd, fs
      case 'cvt.s.d':
        return w.block(null, [
          loadFcsr(),
          w.set(L.a, loadD(fs)),
          w.set(L.result, m.f64.promote(m.f32.demote(f64(L.a)))),
          w.if(
            w.and(
              fastAllowed(),
              w.and(m.f64.ge(m.f64.abs(f64(L.result)), m.f64.const(SINGLE_MIN_NORMAL)), m.f64.lt(m.f64.abs(f64(L.result)), m.f64.const(Infinity))),
            ),
            w.block(null, [storeS(fd, m.f32.demote(f64(L.result))), commitInexact(m.f64.ne(f64(L.result), f64(L.a)))]),
            slow(),
          ),
        ]);
      // TRUNC.W.fmt fd, fs
      case 'trunc.w.d':
      case 'trunc.w.s':
        return w.block(null, [
          loadFcsr(),
          w.set(L.a, name === 'trunc.w.d' ? loadD(fs) : m.f64.promote(loadS(fs))),
          w.if(
            w.and(fastAllowed(), w.and(m.f64.gt(f64(L.a), m.f64.const(-2147483649)), m.f64.lt(f64(L.a), m.f64.const(2147483648)))),
            w.block(null, [
              w.store(4, this.fprOffset(fd), this.statePointer(), m.i32.trunc_s.f64(f64(L.a))),
              commitInexact(m.f64.ne(m.f64.convert_s.i32(w.load(4, false, this.fprOffset(fd), this.statePointer())), f64(L.a))),
            ]),
            slow(),
          ),
        ]);
      default:
        break;
    }

    if (name.startsWith('c.')) {
      // C.cond.fmt cc, fs, ft (the quiet conditions): ordered operands compare without exceptions.
      const condition = row.fields.cc ? (word >>> 8) & 7 : 0;
      const ccBit = condition === 0 ? 1 << 23 : 1 << (24 + condition);
      const code = word & 15;
      const load = name.endsWith('.d') ? loadD : (register: number) => m.f64.promote(loadS(register));
      let result: Expr = w.const(0);
      if (code & 2) result = w.or(result, m.f64.eq(f64(L.a), f64(L.b)));
      if (code & 4) result = w.or(result, m.f64.lt(f64(L.a), f64(L.b)));
      return w.block(null, [
        loadFcsr(),
        w.set(L.a, load(fs)),
        w.set(L.b, load(ft)),
        w.if(
          w.and(m.f64.eq(f64(L.a), f64(L.a)), m.f64.eq(f64(L.b), f64(L.b))),
          w.store(
            4,
            this.fcsrOffset,
            this.statePointer(),
            w.or(w.and(fcsr(), w.const(~(CAUSE_MASK | ccBit))), w.select(result, w.const(ccBit), w.const(0))),
          ),
          slow(),
        ),
      ]);
    }

    const op = name.slice(0, name.indexOf('.'));
    if (name.endsWith('.d')) {
      // ADD/SUB/MUL/DIV/SQRT.D
      const a = () => f64(L.a);
      const b = () => f64(L.b);
      const r = () => f64(L.result);
      let compute: Expr;
      let inexact: Expr;
      let safe: Expr;
      switch (op) {
        case 'add':
        case 'sub': {
          compute = op === 'add' ? m.f64.add(a(), b()) : m.f64.sub(a(), b());
          // TwoSum of a and (+/-)b: the rounding error is zero iff the sum is exact.
          const bSigned = () => (op === 'add' ? b() : m.f64.neg(b()));
          inexact = m.f64.ne(this.twoSumError(a, bSigned, r), m.f64.const(0));
          safe = within(L.result);
          break;
        }
        case 'mul':
          compute = m.f64.mul(a(), b());
          inexact = m.f64.ne(this.productError(a, b, r), m.f64.const(0));
          // Also a zero times a safe operand (or zero): an exact, signed zero (with error terms 0).
          safe = w.or(
            w.and(within(L.result), w.and(within(L.a), within(L.b))),
            w.and(w.or(isZero(L.a), isZero(L.b)), w.and(zeroOrWithin(L.a), zeroOrWithin(L.b))),
          );
          break;
        case 'div':
          compute = m.f64.div(a(), b());
          // Exact iff result * b == a exactly: (a - p) == e where p + e = result * b.
          inexact = m.f64.ne(m.f64.sub(a(), m.f64.mul(r(), b())), this.productError(r, b, () => m.f64.mul(r(), b())));
          safe = w.and(within(L.result), w.and(within(L.a), within(L.b)));
          break;
        case 'sqrt':
          compute = m.f64.sqrt(a());
          // Exact iff result * result == a exactly.
          inexact = w.or(
            m.f64.ne(m.f64.mul(r(), r()), a()),
            m.f64.ne(this.productError(r, r, () => m.f64.mul(r(), r())), m.f64.const(0)),
          );
          safe = w.and(within(L.result), within(L.a));
          break;
        default:
          return undefined;
      }
      return w.block(null, [
        loadFcsr(),
        w.set(L.a, loadD(fs)),
        ...(op === 'sqrt' ? [] : [w.set(L.b, loadD(ft))]),
        w.set(L.result, compute),
        w.if(w.and(fastAllowed(), safe), w.block(null, [storeD(fd, r()), commitInexact(inexact)]), slow()),
      ]);
    }

    // ADD/SUB/MUL/DIV.S in double precision, then rounded to single (double rounding is exact
    // for these operations since 53 >= 2 * 24 + 2).
    const a = () => f64(L.a);
    const b = () => f64(L.b);
    let compute: Expr;
    let inexact: Expr;
    const single = () => m.f64.promote(m.f32.demote(f64(L.result)));
    switch (op) {
      case 'add':
      case 'sub': {
        compute = op === 'add' ? m.f64.add(a(), b()) : m.f64.sub(a(), b());
        const bSigned = () => (op === 'add' ? b() : m.f64.neg(b()));
        inexact = w.or(m.f64.ne(this.twoSumError(a, bSigned, () => f64(L.result)), m.f64.const(0)), m.f64.ne(single(), f64(L.result)));
        break;
      }
      case 'mul':
        compute = m.f64.mul(a(), b());
        inexact = m.f64.ne(single(), f64(L.result));
        break;
      case 'div':
        compute = m.f64.div(a(), b());
        inexact = m.f64.ne(m.f64.mul(single(), b()), a());
        break;
      default:
        return undefined;
    }
    const normalSingle = w.and(
      m.f64.ge(m.f64.abs(single()), m.f64.const(SINGLE_MIN_NORMAL)),
      m.f64.lt(m.f64.abs(single()), m.f64.const(Infinity)),
    );
    return w.block(null, [
      loadFcsr(),
      w.set(L.a, m.f64.promote(loadS(fs))),
      w.set(L.b, m.f64.promote(loadS(ft))),
      w.set(L.result, compute),
      w.if(w.and(fastAllowed(), normalSingle), w.block(null, [storeS(fd, m.f32.demote(f64(L.result))), commitInexact(inexact)]), slow()),
    ]);
  }

  /** The rounding error of sum = a + b (Knuth's TwoSum); uses L.error as scratch. */
  private twoSumError(a: () => Expr, b: () => Expr, sum: () => Expr): Expr {
    const m = this.w.m;
    const L = this.locals;
    const bVirtual = () => this.w.get(L.error, 'f64');
    // bVirtual = sum - a; error = (a - (sum - bVirtual)) + (b - bVirtual)
    return this.w.m.block(null, [
      this.w.set(L.error, m.f64.sub(sum(), a())),
      m.f64.add(m.f64.sub(a(), m.f64.sub(sum(), bVirtual())), m.f64.sub(b(), bVirtual())),
    ], this.f64Type());
  }

  /** The rounding error of product = x * y (Dekker's TwoProduct with Veltkamp splitting). */
  private productError(x: () => Expr, y: () => Expr, product: () => Expr): Expr {
    const m = this.w.m;
    const split = (value: () => Expr) => {
      // high = t - (t - value) with t = SPLIT * value; low = value - high
      const t = () => m.f64.mul(m.f64.const(SPLIT), value());
      const high = () => m.f64.sub(t(), m.f64.sub(t(), value()));
      return { high, low: () => m.f64.sub(value(), high()) };
    };
    const xs = split(x);
    const ys = split(y);
    return m.f64.add(
      m.f64.add(m.f64.add(m.f64.sub(m.f64.mul(xs.high(), ys.high()), product()), m.f64.mul(xs.high(), ys.low())), m.f64.mul(xs.low(), ys.high())),
      m.f64.mul(xs.low(), ys.low()),
    );
  }

  private f64Type(): number {
    return this.w.f64Type();
  }
}
