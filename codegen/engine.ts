// The tiered executor: interpret first, count block entries, compile a hot page's blocks into a
// region module, and run compiled code whenever the PC is one of its entries. Every exit from
// compiled code leaves the state exact, so the interpreter can take over at any instruction.

import { Status } from '../runtime/exceptions.js';
import { ExitWord } from '../runtime/state.js';
import { DISPATCH_TABLE_BYTES, DISPATCH_TABLES, emptyJumpTag, jumpCacheIndex, Perm, PAGE_SHIFT, publishJump } from '../runtime/flat-memory.js';
import { ENTRY_COUNT_MASK, type BlockEndWatch, type Cpu } from '../src/interp/cpu.js';
import { rowByName } from '../src/isa/decode.js';
import { CALL_TARGET_MASK, type CallTargets } from '../src/interp/cpu-base.js';
import { RegionCache, DEFAULT_MAX_REGIONS, type LiveRegion } from './cache.js';
import { InlineCompiler, type CompiledRegion, type NeighbourPage, type PredictedCall, type RegionCompiler } from './compiler.js';
import { collectCountedStarts, collectExecutedStarts, EXECUTED_FILTER_MIN_THRESHOLD, INTERP_IMPORT, INTERP_SLOT, layoutOf, MAX_OVERSHOOT, memoryImportOf, type RegionLayout } from './region.js';
import { createBridge } from './bridge.js';
import { DISPATCH_GLOBAL, RegionExit } from './translate.js';

/**
 * Tiering, in two steps so cold code pays almost nothing: the interpreter counts block entries
 * per page (a typed-array increment after each delay slot); a page with WARM_PAGE_THRESHOLD of
 * them becomes watched, and the interpreter then counts entries per block start
 * (BlockEndWatch.entryCounts); a block entered DEFAULT_HOT_THRESHOLD times gets its page
 * compiled. Compiling costs ~0.07-0.15 ms per block with the encoder (codegen/wasm-encoder.ts;
 * binaryen took ~1 ms and ~1 s to load), what the interpreter (~80 MIPS) spends running a
 * 10-instruction block ~1000 times; a block entered 200 times is usually in a loop that runs far
 * longer (user mode compiles on its own thread, system mode on a worker).
 */
export const DEFAULT_HOT_THRESHOLD = 200;
const WARM_PAGE_THRESHOLD = 500;
/** The most instructions one call into compiled code may run (it counts them in an i32). */
const MAX_BUDGET_PER_CALL = 0x3fff_ffff;
/**
 * A page gets at most this many modules: its first, then one per later batch of hot entries
 * (each adds only the blocks not compiled yet; call return points and function-pointer targets
 * in a page usually get hot after the page's first module). Past it, the page stays as it is.
 */
const MAX_MODULES_PER_PAGE = 32;
/**
 * A page's module takes as entries, besides the block start that got hot, the page's other block
 * starts entered at least hotThreshold / WARM_ENTRY_DIVISOR times (25 of 200). Function entries
 * are the ones this is for: a call from another page reaches them through the jump cache only if
 * they are entries, and are otherwise interpreted until they get hot on their own, or compiled in
 * a later module of their own. With 8 instead of 4 (50 entries), first runs, seven interleaved
 * rounds, wall ms: callbench 3 216 -> 192, callbench 10 385 -> 306, CoreMark 700 176 -> 174,
 * cpubench 1 235 -> 232, CoreMark 4000 482 -> 490 (minima 474, 475); busybox gzip, bzip2, sed,
 * sort, awk, Debian tac, uniq and sha512sum within their noise. 16 (13 entries): CoreMark 700 and
 * busybox awk ~4% slower (larger first modules).
 */
const WARM_ENTRY_DIVISOR = 8;

