// The Malta's PCI I/O space (src/board/malta/io-ports.ts): ranges decode to their devices at
// offsets from their base, unclaimed ports read all ones, and ranges can be removed and added
// again without end, as a kernel moving PCI BARs does.

import { describe, expect, it } from 'vitest';
import type { BusDevice } from '../../src/board/devices.js';
import { IoPorts } from '../../src/board/malta/io-ports.js';

/** A device whose registers read back its tag plus the offset. */
function device(tag: number): BusDevice & { writes: [number, number][] } {
  const writes: [number, number][] = [];
  return { writes, read: (offset) => tag + offset, write: (offset, _size, value) => void writes.push([offset, value]) };
}

describe('PCI I/O ports', () => {
  it('decodes each range to its device, at offsets from its base', () => {
    const ports = new IoPorts();
    const uart = device(0x100);
    const timer = device(0x200);
    ports.add(0x3f8, 8, uart);
    ports.add(0x40, 4, timer);
    expect(ports.read(0x3f8 + 5, 1)).toBe(0x105);
    expect(ports.read(0x42, 1)).toBe(0x202);
    ports.write(0x3f9, 1, 0x5a);
    expect(uart.writes).toEqual([[1, 0x5a]]);
    // Nothing there, or an access running past the range's end: all ones, counted.
    expect(ports.read(0x80, 2)).toBe(0xffff);
    expect(ports.read(0x3ff, 2)).toBe(0xffff);
    expect(ports.unclaimed).toBe(2);
    expect(() => ports.add(0x3fc, 8, device(0x300))).toThrow(/0x3fc is decoded twice/);
  });

  it('removes every range of a device', () => {
    const ports = new IoPorts();
    const twice = device(0x100);
    ports.add(0x1000, 16, twice);
    ports.add(0x2000, 16, twice);
    ports.remove(twice);
    expect(ports.read(0x1000, 1)).toBe(0xff);
    expect(ports.read(0x2000, 1)).toBe(0xff);
    ports.add(0x2000, 16, device(0x200));
    expect(ports.read(0x2004, 1)).toBe(0x204);
  });

  it('moves a range a thousand times (a kernel re-placing a BAR) and keeps the others', () => {
    const ports = new IoPorts();
    const fixed = device(0x100);
    ports.add(0x60, 1, fixed);
    let bar = device(0);
    for (let move = 0; move < 1000; move++) {
      ports.remove(bar);
      bar = device(0x1000 + move);
      ports.add(0x1000 + (move % 64) * 0x20, 0x20, bar);
    }
    expect(ports.read(0x1000 + (999 % 64) * 0x20 + 3, 1)).toBe(0x1000 + 999 + 3);
    expect(ports.read(0x1000 + (998 % 64) * 0x20, 1)).toBe(0xff);
    expect(ports.read(0x60, 1)).toBe(0x100);
  });

  it('refuses a 256th range decoded at once', () => {
    const ports = new IoPorts();
    for (let index = 0; index < 255; index++) ports.add(index * 4, 4, device(index));
    expect(() => ports.add(0x2000, 4, device(0))).toThrow(/more than 255/);
    expect(ports.read(254 * 4, 1)).toBe(254);
  });
});
