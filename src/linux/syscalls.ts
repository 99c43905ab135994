// The o32 system calls, one handler per kernel entry point, keyed by the kernel's name for it.
// A handler returns the result or a negative MIPS errno (the kernel's convention); Task
// turns that into v0/a3. Guest paths are host paths (as in qemu-user), relative to the guest cwd.

import * as fs from '../fs/file-system.js';
import { freemem, hostname, loadavg, release as osRelease, totalmem, uptime, version as osVersion } from 'node:os';
import { PAGE_MASK, PAGE_SHIFT, PAGE_SIZE, Perm } from '../../runtime/flat-memory.js';
import { fillRandom, isTerminal } from '../host/node-builtins.js';
import { permsForProt } from './address-space.js';
import { Errno, errnoFromHostError } from './errno.js';
import {
  HostFile,
  hostOpenFlags,
  OpenFlag,
  PipeBuffer,
  PipeEnd,
  SETTABLE_STATUS_FLAGS,
  type DirectoryEntry,
  type OpenFile,
} from './files.js';
import { BLOCKED } from './syscall-status.js';
import type { SyscallArgs, Task } from './task.js';
import { inSysroot } from './exec.js';
import { getFpMode, setFpMode } from './fp-mode.js';
import { StateWord } from '../../runtime/state.js';
import { openSnapshot, procFileText } from './procfs.js';
import { MMAP_MIN_ADDRESS, MMAP_TOP } from './layout.js';
import { Signal, SIGNAL_COUNT, SIGSET_BYTES } from './signals.js';
import { wallClockNs } from '../host/clock.js';
import { endDirectorySnapshot, MAX_SNAPSHOT_ENTRIES, statFromSnapshot, takeDirectorySnapshot } from './directory-snapshot.js';
import { hostGid, hostUid } from './identity.js';

export type SyscallHandler = (k: Task, a: SyscallArgs) => number;

export const AT_FDCWD_VALUE = -100;

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_REMOVEDIR = 0x200;
const AT_SYMLINK_FOLLOW = 0x400;
const AT_EMPTY_PATH = 0x1000;
const PATH_MAX = 4096;

// ---------------------------------------------------------------------------------------------
// Guest memory helpers

/** Length of the prefix of [address, address + length) that is accessible with `perm`. */
export function accessiblePrefix(k: Task, address: number, length: number, perm: number): number {
  if (length <= 0) return 0;
  const mem = k.mem;
  let end = address;
  const limit = address + length;
  while (end < limit) {
    if (!mem.accessible(end, 1, perm)) break;
    end = Math.min(limit, (end & ~PAGE_MASK) + PAGE_SIZE);
  }
  return end - address;
}

/** Drops predecoded code on pages the host is about to write directly. */
export function prepareHostWrite(k: Task, address: number, length: number): void {
  if (length <= 0) return;
  const perms = k.mem.perms;
  const last = (address + length - 1) >>> PAGE_SHIFT;
  for (let page = address >>> PAGE_SHIFT; page <= last; page++) {
    if (perms[page]! & Perm.Code) k.mem.prepareWrite(page << PAGE_SHIFT);
  }
}

/** A host Buffer over guest memory (no copy). */
export function guestBuffer(k: Task, address: number, length: number): Buffer {
  return Buffer.from(k.mem.memory.buffer, address, length);
}

/** A DataView over a guest struct the kernel writes, or undefined when it is not writable. */
export function output(k: Task, address: number, size: number): DataView | undefined {
  if (address === 0 || !k.mem.accessible(address, size, Perm.Write)) return undefined;
  prepareHostWrite(k, address, size);
  return new DataView(k.mem.memory.buffer, address, size);
}

/** A DataView over a guest struct the kernel reads, or undefined when it is not readable. */
export function input(k: Task, address: number, size: number): DataView | undefined {
  if (address === 0 || !k.mem.accessible(address, size, Perm.Read)) return undefined;
  return new DataView(k.mem.memory.buffer, address, size);
}

export function writeGuestBytes(k: Task, address: number, bytes: Uint8Array): boolean {
  if (!k.mem.accessible(address, bytes.length, Perm.Write)) return false;
  k.mem.write(address, bytes);
  return true;
}

export function setU64(view: DataView, offset: number, value: bigint | number): void {
  view.setBigUint64(offset, BigInt.asUintN(64, BigInt(value)), true);
}

// ---------------------------------------------------------------------------------------------
// Paths

/** Reads a guest path: a Buffer, or a negative errno. */
export function readPath(k: Task, address: number): Buffer | number {
  if (address === 0) return -Errno.EFAULT;
  const bytes = k.mem.readCString(address, PATH_MAX + 1);
  if (bytes === undefined) return -Errno.EFAULT;
  if (bytes.length > PATH_MAX) return -Errno.ENAMETOOLONG;
  return Buffer.from(bytes);
}

const SLASH = 0x2f;

function joinPath(directory: Buffer, path: Buffer): Buffer {
  if (directory.length > 0 && directory[directory.length - 1] === SLASH) return Buffer.concat([directory, path]);
  return Buffer.concat([directory, Buffer.from('/'), path]);
}

/** The paths qemu-user answers itself: /proc/self/exe names the guest program, not the emulator. */
function isProcSelfExe(k: Task, path: Buffer): boolean {
  const text = path.toString('latin1');
  return text === '/proc/self/exe' || text === `/proc/${k.pid}/exe`;
}

/**
 * The host path for `pathAddress` relative to `dirfd` (AT_FDCWD: the guest cwd); a negative errno
 * on failure. With `allowEmpty`, an empty path means the directory itself (AT_EMPTY_PATH).
 */
export function resolvePath(k: Task, dirfd: number, pathAddress: number, allowEmpty = false): Buffer | number {
  const path = readPath(k, pathAddress);
  if (typeof path === 'number') return path;
  return resolveBytes(k, dirfd, path, allowEmpty);
}

/**
 * A guest descriptor named by path: /dev/stdin|stdout|stderr, /dev/fd/N, /proc/self/fd/N,
 * /proc/thread-self/fd/N or /proc/PID/fd/N (the host would answer with the emulator's own fds).
 * Returns the guest fd and the rest of the path, or undefined when the path names none.
 */
export function guestFdPath(k: Task, path: Buffer): { fd: number; rest: string } | undefined {
  // Most paths start elsewhere: no string and no regular expression for them.
  if (path[0] !== SLASH || (path[1] !== 0x64 /* d */ && path[1] !== 0x70) /* p */) return undefined;
  const text = path.toString('latin1');
  const std = /^\/dev\/std(in|out|err)(\/.*)?$/.exec(text);
  if (std) return { fd: ['in', 'out', 'err'].indexOf(std[1]!), rest: std[2] ?? '' };
  const match = /^\/(?:dev\/fd|proc\/(self|thread-self|\d+)(?:\/task\/\d+)?\/fd)\/(\d+)(\/.*)?$/.exec(text);
  if (!match) return undefined;
  const who = match[1];
  if (who !== undefined && who !== 'self' && who !== 'thread-self' && Number(who) !== k.pid && Number(who) !== k.tid) return undefined;
  return { fd: Number(match[2]), rest: match[3] ?? '' };
}

export function resolveBytes(k: Task, dirfd: number, path: Buffer, allowEmpty = false): Buffer | number {
  if (path.length === 0 && !allowEmpty) return -Errno.ENOENT;
  if (path[0] === SLASH) {
    if (isProcSelfExe(k, path)) return Buffer.from(k.programPath);
    const named = guestFdPath(k, path);
    if (named) {
      const file = k.fds.get(named.fd);
      // Not a guest fd: left to the host, which still has the emulator's inherited fds >= 3
      // (bash's <(...) hands the guest /dev/fd/63), as before.
      if (file !== undefined) {
        if (file.kind !== 'host') return -Errno.ENXIO; // an in-process pipe: openAt and readlinkAt answer it
        return Buffer.from(`/proc/self/fd/${file.hostFd}${named.rest}`, 'latin1');
      }
    }
    return k.process.sysroot === undefined ? path : Buffer.from(inSysroot(k.process.sysroot, path.toString('latin1')), 'latin1');
  }
  let base: Buffer;
  if (dirfd === AT_FDCWD) base = k.cwd;
  else {
    const file = k.fds.get(dirfd);
    if (file === undefined) return -Errno.EBADF;
    if (file.kind !== 'host' || file.path === undefined) return path.length === 0 ? -Errno.ENOENT : -Errno.ENOTDIR;
    if (path.length === 0) return file.path;
    if (!file.isDirectory) return -Errno.ENOTDIR;
    base = file.path;
  }
  return path.length === 0 ? base : joinPath(base, path);
}

/** Runs a host file-system call, mapping a thrown host error to -errno. */
export function hostCall(action: () => number): number {
  try {
    return action();
  } catch (error) {
    return -errnoFromHostError(error);
  }
}

// ---------------------------------------------------------------------------------------------
// Blocking helpers

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepMilliseconds(milliseconds: number): void {
  if (milliseconds > 0) Atomics.wait(sleepCell, 0, 0, milliseconds);
}

function isWouldBlock(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 'EAGAIN';
}

// ---------------------------------------------------------------------------------------------
// Reading and writing open files

