// The MIPS Malta board (a CoreLV card: 24Kf CPU and GT-64120; the PIIX4 south bridge; the
// FPGA), built only on the public VM API as a VMM is built on KVM: RAM and the boot flash are
// memory slots, every device sits on the VM's in-VM bus (vm.addMmioHandler), the i8259 pair
// drives the CPU's IP2 through vcpu.interrupt, and the host's clock drives Count (countHz) and
// the timers, as QEMU's Malta does without -icount. `run()` drives the VCPU in slices, passes
// console bytes both ways, sleeps while the guest WAITs, and returns why the machine stopped.

import { createVm, type Vcpu, type Vm } from '../../vm/vm.js';
import { MemFlag } from '../../../runtime/gpa.js';
import { Reg } from '../../vm/registers.js';
import { allOnes, forward, type BusDevice, type GuestClock, type TimedDevice } from '../devices.js';
import { BOOT_ROM_BASE, BOOT_ROM_SIZE, BootConfigError, buildBootRom, buildProm, initrdAddress, parseKernel } from './boot.js';
import { FPGA_BASE, FPGA_SIZE, FPGA_UART_OFFSET, FPGA_UART_SIZE, MaltaFpga } from './fpga.js';
import { Gt64120, GT64120_PCI_FUNCTION, type GtWindows } from './gt64120.js';
import { I8254 } from './i8254.js';
import { I8042 } from './i8042.js';
import { I8259Pair } from './i8259.js';
import { IDLE_REGISTERS, IoPorts } from './io-ports.js';
import { Mc146818 } from './mc146818.js';
import { PciBus, PciFunction, type PciFunctionSpec } from './pci.js';
import { CirrusVga, VGA_PORT_BASE, VGA_PORT_COUNT } from './cirrus-vga.js';
import { createPiix4Functions, Piix4PowerManagement, PIIX4_DEVICE, PM_IO_BASE, PM_IO_SIZE, ResetControl } from './piix4.js';
import { Uart16550 } from './uart16550.js';
import { monotonicMs } from '../../host/clock.js';

export { BootConfigError };

/** QEMU's Malta NIC: an AMD PCnet/PCI II 79C970A (configuration space only). */
const PCNET_DEVICE = 11;
const PCNET_PCI_FUNCTION: PciFunctionSpec = {
  vendorId: 0x1022,
  deviceId: 0x2000,
  classCode: 0x02_0000,
  revision: 0x10,
  interruptPin: 1,
  bars: [
    { index: 0, kind: 'io', size: 32 },
    { index: 1, kind: 'memory', size: 32 },
  ],
  romSize: 0x4_0000,
};
/** QEMU's Malta display: a Cirrus CL-GD5446 (registers in src/board/malta/cirrus-vga.ts). */
const CIRRUS_DEVICE = 18;
const CIRRUS_PCI_FUNCTION: PciFunctionSpec = {
  vendorId: 0x1013,
  deviceId: 0x00b8,
  classCode: 0x03_0000,
  bars: [
    { index: 0, kind: 'memory', size: 0x200_0000, prefetchable: true },
    { index: 1, kind: 'memory', size: 0x1000 },
  ],
  romSize: 0x1_0000,
};

/** Count's rate: the kernel measures it against the RTC and reports a 200 MHz CPU (Count runs at half the pipeline clock). */
export const COUNT_HZ = 100_000_000;
/** Malta's low memory ends where the GT-64120's PCI windows start. */
export const MAX_RAM_MIB = 256;
/** Instructions per run() slice: devices are polled and the console served between slices. */
const SLICE = 200_000;
/** Longest stretch (ms) without letting the host's event loop run (console input, Ctrl-A). */
const EVENT_LOOP_MS = 15;
/** Longest sleep while the guest WAITs (ms), in case nothing else bounds it. */
const MAX_IDLE_MS = 50;
/** The watchdog calls it an exception loop after this many samples in a row with the same fault taken over and over ... */
const WATCHDOG_SAMPLES = 5;
/** ... spread over this long by default (MaltaOptions.stallSeconds). */
const DEFAULT_STALL_SECONDS = 5;
/** Exceptions per sample above which a repeated fault counts as a loop. */
const LOOP_EXCEPTIONS = 1000;
/** After a kernel panic message, this much console silence (ms) ends the run. */
const PANIC_SILENCE_MS = 2000;
/** Exception codes taken over and over by healthy guests (interrupts, system calls). */
const EXC_INT = 0;
const EXC_SYS = 8;
/** The window of physical addresses the board decodes: everything between RAM and the boot flash. */
const DECODE_BASE = 0x1000_0000;
const DECODE_END = BOOT_ROM_BASE;

