// Compiled regions keyed by guest page. A write to a page that holds compiled code (seen through
// the page's Code permission bit) drops its region; a cap on live modules evicts the oldest.

import { Perm, PAGE_SHIFT, type FlatMemory } from '../runtime/flat-memory.js';

/** A compiled region ready to run. */
export interface LiveRegion {
  readonly page: number;
  readonly entries: ReadonlySet<number>;
  readonly blockCount: number;
  /** Runs from `pc` (an entry) with an instruction budget; returns a RegionExit. */
  readonly run: (pc: number, budget: number) => number;
}

/** Browsers cap live Wasm modules (v86 keeps ~900); stay well under that. */
export const DEFAULT_MAX_REGIONS = 512;

export class RegionCache {
  private readonly regions = new Map<number, LiveRegion>();
  evictions = 0;
  invalidations = 0;

  constructor(
    private readonly memory: FlatMemory,
    private readonly maxRegions = DEFAULT_MAX_REGIONS,
    /** Told about every region dropped (invalidated or evicted). */
    private readonly onDrop: (page: number) => void = () => {},
  ) {
    memory.codeInvalidationListeners.push(this.onInvalidation);
  }

  private readonly onInvalidation = (page: number): void => {
    if (!this.regions.delete(page)) return;
    this.invalidations++;
    this.onDrop(page);
  };

  /** Detaches from the memory and forgets every region. */
  close(): void {
    const listeners = this.memory.codeInvalidationListeners;
    listeners.splice(listeners.indexOf(this.onInvalidation), 1);
    this.regions.clear();
  }

  get size(): number {
    return this.regions.size;
  }

  /** The region covering `pc`, if any. */
  regionAt(pc: number): LiveRegion | undefined {
    return this.regions.get(pc >>> PAGE_SHIFT);
  }

  /** Installs a region (replacing the page's previous one) and marks its page as holding code. */
  install(region: LiveRegion): void {
    this.regions.delete(region.page);
    this.regions.set(region.page, region);
    this.memory.perms[region.page] = this.memory.perms[region.page]! | Perm.Code;
    while (this.regions.size > this.maxRegions) {
      const oldest = this.regions.keys().next().value as number;
      this.regions.delete(oldest);
      this.evictions++;
      this.onDrop(oldest);
    }
  }
}
