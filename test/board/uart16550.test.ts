// The 16550A model (src/board/malta/uart16550.ts): register tables Linux's 8250 autoconfig and
// interrupt handler depend on, checked against QEMU's hw/char/serial.c behaviour.

import { describe, expect, test } from 'vitest';
import { Uart16550, UartReg as R } from '../../src/board/malta/uart16550.js';

function uart(withClock = false) {
  const sent: number[] = [];
  const irqEdges: boolean[] = [];
  let now = 0;
  const device = new Uart16550({
    transmit: (byte) => sent.push(byte),
    irq: (asserted) => irqEdges.push(asserted),
    ...(withClock ? { clock: { nowNs: () => now } } : {}),
  });
  return { device, sent, irqEdges, setNow: (ns: number) => (now = ns) };
}

type Step = ['w', number, number] | ['r', number, number] | ['irq', boolean];

function run(steps: Step[], device: Uart16550): void {
  for (const [index, step] of steps.entries()) {
    if (step[0] === 'w') device.write(step[1], 1, step[2]);
    else if (step[0] === 'r') expect(device.read(step[1], 1), `step ${index}: read offset ${step[1]}`).toBe(step[2]);
    else expect(device.irqLevel, `step ${index}: irq`).toBe(step[1]);
  }
}

describe('Uart16550', () => {
  const tables: [string, Step[]][] = [
    ['reset values', [['r', R.IerDlm, 0], ['r', R.IirFcr, 0x01], ['r', R.Lcr, 0], ['r', R.Mcr, 0], ['r', R.Lsr, 0x60], ['r', R.Msr, 0xb0]]],
    ['scratch register', [['w', R.Scr, 0xa5], ['r', R.Scr, 0xa5], ['w', R.Scr, 0x5a], ['r', R.Scr, 0x5a]]],
    ['divisor latch behind DLAB', [['w', R.Lcr, 0x83], ['w', 0, 0x03], ['w', 1, 0x00], ['r', 0, 0x03], ['r', 1, 0], ['w', R.Lcr, 0x03], ['r', R.IerDlm, 0], ['r', R.Lcr, 0x03]]],
    ['IER keeps only bits 3:0 (no XScale UUE)', [['w', R.IerDlm, 0xff], ['r', R.IerDlm, 0x0f], ['w', R.IerDlm, 0], ['r', R.IerDlm, 0]]],
    ['FCR enable shows 16550A in IIR 7:6, disable clears', [['w', R.IirFcr, 0x01], ['r', R.IirFcr, 0xc1], ['w', R.IirFcr, 0x00], ['r', R.IirFcr, 0x01]]],
    ['IIR bit 5 stays clear (not a 16750) even with FCR bit 5 under DLAB', [['w', R.Lcr, 0x80], ['w', R.IirFcr, 0x21], ['w', R.Lcr, 0], ['r', R.IirFcr, 0xc1]]],
    ['loopback MSR mirrors MCR (autoconfig writes 0x1a, expects 0x90)', [['w', R.Mcr, 0x1a], ['r', R.Msr, 0x90], ['w', R.Mcr, 0x1f], ['r', R.Msr, 0xf0], ['w', R.Mcr, 0x10], ['r', R.Msr, 0x00], ['w', R.Mcr, 0], ['r', R.Msr, 0xb0]]],
    ['THRE interrupt on enabling ETBEI, cleared by the IIR read that reports it', [['w', R.IerDlm, 0x02], ['irq', true], ['r', R.IirFcr, 0x02], ['irq', false], ['r', R.IirFcr, 0x01]]],
    ['THRE re-raised after a THR write, dropped by disabling ETBEI', [['w', R.IerDlm, 0x02], ['r', R.IirFcr, 0x02], ['w', 0, 0x41], ['irq', true], ['w', R.IerDlm, 0], ['irq', false], ['r', R.IirFcr, 0x01]]],
    ['LSR THRE/TEMT stay set after a transmit', [['w', 0, 0x41], ['r', R.Lsr, 0x60]]],
    ['loopback receives its own bytes (FIFO mode)', [['w', R.IirFcr, 0x07], ['w', R.Mcr, 0x10], ['w', 0, 0x55], ['w', 0, 0xaa], ['r', R.Lsr, 0x61], ['r', 0, 0x55], ['r', 0, 0xaa], ['r', R.Lsr, 0x60]]],
  ];
  test.each(tables)('%s', (_name, steps) => run(steps, uart().device));

  test('bytes written to THR go to transmit, not in loopback', () => {
    const { device, sent } = uart();
    device.write(0, 1, 0x68);
    device.write(R.Mcr, 1, 0x10);
    device.write(0, 1, 0x69);
    device.write(R.Mcr, 1, 0);
    device.write(0, 1, 0x0a);
    expect(sent).toEqual([0x68, 0x0a]);
  });

  test('non-FIFO receive: one holding register, overrun sets OE, LSR read clears OE', () => {
    const { device } = uart();
    expect(device.canReceive()).toBe(1);
    expect(device.receive(Uint8Array.of(0x31, 0x32))).toBe(1);
    expect(device.canReceive()).toBe(0);
    expect(device.read(R.Lsr, 1)).toBe(0x61);
    device.write(R.IerDlm, 1, 0x01);
    expect(device.irqLevel).toBe(true);
    expect(device.read(R.IirFcr, 1)).toBe(0x04);
    expect(device.read(0, 1)).toBe(0x31);
    expect(device.irqLevel).toBe(false);
    device.receive(Uint8Array.of(0x41));
    (device as unknown as { receiveByte(b: number): void }).receiveByte(0x42);
    expect(device.read(R.Lsr, 1)).toBe(0x63);
    expect(device.read(R.Lsr, 1)).toBe(0x61);
    expect(device.read(0, 1)).toBe(0x42);
  });

  test.each([
    [0x01, 1],
    [0x41, 4],
    [0x81, 8],
    [0xc1, 14],
  ])('FIFO trigger level (FCR %s): data-available interrupt at %i bytes', (fcr, level) => {
    const { device } = uart(true);
    device.write(R.IirFcr, 1, fcr);
    device.write(R.IerDlm, 1, 0x01);
    for (let i = 1; i <= 16; i++) {
      device.receive(Uint8Array.of(i));
      expect(device.irqLevel, `${i} bytes`).toBe(i >= level);
      if (i >= level) expect(device.read(R.IirFcr, 1)).toBe(0xc4);
    }
    expect(device.canReceive()).toBe(0);
    expect(device.receive(Uint8Array.of(99))).toBe(0);
    for (let i = 1; i <= 16; i++) expect(device.read(0, 1)).toBe(i);
    expect(device.read(R.Lsr, 1)).toBe(0x60);
    expect(device.irqLevel).toBe(false);
  });

  test('character timeout after four character times (38400 8N1), cleared by reading RBR', () => {
    const { device, setNow } = uart(true);
    device.write(R.Lcr, 1, 0x83);
    device.write(0, 1, 3);
    device.write(1, 1, 0);
    device.write(R.Lcr, 1, 0x03);
    device.write(R.IirFcr, 1, 0x81); // trigger at 8
    device.write(R.IerDlm, 1, 0x01);
    device.receive(new TextEncoder().encode('ls'));
    expect(device.irqLevel).toBe(false);
    const due = device.nextEventNs();
    expect(due).toBeCloseTo((4 * 10 * 1e9) / 38_400, 0);
    device.poll(due - 1);
    expect(device.irqLevel).toBe(false);
    setNow(due);
    device.poll(due);
    expect(device.irqLevel).toBe(true);
    expect(device.read(R.IirFcr, 1)).toBe(0xcc);
    expect(device.read(0, 1)).toBe(0x6c);
    expect(device.irqLevel).toBe(false);
    expect(device.nextEventNs()).toBeGreaterThan(due);
    device.poll(device.nextEventNs());
    expect(device.read(R.IirFcr, 1)).toBe(0xcc);
    expect(device.read(0, 1)).toBe(0x73);
    expect(device.nextEventNs()).toBe(Infinity);
    expect(device.read(R.IirFcr, 1)).toBe(0xc1);
  });

  test('without a clock the timeout is immediate', () => {
    const { device } = uart();
    device.write(R.IirFcr, 1, 0xc1);
    device.write(R.IerDlm, 1, 0x01);
    device.receive(Uint8Array.of(0x0d));
    expect(device.read(R.IirFcr, 1)).toBe(0xcc);
    expect(device.read(0, 1)).toBe(0x0d);
    expect(device.irqLevel).toBe(false);
  });

  test('priorities: line status over data over THRE; FCR RX reset drops data', () => {
    const { device } = uart();
    device.write(R.IerDlm, 1, 0x07);
    expect(device.read(R.IirFcr, 1)).toBe(0x02);
    device.write(0, 1, 0x20);
    device.receive(Uint8Array.of(1));
    (device as unknown as { receiveByte(b: number): void }).receiveByte(2); // overrun
    expect(device.read(R.IirFcr, 1)).toBe(0x06);
    expect(device.read(R.Lsr, 1) & 0x02).toBe(0x02);
    expect(device.read(R.IirFcr, 1)).toBe(0x04);
    device.write(R.IirFcr, 1, 0x03);
    expect(device.read(R.Lsr, 1)).toBe(0x60);
    expect(device.read(R.IirFcr, 1)).toBe(0xc2);
  });

  test('the IRQ line reports only changes', () => {
    const { device, irqEdges } = uart();
    device.write(R.IerDlm, 1, 0x02);
    device.write(R.IerDlm, 1, 0x03);
    device.read(R.IirFcr, 1);
    expect(irqEdges).toEqual([true, false]);
  });
});
