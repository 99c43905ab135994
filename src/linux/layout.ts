// The guest address-space layout of Linux user mode:
//
//   0x0000_0000 .. 0x0000_ffff  never mapped (page 0 holds the VCPU state; Linux's mmap_min_addr)
//   0x0040_0000 ..              ET_EXEC programs where they were linked; static PIE at PIE_BASE
//   end of image ..             brk heap, growing up
//   .. MMAP_TOP                 mmap area, allocated top-down below MMAP_TOP
//   STACK_TOP - STACK_SIZE ..   the main stack (8 MiB, RLIMIT_STACK), growing down from STACK_TOP
//   STACK_TOP                   the signal trampoline page
//   0x7f60_0000 .. 0x8000_0000  never mapped: the JIT's tables (permissions, access tables, jump
//                               cache, dispatch tables) live here in the WebAssembly memory
//                               (FlatMemory's TABLE_BYTES, 10 MiB)
//   0x8000_0000                 end of the user address space (kseg0 on real hardware)

import { TABLE_BYTES } from '../../runtime/flat-memory.js';

/**
 * The guest address space in the WebAssembly memory (lazily committed): the 2 GiB MIPS user
 * segment but its top 10 MiB, where FlatMemory puts its tables. Below 2 GiB, a table's base is
 * an access's constant offset, which V8 folds into the address; past 2 GiB compiled code added
 * it to the index (a constant load and an add per permission check).
 */
export const GUEST_MEMORY_SIZE = 0x8000_0000 - TABLE_BYTES;
/** Lowest address mmap hands out or accepts with MAP_FIXED (Linux's mmap_min_addr). */
export const MMAP_MIN_ADDRESS = 0x1_0000;
/** One past the highest stack address (a 32-bit MIPS Linux without randomization: 0x7fff_f000). */
export const STACK_TOP = GUEST_MEMORY_SIZE - 0x1000;
/** Size of the main stack mapping (the default RLIMIT_STACK). */
export const STACK_SIZE = 8 << 20;
/** mmap allocates top-down below this address, leaving a gap under the stack. */
export const MMAP_TOP = 0x7700_0000;
/** Where a static PIE (ET_DYN without PT_INTERP) is loaded. */
export const PIE_BASE = 0x5555_0000;
