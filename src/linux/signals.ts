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

/** The MIPS number of the signal named `name` ('SIGHUP'...), or undefined for one MIPS Linux lacks. */
export function guestSignalNumber(name: string): number | undefined {
  const index = NAMES.indexOf(name);
  return index > 0 ? index : undefined;
}

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

/** A set of signals 1..127 as the kernel's sigset_t: bit (n - 1) of four little-endian words. */
export class SignalSet {
  readonly words = new Uint32Array(SIGSET_BYTES / 4);

  has(signal: number): boolean {
    const bit = signal - 1;
    return (this.words[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }
  add(signal: number): void {
    const bit = signal - 1;
    this.words[bit >>> 5] = this.words[bit >>> 5]! | (1 << (bit & 31));
  }
  delete(signal: number): void {
    const bit = signal - 1;
    this.words[bit >>> 5] = this.words[bit >>> 5]! & ~(1 << (bit & 31));
  }
  copyFrom(other: SignalSet): void {
    this.words.set(other.words);
  }
  /** SIGKILL and SIGSTOP can never be blocked. */
  dropUnblockable(): void {
    this.delete(Signal.SIGKILL);
    this.delete(Signal.SIGSTOP);
  }
}

/** sigaction flags on MIPS (arch/mips/include/uapi/asm/signal.h). */
export const enum SigactionFlag {
  NoChildStop = 0x1,
  SigInfo = 0x8,
  NoChildWait = 0x1_0000,
  OnStack = 0x0800_0000,
  Restart = 0x1000_0000,
  NoDefer = 0x4000_0000,
  ResetHand = 0x8000_0000,
}

/** si_code values (include/uapi/asm-generic/siginfo.h). */
export const enum SiCode {
  User = 0,
  Kernel = 0x80,
  Queue = -1,
  Timer = -2,
  Tkill = -6,
  ChildExited = 1,
  ChildKilled = 2,
  ChildDumped = 3,
}

/** What a pending signal carries into the guest's siginfo. */
export interface SignalInfo {
  signal: number;
  code: number;
  /** SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP: the faulting address. */
  address?: number;
  /** kill/tgkill/SIGCHLD: the sender or child. */
  pid?: number;
  uid?: number;
  /** SIGCHLD: the exit code or signal. */
  status?: number;
  /** Timers: the timer id and overrun. */
  timerId?: number;
}

/** The default disposition of a signal: terminate, terminate with a core dump, or ignore. */
export function defaultAction(signal: number): 'terminate' | 'core' | 'ignore' {
  if (!defaultActionTerminates(signal)) return 'ignore';
  return defaultActionDumpsCore(signal) ? 'core' : 'terminate';
}

/** The si_code Linux gives the fault signal for exception `code` raised by `word` (FCSR for FPE). */
export function faultCode(code: ExcCode, signal: number, word: number, fcsr: number): number {
  switch (signal) {
    case Signal.SIGSEGV:
      return code === ExcCode.Mod ? 2 : 1; // SEGV_ACCERR for a write to a read-only page, else SEGV_MAPERR
    case Signal.SIGBUS:
      return 1; // BUS_ADRALN
    case Signal.SIGILL:
      return SiCode.Kernel; // do_ri()/do_cpu(): force_sig(SIGILL)
    case Signal.SIGFPE: {
      if (code === ExcCode.Ov) return 2; // FPE_INTOVF
      if (code === ExcCode.FPE) {
        const cause = (fcsr >>> 12) & 0x3f; // E V Z O U I
        if (cause & 0x10) return 7; // FPE_FLTINV
        if (cause & 0x08) return 3; // FPE_FLTDIV
        if (cause & 0x04) return 4; // FPE_FLTOVF
        if (cause & 0x02) return 5; // FPE_FLTUND
        if (cause & 0x01) return 6; // FPE_FLTRES
        return SiCode.Kernel;
      }
      const trapCode = code === ExcCode.Tr ? (word >>> 26 === 0 ? (word >>> 6) & 0x3ff : 0) : (word >>> 16) & 0x3ff;
      return trapCode === BRK_OVERFLOW ? 2 : 1; // FPE_INTOVF, FPE_INTDIV
    }
    case Signal.SIGTRAP:
      return code === ExcCode.Bp ? 1 : SiCode.Kernel; // TRAP_BRKPT for BREAK, as qemu-mipsel gives it
    default:
      return SiCode.Kernel;
  }
}

/** Does the fault signal's siginfo carry si_addr? (force_sig() ones do not.) */
export function faultHasAddress(signal: number, code: number): boolean {
  return code !== SiCode.Kernel || signal === Signal.SIGSEGV || signal === Signal.SIGBUS;
}
