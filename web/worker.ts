// The demo's emulator Worker: runs one user-mode program at a time with runLinuxProgram (the
// browser build: in-memory files, the JIT compiling on this thread), streaming the guest's output
// and live counters to the page. Bundled by web/build.mjs with the browser stand-ins.

import { runLinuxProgram, LoadError } from '../src/index.js';
import { loadWasmBuilder } from '../codegen/wasm.js';
import { PROGRESS_MS, type RunRequest, type WorkerReply } from './protocol.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<RunRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
};

scope.onmessage = async (event) => {
  const request = event.data;
  if (request.type !== 'run') return;
  try {
    const result = await runLinuxProgram({
      program: request.program,
      name: request.name,
      args: request.args,
      stdin: request.stdin,
      env: { HOME: '/', PATH: '/bin', TERM: 'xterm' },
      engine: request.engine,
      stdout: (bytes) => scope.postMessage({ type: 'output', bytes }),
      stderr: (bytes) => scope.postMessage({ type: 'output', bytes }),
      progress: { intervalMs: PROGRESS_MS, report: (counters) => scope.postMessage({ type: 'progress', counters }) },
    });
    const counters = { instructions: result.instructions, seconds: result.seconds, ...(result.jit ? { jit: result.jit } : {}) };
    scope.postMessage({ type: 'exit', counters, exitStatus: result.exitStatus, ...(result.signal !== undefined ? { signal: result.signal } : {}) });
  } catch (error) {
    const message = error instanceof LoadError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    scope.postMessage({ type: 'error', message });
  }
};

// Binaryen (the JIT's compiler) loads now, so that the first JIT run is not also paying for it.
void loadWasmBuilder();
scope.postMessage({ type: 'ready' });
