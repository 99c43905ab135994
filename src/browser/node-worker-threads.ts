// The browser's stand-in for node:worker_threads (aliased by scripts/build.mjs): the Node worker
// compiler is never used in a page (there the whole emulator runs in a Web Worker and compiles on
// that thread), so creating one explains what to do instead.

export class Worker {
  constructor() {
    throw new Error("mipsjit: the worker-thread compiler is Node-only; in a browser run the emulator in a Web Worker (compiler: 'inline')");
  }
}
export const MessageChannel = globalThis.MessageChannel;
export function receiveMessageOnPort(): undefined {
  return undefined;
}
export const parentPort = null;
export const workerData = undefined;
export type MessagePort = globalThis.MessagePort;

export default { Worker, MessageChannel, receiveMessageOnPort, parentPort, workerData };
