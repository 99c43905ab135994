// `node bench/compile-replay.mjs`: how long the JIT's translator takes, cold, for the regions a first
// run of each short workload compiles. It records the region requests of one run of each workload
// (bench/compile-replay-entry.ts record), then compiles them again in fresh Node processes that
// load the translator's bytecode from a V8 code cache, as the CLI does (src/cli-launch.ts): the
// first of those writes the cache, the others are timed. Each replay first runs the workload's
// first 50,000 instructions under the JIT with its compiles refused (--warm N): that warms what a
// CLI run has warmed by its first compile (the interpreter, the bridge's encoder, system calls).
// Without that, replays showed costs CLI runs do not have: two encoder changes that compiled
// CoreMark 700's requests in 37.6 instead of 44.0 ms here left its --stats compile time at 23.4
// against 23.8 ms (16 interleaved CLI runs; reverted). So confirm a gain in CLI runs (--stats
// compile time, bench/compare.mjs); a replay is for finding where the time goes, and its SHA-1
// column for checking that a refactor of the translator left its output as it was.
//
// Usage: node bench/compile-replay.mjs [--runs N] [--warm N] [--requests DIR] [-- workload-name...]
//   --requests DIR: keep the recorded requests in DIR, and replay those found there instead of
//   recording again (to compare two source trees, e.g. worktrees, on the same requests; the bytes'
//   SHA-1 column then tells whether their translators' output differs).
//   --tiers: also time V8's compile of the same modules to machine code, in fresh processes, on one
//   thread: TurboFan (`--no-liftoff`, every function at once) and Liftoff (`--liftoff-only`). A
//   region runs in Liftoff's code until V8's one background thread (two cores) has optimized it,
//   so the TurboFan column is the work a short run waits for; it moves with the translator's
//   output, not with the machine's noise as wall times do (CoreMark 700's 14 modules: ~90-105 ms
//   here, 63% of it TurboFan's register allocation by `--turbo-stats-wasm`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { benchArguments, median, shortRunWorkloads, workloadsNamed } from './inputs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { options, names, number } = benchArguments(process.argv.slice(2));
const runs = number('--runs', 7);
const warm = number('--warm', 50_000);
const requestsAt = options.indexOf('--requests');
const withTiers = options.includes('--tiers');
const kept = requestsAt < 0 ? undefined : options[requestsAt + 1];
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warm) || warm < 0 || (requestsAt >= 0 && kept === undefined)) {
  console.error('usage: node bench/compile-replay.mjs [--runs N] [--warm N] [--requests DIR] [--tiers] [-- workload-name...]');
  process.exit(2);
}
const workloads = workloadsNamed(shortRunWorkloads(root), names).filter((workload) => existsSync(workload.program));

