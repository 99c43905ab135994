// The bridge between TypeScript and compiled regions: one small Wasm module per code cache.
//
// - Regions import the host functions they call (the interpreter's handlers, the store check)
//   from the bridge's exports, which are Wasm functions that call the host: a region imports
//   only Wasm functions, and the one Wasm-to-JS wrapper per host function is the bridge's.
//   (What this alone saves was not measured apart from the table below.) User-mode regions
//   import no function at all: the engine puts the bridge's `interp` in the shared table
//   (codegen/translate.ts INTERP_SLOT), since V8 compiles a wrapper per imported function for
//   every module it compiles.
// - In system mode only the bridge imports the shared table of region functions. V8 keeps a copy
//   of an imported table per importing instance: instantiating and `table.set` cost grew with the
//   number of region instances (Malta boot: 1.7 ms per instance, 1.6 s in all). System regions
//   jump to each other by tail-calling the bridge's `enter(slot, pc, budget)`, which tail-calls
//   slot's `run`. User-mode regions (at most DEFAULT_MAX_REGIONS live) import the table (the
//   `extra` import `regions`) and tail-call each other directly (codegen/region.ts INTERP_IMPORT).
// - The run loop calls every region through `enter` too. A JS call to many different exported
//   functions stays on V8's generic JS-to-Wasm wrapper (each function tiers up on its own call
//   count); one function called always gets the specialized wrapper (Malta boot: 1.5 s of
//   generic wrapper for 1 M calls).

import type { FunctionImport, ValueType } from './wasm.js';
import { WasmEncoder, type MemoryImport } from './wasm-encoder.js';

export interface HostFunction extends FunctionImport {
  readonly call: (...args: number[]) => number;
}

export interface Bridge {
  /** What region modules import: `mem`, the host functions (as Wasm functions), `enter` and `extra`. */
  readonly imports: WebAssembly.Imports;
  /** Calls the region in table slot `slot`: run(pc, budget) -> RegionExit. */
  readonly enter: (slot: number, pc: number, budget: number) => number;
}

const RUN_PARAMS: ValueType[] = ['i32', 'i32'];

/** Builds the bridge for regions that share `memory` (imported as `shape` says) and `table`. */
export function createBridge(
  memory: WebAssembly.Memory,
  shape: MemoryImport,
  table: WebAssembly.Table,
  host: readonly HostFunction[],
  extra: Record<string, WebAssembly.ExportValue> = {},
): Bridge {
  const w = new WasmEncoder(shape, host);
  for (const entry of host) {
    const forward = w.call(entry.name, entry.params.map((_, index) => w.get(index)), entry.result);
    w.addFunction(entry.name, entry.params, entry.result, [], w.block(null, [w.return(forward)]));
  }
  w.addFunction('enter', ['i32', 'i32', 'i32'], 'i32', [], w.block(null, [w.returnCallIndirect(w.get(0), [w.get(1), w.get(2)], RUN_PARAMS, 'i32')]));
  const bytes = w.finish() as Uint8Array<ArrayBuffer>;
  w.dispose();
  const env: Record<string, WebAssembly.ImportValue> = { mem: memory, regions: table };
  for (const entry of host) env[entry.name] = entry.call;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env });
  const exports: Record<string, WebAssembly.ImportValue> = { mem: memory, ...extra };
  for (const entry of host) exports[entry.name] = instance.exports[entry.name] as WebAssembly.ImportValue;
  exports.enter = instance.exports.enter as WebAssembly.ImportValue;
  return { imports: { env: exports }, enter: instance.exports.enter as Bridge['enter'] };
}
