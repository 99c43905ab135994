// Finds guest basic blocks from the instruction table's flags: a block runs from its entry to a
// branch or jump plus its delay slot, or stops before an instruction only the interpreter runs
// (privileged, reserved; SYSCALL in system mode), after a SYSCALL (user mode), at a page boundary,
// or at a length limit.

import { decode, RESERVED, ROWS, type CompiledRow } from '../src/isa/decode.js';
import { Flag } from '../src/isa/table.js';
import { branchTarget, jumpTarget } from '../src/isa/operands.js';
import { PAGE_MASK } from '../runtime/flat-memory.js';

export const MAX_BLOCK_INSTRUCTIONS = 64;

/** What compiled code may run itself, in the code context a region is compiled for. */
export interface BlockRules {
  /** False when the code runs with Status.CU1 clear: blocks end before FPU instructions too. */
  readonly fpuUsable: boolean;
  /** Linux user mode: rows the table flags UserRunsCompiled (SYSCALL) end a block, after them. */
  readonly userMode: boolean;
}

/** System mode with Status.CU1 set (a region's default). */
export const SYSTEM_RULES: BlockRules = { fpuUsable: true, userMode: false };
/** Linux user mode. */
export const USER_RULES: BlockRules = { fpuUsable: true, userMode: true };

export interface GuestInstruction {
  readonly pc: number;
  readonly word: number;
  readonly row: CompiledRow;
}

/** How a block ends. */
export type Terminal =
  /** The last two instructions are a branch or jump and its delay slot. */
  | { readonly kind: 'branch' }
  /** Execution continues at `next` (length limit, end of page, or after a SYSCALL in user mode). */
  | { readonly kind: 'fallthrough'; readonly next: number }
  /** The instruction at `pc` must run in the interpreter (it exits, changes mode, or is reserved). */
  | { readonly kind: 'interpret'; readonly pc: number };

export interface Block {
  readonly start: number;
  readonly instructions: readonly GuestInstruction[];
  readonly terminal: Terminal;
  /**
   * A region's copy of a block another module of the page has (codegen/region.ts closeLoops):
   * reached from the region's own blocks, but not an entry of it.
   */
  readonly copy?: true;
  /**
   * The block ends in a branch in its page's last word, and its delay slot is the next page's
   * first word as it was when the block was found: compiled code checks that the word is still
   * there and its page executable before the branch (codegen/translate.ts), and otherwise leaves
   * for the interpreter.
   */
  readonly slotInNextPage?: true;
}

/**
 * Instructions the compiled code never runs itself: it returns to the engine before them. Those
 * the table marks RunsCompiled (CACHE, TLBP, DI, EI) it runs through their handlers.
 */
export function needsInterpreter(row: CompiledRow | undefined, fpuUsable = true): boolean {
  if (row === undefined) return true;
  if ((row.flags & (Flag.Exits | Flag.Privileged | Flag.ChangesMode)) !== 0 && (row.flags & Flag.RunsCompiled) === 0) return true;
  // Without Status.CU1 (system mode) every FPU instruction raises Coprocessor Unusable.
  return !fpuUsable && (ROWS[row.executes]!.flags & Flag.Fpu) !== 0;
}

/**
 * True when the blocks have an FPU instruction, or end before one (with CU1 clear): their code
 * depends on Status.FR and CU1. Code without any is the same whatever those are.
 */
export function usesFpu(blocks: readonly Block[], readWord: (address: number) => number): boolean {
  const isFpu = (row: CompiledRow | undefined) => row !== undefined && (ROWS[row.executes]!.flags & Flag.Fpu) !== 0;
  for (const block of blocks) {
    if (block.instructions.some((instruction) => isFpu(instruction.row))) return true;
    const terminal = block.terminal;
    if (terminal.kind === 'interpret') {
      // The instruction stopped at, or the delay slot of the branch stopped at.
      const id = decode(readWord(terminal.pc));
      const row = id === RESERVED ? undefined : ROWS[id];
      if (isFpu(row)) return true;
      if (row !== undefined && (row.flags & Flag.DelaySlot) !== 0) {
        const slotId = decode(readWord(terminal.pc + 4));
        if (slotId !== RESERVED && isFpu(ROWS[slotId])) return true;
      }
    }
  }
  return false;
}

