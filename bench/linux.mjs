// Linux user-mode costs next to qemu-mipsel, measured in one run: fork+exec (a busybox shell loop
// running an external `true` 1,000 times), a dynamically linked program's start-up (Debian's
// coreutils `true` through ld.so.1 and libc from the cross sysroot) and a pipe writer whose
// reader is the host's sha256sum (100 MB from t_files spew). Wall seconds, median of N runs.
//
// Usage: node bench/linux.mjs [--runs N] [--loops N]   (after npm run build; busybox from test/guest/busybox.sh,
// coreutils from test/guest/debian.sh, qemu-mipsel for the reference column)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './inputs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli.cjs');
const sysroot = '/usr/mipsel-linux-gnu';
const busybox = path.join(root, '.cache/busybox/root/bin/busybox');
const debian = path.join(root, '.cache/debian/root');
const runsIndex = process.argv.indexOf('--runs');
const runs = runsIndex >= 0 ? Number(process.argv[runsIndex + 1]) : 3;
const loopsIndex = process.argv.indexOf('--loops');
const loops = loopsIndex >= 0 ? Number(process.argv[loopsIndex + 1]) : 1000;
const qemu = spawnSync('qemu-mipsel', ['-version']).status === 0;

const workloads = [
  {
    name: `fork+exec: busybox sh loop running an external \`true\` ${loops} times`,
    needs: busybox,
    command: [busybox, 'sh', '-c', `i=0; while [ $i -lt ${loops} ]; do ${busybox} true; i=$((i+1)); done`],
    // qemu-user execs a mipsel program through binfmt_misc; without it registered the loop fails.
    qemuMayFail: true,
  },
  {
    name: `fork: busybox sh loop running a subshell \`( true )\` ${loops} times`,
    needs: busybox,
    command: [busybox, 'sh', '-c', `i=0; while [ $i -lt ${loops} ]; do ( true ); i=$((i+1)); done`],
  },
  {
    name: 'dynamic start-up: coreutils `true` (ld.so.1 + libc from ' + sysroot + ')',
    needs: path.join(debian, 'bin/true'),
    command: [path.join(debian, 'bin/true')],
    sysroot: true,
  },
  {
    name: 'pipe: t_files spew 100 MB | host sha256sum',
    needs: path.join(root, 'test/guest/bin/t_files'),
    command: [path.join(root, 'test/guest/bin/t_files'), 'spew', String(100_000_000)],
    pipeTo: 'sha256sum',
  },
];

const quote = (word) => `'${word.replaceAll("'", "'\\''")}'`;

/** Median wall seconds of `argv` (through sh when its output goes to a host pipe), and its output. */
function time(argv, pipeTo) {
  const seconds = [];
  let output = '';
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    const result = pipeTo ? spawnSync('sh', ['-c', `${argv.map(quote).join(' ')} | ${pipeTo}`], { encoding: 'utf8' }) : spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (result.status !== 0 || result.stderr.includes('Exec format error')) throw new Error(`${argv.join(' ')}: status ${result.status}\n${result.stderr.slice(0, 300)}`);
    output = result.stdout;
  }
  return { seconds: median(seconds), output };
}

if (!existsSync(cli)) {
  console.error('bench: dist/cli.cjs is missing: run `npm run build` first');
  process.exit(2);
}
console.log(`mipsjit Linux user-mode bench, ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, median of ${runs} runs, load average ${os.loadavg()[0].toFixed(1)}`);
console.log('| workload | interp s | jit s | qemu-mipsel s | jit / qemu |');
console.log('| --- | --- | --- | --- | --- |');
for (const workload of workloads) {
  if (!existsSync(workload.needs)) {
    console.log(`| ${workload.name} | (missing ${workload.needs}) | | | |`);
    continue;
  }
  const sysrootArgs = workload.sysroot ? ['-L', sysroot] : [];
  const env = workload.sysroot ? { LD_LIBRARY_PATH: [path.join(debian, 'lib/mipsel-linux-gnu'), path.join(debian, 'usr/lib/mipsel-linux-gnu')].join(':') } : {};
  Object.assign(process.env, env);
  const cells = [];
  let reference;
  for (const engine of ['interp', 'jit']) {
    const result = time(['node', cli, 'run', '--engine', engine, ...sysrootArgs, ...workload.command], workload.pipeTo);
    reference ??= result.output;
    if (result.output !== reference) throw new Error(`${workload.name}: ${engine} printed different output`);
    cells.push(result.seconds);
  }
  let qemuSeconds;
  if (qemu) {
    try {
      const result = time(['qemu-mipsel', ...sysrootArgs, ...workload.command], workload.pipeTo);
      if (result.output !== reference) throw new Error(`${workload.name}: qemu-mipsel printed different output`);
      qemuSeconds = result.seconds;
    } catch (error) {
      if (!workload.qemuMayFail) throw error;
      console.error(`bench: qemu-mipsel cannot run "${workload.name}" here (no binfmt_misc entry for mipsel?)`);
    }
  }
  for (const name of Object.keys(env)) delete process.env[name];
  console.log(`| ${workload.name} | ${cells[0].toFixed(3)} | ${cells[1].toFixed(3)} | ${qemuSeconds?.toFixed(3) ?? '-'} | ${qemuSeconds ? (cells[1] / qemuSeconds).toFixed(2) + 'x' : '-'} |`);
}
