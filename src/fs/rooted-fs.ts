// RootedFileSystem: the host's file system seen from a directory, as chroot(2) shows it
// (`mipsjit run --root DIR`). Every guest path is walked component by component inside DIR:
// `..` stops at DIR, and symbolic links are followed by this walk (an absolute target starts
// again at DIR), so neither can lead the guest outside it. Calls on open descriptors go to node:fs.

import type * as NodeFs from 'node:fs';
import * as nodeFs from './node-fs.js';
import type { FileSystem } from './file-system.js';

type PathLike = string | Buffer | URL;

/** Symbolic links followed in one lookup before ELOOP (Linux's MAXSYMLINKS). */
const MAX_SYMLINKS = 40;

const latin1 = (target: PathLike): string => (typeof target === 'string' ? target : target instanceof URL ? decodeURIComponent(target.pathname) : target.toString('latin1'));
const components = (target: string): string[] => target.split('/').filter((part) => part !== '' && part !== '.');
const hostError = (code: string, syscall: string, path: string): Error => Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });

/** A file system confined to the host directory `root` (which must exist). */
export function rootedFileSystem(root: string): FileSystem {
  if (typeof root !== 'string' || root === '') throw new TypeError('rootedFileSystem: root must be a directory path');
  const hostRoot = nodeFs.realpathSync(root);
  if (!nodeFs.statSync(hostRoot).isDirectory()) throw hostError('ENOTDIR', 'chroot', root);

  /** The guest path's components after `..` and symbolic links, all inside the root. */
  function walk(target: PathLike, followLast: boolean, syscall: string): string[] {
    const text = latin1(target);
    if (text === '') throw hostError('ENOENT', syscall, text);
    let parts = components(text);
    let chain: string[] = [];
    let links = 0;
    while (parts.length > 0) {
      const part = parts.shift()!;
      if (part === '..') {
        chain.pop();
        continue;
      }
      if (parts.length > 0 || followLast) {
        const candidate = Buffer.from(`${hostRoot}/${[...chain, part].join('/')}`, 'latin1');
        let isLink = false;
        try {
          isLink = nodeFs.lstatSync(candidate).isSymbolicLink();
        } catch {
          // missing: the host call on the final path reports it
        }
        if (isLink) {
          if (++links > MAX_SYMLINKS) throw hostError('ELOOP', syscall, text);
          const linkTarget = nodeFs.readlinkSync(candidate, { encoding: 'latin1' });
          if (linkTarget.startsWith('/')) chain = [];
          parts = [...components(linkTarget), ...parts];
          continue;
        }
      }
      chain.push(part);
    }
    // A trailing slash asks for a directory, as the host call would check.
    if (text.endsWith('/') && chain.length > 0) chain[chain.length - 1] += '/';
    return chain;
  }
  const inside = (target: PathLike, followLast: boolean, syscall: string): Buffer => Buffer.from(`${hostRoot}/${walk(target, followLast, syscall).join('/')}`, 'latin1');
  const followed = (target: PathLike, syscall: string): Buffer => inside(target, true, syscall);
  const unfollowed = (target: PathLike, syscall: string): Buffer => inside(target, false, syscall);

  const rooted = {
    constants: nodeFs.constants,
    // Calls on descriptors: the descriptor was opened inside the root.
    closeSync: nodeFs.closeSync,
    fchmodSync: nodeFs.fchmodSync,
    fchownSync: nodeFs.fchownSync,
    fstatSync: nodeFs.fstatSync,
    fsyncSync: nodeFs.fsyncSync,
    ftruncateSync: nodeFs.ftruncateSync,
    futimesSync: nodeFs.futimesSync,
    readSync: nodeFs.readSync,
    writeSync: nodeFs.writeSync,
    // Calls on paths: walked inside the root first.
    accessSync: (target: PathLike, mode?: number) => nodeFs.accessSync(followed(target, 'access'), mode),
    chmodSync: (target: PathLike, mode: NodeFs.Mode) => nodeFs.chmodSync(followed(target, 'chmod'), mode),
    chownSync: (target: PathLike, uid: number, gid: number) => nodeFs.chownSync(followed(target, 'chown'), uid, gid),
    lchownSync: (target: PathLike, uid: number, gid: number) => nodeFs.lchownSync(unfollowed(target, 'lchown'), uid, gid),
    existsSync: (target: PathLike) => {
      try {
        return nodeFs.existsSync(followed(target, 'access'));
      } catch {
        return false;
      }
    },
    linkSync: (from: PathLike, to: PathLike) => nodeFs.linkSync(unfollowed(from, 'link'), unfollowed(to, 'link')),
    statSync: (target: PathLike, options?: NodeFs.StatSyncOptions) => nodeFs.statSync(followed(target, 'stat'), options),
    lstatSync: (target: PathLike, options?: NodeFs.StatSyncOptions) => nodeFs.lstatSync(unfollowed(target, 'lstat'), options),
    utimesSync: (target: PathLike, atime: NodeFs.TimeLike, mtime: NodeFs.TimeLike) => nodeFs.utimesSync(followed(target, 'utime'), atime, mtime),
    lutimesSync: (target: PathLike, atime: NodeFs.TimeLike, mtime: NodeFs.TimeLike) => nodeFs.lutimesSync(unfollowed(target, 'lutime'), atime, mtime),
    mkdirSync: (target: PathLike, options?: NodeFs.Mode | NodeFs.MakeDirectoryOptions) => nodeFs.mkdirSync(unfollowed(target, 'mkdir'), options),
    openSync: (target: PathLike, flags?: NodeFs.OpenMode, mode?: NodeFs.Mode) => {
      const numeric = typeof flags === 'number' ? flags : 0;
      return nodeFs.openSync(inside(target, (numeric & nodeFs.constants.O_NOFOLLOW) === 0, 'open'), flags ?? 'r', mode);
    },
    opendirSync: (target: PathLike, options?: NodeFs.OpenDirOptions) => nodeFs.opendirSync(followed(target, 'opendir'), options),
    readFileSync: (target: PathLike | number, options?: { encoding?: null; flag?: string } | BufferEncoding) =>
      nodeFs.readFileSync(typeof target === 'number' ? target : followed(target, 'open'), options as BufferEncoding),
    readlinkSync: (target: PathLike, options?: NodeFs.EncodingOption) => nodeFs.readlinkSync(unfollowed(target, 'readlink'), options),
    realpathSync: (target: PathLike, options?: { encoding?: string } | string) => {
      const guest = '/' + walk(target, true, 'realpath').join('/');
      nodeFs.statSync(Buffer.from(`${hostRoot}${guest}`, 'latin1')); // ENOENT as realpath(3) gives it
      const encoding = typeof options === 'string' ? options : options?.encoding;
      return encoding === 'buffer' ? Buffer.from(guest, 'latin1') : guest;
    },
    renameSync: (from: PathLike, to: PathLike) => nodeFs.renameSync(unfollowed(from, 'rename'), unfollowed(to, 'rename')),
    rmdirSync: (target: PathLike) => nodeFs.rmdirSync(unfollowed(target, 'rmdir')),
    // The link's text is the guest's: it is resolved inside the root when followed.
    statfsSync: (target: PathLike, options?: NodeFs.StatFsOptions) => nodeFs.statfsSync(followed(target, 'statfs') as unknown as string, options),
    symlinkSync: (linkTarget: PathLike, link: PathLike) => nodeFs.symlinkSync(linkTarget, unfollowed(link, 'symlink')),
    truncateSync: (target: PathLike, length?: number) => nodeFs.truncateSync(followed(target, 'truncate'), length),
    unlinkSync: (target: PathLike) => nodeFs.unlinkSync(unfollowed(target, 'unlink')),
  };
  return rooted as unknown as FileSystem;
}
