// Runs every interpreter case of test/interp/*-cases.ts under qemu-mipsel and records the final
// registers, HI/LO, data area and terminating signal in test/interp/fixture/qemu-cases.json, so
// the tests check hand-written expectations against a real MIPS implementation without needing
// qemu themselves. Run: npx tsx scripts/record-qemu-cases.ts (needs mipsel-linux-gnu-as/ld, qemu-mipsel).
//
// Each case becomes a static program: __start loads the case's registers (k0, k1 and sp excepted:
// the dump uses them), jumps to the case's words (assembled by src/isa/asm.ts, linked at CODE),
// which fall through into code that stores $0..$31, HI, LO and the data area and write()s them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BRANCH_CASES } from '../test/interp/branch-cases.js';
import { assembleCase, CODE, DATA, DATA_WORDS, registerIndex, type InterpCase } from '../test/interp/harness.js';
import { INTEGER_CASES } from '../test/interp/integer-cases.js';

/** What qemu-mipsel left behind: registers, HI, LO, the data area, or the signal that killed it. */
export interface QemuRecord {
  readonly gpr?: number[];
  readonly hi?: number;
  readonly lo?: number;
  readonly mem?: number[];
  readonly signal?: number;
}

const RESERVED_BY_DUMP = new Set([26, 27, 29]);
const DUMP_WORDS = 32 + 2 + DATA_WORDS;

function loadImmediate(register: number, value: number): string {
  const word = value >>> 0;
  return `\tlui\t$${register}, 0x${(word >>> 16).toString(16)}\n\tori\t$${register}, $${register}, 0x${(word & 0xffff).toString(16)}\n`;
}

function programFor(testCase: InterpCase): string {
  const initial = new Map<number, number>();
  for (const [name, value] of Object.entries(testCase.regs ?? {})) {
    const index = registerIndex(name);
    if (RESERVED_BY_DUMP.has(index)) throw new Error(`${testCase.name}: k0, k1 and sp are the harness's`);
    initial.set(index, value);
  }
  let source = '\t.set\tnoreorder\n\t.set\tnoat\n\t.text\n\t.globl\t__start\n__start:\n';
  source += loadImmediate(26, initial.get(32) ?? 0) + '\tmthi\t$26\n';
  source += loadImmediate(26, initial.get(33) ?? 0) + '\tmtlo\t$26\n';
  for (let register = 1; register < 32; register++) {
    if (!RESERVED_BY_DUMP.has(register)) source += loadImmediate(register, initial.get(register) ?? 0);
  }
  source += '\tj\tcase_code\n\tnop\n';
  source += '\t.section\t.case,"ax"\ncase_code:\n';
  for (const word of assembleCase(testCase)) source += `\t.word\t0x${word.toString(16)}\n`;
  source += '\tlui\t$27, %hi(dump)\n\taddiu\t$27, $27, %lo(dump)\n';
  for (let register = 0; register < 32; register++) source += `\tsw\t$${register}, ${4 * register}($27)\n`;
  source += '\tmfhi\t$26\n\tsw\t$26, 128($27)\n\tmflo\t$26\n\tsw\t$26, 132($27)\n';
  source += `\tlui\t$26, %hi(data)\n\taddiu\t$26, $26, %lo(data)\n`;
  for (let index = 0; index < DATA_WORDS; index++) source += `\tlw\t$1, ${4 * index}($26)\n\tsw\t$1, ${136 + 4 * index}($27)\n`;
  source += `\tli\t$2, 4004\n\tli\t$4, 1\n\tmove\t$5, $27\n\tli\t$6, ${4 * DUMP_WORDS}\n\tsyscall\n`;
  source += '\tli\t$2, 4001\n\tli\t$4, 0\n\tsyscall\n';
  source += '\t.section\t.mem,"aw"\ndata:\n';
  for (let index = 0; index < DATA_WORDS; index++) source += `\t.word\t0x${((testCase.mem?.[index] ?? 0) >>> 0).toString(16)}\n`;
  source += `\t.bss\ndump:\n\t.space\t${4 * DUMP_WORDS}\n`;
  return source;
}

function runUnderQemu(testCase: InterpCase, directory: string): QemuRecord {
  const stem = join(directory, 'case');
  writeFileSync(`${stem}.s`, programFor(testCase));
  execFileSync('mipsel-linux-gnu-as', ['-mips32r2', '-EL', '-o', `${stem}.o`, `${stem}.s`]);
  execFileSync('mipsel-linux-gnu-ld', [
    '-static', '-e', '__start', `--section-start=.case=0x${CODE.toString(16)}`,
    `--section-start=.mem=0x${DATA.toString(16)}`, '-o', stem, `${stem}.o`,
  ]);
  const run = spawnSync('qemu-mipsel', [stem], { maxBuffer: 1 << 20 });
  if (run.signal !== null) {
    const signals: Record<string, number> = { SIGILL: 4, SIGTRAP: 5, SIGBUS: 7, SIGFPE: 8, SIGSEGV: 11 };
    return { signal: signals[run.signal] ?? -1 };
  }
  if (run.status !== 0 || run.stdout.length !== 4 * DUMP_WORDS) {
    throw new Error(`${testCase.name}: qemu exited ${run.status} with ${run.stdout.length} bytes: ${run.stderr.toString()}`);
  }
  const words = Array.from(new Int32Array(run.stdout.buffer.slice(run.stdout.byteOffset, run.stdout.byteOffset + run.stdout.length)));
  return { gpr: words.slice(0, 32), hi: words[32]!, lo: words[33]!, mem: words.slice(34) };
}

function main(): void {
  const directory = mkdtempSync(join(tmpdir(), 'qemu-cases-'));
  const records: Record<string, QemuRecord> = {};
  try {
    for (const testCase of [...INTEGER_CASES, ...BRANCH_CASES]) {
      if (testCase.notUnderQemu !== undefined) continue;
      if (records[testCase.name]) throw new Error(`duplicate case name ${testCase.name}`);
      records[testCase.name] = runUnderQemu(testCase, directory);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const path = new URL('../test/interp/fixture/qemu-cases.json', import.meta.url);
  const lines = Object.entries(records).map(([name, record]) => `  ${JSON.stringify(name)}: ${JSON.stringify(record)}`);
  writeFileSync(path, `{\n${lines.join(',\n')}\n}\n`);
  console.log(`recorded ${lines.length} cases`);
}

main();
