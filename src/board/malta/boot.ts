// What QEMU's Malta `-kernel` path puts in memory before the CPU starts, done the same way:
// the kernel ELF loaded by its program headers (kseg0/kseg1 addresses to physical), the initrd
// near the top of low RAM (64 KiB aligned, as QEMU), YAMON-style PROM arguments (argc/argv with
// `rd_start=... rd_size=...` before the user's command line, and the environment with memsize,
// ememsize and modetty0) in low memory, and a boot stub in the flash at 0x1fc0_0000 that moves
// the GT-64120's registers and PCI windows where YAMON leaves them, loads a0..a3 and jumps to
// the kernel. The board ID word 0x420 (Malta with a CoreLV card) sits at 0x1fc0_0010.

import { assembleProgram } from '../../isa/asm.js';
import { ElfError, parseElf } from '../../linux/elf.js';

/** A problem with what the user asked to boot: reported as one line, exit status 2. */
export class BootConfigError extends Error {}

export const BOOT_ROM_BASE = 0x1fc0_0000;
export const BOOT_ROM_SIZE = 0x40_0000;
/** Malta's revision register (in the boot flash): product ID 0 (Malta), core card CoreLV (1). */
export const BOARD_ID_OFFSET = 0x10;
export const BOARD_ID = 0x0000_0420;
/** Where the PROM argument and environment tables go (QEMU's ENVP_PADDR). */
const PROM_ADDRESS = 0x2000;
const PROM_ENTRIES = 16;
const PROM_BYTES = 0x1000;
const KSEG0 = 0x8000_0000;
/** The initrd's alignment, and the room QEMU leaves above it for the kernel's boot-time allocations. */
const INITRD_ALIGN = 0x1_0000;
const INITRD_HEADROOM = 0x2_0000;

export interface KernelImage {
  entry: number;
  /** [physical address, bytes] of each loadable segment's file part; memsz beyond is zero. */
  segments: { physical: number; bytes: Uint8Array; memorySize: number }[];
  /** First physical byte after the kernel. */
  end: number;
}

/** Parses a MIPS32 little-endian ELF kernel whose segments sit in kseg0/kseg1. */
export function parseKernel(bytes: Uint8Array, ramBytes: number): KernelImage {
  let image;
  try {
    image = parseElf(bytes);
  } catch (error) {
    if (error instanceof ElfError) throw new BootConfigError(`kernel: ${error.message} (need a MIPS32 little-endian ELF kernel, e.g. Debian's vmlinuz-*-malta)`);
    throw error;
  }
  if (image.kind !== 'exec') throw new BootConfigError('kernel: not an ET_EXEC ELF executable');
  const segments: KernelImage['segments'] = [];
  let end = 0;
  for (const load of image.loads) {
    if (load.memsz === 0) continue;
    if (load.vaddr >>> 0 < KSEG0 || load.vaddr >>> 0 >= 0xc000_0000) {
      throw new BootConfigError(`kernel: segment at 0x${(load.vaddr >>> 0).toString(16)} is not in kseg0/kseg1`);
    }
    const physical = load.vaddr & 0x1fff_ffff;
    const segmentEnd = physical + load.memsz;
    if (segmentEnd > ramBytes) {
      throw new BootConfigError(`kernel: needs RAM up to 0x${segmentEnd.toString(16)}; --mem ${ramBytes >>> 20} is too small`);
    }
    segments.push({ physical, bytes: bytes.subarray(load.offset, load.offset + load.filesz), memorySize: load.memsz });
    end = Math.max(end, segmentEnd);
  }
  return { entry: image.entry >>> 0, segments, end };
}

/** Where QEMU puts an initrd of `size` bytes in `ramBytes` of low RAM. */
export function initrdAddress(size: number, ramBytes: number): number {
  return Math.ceil((ramBytes - size - INITRD_HEADROOM) / INITRD_ALIGN) * INITRD_ALIGN;
}

/** `0xffffffff8fed0000`: a kseg0 address as QEMU prints it (a sign-extended 64-bit value). */
const sixtyFourBitHex = (address: number): string => `0xffffffff${(address >>> 0).toString(16).padStart(8, '0')}`;

export interface PromArguments {
  /** argv[0] (QEMU passes the kernel's file name). */
  kernelName: string;
  commandLine: string;
  initrd: { physical: number; size: number } | undefined;
  ramBytes: number;
  /** The bytes passed as rngseed (default: fresh random bytes). */
  randomSeed?: Uint8Array;
}

/** The kernel command line QEMU builds: rd_start/rd_size first when there is an initrd. */
export function fullCommandLine(args: PromArguments): string {
  if (args.initrd === undefined) return args.commandLine;
  const { physical, size } = args.initrd;
  return `rd_start=${sixtyFourBitHex(KSEG0 + physical)} rd_size=${size}${args.commandLine === '' ? '' : ` ${args.commandLine}`}`;
}

