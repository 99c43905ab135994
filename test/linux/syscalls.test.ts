// System calls and fault signals through tiny assembled programs run by runProgram.
import { describe, expect, it } from 'vitest';
import { assembleToElf, runCaptured } from './helpers.js';

function run(source: string) {
  return runCaptured({ path: assembleToElf(source), argv: ['prog'], env: {}, maxInstructions: 10_000, engine: 'interp' });
}

/** Writes "hi\n" to stdout, then exit_group(code). */
const WRITE_HI = `
  addiu sp,sp,-16
  lui t0,0xa
  ori t0,t0,0x6968
  sw t0,0(sp)
  li a0,1
  move a1,sp
  li a2,3
  li v0,4004
  syscall`;

describe('o32 system calls', () => {
  it('write and exit_group', async () => {
    const result = await run(`${WRITE_HI}
      li a0,7
      li v0,4246
      syscall`);
    expect(result.stdout.toString()).toBe('hi\n');
    expect(result.exitStatus).toBe(7);
    expect(result.signal).toBeUndefined();
  });

  it('returns errors as v0 = errno, a3 = 1 (close of a bad fd gives EBADF = 9)', async () => {
    const result = await run(`
      li a0,99
      li v0,4006
      syscall
      sll a3,a3,4
      addu a0,v0,a3
      li v0,4246
      syscall`);
    expect(result.exitStatus).toBe(9 + 16);
  });

  it('o32 pipe returns the read end in v0 and the write end in v1', async () => {
    const result = await run(`
      li v0,4042
      syscall
      move s0,v0
      move s1,v1
      addiu sp,sp,-16
      lui t0,0xa
      ori t0,t0,0x6b6f
      sw t0,0(sp)
      move a0,s1
      move a1,sp
      li a2,3
      li v0,4004
      syscall
      sw zero,0(sp)
      move a0,s0
      move a1,sp
      li a2,16
      li v0,4003
      syscall
      move a2,v0
      li a0,1
      move a1,sp
      li v0,4004
      syscall
      subu a0,s1,s0
      li v0,4246
      syscall`);
    expect(result.stdout.toString()).toBe('ok\n');
    expect(result.exitStatus).toBe(1);
  });

  it('mmap2 gives zeroed anonymous memory and brk grows the heap', async () => {
    const result = await run(`
      li a0,0
      li a1,8192
      li a2,3
      li a3,0x802
      addiu sp,sp,-32
      li t0,-1
      sw t0,16(sp)
      sw zero,20(sp)
      li v0,4210
      syscall
      bnez a3,fail
      nop
      lw t1,4096(v0)
      bnez t1,fail
      nop
      li t2,1234
      sw t2,4096(v0)
      lw t3,4096(v0)
      bne t3,t2,fail
      nop
      li a0,0
      li v0,4045
      syscall
      addiu a0,v0,4096
      move s0,a0
      li v0,4045
      syscall
      bne v0,s0,fail
      nop
      sw t2,-4(s0)
      li a0,0
      li v0,4246
      syscall
    fail:
      li a0,1
      li v0,4246
      syscall`);
    expect(result.stderr.toString()).toBe('');
    expect(result.exitStatus).toBe(0);
  });

  it('warns once per unsupported syscall and returns ENOSYS', async () => {
    const result = await run(`
      li v0,4999
      syscall
      li v0,4999
      syscall
      move a0,v0
      li v0,4246
      syscall`);
    expect(result.exitStatus).toBe(89);
    expect(result.stderr.toString()).toBe('mipsjit: unsupported syscall 4999 (unknown)\n');
  });

  it('set_thread_area sets the UserLocal register RDHWR $29 reads', async () => {
    const result = await run(`
      li a0,0x1234
      li v0,4283
      syscall
      rdhwr v1,$29
      addiu a0,v1,-0x1200
      li v0,4246
      syscall`);
    expect(result.exitStatus).toBe(0x34);
  });

  it('abort-style tgkill(SIGABRT) ends with status 134', async () => {
    const result = await run(`
      li v0,4020
      syscall
      move a0,v0
      move a1,v0
      li a2,6
      li v0,4266
      syscall
      li a0,0
      li v0,4246
      syscall`);
    expect(result.exitStatus).toBe(134);
    expect(result.signal).toBe(6);
  });
});

describe('faults become signals', () => {
  const cases: [string, string, number, RegExp][] = [
    ['load from address 0 is SIGSEGV', 'lw t0,0(zero)', 139, /SIGSEGV at pc 0x00401000 \(bad address 0x00000000\)/],
    ['unaligned load is SIGBUS', 'lw t0,1(sp)', 135, /SIGBUS/],
    ['break 7 (divide by zero) is SIGFPE', 'break 0x7', 136, /SIGFPE/],
    ['break 6 (overflow) is SIGFPE', 'break 0x6', 136, /SIGFPE/],
    ['break 0 is SIGTRAP', 'break', 133, /SIGTRAP/],
    ['teq with code 7 is SIGFPE', 'teq zero,zero,0x7', 136, /SIGFPE/],
    ['teq with another code is SIGTRAP', 'teq zero,zero', 133, /SIGTRAP/],
    ['add overflow is SIGFPE', 'lui t0,0x7fff\n add t0,t0,t0', 136, /SIGFPE/],
    ['a CP0 instruction is SIGILL', 'mfc0 t0,$12', 132, /SIGILL/],
  ];
  for (const [name, source, status, message] of cases) {
    it(name, async () => {
      const result = await run(source);
      expect(result.exitStatus).toBe(status);
      expect(result.stderr.toString()).toMatch(new RegExp(`^mipsjit: guest killed by ${message.source}`));
      expect(result.stderr.toString().split('\n')).toHaveLength(2);
    });
  }
});
