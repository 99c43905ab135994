/* The TLB: a refill handler at EBase+0x000 that loads EntryLo0/1 from a page table through
 * Context and writes them with TLBWR; kuseg data read and written through mappings and kseg0
 * aliases; TLB invalid (TLBL/TLBS) and modified (Mod, fixed up and retried) exceptions at
 * EBase+0x180; TLBP/TLBR/TLBWI round trips incl. global entries and a 16 KiB page; ASIDs;
 * Wired vs TLBWR. Only deterministic facts are printed: QEMU's Random is not a countdown. */
#include "common.h"

#define PTE_BASE 0x80800000u /* Context.PTEBase: 16 bytes per VPN2 (Context = PTEBase | VPN2 << 4),
                                * EntryLo0 at +0, EntryLo1 at +4 */
#define DATA_VA 0x00400000u  /* 8 pages mapped to... */
#define DATA_PA 0x01000000u  /* ...physical 16 MiB (kseg0 0x81000000) */
#define BAD_VA 0x00408000u   /* pair: even page V=0, odd page V=1 D=0 */
#define LO_C 0x18u           /* cacheable noncoherent */
#define LO_D 4u
#define LO_V 2u
#define LO_G 1u

static u32 lo(u32 pa, u32 flags) { return ((pa >> 12) << 6) | flags; }
static volatile u32 *kseg0(u32 pa) { return (volatile u32 *)(0x80000000u | pa); }
static volatile u32 *pte(u32 va) { return (volatile u32 *)(PTE_BASE + (va >> 13) * 16); }

volatile u32 refill_info[2] __attribute__((aligned(8))); /* count, last BadVAddr */
volatile u32 expect_epc, g_resume;
volatile u32 g_cause, g_epc, g_badvaddr, g_entryhi, g_context, g_count, g_mod_count, g_mod_index;

/* The refill handler: two loads, two mtc0, tlbwr, eret (plus bookkeeping in k0/k1). */
__asm__(".text\n\t.set noreorder\n\t.set noat\n\t.globl refill_entry\nrefill_entry:\n\t"
        "mfc0 $k1, $4\n\t"
        "lw $k0, 0($k1)\n\t"
        "lw $k1, 4($k1)\n\t"
        "mtc0 $k0, $2\n\t"
        "mtc0 $k1, $3\n\t"
        "ehb\n\t"
        "tlbwr\n\t"
        "la $k0, refill_info\n\t"
        "lw $k1, 0($k0)\n\t"
        "addiu $k1, $k1, 1\n\t"
        "sw $k1, 0($k0)\n\t"
        "sltiu $k1, $k1, 1000\n\t"
        "beqz $k1, refill_runaway\n\t"
        "mfc0 $k1, $8\n\t"
        "sw $k1, 4($k0)\n\t"
        "eret\n\t"
        "nop\n"
        "refill_runaway:\n\t"
        "la $sp, 0x80400000\n\t"
        "la $t9, runaway\n\t"
        "jr $t9\n\t"
        "nop\n\t"
        ".set at\n\t.set reorder\n");

void runaway(void) {
  puts("FAIL refill loop at ");
  puthex(mfc0(C0_BADVADDR, 0));
  putc('\n');
  poweroff();
}

/* v0 = *(u32 *)a0, or 0xdeadbeef if the load faulted (the handler resumes at 2:). */
__asm__(".text\n\t.set noreorder\n\t.globl try_load\ntry_load:\n\t"
        "la $t0, 1f\n\tsw $t0, expect_epc\n\tla $t0, 2f\n\tsw $t0, g_resume\n\tli $v0, 0xdeadbeef\n"
        "1:\tlw $v0, 0($a0)\n2:\tjr $ra\n\tnop\n\t.set reorder\n");
u32 try_load(u32 va);
/* *(u32 *)a0 = a1; v0 = 1 if it faulted. */
__asm__(".text\n\t.set noreorder\n\t.globl try_store\ntry_store:\n\t"
        "la $t0, 1f\n\tsw $t0, expect_epc\n\tla $t0, 3f\n\tsw $t0, g_resume\n"
        "1:\tsw $a1, 0($a0)\n\tjr $ra\n\tli $v0, 0\n3:\tjr $ra\n\tli $v0, 1\n\t.set reorder\n");
u32 try_store(u32 va, u32 value);

