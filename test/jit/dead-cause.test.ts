// FPU instructions whose FCSR.Cause a later instruction of the block overwrites unseen
// (codegen/translate-fpu.ts deadCauses): which ones the translator finds, and that compiled code
// which skips their inexact test once Flags.I is set leaves the interpreter's FPRs and FCSR.

import { describe, expect, it } from 'vitest';
import { assembleProgram } from '../../src/isa/asm.js';
import { findBlock, USER_RULES } from '../../codegen/block.js';
import { deadCauses } from '../../codegen/translate-fpu.js';
import { CODE, FpuMachine } from './fpu-machine.js';

/** Which instructions (by index) of the block at CODE of `source` deadCauses returns. */
function deadIndices(source: string, fpr64: boolean): number[] {
  const words = assembleProgram(source, CODE);
  const block = findBlock(CODE, (address) => words[(address - CODE) >>> 2] ?? 0, USER_RULES);
  const dead = deadCauses(block, fpr64) ?? new Set();
  return block.instructions.flatMap((instruction, index) => (dead.has(instruction) ? [index] : []));
}

describe('deadCauses', () => {
  const cases: { name: string; source: string; fr0: number[]; fr1: number[] }[] = [
    {
      name: "hello-default's loop: the conversion and the division, not the sum in the delay slot",
      source: 'loop: addiu $v0,$v0,1\nmtc1 $v1,$f2\ncvt.d.w $f2,$f2\ndiv.d $f0,$f0,$f2\nbne $v0,$a1,loop\nadd.d $f4,$f4,$f0',
      fr0: [2, 3],
      fr1: [2, 3],
    },
    { name: 'a load between: it may fault, and its handler sees Cause', source: 'div.d $f0,$f0,$f2\nlw $t0,0($sp)\nadd.d $f4,$f4,$f0\nsyscall', fr0: [], fr1: [] },
    { name: 'a likely branch between: its nullified slot may not run', source: 'l: div.d $f0,$f0,$f2\nbeql $v0,$a1,l\nadd.d $f4,$f4,$f0', fr0: [], fr1: [] },
    { name: 'a compare overwrites Cause but keeps its own (it sets a condition code)', source: 'mul.s $f0,$f2,$f4\nc.eq.s $f0,$f6\nsyscall', fr0: [0], fr1: [0] },
    { name: 'moves between are neutral', source: 'sub.d $f0,$f2,$f4\nmov.d $f6,$f0\nmfc1 $t0,$f6\nsqrt.d $f8,$f6\nsyscall', fr0: [0], fr1: [0] },
    { name: 'with FR=0 an odd double register is Reserved Instruction, not a Cause write', source: 'div.d $f0,$f0,$f2\nadd.d $f4,$f5,$f6\nsyscall', fr0: [], fr1: [0] },
    { name: 'the last FPU instruction of a block keeps its Cause', source: 'add.d $f0,$f2,$f4\naddu $t0,$t1,$t2\nsyscall', fr0: [], fr1: [] },
  ];
  it.each(cases)('$name', ({ source, fr0, fr1 }) => {
    expect(deadIndices(source, false)).toEqual(fr0);
    expect(deadIndices(source, true)).toEqual(fr1);
  });
});

/** FR=1 registers with doubles `a` in $f2 and `b` in $f4, as FpuMachine.run takes them. */
function registers(a: number, b: number): Int32Array {
  const doubles = new Float64Array(16);
  doubles[1] = a;
  doubles[2] = b;
  return new Int32Array(doubles.buffer);
}

describe('compiled code with a dead Cause agrees with the interpreter', () => {
  const programs = [
    'div.d $f0,$f2,$f4\nadd.d $f6,$f0,$f4\nsyscall',
    'mul.d $f0,$f2,$f4\nsqrt.d $f6,$f0\nsyscall',
    'add.s $f0,$f2,$f4\ndiv.s $f6,$f0,$f4\nsyscall',
    'cvt.s.d $f0,$f2\ntrunc.w.d $f6,$f4\nsyscall',
    'sub.d $f0,$f2,$f4\naddu $t0,$t0,$t1\nc.ole.d $f0,$f4\nsyscall',
  ];
  it.each(programs)('%s', (source) => {
    const words = assembleProgram(source, CODE);
    const interpreter = new FpuMachine(words, 'interp', true);
    const compiled = new FpuMachine(words, 'jit', true);
    const operands = [[1, 3], [0.5, 0.25], [1e300, 1e-300], [7, -2], [2 ** 40 + 1, 3], [Math.PI, Math.E], [0, 1]];
    for (let round = 0; round < 3; round++) {
      for (const [a, b] of operands) {
        // Flags.I clear and set (0x04), other flags, a rounding mode the fast path leaves alone.
        for (const fcsr of [0, 0x04, 0x7c, 0x1000, 0x2]) {
          const expected = interpreter.run(registers(a!, b!), fcsr);
          expect(compiled.run(registers(a!, b!), fcsr), `${source} with ${a}, ${b}, fcsr ${fcsr.toString(16)}`).toEqual(expected);
        }
      }
    }
    expect(compiled.compiledInstructions).toBeGreaterThan(0);
  });
});
