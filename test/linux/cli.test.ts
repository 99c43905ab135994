// The command line: usage errors and unloadable programs give one line on stderr and status 2;
// a guest's exit status and output pass through.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mipsjit CLI', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-cli-'));
  const bad: [string, string[], RegExp][] = [
    ['a missing file', ['run', path.join(scratch, 'missing')], /no such file/],
    ['a text file', ['run', path.join(root, 'package.json')], /not an ELF file/],
    ['no program', ['run'], /missing program/],
    ['an unknown option', ['run', '--bogus', 'x'], /unknown option --bogus/],
    ['an unknown engine', ['run', '--engine', 'fast', 'x'], /--engine must be interp or jit/],
    ['a device (/dev/zero, never ending)', ['run', '/dev/zero'], /not a regular file/],
    ['a directory', ['run', scratch], /is a directory/],
  ];
  for (const [name, args, message] of bad) {
    it(`rejects ${name} with one line and status 2`, () => {
      const result = cli(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }, 30_000);
  }

  it('rejects a truncated ELF', () => {
    const file = path.join(scratch, 'truncated');
    fs.writeFileSync(file, fs.readFileSync(path.join(root, 'test/guest/bin/t_int')).subarray(0, 100));
    const result = cli('run', file);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/truncated program headers/);
  }, 30_000);

  it('reads only the bytes the ELF headers ask for (a program followed by an 8 GiB sparse tail runs)', () => {
    const file = path.join(scratch, 'sparse-tail');
    fs.copyFileSync(path.join(root, 'test/guest/bin/t_sys'), file);
    fs.truncateSync(file, 8 * 2 ** 30); // no disk used; reading it all would fail (or take minutes)
    const result = cli('run', '--engine', 'interp', file, 'exit42');
    fs.rmSync(file);
    expect(result.stdout).toBe(fs.readFileSync(path.join(root, 'test/guest/expected/sys-exit42.stdout'), 'utf8'));
    expect(result.status).toBe(Number(fs.readFileSync(path.join(root, 'test/guest/expected/sys-exit42.status'), 'utf8').trim()));
  }, 30_000);

  it('passes the exit status through and prints --stats (interpreter: one line)', () => {
    const result = cli('run', '--stats', '--engine', 'interp', 'test/guest/bin/t_sys', 'exit42');
    expect(result.status).toBe(42);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^mipsjit: \d+ instructions in \d+\.\d{3} s, \d+\.\d MIPS \(interp\)$/);
  }, 30_000);

  it('--stats under the JIT (the default engine) adds blocks, modules, compile cost and compiled share', () => {
    // Long enough (~250M instructions) for the compiler thread to load binaryen and deliver.
    const result = cli('run', '--stats', 'bench/guest/cpubench', '6', 'sieve');
    expect(result.status).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-2)).toMatch(/^mipsjit: \d+ instructions in \d+\.\d{3} s, \d+\.\d MIPS \(jit\)$/);
    const jit = /^mipsjit: jit: (\d+) blocks in (\d+) modules \(\d+ live\), compile [\d.]+ ms \(\d+ us\/block\), ([\d.]+)% of instructions in compiled code$/.exec(lines.at(-1)!);
    expect(jit).not.toBeNull();
    expect(Number(jit![1])).toBeGreaterThan(0);
    expect(Number(jit![3])).toBeGreaterThan(10);
  });

  it('--trace prints the first instructions with their disassembly', () => {
    const result = cli('run', '--trace', '2', 'test/guest/bin/t_sys', 'exit42');
    const traced = result.stderr.split('\n').filter((line) => line.startsWith('mipsjit: trace'));
    expect(traced).toHaveLength(2);
    expect(traced[0]).toMatch(/^mipsjit: trace [0-9a-f]{8}: [0-9a-f]{8}  \S/);
  }, 30_000);

  it('prints usage for --help', () => {
    const result = cli('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: mipsjit run/);
  }, 30_000);
});
