// Seeded differential fuzzing of the JIT against the interpreter: random instruction sequences
// drawn from every table row (branches and delay slots, loads and stores into a scratch page, FPU,
// traps, privileged instructions) run under both engines for the same instruction budget; all
// registers, HI/LO, FPU state, pc/npc, the exceptions taken (code, pc, bad address, delay slot),
// the retired-instruction count and the scratch memory must be equal.
//
// Two modes: `plain` (the sequences above) and `exceptions` (branches with faulting delay slots:
// SYSCALL, BREAK, firing traps, privileged and reserved words, loads and stores to unmapped or
// misaligned addresses, FPU operations with exceptions enabled in FCSR).
//
// To keep a case cheap, BATCH cases share one guest memory per engine and one JitEngine (the
// interpreter's memory lives for the whole file, the JIT's for one batch): case `index` lives in
// slot `index % BATCH` (its own code page and scratch page); only the running case's two pages
// are mapped, so cases cannot see each other's memory.
// Most cases start at a trampoline, `j stub; nop`, in another page; the stub at the end of the
// code page, `j sequence; nop`, is the code page's second block entry (hotThreshold 1), so the
// engine compiles the stub and, through its static successor, the sequence, which then runs
// compiled from its first instruction. The other cases start at the sequence itself: the
// interpreter runs it up to the first block boundary, then compiled code takes over. Both
// engines run the same instructions (the four of trampoline and stub included).
//
// MIPSJIT_FUZZ_CASES=N runs N plain cases (and N/4 exception cases); MIPSJIT_FUZZ_SEED picks
// another seed; MIPSJIT_FUZZ_ONLY=index reruns that case in each mode, after the cases before it
// in its batch (they share the JIT engine), as a failure message says. Odd batches keep every
// register a region names in a local, even batches only those it names often enough
// (codegen/translate.ts MIN_USES_TO_CACHE), so both ways of holding a register are compared.
//
// Both engines are the bundled ones (test/bundled-engine.ts): under vitest's module runner the
// sources ran this file in ~22 s.

import { beforeAll, describe, it } from 'vitest';
import type { Cpu } from '../../src/interp/cpu.js';
import { decode, RESERVED, ROW_BY_NAME, ROWS, type CompiledRow } from '../../src/isa/decode.js';
import { Flag } from '../../src/isa/table.js';
import { disassemble } from '../../src/isa/disasm.js';
import { Perm, PAGE_SIZE } from '../../runtime/flat-memory.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';
import { StateWord } from '../../runtime/state.js';
import type { JitEngine } from '../../codegen/engine.js';
import { engine as bundled } from '../bundled-engine.js';
import { Random } from '../random.js';

const CASES = Number(process.env.MIPSJIT_FUZZ_CASES ?? 10_000);
const SEED = Number(process.env.MIPSJIT_FUZZ_SEED ?? 0x5eed);
const ONLY = process.env.MIPSJIT_FUZZ_ONLY === undefined ? undefined : Number(process.env.MIPSJIT_FUZZ_ONLY);
/** Cases sharing one JitEngine and its memory. */
const BATCH = 250;
/** Cases per vitest `it` (a multiple of BATCH), so progress is visible. */
const CHUNK = 1000;
const SCRATCH_BASE = 0x0010_0000; // slot k's scratch page: SCRATCH_BASE + k * PAGE_SIZE
const TRAMPOLINE_BASE = 0x0030_0000; // slot k's `j stub; nop` at TRAMPOLINE_BASE + 8 * k
const STUB_OFFSET = PAGE_SIZE - 8; // `j code; nop` at the end of each code page
const CODE_BASE = 0x0040_0000; // slot k's code page: CODE_BASE + k * PAGE_SIZE
const MEMORY_SIZE = 0x0100_0000;
const BASE_REGISTER = 16; // s0 points into the scratch page and is never written
const SEQUENCE_LENGTH = 24;
const BUDGET = 400;
/**
 * After the sequence come NOPs, where the budget runs out, then a BREAK that no case reaches
 * by falling through (branches land at most 2 words past the sequence). It ends the JIT's
 * region discovery, which would otherwise compile NOPs up to the end of the page.
 */
const GUARD_INDEX = SEQUENCE_LENGTH + 2 + BUDGET;
const GUARD_WORD = 0x0000_000d | (0x3ff << 16); // break 0x3ff
/** Share of cases entered through the trampoline and stub (compiled from their first instruction). */
const TRAMPOLINE_SHARE = 3 / 4;

