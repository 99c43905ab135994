// Boots the Malta test guest (malta-guest.ts) on mipsjit's Malta board under one engine and
// checks that its /init prints exactly what it printed under qemu-system-mipsel. Shared by one
// test file per engine, so the two boots run in parallel.

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { MaltaBoard } from '../../src/board/malta/board.js';
import { EXPECTED_PATH, initLines, KERNEL_COMMAND_LINE, type MaltaGuest } from './malta-guest.js';

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
        consoleOutput: (bytes) => chunks.push(Buffer.from(bytes)),
      });
      const stop = await board.run();
      const console = Buffer.concat(chunks).toString('latin1');
      expect(stop, console.slice(-2000)).toEqual({ reason: 'poweroff' });
      expect(console).toContain('Run /init as init process');
      const expected = readFileSync(EXPECTED_PATH, 'utf8').trimEnd().split('\n');
      expect(initLines(console)).toEqual(expected);
      const stats = board.stats;
      expect(stats.instructions).toBeGreaterThan(1e9);
      if (engine === 'jit') expect(stats.compiledInstructions / stats.instructions).toBeGreaterThan(0.9);
    },
    timeoutMs,
  );
}