/**
 * Reads the block starting at `start`; `readWord` returns the guest word at an address of the
 * page; `rules` say what compiled code runs itself. `nextPageWord` (user mode) is the next page's
 * first word: a branch in the page's last word takes it as its delay slot (Block.slotInNextPage);
 * without it the interpreter takes that branch.
 */
export function findBlock(start: number, readWord: (address: number) => number, rules: BlockRules = SYSTEM_RULES, nextPageWord?: number): Block {
  const fpuUsable = rules.fpuUsable;
  const instructions: GuestInstruction[] = [];
  const pageEnd = (start | PAGE_MASK) + 1;
  let pc = start;
  while (true) {
    if (pc >= pageEnd || instructions.length >= MAX_BLOCK_INSTRUCTIONS) {
      return { start, instructions, terminal: { kind: 'fallthrough', next: pc } };
    }
    const word = readWord(pc);
    const id = decode(word);
    const row = id === RESERVED ? undefined : ROWS[id];
    if (row !== undefined && rules.userMode && (row.flags & Flag.UserRunsCompiled) !== 0) {
      // Not in a delay slot: as the slot of a branch it still needs the interpreter (below).
      instructions.push({ pc, word, row });
      return { start, instructions, terminal: { kind: 'fallthrough', next: pc + 4 } };
    }
    if (row === undefined || needsInterpreter(row, fpuUsable)) {
      return { start, instructions, terminal: { kind: 'interpret', pc } };
    }
    if ((row.flags & Flag.DelaySlot) !== 0) {
      const slotPc = pc + 4;
      const nextPage = slotPc === pageEnd;
      const slotWord = !nextPage ? readWord(slotPc) : nextPageWord;
      const slotId = slotWord !== undefined ? decode(slotWord) : RESERVED;
      const slotRow = slotId === RESERVED ? undefined : ROWS[slotId];
      // A delay slot on a next page we do not know, or one that is itself a branch or needs the
      // interpreter: let the interpreter take the branch.
      if (slotWord === undefined || slotRow === undefined || needsInterpreter(slotRow, fpuUsable) || (slotRow.flags & Flag.DelaySlot) !== 0) {
        return { start, instructions, terminal: { kind: 'interpret', pc } };
      }
      instructions.push({ pc, word, row }, { pc: slotPc, word: slotWord, row: slotRow });
      return { start, instructions, terminal: { kind: 'branch' }, ...(nextPage ? { slotInNextPage: true as const } : {}) };
    }
    instructions.push({ pc, word, row });
    pc += 4;
  }
}

/** The branch or jump that ends `block` when it links (a call: JAL, BAL, JALR...), else undefined. */
export function endingCall(block: Block): GuestInstruction | undefined {
  if (block.terminal.kind !== 'branch') return undefined;
  const branch = block.instructions[block.instructions.length - 2]!;
  return (branch.row.flags & Flag.Link) !== 0 ? branch : undefined;
}

/** Static successors of a block (in any page: callers keep those of theirs). */
export function successors(block: Block): number[] {
  const terminal = block.terminal;
  if (terminal.kind === 'fallthrough') return [terminal.next];
  if (terminal.kind === 'interpret') return [];
  const branch = block.instructions[block.instructions.length - 2]!;
  const name = branch.row.name;
  // Call return points (pc + 8 after a JAL) are not followed: measured on cpubench and busybox
  // gzip, compiling them up front made regions larger and later, and runs slower; on the Malta
  // boot too (27 s vs 23 s, though fewer returns went through the run loop).
  if (name === 'j' || name === 'jal') return [jumpTarget(branch.pc, branch.word)];
  if (name.startsWith('jr') || name.startsWith('jalr')) return [];
  // A conditional branch: its target, and the instruction after its delay slot.
  return [branchTarget(branch.pc, branch.word), branch.pc + 8];
}