/** Lets the host's event loop run (console input, timers): setImmediate in Node, a macrotask in browsers. */
const yieldToHost = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

export interface MaltaOptions {
  kernel: Uint8Array;
  initrd?: Uint8Array;
  /** The kernel command line after QEMU's rd_start/rd_size (default "console=ttyS0"). */
  append?: string;
  /** RAM in MiB, 16..256 (default 256). */
  memoryMiB?: number;
  engine?: 'interp' | 'jit';
  /** Measure where the time goes (stats: compiled code, interpreter, devices, instantiating); costs a few percent. */
  profile?: boolean;
  /** argv[0] the kernel sees (QEMU passes the kernel's file name). */
  kernelName?: string;
  /**
   * How long (host seconds, default 5) the guest may take the same fault at the same PC over and
   * over before run() ends with `stalled` and a diagnosis (a kernel with a broken exception handler
   * spins there for good). Positive; a larger value only delays the diagnosis.
   */
  stallSeconds?: number;
  /**
   * Receives what the guest writes to the console UART (COM1, ttyS0). Returning a promise holds
   * the guest until it settles: back-pressure from a slow pipe or terminal (e.g. resolve on the
   * stream's 'drain' when write() returned false).
   */
  consoleOutput: (bytes: Uint8Array) => void | Promise<void>;
}

/** Why the board stopped. */
export type MaltaStop =
  | { reason: 'poweroff' }
  | { reason: 'reset' }
  | { reason: 'host-stop' }
  | { reason: 'stalled'; message: string };

export interface MaltaStats {
  instructions: number;
  compiledInstructions: number;
  blocksCompiled: number;
  regionsCompiled: number;
  /** Calls from the run loop into compiled code. */
  regionCalls: number;
  wallMs: number;
  idleMs: number;
  /** Seconds the JIT spent compiling. */
  compileSeconds: number;
  /** Soft-TLB misses served from the GVA tables, and by the guest TLB walk in TypeScript. */
  refillsFromGva: number;
  refillsFromGuestTlb: number;
  /** Exceptions the guest took (interrupts included). */
  exceptions: number;
  /** Loads and stores that reached the board's devices (in-VM bus calls). */
  deviceAccesses: number;
  /** I/O port and bus accesses nothing decoded. */
  unclaimedAccesses: number;
  /**
   * With `profile`: seconds in compiled code and in the interpreter (device accesses and TLB
   * refills included), of them in the board's devices, and instantiating compiled modules.
   */
  compiledCodeSeconds: number;
  interpreterSeconds: number;
  deviceSeconds: number;
  instantiateSeconds: number;
  display: string;
}

export class MaltaBoard {
  readonly vm: Vm;
  readonly vcpu: Vcpu;
  readonly uart: Uart16550;
  readonly fpga: MaltaFpga;
  private readonly pic: I8259Pair;
  /** The idle registers each PCI function's I/O BARs decode to now. */
  private readonly barDevices = new Map<PciFunction, BusDevice[]>();
  private readonly gt: Gt64120;
  private readonly ports = new IoPorts();
  private readonly timedDevices: TimedDevice[] = [];
  private readonly clock: GuestClock;
  private readonly startMs = monotonicMs();
  private windows!: GtWindows;
  private stopReason: MaltaStop | undefined;
  private readonly pendingInput: number[] = [];
  private outputBuffer: number[] = [];
  private readonly consoleOutput: (bytes: Uint8Array) => void | Promise<void>;
  private wakeIdle: (() => void) | undefined;
  private idleMs = 0;
  private unclaimedBus = 0;
  private deviceAccesses = 0;
  private deviceSeconds = 0;
  /** The last complete line the console printed (for a stall diagnosis). */
  private lastLine = '';
  private currentLine = '';
  private lastOutputMs = 0;
  private panicked = false;
  private watchdog = { atMs: 0, exceptions: 0, epc: 0, code: -1, badVAddr: 0, loopSamples: 0 };
  /** How often (ms) the watchdog samples the VCPU: MaltaOptions.stallSeconds over WATCHDOG_SAMPLES. */
  private readonly watchdogMs: number;

