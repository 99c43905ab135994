// The Linux personality of guest tasks. A GuestProcess is a thread group (pid, parent and children,
// descriptors, working directory, signal dispositions, exit status); a Task is one thread of it
// (tid, registers, signal mask, the system call it is blocked in). Each task runs in an Mm (its
// address space and CPU); the threads of a process share one. Tasks service their CPU's
// exceptions: o32 system calls, and faults, which become signals delivered to guest handlers on a
// real o32 rt_sigframe or end the process as Linux's default actions do.

import * as fs from '../fs/file-system.js';
import type { Cpu } from '../interp/cpu.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';
import { Perm } from '../../runtime/flat-memory.js';
import type { AddressSpace } from './address-space.js';
import { Errno } from './errno.js';
import { FdTable } from './files.js';
import { CpuContext, type Mm, type MmTask } from './mm.js';
import type { Scheduler } from './scheduler.js';
import {
  defaultAction,
  exitStatusForSignal,
  faultCode,
  faultHasAddress,
  SiCode,
  SigactionFlag,
  Signal,
  signalForException,
  signalName,
  SignalSet,
  SIGNAL_COUNT,
  type SignalInfo,
} from './signals.js';
import { buildSignalFrame } from './signal-frame.js';
import { o32SyscallName, O32_SYSCALL_BASE } from './syscall-names.js';
import { SYSCALL_HANDLERS, type SyscallHandler } from './syscall-table.js';
import { BLOCKED, NO_RETURN, type Blocker } from './syscall-status.js';
import { endDirectorySnapshot, holdsDirectorySnapshot } from './directory-snapshot.js';
import { defaultResourceLimits, type ResourceLimit } from './limits.js';

export { BLOCKED, NO_RETURN, type Blocker };

/** How a process ended, for the host: the shell's exit status and the signal that killed it. */
export interface ProcessExit {
  /** Exit status as a shell sees it: the exit code, or 128 + the (host) signal number. */
  exitStatus: number;
  /** The MIPS signal that killed the process, if one did. */
  signal?: number;
}

/**
 * Syscall handlers indexed by number - 4000. Built in one pass over the numbers (a name may have
 * more than one number); a handler whose name has no number is a table error.
 */
const HANDLERS_BY_NUMBER: (SyscallHandler | undefined)[] = [];
{
  const numbered = new Set<string>();
  for (let index = 0; index < 500; index++) {
    const name = o32SyscallName(index + O32_SYSCALL_BASE);
    const handler = name !== undefined && Object.hasOwn(SYSCALL_HANDLERS, name) ? SYSCALL_HANDLERS[name] : undefined;
    if (name === undefined || handler === undefined) continue;
    HANDLERS_BY_NUMBER[index] = handler;
    numbered.add(name);
  }
  for (const name of Object.keys(SYSCALL_HANDLERS)) {
    if (!numbered.has(name)) throw new Error(`syscall handler for unknown o32 syscall ${name}`);
  }
}

/**
 * The calls a directory snapshot outlives (src/linux/directory-snapshot.ts): stats by path, which
 * take from it or end it themselves, and getdents64, which lists from the same moment or takes a
 * new one. Every other call ends it before it runs. Indexed by number - 4000.
 */
const KEEPS_DIRECTORY_SNAPSHOT = new Uint8Array(500);
for (let index = 0; index < KEEPS_DIRECTORY_SNAPSHOT.length; index++) {
  const name = o32SyscallName(index + O32_SYSCALL_BASE);
  if (name === 'stat' || name === 'lstat' || name === 'stat64' || name === 'lstat64' || name === 'fstatat64' || name === 'statx' || name === 'getdents64') KEEPS_DIRECTORY_SNAPSHOT[index] = 1;
}

/** The eight o32 syscall arguments: a0..a3, then the stack words at sp+16..sp+28. */
export class SyscallArgs {
  readonly words = new Int32Array(8);
  get(index: number): number {
    return this.words[index]!;
  }
  /** Argument `index` as an unsigned 32-bit value. */
  u(index: number): number {
    return this.words[index]! >>> 0;
  }
  /** The 64-bit value in the (aligned) argument pair starting at `index`, low word first. */
  u64(index: number): number {
    return (this.words[index]! >>> 0) + this.words[index + 1]! * 0x1_0000_0000;
  }
}

