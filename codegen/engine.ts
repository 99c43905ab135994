// The tiered executor: interpret first, count block entries, compile a hot page's blocks into a
// region module, and run compiled code whenever the PC is one of its entries. Every exit from
// compiled code leaves the state exact, so the interpreter can take over at any instruction.

import { Status } from '../runtime/exceptions.js';
import { ExitWord } from '../runtime/state.js';
import { Perm, PAGE_SHIFT } from '../runtime/flat-memory.js';
import type { BlockEndWatch, Cpu } from '../src/interp/cpu.js';
import { RegionCache, DEFAULT_MAX_REGIONS, type LiveRegion } from './cache.js';
import { InlineCompiler, type CompiledRegion, type RegionCompiler } from './compiler.js';
import { layoutOf, type RegionLayout } from './region.js';
import { RegionExit } from './translate.js';
import { loadWasmBuilder } from './wasm.js';

/**
 * Tiering, in two steps so cold code pays almost nothing: the interpreter counts block entries
 * per page (a typed-array increment after each delay slot); a page with WARM_PAGE_THRESHOLD of
 * them becomes watched, and the engine then counts entries per block start; a block entered
 * DEFAULT_HOT_THRESHOLD times gets its page compiled. Compiling costs ~0.2-1 ms per block, what
 * the interpreter spends on a 10-instruction block run a few hundred times.
 */
export const DEFAULT_HOT_THRESHOLD = 200;
const WARM_PAGE_THRESHOLD = 500;
/** The most instructions one call into compiled code may run (it counts them in an i32). */
const MAX_BUDGET_PER_CALL = 0x3fff_ffff;
/** A page is recompiled at most this many times (new hot entries); then it stays as it is. */
const MAX_RECOMPILES_PER_PAGE = 8;

export interface JitOptions {
  readonly hotThreshold?: number;
  readonly maxRegions?: number;
  /** Who builds regions: on this thread (the default) or, e.g., a WorkerCompiler. */
  readonly compiler?: RegionCompiler;
}

/** Engine loop iterations between polls of an asynchronous compiler. */
const POLL_INTERVAL = 64;

export interface JitStats {
  blocksCompiled: number;
  regionsCompiled: number;
  compileSeconds: number;
  /** Guest instructions retired inside compiled code. */
  compiledInstructions: number;
  /** Calls from the engine into compiled code, and how they ended. */
  regionCalls: number;
  exitsLeave: number;
  exitsInterpret: number;
  liveRegions: number;
  evictions: number;
  invalidations: number;
}

export class JitEngine {
  private readonly cache: RegionCache;
  private readonly heat = new Map<number, number>();
  private readonly watch: BlockEndWatch;
  private readonly recompiles = new Map<number, number>();
  private readonly hotThreshold: number;
  private readonly exitWords: Int32Array;
  private readonly imports: WebAssembly.Imports;
  private readonly layout: RegionLayout;
  /** The shared function table compiled code tail-calls other pages' regions through. */
  private readonly table: WebAssembly.Table;
  private readonly freeSlots: number[] = [];
  private nextSlot = 1;
  private readonly slotOfPage = new Map<number, number>();
  private readonly compiler: RegionCompiler;
  private readonly onInvalidation: (page: number) => void;
  /** Invalidations seen per page: a compile result for an older snapshot is dropped. */
  private readonly generations = new Map<number, number>();
  /** Pages with a compile request in flight. */
  private readonly pending = new Set<number>();
  private untilPoll = POLL_INTERVAL;
  /** Hot code is waiting for a compiler that is still loading. */
  private wantsCompiler = false;
  /** The status of the last handler compiled code called (to tell Stop from Redirected). */
  private lastHandlerStatus: Status = Status.Continue;
  /** A region was compiled on this thread during the current run(). */
  private compiledInline = false;
  readonly stats: JitStats = {
    blocksCompiled: 0,
    regionsCompiled: 0,
    compileSeconds: 0,
    compiledInstructions: 0,
    regionCalls: 0,
    exitsLeave: 0,
    exitsInterpret: 0,
    liveRegions: 0,
    evictions: 0,
    invalidations: 0,
  };

