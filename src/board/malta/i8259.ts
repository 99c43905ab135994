// The PIIX4's cascaded i8259A pair (master at ISA I/O 0x20/0x21, slave at 0xa0/0xa1 on the
// master's IR2, edge/level control at 0x4d0/0x4d1), modelled on QEMU's hw/intc/i8259.c.
// Linux (drivers/irqchip/irq-i8259.c) initialises both with ICW1..ICW4, masks by OCW1, EOIs with
// specific EOI (0x60 + irq, then 0x62 on the master for a slave IRQ) and reads ISR through OCW3
// to spot spurious IRQ7/15; on Malta the vector comes from the GT-64120's PCI interrupt
// acknowledge register, i.e. interruptAcknowledge() here.
//
// Wiring: I8259Pair.master and .slave are BusDevices at offsets 0 (command) / 1 (data) from
// 0x20 / 0xa0; .elcr is a BusDevice at offsets 0/1 from 0x4d0. setIrq(0..15, level) are the ISA
// inputs; the master's output drives the `output` IrqLine (the board's CPU IP2).

import type { BusDevice, IrqLine } from '../devices.js';

/** Command-port bits that say which command a write is. */
const ICW1_SELECT = 0x10;
const OCW3_SELECT = 0x08;
const ICW1_IC4 = 0x01;
const ICW1_SINGLE = 0x02;
const ICW4_AUTO_EOI = 0x02;
const ICW4_SFNM = 0x10;
const OCW3_POLL = 0x04;
const OCW3_READ_REGISTER = 0x02;
const OCW3_SPECIAL_MASK = 0x40;

/** OCW2 commands (bits 7:5). */
const Ocw2 = {
  RotateAutoEoiClear: 0,
  NonSpecificEoi: 1,
  SpecificEoi: 3,
  RotateAutoEoiSet: 4,
  RotateNonSpecificEoi: 5,
  SetPriority: 6,
  RotateSpecificEoi: 7,
} as const;

/** The master's input the slave is cascaded on. */
export const CASCADE_IRQ = 2;
/** Bits of ELCR that can be set (IRQ 0, 1, 2, 8, 13 are always edge on the PIIX4). */
const ELCR_MASK_MASTER = 0xf8;
const ELCR_MASK_SLAVE = 0xde;

/** One 8259A. `outputChanged` is told the result of every update. */
class I8259Chip implements BusDevice {
  irr = 0;
  isr = 0;
  imr = 0;
  elcr = 0;
  /** Input levels as last seen, for edge detection. */
  private lastIrr = 0;
  private priorityAdd = 0;
  irqBase = 0;
  private readIsr = false;
  private pollPending = false;
  private specialMask = false;
  /** 0: operational; 1..3: expecting ICW2..ICW4. */
  private initState = 0;
  private init4 = false;
  private singleMode = false;
  private autoEoi = false;
  private rotateOnAutoEoi = false;
  private specialFullyNested = false;

  constructor(
    private readonly isMaster: boolean,
    readonly elcrMask: number,
    private readonly outputChanged: () => void,
  ) {}

  setInput(irq: number, level: boolean): void {
    const mask = 1 << irq;
    if (this.elcr & mask) {
      // Level-triggered: IRR follows the line.
      if (level) {
        this.irr |= mask;
        this.lastIrr |= mask;
      } else {
        this.irr &= ~mask;
        this.lastIrr &= ~mask;
      }
    } else if (level) {
      // Edge-triggered: a rising edge latches IRR.
      if ((this.lastIrr & mask) === 0) this.irr |= mask;
      this.lastIrr |= mask;
    } else {
      this.lastIrr &= ~mask;
    }
    this.outputChanged();
  }

  /** The highest-priority bit set in `mask`, as a priority 0..7 relative to the rotation; 8 if none. */
  private priority(mask: number): number {
    if (mask === 0) return 8;
    let priority = 0;
    while ((mask & (1 << ((priority + this.priorityAdd) & 7))) === 0) priority++;
    return priority;
  }

