// Node globals the Linux layer uses, for the browser build (esbuild `inject`s these where the code
// names them): `Buffer` from the buffer package, a `process` with the few members the scheduler
// and syscalls read (pid, hrtime, cpuUsage, cwd, signal listeners that never fire),
// `setImmediate` on a MessageChannel (setTimeout(0) is clamped to 4 ms after a few nestings), and
// `SharedArrayBuffer`, which a page that is not cross-origin isolated lacks: there a plain
// ArrayBuffer stands in (the Linux layer only waits on it for host descriptors, which a page has none of).

import { Buffer as BufferPolyfill } from 'buffer';

export const Buffer = BufferPolyfill;

const started = performance.now();
export const process = {
  pid: 1000,
  env: {} as Record<string, string>,
  argv: [] as string[],
  platform: 'browser',
  stdout: { columns: undefined as number | undefined, rows: undefined as number | undefined },
  cwd: (): string => '/',
  getuid: (): number => 0,
  getgid: (): number => 0,
  hrtime: { bigint: (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)) },
  cpuUsage: (): { user: number; system: number } => ({ user: Math.round((performance.now() - started) * 1000), system: 0 }),
  on: (): void => {},
  off: (): void => {},
};

const pending: (() => void)[] = [];
let channel: MessageChannel | undefined;
export function setImmediate(callback: () => void): void {
  if (channel === undefined) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => pending.shift()?.();
  }
  pending.push(callback);
  channel.port2.postMessage(0);
}

export const SharedArrayBuffer: SharedArrayBufferConstructor =
  typeof globalThis.SharedArrayBuffer === 'function' ? globalThis.SharedArrayBuffer : (ArrayBuffer as unknown as SharedArrayBufferConstructor);