/** Returned by readFile/writeFile when a blocking pipe must wait for the other end. */
const WOULD_BLOCK = BLOCKED;
/** Bytes a pipe holds before writers wait (Linux's default), and the atomic write size. */
const PIPE_CAPACITY = 65536;
const PIPE_BUF = 4096;

/**
 * Runs `attempt` now; if it would block, makes the call wait and retries it until it can finish.
 * `file` (when the call is on one descriptor) says whether the wait is on the host's embedder.
 */
export function blocking(k: Task, attempt: () => number, file?: OpenFile): number {
  const first = attempt();
  if (first !== WOULD_BLOCK) return first;
  return k.block({
    poll: () => {
      const result = attempt();
      return result === WOULD_BLOCK ? undefined : result;
    },
    restartable: true,
    waitsOnHost: file?.kind === 'pipe' && file.pipe.fedByHost,
  });
}

function readFile(k: Task, file: OpenFile, address: number, length: number, at: number | undefined): number {
  if ((file.statusFlags & OpenFlag.AccessMode) === OpenFlag.WriteOnly) return -Errno.EBADF;
  if (length === 0) return 0;
  const usable = accessiblePrefix(k, address, length, Perm.Write);
  if (usable === 0) return -Errno.EFAULT;
  prepareHostWrite(k, address, usable);
  if (file.kind === 'pipe') {
    const got = file.pipe.take(guestBuffer(k, address, usable));
    if (got > 0 || file.pipe.writers === 0) return got;
    return file.statusFlags & OpenFlag.NonBlock ? -Errno.EAGAIN : WOULD_BLOCK;
  }
  if (file.isDirectory) return -Errno.EISDIR;
  if (at !== undefined && !file.seekable) return -Errno.ESPIPE;
  const early = file.mayBlock ? file.takeReadAhead(guestBuffer(k, address, usable)) : undefined;
  if (early !== undefined) return early;
  const position = at ?? (file.seekable ? file.position : null);
  let hostFd = file.hostFd;
  for (;;) {
    try {
      // Into guest memory at `address`, through the view of all of it: a Buffer made per call
      // cost ~0.4 us of a 480-byte read's ~2.8 (Node's readSync in a loop here).
      const count = fs.readSync(hostFd, k.mem.u8, address, usable, position);
      if (at === undefined && file.seekable) file.position += count;
      return count;
    } catch (error) {
      if (!isWouldBlock(error)) return -errnoFromHostError(error);
      if (file.statusFlags & OpenFlag.NonBlock) return -Errno.EAGAIN;
      // The host fd is non-blocking but the guest's is not: wait for data in the host kernel.
      const waiting = file.waitingFd(false);
      if (waiting !== undefined) hostFd = waiting;
      else sleepMilliseconds(5);
    }
  }
}

function writeFile(k: Task, file: OpenFile, address: number, length: number, at: number | undefined): number {
  if ((file.statusFlags & OpenFlag.AccessMode) === OpenFlag.ReadOnly) return -Errno.EBADF;
  if (length === 0) return 0;
  const usable = accessiblePrefix(k, address, length, Perm.Read);
  if (usable === 0) return -Errno.EFAULT;
  if (file.kind === 'pipe') {
    const source = guestBuffer(k, address, usable);
    if (file.pipe.readers === 0) {
      k.sendSignal({ signal: Signal.SIGPIPE, code: 0x80 });
      return -Errno.EPIPE;
    }
    // A full pipe makes the writer wait (or EAGAIN); writes up to PIPE_BUF are never split.
    const room = PIPE_CAPACITY - file.pipe.available;
    if (room <= 0 || (usable <= PIPE_BUF && room < usable)) return file.statusFlags & OpenFlag.NonBlock ? -Errno.EAGAIN : WOULD_BLOCK;
    const count = Math.min(room, usable);
    file.pipe.chunks.push(new Uint8Array(source.subarray(0, count))); // a copy: Buffer#slice would alias guest memory
    return count;
  }
  if (file.isDirectory) return -Errno.EISDIR;
  if (at !== undefined && !file.seekable) return -Errno.ESPIPE;
  const append = at === undefined && (file.statusFlags & OpenFlag.Append) !== 0;
  const position = at ?? (file.seekable ? file.position : null);
  let written = 0;
  let hostFd = file.hostFd;
  while (written < usable) {
    try {
      // From guest memory through the view of all of it (see readFile).
      written += fs.writeSync(hostFd, k.mem.u8, address + written, usable - written, position === null ? null : position + written);
    } catch (error) {
      if (isWouldBlock(error)) {
        if (file.statusFlags & OpenFlag.NonBlock) return written > 0 ? written : -Errno.EAGAIN;
        // A full host pipe (or a stopped terminal): the write waits in the host kernel, as it would under Linux.
        const waiting = file.waitingFd(true);
        if (waiting !== undefined) hostFd = waiting;
        else sleepMilliseconds(2);
        continue;
      }
      if (written > 0) break;
      const errno = errnoFromHostError(error);
      if (errno === Errno.EPIPE) k.sendSignal({ signal: Signal.SIGPIPE, code: 0x80 });
      return -errno;
    }
  }
  if (at === undefined && file.seekable) {
    // With O_APPEND the host appended whatever position we passed; the offset is the new end.
    file.position = append ? Number(fs.fstatSync(file.hostFd, { bigint: true }).size) : file.position + written;
  }
  return written;
}

export function fileOf(k: Task, fd: number): OpenFile | undefined {
  return k.fds.get(fd);
}

function vectorIo(k: Task, a: SyscallArgs, write: boolean, at: number | undefined): number {
  const file = fileOf(k, a.get(0));
  if (!file) return -Errno.EBADF;
  const iovAddress = a.u(1);
  const count = a.get(2);
  if (count < 0 || count > 1024) return -Errno.EINVAL;
  const iov = count === 0 ? undefined : input(k, iovAddress, count * 8);
  if (count > 0 && !iov) return -Errno.EFAULT;
  let total = 0;
  for (let index = 0; index < count; index++) {
    const base = iov!.getUint32(index * 8, true);
    const length = iov!.getUint32(index * 8 + 4, true);
    if (length === 0) continue;
    const position = at === undefined ? undefined : at + total;
    const result = write ? writeFile(k, file, base, length, position) : readFile(k, file, base, length, position);
    if (result < 0) return total > 0 ? total : result;
    total += result;
    if (result < length) break;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// open, stat and friends

function openAt(k: Task, dirfd: number, pathAddress: number, flags: number, mode: number): number {
  const raw = readPath(k, pathAddress);
  if (typeof raw === 'number') return raw;
  const named = raw[0] === SLASH ? guestFdPath(k, raw) : undefined;
  if (named && named.rest === '') {
    const file = k.fds.get(named.fd);
    if (file !== undefined && file.kind === 'pipe') {
      // Linux opens a new description of the same pipe, in the access mode asked for.
      const access = flags & OpenFlag.AccessMode;
      if (access === OpenFlag.ReadWrite) return -Errno.EINVAL;
      const end = new PipeEnd(file.pipe, access === OpenFlag.WriteOnly, flags);
      const fd = k.fds.allocate(end, (flags & OpenFlag.CloseOnExec) !== 0);
      if (fd >= 0) return fd;
      if (end.isWriteEnd) file.pipe.writers--;
      else file.pipe.readers--;
      return -Errno.EMFILE;
    }
  }
  const path = resolveBytes(k, dirfd, raw);
  if (typeof path === 'number') return path;
  const procText = path[0] === SLASH ? procFileText({ pid: k.pid, tid: k.tid, space: k.space, commandLine: k.process.commandLine, command: k.process.command }, path.toString('latin1')) : undefined;
  if (procText !== undefined) {
    if ((flags & OpenFlag.AccessMode) !== OpenFlag.ReadOnly) return -Errno.EACCES;
    return hostCall(() => {
      const hostFd = openSnapshot(procText);
      const fd = k.fds.allocate(new HostFile(hostFd, false, path, false, true, OpenFlag.ReadOnly | (flags & OpenFlag.NonBlock)), (flags & OpenFlag.CloseOnExec) !== 0);
      if (fd < 0) {
        fs.closeSync(hostFd);
        return -Errno.EMFILE;
      }
      return fd;
    });
  }
  return hostCall(() => {
    const creating = (flags & OpenFlag.Create) !== 0 && !fs.existsSync(path);
    const hostFd = fs.openSync(path, hostOpenFlags(flags), mode & 0o7777 & ~k.umask);
    let stat: fs.BigIntStats;
    try {
      stat = fs.fstatSync(hostFd, { bigint: true });
      // The host applied the emulator's umask; the guest's may differ.
      if (creating) fs.fchmodSync(hostFd, mode & 0o7777 & ~k.umask);
    } catch (error) {
      fs.closeSync(hostFd);
      throw error;
    }
    const absolute = path[0] === SLASH ? path : joinPath(k.cwd, path);
    const file = new HostFile(hostFd, false, absolute, stat.isDirectory(), stat.isFile(), flags & ~(OpenFlag.Create | OpenFlag.Exclusive | OpenFlag.NoCtty | OpenFlag.Truncate | OpenFlag.CloseOnExec));
    const fd = k.fds.allocate(file, (flags & OpenFlag.CloseOnExec) !== 0);
    if (fd < 0) {
      fs.closeSync(hostFd);
      return -Errno.EMFILE;
    }
    return fd;
  });
}

/** Host stat of an open file; pipes get a plausible FIFO answer. */
export function statOpenFile(file: OpenFile): fs.BigIntStats | PipeStat {
  if (file.kind === 'pipe') return pipeStat(file.pipe);
  return fs.fstatSync(file.hostFd, { bigint: true });
}

/** The fields of a stat result this file uses (node's BigIntStats has them all). */
interface PipeStat {
  dev: bigint;
  ino: bigint;
  mode: bigint;
  nlink: bigint;
  uid: bigint;
  gid: bigint;
  rdev: bigint;
  size: bigint;
  blksize: bigint;
  blocks: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  birthtimeNs: bigint;
}

function pipeStat(pipe: PipeBuffer): PipeStat {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    dev: 0xcn,
    ino: BigInt(pipe.ino),
    mode: 0o10600n,
    nlink: 1n,
    uid: BigInt(hostUid()),
    gid: BigInt(hostGid()),
    rdev: 0n,
    size: 0n,
    blksize: 4096n,
    blocks: 0n,
    atimeNs: now,
    mtimeNs: now,
    ctimeNs: now,
    birthtimeNs: now,
  };
}

export type AnyStat = fs.BigIntStats | PipeStat;

/** Writes an o32 struct stat64 (arch/mips/include/uapi/asm/stat.h, 104 bytes). */
function writeStat64(k: Task, address: number, st: AnyStat): number {
  const view = output(k, address, 104);
  if (!view) return -Errno.EFAULT;
  new Uint8Array(view.buffer, view.byteOffset, 104).fill(0);
  view.setUint32(0, Number(BigInt.asUintN(32, st.dev)), true);
  setU64(view, 16, st.ino);
  view.setUint32(24, Number(st.mode), true);
  view.setUint32(28, Number(st.nlink), true);
  view.setUint32(32, Number(st.uid), true);
  view.setUint32(36, Number(st.gid), true);
  view.setUint32(40, Number(BigInt.asUintN(32, st.rdev)), true);
  setU64(view, 56, st.size);
  const times = [st.atimeNs, st.mtimeNs, st.ctimeNs];
  times.forEach((ns, index) => {
    view.setInt32(64 + index * 8, Number(ns / 1_000_000_000n), true);
    view.setUint32(68 + index * 8, Number(ns % 1_000_000_000n), true);
  });
  view.setUint32(88, Number(st.blksize), true);
  setU64(view, 96, st.blocks);
  return 0;
}

const STATX_BASIC_STATS = 0x7ff;
const STATX_BTIME = 0x800;

function deviceMajor(dev: bigint): number {
  return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)) >>> 0;
}
function deviceMinor(dev: bigint): number {
  return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn)) >>> 0;
}

