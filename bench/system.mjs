// `npm run bench:system` (also part of `npm run bench`): system-mode workloads on the VM API (dist/mipsjit.js), each under the
// interpreter and the JIT, side by side in one run: a CPU loop in kseg0, the same loop in
// TLB-mapped kuseg, a walk whose accesses all miss the soft TLB (who serves the refills: the
// generated Wasm handler from the GVA tables, or TypeScript's guest TLB walk), and a write-heavy
// guest with and without dirty logging (the host takes the log every slice, as live migration
// does). When qemu-system-mipsel is installed, the same guest code also runs as a Malta boot ROM
// under it (at the JIT's round count), timed from the host minus QEMU's start-up (an empty ROM).
// Prints a Markdown table; wall times are the median of --runs runs.
//
// Usage: node bench/system.mjs [--runs N] [--scale F]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { median } from './inputs.mjs';
import { checksumLoop, li32, mapKuseg, mapLargePages } from './system-programs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { createVm, MemFlag, assembleProgram, Reg } = await import(path.join(root, 'dist/mipsjit.js'));

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
}
const runs = Number(option('--runs', '3'));
const scale = Number(option('--scale', '1'));
/** The JIT runs this many times more rounds than the interpreter, so that its times are not noise; rates are compared. */
const JIT_ROUNDS_FACTOR = 10;

const CODE = 0x8000_1000;
const boot = [li32('$t0', CODE), 'mtc0 $zero, c0_status', 'jr $t0', 'nop'].join('\n');

/** `rounds` passes over 64 pages spaced 128 KiB apart: 8 share each soft-TLB entry, so every access misses it. */
const missWalk = (rounds) =>
  [
    li32('$s2', rounds),
    'round:',
    li32('$t0', 0x0100_0000),
    'li $t1, 64',
    'page:',
    'lw $t2, 0($t0)',
    'addiu $t2, $t2, 1',
    'sw $t2, 0($t0)',
    'lui $t3, 2',
    'addiu $t1, $t1, -1',
    'bnez $t1, page',
    'addu $t0, $t0, $t3',
    'addiu $s2, $s2, -1',
    'bnez $s2, round',
    'nop',
    'sdbbp',
  ].join('\n');

/** Write-heavy: `rounds` passes storing four words in each of 256 pages (1 MiB at kseg0 0x8100_0000 = slot 2). */
const writeHeavy = (rounds) =>
  [
    li32('$s2', rounds),
    'round:',
    li32('$t0', 0x8100_0000),
    'li $t1, 256',
    'page:',
    'sw $s2, 0($t0)',
    'sw $s2, 64($t0)',
    'sw $s2, 128($t0)',
    'sw $s2, 192($t0)',
    'addiu $t1, $t1, -1',
    'bnez $t1, page',
    'addiu $t0, $t0, 4096',
    'addiu $s2, $s2, -1',
    'bnez $s2, round',
    'nop',
    'sdbbp',
  ].join('\n');

/** `rounds` passes calling 8 small functions, one per page (at kseg0 0x8004_0000 + n * 4 KiB): cross-page jumps. */
const crossPageCalls = (rounds) =>
  [
    li32('$s1', rounds),
    'li $v0, 0',
    'round:',
    li32('$t9', 0x8004_0000),
    'li $s2, 8',
    'call:',
    'jalr $t9',
    'nop',
    'addiu $s2, $s2, -1',
    'lui $t0, 0',
    'ori $t0, $t0, 0x1000',
    'bnez $s2, call',
    'addu $t9, $t9, $t0',
    'addiu $s1, $s1, -1',
    'bnez $s1, round',
    'nop',
    'sdbbp',
  ].join('\n');
/** The 8 functions of crossPageCalls: each adds its number to $v0 in a short loop and returns. */
const calledFunctions = Array.from({ length: 8 }, (_, n) => ({
  address: 0x8004_0000 + n * 0x1000,
  code: ['li $t1, 8', 'f:', `addiu $v0, $v0, ${n + 1}`, 'addiu $t1, $t1, -1', 'bnez $t1, f', 'nop', 'jr $ra', 'nop'].join('\n'),
}));

