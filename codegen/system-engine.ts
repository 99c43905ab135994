// The JIT for system mode: the same tiering, regions and translator as Linux user mode, with
// guest memory reached through the running VCPU's soft TLB. A region is compiled for one virtual
// page, the host page it was fetched from and the code context it assumed (mode, Status.FR and
// CU1; code without FPU instructions only the mode); it runs only while the PC's fetch translation
// still leads to that host page in that context. A page gets a region for its first hot entries
// and a small added region for each later batch (as in user mode), and compiled code finds the
// entries of other regions (a return point, a function pointer) through the VM's jump cache.
// Regions are shared by the VCPUs of a VM (SystemCodeCache): their code finds the running VCPU's
// block through the imported global `state`, which the engine sets before each call. A store to
// a host page holding code (through any alias, by any VCPU, or by vm.writePhys) drops its
// regions. Privileged, mode-changing and exiting instructions run in the interpreter (codegen/
// block.ts ends blocks before them), so compiled code never changes the mode or the TLB; the few
// the table marks RunsCompiled (CACHE, TLBP, DI, EI) compiled code runs through their handlers.
// Interrupts and the timer are served between calls: the budget of a call ends at the timer's
// next deadline. Regions compile on a worker thread in Node (codegen/worker-compiler.ts) while the
// interpreter goes on: on the Malta boot, compiling took 6.8 s of the main thread's 25 s. A
// region arriving after a store changed its host page is thrown away.

import { Status } from '../runtime/exceptions.js';
import { ExitWord, FPU_CONTEXT_BITS, StateWord } from '../runtime/state.js';
import { clearJumpCache, emptyJumpTag, JUMP_CACHE_ENTRIES, jumpCacheIndex, PAGE_SHIFT, publishJump } from '../runtime/flat-memory.js';
import type { Exit } from '../runtime/exits.js';
import type { PhysicalMemory } from '../runtime/physical-memory.js';
import { ENTRY_COUNT_MASK, type BlockEndWatch } from '../src/interp/cpu.js';
import type { SystemCpu } from '../src/interp/system-cpu.js';
import { DECODED_PAGE_LENGTH } from '../src/interp/dispatch.js';
import { decode, RESERVED, ROWS } from '../src/isa/decode.js';
import { needsInterpreter } from './block.js';
import { DEFAULT_MAX_REGIONS } from './cache.js';
import { InlineCompiler, type CompiledRegion, type RegionCompiler } from './compiler.js';
import { collectCountedStarts, EXECUTED_FILTER_MIN_THRESHOLD, INTERP_IMPORT, type RegionLayout } from './region.js';
import { RegionExit } from './translate.js';
import { createBridge } from './bridge.js';
import type { RefillFunction } from './tlb-refill.js';
import { monotonicMs } from '../src/host/clock.js';

const WARM_PAGE_THRESHOLD = 500;
/**
 * Block entries before a block start compiles (user mode uses 200). Measured on the Malta boot
 * to poweroff (wall seconds, two interleaved runs each, 2 cores): 200: 16.8/20.2, 500: 14.1/15.8,
 * 1000: 12.2/15.2, 2000: 11.6/12.9/14.8/12.8, 4000: 14.2/12.6, 8000: 12.2/14.0. Compiling
 * (the worker, V8's Liftoff and TurboFan threads, instantiating) costs more than interpreting
 * lukewarm kernel code: at 200 the boot compiled 17,000 blocks and used 29-35 s of CPU, at 2000
 * 4,100 blocks and 16-20 s.
 */
export const DEFAULT_SYSTEM_HOT_THRESHOLD = 2000;
const MAX_BUDGET_PER_CALL = 0x3fff_ffff;
/**
 * At most this many modules for one virtual page (the first, then one per later batch of hot
 * entries). Before modules were added per batch, a page was rebuilt whole at most 8 times; on the
 * Malta boot ~500,000 returns to one such page's later-hot call return points each went through
 * the engine and the interpreter.
 */