void c_exception(struct frame *f) {
  u32 code = CAUSE_EXC(f->cause);
  if (code == EXC_MOD) {
    /* dirty-bit fault: set D in the page table and in the matching TLB entry, then retry */
    g_mod_count++;
    g_cause = f->cause;
    g_badvaddr = f->badvaddr;
    g_entryhi = mfc0(C0_ENTRYHI, 0);
    __asm__ volatile("tlbp\n\tehb" ::: "memory");
    u32 idx = mfc0(C0_INDEX, 0);
    g_mod_index = idx;
    if (idx & 0x80000000u) unexpected(f);
    __asm__ volatile("tlbr\n\tehb" ::: "memory");
    volatile u32 *p = pte(f->badvaddr);
    if (f->badvaddr & 0x1000) {
      p[1] |= LO_D;
      mtc0(C0_ENTRYLO1, 0, mfc0(C0_ENTRYLO1, 0) | LO_D);
    } else {
      p[0] |= LO_D;
      mtc0(C0_ENTRYLO0, 0, mfc0(C0_ENTRYLO0, 0) | LO_D);
    }
    __asm__ volatile("tlbwi\n\tehb" ::: "memory");
    return;
  }
  if ((code == EXC_TLBL || code == EXC_TLBS) && g_resume) {
    g_cause = f->cause;
    g_epc = f->epc;
    g_badvaddr = f->badvaddr;
    g_entryhi = mfc0(C0_ENTRYHI, 0);
    g_context = mfc0(C0_CONTEXT, 0);
    g_count++;
    f->epc = g_resume;
    g_resume = 0;
    return;
  }
  unexpected(f);
}

/* A TLBWI that leaves PageMask at 4 KiB again for the refill handler's TLBWRs. */
static void tlbwi(u32 index, u32 hi, u32 lo0, u32 lo1, u32 mask) {
  tlb_write_indexed(index, hi, lo0, lo1, mask);
  mtc0(C0_PAGEMASK, 0, 0);
}

static u32 tlbp(u32 hi) {
  mtc0(C0_ENTRYHI, 0, hi);
  __asm__ volatile("tlbp\n\tehb" ::: "memory");
  return mfc0(C0_INDEX, 0);
}

static void tlbr(u32 index) {
  mtc0(C0_INDEX, 0, index);
  __asm__ volatile("tlbr\n\tehb" ::: "memory");
}

static void report(const char *what, u32 got, u32 want) {
  check(what, got == want, got);
}

