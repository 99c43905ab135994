// The public system-mode API, shaped like Linux KVM: a VM owns guest-physical memory (slots) and
// up to 8 VCPUs; the host maps memory, creates VCPUs, and calls vcpu.run(), which returns why it
// stopped (an Exit). Everything a host passes in is checked once, here (./arguments.ts): bad input
// throws a TypeError or RangeError that names the argument and what it must be, and changes nothing.

import { PhysicalMemory } from '../../runtime/physical-memory.js';
import { MAX_MEMORY_SLOTS, MemFlag, type MemoryRegion, type Slot } from '../../runtime/gpa.js';
import { Cp0Reg } from '../../runtime/cp0.js';
import { StateWord } from '../../runtime/state.js';
import type { Exit } from '../../runtime/exits.js';
import type { MmioHandler } from '../../runtime/mmio-bus.js';
import { SystemCpu } from '../interp/system-cpu.js';
import { SystemCodeCache, SystemJitEngine } from '../../codegen/system-engine.js';
import { buildRefillModule, instantiateRefill, type RefillFunction } from '../../codegen/tlb-refill.js';
import { InlineCompiler } from '../../codegen/compiler.js';
import { SharedCompiler } from '../../codegen/shared-compiler.js';
import { WorkerCompiler } from '../../codegen/worker-compiler.js';
import { optimizeOnlyHotWasm } from '../../codegen/v8-tiering.js';
import { registerOf, REGISTER_IDS } from './registers.js';
import { booleanArgument, bytesArgument, choiceArgument, integerIn, objectArgument, shown, word as wordArgument } from './arguments.js';
import { monotonicMs } from '../host/clock.js';

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
  /** JIT: block entries before a block start is compiled (default 2000; codegen/system-engine.ts says why). */
  hotThreshold?: number;
  /** JIT: live compiled regions per VCPU at most (default 512; the oldest go first). */
  maxRegions?: number;
  /**
   * JIT: a guest register lives in a Wasm local of a region whose code names it this many times
   * (default 12: codegen/translate.ts MIN_USES_TO_CACHE says why); the others are read and written
   * in the VCPU's state where they are used. Lower values are for tests.
   */
  minUsesToCache?: number;
  /**
   * JIT: where regions compile. 'worker' (the default in Node): on a worker thread shared by the
   * process's VMs, while the VCPU goes on in the interpreter; 'inline' (the default elsewhere, e.g.
   * in a Web Worker that runs the whole VM): on the thread that runs the VCPU, before it goes on.
   */
  compiler?: 'worker' | 'inline';
  /**
   * Measure where a VCPU's time goes (vcpu.stats: compiledCodeSeconds, interpreterSeconds,
   * instantiateSeconds). Costs two clock reads per call into compiled code and per interpreter
   * stretch (~2-3% of a Malta boot); off by default.
   */
  profile?: boolean;
  /** JTLB entries, 16..64 (default 32). */
  tlbEntries?: number;
  /** Count's rate in Hz from host time; omitted: Count ticks once per two retired instructions. */
  countHz?: number;
  /**
   * Bytes of memory regions the VMM means to add (a hint; more still works). The VM sets host
   * memory aside for them, and for its own tables, when it is created. Without it the host memory
   * grows as regions come, and growing a WebAssembly.Memory replaces its ArrayBuffer: from the
   * first detached buffer on, V8 checks for one at every typed-array access of the process (89 such
   * checks in the system interpreter's switched loop: 263-278 -> 239-251 x86 instructions per guest
   * instruction, cachegrind over a Malta boot).
   */
  memoryBytes?: number;
}

/** Host memory the VM's own tables take besides the regions: page flags, the JIT's region slots and jump cache, VCPU blocks. */
const VM_TABLE_BYTES = 16 * 0x10_0000;

