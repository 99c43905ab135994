// The JIT's inline FPU fast paths (codegen/translate-fpu.ts) against the interpreter's softfloat:
// every inlined FPU row runs over operands that mostly take the fast path (ordinary doubles and
// singles, exact and inexact results) and some that must not (NaN, infinities, zeros, denormals,
// huge and tiny values), under every rounding mode and with enables set; FPRs and FCSR must match.
// Both engines are the bundled ones (test/bundled-engine.ts), which run it several times faster.

import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/isa/asm.js';
import { FPU_INLINE } from '../../codegen/translate-fpu.js';
import { FpuMachine, SYSCALL_WORD } from './fpu-machine.js';

const SAMPLES = Number(process.env.MIPSJIT_FPU_SAMPLES ?? 3000);

function operandsFor(index: number, random: () => number): number[] {
  const special = [0, -0, 1, -1, 0.5, 3, 1 / 3, 2 ** -1030, 2 ** -1022, 1e300, 1e-300, Infinity, -Infinity, NaN, 2 ** 31, -(2 ** 31) - 0.5, 2 ** 24 + 1, 1e-40];
  if (index < special.length) return [special[index]!, special[(index * 7 + 3) % special.length]!];
  const pick = () => {
    switch (Math.floor(random() * 4)) {
      case 0:
        return Math.floor(random() * 2000) - 1000; // small integers: exact results
      case 1:
        return (random() - 0.5) * 1e6;
      case 2:
        return Math.fround((random() - 0.5) * 100);
      default:
        return (random() - 0.5) * 2 ** Math.floor(random() * 200 - 100);
    }
  };
  return [pick(), pick()];
}

function makeRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

describe('JIT FPU fast paths agree with the interpreter', () => {
  for (const name of [...FPU_INLINE].sort()) for (const fpr64 of [false, true]) {
    it(`${name} (FR=${fpr64 ? 1 : 0})`, () => {
      const random = makeRandom(name.length * 7919 + name.charCodeAt(0));
      const isCompare = name.startsWith('c.');
      const twoOperand = /^(sqrt|mov|abs|neg|cvt|trunc)\./.test(name);
      const text = isCompare ? `${name} $fcc2,$f2,$f4` : twoOperand ? `${name} $f0,$f2` : `${name} $f0,$f2,$f4`;
      const word = assemble(text);
      const interpreter = new FpuMachine([word, SYSCALL_WORD], 'interp', fpr64);
      const compiled = new FpuMachine([word, SYSCALL_WORD], 'jit', fpr64);
      let fastSamples = 0;
      for (let sample = 0; sample < SAMPLES; sample++) {
        const [a, b] = operandsFor(sample, random);
        const fpr = new Float64Array(16);
        fpr[1] = a!;
        fpr[2] = b!;
        if (name.endsWith('.s') || name.startsWith('cvt.d.s') || name === 'trunc.w.s') {
          const singles = new Float32Array(fpr.buffer);
          singles[2] = a!;
          singles[4] = b!;
        }
        if (name === 'cvt.d.w') new Int32Array(fpr.buffer)[2] = Math.trunc(a! * 1000) | 0;
        // Mostly the fast path's FCSR (nearest, nothing enabled); sometimes other modes/enables.
        const mode = sample % 5 === 4 ? Math.floor(random() * 4) | (Math.floor(random() * 2) << 7) : 0;
        const fcsr = mode | (sample % 3 === 0 ? 0x7c : 0);
        const registers = new Int32Array(fpr.buffer);
        const expected = interpreter.run(registers, fcsr);
        const calls = compiled.handlerCalls;
        const actual = compiled.run(registers, fcsr);
        if (compiled.handlerCalls === calls) fastSamples++;
        expect(actual, `${text} with ${a}, ${b}, fcsr ${fcsr.toString(16)}`).toEqual(expected);
      }
      // The fast path is real: most ordinary samples never reach the interpreter's handler.
      expect(fastSamples).toBeGreaterThan(SAMPLES / 4);
      expect(compiled.compiledInstructions).toBeGreaterThan(SAMPLES / 2);
    });
  }
});
