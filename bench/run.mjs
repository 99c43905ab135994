// `npm run bench`: runs each committed guest workload under every mipsjit engine and under
// qemu-mipsel (when installed), side by side in one run, and prints a table of wall time (median
// of several runs), guest MIPS and ratios. Guest instruction counts come from `mipsjit --stats`;
// qemu's MIPS rate uses the same count (it runs the same program to the same output).
//
// Engines: `interp`, `jit` (a first run of the program: no compiled code of it kept, as for a program
// never run before; V8's code cache of the command line itself warm, as after any earlier use of
// mipsjit) and `jit-cached` (runs after one untimed run of the same program filled the code cache,
// src/code-cache-file.ts).
//
// Usage: node bench/run.mjs [--runs N] [--engines interp,jit,jit-cached] [--default-pool] [workload-name...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { benchInput, benchLines, CACHE_WRITING_RUNS, median } from './inputs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli.cjs');

const busybox = path.join(root, '.cache/busybox/root/bin/busybox');
const coremark = path.join(root, '.cache/coremark/coremark');
const WORKLOADS = [
  // Start-up and exit only (~60 k guest instructions): the fixed part of every row below, under
  // each engine and qemu-mipsel. Node's own start-up (`node -e 0`) is printed above the table.
  { name: 'busybox true (start-up and exit)', program: busybox, args: ['true'], optional: true },
  { name: 'cpubench 4 (all kernels)', program: 'bench/guest/cpubench', args: ['4'] },
  { name: 'cpubench 10 hash', program: 'bench/guest/cpubench', args: ['10', 'hash'] },
  { name: 'cpubench 8 sort', program: 'bench/guest/cpubench', args: ['8', 'sort'] },
  { name: 'cpubench 8 lcg64', program: 'bench/guest/cpubench', args: ['8', 'lcg64'] },
  { name: 'cpubench 20 nbody', program: 'bench/guest/cpubench', args: ['20', 'nbody'] },
  { name: 'cpubench 20 matmul', program: 'bench/guest/cpubench', args: ['20', 'matmul'] },
  { name: 'hello-default', program: 'bench/guest/hello-default', args: [] },
  // Never used for tuning (issue 10): a call-heavy program (many small functions across pages,
  // function pointers, recursion, a switch, qsort's callback), a multi-second and a short run.
  { name: 'callbench 10 (call-heavy)', program: 'bench/guest/callbench', args: ['10'] },
  { name: 'callbench 3 (short run)', program: 'bench/guest/callbench', args: ['3'] },
  // Kernels in the style of the Benchmarks Game (bench/guest/src/gamebench.c), looked at by no
  // tuning: an allocator-heavy short run and a multi-second one.
  { name: 'gamebench btree 12 (malloc/free, short run)', program: 'bench/guest/gamebench', args: ['btree', '12'] },
  { name: 'gamebench fannkuch 10', program: 'bench/guest/gamebench', args: ['fannkuch', '10'] },
  // Programs the JIT was never tuned on (need test/guest/busybox.sh to have fetched busybox).
  { name: 'busybox gzip -c 8MB', program: busybox, args: ['gzip', '-c', 'INPUT'], optional: true },
  { name: 'busybox sha256sum 8MB', program: busybox, args: ['sha256sum', 'INPUT'], optional: true },
  // Two more applets the JIT was never tuned on (added after issue 10's register change, which
  // they checked): a multi-second run and a short one.
  { name: 'busybox bzip2 -c 2MB', program: busybox, args: ['bzip2', '-c', 'LINES'], optional: true },
  { name: 'busybox sort 26k lines', program: busybox, args: ['sort', 'LINES'], optional: true },
  // EEMBC's CoreMark, never used for tuning (bench/guest/coremark.sh fetches and builds it):
  // 4,000 iterations (~1.2 G instructions) and a short run of 700 (~0.2 G). Its timing lines
  // differ from run to run; the CRCs it prints are compared.
  ...[4000, 700].map((iterations) => ({
    name: `CoreMark ${iterations} iterations${iterations < 1000 ? ' (short run)' : ''}`,
    program: coremark,
    args: ['0x0', '0x0', '0x66', String(iterations)],
    optional: true,
    fetch: 'bench/guest/coremark.sh',
    comparable: (stdout) => stdout.split('\n').filter((line) => !/ticks|Total time|Iterations\/Sec|Must execute|CoreMark 1\.0|Errors detected|Correct operation/.test(line)).join('\n'),
  })),
];

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
}
const runs = Number(option('--runs', '3'));
const engines = option('--engines', 'interp,jit,jit-cached').split(',');
for (const engine of engines) {
  if (!['interp', 'jit', 'jit-cached'].includes(engine)) {
    console.error(`bench: unknown engine ${engine} (interp, jit, jit-cached)`);
    process.exit(2);
  }
}
// Options take a value, except --default-pool.
const selected = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && (!all[i - 1]?.startsWith('--') || all[i - 1] === '--default-pool'));
const qemu = spawnSync('qemu-mipsel', ['-version']).status === 0 ? 'qemu-mipsel' : undefined;

