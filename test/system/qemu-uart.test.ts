// Bare-metal ROMs (test/system/guest/bin/*.rom) booted on a system-mode VM and compared with what
// QEMU's Malta (qemu-system-mipsel -M malta -cpu 24Kf) printed on its serial port for them
// (test/system/guest/expected/*.txt, made by test/system/guest/record.sh).
//
// The host side plays a minimal Malta: the ROM at physical 0x1fc00000 (read-only slot), 32 MiB
// of RAM at physical 0, the ISA 16550 at 0x180003f8 (THR writes are the output, LSR reads say
// "transmitter empty"), and the FPGA SOFTRES register at 0x1f000500, where 0x42 powers off.
// Every other MMIO access (the GT-64120 and i8259 set-up in crt0.S) reads 0 and is ignored.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVm, MemFlag } from '../../src/index.js';

/** Engines to run every ROM on ('jit' joins when the system-mode JIT exists). */
const ENGINES = ['interp', 'jit'] as const;

const guestDir = path.resolve(__dirname, 'guest');
const ROM_BASE = 0x1fc0_0000;
const RAM_SIZE = 32 << 20;
const UART_THR = 0x1800_03f8;
const UART_LSR = UART_THR + 5;
const LSR_READY = 0x60; // THR empty, transmitter empty
const SOFTRES = 0x1f00_0500;
const GORESET = 0x42;
/** QEMU's 24Kf has 16 JTLB entries, and the tlb ROM checks Config1.MMUSize. */
const TLB_ENTRIES = 16;
/** Instructions per run() call, and caps so a broken VM fails instead of hanging. */
const SLICE = 1_000_000;
const MAX_SLICES = 300;
const MAX_EXITS = 2_000_000;

const roms = fs.existsSync(path.join(guestDir, 'bin'))
  ? fs.readdirSync(path.join(guestDir, 'bin')).filter((f) => f.endsWith('.rom')).map((f) => f.slice(0, -4)).sort()
  : [];

interface Outcome {
  output: string;
  poweredOff: boolean;
  stop: string;
}

async function boot(engine: (typeof ENGINES)[number], rom: Uint8Array): Promise<Outcome> {
  const vm = await createVm({ engine, tlbEntries: TLB_ENTRIES, hotThreshold: engine === 'jit' ? 2 : undefined, compiler: 'inline' });
  const romSize = Math.ceil(rom.length / 0x1000) * 0x1000;
  vm.setUserMemoryRegion({ slot: 0, flags: MemFlag.Readonly, guestPhysAddr: ROM_BASE, memorySize: romSize });
  vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0, memorySize: RAM_SIZE });
  vm.memory(0).set(rom);
  const vcpu = vm.createVcpu(0);

  let output = '';
  let slices = 0;
  for (let exits = 0; exits < MAX_EXITS; exits++) {
    const exit = vcpu.run({ maxInstructions: SLICE });
    switch (exit.reason) {
      case 'mmio':
        if (exit.isWrite) {
          if (exit.phys === UART_THR) output += String.fromCharCode(exit.data & 0xff);
          else if (exit.phys === SOFTRES && (exit.data & 0xff) === GORESET) return { output, poweredOff: true, stop: 'power off' };
        } else {
          vcpu.completeMmio(exit.phys === UART_LSR ? LSR_READY : 0);
        }
        break;
      case 'wait':
        break;
      case 'intr':
        if (++slices >= MAX_SLICES) return { output, poweredOff: false, stop: `no power off after ${MAX_SLICES * SLICE} instructions` };
        break;
      case 'debug':
        return { output, poweredOff: false, stop: `debug exit (SDBBP) at 0x${(exit.pc >>> 0).toString(16)}` };
      case 'internal-error':
        return { output, poweredOff: false, stop: `internal error: ${exit.message}` };
    }
  }
  return { output, poweredOff: false, stop: `no power off after ${MAX_EXITS} exits` };
}

describe('bare-metal ROMs against qemu-system-mipsel (malta, 24Kf) UART recordings', () => {
  it('has ROMs and recordings', () => {
    expect(roms.length).toBeGreaterThan(0);
    for (const name of roms) expect(fs.existsSync(path.join(guestDir, 'expected', `${name}.txt`)), `expected/${name}.txt`).toBe(true);
  });
  for (const name of roms) for (const engine of ENGINES) {
    it(`${name} (${engine})`, async () => {
      const rom = fs.readFileSync(path.join(guestDir, 'bin', `${name}.rom`));
      const expected = fs.readFileSync(path.join(guestDir, 'expected', `${name}.txt`), 'latin1');
      const result = await boot(engine, new Uint8Array(rom.buffer, rom.byteOffset, rom.byteLength));
      expect(result.output).toBe(expected);
      expect(result.stop).toBe('power off');
      expect(result.poweredOff).toBe(true);
    });
  }
});
