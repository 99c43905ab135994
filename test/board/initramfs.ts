// Builds a gzip-compressed initramfs (the cpio "newc" format the kernel unpacks) from a list of
// entries, so boot tests need no cpio binary and can write their own /init.

import { gzipSync } from 'node:zlib';
import { cpioNewc, type InitramfsEntry } from '../../src/board/initramfs.js';

export { cpioNewc, type InitramfsEntry } from '../../src/board/initramfs.js';

export function initramfs(entries: readonly InitramfsEntry[]): Uint8Array {
  return gzipSync(cpioNewc(entries), { level: 9 });
}
