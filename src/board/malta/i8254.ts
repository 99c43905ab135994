// The PIIX4's i8254 programmable interval timer (ISA I/O 0x40..0x43, 1.193182 MHz), as Linux's
// i8253 clockevent driver (drivers/clocksource/i8253.c) and clocksource use it: mode 0 for
// one-shot, mode 2 for periodic ticks, counter latch and read-back of the count, LSB/MSB access.
// Channel 0's output is ISA IRQ 0 (edge-triggered: a rising edge per terminal count); channel 2's
// gate and output are bits 0 and 5 of port 0x61 (board wiring). Counts follow the guest clock.

import type { BusDevice, GuestClock, IrqLine, TimedDevice } from '../devices.js';

export const PIT_HZ = 1_193_182;
const NS_PER_SECOND = 1e9;

/** Access modes (control word bits 5..4). */
const enum Access {
  Latch = 0,
  Low = 1,
  High = 2,
  LowHigh = 3,
}

class Channel {
  mode = 0;
  access: Access = Access.LowHigh;
  /** The programmed count (0 means 65,536). */
  reload = 0x1_0000;
  /** Guest time (ns) the count was loaded, or undefined while waiting for its bytes. */
  loadedAtNs: number | undefined = undefined;
  writeHigh = false;
  readHigh = false;
  latched: number | undefined = undefined;
  latchedHighPending = false;
  pendingLow = 0;
  /** Mode 0: the terminal count was reached (output high) for this load. */
  fired = false;
  /** Time (ns) of the next output edge this channel must act on. */
  nextEdgeNs = Infinity;

  ticksSinceLoad(nowNs: number): number {
    return this.loadedAtNs === undefined ? 0 : Math.floor(((nowNs - this.loadedAtNs) * PIT_HZ) / NS_PER_SECOND);
  }

  count(nowNs: number): number {
    if (this.loadedAtNs === undefined) return this.reload & 0xffff;
    const ticks = this.ticksSinceLoad(nowNs);
    if (this.mode === 2 || this.mode === 3) return (this.reload - (ticks % this.reload)) & 0xffff;
    return (this.reload - ticks) & 0xffff;
  }

  /** Output pin level now (modes 0, 2 and 3). */
  output(nowNs: number): boolean {
    if (this.loadedAtNs === undefined) return this.mode !== 0;
    const ticks = this.ticksSinceLoad(nowNs);
    switch (this.mode) {
      case 0:
        return ticks >= this.reload;
      case 3:
        return ticks % this.reload < this.reload / 2;
      default:
        return ticks % this.reload !== this.reload - 1;
    }
  }

  scheduleNextEdge(nowNs: number): void {
    if (this.loadedAtNs === undefined) {
      this.nextEdgeNs = Infinity;
      return;
    }
    const nsPerTick = NS_PER_SECOND / PIT_HZ;
    if (this.mode === 0 || this.mode === 4) {
      this.nextEdgeNs = this.fired ? Infinity : this.loadedAtNs + this.reload * nsPerTick;
      return;
    }
    const periods = Math.floor(this.ticksSinceLoad(nowNs) / this.reload) + 1;
    this.nextEdgeNs = this.loadedAtNs + periods * this.reload * nsPerTick;
  }
}

export class I8254 implements BusDevice, TimedDevice {
  private readonly channels = [new Channel(), new Channel(), new Channel()] as const;
  private readonly clock: GuestClock;
  private readonly irq0: IrqLine;
  /** Port 0x61 bit 0: channel 2's gate (the speaker timer). */
  speakerGate = false;

  constructor(clock: GuestClock, irq0: IrqLine) {
    this.clock = clock;
    this.irq0 = irq0;
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    const channel = this.channels[offset & 3];
    if (channel === undefined) return 0xff; // the control port reads nothing useful
    if (channel.latched !== undefined) {
      if (channel.access === Access.LowHigh && !channel.latchedHighPending) {
        channel.latchedHighPending = true;
        return channel.latched & 0xff;
      }
      const value = channel.access === Access.Low ? channel.latched & 0xff : (channel.latched >>> 8) & 0xff;
      channel.latched = undefined;
      channel.latchedHighPending = false;
      return value;
    }
    const count = channel.count(this.clock.nowNs());
    switch (channel.access) {
      case Access.Low:
        return count & 0xff;
      case Access.High:
        return count >>> 8;
      default: {
        const high = channel.readHigh;
        channel.readHigh = !high;
        return high ? count >>> 8 : count & 0xff;
      }
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const byte = value & 0xff;
    const now = this.clock.nowNs();
    if ((offset & 3) === 3) {
      const select = byte >>> 6;
      if (select === 3) {
        // Read-back command: latch the counts of the selected channels (status latching is not modelled).
        for (let i = 0; i < 3; i++) {
          if ((byte & (2 << i)) !== 0 && (byte & 0x20) === 0) this.channels[i]!.latched = this.channels[i]!.count(now);
        }
        return;
      }
      const channel = this.channels[select]!;
      const access = (byte >>> 4) & 3;
      if (access === Access.Latch) {
        if (channel.latched === undefined) channel.latched = channel.count(now);
        return;
      }
      channel.access = access;
      channel.mode = (byte >>> 1) & 7;
      if (channel.mode > 5) channel.mode -= 4; // 6 and 7 alias 2 and 3
      channel.writeHigh = false;
      channel.readHigh = false;
      channel.loadedAtNs = undefined;
      channel.nextEdgeNs = Infinity;
      return;
    }
    const channel = this.channels[offset & 3]!;
    switch (channel.access) {
      case Access.Low:
        this.load(channel, byte, now);
        return;
      case Access.High:
        this.load(channel, byte << 8, now);
        return;
      default:
        if (!channel.writeHigh) {
          channel.pendingLow = byte;
          channel.writeHigh = true;
          // Mode 0 stops counting while the new count is written.
          if (channel.mode === 0) {
            channel.loadedAtNs = undefined;
            channel.nextEdgeNs = Infinity;
          }
        } else {
          channel.writeHigh = false;
          this.load(channel, channel.pendingLow | (byte << 8), now);
        }
    }
  }

  private load(channel: Channel, count: number, now: number): void {
    channel.reload = count === 0 ? 0x1_0000 : count;
    channel.loadedAtNs = now;
    channel.fired = false;
    channel.scheduleNextEdge(now);
  }

  /** Channel 2's output (port 0x61 bit 5). */
  get speakerOutput(): boolean {
    return this.speakerGate && this.channels[2].output(this.clock.nowNs());
  }

  nextEventNs(): number {
    return this.channels[0].nextEdgeNs;
  }

  poll(nowNs: number): void {
    const channel = this.channels[0];
    if (nowNs < channel.nextEdgeNs) return;
    // A rising edge on IRQ 0 (periods missed while the host was busy collapse into one).
    this.irq0(false);
    this.irq0(true);
    if (channel.mode === 0 || channel.mode === 4) channel.fired = true;
    channel.scheduleNextEdge(nowNs);
  }
}
