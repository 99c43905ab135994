// The instruction budget of compiled user-mode code (codegen/region.ts MAX_OVERSHOOT): checked at
// the top of a region's dispatch loop and in self-loops, not in every block. JitEngine.run stays
// exact when the count is a limit, and runs at most MAX_OVERSHOOT - 1 instructions past it when
// the caller allows (a scheduler's time slice); a forward path longer than that gets checks of
// its own. Each run is compared with the interpreter after the same number of instructions.

import { describe, expect, it } from 'vitest';
import { JitEngine } from '../../codegen/engine.js';
import { MAX_OVERSHOOT } from '../../codegen/region.js';
import { flatMachine, type FlatMachine } from './flat-machine.js';

const CODE = 0x0040_0000;

// An endless loop with a forward branch inside.
const LOOP = `
    loop:
      addiu s0, s0, 1
      andi t0, s0, 3
      beq t0, zero, skip
      addu v0, v0, s0
      addiu v1, v1, 7
    skip:
      xor a0, a0, s0
      b loop
      nop`;

// Twelve blocks of 40 instructions in a row, each branching forward to the next: 480 instructions
// from the loop's top before its back edge, more than MAX_OVERSHOOT.
const LONG_PATH = `
    top:
${Array.from({ length: 12 }, (_, block) => `${'      addiu s1, s1, 1\n'.repeat(38)}      b next${block}\n      addiu s2, s2, 1\n    next${block}:`).join('\n')}
      b top
      addiu s0, s0, 1`;

function registers(machine: FlatMachine): number[] {
  return Array.from(machine.cpu.r.subarray(0, 34));
}

/** A JIT machine past its warm-up (the loop compiled) and an interpreter at the same instruction. */
function warmPair(source: string): { compiled: FlatMachine; interpreted: FlatMachine; jit: JitEngine } {
  const compiled = flatMachine([{ address: CODE, source }], CODE);
  const interpreted = flatMachine([{ address: CODE, source }], CODE);
  const jit = new JitEngine(compiled.cpu, { hotThreshold: 4 });
  jit.run(20_000);
  expect(jit.stats.compiledInstructions).toBeGreaterThan(0);
  interpreted.cpu.run(compiled.cpu.instructions);
  expect(registers(compiled)).toEqual(registers(interpreted));
  return { compiled, interpreted, jit };
}

describe('JIT instruction budget', () => {
  it('runs exactly the instructions asked for when they are a limit', () => {
    const { compiled, interpreted, jit } = warmPair(LOOP);
    const before = jit.stats.compiledInstructions;
    for (const count of [1, 2, 3, 5, 17, 100, 255, 256, 257, 258, 1000, 12_345]) {
      const start = compiled.cpu.instructions;
      jit.run(count);
      interpreted.cpu.run(count);
      expect(compiled.cpu.instructions - start).toBe(count);
      expect(registers(compiled)).toEqual(registers(interpreted));
    }
    expect(jit.stats.compiledInstructions - before).toBeGreaterThan(10_000);
    jit.close();
  });

  for (const [name, source] of [['a loop', LOOP], ['a forward path longer than the bound', LONG_PATH]] as const) {
    it(`runs at most MAX_OVERSHOOT - 1 past a time slice: ${name}`, () => {
      const { compiled, interpreted, jit } = warmPair(source);
      let overshoot = 0;
      for (const count of [1, 2, 7, 50, 300, 1000, 4096]) {
        for (let repeat = 0; repeat < 20; repeat++) {
          const start = compiled.cpu.instructions;
          jit.run(count, false, true);
          const executed = compiled.cpu.instructions - start;
          expect(executed).toBeGreaterThanOrEqual(count);
          expect(executed - count).toBeLessThan(MAX_OVERSHOOT);
          overshoot = Math.max(overshoot, executed - count);
          interpreted.cpu.run(executed);
          expect(registers(compiled)).toEqual(registers(interpreted));
        }
      }
      // Compiled code did run past slices (else this tests nothing).
      expect(overshoot).toBeGreaterThan(0);
      jit.close();
    });
  }
});
