// The o32 process calls: fork/vfork/clone (a child process or a thread in this host process),
// execve, exit and exit_group, wait4/waitid, kill/tkill/tgkill, the process ids and nice values.

import { Errno } from './errno.js';
import { copyResourceLimits } from './limits.js';
import { ExecError, execProgram } from './exec.js';
import { MAX_TASKS } from './scheduler.js';
import { SiCode, Signal, SIGNAL_COUNT, type SignalInfo } from './signals.js';
import { storeSignalInfo } from './signal-frame.js';
import { input, output, resolvePath, type SyscallHandler } from './syscalls.js';
import { NO_RETURN } from './syscall-status.js';
import type { GuestProcess, SyscallArgs, Task } from './task.js';
import { Perm } from '../../runtime/flat-memory.js';
import { hostGid, hostUid } from './identity.js';

const CLONE_VM = 0x100;
const CLONE_FS = 0x200;
const CLONE_FILES = 0x400;
const CLONE_SIGHAND = 0x800;
const CLONE_VFORK = 0x4000;
const CLONE_PARENT = 0x8000;
const CLONE_THREAD = 0x1_0000;
const CLONE_SETTLS = 0x8_0000;
const CLONE_PARENT_SETTID = 0x10_0000;
const CLONE_CHILD_CLEARTID = 0x20_0000;
const CLONE_CHILD_SETTID = 0x100_0000;
const AT_FDCWD = -100;

function storeWord(k: Task, address: number, value: number): boolean {
  const view = output(k, address, 4);
  if (!view) return false;
  view.setInt32(0, value, true);
  return true;
}

/**
 * clone(flags, newsp, parent_tidptr, tls, child_tidptr) (MIPS has CLONE_BACKWARDS), fork, vfork.
 * Without CLONE_VM the child gets a copy of the address space; with it (vfork, posix_spawn,
 * threads) it runs in the same one, on its own registers.
 */
function clone(k: Task, flags: number, newSp: number, parentTid: number, tls: number, childTid: number): number {
  const scheduler = k.scheduler;
  const thread = (flags & CLONE_THREAD) !== 0;
  if (thread && (flags & (CLONE_SIGHAND | CLONE_VM)) !== (CLONE_SIGHAND | CLONE_VM)) return -Errno.EINVAL;
  if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) return -Errno.EINVAL;
  if (scheduler.taskCount >= MAX_TASKS || (!thread && scheduler.processCount >= scheduler.options.maxProcesses)) return -Errno.EAGAIN;
  const parentCpu = k.cpu;
  const mm = flags & CLONE_VM ? k.mm : k.mm.fork();
  const tid = scheduler.allocatePid();
  let child: Task;
  if (thread) child = scheduler.addThread(k.process, tid, mm);
  else {
    const fds = flags & CLONE_FILES ? k.fds : k.fds.clone();
    const parent = flags & CLONE_PARENT ? k.process.parent : k.process;
    child = scheduler.createProcess(tid, parent, fds, flags & CLONE_FS ? k.cwd : Buffer.from(k.cwd), k.programPath, mm);
    const created = child.process;
    created.umask = k.umask;
    created.sysroot = k.process.sysroot;
    created.commandLine = k.process.commandLine;
    created.command = k.process.command;
    created.limits = copyResourceLimits(k.process.limits);
    created.nice = k.process.nice;
    created.pgid = k.process.pgid;
    created.sid = k.process.sid;
    created.exitSignal = flags & 0xff;
    k.process.actions.forEach((action, signal) => {
      const copy = created.actions[signal]!;
      copy.flags = action.flags;
      copy.handler = action.handler;
      copy.mask.copyFrom(action.mask);
    });
  }
  child.signalMask.copyFrom(k.signalMask);
  child.altStack = thread ? { sp: 0, size: 0, enabled: false } : { ...k.altStack };
  // The child starts after the SYSCALL with v0 = 0, a3 = 0, on `newSp` if one was given.
  const context = child.context;
  context.saveFrom(parentCpu);
  context.words[2] = 0;
  context.words[7] = 0;
  if (newSp !== 0) context.words[29] = newSp | 0;
  context.pc = parentCpu.npc;
  context.npc = (parentCpu.npc + 4) | 0;
  context.nextInDelaySlot = false;
  context.llBit = false;
  if (flags & CLONE_SETTLS) context.userLocal = tls;
  if (flags & CLONE_PARENT_SETTID) storeWord(k, parentTid, tid);
  if (flags & CLONE_CHILD_SETTID) {
    // In the child's memory (the same one with CLONE_VM).
    if (mm.mem.accessible(childTid, 4, Perm.Write)) new DataView(mm.mem.memory.buffer).setInt32(childTid, tid, true);
  }
  if (flags & CLONE_CHILD_CLEARTID) child.clearChildTid = childTid;
  if (flags & CLONE_VFORK && !thread) {
    const created = child.process;
    created.vforkParent = k;
    return k.block({ poll: () => (created.vforkParent === undefined ? tid : undefined), restartable: false });
  }
  return tid;
}

