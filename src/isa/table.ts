// The one MIPS32 release 2 instruction table (o32, little-endian Linux toolchain subset plus the
// privileged and FPU instructions a kernel uses). Decoder, disassembler, assembler, interpreter
// dispatch and JIT dispatch are all generated from these rows; nothing else spells an opcode.
//
// A row's pattern is 32 characters, most significant bit first (spaces are ignored):
//   0/1  fixed bits                     s rs   t rt   d rd   a sa (shift amount)
//   i    16-bit immediate               j 26-bit jump index   c code (SYSCALL/BREAK/traps)
//   S fs  T ft  D fd  R fr (FPU)        C condition code (cc) n CP0 select
//   m    msb / msbd (EXT, INS)          l lsb (EXT, INS)      h hint / cache op / sync stype
// Operands use the objdump spelling: rs rt rd fs ft fd fr sa simm uimm offset(rs) branch jump
// xuimm code? code10? breakhi? breaklo? clzdest c0 sel? cc cc? hwr pos size isize hint hint? fcr
// (a trailing ? marks an operand objdump omits when it is zero).
// Aliases (objdump pseudo-instructions such as `move`, `nop`, `b`) are disassembly/assembly only:
// they name the real row they are a special case of.

export const enum Flag {
  None = 0,
  /** Has a delay slot: the next instruction executes before control transfers. */
  DelaySlot = 1 << 0,
  /** Branch-likely: the delay slot is nullified when the branch is not taken. */
  Likely = 1 << 1,
  /** Control may leave the straight-line path: a basic block ends after its delay slot. */
  EndsBlock = 1 << 2,
  /** Writes $ra (or rd) with the return address. */
  Link = 1 << 3,
  /** Reads guest memory. */
  Load = 1 << 4,
  /** Writes guest memory. */
  Store = 1 << 5,
  /** Coprocessor 0 / kernel-only: Coprocessor Unusable in user mode without CU0. */
  Privileged = 1 << 6,
  /** Coprocessor 1: Coprocessor Unusable when Status.CU1 = 0. */
  Fpu = 1 << 7,
  /** May change mode bits the JIT's code depends on (KSU/EXL/ERL/CU1/ASID/IE). */
  ChangesMode = 1 << 8,
  /** Always takes an exception or leaves to the host (SYSCALL, BREAK, SDBBP, ERET...). */
  Exits = 1 << 9,
  /** May take a conditional trap or overflow exception. */
  MayTrap = 1 << 10,
  /**
   * Privileged or mode-changing, yet compiled code may run it through its handler: it changes
   * neither the code context (mode, FR, CU1) nor a translation nor the timer, and its handler
   * checks the mode itself. Compiled code leaves after it when an interrupt became deliverable.
   */
  RunsCompiled = 1 << 11,
  /**
   * User mode: compiled code runs it through its handler all the same, and the block ends after
   * it. The Linux layer serves a SYSCALL there and returns Continue (it wrote v0, v1 and a3 only),
   * or stops the run (blocked, exited, a signal to deliver, sigreturn, execve). In system mode it
   * raises its exception, and the interpreter runs it.
   */
  UserRunsCompiled = 1 << 12,
}

export interface TableRow {
  /** Unique key; also the interpreter handler's name. FPU rows carry their format: `add.s`. */
  readonly name: string;
  /** Mnemonic as objdump prints it (defaults to name). */
  readonly mnemonic?: string;
  readonly pattern: string;
  readonly operands: string;
  readonly flags: number;
  /** For aliases: the `name` of the row that executes it. */
  readonly aliasOf?: string;
  /** An alias the assembler accepts but objdump never prints (the disassembler skips it). */
  readonly asmOnly?: boolean;
}

const R = (name: string, pattern: string, operands: string, flags: number = Flag.None): TableRow => ({
  name,
  pattern,
  operands,
  flags,
});
const A = (name: string, aliasOf: string, pattern: string, operands: string): TableRow => ({
  name,
  pattern,
  operands,
  flags: Flag.None,
  aliasOf,
});

