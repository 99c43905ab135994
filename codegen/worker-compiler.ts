// A RegionCompiler that builds regions on a worker thread (Node worker_threads), so every compile
// (~0.1 ms per block with codegen/wasm-encoder.ts) runs on another core while the main thread
// keeps interpreting.
// Results are collected without blocking with receiveMessageOnPort.

import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { CompiledRegion, RegionCompiler, RegionRequest } from './compiler.js';

export class WorkerCompiler implements RegionCompiler {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  /** Requests sent and not yet answered. */
  private inFlight = 0;
  /** Failures reported by the worker (kept for diagnostics). */
  readonly failures: string[] = [];

  get ready(): boolean {
    return true; // requests queue in the worker until it has started
  }

  prepare(): void {
    if (this.worker) return;
    const channel = new MessageChannel();
    const options = { workerData: { port: channel.port2 }, transferList: [channel.port2] };
    if (import.meta.url.endsWith('.ts')) {
      // From the TypeScript sources (tests): register tsx in the worker, then load the .ts body.
      // binaryen is imported first, natively: through tsx's loader its 14 MB took ~25 s of CPU.
      const body = JSON.stringify(new URL('./compile-worker.ts', import.meta.url).href);
      this.worker = new Worker(
        `import('binaryen').then(() => import('tsx/esm/api')).then((api) => { api.register(); return import(${body}); })`,
        { ...options, eval: true },
      );
    } else {
      this.worker = new Worker(new URL('./compile-worker.js', import.meta.url), options);
    }
    // A worker that cannot start or dies leaves requests unanswered: report it, compile nothing.
    this.worker.on('error', (error: Error) => {
      this.failures.push(error.message);
      this.inFlight = 0;
    });
    this.worker.unref();
    this.port = channel.port1;
    this.port.unref();
  }

  submit(request: RegionRequest): undefined {
    this.prepare();
    this.inFlight++;
    this.port!.postMessage(request);
    return undefined;
  }

  poll(): CompiledRegion[] {
    if (this.inFlight === 0 || !this.port) return [];
    const done: CompiledRegion[] = [];
    for (let message = receiveMessageOnPort(this.port); message !== undefined; message = receiveMessageOnPort(this.port)) {
      this.inFlight--;
      const result = message.message as CompiledRegion & { error?: string };
      if (result.error !== undefined) this.failures.push(result.error);
      done.push(result);
    }
    return done;
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.port?.close();
    this.port = undefined;
  }
}
