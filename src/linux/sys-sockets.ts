// The socket calls. The guest has no network: socket() and socketpair() fail with EAFNOSUPPORT
// for every address family (glibc's nscd client and getaddrinfo then fall back to files, as on a
// host without those sockets), and the calls that need a socket say ENOTSOCK (EBADF for a closed
// descriptor). socketcall (4102), the old multiplexer, dispatches to the same answers.

import { Errno } from './errno.js';
import { fileOf, input, type SyscallHandler } from './syscalls.js';

const noSocket: SyscallHandler = () => -Errno.EAFNOSUPPORT;
const notASocket: SyscallHandler = (k, a) => (fileOf(k, a.get(0)) ? -Errno.ENOTSOCK : -Errno.EBADF);

const SOCKET_CALLS = [
  'bind',
  'connect',
  'listen',
  'accept',
  'accept4',
  'getsockname',
  'getpeername',
  'send',
  'sendto',
  'sendmsg',
  'sendmmsg',
  'recv',
  'recvfrom',
  'recvmsg',
  'recvmmsg',
  'recvmmsg_time64',
  'shutdown',
  'setsockopt',
  'getsockopt',
] as const;

/** socketcall's call numbers (include/uapi/linux/net.h): 1 SYS_SOCKET and 8 SYS_SOCKETPAIR create sockets. */
const SYS_SOCKET = 1;
const SYS_SOCKETPAIR = 8;
const SYS_SENDMMSG = 20;

export const SOCKET_SYSCALLS: Readonly<Record<string, SyscallHandler>> = {
  socket: noSocket,
  socketpair: noSocket,
  ...Object.fromEntries(SOCKET_CALLS.map((name) => [name, notASocket])),
  socketcall: (k, a) => {
    const call = a.get(0);
    if (call < SYS_SOCKET || call > SYS_SENDMMSG) return -Errno.EINVAL;
    if (call === SYS_SOCKET || call === SYS_SOCKETPAIR) return -Errno.EAFNOSUPPORT;
    // The first argument of every other call is the socket descriptor, at a1[0].
    const view = input(k, a.u(1), 4);
    if (!view) return -Errno.EFAULT;
    return fileOf(k, view.getInt32(0, true)) ? -Errno.ENOTSOCK : -Errno.EBADF;
  },
};