/** Runs a command `runs` times (`before` ahead of each, untimed); returns the median wall seconds, its stdout and stderr. */
function time(command, args, env = process.env, before = () => {}) {
  const seconds = [];
  let last;
  for (let run = 0; run < runs; run++) {
    before();
    const start = process.hrtime.bigint();
    last = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, env });
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (last.error) throw last.error;
  }
  return { seconds: median(seconds), stdout: last.stdout, stderr: last.stderr, status: last.status };
}

if (!existsSync(cli)) {
  console.error('bench: dist/cli.cjs is missing: run `npm run build` first');
  process.exit(2);
}

// The bench's own cache directory: V8's code cache of the command line stays warm in it (as after
// any earlier use of mipsjit); the programs' compiled code is removed between workloads.
const cacheDirectory = mkdtempSync(path.join(os.tmpdir(), 'mipsjit-bench-cache-'));
// NODE_EXTRA_CA_CERTS makes every Node process parse that certificate file before it runs any
// script, whether or not it ever opens a TLS connection: with the ~140 certificates of Debian's
// bundle, which some machines (those this project is developed on among them) name there, `node -e 0`
// took 0.06 s against 0.02 s without it. mipsjit never uses TLS, and qemu-mipsel pays nothing of
// the kind, so the bench times Node without it (and says so when it was set).
const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...hostEnv } = process.env;
if (extraCaCerts !== undefined) console.error(`bench: running node without NODE_EXTRA_CA_CERTS (${extraCaCerts}): its parsing is not mipsjit's start-up`);
const cacheEnv = { ...hostEnv, MIPSJIT_CACHE_DIR: cacheDirectory };
// Node gives V8 four background threads whatever the machine. On two cores they (TurboFan's
// tier-up of hot regions and of the JIT's own JavaScript, and the GC) take time from the thread
// that runs the guest: --v8-pool-size=0 lets V8 size the pool by the cores (one here). Measured on
// this 2-core machine, five interleaved rounds of first runs (guest seconds, default -> 0):
// callbench 3 0.256 -> 0.202, CoreMark 700 0.182 -> 0.158, callbench 10 0.462 -> 0.387,
// CoreMark 4000 0.551 -> 0.506, cpubench 4 0.526 -> 0.497, gzip 1.492 -> 1.416. The README
// recommends the flag; --default-pool times Node's default instead.
const nodeFlags = process.argv.includes('--default-pool') ? [] : ['--v8-pool-size=0'];
console.error(`bench: node ${nodeFlags.length === 0 ? 'with its default V8 thread pool' : nodeFlags.join(' ')} (see the README)`);
process.on('exit', () => rmSync(cacheDirectory, { recursive: true, force: true }));
const forgetPrograms = () => {
  for (const name of readdirSync(cacheDirectory)) if (name.endsWith('.regions')) rmSync(path.join(cacheDirectory, name));
};
// The CLI's V8 code cache, written before anything is timed (CACHE_WRITING_RUNS), for each engine's flags.
for (const engine of ['jit', 'interp']) {
  for (const program of CACHE_WRITING_RUNS) spawnSync('node', [...nodeFlags, cli, 'run', '--engine', engine, ...program], { cwd: root, env: cacheEnv, stdio: 'ignore' });
}

