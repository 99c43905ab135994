// poll, ppoll, select and pselect6: readiness of pipes as Linux's pipe_poll gives it (POLLIN with
// data, POLLHUP once every writer has gone, POLLOUT while there is room, POLLERR once every reader
// has gone), of host files (regular files always; a pipe or terminal such as stdin is readable
// when a non-blocking read on its own description finds data, see HostFile.readable; writes are
// taken as ready), POLLNVAL for a closed descriptor. A call with nothing ready waits
// in the scheduler (other guest processes run; a writer that fills the pipe wakes it) until
// something is or its timeout passes; a signal for a handler ends it with EINTR, as in Linux.
// The remaining time is not written back, and ppoll/pselect6's temporary signal mask is not applied.

import { Errno } from './errno.js';
import { MAX_FDS, OpenFlag, type OpenFile } from './files.js';
import { fileOf, input, output, readTimespec, type SyscallHandler } from './syscalls.js';
import type { Task } from './task.js';
import { monotonicMs } from '../host/clock.js';

const POLLIN = 0x1;
const POLLPRI = 0x2;
const POLLOUT = 0x4;
const POLLERR = 0x8;
const POLLHUP = 0x10;
const POLLNVAL = 0x20;
const POLLRDNORM = 0x40;
const POLLRDBAND = 0x80;
const POLLWRBAND = 0x100;
/** What select's three sets ask for, in poll bits (Linux's POLLIN_SET, POLLOUT_SET, POLLEX_SET). */
const SELECT_READ = POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR;
const SELECT_WRITE = POLLOUT | POLLWRBAND | POLLERR;
const SELECT_EXCEPT = POLLPRI;
/** Bytes a pipe holds (Linux's default) and the room a writer needs to be told POLLOUT. */
const PIPE_CAPACITY = 65536;
const PIPE_BUF = 4096;

/** The events a file has now among those asked (`events`), plus POLLERR and POLLHUP. */
function readiness(file: OpenFile, events: number): number {
  if (file.kind === 'pipe') {
    const pipe = file.pipe;
    if (file.isWriteEnd) {
      let mask = PIPE_CAPACITY - pipe.available >= PIPE_BUF ? POLLOUT : 0;
      if (pipe.readers === 0) mask |= POLLERR;
      return mask;
    }
    let mask = pipe.available > 0 ? POLLIN | POLLRDNORM : 0;
    if (pipe.writers === 0) mask |= POLLHUP;
    return mask;
  }
  // A pipe or terminal is asked (HostFile.readable) only when a read is asked for and allowed: a
  // probe of a write-only pipe would read the bytes meant for its reader. Writes are taken as ready.
  const asksRead = (events & (POLLIN | POLLRDNORM)) !== 0 && (file.statusFlags & OpenFlag.AccessMode) !== OpenFlag.WriteOnly;
  return (asksRead && file.readable() ? POLLIN | POLLRDNORM : 0) | POLLOUT;
}

/** A timeout in ms from now as a monotonicMs() deadline; undefined waits forever. */
function deadlineAfter(milliseconds: number | undefined): number | undefined {
  return milliseconds === undefined ? undefined : monotonicMs() + milliseconds;
}

/** Does any of these descriptors wait on the host (a pipe or terminal only the host can make readable)? */
function waitsOnHost(k: Task, fds: Iterable<number>): boolean {
  for (const fd of fds) {
    const file = fileOf(k, fd);
    if (file?.kind === 'host' && file.mayBlock) return true;
    if (file?.kind === 'pipe' && file.pipe.fedByHost) return true;
  }
  return false;
}

/** Checks now, then (when nothing is ready and there is time) waits in the scheduler. */
function waitFor(k: Task, scan: () => number, timeoutMs: number | undefined, onTimeout: () => number, onHost: boolean): number {
  const ready = scan();
  if (ready !== 0 || timeoutMs === 0) return ready < 0 ? ready : ready === 0 ? onTimeout() : ready;
  const deadline = deadlineAfter(timeoutMs);
  return k.block({
    poll: () => {
      const now = scan();
      if (now !== 0) return now;
      if (deadline !== undefined && monotonicMs() >= deadline) return onTimeout();
      return undefined;
    },
    ...(deadline !== undefined ? { deadline } : {}),
    restartable: false,
    waitsOnHost: onHost,
  });
}

function poll(k: Task, address: number, count: number, timeoutMs: number | undefined): number {
  if (count > k.fds.limit) return -Errno.EINVAL;
  if (count > 0 && !output(k, address, count * 8)) return -Errno.EFAULT;
  const scan = (): number => {
    const view = count === 0 ? undefined : output(k, address, count * 8);
    if (count > 0 && !view) return -Errno.EFAULT;
    let ready = 0;
    for (let index = 0; index < count; index++) {
      const fd = view!.getInt32(index * 8, true);
      const events = view!.getUint16(index * 8 + 4, true);
      let revents = 0;
      if (fd >= 0) {
        const file = fileOf(k, fd);
        revents = file === undefined ? POLLNVAL : readiness(file, events) & (events | POLLERR | POLLHUP);
      }
      view!.setUint16(index * 8 + 6, revents, true);
      if (revents !== 0) ready++;
    }
    return ready;
  };
  const view = count === 0 ? undefined : input(k, address, count * 8);
  const fds = Array.from({ length: count }, (_, index) => view!.getInt32(index * 8, true));
  return waitFor(k, scan, timeoutMs, () => 0, waitsOnHost(k, fds));
}

