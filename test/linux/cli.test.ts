// The command line: usage errors and unloadable programs give one line on stderr and status 2;
// a guest's exit status and output pass through.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SYSROOT } from '../../src/linux/process.js';

const root = path.resolve(__dirname, '..', '..');

function cli(...args: string[]) {
  return cliWith({}, ...args);
}

function cliWith(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(root, 'dist/cli.cjs'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `command`; writes "typed\\n" to its stdin once it printed "waiting", then closes stdin; its stdout. */
function feedAfterPrompt(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // Node's stdio 'pipe' is a socket; `cat |` gives the program a real pipe, as a shell would.
    const child = spawn('sh', ['-c', 'cat | "$0" "$@"', command, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    let fed = false;
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (!fed && output.includes('waiting')) {
        fed = true;
        child.stdin.write('typed\n', () => setTimeout(() => child.stdin.end(), 100));
      }
    });
    child.on('error', reject);
    child.on('close', () => resolve(output));
  });
}

const hasQemu = spawnSync('qemu-mipsel', ['-version']).status === 0;
/** test/guest/busybox.sh's busybox, when it was fetched. */
const localBusybox = path.join(root, '.cache/busybox/root/bin/busybox');
const hasSysroot = fs.existsSync(path.join(DEFAULT_SYSROOT, 'lib/ld.so.1'));

