// The browser's stand-in for node:crypto (aliased by scripts/build.mjs): randomFillSync over the
// Web Crypto API (AT_RANDOM, getrandom, /dev/urandom).

export function randomFillSync<T extends Uint8Array>(bytes: T): T {
  // getRandomValues fills at most 65,536 bytes per call.
  for (let start = 0; start < bytes.length; start += 65_536) globalThis.crypto.getRandomValues(bytes.subarray(start, start + 65_536));
  return bytes;
}

export default { randomFillSync };