export interface VcpuStats {
  instructions: number;
  /** Exceptions the guest took, interrupts included. */
  exceptions: number;
  /** Soft-TLB misses served from the GVA tables (by the generated Wasm handler under the JIT). */
  refillsFromGva: number;
  /** Soft-TLB misses that needed TypeScript: the segment map and guest TLB walk. */
  refillsFromGuestTlb: number;
  compiledInstructions: number;
  /** Calls from the run loop into compiled code (each returns to TypeScript once). */
  regionCalls: number;
  /** Seconds the JIT spent building modules (on the compiler's thread: a worker's time runs alongside). */
  compileSeconds: number;
  /** With `profile`: seconds in compiled code (its device accesses and TLB refills included). */
  compiledCodeSeconds: number;
  /** With `profile`: seconds in the interpreter (the whole run under engine 'interp'). */
  interpreterSeconds: number;
  /** With `profile`: seconds instantiating compiled modules on the VCPU's thread. */
  instantiateSeconds: number;
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

  /** Interpreter time under engine 'interp' with `profile`. */
  private interpreterSeconds = 0;

  /** @internal Use vm.createVcpu. */
  constructor(
    id: number,
    cpu: SystemCpu,
    jit: SystemJitEngine | undefined,
    code: SystemCodeCache | undefined,
    private readonly profile = false,
  ) {
    this.id = id;
    this.cpu = cpu;
    this.jit = jit;
    this.code = code;
  }

  /** Runs guest code until an exit. */
  run(options: RunOptions = {}): Exit {
    const given = objectArgument('run', 'options', options, true)?.maxInstructions;
    const max = given === undefined || given === Infinity ? Infinity : integerIn('run', 'options.maxInstructions', given, 0, Number.MAX_SAFE_INTEGER, 'an integer >= 0 (or Infinity)');
    if (this.jit !== undefined) return this.jit.run(max);
    if (!this.profile) return this.cpu.run(max);
    const start = monotonicMs();
    const exit = this.cpu.run(max);
    this.interpreterSeconds += (monotonicMs() - start) / 1000;
    return exit;
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
      regionCalls: jit?.regionCalls ?? 0,
      compileSeconds: jit?.compileSeconds ?? 0,
      compiledCodeSeconds: jit?.compiledCodeSeconds ?? 0,
      interpreterSeconds: (jit?.interpreterSeconds ?? 0) + this.interpreterSeconds,
      instantiateSeconds: jit?.instantiateSeconds ?? 0,
      blocksCompiled: jit?.blocksCompiled ?? 0,
      regionsCompiled: jit?.regionsCompiled ?? 0,
      regionsInvalidated: this.code?.invalidations ?? 0,
      regionsEvicted: this.code?.evictions ?? 0,
    };
  }

  /** The data of the MMIO read the last run exited for (the load completes on the next run). */
  completeMmio(value: number): void {
    wordArgument('completeMmio', 'value', value);
    this.cpu.completeMmio(value);
  }

  /** Asserts or deasserts hardware interrupt line `ip` (2..7): Cause.IP2..IP7. */
  interrupt(ip: number, asserted: boolean): void {
    integerIn('interrupt', 'ip (a hardware interrupt line)', ip, 2, 7);
    booleanArgument('interrupt', 'asserted', asserted);
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
    const register = registerOf(integerIn('getOneReg', 'id', id, 0, Number.MAX_SAFE_INTEGER, 'a register id from Reg'));
    if (register === undefined) throw new RangeError(`getOneReg: id must be a register id from Reg (getRegList()), not ${shown(id)}`);
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
        return cpu.fprBits[register.index * 2 + (register.high ? 1 : 0)]! >>> 0;
      case 'cp0':
        return cpu.cp0.read(register.reg) >>> 0;
    }
  }

  /** Writes one register. CP0 registers take every bit the host gives (as KVM's SET_ONE_REG). */
  setOneReg(id: number, value: number): void {
    const register = registerOf(integerIn('setOneReg', 'id', id, 0, Number.MAX_SAFE_INTEGER, 'a register id from Reg'));
    if (register === undefined) throw new RangeError(`setOneReg: id must be a register id from Reg (getRegList()), not ${shown(id)}`);
    wordArgument('setOneReg', 'value', value);
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
        cpu.fprBits[register.index * 2 + (register.high ? 1 : 0)] = word;
        return;
      case 'cp0':
        if (register.reg === Cp0Reg.UserLocal) cpu.userLocal = word;
        cpu.cp0.writeFromHost(register.reg, word);
        return;
    }
  }
}

export class Vm {
  readonly engine: 'interp' | 'jit';

