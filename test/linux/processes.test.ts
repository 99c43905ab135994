// Processes that qemu-mipsel cannot be the oracle for on this host: it runs a guest's execve on
// the host kernel, which without binfmt_misc cannot start a mipsel binary. Expected results are
// Linux's: execve replaces the image (argv, envp, exit status), posix_spawn runs the program,
// `#!` scripts run their interpreter with the script path as an argument, and a fork bomb is
// bounded by the process cap (EAGAIN) instead of hanging the host.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES, JIT_TEST_THRESHOLD, runCaptured } from './helpers.js';

const root = path.resolve(__dirname, '..', '..');
const proc = path.join(root, 'test/guest/bin/t_proc');
const busybox = path.join(root, '.cache/busybox/root/bin/busybox');

describe('execve, posix_spawn and #! scripts (Linux semantics)', () => {
  for (const engine of ENGINES) {
    it(`execve replaces the child's image (${engine})`, async () => {
      const result = await runCaptured({ engine, hotThreshold: JIT_TEST_THRESHOLD, path: proc, argv: [proc, 'exec'], env: {}, cwd: root });
      expect(result.stdout.toString()).toBe(
        'exec target: [self] [from] [execve] EXEC_VAR=passed\n' +
          'exec child: exited 12\n' +
          'execve of a missing file: -1 No such file or directory\n' +
          'execve of a directory: -1 Permission denied\n',
      );
      expect(result.exitStatus).toBe(0);
    });

    it(`posix_spawn starts the program (${engine})`, async () => {
      const result = await runCaptured({ engine, hotThreshold: JIT_TEST_THRESHOLD, path: proc, argv: [proc, 'spawn'], env: {}, cwd: root });
      expect(result.stdout.toString()).toBe('posix_spawn: Success\nexec target: [self] [via] [posix_spawn] EXEC_VAR=spawned\nspawned: exited 12\n');
    });
  }

  it.skipIf(!fs.existsSync(busybox))('runs a #! script through its interpreter', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-script-'));
    const script = path.join(directory, 'script');
    fs.writeFileSync(script, `#!${busybox} sh\necho "script: $0 $*"\nexit 5\n`, { mode: 0o755 });
    try {
      const result = await runCaptured({ engine: 'interp', path: busybox, argv: [busybox, 'sh', '-c', `${script} a b; echo status $?`], env: {}, cwd: directory });
      expect(result.stdout.toString()).toBe(`script: ${script} a b\nstatus 5\n`);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it.skipIf(!fs.existsSync(busybox))('bounds a fork bomb with EAGAIN', async () => {
    // Each child forks once more and waits: the chain stops at the process cap, then unwinds.
    const result = await runCaptured({ engine: 'interp', path: busybox, argv: [busybox, 'sh', '-c', 'f() { f & wait; }; f; echo done'], env: {}, cwd: root, maxProcesses: 24 });
    expect(result.stdout.toString()).toContain('done');
    expect(result.stderr.toString()).toMatch(/can't fork/);
  }, 120_000);
});
