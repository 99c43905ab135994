// The only file that imports binaryen, now only to print modules as text for the golden tests
// (test/jit/wat.test.ts): the JIT's own encoder (codegen/wasm-encoder.ts) writes every module the
// JIT runs, regions and the system-mode TLB-refill handler alike. Binaryen costs ~1 s to load, so
// it is loaded lazily, only where text is asked for. Also the value types the builders share.

import type binaryenNamespace from 'binaryen';

type Binaryen = typeof binaryenNamespace;
/** A Wasm value type. */
export type ValueType = 'i32' | 'i64' | 'f64' | 'none';

let loaded: Binaryen | undefined;
let loading: Promise<Binaryen> | undefined;

/** Starts loading binaryen (once); resolves when wasmText can be called. */
export function loadWasmBuilder(): Promise<void> {
  loading ??= import('binaryen').then((module) => (loaded = module.default as Binaryen));
  return loading.then(() => undefined);
}

function binaryen(): Binaryen {
  if (!loaded) throw new Error('binaryen is not loaded yet (call loadWasmBuilder first)');
  return loaded;
}

/** The text format of a module's bytes (tests and debugging; binaryen must be loaded). */
export function wasmText(bytes: Uint8Array): string {
  const b = binaryen();
  const module = b.readBinary(bytes);
  try {
    module.setFeatures(b.Features.MVP | b.Features.SignExt | b.Features.MutableGlobals | b.Features.TailCall);
    return module.emitText();
  } finally {
    module.dispose();
  }
}

export interface FunctionImport {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly result: ValueType;
}
