// The bench's generated guest inputs (bench/run.mjs, bench/compare.mjs): deterministic files under
// the system's temporary directory, made on first use and kept for later runs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

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

/** benchLines() gzipped (1.5 MB; busybox gunzip runs ~200 M instructions on it). */
export function benchGzip() {
  const file = path.join(os.tmpdir(), 'mipsjit-bench-lines.gz');
  if (!existsSync(file)) writeFileSync(file, gzipSync(readFileSync(benchLines()), { level: 6 }));
  return file;
}