/** Size of the MIPS struct sigaction: flags, handler, a 16-byte mask. */
export const SIGACTION_SIZE = 24;

/** One signal's disposition (struct sigaction). */
export interface SignalAction {
  flags: number;
  /** 0: SIG_DFL, 1: SIG_IGN, else the handler's address. */
  handler: number;
  mask: SignalSet;
}

/** An interval timer (ITIMER_REAL / alarm): when it next fires and its period, in ms (0: none). */
export interface IntervalTimer {
  deadline: number;
  interval: number;
}

/** A thread group: what the threads of one process share. */
export class GuestProcess {
  parent: GuestProcess | undefined;
  readonly children = new Set<GuestProcess>();
  readonly threads = new Set<Task>();
  pgid: number;
  sid: number;
  /** The guest's working directory (host path bytes, absolute). */
  cwd: Buffer;
  umask = 0o022;
  /** Absolute host path of the running program (/proc/self/exe). */
  programPath: string;
  /** The nice value (getpriority/setpriority; it changes no scheduling), inherited by fork. */
  nice = 0;
  /** getrlimit/setrlimit's limits by resource (src/linux/limits.ts); fork copies them. */
  limits: ResourceLimit[] = defaultResourceLimits();
  /** /proc/self/cmdline and /proc/self/comm (ExecResult's commandLine and command). */
  commandLine: Uint8Array = new Uint8Array(0);
  command: Uint8Array = new Uint8Array(0);
  /** QEMU's -L: absolute guest paths are looked up here first (undefined: none). */
  sysroot: string | undefined;
  readonly actions: SignalAction[] = [];
  /** Signals sent to the process as a whole (kill), waiting for a thread that does not block them. */
  readonly pending = new Map<number, SignalInfo>();
  /** The wait status once every thread has ended (a zombie until the parent reaps it). */
  waitStatus: number | undefined;
  /** What the host sees when this is the first process. */
  exit: ProcessExit | undefined;
  /** The signal the parent gets when this process ends (clone's low byte; SIGCHLD for fork). */
  exitSignal: number = Signal.SIGCHLD;
  readonly realTimer: IntervalTimer = { deadline: 0, interval: 0 };
  /** A vfork parent waits until this process execs or exits. */
  vforkParent: Task | undefined;

  constructor(
    readonly scheduler: Scheduler,
    readonly pid: number,
    public fds: FdTable,
    cwd: Buffer,
    programPath: string,
  ) {
    this.pgid = pid;
    this.sid = pid;
    this.cwd = cwd;
    this.programPath = programPath;
    for (let signal = 0; signal <= SIGNAL_COUNT; signal++) this.actions.push({ flags: 0, handler: 0, mask: new SignalSet() });
  }

  get isZombie(): boolean {
    return this.waitStatus !== undefined;
  }
}

/** One thread: the registers (in its Mm's CPU or saved), mask, pending signals, blocked call. */
export class Task implements MmTask {
  readonly context = new CpuContext();
  readonly signalMask = new SignalSet();
  /** Signals sent to this thread (tgkill, faults). */
  readonly pending = new Map<number, SignalInfo>();
  /** The system call this task waits in, if any. */
  blocker: Blocker | undefined;
  /** Set when the thread has ended. */
  exited = false;
  /** CLONE_CHILD_CLEARTID / set_tid_address: zeroed and futex-woken when the thread ends. */
  clearChildTid = 0;
  /** sigaltstack: base, size, and whether it is set up (SS_DISABLE otherwise). */
  altStack = { sp: 0, size: 0, enabled: false };
  /** The mask to restore when a sigsuspend/ppoll/pselect that replaced it returns. */
  savedMask: SignalSet | undefined;
  /** Set by a handler that has something to say after returning (pipe's second fd in v1). */
  secondResult: number | undefined;
  /** The running slice must end after this system call (exec, exit, a signal killed the process). */
  stopSlice = false;
  private readonly args = new SyscallArgs();

  constructor(
    readonly process: GuestProcess,
    readonly tid: number,
    public mm: Mm,
  ) {
    mm.users++;
    process.threads.add(this);
  }

