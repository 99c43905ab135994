// Every guest process and thread of one run, scheduled cooperatively on the host's one thread:
// round robin in slices of guest instructions. A task blocked in a system call (a read of an empty
// pipe, wait4, a futex, a sleep) is skipped until its Blocker has a result; a deliverable signal
// interrupts it (EINTR, or a restart with SA_RESTART). When every task waits, the host sleeps
// until the earliest timeout, listening for SIGINT/SIGTERM for guests that handle them. The run
// ends when the first process ends; what is left of its descendants is ended with it.

import { Perm } from '../../runtime/flat-memory.js';
import { MAX_OVERSHOOT } from '../../codegen/region.js';
import { disassemble } from '../isa/disasm.js';
import { Errno } from './errno.js';
import type { FdTable } from './files.js';
import type { Mm } from './mm.js';
import { SigactionFlag, SiCode, Signal, type SignalInfo } from './signals.js';
import { TRAMPOLINE_PAGE } from './exec.js';
import { o32SyscallName } from './syscall-names.js';
import { GuestProcess, processExitOf, Task, waitStatusOf, type ProcessExit, writeDiagnostic } from './task.js';
import type { EngineOptions } from './mm.js';
import { monotonicMs } from '../host/clock.js';
import { hostUid } from './identity.js';

/** The most guest processes alive at once (fork then fails with EAGAIN, as RLIMIT_NPROC would). */
export const MAX_PROCESSES = 256;
/** The most threads alive at once. */
export const MAX_TASKS = 1024;
/** Instructions per slice when one task is runnable, and when several share the CPU. */
const LONE_SLICE = 1 << 20;
const SHARED_SLICE = 1 << 16;
/** While binaryen loads, slices are short so the event loop gets to finish the import. */
const WAITING_SLICE = 1 << 15;
/** Yield to the host's event loop (signals, the compiler's load) at least this often, in ms. */
const EVENT_LOOP_INTERVAL = 25;
/** When everything waits with no timeout but host signals may come, look again this often (ms). */
const IDLE_POLL = 50;

export interface SchedulerOptions {
  engine: EngineOptions;
  diagnosticsFd: number;
  /** Stop after this many instructions in all (the run then ends with status 124). */
  maxInstructions: number;
  /** Print the first N executed instructions. */
  trace: number;
  /** QEMU's -L, or undefined. */
  sysroot: string | undefined;
  defaultSysroot: string;
  straceEnabled: boolean;
  /** The most guest processes alive at once. */
  maxProcesses: number;
}

interface FutexWaiter {
  task: Task;
  address: number;
  bitset: number;
  woken: boolean;
}

export class Scheduler {
  readonly processes = new Map<number, GuestProcess>();
  /** Live tasks in scheduling order. */
  private tasks: Task[] = [];
  private cursor = 0;
  private nextPid: number;
  /** The first process: the run ends with it. */
  init: GuestProcess | undefined;
  instructions = 0;
  readonly trampolineAddress = TRAMPOLINE_PAGE;
  private traceLeft: number;
  private readonly warned = new Set<number>();
  private readonly futexQueues = new Map<Mm, FutexWaiter[]>();
  /** Host signals (SIGINT, SIGTERM, ...) received and not yet given to the guest. */
  private readonly hostSignals: number[] = [];
  private readonly hostListeners = new Map<NodeJS.Signals, () => void>();
  /** Processes created during the run (statistics). */
  processesCreated = 0;
  /** Set when the instruction limit stopped the run. */
  limitReached = false;

  constructor(readonly options: SchedulerOptions) {
    this.nextPid = process.pid;
    this.traceLeft = options.trace;
  }

  get straceEnabled(): boolean {
    return this.options.straceEnabled;
  }

  diagnostic(line: string): void {
    writeDiagnostic(this.options.diagnosticsFd, line);
  }

  warnUnsupported(number: number): void {
    if (this.warned.has(number)) return;
    this.warned.add(number);
    this.diagnostic(`unsupported syscall ${number} (${o32SyscallName(number) ?? 'unknown'})`);
  }

  /** A new pid (= tid of the thread-group leader): the host's pid for the first, then upward. */
  allocatePid(): number {
    for (;;) {
      const pid = this.nextPid++;
      if (this.nextPid > 0x3f_ffff) this.nextPid = 300;
      if (!this.processes.has(pid) && !this.tasks.some((task) => task.tid === pid)) return pid;
    }
  }

  get processCount(): number {
    return this.processes.size;
  }

