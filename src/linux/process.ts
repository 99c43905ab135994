// Linux user-mode emulation of a mipsel program, start to finish: build its address space (exec.ts),
// run it and every process and thread it starts (scheduler.ts) until it exits or dies, and report
// how it ended.

import { resolve } from 'node:path';
import type { JitStats } from '../../codegen/engine.js';
import { InlineCompiler } from '../../codegen/compiler.js';
import { SharedCompiler, type CompiledCodeCache, type StoredRegion } from '../../codegen/shared-compiler.js';
import { WorkerCompiler } from '../../codegen/worker-compiler.js';
import { claimFileSystem, type FileSystem } from '../fs/file-system.js';
import { ExecError, execProgram } from './exec.js';
import { FdTable } from './files.js';
import { MAX_PROCESSES, Scheduler } from './scheduler.js';
import { Signal } from './signals.js';
import { hostGid, hostUid } from './identity.js';

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
  /** Guest signal numbers the first process starts with ignored (the CLI's: those its caller left ignored). */
  ignoredSignals?: readonly number[];
  /** Host fds above 2 the guest gets under the same numbers (the CLI's: those its caller passed it). */
  inheritedFds?: readonly number[];
  /** A ready descriptor table for the first process (the embedder's streams); replaces stdin/stdout/stderr and inheritedFds. */
  fds?: FdTable;
  /** Called every `intervalMs` while the guest runs with the counts so far (live counters). */
  progress?: { intervalMs: number; report: (snapshot: RunProgress) => void };
  /** The file system the guest sees (default: the host's; see src/fs/). Paths, cwd included, are in it. */
  fileSystem?: FileSystem;
  /** The guest's initial working directory (default: process.cwd()). */
  cwd?: string;
  /** JIT: block entries before a page is compiled (tests lower it to compile everything). */
  hotThreshold?: number;
  /**
   * JIT: compile on the main thread (default) or on a worker thread. The main thread measured
   * faster on every workload here (2 cores; first runs, medians of five interleaved): cpubench 1
   * 0.72 -> 0.54 s wall, callbench 3 0.77 -> 0.64, cpubench 4 0.99 -> 0.88, busybox sha256sum
   * 0.45 -> 0.40, gzip 2.45 -> 2.28. A region compiles in ~0.1-0.3 ms per block, less than the
   * worker's start-up (~130 ms of CPU) costs the main thread and V8's Wasm tier-up threads.
   */
  compiler?: 'worker' | 'inline';
  /** The most guest processes alive at once (default MAX_PROCESSES); fork then fails with EAGAIN. */
  maxProcesses?: number;
  /** QEMU's -L (QEMU_LD_PREFIX): absolute guest paths are looked up here first. */
  sysroot?: string;
  /** JIT: keep compiled code here, to reuse it in later runs of the same program (default: this run only). */
  codeCache?: CompiledCodeCache;
  /**
   * JIT: a persistent store of compiled code (the CLI's src/code-cache-file.ts): its regions are
   * installed as their pages get warm, and the run's regions are saved to it at the end.
   */
  codeStore?: CodeStore;
}

/** Where compiled regions outlive the process (RunOptions.codeStore). */
export interface CodeStore {
  load(): StoredRegion[];
  save(regions: readonly StoredRegion[]): boolean;
}

/** Where Debian's libc6-mipsel-cross puts the loader and libraries; used for dynamic programs without -L. */
export const DEFAULT_SYSROOT = '/usr/mipsel-linux-gnu';

export interface RunResult {
  /** Exit status as a shell sees it: the guest's exit code, or 128 + the host signal number. */
  exitStatus: number;
  instructions: number;
  seconds: number;
  /** The (MIPS-numbered) signal that killed the guest, if any. */
  signal?: number;
  /** What the JIT did (engine 'jit' only; the first process's engine). */
  jit?: JitStats;
  /** Guest processes the run created, the first included. */
  processes: number;
}

/** What a run has done so far (RunOptions.progress). */
export interface RunProgress {
  instructions: number;
  seconds: number;
  jit?: JitStats;
}

/** Exit status when maxInstructions ran out before the guest exited (as timeout(1) uses). */
export const INSTRUCTION_LIMIT_STATUS = 124;

/** A program that cannot be started (unreadable file, bad ELF): one line for the user. */
export class LoadError extends Error {
  override name = 'LoadError';
}

