// The guest's file descriptor table and the open files behind it: host files opened through node:fs
// (with the guest-visible offset kept here, because node:fs has no lseek), the host's own stdio
// descriptors lent to the guest, and in-process pipes (node:fs cannot create host pipes).

import * as fs from '../fs/file-system.js';

/** Guest (MIPS) open(2) flags. */
export const enum OpenFlag {
  AccessMode = 0x3,
  ReadOnly = 0,
  WriteOnly = 1,
  ReadWrite = 2,
  Append = 0x8,
  DataSync = 0x10,
  NonBlock = 0x80,
  Create = 0x100,
  Truncate = 0x200,
  Exclusive = 0x400,
  NoCtty = 0x800,
  LargeFile = 0x2000,
  Sync = 0x4010,
  Direct = 0x8000,
  Directory = 0x1_0000,
  NoFollow = 0x2_0000,
  NoAtime = 0x4_0000,
  CloseOnExec = 0x8_0000,
  Path = 0x20_0000,
}

/** Guest open flags that F_SETFL may change. */
export const SETTABLE_STATUS_FLAGS = OpenFlag.Append | OpenFlag.NonBlock | OpenFlag.Direct | OpenFlag.NoAtime;

/** Host open flags (numbers for this host) for guest flags. */
export function hostOpenFlags(guestFlags: number): number {
  const c = fs.constants;
  let flags = guestFlags & OpenFlag.AccessMode;
  if (guestFlags & OpenFlag.Append) flags |= c.O_APPEND;
  if (guestFlags & OpenFlag.NonBlock) flags |= c.O_NONBLOCK;
  if (guestFlags & OpenFlag.Create) flags |= c.O_CREAT;
  if (guestFlags & OpenFlag.Truncate) flags |= c.O_TRUNC;
  if (guestFlags & OpenFlag.Exclusive) flags |= c.O_EXCL;
  if (guestFlags & OpenFlag.NoCtty) flags |= c.O_NOCTTY;
  if (guestFlags & OpenFlag.Directory) flags |= c.O_DIRECTORY;
  if (guestFlags & OpenFlag.NoFollow) flags |= c.O_NOFOLLOW;
  if ((guestFlags & OpenFlag.Sync) === OpenFlag.Sync) flags |= c.O_SYNC;
  else if (guestFlags & OpenFlag.DataSync) flags |= c.O_DSYNC;
  if (guestFlags & OpenFlag.NoAtime) flags |= c.O_NOATIME ?? 0;
  return flags;
}

/**
 * Guest open flags for a host `flags:` value from /proc/self/fdinfo (x86/arm generic numbering),
 * for an inherited descriptor. O_NONBLOCK is left out: Node makes a pipe non-blocking once it
 * builds `process.stdout` for it (a worker thread's output goes there), so the flag says what the
 * host runtime did, not what the program was given. A guest that saw it took EAGAIN on a full
 * pipe for an error (t_files spew: 64 KiB written, status 1); writes to the host wait instead
 * (src/linux/syscalls.ts, isWouldBlock).
 */
function guestFlagsFromGeneric(generic: number): number {
  let flags = generic & OpenFlag.AccessMode;
  if (generic & 0o2000) flags |= OpenFlag.Append;
  if (generic & 0o100000) flags |= OpenFlag.LargeFile;
  return flags;
}

/** A host file (or directory, device, host pipe) behind one or more guest descriptors. */
export class HostFile {
  readonly kind = 'host';
  refs = 0;
  /** Guest flags: access mode plus the status flags F_GETFL reports. */
  statusFlags: number;
  /** Position-tracked (a regular file we opened): reads and writes are positional at `position`. */
  readonly seekable: boolean;
  position = 0;
  /** Directory listing for getdents64, built on the first call; `directoryCursor` indexes it. */
  directoryEntries: DirectoryEntry[] | undefined;
  directoryCursor = 0;
  /** A blocking description of the same pipe or terminal for reads and writes that must wait (see waitingFd). */
  private readonly waitingFds: [number | undefined, number | undefined] = [undefined, undefined];
  /** A non-blocking description of the same pipe or terminal, for asking whether a read would wait. */
  private probeFd: number | undefined;
  /** Not a regular file or directory: a pipe, terminal or socket whose readiness must be asked. */
  readonly mayBlock: boolean;
  /** Bytes taken from the host while asking whether a read would wait; reads return them first. */
  readAhead: Uint8Array | undefined;
  /** The probe met end of file (or a terminal's ^D): the next read returns 0. */
  readAheadEof = false;

  constructor(
    readonly hostFd: number,
    /** The host fd belongs to the embedder (stdio): never close it. */
    readonly borrowed: boolean,
    /** Path it was opened with (absolute or relative to the guest cwd at open time), for *at(). */
    readonly path: Buffer | undefined,
    readonly isDirectory: boolean,
    isRegular: boolean,
    statusFlags: number,
  ) {
    this.statusFlags = statusFlags;
    this.seekable = isRegular && !borrowed;
    this.mayBlock = !isRegular && !isDirectory;
  }

