// The mipsjit command line: `mipsjit run [options] prog [args...]` runs a static mipsel Linux program
// like qemu-mipsel (stdio and environment pass through; the exit status is the guest's).
// Bad input gives one line on stderr and exit status 2, never a stack trace. The build makes it
// dist/cli-main.cjs, which dist/cli.cjs (src/cli-launch.ts) starts with V8's code cache.

import { statSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SYSROOT, INSTRUCTION_LIMIT_STATUS, LoadError, runProgram } from './linux/process.js';
import { defaultAction, guestSignalNumber, Signal, signalName } from './linux/signals.js';
import { rootedFileSystem } from './fs/rooted-fs.js';
import type { FileSystem } from './fs/file-system.js';
import { BUILD_ID } from './build-id.js';
import { CodeCacheFile, defaultCacheDirectory, programSample } from './code-cache-file.js';

const USAGE = `usage: mipsjit run [-L SYSROOT] [--engine interp|jit] [--no-code-cache] [--root DIR] [--stats] [--trace N] [--max-instructions N] prog [args...]
       mipsjit boot --kernel FILE [--initrd FILE] [--append "..."] [--mem MiB] [--engine interp|jit] [--stall-seconds S] [--stats]

run: runs a MIPS32r2 little-endian (mipsel) Linux program, statically or dynamically linked.
boot: boots a Linux kernel on a Malta board (mipsjit boot --help).

options:
  -L SYSROOT              look absolute guest paths (the dynamic loader, libraries) up in SYSROOT
                          first, as qemu-mipsel -L does (also from QEMU_LD_PREFIX; dynamically
                          linked programs default to ${DEFAULT_SYSROOT}, Debian's libc6-mipsel-cross)
  --engine interp|jit     execution engine (default: jit: interpret, compile hot code to WebAssembly)
  --no-code-cache         neither use nor keep compiled code of earlier runs (the JIT keeps a
                          program's compiled code in $MIPSJIT_CACHE_DIR, else $XDG_CACHE_HOME/mipsjit,
                          else ~/.cache/mipsjit, and installs it in later runs of the same program)
  --root DIR              confine the guest to DIR as chroot would (prog is a path inside DIR)
  --stats                 print instruction count, time and speed to stderr at exit
  --trace N               print the first N executed instructions to stderr
  --max-instructions N    stop after N instructions (exit status ${INSTRUCTION_LIMIT_STATUS})
  -h, --help              show this help
`;

/**
 * Standard output or error became a Node stream (the boot console writes through them, or a
 * descriptor refused a synchronous write): runCommandLine lets it drain before leaving.
 */
let standardStreamsBuilt = false;

/**
 * Writes the command line's own text (usage, errors, --stats) to descriptor 1 or 2 synchronously,
 * without building process.stdout or process.stderr: their stream classes (net for a pipe, tty
 * for a terminal) took ~2-3 ms of every run to load. A descriptor that refuses (left
 * non-blocking by the parent: EAGAIN) gets the rest through the stream.
 */
function writeText(fd: 1 | 2, text: string): void {
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(fd, bytes, written);
  } catch {
    standardStreamsBuilt = true;
    (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(written));
  }
}

/** A usage error: reported as one line, exit status 2. */
class UsageError extends Error {}

interface RunCommand {
  engine: 'interp' | 'jit';
  /** Use and keep compiled code across runs (src/code-cache-file.ts); --no-code-cache clears it. */
  codeCache: boolean;
  stats: boolean;
  trace: number;
  maxInstructions: number | undefined;
  /** -L, or QEMU_LD_PREFIX from the environment; undefined: none given. */
  sysroot: string | undefined;
  /** --root: the host directory the guest is confined to. */
  root: string | undefined;
  program: string;
  args: string[];
}

