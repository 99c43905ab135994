// The demo's emulator Worker: runs one guest at a time, a user-mode program with runLinuxProgram
// (the browser build: in-memory files, the JIT compiling on this thread) or a Linux kernel on the
// Malta board (its console fed by the terminal's keys), streaming output and live counters to the
// page. Bundled by web/build.mjs with the browser stand-ins.

import { GuestInput, runLinuxProgram, LoadError, type RunProgress } from '../src/index.js';
import { MaltaBoard, BootConfigError } from '../src/board/malta/board.js';
import { LineEditor } from './line-editor.js';
import { PROGRESS_MS, type BootRequest, type Counters, type RunRequest, type WorkerReply, type WorkerRequest } from './protocol.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
};

const fromRun = (progress: RunProgress): Counters => ({
  instructions: progress.instructions,
  seconds: progress.seconds,
  blocksCompiled: progress.jit?.blocksCompiled ?? 0,
  compiledInstructions: progress.jit?.compiledInstructions ?? 0,
});

/** While a program reads the terminal: its input, through the line editor. */
let typing: LineEditor | undefined;

async function run(request: RunRequest): Promise<void> {
  let stdin: string | GuestInput | undefined = request.stdin;
  if (stdin === undefined) {
    const input = new GuestInput();
    const echo = (text: string) => scope.postMessage({ type: 'output', bytes: new TextEncoder().encode(text) });
    typing = new LineEditor(echo, (text) => input.write(text), () => input.end());
    stdin = input;
  }
  try {
    await runWith(request, stdin);
  } finally {
    typing = undefined;
  }
}

async function runWith(request: RunRequest, stdin: string | GuestInput): Promise<void> {
  const result = await runLinuxProgram({
    program: request.program,
    name: request.name,
    args: request.args,
    stdin,
    env: { HOME: '/', PATH: '/bin', TERM: 'xterm' },
    engine: request.engine,
    stdout: (bytes) => scope.postMessage({ type: 'output', bytes }),
    stderr: (bytes) => scope.postMessage({ type: 'output', bytes }),
    progress: { intervalMs: PROGRESS_MS, report: (progress) => scope.postMessage({ type: 'progress', counters: fromRun(progress) }) },
  });
  scope.postMessage({ type: 'exit', counters: fromRun(result), exitStatus: result.exitStatus, ...(result.signal !== undefined ? { signal: result.signal } : {}) });
}

let board: MaltaBoard | undefined;

async function boot(request: BootRequest): Promise<void> {
  board = await MaltaBoard.create({
    kernel: request.kernel,
    ...(request.initrd !== undefined ? { initrd: request.initrd } : {}),
    append: request.append,
    engine: request.engine,
    kernelName: 'vmlinuz',
    consoleOutput: (bytes) => scope.postMessage({ type: 'output', bytes }),
  });
  const counters = (): Counters => {
    const stats = board!.stats;
    return { instructions: stats.instructions, seconds: stats.wallMs / 1000, blocksCompiled: stats.blocksCompiled, compiledInstructions: stats.compiledInstructions };
  };
  const reporter = setInterval(() => scope.postMessage({ type: 'progress', counters: counters() }), PROGRESS_MS);
  try {
    const stop = await board.run();
    scope.postMessage({ type: 'exit', counters: counters(), exitStatus: stop.reason === 'stalled' ? 1 : 0, reason: stop.reason === 'stalled' ? `stalled: ${stop.message}` : stop.reason });
  } finally {
    clearInterval(reporter);
    board = undefined;
  }
}

scope.onmessage = async (event) => {
  const request = event.data;
  if (request.type === 'input') {
    if (board !== undefined) board.input(request.bytes);
    else typing?.feed(new TextDecoder().decode(request.bytes));
    return;
  }
  try {
    if (request.type === 'run') await run(request);
    else await boot(request);
  } catch (error) {
    const message = error instanceof LoadError || error instanceof BootConfigError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    scope.postMessage({ type: 'error', message });
  }
};

scope.postMessage({ type: 'ready' });
