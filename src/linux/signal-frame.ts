// The o32 signal frame, as arch/mips/kernel/signal.c builds it for a handler:
//
//   struct rt_sigframe {            offset
//     u32 rs_ass[4];                  0    argument save area
//     u32 rs_pad[2];                 16    (was the trampoline; it is in the vDSO page now)
//     siginfo_t rs_info;             24    128 bytes; MIPS order: si_signo, si_code, si_errno
//     struct ucontext rs_uc;        152    uc_flags, uc_link, uc_stack (12), pad, uc_mcontext at +24,
//   };                                     uc_sigmask at +616 (16 bytes); 784 bytes in all
//
//   struct sigcontext (uc_mcontext): sc_regmask 0, sc_status 4, sc_pc 8 (u64), sc_regs[32] 16 (u64),
//   sc_fpregs[32] 272 (u64), sc_acx 528, sc_fpc_csr 532, sc_fpc_eir 536, sc_used_math 540,
//   sc_dsp 544, sc_mdhi 552 (u64), sc_mdlo 560 (u64), sc_hi1..sc_lo3 568..588.
//
// The handler is entered with a0 = signal, a1 = &rs_info, a2 = &rs_uc, sp = the frame, t9 = pc =
// the handler and ra = the rt_sigreturn trampoline; rt_sigreturn restores every register from
// rs_uc. With FR=1 sc_fpregs[n] is FPR n; with FR=0 the kernel stores each even/odd FPR pair in
// the even 64-bit slot (and leaves the odd slots alone).

import { Perm } from '../../runtime/flat-memory.js';
import { SigactionFlag, SignalSet, type SignalInfo } from './signals.js';
import type { SignalAction, Task } from './task.js';

export const RT_SIGFRAME_SIZE = 784;
const INFO_OFFSET = 24;
const UCONTEXT_OFFSET = 152;
const STACK_OFFSET = UCONTEXT_OFFSET + 8;
const MCONTEXT_OFFSET = UCONTEXT_OFFSET + 24;
const SIGMASK_OFFSET = UCONTEXT_OFFSET + 616;
/** SS_ONSTACK / SS_DISABLE (sigaltstack's ss_flags). */
export const SS_ONSTACK = 1;
export const SS_DISABLE = 2;

/** The words of the rt_sigreturn / sigreturn trampolines (li v0, N; syscall). */
export const TRAMPOLINE_WORDS = [
  0x2402_1061, // li v0, 4193 (rt_sigreturn)
  0x0000_000c, // syscall
  0x2402_1017, // li v0, 4119 (sigreturn)
  0x0000_000c, // syscall
];

/** Is `sp` inside the task's alternate signal stack? */
export function onAltStack(task: Task, sp: number): boolean {
  const alt = task.altStack;
  return alt.enabled && sp - alt.sp >>> 0 < alt.size;
}

function writeSignalInfo(view: DataView, at: number, info: SignalInfo): void {
  for (let offset = 0; offset < 128; offset += 4) view.setUint32(at + offset, 0, true);
  view.setInt32(at, info.signal, true);
  view.setInt32(at + 4, info.code, true);
  if (info.address !== undefined) view.setUint32(at + 12, info.address >>> 0, true);
  else if (info.timerId !== undefined) view.setInt32(at + 12, info.timerId, true);
  else {
    view.setInt32(at + 12, info.pid ?? 0, true);
    view.setUint32(at + 16, info.uid ?? 0, true);
    if (info.status !== undefined) view.setInt32(at + 20, info.status, true);
  }
}

/** Writes a siginfo_t at `address` (waitid, rt_sigtimedwait); false when it is not writable. */
export function storeSignalInfo(task: Task, address: number, info: SignalInfo): boolean {
  if (!task.mem.accessible(address, 128, Perm.Write)) return false;
  task.mem.dropCode(address >>> 12);
  task.mem.dropCode((address + 127) >>> 12);
  writeSignalInfo(new DataView(task.mem.memory.buffer), address, info);
  return true;
}

/**
 * Sets up the frame for `info`'s handler on the task's stack (or its alternate stack) and points
 * the CPU at the handler. Returns the frame address, or undefined when the stack cannot hold it.
 */
