// The JIT for system mode: the same tiering, regions and translator as Linux user mode, with
// guest memory reached through the VCPU's soft TLB. A region is compiled for one virtual page,
// the host page it was fetched from and the code context it assumed (mode and Status.CU1); it
// runs only while the PC's fetch translation still leads to that host page in that context. A
// store to a host page holding code (through any alias, by any VCPU, or by vm.writePhys) drops
// its regions. Privileged, mode-changing and exiting instructions always run in the interpreter
// (codegen/block.ts ends blocks before them), so compiled code never changes the mode or the TLB.
// Interrupts and the timer are served between calls: the budget of a call ends at the timer's
// next deadline.

import { Status } from '../runtime/exceptions.js';
import { ExitWord } from '../runtime/state.js';
import { PAGE_SHIFT } from '../runtime/flat-memory.js';
import type { Exit } from '../runtime/exits.js';
import type { BlockEndWatch } from '../src/interp/cpu.js';
import type { SystemCpu } from '../src/interp/system-cpu.js';
import { DEFAULT_MAX_REGIONS } from './cache.js';
import { compileRegion } from './compiler.js';
import { DEFAULT_HOT_THRESHOLD } from './engine.js';
import type { RegionLayout } from './region.js';
import { RegionExit } from './translate.js';
import { isWasmBuilderReady, loadWasmBuilder } from './wasm.js';
import type { RefillFunction } from './tlb-refill.js';

const WARM_PAGE_THRESHOLD = 500;
const MAX_BUDGET_PER_CALL = 0x3fff_ffff;
const MAX_RECOMPILES_PER_PAGE = 8;
/** Wasm32's page limit: the host memory may grow up to it. */
const MAXIMUM_MEMORY_PAGES = 0x1_0000;

interface SystemRegion {
  readonly virtualPage: number;
  readonly hostPage: number;
  readonly context: number;
  readonly entries: ReadonlySet<number>;
  readonly blockCount: number;
  readonly run: (pc: number, budget: number) => number;
}

export interface SystemJitStats {
  blocksCompiled: number;
  regionsCompiled: number;
  compileSeconds: number;
  compiledInstructions: number;
  regionCalls: number;
  invalidations: number;
  evictions: number;
}

export interface SystemJitOptions {
  readonly hotThreshold?: number;
  /** Live region modules at most (default 512). */
  readonly maxRegions?: number;
}

const INTR_EXIT: Exit = { reason: 'intr' };

export class SystemJitEngine {
  private readonly hotThreshold: number;
  private readonly watch: BlockEndWatch;
  private readonly heat = new Map<number, number>();
  private readonly recompiles = new Map<number, number>();
  /** Regions by virtual page (one per code context at most). */
  private readonly regions = new Map<number, SystemRegion[]>();
  /** Every live region, oldest first (browsers cap live Wasm modules: the oldest go past the cap). */
  private readonly live = new Set<SystemRegion>();
  private readonly maxRegions: number;
  private readonly imports: WebAssembly.Imports;
  private exitWords: Int32Array;
  private readonly stateWordBase: number;
  /** Set by the handler import: the handler retired its instruction (vs. raised or stopped). */
  private handlerRetired = false;
  private lastHandlerStatus: Status = Status.Continue;
  private handlerExit: Exit | undefined;
  readonly stats: SystemJitStats = { blocksCompiled: 0, regionsCompiled: 0, compileSeconds: 0, compiledInstructions: 0, regionCalls: 0, invalidations: 0, evictions: 0 };

  constructor(
    private readonly cpu: SystemCpu,
    /** The VM's generated refill handler, which compiled code calls on a soft-TLB miss. */
    refill: RefillFunction,
    options: SystemJitOptions = {},
  ) {
    this.hotThreshold = options.hotThreshold ?? DEFAULT_HOT_THRESHOLD;
    this.maxRegions = options.maxRegions ?? DEFAULT_MAX_REGIONS;
    const pages = 1 << (32 - PAGE_SHIFT);
    this.watch = { watched: new Uint8Array(pages), heat: new Uint32Array(pages), warmThreshold: Math.min(WARM_PAGE_THRESHOLD, this.hotThreshold) };
    this.stateWordBase = cpu.stateOffset >>> 2;
    this.exitWords = cpu.physical.host.i32;
    cpu.physical.host.growListeners.push(() => {
      this.exitWords = cpu.physical.host.i32;
    });
    cpu.physical.codeDropListeners.push((hostPage) => this.dropHostPage(hostPage));
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
    this.imports = {
      env: {
        mem: cpu.physical.host.memory,
        regions: table,
        refill: refill,
        prepareStore: (address: number) => cpu.prepareStore(address),
        interp: (id: number, word: number, pc: number, npc: number, delaySlot: number) => {
          const invalidations = this.stats.invalidations;
          let status = cpu.executeHandler(id, word, pc, npc, delaySlot);
          this.handlerRetired = status === Status.Continue;
          this.handlerExit = cpu.takePendingExit();
          if (status === Status.Continue && (this.handlerExit !== undefined || this.stats.invalidations !== invalidations)) {
            // Retired, but compiled code must stop: an exit (an MMIO store) or its code was dropped.
            cpu.pc = cpu.npc;
            cpu.npc = cpu.nnpc;
            cpu.nextInDelaySlot = false;
            status = Status.Redirected;
          }
          this.lastHandlerStatus = status;
          return status;
        },
      },
    };
  }