const rows = [];
for (const workload of WORKLOADS) {
  if (selected.length > 0 && !selected.some((name) => workload.name.startsWith(name))) continue;
  if (workload.optional && !existsSync(workload.program)) {
    console.error(`bench: skipping ${workload.name} (${workload.program} is missing: run ${workload.fetch ?? 'test/guest/busybox.sh'})`);
    continue;
  }
  workload.args = workload.args.map((arg) => (arg === 'INPUT' ? benchInput() : arg === 'LINES' ? benchLines() : arg));
  const row = { name: workload.name, engines: {} };
  let reference;
  for (const engine of engines) {
    const command = [...nodeFlags, cli, 'run', '--engine', engine === 'interp' ? 'interp' : 'jit', '--stats', workload.program, ...workload.args];
    forgetPrograms();
    // jit-cached: one untimed run fills the code cache; jit: each run without the program's code.
    if (engine === 'jit-cached') spawnSync('node', command, { cwd: root, env: cacheEnv, stdio: 'ignore' });
    const result = time('node', command, cacheEnv, engine === 'jit' ? forgetPrograms : undefined);
    const stats = /mipsjit: (\d+) instructions in ([\d.]+) s/.exec(result.stderr);
    if (!stats) throw new Error(`${workload.name} (${engine}): no --stats line in stderr:\n${result.stderr}`);
    const output = workload.comparable?.(result.stdout) ?? result.stdout;
    reference ??= output;
    if (output !== reference) throw new Error(`${workload.name}: ${engine} printed different output`);
    row.instructions = Number(stats[1]);
    row.engines[engine] = { wall: result.seconds, inside: Number(stats[2]) };
    const jit = /jit: (\d+) blocks in (\d+) modules .*compile ([\d.]+) ms \((\d+) us\/block\), ([\d.]+)% of instructions.*?(?:\((\d+) per million instructions\))?$/m.exec(result.stderr);
    if (jit && engine === 'jit') {
      row.jit = { blocks: Number(jit[1]), compileMs: Number(jit[3]), perBlock: Number(jit[4]), compiledShare: Number(jit[5]), callsPerMillion: jit[6] };
    }
  }
  if (qemu) {
    const result = time(qemu, [workload.program, ...workload.args]);
    if (reference !== undefined && (workload.comparable?.(result.stdout) ?? result.stdout) !== reference) {
      throw new Error(`${workload.name}: qemu-mipsel printed different output`);
    }
    row.qemu = result.seconds;
  }
  rows.push(row);
}

// Node's own start-up and exit, which every mipsjit row includes.
const nodeAlone = selected.length === 0 || selected.some((name) => 'busybox true'.startsWith(name)) ? time('node', [...nodeFlags, '-e', '0'], hostEnv).seconds : undefined;

const mips = (instructions, seconds) => (instructions / seconds / 1e6).toFixed(1);
const ratio = (a, b) => (a / b).toFixed(2) + 'x';
const header = ['workload', 'guest instr'];
for (const engine of engines) header.push(`${engine} s`, `${engine} MIPS`);
if (qemu) header.push('qemu s', 'qemu MIPS');
if (engines.includes('jit') && engines.includes('interp')) header.push('jit speed-up over interp');
if (engines.includes('jit') && qemu) header.push('jit time / qemu time');
if (engines.includes('jit-cached') && qemu) header.push('jit-cached time / qemu time');
if (engines.includes('jit')) header.push('compiled share', 'engine calls into Wasm per M instr', 'blocks', 'compile ms (share of jit wall)', 'us/block');
const lines = [header];
for (const row of rows) {
  const line = [row.name, String(row.instructions)];
  for (const engine of engines) {
    const result = row.engines[engine];
    line.push(result.wall.toFixed(3), mips(row.instructions, result.wall));
  }
  if (qemu) line.push(row.qemu.toFixed(3), mips(row.instructions, row.qemu));
  const jitWall = row.engines.jit?.wall;
  if (engines.includes('jit') && engines.includes('interp')) line.push(ratio(row.engines.interp.wall, jitWall));
  if (engines.includes('jit') && qemu) line.push(ratio(jitWall, row.qemu));
  if (engines.includes('jit-cached') && qemu) line.push(ratio(row.engines['jit-cached'].wall, row.qemu));
  if (engines.includes('jit')) {
    const jit = row.jit;
    line.push(
      jit ? `${jit.compiledShare}%` : '-',
      jit?.callsPerMillion ?? '-',
      jit ? String(jit.blocks) : '-',
      jit ? `${jit.compileMs.toFixed(0)} (${((100 * jit.compileMs) / 1000 / jitWall).toFixed(0)}%)` : '-',
      jit ? String(jit.perBlock) : '-',
    );
  }
  lines.push(line);
}
console.log(`mipsjit bench, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, median of ${runs} runs`);
console.log('Wall seconds include process start-up; MIPS = guest instructions (counted by mipsjit) / wall seconds.');
if (nodeAlone !== undefined) console.log(`Node alone (\`node ${[...nodeFlags, '-e', '0'].join(' ')}\`): ${nodeAlone.toFixed(3)} s.`);
console.log('Compile time runs on the main thread (user mode compiles inline: src/linux/process.ts), between stretches of guest code.');
console.log('jit is a first run of the program (none of its compiled code kept; the CLI\'s own V8 code cache written by four earlier runs of other programs); jit-cached a run after one run of the same program filled the code cache. The compile columns are the first run\'s.');
lines.splice(1, 0, header.map(() => '---'));
for (const line of lines) console.log('| ' + line.join(' | ') + ' |');
if (!qemu) console.log('(qemu-mipsel not installed: no reference column)');
