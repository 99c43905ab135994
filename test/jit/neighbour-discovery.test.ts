// Which blocks of the pages beside its own a user-mode region compiles (codegen/region.ts
// discoverRegion with NeighbourCode): a function there that the page's code calls, whole or not
// at all, as copies (never entries), within REGION_SPAN_BYTES of the page's words, without the
// functions it calls in turn, and none without neighbours.

import { describe, expect, it } from 'vitest';
import { buildRegion, discoverRegion, layoutOf, REGION_SPAN_BYTES, type NeighbourCode } from '../../codegen/region.js';
import { USER_RULES } from '../../codegen/block.js';
import { FlatMemory } from '../../runtime/flat-memory.js';
import { placeCode, readerOf } from './guest-code.js';

const BEFORE = 0x0040_0000;
const PAGE = 0x0040_1000;
const AFTER = 0x0040_2000;

// The page's loop calls `helper`, near the end of the page before; the helper calls `far`, at
// the start of that page, on one of its paths.
const HELPER = PAGE - 0x40;
const hex = (address: number) => `0x${address.toString(16)}`;
const FAR = BEFORE;
const HELPER_SOURCE = `
    addu v0, v0, a0
    bne a0, zero, done
    nop
    jal ${hex(FAR)}
    nop
  done:
    jr ra
    xori v0, v0, 0x33`;
const LOOP_SOURCE = `
  loop:
    jal ${hex(HELPER)}
    nop
    addiu t0, t0, -1
    bgtz t0, loop
    nop
    break`;

const memory = new Map<number, number>();
placeCode(memory, FAR, 'jr ra\n nop');
placeCode(memory, HELPER, HELPER_SOURCE);
placeCode(memory, PAGE, LOOP_SOURCE);
const read = readerOf(memory);

const RETURN_POINT = PAGE + 8;
const BESIDE: NeighbourCode = { start: BEFORE, end: AFTER + 0x1000 };

const starts = (blocks: readonly { start: number }[]) => blocks.map((block) => block.start).sort((a, b) => a - b);

describe('a region and the code beside its page', () => {
  it('compiles the function the page calls in the page before, as copies', () => {
    const blocks = discoverRegion([PAGE, RETURN_POINT], read, USER_RULES, [], undefined, undefined, BESIDE);
    const copies = blocks.filter((block) => block.copy === true);
    expect(starts(copies)).toEqual([HELPER, HELPER + 12, HELPER + 20]);
    const code = buildRegion(blocks, layoutOf(new FlatMemory(0x0100_0000)));
    expect(code.page).toBe(PAGE >>> 12);
    expect(code.neighbourPages).toEqual([BEFORE >>> 12]);
    expect([...code.entries].sort((a, b) => a - b)).toEqual([PAGE, RETURN_POINT]);
  });

  it('does not follow the calls the copied function makes', () => {
    const blocks = discoverRegion([PAGE, RETURN_POINT], read, USER_RULES, [], undefined, undefined, BESIDE);
    expect(starts(blocks)).not.toContain(FAR);
    // The call's return point is followed.
    expect(starts(blocks)).toContain(HELPER + 20);
  });

  it('takes nothing from beside the page without neighbours', () => {
    const blocks = discoverRegion([PAGE, RETURN_POINT], read);
    expect(blocks.every((block) => block.start >>> 12 === PAGE >>> 12)).toBe(true);
    expect(blocks.some((block) => block.copy === true)).toBe(false);
  });

  it('keeps all block starts within REGION_SPAN_BYTES of each other', () => {
    // The page's own words count whole: a neighbour block may lie at most a page beyond them.
    const far = new Map(memory);
    const farHelper = PAGE - REGION_SPAN_BYTES + 0x1000 - 8;
    placeCode(far, PAGE, `jal ${hex(farHelper)}\n nop\n break`);
    placeCode(far, farHelper, 'jr ra\n nop');
    const reads = readerOf(far);
    const window: NeighbourCode = { start: PAGE - 0x2000, end: AFTER };
    expect(starts(discoverRegion([PAGE], reads, USER_RULES, [], undefined, undefined, window))).not.toContain(farHelper);
    const near = farHelper + 8;
    placeCode(far, PAGE, `jal ${hex(near)}\n nop\n break`);
    placeCode(far, near, 'jr ra\n nop');
    expect(starts(discoverRegion([PAGE], reads, USER_RULES, [], undefined, undefined, window))).toContain(near);
  });

  it('compiles only the neighbour blocks that have run, with an executed filter', () => {
    const executed = new Set([PAGE, RETURN_POINT, HELPER]);
    const blocks = discoverRegion([PAGE, RETURN_POINT], read, USER_RULES, [], executed, undefined, BESIDE);
    expect(starts(blocks.filter((block) => block.copy === true))).toEqual([HELPER]);
  });
});

describe('a function beside the page too large to copy', () => {
  it('is left whole to its own region, not copied in part', () => {
    // A helper of 20 blocks (more than a region copies), each a conditional branch.
    const large = new Map<number, number>();
    const helper = PAGE - 0x200;
    const source = [...Array.from({ length: 20 }, (_, index) => `b${index}:\n bne a0, zero, b${index + 1}\n addu v0, v0, a0`), 'b20:\n jr ra\n nop'].join('\n');
    placeCode(large, helper, source);
    placeCode(large, PAGE, `jal ${hex(helper)}\n nop\n break`);
    const reads = readerOf(large);
    const blocks = discoverRegion([PAGE, PAGE + 8], reads, USER_RULES, [], undefined, undefined, BESIDE);
    expect(blocks.filter((block) => block.copy === true)).toEqual([]);
    // With room for it (the cap counts blocks, not bytes), a shorter one is copied whole.
    const short = new Map(large);
    placeCode(short, helper + 8 * 3, 'jr ra\n nop');
    const shortReads = readerOf(short);
    expect(discoverRegion([PAGE, PAGE + 8], shortReads, USER_RULES, [], undefined, undefined, BESIDE).filter((block) => block.copy === true)).toHaveLength(4);
  });
});
