// runLinuxProgram: the library's way to run a user-mode mipsel Linux program from its bytes, with
// stdin given as bytes (or fed live through a GuestInput) and stdout/stderr handed to callbacks
// (or collected), in Node and in a browser Worker alike. The guest's stdio are in-process pipes the embedder feeds and drains. The
// guest's files: an in-memory file system (src/fs/memory-fs.ts) holding the program at /bin/NAME
// and the files the embedder gives (always in browsers; in Node when `files` or `fileSystem` is
// given), else the host's (Node), the program staged in a temporary host directory.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { MemoryFileSystem } from './fs/memory-fs.js';
import type { FileSystem } from './fs/file-system.js';
import { FdTable, PipeBuffer, PipeEnd } from './linux/files.js';
import { LoadError, runProgram, type RunOptions, type RunProgress, type RunResult } from './linux/process.js';

export { LoadError, type RunProgress } from './linux/process.js';
export { MemoryFileSystem, type MemoryFileSystemOptions } from './fs/memory-fs.js';
export type { JitStats } from '../codegen/engine.js';

export interface LinuxProgramOptions {
  /** The program: a statically linked mipsel ELF executable's bytes. */
  program: Uint8Array;
  /** Arguments after argv[0]. */
  args?: readonly string[];
  /** argv[0] (default 'program'). */
  name?: string;
  /**
   * Files the guest may use (absolute path: contents), in an in-memory file system: the guest
   * then reaches these, the program, /tmp and nothing of the host's.
   */
  files?: Readonly<Record<string, Uint8Array | string>>;
  /** An in-memory file system to run on (and to read the guest's writes back from afterwards). */
  fileSystem?: MemoryFileSystem;
  /** The guest's environment (default: empty). */
  env?: Readonly<Record<string, string>>;
  /**
   * Everything the guest reads from stdin, after which it sees end-of-file (default: nothing); or
   * a GuestInput the embedder feeds while the program runs (a terminal's keys).
   */
  stdin?: Uint8Array | string | GuestInput;
  /** Receives stdout as the guest writes it (default: collected into the result). */
  stdout?: (bytes: Uint8Array) => void;
  /** Receives stderr, and the emulator's own diagnostics in the browser (default: collected). */
  stderr?: (bytes: Uint8Array) => void;
  /** 'jit' (default): interpret, compile hot code to WebAssembly; 'interp': interpret only. */
  engine?: 'interp' | 'jit';
  /** Stop after this many guest instructions (exit status 124). */
  maxInstructions?: number;
  /** Where the JIT compiles: 'inline' (default: this thread, which in a browser should be a Web Worker) or 'worker' (Node only: a worker thread). */
  compiler?: 'worker' | 'inline';
  /** Live counters while the guest runs. */
  progress?: { intervalMs: number; report: (snapshot: RunProgress) => void };
}

/**
 * A guest's stdin that the embedder feeds while the program runs: `write` gives the guest bytes
 * (its reads wait for them), `end` gives it end-of-file once they are read. Writes before the run
 * starts are kept for it; one GuestInput serves one run.
 */
export class GuestInput {
  private pipe: PipeBuffer | undefined;
  private readonly early: Uint8Array[] = [];
  private ended = false;

  /** Gives the guest `data` (a string is sent as UTF-8); ignored after end(). */
  write(data: Uint8Array | string): void {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw new TypeError('GuestInput.write: data must be a string or a Uint8Array');
    if (this.ended || data.length === 0) return;
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : Uint8Array.from(data);
    if (this.pipe !== undefined) this.pipe.chunks.push(bytes);
    else this.early.push(bytes);
  }

  /** No more input: the guest reads end-of-file after what it was given. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.pipe !== undefined) this.pipe.writers--;
  }

  /** Becomes the write end of a run's stdin pipe (runLinuxProgram calls it). */
  connect(pipe: PipeBuffer): void {
    if (this.pipe !== undefined) throw new Error('runLinuxProgram: a GuestInput serves one run');
    this.pipe = pipe;
    pipe.fedByHost = true;
    pipe.chunks.push(...this.early.splice(0));
    if (!this.ended) pipe.writers++;
  }
}

export interface LinuxProgramResult extends RunResult {
  /** What the guest wrote to stdout / stderr, when no callback was given (else empty). */
  stdout: Uint8Array;
  stderr: Uint8Array;
}

/** Chunks written into an OutputPipe go straight to the embedder; the pipe never fills. */
class ForwardingChunks extends Array<Uint8Array> {
  constructor(private readonly sink: (bytes: Uint8Array) => void) {
    super();
  }
  override push(...chunks: Uint8Array[]): number {
    for (const chunk of chunks) this.sink(chunk);
    return 0;
  }
}

/** A pipe whose reader is the embedder: always room, always read. */
class OutputPipe extends PipeBuffer {
  constructor(sink: (bytes: Uint8Array) => void) {
    super();
    this.readers = 1;
    this.chunks = new ForwardingChunks(sink);
  }
  override get available(): number {
    return 0;
  }
}

function collector(): { sink: (bytes: Uint8Array) => void; bytes: () => Uint8Array } {
  const chunks: Uint8Array[] = [];
  return {
    sink: (bytes) => chunks.push(bytes),
    bytes: () => {
      const all = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
      let offset = 0;
      for (const chunk of chunks) {
        all.set(chunk, offset);
        offset += chunk.length;
      }
      return all;
    },
  };
}

const isBrowser = (): boolean => typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined' || typeof (globalThis as { document?: unknown }).document !== 'undefined';

