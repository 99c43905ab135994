// The 16550A UART Malta's console uses (COM1 at ISA I/O 0x3f8, IRQ 4), modelled on QEMU's
// hw/char/serial.c where Linux's 8250 driver can tell the difference: autoconfig reads the FIFO
// bits of IIR after an FCR write to report "16550A", tests MCR loopback through MSR, and the
// startup THRE test expects a THRE interrupt as soon as IER.ETBEI is set with the THR empty.
// Transmission is instantaneous (a byte written to THR goes to `transmit` at once, THRE stays set);
// received bytes wait in a 16-byte FIFO. With a GuestClock the character timeout (four character
// times at the programmed baud rate, as QEMU) is a TimedDevice event; without one it fires at once.

import type { BusDevice, GuestClock, IrqLine, TimedDevice } from '../devices.js';

/** Register offsets from the UART's base (DLAB = LCR bit 7 selects DLL/DLM at 0/1). */
export const UartReg = {
  RbrThrDll: 0,
  IerDlm: 1,
  IirFcr: 2,
  Lcr: 3,
  Mcr: 4,
  Lsr: 5,
  Msr: 6,
  Scr: 7,
} as const;

/** IER: which conditions interrupt (only the low four bits exist, as on QEMU's model). */
export const Ier = { Rdi: 0x01, Thri: 0x02, Rlsi: 0x04, Msi: 0x08, Mask: 0x0f } as const;

/** IIR: bit 0 = no interrupt pending, bits 3:1 the source, bits 7:6 = 11 when the FIFOs are on. */
export const Iir = {
  NoInt: 0x01,
  Msi: 0x00,
  Thri: 0x02,
  Rdi: 0x04,
  Rlsi: 0x06,
  Cti: 0x0c,
  IdMask: 0x0f,
  FifoEnabled: 0xc0,
} as const;

/** FCR: FIFO enable, receive/transmit FIFO reset, DMA mode, receive trigger level in 7:6. */
export const Fcr = { Enable: 0x01, ClearRx: 0x02, ClearTx: 0x04, Dma: 0x08, TriggerShift: 6 } as const;

export const Lcr = { Dlab: 0x80, Break: 0x40, Parity: 0x08, TwoStop: 0x04, WordMask: 0x03 } as const;

export const Mcr = { Dtr: 0x01, Rts: 0x02, Out1: 0x04, Out2: 0x08, Loop: 0x10, Mask: 0x1f } as const;

export const Lsr = {
  Dr: 0x01,
  Oe: 0x02,
  Pe: 0x04,
  Fe: 0x08,
  Bi: 0x10,
  Thre: 0x20,
  Temt: 0x40,
  /** The error bits that raise a line-status interrupt. */
  Errors: 0x1e,
} as const;

export const Msr = { Dcts: 0x01, Ddsr: 0x02, Teri: 0x04, Ddcd: 0x08, Cts: 0x10, Dsr: 0x20, Ri: 0x40, Dcd: 0x80, Deltas: 0x0f } as const;

/** Receive FIFO depth and the trigger levels FCR bits 7:6 select. */
export const UART_FIFO_SIZE = 16;
const TRIGGER_LEVELS = [1, 4, 8, 14] as const;
/** The 1.8432 MHz crystal divided by 16: the baud rate at divisor 1. */
const BAUD_BASE = 115_200;

export interface Uart16550Options {
  /** Called with each byte the guest transmits (not in loopback mode). */
  transmit: (byte: number) => void;
  /** The interrupt output (level: asserted while any enabled condition is pending). */
  irq?: IrqLine;
  /** Guest time, for the receive character timeout; without it the timeout is immediate. */
  clock?: GuestClock;
}

export class Uart16550 implements BusDevice, TimedDevice {
  private readonly transmitByte: (byte: number) => void;
  private readonly irq: IrqLine;
  private readonly clock: GuestClock | undefined;

  private readonly rxFifo = new Uint8Array(UART_FIFO_SIZE);
  private rxHead = 0;
  private rxCount = 0;
  /** The holding register in non-FIFO mode is the FIFO's single slot; this is its last value. */
  private rbr = 0;

  private divisor = 12;
  private ier = 0;
  private iir: number = Iir.NoInt;
  private fcr = 0;
  private lcr = 0;
  private mcr = 0;
  private lsr: number = Lsr.Temt | Lsr.Thre;
  private msr: number = Msr.Dcd | Msr.Dsr | Msr.Cts;
  private scr = 0;
  private triggerLevel = 1;