const MAX_MODULES_PER_PAGE = 32;

/** A region request on its way through the compiler, and what installing it needs. */
interface PendingRegion {
  readonly virtualPage: number;
  readonly hostPage: number;
  readonly context: number;
  /** The entries asked for. */
  readonly entries: ReadonlySet<number>;
}

interface SystemRegion {
  readonly virtualPage: number;
  readonly hostPage: number;
  /** The code context it runs in, after contextMask. */
  readonly context: number;
  /** ~FPU_CONTEXT_BITS for code without FPU instructions (any Status.FR and CU1), else all bits. */
  readonly contextMask: number;
  readonly entries: ReadonlySet<number>;
  readonly blockCount: number;
  readonly run: (pc: number, budget: number) => number;
  /** Its index in the shared function table (regions tail-call each other through it). */
  slot: number;
}

/** One Uint16 region slot per virtual page. */
const REGION_SLOTS_BYTES = 2 << (32 - PAGE_SHIFT);

export interface SystemJitStats {
  /** Compiled by this VCPU's engine (the code is shared with the others). */
  blocksCompiled: number;
  regionsCompiled: number;
  compileSeconds: number;
  /** With profiling: time in compiled code, in the interpreter, and instantiating modules. */
  compiledCodeSeconds: number;
  interpreterSeconds: number;
  instantiateSeconds: number;
  compiledInstructions: number;
  regionCalls: number;
}

const INTR_EXIT: Exit = { reason: 'intr' };

/** The region may run in code context `context` with its code fetched from host page `hostPage`. */
function runsAt(region: SystemRegion, context: number, hostPage: number): boolean {
  return (context & region.contextMask) === region.context && region.hostPage === hostPage;
}

/** The compiled regions of one VM, shared by its VCPUs, and what their code imports. */
export class SystemCodeCache {
  /** The running VCPU's block offset, read by compiled code. */
  private readonly state = new WebAssembly.Global({ value: 'i32', mutable: true }, 0);
  /** What `state` holds (setting a WebAssembly.Global from JavaScript costs a call). */
  private stateValue = 0;
  /** The engine whose VCPU runs compiled code now (the imports act on its CPU). */
  running: SystemJitEngine | undefined;
  readonly imports: WebAssembly.Imports;
  /** Calls the region in a table slot (codegen/bridge.ts). */
  readonly enter: (slot: number, pc: number, budget: number) => number;
  /**
   * Regions by virtual page, oldest first: per host page and code context, the first region
   * compiled for it and then one small region per later batch of hot entries (a new entry adds
   * code instead of rebuilding the page; the new region reaches the older ones' entries through
   * the jump cache).
   */
  private readonly regions = new Map<number, SystemRegion[]>();
  private readonly maxRegions: number;
  /** Every live region, oldest first (browsers cap live Wasm modules: the oldest go past the cap). */
  private readonly live = new Set<SystemRegion>();
  invalidations = 0;
  evictions = 0;
  // Tiering counters, shared so that the VCPUs warm common code together: per virtual page the
  // interpreter's block-entry counts and watch flags, per block start (watch.entryCounts) the
  // entries the interpreter and the engine counted.
  readonly watch: BlockEndWatch & { readonly entryCounts: Uint32Array };
  readonly hotThreshold: number;
  /** Regions keep GPRs named this many times in locals (codegen/translate.ts MIN_USES_TO_CACHE by default). */
  readonly minUsesToCache: number | undefined;
  /**
   * Per virtual page, the function-table slot of a region for it (0: none), in host memory so
   * compiled code can tail-call the region of the page it jumps to; that region checks on entry
   * that it fits the translation and the code context.
   */
  readonly regionSlotsOffset: number;
  private regionSlots!: Uint16Array;
  /**
   * The jump cache (as Linux user mode's, runtime/flat-memory.ts): JUMP_CACHE_ENTRIES [PC, slot]
   * pairs in host memory, where compiled code looks up a PC it jumps to that its own region lacks
   * (a return point, a function pointer, an entry of another region of the same page). An entry
   * names a region that has the PC as an entry; that region's entry guard checks the translation
   * and the code context, so a PC of another address space or mode reaches the engine instead.
   */
  readonly jumpCacheOffset: number;
  private jumpCache!: Int32Array;
  private readonly table = new WebAssembly.Table({ element: 'anyfunc', initial: 64 });
  private readonly freeSlots: number[] = [];
  /** Live regions by table slot (the engine's lookup goes through the jump cache first). */
  private readonly bySlot: (SystemRegion | undefined)[] = [];
  private nextSlot = 1;