/** Writes a struct statx (include/uapi/linux/stat.h, 256 bytes). */
function writeStatx(k: Task, address: number, st: AnyStat): number {
  const view = output(k, address, 256);
  if (!view) return -Errno.EFAULT;
  new Uint8Array(view.buffer, view.byteOffset, 256).fill(0);
  const hasBirth = st.birthtimeNs > 0n;
  view.setUint32(0, STATX_BASIC_STATS | (hasBirth ? STATX_BTIME : 0), true);
  view.setUint32(4, Number(st.blksize), true);
  view.setUint32(16, Number(st.nlink), true);
  view.setUint32(20, Number(st.uid), true);
  view.setUint32(24, Number(st.gid), true);
  view.setUint16(28, Number(st.mode), true);
  setU64(view, 32, st.ino);
  setU64(view, 40, st.size);
  setU64(view, 48, st.blocks);
  const timestamp = (offset: number, ns: bigint): void => {
    view.setBigInt64(offset, ns / 1_000_000_000n, true);
    view.setUint32(offset + 8, Number(ns % 1_000_000_000n), true);
  };
  timestamp(64, st.atimeNs);
  if (hasBirth) timestamp(80, st.birthtimeNs);
  timestamp(96, st.ctimeNs);
  timestamp(112, st.mtimeNs);
  view.setUint32(128, deviceMajor(st.rdev), true);
  view.setUint32(132, deviceMinor(st.rdev), true);
  view.setUint32(136, deviceMajor(st.dev), true);
  view.setUint32(140, deviceMinor(st.dev), true);
  return 0;
}

/** stat of a path (following symlinks unless `noFollow`), a file descriptor for empty paths. */
export function statAt(k: Task, dirfd: number, pathAddress: number, flags: number): AnyStat | number {
  const path = readPath(k, pathAddress);
  if (typeof path === 'number') return path;
  if (path.length === 0) {
    endDirectorySnapshot();
    if ((flags & AT_EMPTY_PATH) === 0) return -Errno.ENOENT;
    if (dirfd === AT_FDCWD) return statPath(k.cwd, true);
    const file = fileOf(k, dirfd);
    if (!file) return -Errno.EBADF;
    try {
      return statOpenFile(file);
    } catch (error) {
      return -errnoFromHostError(error);
    }
  }
  const follow = (flags & AT_SYMLINK_NOFOLLOW) === 0;
  // stat("/dev/fd/N") is fstat(N) of the guest's descriptor (a pipe's included).
  const named = follow && path[0] === SLASH ? guestFdPath(k, path) : undefined;
  const namedFile = named !== undefined && named.rest === '' ? k.fds.get(named.fd) : undefined;
  if (namedFile !== undefined) {
    endDirectorySnapshot();
    try {
      return statOpenFile(namedFile);
    } catch (error) {
      return -errnoFromHostError(error);
    }
  }
  const resolved = resolveBytes(k, dirfd, path);
  if (typeof resolved === 'number') return resolved;
  return statFromSnapshot(resolved, follow) ?? statPath(resolved, follow);
}

export function statPath(path: Buffer, follow: boolean): AnyStat | number {
  try {
    // ENOENT, the usual failure (a search along PATH, a file that may exist), without an Error.
    const options = { bigint: true, throwIfNoEntry: false } as const;
    return (follow ? fs.statSync(path, options) : fs.lstatSync(path, options)) ?? -Errno.ENOENT;
  } catch (error) {
    return -errnoFromHostError(error);
  }
}

// ---------------------------------------------------------------------------------------------
// Seeking and directories

const SEEK_SET = 0;
const SEEK_CUR = 1;
const SEEK_END = 2;
const SEEK_DATA = 3;
const SEEK_HOLE = 4;

