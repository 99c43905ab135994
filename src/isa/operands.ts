// Operand kinds of the instruction table: how each is shown (objdump spelling) and parsed back.
// The disassembler and the assembler both walk a row's operand list through this one module.

import { field, type CompiledRow } from './decode.js';

export const GPR_NAMES = [
  'zero', 'at', 'v0', 'v1', 'a0', 'a1', 'a2', 'a3',
  't0', 't1', 't2', 't3', 't4', 't5', 't6', 't7',
  's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7',
  't8', 't9', 'k0', 'k1', 'gp', 'sp', 's8', 'ra',
] as const;

/** CP0 register names objdump uses for MIPS32r2, keyed by `rd * 8 + sel`. */
export const CP0_NAMES: ReadonlyMap<number, string> = new Map([
  [0 * 8, 'c0_index'], [1 * 8, 'c0_random'], [2 * 8, 'c0_entrylo0'], [3 * 8, 'c0_entrylo1'],
  [4 * 8, 'c0_context'], [4 * 8 + 2, 'c0_userlocal'], [5 * 8, 'c0_pagemask'], [5 * 8 + 1, 'c0_pagegrain'],
  [6 * 8, 'c0_wired'], [7 * 8, 'c0_hwrena'], [8 * 8, 'c0_badvaddr'], [9 * 8, 'c0_count'],
  [10 * 8, 'c0_entryhi'], [11 * 8, 'c0_compare'], [12 * 8, 'c0_status'], [12 * 8 + 1, 'c0_intctl'],
  [12 * 8 + 2, 'c0_srsctl'], [12 * 8 + 3, 'c0_srsmap'], [13 * 8, 'c0_cause'], [14 * 8, 'c0_epc'],
  [15 * 8, 'c0_prid'], [15 * 8 + 1, 'c0_ebase'], [16 * 8, 'c0_config'], [16 * 8 + 1, 'c0_config1'],
  [16 * 8 + 2, 'c0_config2'], [16 * 8 + 3, 'c0_config3'], [17 * 8, 'c0_lladdr'], [18 * 8, 'c0_watchlo'],
  [19 * 8, 'c0_watchhi'], [23 * 8, 'c0_debug'], [24 * 8, 'c0_depc'], [25 * 8, 'c0_perfcnt'],
  [26 * 8, 'c0_errctl'], [27 * 8, 'c0_cacheerr'], [28 * 8, 'c0_taglo'], [28 * 8 + 1, 'c0_datalo'],
  [29 * 8, 'c0_taghi'], [29 * 8 + 1, 'c0_datahi'], [30 * 8, 'c0_errorepc'], [31 * 8, 'c0_desave'],
]);

const CP0_BY_NAME = new Map([...CP0_NAMES].map(([key, name]) => [name, key]));
const FCR_NAMES = new Map([
  [0, 'c1_fir'],
  [31, 'c1_fcsr'],
]);
const FCR_BY_NAME = new Map([...FCR_NAMES].map(([number, name]) => [name, number]));

const hex = (value: number) => `0x${(value >>> 0).toString(16)}`;
const signed16 = (value: number) => (value << 16) >> 16;

/** Context a disassembled word needs: its address (for branch targets). */
export interface OperandContext {
  readonly pc: number;
}

export function branchTarget(pc: number, word: number): number {
  return (pc + 4 + (signed16(word & 0xffff) << 2)) >>> 0;
}

export function jumpTarget(pc: number, word: number): number {
  return (((pc + 4) & 0xf000_0000) | ((word & 0x03ff_ffff) << 2)) >>> 0;
}

