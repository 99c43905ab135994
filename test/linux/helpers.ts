// Shared helpers for the Linux user-mode tests: a minimal ELF writer for assembled code, and
// runProgram with the guest's stdio captured in temporary files.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assembleProgram } from '../../src/isa/asm.js';
import type { RunOptions, RunResult } from '../../src/linux/process.js';
import { engine } from '../bundled-engine.js';

export const CODE_BASE = 0x40_0000;

/** Debian's static busybox for mipsel (test/guest/busybox.sh fetches it), or undefined when it cannot be had. */
export function findBusybox(): string | undefined {
  try {
    const root = path.resolve(__dirname, '..', '..');
    const found = execFileSync('bash', [path.join(root, 'test/guest/busybox.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return fs.existsSync(found) ? found : undefined;
  } catch {
    return undefined;
  }
}

/** A static ELF32 LE MIPS executable with one R+X PT_LOAD holding `code` at CODE_BASE + 0x1000. */
export function makeElf(code: Uint8Array, options: { data?: Uint8Array } = {}): Uint8Array {
  const headerSize = 52;
  const phnum = options.data ? 2 : 1;
  const codeOffset = 0x1000;
  const dataOffset = codeOffset + ((code.length + 0xfff) & ~0xfff);
  const total = options.data ? dataOffset + options.data.length : codeOffset + code.length;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 8, true); // EM_MIPS
  view.setUint32(20, 1, true);
  view.setUint32(24, CODE_BASE + codeOffset, true);
  view.setUint32(28, headerSize, true);
  view.setUint32(36, 0x7000_1007, true); // noreorder, pic, cpic, o32, mips32r2
  view.setUint16(40, headerSize, true);
  view.setUint16(42, 32, true);
  view.setUint16(44, phnum, true);
  const programHeader = (index: number, offset: number, vaddr: number, filesz: number, memsz: number, flags: number): void => {
    const at = headerSize + index * 32;
    view.setUint32(at, 1, true);
    view.setUint32(at + 4, offset, true);
    view.setUint32(at + 8, vaddr, true);
    view.setUint32(at + 12, vaddr, true);
    view.setUint32(at + 16, filesz, true);
    view.setUint32(at + 20, memsz, true);
    view.setUint32(at + 24, flags, true);
    view.setUint32(at + 28, 0x1000, true);
  };
  programHeader(0, 0, CODE_BASE, codeOffset + code.length, codeOffset + code.length, 5);
  if (options.data) programHeader(1, dataOffset, CODE_BASE + dataOffset, options.data.length, options.data.length + 0x2000, 6);
  bytes.set(code, codeOffset);
  if (options.data) bytes.set(options.data, dataOffset);
  return bytes;
}

/** Assembles `source` (objdump syntax) into an ELF file in a temporary directory; returns its path. */
export function assembleToElf(source: string): string {
  const words = assembleProgram(source, CODE_BASE + 0x1000);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-elf-')), 'prog');
  fs.writeFileSync(file, makeElf(new Uint8Array(words.buffer, words.byteOffset, words.byteLength)), { mode: 0o755 });
  return file;
}

export interface CapturedRun extends RunResult {
  stdout: Buffer;
  stderr: Buffer;
}

/**
 * Compiled code of every JIT run in this test worker (vitest.config.ts: files share a worker's
 * modules), kept by page content as the CLI's code cache keeps it: the files run the same few
 * programs many times (busybox 109 times), and compiling their hot pages again for each run was
 * most of the suite's time. The first run of each page still compiles it.
 */
const codeCache = new engine.CompiledCodeCache();

/** Runs a program in-process (the bundled engine, test/bundled-engine.ts) with stdin from `stdin` and stdout/stderr captured. */
export async function runCaptured(options: Omit<RunOptions, 'stdin' | 'stdout' | 'stderr'> & { stdin?: string | Buffer }): Promise<CapturedRun> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-run-'));
  const inPath = path.join(directory, 'stdin');
  fs.writeFileSync(inPath, options.stdin ?? '');
  const stdin = fs.openSync(inPath, 'r');
  const stdout = fs.openSync(path.join(directory, 'stdout'), 'w+');
  const stderr = fs.openSync(path.join(directory, 'stderr'), 'w+');
  try {
    const { stdin: _ignored, ...rest } = options;
    // Tests compile on the main thread: the same code compiles at the same point in every run.
    const result = await engine.runProgram({ compiler: 'inline', codeCache, ...rest, stdin, stdout, stderr });
    return {
      ...result,
      stdout: fs.readFileSync(path.join(directory, 'stdout')),
      stderr: fs.readFileSync(path.join(directory, 'stderr')),
    };
  } finally {
    fs.closeSync(stdin);
    fs.closeSync(stdout);
    fs.closeSync(stderr);
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** Every guest program runs under both engines. */
export const ENGINES = ['interp', 'jit'] as const;
/**
 * Low hot thresholds for tests, so that much of a guest's code runs compiled (and the JIT's
 * exits, handler calls and invalidations get exercised), not just its hottest loops. The guest
 * programs compile nearly everything; busybox, whose runs are larger, compiles its warm code.
 */
export const JIT_TEST_THRESHOLD = 8;
export const JIT_BUSYBOX_THRESHOLD = 40;
