// The messages between the demo page (web/main.ts) and its emulator Worker (web/worker.ts).

export type Engine = 'interp' | 'jit';

/** Page to worker: run a user-mode program to its end. */
export interface RunRequest {
  type: 'run';
  program: Uint8Array;
  name: string;
  args: string[];
  /** The guest's whole stdin; undefined: it reads what is typed at the terminal (LineEditor). */
  stdin: string | undefined;
  engine: Engine;
}

/** Page to worker: boot a Linux kernel on the Malta board; its console is the terminal. */
export interface BootRequest {
  type: 'boot';
  kernel: Uint8Array;
  initrd: Uint8Array | undefined;
  append: string;
  engine: Engine;
}

/** Page to worker: keys typed at the terminal, for the booted guest's console or a program's stdin. */
export interface InputRequest {
  type: 'input';
  bytes: Uint8Array;
}

export type WorkerRequest = RunRequest | BootRequest | InputRequest;

/** Counters while the guest runs (every PROGRESS_MS) and once at its end. */
export interface Counters {
  instructions: number;
  seconds: number;
  blocksCompiled: number;
  compiledInstructions: number;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'output'; bytes: Uint8Array }
  | { type: 'progress'; counters: Counters }
  | { type: 'exit'; counters: Counters; exitStatus: number; signal?: number; reason?: string }
  | { type: 'error'; message: string };

export const PROGRESS_MS = 200;
