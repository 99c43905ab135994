// The code bench/compile-replay.mjs bundles (with esbuild, from the sources): `record` runs a guest
// program under the JIT and keeps every region request the compiler was given; `replay` compiles
// those requests again, in a process of its own, and times it. A replay measures the translator
// alone, as cold as a first run finds it, without the guest's noise around it. `tiers` times what
// V8 then makes of the translator's output: the machine-code compile of every region module, in
// the tier the process's V8 flags choose.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { compileRegion, failedRegion, InlineCompiler, type CompiledRegion, type RegionRequest } from '../codegen/compiler.js';
import { runLinuxProgram, type LinuxProgramResult } from '../src/run-linux.js';

/** A RegionRequest as JSON: its Int32Arrays as arrays. */
type StoredRequest = Omit<RegionRequest, 'words' | 'neighbours'> & {
  words: number[];
  neighbours?: { page: number; generation: number; words: number[] }[];
};

function toStored(request: RegionRequest): StoredRequest {
  const { words, neighbours, ...rest } = request;
  const stored: StoredRequest = { ...rest, words: Array.from(words) };
  if (neighbours !== undefined) stored.neighbours = neighbours.map((neighbour) => ({ page: neighbour.page, generation: neighbour.generation, words: Array.from(neighbour.words) }));
  return stored;
}

function fromStored(stored: StoredRequest): RegionRequest {
  const { words, neighbours, ...rest } = stored;
  return {
    ...rest,
    words: Int32Array.from(words),
    ...(neighbours !== undefined ? { neighbours: neighbours.map((neighbour) => ({ page: neighbour.page, generation: neighbour.generation, words: Int32Array.from(neighbour.words) })) } : {}),
  };
}

/**
 * Runs `program` (a host path) with `args` under the JIT, its output dropped, with every compile
 * going to `submit` (given the compiler's own submit) instead; up to `maxInstructions` if given.
 */
async function runWithSubmit(
  program: string,
  args: string[],
  submit: (request: RegionRequest, compile: (request: RegionRequest) => CompiledRegion) => CompiledRegion,
  maxInstructions?: number,
): Promise<LinuxProgramResult> {
  const compilersSubmit = InlineCompiler.prototype.submit;
  InlineCompiler.prototype.submit = function (this: InlineCompiler, request: RegionRequest) {
    return submit(request, (forwarded) => compilersSubmit.call(this, forwarded));
  };
  try {
    return await runLinuxProgram({ program: readFileSync(program), args, name: program, ...(maxInstructions !== undefined ? { maxInstructions } : {}), stdout: () => {}, stderr: () => {} });
  } finally {
    InlineCompiler.prototype.submit = compilersSubmit;
  }
}

/** Runs `program` (a host path) with `args` and writes the requests its compiles took to `file`; returns their count. */
export async function record(program: string, args: string[], file: string): Promise<number> {
  const requests: StoredRequest[] = [];
  const result = await runWithSubmit(program, args, (request, compile) => {
    requests.push(toStored(request));
    return compile(request);
  });
  if (result.signal !== undefined) throw new Error(`${program} was killed by signal ${result.signal}`);
  writeFileSync(file, JSON.stringify(requests));
  return requests.length;
}

export interface ReplayTime {
  readonly ms: number;
  readonly modules: number;
  readonly blocks: number;
  /** SHA-1 of the modules' bytes, in order: a change to the translator that should not change its output must keep it. */
  readonly digest: string;
}

/**
 * Compiles the requests `record` wrote to `file` (their order kept) and times that alone, after
 * `program` (with `args`) ran its first `warmInstructions` under the JIT with every compile refused (a CLI
 * run's interpreter, bridge and system calls warm much of what the translator calls before its
 * first compile; the translator itself stays cold).
 */
export async function replay(file: string, program: string, warmInstructions: number, args: string[] = []): Promise<ReplayTime> {
  if (warmInstructions > 0) await runWithSubmit(program, args, (request) => failedRegion(request), warmInstructions);
  const requests = (JSON.parse(readFileSync(file, 'utf8')) as StoredRequest[]).map(fromStored);
  const start = performance.now();
  const regions = requests.map((request) => compileRegion(request));
  const ms = performance.now() - start;
  const hash = createHash('sha1');
  for (const region of regions) if (region.bytes !== undefined) hash.update(region.bytes);
  return { ms, modules: regions.length, blocks: regions.reduce((sum, region) => sum + region.blockCount, 0), digest: hash.digest('hex').slice(0, 12) };
}

export interface TierTime {
  /** Wall ms of `new WebAssembly.Module` for every region module, one after another. */
  readonly ms: number;
  readonly modules: number;
  readonly bytes: number;
}

/**
 * Translates the requests `record` wrote to `file` (untimed), then times V8's compile of the
 * modules alone. Run in a process started with `--no-liftoff --no-wasm-lazy-compilation
 * --single-threaded`, that is TurboFan compiling every function at once on the calling thread: the
 * work a short run waits for on V8's background thread before its regions leave Liftoff's code
 * (bench/compile-replay.mjs --tiers). compileRegion has compiled each module once already, so the
 * process also needs `--no-wasm-native-module-cache-enabled`, or V8 hands that module back; and
 * since V8's compiler has then run over the same code once (its memory faulted in), the time is a
 * lower bound of what a run's background thread spends.
 */
export function tiers(file: string): TierTime {
  const requests = (JSON.parse(readFileSync(file, 'utf8')) as StoredRequest[]).map(fromStored);
  const modules = requests.flatMap((request) => {
    const bytes = compileRegion(request).bytes;
    return bytes === undefined ? [] : [bytes as Uint8Array<ArrayBuffer>];
  });
  const start = performance.now();
  for (const bytes of modules) new WebAssembly.Module(bytes);
  return { ms: performance.now() - start, modules: modules.length, bytes: modules.reduce((sum, bytes) => sum + bytes.length, 0) };
}
