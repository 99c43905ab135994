// Node built-ins that most runs never need, loaded on first use instead of at start-up. Each of
// node:worker_threads, node:v8, node:crypto and node:tty loads its own internal modules (streams,
// net, the crypto bindings: ~60 of them), ~1.5-2 ms apiece and ~5 ms together of every `mipsjit
// run` here (bench/RESULTS.md). A user-mode run needs none of them: the worker compiler and the
// tiering flag are the Malta board's, random bytes come from /dev/urandom, and a terminal check
// asks node:tty only about character devices other than /dev/null and its kin.
// In the browser build, src/browser/node-module.ts stands in for node:module and hands out the
// other stand-ins of src/browser/.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Made on first use: even its argument, this module's URL, costs the CLI's start-up (scripts/build.mjs). */
let requireFromHere: NodeJS.Require | undefined;
function requireBuiltin(name: string): unknown {
  requireFromHere ??= createRequire(import.meta.url);
  return requireFromHere(name);
}

let workerThreadsModule: typeof import('node:worker_threads') | undefined;
let v8Module: typeof import('node:v8') | undefined;
let cryptoModule: typeof import('node:crypto') | undefined;
let ttyModule: typeof import('node:tty') | undefined;

export function workerThreads(): typeof import('node:worker_threads') {
  return (workerThreadsModule ??= requireBuiltin('node:worker_threads') as typeof import('node:worker_threads'));
}

export function v8(): typeof import('node:v8') {
  return (v8Module ??= requireBuiltin('node:v8') as typeof import('node:v8'));
}

function crypto(): typeof import('node:crypto') {
  return (cryptoModule ??= requireBuiltin('node:crypto') as typeof import('node:crypto'));
}

function tty(): typeof import('node:tty') {
  return (ttyModule ??= requireBuiltin('node:tty') as typeof import('node:tty'));
}

/** The host has no /dev/urandom (or it failed once): node:crypto fills from then on. */
let noDeviceRandom = false;

/** Fills `bytes` with cryptographically strong random bytes (AT_RANDOM, getrandom). */
export function fillRandom(bytes: Uint8Array): void {
  if (!noDeviceRandom) {
    let fd: number | undefined;
    try {
      fd = openSync('/dev/urandom', 'r');
      let filled = 0;
      while (filled < bytes.length) {
        const read = readSync(fd, bytes, filled, bytes.length - filled, null);
        if (read <= 0) throw new Error('/dev/urandom: short read');
        filled += read;
      }
      return;
    } catch {
      noDeviceRandom = true;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  crypto().randomFillSync(bytes);
}

/** Linux's major number of the memory devices (/dev/null, zero, full, random, urandom). */
const LINUX_MEMORY_DEVICES = 1;

/**
 * True if host descriptor `fd` is a terminal. Only a character device can be one, and on Linux
 * not a memory device: output sent to /dev/null (as for timing a run) does not load node:tty.
 */
export function isTerminal(fd: number): boolean {
  try {
    const status = fstatSync(fd);
    if (!status.isCharacterDevice()) return false;
    if (process.platform === 'linux' && ((status.rdev >>> 8) & 0xfff) === LINUX_MEMORY_DEVICES) return false;
  } catch {
    return false;
  }
  return tty().isatty(fd);
}
