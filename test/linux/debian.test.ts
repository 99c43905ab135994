// Debian's dynamically linked mipsel coreutils, grep, sed and gawk (test/guest/debian.sh fetches
// them) run through their PT_INTERP loader from the cross sysroot (/usr/mipsel-linux-gnu, Debian's
// libc6-mipsel-cross) under both engines, with the stdout and exit status of
// `qemu-mipsel -L /usr/mipsel-linux-gnu` at test time. Skipped when qemu-mipsel, the sysroot or
// the packages are missing.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { constants, tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SYSROOT } from '../../src/linux/process.js';
import { ENGINES, runCaptured } from './helpers.js';

interface DebianCase {
  name: string;
  /** Path of the program inside the unpacked packages. */
  program: string;
  args: string[];
  stdin?: string;
}

const root = path.resolve(__dirname, '..', '..');

function findTree(): string | undefined {
  try {
    const found = execFileSync('bash', [path.join(root, 'test/guest/debian.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return fs.existsSync(path.join(found, 'usr/bin/sort')) ? found : undefined;
  } catch {
    return undefined;
  }
}

const hasQemu = spawnSync('qemu-mipsel', ['-version']).status === 0;
const hasSysroot = fs.existsSync(path.join(DEFAULT_SYSROOT, 'lib/ld.so.1'));
const tree = hasQemu && hasSysroot ? findTree() : undefined;

const lines = Array.from({ length: 200 }, (_, index) => `${['pear', 'apple', 'fig', 'kiwi', 'plum'][(index * 7) % 5]} ${(index * 37) % 101} ${(index * 0.37).toFixed(2)}`);
const cases: DebianCase[] = [
  { name: 'ls -l', program: 'bin/ls', args: ['-l', '--time-style=+%Y-%m-%d', 'dir'] },
  { name: 'sort', program: 'usr/bin/sort', args: ['data.txt'] },
  { name: 'sort | uniq -c (stdin)', program: 'usr/bin/uniq', args: ['-c'], stdin: [...lines].map((line) => line.split(' ')[0]).sort().join('\n') + '\n' },
  { name: 'sha256sum', program: 'usr/bin/sha256sum', args: ['data.txt', 'dir/b'] },
  { name: 'date -u -d @0', program: 'bin/date', args: ['-u', '-d', '@1234567890', '+%F %T %A'] },
  { name: 'stat', program: 'usr/bin/stat', args: ['-c', '%n %s %F %a', 'data.txt', 'dir'] },
  { name: 'false', program: 'bin/false', args: [] },
  { name: 'grep -c', program: 'bin/grep', args: ['-c', 'apple', 'data.txt'] },
  { name: 'grep -P (pcre2)', program: 'bin/grep', args: ['-P', '-o', '\\bp\\w+ \\d+(?= 1)', 'data.txt'] },
  { name: 'sed s///g', program: 'bin/sed', args: ['-e', 's/p/P/g', '-e', '5q', 'data.txt'] },
  { name: 'gawk sums', program: 'usr/bin/gawk', args: ['{ n[$1] += $2; t += $3 } END { PROCINFO["sorted_in"] = "@ind_str_asc"; for (k in n) print k, n[k]; printf "%.4f %e\\n", t, t / 3 }', 'data.txt'] },
  { name: 'gawk math', program: 'usr/bin/gawk', args: ['BEGIN { printf "%.10f %.6f %d %s\\n", atan2(0, -1), exp(1), int(-3.7), sprintf("%x", 3735928559) }'] },
];

describe.skipIf(tree === undefined)('Debian dynamically linked programs match qemu-mipsel -L ' + DEFAULT_SYSROOT, () => {
  let work = '';
  let env: Record<string, string> = {};
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(tmpdir(), 'mipsjit-debian-'));
    fs.writeFileSync(path.join(work, 'data.txt'), lines.join('\n') + '\n');
    fs.mkdirSync(path.join(work, 'dir'));
    fs.writeFileSync(path.join(work, 'dir/a'), 'one\ntwo\nthree\n');
    fs.writeFileSync(path.join(work, 'dir/b'), Buffer.from(Array.from({ length: 40 }, (_, index) => (index * 29) & 0xff)));
    fs.mkdirSync(path.join(work, 'dir/sub'));
    fs.symlinkSync('a', path.join(work, 'dir/link'));
    for (const name of ['a', 'b', 'sub', '.']) fs.utimesSync(path.join(work, 'dir', name), 1_000_000_000, 1_000_000_000);
    fs.lutimesSync(path.join(work, 'dir/link'), 1_000_000_000, 1_000_000_000);
    const libraries = [path.join(tree!, 'lib/mipsel-linux-gnu'), path.join(tree!, 'usr/lib/mipsel-linux-gnu')].join(':');
    env = { LD_LIBRARY_PATH: libraries, LC_ALL: 'C', TZ: 'UTC', PATH: '/usr/bin:/bin' };
  });
  afterAll(() => {
    if (work !== '') fs.rmSync(work, { recursive: true, force: true });
  });
  for (const debianCase of cases) {
    it(debianCase.name, async () => {
      const program = path.join(tree!, debianCase.program);
      const oracle = spawnSync('qemu-mipsel', ['-L', DEFAULT_SYSROOT, program, ...debianCase.args], { cwd: work, env, input: debianCase.stdin ?? '', maxBuffer: 16 << 20 });
      const oracleStatus = oracle.signal ? 128 + constants.signals[oracle.signal] : oracle.status;
      for (const engine of ENGINES) {
        const result = await runCaptured({
          path: program,
          argv: [program, ...debianCase.args],
          // qemu-mipsel hands the guest its environment in reverse order (see src/cli.ts).
          env: Object.fromEntries(Object.entries(env).reverse()),
          cwd: work,
          stdin: debianCase.stdin ?? '',
          engine,
          sysroot: DEFAULT_SYSROOT,
        });
        expect(result.stdout.toString('latin1'), engine).toBe(oracle.stdout.toString('latin1'));
        expect(result.exitStatus, engine).toBe(oracleStatus);
        expect(result.stderr.toString('latin1'), engine).toBe(oracle.stderr.toString('latin1'));
      }
    }, 60_000);
  }
});
