// How much V8 optimizes compiled regions of its own accord, set for system mode (Node only: in a
// browser, src/browser/node-v8.ts makes this a no-op and the engine keeps its defaults).
//
// V8 first compiles a Wasm function with its baseline compiler (Liftoff), and re-compiles it with
// TurboFan once the function has run "enough" (--wasm-tiering-budget, about bytes of code run;
// default 1,800,000). TurboFan costs ~1.5 ms per guest block of a region (120-200 ms for a
// 99-block region of the zboot decompressor) on V8's background threads. A Linux boot compiles
// ~3,800 blocks of lukewarm kernel code that each run a few thousand times: on a 2-core machine,
// optimizing them all took the core the guest ran on. Measured on the Malta boot to poweroff
// (bench/RESULTS.md, wall seconds, interleaved): default budget 10.3-10.9 s and 16-17 s of CPU;
// 2,000,000,000 (only the truly hot loops, such as the decompressor, are optimized) 8.95-9.0 s
// and 12.4-12.6 s of CPU; 100,000,000 and 500,000,000 in between. User mode keeps the default:
// short CPU-bound programs want TurboFan early (cpubench 4: 1.03 s default, 1.11-1.17 s).

import { v8 } from '../src/host/node-builtins.js';

export const SYSTEM_WASM_TIERING_BUDGET = 2_000_000_000;

let applied = false;

/**
 * Lets V8 optimize only the hottest Wasm functions. The setting is V8's, so it holds for the
 * whole process: once a system VM with the JIT exists, user-mode runs in the same process tier
 * up later too (their results do not change, only their speed).
 */
export function optimizeOnlyHotWasm(): void {
  if (applied) return;
  applied = true;
  v8().setFlagsFromString(`--wasm-tiering-budget=${SYSTEM_WASM_TIERING_BUDGET}`);
}
