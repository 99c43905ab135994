// The cascaded i8259A pair (src/board/malta/i8259.ts): Linux's init sequence, masking, INTA
// vectors, specific/non-specific EOI, edge vs level (ELCR), auto-EOI, poll mode and special mask,
// following QEMU's hw/intc/i8259.c.

import { describe, expect, test } from 'vitest';
import { I8259Pair } from '../../src/board/malta/i8259.js';

function pair() {
  const edges: boolean[] = [];
  const pic = new I8259Pair((asserted) => edges.push(asserted));
  return { pic, edges };
}

/** Linux's init_8259A(auto_eoi) on MIPS: vector base 0 (master) and 8 (slave). */
function linuxInit(pic: I8259Pair, autoEoi = false): void {
  pic.master.write(1, 1, 0xff);
  pic.slave.write(1, 1, 0xff);
  pic.master.write(0, 1, 0x11);
  pic.master.write(1, 1, 0x00);
  pic.master.write(1, 1, 1 << 2);
  pic.master.write(1, 1, autoEoi ? 0x03 : 0x01);
  pic.slave.write(0, 1, 0x11);
  pic.slave.write(1, 1, 0x08);
  pic.slave.write(1, 1, 0x02);
  pic.slave.write(1, 1, 0x01);
  pic.master.write(1, 1, 0xfb); // everything masked but the cascade
  pic.slave.write(1, 1, 0xff);
}

const unmask = (pic: I8259Pair, irq: number) => {
  const chip = irq < 8 ? pic.master : pic.slave;
  chip.write(1, 1, chip.read(1, 1) & ~(1 << (irq & 7)));
};