const ALL_WORKLOADS = [
  { name: 'CPU loop in kseg0', code: (f) => checksumLoop(0x8020_0000, Math.round(100_000 * f)) },
  { name: 'CPU loop in mapped kuseg', code: (f) => [mapKuseg, checksumLoop(0x0040_0000, Math.round(100_000 * f))].join('\n') },
  { name: 'calls into 8 pages', code: (f) => crossPageCalls(Math.round(20_000 * f)), functions: calledFunctions },
  { name: 'soft-TLB miss walk (8 MiB of 1 MiB pages)', code: (f) => [mapLargePages, missWalk(Math.round(100_000 * f))].join('\n') },
  { name: 'write-heavy, no dirty log', code: (f) => writeHeavy(Math.round(10_000 * f)), logging: false },
  { name: 'write-heavy, dirty log taken every 1M instructions', code: (f) => writeHeavy(Math.round(10_000 * f)), logging: true },
];

const only = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && !all[i - 1]?.startsWith('--'));
const WORKLOADS = only.length === 0 ? ALL_WORKLOADS : ALL_WORKLOADS.filter((workload) => only.some((word) => workload.name.includes(word)));
const SLICE = 1_000_000;

async function runOnce(engine, workload, f = scale) {
  // The regions below, set aside up front (createVm's memoryBytes: the host memory then never grows).
  const vm = await createVm({ engine, memoryBytes: 0x1000 + 0x100_0000 + 0x10_0000 });
  vm.setUserMemoryRegion({ slot: 0, flags: MemFlag.Readonly, guestPhysAddr: 0x1fc0_0000, memorySize: 0x1000 });
  vm.setUserMemoryRegion({ slot: 1, flags: 0, guestPhysAddr: 0, memorySize: 0x100_0000 });
  vm.setUserMemoryRegion({ slot: 2, flags: workload.logging ? MemFlag.LogDirtyPages : 0, guestPhysAddr: 0x100_0000, memorySize: 0x10_0000 });
  vm.writePhys(0x1fc0_0000, new Uint8Array(assembleProgram(boot, 0xbfc0_0000).buffer));
  vm.writePhys(CODE & 0x1fff_ffff, new Uint8Array(assembleProgram(workload.code(f), CODE).buffer));
  for (const fn of workload.functions ?? []) vm.writePhys(fn.address & 0x1fff_ffff, new Uint8Array(assembleProgram(fn.code, fn.address).buffer));
  const vcpu = vm.createVcpu(0);
  let dirtyPages = 0;
  const start = performance.now();
  for (;;) {
    const exit = vcpu.run({ maxInstructions: SLICE });
    if (workload.logging) for (const byte of vm.getDirtyLog(2)) for (let bit = byte; bit !== 0; bit &= bit - 1) dirtyPages++;
    if (exit.reason === 'debug') break;
    if (exit.reason !== 'intr') throw new Error(`${workload.name}: unexpected exit ${JSON.stringify(exit)}`);
  }
  const seconds = (performance.now() - start) / 1000;
  return { seconds, stats: vcpu.stats, dirtyPages, result: vcpu.getOneReg(Reg.gpr(17)) };
}

// Warm up V8 and binaryen on a short version of every workload before timing anything.
for (const workload of WORKLOADS) for (const engine of ['interp', 'jit']) await runOnce(engine, workload, 0.05);

// ---- The same guest code under qemu-system-mipsel -M malta ----

const qemu = spawnSync('qemu-system-mipsel', ['-version']).status === 0 ? 'qemu-system-mipsel' : undefined;
const QEMU_CODE = 0x9fc0_1000; // the ROM at offset 0x1000, through kseg0
/** Writes 0x42 to the FPGA's SOFTRES register: with -no-reboot QEMU exits. */
const POWER_OFF = ['lui $t8, 0xbf00', 'li $t9, 0x42', 'sw $t9, 0x500($t8)', 'off:', 'b off', 'nop'].join('\n');
const romDirectory = mkdtempSync(path.join(os.tmpdir(), 'mipsjit-bench-'));

/** A Malta boot ROM running `code` (its SDBBP becomes a power-off); words byte-swapped as QEMU's malta expects for -bios on mipsel. */
function qemuRom(code) {
  // Four words (QEMU writes the board id at offset 0x10): jump to the code with Status = 0.
  const boot = assembleProgram(['lui $t0, 0x9fc0', 'ori $t0, $t0, 0x1000', 'jr $t0', 'mtc0 $zero, c0_status'].join('\n'), 0xbfc0_0000);
  const body = assembleProgram(code.replace('sdbbp', POWER_OFF), QEMU_CODE);
  const image = Buffer.alloc(0x1000 + body.length * 4);
  boot.forEach((word, index) => image.writeUInt32BE(word, index * 4));
  body.forEach((word, index) => image.writeUInt32BE(word, 0x1000 + index * 4));
  const file = path.join(romDirectory, 'rom.bin');
  writeFileSync(file, image);
  return file;
}

