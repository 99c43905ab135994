// Guest programs (assembly text for the project's assembler) that both the system-mode tests
// (test/system/) and the system-mode bench (bench/system.mjs) run, so the bench measures what the
// tests check. Plain JavaScript, since the bench runs on dist/ without a TypeScript loader; the
// types are in system-programs.d.mts.

/** Loads a 32-bit constant: `li32('$t0', 0x8000_1234)` (two lines: LUI, ORI). */
export const li32 = (register, value) => `lui ${register}, ${(value >>> 16) & 0xffff}\nori ${register}, ${register}, ${value & 0xffff}`;

/** A checksum loop: `rounds` passes over 64 words at `base` (loads, ALU, stores, branches), then SDBBP. */
export const checksumLoop = (base, rounds) =>
  [
    li32('$s0', base),
    'li $s1, 0',
    li32('$s2', rounds),
    'outer:',
    'move $t0, $s0',
    'li $t1, 64',
    'inner:',
    'lw $t2, 0($t0)',
    'addu $t2, $t2, $s2',
    'xor $s1, $s1, $t2',
    'sll $t3, $s1, 3',
    'srl $t4, $s1, 29',
    'or $s1, $t3, $t4',
    'sw $s1, 0($t0)',
    'addiu $t1, $t1, -1',
    'bnez $t1, inner',
    'addiu $t0, $t0, 4',
    'addiu $s2, $s2, -1',
    'bnez $s2, outer',
    'nop',
    'sdbbp',
  ].join('\n');

/** Wired TLB entry 0: virtual 0x0040_0000 (a pair of 16 KiB pages) -> physical 0x0020_0000. */
export const mapKuseg = [
  'li $t0, 1',
  'mtc0 $t0, c0_wired',
  'mtc0 $zero, c0_index',
  li32('$t0', 0x6000),
  'mtc0 $t0, c0_pagemask',
  li32('$t0', 0x0040_0000),
  'mtc0 $t0, c0_entryhi',
  li32('$t0', ((0x0020_0000 >>> 12) << 6) | 0x1f),
  'mtc0 $t0, c0_entrylo0',
  li32('$t0', ((0x0020_4000 >>> 12) << 6) | 0x1f),
  'mtc0 $t0, c0_entrylo1',
  'tlbwi',
].join('\n');

/** TLB entries 0..3, each a pair of 1 MiB pages: virtual 0x0100_0000.. (8 MiB) -> physical 0x0040_0000.. */
export const mapLargePages = [
  li32('$t0', 0x001f_e000),
  'mtc0 $t0, c0_pagemask',
  ...[0, 1, 2, 3].map((index) =>
    [
      `li $t0, ${index}`,
      'mtc0 $t0, c0_index',
      li32('$t0', 0x0100_0000 + index * 0x20_0000),
      'mtc0 $t0, c0_entryhi',
      li32('$t0', (((0x0040_0000 + index * 0x20_0000) >>> 12) << 6) | 0x1f),
      'mtc0 $t0, c0_entrylo0',
      li32('$t0', (((0x0050_0000 + index * 0x20_0000) >>> 12) << 6) | 0x1f),
      'mtc0 $t0, c0_entrylo1',
      'tlbwi',
    ].join('\n'),
  ),
].join('\n');
