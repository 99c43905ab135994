// Region compilation as a service: the engine hands over a snapshot of a hot page and its entry
// PCs and gets back a compiled WebAssembly.Module. InlineCompiler does it on the calling thread;
// a worker-thread compiler (codegen/worker-compiler.ts, Node) does the same off the main thread.

import { PAGE_SHIFT } from '../runtime/flat-memory.js';
import { usesFpu, type BlockRules } from './block.js';
import { buildRegion, discoverRegion, type NeighbourCode, type PredictedCalls, type RegionLayout } from './region.js';
import { monotonicMs } from '../src/host/clock.js';

export interface RegionRequest {
  readonly page: number;
  /** Block starts to compile (more blocks of the page are found from their static successors). */
  readonly entries: readonly number[];
  /**
   * Block starts already compiled in the page's other modules: the new module jumps to them
   * (through the jump cache) instead of compiling them again. Empty for a whole-page module.
   */
  readonly compiled?: readonly number[];
  /** System mode: the block starts of the page that have run (codegen/region.ts discoverRegion). */
  readonly executed?: readonly number[];
  /** The page's 1024 instruction words when the request was made. */
  readonly words: Int32Array;
  readonly layout: RegionLayout;
  /** The engine's invalidation count for the page when the snapshot was taken. */
  readonly generation: number;
  /** Tests: keep GPRs named this many times in locals (codegen/translate.ts MIN_USES_TO_CACHE by default). */
  readonly minUsesToCache?: number;
  /**
   * User mode: the first word after the code the request holds (the page's, or its neighbours'
   * with them), so that a branch in the word before compiles with it as its delay slot (compiled
   * code checks that it is still there: Block.slotInNextPage).
   */
  readonly nextPageWord?: number;
  /**
   * User mode: the executable pages just before and after the page, whose blocks the region may
   * compile too (codegen/region.ts NeighbourCode), in address order; then the pages of predicted
   * callees farther away (predictedCalls).
   */
  readonly neighbours?: readonly NeighbourPage[];
  /** User mode: where the page's JALRs last went (codegen/region.ts PredictedCalls). */
  readonly predictedCalls?: readonly PredictedCall[];
}

/** A JALR at `site` and the target it went to when the interpreter last ran it. */
export interface PredictedCall {
  readonly site: number;
  readonly target: number;
}

/** A page beside a request's own: its words and the engine's invalidation count when they were read. */
export interface NeighbourPage {
  readonly page: number;
  readonly words: Int32Array;
  readonly generation: number;
}

/** A page other than its own whose code a region compiled, and its generation then (RegionRequest.neighbours). */
export interface CodeDependency {
  readonly page: number;
  readonly generation: number;
}

export interface CompiledRegion {
  readonly page: number;
  readonly entries: readonly number[];
  readonly blockCount: number;
  /** Its blocks' starts, copies too (the entries where a persistent cache does not keep them). */
  readonly blockStarts?: readonly number[];
  /** Of blockCount: copies of the neighbour pages' blocks (codegen/region.ts NeighbourCode). */
  readonly neighbourBlocks?: number;
  /** System mode: the code has no FPU instruction, so it runs whatever Status.FR and CU1 are. */
  readonly fpuIndependent: boolean;
  /** Undefined when nothing could be compiled (no block, or the compiler failed). */
  readonly module: WebAssembly.Module | undefined;
  readonly generation: number;
  /** User mode: the neighbour pages whose code it compiled; a write to one drops it (codegen/cache.ts). */
  readonly dependencies?: readonly CodeDependency[];
  /** Time spent building and compiling (on whichever thread did it). */
  readonly seconds: number;
  /** The module's bytes (kept by a persistent code cache, codegen/shared-compiler.ts StoredRegion). */
  readonly bytes?: Uint8Array;
}

/** What a compile worker posts on its port once it takes requests (codegen/compile-worker.ts). */
export const WORKER_READY = 'ready';

