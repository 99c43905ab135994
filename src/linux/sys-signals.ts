// The o32 signal and timer calls: rt_sigaction, rt_sigprocmask, rt_sigreturn, sigaltstack,
// rt_sigsuspend, pause, rt_sigpending, alarm/setitimer/getitimer (ITIMER_REAL), nanosleep and
// clock_nanosleep (which wait in the scheduler, so other guest processes run meanwhile), futex.

import { Errno } from './errno.js';
import { Perm } from '../../runtime/flat-memory.js';
import { Signal, SignalSet, SIGNAL_COUNT, SIGSET_BYTES } from './signals.js';
import { restoreSignalFrame, SS_DISABLE, SS_ONSTACK, onAltStack } from './signal-frame.js';
import { clockNanoseconds, input, output, readTimespec, writeGuestBytes, type SyscallHandler } from './syscalls.js';
import { NO_RETURN } from './syscall-status.js';
import { decodeSigaction, encodeSigaction, SIGACTION_SIZE, type SyscallArgs, type Task } from './task.js';
import { monotonicMs } from '../host/clock.js';

function readSignalSet(k: Task, address: number): SignalSet | undefined {
  const view = input(k, address, SIGSET_BYTES);
  if (!view) return undefined;
  const set = new SignalSet();
  for (let index = 0; index < 4; index++) set.words[index] = view.getUint32(index * 4, true);
  return set;
}

function writeSignalSet(k: Task, address: number, set: SignalSet): boolean {
  const view = output(k, address, SIGSET_BYTES);
  if (!view) return false;
  for (let index = 0; index < 4; index++) view.setUint32(index * 4, set.words[index]!, true);
  return true;
}

function rtSigaction(k: Task, a: SyscallArgs): number {
  const signal = a.get(0);
  const actionAddress = a.u(1);
  const oldAddress = a.u(2);
  if (a.u(3) !== SIGSET_BYTES || signal < 1 || signal >= SIGNAL_COUNT) return -Errno.EINVAL;
  let replacement: Uint8Array | undefined;
  if (actionAddress !== 0) {
    if (signal === Signal.SIGKILL || signal === Signal.SIGSTOP) return -Errno.EINVAL;
    if (!k.mem.accessible(actionAddress, SIGACTION_SIZE, Perm.Read)) return -Errno.EFAULT;
    replacement = k.mem.read(actionAddress, SIGACTION_SIZE);
  }
  const actions = k.process.actions;
  if (oldAddress !== 0 && !writeGuestBytes(k, oldAddress, encodeSigaction(actions[signal]!))) return -Errno.EFAULT;
  if (replacement) {
    actions[signal] = decodeSigaction(replacement);
    // Setting SIG_IGN discards what is pending (as does SIG_DFL for a signal ignored by default).
    if (actions[signal]!.handler === 1) {
      k.process.pending.delete(signal);
      for (const thread of k.process.threads) thread.pending.delete(signal);
    }
  }
  return 0;
}

function rtSigprocmask(k: Task, a: SyscallArgs): number {
  const how = a.get(0);
  const setAddress = a.u(1);
  const oldAddress = a.u(2);
  if (a.u(3) !== SIGSET_BYTES) return -Errno.EINVAL;
  let set: SignalSet | undefined;
  if (setAddress !== 0) {
    set = readSignalSet(k, setAddress);
    if (!set) return -Errno.EFAULT;
  }
  if (oldAddress !== 0 && !writeSignalSet(k, oldAddress, k.signalMask)) return -Errno.EFAULT;
  if (set) {
    const SIG_BLOCK = 0;
    const SIG_UNBLOCK = 1;
    const SIG_SETMASK = 2;
    // MIPS numbers them 1, 2, 3.
    const mipsHow = how - 1;
    if (mipsHow !== SIG_BLOCK && mipsHow !== SIG_UNBLOCK && mipsHow !== SIG_SETMASK) return -Errno.EINVAL;
    for (let index = 0; index < 4; index++) {
      const current = k.signalMask.words[index]!;
      const bits = set.words[index]!;
      k.signalMask.words[index] = mipsHow === SIG_BLOCK ? current | bits : mipsHow === SIG_UNBLOCK ? current & ~bits : bits;
    }
    k.signalMask.dropUnblockable();
  }
  return 0;
}

/** Waits with `mask` in place until a signal is delivered (rt_sigsuspend, pause). */
function suspend(k: Task, mask: SignalSet | undefined): number {
  if (mask) {
    k.savedMask = new SignalSet();
    k.savedMask.copyFrom(k.signalMask);
    k.signalMask.copyFrom(mask);
    k.signalMask.dropUnblockable();
  }
  return k.block({ poll: () => undefined, restartable: false });
}