/** Reads a NULL-terminated array of guest string pointers (argv, envp). */
function readStringArray(k: Task, address: number): Uint8Array[] | number {
  const strings: Uint8Array[] = [];
  if (address === 0) return strings;
  let total = 0;
  for (let index = 0; ; index++) {
    const view = input(k, address + index * 4, 4);
    if (!view) return -Errno.EFAULT;
    const pointer = view.getUint32(0, true);
    if (pointer === 0) return strings;
    const bytes = k.mem.readCString(pointer, 131072);
    if (bytes === undefined) return -Errno.EFAULT;
    total += bytes.length + 1 + 4;
    if (total > 2 << 20 || index > 65536) return -Errno.E2BIG;
    strings.push(bytes);
  }
}

function execve(k: Task, pathAddress: number, argvAddress: number, envpAddress: number): number {
  const name = k.mem.readCString(pathAddress, 4097);
  if (name === undefined) return -Errno.EFAULT;
  if (name.length === 0) return -Errno.ENOENT;
  const hostPath = resolvePath(k, AT_FDCWD, pathAddress);
  if (typeof hostPath === 'number') return hostPath;
  const argv = readStringArray(k, argvAddress);
  if (typeof argv === 'number') return argv;
  const envp = readStringArray(k, envpAddress);
  if (typeof envp === 'number') return envp;
  const scheduler = k.scheduler;
  let result;
  try {
    result = execProgram({
      hostPath: hostPath.toString('latin1'),
      argv,
      envp,
      execfn: name,
      engine: k.mm.engineOptions,
      sysroot: k.process.sysroot,
      defaultSysroot: scheduler.options.defaultSysroot,
      uid: hostUid(),
      gid: hostGid(),
      requireExecutePermission: true,
    });
  } catch (error) {
    if (error instanceof ExecError) return -error.errno;
    throw error;
  }
  // The point of no return: other threads end, the new image replaces the old one.
  const owner = k.process;
  for (const other of [...owner.threads]) {
    if (other !== k) {
      other.stopSlice = true;
      other.finish();
    }
  }
  const oldMm = k.mm;
  k.mm = result.mm;
  result.mm.users++;
  oldMm.leave(k);
  owner.fds.closeOnExecAll();
  owner.programPath = result.programPath;
  owner.commandLine = result.commandLine;
  owner.command = result.command;
  owner.sysroot = result.sysroot;
  for (const action of owner.actions) {
    if (action.handler > 1) {
      action.handler = 0;
      action.flags = 0;
      action.mask.words.fill(0);
    }
  }
  k.altStack = { sp: 0, size: 0, enabled: false };
  k.clearChildTid = 0;
  scheduler.releaseVforkParent(owner);
  // Linux's start_thread(): every GPR zero except sp; the PC at the (loader's) entry.
  const context = k.context;
  context.words.fill(0);
  context.words[35] = k.cpu.r[35]!; // FIR stays what the CPU reports
  context.words[29] = result.sp | 0;
  context.pc = result.pc | 0;
  context.npc = (result.pc + 4) | 0;
  context.nextInDelaySlot = false;
  context.llBit = false;
  context.userLocal = 0;
  result.mm.running = undefined;
  result.mm.load(k);
  k.stopSlice = true;
  return NO_RETURN;
}

/** Does child `child` match wait4/waitid's selector (pid > 0, -1 any, 0 own group, < -1 a group)? */
function matches(k: Task, child: GuestProcess, selector: number): boolean {
  if (selector > 0) return child.pid === selector;
  if (selector === -1) return true;
  if (selector === 0) return child.pgid === k.process.pgid;
  return child.pgid === -selector;
}

const WNOHANG = 1;
const WNOWAIT = 0x0100_0000;

/** Finds a zombie child matching `selector`: the child, 0 (children but none ended), or -ECHILD. */
function findZombie(k: Task, selector: number): GuestProcess | number {
  let any = false;
  for (const child of k.process.children) {
    if (!matches(k, child, selector)) continue;
    any = true;
    if (child.isZombie) return child;
  }
  return any ? 0 : -Errno.ECHILD;
}

function reap(k: Task, child: GuestProcess): void {
  k.process.children.delete(child);
  k.scheduler.processes.delete(child.pid);
}

