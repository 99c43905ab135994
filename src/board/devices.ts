// What a board's device models look like: registers on a bus (I/O ports or memory-mapped), an
// interrupt output, and guest time for devices that keep time (timers, the RTC). Boards put
// devices on the VM's bus with vm.addMmioHandler and wire interrupt outputs to a PIC or a VCPU
// line; nothing here knows about the CPU.

/** Registers addressed by offset from where the board maps the device. */
export interface BusDevice {
  /** A load of `size` bytes at `offset`; returns the value zero-extended (unsigned). */
  read(offset: number, size: 1 | 2 | 4): number;
  /** A store of the low `size` bytes of `value` at `offset`. */
  write(offset: number, size: 1 | 2 | 4, value: number): void;
}

/** All ones in `size` bytes: what a read of nothing returns on a bus whose lines float high, and the mask of a `size`-byte value. */
export const allOnes = (size: 1 | 2 | 4): number => (size === 4 ? 0xffff_ffff : size === 2 ? 0xffff : 0xff);

/** A load (`value` undefined, returns the data) or a store (returns 0) forwarded to `device`. */
export function forward(device: BusDevice, offset: number, size: 1 | 2 | 4, value: number | undefined): number {
  if (value === undefined) return device.read(offset, size);
  device.write(offset, size, value);
  return 0;
}

/** An interrupt output: the board wires it to a PIC input or a CPU interrupt line. */
export type IrqLine = (asserted: boolean) => void;

/** Guest time: nanoseconds since the board was created, monotonic. */
export interface GuestClock {
  nowNs(): number;
}

/** A device that acts at times of its own (a timer's interrupt): the board polls it. */
export interface TimedDevice {
  /** Guest time (ns) of the next event the device must act on, or Infinity. */
  nextEventNs(): number;
  /** Lets the device catch up to `nowNs` (raise or drop its interrupt, latch a time). */
  poll(nowNs: number): void;
}