/**
 * An entry of a block start that compiled code left for (no region has it as an entry) counts
 * this many times toward the hot threshold. Each such entry is a trip out of Wasm, through the
 * engine and the interpreter for one block, and back: btree 12 made 48.8 k of them in its first
 * run, its later modules' block starts each waiting out their 200 entries that way. Guest ms of
 * first runs (--no-code-cache), medians of nine interleaved, weight 1 / 2 / 4: btree 12
 * 159 / 154 / 150, callbench 3 132 / 128 / 127, CoreMark 700 116 / 115 / 119, busybox gunzip
 * 107 / 110 / 112, sort 189 / 180 / 182, awk 156 / 157 / 164; and 1 / 2 / 3: md5sum 61 / 60 / 59,
 * sha1sum 113 / 113 / 113, strsort 137 / 135 / 134, fannkuch 9 62 / 62 / 64, cpubench 1
 * 161 / 155 / 158, gunzip 106 / 107 / 114. Larger weights compile modules for blocks that
 * stay rare (8 cost gunzip three more modules, bench/RESULTS.md).
 */
const EXIT_ENTRY_WEIGHT = 2;

/** At most this many pages of predicted callees far from a region's page go with its request (codegen/region.ts PredictedCalls). */
const MAX_FAR_CALLEE_PAGES = 4;

/**
 * JALR and JALR.HB as the instruction table matches them (their aliases are special cases), masks
 * and matches as signed words: isJalr runs on every word of a page whose region is requested.
 */
const JALR_ROWS = ['jalr', 'jalr.hb'].map((name) => rowByName(name));
const JALR_MASKS = Int32Array.from(JALR_ROWS, (row) => row.mask | 0);
const JALR_MATCHES = Int32Array.from(JALR_ROWS, (row) => row.match | 0);

/** Is `word` a JALR (or JALR.HB)? */
function isJalr(word: number): boolean {
  for (let index = 0; index < JALR_MASKS.length; index++) if ((word & JALR_MASKS[index]!) === JALR_MATCHES[index]) return true;
  return false;
}

export interface JitOptions {
  readonly hotThreshold?: number;
  readonly maxRegions?: number;
  /** Who builds regions: on this thread (the default) or, e.g., a WorkerCompiler. */
  readonly compiler?: RegionCompiler;
  /** Tests: keep GPRs named this many times in locals (codegen/translate.ts MIN_USES_TO_CACHE by default). */
  readonly minUsesToCache?: number;
}

/**
 * The per-page tables of closed engines, for the next engine (cleared then): allocating the 6 MiB
 * took ~4 ms, a good part of a Linux process's fork or exec (each process has its engine).
 */
const spareWatchTables: { watched: Uint8Array; heat: Uint32Array; entryCounts: Uint32Array; callTargets: CallTargets }[] = [];
const MAX_SPARE_WATCH_TABLES = 2;

/** Engine loop iterations between polls of an asynchronous compiler. */
const POLL_INTERVAL = 64;