  readonly compiler: RegionCompiler;
  /** Requests sent to the compiler, in order (a compiler answers in order). */
  readonly pending: PendingRegion[] = [];
  /**
   * Entries a region was asked for but could not start at (a branch whose delay slot only the
   * interpreter runs, an FPU instruction with CU1 clear), with the code context, host page and
   * its generation asked for: they count no more. Without this, such a PC was asked for again
   * every hotThreshold entries, each time compiling a module for the page.
   */
  readonly uncompilable = new Map<number, { readonly context: number; readonly hostPage: number; readonly generation: number }>();
  /** Per host page, how many times stores dropped its code: a region compiled before is stale. */
  private readonly generations = new Map<number, number>();

  constructor(
    readonly physical: PhysicalMemory,
    refill: RefillFunction,
    options: { hotThreshold?: number; maxRegions?: number; minUsesToCache?: number; compiler?: RegionCompiler } = {},
  ) {
    this.hotThreshold = options.hotThreshold ?? DEFAULT_SYSTEM_HOT_THRESHOLD;
    this.minUsesToCache = options.minUsesToCache;
    this.compiler = options.compiler ?? new InlineCompiler();
    // A worker compiler starts its thread now, not at the first hot block: the Malta boot's first
    // hot loop (the kernel's decompressor) ran 5.1 M instructions in the interpreter while the
    // thread started, 1.8 M when it is already running.
    this.compiler.prepare();
    this.maxRegions = options.maxRegions ?? DEFAULT_MAX_REGIONS;
    const pages = 1 << (32 - PAGE_SHIFT);
    this.watch = {
      watched: new Uint8Array(pages),
      heat: new Uint32Array(pages),
      warmThreshold: Math.min(WARM_PAGE_THRESHOLD, this.hotThreshold),
      entryCounts: new Uint32Array(ENTRY_COUNT_MASK + 1),
      hotThreshold: this.hotThreshold,
    };
    this.regionSlotsOffset = physical.host.allocate(REGION_SLOTS_BYTES);
    this.jumpCacheOffset = physical.host.allocate(JUMP_CACHE_ENTRIES * 8);
    const bindSlots = () => {
      this.regionSlots = new Uint16Array(physical.host.buffer, this.regionSlotsOffset, REGION_SLOTS_BYTES / 2);
      this.jumpCache = new Int32Array(physical.host.buffer, this.jumpCacheOffset, JUMP_CACHE_ENTRIES * 2);
      this.watch.jumpCache = this.jumpCache;
    };
    bindSlots();
    clearJumpCache(this.jumpCache);
    physical.host.growListeners.push(bindSlots);
    physical.codeDropListeners.push((hostPage) => this.dropHostPage(hostPage));
    const bridge = createBridge(
      physical.host.memory,
      { pages: physical.host.pages, maximumPages: physical.host.maximumPages },
      this.table,
      [
        { ...INTERP_IMPORT, call: (id, word, pc, npc, delaySlot) => this.running!.callHandler(id!, word!, pc!, npc!, delaySlot!) },
        { name: 'prepareStore', params: ['i32'], result: 'i32', call: (address) => this.running!.cpu.prepareStore(address!) },
      ],
      { state: this.state, refill },
    );
    this.imports = bridge.imports;
    this.enter = bridge.enter;
  }

