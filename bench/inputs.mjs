// What the bench tools share: the generated guest inputs (deterministic files under the system's
// temporary directory, made on first use and kept for later runs), the short runs that
// bench/compare.mjs and bench/compile-replay.mjs measure, the runs that write the CLI's V8 code
// cache before anything is timed, the command line of the short-run tools, and the median every
// bench tool reports.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** The middle value of `values` (the upper middle of an even count), as every bench tool reports it. */
export function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** A deterministic 8 MB text file for the busybox workloads (base64 of a seeded xorshift stream). */
export function benchInput() {
  const file = path.join(os.tmpdir(), 'mipsjit-bench-input.txt');
  if (!existsSync(file)) {
    const bytes = new Uint8Array(6 << 20);
    let state = 0x1234_5678;
    for (let index = 0; index < bytes.length; index++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      bytes[index] = state & 0xff;
    }
    writeFileSync(file, Buffer.from(bytes).toString('base64'));
  }
  return file;
}

/** The first 2 MB of benchInput() in lines of 76 characters (26,316 lines), for sort and bzip2. */
export function benchLines() {
  const file = path.join(os.tmpdir(), 'mipsjit-bench-lines.txt');
  if (!existsSync(file)) {
    const text = readFileSync(benchInput(), 'latin1').slice(0, 2_000_000);
    writeFileSync(file, text.replace(/.{1,76}/g, '$&\n'));
  }
  return file;
}

/** All of benchInput() in lines of 76 characters (8.5 MB, 110,377 lines), for bench/applets.mjs. */
export function benchLines8() {
  const file = path.join(os.tmpdir(), 'mipsjit-bench-lines8.txt');
  if (!existsSync(file)) writeFileSync(file, readFileSync(benchInput(), 'latin1').replace(/.{1,76}/g, '$&\n'));
  return file;
}

/** benchLines() gzipped (1.5 MB; busybox gunzip runs ~200 M instructions on it). */
export function benchGzip() {
  const file = path.join(os.tmpdir(), 'mipsjit-bench-lines.gz');
  if (!existsSync(file)) writeFileSync(file, gzipSync(readFileSync(benchLines()), { level: 6 }));
  return file;
}

/**
 * A deterministic directory tree for the applets that walk one (find, ls -lR, du): 40 directories
 * of 5 subdirectories of 20 files each (4,000 files of 0-199 bytes, 241 directories in all), with
 * fixed times so that `ls -l` prints the same on every machine. Built beside its final name and
 * renamed, so that an interrupted build is never taken for a finished one.
 */