  /** Loads binaryen (createVm does it before the first run). */
  static prepare(): Promise<void> {
    return loadWasmBuilder();
  }

  private dropHostPage(hostPage: number): void {
    for (const region of [...this.live]) {
      if (region.hostPage !== hostPage) continue;
      this.forget(region);
      this.stats.invalidations++;
    }
  }

  private forget(region: SystemRegion): void {
    this.live.delete(region);
    const kept = (this.regions.get(region.virtualPage) ?? []).filter((other) => other !== region);
    if (kept.length === 0) this.regions.delete(region.virtualPage);
    else this.regions.set(region.virtualPage, kept);
  }

  /** The region that may run at `pc` now: same virtual page, same host page, same context. */
  private regionAt(pc: number): SystemRegion | undefined {
    const list = this.regions.get(pc >>> PAGE_SHIFT);
    if (list === undefined) return undefined;
    const context = this.cpu.codeContext;
    const region = list.find((candidate) => candidate.context === context);
    if (region === undefined) return undefined;
    const host = this.cpu.hostOfFetch(pc);
    return host >= 0 && host >>> PAGE_SHIFT === region.hostPage ? region : undefined;
  }

  /** Runs until an exit (as SystemCpu.run), in compiled code where it can. */
  run(maxInstructions: number): Exit {
    const cpu = this.cpu;
    const cp0 = cpu.cp0;
    const stopAt = cpu.instructions + maxInstructions;
    cpu.resume();
    for (;;) {
      const left = stopAt - cpu.instructions;
      if (left <= 0) return INTR_EXIT;
      if (!cpu.nextInDelaySlot && !cpu.needsAttention) {
        const pc = cpu.pc;
        const region = this.regionAt(pc);
        if (region !== undefined && region.entries.has(pc)) {
          // Compiled code runs no further than the timer's next event.
          const budget = Math.max(1, Math.min(left, MAX_BUDGET_PER_CALL, cp0.timerDeadline - cpu.instructions));
          const exit = region.run(pc, budget);
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
          this.countEntry(pc, region);
        }
      }
      const exit = cpu.run(stopAt - cpu.instructions, this.watch);
      if (exit !== undefined) return exit;
    }
  }

  private countEntry(pc: number, region: SystemRegion | undefined): void {
    const page = pc >>> PAGE_SHIFT;
    if (this.watch.watched[page] === 0) {
      // Entries from compiled code (a call into another page) count toward warming the page too.
      if (++this.watch.heat[page]! < this.watch.warmThreshold) return;
      this.watch.watched[page] = 1;
    }
    const count = (this.heat.get(pc) ?? 0) + 1;
    this.heat.set(pc, count);
    if (count < this.hotThreshold) return;
    if (!isWasmBuilderReady()) {
      void loadWasmBuilder();
      return;
    }
    const recompiles = this.recompiles.get(page) ?? 0;
    if (region !== undefined && recompiles >= MAX_RECOMPILES_PER_PAGE) return;
    this.recompiles.set(page, recompiles + 1);
    const entries = new Set<number>([pc, ...(region?.entries ?? [])]);
    for (const [other, otherCount] of this.heat) {
      if (other >>> PAGE_SHIFT === page && otherCount * 4 >= this.hotThreshold) entries.add(other);
    }
    for (const entry of entries) this.heat.delete(entry);
    this.compile(page, entries);
  }

  private compile(virtualPage: number, entries: Set<number>): void {
    const cpu = this.cpu;
    const host = cpu.hostOfFetch(virtualPage << PAGE_SHIFT);
    if (host < 0) return;
    const hostPage = host >>> PAGE_SHIFT;
    const memory = cpu.physical;
    // Stores to the page now take the slow path, which drops the region.
    if (!memory.isCode(hostPage)) memory.addCode(hostPage, new Uint16Array(1024));
    const layout: RegionLayout = {
      memoryPages: memory.host.buffer.byteLength / 0x1_0000,
      maximumPages: MAXIMUM_MEMORY_PAGES,
      stateBase: cpu.stateOffset,
      access: { kind: 'soft-tlb', ...cpu.softTlbTables },
      fpuUsable: cpu.fpuUsable,
    };
    const first = (hostPage << PAGE_SHIFT) >>> 2;
    const compiled = compileRegion({ page: virtualPage, entries: [...entries], words: memory.host.i32.slice(first, first + 1024), layout, generation: 0 });
    this.stats.compileSeconds += compiled.seconds;
    if (compiled.module === undefined) return;
    const instance = new WebAssembly.Instance(compiled.module, this.imports);
    const region: SystemRegion = {
      virtualPage,
      hostPage,
      context: cpu.codeContext,
      entries: new Set(compiled.entries),
      blockCount: compiled.blockCount,
      run: instance.exports.run as (pc: number, budget: number) => number,
    };
    for (const old of this.regions.get(virtualPage) ?? []) if (old.context === region.context) this.forget(old);
    this.regions.set(virtualPage, [...(this.regions.get(virtualPage) ?? []), region]);
    this.live.add(region);
    while (this.live.size > this.maxRegions) {
      this.forget(this.live.values().next().value as SystemRegion);
      this.stats.evictions++;
    }
    this.watch.watched[virtualPage] = 1;
    this.stats.blocksCompiled += compiled.blockCount;
    this.stats.regionsCompiled++;
  }
}
