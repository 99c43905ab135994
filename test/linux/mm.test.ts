// Mm, the per-process guest address space: fork copies only stretches that hold data (and the
// permissions, without the JIT's Code bit); the memory of an ended Mm goes, zeroed, to the next Mm.
import { describe, expect, it } from 'vitest';
import { Perm, PAGE_SIZE } from '../../runtime/flat-memory.js';
import { StateWord } from '../../runtime/state.js';
import { Mm, type MmTask } from '../../src/linux/mm.js';

const DATA = 0x1000_0000;
const STACK = 0x7f00_0000;

/** An Mm with two mappings, some bytes written in each, and registers set. */
function populated(): Mm {
  const mm = new Mm({ engine: 'interp' });
  mm.space.map(DATA, 64 * PAGE_SIZE, Perm.Read | Perm.Write);
  mm.space.map(STACK, 256 * PAGE_SIZE, Perm.Read | Perm.Write | Perm.Exec);
  mm.mem.u8.set([1, 2, 3], DATA + 17 * PAGE_SIZE + 5);
  mm.mem.u8.set([9], STACK + 255 * PAGE_SIZE + 100);
  mm.mem.setPerm(DATA / PAGE_SIZE + 3, Perm.Read | Perm.Write | Perm.Code);
  mm.cpu.r[StateWord.Gpr + 5] = 12345;
  mm.cpu.fprBits[7] = -1;
  return mm;
}

const nobody = {} as MmTask;

describe('Mm', () => {
  it('fork copies the data and permissions (without Code), and nothing else', () => {
    const parent = populated();
    const child = parent.fork();
    expect(Array.from(child.mem.u8.subarray(DATA + 17 * PAGE_SIZE + 5, DATA + 17 * PAGE_SIZE + 8))).toEqual([1, 2, 3]);
    expect(child.mem.u8[STACK + 255 * PAGE_SIZE + 100]).toBe(9);
    expect(child.mem.perms[DATA / PAGE_SIZE + 3]).toBe(Perm.Read | Perm.Write);
    expect(child.mem.perms[STACK / PAGE_SIZE]).toBe(Perm.Read | Perm.Write | Perm.Exec);
    expect(child.space.isMapped(DATA, 64 * PAGE_SIZE)).toBe(true);
    expect(child.mem.perms[DATA / PAGE_SIZE + 64]).toBe(0);
  });

  it("hands an ended Mm's memory, zeroed and without permissions, to the next one", () => {
    const first = populated();
    const memory = first.mem;
    first.users = 1;
    first.leave(nobody);
    const next = new Mm({ engine: 'interp' });
    expect(next.mem).toBe(memory);
    expect(memory.u8.subarray(DATA, DATA + 64 * PAGE_SIZE).every((byte) => byte === 0)).toBe(true);
    expect(memory.u8[STACK + 255 * PAGE_SIZE + 100]).toBe(0);
    expect(memory.perms.every((perm) => perm === 0)).toBe(true);
    expect(next.cpu.r[StateWord.Gpr + 5]).toBe(0);
    expect(next.cpu.fprBits[7]).toBe(0);
    // Only the new CPU listens for code invalidations.
    expect(memory.codeInvalidationListeners).toHaveLength(1);
    expect(next.space.isMapped(DATA, PAGE_SIZE)).toBe(false);
  });
});
