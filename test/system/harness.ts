// Test harness for system-mode guests: a VM with a read-only boot ROM at 0x1fc0_0000 and RAM at 0,
// guest code written with the project's assembler at virtual kseg0/kseg1 addresses, and helpers to
// read CP0 through the one-reg API.

import { expect } from 'vitest';
import { assembleProgram, createVm, MemFlag, Reg, type Vcpu, type Vm } from '../../src/index.js';

export const ENGINES = ['interp', 'jit'] as const;
export type EngineName = (typeof ENGINES)[number];

export const ROM_BASE = 0x1fc0_0000;
export const ROM_SIZE = 0x1_0000;
export const RAM_SIZE = 0x100_0000;

/** Physical address of a kseg0/kseg1 virtual address. */
export const physicalOf = (virtual: number): number => (virtual & 0x1fff_ffff) >>> 0;

export interface Machine {
  vm: Vm;
  vcpu: Vcpu;
  /** Assembles `source` at virtual `address` (kseg0/kseg1) and stores it (ROM included). */
  load(address: number, source: string): Uint32Array;
  reg(id: number): number;
  gpr(n: number): number;
}

/** Adds `load`/`reg` helpers around a VM. */
export function machineOf(vm: Vm, vcpu: Vcpu): Machine {
  return {
    vm,
    vcpu,
    load(address, source) {
      const words = assembleProgram(source, address);
      vm.writePhys(physicalOf(address), new Uint8Array(words.buffer));
      return words;
    },
    reg: (id) => vcpu.getOneReg(id),
    gpr: (n) => vcpu.getOneReg(Reg.gpr(n)),
  };
}

export async function bootMachine(engine: EngineName, vcpus = 1): Promise<Machine & { vcpus: Vcpu[] }> {
  // Under the JIT, compile after two block entries so that short guests run compiled code.
  const vm = await createVm({ engine, tlbEntries: 32, hotThreshold: engine === 'jit' ? 2 : undefined, compiler: 'inline' });
  vm.setUserMemoryRegion({ slot: 0, flags: MemFlag.Readonly, guestPhysAddr: ROM_BASE, memorySize: ROM_SIZE });
  vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0, memorySize: RAM_SIZE });
  const all: Vcpu[] = [];
  for (let id = 0; id < vcpus; id++) all.push(vm.createVcpu(id));
  return { ...machineOf(vm, all[0]!), vcpus: all };
}

/** Boot code that leaves BEV/ERL (Status = `status`), then jumps to kseg0 `entry`. */
export const bootTo = (entry: number, status = 0) => `
  lui $t0, ${status >>> 16}
  ori $t0, $t0, ${status & 0xffff}
  mtc0 $t0, c0_status
  lui $t0, ${entry >>> 16}
  ori $t0, $t0, ${entry & 0xffff}
  jr $t0
  nop
`;

export { li32 } from '../../bench/system-programs.mjs';

export const Cause = {
  code: (cause: number) => (cause >>> 2) & 0x1f,
  bd: (cause: number) => cause >>> 31,
  ce: (cause: number) => (cause >>> 28) & 3,
  ip: (cause: number) => (cause >>> 8) & 0xff,
  ti: (cause: number) => (cause >>> 30) & 1,
};

/** How many times a case's faulting instruction faults under faultAgainAt: enough for the JIT to compile it (hot threshold 2). */
const FAULTS = 6;
/**
 * An exception vector that counts down $k0 and goes back to EPC until it reaches 0, then stops the
 * run with SDBBP, so that a case's checks see its last fault. It goes back by JR with Status.EXL
 * cleared (the cases run in kernel mode with Status 0), not by ERET: the JIT counts block starts
 * after delay slots, so EPC gets hot and its last faults are taken in compiled code.
 */
const FAULT_AGAIN = ['addiu $k0, $k0, -1', 'bnez $k0, again', 'nop', 'sdbbp', 'again: mfc0 $k1, c0_epc', 'mtc0 $zero, c0_status', 'jr $k1', 'nop'].join('\n');
/** The byte offset of the SDBBP at which a faultAgainAt vector stops the run. */
export const FAULT_AGAIN_SDBBP = 12;

/** Puts the FAULT_AGAIN vector at each of `vectors` and arms it: the faulting instruction faults FAULTS times. */
export function faultAgainAt(m: Machine, vectors: readonly number[]): void {
  for (const vector of vectors) m.load(vector, FAULT_AGAIN);
  m.vcpu.setOneReg(Reg.gpr(26), FAULTS);
}

/** How many times callRepeatedly calls a subroutine: the JIT compiles it after two entries (hot threshold 2). */
export const WARM_CALLS = 4;

/**
 * Calls the subroutine at `label` `times` times (JAL, counting `counter` down). Guest code that
 * runs once is only interpreted: the JIT compiles a block after it has been entered. A test whose
 * accesses sit in a subroutine called this way makes its later calls in compiled code.
 */
export const callRepeatedly = (label: string, times = WARM_CALLS, counter = '$s6') =>
  [`li ${counter}, ${times}`, `${label}_call:`, `jal ${label}`, 'nop', `addiu ${counter}, ${counter}, -1`, `bnez ${counter}, ${label}_call`, 'nop'].join('\n');

/** Under the JIT: the VCPUs ran some guest code compiled (a test's JIT variant tested compiled code). */
export function expectCompiled(engine: EngineName, ...vcpus: Vcpu[]): void {
  if (engine !== 'jit') return;
  for (const vcpu of vcpus) expect(vcpu.stats.compiledInstructions, JSON.stringify(vcpu.stats)).toBeGreaterThan(0);
}
