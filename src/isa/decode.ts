// Compiles the instruction table's bit patterns into masks, field positions and a decoder.
// Every consumer (interpreter, disassembler, assembler, JIT) asks this module which row a word is.

import { TABLE, type TableRow } from './table.js';

/** Field letters used in patterns and what they are called. */
export const FIELD_NAMES = {
  s: 'rs',
  t: 'rt',
  d: 'rd',
  a: 'sa',
  i: 'imm',
  j: 'target',
  c: 'code',
  S: 'fs',
  T: 'ft',
  D: 'fd',
  R: 'fr',
  C: 'cc',
  n: 'sel',
  m: 'msb',
  l: 'lsb',
  h: 'hint',
} as const;
export type FieldLetter = keyof typeof FIELD_NAMES;
export type FieldName = (typeof FIELD_NAMES)[FieldLetter];

export interface FieldPosition {
  readonly shift: number;
  readonly width: number;
}

export interface CompiledRow {
  readonly id: number;
  readonly row: TableRow;
  readonly name: string;
  readonly mnemonic: string;
  readonly mask: number;
  readonly match: number;
  readonly fields: Readonly<Partial<Record<FieldName, FieldPosition>>>;
  readonly flags: number;
  /** For aliases, the id of the row that executes; otherwise the row's own id. */
  readonly executes: number;
  readonly isAlias: boolean;
}

// This runs at every start, mostly in V8's interpreter: the native regular expression finds each
// pattern's runs of fixed bits and of one field letter, so the script handles a few runs per row
// rather than 32 characters (the character loop took ~2 ms of a run's start-up).
const RUN = /[01]+|([A-Za-z])\1*/g;

function compile(row: TableRow, id: number): CompiledRow {
  const pattern = row.pattern.replaceAll(' ', '');
  if (pattern.length !== 32) throw new Error(`table row ${row.name}: pattern has ${pattern.length} bits`);
  let mask = 0;
  let match = 0;
  const fields: Partial<Record<FieldName, FieldPosition>> = {};
  RUN.lastIndex = 0;
  let covered = 0;
  for (let run = RUN.exec(pattern); run !== null; run = RUN.exec(pattern)) {
    const text = run[0];
    if (run.index !== covered) throw new Error(`table row ${row.name}: unknown pattern character ${pattern[covered]}`);
    covered = run.index + text.length;
    const shift = 32 - covered;
    const letter = run[1];
    if (letter === undefined) {
      // Fixed bits (at most 32: `1 << 32` would be 1, so build the mask from the top).
      mask |= (-1 >>> (32 - text.length)) << shift;
      match |= parseInt(text, 2) << shift;
      continue;
    }
    const name = FIELD_NAMES[letter as FieldLetter];
    if (name === undefined) throw new Error(`table row ${row.name}: unknown field letter ${letter}`);
    if (fields[name]) throw new Error(`table row ${row.name}: field ${name} appears twice`);
    fields[name] = { shift, width: text.length };
  }
  if (covered !== 32) throw new Error(`table row ${row.name}: unknown pattern character ${pattern[covered]}`);
  const dash = row.name.indexOf('-');
  return {
    id,
    row,
    name: row.name,
    mnemonic: row.mnemonic ?? (dash < 0 ? row.name : row.name.slice(0, dash)),
    mask: mask >>> 0,
    match: match >>> 0,
    fields,
    flags: row.flags,
    executes: id,
    isAlias: row.aliasOf !== undefined,
  };
}

function compileTable(): CompiledRow[] {
  const rows = TABLE.map(compile);
  const byName = new Map<string, CompiledRow>();
  for (const row of rows) byName.set(row.name, row);
  if (byName.size !== rows.length) throw new Error('instruction table: duplicate row names');
  for (const row of rows) {
    if (!row.isAlias) continue;
    const target = byName.get(row.row.aliasOf!);
    if (!target || target.isAlias) throw new Error(`alias ${row.name}: no row ${row.row.aliasOf}`);
    if (((row.mask & target.mask) >>> 0) !== target.mask || ((row.match & target.mask) >>> 0) !== target.match) {
      throw new Error(`alias ${row.name} is not a special case of ${target.name}`);
    }
    // An alias executes as its target and has the target's block-structure flags.
    (row as { flags: number }).flags = target.flags;
    (row as { executes: number }).executes = target.id;
  }
  return rows;
}

