// Seeded differential fuzzing of the JIT against the interpreter: random instruction sequences
// drawn from every table row (branches and delay slots, loads and stores into a scratch page, FPU,
// traps, privileged instructions) run under both engines for the same instruction budget; all
// registers, HI/LO, FPU state, the exceptions taken and the scratch memory must be equal.
// MIPSJIT_FUZZ_CASES=N runs more cases; MIPSJIT_FUZZ_SEED picks another seed.

import { beforeAll, describe, expect, it } from 'vitest';
import { Cpu } from '../../src/interp/cpu.js';
import { ROWS, type CompiledRow } from '../../src/isa/decode.js';
import { Flag } from '../../src/isa/table.js';
import { disassemble } from '../../src/isa/disasm.js';
import { FlatMemory, Perm } from '../../runtime/flat-memory.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';
import { JitEngine } from '../../codegen/engine.js';

const CASES = Number(process.env.MIPSJIT_FUZZ_CASES ?? 10_000);
const SEED = Number(process.env.MIPSJIT_FUZZ_SEED ?? 0x5eed);
const CODE_BASE = 0x0040_0000;
const SCRATCH_BASE = 0x0010_0000;
const BASE_REGISTER = 16; // s0 points into the scratch page and is never written
const SEQUENCE_LENGTH = 24;
const BUDGET = 400;

/** xorshift32: small, seeded, reproducible. */
class Random {
  constructor(private state: number) {
    if (this.state === 0) this.state = 1;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return x >>> 0;
  }
  below(limit: number): number {
    return this.next() % limit;
  }
}

const EXECUTABLE_ROWS = ROWS.filter((row) => !row.isAlias);
const MEMORY_ROWS = EXECUTABLE_ROWS.filter((row) => row.flags & (Flag.Load | Flag.Store));
const BRANCH_ROWS = EXECUTABLE_ROWS.filter((row) => row.flags & Flag.DelaySlot);

function setField(word: number, row: CompiledRow, name: keyof CompiledRow['fields'], value: number): number {
  const position = row.fields[name];
  if (!position) return word;
  const mask = ((1 << position.width) - 1) << position.shift;
  return ((word & ~mask) | ((value << position.shift) & mask)) >>> 0;
}

/** A random word of `row`; memory rows address the scratch page through s0, nothing writes s0. */
function randomWord(row: CompiledRow, random: Random, index: number): number {
  let word = (row.match | (random.next() & ~row.mask)) >>> 0;
  for (const name of ['rd', 'rt'] as const) {
    const position = row.fields[name];
    if (position && ((word >>> position.shift) & 31) === BASE_REGISTER) word = setField(word, row, name, 17);
  }
  if (row.flags & (Flag.Load | Flag.Store)) {
    word = setField(word, row, 'rs', BASE_REGISTER);
    if (row.fields.imm) word = setField(word, row, 'imm', (random.below(0x400) - 0x200) & 0xffff);
    // Indexed FPU forms: the index register is random; keep it small by using $0 half the time.
    if (!row.fields.imm && random.below(2) === 0) word = setField(word, row, 'rt', 0);
  }
  if (row.fields.imm && row.flags & Flag.DelaySlot) {
    // A branch to somewhere in the sequence (or just past it).
    const target = random.below(SEQUENCE_LENGTH + 2);
    word = setField(word, row, 'imm', (target - index - 1) & 0xffff);
  }
  if (row.fields.target) word = setField(word, row, 'target', (CODE_BASE >>> 2) + random.below(SEQUENCE_LENGTH + 2));
  return word;
}

function randomSequence(random: Random): number[] {
  const words: number[] = [];
  for (let index = 0; index < SEQUENCE_LENGTH; index++) {
    const pick = random.below(10);
    const pool = pick < 3 ? MEMORY_ROWS : pick < 5 ? BRANCH_ROWS : EXECUTABLE_ROWS;
    words.push(randomWord(pool[random.below(pool.length)]!, random, index));
  }
  return words;
}

interface Outcome {
  registers: number[];
  fpr: number[];
  pc: number;
  instructions: number;
  exceptions: string[];
  scratch: Uint8Array;
}

function run(words: number[], initial: Int32Array, fpr: Int32Array, scratch: Uint8Array, engine: 'interp' | 'jit'): Outcome {
  const memory = new FlatMemory(0x0100_0000);
  memory.protect(CODE_BASE, 0x1000, Perm.Read | Perm.Exec);
  memory.protect(SCRATCH_BASE, 0x1000, Perm.Read | Perm.Write);
  memory.u8.set(new Uint8Array(Uint32Array.from(words).buffer), CODE_BASE);
  memory.u8.set(scratch, SCRATCH_BASE);
  const exceptions: string[] = [];
  const cpu = new Cpu(memory, {
    exception(c, code: ExcCode, badVAddr: number) {
      exceptions.push(`code ${code} at ${c.pc.toString(16)} bad ${badVAddr.toString(16)} delay ${c.inDelaySlot}`);
      return Status.Stop;
    },
  });
  cpu.r.set(initial.subarray(0, 35));
  cpu.r[0] = 0;
  cpu.r[BASE_REGISTER] = SCRATCH_BASE + 0x800;
  cpu.fprBits.set(fpr);
  cpu.setPc(CODE_BASE);
  if (engine === 'jit') new JitEngine(cpu, { hotThreshold: 1 }).run(BUDGET);
  else cpu.run(BUDGET);
  return {
    registers: Array.from(cpu.r.subarray(0, 35)),
    fpr: Array.from(cpu.fprBits),
    pc: cpu.pc,
    instructions: cpu.instructions,
    exceptions,
    scratch: memory.read(SCRATCH_BASE, 0x1000),
  };
}

describe('JIT vs interpreter, seeded differential fuzzing', () => {
  beforeAll(() => JitEngine.prepare());

  it(`agrees on ${CASES} random sequences (seed ${SEED})`, () => {
    const random = new Random(SEED);
    for (let index = 0; index < CASES; index++) {
      const words = randomSequence(random);
      const initial = Int32Array.from({ length: 35 }, () => random.next() | 0);
      initial[34] = 0; // FCSR: no exceptions enabled, round to nearest
      if (random.below(4) === 0) initial[34] = random.below(4) | (random.below(2) << 23);
      const fpr = Int32Array.from({ length: 32 }, () => random.next() | 0);
      const scratch = Uint8Array.from({ length: 0x1000 }, () => random.next() & 0xff);
      const interpreted = run(words, initial, fpr, scratch, 'interp');
      const compiled = run(words, initial, fpr, scratch, 'jit');
      const listing = () => words.map((word, i) => `${(CODE_BASE + 4 * i).toString(16)}: ${disassemble(word, CODE_BASE + 4 * i)}`).join('\n');
      try {
        expect(compiled.exceptions).toEqual(interpreted.exceptions);
        expect(compiled.pc).toBe(interpreted.pc);
        expect(compiled.instructions).toBe(interpreted.instructions);
        expect(compiled.registers).toEqual(interpreted.registers);
        expect(compiled.fpr).toEqual(interpreted.fpr);
        expect(Buffer.from(compiled.scratch).equals(Buffer.from(interpreted.scratch))).toBe(true);
      } catch (error) {
        const show = (outcome: Outcome) => JSON.stringify({ ...outcome, scratch: undefined });
        throw new Error(
          `case ${index} (seed ${SEED}) differs:\n${listing()}\n${(error as Error).message}\ninterp ${show(interpreted)}\njit    ${show(compiled)}`,
        );
      }
    }
  }, 600_000);
});
