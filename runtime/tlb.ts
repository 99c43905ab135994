// The architectural guest TLB of one VCPU (MIPS32r2 JTLB): `size` entries, each mapping an even/odd
// pair of pages of 4 KiB..256 MiB (PageMask) for one ASID or globally (G). TLBP/TLBR/TLBWI/TLBWR
// move entries between it and CP0's EntryHi, EntryLo0/1 and PageMask (runtime/cp0.ts).

/** EntryHi: VPN2 (bits 31..13) and ASID (7..0). */
export const ENTRY_HI_VPN2 = 0xffff_e000 | 0;
export const ENTRY_HI_ASID = 0xff;
/** PageMask's Mask field (bits 28..13). */
export const PAGE_MASK_MASK = 0x1fff_e000;
/** EntryLo fields: PFN (bits 25..6 for 32-bit physical addresses), C (5..3), D, V, G. */
export const ENTRY_LO_PFN = 0x03ff_ffc0;
export const ENTRY_LO_D = 1 << 2;
export const ENTRY_LO_V = 1 << 1;
export const ENTRY_LO_G = 1 << 0;
export const ENTRY_LO_MASK = 0x03ff_ffff;

/** A match: the entry's EntryLo for the page and the physical address it gives. */
export interface TlbHit {
  entryLo: number;
  physical: number;
}

export class GuestTlb {
  readonly size: number;
  readonly entryHi: Int32Array;
  readonly pageMask: Int32Array;
  /** EntryLo0/1 without G (G is kept per entry in `global`). */
  readonly entryLo0: Int32Array;
  readonly entryLo1: Int32Array;
  readonly global: Uint8Array;

  constructor(size: number) {
    this.size = size;
    this.entryHi = new Int32Array(size);
    this.pageMask = new Int32Array(size);
    this.entryLo0 = new Int32Array(size);
    this.entryLo1 = new Int32Array(size);
    this.global = new Uint8Array(size);
    // Reset state is undefined on hardware; give every entry a distinct kseg0 VPN2 so no two
    // entries match one address and none matches a mapped address.
    for (let index = 0; index < size; index++) this.entryHi[index] = (0x8000_0000 + index * 0x2000) | 0;
  }

  /** Index of the entry matching `address` for `asid`, or -1. */
  find(address: number, asid: number): number {
    for (let index = 0; index < this.size; index++) {
      const mask = ~(this.pageMask[index]! | 0x1fff);
      const hi = this.entryHi[index]!;
      if (((hi ^ address) & mask) === 0 && (this.global[index] !== 0 || (hi & ENTRY_HI_ASID) === asid)) return index;
    }
    return -1;
  }

  /** Looks up `address`; undefined on a miss (refill). The caller checks V and D. */
  lookup(address: number, asid: number): TlbHit | undefined {
    const index = this.find(address, asid);
    if (index < 0) return undefined;
    const pageMask = this.pageMask[index]!;
    // The bit just above the page offset selects the odd page of the pair.
    const offsetMask = (pageMask >>> 1) | 0xfff;
    const odd = (address & (offsetMask + 1)) !== 0;
    const entryLo = (odd ? this.entryLo1[index]! : this.entryLo0[index]!) | this.global[index]!;
    const frame = ((entryLo & ENTRY_LO_PFN) >>> 6) * 0x1000;
    return { entryLo, physical: ((frame & ~offsetMask) | (address & offsetMask)) >>> 0 };
  }

  /** The range of virtual addresses entry `index` maps: [start, start + bytes). */
  range(index: number): { start: number; bytes: number } {
    const bytes = ((this.pageMask[index]! | 0x1fff) >>> 0) + 1;
    return { start: (this.entryHi[index]! & ~(bytes - 1)) >>> 0, bytes };
  }

  write(index: number, entryHi: number, pageMask: number, entryLo0: number, entryLo1: number): void {
    this.entryHi[index] = entryHi & (ENTRY_HI_VPN2 | ENTRY_HI_ASID) & ~(pageMask & PAGE_MASK_MASK);
    this.pageMask[index] = pageMask & PAGE_MASK_MASK;
    this.global[index] = entryLo0 & entryLo1 & ENTRY_LO_G;
    this.entryLo0[index] = entryLo0 & ENTRY_LO_MASK & ~ENTRY_LO_G;
    this.entryLo1[index] = entryLo1 & ENTRY_LO_MASK & ~ENTRY_LO_G;
  }
}