export function buildSignalFrame(task: Task, info: SignalInfo, action: SignalAction, mask: SignalSet): number | undefined {
  const cpu = task.cpu;
  const r = cpu.r;
  const oldSp = r[29]! >>> 0;
  let sp = oldSp - 32; // the red zone Linux leaves below the interrupted sp
  if (action.flags & SigactionFlag.OnStack && task.altStack.enabled && !onAltStack(task, oldSp)) sp = task.altStack.sp + task.altStack.size;
  const frame = (sp - RT_SIGFRAME_SIZE) & ~7;
  const mem = task.mem;
  if (!mem.accessible(frame, RT_SIGFRAME_SIZE, Perm.Write)) return undefined;
  for (let page = frame >>> 12; page <= (frame + RT_SIGFRAME_SIZE - 1) >>> 12; page++) mem.dropCode(page);
  const view = new DataView(mem.memory.buffer);
  for (let offset = 0; offset < RT_SIGFRAME_SIZE; offset += 4) view.setUint32(frame + offset, 0, true);
  writeSignalInfo(view, frame + INFO_OFFSET, info);
  // uc_flags = 0, uc_link = NULL, uc_stack = the alternate stack as sigaltstack would report it.
  const alt = task.altStack;
  view.setUint32(frame + STACK_OFFSET, alt.sp >>> 0, true);
  view.setUint32(frame + STACK_OFFSET + 4, alt.size >>> 0, true);
  view.setInt32(frame + STACK_OFFSET + 8, !alt.enabled ? SS_DISABLE : onAltStack(task, oldSp) ? SS_ONSTACK : 0, true);
  const mc = frame + MCONTEXT_OFFSET;
  const u64 = (at: number, value: number): void => {
    view.setUint32(at, value >>> 0, true);
    view.setInt32(at + 4, value >> 31, true); // sign-extended, as a 64-bit kernel's regs are
  };
  u64(mc + 8, cpu.pc);
  for (let index = 0; index < 32; index++) u64(mc + 16 + index * 8, index === 0 ? 0 : r[index]!);
  for (let index = 0; index < 32; index += cpu.fpr64 ? 1 : 2) {
    view.setInt32(mc + 272 + index * 8, cpu.fprBits[cpu.doubleLowIndex(index)]!, true);
    view.setInt32(mc + 272 + index * 8 + 4, cpu.fprBits[cpu.doubleHighIndex(index)]!, true);
  }
  view.setUint32(mc + 532, cpu.fcsr >>> 0, true);
  view.setUint32(mc + 540, 1, true); // sc_used_math: glibc's start-up already used the FPU
  u64(mc + 552, cpu.hi);
  u64(mc + 560, cpu.lo);
  for (let index = 0; index < 4; index++) view.setUint32(frame + SIGMASK_OFFSET + index * 4, mask.words[index]!, true);

  r[4] = info.signal;
  r[5] = (frame + INFO_OFFSET) | 0;
  r[6] = (frame + UCONTEXT_OFFSET) | 0;
  r[29] = frame | 0;
  r[31] = task.sigreturnTrampoline | 0;
  r[25] = action.handler | 0;
  cpu.setPc(action.handler);
  return frame;
}

/**
 * rt_sigreturn: restores every register, the PC and the signal mask from the frame at sp.
 * Returns false when the frame cannot be read (Linux then kills with SIGSEGV).
 */
export function restoreSignalFrame(task: Task): boolean {
  const cpu = task.cpu;
  const r = cpu.r;
  const frame = r[29]! >>> 0;
  const mem = task.mem;
  if (!mem.accessible(frame, RT_SIGFRAME_SIZE, Perm.Read)) return false;
  const view = new DataView(mem.memory.buffer);
  const mc = frame + MCONTEXT_OFFSET;
  const pc = view.getUint32(mc + 8, true);
  for (let index = 1; index < 32; index++) r[index] = view.getInt32(mc + 16 + index * 8, true);
  for (let index = 0; index < 32; index += cpu.fpr64 ? 1 : 2) {
    cpu.fprBits[cpu.doubleLowIndex(index)] = view.getInt32(mc + 272 + index * 8, true);
    cpu.fprBits[cpu.doubleHighIndex(index)] = view.getInt32(mc + 272 + index * 8 + 4, true);
  }
  cpu.fcsr = view.getInt32(mc + 532, true);
  r[32] = view.getInt32(mc + 552, true);
  r[33] = view.getInt32(mc + 560, true);
  for (let index = 0; index < 4; index++) task.signalMask.words[index] = view.getUint32(frame + SIGMASK_OFFSET + index * 4, true);
  task.signalMask.dropUnblockable();
  cpu.setPc(pc);
  return true;
}
