// The persistent code cache: a second run of a program installs the regions the first run compiled
// (only where the page still holds the words they were compiled from), with the same results; the
// cache file survives a round trip and is ignored when damaged or from another compiler.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodeCacheFile, pruneOldest } from '../../src/code-cache-file.js';
import type { CodeStore } from '../../src/linux/process.js';
import type { StoredRegion } from '../../codegen/shared-compiler.js';
import { runCaptured } from '../linux/helpers.js';
import { engine } from '../bundled-engine.js';

const root = path.resolve(__dirname, '..', '..');

/** A store in memory that keeps what the last run saved. */
class MemoryStore implements CodeStore {
  regions: StoredRegion[] = [];
  load(): StoredRegion[] {
    return this.regions;
  }
  save(regions: readonly StoredRegion[]): boolean {
    this.regions = [...regions];
    return true;
  }
}

async function run(program: string, args: string[], codeStore: CodeStore, hotThreshold = 20) {
  const file = path.join(root, program);
  // A fresh in-memory cache per run, so that only the store carries code from run to run; the
  // bundled engine's, as runCaptured runs that engine (test/bundled-engine.ts).
  return runCaptured({ path: file, argv: [file, ...args], env: {}, engine: 'jit', hotThreshold, codeStore, codeCache: new engine.CompiledCodeCache() });
}

describe('a second run takes its code from the store', () => {
  for (const [program, args] of [
    ['test/guest/bin/t_int', ['all']],
    ['test/guest/bin/t_smc', ['patch']],
    ['test/guest/bin/t_fpu', ['all']],
  ] as const) {
    it(`${path.basename(program)} ${args.join(' ')}`, async () => {
      const store = new MemoryStore();
      const first = await run(program, [...args], store);
      expect(first.jit?.regionsRestored).toBe(0);
      expect(store.regions.length).toBeGreaterThan(0);
      const second = await run(program, [...args], store);
      expect(second.jit?.regionsRestored).toBeGreaterThan(0);
      expect(second.stdout.toString()).toBe(first.stdout.toString());
      expect(second.exitStatus).toBe(first.exitStatus);
      // Restored pages are not compiled again.
      expect(second.jit!.regionsCompiled - second.jit!.regionsRestored).toBeLessThan(first.jit!.regionsCompiled);
    });
  }

  it('installs a page\'s stored regions at its first entry, not after it warmed up in the interpreter', async () => {
    // The engine's default thresholds (a page warm after 200 block entries here). The second run
    // interprets 9,833 of callbench 1's 41 M instructions; when stored pages had to warm up
    // first, as other pages do, it interpreted 31,988 (the first run 264,326).
    const store = new MemoryStore();
    const first = await run('bench/guest/callbench', ['1'], store, 200);
    const second = await run('bench/guest/callbench', ['1'], store, 200);
    expect(second.stdout.toString()).toBe(first.stdout.toString());
    expect(second.jit!.regionsRestored).toBeGreaterThan(0);
    expect(second.instructions - second.jit!.compiledInstructions).toBeLessThan(20_000);
  });

  it('counts restored regions apart from compiled ones (a run that compiled nothing saves nothing)', async () => {
    const store = new MemoryStore();
    await run('test/guest/bin/t_int', ['all'], store);
    const { CompiledCodeCache } = await import('../../codegen/shared-compiler.js');
    const cache = new CompiledCodeCache();
    cache.adopt(store.regions);
    const region = store.regions[0]!;
    const restored = cache.stored(region.page, () => region.words, region.layoutKey);
    expect(restored.length).toBeGreaterThan(0);
    expect(cache.restored).toBe(restored.length);
    expect(cache.compiledHere).toBe(0);
    // A stored region is taken once; one for other words stays for whoever has them.
    expect(cache.stored(region.page, () => region.words, region.layoutKey)).toEqual([]);
    const other = { ...region, page: 0x7000, words: region.words.map((word) => ~word) };
    cache.adopt([other]);
    expect(cache.stored(0x7000, () => region.words, region.layoutKey)).toEqual([]);
    expect(cache.stored(0x7000, () => other.words, region.layoutKey)).toHaveLength(1);
    expect(cache.storedRegions().length).toBe(store.regions.length + 1);
  });

  it('restores a region with copies of a neighbour page\'s code only while that page holds the same words', async () => {
    const { CompiledCodeCache } = await import('../../codegen/shared-compiler.js');
    const words = Int32Array.from({ length: 1024 }, (_, index) => index);
    const neighbourWords = Int32Array.from({ length: 1024 }, (_, index) => ~index);
    const stored: StoredRegion = {
      page: 0x401,
      words,
      neighbours: [{ page: 0x400, words: neighbourWords }],
      layoutKey: 'layout',
      compiled: [],
      entries: [0x40_1000],
      blockCount: 2,
      fpuIndependent: false,
      bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), // an empty module
    };
    const readPages = (neighbour: Int32Array | undefined) => (page: number) => (page === 0x401 ? words : page === 0x400 ? neighbour : undefined);
    const cache = new CompiledCodeCache();
    cache.adopt([stored]);
    // The neighbour changed, or is no longer executable (no words): the region stays stored.
    expect(cache.stored(0x401, readPages(neighbourWords.map((word) => word ^ 1)), 'layout')).toEqual([]);
    expect(cache.stored(0x401, readPages(undefined), 'layout')).toEqual([]);
    const restored = cache.stored(0x401, readPages(neighbourWords), 'layout');
    expect(restored).toHaveLength(1);
    expect(restored[0]!.dependencies?.map((dependency) => dependency.page)).toEqual([0x400]);
    // Saved again with its neighbour's words.
    expect(cache.storedRegions()[0]!.neighbours).toEqual(stored.neighbours);
  });

  it('skips a region whose page changed since it was compiled', async () => {
    const program = 'test/guest/bin/t_int';
    const store = new MemoryStore();
    const first = await run(program, ['all'], store);
    // The stored code claims other page contents: none of it may run.
    store.regions = store.regions.map((region) => {
      const words = region.words.slice();
      words[0] = words[0]! ^ 1;
      return { ...region, words };
    });
    const second = await run(program, ['all'], store);
    expect(second.jit?.regionsRestored).toBe(0);
    expect(second.stdout.toString()).toBe(first.stdout.toString());
  });

  it('skips a region compiled for another memory layout', async () => {
    const program = 'test/guest/bin/t_int';
    const store = new MemoryStore();
    await run(program, ['all'], store);
    // Code for the other Status.FR: FPR accesses would address the wrong words.
    const otherFr = (key: string) => key.replace(/"fpr64":(true|false)/, (found) => (found.endsWith('true') ? '"fpr64":false' : '"fpr64":true'));
    store.regions = store.regions.map((region) => ({ ...region, layoutKey: otherFr(region.layoutKey) }));
    expect(store.regions.every((region) => region.layoutKey.includes('"fpr64"'))).toBe(true);
    const second = await run(program, ['all'], store);
    expect(second.jit?.regionsRestored).toBe(0);
  });
});

