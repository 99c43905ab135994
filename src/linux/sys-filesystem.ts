// File-system calls beyond open/read/write/stat64: the old o32 stat/lstat/fstat (4106-4108) with
// their 32-bit struct, statfs and fstatfs (both struct layouts), extended attributes (the guest
// sees files without any: get and remove say ENODATA, list says none, set is not supported),
// flock (locks as no-ops that succeed, like fcntl's), and chroot (it moves the process's sysroot,
// qemu-user's -L, to the new root: absolute paths are looked up there first).

import * as fs from '../fs/file-system.js';
import { resolve } from 'node:path';
import { Errno, errnoFromHostError } from './errno.js';
import { AT_FDCWD_VALUE, fileOf, hostCall, output, resolvePath, setU64, statAt, statOpenFile, type AnyStat, type SyscallHandler } from './syscalls.js';
import type { SyscallArgs, Task } from './task.js';
import { hostUid } from './identity.js';

const AT_SYMLINK_NOFOLLOW = 0x100;

/**
 * Writes an o32 `struct stat` (arch/mips/include/uapi/asm/stat.h, 144 bytes); EOVERFLOW as cp_new_stat.
 * st_dev/st_rdev are new_encode_dev's, which is the host's user-space encoding (as stat64's).
 */
function writeOldStat(k: Task, address: number, st: AnyStat): number {
  if (st.ino > 0xffff_ffffn || st.size > 0x7fff_ffffn) return -Errno.EOVERFLOW;
  const view = output(k, address, 144);
  if (!view) return -Errno.EFAULT;
  new Uint8Array(view.buffer, view.byteOffset, 144).fill(0);
  view.setUint32(0, Number(BigInt.asUintN(32, st.dev)), true);
  view.setUint32(16, Number(st.ino), true);
  view.setUint32(20, Number(st.mode), true);
  view.setUint32(24, Number(st.nlink), true);
  view.setUint32(28, Number(st.uid), true);
  view.setUint32(32, Number(st.gid), true);
  view.setUint32(36, Number(BigInt.asUintN(32, st.rdev)), true);
  view.setInt32(48, Number(st.size), true);
  [st.atimeNs, st.mtimeNs, st.ctimeNs].forEach((ns, index) => {
    view.setInt32(56 + index * 8, Number(BigInt.asIntN(32, ns / 1_000_000_000n)), true);
    view.setInt32(60 + index * 8, Number(ns % 1_000_000_000n), true);
  });
  view.setInt32(80, Number(st.blksize), true);
  view.setInt32(84, Number(BigInt.asIntN(32, st.blocks)), true);
  return 0;
}

function oldStat(k: Task, a: SyscallArgs, flags: number): number {
  const st = statAt(k, AT_FDCWD_VALUE, a.u(0), flags);
  return typeof st === 'number' ? st : writeOldStat(k, a.u(1), st);
}

// ---------------------------------------------------------------------------------------------
// statfs

interface FileSystemInfo {
  type: bigint;
  bsize: bigint;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
}

/** f_flags: ST_VALID (the field is filled in). */
const ST_VALID = 0x20;
const NAME_MAX = 255;

function statfsOfPath(k: Task, pathAddress: number): FileSystemInfo | number {
  const resolved = resolvePath(k, AT_FDCWD_VALUE, pathAddress);
  if (typeof resolved === 'number') return resolved;
  try {
    return fs.statfsSync(resolved as unknown as string, { bigint: true });
  } catch (error) {
    return -errnoFromHostError(error);
  }
}

function statfsOfFd(k: Task, fd: number): FileSystemInfo | number {
  const file = fileOf(k, fd);
  if (!file) return -Errno.EBADF;
  // A pipe lives on pipefs (PIPEFS_MAGIC); a host descriptor on the file system of its path.
  if (file.kind === 'pipe') return { type: 0x5049_5045n, bsize: 4096n, blocks: 0n, bfree: 0n, bavail: 0n, files: 0n, ffree: 0n };
  const target = file.path ?? `/proc/self/fd/${file.hostFd}`;
  try {
    return fs.statfsSync(target as unknown as string, { bigint: true });
  } catch (error) {
    return -errnoFromHostError(error);
  }
}

/**
 * Writes a MIPS struct statfs (wide = statfs64): f_type, f_bsize, f_frsize, then (statfs) 32-bit
 * f_blocks, f_bfree, f_files, f_ffree, f_bavail or (statfs64) a pad word and 64-bit counts in the
 * same order; then f_fsid, f_namelen, f_flags, f_spare[5]. MIPS puts f_files before f_bavail.
 */