/** Formats one operand; returns undefined for an optional operand that is omitted. */
export function formatOperand(kind: string, row: CompiledRow, word: number, context: OperandContext): string | undefined {
  const get = (name: Parameters<typeof field>[1]) => field(row, name, word);
  const memory = /^(\w+)\((\w+)\)$/.exec(kind);
  if (memory) {
    const base = GPR_NAMES[get('rs')]!;
    const offset = memory[1] === 'offset' ? String(signed16(get('imm'))) : GPR_NAMES[get('rt')]!;
    return `${offset}(${base})`;
  }
  switch (kind) {
    case 'rs':
    case 'rt':
    case 'rd':
      return GPR_NAMES[get(kind)]!;
    case 'zero':
      return 'zero';
    case 'fs':
    case 'ft':
    case 'fd':
    case 'fr':
      return `$f${get(kind)}`;
    case 'sa':
      return hex(get('sa'));
    case 'simm':
      return String(signed16(get('imm')));
    case 'uimm':
      return hex(get('imm'));
    case 'branch':
      return branchTarget(context.pc, word).toString(16);
    case 'jump':
      return jumpTarget(context.pc, word).toString(16);
    case 'code?': {
      const code = get('code');
      return code === 0 ? undefined : hex(code);
    }
    case 'breakcode': {
      const code = get('code');
      const high = code >>> 10;
      const low = code & 0x3ff;
      if (code === 0) return undefined;
      return low === 0 ? hex(high) : `${hex(high)},${hex(low)}`;
    }
    case 'code10?': {
      const code = get('code');
      return code === 0 ? undefined : hex(code);
    }
    case 'c0': {
      const rd = get('rd');
      const sel = get('sel');
      return CP0_NAMES.get(rd * 8 + sel) ?? `$${rd}`;
    }
    case 'sel?': {
      const rd = get('rd');
      const sel = get('sel');
      return CP0_NAMES.has(rd * 8 + sel) || sel === 0 ? undefined : String(sel);
    }
    case 'hwr':
      return `$${get('rd')}`;
    case 'fcr': {
      const number = get('rd');
      return FCR_NAMES.get(number) ?? `$${number}`;
    }
    case 'cc':
      return `$fcc${get('cc')}`;
    case 'cc?': {
      const cc = get('cc');
      return cc === 0 ? undefined : `$fcc${cc}`;
    }
    case 'pos':
      return hex(get('lsb'));
    case 'size':
      return hex(get('msb') + 1);
    case 'isize':
      return hex(get('msb') - get('lsb') + 1);
    case 'hint':
      return hex(get('hint'));
    case 'hint?': {
      const hint = get('hint');
      return hint === 0 ? undefined : hex(hint);
    }
    default:
      throw new Error(`row ${row.name}: unknown operand kind ${kind}`);
  }
}

/** Splits a row's operand list into kinds (memory operands stay whole). */
export function operandKinds(row: CompiledRow): string[] {
  const text = row.row.operands.trim();
  return text === '' ? [] : text.split(',').map((part) => part.trim());
}

// ---- Parsing (the assembler's half) ----

/** Field values an operand contributes; `undefined` when the text does not fit this kind. */
export type FieldValues = Partial<Record<Parameters<typeof field>[1], number>>;

export function parseGpr(text: string): number | undefined {
  const name = text.replace(/^\$/, '');
  if (/^\d+$/.test(name)) {
    const number = Number(name);
    return number < 32 ? number : undefined;
  }
  if (name === 'fp') return 30;
  const index = (GPR_NAMES as readonly string[]).indexOf(name);
  return index >= 0 ? index : undefined;
}

function parseFpr(text: string): number | undefined {
  const match = /^\$f(\d+)$/.exec(text);
  if (!match) return undefined;
  const number = Number(match[1]);
  return number < 32 ? number : undefined;
}

export function parseNumber(text: string): number | undefined {
  const match = /^(-)?(0x[0-9a-f]+|\d+)$/i.exec(text.trim());
  if (!match) return undefined;
  const magnitude = Number(match[2]);
  return match[1] ? -magnitude : magnitude;
}

