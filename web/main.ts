// The demo page: an xterm.js terminal shows what the guest prints; the emulator runs in a Worker
// (web/worker.ts) so the page stays responsive. Two modes: a user-mode Linux program (bundled or
// dropped onto the page) or a Linux kernel booted on the Malta board, whose console is the
// terminal (keys typed there go to the guest). The engine switch picks interpreter or JIT; the
// counters (guest MIPS, blocks compiled, share of instructions in compiled code) update live and
// a plot keeps MIPS over time of the last run of each engine. `window.mipsjitDemo` lets the
// browser tests read the terminal's text and the state back.

import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { cpioNewc } from '../src/board/initramfs.js';
import type { BootRequest, Counters, Engine, RunRequest, WorkerReply } from './protocol.js';

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`demo page: no #${id}`);
  return found as T;
};

const terminal = new Terminal({ convertEol: true, cols: 88, rows: 24, scrollback: 5000, fontSize: 13 });
terminal.open(element('terminal'));

type State = 'loading' | 'idle' | 'running' | 'exited' | 'failed';
let state: State = 'loading';
let worker: Worker;
/** The program each bundled choice runs (fetched once), and one the user dropped. */
const programs = new Map<string, Uint8Array>();
let dropped: { name: string; bytes: Uint8Array } | undefined;

interface Sample {
  seconds: number;
  mips: number;
}
/** MIPS over time of the last run of each engine. */
const series: Record<Engine, Sample[]> = { interp: [], jit: [] };
const COLORS: Record<Engine, string> = { interp: '#3468c0', jit: '#e0782a' };
let current: { engine: Engine; last: Counters; resolve: () => void } | undefined;
/** How the last run ended (for the browser bench). */
let lastExit: { engine: Engine; counters: Counters; exitStatus: number } | undefined;

function setState(next: State): void {
  state = next;
  element('state').textContent = next;
  element<HTMLButtonElement>('run').disabled = next === 'running' || next === 'loading';
  element<HTMLButtonElement>('compare').disabled = next === 'running' || next === 'loading';
  element<HTMLButtonElement>('stop').disabled = next !== 'running';
}

function showCounters(counters: Counters, mips: number): void {
  element('mips').textContent = mips.toFixed(1);
  element('instructions').textContent = counters.instructions.toLocaleString('en');
  element('blocks').textContent = String(counters.blocksCompiled);
  const share = counters.instructions > 0 ? (100 * counters.compiledInstructions) / counters.instructions : 0;
  element('share').textContent = `${share.toFixed(1)}%`;
}

function drawPlot(): void {
  const canvas = element<HTMLCanvasElement>('plot');
  const context = canvas.getContext('2d')!;
  const { width, height } = canvas;
  const left = 48;
  const bottom = height - 30;
  const top = 28;
  const right = width - 12;
  context.clearRect(0, 0, width, height);
  const all = [...series.interp, ...series.jit];
  const maxSeconds = Math.max(1, ...all.map((sample) => sample.seconds));
  const maxMips = Math.max(10, ...all.map((sample) => sample.mips)) * 1.1;
  const x = (seconds: number): number => left + ((right - left) * seconds) / maxSeconds;
  const y = (mips: number): number => bottom - ((bottom - top) * mips) / maxMips;
  context.strokeStyle = '#999';
  context.fillStyle = '#444';
  context.font = '11px sans-serif';
  context.beginPath();
  context.moveTo(left, top);
  context.lineTo(left, bottom);
  context.lineTo(right, bottom);
  context.stroke();
  for (let tick = 0; tick <= 4; tick++) {
    const mips = (maxMips * tick) / 4;
    context.fillText(mips.toFixed(0), 4, y(mips) + 4);
    const seconds = (maxSeconds * tick) / 4;
    context.fillText(`${seconds.toFixed(1)} s`, x(seconds) - 10, bottom + 16);
  }
  context.fillText('guest MIPS over time', left, 14);
  (['interp', 'jit'] as const).forEach((engine, index) => {
    context.fillStyle = COLORS[engine];
    context.fillRect(right - 150 + index * 80, 6, 10, 10);
    context.fillText(engine === 'jit' ? 'JIT' : 'interpreter', right - 136 + index * 80, 15);
    const samples = series[engine];
    if (samples.length === 0) return;
    context.strokeStyle = COLORS[engine];
    context.lineWidth = 2;
    context.beginPath();
    samples.forEach((sample, sampleIndex) => (sampleIndex === 0 ? context.moveTo(x(sample.seconds), y(sample.mips)) : context.lineTo(x(sample.seconds), y(sample.mips))));
    context.stroke();
    context.lineWidth = 1;
  });
}

