// The register file of the Malta's Cirrus Logic CL-GD5446 VGA (QEMU's default display on Malta,
// PCI device 18): the VGA I/O ports 0x3b4..0x3da with the Cirrus extensions Linux's cirrusfb
// reads, so the driver finds the chip as under QEMU ("RAM (4096 kB)") and fbcon takes the
// console over. Writes are kept and read back; the chip draws nothing: the framebuffer BAR is
// not backed (the board's console is the serial line), and the BitBLT engine finishes every
// blit the moment it starts (GR31 never reads busy).
//
// Ports (offsets from 0x3b0): 0x3c0 attribute index/data (a flip-flop that reading the input
// status register resets), 0x3c2/0x3cc misc output, 0x3c4/0x3c5 sequencer, 0x3c6 pixel mask with
// the hidden DAC register behind four reads, 0x3c7..0x3c9 DAC, 0x3ce/0x3cf graphics controller,
// 0x3b4/0x3b5 and 0x3d4/0x3d5 CRT controller, 0x3ba/0x3da input status 1.

import type { BusDevice } from '../devices.js';

export const VGA_PORT_BASE = 0x3b0;
export const VGA_PORT_COUNT = 0x30;

/** Sequencer extension registers the driver reads. */
const enum Sr {
  /** Writing 0x12 unlocks the extensions; it then reads 0x12 (0x0f while locked). */
  Unlock = 0x06,
  /** DRAM control: bits 4..3 = 11 (64-bit bus, 2 MiB per bank), bit 7 bank switching: 4 MiB. */
  DramControl = 0x0f,
  /** MCLK select. */
  Mclk = 0x1f,
}
const enum Gr {
  /** BitBLT start/status: bit 1 start, bit 3 busy. */
  BltStatus = 0x31,
}
const enum Cr {
  /** Chip ID: the 5446 (0x2e << 2). */
  Id = 0x27,
}

const UNLOCKED = 0x12;

export class CirrusVga implements BusDevice {
  private readonly sequencer = new Uint8Array(256);
  private readonly graphics = new Uint8Array(256);
  private readonly crtc = new Uint8Array(256);
  private readonly attribute = new Uint8Array(32);
  private readonly palette = new Uint8Array(256 * 3);
  private sequencerIndex = 0;
  private graphicsIndex = 0;
  private crtcIndex = 0;
  private attributeIndex = 0;
  /** The attribute port takes an index next (false) or data (true). */
  private attributeData = false;
  private miscOutput = 0;
  private pixelMask = 0xff;
  private hiddenDac = 0;
  /** Consecutive reads of the pixel mask; the fifth access reaches the hidden DAC register. */
  private maskReads = 0;
  private dacReadIndex = 0;
  private dacWriteIndex = 0;
  private dacComponent = 0;
  /** Toggled on each read of input status 1 (display enable and vertical retrace bits). */
  private retrace = 0;

  constructor() {
    this.sequencer[Sr.Unlock] = 0x0f;
    this.sequencer[Sr.DramControl] = 0x98;
    this.sequencer[Sr.Mclk] = 0x22;
    this.crtc[Cr.Id] = 0x2e << 2;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    let value = 0;
    for (let byte = 0; byte < size; byte++) value |= this.readByte(VGA_PORT_BASE + offset + byte) << (8 * byte);
    return value >>> 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    for (let byte = 0; byte < size; byte++) this.writeByte(VGA_PORT_BASE + offset + byte, (value >>> (8 * byte)) & 0xff);
  }

  private readByte(port: number): number {
    if (port !== 0x3c6) this.maskReads = 0;
    switch (port) {
      case 0x3c0:
        return this.attributeIndex;
      case 0x3c1:
        return this.attribute[this.attributeIndex & 0x1f]!;
      case 0x3cc:
        return this.miscOutput;
      case 0x3c4:
        return this.sequencerIndex;
      case 0x3c5:
        return this.sequencer[this.sequencerIndex]!;
      case 0x3c6:
        if (this.maskReads === 4) {
          this.maskReads = 0;
          return this.hiddenDac;
        }
        this.maskReads++;
        return this.pixelMask;
      case 0x3c7:
        return 0; // the DAC is in write mode
      case 0x3c8:
        return this.dacWriteIndex;
      case 0x3c9: {
        const value = this.palette[this.dacReadIndex * 3 + this.dacComponent]!;
        this.nextComponent(true);
        return value;
      }
      case 0x3ce:
        return this.graphicsIndex;
      case 0x3cf:
        return this.graphicsIndex === Gr.BltStatus ? this.graphics[Gr.BltStatus]! & ~0x0a : this.graphics[this.graphicsIndex]!;
      case 0x3b4:
      case 0x3d4:
        return this.crtcIndex;
      case 0x3b5:
      case 0x3d5:
        return this.crtc[this.crtcIndex]!;
      case 0x3ba:
      case 0x3da:
        this.attributeData = false;
        this.retrace ^= 0x09;
        return this.retrace;
      default:
        return 0xff;
    }
  }

  private writeByte(port: number, value: number): void {
    if (port !== 0x3c6) this.maskReads = 0;
    switch (port) {
      case 0x3c0:
        if (this.attributeData) this.attribute[this.attributeIndex & 0x1f] = value;
        else this.attributeIndex = value & 0x3f;
        this.attributeData = !this.attributeData;
        return;
      case 0x3c2:
        this.miscOutput = value;
        return;
      case 0x3c4:
        this.sequencerIndex = value;
        return;
      case 0x3c5:
        if (this.sequencerIndex === Sr.Unlock) this.sequencer[Sr.Unlock] = (value & 0x17) === UNLOCKED ? UNLOCKED : 0x0f;
        else this.sequencer[this.sequencerIndex] = value;
        return;
      case 0x3c6:
        if (this.maskReads === 4) this.hiddenDac = value;
        else this.pixelMask = value;
        this.maskReads = 0;
        return;
      case 0x3c7:
        this.dacReadIndex = value;
        this.dacComponent = 0;
        return;
      case 0x3c8:
        this.dacWriteIndex = value;
        this.dacComponent = 0;
        return;
      case 0x3c9:
        this.palette[this.dacWriteIndex * 3 + this.dacComponent] = value;
        this.nextComponent(false);
        return;
      case 0x3ce:
        this.graphicsIndex = value;
        return;
      case 0x3cf:
        this.graphics[this.graphicsIndex] = value;
        return;
      case 0x3b4:
      case 0x3d4:
        this.crtcIndex = value;
        return;
      case 0x3b5:
      case 0x3d5:
        if (this.crtcIndex !== Cr.Id) this.crtc[this.crtcIndex] = value;
        return;
    }
  }

  /** The DAC steps red, green, blue, then to the next entry. */
  private nextComponent(reading: boolean): void {
    if (++this.dacComponent < 3) return;
    this.dacComponent = 0;
    if (reading) this.dacReadIndex = (this.dacReadIndex + 1) & 0xff;
    else this.dacWriteIndex = (this.dacWriteIndex + 1) & 0xff;
  }
}
