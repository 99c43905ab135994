// One guest address space ("mm" in Linux's words): the flat memory with its page permissions, the
// mapping bookkeeping, and the CPU (plus the JIT, if any) that executes in it. Threads of a process
// (and a vfork child until it execs) share one Mm; the Mm's CPU holds the registers of whichever
// of them runs, and a switch saves one task's registers and loads another's (Mm.load).

import { Cpu, type CpuEnvironment } from '../interp/cpu.js';
import { JitEngine } from '../../codegen/engine.js';
import type { RegionCompiler } from '../../codegen/compiler.js';
import type { ExcCode, Status } from '../../runtime/exceptions.js';
import { FlatMemory, PAGE_SIZE, Perm } from '../../runtime/flat-memory.js';
import { AddressSpace } from './address-space.js';
import { GUEST_MEMORY_SIZE } from './layout.js';
import { FPR_WORDS, STATE_BASE, STATE_SIZE, StateWord } from '../../runtime/state.js';

/** Guest memory is checked for data this many pages (64 KiB) at a time. */
const STRETCH_PAGES = 16;
const ZERO_STRETCH = new Uint8Array(STRETCH_PAGES * PAGE_SIZE);

/**
 * Calls `visit(start, end)` (byte offsets) for each stretch of pages [first, end), cut at 64 KiB
 * boundaries, that holds a non-zero byte: untouched stretches (most of a stack) are skipped with one
 * native compare each and without touching them, so they cost no host memory.
 */
function forEachStretchWithData(bytes: Uint8Array, first: number, end: number, visit: (start: number, end: number) => void): void {
  for (let page = first; page < end; ) {
    const stop = Math.min(end, (page + STRETCH_PAGES) & ~(STRETCH_PAGES - 1));
    const start = page * PAGE_SIZE;
    const length = (stop - page) * PAGE_SIZE;
    if (Buffer.compare(bytes.subarray(start, start + length), ZERO_STRETCH.subarray(0, length)) !== 0) visit(start, start + length);
    page = stop;
  }
}

/**
 * Guest memories of ended Mms, with the address spaces that say which pages they used, for the
 * next Mm (a fork or an exec), which clears one before use (so a run that ends does not pay for
 * it): creating a 2 GiB WebAssembly.Memory takes ~10 ms, and every dropped one makes V8 collect
 * garbage (it counts as external memory); both were most of a fork's cost.
 */
const spareMemories: AddressSpace[] = [];
const MAX_SPARE_MEMORIES = 2;

/** A spare memory made as new: zero where it held data, no permissions, an empty jump cache. */
function cleared(space: AddressSpace): FlatMemory {
  const mem = space.mem;
  const bytes = mem.u8;
  space.forEachUsedRun((first, end) => forEachStretchWithData(bytes, first, end, (start, stop) => bytes.fill(0, start, stop)));
  bytes.fill(0, STATE_BASE, STATE_BASE + STATE_SIZE);
  mem.clearTables();
  return mem;
}

/** The architectural state words saved per task: GPRs, HI, LO, FCSR, FIR (0..35) and FPRs (64..127). */
const CONTEXT_WORDS = StateWord.Fpr + FPR_WORDS;

/** A task's registers while another task of the same Mm is on its CPU. */
export class CpuContext {
  readonly words = new Int32Array(CONTEXT_WORDS);
  pc = 0;
  npc = 4;
  nextInDelaySlot = false;
  llBit = false;
  userLocal = 0;

  /** Copies the CPU's current state in. */
  saveFrom(cpu: Cpu): void {
    this.words.set(cpu.r.subarray(0, CONTEXT_WORDS));
    this.pc = cpu.pc;
    this.npc = cpu.npc;
    this.nextInDelaySlot = cpu.nextInDelaySlot;
    this.llBit = cpu.llBit;
    this.userLocal = cpu.userLocal;
  }

  /** Puts this state on the CPU. */
  loadInto(cpu: Cpu): void {
    cpu.r.set(this.words);
    cpu.pc = this.pc;
    cpu.npc = this.npc;
    cpu.nextInDelaySlot = this.nextInDelaySlot;
    cpu.inDelaySlot = false;
    cpu.llBit = this.llBit;
    cpu.userLocal = this.userLocal;
  }
}

