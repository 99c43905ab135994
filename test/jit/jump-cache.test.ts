// Register jumps stay in compiled code: a loop calls functions on three other pages through a
// table of function pointers (JALR) and each returns with JR $ra (one after a same-page call of
// its own). The JIT must compute what the interpreter does, and once everything is compiled the
// calls and returns must find their targets through the jump cache, not by returning to the engine.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Perm } from '../../runtime/flat-memory.js';
import { flatMachine, type FlatMachine } from './flat-machine.js';
import { runBothToSyscall } from './same-state.js';

const MAIN = 0x0040_0000;
const FUNCTIONS = [0x0040_1000, 0x0040_2000, 0x0040_3000];
const TABLE = 0x0050_0000;
const ROUNDS = 20_000;

const MAIN_SOURCE = `
    li s0, ${ROUNDS}
    lui s2, ${TABLE >>> 16}
  loop:
    andi t0, s0, 3
    sltiu t1, t0, 3
    bne t1, zero, pick
    nop
    move t0, zero
  pick:
    sll t0, t0, 2
    addu t0, t0, s2
    lw t9, 0(t0)
    jalr t9
    move a0, s0
    addu s1, s1, v0
    addiu s0, s0, -1
    bne s0, zero, loop
    nop
    syscall`;

/** Function i: v0 = (a0 * (i + 3)) ^ i, with a same-page helper call for the second one. */
function functionSource(index: number): string {
  const helper = index === 1 ? 'move t5, ra\n jal helper\n nop\n move ra, t5\n' : '';
  return `
    ${helper}
    li t2, ${index + 3}
    mul v0, a0, t2
    jr ra
    xori v0, v0, ${index}
  helper:
    jr ra
    addiu a0, a0, 7`;
}

function machine(): FlatMachine {
  const code = [{ address: MAIN, source: MAIN_SOURCE }, ...FUNCTIONS.map((address, index) => ({ address, source: functionSource(index) }))];
  return flatMachine(code, MAIN, (memory) => {
    memory.protect(TABLE, 0x1000, Perm.Read | Perm.Write);
    FUNCTIONS.forEach((address, index) => memory.u8.set(new Uint8Array(new Uint32Array([address]).buffer), TABLE + index * 4));
  });
}

describe('JIT jump cache', () => {

  it('runs calls through function pointers and their returns in compiled code', () => {
    const { compiled, jit } = runBothToSyscall(machine, { hotThreshold: 50 });
    expect(jit.stats.regionsCompiled).toBeGreaterThanOrEqual(4);
    expect(jit.stats.compiledInstructions / compiled.cpu.instructions).toBeGreaterThan(0.9);
    // Each round makes two or three register jumps; they must not go through the engine.
    expect(jit.stats.regionCalls).toBeLessThan(ROUNDS / 20);
    jit.close();
  });

  // Empty entries must not match: PC 0 and odd PCs look up entries whose empty tag they could
  // have been (a tag of 1 once sent a jump to PC 1 round the same region forever).
  const badTargets = [0, 1, 3, 0x10_0000, 0x0040_1002, 0x00f0_0000].map((target) => ({ target, hex: `0x${target.toString(16)}` }));
  it.each(badTargets)('a register jump from compiled code to $hex faults as in the interpreter', ({ target }) => {
    const fixture = fileURLToPath(new URL('./fixtures/jump-to-bad-target.mts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, TARGET: String(target) }, encoding: 'utf8', timeout: 60_000 });
    expect(child.signal, 'the run did not end (killed after 60 s)').toBeNull();
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout) as { jit: unknown; interpreter: { exceptions: number[] }; compiledInstructions: number };
    expect(result.interpreter.exceptions).toHaveLength(1);
    expect(result.jit).toEqual(result.interpreter);
    expect(result.compiledInstructions).toBeGreaterThan(10_000);
  });
});
