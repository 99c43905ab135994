// The body of the compiler worker thread (Node): loads binaryen, then answers each RegionRequest
// arriving on its port with a CompiledRegion (a WebAssembly.Module crosses threads as is).

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { compileRegion, failedRegion, type RegionRequest } from './compiler.js';
import { loadWasmBuilder } from './wasm.js';

const port = (workerData as { port: MessagePort }).port;
const loaded = loadWasmBuilder();
port.on('message', (request: RegionRequest) => {
  void loaded.then(() => {
    try {
      port.postMessage(compileRegion(request));
    } catch (error) {
      port.postMessage({ ...failedRegion(request), error: String(error) });
    }
  });
});
void loaded.then(() => parentPort?.postMessage('ready'));
