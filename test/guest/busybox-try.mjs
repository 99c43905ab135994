#!/usr/bin/env node
// Run every case of busybox-cases.json under qemu-mipsel and check that it runs:
// its exit status equals "expectStatus" and (with --strace) that busybox never
// calls clone/fork/vfork/execve (mipsjit runs a single process).
//
//   node test/guest/busybox-try.mjs [--strace] [--show] [NAME...]
//
// The busybox binary comes from test/guest/busybox.sh (downloaded on first use).
// Cases run like the guest tests: cwd = repository root, environment = only the
// case's "env", stdin = the case's "stdin" (empty otherwise).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const args = process.argv.slice(2);
const strace = args.includes('--strace');
const show = args.includes('--show');
const only = args.filter((a) => !a.startsWith('--'));

let qemu = process.env.QEMU_MIPSEL;
if (!qemu) for (const d of (process.env.PATH || '').split(delimiter)) {
  if (d && existsSync(join(d, 'qemu-mipsel'))) { qemu = join(d, 'qemu-mipsel'); break; }
}
if (!qemu) { console.error('qemu-mipsel not found'); process.exit(1); }
const busybox = execFileSync('bash', [join(here, 'busybox.sh')], { encoding: 'utf8' }).trim();

const cases = JSON.parse(readFileSync(join(here, 'busybox-cases.json'), 'utf8'));
let bad = 0;
for (const c of cases) {
  if (only.length && !only.includes(c.name)) continue;
  const qargs = [...(strace ? ['-strace'] : []), busybox, ...c.args];
  const r = spawnSync(qemu, qargs, {
    cwd: root, env: { ...(c.env || {}) }, input: c.stdin ?? '', maxBuffer: 64 << 20, timeout: 60_000,
  });
  const status = r.signal ? 128 + constants.signals[r.signal] : r.status;
  const probs = [];
  if (status !== (c.expectStatus ?? 0)) probs.push(`status ${status} (expected ${c.expectStatus ?? 0})`);
  if (strace) {
    const forks = r.stderr.toString().split('\n').filter((l) => /\b(clone|fork|vfork|execve)\(/.test(l));
    if (forks.length) probs.push(`forks/execs: ${forks[0].trim()}`);
  }
  if (probs.length) bad++;
  console.log(`${probs.length ? 'FAIL' : 'ok  '} ${c.name} (${r.stdout.length} bytes)${probs.length ? ': ' + probs.join('; ') : ''}`);
  if (show || probs.length) {
    process.stdout.write(r.stdout.toString().slice(0, show ? 2000 : 400));
    if (!strace) process.stdout.write(r.stderr.toString().slice(0, 400));
  }
}
if (bad) { console.error(`${bad} case(s) failed`); process.exit(1); }
