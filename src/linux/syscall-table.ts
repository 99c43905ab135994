// Every o32 system call handler, by the kernel's name for it: the file, memory, time and
// identity calls (syscalls.ts), the process calls (sys-process.ts) and the signal, timer and
// futex calls (sys-signals.ts), statfs/xattr/old stat/chroot (sys-filesystem.ts), sockets
// (sys-sockets.ts), poll/select (sys-poll.ts) and resource limits (limits.ts).

import { PROCESS_SYSCALLS } from './sys-process.js';
import { SIGNAL_SYSCALLS } from './sys-signals.js';
import { FILESYSTEM_SYSCALLS } from './sys-filesystem.js';
import { POLL_SYSCALLS } from './sys-poll.js';
import { SOCKET_SYSCALLS } from './sys-sockets.js';
import { FILE_SYSCALLS, type SyscallHandler } from './syscalls.js';
import { LIMIT_SYSCALLS } from './limits.js';

export type { SyscallHandler };

export const SYSCALL_HANDLERS: Readonly<Record<string, SyscallHandler>> = {
  ...FILE_SYSCALLS,
  ...FILESYSTEM_SYSCALLS,
  ...LIMIT_SYSCALLS,
  ...SOCKET_SYSCALLS,
  ...POLL_SYSCALLS,
  ...PROCESS_SYSCALLS,
  ...SIGNAL_SYSCALLS,
};
