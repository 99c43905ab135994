// Many hot blocks of one guest page -> one Wasm module with one exported function
// `run(pc, budget) -> RegionExit`. A dispatch loop (`loop` + `br_table` on the block's index in
// user mode, on the PC's word index in system mode: dispatchToBlock) jumps between the blocks, so
// branches between blocks of the region stay in Wasm.

import { DISPATCH_TABLE_BYTES, NO_BLOCK, PAGE_MASK, PAGE_SHIFT, type FlatMemory } from '../runtime/flat-memory.js';
import { ENTRY_COUNT_MASK } from '../src/interp/cpu.js';
import { ExitWord, STATE_BASE } from '../runtime/state.js';
import { endingCall, findBlock, successors, SYSTEM_RULES, type Block, type BlockRules } from './block.js';
import { blockLabel, DISPATCH_GLOBAL, DISPATCH_LABEL, EXIT_LABEL, EXIT_LABEL_LEAVE, FORWARD_TEMPORARIES, STOPPED_LABEL, INTERP_IMPORT, INTERP_SLOT, OUT_OF_BUDGET_LABEL, Local, localType, MIN_USES_TO_CACHE, RegisterLocals, STATE_GLOBAL, SYSTEM_MIN_USES_TO_CACHE, Translator, type TargetLayout } from './translate.js';
import { wasmText, type FunctionImport, type ValueType } from './wasm.js';
import { WasmEncoder, type Expr, type MemoryImport } from './wasm-encoder.js';

/** At most this many blocks per region (entries plus the blocks they reach in the page; a dispatch table's byte holds an index, NO_BLOCK excepted). */
export const MAX_REGION_BLOCKS = NO_BLOCK;

/**
 * User mode: a region's block starts lie less than this far apart (the words of a dispatch
 * table). Its page's blocks count as the whole page, so blocks of the neighbouring pages may take
 * the rest: up to a page before and after it, in all.
 *
 * Why neighbours: a region is a page's code, and control that passes to another region goes
 * through the jump cache and a tail call, with the cached registers written back and reloaded.
 * busybox gunzip's inflate loop calls a helper in the page before it: 4.1 M of its 4.2 M tail
 * calls between regions (200 M instructions) went back and forth between those two pages.
 */
export const REGION_SPAN_BYTES = DISPATCH_TABLE_BYTES * 4;

/**
 * At most this many copies of neighbour blocks per region, of whole functions (what a branch
 * reaches there, not following its calls; Neighbours.take). Without a limit CoreMark's two pages
 * copied each other's functions (a region of 198 blocks, 557 blocks compiled against 365); a
 * function cut at the limit only moved the jump between regions into it. busybox gunzip of 4x
 * the input, guest seconds, medians of seven interleaved (copies in every module then, cut at
 * the limit): no copies 0.501, at most 4 blocks 0.454, 8 0.419, 16 0.390.
 */
const MAX_NEIGHBOUR_BLOCKS = 16;

/**
 * User mode: guest code beside a region's page that it may compile too, as copies (Block.copy:
 * never entries, so the region is found only through its own page's PCs). The engine offers
 * the executable pages before and after the page (codegen/compiler.ts RegionRequest.neighbours);
 * a region that compiles any of their code is dropped with theirs (codegen/cache.ts).
 */
export interface NeighbourCode {
  /** The first byte and the end of the code readWord reads: the page and its offered neighbours. */
  readonly start: number;
  readonly end: number;
}

/**
 * User mode: where the region's JALRs are expected to go, and the pages far from its own (not
 * beside it) that hold such callees, whose code it may compile as copies (RegionRequest.neighbours).
 *
 * Why: a call through a register (`lw t9, ...(gp); jalr t9` in PIC code, a function pointer) to
 * another page's function left the region through the jump cache and a tail call, and its return
 * came back the same way, the cached registers written back and reloaded each time: busybox sort
 * made 8.5 M such transitions in 181 M instructions, 4 M of them calls from one loop to a
 * two-block function 1.7 MB away. The interpreter notes where each JALR went
 * (src/interp/cpu-base.ts CallTargets); a region copies the callee a loop calls that way, as
 * calleeCopies does for JAL, and the JALR tests its target against the expected one before it
 * looks the PC up in the dispatch table (Translator's predictedBlock), so another target runs as
 * before. sort's transitions 8.45 M -> 4.05 M, gamebench fannkuch 9's 2.01 M -> 0.06 M
 * (bench/RESULTS.md); a callee that calls out still returns through its own region, so copies
 * of those save less.
 */
