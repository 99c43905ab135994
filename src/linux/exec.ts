// Building a fresh address space for a program, as Linux's execve does: `#!` scripts run their
// interpreter (the script's path becomes an argument), ELF programs are mapped, a dynamically
// linked one gets its PT_INTERP loader (looked up in the sysroot, as qemu-user's -L does) mapped
// beside it, and the initial stack holds argv, envp and the auxiliary vector (AT_BASE = the
// loader's load address, AT_ENTRY = the program's entry).

import * as fs from '../fs/file-system.js';
import { resolve } from 'node:path';
import { PAGE_MASK, PAGE_SIZE, Perm } from '../../runtime/flat-memory.js';
import { fillRandom } from '../host/node-builtins.js';
import { Errno } from './errno.js';
import { bytesSource, ElfError, loadElf, parseElf, ProgramHeaderType, type ElfImage, type SegmentSource } from './elf.js';
import { MMAP_TOP, STACK_SIZE, STACK_TOP } from './layout.js';
import { initialFpr64 } from './fp-mode.js';
import { Mm, type EngineOptions } from './mm.js';
import type { AddressSpace } from './address-space.js';
import { TRAMPOLINE_WORDS } from './signal-frame.js';
import { buildInitialStack } from './stack.js';

/** A program that cannot be executed: the errno execve returns and a line for the user. */
export class ExecError extends Error {
  override name = 'ExecError';
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
  }
}

/** Where the signal-return trampoline page sits: the page above the stack (like a vDSO). */
export const TRAMPOLINE_PAGE = STACK_TOP;
/** Where the dynamic loader of a dynamically linked program is mapped (below the mmap area). */
const INTERPRETER_BASE = MMAP_TOP;
/** Linux's BINPRM_BUF_SIZE: how much of a `#!` line counts. */
const SCRIPT_LINE_MAX = 256;
/** A task's name (/proc/self/comm) holds at most this many bytes (Linux's TASK_COMM_LEN less its NUL). */
const TASK_COMM_LENGTH = 15;
/** Nested `#!` interpreters Linux follows before ELOOP. */
const MAX_SCRIPT_DEPTH = 4;

export interface ExecRequest {
  /** Host path of the file to run (already resolved against the cwd and sysroot). */
  hostPath: string;
  argv: Uint8Array[];
  envp: Uint8Array[];
  /** The file name as the caller gave it (AT_EXECFN, and the script argument for `#!`). */
  execfn: Uint8Array;
  engine: EngineOptions;
  /** QEMU's -L: absolute guest paths are looked up here first; undefined: no sysroot. */
  sysroot: string | undefined;
  /** The sysroot used for dynamically linked programs when none was given. */
  defaultSysroot: string;
  uid: number;
  gid: number;
  /** execve needs the file to be executable; the first program (like qemu-mipsel's) need not be. */
  requireExecutePermission: boolean;
}

export interface ExecResult {
  mm: Mm;
  /** Initial PC (the loader's entry for a dynamically linked program) and stack pointer. */
  pc: number;
  sp: number;
  /** The program that runs (the interpreter of a script), for /proc/self/exe. */
  programPath: string;
  /** /proc/self/cmdline: the arguments (a script's as its interpreter gets them), each ended by a NUL. */
  commandLine: Uint8Array;
  /** /proc/self/comm: the last component of the file name as the caller gave it (Linux's 15 bytes at most). */
  command: Uint8Array;
  /** The sysroot in force from now on (a dynamic program turns the default one on). */
  sysroot: string | undefined;
}

/** The host path for an absolute guest path under a sysroot: the sysroot's copy if it has one. */
export function inSysroot(sysroot: string | undefined, guestPath: string): string {
  if (sysroot === undefined || !guestPath.startsWith('/')) return guestPath;
  const candidate = sysroot + guestPath;
  // Most paths a program names are not in the sysroot: ENOENT comes back as undefined, not as
  // an Error (its stack trace cost ~5-8 us per call here).
  try {
    return fs.statSync(candidate, { throwIfNoEntry: false }) !== undefined ? candidate : guestPath;
  } catch {
    return guestPath;
  }
}

