// Guest instructions -> Binaryen IR. Common integer, memory and branch instructions get inline
// Wasm; every other instruction calls its interpreter handler through the `interp` import, so
// each instruction has one meaning. Guest GPRs live in Wasm locals inside a region function and
// are written back to the state block at every exit and around every handler call.

import { branchTarget, jumpTarget } from '../src/isa/operands.js';
import { ROWS } from '../src/isa/decode.js';
import { Flag } from '../src/isa/table.js';
import { doubleByteOffsets, ExitWord, FPU_CONTEXT_BITS, fprByteOffset, StateWord } from '../runtime/state.js';
import { rdOf, rsOf, rtOf, saOf, simmOf } from '../src/interp/fields.js';
import { ACCESS_TABLE_BYTES, AccessTable, DISPATCH_TABLE_BYTES, JUMP_CACHE_ENTRIES, NO_BLOCK, Perm, PAGE_MASK, PAGE_SHIFT } from '../runtime/flat-memory.js';
import { SOFT_TLB_ENTRIES } from '../runtime/soft-tlb.js';
import { endingCall, successors, type Block, type GuestInstruction } from './block.js';
import type { FunctionImport, ValueType } from './wasm.js';
import type { Expr, WasmEncoder } from './wasm-encoder.js';
import { deadCauses, FpuTranslator, FPU_INLINE } from './translate-fpu.js';
import { afterInstruction, planAccessSpans, SpanGroups, type AccessSpan } from './access-checks.js';

/** The interpreter's handler for one instruction: (row id, word, PC, next PC, in a delay slot) -> Status. */
export const INTERP_IMPORT: FunctionImport = { name: 'interp', params: ['i32', 'i32', 'i32', 'i32', 'i32'], result: 'i32' };
/**
 * Where a user-mode region finds INTERP_IMPORT: the slot of the shared table of regions where the
 * engine puts the bridge's `interp` (its own slots start at 1), called with call_indirect. A
 * user-mode region imports no function: V8 (Node 20) compiles a Wasm-to-JS wrapper for each
 * function a module imports when it compiles the module, whatever the import turns out to be,
 * ~0.12 ms per module (a 296-byte region took 0.15 ms to compile, the same module without the
 * import 0.03 ms; callbench 3 compiles 57 modules). System-mode regions still import it.
 */
export const INTERP_SLOT = 0;

/**
 * Temporary locals (user mode, after the register locals) that keep a value a block writes to a
 * GPR without a local of its own, so that later reads in the block do not load it back from the
 * state block: V8 keeps such a load (the memory is shared) and it waits on the store just before
 * it. busybox bzip2's hottest loop stored t6 and loaded it again in the next instruction.
 */
export const FORWARD_TEMPORARIES = 4;

/** The Wasm type of each fixed local (registers after them are i32). */
export function localType(local: number): ValueType {
  if (local === Local.Product) return 'i64';
  if (local >= Local.FloatA && local <= Local.FloatError) return 'f64';
  return 'i32';
}

/** Locals of a region function (params first). */
export const enum Local {
  /** param: the guest PC to dispatch on. */
  Pc = 0,
  /** param: instructions left before the function must return. */
  Budget = 1,
  Npc = 2,
  DelaySlot = 3,
  Status = 4,
  Taken = 5,
  Target = 6,
  Address = 7,
  Scratch = 8,
  Product = 9, // i64
  FloatA = 10, // f64
  FloatB = 11, // f64
  FloatResult = 12, // f64
  FloatError = 13, // f64
  Fcsr = 14,
  /** User mode: the index (in address order) of the region's block the dispatch goes to next. */
  BlockIndex = 15,
  FirstRegister = 16,
}

/** What a region function returns. */
export const enum RegionExit {
  /** Continue at the exit PC: look up compiled code or interpret (PC left the region, budget ran out). */
  Leave = 0,
  /** The instruction at the exit PC must run in the interpreter (fault, code write, unsupported). */
  Interpret = 1,
  /** A handler stopped the run (the environment holds the reason); cpu.pc is already set. */
  Stop = 2,
}

export const EXIT_LABEL = 'exit';
/**
 * The label whose end is the region's exit for a handler that stopped (RegionExit.Stop): the state
 * block is exact there (callInterpreter wrote every cached register back before the call, and the
 * handler may have rewritten any of them), so this exit writes back no local.
 */
export const STOPPED_LABEL = 'stopped';
/** The imported mutable global holding the running VCPU's block offset (shared system-mode code). */
export const STATE_GLOBAL = 'state';
/** User mode: the imported global with the address of the region's dispatch table (Translator.blockIndexOfPc). */
export const DISPATCH_GLOBAL = 'dispatch';
/** The label whose end is where the region's `index`th block's code starts. */
export const blockLabel = (index: number) => cachedLabel(BLOCK_LABELS, 'b', index);
/** The label whose end is the `index`th block's shared exit to the interpreter (Local.Pc: the instruction). */
const interpretLabel = (index: number) => cachedLabel(INTERPRET_LABELS, 'interpret', index);
/** The label of the Wasm loop around the `index`th block when it branches back to its own start. */
const selfLoopLabel = (index: number) => cachedLabel(SELF_LOOP_LABELS, 'self', index);

// Label strings are made once per index: the encoder keys labels by string, and a string built
// anew for every branch is hashed anew at every lookup.
const BLOCK_LABELS: string[] = [];
const INTERPRET_LABELS: string[] = [];
const SELF_LOOP_LABELS: string[] = [];
function cachedLabel(labels: string[], prefix: string, index: number): string {
  return (labels[index] ??= `${prefix}${index}`);
}
export const DISPATCH_LABEL = 'dispatch';
/** The label whose end is the region's exit for a block without budget (Translator.outOfBudgetExit). */
export const OUT_OF_BUDGET_LABEL = 'budget';

/** The trap rows: the comparison that fires each (rs against rt, or the sign-extended immediate). */
const TRAPS = new Map<string, readonly ['eq' | 'ne' | 'geS' | 'geU' | 'ltS' | 'ltU', boolean]>([
  ['teq', ['eq', false]], ['tne', ['ne', false]], ['tge', ['geS', false]], ['tgeu', ['geU', false]],
  ['tlt', ['ltS', false]], ['tltu', ['ltU', false]], ['teqi', ['eq', true]], ['tnei', ['ne', true]],
  ['tgei', ['geS', true]], ['tgeiu', ['geU', true]], ['tlti', ['ltS', true]], ['tltiu', ['ltU', true]],
]);

// Rows translated inline. Everything else (and every row not listed) calls the interpreter.
const INLINE = new Set([
  'sll', 'srl', 'sra', 'sllv', 'srlv', 'srav', 'rotr', 'rotrv', 'movz', 'movn',
  'mfhi', 'mthi', 'mflo', 'mtlo', 'mult', 'multu', 'div', 'divu',
  'addu', 'subu', 'and', 'or', 'xor', 'nor', 'slt', 'sltu',
  'addiu', 'slti', 'sltiu', 'andi', 'ori', 'xori', 'lui',
  'mul', 'clz', 'clo', 'seb', 'seh', 'wsbh', 'ext', 'ins',
  'lb', 'lbu', 'lh', 'lhu', 'lw', 'sb', 'sh', 'sw', 'lwl', 'lwr', 'swl', 'swr', 'll', 'sc', 'sync', 'pref',
  'beq', 'bne', 'blez', 'bgtz', 'bltz', 'bgez', 'bltzal', 'bgezal',
  'beql', 'bnel', 'blezl', 'bgtzl', 'bltzl', 'bgezl', 'bltzall', 'bgezall',
  'j', 'jal', 'jr', 'jr.hb', 'jalr', 'jalr.hb', 'bc1f', 'bc1t', 'bc1fl', 'bc1tl',
  'madd', 'maddu', 'msub', 'msubu', 'lwc1', 'swc1', 'ldc1', 'sdc1', 'mfc1', 'mtc1', 'mfhc1', 'mthc1',
  ...TRAPS.keys(), 'rdhwr',
]);


/**
 * An unsigned load from `base + index` where `base` is a table's place in memory. V8 (x64) puts a
 * load's offset in the instruction only below 2 GiB; past it (user mode's permission table and
 * jump cache sit just above the 2 GiB guest space) it spends a register and an add on the offset
 * at every load, so the base is added to the index instead (the same address: no wrap below 4 GiB).
 */
function loadAt(w: WasmEncoder, bytes: 1 | 2 | 4, base: number, index: Expr): Expr {
  return base < 0x8000_0000 ? w.load(bytes, false, base, index) : w.load(bytes, false, 0, w.add(index, w.const(base | 0)));
}

/** INLINE by row id (the translator asks several times per instruction). */
const INLINE_BY_ROW = Uint8Array.from(ROWS, (row) => (INLINE.has(row.name) ? 1 : 0));

export function isInline(instruction: GuestInstruction): boolean {
  return INLINE_BY_ROW[instruction.row.id] === 1;
}

// The helpers below run for every instruction of every region while the translator is still cold
// code (V8's interpreter runs it in a short program): they return numbers, not arrays or sets.

/** The GPRs an instruction may read or write (fields rs, rt, rd of its row, the link register), as a mask (bit 0 never). */
function registerMaskOf(instruction: GuestInstruction): number {
  const { row, word } = instruction;
  let mask = 0;
  if (row.fields.rs) mask |= 1 << rsOf(word);
  if (row.fields.rt) mask |= 1 << rtOf(word);
  if (row.fields.rd && !RD_NOT_GPR.has(row.name)) mask |= 1 << rdOf(word);
  if (row.flags & Flag.Link) mask |= 1 << 31;
  return mask & ~1;
}