/** ppoll's and pselect6's timespec as milliseconds (undefined: none, wait forever), or -errno. */
function timespecMilliseconds(k: Task, address: number, wide: boolean): number | undefined {
  if (address === 0) return undefined;
  const ns = readTimespec(k, address, wide);
  if (typeof ns === 'number') return ns;
  return Number(ns) / 1e6;
}

function select(k: Task, count: number, addresses: [number, number, number], timeoutMs: number | undefined): number {
  if (count < 0) return -Errno.EINVAL;
  count = Math.min(count, MAX_FDS);
  const bytes = ((count + 31) >>> 5) * 4;
  const wanted = [SELECT_READ, SELECT_WRITE, SELECT_EXCEPT];
  // The sets the caller passed (they are overwritten with the result).
  const asked: (Uint32Array | undefined)[] = [];
  for (const address of addresses) {
    if (address === 0 || bytes === 0) {
      asked.push(undefined);
      continue;
    }
    const view = input(k, address, bytes);
    if (!view || !output(k, address, bytes)) return -Errno.EFAULT;
    const words = new Uint32Array(bytes / 4);
    for (let index = 0; index < words.length; index++) words[index] = view.getUint32(index * 4, true);
    asked.push(words);
  }
  for (const words of asked) {
    if (!words) continue;
    for (let fd = 0; fd < count; fd++) if (words[fd >>> 5]! & (1 << (fd & 31)) && !fileOf(k, fd)) return -Errno.EBADF;
  }
  const write = (results: Uint32Array[]): void => {
    results.forEach((words, set) => {
      const address = addresses[set]!;
      if (address === 0 || !asked[set]) return;
      const view = output(k, address, bytes);
      if (view) words.forEach((word, index) => view.setUint32(index * 4, word, true));
    });
  };
  const scan = (): number => {
    let ready = 0;
    const results = asked.map((words) => new Uint32Array(words?.length ?? 0));
    asked.forEach((words, set) => {
      if (!words) return;
      for (let fd = 0; fd < count; fd++) {
        const bit = 1 << (fd & 31);
        if ((words[fd >>> 5]! & bit) === 0) continue;
        const file = fileOf(k, fd);
        if (file === undefined) continue; // closed while waiting: Linux reports it ready with EBADF later
        if (readiness(file, wanted[set]!) & wanted[set]!) {
          results[set]![fd >>> 5]! |= bit;
          ready++;
        }
      }
    });
    if (ready > 0) write(results);
    return ready;
  };
  const fds: number[] = [];
  for (let fd = 0; fd < count; fd++) if (asked.some((words) => words !== undefined && (words[fd >>> 5]! & (1 << (fd & 31))) !== 0)) fds.push(fd);
  return waitFor(
    k,
    scan,
    timeoutMs,
    () => {
      write(asked.map((words) => new Uint32Array(words?.length ?? 0)));
      return 0;
    },
    waitsOnHost(k, fds),
  );
}

/** select's struct timeval (32-bit seconds and microseconds) as milliseconds, or -errno. */
function timevalMilliseconds(k: Task, address: number): number | undefined {
  if (address === 0) return undefined;
  const view = input(k, address, 8);
  if (!view) return -Errno.EFAULT;
  const seconds = view.getInt32(0, true);
  const microseconds = view.getInt32(4, true);
  if (seconds < 0 || microseconds < 0 || microseconds >= 1_000_000) return -Errno.EINVAL;
  return seconds * 1000 + microseconds / 1000;
}

function withTimeout(timeout: number | undefined, call: (timeoutMs: number | undefined) => number): number {
  if (timeout !== undefined && timeout < 0) return timeout;
  return call(timeout);
}

export const POLL_SYSCALLS: Readonly<Record<string, SyscallHandler>> = {
  poll: (k, a) => poll(k, a.u(0), a.u(1), a.get(2) < 0 ? undefined : a.get(2)),
  ppoll: (k, a) => withTimeout(timespecMilliseconds(k, a.u(2), false), (timeout) => poll(k, a.u(0), a.u(1), timeout)),
  ppoll_time64: (k, a) => withTimeout(timespecMilliseconds(k, a.u(2), true), (timeout) => poll(k, a.u(0), a.u(1), timeout)),
  _newselect: (k, a) => withTimeout(timevalMilliseconds(k, a.u(4)), (timeout) => select(k, a.get(0), [a.u(1), a.u(2), a.u(3)], timeout)),
  pselect6: (k, a) => withTimeout(timespecMilliseconds(k, a.u(4), false), (timeout) => select(k, a.get(0), [a.u(1), a.u(2), a.u(3)], timeout)),
  pselect6_time64: (k, a) => withTimeout(timespecMilliseconds(k, a.u(4), true), (timeout) => select(k, a.get(0), [a.u(1), a.u(2), a.u(3)], timeout)),
};
