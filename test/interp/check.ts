// Assertions shared by the per-instruction interpreter tests: a case's run on the interpreter
// against its expectations, and the same expectations against what qemu-mipsel recorded.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ExcCode } from '../../runtime/exceptions.js';
import { CODE, expectedRegisters, runOnInterpreter, type InterpCase, type RunResult } from './harness.js';
import type { QemuRecord } from '../../scripts/record-qemu-cases.js';

/** Results of scripts/record-qemu-cases.ts, by case name. */
export const QEMU_RECORDS: Readonly<Record<string, QemuRecord>> = JSON.parse(
  readFileSync(new URL('./fixture/qemu-cases.json', import.meta.url), 'utf8'),
) as Record<string, QemuRecord>;

/** The signals qemu-mipsel's Linux user mode delivers for an exception (Tr: SIGTRAP, or SIGFPE for some codes). */
const SIGNALS: Partial<Record<ExcCode, readonly number[]>> = {
  [ExcCode.Ov]: [8],
  [ExcCode.Tr]: [5, 8],
  [ExcCode.RI]: [4],
  [ExcCode.AdEL]: [7, 11],
  [ExcCode.AdES]: [7, 11],
  [ExcCode.TLBL]: [11],
  [ExcCode.Bp]: [5],
};

/** GPRs the qemu harness uses itself (k0, k1) or that Linux sets up (sp). */
const HARNESS_REGISTERS = new Set([26, 27, 29]);

function registerValue(result: { gpr?: readonly number[]; hi?: number; lo?: number }, index: number): number | undefined {
  if (index === 32) return result.hi;
  if (index === 33) return result.lo;
  return result.gpr?.[index];
}

/** Runs the case on the interpreter and checks every stated expectation. */
export function checkOnInterpreter(testCase: InterpCase): RunResult {
  const result = runOnInterpreter(testCase);
  const outcome = testCase.expect;
  expect(result.exception, 'exception').toBe(outcome.exception);
  if (outcome.exception !== undefined) {
    if (outcome.exceptionAt !== undefined) expect(result.exceptionPc, 'exception pc').toBe((CODE + 4 * outcome.exceptionAt) | 0);
    expect(result.inDelaySlot, 'inDelaySlot').toBe(outcome.inDelaySlot ?? false);
  }
  for (const [name, index, value] of expectedRegisters(outcome)) {
    expect(registerValue(result, index), `register ${name}`).toBe(value);
  }
  outcome.mem?.forEach((word, index) => expect(result.mem[index], `data word ${index}`).toBe(word | 0));
  return result;
}

/**
 * Checks the case's expectations against qemu-mipsel's record, and (when the case runs to its
 * end) that the interpreter's whole state equals qemu's: every GPR but the harness's, HI, LO, data.
 */
export function checkAgainstQemu(testCase: InterpCase, interpreter: RunResult): void {
  const record = QEMU_RECORDS[testCase.name];
  expect(record, `no qemu record for "${testCase.name}": run npx tsx scripts/record-qemu-cases.ts`).toBeDefined();
  const outcome = testCase.expect;
  if (outcome.exception !== undefined) {
    expect(SIGNALS[outcome.exception], `qemu signal ${record!.signal}`).toContain(record!.signal);
    return;
  }
  expect(record!.signal, 'qemu was killed by a signal').toBeUndefined();
  for (const [name, index, value] of expectedRegisters(outcome)) {
    expect(registerValue(record!, index), `qemu register ${name}`).toBe(value);
  }
  outcome.mem?.forEach((word, index) => expect(record!.mem?.[index], `qemu data word ${index}`).toBe(word | 0));
  for (let index = 0; index < 32; index++) {
    if (!HARNESS_REGISTERS.has(index)) expect(interpreter.gpr[index], `GPR ${index} vs qemu`).toBe(record!.gpr![index]);
  }
  expect([interpreter.hi, interpreter.lo], 'HI/LO vs qemu').toEqual([record!.hi, record!.lo]);
  expect(interpreter.mem, 'data area vs qemu').toEqual(record!.mem);
}

/** Both checks, for a test body. */
export function checkCase(testCase: InterpCase): void {
  const interpreter = checkOnInterpreter(testCase);
  if (testCase.notUnderQemu === undefined) checkAgainstQemu(testCase, interpreter);
}