  get taskCount(): number {
    return this.tasks.length;
  }

  /** Creates a process with its first thread (the caller loads its registers). */
  createProcess(pid: number, parent: GuestProcess | undefined, fds: FdTable, cwd: Buffer, programPath: string, mm: Mm): Task {
    const created = new GuestProcess(this, pid, fds, cwd, programPath);
    created.parent = parent;
    if (parent) {
      parent.children.add(created);
      created.pgid = parent.pgid;
      created.sid = parent.sid;
    }
    this.processes.set(pid, created);
    this.processesCreated++;
    const task = new Task(created, pid, mm);
    this.tasks.push(task);
    this.init ??= created;
    return task;
  }

  /** Adds a thread to a process. */
  addThread(process: GuestProcess, tid: number, mm: Mm): Task {
    const task = new Task(process, tid, mm);
    this.tasks.push(task);
    return task;
  }

  findTask(tid: number): Task | undefined {
    return this.tasks.find((task) => task.tid === tid && !task.exited);
  }

  // ---- Ending processes ----

  /** Ends a whole process because of `signal` (its default action, or a fault nobody handles). */
  killProcess(target: GuestProcess, signal: number, core: boolean): void {
    this.exitProcess(target, waitStatusOf(0, signal, core));
  }

  /** Ends every thread of a process with the given wait status and tells its parent. */
  exitProcess(target: GuestProcess, waitStatus: number): void {
    if (target.isZombie) return;
    for (const thread of [...target.threads]) {
      thread.stopSlice = true;
      thread.finish();
    }
    target.fds.closeAll();
    target.waitStatus = waitStatus;
    target.exit = processExitOf(waitStatus);
    target.realTimer.deadline = 0;
    this.releaseVforkParent(target);
    for (const child of target.children) {
      child.parent = undefined;
      if (child.isZombie) this.processes.delete(child.pid);
    }
    target.children.clear();
    const parent = target.parent;
    if (parent === undefined || parent.isZombie) {
      if (target !== this.init) this.processes.delete(target.pid);
      return;
    }
    const action = parent.actions[Signal.SIGCHLD]!;
    const signal = waitStatus & 0x7f;
    if (action.handler === 1 || action.flags & SigactionFlag.NoChildWait) {
      // Nobody will wait: the child is reaped at once (SIG_IGN / SA_NOCLDWAIT).
      parent.children.delete(target);
      this.processes.delete(target.pid);
    }
    if (target.exitSignal !== 0) {
      const code = signal === 0 ? SiCode.ChildExited : waitStatus & 0x80 ? SiCode.ChildDumped : SiCode.ChildKilled;
      this.signalProcess(parent, { signal: target.exitSignal, code, pid: target.pid, uid: hostUid(), status: signal === 0 ? (waitStatus >>> 8) & 0xff : signal });
    }
  }

  /** A vfork parent resumes when its child execs or exits. */
  releaseVforkParent(child: GuestProcess): void {
    child.vforkParent = undefined;
  }

  /** Ends one thread; the last one ends the process with `code`. */
  exitThread(task: Task, code: number): void {
    const owner = task.process;
    task.stopSlice = true;
    if (owner.threads.size <= 1) {
      this.exitProcess(owner, waitStatusOf(code, undefined, false));
      return;
    }
    task.finish();
  }

  // ---- Signals between processes ----

  /** Queues a signal for a process: a thread that does not block it will take it. */
  signalProcess(target: GuestProcess, info: SignalInfo): void {
    if (target.isZombie) return;
    if (info.signal === Signal.SIGKILL) {
      this.killProcess(target, Signal.SIGKILL, false);
      return;
    }
    if (info.signal === Signal.SIGCONT || info.signal === Signal.SIGSTOP) {
      // Job control stops are not modelled: SIGSTOP is ignored and SIGCONT only runs a handler.
      if (info.signal === Signal.SIGSTOP) return;
    }
    if (!target.pending.has(info.signal)) target.pending.set(info.signal, info);
  }

  // ---- Futexes ----

  futexWait(task: Task, address: number, bitset: number, deadline: number | undefined): number {
    let queue = this.futexQueues.get(task.mm);
    if (!queue) {
      queue = [];
      this.futexQueues.set(task.mm, queue);
    }
    const waiter: FutexWaiter = { task, address, bitset, woken: false };
    queue.push(waiter);
    const remove = (): void => {
      const list = this.futexQueues.get(task.mm);
      const index = list?.indexOf(waiter) ?? -1;
      if (index >= 0) list!.splice(index, 1);
    };
    return task.block({
      poll: () => {
        if (waiter.woken) return 0;
        if (deadline !== undefined && monotonicMs() >= deadline) {
          remove();
          return -Errno.ETIMEDOUT;
        }
        return undefined;
      },
      ...(deadline !== undefined ? { deadline } : {}),
      restartable: true,
      cancel: remove,
    });
  }