/** The generator of one case: a hash of the seed, the mode and the case index. */
function caseRandom(mode: number, index: number): Random {
  let h = Math.imul(SEED ^ Math.imul(mode + 1, 0x27d4_eb2d), 0x9e37_79b9) ^ index;
  h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35);
  return new Random((h ^ (h >>> 16)) >>> 0);
}

const EXECUTABLE_ROWS = ROWS.filter((row) => !row.isAlias);
const MEMORY_ROWS = EXECUTABLE_ROWS.filter((row) => row.flags & (Flag.Load | Flag.Store));
const BRANCH_ROWS = EXECUTABLE_ROWS.filter((row) => row.flags & Flag.DelaySlot);
const EXCEPTION_ROWS = EXECUTABLE_ROWS.filter((row) => row.flags & (Flag.Exits | Flag.MayTrap | Flag.Privileged));
const SYSCALL = ROW_BY_NAME.get('syscall')!;
const BREAK = ROW_BY_NAME.get('break')!;
const FPU_ROWS = EXECUTABLE_ROWS.filter((row) => row.flags & Flag.Fpu && !(row.flags & (Flag.DelaySlot | Flag.Load | Flag.Store)));

function setField(word: number, row: CompiledRow, name: keyof CompiledRow['fields'], value: number): number {
  const position = row.fields[name];
  if (!position) return word;
  const mask = ((1 << position.width) - 1) << position.shift;
  return ((word & ~mask) | ((value << position.shift) & mask)) >>> 0;
}

/**
 * A random word of `row` at `index` of a sequence placed at `base`; memory rows address the
 * scratch page through s0 (unless `anyBase`), nothing writes s0.
 */
