// ELF32 little-endian MIPS executables: a validating parser (every defect becomes an ElfError with a
// one-line message) and a loader that maps PT_LOAD segments into flat guest memory.
// ET_EXEC and ET_DYN, static or with a PT_INTERP loader (the caller loads that). PT_TLS is glibc's business.

import { FlatMemory, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE, Perm } from '../../runtime/flat-memory.js';
import { MMAP_MIN_ADDRESS, MMAP_TOP, PIE_BASE } from './layout.js';
import { FpAbi } from './fp-mode.js';

/** A file that is not a program we can run; `message` is one line for the user. */
export class ElfError extends Error {
  override name = 'ElfError';
}

export const enum ProgramHeaderType {
  Load = 1,
  Dynamic = 2,
  Interp = 3,
  Phdr = 6,
  Tls = 7,
  /** .MIPS.abiflags (struct mips_elf_abiflags_v0, 24 bytes; fp_abi is byte 7). */
  MipsAbiFlags = 0x7000_0003,
}

/** p_flags bits. */
export const enum SegmentFlag {
  Execute = 1,
  Write = 2,
  Read = 4,
}

const ELF_HEADER_SIZE = 52;
const PROGRAM_HEADER_SIZE = 32;
const EM_MIPS = 8;
const ET_EXEC = 2;
const ET_DYN = 3;
/** e_flags: an old o32 program built for 64-bit FPRs (EF_MIPS_FP64; Linux: FP ABI "old 64"). */
const EF_MIPS_FP64 = 0x200;
const ABIFLAGS_SIZE = 24;
/** e_flags: the ABI is n32 (EF_MIPS_ABI2). */
const EF_MIPS_ABI2 = 0x20;
/** e_flags: the architecture field and the values we cannot run. */
const EF_MIPS_ARCH_MASK = 0xf000_0000;
const EF_MIPS_ARCH_NAMES: Readonly<Record<number, string>> = {
  0x2000_0000: 'MIPS III (64-bit)',
  0x3000_0000: 'MIPS IV (64-bit)',
  0x4000_0000: 'MIPS V (64-bit)',
  0x6000_0000: 'MIPS64',
  0x8000_0000: 'MIPS64r2',
  0x9000_0000: 'MIPS32r6',
  0xa000_0000: 'MIPS64r6',
};

export interface ProgramHeader {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: number;
  align: number;
}

export interface ElfImage {
  /** ET_EXEC, or ET_DYN (a PIE or a shared object such as the dynamic loader: placed at a load bias). */
  kind: 'exec' | 'dyn';
  /** PT_INTERP: the dynamic loader a dynamically linked program asks for. */
  interpreter: string | undefined;
  entry: number;
  phoff: number;
  phnum: number;
  flags: number;
  programHeaders: ProgramHeader[];
  /** The PT_LOAD headers, in file order. */
  loads: ProgramHeader[];
  /** The FP ABI (Val_GNU_MIPS_ABI_FP_*) of PT_MIPS_ABIFLAGS or EF_MIPS_FP64; undefined: none given. */
  fpAbi: number | undefined;
}

/** Where a loaded program ended up; the numbers the initial stack's auxiliary vector needs. */
export interface LoadedProgram {
  /** Added to every p_vaddr (0 for ET_EXEC). */
  loadBias: number;
  entry: number;
  /** Guest address of the program headers (AT_PHDR). */
  phdrAddress: number;
  phnum: number;
  /** First page after the highest segment: the initial program break. */
  brkStart: number;
  /** [start, end) page ranges the image occupies. */
  ranges: [number, number][];
}

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}

/**
 * Parses and validates an ELF program's headers; throws ElfError with a one-line reason. `bytes`
 * holds the file's first bytes: at least the ELF header, the program headers and the PT_INTERP
 * and PT_MIPS_ABIFLAGS contents; `fileLength` is how many bytes the file has (default: all of them
 * are in `bytes`), against which the PT_LOAD contents are checked (loadElf reads those from a
 * SegmentSource).
 */
