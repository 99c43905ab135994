// The public system-mode API, shaped like Linux KVM: a VM owns guest-physical memory (slots) and
// up to 8 VCPUs; the host maps memory, creates VCPUs, and calls vcpu.run(), which returns why it
// stopped (an Exit). Everything a host passes in is checked: bad input throws a RangeError or
// Error that says why, and changes nothing.

import { PhysicalMemory } from '../../runtime/physical-memory.js';
import { MAX_MEMORY_SLOTS, MemFlag, type MemoryRegion, type Slot } from '../../runtime/gpa.js';
import { Cp0Reg } from '../../runtime/cp0.js';
import { StateWord } from '../../runtime/state.js';
import type { Exit } from '../../runtime/exits.js';
import type { MmioHandler } from '../../runtime/mmio-bus.js';
import { SystemCpu } from '../interp/system-cpu.js';
import { SystemCodeCache, SystemJitEngine } from '../../codegen/system-engine.js';
import { buildRefillModule, instantiateRefill, type RefillFunction } from '../../codegen/tlb-refill.js';
import { registerOf, REGISTER_IDS } from './registers.js';

export { MemFlag, type MemoryRegion, type Exit, type MmioHandler };

/** Capabilities (KVM_CAP_* numbers) for vm.checkExtension. */
export enum Cap {
  UserMemory = 3,
  NrVcpus = 9,
  NrMemslots = 10,
  SyncMmu = 16,
  OneReg = 70,
  MaxVcpus = 66,
  ReadonlyMem = 81,
}

export const MAX_VCPUS = 8;

export interface VmOptions {
  /** 'interp' runs the reference interpreter; 'jit' compiles hot code to WebAssembly. */
  engine?: 'interp' | 'jit';
  /** JIT: block entries before a block's page is compiled (default 200). */
  hotThreshold?: number;
  /** JIT: live compiled regions per VCPU at most (default 512; the oldest go first). */
  maxRegions?: number;
  /** JTLB entries, 16..64 (default 32). */
  tlbEntries?: number;
  /** Count's rate in Hz from host time; omitted: Count ticks once per two retired instructions. */
  countHz?: number;
}

export interface VcpuStats {
  instructions: number;
  /** Exceptions the guest took, interrupts included. */
  exceptions: number;
  /** Soft-TLB misses served from the GVA tables (by the generated Wasm handler under the JIT). */
  refillsFromGva: number;
  /** Soft-TLB misses that needed TypeScript: the segment map and guest TLB walk. */
  refillsFromGuestTlb: number;
  compiledInstructions: number;
  /** Seconds the JIT spent building and instantiating modules (on the thread that runs the VCPU). */
  compileSeconds: number;
  blocksCompiled: number;
  regionsCompiled: number;
  /** Regions dropped (VM-wide: the VCPUs share compiled code) because their code was written, and because of the cap. */
  regionsInvalidated: number;
  regionsEvicted: number;
}

export interface RunOptions {
  /** Return with { reason: 'intr' } after this many retired instructions. */
  maxInstructions?: number;
}

export class Vcpu {
  readonly id: number;
  private readonly cpu: SystemCpu;
  private readonly jit: SystemJitEngine | undefined;
  private readonly code: SystemCodeCache | undefined;

  /** @internal Use vm.createVcpu. */
  constructor(id: number, cpu: SystemCpu, jit: SystemJitEngine | undefined, code: SystemCodeCache | undefined) {
    this.id = id;
    this.cpu = cpu;
    this.jit = jit;
    this.code = code;
  }

  /** Runs guest code until an exit. */
  run(options: RunOptions = {}): Exit {
    const max = options.maxInstructions ?? Infinity;
    if (!(max >= 0)) throw new RangeError(`run: maxInstructions ${max} must be a number >= 0`);
    return this.jit !== undefined ? this.jit.run(max) : this.cpu.run(max);
  }

