#!/usr/bin/env bash
# Regenerates the objdump fidelity fixtures under test/isa/fixture/ (see test/isa/objdump.test.ts):
#   program.*   a -O2 -static build of program.c (integer, 64-bit, FPU, setjmp, stdio): the words
#               of its own functions and a selection of libc/libm ones, plus objdump's text for them
#   all-rows.*  all-rows.s, which exercises every row of src/isa/table.ts, and its disassembly
#   random.*    pseudo-random words in every opcode group (seeded), and what objdump makes of them
# Each fixture is NAME.bin (little-endian words), NAME.json (the address ranges of those words)
# and NAME.objdump.txt (`address<TAB>mnemonic[<TAB>operands]` per word, objdump's `<symbol+off>`
# suffixes and byte columns removed). Needs mipsel-linux-gnu-{gcc,as,ld,objdump} and node.
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTURE=test/isa/fixture
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CROSS=mipsel-linux-gnu-

# ---- program.c: a real static binary ----
"${CROSS}gcc" -O2 -static -o "$WORK/program" "$FIXTURE/program.c" -lm
# Functions to keep (extended regexes, matched against whole symbol names).
KEEP='main|(fpu|mix64|jumper)(\..*)?|__ieee754_(exp|log|pow|sqrt)|__sin|__cos|floor|trunc|round|fma|fmin|sqrt|__fixdfdi|__fixunsdfdi|__floatdidf|__popcountsi2|_setjmp|__sigsetjmp|__sigsetjmp_aux|__longjmp|__libc_longjmp|__udivdi3|memcpy|memset|strlen|__printf_fp_l|____strtod_l_internal|_IO_puts'
"${CROSS}nm" -S "$WORK/program" | awk -v keep="^($KEEP)\$" '
  NF == 4 && $3 ~ /^[tTwW]$/ && $4 ~ keep { print $1, $2, $4 }' >"$WORK/program.ranges"
"${CROSS}objdump" -d -z "$WORK/program" >"$WORK/program.dis"

# ---- all-rows.s: every table row ----
"${CROSS}as" -mips32r2 -EL -o "$WORK/all-rows.o" "$FIXTURE/all-rows.s"
"${CROSS}ld" -static -e __start -o "$WORK/all-rows" "$WORK/all-rows.o"
"${CROSS}objdump" -d -z "$WORK/all-rows" >"$WORK/all-rows.dis"

# ---- random words: every primary opcode, and every function code of the groups that have one ----
node --input-type=module - >"$WORK/random.s" <<'JS'
let seed = 0x2545f491;
const next = () => {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed;
};
// Fields are often zero, as real encodings' must-be-zero fields are.
const field = (width) => (next() % 3 === 0 ? 0 : next() & ((1 << width) - 1));
const words = [];
for (let opcode = 0; opcode < 64; opcode++) {
  for (let i = 0; i < 24; i++) words.push(((opcode << 26) | (next() & 0x03ff_ffff)) >>> 0);
}
// SPECIAL, REGIMM (rt selects), COP0, COP1, COP1X, SPECIAL2, SPECIAL3: each function code / rs / rt.
for (const opcode of [0x00, 0x10, 0x11, 0x13, 0x1c, 0x1f]) {
  for (let funct = 0; funct < 64; funct++) {
    for (let i = 0; i < 6; i++) {
      const word = (opcode << 26) | (field(5) << 21) | (field(5) << 16) | (field(5) << 11) | (field(5) << 6) | funct;
      words.push(word >>> 0);
    }
  }
}
for (const opcode of [0x01, 0x10, 0x11]) {
  for (let sub = 0; sub < 32; sub++) {
    for (let i = 0; i < 6; i++) {
      const low = (field(5) << 11) | (field(5) << 6) | field(6);
      const word = opcode === 0x01 ? (1 << 26) | (field(5) << 21) | (sub << 16) | (next() & 0xffff) : (opcode << 26) | (sub << 21) | (field(5) << 16) | low;
      words.push(word >>> 0);
    }
  }
}
console.log('\t.text\n\t.globl\t__start\n__start:');
for (const word of words) console.log(`\t.word\t0x${word.toString(16).padStart(8, '0')}`);
JS
"${CROSS}as" -mips32r2 -EL -o "$WORK/random.o" "$WORK/random.s"
"${CROSS}ld" -static -e __start -o "$WORK/random" "$WORK/random.o"
"${CROSS}objdump" -d -z "$WORK/random" >"$WORK/random.dis"

# ---- Turn objdump's listings into the fixtures ----
node --input-type=module - "$WORK" "$FIXTURE" <<'JS'
import { readFileSync, writeFileSync } from 'node:fs';
const [work, fixture] = process.argv.slice(2);

/** objdump -d lines: address, word, text (without the `<symbol+off>` suffix). */
function parseListing(path) {
  const lines = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*([0-9a-f]+):\t([0-9a-f]{8}) \t(.*)$/.exec(line);
    if (!match) continue;
    const text = match[3].replace(/ <[^>]*>$/, '').trimEnd();
    lines.push({ address: parseInt(match[1], 16), word: parseInt(match[2], 16), text });
  }
  return lines;
}

function write(name, lines, ranges, note) {
  const words = new Uint32Array(lines.map((line) => line.word));
  writeFileSync(`${fixture}/${name}.bin`, new Uint8Array(words.buffer));
  writeFileSync(`${fixture}/${name}.objdump.txt`, lines.map((line) => `${line.address.toString(16)}\t${line.text}\n`).join(''));
  const json = { note, binutils: 'mipsel-linux-gnu-objdump 2.40', ranges };
  writeFileSync(`${fixture}/${name}.json`, JSON.stringify(json, null, 1) + '\n');
  console.log(`${name}: ${lines.length} words in ${ranges.length} ranges`);
}

/** Consecutive addresses grouped into ranges. */
function rangesOf(lines, names) {
  const ranges = [];
  for (const line of lines) {
    const last = ranges[ranges.length - 1];
    if (last && last.start + 4 * last.words === line.address) last.words++;
    else ranges.push({ start: line.address, words: 1 });
  }
  return ranges.map((range) => ({ symbol: names?.(range.start), start: `0x${range.start.toString(16)}`, words: range.words }));
}

// program: keep the words inside the selected symbols' [address, address + size).
const symbols = readFileSync(`${work}/program.ranges`, 'utf8').trim().split('\n').map((line) => {
  const [address, size, name] = line.split(' ');
  return { start: parseInt(address, 16), end: parseInt(address, 16) + parseInt(size, 16), name };
});
const inside = (address) => symbols.some((symbol) => address >= symbol.start && address < symbol.end);
const program = parseListing(`${work}/program.dis`).filter((line) => inside(line.address));
const nameAt = (address) => symbols.filter((symbol) => symbol.start === address).map((symbol) => symbol.name).sort().join(' ') || undefined;
write('program', program, rangesOf(program, nameAt), 'words of program.c built with mipsel-linux-gnu-gcc -O2 -static; selected functions');
const allRows = parseListing(`${work}/all-rows.dis`);
write('all-rows', allRows, rangesOf(allRows), 'all-rows.s assembled with mipsel-linux-gnu-as -mips32r2 and linked with ld -static');
const random = parseListing(`${work}/random.dis`);
write('random', random, rangesOf(random), 'seeded pseudo-random words in every opcode group (scripts/make-objdump-fixture.sh)');
JS