  /** The IRQ (0..7) this chip would deliver now, or -1. */
  pendingIrq(): number {
    const requested = this.priority(this.irr & ~this.imr);
    if (requested === 8) return -1;
    let inService = this.isr;
    if (this.specialMask) inService &= ~this.imr;
    // Special fully nested mode lets a slave interrupt nest inside one in service.
    if (this.specialFullyNested && this.isMaster) inService &= ~(1 << CASCADE_IRQ);
    return requested < this.priority(inService) ? (requested + this.priorityAdd) & 7 : -1;
  }

  /** The INTA cycle for `irq`: into service (unless auto-EOI), an edge request is consumed. */
  acknowledge(irq: number): void {
    if (this.autoEoi) {
      if (this.rotateOnAutoEoi) this.priorityAdd = (irq + 1) & 7;
    } else {
      this.isr |= 1 << irq;
    }
    if ((this.elcr & (1 << irq)) === 0) this.irr &= ~(1 << irq);
    this.outputChanged();
  }

  private reset(): void {
    this.lastIrr = 0;
    this.irr &= this.elcr;
    this.imr = 0;
    this.isr = 0;
    this.priorityAdd = 0;
    this.irqBase = 0;
    this.readIsr = false;
    this.pollPending = false;
    this.specialMask = false;
    this.initState = 0;
    this.autoEoi = false;
    this.rotateOnAutoEoi = false;
    this.specialFullyNested = false;
    this.init4 = false;
    this.singleMode = false;
  }

  /** Poll mode read: acknowledges the pending IRQ and returns 0x80 | irq, or 0x07 if none. */
  private pollRead(): number {
    const irq = this.pendingIrq();
    if (irq < 0) return 0x07;
    this.acknowledge(irq);
    return 0x80 | irq;
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    if (this.pollPending) {
      this.pollPending = false;
      return this.pollRead();
    }
    if ((offset & 1) === 0) return this.readIsr ? this.isr : this.irr;
    return this.imr;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const byte = value & 0xff;
    if ((offset & 1) === 0) {
      if (byte & ICW1_SELECT) {
        this.reset();
        this.initState = 1;
        this.init4 = (byte & ICW1_IC4) !== 0;
        this.singleMode = (byte & ICW1_SINGLE) !== 0;
        // ICW1's LTIM bit is ignored, as on the PIIX4: ELCR sets the trigger mode.
        this.outputChanged();
      } else if (byte & OCW3_SELECT) {
        if (byte & OCW3_POLL) this.pollPending = true;
        if (byte & OCW3_READ_REGISTER) this.readIsr = (byte & 1) !== 0;
        if (byte & OCW3_SPECIAL_MASK) {
          this.specialMask = (byte & 0x20) !== 0;
          this.outputChanged();
        }
      } else {
        this.writeOcw2(byte);
      }
      return;
    }
    switch (this.initState) {
      case 0: // OCW1: the mask
        this.imr = byte;
        this.outputChanged();
        return;
      case 1: // ICW2: vector base
        this.irqBase = byte & 0xf8;
        this.initState = this.singleMode ? (this.init4 ? 3 : 0) : 2;
        return;
      case 2: // ICW3: cascade wiring (fixed on this board)
        this.initState = this.init4 ? 3 : 0;
        return;
      default: // ICW4
        this.specialFullyNested = (byte & ICW4_SFNM) !== 0;
        this.autoEoi = (byte & ICW4_AUTO_EOI) !== 0;
        this.initState = 0;
    }
  }

  private writeOcw2(byte: number): void {
    const command = byte >>> 5;
    switch (command) {
      case Ocw2.RotateAutoEoiClear:
      case Ocw2.RotateAutoEoiSet:
        this.rotateOnAutoEoi = command === Ocw2.RotateAutoEoiSet;
        return;
      case Ocw2.NonSpecificEoi:
      case Ocw2.RotateNonSpecificEoi: {
        const priority = this.priority(this.isr);
        if (priority === 8) return;
        const irq = (priority + this.priorityAdd) & 7;
        this.isr &= ~(1 << irq);
        if (command === Ocw2.RotateNonSpecificEoi) this.priorityAdd = (irq + 1) & 7;
        this.outputChanged();
        return;
      }
      case Ocw2.SpecificEoi:
        this.isr &= ~(1 << (byte & 7));
        this.outputChanged();
        return;
      case Ocw2.SetPriority:
        this.priorityAdd = ((byte & 7) + 1) & 7;
        this.outputChanged();
        return;
      case Ocw2.RotateSpecificEoi:
        this.isr &= ~(1 << (byte & 7));
        this.priorityAdd = ((byte & 7) + 1) & 7;
        this.outputChanged();
        return;
      default: // 2: no operation
    }
  }
}

