// `node bench/applets.mjs`: eighteen busybox applets the JIT was never tuned on, fifteen over the
// same 8 MB text file in lines and three that walk a directory tree (bench/inputs.mjs benchTree;
// their time goes to system calls more than to instructions), under mipsjit's JIT (a first run,
// then a run with its code cache) and qemu-mipsel, side by side: a wider view of "programs it has
// not seen" than npm run bench's rows. Each round runs every applet once under each, in an order that alternates from round to
// round; the table shows medians of wall seconds and their ratios. Every run's output must equal
// qemu-mipsel's (the bench stops otherwise). Needs test/guest/busybox.sh's busybox and qemu-mipsel.
//
// Usage: node bench/applets.mjs [--rounds N] [--default-pool] [-- applet...]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArguments, benchLines8, benchTree, CACHE_WRITING_RUNS, median } from './inputs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const busybox = path.join(root, '.cache/busybox/root/bin/busybox');
const cli = path.join(root, 'dist/cli.cjs');
const { options, names, number } = benchArguments(process.argv.slice(2));
const rounds = number('--rounds', 3);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: node bench/applets.mjs [--rounds N] [--default-pool] [-- applet...]');
  process.exit(2);
}
for (const [file, remedy] of [
  [busybox, 'run test/guest/busybox.sh'],
  [cli, 'run npm run build'],
]) {
  if (!existsSync(file)) {
    console.error(`applets: ${file} is missing (${remedy})`);
    process.exit(2);
  }
}
if (spawnSync('qemu-mipsel', ['-version']).status !== 0) {
  console.error('applets: qemu-mipsel is not installed');
  process.exit(2);
}

const LINES = benchLines8();
const TREE = benchTree();
/** Each applet's arguments; they read LINES or TREE (an argument, never standard input). */
const APPLETS = [
  ['wc', LINES],
  ['sed', 's/e/E/g', LINES],
  ['grep', '-c', 'the', LINES],
  ['awk', '{n+=NF}END{print(n)}', LINES],
  ['od', '-x', LINES],
  ['cksum', LINES],
  ['md5sum', LINES],
  ['sha1sum', LINES],
  ['sha512sum', LINES],
  ['gzip', '-c', LINES],
  ['uniq', LINES],
  ['cut', '-c1-10', LINES],
  ['xxd', LINES],
  ['base64', LINES],
  ['rev', LINES],
  ['find', TREE, '-type', 'f'],
  ['ls', '-lR', TREE],
  ['du', '-a', TREE],
].filter(([name]) => names.length === 0 || names.includes(name));

// As in bench/run.mjs: Node without NODE_EXTRA_CA_CERTS, and V8's pool sized by the cores.
const { NODE_EXTRA_CA_CERTS: _extraCaCerts, ...hostEnv } = process.env;
const nodeFlags = options.includes('--default-pool') ? [] : ['--v8-pool-size=0'];
const cacheDirectory = mkdtempSync(path.join(os.tmpdir(), 'mipsjit-applets-cache-'));
process.on('exit', () => rmSync(cacheDirectory, { recursive: true, force: true }));
const env = { ...hostEnv, MIPSJIT_CACHE_DIR: cacheDirectory };
for (const program of CACHE_WRITING_RUNS) spawnSync('node', [...nodeFlags, cli, 'run', ...program], { cwd: root, env, stdio: 'ignore' });
const forgetPrograms = () => {
  for (const name of readdirSync(cacheDirectory)) if (name.endsWith('.regions')) rmSync(path.join(cacheDirectory, name));
};

/** Runs `command` once; returns wall seconds and stdout. */
function timed(command, args) {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, { cwd: root, env, encoding: 'latin1', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.error) throw run.error;
  return { seconds, stdout: run.stdout, status: run.status };
}

const KINDS = ['jit', 'jit-cached', 'qemu'];
const times = new Map(APPLETS.map(([name]) => [name, { jit: [], 'jit-cached': [], qemu: [] }]));
const jitRun = (args) => timed('node', [...nodeFlags, cli, 'run', busybox, ...args]);
for (let round = 0; round < rounds; round++) {
  for (const args of APPLETS) {
    const name = args[0];
    // qemu-mipsel first in even rounds and last in odd ones; the cached run follows the first.
    const qemuFirst = round % 2 === 0;
    let reference = qemuFirst ? timed('qemu-mipsel', [busybox, ...args]) : undefined;
    forgetPrograms();
    const first = jitRun(args);
    const cached = jitRun(args);
    reference ??= timed('qemu-mipsel', [busybox, ...args]);
    for (const [kind, run] of [['jit', first], ['jit-cached', cached]]) {
      if (run.stdout !== reference.stdout || run.status !== reference.status) {
        console.error(`applets: ${name} under mipsjit (${kind}) printed other output than under qemu-mipsel (status ${run.status} vs ${reference.status})`);
        process.exit(1);
      }
    }
    times.get(name).qemu.push(reference.seconds);
    times.get(name).jit.push(first.seconds);
    times.get(name)['jit-cached'].push(cached.seconds);
  }
  console.error(`applets: round ${round + 1} of ${rounds} done`);
}

console.log(`busybox applets over ${path.basename(LINES)} (${statSync(LINES).size} bytes) or TREE (${path.basename(TREE)}), wall seconds, medians of ${rounds} (${new Date().toISOString()}, node ${nodeFlags.join(' ') || 'with its default pool'})\n`);
console.log('| applet | jit s | jit-cached s | qemu s | jit / qemu | jit-cached / qemu |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const args of APPLETS) {
  const entry = times.get(args[0]);
  const [jit, cached, qemu] = KINDS.map((kind) => median(entry[kind]));
  const shown = args.filter((arg) => arg !== LINES).map((arg) => (arg === TREE ? 'TREE' : arg));
  console.log(`| ${shown.join(' ')} | ${jit.toFixed(3)} | ${cached.toFixed(3)} | ${qemu.toFixed(3)} | ${(jit / qemu).toFixed(2)}x | ${(cached / qemu).toFixed(2)}x |`);
}
