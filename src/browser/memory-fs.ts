// The browser's stand-in for node:fs (the build aliases node:fs to this file for the browser entry):
// an in-memory tree of directories and regular files with the synchronous calls the Linux layer
// makes (open/read/write/stat/getdents/mkdir/unlink/rename...). Errors carry node's `code` strings,
// which src/linux/errno.ts turns into guest errnos. Nothing outside the tree can be reached.

type PathLike = string | Uint8Array | URL;

interface NodeBase {
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  birthtimeNs: bigint;
}
interface FileNode extends NodeBase {
  kind: 'file';
  data: Uint8Array;
  size: number;
}
interface DirectoryNode extends NodeBase {
  kind: 'directory';
  entries: Map<string, MemoryNode>;
  parent: DirectoryNode;
}
type MemoryNode = FileNode | DirectoryNode;

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/** Host-style open flags (Linux generic numbering, what fs.constants says here). */
export const constants = {
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_NOCTTY: 0o400,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_NONBLOCK: 0o4000,
  O_DSYNC: 0o10000,
  O_DIRECTORY: 0o200000,
  O_NOFOLLOW: 0o400000,
  O_NOATIME: 0o1000000,
  O_SYNC: 0o4010000,
  F_OK: 0,
  R_OK: 4,
  W_OK: 2,
  X_OK: 1,
  S_IFMT: 0o170000,
  S_IFREG,
  S_IFDIR,
} as const;

/** An error shaped like node's system errors (`code`, `syscall`, `path`). */
class FsError extends Error {
  constructor(
    readonly code: string,
    readonly syscall: string,
    readonly path?: string,
  ) {
    super(`${code}: ${syscall}${path !== undefined ? ` '${path}'` : ''}`);
  }
}

let nextIno = 2;
const nowNs = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

function newNode<K extends MemoryNode['kind']>(kind: K, mode: number): NodeBase & { kind: K } {
  const now = nowNs();
  return { kind, ino: nextIno++, mode, nlink: 1, uid: 0, gid: 0, atimeNs: now, mtimeNs: now, ctimeNs: now, birthtimeNs: now };
}

function newDirectory(parent: DirectoryNode | undefined, mode: number): DirectoryNode {
  const directory = { ...newNode('directory', S_IFDIR | (mode & 0o7777)), entries: new Map(), nlink: 2 } as unknown as DirectoryNode;
  directory.parent = parent ?? directory;
  return directory;
}

let root = newDirectory(undefined, 0o755);

const latin1 = new TextDecoder('latin1');
function pathString(target: PathLike): string {
  if (typeof target === 'string') return target;
  if (target instanceof URL) return decodeURIComponent(target.pathname);
  let text = '';
  for (const byte of target) text += String.fromCharCode(byte);
  return text || latin1.decode(target);
}

/** Splits an absolute or cwd-relative ('/' is the cwd in the browser) path into components. */
function components(target: string): string[] {
  return target.split('/').filter((part) => part !== '' && part !== '.');
}

function lookup(target: PathLike, syscall: string): MemoryNode {
  const text = pathString(target);
  if (text === '') throw new FsError('ENOENT', syscall, text);
  let node: MemoryNode = root;
  for (const part of components(text)) {
    if (node.kind !== 'directory') throw new FsError('ENOTDIR', syscall, text);
    if (part === '..') {
      node = node.parent;
      continue;
    }
    const next: MemoryNode | undefined = node.entries.get(part);
    if (next === undefined) throw new FsError('ENOENT', syscall, text);
    node = next;
  }
  return node;
}

/** The directory that holds `target` and the last component's name. */
function lookupParent(target: PathLike, syscall: string): [DirectoryNode, string] {
  const text = pathString(target);
  const parts = components(text);
  const name = parts.pop();
  if (name === undefined || name === '..') throw new FsError(name === undefined ? 'EEXIST' : 'EINVAL', syscall, text);
  const parent = lookup('/' + parts.join('/'), syscall);
  if (parent.kind !== 'directory') throw new FsError('ENOTDIR', syscall, text);
  return [parent, name];
}

// ---- Stats ----

