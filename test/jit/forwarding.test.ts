// Registers without a local of their own (named fewer than MIN_USES_TO_CACHE times in a region)
// are stored to the state block when a block writes them, and later reads in the same block take
// the value from a temporary local (codegen/translate.ts FORWARD_TEMPORARIES). A handler call in
// between may write such a register in the state block, so the compiled code must read it there
// again; more registers than temporaries must each still read their own value.

import { describe, expect, it } from 'vitest';
import { Perm } from '../../runtime/flat-memory.js';
import { FORWARD_TEMPORARIES } from '../../codegen/translate.js';
import { flatMachine, type FlatMachine } from './flat-machine.js';
import { runBothToSyscall } from './same-state.js';

const CODE = 0x0040_0000;
const DATA = 0x0050_0000;

function machine(source: string): () => FlatMachine {
  return () =>
    flatMachine([{ address: CODE, source }], CODE, (memory) => {
      memory.protect(DATA, 0x1000, Perm.Read | Perm.Write);
      memory.u8.set([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88], DATA);
    });
}

describe('forwarding of registers written in a block', () => {
  it('reads a register again after a handler wrote it (LWL runs in the interpreter)', () => {
    const { jit } = runBothToSyscall(
      machine(`
        lui s2, ${DATA >>> 16}
        li s0, 1000
      loop:
        addiu t0, s0, 7
        lwl t0, 2(s2)
        addu v0, v0, t0
        addiu s0, s0, -1
        bne s0, zero, loop
        nop
        syscall`),
      { hotThreshold: 20 },
    );
    expect(jit.stats.compiledInstructions).toBeGreaterThan(3000);
    jit.close();
  });

  it(`keeps each register's value with more registers written than ${FORWARD_TEMPORARIES} temporaries`, () => {
    const registers = ['t0', 't1', 't2', 't3', 't4', 't5', 't6'];
    const { jit } = runBothToSyscall(
      machine(`
        li s0, 1000
      loop:
${registers.map((register, index) => `        addiu ${register}, s0, ${index * 3 + 1}`).join('\n')}
${registers.map((register) => `        addu v0, v0, ${register}\n        xor v1, v1, ${register}`).join('\n')}
        addiu s0, s0, -1
        bne s0, zero, loop
        nop
        syscall`),
      { hotThreshold: 20 },
    );
    expect(jit.stats.compiledInstructions).toBeGreaterThan(10_000);
    jit.close();
  });
});