export interface PredictedCalls {
  /** The expected target of a JALR, by the JALR's address. */
  readonly targets: ReadonlyMap<number, number>;
  /** Pages neither the region's nor beside it whose words readWord has: those of the expected targets. */
  readonly farPages: ReadonlySet<number>;
}

/**
 * What a region imports besides memory (from the bridge, codegen/bridge.ts). A user-mode region
 * imports the shared table of region functions (`regions`), tail-calls another region through it
 * and finds the interpreter's handler for one instruction in it (INTERP_SLOT); it imports no
 * function. A system-mode region imports the handler and tail-calls another region
 * through the bridge's `enter` instead: V8 keeps a copy of an imported table per importing
 * instance, and a Malta boot's thousands of instances made each instantiation and `table.set`
 * cost ~1.7 ms; a user-mode run keeps at most DEFAULT_MAX_REGIONS (codegen/cache.ts), and the
 * direct call saves a call and a function prologue per jump between modules (first runs, five
 * interleaved rounds: busybox gzip 1.487 -> 1.316 s, callbench 10 0.396 -> 0.360, CoreMark 4000
 * 0.523 -> 0.496, callbench 3 0.196 -> 0.187; cpubench, sha256sum and CoreMark 700 unchanged).
 */
export { INTERP_IMPORT, INTERP_SLOT };
/** System mode: the bridge's `enter(slot, pc, budget)`, which tail-calls the region in `slot`. */
export const ENTER_IMPORT = { name: 'enter', params: ['i32', 'i32', 'i32'] as ValueType[], result: 'i32' as ValueType };
/** A user-mode region imports no function: see INTERP_SLOT (codegen/translate.ts). */
const USER_REGION_IMPORTS: readonly FunctionImport[] = [];
/** System mode adds `enter` and the soft-TLB refill handler (codegen/tlb-refill.ts). */
const SYSTEM_REGION_IMPORTS = [
  INTERP_IMPORT,
  ENTER_IMPORT,
  { name: 'refill', params: ['i32', 'i32', 'i32', 'i32'] as ValueType[], result: 'i32' as ValueType },
  { name: 'prepareStore', params: ['i32'] as ValueType[], result: 'i32' as ValueType },
];

/**
 * The hot threshold from which engines pass `executed` to discoverRegion: below it, which branch
 * targets have run says little (a test's threshold of 1 compiles a block at its first entry,
 * before any of its successors ran). Measured with the filter, in user mode (`mipsjit run --stats`,
 * interleaved): callbench 10 2.72 s -> 1.17-1.49 s (1,833 -> 469 blocks), callbench 3
 * 1.8-2.0 s -> 1.12 s, cpubench 4 1.62 s -> 1.26-1.30 s; smaller regions also tier up sooner.
 */
export const EXECUTED_FILTER_MIN_THRESHOLD = 8;

/**
 * The block starts of `page` that have run, as the interpreter counted them
 * (BlockEndWatch.entryCounts, indexed by ENTRY_COUNT_MASK), appended to `executed`; those entered
 * at least `warmCount` times that `compiled` says no module has yet also go to `entries`, and
 * count afresh. Counts are per word of a 1 MiB window of PCs (lossy: another page's block start
 * may add to one), so a block start of another page can look executed or warm; that only
 * compiles more.
 */
export function collectCountedStarts(counts: Uint32Array, page: number, warmCount: number, compiled: (pc: number) => boolean, entries: Set<number>, executed: number[]): void {
  for (let offset = 0; offset < 1 << PAGE_SHIFT; offset += 4) {
    const pc = ((page << PAGE_SHIFT) + offset) | 0; // a PC as the CPU holds it (an int32)
    const index = (pc >>> 2) & ENTRY_COUNT_MASK;
    const count = counts[index]!;
    if (count === 0) continue;
    executed.push(pc);
    if (count >= warmCount && !compiled(pc)) {
      entries.add(pc);
      counts[index] = 0;
    }
  }
}

/**
 * The block starts of `page` that have run, as the interpreter counted them, appended to
 * `executed`, taking no entries and leaving the counts: those of a page whose code a region only
 * copies (NeighbourCode).
 */
export function collectExecutedStarts(counts: Uint32Array, page: number, executed: number[]): void {
  collectCountedStarts(counts, page, Infinity, () => true, new Set(), executed);
}

