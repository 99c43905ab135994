// mipsjit boots Debian's Malta kernel under the JIT (see malta-boot.ts); where qemu-system-mipsel
// is installed, the recorded expectation is checked against a live QEMU boot too.

import { describe, expect, it } from 'vitest';
import { bootTest } from './malta-boot.js';
import { BOOT_LOG_PATH, bootUnderQemu, EXPECTED_PATH, hasQemuSystem, initLines, kernelLog, logDifferences, maltaGuest, recordedLines } from './malta-guest.js';

const guest = maltaGuest();

describe('Malta board, JIT', () => {
  bootTest('jit', guest, 900_000);

  it.skipIf(guest === undefined || !hasQemuSystem)('the recorded /init output and boot log are what qemu-system-mipsel prints today', () => {
    const output = bootUnderQemu(guest!);
    expect(initLines(output)).toEqual(recordedLines(EXPECTED_PATH));
    const log = kernelLog(output);
    const recorded = recordedLines(BOOT_LOG_PATH);
    expect(log, logDifferences(log, recorded)).toEqual(recorded);
  }, 300_000);
});
