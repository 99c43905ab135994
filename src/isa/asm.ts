// A small assembler driven by the instruction table: one line of objdump-style text to a word,
// or a multi-line program with labels to words. Tests and examples write guest code with it.

import { ROWS, type CompiledRow, type FieldName } from './decode.js';
import { operandKinds, parseNumber, parseOperand, type FieldValues } from './operands.js';

/** The rows of each mnemonic, built on first use (the CLI loads this module for the boot ROM only). */
let rowsByMnemonic: Map<string, CompiledRow[]> | undefined;
function rowsOfMnemonic(mnemonic: string): CompiledRow[] | undefined {
  if (rowsByMnemonic === undefined) {
    rowsByMnemonic = new Map();
    for (const row of ROWS) {
      const list = rowsByMnemonic.get(row.mnemonic) ?? [];
      list.push(row);
      rowsByMnemonic.set(row.mnemonic, list);
    }
  }
  return rowsByMnemonic.get(mnemonic);
}

export class AssemblyError extends Error {}

/** Splits operand text at top-level commas. */
function splitOperands(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(',').map((part) => part.trim());
}

/** Places field values into the row's word; undefined when a value does not fit its field. */
function encode(row: CompiledRow, values: FieldValues): number | undefined {
  let word = row.match;
  for (const [name, value] of Object.entries(values) as [FieldName, number][]) {
    const position = row.fields[name];
    if (!position) continue;
    const fieldMask = position.width === 32 ? 0xffff_ffff : (1 << position.width) - 1;
    if (value >>> 0 > fieldMask >>> 0) return undefined;
    word |= (value & fieldMask) << position.shift;
  }
  return word >>> 0;
}

/** Tries one row: every operand must parse and every fixed bit must stay as the row says. */
function tryRow(row: CompiledRow, texts: string[], pc: number, resolve: (t: string) => number | undefined): number | undefined {
  const kinds = operandKinds(row);
  const values: FieldValues = {};
  let textIndex = 0;
  for (const kind of kinds) {
    const optional = kind.endsWith('?');
    const text = texts[textIndex];
    if (text === undefined) {
      if (optional) continue;
      return undefined;
    }
    const parsed =
      kind === 'isize'
        ? parseInsSize(text, values)
        : kind === 'breaklo?'
          ? parseBreakLow(text, values)
          : parseOperand(kind, text, pc, resolve);
    if (parsed === undefined) {
      if (optional) continue;
      return undefined;
    }
    Object.assign(values, parsed);
    textIndex++;
  }
  if (textIndex !== texts.length) return undefined;
  const word = encode(row, values);
  return word !== undefined && ((word & row.mask) >>> 0) === row.match ? word : undefined;
}

/**
 * INS's size gives msb = lsb + size - 1. objdump shows an encoding with msb < lsb (reserved) as a
 * 32-bit wrapped size (`ins zero,zero,0x1f,0xffffffe2`); that spelling parses back to its msb.
 */
function parseInsSize(text: string, values: FieldValues): FieldValues | undefined {
  const value = parseNumber(text);
  if (value === undefined || !Number.isInteger(value) || value < -0x8000_0000 || value > 0xffff_ffff) return undefined;
  const size = value | 0;
  const msb = (values.lsb ?? 0) + size - 1;
  if (msb < 0 || msb > 31) return undefined;
  return { msb };
}

/** BREAK's second code half joins the first one's bits (`break 0x7,0x1`). */
function parseBreakLow(text: string, values: FieldValues): FieldValues | undefined {
  const low = parseNumber(text);
  if (low === undefined || !Number.isInteger(low) || low < 0 || low > 0x3ff) return undefined;
  return { code: (values.code ?? 0) | low };
}

/**
 * Assembles one instruction. `pc` is its address (for branches); `labels` resolves symbolic
 * branch and jump targets. Numeric targets are absolute addresses, as objdump prints them.
 */
export function assemble(text: string, pc = 0, labels: ReadonlyMap<string, number> = new Map()): number {
  const match = /^\s*([a-z0-9._]+)\s*(.*)$/i.exec(text);
  if (!match) throw new AssemblyError(`cannot parse "${text}"`);
  const mnemonic = match[1]!.toLowerCase();
  const rows = rowsOfMnemonic(mnemonic);
  if (!rows) throw new AssemblyError(`unknown mnemonic "${mnemonic}" in "${text}"`);
  const texts = splitOperands(match[2]!);
  const resolve = (target: string) => labels.get(target) ?? parseBareHex(target);
  // Prefer real rows over aliases only when both fit; aliases are more specific encodings.
  for (const row of rows) {
    const word = tryRow(row, texts, pc, resolve);
    if (word !== undefined) return word;
  }
  throw new AssemblyError(`operands do not fit ${mnemonic}: "${text}"`);
}

// Branch targets print as bare hex ("400450"); accept that and 0x-prefixed numbers.
function parseBareHex(text: string): number | undefined {
  if (/^0x[0-9a-f]+$/i.test(text)) return Number(text);
  if (/^[0-9a-f]+$/i.test(text)) return parseInt(text, 16);
  return undefined;
}

/**
 * Assembles a program: one instruction per line, `label:` lines, `#` comments, and
 * `.word N` directives. Returns the words in order, starting at `origin`.
 */
export function assembleProgram(source: string, origin = 0): Uint32Array {
  const lines = source
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
  const labels = new Map<string, number>();
  const instructions: { text: string; pc: number }[] = [];
  let pc = origin >>> 0;
  for (const line of lines) {
    let rest = line;
    let label: RegExpExecArray | null;
    while ((label = /^([A-Za-z_.$][\w.$]*):\s*/.exec(rest))) {
      labels.set(label[1]!, pc);
      rest = rest.slice(label[0].length);
    }
    if (rest === '') continue;
    instructions.push({ text: rest, pc });
    pc = (pc + 4) >>> 0;
  }
  return Uint32Array.from(instructions, ({ text, pc: address }) => {
    const word = /^\.word\s+(\S+)$/.exec(text);
    if (word) {
      const value = parseNumber(word[1]!);
      if (value === undefined) throw new AssemblyError(`bad .word "${text}"`);
      return value >>> 0;
    }
    return assemble(text, address, labels);
  });
}
