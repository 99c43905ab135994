// Boots the Malta test guest (malta-guest.ts) on mipsjit's Malta board under one engine and
// checks that its kernel log and /init print what they printed under qemu-system-mipsel. Shared by one
// test file per engine, so the two boots run in parallel.

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { MaltaBoard } from '../../src/board/malta/board.js';
import { BOOT_LOG_PATH, bootUnderQemu, EXPECTED_PATH, hasQemuSystem, initLines, kernelLog, KERNEL_COMMAND_LINE, logDifferences, recordedLines, type MaltaGuest } from './malta-guest.js';

/**
 * Where mipsjit's boot log still differs from QEMU's, each with its reason: [mipsjit's line,
 * QEMU's line]. The test maps ours to QEMU's and then wants every line equal, so a new difference
 * fails it, and so does one of these going away (then remove it here).
 */
const KNOWN_DIFFERENCES: readonly (readonly [string, string, string])[] = [];

export function bootTest(engine: 'interp' | 'jit', guest: MaltaGuest | undefined, timeoutMs: number): void {
  it.skipIf(guest === undefined)(
    `boots Debian's kernel to /init and powers off under ${engine}, printing what QEMU printed`,
    async () => {
      const chunks: Buffer[] = [];
      const board = await MaltaBoard.create({
        kernel: readFileSync(guest!.kernel),
        initrd: guest!.initrd,
        append: KERNEL_COMMAND_LINE,
        engine,
        consoleOutput: (bytes) => {
          chunks.push(Buffer.from(bytes));
        },
      });
      const stop = await board.run();
      const console = Buffer.concat(chunks).toString('latin1');
      expect(stop, console.slice(-2000)).toEqual({ reason: 'poweroff' });
      expect(console).toContain('Run /init as init process');
      expect(initLines(console)).toEqual(recordedLines(EXPECTED_PATH));
      // The kernel's log up to /init, line for line as under QEMU (kernelLog takes out what
      // depends on the host's clock and speed).
      // The recording is of one kernel build; another (Debian updated the package) is compared
      // with a live QEMU boot where there is one, else not at all (re-record: record-malta.ts).
      const log = kernelLog(console).map((line) => KNOWN_DIFFERENCES.find(([ours]) => ours === line)?.[1] ?? line);
      let oracle = recordedLines(BOOT_LOG_PATH);
      if (log[0] !== oracle[0] && hasQemuSystem) oracle = kernelLog(bootUnderQemu(guest!));
      if (log[0] === oracle[0]) expect(log, logDifferences(log, oracle)).toEqual(oracle);
      else process.stderr.write(`malta-boot: kernel log not compared: recorded for "${oracle[0]}", booted "${log[0]}"\n`);
      const stats = board.stats;
      expect(stats.instructions).toBeGreaterThan(1e9);
      if (engine === 'jit') expect(stats.compiledInstructions / stats.instructions).toBeGreaterThan(0.9);
    },
    timeoutMs,
  );
}
