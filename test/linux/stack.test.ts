// The initial stack: argc, argv, envp and the auxiliary vector read back as a guest would.
import { describe, expect, it } from 'vitest';
import { FlatMemory, Perm } from '../../runtime/flat-memory.js';
import { AuxType, buildInitialStack } from '../../src/linux/stack.js';

describe('buildInitialStack', () => {
  it('lays out argc, argv, envp and auxv like Linux', () => {
    const mem = new FlatMemory(0x100_0000);
    const top = 0x100_0000 - 0x1000;
    mem.protect(top - 0x10000, 0x10000, Perm.Read | Perm.Write);
    const text = new TextEncoder();
    const random = Uint8Array.from({ length: 16 }, (_, index) => index + 1);
    const stack = buildInitialStack(mem, {
      stackTop: top,
      argv: ['prog', 'a b', ''].map((s) => text.encode(s)),
      envp: ['HOME=/root', 'X=ünï'].map((s) => text.encode(s)),
      execfn: text.encode('./prog'),
      phdrAddress: 0x40_0034,
      phnum: 7,
      entry: 0x40_1000,
      uid: 1000,
      gid: 100,
      random,
    });
    expect(stack.sp % 16).toBe(0);
    const word = (address: number): number => mem.readU32(address);
    const string = (address: number): string => new TextDecoder().decode(mem.readCString(address)!);
    expect(word(stack.sp)).toBe(3);
    expect([0, 1, 2].map((index) => string(word(stack.sp + 4 + index * 4)))).toEqual(['prog', 'a b', '']);
    expect(word(stack.sp + 16)).toBe(0);
    expect(stack.envpAddress).toBe(stack.sp + 20);
    expect([0, 1].map((index) => string(word(stack.envpAddress + index * 4)))).toEqual(['HOME=/root', 'X=ünï']);
    expect(word(stack.envpAddress + 8)).toBe(0);
    const auxv = new Map<number, number>();
    for (let at = stack.auxvAddress; ; at += 8) {
      auxv.set(word(at), word(at + 4));
      if (word(at) === AuxType.Null) break;
    }
    expect(auxv.get(AuxType.Phdr)).toBe(0x40_0034);
    expect(auxv.get(AuxType.Phent)).toBe(32);
    expect(auxv.get(AuxType.Phnum)).toBe(7);
    expect(auxv.get(AuxType.Pagesz)).toBe(4096);
    expect(auxv.get(AuxType.Base)).toBe(0);
    expect(auxv.get(AuxType.Flags)).toBe(0);
    expect(auxv.get(AuxType.Entry)).toBe(0x40_1000);
    expect(auxv.get(AuxType.Uid)).toBe(1000);
    expect(auxv.get(AuxType.Euid)).toBe(1000);
    expect(auxv.get(AuxType.Gid)).toBe(100);
    expect(auxv.get(AuxType.Egid)).toBe(100);
    expect(auxv.get(AuxType.Clktck)).toBe(100);
    expect(auxv.get(AuxType.Secure)).toBe(0);
    expect(Array.from(mem.u8.subarray(auxv.get(AuxType.Random)!, auxv.get(AuxType.Random)! + 16))).toEqual(Array.from(random));
    expect(string(auxv.get(AuxType.Execfn)!)).toBe('./prog');
    expect(string(auxv.get(AuxType.BasePlatform)!)).toBe('mips32r2');
    // Strings sit above the vectors, argv[0] lowest, and the top word is NULL.
    expect(word(stack.sp + 4)).toBeGreaterThan(stack.auxvAddress);
    expect(word(top - 4)).toBe(0);
  });
});
