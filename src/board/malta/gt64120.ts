// The Galileo GT-64120 system controller of the Malta's CoreLV card, as Linux drives it
// (arch/mips/pci/ops-gt64xxx_pci0.c, arch/mips/mti-malta/malta-{init,pci,int}.c) and QEMU
// models it (hw/pci-host/gt64120.c): its 4 KiB register file, the internal-space decode (ISD)
// register that moves it, the CPU-to-PCI windows (PCI I/O and two memory windows), PCI
// configuration cycles through CFGADDR/CFGDATA with master aborts recorded in the interrupt
// cause register, and the PCI interrupt-acknowledge register that runs the i8259's INTA cycle.
//
// Registers hold what the CPU writes as little-endian words. Window registers hold address bits
// 35..21 (a "low decode" register) and the high decode's low 7 bits. PCI I/O addresses are the
// offset into the I/O window (the remap register is kept but Linux sets it to 0 on Malta).

import type { BusDevice } from '../devices.js';
import type { PciBus, PciFunctionSpec } from './pci.js';

/** The little-endian bytes of `value` at `offset`, as a PciFunctionSpec's `initial` pairs. */
const wordAt = (offset: number, value: number): [number, number][] => [0, 1, 2, 3].map((i) => [offset + i, (value >>> (i * 8)) & 0xff]);

/**
 * The GT-64120's own PCI function (device 0): a host bridge whose six BARs hold fixed values
 * (the SCS/CS windows as the chip's PCI side sees them) that no write changes, as QEMU models
 * them. Linux finds them impossible to size and says so ("BAR n: invalid; can't size").
 */
export const GT64120_PCI_FUNCTION: PciFunctionSpec = {
  vendorId: 0x11ab,
  deviceId: 0x4620,
  classCode: 0x06_0000,
  revision: 0x10,
  interruptPin: 1,
  initial: [
    // Status: fast back-to-back capable, medium DEVSEL timing.
    ...wordAt(0x04, 0x0280_0000),
    ...wordAt(0x10, 0x0000_0008),
    ...wordAt(0x14, 0x0100_0008),
    ...wordAt(0x18, 0x1c00_0000),
    ...wordAt(0x1c, 0x1f00_0000),
    ...wordAt(0x20, 0x1400_0000),
    ...wordAt(0x24, 0x1400_0001),
  ],
};

/** Register offsets used by Linux and the boot stub. */
export const GtReg = {
  Pci0IoLow: 0x048,
  Pci0IoHigh: 0x050,
  Pci0Mem0Low: 0x058,
  Pci0Mem0High: 0x060,
  InternalSpaceDecode: 0x068,
  Pci0Mem1Low: 0x080,
  Pci0Mem1High: 0x088,
  Pci0IoRemap: 0x0f0,
  Pci0Mem0Remap: 0x0f8,
  Pci0Mem1Remap: 0x100,
  Pci0Command: 0xc00,
  InterruptCause: 0xc18,
  Pci0InterruptAcknowledge: 0xc34,
  Pci0ConfigAddress: 0xcf8,
  Pci0ConfigData: 0xcfc,
} as const;

/** Interrupt cause bits Linux checks after a configuration cycle. */
export const GtCause = { MasterAbort0: 1 << 18, TargetAbort0: 1 << 19 } as const;

const CONFIG_ENABLE = 0x8000_0000;
export const GT_REGISTER_BYTES = 0x1000;

/** A window of guest-physical addresses: [base, base + size). */
export interface Window {
  readonly base: number;
  readonly size: number;
}

/** Where the controller decodes things now (the PCI memory windows may overlap). */
export interface GtWindows {
  readonly registers: Window;
  readonly pciIo: Window;
  readonly pciMemory: readonly Window[];
}

export interface Gt64120Options {
  /** The PCI bus behind the controller (device 0 is the controller itself). */
  readonly bus: PciBus;
  /** The PCI interrupt-acknowledge cycle: the i8259's vector. */
  readonly interruptAcknowledge: () => number;
  /** Told whenever a window moved (and once at reset): the board decodes addresses by them. */
  readonly windowsChanged: (windows: GtWindows) => void;
}

/** Address bits 35..21 in a low-decode register -> a 32-bit physical address. */
const decodeAddress = (register: number): number => ((register & 0x7fff) << 21) >>> 0;

function windowOf(low: number, high: number): Window {
  const base = decodeAddress(low);
  // The high register holds bits 27..21 of the last address; the rest come from the low one.
  const last = (((low & 0x7f80) | (high & 0x7f)) << 21 | 0x1f_ffff) >>> 0;
  return { base, size: last >= base ? last - base + 1 : 0 };
}

