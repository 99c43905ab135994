// Flat guest memory for Linux user mode: guest virtual address == offset in one WebAssembly.Memory,
// with a permission byte per 4 KiB page stored in the same memory right after the guest space (at
// `permsBase`), so compiled code checks it inline. The VCPU state block lives in the guest's null
// page (never mappable: Linux's mmap_min_addr is 64 KiB).

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;

/** Permission bits per page. `Code` marks pages whose predecoded instructions are cached. */
export const enum Perm {
  None = 0,
  Read = 1,
  Write = 2,
  Exec = 4,
  /** Predecoded or compiled code exists for this page: stores must take the slow path. */
  Code = 8,
}

const WASM_PAGE = 0x1_0000;

/**
 * The access tables that follow the permission table: one byte per page each, ACCESS_ALLOWED (1)
 * when a plain access of that kind may proceed, 0 when not. Compiled code tests an access of n
 * bytes at `address` with one lookup and one unsigned compare, `(address & (n - 1)) >=
 * table[address >>> 12]`: always true on a denied page (anything >= 0), and on an allowed one
 * exactly when the address is misaligned (>= 1). Derived from `perms` by FlatMemory at every
 * change: Read for loads; Write without Code for stores; all three for a group that does both
 * (codegen/access-checks.ts) and for SWL/SWR, which read the word they merge into. 0 means denied
 * so that zeroed memory, and every page past the guest space, denies.
 */
export const enum AccessTable {
  Read = 0,
  Write = 1,
  ReadWrite = 2,
}
/** An access table's byte for a page the access may use (see AccessTable). */
export const ACCESS_ALLOWED = 1;
const ACCESS_TABLES = 3;
/** Bytes of each access table (and of the permission table): one per page of the 32-bit space. */
export const ACCESS_TABLE_BYTES = 1 << (32 - PAGE_SHIFT);

/**
 * Entries of the JIT's jump cache (FlatMemory.jumpCache): 2 MiB of [PC, slot] pairs. Guest code
 * rarely spans more than 1 MiB, so two compiled entries seldom share an index; a conflict costs
 * one return to the host, which refills the entry.
 */
export const JUMP_CACHE_ENTRIES = 1 << 18;

/**
 * Bytes for one compiled region's dispatch table: for each word from its first block start to its
 * last, the index of the region's block that starts there, or NO_BLOCK (codegen/translate.ts
 * dispatchTable). A region instantiates it from its own data segment into the table of its
 * function-table slot. Two pages' words: a region's blocks lie in its page and, in user mode, in
 * the neighbouring pages' code within two pages of each other (codegen/region.ts REGION_SPAN_BYTES).
 */
export const DISPATCH_TABLE_BYTES = (2 * PAGE_SIZE) >>> 2;
/** A dispatch table's byte for a word where no block of the region starts. */
export const NO_BLOCK = 0xff;
/** Dispatch tables (4 MiB): regions in table slots past this many are not installed (codegen/engine.ts). */
export const DISPATCH_TABLES = 2048;
/** One permission byte for every page of the 32-bit space, so any address indexes it (pages past the guest space stay 0). */
const PERMISSION_TABLE_BYTES = ACCESS_TABLE_BYTES;
/**
 * What a FlatMemory holds after its guest space: the permission table, the access tables, the
 * jump cache, the dispatch tables (10 MiB, a multiple of 64 KiB).
 */
export const TABLE_BYTES = PERMISSION_TABLE_BYTES + ACCESS_TABLES * ACCESS_TABLE_BYTES + JUMP_CACHE_ENTRIES * 8 + DISPATCH_TABLES * DISPATCH_TABLE_BYTES;
/** The index of `pc`'s entry's tag word in the jump cache (Int32Array): ((pc >> 2) mod entries) * 2; its slot follows. */
export const jumpCacheIndex = (pc: number): number => ((pc >>> 2) & (JUMP_CACHE_ENTRIES - 1)) << 1;

/** Points `pc`'s jump-cache entry at table slot `slot` (slot first: compiled code reads the tag first). */
export function publishJump(jumpCache: Int32Array, pc: number, slot: number): void {
  const index = jumpCacheIndex(pc);
  jumpCache[index + 1] = slot;
  jumpCache[index] = pc;
}

/**
 * The tag of an empty jump-cache entry whose tag is word `index` of the cache: a value no PC that
 * looks the entry up can have, so compiled code never takes it for a hit. A PC picks its entry by
 * its bits 2-19: every PC of entry i > 0 has some of them set, so 0 is empty there; PCs of entry 0
 * (0, the odd 1 and 3, 0x10_0000...) have none, so 4 is empty there. Zeroed memory is thus an
 * empty cache but for one word (filling its 2 MiB took ~6 ms of each run).
 */