  constructor(
    private readonly cpu: Cpu,
    options: JitOptions = {},
  ) {
    this.hotThreshold = options.hotThreshold ?? DEFAULT_HOT_THRESHOLD;
    const pages = 1 << (32 - PAGE_SHIFT);
    this.watch = {
      watched: new Uint8Array(pages),
      heat: new Uint32Array(pages),
      warmThreshold: Math.min(WARM_PAGE_THRESHOLD, this.hotThreshold),
    };
    this.cache = new RegionCache(cpu.mem, options.maxRegions ?? DEFAULT_MAX_REGIONS, (page) => this.setSlot(page, undefined));
    this.compiler = options.compiler ?? new InlineCompiler();
    this.onInvalidation = (page) => this.generations.set(page, (this.generations.get(page) ?? 0) + 1);
    cpu.mem.codeInvalidationListeners.push(this.onInvalidation);
    this.exitWords = cpu.r;
    this.layout = layoutOf(cpu.mem);
    this.table = new WebAssembly.Table({ element: 'anyfunc', initial: 64 });
    this.imports = {
      env: {
        mem: cpu.mem.memory,
        regions: this.table,
        interp: (id: number, word: number, pc: number, npc: number, delaySlot: number) => {
          const invalidations = this.cache.invalidations;
          let status = cpu.executeHandler(id, word, pc, npc, delaySlot);
          if (status === Status.Continue && this.cache.invalidations !== invalidations) {
            // The handler (SWL/SWR/SC/SWC1/SYNCI...) dropped compiled code, maybe the running
            // region's: leave it after this instruction, as after an exception redirect.
            status = cpu.leaveAfterInstruction();
          }
          this.lastHandlerStatus = status;
          return status;
        },
      },
    };
  }

  /** Loads the Wasm builder now (tests and benchmarks that want compiled code from the start). */
  static prepare(): Promise<void> {
    return loadWasmBuilder();
  }

  /** True while hot code waits for binaryen to load: the caller should yield to the event loop. */
  get waitingForCompiler(): boolean {
    return this.wantsCompiler && !this.compiler.ready;
  }

  /** Stops the compiler (a worker thread, if any) and detaches from the guest memory. */
  close(): void {
    this.compiler.close();
    this.cache.close();
    const listeners = this.cpu.mem.codeInvalidationListeners;
    listeners.splice(listeners.indexOf(this.onInvalidation), 1);
    for (const page of [...this.slotOfPage.keys()]) this.setSlot(page, undefined);
  }

  /**
   * Runs up to `maxInstructions` guest instructions; returns Status.Stop if the guest stopped.
   * With `returnAfterCompile`, also returns (Status.Continue, at a block start) right after a
   * region compiled on this thread, so that a caller on an event loop can let it turn: a run
   * that compiles much code is otherwise one long synchronous stretch.
   */
  run(maxInstructions: number, returnAfterCompile = false): Status {
    const cpu = this.cpu;
    let left = maxInstructions;
    this.compiledInline = false;
    for (const region of this.compiler.poll()) this.install(region);
    while (left > 0) {
      if (!cpu.nextInDelaySlot) {
        const pc = cpu.pc;
        const region = this.cache.regionAt(pc);
        if (region !== undefined && region.entries.has(pc)) {
          // The budget is an i32 inside Wasm.
          const budget = Math.min(left, MAX_BUDGET_PER_CALL);
          const exit = region.run(pc, budget);
          this.stats.regionCalls++;
          const executed = budget - this.exitWords[ExitWord.Budget]!;
          this.stats.compiledInstructions += executed;
          cpu.instructions += executed;
          left -= executed;
          if (exit === RegionExit.Stop) {
            if (this.lastHandlerStatus === Status.Stop) return Status.Stop;
            continue; // Redirected to an exception vector: cpu.pc is set.
          }
          cpu.pc = this.exitWords[ExitWord.Pc]!;
          cpu.npc = this.exitWords[ExitWord.Npc]!;
          cpu.nextInDelaySlot = this.exitWords[ExitWord.DelaySlot] === 1;
          // Left the region; with too little budget for its next block, interpret the rest.
          if (exit === RegionExit.Leave) this.stats.exitsLeave++;
          else this.stats.exitsInterpret++;
          if (exit === RegionExit.Leave && executed > 0) continue;
          // RegionExit.Interpret: the interpreter runs what compiled code could not.
        } else {
          this.countEntry(pc, region);
          if (this.compiledInline && returnAfterCompile) return Status.Continue;
        }
      }
      if (--this.untilPoll <= 0) {
        this.untilPoll = POLL_INTERVAL;
        for (const region of this.compiler.poll()) this.install(region);
      }
      const before = cpu.instructions;
      const status = cpu.run(left, this.watch);
      left -= cpu.instructions - before;
      if (status === Status.Stop) return Status.Stop;
    }
    return Status.Continue;
  }

