// The host memory of a system-mode VM: one growable WebAssembly.Memory that holds every memory
// region's bytes and every VCPU's state block, so interpreter and compiled code address the same
// bytes. Space is handed out in 4 KiB pages by a bump allocator; growing the memory replaces its
// ArrayBuffer, so holders of views register a listener and rebuild them. (A VM told the size of
// its regions up front, VmOptions.memoryBytes, does not grow: V8 checks every typed-array access
// of a process for a detached buffer once one buffer was detached.) Freed ranges (deleted
// slots) go to a free list (first fit, neighbours merged) and are zeroed when handed out again,
// so a VM that creates and deletes slots for days does not grow.

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
  /** The highest `top` so far: memory above it was never handed out and is still zero. */
  private highWater = 0;
  /** Freed ranges below `top`, by offset, never adjacent (merged). */
  private readonly freeRanges: { offset: number; size: number }[] = [];
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
    for (let index = 0; index < this.freeRanges.length; index++) {
      const range = this.freeRanges[index]!;
      if (range.size < size) continue;
      const offset = range.offset;
      if (range.size === size) this.freeRanges.splice(index, 1);
      else {
        range.offset += size;
        range.size -= size;
      }
      this.u8.fill(0, offset, offset + size);
      return offset;
    }
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
    // Below the high-water mark the bytes were used before (the top came down after a free).
    if (offset < this.highWater) this.u8.fill(0, offset, Math.min(end, this.highWater));
    this.top = end;
    this.highWater = Math.max(this.highWater, end);
    return offset;
  }

  /** Returns [offset, offset + bytes) (from allocate) to the free list. */
  free(offset: number, bytes: number): void {
    const size = Math.ceil(bytes / PAGE_SIZE) * PAGE_SIZE;
    const ranges = this.freeRanges;
    let index = 0;
    while (index < ranges.length && ranges[index]!.offset < offset) index++;
    ranges.splice(index, 0, { offset, size });
    // Merge with the next range, then with the previous one.
    const next = ranges[index + 1];
    if (next !== undefined && offset + size === next.offset) {
      ranges[index]!.size += next.size;
      ranges.splice(index + 1, 1);
    }
    const previous = ranges[index - 1];
    if (previous !== undefined && previous.offset + previous.size === offset) {
      previous.size += ranges[index]!.size;
      ranges.splice(index, 1);
      index--;
    }
    // A free range at the top lowers the top.
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.offset + last.size === this.top) {
      this.top = last.offset;
      ranges.pop();
    }
  }

  /** Bytes handed out and not freed (statistics and tests). */
  get bytesInUse(): number {
    return this.top - this.freeRanges.reduce((sum, range) => sum + range.size, 0);
  }
}