const B = Flag.DelaySlot | Flag.EndsBlock;
const BL = B | Flag.Likely;
const LD = Flag.Load;
const ST = Flag.Store;
const P = Flag.Privileged;
/** Privileged, and compiled code may call its handler (Flag.RunsCompiled). */
const PC = Flag.Privileged | Flag.RunsCompiled;
const F = Flag.Fpu;

// The 16 C.cond.fmt conditions in encoding order (cond field 0..15).
export const FPU_CONDITIONS = [
  'f', 'un', 'eq', 'ueq', 'olt', 'ult', 'ole', 'ule',
  'sf', 'ngle', 'seq', 'ngl', 'lt', 'nge', 'le', 'ngt',
] as const;

function bits(value: number, width: number): string {
  return value.toString(2).padStart(width, '0');
}

function fpuRows(): TableRow[] {
  const rows: TableRow[] = [];
  const formats = [
    ['s', '10000'],
    ['d', '10001'],
  ] as const;
  for (const [fmt, code] of formats) {
    const cop = `010001 ${code}`;
    const three = (op: string, funct: string) => R(`${op}.${fmt}`, `${cop} TTTTT SSSSS DDDDD ${funct}`, 'fd, fs, ft', F);
    const two = (op: string, funct: string, flags = F) => R(`${op}.${fmt}`, `${cop} 00000 SSSSS DDDDD ${funct}`, 'fd, fs', flags);
    rows.push(
      three('add', '000000'),
      three('sub', '000001'),
      three('mul', '000010'),
      three('div', '000011'),
      two('sqrt', '000100'),
      two('abs', '000101'),
      two('mov', '000110'),
      two('neg', '000111'),
      two('round.l', '001000'),
      two('trunc.l', '001001'),
      two('ceil.l', '001010'),
      two('floor.l', '001011'),
      two('round.w', '001100'),
      two('trunc.w', '001101'),
      two('ceil.w', '001110'),
      two('floor.w', '001111'),
      R(`movf.${fmt}`, `${cop} CCC 0 0 SSSSS DDDDD 010001`, 'fd, fs, cc', F),
      R(`movt.${fmt}`, `${cop} CCC 0 1 SSSSS DDDDD 010001`, 'fd, fs, cc', F),
      R(`movz.${fmt}`, `${cop} ttttt SSSSS DDDDD 010010`, 'fd, fs, rt', F),
      R(`movn.${fmt}`, `${cop} ttttt SSSSS DDDDD 010011`, 'fd, fs, rt', F),
      two('recip', '010101'),
      two('rsqrt', '010110'),
      two('cvt.l', '100101'),
      two('cvt.w', '100100'),
      two(fmt === 's' ? 'cvt.d' : 'cvt.s', fmt === 's' ? '100001' : '100000'),
    );
    FPU_CONDITIONS.forEach((cond, index) => {
      rows.push(R(`c.${cond}.${fmt}`, `${cop} TTTTT SSSSS CCC 00 11${bits(index, 4)}`, 'cc?, fs, ft', F));
    });
    const cop1x = (op: string, funct: string) =>
      R(`${op}.${fmt}`, `010011 RRRRR TTTTT SSSSS DDDDD ${funct}${fmt === 's' ? '000' : '001'}`, 'fd, fr, fs, ft', F);
    rows.push(cop1x('madd', '100'), cop1x('msub', '101'), cop1x('nmadd', '110'), cop1x('nmsub', '111'));
  }
  // Conversions from fixed point: fmt W (10100) and L (10101).
  rows.push(
    R('cvt.s.w', '010001 10100 00000 SSSSS DDDDD 100000', 'fd, fs', F),
    R('cvt.d.w', '010001 10100 00000 SSSSS DDDDD 100001', 'fd, fs', F),
    R('cvt.s.l', '010001 10101 00000 SSSSS DDDDD 100000', 'fd, fs', F),
    R('cvt.d.l', '010001 10101 00000 SSSSS DDDDD 100001', 'fd, fs', F),
  );
  return rows;
}