const HI_LO_ROWS = new Set(['mfhi', 'mthi', 'mflo', 'mtlo', 'mult', 'multu', 'div', 'divu', 'madd', 'maddu', 'msub', 'msubu']);
/** Inline rows that write HI and LO. */
const WRITES_HI_LO = new Set(['mthi', 'mtlo', 'mult', 'multu', 'div', 'divu', 'madd', 'maddu', 'msub', 'msubu']);
/** Inline rows that write no GPR (besides the link register of branches, from the Link flag). */
const WRITES_NO_GPR = new Set([...WRITES_HI_LO, ...TRAPS.keys(), 'mtc1', 'mthc1', 'lwc1', 'swc1', 'ldc1', 'sdc1', 'sync', 'pref']);
/** Inline rows whose rd field names no GPR (a bit-field bound, a hardware register): they write rt. */
const RD_NOT_GPR = new Set(['ext', 'ins', 'rdhwr']);

/**
 * The GPR an inline instruction's code writes (the register it names first, or the link
 * register), 0 for none; WRITES_HI_LO's rows write HI and LO instead.
 */
function writtenGprOf(instruction: GuestInstruction): number {
  const { row, word } = instruction;
  const name = row.name;
  if ((row.flags & Flag.DelaySlot) !== 0) {
    if ((row.flags & Flag.Link) === 0) return 0;
    return name.startsWith('jalr') ? rdOf(word) : 31;
  }
  // SC stores and writes rt (whether it stored).
  if (name === 'sc') return rtOf(word);
  if ((row.flags & Flag.Store) !== 0 || WRITES_NO_GPR.has(name)) return 0;
  // The destination is the row's first operand: rd for register forms, rt for immediate forms and loads.
  return row.fields.rd && !RD_NOT_GPR.has(name) ? rdOf(word) : rtOf(word);
}

/** The GPRs an instruction's code may write, as a mask: inline code its destination (and link), a handler any GPR its row names. */
function gprsWrittenMask(instruction: GuestInstruction): number {
  if (!isInline(instruction)) return registerMaskOf(instruction);
  return (1 << writtenGprOf(instruction)) & ~1;
}

/** State words (GPRs, HI, LO) an instruction's handler may read or write. */
function stateWordsOf(instruction: GuestInstruction): Set<number> {
  const words = new Set<number>();
  const mask = registerMaskOf(instruction);
  for (let register = 1; register < 32; register++) if ((mask >>> register) & 1) words.add(StateWord.Gpr + register);
  if (HI_LO_ROWS.has(instruction.row.name)) {
    words.add(StateWord.Hi);
    words.add(StateWord.Lo);
  }
  // SYSCALL in user mode: the Linux layer writes the result to v0 (and v1) and the error flag to
  // a3 (src/linux/task.ts setResult); a call that changes more stops the run.
  if ((instruction.row.flags & Flag.UserRunsCompiled) !== 0) for (const register of SYSCALL_RESULT_REGISTERS) words.add(StateWord.Gpr + register);
  return words;
}

/** v0, v1 and a3. */
const SYSCALL_RESULT_REGISTERS = [2, 3, 7];

/**
 * A GPR gets a local only when the region's inline code names it at least this many times (an
 * operand named twice by one instruction counts twice); the others are read from and written to
 * the state block where they are used. Every entry into a region loads all its locals and every
 * exit stores those it wrote, and V8 keeps only a dozen or so of them in machine registers (the
 * rest go to stack slots, which cost as much as the state block): in busybox gzip's hottest
 * region the prologue's 22 loads took a fifth of the function's samples (`perf`). So a register
 * named a few times costs more in a region that is entered often (calls and returns between
 * modules) than it saves. Guest seconds of first runs, medians of seven interleaved rounds,
 * caching the registers named at least 3 / 8 / 12 / 16 times (caching every register named at
 * all, as before, was 0-9% slower than 3):
 * CoreMark 4000 0.594 / 0.562 / 0.536 / 0.527 s, CoreMark 700 0.210 / 0.188 / 0.189 / 0.206,
 * callbench 10 0.513 / 0.488 / 0.462 / 0.472, callbench 3 0.294 / 0.280 / 0.267 / 0.268,
 * gzip 1.706 / 1.610 / 1.564 / 1.475; cpubench 4, cpubench 1 and sha256sum within 3% of each
 * other. Caching none hurt the tight loops: sha256sum 0.146 -> 0.204 s, cpubench 4 0.525 -> 0.622.
 * Weighting uses inside loops (blocks on a cycle of the region) or keeping only the 8 or 10 most
 * used did no better than the plain count. On four busybox applets no bench runs (bzip2,
 * sha512sum, md5sum, sort), 12 was 2-12% faster than 3 (bench/RESULTS.md).
 * Once a block's writes of the other registers were forwarded to its later reads
 * (FORWARD_TEMPORARIES), fewer cached registers paid again. 12 / 20 / 24, five interleaved rounds:
 * CoreMark 4000 0.521 / 0.441 / 0.456 s (0.473-0.490 for 12 in other rounds), CoreMark 700
 * 0.144 / 0.130 / 0.134, gzip 1.277 / 1.217 / 1.239, sort 0.269 / 0.259 / 0.263, callbench 10
 * 0.344 / 0.334 / 0.341, callbench 3 0.177 / 0.173 / 0.174, sha256sum 0.121 / 0.117 / 0.117;
 * bzip2 0.822 / 0.817 / 0.824 and cpubench 4 0.442 / 0.450 / 0.439 within noise. 8 was slower
 * than 12 on all but bzip2; 32 and 48 no better than 20-24 (cpubench 4 0.506 / 0.515).
 */
export const MIN_USES_TO_CACHE = 20;
/** System mode forwards no writes (a handler may run in place of a load there) and keeps 12. */
export const SYSTEM_MIN_USES_TO_CACHE = 12;

/**
 * Whether `block` is a loop of its own: it branches back to its start (not by a call). Such a loop
 * runs many times per entry into its region, so every register it names gets a local: guest
 * seconds, medians of nine interleaved runs, CoreMark 4000 0.480 -> 0.455, cpubench 4 0.488 ->
 * 0.452, busybox gunzip of 4x the input 0.352 -> 0.343, callbench 10 0.279 -> 0.272. Weighting the
 * uses in every block of a loop the region closes (a backward branch, the blocks between in
 * address order) instead made CoreMark 4000 12% and callbench 10 9% slower: more registers to
 * reload at each entry into a region and write back at each exit, of which CoreMark makes
 * millions between the modules of a page.
 */
function isSelfLoop(block: Block): boolean {
  return block.terminal.kind === 'branch' && endingCall(block) === undefined && successors(block).some((target) => target >>> 0 === block.start >>> 0);
}

/**
 * The register-to-local assignment of one region function: the GPRs its inline code names often
 * enough (MIN_USES_TO_CACHE; any in a block that loops on itself, isSelfLoop), and HI/LO when it
 * uses them.
 */
export class RegisterLocals {
  /** Local index per GPR (0: not cached). */
  private readonly gpr = new Int32Array(32);
  hi = 0;
  lo = 0;
  readonly count: number;
  /** The state words of the cached registers (GPRs in order, then HI and LO), and their locals. */
  readonly cachedWords: readonly number[];
  readonly cachedLocals: readonly number[];
  /**
   * State words whose locals inline code may write. Only these can differ from the state block,
   * so only these are written back at exits (a tail call to another region costs a store per
   * register the region changes, not per register it caches).
   */
  readonly written = new Set<number>();

  constructor(blocks: readonly Block[], minUses = MIN_USES_TO_CACHE) {
    const uses = new Int32Array(32);
    /** The GPRs in the order the region's inline code first names them. */
    const named: number[] = [];
    let hiLo = false;
    /** What one use counts in the current block. */
    let weight = 1;
    const count = (register: number) => {
      if (register === 0) return;
      if (uses[register] === 0) named.push(register);
      uses[register] = uses[register]! + weight;
    };
    for (let blockIndex = 0; blockIndex < blocks.length; blockIndex++) {
      weight = isSelfLoop(blocks[blockIndex]!) ? minUses : 1;
      const instructions = blocks[blockIndex]!.instructions;
      for (let index = 0; index < instructions.length; index++) {
        const instruction = instructions[index]!;
        if (!isInline(instruction)) continue;
        const { row, word } = instruction;
        const name = row.name;
        if (WRITES_HI_LO.has(name)) {
          this.written.add(StateWord.Hi);
          this.written.add(StateWord.Lo);
        } else {
          const written = writtenGprOf(instruction);
          if (written !== 0) this.written.add(StateWord.Gpr + written);
        }
        // Each operand counts (one named twice counts twice).
        if (row.fields.rs) count(rsOf(word));
        if (row.fields.rt) count(rtOf(word));
        if (row.fields.rd && !RD_NOT_GPR.has(name)) count(rdOf(word));
        if (row.flags & Flag.Link) count(31);
        if (HI_LO_ROWS.has(name)) hiLo = true;
      }
    }
    let next: number = Local.FirstRegister;
    for (const register of named) if (uses[register]! >= minUses) this.gpr[register] = next++;
    if (hiLo) {
      this.hi = next++;
      this.lo = next++;
    }
    this.count = next - Local.FirstRegister;
    const words: number[] = [];
    const locals: number[] = [];
    for (let register = 1; register < 32; register++) {
      const local = this.gpr[register]!;
      if (local === 0) continue;
      words.push(StateWord.Gpr + register);
      locals.push(local);
    }
    if (hiLo) {
      words.push(StateWord.Hi, StateWord.Lo);
      locals.push(this.hi, this.lo);
    }
    this.cachedWords = words;
    this.cachedLocals = locals;
  }

