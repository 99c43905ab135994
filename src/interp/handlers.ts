// The interpreter's dispatch: instruction-table row name -> handler. Each handler is the meaning
// of one instruction; the JIT calls these for instructions it does not translate itself.

import type { Status } from '../../runtime/exceptions.js';
import type { CpuBase } from './cpu-base.js';
import { INTEGER_HANDLERS } from './integer.js';
import { BRANCH_HANDLERS } from './branch.js';
import { MEMORY_HANDLERS } from './memory.js';
import { SYSTEM_HANDLERS } from './system.js';
import { FPU_HANDLERS } from './fpu.js';

/** Executes the instruction `word` at cpu.pc. */
export type Handler = (cpu: CpuBase, word: number) => Status;

export const HANDLERS: Readonly<Record<string, Handler>> = {
  ...INTEGER_HANDLERS,
  ...BRANCH_HANDLERS,
  ...MEMORY_HANDLERS,
  ...SYSTEM_HANDLERS,
  ...FPU_HANDLERS,
};
