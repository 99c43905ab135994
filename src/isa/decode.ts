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

function compile(row: TableRow, id: number): Omit<CompiledRow, 'executes'> {
  const pattern = row.pattern.replace(/ /g, '');
  if (pattern.length !== 32) throw new Error(`table row ${row.name}: pattern has ${pattern.length} bits`);
  let mask = 0;
  let match = 0;
  const fields: Partial<Record<FieldName, FieldPosition>> = {};
  let index = 0;
  while (index < 32) {
    const char = pattern[index]!;
    const bit = 31 - index;
    if (char === '0' || char === '1') {
      mask |= 1 << bit;
      if (char === '1') match |= 1 << bit;
      index++;
      continue;
    }
    const name = FIELD_NAMES[char as FieldLetter];
    if (name === undefined) throw new Error(`table row ${row.name}: unknown field letter ${char}`);
    let end = index;
    while (end < 32 && pattern[end] === char) end++;
    if (fields[name]) throw new Error(`table row ${row.name}: field ${name} appears twice`);
    fields[name] = { shift: 32 - end, width: end - index };
    index = end;
  }
  return {
    id,
    row,
    name: row.name,
    mnemonic: row.mnemonic ?? row.name.replace(/-.*$/, ''),
    mask: mask >>> 0,
    match: match >>> 0,
    fields,
    flags: row.flags,
    isAlias: row.aliasOf !== undefined,
  };
}

function compileTable(): CompiledRow[] {
  const partial = TABLE.map(compile);
  const byName = new Map(partial.map((row) => [row.name, row]));
  if (byName.size !== partial.length) throw new Error('instruction table: duplicate row names');
  return partial.map((row) => {
    if (!row.isAlias) return { ...row, executes: row.id };
    const target = byName.get(row.row.aliasOf!);
    if (!target || target.isAlias) throw new Error(`alias ${row.name}: no row ${row.row.aliasOf}`);
    if (((row.mask & target.mask) >>> 0) !== target.mask || ((row.match & target.mask) >>> 0) !== target.match) {
      throw new Error(`alias ${row.name} is not a special case of ${target.name}`);
    }
    return { ...row, flags: target.flags, executes: target.id };
  });
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
  let count = 0;
  for (let v = value >>> 0; v !== 0; v >>>= 1) count += v & 1;
  return count;
}

// Rows grouped by the primary opcode (bits 31..26), most specific first, so the first match wins.
// (Fixed bits are counted once per row, not in the sort's comparisons: the sort ran at every
// start in cold code, ~5 ms of it here.)
function groupByOpcode(rows: readonly CompiledRow[]): CompiledRow[][] {
  const groups: { row: CompiledRow; fixedBits: number }[][] = Array.from({ length: 64 }, () => []);
  for (const row of rows) {
    if ((row.mask >>> 26) !== 0x3f) throw new Error(`row ${row.name} does not fix the opcode`);
    groups[row.match >>> 26]!.push({ row, fixedBits: popcount(row.mask) });
  }
  return groups.map((group) => group.sort((a, b) => b.fixedBits - a.fixedBits).map((entry) => entry.row));
}

const EXECUTABLE_GROUPS = groupByOpcode(ROWS.filter((row) => !row.isAlias));
const DISASSEMBLY_GROUPS = groupByOpcode(ROWS.filter((row) => row.row.asmOnly !== true));

/** Sentinel returned for words that match no row (a Reserved Instruction). */
export const RESERVED = -1;

function lookup(groups: CompiledRow[][], word: number): number {
  const group = groups[word >>> 26]!;
  for (let index = 0; index < group.length; index++) {
    const row = group[index]!;
    if (((word & row.mask) >>> 0) === row.match) return row.id;
  }
  return RESERVED;
}

/** The id of the row that executes `word`, or RESERVED. */
export function decode(word: number): number {
  return lookup(EXECUTABLE_GROUPS, word);
}

/** The id of the most specific row (aliases included) for display, or RESERVED. */
export function decodeForDisassembly(word: number): number {
  return lookup(DISASSEMBLY_GROUPS, word);
}

/** Extracts a field's raw (unsigned) value from a word. */
export function field(row: CompiledRow, name: FieldName, word: number): number {
  const position = row.fields[name];
  if (!position) return 0;
  return position.width === 32 ? word >>> 0 : (word >>> position.shift) & ((1 << position.width) - 1);
}
