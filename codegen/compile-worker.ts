// The body of the compiler worker thread (Node): answers each RegionRequest arriving on its port
// with a CompiledRegion (a WebAssembly.Module crosses threads as is, sharing its machine code).

import { workerData, type MessagePort } from 'node:worker_threads';
import { compileRegion, failedRegion, WORKER_READY, type RegionRequest } from './compiler.js';

/** Stand-ins for a region's imports: a memory of the size last asked for, a global, a function that does nothing. */
let stubMemory: { readonly pages: number; readonly maximumPages: number; readonly shared: boolean; readonly memory: WebAssembly.Memory } | undefined;
const stubGlobal = new WebAssembly.Global({ value: 'i32', mutable: true }, 0);
const stubFunction = (): number => 0;

/**
 * Makes V8 compile the module's code here rather than on the thread that runs it. V8 compiles a
 * Wasm function lazily, at its first call, on the calling thread: ~20 ms of the main thread for a
 * 75 KB region, ~0.17 s per Malta boot. Machine code lives in the module, which the main thread
 * shares, so one call here on a stand-in instance is enough. With a budget of 0 the call leaves
 * before its first block and writes only the stand-in memory. System mode only: in user mode
 * (cpubench 4, callbench 3, interleaved) it measured 0-4% slower, the region arriving later.
 */
function compileCodeNow(module: WebAssembly.Module, request: RegionRequest): void {
  const imports: Record<string, WebAssembly.ImportValue> = {};
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.kind === 'memory') {
      // A VM's memory only grows: a stand-in of another size is not asked for again.
      const { memoryPages, maximumPages } = request.layout;
      const shared = request.layout.sharedMemory === true;
      if (stubMemory?.pages !== memoryPages || stubMemory.maximumPages !== maximumPages || stubMemory.shared !== shared) {
        stubMemory = { pages: memoryPages, maximumPages, shared, memory: new WebAssembly.Memory({ initial: memoryPages, maximum: maximumPages, shared }) };
      }
      imports[entry.name] = stubMemory.memory;
    } else {
      imports[entry.name] = entry.kind === 'global' ? stubGlobal : stubFunction;
    }
  }
  const instance = new WebAssembly.Instance(module, { env: imports });
  (instance.exports.run as (pc: number, budget: number) => number)(0, 0);
}

const port = (workerData as { port: MessagePort }).port;
port.on('message', (request: RegionRequest) => {
  try {
    const region = compileRegion(request);
    try {
      if (region.module !== undefined && request.layout.access.kind === 'soft-tlb') compileCodeNow(region.module, request);
    } catch {
      // Only a head start: the code still compiles at its first call where it runs.
    }
    port.postMessage(region);
  } catch (error) {
    port.postMessage({ ...failedRegion(request), error: String(error) });
  }
});
// Requests posted before this line waited in the port; the engine compiles on its own thread until it sees this.
port.postMessage(WORKER_READY);