/**
 * Runs a mipsel Linux program (and what it forks) to completion. Asynchronous so that the JIT's
 * compiler (binaryen) loads in the background and host signals reach the guest.
 */
export async function runProgram(options: RunOptions): Promise<RunResult> {
  const engineName = options.engine ?? 'jit';
  const shared = engineName === 'jit' ? new SharedCompiler(options.compiler === 'worker' ? new WorkerCompiler({ inlineUntilReady: true }) : new InlineCompiler(), options.codeCache) : undefined;
  const codeStore = shared ? options.codeStore : undefined;
  if (codeStore && shared) shared.codeCache.adopt(codeStore.load());
  const engine = {
    engine: engineName,
    ...(options.hotThreshold !== undefined ? { hotThreshold: options.hotThreshold } : {}),
  };
  const encoder = new TextEncoder();
  const sysroot = options.sysroot !== undefined && options.sysroot !== '' ? resolve(options.sysroot) : undefined;
  const releaseFileSystem = options.fileSystem ? claimFileSystem(options.fileSystem) : undefined;
  let image;
  try {
    image = execProgram({
      hostPath: options.path,
      argv: options.argv.map((argument) => encoder.encode(argument)),
      envp: Object.entries(options.env).map(([name, value]) => encoder.encode(`${name}=${value}`)),
      execfn: encoder.encode(options.argv[0] ?? options.path),
      engine: shared ? { ...engine, compilerFactory: () => shared.client() } : engine,
      sysroot,
      defaultSysroot: DEFAULT_SYSROOT,
      uid: hostUid(),
      gid: hostGid(),
      requireExecutePermission: false,
    });
  } catch (error) {
    shared?.close();
    releaseFileSystem?.();
    if (error instanceof ExecError) throw new LoadError(error.message);
    throw error;
  }
  const scheduler = new Scheduler({
    engine: image.mm.engineOptions,
    diagnosticsFd: options.stderr ?? 2,
    maxInstructions: options.maxInstructions ?? Infinity,
    trace: Math.max(0, options.trace ?? 0),
    sysroot,
    defaultSysroot: DEFAULT_SYSROOT,
    straceEnabled: process.env.MIPSJIT_STRACE === '1',
    maxProcesses: options.maxProcesses ?? MAX_PROCESSES,
  });
  const fds = options.fds ?? FdTable.withStdio(options.stdin ?? 0, options.stdout ?? 1, options.stderr ?? 2, options.inheritedFds);
  const cwd = Buffer.from(options.cwd ? resolve(options.cwd) : process.cwd());
  const task = scheduler.createProcess(scheduler.allocatePid(), undefined, fds, cwd, image.programPath, image.mm);
  task.process.sysroot = image.sysroot;
  task.process.commandLine = image.commandLine;
  task.process.command = image.command;
  // SIG_IGN, as execve leaves an ignored signal ignored (SIGKILL and SIGSTOP cannot be).
  for (const signal of options.ignoredSignals ?? []) if (signal !== Signal.SIGKILL && signal !== Signal.SIGSTOP) task.process.actions[signal]!.handler = 1;
  // Linux's start_thread(): every GPR zero except sp; the PC at the entry point.
  task.context.words[35] = image.mm.cpu.r[35]!;
  task.context.words[29] = image.sp | 0;
  task.context.pc = image.pc | 0;
  task.context.npc = (image.pc + 4) | 0;
  const firstJit = image.mm.jit;
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const progress = options.progress;
  const reporter = progress
    ? setInterval(() => progress.report({ instructions: scheduler.instructions, seconds: elapsed(), ...(firstJit ? { jit: { ...firstJit.stats } } : {}) }), progress.intervalMs)
    : undefined;
  let exit;
  try {
    exit = await scheduler.run();
    // Nothing new compiled (every hot page came from the store): the file stays as it is.
    if (codeStore && shared && shared.codeCache.compiledHere > 0) codeStore.save(shared.codeCache.storedRegions());
  } finally {
    clearInterval(reporter);
    shared?.close();
    releaseFileSystem?.();
  }
  const seconds = elapsed();
  const result: RunResult = { exitStatus: exit.exitStatus, instructions: scheduler.instructions, seconds, processes: scheduler.processesCreated };
  if (exit.signal !== undefined) result.signal = exit.signal;
  if (firstJit) result.jit = { ...firstJit.stats };
  return result;
}
