// dist/cli.cjs, the `mipsjit` command. Run as a program, its first lines (scripts/build.mjs
// LAUNCHER_PROLOGUE) start Node on it with --v8-pool-size=0. It starts the command line
// (dist/cli-main.cjs, built from src/cli.ts) with V8's code cache, so that V8 neither parses nor
// compiles again the functions an earlier run compiled: ~25 ms of a short run here
// (hello-default 0.28-0.30 -> 0.26-0.27 s wall, six runs each). The cache file sits beside the
// compiled guest code (src/code-cache-file.ts), named by the build id (src/build-id.ts) and
// Node's version; --no-code-cache skips both caches.
// Built as CommonJS (an ES module entry started ~10 ms later here).

import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { BUILD_ID } from './build-id.js';
import { defaultCacheDirectory } from './code-cache-file.js';

// The `sh` lines moved NODE_EXTRA_CA_CERTS aside while Node started (scripts/build.mjs
// LAUNCHER_PROLOGUE: Node parses the certificates at start, and mipsjit makes no TLS connection);
// the guest's environment, read from process.env, gets it back as the user set it.
const MOVED_EXTRA_CA_CERTS = 'MIPSJIT_NODE_EXTRA_CA_CERTS';
const extraCaCerts = process.env[MOVED_EXTRA_CA_CERTS];
if (extraCaCerts !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = extraCaCerts;
  delete process.env[MOVED_EXTRA_CA_CERTS];
}

/** `mipsjit run` options that take a value (src/cli.ts parseRun), to find where the program starts. */
const RUN_OPTIONS_WITH_VALUE = new Set(['--engine', '-L', '--root', '--trace', '--max-instructions']);

/** Does this command line interpret (run --engine interp, or boot, whose kernel code is mostly interpreted)? */
function interprets(argv: readonly string[]): boolean {
  if (argv[0] === 'boot') return true;
  if (argv[0] !== 'run') return false;
  for (let index = 1; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--' || !argument.startsWith('-') || argument === '-') return false;
    if (argument === '--engine=interp' || (argument === '--engine' && argv[index + 1] === 'interp')) return true;
    if (RUN_OPTIONS_WITH_VALUE.has(argument)) index++;
  }
  return false;
}

// V8 inlines callees into an optimized function up to 920 bytes of bytecode in all. The user-mode
// interpreter's loop (--engine interp) calls ~60 handlers from cases of its switch
// (src/interp/cpu.ts), which take more: CoreMark interpreted at 114 MIPS, 129 with this (five runs
// each). JIT runs were no different with it (first runs of callbench 3, CoreMark 700, cpubench 1,
// sort, sha256sum: guest seconds the same), and loading node:v8 costs them ~4 ms of start-up
// (busybox true 70 -> 66 ms wall), so only interpreting command lines set it. Set before anything
// is compiled, and before the code cache below is checked (V8 keys it by the flags, so the two
// kinds of command line keep a cache file each).
const interpreting = interprets(process.argv.slice(2));
if (interpreting) (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--max-inlined-bytecode-size-cumulative=4000');

// This file is built as CommonJS only (dist/cli.cjs): `require` and `__dirname` are its own, and
// the bundle sits beside it (a URL would load Node's URL code, node:module its ES module loader).
const bundle = join(__dirname, 'cli-main.cjs');
const source = readFileSync(bundle, 'utf8');

/**
 * The cache file for this bundle, or undefined with --no-code-cache and for commands that run no
 * guest (--help, usage errors: a cache written then would lack what runs compile), and in a build
 * without a build id. V8 accepts a cache whose source has the same length, so the name carries the
 * build id (a hash of the source) and Node's version.
 */
function cacheFile(): string | undefined {
  const command = process.argv[2];
  if ((command !== 'run' && command !== 'boot') || process.argv.includes('--no-code-cache') || BUILD_ID === undefined) return undefined;
  return join(defaultCacheDirectory(), `${cachePrefix()}${interpreting ? '-interp' : ''}.v8`);
}

/** The start of this build's cache file names (one file per V8 flag set). */
function cachePrefix(): string {
  return `cli-${BUILD_ID}-${process.version}`;
}

/**
 * How many runs of a build write the cache at their exit. V8 puts in it the functions the run had
 * compiled by then, so a cache written by a short run lacks the JIT's code paths a longer program
 * takes, and every later run compiles those from source: CoreMark 700's first run took 178 ms
 * with a cache written by hello-default, 173 ms with one written by CoreMark (seven interleaved
 * runs). Each of the first runs adds what it compiled (the cache it loaded included). The file's
 * first byte counts them; V8's data follows.
 */
const CACHE_WRITING_RUNS = 4;

/** Writes V8's cache for `script` to `file` (the `writes`th time) and deletes the caches of other builds. */
function saveCache(script: Script, file: string, writes: number): void {
  try {
    const directory = dirname(file);
    mkdirSync(directory, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, Buffer.concat([Buffer.from([writes]), script.createCachedData()]));
    renameSync(temporary, file);
    for (const name of readdirSync(directory)) {
      if (name.startsWith('cli-') && name.endsWith('.v8') && !name.startsWith(cachePrefix())) unlinkSync(join(directory, name));
    }
  } catch {
    // A cache that cannot be written only costs the next run its head start.
  }
}

const file = cacheFile();
let cachedData: Buffer | undefined;
let writes = 0;
if (file !== undefined) {
  try {
    const bytes = readFileSync(file);
    writes = bytes[0] ?? 0;
    cachedData = bytes.subarray(1);
  } catch {
    cachedData = undefined;
  }
}
// The bundle's text is already a function of the module arguments (scripts/build.mjs `wrapped`).
const script = new Script(source, { filename: bundle, cachedData });
if (script.cachedDataRejected === true) writes = 0;
if (file !== undefined && (cachedData === undefined || writes < CACHE_WRITING_RUNS)) {
  // At exit the cache holds every function the run compiled, not only the top level.
  process.once('exit', () => saveCache(script, file, writes + 1));
}
const start = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
const module = { exports: {} };
// The bundle resolves what it requires from the same directory as this file.
start(module.exports, require, module, bundle, dirname(bundle));
