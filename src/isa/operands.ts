// Operand kinds of the instruction table: how each is shown (objdump spelling) and parsed back.
// The disassembler and the assembler both walk a row's operand list through this one module.

import { field, type CompiledRow } from './decode.js';

export const GPR_NAMES = [
  'zero', 'at', 'v0', 'v1', 'a0', 'a1', 'a2', 'a3',
  't0', 't1', 't2', 't3', 't4', 't5', 't6', 't7',
  's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7',
  't8', 't9', 'k0', 'k1', 'gp', 'sp', 's8', 'ra',
] as const;

/**
 * CP0 register names as `mipsel-linux-gnu-objdump` (binutils 2.40) prints them for MIPS32r2,
 * keyed by `rd * 8 + sel` (read off objdump's output for every rd/sel). A name may carry its
 * select (`c0_perfcnt,1`); registers without a name print as `$rd` or `$rd,sel`.
 * Built on first use, as is its inverse (cp0NumberNamed): only the disassembler and the assembler
 * ask, and every start of the CLI built them (with the assembler's rows by mnemonic and the
 * disassembly decode groups, ~0.8 ms of the bundle's top level, in V8's interpreter).
 */
let cp0Names: ReadonlyMap<number, string> | undefined;
function cp0NameTable(): ReadonlyMap<number, string> {
  return (cp0Names ??= buildCp0Names());
}

function buildCp0Names(): ReadonlyMap<number, string> {
  const base = [
    'c0_index', 'c0_random', 'c0_entrylo0', 'c0_entrylo1', 'c0_context', 'c0_pagemask', 'c0_wired', 'c0_hwrena',
    'c0_badvaddr', 'c0_count', 'c0_entryhi', 'c0_compare', 'c0_status', 'c0_cause', 'c0_epc', 'c0_prid',
    'c0_config', 'c0_lladdr', 'c0_watchlo', 'c0_watchhi', 'c0_xcontext', '', '', 'c0_debug',
    'c0_depc', 'c0_perfcnt', 'c0_errctl', 'c0_cacheerr', 'c0_taglo', 'c0_taghi', 'c0_errorepc', 'c0_desave',
  ];
  const selected: [number, number, string][] = [
    [0, 1, 'c0_mvpcontrol'], [0, 2, 'c0_mvpconf0'], [0, 3, 'c0_mvpconf1'],
    [1, 1, 'c0_vpecontrol'], [1, 2, 'c0_vpeconf0'], [1, 3, 'c0_vpeconf1'], [1, 4, 'c0_yqmask'],
    [1, 5, 'c0_vpeschedule'], [1, 6, 'c0_vpeschefback'],
    [2, 1, 'c0_tcstatus'], [2, 2, 'c0_tcbind'], [2, 3, 'c0_tcrestart'], [2, 4, 'c0_tchalt'],
    [2, 5, 'c0_tccontext'], [2, 6, 'c0_tcschedule'], [2, 7, 'c0_tcschefback'],
    [4, 1, 'c0_contextconfig'], [5, 1, 'c0_pagegrain'],
    [6, 1, 'c0_srsconf0'], [6, 2, 'c0_srsconf1'], [6, 3, 'c0_srsconf2'], [6, 4, 'c0_srsconf3'], [6, 5, 'c0_srsconf4'],
    [12, 1, 'c0_intctl'], [12, 2, 'c0_srsctl'], [12, 3, 'c0_srsmap'], [15, 1, 'c0_ebase'],
    [16, 1, 'c0_config1'], [16, 2, 'c0_config2'], [16, 3, 'c0_config3'],
    [23, 1, 'c0_tracecontrol'], [23, 2, 'c0_tracecontrol2'], [23, 3, 'c0_usertracedata'], [23, 4, 'c0_tracebpc'],
    [28, 1, 'c0_datalo'], [28, 2, 'c0_taglo1'], [28, 3, 'c0_datalo1'], [28, 4, 'c0_taglo2'], [28, 5, 'c0_datalo2'],
    [28, 6, 'c0_taglo3'], [28, 7, 'c0_datalo3'],
    [29, 1, 'c0_datahi'], [29, 2, 'c0_taghi1'], [29, 3, 'c0_datahi1'], [29, 4, 'c0_taghi2'], [29, 5, 'c0_datahi2'],
    [29, 6, 'c0_taghi3'], [29, 7, 'c0_datahi3'],
  ];
  const names = new Map<number, string>();
  base.forEach((name, rd) => {
    if (name !== '') names.set(rd * 8, name);
  });
  for (const [rd, sel, name] of selected) names.set(rd * 8 + sel, name);
  // Registers whose other selects objdump shows as the base name plus the select.
  for (const [rd, last] of [[18, 7], [19, 7], [25, 7], [27, 3]] as const) {
    for (let sel = 1; sel <= last; sel++) names.set(rd * 8 + sel, `${base[rd]},${sel}`);
  }
  return names;
}

