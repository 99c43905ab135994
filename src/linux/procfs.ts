// The /proc files a guest must see as its own rather than the emulator's: /proc/self/maps (the
// guest's mappings in Linux's format, files named by their host paths as qemu-user names them)
// and /proc/cpuinfo (the MIPS 24Kc this machine models, in the layout of Linux's
// arch/mips/kernel/proc.c). /proc/self/exe is answered in syscalls.ts (resolveBytes). An open of
// one of these gets a snapshot of its text in an unlinked host file, so read, lseek, fstat and
// mmap work on it as on any regular file.

import { constants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAGE_SHIFT, PAGE_SIZE } from '../../runtime/flat-memory.js';
import type { AddressSpace } from './address-space.js';
import { STACK_SIZE, STACK_TOP } from './layout.js';
import { TRAMPOLINE_PAGE } from './exec.js';

/** The parts of a task the /proc files describe. */
export interface ProcView {
  pid: number;
  tid: number;
  space: AddressSpace;
  /** The process's arguments, each ended by a NUL, and its name (GuestProcess.commandLine, command). */
  commandLine: Uint8Array;
  command: Uint8Array;
}

/** The text of a synthesized /proc file for `guestPath`, or undefined when the host's is used. */
export function procFileText(view: ProcView, guestPath: string): string | undefined {
  const match = /^\/proc\/(self|thread-self|\d+)(?:\/task\/(\d+))?\/(maps|cmdline|comm)$/.exec(guestPath);
  if (match) {
    const who = match[1]!;
    if (who !== 'self' && who !== 'thread-self' && Number(who) !== view.pid && Number(who) !== view.tid) return undefined;
    // Text as latin1: each character one byte of the guest's (openSnapshot writes it so).
    if (match[3] === 'cmdline') return Buffer.from(view.commandLine).toString('latin1');
    if (match[3] === 'comm') return `${Buffer.from(view.command).toString('latin1')}\n`;
    return mapsText(view.space);
  }
  if (guestPath === '/proc/cpuinfo') return cpuinfoText();
  return undefined;
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

function hex2(value: bigint): string {
  return value.toString(16).padStart(2, '0');
}

/** Linux's show_map_vma: "start-end perms offset major:minor inode", padded to column 48 before a name. */
export function mapsText(space: AddressSpace): string {
  const mem = space.mem;
  const stackStart = STACK_TOP - STACK_SIZE;
  const heapStart = space.brkStart;
  const heapEnd = (space.brk + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  const named = space.namedRanges;
  let namedIndex = 0;
  /** The label of a page: a file range, [stack], [heap], [vdso] or anonymous. */
  const labelOf = (address: number): { key: string; name: string; offset: number; device: bigint; inode: bigint } => {
    while (namedIndex < named.length && named[namedIndex]!.end <= address) namedIndex++;
    const range = named[namedIndex];
    if (range && range.start <= address) {
      return { key: `f${namedIndex}`, name: range.file.path, offset: range.file.offset + (address - range.start), device: range.file.device, inode: range.file.inode };
    }
    if (address >= stackStart && address < STACK_TOP) return { key: 's', name: '[stack]', offset: 0, device: 0n, inode: 0n };
    if (address === TRAMPOLINE_PAGE) return { key: 'v', name: '[vdso]', offset: 0, device: 0n, inode: 0n };
    if (heapEnd > heapStart && address >= heapStart && address < heapEnd) return { key: 'h', name: '[heap]', offset: 0, device: 0n, inode: 0n };
    return { key: 'a', name: '', offset: 0, device: 0n, inode: 0n };
  };
  const lines: string[] = [];
  let run: { start: number; end: number; perm: number; label: ReturnType<typeof labelOf> } | undefined;
  const flush = (): void => {
    if (!run) return;
    const { start, end, perm, label } = run;
    const perms = `${perm & 1 ? 'r' : '-'}${perm & 2 ? 'w' : '-'}${perm & 4 ? 'x' : '-'}p`; // PROT_READ, PROT_WRITE, PROT_EXEC
    const major = ((label.device >> 8n) & 0xfffn) | ((label.device >> 32n) & ~0xfffn);
    const minor = (label.device & 0xffn) | ((label.device >> 12n) & ~0xffn);
    let line = `${hex8(start)}-${hex8(end)} ${perms} ${hex8(label.offset)} ${hex2(major)}:${hex2(minor)} ${label.inode}`;
    if (label.name !== '') line = `${line.padEnd(48)} ${label.name}`;
    lines.push(line);
    run = undefined;
  };
  const pages = mem.size >>> PAGE_SHIFT;
  for (let page = 0; page < pages; page++) {
    if (!space.isPageMapped(page)) {
      flush();
      continue;
    }
    const address = page << PAGE_SHIFT;
    const perm = space.protOf(page);
    const label = labelOf(address);
    const sameRun = run !== undefined && run.end === address && run.perm === perm && run.label.key === label.key && (!label.key.startsWith('f') || run.label.offset + (address - run.start) === label.offset);
    if (run !== undefined && sameRun) run.end = address + PAGE_SIZE;
    else {
      flush();
      run = { start: address, end: address + PAGE_SIZE, perm, label };
    }
  }
  flush();
  return lines.map((line) => line + '\n').join('');
}

/** /proc/cpuinfo of one MIPS 24Kc with its FPU (PRId 0x00019300, as runtime/cp0.ts reports). */
export function cpuinfoText(): string {
  const lines: [string, string][] = [
    ['system type', 'MIPS Malta'],
    ['machine', 'mti,malta'],
    ['processor', '0'],
    ['cpu model', 'MIPS 24Kc V0.0  FPU V0.0'],
    ['BogoMIPS', '1000.00'],
    ['wait instruction', 'yes'],
    ['microsecond timers', 'yes'],
    ['tlb_entries', '16'],
    ['extra interrupt vector', 'yes'],
    ['hardware watchpoint', 'no'],
    ['isa', 'mips1 mips2 mips32r1 mips32r2'],
    ['ASEs implemented', ''],
    ['Options implemented', 'tlb 4kex 4k_cache 32fpr prefetch mcheck ejtag llsc vint perf_cntr_intr_bit nan_legacy perf'],
    ['shadow register sets', '1'],
    ['kscratch registers', '0'],
    ['package', '0'],
    ['core', '0'],
    ['VCED exceptions', 'not available'],
    ['VCEI exceptions', 'not available'],
  ];
  // Linux pads each name with tabs to the third tab stop ("%s\t\t: ").
  return lines.map(([name, value]) => `${name}${'\t'.repeat(Math.max(1, 3 - Math.floor(name.length / 8)))}: ${value}`.trimEnd() + '\n').join('') + '\n';
}

let scratchDirectory: string | undefined;

/** A read-only host descriptor holding `text`, a character per byte (an unlinked temporary file). */
export function openSnapshot(text: string): number {
  scratchDirectory ??= mkdtempSync(join(tmpdir(), 'mipsjit-proc-'));
  const file = join(scratchDirectory, `snapshot-${process.pid}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text, { encoding: 'latin1', mode: 0o444 });
  try {
    return openSync(file, constants.O_RDONLY);
  } finally {
    rmSync(file, { force: true });
  }
}
