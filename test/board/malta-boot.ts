// Boots the Malta test guest (malta-guest.ts) through the real command line, `mipsjit boot` with
// its console on pipes, under one engine, and checks it against qemu-system-mipsel: the kernel's
// log and /init's lines as QEMU printed them (the recording, or a live QEMU), commands typed at the
// guest shell's prompt answered as under QEMU, `poweroff -f` ending the command with status 0.
// One boot serves all of these; where QEMU is installed its boot runs at the same time as ours
// (another process) and also checks the recording. Shared by one test file per engine.

import { describe, expect, it } from 'vitest';
import {
  BOOT_LOG_PATH,
  bootStats,
  bootUnderMipsjit,
  bootUnderQemu,
  type ConsoleSession,
  EXPECTED_PATH,
  hasQemuSystem,
  initLines,
  kernelLog,
  logDifferences,
  type MaltaGuest,
  recordedLines,
  writeInitrd,
} from './malta-guest.js';

/**
 * Where mipsjit's boot log still differs from QEMU's, each with its reason: [mipsjit's line,
 * QEMU's line]. The test maps ours to QEMU's and then wants every line equal, so a new difference
 * fails it, and so does one of these going away (then remove it here).
 */
const KNOWN_DIFFERENCES: readonly (readonly [string, string, string])[] = [];

/** A promise made on first use; a rejection is reported where it is awaited, never as unhandled. */
function onFirstUse<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    if (made === undefined) {
      made = make();
      made.catch(() => {});
    }
    return made;
  };
}

export function bootTest(engine: 'interp' | 'jit', guest: MaltaGuest | undefined, timeoutMs: number): void {
  describe.skipIf(guest === undefined)(`Debian's kernel through \`mipsjit boot\` (${engine})`, () => {
    const initrdPath = onFirstUse(async () => writeInitrd(guest!));
    const qemu = onFirstUse(async () => bootUnderQemu(guest!, await initrdPath()));
    const ours = onFirstUse(async (): Promise<ConsoleSession> => {
      // QEMU's boot starts first and runs beside ours (the tests below await whichever they need).
      if (hasQemuSystem) void qemu().catch(() => {});
      return bootUnderMipsjit(guest!, await initrdPath(), engine, timeoutMs);
    });

    it(`boots to /init, printing what QEMU printed, and powers off with status 0`, async () => {
      const { console, status, stderr } = await ours();
      expect(status, `${stderr}\n${console.slice(-2000)}`).toBe(0);
      expect(console).toContain('Run /init as init process');
      // `poweroff -f` powered the board off (status 0 is also a reset's).
      expect(console).toContain('reboot: Power down');
      expect(initLines(console)).toEqual(recordedLines(EXPECTED_PATH));
      // The kernel's log up to /init, line for line as under QEMU (kernelLog takes out what
      // depends on the host's clock and speed).
      // The recording is of one kernel build; another (Debian updated the package) is compared
      // with a live QEMU boot where there is one, else not at all (re-record: record-malta.ts).
      const log = kernelLog(console).map((line) => KNOWN_DIFFERENCES.find(([ours]) => ours === line)?.[1] ?? line);
      let oracle = recordedLines(BOOT_LOG_PATH);
      if (log[0] !== oracle[0] && hasQemuSystem) oracle = kernelLog((await qemu()).console);
      if (log[0] === oracle[0]) expect(log, logDifferences(log, oracle)).toEqual(oracle);
      else process.stderr.write(`malta-boot: kernel log not compared: recorded for "${oracle[0]}", booted "${log[0]}"\n`);
      const stats = bootStats(stderr);
      expect(stats, stderr).toBeDefined();
      expect(stats!.instructions).toBeGreaterThan(1e9);
      if (engine === 'jit') expect(stats!.compiledShare).toBeGreaterThan(0.9);
    }, timeoutMs);

    it('answers commands typed at the shell prompt, as under QEMU', async () => {
      const { answers } = await ours();
      expect(answers[0]).toBe('mips\n');
      expect(answers[1]).toBe('42\n');
      expect(answers[2]).toMatch(/bin\s+dev\s+init\s+proc\s+root/);
      expect(answers[3]).toContain('cpu model\t\t: MIPS 24Kc');
      expect(answers[4]).toBe('2\n');
      if (hasQemuSystem) expect(answers).toEqual((await qemu()).answers);
    }, timeoutMs);

    it.skipIf(!hasQemuSystem)('the recorded /init output and boot log are what qemu-system-mipsel prints today', async () => {
      const { console, status } = await qemu();
      expect(status).toBe(0);
      expect(initLines(console)).toEqual(recordedLines(EXPECTED_PATH));
      const log = kernelLog(console);
      const recorded = recordedLines(BOOT_LOG_PATH);
      expect(log, logDifferences(log, recorded)).toEqual(recorded);
    }, timeoutMs);
  });
}
