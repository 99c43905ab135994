// Every o32 system call handler, by the kernel's name for it: the file, memory, time and
// identity calls (syscalls.ts), the process calls (sys-process.ts) and the signal, timer and
// futex calls (sys-signals.ts).

import { PROCESS_SYSCALLS } from './sys-process.js';
import { SIGNAL_SYSCALLS } from './sys-signals.js';
import { FILE_SYSCALLS, type SyscallHandler } from './syscalls.js';

export type { SyscallHandler };

export const SYSCALL_HANDLERS: Readonly<Record<string, SyscallHandler>> = { ...FILE_SYSCALLS, ...PROCESS_SYSCALLS, ...SIGNAL_SYSCALLS };