describe('the cache file', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-cache-'));
  const program = new Uint8Array([1, 2, 3]);
  const region: StoredRegion = {
    page: 0x400,
    words: Int32Array.from({ length: 1024 }, (_, index) => index * 0x0101_0101),
    neighbours: [{ page: 0x3ff, words: Int32Array.from({ length: 1024 }, (_, index) => ~index) }],
    layoutKey: '{"stateBase":0}',
    compiled: [0x40_0010, 0x40_0020],
    entries: [0x40_0000, 0x40_0abc],
    blockCount: 3,
    fpuIndependent: false,
    bytes: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
  };

  it('reads back what it wrote', () => {
    const file = new CodeCacheFile(directory, program, 'v1');
    expect(file.load()).toEqual([]);
    expect(file.save([region, { ...region, page: 0x401, fpuIndependent: true, neighbours: [] }])).toBe(true);
    const loaded = file.load();
    expect(loaded).toHaveLength(2);
    expect(loaded[0]).toEqual(region);
    expect(loaded[1]!.page).toBe(0x401);
    expect(loaded[1]!.fpuIndependent).toBe(true);
    expect(loaded[1]!.neighbours).toEqual([]);
  });

  it('reads back many regions, whose headers fill more than one of the writer\'s buffers', () => {
    const file = new CodeCacheFile(directory, new Uint8Array([4, 5, 6]), 'v1');
    const regions = Array.from({ length: 200 }, (_, index): StoredRegion => ({
      ...region,
      page: 0x1000 + index,
      // One layout key longer than a header buffer.
      layoutKey: index === 100 ? `{"long":"${'x'.repeat(5000)}"}` : `{"stateBase":${index}}`,
      entries: [index, index * 7],
      bytes: Uint8Array.from({ length: index % 13 }, (_, byte) => byte + index),
    }));
    expect(file.save(regions)).toBe(true);
    expect(file.load()).toEqual(regions);
  });

  it('is one file per program and compiler version', () => {
    const file = new CodeCacheFile(directory, program, 'v1');
    file.save([region]);
    expect(new CodeCacheFile(directory, program, 'v2').load()).toEqual([]);
    expect(new CodeCacheFile(directory, new Uint8Array([1, 2, 4]), 'v1').load()).toEqual([]);
  });

  it('ignores a damaged file', () => {
    const file = new CodeCacheFile(directory, program, 'v1');
    file.save([region]);
    const bytes = fs.readFileSync(file.path);
    fs.writeFileSync(file.path, bytes.subarray(0, bytes.length - 3));
    expect(file.load()).toEqual([]);
    fs.writeFileSync(file.path, Buffer.concat([bytes, Buffer.from([7])]));
    expect(file.load()).toEqual([]);
    fs.writeFileSync(file.path, 'not a cache');
    expect(file.load()).toEqual([]);
  });

  it('keeps the most recently written programs\' files', () => {
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-prune-'));
    for (let index = 0; index < 5; index++) {
      const file = path.join(own, `${index}.regions`);
      fs.writeFileSync(file, '');
      fs.utimesSync(file, 1000 + index, 1000 + index);
    }
    fs.writeFileSync(path.join(own, 'other.txt'), '');
    pruneOldest(own, 3);
    expect(fs.readdirSync(own).sort()).toEqual(['2.regions', '3.regions', '4.regions', 'other.txt']);
  });

  it('reports a directory it cannot write', () => {
    const blocked = path.join(directory, 'blocked');
    fs.writeFileSync(blocked, 'a file where the directory should be');
    expect(new CodeCacheFile(path.join(blocked, 'sub'), program, 'v1').save([region])).toBe(false);
  });
});
