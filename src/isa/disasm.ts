// Disassembler driven by the instruction table; output matches `mipsel-linux-gnu-objdump -d`
// (mnemonic, a tab, comma-separated operands; branch targets as bare hex without the <symbol>).

import { decodeForDisassembly, RESERVED, ROWS } from './decode.js';
import { formatOperand, operandKinds } from './operands.js';

/** Disassembles one word at address `pc`. Unknown words print as objdump does: `.word\t0x...`. */
export function disassemble(word: number, pc = 0): string {
  const id = decodeForDisassembly(word >>> 0);
  if (id === RESERVED) return `.word\t0x${(word >>> 0).toString(16)}`;
  const row = ROWS[id]!;
  const operands: string[] = [];
  for (const kind of operandKinds(row)) {
    const text = formatOperand(kind, row, word >>> 0, { pc });
    if (text !== undefined) operands.push(text);
  }
  return operands.length === 0 ? row.mnemonic : `${row.mnemonic}\t${operands.join(',')}`;
}