/** The first bytes read of a program: enough for a #! line, the ELF header and usually its program headers. */
const HEAD_BYTES = 0x1000;

/**
 * Programs opened lately (a shell script runs the same few again and again), per file system and
 * path, with what identifies the file's version: device, inode, size, times and its first bytes.
 * The first exec of a file reads its segments straight into guest memory and remembers only that
 * it ran; the next reads the bytes it asks for once and keeps them, and later ones copy those.
 */
const recentExecutables = new WeakMap<object, Map<string, { identity: string; head: Uint8Array; bytes: Uint8Array | undefined }>>();
const MAX_RECENT_EXECUTABLES = 8;
const MAX_REMEMBERED_EXECUTABLE = 16 << 20;

/** A program file opened for exec: its first bytes, and the rest as loadElf asks for it. */
export interface ExecutableFile extends SegmentSource {
  /**
   * The file's first bytes: a #! line, or the ELF header, program headers and the PT_INTERP and
   * PT_MIPS_ABIFLAGS contents (all the bytes asked for, when they are remembered).
   */
  readonly head: Uint8Array;
  /** How many bytes of the file the program asks for (PT_LOAD contents too), at most its size. */
  readonly length: number;
  /** Closes the file (its bytes can no longer be read). */
  close(): void;
}

/**
 * Opens a program: refuses anything but a regular file (checked on the open file, before any
 * read), then reads its first bytes; the rest of what its headers ask for (PT_LOAD contents) is
 * read when loadElf asks, never the rest of a large file. The caller closes it.
 */
export function openExecutable(hostPath: string): ExecutableFile {
  let fd: number;
  try {
    fd = fs.openSync(hostPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
    if (code === 'ENOENT') throw new ExecError(Errno.ENOENT, `${hostPath}: no such file`);
    if (code === 'ENOTDIR') throw new ExecError(Errno.ENOTDIR, `${hostPath}: not a directory`);
    if (code === 'EISDIR') throw new ExecError(Errno.EACCES, `${hostPath}: is a directory`);
    throw new ExecError(Errno.EACCES, `${hostPath}: permission denied (${(error as Error).message})`);
  }
  let open = true;
  const close = () => {
    if (open) fs.closeSync(fd);
    open = false;
  };
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new ExecError(Errno.EACCES, `${hostPath}: is a directory`);
    if (!stat.isFile()) throw new ExecError(Errno.EACCES, `${hostPath}: not a regular file`);
    const firstBytes = readAt(fd, 0, Math.min(stat.size, HEAD_BYTES));
    const identity = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
    const fileSystem = fs.fileSystemInForce();
    let recentHere = recentExecutables.get(fileSystem);
    if (recentHere === undefined) recentExecutables.set(fileSystem, (recentHere = new Map()));
    const recent = recentHere.get(hostPath);
    const seen = recent !== undefined && recent.identity === identity && Buffer.compare(recent.head, firstBytes) === 0;
    if (seen && recent.bytes !== undefined) {
      close();
      return bytesFile(recent.bytes);
    }
    const { head: headLength, wanted: wantedLength } = bytesAskedFor(fd, firstBytes, stat.size);
    const wanted = Math.min(stat.size, wantedLength);
    const remember = (bytes: Uint8Array | undefined) => {
      recentHere.delete(hostPath);
      recentHere.set(hostPath, { identity, head: firstBytes, bytes });
      if (recentHere.size > MAX_RECENT_EXECUTABLES) recentHere.delete(recentHere.keys().next().value!);
    };
    if (wanted <= firstBytes.length) {
      close();
      return bytesFile(firstBytes.subarray(0, wanted));
    }
    if (seen && wanted <= MAX_REMEMBERED_EXECUTABLE) {
      // Run before: read what it asks for once, and keep it for the execs after this one.
      const bytes = new Uint8Array(wanted);
      bytes.set(firstBytes);
      const end = readInto(fd, bytes, firstBytes.length, firstBytes.length);
      close();
      if (end < wanted) return bytesFile(bytes.subarray(0, end));
      remember(bytes);
      return bytesFile(bytes);
    }
    remember(undefined);
    const head = headLength <= firstBytes.length ? firstBytes : readAt(fd, 0, Math.min(stat.size, headLength));
    return {
      head,
      length: wanted,
      readInto(target, position) {
        if (!open) throw new Error(`${hostPath}: read after close`);
        const length = Math.max(0, Math.min(target.length, wanted - position));
        return readInto(fd, target.subarray(0, length), 0, position);
      },
      close,
    };
  } catch (error) {
    close();
    if (error instanceof ExecError) throw error;
    throw new ExecError(Errno.EACCES, `${hostPath}: permission denied (${(error as Error).message})`);
  }
}

