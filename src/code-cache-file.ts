// The persistent code cache of `mipsjit run` (Node only): the compiled regions of one program,
// kept in a file under the user's cache directory, so that a later run of the same program installs
// a page's code as soon as the page gets warm (codegen/shared-compiler.ts StoredRegion) instead of
// interpreting it until it is hot and waiting for the compiler. One file per program (named by a
// hash of samples of the executable's bytes and of the compiler's own code); a region is used only
// if the page holds the words its code was compiled from, under the same memory layout.
//
// File layout (little-endian): "MJCC", u32 format, the compiler version (u32 length + UTF-8), u32
// region count, then per region: u32 page, layout key (u32 length + UTF-8), u32 count + i32
// `compiled` entries, u32 count + i32 entries, u32 blocks, u32 fpuIndependent, 1024 i32 page words,
// u32 length + the module's bytes.

import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writevSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StoredRegion } from '../codegen/shared-compiler.js';

const MAGIC = 0x4343_4a4d; // "MJCC"
const FORMAT = 2;
const PAGE_WORDS = 1024;
/** A program's file stops growing here (its regions of the latest runs come first). */
const MAX_FILE_BYTES = 32 << 20;
/** Past this many programs' files in the directory, saving one deletes the least recently written. */
const MAX_FILES = 256;

/** $MIPSJIT_CACHE_DIR, else $XDG_CACHE_HOME/mipsjit, else ~/.cache/mipsjit. */
export function defaultCacheDirectory(): string {
  const explicit = process.env.MIPSJIT_CACHE_DIR;
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'mipsjit');
}

/** How many 32-bit words of a program programName() reads. */
const NAME_SAMPLES = 1024;

/**
 * The file name of `program`'s regions under compiler `version`: a 64-bit hash (two 32-bit lanes)
 * of the size, NAME_SAMPLES words spread evenly over the bytes, the last 8 bytes and the version.
 * The name only has to tell programs apart: each stored region is used only if the page holds the
 * words its code was compiled from, so two programs that share a name share a file and lose only
 * cache hits.
 * ~0.2 ms for a 2.4 MB busybox; every word (~2 ms in JavaScript that V8 has not optimized yet)
 * or SHA-256 (node:crypto, ~2 ms to load) cost more than that of every run.
 */
function programName(program: Uint8Array, version: string): string {
  let first = 0x811c_9dc5 ^ program.length;
  let second = 0x9e37_79b9 + program.length;
  const mix = (value: number) => {
    first = Math.imul(first ^ value, 0x0100_0193);
    second = Math.imul(second ^ value, 0x85eb_ca6b) ^ (second >>> 13);
  };
  const step = Math.max(4, Math.floor(program.length / NAME_SAMPLES));
  for (let offset = 0; offset + 4 <= program.length; offset += step) {
    mix(program[offset]! | (program[offset + 1]! << 8) | (program[offset + 2]! << 16) | (program[offset + 3]! << 24));
  }
  for (let offset = Math.max(0, program.length - 8); offset < program.length; offset++) mix(program[offset]!);
  for (let index = 0; index < version.length; index++) mix(version.charCodeAt(index));
  return (first >>> 0).toString(16).padStart(8, '0') + (second >>> 0).toString(16).padStart(8, '0');
}

/** How many pieces of a program file programSample reads, and how long each is. */
const SAMPLE_PIECES = 64;
const SAMPLE_PIECE_BYTES = 16;

/**
 * What tells a program file apart, read without reading it all (exec reads its segments straight
 * into guest memory): its size, its first 4 KiB (ELF and program headers) and SAMPLE_PIECES pieces
 * spread evenly over the rest, last byte included. For CodeCacheFile; undefined if it cannot be read.
 */
export function programSample(file: string): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const head = Math.min(size, 4096);
    const sample = new Uint8Array(4 + head + SAMPLE_PIECES * SAMPLE_PIECE_BYTES);
    new DataView(sample.buffer).setUint32(0, size, true);
    let at = 4 + readSync(fd, sample, 4, head, 0);
    const rest = size - head;
    for (let piece = 1; piece <= SAMPLE_PIECES && rest > 0; piece++) {
      const end = head + Math.floor((rest * piece) / SAMPLE_PIECES);
      const start = Math.max(head, end - SAMPLE_PIECE_BYTES);
      at += readSync(fd, sample, at, end - start, start);
    }
    return sample.subarray(0, at);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** A program's cache file: one per executable and compiler version. */
