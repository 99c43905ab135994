// Records what the Malta boot test's /init prints under qemu-system-mipsel into
// test/board/expected/malta-init.txt, and the kernel's boot log up to /init (malta-guest.ts
// kernelLog) into test/board/expected/malta-boot-log.txt (the oracles used where QEMU is not
// installed). The boot is the test's whole console session (commands typed, then power-off):
//   npx tsx test/board/record-malta.ts [--check]

import { readFileSync, writeFileSync } from 'node:fs';
import { BOOT_LOG_PATH, bootUnderQemu, EXPECTED_PATH, hasQemuSystem, initLines, kernelLog, maltaGuest, writeInitrd } from './malta-guest.js';

if (!hasQemuSystem) throw new Error('qemu-system-mipsel is not installed (apt-get install qemu-system-mips)');
const guest = maltaGuest();
if (guest === undefined) throw new Error('cannot fetch the kernel or busybox (test/board/malta-kernel.sh, test/guest/busybox.sh)');
const { console: output } = await bootUnderQemu(guest, writeInitrd(guest));
const lines = initLines(output);
const log = `${kernelLog(output).join('\n')}\n`;
if (lines.at(-1) !== 'init: done') throw new Error(`QEMU's boot did not reach the end of /init:\n${lines.join('\n')}`);
const text = `${lines.join('\n')}\n`;
if (process.argv.includes('--check')) {
  const recorded = readFileSync(EXPECTED_PATH, 'utf8');
  if (recorded !== text) throw new Error(`recording differs from QEMU now:\n${text}`);
  if (readFileSync(BOOT_LOG_PATH, 'utf8') !== log) throw new Error(`recorded boot log differs from QEMU now:\n${log}`);
  console.log('recording matches QEMU');
} else {
  writeFileSync(EXPECTED_PATH, text);
  writeFileSync(BOOT_LOG_PATH, log);
  console.log(`recorded ${lines.length} lines in ${EXPECTED_PATH} and the boot log in ${BOOT_LOG_PATH}`);
}