  generationOf(hostPage: number): number {
    return this.generations.get(hostPage) ?? 0;
  }

  isPending(virtualPage: number, hostPage: number, context: number): boolean {
    return this.pending.some((request) => request.virtualPage === virtualPage && request.hostPage === hostPage && request.context === context);
  }

  private dropHostPage(hostPage: number): void {
    this.generations.set(hostPage, this.generationOf(hostPage) + 1);
    for (const region of [...this.live]) {
      if (region.hostPage !== hostPage) continue;
      this.forget(region);
      this.invalidations++;
    }
  }

  private forget(region: SystemRegion): void {
    this.live.delete(region);
    const kept = (this.regions.get(region.virtualPage) ?? []).filter((other) => other !== region);
    if (kept.length === 0) this.regions.delete(region.virtualPage);
    else this.regions.set(region.virtualPage, kept);
    // Tail calls to the page now reach another region of it, or none.
    if (this.regionSlots[region.virtualPage] === region.slot) this.regionSlots[region.virtualPage] = kept.at(-1)?.slot ?? 0;
    for (const entry of region.entries) {
      const index = jumpCacheIndex(entry);
      if (this.jumpCache[index] === entry && this.jumpCache[index + 1] === region.slot) this.jumpCache[index] = emptyJumpTag(index);
    }
    this.table.set(region.slot, null);
    this.bySlot[region.slot] = undefined;
    this.freeSlots.push(region.slot);
  }

  /** Points compiled code at the VCPU block at `offset`. */
  setState(offset: number): void {
    if (this.stateValue === offset) return;
    this.state.value = offset;
    this.stateValue = offset;
  }

  /** The region that has `pc` as an entry in `context` with `hostPage`, if any (the newest). */
  find(pc: number, context: number, hostPage: number): SystemRegion | undefined {
    // Called once per trip through the engine's loop (a million in a Linux boot): the jump cache
    // names the region most of the time; else a plain loop over the page's regions.
    const index = jumpCacheIndex(pc);
    if (this.jumpCache[index] === pc) {
      const region = this.bySlot[this.jumpCache[index + 1]!];
      if (region !== undefined && runsAt(region, context, hostPage) && region.entries.has(pc)) return region;
    }
    const regions = this.regions.get(pc >>> PAGE_SHIFT);
    if (regions === undefined) return undefined;
    for (let index = regions.length - 1; index >= 0; index--) {
      const region = regions[index]!;
      if (runsAt(region, context, hostPage) && region.entries.has(pc)) return region;
    }
    return undefined;
  }

  /** How many regions the virtual page has (in any context or host page). */
  regionCount(virtualPage: number): number {
    return this.regions.get(virtualPage)?.length ?? 0;
  }

  /** The entries of the regions of `virtualPage` for `context` and `hostPage`. */
  entriesOf(virtualPage: number, context: number, hostPage: number): number[] {
    const entries: number[] = [];
    for (const region of this.regions.get(virtualPage) ?? []) {
      if (runsAt(region, context, hostPage)) entries.push(...region.entries);
    }
    return entries;
  }

  /** Points `pc`'s jump-cache entry at `slot` (whose region has `pc` as an entry). */
  publish(pc: number, slot: number): void {
    publishJump(this.jumpCache, pc, slot);
  }

  /**
   * Gives `live` (whose slot is not set yet) a table slot and makes it findable. It is kept as it
   * comes, not copied: `{ ...region, slot }` gave each region a hidden class of its own (317 in a
   * Malta boot), and the engine's loop deoptimized at every new one ("wrong map" at runsAt).
   */
  install(live: SystemRegion): void {
    const slot = this.freeSlots.pop() ?? this.nextSlot++;
    if (slot >= this.table.length) this.table.grow(this.table.length);
    this.table.set(slot, live.run);
    live.slot = slot;
    this.bySlot[slot] = live;
    this.regions.set(live.virtualPage, [...(this.regions.get(live.virtualPage) ?? []), live]);
    this.regionSlots[live.virtualPage] = slot;
    for (const entry of live.entries) this.publish(entry, slot);
    this.live.add(live);
    while (this.live.size > this.maxRegions) {
      this.forget(this.live.values().next().value as SystemRegion);
      this.evictions++;
    }
  }
}