/**
 * The blocks of a region: the entries and, breadth-first, the blocks they reach in the page,
 * except block starts in `compiled` (entries of the page's other modules, which the region
 * reaches through the jump cache instead of compiling them again). With `executed` (the block
 * starts of the page that have run, as the engine counted them), a branch or jump target that
 * never ran is left out too (the region leaves for it, and it gets a region of its own if it gets
 * hot): on the Malta boot most blocks a hot entry reaches are error paths that never run.
 *
 * Loops are not split, though: a compiled (or run) block on a cycle through the new blocks is
 * compiled again into this region (closeLoops), as a copy that is no entry of it. A loop whose
 * blocks lay in several modules of a page left one module for another through the jump cache,
 * its registers written back and reloaded, at every trip: busybox gzip left regions for static
 * targets 58.6 M times in 2.2 G instructions, 30.8 M times with loops closed (16 M of them for the
 * other page of its deflate loop). The copies are no entries: made entries, the jump cache sent
 * their PCs to the newest module, which split callbench's switch loop (callbench 10 0.66 -> 0.72 s,
 * gzip 1.87 -> 1.92 s, medians of five interleaved).
 *
 * With `neighbours` (user mode), the code a branch of the page reaches beside it (a function it
 * calls, say) is compiled too, as copies, if all of it fits: the blocks that branch reaches there
 * without leaving the neighbours and without following their calls, at most MAX_NEIGHBOUR_BLOCKS
 * in all, every block start within REGION_SPAN_BYTES (NeighbourCode). Otherwise none of it is:
 * a partial copy would only move the jump between regions into the copied function. A later
 * module (one with `compiled`) takes code beside the page only as a function it calls.
 *
 * A function that a call on a loop of the region reaches (closeLoops' copies too), with its return
 * point in the region, is copied whole (calleeCopies) when another module of the page or of the
 * page beside has it, or, for a JALR, when `predicted` expects it there (PredictedCalls) and it
 * has run.
 *
 * `nextPageWord` (user mode): the first word after the code readWord reads (the page's, or the
 * neighbours' with them), the delay slot of a branch in the word before (codegen/block.ts findBlock).
 */
export function discoverRegion(
  entries: Iterable<number>,
  readWord: (address: number) => number,
  rules: BlockRules = SYSTEM_RULES,
  compiled: Iterable<number> = [],
  executed?: ReadonlySet<number>,
  nextPageWord?: number,
  neighbours?: NeighbourCode,
  predicted?: PredictedCalls,
): Block[] {
  const blocks: Block[] = [];
  const compiledStarts = new Set<number>(compiled);
  const seen = new Set<number>(compiledStarts);
  for (const entry of entries) seen.delete(entry);
  const queue = [...entries];
  const page = (queue[0] ?? 0) >>> PAGE_SHIFT;
  const inPage = (start: number) => start >>> PAGE_SHIFT === page && (start & 3) === 0;
  const codeEnd = neighbours?.end ?? ((page + 1) * 2 ** PAGE_SHIFT);
  // A delay slot past the end of its block's page: the next page's first word, read here when that page is in the code.
  const blockAt = (start: number): Block => {
    const pageEnd = ((start | PAGE_MASK) >>> 0) + 1;
    const block = findBlock(start, readWord, rules, pageEnd < codeEnd ? readWord(pageEnd) : nextPageWord);
    return start >>> PAGE_SHIFT === page ? block : { ...block, copy: true };
  };
  /**
   * The block starts to follow from `block`: those that ran (with `executed`; a block of the
   * page's other modules has), not the callee of a copy's call.
   */
  const followed = (block: Block): number[] => {
    let next = successors(block);
    const call = block.copy === true ? endingCall(block) : undefined;
    if (call !== undefined) next = next.filter((start) => start === call.pc + 8);
    if (executed === undefined || block.terminal.kind === 'fallthrough') return next;
    return next.filter((start) => executed.has(start) || compiledStarts.has(start));
  };
  const copies = new Neighbours(page, neighbours);
  while (queue.length > 0 && blocks.length < MAX_REGION_BLOCKS) {
    const start = queue.shift()!;
    if (seen.has(start)) continue;
    if (!inPage(start)) {
      // Code beside the page: all of it that this branch reaches, or none. A later module of the
      // page (one with `compiled`) copies it only as called functions (calleeCopies).
      if (compiledStarts.size > 0) continue;
      const taken = copies.take(start, seen, blockAt, followed, MAX_REGION_BLOCKS - blocks.length);
      for (const block of taken) {
        seen.add(block.start);
        blocks.push(block);
        queue.push(...followed(block).filter(inPage));
      }
      continue;
    }
    seen.add(start);
    const block = blockAt(start);
    if (block.instructions.length === 0) continue;
    blocks.push(block);
    queue.push(...followed(block));
  }
  if (compiledStarts.size > 0) {
    const mayAdd = (start: number) => inPage(start) && (compiledStarts.has(start) || executed === undefined || executed.has(start));
    blocks.push(...closeLoops(blocks, blockAt, mayAdd));
  }
  // After closeLoops: a loop it copies into the region runs here from now on, calls and all.
  const copyAt = (start: number): Block => ({ ...blockAt(start), copy: true });
  const hasRun = (start: number) => executed === undefined || executed.has(start);
  const inFarPage = (start: number) => predicted?.farPages.has(start >>> PAGE_SHIFT) === true && (start & 3) === 0;
  /** A block of a predicted callee's page: its delay slot may lie in the next page only if that is one too. */
  const farCopyAt = (start: number): Block => {
    const pageEnd = ((start | PAGE_MASK) >>> 0) + 1;
    return { ...findBlock(start, readWord, rules, inFarPage(pageEnd) ? readWord(pageEnd) : undefined), copy: true };
  };
  const takeCallee = (callee: number, own: ReadonlySet<number>, room: number): Block[] => {
    if (inPage(callee)) return takeWholeFunction(callee, own, inPage, copyAt, followed, room);
    // Far from the page: a JALR's predicted callee that has run.
    if (inFarPage(callee)) return hasRun(callee) ? takeWholeFunction(callee, own, inFarPage, farCopyAt, followed, room) : [];
    // Beside the page: a function that has run (in a later module's request, that a module has).
    return hasRun(callee) ? copies.takeFunction(callee, own, blockAt, followed, Math.min(MAX_CALLEE_BLOCKS, room)) : [];
  };
  blocks.push(...calleeCopies(blocks, inPage, takeCallee, MAX_REGION_BLOCKS - blocks.length, predicted?.targets));
  return blocks;
}