  /** THRE interrupt pending: set when the THR empties (or ETBEI is enabled while it is empty). */
  private thrPending = false;
  /** Character timeout pending (FIFO mode, bytes below the trigger level, nobody reading). */
  private timeoutPending = false;
  private timeoutAtNs = Infinity;
  private irqAsserted = false;

  constructor(options: Uart16550Options) {
    this.transmitByte = options.transmit;
    this.irq = options.irq ?? (() => {});
    this.clock = options.clock;
  }

  /** How many bytes receive() would take now (0 in loopback: the host cannot send then). */
  canReceive(): number {
    if (this.mcr & Mcr.Loop) return 0;
    return this.fifoEnabled() ? UART_FIFO_SIZE - this.rxCount : this.rxCount === 0 ? 1 : 0;
  }

  /** Bytes from the host side of the line; returns how many were taken (see canReceive). */
  receive(bytes: Uint8Array): number {
    const taken = Math.min(bytes.length, this.canReceive());
    for (let i = 0; i < taken; i++) this.receiveByte(bytes[i] ?? 0);
    return taken;
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    switch (offset & 7) {
      case UartReg.RbrThrDll:
        return this.lcr & Lcr.Dlab ? this.divisor & 0xff : this.readRbr();
      case UartReg.IerDlm:
        return this.lcr & Lcr.Dlab ? (this.divisor >>> 8) & 0xff : this.ier;
      case UartReg.IirFcr: {
        const value = this.iir;
        // Reading an IIR that reports THRE acknowledges it (Linux's ISR relies on this).
        if ((value & Iir.IdMask) === Iir.Thri) {
          this.thrPending = false;
          this.updateIrq();
        }
        return value;
      }
      case UartReg.Lcr:
        return this.lcr;
      case UartReg.Mcr:
        return this.mcr;
      case UartReg.Lsr: {
        const value = this.lsr;
        if (this.lsr & (Lsr.Bi | Lsr.Oe)) {
          this.lsr &= ~(Lsr.Bi | Lsr.Oe);
          this.updateIrq();
        }
        return value;
      }
      case UartReg.Msr: {
        if (this.mcr & Mcr.Loop) {
          // Loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD (8250 autoconfig checks 0x90).
          return ((this.mcr & 0x0c) << 4) | ((this.mcr & Mcr.Rts) << 3) | ((this.mcr & Mcr.Dtr) << 5);
        }
        const value = this.msr;
        if (this.msr & Msr.Deltas) {
          this.msr &= ~Msr.Deltas;
          this.updateIrq();
        }
        return value;
      }
      default:
        return this.scr;
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const byte = value & 0xff;
    switch (offset & 7) {
      case UartReg.RbrThrDll:
        if (this.lcr & Lcr.Dlab) this.divisor = (this.divisor & 0xff00) | byte;
        else this.writeThr(byte);
        return;
      case UartReg.IerDlm:
        if (this.lcr & Lcr.Dlab) {
          this.divisor = (this.divisor & 0x00ff) | (byte << 8);
          return;
        }
        {
          const changed = (this.ier ^ byte) & Ier.Thri;
          this.ier = byte & Ier.Mask;
          // Enabling ETBEI with the THR empty raises THRE at once; disabling it drops it.
          if (changed) this.thrPending = (this.ier & Ier.Thri) !== 0 && (this.lsr & Lsr.Thre) !== 0;
          this.updateIrq();
        }
        return;
      case UartReg.IirFcr:
        this.writeFcr(byte);
        return;
      case UartReg.Lcr:
        this.lcr = byte;
        return;
      case UartReg.Mcr:
        this.mcr = byte & Mcr.Mask;
        return;
      case UartReg.Lsr:
        return; // read-only (QEMU ignores writes too)
      case UartReg.Msr:
        return;
      default:
        this.scr = byte;
    }
  }

  nextEventNs(): number {
    return this.timeoutAtNs;
  }

  poll(nowNs: number): void {
    if (nowNs < this.timeoutAtNs) return;
    this.timeoutAtNs = Infinity;
    if (this.rxCount > 0) {
      this.timeoutPending = true;
      this.updateIrq();
    }
  }

  /** Whether the interrupt output is asserted (for tests and the board's stats). */
  get irqLevel(): boolean {
    return this.irqAsserted;
  }

  private fifoEnabled(): boolean {
    return (this.fcr & Fcr.Enable) !== 0;
  }

  private writeThr(byte: number): void {
    this.thrPending = false;
    if (this.mcr & Mcr.Loop) {
      if (this.fifoEnabled() ? this.rxCount < UART_FIFO_SIZE : true) this.receiveByte(byte);
      else this.lsr |= Lsr.Oe;
    } else {
      this.transmitByte(byte);
    }
    // The byte left at once: THR and the shift register are empty again, THRE pends anew.
    this.lsr |= Lsr.Thre | Lsr.Temt;
    this.thrPending = true;
    this.updateIrq();
  }

  private writeFcr(byte: number): void {
    let value = byte;
    // Toggling the enable bit clears both FIFOs (as the 16550A and QEMU do).
    if ((value ^ this.fcr) & Fcr.Enable) value |= Fcr.ClearRx | Fcr.ClearTx;
    if (value & Fcr.ClearRx) {
      this.rxHead = 0;
      this.rxCount = 0;
      this.lsr &= ~(Lsr.Dr | Lsr.Bi);
      this.timeoutPending = false;
      this.timeoutAtNs = Infinity;
    }
    if (value & Fcr.ClearTx) {
      this.lsr |= Lsr.Thre | Lsr.Temt;
      this.thrPending = true;
    }
    this.fcr = value & (Fcr.Enable | Fcr.Dma | 0xc0);
    if (this.fcr & Fcr.Enable) {
      this.iir |= Iir.FifoEnabled;
      this.triggerLevel = TRIGGER_LEVELS[(this.fcr >>> Fcr.TriggerShift) & 3] ?? 1;
    } else {
      this.iir &= ~Iir.FifoEnabled;
    }
    this.updateIrq();
  }

  private receiveByte(byte: number): void {
    if (!this.fifoEnabled()) {
      // One holding register: a byte arriving over an unread one overruns it.
      if (this.lsr & Lsr.Dr) this.lsr |= Lsr.Oe;
      this.rbr = byte;
      this.rxCount = 1;
      this.rxHead = 0;
      this.rxFifo[0] = byte;
      this.lsr |= Lsr.Dr;
      this.updateIrq();
      return;
    }
    if (this.rxCount === UART_FIFO_SIZE) {
      this.lsr |= Lsr.Oe;
    } else {
      this.rxFifo[(this.rxHead + this.rxCount) % UART_FIFO_SIZE] = byte;
      this.rxCount++;
    }
    this.lsr |= Lsr.Dr;
    this.restartTimeout();
    this.updateIrq();
  }

  private readRbr(): number {
    let value: number;
    if (!this.fifoEnabled()) {
      value = this.rbr;
      this.rxCount = 0;
      this.lsr &= ~(Lsr.Dr | Lsr.Bi);
    } else {
      value = this.rxCount > 0 ? (this.rxFifo[this.rxHead] ?? 0) : 0;
      if (this.rxCount > 0) {
        this.rxHead = (this.rxHead + 1) % UART_FIFO_SIZE;
        this.rxCount--;
      }
      this.timeoutPending = false;
      if (this.rxCount === 0) {
        this.lsr &= ~(Lsr.Dr | Lsr.Bi);
        this.timeoutAtNs = Infinity;
      } else {
        this.restartTimeout();
      }
    }
    this.updateIrq();
    return value;
  }

  /** Four character times at the current line settings, as QEMU's fifo_timeout_timer. */
  private restartTimeout(): void {
    if (this.clock === undefined) {
      this.timeoutAtNs = Infinity;
      if (this.rxCount > 0) this.timeoutPending = true;
      return;
    }
    const dataBits = (this.lcr & Lcr.WordMask) + 5;
    const frameBits = 1 + dataBits + (this.lcr & Lcr.Parity ? 1 : 0) + (this.lcr & Lcr.TwoStop ? 2 : 1);
    const baud = BAUD_BASE / Math.max(1, this.divisor);
    this.timeoutAtNs = this.clock.nowNs() + (4 * frameBits * 1e9) / baud;
  }

  /** QEMU's priority order: line status, character timeout, data available, THRE, modem status. */
  private updateIrq(): void {
    let id: number = Iir.NoInt;
    if (this.ier & Ier.Rlsi && this.lsr & Lsr.Errors) id = Iir.Rlsi;
    else if (this.ier & Ier.Rdi && this.timeoutPending) id = Iir.Cti;
    else if (this.ier & Ier.Rdi && this.lsr & Lsr.Dr && (!this.fifoEnabled() || this.rxCount >= this.triggerLevel)) id = Iir.Rdi;
    else if (this.ier & Ier.Thri && this.thrPending) id = Iir.Thri;
    else if (this.ier & Ier.Msi && this.msr & Msr.Deltas) id = Iir.Msi;
    this.iir = id | (this.iir & 0xf0);
    const asserted = id !== Iir.NoInt;
    if (asserted !== this.irqAsserted) {
      this.irqAsserted = asserted;
      this.irq(asserted);
    }
  }
}
