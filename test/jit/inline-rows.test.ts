// Rows the JIT translates inline that glibc's code meets in hot loops: the conditional traps GCC
// puts after each division (TEQ divisor, $0) and RDHWR $29, the thread pointer read of every
// errno or TLS access. Each case is a loop the JIT compiles that must run without calling an
// interpreter handler, and whose end (a trap that fires, or the loop's exit) must leave the state
// the interpreter leaves.

import { describe, expect, it } from 'vitest';
import { JitEngine } from '../../codegen/engine.js';
import { ExcCode, Status } from '../../runtime/exceptions.js';
import { flatMachine } from './flat-machine.js';
import { expectSameState } from './same-state.js';

const CODE = 0x0040_0000;

interface Case {
  readonly name: string;
  readonly source: string;
  /** The exception that ends the run (none: the loop ends at BREAK). */
  readonly exception: ExcCode;
  readonly userLocal?: number;
}

const CASES: readonly Case[] = [
  {
    // t0 counts down to 0; the division by it traps in the compiled loop once it is 0.
    name: 'TEQ after a division fires when the divisor reaches zero',
    source: `
      li t0, 60
      li t1, 1000
    loop:
      div zero, t1, t0
      teq t0, zero, 7
      mflo t2
      addu t3, t3, t2
      b loop
      addiu t0, t0, -1`,
    exception: ExcCode.Tr,
  },
  {
    // Every compare of the family, none firing until t0 reaches 40 (TGEI).
    name: 'the register and immediate traps compare signed and unsigned as the interpreter',
    source: `
      li t1, -1
    loop:
      tne t0, t0
      tge t1, t0
      tltu t1, t0
      tlt t1, t1
      teqi t0, -5
      tnei t1, -1
      tgeiu t0, -8
      tlti t0, -3
      tltiu t1, 5
      tgeu t0, t1
      tgei t0, 40
      b loop
      addiu t0, t0, 1`,
    exception: ExcCode.Tr,
  },
  {
    // RDHWR $29 reads UserLocal, $0 CPUNum, $1 SYNCI_Step and $3 CCRes.
    name: 'RDHWR reads UserLocal and the constant hardware registers',
    source: `
      li t0, 50
    loop:
      rdhwr v1, $29
      rdhwr a0, $0
      rdhwr a1, $1
      rdhwr a2, $3
      addu t3, t3, v1
      addu t3, t3, a1
      addiu t0, t0, -1
      bne t0, zero, loop
      nop
      break`,
    exception: ExcCode.Bp,
    userLocal: 0x7fff_7010 | 0x8000_0000,
  },
];

function machine(testCase: Case) {
  const built = flatMachine([{ address: CODE, source: testCase.source }], CODE);
  built.cpu.userLocal = testCase.userLocal ?? 0;
  return built;
}

describe('JIT inline traps and RDHWR', () => {

  for (const testCase of CASES) {
    it(testCase.name, () => {
      const interpreted = machine(testCase);
      expect(interpreted.cpu.run(100_000)).toBe(Status.Stop);
      const compiled = machine(testCase);
      const jit = new JitEngine(compiled.cpu, { hotThreshold: 2 });
      let handlerCalls = 0;
      const execute = compiled.cpu.executeHandler.bind(compiled.cpu);
      compiled.cpu.executeHandler = (...args) => {
        handlerCalls++;
        return execute(...args);
      };
      expect(jit.run(100_000)).toBe(Status.Stop);

      expect(interpreted.exceptions).toEqual([testCase.exception]);
      expectSameState(compiled, interpreted);
      // The loop ran compiled, and its traps and RDHWRs ran inline (BREAK is the one handler call).
      expect(jit.stats.compiledInstructions / compiled.cpu.instructions).toBeGreaterThan(0.5);
      expect(handlerCalls).toBeLessThanOrEqual(1);
      jit.close();
    });
  }
});
