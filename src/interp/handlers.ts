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

/** The handlers by instruction class (no row name is in two of them). */
const HANDLER_GROUPS: readonly Readonly<Record<string, Handler>>[] = [INTEGER_HANDLERS, BRANCH_HANDLERS, MEMORY_HANDLERS, SYSTEM_HANDLERS, FPU_HANDLERS];

/**
 * The handler of the table row named `name`, if there is one. (Merging the groups into one object
 * took 3-8 ms of every start: V8 added their 234 properties one hidden class at a time.)
 */
export function handlerNamed(name: string): Handler | undefined {
  for (const group of HANDLER_GROUPS) if (Object.hasOwn(group, name)) return group[name];
  return undefined;
}
