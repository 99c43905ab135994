// The PCI configuration spaces the Malta board adds for Linux's PCI scan (the GT-64120's fixed
// BARs, memory BARs with the prefetchable bit, expansion ROM BARs), and the Cirrus VGA register
// file as cirrusfb reads it. Without a VM: the models alone.

import { describe, expect, it } from 'vitest';
import { GT64120_PCI_FUNCTION } from '../../src/board/malta/gt64120.js';
import { PciConfig, PciFunction } from '../../src/board/malta/pci.js';
import { CirrusVga, VGA_PORT_BASE } from '../../src/board/malta/cirrus-vga.js';

/** What Linux's BAR sizing reads back after writing all ones (then restores the old value). */
function size(fn: PciFunction, offset: number): number {
  const old = fn.readWord(offset);
  fn.writeWord(offset, 0xffff_ffff);
  const mask = fn.readWord(offset);
  fn.writeWord(offset, old);
  return mask;
}

describe('PCI configuration space', () => {
  it("keeps the GT-64120's BARs at QEMU's fixed values, which no write changes", () => {
    const bridge = new PciFunction(GT64120_PCI_FUNCTION);
    const expected = [0x0000_0008, 0x0100_0008, 0x1c00_0000, 0x1f00_0000, 0x1400_0000, 0x1400_0001];
    expected.forEach((value, index) => {
      expect(bridge.readWord(PciConfig.Bar0 + 4 * index)).toBe(value);
      expect(size(bridge, PciConfig.Bar0 + 4 * index)).toBe(value);
    });
    expect(bridge.readWord(PciConfig.Command) >>> 16).toBe(0x0280); // status
    expect(bridge.readWord(PciConfig.InterruptLine) >>> 8 & 0xff).toBe(1); // interrupt pin
  });

  it('sizes memory BARs (with the prefetchable bit) and the expansion ROM BAR', () => {
    const fn = new PciFunction({
      vendorId: 0x1013,
      deviceId: 0x00b8,
      classCode: 0x03_0000,
      bars: [
        { index: 0, kind: 'memory', size: 0x200_0000, prefetchable: true },
        { index: 1, kind: 'io', size: 32 },
      ],
      romSize: 0x1_0000,
    });
    expect(size(fn, PciConfig.Bar0)).toBe(0xfe00_0008);
    expect(size(fn, PciConfig.Bar0 + 4)).toBe(0xffff_ffe1);
    // Linux writes ~PCI_ROM_ADDRESS_ENABLE (0xffff_fffe) to size a ROM.
    fn.writeWord(PciConfig.ExpansionRom, 0xffff_fffe);
    expect(fn.readWord(PciConfig.ExpansionRom)).toBe(0xffff_0000);
    fn.writeWord(PciConfig.ExpansionRom, 0x1204_0001);
    expect(fn.readWord(PciConfig.ExpansionRom)).toBe(0x1204_0001);
    expect(size(new PciFunction({ vendorId: 1, deviceId: 2, classCode: 0 }), PciConfig.ExpansionRom)).toBe(0);
  });
});

describe('Cirrus CL-GD5446 registers', () => {
  const vga = () => {
    const chip = new CirrusVga();
    return {
      in: (port: number) => chip.read(port - VGA_PORT_BASE, 1),
      out: (port: number, value: number) => chip.write(port - VGA_PORT_BASE, 1, value),
      chip,
    };
  };

  it('reports 4 MiB as cirrusfb reads it (SR0F: 2 MiB banks, bank switching) and the 5446 chip ID', () => {
    const { in: read, out } = vga();
    out(0x3c4, 0x0f);
    expect(read(0x3c5)).toBe(0x98);
    out(0x3d4, 0x27);
    expect(read(0x3d5)).toBe(0xb8);
  });

  it('unlocks the extensions with 0x12 in SR6', () => {
    const { in: read, out } = vga();
    out(0x3c4, 0x06);
    expect(read(0x3c5)).toBe(0x0f);
    out(0x3c5, 0x12);
    expect(read(0x3c5)).toBe(0x12);
    out(0x3c5, 0x00);
    expect(read(0x3c5)).toBe(0x0f);
  });

  it('finishes every BitBLT at once: GR31 never reads busy or started', () => {
    const { in: read, out } = vga();
    out(0x3ce, 0x31);
    out(0x3cf, 0x02);
    expect(read(0x3cf) & 0x0a).toBe(0);
  });

  it('reaches the hidden DAC register after four reads of the pixel mask', () => {
    const { in: read, out } = vga();
    for (let n = 0; n < 4; n++) expect(read(0x3c6)).toBe(0xff);
    out(0x3c6, 0xe1);
    expect(read(0x3c6)).toBe(0xff); // the pixel mask again
    for (let n = 0; n < 3; n++) read(0x3c6);
    expect(read(0x3c6)).toBe(0xe1);
  });

  it('resets the attribute flip-flop when input status 1 is read, and steps the DAC by components', () => {
    const { in: read, out } = vga();
    out(0x3c0, 0x10);
    read(0x3da);
    out(0x3c0, 0x11); // an index again, not data
    out(0x3c0, 0x42);
    expect(read(0x3c0)).toBe(0x11);
    expect(read(0x3c1)).toBe(0x42);
    out(0x3c8, 5);
    [1, 2, 3, 4].forEach((value) => out(0x3c9, value));
    expect(read(0x3c8)).toBe(6);
    out(0x3c7, 5);
    expect([read(0x3c9), read(0x3c9), read(0x3c9), read(0x3c9)]).toEqual([1, 2, 3, 4]);
  });
});