  private constructor(vm: Vm, options: MaltaOptions) {
    this.vm = vm;
    this.consoleOutput = options.consoleOutput;
    this.watchdogMs = ((options.stallSeconds ?? DEFAULT_STALL_SECONDS) * 1000) / WATCHDOG_SAMPLES;
    this.vcpu = vm.createVcpu(0);
    const profile = options.profile === true;
    const startMs = this.startMs;
    this.clock = { nowNs: () => (monotonicMs() - startMs) * 1e6 };
    const clock = this.clock;

    this.pic = new I8259Pair((asserted) => this.vcpu.interrupt(2, asserted));
    const pic = this.pic;
    this.uart = new Uart16550({ transmit: (byte) => this.transmit(byte), irq: (level) => pic.setIrq(4, level), clock });
    const secondUart = new Uart16550({ transmit: () => {}, irq: (level) => pic.setIrq(3, level), clock });
    const pit = new I8254(clock, (level) => pic.setIrq(0, level));
    const rtc = new Mc146818({ clock, irq: (level) => pic.setIrq(8, level) });
    const powerManagement = new Piix4PowerManagement(clock, () => this.stop({ reason: 'poweroff' }));
    const resetControl = new ResetControl(() => this.stop({ reason: 'reset' }));
    this.fpga = new MaltaFpga(() => this.stop({ reason: 'reset' }));
    const fpgaUart = new Uart16550({ transmit: () => {}, clock });
    this.timedDevices.push(this.uart, secondUart, pit, rtc, fpgaUart);

    // ISA I/O space (the PIIX4's devices) and the PM function's registers.
    const ports = this.ports;
    ports.add(0x20, 2, this.pic.master);
    ports.add(0xa0, 2, this.pic.slave);
    ports.add(0x4d0, 2, this.pic.elcr);
    ports.add(0x40, 4, pit);
    ports.add(0x61, 1, {
      read: () => (pit.speakerGate ? 1 : 0) | (pit.speakerOutput ? 0x20 : 0),
      write: (_offset, _size, value) => {
        pit.speakerGate = (value & 1) !== 0;
      },
    });
    ports.add(0x70, 2, rtc);
    const keyboardController = new I8042(
      (level) => pic.setIrq(1, level),
      (level) => pic.setIrq(12, level),
    );
    ports.add(0x60, 1, keyboardController.data);
    ports.add(0x64, 1, keyboardController.control);
    ports.add(0x3f8, 8, this.uart);
    ports.add(0x2f8, 8, secondUart);
    ports.add(PM_IO_BASE, PM_IO_SIZE, powerManagement);
    ports.add(0xcf9, 1, resetControl);

    // PCI, as QEMU's Malta: the GT-64120 itself at device 0, the PIIX4 at device 10, an AMD
    // PCnet (its configuration space only: the Debian kernel has no built-in driver for it) at
    // device 11, the Cirrus VGA at device 18 (its registers at the VGA ports). I/O BARs the
    // kernel assigns decode to idle registers.
    const bus = new PciBus();
    bus.add(0, 0, new PciFunction(GT64120_PCI_FUNCTION));
    const functions: [number, number, PciFunction][] = createPiix4Functions().map((fn, index) => [PIIX4_DEVICE, index, fn]);
    functions.push([PCNET_DEVICE, 0, new PciFunction(PCNET_PCI_FUNCTION)], [CIRRUS_DEVICE, 0, new PciFunction(CIRRUS_PCI_FUNCTION)]);
    for (const [device, index, fn] of functions) {
      bus.add(device, index, fn);
      if (fn.barSpecs.length > 0) fn.onWrite = () => this.placeBars(fn);
    }
    ports.add(VGA_PORT_BASE, VGA_PORT_COUNT, new CirrusVga());
    this.gt = new Gt64120({
      bus,
      interruptAcknowledge: () => pic.interruptAcknowledge(),
      windowsChanged: (windows) => {
        this.windows = windows;
      },
    });

    const fpga = this.fpga;
    // The FPGA's window, with its UART's registers (8 bytes apart) at FPGA_UART_OFFSET.
    const inUart = (offset: number): boolean => offset - FPGA_UART_OFFSET >>> 0 < FPGA_UART_SIZE;
    const fpgaDevice: BusDevice = {
      read: (offset, size) => (inUart(offset) ? fpgaUart.read((offset - FPGA_UART_OFFSET) >>> 3, size) : fpga.read(offset, size)),
      write: (offset, size, value) => (inUart(offset) ? fpgaUart.write((offset - FPGA_UART_OFFSET) >>> 3, size, value) : fpga.write(offset, size, value)),
    };
    const decode = (physical: number, size: 1 | 2 | 4, value: number | undefined): number => {
      if (!profile) return this.decode(physical, size, fpgaDevice, value);
      const started = monotonicMs();
      const result = this.decode(physical, size, fpgaDevice, value);
      this.deviceSeconds += (monotonicMs() - started) / 1000;
      return result;
    };
    vm.addMmioHandler({
      base: DECODE_BASE,
      size: DECODE_END - DECODE_BASE,
      read: (offset, size) => decode(DECODE_BASE + offset, size, undefined),
      write: (offset, size, value) => {
        decode(DECODE_BASE + offset, size, value);
      },
    });
  }

