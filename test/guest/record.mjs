#!/usr/bin/env node
// Record oracle outputs of the guest test programs under qemu-mipsel.
//
//   node test/guest/record.mjs            re-record every case in cases.json
//   node test/guest/record.mjs NAME...    re-record only the named cases
//   node test/guest/record.mjs --check    compare qemu-mipsel against expected/ (no writes)
//
// Each case runs as `qemu-mipsel <bin> <args...>` from the repository root with an
// environment holding only the case's "env" (like `env -i`, PATH unset), stdin fed
// from the case's "stdin" (empty otherwise). Written files, per case:
//   expected/<name>.stdout   exact bytes written to stdout
//   expected/<name>.status   exit status as decimal, 128+N when killed by signal N
//   expected/<name>.stderr   only for cases with "checkStderr": true
// Cases with "sysroot": true are dynamically linked and run as `qemu-mipsel -L /usr/mipsel-linux-gnu`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const expectedDir = join(here, 'expected');
/** Where Debian's libc6-mipsel-cross installs the loader and libraries (src/linux/process.ts DEFAULT_SYSROOT). */
export const SYSROOT = '/usr/mipsel-linux-gnu';

function findQemu() {
  if (process.env.QEMU_MIPSEL) return process.env.QEMU_MIPSEL;
  for (const d of (process.env.PATH || '').split(delimiter)) {
    const p = join(d, 'qemu-mipsel');
    if (d && existsSync(p)) return p;
  }
  return null;
}

export function runUnderQemu(qemu, c) {
  // /bin/sh wrapper only to disable core dumps (qemu-user writes qemu_*.core files
  // into the cwd on a guest SIGSEGV when RLIMIT_CORE allows it).
  // A dynamically linked case ("sysroot": true) finds its loader in the cross sysroot, as with qemu-mipsel -L.
  const sysroot = c.sysroot ? ['-L', SYSROOT] : [];
  const r = spawnSync('/bin/sh', ['-c', 'ulimit -c 0; exec "$0" "$@"', qemu, ...sysroot, c.bin, ...c.args], {
    cwd: root,
    env: { ...(c.env || {}) },
    input: c.stdin ?? '',
    maxBuffer: 64 << 20,
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  let status;
  if (r.signal) status = 128 + constants.signals[r.signal];
  else status = r.status;
  return { stdout: r.stdout, stderr: r.stderr, status };
}

const argv = process.argv.slice(2);
const check = argv.includes('--check');
const only = argv.filter((a) => !a.startsWith('--'));

const qemu = findQemu();
if (!qemu) {
  console.error('record.mjs: qemu-mipsel not found (apt-get install qemu-user)');
  process.exit(1);
}
const cases = JSON.parse(readFileSync(join(here, 'cases.json'), 'utf8'));
const names = new Set(cases.map((c) => c.name));
for (const n of only) if (!names.has(n)) {
  console.error(`record.mjs: unknown case ${n}`);
  process.exit(1);
}
for (const c of cases) if (!existsSync(join(root, c.bin))) {
  console.error(`record.mjs: missing ${c.bin}; run test/guest/build.sh first`);
  process.exit(1);
}

mkdirSync(expectedDir, { recursive: true });
let failures = 0;
for (const c of cases) {
  if (only.length && !only.includes(c.name)) continue;
  const r = runUnderQemu(qemu, c);
  const base = join(expectedDir, c.name);
  if (check) {
    const probs = [];
    if (!existsSync(base + '.stdout')) probs.push('no recording');
    else {
      if (!readFileSync(base + '.stdout').equals(r.stdout)) probs.push('stdout differs');
      if (readFileSync(base + '.status', 'utf8').trim() !== String(r.status)) probs.push(`status ${r.status}`);
      if (c.checkStderr && !readFileSync(base + '.stderr').equals(r.stderr)) probs.push('stderr differs');
    }
    if (probs.length) failures++;
    console.log(`${probs.length ? 'FAIL' : 'ok  '} ${c.name}${probs.length ? ': ' + probs.join(', ') : ''}`);
    continue;
  }
  writeFileSync(base + '.stdout', r.stdout);
  writeFileSync(base + '.status', `${r.status}\n`);
  if (c.checkStderr) writeFileSync(base + '.stderr', r.stderr);
  else rmSync(base + '.stderr', { force: true });
  console.log(`${c.name}: status ${r.status}, ${r.stdout.length} bytes stdout`);
}
if (check && failures) {
  console.error(`${failures} case(s) differ`);
  process.exit(1);
}
