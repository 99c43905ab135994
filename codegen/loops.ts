// Structured loops of a region. Blocks are laid out in region order, each after the end of a
// Wasm `block` label, so a branch to a later block is a forward `br`. A branch back to an earlier
// block went through the region's dispatch loop and its `br_table`; here each backward edge
// (latch -> head) makes an interval [head, latch] of block indices, and the intervals that nest
// become Wasm `loop`s around their blocks. A loop's body starts with a small dispatch of its own
// (the head when Local.Pc is the head's address, else a `br_table` over its blocks), so a jump
// into the middle of a loop still works: entries from the region's dispatch and branches to
// blocks of a loop from outside it set Local.Pc and go to the loop's start.
//
// Which intervals become loops does not change what the code computes, only which branches stay
// local: crossing intervals (one starts inside another and ends after it) keep the one that
// starts first, and the other's back edges take the enclosing loop's dispatch or the region's.

/** One loop: blocks head..tail (region indices); `parent` is the loop around it, if any. */
export interface RegionLoop {
  readonly head: number;
  readonly tail: number;
  readonly parent: RegionLoop | undefined;
}

/** How a branch from one block of a region reaches another. */
export type LoopRoute =
  /** The block branches to its own start (a one-block loop, codegen/translate.ts selfLoop). */
  | { readonly kind: 'self' }
  /** A forward `br` to the end of the label before `unit` (a block, or a loop whose head is `unit`; then Local.Pc must name the target). */
  | { readonly kind: 'forward'; readonly unit: number; readonly setsPc: boolean }
  /** Local.Pc = target, then `br` to the start of the loop whose head is `head`. */
  | { readonly kind: 'loop'; readonly head: number }
  /** Local.Pc = target, then the region's dispatch. */
  | { readonly kind: 'dispatch' };

export class RegionLoops {
  /** The innermost loop around each block (undefined: none). */
  private readonly innermost: (RegionLoop | undefined)[];
  /** Loops by head index. */
  private readonly byHead = new Map<number, RegionLoop>();

  /**
   * `blockCount` blocks; `edges(index)` the region indices a block branches or falls to (static
   * targets in the region).
   */
  constructor(blockCount: number, edges: (index: number) => Iterable<number>) {
    const tails = new Map<number, number>();
    for (let index = 0; index < blockCount; index++) {
      for (const target of edges(index)) {
        if (target < index) tails.set(target, Math.max(tails.get(target) ?? target, index));
      }
    }
    this.innermost = new Array<RegionLoop | undefined>(blockCount).fill(undefined);
    const open: RegionLoop[] = [];
    for (const [head, tail] of [...tails].sort((a, b) => a[0] - b[0])) {
      while (open.length > 0 && open[open.length - 1]!.tail < head) open.pop();
      const parent = open[open.length - 1];
      if (parent !== undefined && tail > parent.tail) continue; // crosses its parent's end
      const loop: RegionLoop = { head, tail, parent };
      this.byHead.set(head, loop);
      open.push(loop);
      for (let index = head; index <= tail; index++) this.innermost[index] = loop;
    }
  }

  get loops(): readonly RegionLoop[] {
    return [...this.byHead.values()];
  }

  /** The loop whose head is block `index`, if any. */
  loopAt(index: number): RegionLoop | undefined {
    return this.byHead.get(index);
  }

  /**
   * The unit block `index` belongs to in the sequence of `level` (undefined: the region's top
   * level): itself, or the head of the loop directly inside `level` that contains it.
   */
  unitOf(index: number, level: RegionLoop | undefined): number {
    let unit = index;
    for (let loop = this.innermost[index]; loop !== level && loop !== undefined; loop = loop.parent) unit = loop.head;
    return unit;
  }

  /** True when `index` is inside `loop` (or `loop` is the top level): loops are intervals that nest. */
  private contains(loop: RegionLoop | undefined, index: number): boolean {
    return loop === undefined || (loop.head <= index && index <= loop.tail);
  }

  /** How block `from` reaches block `to`. */
  route(from: number, to: number): LoopRoute {
    if (from === to) return { kind: 'self' };
    let level = this.innermost[from];
    while (!this.contains(level, to)) level = level!.parent;
    const unit = this.unitOf(to, level);
    if (unit > this.unitOf(from, level)) return { kind: 'forward', unit, setsPc: unit !== to || this.isLoopUnit(unit, level) };
    return level === undefined ? { kind: 'dispatch' } : { kind: 'loop', head: level.head };
  }

  /** The unit starting at `index` in `level` is a loop (then its head is `index`). */
  private isLoopUnit(index: number, level: RegionLoop | undefined): boolean {
    const loop = this.byHead.get(index);
    return loop !== undefined && loop.parent === level;
  }
}
