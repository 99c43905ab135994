// The PIIX4's MC146818 real-time clock and CMOS RAM (ISA I/O 0x70 index, 0x71 data; IRQ 8), as
// Linux uses it on Malta: arch/mips/mti-malta/malta-time.c measures the CPU frequency by
// counting Count between two rising edges of the update-in-progress flag (register A bit 7, set
// for the 244 us before each second's update), and drivers/rtc/rtc-cmos.c reads and sets the
// time and uses the periodic, alarm and update-ended interrupts. Time is the host's wall-clock
// time at creation plus the guest clock; a guest write of the time (with SET) moves an offset.

import type { BusDevice, GuestClock, IrqLine, TimedDevice } from '../devices.js';

export const RtcReg = {
  Seconds: 0,
  SecondsAlarm: 1,
  Minutes: 2,
  MinutesAlarm: 3,
  Hours: 4,
  HoursAlarm: 5,
  DayOfWeek: 6,
  DayOfMonth: 7,
  Month: 8,
  Year: 9,
  A: 0x0a,
  B: 0x0b,
  C: 0x0c,
  D: 0x0d,
  Century: 0x32,
} as const;

/** The registers that hold the time of day and the date. */
const TIME_REGISTERS: ReadonlySet<number> = new Set([RtcReg.Seconds, RtcReg.Minutes, RtcReg.Hours, RtcReg.DayOfWeek, RtcReg.DayOfMonth, RtcReg.Month, RtcReg.Year, RtcReg.Century]);

export const RegA = { UpdateInProgress: 0x80, DividerMask: 0x70, Divider32k: 0x20, RateMask: 0x0f } as const;
export const RegB = { Set: 0x80, Periodic: 0x40, Alarm: 0x20, UpdateEnded: 0x10, Binary: 0x04, Hours24: 0x02 } as const;
export const RegC = { Irq: 0x80, Periodic: 0x40, Alarm: 0x20, UpdateEnded: 0x10 } as const;

const NS_PER_SECOND = 1_000_000_000;
/** UIP is set this long before each update. */
const UPDATE_IN_PROGRESS_NS = 244_000;

export interface Mc146818Options {
  clock: GuestClock;
  irq: IrqLine;
  /** Host wall-clock time in ms at guest time 0 (default: Date.now() at creation). */
  epochMs?: number;
}

export class Mc146818 implements BusDevice, TimedDevice {
  private readonly cmos = new Uint8Array(128);
  private index = 0;
  private readonly clock: GuestClock;
  private readonly irq: IrqLine;
  /** Seconds since 1970 at guest time 0, moved when the guest sets the time. */
  private baseSeconds: number;
  /** Fraction of a second (ns) the guest clock was at when baseSeconds last changed. */
  private phaseNs = 0;
  /** Whole seconds already passed on to the time registers' update (alarm/update events). */
  private lastUpdateSecond: number;
  private nextPeriodicNs = Infinity;

  constructor(options: Mc146818Options) {
    this.clock = options.clock;
    this.irq = options.irq;
    this.baseSeconds = Math.floor((options.epochMs ?? Date.now()) / 1000);
    this.cmos[RtcReg.A] = RegA.Divider32k | 0x06;
    this.cmos[RtcReg.B] = RegB.Hours24;
    this.cmos[RtcReg.D] = 0x80; // valid RAM and time
    this.lastUpdateSecond = this.secondsNow(this.clock.nowNs());
  }

  private running(): boolean {
    return (this.cmos[RtcReg.B]! & RegB.Set) === 0 && (this.cmos[RtcReg.A]! & RegA.DividerMask) === RegA.Divider32k;
  }

  /** Whole seconds since 1970 on the clock at guest time `nowNs`. */
  private secondsNow(nowNs: number): number {
    return this.baseSeconds + Math.floor((nowNs - this.phaseNs) / NS_PER_SECOND);
  }

  private updateInProgress(nowNs: number): boolean {
    if (!this.running()) return false;
    const intoSecond = (((nowNs - this.phaseNs) % NS_PER_SECOND) + NS_PER_SECOND) % NS_PER_SECOND;
    return intoSecond >= NS_PER_SECOND - UPDATE_IN_PROGRESS_NS;
  }

  private encode(value: number): number {
    if (this.cmos[RtcReg.B]! & RegB.Binary) return value;
    return ((Math.floor(value / 10) << 4) | (value % 10)) & 0xff;
  }

  private decode(value: number): number {
    if (this.cmos[RtcReg.B]! & RegB.Binary) return value;
    return (value >> 4) * 10 + (value & 0x0f);
  }

