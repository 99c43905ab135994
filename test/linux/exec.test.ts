// execProgram's reading of a program file: the first exec of a file reads its segments straight
// into guest memory, the second reads them into a buffer it keeps, later ones copy that buffer;
// each must leave the same bytes in guest memory. A file that changed in between is read again.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execProgram, type ExecResult } from '../../src/linux/exec.js';
import { parseElf } from '../../src/linux/elf.js';

const root = path.resolve(__dirname, '..', '..');
const program = path.join(root, 'test/guest/bin/t_int');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mipsjit-exec-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function exec(hostPath: string): ExecResult {
  return execProgram({
    hostPath,
    argv: [new TextEncoder().encode(hostPath)],
    envp: [],
    execfn: new TextEncoder().encode(hostPath),
    engine: { engine: 'interp' },
    sysroot: undefined,
    defaultSysroot: '/nonexistent',
    uid: 0,
    gid: 0,
    requireExecutePermission: false,
  });
}

/** Whether guest memory holds every PT_LOAD segment of `bytes` (file contents, then zeroes to p_memsz). */
function holdsSegments(result: ExecResult, bytes: Uint8Array): boolean {
  for (const load of parseElf(bytes).loads) {
    const memory = result.mm.mem.u8;
    const contents = bytes.subarray(load.offset, load.offset + load.filesz);
    if (Buffer.compare(memory.subarray(load.vaddr, load.vaddr + load.filesz), contents) !== 0) return false;
    if (memory.subarray(load.vaddr + load.filesz, load.vaddr + load.memsz).some((byte) => byte !== 0)) return false;
  }
  return true;
}

describe('execProgram reads a program', () => {
  it('the same way the first, second and later times', () => {
    const file = path.join(scratch, 'program');
    fs.copyFileSync(program, file);
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBeGreaterThan(0x1000);
    for (let run = 0; run < 4; run++) {
      const result = exec(file);
      expect(result.pc).toBe(parseElf(bytes).entry);
      expect(holdsSegments(result, bytes)).toBe(true);
      result.mm.discard();
    }
  });

  it('again when the file changed in between', () => {
    const file = path.join(scratch, 'changing');
    fs.copyFileSync(program, file);
    const first = exec(file);
    first.mm.discard();
    exec(file).mm.discard();
    // Same size, one byte of the text segment changed (and a new mtime).
    const bytes = fs.readFileSync(file);
    const text = parseElf(bytes).loads[0]!;
    const last = text.offset + text.filesz - 1;
    bytes[last] = bytes[last]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const changed = exec(file);
    expect(holdsSegments(changed, bytes)).toBe(true);
    changed.mm.discard();
  });

  it('refuses a file cut short inside a segment', () => {
    const file = path.join(scratch, 'short');
    const bytes = fs.readFileSync(program);
    const text = parseElf(bytes).loads[0]!;
    fs.writeFileSync(file, bytes.subarray(0, text.offset + text.filesz - 100));
    expect(() => exec(file)).toThrow(/truncated segment/);
  });
});
