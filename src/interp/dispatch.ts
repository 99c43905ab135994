// The interpreters' dispatch codes and the layout of their decoded pages. Running alone, both run
// loops (Cpu.run in src/interp/cpu.ts, SystemCpu.run in src/interp/system-cpu.ts) switch on them: a
// case of its own for each of the most executed rows, calling that row's handler (its module
// binding, src/interp/switched-handlers.ts) from a call site of its own, which V8 inlines, as it
// cannot a call through an array of handlers (one call site that sees every handler). Rows without
// a case, and every row under the JIT (Cpu.run says why), go through the array. The switch is
// written out in each loop: as a function of its own (1.1 KB of bytecode) V8 inlined neither it
// nor the handlers into the loop, which then ran slower than through the array.
// test/interp/handlers.test.ts checks both switches against SWITCHED_ROWS.

import { decode, RESERVED, ROW_BY_NAME, ROWS, type CompiledRow } from '../isa/decode.js';
import { Flag } from '../isa/table.js';
import { PAGE_SHIFT } from '../../runtime/flat-memory.js';
import { HANDLER_BY_ID, RESERVED_INDEX } from './cpu-base.js';
import { requiredHandler, type Handler } from './handlers.js';

/**
 * The length of a decoded page (both CPUs' predecoded instructions, per 4 KiB page): two entries
 * for each word, its dispatch code (NOT_DECODED until it is decoded), then the word itself, so that
 * the run loops read both from one typed array. Stores to a page with decoded code drop it, so the
 * cached word is the word in memory.
 */
export const DECODED_PAGE_LENGTH = 2 << (PAGE_SHIFT - 2);

/**
 * The code of a word not decoded yet: a fresh decoded page is all zeros. The user-mode switched
 * loop decodes in its case 0, so that it needs no test of its own before the switch.
 */
export const NOT_DECODED = 0;

/**
 * The rows with a case of their own, most executed first (dynamic counts over CoreMark, busybox
 * gzip, callbench and cpubench, interpreted; 59 rows cover 88% of their instructions). Case i + 1
 * of each run loop's switch calls the handler of row i.
 */
export const SWITCHED_ROWS: readonly string[] = [
  'addiu', 'addu', 'sll', 'beq', 'bne', 'sw', 'or', 'lw', 'lbu', 'andi', 'xor', 'srl',
  'sltu', 'sltiu', 'mul', 'jr', 'lh', 'slt', 'lhu', 'sb', 'lui', 'subu', 'rotr', 'sh',
  'mflo', 'bgezal', 'ext', 'madd', 'ori', 'mfhi', 'multu', 'ldc1', 'movn', 'mult', 'jalr', 'sllv',
  'mul.d', 'movz', 'seh', 'sdc1', 'and', 'add.d', 'blez', 'xori', 'teq', 'divu', 'bgtz', 'lb',
  'bltz', 'srlv', 'clz', 'rdhwr', 'slti', 'nor', 'bgez', 'sra', 'seb', 'j', 'jal',
];

/** The handlers of SWITCHED_ROWS, in case order. */
export const SWITCHED_HANDLERS: readonly Handler[] = SWITCHED_ROWS.map((name) => requiredHandler(name));

/**
 * The code of `sll zero, zero, sa` (nop, ssnop, ehb): it writes 0 to $zero, so its case in the
 * switched loops does nothing. (Through the array it runs SLL.)
 */
export const NOP_CODE = SWITCHED_ROWS.length + 1;
/** Row id `id` runs through the array with code FIRST_ARRAY_CODE + id. */
export const FIRST_ARRAY_CODE = NOP_CODE + 1;

/** Stands for NOT_DECODED in HANDLER_BY_CODE: the loops decode such a word before they run it. */
const notDecoded: Handler = () => {
  throw new Error('dispatch: a word that was not decoded reached a handler');
};

