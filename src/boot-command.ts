// `mipsjit boot`: boots a Linux kernel on the Malta board, like `qemu-system-mipsel -M malta
// -nographic -no-reboot`. The serial console is stdin/stdout (raw mode on a terminal, restored
// on every way out; Ctrl-A x quits, Ctrl-A h lists the keys). Exit status 0 when the guest
// powers off or reboots or the user quits; 1 when the guest stops making progress (with a
// one-line diagnosis); 2 for bad input (missing files, not a MIPS32 little-endian kernel, RAM
// too small).

import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { BootConfigError, MaltaBoard, MAX_RAM_MIB, type MaltaStats } from './board/malta/board.js';
import { CONSOLE_HELP, ConsoleKeys } from './board/console-keys.js';

export const BOOT_USAGE = `usage: mipsjit boot --kernel FILE [--initrd FILE] [--append "..."] [--mem MiB] [--engine interp|jit] [--stall-seconds S] [--stats]

Boots a MIPS32 little-endian Linux kernel (an ELF vmlinux/vmlinuz) on a Malta board.

options:
  --kernel FILE           the kernel (e.g. Debian's /boot/vmlinuz-*-4kc-malta)
  --initrd FILE           an initial RAM disk, placed and passed as QEMU's -initrd does
  --append "..."          the kernel command line (default "console=ttyS0")
  --mem MiB               RAM, 16..${MAX_RAM_MIB} (default 256)
  --engine interp|jit     execution engine (default jit)
  --stall-seconds S       how long the guest may take the same fault over and over before the
                          run ends with a diagnosis and status 1 (default 5)
  --stats                 print instructions, speed and compiled share to stderr at the end
console keys: Ctrl-A x quits, Ctrl-A h lists the keys.
`;

/** Bad command-line input: one line, exit status 2. */
export class BootUsageError extends Error {}

interface BootCommand {
  kernel: string;
  initrd: string | undefined;
  append: string | undefined;
  memoryMiB: number;
  engine: 'interp' | 'jit';
  stallSeconds: number | undefined;
  stats: boolean;
}

function parseBoot(argv: string[]): BootCommand | 'help' {
  const command: Partial<BootCommand> = { memoryMiB: MAX_RAM_MIB, engine: 'jit', stats: false };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const equals = argument.indexOf('=');
    const name = argument.startsWith('--') && equals > 0 ? argument.slice(0, equals) : argument;
    const inline = argument.startsWith('--') && equals > 0 ? argument.slice(equals + 1) : undefined;
    const value = (): string => {
      const text = inline ?? argv[++index];
      if (text === undefined) throw new BootUsageError(`${name} needs a value`);
      return text;
    };
    switch (name) {
      case '--kernel':
        command.kernel = value();
        break;
      case '--initrd':
        command.initrd = value();
        break;
      case '--append':
        command.append = value();
        break;
      case '--mem': {
        const text = value();
        const megabytes = /^\d+[mM]?$/.test(text) ? Number.parseInt(text, 10) : NaN;
        if (!(megabytes >= 16 && megabytes <= MAX_RAM_MIB)) throw new BootUsageError(`--mem ${text}: give 16..${MAX_RAM_MIB} (MiB)`);
        command.memoryMiB = megabytes;
        break;
      }
      case '--engine': {
        const engine = value();
        if (engine !== 'interp' && engine !== 'jit') throw new BootUsageError('--engine must be interp or jit');
        command.engine = engine;
        break;
      }
      case '--stall-seconds': {
        const text = value();
        const seconds = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : NaN;
        if (!(seconds > 0)) throw new BootUsageError(`--stall-seconds ${text}: give a positive number of seconds`);
        command.stallSeconds = seconds;
        break;
      }
      case '--stats':
        command.stats = true;
        break;
      case '-h':
      case '--help':
        return 'help';
      default:
        throw new BootUsageError(`boot: unknown option ${argument}`);
    }
  }
  if (command.kernel === undefined) throw new BootUsageError('boot: --kernel FILE is required');
  return command as BootCommand;
}

