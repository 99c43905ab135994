// The lstat results getdents64 takes of a directory's entries (it needs their inode numbers, which
// Node's directory reading does not give), kept for the stat calls that usually follow a listing
// (find, ls -l, du: one per entry), so that an entry costs the host one lstat instead of two.
//
// Why the guest still sees exact results: each is the host's lstat of the entry at the moment the
// directory was listed, served at most once, and only while the guest has made no system call
// since the listing other than stat calls served from it. Anything else ends the snapshot: any
// other system call, a stat of a path it does not hold, a second stat of the same path, a stat
// that would follow a symbolic link. So the guest could not have seen any event between the
// listing and the calls served: they read as if they had run at the listing, one after the other.
//
// busybox find over bench/inputs.mjs benchTree (4,000 files in 241 directories), cached runs:
// see bench/RESULTS.md.

import type { BigIntStats } from '../fs/file-system.js';

/** At most this many entries of one listing are kept (a huge directory's stats would be memory). */
export const MAX_SNAPSHOT_ENTRIES = 4096;

let snapshot: Map<string, BigIntStats> | undefined;

/** Keeps `entries` (host path, as latin1, to its lstat result) as the snapshot, in place of any other. */
export function takeDirectorySnapshot(entries: Map<string, BigIntStats>): void {
  snapshot = entries.size > 0 ? entries : undefined;
}

/** Is a snapshot held (the system call dispatcher ends it on any call but a stat)? */
export function holdsDirectorySnapshot(): boolean {
  return snapshot !== undefined;
}

/** Drops the snapshot: the guest made a system call that could observe or change the file system. */
export function endDirectorySnapshot(): void {
  snapshot = undefined;
}

/**
 * The snapshot's result for a stat of host path `path` (following a symbolic link if `follow`),
 * taken out of it; undefined when it has none, and then the snapshot ends: the caller's real stat
 * is a later observation than the snapshot's.
 */
export function statFromSnapshot(path: Buffer, follow: boolean): BigIntStats | undefined {
  if (snapshot === undefined) return undefined;
  const key = path.toString('latin1');
  const stat = snapshot.get(key);
  if (stat === undefined || (follow && stat.isSymbolicLink())) {
    snapshot = undefined;
    return undefined;
  }
  snapshot.delete(key);
  if (snapshot.size === 0) snapshot = undefined;
  return stat;
}
