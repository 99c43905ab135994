// Seeded differential fuzzing of the system-mode JIT, and of the interpreter's switched loop, against
// the interpreter through its handler array: random sequences from every table row (ALU, branches
// and delay slots, loads and stores through kseg0 and through TLB-mapped pages that may be invalid
// or clean, SYSCALL, traps, reserved words, CP0 and TLB instructions, the FPU) run in kernel and in
// user mode on all three, with an exception handler that skips the faulting instruction and
// sometimes a timer interrupt. After the same
// budget, the exit, all GPRs, HI/LO, PC, FPRs, FCSR, every CP0 register (Count included) and the
// data pages must be equal.
//
// MIPSJIT_SYSTEM_FUZZ_CASES=N (per mode), MIPSJIT_FUZZ_SEED picks another seed. The VMs are the
// bundled engine's (test/bundled-engine.ts), which runs them several times faster.

import { describe, expect, test } from 'vitest';
import { assembleProgram, MemFlag, Reg, type Exit, type Vcpu, type Vm } from '../../src/index.js';
import { engine as bundled } from '../bundled-engine.js';
import { decode, RESERVED, ROWS, type CompiledRow } from '../../src/isa/decode.js';
import { Flag } from '../../src/isa/table.js';
import { disassemble } from '../../src/isa/disasm.js';
import { CP0_REGISTER_IDS } from '../../src/vm/registers.js';
import { Random } from '../random.js';
import type { SystemCpu } from '../../src/interp/system-cpu.js';

const CASES = Number(process.env.MIPSJIT_SYSTEM_FUZZ_CASES ?? 300);
const SEED = Number(process.env.MIPSJIT_FUZZ_SEED ?? 0x5eed);
const SEQUENCE = 24;
const BUDGET = 3000;
const CODE_PHYSICAL = 0x0100_0000; // case i's code page
const DATA_PHYSICAL = 0x0200_0000; // case i's two data pages (an even/odd TLB pair)
const USER_CODE = 0x0040_0000; // user cases run their code here (TLB entry 1)
const MAPPED_DATA = 0x0060_0000; // the data pair, mapped (TLB entry 2)
const SETUP = 0x8000_2000; // kernel stub: writes TLB entries 1 and 2 from $a0..$a3, $t0..$t3
const BASE = 16; // $s0: the data base; never written by the sequence
const KEEP = new Set([BASE, 26, 27]); // $s0, $k0, $k1

const ROWS_EXECUTABLE = ROWS.filter((row) => !row.isAlias && row.name !== 'sdbbp');
const MEMORY = ROWS_EXECUTABLE.filter((row) => row.flags & (Flag.Load | Flag.Store));
const BRANCHES = ROWS_EXECUTABLE.filter((row) => row.flags & Flag.DelaySlot);

function setField(word: number, row: CompiledRow, name: keyof CompiledRow['fields'], value: number): number {
  const position = row.fields[name];
  if (!position) return word;
  const mask = ((1 << position.width) - 1) << position.shift;
  return ((word & ~mask) | ((value << position.shift) & mask)) >>> 0;
}

function randomWord(random: Random, index: number, pc: number): number {
  const choice = random.below(20);
  if (choice === 0) {
    for (;;) {
      const word = random.next();
      if (decode(word) === RESERVED) return word;
    }
  }
  const pool = choice < 7 ? MEMORY : choice < 11 ? BRANCHES : ROWS_EXECUTABLE;
  const row = pool[random.below(pool.length)]!;
  let word = (row.match | (random.next() & ~row.mask)) >>> 0;
  for (const name of ['rd', 'rt'] as const) {
    const position = row.fields[name];
    if (position && KEEP.has((word >>> position.shift) & 31)) word = setField(word, row, name, 17);
  }
  if (row.flags & (Flag.Load | Flag.Store) && random.below(8) !== 0) {
    word = setField(word, row, 'rs', BASE);
    if (row.fields.imm) word = setField(word, row, 'imm', random.below(0x1800) & 0xffff);
  }
  if (row.fields.imm && row.flags & Flag.DelaySlot) word = setField(word, row, 'imm', (random.below(SEQUENCE + 2) - index - 1) & 0xffff);
  if (row.fields.target) word = setField(word, row, 'target', ((pc & ~0xfff) >>> 2) + random.below(SEQUENCE + 2));
  // RDHWR $2 is a cycle counter: read $3 instead (see test/jit/fuzz.test.ts).
  if (row.name === 'rdhwr' && ((word >>> 11) & 31) === 2) word = setField(word, row, 'rd', 3);
  return word;
}