/** The PROM table: argv (2 entries) then environment name/value pairs, then NULL; strings after it. */
export function buildProm(args: PromArguments): { physical: number; bytes: Uint8Array; argv: number; envp: number } {
  const memsize = Math.min(args.ramBytes, 0x1000_0000);
  // rngseed: 32 random bytes in hex, as QEMU passes them; Malta's kernel credits them to its
  // random pool at once ("random: crng init done") instead of gathering entropy for seconds.
  const seed = Array.from(args.randomSeed ?? crypto.getRandomValues(new Uint8Array(32)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const strings = [args.kernelName, fullCommandLine(args), 'memsize', String(memsize), 'ememsize', String(args.ramBytes), 'modetty0', '38400n8r', 'rngseed', seed];
  const bytes = new Uint8Array(PROM_BYTES);
  const view = new DataView(bytes.buffer);
  let stringAt = PROM_ENTRIES * 4;
  strings.forEach((text, index) => {
    const encoded = new TextEncoder().encode(text);
    if (stringAt + encoded.length + 1 > PROM_BYTES) throw new BootConfigError(`kernel command line too long (${text.length} bytes)`);
    view.setUint32(index * 4, KSEG0 + PROM_ADDRESS + stringAt, true);
    bytes.set(encoded, stringAt);
    stringAt += (encoded.length + 4) & ~3;
  });
  return { physical: PROM_ADDRESS, bytes, argv: KSEG0 + PROM_ADDRESS, envp: KSEG0 + PROM_ADDRESS + 8 };
}

const hi = (value: number): string => `0x${((value >>> 16) & 0xffff).toString(16)}`;
const lo = (value: number): string => `0x${(value & 0xffff).toString(16)}`;

/**
 * The boot flash: a jump over the board ID word, then the stub. With BEV set, an exception
 * before the kernel installs its vectors lands on SDBBP at 0xbfc0_0200/0x380 (a `debug` exit the
 * board reports) instead of running off into zeros.
 */
export function buildBootRom(entry: number, prom: { argv: number; envp: number }, ramBytes: number): Uint8Array {
  const rom = new Uint8Array(0x1000);
  const view = new DataView(rom.buffer);
  const put = (offset: number, words: Uint32Array): void => words.forEach((word, i) => view.setUint32(offset + i * 4, word, true));
  const stubAddress = 0xbfc0_0040;
  put(0, assembleProgram(`
    lui $t0, ${hi(stubAddress)}
    ori $t0, $t0, ${lo(stubAddress)}
    jr $t0
    nop
  `, 0xbfc0_0000));
  view.setUint32(BOARD_ID_OFFSET, BOARD_ID, true);
  const memsize = Math.min(ramBytes, 0x1000_0000);
  put(0x40, assembleProgram(`
    # GT-64120 registers from 0x1400_0000 to 0x1be0_0000 (ISD holds address bits 35..21)
    lui $t1, 0xb400
    ori $t0, $zero, 0xdf
    sw $t0, 0x68($t1)
    lui $t1, 0xbbe0
    # PCI I/O window 0x1800_0000..0x181f_ffff
    ori $t0, $zero, 0xc0
    sw $t0, 0x48($t1)
    ori $t0, $zero, 0x40
    sw $t0, 0x50($t1)
    # PCI memory windows 0x1000_0000..0x17ff_ffff and 0x1820_0000..0x1bdf_ffff
    ori $t0, $zero, 0x80
    sw $t0, 0x58($t1)
    ori $t0, $zero, 0x3f
    sw $t0, 0x60($t1)
    ori $t0, $zero, 0xc1
    sw $t0, 0x80($t1)
    ori $t0, $zero, 0x5e
    sw $t0, 0x88($t1)
    # leave the reset's error level (QEMU's -kernel starts with Status.ERL clear)
    mfc0 $t0, $12
    addiu $t1, $zero, -5
    and $t0, $t0, $t1
    mtc0 $t0, $12
    # a0 = argc, a1 = argv, a2 = envp, a3 = memsize; a stack below the PROM table
    ori $a0, $zero, 2
    lui $a1, ${hi(prom.argv)}
    ori $a1, $a1, ${lo(prom.argv)}
    lui $a2, ${hi(prom.envp)}
    ori $a2, $a2, ${lo(prom.envp)}
    lui $a3, ${hi(memsize)}
    ori $a3, $a3, ${lo(memsize)}
    lui $sp, ${hi(prom.argv - 64)}
    ori $sp, $sp, ${lo(prom.argv - 64)}
    lui $t9, ${hi(entry)}
    ori $t9, $t9, ${lo(entry)}
    jr $t9
    nop
  `, stubAddress));
  const trap = assembleProgram('sdbbp');
  put(0x200, trap);
  put(0x380, trap);
  return rom;
}
