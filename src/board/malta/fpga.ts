// The Malta board's FPGA registers at physical 0x1f00_0000 (the "system controller" syscon of
// Linux's malta device tree): the DIP switches and status, the LED bar, the 8-character ASCII
// display (Linux writes "LINUX" there), SOFTRES (writing 0x42 resets the board: Linux's
// syscon-reboot), BRKRES and the general-purpose I/O. The FPGA UART at offset 0x900 is a 16550
// of its own that the board places at FPGA_UART_OFFSET.

import type { BusDevice } from '../devices.js';

export const FPGA_BASE = 0x1f00_0000;
export const FPGA_SIZE = 0x10_0000;
export const FPGA_UART_OFFSET = 0x900;
/** The UART's registers are 8 bytes apart. */
export const FPGA_UART_SIZE = 0x40;

export const FpgaReg = {
  Switch: 0x200,
  Status: 0x208,
  Jumpers: 0x210,
  LedBar: 0x408,
  AsciiWord: 0x410,
  AsciiPosition0: 0x418,
  SoftReset: 0x500,
  BreakReset: 0x508,
  GpOut: 0xa00,
  GpIn: 0xa08,
} as const;

const SOFT_RESET_MAGIC = 0x42;
const ASCII_POSITIONS = 8;

export class MaltaFpga implements BusDevice {
  private ledBar = 0;
  private asciiWord = 0;
  private readonly ascii = new Uint8Array(ASCII_POSITIONS).fill(0x20);
  private breakReset = 0x0a;
  private gpOut = 0;

  constructor(private readonly reset: () => void) {}

  /** What the 8-character display shows now. */
  get display(): string {
    return String.fromCharCode(...this.ascii);
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    switch (offset) {
      case FpgaReg.Switch:
        return 0;
      case FpgaReg.Status:
        return 0x0000_0010; // little-endian board, PCI not in reset
      case FpgaReg.Jumpers:
        return 0; // PCI clock jumpers: 33 MHz
      case FpgaReg.LedBar:
        return this.ledBar;
      case FpgaReg.AsciiWord:
        return this.asciiWord;
      case FpgaReg.BreakReset:
        return this.breakReset;
      case FpgaReg.GpOut:
        return this.gpOut;
      default: {
        const position = (offset - FpgaReg.AsciiPosition0) / 8;
        if (Number.isInteger(position) && position >= 0 && position < ASCII_POSITIONS) return this.ascii[position]!;
        return 0;
      }
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    switch (offset) {
      case FpgaReg.LedBar:
        this.ledBar = value & 0xff;
        return;
      case FpgaReg.AsciiWord:
        // The word is shown as eight hex digits.
        this.asciiWord = value >>> 0;
        this.ascii.set(new TextEncoder().encode(this.asciiWord.toString(16).toUpperCase().padStart(8, '0')));
        return;
      case FpgaReg.SoftReset:
        if ((value & 0xff) === SOFT_RESET_MAGIC) this.reset();
        return;
      case FpgaReg.BreakReset:
        this.breakReset = value & 1;
        return;
      case FpgaReg.GpOut:
        this.gpOut = value >>> 0;
        return;
      default: {
        const position = (offset - FpgaReg.AsciiPosition0) / 8;
        if (Number.isInteger(position) && position >= 0 && position < ASCII_POSITIONS) this.ascii[position] = value & 0xff;
      }
    }
  }
}