function randomWord(row: CompiledRow, random: Random, index: number, base: number, anyBase = false): number {
  let word = (row.match | (random.next() & ~row.mask)) >>> 0;
  for (const name of ['rd', 'rt'] as const) {
    const position = row.fields[name];
    if (position && ((word >>> position.shift) & 31) === BASE_REGISTER) word = setField(word, row, name, 17);
  }
  if (row.flags & (Flag.Load | Flag.Store) && !anyBase) {
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
  if (row.fields.target) word = setField(word, row, 'target', (base >>> 2) + random.below(SEQUENCE_LENGTH + 2));
  // RDHWR $2 reads CC, a free-running cycle counter: like hardware's, its value depends on how
  // the code was run (interpreted or compiled), so the engines need not agree. Read $3 (CCRes).
  if (row.name === 'rdhwr' && ((word >>> 11) & 31) === 2) word = setField(word, row, 'rd', 3);
  return word;
}

function pick(rows: readonly CompiledRow[], random: Random): CompiledRow {
  return rows[random.below(rows.length)]!;
}

/** The plain mix: 30% memory, 20% branches, 50% any row. */
function plainWord(random: Random, index: number, base: number): number {
  const choice = random.below(10);
  const pool = choice < 3 ? MEMORY_ROWS : choice < 5 ? BRANCH_ROWS : EXECUTABLE_ROWS;
  return randomWord(pick(pool, random), random, index, base);
}

/** An instruction likely to raise an exception (to put in a delay slot). */
function faultingWord(random: Random, index: number, base: number): number {
  switch (random.below(7)) {
    case 0: {
      // SYSCALL, BREAK, SDBBP, ERET..., privileged rows, traps (made to fire half the time).
      const row = pick(EXCEPTION_ROWS, random);
      let word = randomWord(row, random, index, base);
      if (row.fields.rs && row.fields.rt && random.below(2) === 0) {
        word = setField(word, row, 'rt', (word >>> row.fields.rs.shift) & 31);
      }
      return word;
    }
    case 1:
      // A load or store through a random base register: mostly unmapped, sometimes misaligned.
      return randomWord(pick(MEMORY_ROWS, random), random, index, base, true);
    case 2:
      // Through s0 with a random offset: misaligned for most sizes.
      return randomWord(pick(MEMORY_ROWS, random), random, index, base);
    case 3: {
      // A reserved instruction.
      for (let tries = 0; tries < 64; tries++) {
        const word = random.next();
        if (decode(word) === RESERVED) return word;
      }
      return 0xfc00_0000; // opcode 63: reserved in MIPS32r2
    }
    case 4:
      // FPU arithmetic (FCSR often enables its exceptions in this mode).
      return randomWord(pick(FPU_ROWS, random), random, index, base);
    case 5:
      return randomWord(random.below(2) === 0 ? SYSCALL : BREAK, random, index, base);
    default:
      return randomWord(pick(EXECUTABLE_ROWS, random), random, index, base);
  }
}

const enum Mode {
  Plain = 0,
  Exceptions = 1,
}
const MODE_NAMES = ['plain', 'exceptions'] as const;

interface Case {
  readonly mode: Mode;
  readonly index: number;
  readonly slot: number;
  readonly words: readonly number[];
  readonly trampoline: boolean;
  /** GPRs 0..31, HI, LO, FCSR. */
  readonly initial: Int32Array;
  /** The FPRs' words (runtime/state.ts layout: FPR n's low word at 2n, high word at 2n + 1). */
  readonly fpr: Int32Array;
  /** Status.FR: odd batches run with 64-bit FPRs, even ones with FR=0. */
  readonly fpr64: boolean;
  readonly scratch: Uint8Array;
}

/** `j address` (in the same 256 MiB segment). */
const jump = (address: number) => (0x0800_0000 | ((address >>> 2) & 0x03ff_ffff)) >>> 0;
const codeBase = (slot: number) => CODE_BASE + slot * PAGE_SIZE;
const scratchBase = (slot: number) => SCRATCH_BASE + slot * PAGE_SIZE;
const trampolineAddress = (slot: number) => TRAMPOLINE_BASE + slot * 8;

function makeCase(mode: Mode, index: number): Case {
  const random = caseRandom(mode, index);
  const slot = index % BATCH;
  const base = codeBase(slot);
  const words: number[] = [];
  while (words.length < SEQUENCE_LENGTH) {
    const at = words.length;
    if (mode === Mode.Exceptions && at + 1 < SEQUENCE_LENGTH && random.below(3) === 0) {
      words.push(randomWord(pick(BRANCH_ROWS, random), random, at, base), faultingWord(random, at + 1, base));
    } else if (mode === Mode.Exceptions && random.below(8) === 0) {
      words.push(faultingWord(random, at, base));
    } else {
      words.push(plainWord(random, at, base));
    }
  }
  const trampoline = random.next() / 2 ** 32 < TRAMPOLINE_SHARE;
  const initial = Int32Array.from({ length: StateWord.Fcsr + 1 }, () => random.next() | 0);
  initial[StateWord.Fcsr] = 0; // no exceptions enabled, round to nearest
  if (mode === Mode.Plain) {
    if (random.below(4) === 0) initial[StateWord.Fcsr] = random.below(4) | (random.below(2) << 23);
  } else if (random.below(2) === 0) {
    // Rounding mode, flags, enables (V Z O U I) and FS at random: FPU exceptions get raised.
    initial[StateWord.Fcsr] = random.below(4) | (random.below(32) << 2) | (random.below(32) << 7) | (random.below(2) << 23);
  }
  const fpr = Int32Array.from({ length: 64 }, () => random.next() | 0);
  const scratch = new Uint8Array(Uint32Array.from({ length: PAGE_SIZE / 4 }, () => random.next()).buffer);
  const fpr64 = Math.floor(index / BATCH) % 2 === 1;
  return { mode, index, slot, words, trampoline, initial, fpr, fpr64, scratch };
}

interface Outcome {
  status: Status;
  registers: number[];
  fpr: number[];
  pc: number;
  npc: number;
  nextInDelaySlot: boolean;
  llBit: boolean;
  instructions: number;
  exceptions: string[];
  scratch: Uint8Array;
}

/** One engine's guest: a memory and a Cpu that run the cases of a batch one after another. */
class Machine {
  readonly memory = new bundled.FlatMemory(MEMORY_SIZE);
  readonly cpu: Cpu;
  private exceptions: string[] = [];
  private readonly fir: number;

  constructor() {
    this.cpu = new bundled.Cpu(this.memory, {
      exception: (c, code: ExcCode, badVAddr: number) => {
        this.exceptions.push(`code ${code} at ${(c.pc >>> 0).toString(16)} bad ${(badVAddr >>> 0).toString(16)} delay ${c.inDelaySlot}`);
        return Status.Stop;
      },
    });
    this.fir = this.cpu.r[StateWord.Fir]!;
    const trampolines = new Uint32Array(PAGE_SIZE / 4);
    for (let slot = 0; slot < BATCH; slot++) {
      trampolines[slot * 2] = jump(codeBase(slot) + STUB_OFFSET);
    }
    this.memory.write(TRAMPOLINE_BASE, new Uint8Array(trampolines.buffer));
    this.memory.protect(TRAMPOLINE_BASE, PAGE_SIZE, Perm.Read | Perm.Exec);
  }

  /** Writes the code pages of a batch (the rest of each page is zero: NOPs). */
  load(cases: readonly Case[]): void {
    for (const c of cases) {
      const page = new Uint32Array(PAGE_SIZE / 4);
      page.set(c.words);
      page[GUARD_INDEX] = GUARD_WORD;
      page[STUB_OFFSET / 4] = jump(codeBase(c.slot));
      this.memory.write(codeBase(c.slot), new Uint8Array(page.buffer));
    }
  }

  /** Runs one case with only its code and scratch pages mapped. */
  run(c: Case, engine?: JitEngine): Outcome {
    const { memory, cpu } = this;
    const code = codeBase(c.slot);
    const scratch = scratchBase(c.slot);
    memory.u8.set(c.scratch, scratch);
    memory.protect(code, PAGE_SIZE, Perm.Read | Perm.Exec);
    memory.protect(scratch, PAGE_SIZE, Perm.Read | Perm.Write);
    this.exceptions = [];
    cpu.r.set(c.initial);
    cpu.r[0] = 0;
    cpu.r[BASE_REGISTER] = scratch + 0x800;
    cpu.r[StateWord.Fir] = this.fir;
    cpu.fprBits.set(c.fpr);
    cpu.fpr64 = c.fpr64;
    cpu.llBit = false;
    cpu.llAddress = 0;
    cpu.userLocal = 0;
    cpu.faultCode = 0;
    cpu.faultAddress = 0;
    cpu.setPc(c.trampoline ? trampolineAddress(c.slot) : code);
    const before = cpu.instructions;
    const status = engine ? engine.run(BUDGET) : cpu.run(BUDGET);
    const outcome: Outcome = {
      status,
      registers: Array.from(cpu.r.subarray(0, StateWord.Fcsr + 1)),
      fpr: Array.from(cpu.fprBits),
      pc: cpu.pc,
      npc: cpu.npc,
      nextInDelaySlot: cpu.nextInDelaySlot,
      llBit: cpu.llBit,
      instructions: cpu.instructions - before,
      exceptions: this.exceptions,
      scratch: memory.read(scratch, PAGE_SIZE),
    };
    // Unmapping drops the page's predecoded and compiled code.
    memory.protect(code, PAGE_SIZE, Perm.None);
    memory.protect(scratch, PAGE_SIZE, Perm.None);
    return outcome;
  }
}

function describeCase(c: Case): string {
  const base = codeBase(c.slot);
  const stub = (base + STUB_OFFSET).toString(16);
  const entry = c.trampoline ? `entered at ${trampolineAddress(c.slot).toString(16)}: j ${stub}; nop; ${stub}: j ${base.toString(16)}; nop` : 'entered directly';
  const lines = c.words.map((word, i) => `${(base + 4 * i).toString(16)}: ${word.toString(16).padStart(8, '0')}  ${disassemble(word, base + 4 * i)}`);
  const initial = Array.from(c.initial);
  initial[0] = 0;
  initial[BASE_REGISTER] = scratchBase(c.slot) + 0x800;
  const names = (i: number) => (i < 32 ? `r${i}` : ['hi', 'lo', 'fcsr'][i - 32]!);
  const state = initial.map((value, i) => `${names(i)}=${(value >>> 0).toString(16)}`).join(' ');
  const guard = `${(base + GUARD_INDEX * 4).toString(16)}: ${disassemble(GUARD_WORD)}`;
  return `${entry}; FR=${c.fpr64 ? 1 : 0}; initial ${state}\n${lines.join('\n')}\n(NOPs up to) ${guard}`;
}

/** Every field of the two outcomes; an empty list when they agree. */
function differences(interpreted: Outcome, compiled: Outcome): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of ['status', 'exceptions', 'pc', 'npc', 'nextInDelaySlot', 'llBit', 'instructions'] as const) {
    if (!same(interpreted[key], compiled[key])) out.push(`${key}: interp ${JSON.stringify(interpreted[key])} jit ${JSON.stringify(compiled[key])}`);
  }
  interpreted.registers.forEach((value, i) => {
    const other = compiled.registers[i]!;
    if (value !== other) out.push(`r${i}: interp ${(value >>> 0).toString(16)} jit ${(other >>> 0).toString(16)}`);
  });
  interpreted.fpr.forEach((value, i) => {
    const other = compiled.fpr[i]!;
    if (value !== other) out.push(`f${i}: interp ${(value >>> 0).toString(16)} jit ${(other >>> 0).toString(16)}`);
  });
  for (let offset = 0; offset < PAGE_SIZE; offset++) {
    if (interpreted.scratch[offset] !== compiled.scratch[offset]) {
      out.push(`scratch+${offset.toString(16)}: interp ${interpreted.scratch[offset]} jit ${compiled.scratch[offset]}`);
    }
  }
  return out;
}