if (kept !== undefined) mkdirSync(kept, { recursive: true });
const directory = mkdtempSync(path.join(os.tmpdir(), 'mipsjit-replay-'));
process.on('exit', () => rmSync(directory, { recursive: true, force: true }));
const bundle = path.join(directory, 'replay.cjs');
await build({
  entryPoints: [path.join(root, 'bench/compile-replay-entry.ts')],
  outfile: bundle,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'es2022',
  minifyWhitespace: true,
  external: ['binaryen'],
  define: { 'import.meta.url': 'bundleUrl' },
  banner: { js: "const bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});

// The child: loads the bundle through node:vm with the code cache (writing it when it has none),
// then records or replays. Node without NODE_EXTRA_CA_CERTS, as in bench/run.mjs.
const child = path.join(directory, 'child.cjs');
writeFileSync(
  child,
  `const fs = require('node:fs'); const { Script } = require('node:vm');
const [bundle, cacheFile, verb, ...rest] = process.argv.slice(2);
let cachedData; try { cachedData = fs.readFileSync(cacheFile); } catch {}
const script = new Script('(function (exports, require, module, __filename, __dirname) {' + fs.readFileSync(bundle, 'utf8') + '\\n})', { filename: bundle, cachedData });
const loaded = { exports: {} };
script.runInThisContext()(loaded.exports, require, loaded, bundle, require('node:path').dirname(bundle));
const run = { record: () => loaded.exports.record(rest[0], rest.slice(2), rest[1]), replay: () => loaded.exports.replay(rest[0], rest[1], Number(rest[2]), rest.slice(3)), tiers: () => loaded.exports.tiers(rest[0]) }[verb];
Promise.resolve(run()).then((result) => {
  if (cachedData === undefined || script.cachedDataRejected) fs.writeFileSync(cacheFile, script.createCachedData());
  process.stdout.write(JSON.stringify(result));
});
`,
);
const { NODE_EXTRA_CA_CERTS: _extraCaCerts, ...hostEnv } = process.env;
/** Runs the child with `args`, Node started with `nodeFlags` (V8 keys its code cache by the flags: a cache file per flag set). */
function runChild(args, nodeFlags = []) {
  const cache = path.join(directory, `replay${nodeFlags.join('').replace(/[^a-z]/g, '-')}.v8`);
  const result = spawnSync('node', [...nodeFlags, child, bundle, cache, ...args], { cwd: root, env: hostEnv, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) {
    console.error(`compile-replay: ${args.join(' ')} failed: ${result.stderr.slice(-500)}`);
    process.exit(1);
  }
  return JSON.parse(result.stdout);
}

console.log(`mipsjit compile-replay, ${new Date().toISOString()}, ${runs} timed replays each (fresh processes, V8 code cache)`);
/**
 * V8 flags of the `tiers` children: every function compiled at once, on the calling thread, by one
 * tier, and no module cache (the translator compiled each module once already).
 */
const ONE_TIER_AT_ONCE = ['--no-wasm-lazy-compilation', '--single-threaded', '--no-wasm-native-module-cache-enabled'];
const TIER_FLAGS = { turbofan: ['--no-liftoff', ...ONE_TIER_AT_ONCE], liftoff: ['--liftoff-only', ...ONE_TIER_AT_ONCE] };
const tierColumns = withTiers ? ' TurboFan ms, median (min) | Liftoff ms, median |' : '';
console.log(`| workload | modules | blocks | ms, median (min) | us per block (median) | bytes (SHA-1) |${tierColumns}`);
console.log(`| --- | --- | --- | --- | --- | --- |${withTiers ? ' --- | --- |' : ''}`);

/** Median and minimum ms of `runs` tiers children with `flags`, after one that writes their code cache. */
function tierTimes(requests, flags) {
  runChild(['tiers', requests], flags);
  const times = [];
  for (let run = 0; run < runs; run++) times.push(runChild(['tiers', requests], flags).ms);
  return { median: median(times), min: Math.min(...times) };
}
for (const workload of workloads) {
  const requests = path.join(kept ?? directory, `${workload.name.replaceAll(' ', '-')}.json`);
  if (!existsSync(requests)) runChild(['record', workload.program, requests, ...workload.args()]);
  runChild(['replay', requests, workload.program, String(warm), ...workload.args()]);
  const times = [];
  let last;
  for (let run = 0; run < runs; run++) {
    last = runChild(['replay', requests, workload.program, String(warm), ...workload.args()]);
    times.push(last.ms);
  }
  let tierCells = '';
  if (withTiers) {
    const turbofan = tierTimes(requests, TIER_FLAGS.turbofan);
    const liftoff = tierTimes(requests, TIER_FLAGS.liftoff);
    tierCells = ` ${turbofan.median.toFixed(1)} (${turbofan.min.toFixed(1)}) | ${liftoff.median.toFixed(1)} |`;
  }
  console.log(`| ${workload.name} | ${last.modules} | ${last.blocks} | ${median(times).toFixed(1)} (${Math.min(...times).toFixed(1)}) | ${((median(times) * 1000) / last.blocks).toFixed(0)} | ${last.digest} |${tierCells}`);
}
