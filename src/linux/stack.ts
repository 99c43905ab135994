// The initial process stack, laid out as Linux's fs/exec.c and fs/binfmt_elf.c build it for MIPS o32:
//
//   sp ->  argc | argv[0..argc-1] | NULL | envp[..] | NULL | auxv (type, value)... AT_NULL
//          ... padding ... 16 random bytes (AT_RANDOM) | "mips32r2" (AT_BASE_PLATFORM)
//          argv strings | envp strings | execfn string | 4 zero bytes | STACK_TOP
//
// sp is 16-byte aligned (Linux's STACK_ROUND on MIPS).

import { FlatMemory } from '../../runtime/flat-memory.js';

/** Auxiliary vector entry types (include/uapi/linux/auxvec.h). */
export const enum AuxType {
  Null = 0,
  Phdr = 3,
  Phent = 4,
  Phnum = 5,
  Pagesz = 6,
  Base = 7,
  Flags = 8,
  Entry = 9,
  Uid = 11,
  Euid = 12,
  Gid = 13,
  Egid = 14,
  Platform = 15,
  Hwcap = 16,
  Clktck = 17,
  Secure = 23,
  BasePlatform = 24,
  Random = 25,
  Execfn = 31,
}

export interface InitialStackOptions {
  /** One past the highest stack byte. */
  stackTop: number;
  argv: readonly Uint8Array[];
  envp: readonly Uint8Array[];
  /** The program path as given to execve (AT_EXECFN). */
  execfn: Uint8Array;
  phdrAddress: number;
  phnum: number;
  entry: number;
  /** AT_BASE: where the dynamic loader was mapped (0 for a static program). */
  base?: number;
  uid: number;
  gid: number;
  /** The 16 bytes AT_RANDOM points at (glibc seeds the stack protector and pointer guard). */
  random: Uint8Array;
}

export interface InitialStack {
  sp: number;
  argvAddress: number;
  envpAddress: number;
  auxvAddress: number;
}

/** The string AT_BASE_PLATFORM names, as the kernel sets it for a MIPS32r2 CPU. */
const BASE_PLATFORM = new TextEncoder().encode('mips32r2');

/** Writes the initial stack below options.stackTop (already mapped read/write) and returns sp. */
export function buildInitialStack(mem: FlatMemory, options: InitialStackOptions): InitialStack {
  const u8 = mem.u8;
  const view = new DataView(mem.memory.buffer);
  let p = options.stackTop - 4; // the kernel leaves one NULL pointer at the very top
  view.setUint32(p, 0, true);

  const pushString = (bytes: Uint8Array): number => {
    p -= bytes.length + 1;
    u8.set(bytes, p);
    u8[p + bytes.length] = 0;
    return p;
  };
  // copy_strings() runs from the last string to the first, so argv[0] ends up lowest.
  const execfnAddress = pushString(options.execfn);
  const envAddresses = new Array<number>(options.envp.length);
  for (let index = options.envp.length - 1; index >= 0; index--) envAddresses[index] = pushString(options.envp[index]!);
  const argAddresses = new Array<number>(options.argv.length);
  for (let index = options.argv.length - 1; index >= 0; index--) argAddresses[index] = pushString(options.argv[index]!);

  p &= ~15;
  const basePlatformAddress = pushString(BASE_PLATFORM);
  p -= 16;
  const randomAddress = p;
  u8.set(options.random.subarray(0, 16), randomAddress);

  const auxv: [number, number][] = [
    [AuxType.Hwcap, 0],
    [AuxType.Pagesz, 4096],
    [AuxType.Clktck, 100],
    [AuxType.Phdr, options.phdrAddress],
    [AuxType.Phent, 32],
    [AuxType.Phnum, options.phnum],
    [AuxType.Base, options.base ?? 0],
    [AuxType.Flags, 0],
    [AuxType.Entry, options.entry],
    [AuxType.Uid, options.uid],
    [AuxType.Euid, options.uid],
    [AuxType.Gid, options.gid],
    [AuxType.Egid, options.gid],
    [AuxType.Secure, 0],
    [AuxType.Random, randomAddress],
    [AuxType.Execfn, execfnAddress],
    [AuxType.BasePlatform, basePlatformAddress],
    [AuxType.Null, 0],
  ];
  const words = 1 + argAddresses.length + 1 + envAddresses.length + 1 + auxv.length * 2;
  const sp = (p - words * 4) & ~15;
  let at = sp;
  const put = (value: number): void => {
    view.setUint32(at, value >>> 0, true);
    at += 4;
  };
  put(argAddresses.length);
  const argvAddress = at;
  for (const address of argAddresses) put(address);
  put(0);
  const envpAddress = at;
  for (const address of envAddresses) put(address);
  put(0);
  const auxvAddress = at;
  for (const [type, value] of auxv) {
    put(type);
    put(value);
  }
  return { sp, argvAddress, envpAddress, auxvAddress };
}
