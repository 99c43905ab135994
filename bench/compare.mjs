// `node bench/compare.mjs`: first runs of two or more mipsjit builds (and qemu-mipsel) side by side,
// for telling whether a change made short runs faster on a noisy shared machine. `npm run bench`
// times each workload's runs one after another; here every round runs each workload once under
// every build, in an order that alternates from round to round, so that a slow stretch of the
// machine falls on all of them alike. Each build keeps its own cache directory: its CLI's V8 code
// cache is written by four earlier runs of other programs first (as in bench/run.mjs), and the
// program's compiled code is removed before each run (a first run). Prints the median and the
// minimum wall milliseconds per workload and build.
//
// Usage: node bench/compare.mjs [--rounds N] [--qemu] [--interp] [--long] [--default-pool] BUILD... [-- workload-name...]
//   BUILD: a directory holding a build's cli.cjs (`dist`, or a copy of an earlier build's dist/).
//   --qemu: qemu-mipsel too; a last column gives the last build's time over qemu-mipsel's.
//   --interp: the last build's interpreter too (`--engine interp`), and its time over the last build's.
//   --long: the multi-second runs of bench/inputs.mjs (longRunWorkloads) instead of the short ones.
//   Workloads: the short runs of bench/inputs.mjs by default, or those whose names start with the names given.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArguments, CACHE_WRITING_RUNS, longRunWorkloads, median, shortRunWorkloads, workloadsNamed } from './inputs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { options, names, number } = benchArguments(process.argv.slice(2));
const rounds = number('--rounds', 11);
const builds = options.filter((arg, index) => !arg.startsWith('--') && options[index - 1] !== '--rounds');
if (builds.length === 0 || !Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: node bench/compare.mjs [--rounds N] [--qemu] [--interp] [--long] [--default-pool] BUILD... [-- workload-name...]');
  process.exit(2);
}
for (const build of builds) {
  if (!existsSync(path.join(build, 'cli.cjs'))) {
    console.error(`compare: ${build}/cli.cjs is missing (a build's dist/ directory, after npm run build)`);
    process.exit(2);
  }
}
const withQemu = options.includes('--qemu');
if (withQemu && spawnSync('qemu-mipsel', ['-version']).status !== 0) {
  console.error('compare: qemu-mipsel is not installed');
  process.exit(2);
}
const withInterpreter = options.includes('--interp');
/** The build whose interpreter --interp runs and whose ratios the last columns give. */
const lastBuild = builds.length - 1;
const listed = options.includes('--long') ? longRunWorkloads(root) : shortRunWorkloads(root);
const workloads = workloadsNamed(listed, names).filter((workload) => existsSync(workload.program));
for (const workload of listed) {
  if (!existsSync(workload.program)) console.error(`compare: skipping ${workload.name} (${workload.program} is missing: run test/guest/busybox.sh or bench/guest/coremark.sh)`);
}

// As in bench/run.mjs: Node without NODE_EXTRA_CA_CERTS (its parsing is no part of mipsjit's
// start-up), and V8's thread pool sized by the cores unless --default-pool.
const { NODE_EXTRA_CA_CERTS: _extraCaCerts, ...hostEnv } = process.env;
const nodeFlags = options.includes('--default-pool') ? [] : ['--v8-pool-size=0'];
const caches = builds.map(() => mkdtempSync(path.join(os.tmpdir(), 'mipsjit-compare-')));
process.on('exit', () => caches.forEach((cache) => rmSync(cache, { recursive: true, force: true })));
builds.forEach((build, index) => {
  for (const program of CACHE_WRITING_RUNS) spawnSync('node', [...nodeFlags, path.join(build, 'cli.cjs'), 'run', ...program], { cwd: root, env: { ...hostEnv, MIPSJIT_CACHE_DIR: caches[index] }, stdio: 'ignore' });
});

/** The runners of one workload: each build, the last build's interpreter, then qemu-mipsel. */
function runners(workload) {
  const args = workload.args();
  const list = builds.map((build, index) => ({
    label: build,
    run: () => {
      for (const name of readdirSync(caches[index])) if (name.endsWith('.regions')) rmSync(path.join(caches[index], name));
      return spawnSync('node', [...nodeFlags, path.join(build, 'cli.cjs'), 'run', workload.program, ...args], { cwd: root, env: { ...hostEnv, MIPSJIT_CACHE_DIR: caches[index] }, maxBuffer: 1 << 28 });
    },
  }));
  if (withInterpreter) {
    list.push({
      label: `${builds[lastBuild]} interp`,
      run: () => spawnSync('node', [...nodeFlags, path.join(builds[lastBuild], 'cli.cjs'), 'run', '--engine', 'interp', workload.program, ...args], { cwd: root, env: { ...hostEnv, MIPSJIT_CACHE_DIR: caches[lastBuild] }, maxBuffer: 1 << 28 }),
    });
  }
  if (withQemu) list.push({ label: 'qemu-mipsel', run: () => spawnSync('qemu-mipsel', [workload.program, ...args], { cwd: root, env: hostEnv, maxBuffer: 1 << 28 }) });
  return list;
}

const prepared = workloads.map((workload) => ({ workload, runners: runners(workload), ms: [] }));
for (const entry of prepared) entry.ms = entry.runners.map(() => []);
for (let round = 0; round < rounds; round++) {
  for (const entry of prepared) {
    const order = entry.runners.map((_, index) => index);
    if (round % 2 === 1) order.reverse();
    for (const index of order) {
      const start = process.hrtime.bigint();
      const result = entry.runners[index].run();
      entry.ms[index].push(Number(process.hrtime.bigint() - start) / 1e6);
      if (result.status !== 0) {
        console.error(`compare: ${entry.runners[index].label} ${entry.workload.name} exited with ${result.status}: ${String(result.stderr).slice(-300)}`);
        process.exit(1);
      }
    }
  }
}

const labels = prepared[0]?.runners.map((runner) => runner.label) ?? [];
/** Columns of ratios of medians: the interpreter over the last build, the last build over qemu-mipsel. */
const ratios = [
  ...(withInterpreter ? [{ title: 'interp / last build', of: (ms) => median(ms[builds.length]) / median(ms[lastBuild]) }] : []),
  ...(withQemu ? [{ title: 'last build / qemu', of: (ms) => median(ms[lastBuild]) / median(ms[ms.length - 1]) }] : []),
];
console.log(`mipsjit compare, ${new Date().toISOString()}, ${rounds} rounds, wall ms of first runs, median (min)`);
console.log(`| workload | ${labels.join(' | ')} |${ratios.map((ratio) => ` ${ratio.title} (medians) |`).join('')}`);
console.log(`| --- |${labels.map(() => ' --- |').join('')}${ratios.map(() => ' --- |').join('')}`);
for (const entry of prepared) {
  const cells = entry.ms.map((values) => `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)})`);
  console.log(`| ${entry.workload.name} | ${cells.join(' | ')} |${ratios.map((ratio) => ` ${ratio.of(entry.ms).toFixed(2)}x |`).join('')}`);
}
