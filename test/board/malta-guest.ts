// The Linux guest the Malta boot tests run, under mipsjit and under qemu-system-mipsel alike:
// Debian's 4kc-malta kernel (test/board/malta-kernel.sh) and an initramfs whose /init is busybox
// sh running a few commands (pipelines and command substitutions: fork and exec under the guest
// kernel) and then giving a shell on the console, into which consoleSession types commands (as a
// person would) and then `poweroff -f`. Lines /init prints for the comparison start with "init: ".
// One boot serves the boot-log comparison and the typed commands (each boot costs ~20 s).

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { busyboxRoot, cpioNewc } from '../../src/board/initramfs.js';

/** A gzip-compressed initramfs of busybox with `init` as /init. */
const initramfs = (busybox: string, init: string): Uint8Array => gzipSync(cpioNewc(busyboxRoot(readFileSync(busybox), init)), { level: 9 });

const root = path.resolve(import.meta.dirname, '../..');

/** Runs a fetch script; its last stdout line is the file's path. Undefined when it cannot. */
function fetched(script: string): string | undefined {
  try {
    const found = execFileSync('bash', [path.join(root, script)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 300_000 }).trim();
    return found === '' ? undefined : found.split('\n').pop();
  } catch {
    return undefined;
  }
}

export const INIT_SCRIPT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
echo "init: hello from /init"
echo "init: pipeline: $(echo one two three four | tr ' ' '\\n' | sort -r | tr '\\n' ' ')"
echo "init: substitution: $(echo nested $(echo deeper $(echo deepest)))"
echo "init: sum: $(seq 1 100 | awk '{ s += $1 } END { print s }')"
echo "init: machine: $(uname -s -m)"
echo "init: cpus: $(grep -c ^processor /proc/cpuinfo)"
echo "init: memory: $(awk '/^MemTotal/ { print ($2 > 200000 ? "over 200 MB" : "small") }' /proc/meminfo)"
ls / | sort | while read name; do echo "init: root has $name"; done
echo "init: sha256: $(echo mipsjit | sha256sum)"
sh -c 'exit 3'; echo "init: child status $?"
mount -t devtmpfs dev /dev
echo "init: done"
exec setsid cttyhack sh
`;

export interface MaltaGuest {
  kernel: string;
  initrd: Uint8Array;
}

/** The kernel and initramfs, or undefined when Debian's packages cannot be fetched here. */
export function maltaGuest(): MaltaGuest | undefined {
  const kernel = fetched('test/board/malta-kernel.sh');
  const busybox = fetched('test/guest/busybox.sh');
  if (kernel === undefined || busybox === undefined) return undefined;
  return { kernel, initrd: initramfs(busybox, INIT_SCRIPT) };
}

export const KERNEL_COMMAND_LINE = 'console=ttyS0 rdinit=/init';

/** The "init: " lines of a console transcript, in order. */
export function initLines(console: string): string[] {
  return console
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.startsWith('init: '));
}

export const hasQemuSystem = spawnSync('qemu-system-mipsel', ['-version']).status === 0;

/** Commands typed at the guest's shell prompt, in order (then `poweroff -f`). */
export const COMMANDS = ['uname -m', 'echo $((6*7))', 'ls /', 'grep -E "^(system type|cpu model|processor)" /proc/cpuinfo', 'echo one two | wc -w'];

/** One boot of the guest: its console, the answers to COMMANDS, and how the command ended. */
export interface ConsoleSession {
  console: string;
  answers: string[];
  status: number | null;
  stderr: string;
}

/** Writes the guest's initramfs to a temporary file (for `-initrd` and `--initrd`); returns its path. */
export function writeInitrd(guest: MaltaGuest): string {
  const initrdPath = path.join(mkdtempSync(path.join(tmpdir(), 'malta-')), 'initrd.gz');
  writeFileSync(initrdPath, guest.initrd);
  return initrdPath;
}

/**
 * Runs `command` (a machine whose serial console is its stdin and stdout, as pipes), waits for
 * the shell prompt, types COMMANDS and `poweroff -f`, and returns the session once it exits.
 */
export async function consoleSession(command: string, args: readonly string[], bootTimeoutMs = 600_000): Promise<ConsoleSession> {
  const child = spawn(command, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('latin1');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('latin1');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (status) => resolve(status)));
  // Both pipes drained: the console's last bytes (the kernel's "reboot: Power down") are in `output`.
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  try {
    const answers = await typeCommands(child.stdin, () => output, COMMANDS, '/ # ', 120_000, bootTimeoutMs);
    child.stdin.write('poweroff -f\n');
    const status = await exited;
    await closed;
    return { console: output, answers, status, stderr };
  } finally {
    child.kill();
  }
}

/** Boots the guest under qemu-system-mipsel -M malta (the oracle) with the initramfs at `initrdPath`. */
export function bootUnderQemu(guest: MaltaGuest, initrdPath: string): Promise<ConsoleSession> {
  return consoleSession('qemu-system-mipsel', ['-M', 'malta', '-cpu', '24Kf', '-m', '256', '-nographic', '-no-reboot', '-kernel', guest.kernel, '-initrd', initrdPath, '-append', KERNEL_COMMAND_LINE]);
}

/** Boots the guest through the real command line, `mipsjit boot` (dist/cli.cjs), with --stats. */
export function bootUnderMipsjit(guest: MaltaGuest, initrdPath: string, engine: 'interp' | 'jit', bootTimeoutMs?: number): Promise<ConsoleSession> {
  const cli = path.join(root, 'dist/cli.cjs');
  return consoleSession(process.execPath, [cli, 'boot', '--kernel', guest.kernel, '--initrd', initrdPath, '--append', KERNEL_COMMAND_LINE, '--engine', engine, '--stats'], bootTimeoutMs);
}

/** What `mipsjit boot --stats` printed on stderr at the end: instructions run and the share in compiled code. */
export function bootStats(stderr: string): { instructions: number; compiledShare: number } | undefined {
  const match = /mipsjit: (\d+) instructions in .*?(?:, ([\d.]+)% of instructions in compiled code)?$/m.exec(stderr);
  return match === null ? undefined : { instructions: Number(match[1]), compiledShare: match[2] === undefined ? 0 : Number(match[2]) / 100 };
}

export const EXPECTED_PATH = path.join(root, 'test/board/expected/malta-init.txt');
/** The lines of a recording in test/board/expected/. */
export const recordedLines = (file: string): string[] => readFileSync(file, 'utf8').trimEnd().split('\n');
/** The kernel's boot log under qemu-system-mipsel, up to /init (kernelLog), recorded by record-malta.ts. */
export const BOOT_LOG_PATH = path.join(root, 'test/board/expected/malta-boot-log.txt');

/** The lines where two logs differ, as `index: expected | actual` (for a readable failure). */
export function logDifferences(actual: readonly string[], expected: readonly string[]): string {
  const differences: string[] = [];
  for (let index = 0; index < Math.max(actual.length, expected.length); index++) {
    if (actual[index] !== expected[index]) differences.push(`${index}: ${JSON.stringify(expected[index])} | ${JSON.stringify(actual[index])}`);
  }
  return differences.slice(0, 20).join('\n');
}

/** Lines asynchronous kernel work prints wherever it finishes (initramfs unpacking, the keyboard probe, the audit thread). */
const ASYNCHRONOUS = [/^Trying to unpack rootfs image as initramfs/, /^Freeing initrd memory/, /^input: AT Raw Set 2 keyboard/, /^random: crng init done/, /^audit: type=2000 /];

/**
 * Lines the kernel prints up to `Run /init as init process` (and asynchronous ones after), with
 * what depends on the host's clock and speed taken out: timestamps; the CPU frequency, Count
 * clock and BogoMIPS it measures; wall-clock dates (audit, RTC); lines that report a slow step on
 * a loaded host ("... took N usecs", "hrtimer: interrupt took N ns", "... hogged CPU for ...").
 * Lines of asynchronous work (and the RNG's readiness) go last, sorted (their place depends on
 * timing), with the input device's number (which probe took number 0 varies from boot to boot
 * under QEMU too) as N.
 */
export function kernelLog(console: string): string[] {
  const ordered: string[] = [];
  const asynchronous: string[] = [];
  let initRuns = false;
  for (const raw of console.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/^\[ *\d+\.\d+\] /, '');
    if (/ took \d+ (?:ns|us|usecs|ms)\b/.test(line) || / hogged CPU for /.test(line)) continue;
    const normalized = line
      .replace(/^CPU frequency .*/, 'CPU frequency (measured)')
      .replace(/^(clocksource: MIPS: mask: 0xffffffff max_cycles: 0xffffffff, max_idle_ns:) \d+ ns$/, '$1 (measured)')
      .replace(/^sched_clock: 32 bits at .*/, 'sched_clock: (measured)')
      .replace(/^Calibrating delay loop\.\.\. .*/, 'Calibrating delay loop... (measured)')
      .replace(/audit\(\d+\.\d+:(\d+)\)/, 'audit(TIME:$1)')
      .replace(/^(rtc_cmos 70\.rtc: setting system clock to) .*/, '$1 (now)')
      .replace(/\/input\/input\d+$/, '/input/inputN');
    if (ASYNCHRONOUS.some((pattern) => pattern.test(line))) asynchronous.push(normalized);
    else if (!initRuns) ordered.push(normalized);
    if (line === 'Run /init as init process') initRuns = true;
  }
  return [...ordered, ...asynchronous.sort()];
}

/**
 * A kernel message on the console ("[   38.880178] hrtimer: interrupt took 12431170 ns", which a
 * loaded host gets): the kernel prints it wherever the console is, at the start of a line or in
 * the middle of a typed command's echo or of the prompt.
 */
const KERNEL_MESSAGE = /\[ *\d+\.\d+\] [^\n]*\n/g;

/** Types `commands` one by one at a shell prompt on `stdin`, returning what each printed (prompt, echo and kernel messages removed). */
export async function typeCommands(
  stdin: NodeJS.WritableStream,
  output: () => string,
  commands: readonly string[],
  prompt = '/ # ',
  timeoutMs = 120_000,
  bootTimeoutMs = 600_000,
): Promise<string[]> {
  /** The console from offset `start` on, without the kernel's messages. */
  const shellText = (start: number): string => output().slice(start).replace(KERNEL_MESSAGE, '');
  const waitFor = async (predicate: () => boolean, what: string, limitMs = timeoutMs): Promise<void> => {
    const deadline = Date.now() + limitMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; console ends with:\n${output().slice(-1500)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await waitFor(() => shellText(0).includes(prompt), 'the first prompt', bootTimeoutMs);
  const answers: string[] = [];
  for (const command of commands) {
    const start = output().length;
    // Enter on a terminal sends CR; the guest's tty turns it into a newline.
    stdin.write(`${command}\r`);
    // The guest's tty echoes the line; the answer ends at the next prompt.
    const answered = (): boolean => {
      const text = shellText(start);
      const echoed = text.indexOf(command);
      return echoed >= 0 && text.indexOf(prompt, echoed + command.length) >= 0;
    };
    await waitFor(answered, `the answer to ${command}`);
    const text = shellText(start);
    const afterEcho = text.slice(text.indexOf(command) + command.length);
    answers.push(afterEcho.slice(0, afterEcho.indexOf(prompt)).replace(/\r/g, '').replace(/^\n/, ''));
  }
  return answers;
}
