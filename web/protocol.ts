// The messages between the demo page (web/main.ts) and its emulator Worker (web/worker.ts).

import type { JitStats } from '../src/index.js';

export type Engine = 'interp' | 'jit';

/** Page to worker: run a program to its end. */
export interface RunRequest {
  type: 'run';
  program: Uint8Array;
  name: string;
  args: string[];
  stdin: string;
  engine: Engine;
}

/** Counters while the guest runs (every PROGRESS_MS) and once at its end. */
export interface Counters {
  instructions: number;
  seconds: number;
  jit?: JitStats;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'output'; bytes: Uint8Array }
  | { type: 'progress'; counters: Counters }
  | { type: 'exit'; counters: Counters; exitStatus: number; signal?: number }
  | { type: 'error'; message: string };

export const PROGRESS_MS = 200;