  /**
   * Instructions retired so far; under the JIT how many of them ran in compiled code; and the
   * soft-TLB misses served from the GVA tables (by the refill handler) and by the guest TLB walk.
   */
  get stats(): VcpuStats {
    const jit = this.jit?.stats;
    return {
      instructions: this.cpu.instructions,
      exceptions: this.cpu.exceptionsTaken,
      refillsFromGva: this.cpu.r[StateWord.RefillsInWasm]! >>> 0,
      refillsFromGuestTlb: this.cpu.r[StateWord.RefillsInHost]! >>> 0,
      compiledInstructions: jit?.compiledInstructions ?? 0,
      compileSeconds: jit?.compileSeconds ?? 0,
      blocksCompiled: jit?.blocksCompiled ?? 0,
      regionsCompiled: jit?.regionsCompiled ?? 0,
      regionsInvalidated: this.code?.invalidations ?? 0,
      regionsEvicted: this.code?.evictions ?? 0,
    };
  }

  /** The data of the MMIO read the last run exited for (the load completes on the next run). */
  completeMmio(value: number): void {
    checkValue('completeMmio', value);
    this.cpu.completeMmio(value);
  }

  /** Asserts or deasserts hardware interrupt line `ip` (2..7): Cause.IP2..IP7. */
  interrupt(ip: number, asserted: boolean): void {
    if (!Number.isInteger(ip) || ip < 2 || ip > 7) throw new RangeError(`interrupt(${ip}): hardware interrupt lines are 2..7`);
    this.cpu.setInterruptLine(ip, asserted);
  }

  /** The current or next run returns { reason: 'intr' }. */
  requestExit(): void {
    this.cpu.requestExit();
  }

  /** KVM_GET_REG_LIST: every register id getOneReg/setOneReg accept. */
  getRegList(): readonly number[] {
    return REGISTER_IDS;
  }

  /** Reads one register (an id from Reg) as an unsigned 32-bit number. */
  getOneReg(id: number): number {
    const register = registerOf(id);
    if (register === undefined) throw new RangeError(`getOneReg: no register with id 0x${Number(id).toString(16)}`);
    const cpu = this.cpu;
    switch (register.kind) {
      case 'gpr':
        return cpu.r[register.index]! >>> 0;
      case 'hi':
        return cpu.r[StateWord.Hi]! >>> 0;
      case 'lo':
        return cpu.r[StateWord.Lo]! >>> 0;
      case 'pc':
        return cpu.pc >>> 0;
      case 'fir':
        return cpu.r[StateWord.Fir]! >>> 0;
      case 'fcsr':
        return cpu.r[StateWord.Fcsr]! >>> 0;
      case 'fpr':
        return cpu.fprBits[register.index]! >>> 0;
      case 'cp0':
        return cpu.cp0.read(register.reg) >>> 0;
    }
  }

  /** Writes one register. CP0 registers take every bit the host gives (as KVM's SET_ONE_REG). */
  setOneReg(id: number, value: number): void {
    const register = registerOf(id);
    if (register === undefined) throw new RangeError(`setOneReg: no register with id 0x${Number(id).toString(16)}`);
    checkValue('setOneReg', value);
    const cpu = this.cpu;
    const word = value | 0;
    switch (register.kind) {
      case 'gpr':
        if (register.index !== 0) cpu.r[register.index] = word;
        return;
      case 'hi':
        cpu.r[StateWord.Hi] = word;
        return;
      case 'lo':
        cpu.r[StateWord.Lo] = word;
        return;
      case 'pc':
        cpu.setPc(word);
        return;
      case 'fir':
        throw new RangeError('setOneReg: FIR is read-only');
      case 'fcsr':
        cpu.fcsr = word;
        return;
      case 'fpr':
        cpu.fprBits[register.index] = word;
        return;
      case 'cp0':
        if (register.reg === Cp0Reg.UserLocal) cpu.userLocal = word;
        cpu.cp0.writeFromHost(register.reg, word);
        return;
    }
  }
}

function checkValue(what: string, value: number): void {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0xffff_ffff) {
    throw new RangeError(`${what}: ${value} is not a 32-bit integer`);
  }
}

