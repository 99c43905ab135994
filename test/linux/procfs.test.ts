// /proc files the guest sees as its own: /proc/cpuinfo describes the modelled MIPS 24Kc (qemu-mipsel
// passes the host's through, so there is no oracle: the layout is that of Linux's
// arch/mips/kernel/proc.c), and /proc/self/maps lists the guest's own mappings in Linux's format.
// t_files (guest-cases) checks what qemu-mipsel agrees on; this checks the text itself.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuinfoText } from '../../src/linux/procfs.js';
import { ENGINES, runCaptured } from './helpers.js';

const root = path.resolve(__dirname, '..', '..');
const tSys = path.join(root, 'test/guest/bin/t_sys');

describe('/proc', () => {
  it('/proc/cpuinfo has the fields of Linux show_cpuinfo, tab-aligned, for a 24Kc with FPU', () => {
    const text = cpuinfoText();
    const lines = text.split('\n');
    expect(lines).toContain('processor\t\t: 0');
    expect(lines).toContain('cpu model\t\t: MIPS 24Kc V0.0  FPU V0.0');
    expect(lines).toContain('isa\t\t\t: mips1 mips2 mips32r1 mips32r2');
    expect(lines).toContain('ASEs implemented\t:');
    for (const line of lines.filter((line) => line !== '')) expect(line).toMatch(/^[A-Za-z_ ]+\t+:( \S.*)?$/);
    expect(text.endsWith('\n\n')).toBe(true);
  });

  for (const engine of ENGINES) {
    it(`a guest reads /proc/cpuinfo and its own /proc/self/maps (${engine})`, async () => {
      const cpuinfo = await runCaptured({ path: tSys, argv: [tSys, 'cat', '/proc/cpuinfo'], env: {}, cwd: root, engine });
      // t_sys cat prints the file, then a line "-- N bytes hash H".
      const text = cpuinfoText();
      expect(cpuinfo.stdout.toString('latin1')).toMatch(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-- ${text.length} bytes hash [0-9a-f]{8}\n$`));
      const maps = await runCaptured({ path: tSys, argv: [tSys, 'cat', '/proc/self/maps'], env: {}, cwd: root, engine });
      const lines = maps.stdout.toString('latin1').trimEnd().split('\n').filter((line) => !line.startsWith('-- '));
      for (const line of lines) expect(line).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8} [r-][w-][x-]p [0-9a-f]{8} [0-9a-f]{2}:[0-9a-f]{2} \d+( +\S.*)?$/);
      expect(lines.some((line) => line.includes(' r-xp 00000000 ') && line.endsWith(` ${tSys}`))).toBe(true);
      expect(lines.some((line) => line.includes(' rwxp ') && line.endsWith(' [stack]'))).toBe(true);
      // Sorted and not overlapping.
      const ranges = lines.map((line) => line.split(' ')[0]!.split('-').map((hex) => parseInt(hex, 16)) as [number, number]);
      ranges.forEach(([start, end], index) => {
        expect(start).toBeLessThan(end);
        if (index > 0) expect(start).toBeGreaterThanOrEqual(ranges[index - 1]![1]);
      });
    });
  }
});
