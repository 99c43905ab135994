// One region compiler shared by many engines (the processes of a Linux user-mode run): each engine
// gets a client handle; results come back to the engine that asked. Compiled modules are also kept
// by page content (CompiledCodeCache), so a forked or newly exec'd process running the same
// program reuses the parent's compiled code instead of compiling its hot pages again (a module
// imports the memory and the function table, so one module instantiates in any process with the
// same layout). A cache may outlive one run: runs of the same program then share their code.
// Regions with their bytes also outlive the process (StoredRegion, saved by the CLI's
// src/code-cache-file.ts): a later run installs a page's stored regions at the page's first entry
// (its engine counts such a page one entry short of warm, codegen/engine.ts), instead of
// interpreting it until it is hot and waiting for the compiler.

import type { CompiledRegion, NeighbourPage, RegionCompiler, RegionRequest } from './compiler.js';
import { monotonicMs } from '../src/host/clock.js';

/** Modules kept by content; past this many the oldest are forgotten (they are small). */
const MAX_CACHED_MODULES = 4096;

/** A page's words a region was compiled from, beside its own page's (RegionRequest.neighbours). */
interface PageWords {
  readonly page: number;
  readonly words: Int32Array;
}

interface CachedModule {
  readonly words: Int32Array;
  /** The neighbour pages the request offered (part of its key). */
  readonly neighbours: readonly PageWords[];
  readonly layoutKey: string;
  /** The entries of the page's other modules when it was compiled (part of its key). */
  readonly compiled: readonly number[];
  readonly region: CompiledRegion;
}

/**
 * A compiled region as a persistent code cache keeps it: the code is a function of the page's
 * words, the layout and the entries the page's other modules had (`compiled`), which a later run
 * checks before it uses the bytes.
 */
export interface StoredRegion {
  readonly page: number;
  readonly words: Int32Array;
  /** The neighbour pages whose code it compiled (CompiledRegion.dependencies), with their words then. */
  readonly neighbours: readonly PageWords[];
  readonly layoutKey: string;
  readonly compiled: readonly number[];
  readonly entries: readonly number[];
  readonly blockCount: number;
  readonly fpuIndependent: boolean;
  readonly bytes: Uint8Array;
}

/**
 * Words apart that hashWords reads. Over every word, the hashes of a region request and its two
 * neighbours took a quarter of Debian uniq's compile time (45 requests, JavaScript V8 had not
 * optimized yet; `--cpu-prof`); the hash is only a pre-check, and a key found is compared word by
 * word (sameWords).
 */
const HASH_STRIDE = 16;

/** FNV-1a over every HASH_STRIDE-th word of a page: a fast pre-check before comparing them all. */
function hashWords(words: Int32Array): number {
  let hash = 0x811c_9dc5 ^ words.length;
  for (let index = 0; index < words.length; index += HASH_STRIDE) hash = Math.imul(hash ^ words[index]!, 0x0100_0193);
  return hash >>> 0;
}

/** A request's neighbour pages as words (RegionRequest.neighbours). */
function neighboursOf(request: RegionRequest): PageWords[] {
  return (request.neighbours ?? []).map(({ page, words }: NeighbourPage) => ({ page, words }));
}

