// Compiled code on both kinds of guest memory (runtime/flat-memory.ts): shared (SharedArrayBuffer,
// Node's default) and plain (browsers' default). Region modules and the bridge import the memory
// as it is; a loop must run compiled, to the interpreter's result, on either.

import { describe, expect, it } from 'vitest';
import { JitEngine } from '../../codegen/engine.js';
import { Perm } from '../../runtime/flat-memory.js';
import { Status } from '../../runtime/exceptions.js';
import { flatMachine } from './flat-machine.js';

const CODE = 0x0040_0000;
const DATA = 0x0050_0000;
const SOURCE = `
    lui a0, ${DATA >>> 16}
    li t0, 300
  loop:
    lw t1, 0(a0)
    addu t1, t1, t0
    sw t1, 0(a0)
    addiu t0, t0, -1
    bnez t0, loop
    nop
    break`;

describe('compiled code on shared and plain guest memory', () => {

  it('makes the memory shared by default in Node', () => {
    const { cpu } = flatMachine([{ address: CODE, source: SOURCE }], CODE);
    expect(cpu.mem.shared).toBe(true);
    expect(cpu.mem.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  for (const shared of [true, false]) {
    it(`runs a loop compiled on ${shared ? 'shared' : 'plain'} memory`, () => {
      const machine = flatMachine([{ address: CODE, source: SOURCE }], CODE, (memory) => memory.protect(DATA, 0x1000, Perm.Read | Perm.Write), { shared });
      expect(machine.cpu.mem.memory.buffer instanceof SharedArrayBuffer).toBe(shared);
      const jit = new JitEngine(machine.cpu, { hotThreshold: 4 });
      expect(jit.run(100_000)).toBe(Status.Stop);
      expect(machine.cpu.mem.i32[DATA >>> 2]).toBe((300 * 301) / 2);
      expect(jit.stats.compiledInstructions / machine.cpu.instructions).toBeGreaterThan(0.5);
      jit.close();
    });
  }
});