/**
 * The copies of code beside a region's page that discoverRegion takes, all within
 * REGION_SPAN_BYTES: what the page's branches reach (at most MAX_NEIGHBOUR_BLOCKS in all), and
 * called functions (calleeCopies, at most MAX_CALLEE_BLOCKS each).
 */
class Neighbours {
  /** Blocks taken for the page's branches (take). */
  private count = 0;
  /** The lowest and highest block start taken, the page's counting as all of its words. */
  private low: number;
  private high: number;

  constructor(
    private readonly page: number,
    private readonly code: NeighbourCode | undefined,
  ) {
    this.low = page * 2 ** PAGE_SHIFT;
    this.high = this.low + (1 << PAGE_SHIFT) - 4;
  }

  /**
   * The blocks beside the page that a branch to `start` leads to (without returning into the
   * page), all of them if they fit, else none; `seen` are taken already.
   */
  take(start: number, seen: ReadonlySet<number>, blockAt: (start: number) => Block, followed: (block: Block) => number[], room: number): Block[] {
    const taken = this.takeFunction(start, seen, blockAt, followed, Math.min(MAX_NEIGHBOUR_BLOCKS - this.count, room));
    this.count += taken.length;
    return taken;
  }

  /** As take, for a function called at `start`: at most `limit` blocks, counted apart from take's. */
  takeFunction(start: number, seen: ReadonlySet<number>, blockAt: (start: number) => Block, followed: (block: Block) => number[], limit: number): Block[] {
    const code = this.code;
    if (code === undefined) return [];
    const taken: Block[] = [];
    const found = new Set<number>();
    const queue = [start];
    let low = this.low;
    let high = this.high;
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (next >>> PAGE_SHIFT === this.page || seen.has(next) || found.has(next)) continue;
      const at = next >>> 0;
      if ((next & 3) !== 0 || at < code.start || at >= code.end) return [];
      low = Math.min(low, at);
      high = Math.max(high, at);
      if (high - low >= REGION_SPAN_BYTES || taken.length >= limit) return [];
      found.add(next);
      const block = blockAt(next);
      if (block.instructions.length === 0) continue;
      taken.push(block);
      queue.push(...followed(block));
    }
    this.low = low;
    this.high = high;
    return taken;
  }
}