function startWorker(): void {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<WorkerReply>) => receive(event.data);
  worker.onerror = (event) => {
    terminal.write(`\r\n[worker error: ${event.message}]\r\n`);
    setState('failed');
    current?.resolve();
  };
}

function sample(counters: Counters, final: boolean): void {
  if (!current) return;
  const last = current.last;
  const seconds = counters.seconds - last.seconds;
  if (seconds <= 0 && !final) return;
  const mips = final ? (counters.seconds > 0 ? counters.instructions / counters.seconds / 1e6 : 0) : (counters.instructions - last.instructions) / seconds / 1e6;
  if (!final) series[current.engine].push({ seconds: counters.seconds, mips });
  current.last = counters;
  showCounters(counters, mips);
  drawPlot();
}

function receive(reply: WorkerReply): void {
  switch (reply.type) {
    case 'ready':
      if (state === 'loading') setState('idle');
      break;
    case 'output':
      terminal.write(reply.bytes);
      break;
    case 'progress':
      sample(reply.counters, false);
      break;
    case 'exit': {
      sample(reply.counters, true);
      if (current) lastExit = { engine: current.engine, counters: reply.counters, exitStatus: reply.exitStatus };
      element('exit').textContent = reply.signal !== undefined ? `${reply.exitStatus} (signal ${reply.signal})` : String(reply.exitStatus);
      // xterm parses writes later: the state changes once the terminal holds the line (a reader
      // of the terminal, such as test/web/demo.test.ts, then sees all of the run's output).
      const finished = current;
      terminal.write(`\r\n[${reply.reason !== undefined ? `${reply.reason}, ` : ''}exit status ${reply.exitStatus}: ${reply.counters.instructions.toLocaleString('en')} instructions in ${reply.counters.seconds.toFixed(2)} s]\r\n`, () => {
        setState('exited');
        finished?.resolve();
      });
      break;
    }
    case 'error': {
      element('exit').textContent = 'error';
      const finished = current;
      terminal.write(`\r\n[${reply.message}]\r\n`, () => {
        setState('failed');
        finished?.resolve();
      });
      break;
    }
  }
}