  /**
   * Would a read return at once (data, end of file or an error)? Node has no poll(2): a pipe or
   * terminal is asked with a non-blocking read on its own description (opened through
   * /proc/self/fd/N), and what that read took is kept for the next read of this file.
   */
  readable(): boolean {
    if (!this.mayBlock || this.readAheadEof || (this.readAhead !== undefined && this.readAhead.length > 0)) return true;
    if (this.probeFd === undefined) {
      try {
        this.probeFd = fs.openSync(`/proc/self/fd/${this.hostFd}`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
      } catch {
        this.probeFd = -1;
      }
    }
    if (this.probeFd < 0) return true; // cannot ask: say ready, the read waits if it must
    const buffer = new Uint8Array(65536);
    try {
      const count = fs.readSync(this.probeFd, buffer, 0, buffer.length, null);
      if (count === 0) this.readAheadEof = true;
      else this.readAhead = buffer.slice(0, count);
      return true;
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
      return code !== 'EAGAIN';
    }
  }

  /** Moves read-ahead bytes into `dest`; returns how many, 0 at a pending end of file, undefined when there are none. */
  takeReadAhead(dest: Uint8Array): number | undefined {
    if (this.readAhead !== undefined && this.readAhead.length > 0) {
      const count = Math.min(dest.length, this.readAhead.length);
      dest.set(this.readAhead.subarray(0, count));
      this.readAhead = count === this.readAhead.length ? undefined : this.readAhead.subarray(count);
      return count;
    }
    if (this.readAheadEof) {
      this.readAheadEof = false;
      return 0;
    }
    return undefined;
  }

  /**
   * A descriptor on which a read or write that cannot finish now waits in the host kernel (no
   * polling), or undefined when there is none. A borrowed pipe or terminal may have been made
   * non-blocking by the host (Node turns a piped stdout into a non-blocking stream); opening
   * /proc/self/fd/N gives a new open file description of the same pipe or terminal, blocking,
   * without changing the flags other processes sharing the original one see.
   */
  waitingFd(forWrite: boolean): number | undefined {
    const index = forWrite ? 1 : 0;
    let fd = this.waitingFds[index];
    if (fd === undefined) {
      try {
        fd = fs.openSync(`/proc/self/fd/${this.hostFd}`, forWrite ? fs.constants.O_WRONLY | fs.constants.O_NOCTTY : fs.constants.O_RDONLY | fs.constants.O_NOCTTY);
      } catch {
        fd = -1; // a socket, or no procfs: the caller falls back to polling
      }
      this.waitingFds[index] = fd;
    }
    return fd >= 0 ? fd : undefined;
  }

  /** Closes the host descriptors this file owns. */
  closeHost(): void {
    for (const fd of [...this.waitingFds, this.probeFd]) {
      if (fd === undefined || fd < 0) continue;
      try {
        fs.closeSync(fd);
      } catch {
        // already gone
      }
    }
    if (!this.borrowed) {
      try {
        fs.closeSync(this.hostFd);
      } catch {
        // already gone
      }
    }
  }
}

export interface DirectoryEntry {
  name: Buffer;
  ino: bigint;
  type: number;
}

/** An in-process pipe: bytes written to the write end wait here for the read end. */
export class PipeBuffer {
  chunks: Uint8Array[] = [];
  readers = 0;
  writers = 0;
  /**
   * One of the writers is the embedder (a live stdin, runLinuxProgram's GuestInput): a guest
   * waiting to read waits on the host, not on another guest process.
   */
  fedByHost = false;
  readonly ino: number;
  private static nextIno = 0x7000;
  constructor() {
    this.ino = PipeBuffer.nextIno++;
  }

  get available(): number {
    let total = 0;
    for (const chunk of this.chunks) total += chunk.length;
    return total;
  }

  /** Moves up to dest.length bytes out of the pipe; returns how many. */
  take(dest: Uint8Array): number {
    let copied = 0;
    while (copied < dest.length && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const count = Math.min(chunk.length, dest.length - copied);
      dest.set(chunk.subarray(0, count), copied);
      copied += count;
      if (count === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(count);
    }
    return copied;
  }
}

export class PipeEnd {
  readonly kind = 'pipe';
  refs = 0;
  statusFlags: number;
  constructor(
    readonly pipe: PipeBuffer,
    readonly isWriteEnd: boolean,
    flags: number,
  ) {
    this.statusFlags = (isWriteEnd ? OpenFlag.WriteOnly : OpenFlag.ReadOnly) | (flags & OpenFlag.NonBlock);
    if (isWriteEnd) pipe.writers++;
    else pipe.readers++;
  }
}

export type OpenFile = HostFile | PipeEnd;

interface Descriptor {
  file: OpenFile;
  closeOnExec: boolean;
}

/** The most descriptors a process may hold: RLIMIT_NOFILE's default and ceiling (src/linux/limits.ts). */
export const MAX_FDS = 1024;

export class FdTable {
  private readonly descriptors: (Descriptor | undefined)[] = [];
  /** Descriptors are numbered below this: the owning process's soft RLIMIT_NOFILE. */
  limit = MAX_FDS;