function timeQemu(code) {
  const rom = qemuRom(code);
  const samples = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const result = spawnSync(qemu, ['-M', 'malta', '-cpu', '24Kf', '-m', '128', '-bios', rom, '-nographic', '-no-reboot', '-serial', 'null', '-monitor', 'none', '-nodefaults', '-display', 'none'], { timeout: 600_000 });
    if (result.status !== 0) throw new Error(`qemu-system-mipsel exited with ${result.status}: ${result.stderr}`);
    samples.push((performance.now() - start) / 1000);
  }
  return median(samples);
}
const qemuStartup = qemu ? timeQemu('sdbbp') : 0;
const rows = [];
const results = {};
for (const workload of WORKLOADS) {
  const row = { name: workload.name };
  for (const engine of ['interp', 'jit']) {
    const samples = [];
    for (let run = 0; run < runs; run++) samples.push(await runOnce(engine, workload, engine === 'jit' ? scale * JIT_ROUNDS_FACTOR : scale));
    const seconds = median(samples.map((sample) => sample.seconds));
    const { stats, dirtyPages } = samples[0];
    row[engine] = { seconds, mips: stats.instructions / seconds / 1e6, stats, dirtyPages };
  }
  // (The ROM cannot hold code placed in RAM: workloads with functions there run without QEMU.)
  if (qemu && !workload.logging && workload.functions === undefined) {
    const wall = timeQemu(workload.code(scale * JIT_ROUNDS_FACTOR));
    const seconds = Math.max(wall - qemuStartup, 1e-3);
    row.qemu = { seconds, mips: row.jit.stats.instructions / seconds / 1e6 };
  }
  results[workload.name] = row;
  rows.push(row);
  console.error(`${workload.name}: interp ${row.interp.seconds.toFixed(3)} s, jit ${row.jit.seconds.toFixed(3)} s`);
}

const fmt = (n, digits = 1) => n.toFixed(digits);
console.log('| workload | interp instr | interp s | interp MIPS | jit instr | jit s | jit MIPS | jit speed-up (MIPS) | qemu-system s | qemu MIPS | jit time / qemu time | compiled share | refills from GVA (jit) | refills from guest TLB (jit) | refills/s from GVA (jit) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  const jit = row.jit.stats;
  const refills = jit.refillsFromGva + jit.refillsFromGuestTlb;
  console.log(
    `| ${row.name} | ${row.interp.stats.instructions} | ${fmt(row.interp.seconds, 3)} | ${fmt(row.interp.mips)} | ${jit.instructions} | ${fmt(row.jit.seconds, 3)} | ${fmt(row.jit.mips)} | ${fmt(row.jit.mips / row.interp.mips, 2)}x | ${row.qemu ? fmt(row.qemu.seconds, 3) : '-'} | ${row.qemu ? fmt(row.qemu.mips) : '-'} | ${row.qemu ? fmt(row.jit.seconds / row.qemu.seconds, 2) + 'x' : '-'} | ${fmt((100 * jit.compiledInstructions) / jit.instructions)}% | ${jit.refillsFromGva} (${refills ? fmt((100 * jit.refillsFromGva) / refills) : '-'}%) | ${jit.refillsFromGuestTlb} | ${fmt(jit.refillsFromGva / row.jit.seconds / 1e6, 2)} M |`,
  );
}
/** Time per instruction of workload a over that of b (the same guest code, maybe different round counts). */
const ratio = (a, b, engine) => (results[a] && results[b] ? results[b][engine].mips / results[a][engine].mips : NaN);
console.log('');
console.log(`- mapped kuseg loop / kseg0 loop: jit ${fmt(ratio('CPU loop in mapped kuseg', 'CPU loop in kseg0', 'jit'), 3)}x, interp ${fmt(ratio('CPU loop in mapped kuseg', 'CPU loop in kseg0', 'interp'), 3)}x`);
if (qemu) console.log(`- qemu-system-mipsel start-up (an empty ROM), subtracted from its times: ${fmt(qemuStartup, 3)} s`);
const logged = 'write-heavy, dirty log taken every 1M instructions';
const plain = 'write-heavy, no dirty log';
console.log(`- dirty logging cost on the write-heavy guest: jit ${fmt(100 * (ratio(logged, plain, 'jit') - 1))}%, interp ${fmt(100 * (ratio(logged, plain, 'interp') - 1))}% (pages reported dirty: ${results[logged].jit.dirtyPages})`);