/** An ExecutableFile of bytes in memory (all the program asks for). */
function bytesFile(bytes: Uint8Array): ExecutableFile {
  return { head: bytes, length: bytes.length, ...bytesSource(bytes), close() {} };
}

/** `length` bytes at `position` of `fd` (fewer at the end of the file). */
function readAt(fd: number, position: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  return bytes.subarray(0, readInto(fd, bytes, 0, position));
}

/**
 * Fills `bytes` from index `start` on with the file's bytes from `position` on; returns the index
 * where they end (the file may be shorter).
 */
function readInto(fd: number, bytes: Uint8Array, start: number, position: number): number {
  let done = start;
  while (done < bytes.length) {
    const count = fs.readSync(fd, bytes, done, bytes.length - done, position + done - start);
    if (count === 0) break;
    done += count;
  }
  return done;
}

/**
 * How many bytes from the start of the file the program needs: for a 32-bit little-endian ELF,
 * `wanted` reaches the end of its program headers and of every PT_LOAD/PT_INTERP segment's file
 * contents, and `head` (what parseElf reads) the end of the program headers and of the PT_INTERP
 * and PT_MIPS_ABIFLAGS contents; for anything else (a #! script, or a file parseElf will refuse),
 * both are the bytes read so far (`first`).
 */
function bytesAskedFor(fd: number, first: Uint8Array, size: number): { head: number; wanted: number } {
  const none = { head: first.length, wanted: first.length };
  if (first.length < 52 || first[0] !== 0x7f || first[1] !== 0x45 || first[2] !== 0x4c || first[3] !== 0x46 || first[4] !== 1 || first[5] !== 1) return none;
  const view = new DataView(first.buffer, first.byteOffset, first.byteLength);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phentsize !== 32 || phnum === 0 || phoff + phnum * 32 > size) return none;
  const headers = phoff + phnum * 32 <= first.length ? first.subarray(phoff, phoff + phnum * 32) : readAt(fd, phoff, phnum * 32);
  const table = new DataView(headers.buffer, headers.byteOffset, headers.byteLength);
  let head = Math.max(first.length, phoff + phnum * 32);
  let wanted = head;
  for (let index = 0; index < phnum; index++) {
    const type = table.getUint32(index * 32, true);
    const end = table.getUint32(index * 32 + 4, true) + table.getUint32(index * 32 + 16, true);
    if (type === ProgramHeaderType.Interp || type === ProgramHeaderType.MipsAbiFlags) head = Math.max(head, end);
    if (type === ProgramHeaderType.Load || type === ProgramHeaderType.Interp) wanted = Math.max(wanted, end);
  }
  return { head, wanted: Math.max(head, wanted) };
}

