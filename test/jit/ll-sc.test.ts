// LL/SC compiled inline in user mode (codegen/translate.ts storeConditional): the link lives in
// the state block (StateWord.LlBit, LlAddress), where the interpreter's handlers keep it too.
// Each program runs compiled and interpreted to its SYSCALL; registers and the counter in memory
// must agree, so a link that an SC does not clear, or an SC that stores without the link, shows.

import { describe, expect, it } from 'vitest';
import { ExcCode } from '../../runtime/exceptions.js';
import { Perm } from '../../runtime/flat-memory.js';
import { JitEngine } from '../../codegen/engine.js';
import { flatMachine, type FlatMachine } from './flat-machine.js';
import { expectSameState, runBothToSyscall } from './same-state.js';

const CODE = 0x0040_0000;
const DATA = 0x0050_0000;
const READ_ONLY = 0x0051_0000;

function machine(source: string): () => FlatMachine {
  return () =>
    flatMachine([{ address: CODE, source }], CODE, (memory) => {
      memory.protect(DATA, 0x1000, Perm.Read | Perm.Write);
      memory.protect(READ_ONLY, 0x1000, Perm.Read);
    });
}

/** 500 trips through `body` with s2 = DATA; then a0, a1 = the words at DATA and DATA + 4. */
function countedLoop(body: readonly string[]): () => FlatMachine {
  return machine(`
        lui s2, ${DATA >>> 16}
        li s0, 500
      loop:
        ${body.join('\n        ')}
        addiu s0, s0, -1
        bne s0, zero, loop
        nop
        lw a0, 0(s2)
        lw a1, 4(s2)
        syscall`);
}

describe('LL/SC in compiled code', () => {
  it('an SC clears the link, so a second SC without LL fails and stores nothing', () => {
    const { compiled, jit } = runBothToSyscall(
      countedLoop(['ll t0, 0(s2)', 'addiu t0, t0, 1', 'sc t0, 0(s2)', 'addu v0, v0, t0', 'addiu t1, s0, 100', 'sc t1, 0(s2)', 'addu v1, v1, t1']),
      { hotThreshold: 20 },
    );
    expect(compiled.cpu.r[2]).toBe(500); // every first SC stored
    expect(compiled.cpu.r[3]).toBe(0); // no second one did
    expect(compiled.cpu.r[4]).toBe(500);
    expect(jit.stats.compiledInstructions).toBeGreaterThan(3000);
    jit.close();
  });

  it('an SC to another address fails and keeps the link for the linked one', () => {
    const { compiled, jit } = runBothToSyscall(
      countedLoop(['ll t0, 0(s2)', 'move t2, t0', 'sc t2, 4(s2)', 'addu v1, v1, t2', 'addiu t0, t0, 3', 'sc t0, 0(s2)', 'addu v0, v0, t0']),
      { hotThreshold: 20 },
    );
    expect(compiled.cpu.r[2]).toBe(500);
    expect(compiled.cpu.r[3]).toBe(0);
    expect(compiled.cpu.r[4]).toBe(1500);
    expect(compiled.cpu.r[5]).toBe(0);
    jit.close();
  });

  it('a linked SC to a read-only page faults as in the interpreter', () => {
    // One compiled block: LL and SC on DATA at every trip, on the read-only word at the last.
    const source = `
        lui s2, ${READ_ONLY >>> 16}
        lui s3, ${DATA >>> 16}
        li s0, 500
      loop:
        addiu s0, s0, -1
        sltiu t1, s0, 1
        subu t2, s2, s3
        mul t2, t2, t1
        addu a0, s3, t2
        ll t0, 0(a0)
        addiu t0, t0, 1
        sc t0, 0(a0)
        bne s0, zero, loop
        nop
        syscall`;
    const compiled = machine(source)();
    const jit = new JitEngine(compiled.cpu, { hotThreshold: 20 });
    jit.run(1_000_000);
    const interpreted = machine(source)();
    interpreted.cpu.run(1_000_000);
    expect(interpreted.exceptions).toEqual([ExcCode.TLBS]);
    expectSameState(compiled, interpreted);
    jit.close();
  });
});
