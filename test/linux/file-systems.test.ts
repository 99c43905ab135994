// The Linux layer's file systems (src/fs/): a guest on an in-memory file system
// (runLinuxProgram with `files`) and one confined to a host directory (`mipsjit run --root DIR`)
// run t_sys's file, directory, descriptor and error cases and print what qemu-mipsel printed on
// the host's file system (test/guest/expected/); neither can reach a host file it was not given,
// through `..`, absolute paths or symbolic links; the embedder reads the guest's writes back.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MemoryFileSystem, runLinuxProgram } from '../../src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const program = readFileSync(path.join(root, 'test/guest/bin/t_sys'));
const expected = (name: string): string => readFileSync(path.join(root, `test/guest/expected/${name}.stdout`), 'utf8');
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const ORACLE_CASES = ['files', 'dirs', 'fds', 'errors'];

describe('in-memory file system', () => {
  test.each(ORACLE_CASES)("t_sys %s prints what qemu-mipsel printed on the host's files", async (name) => {
    const result = await runLinuxProgram({ program, name: 't_sys', args: [name], files: {}, engine: 'interp' });
    expect(text(result.stdout)).toBe(expected(`sys-${name}`));
    expect(result.exitStatus).toBe(0);
  });

  test('the guest reads the files it was given and nothing of the host', async () => {
    const fileSystem = new MemoryFileSystem({ '/data/given.txt': 'given to the guest\n' });
    const cat = (file: string) => runLinuxProgram({ program, name: 't_sys', args: ['cat', file], fileSystem, engine: 'interp' });
    const given = await cat('/data/given.txt');
    expect(text(given.stdout)).toMatch(/^given to the guest\n-- 19 bytes hash [0-9a-f]{8}\n$/);
    for (const hostFile of ['/etc/passwd', '/../../etc/passwd', '/data/../../../etc/passwd', path.join(root, 'package.json'), '/proc/self/status']) {
      const result = await cat(hostFile);
      expect(text(result.stdout)).toBe(`cannot open ${hostFile}: No such file or directory\n`);
      expect(result.exitStatus).toBe(3);
    }
    expect(fileSystem.list('/').sort()).toEqual(['bin', 'data', 'tmp']);
  });

  test('what the guest writes stays in memory and the embedder reads it back', async () => {
    const fileSystem = new MemoryFileSystem();
    const result = await runLinuxProgram({ program, name: 't_sys', args: ['files'], fileSystem, engine: 'interp' });
    expect(result.exitStatus).toBe(0);
    // t_sys removes its temporary directory; the in-memory /tmp is empty again and the program is there.
    expect(fileSystem.list('/tmp')).toEqual([]);
    expect(Buffer.from(fileSystem.readFile('/bin/t_sys')).equals(program)).toBe(true);
  });

  test('runs with different file systems at once in one thread are refused, not mixed', async () => {
    const first = runLinuxProgram({ program, name: 't_sys', args: ['files'], files: {}, engine: 'interp' });
    await expect(runLinuxProgram({ program, name: 't_sys', args: ['files'], files: {}, engine: 'interp' })).rejects.toThrow(/different file system is active/);
    expect((await first).exitStatus).toBe(0);
  });

  test('bad files and fileSystem arguments are TypeErrors naming them', async () => {
    await expect(runLinuxProgram({ program, files: null as never })).rejects.toThrow(/runLinuxProgram: files must be/);
    await expect(runLinuxProgram({ program, fileSystem: {} as never })).rejects.toThrow(/runLinuxProgram: fileSystem must be a MemoryFileSystem/);
    expect(() => new MemoryFileSystem({ 'relative/path': 'x' })).toThrow(/absolute path/);
  });
});

describe('mipsjit run --root DIR', () => {
  let directory = '';
  const cli = path.join(root, 'dist/cli.cjs');
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'run', '--engine', 'interp', '--root', directory, ...args], { encoding: 'utf8' });

  beforeAll(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'mipsjit-root-'));
    for (const sub of ['bin', 'tmp', 'etc', 'sub']) mkdirSync(path.join(directory, sub));
    writeFileSync(path.join(directory, 'bin/t_sys'), program, { mode: 0o755 });
    writeFileSync(path.join(directory, 'etc/passwd'), 'the root directory passwd\n');
    symlinkSync('/etc/passwd', path.join(directory, 'absolute-link'));
    symlinkSync('../../../../../../etc/hostname', path.join(directory, 'sub/relative-link'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test.each(ORACLE_CASES)("t_sys %s prints what qemu-mipsel printed on the host's files", (name) => {
    const result = run('/bin/t_sys', name);
    expect(result.stdout).toBe(expected(`sys-${name}`));
    expect(result.status).toBe(0);
  });

  test('paths, `..` and symbolic links stay inside DIR', () => {
    const inside = 'the root directory passwd\n';
    for (const file of ['/etc/passwd', '../../etc/passwd', '/sub/../../etc/passwd', '/absolute-link']) {
      expect(run('/bin/t_sys', 'cat', file).stdout).toMatch(new RegExp(`^${inside}-- 26 bytes hash`));
    }
    for (const file of ['/sub/relative-link', '/etc/hostname', '/proc/self/status']) {
      const result = run('/bin/t_sys', 'cat', file);
      expect(result.stdout).toBe(`cannot open ${file}: No such file or directory\n`);
      expect(result.status).toBe(3);
    }
  });

  test('the program is looked up inside DIR, and a missing DIR is a usage error', () => {
    expect(run(path.join(root, 'test/guest/bin/t_sys'), 'cat', '/etc/passwd').status).toBe(2);
    const missing = spawnSync(process.execPath, [cli, 'run', '--root', path.join(directory, 'nope'), '/bin/t_sys'], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--root .*nope: not a directory/);
    expect(execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' })).toMatch(/--root DIR/);
  });
});