function writeStatfs(k: Task, address: number, info: FileSystemInfo | number, wide: boolean): number {
  if (typeof info === 'number') return info;
  const size = wide ? 96 : 68;
  const view = output(k, address, size);
  if (!view) return -Errno.EFAULT;
  new Uint8Array(view.buffer, view.byteOffset, size).fill(0);
  const clamp = (value: bigint): number => Number(value > 0xffff_ffffn ? 0xffff_ffffn : value);
  view.setUint32(0, Number(BigInt.asUintN(32, info.type)), true);
  view.setUint32(4, Number(info.bsize), true);
  view.setUint32(8, Number(info.bsize), true);
  const counts = [info.blocks, info.bfree, info.files, info.ffree, info.bavail];
  let at: number;
  if (wide) {
    counts.forEach((count, index) => setU64(view, 16 + index * 8, count));
    at = 56;
  } else {
    if (counts.some((count) => count > 0xffff_ffffn)) return -Errno.EOVERFLOW;
    counts.forEach((count, index) => view.setUint32(12 + index * 4, clamp(count), true));
    at = 32;
  }
  // f_fsid stays zero (as for an unprivileged caller on many file systems).
  view.setUint32(at + 8, NAME_MAX, true);
  view.setUint32(at + 12, ST_VALID, true);
  return 0;
}

/** statfs64/fstatfs64 take the struct size; the kernel refuses any other. */
const STATFS64_SIZE = 88;
function checkStatfs64Size(size: number): boolean {
  return size === STATFS64_SIZE || size === 96;
}

// ---------------------------------------------------------------------------------------------
// Extended attributes: a file exists (or not) and has none.

function xattrOfPath(k: Task, a: SyscallArgs, follow: boolean, result: number): number {
  const resolved = resolvePath(k, AT_FDCWD_VALUE, a.u(0));
  if (typeof resolved === 'number') return resolved;
  return hostCall(() => {
    if (follow) fs.statSync(resolved);
    else fs.lstatSync(resolved);
    return result;
  });
}

function xattrOfFd(k: Task, a: SyscallArgs, result: number): number {
  return fileOf(k, a.get(0)) ? result : -Errno.EBADF;
}

// ---------------------------------------------------------------------------------------------
// chroot

function chroot(k: Task, a: SyscallArgs): number {
  const resolved = resolvePath(k, AT_FDCWD_VALUE, a.u(0));
  if (typeof resolved === 'number') return resolved;
  if (hostUid() !== 0) return -Errno.EPERM;
  return hostCall(() => {
    const real = fs.realpathSync(resolved, { encoding: 'buffer' }).toString('latin1');
    if (!fs.statSync(real).isDirectory()) return -Errno.ENOTDIR;
    k.process.sysroot = real === '/' ? undefined : resolve(real);
    return 0;
  });
}

export const FILESYSTEM_SYSCALLS: Readonly<Record<string, SyscallHandler>> = {
  stat: (k, a) => oldStat(k, a, 0),
  lstat: (k, a) => oldStat(k, a, AT_SYMLINK_NOFOLLOW),
  fstat: (k, a) => {
    const file = fileOf(k, a.get(0));
    if (!file) return -Errno.EBADF;
    try {
      return writeOldStat(k, a.u(1), statOpenFile(file));
    } catch (error) {
      return -errnoFromHostError(error);
    }
  },
  statfs: (k, a) => writeStatfs(k, a.u(1), statfsOfPath(k, a.u(0)), false),
  fstatfs: (k, a) => writeStatfs(k, a.u(1), statfsOfFd(k, a.get(0)), false),
  statfs64: (k, a) => (checkStatfs64Size(a.u(1)) ? writeStatfs(k, a.u(2), statfsOfPath(k, a.u(0)), true) : -Errno.EINVAL),
  fstatfs64: (k, a) => (checkStatfs64Size(a.u(1)) ? writeStatfs(k, a.u(2), statfsOfFd(k, a.get(0)), true) : -Errno.EINVAL),
  getxattr: (k, a) => xattrOfPath(k, a, true, -Errno.ENODATA),
  lgetxattr: (k, a) => xattrOfPath(k, a, false, -Errno.ENODATA),
  fgetxattr: (k, a) => xattrOfFd(k, a, -Errno.ENODATA),
  listxattr: (k, a) => xattrOfPath(k, a, true, 0),
  llistxattr: (k, a) => xattrOfPath(k, a, false, 0),
  flistxattr: (k, a) => xattrOfFd(k, a, 0),
  removexattr: (k, a) => xattrOfPath(k, a, true, -Errno.ENODATA),
  lremovexattr: (k, a) => xattrOfPath(k, a, false, -Errno.ENODATA),
  fremovexattr: (k, a) => xattrOfFd(k, a, -Errno.ENODATA),
  setxattr: (k, a) => xattrOfPath(k, a, true, -Errno.EOPNOTSUPP),
  lsetxattr: (k, a) => xattrOfPath(k, a, false, -Errno.EOPNOTSUPP),
  fsetxattr: (k, a) => xattrOfFd(k, a, -Errno.EOPNOTSUPP),
  flock: (k, a) => {
    const LOCK_SH = 1;
    const LOCK_EX = 2;
    const LOCK_UN = 8;
    if (!fileOf(k, a.get(0))) return -Errno.EBADF;
    const operation = a.get(1) & ~4; // LOCK_NB
    return operation === LOCK_SH || operation === LOCK_EX || operation === LOCK_UN ? 0 : -Errno.EINVAL;
  },
  chroot,
};