/** At most this many blocks of one called function are copied into a region (calleeCopies). */
const MAX_CALLEE_BLOCKS = 16;

/**
 * Copies of the functions that `blocks` call (JAL, BAL: a static target; JALR: the target in
 * `predictedTargets`, PredictedCalls) where the region has the
 * call's return point but not the function, as `take` gives them (the blocks of the function that
 * the region lacks, all or none; `own` are the region's block starts so far). A function compiled
 * in another module of the page, or in the page beside it, was reached through the jump cache and
 * a tail call, and its return came back the same way: two region transitions per call, each
 * writing back and reloading the cached registers. busybox gzip made 17.2 M such transitions
 * within one page and 32.7 M between two pages in 2.2 G instructions (send_bits called from a
 * later module of its page than the one that had it; the deflate loop, in a later module of the
 * page after them, calling longest_match and ct_tally): 55.5 M tail calls in all, 3.6 M with the
 * copies, and its first run 1.29 -> 1.06 s. The copies make modules larger, which short runs pay
 * for (CoreMark 700 160 -> 172 ms, busybox gunzip 148 -> 154; wall, medians of nine interleaved).
 */
function calleeCopies(
  blocks: readonly Block[],
  inPage: (start: number) => boolean,
  take: (callee: number, own: ReadonlySet<number>, room: number) => Block[],
  room: number,
  predictedTargets?: ReadonlyMap<number, number>,
): Block[] {
  const own = new Set(blocks.map((block) => block.start));
  const onLoops = blocksOnCycles(blocks);
  const copies: Block[] = [];
  for (const block of blocks) {
    const call = endingCall(block);
    if (call === undefined || !own.has(call.pc + 8) || !inPage(call.pc) || !onLoops.has(block.start)) continue;
    const callee = call.row.name.startsWith('jalr') ? predictedTargets?.get(call.pc) : successors(block)[0];
    if (callee === undefined || own.has(callee)) continue;
    const taken = take(callee, own, room - copies.length);
    for (const copy of taken) own.add(copy.start);
    copies.push(...taken);
  }
  return copies;
}

/**
 * The starts of `blocks` that lie on a loop of them: a cycle through their successors within
 * `blocks`, a call's return point counting as the successor of its call. Strongly connected
 * components (Tarjan's algorithm, without recursion) in time linear in the blocks and their edges:
 * a search from each call for a path back to it, as calleeCopies made before, took a tenth of the
 * translator's time on btree 12's regions (`--cpu-prof`).
 */
function blocksOnCycles(blocks: readonly Block[]): Set<number> {
  const indexOf = new Map<number, number>();
  blocks.forEach((block, index) => indexOf.set(block.start, index));
  const edges = blocks.map((block) => {
    const call = endingCall(block);
    const targets = successors(block);
    if (call !== undefined) targets.push(call.pc + 8);
    const found: number[] = [];
    for (const target of targets) {
      const index = indexOf.get(target);
      if (index !== undefined) found.push(index);
    }
    return found;
  });
  const onCycles = new Set<number>();
  const order = new Int32Array(blocks.length).fill(-1);
  const lowest = new Int32Array(blocks.length);
  const onStack = new Uint8Array(blocks.length);
  const stack: number[] = [];
  let counter = 0;
  for (let root = 0; root < blocks.length; root++) {
    if (order[root] !== -1) continue;
    // Each frame: a block and how many of its edges were followed.
    const frames: [number, number][] = [[root, 0]];
    order[root] = lowest[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const [node, edge] = frame;
      const out = edges[node]!;
      if (edge < out.length) {
        frame[1] = edge + 1;
        const next = out[edge]!;
        if (order[next] === -1) {
          order[next] = lowest[next] = counter++;
          stack.push(next);
          onStack[next] = 1;
          frames.push([next, 0]);
        } else if (onStack[next] === 1) lowest[node] = Math.min(lowest[node]!, order[next]!);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) lowest[parent[0]] = Math.min(lowest[parent[0]]!, lowest[node]!);
      if (lowest[node] !== order[node]) continue;
      // `node` roots a component: the blocks above it on the stack.
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack[member] = 0;
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || out.includes(node)) for (const index of component) onCycles.add(blocks[index]!.start);
    }
  }
  return onCycles;
}