class MemoryStats {
  constructor(
    private readonly node: MemoryNode,
    private readonly big: boolean,
  ) {}
  private value(value: number | bigint): number & bigint {
    return (this.big ? BigInt(value) : Number(value)) as number & bigint;
  }
  get dev() { return this.value(0x6d6a); } // prettier-ignore
  get ino() { return this.value(this.node.ino); } // prettier-ignore
  get mode() { return this.value(this.node.mode); } // prettier-ignore
  get nlink() { return this.value(this.node.nlink); } // prettier-ignore
  get uid() { return this.value(this.node.uid); } // prettier-ignore
  get gid() { return this.value(this.node.gid); } // prettier-ignore
  get rdev() { return this.value(0); } // prettier-ignore
  get size() { return this.value(this.node.kind === 'file' ? this.node.size : 4096); } // prettier-ignore
  get blksize() { return this.value(4096); } // prettier-ignore
  get blocks() { return this.value(Math.ceil((this.node.kind === 'file' ? this.node.size : 4096) / 512)); } // prettier-ignore
  get atimeNs() { return this.node.atimeNs; } // prettier-ignore
  get mtimeNs() { return this.node.mtimeNs; } // prettier-ignore
  get ctimeNs() { return this.node.ctimeNs; } // prettier-ignore
  get birthtimeNs() { return this.node.birthtimeNs; } // prettier-ignore
  get atimeMs() { return this.value(Number(this.node.atimeNs / 1_000_000n)); } // prettier-ignore
  get mtimeMs() { return this.value(Number(this.node.mtimeNs / 1_000_000n)); } // prettier-ignore
  get ctimeMs() { return this.value(Number(this.node.ctimeNs / 1_000_000n)); } // prettier-ignore
  get mtime() { return new Date(Number(this.node.mtimeNs / 1_000_000n)); } // prettier-ignore
  isFile(): boolean { return this.node.kind === 'file'; } // prettier-ignore
  isDirectory(): boolean { return this.node.kind === 'directory'; } // prettier-ignore
  isSymbolicLink(): boolean { return false; } // prettier-ignore
  isFIFO(): boolean { return false; } // prettier-ignore
  isSocket(): boolean { return false; } // prettier-ignore
  isCharacterDevice(): boolean { return false; } // prettier-ignore
  isBlockDevice(): boolean { return false; } // prettier-ignore
}

interface StatOptions {
  bigint?: boolean;
}
export function statSync(target: PathLike, options?: StatOptions): MemoryStats {
  return new MemoryStats(lookup(target, 'stat'), options?.bigint === true);
}
export const lstatSync = statSync;

export function existsSync(target: PathLike): boolean {
  try {
    lookup(target, 'access');
    return true;
  } catch {
    return false;
  }
}

export function accessSync(target: PathLike, mode = 0): void {
  const node = lookup(target, 'access');
  if ((mode & constants.X_OK) !== 0 && (node.mode & 0o111) === 0) throw new FsError('EACCES', 'access', pathString(target));
}

export function realpathSync(target: PathLike, options?: { encoding?: string }): string | Uint8Array {
  const node = lookup(target, 'realpath');
  const names: string[] = [];
  let current: MemoryNode = node;
  while (current !== root) {
    const parent: DirectoryNode = current.kind === 'directory' ? current.parent : findParent(current);
    for (const [name, child] of parent.entries) if (child === current) names.unshift(name);
    current = parent;
  }
  const text = '/' + names.join('/');
  return options?.encoding === 'buffer' ? Uint8Array.from(text, (char) => char.charCodeAt(0)) : text;
}

function findParent(file: FileNode): DirectoryNode {
  const search = (directory: DirectoryNode): DirectoryNode | undefined => {
    for (const child of directory.entries.values()) {
      if (child === file) return directory;
      if (child.kind === 'directory') {
        const found = search(child);
        if (found) return found;
      }
    }
    return undefined;
  };
  return search(root) ?? root;
}

export function readlinkSync(target: PathLike): never {
  lookup(target, 'readlink');
  throw new FsError('EINVAL', 'readlink', pathString(target));
}

// ---- Descriptors ----

interface OpenDescription {
  node: MemoryNode;
  flags: number;
}
const descriptors = new Map<number, OpenDescription>();
let nextFd = 3;

