// Shared by the per-instruction interpreter tests and scripts/record-qemu-cases.ts: the shape of a
// case (initial registers/memory, code, expected outcome) and a runner on the reference interpreter.
import { ExcCode, Status } from '../../runtime/exceptions.js';
import { FlatMemory, Perm } from '../../runtime/flat-memory.js';
import { StateWord } from '../../runtime/state.js';
import { Cpu } from '../../src/interp/cpu.js';
import { assembleProgram } from '../../src/isa/asm.js';
import { GPR_NAMES, parseGpr } from '../../src/isa/operands.js';

/** Where a case's code is placed (the qemu program links it at the same address). */
export const CODE = 0x0050_0000;
/** A 64-byte data area the case may use; registers usually point into it. */
export const DATA = 0x0060_0000;
export const DATA_WORDS = 16;

export interface Outcome {
  /** Registers by name (`v0`, `t1`...) or `hi` / `lo`. */
  readonly regs?: Readonly<Record<string, number>>;
  /** Words of the data area, from DATA on (the rest stays as it was). */
  readonly mem?: readonly number[];
  /** The exception that ends the case; none: the code runs to its end. */
  readonly exception?: ExcCode;
  /** Word index (from CODE) of the instruction that raised the exception. */
  readonly exceptionAt?: number;
  /** The exception was taken in a branch delay slot. */
  readonly inDelaySlot?: boolean;
}

export interface InterpCase {
  /** What the case checks; also its key in the qemu record. */
  readonly name: string;
  /** Initial registers by name, or `hi` / `lo` (all others start at 0). */
  readonly regs?: Readonly<Record<string, number>>;
  /** Initial words of the data area (the rest is 0). */
  readonly mem?: readonly number[];
  /** Instructions in src/isa/asm.ts syntax (labels allowed), assembled at CODE. */
  readonly code: string;
  readonly expect: Outcome;
  /** Why qemu-mipsel cannot check this case, when it cannot. */
  readonly notUnderQemu?: string;
}

/** The final state of a run: all 32 GPRs, HI, LO, the data area, and the exception if any. */
export interface RunResult {
  readonly gpr: readonly number[];
  readonly hi: number;
  readonly lo: number;
  readonly mem: readonly number[];
  readonly exception?: ExcCode;
  readonly exceptionPc?: number;
  readonly inDelaySlot?: boolean;
}

/** Register index for a name used in cases (`hi`/`lo` map to the state words). */
export function registerIndex(name: string): number {
  if (name === 'hi') return StateWord.Hi;
  if (name === 'lo') return StateWord.Lo;
  const index = parseGpr(name);
  if (index === undefined) throw new Error(`unknown register ${name}`);
  return index;
}

export function assembleCase(testCase: InterpCase): Uint32Array {
  return assembleProgram(testCase.code, CODE);
}

/**
 * Runs a case on the interpreter; it ends at its first exception or at a SYSCALL appended to it.
 * Both run loops run it (the switched one and the one through the handler array, Cpu.run) and
 * must agree.
 */
export function runOnInterpreter(testCase: InterpCase): RunResult {
  const switched = runOnLoop(testCase, 0);
  const throughArray = runOnLoop(testCase, Infinity);
  if (JSON.stringify(switched) !== JSON.stringify(throughArray)) {
    throw new Error(`${testCase.name}: the switched loop ended in ${JSON.stringify(switched)}, the array loop in ${JSON.stringify(throughArray)}`);
  }
  return switched;
}

function runOnLoop(testCase: InterpCase, switchedAfter: number): RunResult {
  const words = assembleCase(testCase);
  const mem = new FlatMemory(0x80_0000);
  mem.protect(CODE, 0x1000, Perm.Read | Perm.Exec);
  mem.protect(DATA, 0x1000, Perm.Read | Perm.Write);
  mem.i32.set(words, CODE >>> 2);
  mem.i32[(CODE >>> 2) + words.length] = 0x0000_000c; // syscall: the end of the case
  mem.i32.set(testCase.mem ?? [], DATA >>> 2);
  let exception: { code: ExcCode; pc: number; inDelaySlot: boolean } | undefined;
  const cpu = new Cpu(mem, {
    exception(cpuAtException, code) {
      exception = { code, pc: cpuAtException.pc, inDelaySlot: cpuAtException.inDelaySlot };
      return Status.Stop;
    },
  });
  cpu.switchedAfter = switchedAfter;
  for (const [name, value] of Object.entries(testCase.regs ?? {})) cpu.r[registerIndex(name)] = value;
  cpu.setPc(CODE);
  const status = cpu.run(10_000);
  if (status !== Status.Stop || exception === undefined) throw new Error(`${testCase.name}: did not stop`);
  const end = (CODE + 4 * words.length) | 0;
  const ended = exception.code === ExcCode.Sys && exception.pc === end;
  return {
    gpr: Array.from(cpu.r.subarray(0, 32)),
    hi: cpu.hi,
    lo: cpu.lo,
    mem: Array.from(mem.i32.subarray(DATA >>> 2, (DATA >>> 2) + DATA_WORDS)),
    ...(ended ? {} : { exception: exception.code, exceptionPc: exception.pc, inDelaySlot: exception.inDelaySlot }),
  };
}

/** The outcome's registers as [name, index, expected value] (values as signed 32-bit). */
export function expectedRegisters(outcome: Outcome): [string, number, number][] {
  return Object.entries(outcome.regs ?? {}).map(([name, value]) => [name, registerIndex(name), value | 0]);
}

export { GPR_NAMES };