/**
 * The blocks of the function at `callee` that `own` lacks (what its entry reaches, not following
 * its calls: `followed` of copies), as copies; none if it leaves the code `inCode` accepts (the
 * region's page, or a predicted callee's pages) or has more than MAX_CALLEE_BLOCKS (or `room`)
 * of them.
 */
function takeWholeFunction(callee: number, own: ReadonlySet<number>, inCode: (start: number) => boolean, copyAt: (start: number) => Block, followed: (block: Block) => number[], room: number): Block[] {
  const taken: Block[] = [];
  const found = new Set<number>();
  const queue = [callee];
  while (queue.length > 0) {
    const start = queue.shift()!;
    if (own.has(start) || found.has(start)) continue;
    if (!inCode(start) || taken.length >= Math.min(MAX_CALLEE_BLOCKS, room)) return [];
    found.add(start);
    const copy = copyAt(start);
    if (copy.instructions.length === 0) continue;
    taken.push(copy);
    queue.push(...followed(copy));
  }
  return taken;
}

/** The most blocks closeLoops explores beyond a region's own. */
const MAX_LOOP_CLOSURE_BLOCKS = 64;

/**
 * The blocks outside `blocks` (those `mayAdd` allows) that lie on a cycle through them: reached
 * from them, and reaching back to them, through successors within the page.
 */
function closeLoops(blocks: readonly Block[], blockAt: (start: number) => Block, mayAdd: (start: number) => boolean): Block[] {
  const own = new Set(blocks.map((block) => block.start));
  const outside = new Map<number, Block>();
  const queue = blocks.flatMap(successors);
  while (queue.length > 0 && outside.size < MAX_LOOP_CLOSURE_BLOCKS) {
    const start = queue.shift()!;
    if (own.has(start) || outside.has(start) || !mayAdd(start)) continue;
    const block = blockAt(start);
    if (block.instructions.length === 0) continue;
    outside.set(start, block);
    queue.push(...successors(block));
  }
  // The outside blocks that reach the region's own blocks, to a fixed point.
  const reaching = new Set<number>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [start, block] of outside) {
      if (reaching.has(start)) continue;
      if (successors(block).some((next) => own.has(next) || reaching.has(next))) {
        reaching.add(start);
        changed = true;
      }
    }
  }
  return [...reaching].slice(0, MAX_REGION_BLOCKS - blocks.length).map((start) => ({ ...outside.get(start)!, copy: true }));
}

export interface RegionCode {
  readonly page: number;
  /** The other pages whose code it compiled (user mode: NeighbourCode), in address order. */
  readonly neighbourPages: readonly number[];
  /** Entry PCs (block starts) of the region: its blocks but the copies (Block.copy). */
  readonly entries: ReadonlySet<number>;
  readonly blockCount: number;
  /** Every block's start, copies too. */
  readonly blockStarts: readonly number[];
  /** Of blockCount: blocks of the neighbour pages (neighbourPages). */
  readonly neighbourBlocks: number;
  readonly instructionCount: number;
  readonly bytes: Uint8Array;
  readonly text?: string;
}

/** Where compiled code finds things in the shared memory. */
export interface RegionLayout extends TargetLayout {
  /** Size of the shared WebAssembly.Memory in 64 KiB pages, now and at most. */
  readonly memoryPages: number;
  readonly maximumPages: number;
  /** The memory is shared (SharedArrayBuffer-backed, runtime/flat-memory.ts): modules import it so. */
  readonly sharedMemory?: boolean;
}

/** The layout of Linux user mode (runtime/flat-memory.ts), for code run with Status.FR = `fpr64`. */
export function layoutOf(memory: FlatMemory, fpr64 = false): RegionLayout {
  const pages = memory.memory.buffer.byteLength / 0x1_0000;
  return {
    memoryPages: pages,
    maximumPages: pages,
    sharedMemory: memory.shared,
    stateBase: STATE_BASE,
    access: { kind: 'flat', permsBase: memory.permsBase, accessTablesBase: memory.accessTablesBase, jumpCacheBase: memory.jumpCacheBase },
    fpr64,
  };
}

/**
 * User mode: how far compiled code may run past its budget. The budget is checked where code
 * can loop (the top of the dispatch loop, which every entry, back edge and register jump goes
 * through, and a block that branches to itself), and blocks reached by forward branches run
 * unchecked while the instructions since the last check stay within this bound (budgetChecks
 * adds checks where a forward path is longer). The engine gives compiled code its budget less
 * this much when the limit is exact (JitEngine.run). Against a check in every block: CoreMark
 * 0.629 -> 0.608 s, callbench 3 0.430 -> 0.406 (five interleaved rounds; with no checks at all,
 * an unsafe bound, CoreMark took 10% less).
 */
