// The layout of one VCPU's architectural state in WebAssembly memory. The interpreter reads it
// through typed-array views; the JIT will read the same byte offsets. Nothing else invents offsets.

/** Byte offset of the state block in the shared memory (user mode puts it in the guest's null page). */
export const STATE_BASE = 0;
/** Size of the state block in bytes. */
export const STATE_SIZE = 0x800;

/** Word indices into the state block (Int32Array view at STATE_BASE). */
export const enum StateWord {
  /** GPRs 0..31 occupy words 0..31. */
  Gpr = 0,
  Hi = 32,
  Lo = 33,
  /** The FPU control/status register (FCSR, $31). */
  Fcsr = 34,
  /** The FPU implementation register (FIR, $0). */
  Fir = 35,
  /**
   * FPRs 0..31 start at word 64, 64 bits each (words 64 + 2n and 65 + 2n: low, high), as the
   * FPU's physical registers are with Status.FR=1. With FR=0 a single or word in FPR n is the low
   * half of register n, and a double in the pair 2k, 2k+1 is the low halves of registers 2k and
   * 2k+1 (QEMU's layout, so switching FR keeps what each mode can see).
   */
  Fpr = 64,
  /** System mode: soft-TLB misses the generated Wasm refill handler served (from the GVA tables). */
  RefillsInWasm = 40,
  /** System mode: soft-TLB misses that went on to TypeScript (GVA-table misses: the guest TLB walk). */
  RefillsInHost = 41,
  /** System mode: the code context (mode * 4 + Status.FR * 2 + CU1) the engine entered compiled code with. */
  CodeContext = 42,
  /** The UserLocal register RDHWR $29 reads (Linux's thread pointer), where compiled code can read it. */
  UserLocal = 43,
  /** The LL/SC link (1: set), where compiled code can read and write it (user mode's LL and SC are inline). */
  LlBit = 44,
  /** The virtual address LL linked. */
  LlAddress = 45,
  /** CP0 register (rd, sel) of the system-mode CPU is word Cp0 + rd * 8 + sel (256 words). */
  Cp0 = 256,
}

/**
 * The bits of a code context (StateWord.CodeContext) that only FPU instructions depend on:
 * Status.FR (2) and Status.CU1 (1). Code without FPU instructions runs the same under all four.
 */
export const FPU_CONTEXT_BITS = 3;

/** Byte offset of FPR 0; 8-byte aligned so a Float64Array can view the 64-bit registers. */
export const FPR_BYTE_OFFSET = StateWord.Fpr * 4;
/** Words of state block the FPRs take (32 registers of 64 bits). */
export const FPR_WORDS = 64;

/**
 * Byte offset (in the memory compiled code sees, state block at `base`) of FPR n: its low word
 * (a single, a word, the 32-bit register of FR=0), or with FR=1 the whole 64-bit register.
 */
export const fprByteOffset = (register: number, base = STATE_BASE): number => base + FPR_BYTE_OFFSET + register * 8;

/**
 * Byte offsets of the low and high words of the double (or long) that FPR `register` names: with
 * FR=1 register n itself; with FR=0 the even/odd pair, the low halves of registers n & ~1 and n | 1.
 */
export function doubleByteOffsets(register: number, fpr64: boolean, base = STATE_BASE): { low: number; high: number } {
  if (fpr64) return { low: fprByteOffset(register, base), high: fprByteOffset(register, base) + 4 };
  return { low: fprByteOffset(register & ~1, base), high: fprByteOffset(register | 1, base) };
}

/** Typed views of one VCPU's state block. */
export interface StateViews {
  /** GPRs, HI, LO, FCSR, FIR by StateWord index. */
  readonly words: Int32Array;
  /** FPR n's low word at index 2n, its high word at 2n + 1. */
  readonly fprBits: Int32Array;
  /** FPR n's low word as a single (index 2n). */
  readonly fprSingle: Float32Array;
  /** FPR n as a double (index n): the FR=1 view. */
  readonly fprDouble: Float64Array;
}

export function stateViews(buffer: ArrayBuffer, base = STATE_BASE): StateViews {
  return {
    words: new Int32Array(buffer, base, STATE_SIZE / 4),
    fprBits: new Int32Array(buffer, base + FPR_BYTE_OFFSET, FPR_WORDS),
    fprSingle: new Float32Array(buffer, base + FPR_BYTE_OFFSET, FPR_WORDS),
    fprDouble: new Float64Array(buffer, base + FPR_BYTE_OFFSET, FPR_WORDS / 2),
  };
}

/** Words compiled code writes when it returns to the engine (where to resume, and how). */
export const enum ExitWord {
  /** The next instruction to execute. */
  Pc = 36,
  /** The instruction after it (a branch target when Pc is a delay slot). */
  Npc = 37,
  /** 1 when Pc is a delay slot. */
  DelaySlot = 38,
  /** The instruction budget left when compiled code returned. */
  Budget = 39,
}

// ---- The rest of a system-mode VCPU's block in host memory, after its state block ----

/** Soft TLB: entries per table, tables per mode (read, write, fetch), modes (kernel, supervisor, user). */
export const SOFT_TLB_ENTRIES = 256;
export const SOFT_TLB_TABLES_PER_MODE = 3;
export const SOFT_TLB_MODES = 3;
const SOFT_TLB_ENTRY_COUNT = SOFT_TLB_ENTRIES * SOFT_TLB_TABLES_PER_MODE * SOFT_TLB_MODES;
/** GVA tables: one root of 1024 leaf pointers per mode, then a pool of 4 KiB leaves of 1024 entries. */
export const GVA_LEAF_POOL = 256;

/** Byte offsets inside a system-mode VCPU's block (from its start). */
export const VcpuBlock = {
  /** Soft-TLB tags (Int32), table after table: mode * 3 + access. */
  softTlbTags: STATE_SIZE,
  /** Soft-TLB addends, laid out as the tags. */
  softTlbAddends: STATE_SIZE + 4 * SOFT_TLB_ENTRY_COUNT,
  /** GVA roots (mode * 4 KiB). */
  gvaRoots: STATE_SIZE + 8 * SOFT_TLB_ENTRY_COUNT,
  gvaLeaves: STATE_SIZE + 8 * SOFT_TLB_ENTRY_COUNT + 4096 * SOFT_TLB_MODES,
  size: STATE_SIZE + 8 * SOFT_TLB_ENTRY_COUNT + 4096 * SOFT_TLB_MODES + 4096 * GVA_LEAF_POOL,
} as const;