function isExecutable(hostPath: string): boolean {
  try {
    fs.accessSync(hostPath, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The interpreter and its optional argument of a `#!` line, or undefined when there is none. */
function parseScriptLine(bytes: Uint8Array): [string, string | undefined] | undefined {
  if (bytes[0] !== 0x23 || bytes[1] !== 0x21) return undefined;
  let end = bytes.indexOf(0x0a);
  if (end < 0 || end > SCRIPT_LINE_MAX) end = Math.min(bytes.length, SCRIPT_LINE_MAX);
  const line = Buffer.from(bytes.subarray(2, end)).toString('latin1').replace(/[ \t]+$/, '');
  const match = /^[ \t]*(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!match) throw new ExecError(Errno.ENOEXEC, 'empty #! line');
  return [match[1]!, match[2]];
}

function parseProgram(file: ExecutableFile, what: string): ElfImage {
  try {
    return parseElf(file.head, file.length);
  } catch (error) {
    if (error instanceof ElfError) throw new ExecError(Errno.ENOEXEC, `${what}: ${error.message}`);
    throw error;
  }
}

/** Builds the address space for `request`; throws ExecError (nothing is changed then). */
export function execProgram(request: ExecRequest): ExecResult {
  let hostPath = request.hostPath;
  let argv = request.argv;
  let execfn = request.execfn;
  // The program's file and its loader's stay open until their segments are in guest memory.
  const opened: ExecutableFile[] = [];
  try {
    let file: ExecutableFile;
    for (let depth = 0; ; depth++) {
      file = openExecutable(hostPath);
      opened.push(file);
      if ((depth > 0 || request.requireExecutePermission) && !isExecutable(hostPath)) throw new ExecError(Errno.EACCES, `${hostPath}: permission denied`);
      const script = parseScriptLine(file.head);
      if (script === undefined) break;
      file.close();
      if (depth >= MAX_SCRIPT_DEPTH) throw new ExecError(Errno.ELOOP, `${hostPath}: too many levels of #! interpreters`);
      const [interpreter, argument] = script;
      // The script's name as given replaces argv[0]; the interpreter (and its argument) go first.
      const encoder = new TextEncoder();
      argv = [encoder.encode(interpreter), ...(argument !== undefined ? [encoder.encode(argument)] : []), execfn, ...argv.slice(1)];
      hostPath = inSysroot(request.sysroot, interpreter);
      execfn = encoder.encode(interpreter);
    }
    return buildAddressSpace(request, hostPath, argv, file, parseProgram(file, hostPath), opened);
  } finally {
    for (const file of opened) file.close();
  }
}

/** execProgram's part after the program is found: its loader, then the new address space. */
function buildAddressSpace(request: ExecRequest, hostPath: string, argv: Uint8Array[], file: ExecutableFile, image: ElfImage, opened: ExecutableFile[]): ExecResult {
  let sysroot = request.sysroot;
  let interpreterImage: { image: ElfImage; file: ExecutableFile; path: string } | undefined;
  if (image.interpreter !== undefined) {
    sysroot ??= request.defaultSysroot;
    const loaderPath = inSysroot(sysroot, image.interpreter);
    let loaderFile: ExecutableFile;
    try {
      loaderFile = openExecutable(loaderPath);
    } catch (error) {
      if (error instanceof ExecError && error.errno === Errno.ENOENT) {
        throw new ExecError(Errno.ENOENT, `${hostPath}: its dynamic loader ${image.interpreter} was found neither in ${sysroot} nor on the host (use -L SYSROOT; Debian: apt-get install libc6-mipsel-cross)`);
      }
      throw error;
    }
    opened.push(loaderFile);
    const loader = parseProgram(loaderFile, loaderPath);
    if (loader.interpreter !== undefined) throw new ExecError(Errno.ENOEXEC, `${loaderPath}: the dynamic loader itself has PT_INTERP`);
    interpreterImage = { image: loader, file: loaderFile, path: loaderPath };
  }

  const fpr64 = initialFpr64(image.fpAbi, interpreterImage?.image.fpAbi, interpreterImage !== undefined);
  if (typeof fpr64 !== 'boolean') throw new ExecError(fpr64, `${hostPath}: no FPU mode suits its FP ABI and its loader's`);
  const mm = new Mm(request.engine);
  mm.cpu.fpr64 = fpr64;
  const space = mm.space;
  let loaded;
  let loaderBase = 0;
  let entry: number;
  try {
    loaded = loadElf(image, file, mm.mem);
    adoptImage(space, image, loaded.ranges, hostPath);
    entry = loaded.entry;
    if (interpreterImage !== undefined) {
      const span = elfSpan(interpreterImage.image);
      loaderBase = (INTERPRETER_BASE - span) & ~PAGE_MASK;
      const loaderLoaded = loadElf(interpreterImage.image, interpreterImage.file, mm.mem, loaderBase);
      adoptImage(space, interpreterImage.image, loaderLoaded.ranges, interpreterImage.path);
      entry = loaderLoaded.entry;
    }
  } catch (error) {
    mm.discard();
    if (error instanceof ElfError) throw new ExecError(Errno.ENOEXEC, `${hostPath}: ${error.message}`);
    throw error;
  }
  space.brkStart = loaded.brkStart;
  space.brk = loaded.brkStart;
  // The stack: 8 MiB below STACK_TOP, read/write (and executable, as on a pre-RIXI MIPS).
  space.map(STACK_TOP - STACK_SIZE, STACK_SIZE, Perm.Read | Perm.Write | Perm.Exec);
  // The signal trampoline page above it (Linux has it in the vDSO).
  space.map(TRAMPOLINE_PAGE, PAGE_SIZE, Perm.Read | Perm.Write);
  TRAMPOLINE_WORDS.forEach((word, index) => (mm.mem.i32[(TRAMPOLINE_PAGE >>> 2) + index] = word));
  space.protect(TRAMPOLINE_PAGE, PAGE_SIZE, Perm.Read | Perm.Exec);
  const random = new Uint8Array(16);
  fillRandom(random);
  const stack = buildInitialStack(mm.mem, {
    stackTop: STACK_TOP,
    argv,
    envp: request.envp,
    execfn: request.execfn,
    phdrAddress: loaded.phdrAddress,
    phnum: loaded.phnum,
    entry: loaded.entry,
    base: loaderBase,
    uid: request.uid,
    gid: request.gid,
    random,
  });
  const commandLine = Buffer.concat(argv.flatMap((argument) => [argument, new Uint8Array(1)]));
  const slash = request.execfn.lastIndexOf(0x2f);
  const command = request.execfn.subarray(slash + 1, slash + 1 + TASK_COMM_LENGTH);
  return { mm, pc: entry, sp: stack.sp, programPath: resolve(hostPath), commandLine, command, sysroot };
}

/** Records the loaded segments' pages as mapped, named after the file for /proc/self/maps. */
function adoptImage(space: AddressSpace, image: ElfImage, ranges: readonly [number, number][], hostPath: string): void {
  let identity: { device: bigint; inode: bigint } = { device: 0n, inode: 0n };
  try {
    const stat = fs.statSync(hostPath, { bigint: true });
    identity = { device: stat.dev, inode: stat.ino };
  } catch {
    // named without device and inode
  }
  const loads = image.loads.filter((load) => load.memsz > 0);
  ranges.forEach(([start, end], index) => {
    space.adopt(start, end - start);
    const load = loads[index];
    // p_flags PF_X 1, PF_W 2, PF_R 4 as PROT_EXEC 4, PROT_WRITE 2, PROT_READ 1.
    if (load) space.setProt(start, end - start, (load.flags & 4 ? 1 : 0) | (load.flags & 2) | (load.flags & 1 ? 4 : 0));
    if (load) space.nameFile(start, end - start, { path: resolve(hostPath), offset: load.offset - (load.offset & PAGE_MASK), ...identity });
  });
}

/** Bytes from the lowest to the end of the highest PT_LOAD page of an image. */
function elfSpan(image: ElfImage): number {
  let lowest = Infinity;
  let highest = 0;
  for (const load of image.loads) {
    lowest = Math.min(lowest, load.vaddr & ~PAGE_MASK);
    highest = Math.max(highest, load.vaddr + load.memsz);
  }
  return ((highest - lowest + PAGE_MASK) & ~PAGE_MASK) >>> 0;
}