/** One VCPU's side of the JIT: its run loop, and compiling what gets hot on it. */
export class SystemJitEngine {
  private exitWords: Int32Array;
  private readonly stateWordBase: number;
  /** Set by the handler import: the handler retired its instruction (vs. raised or stopped). */
  private handlerRetired = false;
  private lastHandlerStatus: Status = Status.Continue;
  private handlerExit: Exit | undefined;
  readonly stats: SystemJitStats = {
    blocksCompiled: 0,
    regionsCompiled: 0,
    compileSeconds: 0,
    compiledCodeSeconds: 0,
    interpreterSeconds: 0,
    instantiateSeconds: 0,
    compiledInstructions: 0,
    regionCalls: 0,
  };

  constructor(
    readonly cpu: SystemCpu,
    private readonly cache: SystemCodeCache,
    /** Time compiled code, the interpreter and instantiation (two clock reads each). */
    private readonly profile = false,
  ) {
    this.stateWordBase = cpu.stateOffset >>> 2;
    this.exitWords = cpu.physical.host.i32;
    cpu.physical.host.growListeners.push(() => {
      this.exitWords = cpu.physical.host.i32;
    });
  }

  /** The `interp` import: runs one instruction's handler for compiled code. */
  callHandler(id: number, word: number, pc: number, npc: number, delaySlot: number): number {
    const cpu = this.cpu;
    const invalidations = this.cache.invalidations;
    let status = cpu.executeHandler(id, word, pc, npc, delaySlot);
    this.handlerRetired = status === Status.Continue;
    this.handlerExit = cpu.takePendingExit();
    if (status === Status.Continue && (this.handlerExit !== undefined || this.cache.invalidations !== invalidations || cpu.mustLeaveCompiledCode(cpu.r[StateWord.CodeContext]!))) {
      // Retired, but compiled code must stop: an exit (an MMIO store), its code was dropped, or
      // an interrupt may be deliverable (a handler of a RunsCompiled row such as DI wrote Status).
      status = cpu.leaveAfterInstruction();
    }
    this.lastHandlerStatus = status;
    return status;
  }

  /** The region that may run at `pc` now: same virtual page, same host page, same context. */
  private regionAt(pc: number): SystemRegion | undefined {
    const host = this.cpu.hostOfFetch(pc);
    return host < 0 ? undefined : this.cache.find(pc, this.cpu.codeContext, host >>> PAGE_SHIFT);
  }