  get scheduler(): Scheduler {
    return this.process.scheduler;
  }
  get cpu(): Cpu {
    return this.mm.cpu;
  }
  get mem() {
    return this.mm.mem;
  }
  get space(): AddressSpace {
    return this.mm.space;
  }
  get fds(): FdTable {
    return this.process.fds;
  }
  get pid(): number {
    return this.process.pid;
  }
  get cwd(): Buffer {
    return this.process.cwd;
  }
  set cwd(value: Buffer) {
    this.process.cwd = value;
  }
  get umask(): number {
    return this.process.umask;
  }
  set umask(value: number) {
    this.process.umask = value;
  }
  get programPath(): string {
    return this.process.programPath;
  }

  /** Writes one line of the emulator's own diagnostics. */
  diagnostic(line: string): void {
    this.scheduler.diagnostic(line);
  }

  /** Makes the current system call wait for `blocker`; returns BLOCKED for the handler to return. */
  block(blocker: Blocker): number {
    this.blocker = blocker;
    return BLOCKED;
  }

  exception(cpu: Cpu, code: ExcCode, badVAddr: number): Status {
    if (code === ExcCode.Sys) return this.syscall(cpu);
    const word = cpu.mem.accessible(cpu.pc, 4, Perm.Read) ? cpu.mem.i32[cpu.pc >>> 2]! : 0;
    const signal = signalForException(code, word);
    if (signal === 0) {
      this.diagnostic(`unexpected exception ${code} at pc 0x${hex8(cpu.pc)}`);
      this.scheduler.killProcess(this.process, Signal.SIGILL, true);
      return Status.Stop;
    }
    const isAddressFault = code === ExcCode.TLBL || code === ExcCode.TLBS || code === ExcCode.AdEL || code === ExcCode.AdES || code === ExcCode.Mod;
    let siCode = faultCode(code, signal, word, cpu.fcsr);
    // A store to a mapped page it may not write is SEGV_ACCERR, a page nothing maps SEGV_MAPERR.
    if (signal === Signal.SIGSEGV && this.space.isMapped(badVAddr & ~0xfff, 1)) siCode = 2;
    const info: SignalInfo = { signal, code: siCode };
    if (faultHasAddress(signal, siCode)) info.address = isAddressFault ? badVAddr : cpu.pc;
    // The faulting instruction did not retire: a handler that returns runs it again (in a delay
    // slot, from its branch, as EPC with Cause.BD says).
    if (cpu.inDelaySlot) {
      cpu.npc = cpu.pc;
      cpu.pc = (cpu.pc - 4) | 0;
    } else cpu.npc = (cpu.pc + 4) | 0;
    cpu.nextInDelaySlot = false;
    const action = this.process.actions[signal]!;
    if (action.handler > 1 && !this.signalMask.has(signal)) {
      if (this.deliver(info)) return Status.Redirected;
    } else {
      // Linux's force_sig_fault: a blocked or ignored fault signal kills anyway.
      const detail = isAddressFault ? ` (bad address 0x${hex8(badVAddr)})` : '';
      this.diagnostic(`guest killed by ${signalName(signal)} at pc 0x${hex8(cpu.pc)}${detail}`);
    }
    this.scheduler.killProcess(this.process, signal, false);
    return Status.Stop;
  }

