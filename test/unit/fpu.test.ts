// The FPU (COP1) semantics: table-driven cases with exact bits and FCSR values, the fast paths of
// softfloat.ts against its exact BigInt path, and a differential replay of every case that
// test/guest/src/fpu-diff.c ran under qemu-mipsel (test/guest/expected/fpu-diff.stdout.gz).
//
// Re-record the oracle after changing the guest:
//   test/guest/build.sh && qemu-mipsel test/guest/bin/fpu-diff | gzip -9 > test/guest/expected/fpu-diff.stdout.gz
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decode, RESERVED, ROWS } from '../../src/isa/decode.js';
import { Flag } from '../../src/isa/table.js';
import { assemble } from '../../src/isa/asm.js';
import { add, div, DOUBLE, mul, Rounding, SINGLE, sqrt, useFastPaths, type FpEnv } from '../../src/interp/softfloat.js';
import { FpuRunner, parseCase, type DiffCase } from './fpu-harness.js';

/** One instruction through the interpreter; inputs and outcome in the guest's notation. */
function run(text: string, inputs: Record<string, number>, fcsr = 0, t1 = 0, t3 = 0): string {
  const runner = new FpuRunner();
  const c: DiffCase = {
    word: assemble(text) | 0,
    fcsr,
    t1,
    t2: 0,
    t3,
    inputs: Object.entries(inputs).map(([reg, bits]): [number, number] => [Number(reg.slice(1)), bits | 0]),
    expected: '',
    line: text,
  };
  return runner.run(c);
}