  localOf(register: number): number {
    return this.gpr[register]!;
  }
}

/**
 * How compiled code reaches guest memory. Linux user mode: guest virtual address == memory
 * offset, with a permission byte per page (runtime/flat-memory.ts). System mode: through the VCPU's
 * soft TLB for the mode the region was compiled for (runtime/soft-tlb.ts): an entry's tag must
 * equal the address's page (with the alignment bits, so a misaligned access misses), and the
 * host address is the address plus the entry's addend; a miss returns to the interpreter.
 */
export type GuestMemoryAccess =
  | {
      readonly kind: 'flat';
      readonly permsBase: number;
      /** The access tables (runtime/flat-memory.ts AccessTable), 1 MiB apart from here. */
      readonly accessTablesBase: number;
      /** The jump cache (runtime/flat-memory.ts FlatMemory.jumpCache): [PC, slot] pairs. */
      readonly jumpCacheBase: number;
    }
  | {
      readonly kind: 'soft-tlb';
      readonly readTags: number;
      readonly readAddends: number;
      readonly writeTags: number;
      readonly writeAddends: number;
      /** For the refill handler (codegen/tlb-refill.ts), imported as `refill`: the mode. */
      readonly mode: number;
      /** The mode's fetch table (for the entry check of a region entered by a tail call). */
      readonly fetchTags: number;
      readonly fetchAddends: number;
      /** The region-slot table (Uint16 per virtual page, absolute) of the VM's shared funcref table. */
      readonly regionSlotsBase: number;
      /** The VM's jump cache (codegen/system-engine.ts SystemCodeCache): [PC, slot] pairs, absolute. */
      readonly jumpCacheBase: number;
      /** What this region assumes: its code context (StateWord.CodeContext) and host page. */
      readonly context: number;
      /** The region has no FPU code: only the mode of its code context matters (FPU_CONTEXT_BITS aside). */
      readonly fpuIndependent?: boolean;
      readonly hostPage: number;
    };

/** Where a region's code finds the VCPU's state and the guest's memory. */
export interface TargetLayout {
  /**
   * Byte offset of the VCPU's state block (runtime/state.ts), or 'global': code shared by the
   * VCPUs of a VM reads the block's offset from the imported mutable global `state`, which the
   * engine sets before each call.
   */
  readonly stateBase: number | 'global';
  readonly access: GuestMemoryAccess;
  /** False when the code runs with Status.CU1 clear: FPU instructions are left to the interpreter. */
  readonly fpuUsable?: boolean;
  /** Status.FR of the code: 64-bit FPRs (runtime/state.ts); false or absent: FR=0. */
  readonly fpr64?: boolean;
}

/** Translates the blocks of one region. */
export class Translator {
  private readonly fpu: FpuTranslator;
  /** The current block's FPU instructions whose FCSR.Cause a later one overwrites unseen (deadCauses). */
  private deadCauses: Set<GuestInstruction> | undefined;
  private readonly stateBase: number;
  private currentBlock = 0;
  /** The current block branches back to its own start: its code goes in a Wasm loop. */
  private selfLoop = false;
  /** The address after the current block's last instruction. */
  private blockEnd = 0;
  /** Code of the current block leaves through its shared exit to the interpreter. */
  private sharedExit = false;
  /** Flat memory: the spans planned for the current block's first accesses (codegen/access-checks.ts). */
  private accessSpans = new Map<number, AccessSpan>();
  /**
   * Flat memory: what the permission checks emitted so far in the block cover, by base register
   * (offsets from its value now, and whether for reading, writing or both), and how many bytes
   * they proved each base register aligned to (an access of n bytes at an offset that is a
   * multiple of n passed its alignment check, so the register itself is a multiple of n until an
   * instruction writes it; a step by ADDIU keeps what the step's size keeps).
   */
  private readonly covered = new SpanGroups();
  /**
   * Flat memory: per GPR without a local of its own that the block wrote so far, the temporary
   * local (FORWARD_TEMPORARIES) holding the value written (0: none). Valid in the block's
   * straight-line code: every conditional path in a user-mode block leaves it, so a write always
   * ran before a later read. Cleared at each block start and at each call of a handler (which
   * may write registers in the state block).
   */
  private readonly forwarded = new Int32Array(32);
  /** The GPR each temporary holds (0: none), so that reusing a temporary forgets its register. */
  private readonly forwardedRegister = new Int32Array(FORWARD_TEMPORARIES);
  private nextForward = 0;
  /** The region's first block start, and the words from it to the last block start. */
  private readonly firstStart: number;
  private readonly dispatchWords: number;

  constructor(
    private readonly w: WasmEncoder,
    private readonly registers: RegisterLocals,
    private readonly target: TargetLayout,
    /** The guest page this region covers. */
    private readonly page: number,
    /** Region block index by start address (block i's code follows the end of label `b{i}`). */
    private readonly blockIndex: ReadonlyMap<number, number>,
    /** User mode: the expected target of a JALR by its address (codegen/region.ts PredictedCalls). */
    private readonly predictedTargets: ReadonlyMap<number, number> = new Map(),
  ) {
    // The dispatch table covers the blocks of the page and those beside it, from the lowest start
    // to the highest whatever the map's order (a start outside it would leave the region through
    // the jump cache, which may name this region again: a spin that spends no budget); copies of
    // predicted callees farther away are found by predictedBlock.
    let first: number | undefined;
    let last = 0;
    for (const start of blockIndex.keys()) {
      if (!this.nearPage(start)) continue;
      if (first === undefined || start >>> 0 < first >>> 0) first = start;
      if (start >>> 0 > last >>> 0) last = start;
    }
    this.firstStart = first ?? 0;
    this.dispatchWords = first === undefined ? 1 : ((last - first) >>> 2) + 1;
    this.stateBase = target.stateBase === 'global' ? 0 : target.stateBase;
    const locals = { a: Local.FloatA, b: Local.FloatB, result: Local.FloatResult, error: Local.FloatError, fcsr: Local.Fcsr, bits: Local.Product };
    this.fpu = new FpuTranslator(w, locals, this.stateBase, () => this.statePointer(), target.fpr64 === true);
  }

  /**
   * The local that holds the VCPU block's offset in shared code (after the register locals; set
   * from the global `state` on entry, see loadStatePointer), or 0 when state offsets are absolute.
   */
  get stateLocal(): number {
    return this.target.stateBase === 'global' ? Local.FirstRegister + this.registers.count : 0;
  }

  /** Shared code: copies the global `state` into stateLocal (engines keep a local in a register). */
  loadStatePointer(): Expr[] {
    return this.target.stateBase === 'global' ? [this.w.set(this.stateLocal, this.w.globalGet(STATE_GLOBAL))] : [];
  }

  /** The address state offsets are relative to: 0, or the VCPU block of shared code. */
  statePointer(): Expr {
    return this.target.stateBase === 'global' ? this.w.get(this.stateLocal) : this.w.const(0);
  }

  /** Byte offset of state word `word` from statePointer(). */
  stateOffset(word: number): number {
    return this.stateBase + word * 4;
  }

  private fprOffset(register: number): number {
    return fprByteOffset(register, this.stateBase);
  }

  // ---- registers ----

  private read(register: number): Expr {
    if (register === 0) return this.w.const(0);
    const local = this.registers.localOf(register);
    if (local !== 0) return this.w.get(local);
    const forwarded = this.forwarded[register]!;
    if (forwarded !== 0) return this.w.get(forwarded);
    return this.w.load(4, false, this.stateOffset(register), this.statePointer());
  }

  private write(register: number, value: Expr): Expr {
    if (register === 0) return this.w.drop(value);
    const local = this.registers.localOf(register);
    if (local !== 0) return this.w.set(local, value);
    if (this.target.access.kind !== 'flat') return this.w.store(4, this.stateOffset(register), this.statePointer(), value);
    // The state block stays exact (every exit may leave here); later reads in the block take
    // the value from a temporary local instead of reloading what was just stored.
    let temporary = this.forwarded[register]!;
    if (temporary === 0) {
      const slot = this.nextForward++ % FORWARD_TEMPORARIES;
      this.forwarded[this.forwardedRegister[slot]!] = 0;
      this.forwardedRegister[slot] = register;
      // The temporaries follow the register locals and the state pointer's local (region.ts).
      temporary = Local.FirstRegister + this.registers.count + (this.stateLocal !== 0 ? 1 : 0) + slot;
      this.forwarded[register] = temporary;
    }
    return this.w.store(4, this.stateOffset(register), this.statePointer(), this.w.tee(temporary, value));
  }

  /** Later reads take registers from the state block again (a block start, a handler call). */
  private forgetForwarded(): void {
    this.forwarded.fill(0);
    this.forwardedRegister.fill(0);
  }

  /**
   * Stores cached registers to the state block (all of them, or those `only` lists), except those
   * no inline code of the region writes: their locals always equal the state block.
   */
  spill(only?: ReadonlySet<number>): Expr[] {
    const { cachedWords, cachedLocals, written } = this.registers;
    const stores: Expr[] = [];
    for (let index = 0; index < cachedWords.length; index++) {
      const word = cachedWords[index]!;
      if (written.has(word) && (only === undefined || only.has(word))) stores.push(this.w.store(4, this.stateOffset(word), this.statePointer(), this.w.get(cachedLocals[index]!)));
    }
    return stores;
  }

