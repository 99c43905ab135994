// Every case of test/guest/cases.json run in-process through runProgram, compared with the
// qemu-mipsel recordings in test/guest/expected (stdout, exit status, and stderr where recorded).
// Dynamically linked cases ("sysroot": true) need Debian's libc6-mipsel-cross and skip without it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SYSROOT } from '../../src/linux/process.js';
import { ENGINES, JIT_TEST_THRESHOLD, runCaptured } from './helpers.js';

interface GuestCase {
  name: string;
  bin: string;
  args: string[];
  env?: Record<string, string>;
  stdin?: string;
  checkStderr?: boolean;
  /** Dynamically linked: runs with the cross sysroot (-L), skipped when it is not installed. */
  sysroot?: boolean;
  /** The JIT compiles what is hot by its default thresholds (a test of system calls, not of code). */
  defaultTiering?: boolean;
}

const root = path.resolve(__dirname, '..', '..');
const casesFile = path.join(root, 'test/guest/cases.json');
const cases: GuestCase[] = fs.existsSync(casesFile) ? (JSON.parse(fs.readFileSync(casesFile, 'utf8')) as GuestCase[]) : [];
const hasSysroot = fs.existsSync(path.join(DEFAULT_SYSROOT, 'lib/ld.so.1'));
const expected = (name: string, suffix: string): string => path.join(root, 'test/guest/expected', `${name}.${suffix}`);

describe('guest programs (test/guest/cases.json) against qemu-mipsel recordings', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const guestCase of cases) for (const engine of ENGINES) {
    it.skipIf(guestCase.sysroot === true && !hasSysroot)(`${guestCase.name} (${engine})`, async () => {
      // A dynamically linked program runs ld.so and libc's start-up, and the system-call tests
      // much of libc: compiling all of it at the low threshold would cost seconds per run.
      const lowThreshold = !(guestCase.sysroot === true || guestCase.defaultTiering === true);
      const result = await runCaptured({
        engine,
        ...(lowThreshold ? { hotThreshold: JIT_TEST_THRESHOLD } : {}),
        path: path.join(root, guestCase.bin),
        argv: [guestCase.bin, ...guestCase.args],
        env: guestCase.env ?? {},
        cwd: root,
        ...(guestCase.sysroot ? { sysroot: DEFAULT_SYSROOT } : {}),
        ...(guestCase.stdin !== undefined ? { stdin: guestCase.stdin } : {}),
      });
      expect(result.stdout.toString('latin1')).toBe(fs.readFileSync(expected(guestCase.name, 'stdout'), 'latin1'));
      expect(result.exitStatus).toBe(Number(fs.readFileSync(expected(guestCase.name, 'status'), 'utf8').trim()));
      // At the low threshold the JIT's run is one: some of the guest ran compiled (the first
      // process's engine counts). Cases at the default threshold may end before anything is hot.
      if (engine === 'jit' && lowThreshold) expect(result.jit?.compiledInstructions, JSON.stringify(result.jit)).toBeGreaterThan(0);
      if (guestCase.checkStderr && fs.existsSync(expected(guestCase.name, 'stderr'))) {
        expect(result.stderr.toString('latin1')).toBe(fs.readFileSync(expected(guestCase.name, 'stderr'), 'latin1'));
      }
    });
  }
});