export const emptyJumpTag = (index: number): number => (index === 0 ? 4 : 0);

/** Empties every entry of `jumpCache` (the slots of empty entries are never read). */
export function clearJumpCache(jumpCache: Int32Array): void {
  jumpCache.fill(0);
  jumpCache[0] = emptyJumpTag(0);
}

/**
 * Whether a FlatMemory is shared (SharedArrayBuffer-backed) unless told: in Node, yes. V8 counts a
 * plain memory's 2 GiB reservation as external memory and runs a full mark-compact for it (10-12
 * ms of each process start, measured with --trace-gc); a shared one it does not. Browsers only
 * allow shared memory in cross-origin isolated pages, and some of their APIs (TextDecoder) refuse
 * views of it, so there it stays plain.
 */
const SHARED_BY_DEFAULT = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

export interface FlatMemoryOptions {
  /** Back the memory with a SharedArrayBuffer (default: in Node). Compiled code imports it shared. */
  readonly shared?: boolean;
}

export class FlatMemory {
  readonly memory: WebAssembly.Memory;
  /** The memory is SharedArrayBuffer-backed (FlatMemoryOptions.shared). */
  readonly shared: boolean;
  readonly size: number;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  /**
   * Permission byte per guest page (a view at `permsBase` in the same memory). Read it freely;
   * write it only through setPerm and markCode, which keep the access tables in step.
   */
  readonly perms: Uint8Array;
  /** Byte offset of the permission table in the memory. */
  readonly permsBase: number;
  /** Byte offset of the access table `AccessTable.Read` in the memory; the others follow it, 1 MiB apart. */
  readonly accessTablesBase: number;
  /** The access tables (AccessTable), derived from `perms`; written only by setPerm. */
  private readonly accessTables: Uint8Array;
  /**
   * The JIT's jump cache (after the permission table): JUMP_CACHE_ENTRIES pairs of words
   * [guest PC, function-table slot of the compiled region that has the PC as an entry], indexed
   * by the PC's word address modulo the size. Compiled code looks a register jump's target up
   * here (JR $ra, JALR through a function pointer, a jump table) and tail-calls the region without
   * returning to the host. An empty entry's tag is emptyJumpTag(its index).
   */
  readonly jumpCache: Int32Array;
  readonly jumpCacheBase: number;
  /** Where the dispatch table of function-table slot i starts: dispatchBase + i * DISPATCH_TABLE_BYTES. */
  readonly dispatchBase: number;
  /** Called when a page loses its Code bit (a store hit it, or it was unmapped/reprotected). */
  readonly codeInvalidationListeners: ((page: number) => void)[] = [];

  /** `size` is the guest address-space size in bytes (a multiple of 64 KiB, at most 4 GiB - TABLE_BYTES: the tables follow it). */
  constructor(size: number, options: FlatMemoryOptions = {}) {
    if (size % WASM_PAGE !== 0 || size <= 0 || size > 2 ** 32 - TABLE_BYTES) {
      throw new RangeError(`guest address space of ${size} bytes: must be a positive multiple of 64 KiB, at most 4 GiB - ${TABLE_BYTES >>> 20} MiB`);
    }
    this.size = size;
    // Untouched pages cost no host memory: the OS commits them on first write.
    this.permsBase = size;
    this.accessTablesBase = size + PERMISSION_TABLE_BYTES;
    this.jumpCacheBase = this.accessTablesBase + ACCESS_TABLES * ACCESS_TABLE_BYTES;
    this.dispatchBase = this.jumpCacheBase + JUMP_CACHE_ENTRIES * 8;
    const pages = (size + TABLE_BYTES) / WASM_PAGE;
    this.shared = options.shared ?? SHARED_BY_DEFAULT;
    this.memory = new WebAssembly.Memory({ initial: Math.floor(pages), maximum: Math.floor(pages), shared: this.shared });
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.i8 = new Int8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.i16 = new Int16Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.perms = new Uint8Array(buffer, this.permsBase, PERMISSION_TABLE_BYTES);
    this.accessTables = new Uint8Array(buffer, this.accessTablesBase, ACCESS_TABLES * ACCESS_TABLE_BYTES);
    this.jumpCache = new Int32Array(buffer, this.jumpCacheBase, JUMP_CACHE_ENTRIES * 2);
    // The memory is zeroed: an empty cache once its first entry is (emptyJumpTag).
    this.jumpCache[0] = emptyJumpTag(0);
  }

