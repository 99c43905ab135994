// The JIT's own WebAssembly encoder: the same builder API as codegen/wasm.ts (which wraps
// binaryen), but it writes the module's bytes itself. Expressions are nodes in an array (an Expr is
// a node's index); finish() walks them once and emits the binary. No optimizer, no validator: the
// translator only builds well-typed code, and WebAssembly.Module (or WebAssembly.validate in tests)
// checks it. Why: binaryen takes ~1 s to load in Node 20 and ~0.2-1 ms per block to build and emit;
// this encoder is ready at once and costs tens of microseconds per block (bench/RESULTS.md), so
// code compiles from the first milliseconds of a run, as v86 does with its own encoder.

import type { FunctionImport, ValueType } from './wasm.js';

/** An expression under construction: an index into the encoder's nodes. */
export type Expr = number;

/** What an expression leaves on the stack: a value type, nothing, or never returns (br, return). */
type NodeType = ValueType | 'f32' | 'unreachable';

const TYPE_CODE: Record<ValueType | 'f32', number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, none: 0x40 };
/** Type ids handed out by f64Type() and accepted by m.block (binaryen's calling convention). */
const TYPE_ID: Record<string, ValueType | 'f32'> = { 1: 'none', 2: 'i32', 3: 'i64', 4: 'f32', 5: 'f64' };
const ID_OF: Record<ValueType | 'f32', number> = { none: 1, i32: 2, i64: 3, f32: 4, f64: 5 };

/** The table all region modules share (`env.regions`), as in codegen/wasm.ts. */
const REGION_TABLE = 'regions';

const enum Kind {
  /** Children evaluated in order, then the opcode bytes (numeric ops, loads, stores, locals, calls). */
  Op,
  Block,
  Loop,
  If,
  Br,
  Switch,
}

/** Node types, by their index in the encoder's type array. */
const enum T {
  None = 0,
  I32 = 1,
  I64 = 2,
  F32 = 3,
  F64 = 4,
  Unreachable = 5,
}
const TYPES: readonly NodeType[] = ['none', 'i32', 'i64', 'f32', 'f64', 'unreachable'];
const T_OF: Record<NodeType, T> = { none: T.None, i32: T.I32, i64: T.I64, f32: T.F32, f64: T.F64, unreachable: T.Unreachable };
/** The block type byte of a node type (an unreachable block is typed empty). */
const BLOCK_TYPE_CODE = [0x40, 0x7f, 0x7e, 0x7d, 0x7c, 0x40];

/** Import and export names, UTF-8 encoded once (every module names the same imports). */
const ENCODED_NAMES = new Map<string, Uint8Array>();

/** A growable byte buffer. */
class Bytes {
  data: Uint8Array;
  length = 0;

  constructor(capacity = 1 << 12) {
    this.data = new Uint8Array(capacity);
  }

  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < this.length + extra) size *= 2;
    const data = new Uint8Array(size);
    data.set(this.data.subarray(0, this.length));
    this.data = data;
  }
  byte(value: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = value;
  }
  uleb(value: number): void {
    let v = value >>> 0;
    this.reserve(5);
    do {
      let byte = v & 0x7f;
      v >>>= 7;
      if (v !== 0) byte |= 0x80;
      this.data[this.length++] = byte;
    } while (v !== 0);
  }
  sleb(value: number): void {
    let v = value | 0;
    this.reserve(5);
    for (;;) {
      const byte = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
        this.data[this.length++] = byte;
        return;
      }
      this.data[this.length++] = byte | 0x80;
    }
  }
  append(bytes: ArrayLike<number>): void {
    this.reserve(bytes.length);
    for (let index = 0; index < bytes.length; index++) this.data[this.length++] = bytes[index]!;
  }
  copy(source: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    // Most spans are an instruction's few bytes; a body or a section is copied in one go.
    if (end - start > 64) {
      this.data.set(source.subarray(start, end), this.length);
      this.length += end - start;
      return;
    }
    for (let index = start; index < end; index++) this.data[this.length++] = source[index]!;
  }
  name(text: string): void {
    let bytes = ENCODED_NAMES.get(text);
    if (bytes === undefined) {
      bytes = new TextEncoder().encode(text);
      ENCODED_NAMES.set(text, bytes);
    }
    this.uleb(bytes.length);
    this.append(bytes);
  }
  /** A section: id, size, contents. */
  section(id: number, contents: Bytes): void {
    this.byte(id);
    this.uleb(contents.length);
    this.copy(contents.data, 0, contents.length);
  }
}

