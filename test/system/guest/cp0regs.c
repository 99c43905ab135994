/* CP0 write masks and side effects, as the MIPS32r2 PRA and QEMU's 24Kf agree on them.
 *
 * For each register: MTC0 a pattern, EHB, MFC0, MTC0 the old value back (one asm block, so
 * nothing runs with the odd value in place), and print `Name w=<written> r=<read back>`
 * (`m=<mask>` when the read-back is masked, see below). Then the side effects: Random after a
 * Wired write, Index.P after a TLBP miss, TLBR of the G bit and of EntryHi.ASID, TLBP vs ASID/G.
 *
 * Only lines a MIPS32r2 24K, QEMU's 24Kf and our core must agree on are printed:
 * - Index and Wired: only in-range values (< 16 entries). The PRA leaves larger values
 *   UNDEFINED; QEMU ignores such an Index write and takes Wired modulo 16, we mask to 6 bits.
 *   TLBP on a miss: only Index.P is printed (the index field is UNPREDICTABLE; QEMU keeps it).
 * - PageMask: only all-ones (the PRA's page-size probe), zero and 16K. Non-contiguous masks are
 *   UNDEFINED; QEMU ignores them, we store them.
 * - Random: QEMU's Random is a pseudo-random generator over [Wired, 15] that ignores the rule
 *   that writing Wired sets Random to 15; only Wired = 15 (where the range is one entry) is
 *   printed exactly, otherwise "Random in [Wired, 15]".
 * - Status: FR, RE, TS, SR and NMI are masked off the read-back. QEMU's 24Kf lets software
 *   write FR and RE (64-bit FPU, reverse endian); our core is FR=0-only without RE. TS/SR/NMI
 *   can only be cleared by software on a real 24K/74K; QEMU lets a write set them, our core
 *   does not (it never sets them, so they read 0).
 * - Cause: TI and IP7..IP2 are masked off (the timer and hardware lines drive them). WP is
 *   written only while Status.EXL=1 and cleared again before EXL, so a core with watch
 *   registers does not take a deferred watch exception.
 * - EBase: written with Status.BEV=1 (changing it with BEV=0 is UNDEFINED) and restored.
 * - TLBR of a 16 KiB entry: the PFN bits under PageMask are masked (implementation-dependent
 *   whether TLBR returns them preserved or zeroed; QEMU zeroes, we preserve). VPN2 values are
 *   aligned to the page size so EntryHi has no such bits.
 * - Config: only K0 is writable; printed as K0 plus whether the other bits stayed put.
 * - Config3.ULRI (UserLocal, HWREna.UL), Config3.BI (BadInstr), Config4.KScrExist (KScratch):
 *   our core has them, QEMU's 24Kf has none (Config3 = 0, no Config4). A presence line would
 *   differ, so each is a PASS line that checks the behaviour only when the feature is present:
 *   it reads PASS on QEMU and on a correct core, FAIL <value> on a broken one. */
#include "common.h"

#define C0_HWRENA 7
#define ST_FR 0x04000000u
#define ST_RE 0x02000000u
#define ST_TS 0x00200000u
#define ST_SR 0x00100000u
#define ST_NMI 0x00080000u
#define CAUSE_HW_IP 0x0000fc00u /* IP7..IP2 */
#define CAUSE_WP 0x00400000u
#define LO_C 0x18u
#define LO_D 4u
#define LO_V 2u
#define LO_G 1u

void c_exception(struct frame *f) { unexpected(f); }

static void line(const char *name, u32 w, u32 r) {
  puts(name);
  puts(" w=");
  puthex(w);
  puts(" r=");
  puthex(r);
  putc('\n');
}

static void line_masked(const char *name, u32 w, u32 mask, u32 r) {
  puts(name);
  puts(" w=");
  puthex(w);
  puts(" m=");
  puthex(mask);
  puts(" r=");
  puthex(r & mask);
  putc('\n');
}

static void show(const char *name, u32 v) {
  puts(name);
  puts(" = ");
  puthex(v);
  putc('\n');
}

