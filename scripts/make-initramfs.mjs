#!/usr/bin/env node
// Makes a gzip-compressed initramfs with a static busybox and an /init that gives a shell on the
// console (or runs the script given with --init), for `mipsjit boot --initrd`. Needs `npm run build`.
//   node scripts/make-initramfs.mjs --busybox PATH [--init FILE] [--out initrd.gz]

import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { cpioNewc } from '../dist/mipsjit.js';

const SHELL_INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "mipsjit Malta: a busybox shell ('poweroff -f' powers off)"
exec setsid cttyhack sh
`;

const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const busybox = option('--busybox');
if (busybox === undefined) {
  process.stderr.write('usage: node scripts/make-initramfs.mjs --busybox PATH [--init FILE] [--out initrd.gz]\n  (bash test/guest/busybox.sh fetches Debian\'s busybox-static:mipsel and prints its path)\n');
  process.exit(2);
}
const init = option('--init') === undefined ? SHELL_INIT : readFileSync(option('--init'), 'utf8');
const out = option('--out') ?? 'initrd.gz';
const archive = cpioNewc([
  { kind: 'dir', path: 'bin' },
  { kind: 'dir', path: 'dev' },
  { kind: 'dir', path: 'proc' },
  { kind: 'dir', path: 'sys' },
  { kind: 'file', path: 'bin/busybox', data: readFileSync(busybox), mode: 0o755 },
  { kind: 'file', path: 'init', data: init, mode: 0o755 },
]);
writeFileSync(out, gzipSync(archive, { level: 9 }));
process.stdout.write(`${out}: ${archive.length} bytes of cpio, busybox from ${busybox}\n`);