  /** Reloads cached registers from the state block (all of them, or those `only` lists). */
  reload(only?: ReadonlySet<number>): Expr[] {
    const { cachedWords, cachedLocals } = this.registers;
    const loads: Expr[] = [];
    for (let index = 0; index < cachedWords.length; index++) {
      const word = cachedWords[index]!;
      if (only === undefined || only.has(word)) loads.push(this.w.set(cachedLocals[index]!, this.w.load(4, false, this.stateOffset(word), this.statePointer())));
    }
    return loads;
  }

  // ---- exits ----

  /**
   * Leaves the function before `instruction` (index `index` of a block of `length`), so that
   * the engine resumes there: `npc` is the instruction after it; `delaySlot` when it is one.
   */
  private exitBefore(status: RegionExit, pc: number, npc: Expr, delaySlot: boolean, unexecuted: number): Expr {
    const w = this.w;
    return w.block(null, [
      w.set(Local.Status, w.const(status)),
      w.set(Local.Pc, w.const(pc)),
      w.set(Local.Npc, npc),
      w.set(Local.DelaySlot, w.const(delaySlot ? 1 : 0)),
      ...(unexecuted !== 0 ? [w.set(Local.Budget, w.add(w.get(Local.Budget), w.const(unexecuted)))] : []),
      w.br(EXIT_LABEL),
    ]);
  }

  /**
   * The region's one exit for a block start reached without the budget for the block (Local.Pc:
   * the block), at the end of OUT_OF_BUDGET_LABEL: the engine continues there.
   */
  outOfBudgetExit(): Expr[] {
    return this.exitAtLocalPc(RegionExit.Leave);
  }

  /** An exit's state for the instruction in Local.Pc (not a delay slot): the status, npc = pc + 4. */
  private exitAtLocalPc(status: RegionExit): Expr[] {
    const w = this.w;
    return [w.set(Local.Status, w.const(status)), w.set(Local.Npc, w.add(w.get(Local.Pc), w.const(4))), w.set(Local.DelaySlot, w.const(0))];
  }

  /**
   * Leaves before the current block's instruction at `pc` (not a delay slot) for the interpreter:
   * `exitBefore` through one exit per block, which finds the next PC and the unexecuted count
   * from Local.Pc. A memory access's exit is then 9 bytes of Wasm instead of ~30 (exits were a
   * third of a region's bytes, and V8 compiles a module in time proportional to them).
   */
  private interpretBefore(pc: number, context: SlotContext): Expr {
    if (context.delaySlot || (this.blockEnd - pc) >>> 2 !== context.unexecuted) {
      return this.exitBefore(RegionExit.Interpret, pc, context.npc(), context.delaySlot, context.unexecuted);
    }
    this.sharedExit = true;
    return this.w.block(null, [this.w.set(Local.Pc, this.w.const(pc)), this.w.br(interpretLabel(this.currentBlock))]);
  }

  /**
   * User mode, at the top of the dispatch loop: out of budget, return before the block at
   * Local.Pc. Blocks reached by forward branches then run without checks of their own
   * (codegen/region.ts budgetChecks bounds how far past the budget that goes).
   */
  dispatchBudgetCheck(): Expr {
    const w = this.w;
    return w.if(w.ltS(w.get(Local.Budget), w.const(1)), w.br(OUT_OF_BUDGET_LABEL));
  }

  /** The shared exit of `interpretBefore`. */
  private sharedInterpretExit(): Expr[] {
    const w = this.w;
    return [
      ...this.exitAtLocalPc(RegionExit.Interpret),
      w.set(Local.Budget, w.add(w.get(Local.Budget), w.shrU(w.sub(w.const(this.blockEnd), w.get(Local.Pc)), w.const(2)))),
      w.br(EXIT_LABEL),
    ];
  }

  /**
   * The PC in Local.Pc is not an entry of this region. If the jump cache names the region that
   * has it as an entry (another page's, or another module of this page), tail-call it (registers
   * written back first). System mode, on a miss: if another page's region is installed, tail-call
   * it (it may not have an entry there either, and then returns itself). Otherwise leave the
   * function.
   */
  leave(): Expr {
    const w = this.w;
    const access = this.target.access;
    const exit = [...this.exitAtLocalPc(RegionExit.Leave), w.br(EXIT_LABEL)];
    // User mode: through the table of regions, which the region imports. System mode: through the
    // bridge's `enter` (codegen/bridge.ts), the only importer of the table there.
    const tailCall = () =>
      w.block(null, [
        ...this.spill(),
        access.kind === 'flat'
          ? w.returnCallIndirect(w.get(Local.Scratch), [w.get(Local.Pc), w.get(Local.Budget)], ['i32', 'i32'], 'i32')
          : w.returnCall('enter', [w.get(Local.Scratch), w.get(Local.Pc), w.get(Local.Budget)]),
      ]);
    // Local.Address: the PC's jump-cache entry; its tag never matches a PC that is not
    // word-aligned (such a PC takes an address error in the interpreter). In system mode the
    // region found checks on entry that it fits the translation and the code context.
    const jumpCache = w.block(null, [
      w.set(Local.Address, w.and(w.shl(w.get(Local.Pc), w.const(1)), w.const((JUMP_CACHE_ENTRIES - 1) << 3))),
      w.if(
        w.eq(loadAt(w, 4, access.jumpCacheBase, w.get(Local.Address)), w.get(Local.Pc)),
        w.block(null, [w.set(Local.Scratch, loadAt(w, 4, access.jumpCacheBase + 4, w.get(Local.Address))), tailCall()]),
      ),
    ]);
    if (access.kind === 'flat') return w.block(null, [jumpCache, ...exit]);
    const slot = w.load(2, false, access.regionSlotsBase, w.shl(w.shrU(w.get(Local.Pc), w.const(PAGE_SHIFT)), w.const(1)));
    return w.block(null, [
      jumpCache,
      w.set(Local.Scratch, slot),
      w.if(
        // Another page, a region there, and a word-aligned PC (an unaligned one faults in the interpreter).
        w.and(
          w.and(w.ne(w.shrU(w.get(Local.Pc), w.const(PAGE_SHIFT)), w.const(this.page)), w.ne(w.get(Local.Scratch), w.const(0))),
          w.eqz(w.and(w.get(Local.Pc), w.const(3))),
        ),
        tailCall(),
      ),
      ...exit,
    ]);
  }

  /**
   * System mode: code at the top of a region function. A region is entered for `pc` only while
   * the code context is the one it was compiled for and the PC's fetch entry leads to its host
   * page; otherwise it leaves at once (the engine then looks for the right code). The engine
   * checks this too, but a tail call from another region does not go through the engine.
   */
  entryGuard(): Expr[] {
    const w = this.w;
    const access = this.target.access;
    if (access.kind === 'flat') return [];
    const entry = () => w.add(this.statePointer(), w.shl(w.and(w.shrU(w.get(Local.Pc), w.const(PAGE_SHIFT)), w.const(SOFT_TLB_ENTRIES - 1)), w.const(2)));
    // Code without FPU instructions runs whatever Status.FR and CU1 are: it compares the mode only.
    const context = w.load(4, false, this.stateOffset(StateWord.CodeContext), this.statePointer());
    const contextMask = access.fpuIndependent === true ? ~FPU_CONTEXT_BITS : -1;
    const wrong = w.or(
      w.or(
        w.ne(contextMask === -1 ? context : w.and(context, w.const(contextMask)), w.const(access.context & contextMask)),
        w.ne(w.load(4, false, access.fetchTags, entry()), w.and(w.get(Local.Pc), w.const(~0xffc))),
      ),
      w.ne(w.shrU(w.add(w.get(Local.Pc), w.load(4, false, access.fetchAddends, entry())), w.const(PAGE_SHIFT)), w.const(access.hostPage)),
    );
    const state = (word: number) => this.stateOffset(word);
    return [
      w.if(
        wrong,
        w.block(null, [
          w.store(4, state(ExitWord.Pc), this.statePointer(), w.get(Local.Pc)),
          w.store(4, state(ExitWord.Npc), this.statePointer(), w.add(w.get(Local.Pc), w.const(4))),
          w.store(4, state(ExitWord.DelaySlot), this.statePointer(), w.const(0)),
          w.store(4, state(ExitWord.Budget), this.statePointer(), w.get(Local.Budget)),
          w.return(w.const(RegionExit.Leave)),
        ]),
      ),
    ];
  }

  // ---- blocks ----

  /**
   * Continues at a known address: straight to the code of a later block of this region (a
   * forward `br`), back to the start of the current block (a loop of one block, such as most
   * inner loops: a Wasm loop), else through the dispatch loop (other backward edges, and addresses
   * it may leave for).
   */
  private goTo(address: number): Expr {
    const w = this.w;
    const index = this.blockIndex.get(address);
    if (index !== undefined && index > this.currentBlock) return w.br(blockLabel(index));
    if (index === this.currentBlock) {
      this.selfLoop = true;
      return w.br(selfLoopLabel(index));
    }
    if (this.target.access.kind === 'flat') {
      // User mode dispatches on the block's index, known here; an address outside the region leaves.
      if (index === undefined) return w.block(null, [w.set(Local.Pc, w.const(address)), w.br(EXIT_LABEL_LEAVE)]);
      return w.block(null, [w.set(Local.Pc, w.const(address)), w.set(Local.BlockIndex, w.const(index)), w.br(DISPATCH_LABEL)]);
    }
    return w.block(null, [w.set(Local.Pc, w.const(address)), w.br(DISPATCH_LABEL)]);
  }