  private countEntry(pc: number, region: LiveRegion | undefined): void {
    const page = pc >>> PAGE_SHIFT;
    // Not executable: the interpreter raises the fetch fault; there is nothing to compile.
    if ((this.cpu.mem.perms[page]! & Perm.Exec) === 0) return;
    if (this.pending.has(page)) {
      // Compiling elsewhere: let the interpreter run the page at full speed meanwhile.
      if (region === undefined) this.watch.watched[page] = 0;
      this.watch.heat[page] = 0;
      return;
    }
    if (this.watch.watched[page] === 0) {
      if (this.watch.heat[page]! < this.watch.warmThreshold) return;
      this.watch.watched[page] = 1;
    }
    const count = (this.heat.get(pc) ?? 0) + 1;
    this.heat.set(pc, count);
    if (count < this.hotThreshold) return;
    if (!this.compiler.ready) {
      this.wantsCompiler = true;
      this.compiler.prepare();
      return;
    }
    const recompiles = this.recompiles.get(page) ?? 0;
    if (region !== undefined && recompiles >= MAX_RECOMPILES_PER_PAGE) return;
    this.recompiles.set(page, recompiles + 1);
    // Entries: this one, the page's other warm blocks, and what the old region had.
    const entries = new Set<number>([pc, ...(region?.entries ?? [])]);
    for (const [other, otherCount] of this.heat) {
      if (other >>> PAGE_SHIFT === page && otherCount * 4 >= this.hotThreshold) entries.add(other);
    }
    for (const entry of entries) this.heat.delete(entry);
    // From now on a write to the page invalidates (and bumps its generation).
    this.cpu.mem.perms[page] = this.cpu.mem.perms[page]! | Perm.Code;
    const first = (page << PAGE_SHIFT) >>> 2;
    const compiled = this.compiler.submit({
      page,
      entries: [...entries],
      words: this.cpu.mem.i32.slice(first, first + 1024),
      layout: this.layout,
      generation: this.generations.get(page) ?? 0,
    });
    if (compiled) {
      this.install(compiled);
      this.compiledInline = true;
    } else this.pending.add(page);
  }

  /** Publishes (or, with undefined, withdraws) a page's region in the table compiled code jumps through. */
  private setSlot(page: number, run: ((pc: number, budget: number) => number) | undefined): void {
    let slot = this.slotOfPage.get(page);
    if (run === undefined) {
      if (slot === undefined) return;
      this.cpu.mem.regionSlots[page] = 0;
      this.table.set(slot, null);
      this.slotOfPage.delete(page);
      this.freeSlots.push(slot);
      return;
    }
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.nextSlot++;
      if (slot >= this.table.length) this.table.grow(Math.max(64, this.table.length));
      this.slotOfPage.set(page, slot);
    }
    this.table.set(slot, run);
    this.cpu.mem.regionSlots[page] = slot;
  }

  /** Instantiates a compiled region unless its page changed since the snapshot. */
  private install(compiled: CompiledRegion): void {
    this.pending.delete(compiled.page);
    this.stats.compileSeconds += compiled.seconds;
    if (compiled.module === undefined || (this.generations.get(compiled.page) ?? 0) !== compiled.generation) return;
    const instance = new WebAssembly.Instance(compiled.module, this.imports);
    const run = instance.exports.run as (pc: number, budget: number) => number;
    this.watch.watched[compiled.page] = 1;
    this.cache.install({ page: compiled.page, entries: new Set(compiled.entries), blockCount: compiled.blockCount, run });
    this.setSlot(compiled.page, run);
    this.stats.blocksCompiled += compiled.blockCount;
    this.stats.regionsCompiled++;
    this.stats.liveRegions = this.cache.size;
    this.stats.evictions = this.cache.evictions;
    this.stats.invalidations = this.cache.invalidations;
  }
}