describe('FPU instructions (exact bits)', () => {
  it.each([
    // [instruction, inputs, fcsr in, outcome]
    ['add.s $f0,$f2,$f4', { f2: 0x3f800000, f4: 0x3f800000 }, 0, 'fcsr=00000000 t3=00000000 t4=00000007 f0=40000000'],
    // 1 + 2^-30: inexact; RU rounds up one ulp; flags accumulate (I in Flags, Cause)
    ['add.s $f0,$f2,$f4', { f2: 0x3f800000, f4: 0x30800000 }, 2, 'fcsr=00001006 t3=00000000 t4=00000007 f0=3f800001'],
    ['add.s $f0,$f2,$f4', { f2: 0x3f800000, f4: 0x30800000 }, 0, 'fcsr=00001004 t3=00000000 t4=00000007 f0=3f800000'],
    // x - x is -0 only when rounding down
    ['sub.d $f0,$f2,$f4', { f2: 0, f3: 0x3ff00000, f4: 0, f5: 0x3ff00000 }, 3, 'fcsr=00000003 t3=00000000 t4=00000007 f0=00000000 f1=80000000'],
    // inf - inf: Invalid, default NaN (legacy encoding)
    ['sub.s $f0,$f2,$f4', { f2: 0x7f800000, f4: 0x7f800000 }, 0, 'fcsr=00010040 t3=00000000 t4=00000007 f0=7fbfffff'],
    // a signalling NaN (quiet bit set in the legacy encoding) makes even mul Invalid
    ['mul.d $f0,$f2,$f4', { f2: 0, f3: 0x7ff80000, f4: 0, f5: 0x3ff00000 }, 0, 'fcsr=00010040 t3=00000000 t4=00000007 f0=ffffffff f1=7ff7ffff'],
    // a quiet NaN does not; the result is still the default NaN, not the operand
    ['mul.s $f0,$f2,$f4', { f2: 0x7f800001, f4: 0x3f800000 }, 0, 'fcsr=00000000 t3=00000000 t4=00000007 f0=7fbfffff'],
    // 1/0: divide by zero
    ['div.s $f0,$f2,$f4', { f2: 0xbf800000, f4: 0 }, 0, 'fcsr=00008020 t3=00000000 t4=00000007 f0=ff800000'],
    // overflow under round-to-zero gives max
    ['mul.s $f0,$f2,$f4', { f2: 0x7f7fffff, f4: 0x40000000 }, 1, 'fcsr=00005015 t3=00000000 t4=00000007 f0=7f7fffff'],
    // underflow: min normal / 3 is tiny and inexact
    ['div.s $f0,$f2,$f4', { f2: 0x00800000, f4: 0x40400000 }, 0, 'fcsr=0000300c t3=00000000 t4=00000007 f0=002aaaab'],
    // FS=1 flushes the tiny result to zero and raises nothing
    ['div.s $f0,$f2,$f4', { f2: 0x00800000, f4: 0x40400000 }, 0x01000000, 'fcsr=01000000 t3=00000000 t4=00000007 f0=00000000'],
    ['sqrt.s $f0,$f2', { f2: 0x40000000 }, 0, 'fcsr=00001004 t3=00000000 t4=00000007 f0=3fb504f3'],
    ['sqrt.d $f0,$f2', { f2: 0, f3: 0x80000000 }, 0, 'fcsr=00000000 t3=00000000 t4=00000007 f0=00000000 f1=80000000'],
    ['sqrt.s $f0,$f2', { f2: 0xbf800000 }, 0, 'fcsr=00010040 t3=00000000 t4=00000007 f0=7fbfffff'],
    ['recip.s $f0,$f2', { f2: 0x40400000 }, 0, 'fcsr=00001004 t3=00000000 t4=00000007 f0=3eaaaaab'],
    ['rsqrt.s $f0,$f2', { f2: 0x40800000 }, 0, 'fcsr=00000000 t3=00000000 t4=00000007 f0=3f000000'],
    // abs/neg/mov are bit operations: NaN kept, Cause untouched
    ['abs.s $f0,$f2', { f2: 0xffc00000 }, 0x0000107c, 'fcsr=0000107c t3=00000000 t4=00000007 f0=7fc00000'],
    ['neg.d $f0,$f2', { f2: 1, f3: 0 }, 0, 'fcsr=00000000 t3=00000000 t4=00000007 f0=00000001 f1=80000000'],
    // conversions to integers
    ['cvt.w.s $f0,$f2', { f2: 0x40200000 }, 0, 'fcsr=00001004 t3=00000000 t4=00000007 f0=00000002'],
    ['round.w.d $f0,$f2', { f2: 0, f3: 0x400c0000 }, 1, 'fcsr=00001005 t3=00000000 t4=00000007 f0=00000004'],
    ['floor.w.s $f0,$f2', { f2: 0xc0200000 }, 0, 'fcsr=00001004 t3=00000000 t4=00000007 f0=fffffffd'],
    ['trunc.w.s $f0,$f2', { f2: 0x4f000000 }, 0, 'fcsr=00010040 t3=00000000 t4=00000007 f0=7fffffff'],
    ['ceil.w.s $f0,$f2', { f2: 0x7fbfffff }, 0, 'fcsr=00010040 t3=00000000 t4=00000007 f0=7fffffff'],
    ['cvt.s.w $f0,$f2', { f2: 0x01000001 }, 2, 'fcsr=00001006 t3=00000000 t4=00000007 f0=4b800001'],
    ['cvt.s.d $f0,$f2', { f2: 0, f3: 0x47f00000 }, 0, 'fcsr=00005014 t3=00000000 t4=00000007 f0=7f800000'],
    ['cvt.d.s $f0,$f2', { f2: 0x00000001 }, 0, 'fcsr=00000000 t3=00000000 t4=00000007 f0=00000000 f1=36a00000'],
    // the 64-bit integer format needs FR=1
    ['cvt.l.d $f0,$f2', { f2: 0, f3: 0x3ff00000 }, 0, 'SIGILL'],
    // an odd .d register is a Reserved Instruction
    ['add.d $f0,$f3,$f4', {}, 0, 'SIGILL'],
    // madd is unfused; nmadd negates the default NaN too
    ['madd.s $f0,$f6,$f2,$f4', { f2: 0x3f800001, f4: 0x3f800001, f6: 0xbf800000 }, 0, 'fcsr=00001004 t3=00000000 t4=00000007 f0=34800000'],
    ['nmadd.s $f0,$f6,$f2,$f4', { f2: 0x7f800000, f4: 0, f6: 0 }, 0, 'fcsr=00010040 t3=00000000 t4=00000007 f0=ffbfffff'],
    // compares set only their FCC; signalling compares are Invalid on a quiet NaN
    ['c.olt.s $fcc3,$f2,$f4', { f2: 0x3f800000, f4: 0x40000000 }, 0, 'fcsr=08000000 t3=00000000 t4=00000007'],
    ['c.eq.d $f2,$f4', { f2: 0, f3: 0, f4: 0, f5: 0x80000000 }, 0, 'fcsr=00800000 t3=00000000 t4=00000007'],
    ['c.ult.s $f2,$f4', { f2: 0x7f800001, f4: 0 }, 0, 'fcsr=00800000 t3=00000000 t4=00000007'],
    ['c.lt.s $f2,$f4', { f2: 0x7f800001, f4: 0 }, 0xfe800000, 'fcsr=fe010040 t3=00000000 t4=00000007'],
    // an enabled exception traps: destination and Flags unchanged, Cause set
    ['div.s $f0,$f2,$f4', { f2: 0x3f800000, f4: 0 }, 0x00000400, 'SIGFPE fcsr=00008400'],
    ['c.seq.s $f2,$f4', { f2: 0x7fbfffff, f4: 0 }, 0x00000800, 'SIGFPE fcsr=00010800'],
  ] as const)('%s %j fcsr=%s', (text, inputs, fcsr, outcome) => {
    expect(run(text, inputs, fcsr)).toBe(outcome);
  });

  it('moves between GPRs and FPRs (FR=0: MFHC1/MTHC1 use the odd register)', () => {
    expect(run('mfc1 $t3,$f3', { f3: 0x12345678 })).toBe('fcsr=00000000 t3=12345678 t4=00000007');
    expect(run('mtc1 $t1,$f5', {}, 0, 0x3f800000)).toBe('fcsr=00000000 t3=00000000 t4=00000007 f5=3f800000');
    expect(run('mfhc1 $t3,$f2', { f3: 0x40000000 })).toBe('fcsr=00000000 t3=40000000 t4=00000007');
    expect(run('mthc1 $t1,$f2', {}, 0, 0x7ff00000)).toBe('fcsr=00000000 t3=00000000 t4=00000007 f3=7ff00000');
    expect(run('movz.s $f0,$f2,$t1', { f2: 0x3f800000 }, 0, 0)).toBe('fcsr=00000000 t3=00000000 t4=00000007 f0=3f800000');
    expect(run('movn.s $f0,$f2,$t1', { f2: 0x3f800000 }, 0, 0)).toBe('fcsr=00000000 t3=00000000 t4=00000007');
    expect(run('movt.d $f0,$f2,$fcc1', { f2: 1, f3: 2 }, 0x02000000)).toBe('fcsr=02000000 t3=00000000 t4=00000007 f0=00000001 f1=00000002');
    expect(run('movf $t3,$t1,$fcc0', {}, 0x00000000, 0x1111, 0x2222)).toBe('fcsr=00000000 t3=00001111 t4=00000007');
    expect(run('movt $t3,$t1,$fcc0', {}, 0x00000000, 0x1111, 0x2222)).toBe('fcsr=00000000 t3=00002222 t4=00000007');
  });

  it('BC1F/BC1T/BC1FL/BC1TL test the selected FCC (taken: 5, not taken: 7, nullified: 6)', () => {
    expect(run('bc1t $fcc2,0xc', {}, 1 << 26)).toBe('fcsr=04000000 t3=00000000 t4=00000005');
    expect(run('bc1t $fcc2,0xc', {}, 1 << 23)).toBe('fcsr=00800000 t3=00000000 t4=00000007');
    expect(run('bc1f 0xc', {}, 0)).toBe('fcsr=00000000 t3=00000000 t4=00000005');
    expect(run('bc1tl 0xc', {}, 0)).toBe('fcsr=00000000 t3=00000000 t4=00000006');
    expect(run('bc1fl $fcc7,0xc', {}, 0)).toBe('fcsr=00000000 t3=00000000 t4=00000005');
  });

  it('CFC1/CTC1 through FIR, FCCR, FEXR, FENR and FCSR', () => {
    expect(run('cfc1 $t3,$0', {})).toBe('fcsr=00000000 t3=00739300 t4=00000007');
    expect(run('cfc1 $t3,$25', {}, 0xfe800000)).toBe('fcsr=fe800000 t3=000000ff t4=00000007');
    expect(run('cfc1 $t3,$28', {}, 0x01000f83)).toBe('fcsr=01000f83 t3=00000f87 t4=00000007');
    expect(run('ctc1 $t1,$25', {}, 0, 0x81)).toBe('fcsr=80800000 t3=00000000 t4=00000007');
    expect(run('ctc1 $t1,$28', {}, 0, 0x4)).toBe('fcsr=01000000 t3=00000000 t4=00000007');
    // FCSR bits 22..18 are not writable
    expect(run('ctc1 $t1,$31', {}, 0, -1)).toBe('SIGFPE fcsr=ff83ffff');
    expect(run('ctc1 $t1,$31', {}, 0, 0x007c0003)).toBe('fcsr=00000003 t3=00000000 t4=00000007');
    // a Cause bit with its Enable set traps at once; the E (unimplemented) cause always does
    expect(run('ctc1 $t1,$26', {}, 0x00000800, 0x00010000)).toBe('SIGFPE fcsr=00010800');
    expect(run('ctc1 $t1,$26', {}, 0, 0x00020000)).toBe('SIGFPE fcsr=00020000');
  });
});