  /**
   * User mode: the index of the region's block that starts at Local.Pc (a word address), or one
   * that is no block's (NO_BLOCK, or the block count outside the table), from the region's
   * dispatch table (dispatchTable) where the global DISPATCH_GLOBAL points.
   */
  blockIndexOfPc(): Expr {
    const w = this.w;
    const offset = () => w.sub(w.get(Local.Pc), w.const(this.firstStart));
    // The index stays in the slot's table whatever the PC: select reads both of its values.
    const entry = w.load(1, false, 0, w.add(w.globalGet(DISPATCH_GLOBAL), w.and(w.shrU(offset(), w.const(2)), w.const(DISPATCH_TABLE_BYTES - 1))));
    return w.select(w.ltU(offset(), w.const(this.dispatchWords * 4)), entry, w.const(this.blockIndex.size));
  }

  /**
   * User mode: the region's dispatch table, which its data segment writes where DISPATCH_GLOBAL
   * points (its function-table slot's table, runtime/flat-memory.ts): a byte for each word from
   * the first block start to the last, the index of the block that starts there or NO_BLOCK.
   */
  dispatchTable(): Uint8Array {
    const table = new Uint8Array(this.dispatchWords).fill(NO_BLOCK);
    for (const [start, index] of this.blockIndex) if (this.nearPage(start)) table[(start - this.firstStart) >>> 2] = index;
    return table;
  }

  /** Does `address` lie in the region's page or a page beside it (the dispatch table's reach)? */
  private nearPage(address: number): boolean {
    return Math.abs((address >>> PAGE_SHIFT) - this.page) <= 1;
  }

  /**
   * User mode, after a JALR at `site` set Local.Pc: the index of the region's block there. When
   * the region has a copy of the callee the JALR is expected to reach (PredictedCalls) outside
   * the dispatch table, a compare finds it first.
   */
  private predictedBlock(site: number): Expr {
    const w = this.w;
    const target = this.predictedTargets.get(site);
    const index = target === undefined ? undefined : this.blockIndex.get(target);
    if (target === undefined || index === undefined || this.nearPage(target)) return this.blockIndexOfPc();
    return w.select(w.eq(w.get(Local.Pc), w.const(target)), w.const(index), this.blockIndexOfPc());
  }

  /**
   * The code of the region's `index`th block: budget check (if `budgetCheck`, or if the block
   * loops to itself), instructions, and what follows.
   */
  block(block: Block, index: number, budgetCheck: boolean): Expr {
    this.currentBlock = index;
    this.selfLoop = false;
    this.sharedExit = false;
    this.blockEnd = block.start + 4 * block.instructions.length;
    this.covered.clear();
    this.forgetForwarded();
    if (this.target.access.kind === 'flat') this.accessSpans = planAccessSpans(block.instructions, gprsWrittenMask);
    this.deadCauses = deadCauses(block, this.target.fpr64 === true);
    const w = this.w;
    const instructions = block.instructions;
    const length = instructions.length;
    const body: Expr[] = [w.set(Local.Budget, w.sub(w.get(Local.Budget), w.const(length)))];
    const straight = block.terminal.kind === 'branch' ? length - 2 : length;
    for (let index = 0; index < straight; index++) {
      const instruction = instructions[index]!;
      const context: SlotContext = { unexecuted: length - index, npc: () => w.const(instruction.pc + 4), delaySlot: false };
      body.push(this.instruction(instruction, context));
      this.forgetChecks(instruction);
    }
    const terminal = block.terminal;
    if (terminal.kind === 'branch') {
      if (block.slotInNextPage === true) body.push(this.nextPageSlotCheck(instructions[length - 2]!, instructions[length - 1]!));
      body.push(this.branch(instructions[length - 2]!, instructions[length - 1]!));
    } else {
      const next = terminal.kind === 'fallthrough' ? terminal.next : terminal.pc;
      if (terminal.kind === 'interpret') {
        body.push(this.interpretBefore(next, { unexecuted: 0, npc: () => w.const(next + 4), delaySlot: false }));
      } else {
        body.push(this.goTo(next));
      }
    }
    if (budgetCheck || this.selfLoop) {
      // Out of budget: return before the block so the engine can serve timers and the host.
      body.unshift(w.if(w.ltS(w.get(Local.Budget), w.const(length)), w.block(null, [w.set(Local.Pc, w.const(block.start)), w.br(OUT_OF_BUDGET_LABEL)])));
    }
    // Every path through the body ends in a branch, so the loop never falls through, nor does
    // the block before the shared exit.
    const code = this.selfLoop ? w.loop(selfLoopLabel(index), w.block(null, body)) : w.block(null, body);
    return this.sharedExit ? w.block(null, [w.block(interpretLabel(index), [code]), ...this.sharedInterpretExit()]) : code;
  }

  // ---- branches ----

  private branch(branch: GuestInstruction, slot: GuestInstruction): Expr {
    const w = this.w;
    const { word, pc, row } = branch;
    const name = row.name;
    const likely = (row.flags & Flag.Likely) !== 0;
    const out: Expr[] = [];
    /** The target address when it is known at translation time; undefined for JR/JALR. */
    let staticTarget: number | undefined;
    let condition: Expr | undefined;
    const rs = () => this.read(rsOf(word));
    const rt = () => this.read(rtOf(word));
    const fcc = () => {
      const cc = (word >>> 18) & 7;
      const bit = cc === 0 ? 23 : 24 + cc;
      const fcsr = w.load(4, false, this.stateOffset(StateWord.Fcsr), this.statePointer());
      return w.and(w.shrU(fcsr, w.const(bit)), w.const(1));
    };
    switch (name) {
      case 'j':
      case 'jal':
        staticTarget = jumpTarget(pc, word);
        break;
      case 'jr':
      case 'jr.hb':
      case 'jalr':
      case 'jalr.hb':
        // Read the target before the delay slot can change rs.
        out.push(w.set(Local.Target, rs()));
        break;
      default: {
        staticTarget = branchTarget(pc, word);
        switch (likely ? name.slice(0, -1) : name) {
          case 'beq':
            condition = w.eq(rs(), rt());
            break;
          case 'bne':
            condition = w.ne(rs(), rt());
            break;
          case 'blez':
            condition = w.leS(rs(), w.const(0));
            break;
          case 'bgtz':
            condition = w.gtS(rs(), w.const(0));
            break;
          case 'bltz':
          case 'bltzal':
            condition = w.ltS(rs(), w.const(0));
            break;
          case 'bgez':
          case 'bgezal':
            condition = w.geS(rs(), w.const(0));
            break;
          case 'bc1f':
            condition = w.eqz(fcc());
            break;
          case 'bc1t':
            condition = fcc();
            break;
          default:
            throw new Error(`translate: no branch condition for ${name}`);
        }
      }
    }
    if (condition) out.push(w.set(Local.Taken, condition));
    // Link after reading the operands (rs may be $31).
    if (row.flags & Flag.Link) {
      const linkRegister = name.startsWith('jalr') ? rdOf(word) : 31;
      out.push(this.write(linkRegister, w.const(pc + 8)));
    }
    const fallthrough = pc + 8;
    if (likely && condition) {
      // Not taken: the delay slot is nullified (and not counted).
      out.push(
        w.if(
          w.eqz(w.get(Local.Taken)),
          w.block(null, [w.set(Local.Budget, w.add(w.get(Local.Budget), w.const(1))), this.goTo(fallthrough)]),
        ),
      );
    }
    const targetExpr = () => (staticTarget !== undefined ? w.const(staticTarget) : w.get(Local.Target));
    const slotNpc = () =>
      condition && !likely ? w.select(w.get(Local.Taken), targetExpr(), w.const(slot.pc + 4)) : targetExpr();
    this.forgetChecks(branch);
    out.push(this.instruction(slot, { unexecuted: 1, npc: slotNpc, delaySlot: true }));
    if (staticTarget === undefined) {
      out.push(w.set(Local.Pc, w.get(Local.Target)));
      // A register target that is not word-aligned takes an address error in the interpreter.
      out.push(w.br(EXIT_LABEL_LEAVE, w.and(w.get(Local.Pc), w.const(3))));
      if (this.target.access.kind === 'flat') out.push(w.set(Local.BlockIndex, this.predictedBlock(branch.pc)));
      out.push(w.br(DISPATCH_LABEL));
    } else if (condition) {
      out.push(w.if(w.get(Local.Taken), this.goTo(staticTarget)), this.goTo(fallthrough));
    } else {
      out.push(this.goTo(staticTarget));
    }
    return w.block(null, out);
  }

  // ---- one instruction ----

