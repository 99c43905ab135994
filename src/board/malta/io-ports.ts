// The PCI I/O space behind the GT-64120's I/O window: ISA ports (the PIIX4's PICs, timer, RTC,
// the 16550s) and the I/O registers of PCI functions. A port no device decodes reads all ones
// and ignores writes, as an ISA bus with nothing on it does.

import { allOnes, type BusDevice } from '../devices.js';

/** I/O space is 64 KiB; ports above it (inside the 2 MiB window) decode to nothing. */
export const IO_SPACE_SIZE = 0x1_0000;
/** Ranges decoded at once (each port names its range's slot in a byte). */
const MAX_RANGES = 255;

interface PortRange {
  readonly base: number;
  readonly size: number;
  readonly device: BusDevice;
}

export class IoPorts {
  /** Index + 1 into `ranges` for each port (0: nothing there). */
  private readonly owner = new Uint8Array(IO_SPACE_SIZE);
  private readonly ranges: PortRange[] = [];
  /** Reads and writes that found no device (for the board's statistics). */
  unclaimed = 0;

  /**
   * Decodes [base, base + size) to `device` (offsets from `base`). Throws on overlap, and past
   * MAX_RANGES ranges at once. A removed range's slot is reused: a kernel that moves PCI BARs
   * again and again (each move is a remove and an add) never runs out.
   */
  add(base: number, size: number, device: BusDevice): void {
    for (let port = base; port < base + size; port++) {
      if (this.owner[port] !== 0) throw new RangeError(`I/O port 0x${port.toString(16)} is decoded twice`);
    }
    let index = this.ranges.findIndex((range) => range.device === NOTHING);
    if (index < 0) {
      if (this.ranges.length === MAX_RANGES) throw new RangeError(`more than ${MAX_RANGES} I/O port ranges`);
      index = this.ranges.push({ base, size, device }) - 1;
    } else this.ranges[index] = { base, size, device };
    this.owner.fill(index + 1, base, base + size);
  }

  /** Stops decoding the ranges `device` was added with. */
  remove(device: BusDevice): void {
    this.ranges.forEach((range, index) => {
      if (range.device !== device) return;
      this.owner.fill(0, range.base, range.base + range.size);
      // Other slots keep their indexes: this one stays, pointing at nothing, until reused.
      this.ranges[index] = { base: 0, size: 0, device: NOTHING };
    });
  }

  read(port: number, size: 1 | 2 | 4): number {
    const range = port < IO_SPACE_SIZE ? this.ranges[this.owner[port]! - 1] : undefined;
    if (range === undefined || port + size > range.base + range.size) {
      this.unclaimed++;
      return allOnes(size);
    }
    return range.device.read(port - range.base, size);
  }

  write(port: number, size: 1 | 2 | 4, value: number): void {
    const range = port < IO_SPACE_SIZE ? this.ranges[this.owner[port]! - 1] : undefined;
    if (range === undefined || port + size > range.base + range.size) {
      this.unclaimed++;
      return;
    }
    range.device.write(port - range.base, size, value);
  }
}

const NOTHING: BusDevice = { read: () => 0xff, write: () => {} };

/** Registers that read 0 and ignore writes: a PCI function's I/O BAR whose device is idle (e.g. a reset USB host). */
export const IDLE_REGISTERS: BusDevice = { read: () => 0, write: () => {} };
