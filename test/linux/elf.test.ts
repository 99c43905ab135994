// ELF validation: every kind of bad input gives an ElfError with a clear one-line message.
import { describe, expect, it } from 'vitest';
import { FlatMemory, Perm } from '../../runtime/flat-memory.js';
import { bytesSource, ElfError, loadElf, parseElf } from '../../src/linux/elf.js';
import { makeElf } from './helpers.js';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Errno } from '../../src/linux/errno.js';
import { FpAbi, initialFpr64 } from '../../src/linux/fp-mode.js';

const code = new Uint8Array([0x0c, 0x00, 0x00, 0x00]); // syscall

function withByte(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset] = value;
  return copy;
}

function messageOf(bytes: Uint8Array): string {
  try {
    parseElf(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ElfError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('parseElf accepted the input');
}

describe('parseElf', () => {
  const good = makeElf(code);

  it('accepts a minimal static executable', () => {
    const image = parseElf(good);
    expect(image.kind).toBe('exec');
    expect(image.entry).toBe(0x40_1000);
    expect(image.loads).toHaveLength(1);
  });

  it('rejects what is not ELF', () => {
    expect(messageOf(new TextEncoder().encode('#!/bin/sh\necho hi\n'))).toBe('not an ELF file');
    expect(messageOf(new Uint8Array(0))).toBe('not an ELF file');
  });

  it('rejects a truncated header', () => {
    expect(messageOf(good.subarray(0, 30))).toBe('truncated ELF header');
    expect(messageOf(good.subarray(0, 10))).toBe('truncated ELF header');
  });

  it('rejects 64-bit and big-endian files', () => {
    expect(messageOf(withByte(good, 4, 2))).toMatch(/64-bit/);
    expect(messageOf(withByte(good, 5, 2))).toMatch(/big-endian/);
  });

  it('rejects other machines', () => {
    expect(messageOf(withByte(good, 18, 62))).toBe('not a MIPS program (e_machine 62, need EM_MIPS = 8)');
  });

  it('rejects object files and core dumps', () => {
    expect(messageOf(withByte(good, 16, 1))).toMatch(/ET_REL/);
    expect(messageOf(withByte(good, 16, 4))).toMatch(/ET_CORE/);
  });

  it('rejects truncated program headers and segments', () => {
    expect(messageOf(good.subarray(0, 60))).toBe('truncated program headers');
    expect(messageOf(good.subarray(0, 0x1002))).toMatch(/^truncated segment/);
  });

  it('rejects a PT_INTERP that is not an absolute path', () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(52, 3, true); // PT_LOAD -> PT_INTERP
    expect(messageOf(bytes)).toMatch(/PT_INTERP .* is not an absolute path/);
  });

  it('rejects n32 and MIPS32r6', () => {
    const n32 = good.slice();
    new DataView(n32.buffer).setUint32(36, 0x7000_1027, true);
    expect(messageOf(n32)).toMatch(/n32/);
    const r6 = good.slice();
    new DataView(r6.buffer).setUint32(36, 0x9000_1007, true);
    expect(messageOf(r6)).toMatch(/MIPS32r6/);
  });

  it('loads segments with their permissions and zeroes bss', () => {
    const data = new Uint8Array([1, 2, 3, 4]);
    const bytes = makeElf(code, { data });
    const mem = new FlatMemory(0x100_0000);
    const loaded = loadElf(parseElf(bytes), bytesSource(bytes), mem);
    expect(loaded.entry).toBe(0x40_1000);
    expect(loaded.phdrAddress).toBe(0x40_0034);
    expect(mem.perms[0x401]! & (Perm.Read | Perm.Write | Perm.Exec)).toBe(Perm.Read | Perm.Exec);
    expect(mem.perms[0x402]! & Perm.Write).toBe(Perm.Write);
    expect(Array.from(mem.u8.subarray(0x40_2000, 0x40_2006))).toEqual([1, 2, 3, 4, 0, 0]);
    expect(loaded.brkStart).toBe(0x40_5000);
  });
});

describe('the FPU mode of a new process (Linux arch/mips/kernel/elf.c)', () => {
  const guestBinary = (name: string) => new Uint8Array(readFileSync(path.resolve(__dirname, '../guest/bin', name)));

  it('reads the FP ABI from PT_MIPS_ABIFLAGS', () => {
    expect(parseElf(guestBinary('t_fpu')).fpAbi).toBe(FpAbi.Xx);
    expect(parseElf(guestBinary('t_fp64')).fpAbi).toBe(FpAbi.Fp64);
    expect(parseElf(makeElf(code)).fpAbi).toBeUndefined();
  });

  it('rejects a truncated PT_MIPS_ABIFLAGS', () => {
    const bytes = guestBinary('t_fpu');
    const image = parseElf(bytes);
    const index = image.programHeaders.findIndex((header) => header.type === 0x7000_0003);
    const view = new DataView(bytes.buffer);
    view.setUint32(image.phoff + index * 32 + 16, 8, true); // p_filesz
    expect(messageOf(bytes)).toBe('truncated PT_MIPS_ABIFLAGS');
  });

  it.each([
    ['no abiflags', undefined, undefined, false, false],
    ['FP32 (double)', FpAbi.Double, undefined, false, false],
    ['FPXX', FpAbi.Xx, undefined, false, true],
    ['FP64', FpAbi.Fp64, undefined, false, true],
    ['soft float', FpAbi.Soft, undefined, false, false],
    ['single float', FpAbi.Single, undefined, false, true],
    ['FPXX with an FPXX loader', FpAbi.Xx, FpAbi.Xx, true, true],
    ['FP64 with an FPXX loader', FpAbi.Fp64, FpAbi.Xx, true, true],
    ['FP32 with an FPXX loader', FpAbi.Double, FpAbi.Xx, true, false],
    ['FP64A with an FP32 loader (FRE: FR=1 here)', FpAbi.Fp64A, FpAbi.Double, true, true],
    ['FP32 with an FP64 loader', FpAbi.Double, FpAbi.Fp64, true, Errno.ELIBBAD],
    ['an FP ABI past FP64A', 9, undefined, false, Errno.ELIBBAD],
  ] as const)('%s', (_, program, loader, hasLoader, expected) => {
    expect(initialFpr64(program, loader, hasLoader)).toBe(expected);
  });
});