function wait4(k: Task, selector: number, statusAddress: number, options: number, rusageAddress: number): number {
  if (selector === -0x8000_0000) return -Errno.ESRCH;
  if (options & ~(WNOHANG | 2 | 8 | 0x2000_0000 | 0x4000_0000 | 0x8000_0000)) return -Errno.EINVAL;
  const attempt = (): number | undefined => {
    const found = findZombie(k, selector);
    if (typeof found === 'number') return found === 0 ? (options & WNOHANG ? 0 : undefined) : found;
    if (statusAddress !== 0 && !storeWord(k, statusAddress, found.waitStatus!)) return -Errno.EFAULT;
    if (rusageAddress !== 0) {
      const view = output(k, rusageAddress, 72);
      if (view) new Uint8Array(view.buffer, view.byteOffset, 72).fill(0);
    }
    reap(k, found);
    return found.pid;
  };
  const now = attempt();
  if (now !== undefined) return now;
  return k.block({ poll: attempt, restartable: true });
}

function waitid(k: Task, idType: number, id: number, infoAddress: number, options: number): number {
  const P_ALL = 0;
  const P_PID = 1;
  const P_PGID = 2;
  let selector: number;
  if (idType === P_ALL) selector = -1;
  else if (idType === P_PID) {
    if (id <= 0) return -Errno.EINVAL;
    selector = id;
  } else if (idType === P_PGID) selector = id === 0 ? 0 : -id;
  else return -Errno.EINVAL;
  const WEXITED = 4;
  if ((options & (WEXITED | 2 | 8)) === 0) return -Errno.EINVAL;
  const attempt = (): number | undefined => {
    const found = findZombie(k, selector);
    if (typeof found === 'number') {
      if (found < 0) return found;
      if ((options & WNOHANG) === 0) return undefined;
      if (infoAddress !== 0 && !storeSignalInfo(k, infoAddress, { signal: 0, code: 0, pid: 0, uid: 0, status: 0 })) return -Errno.EFAULT;
      return 0;
    }
    const status = found.waitStatus!;
    const signal = status & 0x7f;
    const info: SignalInfo = {
      signal: Signal.SIGCHLD,
      code: signal === 0 ? SiCode.ChildExited : status & 0x80 ? SiCode.ChildDumped : SiCode.ChildKilled,
      pid: found.pid,
      uid: hostUid(),
      status: signal === 0 ? (status >>> 8) & 0xff : signal,
    };
    if (infoAddress !== 0 && !storeSignalInfo(k, infoAddress, info)) return -Errno.EFAULT;
    if ((options & WNOWAIT) === 0) reap(k, found);
    return 0;
  };
  const now = attempt();
  if (now !== undefined) return now;
  return k.block({ poll: attempt, restartable: true });
}

/** kill(pid, sig): a process, the caller's group (0), every process (-1) or a group (< -1). */
function kill(k: Task, pid: number, signal: number): number {
  if (signal < 0 || signal >= SIGNAL_COUNT) return -Errno.EINVAL;
  if (pid === -0x8000_0000) return -Errno.ESRCH;
  const scheduler = k.scheduler;
  const targets: GuestProcess[] = [];
  for (const candidate of scheduler.processes.values()) {
    if (candidate.isZombie) continue;
    if (pid > 0 ? candidate.pid === pid : pid === 0 ? candidate.pgid === k.process.pgid : pid === -1 ? candidate !== k.process : candidate.pgid === -pid) {
      targets.push(candidate);
    }
  }
  if (targets.length === 0) {
    // A zombie still exists: signalling it succeeds and does nothing.
    if (pid > 0 && scheduler.processes.has(pid)) return 0;
    return -Errno.ESRCH;
  }
  if (signal === 0) return 0;
  for (const target of targets) scheduler.signalProcess(target, { signal, code: SiCode.User, pid: k.pid, uid: hostUid() });
  return 0;
}

function tgkill(k: Task, tgid: number, tid: number, signal: number): number {
  if (signal < 0 || signal >= SIGNAL_COUNT || tid <= 0) return -Errno.EINVAL;
  const target = k.scheduler.findTask(tid);
  if (target === undefined || (tgid > 0 && target.pid !== tgid)) return -Errno.ESRCH;
  if (signal === 0) return 0;
  if (signal === Signal.SIGKILL) k.scheduler.killProcess(target.process, signal, false);
  else target.sendSignal({ signal, code: SiCode.Tkill, pid: k.pid, uid: hostUid() });
  return 0;
}

const PRIO_PROCESS = 0;
const PRIO_PGRP = 1;
const PRIO_USER = 2;

/**
 * The processes getpriority/setpriority name: `who` 0 is the caller's process, group or user; a
 * user is the host's (every guest process runs as it). undefined: which is not one of the three.
 */