  private syscall(cpu: Cpu): Status {
    const r = cpu.r;
    const number = r[2]! >>> 0;
    const args = this.args;
    const words = args.words;
    words[0] = r[4]!;
    words[1] = r[5]!;
    words[2] = r[6]!;
    words[3] = r[7]!;
    const sp = r[29]! >>> 0;
    if ((sp & 3) === 0 && this.mem.accessible(sp + 16, 16, Perm.Read)) {
      const i32 = this.mem.i32;
      words[4] = i32[(sp + 16) >>> 2]!;
      words[5] = i32[(sp + 20) >>> 2]!;
      words[6] = i32[(sp + 24) >>> 2]!;
      words[7] = i32[(sp + 28) >>> 2]!;
    } else {
      words.fill(0, 4);
    }
    const handler = HANDLERS_BY_NUMBER[number - O32_SYSCALL_BASE];
    if (holdsDirectorySnapshot() && KEEPS_DIRECTORY_SNAPSHOT[number - O32_SYSCALL_BASE] !== 1) endDirectorySnapshot();
    let result: number;
    if (handler === undefined) {
      this.scheduler.warnUnsupported(number);
      result = -Errno.ENOSYS;
    } else {
      this.secondResult = undefined;
      this.stopSlice = false;
      result = handler(this, args);
    }
    if (this.scheduler.straceEnabled) {
      const name = o32SyscallName(number) ?? String(number);
      const shown = result === BLOCKED ? 'blocked' : result === NO_RETURN ? 'no return' : String(result);
      this.diagnostic(`[${this.tid}] syscall ${name}(${Array.from(words.subarray(0, 6), (w) => `0x${(w >>> 0).toString(16)}`).join(', ')}) = ${shown}`);
    }
    if (result === BLOCKED) {
      // The PC stays on the SYSCALL; the scheduler completes (or restarts) the call later.
      return Status.Stop;
    }
    if (result === NO_RETURN) {
      if (this.stopSlice || this.exited) return Status.Stop;
      // rt_sigreturn unblocked what the handler raised: it is taken before the interrupted code runs.
      if (this.hasDeliverableSignal) this.deliverPending();
      return this.exited ? Status.Stop : Status.Redirected;
    }
    this.setResult(result);
    if (this.exited || this.stopSlice) return Status.Stop;
    // Signals that became deliverable during the call are taken on the way back to user mode.
    if (this.hasDeliverableSignal) {
      cpu.pc = cpu.npc;
      cpu.npc = (cpu.pc + 4) | 0;
      if (this.deliverPending()) return Status.Redirected;
      return this.exited ? Status.Stop : Status.Redirected;
    }
    return Status.Continue;
  }

  /** Writes a system call's result into v0 (and v1) and a3, and restores a mask sigsuspend replaced. */
  setResult(result: number): void {
    const r = this.cpu.r;
    if (result < 0 && result >= -4095) {
      r[2] = -result;
      r[7] = 1;
    } else {
      r[2] = result;
      r[7] = 0;
      if (this.secondResult !== undefined) r[3] = this.secondResult;
    }
    if (this.savedMask !== undefined && result !== -Errno.EINTR) {
      this.signalMask.copyFrom(this.savedMask);
      this.savedMask = undefined;
    }
  }

  /** Completes a system call the task was blocked in: the result, then past the SYSCALL. */
  completeSyscall(result: number): void {
    this.setResult(result);
    const cpu = this.cpu;
    cpu.pc = cpu.npc;
    cpu.npc = (cpu.pc + 4) | 0;
    cpu.nextInDelaySlot = false;
  }

  // ---- Signals ----

  /** Is `signal` blocked by this thread? */
  blocks(signal: number): boolean {
    return this.signalMask.has(signal);
  }

  /** The next pending signal this thread would take (its own first, then the process's), or undefined. */
  nextDeliverable(): SignalInfo | undefined {
    for (const queue of [this.pending, this.process.pending]) {
      for (const [signal, info] of queue) if (!this.signalMask.has(signal)) return info;
    }
    return undefined;
  }

  private takePending(signal: number): void {
    if (!this.pending.delete(signal)) this.process.pending.delete(signal);
  }

  /**
   * Acts on every deliverable pending signal: ignored ones are dropped, default actions may end
   * the process, and a handler gets a frame (only one frame per call: the handler runs first).
   * Returns true when a handler frame was set up (the PC now is the handler). The task's
   * registers must be on the CPU and at an instruction boundary outside a delay slot.
   */
  deliverPending(): boolean {
    for (;;) {
      const info = this.nextDeliverable();
      if (info === undefined) return false;
      this.takePending(info.signal);
      const action = this.process.actions[info.signal]!;
      if (action.handler === 1) continue;
      if (action.handler === 0) {
        const kind = defaultAction(info.signal);
        if (kind === 'ignore') continue;
        if (kind === 'core') this.diagnostic(`guest killed by ${signalName(info.signal)}`);
        this.scheduler.killProcess(this.process, info.signal, kind === 'core');
        return false;
      }
      if (this.deliver(info)) return true;
      return false;
    }
  }

