// The in-VM device bus (KVM's in-kernel io bus): device models a host registers for ranges of
// guest-physical addresses that no memory slot covers. A guest load or store there calls the
// device straight from the CPU's MMIO slow path (interpreter and compiled code alike) instead
// of ending the run with an `mmio` exit. Addresses no device claims still exit to the host.

/** A device on the bus. Offsets are from `base`; `size` is the access width in bytes. */
export interface MmioHandler {
  /** First guest-physical address the device claims. */
  readonly base: number;
  /** Bytes claimed from `base`. */
  readonly size: number;
  /** A guest load: returns the value (its low `size` bytes are used; the CPU sign- or zero-extends as the instruction asks). */
  read(offset: number, size: 1 | 2 | 4): number;
  /** A guest store of the low `size` bytes of `value` (unsigned). */
  write(offset: number, size: 1 | 2 | 4, value: number): void;
}

export class MmioBus {
  /** Claimed ranges sorted by base; they never overlap. */
  private handlers: MmioHandler[] = [];
  private lastHit: MmioHandler | undefined;

  get count(): number {
    return this.handlers.length;
  }

  /** Adds a device. Throws a RangeError (changing nothing) when its range overlaps another's. */
  add(handler: MmioHandler): void {
    const end = handler.base + handler.size;
    for (const other of this.handlers) {
      if (handler.base < other.base + other.size && other.base < end) {
        throw new RangeError(
          `addMmioHandler: 0x${handler.base.toString(16)}..0x${(end - 1).toString(16)} overlaps the device at 0x${other.base.toString(16)}..0x${(other.base + other.size - 1).toString(16)}`,
        );
      }
    }
    this.handlers = [...this.handlers, handler].sort((a, b) => a.base - b.base);
  }

  /** Removes a device added before; false when it is not on the bus. */
  remove(handler: MmioHandler): boolean {
    const index = this.handlers.indexOf(handler);
    if (index < 0) return false;
    this.handlers = this.handlers.filter((h) => h !== handler);
    if (this.lastHit === handler) this.lastHit = undefined;
    return true;
  }

  /** The device claiming every byte of [physical, physical + size), if any. */
  find(physical: number, size: number): MmioHandler | undefined {
    const last = this.lastHit;
    if (last !== undefined && physical >= last.base && physical + size <= last.base + last.size) return last;
    const handlers = this.handlers;
    let low = 0;
    let high = handlers.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const handler = handlers[middle]!;
      if (physical < handler.base) high = middle - 1;
      else if (physical >= handler.base + handler.size) low = middle + 1;
      else {
        if (physical + size > handler.base + handler.size) return undefined;
        this.lastHit = handler;
        return handler;
      }
    }
    return undefined;
  }
}