/** Where writes to fds 1 and 2 go (the Linux layer's diagnostics); set by the embedder. */
let consoleSink: (fd: number, bytes: Uint8Array) => void = (fd, bytes) => {
  (fd === 2 ? console.error : console.log)(new TextDecoder().decode(bytes));
};
export function setConsoleSink(sink: (fd: number, bytes: Uint8Array) => void): void {
  consoleSink = sink;
}

function described(fd: number, syscall: string): OpenDescription {
  const description = descriptors.get(fd);
  if (description === undefined) throw new FsError('EBADF', syscall);
  return description;
}

export function openSync(target: PathLike, flags: number | string = 0, mode = 0o666): number {
  const numeric = typeof flags === 'number' ? flags : flags.startsWith('w') ? constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC : 0;
  let node: MemoryNode;
  try {
    node = lookup(target, 'open');
    if ((numeric & constants.O_CREAT) !== 0 && (numeric & constants.O_EXCL) !== 0) throw new FsError('EEXIST', 'open', pathString(target));
  } catch (error) {
    if (!(error instanceof FsError) || error.code !== 'ENOENT' || (numeric & constants.O_CREAT) === 0) throw error;
    const [parent, name] = lookupParent(target, 'open');
    const file = { ...newNode('file', S_IFREG | (mode & 0o7777)), data: new Uint8Array(0), size: 0 } as FileNode;
    parent.entries.set(name, file);
    node = file;
  }
  const access = numeric & 3;
  if (node.kind === 'directory' && access !== constants.O_RDONLY) throw new FsError('EISDIR', 'open', pathString(target));
  if (node.kind !== 'directory' && (numeric & constants.O_DIRECTORY) !== 0) throw new FsError('ENOTDIR', 'open', pathString(target));
  if (node.kind === 'file' && (numeric & constants.O_TRUNC) !== 0 && access !== constants.O_RDONLY) node.size = 0;
  const fd = nextFd++;
  descriptors.set(fd, { node, flags: numeric });
  return fd;
}

export function closeSync(fd: number): void {
  if (!descriptors.delete(fd)) throw new FsError('EBADF', 'close');
}

export function fstatSync(fd: number, options?: StatOptions): MemoryStats {
  return new MemoryStats(described(fd, 'fstat').node, options?.bigint === true);
}

export function readSync(fd: number, buffer: Uint8Array, offset = 0, length = buffer.length - offset, position: number | bigint | null = null): number {
  const description = described(fd, 'read');
  const node = description.node;
  if (node.kind === 'directory') throw new FsError('EISDIR', 'read');
  if ((description.flags & 3) === constants.O_WRONLY) throw new FsError('EBADF', 'read');
  const start = Number(position ?? 0);
  const count = Math.max(0, Math.min(length, node.size - start));
  buffer.set(node.data.subarray(start, start + count), offset);
  return count;
}

function grow(file: FileNode, size: number): void {
  if (size > file.data.length) {
    const data = new Uint8Array(Math.max(size, file.data.length * 2, 256));
    data.set(file.data.subarray(0, file.size));
    file.data = data;
  } else if (size > file.size) file.data.fill(0, file.size, size);
}

export function writeSync(fd: number, data: Uint8Array | string, offset = 0, length?: number, position: number | bigint | null = null): number {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data.subarray(offset, length === undefined ? undefined : offset + length);
  if (fd === 1 || fd === 2) {
    consoleSink(fd, Uint8Array.from(bytes));
    return bytes.length;
  }
  const description = described(fd, 'write');
  const node = description.node;
  if (node.kind === 'directory' || (description.flags & 3) === constants.O_RDONLY) throw new FsError('EBADF', 'write');
  const start = (description.flags & constants.O_APPEND) !== 0 || position === null ? node.size : Number(position);
  grow(node, start + bytes.length);
  node.data.set(bytes, start);
  node.size = Math.max(node.size, start + bytes.length);
  node.mtimeNs = nowNs();
  return bytes.length;
}

function truncateNode(node: MemoryNode, length: number | bigint = 0): void {
  if (node.kind !== 'file') throw new FsError('EISDIR', 'truncate');
  const size = Number(length);
  grow(node, size);
  node.size = size;
}
export function ftruncateSync(fd: number, length?: number | bigint): void {
  truncateNode(described(fd, 'ftruncate').node, length);
}
export function truncateSync(target: PathLike, length?: number | bigint): void {
  truncateNode(lookup(target, 'truncate'), length);
}