/** The exception handler (refill and general vectors): skip the faulting instruction (and its branch when in a delay slot). */
const HANDLER = ['mfc0 $k0, c0_cause', 'srl $k0, $k0, 31', 'sll $k0, $k0, 2', 'mfc0 $k1, c0_epc', 'addu $k1, $k1, $k0', 'addiu $k1, $k1, 4', 'mtc0 $k1, c0_epc', 'mtc0 $zero, c0_compare', 'eret'].join('\n');
const SETUP_STUB = [
  'li $t9, 1', 'mtc0 $t9, c0_index', 'mtc0 $a0, c0_entryhi', 'mtc0 $a1, c0_entrylo0', 'mtc0 $a2, c0_entrylo1', 'mtc0 $zero, c0_pagemask', 'tlbwi',
  'li $t9, 2', 'mtc0 $t9, c0_index', 'mtc0 $t0, c0_entryhi', 'mtc0 $t1, c0_entrylo0', 'mtc0 $t2, c0_entrylo1', 'tlbwi',
  'mtc0 $t3, c0_entryhi', 'sdbbp',
].join('\n');

/**
 * A machine for the cases; 'switched' is the interpreter whose loop switches on dispatch codes
 * (SystemCpu.run): from the first instruction of even cases, and partway through odd ones (switchAt).
 */
async function machine(engine: 'interp' | 'switched' | 'jit' | 'jit-all-locals'): Promise<{ vm: Vm; vcpu: Vcpu }> {
  const jit = engine === 'jit' || engine === 'jit-all-locals';
  const vm = await bundled.createVm({ engine: jit ? 'jit' : 'interp', tlbEntries: 16, hotThreshold: 1, compiler: 'inline', ...(engine === 'jit-all-locals' ? { minUsesToCache: 1 } : {}) });
  vm.setUserMemoryRegion({ slot: 0, flags: MemFlag.Readonly, guestPhysAddr: 0x1fc0_0000, memorySize: 0x1000 });
  vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0, memorySize: 0x300_0000 });
  for (const vector of [0x8000_0000, 0x8000_0180]) vm.writePhys(vector & 0x1fff_ffff, new Uint8Array(assembleProgram(HANDLER, vector).buffer));
  vm.writePhys(SETUP & 0x1fff_ffff, new Uint8Array(assembleProgram(SETUP_STUB, SETUP).buffer));
  const vcpu = vm.createVcpu(0);
  if (engine === 'switched') cpuOf(vcpu).switchedAfter = 0;
  return { vm, vcpu };
}

interface Case {
  user: boolean;
  words: number[];
  pc: number;
  codePhysical: number;
  dataPhysical: number;
  gprs: number[];
  fprs: number[];
  /** The FPRs' high words (seen as such with Status.FR=1, set in half the cases). */
  fprHighs: number[];
  hiLo: [number, number];
  status: number;
  compare: number;
  tlb: number[]; // a0 a1 a2 t0 t1 t2 t3
  data: Uint8Array;
}

function makeCase(index: number, user: boolean): Case {
  const random = new Random((Math.imul(SEED ^ (user ? 0x1234_5678 : 0), 0x9e37_79b9) ^ Math.imul(index + 1, 0x85eb_ca6b)) >>> 0);
  for (let warm = 0; warm < 4; warm++) random.next();
  const codePhysical = CODE_PHYSICAL + index * 0x1000;
  const dataPhysical = DATA_PHYSICAL + (index % 256) * 0x2000;
  const pc = user ? USER_CODE : (0x8000_0000 | codePhysical) >>> 0;
  const words = Array.from({ length: SEQUENCE }, (_, i) => randomWord(random, i, pc));
  const asid = random.below(4);
  const entryLo = (physical: number, flags: number) => ((physical >>> 12) << 6) | flags;
  // Code: valid, global. Data: each page randomly valid/dirty/global-or-ASID.
  const dataFlags = () => (3 << 3) | (random.below(4) !== 0 ? 2 : 0) | (random.below(3) !== 0 ? 4 : 0);
  const global = random.below(2);
  const tlb = [
    USER_CODE | asid,
    entryLo(codePhysical, 0x1f),
    entryLo(codePhysical, 0x1f),
    MAPPED_DATA | random.below(4),
    entryLo(dataPhysical, dataFlags() | global),
    entryLo(dataPhysical + 0x1000, dataFlags() | global),
    asid,
  ];
  const gprs = Array.from({ length: 32 }, () => (random.below(4) === 0 ? random.below(16) : random.next()));
  gprs[0] = 0;
  gprs[26] = 0;
  gprs[27] = 0;
  gprs[BASE] = random.below(2) === 0 ? MAPPED_DATA + random.below(0x800) * 4 : (0x8000_0000 | dataPhysical) + random.below(0x800) * 4;
  const timer = random.below(3) === 0;
  // Kernel: KSU 0; user: KSU 2. CU1 half the time; the timer (IM7, IE) a third of the time.
  const status = (user ? 0x10 : 0) | (random.below(2) ? 1 << 29 : 0) | (timer ? 0x8001 : 0);
  const data = new Uint8Array(0x2000);
  for (let i = 0; i < data.length; i++) data[i] = random.next() & 0xff;
  const fuzzCase: Case = {
    user, words, pc, codePhysical, dataPhysical, gprs, status, tlb, data,
    fprs: Array.from({ length: 32 }, () => random.next()),
    hiLo: [random.next(), random.next()],
    compare: 200 + random.below(2000),
    fprHighs: Array.from({ length: 32 }, () => random.next()),
  };
  if (random.below(2) === 0) fuzzCase.status |= 1 << 26; // Status.FR: 64-bit FPRs
  return fuzzCase;
}

