// Compiled regions of user mode, by guest page and by entry PC. A page may hold several region
// modules: the first one compiled for it, then a small one per later batch of hot entries (a new
// entry adds code instead of rebuilding the page). A write to a page that holds compiled code
// (seen through the page's Code permission bit) drops all of its modules; a cap on live modules
// evicts the page compiled longest ago. A region may also hold copies of code from the pages beside
// its own (codegen/region.ts NeighbourCode): a write to one of those drops it too.

import { PAGE_SHIFT, type FlatMemory } from '../runtime/flat-memory.js';

/** A compiled region ready to run. */
export interface LiveRegion {
  readonly page: number;
  /** The other pages whose code it compiled (none for most): a write to one drops it. */
  readonly dependencies: readonly number[];
  readonly entries: ReadonlySet<number>;
  readonly blockCount: number;
  /** Runs from `pc` (an entry) with an instruction budget; returns a RegionExit. */
  readonly run: (pc: number, budget: number) => number;
  /** Its index in the engine's function table. */
  readonly slot: number;
}

/** Browsers cap live Wasm modules (v86 keeps ~900); stay well under that. */
export const DEFAULT_MAX_REGIONS = 512;

export class RegionCache {
  /** Modules per page, oldest first; pages in the order they got their first module. */
  private readonly pages = new Map<number, LiveRegion[]>();
  /** The module that runs each entry PC (the newest module that has it). */
  private readonly byEntry = new Map<number, LiveRegion>();
  /** Regions by the pages in their `dependencies`. */
  private readonly dependents = new Map<number, Set<LiveRegion>>();
  private modules = 0;
  evictions = 0;
  invalidations = 0;

  constructor(
    private readonly memory: FlatMemory,
    private readonly maxRegions = DEFAULT_MAX_REGIONS,
    /** Told about every region dropped (invalidated or evicted), after it left the cache. */
    private readonly onDrop: (region: LiveRegion) => void = () => {},
  ) {
    memory.codeInvalidationListeners.push(this.onInvalidation);
  }

  private readonly onInvalidation = (page: number): void => {
    if (this.dropPage(page)) this.invalidations++;
  };

  /** Detaches from the memory and forgets every region. */
  close(): void {
    const listeners = this.memory.codeInvalidationListeners;
    listeners.splice(listeners.indexOf(this.onInvalidation), 1);
    this.pages.clear();
    this.byEntry.clear();
    this.dependents.clear();
    this.modules = 0;
  }

  /** Live modules. */
  get size(): number {
    return this.modules;
  }

  /** The PCs that are entries of live regions. */
  entries(): IterableIterator<number> {
    return this.byEntry.keys();
  }

  /** The region that has `pc` as an entry, if any. */
  regionFor(pc: number): LiveRegion | undefined {
    return this.byEntry.get(pc);
  }

  /** The page's modules, oldest first (empty when it has none). */
  regionsOf(page: number): readonly LiveRegion[] {
    return this.pages.get(page) ?? [];
  }

  /** True when some module of the page covers `pc`'s page. */
  hasPage(pc: number): boolean {
    return this.pages.has(pc >>> PAGE_SHIFT);
  }

  /**
   * Installs a region beside the page's other modules (or, with `replace`, instead of them) and
   * marks its page, and those of its dependencies, as holding code.
   */
  install(region: LiveRegion, replace = false): void {
    if (replace) this.dropPage(region.page);
    let list = this.pages.get(region.page);
    if (list === undefined) {
      list = [];
      this.pages.set(region.page, list);
    }
    list.push(region);
    this.modules++;
    for (const entry of region.entries) this.byEntry.set(entry, region);
    this.memory.markCode(region.page);
    for (const page of region.dependencies) {
      let users = this.dependents.get(page);
      if (users === undefined) {
        users = new Set();
        this.dependents.set(page, users);
      }
      users.add(region);
      this.memory.markCode(page);
    }
    while (this.modules > this.maxRegions && this.pages.size > 1) {
      const oldest = this.pages.keys().next().value as number;
      if (oldest === region.page) break;
      this.dropPage(oldest);
      this.evictions++;
    }
  }

  /** Drops the page's modules and the regions with copies of its code; false if there were none. */
  private dropPage(page: number): boolean {
    const list = this.pages.get(page) ?? [];
    this.pages.delete(page);
    const users = [...(this.dependents.get(page) ?? [])];
    this.dependents.delete(page);
    for (const region of users) {
      // Gone from its own page's list (a region never depends on its own page).
      const own = this.pages.get(region.page);
      if (own === undefined) continue;
      const at = own.indexOf(region);
      if (at >= 0) own.splice(at, 1);
      if (own.length === 0) this.pages.delete(region.page);
    }
    const dropped = [...list, ...users];
    this.modules -= dropped.length;
    for (const region of dropped) {
      for (const entry of region.entries) if (this.byEntry.get(entry) === region) this.byEntry.delete(entry);
      for (const other of region.dependencies) this.dependents.get(other)?.delete(region);
    }
    for (const region of dropped) this.onDrop(region);
    return dropped.length > 0;
  }
}
