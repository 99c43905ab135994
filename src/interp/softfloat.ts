// IEEE 754 binary32/binary64 arithmetic with MIPS FCSR rounding modes and exception flags, bit-exact
// with QEMU 7.2's softfloat as configured for a pre-2008 MIPS FPU (legacy NaNs, default-NaN mode,
// tininess after rounding, FS flushing tiny results to zero without flags).
//
// Operands and results are JS numbers (a binary32 value is a number exactly representable as
// float32). NaN operands never reach these functions: the FPU handlers deal with NaNs in the bit
// domain (any NaN gives the default NaN). A NaN *result* (an invalid operation) is returned as NaN.
// Each operation first tries a fast path built on error-free transformations in double precision
// and falls back to exact BigInt arithmetic when the result is near the subnormal or overflow range.

/** FCSR cause/flag bits, in the Cause field's order (shift by 12 for Cause, by 2 for Flags). */
export const enum FpFlag {
  Inexact = 1,
  Underflow = 2,
  Overflow = 4,
  DivByZero = 8,
  Invalid = 16,
  Unimplemented = 32,
}

/** FCSR.RM */
export const enum Rounding {
  Nearest = 0,
  Zero = 1,
  Up = 2,
  Down = 3,
}

/** The rounding state of one operation: mode, flush-to-zero, and the accumulated IEEE flags. */
export interface FpEnv {
  rm: Rounding;
  fs: boolean;
  flags: number;
}

interface Format {
  /** Precision in bits, including the implicit bit. */
  readonly p: number;
  readonly emin: number;
  readonly emax: number;
  readonly max: number;
}
export const SINGLE: Format = { p: 24, emin: -126, emax: 127, max: 3.4028234663852886e38 };
export const DOUBLE: Format = { p: 53, emin: -1022, emax: 1023, max: Number.MAX_VALUE };
type Fmt = Format;
/** Integers up to this magnitude convert to a double exactly (fromInteger's fast path). */
const SAFE_INTEGER = BigInt(Number.MAX_SAFE_INTEGER);

// ---- bit helpers ----

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);
const scratchU64 = new BigUint64Array(scratchF64.buffer);
const scratchF32 = new Float32Array(1);
const scratchF32Bits = new Uint32Array(scratchF32.buffer);

/** 2^e for -1074 <= e <= 1023, exactly. */
function pow2(e: number): number {
  if (e >= -1022) {
    scratchU32[0] = 0;
    scratchU32[1] = (e + 1023) << 20;
  } else if (e >= -1042) {
    scratchU32[0] = 0;
    scratchU32[1] = 1 << (e + 1042);
  } else {
    scratchU32[0] = 2 ** (e + 1074);
    scratchU32[1] = 0;
  }
  return scratchF64[0]!;
}

/** Next double toward +inf (`up`) or -inf; x finite and nonzero. */
function nextDouble(x: number, up: boolean): number {
  scratchF64[0] = x;
  const towardLarger = (x > 0) === up;
  scratchU64[0] = towardLarger ? scratchU64[0]! + 1n : scratchU64[0]! - 1n;
  return scratchF64[0]!;
}
/** Next float toward +inf (`up`) or -inf; x a finite nonzero float. */
function nextSingle(x: number, up: boolean): number {
  scratchF32[0] = x;
  const towardLarger = (x > 0) === up;
  scratchF32Bits[0] = towardLarger ? scratchF32Bits[0]! + 1 : scratchF32Bits[0]! - 1;
  return scratchF32[0]!;
}

// ---- exact slow path ----

interface Exact {
  /** value = m * 2^q, m >= 0 */
  m: bigint;
  q: number;
}

/** Exact decomposition of a finite nonzero double (or float) magnitude. */
function decompose(x: number): Exact {
  scratchF64[0] = Math.abs(x);
  const bits = scratchU64[0]!;
  const exponent = Number(bits >> 52n);
  const fraction = bits & 0xf_ffff_ffff_ffffn;
  if (exponent === 0) return { m: fraction, q: -1074 };
  return { m: fraction | 0x10_0000_0000_0000n, q: exponent - 1075 };
}

function bitLength(m: bigint): number {
  return m.toString(2).length;
}

/**
 * Rounds sign * (m + sticky) * 2^q into `fmt` under env (m > 0 or sticky; sticky means a nonzero
 * amount smaller than 2^q is also present and must be below the rounding position). Sets flags.
 */
