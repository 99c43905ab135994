// Structured loops of a region (codegen/loops.ts): which backward edges become Wasm loops, how a
// branch reaches its target, and nested loops entered in the middle computing what the
// interpreter computes.

import { beforeAll, describe, expect, it } from 'vitest';
import { RegionLoops } from '../../codegen/loops.js';
import { JitEngine } from '../../codegen/engine.js';
import { Cpu } from '../../src/interp/cpu.js';
import { assembleProgram } from '../../src/isa/asm.js';
import { FlatMemory, Perm } from '../../runtime/flat-memory.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';

/** Loops from edges given as [from, to] pairs of block indices. */
function loopsOf(blockCount: number, edges: readonly (readonly [number, number])[]): RegionLoops {
  return new RegionLoops(blockCount, (index) => edges.filter(([from]) => from === index).map(([, to]) => to));
}

describe('region loops', () => {
  it('make a loop of a backward edge and route branches in, out and back', () => {
    const loops = loopsOf(6, [[0, 1], [1, 2], [2, 3], [3, 1], [3, 4], [4, 5]]);
    expect(loops.loops.map(({ head, tail }) => [head, tail])).toEqual([[1, 3]]);
    expect(loops.route(3, 1)).toEqual({ kind: 'loop', head: 1 });
    expect(loops.route(1, 2)).toEqual({ kind: 'forward', unit: 2, setsPc: false });
    // Into the loop from before it: to the loop's label, with the target in Local.Pc.
    expect(loops.route(0, 2)).toEqual({ kind: 'forward', unit: 1, setsPc: true });
    expect(loops.route(0, 1)).toEqual({ kind: 'forward', unit: 1, setsPc: true });
    expect(loops.route(2, 4)).toEqual({ kind: 'forward', unit: 4, setsPc: false });
    // Backward from outside any loop that holds both: the region's dispatch.
    expect(loops.route(5, 2)).toEqual({ kind: 'dispatch' });
    expect(loops.route(4, 4)).toEqual({ kind: 'self' });
  });

  it('nest loops and use the innermost loop that holds both blocks', () => {
    const loops = loopsOf(8, [[4, 2], [6, 1], [5, 3]]);
    expect(loops.loops.map(({ head, tail }) => [head, tail])).toEqual([[1, 6], [2, 4]]);
    expect(loops.route(4, 2)).toEqual({ kind: 'loop', head: 2 });
    expect(loops.route(4, 1)).toEqual({ kind: 'loop', head: 1 });
    // From after the inner loop back into its middle: the outer loop's dispatch finds it.
    expect(loops.route(5, 3)).toEqual({ kind: 'loop', head: 1 });
    expect(loops.route(1, 3)).toEqual({ kind: 'forward', unit: 2, setsPc: true });
    expect(loops.route(3, 7)).toEqual({ kind: 'forward', unit: 7, setsPc: false });
    expect(loops.unitOf(3, undefined)).toBe(1);
    expect(loops.unitOf(3, loops.loopAt(1))).toBe(2);
  });

  it('keep the first of two crossing intervals', () => {
    const loops = loopsOf(8, [[4, 1], [6, 3]]);
    expect(loops.loops.map(({ head, tail }) => [head, tail])).toEqual([[1, 4]]);
    expect(loops.route(6, 3)).toEqual({ kind: 'dispatch' });
  });
});

// Nested loops with a branch inside the inner one; compiled from a block in the middle of the
// inner loop (the first to get hot), so the region is entered there, not at a loop head.
const PROGRAM = `
    li s0, 300
  outer:
    li s1, 20
  inner:
    andi t0, s1, 1
    beq t0, zero, even
    nop
    addiu s2, s2, 3
    b next
    sll s4, s2, 1
  even:
    addiu s3, s3, 1
    xor s4, s4, s3
  next:
    addiu s1, s1, -1
    bne s1, zero, inner
    addu s5, s5, s4
    addiu s0, s0, -1
    bne s0, zero, outer
    nop
    syscall`;

function machine(): { cpu: Cpu; exceptions: ExcCode[] } {
  const memory = new FlatMemory(0x0100_0000);
  memory.protect(0x0040_0000, 0x1000, Perm.Read | Perm.Exec);
  memory.u8.set(new Uint8Array(assembleProgram(PROGRAM, 0x0040_0000).buffer), 0x0040_0000);
  const exceptions: ExcCode[] = [];
  const cpu = new Cpu(memory, {
    exception(_cpu, code) {
      exceptions.push(code);
      return Status.Stop;
    },
  });
  cpu.setPc(0x0040_0000);
  return { cpu, exceptions };
}

describe('JIT nested loops', () => {
  beforeAll(() => JitEngine.prepare());

  it('compute what the interpreter computes, in compiled code', () => {
    const interpreted = machine();
    expect(interpreted.cpu.run(10_000_000)).toBe(Status.Stop);
    const compiled = machine();
    const jit = new JitEngine(compiled.cpu, { hotThreshold: 8 });
    expect(jit.run(10_000_000)).toBe(Status.Stop);
    expect(compiled.exceptions).toEqual([ExcCode.Sys]);
    expect(interpreted.exceptions).toEqual([ExcCode.Sys]);
    expect(compiled.cpu.pc).toBe(interpreted.cpu.pc);
    expect(compiled.cpu.instructions).toBe(interpreted.cpu.instructions);
    expect(Array.from(compiled.cpu.r.subarray(0, 34))).toEqual(Array.from(interpreted.cpu.r.subarray(0, 34)));
    expect(jit.stats.compiledInstructions / compiled.cpu.instructions).toBeGreaterThan(0.9);
    jit.close();
  });
});
