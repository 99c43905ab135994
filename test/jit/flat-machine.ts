// A user-mode CPU on flat memory with guest code assembled onto pages, for the JIT tests that
// compare a compiled run with an interpreted one: every exception is recorded and stops the run.

import { Cpu } from '../../src/interp/cpu.js';
import { FlatMemory, Perm, type FlatMemoryOptions } from '../../runtime/flat-memory.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';
import { placeInMemory } from './guest-code.js';

export interface FlatMachine {
  readonly cpu: Cpu;
  readonly exceptions: ExcCode[];
}

/**
 * A 16 MiB machine whose pages at each `code` address hold that source (readable, executable),
 * set up further by `setUp` (data pages), with the PC at `start`.
 */
export function flatMachine(
  code: readonly { readonly address: number; readonly source: string }[],
  start: number,
  setUp?: (memory: FlatMemory) => void,
  memoryOptions?: FlatMemoryOptions,
): FlatMachine {
  const memory = new FlatMemory(0x0100_0000, memoryOptions);
  for (const { address, source } of code) {
    memory.protect(address, 0x1000, Perm.Read | Perm.Exec);
    placeInMemory(memory, address, source);
  }
  setUp?.(memory);
  const exceptions: ExcCode[] = [];
  const cpu = new Cpu(memory, {
    exception(_cpu, code) {
      exceptions.push(code);
      return Status.Stop;
    },
  });
  cpu.setPc(start);
  return { cpu, exceptions };
}