export class CodeCacheFile {
  readonly path: string;

  constructor(
    directory: string,
    /** The program's bytes, or programSample's sample of its file (what the CLI passes). */
    program: Uint8Array,
    private readonly version: string,
  ) {
    this.path = join(directory, `${programName(program, version)}.regions`);
  }

  /** The stored regions, or none when the file is missing, from another compiler, or damaged. */
  load(): StoredRegion[] {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(this.path);
    } catch {
      return [];
    }
    try {
      return decode(bytes, this.version);
    } catch {
      return [];
    }
  }

  /** Writes `regions` (atomically: a reader sees the old file or the new one). False if it could not. */
  save(regions: readonly StoredRegion[]): boolean {
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const pieces = encode(regions, this.version);
      const fd = openSync(temporary, 'w');
      try {
        const length = pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
        if (writevSync(fd, pieces) !== length) throw new Error('short write');
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.path);
    } catch {
      try {
        unlinkSync(temporary);
      } catch {
        // never written
      }
      return false;
    }
    try {
      pruneOldest(dirname(this.path), MAX_FILES);
    } catch {
      // the directory could not be listed: the file was saved all the same
    }
    return true;
  }
}

/** Deletes the least recently written cache files of `directory` beyond the newest `keep`. */
export function pruneOldest(directory: string, keep: number): void {
  const files = readdirSync(directory).filter((name) => name.endsWith('.regions'));
  if (files.length <= keep) return;
  // Another run may prune at the same time: a file gone already is no error.
  const written = (file: string): number => {
    try {
      return statSync(file).mtimeMs;
    } catch {
      return 0;
    }
  };
  const byAge = files.map((name) => ({ file: join(directory, name), written: written(join(directory, name)) }));
  byAge.sort((a, b) => a.written - b.written);
  for (const { file } of byAge.slice(0, byAge.length - keep)) {
    try {
      unlinkSync(file);
    } catch {
      // gone already
    }
  }
}

/**
 * The file stores words little-endian. On a little-endian host (every one Node and browsers run
 * on in practice) an Int32Array is copied as bytes: a run's regions hold a 1024-word snapshot of
 * their page each, and writing those word by word through a DataView took ~3 ms of callbench 3's
 * exit (56 regions) while that code was cold.
 */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The file's bytes as pieces for one writev: the headers go into small buffers, and each region's
 * module bytes and page words are written from where they are. (Copying them all into one growing
 * buffer, which reallocated four times into fresh memory, took ~2 ms of callbench 3's exit.)
 */
class Writer {
  readonly pieces: Uint8Array[] = [];
  private small = new Uint8Array(SMALL_PIECE_BYTES);
  private view = new DataView(this.small.buffer);
  /** Where the headers being written start in `small`, and where they end. */
  private smallStart = 0;
  private smallEnd = 0;
  length = 0;

  private reserve(count: number): void {
    if (this.smallEnd + count <= this.small.length) return;
    this.flush();
    this.small = new Uint8Array(Math.max(SMALL_PIECE_BYTES, count));
    this.view = new DataView(this.small.buffer);
    this.smallStart = 0;
    this.smallEnd = 0;
  }
  /** Ends the headers written since the last large piece. */
  private flush(): void {
    if (this.smallEnd > this.smallStart) this.pieces.push(this.small.subarray(this.smallStart, this.smallEnd));
    this.smallStart = this.smallEnd;
  }
  private large(bytes: Uint8Array): void {
    this.flush();
    this.pieces.push(bytes);
    this.length += bytes.length;
  }
  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.smallEnd, value >>> 0, true);
    this.smallEnd += 4;
    this.length += 4;
  }
  /** Writes a u32 to be filled in later: returns what fills it (the pieces share its buffer). */
  laterU32(): (value: number) => void {
    this.reserve(4);
    const view = this.view;
    const at = this.smallEnd;
    this.u32(0);
    return (value) => view.setUint32(at, value >>> 0, true);
  }
  words(values: ArrayLike<number>): void {
    if (LITTLE_ENDIAN_HOST) {
      // Lists of entries too (arrays): Int32Array.from is a builtin, fast while this code is cold.
      const words = values instanceof Int32Array ? values : Int32Array.from(values);
      this.large(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
      return;
    }
    this.reserve(4 * values.length);
    for (let index = 0; index < values.length; index++) this.view.setInt32(this.smallEnd + 4 * index, values[index]!, true);
    this.smallEnd += 4 * values.length;
    this.length += 4 * values.length;
  }
  raw(values: Uint8Array): void {
    this.large(values);
  }
  text(value: string): void {
    const encoded = TEXT_ENCODER.encode(value);
    this.u32(encoded.length);
    this.reserve(encoded.length);
    this.small.set(encoded, this.smallEnd);
    this.smallEnd += encoded.length;
    this.length += encoded.length;
  }
  finish(): Uint8Array[] {
    this.flush();
    return this.pieces;
  }
}