  /** Wakes up to `count` waiters on `address` (matching `bitset`); returns how many. */
  futexWake(mm: Mm, address: number, count: number, bitset = -1): number {
    const queue = this.futexQueues.get(mm);
    if (!queue) return 0;
    let woken = 0;
    for (let index = 0; index < queue.length && woken < count; ) {
      const waiter = queue[index]!;
      if (waiter.address === address && (waiter.bitset & bitset) !== 0) {
        waiter.woken = true;
        queue.splice(index, 1);
        woken++;
      } else index++;
    }
    return woken;
  }

  /** Moves up to `count` waiters from one futex to another; returns how many moved. */
  futexRequeue(mm: Mm, from: number, to: number, count: number): number {
    const queue = this.futexQueues.get(mm);
    if (!queue) return 0;
    let moved = 0;
    for (const waiter of queue) {
      if (moved >= count) break;
      if (waiter.address === from) {
        waiter.address = to;
        moved++;
      }
    }
    return moved;
  }

  // ---- Host signals ----

  /** Forwards a host signal to the first process while the guest handles it (Ctrl-C reaches its handler). */
  private syncHostSignalListeners(): void {
    const init = this.init;
    const wanted: [NodeJS.Signals, number][] = [
      ['SIGINT', Signal.SIGINT],
      ['SIGTERM', Signal.SIGTERM],
      ['SIGHUP', Signal.SIGHUP],
      ['SIGQUIT', Signal.SIGQUIT],
    ];
    for (const [name, number] of wanted) {
      const handled = init !== undefined && !init.isZombie && init.actions[number]!.handler !== 0;
      const listener = this.hostListeners.get(name);
      if (handled && listener === undefined) {
        const added = (): void => {
          this.hostSignals.push(number);
        };
        this.hostListeners.set(name, added);
        process.on(name, added);
      } else if (!handled && listener !== undefined) {
        process.off(name, listener);
        this.hostListeners.delete(name);
      }
    }
  }

  private removeHostSignalListeners(): void {
    for (const [name, listener] of this.hostListeners) process.off(name, listener);
    this.hostListeners.clear();
  }

  // ---- The run loop ----

  private fireTimers(now: number): void {
    for (const owner of this.processes.values()) {
      const timer = owner.realTimer;
      if (timer.deadline === 0 || timer.deadline > now) continue;
      this.signalProcess(owner, { signal: Signal.SIGALRM, code: SiCode.Kernel });
      timer.deadline = timer.interval > 0 ? Math.max(timer.deadline + timer.interval, now) : 0;
    }
    while (this.hostSignals.length > 0 && this.init !== undefined) {
      this.signalProcess(this.init, { signal: this.hostSignals.shift()!, code: SiCode.User, pid: 0, uid: 0 });
    }
  }

  /** A task that can run now, with its blocked call's result if it had one. */
  private pickRunnable(): { task: Task; result: number | undefined } | undefined {
    const count = this.tasks.length;
    for (let step = 0; step < count; step++) {
      const index = (this.cursor + step) % count;
      const task = this.tasks[index]!;
      if (task.exited) continue;
      const blocker = task.blocker;
      if (blocker === undefined) {
        this.cursor = index + 1;
        return { task, result: undefined };
      }
      const result = blocker.poll();
      if (result !== undefined || task.hasDeliverableSignal) {
        this.cursor = index + 1;
        return { task, result };
      }
    }
    return undefined;
  }

