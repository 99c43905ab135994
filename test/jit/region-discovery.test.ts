// Which blocks a region compiles (codegen/region.ts discoverRegion): a later module of a page
// skips the blocks its earlier modules compiled, except those on a loop through its own blocks,
// which it compiles again as copies (no entries of it), so that no loop runs across two modules.

import { describe, expect, it } from 'vitest';
import { assembleProgram } from '../../src/isa/asm.js';
import { buildRegion, discoverRegion, layoutOf } from '../../codegen/region.js';
import { USER_RULES } from '../../codegen/block.js';
import { FlatMemory } from '../../runtime/flat-memory.js';

const CODE = 0x0040_0000;

// A loop of three blocks (head; body, which runs on into tail; tail), a block after it that calls
// a function.
const SOURCE = `
  head:
    lbu t0, 0(a0)
    beq t0, zero, tail
    addiu a0, a0, 1
  body:
    addu v0, v0, t0
  tail:
    bne a0, a1, head
    nop
  after:
    jal function
    nop
    jr ra
    nop
  function:
    jr ra
    addiu v1, v1, 1`;

const words = assembleProgram(SOURCE, CODE);
const read = (address: number) => words[(address - CODE) >>> 2] ?? 0x0000_000d;
const HEAD = CODE;
const BODY = CODE + 12;
const TAIL = CODE + 16;
const AFTER = CODE + 24;
const FUNCTION = CODE + 40;

const startsOf = (compiled: number[], entries: number[]) => discoverRegion(entries, read, USER_RULES, compiled).map((block) => block.start).sort((a, b) => a - b);

describe('region discovery', () => {
  it('compiles a page once: the blocks of a first module', () => {
    expect(startsOf([], [HEAD])).toEqual([HEAD, BODY, TAIL, AFTER, FUNCTION]);
  });

  it('compiles again the blocks of earlier modules that lie on a loop through the new ones', () => {
    // The body became an entry of its own after the head and tail were compiled: the new module
    // takes the whole loop, not the block after it (reached, but with no way back).
    expect(startsOf([HEAD, TAIL, AFTER, FUNCTION], [BODY])).toEqual([HEAD, BODY, TAIL]);
  });

  it('makes the copies no entries of the region', () => {
    const blocks = discoverRegion([BODY], read, USER_RULES, [HEAD, TAIL, AFTER, FUNCTION]);
    expect(blocks.filter((block) => block.copy).map((block) => block.start).sort()).toEqual([HEAD, TAIL]);
    const code = buildRegion(blocks, layoutOf(new FlatMemory(0x0100_0000)));
    expect([...code.entries]).toEqual([BODY]);
    expect(code.blockCount).toBe(3);
  });

  it('leaves out compiled blocks on no loop through the new ones', () => {
    expect(startsOf([HEAD, BODY, TAIL], [AFTER])).toEqual([AFTER, FUNCTION]);
  });
});