const cpuOf = (vcpu: Vcpu): SystemCpu => (vcpu as unknown as { cpu: SystemCpu }).cpu;

/** Case `index` on the switched machine: even cases switch from the start, odd ones 1-200 instructions in (the setup stub runs ~50). */
function switchAt(vcpu: Vcpu, index: number): void {
  const cpu = cpuOf(vcpu);
  cpu.switchedAfter = index % 2 === 0 ? 0 : cpu.instructions + 1 + (index % 200);
}

function runCase(m: { vm: Vm; vcpu: Vcpu }, c: Case): { exit: Exit; state: Record<string, number>; data: number[] } {
  const { vm, vcpu } = m;
  vm.writePhys(c.codePhysical, new Uint8Array(Uint32Array.from([...c.words, ...Array(8).fill(0), 0x7000_003f]).buffer)); // NOPs, then SDBBP
  vm.writePhys(c.dataPhysical, c.data);
  // Set up the TLB with the stub, in kernel mode.
  vcpu.setOneReg(Reg.CP0_STATUS, 0);
  vcpu.setOneReg(Reg.CP0_EBASE, 0x8000_0000);
  [4, 5, 6, 8, 9, 10, 11].forEach((register, i) => vcpu.setOneReg(Reg.gpr(register), c.tlb[i]!));
  vcpu.setOneReg(Reg.PC, SETUP);
  const setup = vcpu.run({ maxInstructions: 100 });
  if (setup.reason !== 'debug') throw new Error(`setup stub: ${JSON.stringify(setup)}`);
  c.gprs.forEach((value, register) => register !== 0 && vcpu.setOneReg(Reg.gpr(register), value));
  c.fprs.forEach((value, register) => vcpu.setOneReg(Reg.fpr(register), value));
  c.fprHighs.forEach((value, register) => vcpu.setOneReg(Reg.fprHigh(register), value));
  vcpu.setOneReg(Reg.HI, c.hiLo[0]);
  vcpu.setOneReg(Reg.LO, c.hiLo[1]);
  vcpu.setOneReg(Reg.FCSR, 0);
  vcpu.setOneReg(Reg.CP0_COUNT, 0);
  vcpu.setOneReg(Reg.CP0_COMPARE, c.compare);
  vcpu.setOneReg(Reg.CP0_CAUSE, 0);
  vcpu.setOneReg(Reg.CP0_STATUS, c.status);
  vcpu.setOneReg(Reg.PC, c.pc);
  const exit = vcpu.run({ maxInstructions: BUDGET });
  const state: Record<string, number> = {};
  for (let n = 0; n < 32; n++) state[`r${n}`] = vcpu.getOneReg(Reg.gpr(n));
  for (let n = 0; n < 32; n++) state[`f${n}`] = vcpu.getOneReg(Reg.fpr(n));
  for (let n = 0; n < 32; n++) state[`f${n}.high`] = vcpu.getOneReg(Reg.fprHigh(n));
  for (const id of [Reg.PC, Reg.HI, Reg.LO, Reg.FCSR, ...CP0_REGISTER_IDS]) state[`0x${id.toString(16)}`] = vcpu.getOneReg(id);
  return { exit, state, data: Array.from(vm.readPhys(c.dataPhysical, 0x2000)) };
}

describe('system-mode differential fuzzing: JIT and the interpreter\'s switched loop vs the interpreter', () => {
  test.each([
    { mode: 'kernel', user: false },
    { mode: 'user', user: true },
  ])(`${CASES} $mode-mode cases`, async ({ user }) => {
    const interp = await machine('interp');
    const jit = await machine('jit');
    // Regions keep every register they name in a local here; on `jit` only those named
    // MIN_USES_TO_CACHE times, few in cases this short. Every machine runs every case: some state
    // (BadInstrP, Count) carries over from one case to the next.
    const jitAllLocals = await machine('jit-all-locals');
    const switched = await machine('switched');
    for (let index = 0; index < CASES; index++) {
      const c = makeCase(index, user);
      const expected = runCase(interp, c);
      for (const [name, other] of [['jit', jit], ['jit, all registers in locals', jitAllLocals], ['switched', switched]] as const) {
        if (name === 'switched') switchAt(other.vcpu, index);
        const got = runCase(other, c);
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          const listing = c.words.map((word, i) => `  ${((c.pc + i * 4) >>> 0).toString(16)}: ${word.toString(16).padStart(8, '0')}  ${disassemble(word, c.pc + i * 4)}`).join('\n');
          expect({ exit: got.exit, state: got.state }, `${name}, case ${index} (${user ? 'user' : 'kernel'}):\n${listing}`).toEqual({ exit: expected.exit, state: expected.state });
          expect(got.data, `${name}, case ${index}: data pages`).toEqual(expected.data);
        }
      }
    }
    expect(jit.vcpu.stats.compiledInstructions).toBeGreaterThan(0);
    expect(jitAllLocals.vcpu.stats.compiledInstructions).toBeGreaterThan(0);
  }, 120_000);
});
