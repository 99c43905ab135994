// Fidelity to binutils: our disassembler's text for every word of the committed fixtures must
// equal mipsel-linux-gnu-objdump's, line by line (fixtures: scripts/make-objdump-fixture.sh).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, decodeForDisassembly, RESERVED, ROWS } from '../../src/isa/decode.js';
import { disassemble } from '../../src/isa/disasm.js';

const FIXTURE = new URL('./fixture/', import.meta.url);

interface FixtureLine {
  readonly address: number;
  readonly word: number;
  /** objdump's text: mnemonic, then a tab and the operands when there are any. */
  readonly text: string;
}

interface FixtureRanges {
  readonly ranges: readonly { readonly start: string; readonly words: number }[];
}

function loadFixture(name: string): FixtureLine[] {
  const bytes = readFileSync(new URL(`${name}.bin`, FIXTURE));
  const words = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const ranges = (JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURE), 'utf8')) as FixtureRanges).ranges;
  const lines = readFileSync(new URL(`${name}.objdump.txt`, FIXTURE), 'utf8').trimEnd().split('\n');
  expect(lines.length).toBe(words.length);
  expect(ranges.reduce((sum, range) => sum + range.words, 0)).toBe(words.length);
  const addresses = ranges.flatMap((range) =>
    Array.from({ length: range.words }, (_, index) => (Number(range.start) + 4 * index) >>> 0),
  );
  return lines.map((line, index) => {
    const tab = line.indexOf('\t');
    const address = parseInt(line.slice(0, tab), 16);
    expect(address).toBe(addresses[index]);
    return { address, word: words[index]!, text: line.slice(tab + 1) };
  });
}

const OUR_MNEMONICS = new Set(ROWS.map((row) => row.mnemonic));

/**
 * objdump 2.40 decodes, by default, the ASEs a MIPS32r2 24Kf does not have: MSA (bz.b, ld.w, lsa...),
 * DSP (addu.qb, `mult $ac1,...`), MT (fork, mftc0), EVA (lbe, cachee), MIPS-3D (bc1any2f, cabs.*),
 * paired single (*.ps), VZ (tlbgp, mfgc0), MCU (aset), UDI (udiN), COP2 (lwc2, c2) and the generic
 * `c0`/`c1` coprocessor forms. Such a word must be a Reserved Instruction for us, and objdump's
 * mnemonic must not be one we implement (else our table lacks an encoding of it).
 */
function isOtherAse(line: FixtureLine): boolean {
  const [mnemonic, operands = ''] = line.text.split('\t');
  return decode(line.word) === RESERVED && (!OUR_MNEMONICS.has(mnemonic!) || operands.startsWith('$ac'));
}

function mismatches(lines: readonly FixtureLine[], allowOtherAse: boolean): string[] {
  const wrong: string[] = [];
  for (const line of lines) {
    const ours = disassemble(line.word, line.address);
    if (ours === line.text) continue;
    if (allowOtherAse && isOtherAse(line)) continue;
    wrong.push(`${line.address.toString(16)} ${line.word.toString(16).padStart(8, '0')}: objdump "${line.text}" ours "${ours}"`);
  }
  return wrong;
}

describe('disassembly equals mipsel-linux-gnu-objdump', () => {
  it('matches every word of the -O2 -static C program (integer, 64-bit, FPU, setjmp, stdio)', () => {
    const lines = loadFixture('program');
    expect(lines.length).toBeGreaterThan(5000);
    expect(mismatches(lines, false)).toEqual([]);
  });

  it('matches every word of all-rows.s, except words of ASEs we do not implement, which are reserved', () => {
    const lines = loadFixture('all-rows');
    expect(mismatches(lines, true)).toEqual([]);
  });

  it('matches seeded random words in every opcode group; words objdump cannot decode are reserved for us', () => {
    const lines = loadFixture('random');
    expect(mismatches(lines, true)).toEqual([]);
    const unknown = lines.filter((line) => line.text.startsWith('.word'));
    expect(unknown.length).toBeGreaterThan(500);
    for (const line of unknown) expect(decode(line.word)).toBe(RESERVED);
  });

  it('all-rows.s exercises every disassembled row of the table (aliases included)', () => {
    const seen = new Set(loadFixture('all-rows').map((line) => decodeForDisassembly(line.word)));
    const missing = ROWS.filter((row) => row.row.asmOnly !== true && !seen.has(row.id)).map((row) => row.name);
    expect(missing).toEqual([]);
  });
});