function sigaltstack(k: Task, a: SyscallArgs): number {
  const newAddress = a.u(0);
  const oldAddress = a.u(1);
  const sp = k.cpu.r[29]! >>> 0;
  if (oldAddress !== 0) {
    const view = output(k, oldAddress, 12);
    if (!view) return -Errno.EFAULT;
    const alt = k.altStack;
    view.setUint32(0, alt.sp >>> 0, true);
    view.setUint32(4, alt.size >>> 0, true);
    view.setInt32(8, !alt.enabled ? SS_DISABLE : onAltStack(k, sp) ? SS_ONSTACK : 0, true);
  }
  if (newAddress !== 0) {
    const view = input(k, newAddress, 12);
    if (!view) return -Errno.EFAULT;
    if (onAltStack(k, sp)) return -Errno.EPERM;
    const flags = view.getInt32(8, true);
    if (flags & ~(SS_DISABLE | 0x8000_0000)) return -Errno.EINVAL;
    if (flags & SS_DISABLE) k.altStack = { sp: 0, size: 0, enabled: false };
    else {
      const size = view.getUint32(4, true);
      const MINSIGSTKSZ = 2048;
      if (size < MINSIGSTKSZ) return -12; // ENOMEM
      k.altStack = { sp: view.getUint32(0, true), size, enabled: true };
    }
  }
  return 0;
}

/** ITIMER_REAL as {interval, value} in ms; writes the old value as struct itimerval (32-bit). */
function storeTimer(k: Task, address: number): boolean {
  const view = output(k, address, 16);
  if (!view) return false;
  const timer = k.process.realTimer;
  const remaining = timer.deadline === 0 ? 0 : Math.max(1, timer.deadline - monotonicMs());
  const put = (at: number, ms: number): void => {
    const microseconds = Math.round(ms * 1000);
    view.setInt32(at, Math.floor(microseconds / 1e6), true);
    view.setInt32(at + 4, microseconds % 1e6, true);
  };
  put(0, timer.interval);
  put(8, remaining);
  return true;
}

function setitimer(k: Task, a: SyscallArgs): number {
  const which = a.get(0);
  if (which < 0 || which > 2) return -Errno.EINVAL;
  if (which !== 0) return 0; // ITIMER_VIRTUAL/ITIMER_PROF: not modelled
  if (a.u(2) !== 0 && !storeTimer(k, a.u(2))) return -Errno.EFAULT;
  if (a.u(1) === 0) return 0;
  const view = input(k, a.u(1), 16);
  if (!view) return -Errno.EFAULT;
  const ms = (at: number): number => view.getInt32(at, true) * 1000 + view.getInt32(at + 4, true) / 1000;
  const interval = ms(0);
  const value = ms(8);
  const timer = k.process.realTimer;
  timer.interval = interval;
  timer.deadline = value > 0 ? monotonicMs() + value : 0;
  return 0;
}

/** Sleeps until `deadline` (monotonicMs()), letting other tasks run; EINTR on a handled signal. */
function sleepUntil(k: Task, deadline: number, remainingAddress: number, wide: boolean): number {
  if (deadline <= monotonicMs()) return 0;
  return k.block({
    poll: () => {
      if (monotonicMs() >= deadline) return 0;
      return undefined;
    },
    deadline,
    restartable: false,
    cancel: () => {
      if (remainingAddress === 0) return;
      const view = output(k, remainingAddress, wide ? 16 : 8);
      if (!view) return;
      const left = Math.max(0, deadline - monotonicMs());
      const seconds = Math.floor(left / 1000);
      const nanoseconds = Math.floor((left - seconds * 1000) * 1e6);
      if (wide) {
        view.setBigInt64(0, BigInt(seconds), true);
        view.setBigInt64(8, BigInt(nanoseconds), true);
      } else {
        view.setInt32(0, seconds, true);
        view.setInt32(4, nanoseconds, true);
      }
    },
  });
}

function clockNanosleep(k: Task, clock: number, flags: number, requestAddress: number, remainingAddress: number, wide: boolean): number {
  const request = readTimespec(k, requestAddress, wide);
  if (typeof request === 'number') return request;
  const now = clockNanoseconds(clock);
  if (now === undefined) return -Errno.EINVAL;
  const TIMER_ABSTIME = 1;
  const duration = flags & TIMER_ABSTIME ? request - now : request;
  return sleepUntil(k, monotonicMs() + Number(duration) / 1e6, flags & TIMER_ABSTIME ? 0 : remainingAddress, wide);
}

