// Guest code for the region-discovery tests: assembled pieces placed in a map of words by address,
// read back with NOPs (word 0) wherever nothing was placed.

import { assembleProgram } from '../../src/isa/asm.js';

/** Assembles `source` at `address` into `words`. */
export function placeCode(words: Map<number, number>, address: number, source: string): void {
  assembleProgram(source, address).forEach((word, index) => words.set(address + 4 * index, word));
}

/** A readWord for discoverRegion over `words`: 0 (NOP) where nothing was placed. */
export function readerOf(words: ReadonlyMap<number, number>): (address: number) => number {
  return (address) => words.get(address) ?? 0;
}
