// `npm run bench`: runs each committed guest workload under every mipsjit engine and under
// qemu-mipsel (when installed), side by side in one run, and prints a table of wall time (median
// of several runs), guest MIPS and ratios. Guest instruction counts come from `mipsjit --stats`;
// qemu's MIPS rate uses the same count (it runs the same program to the same output).
//
// Usage: node bench/run.mjs [--runs N] [--engines interp,jit] [workload-name...]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli.js');

const WORKLOADS = [
  { name: 'cpubench-all', program: 'bench/guest/cpubench', args: ['2'] },
  { name: 'cpubench-hash', program: 'bench/guest/cpubench', args: ['2', 'hash'] },
  { name: 'cpubench-sort', program: 'bench/guest/cpubench', args: ['4', 'sort'] },
  { name: 'cpubench-lcg64', program: 'bench/guest/cpubench', args: ['4', 'lcg64'] },
  { name: 'cpubench-nbody', program: 'bench/guest/cpubench', args: ['4', 'nbody'] },
  { name: 'hello-default', program: 'bench/guest/hello-default', args: [] },
];

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
}
const runs = Number(option('--runs', '3'));
const engines = option('--engines', 'interp').split(',');
const selected = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && !all[i - 1]?.startsWith('--'));
const qemu = spawnSync('qemu-mipsel', ['-version']).status === 0 ? 'qemu-mipsel' : undefined;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Runs a command `runs` times; returns the median wall seconds, its stdout and stderr. */
function time(command, args) {
  const seconds = [];
  let last;
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    last = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (last.error) throw last.error;
  }
  return { seconds: median(seconds), stdout: last.stdout, stderr: last.stderr, status: last.status };
}

if (!existsSync(cli)) {
  console.error('bench: dist/cli.js is missing: run `npm run build` first');
  process.exit(2);
}

const rows = [];
for (const workload of WORKLOADS) {
  if (selected.length > 0 && !selected.includes(workload.name)) continue;
  const row = { name: workload.name, engines: {} };
  let reference;
  for (const engine of engines) {
    const result = time('node', [cli, 'run', '--engine', engine, '--stats', workload.program, ...workload.args]);
    const stats = /mipsjit: (\d+) instructions in ([\d.]+) s/.exec(result.stderr);
    if (!stats) throw new Error(`${workload.name} (${engine}): no --stats line in stderr:\n${result.stderr}`);
    reference ??= result.stdout;
    if (result.stdout !== reference) throw new Error(`${workload.name}: ${engine} printed different output`);
    row.instructions = Number(stats[1]);
    row.engines[engine] = { wall: result.seconds, inside: Number(stats[2]) };
  }
  if (qemu) {
    const result = time(qemu, [workload.program, ...workload.args]);
    if (reference !== undefined && result.stdout !== reference) {
      throw new Error(`${workload.name}: qemu-mipsel printed different output`);
    }
    row.qemu = result.seconds;
  }
  rows.push(row);
}

const mips = (instructions, seconds) => (instructions / seconds / 1e6).toFixed(1);
const header = ['workload', 'guest instr'];
for (const engine of engines) header.push(`${engine} wall s`, `${engine} MIPS`);
if (qemu) header.push('qemu wall s', 'qemu MIPS');
for (const engine of engines) if (qemu) header.push(`${engine}/qemu time`);
const lines = [header];
for (const row of rows) {
  const line = [row.name, String(row.instructions)];
  for (const engine of engines) {
    const result = row.engines[engine];
    line.push(result.wall.toFixed(3), mips(row.instructions, result.wall));
  }
  if (qemu) line.push(row.qemu.toFixed(3), mips(row.instructions, row.qemu));
  for (const engine of engines) if (qemu) line.push((row.engines[engine].wall / row.qemu).toFixed(2) + 'x');
  lines.push(line);
}
console.log(`mipsjit bench, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, median of ${runs} runs`);
console.log('MIPS = guest instructions (counted by mipsjit) / wall seconds, process start-up included.');
lines.splice(1, 0, header.map(() => '---'));
for (const line of lines) console.log('| ' + line.join(' | ') + ' |');
if (!qemu) console.log('(qemu-mipsel not installed: no reference column)');