export const MAX_OVERSHOOT = 256;

/**
 * The indexes of `blocks` (in layout order) that check the budget themselves: those that a
 * forward path of more than MAX_OVERSHOOT instructions since the last check reaches. A block
 * that checks leaves unless the budget covers it, so a path restarts after it.
 */
function budgetChecks(blocks: readonly Block[], blockIndex: ReadonlyMap<number, number>): Set<number> {
  const checked = new Set<number>();
  /** The longest run of unchecked instructions on a forward path into each block. */
  const pathIn = new Array<number>(blocks.length).fill(0);
  blocks.forEach((block, index) => {
    let pathOut = pathIn[index]! + block.instructions.length;
    if (pathOut > MAX_OVERSHOOT) {
      checked.add(index);
      pathOut = 0;
    }
    for (const next of successors(block)) {
      const target = blockIndex.get(next);
      if (target !== undefined && target > index) pathIn[target] = Math.max(pathIn[target]!, pathOut);
    }
  });
  return checked;
}

/**
 * The dispatch: a branch to the block (of `blocks`, sorted by start) where the region continues,
 * or to EXIT_LABEL_LEAVE when it has none there (it sits innermost in the nest of the blocks'
 * labels).
 *
 * User mode takes a br_table on Local.BlockIndex: a back edge sets the index of its target, known
 * when it is translated, and a register jump (and the function's entry) looks its PC up in the
 * region's dispatch table in memory (Translator.blockIndexOfPc). System mode takes a br_table on
 * the PC's word index, from the first block start to the last (its memory has no room for
 * dispatch tables yet).
 *
 * TurboFan makes a basic block of every entry of a br_table, with moves for the cached registers
 * at each, and CoreMark's regions span 230-990 words for 20-60 blocks: a 730-word table took 10.4
 * ms of TurboFan. CoreMark 700's 14 modules took 50.5 ms in all, 37.2 with the block-indexed
 * table; busybox gunzip's 17 took 69.6 and 53.9. V8 compiles them on its one background thread
 * while the hot loops run Liftoff's code, which compiles a br_table as a binary search (ten
 * compares deep for a thousand entries, six for fifty). Searches on the PC instead of tables (a
 * binary search, or a hash of the word index with compares in each slot) made TurboFan's work as
 * small, but CoreMark 4000 7-10% slower: it dispatches once every 15 instructions (14.5 M back
 * edges and 1.5 M register jumps in CoreMark 700), and a search's branches mispredict.
 */
function dispatchToBlock(w: WasmEncoder, blocks: readonly Block[], system: boolean): Expr {
  if (!system) return w.switch(blocks.map((_, index) => blockLabel(index)), EXIT_LABEL_LEAVE, w.get(Local.BlockIndex));
  const low = blocks[0]!.start;
  const high = blocks[blocks.length - 1]!.start;
  const labels = new Array<string>(((high - low) >>> 2) + 1).fill(EXIT_LABEL_LEAVE);
  blocks.forEach((block, index) => {
    labels[(block.start - low) >>> 2] = blockLabel(index);
  });
  return w.switch(labels, EXIT_LABEL_LEAVE, w.shrU(w.sub(w.get(Local.Pc), w.const(low)), w.const(2)));
}

/** The memory import of modules built for `layout`. */
export function memoryImportOf(layout: RegionLayout): MemoryImport {
  return { pages: layout.memoryPages, maximumPages: layout.maximumPages, shared: layout.sharedMemory === true };
}

/**
 * Builds the region module for `blocks` (those of one page, and in user mode copies of its
 * neighbours' blocks, NeighbourCode, and of predicted callees, PredictedCalls, whose
 * `predictedTargets` the JALRs test). `minUsesToCache`: see
 * MIN_USES_TO_CACHE and SYSTEM_MIN_USES_TO_CACHE, the defaults (tests lower it so that short
 * programs run with registers in locals too).
 */
