// The host memory of a system-mode VM: one growable WebAssembly.Memory that holds every memory
// region's bytes and every VCPU's state block, so interpreter and compiled code address the same
// bytes. Space is handed out in 4 KiB pages by a bump allocator; growing the memory replaces its
// ArrayBuffer, so holders of views register a listener and rebuild them.

import { PAGE_SIZE } from './flat-memory.js';

const WASM_PAGE = 0x1_0000;
/** Wasm32's limit: 65,536 pages of 64 KiB. */
const MAX_WASM_PAGES = 0x1_0000;

export class HostMemory {
  readonly memory: WebAssembly.Memory;
  u8!: Uint8Array;
  i8!: Int8Array;
  i16!: Int16Array;
  i32!: Int32Array;
  /** The next free byte (page aligned). */
  private top = 0;
  /** Called after the memory grew (its buffer changed). */
  readonly growListeners: ((buffer: ArrayBuffer) => void)[] = [];

  constructor(initialBytes = 16 * WASM_PAGE) {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(initialBytes / WASM_PAGE), maximum: MAX_WASM_PAGES });
    this.rebuildViews();
  }

  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }

  /** Size now, and at most, in 64 KiB WebAssembly pages (what a module importing the memory declares). */
  get pages(): number {
    return this.memory.buffer.byteLength / WASM_PAGE;
  }
  readonly maximumPages = MAX_WASM_PAGES;

  private rebuildViews(): void {
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.i8 = new Int8Array(buffer);
    this.i16 = new Int16Array(buffer);
    this.i32 = new Int32Array(buffer);
  }

  /** Allocates `bytes` (rounded up to whole pages), zero-filled; returns the host offset. */
  allocate(bytes: number): number {
    const size = Math.ceil(bytes / PAGE_SIZE) * PAGE_SIZE;
    const offset = this.top;
    const end = offset + size;
    if (end > MAX_WASM_PAGES * WASM_PAGE - PAGE_SIZE) {
      throw new RangeError(`host memory exhausted: ${size} more bytes would pass the 4 GiB WebAssembly limit`);
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // Grow by at least a quarter so that many small allocations do not regrow every time.
      const wanted = Math.max(end, Math.min(have + (have >> 2), MAX_WASM_PAGES * WASM_PAGE));
      this.memory.grow(Math.ceil((wanted - have) / WASM_PAGE));
      this.rebuildViews();
      for (const listener of this.growListeners) listener(this.memory.buffer);
    }
    this.top = end;
    return offset;
  }
}