function parseCount(option: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${option} needs a non-negative integer`);
  return Number(value);
}

function parseRun(argv: string[]): RunCommand {
  const fromEnvironment = process.env.QEMU_LD_PREFIX;
  const command: RunCommand = {
    engine: 'jit',
    codeCache: true,
    stats: false,
    trace: 0,
    maxInstructions: undefined,
    sysroot: fromEnvironment !== undefined && fromEnvironment !== '' ? fromEnvironment : undefined,
    root: undefined,
    program: '',
    args: [],
  };
  let index = 0;
  while (index < argv.length) {
    const argument = argv[index]!;
    if (argument === '--') {
      index++;
      break;
    }
    if (!argument.startsWith('-') || argument === '-') break;
    const [name, inlineValue] = argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
    const value = (): string | undefined => inlineValue ?? argv[++index];
    switch (name) {
      case '--engine': {
        const engine = value();
        if (engine !== 'interp' && engine !== 'jit') throw new UsageError(`--engine must be interp or jit`);
        command.engine = engine;
        break;
      }
      case '-L': {
        const sysroot = value();
        if (sysroot === undefined || sysroot === '') throw new UsageError('-L needs a directory');
        command.sysroot = sysroot;
        break;
      }
      case '--stats':
        command.stats = true;
        break;
      case '--no-code-cache':
        command.codeCache = false;
        break;
      case '--root': {
        const root = value();
        if (root === undefined || root === '') throw new UsageError('--root needs a directory');
        command.root = root;
        break;
      }
      case '--trace':
        command.trace = parseCount('--trace', value());
        break;
      case '--max-instructions':
        command.maxInstructions = parseCount('--max-instructions', value());
        break;
      case '-h':
      case '--help':
        writeText(1, USAGE);
        process.exit(0);
        break;
      default:
        throw new UsageError(`unknown option ${argument}`);
    }
    index++;
  }
  const program = argv[index];
  if (program === undefined) throw new UsageError('run: missing program');
  command.program = program;
  command.args = argv.slice(index + 1);
  return command;
}

// What the `mipsjit` command's `sh` lines note before Node starts (scripts/build.mjs
// LAUNCHER_PROLOGUE), as Node changes each at its start: the descriptors above 2 its caller passed
// (Node marks all close-on-exec), which of 0, 1 and 2 its caller closed (Node opens them on
// /dev/null), and the signals its caller left ignored (Node sets them back to their defaults).
// The guest gets each as qemu-mipsel's guest would; under `node dist/cli.cjs` there is nothing.

/** The value of the launcher's variable `name`, taken out of the environment the guest gets. */
function takeLauncherVariable(name: string): string {
  const value = process.env[name] ?? '';
  delete process.env[name];
  return value;
}

/** Host descriptors above 2 the caller passed (`mipsjit run prog 3<file`), lent under the same numbers. */
function inheritedDescriptors(): number[] {
  return takeLauncherVariable('MIPSJIT_INHERITED_FDS')
    .split(' ')
    .filter((word) => /^\d+$/.test(word))
    .map(Number)
    .filter((fd) => fd > 2);
}

/** Which of the guest's 0, 1 and 2 stay closed: the caller closed them (`prog <&-`). */
function closedStandardDescriptors(): Set<number> {
  const listed = takeLauncherVariable('MIPSJIT_CLOSED_STDIO').split(' ');
  return new Set(listed.filter((word) => word === '0' || word === '1' || word === '2').map(Number));
}

/** The guest's numbers of the signals the caller left ignored (SigIgn: host numbers, bit N-1 for N). */
function ignoredSignals(): number[] {
  const mask = takeLauncherVariable('MIPSJIT_IGNORED_SIGNALS');
  if (!/^[0-9a-fA-F]{1,16}$/.test(mask)) return [];
  const bits = BigInt(`0x${mask}`);
  const ignored: number[] = [];
  for (const [name, hostNumber] of Object.entries(constants.signals)) {
    if (hostNumber > 31 || ((bits >> BigInt(hostNumber - 1)) & 1n) === 0n) continue;
    const guestNumber = guestSignalNumber(name);
    if (guestNumber !== undefined) ignored.push(guestNumber);
  }
  return ignored;
}

/**
 * The host environment for the guest, in reverse order: qemu-mipsel's envlist hands the guest its
 * environment last variable first, and we match the oracle (`busybox env` prints the same).
 */
function hostEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env).reverse()) if (value !== undefined) env[name] = value;
  return env;
}

/**
 * The program's persistent code cache, or undefined when the program cannot be read (runProgram
 * then reports that) or the compiler's version is unknown (no build id: running from the
 * TypeScript sources, where a changed translator could not be told apart).
 */
function openCodeCache(command: RunCommand): CodeCacheFile | undefined {
  const version = BUILD_ID;
  if (version === undefined) return undefined;
  const file = command.root !== undefined ? join(command.root, command.program) : command.program;
  try {
    // Only a regular file (not a FIFO or a device, which a sample would consume or block on).
    if (!statSync(file).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const sample = programSample(file);
  return sample === undefined ? undefined : new CodeCacheFile(defaultCacheDirectory(), sample, version);
}

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '-h' || verb === '--help' || verb === 'help') {
    writeText(verb === undefined ? 2 : 1, USAGE);
    return verb === undefined ? 2 : 0;
  }
  if (verb === 'boot') {
    standardStreamsBuilt = true;
    // Loaded only here: the board and the system-mode engine are ~30% of the command line's code,
    // which every `run` would read and set up at start (scripts/build.mjs builds them apart).
    const { bootCommandLine } = await import('./boot-command.js');
    return bootCommandLine(rest, (line) => writeText(2, line));
  }
  if (verb !== 'run') throw new UsageError(`unknown command ${verb}`);
  const command = parseRun(rest);
  let fileSystem: FileSystem | undefined;
  if (command.root !== undefined) {
    try {
      fileSystem = rootedFileSystem(command.root);
    } catch {
      throw new UsageError(`--root ${command.root}: not a directory`);
    }
  }
  const codeStore = command.engine === 'jit' && command.codeCache ? openCodeCache(command) : undefined;
  const inheritedFds = inheritedDescriptors();
  const ignored = ignoredSignals();
  const closed = closedStandardDescriptors();
  const result = await runProgram({
    ...(fileSystem !== undefined ? { fileSystem, cwd: '/' } : {}),
    ...(codeStore !== undefined ? { codeStore } : {}),
    path: command.program,
    argv: [command.program, ...command.args],
    env: hostEnvironment(),
    inheritedFds,
    ignoredSignals: ignored,
    // A host fd of -1 is one the guest finds closed (FdTable.withStdio).
    ...(closed.size > 0 ? { stdin: closed.has(0) ? -1 : 0, stdout: closed.has(1) ? -1 : 1, stderr: closed.has(2) ? -1 : 2 } : {}),
    engine: command.engine,
    trace: command.trace,
    ...(command.sysroot !== undefined ? { sysroot: command.sysroot } : {}),
    ...(command.maxInstructions !== undefined ? { maxInstructions: command.maxInstructions } : {}),
  });
  if (command.stats) {
    const mips = result.seconds > 0 ? result.instructions / result.seconds / 1e6 : 0;
    writeText(2, `mipsjit: ${result.instructions} instructions in ${result.seconds.toFixed(3)} s, ${mips.toFixed(1)} MIPS (${command.engine})\n`);
    const jit = result.jit;
    if (jit) {
      const perBlock = jit.blocksCompiled > 0 ? (jit.compileSeconds * 1e6) / jit.blocksCompiled : 0;
      const share = result.instructions > 0 ? (100 * jit.compiledInstructions) / result.instructions : 0;
      writeText(
        2,
        `mipsjit: jit: ${jit.blocksCompiled} blocks in ${jit.regionsCompiled} modules (${jit.liveRegions} live, ${jit.regionsRestored} from the code cache), ` +
          `compile ${(jit.compileSeconds * 1000).toFixed(1)} ms (${perBlock.toFixed(0)} us/block), ` +
          `${share.toFixed(1)}% of instructions in compiled code, ` +
          `${jit.regionCalls} calls into compiled code (${result.instructions > 0 ? ((jit.regionCalls * 1e6) / result.instructions).toFixed(0) : 0} per million instructions)\n`,
      );
    }
  }
  if (result.signal !== undefined) killedBy = result.signal;
  return result.exitStatus;
}

/** The (MIPS-numbered) signal that killed the guest, when one did. */
let killedBy: number | undefined;

/**
 * The host signal this process ends by when the guest was killed by `signal`, so that the caller
 * sees what qemu-mipsel's caller sees (a shell's loop stops on Ctrl-C, `wait` reports the
 * signal): only signals whose default action terminates without a core file, as a core of Node
 * would be the emulator's, not the guest's (qemu-mipsel turns its own core dumps off; Node cannot),
 * and neither SIGUSR1 (Node's inspector) nor SIGPIPE (which Node ignores). Others leave with the
 * status 128 + N a shell would show.
 */
function hostSignalToDieBy(signal: number): NodeJS.Signals | undefined {
  if (defaultAction(signal) !== 'terminate' || signal === Signal.SIGUSR1 || signal === Signal.SIGPIPE) return undefined;
  const name = signalName(signal);
  return Object.hasOwn(constants.signals, name) ? (name as NodeJS.Signals) : undefined;
}

/** Runs the command line and leaves the process with its exit status. */
async function runCommandLine(): Promise<void> {
  let status: number;
  try {
    status = await main(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      writeText(2, `mipsjit: ${error.message} (see mipsjit --help)\n`);
      status = 2;
    } else if (error instanceof LoadError) {
      writeText(2, `mipsjit: ${error.message}\n`);
      status = 2;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      writeText(2, `mipsjit: internal error: ${message}\n`);
      status = 70;
    }
  }
  process.exitCode = status;
  // Leave at once instead of letting the event loop drain: Node would first wait for V8's
  // background tier-up of the run's WebAssembly (TurboFan compiles of hot regions, queued on 2
  // cores), which nothing needs any more: 1-2.7 s after a short JIT run here (callbench 3), ~0.5 s
  // with this. Standard output and error are synchronous for files, pipes and terminals on Linux;
  // a write still buffered (another platform, the boot console) is flushed first.
  if (standardStreamsBuilt) await Promise.all([process.stdout, process.stderr].map((stream) => (stream.writableNeedDrain ? new Promise((resolve) => stream.once('drain', resolve)) : undefined)));
  const dieBy = killedBy !== undefined ? hostSignalToDieBy(killedBy) : undefined;
  if (dieBy !== undefined) {
    // The scheduler's forwarding listeners are gone by now; none must catch it.
    process.removeAllListeners(dieBy);
    process.kill(process.pid, dieBy);
  }
  process.exit(status);
}

// No top-level await: the build makes this file a CommonJS bundle that dist/cli.cjs (src/cli-launch.ts)
// runs with V8's code cache.
void runCommandLine();
