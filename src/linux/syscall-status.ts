// What a system call handler may return besides a result or -errno: BLOCKED (it waits, through a
// Blocker the scheduler polls) or NO_RETURN (it set the registers itself).

/** Handlers return this (after Task.block) when the call must wait; the scheduler retries it. */
export const BLOCKED = -0x1_0000;
/** Handlers return this when they have set every register themselves (execve, sigreturn, exit). */
export const NO_RETURN = -0x1_0001;

/** A system call waiting for something: the scheduler polls it until it has a result. */
export interface Blocker {
  /** The call's result once it can complete, undefined while it must keep waiting. */
  poll(): number | undefined;
  /** monotonicMs() (src/host/clock.ts) by which poll() will have a result (a timeout); the scheduler sleeps until then. */
  deadline?: number;
  /** With SA_RESTART, an interrupting handler restarts the call (read, write, wait) instead of EINTR. */
  restartable: boolean;
  /** Called when a signal interrupts the call (to leave a wait queue). */
  cancel?: () => void;
  /** The host may end the wait (input on a host pipe or terminal): it is no deadlock when all wait. */
  waitsOnHost?: boolean;
}

