// The body of the compiler worker thread (Node): answers each RegionRequest arriving on its port
// with a CompiledRegion (a WebAssembly.Module crosses threads as is).

import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { compileRegion, failedRegion, type RegionRequest } from './compiler.js';

const port = (workerData as { port: MessagePort }).port;
port.on('message', (request: RegionRequest) => {
  try {
    port.postMessage(compileRegion(request));
  } catch (error) {
    port.postMessage({ ...failedRegion(request), error: String(error) });
  }
});
parentPort?.postMessage('ready');
