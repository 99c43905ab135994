// System instructions: SYSCALL, BREAK, SDBBP, SYNC, PREF, SYNCI, RDHWR, and the CP0 group.
// Until the system-mode CPU exists (runtime/cp0.ts), the CPU runs in user mode only, where every
// CP0 instruction and CACHE take a Coprocessor Unusable exception, as they do on hardware.

import { ExcCode, Status } from '../../runtime/exceptions.js';
import { PAGE_SHIFT } from '../../runtime/flat-memory.js';
import type { Cpu } from './cpu.js';
import { rdOf, rsOf, rtOf, simmOf } from './fields.js';
import type { Handler } from './handlers.js';

const OK = Status.Continue;
const nothing: Handler = () => OK;
const coprocessorUnusable: Handler = (cpu) => cpu.raise(ExcCode.CpU, 0);

/** Hardware registers RDHWR can read (HWREna enabled for all of them, as Linux does). */
function readHardwareRegister(cpu: Cpu, register: number): number | undefined {
  switch (register) {
    case 0: // CPUNum
      return 0;
    case 1: // SYNCI_Step: the cache line size SYNCI works in
      return 32;
    case 2: // CC: the cycle counter, which runs at half the instruction rate here
      return (cpu.instructions / 2) | 0;
    case 3: // CCRes: CC counts every 2 cycles
      return 2;
    case 29: // ULR: UserLocal, the Linux thread pointer
      return cpu.userLocal;
    default:
      return undefined;
  }
}

export const SYSTEM_HANDLERS: Record<string, Handler> = {
  // SYSCALL code
  syscall: (cpu) => cpu.raise(ExcCode.Sys, 0),
  // BREAK code
  break: (cpu) => cpu.raise(ExcCode.Bp, 0),
  // SDBBP code: without an EJTAG probe, a breakpoint
  sdbbp: (cpu) => cpu.raise(ExcCode.Bp, 0),
  // SYNC stype
  sync: nothing,
  // PREF hint, offset(base)
  pref: nothing,
  // PREFX hint, index(base)
  prefx: nothing,
  // SYNCI offset(base): instruction-cache sync; drop predecoded code of the page
  synci: (cpu, w) => {
    const address = (cpu.r[rsOf(w)]! + simmOf(w)) | 0;
    cpu.invalidateCode(address >>> PAGE_SHIFT);
    return OK;
  },
  // RDHWR rt, rd
  rdhwr: (cpu, w) => {
    const value = readHardwareRegister(cpu, rdOf(w));
    if (value === undefined) return cpu.raise(ExcCode.RI, 0);
    cpu.r[rtOf(w)] = value;
    return OK;
  },
  // CACHE op, offset(base)
  cache: coprocessorUnusable,
  // MFC0 rt, rd, sel
  mfc0: coprocessorUnusable,
  // MTC0 rt, rd, sel
  mtc0: coprocessorUnusable,
  // RDPGPR rd, rt
  rdpgpr: coprocessorUnusable,
  // WRPGPR rd, rt
  wrpgpr: coprocessorUnusable,
  // DI rt
  di: coprocessorUnusable,
  // EI rt
  ei: coprocessorUnusable,
  // TLBR
  tlbr: coprocessorUnusable,
  // TLBWI
  tlbwi: coprocessorUnusable,
  // TLBWR
  tlbwr: coprocessorUnusable,
  // TLBP
  tlbp: coprocessorUnusable,
  // ERET
  eret: coprocessorUnusable,
  // DERET
  deret: coprocessorUnusable,
  // WAIT
  wait: coprocessorUnusable,
};