  /**
   * Every page without permissions and an empty jump cache, as when new (for reuse of the memory
   * by another guest, whose owner has zeroed the guest bytes it used).
   */
  clearTables(): void {
    // Page by page, not fill(): a fill would touch (and make the host commit) every page of the
    // access tables, most of which were never written.
    for (let page = 0; page < this.perms.length; page++) if (this.perms[page] !== 0) this.setPerm(page, Perm.None);
    clearJumpCache(this.jumpCache);
  }

  /** Sets a page's permission byte and its access tables' bytes (see AccessTable). */
  setPerm(page: number, perm: number): void {
    this.perms[page] = perm;
    const readable = (perm & Perm.Read) !== 0;
    const writable = (perm & (Perm.Write | Perm.Code)) === Perm.Write;
    const tables = this.accessTables;
    tables[AccessTable.Read * ACCESS_TABLE_BYTES + page] = readable ? ACCESS_ALLOWED : 0;
    tables[AccessTable.Write * ACCESS_TABLE_BYTES + page] = writable ? ACCESS_ALLOWED : 0;
    tables[AccessTable.ReadWrite * ACCESS_TABLE_BYTES + page] = readable && writable ? ACCESS_ALLOWED : 0;
  }

  /** Marks a page as holding predecoded or compiled code: stores to it take the slow path. */
  markCode(page: number): void {
    const perm = this.perms[page]!;
    if ((perm & Perm.Code) === 0) this.setPerm(page, perm | Perm.Code);
  }

  private invalidateCode(page: number): void {
    for (const listener of this.codeInvalidationListeners) listener(page);
  }

  /** True when [address, address + length) lies inside the address space. */
  inRange(address: number, length: number): boolean {
    return address >= 0 && length >= 0 && address + length <= this.size;
  }

  /** Sets the permissions of every page overlapping [address, address + length). */
  protect(address: number, length: number, perm: number): void {
    if (length === 0) return;
    const first = address >>> PAGE_SHIFT;
    const last = (address + length - 1) >>> PAGE_SHIFT;
    for (let page = first; page <= last; page++) {
      if (this.perms[page]! & Perm.Code) this.invalidateCode(page);
      this.setPerm(page, perm & ~Perm.Code);
    }
  }

  /** Zero-fills pages (used when mapping anonymous memory over old contents). */
  zero(address: number, length: number): void {
    this.u8.fill(0, address, address + length);
  }

  /** Is every page of [address, address + length) accessible with `perm`? */
  accessible(address: number, length: number, perm: number): boolean {
    if (length === 0) return true;
    if (!this.inRange(address >>> 0, length)) return false;
    const first = address >>> PAGE_SHIFT;
    const last = (address + length - 1) >>> PAGE_SHIFT;
    for (let page = first; page <= last; page++) if ((this.perms[page]! & perm) !== perm) return false;
    return true;
  }

  /**
   * Called by stores that found a page without plain write permission. Drops cached code of a
   * writable page and returns true when the store may proceed.
   */
  prepareWrite(address: number): boolean {
    const page = address >>> PAGE_SHIFT;
    const perm = this.perms[page]!;
    if ((perm & Perm.Write) === 0) return false;
    this.dropCode(page);
    return true;
  }

  /** Drops the cached code of every page (the code was compiled for an FPU mode that changed). */
  dropAllCode(): void {
    for (let page = 0; page < this.perms.length; page++) if (this.perms[page]! & Perm.Code) this.dropCode(page);
  }

  /** Drops cached code of a page (cacheflush, SYNCI): clears its Code bit and tells every listener. */
  dropCode(page: number): void {
    const perm = this.perms[page]!;
    if (perm & Perm.Code) {
      this.setPerm(page, perm & ~Perm.Code);
      this.invalidateCode(page);
    }
  }

  /** Host-side copy out of guest memory (no permission checks; callers check). */
  read(address: number, length: number): Uint8Array {
    return this.u8.slice(address, address + length);
  }

  /** Host-side copy into guest memory; invalidates cached code on the pages it touches. */
  write(address: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const first = address >>> PAGE_SHIFT;
    const last = (address + bytes.length - 1) >>> PAGE_SHIFT;
    for (let page = first; page <= last; page++) this.dropCode(page);
    this.u8.set(bytes, address);
  }

  /** Reads a NUL-terminated string (at most `limit` bytes); undefined when it runs off mapped memory. */
  readCString(address: number, limit = 4096): Uint8Array | undefined {
    for (let index = 0; index < limit; index++) {
      const at = address + index;
      if (!this.accessible(at, 1, Perm.Read)) return undefined;
      if (this.u8[at] === 0) return this.u8.slice(address, at);
    }
    return undefined;
  }

  readU32(address: number): number {
    return (this.u8[address]! | (this.u8[address + 1]! << 8) | (this.u8[address + 2]! << 16) | (this.u8[address + 3]! << 24)) >>> 0;
  }
}