export function fsyncSync(fd: number): void {
  described(fd, 'fsync');
}

// ---- Whole files and directories ----

export function readFileSync(target: PathLike | number, options?: string | { encoding?: string }): Uint8Array | string {
  const node = typeof target === 'number' ? described(target, 'read').node : lookup(target, 'open');
  if (node.kind !== 'file') throw new FsError('EISDIR', 'read');
  const bytes = node.data.slice(0, node.size);
  const encoding = typeof options === 'string' ? options : options?.encoding;
  return encoding === undefined ? bytes : new TextDecoder(encoding === 'latin1' ? 'latin1' : 'utf-8').decode(bytes);
}

export function writeFileSync(target: PathLike, data: Uint8Array | string, options?: { mode?: number }): void {
  const fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, options?.mode ?? 0o666);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

export function mkdirSync(target: PathLike, options?: number | { recursive?: boolean; mode?: number }): void {
  const mode = typeof options === 'number' ? options : (options?.mode ?? 0o777);
  const recursive = typeof options === 'object' && options.recursive === true;
  if (recursive) {
    let prefix = '';
    for (const part of components(pathString(target))) {
      prefix += '/' + part;
      if (!existsSync(prefix)) mkdirSync(prefix, mode);
    }
    return;
  }
  const [parent, name] = lookupParent(target, 'mkdir');
  if (parent.entries.has(name)) throw new FsError('EEXIST', 'mkdir', pathString(target));
  parent.entries.set(name, newDirectory(parent, mode));
  parent.nlink++;
}

let temporaryCount = 0;
export function mkdtempSync(prefix: string): string {
  const target = `${prefix}${(temporaryCount++).toString(36).padStart(6, '0')}`;
  mkdirSync(target, 0o700);
  return target;
}

export function unlinkSync(target: PathLike): void {
  const [parent, name] = lookupParent(target, 'unlink');
  const node = parent.entries.get(name);
  if (node === undefined) throw new FsError('ENOENT', 'unlink', pathString(target));
  if (node.kind === 'directory') throw new FsError('EISDIR', 'unlink', pathString(target));
  parent.entries.delete(name);
  node.nlink--;
}

export function rmdirSync(target: PathLike): void {
  const [parent, name] = lookupParent(target, 'rmdir');
  const node = parent.entries.get(name);
  if (node === undefined) throw new FsError('ENOENT', 'rmdir', pathString(target));
  if (node.kind !== 'directory') throw new FsError('ENOTDIR', 'rmdir', pathString(target));
  if (node.entries.size > 0) throw new FsError('ENOTEMPTY', 'rmdir', pathString(target));
  parent.entries.delete(name);
  parent.nlink--;
}

export function rmSync(target: PathLike, options?: { recursive?: boolean; force?: boolean }): void {
  let node: MemoryNode;
  try {
    node = lookup(target, 'rm');
  } catch (error) {
    if (options?.force) return;
    throw error;
  }
  if (node.kind === 'directory') {
    if (!options?.recursive) throw new FsError('EISDIR', 'rm', pathString(target));
    for (const name of [...node.entries.keys()]) rmSync(`${pathString(target)}/${name}`, options);
    rmdirSync(target);
  } else unlinkSync(target);
}

export function renameSync(from: PathLike, to: PathLike): void {
  const [fromParent, fromName] = lookupParent(from, 'rename');
  const node = fromParent.entries.get(fromName);
  if (node === undefined) throw new FsError('ENOENT', 'rename', pathString(from));
  const [toParent, toName] = lookupParent(to, 'rename');
  const existing = toParent.entries.get(toName);
  if (existing?.kind === 'directory' && existing.entries.size > 0) throw new FsError('ENOTEMPTY', 'rename', pathString(to));
  fromParent.entries.delete(fromName);
  toParent.entries.set(toName, node);
  if (node.kind === 'directory') node.parent = toParent;
}

