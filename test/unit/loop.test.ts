// A first end-to-end check of the interpreter: an assembled counting loop with a delay slot.
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/interp/cpu.js';
import { FlatMemory, Perm } from '../../runtime/flat-memory.js';
import { assembleProgram } from '../../src/isa/asm.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';

describe('interpreter run loop', () => {
  it('sums 0..9 in a loop whose delay slot does the add', () => {
    const mem = new FlatMemory(0x100_0000);
    const code = assembleProgram(
      `
      li t0, 0
      li t1, 0
    loop:
      addiu t1, t1, 1
      bne t1, 10, loop
      addu t0, t0, t1
      syscall`.replace('bne t1, 10', 'slti t2, t1, 10\n bne t2, zero'),
      0x40_0000,
    );
    mem.protect(0x40_0000, 0x1000, Perm.Read | Perm.Exec);
    mem.u8.set(new Uint8Array(code.buffer), 0x40_0000);
    const seen: ExcCode[] = [];
    const cpu = new Cpu(mem, {
      exception(_cpu, code) {
        seen.push(code);
        return Status.Stop;
      },
    });
    cpu.setPc(0x40_0000);
    expect(cpu.run(1000)).toBe(Status.Stop);
    expect(seen).toEqual([ExcCode.Sys]);
    expect(cpu.r[8]).toBe(55);
    expect(cpu.pc).toBe(0x40_0000 + 4 * 6);
  });
});