/** How objdump shows CP0 register rd/sel: a name, possibly with `,sel`, or `$rd[,sel]`. */
function cp0Display(rd: number, sel: number): string {
  return cp0NameTable().get(rd * 8 + sel) ?? (sel === 0 ? `$${rd}` : `$${rd},${sel}`);
}

// Names with a `,sel` suffix are parsed as their base name followed by a separate select operand.
let cp0ByName: ReadonlyMap<string, number> | undefined;
function cp0NumberNamed(name: string): number | undefined {
  cp0ByName ??= new Map([...cp0NameTable()].filter(([, text]) => !text.includes(',')).map(([key, text]) => [text, key]));
  return cp0ByName.get(name);
}
/** FPU control register names objdump prints for CFC1/CTC1; others print as `$n`. */
const FCR_NAMES = new Map([
  [0, 'c1_fir'],
  [1, 'c1_ufr'],
  [4, 'c1_unfr'],
  [25, 'c1_fccr'],
  [26, 'c1_fexr'],
  [28, 'c1_fenr'],
  [31, 'c1_fcsr'],
]);
/** Hardware register names objdump prints for RDHWR; others print as `$n`. */
const HWR_NAMES = new Map([
  [0, 'hwr_cpunum'],
  [1, 'hwr_synci_step'],
  [2, 'hwr_cc'],
  [3, 'hwr_ccres'],
]);
const HWR_BY_NAME = new Map([...HWR_NAMES].map(([number, name]) => [name, number]));
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
    case 'clzdest': {
      // objdump: the register when rd = rt or one of them is zero, else "rd or rt".
      const rd = get('rd');
      const rt = get('rt');
      if (rd === rt || rt === 0) return GPR_NAMES[rd]!;
      return rd === 0 ? GPR_NAMES[rt]! : `${GPR_NAMES[rd]!} or ${GPR_NAMES[rt]!}`;
    }
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
    case 'xuimm':
      return hex(get('imm'));
    case 'branch':
      return branchTarget(context.pc, word).toString(16);
    case 'jump':
      return jumpTarget(context.pc, word).toString(16);
    case 'code?': {
      const code = get('code');
      return code === 0 ? undefined : hex(code);
    }
    // BREAK's 20-bit code shows as two 10-bit halves: `break 0x7`, `break 0x7,0x1`, `break 0x0,0x5`.
    case 'breakhi?': {
      const code = get('code');
      return code === 0 ? undefined : hex(code >>> 10);
    }
    case 'breaklo?': {
      const low = get('code') & 0x3ff;
      return low === 0 ? undefined : hex(low);
    }
    case 'code10?': {
      const code = get('code');
      return code === 0 ? undefined : hex(code);
    }
    case 'c0':
      return cp0Display(get('rd'), get('sel')).split(',')[0];
    case 'sel?':
      return cp0Display(get('rd'), get('sel')).split(',')[1];
    case 'hwr': {
      const number = get('rd');
      return HWR_NAMES.get(number) ?? `$${number}`;
    }
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
    case 'clzdest': {
      // "rd" sets both fields; objdump's "rd or rt" (fields that differ) parses back too.
      const parts = text.split(/\s+or\s+/);
      const rd = parseGpr(parts[0]!.trim());
      const rt = parts.length === 2 ? parseGpr(parts[1]!.trim()) : rd;
      return rd === undefined || rt === undefined || parts.length > 2 ? undefined : { rd, rt };
    }
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
    case 'xuimm': {
      // Hex only: `li rt,0x10` is the ORI form, `li rt,16` the ADDIU one (as objdump spells them).
      const value = /^0x/i.test(text.trim()) ? number() : undefined;
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
    case 'breakhi?': {
      const value = number();
      return inRange(value, 0, 0x3ff) ? { code: value << 10 } : undefined;
    }
    case 'code10?': {
      const value = number();
      return inRange(value, 0, 0x3ff) ? { code: value } : undefined;
    }
    case 'c0': {
      const named = cp0NumberNamed(text);
      if (named !== undefined) return { rd: named >> 3, sel: named & 7 };
      const register = /^\$(\d+)$/.exec(text);
      return register && Number(register[1]) < 32 ? { rd: Number(register[1]) } : undefined;
    }
    case 'sel?': {
      const value = number();
      return inRange(value, 0, 7) ? { sel: value } : undefined;
    }
    case 'hwr': {
      const named = HWR_BY_NAME.get(text);
      if (named !== undefined) return { rd: named };
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
