// Which called functions a region copies (codegen/region.ts calleeCopies): a function that a call
// on one of the region's loops reaches, with the call's return point in the region, when another
// module of the page (or, in user mode, the page beside) has it, or a JALR's expected callee far
// away (PredictedCalls): whole, as copies (no entries), or not at all; not for a call outside a
// loop, nor one whose return point the region lacks.

import { beforeAll, describe, expect, it } from 'vitest';
import { buildRegion, discoverRegion, layoutOf, type NeighbourCode, type PredictedCalls } from '../../codegen/region.js';
import { USER_RULES } from '../../codegen/block.js';
import { FlatMemory } from '../../runtime/flat-memory.js';
import { loadWasmBuilder } from '../../codegen/wasm.js';
import { placeCode, POINTER_CALL_LOOP, readerOf } from './guest-code.js';

const PAGE = 0x0040_1000;
const hex = (address: number) => `0x${address.toString(16)}`;

/** A readWord over the program pieces ([address, assembly]); NOPs elsewhere. */
function program(pieces: [number, string][]): (address: number) => number {
  const memory = new Map<number, number>();
  for (const [address, source] of pieces) placeCode(memory, address, source);
  return readerOf(memory);
}

// A loop calling `function` (two blocks: a test and a return), then a call outside any loop.
const FUNCTION = PAGE + 0x800;
const LOOP = `
  loop:
    jal ${hex(FUNCTION)}
    nop
    addiu t0, t0, -1
    bgtz t0, loop
    nop
    jal ${hex(FUNCTION)}
    nop
    break`;
const FUNCTION_SOURCE = `
    beq a0, zero, done
    addu v0, v0, a0
    xori v0, v0, 1
  done:
    jr ra
    nop`;
const RETURN_POINT = PAGE + 8;
const LAST_RETURN_POINT = PAGE + 28;
const read = program([
  [PAGE, LOOP],
  [FUNCTION, FUNCTION_SOURCE],
]);
const FUNCTION_BLOCKS = [FUNCTION, FUNCTION + 8, FUNCTION + 12];

const starts = (blocks: readonly { start: number }[]) => blocks.map((block) => block.start).sort((a, b) => a - b);
const copiesOf = (blocks: readonly { start: number; copy?: true }[]) => starts(blocks.filter((block) => block.copy === true));