/** The host's offset of a borrowed descriptor (from /proc/self/fdinfo), or undefined. */
function borrowedOffset(hostFd: number): number | undefined {
  try {
    const match = /^pos:\s*(\d+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${hostFd}`, 'latin1'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function seek(file: OpenFile, offset: number, whence: number): number {
  if (file.kind === 'pipe') return -Errno.ESPIPE;
  if (whence < SEEK_SET || whence > SEEK_HOLE) return -Errno.EINVAL;
  if (file.isDirectory) {
    const target = whence === SEEK_SET ? offset : whence === SEEK_CUR ? file.directoryCursor + offset : -1;
    if (target < 0) return -Errno.EINVAL;
    file.directoryCursor = target;
    return target;
  }
  if (!file.seekable) {
    // Node has no lseek: a borrowed (stdio) descriptor can only tell where it is.
    let isRegular = false;
    try {
      isRegular = fs.fstatSync(file.hostFd).isFile();
    } catch {
      return -Errno.EBADF;
    }
    if (!isRegular) return -Errno.ESPIPE;
    const current = borrowedOffset(file.hostFd);
    if (current === undefined) return -Errno.ESPIPE;
    const target = whence === SEEK_SET ? offset : whence === SEEK_CUR ? current + offset : -1;
    return target === current ? current : -Errno.ESPIPE;
  }
  let size = 0;
  if (whence >= SEEK_END) {
    try {
      size = Number(fs.fstatSync(file.hostFd, { bigint: true }).size);
    } catch (error) {
      return -errnoFromHostError(error);
    }
  }
  let target: number;
  switch (whence) {
    case SEEK_SET:
      target = offset;
      break;
    case SEEK_CUR:
      target = file.position + offset;
      break;
    case SEEK_END:
      target = size + offset;
      break;
    case SEEK_DATA:
      if (offset >= size) return -6; // ENXIO
      target = offset;
      break;
    default: // SEEK_HOLE
      if (offset >= size) return -6;
      target = size;
      break;
  }
  if (target < 0) return -Errno.EINVAL;
  file.position = target;
  return target;
}

const DT_UNKNOWN = 0;
function directoryEntryType(entry: fs.Dirent): number {
  if (entry.isFIFO()) return 1;
  if (entry.isCharacterDevice()) return 2;
  if (entry.isDirectory()) return 4;
  if (entry.isBlockDevice()) return 6;
  if (entry.isFile()) return 8;
  if (entry.isSymbolicLink()) return 10;
  if (entry.isSocket()) return 12;
  return DT_UNKNOWN;
}

function listDirectory(path: Buffer): DirectoryEntry[] {
  const entries: DirectoryEntry[] = [];
  const stats = new Map<string, fs.BigIntStats>();
  const inode = (target: Buffer): bigint => {
    try {
      const stat = fs.lstatSync(target, { bigint: true, throwIfNoEntry: false });
      if (stat === undefined) return 1n;
      if (stats.size < MAX_SNAPSHOT_ENTRIES) stats.set(target.toString('latin1'), stat);
      return stat.ino;
    } catch {
      return 1n;
    }
  };
  entries.push({ name: Buffer.from('.'), ino: inode(path), type: 4 });
  entries.push({ name: Buffer.from('..'), ino: inode(joinPath(path, Buffer.from('..'))), type: 4 });
  // opendir/readSync keeps the file system's own order, as getdents64 would.
  const directory = fs.opendirSync(path, { encoding: 'buffer' as BufferEncoding, bufferSize: 256 });
  try {
    for (let entry = directory.readSync(); entry !== null; entry = directory.readSync()) {
      const name = entry.name as unknown as Buffer;
      entries.push({ name, ino: inode(joinPath(path, name)), type: directoryEntryType(entry) });
    }
  } finally {
    directory.closeSync();
  }
  // The stat calls that follow a listing are answered from what it took (directory-snapshot.ts).
  takeDirectorySnapshot(stats);
  return entries;
}

function getdents64(k: Task, a: SyscallArgs): number {
  const file = fileOf(k, a.get(0));
  if (!file) return -Errno.EBADF;
  if (file.kind !== 'host' || !file.isDirectory || file.path === undefined) return -Errno.ENOTDIR;
  if (file.directoryEntries === undefined) {
    try {
      file.directoryEntries = listDirectory(file.path);
    } catch (error) {
      return -errnoFromHostError(error);
    }
  }
  const address = a.u(1);
  const capacity = a.u(2);
  const view = output(k, address, Math.min(capacity, accessiblePrefix(k, address, capacity, Perm.Write)));
  if (!view) return -Errno.EFAULT;
  let used = 0;
  const entries = file.directoryEntries;
  while (file.directoryCursor < entries.length) {
    const entry = entries[file.directoryCursor]!;
    const recordLength = (19 + entry.name.length + 1 + 7) & ~7;
    if (used + recordLength > view.byteLength) {
      if (used === 0) return -Errno.EINVAL;
      break;
    }
    setU64(view, used, entry.ino);
    setU64(view, used + 8, file.directoryCursor + 1);
    view.setUint16(used + 16, recordLength, true);
    view.setUint8(used + 18, entry.type);
    const bytes = new Uint8Array(view.buffer, view.byteOffset + used + 19, recordLength - 19);
    bytes.fill(0);
    bytes.set(entry.name);
    used += recordLength;
    file.directoryCursor++;
  }
  return used;
}

// ---------------------------------------------------------------------------------------------
// Memory mapping

const MAP_SHARED = 0x1;
const MAP_PRIVATE = 0x2;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x800;
const MAP_FIXED_NOREPLACE = 0x10_0000;

function mmap(k: Task, address: number, length: number, prot: number, flags: number, fd: number, offset: number): number {
  const type = flags & 0xf;
  if (length === 0 || (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== 3)) return -Errno.EINVAL;
  if ((offset & PAGE_MASK) !== 0) return -Errno.EINVAL;
  const size = (length + PAGE_MASK) & ~PAGE_MASK;
  if (size === 0 || size > MMAP_TOP) return -Errno.ENOMEM;
  let file: HostFile | undefined;
  if ((flags & MAP_ANONYMOUS) === 0) {
    const open = fileOf(k, fd);
    if (!open) return -Errno.EBADF;
    if (open.kind !== 'host' || open.isDirectory) return -19; // ENODEV
    file = open;
  }
  const space = k.space;
  let start: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if ((address & PAGE_MASK) !== 0) return -Errno.EINVAL;
    if (address < MMAP_MIN_ADDRESS || address + size > k.mem.size) return -Errno.EPERM;
    if (flags & MAP_FIXED_NOREPLACE && !space.isFree(address, size)) return -Errno.EEXIST;
    start = address;
  } else {
    const hint = address & ~PAGE_MASK;
    start = hint >= MMAP_MIN_ADDRESS && hint + size <= MMAP_TOP && space.isFree(hint, size) ? hint : space.findFree(size);
    if (start < 0) return -Errno.ENOMEM;
  }
  space.map(start, size, Perm.Read | Perm.Write);
  if (file) {
    try {
      let done = 0;
      while (done < length) {
        const count = fs.readSync(file.hostFd, guestBuffer(k, start + done, length - done), 0, length - done, offset + done);
        if (count === 0) break;
        done += count;
      }
    } catch (error) {
      space.unmap(start, size);
      return -errnoFromHostError(error);
    }
    if (file.path !== undefined) {
      try {
        const stat = fs.fstatSync(file.hostFd, { bigint: true });
        space.nameFile(start, size, { path: file.path.toString('latin1'), offset, device: stat.dev, inode: stat.ino });
      } catch {
        // left anonymous in /proc/self/maps
      }
    }
  }
  space.protect(start, size, permsForProt(prot));
  space.setProt(start, size, prot);
  return start;
}

function mremap(k: Task, oldAddress: number, oldLength: number, newLength: number, flags: number): number {
  const MREMAP_MAYMOVE = 1;
  const MREMAP_FIXED = 2;
  if ((oldAddress & PAGE_MASK) !== 0 || flags & MREMAP_FIXED) return -Errno.EINVAL;
  const oldSize = (oldLength + PAGE_MASK) & ~PAGE_MASK;
  const newSize = (newLength + PAGE_MASK) & ~PAGE_MASK;
  if (newSize === 0) return -Errno.EINVAL;
  const space = k.space;
  if (!space.isMapped(oldAddress, oldSize)) return -14; // EFAULT
  if (newSize <= oldSize) {
    if (newSize < oldSize) space.unmap(oldAddress + newSize, oldSize - newSize);
    return oldAddress;
  }
  const perm = k.mem.perms[oldAddress >>> PAGE_SHIFT]! & ~Perm.Code;
  const prot = space.protOf(oldAddress >>> PAGE_SHIFT);
  if (oldAddress + newSize <= MMAP_TOP && space.isFree(oldAddress + oldSize, newSize - oldSize)) {
    space.map(oldAddress + oldSize, newSize - oldSize, perm);
    space.setProt(oldAddress + oldSize, newSize - oldSize, prot);
    return oldAddress;
  }
  if ((flags & MREMAP_MAYMOVE) === 0) return -Errno.ENOMEM;
  const start = space.findFree(newSize);
  if (start < 0) return -Errno.ENOMEM;
  space.map(start, newSize, Perm.Read | Perm.Write);
  k.mem.u8.copyWithin(start, oldAddress, oldAddress + oldSize);
  space.protect(start, newSize, perm);
  space.setProt(start, newSize, prot);
  space.unmap(oldAddress, oldSize);
  return start;
}

// ---------------------------------------------------------------------------------------------
// Time

export function realtimeNanoseconds(): bigint {
  return wallClockNs();
}

export function clockNanoseconds(clock: number): bigint | undefined {
  switch (clock) {
    case 0: // CLOCK_REALTIME
    case 5: // CLOCK_REALTIME_COARSE
    case 11: // CLOCK_TAI
      return realtimeNanoseconds();
    case 1: // CLOCK_MONOTONIC
    case 4: // CLOCK_MONOTONIC_RAW
    case 6: // CLOCK_MONOTONIC_COARSE
    case 7: // CLOCK_BOOTTIME
      return process.hrtime.bigint();
    case 2: // CLOCK_PROCESS_CPUTIME_ID
    case 3: {
      // CLOCK_THREAD_CPUTIME_ID
      const usage = process.cpuUsage();
      return BigInt(usage.user + usage.system) * 1000n;
    }
    default:
      return undefined;
  }
}

/** Writes a timespec: 32-bit {sec, nsec} or 64-bit {s64 sec, s64 nsec}. */
export function writeTimespec(k: Task, address: number, ns: bigint, wide: boolean): number {
  const view = output(k, address, wide ? 16 : 8);
  if (!view) return -Errno.EFAULT;
  const seconds = ns / 1_000_000_000n;
  const nanoseconds = ns % 1_000_000_000n;
  if (wide) {
    view.setBigInt64(0, seconds, true);
    view.setBigInt64(8, nanoseconds, true);
  } else {
    view.setInt32(0, Number(BigInt.asIntN(32, seconds)), true);
    view.setInt32(4, Number(nanoseconds), true);
  }
  return 0;
}

export function readTimespec(k: Task, address: number, wide: boolean): bigint | number {
  const view = input(k, address, wide ? 16 : 8);
  if (!view) return -Errno.EFAULT;
  const seconds = wide ? view.getBigInt64(0, true) : BigInt(view.getInt32(0, true));
  const nanoseconds = wide ? view.getBigInt64(8, true) : BigInt(view.getInt32(4, true));
  if (seconds < 0n || nanoseconds < 0n || nanoseconds >= 1_000_000_000n) return -Errno.EINVAL;
  return seconds * 1_000_000_000n + nanoseconds;
}

function clockGettime(k: Task, a: SyscallArgs, wide: boolean): number {
  const ns = clockNanoseconds(a.get(0));
  if (ns === undefined) return -Errno.EINVAL;
  return writeTimespec(k, a.u(1), ns, wide);
}

function clockGetres(k: Task, a: SyscallArgs, wide: boolean): number {
  if (clockNanoseconds(a.get(0)) === undefined) return -Errno.EINVAL;
  return a.u(1) === 0 ? 0 : writeTimespec(k, a.u(1), 1n, wide);
}

// ---------------------------------------------------------------------------------------------
// Terminals

const TCGETS = 0x540d;
const TCSETS = 0x540e;
const TCSETSW = 0x540f;
const TCSETSF = 0x5410;
const TIOCGWINSZ = 0x4008_7468;
const TIOCSWINSZ = 0x8008_7467;
const TIOCGPGRP = 0x4004_7477;
const TIOCSPGRP = 0x8004_7476;
const FIONREAD = 0x467f;
const FIONBIO = 0x667e;
const FIOCLEX = 0x6601;
const FIONCLEX = 0x6602;

function ioctl(k: Task, a: SyscallArgs): number {
  const fd = a.get(0);
  const file = fileOf(k, fd);
  if (!file) return -Errno.EBADF;
  const request = a.u(1);
  const argument = a.u(2);
  switch (request) {
    case FIOCLEX:
    case FIONCLEX:
      k.fds.setCloseOnExec(fd, request === FIOCLEX);
      return 0;
    case FIONBIO: {
      const view = input(k, argument, 4);
      if (!view) return -Errno.EFAULT;
      if (view.getInt32(0, true) !== 0) file.statusFlags |= OpenFlag.NonBlock;
      else file.statusFlags &= ~OpenFlag.NonBlock;
      return 0;
    }
    case FIONREAD: {
      let available = 0;
      if (file.kind === 'pipe') available = file.pipe.available;
      else if (file.seekable) {
        try {
          available = Math.max(0, Number(fs.fstatSync(file.hostFd).size) - file.position);
        } catch (error) {
          return -errnoFromHostError(error);
        }
      } else if (!isTerminal(file.hostFd)) return -Errno.ENOTTY;
      const view = output(k, argument, 4);
      if (!view) return -Errno.EFAULT;
      view.setInt32(0, available, true);
      return 0;
    }
  }
  const tty = file.kind === 'host' && isTerminal(file.hostFd);
  if (!tty) return -Errno.ENOTTY;
  switch (request) {
    case TCGETS: {
      // struct termios on MIPS: iflag, oflag, cflag, lflag, c_line, c_cc[23]: a cooked terminal.
      const view = output(k, argument, 40);
      if (!view) return -Errno.EFAULT;
      view.setUint32(0, 0x0500, true); // ICRNL | IXON
      view.setUint32(4, 0x0005, true); // OPOST | ONLCR
      view.setUint32(8, 0x00bf, true); // B38400 | CS8 | CREAD
      view.setUint32(12, 0x8a3b, true); // ISIG ICANON ECHO ECHOE ECHOK IEXTEN ECHOCTL ECHOKE
      view.setUint8(16, 0);
      const controlCharacters = [3, 0x1c, 0x7f, 0x15, 1, 0, 0, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0xf, 0x17, 0x16, 4];
      controlCharacters.forEach((value, index) => view.setUint8(17 + index, value));
      return 0;
    }
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TIOCSWINSZ:
    case TIOCSPGRP:
      return 0;
    case TIOCGWINSZ: {
      const view = output(k, argument, 8);
      if (!view) return -Errno.EFAULT;
      const columns = file.kind === 'host' && file.hostFd === 1 ? process.stdout.columns : undefined;
      const rows = file.kind === 'host' && file.hostFd === 1 ? process.stdout.rows : undefined;
      view.setUint16(0, rows ?? 24, true);
      view.setUint16(2, columns ?? 80, true);
      view.setUint32(4, 0, true);
      return 0;
    }
    case TIOCGPGRP: {
      const view = output(k, argument, 4);
      if (!view) return -Errno.EFAULT;
      view.setInt32(0, k.pid, true);
      return 0;
    }
    default:
      return -Errno.ENOTTY;
  }
}

// ---------------------------------------------------------------------------------------------
// Descriptors

function dupTo(k: Task, oldFd: number, newFd: number, closeOnExec: boolean): number {
  const file = fileOf(k, oldFd);
  if (!file) return -Errno.EBADF;
  if (newFd < 0 || newFd >= k.fds.limit) return -Errno.EBADF;
  if (oldFd === newFd) return newFd;
  k.fds.install(newFd, file, closeOnExec);
  return newFd;
}

function fcntl(k: Task, a: SyscallArgs): number {
  const fd = a.get(0);
  const file = fileOf(k, fd);
  if (!file) return -Errno.EBADF;
  const command = a.get(1);
  const argument = a.get(2);
  const F_DUPFD = 0;
  const F_GETFD = 1;
  const F_SETFD = 2;
  const F_GETFL = 3;
  const F_SETFL = 4;
  const F_SETLK = 6;
  const F_SETLKW = 7;
  const F_GETLK = 14;
  const F_SETOWN = 24;
  const F_GETOWN = 23;
  const F_GETLK64 = 33;
  const F_SETLK64 = 34;
  const F_SETLKW64 = 35;
  const F_DUPFD_CLOEXEC = 1030;
  const F_GETPIPE_SZ = 1032;
  switch (command) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      if (argument < 0 || argument >= k.fds.limit) return -Errno.EINVAL;
      const newFd = k.fds.allocate(file, command === F_DUPFD_CLOEXEC, argument);
      return newFd < 0 ? -Errno.EMFILE : newFd;
    }
    case F_GETFD:
      return k.fds.closeOnExec(fd) ? 1 : 0;
    case F_SETFD:
      k.fds.setCloseOnExec(fd, (argument & 1) !== 0);
      return 0;
    case F_GETFL:
      return file.statusFlags;
    case F_SETFL:
      file.statusFlags = (file.statusFlags & ~SETTABLE_STATUS_FLAGS) | (argument & SETTABLE_STATUS_FLAGS);
      return 0;
    case F_GETLK:
    case F_GETLK64: {
      // Nobody else holds locks: report F_UNLCK in l_type (the first short of struct flock).
      const view = output(k, a.u(2), 2);
      if (!view) return -Errno.EFAULT;
      view.setInt16(0, 2, true);
      return 0;
    }
    case F_SETLK:
    case F_SETLKW:
    case F_SETLK64:
    case F_SETLKW64:
    case F_SETOWN:
      return 0;
    case F_GETOWN:
      return 0;
    case F_GETPIPE_SZ:
      return file.kind === 'pipe' ? 65536 : -Errno.EINVAL;
    default:
      return -Errno.EINVAL;
  }
}

function makePipe(k: Task, flags: number): [number, number] | number {
  if (flags & ~(OpenFlag.CloseOnExec | OpenFlag.NonBlock | OpenFlag.Direct)) return -Errno.EINVAL;
  const pipe = new PipeBuffer();
  const closeOnExec = (flags & OpenFlag.CloseOnExec) !== 0;
  const readFd = k.fds.allocate(new PipeEnd(pipe, false, flags), closeOnExec);
  if (readFd < 0) return -Errno.EMFILE;
  const writeFd = k.fds.allocate(new PipeEnd(pipe, true, flags), closeOnExec);
  if (writeFd < 0) {
    k.fds.close(readFd);
    return -Errno.EMFILE;
  }
  return [readFd, writeFd];
}

// ---------------------------------------------------------------------------------------------
// Identity and system information


function writeUtsname(k: Task, address: number): number {
  const view = output(k, address, 6 * 65);
  if (!view) return -Errno.EFAULT;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, 6 * 65);
  bytes.fill(0);
  const fields = ['Linux', hostname(), osRelease(), osVersion(), 'mips', '(none)'];
  fields.forEach((field, index) => bytes.set(Buffer.from(field).subarray(0, 64), index * 65));
  return 0;
}

function sysinfo(k: Task, address: number): number {
  const view = output(k, address, 64);
  if (!view) return -Errno.EFAULT;
  new Uint8Array(view.buffer, view.byteOffset, 64).fill(0);
  const [one, five, fifteen] = loadavg();
  view.setInt32(0, Math.floor(uptime()), true);
  view.setUint32(4, Math.min(0xffff_ffff, Math.round((one ?? 0) * 65536)), true);
  view.setUint32(8, Math.min(0xffff_ffff, Math.round((five ?? 0) * 65536)), true);
  view.setUint32(12, Math.min(0xffff_ffff, Math.round((fifteen ?? 0) * 65536)), true);
  const unit = 4096;
  view.setUint32(16, Math.min(0xffff_ffff, Math.floor(totalmem() / unit)), true);
  view.setUint32(20, Math.min(0xffff_ffff, Math.floor(freemem() / unit)), true);
  view.setUint16(40, 1, true);
  view.setUint32(52, unit, true);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The table

const ok: SyscallHandler = () => 0;

const PR_SET_NAME = 15;
const PR_GET_NAME = 16;
const PR_SET_FP_MODE = 45;
const PR_GET_FP_MODE = 46;
/** A task name's buffer (Linux's TASK_COMM_LEN): 15 bytes and a NUL. */
const COMM_BYTES = 16;

/**
 * prctl: the FPU mode calls and the process's name (/proc/self/comm; Linux names each thread,
 * this the whole process); every other option succeeds and does nothing (as before).
 */
function prctl(k: Task, option: number, value: number): number {
  if (option === PR_SET_NAME) {
    const name = new Uint8Array(COMM_BYTES - 1);
    let length = 0;
    for (; length < name.length; length++) {
      const address = (value + length) >>> 0;
      if (!k.mem.accessible(address, 1, Perm.Read)) return -Errno.EFAULT;
      const byte = k.mem.u8[address]!;
      if (byte === 0) break;
      name[length] = byte;
    }
    k.process.command = name.slice(0, length);
    return 0;
  }
  if (option === PR_GET_NAME) {
    const view = output(k, value >>> 0, COMM_BYTES);
    if (!view) return -Errno.EFAULT;
    const bytes = new Uint8Array(view.buffer, view.byteOffset, COMM_BYTES);
    bytes.fill(0);
    bytes.set(k.process.command.subarray(0, COMM_BYTES - 1));
    return 0;
  }
  if (option === PR_GET_FP_MODE) return getFpMode(k.cpu);
  if (option !== PR_SET_FP_MODE) return 0;
  const others: Int32Array[] = [];
  for (const thread of k.process.threads) if (thread !== k && thread.mm === k.mm) others.push(thread.context.words.subarray(StateWord.Fpr));
  return setFpMode(k.cpu, value, others, () => k.mm.mem.dropAllCode());
}
const notImplemented: SyscallHandler = () => -Errno.ENOSYS;

function unlinkAt(k: Task, dirfd: number, pathAddress: number, flags: number): number {
  const path = resolvePath(k, dirfd, pathAddress);
  if (typeof path === 'number') return path;
  return hostCall(() => {
    if (flags & AT_REMOVEDIR) fs.rmdirSync(path);
    else fs.unlinkSync(path);
    return 0;
  });
}

function renameAt(k: Task, oldDirfd: number, oldAddress: number, newDirfd: number, newAddress: number, flags: number): number {
  const RENAME_NOREPLACE = 1;
  if (flags & ~RENAME_NOREPLACE) return -Errno.EINVAL;
  const from = resolvePath(k, oldDirfd, oldAddress);
  if (typeof from === 'number') return from;
  const to = resolvePath(k, newDirfd, newAddress);
  if (typeof to === 'number') return to;
  return hostCall(() => {
    if (flags & RENAME_NOREPLACE && typeof statPath(to, false) !== 'number') return -Errno.EEXIST;
    fs.renameSync(from, to);
    return 0;
  });
}

function mkdirAt(k: Task, dirfd: number, pathAddress: number, mode: number): number {
  const path = resolvePath(k, dirfd, pathAddress);
  if (typeof path === 'number') return path;
  return hostCall(() => {
    const wanted = mode & 0o7777 & ~k.umask;
    fs.mkdirSync(path, wanted);
    if ((fs.statSync(path).mode & 0o7777) !== wanted) fs.chmodSync(path, wanted);
    return 0;
  });
}

function readlinkAt(k: Task, dirfd: number, pathAddress: number, bufferAddress: number, size: number): number {
  if (size <= 0) return -Errno.EINVAL;
  const raw = readPath(k, pathAddress);
  if (typeof raw === 'number') return raw;
  let target: Buffer;
  const named = raw[0] === SLASH ? guestFdPath(k, raw) : undefined;
  const namedFile = named && named.rest === '' ? k.fds.get(named.fd) : undefined;
  if (isProcSelfExe(k, raw)) target = Buffer.from(k.programPath);
  else if (/^\/dev\/std(in|out|err)$/.test(raw.toString('latin1'))) target = Buffer.from(`/proc/self/fd/${named!.fd}`);
  else if (namedFile !== undefined && namedFile.kind === 'pipe') target = Buffer.from(`pipe:[${namedFile.pipe.ino}]`);
  else {
    const path = resolveBytes(k, dirfd, raw);
    if (typeof path === 'number') return path;
    try {
      target = fs.readlinkSync(path, { encoding: 'buffer' });
    } catch (error) {
      return -errnoFromHostError(error);
    }
  }
  const bytes = target.subarray(0, size);
  return writeGuestBytes(k, bufferAddress, bytes) ? bytes.length : -Errno.EFAULT;
}

function accessAt(k: Task, dirfd: number, pathAddress: number, mode: number): number {
  if (mode & ~7) return -Errno.EINVAL;
  const path = resolvePath(k, dirfd, pathAddress);
  if (typeof path === 'number') return path;
  return hostCall(() => {
    fs.accessSync(path, mode);
    return 0;
  });
}

function chdirTo(k: Task, path: Buffer): number {
  return hostCall(() => {
    const real = fs.realpathSync(path, { encoding: 'buffer' });
    if (!fs.statSync(real).isDirectory()) return -Errno.ENOTDIR;
    fs.accessSync(real, fs.constants.X_OK);
    k.cwd = real;
    return 0;
  });
}

function truncateTo(length: number, action: (length: number) => void): number {
  if (length < 0) return -Errno.EINVAL;
  return hostCall(() => {
    action(length);
    return 0;
  });
}

function utimensAt(k: Task, dirfd: number, pathAddress: number, timesAddress: number, flags: number, wide: boolean): number {
  const UTIME_NOW = (1 << 30) - 1;
  const UTIME_OMIT = (1 << 30) - 2;
  let target: Buffer | number | OpenFile;
  if (pathAddress === 0) {
    const file = fileOf(k, dirfd);
    if (!file) return -Errno.EBADF;
    target = file;
  } else target = resolvePath(k, dirfd, pathAddress);
  if (typeof target === 'number') return target;
  const now = Number(realtimeNanoseconds()) / 1e9;
  const times: (number | undefined)[] = [now, now];
  if (timesAddress !== 0) {
    const size = wide ? 16 : 8;
    const view = input(k, timesAddress, size * 2);
    if (!view) return -Errno.EFAULT;
    for (let index = 0; index < 2; index++) {
      const seconds = wide ? Number(view.getBigInt64(index * size, true)) : view.getInt32(index * size, true);
      const nanoseconds = wide ? Number(view.getBigInt64(index * size + 8, true)) : view.getInt32(index * size + 4, true);
      if (nanoseconds === UTIME_OMIT) times[index] = undefined;
      else if (nanoseconds !== UTIME_NOW) times[index] = seconds + nanoseconds / 1e9;
    }
  }
  return hostCall(() => {
    const isFile = !(target instanceof Buffer);
    let current: fs.Stats | undefined;
    if (times[0] === undefined || times[1] === undefined) {
      current = isFile
        ? (target as OpenFile).kind === 'host'
          ? fs.fstatSync((target as HostFile).hostFd)
          : undefined
        : fs.statSync(target as Buffer);
    }
    const atime = times[0] ?? (current ? current.atimeMs / 1000 : now);
    const mtime = times[1] ?? (current ? current.mtimeMs / 1000 : now);
    if (isFile) {
      const file = target as OpenFile;
      if (file.kind === 'host') fs.futimesSync(file.hostFd, atime, mtime);
    } else if (flags & AT_SYMLINK_NOFOLLOW) fs.lutimesSync(target as Buffer, atime, mtime);
    else fs.utimesSync(target as Buffer, atime, mtime);
    return 0;
  });
}

function sendfile(k: Task, a: SyscallArgs, wideOffset: boolean): number {
  const out = fileOf(k, a.get(0));
  const from = fileOf(k, a.get(1));
  if (!out || !from) return -Errno.EBADF;
  const offsetAddress = a.u(2);
  const count = a.u(3);
  let offsetView: DataView | undefined;
  let offset: number | undefined;
  if (offsetAddress !== 0) {
    offsetView = output(k, offsetAddress, wideOffset ? 8 : 4);
    if (!offsetView) return -Errno.EFAULT;
    offset = wideOffset ? Number(offsetView.getBigInt64(0, true)) : offsetView.getInt32(0, true);
  }
  if (from.kind !== 'host') return -Errno.EINVAL;
  const chunk = Buffer.alloc(Math.min(count, 1 << 16));
  let total = 0;
  while (total < count) {
    const want = Math.min(chunk.length, count - total);
    let got: number;
    try {
      const position = offset !== undefined ? offset + total : from.seekable ? from.position : null;
      got = fs.readSync(from.hostFd, chunk, 0, want, position);
    } catch (error) {
      if (total > 0) break;
      return -errnoFromHostError(error);
    }
    if (got === 0) break;
    // Write through the guest-visible path by staging in a scratch host buffer.
    const written = writeHostBytes(k, out, chunk.subarray(0, got));
    if (written < 0) return total > 0 ? total : written;
    if (offset === undefined && from.seekable) from.position += written;
    total += written;
    if (written < got) break;
  }
  if (offsetView && offset !== undefined) {
    if (wideOffset) offsetView.setBigInt64(0, BigInt(offset + total), true);
    else offsetView.setInt32(0, offset + total, true);
  }
  return total;
}

/** Writes host bytes to an open file (sendfile's output side). */
function writeHostBytes(k: Task, file: OpenFile, bytes: Buffer): number {
  if ((file.statusFlags & OpenFlag.AccessMode) === OpenFlag.ReadOnly) return -Errno.EBADF;
  if (file.kind === 'pipe') {
    if (file.pipe.readers === 0) {
      k.sendSignal({ signal: Signal.SIGPIPE, code: 0x80 });
      return -Errno.EPIPE;
    }
    file.pipe.chunks.push(Uint8Array.from(bytes));
    return bytes.length;
  }
  let written = 0;
  let hostFd = file.hostFd;
  while (written < bytes.length) {
    try {
      written += fs.writeSync(hostFd, bytes, written, bytes.length - written, file.seekable ? file.position + written : null);
    } catch (error) {
      if (isWouldBlock(error)) {
        const waiting = file.waitingFd(true);
        if (waiting !== undefined) hostFd = waiting;
        else sleepMilliseconds(2);
        continue;
      }
      const errno = errnoFromHostError(error);
      if (errno === Errno.EPIPE) k.sendSignal({ signal: Signal.SIGPIPE, code: 0x80 });
      return written > 0 ? written : -errno;
    }
  }
  if (file.seekable) file.position += written;
  return written;
}

export const FILE_SYSCALLS: Readonly<Record<string, SyscallHandler>> = {
  // ---- process ----
  set_thread_area: (k, a) => {
    k.cpu.userLocal = a.get(0);
    return 0;
  },
  set_robust_list: ok,
  get_robust_list: notImplemented,
  rseq: notImplemented,
  prctl: (k, a) => prctl(k, a.get(0), a.u(1)),
  personality: () => 0,
  getuid: hostUid,
  geteuid: hostUid,
  getgid: hostGid,
  getegid: hostGid,
  getresuid: (k, a) => {
    for (let index = 0; index < 3; index++) {
      const view = output(k, a.u(index), 4);
      if (!view) return -Errno.EFAULT;
      view.setUint32(0, hostUid(), true);
    }
    return 0;
  },
  getresgid: (k, a) => {
    for (let index = 0; index < 3; index++) {
      const view = output(k, a.u(index), 4);
      if (!view) return -Errno.EFAULT;
      view.setUint32(0, hostGid(), true);
    }
    return 0;
  },
  getgroups: () => 0,
  umask: (k, a) => {
    const previous = k.umask;
    k.umask = a.get(0) & 0o777;
    return previous;
  },
  uname: (k, a) => writeUtsname(k, a.u(0)),
  sysinfo: (k, a) => sysinfo(k, a.u(0)),
  getrusage: (k, a) => {
    const view = output(k, a.u(1), 72);
    if (!view) return -Errno.EFAULT;
    new Uint8Array(view.buffer, view.byteOffset, 72).fill(0);
    const usage = process.cpuUsage();
    view.setInt32(0, Math.floor(usage.user / 1e6), true);
    view.setInt32(4, usage.user % 1e6, true);
    view.setInt32(8, Math.floor(usage.system / 1e6), true);
    view.setInt32(12, usage.system % 1e6, true);
    return 0;
  },
  times: (k, a) => {
    const usage = process.cpuUsage();
    const ticks = (microseconds: number): number => Math.floor(microseconds / 10_000);
    if (a.u(0) !== 0) {
      const view = output(k, a.u(0), 16);
      if (!view) return -Errno.EFAULT;
      view.setInt32(0, ticks(usage.user), true);
      view.setInt32(4, ticks(usage.system), true);
      view.setInt32(8, 0, true);
      view.setInt32(12, 0, true);
    }
    return Number(process.hrtime.bigint() / 10_000_000n) & 0x7fff_ffff;
  },
  sched_getaffinity: (k, a) => {
    const size = a.u(1);
    if (size < 4) return -Errno.EINVAL;
    const view = output(k, a.u(2), 4);
    if (!view) return -Errno.EFAULT;
    view.setUint32(0, 1, true);
    return 4;
  },
  cacheflush: (k, a) => {
    const start = a.u(0);
    const length = a.u(1);
    if (length === 0) return 0;
    if (!k.mem.inRange(start, length)) return -Errno.EFAULT;
    for (let page = start >>> PAGE_SHIFT; page <= (start + length - 1) >>> PAGE_SHIFT; page++) k.cpu.invalidateCode(page << PAGE_SHIFT);
    return 0;
  },

  // ---- signals ----

  // ---- time ----
  // The guest never sets the host's clock (qemu-mipsel run as root would): as for a user without
  // CAP_SYS_TIME.
  clock_settime: () => -Errno.EPERM,
  clock_settime64: () => -Errno.EPERM,
  settimeofday: () => -Errno.EPERM,
  stime: () => -Errno.EPERM,
  clock_gettime: (k, a) => clockGettime(k, a, false),
  clock_gettime64: (k, a) => clockGettime(k, a, true),
  clock_getres: (k, a) => clockGetres(k, a, false),
  clock_getres_time64: (k, a) => clockGetres(k, a, true),
  gettimeofday: (k, a) => {
    if (a.u(0) !== 0) {
      const view = output(k, a.u(0), 8);
      if (!view) return -Errno.EFAULT;
      const microseconds = realtimeNanoseconds() / 1000n;
      view.setInt32(0, Number(microseconds / 1_000_000n), true);
      view.setInt32(4, Number(microseconds % 1_000_000n), true);
    }
    if (a.u(1) !== 0) {
      const view = output(k, a.u(1), 8);
      if (!view) return -Errno.EFAULT;
      view.setInt32(0, 0, true);
      view.setInt32(4, 0, true);
    }
    return 0;
  },
  time: (k, a) => {
    const seconds = Number(realtimeNanoseconds() / 1_000_000_000n);
    if (a.u(0) !== 0) {
      const view = output(k, a.u(0), 4);
      if (!view) return -Errno.EFAULT;
      view.setInt32(0, seconds, true);
    }
    return seconds;
  },

  // ---- memory ----
  brk: (k, a) => k.space.setBrk(a.u(0)),
  mmap2: (k, a) => mmap(k, a.u(0), a.u(1), a.get(2), a.get(3), a.get(4), a.u(5) * PAGE_SIZE),
  mmap: (k, a) => mmap(k, a.u(0), a.u(1), a.get(2), a.get(3), a.get(4), a.u(5)),
  munmap: (k, a) => {
    const start = a.u(0);
    const length = (a.u(1) + PAGE_MASK) & ~PAGE_MASK;
    if ((start & PAGE_MASK) !== 0 || length === 0) return -Errno.EINVAL;
    if (start + length > k.mem.size) return -Errno.EINVAL;
    k.space.unmap(start, length);
    return 0;
  },
  mremap: (k, a) => mremap(k, a.u(0), a.u(1), a.u(2), a.get(3)),
  mprotect: (k, a) => {
    const start = a.u(0);
    if ((start & PAGE_MASK) !== 0) return -Errno.EINVAL;
    const length = (a.u(1) + PAGE_MASK) & ~PAGE_MASK;
    if (length === 0) return 0;
    if (!k.space.protect(start, length, permsForProt(a.get(2)))) return -Errno.ENOMEM;
    k.space.setProt(start, length, a.get(2));
    return 0;
  },
  madvise: ok,
  mlock: ok,
  munlock: ok,
  mlockall: ok,
  munlockall: ok,
  msync: ok,
  getrandom: (k, a) => {
    const address = a.u(0);
    const length = a.u(1);
    const usable = accessiblePrefix(k, address, Math.min(length, 1 << 25), Perm.Write);
    if (length > 0 && usable === 0) return -Errno.EFAULT;
    const bytes = new Uint8Array(usable);
    fillRandom(bytes);
    k.mem.write(address, bytes);
    return usable;
  },

  // ---- files: data ----
  read: (k, a) => {
    const file = fileOf(k, a.get(0));
    return file ? blocking(k, () => readFile(k, file, a.u(1), a.u(2), undefined), file) : -Errno.EBADF;
  },
  write: (k, a) => {
    const file = fileOf(k, a.get(0));
    return file ? blocking(k, () => writeFile(k, file, a.u(1), a.u(2), undefined)) : -Errno.EBADF;
  },
  pread64: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    const offset = a.u64(4);
    if (a.get(5) < 0) return -Errno.EINVAL;
    return readFile(k, file, a.u(1), a.u(2), offset);
  },
  pwrite64: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    if (a.get(5) < 0) return -Errno.EINVAL;
    return writeFile(k, file, a.u(1), a.u(2), a.u64(4));
  },
  readv: (k, a) => blocking(k, () => vectorIo(k, a, false, undefined), fileOf(k, a.get(0))),
  writev: (k, a) => blocking(k, () => vectorIo(k, a, true, undefined)),
  preadv: (k, a) => vectorIo(k, a, false, a.u64(3)),
  pwritev: (k, a) => vectorIo(k, a, true, a.u64(3)),
  lseek: (k, a) => {
    const file = fileOf(k, a.get(0));
    return file ? seek(file, a.get(1), a.get(2)) : -Errno.EBADF;
  },
  _llseek: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    const offset = a.get(1) * 0x1_0000_0000 + a.u(2);
    const result = seek(file, offset, a.get(4));
    if (result < 0) return result;
    const view = output(k, a.u(3), 8);
    if (!view) return -Errno.EFAULT;
    setU64(view, 0, result);
    return 0;
  },
  sendfile: (k, a) => sendfile(k, a, false),
  sendfile64: (k, a) => sendfile(k, a, true),
  fsync: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    return file.kind === 'host' ? hostCall(() => (fs.fsyncSync(file.hostFd), 0)) : -Errno.EINVAL;
  },
  fdatasync: (k, a) => (fileOf(k, a.get(0)) ? 0 : -Errno.EBADF),
  sync: ok,
  // As sync: the data is in the host's page cache, whose writing back the guest cannot tell.
  syncfs: (k, a) => (fileOf(k, a.get(0)) ? 0 : -Errno.EBADF),
  fadvise64: (k, a) => (fileOf(k, a.get(0)) ? 0 : -Errno.EBADF),
  ftruncate64: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    if (file.kind !== 'host') return -Errno.EINVAL;
    return truncateTo(a.u64(2), (length) => fs.ftruncateSync(file.hostFd, length));
  },
  ftruncate: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    if (file.kind !== 'host') return -Errno.EINVAL;
    return truncateTo(a.get(1), (length) => fs.ftruncateSync(file.hostFd, length));
  },
  truncate64: (k, a) => {
    const path = resolvePath(k, AT_FDCWD, a.u(0));
    if (typeof path === 'number') return path;
    return truncateTo(a.u64(2), (length) => fs.truncateSync(path, length));
  },
  truncate: (k, a) => {
    const path = resolvePath(k, AT_FDCWD, a.u(0));
    if (typeof path === 'number') return path;
    return truncateTo(a.get(1), (length) => fs.truncateSync(path, length));
  },

  // ---- files: descriptors ----
  open: (k, a) => openAt(k, AT_FDCWD, a.u(0), a.get(1), a.get(2)),
  openat: (k, a) => openAt(k, a.get(0), a.u(1), a.get(2), a.get(3)),
  creat: (k, a) => openAt(k, AT_FDCWD, a.u(0), OpenFlag.Create | OpenFlag.WriteOnly | OpenFlag.Truncate, a.get(1)),
  close: (k, a) => (k.fds.close(a.get(0)) ? 0 : -Errno.EBADF),
  dup: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    const fd = k.fds.allocate(file, false);
    return fd < 0 ? -Errno.EMFILE : fd;
  },
  dup2: (k, a) => dupTo(k, a.get(0), a.get(1), false),
  dup3: (k, a) => {
    if (a.get(0) === a.get(1)) return -Errno.EINVAL;
    if (a.get(2) & ~OpenFlag.CloseOnExec) return -Errno.EINVAL;
    return dupTo(k, a.get(0), a.get(1), (a.get(2) & OpenFlag.CloseOnExec) !== 0);
  },
  fcntl: fcntl,
  fcntl64: fcntl,
  pipe: (k) => {
    // o32 pipe() returns both descriptors: the read end in v0, the write end in v1.
    const fds = makePipe(k, 0);
    if (typeof fds === 'number') return fds;
    k.secondResult = fds[1];
    return fds[0];
  },
  pipe2: (k, a) => {
    const view = output(k, a.u(0), 8);
    if (!view) return -Errno.EFAULT;
    const fds = makePipe(k, a.get(1));
    if (typeof fds === 'number') return fds;
    view.setInt32(0, fds[0], true);
    view.setInt32(4, fds[1], true);
    return 0;
  },
  ioctl,

  // ---- files: metadata ----
  stat64: (k, a) => {
    const st = statAt(k, AT_FDCWD, a.u(0), 0);
    return typeof st === 'number' ? st : writeStat64(k, a.u(1), st);
  },
  lstat64: (k, a) => {
    const st = statAt(k, AT_FDCWD, a.u(0), AT_SYMLINK_NOFOLLOW);
    return typeof st === 'number' ? st : writeStat64(k, a.u(1), st);
  },
  fstat64: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    try {
      return writeStat64(k, a.u(1), statOpenFile(file));
    } catch (error) {
      return -errnoFromHostError(error);
    }
  },
  fstatat64: (k, a) => {
    const st = statAt(k, a.get(0), a.u(1), a.get(3));
    return typeof st === 'number' ? st : writeStat64(k, a.u(2), st);
  },
  statx: (k, a) => {
    const st = statAt(k, a.get(0), a.u(1), a.get(2));
    return typeof st === 'number' ? st : writeStatx(k, a.u(4), st);
  },
  access: (k, a) => accessAt(k, AT_FDCWD, a.u(0), a.get(1)),
  faccessat: (k, a) => accessAt(k, a.get(0), a.u(1), a.get(2)),
  faccessat2: (k, a) => accessAt(k, a.get(0), a.u(1), a.get(2)),
  readlink: (k, a) => readlinkAt(k, AT_FDCWD, a.u(0), a.u(1), a.get(2)),
  readlinkat: (k, a) => readlinkAt(k, a.get(0), a.u(1), a.u(2), a.get(3)),
  getdents64,
  getcwd: (k, a) => {
    const size = a.u(1);
    const bytes = Buffer.concat([k.cwd, Buffer.from([0])]);
    if (size < bytes.length) return -Errno.ERANGE;
    return writeGuestBytes(k, a.u(0), bytes) ? bytes.length : -Errno.EFAULT;
  },
  chdir: (k, a) => {
    const path = resolvePath(k, AT_FDCWD, a.u(0));
    return typeof path === 'number' ? path : chdirTo(k, path);
  },
  fchdir: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    if (file.kind !== 'host' || !file.isDirectory || file.path === undefined) return -Errno.ENOTDIR;
    return chdirTo(k, file.path);
  },
  unlink: (k, a) => unlinkAt(k, AT_FDCWD, a.u(0), 0),
  unlinkat: (k, a) => unlinkAt(k, a.get(0), a.u(1), a.get(2)),
  rmdir: (k, a) => unlinkAt(k, AT_FDCWD, a.u(0), AT_REMOVEDIR),
  rename: (k, a) => renameAt(k, AT_FDCWD, a.u(0), AT_FDCWD, a.u(1), 0),
  renameat: (k, a) => renameAt(k, a.get(0), a.u(1), a.get(2), a.u(3), 0),
  renameat2: (k, a) => renameAt(k, a.get(0), a.u(1), a.get(2), a.u(3), a.get(4)),
  mkdir: (k, a) => mkdirAt(k, AT_FDCWD, a.u(0), a.get(1)),
  mkdirat: (k, a) => mkdirAt(k, a.get(0), a.u(1), a.get(2)),
  symlink: (k, a) => {
    const target = readPath(k, a.u(0));
    if (typeof target === 'number') return target;
    const path = resolvePath(k, AT_FDCWD, a.u(1));
    if (typeof path === 'number') return path;
    return hostCall(() => (fs.symlinkSync(target, path), 0));
  },
  symlinkat: (k, a) => {
    const target = readPath(k, a.u(0));
    if (typeof target === 'number') return target;
    const path = resolvePath(k, a.get(1), a.u(2));
    if (typeof path === 'number') return path;
    return hostCall(() => (fs.symlinkSync(target, path), 0));
  },
  link: (k, a) => {
    const from = resolvePath(k, AT_FDCWD, a.u(0));
    if (typeof from === 'number') return from;
    const to = resolvePath(k, AT_FDCWD, a.u(1));
    if (typeof to === 'number') return to;
    return hostCall(() => (fs.linkSync(from, to), 0));
  },
  linkat: (k, a) => {
    const from = resolvePath(k, a.get(0), a.u(1));
    if (typeof from === 'number') return from;
    const to = resolvePath(k, a.get(2), a.u(3));
    if (typeof to === 'number') return to;
    if (a.get(4) & ~AT_SYMLINK_FOLLOW) return -Errno.EINVAL;
    return hostCall(() => (fs.linkSync(from, to), 0));
  },
  chmod: (k, a) => {
    const path = resolvePath(k, AT_FDCWD, a.u(0));
    if (typeof path === 'number') return path;
    return hostCall(() => (fs.chmodSync(path, a.get(1) & 0o7777), 0));
  },
  fchmodat: (k, a) => {
    const path = resolvePath(k, a.get(0), a.u(1));
    if (typeof path === 'number') return path;
    return hostCall(() => (fs.chmodSync(path, a.get(2) & 0o7777), 0));
  },
  fchmod: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    return file.kind === 'host' ? hostCall(() => (fs.fchmodSync(file.hostFd, a.get(1) & 0o7777), 0)) : 0;
  },
  chown: (k, a) => {
    const path = resolvePath(k, AT_FDCWD, a.u(0));
    if (typeof path === 'number') return path;
    return hostCall(() => (fs.chownSync(path, a.get(1), a.get(2)), 0));
  },
  lchown: (k, a) => {
    const path = resolvePath(k, AT_FDCWD, a.u(0));
    if (typeof path === 'number') return path;
    return hostCall(() => (fs.lchownSync(path, a.get(1), a.get(2)), 0));
  },
  fchown: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    return file.kind === 'host' ? hostCall(() => (fs.fchownSync(file.hostFd, a.get(1), a.get(2)), 0)) : 0;
  },
  fchownat: (k, a) => {
    const path = resolvePath(k, a.get(0), a.u(1));
    if (typeof path === 'number') return path;
    return hostCall(() => {
      if (a.get(4) & AT_SYMLINK_NOFOLLOW) fs.lchownSync(path, a.get(2), a.get(3));
      else fs.chownSync(path, a.get(2), a.get(3));
      return 0;
    });
  },
  // Copies through the kernel; callers (coreutils' cat and cp) fall back to read and write.
  copy_file_range: () => -Errno.ENOSYS,
  utimensat: (k, a) => utimensAt(k, a.get(0), a.u(1), a.u(2), a.get(3), false),
  utimensat_time64: (k, a) => utimensAt(k, a.get(0), a.u(1), a.u(2), a.get(3), true),
};