/** One entry of a directory listing (node's fs.Dirent shape). */
class MemoryDirent {
  constructor(
    readonly name: Uint8Array | string,
    private readonly node: MemoryNode,
  ) {}
  isFile(): boolean { return this.node.kind === 'file'; } // prettier-ignore
  isDirectory(): boolean { return this.node.kind === 'directory'; } // prettier-ignore
  isSymbolicLink(): boolean { return false; } // prettier-ignore
  isFIFO(): boolean { return false; } // prettier-ignore
  isSocket(): boolean { return false; } // prettier-ignore
  isCharacterDevice(): boolean { return false; } // prettier-ignore
  isBlockDevice(): boolean { return false; } // prettier-ignore
}

export function opendirSync(target: PathLike, options?: { encoding?: string }): { readSync(): MemoryDirent | null; closeSync(): void } {
  const node = lookup(target, 'opendir');
  if (node.kind !== 'directory') throw new FsError('ENOTDIR', 'opendir', pathString(target));
  const entries = [...node.entries];
  let index = 0;
  const asBuffer = options?.encoding === 'buffer';
  return {
    readSync(): MemoryDirent | null {
      const entry = entries[index++];
      if (entry === undefined) return null;
      return new MemoryDirent(asBuffer ? Uint8Array.from(entry[0], (char) => char.charCodeAt(0)) : entry[0], entry[1]);
    },
    closeSync(): void {},
  };
}

export function readdirSync(target: PathLike): string[] {
  const node = lookup(target, 'scandir');
  if (node.kind !== 'directory') throw new FsError('ENOTDIR', 'scandir', pathString(target));
  return [...node.entries.keys()];
}

// ---- Metadata: modes change, owners and times are kept, links are refused ----

export function chmodSync(target: PathLike, mode: number): void {
  const node = lookup(target, 'chmod');
  node.mode = (node.mode & ~0o7777) | (mode & 0o7777);
}
export function fchmodSync(fd: number, mode: number): void {
  const node = described(fd, 'fchmod').node;
  node.mode = (node.mode & ~0o7777) | (mode & 0o7777);
}
function chown(node: MemoryNode, uid: number, gid: number): void {
  if (uid !== -1) node.uid = uid;
  if (gid !== -1) node.gid = gid;
}
export function chownSync(target: PathLike, uid: number, gid: number): void {
  chown(lookup(target, 'chown'), uid, gid);
}
export const lchownSync = chownSync;
export function fchownSync(fd: number, uid: number, gid: number): void {
  chown(described(fd, 'fchown').node, uid, gid);
}
type Time = number | string | Date;
function setTimes(node: MemoryNode, atime: Time, mtime: Time): void {
  const ns = (time: Time): bigint => BigInt(Math.round((time instanceof Date ? time.getTime() / 1000 : Number(time)) * 1e9));
  node.atimeNs = ns(atime);
  node.mtimeNs = ns(mtime);
}
export function utimesSync(target: PathLike, atime: Time, mtime: Time): void {
  setTimes(lookup(target, 'utime'), atime, mtime);
}
export const lutimesSync = utimesSync;
export function futimesSync(fd: number, atime: Time, mtime: Time): void {
  setTimes(described(fd, 'futime').node, atime, mtime);
}
export function symlinkSync(_target: PathLike, link: PathLike): never {
  throw new FsError('EPERM', 'symlink', pathString(link));
}
export function linkSync(_from: PathLike, to: PathLike): never {
  throw new FsError('EPERM', 'link', pathString(to));
}

/** Empties the whole tree (a fresh file system for the next run). */
export function resetMemoryFileSystem(): void {
  root = newDirectory(undefined, 0o755);
  descriptors.clear();
  nextFd = 3;
}

export default {
  constants, statSync, lstatSync, existsSync, accessSync, realpathSync, readlinkSync, openSync, closeSync, fstatSync, readSync, writeSync,
  ftruncateSync, truncateSync, fsyncSync, readFileSync, writeFileSync, mkdirSync, mkdtempSync, unlinkSync, rmdirSync, rmSync, renameSync,
  opendirSync, readdirSync, chmodSync, fchmodSync, chownSync, lchownSync, fchownSync, utimesSync, lutimesSync, futimesSync, symlinkSync, linkSync,
}; // prettier-ignore
