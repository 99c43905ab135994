// Table consistency: for every row (aliases included), words with seeded random field values
// decode to that row (or the row the alias executes as) and survive disassemble -> assemble;
// no two executable rows claim the same word.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/isa/asm.js';
import { decode, decodeForDisassembly, RESERVED, ROWS, type CompiledRow } from '../../src/isa/decode.js';
import { disassemble } from '../../src/isa/disasm.js';

/** xorshift32: the same words on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

const WORDS_PER_ROW = 300;

/** A random word of `row`: its fixed bits, random free bits (a third of the time all zero). */
function randomWord(row: CompiledRow, next: () => number): number {
  const free = next() % 3 === 0 ? next() & next() : next();
  return ((free & ~row.mask) | row.match) >>> 0;
}

/** A random instruction address with room for branch offsets on both sides in its 256 MB region. */
function randomPc(next: () => number): number {
  return ((0x1004_0000 + (next() % 0x6fe0_0000)) & ~3) >>> 0;
}

/**
 * Text objdump prints for more than one encoding, so reassembling it may give another word:
 * here the text is checked to be a fixed point instead (assemble it, disassemble: same text).
 */
function isAmbiguousText(row: CompiledRow, word: number): boolean {
  switch (row.name) {
    case 'move-or': // `move d,s` is printed for both OR and ADDU with rt = zero; it assembles to ADDU
    case 'b-bgez': // `b` is printed for both BGEZ zero and BEQ zero,zero; it assembles to BEQ
      return true;
    case 'clz':
    case 'clo': {
      // The destination is encoded twice (rd and rt); objdump shows just one name when the other is zero.
      const rd = (word >>> 11) & 31;
      const rt = (word >>> 16) & 31;
      return rd !== rt && (rd === 0 || rt === 0);
    }
    default:
      return false;
  }
}

describe('every table row round-trips through decode, disassemble and assemble', () => {
  for (const row of ROWS) {
    it(`${row.name}: ${WORDS_PER_ROW} random encodings decode to ${ROWS[row.executes]!.name} and reassemble`, () => {
      const next = prng(0x9e37_79b9 ^ (row.id * 0x85eb_ca6b));
      for (let count = 0; count < WORDS_PER_ROW; count++) {
        const word = randomWord(row, next);
        const pc = randomPc(next);
        expect(decode(word), `decode ${word.toString(16)}`).toBe(row.executes);
        const shown = decodeForDisassembly(word);
        expect(shown).not.toBe(RESERVED);
        expect(ROWS[shown]!.executes, `display row of ${word.toString(16)}`).toBe(row.executes);
        if (row.row.asmOnly !== true && !row.isAlias) {
          // A base row's word shows as the row itself or as one of its aliases.
          expect([row.id, ...ROWS.filter((alias) => alias.executes === row.id).map((alias) => alias.id)]).toContain(shown);
        }
        const text = disassemble(word, pc);
        const again = assemble(text, pc);
        if (isAmbiguousText(ROWS[shown]!, word)) {
          expect(disassemble(again, pc), `${word.toString(16)} "${text}"`).toBe(text);
          expect(ROWS[decode(again)]!.flags).toBe(ROWS[decode(word)]!.flags);
        } else {
          expect(again.toString(16), `"${text}" at ${pc.toString(16)}`).toBe(word.toString(16));
        }
      }
    });
  }

  it('the assembler-only alias `not` assembles to NOR rd,rs,zero', () => {
    expect(assemble('not v0,a0')).toBe(0x0080_1027);
    expect(disassemble(0x0080_1027)).toBe('nor\tv0,a0,zero');
  });
});

describe('the table has no overlapping executable rows', () => {
  const executable = ROWS.filter((row) => !row.isAlias);
  const overlap = (a: CompiledRow, b: CompiledRow) => ((a.match ^ b.match) & a.mask & b.mask) === 0;

  it('no word matches two executable rows (exact check on the masks)', () => {
    const pairs: string[] = [];
    for (let i = 0; i < executable.length; i++) {
      for (let j = i + 1; j < executable.length; j++) {
        if (overlap(executable[i]!, executable[j]!)) pairs.push(`${executable[i]!.name} / ${executable[j]!.name}`);
      }
    }
    expect(pairs).toEqual([]);
  });

  it('an alias overlaps no executable row but the one it names', () => {
    const wrong: string[] = [];
    for (const alias of ROWS.filter((row) => row.isAlias)) {
      for (const row of executable) {
        if (row.id !== alias.executes && overlap(alias, row)) wrong.push(`${alias.name} / ${row.name}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('random probing within each opcode group finds no word matching two executable rows', () => {
    const next = prng(0x1234_5678);
    const groups = new Map<number, CompiledRow[]>();
    for (const row of executable) groups.set(row.match >>> 26, [...(groups.get(row.match >>> 26) ?? []), row]);
    let probes = 0;
    const wrong: string[] = [];
    for (const [opcode, rows] of groups) {
      for (let count = 0; count < 20_000; count++) {
        // Sparse words as well as dense ones, so that must-be-zero fields are often zero.
        const bits = count % 2 === 0 ? next() : next() & next() & next();
        const word = ((opcode << 26) | (bits & 0x03ff_ffff)) >>> 0;
        const matching = rows.filter((row) => ((word & row.mask) >>> 0) === row.match);
        probes++;
        const decoded = decode(word);
        if (matching.length > 1 || decoded !== (matching.length === 1 ? matching[0]!.id : RESERVED)) {
          wrong.push(`${word.toString(16)}: matches ${matching.map((row) => row.name).join(', ') || 'nothing'}, decodes to ${decoded}`);
        }
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(probes).toBeGreaterThan(300_000);
  });
});