/** Appends the signed LEB128 of a 64-bit value. */
function slebBig(out: Bytes, value: bigint): void {
  let v = BigInt.asIntN(64, value);
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
      out.byte(byte);
      return;
    }
    out.byte(byte | 0x80);
  }
}

const f64Bytes = new Float64Array(1);
const f64View = new Uint8Array(f64Bytes.buffer);

/** Log2 of an access's natural alignment, by its size in bytes. */
const ALIGN: Record<number, number> = { 1: 0, 2: 1, 4: 2, 8: 3 };

/** The memory a module imports: its size in 64 KiB pages now and at most, and whether it is shared. */
export interface MemoryImport {
  readonly pages: number;
  readonly maximumPages: number;
  readonly shared?: boolean;
}

/** An imported i32 global `env.<name>`. */
export interface GlobalImport {
  readonly name: string;
  readonly mutable: boolean;
}

/**
 * The node arrays and code buffers of a disposed encoder, taken by the next one: a region's
 * encoder allocated ~10 typed arrays of 1-16 KiB, ~80 us while the compiler is cold JavaScript
 * (callbench 3 builds 56 modules in its first half second). One thread builds one module at a time.
 */
interface Scratch {
  kinds: Uint8Array;
  nodeTypes: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  subtreeStart: Int32Array;
  childStart: Int32Array;
  childCount: Int32Array;
  childList: Int32Array;
  labelList: Int32Array;
  code: Bytes;
  body: Bytes;
}
let spareScratch: Scratch | undefined;

function newScratch(): Scratch {
  const nodes = 1 << 10;
  return {
    kinds: new Uint8Array(nodes),
    nodeTypes: new Uint8Array(nodes),
    a: new Int32Array(nodes),
    b: new Int32Array(nodes),
    subtreeStart: new Int32Array(nodes),
    childStart: new Int32Array(nodes),
    childCount: new Int32Array(nodes),
    childList: new Int32Array(1 << 12),
    labelList: new Int32Array(1 << 8),
    code: new Bytes(),
    body: new Bytes(),
  };
}

export class WasmEncoder {
  // Nodes as parallel typed arrays (no object per node): kind, type, and per kind
  //   Op: [a, b) its opcode and immediates in `code`; Block/Loop: a = label id (-1: none);
  //   Br/Switch: a = start of its label ids in `labelList`, b = their count;
  //   children: [childStart, childStart + childCount) in `childList`.
  // An Op node whose subtree is all Op nodes built in order (each child's code right after the
  // previous child's, the node's own right after the last) has its whole code in `code` as
  // [subtreeStart, b), and emit() copies it at once instead of visiting each node (-1: it has not).
  private kinds: Uint8Array;
  private nodeTypes: Uint8Array;
  private a: Int32Array;
  private b: Int32Array;
  private subtreeStart: Int32Array;
  private childStart: Int32Array;
  private childCount: Int32Array;
  private count = 0;
  private readonly code: Bytes;
  /** Where finish() writes a function body before its size is known. */
  private readonly body: Bytes;
  private childList: Int32Array;
  private childLength = 0;
  private labelList: Int32Array;
  private labelLength = 0;
  private readonly labelIds = new Map<string, number>();
  // While emitting (emit): the nesting depth, and each label's depth (-1: not enclosing).
  private emitDepth = 0;
  private labelDepth = new Int32Array(0);
  /** Function-type keys (params:result) in type-section order. */
  private readonly types: string[] = [];
  private readonly functionIndex = new Map<string, { index: number; result: ValueType }>();
  private readonly globals: readonly GlobalImport[];
  /** The active data segment: bytes written at instantiation where an imported global points. */
  private dataSegment: { global: number; bytes: Uint8Array } | undefined;
  private readonly imports: readonly FunctionImport[];
  private readonly functions: { name: string; type: number; locals: readonly ValueType[]; body: Expr; result: ValueType }[] = [];

  private floatOperations: FloatOperations | undefined;
  private disposed = false;

  constructor(
    /** The memory the module imports as `env.mem`. */
    private readonly importedMemory: MemoryImport,
    imports: readonly FunctionImport[],
    globals: readonly GlobalImport[] = [],
    /** Import the shared table `env.regions` (only the bridge does: codegen/bridge.ts). */
    private readonly importsTable = true,
  ) {
    this.imports = imports;
    this.globals = globals;
    imports.forEach((entry, index) => this.functionIndex.set(entry.name, { index, result: entry.result }));
    const scratch = spareScratch ?? newScratch();
    spareScratch = undefined;
    this.kinds = scratch.kinds;
    this.nodeTypes = scratch.nodeTypes;
    this.a = scratch.a;
    this.b = scratch.b;
    this.subtreeStart = scratch.subtreeStart;
    this.childStart = scratch.childStart;
    this.childCount = scratch.childCount;
    this.childList = scratch.childList;
    this.labelList = scratch.labelList;
    this.code = scratch.code;
    this.code.length = 0;
    this.body = scratch.body;
  }