  private instruction(instruction: GuestInstruction, context: SlotContext): Expr {
    if (FPU_INLINE.has(instruction.row.name)) {
      const slow = () => this.callInterpreter(instruction, context);
      return this.fpu.translate(instruction, slow, this.deadCauses?.has(instruction) === true) ?? slow();
    }
    if (!isInline(instruction)) return this.callInterpreter(instruction, context);
    const w = this.w;
    const { word } = instruction;
    const rs = () => this.read(rsOf(word));
    const rt = () => this.read(rtOf(word));
    const rd = rdOf(word);
    const rtIndex = rtOf(word);
    const imm = simmOf(word);
    const sa = saOf(word);
    const hi = this.registers.hi;
    const lo = this.registers.lo;
    switch (instruction.row.name) {
      // SLL rd, rt, sa
      case 'sll':
        return rd === 0 ? w.nop() : this.write(rd, w.shl(rt(), w.const(sa)));
      // SRL rd, rt, sa
      case 'srl':
        return this.write(rd, w.shrU(rt(), w.const(sa)));
      // SRA rd, rt, sa
      case 'sra':
        return this.write(rd, w.shrS(rt(), w.const(sa)));
      // ROTR rd, rt, sa: as two shifts, which TurboFan matches into one rotate (Liftoff, V8's
      // first tier, calls C for i32.rotr, spilling every register)
      case 'rotr':
        return this.write(rd, sa === 0 ? rt() : w.or(w.shrU(rt(), w.const(sa)), w.shl(rt(), w.const(32 - sa))));
      // SLLV rd, rt, rs
      case 'sllv':
        return this.write(rd, w.shl(rt(), rs()));
      // SRLV rd, rt, rs
      case 'srlv':
        return this.write(rd, w.shrU(rt(), rs()));
      // SRAV rd, rt, rs
      case 'srav':
        return this.write(rd, w.shrS(rt(), rs()));
      // ROTRV rd, rt, rs: two shifts as for ROTR (Wasm takes shift counts modulo 32)
      case 'rotrv':
        return this.write(rd, w.or(w.shrU(rt(), rs()), w.shl(rt(), w.sub(w.const(32), rs()))));
      // MOVZ rd, rs, rt
      case 'movz':
        return this.write(rd, w.select(w.eqz(rt()), rs(), this.read(rd)));
      // MOVN rd, rs, rt
      case 'movn':
        return this.write(rd, w.select(rt(), rs(), this.read(rd)));
      // MFHI rd
      case 'mfhi':
        return this.write(rd, w.get(hi));
      // MTHI rs
      case 'mthi':
        return w.set(hi, rs());
      // MFLO rd
      case 'mflo':
        return this.write(rd, w.get(lo));
      // MTLO rs
      case 'mtlo':
        return w.set(lo, rs());
      // MULT rs, rt / MULTU rs, rt
      case 'mult':
      case 'multu': {
        const extend = instruction.row.name === 'mult' ? (e: Expr) => w.extendS(e) : (e: Expr) => w.extendU(e);
        return w.block(null, [
          w.set(Local.Product, w.mul64(extend(rs()), extend(rt()))),
          w.set(lo, w.low32(w.get(Local.Product, 'i64'))),
          w.set(hi, w.high32(w.get(Local.Product, 'i64'))),
        ]);
      }
      // DIV zero, rs, rt: a zero divisor (or INT_MIN / -1) divides by 1, as the interpreter
      case 'div':
        return w.block(null, [
          w.set(Local.Scratch, rt()),
          w.set(
            Local.Scratch,
            w.select(
              w.or(w.eqz(w.get(Local.Scratch)), w.and(w.eq(rs(), w.const(-0x8000_0000)), w.eq(w.get(Local.Scratch), w.const(-1)))),
              w.const(1),
              w.get(Local.Scratch),
            ),
          ),
          w.set(lo, w.divS(rs(), w.get(Local.Scratch))),
          w.set(hi, w.remS(rs(), w.get(Local.Scratch))),
        ]);
      // DIVU zero, rs, rt
      case 'divu':
        return w.block(null, [
          w.set(Local.Scratch, rt()),
          w.set(Local.Scratch, w.select(w.eqz(w.get(Local.Scratch)), w.const(1), w.get(Local.Scratch))),
          w.set(lo, w.divU(rs(), w.get(Local.Scratch))),
          w.set(hi, w.remU(rs(), w.get(Local.Scratch))),
        ]);
      // ADDU rd, rs, rt
      case 'addu':
        return this.write(rd, w.add(rs(), rt()));
      // SUBU rd, rs, rt
      case 'subu':
        return this.write(rd, w.sub(rs(), rt()));
      // AND rd, rs, rt
      case 'and':
        return this.write(rd, w.and(rs(), rt()));
      // OR rd, rs, rt
      case 'or':
        return this.write(rd, w.or(rs(), rt()));
      // XOR rd, rs, rt
      case 'xor':
        return this.write(rd, w.xor(rs(), rt()));
      // NOR rd, rs, rt
      case 'nor':
        return this.write(rd, w.xor(w.or(rs(), rt()), w.const(-1)));
      // SLT rd, rs, rt
      case 'slt':
        return this.write(rd, w.ltS(rs(), rt()));
      // SLTU rd, rs, rt
      case 'sltu':
        return this.write(rd, w.ltU(rs(), rt()));
      // ADDIU rt, rs, imm
      case 'addiu':
        return this.write(rtIndex, w.add(rs(), w.const(imm)));
      // SLTI rt, rs, imm
      case 'slti':
        return this.write(rtIndex, w.ltS(rs(), w.const(imm)));
      // SLTIU rt, rs, imm
      case 'sltiu':
        return this.write(rtIndex, w.ltU(rs(), w.const(imm)));
      // ANDI rt, rs, imm
      case 'andi':
        return this.write(rtIndex, w.and(rs(), w.const(word & 0xffff)));
      // ORI rt, rs, imm
      case 'ori':
        return this.write(rtIndex, w.or(rs(), w.const(word & 0xffff)));
      // XORI rt, rs, imm
      case 'xori':
        return this.write(rtIndex, w.xor(rs(), w.const(word & 0xffff)));
      // LUI rt, imm
      case 'lui':
        return this.write(rtIndex, w.const((word & 0xffff) << 16));
      // MUL rd, rs, rt
      case 'mul':
        return this.write(rd, w.mul(rs(), rt()));
      // CLZ rd, rs
      case 'clz':
        return this.write(rd, w.clz(rs()));
      // CLO rd, rs
      case 'clo':
        return this.write(rd, w.clz(w.xor(rs(), w.const(-1))));
      // SEB rd, rt
      case 'seb':
        return this.write(rd, w.extend8(rt()));
      // SEH rd, rt
      case 'seh':
        return this.write(rd, w.extend16(rt()));
      // WSBH rd, rt
      case 'wsbh':
        return this.write(
          rd,
          w.or(w.shl(w.and(rt(), w.const(0x00ff_00ff)), w.const(8)), w.and(w.shrU(rt(), w.const(8)), w.const(0x00ff_00ff))),
        );
      // EXT rt, rs, pos, size
      case 'ext': {
        const msbd = rd;
        if (sa + msbd > 31) return this.callInterpreter(instruction, context);
        const shifted = w.shrU(rs(), w.const(sa));
        return this.write(rtIndex, msbd === 31 ? shifted : w.and(shifted, w.const((1 << (msbd + 1)) - 1)));
      }
      // INS rt, rs, pos, size
      case 'ins': {
        const msb = rd;
        if (msb < sa) return this.callInterpreter(instruction, context);
        const width = msb - sa + 1;
        const mask = (width === 32 ? -1 : (1 << width) - 1) << sa;
        return this.write(rtIndex, w.or(w.and(rt(), w.const(~mask)), w.and(w.shl(rs(), w.const(sa)), w.const(mask))));
      }
      // LB/LBU/LH/LHU/LW rt, offset(base)
      case 'lb':
        return this.load(instruction, context, 1, true);
      case 'lbu':
        return this.load(instruction, context, 1, false);
      case 'lh':
        return this.load(instruction, context, 2, true);
      case 'lhu':
        return this.load(instruction, context, 2, false);
      case 'lw':
        return this.load(instruction, context, 4, true);
      // SB/SH/SW rt, offset(base)
      case 'sb':
        return this.store(instruction, context, 1);
      case 'sh':
        return this.store(instruction, context, 2);
      case 'sw':
        return this.store(instruction, context, 4);
      // LL rt, offset(base): a load that links its address (user mode; glibc's locks and atomics)
      case 'll':
        if (this.target.access.kind !== 'flat') return this.callInterpreter(instruction, context);
        return this.memoryAccess(instruction, context, 4, Perm.Read, () =>
          w.block(null, [
            this.write(rtIndex, w.load(4, false, 0, w.get(Local.Address))),
            w.store(4, this.stateOffset(StateWord.LlBit), this.statePointer(), w.const(1)),
            w.store(4, this.stateOffset(StateWord.LlAddress), this.statePointer(), w.get(Local.Address)),
          ]),
        );
      // SC rt, offset(base)
      case 'sc':
        if (this.target.access.kind !== 'flat') return this.callInterpreter(instruction, context);
        return this.storeConditional(instruction, context);
      // LWL/LWR/SWL/SWR rt, offset(base): the unaligned pairs of memcpy and friends
      case 'lwl':
      case 'lwr':
      case 'swl':
      case 'swr':
        return this.unalignedAccess(instruction, context);
      // MADD rs, rt / MADDU / MSUB / MSUBU: HI:LO +/-= rs * rt
      case 'madd':
      case 'maddu':
      case 'msub':
      case 'msubu': {
        const name = instruction.row.name;
        const extend = name === 'madd' || name === 'msub' ? (e: Expr) => w.extendS(e) : (e: Expr) => w.extendU(e);
        const product = w.mul64(extend(rs()), extend(rt()));
        const accumulator = w.or64(w.shl64(w.extendU(w.get(hi)), 32), w.extendU(w.get(lo)));
        const result = name.startsWith('madd') ? w.add64(accumulator, product) : w.sub64(accumulator, product);
        return w.block(null, [
          w.set(Local.Product, result),
          w.set(lo, w.low32(w.get(Local.Product, 'i64'))),
          w.set(hi, w.high32(w.get(Local.Product, 'i64'))),
        ]);
      }
      // MFC1 rt, fs
      case 'mfc1':
        return this.write(rtIndex, w.load(4, false, this.fprOffset(rd), this.statePointer()));
      // MTC1 rt, fs
      case 'mtc1':
        return w.store(4, this.fprOffset(rd), this.statePointer(), rt());
      // MFHC1 rt, fs: the high word of double fs (FR=0: of the even/odd pair), as the handler
      case 'mfhc1':
        return this.write(rtIndex, w.load(4, false, doubleByteOffsets(rd, this.target.fpr64 === true, this.stateBase).high, this.statePointer()));
      // MTHC1 rt, fs
      case 'mthc1':
        return w.store(4, doubleByteOffsets(rd, this.target.fpr64 === true, this.stateBase).high, this.statePointer(), rt());
      // LWC1 ft, offset(base)
      case 'lwc1':
        return this.memoryAccess(instruction, context, 4, Perm.Read, () => w.store(4, this.fprOffset(rtIndex), this.statePointer(), w.load(4, false, 0, w.get(Local.Address))));
      // SWC1 ft, offset(base)
      case 'swc1':
        return this.memoryAccess(instruction, context, 4, Perm.Write, () => w.store(4, 0, w.get(Local.Address), w.load(4, false, this.fprOffset(rtIndex), this.statePointer())));
      // LDC1 ft, offset(base): FR=1 the 64-bit FPR; FR=0 the even/odd pair, low word first
      case 'ldc1': {
        if (this.target.fpr64 === true) {
          return this.memoryAccess(instruction, context, 8, Perm.Read, () => w.store64(this.fprOffset(rtIndex), this.statePointer(), w.load64(0, w.get(Local.Address))));
        }
        const { low, high } = doubleByteOffsets(rtIndex, false, this.stateBase);
        return this.memoryAccess(instruction, context, 8, Perm.Read, () =>
          w.block(null, [
            w.store(4, low, this.statePointer(), w.load(4, false, 0, w.get(Local.Address))),
            w.store(4, high, this.statePointer(), w.load(4, false, 4, w.get(Local.Address))),
          ]),
        );
      }
      // SDC1 ft, offset(base)
      case 'sdc1': {
        if (this.target.fpr64 === true) {
          return this.memoryAccess(instruction, context, 8, Perm.Write, () => w.store64(0, w.get(Local.Address), w.load64(this.fprOffset(rtIndex), this.statePointer())));
        }
        const { low, high } = doubleByteOffsets(rtIndex, false, this.stateBase);
        return this.memoryAccess(instruction, context, 8, Perm.Write, () =>
          w.block(null, [
            w.store(4, 0, w.get(Local.Address), w.load(4, false, low, this.statePointer())),
            w.store(4, 4, w.get(Local.Address), w.load(4, false, high, this.statePointer())),
          ]),
        );
      }
      // TEQ/TNE/TGE/TGEU/TLT/TLTU rs, rt and TEQI/TNEI/TGEI/TGEIU/TLTI/TLTIU rs, imm: a trap that
      // fires leaves before the instruction; the interpreter raises it.
      case 'teq':
      case 'tne':
      case 'tge':
      case 'tgeu':
      case 'tlt':
      case 'tltu':
      case 'teqi':
      case 'tnei':
      case 'tgei':
      case 'tgeiu':
      case 'tlti':
      case 'tltiu': {
        const [compare, immediate] = TRAPS.get(instruction.row.name)!;
        const fires = w[compare](rs(), immediate ? w.const(imm) : rt());
        return w.if(fires, this.interpretBefore(instruction.pc, context));
      }
      // RDHWR rt, rd: user mode reads CPUNum, SYNCI_Step, CCRes and UserLocal inline; the cycle
      // counter (it counts retired instructions) and system mode (HWREna decides) take the handler.
      case 'rdhwr': {
        const constant = ([0, 32, 0, 2] as const)[rd];
        if (this.target.access.kind !== 'flat' || rd === 2 || (rd !== 29 && constant === undefined)) return this.callInterpreter(instruction, context);
        return this.write(rtIndex, rd === 29 ? w.load(4, false, this.stateBase + StateWord.UserLocal * 4, this.statePointer()) : w.const(constant!));
      }
      // SYNC / PREF: nothing to do in a single-threaded memory model
      case 'sync':
      case 'pref':
        return w.nop();
      default:
        throw new Error(`translate: ${instruction.row.name} is marked inline but has no translation`);
    }
  }