export function parseElf(bytes: Uint8Array, fileLength = bytes.length): ElfImage {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file');
  }
  if (bytes.length < 16) throw new ElfError('truncated ELF header');
  const elfClass = bytes[4];
  if (elfClass === 2) throw new ElfError('wrong ELF class: 64-bit (ELFCLASS64); need a 32-bit MIPS program');
  if (elfClass !== 1) throw new ElfError(`wrong ELF class ${elfClass}; need ELFCLASS32`);
  const data = bytes[5];
  if (data === 2) throw new ElfError('big-endian ELF (mips); this emulator runs little-endian (mipsel) programs');
  if (data !== 1) throw new ElfError(`unknown ELF data encoding ${data}`);
  if (bytes.length < ELF_HEADER_SIZE) throw new ElfError('truncated ELF header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);

  const type = u16(16);
  const machine = u16(18);
  if (machine !== EM_MIPS) throw new ElfError(`not a MIPS program (e_machine ${machine}, need EM_MIPS = 8)`);
  if (type !== ET_EXEC && type !== ET_DYN) {
    const names: Readonly<Record<number, string>> = { 0: 'ET_NONE', 1: 'ET_REL (an object file)', 4: 'ET_CORE (a core dump)' };
    throw new ElfError(`unsupported ELF type ${names[type] ?? type}; need an executable`);
  }
  const flags = u32(36);
  if (flags & EF_MIPS_ABI2) throw new ElfError('n32 ABI programs are not supported; need o32');
  const archName = EF_MIPS_ARCH_NAMES[(flags & EF_MIPS_ARCH_MASK) >>> 0];
  if (archName !== undefined) throw new ElfError(`${archName} programs are not supported; need MIPS32 release 1 or 2`);

  const entry = u32(24);
  const phoff = u32(28);
  const phentsize = u16(42);
  const phnum = u16(44);
  if (phnum === 0) throw new ElfError('no program headers');
  if (phentsize !== PROGRAM_HEADER_SIZE) throw new ElfError(`bad program header size ${phentsize}; need 32`);
  if (phoff + phnum * PROGRAM_HEADER_SIZE > bytes.length) throw new ElfError('truncated program headers');

  const programHeaders: ProgramHeader[] = [];
  for (let index = 0; index < phnum; index++) {
    const at = phoff + index * PROGRAM_HEADER_SIZE;
    programHeaders.push({
      type: u32(at),
      offset: u32(at + 4),
      vaddr: u32(at + 8),
      filesz: u32(at + 16),
      memsz: u32(at + 20),
      flags: u32(at + 24),
      align: u32(at + 28),
    });
  }
  let interpreter: string | undefined;
  const interpHeader = programHeaders.find((header) => header.type === ProgramHeaderType.Interp);
  if (interpHeader) {
    if (interpHeader.offset + interpHeader.filesz > bytes.length || interpHeader.filesz < 2) throw new ElfError('truncated PT_INTERP');
    const name = bytes.subarray(interpHeader.offset, interpHeader.offset + interpHeader.filesz);
    const end = name.indexOf(0);
    interpreter = new TextDecoder('latin1').decode(name.subarray(0, end < 0 ? name.length : end));
    if (!interpreter.startsWith('/')) throw new ElfError(`PT_INTERP ${JSON.stringify(interpreter)} is not an absolute path`);
  }
  let fpAbi = flags & EF_MIPS_FP64 ? FpAbi.Old64 : undefined;
  const abiFlags = programHeaders.find((header) => header.type === ProgramHeaderType.MipsAbiFlags);
  if (abiFlags) {
    if (abiFlags.filesz < ABIFLAGS_SIZE || abiFlags.offset + ABIFLAGS_SIZE > bytes.length) throw new ElfError('truncated PT_MIPS_ABIFLAGS');
    fpAbi = bytes[abiFlags.offset + 7]!;
  }
  const loads = programHeaders.filter((header) => header.type === ProgramHeaderType.Load);
  if (loads.length === 0) throw new ElfError('no PT_LOAD segments');
  for (const load of loads) {
    if (load.offset + load.filesz > fileLength) throw new ElfError(`truncated segment at file offset ${hex(load.offset)}`);
    if (load.memsz < load.filesz) throw new ElfError(`segment at ${hex(load.vaddr)} has p_memsz < p_filesz`);
    if ((load.vaddr & PAGE_MASK) !== (load.offset & PAGE_MASK)) {
      throw new ElfError(`segment at ${hex(load.vaddr)} is not congruent to its file offset modulo the page size`);
    }
  }
  return { kind: type === ET_EXEC ? 'exec' : 'dyn', interpreter, entry, phoff, phnum, flags, programHeaders, loads, fpAbi };
}

