// One region compiler shared by many engines (the processes of a Linux user-mode run): each engine
// gets a client handle; results come back to the engine that asked. Compiled modules are also kept
// by page content (CompiledCodeCache), so a forked or newly exec'd process running the same
// program reuses the parent's compiled code instead of compiling its hot pages again (a module
// imports the memory and the function table, so one module instantiates in any process with the
// same layout). A cache may outlive one run: runs of the same program then share their code.

import type { CompiledRegion, RegionCompiler, RegionRequest } from './compiler.js';

/** Modules kept by content; past this many the oldest are forgotten (they are small). */
const MAX_CACHED_MODULES = 4096;

interface CachedModule {
  readonly words: Int32Array;
  readonly layoutKey: string;
  readonly region: CompiledRegion;
}

/** FNV-1a over a page's words: a fast pre-check before comparing them all. */
function hashWords(words: Int32Array): number {
  let hash = 0x811c_9dc5;
  for (let index = 0; index < words.length; index++) hash = Math.imul(hash ^ words[index]!, 0x0100_0193);
  return hash >>> 0;
}

function sameWords(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** Compiled regions kept by page content and layout; a region serves any request whose entries it has. */
export class CompiledCodeCache {
  private readonly modules = new Map<string, CachedModule>();
  /** Regions served from the cache (statistics). */
  reused = 0;

  /** The cached region for `request`, or undefined. Keys are computed once per request. */
  lookup(request: RegionRequest): { region: CompiledRegion | undefined; key: string; layoutKey: string } {
    const layoutKey = JSON.stringify(request.layout);
    const key = `${request.page}:${hashWords(request.words)}:${[...(request.compiled ?? [])].sort().join(',')}`;
    const cached = this.modules.get(key);
    if (
      cached !== undefined &&
      cached.layoutKey === layoutKey &&
      sameWords(cached.words, request.words) &&
      request.entries.every((entry) => cached.region.entries.includes(entry) || !cached.region.module)
    ) {
      this.reused++;
      return { region: { ...cached.region, generation: request.generation, seconds: 0 }, key, layoutKey };
    }
    return { region: undefined, key, layoutKey };
  }

  remember(key: string, words: Int32Array, layoutKey: string, region: CompiledRegion): void {
    if (region.module === undefined) return;
    this.modules.delete(key);
    this.modules.set(key, { words, layoutKey, region });
    if (this.modules.size > MAX_CACHED_MODULES) this.modules.delete(this.modules.keys().next().value as string);
  }

  clear(): void {
    this.modules.clear();
  }
}

export class SharedCompiler {
  /** Clients in the order their requests went to an asynchronous compiler (it answers in order). */
  private readonly waiting: { client: SharedCompilerClient; key: string; words: Int32Array; layoutKey: string }[] = [];
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
    const { region, key, layoutKey } = this.cache.lookup(request);
    if (region !== undefined) return region;
    const compiled = this.compiler.submit(request);
    if (compiled !== undefined) {
      this.cache.remember(key, request.words, layoutKey, compiled);
      return compiled;
    }
    this.waiting.push({ client, key, words: request.words, layoutKey });
    return undefined;
  }

  /** Collects finished regions and hands each to the client that asked for it. */
  pump(): void {
    for (const region of this.compiler.poll()) {
      const request = this.waiting.shift();
      if (request === undefined) continue;
      this.cache.remember(request.key, request.words, request.layoutKey, region);
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