  /**
   * Decodes a physical address as the Malta does: the GT-64120's registers, its PCI I/O window,
   * the FPGA, then the PCI memory windows (nothing answers there: reads float high).
   */
  private decode(physical: number, size: 1 | 2 | 4, fpga: BusDevice, value: number | undefined): number {
    this.deviceAccesses++;
    const windows = this.windows;
    const registers = windows.registers;
    if (physical - registers.base >>> 0 < registers.size) return forward(this.gt, physical - registers.base, size, value);
    const io = windows.pciIo;
    if (physical - io.base >>> 0 < io.size) return forward(this.ports, physical - io.base, size, value);
    if (physical - FPGA_BASE >>> 0 < FPGA_SIZE) return forward(fpga, physical - FPGA_BASE, size, value);
    this.unclaimedBus++;
    return value === undefined ? allOnes(size) : 0;
  }

  /**
   * Re-decodes a PCI function's I/O BARs after the kernel moved or enabled them: each decodes to
   * idle registers of its own (the function's registers are not modelled).
   */
  private placeBars(fn: PciFunction): void {
    for (const device of this.barDevices.get(fn) ?? []) this.ports.remove(device);
    const placed: BusDevice[] = [];
    for (const spec of fn.barSpecs) {
      const address = fn.barAddress(spec.index);
      if (spec.kind !== 'io' || address === undefined || address === 0) continue;
      const device: BusDevice = { read: IDLE_REGISTERS.read, write: IDLE_REGISTERS.write };
      try {
        this.ports.add(address, spec.size, device);
        placed.push(device);
      } catch {
        // A BAR placed over another device's ports: the other device keeps them.
      }
    }
    this.barDevices.set(fn, placed);
  }