function inRange(value: number | undefined, min: number, max: number): value is number {
  return value !== undefined && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Parses one operand of the given kind. `resolve` turns a branch/jump target text (number or
 * label) into an address. Returns the field values, or undefined when the text does not fit.
 */
export function parseOperand(
  kind: string,
  text: string,
  pc: number,
  resolve: (target: string) => number | undefined,
): FieldValues | undefined {
  const memory = /^(\w+)\((\w+)\)$/.exec(kind);
  if (memory) {
    const parts = /^(.*)\(([^)]+)\)$/.exec(text.trim());
    if (!parts) return undefined;
    const base = parseGpr(parts[2]!.trim());
    if (base === undefined) return undefined;
    if (memory[1] === 'offset') {
      const offset = parts[1]!.trim() === '' ? 0 : parseNumber(parts[1]!);
      if (!inRange(offset, -0x8000, 0x7fff)) return undefined;
      return { rs: base, imm: offset & 0xffff };
    }
    const index = parseGpr(parts[1]!.trim());
    return index === undefined ? undefined : { rs: base, rt: index };
  }
  const number = () => parseNumber(text);
  switch (kind) {
    case 'rs':
    case 'rt':
    case 'rd': {
      const register = parseGpr(text);
      return register === undefined ? undefined : { [kind]: register };
    }
    case 'zero':
      return parseGpr(text) === 0 ? {} : undefined;
    case 'fs':
    case 'ft':
    case 'fd':
    case 'fr': {
      const register = parseFpr(text);
      return register === undefined ? undefined : { [kind]: register };
    }
    case 'sa': {
      const value = number();
      return inRange(value, 0, 31) ? { sa: value } : undefined;
    }
    case 'simm': {
      const value = number();
      return inRange(value, -0x8000, 0x7fff) ? { imm: value & 0xffff } : undefined;
    }
    case 'uimm': {
      const value = number();
      return inRange(value, 0, 0xffff) ? { imm: value } : undefined;
    }
    case 'branch': {
      const target = resolve(text);
      if (target === undefined) return undefined;
      const delta = ((target - (pc + 4)) | 0) >> 2;
      if ((target & 3) !== 0 || delta < -0x8000 || delta > 0x7fff) return undefined;
      return { imm: delta & 0xffff };
    }
    case 'jump': {
      const target = resolve(text);
      if (target === undefined || (target & 3) !== 0) return undefined;
      if (((target ^ (pc + 4)) & 0xf000_0000) !== 0) return undefined;
      return { target: (target >>> 2) & 0x03ff_ffff };
    }
    case 'code?': {
      const value = number();
      return inRange(value, 0, 0xfffff) ? { code: value } : undefined;
    }
    case 'breakcode': {
      const parts = text.split(/\s*;\s*/);
      const high = parseNumber(parts[0]!);
      return inRange(high, 0, 0x3ff) ? { code: high << 10 } : undefined;
    }
    case 'code10?': {
      const value = number();
      return inRange(value, 0, 0x3ff) ? { code: value } : undefined;
    }
    case 'c0': {
      const named = CP0_BY_NAME.get(text);
      if (named !== undefined) return { rd: named >> 3, sel: named & 7 };
      const register = /^\$(\d+)$/.exec(text);
      return register && Number(register[1]) < 32 ? { rd: Number(register[1]) } : undefined;
    }
    case 'sel?': {
      const value = number();
      return inRange(value, 0, 7) ? { sel: value } : undefined;
    }
    case 'hwr': {
      const register = /^\$(\d+)$/.exec(text);
      return register && Number(register[1]) < 32 ? { rd: Number(register[1]) } : undefined;
    }
    case 'fcr': {
      const named = FCR_BY_NAME.get(text);
      if (named !== undefined) return { rd: named };
      const register = /^\$(\d+)$/.exec(text);
      return register && Number(register[1]) < 32 ? { rd: Number(register[1]) } : undefined;
    }
    case 'cc':
    case 'cc?': {
      const cc = /^\$fcc([0-7])$/.exec(text);
      return cc ? { cc: Number(cc[1]) } : undefined;
    }
    case 'pos': {
      const value = number();
      return inRange(value, 0, 31) ? { lsb: value } : undefined;
    }
    case 'size': {
      const value = number();
      return inRange(value, 1, 32) ? { msb: value - 1 } : undefined;
    }
    case 'hint':
    case 'hint?': {
      const value = number();
      return inRange(value, 0, 31) ? { hint: value } : undefined;
    }
    default:
      return undefined;
  }
}
