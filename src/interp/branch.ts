// Branches and jumps. Every one has a delay slot; the branch-likely forms nullify it when not
// taken. CpuBase.branch / CpuBase.branchLikely do the PC bookkeeping.

import { Status } from '../../runtime/exceptions.js';
import { jumpTarget, branchTarget } from '../isa/operands.js';
import { noteCall, type CpuBase } from './cpu-base.js';
import { rdOf, rsOf, rtOf } from './fields.js';
import type { Handler } from './handlers.js';


const target = (cpu: CpuBase, word: number) => branchTarget(cpu.pc, word);
const link = (cpu: CpuBase, register: number) => {
  cpu.r[register] = (cpu.pc + 8) | 0;
};

const jumpRegister: Handler = (cpu, w) => (cpu.branch(true, cpu.r[rsOf(w)]!), Status.Continue);
const jumpAndLinkRegister: Handler = (cpu, w) => {
  const destination = cpu.r[rsOf(w)]!; // read before the link: rs may equal rd
  link(cpu, rdOf(w));
  cpu.branch(true, destination);
  const calls = cpu.callTargets;
  if (calls !== undefined) noteCall(calls, cpu.pc, destination);
  return Status.Continue;
};

export const BRANCH_HANDLERS: Record<string, Handler> = {
  // JR rs
  jr: jumpRegister,
  // JR.HB rs (the hazard barrier has nothing to wait for here)
  'jr.hb': jumpRegister,
  // JALR rd, rs
  jalr: jumpAndLinkRegister,
  // JALR.HB rd, rs
  'jalr.hb': jumpAndLinkRegister,
  // J target
  j: (cpu, w) => (cpu.branch(true, jumpTarget(cpu.pc, w)), Status.Continue),
  // JAL target
  jal: (cpu, w) => (link(cpu, 31), cpu.branch(true, jumpTarget(cpu.pc, w)), Status.Continue),
  // BEQ rs, rt, offset
  beq: (cpu, w) => (cpu.branch(cpu.r[rsOf(w)] === cpu.r[rtOf(w)], target(cpu, w)), Status.Continue),
  // BNE rs, rt, offset
  bne: (cpu, w) => (cpu.branch(cpu.r[rsOf(w)] !== cpu.r[rtOf(w)], target(cpu, w)), Status.Continue),
  // BLEZ rs, offset
  blez: (cpu, w) => (cpu.branch(cpu.r[rsOf(w)]! <= 0, target(cpu, w)), Status.Continue),
  // BGTZ rs, offset
  bgtz: (cpu, w) => (cpu.branch(cpu.r[rsOf(w)]! > 0, target(cpu, w)), Status.Continue),
  // BLTZ rs, offset
  bltz: (cpu, w) => (cpu.branch(cpu.r[rsOf(w)]! < 0, target(cpu, w)), Status.Continue),
  // BGEZ rs, offset
  bgez: (cpu, w) => (cpu.branch(cpu.r[rsOf(w)]! >= 0, target(cpu, w)), Status.Continue),
  // BLTZAL rs, offset
  bltzal: (cpu, w) => {
    const taken = cpu.r[rsOf(w)]! < 0;
    link(cpu, 31);
    cpu.branch(taken, target(cpu, w));
    return Status.Continue;
  },
  // BGEZAL rs, offset
  bgezal: (cpu, w) => {
    const taken = cpu.r[rsOf(w)]! >= 0;
    link(cpu, 31);
    cpu.branch(taken, target(cpu, w));
    return Status.Continue;
  },
  // BEQL rs, rt, offset
  beql: (cpu, w) => (cpu.branchLikely(cpu.r[rsOf(w)] === cpu.r[rtOf(w)], target(cpu, w)), Status.Continue),
  // BNEL rs, rt, offset
  bnel: (cpu, w) => (cpu.branchLikely(cpu.r[rsOf(w)] !== cpu.r[rtOf(w)], target(cpu, w)), Status.Continue),
  // BLEZL rs, offset
  blezl: (cpu, w) => (cpu.branchLikely(cpu.r[rsOf(w)]! <= 0, target(cpu, w)), Status.Continue),
  // BGTZL rs, offset
  bgtzl: (cpu, w) => (cpu.branchLikely(cpu.r[rsOf(w)]! > 0, target(cpu, w)), Status.Continue),
  // BLTZL rs, offset
  bltzl: (cpu, w) => (cpu.branchLikely(cpu.r[rsOf(w)]! < 0, target(cpu, w)), Status.Continue),
  // BGEZL rs, offset
  bgezl: (cpu, w) => (cpu.branchLikely(cpu.r[rsOf(w)]! >= 0, target(cpu, w)), Status.Continue),
  // BLTZALL rs, offset
  bltzall: (cpu, w) => {
    const taken = cpu.r[rsOf(w)]! < 0;
    link(cpu, 31);
    cpu.branchLikely(taken, target(cpu, w));
    return Status.Continue;
  },
  // BGEZALL rs, offset
  bgezall: (cpu, w) => {
    const taken = cpu.r[rsOf(w)]! >= 0;
    link(cpu, 31);
    cpu.branchLikely(taken, target(cpu, w));
    return Status.Continue;
  },
};