/* MTC0 v, EHB, MFC0, MTC0 restore, EHB: nothing else runs while v is in place. (The extra
 * macro level expands C0_* names before they are pasted into the asm text.) */
#define WRR(reg, sel, v, restore) WRR_(reg, sel, v, restore)
#define WRR_(reg, sel, v, restore)                                                                \
  ({                                                                                             \
    u32 r_;                                                                                      \
    __asm__ volatile("mtc0 %1, $" #reg ", " #sel "\n\tehb\n\tmfc0 %0, $" #reg ", " #sel          \
                     "\n\tmtc0 %2, $" #reg ", " #sel "\n\tehb"                                   \
                     : "=&r"(r_)                                                                 \
                     : "r"((u32)(v)), "r"((u32)(restore))                                        \
                     : "memory");                                                                \
    r_;                                                                                          \
  })

/* The same with Status = st around it (Status restored to 0, its value after init_vectors). */
#define WRR_STATUS(st, reg, sel, v, restore) WRR_STATUS_(st, reg, sel, v, restore)
#define WRR_STATUS_(st, reg, sel, v, restore)                                                     \
  ({                                                                                             \
    u32 r_;                                                                                      \
    __asm__ volatile("mtc0 %3, $12\n\tehb\n\t"                                                   \
                     "mtc0 %1, $" #reg ", " #sel "\n\tehb\n\tmfc0 %0, $" #reg ", " #sel          \
                     "\n\tmtc0 %2, $" #reg ", " #sel "\n\tehb\n\t"                               \
                     "mtc0 $zero, $12\n\tehb"                                                    \
                     : "=&r"(r_)                                                                 \
                     : "r"((u32)(v)), "r"((u32)(restore)), "r"((u32)(st))                        \
                     : "memory");                                                                \
    r_;                                                                                          \
  })

static const u32 pats[4] = {0xffffffffu, 0, 0x55555555u, 0xaaaaaaaau};

/* All four patterns, raw read-back. */
#define SWEEP(name, reg, sel)                                                                    \
  do {                                                                                           \
    u32 old_ = mfc0(reg, sel);                                                                   \
    for (int i_ = 0; i_ < 4; i_++) line(name, pats[i_], WRR(reg, sel, pats[i_], old_));         \
  } while (0)

/* Every pattern reads back unchanged (for the optional registers); returns the first bad read. */
#define ROUNDTRIP(reg, sel, bad)                                                                 \
  ({                                                                                             \
    u32 old_ = mfc0(reg, sel);                                                                   \
    int ok_ = 1;                                                                                 \
    for (int i_ = 0; i_ < 4; i_++) {                                                             \
      u32 r_ = WRR(reg, sel, pats[i_], old_);                                                    \
      if (r_ != pats[i_] && ok_) {                                                               \
        ok_ = 0;                                                                                 \
        *(bad) = r_;                                                                             \
      }                                                                                          \
    }                                                                                            \
    ok_;                                                                                         \
  })


/* TLBR of entry `index` with EntryHi/EntryLo/PageMask scribbled first; prints what it loaded,
 * EntryLo0/1 ANDed with lo_mask. */
static void tlbr_show(const char *name, u32 index, u32 lo_mask) {
  mtc0(C0_ENTRYHI, 0, 0x00800017u);
  mtc0(C0_ENTRYLO0, 0, 0);
  mtc0(C0_ENTRYLO1, 0, 0);
  mtc0(C0_PAGEMASK, 0, 0x1fffe000u);
  mtc0(C0_INDEX, 0, index);
  __asm__ volatile("tlbr\n\tehb" ::: "memory");
  puts(name);
  puts(" tlbr hi=");
  puthex(mfc0(C0_ENTRYHI, 0));
  if (lo_mask != 0xffffffffu) {
    puts(" m=");
    puthex(lo_mask);
  }
  puts(" lo0=");
  puthex(mfc0(C0_ENTRYLO0, 0) & lo_mask);
  puts(" lo1=");
  puthex(mfc0(C0_ENTRYLO1, 0) & lo_mask);
  puts(" pagemask=");
  puthex(mfc0(C0_PAGEMASK, 0));
  putc('\n');
}