function check(options: LinuxProgramOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('runLinuxProgram: options must be an object');
  if (!(options.program instanceof Uint8Array)) throw new TypeError('runLinuxProgram: program must be a Uint8Array (the ELF file)');
  if (options.args !== undefined && !(Array.isArray(options.args) && options.args.every((arg) => typeof arg === 'string'))) throw new TypeError('runLinuxProgram: args must be an array of strings');
  if (options.name !== undefined && typeof options.name !== 'string') throw new TypeError('runLinuxProgram: name must be a string');
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null || !Object.values(options.env).every((value) => typeof value === 'string'))) {
    throw new TypeError('runLinuxProgram: env must be an object of strings');
  }
  if (options.files !== undefined && (typeof options.files !== 'object' || options.files === null)) throw new TypeError('runLinuxProgram: files must be an object of path: contents');
  if (options.fileSystem !== undefined && !(options.fileSystem instanceof MemoryFileSystem)) throw new TypeError('runLinuxProgram: fileSystem must be a MemoryFileSystem');
  if (options.stdin !== undefined && typeof options.stdin !== 'string' && !(options.stdin instanceof Uint8Array) && !(options.stdin instanceof GuestInput)) {
    throw new TypeError('runLinuxProgram: stdin must be a string, a Uint8Array or a GuestInput');
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    if (options[stream] !== undefined && typeof options[stream] !== 'function') throw new TypeError(`runLinuxProgram: ${stream} must be a function`);
  }
  if (options.engine !== undefined && options.engine !== 'interp' && options.engine !== 'jit') throw new TypeError("runLinuxProgram: engine must be 'interp' or 'jit'");
  if (options.compiler !== undefined && options.compiler !== 'worker' && options.compiler !== 'inline') throw new TypeError("runLinuxProgram: compiler must be 'worker' or 'inline'");
  if (options.maxInstructions !== undefined && !(Number.isSafeInteger(options.maxInstructions) && options.maxInstructions >= 0)) {
    throw new RangeError('runLinuxProgram: maxInstructions must be a non-negative integer');
  }
  const progress = options.progress;
  if (progress !== undefined && (typeof progress !== 'object' || progress === null || typeof progress.report !== 'function' || !(progress.intervalMs > 0))) {
    throw new TypeError('runLinuxProgram: progress must be { intervalMs > 0, report: function }');
  }
}

/**
 * Runs a mipsel Linux program given as bytes to its end, under the chosen engine, and resolves to
 * how it ended. A program that cannot be loaded rejects with a LoadError.
 */
export async function runLinuxProgram(options: LinuxProgramOptions): Promise<LinuxProgramResult> {
  check(options);
  const out = collector();
  const err = collector();
  const stdoutSink = options.stdout ?? out.sink;
  const stderrSink = options.stderr ?? err.sink;
  const stdinPipe = new PipeBuffer();
  if (options.stdin instanceof GuestInput) {
    options.stdin.connect(stdinPipe);
  } else {
    const input = typeof options.stdin === 'string' ? new TextEncoder().encode(options.stdin) : options.stdin;
    if (input !== undefined && input.length > 0) stdinPipe.chunks.push(Uint8Array.from(input));
  }
  const fds = new FdTable();
  fds.install(0, new PipeEnd(stdinPipe, false, 0), false);
  fds.install(1, new PipeEnd(new OutputPipe(stdoutSink), true, 0), false);
  fds.install(2, new PipeEnd(new OutputPipe(stderrSink), true, 0), false);

  const name = options.name ?? 'program';
  const common: Omit<RunOptions, 'path'> = {
    argv: [name, ...(options.args ?? [])],
    env: { ...options.env },
    engine: options.engine ?? 'jit',
    compiler: options.compiler ?? 'inline',
    fds,
    ...(options.maxInstructions !== undefined ? { maxInstructions: options.maxInstructions } : {}),
    ...(options.progress !== undefined ? { progress: options.progress } : {}),
  };
  let programPath = '';
  try {
    if (options.fileSystem !== undefined || options.files !== undefined || isBrowser()) {
      // In memory: the program at /bin/NAME, the embedder's files, a /tmp; diagnostics to stderr.
      const memory = options.fileSystem ?? new MemoryFileSystem();
      for (const [file, contents] of Object.entries(options.files ?? {})) memory.writeFile(file, contents);
      programPath = `/bin/${basename(name) || 'program'}`;
      memory.writeFile(programPath, options.program, 0o755);
      memory.mkdir('/tmp', 0o1777);
      const diagnostics = memory.diagnostics;
      memory.diagnostics = (_fd, bytes) => stderrSink(bytes);
      try {
        const result = await runProgram({ ...common, path: programPath, cwd: '/', fileSystem: memory as unknown as FileSystem });
        return { ...result, stdout: out.bytes(), stderr: err.bytes() };
      } finally {
        memory.diagnostics = diagnostics;
      }
    }
    // On the host's files: the program staged in a temporary directory.
    mkdirSync(tmpdir(), { recursive: true });
    const directory = mkdtempSync(join(tmpdir(), 'mipsjit-'));
    programPath = join(directory, 'program');
    try {
      writeFileSync(programPath, options.program, { mode: 0o755 });
      const result = await runProgram({ ...common, path: programPath });
      return { ...result, stdout: out.bytes(), stderr: err.bytes() };
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  } catch (error) {
    if (error instanceof LoadError && programPath !== '') throw new LoadError(error.message.replace(programPath, name));
    throw error;
  }
}