export function buildRegion(discovered: readonly Block[], layout: RegionLayout, withText = false, minUsesToCache?: number, predictedTargets?: ReadonlyMap<number, number>): RegionCode {
  // In address order most of a function's branches go forward: a Wasm `br` to a later block,
  // not a trip through the dispatch (busybox gzip, loops closed: 132 M trips in discovery order,
  // 79 M in address order).
  const blocks = [...discovered].sort((a, b) => (a.start >>> 0) - (b.start >>> 0));
  // The region's own page: its entries' (a neighbour's blocks are copies).
  const page = (blocks.find((block) => block.copy !== true) ?? blocks[0]!).start >>> PAGE_SHIFT;
  const neighbourPages = [...new Set(blocks.map((block) => block.start >>> PAGE_SHIFT))].filter((other) => other !== page);
  const system = layout.access.kind !== 'flat';
  const globals = [...(layout.stateBase === 'global' ? [{ name: STATE_GLOBAL, mutable: true }] : []), ...(system ? [] : [{ name: DISPATCH_GLOBAL, mutable: false }])];
  const w = new WasmEncoder(memoryImportOf(layout), system ? SYSTEM_REGION_IMPORTS : USER_REGION_IMPORTS, globals, !system);
  try {
    const registers = new RegisterLocals(blocks, minUsesToCache ?? (system ? SYSTEM_MIN_USES_TO_CACHE : MIN_USES_TO_CACHE));
    const blockIndex = new Map(blocks.map((block, index) => [block.start, index]));
    const translator = new Translator(w, registers, layout, page, blockIndex, predictedTargets);

    // Nested blocks: the dispatch branches to the end of block i, where block i's code follows.
    let nest: Expr = w.block(blockLabel(0), [dispatchToBlock(w, blocks, system)]);
    if (!system) w.setDataSegment(DISPATCH_GLOBAL, translator.dispatchTable());
    const checked = system ? undefined : budgetChecks(blocks, blockIndex);
    for (let index = 0; index < blocks.length; index++) {
      const label = index + 1 < blocks.length ? blockLabel(index + 1) : EXIT_LABEL_LEAVE;
      nest = w.blockEndingInBranch(label, nest, translator.block(blocks[index]!, index, checked?.has(index) ?? true));
    }
    const dispatch = w.loop(DISPATCH_LABEL, w.block(null, [...(system ? [] : [translator.dispatchBudgetCheck()]), nest, translator.leave()]));
    const state = (word: number) => translator.stateOffset(word);
    const body = w.block(null, [
      ...translator.loadStatePointer(),
      ...translator.entryGuard(),
      ...translator.reload(),
      ...(system ? [] : [w.set(Local.BlockIndex, translator.blockIndexOfPc())]),
      // A stopped handler skips the write-back (Translator.callInterpreter).
      w.block(STOPPED_LABEL, [w.block(EXIT_LABEL, [w.block(OUT_OF_BUDGET_LABEL, [dispatch]), ...translator.outOfBudgetExit()]), ...translator.spill()]),
      w.store(4, state(ExitWord.Pc), translator.statePointer(), w.get(Local.Pc)),
      w.store(4, state(ExitWord.Npc), translator.statePointer(), w.get(Local.Npc)),
      w.store(4, state(ExitWord.DelaySlot), translator.statePointer(), w.get(Local.DelaySlot)),
      w.store(4, state(ExitWord.Budget), translator.statePointer(), w.get(Local.Budget)),
      w.return(w.get(Local.Status)),
    ]);
    const localTypes: ValueType[] = [];
    for (let local = Local.Npc; local < Local.FirstRegister + registers.count; local++) {
      localTypes.push(localType(local));
    }
    if (translator.stateLocal !== 0) localTypes.push('i32');
    if (!system) for (let index = 0; index < FORWARD_TEMPORARIES; index++) localTypes.push('i32');
    w.addFunction('run', ['i32', 'i32'], 'i32', localTypes, body);
    const bytes = w.finish();
    w.dispose();
    if (withText && !WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) throw new Error(`region ${(page << PAGE_SHIFT).toString(16)}: invalid module`);
    // The text (golden tests) comes from binaryen reading the encoder's bytes back.
    const text = withText ? wasmText(bytes) : undefined;
    return {
      page,
      neighbourPages,
      entries: new Set(blocks.filter((block) => block.copy !== true).map((block) => block.start)),
      blockCount: blocks.length,
      blockStarts: blocks.map((block) => block.start),
      neighbourBlocks: blocks.filter((block) => block.start >>> PAGE_SHIFT !== page).length,
      instructionCount: blocks.reduce((sum, block) => sum + block.instructions.length, 0),
      bytes,
      text,
    };
  } catch (error) {
    w.dispose();
    throw error;
  }
}

