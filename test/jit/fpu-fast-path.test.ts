// The JIT's inline FPU fast paths (codegen/translate-fpu.ts) against the interpreter's softfloat:
// every inlined FPU row runs over operands that mostly take the fast path (ordinary doubles and
// singles, exact and inexact results) and some that must not (NaN, infinities, zeros, denormals,
// huge and tiny values), under every rounding mode and with enables set; FPRs and FCSR must match.
// Both engines are the bundled ones (test/bundled-engine.ts), which run it several times faster.

import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../src/interp/cpu.js';
import { assemble } from '../../src/isa/asm.js';
import { Perm } from '../../runtime/flat-memory.js';
import { Status } from '../../runtime/exceptions.js';
import { StateWord } from '../../runtime/state.js';
import type { JitEngine } from '../../codegen/engine.js';
import { engine as bundled } from '../bundled-engine.js';
import { FPU_INLINE } from '../../codegen/translate-fpu.js';

const CODE = 0x0040_0000;
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

/** One machine per engine and row; compiled code is reused across samples (one compile per row). */
class Machine {
  readonly cpu: Cpu;
  readonly exceptions: number[] = [];
  private readonly jit: JitEngine | undefined;
  /** Handler calls compiled code made for the op (its slow path). */
  handlerCalls = 0;

  get compiledInstructions(): number {
    return this.jit?.stats.compiledInstructions ?? 0;
  }

  constructor(
    word: number,
    engine: 'interp' | 'jit',
    private readonly fpr64: boolean,
  ) {
    const memory = new bundled.FlatMemory(0x0100_0000);
    memory.protect(CODE, 0x1000, Perm.Read | Perm.Exec);
    memory.u8.set(new Uint8Array(Uint32Array.from([word, 0x0000_000c]).buffer), CODE); // the op, syscall
    this.cpu = new bundled.Cpu(memory, {
      exception: (_cpu, code) => {
        this.exceptions.push(code);
        return Status.Stop;
      },
    });
    if (engine === 'jit') {
      this.jit = new bundled.JitEngine(this.cpu, { hotThreshold: 1 });
      const execute = this.cpu.executeHandler.bind(this.cpu);
      this.cpu.executeHandler = (id, word, pc, npc, delaySlot) => {
        if (pc === CODE) this.handlerCalls++; // the op's, not the SYSCALL's after it
        return execute(id, word, pc, npc, delaySlot);
      };
    }
  }

  /** Runs the op on `fpr32`, the 32-bit registers of FR=0 (with FR=1: their pairs as 64-bit registers). */
  run(fpr32: Int32Array, fcsr: number) {
    this.exceptions.length = 0;
    const bits = this.cpu.fprBits;
    this.cpu.fpr64 = this.fpr64;
    for (let n = 0; n < 32; n++) bits[n * 2] = fpr32[n]!;
    // FR=1: register 2k holds the double FR=0 had in the pair 2k, 2k+1.
    if (this.fpr64) for (let n = 0; n < 32; n += 2) bits[n * 2 + 1] = fpr32[n + 1]!;
    this.cpu.r[StateWord.Fcsr] = fcsr;
    this.cpu.setPc(CODE);
    // Compiled code runs only with a budget above the engine's overshoot margin (MAX_OVERSHOOT,
    // 256; with less, both sides would interpret); the SYSCALL after the op stops the run.
    if (this.jit) this.jit.run(1000);
    else this.cpu.run(1000);
    return { fpr: Array.from(this.cpu.fprBits), fcsr: this.cpu.r[StateWord.Fcsr], exceptions: [...this.exceptions] };
  }
}

describe('JIT FPU fast paths agree with the interpreter', () => {
  for (const name of [...FPU_INLINE].sort()) for (const fpr64 of [false, true]) {
    it(`${name} (FR=${fpr64 ? 1 : 0})`, () => {
      const random = makeRandom(name.length * 7919 + name.charCodeAt(0));
      const isCompare = name.startsWith('c.');
      const twoOperand = /^(sqrt|mov|abs|neg|cvt|trunc)\./.test(name);
      const text = isCompare ? `${name} $fcc2,$f2,$f4` : twoOperand ? `${name} $f0,$f2` : `${name} $f0,$f2,$f4`;
      const word = assemble(text);
      const interpreter = new Machine(word, 'interp', fpr64);
      const compiled = new Machine(word, 'jit', fpr64);
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