/** Reads a file the user named, or says in one line why it cannot be used. */
function readInput(what: string, path: string): Uint8Array {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new BootConfigError(`${what} ${path}: not a regular file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof BootConfigError) throw error;
    throw new BootConfigError(`${what} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (size === 0) throw new BootConfigError(`${what} ${path}: empty file`);
  return readFileSync(path);
}

function formatStats(stats: MaltaStats, engine: string): string {
  const seconds = stats.wallMs / 1000;
  const busySeconds = Math.max(1e-9, (stats.wallMs - stats.idleMs) / 1000);
  const share = stats.instructions > 0 ? (100 * stats.compiledInstructions) / stats.instructions : 0;
  return (
    `mipsjit: ${stats.instructions} instructions in ${seconds.toFixed(2)} s (${(stats.idleMs / 1000).toFixed(2)} s idle), ` +
    `${(stats.instructions / busySeconds / 1e6).toFixed(1)} MIPS while busy (${engine})` +
    (engine === 'jit' ? `, ${stats.blocksCompiled} blocks compiled, ${share.toFixed(1)}% of instructions in compiled code` : '')
  );
}

/**
 * `mipsjit boot ARGS` for the command line (src/cli.ts, which loads this module only for `boot`):
 * the exit status, bad input (BootUsageError, BootConfigError) told in one line through `report`.
 */
export async function bootCommandLine(argv: string[], report: (line: string) => void): Promise<number> {
  try {
    return await bootMain(argv);
  } catch (error) {
    if (error instanceof BootUsageError) {
      report(`mipsjit: ${error.message} (see mipsjit boot --help)\n`);
      return 2;
    }
    if (error instanceof BootConfigError) {
      report(`mipsjit: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

export async function bootMain(argv: string[]): Promise<number> {
  const command = parseBoot(argv);
  if (command === 'help') {
    process.stdout.write(BOOT_USAGE);
    return 0;
  }
  const kernel = readInput('kernel', command.kernel);
  const initrd = command.initrd === undefined ? undefined : readInput('initrd', command.initrd);
  const board = await MaltaBoard.create({
    kernel,
    ...(initrd !== undefined ? { initrd } : {}),
    ...(command.append !== undefined ? { append: command.append } : {}),
    memoryMiB: command.memoryMiB,
    engine: command.engine,
    ...(command.stallSeconds !== undefined ? { stallSeconds: command.stallSeconds } : {}),
    kernelName: basename(command.kernel),
    // Back-pressure: the guest waits while stdout (a slow pipe or terminal) has not taken its bytes.
    consoleOutput: (bytes) => (process.stdout.write(bytes) ? undefined : new Promise<void>((resolve) => process.stdout.once('drain', resolve))),
  });

  const stdin = process.stdin;
  const terminal = stdin.isTTY === true;
  const restoreTerminal = (): void => {
    if (terminal && stdin.isRaw) stdin.setRawMode(false);
  };
  const keys = new ConsoleKeys();
  const onData = (chunk: Buffer): void => {
    const { toGuest, actions } = keys.feed(chunk);
    if (toGuest.length > 0) board.input(toGuest);
    for (const action of actions) {
      if (action === 'quit') board.stop();
      else if (action === 'help') process.stderr.write(`\r\n${CONSOLE_HELP}\r\n`);
      else process.stderr.write(`\r\n${formatStats(board.stats, command.engine)}\r\n`);
    }
  };
  const onSignal = (): void => board.stop();
  if (terminal) stdin.setRawMode(true);
  process.on('exit', restoreTerminal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  stdin.on('data', onData);
  stdin.on('error', () => {});
  try {
    const stop = await board.run();
    if (command.stats) process.stderr.write(`${terminal ? '\r\n' : ''}${formatStats(board.stats, command.engine)}\n`);
    if (stop.reason === 'stalled') {
      restoreTerminal();
      process.stderr.write(`\nmipsjit: the guest stopped making progress: ${stop.message}\n`);
      return 1;
    }
    return 0;
  } finally {
    stdin.off('data', onData);
    stdin.pause();
    restoreTerminal();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
