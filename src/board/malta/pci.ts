// PCI configuration space for the functions a board models, and the bus that answers
// configuration cycles by (device, function). A function's 256 bytes hold its identity
// (vendor/device/class, read-only), a command register, base address registers that size
// themselves as PCI's BAR protocol says (write all-ones, read back the size mask), and
// device-specific registers that are writable unless the model says otherwise. A (device,
// function) the board does not model is absent: the host bridge reports a master abort.

/** Standard configuration header offsets. */
export const PciConfig = {
  VendorId: 0x00,
  DeviceId: 0x02,
  Command: 0x04,
  Status: 0x06,
  Revision: 0x08,
  ClassProgIf: 0x09,
  HeaderType: 0x0e,
  Bar0: 0x10,
  ExpansionRom: 0x30,
  InterruptLine: 0x3c,
  InterruptPin: 0x3d,
} as const;

/** A base address register: I/O or memory space, its size in bytes (a power of two). */
export interface BarSpec {
  readonly index: number;
  readonly kind: 'io' | 'memory';
  readonly size: number;
  /** Memory BARs: the prefetchable bit (read-only, 3). */
  readonly prefetchable?: boolean;
}

export interface PciFunctionSpec {
  readonly vendorId: number;
  readonly deviceId: number;
  /** Class code, subclass and programming interface as one 24-bit number (e.g. 0x06_0100). */
  readonly classCode: number;
  readonly revision?: number;
  /** Header type byte; bit 7 says the device has more functions (a multi-function device). */
  readonly headerType?: number;
  readonly interruptPin?: number;
  readonly bars?: readonly BarSpec[];
  /** Size of the expansion ROM BAR (0x30) in bytes, a power of two of 2 KiB or more; none when absent. */
  readonly romSize?: number;
  /** Device-specific registers' reset values: [offset, byte] pairs. */
  readonly initial?: readonly (readonly [number, number])[];
  /** Device-specific byte offsets (0x40..0xff) that are read-only. */
  readonly readOnly?: readonly number[];
}

/** One PCI function's configuration space. */
export class PciFunction {
  readonly bytes = new Uint8Array(256);
  private readonly writable = new Uint8Array(256);
  private readonly bars: readonly BarSpec[];
  /** Called after any write, e.g. so the board can move a BAR's I/O range. */
  onWrite: ((offset: number) => void) | undefined;

  constructor(spec: PciFunctionSpec) {
    const view = new DataView(this.bytes.buffer);
    view.setUint16(PciConfig.VendorId, spec.vendorId, true);
    view.setUint16(PciConfig.DeviceId, spec.deviceId, true);
    this.bytes[PciConfig.Revision] = spec.revision ?? 0;
    this.bytes[PciConfig.ClassProgIf] = spec.classCode & 0xff;
    this.bytes[PciConfig.ClassProgIf + 1] = (spec.classCode >>> 8) & 0xff;
    this.bytes[PciConfig.ClassProgIf + 2] = (spec.classCode >>> 16) & 0xff;
    this.bytes[PciConfig.HeaderType] = spec.headerType ?? 0;
    this.bytes[PciConfig.InterruptPin] = spec.interruptPin ?? 0;
    this.bars = spec.bars ?? [];
    // Command (I/O, memory, bus master enables), latency timer, interrupt line, and 0x40 up.
    this.writable[PciConfig.Command] = 0x07;
    this.writable[0x0d] = 0xff;
    this.writable[PciConfig.InterruptLine] = 0xff;
    this.writable.fill(0xff, 0x40);
    for (const offset of spec.readOnly ?? []) this.writable[offset] = 0;
    for (const bar of this.bars) {
      const at = PciConfig.Bar0 + bar.index * 4;
      const mask = ~(bar.size - 1);
      view.setUint32(at, bar.kind === 'io' ? 1 : bar.prefetchable === true ? 8 : 0, true);
      for (let i = 0; i < 4; i++) this.writable[at + i] = (mask >>> (i * 8)) & (i === 0 ? (bar.kind === 'io' ? 0xfc : 0xf0) : 0xff);
    }
    if (spec.romSize !== undefined) {
      // Address bits above the size, and the enable bit 0.
      const mask = (~(spec.romSize - 1) & ~0x7ff) | 1;
      for (let i = 0; i < 4; i++) this.writable[PciConfig.ExpansionRom + i] = (mask >>> (i * 8)) & 0xff;
    }
    for (const [offset, value] of spec.initial ?? []) this.bytes[offset] = value;
  }

  /** The aligned 32-bit word at `offset & 0xfc`. */
  readWord(offset: number): number {
    const at = offset & 0xfc;
    return (this.bytes[at]! | (this.bytes[at + 1]! << 8) | (this.bytes[at + 2]! << 16) | (this.bytes[at + 3]! << 24)) >>> 0;
  }

  /** Writes the bytes of `value` selected by `byteEnables` (bit n: byte n of the word) at `offset & 0xfc`. */
  writeWord(offset: number, value: number, byteEnables = 0xf): void {
    const at = offset & 0xfc;
    for (let i = 0; i < 4; i++) {
      if ((byteEnables & (1 << i)) === 0) continue;
      const mask = this.writable[at + i]!;
      this.bytes[at + i] = (this.bytes[at + i]! & ~mask) | ((value >>> (i * 8)) & mask);
    }
    this.onWrite?.(at);
  }

  /** Where BAR `index` points now (its address bits), or undefined when it is not decoded. */
  barAddress(index: number): number | undefined {
    const bar = this.bars.find((b) => b.index === index);
    if (bar === undefined) return undefined;
    const command = this.bytes[PciConfig.Command]!;
    if ((command & (bar.kind === 'io' ? 1 : 2)) === 0) return undefined;
    const word = this.readWord(PciConfig.Bar0 + index * 4);
    return (word & (bar.kind === 'io' ? ~3 : ~15)) >>> 0;
  }

  get barSpecs(): readonly BarSpec[] {
    return this.bars;
  }
}

/** The functions on one PCI bus, addressed by (device 0..31, function 0..7). */
export class PciBus {
  private readonly functions = new Map<number, PciFunction>();

  add(device: number, fn: number, pciFunction: PciFunction): void {
    this.functions.set(device * 8 + fn, pciFunction);
  }

  /** The function at `devfn` (device * 8 + function), or undefined: absent, a master abort. */
  at(devfn: number): PciFunction | undefined {
    return this.functions.get(devfn);
  }
}
