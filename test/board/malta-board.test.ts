// The Malta board with tiny kernels (tiny-kernel.ts): what the boot stub hands the kernel, the
// console UART, power-off and reset, the PCI configuration cycles Linux makes, bad input, and the
// watchdog that ends a guest stuck in an exception loop. Every case runs under both engines.

import { describe, expect, it } from 'vitest';
import { BootConfigError, MaltaBoard, type MaltaOptions } from '../../src/board/malta/board.js';
import { initrdAddress } from '../../src/board/malta/boot.js';
import { Reg } from '../../src/vm/registers.js';
import { EXCEPTION_LOOP_SOURCE, POWER_OFF, PUTC, tinyKernel } from './tiny-kernel.js';

async function boot(source: string, engine: 'interp' | 'jit', options: Partial<MaltaOptions> = {}) {
  let output = '';
  const board = await MaltaBoard.create({
    kernel: tinyKernel(source),
    engine,
    consoleOutput: (bytes) => {
      output += Buffer.from(bytes).toString('latin1');
    },
    ...options,
  });
  const stop = await board.run();
  return { board, stop, output };
}

/** A subroutine (`jal print`) that prints the NUL-terminated string at $s0 on COM1. */
const PRINT_SUBROUTINE = `
  print:
    lbu $a0, 0($s0)
    beqz $a0, printed
    nop
    ${PUTC}
    b print
    addiu $s0, $s0, 1
  printed:
    jr $ra
    nop
`;

describe.each(['interp', 'jit'] as const)('Malta board (%s)', (engine) => {
  it('prints on the console and powers off', async () => {
    const { stop, output } = await boot(`
      ori $a0, $zero, 0x68
      ${PUTC}
      ori $a0, $zero, 0x69
      ${PUTC}
      ${POWER_OFF}
    spin:
      b spin
      nop
    `, engine);
    expect(stop).toEqual({ reason: 'poweroff' });
    expect(output).toBe('hi');
  });

  it('holds the guest while the host has not taken its console output (back-pressure)', async () => {
    let board: MaltaBoard | undefined;
    let received = 0;
    let calls = 0;
    const ranWhileHeld: number[] = [];
    board = await MaltaBoard.create({
      kernel: tinyKernel(`
        lui $s0, 0x4
      again:
        ori $a0, $zero, 0x78
        ${PUTC}
        addiu $s0, $s0, -1
        bnez $s0, again
        nop
        ${POWER_OFF}
      spin:
        b spin
        nop
      `),
      engine,
      consoleOutput: (bytes) => {
        received += bytes.length;
        calls++;
        const at = board!.stats.instructions;
        return new Promise((resolve) =>
          setTimeout(() => {
            ranWhileHeld.push(board!.stats.instructions - at);
            resolve();
          }, 5),
        );
      },
    });
    expect(await board.run()).toEqual({ reason: 'poweroff' });
    expect(received).toBe(0x4_0000);
    expect(calls).toBeGreaterThan(0);
    expect(ranWhileHeld.every((instructions) => instructions === 0)).toBe(true);
  });

  it('passes YAMON-style argc/argv/envp and memsize as QEMU -kernel does', async () => {
    const initrd = new Uint8Array(0x1234).fill(7);
    // argv[1] (the command line), then envp[0]/[1] ("memsize", its value), each followed by a newline.
    const { board, stop, output } = await boot(`
      move $s7, $a1
      move $s6, $a2
      lw $s0, 4($s7)
      jal print
      nop
      ori $a0, $zero, 10
      ${PUTC}
      lw $s0, 0($s6)
      jal print
      nop
      ori $a0, $zero, 10
      ${PUTC}
      lw $s0, 4($s6)
      jal print
      nop
      ${POWER_OFF}
    spin:
      b spin
      nop
      ${PRINT_SUBROUTINE}
    `, engine, { initrd, append: 'console=ttyS0 quiet', memoryMiB: 64 });
    expect(stop).toEqual({ reason: 'poweroff' });
    const start = (0x8000_0000 + initrdAddress(initrd.length, 64 << 20)) >>> 0;
    expect(output).toBe(`rd_start=0xffffffff${start.toString(16)} rd_size=${0x1234} console=ttyS0 quiet\nmemsize\n${64 << 20}`);
    expect(board.vcpu.getOneReg(Reg.gpr(4))).not.toBe(2); // a0 was overwritten by the prints
    expect([...board.vm.readPhys(start & 0x1fff_ffff, 4)]).toEqual([7, 7, 7, 7]);
  });

  it('reads the board ID and answers PCI configuration cycles through the GT-64120 (absent functions abort)', async () => {
    // The boot stub has moved the GT's registers to 0x1be0_0000. s3/s4: the ID words of PCI 00:00.0
    // (the GT itself) and 00:0a.0 (PIIX4 ISA bridge); s5/s6: a read of the empty slot 00:01.0 and
    // the interrupt cause register after it (master abort, bit 18); then SDBBP stops the guest.
    const { board, stop } = await boot(`
      lui $t0, 0xbfc0
      lw $s1, 0x10($t0)
      lui $s2, 0xbbe0
      lui $t1, 0x8000
      sw $t1, 0xcf8($s2)
      lw $s3, 0xcfc($s2)
      ori $t1, $t1, 0x5000
      sw $t1, 0xcf8($s2)
      lw $s4, 0xcfc($s2)
      sw $zero, 0xc18($s2)
      lui $t1, 0x8000
      ori $t1, $t1, 0x0800
      sw $t1, 0xcf8($s2)
      lw $s5, 0xcfc($s2)
      lw $s6, 0xc18($s2)
      sdbbp
    `, engine);
    expect(stop.reason).toBe('stalled');
    const gpr = (n: number): number => board.vcpu.getOneReg(Reg.gpr(n));
    expect(gpr(17)).toBe(0x420);
    expect(gpr(19)).toBe(0x4620_11ab);
    expect(gpr(20)).toBe(0x7110_8086);
    expect(gpr(21)).toBe(0xffff_ffff);
    expect(gpr(22)).toBe(1 << 18);
  });

  it('resets through the FPGA SOFTRES register (Linux reboot), and the host can stop the board', async () => {
    const { stop } = await boot(`
      lui $t0, 0xbf00
      ori $t1, $zero, 0x42
      sw $t1, 0x500($t0)
    spin:
      b spin
      nop
    `, engine);
    expect(stop).toEqual({ reason: 'reset' });
    const board = await MaltaBoard.create({ kernel: tinyKernel('spin:\n b spin\n nop'), engine, consoleOutput: () => {} });
    setTimeout(() => board.stop(), 200);
    expect(await board.run()).toEqual({ reason: 'host-stop' });
  });
});

