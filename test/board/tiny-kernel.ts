// Tiny "kernels" for the Malta board's own tests: guest code assembled with the project's
// assembler and wrapped in a minimal MIPS32 little-endian ELF (one PT_LOAD in kseg0), so the
// board's boot path, devices and watchdog can be checked in milliseconds.

import { assembleProgram } from '../../src/isa/asm.js';

export const TINY_KERNEL_BASE = 0x8010_0000;

/** An ET_EXEC ELF with the code at TINY_KERNEL_BASE (entry there) and `bssBytes` of zeroes after it. */
export function tinyKernel(source: string, bssBytes = 0): Uint8Array {
  const code = assembleProgram(source, TINY_KERNEL_BASE);
  const headerBytes = 0x1000;
  const elf = new Uint8Array(headerBytes + code.length * 4);
  const view = new DataView(elf.buffer);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 8, true); // EM_MIPS
  view.setUint32(20, 1, true);
  view.setUint32(24, TINY_KERNEL_BASE, true); // e_entry
  view.setUint32(28, 52, true); // e_phoff
  view.setUint32(36, 0x7000_1000, true); // MIPS32r2, o32
  view.setUint16(40, 52, true);
  view.setUint16(42, 32, true);
  view.setUint16(44, 1, true);
  const ph = 52;
  view.setUint32(ph, 1, true); // PT_LOAD
  view.setUint32(ph + 4, headerBytes, true);
  view.setUint32(ph + 8, TINY_KERNEL_BASE, true);
  view.setUint32(ph + 12, TINY_KERNEL_BASE, true);
  view.setUint32(ph + 16, code.length * 4, true);
  view.setUint32(ph + 20, code.length * 4 + bssBytes, true);
  view.setUint32(ph + 24, 7, true);
  view.setUint32(ph + 28, 0x1000, true);
  code.forEach((word, index) => view.setUint32(headerBytes + index * 4, word, true));
  return elf;
}

/** Guest code: write the low byte of $a0 to COM1 (ISA port 0x3f8 through the GT's PCI I/O window at kseg1 0xb800_0000). */
export const PUTC = `
    lui $t8, 0xb800
    sb $a0, 0x3f8($t8)
`;

/** Guest code: power off through the PIIX4's PMCNTRL (SUS_EN, soft-off type), as Linux's piix4-poweroff does. */
export const POWER_OFF = `
    lui $t8, 0xb800
    ori $t9, $zero, 0x2000
    sh $t9, 0x1004($t8)
`;

/**
 * A tiny kernel's source that loops on an exception: the refill and general vectors hold ERET,
 * and the load of kuseg 0 (no TLB entry) faults again after each return.
 */
export const EXCEPTION_LOOP_SOURCE = `
  lui $t0, 0x4200
  ori $t0, $t0, 0x0018
  lui $t1, 0x8000
  sw $t0, 0($t1)
  sw $zero, 4($t1)
  sw $t0, 0x180($t1)
  sw $zero, 0x184($t1)
  mfc0 $t2, $12
  lui $t3, 0xffbf
  ori $t3, $t3, 0xffff
  and $t2, $t2, $t3
  mtc0 $t2, $12
  lw $t4, 0($zero)
`;