function roundExact(negative: boolean, m: bigint, q: number, sticky: boolean, fmt: Fmt, env: FpEnv): number {
  if (sticky) {
    // Make room so that the sticky part is strictly below the rounding position.
    m = (m << 2n) | 1n;
    q -= 2;
  }
  const n = bitLength(m);
  const e = q + n - 1; // value in [2^e, 2^(e+1))
  if (e < fmt.emin && env.fs) {
    // QEMU flushes before rounding and raises only output_denormal, which MIPS ignores.
    return negative ? -0 : 0;
  }
  const lsb = Math.max(e, fmt.emin) - fmt.p + 1;
  const { value: kept, inexact } = roundAt(m, q, lsb, negative, env.rm);
  let magnitude = kept; // kept * 2^lsb
  let resultLsb = lsb;
  if (magnitude === 1n << BigInt(fmt.p)) {
    magnitude >>= 1n;
    resultLsb++;
  }
  const resultExp = resultLsb + bitLength(magnitude) - 1;
  if (magnitude !== 0n && resultExp > fmt.emax) {
    env.flags |= FpFlag.Overflow | FpFlag.Inexact;
    const toInfinity =
      env.rm === Rounding.Nearest || (env.rm === Rounding.Up && !negative) || (env.rm === Rounding.Down && negative);
    const v = toInfinity ? Infinity : fmt.max;
    return negative ? -v : v;
  }
  if (inexact) {
    env.flags |= FpFlag.Inexact;
    if (e < fmt.emin) {
      // Tininess after rounding: would the result, rounded to full precision with an unbounded
      // exponent, still be below 2^emin?
      const full = roundAt(m, q, e - fmt.p + 1, negative, env.rm).value;
      const carried = full === 1n << BigInt(fmt.p);
      if (!(carried && e + 1 >= fmt.emin)) env.flags |= FpFlag.Underflow;
    }
  }
  const v = Number(magnitude) * pow2(resultLsb);
  return negative ? -v : v;
}

/** Rounds m*2^q to a multiple of 2^lsb; returns the multiple count. */
function roundAt(m: bigint, q: number, lsb: number, negative: boolean, rm: Rounding): { value: bigint; inexact: boolean } {
  const shift = lsb - q;
  if (shift <= 0) return { value: m << BigInt(-shift), inexact: false };
  const s = BigInt(shift);
  let kept = m >> s;
  const rest = m & ((1n << s) - 1n);
  if (rest === 0n) return { value: kept, inexact: false };
  const half = 1n << (s - 1n);
  let up: boolean;
  switch (rm) {
    case Rounding.Nearest:
      up = rest > half || (rest === half && (kept & 1n) === 1n);
      break;
    case Rounding.Zero:
      up = false;
      break;
    case Rounding.Up:
      up = !negative;
      break;
    default:
      up = negative;
  }
  if (up) kept += 1n;
  return { value: kept, inexact: true };
}

/** Rounds an exact finite value (a double) into fmt: cvt.s.d, and the exact cases of the ops. */
function roundValue(x: number, fmt: Fmt, env: FpEnv): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  if (fmt === DOUBLE && !env.fs) return x;
  const { m, q } = decompose(x);
  return roundExact(x < 0, m, q, false, fmt, env);
}

// ---- fast path ----

/** Direction of the rounding error: sign of (exact - approx). */
function directed(approx: number, err: number, fmt: Fmt, env: FpEnv): number {
  if (err === 0) return approx;
  env.flags |= FpFlag.Inexact;
  switch (env.rm) {
    case Rounding.Nearest:
      return approx;
    case Rounding.Zero:
      if ((err > 0) !== (approx > 0)) return fmt === SINGLE ? nextSingle(approx, err > 0) : nextDouble(approx, err > 0);
      return approx;
    case Rounding.Up:
      return err > 0 ? (fmt === SINGLE ? nextSingle(approx, true) : nextDouble(approx, true)) : approx;
    default:
      return err < 0 ? (fmt === SINGLE ? nextSingle(approx, false) : nextDouble(approx, false)) : approx;
  }
}

// Results with magnitude in [SAFE_LOW, SAFE_HIGH) are normal, cannot overflow when stepped by
// one ulp, and their error terms are exactly representable.
const SAFE_LOW_D = 2 ** -960;
const SAFE_HIGH_D = 2 ** 1000;
const SAFE_LOW_S = 2 ** -125;
const SAFE_HIGH_S = 2 ** 127;
const SPLIT = 134217729; // 2^27 + 1

