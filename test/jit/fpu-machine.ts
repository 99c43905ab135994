// A user-mode CPU on the bundled engine (test/bundled-engine.ts) running a few FPU instructions
// from CODE to a SYSCALL, again and again, for the tests that compare the JIT's FPU code with the
// interpreter's softfloat (fpu-fast-path.test.ts, dead-cause.test.ts).

import type { Cpu } from '../../src/interp/cpu.js';
import { Perm } from '../../runtime/flat-memory.js';
import { Status } from '../../runtime/exceptions.js';
import { StateWord } from '../../runtime/state.js';
import type { JitEngine } from '../../codegen/engine.js';
import { MAX_OVERSHOOT } from '../../codegen/region.js';
import { engine as bundled } from '../bundled-engine.js';

export const CODE = 0x0040_0000;
/** SYSCALL: the end of every program here (its exception stops the run). */
export const SYSCALL_WORD = 0x0000_000c;
/**
 * Instructions per run: compiled code runs only with a budget above the engine's overshoot
 * margin (with less, both sides would interpret); the SYSCALL stops the run long before.
 */
const BUDGET = MAX_OVERSHOOT + 1000;

/** One machine per engine and program; compiled code is reused across runs (one compile per program). */
export class FpuMachine {
  readonly cpu: Cpu;
  readonly exceptions: number[] = [];
  private readonly jit: JitEngine | undefined;
  /** Handler calls compiled code made for the program's first instruction (its slow path). */
  handlerCalls = 0;

  get compiledInstructions(): number {
    return this.jit?.stats.compiledInstructions ?? 0;
  }

  /** `words` at CODE (ending in SYSCALL_WORD), run with Status.FR = `fpr64`. */
  constructor(
    words: ArrayLike<number>,
    engine: 'interp' | 'jit',
    private readonly fpr64: boolean,
  ) {
    const memory = new bundled.FlatMemory(0x0100_0000);
    memory.protect(CODE, 0x1000, Perm.Read | Perm.Exec);
    memory.u8.set(new Uint8Array(Uint32Array.from(words).buffer), CODE);
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
        if (pc === CODE) this.handlerCalls++; // the first instruction's, not the SYSCALL's
        return execute(id, word, pc, npc, delaySlot);
      };
    }
  }

  /** Runs the program on `fpr32`, the 32-bit registers of FR=0 (with FR=1: their pairs as 64-bit registers). */
  run(fpr32: Int32Array, fcsr: number) {
    this.exceptions.length = 0;
    const bits = this.cpu.fprBits;
    this.cpu.fpr64 = this.fpr64;
    for (let n = 0; n < 32; n++) bits[n * 2] = fpr32[n]!;
    // FR=1: register 2k holds the double FR=0 had in the pair 2k, 2k+1.
    if (this.fpr64) for (let n = 0; n < 32; n += 2) bits[n * 2 + 1] = fpr32[n + 1]!;
    this.cpu.r[StateWord.Fcsr] = fcsr;
    this.cpu.setPc(CODE);
    if (this.jit) this.jit.run(BUDGET);
    else this.cpu.run(BUDGET);
    return { fpr: Array.from(this.cpu.fprBits), fcsr: this.cpu.r[StateWord.Fcsr], exceptions: [...this.exceptions] };
  }
}
