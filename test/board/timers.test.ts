// The Malta's PIIX4 timers against a fake guest clock: the MC146818 RTC (time in BCD and binary,
// the update-in-progress window Linux's CPU-frequency measurement waits for, setting the time,
// periodic and update-ended interrupts) and the i8254 PIT (mode 2 ticks on IRQ 0, mode 0
// one-shot, counter latch reads).

import { describe, expect, it } from 'vitest';
import { I8254, PIT_HZ } from '../../src/board/malta/i8254.js';
import { Mc146818, RegA, RegB, RegC, RtcReg } from '../../src/board/malta/mc146818.js';

class FakeClock {
  ns = 0;
  nowNs = (): number => this.ns;
}

function rtcAt(epochMs: number) {
  const clock = new FakeClock();
  const irqs: boolean[] = [];
  const rtc = new Mc146818({ clock, irq: (level) => irqs.push(level), epochMs });
  const read = (index: number): number => {
    rtc.write(0, 1, index);
    return rtc.read(1, 1);
  };
  const write = (index: number, value: number): void => {
    rtc.write(0, 1, index);
    rtc.write(1, 1, value);
  };
  return { clock, rtc, irqs, read, write };
}

describe('MC146818 RTC', () => {
  // 2026-12-05 14:34:53.000 UTC, a Saturday.
  const epochMs = Date.UTC(2026, 11, 5, 14, 34, 53);

  it('reads the time in BCD, or binary with DM set', () => {
    const { read, write } = rtcAt(epochMs);
    expect([RtcReg.Seconds, RtcReg.Minutes, RtcReg.Hours, RtcReg.DayOfMonth, RtcReg.Month, RtcReg.Year, RtcReg.Century, RtcReg.DayOfWeek].map(read)).toEqual([0x53, 0x34, 0x14, 0x05, 0x12, 0x26, 0x20, 0x07]);
    write(RtcReg.B, RegB.Hours24 | RegB.Binary);
    expect([RtcReg.Seconds, RtcReg.Minutes, RtcReg.Hours].map(read)).toEqual([53, 34, 14]);
  });

  it('shows update-in-progress for the 244 us before each second, and the seconds move on after it', () => {
    const { clock, read } = rtcAt(epochMs);
    clock.ns = 999_700_000;
    expect(read(RtcReg.A) & RegA.UpdateInProgress).toBe(0);
    clock.ns = 999_800_000;
    expect(read(RtcReg.A) & RegA.UpdateInProgress).toBe(RegA.UpdateInProgress);
    expect(read(RtcReg.Seconds)).toBe(0x53);
    clock.ns = 1_000_000_001;
    expect(read(RtcReg.A) & RegA.UpdateInProgress).toBe(0);
    expect(read(RtcReg.Seconds)).toBe(0x54);
    clock.ns = 7_500_000_000;
    expect(read(RtcReg.Seconds)).toBe(0x00); // 53 + 7: the next minute
    expect(read(RtcReg.Minutes)).toBe(0x35);
  });

  it('takes a new time set with SET, counting from when SET is cleared', () => {
    const { clock, read, write } = rtcAt(epochMs);
    write(RtcReg.B, RegB.Set | RegB.Hours24);
    write(RtcReg.Hours, 0x23);
    write(RtcReg.Minutes, 0x59);
    write(RtcReg.Seconds, 0x58);
    expect(read(RtcReg.A) & RegA.UpdateInProgress).toBe(0);
    clock.ns = 5_000_000_000; // frozen while SET
    expect(read(RtcReg.Seconds)).toBe(0x58);
    write(RtcReg.B, RegB.Hours24);
    clock.ns += 2_000_000_000;
    expect([RtcReg.Hours, RtcReg.Minutes, RtcReg.Seconds, RtcReg.DayOfMonth].map(read)).toEqual([0x00, 0x00, 0x00, 0x06]);
  });

  it('raises IRQ 8 for periodic and update-ended interrupts; reading C acknowledges', () => {
    const { clock, rtc, irqs, read, write } = rtcAt(epochMs);
    write(RtcReg.A, RegA.Divider32k | 6); // 1024 Hz
    write(RtcReg.B, RegB.Hours24 | RegB.Periodic);
    expect(rtc.nextEventNs()).toBeCloseTo(976_562.5, 0);
    clock.ns = 1_000_000;
    rtc.poll(clock.ns);
    expect(irqs).toEqual([true]);
    expect(read(RtcReg.C) & (RegC.Irq | RegC.Periodic)).toBe(RegC.Irq | RegC.Periodic);
    expect(irqs).toEqual([true, false]);
    expect(read(RtcReg.C)).toBe(0);
    write(RtcReg.B, RegB.Hours24 | RegB.UpdateEnded);
    clock.ns = 1_000_100_000;
    rtc.poll(clock.ns);
    expect(read(RtcReg.C) & RegC.UpdateEnded).toBe(RegC.UpdateEnded);
  });
});

describe('i8254 PIT', () => {
  const nsPerTick = 1e9 / PIT_HZ;

  function pit() {
    const clock = new FakeClock();
    const edges: number[] = [];
    let level = false;
    const timer = new I8254(clock, (asserted) => {
      if (asserted && !level) edges.push(clock.ns);
      level = asserted;
    });
    const latchRead = (channel: number): number => {
      timer.write(3, 1, channel << 6);
      return timer.read(channel, 1) | (timer.read(channel, 1) << 8);
    };
    return { clock, timer, edges, latchRead };
  }

  it('mode 2 gives IRQ 0 a rising edge every period, as Linux programs it for HZ ticks', () => {
    const { clock, timer, edges, latchRead } = pit();
    const reload = Math.round(PIT_HZ / 250);
    timer.write(3, 1, 0x34); // channel 0, LSB then MSB, mode 2
    timer.write(0, 1, reload & 0xff);
    timer.write(0, 1, reload >> 8);
    expect(timer.nextEventNs()).toBeCloseTo(reload * nsPerTick, 0);
    for (let tick = 1; tick <= 3; tick++) {
      clock.ns = tick * reload * nsPerTick + 1;
      timer.poll(clock.ns);
    }
    expect(edges.length).toBe(3);
    clock.ns = 3 * reload * nsPerTick + 100 * nsPerTick + 1;
    expect(latchRead(0)).toBe(reload - 100);
  });

  it('mode 0 fires once; a new count restarts it', () => {
    const { clock, timer, edges } = pit();
    timer.write(3, 1, 0x30);
    timer.write(0, 1, 0x00);
    timer.write(0, 1, 0x10); // 4096 ticks
    clock.ns = 5000 * nsPerTick;
    timer.poll(clock.ns);
    timer.poll(clock.ns);
    expect(edges.length).toBe(1);
    expect(timer.nextEventNs()).toBe(Infinity);
    timer.write(0, 1, 0x10);
    timer.write(0, 1, 0x00);
    clock.ns += 17 * nsPerTick;
    timer.poll(clock.ns);
    expect(edges.length).toBe(2);
  });
});
