// The only file that imports binaryen: a small typed wrapper for building one WebAssembly module
// (imported memory, imported helper functions, one exported function) and turning it into code.
// Region modules no longer use it (codegen/wasm-encoder.ts writes their bytes with the same API);
// it builds the system-mode TLB-refill handler and prints modules as text for the golden tests.
// Binaryen costs ~1 s to load, so it is loaded lazily, only where those need it.

import type binaryenNamespace from 'binaryen';

/** binaryen.js has `Block.appendChild`, which its type declarations leave out. */
type Binaryen = typeof binaryenNamespace & { readonly Block: { appendChild(block: number, child: number): number } };
/** An expression under construction. */
export type Expr = number;
/** A Wasm value type. */
export type ValueType = 'i32' | 'i64' | 'f64' | 'none';

let loaded: Binaryen | undefined;
let loading: Promise<Binaryen> | undefined;

/** Starts loading binaryen (once); resolves when `isWasmBuilderReady()` becomes true. */
export function loadWasmBuilder(): Promise<void> {
  loading ??= import('binaryen').then((module) => (loaded = module.default as Binaryen));
  return loading.then(() => undefined);
}

export function isWasmBuilderReady(): boolean {
  return loaded !== undefined;
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

/** The funcref table all region modules share (`env.regions`): region functions by slot. */
export const REGION_TABLE = 'regions';

/** Builds one module: memory `env.mem`, table `env.regions`, the given function imports, one exported function. */
export class WasmModuleBuilder {
  private readonly b: Binaryen;
  readonly m: binaryenNamespace.Module;
  private readonly types: Record<ValueType, number>;

  constructor(memoryPages: number, maximumPages: number, imports: readonly FunctionImport[], globals: readonly string[] = []) {
    this.b = binaryen();
    const b = this.b;
    this.m = new b.Module();
    this.types = { i32: b.i32, i64: b.i64, f64: b.f64, none: b.none };
    this.m.setFeatures(b.Features.MVP | b.Features.SignExt | b.Features.MutableGlobals | b.Features.TailCall);
    this.m.setMemory(memoryPages, maximumPages, null, [], false, false, 'mem');
    this.m.addMemoryImport('mem', 'env', 'mem');
    this.m.addTable(REGION_TABLE, 0, -1);
    this.m.addTableImport(REGION_TABLE, 'env', REGION_TABLE);
    for (const entry of imports) {
      this.m.addFunctionImport(entry.name, 'env', entry.name, this.tuple(entry.params), this.types[entry.result]);
    }
    // Imported mutable i32 globals.
    for (const name of globals) this.m.addGlobalImport(name, 'env', name, b.i32, true);
  }

  private tuple(types: readonly ValueType[]): number {
    return this.b.createType(types.map((type) => this.types[type]));
  }

  // ---- i32 ----
  const(value: number): Expr {
    return this.m.i32.const(value | 0);
  }
  add(a: Expr, b: Expr): Expr {
    return this.m.i32.add(a, b);
  }
  sub(a: Expr, b: Expr): Expr {
    return this.m.i32.sub(a, b);
  }
  mul(a: Expr, b: Expr): Expr {
    return this.m.i32.mul(a, b);
  }
  and(a: Expr, b: Expr): Expr {
    return this.m.i32.and(a, b);
  }
  or(a: Expr, b: Expr): Expr {
    return this.m.i32.or(a, b);
  }
  xor(a: Expr, b: Expr): Expr {
    return this.m.i32.xor(a, b);
  }
  shl(a: Expr, b: Expr): Expr {
    return this.m.i32.shl(a, b);
  }
  shrU(a: Expr, b: Expr): Expr {
    return this.m.i32.shr_u(a, b);
  }
  shrS(a: Expr, b: Expr): Expr {
    return this.m.i32.shr_s(a, b);
  }
  rotr(a: Expr, b: Expr): Expr {
    return this.m.i32.rotr(a, b);
  }
  clz(a: Expr): Expr {
    return this.m.i32.clz(a);
  }
  eq(a: Expr, b: Expr): Expr {
    return this.m.i32.eq(a, b);
  }
  ne(a: Expr, b: Expr): Expr {
    return this.m.i32.ne(a, b);
  }
  eqz(a: Expr): Expr {
    return this.m.i32.eqz(a);
  }
  ltS(a: Expr, b: Expr): Expr {
    return this.m.i32.lt_s(a, b);
  }
  ltU(a: Expr, b: Expr): Expr {
    return this.m.i32.lt_u(a, b);
  }
  leS(a: Expr, b: Expr): Expr {
    return this.m.i32.le_s(a, b);
  }
  gtS(a: Expr, b: Expr): Expr {
    return this.m.i32.gt_s(a, b);
  }
  geS(a: Expr, b: Expr): Expr {
    return this.m.i32.ge_s(a, b);
  }
  divS(a: Expr, b: Expr): Expr {
    return this.m.i32.div_s(a, b);
  }
  divU(a: Expr, b: Expr): Expr {
    return this.m.i32.div_u(a, b);
  }
  remS(a: Expr, b: Expr): Expr {
    return this.m.i32.rem_s(a, b);
  }
  remU(a: Expr, b: Expr): Expr {
    return this.m.i32.rem_u(a, b);
  }
  extend8(a: Expr): Expr {
    return this.m.i32.extend8_s(a);
  }
  extend16(a: Expr): Expr {
    return this.m.i32.extend16_s(a);
  }
  select(condition: Expr, ifTrue: Expr, ifFalse: Expr): Expr {
    return this.m.select(condition, ifTrue, ifFalse);
  }

  // ---- i64 (for 32x32->64 multiplies) ----
  extendS(a: Expr): Expr {
    return this.m.i64.extend_s(a);
  }
  extendU(a: Expr): Expr {
    return this.m.i64.extend_u(a);
  }
  mul64(a: Expr, b: Expr): Expr {
    return this.m.i64.mul(a, b);
  }
  add64(a: Expr, b: Expr): Expr {
    return this.m.i64.add(a, b);
  }
  sub64(a: Expr, b: Expr): Expr {
    return this.m.i64.sub(a, b);
  }
  or64(a: Expr, b: Expr): Expr {
    return this.m.i64.or(a, b);
  }
  shl64(a: Expr, bits: number): Expr {
    return this.m.i64.shl(a, this.m.i64.const(BigInt(bits)));
  }
  low32(a: Expr): Expr {
    return this.m.i32.wrap(a);
  }
  high32(a: Expr): Expr {
    return this.m.i32.wrap(this.m.i64.shr_u(a, this.m.i64.const(32n)));
  }

  // ---- memory ----
  load(bytes: 1 | 2 | 4, signed: boolean, offset: number, address: Expr): Expr {
    const i32 = this.m.i32;
    if (bytes === 4) return i32.load(offset, 4, address);
    if (bytes === 2) return signed ? i32.load16_s(offset, 2, address) : i32.load16_u(offset, 2, address);
    return signed ? i32.load8_s(offset, 1, address) : i32.load8_u(offset, 1, address);
  }
  store(bytes: 1 | 2 | 4, offset: number, address: Expr, value: Expr): Expr {
    const i32 = this.m.i32;
    if (bytes === 4) return i32.store(offset, 4, address, value);
    if (bytes === 2) return i32.store16(offset, 2, address, value);
    return i32.store8(offset, 1, address, value);
  }

  load64(offset: number, address: Expr): Expr {
    return this.m.i64.load(offset, 8, address);
  }
  store64(offset: number, address: Expr, value: Expr): Expr {
    return this.m.i64.store(offset, 8, address, value);
  }

  // ---- locals and control ----
  get(local: number, type: ValueType = 'i32'): Expr {
    return this.m.local.get(local, this.types[type]);
  }
  set(local: number, value: Expr): Expr {
    return this.m.local.set(local, value);
  }
  tee(local: number, value: Expr, type: ValueType = 'i32'): Expr {
    return this.m.local.tee(local, value, this.types[type]);
  }
  block(label: string | null, children: readonly Expr[]): Expr {
    return this.m.block(label, children, this.b.none);
  }
  /**
   * `(block $label inner code)` of type none, where `code` may end in a branch (type unreachable)
   * and `$label` is a branch target. Built without binaryen's finalize: with a named block and an
   * unreachable child, finalize walks the whole block looking for branches to the label, which
   * made the region dispatch nest (each level holding all the inner ones) quadratic; 90% of the
   * JIT's compile time in regions of ~200 blocks. The emitted bytes are the same.
   */
  blockEndingInBranch(label: string, inner: Expr, code: Expr): Expr {
    const outer = this.m.block(label, [inner], this.b.none);
    this.b.Block.appendChild(outer, code);
    return outer;
  }
  loop(label: string, body: Expr): Expr {
    return this.m.loop(label, body);
  }
  if(condition: Expr, then: Expr, otherwise?: Expr): Expr {
    return this.m.if(condition, then, otherwise);
  }
  br(label: string, condition?: Expr): Expr {
    return this.m.br(label, condition);
  }
  switch(labels: readonly string[], defaultLabel: string, index: Expr): Expr {
    return this.m.switch(labels, defaultLabel, index);
  }
  globalGet(name: string): Expr {
    return this.m.global.get(name, this.types.i32);
  }
  call(name: string, operands: readonly Expr[], result: ValueType): Expr {
    return this.m.call(name, operands, this.types[result]);
  }
  /** Tail-calls the table's function at `slot` with (i32, ...) -> result. */
  returnCallIndirect(slot: Expr, operands: readonly Expr[], params: readonly ValueType[], result: ValueType): Expr {
    return this.m.return_call_indirect(REGION_TABLE, slot, operands, this.tuple(params), this.types[result]);
  }
  drop(value: Expr): Expr {
    return this.m.drop(value);
  }
  return(value?: Expr): Expr {
    return this.m.return(value);
  }
  nop(): Expr {
    return this.m.nop();
  }

  /** Adds the exported function `name`. Locals after the params are i32 unless listed in `localTypes`. */
  addFunction(name: string, params: readonly ValueType[], result: ValueType, localTypes: readonly ValueType[], body: Expr): void {
    this.m.addFunction(name, this.tuple(params), this.types[result], localTypes.map((type) => this.types[type]), body);
    this.m.addFunctionExport(name, name);
  }

  f64Type(): number {
    return this.types.f64;
  }

  /** Validates (tests only: it is slow); returns false and prints binaryen's complaint when invalid. */
  validate(): boolean {
    return this.m.validate() !== 0;
  }

  text(): string {
    return this.m.emitText();
  }

  /** Emits the binary and frees binaryen's memory for this module. */
  finish(): Uint8Array {
    const bytes = this.m.emitBinary();
    this.m.dispose();
    return bytes;
  }

  dispose(): void {
    this.m.dispose();
  }
}