  /**
   * Flat memory: the byte of `table` (runtime/flat-memory.ts AccessTable) for the page of
   * Local.Address + `delta`, 1 when allowed.
   */
  private addressPageAllowed(table: AccessTable, delta = 0): Expr {
    const access = this.target.access;
    if (access.kind !== 'flat') throw new Error('translate: access tables are flat memory\'s');
    const w = this.w;
    const address = delta === 0 ? w.get(Local.Address) : w.add(w.get(Local.Address), w.const(delta));
    return loadAt(w, 1, access.accessTablesBase + table * ACCESS_TABLE_BYTES, w.shrU(address, w.const(PAGE_SHIFT)));
  }

  /**
   * SC (user mode): as the handler, it stores rt and sets rt = 1 only while the link holds for
   * this address (the link's state words), else sets rt = 0 and touches no memory. The store's
   * check (aligned, writable, no code) is its own and covers no later access: it runs only when
   * the link holds. A failed check leaves for the interpreter, which faults.
   */
  private storeConditional(instruction: GuestInstruction, context: SlotContext): Expr {
    const w = this.w;
    const access = this.target.access;
    if (access.kind !== 'flat') throw new Error('translate: SC is inline only on flat memory');
    const { word } = instruction;
    const rt = rtOf(word);
    const word4 = (stateWord: number) => w.load(4, false, this.stateOffset(stateWord), this.statePointer());
    const linked = w.and(w.ne(word4(StateWord.LlBit), w.const(0)), w.eq(word4(StateWord.LlAddress), w.get(Local.Address)));
    // Misaligned, or a page without plain store access (AccessTable's one compare).
    const denied = w.geU(w.and(w.get(Local.Address), w.const(3)), this.addressPageAllowed(AccessTable.Write));
    return w.block(null, [
      w.set(Local.Address, w.add(this.read(rsOf(word)), w.const(simmOf(word)))),
      w.set(Local.Scratch, linked),
      w.if(
        w.get(Local.Scratch),
        w.block(null, [
          w.if(denied, this.interpretBefore(instruction.pc, context)),
          w.store(4, 0, w.get(Local.Address), this.read(rt)),
          w.store(4, this.stateOffset(StateWord.LlBit), this.statePointer(), w.const(0)),
        ]),
      ),
      this.write(rt, w.get(Local.Scratch)),
    ]);
  }

  /**
   * LWL/LWR/SWL/SWR (user mode; system mode calls the handler): the aligned word that holds the
   * address, merged with rt as the interpreter's handlers do (src/interp/memory.ts, little-endian).
   * One check of that word's page (loads: readable; stores: readable and writable, no code), or
   * the interpreter runs the instruction. glibc's memcpy, strcpy and friends use these pairs for
   * unaligned data: as handler calls they took a fifth of busybox sed's time (`perf`).
   */
  private unalignedAccess(instruction: GuestInstruction, context: SlotContext): Expr {
    const access = this.target.access;
    if (access.kind !== 'flat') return this.callInterpreter(instruction, context);
    const w = this.w;
    const { word } = instruction;
    const name = instruction.row.name;
    const store = name === 'swl' || name === 'swr';
    const rt = rtOf(word);
    const address = w.set(Local.Address, w.add(this.read(rsOf(word)), w.const(simmOf(word))));
    // The aligned word lies in the address's page.
    const denied = w.eqz(this.addressPageAllowed(store ? AccessTable.ReadWrite : AccessTable.Read));
    // The bit shift of the merge: LWL/SWL 8 * (3 - address & 3), LWR/SWR 8 * (address & 3).
    const lowBits = w.and(w.get(Local.Address), w.const(3));
    const shift = w.set(Local.Scratch, w.shl(name === 'lwl' || name === 'swl' ? w.xor(lowBits, w.const(3)) : lowBits, w.const(3)));
    const bits = () => w.get(Local.Scratch);
    const aligned = () => w.and(w.get(Local.Address), w.const(-4));
    const memory = () => w.load(4, false, 0, aligned());
    // (1 << shift) - 1 and ~(-1 >>> shift): the bytes kept, none when the shift is 0.
    const lowMask = () => w.sub(w.shl(w.const(1), bits()), w.const(1));
    const highMask = () => w.xor(w.shrU(w.const(-1), bits()), w.const(-1));
    let perform: Expr;
    switch (name) {
      case 'lwl':
        perform = this.write(rt, w.or(w.shl(memory(), bits()), w.and(this.read(rt), lowMask())));
        break;
      case 'lwr':
        perform = this.write(rt, w.or(w.shrU(memory(), bits()), w.and(this.read(rt), highMask())));
        break;
      case 'swl':
        perform = w.store(4, 0, aligned(), w.or(w.and(memory(), highMask()), w.shrU(this.read(rt), bits())));
        break;
      default:
        perform = w.store(4, 0, aligned(), w.or(w.and(memory(), lowMask()), w.shl(this.read(rt), bits())));
    }
    return w.block(null, [address, w.if(denied, this.interpretBefore(instruction.pc, context)), shift, perform]);
  }