/** The two ELCR bytes (0x4d0 master, 0x4d1 slave). */
class ElcrPorts implements BusDevice {
  constructor(private readonly chips: readonly [I8259Chip, I8259Chip]) {}

  read(offset: number, _size: 1 | 2 | 4): number {
    return this.chips[offset & 1]?.elcr ?? 0;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const chip = this.chips[offset & 1];
    if (chip !== undefined) chip.elcr = value & chip.elcrMask;
  }
}

export class I8259Pair {
  /** Ports 0x20 (offset 0: ICW1/OCW2/OCW3, IRR/ISR/poll) and 0x21 (offset 1: ICW2-4/OCW1, IMR). */
  readonly master: BusDevice;
  /** Ports 0xa0/0xa1, the same layout. */
  readonly slave: BusDevice;
  /** Ports 0x4d0/0x4d1: edge (0) / level (1) per IRQ. */
  readonly elcr: BusDevice;

  private readonly masterChip: I8259Chip;
  private readonly slaveChip: I8259Chip;
  private outputAsserted = false;
  private slaveOutput = false;

  /** `output` is the master's INT pin (Malta: CPU interrupt line IP2). */
  constructor(private readonly output: IrqLine) {
    this.masterChip = new I8259Chip(true, ELCR_MASK_MASTER, () => this.updateMaster());
    this.slaveChip = new I8259Chip(false, ELCR_MASK_SLAVE, () => this.updateSlave());
    this.master = this.masterChip;
    this.slave = this.slaveChip;
    this.elcr = new ElcrPorts([this.masterChip, this.slaveChip]);
  }

  /** An ISA interrupt input, 0..15 (8..15 on the slave); IRQ 2 is the cascade and is ignored. */
  setIrq(irq: number, level: boolean): void {
    if (!Number.isInteger(irq) || irq < 0 || irq > 15) throw new RangeError(`i8259: no IRQ ${irq}`);
    if (irq === CASCADE_IRQ) return;
    if (irq < 8) this.masterChip.setInput(irq, level);
    else this.slaveChip.setInput(irq - 8, level);
  }

  /** Whether the output to the CPU is asserted. */
  get outputLevel(): boolean {
    return this.outputAsserted;
  }

  /**
   * The INTA cycle (QEMU's pic_read_irq): the vector of the highest-priority request, which goes
   * into service. With nothing pending it returns the spurious vector (base + 7 of the chip).
   */
  interruptAcknowledge(): number {
    const irq = this.masterChip.pendingIrq();
    if (irq < 0) return (this.masterChip.irqBase + 7) & 0xff;
    this.masterChip.acknowledge(irq);
    if (irq !== CASCADE_IRQ) return (this.masterChip.irqBase + irq) & 0xff;
    const slaveIrq = this.slaveChip.pendingIrq();
    if (slaveIrq < 0) return (this.slaveChip.irqBase + 7) & 0xff;
    this.slaveChip.acknowledge(slaveIrq);
    return (this.slaveChip.irqBase + slaveIrq) & 0xff;
  }

  /** Register state for tests and debugging: [IRR, ISR, IMR] of master and slave. */
  snapshot(): { master: [number, number, number]; slave: [number, number, number] } {
    const m = this.masterChip;
    const s = this.slaveChip;
    return { master: [m.irr, m.isr, m.imr], slave: [s.irr, s.isr, s.imr] };
  }

  private updateSlave(): void {
    const asserted = this.slaveChip.pendingIrq() >= 0;
    // The slave's INT pin is a level into the master's IR2 (edge-triggered there unless ELCR says).
    if (asserted !== this.slaveOutput) {
      this.slaveOutput = asserted;
      this.masterChip.setInput(CASCADE_IRQ, asserted);
    }
  }

  private updateMaster(): void {
    const asserted = this.masterChip.pendingIrq() >= 0;
    if (asserted !== this.outputAsserted) {
      this.outputAsserted = asserted;
      this.output(asserted);
    }
  }
}
