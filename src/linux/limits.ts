// Resource limits (getrlimit, setrlimit, prlimit64): a [soft, hard] pair per resource and process,
// inherited by fork. RLIMIT_NOFILE is enforced (the lowest free descriptor, dup2, fcntl F_DUPFD
// and poll stop at the soft limit: FdTable.limit); the others are kept and reported but do not
// bind (RLIMIT_FSIZE raises no SIGXFSZ, RLIMIT_STACK does not resize the next exec's stack).
// Unlike qemu-mipsel, which hands the host's limits through, a run starts from fixed defaults.

import { Errno } from './errno.js';
import { MAX_FDS } from './files.js';
import { STACK_SIZE } from './layout.js';
import { output, type SyscallHandler } from './syscalls.js';
import type { GuestProcess, SyscallArgs, Task } from './task.js';
import { hostUid } from './identity.js';

const RLIMIT_STACK = 3;
const RLIMIT_CORE = 4;
const RLIMIT_NOFILE = 5;
/** Linux's RLIM_NLIMITS: resources 0..15. */
const RESOURCE_COUNT = 16;
/** The o32 getrlimit/setrlimit's RLIM_INFINITY (MIPS's, not the generic ~0). */
const RLIM_INFINITY_32 = 0x7fff_ffff;
const RLIM_INFINITY_64 = 0xffff_ffff_ffff_ffffn;

/** A resource's [soft, hard] limit; Infinity is unlimited. */
export type ResourceLimit = [soft: number, hard: number];

/** The limits a run's first process starts with. */
export function defaultResourceLimits(): ResourceLimit[] {
  const limits: ResourceLimit[] = [];
  for (let resource = 0; resource < RESOURCE_COUNT; resource++) limits.push([Infinity, Infinity]);
  limits[RLIMIT_STACK] = [STACK_SIZE, Infinity];
  limits[RLIMIT_CORE] = [0, Infinity];
  // MAX_FDS is also the ceiling a hard limit may not pass (Linux's fs.nr_open).
  limits[RLIMIT_NOFILE] = [MAX_FDS, MAX_FDS];
  return limits;
}

/** A copy for fork(). */
export function copyResourceLimits(limits: readonly ResourceLimit[]): ResourceLimit[] {
  return limits.map(([soft, hard]) => [soft, hard]);
}

/** Sets `process`'s limit of `resource` as setrlimit(2) does: 0 or a negative errno. */
function setLimit(process: GuestProcess, resource: number, soft: number, hard: number): number {
  const current = process.limits[resource]!;
  if (soft > hard) return -Errno.EINVAL;
  // Raising a hard limit takes CAP_SYS_RESOURCE (the host's root here, as the guest's uid is the host's).
  if (hard > current[1] && hostUid() !== 0) return -Errno.EPERM;
  if (resource === RLIMIT_NOFILE && hard > MAX_FDS) return -Errno.EPERM;
  process.limits[resource] = [soft, hard];
  if (resource === RLIMIT_NOFILE) process.fds.limit = soft;
  return 0;
}

/** The process `pid` names for prlimit64 (0: the caller's), or undefined. */
function processOf(k: Task, pid: number): GuestProcess | undefined {
  if (pid === 0 || pid === k.pid) return k.process;
  return k.scheduler.processes.get(pid);
}

const from32 = (value: number): number => (value >>> 0 >= RLIM_INFINITY_32 ? Infinity : value >>> 0);
const to32 = (value: number): number => (value >= RLIM_INFINITY_32 ? RLIM_INFINITY_32 : value);
const from64 = (value: bigint): number => (value === RLIM_INFINITY_64 || value > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(value));
const to64 = (value: number): bigint => (value === Infinity ? RLIM_INFINITY_64 : BigInt(value));

function getrlimit(k: Task, a: SyscallArgs): number {
  const resource = a.get(0);
  if (resource < 0 || resource >= RESOURCE_COUNT) return -Errno.EINVAL;
  const view = output(k, a.u(1), 8);
  if (!view) return -Errno.EFAULT;
  k.process.limits[resource]!.forEach((value, index) => view.setUint32(index * 4, to32(value), true));
  return 0;
}

function setrlimit(k: Task, a: SyscallArgs): number {
  const resource = a.get(0);
  if (resource < 0 || resource >= RESOURCE_COUNT) return -Errno.EINVAL;
  const view = output(k, a.u(1), 8);
  if (!view) return -Errno.EFAULT;
  return setLimit(k.process, resource, from32(view.getUint32(0, true)), from32(view.getUint32(4, true)));
}

function prlimit64(k: Task, a: SyscallArgs): number {
  const target = processOf(k, a.get(0));
  if (!target) return -Errno.ESRCH;
  const resource = a.get(1);
  if (resource < 0 || resource >= RESOURCE_COUNT) return -Errno.EINVAL;
  const newAddress = a.u(2);
  let wanted: ResourceLimit | undefined;
  if (newAddress !== 0) {
    const view = output(k, newAddress, 16);
    if (!view) return -Errno.EFAULT;
    wanted = [from64(view.getBigUint64(0, true)), from64(view.getBigUint64(8, true))];
  }
  const oldAddress = a.u(3);
  if (oldAddress !== 0) {
    const view = output(k, oldAddress, 16);
    if (!view) return -Errno.EFAULT;
    target.limits[resource]!.forEach((value, index) => view.setBigUint64(index * 8, to64(value), true));
  }
  return wanted === undefined ? 0 : setLimit(target, resource, wanted[0], wanted[1]);
}

export const LIMIT_SYSCALLS: Readonly<Record<string, SyscallHandler>> = { getrlimit, setrlimit, prlimit64 };