/** The handler of each dispatch code: none for NOT_DECODED, the switched rows, the nop, then every row by id (and RI last). */
export const HANDLER_BY_CODE: readonly Handler[] = [notDecoded, ...SWITCHED_HANDLERS, SWITCHED_HANDLERS[SWITCHED_ROWS.indexOf('sll')]!, ...HANDLER_BY_ID];

/**
 * A row id's dispatch code (HANDLER_BY_ID's last index, RESERVED_INDEX, included): its position
 * in SWITCHED_ROWS + 1 when it has a case, else FIRST_ARRAY_CODE + id. Aliases share their row's.
 * A word's code may differ from its row's (dispatchCodeOf).
 */
export const DISPATCH_CODE: Uint16Array = Uint16Array.from(HANDLER_BY_ID, (_, id) => {
  const row = ROWS[id];
  const at = row === undefined ? -1 : SWITCHED_ROWS.indexOf(ROWS[row.executes]!.name);
  return at >= 0 ? at + 1 : FIRST_ARRAY_CODE + id;
});

/**
 * The bits of the GPR a row writes as its result (its first operand, rd or rt, unless it stores),
 * 0 when it writes none or only $ra. (CLZ's `clzdest` is rd, which must equal rt.)
 */
function destinationMask(row: CompiledRow): number {
  if ((row.flags & Flag.Store) !== 0) return 0;
  const first = row.row.operands.split(',')[0]!.trim();
  if (first === 'rd' || first === 'clzdest') return 31 << 11;
  if (first === 'rt') return 31 << 16;
  return 0;
}

/** Each switched row's destinationMask, by dispatch code. */
const SWITCHED_DESTINATION: Int32Array = Int32Array.from([0, ...SWITCHED_ROWS.map((name) => destinationMask(ROW_BY_NAME.get(name)!))]);
const SLL_CODE = SWITCHED_ROWS.indexOf('sll') + 1;
/** 1 for each switched row, by dispatch code, that needs a coprocessor (Flag.Privileged or Flag.Fpu). */
const SWITCHED_NEEDS_COPROCESSOR: Uint8Array = Uint8Array.from([0, ...SWITCHED_ROWS.map((name) => ((ROW_BY_NAME.get(name)!.flags & (Flag.Privileged | Flag.Fpu)) !== 0 ? 1 : 0))]);

/**
 * The dispatch code of the instruction `word`: its row's (DISPATCH_CODE), except for switched rows
 * whose result goes to $zero. Those run through the array, whose loop sets $zero back to 0 after
 * each instruction, so that the switched loops need not (`lw zero, 0(a0)` must still fault); and
 * `sll zero, zero, sa` gets NOP_CODE, whose case does nothing. The user-mode switched loop: 172 ->
 * 158 x86 instructions per guest instruction (cachegrind over CoreMark, `node --single-threaded`
 * so that V8 optimizes the loop at the same point in every run).
 *
 * With `systemMode`, switched rows that need a coprocessor (the FPU's) run through the array too:
 * the system-mode switched loop checks Coprocessor Unusable on that path only, not before every
 * instruction.
 */
export function dispatchCodeOf(word: number, systemMode = false): number {
  const id = decode(word);
  const code = DISPATCH_CODE[id === RESERVED ? RESERVED_INDEX : id]!;
  if (code >= NOP_CODE) return code;
  if (systemMode && SWITCHED_NEEDS_COPROCESSOR[code] !== 0) return FIRST_ARRAY_CODE + id;
  const destination = SWITCHED_DESTINATION[code]!;
  if (destination === 0 || (word & destination) !== 0) return code;
  return code === SLL_CODE && (word & (31 << 16)) === 0 ? NOP_CODE : FIRST_ARRAY_CODE + id;
}

/** Decodes `word` into entry `at` of a decoded page (DECODED_PAGE_LENGTH's layout); returns its dispatch code (dispatchCodeOf). */
export function decodeInto(decoded: Int32Array, at: number, word: number, systemMode = false): number {
  const code = dispatchCodeOf(word, systemMode);
  decoded[at] = code;
  decoded[at + 1] = word;
  return code;
}
