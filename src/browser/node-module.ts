// The browser's stand-in for node:module (aliased by scripts/build.mjs): createRequire hands out
// the stand-ins of the built-ins src/host/node-builtins.ts loads on first use.

import * as crypto from './node-crypto.js';
import * as tty from './node-tty.js';
import * as v8 from './node-v8.js';
import * as workerThreads from './node-worker-threads.js';

const STAND_INS: Readonly<Record<string, unknown>> = {
  'node:crypto': crypto,
  'node:tty': tty,
  'node:v8': v8,
  'node:worker_threads': workerThreads,
};

export function createRequire(_from: string): (name: string) => unknown {
  return (name) => {
    const module = STAND_INS[name];
    if (module === undefined) throw new Error(`${name} has no browser stand-in (src/browser/node-module.ts)`);
    return module;
  };
}

export default { createRequire };
