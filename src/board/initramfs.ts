// Builds an initramfs (the cpio "newc" archive Linux unpacks into its root file system) from a
// list of entries, so boot tests, the benchmark and users need no cpio binary to write their own
// /init. The kernel takes it uncompressed or gzip-compressed (compress it with the platform's
// gzip: node:zlib, or CompressionStream in browsers).

export type InitramfsEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Uint8Array | string; mode?: number }
  | { kind: 'symlink'; path: string; target: string };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

function header(fields: number[]): string {
  const hex = fields.map((value) => (value >>> 0).toString(16).padStart(8, '0')).join('');
  return `070701${hex}`;
}

/** The newc archive (uncompressed). */
export function cpioNewc(entries: readonly InitramfsEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  const push = (bytes: Uint8Array): void => {
    parts.push(bytes);
    length += bytes.length;
  };
  const pad = (): void => {
    const missing = (4 - (length % 4)) % 4;
    if (missing > 0) push(new Uint8Array(missing));
  };
  const encoder = new TextEncoder();
  let inode = 1;
  const add = (path: string, mode: number, data: Uint8Array): void => {
    const name = encoder.encode(`${path}\0`);
    // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
    const fields = [inode++, mode, 0, 0, (mode & S_IFDIR) !== 0 ? 2 : 1, 0, data.length, 0, 0, 0, 0, name.length, 0];
    push(encoder.encode(header(fields)));
    push(name);
    pad();
    push(data);
    pad();
  };
  for (const entry of entries) {
    const path = entry.path.replace(/^\/+/, '');
    if (entry.kind === 'dir') add(path, S_IFDIR | (entry.mode ?? 0o755), new Uint8Array(0));
    else if (entry.kind === 'symlink') add(path, S_IFLNK | 0o777, encoder.encode(entry.target));
    else add(path, S_IFREG | (entry.mode ?? 0o644), typeof entry.data === 'string' ? encoder.encode(entry.data) : entry.data);
  }
  add('TRAILER!!!', 0, new Uint8Array(0));
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
