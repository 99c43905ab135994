// Per-instruction cases for branches and jumps: delay slots, branch-likely nullification, links,
// and exceptions in delay slots. Checked on the interpreter (branch.test.ts) and, except where a
// case says otherwise, run under qemu-mipsel by scripts/record-qemu-cases.ts.
import { ExcCode } from '../../runtime/exceptions.js';
import { CODE, type InterpCase } from './harness.js';

// s0 counts delay-slot executions, s1 the fall-through path, s2 the branch target.
const shape = (branchLine: string) => `
  ${branchLine}
  addiu s0, s0, 1
  addiu s1, s1, 1
target:
  addiu s2, s2, 1`;
const TAKEN = { s0: 1, s1: 0, s2: 1 };
const NOT_TAKEN = { s0: 1, s1: 1, s2: 1 };
const NULLIFIED = { s0: 0, s1: 1, s2: 1 };

/** A conditional branch case: `operands` are the register operands before the target. */
function branchCase(mnemonic: string, operands: string, regs: Record<string, number>, outcome: Record<string, number>, what: string): InterpCase {
  return { name: `${mnemonic} ${what}`, regs, code: shape(`${mnemonic} ${operands}${operands ? ', ' : ''}target`), expect: { regs: outcome } };
}

export const BRANCH_CASES: readonly InterpCase[] = [
  // ---- Conditional branches: the delay slot always executes ----
  branchCase('beq', 'a0, a1', { a0: 3, a1: 3 }, TAKEN, 'taken: delay slot runs, fall-through skipped'),
  branchCase('beq', 'a0, a1', { a0: 3, a1: 4 }, NOT_TAKEN, 'not taken: delay slot and fall-through run'),
  branchCase('bne', 'a0, a1', { a0: 3, a1: 4 }, TAKEN, 'taken when different'),
  branchCase('bne', 'a0, a1', { a0: 3, a1: 3 }, NOT_TAKEN, 'not taken when equal'),
  branchCase('b', '', {}, TAKEN, 'always taken'),
  branchCase('beqz', 'a0', { a0: 0 }, TAKEN, 'taken on zero'),
  branchCase('bnez', 'a0', { a0: -1 }, TAKEN, 'taken on non-zero'),
  branchCase('blez', 'a0', { a0: 0 }, TAKEN, 'taken on zero'),
  branchCase('blez', 'a0', { a0: 1 }, NOT_TAKEN, 'not taken on positive'),
  branchCase('bgtz', 'a0', { a0: 0 }, NOT_TAKEN, 'not taken on zero'),
  branchCase('bgtz', 'a0', { a0: 0x7fff_ffff }, TAKEN, 'taken on positive'),
  branchCase('bltz', 'a0', { a0: -0x8000_0000 }, TAKEN, 'taken on negative'),
  branchCase('bltz', 'a0', { a0: 0 }, NOT_TAKEN, 'not taken on zero'),
  branchCase('bgez', 'a0', { a0: 0 }, TAKEN, 'taken on zero'),
  branchCase('bgez', 'a0', { a0: -1 }, NOT_TAKEN, 'not taken on negative'),

  // ---- Branch-likely: the delay slot runs only when taken ----
  branchCase('beql', 'a0, a1', { a0: 3, a1: 3 }, TAKEN, 'taken: delay slot runs'),
  branchCase('beql', 'a0, a1', { a0: 3, a1: 4 }, NULLIFIED, 'not taken: delay slot nullified'),
  branchCase('bnel', 'a0, a1', { a0: 3, a1: 3 }, NULLIFIED, 'not taken: delay slot nullified'),
  branchCase('bnel', 'a0, a1', { a0: 3, a1: 4 }, TAKEN, 'taken: delay slot runs'),
  branchCase('blezl', 'a0', { a0: 1 }, NULLIFIED, 'not taken: delay slot nullified'),
  branchCase('bgtzl', 'a0', { a0: 1 }, TAKEN, 'taken: delay slot runs'),
  branchCase('bltzl', 'a0', { a0: 0 }, NULLIFIED, 'not taken: delay slot nullified'),
  branchCase('bgezl', 'a0', { a0: -1 }, NULLIFIED, 'not taken: delay slot nullified'),
  branchCase('bgezl', 'a0', { a0: 0 }, TAKEN, 'taken: delay slot runs'),

  // ---- Links: $31 = address of the branch + 8, taken or not ----
  {
    name: 'bltzal taken links $31 = pc + 8',
    regs: { a0: -1 },
    code: shape('bltzal a0, target'),
    expect: { regs: { ...TAKEN, ra: CODE + 8 } },
  },
  {
    name: 'bltzal not taken still links',
    regs: { a0: 1 },
    code: shape('bltzal a0, target'),
    expect: { regs: { ...NOT_TAKEN, ra: CODE + 8 } },
  },
  {
    name: 'bgezal taken links',
    regs: { a0: 0 },
    code: shape('bgezal a0, target'),
    expect: { regs: { ...TAKEN, ra: CODE + 8 } },
  },
  { name: 'bal links and is taken', code: shape('bal target'), expect: { regs: { ...TAKEN, ra: CODE + 8 } } },
  {
    name: 'bltzall not taken links and nullifies the delay slot',
    regs: { a0: 1 },
    code: shape('bltzall a0, target'),
    expect: { regs: { ...NULLIFIED, ra: CODE + 8 } },
  },
  {
    name: 'bgezall taken links and runs the delay slot',
    regs: { a0: 1 },
    code: shape('bgezall a0, target'),
    expect: { regs: { ...TAKEN, ra: CODE + 8 } },
  },
  {
    name: 'a link in the delay slot of a linking branch sees the first link',
    code: 'nop\nbal target\nmove v0, ra\nnop\ntarget:\nnop',
    expect: { regs: { ra: CODE + 12, v0: CODE + 12 } },
  },

  // ---- Jumps ----
  { name: 'j jumps after its delay slot', code: shape('j target'), expect: { regs: TAKEN } },
  { name: 'jal links $31 = pc + 8', code: shape('jal target'), expect: { regs: { ...TAKEN, ra: CODE + 8 } } },
  {
    name: 'jr jumps to rs after its delay slot',
    regs: { t9: CODE + 12 },
    code: shape('jr t9'),
    expect: { regs: TAKEN },
  },
  {
    name: 'jalr with one operand links $31',
    regs: { t9: CODE + 12 },
    code: shape('jalr t9'),
    expect: { regs: { ...TAKEN, ra: CODE + 8 } },
  },
  {
    name: 'jalr rd links rd and leaves $31 alone',
    regs: { t9: CODE + 12, ra: 0x55 },
    code: shape('jalr v0, t9'),
    expect: { regs: { ...TAKEN, v0: CODE + 8, ra: 0x55 } },
  },
  {
    name: 'jalr reads rs before the delay slot changes it',
    regs: { t9: CODE + 12 },
    code: 'jalr t9\naddiu t9, t9, 4\naddiu s1, s1, 1\ntarget:\naddiu s2, s2, 1',
    expect: { regs: { s1: 0, s2: 1, t9: CODE + 16 } },
  },
  {
    name: 'jr.hb and jalr.hb jump like jr and jalr',
    regs: { t9: CODE + 12, t8: CODE + 24 },
    code: 'jr.hb t9\naddiu s0, s0, 1\naddiu s1, s1, 1\njalr.hb v0, t8\naddiu s0, s0, 1\naddiu s1, s1, 1\naddiu s2, s2, 1',
    expect: { regs: { s0: 2, s1: 0, s2: 1, v0: CODE + 20 } },
  },
  {
    name: 'a backward branch loops; its delay slot runs on every iteration',
    regs: { a0: 3 },
    code: 'loop:\naddiu a0, a0, -1\nbnez a0, loop\naddiu s0, s0, 1\naddiu s1, s1, 1',
    expect: { regs: { a0: 0, s0: 3, s1: 1 } },
  },

  // ---- Exceptions and delay slots ----
  {
    name: 'an exception in a delay slot reports inDelaySlot with pc at the delay-slot instruction',
    regs: { a0: 0x7fff_ffff, a1: 1, v0: 9 },
    code: 'beq zero, zero, target\nadd v0, a0, a1\nnop\ntarget:\nnop',
    expect: { exception: ExcCode.Ov, exceptionAt: 1, inDelaySlot: true, regs: { v0: 9 } },
  },
  {
    name: 'an exception in the delay slot of a not-taken branch is in a delay slot too',
    regs: { a0: 5, a1: 5 },
    code: 'bne a0, a1, target\nteq a0, a1\nnop\ntarget:\nnop',
    expect: { exception: ExcCode.Tr, exceptionAt: 1, inDelaySlot: true },
  },
  {
    name: 'an exception at a branch target is not in a delay slot',
    regs: { a0: 5, a1: 5 },
    code: 'b target\nnop\nnop\ntarget:\nteq a0, a1',
    expect: { exception: ExcCode.Tr, exceptionAt: 3, inDelaySlot: false },
  },
  {
    name: 'a syscall in a jal delay slot is in a delay slot, and $31 is already linked',
    code: 'jal target\nsyscall\nnop\ntarget:\nnop',
    expect: { exception: ExcCode.Sys, exceptionAt: 1, inDelaySlot: true, regs: { ra: CODE + 8 } },
    notUnderQemu: 'Linux services the syscall and goes on',
  },
];
