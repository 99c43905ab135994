// The generated soft-TLB refill handler of system mode: one Wasm function per VM (its layout
// constants baked in), written by the JIT's own encoder (codegen/wasm-encoder.ts: no binaryen
// to load before a VM can run, ~1 s in Node). On a soft-TLB miss it walks the VCPU's GVA table for
// the mode and fills the soft-TLB entry (tag with TagFlag bits, addend) without leaving Wasm; it
// returns 0 only on a GVA-table miss, and then TypeScript (SystemCpu) walks the guest TLB. It
// never touches architectural state (guest TLB, Random, BadVAddr). Compiled regions import it;
// the interpreter calls it too.
//
//   refill(address, vcpuBlock, mode, access) -> 1 filled | 0 GVA miss

import { GvaFlag } from '../runtime/gva.js';
import { TagFlag } from '../runtime/soft-tlb.js';
import { SOFT_TLB_ENTRIES, SOFT_TLB_TABLES_PER_MODE, StateWord, VcpuBlock } from '../runtime/state.js';
import { Access } from '../runtime/soft-tlb.js';
import { wasmText } from './wasm.js';
import { WasmEncoder } from './wasm-encoder.js';

/** refill(address, vcpuBlock, mode, access): 1 when the soft-TLB entry was filled, 0 on a GVA miss. */
export type RefillFunction = (address: number, vcpuBlock: number, mode: number, access: number) => number;

const enum Param {
  Address = 0,
  Block = 1,
  Mode = 2,
  Access = 3,
}
const enum Local {
  Entry = 4,
  Flags = 5,
  Index = 6,
  Table = 7,
}

/**
 * Builds the refill module for a VM whose host-page flags (one byte per host page) start at
 * `hostPageFlags`; with `withText`, also its text (for the golden snapshot test).
 */
export function buildRefillModule(memoryPages: number, maximumPages: number, hostPageFlags: number, withText = false): { module: WebAssembly.Module; text?: string } {
  const w = new WasmEncoder({ pages: memoryPages, maximumPages }, [], [], false);
  try {
    const get = (local: number) => w.get(local);
    const MISS = 'miss';
    // The leaf: root[mode][address >>> 22], then the entry for the page.
    const root = w.add(w.add(get(Param.Block), w.const(VcpuBlock.gvaRoots)), w.shl(get(Param.Mode), w.const(12)));
    const leaf = w.load(4, false, 0, w.add(root, w.shl(w.shrU(get(Param.Address), w.const(22)), w.const(2))));
    const body = w.block(null, [
      w.block(MISS, [
        w.set(Local.Entry, leaf),
        w.br(MISS, w.eqz(get(Local.Entry))),
        w.set(Local.Entry, w.load(4, false, 0, w.add(get(Local.Entry), w.shl(w.and(w.shrU(get(Param.Address), w.const(12)), w.const(1023)), w.const(2))))),
        w.br(MISS, w.eqz(w.and(get(Local.Entry), w.const(GvaFlag.Valid)))),
        // Flags: MMIO for every access; for stores also NoWrite, and Tracked when the host page
        // holds code, is linked or is logged and clean (its flag byte is not 0).
        w.set(Local.Flags, w.select(w.and(get(Local.Entry), w.const(GvaFlag.Mmio)), w.const(TagFlag.Mmio), w.const(0))),
        w.if(
          w.eq(get(Param.Access), w.const(Access.Write)),
          w.block(null, [
            w.if(w.and(get(Local.Entry), w.const(GvaFlag.NoWrite)), w.set(Local.Flags, w.or(get(Local.Flags), w.const(TagFlag.NoWrite)))),
            w.if(
              w.load(1, false, hostPageFlags, w.shrU(get(Local.Entry), w.const(12))),
              w.set(Local.Flags, w.or(get(Local.Flags), w.const(TagFlag.Tracked))),
            ),
          ]),
        ),
        // The entry: table mode * 3 + access, index from the page number.
        w.set(Local.Table, w.add(w.mul(get(Param.Mode), w.const(SOFT_TLB_TABLES_PER_MODE)), get(Param.Access))),
        w.set(
          Local.Index,
          w.add(
            get(Param.Block),
            w.shl(w.add(w.mul(get(Local.Table), w.const(SOFT_TLB_ENTRIES)), w.and(w.shrU(get(Param.Address), w.const(12)), w.const(SOFT_TLB_ENTRIES - 1))), w.const(2)),
          ),
        ),
        w.store(4, VcpuBlock.softTlbTags, get(Local.Index), w.or(w.and(get(Param.Address), w.const(~0xfff)), get(Local.Flags))),
        w.store(4, VcpuBlock.softTlbAddends, get(Local.Index), w.sub(w.and(get(Local.Entry), w.const(~0xfff)), w.and(get(Param.Address), w.const(~0xfff)))),
        w.store(4, StateWord.RefillsInWasm * 4, get(Param.Block), w.add(w.load(4, false, StateWord.RefillsInWasm * 4, get(Param.Block)), w.const(1))),
        w.return(w.const(1)),
      ]),
      w.return(w.const(0)),
    ]);
    w.addFunction('refill', ['i32', 'i32', 'i32', 'i32'], 'i32', ['i32', 'i32', 'i32', 'i32'], body);
    const bytes = w.finish();
    w.dispose();
    if (withText && !WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) throw new Error('tlb-refill: invalid module');
    // The text (golden test) comes from binaryen reading the bytes back.
    return { module: new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), text: withText ? wasmText(bytes) : undefined };
  } catch (error) {
    w.dispose();
    throw error;
  }
}

/** Instantiates the refill handler on `memory`. */
export function instantiateRefill(module: WebAssembly.Module, memory: WebAssembly.Memory): RefillFunction {
  const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
  return instance.exports.refill as RefillFunction;
}