  /** Float, conversion and typed-block operations in binaryen's shape (used by translate-fpu.ts). */
  get m(): FloatOperations {
    return (this.floatOperations ??= this.floatBuilders());
  }

  private floatBuilders(): FloatOperations {
    const unary = (type: T, opcode: number) => (a: Expr) => this.op1(type, opcode, a);
    const binary = (type: T, opcode: number) => (a: Expr, b: Expr) => this.op2(type, opcode, a, b);
    return {
      block: (label, children, type) => this.typedBlock(label, children, T_OF[TYPE_ID[type ?? 1] ?? 'none']),
      f32: {
        demote: unary(T.F32, 0xb6),
        load: (offset, _align, address) => this.memory(T.F32, 0x2a, 4, offset, address),
        store: (offset, _align, address, value) => this.memory(T.None, 0x38, 4, offset, address, value),
      },
      f64: {
        abs: unary(T.F64, 0x99),
        neg: unary(T.F64, 0x9a),
        sqrt: unary(T.F64, 0x9f),
        add: binary(T.F64, 0xa0),
        sub: binary(T.F64, 0xa1),
        mul: binary(T.F64, 0xa2),
        div: binary(T.F64, 0xa3),
        eq: binary(T.I32, 0x61),
        ne: binary(T.I32, 0x62),
        lt: binary(T.I32, 0x63),
        gt: binary(T.I32, 0x64),
        le: binary(T.I32, 0x65),
        ge: binary(T.I32, 0x66),
        const: (value) => {
          const node = this.begin(Kind.Op, T.F64, 0);
          f64Bytes[0] = value;
          this.code.byte(0x44);
          this.code.append(f64View);
          return this.endCode(node);
        },
        promote: unary(T.F64, 0xbb),
        convert_s: { i32: unary(T.F64, 0xb7) },
        load: (offset, _align, address) => this.memory(T.F64, 0x2b, 8, offset, address),
        store: (offset, _align, address, value) => this.memory(T.None, 0x39, 8, offset, address, value),
      },
      i32: { trunc_s: { f64: unary(T.I32, 0xaa) } },
    };
  }

  // ---- nodes ----

  /** Starts a node with `children` child slots (filled by the caller); its code starts here. */
  private begin(kind: Kind, type: T, children: number): Expr {
    const node = this.count++;
    if (node === this.kinds.length) this.growNodes();
    this.kinds[node] = kind;
    this.nodeTypes[node] = type;
    this.a[node] = this.code.length;
    this.childStart[node] = this.childLength;
    this.childCount[node] = children;
    if (this.childLength + children > this.childList.length) {
      const list = new Int32Array(Math.max(this.childList.length * 2, this.childLength + children));
      list.set(this.childList);
      this.childList = list;
    }
    this.childLength += children;
    return node;
  }

  private growNodes(): void {
    const size = this.kinds.length * 2;
    const kinds = new Uint8Array(size);
    kinds.set(this.kinds);
    this.kinds = kinds;
    const nodeTypes = new Uint8Array(size);
    nodeTypes.set(this.nodeTypes);
    this.nodeTypes = nodeTypes;
    const grow = (array: Int32Array) => {
      const next = new Int32Array(size);
      next.set(array);
      return next;
    };
    this.a = grow(this.a);
    this.b = grow(this.b);
    this.subtreeStart = grow(this.subtreeStart);
    this.childStart = grow(this.childStart);
    this.childCount = grow(this.childCount);
  }

  /** Ends an Op node's code (written to `code` since it began). */
  private endCode(node: Expr): Expr {
    this.b[node] = this.code.length;
    // Walk the children from the last: each must end where the next one's code (or the node's own) starts.
    let start = this.a[node]!;
    const first = this.childStart[node]!;
    for (let index = first + this.childCount[node]! - 1; index >= first; index--) {
      const child = this.childList[index]!;
      if (this.kinds[child] !== Kind.Op || this.b[child] !== start || this.subtreeStart[child]! < 0) {
        start = -1;
        break;
      }
      start = this.subtreeStart[child]!;
    }
    this.subtreeStart[node] = start;
    return node;
  }