async function programBytes(): Promise<{ name: string; bytes: Uint8Array }> {
  if (dropped) return dropped;
  const choice = element<HTMLSelectElement>('program').value;
  let bytes = programs.get(choice);
  if (!bytes) {
    const response = await fetch(`dist/programs/${choice}`);
    if (!response.ok) throw new Error(`cannot fetch the bundled program ${choice}: ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
    programs.set(choice, bytes);
  }
  return { name: choice, bytes };
}

const NO_COUNTERS: Counters = { instructions: 0, seconds: 0, blocksCompiled: 0, compiledInstructions: 0 };
const mode = (): 'user' | 'linux' => (element<HTMLSelectElement>('mode').value === 'linux' ? 'linux' : 'user');

/** The /init of the demo's initramfs: busybox's applets, /dev, /proc and /sys, then a shell on the console (a controlling tty: job control, Ctrl-C). */
const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin HOME=/root
mkdir -p /proc /sys /tmp /root
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo
echo "Linux on mipsjit's Malta board: type commands ('poweroff -f' ends it)."
cd /root
exec setsid cttyhack sh
`;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch ${url} (${response.status}): pick a kernel and an initramfs, or let npm run demo fetch Debian's`);
  return new Uint8Array(await response.arrayBuffer());
}

const picked = async (id: string): Promise<Uint8Array | undefined> => {
  const file = element<HTMLInputElement>(id).files?.[0];
  return file ? new Uint8Array(await file.arrayBuffer()) : undefined;
};

/** Boots the kernel (picked, or the one npm run demo fetched) under `engine`; resolves when the machine stops. */
async function boot(engine: Engine): Promise<void> {
  let kernel: Uint8Array;
  let initrd: Uint8Array | undefined;
  try {
    kernel = (await picked('kernel')) ?? (await fetchBytes('dist/linux/vmlinuz'));
    initrd = await picked('initrd');
    if (initrd === undefined && element<HTMLInputElement>('kernel').files?.[0] === undefined) {
      const busybox = await fetchBytes('dist/linux/busybox');
      initrd = cpioNewc([
        { kind: 'dir', path: 'bin' },
        { kind: 'dir', path: 'dev' },
        { kind: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
        { kind: 'file', path: 'init', data: INIT, mode: 0o755 },
      ]);
    }
  } catch (error) {
    terminal.write(`[${error instanceof Error ? error.message : String(error)}]\r\n`);
    return;
  }
  series[engine] = [];
  element('engine-used').textContent = engine;
  element('exit').textContent = '-';
  showCounters(NO_COUNTERS, 0);
  terminal.write(`\x1b[1m$ boot ${element<HTMLInputElement>('append').value}    (${engine === 'jit' ? 'JIT' : 'interpreter'})\x1b[0m\r\n`);
  setState('running');
  terminal.focus();
  const finished = new Promise<void>((resolve) => (current = { engine, last: NO_COUNTERS, resolve }));
  const request: BootRequest = { type: 'boot', kernel, initrd, append: element<HTMLInputElement>('append').value, engine };
  worker.postMessage(request, [kernel.buffer, ...(initrd ? [initrd.buffer] : [])]);
  await finished;
}

// Keys typed at the terminal go to a booted guest's console, or to a program's stdin when the
// stdin box is empty (the worker's LineEditor echoes them and hands the program whole lines).
const encoder = new TextEncoder();
terminal.onData((data) => {
  if (state === 'running' && current !== undefined) worker.postMessage({ type: 'input', bytes: encoder.encode(data) });
});

const start = (engine: Engine): Promise<void> => (mode() === 'linux' ? boot(engine) : run(engine));

const selectedEngine = (): Engine => (document.querySelector<HTMLInputElement>('input[name=engine]:checked')?.value === 'interp' ? 'interp' : 'jit');

/** Runs the chosen program under `engine`; resolves when it has ended. */
async function run(engine: Engine): Promise<void> {
  const program = await programBytes();
  const args = element<HTMLInputElement>('args').value.split(/\s+/).filter((arg) => arg !== '');
  series[engine] = [];
  element('engine-used').textContent = engine;
  element('exit').textContent = '-';
  showCounters(NO_COUNTERS, 0);
  terminal.write(`\x1b[1m$ ${[program.name, ...args].join(' ')}    (${engine === 'jit' ? 'JIT' : 'interpreter'})\x1b[0m\r\n`);
  setState('running');
  const finished = new Promise<void>((resolve) => (current = { engine, last: NO_COUNTERS, resolve }));
  const stdin = element<HTMLTextAreaElement>('stdin').value;
  const request: RunRequest = { type: 'run', program: program.bytes.slice(), name: program.name, args, stdin: stdin === '' ? undefined : stdin, engine };
  worker.postMessage(request, [request.program.buffer]);
  await finished;
}

element('run').addEventListener('click', () => void start(selectedEngine()));
element('compare').addEventListener('click', async () => {
  await start('interp');
  if (state === 'exited') await start('jit');
});
element<HTMLSelectElement>('mode').addEventListener('change', () => {
  document.body.className = `mode-${mode()}`;
});
element('stop').addEventListener('click', () => {
  worker.terminate();
  terminal.write('\r\n[stopped]\r\n');
  current?.resolve();
  startWorker();
  setState('loading');
});
element<HTMLSelectElement>('program').addEventListener('change', (event) => {
  dropped = undefined;
  element<HTMLInputElement>('args').value = (event.target as HTMLSelectElement).value === 'cpubench' ? '1' : '';
});

// A program dropped anywhere on the page becomes the one that runs.
document.body.addEventListener('dragover', (event) => {
  event.preventDefault();
  document.body.classList.add('dragging');
});
document.body.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
document.body.addEventListener('drop', async (event) => {
  event.preventDefault();
  document.body.classList.remove('dragging');
  const file = event.dataTransfer?.files[0];
  if (!file) return;
  dropped = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  element<HTMLInputElement>('args').value = '';
  terminal.write(`[${file.name}: ${file.size.toLocaleString('en')} bytes, press Run]\r\n`);
});

/** For the browser tests: the terminal's text, the page's state and a way to drop a program. */
(window as unknown as { mipsjitDemo: unknown }).mipsjitDemo = {
  terminalText(): string {
    const buffer = terminal.buffer.active;
    const lines: string[] = [];
    for (let row = 0; row < buffer.length; row++) lines.push((buffer.getLine(row)?.translateToString(true) ?? '').trimEnd());
    return lines.join('\n').trimEnd();
  },
  state: (): State => state,
  lastExit: () => lastExit,
  series: (): Record<Engine, Sample[]> => series,
  useProgram(name: string, bytes: Uint8Array): void {
    dropped = { name, bytes };
  },
};

terminal.write('mipsjit demo: pick a program and an engine, then Run.\r\n');
startWorker();
drawPlot();
