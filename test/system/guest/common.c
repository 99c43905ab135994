/* Shared runtime of the bare-metal system test ROMs: UART output, checks, vectors, TLB reset. */
#include "common.h"

void putc(int c) {
  volatile unsigned char *uart = (volatile unsigned char *)UART_BASE;
  while (!(uart[UART_LSR] & LSR_THRE)) {
  }
  uart[UART_THR] = (unsigned char)c;
}

void puts(const char *s) {
  while (*s) putc(*s++);
}

void puthex(u32 v) {
  for (int i = 28; i >= 0; i -= 4) putc("0123456789abcdef"[(v >> i) & 15]);
}

void check(const char *name, int ok, u32 value) {
  puts(ok ? "PASS " : "FAIL ");
  puts(name);
  if (!ok) {
    putc(' ');
    puthex(value);
  }
  putc('\n');
}

void poweroff(void) {
  *(volatile u32 *)MALTA_SOFTRES = SOFTRES_GORESET;
  for (;;) {
  }
}

void unexpected(struct frame *f) {
  puts("UNEXPECTED cause ");
  puthex(f->cause);
  puts(" epc ");
  puthex(f->epc);
  puts(" badvaddr ");
  puthex(f->badvaddr);
  putc('\n');
  poweroff();
}

void *memset(void *d, int c, unsigned n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}

void *memcpy(void *d, const void *s, unsigned n) {
  unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}

extern const u32 vec_stub_refill[4], vec_stub_general[4];

/* Point EBase at RAM, put a jump to the ROM handlers at EBase+0x000 (TLB refill) and
 * EBase+0x180 (everything else), then leave BEV/ERL: kernel mode, interrupts off. */
void init_vectors(void) {
  volatile u32 *base = (volatile u32 *)EBASE;
  mtc0(15, 1, EBASE);
  for (int i = 0; i < 4; i++) {
    base[i] = vec_stub_refill[i];
    base[0x180 / 4 + i] = vec_stub_general[i];
    base[0x200 / 4 + i] = vec_stub_general[i];
  }
  mtc0(C0_CAUSE, 0, 0);
  mtc0(C0_STATUS, 0, 0);
}

u32 tlb_entries(void) {
  return ((mfc0(16, 1) >> 25) & 63) + 1;
}

/* Give every TLB entry a distinct, never-matching VPN2 (in kseg0) and clear it. */
/* TLBWI of entry `index` from EntryHi, EntryLo0/1 and PageMask (which stays set). */
void tlb_write_indexed(u32 index, u32 hi, u32 lo0, u32 lo1, u32 mask) {
  mtc0(C0_INDEX, 0, index);
  mtc0(C0_ENTRYHI, 0, hi);
  mtc0(C0_ENTRYLO0, 0, lo0);
  mtc0(C0_ENTRYLO1, 0, lo1);
  mtc0(C0_PAGEMASK, 0, mask);
  __asm__ volatile("tlbwi\n\tehb" ::: "memory");
}

void tlb_init(void) {
  u32 n = tlb_entries();
  mtc0(C0_WIRED, 0, 0);
  mtc0(C0_PAGEMASK, 0, 0);
  mtc0(C0_ENTRYLO0, 0, 0);
  mtc0(C0_ENTRYLO1, 0, 0);
  for (u32 i = 0; i < n; i++) {
    mtc0(C0_INDEX, 0, i);
    mtc0(C0_ENTRYHI, 0, 0x80000000u + (i << 13));
    __asm__ volatile("tlbwi\n\tehb" ::: "memory");
  }
  mtc0(C0_ENTRYHI, 0, 0);
}