function futex(k: Task, a: SyscallArgs, wide: boolean): number {
  const FUTEX_WAIT = 0;
  const FUTEX_WAKE = 1;
  const FUTEX_REQUEUE = 3;
  const FUTEX_CMP_REQUEUE = 4;
  const FUTEX_WAKE_OP = 5;
  const FUTEX_WAIT_BITSET = 9;
  const FUTEX_WAKE_BITSET = 10;
  const FUTEX_CLOCK_REALTIME = 256;
  const address = a.u(0);
  const operation = a.get(1) & 0x7f;
  const scheduler = k.scheduler;
  const word = (at: number): number | undefined => input(k, at, 4)?.getInt32(0, true);
  switch (operation) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      if ((address & 3) !== 0) return -Errno.EINVAL;
      const current = word(address);
      if (current === undefined) return -Errno.EFAULT;
      if (current !== a.get(2)) return -Errno.EAGAIN;
      const bitset = operation === FUTEX_WAIT_BITSET ? a.get(5) : -1;
      if (bitset === 0) return -Errno.EINVAL;
      let deadline: number | undefined;
      if (a.u(3) !== 0) {
        const timeout = readTimespec(k, a.u(3), wide);
        if (typeof timeout === 'number') return timeout;
        if (operation === FUTEX_WAIT) deadline = monotonicMs() + Number(timeout) / 1e6;
        else {
          // Absolute, on CLOCK_MONOTONIC (or CLOCK_REALTIME with the flag).
          const now = clockNanoseconds(a.get(1) & FUTEX_CLOCK_REALTIME ? 0 : 1)!;
          deadline = monotonicMs() + Number(timeout - now) / 1e6;
        }
      }
      return scheduler.futexWait(k, address, bitset, deadline);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      const bitset = operation === FUTEX_WAKE_BITSET ? a.get(5) : -1;
      if (bitset === 0) return -Errno.EINVAL;
      return scheduler.futexWake(k.mm, address, Math.max(0, a.get(2)), bitset);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      if (operation === FUTEX_CMP_REQUEUE) {
        const current = word(address);
        if (current === undefined) return -Errno.EFAULT;
        if (current !== a.get(5)) return -Errno.EAGAIN;
      }
      const woken = scheduler.futexWake(k.mm, address, Math.max(0, a.get(2)));
      return woken + scheduler.futexRequeue(k.mm, address, a.u(4), Math.max(0, a.get(3)));
    }
    case FUTEX_WAKE_OP: {
      const second = a.u(4);
      const encoded = a.get(5);
      const old = word(second);
      if (old === undefined) return -Errno.EFAULT;
      const op = (encoded >>> 28) & 7;
      const cmp = (encoded >>> 24) & 15;
      let operand = (encoded << 8) >> 20;
      const compareTo = (encoded << 20) >> 20;
      if ((encoded >>> 28) & 8) operand = 1 << (operand & 31);
      const results = [operand, old + operand, old | operand, old & ~operand, old ^ operand];
      const value = results[op];
      if (value === undefined) return -Errno.ENOSYS;
      output(k, second, 4)!.setInt32(0, value | 0, true);
      let woken = scheduler.futexWake(k.mm, address, Math.max(0, a.get(2)));
      const comparisons = [old === compareTo, old !== compareTo, old < compareTo, old <= compareTo, old > compareTo, old >= compareTo];
      if (comparisons[cmp]) woken += scheduler.futexWake(k.mm, second, Math.max(0, a.get(3)));
      return woken;
    }
    default:
      return -Errno.ENOSYS;
  }
}

export const SIGNAL_SYSCALLS: Readonly<Record<string, SyscallHandler>> = {
  rt_sigaction: rtSigaction,
  rt_sigprocmask: rtSigprocmask,
  rt_sigreturn: (k) => {
    if (!restoreSignalFrame(k)) {
      k.diagnostic('guest killed by SIGSEGV: bad signal frame in rt_sigreturn');
      k.scheduler.killProcess(k.process, Signal.SIGSEGV, true);
    }
    return NO_RETURN;
  },
  rt_sigsuspend: (k, a) => {
    if (a.u(1) !== SIGSET_BYTES) return -Errno.EINVAL;
    const mask = readSignalSet(k, a.u(0));
    return mask ? suspend(k, mask) : -Errno.EFAULT;
  },
  pause: (k) => suspend(k, undefined),
  rt_sigpending: (k, a) => {
    const set = new SignalSet();
    for (const signal of [...k.pending.keys(), ...k.process.pending.keys()]) if (k.signalMask.has(signal)) set.add(signal);
    return writeSignalSet(k, a.u(0), set) ? 0 : -Errno.EFAULT;
  },
  sigaltstack,
  alarm: (k, a) => {
    const timer = k.process.realTimer;
    const left = timer.deadline === 0 ? 0 : Math.max(1, Math.round((timer.deadline - monotonicMs()) / 1000));
    const seconds = a.u(0);
    timer.interval = 0;
    timer.deadline = seconds === 0 ? 0 : monotonicMs() + seconds * 1000;
    return left;
  },
  setitimer,
  getitimer: (k, a) => {
    if (a.get(0) !== 0) {
      const view = output(k, a.u(1), 16);
      if (!view) return -Errno.EFAULT;
      new Uint8Array(view.buffer, view.byteOffset, 16).fill(0);
      return 0;
    }
    return storeTimer(k, a.u(1)) ? 0 : -Errno.EFAULT;
  },
  nanosleep: (k, a) => clockNanosleep(k, 1, 0, a.u(0), a.u(1), false),
  clock_nanosleep: (k, a) => clockNanosleep(k, a.get(0), a.get(1), a.u(2), a.u(3), false),
  clock_nanosleep_time64: (k, a) => clockNanosleep(k, a.get(0), a.get(1), a.u(2), a.u(3), true),
  futex: (k, a) => futex(k, a, false),
  futex_time64: (k, a) => futex(k, a, true),
  sched_yield: (k) => k.block({ poll: () => 0, restartable: false }),
};