  /**
   * Lends the embedder's host fds 0/1/2 (or others) to the guest as guest fds 0/1/2, and the host
   * fds `inherited` (numbers above 2, below the descriptor limit) under their own numbers.
   */
  static withStdio(stdin: number, stdout: number, stderr: number, inherited: readonly number[] = []): FdTable {
    const table = new FdTable();
    const shared = new Map<string, HostFile>();
    const lent: [hostFd: number, guestFd: number][] = [[stdin, 0], [stdout, 1], [stderr, 2]];
    for (const hostFd of inherited) if (hostFd > 2 && hostFd < MAX_FDS) lent.push([hostFd, hostFd]);
    lent.forEach(([hostFd, guestFd]) => {
      let key: string | undefined;
      let isRegular = false;
      let isDirectory = false;
      try {
        const stat = fs.fstatSync(hostFd, { bigint: true });
        key = `${stat.dev}:${stat.ino}:${hostFd === stdin ? 'in' : 'out'}`;
        isRegular = stat.isFile();
        isDirectory = stat.isDirectory();
      } catch {
        return; // a closed host fd stays closed for the guest
      }
      // `prog >out 2>&1` shares one description; keep one guest file object for it too.
      if (guestFd > 2) key = undefined;
      const existing = key !== undefined && isRegular ? shared.get(key) : undefined;
      const file = existing ?? new HostFile(hostFd, true, undefined, isDirectory, isRegular, borrowedFlags(hostFd, guestFd));
      if (key !== undefined && !existing) shared.set(key, file);
      table.install(guestFd, file, false);
    });
    return table;
  }

  get(fd: number): OpenFile | undefined {
    return fd >= 0 ? this.descriptors[fd]?.file : undefined;
  }

  closeOnExec(fd: number): boolean | undefined {
    return fd >= 0 ? this.descriptors[fd]?.closeOnExec : undefined;
  }

  setCloseOnExec(fd: number, value: boolean): void {
    const descriptor = this.descriptors[fd];
    if (descriptor) descriptor.closeOnExec = value;
  }

  /** The lowest free fd >= `minimum`, or -1. */
  lowestFree(minimum = 0): number {
    for (let fd = minimum; fd < this.limit; fd++) if (this.descriptors[fd] === undefined) return fd;
    return -1;
  }

  /** Puts `file` at `fd` (closing what was there) and counts the reference. */
  install(fd: number, file: OpenFile, closeOnExec: boolean): void {
    if (this.descriptors[fd]) this.close(fd);
    file.refs++;
    this.descriptors[fd] = { file, closeOnExec };
  }

  /** Installs `file` at the lowest free fd >= minimum; returns it, or -1 when the table is full. */
  allocate(file: OpenFile, closeOnExec: boolean, minimum = 0): number {
    const fd = this.lowestFree(minimum);
    if (fd >= 0) this.install(fd, file, closeOnExec);
    return fd;
  }

  /** Closes a guest fd; false when it was not open. */
  close(fd: number): boolean {
    const descriptor = fd >= 0 ? this.descriptors[fd] : undefined;
    if (!descriptor) return false;
    this.descriptors[fd] = undefined;
    const file = descriptor.file;
    if (--file.refs > 0) return true;
    if (file.kind === 'host') file.closeHost();
    else if (file.isWriteEnd) file.pipe.writers--;
    else file.pipe.readers--;
    return true;
  }

  /** A copy for fork(): the same open files (shared offsets and flags), one more reference each. */
  clone(): FdTable {
    const copy = new FdTable();
    copy.limit = this.limit;
    this.descriptors.forEach((descriptor, fd) => {
      if (descriptor) copy.install(fd, descriptor.file, descriptor.closeOnExec);
    });
    return copy;
  }

  /** Closes the descriptors marked close-on-exec (execve). */
  closeOnExecAll(): void {
    this.descriptors.forEach((descriptor, fd) => {
      if (descriptor?.closeOnExec) this.close(fd);
    });
  }

  /** Closes every descriptor (process exit). */
  closeAll(): void {
    for (let fd = 0; fd < this.descriptors.length; fd++) this.close(fd);
  }
}

/** The guest's status flags for an inherited host descriptor. */
function borrowedFlags(hostFd: number, guestFd: number): number {
  try {
    const info = fs.readFileSync(`/proc/self/fdinfo/${hostFd}`, 'latin1');
    const match = /^flags:\s*([0-7]+)/m.exec(info);
    if (match) return guestFlagsFromGeneric(parseInt(match[1]!, 8));
  } catch {
    // no procfs: guess from the descriptor's role
  }
  return guestFd === 0 ? OpenFlag.ReadOnly : OpenFlag.WriteOnly;
}