  private earliestDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const task of this.tasks) {
      const deadline = task.blocker?.deadline;
      if (deadline !== undefined && (earliest === undefined || deadline < earliest)) earliest = deadline;
    }
    for (const owner of this.processes.values()) {
      const deadline = owner.realTimer.deadline;
      if (deadline !== 0 && (earliest === undefined || deadline < earliest)) earliest = deadline;
    }
    return earliest;
  }

  /** Runs until the first process ends (or the instruction limit); returns how it ended. */
  async run(): Promise<ProcessExit> {
    const init = this.init!;
    let lastYield = monotonicMs();
    try {
      while (!init.isZombie) {
        this.tasks = this.tasks.filter((task) => !task.exited);
        const now = monotonicMs();
        this.fireTimers(now);
        if (now - lastYield >= EVENT_LOOP_INTERVAL) {
          this.syncHostSignalListeners();
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = monotonicMs();
        }
        const picked = this.pickRunnable();
        if (picked === undefined) {
          const deadline = this.earliestDeadline();
          this.syncHostSignalListeners();
          if (deadline === undefined && this.hostListeners.size === 0 && !this.tasks.some((task) => task.blocker?.waitsOnHost === true)) {
            this.diagnostic('deadlock: every guest process waits and nothing can wake them');
            this.killAll();
            return { exitStatus: 1 };
          }
          const wait = deadline === undefined ? IDLE_POLL : Math.max(0, Math.min(IDLE_POLL, deadline - monotonicMs()));
          await new Promise((resolve) => setTimeout(resolve, wait));
          lastYield = monotonicMs();
          continue;
        }
        if (this.instructions >= this.options.maxInstructions) {
          this.limitReached = true;
          this.diagnostic(`instruction limit of ${this.options.maxInstructions} reached at pc 0x${(picked.task.cpu.pc >>> 0).toString(16).padStart(8, '0')}`);
          break;
        }
        const waiting = this.runSlice(picked.task, picked.result);
        if (waiting) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = monotonicMs();
        }
      }
    } finally {
      this.removeHostSignalListeners();
    }
    if (!init.isZombie) {
      this.killAll();
      return { exitStatus: 124 };
    }
    this.killAll();
    return init.exit!;
  }

  /** Ends every process that is left (the run is over). */
  private killAll(): void {
    for (const owner of [...this.processes.values()]) {
      if (owner.isZombie) continue;
      for (const thread of [...owner.threads]) thread.finish();
      owner.fds.closeAll();
      owner.waitStatus ??= waitStatusOf(0, Signal.SIGKILL, false);
    }
    this.tasks = [];
  }

  /** Runs one slice of `task`; returns true when the JIT waits for its compiler to load. */
  private runSlice(task: Task, blockedResult: number | undefined): boolean {
    const mm = task.mm;
    mm.load(task);
    const cpu = mm.cpu;
    const blocker = task.blocker;
    if (blocker !== undefined) {
      task.blocker = undefined;
      if (blockedResult !== undefined) task.completeSyscall(blockedResult);
      else {
        // A signal interrupts the call: restart it after the handler (SA_RESTART), or EINTR.
        blocker.cancel?.();
        const next = task.nextDeliverable()!;
        const action = task.process.actions[next.signal]!;
        const restart = blocker.restartable && action.handler > 1 && (action.flags & SigactionFlag.Restart) !== 0;
        if (!restart) task.completeSyscall(-Errno.EINTR);
      }
    }
    if (task.hasDeliverableSignal) {
      if (cpu.nextInDelaySlot) {
        // Signals are taken between instructions outside delay slots: finish the branch first.
        const before = cpu.instructions;
        mm.run(1);
        this.instructions += cpu.instructions - before;
        if (task.exited || task.blocker !== undefined || task.mm !== mm) return false;
      }
      task.deliverPending();
      if (task.exited) return false;
    }
    const runnable = this.tasks.length > 1 ? SHARED_SLICE : LONE_SLICE;
    const waitingForCompiler = mm.jit?.waitingForCompiler ?? false;
    const allowed = this.options.maxInstructions - this.instructions;
    let slice = Math.min(waitingForCompiler ? WAITING_SLICE : runnable, allowed);
    const before = cpu.instructions;
    if (this.traceLeft > 0) {
      this.trace(task);
      this.traceLeft--;
      slice = 1;
      cpu.run(1);
    } else {
      // A slice is a share of time: compiled code may run a little past it (MAX_OVERSHOOT), but
      // not past the run's instruction limit.
      mm.run(slice, slice + MAX_OVERSHOOT <= allowed);
    }
    this.instructions += cpu.instructions - before;
    return mm.jit?.waitingForCompiler ?? false;
  }

  private trace(task: Task): void {
    const cpu = task.cpu;
    const pc = cpu.pc >>> 0;
    const readable = cpu.mem.accessible(pc, 4, Perm.Read) && (pc & 3) === 0;
    const word = readable ? cpu.mem.i32[pc >>> 2]! >>> 0 : 0;
    const text = readable ? disassemble(word, pc) : '(not mapped)';
    this.diagnostic(`trace ${pc.toString(16).padStart(8, '0')}: ${word.toString(16).padStart(8, '0')}  ${text}`);
  }
}