const SMALL_PIECE_BYTES = 4096;
const TEXT_ENCODER = new TextEncoder();

class Reader {
  private readonly view: DataView;
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private take(count: number): number {
    if (count < 0 || this.at + count > this.bytes.length) throw new Error('truncated code cache file');
    const start = this.at;
    this.at += count;
    return start;
  }
  get done(): boolean {
    return this.at === this.bytes.length;
  }
  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }
  words(count: number): Int32Array {
    const start = this.take(4 * count);
    // A copy of the bytes (never a view of the file's Buffer, whose offset may be unaligned).
    if (LITTLE_ENDIAN_HOST) return new Int32Array(new Uint8Array(this.bytes.subarray(start, start + 4 * count)).buffer);
    const values = new Int32Array(count);
    for (let index = 0; index < count; index++) values[index] = this.view.getInt32(start + 4 * index, true);
    return values;
  }
  raw(count: number): Uint8Array {
    const start = this.take(count);
    return new Uint8Array(this.bytes.subarray(start, start + count)); // a copy, never a Buffer view
  }
  text(): string {
    return new TextDecoder().decode(this.raw(this.u32()));
  }
}

function encode(regions: readonly StoredRegion[], version: string): Uint8Array[] {
  const out = new Writer();
  out.u32(MAGIC);
  out.u32(FORMAT);
  out.text(version);
  const kept = regions.filter((region) => region.words.length === PAGE_WORDS && region.neighbours.every((neighbour) => neighbour.words.length === PAGE_WORDS));
  const setCount = out.laterU32();
  let count = 0;
  for (const region of kept) {
    if (out.length + region.bytes.length + 4 * PAGE_WORDS * (1 + region.neighbours.length) > MAX_FILE_BYTES) break;
    out.u32(region.page);
    out.text(region.layoutKey);
    out.u32(region.compiled.length);
    out.words(region.compiled);
    out.u32(region.entries.length);
    out.words(region.entries);
    out.u32(region.blockCount);
    out.u32(region.fpuIndependent ? 1 : 0);
    out.words(region.words);
    out.u32(region.neighbours.length);
    for (const neighbour of region.neighbours) {
      out.u32(neighbour.page);
      out.words(neighbour.words);
    }
    out.u32(region.bytes.length);
    out.raw(region.bytes);
    count++;
  }
  setCount(count);
  return out.finish();
}

function decode(bytes: Uint8Array, version: string): StoredRegion[] {
  const input = new Reader(bytes);
  if (input.u32() !== MAGIC || input.u32() !== FORMAT || input.text() !== version) return [];
  const count = input.u32();
  const regions: StoredRegion[] = [];
  for (let index = 0; index < count; index++) {
    const page = input.u32();
    const layoutKey = input.text();
    const compiled = [...input.words(input.u32())];
    const entries = [...input.words(input.u32())];
    const blockCount = input.u32();
    const fpuIndependent = input.u32() !== 0;
    const words = input.words(PAGE_WORDS);
    const neighbours = Array.from({ length: input.u32() }, () => ({ page: input.u32(), words: input.words(PAGE_WORDS) }));
    const moduleBytes = input.raw(input.u32());
    regions.push({ page, layoutKey, compiled, entries, blockCount, fpuIndependent, words, neighbours, bytes: moduleBytes });
  }
  if (!input.done) throw new Error('trailing bytes in code cache file');
  return regions;
}
