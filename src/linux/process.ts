// Linux user-mode emulation of one static mipsel program, start to finish: load the ELF, build the
// initial stack, run the CPU until the guest exits or dies, and report how it ended.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomFillSync } from 'node:crypto';
import { Cpu } from '../interp/cpu.js';
import { JitEngine, type JitStats } from '../../codegen/engine.js';
import { WorkerCompiler } from '../../codegen/worker-compiler.js';
import { Status } from '../../runtime/exceptions.js';
import { FlatMemory, Perm } from '../../runtime/flat-memory.js';
import { disassemble } from '../isa/disasm.js';
import { ElfError, loadElf, parseElf } from './elf.js';
import { FdTable } from './files.js';
import { LinuxKernel } from './kernel.js';
import { GUEST_MEMORY_SIZE, STACK_SIZE, STACK_TOP } from './layout.js';
import { buildInitialStack } from './stack.js';

export interface RunOptions {
  /** Host path of the program. */
  path: string;
  /** The guest's argv (argv[0] included). */
  argv: string[];
  env: Record<string, string>;
  engine?: 'interp' | 'jit';
  /** Print the first N executed instructions to the diagnostics fd. */
  trace?: number;
  /** Stop after this many instructions (the run then ends with exit status 124). */
  maxInstructions?: number;
  /** Host fds the guest's 0, 1 and 2 refer to (default: this process's own 0, 1, 2). */
  stdin?: number;
  stdout?: number;
  stderr?: number;
  /** The guest's initial working directory (default: process.cwd()). */
  cwd?: string;
  /** JIT: block entries before a page is compiled (tests lower it to compile everything). */
  hotThreshold?: number;
  /** JIT: compile on a worker thread (default) or on the main thread (deterministic, for tests). */
  compiler?: 'worker' | 'inline';
}

export interface RunResult {
  /** Exit status as a shell sees it: the guest's exit code, or 128 + the host signal number. */
  exitStatus: number;
  instructions: number;
  seconds: number;
  /** The (MIPS-numbered) signal that killed the guest, if any. */
  signal?: number;
  /** What the JIT did (engine 'jit' only). */
  jit?: JitStats;
}

/** Exit status when maxInstructions ran out before the guest exited (as timeout(1) uses). */
export const INSTRUCTION_LIMIT_STATUS = 124;

/** A program that cannot be started (unreadable file, bad ELF): one line for the user. */
export class LoadError extends Error {
  override name = 'LoadError';
}

/** Reads and validates the program; throws LoadError with a one-line message. */
function readProgram(programPath: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(programPath);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new LoadError(`${programPath}: ${reason}`);
  }
  return bytes;
}

const RUN_SLICE = 1 << 20;
const WAITING_SLICE = 1 << 15;

/**
 * Runs a static mipsel Linux program to completion. Asynchronous only so that the JIT's compiler
 * (binaryen) can load in the background while the interpreter runs the program's cold start.
 */
