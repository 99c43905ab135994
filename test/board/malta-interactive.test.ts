// A person at the console: `mipsjit boot` (the real command line, stdin and stdout as pipes) of
// Debian's Malta kernel with a shell as init; commands typed at the prompt get their answers,
// compared with what the same session gives under qemu-system-mipsel where it is installed;
// `poweroff -f` ends the command with status 0.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { busyboxPath, hasQemuSystem, kernelPath, shellInitrd, typeCommands } from './malta-guest.js';

const root = path.resolve(import.meta.dirname, '../..');
const kernel = kernelPath();
const busybox = busyboxPath();
const COMMANDS = ['uname -m', 'echo $((6*7))', 'ls /', 'grep -E "^(system type|cpu model|processor)" /proc/cpuinfo', 'echo one two | wc -w'];

async function session(command: string, args: string[]): Promise<{ answers: string[]; status: number | null }> {
  const child = spawn(command, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('latin1');
  });
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (status) => resolve(status)));
  try {
    const answers = await typeCommands(child.stdin, () => output, COMMANDS);
    child.stdin.write('poweroff -f\n');
    return { answers, status: await exited };
  } finally {
    child.kill();
  }
}

describe.skipIf(kernel === undefined || busybox === undefined)('mipsjit boot, typed at', () => {
  it('answers commands typed at the shell prompt and exits 0 on poweroff', async () => {
    const initrdPath = path.join(mkdtempSync(path.join(tmpdir(), 'malta-')), 'shell.gz');
    writeFileSync(initrdPath, shellInitrd(busybox!));
    const append = 'console=ttyS0 rdinit=/init';
    const ours = await session(process.execPath, [path.join(root, 'dist/cli.js'), 'boot', '--kernel', kernel!, '--initrd', initrdPath, '--append', append]);
    expect(ours.status).toBe(0);
    expect(ours.answers[0]).toBe('mips\n');
    expect(ours.answers[1]).toBe('42\n');
    expect(ours.answers[2]).toMatch(/bin\s+dev\s+init\s+proc\s+root/);
    expect(ours.answers[3]).toContain('cpu model\t\t: MIPS 24Kc');
    expect(ours.answers[4]).toBe('2\n');
    if (hasQemuSystem) {
      const qemu = await session('qemu-system-mipsel', ['-M', 'malta', '-cpu', '24Kf', '-m', '256', '-nographic', '-no-reboot', '-kernel', kernel!, '-initrd', initrdPath, '-append', append]);
      expect(ours.answers).toEqual(qemu.answers);
    }
  }, 1_200_000);
});