describe('I8259Pair', () => {
  test('IMR reads back; OCW3 selects IRR or ISR on the command port', () => {
    const { pic } = pair();
    linuxInit(pic);
    expect(pic.master.read(1, 1)).toBe(0xfb);
    expect(pic.slave.read(1, 1)).toBe(0xff);
    pic.setIrq(4, true);
    expect(pic.master.read(0, 1)).toBe(0x10); // IRR by default
    pic.master.write(0, 1, 0x0b);
    expect(pic.master.read(0, 1)).toBe(0x00); // ISR
    pic.master.write(0, 1, 0x0a);
    expect(pic.master.read(0, 1)).toBe(0x10);
  });

  test.each([
    // irq, vector, the EOI writes Linux's mask_and_ack_8259A does: [chip, value]
    [0, 0x00, [['m', 0x60]]],
    [4, 0x04, [['m', 0x64]]],
    [7, 0x07, [['m', 0x67]]],
    [8, 0x08, [['s', 0x60], ['m', 0x62]]],
    [14, 0x0e, [['s', 0x66], ['m', 0x62]]],
    [15, 0x0f, [['s', 0x67], ['m', 0x62]]],
  ] as [number, number, ['m' | 's', number][]][])('IRQ %i: vector %i, in service until EOI', (irq, vector, eois) => {
    const { pic, edges } = pair();
    linuxInit(pic);
    pic.setIrq(irq, true);
    expect(pic.outputLevel).toBe(false); // masked
    unmask(pic, irq);
    expect(pic.outputLevel).toBe(true);
    expect(pic.interruptAcknowledge()).toBe(vector);
    expect(pic.outputLevel).toBe(false);
    const snap = pic.snapshot();
    if (irq < 8) expect(snap.master[1]).toBe(1 << irq);
    else {
      expect(snap.master[1]).toBe(1 << 2);
      expect(snap.slave[1]).toBe(1 << (irq - 8));
    }
    // A new edge while in service waits for the EOI.
    pic.setIrq(irq, false);
    pic.setIrq(irq, true);
    expect(pic.outputLevel).toBe(false);
    for (const [chip, value] of eois) (chip === 'm' ? pic.master : pic.slave).write(0, 1, value);
    expect(pic.snapshot().master[1]).toBe(0);
    expect(pic.outputLevel).toBe(true);
    expect(pic.interruptAcknowledge()).toBe(vector);
    expect(edges).toEqual([true, false, true, false]);
  });

  test('priority: lower IRQ first; slave IRQs rank at the cascade (between 1 and 3)', () => {
    const { pic } = pair();
    linuxInit(pic);
    pic.master.write(1, 1, 0x00);
    pic.slave.write(1, 1, 0x00);
    pic.setIrq(3, true);
    pic.setIrq(9, true);
    pic.setIrq(1, true);
    expect(pic.interruptAcknowledge()).toBe(1);
    pic.master.write(0, 1, 0x20); // non-specific EOI
    expect(pic.interruptAcknowledge()).toBe(9);
    // IRQ 3 is lower priority than the cascade in service.
    expect(pic.outputLevel).toBe(false);
    pic.slave.write(0, 1, 0x20);
    pic.master.write(0, 1, 0x20);
    expect(pic.interruptAcknowledge()).toBe(3);
  });

  test('nothing pending: INTA gives the spurious vector 7', () => {
    const { pic } = pair();
    linuxInit(pic);
    expect(pic.interruptAcknowledge()).toBe(7);
    expect(pic.snapshot().master[1]).toBe(0);
  });

  test('edge-triggered: a held line interrupts once; level-triggered (ELCR) keeps requesting', () => {
    const { pic } = pair();
    linuxInit(pic);
    unmask(pic, 5);
    unmask(pic, 11);
    pic.setIrq(5, true);
    expect(pic.interruptAcknowledge()).toBe(5);
    pic.master.write(0, 1, 0x65);
    expect(pic.outputLevel).toBe(false);
    // Level mode for IRQ 5 and 11.
    pic.elcr.write(0, 1, 0x20);
    pic.elcr.write(1, 1, 0x08);
    expect(pic.elcr.read(0, 1)).toBe(0x20);
    expect(pic.elcr.read(1, 1)).toBe(0x08);
    pic.setIrq(5, true);
    expect(pic.interruptAcknowledge()).toBe(5);
    pic.master.write(0, 1, 0x65);
    expect(pic.outputLevel).toBe(true); // still asserted
    pic.setIrq(5, false);
    expect(pic.outputLevel).toBe(false);
    pic.setIrq(11, true);
    expect(pic.interruptAcknowledge()).toBe(11);
    pic.slave.write(0, 1, 0x63);
    pic.master.write(0, 1, 0x62);
    expect(pic.outputLevel).toBe(true);
  });

  test.each([
    [0, 0xf8],
    [1, 0xde],
  ])('ELCR byte %i keeps only the bits the PIIX4 lets be level (%i)', (offset, writable) => {
    const { pic } = pair();
    pic.elcr.write(offset, 1, 0xff);
    expect(pic.elcr.read(offset, 1)).toBe(writable);
  });

  test('auto-EOI: nothing stays in service', () => {
    const { pic } = pair();
    linuxInit(pic, true);
    unmask(pic, 6);
    pic.setIrq(6, true);
    expect(pic.interruptAcknowledge()).toBe(6);
    expect(pic.snapshot().master[1]).toBe(0);
    pic.setIrq(6, false);
    pic.setIrq(6, true);
    expect(pic.interruptAcknowledge()).toBe(6);
  });

  test('poll mode: OCW3 poll, the next read acknowledges and returns 0x80 | irq', () => {
    const { pic } = pair();
    linuxInit(pic);
    unmask(pic, 3);
    pic.master.write(0, 1, 0x0c);
    expect(pic.master.read(0, 1)).toBe(0x07);
    pic.setIrq(3, true);
    pic.master.write(0, 1, 0x0c);
    expect(pic.master.read(0, 1)).toBe(0x83);
    expect(pic.snapshot().master[1]).toBe(0x08);
    expect(pic.master.read(0, 1)).toBe(0x00); // back to IRR (consumed by the poll)
  });

  test('special mask mode lets a lower-priority IRQ in while a masked one is in service', () => {
    const { pic } = pair();
    linuxInit(pic);
    pic.master.write(1, 1, 0x00);
    pic.setIrq(1, true);
    expect(pic.interruptAcknowledge()).toBe(1);
    pic.setIrq(4, true);
    expect(pic.outputLevel).toBe(false);
    pic.master.write(1, 1, 0x02); // mask the one in service
    pic.master.write(0, 1, 0x68); // OCW3: set special mask
    expect(pic.outputLevel).toBe(true);
    expect(pic.interruptAcknowledge()).toBe(4);
    pic.master.write(0, 1, 0x48); // clear special mask
  });

  test('rotate on specific EOI makes the EOId IRQ lowest priority', () => {
    const { pic } = pair();
    linuxInit(pic);
    pic.master.write(1, 1, 0x00);
    pic.setIrq(0, true);
    expect(pic.interruptAcknowledge()).toBe(0);
    pic.master.write(0, 1, 0xe0); // rotate, specific EOI IRQ 0
    pic.setIrq(0, false);
    pic.setIrq(0, true);
    pic.setIrq(5, true);
    expect(pic.interruptAcknowledge()).toBe(5);
  });

  test('re-running ICW1 clears IMR and ISR; a bad IRQ number is an error', () => {
    const { pic } = pair();
    linuxInit(pic);
    unmask(pic, 4);
    pic.setIrq(4, true);
    pic.interruptAcknowledge();
    pic.master.write(0, 1, 0x11);
    expect(pic.snapshot().master).toEqual([0, 0, 0]);
    expect(() => pic.setIrq(16, true)).toThrow(RangeError);
  });
});
