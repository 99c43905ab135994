// Per-instruction cases for the interpreter's integer, shift, multiply/divide, bit-field, trap and
// load/store handlers. Each is checked on the interpreter (integer.test.ts) and was run under
// qemu-mipsel by scripts/record-qemu-cases.ts (its results: fixture/qemu-cases.json).
import { ExcCode } from '../../runtime/exceptions.js';
import { DATA, type InterpCase } from './harness.js';

const MIN = -0x8000_0000;
const MAX = 0x7fff_ffff;

export const INTEGER_CASES: readonly InterpCase[] = [
  // ---- Add / subtract, overflow ----
  { name: 'addu wraps without trapping', regs: { a0: MAX, a1: 1 }, code: 'addu v0, a0, a1', expect: { regs: { v0: MIN } } },
  { name: 'add without overflow adds', regs: { a0: -5, a1: 3 }, code: 'add v0, a0, a1', expect: { regs: { v0: -2 } } },
  {
    name: 'add positive overflow raises Ov and leaves rd unchanged',
    regs: { a0: MAX, a1: 1, v0: 0x1234 },
    code: 'add v0, a0, a1',
    expect: { exception: ExcCode.Ov, exceptionAt: 0, regs: { v0: 0x1234 } },
  },
  {
    name: 'add negative overflow raises Ov and leaves rd unchanged',
    regs: { a0: MIN, a1: -1, v0: 77 },
    code: 'add v0, a0, a1',
    expect: { exception: ExcCode.Ov, regs: { v0: 77 } },
  },
  {
    name: 'addi overflow raises Ov and leaves rt unchanged',
    regs: { a0: MAX - 2, v0: 9 },
    code: 'addi v0, a0, 3',
    expect: { exception: ExcCode.Ov, regs: { v0: 9 } },
  },
  { name: 'addi with a negative immediate', regs: { a0: 10 }, code: 'addi v0, a0, -32768', expect: { regs: { v0: 10 - 32768 } } },
  { name: 'addiu wraps', regs: { a0: MAX }, code: 'addiu v0, a0, 1', expect: { regs: { v0: MIN } } },
  {
    name: 'sub overflow (INT_MIN - 1) raises Ov and leaves rd unchanged',
    regs: { a0: MIN, a1: 1, v0: 5 },
    code: 'sub v0, a0, a1',
    expect: { exception: ExcCode.Ov, regs: { v0: 5 } },
  },
  {
    name: 'sub overflow (0 - INT_MIN) raises Ov',
    regs: { a1: MIN, v0: 5 },
    code: 'sub v0, zero, a1',
    expect: { exception: ExcCode.Ov, regs: { v0: 5 } },
  },
  { name: 'sub without overflow', regs: { a0: -3, a1: 4 }, code: 'sub v0, a0, a1', expect: { regs: { v0: -7 } } },
  { name: 'subu wraps', regs: { a0: MIN, a1: 1 }, code: 'subu v0, a0, a1', expect: { regs: { v0: MAX } } },
  { name: 'add to $zero leaves it zero', regs: { a0: 1, a1: 2 }, code: 'addu zero, a0, a1', expect: { regs: { zero: 0 } } },
  {
    // The switched loops run these through the handler array (src/interp/dispatch.ts dispatchCodeOf).
    name: 'results written to $zero are dropped, register and immediate forms, loads and moves alike',
    regs: { a0: 0x1234_5678, a1: 7, a2: DATA },
    mem: [0x5555_aaaa],
    code: 'addiu zero, a0, 5\nlui zero, 0x1234\nsll zero, a0, 3\nsltu zero, a1, a0\nlw zero, 0(a2)\nor v0, zero, zero\nmfhi zero\nclz zero, a1\next zero, a0, 4, 8\nmovn zero, a0, a1\nmove v1, zero',
    expect: { regs: { zero: 0, v0: 0, v1: 0 } },
  },
  {
    name: 'a load to $zero from an unmapped address still faults',
    regs: { a2: 0x10 },
    code: 'lw zero, 0(a2)',
    expect: { exception: ExcCode.TLBL, exceptionAt: 0 },
  },
  {
    name: 'nop, ssnop and ehb change nothing',
    regs: { a0: 3 },
    code: 'nop\nssnop\nehb\naddiu v0, a0, 1',
    expect: { regs: { v0: 4, zero: 0 } },
  },

  // ---- Logic and compare ----
  {
    name: 'and, or, xor, nor',
    regs: { a0: 0xf0f0_ff00 | 0, a1: 0x0ff0_0ff0 },
    code: 'and v0, a0, a1\nor v1, a0, a1\nxor t0, a0, a1\nnor t1, a0, a1',
    expect: { regs: { v0: 0x00f0_0f00, v1: 0xfff0_fff0 | 0, t0: 0xff00_f0f0 | 0, t1: 0x000f_000f } },
  },
  {
    name: 'andi, ori, xori zero-extend the immediate; lui fills the top half',
    regs: { a0: -1 },
    code: 'andi v0, a0, 0x8001\nori v1, zero, 0xffff\nxori t0, a0, 0x8000\nlui t1, 0x8765',
    expect: { regs: { v0: 0x8001, v1: 0xffff, t0: 0xffff_7fff | 0, t1: 0x8765_0000 | 0 } },
  },
  {
    name: 'slt is signed, sltu unsigned',
    regs: { a0: -1, a1: 1 },
    code: 'slt v0, a0, a1\nsltu v1, a0, a1\nslt t0, a1, a0\nsltu t1, a1, a0',
    expect: { regs: { v0: 1, v1: 0, t0: 0, t1: 1 } },
  },
  {
    name: 'slti compares signed; sltiu compares against the sign-extended immediate unsigned',
    regs: { a0: 5 },
    code: 'slti v0, a0, -1\nsltiu v1, a0, -1\nslti t0, a0, 6\nsltiu t1, a0, 5',
    expect: { regs: { v0: 0, v1: 1, t0: 1, t1: 0 } },
  },
  {
    name: 'movz moves when rt is zero, movn when it is not',
    regs: { a0: 11, a1: 0, a2: 3, v0: 1, v1: 2, t0: 3, t1: 4 },
    code: 'movz v0, a0, a1\nmovz v1, a0, a2\nmovn t0, a0, a1\nmovn t1, a0, a2',
    expect: { regs: { v0: 11, v1: 2, t0: 3, t1: 11 } },
  },

  // ---- Shifts and rotates ----
  {
    name: 'sll, srl, sra by constants',
    regs: { a0: 0x8000_0001 | 0 },
    code: 'sll v0, a0, 4\nsrl v1, a0, 4\nsra t0, a0, 4\nsll t1, a0, 31\nsra t2, a0, 31\nsrl t3, a0, 31',
    expect: { regs: { v0: 0x0000_0010, v1: 0x0800_0000, t0: 0xf800_0000 | 0, t1: MIN, t2: -1, t3: 1 } },
  },
  {
    name: 'sllv, srlv, srav use the low five bits of rs',
    regs: { a0: 0x8000_00f0 | 0, a1: 36 },
    code: 'sllv v0, a0, a1\nsrlv v1, a0, a1\nsrav t0, a0, a1',
    expect: { regs: { v0: 0x0000_0f00, v1: 0x0800_000f, t0: 0xf800_000f | 0 } },
  },
  {
    name: 'rotr by 0, 8 and 31',
    regs: { a0: 0x1234_5678 },
    code: 'ror v0, a0, 0\nror v1, a0, 8\nror t0, a0, 31',
    expect: { regs: { v0: 0x1234_5678, v1: 0x7812_3456, t0: 0x2468_acf0 } },
  },
  {
    name: 'rotrv uses the low five bits of rs (33 rotates by 1, 32 by 0)',
    regs: { a0: 0x8765_4321 | 0, a1: 33, a2: 32 },
    code: 'rorv v0, a0, a1\nrorv v1, a0, a2',
    expect: { regs: { v0: 0xc3b2_a190 | 0, v1: 0x8765_4321 | 0 } },
  },

  // ---- Multiply, divide, HI/LO ----
  {
    name: 'mult gives the signed 64-bit product',
    regs: { a0: -2, a1: 0x4000_0001 },
    code: 'mult a0, a1\nmfhi v0\nmflo v1',
    expect: { regs: { v0: -1, v1: 0x7fff_fffe, hi: -1, lo: 0x7fff_fffe } },
  },
  {
    name: 'multu gives the unsigned 64-bit product',
    regs: { a0: -1, a1: -1 },
    code: 'multu a0, a1',
    expect: { regs: { hi: -2, lo: 1 } },
  },
  {
    name: 'mult of INT_MIN by INT_MIN',
    regs: { a0: MIN, a1: MIN },
    code: 'mult a0, a1',
    expect: { regs: { hi: 0x4000_0000, lo: 0 } },
  },
  {
    name: 'mul keeps the low 32 bits of a signed product',
    regs: { a0: -3, a1: 0x4000_0001 },
    code: 'mul v0, a0, a1',
    expect: { regs: { v0: 0x3fff_fffd } },
  },
  {
    name: 'mul writes rd only and leaves HI/LO alone',
    regs: { a0: 0x10001, a1: 0x10001, hi: 7, lo: 8 },
    code: 'mul v0, a0, a1',
    expect: { regs: { v0: 0x0002_0001, hi: 7, lo: 8 } },
  },
  {
    name: 'div truncates toward zero; the remainder has the dividend sign',
    regs: { a0: -7, a1: 2 },
    code: 'div zero, a0, a1',
    expect: { regs: { lo: -3, hi: -1 } },
  },
  {
    name: 'div by zero leaves LO = rs, HI = 0 (as QEMU)',
    regs: { a0: -1234, hi: 5, lo: 6 },
    code: 'div zero, a0, zero',
    expect: { regs: { lo: -1234, hi: 0 } },
  },
  {
    name: 'div INT_MIN / -1 leaves LO = INT_MIN, HI = 0 (as QEMU)',
    regs: { a0: MIN, a1: -1 },
    code: 'div zero, a0, a1',
    expect: { regs: { lo: MIN, hi: 0 } },
  },
  {
    name: 'divu is unsigned',
    regs: { a0: -1, a1: 16 },
    code: 'divu zero, a0, a1',
    expect: { regs: { lo: 0x0fff_ffff, hi: 15 } },
  },
  {
    name: 'divu by zero leaves LO = rs, HI = 0 (as QEMU)',
    regs: { a0: 0x8000_0005 | 0, hi: 5, lo: 6 },
    code: 'divu zero, a0, zero',
    expect: { regs: { lo: 0x8000_0005 | 0, hi: 0 } },
  },
  {
    name: 'mthi and mtlo set HI and LO',
    regs: { a0: 3, a1: 4 },
    code: 'mthi a0\nmtlo a1\nmfhi v0\nmflo v1',
    expect: { regs: { v0: 3, v1: 4, hi: 3, lo: 4 } },
  },
  {
    name: 'madd carries from LO into HI',
    regs: { a0: 1, a1: 1, hi: 0, lo: -1 },
    code: 'madd a0, a1',
    expect: { regs: { hi: 1, lo: 0 } },
  },
  {
    name: 'madd adds a negative product (sign-extended to 64 bits)',
    regs: { a0: -3, a1: 5, hi: 0, lo: 10 },
    code: 'madd a0, a1',
    expect: { regs: { hi: -1, lo: -5 } },
  },
  {
    name: 'maddu adds the unsigned product with carry',
    regs: { a0: -1, a1: -1, hi: 0, lo: -1 },
    code: 'maddu a0, a1',
    expect: { regs: { hi: -1, lo: 0 } },
  },
  {
    name: 'msub borrows from HI',
    regs: { a0: 1, a1: 1, hi: 1, lo: 0 },
    code: 'msub a0, a1',
    expect: { regs: { hi: 0, lo: -1 } },
  },
  {
    name: 'msub of a negative product adds',
    regs: { a0: -2, a1: 3, hi: -1, lo: -6 },
    code: 'msub a0, a1',
    expect: { regs: { hi: 0, lo: 0 } },
  },
  {
    name: 'msubu subtracts the unsigned product with borrow',
    regs: { a0: -1, a1: 2, hi: 2, lo: 0 },
    code: 'msubu a0, a1',
    expect: { regs: { hi: 0, lo: 2 } },
  },

  // ---- Count leading, bit fields, byte swaps ----
  {
    name: 'clz of 0, 1, 0x00010000 and negative numbers',
    regs: { a0: 0, a1: 1, a2: 0x0001_0000, a3: MIN },
    code: 'clz v0, a0\nclz v1, a1\nclz t0, a2\nclz t1, a3',
    expect: { regs: { v0: 32, v1: 31, t0: 15, t1: 0 } },
  },
  {
    name: 'clo of -1, 0, 0xffff0000 and 0x7fffffff',
    regs: { a0: -1, a1: 0, a2: 0xffff_0000 | 0, a3: MAX },
    code: 'clo v0, a0\nclo v1, a1\nclo t0, a2\nclo t1, a3',
    expect: { regs: { v0: 32, v1: 0, t0: 16, t1: 0 } },
  },
  {
    name: 'ext extracts fields, including pos 0 size 32 and pos 31 size 1',
    regs: { a0: 0x8765_4321 | 0 },
    code: 'ext v0, a0, 4, 8\next v1, a0, 0, 32\next t0, a0, 31, 1\next t1, a0, 16, 16\next t2, a0, 0, 1',
    expect: { regs: { v0: 0x32, v1: 0x8765_4321 | 0, t0: 1, t1: 0x8765, t2: 1 } },
  },
  {
    name: 'ext with pos + size > 32 is a Reserved Instruction (as QEMU)',
    regs: { a0: -1, v0: 42 },
    code: '.word 0x7c82f900', // ext v0, a0, pos 4, size 32
    expect: { exception: ExcCode.RI, regs: { v0: 42 } },
  },
  {
    name: 'ins inserts fields, including pos 0 size 32 and pos 31 size 1',
    regs: { a0: 0x1234_5678, a1: 3, v0: -1, v1: 0, t0: 0x1234, t1: 0x0f0f_0f0f },
    code: 'ins v0, a0, 8, 8\nins v1, a0, 0, 32\nins t0, a1, 31, 1\nins t1, a0, 4, 20',
    expect: { regs: { v0: 0xffff_78ff | 0, v1: 0x1234_5678, t0: 0x8000_1234 | 0, t1: 0x0f45_678f } },
  },
  {
    name: 'ins with msb < lsb is a Reserved Instruction (as QEMU)',
    regs: { a0: -1, v0: 42 },
    code: '.word 0x7c821a04', // ins v0, a0: msb 3, lsb 8
    expect: { exception: ExcCode.RI, regs: { v0: 42 } },
  },
  {
    name: 'wsbh swaps the bytes within each halfword',
    regs: { a0: 0x1122_8344 },
    code: 'wsbh v0, a0',
    expect: { regs: { v0: 0x2211_4483 } },
  },
  {
    name: 'seb and seh sign-extend',
    regs: { a0: 0x1234_8080 },
    code: 'seb v0, a0\nseh v1, a0\nseb t0, a1',
    expect: { regs: { v0: -128, v1: -0x7f80, t0: 0 } },
  },
  {
    name: 'seb and seh of positive values',
    regs: { a0: 0xffff_7f7f | 0 },
    code: 'seb v0, a0\nseh v1, a0',
    expect: { regs: { v0: 0x7f, v1: 0x7f7f } },
  },

  // ---- Traps ----
  { name: 'teq traps when equal', regs: { a0: 5, a1: 5 }, code: 'teq a0, a1', expect: { exception: ExcCode.Tr, exceptionAt: 0 } },
  { name: 'teq with a code traps when equal', regs: { a0: 5, a1: 5 }, code: 'teq a0, a1, 0x7', expect: { exception: ExcCode.Tr } },
  { name: 'teq does not trap when different', regs: { a0: 5, a1: 6 }, code: 'teq a0, a1\nli v0, 1', expect: { regs: { v0: 1 } } },
  { name: 'tne traps when different', regs: { a0: 5, a1: 6 }, code: 'tne a0, a1', expect: { exception: ExcCode.Tr } },
  { name: 'tne does not trap when equal', regs: { a0: 5, a1: 5 }, code: 'tne a0, a1\nli v0, 1', expect: { regs: { v0: 1 } } },
  { name: 'tge is signed: -1 >= 1 does not trap', regs: { a0: -1, a1: 1 }, code: 'tge a0, a1\nli v0, 1', expect: { regs: { v0: 1 } } },
  { name: 'tgeu is unsigned: 0xffffffff >= 1 traps', regs: { a0: -1, a1: 1 }, code: 'tgeu a0, a1', expect: { exception: ExcCode.Tr } },
  { name: 'tlt is signed: -1 < 1 traps', regs: { a0: -1, a1: 1 }, code: 'tlt a0, a1', expect: { exception: ExcCode.Tr } },
  { name: 'tltu is unsigned: 0xffffffff < 1 does not trap', regs: { a0: -1, a1: 1 }, code: 'tltu a0, a1\nli v0, 1', expect: { regs: { v0: 1 } } },
  { name: 'teqi traps on the sign-extended immediate', regs: { a0: -2 }, code: 'teqi a0, -2', expect: { exception: ExcCode.Tr } },
  { name: 'tnei does not trap when equal', regs: { a0: 7 }, code: 'tnei a0, 7\nli v0, 1', expect: { regs: { v0: 1 } } },
  { name: 'tgei is signed', regs: { a0: -1 }, code: 'tgei a0, 0\nli v0, 1', expect: { regs: { v0: 1 } } },
  {
    name: 'tgeiu compares with the sign-extended immediate unsigned',
    regs: { a0: -1 },
    code: 'tgeiu a0, -1',
    expect: { exception: ExcCode.Tr },
  },
  { name: 'tlti traps when less (signed)', regs: { a0: -5 }, code: 'tlti a0, -4', expect: { exception: ExcCode.Tr } },
  { name: 'tltiu: 5 < 0xffffffff traps', regs: { a0: 5 }, code: 'tltiu a0, -1', expect: { exception: ExcCode.Tr } },

  // ---- Loads, sign extension ----
  {
    name: 'lb and lbu sign- and zero-extend',
    regs: { a0: DATA },
    mem: [0x7f80_ff01],
    code: 'lb v0, 1(a0)\nlbu v1, 1(a0)\nlb t0, 3(a0)\nlbu t1, 2(a0)',
    expect: { regs: { v0: -1, v1: 0xff, t0: 0x7f, t1: 0x80 } },
  },
  {
    name: 'lh and lhu sign- and zero-extend',
    regs: { a0: DATA },
    mem: [0x7fff_8001],
    code: 'lh v0, 0(a0)\nlhu v1, 0(a0)\nlh t0, 2(a0)',
    expect: { regs: { v0: -0x7fff, v1: 0x8001, t0: 0x7fff } },
  },
  {
    name: 'sb, sh and sw store little-endian',
    regs: { a0: DATA, a1: 0x1122_3344 },
    code: 'sw a1, 0(a0)\nsh a1, 4(a0)\nsh a1, 6(a0)\nsb a1, 9(a0)',
    expect: { mem: [0x1122_3344, 0x3344_3344, 0x0000_4400] },
  },
  {
    name: 'lh from an odd address raises AdEL',
    regs: { a0: DATA + 1, v0: 3 },
    code: 'lh v0, 0(a0)',
    expect: { exception: ExcCode.AdEL, regs: { v0: 3 } },
  },
  {
    name: 'sh to an odd address raises AdES and stores nothing',
    regs: { a0: DATA, a1: -1 },
    code: 'sh a1, 1(a0)',
    expect: { exception: ExcCode.AdES, mem: [0] },
  },
  {
    name: 'sw to an unaligned address raises AdES and stores nothing',
    regs: { a0: DATA, a1: -1 },
    code: 'sw a1, 2(a0)',
    expect: { exception: ExcCode.AdES, mem: [0] },
  },
  {
    name: 'lw from an unaligned address raises AdEL',
    regs: { a0: DATA + 2, v0: 3 },
    code: 'lw v0, 0(a0)',
    expect: { exception: ExcCode.AdEL, regs: { v0: 3 } },
  },

  // ---- LWL / LWR / SWL / SWR (little-endian) at all four byte offsets ----
  ...[0, 1, 2, 3].map(
    (offset): InterpCase => ({
      name: `lwl at byte offset ${offset} fills rt from the top`,
      regs: { a0: DATA, v0: 0x5566_7788 },
      mem: [0x4433_2211],
      code: `lwl v0, ${offset}(a0)`,
      expect: { regs: { v0: [0x1166_7788, 0x2211_7788, 0x3322_1188, 0x4433_2211][offset]! } },
    }),
  ),
  ...[0, 1, 2, 3].map(
    (offset): InterpCase => ({
      name: `lwr at byte offset ${offset} fills rt from the bottom`,
      regs: { a0: DATA, v0: 0x5566_7788 },
      mem: [0x4433_2211],
      code: `lwr v0, ${offset}(a0)`,
      expect: { regs: { v0: [0x4433_2211, 0x5544_3322, 0x5566_4433, 0x5566_7744][offset]! } },
    }),
  ),
  ...[0, 1, 2, 3].map(
    (offset): InterpCase => ({
      name: `swl at byte offset ${offset} stores rt's top bytes`,
      regs: { a0: DATA, v0: 0x4433_2211 },
      mem: [0x8877_6655 | 0],
      code: `swl v0, ${offset}(a0)`,
      expect: { mem: [[0x8877_6644, 0x8877_4433, 0x8844_3322, 0x4433_2211][offset]! | 0] },
    }),
  ),
  ...[0, 1, 2, 3].map(
    (offset): InterpCase => ({
      name: `swr at byte offset ${offset} stores rt's bottom bytes`,
      regs: { a0: DATA, v0: 0x4433_2211 },
      mem: [0x8877_6655 | 0],
      code: `swr v0, ${offset}(a0)`,
      expect: { mem: [[0x4433_2211, 0x3322_1155, 0x2211_6655, 0x1177_6655][offset]! | 0] },
    }),
  ),
  {
    name: 'lwl + lwr load an unaligned word',
    regs: { a0: DATA },
    mem: [0x4433_2211, 0x8877_6655 | 0],
    code: 'lwl v0, 6(a0)\nlwr v0, 3(a0)',
    expect: { regs: { v0: 0x7766_5544 } },
  },
  {
    name: 'swl + swr store an unaligned word',
    regs: { a0: DATA, v0: 0x1234_5678 },
    code: 'swl v0, 5(a0)\nswr v0, 2(a0)',
    expect: { mem: [0x5678_0000, 0x0000_1234] },
  },

  // ---- LL / SC ----
  {
    name: 'll then sc stores and sets rt to 1',
    regs: { a0: DATA },
    mem: [41],
    code: 'll v0, 0(a0)\naddiu v0, v0, 1\nsc v0, 0(a0)',
    expect: { regs: { v0: 1 }, mem: [42] },
  },
  {
    name: 'sc without a preceding ll fails: rt = 0 and memory is unchanged',
    regs: { a0: DATA, v0: 99 },
    mem: [41],
    code: 'sc v0, 0(a0)',
    expect: { regs: { v0: 0 }, mem: [41] },
  },
  {
    name: 'sc to another address than the ll fails and stores nothing; the link survives (as QEMU)',
    regs: { a0: DATA },
    mem: [1, 2],
    code: 'll v0, 0(a0)\nli v0, 7\nsc v0, 4(a0)\nli v1, 8\nsc v1, 0(a0)',
    expect: { regs: { v0: 0, v1: 1 }, mem: [8, 2] },
  },
  {
    // The MIPS32 pseudocode checks alignment first; QEMU checks the link first, and so do we.
    name: 'sc to an unaligned address without a link fails quietly: rt = 0 (as QEMU)',
    regs: { a0: DATA, v0: 5 },
    code: 'sc v0, 2(a0)',
    expect: { regs: { v0: 0 }, mem: [0] },
  },
  {
    name: 'll from an unaligned address raises AdEL',
    regs: { a0: DATA, v0: 5 },
    code: 'll v0, 1(a0)',
    expect: { exception: ExcCode.AdEL, regs: { v0: 5 } },
  },
  {
    name: 'a second sc after a successful one fails',
    regs: { a0: DATA },
    mem: [1],
    code: 'll v0, 0(a0)\nli v0, 2\nsc v0, 0(a0)\nli v1, 3\nsc v1, 0(a0)',
    expect: { regs: { v0: 1, v1: 0 }, mem: [2] },
  },
];
