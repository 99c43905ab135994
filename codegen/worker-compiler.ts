// A RegionCompiler that builds regions on a worker thread (Node worker_threads), so every compile
// (~0.1 ms per block with codegen/wasm-encoder.ts) runs on another core while the main thread
// keeps interpreting. The Malta board's compiler (src/vm/vm.ts), where the worker also compiles the
// machine code; user mode compiles on its own thread unless asked (src/linux/process.ts says why).
// Results are collected without blocking with receiveMessageOnPort.

import type { MessagePort, Worker } from 'node:worker_threads';
import { workerThreads } from '../src/host/node-builtins.js';
import { compileRegion, WORKER_READY, type CompiledRegion, type RegionCompiler, type RegionRequest } from './compiler.js';

export interface WorkerCompilerOptions {
  /**
   * Compile on the calling thread until the worker says it is ready. A worker took 80-180 ms to
   * boot here beside a starting main thread; a program's first hot loop waited that long in the
   * interpreter (cpubench 1 transpose: its first region asked for at 257 ms, installed at 351 ms,
   * 2.9 M instructions interpreted meanwhile). Compiling it here stalls the guest ~10-15 ms (the
   * encoder is cold too), after which it runs compiled. User mode's `compiler: 'worker'` sets it;
   * the Malta board does not (its worker also compiles the machine code, codegen/compile-worker.ts).
   */
  readonly inlineUntilReady?: boolean;
}

export class WorkerCompiler implements RegionCompiler {
  private started: StartedWorker | undefined;
  /** Requests sent and not yet answered, oldest first (the worker answers in order). */
  private readonly inFlight: RegionRequest[] = [];
  /** The worker could not start or died: regions compile on this thread from then on. */
  private failed = false;
  /** Answers received and not yet handed out by poll(). */
  private readonly finished: CompiledRegion[] = [];
  private readonly inlineUntilReady: boolean;

  constructor(options: WorkerCompilerOptions = {}) {
    this.inlineUntilReady = options.inlineUntilReady ?? false;
  }

  get ready(): boolean {
    return true; // requests queue in the worker until it has started
  }

  /** Failures reported by the worker, kept for diagnostics: its errors and the regions it could not compile. */
  readonly failures: string[] = [];

  prepare(): void {
    if (this.started || this.failed) return;
    const started = startWorker(this.failures);
    this.started = started;
    // A worker that cannot start (its file missing from a broken install) or dies would leave
    // requests unanswered and the guest interpreted for good. Its unanswered requests compile
    // here, in order, and so does every later one.
    started.onFailure = () => {
      this.receive();
      this.failed = true;
      this.close();
      for (const request of this.inFlight.splice(0)) this.finished.push(compileRegion(request));
    };
  }

  submit(request: RegionRequest): CompiledRegion | undefined {
    this.prepare();
    const started = this.started;
    if (started === undefined) return compileRegion(request);
    if (this.inlineUntilReady && !started.ready) {
      this.receive();
      if (!started.ready) return compileRegion(request);
    }
    this.inFlight.push(request);
    started.port.postMessage(request);
    return undefined;
  }

  poll(): CompiledRegion[] {
    if (this.inFlight.length === 0 && this.finished.length === 0) return [];
    this.receive();
    return this.finished.splice(0, this.finished.length);
  }

  /** Takes what the worker has posted: its ready message, then answers. */
  private receive(): void {
    const started = this.started;
    if (started === undefined) return;
    const { receiveMessageOnPort } = workerThreads();
    for (let message = receiveMessageOnPort(started.port); message !== undefined; message = receiveMessageOnPort(started.port)) {
      if (message.message === WORKER_READY) {
        started.ready = true;
        continue;
      }
      this.inFlight.shift();
      const result = message.message as CompiledRegion & { error?: string };
      if (result.error !== undefined) this.failures.push(result.error);
      this.finished.push(result);
    }
  }

  close(): void {
    void this.started?.worker.terminate();
    this.started?.port.close();
    this.started = undefined;
  }
}

interface StartedWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** The worker has posted WORKER_READY on the port. */
  ready: boolean;
  onFailure?: () => void;
}

function startWorker(failures: string[]): StartedWorker {
  const { MessageChannel, Worker } = workerThreads();
  const channel = new MessageChannel();
  const options = { workerData: { port: channel.port2 }, transferList: [channel.port2] };
  let worker: Worker;
  if (import.meta.url.endsWith('.ts')) {
    // From the TypeScript sources (tests): register tsx in the worker, then load the .ts body.
    // binaryen is imported first, natively: through tsx's loader its 14 MB took ~25 s of CPU.
    const body = JSON.stringify(new URL('./compile-worker.ts', import.meta.url).href);
    worker = new Worker(`import('binaryen').then(() => import('tsx/esm/api')).then((api) => { api.register(); return import(${body}); })`, {
      ...options,
      eval: true,
    });
  } else {
    worker = new Worker(new URL('./compile-worker.cjs', import.meta.url), options);
  }
  const started: StartedWorker = { worker, port: channel.port1, ready: false };
  worker.on('error', (error: Error) => {
    failures.push(error.message);
    started.onFailure?.();
  });
  worker.unref();
  channel.port1.unref();
  return started;
}