function twoProductError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

let fastPaths = true;
/** Turns the double-precision fast paths off (tests compare them against the exact path). */
export function useFastPaths(enabled: boolean): void {
  fastPaths = enabled;
}

/** Finishes a fast-path result: d is the RNE double of the exact value, err the sign of exact - d. */
function finish(d: number, err: number, fmt: Fmt, env: FpEnv): number | undefined {
  if (!fastPaths) return undefined;
  const magnitude = Math.abs(d);
  if (fmt === DOUBLE) {
    if (!(magnitude >= SAFE_LOW_D && magnitude < SAFE_HIGH_D)) return undefined;
    return directed(d, err, fmt, env);
  }
  const f = Math.fround(d);
  const fm = Math.abs(f);
  if (!(fm >= SAFE_LOW_S && fm < SAFE_HIGH_S)) return undefined;
  const diff = d - f; // exact
  return directed(f, diff !== 0 ? diff : err, fmt, env);
}

// ---- operations (non-NaN operands) ----

function invalid(env: FpEnv): number {
  env.flags |= FpFlag.Invalid;
  return NaN;
}

/** a + b */
export function add(a: number, b: number, fmt: Fmt, env: FpEnv): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    if (a === -b) return invalid(env); // inf - inf
    return Number.isFinite(a) ? b : a;
  }
  if (a === 0 && b === 0) {
    if (Object.is(a, b)) return a;
    return env.rm === Rounding.Down ? -0 : 0;
  }
  if (a === 0 || b === 0) return roundValue(a === 0 ? b : a, fmt, env);
  const s = a + b;
  if (Number.isFinite(s) && s !== 0) {
    const bb = s - a;
    const err = (a - (s - bb)) + (b - bb);
    const r = finish(s, err, fmt, env);
    if (r !== undefined) return r;
  }
  const da = decompose(a);
  const db = decompose(b);
  const q = Math.min(da.q, db.q);
  const ma = (a < 0 ? -da.m : da.m) << BigInt(da.q - q);
  const mb = (b < 0 ? -db.m : db.m) << BigInt(db.q - q);
  const sum = ma + mb;
  if (sum === 0n) return env.rm === Rounding.Down ? -0 : 0;
  return roundExact(sum < 0n, sum < 0n ? -sum : sum, q, false, fmt, env);
}

/** a * b */
export function mul(a: number, b: number, fmt: Fmt, env: FpEnv): number {
  const negative = (a < 0 || Object.is(a, -0)) !== (b < 0 || Object.is(b, -0));
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    if (a === 0 || b === 0) return invalid(env);
    return negative ? -Infinity : Infinity;
  }
  if (a === 0 || b === 0) return negative ? -0 : 0;
  const p = a * b;
  const pm = Math.abs(p);
  if (pm >= SAFE_LOW_D && pm < SAFE_HIGH_D && Math.abs(a) < 2 ** 995 && Math.abs(b) < 2 ** 995) {
    const r = finish(p, fmt === SINGLE ? 0 : twoProductError(a, b, p), fmt, env);
    if (r !== undefined) return r;
  }
  const da = decompose(a);
  const db = decompose(b);
  return roundExact(negative, da.m * db.m, da.q + db.q, false, fmt, env);
}