export interface JitStats {
  blocksCompiled: number;
  /** Of blocksCompiled: copies of code from the pages beside a region's own (codegen/region.ts NeighbourCode). */
  neighbourBlocks: number;
  regionsCompiled: number;
  /** Of regionsCompiled: regions an earlier run compiled, taken from a persistent code cache. */
  regionsRestored: number;
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
  private readonly watch: BlockEndWatch & { readonly entryCounts: Uint32Array };
  /** Where the interpreter saw JALRs go (set on the CPU while the engine runs it). */
  private readonly callTargets: CallTargets;
  private readonly hotThreshold: number;
  private readonly minUsesToCache: number | undefined;
  private readonly exitWords: Int32Array;
  private readonly imports: WebAssembly.Imports;
  /** importsFor's, by table slot. */
  private readonly slotImports: WebAssembly.Imports[] = [];
  /** Calls the region in a table slot (codegen/bridge.ts). */
  private readonly enter: (slot: number, pc: number, budget: number) => number;
  /** The memory layout code is compiled for, with FR=0 and with FR=1 (prctl may switch them). */
  private readonly layouts: readonly [RegionLayout, RegionLayout];
  /** The layouts as keys of stored regions (RegionCompiler.stored). */
  private readonly layoutKeys: readonly [string, string];
  /** The shared function table compiled code tail-calls other pages' regions through. */
  private readonly table: WebAssembly.Table;
  private readonly freeSlots: number[] = [];
  private nextSlot = 1;
  /** The jump cache compiled code looks register-jump targets up in (FlatMemory.jumpCache). */
  private readonly jumpCache: Int32Array;
  private readonly compiler: RegionCompiler;
  private readonly onInvalidation: (page: number) => void;
  /** Invalidations seen per page: a compile result for an older snapshot is dropped. */
  private readonly generations = new Map<number, number>();
  /**
   * Block starts of compiled code, by page: they ran (codegen/region.ts discoverRegion compiles
   * only blocks that ran), though the interpreter no longer counts them. A region of the page
   * beside compiles copies of them (neighbourCode). Forgotten when the page's code is.
   */
  private readonly compiledStarts = new Map<number, Set<number>>();
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
    neighbourBlocks: 0,
    regionsCompiled: 0,
    regionsRestored: 0,
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
    this.minUsesToCache = options.minUsesToCache;
    const pages = 1 << (32 - PAGE_SHIFT);
    const spare = spareWatchTables.pop();
    spare?.watched.fill(0);
    spare?.heat.fill(0);
    spare?.entryCounts.fill(0);
    spare?.callTargets.targets.fill(0);
    spare?.callTargets.runs.fill(0);
    this.jumpCache = cpu.mem.jumpCache;
    // The interpreter counts block entries of watched pages itself and returns only when one
    // could run compiled code, gets hot, or every ENTRY_REPORT_EVERY entries. Returning at every
    // block start for the engine to count took most of a short run's interpreting: callbench 3
    // ran 393 k instructions in 65 k calls of the interpreter, CoreMark 700 149 k in 21 k.
    this.watch = {
      watched: spare?.watched ?? new Uint8Array(pages),
      heat: spare?.heat ?? new Uint32Array(pages),
      warmThreshold: Math.min(WARM_PAGE_THRESHOLD, this.hotThreshold),
      entryCounts: spare?.entryCounts ?? new Uint32Array(ENTRY_COUNT_MASK + 1),
      hotThreshold: this.hotThreshold,
      jumpCache: this.jumpCache,
    };
    this.callTargets = spare?.callTargets ?? { targets: new Int32Array(CALL_TARGET_MASK + 1), runs: new Uint32Array(CALL_TARGET_MASK + 1) };
    cpu.callTargets = this.callTargets;
    // Live modules exceed maxRegions by at most the other modules of the page just compiled
    // (RegionCache.install never evicts that page; a page has at most MAX_MODULES_PER_PAGE), and
    // INTERP_SLOT takes a slot: half the dispatch tables leaves room to spare.
    const maxRegions = Math.min(options.maxRegions ?? DEFAULT_MAX_REGIONS, DISPATCH_TABLES / 2);
    this.cache = new RegionCache(cpu.mem, maxRegions, (region) => this.withdraw(region));
    this.compiler = options.compiler ?? new InlineCompiler();
    this.onInvalidation = (page) => {
      this.generations.set(page, (this.generations.get(page) ?? 0) + 1);
      this.compiledStarts.delete(page);
    };
    cpu.mem.codeInvalidationListeners.push(this.onInvalidation);
    this.exitWords = cpu.r;
    this.layouts = [layoutOf(cpu.mem, false), layoutOf(cpu.mem, true)];
    this.layoutKeys = [JSON.stringify(this.layouts[0]), JSON.stringify(this.layouts[1])];
    this.table = new WebAssembly.Table({ element: 'anyfunc', initial: 64 });
    const bridge = createBridge(cpu.mem.memory, memoryImportOf(this.layouts[0]), this.table, [
      {
        ...INTERP_IMPORT,
        call: (id, word, pc, npc, delaySlot) => {
          const invalidations = this.cache.invalidations;
          let status = cpu.executeHandler(id!, word!, pc!, npc!, delaySlot!);
          if (status === Status.Continue && this.cache.invalidations !== invalidations) {
            // The handler (SWL/SWR/SC/SWC1/SYNCI...) dropped compiled code, maybe the running
            // region's: leave it after this instruction, as after an exception redirect.
            status = cpu.leaveAfterInstruction();
          }
          this.lastHandlerStatus = status;
          return status;
        },
      },
    ], { regions: this.table });
    this.imports = bridge.imports;
    this.enter = bridge.enter;
    // Regions call the interpreter's handler through the table (INTERP_SLOT), not an import.
    this.table.set(INTERP_SLOT, (bridge.imports.env as Record<string, WebAssembly.ImportValue>)[INTERP_IMPORT.name] as WebAssembly.ExportValue);
    // A page with regions an earlier run kept is one block entry short of warm: its first entry
    // installs them (installStored), instead of WARM_PAGE_THRESHOLD entries of interpreting it.
    // Cached runs, guest ms, medians of interleaved rounds: callbench 3 104 -> 96, btree 12
    // 163 -> 157, cpubench 1 169 -> 165; CoreMark 700, busybox sha1sum and fannkuch 9 no
    // different (bench/RESULTS.md).
    for (const page of this.compiler.storedPages?.() ?? []) this.watch.heat[page] = this.watch.warmThreshold - 1;
  }

  /** True while hot code waits for binaryen to load: the caller should yield to the event loop. */
  get waitingForCompiler(): boolean {
    return this.wantsCompiler && !this.compiler.ready;
  }

  /** Stops the compiler (a worker thread, if any) and detaches from the guest memory. */
  close(): void {
    this.compiler.close();
    // Only live regions' entries can be in the jump cache (withdraw empties the others'):
    // emptying those leaves it as new without touching its 2 MiB.
    for (const entry of this.cache.entries()) this.forgetEntry(entry);
    this.cache.close();
    const listeners = this.cpu.mem.codeInvalidationListeners;
    listeners.splice(listeners.indexOf(this.onInvalidation), 1);
    if (this.cpu.callTargets === this.callTargets) this.cpu.callTargets = undefined;
    // Cleared when taken (a run that ends does not pay for it).
    if (spareWatchTables.length < MAX_SPARE_WATCH_TABLES) spareWatchTables.push({ watched: this.watch.watched, heat: this.watch.heat, entryCounts: this.watch.entryCounts, callTargets: this.callTargets });
  }

  /**
   * Runs up to `maxInstructions` guest instructions; returns Status.Stop if the guest stopped.
   * With `returnAfterCompile`, also returns (Status.Continue, at a block start) right after a
   * region compiled on this thread, so that a caller on an event loop can let it turn: a run
   * that compiles much code is otherwise one long synchronous stretch. With `mayOvershoot` (a
   * time slice, not a limit), compiled code may run up to MAX_OVERSHOOT - 1 instructions more;
   * without it, compiled code gets the budget less MAX_OVERSHOOT and the interpreter runs the
   * rest exactly (cpu.instructions says how many ran).
   */
  run(maxInstructions: number, returnAfterCompile = false, mayOvershoot = false): Status {
    const cpu = this.cpu;
    let left = maxInstructions;
    this.compiledInline = false;
    for (const region of this.compiler.poll()) this.install(region);
    /** Compiled code just left for a PC that no region has as an entry (EXIT_ENTRY_WEIGHT). */
    let leftCompiledCode = false;
    while (left > 0) {
      if (!cpu.nextInDelaySlot) {
        const pc = cpu.pc;
        const region = this.cache.regionFor(pc);
        // The budget is an i32 inside Wasm.
        const budget = Math.min(mayOvershoot ? left : left - MAX_OVERSHOOT, MAX_BUDGET_PER_CALL);
        if (region !== undefined && budget > 0) {
          // Compiled code jumping here again finds it without the host (unless the entry was taken by another PC).
          publishJump(this.jumpCache, pc, region.slot);
          const exit = this.enter(region.slot, pc, budget);
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
          leftCompiledCode = exit === RegionExit.Leave;
          if (exit === RegionExit.Leave && executed > 0) continue;
          // RegionExit.Interpret: the interpreter runs what compiled code could not.
        } else if (region === undefined) {
          this.countEntry(pc, leftCompiledCode ? EXIT_ENTRY_WEIGHT : 1);
          if (this.compiledInline && returnAfterCompile) return Status.Continue;
        }
      }
      if (--this.untilPoll <= 0) {
        this.untilPoll = POLL_INTERVAL;
        for (const region of this.compiler.poll()) this.install(region);
      }
      leftCompiledCode = false;
      const before = cpu.instructions;
      const status = cpu.run(left, this.watch);
      left -= cpu.instructions - before;
      if (status === Status.Stop) return Status.Stop;
    }
    return Status.Continue;
  }

  /** Counts an entry of the block start `pc` (`weight` times) toward compiling its page. */
  private countEntry(pc: number, weight: number): void {
    const page = pc >>> PAGE_SHIFT;
    // Not executable: the interpreter raises the fetch fault; there is nothing to compile.
    if ((this.cpu.mem.perms[page]! & Perm.Exec) === 0) return;
    const modules = this.cache.regionsOf(page);
    if (this.pending.has(page)) {
      // Compiling elsewhere: let the interpreter run the page at full speed meanwhile.
      if (modules.length === 0) this.watch.watched[page] = 0;
      this.watch.heat[page] = 0;
      return;
    }
    if (this.watch.watched[page] === 0) {
      // Entered from compiled code (a call from a compiled page): the interpreter did not count it.
      if (++this.watch.heat[page]! < this.watch.warmThreshold) return;
      this.watch.watched[page] = 1;
      // A warm page whose code an earlier run compiled: install that code now.
      if (this.installStored(page) && this.cache.regionFor(pc) !== undefined) return;
    }
    const counts = this.watch.entryCounts;
    const index = (pc >>> 2) & ENTRY_COUNT_MASK;
    counts[index] = counts[index]! + weight;
    if (counts[index]! < this.hotThreshold) return;
    if (!this.compiler.ready) {
      // The count stays: the interpreter returns at this block start until the compiler is ready.
      this.wantsCompiler = true;
      this.compiler.prepare();
      return;
    }
    // Whatever happens now, the block start counts afresh.
    counts[index] = 0;
    if (modules.length >= MAX_MODULES_PER_PAGE) return;
    // Entries: this one and the page's other warm blocks. The page's modules keep theirs; the new
    // module compiles only blocks they lack and reaches theirs through the jump cache.
    // Only the block starts that have run (counted here) are compiled as branch targets: the
    // region leaves for the others (codegen/region.ts discoverRegion). This one's count is 0 now.
    const entries = new Set<number>([pc]);
    const executed: number[] = [pc];
    const warmCount = Math.ceil(this.hotThreshold / WARM_ENTRY_DIVISOR);
    collectCountedStarts(counts, page, warmCount, (other) => this.cache.regionFor(other) !== undefined, entries, executed);
    const compiled: number[] = [];
    for (const module of modules) compiled.push(...module.entries);
    // The code beside the page that the region may copy, and which of its block starts have run
    // (for a later module, those compiled). A later module of the page copies it only as
    // functions it calls in a loop that a module there has (codegen/region.ts calleeCopies):
    // copying whatever their branches reached, later modules of CoreMark's pages copied again the
    // functions an earlier one had (three of four copies), and its first run took longer
    // (CoreMark 700 171 -> 188 ms wall, medians of 21 interleaved). A function that had no module
    // yet got one soon after all (busybox gunzip: 12 blocks copied, and compiled again in their
    // page's next module; 107 -> 114 ms of guest time).
    const neighbours = this.neighbourCode(page);
    for (const neighbour of neighbours) {
      if (modules.length === 0) collectExecutedStarts(counts, neighbour.page, executed);
      executed.push(...(this.compiledStarts.get(neighbour.page) ?? []));
    }
    const after = neighbours.length > 0 && neighbours[neighbours.length - 1]!.page > page ? page + 1 : page;
    const predictedCalls = this.predictedCalls(page, warmCount);
    for (const far of this.farCalleePages(page, predictedCalls)) {
      neighbours.push(far);
      collectExecutedStarts(counts, far.page, executed);
      executed.push(...(this.compiledStarts.get(far.page) ?? []));
    }
    // From now on a write to the page invalidates its code (and bumps its generation).
    this.cpu.mem.markCode(page);
    const result = this.compiler.submit({
      page,
      entries: [...entries],
      compiled,
      ...(this.hotThreshold >= EXECUTED_FILTER_MIN_THRESHOLD ? { executed } : {}),
      words: this.pageWords(page).slice(),
      layout: this.layouts[this.layoutIndex()],
      generation: this.generations.get(page) ?? 0,
      ...(this.minUsesToCache !== undefined ? { minUsesToCache: this.minUsesToCache } : {}),
      ...this.nextPageWordOf(after),
      ...(neighbours.length > 0 ? { neighbours } : {}),
      ...(predictedCalls.length > 0 ? { predictedCalls } : {}),
    });
    if (result) {
      this.install(result);
      this.compiledInline = true;
    } else this.pending.add(page);
  }

  /**
   * Installs the regions of `page` a persistent code cache holds for the words the page has now
   * (RegionCompiler.stored); true if there were any.
   */
  private installStored(page: number): boolean {
    if (this.compiler.stored === undefined) return false;
    const regions = this.compiler.stored(page, (other) => this.executableWords(other), this.layoutKeys[this.layoutIndex()]);
    if (regions.length === 0) return false;
    this.cpu.mem.markCode(page);
    const generation = this.generations.get(page) ?? 0;
    // The words of the pages its copies came from were checked just now.
    const current = (dependencies: CompiledRegion['dependencies']) => dependencies?.map(({ page: other }) => ({ page: other, generation: this.generations.get(other) ?? 0 }));
    for (const region of regions) this.install({ ...region, generation, dependencies: current(region.dependencies) });
    this.stats.regionsRestored += regions.length;
    return true;
  }

  /**
   * The first word of the page after `page`, if guest memory has one: a branch in the page's last
   * word compiles with it as its delay slot, behind a check at run time (Block.slotInNextPage).
   * busybox sort printed each line through such a branch in vfprintf, returning to the engine
   * after it 26,214 times in a run.
   */
  private nextPageWordOf(page: number): { nextPageWord?: number } {
    const word = this.pageWords(page + 1)[0];
    return word !== undefined ? { nextPageWord: word } : {};
  }

  /**
   * The executable pages just before and after `page`, snapshots of their words, for a region of
   * `page` to compile blocks of (codegen/region.ts NeighbourCode).
   */
  private neighbourCode(page: number): NeighbourPage[] {
    const neighbours: NeighbourPage[] = [];
    for (const other of [page - 1, page + 1]) {
      const words = other < 0 ? undefined : this.executableWords(other);
      if (words !== undefined) neighbours.push({ page: other, words: words.slice(), generation: this.generations.get(other) ?? 0 });
    }
    return neighbours;
  }

  /**
   * The JALRs of `page` that the interpreter last ran at least `warmCount` times in a row to the
   * same target, and that target (CallTargets: lossy, so a target may be another JALR's; compiled
   * code tests it). A JALR whose target keeps changing (a dispatch through a table of function
   * pointers) is left out: a copy of one of its targets would serve few of its calls.
   */
  private predictedCalls(page: number, warmCount: number): PredictedCall[] {
    const words = this.pageWords(page);
    const { targets, runs } = this.callTargets;
    const calls: PredictedCall[] = [];
    for (let index = 0; index < words.length; index++) {
      if (!isJalr(words[index]!)) continue;
      const site = ((page << PAGE_SHIFT) + index * 4) | 0;
      const entry = (site >>> 2) & CALL_TARGET_MASK;
      const target = targets[entry]!;
      if (runs[entry]! >= warmCount && (target & 3) === 0) calls.push({ site, target });
    }
    return calls;
  }

  /**
   * Snapshots of the executable pages of `calls`' targets that are neither `page` nor beside it,
   * at most MAX_FAR_CALLEE_PAGES, for a region of `page` to copy those callees from.
   */
  private farCalleePages(page: number, calls: readonly PredictedCall[]): NeighbourPage[] {
    const pages: NeighbourPage[] = [];
    for (const { target } of calls) {
      const other = target >>> PAGE_SHIFT;
      if (Math.abs(other - page) <= 1 || pages.some((far) => far.page === other)) continue;
      const words = this.executableWords(other);
      if (words !== undefined) pages.push({ page: other, words: words.slice(), generation: this.generations.get(other) ?? 0 });
      if (pages.length === MAX_FAR_CALLEE_PAGES) break;
    }
    return pages;
  }

  /** An executable guest page's 1024 words (a view of guest memory), else undefined. */
  private executableWords(page: number): Int32Array | undefined {
    if ((this.cpu.mem.perms[page]! & Perm.Exec) === 0) return undefined;
    const words = this.pageWords(page);
    return words.length === 1024 ? words : undefined;
  }

  /** The guest page's 1024 instruction words (a view of guest memory). */
  private pageWords(page: number): Int32Array {
    const first = (page << PAGE_SHIFT) >>> 2;
    return this.cpu.mem.i32.subarray(first, first + 1024);
  }

  /** Which of `layouts` code runs under now (Status.FR, set per process by prctl). */
  private layoutIndex(): 0 | 1 {
    return this.cpu.fpr64 ? 1 : 0;
  }

  /** Empties `pc`'s jump-cache entry if it names `pc`. */
  private forgetEntry(pc: number): void {
    const index = jumpCacheIndex(pc);
    if (this.jumpCache[index] === pc) this.jumpCache[index] = emptyJumpTag(index);
  }

  /** Forgets a dropped region: its jump-cache entries, then its table slot. */
  private withdraw(region: LiveRegion): void {
    for (const entry of region.entries) this.forgetEntry(entry);
    this.table.set(region.slot, null);
    this.freeSlots.push(region.slot);
  }

  /**
   * The imports of a region in table slot `slot`: the bridge's, and the address of the slot's
   * dispatch table (codegen/translate.ts DISPATCH_GLOBAL). Made once per slot; slots are reused.
   */
  private importsFor(slot: number): WebAssembly.Imports {
    let imports = this.slotImports[slot];
    if (imports === undefined) {
      const table = new WebAssembly.Global({ value: 'i32', mutable: false }, this.cpu.mem.dispatchBase + slot * DISPATCH_TABLE_BYTES);
      imports = { env: { ...this.imports.env, [DISPATCH_GLOBAL]: table } };
      this.slotImports[slot] = imports;
    }
    return imports;
  }

  /** Instantiates a compiled region unless its page changed since the snapshot. */
  private install(compiled: CompiledRegion): void {
    this.pending.delete(compiled.page);
    this.stats.compileSeconds += compiled.seconds;
    if (compiled.module === undefined || (this.generations.get(compiled.page) ?? 0) !== compiled.generation) return;
    if (compiled.dependencies?.some(({ page, generation }) => (this.generations.get(page) ?? 0) !== generation)) return;
    const slot = this.freeSlots.pop() ?? this.nextSlot++;
    if (slot >= DISPATCH_TABLES) {
      // No dispatch table left for the slot (more modules live than any run here has made): the
      // page stays interpreted.
      this.freeSlots.push(slot);
      return;
    }
    const instance = new WebAssembly.Instance(compiled.module, this.importsFor(slot));
    const run = instance.exports.run as (pc: number, budget: number) => number;
    this.watch.watched[compiled.page] = 1;
    if (slot >= this.table.length) this.table.grow(Math.max(64, this.table.length));
    this.table.set(slot, run);
    const dependencies = compiled.dependencies?.map(({ page }) => page) ?? [];
    const region: LiveRegion = { page: compiled.page, dependencies, entries: new Set(compiled.entries), blockCount: compiled.blockCount, run, slot };
    this.cache.install(region);
    for (const entry of region.entries) if (this.cache.regionFor(entry) === region) publishJump(this.jumpCache, entry, slot);
    for (const start of compiled.blockStarts ?? compiled.entries) {
      const page = start >>> PAGE_SHIFT;
      let starts = this.compiledStarts.get(page);
      if (starts === undefined) {
        starts = new Set();
        this.compiledStarts.set(page, starts);
      }
      starts.add(start);
    }
    this.stats.blocksCompiled += compiled.blockCount;
    this.stats.neighbourBlocks += compiled.neighbourBlocks ?? 0;
    this.stats.regionsCompiled++;
    this.stats.liveRegions = this.cache.size;
    this.stats.evictions = this.cache.evictions;
    this.stats.invalidations = this.cache.invalidations;
  }
}