/** Whoever runs on an Mm's CPU: it services the CPU's exceptions (system calls, faults). */
export interface MmTask {
  exception(cpu: Cpu, code: ExcCode, badVAddr: number): Status;
  readonly context: CpuContext;
}

export interface EngineOptions {
  engine: 'interp' | 'jit';
  hotThreshold?: number;
  /** Gives each Mm's JIT its compiler (a client of the one the run shares). */
  compilerFactory?: () => RegionCompiler;
}

export class Mm implements CpuEnvironment {
  readonly mem: FlatMemory;
  readonly space: AddressSpace;
  readonly cpu: Cpu;
  readonly jit: JitEngine | undefined;
  /** The task whose registers are on the CPU. */
  running: MmTask | undefined;
  /** Tasks using this Mm; it is released when the last one leaves. */
  users = 0;

  constructor(readonly engineOptions: EngineOptions) {
    // A spare comes with its address space (its page tables are 1.5 MiB to allocate, too).
    const spare = spareMemories.pop();
    this.mem = spare !== undefined ? cleared(spare) : new FlatMemory(GUEST_MEMORY_SIZE);
    this.space = spare !== undefined ? spare.reset() : new AddressSpace(this.mem);
    this.cpu = new Cpu(this.mem, this);
    this.jit =
      engineOptions.engine === 'jit'
        ? new JitEngine(this.cpu, {
            ...(engineOptions.hotThreshold !== undefined ? { hotThreshold: engineOptions.hotThreshold } : {}),
            ...(engineOptions.compilerFactory !== undefined ? { compiler: engineOptions.compilerFactory() } : {}),
          })
        : undefined;
  }

  exception(cpu: Cpu, code: ExcCode, badVAddr: number): Status {
    return this.running!.exception(cpu, code, badVAddr);
  }

  /** Puts `task`'s registers on the CPU (saving those of the task that ran before). */
  load(task: MmTask): void {
    if (this.running === task) return;
    if (this.running !== undefined) this.running.context.saveFrom(this.cpu);
    task.context.loadInto(this.cpu);
    this.running = task;
  }

  /** Saves the running task's registers into its context (before someone reads them there). */
  saveRunning(): void {
    if (this.running !== undefined) this.running.context.saveFrom(this.cpu);
  }

  /** Forgets a task that leaves (its registers are not saved). */
  leave(task: MmTask): void {
    if (this.running === task) this.running = undefined;
    if (--this.users === 0) this.release();
  }

  /**
   * Runs up to `instructions` guest instructions of the loaded task (under the JIT with
   * `mayOvershoot`, up to MAX_OVERSHOOT - 1 more: JitEngine.run).
   */
  run(instructions: number, mayOvershoot = false): Status {
    // Returns early after a same-thread compile: the scheduler then lets the event loop turn.
    return this.jit ? this.jit.run(instructions, true, mayOvershoot) : this.cpu.run(instructions);
  }

  /** A copy for fork(): every mapped page with its permissions, the break and the mmap cursor. */
  fork(): Mm {
    const child = new Mm(this.engineOptions);
    child.cpu.fpr64 = this.cpu.fpr64;
    const source = this.mem;
    const target = child.mem;
    const sourceBytes = source.u8;
    const targetBytes = target.u8;
    this.space.forEachMappedRun((first, end) => {
      for (let page = first; page < end; page++) target.setPerm(page, source.perms[page]! & ~Perm.Code);
      forEachStretchWithData(sourceBytes, first, end, (start, stop) => targetBytes.set(sourceBytes.subarray(start, stop), start));
    });
    child.space.copyBookkeepingFrom(this.space);
    return child;
  }

  /** Drops an Mm nobody ran (an execve that failed after building it). */
  discard(): void {
    if (this.users === 0) this.release();
  }

  private release(): void {
    this.jit?.close();
    // The memory goes to the spares; its CPU (the last listener) goes with this Mm.
    if (spareMemories.length >= MAX_SPARE_MEMORIES) return;
    this.mem.codeInvalidationListeners.length = 0;
    spareMemories.push(this.space);
  }
}
