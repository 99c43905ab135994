// A user-mode region dispatches on its blocks' indexes (codegen/region.ts dispatchToBlock): a back
// edge names its target's index, a register jump looks its PC up in the region's dispatch table
// in memory. Here a loop's blocks lie at both ends of a page, with a function between them that
// returns through JR $ra: the br_table must have an entry per block (not per word between the
// first and the last), and the compiled run must compute what the interpreter does.

import { beforeAll, describe, expect, it } from 'vitest';
import { buildRegion, discoverRegion, layoutOf, memoryImportOf } from '../../codegen/region.js';
import { RegisterLocals, Translator } from '../../codegen/translate.js';
import { WasmEncoder } from '../../codegen/wasm-encoder.js';
import { FlatMemory, NO_BLOCK } from '../../runtime/flat-memory.js';
import { loadWasmBuilder } from '../../codegen/wasm.js';
import { flatMachine, type FlatMachine } from './flat-machine.js';
import { runBothToSyscall } from './same-state.js';

const PAGE = 0x0040_0000;
const ROUNDS = 5_000;

// The loop's head is at the page's start, its body near the end (0xf00 bytes later), and the
// function it calls between them; the function returns into the middle of the body's block run.
const SOURCE = `
    li s0, ${ROUNDS}
  head:
    andi t0, s0, 7
    j body
    addu s1, s1, t0
    ${'nop\n'.repeat(400)}
  function:
    sll v0, a0, 3
    jr ra
    xor v0, v0, a0
    ${'nop\n'.repeat(500)}
  body:
    move a0, s0
    jal function
    addiu s0, s0, -1
    addu s2, s2, v0
    bne s0, zero, head
    nop
    syscall`;

function machine(): FlatMachine {
  return flatMachine([{ address: PAGE, source: SOURCE }], PAGE);
}

describe('JIT dispatch table', () => {
  beforeAll(async () => {
    // The region's text comes from binaryen reading its bytes back.
    await loadWasmBuilder();
  });

  it('gives a sparse region a br_table entry per block', () => {
    const { cpu } = machine();
    const read = (address: number) => cpu.mem.i32[address >>> 2]!;
    const blocks = discoverRegion([PAGE], read);
    const span = (blocks.reduce((high, block) => Math.max(high, block.start), 0) - PAGE) >>> 2;
    expect(span).toBeGreaterThan(900);
    const text = buildRegion(blocks, layoutOf(new FlatMemory(0x0100_0000)), true).text!;
    const table = text.split('\n').find((line) => line.includes('br_table'))!;
    // The labels and the default.
    expect(table.trim().split(/\s+/).length - 1).toBe(blocks.length + 1);
  });

  it('computes what the interpreter does, calls and returns in compiled code', () => {
    const { compiled, jit } = runBothToSyscall(machine, { hotThreshold: 50 });
    expect(compiled.cpu.r[18]).not.toBe(0);
    expect(jit.stats.compiledInstructions / compiled.cpu.instructions).toBeGreaterThan(0.9);
    // The loop's back edge and the function's return stay in the region.
    expect(jit.stats.regionCalls).toBeLessThan(ROUNDS / 50);
    jit.close();
  });

  it('covers every block start near the page whatever the order of the block map', () => {
    // A start left outside the table would leave the region through the jump cache, which may
    // name the same region again: a spin that spends no budget.
    const layout = layoutOf(new FlatMemory(0x0100_0000));
    const starts = [PAGE + 0x38, PAGE + 0x08, PAGE + 0x2c, PAGE + 0x1000 + 0x10, PAGE - 0x20];
    const blockIndex = new Map(starts.map((start, index) => [start, index]));
    const encoder = new WasmEncoder(memoryImportOf(layout), [], [], true);
    const table = new Translator(encoder, new RegisterLocals([]), layout, PAGE >>> 12, blockIndex).dispatchTable();
    const lowest = PAGE - 0x20;
    expect(table.length).toBe((PAGE + 0x1010 - lowest) / 4 + 1);
    for (const [start, index] of blockIndex) expect(table[(start - lowest) >>> 2]).toBe(index);
    expect(table.filter((entry) => entry !== NO_BLOCK).length).toBe(starts.length);
  });
});