  readonly tlbEntries: number;
  private readonly countHz: number | undefined;
  private readonly hostCpus: number;
  private readonly profile: boolean;
  private readonly physical: PhysicalMemory;
  private readonly vcpus: (Vcpu | undefined)[] = new Array(MAX_VCPUS).fill(undefined);
  /** Under the JIT, the generated soft-TLB refill handler and the compiled code, shared by the VCPUs. */
  private readonly refill: RefillFunction | undefined;
  private readonly code: SystemCodeCache | undefined;

  /** @internal Use createVm. */
  constructor(options: Required<Pick<VmOptions, 'tlbEntries'>> & VmOptions, hostCpus: number) {
    this.engine = options.engine ?? 'interp';
    this.physical = new PhysicalMemory(options.memoryBytes === undefined ? undefined : options.memoryBytes + VM_TABLE_BYTES);
    if (this.engine === 'jit') {
      const host = this.physical.host;
      const { module } = buildRefillModule(host.pages, host.maximumPages, this.physical.hostPageFlagsOffset);
      this.refill = instantiateRefill(module, host.memory);
      const compiler = (options.compiler ?? defaultCompiler()) === 'worker' ? workerCompiler().client() : new InlineCompiler();
      // Kernel code is mostly lukewarm: V8 optimizing every region cost more than it saved.
      optimizeOnlyHotWasm();
      this.code = new SystemCodeCache(this.physical, this.refill, { hotThreshold: options.hotThreshold, maxRegions: options.maxRegions, minUsesToCache: options.minUsesToCache, compiler });
    }
    this.tlbEntries = options.tlbEntries;
    this.countHz = options.countHz;
    this.hostCpus = hostCpus;
    this.profile = options.profile === true;
  }

  /** KVM_CHECK_EXTENSION: 0 when unsupported, else the capability's value. */
  checkExtension(cap: Cap): number {
    integerIn('checkExtension', 'cap', cap, 0, Number.MAX_SAFE_INTEGER, 'a capability number from Cap');
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
    integerIn(what, 'slot', slot, 0, MAX_MEMORY_SLOTS - 1);
    const found = this.physical.gpa.slot(slot);
    if (found === undefined) throw new RangeError(`${what}: slot ${slot} does not exist`);
    return found;
  }

  /** KVM_SET_USER_MEMORY_REGION: creates, moves, re-flags or (memorySize 0) deletes a slot. */
  setUserMemoryRegion(region: MemoryRegion): void {
    const where = 'setUserMemoryRegion';
    const given = objectArgument(where, 'region', region)!;
    integerIn(where, 'region.slot', given.slot, 0, MAX_MEMORY_SLOTS - 1);
    integerIn(where, 'region.flags', given.flags, 0, MemFlag.LogDirtyPages | MemFlag.Readonly, 'a combination of MemFlag bits (0..3)');
    integerIn(where, 'region.memorySize', given.memorySize, 0, 0x1_0000_0000, 'a multiple of 4 KiB, 0..4 GiB (0 deletes the slot)');
    if (given.memorySize !== 0) integerIn(where, 'region.guestPhysAddr', given.guestPhysAddr, 0, 0xffff_f000, 'a 4 KiB-aligned guest-physical address');
    if (given.userspaceAddr !== undefined) integerIn(where, 'region.userspaceAddr', given.userspaceAddr, 0, 0xffff_f000, 'a 4 KiB-aligned host offset (from slotInfo)');
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
    integerIn('readPhys', 'gpa', gpa, 0, 0xffff_ffff, 'a guest-physical address 0..0xffffffff');
    integerIn('readPhys', 'length', length, 0, 0x1_0000_0000 - gpa, `a byte count 0..${shown(0x1_0000_0000 - gpa)} (the range ends at 4 GiB)`);
    return this.physical.readPhys(gpa, length);
  }