/** All rows, indexed by id (ids are table positions). */
export const ROWS: readonly CompiledRow[] = compileTable();
export const ROW_COUNT = ROWS.length;
export const ROW_BY_NAME: ReadonlyMap<string, CompiledRow> = new Map(ROWS.map((row) => [row.name, row]));

export function rowByName(name: string): CompiledRow {
  const row = ROW_BY_NAME.get(name);
  if (!row) throw new Error(`no instruction row named ${name}`);
  return row;
}

function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x5555_5555);
  v = (v & 0x3333_3333) + ((v >>> 2) & 0x3333_3333);
  return (((v + (v >>> 4)) & 0x0f0f_0f0f) * 0x0101_0101) >>> 24;
}

/**
 * Rows grouped by the primary opcode (bits 31..26), most specific first, so the first match wins.
 * Each group keeps its masks and matches as signed 32-bit integers in typed arrays: decode runs at
 * every start mostly in V8's interpreter, where `(word & mask) >>> 0` and a mask read from an
 * object (both above 2^31) made a heap number per comparison (~0.6 MB of garbage in the first run
 * of `busybox true`). (Fixed bits are counted once per row, not in the sort's comparisons.)
 */
interface OpcodeGroup {
  readonly masks: Int32Array;
  readonly matches: Int32Array;
  readonly ids: Int32Array;
}

function groupByOpcode(rows: readonly CompiledRow[]): OpcodeGroup[] {
  const groups: { row: CompiledRow; fixedBits: number }[][] = Array.from({ length: 64 }, () => []);
  for (const row of rows) {
    if ((row.mask >>> 26) !== 0x3f) throw new Error(`row ${row.name} does not fix the opcode`);
    groups[row.match >>> 26]!.push({ row, fixedBits: popcount(row.mask) });
  }
  return groups.map((group) => {
    const sorted = group.sort((a, b) => b.fixedBits - a.fixedBits).map((entry) => entry.row);
    return {
      masks: Int32Array.from(sorted, (row) => row.mask | 0),
      matches: Int32Array.from(sorted, (row) => row.match | 0),
      ids: Int32Array.from(sorted, (row) => row.id),
    };
  });
}

const EXECUTABLE_GROUPS = groupByOpcode(ROWS.filter((row) => !row.isAlias));
/** Built on first use: only the disassembler asks (--trace, tests), not a run's start. */
let disassemblyGroups: OpcodeGroup[] | undefined;

/** Sentinel returned for words that match no row (a Reserved Instruction). */
export const RESERVED = -1;

function lookup(groups: readonly OpcodeGroup[], word: number): number {
  const group = groups[word >>> 26]!;
  const masks = group.masks;
  const matches = group.matches;
  for (let index = 0; index < masks.length; index++) {
    if ((word & masks[index]!) === matches[index]) return group.ids[index]!;
  }
  return RESERVED;
}

/** The id of the row that executes `word`, or RESERVED. */
export function decode(word: number): number {
  return lookup(EXECUTABLE_GROUPS, word);
}

/** The id of the most specific row (aliases included) for display, or RESERVED. */
export function decodeForDisassembly(word: number): number {
  disassemblyGroups ??= groupByOpcode(ROWS.filter((row) => row.row.asmOnly !== true));
  return lookup(disassemblyGroups, word);
}

/** Extracts a field's raw (unsigned) value from a word. */
export function field(row: CompiledRow, name: FieldName, word: number): number {
  const position = row.fields[name];
  if (!position) return 0;
  return position.width === 32 ? word >>> 0 : (word >>> position.shift) & ((1 << position.width) - 1);
}