function prioritySubjects(k: Task, which: number, who: number): GuestProcess[] | undefined {
  const processes = [...k.scheduler.processes.values()];
  if (which === PRIO_PROCESS) return processes.filter((candidate) => candidate.pid === (who === 0 ? k.pid : who));
  if (which === PRIO_PGRP) return processes.filter((candidate) => candidate.pgid === (who === 0 ? k.process.pgid : who));
  if (which === PRIO_USER) return who === 0 || who === hostUid() ? processes : [];
  return undefined;
}

/**
 * getpriority: the highest priority (lowest nice) of the processes named, as the system call gives
 * it (20 - nice, so that it is never negative; the C library turns it back). Nice values are
 * kept and inherited, and change nothing: the guest's processes share one host thread.
 */
function getpriority(k: Task, which: number, who: number): number {
  const subjects = prioritySubjects(k, which, who);
  if (subjects === undefined) return -Errno.EINVAL;
  if (subjects.length === 0) return -Errno.ESRCH;
  return 20 - Math.min(...subjects.map((subject) => subject.nice));
}

/** setpriority: nice -20..19 (clamped); lowering it takes the host's root, as CAP_SYS_NICE would. */
function setpriority(k: Task, which: number, who: number, value: number): number {
  const subjects = prioritySubjects(k, which, who);
  if (subjects === undefined) return -Errno.EINVAL;
  if (subjects.length === 0) return -Errno.ESRCH;
  const nice = Math.min(19, Math.max(-20, value));
  if (hostUid() !== 0 && subjects.some((subject) => nice < subject.nice)) return -Errno.EACCES;
  for (const subject of subjects) subject.nice = nice;
  return 0;
}

export const PROCESS_SYSCALLS: Readonly<Record<string, SyscallHandler>> = {
  getpriority: (k, a) => getpriority(k, a.get(0), a.get(1)),
  setpriority: (k, a) => setpriority(k, a.get(0), a.get(1), a.get(2)),
  fork: (k) => clone(k, Signal.SIGCHLD, 0, 0, 0, 0),
  clone: (k, a: SyscallArgs) => clone(k, a.get(0), a.u(1), a.u(2), a.u(3), a.u(4)),
  execve: (k, a) => execve(k, a.u(0), a.u(1), a.u(2)),
  exit: (k, a) => {
    k.scheduler.exitThread(k, a.get(0));
    return NO_RETURN;
  },
  exit_group: (k, a) => {
    k.scheduler.exitProcess(k.process, (a.get(0) & 0xff) << 8);
    return NO_RETURN;
  },
  wait4: (k, a) => wait4(k, a.get(0), a.u(1), a.get(2), a.u(3)),
  waitpid: (k, a) => wait4(k, a.get(0), a.u(1), a.get(2), 0),
  waitid: (k, a) => waitid(k, a.get(0), a.get(1), a.u(2), a.get(3)),
  kill: (k, a) => kill(k, a.get(0), a.get(1)),
  tkill: (k, a) => tgkill(k, 0, a.get(0), a.get(1)),
  tgkill: (k, a) => tgkill(k, a.get(0), a.get(1), a.get(2)),
  getpid: (k) => k.pid,
  gettid: (k) => k.tid,
  getppid: (k) => (k.process === k.scheduler.init ? process.ppid : k.process.parent?.pid ?? 1),
  set_tid_address: (k, a) => {
    k.clearChildTid = a.u(0);
    return k.tid;
  },
  getpgid: (k, a) => {
    const pid = a.get(0);
    if (pid === 0) return k.process.pgid;
    const target = k.scheduler.processes.get(pid);
    return target ? target.pgid : -Errno.ESRCH;
  },
  getpgrp: (k) => k.process.pgid,
  setpgid: (k, a) => {
    const pid = a.get(0) === 0 ? k.pid : a.get(0);
    const pgid = a.get(1) === 0 ? pid : a.get(1);
    if (pgid < 0) return -Errno.EINVAL;
    const target = k.scheduler.processes.get(pid);
    if (!target || (target !== k.process && target.parent !== k.process)) return -Errno.ESRCH;
    target.pgid = pgid;
    return 0;
  },
  getsid: (k, a) => {
    const pid = a.get(0);
    if (pid === 0) return k.process.sid;
    const target = k.scheduler.processes.get(pid);
    return target ? target.sid : -Errno.ESRCH;
  },
  setsid: (k) => {
    if (k.process.pgid === k.pid && k.process !== k.scheduler.init) return -Errno.EPERM;
    k.process.sid = k.pid;
    k.process.pgid = k.pid;
    return k.pid;
  },
};