  /** Writes guest-physical bytes as a device would (decoded code dropped, dirty pages logged, LL links broken). */
  writePhys(gpa: number, bytes: Uint8Array): void {
    integerIn('writePhys', 'gpa', gpa, 0, 0xffff_ffff, 'a guest-physical address 0..0xffffffff');
    bytesArgument('writePhys', 'bytes', bytes);
    integerIn('writePhys', 'bytes.length', bytes.length, 0, 0x1_0000_0000 - gpa, `at most ${shown(0x1_0000_0000 - gpa)} bytes (the range ends at 4 GiB)`);
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
    objectArgument('addMmioHandler', 'handler { base, size, read, write }', handler);
    const { base, size } = handler;
    integerIn('addMmioHandler', 'handler.base', base, 0, 0xffff_ffff, 'a guest-physical address 0..0xffffffff');
    integerIn('addMmioHandler', 'handler.size', size, 1, 0x1_0000_0000 - base, `a byte count 1..${shown(0x1_0000_0000 - base)} (the range ends at 4 GiB)`);
    if (typeof handler.read !== 'function' || typeof handler.write !== 'function') throw new TypeError('addMmioHandler: handler.read and handler.write must be functions');
    this.physical.mmioBus.add(handler);
  }

  /** Takes a device off the bus; its addresses exit as `mmio` again. False when it was not on it. */
  removeMmioHandler(handler: MmioHandler): boolean {
    objectArgument('removeMmioHandler', 'handler', handler);
    return this.physical.mmioBus.remove(handler);
  }

  /** KVM_CREATE_VCPU: VCPU `id` (0..7, once each); its EBase.CPUNum is `id`. */
  createVcpu(id: number): Vcpu {
    integerIn('createVcpu', 'id', id, 0, MAX_VCPUS - 1);
    if (this.vcpus[id] !== undefined) throw new RangeError(`createVcpu: VCPU ${id} exists already`);
    const cpu = new SystemCpu(this.physical, { id, tlbEntries: this.tlbEntries, countHz: this.countHz });
    cpu.refill = this.refill;
    const jit = this.code !== undefined ? new SystemJitEngine(cpu, this.code, this.profile) : undefined;
    const vcpu = new Vcpu(id, cpu, jit, this.code, this.profile);
    this.vcpus[id] = vcpu;
    return vcpu;
  }
}

/** Creates a VM (KVM_CREATE_VM). */
export async function createVm(options: VmOptions = {}): Promise<Vm> {
  objectArgument('createVm', 'options', options, true);
  options ??= {};
  const engine = choiceArgument('createVm', 'options.engine', options.engine ?? 'interp', ['interp', 'jit'] as const);
  const tlbEntries = integerIn('createVm', 'options.tlbEntries', options.tlbEntries ?? 32, 16, 64);
  if (options.countHz !== undefined) {
    if (typeof options.countHz !== 'number') throw new TypeError(`createVm: options.countHz must be a positive number, not ${shown(options.countHz)}`);
    if (!(options.countHz > 0 && Number.isFinite(options.countHz))) throw new RangeError(`createVm: options.countHz must be a positive number, not ${shown(options.countHz)}`);
  }
  if (options.hotThreshold !== undefined) integerIn('createVm', 'options.hotThreshold', options.hotThreshold, 1, Number.MAX_SAFE_INTEGER, 'an integer >= 1');
  if (options.maxRegions !== undefined) integerIn('createVm', 'options.maxRegions', options.maxRegions, 1, Number.MAX_SAFE_INTEGER, 'an integer >= 1');
  if (options.minUsesToCache !== undefined) integerIn('createVm', 'options.minUsesToCache', options.minUsesToCache, 1, Number.MAX_SAFE_INTEGER, 'an integer >= 1');
  if (options.profile !== undefined) booleanArgument('createVm', 'options.profile', options.profile);
  if (options.compiler !== undefined) choiceArgument('createVm', 'options.compiler', options.compiler, ['worker', 'inline'] as const);
  if (options.memoryBytes !== undefined) integerIn('createVm', 'options.memoryBytes', options.memoryBytes, 0, 0xf000_0000, 'an integer of bytes below 3.75 GiB');
  return new Vm({ ...options, tlbEntries }, await hostCpuCount());
}

/** Node has worker threads for the compiler; a browser runs the whole VM in a Web Worker and compiles there. */
function defaultCompiler(): 'worker' | 'inline' {
  const scope = globalThis as { window?: unknown; importScripts?: unknown };
  return scope.window === undefined && scope.importScripts === undefined ? 'worker' : 'inline';
}

/** The process's compiler thread for system-mode VMs, started at the first region it compiles. */
let sharedWorkerCompiler: SharedCompiler | undefined;
function workerCompiler(): SharedCompiler {
  return (sharedWorkerCompiler ??= new SharedCompiler(new WorkerCompiler()));
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