  /** Builds the rt_sigframe for `info`'s handler and points the CPU at it; false if the process died. */
  deliver(info: SignalInfo): boolean {
    const action = this.process.actions[info.signal]!;
    const cpu = this.cpu;
    const maskToSave = this.savedMask ?? this.signalMask;
    const frame = buildSignalFrame(this, info, action, maskToSave);
    this.savedMask = undefined;
    if (frame === undefined) {
      // No room for the frame: Linux kills with SIGSEGV.
      this.diagnostic(`guest killed by SIGSEGV: no room for a signal frame at sp 0x${hex8(cpu.r[29]!)}`);
      this.scheduler.killProcess(this.process, Signal.SIGSEGV, true);
      return false;
    }
    for (let index = 0; index < 4; index++) this.signalMask.words[index] = this.signalMask.words[index]! | action.mask.words[index]!;
    if ((action.flags & SigactionFlag.NoDefer) === 0) this.signalMask.add(info.signal);
    this.signalMask.dropUnblockable();
    if (action.flags & SigactionFlag.ResetHand) {
      action.handler = 0;
      action.flags &= ~SigactionFlag.SigInfo;
    }
    return true;
  }

  /** Queues a signal for this thread (tgkill, SIGPIPE, faults that are not delivered at once). */
  sendSignal(info: SignalInfo): void {
    if (!this.pending.has(info.signal)) this.pending.set(info.signal, info);
  }

  /** The o32 trampoline address a handler returns to (rt_sigreturn). */
  get sigreturnTrampoline(): number {
    return this.scheduler.trampolineAddress;
  }

  /** Has this thread anything it would act on (a deliverable signal)? */
  get hasDeliverableSignal(): boolean {
    return this.nextDeliverable() !== undefined;
  }

  /** Ends the thread (exit, or its process dying): wakes CLONE_CHILD_CLEARTID waiters. */
  finish(): void {
    if (this.exited) return;
    this.exited = true;
    this.blocker = undefined;
    if (this.clearChildTid !== 0 && this.mem.accessible(this.clearChildTid, 4, Perm.Write) && this.mm.users > 1) {
      this.mem.write(this.clearChildTid, new Uint8Array(4));
      this.scheduler.futexWake(this.mm, this.clearChildTid, 1);
    }
    this.process.threads.delete(this);
    this.mm.leave(this);
  }
}

/** sigaction's kernel encoding: the raw 24 bytes a guest reads back. */
export function encodeSigaction(action: SignalAction): Uint8Array {
  const bytes = new Uint8Array(SIGACTION_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, action.flags >>> 0, true);
  view.setUint32(4, action.handler >>> 0, true);
  for (let index = 0; index < 4; index++) view.setUint32(8 + index * 4, action.mask.words[index]!, true);
  return bytes;
}

export function decodeSigaction(bytes: Uint8Array): SignalAction {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mask = new SignalSet();
  for (let index = 0; index < 4; index++) mask.words[index] = view.getUint32(8 + index * 4, true);
  mask.dropUnblockable();
  return { flags: view.getUint32(0, true), handler: view.getUint32(4, true), mask };
}

/** The wait status of a process that exited with `code` or was killed by `signal`. */
export function waitStatusOf(code: number, signal: number | undefined, core: boolean): number {
  // RLIMIT_CORE is 0 (as the guest is told), so no core file is written and WCOREDUMP stays clear.
  void core;
  if (signal !== undefined) return signal;
  return (code & 0xff) << 8;
}

/** The host's view of a wait status. */
export function processExitOf(waitStatus: number): ProcessExit {
  const signal = waitStatus & 0x7f;
  if (signal === 0) return { exitStatus: (waitStatus >>> 8) & 0xff };
  return { exitStatus: exitStatusForSignal(signal), signal };
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** Writes bytes through fs.writeSync, ignoring failures (for diagnostics). */
export function writeDiagnostic(fd: number, line: string): void {
  try {
    fs.writeSync(fd, `mipsjit: ${line}\n`);
  } catch {
    // nowhere to report
  }
}