  private op0(type: T, opcode: number): Expr {
    const node = this.begin(Kind.Op, type, 0);
    this.code.byte(opcode);
    return this.endCode(node);
  }
  private op1(type: T, opcode: number, child: Expr): Expr {
    const node = this.begin(Kind.Op, type, 1);
    this.childList[this.childStart[node]!] = child;
    this.code.byte(opcode);
    return this.endCode(node);
  }
  private op2(type: T, opcode: number, first: Expr, second: Expr): Expr {
    const node = this.begin(Kind.Op, type, 2);
    const at = this.childStart[node]!;
    this.childList[at] = first;
    this.childList[at + 1] = second;
    this.code.byte(opcode);
    return this.endCode(node);
  }
  private withChildren(kind: Kind, type: T, children: readonly Expr[]): Expr {
    const node = this.begin(kind, type, children.length);
    const at = this.childStart[node]!;
    for (let index = 0; index < children.length; index++) this.childList[at + index] = children[index]!;
    return node;
  }
  private memory(type: T, opcode: number, bytes: number, offset: number, address: Expr, value?: Expr): Expr {
    const node = this.begin(Kind.Op, type, value === undefined ? 1 : 2);
    const at = this.childStart[node]!;
    this.childList[at] = address;
    if (value !== undefined) this.childList[at + 1] = value;
    this.code.byte(opcode);
    this.code.byte(ALIGN[bytes]!);
    this.code.uleb(offset);
    return this.endCode(node);
  }
  private labelId(label: string): number {
    let id = this.labelIds.get(label);
    if (id === undefined) {
      id = this.labelIds.size;
      this.labelIds.set(label, id);
    }
    return id;
  }

  private typeOf(expr: Expr): T {
    return this.nodeTypes[expr]! as T;
  }

  private typeIndex(params: readonly ValueType[], result: ValueType): number {
    const key = `${params.join(',')}:${result}`;
    let index = this.types.indexOf(key);
    if (index < 0) index = this.types.push(key) - 1;
    return index;
  }

