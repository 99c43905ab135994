// src/linux/directory-snapshot.ts: a listing's stat results are served once each, and only until
// the first stat the snapshot cannot answer (t_files' "listing" section checks the system calls
// that end it, against qemu-mipsel).
import { afterEach, describe, expect, it } from 'vitest';
import type { BigIntStats } from '../../src/fs/file-system.js';
import { endDirectorySnapshot, holdsDirectorySnapshot, statFromSnapshot, takeDirectorySnapshot } from '../../src/linux/directory-snapshot.js';

const fakeStat = (ino: bigint, symbolicLink = false): BigIntStats => ({ ino, isSymbolicLink: () => symbolicLink }) as unknown as BigIntStats;
const path = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('directory snapshot', () => {
  afterEach(() => endDirectorySnapshot());

  it('serves each entry once, then ends at the first path it does not hold', () => {
    takeDirectorySnapshot(new Map([['/d/a', fakeStat(1n)], ['/d/b', fakeStat(2n)], ['/d/c', fakeStat(3n)]]));
    expect(statFromSnapshot(path('/d/b'), false)?.ino).toBe(2n);
    expect(statFromSnapshot(path('/d/b'), false)).toBeUndefined(); // served already: a real stat now
    expect(holdsDirectorySnapshot()).toBe(false);
    expect(statFromSnapshot(path('/d/a'), false)).toBeUndefined();
  });

  it('ends when a stat would follow a symbolic link, and when emptied', () => {
    takeDirectorySnapshot(new Map([['/d/link', fakeStat(4n, true)], ['/d/f', fakeStat(5n)]]));
    expect(statFromSnapshot(path('/d/link'), true)).toBeUndefined();
    expect(holdsDirectorySnapshot()).toBe(false);
    takeDirectorySnapshot(new Map([['/d/link', fakeStat(4n, true)]]));
    expect(statFromSnapshot(path('/d/link'), false)?.ino).toBe(4n);
    expect(holdsDirectorySnapshot()).toBe(false);
  });

  it('holds nothing for an empty listing', () => {
    takeDirectorySnapshot(new Map());
    expect(holdsDirectorySnapshot()).toBe(false);
  });
});