export async function runProgram(options: RunOptions): Promise<RunResult> {
  const programPath = path.resolve(options.path);
  const bytes = readProgram(options.path);
  let image;
  try {
    image = parseElf(bytes);
  } catch (error) {
    if (error instanceof ElfError) throw new LoadError(`${options.path}: ${error.message}`);
    throw error;
  }
  const diagnosticsFd = options.stderr ?? 2;

  const mem = new FlatMemory(GUEST_MEMORY_SIZE);
  let loaded;
  try {
    loaded = loadElf(image, bytes, mem);
  } catch (error) {
    if (error instanceof ElfError) throw new LoadError(`${options.path}: ${error.message}`);
    throw error;
  }

  const fds = FdTable.withStdio(options.stdin ?? 0, options.stdout ?? 1, options.stderr ?? 2);
  const cwd = Buffer.from(options.cwd ? path.resolve(options.cwd) : process.cwd());
  let kernel: LinuxKernel | undefined;
  const cpu = new Cpu(mem, {
    exception: (cpuArgument, code, badVAddr) => kernel!.exception(cpuArgument, code, badVAddr),
  });
  kernel = new LinuxKernel(cpu, { programPath, diagnosticsFd, fds, cwd });
  kernel.straceEnabled = process.env.MIPSJIT_STRACE === '1';
  for (const [start, end] of loaded.ranges) kernel.space.adopt(start, end - start);
  kernel.space.brkStart = loaded.brkStart;
  kernel.space.brk = loaded.brkStart;

  // The stack: 8 MiB below STACK_TOP, read/write (and executable, as on a pre-RIXI MIPS).
  kernel.space.map(STACK_TOP - STACK_SIZE, STACK_SIZE, Perm.Read | Perm.Write | Perm.Exec);
  const encoder = new TextEncoder();
  const random = new Uint8Array(16);
  randomFillSync(random);
  const stack = buildInitialStack(mem, {
    stackTop: STACK_TOP,
    argv: options.argv.map((argument) => encoder.encode(argument)),
    envp: Object.entries(options.env).map(([name, value]) => encoder.encode(`${name}=${value}`)),
    execfn: encoder.encode(options.argv[0] ?? options.path),
    phdrAddress: loaded.phdrAddress,
    phnum: loaded.phnum,
    entry: loaded.entry,
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
    random,
  });
  // Linux's start_thread(): every GPR zero except sp; PC at the entry point.
  cpu.r.fill(0, 0, 32);
  cpu.r[29] = stack.sp;
  cpu.setPc(loaded.entry);

  const jit =
    (options.engine ?? 'jit') === 'jit'
      ? new JitEngine(cpu, {
          ...(options.hotThreshold !== undefined ? { hotThreshold: options.hotThreshold } : {}),
          ...(options.compiler !== 'inline' ? { compiler: new WorkerCompiler() } : {}),
        })
      : undefined;
  const started = process.hrtime.bigint();
  const limit = options.maxInstructions ?? Infinity;
  let traceLeft = Math.max(0, options.trace ?? 0);
  while (kernel.exit === undefined) {
    const remaining = limit - cpu.instructions;
    if (remaining <= 0) {
      kernel.diagnostic(`instruction limit of ${limit} reached at pc 0x${(cpu.pc >>> 0).toString(16).padStart(8, '0')}`);
      break;
    }
    if (traceLeft > 0) {
      traceInstruction(kernel, cpu);
      traceLeft--;
      if (cpu.run(1) === Status.Stop && kernel.exit === undefined) break;
      continue;
    }
    // While binaryen loads, run short slices so the event loop gets to finish the import.
    const slice = Math.min(jit?.waitingForCompiler ? WAITING_SLICE : RUN_SLICE, remaining);
    const status = jit ? jit.run(slice) : cpu.run(slice);
    if (status === Status.Stop && kernel.exit === undefined) break;
    // Hot code is waiting for binaryen to load: let the event loop finish that import.
    if (jit?.waitingForCompiler) await new Promise((resolve) => setImmediate(resolve));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  jit?.close();
  fds.closeAll();
  const exit = kernel.exit ?? { exitStatus: INSTRUCTION_LIMIT_STATUS };
  const result: RunResult = { exitStatus: exit.exitStatus, instructions: cpu.instructions, seconds };
  if (exit.signal !== undefined) result.signal = exit.signal;
  if (jit) result.jit = { ...jit.stats };
  return result;
}

function traceInstruction(kernel: LinuxKernel, cpu: Cpu): void {
  const pc = cpu.pc >>> 0;
  const readable = cpu.mem.accessible(pc, 4, Perm.Read) && (pc & 3) === 0;
  const word = readable ? cpu.mem.i32[pc >>> 2]! >>> 0 : 0;
  const text = readable ? disassemble(word, pc) : '(not mapped)';
  kernel.diagnostic(`trace ${pc.toString(16).padStart(8, '0')}: ${word.toString(16).padStart(8, '0')}  ${text}`);
}