  // ---- i32 ----
  const(value: number): Expr {
    const node = this.begin(Kind.Op, T.I32, 0);
    this.code.byte(0x41);
    this.code.sleb(value);
    return this.endCode(node);
  }
  add(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x6a, a, b);
  }
  sub(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x6b, a, b);
  }
  mul(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x6c, a, b);
  }
  and(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x71, a, b);
  }
  or(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x72, a, b);
  }
  xor(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x73, a, b);
  }
  shl(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x74, a, b);
  }
  shrS(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x75, a, b);
  }
  shrU(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x76, a, b);
  }
  rotr(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x78, a, b);
  }
  clz(a: Expr): Expr {
    return this.op1(T.I32, 0x67, a);
  }
  eq(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x46, a, b);
  }
  ne(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x47, a, b);
  }
  eqz(a: Expr): Expr {
    return this.op1(T.I32, 0x45, a);
  }
  ltS(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x48, a, b);
  }
  ltU(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x49, a, b);
  }
  gtS(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x4a, a, b);
  }
  leS(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x4c, a, b);
  }
  geS(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x4e, a, b);
  }
  geU(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x4f, a, b);
  }
  divS(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x6d, a, b);
  }
  divU(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x6e, a, b);
  }
  remS(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x6f, a, b);
  }
  remU(a: Expr, b: Expr): Expr {
    return this.op2(T.I32, 0x70, a, b);
  }
  extend8(a: Expr): Expr {
    return this.op1(T.I32, 0xc0, a);
  }
  extend16(a: Expr): Expr {
    return this.op1(T.I32, 0xc1, a);
  }
  select(condition: Expr, ifTrue: Expr, ifFalse: Expr): Expr {
    const node = this.withChildren(Kind.Op, this.typeOf(ifTrue), [ifTrue, ifFalse, condition]);
    this.code.byte(0x1b);
    return this.endCode(node);
  }

  // ---- i64 (for 32x32->64 multiplies) ----
  extendS(a: Expr): Expr {
    return this.op1(T.I64, 0xac, a);
  }
  extendU(a: Expr): Expr {
    return this.op1(T.I64, 0xad, a);
  }
  mul64(a: Expr, b: Expr): Expr {
    return this.op2(T.I64, 0x7e, a, b);
  }
  add64(a: Expr, b: Expr): Expr {
    return this.op2(T.I64, 0x7c, a, b);
  }
  sub64(a: Expr, b: Expr): Expr {
    return this.op2(T.I64, 0x7d, a, b);
  }
  or64(a: Expr, b: Expr): Expr {
    return this.op2(T.I64, 0x84, a, b);
  }
  private const64(value: bigint): Expr {
    const node = this.begin(Kind.Op, T.I64, 0);
    this.code.byte(0x42);
    slebBig(this.code, value);
    return this.endCode(node);
  }
  shl64(a: Expr, bits: number): Expr {
    return this.op2(T.I64, 0x86, a, this.const64(BigInt(bits)));
  }
  low32(a: Expr): Expr {
    return this.op1(T.I32, 0xa7, a);
  }
  /** f64.reinterpret_i64: the double whose bits are `a`. */
  doubleFromBits(a: Expr): Expr {
    return this.op1(T.F64, 0xbf, a);
  }
  /** i64.reinterpret_f64: the bits of the double `a`. */
  bitsOfDouble(a: Expr): Expr {
    return this.op1(T.I64, 0xbd, a);
  }
  high32(a: Expr): Expr {
    return this.op1(T.I32, 0xa7, this.op2(T.I64, 0x88, a, this.const64(32n)));
  }

  // ---- memory ----
  load(bytes: 1 | 2 | 4, signed: boolean, offset: number, address: Expr): Expr {
    const opcode = bytes === 4 ? 0x28 : bytes === 2 ? (signed ? 0x2e : 0x2f) : signed ? 0x2c : 0x2d;
    return this.memory(T.I32, opcode, bytes, offset, address);
  }
  store(bytes: 1 | 2 | 4, offset: number, address: Expr, value: Expr): Expr {
    const opcode = bytes === 4 ? 0x36 : bytes === 2 ? 0x3b : 0x3a;
    return this.memory(T.None, opcode, bytes, offset, address, value);
  }
  load64(offset: number, address: Expr): Expr {
    return this.memory(T.I64, 0x29, 8, offset, address);
  }
  store64(offset: number, address: Expr, value: Expr): Expr {
    return this.memory(T.None, 0x37, 8, offset, address, value);
  }

  // ---- locals and control ----
  get(local: number, type: ValueType = 'i32'): Expr {
    const node = this.begin(Kind.Op, T_OF[type], 0);
    this.code.byte(0x20);
    this.code.uleb(local);
    return this.endCode(node);
  }
  set(local: number, value: Expr): Expr {
    const node = this.begin(Kind.Op, T.None, 1);
    this.childList[this.childStart[node]!] = value;
    this.code.byte(0x21);
    this.code.uleb(local);
    return this.endCode(node);
  }
  tee(local: number, value: Expr, type: ValueType = 'i32'): Expr {
    const node = this.begin(Kind.Op, T_OF[type], 1);
    this.childList[this.childStart[node]!] = value;
    this.code.byte(0x22);
    this.code.uleb(local);
    return this.endCode(node);
  }
  private typedBlock(label: string | null, children: readonly Expr[], type: T): Expr {
    const node = this.withChildren(Kind.Block, type, children);
    this.a[node] = label === null ? -1 : this.labelId(label);
    return node;
  }
  block(label: string | null, children: readonly Expr[]): Expr {
    return this.typedBlock(label, children, T.None);
  }
  /** `(block $label inner code)` where `code` may end in a branch (the builder API of codegen/wasm.ts; no finalize cost here). */
  blockEndingInBranch(label: string, inner: Expr, code: Expr): Expr {
    return this.block(label, [inner, code]);
  }
  loop(label: string, body: Expr): Expr {
    const node = this.withChildren(Kind.Loop, T.None, [body]);
    this.a[node] = this.labelId(label);
    return node;
  }
  if(condition: Expr, then: Expr, otherwise?: Expr): Expr {
    let type = T.None;
    if (otherwise !== undefined) {
      const thenType = this.typeOf(then);
      type = thenType === T.Unreachable ? this.typeOf(otherwise) : thenType;
      if (type === T.Unreachable) type = T.None;
    }
    return this.withChildren(Kind.If, type, otherwise === undefined ? [condition, then] : [condition, then, otherwise]);
  }
  /** Gives branch node `node` room for `count` label ids in `labelList`, from labelLength on. */
  private reserveLabels(node: Expr, count: number): void {
    if (this.labelLength + count > this.labelList.length) {
      const list = new Int32Array(Math.max(this.labelList.length * 2, this.labelLength + count));
      list.set(this.labelList);
      this.labelList = list;
    }
    this.a[node] = this.labelLength;
    this.b[node] = count;
  }
  br(label: string, condition?: Expr): Expr {
    const node = this.begin(Kind.Br, condition === undefined ? T.Unreachable : T.None, condition === undefined ? 0 : 1);
    if (condition !== undefined) this.childList[this.childStart[node]!] = condition;
    this.reserveLabels(node, 1);
    this.labelList[this.labelLength++] = this.labelId(label);
    return node;
  }
  switch(labels: readonly string[], defaultLabel: string, index: Expr): Expr {
    const node = this.begin(Kind.Switch, T.Unreachable, 1);
    this.childList[this.childStart[node]!] = index;
    this.reserveLabels(node, labels.length + 1);
    // A region's table names mostly one label (where no block starts): look each new one up once.
    let last: string | undefined;
    let lastId = 0;
    for (let index = 0; index < labels.length; index++) {
      const label = labels[index]!;
      if (label !== last) {
        last = label;
        lastId = this.labelId(label);
      }
      this.labelList[this.labelLength++] = lastId;
    }
    this.labelList[this.labelLength++] = this.labelId(defaultLabel);
    return node;
  }
  private globalIndex(global: string): number {
    const index = this.globals.findIndex((entry) => entry.name === global);
    if (index < 0) throw new Error(`wasm-encoder: no imported global ${global}`);
    return index;
  }
  /** Writes `bytes` at instantiation, at the address in imported i32 global `global` (one segment per module). */
  setDataSegment(global: string, bytes: Uint8Array): void {
    this.dataSegment = { global: this.globalIndex(global), bytes };
  }
  globalGet(global: string): Expr {
    const index = this.globalIndex(global);
    const node = this.begin(Kind.Op, T.I32, 0);
    this.code.byte(0x23);
    this.code.uleb(index);
    return this.endCode(node);
  }
  call(callee: string, operands: readonly Expr[], result: ValueType): Expr {
    const target = this.functionIndex.get(callee);
    if (target === undefined) throw new Error(`wasm-encoder: no function ${callee}`);
    const node = this.withChildren(Kind.Op, T_OF[result], operands);
    this.code.byte(0x10);
    this.code.uleb(target.index);
    return this.endCode(node);
  }
  /** Tail-calls function `callee` (an import or a function of this module). */
  returnCall(callee: string, operands: readonly Expr[]): Expr {
    const target = this.functionIndex.get(callee);
    if (target === undefined) throw new Error(`wasm-encoder: no function ${callee}`);
    const node = this.withChildren(Kind.Op, T.Unreachable, operands);
    this.code.byte(0x12);
    this.code.uleb(target.index);
    return this.endCode(node);
  }
  /** Calls the table's function at `slot` with `params` -> result. */
  callIndirect(slot: Expr, operands: readonly Expr[], params: readonly ValueType[], result: ValueType): Expr {
    const node = this.withChildren(Kind.Op, T_OF[result], [...operands, slot]);
    this.code.byte(0x11);
    this.code.uleb(this.typeIndex(params, result));
    this.code.byte(0); // the only table
    return this.endCode(node);
  }
  /** Tail-calls the table's function at `slot` with (i32, ...) -> result. */
  returnCallIndirect(slot: Expr, operands: readonly Expr[], params: readonly ValueType[], result: ValueType): Expr {
    const node = this.withChildren(Kind.Op, T.Unreachable, [...operands, slot]);
    this.code.byte(0x13);
    this.code.uleb(this.typeIndex(params, result));
    this.code.byte(0); // the only table
    return this.endCode(node);
  }
  drop(value: Expr): Expr {
    return this.op1(T.None, 0x1a, value);
  }
  return(value?: Expr): Expr {
    return value === undefined ? this.op0(T.Unreachable, 0x0f) : this.op1(T.Unreachable, 0x0f, value);
  }
  nop(): Expr {
    return this.op0(T.None, 0x01);
  }

  /** Adds the exported function `name`. Locals after the params are i32 unless listed in `localTypes`. */
  addFunction(functionName: string, params: readonly ValueType[], result: ValueType, localTypes: readonly ValueType[], body: Expr): void {
    const index = this.imports.length + this.functions.length;
    this.functionIndex.set(functionName, { index, result });
    this.functions.push({ name: functionName, type: this.typeIndex(params, result), locals: localTypes, body, result });
  }

  f64Type(): number {
    return ID_OF.f64;
  }

  /** Checks the module with the engine's own validator (tests). */
  validate(): boolean {
    return WebAssembly.validate(this.finish() as Uint8Array<ArrayBuffer>);
  }

  // ---- emitting ----

  /**
   * Writes `expr` in post-order. `emitDepth` counts the enclosing blocks, loops and ifs, and
   * `labelDepth` holds, per label id, the count at the innermost enclosing block with that label
   * (-1: none), so that a branch finds its relative depth at once: a region's dispatch br_table
   * names every block, each nested one deeper, and a search of the label stack for each of them
   * took 11 ms of CoreMark 700's 94 ms of compiles.
   */
  private emit(out: Bytes, expr: Expr): void {
    const kind = this.kinds[expr]! as Kind;
    const first = this.childStart[expr]!;
    const end = first + this.childCount[expr]!;
    switch (kind) {
      case Kind.Op: {
        const subtreeStart = this.subtreeStart[expr]!;
        if (subtreeStart >= 0) {
          out.copy(this.code.data, subtreeStart, this.b[expr]!);
          return;
        }
        for (let child = first; child < end; child++) this.emit(out, this.childList[child]!);
        out.copy(this.code.data, this.a[expr]!, this.b[expr]!);
        return;
      }
      case Kind.Block:
      case Kind.Loop: {
        const type = this.nodeTypes[expr]!;
        if (kind === Kind.Block && this.a[expr]! < 0 && (type === T.None || type === T.Unreachable)) {
          // A block without a label or a value only groups its children: no branch can name it,
          // so its code is theirs (3 bytes less, and one block less for V8 to decode).
          for (let child = first; child < end; child++) this.emit(out, this.childList[child]!);
          return;
        }
        out.byte(kind === Kind.Block ? 0x02 : 0x03);
        out.byte(BLOCK_TYPE_CODE[type]!);
        const label = this.a[expr]!;
        const outer = label < 0 ? -1 : this.labelDepth[label]!;
        if (label >= 0) this.labelDepth[label] = this.emitDepth;
        this.emitDepth++;
        for (let child = first; child < end; child++) this.emit(out, this.childList[child]!);
        this.emitDepth--;
        if (label >= 0) this.labelDepth[label] = outer;
        out.byte(0x0b);
        return;
      }
      case Kind.If:
        this.emit(out, this.childList[first]!);
        out.byte(0x04);
        out.byte(BLOCK_TYPE_CODE[this.nodeTypes[expr]!]!);
        this.emitDepth++;
        this.emit(out, this.childList[first + 1]!);
        if (end - first > 2) {
          out.byte(0x05);
          this.emit(out, this.childList[first + 2]!);
        }
        this.emitDepth--;
        out.byte(0x0b);
        return;
      case Kind.Br:
      case Kind.Switch: {
        for (let child = first; child < end; child++) this.emit(out, this.childList[child]!);
        const start = this.a[expr]!;
        const count = this.b[expr]!;
        if (kind === Kind.Br) {
          out.byte(end > first ? 0x0d : 0x0c);
          out.uleb(this.depth(this.labelList[start]!));
        } else {
          out.byte(0x0e);
          out.uleb(count - 1);
          let last = -1;
          let lastDepth = 0;
          for (let index = 0; index < count; index++) {
            const label = this.labelList[start + index]!;
            if (label !== last) {
              last = label;
              lastDepth = this.depth(label);
            }
            out.uleb(lastDepth);
          }
        }
        return;
      }
    }
  }

  /** The relative depth of the innermost enclosing block labelled `label`. */
  private depth(label: number): number {
    const at = this.labelDepth[label]!;
    if (at < 0) throw new Error(`wasm-encoder: branch to a label no enclosing block has (${[...this.labelIds].find(([, id]) => id === label)?.[0]})`);
    return this.emitDepth - 1 - at;
  }

  /** Emits the module's binary. */
  finish(): Uint8Array {
    const out = new Bytes(this.code.length + 2048);
    out.append([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const functionTypes = this.imports.map((entry) => this.typeIndex(entry.params, entry.result));
    // Types (after every typeIndex call above and in the builders).
    const types = new Bytes(256);
    types.uleb(this.types.length);
    for (const key of this.types) {
      const [params, result] = key.split(':') as [string, ValueType];
      types.byte(0x60);
      const list = params === '' ? [] : (params.split(',') as ValueType[]);
      types.uleb(list.length);
      for (const type of list) types.byte(TYPE_CODE[type]);
      if (result === 'none') types.byte(0);
      else types.append([1, TYPE_CODE[result]]);
    }
    out.section(1, types);
    // Imports: memory env.mem, table env.regions (if imported), the functions, the globals.
    const imports = new Bytes(256);
    imports.uleb((this.importsTable ? 2 : 1) + this.imports.length + this.globals.length);
    imports.name('env');
    imports.name('mem');
    // Limits with a maximum (0x01), shared (0x03: a SharedArrayBuffer-backed memory).
    imports.append([0x02, this.importedMemory.shared === true ? 0x03 : 0x01]);
    imports.uleb(this.importedMemory.pages);
    imports.uleb(this.importedMemory.maximumPages);
    if (this.importsTable) {
      imports.name('env');
      imports.name(REGION_TABLE);
      imports.append([0x01, 0x70, 0x00, 0x00]);
    }
    this.imports.forEach((entry, index) => {
      imports.name('env');
      imports.name(entry.name);
      imports.byte(0x00);
      imports.uleb(functionTypes[index]!);
    });
    for (const global of this.globals) {
      imports.name('env');
      imports.name(global.name);
      imports.append([0x03, 0x7f, global.mutable ? 0x01 : 0x00]);
    }
    out.section(2, imports);
    const functions = new Bytes(256);
    functions.uleb(this.functions.length);
    for (const entry of this.functions) functions.uleb(entry.type);
    out.section(3, functions);
    const exports = new Bytes(256);
    exports.uleb(this.functions.length);
    this.functions.forEach((entry, index) => {
      exports.name(entry.name);
      exports.byte(0x00);
      exports.uleb(this.imports.length + index);
    });
    out.section(7, exports);
    const code = new Bytes(this.code.length + 1024);
    code.uleb(this.functions.length);
    if (this.labelDepth.length < this.labelIds.size) this.labelDepth = new Int32Array(this.labelIds.size);
    this.labelDepth.fill(-1);
    this.emitDepth = 0;
    for (const entry of this.functions) {
      const body = this.body;
      body.length = 0;
      body.reserve(this.code.length + 1024);
      // Locals in runs of one type.
      const runs: [ValueType, number][] = [];
      for (const type of entry.locals) {
        const last = runs[runs.length - 1];
        if (last !== undefined && last[0] === type) last[1]++;
        else runs.push([type, 1]);
      }
      body.uleb(runs.length);
      for (const [type, count] of runs) {
        body.uleb(count);
        body.byte(TYPE_CODE[type]);
      }
      this.emit(body, entry.body);
      // The body block ends in a return; its value never falls off the end.
      if (entry.result !== 'none' && TYPES[this.typeOf(entry.body)] !== entry.result) body.byte(0x00);
      body.byte(0x0b);
      code.uleb(body.length);
      code.copy(body.data, 0, body.length);
    }
    out.section(10, code);
    if (this.dataSegment !== undefined) {
      const { global, bytes } = this.dataSegment;
      const data = new Bytes(bytes.length + 16);
      // One active segment of memory 0 at (global.get global).
      data.append([0x01, 0x00, 0x23]);
      data.uleb(global);
      data.byte(0x0b);
      data.uleb(bytes.length);
      data.copy(bytes, 0, bytes.length);
      out.section(11, data);
    }
    return out.data.slice(0, out.length);
  }

  /** Forgets the nodes and hands the encoder's arrays to the next encoder; it must not be used after. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.count = 0;
    this.childLength = 0;
    this.labelLength = 0;
    spareScratch = {
      kinds: this.kinds,
      nodeTypes: this.nodeTypes,
      a: this.a,
      b: this.b,
      subtreeStart: this.subtreeStart,
      childStart: this.childStart,
      childCount: this.childCount,
      childList: this.childList,
      labelList: this.labelList,
      code: this.code,
      body: this.body,
    };
  }
}

/** The float, conversion and typed-block builders translate-fpu.ts uses, in binaryen's shape. */
export interface FloatOperations {
  block(label: string | null, children: Expr[], type?: number): Expr;
  readonly f32: {
    demote(value: Expr): Expr;
    load(offset: number, align: number, address: Expr): Expr;
    store(offset: number, align: number, address: Expr, value: Expr): Expr;
  };
  readonly f64: {
    abs(value: Expr): Expr;
    neg(value: Expr): Expr;
    sqrt(value: Expr): Expr;
    add(a: Expr, b: Expr): Expr;
    sub(a: Expr, b: Expr): Expr;
    mul(a: Expr, b: Expr): Expr;
    div(a: Expr, b: Expr): Expr;
    eq(a: Expr, b: Expr): Expr;
    ne(a: Expr, b: Expr): Expr;
    lt(a: Expr, b: Expr): Expr;
    gt(a: Expr, b: Expr): Expr;
    le(a: Expr, b: Expr): Expr;
    ge(a: Expr, b: Expr): Expr;
    const(value: number): Expr;
    promote(value: Expr): Expr;
    readonly convert_s: { i32(value: Expr): Expr };
    load(offset: number, align: number, address: Expr): Expr;
    store(offset: number, align: number, address: Expr, value: Expr): Expr;
  };
  readonly i32: { readonly trunc_s: { f64(value: Expr): Expr } };
}
