// Why a system-mode VCPU's run() returned: a closed union, as KVM's exit reasons.

export type Exit =
  /** A load or store to a GPA no memory slot covers, or a store to a read-only slot. A read
   *  completes with vcpu.completeMmio(value) before the next run; the load then retires. */
  | { readonly reason: 'mmio'; readonly phys: number; readonly size: 1 | 2 | 4; readonly isWrite: boolean; readonly data: number }
  /** WAIT with no interrupt pending and enabled; the next run resumes after the WAIT. */
  | { readonly reason: 'wait' }
  /** The instruction budget ran out, or the host called requestExit(). */
  | { readonly reason: 'intr' }
  /** SDBBP at `pc` (the PC stays on it: the host moves it on). */
  | { readonly reason: 'debug'; readonly pc: number }
  /** Something the guest cannot handle (an exception vector that cannot be fetched, code fetched from MMIO). */
  | { readonly reason: 'internal-error'; readonly message: string };