export class Gt64120 implements BusDevice {
  private readonly registers = new Uint32Array(GT_REGISTER_BYTES / 4);
  private readonly options: Gt64120Options;

  constructor(options: Gt64120Options) {
    this.options = options;
    this.reset();
  }

  /** Reset values (the GT-64120 manual; QEMU's gt64120_reset): registers at 0x1400_0000. */
  reset(): void {
    const r = this.registers;
    r.fill(0);
    r[GtReg.InternalSpaceDecode / 4] = 0xa0;
    r[GtReg.Pci0IoLow / 4] = 0x80;
    r[GtReg.Pci0IoHigh / 4] = 0x0f;
    r[GtReg.Pci0Mem0Low / 4] = 0x90;
    r[GtReg.Pci0Mem0High / 4] = 0x1f;
    r[GtReg.Pci0Mem1Low / 4] = 0x790;
    r[GtReg.Pci0Mem1High / 4] = 0x1f;
    r[GtReg.Pci0IoRemap / 4] = 0x80;
    r[GtReg.Pci0Mem0Remap / 4] = 0x90;
    r[GtReg.Pci0Mem1Remap / 4] = 0x790;
    this.options.windowsChanged(this.windows);
  }

  get windows(): GtWindows {
    const r = this.registers;
    return {
      registers: { base: decodeAddress(r[GtReg.InternalSpaceDecode / 4]!), size: GT_REGISTER_BYTES },
      pciIo: windowOf(r[GtReg.Pci0IoLow / 4]!, r[GtReg.Pci0IoHigh / 4]!),
      pciMemory: [windowOf(r[GtReg.Pci0Mem0Low / 4]!, r[GtReg.Pci0Mem0High / 4]!), windowOf(r[GtReg.Pci0Mem1Low / 4]!, r[GtReg.Pci0Mem1High / 4]!)],
    };
  }

  read(offset: number, size: 1 | 2 | 4): number {
    const word = this.readRegister(offset & ~3);
    const shift = (offset & 3) * 8;
    return size === 4 ? word >>> 0 : (word >>> shift) & (size === 1 ? 0xff : 0xffff);
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    const at = offset & ~3;
    let word = value >>> 0;
    if (size !== 4) {
      const shift = (offset & 3) * 8;
      const mask = (size === 1 ? 0xff : 0xffff) << shift;
      word = ((this.registers[at / 4]! & ~mask) | ((value << shift) & mask)) >>> 0;
    }
    this.writeRegister(at, word);
  }

  private readRegister(at: number): number {
    switch (at) {
      case GtReg.Pci0ConfigData:
        return this.configCycle(undefined);
      case GtReg.Pci0InterruptAcknowledge:
        return this.options.interruptAcknowledge() & 0xff;
      default:
        return this.registers[at / 4]!;
    }
  }

  private writeRegister(at: number, word: number): void {
    const r = this.registers;
    switch (at) {
      case GtReg.Pci0ConfigData:
        this.configCycle(word);
        return;
      case GtReg.InterruptCause:
        // Cause bits are cleared by writing 0 to them; writing 1 leaves them.
        r[at / 4] = r[at / 4]! & word;
        return;
      case GtReg.InternalSpaceDecode:
      case GtReg.Pci0IoLow:
      case GtReg.Pci0IoHigh:
      case GtReg.Pci0Mem0Low:
      case GtReg.Pci0Mem0High:
      case GtReg.Pci0Mem1Low:
      case GtReg.Pci0Mem1High:
        r[at / 4] = word & 0x7fff;
        this.options.windowsChanged(this.windows);
        return;
      default:
        r[at / 4] = word;
    }
  }

  /** A configuration read (`write` undefined) or write through CFGADDR; returns the data read. */
  private configCycle(write: number | undefined): number {
    const address = this.registers[GtReg.Pci0ConfigAddress / 4]!;
    const busNumber = (address >>> 16) & 0xff;
    const devfn = (address >>> 8) & 0xff;
    const offset = address & 0xfc;
    const target = (address & CONFIG_ENABLE) !== 0 && busNumber === 0 ? this.options.bus.at(devfn) : undefined;
    if (target === undefined) {
      // Nobody answered: a master abort, recorded in the cause register; reads float high.
      this.registers[GtReg.InterruptCause / 4] = (this.registers[GtReg.InterruptCause / 4]! | GtCause.MasterAbort0) >>> 0;
      return 0xffff_ffff;
    }
    if (write === undefined) return target.readWord(offset);
    target.writeWord(offset, write);
    return 0;
  }
}
