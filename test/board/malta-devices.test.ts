// Device models the Malta board adds for what Linux probes at boot, without a VM: the PCI
// configuration spaces (the GT-64120's fixed BARs, memory BARs with the prefetchable bit,
// expansion ROM BARs), the Cirrus VGA register file as cirrusfb reads it, and the i8042 keyboard
// controller with its PS/2 keyboard and mouse as the i8042 and atkbd drivers drive them.

import { describe, expect, it } from 'vitest';
import { GT64120_PCI_FUNCTION } from '../../src/board/malta/gt64120.js';
import { PciConfig, PciFunction } from '../../src/board/malta/pci.js';
import { CirrusVga, VGA_PORT_BASE } from '../../src/board/malta/cirrus-vga.js';
import { I8042 } from '../../src/board/malta/i8042.js';

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

describe('i8042 keyboard controller with a PS/2 keyboard and mouse', () => {
  const controller = () => {
    const irqs = { keyboard: [] as boolean[], aux: [] as boolean[] };
    const chip = new I8042(
      (level) => irqs.keyboard.push(level),
      (level) => irqs.aux.push(level),
    );
    return {
      irqs,
      status: () => chip.control.read(0, 1),
      command: (byte: number) => chip.control.write(0, 1, byte),
      data: () => chip.data.read(0, 1),
      send: (byte: number) => chip.data.write(0, 1, byte),
      /** Reads every queued byte. */
      drain: () => {
        const bytes: number[] = [];
        while ((chip.control.read(0, 1) & 1) !== 0) bytes.push(chip.data.read(0, 1));
        return bytes;
      },
    };
  };

  it('passes the self-test, reads and writes the command byte, and toggles AUX', () => {
    const c = controller();
    expect(c.status() & 0x01).toBe(0);
    c.command(0xaa);
    expect(c.drain()).toEqual([0x55]);
    c.command(0x20);
    const commandByte = c.drain()[0]!;
    expect(commandByte & 0x03).toBe(0x03); // both interrupts enabled at reset
    c.command(0xa7);
    c.command(0x20);
    expect(c.drain()[0]! & 0x20).toBe(0x20);
    c.command(0xa8);
    c.command(0x20);
    expect(c.drain()[0]! & 0x20).toBe(0);
    c.command(0x60);
    c.send(0x44);
    c.command(0x20);
    expect(c.drain()).toEqual([0x44]);
  });

  it('loops a byte back through AUX with the AUX data bit and IRQ 12', () => {
    const c = controller();
    c.command(0xd3);
    c.send(0xa5);
    expect(c.status() & 0x21).toBe(0x21);
    expect(c.irqs.aux.at(-1)).toBe(true);
    expect(c.data()).toBe(0xa5);
    expect(c.irqs.aux.at(-1)).toBe(false);
  });

  it('resets and identifies the keyboard (0xab83), one IRQ 1 edge per byte, and the mouse through 0xd4', () => {
    const c = controller();
    c.send(0xff);
    expect(c.irqs.keyboard.at(-1)).toBe(true);
    expect(c.data()).toBe(0xfa);
    // The line dropped and rose again for the next byte.
    expect(c.irqs.keyboard.slice(-2)).toEqual([false, true]);
    expect(c.drain()).toEqual([0xaa]);
    c.send(0xf2);
    expect(c.drain()).toEqual([0xfa, 0xab, 0x83]);
    c.send(0xed);
    c.send(0x07);
    expect(c.drain()).toEqual([0xfa, 0xfa]);
    c.command(0xd4);
    c.send(0xf2);
    expect(c.status() & 0x20).toBe(0x20);
    expect(c.drain()).toEqual([0xfa, 0x00]);
  });
});
