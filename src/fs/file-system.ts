// The file system the Linux layer reads and writes through: src/linux imports its fs calls from
// here (`import * as fs from '../fs/file-system.js'`), and each call goes to the file system in
// force: the host's (node:fs; guest paths are host paths), a RootedFileSystem (`mipsjit run
// --root DIR`: the guest confined to DIR) or a MemoryFileSystem (browsers, sandboxed runs). A run
// puts its file system in force with claimFileSystem(); one thread has one in force at a time, so
// runs with different file systems in one thread are refused rather than mixed. Calls on a
// descriptor go to the file system that opened it: a file system that says it does not own a
// descriptor (ownsDescriptor) leaves it to the host's (e.g. procfs.ts's snapshots, host files).

import type * as nodeFs from 'node:fs';
import * as hostCalls from './node-fs.js';

export type Stats = nodeFs.Stats;
export type BigIntStats = nodeFs.BigIntStats;
export type Dirent = nodeFs.Dirent;

/** The node:fs calls the Linux layer makes. */
export type FileSystem = Pick<
  typeof nodeFs,
  | 'constants'
  | 'accessSync'
  | 'chmodSync'
  | 'chownSync'
  | 'closeSync'
  | 'existsSync'
  | 'fchmodSync'
  | 'fchownSync'
  | 'fstatSync'
  | 'fsyncSync'
  | 'ftruncateSync'
  | 'futimesSync'
  | 'lchownSync'
  | 'linkSync'
  | 'lstatSync'
  | 'lutimesSync'
  | 'mkdirSync'
  | 'openSync'
  | 'opendirSync'
  | 'readFileSync'
  | 'readSync'
  | 'readlinkSync'
  | 'realpathSync'
  | 'renameSync'
  | 'rmdirSync'
  | 'statSync'
  | 'statfsSync'
  | 'symlinkSync'
  | 'truncateSync'
  | 'unlinkSync'
  | 'utimesSync'
  | 'writeSync'
>;

/** A file system that holds descriptors of its own says which (MemoryFileSystem does). */
interface DescriptorOwner {
  ownsDescriptor?(fd: number): boolean;
}

const host: FileSystem = hostCalls;
let current: FileSystem = host;
let claims = 0;

/** The host's file system (in the browser build: the default in-memory one). */
export const hostFileSystem = (): FileSystem => host;

/** The file system in force now (the host's, or the one a run claimed). */
export const fileSystemInForce = (): FileSystem => current;

/**
 * Puts `fileSystem` in force for a run until the returned release is called. Runs that share
 * a file system may overlap; a run that wants another one while some are active gets an Error.
 */
export function claimFileSystem(fileSystem: FileSystem): () => void {
  if (claims > 0 && fileSystem !== current) throw new Error('another guest run with a different file system is active in this thread; run them one after the other');
  current = fileSystem;
  constants = fileSystem.constants;
  claims++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--claims === 0) {
      current = host;
      constants = host.constants;
    }
  };
}

/** The file system that answers calls on descriptor `fd`. */
const holding = (fd: number): FileSystem => ((current as FileSystem & DescriptorOwner).ownsDescriptor?.(fd) === false ? host : current);

// The calls, each forwarded to the file system in force (same types as node:fs).
export let constants: typeof nodeFs.constants = host.constants;
export const accessSync: typeof nodeFs.accessSync = (...args) => current.accessSync(...args);
export const chmodSync: typeof nodeFs.chmodSync = (...args) => current.chmodSync(...args);
export const chownSync: typeof nodeFs.chownSync = (...args) => current.chownSync(...args);
export const closeSync: typeof nodeFs.closeSync = (...args) => holding(args[0]).closeSync(...args);
export const existsSync: typeof nodeFs.existsSync = (...args) => current.existsSync(...args);
export const fchmodSync: typeof nodeFs.fchmodSync = (...args) => holding(args[0]).fchmodSync(...args);
export const fchownSync: typeof nodeFs.fchownSync = (...args) => holding(args[0]).fchownSync(...args);
export const fstatSync = ((...args: Parameters<typeof nodeFs.fstatSync>) => holding(args[0]).fstatSync(...args)) as typeof nodeFs.fstatSync;
export const fsyncSync: typeof nodeFs.fsyncSync = (...args) => holding(args[0]).fsyncSync(...args);
export const ftruncateSync: typeof nodeFs.ftruncateSync = (...args) => holding(args[0]).ftruncateSync(...args);
export const futimesSync: typeof nodeFs.futimesSync = (...args) => holding(args[0]).futimesSync(...args);
export const lchownSync: typeof nodeFs.lchownSync = (...args) => current.lchownSync(...args);
export const linkSync: typeof nodeFs.linkSync = (...args) => current.linkSync(...args);
export const lstatSync = ((...args: Parameters<typeof nodeFs.lstatSync>) => current.lstatSync(...args)) as typeof nodeFs.lstatSync;
export const lutimesSync: typeof nodeFs.lutimesSync = (...args) => current.lutimesSync(...args);
export const mkdirSync = ((...args: Parameters<typeof nodeFs.mkdirSync>) => current.mkdirSync(...args)) as typeof nodeFs.mkdirSync;
export const openSync: typeof nodeFs.openSync = (...args) => current.openSync(...args);
export const opendirSync: typeof nodeFs.opendirSync = (...args) => current.opendirSync(...args);
export const readFileSync = ((...args: Parameters<typeof nodeFs.readFileSync>) => (typeof args[0] === 'number' ? holding(args[0]) : current).readFileSync(...args)) as typeof nodeFs.readFileSync;
export const readSync = ((...args: Parameters<typeof nodeFs.readSync>) => (holding(args[0]).readSync as (...a: unknown[]) => number)(...args)) as typeof nodeFs.readSync;
export const readlinkSync = ((...args: Parameters<typeof nodeFs.readlinkSync>) => current.readlinkSync(...args)) as typeof nodeFs.readlinkSync;
export const realpathSync = ((...args: Parameters<typeof nodeFs.realpathSync>) => current.realpathSync(...args)) as typeof nodeFs.realpathSync;
export const renameSync: typeof nodeFs.renameSync = (...args) => current.renameSync(...args);
export const rmdirSync: typeof nodeFs.rmdirSync = (...args) => current.rmdirSync(...args);
export const statSync = ((...args: Parameters<typeof nodeFs.statSync>) => current.statSync(...args)) as typeof nodeFs.statSync;
export const statfsSync = ((...args: Parameters<typeof nodeFs.statfsSync>) => current.statfsSync(...args)) as typeof nodeFs.statfsSync;
export const symlinkSync: typeof nodeFs.symlinkSync = (...args) => current.symlinkSync(...args);
export const truncateSync: typeof nodeFs.truncateSync = (...args) => current.truncateSync(...args);
export const unlinkSync: typeof nodeFs.unlinkSync = (...args) => current.unlinkSync(...args);
export const utimesSync: typeof nodeFs.utimesSync = (...args) => current.utimesSync(...args);
export const writeSync = ((...args: Parameters<typeof nodeFs.writeSync>) => (holding(args[0]).writeSync as (...a: unknown[]) => number)(...args)) as typeof nodeFs.writeSync;