  /** Builds the board: checks and loads the kernel and initrd, writes the PROM and boot stub. */
  static async create(options: MaltaOptions): Promise<MaltaBoard> {
    const stallSeconds = options.stallSeconds ?? DEFAULT_STALL_SECONDS;
    if (typeof stallSeconds !== 'number' || !Number.isFinite(stallSeconds) || stallSeconds <= 0) {
      throw new BootConfigError(`stallSeconds ${String(stallSeconds)}: must be a positive number of seconds`);
    }
    const memoryMiB = options.memoryMiB ?? MAX_RAM_MIB;
    if (!Number.isInteger(memoryMiB) || memoryMiB < 16 || memoryMiB > MAX_RAM_MIB) {
      throw new BootConfigError(`--mem ${memoryMiB}: Malta's low memory holds 16..${MAX_RAM_MIB} MiB`);
    }
    const ramBytes = memoryMiB * 0x10_0000;
    const kernel = parseKernel(options.kernel, ramBytes);
    let initrd: { physical: number; size: number } | undefined;
    if (options.initrd !== undefined) {
      const physical = initrdAddress(options.initrd.length, ramBytes);
      if (physical < kernel.end) {
        throw new BootConfigError(`initrd: ${options.initrd.length} bytes do not fit between the kernel (ends at 0x${kernel.end.toString(16)}) and the top of ${memoryMiB} MiB of RAM`);
      }
      initrd = { physical, size: options.initrd.length };
    }
    const prom = buildProm({ kernelName: options.kernelName ?? 'vmlinux', commandLine: options.append ?? 'console=ttyS0', initrd, ramBytes });

    const vm = await createVm({ engine: options.engine ?? 'jit', tlbEntries: 16, countHz: COUNT_HZ, profile: options.profile === true, memoryBytes: ramBytes + BOOT_ROM_SIZE });
    vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0, memorySize: ramBytes });
    vm.setUserMemoryRegion({ slot: 1, flags: MemFlag.Readonly, guestPhysAddr: BOOT_ROM_BASE, memorySize: BOOT_ROM_SIZE });
    for (const segment of kernel.segments) vm.writePhys(segment.physical, segment.bytes);
    if (initrd !== undefined && options.initrd !== undefined) vm.writePhys(initrd.physical, options.initrd);
    vm.writePhys(prom.physical, prom.bytes);
    vm.writePhys(BOOT_ROM_BASE, buildBootRom(kernel.entry, prom, ramBytes));
    return new MaltaBoard(vm, options);
  }

  /** Bytes typed at the console: they reach the UART as its FIFO has room. */
  input(bytes: Uint8Array): void {
    for (const byte of bytes) this.pendingInput.push(byte);
    this.wakeIdle?.();
  }

  /** Stops the machine at the next slice boundary (the host's quit key; device models' power-off and reset). */
  stop(reason: MaltaStop = { reason: 'host-stop' }): void {
    this.stopReason ??= reason;
    this.vcpu.requestExit();
    this.wakeIdle?.();
  }

  get stats(): MaltaStats {
    const vcpu = this.vcpu.stats;
    return {
      instructions: vcpu.instructions,
      compiledInstructions: vcpu.compiledInstructions,
      blocksCompiled: vcpu.blocksCompiled,
      regionsCompiled: vcpu.regionsCompiled,
      regionCalls: vcpu.regionCalls,
      wallMs: monotonicMs() - this.startMs,
      idleMs: this.idleMs,
      compileSeconds: vcpu.compileSeconds,
      refillsFromGva: vcpu.refillsFromGva,
      refillsFromGuestTlb: vcpu.refillsFromGuestTlb,
      exceptions: vcpu.exceptions,
      deviceAccesses: this.deviceAccesses,
      unclaimedAccesses: this.ports.unclaimed + this.unclaimedBus,
      compiledCodeSeconds: vcpu.compiledCodeSeconds,
      interpreterSeconds: vcpu.interpreterSeconds,
      deviceSeconds: this.deviceSeconds,
      instantiateSeconds: vcpu.instantiateSeconds,
      display: this.fpga.display,
    };
  }

  private transmit(byte: number): void {
    this.outputBuffer.push(byte);
    this.lastOutputMs = monotonicMs();
    if (byte === 0x0a) {
      if (this.currentLine.includes('Kernel panic - not syncing')) this.panicked = true;
      this.lastLine = this.currentLine;
      this.currentLine = '';
    } else if (byte !== 0x0d && this.currentLine.length < 200) {
      this.currentLine += String.fromCharCode(byte);
    }
  }

  /** Hands the console's bytes to the host; a promise when the host wants the guest to wait. */
  private flushOutput(): void | Promise<void> {
    if (this.outputBuffer.length === 0) return;
    const bytes = Uint8Array.from(this.outputBuffer);
    this.outputBuffer = [];
    return this.consoleOutput(bytes);
  }

  private feedInput(): void {
    if (this.pendingInput.length === 0) return;
    const taken = this.uart.receive(Uint8Array.from(this.pendingInput.slice(0, 16)));
    this.pendingInput.splice(0, taken);
  }

  private pollDevices(): number {
    const now = this.clock.nowNs();
    let next = Infinity;
    for (const device of this.timedDevices) {
      if (device.nextEventNs() <= now) device.poll(now);
      next = Math.min(next, device.nextEventNs());
    }
    return next;
  }

  /** A one-line account of where the guest is, for a stop the user did not ask for. */
  private diagnosis(what: string): string {
    const pc = this.vcpu.getOneReg(Reg.PC);
    const cause = this.vcpu.getOneReg(Reg.CP0_CAUSE);
    const epc = this.vcpu.getOneReg(Reg.CP0_EPC);
    const last = (this.currentLine || this.lastLine).trim();
    const hex = (value: number): string => `0x${value.toString(16).padStart(8, '0')}`;
    return `${what} at PC ${hex(pc)} (Cause ${hex(cause)}, EPC ${hex(epc)}); last console line: ${JSON.stringify(last)}`;
  }

  /**
   * Whether the guest still makes progress: a diagnosis when it takes the same fault at the same
   * place over and over (an exception loop) or has panicked and gone quiet; undefined otherwise.
   */
  private checkProgress(nowMs: number): string | undefined {
    if (this.panicked && nowMs - this.lastOutputMs > PANIC_SILENCE_MS) return this.diagnosis('the kernel panicked');
    const dog = this.watchdog;
    if (nowMs - dog.atMs < this.watchdogMs) return undefined;
    const vcpu = this.vcpu;
    const exceptions = vcpu.stats.exceptions;
    const epc = vcpu.getOneReg(Reg.CP0_EPC);
    const code = (vcpu.getOneReg(Reg.CP0_CAUSE) >>> 2) & 0x1f;
    const badVAddr = vcpu.getOneReg(Reg.CP0_BADVADDR);
    const repeated = code === dog.code && epc === dog.epc && badVAddr === dog.badVAddr && code !== EXC_INT && code !== EXC_SYS;
    dog.loopSamples = repeated && exceptions - dog.exceptions > LOOP_EXCEPTIONS ? dog.loopSamples + 1 : 0;
    Object.assign(dog, { atMs: nowMs, exceptions, epc, code, badVAddr });
    if (dog.loopSamples < WATCHDOG_SAMPLES) return undefined;
    return this.diagnosis(`exception loop (exception ${code} again and again, BadVAddr 0x${badVAddr.toString(16).padStart(8, '0')})`);
  }

  /** Runs the machine until it powers off, resets, stops making progress or the host stops it. */
  async run(): Promise<MaltaStop> {
    let lastYield = monotonicMs();
    try {
      for (;;) {
        this.feedInput();
        const exit = this.vcpu.run({ maxInstructions: SLICE });
        const nextEventNs = this.pollDevices();
        if (this.stopReason !== undefined) return this.stopReason;
        switch (exit.reason) {
          case 'intr':
            break;
          case 'wait': {
            await this.flushOutput();
            await this.idle(nextEventNs);
            lastYield = monotonicMs();
            const stalled = this.checkProgress(lastYield);
            if (stalled !== undefined) return { reason: 'stalled', message: stalled };
            continue;
          }
          case 'mmio':
            // An address outside RAM, the flash and the board's decode: nothing answers.
            this.unclaimedBus++;
            if (!exit.isWrite) this.vcpu.completeMmio(allOnes(exit.size));
            break;
          case 'debug':
            return { reason: 'stalled', message: this.diagnosis('the guest hit SDBBP (an exception before the kernel set up its vectors?)') };
          case 'internal-error':
            return { reason: 'stalled', message: this.diagnosis(`internal error: ${exit.message}`) };
        }
        const now = monotonicMs();
        if (now - lastYield >= EVENT_LOOP_MS) {
          const stalled = this.checkProgress(now);
          if (stalled !== undefined) return { reason: 'stalled', message: stalled };
          const taken = this.flushOutput();
          await (taken ?? yieldToHost());
          lastYield = monotonicMs();
        }
      }
    } finally {
      await this.flushOutput();
    }
  }

  /** The guest executed WAIT: sleep until its timer, a device event or console input. */
  private async idle(nextEventNs: number): Promise<void> {
    const vcpu = this.vcpu;
    const status = vcpu.getOneReg(Reg.CP0_STATUS);
    const cause = vcpu.getOneReg(Reg.CP0_CAUSE);
    // An interrupt already requested (WAIT with IE clear still wakes on it, as on a 24K).
    if ((status & cause & 0xff00) !== 0 || this.pendingInput.length > 0) return;
    let sleepMs = MAX_IDLE_MS;
    if ((status & 0x8000) !== 0) {
      const ticks = (vcpu.getOneReg(Reg.CP0_COMPARE) - vcpu.getOneReg(Reg.CP0_COUNT)) >>> 0;
      sleepMs = Math.min(sleepMs, (ticks / COUNT_HZ) * 1000);
    }
    sleepMs = Math.min(sleepMs, (nextEventNs - this.clock.nowNs()) / 1e6);
    if (sleepMs <= 0.05) return;
    const started = monotonicMs();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, sleepMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeIdle = done;
    });
    this.wakeIdle = undefined;
    this.idleMs += monotonicMs() - started;
  }
}