export function benchTree() {
  const tree = path.join(os.tmpdir(), 'mipsjit-bench-tree');
  if (existsSync(tree)) return tree;
  const building = `${tree}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const directories = [building];
  for (let top = 0; top < 40; top++) {
    const upper = path.join(building, `d${top}`);
    directories.push(upper);
    for (let sub = 0; sub < 5; sub++) {
      const lower = path.join(upper, `s${sub}`);
      mkdirSync(lower, { recursive: true });
      directories.push(lower);
      for (let file = 0; file < 20; file++) {
        const name = path.join(lower, `f${file}.txt`);
        writeFileSync(name, 'x'.repeat((top * 100 + sub * 20 + file) % 200));
        utimesSync(name, 1_000_000_000, 1_000_000_000);
      }
    }
  }
  // Children before parents: setting a child's times does not touch its parent's.
  for (const directory of directories.reverse()) utimesSync(directory, 1_000_000_000, 1_000_000_000);
  renameSync(building, tree);
  utimesSync(tree, 1_000_000_000, 1_000_000_000);
  return tree;
}

/** The guest programs of the short and long runs, from the repository's root `root`. */
function benchPrograms(root) {
  return {
    busybox: path.join(root, '.cache/busybox/root/bin/busybox'),
    coremark: path.join(root, '.cache/coremark/coremark'),
    gamebench: path.join(root, 'bench/guest/gamebench'),
    cpubench: path.join(root, 'bench/guest/cpubench'),
    callbench: path.join(root, 'bench/guest/callbench'),
  };
}

/**
 * Runs of about 0.2 G instructions (qemu-mipsel: ~0.1 s), the line of issue 10 they bear on, and a
 * longer one; `root` is the repository. Each program's `args` makes its inputs when called.
 * (gamebench nbody runs 63 M instructions, but of floating point, which qemu-mipsel emulates in
 * software: ~0.37 s there.)
 */
export function shortRunWorkloads(root) {
  const { busybox, coremark, gamebench, cpubench, callbench } = benchPrograms(root);
  return [
    { name: 'CoreMark 700', program: coremark, args: () => ['0x0', '0x0', '0x66', '700'] },
    { name: 'cpubench 1', program: cpubench, args: () => ['1'] },
    { name: 'callbench 3', program: callbench, args: () => ['3'] },
    { name: 'busybox gunzip', program: busybox, args: () => ['gunzip', '-c', benchGzip()] },
    { name: 'busybox sha1sum', program: busybox, args: () => ['sha1sum', benchInput()] },
    { name: 'busybox md5sum', program: busybox, args: () => ['md5sum', benchInput()] },
    { name: 'busybox awk', program: busybox, args: () => ['awk', '{s+=length($0)}END{print(s)}', benchLines()] },
    // Kernels in the style of the Benchmarks Game, none of them looked at while tuning the JIT.
    { name: 'gamebench btree 12', program: gamebench, args: () => ['btree', '12'] },
    { name: 'gamebench fannkuch 9', program: gamebench, args: () => ['fannkuch', '9'] },
    { name: 'gamebench strsort 60000', program: gamebench, args: () => ['strsort', '60000'] },
    { name: 'gamebench sieve 4000000', program: gamebench, args: () => ['sieve', '4000000', '4'] },
    { name: 'gamebench nbody 100000', program: gamebench, args: () => ['nbody', '100000'] },
    { name: 'CoreMark 4000', program: coremark, args: () => ['0x0', '0x0', '0x66', '4000'] },
  ];
}

/** benchInput() five times over (40 MB; busybox gzip runs ~10.6 G instructions on it). */
export function benchInput40() {
  const file = path.join(os.tmpdir(), 'mipsjit-bench-input40.txt');
  if (!existsSync(file)) {
    const text = readFileSync(benchInput());
    writeFileSync(file, Buffer.concat([text, text, text, text, text]));
  }
  return file;
}

/**
 * Multi-second runs (qemu-mipsel: ~1.3-5 s each), for the line on long runs, where
 * start-up and warm-up weigh little: bench/compare.mjs --long. None was used for tuning the JIT.
 */
export function longRunWorkloads(root) {
  const { busybox, coremark, gamebench, cpubench } = benchPrograms(root);
  return [
    { name: 'busybox gzip -c 40MB', program: busybox, args: () => ['gzip', '-c', benchInput40()] },
    { name: 'cpubench 15 (all kernels)', program: cpubench, args: () => ['15'] },
    { name: 'CoreMark 20000', program: coremark, args: () => ['0x0', '0x0', '0x66', '20000'] },
    { name: 'gamebench btree 16', program: gamebench, args: () => ['btree', '16'] },
  ];
}

/** The workloads whose names start with one of `names` (all of them without names). */
export function workloadsNamed(workloads, names) {
  return workloads.filter((workload) => names.length === 0 || names.some((name) => workload.name.startsWith(name)));
}

/**
 * A build's first four runs write V8's code cache of the CLI (src/cli-launch.ts): four earlier runs
 * of other programs (none a timed workload) leave it as a user's first runs would, and keep those
 * writes out of the timed runs. Paths from the repository's root.
 */
export const CACHE_WRITING_RUNS = [['bench/guest/hello-default'], ['test/guest/bin/t_int', 'checksum'], ['test/guest/bin/t_fpu', 'math'], ['test/guest/bin/t_libc', 'qsort']];

/**
 * A short-run tool's command line: its options, the workload names after `--`, and `number(flag,
 * fallback)`, the value after an option (`fallback` without it).
 */
export function benchArguments(argv) {
  const separator = argv.indexOf('--');
  const options = separator < 0 ? argv : argv.slice(0, separator);
  const names = separator < 0 ? [] : argv.slice(separator + 1);
  const number = (flag, fallback) => {
    const at = options.indexOf(flag);
    return at < 0 ? fallback : Number(options[at + 1]);
  };
  return { options, names, number };
}