/* TLBP for hi; prints Index (P and, on a hit, the index; on a miss only P is defined). */
static void tlbp_show(const char *name, u32 hi) {
  mtc0(C0_ENTRYHI, 0, hi);
  __asm__ volatile("tlbp\n\tehb" ::: "memory");
  u32 index = mfc0(C0_INDEX, 0);
  puts(name);
  puts(" tlbp ");
  puthex(hi);
  puts(" index=");
  puthex(index & 0x80000000u ? 0x80000000u : index);
  putc('\n');
}

static void wired_random(u32 wired) {
  u32 r = WRR(C0_WIRED, 0, wired, wired); /* stays written */
  u32 random = mfc0(C0_RANDOM, 0);
  puts("Wired w=");
  puthex(wired);
  puts(" r=");
  puthex(r);
  if (wired == 15) {
    puts(" Random=");
    puthex(random);
  } else {
    puts(" Random in [Wired, 15]=");
    putc(random >= wired && random <= 15 ? '1' : '0');
  }
  putc('\n');
}

int main(void) {
  puts("cp0regs\n");
  tlb_init();

  /* ---- Write masks ---- */
  line("Index", 0x0000000fu, WRR(C0_INDEX, 0, 0x0000000fu, 0));
  line("Index", 0x00000000u, WRR(C0_INDEX, 0, 0x00000000u, 0));
  line("Index", 0x8000000au, WRR(C0_INDEX, 0, 0x8000000au, 0)); /* P is read-only */
  SWEEP("EntryLo0", C0_ENTRYLO0, 0);
  SWEEP("EntryLo1", C0_ENTRYLO1, 0);
  SWEEP("Context", C0_CONTEXT, 0);
  line("PageMask", 0xffffffffu, WRR(C0_PAGEMASK, 0, 0xffffffffu, 0));
  line("PageMask", 0x00000000u, WRR(C0_PAGEMASK, 0, 0x00000000u, 0));
  line("PageMask", 0x00006000u, WRR(C0_PAGEMASK, 0, 0x00006000u, 0));
  line("Wired", 0x0000000fu, WRR(C0_WIRED, 0, 0x0000000fu, 0));
  line("Wired", 0x00000000u, WRR(C0_WIRED, 0, 0x00000000u, 0));
  line("Wired", 0x00000005u, WRR(C0_WIRED, 0, 0x00000005u, 0));
  {
    /* HWREna bits 3..0 (CPUNum, SYNCI_Step, CC, CCRes); bit 29 (UL) only with Config3.ULRI. */
    u32 old = mfc0(C0_HWRENA, 0);
    for (int i = 0; i < 4; i++) line_masked("HWREna", pats[i], ~0x20000000u, WRR(C0_HWRENA, 0, pats[i], old));
  }
  SWEEP("EntryHi", C0_ENTRYHI, 0);
  line("EntryHi", 0x000001ffu, WRR(C0_ENTRYHI, 0, 0x000001ffu, 0)); /* ASID is 8 bits */
  SWEEP("Compare", C0_COMPARE, 0);
  {
    /* Every pattern keeps kernel mode: all-ones and 0x55555555 set ERL, 0xaaaaaaaa sets EXL. */
    const u32 m = ~(ST_FR | ST_RE | ST_TS | ST_SR | ST_NMI);
    for (int i = 0; i < 4; i++) line_masked("Status", pats[i], m, WRR(C0_STATUS, 0, pats[i], 0));
  }
  {
    /* Writable: IV, WP, IP1..0, DC. Written under EXL=1 (WP, IP1..0 stay harmless). */
    const u32 m = ~(CAUSE_TI | CAUSE_HW_IP);
    for (int i = 0; i < 4; i++) line_masked("Cause", pats[i], m, WRR_STATUS(ST_EXL, C0_CAUSE, 0, pats[i], 0));
  }
  SWEEP("EPC", C0_EPC, 0);
  {
    u32 old = mfc0(15, 1);
    for (int i = 0; i < 4; i++) line("EBase", pats[i], WRR_STATUS(ST_BEV, 15, 1, pats[i], old));
    show("EBase restored", mfc0(15, 1));
  }
  {
    u32 old = mfc0(16, 0);
    for (int i = 0; i < 4; i++) {
      u32 r = WRR(16, 0, pats[i], old);
      puts("Config w=");
      puthex(pats[i]);
      puts(" K0=");
      putc('0' + (r & 7));
      puts(" rest unchanged=");
      putc(((r ^ old) & ~7u) == 0 ? '1' : '0');
      putc('\n');
    }
  }
  SWEEP("ErrorEPC", 30, 0);

  /* ---- Optional registers (see the top comment) ---- */
  {
    u32 config3 = mfc0(16, 3);
    u32 ulri = (config3 >> 13) & 1, bi = (config3 >> 26) & 1;
    u32 kscr = (config3 & 0x80000000u) ? (mfc0(16, 4) >> 16) & 0xff : 0;
    u32 bad = 0;
    check("UserLocal reads back what was written (if Config3.ULRI)", !ulri || ROUNDTRIP(4, 2, &bad), bad);
    u32 ul = WRR(C0_HWRENA, 0, 0x20000000u, 0);
    check("HWREna.UL writable iff Config3.ULRI", ul == (ulri ? 0x20000000u : 0), ul);
    bad = 0;
    check("KScratch1 reads back what was written (if Config4.KScrExist bit 2)", !(kscr & 4) || ROUNDTRIP(31, 2, &bad), bad);
    bad = 0;
    check("KScratch2 reads back what was written (if Config4.KScrExist bit 3)", !(kscr & 8) || ROUNDTRIP(31, 3, &bad), bad);
    u32 before = bi ? mfc0(8, 1) : 0;
    u32 after = bi ? WRR(8, 1, ~before, before) : 0;
    check("BadInstr is read-only (if Config3.BI)", after == before, after);
  }

  /* ---- Wired and Random ---- */
  wired_random(15);
  wired_random(5);
  wired_random(0);

  /* ---- TLBP, TLBR ---- */
  tlb_init();
  tlbp_show("miss", 0x00600005u);
  line("Index after miss", 0x00000003u, WRR(C0_INDEX, 0, 0x00000003u, 3)); /* P stays */
  /* entry 3: global (G in both EntryLo), ASID 0x42; entry 4: G in EntryLo0 only, so not global */
  tlb_write_indexed(3, 0x00600042u, (0x01000u << 6) | LO_C | LO_D | LO_V | LO_G, (0x01001u << 6) | LO_C | LO_V | LO_G, 0);
  tlb_write_indexed(4, 0x00700042u, (0x01002u << 6) | LO_C | LO_D | LO_V | LO_G, (0x01003u << 6) | LO_C | LO_V, 0);
  tlb_write_indexed(5, 0x00a00001u, 0xffffffffu, 0xffffffffu, 0x00006000u);
  mtc0(C0_PAGEMASK, 0, 0);
  tlbr_show("global", 3, 0xffffffffu);
  tlbr_show("G on EntryLo0 only", 4, 0xffffffffu);
  /* The PRA lets TLBR return the PFN bits under PageMask (here PFN bits 1..0) preserved or
   * zeroed: QEMU zeroes them, our core keeps them. */
  tlbr_show("all-ones EntryLo, 16K", 5, ~0xc0u);
  tlbp_show("global, other asid", 0x00600017u);
  tlbp_show("global, odd page", 0x00601017u);
  tlbp_show("not global, other asid", 0x00700017u);
  tlbp_show("not global, own asid", 0x00701042u);
  tlbp_show("16K global", 0x00a00017u);
  tlbp_show("16K global, odd half", 0x00a06001u);
  tlb_init();

  puts("done\n");
  return 0;
}
