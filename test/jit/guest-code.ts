// Guest code for the JIT tests: assembled pieces placed in a map of words by address (read back
// with NOPs, word 0, wherever nothing was placed) or in guest memory, and the guest programs more
// than one test runs.

import { assembleProgram } from '../../src/isa/asm.js';

/** Assembles `source` at `address` into `words`. */
export function placeCode(words: Map<number, number>, address: number, source: string): void {
  assembleProgram(source, address).forEach((word, index) => words.set(address + 4 * index, word));
}

/** Assembles `source` at `address` into guest memory (the page's permissions are the caller's). */
export function placeInMemory(memory: { readonly u8: Uint8Array }, address: number, source: string): void {
  memory.u8.set(new Uint8Array(assembleProgram(source, address).buffer), address);
}

/** A readWord for discoverRegion over `words`: 0 (NOP) where nothing was placed. */
export function readerOf(words: ReadonlyMap<number, number>): (address: number) => number {
  return (address) => words.get(address) ?? 0;
}

/**
 * A loop that calls through the pointer at 0(s0), as PIC code calls through its GOT (`lw t9, ...;
 * jalr t9`), until t0 counts down to 0, then stops at a SYSCALL (a run) or the BREAK after it
 * (region discovery: user mode compiles a SYSCALL and goes on after it). Its JALR is its second
 * word, the call's return point its fourth.
 */
export const POINTER_CALL_LOOP = `
  loop:
    lw t9, 0(s0)
    jalr t9
    nop
    addiu t0, t0, -1
    bgtz t0, loop
    nop
    syscall
    break`;