function sameWords(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** A module's key in CompiledCodeCache: page, hash of its words and its neighbours', and the entries compiled elsewhere. */
function moduleKey(page: number, words: Int32Array, neighbours: readonly PageWords[], compiled: readonly number[]): string {
  return `${page}:${hashWords(words)}:${neighbours.map((neighbour) => `${neighbour.page}=${hashWords(neighbour.words)}`).join(',')}:${[...compiled].sort().join(',')}`;
}

/** The words of the pages of `neighbours` (a request's or a stored region's) are those the pages hold (`readPage`). */
function sameNeighbours(neighbours: readonly PageWords[], readPage: (page: number) => Int32Array | undefined): boolean {
  return neighbours.every((neighbour) => {
    const words = readPage(neighbour.page);
    return words !== undefined && sameWords(neighbour.words, words);
  });
}

/** The pages of `neighbours` whose code `region` compiled. */
function usedNeighbours(region: CompiledRegion, neighbours: readonly PageWords[]): PageWords[] {
  const used = region.dependencies ?? [];
  return neighbours.filter((neighbour) => used.some((dependency) => dependency.page === neighbour.page));
}

/** Compiled regions kept by page content and layout; a region serves any request whose entries it has. */
export class CompiledCodeCache {
  private readonly modules = new Map<string, CachedModule>();
  /** Regions of earlier runs not installed yet, by page (adopt). */
  private readonly storedByPage = new Map<number, StoredRegion[]>();
  /** Regions served from the cache (statistics). */
  reused = 0;
  /** Regions of earlier runs installed (statistics). */
  restored = 0;
  /** Regions compiled here (not restored): a persistent store needs saving only if there are any. */
  compiledHere = 0;

  /** Takes the regions an earlier run stored (a page's are installed by `stored` when it is first entered). */
  adopt(regions: Iterable<StoredRegion>): void {
    for (const region of regions) {
      const list = this.storedByPage.get(region.page);
      if (list === undefined) this.storedByPage.set(region.page, [region]);
      else list.push(region);
    }
  }

  /**
   * The stored regions of `page` compiled from the words it holds now (and its neighbours, for
   * their copies), for `layoutKey`, as compiled regions (each module compiled once here, on the
   * calling thread: ~1 ms for a region of 100 blocks, less than interpreting the page until it is
   * hot and compiling it). `readPage` gives an executable page's words (undefined for another).
   */
  stored(page: number, readPage: (page: number) => Int32Array | undefined, layoutKey: string): CompiledRegion[] {
    const candidates = this.storedByPage.get(page);
    if (candidates === undefined) return [];
    const words = readPage(page);
    if (words === undefined) return [];
    const regions: CompiledRegion[] = [];
    // Regions for other contents stay (another program of the run, such as a parent, may have them).
    const others: StoredRegion[] = [];
    for (const stored of candidates) {
      if (stored.layoutKey !== layoutKey || !sameWords(stored.words, words) || !sameNeighbours(stored.neighbours, readPage)) {
        others.push(stored);
        continue;
      }
      let module: WebAssembly.Module;
      const start = monotonicMs();
      try {
        module = new WebAssembly.Module(stored.bytes as Uint8Array<ArrayBuffer>);
      } catch {
        continue; // bytes that do not compile (a damaged cache) are dropped
      }
      const region: CompiledRegion = {
        page,
        entries: stored.entries,
        blockCount: stored.blockCount,
        fpuIndependent: stored.fpuIndependent,
        module,
        generation: 0,
        ...(stored.neighbours.length > 0 ? { dependencies: stored.neighbours.map((neighbour) => ({ page: neighbour.page, generation: 0 })) } : {}),
        seconds: (monotonicMs() - start) / 1000,
        bytes: stored.bytes,
      };
      this.remember(moduleKey(page, words, stored.neighbours, stored.compiled), stored.words, stored.neighbours, layoutKey, stored.compiled, region, false);
      regions.push(region);
      this.restored++;
    }
    if (others.length > 0) this.storedByPage.set(page, others);
    else this.storedByPage.delete(page);
    return regions;
  }

  /** The pages with stored regions not installed yet. */
  storedPages(): Iterable<number> {
    return this.storedByPage.keys();
  }

  /** Every region with its bytes, this run's and the stored ones not used, for a persistent cache. */
  storedRegions(): StoredRegion[] {
    const regions: StoredRegion[] = [];
    for (const cached of this.modules.values()) {
      const { region } = cached;
      if (region.bytes === undefined) continue;
      regions.push({
        page: region.page,
        words: cached.words,
        neighbours: usedNeighbours(region, cached.neighbours),
        layoutKey: cached.layoutKey,
        compiled: cached.compiled,
        entries: region.entries,
        blockCount: region.blockCount,
        fpuIndependent: region.fpuIndependent,
        bytes: region.bytes,
      });
    }
    for (const list of this.storedByPage.values()) regions.push(...list);
    return regions;
  }

  /** The cached region for `request`, or undefined. Keys are computed once per request. */
  lookup(request: RegionRequest): { region: CompiledRegion | undefined; key: string; layoutKey: string; neighbours: PageWords[] } {
    const layoutKey = JSON.stringify(request.layout);
    const neighbours = neighboursOf(request);
    const key = moduleKey(request.page, request.words, neighbours, request.compiled ?? []);
    const cached = this.modules.get(key);
    if (
      cached !== undefined &&
      cached.layoutKey === layoutKey &&
      sameWords(cached.words, request.words) &&
      cached.neighbours.length === neighbours.length &&
      sameNeighbours(cached.neighbours, (page) => neighbours.find((neighbour) => neighbour.page === page)?.words) &&
      request.entries.every((entry) => cached.region.entries.includes(entry) || !cached.region.module)
    ) {
      this.reused++;
      return { region: { ...cached.region, generation: request.generation, seconds: 0 }, key, layoutKey, neighbours };
    }
    return { region: undefined, key, layoutKey, neighbours };
  }

  /** Keeps a region compiled for `words` and `neighbours` (`compiledHere`: not one restored from a store). */
  remember(key: string, words: Int32Array, neighbours: readonly PageWords[], layoutKey: string, compiled: readonly number[], region: CompiledRegion, compiledHere = true): void {
    if (region.module === undefined) return;
    if (compiledHere) this.compiledHere++;
    this.modules.delete(key);
    this.modules.set(key, { words, neighbours, layoutKey, compiled, region });
    if (this.modules.size > MAX_CACHED_MODULES) this.modules.delete(this.modules.keys().next().value as string);
  }

  clear(): void {
    this.modules.clear();
  }
}

export class SharedCompiler {
  /** Clients in the order their requests went to an asynchronous compiler (it answers in order). */
  private readonly waiting: { client: SharedCompilerClient; key: string; words: Int32Array; neighbours: readonly PageWords[]; layoutKey: string; compiled: readonly number[] }[] = [];
  private readonly cache: CompiledCodeCache;
  private readonly ownsCache: boolean;

  /** With `cache`, compiled code is kept there for later runs; otherwise only for this one. */
  constructor(
    private readonly compiler: RegionCompiler,
    cache?: CompiledCodeCache,
  ) {
    this.cache = cache ?? new CompiledCodeCache();
    this.ownsCache = cache === undefined;
  }

  /** Regions served from the content cache (statistics). */
  get reused(): number {
    return this.cache.reused;
  }

  /** The content cache (to adopt stored regions and to save them after the run). */
  get codeCache(): CompiledCodeCache {
    return this.cache;
  }

  stored(page: number, readPage: (page: number) => Int32Array | undefined, layoutKey: string): CompiledRegion[] {
    return this.cache.stored(page, readPage, layoutKey);
  }

  storedPages(): Iterable<number> {
    return this.cache.storedPages();
  }

  /** A handle for one engine. */
  client(): SharedCompilerClient {
    return new SharedCompilerClient(this);
  }

  get ready(): boolean {
    return this.compiler.ready;
  }

  prepare(): void {
    this.compiler.prepare();
  }

  submit(client: SharedCompilerClient, request: RegionRequest): CompiledRegion | undefined {
    const { region, key, layoutKey, neighbours } = this.cache.lookup(request);
    if (region !== undefined) return region;
    const compiledElsewhere = request.compiled ?? [];
    const compiled = this.compiler.submit(request);
    if (compiled !== undefined) {
      this.cache.remember(key, request.words, neighbours, layoutKey, compiledElsewhere, compiled);
      return compiled;
    }
    this.waiting.push({ client, key, words: request.words, neighbours, layoutKey, compiled: compiledElsewhere });
    return undefined;
  }

  /** Collects finished regions and hands each to the client that asked for it. */
  pump(): void {
    for (const region of this.compiler.poll()) {
      const request = this.waiting.shift();
      if (request === undefined) continue;
      this.cache.remember(request.key, request.words, request.neighbours, request.layoutKey, request.compiled, region);
      if (!request.client.closed) request.client.inbox.push(region);
    }
  }

  close(): void {
    this.compiler.close();
    if (this.ownsCache) this.cache.clear();
  }
}

/** One engine's view of a SharedCompiler; closing it leaves the shared compiler running. */
export class SharedCompilerClient implements RegionCompiler {
  readonly inbox: CompiledRegion[] = [];
  closed = false;

  constructor(private readonly shared: SharedCompiler) {}

  get ready(): boolean {
    return this.shared.ready;
  }
  prepare(): void {
    this.shared.prepare();
  }
  submit(request: RegionRequest): CompiledRegion | undefined {
    return this.shared.submit(this, request);
  }
  stored(page: number, readPage: (page: number) => Int32Array | undefined, layoutKey: string): CompiledRegion[] {
    return this.shared.stored(page, readPage, layoutKey);
  }

  storedPages(): Iterable<number> {
    return this.shared.storedPages();
  }

  poll(): CompiledRegion[] {
    this.shared.pump();
    if (this.inbox.length === 0) return [];
    return this.inbox.splice(0, this.inbox.length);
  }
  close(): void {
    this.closed = true;
    this.inbox.length = 0;
  }
}