  private load(instruction: GuestInstruction, context: SlotContext, bytes: 1 | 2 | 4, signed: boolean): Expr {
    const w = this.w;
    return this.memoryAccess(instruction, context, bytes, Perm.Read, () =>
      this.write(rtOf(instruction.word), w.load(bytes, signed, 0, w.get(Local.Address))),
    );
  }

  private store(instruction: GuestInstruction, context: SlotContext, bytes: 1 | 2 | 4): Expr {
    const w = this.w;
    return this.memoryAccess(instruction, context, bytes, Perm.Write, () =>
      w.store(bytes, 0, w.get(Local.Address), this.read(rtOf(instruction.word))),
    );
  }

  /**
   * An access of `bytes` at base + offset. Flat memory: an unaligned address or a page without
   * plain `access` permission (for stores: read-only, unmapped, or holding code) returns to the
   * interpreter before the instruction, which raises the fault or does the careful store. Soft
   * TLB: one compare of the entry's tag with the address's page and alignment bits, one add of
   * the addend; a miss returns to the interpreter, which refills the entry or takes the slow
   * path. An aligned access of up to 8 bytes never crosses a page, so one check covers it.
   */
  private memoryAccess(instruction: GuestInstruction, context: SlotContext, bytes: 1 | 2 | 4 | 8, access: Perm.Read | Perm.Write, perform: () => Expr): Expr {
    const w = this.w;
    const word = instruction.word;
    const toInterpreter = () => this.interpretBefore(instruction.pc, context);
    const layout = this.target.access;
    const address = w.set(Local.Address, w.add(this.read(rsOf(word)), w.const(simmOf(word))));
    if (layout.kind === 'soft-tlb') {
      const tags = access === Perm.Read ? layout.readTags : layout.writeTags;
      const addends = access === Perm.Read ? layout.readAddends : layout.writeAddends;
      // The tables' offsets are from the VCPU block (statePointer()).
      const entry = () => w.add(this.statePointer(), w.shl(w.and(w.shrU(w.get(Local.Address), w.const(PAGE_SHIFT)), w.const(SOFT_TLB_ENTRIES - 1)), w.const(2)));
      const miss = () => w.ne(w.load(4, false, tags, entry()), w.and(w.get(Local.Address), w.const(~PAGE_MASK | (bytes - 1))));
      // On a miss the refill handler fills the entry from the GVA tables; a flagged entry, a GVA
      // miss or a misaligned address still misses, and the interpreter takes over.
      const refill = () => w.call('refill', [w.get(Local.Address), this.statePointer(), w.const(layout.mode), w.const(access === Perm.Read ? 0 : 1)], 'i32');
      // A store to a tracked page (dirty-logged and clean, say) asks the runtime to record it
      // first (`prepareStore`, 0 when it cannot: code, MMIO, a fault); the entry is then refilled.
      // What still misses after a refill (MMIO, a device on the VM's bus, a fault, a code page)
      // runs the instruction's interpreter handler in place, so device polling loops stay
      // compiled. A store to a tracked page first asks the runtime to record it (`prepareStore`,
      // 0 when it cannot: code, MMIO, a fault), then refills.
      const stillMisses =
        access === Perm.Read
          ? w.or(w.eqz(refill()), miss())
          : w.if(w.or(w.eqz(refill()), miss()), w.or(w.or(w.eqz(w.call('prepareStore', [w.get(Local.Address)], 'i32')), w.eqz(refill())), miss()), w.const(0));
      return w.block(null, [
        address,
        w.if(
          w.if(miss(), stillMisses, w.const(0)),
          this.callInterpreter(instruction, context),
          w.block(null, [w.set(Local.Address, w.add(w.get(Local.Address), w.load(4, false, addends, entry()))), perform()]),
        ),
      ]);
    }
    const offset = simmOf(word);
    const base = rsOf(word);
    const write = access === Perm.Write;
    const misaligned = () => w.and(w.get(Local.Address), w.const(bytes - 1));
    // The base is aligned to `bytes` and so is the offset: the address is (a prologue's saves
    // at sp+16 .. sp+40 check sp once). Otherwise a check that passes here proves the base so.
    const offsetAligned = offset % bytes === 0;
    const covered = this.covered;
    const aligned = bytes === 1 || (offsetAligned && (covered.alignedBytes[base] || 1) >= bytes);
    if (!aligned && offsetAligned) covered.setAligned(base, bytes);
    if (covered.has(base) && covered.low[base]! <= offset && offset + bytes - 1 <= covered.high[base]! && (write ? covered.writes : covered.reads)[base] === 1) {
      // An earlier check of this block covers the page; only the alignment is this access's own.
      return w.block(null, aligned ? [address, perform()] : [address, w.if(misaligned(), toInterpreter()), perform()]);
    }
    const span = this.accessSpans.get(instruction.pc) ?? { low: offset, high: offset + bytes - 1, read: !write, write };
    // What the check tests: this access's permission, and the rest of its group's (a group that
    // reads and writes checks both at its first access), in that kind's access table.
    const reads = span.read || !write;
    const writes = span.write || write;
    const table = reads && writes ? AccessTable.ReadWrite : writes ? AccessTable.Write : AccessTable.Read;
    // Its own page, or the pages of the span's first and last byte (one or two pages: the AND of
    // two table bytes, 1 or 0, is 1 only when both allow).
    const wide = span.low !== offset || span.high !== offset + bytes - 1;
    const pages = wide ? w.and(this.addressPageAllowed(table, span.low - offset), this.addressPageAllowed(table, span.high - offset)) : this.addressPageAllowed(table);
    covered.set(base, instruction.pc, span.low, span.high, reads, writes);
    // Denied page or misaligned address in one unsigned compare (runtime/flat-memory.ts AccessTable).
    const bad = aligned ? w.eqz(pages) : w.geU(misaligned(), pages);
    return w.block(null, [address, w.if(bad, toInterpreter()), perform()]);
  }

  /**
   * Flat memory: before a branch in a page's last word whose delay slot was compiled from the
   * next page's first word (Block.slotInNextPage), leave for the interpreter unless that word is
   * still the one compiled and its page executable. Stores to the next page do not drop this
   * region (its Code bit is not set), so the check stands in for that.
   */
  private nextPageSlotCheck(branch: GuestInstruction, slot: GuestInstruction): Expr {
    const w = this.w;
    const access = this.target.access;
    if (access.kind !== 'flat') throw new Error('a delay slot in the next page compiles only on flat memory');
    const changed = w.or(
      w.ne(w.load(4, false, 0, w.const(slot.pc)), w.const(slot.word)),
      w.eqz(w.and(loadAt(w, 1, access.permsBase, w.const(slot.pc >>> PAGE_SHIFT)), w.const(Perm.Exec))),
    );
    return w.if(changed, this.interpretBefore(branch.pc, { unexecuted: 2, npc: () => w.const(branch.pc + 4), delaySlot: false }));
  }

  /**
   * Flat memory: checks through a register `instruction` may write cover nothing after it, but
   * for a step of a base by ADDIU (codegen/access-checks.ts afterInstruction).
   */
  private forgetChecks(instruction: GuestInstruction): void {
    if (!this.covered.empty) afterInstruction(this.covered, instruction, gprsWrittenMask(instruction));
  }

  /**
   * Runs the instruction's interpreter handler on the state block. Every cached register the
   * region writes is stored first, whichever the row names: a handler that raises an exception
   * (ADD's overflow, an FPU exception, a fault) has the environment see the whole register file
   * (user mode writes it into a signal frame and points the registers at the handler). On
   * Continue, the handler has changed only the registers its row names (and HI/LO, $31 where the
   * row implies them): those are reloaded. Otherwise the region leaves through STOPPED_LABEL,
   * which writes back no local over what the handler left. (Storing only the row's registers, a
   * SIGFPE handler that returned from an ADD's overflow found stale registers: the guest died.)
   */
  private callInterpreter(instruction: GuestInstruction, context: SlotContext): Expr {
    const w = this.w;
    this.forgetForwarded();
    const operands = [w.const(instruction.row.id), w.const(instruction.word), w.const(instruction.pc), context.npc(), w.const(context.delaySlot ? 1 : 0)];
    // User mode reaches the handler through the table (codegen/region.ts INTERP_SLOT).
    const call = this.target.access.kind === 'flat' ? w.callIndirect(w.const(INTERP_SLOT), operands, INTERP_IMPORT.params, 'i32') : w.call(INTERP_IMPORT.name, operands, 'i32');
    return w.block(null, [
      ...this.spill(),
      w.set(Local.Status, call),
      ...this.reload(stateWordsOf(instruction)),
      w.if(
        w.get(Local.Status),
        w.block(null, [
          w.set(Local.Status, w.const(RegionExit.Stop)),
          // The stopped instruction counts as executed, as in the interpreter.
          w.set(Local.Budget, w.add(w.get(Local.Budget), w.const(context.unexecuted - 1))),
          w.br(STOPPED_LABEL),
        ]),
      ),
    ]);
  }
}

/** Where an instruction sits: for exits before it. */
interface SlotContext {
  /** Instructions of the block not executed if we exit before this one. */
  readonly unexecuted: number;
  /** Builds the address of the instruction after it. */
  readonly npc: () => Expr;
  readonly delaySlot: boolean;
}

export const EXIT_LABEL_LEAVE = 'leave';