/** a / b */
export function div(a: number, b: number, fmt: Fmt, env: FpEnv): number {
  const negative = (a < 0 || Object.is(a, -0)) !== (b < 0 || Object.is(b, -0));
  if (!Number.isFinite(a)) {
    if (!Number.isFinite(b)) return invalid(env);
    return negative ? -Infinity : Infinity;
  }
  if (!Number.isFinite(b)) return negative ? -0 : 0;
  if (b === 0) {
    if (a === 0) return invalid(env);
    env.flags |= FpFlag.DivByZero;
    return negative ? -Infinity : Infinity;
  }
  if (a === 0) return negative ? -0 : 0;
  const q = a / b;
  const qm = Math.abs(q);
  const am = Math.abs(a);
  const bm = Math.abs(b);
  if (qm >= SAFE_LOW_D && qm < SAFE_HIGH_D && am > 2 ** -900 && am < 2 ** 900 && bm > 2 ** -900 && bm < 2 ** 900) {
    // remainder a - q*b, exact: the sign of (exact quotient - q) is sign(rem) * sign(b)
    const pe = twoProductError(q, b, q * b);
    const rem = (a - q * b) - pe;
    const r = finish(q, b > 0 ? rem : -rem, fmt, env);
    if (r !== undefined) return r;
  }
  const da = decompose(a);
  const db = decompose(b);
  const shift = Math.max(0, fmt.p + 3 + bitLength(db.m) - bitLength(da.m));
  const numerator = da.m << BigInt(shift);
  const quotient = numerator / db.m;
  const sticky = quotient * db.m !== numerator;
  return roundExact(negative, quotient, da.q - db.q - shift, sticky, fmt, env);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  // Newton steps from a close estimate.
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/** sqrt(a) */
export function sqrt(a: number, fmt: Fmt, env: FpEnv): number {
  if (a === 0) return a;
  if (a < 0) return invalid(env);
  if (a === Infinity) return a;
  const s = Math.sqrt(a);
  if (a > 2 ** -900 && a < 2 ** 900) {
    const pe = twoProductError(s, s, s * s);
    const rem = (a - s * s) - pe;
    const r = finish(s, rem, fmt, env);
    if (r !== undefined) return r;
  }
  const d = decompose(a);
  let m = d.m;
  let q = d.q;
  const want = 2 * (fmt.p + 3);
  let shift = Math.max(0, want - bitLength(m));
  if ((q - shift) % 2 !== 0) shift++;
  m <<= BigInt(shift);
  q -= shift;
  const root = isqrt(m);
  return roundExact(false, root, q / 2, root * root !== m, fmt, env);
}

/** Converts a finite double to binary32 (cvt.s.d) or re-rounds an exact value into fmt. */
export function round(x: number, fmt: Fmt, env: FpEnv): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (fmt === SINGLE) {
    const r = finish(x, 0, fmt, env);
    if (r !== undefined) return r;
  } else if (!env.fs) {
    return x;
  }
  return roundValue(x, fmt, env);
}

/**
 * Converts an int32 to fmt (cvt.s.w, cvt.d.w) without a bigint when the result is exact, as it
 * always is for a double: an exact conversion raises no flag (and an integer is never subnormal).
 */
export function fromInt32(n: number, fmt: Fmt, env: FpEnv): number {
  if (holdsExactly(n, fmt)) return n;
  return fromInteger(BigInt(n), fmt, env);
}

/** An integer below 2^53 in magnitude is exactly `value` in fmt (a double always holds it). */
function holdsExactly(value: number, fmt: Fmt): boolean {
  return fmt === DOUBLE || Math.fround(value) === value;
}

/** Converts an exact integer (a bigint) to fmt: cvt.s.w, cvt.d.l, ... */
export function fromInteger(n: bigint, fmt: Fmt, env: FpEnv): number {
  if (n === 0n) return 0;
  if (n >= -SAFE_INTEGER && n <= SAFE_INTEGER) {
    // Below 2^53 a double holds it exactly; the rounding below is only for what does not fit.
    const value = Number(n);
    if (holdsExactly(value, fmt)) return value;
  }
  const negative = n < 0n;
  return roundExact(negative, negative ? -n : n, 0, false, fmt, env);
}

/**
 * Rounds a non-NaN value to an integer of `bits` (32 or 64) bits with rounding mode rm.
 * Returns undefined (and sets Invalid) when the value is infinite or out of range.
 */
export function toInteger(x: number, bits: 32 | 64, rm: Rounding, env: FpEnv): bigint | undefined {
  if (!Number.isFinite(x)) {
    env.flags |= FpFlag.Invalid;
    return undefined;
  }
  let r: number;
  switch (rm) {
    case Rounding.Nearest: {
      r = Math.floor(x);
      const diff = x - r;
      if (diff > 0.5 || (diff === 0.5 && r % 2 !== 0)) r += 1;
      break;
    }
    case Rounding.Zero:
      r = Math.trunc(x);
      break;
    case Rounding.Up:
      r = Math.ceil(x);
      break;
    default:
      r = Math.floor(x);
  }
  const limit = bits === 32 ? 2 ** 31 : 2 ** 63;
  if (r >= limit || r < -limit) {
    // softfloat replaces the inexact flag by invalid here
    env.flags |= FpFlag.Invalid;
    return undefined;
  }
  if (r !== x) env.flags |= FpFlag.Inexact;
  return BigInt(r);
}