/** Runs `command` with stdout on a pipe that nobody reads for `pauseMs`; the sha256 and length of all it wrote. */
function drainSlowly(command: string, args: string[], pauseMs: number): Promise<{ status: number | null; sha256: string; length: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const hash = createHash('sha256');
    let length = 0;
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), pauseMs);
    child.stdout.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, sha256: hash.digest('hex'), length }));
  });
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

  it('--stats under the JIT (the default engine) adds blocks, modules, compile cost, compiled share and engine calls', () => {
    // Long enough (~250M instructions) for the compiler thread to deliver under a loaded machine.
    const result = cli('run', '--stats', 'bench/guest/cpubench', '6', 'sieve');
    expect(result.status).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-2)).toMatch(/^mipsjit: \d+ instructions in \d+\.\d{3} s, \d+\.\d MIPS \(jit\)$/);
    const jit = /^mipsjit: jit: (\d+) blocks in (\d+) modules \(\d+ live, \d+ from the code cache\), compile [\d.]+ ms \(\d+ us\/block\), ([\d.]+)% of instructions in compiled code, (\d+) calls into compiled code \(\d+ per million instructions\)$/.exec(lines.at(-1)!);
    expect(jit).not.toBeNull();
    expect(Number(jit![1])).toBeGreaterThan(0);
    expect(Number(jit![3])).toBeGreaterThan(10);
    expect(Number(jit![4])).toBeGreaterThan(0);
  });

  it('keeps compiled code (and V8\'s code cache of the CLI) for the next run of the same program, unless --no-code-cache', () => {
    const cacheDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-cli-cache-'));
    const env = { MIPSJIT_CACHE_DIR: cacheDirectory };
    const restored = (stderr: string) => Number(/(\d+) from the code cache/.exec(stderr)?.[1]);
    const args = ['run', '--stats', 'bench/guest/cpubench', '3', 'sieve'];
    const first = cliWith(env, ...args);
    expect(first.status).toBe(0);
    expect(restored(first.stderr)).toBe(0);
    const files = fs.readdirSync(cacheDirectory).filter((name) => name.endsWith('.regions'));
    expect(files).toHaveLength(1);
    // V8's code cache of the command line itself (src/cli-launch.ts) sits beside it; its first
    // byte counts the runs that wrote it (each of a build's first runs adds what it compiled).
    const v8Caches = fs.readdirSync(cacheDirectory).filter((name) => /^cli-[0-9a-f]+-v[0-9.]+\.v8$/.test(name));
    expect(v8Caches).toHaveLength(1);
    const v8Cache = path.join(cacheDirectory, v8Caches[0]!);
    expect(fs.readFileSync(v8Cache)[0]).toBe(1);
    const second = cliWith(env, ...args);
    expect(fs.readFileSync(v8Cache)[0]).toBe(2);
    expect(second.stdout).toBe(first.stdout);
    expect(restored(second.stderr)).toBeGreaterThan(0);
    const file = path.join(cacheDirectory, files[0]!);
    const written = fs.statSync(file).mtimeMs;
    const without = cliWith(env, 'run', '--stats', '--no-code-cache', 'bench/guest/cpubench', '3', 'sieve');
    expect(without.stdout).toBe(first.stdout);
    expect(restored(without.stderr)).toBe(0);
    expect(fs.statSync(file).mtimeMs).toBe(written);
    // An interpreting run sets a V8 flag, so its code cache of the CLI is a file of its own and
    // the JIT's stays.
    const interpreted = cliWith(env, 'run', '-L', '/nonexistent', '--engine', 'interp', 'bench/guest/cpubench', '3', 'sieve');
    expect(interpreted.stdout).toBe(first.stdout);
    expect(fs.readdirSync(cacheDirectory).filter((name) => /^cli-[0-9a-f]+-v[0-9.]+(-interp)?\.v8$/.test(name)).sort()).toEqual([
      expect.stringMatching(/-interp\.v8$/),
      expect.stringMatching(/\d\.v8$/),
    ]);
    fs.rmSync(cacheDirectory, { recursive: true, force: true });
  });

  it('a user-mode run loads no Node built-in it does not use (src/host/node-builtins.ts, src/host/clock.ts)', () => {
    // A preloaded script lists the modules Node loaded after its own start-up. Output to a pipe
    // and to /dev/null (a terminal needs node:tty; test/guest sys-random checks random bytes and
    // terminals).
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-cli-modules-'));
    const listing = path.join(directory, 'modules.txt');
    const preload = path.join(directory, 'list.cjs');
    fs.writeFileSync(preload, `const before = new Set(process.moduleLoadList);\nprocess.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(listing)}, process.moduleLoadList.filter((name) => !before.has(name)).join('\\n')));\n`);
    const devNull = fs.openSync('/dev/null', 'w');
    for (const stdout of ['pipe', devNull] as const) {
      const result = spawnSync(process.execPath, ['--require', preload, path.join(root, 'dist/cli.cjs'), 'run', '--stats', 'bench/guest/hello-default'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, MIPSJIT_CACHE_DIR: directory },
        stdio: ['ignore', stdout, 'pipe'],
      });
      expect(result.status).toBe(0);
      if (stdout === 'pipe') expect(result.stdout).toContain('Goodbye!');
      expect(result.stderr).toMatch(/MIPS \(jit\)/);
      const loaded = fs.readFileSync(listing, 'utf8').split('\n');
      expect(loaded.length).toBeGreaterThan(0);
      for (const module of ['crypto', 'tty', 'worker_threads', 'v8', 'perf_hooks', 'stream', 'net']) expect(loaded).not.toContain(`NativeModule ${module}`);
    }
    fs.closeSync(devNull);
    fs.rmSync(directory, { recursive: true, force: true });
  }, 30_000);

  it('--trace prints the first instructions with their disassembly', () => {
    const result = cli('run', '--trace', '2', 'test/guest/bin/t_sys', 'exit42');
    const traced = result.stderr.split('\n').filter((line) => line.startsWith('mipsjit: trace'));
    expect(traced).toHaveLength(2);
    expect(traced[0]).toMatch(/^mipsjit: trace [0-9a-f]{8}: [0-9a-f]{8}  \S/);
  }, 30_000);

  it('-L and QEMU_LD_PREFIX name the sysroot a dynamic program\'s loader is looked up in', () => {
    const missing = path.join(scratch, 'no-sysroot');
    for (const result of [cli('run', '-L', missing, 'test/guest/bin/t_files_dyn', 'statfs'), cliWith({ QEMU_LD_PREFIX: missing }, 'run', 'test/guest/bin/t_files_dyn', 'statfs')]) {
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`its dynamic loader /lib/ld.so.1 was found neither in ${missing}`);
    }
    expect(cli('run', '-L').stderr).toMatch(/-L needs a directory/);
  }, 30_000);

  it.skipIf(!hasSysroot)('runs a dynamically linked program with -L ' + DEFAULT_SYSROOT + ' (and by default)', () => {
    const expected = fs.readFileSync(path.join(root, 'test/guest/expected/files-statfs.stdout'), 'utf8');
    for (const args of [['-L', DEFAULT_SYSROOT], ['--engine', 'interp']]) {
      const result = cli('run', ...args, 'test/guest/bin/t_files_dyn', 'statfs');
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(expected);
      expect(result.status).toBe(0);
    }
  }, 60_000);

  it.skipIf(!hasQemu)('writes to a host pipe whose reader pauses wait and lose nothing (both engines, as qemu-mipsel)', async () => {
    const args = ['test/guest/bin/t_files', 'spew', String(6 << 20)];
    const oracle = await drainSlowly('qemu-mipsel', args, 0);
    expect(oracle.length).toBe(6 << 20);
    for (const engine of ['interp', 'jit']) {
      const result = await drainSlowly(process.execPath, [path.join(root, 'dist/cli.cjs'), 'run', '--engine', engine, ...args], 300);
      expect(result, engine).toEqual(oracle);
    }
  }, 120_000);

  it.skipIf(!hasQemu)('a stdout pipe the host runtime made non-blocking still looks blocking to the guest', async () => {
    // Node makes a pipe non-blocking once it builds process.stdout for it (an embedder touching
    // it, or a worker thread's output); the guest must not see O_NONBLOCK and fail on EAGAIN.
    const args = ['test/guest/bin/t_files', 'spew', String(1 << 20)];
    const oracle = await drainSlowly('qemu-mipsel', args, 0);
    const result = await drainSlowly(process.execPath, ['--import', 'data:text/javascript,process.stdout', path.join(root, 'dist/cli.cjs'), 'run', '--engine', 'interp', ...args], 300);
    expect(result).toEqual(oracle);
  }, 120_000);

  it.skipIf(!hasQemu)('poll and select on a piped stdin wait for the host writer (both engines, as qemu-mipsel)', async () => {
    const args = ['test/guest/bin/t_files', 'stdin'];
    const oracle = await feedAfterPrompt('qemu-mipsel', args);
    expect(oracle).toMatch(/^waiting: 0\ninput: 1 readable 1 got 'typed'\n/);
    for (const engine of ['interp', 'jit']) {
      expect(await feedAfterPrompt(process.execPath, [path.join(root, 'dist/cli.cjs'), 'run', '--engine', engine, ...args]), engine).toBe(oracle);
    }
  }, 120_000);

  it.skipIf(!fs.existsSync(localBusybox))('the command hands the guest the descriptors above 2 its caller passed, under the same numbers (as qemu-mipsel)', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-inherited-'));
    try {
      const input = path.join(directory, 'input');
      const output = path.join(directory, 'output');
      fs.writeFileSync(input, 'line one\nline two\n');
      const three = fs.openSync(input, 'r');
      const four = fs.openSync(output, 'w');
      // Executed as a program: the command's `sh` lines list what it inherited (scripts/build.mjs).
      const args = ['run', localBusybox, 'sh', '-c', 'cat <&3; echo to-four >&4; env | grep -c MIPSJIT_INHERITED'];
      const result = spawnSync(path.join(root, 'dist/cli.cjs'), args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', three, four] });
      fs.closeSync(three);
      fs.closeSync(four);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('line one\nline two\n0\n');
      expect(fs.readFileSync(output, 'utf8')).toBe('to-four\n');
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasQemu)('the guest starts with the signals the command\'s caller left ignored ignored (nohup, background jobs), as under qemu-mipsel', () => {
    const started = (launch: string): string =>
      spawnSync('sh', ['-c', `trap '' INT HUP USR1 PIPE; exec ${launch} test/guest/bin/t_proc ignored`], { cwd: root, encoding: 'utf8' }).stdout;
    const oracle = started('qemu-mipsel');
    expect(oracle).toContain('INT ignored');
    expect(started(`${JSON.stringify(path.join(root, 'dist/cli.cjs'))} run`)).toBe(oracle);
  });

  it.skipIf(!hasQemu || !fs.existsSync(localBusybox))('standard descriptors the command\'s caller closed stay closed for the guest, as under qemu-mipsel', () => {
    const run = (launch: string, redirect: string): string =>
      spawnSync('sh', ['-c', `${launch} ${JSON.stringify(localBusybox)} ${redirect}; echo status $?`], { cwd: root, encoding: 'utf8' }).stdout;
    // stderr goes to the pipe before stdout closes (`>&- 2>&1` would close both).
    for (const [words, redirect] of [['cat', '<&- 2>&1'], ['echo unseen', '2>&1 >&-']] as const) {
      const oracle = run('qemu-mipsel', `${words} ${redirect}`);
      expect(oracle).toContain('Bad file descriptor');
      expect(run(`${JSON.stringify(path.join(root, 'dist/cli.cjs'))} run`, `${words} ${redirect}`), words).toBe(oracle);
    }
  });

  it.skipIf(!hasQemu || !fs.existsSync(localBusybox))('a guest killed by SIGTERM, SIGINT or SIGHUP ends the command by that signal, as under qemu-mipsel; SIGSEGV as status 139', () => {
    const ended = (command: string, args: string[]) => {
      const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
      return { status: result.status, signal: result.signal };
    };
    for (const signal of ['TERM', 'INT', 'HUP']) {
      const guest = [localBusybox, 'sh', '-c', `kill -${signal} $$; echo survived`];
      const oracle = ended('qemu-mipsel', guest);
      expect(oracle.signal).toBe(`SIG${signal}`);
      expect(ended(path.join(root, 'dist/cli.cjs'), ['run', ...guest]), signal).toEqual(oracle);
    }
    // A core-dumping signal: Node's core would not be the guest's, so the status a shell shows.
    expect(ended(path.join(root, 'dist/cli.cjs'), ['run', localBusybox, 'sh', '-c', 'kill -SEGV $$'])).toEqual({ status: 139, signal: null });
  });

  it('prints usage for --help', () => {
    const result = cli('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: mipsjit run/);
  }, 30_000);
});
