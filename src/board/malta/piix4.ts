// The Intel PIIX4 south bridge on the Malta's PCI bus (device 10): its four PCI functions as
// Linux enumerates them ([8086:7110] ISA bridge, [8086:7111] IDE, [8086:7112] USB, [8086:7113]
// power management), and the power-management I/O registers at the base the PM function's
// config word 0x40 holds. Linux's piix4-poweroff driver powers the board off by writing SUS_EN
// with the soft-off type to PMCNTRL; port 0xcf9 (reset control) resets it. The ISA devices the
// PIIX4 holds (i8259 pair, i8254, MC146818) are models of their own, placed by the board.

import { allOnes, type BusDevice, type GuestClock } from '../devices.js';
import { PciFunction } from './pci.js';

export const PIIX4_DEVICE = 10;
/** Where the PM and SMBus I/O registers live (config 0x40 and 0x90 of function 3), as QEMU's Malta has them. */
export const PM_IO_BASE = 0x1000;
export const SMBUS_IO_BASE = 0x1100;
export const PM_IO_SIZE = 0x40;

/** The four functions, by function number. */
export function createPiix4Functions(): PciFunction[] {
  return [
    // Function 0: PCI-to-ISA bridge. Multi-function (header type bit 7); PIRQ routing at 0x60..0x63
    // starts disabled (bit 7), top of memory and the rest of the device registers are writable.
    new PciFunction({
      vendorId: 0x8086,
      deviceId: 0x7110,
      classCode: 0x06_0100,
      headerType: 0x80,
      initial: [[0x60, 0x80], [0x61, 0x80], [0x62, 0x80], [0x63, 0x80], [0x69, 0x02], [0x4c, 0x4d], [0x4e, 0x03]],
    }),
    // Function 1: IDE controller (legacy mode), bus-master registers in BAR 4.
    new PciFunction({ vendorId: 0x8086, deviceId: 0x7111, classCode: 0x01_0180, bars: [{ index: 4, kind: 'io', size: 16 }] }),
    // Function 2: USB UHCI controller, its registers in BAR 4; interrupt pin D.
    new PciFunction({ vendorId: 0x8086, deviceId: 0x7112, classCode: 0x0c_0300, interruptPin: 4, bars: [{ index: 4, kind: 'io', size: 32 }] }),
    // Function 3: power management. PMBA (0x40) and SMBBA (0x90) with their I/O enable bits set,
    // read-only here: the board decodes the PM registers at PM_IO_BASE.
    new PciFunction({
      vendorId: 0x8086,
      deviceId: 0x7113,
      classCode: 0x06_8000,
      revision: 0x03,
      interruptPin: 1,
      initial: [[0x40, (PM_IO_BASE & 0xff) | 1], [0x41, PM_IO_BASE >>> 8], [0x80, 0x01], [0x90, (SMBUS_IO_BASE & 0xff) | 1], [0x91, SMBUS_IO_BASE >>> 8], [0xd2, 0x09]],
      readOnly: [0x40, 0x41, 0x42, 0x43, 0x90, 0x91, 0x92, 0x93],
    }),
  ];
}

/** PM I/O register offsets and bits. */
export const PmReg = { Status: 0x00, Enable: 0x02, Control: 0x04, Timer: 0x08 } as const;
const PM_CONTROL_SUSPEND_ENABLE = 1 << 13;
const PM_CONTROL_SUSPEND_TYPE_SHIFT = 10;
/** SUS_TYP 0 on the PIIX4 is soft off (S5). */
const SUSPEND_TYPE_SOFT_OFF = 0;
const PM_TIMER_HZ = 3_579_545;

/** The PM function's I/O registers (PMSTS, PMEN, PMCNTRL, PMTMR and the general-purpose ones). */
export class Piix4PowerManagement implements BusDevice {
  private readonly registers = new Uint8Array(PM_IO_SIZE);

  constructor(
    private readonly clock: GuestClock,
    private readonly powerOff: () => void,
  ) {}

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset >= PmReg.Timer && offset < PmReg.Timer + 4) {
      const ticks = Math.floor((this.clock.nowNs() * PM_TIMER_HZ) / 1e9) & 0xff_ffff;
      return (ticks >>> ((offset - PmReg.Timer) * 8)) & allOnes(size);
    }
    let value = 0;
    for (let i = 0; i < size; i++) value |= (this.registers[(offset + i) % PM_IO_SIZE]! << (i * 8)) >>> 0;
    return value >>> 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    for (let i = 0; i < size; i++) {
      const at = (offset + i) % PM_IO_SIZE;
      const byte = (value >>> (i * 8)) & 0xff;
      // PMSTS bits are cleared by writing 1.
      if (at < PmReg.Enable) this.registers[at] = this.registers[at]! & ~byte;
      else this.registers[at] = byte;
    }
    if (offset <= PmReg.Control + 1 && offset + size > PmReg.Control) {
      const control = this.registers[PmReg.Control]! | (this.registers[PmReg.Control + 1]! << 8);
      const suspendType = (control >>> PM_CONTROL_SUSPEND_TYPE_SHIFT) & 7;
      if ((control & PM_CONTROL_SUSPEND_ENABLE) !== 0 && suspendType === SUSPEND_TYPE_SOFT_OFF) this.powerOff();
    }
  }
}

/** Port 0xcf9, the PIIX4's reset control register: writing bit 2 (RST_CPU) resets the board. */
export class ResetControl implements BusDevice {
  private value = 0;

  constructor(private readonly reset: () => void) {}

  read(): number {
    return this.value;
  }

  write(_offset: number, _size: 1 | 2 | 4, value: number): void {
    this.value = value & 0x0e;
    if (value & 0x04) this.reset();
  }
}