export interface RegionCompiler {
  /** True once requests can be served. */
  readonly ready: boolean;
  /** Starts loading whatever the compiler needs. */
  prepare(): void;
  /** Compiles now and returns the region (same thread), or queues it for poll() (undefined). */
  submit(request: RegionRequest): CompiledRegion | undefined;
  /** Regions finished since the last call (never blocks). */
  poll(): CompiledRegion[];
  /**
   * Regions of `page` kept from an earlier run (a persistent code cache) whose code was compiled
   * from the words the page holds now (`readPage`) for `layoutKey`, ready to install.
   */
  stored?(page: number, readPage: (page: number) => Int32Array | undefined, layoutKey: string): CompiledRegion[];
  /** The pages that have regions kept from an earlier run, not installed yet (see stored). */
  storedPages?(): Iterable<number>;
  close(): void;
}

/** Builds and compiles one region (module undefined when no block of the entries compiles). */
export function compileRegion(request: RegionRequest): CompiledRegion {
  const start = monotonicMs();
  const flat = request.layout.access.kind === 'flat';
  const neighbours = flat ? (request.neighbours ?? []) : [];
  const wordsOf = new Map<number, Int32Array>([[request.page, request.words], ...neighbours.map((neighbour): [number, Int32Array] => [neighbour.page, neighbour.words])]);
  const readWord = (address: number) => (wordsOf.get(address >>> PAGE_SHIFT) ?? request.words)[(address >>> 2) & 1023]!;
  const executed = request.executed === undefined ? undefined : new Set(request.executed);
  const nextPageWord = flat ? request.nextPageWord : undefined;
  const beside = neighbours.filter((neighbour) => Math.abs(neighbour.page - request.page) === 1);
  const pages = [request.page, ...beside.map((neighbour) => neighbour.page)];
  const code: NeighbourCode | undefined = beside.length === 0 ? undefined : { start: Math.min(...pages) * 2 ** PAGE_SHIFT, end: (Math.max(...pages) + 1) * 2 ** PAGE_SHIFT };
  const predicted: PredictedCalls | undefined =
    flat && request.predictedCalls !== undefined
      ? {
          targets: new Map(request.predictedCalls.map(({ site, target }) => [site, target])),
          farPages: new Set(neighbours.filter((neighbour) => !beside.includes(neighbour)).map((neighbour) => neighbour.page)),
        }
      : undefined;
  const rules: BlockRules = { fpuUsable: request.layout.fpuUsable ?? true, userMode: flat };
  const blocks = discoverRegion(request.entries, readWord, rules, request.compiled, executed, nextPageWord, code, predicted);
  if (blocks.length === 0) return failedRegion(request);
  // System mode: code without FPU instructions is shared by the code contexts that differ only in
  // Status.FR and CU1 (Linux runs its kernel with CU1 set or clear, as the current task uses the FPU).
  let layout = request.layout;
  const fpuIndependent = layout.access.kind === 'soft-tlb' && !usesFpu(blocks, readWord);
  if (fpuIndependent && layout.access.kind === 'soft-tlb') layout = { ...layout, access: { ...layout.access, fpuIndependent } };
  const region = buildRegion(blocks, layout, false, request.minUsesToCache, predicted?.targets);
  const module = new WebAssembly.Module(region.bytes as Uint8Array<ArrayBuffer>);
  const dependencies = neighbours.filter((neighbour) => region.neighbourPages.includes(neighbour.page)).map(({ page, generation }) => ({ page, generation }));
  return {
    page: request.page,
    entries: [...region.entries],
    blockCount: region.blockCount,
    blockStarts: region.blockStarts,
    neighbourBlocks: region.neighbourBlocks,
    fpuIndependent,
    module,
    generation: request.generation,
    ...(dependencies.length > 0 ? { dependencies } : {}),
    seconds: (monotonicMs() - start) / 1000,
    bytes: region.bytes,
  };
}

export function failedRegion(request: Pick<RegionRequest, 'page' | 'generation'>): CompiledRegion {
  return { page: request.page, entries: [], blockCount: 0, fpuIndependent: false, module: undefined, generation: request.generation, seconds: 0 };
}

/** Compiles on the calling thread (the encoder, codegen/wasm-encoder.ts, needs no loading). */
export class InlineCompiler implements RegionCompiler {
  get ready(): boolean {
    return true;
  }
  prepare(): void {}
  submit(request: RegionRequest): CompiledRegion {
    return compileRegion(request);
  }
  poll(): CompiledRegion[] {
    return [];
  }
  close(): void {}
}