  /** Runs until an exit (as SystemCpu.run), in compiled code where it can. */
  run(maxInstructions: number): Exit {
    const cpu = this.cpu;
    const cp0 = cpu.cp0;
    const cache = this.cache;
    const stopAt = cpu.instructions + maxInstructions;
    if (cache.pending.length > 0) this.pollCompiler();
    cpu.resume();
    for (;;) {
      const left = stopAt - cpu.instructions;
      if (left <= 0) return INTR_EXIT;
      if (!cpu.nextInDelaySlot && !cpu.needsAttention) {
        const pc = cpu.pc;
        const region = this.regionAt(pc);
        if (region !== undefined) {
          // Compiled code jumping here again finds it without the engine.
          cache.publish(pc, region.slot);
          // Compiled code runs no further than the timer's next event.
          const budget = Math.max(1, Math.min(left, MAX_BUDGET_PER_CALL, cp0.timerDeadline - cpu.instructions));
          cache.setState(cpu.stateOffset);
          cache.running = this;
          cpu.r[StateWord.CodeContext] = cpu.codeContext;
          const started = this.profile ? monotonicMs() : 0;
          const exit = cache.enter(region.slot, pc, budget);
          if (this.profile) this.stats.compiledCodeSeconds += (monotonicMs() - started) / 1000;
          this.stats.regionCalls++;
          let executed = budget - this.exitWords[this.stateWordBase + ExitWord.Budget]!;
          if (exit === RegionExit.Stop && !this.handlerRetired) executed--; // compiled code counted the instruction that did not retire
          this.stats.compiledInstructions += executed;
          cpu.instructions += executed;
          if (cpu.instructions >= cp0.timerDeadline) cp0.checkTimer();
          if (exit === RegionExit.Stop) {
            if (this.lastHandlerStatus === Status.Stop) {
              // An MMIO load (or another stop) before its instruction retired: it runs again on resume.
              cpu.nextInDelaySlot = cpu.inDelaySlot;
              return this.handlerExit ?? INTR_EXIT;
            }
            if (this.handlerExit !== undefined) return this.handlerExit;
            continue; // an exception vector (cpu.pc is set), or compiled code was dropped
          }
          cpu.pc = this.exitWords[this.stateWordBase + ExitWord.Pc]!;
          cpu.npc = this.exitWords[this.stateWordBase + ExitWord.Npc]!;
          cpu.nextInDelaySlot = this.exitWords[this.stateWordBase + ExitWord.DelaySlot] === 1;
          if (exit === RegionExit.Leave && executed > 0) continue;
        } else {
          if (cache.pending.length > 0) this.pollCompiler();
          this.countEntry(pc);
        }
      }
      const started = this.profile ? monotonicMs() : 0;
      const exit = cpu.run(stopAt - cpu.instructions, cache.watch);
      if (this.profile) this.stats.interpreterSeconds += (monotonicMs() - started) / 1000;
      if (exit !== undefined) return exit;
    }
  }

  /**
   * A block start without compiled code, at a block end of the interpreter (which counted it, see
   * BlockEndWatch.entryCounts) or where compiled code left: counts it, and compiles it with the
   * page's other warm block starts once it is hot.
   */
  private countEntry(pc: number): void {
    const { watch, hotThreshold } = this.cache;
    const page = pc >>> PAGE_SHIFT;
    if (watch.watched[page] === 0) {
      // Entries from compiled code (a call into another page) count toward warming the page too.
      if (++watch.heat[page]! < watch.warmThreshold) return;
      watch.watched[page] = 1;
    }
    const counts = watch.entryCounts;
    const index = (pc >>> 2) & ENTRY_COUNT_MASK;
    if (++counts[index]! < hotThreshold) return;
    // Whatever happens now, the block start counts afresh (the interpreter returns for it only
    // every ENTRY_REPORT_EVERY entries until it is hot again).
    counts[index] = 0;
    const modules = this.cache.regionCount(page);
    // A page that has all the modules it may have compiles nothing more.
    if (modules >= MAX_MODULES_PER_PAGE) return;
    const host = this.cpu.hostOfFetch(pc);
    if (host < 0) return;
    // A region left for an instruction only the interpreter runs (SDBBP, ERET, MTC0...): that is
    // no block entry, and compiling for it would find nothing new.
    const id = decode(this.cpu.physical.host.i32[host >>> 2]!);
    if (id === RESERVED || needsInterpreter(ROWS[id], this.cpu.fpuUsable)) return;
    const hostPage = host >>> PAGE_SHIFT;
    const uncompilable = this.cache.uncompilable.get(pc);
    if (uncompilable !== undefined && uncompilable.context === this.cpu.codeContext && uncompilable.hostPage === hostPage && uncompilable.generation === this.cache.generationOf(hostPage)) return;
    if (this.cache.isPending(page, hostPage, this.cpu.codeContext)) {
      // Its first region is on the way: let the interpreter run the page without stopping at its
      // block starts for the next warmThreshold blocks. Installing the region watches the page again.
      if (modules === 0) {
        watch.watched[page] = 0;
        watch.heat[page] = 0;
      }
      return;
    }
    // Entries: this one and the page's other warm block starts. The page's regions keep theirs;
    // the new region compiles only blocks they lack and reaches theirs through the jump cache.
    const compiled = this.cache.entriesOf(page, this.cpu.codeContext, hostPage);
    const alreadyCompiled = new Set(compiled);
    const entries = new Set<number>([pc]);
    const executed: number[] = [];
    collectCountedStarts(counts, page, Math.ceil(hotThreshold / 4), (other) => alreadyCompiled.has(other), entries, executed);
    this.compile(page, hostPage, entries, compiled, executed);
  }