export const TABLE: readonly TableRow[] = [
  // ---- SPECIAL (opcode 000000) ----
  A('nop', 'sll', '000000 00000 00000 00000 00000 000000', ''),
  A('ssnop', 'sll', '000000 00000 00000 00000 00001 000000', ''),
  A('ehb', 'sll', '000000 00000 00000 00000 00011 000000', ''),
  R('sll', '000000 00000 ttttt ddddd aaaaa 000000', 'rd, rt, sa'),
  R('movf', '000000 sssss CCC 0 0 ddddd 00000 000001', 'rd, rs, cc', F),
  R('movt', '000000 sssss CCC 0 1 ddddd 00000 000001', 'rd, rs, cc', F),
  R('srl', '000000 00000 ttttt ddddd aaaaa 000010', 'rd, rt, sa'),
  { ...R('rotr', '000000 00001 ttttt ddddd aaaaa 000010', 'rd, rt, sa'), mnemonic: 'ror' },
  R('sra', '000000 00000 ttttt ddddd aaaaa 000011', 'rd, rt, sa'),
  R('sllv', '000000 sssss ttttt ddddd 00000 000100', 'rd, rt, rs'),
  R('srlv', '000000 sssss ttttt ddddd 00000 000110', 'rd, rt, rs'),
  { ...R('rotrv', '000000 sssss ttttt ddddd 00001 000110', 'rd, rt, rs'), mnemonic: 'rorv' },
  R('srav', '000000 sssss ttttt ddddd 00000 000111', 'rd, rt, rs'),
  R('jr', '000000 sssss 00000 00000 00000 001000', 'rs', B),
  R('jr.hb', '000000 sssss 00000 00000 10000 001000', 'rs', B),
  A('jalr-ra', 'jalr', '000000 sssss 00000 11111 00000 001001', 'rs'),
  R('jalr', '000000 sssss 00000 ddddd 00000 001001', 'rd, rs', B | Flag.Link),
  A('jalr.hb-ra', 'jalr.hb', '000000 sssss 00000 11111 10000 001001', 'rs'),
  R('jalr.hb', '000000 sssss 00000 ddddd 10000 001001', 'rd, rs', B | Flag.Link),
  R('movz', '000000 sssss ttttt ddddd 00000 001010', 'rd, rs, rt'),
  R('movn', '000000 sssss ttttt ddddd 00000 001011', 'rd, rs, rt'),
  R('syscall', '000000 cccccccccccccccccccc 001100', 'code?', Flag.Exits | Flag.EndsBlock | Flag.UserRunsCompiled),
  R('break', '000000 cccccccccccccccccccc 001101', 'breakhi?, breaklo?', Flag.Exits | Flag.EndsBlock),
  A('sync_wmb', 'sync', '000000 00000 00000 00000 00100 001111', ''),
  A('sync_mb', 'sync', '000000 00000 00000 00000 10000 001111', ''),
  A('sync_acquire', 'sync', '000000 00000 00000 00000 10001 001111', ''),
  A('sync_release', 'sync', '000000 00000 00000 00000 10010 001111', ''),
  A('sync_rmb', 'sync', '000000 00000 00000 00000 10011 001111', ''),
  R('sync', '000000 00000 00000 00000 hhhhh 001111', 'hint?'),
  R('mfhi', '000000 00000 00000 ddddd 00000 010000', 'rd'),
  R('mthi', '000000 sssss 00000 00000 00000 010001', 'rs'),
  R('mflo', '000000 00000 00000 ddddd 00000 010010', 'rd'),
  R('mtlo', '000000 sssss 00000 00000 00000 010011', 'rs'),
  R('mult', '000000 sssss ttttt 00000 00000 011000', 'rs, rt'),
  R('multu', '000000 sssss ttttt 00000 00000 011001', 'rs, rt'),
  R('div', '000000 sssss ttttt 00000 00000 011010', 'zero, rs, rt'),
  R('divu', '000000 sssss ttttt 00000 00000 011011', 'zero, rs, rt'),
  R('add', '000000 sssss ttttt ddddd 00000 100000', 'rd, rs, rt', Flag.MayTrap),
  A('move', 'addu', '000000 sssss 00000 ddddd 00000 100001', 'rd, rs'),
  R('addu', '000000 sssss ttttt ddddd 00000 100001', 'rd, rs, rt'),
  A('neg', 'sub', '000000 00000 ttttt ddddd 00000 100010', 'rd, rt'),
  R('sub', '000000 sssss ttttt ddddd 00000 100010', 'rd, rs, rt', Flag.MayTrap),
  A('negu', 'subu', '000000 00000 ttttt ddddd 00000 100011', 'rd, rt'),
  R('subu', '000000 sssss ttttt ddddd 00000 100011', 'rd, rs, rt'),
  R('and', '000000 sssss ttttt ddddd 00000 100100', 'rd, rs, rt'),
  A('move-or', 'or', '000000 sssss 00000 ddddd 00000 100101', 'rd, rs'),
  R('or', '000000 sssss ttttt ddddd 00000 100101', 'rd, rs, rt'),
  R('xor', '000000 sssss ttttt ddddd 00000 100110', 'rd, rs, rt'),
  // objdump lists `nor` before `not`, so it always prints `nor d,s,zero`; `not` only assembles.
  { ...A('not', 'nor', '000000 sssss 00000 ddddd 00000 100111', 'rd, rs'), asmOnly: true },
  R('nor', '000000 sssss ttttt ddddd 00000 100111', 'rd, rs, rt'),
  R('slt', '000000 sssss ttttt ddddd 00000 101010', 'rd, rs, rt'),
  R('sltu', '000000 sssss ttttt ddddd 00000 101011', 'rd, rs, rt'),
  R('tge', '000000 sssss ttttt cccccccccc 110000', 'rs, rt, code10?', Flag.MayTrap),
  R('tgeu', '000000 sssss ttttt cccccccccc 110001', 'rs, rt, code10?', Flag.MayTrap),
  R('tlt', '000000 sssss ttttt cccccccccc 110010', 'rs, rt, code10?', Flag.MayTrap),
  R('tltu', '000000 sssss ttttt cccccccccc 110011', 'rs, rt, code10?', Flag.MayTrap),
  R('teq', '000000 sssss ttttt cccccccccc 110100', 'rs, rt, code10?', Flag.MayTrap),
  R('tne', '000000 sssss ttttt cccccccccc 110110', 'rs, rt, code10?', Flag.MayTrap),

  // ---- REGIMM (opcode 000001) ----
  R('bltz', '000001 sssss 00000 iiiiiiiiiiiiiiii', 'rs, branch', B),
  R('bgez', '000001 sssss 00001 iiiiiiiiiiiiiiii', 'rs, branch', B),
  R('bltzl', '000001 sssss 00010 iiiiiiiiiiiiiiii', 'rs, branch', BL),
  R('bgezl', '000001 sssss 00011 iiiiiiiiiiiiiiii', 'rs, branch', BL),
  R('tgei', '000001 sssss 01000 iiiiiiiiiiiiiiii', 'rs, simm', Flag.MayTrap),
  R('tgeiu', '000001 sssss 01001 iiiiiiiiiiiiiiii', 'rs, simm', Flag.MayTrap),
  R('tlti', '000001 sssss 01010 iiiiiiiiiiiiiiii', 'rs, simm', Flag.MayTrap),
  R('tltiu', '000001 sssss 01011 iiiiiiiiiiiiiiii', 'rs, simm', Flag.MayTrap),
  R('teqi', '000001 sssss 01100 iiiiiiiiiiiiiiii', 'rs, simm', Flag.MayTrap),
  R('tnei', '000001 sssss 01110 iiiiiiiiiiiiiiii', 'rs, simm', Flag.MayTrap),
  R('bltzal', '000001 sssss 10000 iiiiiiiiiiiiiiii', 'rs, branch', B | Flag.Link),
  A('bal', 'bgezal', '000001 00000 10001 iiiiiiiiiiiiiiii', 'branch'),
  R('bgezal', '000001 sssss 10001 iiiiiiiiiiiiiiii', 'rs, branch', B | Flag.Link),
  R('bltzall', '000001 sssss 10010 iiiiiiiiiiiiiiii', 'rs, branch', BL | Flag.Link),
  R('bgezall', '000001 sssss 10011 iiiiiiiiiiiiiiii', 'rs, branch', BL | Flag.Link),
  R('synci', '000001 sssss 11111 iiiiiiiiiiiiiiii', 'offset(rs)'),

  // ---- Jumps, branches, immediates ----
  R('j', '000010 jjjjjjjjjjjjjjjjjjjjjjjjjj', 'jump', B),
  R('jal', '000011 jjjjjjjjjjjjjjjjjjjjjjjjjj', 'jump', B | Flag.Link),
  A('b', 'beq', '000100 00000 00000 iiiiiiiiiiiiiiii', 'branch'),
  // objdump prints `b` for BGEZ zero as well; listed after `b` so that `b` assembles to BEQ.
  A('b-bgez', 'bgez', '000001 00000 00001 iiiiiiiiiiiiiiii', 'branch'),
  A('beqz', 'beq', '000100 sssss 00000 iiiiiiiiiiiiiiii', 'rs, branch'),
  R('beq', '000100 sssss ttttt iiiiiiiiiiiiiiii', 'rs, rt, branch', B),
  A('bnez', 'bne', '000101 sssss 00000 iiiiiiiiiiiiiiii', 'rs, branch'),
  R('bne', '000101 sssss ttttt iiiiiiiiiiiiiiii', 'rs, rt, branch', B),
  R('blez', '000110 sssss 00000 iiiiiiiiiiiiiiii', 'rs, branch', B),
  R('bgtz', '000111 sssss 00000 iiiiiiiiiiiiiiii', 'rs, branch', B),
  R('addi', '001000 sssss ttttt iiiiiiiiiiiiiiii', 'rt, rs, simm', Flag.MayTrap),
  // objdump prints `li rt,0x...` (hex) for ORI and `li rt,N` (decimal) for ADDIU; the assembler
  // tries the ORI form first and it takes only hex text, so both spellings assemble back exactly.
  A('li-ori', 'ori', '001101 00000 ttttt iiiiiiiiiiiiiiii', 'rt, xuimm'),
  A('li', 'addiu', '001001 00000 ttttt iiiiiiiiiiiiiiii', 'rt, simm'),
  R('addiu', '001001 sssss ttttt iiiiiiiiiiiiiiii', 'rt, rs, simm'),
  R('slti', '001010 sssss ttttt iiiiiiiiiiiiiiii', 'rt, rs, simm'),
  R('sltiu', '001011 sssss ttttt iiiiiiiiiiiiiiii', 'rt, rs, simm'),
  R('andi', '001100 sssss ttttt iiiiiiiiiiiiiiii', 'rt, rs, uimm'),
  R('ori', '001101 sssss ttttt iiiiiiiiiiiiiiii', 'rt, rs, uimm'),
  R('xori', '001110 sssss ttttt iiiiiiiiiiiiiiii', 'rt, rs, uimm'),
  R('lui', '001111 00000 ttttt iiiiiiiiiiiiiiii', 'rt, uimm'),

  // ---- COP0 (opcode 010000) ----
  R('mfc0', '010000 00000 ttttt ddddd 00000000 nnn', 'rt, c0, sel?', P),
  R('mtc0', '010000 00100 ttttt ddddd 00000000 nnn', 'rt, c0, sel?', P | Flag.ChangesMode | Flag.EndsBlock),
  R('rdpgpr', '010000 01010 ttttt ddddd 00000000000', 'rd, rt', P),
  A('di-zero', 'di', '010000 01011 00000 01100 00000 0 00 000', ''),
  // DI and EI change only Status.IE, not the code context: compiled code runs them and leaves
  // after EI when an interrupt became deliverable.
  R('di', '010000 01011 ttttt 01100 00000 0 00 000', 'rt', PC | Flag.ChangesMode | Flag.EndsBlock),
  A('ei-zero', 'ei', '010000 01011 00000 01100 00000 1 00 000', ''),
  R('ei', '010000 01011 ttttt 01100 00000 1 00 000', 'rt', PC | Flag.ChangesMode | Flag.EndsBlock),
  R('wrpgpr', '010000 01110 ttttt ddddd 00000000000', 'rd, rt', P),
  R('tlbr', '010000 1 0000000000000000000 000001', '', P),
  R('tlbwi', '010000 1 0000000000000000000 000010', '', P | Flag.EndsBlock),
  R('tlbwr', '010000 1 0000000000000000000 000110', '', P | Flag.EndsBlock),
  R('tlbp', '010000 1 0000000000000000000 001000', '', PC),
  R('eret', '010000 1 0000000000000000000 011000', '', P | Flag.ChangesMode | Flag.EndsBlock | Flag.Exits),
  R('deret', '010000 1 0000000000000000000 011111', '', P | Flag.ChangesMode | Flag.EndsBlock | Flag.Exits),
  // WAIT's bits 24..6 are an implementation-dependent code (objdump: `wait 0x58180`).
  R('wait', '010000 1 ccccccccccccccccccc 100000', 'code?', P | Flag.EndsBlock | Flag.Exits),

  // ---- COP1 moves and branches (opcode 010001) ----
  R('mfc1', '010001 00000 ttttt SSSSS 00000000000', 'rt, fs', F),
  R('cfc1', '010001 00010 ttttt ddddd 00000000000', 'rt, fcr', F),
  R('mfhc1', '010001 00011 ttttt SSSSS 00000000000', 'rt, fs', F),
  R('mtc1', '010001 00100 ttttt SSSSS 00000000000', 'rt, fs', F),
  R('ctc1', '010001 00110 ttttt ddddd 00000000000', 'rt, fcr', F),
  R('mthc1', '010001 00111 ttttt SSSSS 00000000000', 'rt, fs', F),
  R('bc1f', '010001 01000 CCC 0 0 iiiiiiiiiiiiiiii', 'cc?, branch', B | F),
  R('bc1t', '010001 01000 CCC 0 1 iiiiiiiiiiiiiiii', 'cc?, branch', B | F),
  R('bc1fl', '010001 01000 CCC 1 0 iiiiiiiiiiiiiiii', 'cc?, branch', BL | F),
  R('bc1tl', '010001 01000 CCC 1 1 iiiiiiiiiiiiiiii', 'cc?, branch', BL | F),
  ...fpuRows(),

  // ---- COP1X indexed loads and stores (opcode 010011) ----
  R('lwxc1', '010011 sssss ttttt 00000 DDDDD 000000', 'fd, rt(rs)', F | LD),
  R('ldxc1', '010011 sssss ttttt 00000 DDDDD 000001', 'fd, rt(rs)', F | LD),
  R('luxc1', '010011 sssss ttttt 00000 DDDDD 000101', 'fd, rt(rs)', F | LD),
  R('swxc1', '010011 sssss ttttt SSSSS 00000 001000', 'fs, rt(rs)', F | ST),
  R('sdxc1', '010011 sssss ttttt SSSSS 00000 001001', 'fs, rt(rs)', F | ST),
  R('suxc1', '010011 sssss ttttt SSSSS 00000 001101', 'fs, rt(rs)', F | ST),
  R('prefx', '010011 sssss ttttt hhhhh 00000 001111', 'hint, rt(rs)'),

  // ---- Branch-likely (opcodes 0101xx) ----
  A('beqzl', 'beql', '010100 sssss 00000 iiiiiiiiiiiiiiii', 'rs, branch'),
  R('beql', '010100 sssss ttttt iiiiiiiiiiiiiiii', 'rs, rt, branch', BL),
  A('bnezl', 'bnel', '010101 sssss 00000 iiiiiiiiiiiiiiii', 'rs, branch'),
  R('bnel', '010101 sssss ttttt iiiiiiiiiiiiiiii', 'rs, rt, branch', BL),
  R('blezl', '010110 sssss 00000 iiiiiiiiiiiiiiii', 'rs, branch', BL),
  R('bgtzl', '010111 sssss 00000 iiiiiiiiiiiiiiii', 'rs, branch', BL),

  // ---- SPECIAL2 (opcode 011100) ----
  R('madd', '011100 sssss ttttt 00000 00000 000000', 'rs, rt'),
  R('maddu', '011100 sssss ttttt 00000 00000 000001', 'rs, rt'),
  R('mul', '011100 sssss ttttt ddddd 00000 000010', 'rd, rs, rt'),
  R('msub', '011100 sssss ttttt 00000 00000 000100', 'rs, rt'),
  R('msubu', '011100 sssss ttttt 00000 00000 000101', 'rs, rt'),
  // CLZ/CLO encode the destination in both rd and rt (execution uses rd); see operand `clzdest`.
  R('clz', '011100 sssss ttttt ddddd 00000 100000', 'clzdest, rs'),
  R('clo', '011100 sssss ttttt ddddd 00000 100001', 'clzdest, rs'),
  R('sdbbp', '011100 cccccccccccccccccccc 111111', 'code?', Flag.Exits | Flag.EndsBlock),

  // ---- SPECIAL3 (opcode 011111) ----
  R('ext', '011111 sssss ttttt mmmmm lllll 000000', 'rt, rs, pos, size'),
  R('ins', '011111 sssss ttttt mmmmm lllll 000100', 'rt, rs, pos, isize'),
  R('wsbh', '011111 00000 ttttt ddddd 00010 100000', 'rd, rt'),
  R('seb', '011111 00000 ttttt ddddd 10000 100000', 'rd, rt'),
  R('seh', '011111 00000 ttttt ddddd 11000 100000', 'rd, rt'),
  R('rdhwr', '011111 00000 ttttt ddddd 00000 111011', 'rt, hwr'),

  // ---- Loads and stores ----
  R('lb', '100000 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', LD),
  R('lh', '100001 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', LD),
  R('lwl', '100010 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', LD),
  R('lw', '100011 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', LD),
  R('lbu', '100100 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', LD),
  R('lhu', '100101 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', LD),
  R('lwr', '100110 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', LD),
  R('sb', '101000 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', ST),
  R('sh', '101001 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', ST),
  R('swl', '101010 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', LD | ST),
  R('sw', '101011 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', ST),
  R('swr', '101110 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', LD | ST),
  R('cache', '101111 sssss hhhhh iiiiiiiiiiiiiiii', 'hint, offset(rs)', PC),
  R('ll', '110000 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', LD),
  R('lwc1', '110001 sssss TTTTT iiiiiiiiiiiiiiii', 'ft, offset(rs)', F | LD),
  R('pref', '110011 sssss hhhhh iiiiiiiiiiiiiiii', 'hint, offset(rs)'),
  R('ldc1', '110101 sssss TTTTT iiiiiiiiiiiiiiii', 'ft, offset(rs)', F | LD),
  R('sc', '111000 sssss ttttt iiiiiiiiiiiiiiii', 'rt, offset(rs)', ST),
  R('swc1', '111001 sssss TTTTT iiiiiiiiiiiiiiii', 'ft, offset(rs)', F | ST),
  R('sdc1', '111101 sssss TTTTT iiiiiiiiiiiiiiii', 'ft, offset(rs)', F | ST),
];
