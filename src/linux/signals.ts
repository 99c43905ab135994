// Linux MIPS signals: numbers and names (they differ from x86), default actions, the signal that
// Linux sends for each CPU exception, and the host signal number qemu-mipsel dies with (which is
// what a shell sees as the exit status 128 + N).

import { ExcCode } from '../../runtime/exceptions.js';

/** MIPS signal numbers (arch/mips/include/uapi/asm/signal.h). */
export const enum Signal {
  SIGHUP = 1,
  SIGINT = 2,
  SIGQUIT = 3,
  SIGILL = 4,
  SIGTRAP = 5,
  SIGABRT = 6,
  SIGEMT = 7,
  SIGFPE = 8,
  SIGKILL = 9,
  SIGBUS = 10,
  SIGSEGV = 11,
  SIGSYS = 12,
  SIGPIPE = 13,
  SIGALRM = 14,
  SIGTERM = 15,
  SIGUSR1 = 16,
  SIGUSR2 = 17,
  SIGCHLD = 18,
  SIGPWR = 19,
  SIGWINCH = 20,
  SIGURG = 21,
  SIGIO = 22,
  SIGSTOP = 23,
  SIGTSTP = 24,
  SIGCONT = 25,
  SIGTTIN = 26,
  SIGTTOU = 27,
  SIGVTALRM = 28,
  SIGPROF = 29,
  SIGXCPU = 30,
  SIGXFSZ = 31,
}

/** Number of signals (_NSIG on MIPS) and the size of a kernel sigset_t in bytes. */
export const SIGNAL_COUNT = 128;
export const SIGSET_BYTES = SIGNAL_COUNT / 8;

const NAMES = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGEMT', 'SIGFPE', 'SIGKILL', 'SIGBUS',
  'SIGSEGV', 'SIGSYS', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGCHLD', 'SIGPWR', 'SIGWINCH',
  'SIGURG', 'SIGIO', 'SIGSTOP', 'SIGTSTP', 'SIGCONT', 'SIGTTIN', 'SIGTTOU', 'SIGVTALRM', 'SIGPROF', 'SIGXCPU',
  'SIGXFSZ',
];

export function signalName(signal: number): string {
  return NAMES[signal] ?? (signal >= 32 && signal < SIGNAL_COUNT ? `SIGRT${signal - 32}` : `signal ${signal}`);
}

/** Host (generic Linux) numbers of the MIPS signals, as qemu-user maps them; index = MIPS number. */
const HOST_NUMBERS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 7, 11, 31, 13, 14, 15, 10, 12, 17, 30, 28, 23, 29, 19, 20, 18, 21, 22, 26, 27, 24, 25];

/** The exit status a shell reports for a process killed by MIPS signal `signal` under qemu-mipsel. */
export function exitStatusForSignal(signal: number): number {
  return 128 + (HOST_NUMBERS[signal] ?? signal);
}

/** Does the default action of `signal` terminate the process (not ignore, stop or continue)? */
export function defaultActionTerminates(signal: number): boolean {
  switch (signal) {
    case Signal.SIGCHLD:
    case Signal.SIGWINCH:
    case Signal.SIGURG:
    case Signal.SIGCONT:
    case Signal.SIGSTOP:
    case Signal.SIGTSTP:
    case Signal.SIGTTIN:
    case Signal.SIGTTOU:
      return false;
    default:
      return signal > 0 && signal < SIGNAL_COUNT;
  }
}

/** Does the default action of `signal` dump core (the signals qemu reports as "uncaught")? */
export function defaultActionDumpsCore(signal: number): boolean {
  switch (signal) {
    case Signal.SIGQUIT:
    case Signal.SIGILL:
    case Signal.SIGTRAP:
    case Signal.SIGABRT:
    case Signal.SIGEMT:
    case Signal.SIGFPE:
    case Signal.SIGBUS:
    case Signal.SIGSEGV:
    case Signal.SIGSYS:
    case Signal.SIGXCPU:
    case Signal.SIGXFSZ:
      return true;
    default:
      return false;
  }
}

/** Break/trap codes Linux treats specially (arch/mips/include/uapi/asm/break.h). */
const BRK_OVERFLOW = 6;
const BRK_DIVZERO = 7;

/** The signal for a trap or break code, as Linux's do_trap_or_bp() picks it. */
function signalForTrapCode(code: number): Signal {
  return code === BRK_OVERFLOW || code === BRK_DIVZERO ? Signal.SIGFPE : Signal.SIGTRAP;
}

/**
 * The signal Linux sends for an exception raised by the instruction `word`, or 0 when the
 * exception is not a fault (SYSCALL, interrupts).
 */
export function signalForException(code: ExcCode, word: number): Signal | 0 {
  switch (code) {
    case ExcCode.TLBL:
    case ExcCode.TLBS:
    case ExcCode.Mod:
      return Signal.SIGSEGV;
    case ExcCode.AdEL:
    case ExcCode.AdES:
    case ExcCode.IBE:
    case ExcCode.DBE:
      return Signal.SIGBUS;
    case ExcCode.RI:
    case ExcCode.CpU:
      return Signal.SIGILL;
    case ExcCode.Ov:
    case ExcCode.FPE:
      return Signal.SIGFPE;
    case ExcCode.Tr: {
      // Register traps (SPECIAL opcode) carry a 10-bit code in bits 15..6; immediate traps none.
      const tcode = word >>> 26 === 0 ? (word >>> 6) & 0x3ff : 0;
      return signalForTrapCode(tcode);
    }
    case ExcCode.Bp: {
      // do_bp(): the 20-bit field, swapped when the assembler put the code in bits 25..16.
      let bcode = (word >>> 6) & 0xf_ffff;
      if (bcode >= 1 << 10) bcode = ((bcode & 0x3ff) << 10) | (bcode >>> 10);
      return signalForTrapCode(bcode);
    }
    case ExcCode.Watch:
    case ExcCode.MCheck:
      return Signal.SIGTRAP;
    default:
      return 0;
  }
}
