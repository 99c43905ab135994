// `npm start`: the first thing a user sees. Runs one bundled guest workload (bench/guest/cpubench,
// a static mipsel Linux program) under the interpreter and under the JIT, checks that both print
// the same, and shows them side by side: guest instructions, wall time, MIPS, the JIT's speed-up
// and the share of instructions that ran in compiled code. `npm run bench` has the full table.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli.cjs');
const workload = ['bench/guest/cpubench', '4', 'hash'];

function run(engine) {
  const start = process.hrtime.bigint();
  // V8's thread pool sized by the cores, as the README recommends (bench/run.mjs has the figures).
  const result = spawnSync(process.execPath, ['--v8-pool-size=0', cli, 'run', '--engine', engine, '--stats', ...workload], { cwd: root, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const stats = /mipsjit: (\d+) instructions in ([\d.]+) s/.exec(result.stderr);
  if (result.status !== 0 || !stats) {
    console.error(`npm start: ${engine} run failed (status ${result.status}):\n${result.stderr}`);
    process.exit(1);
  }
  const compiled = /([\d.]+)% of instructions in compiled code/.exec(result.stderr);
  return { stdout: result.stdout, instructions: Number(stats[1]), wall, compiledShare: compiled ? `${compiled[1]}%` : '-' };
}

console.log(`mipsjit: ${workload.join(' ')} (a static mipsel Linux program) under both engines\n`);
const interp = run('interp');
const jit = run('jit');
if (interp.stdout !== jit.stdout || interp.instructions !== jit.instructions) {
  console.error('npm start: the engines disagree (output or instruction count)');
  process.exit(1);
}
process.stdout.write(jit.stdout.trimEnd().replace(/^/gm, '  guest> ') + '\n');
const rows = [
  ['engine', 'instructions', 'wall s', 'MIPS', 'compiled share'],
  ...[['interp', interp], ['jit', jit]].map(([name, r]) => [name, String(r.instructions), r.wall.toFixed(2), (r.instructions / r.wall / 1e6).toFixed(1), name === 'jit' ? r.compiledShare : '-']),
];
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
console.log('');
for (const row of rows) console.log('  ' + row.map((cell, column) => cell.padStart(widths[column])).join('  '));
console.log(`\n  JIT speed-up over the interpreter: ${(interp.wall / jit.wall).toFixed(2)}x (wall time, start-up and compiling included)`);
