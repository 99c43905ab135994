// mipsjit boots Debian's Malta kernel under the JIT (see malta-boot.ts); where qemu-system-mipsel
// is installed, the recorded expectation is checked against a live QEMU boot too.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootTest } from './malta-boot.js';
import { BOOT_LOG_PATH, bootUnderQemu, EXPECTED_PATH, hasQemuSystem, initLines, kernelLog, logDifferences, maltaGuest } from './malta-guest.js';

const guest = maltaGuest();

describe('Malta board, JIT', () => {
  bootTest('jit', guest, 900_000);

  it.skipIf(guest === undefined || !hasQemuSystem)('the recorded /init output and boot log are what qemu-system-mipsel prints today', () => {
    const initrdPath = path.join(mkdtempSync(path.join(tmpdir(), 'malta-')), 'initrd.gz');
    writeFileSync(initrdPath, guest!.initrd);
    const output = bootUnderQemu(guest!, initrdPath);
    expect(initLines(output)).toEqual(readFileSync(EXPECTED_PATH, 'utf8').trimEnd().split('\n'));
    const log = kernelLog(output);
    const recorded = readFileSync(BOOT_LOG_PATH, 'utf8').trimEnd().split('\n');
    expect(log, logDifferences(log, recorded)).toEqual(recorded);
  }, 300_000);
});
