// The interpreter's dispatch: instruction-table row name -> handler. Each handler is the meaning
// of one instruction; the JIT calls these for instructions it does not translate itself.
// Handlers return `Status.Continue` itself, not a module constant holding it: the enum member
// compiles to the literal 0, which V8 sees through in a handler it inlined into the run loop.

import type { Status } from '../../runtime/exceptions.js';
import type { CpuBase } from './cpu-base.js';
import { INTEGER_HANDLERS } from './integer.js';
import { BRANCH_HANDLERS } from './branch.js';
import { MEMORY_HANDLERS } from './memory.js';
import { SYSTEM_HANDLERS } from './system.js';
import { FPU_HANDLERS } from './fpu.js';

/** Executes the instruction `word` at cpu.pc. */
export type Handler = (cpu: CpuBase, word: number) => Status;

/** The handlers by instruction class (no row name is in two of them: test/interp/handlers.test.ts). */
export const HANDLER_GROUPS: readonly Readonly<Record<string, Handler>>[] = [INTEGER_HANDLERS, BRANCH_HANDLERS, MEMORY_HANDLERS, SYSTEM_HANDLERS, FPU_HANDLERS];

/**
 * The handler of the table row named `name`, if there is one. (The groups were merged into one
 * object at start, which V8 built one hidden class per property: ~2 ms of every start.)
 */
export function handlerNamed(name: string): Handler | undefined {
  for (const group of HANDLER_GROUPS) if (Object.hasOwn(group, name)) return group[name];
  return undefined;
}

/** The handler of the table row named `name`, which must have one. */
export function requiredHandler(name: string): Handler {
  const handler = handlerNamed(name);
  if (handler === undefined) throw new Error(`dispatch: no handler for ${name}`);
  return handler;
}