export class Vm {
  readonly engine: 'interp' | 'jit';

  readonly tlbEntries: number;
  private readonly countHz: number | undefined;
  private readonly hostCpus: number;
  private readonly physical = new PhysicalMemory();
  private readonly vcpus: (Vcpu | undefined)[] = new Array(MAX_VCPUS).fill(undefined);
  /** Under the JIT, the generated soft-TLB refill handler and the compiled code, shared by the VCPUs. */
  private readonly refill: RefillFunction | undefined;
  private readonly code: SystemCodeCache | undefined;

  /** @internal Use createVm. */
  constructor(options: Required<Pick<VmOptions, 'tlbEntries'>> & VmOptions, hostCpus: number) {
    this.engine = options.engine ?? 'interp';
    if (this.engine === 'jit') {
      const host = this.physical.host;
      const { module } = buildRefillModule(host.pages, host.maximumPages, this.physical.hostPageFlagsOffset);
      this.refill = instantiateRefill(module, host.memory);
      this.code = new SystemCodeCache(this.physical, this.refill, { hotThreshold: options.hotThreshold, maxRegions: options.maxRegions });
    }
    this.tlbEntries = options.tlbEntries;
    this.countHz = options.countHz;
    this.hostCpus = hostCpus;
  }

  /** KVM_CHECK_EXTENSION: 0 when unsupported, else the capability's value. */
  checkExtension(cap: Cap): number {
    switch (cap) {
      case Cap.UserMemory:
      case Cap.OneReg:
      case Cap.ReadonlyMem:
        return 1;
      case Cap.NrVcpus:
        return Math.min(this.hostCpus, MAX_VCPUS);
      case Cap.MaxVcpus:
        return MAX_VCPUS;
      case Cap.NrMemslots:
        return MAX_MEMORY_SLOTS;
      case Cap.SyncMmu:
        return 1;
      default:
        return 0;
    }
  }

  private slotOrThrow(what: string, slot: number): Slot {
    const found = Number.isInteger(slot) ? this.physical.gpa.slot(slot) : undefined;
    if (found === undefined) throw new RangeError(`${what}(${slot}): no such memory slot`);
    return found;
  }

  /** KVM_SET_USER_MEMORY_REGION: creates, moves, re-flags or (memorySize 0) deletes a slot. */
  setUserMemoryRegion(region: MemoryRegion): void {
    this.physical.setRegion(region);
  }

  /** A slot as it is now (with its backing's host offset, usable as another slot's userspaceAddr). */
  slotInfo(slot: number): Required<MemoryRegion> {
    const { flags, guestPhysAddr, memorySize, userspaceAddr } = this.slotOrThrow('slotInfo', slot);
    return { slot, flags, guestPhysAddr, memorySize, userspaceAddr };
  }

  /** The bytes of a slot (a view of host memory: fetch it again after adding slots, which may grow the memory). */
  memory(slot: number): Uint8Array {
    const found = this.slotOrThrow('memory', slot);
    return new Uint8Array(this.physical.host.buffer, found.userspaceAddr, found.memorySize);
  }

  /** Copies guest-physical bytes out. */
  readPhys(gpa: number, length: number): Uint8Array {
    return this.physical.readPhys(gpa, length);
  }

  /** Writes guest-physical bytes as a device would (decoded code dropped, dirty pages logged, LL links broken). */
  writePhys(gpa: number, bytes: Uint8Array): void {
    this.physical.writePhys(gpa, bytes);
  }

  /** KVM_GET_DIRTY_LOG: the slot's bitmap of pages written since the last call (1 bit per 4 KiB page, LSB first), then cleared. */
  getDirtyLog(slot: number): Uint8Array {
    const found = this.slotOrThrow('getDirtyLog', slot);
    if ((found.flags & MemFlag.LogDirtyPages) === 0) throw new Error(`getDirtyLog(${slot}): the slot is not logging (MemFlag.LogDirtyPages)`);
    return this.physical.takeDirtyLog(found);
  }