describe('copies of called functions', () => {
  it('copies a function of another module of the page that a loop calls, whole and as no entries', () => {
    // An earlier module has the function; this one has the loop and its return point.
    const blocks = discoverRegion([PAGE, RETURN_POINT], read, USER_RULES, FUNCTION_BLOCKS);
    expect(copiesOf(blocks)).toEqual(FUNCTION_BLOCKS);
    const code = buildRegion(blocks, layoutOf(new FlatMemory(0x0100_0000)));
    expect([...code.entries]).toEqual(expect.arrayContaining([PAGE, RETURN_POINT]));
    expect([...code.entries].filter((entry) => FUNCTION_BLOCKS.includes(entry))).toEqual([]);
  });

  it('does not copy for a call on no loop, nor without the return point', () => {
    // The call after the loop: its return point is an entry, but the call is on no loop.
    expect(copiesOf(discoverRegion([PAGE + 20, LAST_RETURN_POINT], read, USER_RULES, [...FUNCTION_BLOCKS, PAGE, RETURN_POINT]))).toEqual([]);
    // The loop without its return point (another module has it): the function's return would leave anyway.
    expect(copiesOf(discoverRegion([PAGE], read, USER_RULES, [...FUNCTION_BLOCKS, RETURN_POINT]))).toEqual([]);
  });

  it('copies only the blocks of the function that have run', () => {
    const executed = new Set([PAGE, RETURN_POINT, FUNCTION, FUNCTION + 12]);
    // FUNCTION + 8 never ran and no module has it: the copy leaves the region there.
    const blocks = discoverRegion([PAGE, RETURN_POINT], read, USER_RULES, [FUNCTION, FUNCTION + 12], executed);
    expect(copiesOf(blocks)).toEqual([FUNCTION, FUNCTION + 12]);
  });

  it('leaves a function of more than 16 blocks to its module', () => {
    const large = [...Array.from({ length: 20 }, (_, index) => `b${index}:\n bne a0, zero, b${index + 1}\n addu v0, v0, a0`), 'b20:\n jr ra\n nop'].join('\n');
    const reads = program([
      [PAGE, LOOP],
      [FUNCTION, large],
    ]);
    const compiled = Array.from({ length: 21 }, (_, index) => FUNCTION + 8 * index);
    expect(copiesOf(discoverRegion([PAGE, RETURN_POINT], reads, USER_RULES, compiled))).toEqual([]);
  });

  it('copies a function of the page beside in a later module (user mode), and nothing else from there', () => {
    const BEFORE = PAGE - 0x1000;
    const helper = PAGE - 0x40;
    const reads = program([
      [PAGE, LOOP.replace(hex(FUNCTION), hex(helper))],
      [helper, FUNCTION_SOURCE],
      [PAGE + 0x40, `j ${hex(BEFORE)}\n nop`],
      [BEFORE, 'jr ra\n nop'],
    ]);
    const beside: NeighbourCode = { start: BEFORE, end: PAGE + 0x2000 };
    // A later module (another module has PAGE + 0x100): the loop's callee is copied ...
    const blocks = discoverRegion([PAGE, RETURN_POINT, PAGE + 0x40], reads, USER_RULES, [PAGE + 0x100], undefined, undefined, beside);
    expect(copiesOf(blocks)).toEqual([helper, helper + 8, helper + 12]);
    // ... but not the target of a jump to the page before, which a first module takes.
    expect(starts(blocks)).not.toContain(BEFORE);
    expect(starts(discoverRegion([PAGE, RETURN_POINT, PAGE + 0x40], reads, USER_RULES, [], undefined, undefined, beside))).toContain(BEFORE);
  });

  it('copies the function a loop calls that the region compiles again as copies (a loop of earlier modules)', () => {
    // A loop whose call (BAL: its return point is a static successor) an earlier module has; the
    // block after the call became an entry of this one, which takes the loop again (closeLoops)
    // and then the function it calls.
    const reads = program([
      [PAGE, `loop:\n beq a1, zero, skip\n nop\n bal ${hex(FUNCTION)}\n nop\n skip:\n addiu t0, t0, -1\n bgtz t0, loop\n nop\n break`],
      [FUNCTION, FUNCTION_SOURCE],
    ]);
    const skip = PAGE + 16;
    const blocks = discoverRegion([skip], reads, USER_RULES, [PAGE, PAGE + 8, ...FUNCTION_BLOCKS]);
    expect(copiesOf(blocks)).toEqual([PAGE, PAGE + 8, ...FUNCTION_BLOCKS]);
  });

  it('copies no function beside the page that has not run', () => {
    const helper = PAGE - 0x40;
    const reads = program([
      [PAGE, LOOP.replace(hex(FUNCTION), hex(helper))],
      [helper, FUNCTION_SOURCE],
    ]);
    const beside: NeighbourCode = { start: PAGE - 0x1000, end: PAGE + 0x2000 };
    const ran = new Set([PAGE, RETURN_POINT, helper, helper + 8, helper + 12]);
    const later = (executed: Set<number>) => copiesOf(discoverRegion([PAGE, RETURN_POINT], reads, USER_RULES, [PAGE + 0x100], executed, undefined, beside));
    expect(later(ran)).toEqual([helper, helper + 8, helper + 12]);
    ran.delete(helper);
    expect(later(ran)).toEqual([]);
  });

  describe('through a register (JALR), to the target the interpreter saw', () => {
    const FAR = 0x0048_0000;
    const callee = FAR + 0x100;
    const site = PAGE + 4;
    const returnPoint = PAGE + 12;
    const reads = program([
      [PAGE, POINTER_CALL_LOOP],
      [callee, FUNCTION_SOURCE],
    ]);
    const calleeBlocks = [callee, callee + 8, callee + 12];
    const expecting = (target: number, farPages = [FAR >>> 12]): PredictedCalls => ({ targets: new Map([[site, target]]), farPages: new Set(farPages) });
    const discover = (predicted?: PredictedCalls, executed?: Set<number>, read = reads) => discoverRegion([PAGE, returnPoint], read, USER_RULES, [], executed, undefined, undefined, predicted);
    // The module's text (to see the JALR's test) comes from binaryen.
    beforeAll(() => loadWasmBuilder());

    it('copies the expected callee from its far page, whole and as no entries', () => {
      const blocks = discover(expecting(callee));
      expect(copiesOf(blocks)).toEqual(calleeBlocks);
      const code = buildRegion(blocks, layoutOf(new FlatMemory(0x0100_0000)), true, undefined, expecting(callee).targets);
      // The loop's own blocks are entries (the SYSCALL after it too: user mode compiles it); the copies are not.
      expect([...code.entries].sort((a, b) => a - b)).toEqual([PAGE, returnPoint, PAGE + 24]);
      // The JALR tests its target against the copy's start before the dispatch table.
      expect(code.text).toContain(`(i32.const ${callee})`);
    });

    it('copies nothing without an expected target, or from a page the request lacks', () => {
      expect(copiesOf(discover())).toEqual([]);
      expect(copiesOf(discover(expecting(callee, [])))).toEqual([]);
    });

    it('copies no callee that has not run', () => {
      const ran = new Set([PAGE, returnPoint, ...calleeBlocks]);
      expect(copiesOf(discover(expecting(callee), ran))).toEqual(calleeBlocks);
      ran.delete(callee);
      expect(copiesOf(discover(expecting(callee), ran))).toEqual([]);
    });

    it('ends a copied block before a branch whose delay slot lies in a page the request lacks', () => {
      // The callee's return sits in its page's last word: its delay slot is the next page's first.
      const atEnd = FAR + 0x1000 - 8;
      const read = program([
        [PAGE, POINTER_CALL_LOOP],
        [atEnd, 'addu v0, v0, t0\n jr ra'],
        [FAR + 0x1000, 'xori v0, v0, 1'],
      ]);
      const [copy] = discover(expecting(atEnd), undefined, read).filter((block) => block.copy === true);
      expect(copy?.terminal).toEqual({ kind: 'interpret', pc: atEnd + 4 });
      // With the next page in the request, the branch and its slot compile.
      const [whole] = discover(expecting(atEnd, [FAR >>> 12, (FAR >>> 12) + 1]), undefined, read).filter((block) => block.copy === true);
      expect(whole?.terminal).toEqual({ kind: 'branch' });
    });
  });
});
