// System instructions: SYSCALL, BREAK, SDBBP, SYNC, PREF, SYNCI, RDHWR, and the CP0 group (MFC0,
// MTC0, DI/EI, the TLB instructions, ERET, WAIT, CACHE). CP0 exists only on the system-mode CPU;
// on the user-mode CPU, and in user mode without Status.CU0, the CP0 group raises Coprocessor
// Unusable, as on hardware.

import { ExcCode, Status } from '../../runtime/exceptions.js';
import { Cp0Reg, StatusBit, type Cp0 } from '../../runtime/cp0.js';
import type { CpuBase } from './cpu-base.js';
import { rdOf, rsOf, rtOf, simmOf } from './fields.js';
import type { Handler } from './handlers.js';


const nothing: Handler = () => Status.Continue;

/** CP0 when the current mode may use it (kernel mode, or Status.CU0); undefined otherwise. */
function usableCp0(cpu: CpuBase): Cp0 | undefined {
  const cp0 = cpu.cp0;
  if (cp0 === undefined) return undefined;
  return cp0.kernelMode || (cp0.status & StatusBit.CU0) !== 0 ? cp0 : undefined;
}

/** A privileged instruction: runs `body` with CP0, or raises CpU (Cause.CE = 0). */
const privileged =
  (body: (cpu: CpuBase, cp0: Cp0, word: number) => Status): Handler =>
  (cpu, word) => {
    const cp0 = usableCp0(cpu);
    return cp0 === undefined ? cpu.raise(ExcCode.CpU, 0) : body(cpu, cp0, word);
  };

/** The CP0 register an MFC0/MTC0 names: rd * 8 + sel. */
const cp0RegisterOf = (word: number) => rdOf(word) * 8 + (word & 7);

export const SYSTEM_HANDLERS: Record<string, Handler> = {
  // SYSCALL code
  syscall: (cpu) => cpu.raise(ExcCode.Sys, 0),
  // BREAK code
  break: (cpu) => cpu.raise(ExcCode.Bp, 0),
  // SDBBP code: without an EJTAG probe, a breakpoint
  sdbbp: (cpu) => cpu.debugBreakpoint(),
  // SYNC stype
  sync: nothing,
  // PREF hint, offset(base)
  pref: nothing,
  // PREFX hint, index(base)
  prefx: nothing,
  // SYNCI offset(base): instruction-cache sync; drop predecoded code of the page
  synci: (cpu, w) => {
    cpu.invalidateCode((cpu.r[rsOf(w)]! + simmOf(w)) | 0);
    return Status.Continue;
  },
  // RDHWR rt, rd
  rdhwr: (cpu, w) => {
    const value = cpu.hardwareRegister(rdOf(w));
    if (value === undefined) return cpu.raise(ExcCode.RI, 0);
    cpu.r[rtOf(w)] = value;
    return Status.Continue;
  },
  // CACHE op, offset(base): caches are not modelled (stores already drop decoded code)
  cache: privileged(() => Status.Continue),
  // MFC0 rt, rd, sel
  mfc0: privileged((cpu, cp0, w) => {
    cpu.r[rtOf(w)] = cp0.read(cp0RegisterOf(w));
    return Status.Continue;
  }),
  // MTC0 rt, rd, sel
  mtc0: privileged((cpu, cp0, w) => {
    const register = cp0RegisterOf(w);
    if (register === Cp0Reg.UserLocal) cpu.userLocal = cpu.r[rtOf(w)]!;
    cp0.write(register, cpu.r[rtOf(w)]!);
    return Status.Continue;
  }),
  // RDPGPR rd, rt: one shadow set (SRSCtl.HSS = 0), so the current GPRs
  rdpgpr: privileged((cpu, _cp0, w) => {
    cpu.r[rdOf(w)] = cpu.r[rtOf(w)]!;
    return Status.Continue;
  }),
  // WRPGPR rd, rt
  wrpgpr: privileged((cpu, _cp0, w) => {
    cpu.r[rdOf(w)] = cpu.r[rtOf(w)]!;
    return Status.Continue;
  }),
  // DI rt
  di: privileged((cpu, cp0, w) => {
    const status = cp0.status;
    cpu.r[rtOf(w)] = status;
    cp0.write(Cp0Reg.Status, status & ~StatusBit.IE);
    return Status.Continue;
  }),
  // EI rt
  ei: privileged((cpu, cp0, w) => {
    const status = cp0.status;
    cpu.r[rtOf(w)] = status;
    cp0.write(Cp0Reg.Status, status | StatusBit.IE);
    return Status.Continue;
  }),
  // TLBR
  tlbr: privileged((_cpu, cp0) => {
    cp0.readEntry();
    return Status.Continue;
  }),
  // TLBWI
  tlbwi: privileged((_cpu, cp0) => {
    cp0.writeEntry(false);
    return Status.Continue;
  }),
  // TLBWR
  tlbwr: privileged((_cpu, cp0) => {
    cp0.writeEntry(true);
    return Status.Continue;
  }),
  // TLBP
  tlbp: privileged((_cpu, cp0) => {
    cp0.probe();
    return Status.Continue;
  }),
  // ERET
  eret: privileged((cpu, cp0) => {
    const target = cp0.exceptionReturn();
    cpu.clearLink();
    cpu.npc = target;
    cpu.nnpc = (target + 4) | 0;
    return Status.Continue;
  }),
  // DERET: outside debug mode (which this core never enters) a reserved instruction
  deret: privileged((cpu) => cpu.raise(ExcCode.RI, 0)),
  // WAIT
  wait: privileged((cpu) => cpu.waitForInterrupt()),
};