let interpreter: Machine;

/** Runs cases [first, last) of `mode` in batches; throws a report of every mismatch. */
function fuzz(mode: Mode, first: number, last: number): void {
  const failures: number[] = [];
  let report = '';
  let ran = 0;
  let ranCompiled = 0;
  let compiledInstructions = 0;
  let allInstructions = 0;
  let regions = 0;
  for (let start = first; start < last; start = (Math.floor(start / BATCH) + 1) * BATCH) {
    const end = Math.min(last, (Math.floor(start / BATCH) + 1) * BATCH);
    // MIPSJIT_FUZZ_ONLY=n runs n's batch up to n: the engine is shared, so earlier cases matter.
    const stop = ONLY === undefined ? end : ONLY >= start && ONLY < end ? ONLY + 1 : start;
    const cases: Case[] = [];
    for (let index = start; index < stop; index++) cases.push(makeCase(mode, index));
    if (cases.length === 0) continue;
    interpreter.load(cases);
    // A fresh memory per batch for the JIT: no region, slot or heat outlives its engine.
    const jit = new Machine();
    jit.load(cases);
    // Odd batches keep every register a region names in a local; even ones only those it names
    // MIN_USES_TO_CACHE times, few in sequences this short.
    const engine = new bundled.JitEngine(jit.cpu, { hotThreshold: 1, ...(Math.floor(start / BATCH) % 2 === 1 ? { minUsesToCache: 1 } : {}) });
    for (const c of cases) {
      const interpreted = interpreter.run(c);
      const before = engine.stats.compiledInstructions;
      const compiled = jit.run(c, engine);
      ran++;
      if (engine.stats.compiledInstructions > before) ranCompiled++;
      compiledInstructions += engine.stats.compiledInstructions - before;
      allInstructions += compiled.instructions;
      const diff = differences(interpreted, compiled);
      if (diff.length === 0) continue;
      failures.push(c.index);
      if (report !== '') continue;
      const show = (outcome: Outcome) => JSON.stringify({ ...outcome, scratch: undefined });
      report =
        `${MODE_NAMES[mode]} case ${c.index} (rerun with MIPSJIT_FUZZ_SEED=${SEED} MIPSJIT_FUZZ_ONLY=${c.index}) differs:\n` +
        `${diff.join('\n')}\n${describeCase(c)}\ninterp ${show(interpreted)}\njit    ${show(compiled)}`;
    }
    regions += engine.stats.regionsCompiled;
    engine.close();
  }
  // The whole range runs even after a mismatch, so the report counts them all.
  const coverage = `${regions} regions compiled; compiled code ran in ${ranCompiled} of ${ran} cases (${compiledInstructions} of ${allInstructions} instructions)`;
  if (failures.length > 0) {
    const list = `${failures.slice(0, 20).join(', ')}${failures.length > 20 ? ', ...' : ''}`;
    throw new Error(`${failures.length} ${MODE_NAMES[mode]} cases differ (${list}); ${coverage}; the first:\n${report}`);
  }
  // Guard against a fuzzer that silently stops testing the JIT (e.g. if tiering changes).
  if (ran >= 200 && ranCompiled * 3 < ran) throw new Error(`the JIT ran too few cases: ${coverage}`);
}

describe('JIT vs interpreter, seeded differential fuzzing', () => {
  beforeAll(() => {
    interpreter ??= new Machine();
  });

  const modes: [Mode, number][] = [
    [Mode.Plain, CASES],
    [Mode.Exceptions, Math.ceil(CASES / 4)],
  ];
  for (const [mode, count] of modes) {
    for (let first = 0; first < count; first += CHUNK) {
      const last = Math.min(count, first + CHUNK);
      if (ONLY !== undefined && (ONLY < first || ONLY >= last)) continue;
      it(`${MODE_NAMES[mode]} cases ${first}..${last - 1} (seed ${SEED})`, () => fuzz(mode, first, last), 600_000);
    }
  }
});