int main(void) {
  puts("tlb\n");
  u32 n = tlb_entries();
  report("config1 mmu size 16", n, 16);
  tlb_init();
  mtc0(C0_CONTEXT, 0, PTE_BASE);
  report("context ptebase", mfc0(C0_CONTEXT, 0) & 0xff800000u, PTE_BASE);
  mtc0(C0_ENTRYHI, 0, 0);

  /* page table: DATA_VA + i*4K -> DATA_PA + i*4K for 8 pages; BAD_VA pair as described */
  memset((void *)PTE_BASE, 0, 32768); /* VA 0 .. 16 MiB */
  for (u32 i = 0; i < 8; i++) {
    pte(DATA_VA + i * 0x1000)[(i & 1)] = lo(DATA_PA + i * 0x1000, LO_C | LO_D | LO_V);
    *kseg0(DATA_PA + i * 0x1000 + 4 * i) = 0xa5a50000u + i;
  }
  pte(BAD_VA)[0] = lo(DATA_PA + 0x8000, LO_C | LO_D);
  pte(BAD_VA)[1] = lo(DATA_PA + 0x9000, LO_C | LO_V);
  *kseg0(DATA_PA + 0x9020) = 0x13572468;

  /* reads through kuseg mappings: one refill per page pair */
  int ok = 1;
  u32 bad = 0;
  for (u32 i = 0; i < 8; i++) {
    u32 v = *(volatile u32 *)(DATA_VA + i * 0x1000 + 4 * i);
    if (v != 0xa5a50000u + i) ok = 0, bad = v;
  }
  check("read through refilled mappings", ok, bad);
  report("one refill per page pair", refill_info[0], 4);
  report("last refill badvaddr", refill_info[1], DATA_VA + 0x6000 + 24);

  /* writes through kuseg land in physical memory (kseg0 alias) */
  for (u32 i = 0; i < 8; i++) *(volatile u32 *)(DATA_VA + i * 0x1000 + 0x100) = 0x5a5a0000u + i;
  ok = 1;
  for (u32 i = 0; i < 8; i++)
    if (*kseg0(DATA_PA + i * 0x1000 + 0x100) != 0x5a5a0000u + i) ok = 0, bad = i;
  check("write through mapping, read through kseg0", ok, bad);
  *kseg0(DATA_PA + 0x3ffc) = 0xcafef00d;
  report("write through kseg0, read through mapping", *(volatile u32 *)(DATA_VA + 0x3ffc), 0xcafef00d);

  /* TLB invalid: the refill loads V=0, the retry takes TLBL at 0x180 */
  u32 before = refill_info[0];
  u32 v = try_load(BAD_VA + 0x10);
  g_resume = 0;
  report("invalid load count", g_count, 1);
  report("invalid load exccode tlbl", CAUSE_EXC(g_cause), EXC_TLBL);
  report("invalid load badvaddr", g_badvaddr, BAD_VA + 0x10);
  report("invalid load epc", g_epc, expect_epc);
  report("invalid load entryhi vpn2", g_entryhi & 0xffffe000u, BAD_VA);
  report("invalid load context badvpn2", g_context, PTE_BASE | ((BAD_VA >> 13) << 4));
  report("invalid load value untouched", v, 0xdeadbeef);
  report("invalid load went through refill first", refill_info[0] - before, 1);
  u32 f = try_store(BAD_VA + 0x14, 1);
  g_resume = 0;
  report("invalid store count", g_count, 2);
  check("invalid store faulted", f == 1, f);
  report("invalid store exccode tlbs", CAUSE_EXC(g_cause), EXC_TLBS);
  report("invalid store badvaddr", g_badvaddr, BAD_VA + 0x14);

  /* clean page: loads work, the store takes Mod; the handler sets D and the store retries */
  report("load from clean page", *(volatile u32 *)(BAD_VA + 0x1020), 0x13572468);
  *(volatile u32 *)(BAD_VA + 0x1024) = 0x600dd00d;
  report("mod count", g_mod_count, 1);
  report("mod exccode", CAUSE_EXC(g_cause), EXC_MOD);
  report("mod badvaddr", g_badvaddr, BAD_VA + 0x1024);
  report("mod entryhi vpn2", g_entryhi & 0xffffe000u, BAD_VA);
  report("store retried after mod", *kseg0(DATA_PA + 0x9024), 0x600dd00d);
  *(volatile u32 *)(BAD_VA + 0x1028) = 1;
  report("no second mod", g_mod_count, 1);

  /* kseg2 is mapped for the kernel: a miss there takes the same refill */
  pte(0xc0000000u)[0] = lo(DATA_PA + 0x40000, LO_C | LO_D | LO_V);
  pte(0xc0000000u)[1] = lo(DATA_PA + 0x41000, LO_C | LO_D | LO_V);
  *kseg0(DATA_PA + 0x40008) = 0xc2c2c2c2;
  *kseg0(DATA_PA + 0x41010) = 0x2c2c2c2c;
  before = refill_info[0];
  report("kseg2 even page", *(volatile u32 *)0xc0000008u, 0xc2c2c2c2);
  report("kseg2 odd page", *(volatile u32 *)0xc0001010u, 0x2c2c2c2c);
  report("kseg2 refill", refill_info[0] - before, 1);
  report("kseg2 refill badvaddr", refill_info[1], 0xc0000008u);

  /* Status.ERL makes kuseg an unmapped window onto physical memory */
  *kseg0(DATA_PA + 0x30000) = 0x0e410e41;
  {
    u32 val;
    __asm__ volatile("mfc0 $t0, $12\n\tori $t1, $t0, 4\n\tmtc0 $t1, $12\n\tehb\n\t"
                     "lw %0, 0(%1)\n\tmtc0 $t0, $12\n\tehb"
                     : "=&r"(val) : "r"(DATA_PA + 0x30000) : "t0", "t1", "memory");
    report("erl: kuseg is unmapped", val, 0x0e410e41);
  }

  /* TLBWI / TLBP / TLBR round trip */
  u32 lo0 = lo(0x0abcd000, (2 << 3) | LO_D | LO_V), lo1 = lo(0x02345000, (3 << 3) | LO_V);
  tlbwi(7, 0x12344000u | 0x2a, lo0, lo1, 0);
  tlbwi(8, 0x12346000u | 0x2a, lo0 | LO_G, lo1 | LO_G, 0);
  tlbwi(9, 0x00800000u | 0x2a, lo(DATA_PA + 0x10000, LO_C | LO_D | LO_V),
        lo(DATA_PA + 0x14000, LO_C | LO_D | LO_V), 0x6000);
  report("tlbp hit", tlbp(0x12344000u | 0x2a), 7);
  report("tlbp hit odd half", tlbp(0x12345000u | 0x2a), 7);
  check("tlbp miss other asid", tlbp(0x12344000u | 0x2b) & 0x80000000u, mfc0(C0_INDEX, 0));
  check("tlbp miss other vpn", tlbp(0x12348000u | 0x2a) & 0x80000000u, mfc0(C0_INDEX, 0));
  report("tlbp global ignores asid", tlbp(0x12346000u | 0x2b), 8);
  report("tlbp 16k page", tlbp(0x00804000u | 0x2a), 9);
  mtc0(C0_ENTRYHI, 0, 0);
  mtc0(C0_ENTRYLO0, 0, 0);
  mtc0(C0_ENTRYLO1, 0, 0);
  tlbr(7);
  report("tlbr entryhi", mfc0(C0_ENTRYHI, 0), 0x12344000u | 0x2a);
  report("tlbr entrylo0", mfc0(C0_ENTRYLO0, 0), lo0);
  report("tlbr entrylo1", mfc0(C0_ENTRYLO1, 0), lo1);
  report("tlbr pagemask", mfc0(C0_PAGEMASK, 0), 0);
  tlbr(8);
  report("tlbr global entrylo0", mfc0(C0_ENTRYLO0, 0), lo0 | LO_G);
  report("tlbr global entrylo1", mfc0(C0_ENTRYLO1, 0), lo1 | LO_G);
  tlbr(9);
  report("tlbr 16k pagemask", mfc0(C0_PAGEMASK, 0), 0x6000);
  report("tlbr 16k entryhi", mfc0(C0_ENTRYHI, 0), 0x00800000u | 0x2a);
  mtc0(C0_PAGEMASK, 0, 0);

  /* translate through the 16 KiB pages (ASID 0x2a) */
  *kseg0(DATA_PA + 0x12004) = 0x16161616;
  *kseg0(DATA_PA + 0x16008) = 0x61616161;
  mtc0(C0_ENTRYHI, 0, 0x2a);
  report("16k even page", *(volatile u32 *)0x00802004u, 0x16161616);
  report("16k odd page", *(volatile u32 *)0x00806008u, 0x61616161);

  /* ASIDs: one VPN, two non-global entries */
  *kseg0(DATA_PA + 0x20000) = 0x11111111;
  *kseg0(DATA_PA + 0x22000) = 0x22222222;
  tlbwi(10, 0x00500000u | 1, lo(DATA_PA + 0x20000, LO_C | LO_D | LO_V), 0, 0);
  tlbwi(11, 0x00500000u | 2, lo(DATA_PA + 0x22000, LO_C | LO_D | LO_V), 0, 0);
  mtc0(C0_ENTRYHI, 0, 1);
  report("asid 1 mapping", *(volatile u32 *)0x00500000u, 0x11111111);
  mtc0(C0_ENTRYHI, 0, 2);
  report("asid 2 mapping", *(volatile u32 *)0x00500000u, 0x22222222);
  mtc0(C0_ENTRYHI, 0, 0);

  /* Wired: TLBWR never replaces entries below it, Random stays in [Wired, n-1] */
  mtc0(C0_WIRED, 0, 4);
  report("wired", mfc0(C0_WIRED, 0), 4);
  for (u32 i = 0; i < 4; i++) tlbwi(i, 0x20000000u + (i << 13), 0, 0, 0);
  ok = 1;
  bad = 0;
  for (u32 i = 0; i < 40; i++) {
    u32 r = mfc0(C0_RANDOM, 0);
    if (r < 4 || r >= n) ok = 0, bad = r;
    mtc0(C0_ENTRYHI, 0, 0x30000000u + (i << 13));
    mtc0(C0_ENTRYLO0, 0, 0);
    mtc0(C0_ENTRYLO1, 0, 0);
    __asm__ volatile("tlbwr\n\tehb" ::: "memory");
  }
  check("random within [wired, size)", ok, bad);
  ok = 1;
  for (u32 i = 0; i < 4; i++) {
    tlbr(i);
    if (mfc0(C0_ENTRYHI, 0) != 0x20000000u + (i << 13)) ok = 0, bad = i;
  }
  check("wired entries survive tlbwr", ok, bad);
  u32 idx = tlbp(0x30000000u + (39 << 13));
  check("last tlbwr entry found above wired", idx >= 4 && idx < n, idx);
  mtc0(C0_WIRED, 0, 0);
  mtc0(C0_ENTRYHI, 0, 0);

  puts("done\n");
  return 0;
}