function permsOf(flags: number): number {
  let perm = 0;
  // Without RI/XI (a 24K), readable pages are executable; execute-only pages are readable.
  if (flags & (SegmentFlag.Read | SegmentFlag.Execute)) perm |= Perm.Read | Perm.Exec;
  if (flags & SegmentFlag.Write) perm |= Perm.Read | Perm.Write;
  return perm;
}

/** Where loadElf finds the PT_LOAD segments' contents: the file's bytes in memory, or the open file. */
export interface SegmentSource {
  /** Fills `target` with the file's bytes from `position` on; returns how many there were. */
  readInto(target: Uint8Array, position: number): number;
}

/** A SegmentSource of a file's bytes held in memory. */
export function bytesSource(bytes: Uint8Array): SegmentSource {
  return {
    readInto(target, position) {
      const part = bytes.subarray(position, position + target.length);
      target.set(part);
      return part.length;
    },
  };
}

/**
 * Maps the image's PT_LOAD segments into `mem` (which must be fresh, i.e. zero) and returns where.
 * An ET_DYN image goes to `base` (default PIE_BASE). The segments' contents come from `source`
 * straight into guest memory: read from the file there (exec.ts openExecutable), `busybox true`
 * (2.4 MB) took ~600 page faults and ~8 ms of CPU less than read into a buffer and copied.
 */
export function loadElf(image: ElfImage, source: SegmentSource, mem: FlatMemory, base = PIE_BASE): LoadedProgram {
  let lowest = Infinity;
  let highest = 0;
  for (const load of image.loads) {
    lowest = Math.min(lowest, load.vaddr);
    highest = Math.max(highest, load.vaddr + load.memsz);
  }
  const loadBias = image.kind === 'dyn' ? base - (lowest - (lowest & PAGE_MASK)) : 0;
  const start = lowest + loadBias;
  const end = highest + loadBias;
  if (start < MMAP_MIN_ADDRESS || end > MMAP_TOP) {
    throw new ElfError(`segments at ${hex(start)}..${hex(end)} fall outside the user address space ${hex(MMAP_MIN_ADDRESS)}..${hex(MMAP_TOP)}`);
  }
  const ranges: [number, number][] = [];
  for (const load of image.loads) {
    if (load.memsz === 0) continue;
    const vaddr = load.vaddr + loadBias;
    const pageStart = vaddr & ~PAGE_MASK;
    const pageEnd = (vaddr + load.memsz + PAGE_MASK) & ~PAGE_MASK;
    // Segments sharing a page get the union of their permissions.
    const perm = permsOf(load.flags);
    for (let page = pageStart; page < pageEnd; page += PAGE_SIZE) {
      mem.protect(page, PAGE_SIZE, perm | (mem.perms[page >>> PAGE_SHIFT]! & ~Perm.Code));
    }
    if (source.readInto(mem.u8.subarray(vaddr, vaddr + load.filesz), load.offset) < load.filesz) {
      throw new ElfError(`truncated segment at file offset ${hex(load.offset)}`);
    }
    // The rest up to p_memsz (bss) is zero in fresh memory.
    ranges.push([pageStart, pageEnd]);
  }

  let phdrAddress: number | undefined;
  const phdrHeader = image.programHeaders.find((header) => header.type === ProgramHeaderType.Phdr);
  if (phdrHeader) phdrAddress = phdrHeader.vaddr + loadBias;
  else {
    const containing = image.loads.find((load) => image.phoff >= load.offset && image.phoff < load.offset + load.filesz);
    if (containing) phdrAddress = containing.vaddr + (image.phoff - containing.offset) + loadBias;
  }
  return {
    loadBias,
    entry: (image.entry + loadBias) >>> 0,
    phdrAddress: phdrAddress ?? 0,
    phnum: image.phnum,
    brkStart: (end + PAGE_MASK) & ~PAGE_MASK,
    ranges,
  };
}