  /**
   * Puts a device on the VM's bus (KVM's in-kernel io bus): guest loads and stores to
   * [base, base + size) that no memory slot covers call `read`/`write` from the CPU's MMIO path,
   * under both engines, without ending the run. Unclaimed addresses still exit as `mmio`. An
   * access that crosses the end of the range is not the device's. Ranges may not overlap.
   */
  addMmioHandler(handler: MmioHandler): void {
    if (handler === null || typeof handler !== 'object') throw new TypeError('addMmioHandler: handler must be an object { base, size, read, write }');
    const { base, size } = handler;
    if (!Number.isInteger(base) || base < 0 || base > 0xffff_ffff) throw new RangeError(`addMmioHandler: base ${String(base)} must be a guest-physical address 0..0xffff_ffff`);
    if (!Number.isInteger(size) || size < 1 || base + size > 0x1_0000_0000) throw new RangeError(`addMmioHandler: size ${String(size)} must be an integer >= 1 that ends at or below 4 GiB`);
    if (typeof handler.read !== 'function' || typeof handler.write !== 'function') throw new TypeError('addMmioHandler: handler.read and handler.write must be functions');
    this.physical.mmioBus.add(handler);
  }

  /** Takes a device off the bus; its addresses exit as `mmio` again. False when it was not on it. */
  removeMmioHandler(handler: MmioHandler): boolean {
    return this.physical.mmioBus.remove(handler);
  }

  /** KVM_CREATE_VCPU: VCPU `id` (0..7, once each); its EBase.CPUNum is `id`. */
  createVcpu(id: number): Vcpu {
    if (!Number.isInteger(id) || id < 0 || id >= MAX_VCPUS) throw new RangeError(`createVcpu(${id}): VCPU ids are 0..${MAX_VCPUS - 1}`);
    if (this.vcpus[id] !== undefined) throw new RangeError(`createVcpu(${id}): VCPU ${id} exists already`);
    const cpu = new SystemCpu(this.physical, { id, tlbEntries: this.tlbEntries, countHz: this.countHz });
    cpu.refill = this.refill;
    const jit = this.code !== undefined ? new SystemJitEngine(cpu, this.code) : undefined;
    const vcpu = new Vcpu(id, cpu, jit, this.code);
    this.vcpus[id] = vcpu;
    return vcpu;
  }
}

/** Creates a VM (KVM_CREATE_VM). */
export async function createVm(options: VmOptions = {}): Promise<Vm> {
  const engine = options.engine ?? 'interp';
  if (engine !== 'interp' && engine !== 'jit') throw new RangeError(`createVm: unknown engine '${String(engine)}' (interp, jit)`);
  const tlbEntries = options.tlbEntries ?? 32;
  if (!Number.isInteger(tlbEntries) || tlbEntries < 16 || tlbEntries > 64) throw new RangeError(`createVm: tlbEntries ${tlbEntries} must be 16..64`);
  if (options.countHz !== undefined && !(options.countHz > 0 && Number.isFinite(options.countHz))) {
    throw new RangeError(`createVm: countHz ${options.countHz} must be a positive number`);
  }
  if (options.hotThreshold !== undefined && !(Number.isInteger(options.hotThreshold) && options.hotThreshold >= 1)) {
    throw new RangeError(`createVm: hotThreshold ${options.hotThreshold} must be an integer >= 1`);
  }
  if (options.maxRegions !== undefined && !(Number.isInteger(options.maxRegions) && options.maxRegions >= 1)) {
    throw new RangeError(`createVm: maxRegions ${options.maxRegions} must be an integer >= 1`);
  }
  if (engine === 'jit') await SystemCodeCache.prepare();
  return new Vm({ ...options, tlbEntries }, await hostCpuCount());
}

async function hostCpuCount(): Promise<number> {
  const navigatorCount = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (typeof navigatorCount === 'number' && navigatorCount > 0) return navigatorCount;
  try {
    const os = await import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  } catch {
    return 1;
  }
}
