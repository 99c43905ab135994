// End-to-end checks of the interpreter's run loop: an assembled counting loop with a delay slot,
// and calls between two code pages (the loop keeps the page it left for a call, for the return).
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
  // Calls from page A into page B, whose 25th rewrites an instruction of A's loop that has run
  // (and been decoded) 24 times: the interpreter must run the new instruction from then on, not
  // the one it decoded (it keeps A's decoded words while it runs B, and a write to A's code must
  // drop them). Through the handler array and through the switched loop.
  for (const switchedAfter of [Infinity, 0]) {
    it(`runs code a called page rewrote in the caller's page (${switchedAfter === 0 ? 'switched loop' : 'handler array'})`, () => {
      const mem = new FlatMemory(0x100_0000);
      const caller = assembleProgram(
        `
        li s0, 0
        li s1, 50
      loop:
        jal 0x401000
        nop
        li t3, 7
        addu s2, s2, t3
        addiu s0, s0, 1
        bne s0, s1, loop
        nop
        syscall`,
        0x40_0000,
      );
      // Counts its calls in t4; the 25th stores \`li t3, 9\` over the caller's \`li t3, 7\` (0x40_0010).
      const callee = assembleProgram(
        `
        addiu t4, t4, 1
        li t5, 25
        bne t4, t5, out
        nop
        lui t0, 0x40
        lui t1, 0x240b
        ori t1, t1, 9
        sw t1, 0x10(t0)
      out:
        jr ra
        nop`,
        0x40_1000,
      );
      mem.protect(0x40_0000, 0x2000, Perm.Read | Perm.Write | Perm.Exec);
      mem.u8.set(new Uint8Array(caller.buffer), 0x40_0000);
      mem.u8.set(new Uint8Array(callee.buffer), 0x40_1000);
      const cpu = new Cpu(mem, { exception: () => Status.Stop });
      cpu.switchedAfter = switchedAfter;
      cpu.setPc(0x40_0000);
      expect(cpu.run(10_000)).toBe(Status.Stop);
      expect(cpu.pc).toBe(0x40_0024); // the SYSCALL
      expect(cpu.r[12]).toBe(50); // t4: 50 calls
      expect(cpu.r[18]).toBe(24 * 7 + 26 * 9); // s2: 7 before the rewrite, 9 after
    });
  }
});
