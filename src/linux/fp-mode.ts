// The FPU register mode (Status.FR) of a user-mode process, as Linux's arch/mips chooses and
// changes it: at execve from the FP ABIs in the program's and its loader's .MIPS.abiflags (an FPXX
// program, Debian's default, gets FR=1 on a CPU whose FIR has F64, as under qemu-mipsel), and
// later through prctl(PR_SET_FP_MODE / PR_GET_FP_MODE).

import type { CpuBase } from '../interp/cpu-base.js';
import { Errno } from './errno.js';

/** Val_GNU_MIPS_ABI_FP_*: the FP ABI byte of .MIPS.abiflags. */
export const enum FpAbi {
  Any = 0,
  Double = 1,
  Single = 2,
  Soft = 3,
  Old64 = 4,
  Xx = 5,
  Fp64 = 6,
  Fp64A = 7,
}

/** What an FP ABI needs of the FPU mode (Linux's struct mode_req). */
interface ModeRequirement {
  /** Only single precision: either mode will do. */
  readonly single: boolean;
  /** No FPU instructions at all. */
  readonly soft: boolean;
  /** Runs with FR=1. */
  readonly fr1: boolean;
  /** Runs in the ABI's default mode (FR=0 for o32). */
  readonly frDefault: boolean;
  /** Runs with FR=1 and FRE=1. */
  readonly fre: boolean;
}

const requirement = (single: boolean, soft: boolean, fr1: boolean, frDefault: boolean, fre: boolean): ModeRequirement => ({ single, soft, fr1, frDefault, fre });
const REQUIREMENTS: readonly ModeRequirement[] = [
  requirement(true, true, true, true, true), // any
  requirement(false, false, false, true, true), // double (FP32)
  requirement(true, false, false, false, false), // single
  requirement(false, true, false, false, false), // soft
  requirement(false, false, false, false, false), // old 64
  requirement(false, false, true, true, true), // FPXX
  requirement(false, false, true, false, false), // FP64
  requirement(false, false, true, false, true), // FP64A
];
/** No .MIPS.abiflags: anything but FR=1 only. */
const NO_ABI_FLAGS = requirement(true, true, false, true, true);

/**
 * Status.FR for a new process image: true for FR=1, false for FR=0, or an errno (ELIBBAD) when
 * no mode suits both the program and its loader. mipsjit's FPU has F64 and no FRE, so a program
 * that needs FRE (FP64A with an FP32 loader) runs with FR=1.
 */
export function initialFpr64(program: number | undefined, loader: number | undefined, hasLoader: boolean): boolean | Errno {
  // Linux takes the smaller and the larger of the two ABIs, an unknown one (no abiflags) first.
  const rank = (abi: number | undefined): number => abi ?? -1;
  const [first, second] = !hasLoader ? [program, program] : rank(program) <= rank(loader) ? [program, loader] : [loader, program];
  if ((first ?? 0) > FpAbi.Fp64A || (second ?? 0) > FpAbi.Fp64A) return Errno.ELIBBAD;
  const a = first === undefined ? NO_ABI_FLAGS : REQUIREMENTS[first]!;
  const b = second === undefined ? NO_ABI_FLAGS : REQUIREMENTS[second]!;
  const needs = requirement(a.single && b.single, a.soft && b.soft, a.fr1 && b.fr1, a.frDefault && b.frDefault, a.fre && b.fre);
  if (needs.fre && !needs.frDefault && !needs.fr1) return true;
  if ((needs.fr1 && needs.frDefault) || (needs.single && !needs.frDefault)) return true; // the hardware's preference
  if (needs.fr1) return true;
  if (!needs.fre && !needs.frDefault && !needs.single && !needs.soft) return Errno.ELIBBAD;
  return false;
}

/** prctl's mode bits. */
const PR_FP_MODE_FR = 1;
const PR_FP_MODE_FRE = 2;

/** PR_GET_FP_MODE. */
export function getFpMode(cpu: CpuBase): number {
  return cpu.fpr64 ? PR_FP_MODE_FR : 0;
}

/**
 * PR_SET_FP_MODE: Linux's checks (EOPNOTSUPP for unknown bits and for FRE, which a 24Kf lacks),
 * then the register file as it looks in the new mode: the double in each even/odd pair stays the
 * double of the even register (QEMU's conversion; Linux gets the same by saving the context in
 * one mode and restoring it in the other). `otherContexts` are the FPR words (runtime/state.ts
 * layout) of the process's threads that are not on the CPU. Returns 0 or a negative errno.
 */
export function setFpMode(cpu: CpuBase, mode: number, otherContexts: Iterable<Int32Array>, dropCompiledCode: () => void): number {
  if (mode === getFpMode(cpu)) return 0;
  if ((mode & ~(PR_FP_MODE_FR | PR_FP_MODE_FRE)) !== 0 || (mode & PR_FP_MODE_FRE) !== 0) return -Errno.EOPNOTSUPP;
  const fpr64 = (mode & PR_FP_MODE_FR) !== 0;
  convertRegisters(cpu.fprBits, fpr64);
  for (const words of otherContexts) convertRegisters(words, fpr64);
  cpu.fpr64 = fpr64;
  // Compiled code reads the FPRs as the mode it was compiled for lays them out.
  dropCompiledCode();
  return 0;
}

/** FPR words (low, high per register) rearranged for the other mode. */
function convertRegisters(fprWords: Int32Array, toFpr64: boolean): void {
  for (let even = 0; even < 32; even += 2) {
    // FR=0 -> FR=1: the odd register's word becomes the even register's high half; and back.
    if (toFpr64) fprWords[even * 2 + 1] = fprWords[(even + 1) * 2]!;
    else fprWords[(even + 1) * 2] = fprWords[even * 2 + 1]!;
  }
}
