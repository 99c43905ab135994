// The browser's stand-in for node:fs (aliased by scripts/build.mjs): the calls of one default
// MemoryFileSystem (src/fs/memory-fs.ts), which is "the host's" file system in a page. Guest runs
// get a fresh MemoryFileSystem of their own (src/run-linux.ts); nothing here reaches a disk.

import { LINUX_FS_CONSTANTS, MemoryFileSystem } from '../fs/memory-fs.js';

const fileSystem = new MemoryFileSystem();

export const constants = LINUX_FS_CONSTANTS;
export const {
  statSync, lstatSync, fstatSync, existsSync, accessSync, realpathSync, readlinkSync, openSync, closeSync, readSync, writeSync, ftruncateSync,
  truncateSync, fsyncSync, readFileSync, mkdirSync, unlinkSync, rmdirSync, renameSync, opendirSync, symlinkSync, linkSync, chmodSync, fchmodSync,
  chownSync, lchownSync, fchownSync, utimesSync, lutimesSync, futimesSync, statfsSync,
} = fileSystem; // prettier-ignore

export default fileSystem;

// What src/run-linux.ts calls to stage a program on the host's file system (unused in a page,
// where every run gets its own MemoryFileSystem, but defined so the import resolves).
let temporaryCount = 0;
export function mkdtempSync(prefix: string): string {
  const path = `${prefix}${(temporaryCount++).toString(36).padStart(6, '0')}`;
  fileSystem.mkdir(path, 0o700);
  return path;
}
export function writeFileSync(path: string, contents: Uint8Array | string, options?: { mode?: number }): void {
  fileSystem.writeFile(path, contents, options?.mode);
}
export function rmSync(path: string, options?: { recursive?: boolean; force?: boolean }): void {
  if (!fileSystem.existsSync(path)) {
    if (options?.force) return;
    throw Object.assign(new Error(`ENOENT: rm '${path}'`), { code: 'ENOENT' });
  }
  if (fileSystem.lstatSync(path).isDirectory()) {
    for (const name of fileSystem.list(path)) rmSync(`${path}/${name}`, options);
    fileSystem.rmdirSync(path);
  } else fileSystem.unlinkSync(path);
}
