// npm run bench:boot: boots Debian's Malta kernel (test/board/malta-kernel.sh) with a busybox
// initramfs whose /init runs a pipeline and powers off, under mipsjit's JIT, its interpreter and
// qemu-system-mipsel -M malta, one after another in one run, and prints wall time, guest
// instructions, MIPS and where mipsjit's time went: a second table of shares of the wall time
// (compiled code, interpreter, the devices inside them, instantiating, idle, the rest: run loop
// and event loop), measured with the board's `profile` option (a few percent of overhead), and
// counts (TLB refills, device accesses, compile seconds on the worker thread).
// Run after `npm run build`; `--engines jit,qemu` picks a subset.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { busyboxRoot, cpioNewc, MaltaBoard } from '../dist/mipsjit.js';

const root = path.resolve(import.meta.dirname, '..');
const fetched = (script) => execFileSync('bash', [path.join(root, script)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
const kernel = fetched('test/board/malta-kernel.sh');
const busybox = fetched('test/guest/busybox.sh');
const engines = (process.argv.find((a) => a.startsWith('--engines='))?.slice(10) ?? 'jit,interp,qemu').split(',');

const init = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
echo "init: $(echo three two one | tr ' ' '\\n' | sort | tr '\\n' ' ')"
poweroff -f
`;
const initrd = gzipSync(cpioNewc(busyboxRoot(readFileSync(busybox), init)));
const append = 'console=ttyS0 rdinit=/init';

const rows = [];
for (const engine of engines) {
  if (engine === 'qemu') {
    if (spawnSync('qemu-system-mipsel', ['-version']).status !== 0) continue;
    const initrdPath = path.join(mkdtempSync(path.join(tmpdir(), 'bench-boot-')), 'initrd.gz');
    writeFileSync(initrdPath, initrd);
    const start = performance.now();
    const result = spawnSync('qemu-system-mipsel', ['-M', 'malta', '-cpu', '24Kf', '-m', '256', '-nographic', '-no-reboot', '-kernel', kernel, '-initrd', initrdPath, '-append', append], { encoding: 'latin1' });
    const seconds = (performance.now() - start) / 1000;
    rows.push({ engine: 'qemu-system-mipsel', seconds, ok: result.stdout.includes('init: one three two') });
    continue;
  }
  let console = '';
  const board = await MaltaBoard.create({ kernel: readFileSync(kernel), initrd, append, engine, profile: true, consoleOutput: (bytes) => { console += Buffer.from(bytes).toString('latin1'); } });
  const cpuStart = process.cpuUsage();
  const stop = await board.run();
  const cpu = process.cpuUsage(cpuStart);
  const s = board.stats;
  rows.push({ engine: `mipsjit ${engine}`, seconds: s.wallMs / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, ok: stop.reason === 'poweroff' && console.includes('init: one three two'), stats: s });
}

const fmt = (n, digits = 2) => (n === undefined ? '-' : n.toFixed(digits));
console.log('| boot to poweroff | wall s | CPU s | guest instructions | MIPS (busy) | compiled share | idle s | compile s | refills GVA / guest TLB | device accesses | exceptions | vs qemu wall |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const qemu = rows.find((row) => row.engine === 'qemu-system-mipsel');
for (const row of rows) {
  const s = row.stats;
  const busy = s ? (s.wallMs - s.idleMs) / 1000 : undefined;
  console.log(`| ${row.engine}${row.ok ? '' : ' (FAILED)'} | ${fmt(row.seconds)} | ${fmt(row.cpuSeconds)} | ${s?.instructions ?? '-'} | ${s ? fmt(s.instructions / busy / 1e6, 1) : '-'} | ${s ? fmt((100 * s.compiledInstructions) / s.instructions, 1) + '%' : '-'} | ${s ? fmt(s.idleMs / 1000) : '-'} | ${s ? fmt(s.compileSeconds) : '-'} | ${s ? `${s.refillsFromGva} / ${s.refillsFromGuestTlb}` : '-'} | ${s?.deviceAccesses ?? '-'} | ${s?.exceptions ?? '-'} | ${qemu ? fmt(row.seconds / qemu.seconds) + 'x' : '-'} |`);
}

console.log('');
console.log('| where the wall time went | compiled code | interpreter | of them in devices | instantiating | idle (WAIT) | run loop, tiering, event loop |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  const s = row.stats;
  if (!s) continue;
  const wall = s.wallMs / 1000;
  const share = (seconds) => `${fmt(seconds)} s (${fmt((100 * seconds) / wall, 0)}%)`;
  const rest = wall - s.compiledCodeSeconds - s.interpreterSeconds - s.instantiateSeconds - s.idleMs / 1000;
  console.log(`| ${row.engine} | ${share(s.compiledCodeSeconds)} | ${share(s.interpreterSeconds)} | ${share(s.deviceSeconds)} | ${share(s.instantiateSeconds)} | ${share(s.idleMs / 1000)} | ${share(rest)} |`);
}
