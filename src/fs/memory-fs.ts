// MemoryFileSystem: an in-memory tree of directories, regular files and symbolic links that the
// Linux layer can run a guest on (src/fs/file-system.ts), in browsers and for sandboxed runs in
// Node: the guest reaches the files the embedder put there and nothing else. It answers the
// synchronous node:fs calls the Linux layer makes, with node's error codes (`code`), which
// src/linux/errno.ts turns into guest errnos. The embedder fills and reads it with writeFile,
// readFile, mkdir and list.

import { wallClockNs } from '../host/clock.js';

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
}
interface SymlinkNode extends NodeBase {
  kind: 'symlink';
  target: string;
}
type MemoryNode = FileNode | DirectoryNode | SymlinkNode;

/** A path walked to its end: the node and the chain of named directories (and it) that lead there. */
interface Walked {
  node: MemoryNode;
  chain: { name: string; node: MemoryNode }[];
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** Symbolic links followed in one lookup before ELOOP (Linux's MAXSYMLINKS). */
const MAX_SYMLINKS = 40;
/** Descriptor numbers start here, far from any host descriptor the embedder lends. */
const FIRST_FD = 1000;

/** Open flags and access modes by Linux's generic numbers (what node:fs uses on Linux). */
export const LINUX_FS_CONSTANTS = {
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
  S_IFMT,
  S_IFREG,
  S_IFDIR,
  S_IFLNK,
} as const;
const C = LINUX_FS_CONSTANTS;

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

const nowNs = wallClockNs;
const components = (target: string): string[] => target.split('/').filter((part) => part !== '' && part !== '.');

function pathString(target: PathLike): string {
  if (typeof target === 'string') return target;
  if (target instanceof URL) return decodeURIComponent(target.pathname);
  let text = '';
  for (const byte of target) text += String.fromCharCode(byte);
  return text;
}
const bytesOf = (text: string): Buffer => Buffer.from(text, 'latin1');

/** A stat result (node's Stats or BigIntStats shape) of one node. */
class MemoryStats {
  constructor(
    private readonly node: MemoryNode,
    private readonly big: boolean,
  ) {}
  private value(value: number | bigint): number & bigint {
    return (this.big ? BigInt(value) : Number(value)) as number & bigint;
  }
  private get length(): number {
    return this.node.kind === 'file' ? this.node.size : this.node.kind === 'symlink' ? this.node.target.length : 4096;
  }
  get dev() { return this.value(0x6d6a); } // prettier-ignore
  get ino() { return this.value(this.node.ino); } // prettier-ignore
  get mode() { return this.value(this.node.mode); } // prettier-ignore
  get nlink() { return this.value(this.node.nlink); } // prettier-ignore
  get uid() { return this.value(this.node.uid); } // prettier-ignore
  get gid() { return this.value(this.node.gid); } // prettier-ignore
  get rdev() { return this.value(0); } // prettier-ignore
  get size() { return this.value(this.length); } // prettier-ignore
  get blksize() { return this.value(4096); } // prettier-ignore
  get blocks() { return this.value(Math.ceil(this.length / 512)); } // prettier-ignore
  get atimeNs() { return this.node.atimeNs; } // prettier-ignore
  get mtimeNs() { return this.node.mtimeNs; } // prettier-ignore
  get ctimeNs() { return this.node.ctimeNs; } // prettier-ignore
  get birthtimeNs() { return this.node.birthtimeNs; } // prettier-ignore
  get atimeMs() { return this.value(Number(this.node.atimeNs / 1_000_000n)); } // prettier-ignore
  get mtimeMs() { return this.value(Number(this.node.mtimeNs / 1_000_000n)); } // prettier-ignore
  get ctimeMs() { return this.value(Number(this.node.ctimeNs / 1_000_000n)); } // prettier-ignore
  get atime() { return new Date(Number(this.node.atimeNs / 1_000_000n)); } // prettier-ignore
  get mtime() { return new Date(Number(this.node.mtimeNs / 1_000_000n)); } // prettier-ignore
  get ctime() { return new Date(Number(this.node.ctimeNs / 1_000_000n)); } // prettier-ignore
  isFile(): boolean { return this.node.kind === 'file'; } // prettier-ignore
  isDirectory(): boolean { return this.node.kind === 'directory'; } // prettier-ignore
  isSymbolicLink(): boolean { return this.node.kind === 'symlink'; } // prettier-ignore
  isFIFO(): boolean { return false; } // prettier-ignore
  isSocket(): boolean { return false; } // prettier-ignore
  isCharacterDevice(): boolean { return false; } // prettier-ignore
  isBlockDevice(): boolean { return false; } // prettier-ignore
}

/** One entry of a directory listing (node's fs.Dirent shape). */
class MemoryDirent {
  constructor(
    readonly name: Buffer | string,
    private readonly node: MemoryNode,
  ) {}
  isFile(): boolean { return this.node.kind === 'file'; } // prettier-ignore
  isDirectory(): boolean { return this.node.kind === 'directory'; } // prettier-ignore
  isSymbolicLink(): boolean { return this.node.kind === 'symlink'; } // prettier-ignore
  isFIFO(): boolean { return false; } // prettier-ignore
  isSocket(): boolean { return false; } // prettier-ignore
  isCharacterDevice(): boolean { return false; } // prettier-ignore
  isBlockDevice(): boolean { return false; } // prettier-ignore
}

interface OpenDescription {
  node: FileNode | DirectoryNode;
  flags: number;
}

interface StatOptions {
  bigint?: boolean;
}
type Time = number | string | Date;

export interface MemoryFileSystemOptions {
  /** Where writes to descriptors 1 and 2 go (the emulator's own diagnostics); default: the console. */
  diagnostics?: (fd: number, bytes: Uint8Array) => void;
}

export class MemoryFileSystem {
  readonly constants = LINUX_FS_CONSTANTS;
  private readonly root: DirectoryNode;
  private readonly descriptors = new Map<number, OpenDescription>();
  /** Shared by every instance: a descriptor number names one file system's file only. */
  private static nextFd = FIRST_FD;
  private nextIno = 2;
  diagnostics: (fd: number, bytes: Uint8Array) => void;

  /** A file system holding `files` (path: contents), their directories made as needed. */
  constructor(files: Readonly<Record<string, Uint8Array | string>> = {}, options: MemoryFileSystemOptions = {}) {
    this.root = this.newDirectory(0o755);
    this.diagnostics = options.diagnostics ?? ((fd, bytes) => (fd === 2 ? console.error : console.log)(new TextDecoder().decode(bytes).trimEnd()));
    for (const [path, contents] of Object.entries(files)) this.writeFile(path, contents);
  }

  // ---- For the embedder ----

  /** Creates or replaces a regular file (and its missing directories). */
  writeFile(path: string, contents: Uint8Array | string, mode = 0o644): void {
    if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`MemoryFileSystem.writeFile: path must be an absolute path string, not ${String(path)}`);
    if (typeof contents !== 'string' && !(contents instanceof Uint8Array)) throw new TypeError('MemoryFileSystem.writeFile: contents must be a string or a Uint8Array');
    const parts = components(path);
    if (parts.length === 0) throw new RangeError('MemoryFileSystem.writeFile: path names no file');
    this.mkdir('/' + parts.slice(0, -1).join('/'));
    const fd = this.openSync(path, C.O_WRONLY | C.O_CREAT | C.O_TRUNC, mode);
    try {
      this.writeSync(fd, typeof contents === 'string' ? new TextEncoder().encode(contents) : contents);
    } finally {
      this.closeSync(fd);
    }
    this.chmodSync(path, mode);
  }

  /** A regular file's contents (a copy). */
  readFile(path: string): Uint8Array {
    const node = this.walk(path, true, 'open').node;
    if (node.kind !== 'file') throw new FsError('EISDIR', 'read', path);
    return node.data.slice(0, node.size);
  }

  /** Makes a directory and its missing parents. */
  mkdir(path: string, mode = 0o755): void {
    let prefix = '';
    for (const part of components(path)) {
      prefix += '/' + part;
      if (!this.existsSync(prefix)) this.mkdirSync(prefix, mode);
    }
  }

  /** The names in a directory. */
  list(path: string): string[] {
    const node = this.walk(path, true, 'scandir').node;
    if (node.kind !== 'directory') throw new FsError('ENOTDIR', 'scandir', path);
    return [...node.entries.keys()];
  }

  /** Descriptors 1 and 2 (diagnostics) and those it opened are its own; others are the host's. */
  ownsDescriptor(fd: number): boolean {
    return fd === 1 || fd === 2 || this.descriptors.has(fd);
  }

  // ---- The tree ----

  private newBase(mode: number): NodeBase {
    const now = nowNs();
    return { ino: this.nextIno++, mode, nlink: 1, uid: 0, gid: 0, atimeNs: now, mtimeNs: now, ctimeNs: now, birthtimeNs: now };
  }
  private newDirectory(mode: number): DirectoryNode {
    return { ...this.newBase(S_IFDIR | (mode & 0o7777)), kind: 'directory', entries: new Map(), nlink: 2 };
  }

  /** Follows `target` from the root (symbolic links too; the last one only when `followLast`). */
  private walk(target: PathLike, followLast: boolean, syscall: string): Walked {
    const text = pathString(target);
    if (text === '') throw new FsError('ENOENT', syscall, text);
    let parts = components(text);
    let chain: Walked['chain'] = [];
    let node: MemoryNode = this.root;
    let links = 0;
    while (parts.length > 0) {
      const part = parts.shift()!;
      if (node.kind !== 'directory') throw new FsError('ENOTDIR', syscall, text);
      if (part === '..') {
        chain.pop();
        node = chain[chain.length - 1]?.node ?? this.root;
        continue;
      }
      const child: MemoryNode | undefined = node.entries.get(part);
      if (child === undefined) throw new FsError('ENOENT', syscall, text);
      if (child.kind === 'symlink' && (parts.length > 0 || followLast)) {
        if (++links > MAX_SYMLINKS) throw new FsError('ELOOP', syscall, text);
        if (child.target.startsWith('/')) {
          chain = [];
          node = this.root;
        }
        parts = [...components(child.target), ...parts];
        continue;
      }
      chain.push({ name: part, node: child });
      node = child;
    }
    if (text.endsWith('/') && node.kind !== 'directory') throw new FsError('ENOTDIR', syscall, text);
    return { node, chain };
  }

  /** The directory that holds `target` (followed) and the last component's name. */
  private parentOf(target: PathLike, syscall: string): [DirectoryNode, string] {
    const text = pathString(target);
    const parts = components(text);
    const name = parts.pop();
    if (name === undefined) throw new FsError('EBUSY', syscall, text);
    if (name === '..') throw new FsError('ENOTEMPTY', syscall, text);
    const parent = this.walk('/' + parts.join('/'), true, syscall).node;
    if (parent.kind !== 'directory') throw new FsError('ENOTDIR', syscall, text);
    return [parent, name];
  }

  private described(fd: number, syscall: string): OpenDescription {
    const description = this.descriptors.get(fd);
    if (description === undefined) throw new FsError('EBADF', syscall);
    return description;
  }

  // ---- node:fs-shaped calls (the Linux layer's) ----

  statSync = (target: PathLike, options?: StatOptions): MemoryStats => new MemoryStats(this.walk(target, true, 'stat').node, options?.bigint === true);
  lstatSync = (target: PathLike, options?: StatOptions): MemoryStats => new MemoryStats(this.walk(target, false, 'lstat').node, options?.bigint === true);
  fstatSync = (fd: number, options?: StatOptions): MemoryStats => new MemoryStats(this.described(fd, 'fstat').node, options?.bigint === true);

  existsSync = (target: PathLike): boolean => {
    try {
      this.walk(target, true, 'access');
      return true;
    } catch {
      return false;
    }
  };

  accessSync = (target: PathLike, mode = 0): void => {
    const node = this.walk(target, true, 'access').node;
    if ((mode & C.X_OK) !== 0 && (node.mode & 0o111) === 0) throw new FsError('EACCES', 'access', pathString(target));
  };

  realpathSync = (target: PathLike, options?: { encoding?: string } | string): string | Buffer => {
    const text = '/' + this.walk(target, true, 'realpath').chain.map((link) => link.name).join('/');
    const encoding = typeof options === 'string' ? options : options?.encoding;
    return encoding === 'buffer' ? bytesOf(text) : text;
  };

  readlinkSync = (target: PathLike, options?: { encoding?: string } | string): string | Buffer => {
    const node = this.walk(target, false, 'readlink').node;
    if (node.kind !== 'symlink') throw new FsError('EINVAL', 'readlink', pathString(target));
    const encoding = typeof options === 'string' ? options : options?.encoding;
    return encoding === 'buffer' ? bytesOf(node.target) : node.target;
  };

  openSync = (target: PathLike, flags: number | string = 0, mode = 0o666): number => {
    const numeric = typeof flags === 'number' ? flags : flags.startsWith('w') ? C.O_WRONLY | C.O_CREAT | C.O_TRUNC : flags.startsWith('a') ? C.O_WRONLY | C.O_CREAT | C.O_APPEND : 0;
    let node: MemoryNode;
    try {
      node = this.walk(target, (numeric & C.O_NOFOLLOW) === 0, 'open').node;
      if ((numeric & C.O_CREAT) !== 0 && (numeric & C.O_EXCL) !== 0) throw new FsError('EEXIST', 'open', pathString(target));
    } catch (error) {
      if (!(error instanceof FsError) || error.code !== 'ENOENT' || (numeric & C.O_CREAT) === 0) throw error;
      const [parent, name] = this.parentOf(target, 'open');
      const file: FileNode = { ...this.newBase(S_IFREG | (mode & 0o7777)), kind: 'file', data: new Uint8Array(0), size: 0 };
      parent.entries.set(name, file);
      parent.mtimeNs = nowNs();
      node = file;
    }
    if (node.kind === 'symlink') throw new FsError('ELOOP', 'open', pathString(target));
    const access = numeric & 3;
    if (node.kind === 'directory' && access !== C.O_RDONLY) throw new FsError('EISDIR', 'open', pathString(target));
    if (node.kind !== 'directory' && (numeric & C.O_DIRECTORY) !== 0) throw new FsError('ENOTDIR', 'open', pathString(target));
    if (node.kind === 'file' && (numeric & C.O_TRUNC) !== 0 && access !== C.O_RDONLY) node.size = 0;
    const fd = MemoryFileSystem.nextFd++;
    this.descriptors.set(fd, { node, flags: numeric });
    return fd;
  };

  closeSync = (fd: number): void => {
    if (!this.descriptors.delete(fd)) throw new FsError('EBADF', 'close');
  };

  readSync = (fd: number, buffer: Uint8Array, offset = 0, length = buffer.length - offset, position: number | bigint | null = null): number => {
    const description = this.described(fd, 'read');
    const node = description.node;
    if (node.kind === 'directory') throw new FsError('EISDIR', 'read');
    if ((description.flags & 3) === C.O_WRONLY) throw new FsError('EBADF', 'read');
    const start = Number(position ?? 0);
    const count = Math.max(0, Math.min(length, node.size - start));
    buffer.set(node.data.subarray(start, start + count), offset);
    node.atimeNs = nowNs();
    return count;
  };

  writeSync = (fd: number, data: Uint8Array | string, offset = 0, length?: number, position: number | bigint | null = null): number => {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data.subarray(offset, length === undefined ? undefined : offset + length);
    if (fd === 1 || fd === 2) {
      this.diagnostics(fd, Uint8Array.from(bytes));
      return bytes.length;
    }
    const description = this.described(fd, 'write');
    const node = description.node;
    if (node.kind === 'directory' || (description.flags & 3) === C.O_RDONLY) throw new FsError('EBADF', 'write');
    const start = (description.flags & C.O_APPEND) !== 0 || position === null ? node.size : Number(position);
    this.resize(node, Math.max(node.size, start + bytes.length));
    node.data.set(bytes, start);
    node.mtimeNs = nowNs();
    return bytes.length;
  };

  /** Sets a file's size, zero-filling what it gains. */
  private resize(file: FileNode, size: number): void {
    if (size > file.data.length) {
      const data = new Uint8Array(Math.max(size, file.data.length * 2, 256));
      data.set(file.data.subarray(0, file.size));
      file.data = data;
    } else if (size > file.size) file.data.fill(0, file.size, size);
    file.size = size;
  }
  private truncateNode(node: MemoryNode, length: number | bigint | undefined, syscall: string): void {
    if (node.kind !== 'file') throw new FsError(node.kind === 'directory' ? 'EISDIR' : 'EINVAL', syscall);
    this.resize(node, Number(length ?? 0));
    node.mtimeNs = nowNs();
  }
  ftruncateSync = (fd: number, length?: number | bigint): void => this.truncateNode(this.described(fd, 'ftruncate').node, length, 'ftruncate');
  truncateSync = (target: PathLike, length?: number | bigint): void => this.truncateNode(this.walk(target, true, 'truncate').node, length, 'truncate');
  fsyncSync = (fd: number): void => void this.described(fd, 'fsync');

  readFileSync = (target: PathLike | number, options?: string | { encoding?: string }): Buffer | string => {
    const node = typeof target === 'number' ? this.described(target, 'read').node : this.walk(target, true, 'open').node;
    if (node.kind !== 'file') throw new FsError('EISDIR', 'read');
    const bytes = Buffer.from(node.data.subarray(0, node.size));
    const encoding = typeof options === 'string' ? options : options?.encoding;
    return encoding === undefined ? bytes : bytes.toString(encoding as BufferEncoding);
  };

  mkdirSync = (target: PathLike, options?: number | { recursive?: boolean; mode?: number }): void => {
    const mode = typeof options === 'number' ? options : (options?.mode ?? 0o777);
    if (typeof options === 'object' && options.recursive === true) return this.mkdir(pathString(target), mode);
    const [parent, name] = this.parentOf(target, 'mkdir');
    if (parent.entries.has(name)) throw new FsError('EEXIST', 'mkdir', pathString(target));
    parent.entries.set(name, this.newDirectory(mode));
    parent.nlink++;
    parent.mtimeNs = nowNs();
  };

  unlinkSync = (target: PathLike): void => {
    const [parent, name] = this.parentOf(target, 'unlink');
    const node = parent.entries.get(name);
    if (node === undefined) throw new FsError('ENOENT', 'unlink', pathString(target));
    if (node.kind === 'directory') throw new FsError('EISDIR', 'unlink', pathString(target));
    parent.entries.delete(name);
    parent.mtimeNs = nowNs();
    node.nlink--;
  };

  rmdirSync = (target: PathLike): void => {
    const [parent, name] = this.parentOf(target, 'rmdir');
    const node = parent.entries.get(name);
    if (node === undefined) throw new FsError('ENOENT', 'rmdir', pathString(target));
    if (node.kind !== 'directory') throw new FsError('ENOTDIR', 'rmdir', pathString(target));
    if (node.entries.size > 0) throw new FsError('ENOTEMPTY', 'rmdir', pathString(target));
    parent.entries.delete(name);
    parent.nlink--;
    parent.mtimeNs = nowNs();
  };

  renameSync = (from: PathLike, to: PathLike): void => {
    const [fromParent, fromName] = this.parentOf(from, 'rename');
    const node = fromParent.entries.get(fromName);
    if (node === undefined) throw new FsError('ENOENT', 'rename', pathString(from));
    const [toParent, toName] = this.parentOf(to, 'rename');
    const existing = toParent.entries.get(toName);
    if (existing === node) return;
    if (existing?.kind === 'directory' && (node.kind !== 'directory' || existing.entries.size > 0)) throw new FsError(node.kind !== 'directory' ? 'EISDIR' : 'ENOTEMPTY', 'rename', pathString(to));
    if (existing !== undefined && existing.kind !== 'directory' && node.kind === 'directory') throw new FsError('ENOTDIR', 'rename', pathString(to));
    fromParent.entries.delete(fromName);
    toParent.entries.set(toName, node);
  };

  opendirSync = (target: PathLike, options?: { encoding?: string }): { readSync(): MemoryDirent | null; closeSync(): void } => {
    const node = this.walk(target, true, 'opendir').node;
    if (node.kind !== 'directory') throw new FsError('ENOTDIR', 'opendir', pathString(target));
    const entries = [...node.entries];
    let index = 0;
    const asBuffer = options?.encoding === 'buffer';
    return {
      readSync: () => {
        const entry = entries[index++];
        return entry === undefined ? null : new MemoryDirent(asBuffer ? bytesOf(entry[0]) : entry[0], entry[1]);
      },
      closeSync: () => {},
    };
  };

  symlinkSync = (target: PathLike, link: PathLike): void => {
    const [parent, name] = this.parentOf(link, 'symlink');
    if (parent.entries.has(name)) throw new FsError('EEXIST', 'symlink', pathString(link));
    parent.entries.set(name, { ...this.newBase(S_IFLNK | 0o777), kind: 'symlink', target: pathString(target) });
  };

  linkSync = (from: PathLike, to: PathLike): void => {
    const node = this.walk(from, false, 'link').node;
    if (node.kind === 'directory') throw new FsError('EPERM', 'link', pathString(from));
    const [parent, name] = this.parentOf(to, 'link');
    if (parent.entries.has(name)) throw new FsError('EEXIST', 'link', pathString(to));
    parent.entries.set(name, node);
    node.nlink++;
  };

  /** statfs(2): a tmpfs (TMPFS_MAGIC) of 256 MiB, as many inodes as it could hold. */
  statfsSync = (target: PathLike, options?: StatOptions): Record<'type' | 'bsize' | 'blocks' | 'bfree' | 'bavail' | 'files' | 'ffree', number | bigint> => {
    this.walk(target, true, 'statfs');
    const value = (number: number): number | bigint => (options?.bigint === true ? BigInt(number) : number);
    const blocks = 65_536;
    const used = Math.min(blocks, Math.ceil(this.usedBytes() / 4096));
    return { type: value(0x0102_1994), bsize: value(4096), blocks: value(blocks), bfree: value(blocks - used), bavail: value(blocks - used), files: value(blocks), ffree: value(blocks - this.nextIno) };
  };

  private usedBytes(): number {
    let total = 0;
    const visit = (directory: DirectoryNode): void => {
      for (const node of directory.entries.values()) {
        if (node.kind === 'file') total += node.size;
        else if (node.kind === 'directory') visit(node);
      }
    };
    visit(this.root);
    return total;
  }

  // ---- Metadata ----

  private setMode(node: MemoryNode, mode: number): void {
    node.mode = (node.mode & S_IFMT) | (mode & 0o7777);
    node.ctimeNs = nowNs();
  }
  chmodSync = (target: PathLike, mode: number | string): void => this.setMode(this.walk(target, true, 'chmod').node, Number(mode));
  fchmodSync = (fd: number, mode: number | string): void => this.setMode(this.described(fd, 'fchmod').node, Number(mode));

  private setOwner(node: MemoryNode, uid: number, gid: number): void {
    if (uid !== -1) node.uid = uid;
    if (gid !== -1) node.gid = gid;
    node.ctimeNs = nowNs();
  }
  chownSync = (target: PathLike, uid: number, gid: number): void => this.setOwner(this.walk(target, true, 'chown').node, uid, gid);
  lchownSync = (target: PathLike, uid: number, gid: number): void => this.setOwner(this.walk(target, false, 'lchown').node, uid, gid);
  fchownSync = (fd: number, uid: number, gid: number): void => this.setOwner(this.described(fd, 'fchown').node, uid, gid);

  private setTimes(node: MemoryNode, atime: Time, mtime: Time): void {
    const ns = (time: Time): bigint => BigInt(Math.round((time instanceof Date ? time.getTime() / 1000 : Number(time)) * 1e9));
    node.atimeNs = ns(atime);
    node.mtimeNs = ns(mtime);
    node.ctimeNs = nowNs();
  }
  utimesSync = (target: PathLike, atime: Time, mtime: Time): void => this.setTimes(this.walk(target, true, 'utime').node, atime, mtime);
  lutimesSync = (target: PathLike, atime: Time, mtime: Time): void => this.setTimes(this.walk(target, false, 'lutime').node, atime, mtime);
  futimesSync = (fd: number, atime: Time, mtime: Time): void => this.setTimes(this.described(fd, 'futime').node, atime, mtime);
}