  /** Compiles `entries` of `virtualPage`, whose code the fetch translation finds at `hostPage`. */
  private compile(virtualPage: number, hostPage: number, entries: Set<number>, compiled: readonly number[], executed: readonly number[]): void {
    const cpu = this.cpu;
    const memory = cpu.physical;
    // Stores to the page now take the slow path, which drops the region (and makes a region on
    // its way through the compiler stale).
    if (!memory.isCode(hostPage)) memory.addCode(hostPage, new Int32Array(DECODED_PAGE_LENGTH));
    const layout: RegionLayout = {
      memoryPages: memory.host.pages,
      maximumPages: memory.host.maximumPages,
      stateBase: 'global',
      access: {
        kind: 'soft-tlb',
        ...cpu.softTlbTables,
        regionSlotsBase: this.cache.regionSlotsOffset,
        jumpCacheBase: this.cache.jumpCacheOffset,
        context: cpu.codeContext,
        hostPage,
      },
      fpuUsable: cpu.fpuUsable,
      fpr64: cpu.fpr64,
    };
    const first = (hostPage << PAGE_SHIFT) >>> 2;
    const cache = this.cache;
    const pending: PendingRegion = { virtualPage, hostPage, context: cpu.codeContext, entries };
    const request = {
      page: virtualPage,
      entries: [...entries],
      compiled,
      ...(this.cache.hotThreshold >= EXECUTED_FILTER_MIN_THRESHOLD ? { executed } : {}),
      words: memory.host.i32.slice(first, first + 1024),
      layout,
      generation: cache.generationOf(hostPage),
      ...(cache.minUsesToCache !== undefined ? { minUsesToCache: cache.minUsesToCache } : {}),
    };
    const region = cache.compiler.submit(request);
    if (region !== undefined) this.install(region, pending);
    else cache.pending.push(pending);
  }

  /** Installs the regions the compiler finished (in the order they were asked for). */
  private pollCompiler(): void {
    for (const compiled of this.cache.compiler.poll()) {
      const request = this.cache.pending.shift();
      if (request !== undefined) this.install(compiled, request);
    }
  }

  private install(compiled: CompiledRegion, request: PendingRegion): void {
    const cache = this.cache;
    this.stats.compileSeconds += compiled.seconds;
    if (compiled.generation !== cache.generationOf(request.hostPage)) return;
    const blockStarts = new Set(compiled.entries);
    const why = { context: request.context, hostPage: request.hostPage, generation: compiled.generation };
    for (const entry of request.entries) if (!blockStarts.has(entry)) cache.uncompilable.set(entry, why);
    if (compiled.module === undefined) return;
    const started = this.profile ? monotonicMs() : 0;
    const instance = new WebAssembly.Instance(compiled.module, cache.imports);
    if (this.profile) this.stats.instantiateSeconds += (monotonicMs() - started) / 1000;
    const contextMask = compiled.fpuIndependent ? ~FPU_CONTEXT_BITS : -1;
    cache.install({
      virtualPage: request.virtualPage,
      hostPage: request.hostPage,
      context: request.context & contextMask,
      contextMask,
      entries: blockStarts,
      blockCount: compiled.blockCount,
      run: instance.exports.run as (pc: number, budget: number) => number,
      slot: -1,
    });
    cache.watch.watched[request.virtualPage] = 1;
    this.stats.blocksCompiled += compiled.blockCount;
    this.stats.regionsCompiled++;
  }
}