describe('softfloat fast paths agree with the exact path', () => {
  // xorshift, deterministic
  let seed = 0x2545f491;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const bits = new Uint32Array(2);
  const view = new Float64Array(bits.buffer);
  const randomDouble = () => {
    bits[0] = next();
    bits[1] = next();
    const e = next() % 8 === 0 ? next() % 2047 : 1023 + ((next() % 200) - 100);
    bits[1] = (bits[1]! & 0x800f_ffff) | (e << 20);
    if (next() % 4 === 0) bits[0] = bits[0]! & 0xffff_0000;
    return Number.isNaN(view[0]!) ? 1.5 : view[0]!;
  };
  const ops = { add, mul, div } as const;
  it.each(['add', 'mul', 'div', 'sqrt'] as const)('%s over random operands, all modes, both formats', (name) => {
    const failures: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const fmt = i % 2 === 0 ? SINGLE : DOUBLE;
      let a = randomDouble();
      let b = next() % 2 === 0 ? randomDouble() : a * (1 + (next() % 7) * 2 ** -30);
      if (fmt === SINGLE) {
        a = Math.fround(a);
        b = Math.fround(b);
        if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      }
      const rm = (next() % 4) as Rounding;
      const results: string[] = [];
      for (const fast of [true, false]) {
        useFastPaths(fast);
        const env: FpEnv = { rm, fs: false, flags: 0 };
        const r = name === 'sqrt' ? sqrt(Math.abs(a), fmt, env) : ops[name](a, b, fmt, env);
        results.push(`${Object.is(r, -0) ? '-0' : r} ${env.flags}`);
      }
      useFastPaths(true);
      if (results[0] !== results[1]) failures.push(`${name} ${a} ${b} rm=${rm} p=${fmt.p}: fast ${results[0]} exact ${results[1]}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});

describe('differential: qemu-mipsel 7.2 (24Kf, FR=0) vs the interpreter', () => {
  const text = gunzipSync(readFileSync(new URL('../guest/expected/fpu-diff.stdout.gz', import.meta.url))).toString();
  const lines = text.trim().split('\n');

  it(`replays all ${lines.length} recorded cases`, () => {
    const runner = new FpuRunner();
    const mismatches: string[] = [];
    let undecodable = 0;
    for (const line of lines) {
      const c = parseCase(line);
      // QEMU ignores the ft field of two-operand FPU encodings; mipsjit's table requires zeros
      // there (as the architecture does) and raises Reserved Instruction.
      if (decode(c.word) === RESERVED) {
        undecodable++;
        continue;
      }
      const got = runner.run(c);
      if (got !== c.expected) mismatches.push(`${line}\n   got: ${got}`);
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(undecodable).toBeLessThan(100);
    expect(lines.length).toBeGreaterThan(70000);
  });

  it('covers every COP1 row of the table', () => {
    const seen = new Set<string>();
    for (const line of lines) {
      const id = decode(parseCase(line).word);
      if (id !== RESERVED) seen.add(ROWS[id]!.name);
    }
    // loads and stores belong to memory.ts
    const missing = ROWS.filter(
      (row) => !row.isAlias && (row.flags & Flag.Fpu) !== 0 && (row.flags & (Flag.Load | Flag.Store)) === 0 && !seen.has(row.name),
    ).map((row) => row.name);
    expect(missing).toEqual([]);
  });
});