  /** The time registers for second `seconds` since 1970. */
  private timeFields(seconds: number): Record<number, number> {
    const date = new Date(seconds * 1000);
    let hours = date.getUTCHours();
    if ((this.cmos[RtcReg.B]! & RegB.Hours24) === 0) {
      const pm = hours >= 12;
      hours = hours % 12 === 0 ? 12 : hours % 12;
      hours = this.encode(hours) | (pm ? 0x80 : 0);
    } else {
      hours = this.encode(hours);
    }
    return {
      [RtcReg.Seconds]: this.encode(date.getUTCSeconds()),
      [RtcReg.Minutes]: this.encode(date.getUTCMinutes()),
      [RtcReg.Hours]: hours,
      [RtcReg.DayOfWeek]: this.encode(date.getUTCDay() + 1),
      [RtcReg.DayOfMonth]: this.encode(date.getUTCDate()),
      [RtcReg.Month]: this.encode(date.getUTCMonth() + 1),
      [RtcReg.Year]: this.encode(date.getUTCFullYear() % 100),
      [RtcReg.Century]: this.encode(Math.floor(date.getUTCFullYear() / 100)),
    };
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    if ((offset & 1) === 0) return this.index;
    const now = this.clock.nowNs();
    this.poll(now);
    const index = this.index;
    if (TIME_REGISTERS.has(index)) return this.running() ? (this.timeFields(this.secondsNow(now))[index] ?? 0) : this.cmos[index]!;
    switch (index) {
      case RtcReg.A:
        return (this.cmos[RtcReg.A]! & ~RegA.UpdateInProgress) | (this.updateInProgress(now) ? RegA.UpdateInProgress : 0);
      case RtcReg.C: {
        const value = this.cmos[RtcReg.C]!;
        this.cmos[RtcReg.C] = 0;
        if (value & RegC.Irq) this.irq(false);
        return value;
      }
      default:
        return this.cmos[index & 0x7f]!;
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const byte = value & 0xff;
    if ((offset & 1) === 0) {
      this.index = byte & 0x7f;
      return;
    }
    const now = this.clock.nowNs();
    const index = this.index;
    if (TIME_REGISTERS.has(index)) {
      // A write to one field while the clock runs: the others keep the running time.
      if (this.running()) this.freezeTimeRegisters(now);
      this.cmos[index] = byte;
      if (this.running()) this.takeTimeRegisters(now);
      return;
    }
    switch (index) {
      case RtcReg.A:
        this.cmos[RtcReg.A] = byte & 0x7f;
        this.schedulePeriodic(now);
        return;
      case RtcReg.B: {
        const wasSet = (this.cmos[RtcReg.B]! & RegB.Set) !== 0;
        if (!wasSet && byte & RegB.Set) this.freezeTimeRegisters(now);
        // SET stops updates and clears the update-ended interrupt enable.
        this.cmos[RtcReg.B] = byte & RegB.Set ? byte & ~RegB.UpdateEnded : byte;
        if (wasSet && (byte & RegB.Set) === 0) this.takeTimeRegisters(now);
        this.schedulePeriodic(now);
        this.updateIrq();
        return;
      }
      case RtcReg.C:
      case RtcReg.D:
        return; // read-only
      default:
        this.cmos[index] = byte;
    }
  }

  /** Copies the running time into the registers (the guest is about to set some of them). */
  private freezeTimeRegisters(now: number): void {
    const fields = this.timeFields(this.secondsNow(now));
    for (const [index, value] of Object.entries(fields)) this.cmos[Number(index)] = value;
  }

  /** The time registers become the clock's time, counting from now. */
  private takeTimeRegisters(now: number): void {
    const c = this.cmos;
    let hours = c[RtcReg.Hours]!;
    if ((c[RtcReg.B]! & RegB.Hours24) === 0) {
      const pm = (hours & 0x80) !== 0;
      hours = this.decode(hours & 0x7f) % 12 + (pm ? 12 : 0);
    } else {
      hours = this.decode(hours);
    }
    const century = this.decode(c[RtcReg.Century]!) || 20;
    const milliseconds = Date.UTC(century * 100 + this.decode(c[RtcReg.Year]!), this.decode(c[RtcReg.Month]!) - 1, this.decode(c[RtcReg.DayOfMonth]!), hours, this.decode(c[RtcReg.Minutes]!), this.decode(c[RtcReg.Seconds]!));
    if (!Number.isFinite(milliseconds)) return;
    this.phaseNs = now;
    this.baseSeconds = Math.floor(milliseconds / 1000);
    this.lastUpdateSecond = this.baseSeconds;
  }

  private schedulePeriodic(now: number): void {
    const rate = this.cmos[RtcReg.A]! & RegA.RateMask;
    if (rate === 0 || (this.cmos[RtcReg.B]! & RegB.Periodic) === 0 || !this.running()) {
      this.nextPeriodicNs = Infinity;
      return;
    }
    // Rates 1 and 2 are 256 and 128 Hz (as 8 and 9); otherwise 65,536 Hz >> rate.
    const hz = rate <= 2 ? 65_536 >> (rate + 7) : 65_536 >> rate;
    const period = NS_PER_SECOND / hz;
    this.nextPeriodicNs = (Math.floor(now / period) + 1) * period;
  }

  private raise(flags: number): void {
    this.cmos[RtcReg.C] = this.cmos[RtcReg.C]! | flags;
    this.updateIrq();
  }

  private updateIrq(): void {
    const c = this.cmos[RtcReg.C]!;
    const enabled = c & this.cmos[RtcReg.B]! & (RegC.Periodic | RegC.Alarm | RegC.UpdateEnded);
    if (enabled !== 0 && (c & RegC.Irq) === 0) {
      this.cmos[RtcReg.C] = c | RegC.Irq;
      this.irq(true);
    }
  }

  nextEventNs(): number {
    const nextSecond = this.phaseNs + (this.lastUpdateSecond - this.baseSeconds + 1) * NS_PER_SECOND;
    return Math.min(this.nextPeriodicNs, this.running() ? nextSecond : Infinity);
  }

  poll(nowNs: number): void {
    if (nowNs >= this.nextPeriodicNs) {
      this.raise(RegC.Periodic);
      this.schedulePeriodic(nowNs);
    }
    if (!this.running()) return;
    const second = this.secondsNow(nowNs);
    if (second === this.lastUpdateSecond) return;
    this.lastUpdateSecond = second;
    let flags = RegC.UpdateEnded;
    const fields = this.timeFields(second);
    const matches = (alarm: number, field: number): boolean => (this.cmos[alarm]! & 0xc0) === 0xc0 || this.cmos[alarm] === fields[field];
    if (matches(RtcReg.SecondsAlarm, RtcReg.Seconds) && matches(RtcReg.MinutesAlarm, RtcReg.Minutes) && matches(RtcReg.HoursAlarm, RtcReg.Hours)) flags |= RegC.Alarm;
    this.raise(flags);
  }
}
