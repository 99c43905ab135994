// Field extractors for the standard MIPS32 instruction formats, shared by all handler files.

/** rs, bits 25..21 */
export const rsOf = (word: number) => (word >>> 21) & 31;
/** rt, bits 20..16 */
export const rtOf = (word: number) => (word >>> 16) & 31;
/** rd, bits 15..11 */
export const rdOf = (word: number) => (word >>> 11) & 31;
/** sa, bits 10..6 */
export const saOf = (word: number) => (word >>> 6) & 31;
/** ft, bits 20..16 (the rt position) */
export const ftOf = rtOf;
/** fs, bits 15..11 (the rd position) */
export const fsOf = rdOf;
/** fd, bits 10..6 (the sa position) */
export const fdOf = saOf;
/** Sign-extended 16-bit immediate. */
export const simmOf = (word: number) => (word << 16) >> 16;
/** Zero-extended 16-bit immediate. */
export const uimmOf = (word: number) => word & 0xffff;