describe('Malta board: bad input and stuck guests', () => {
  it('refuses what is not a MIPS32 little-endian ELF kernel, and RAM too small, with one line', async () => {
    const make = (kernel: Uint8Array, options: Partial<MaltaOptions> = {}) => MaltaBoard.create({ kernel, consoleOutput: () => {}, engine: 'interp', ...options });
    await expect(make(new Uint8Array(100))).rejects.toThrow(BootConfigError);
    await expect(make(new Uint8Array(100))).rejects.toThrow(/kernel: not an ELF file/);
    const bigEndian = tinyKernel('nop');
    bigEndian[5] = 2;
    await expect(make(bigEndian)).rejects.toThrow(/big-endian/);
    await expect(make(tinyKernel('nop'), { initrd: new Uint8Array(20 << 20), memoryMiB: 16 })).rejects.toThrow(/initrd: .* do not fit/);
    await expect(make(tinyKernel('nop'), { memoryMiB: 300 })).rejects.toThrow(/16\.\.256 MiB/);
    for (const stallSeconds of [0, -1, Number.NaN, Infinity, '5' as unknown as number]) {
      await expect(make(tinyKernel('nop'), { stallSeconds })).rejects.toThrow(/stallSeconds .*: must be a positive number of seconds/);
    }
  });

  it.each(['interp', 'jit'] as const)('ends an exception loop with a diagnosis (%s)', async (engine) => {
    // A refill handler that returns to the faulting load: the load of kuseg 0 faults forever.
    const { stop } = await boot(EXCEPTION_LOOP_SOURCE, engine, { stallSeconds: 0.5 });
    expect(stop.reason).toBe('stalled');
    expect(stop.reason === 'stalled' && stop.message).toMatch(/exception loop \(exception 2 again and again, BadVAddr 0x00000000\) at PC 0x801000[0-9a-f]{2} .*EPC 0x80100030/);
  }, 60_000);
});
