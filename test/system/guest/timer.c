/* Interrupts: the Count/Compare timer (IP7 via IntCtl.IPTI, Cause.TI) taken out of WAIT and
 * cleared by writing Compare; the timer pending while masked; software interrupts IP0/IP1
 * (taken at once when enabled, held while masked); EI/DI; vectored interrupts (Cause.IV)
 * at EBase+0x200. Nothing depends on how fast Count runs. */
#include "common.h"

volatile u32 ticks, swi0, swi1, other, via_vector;
volatile u32 g_cause, g_cause_after, g_status;

/* EBase+0x200 stub used while Cause.IV=1: note it, then the common glue. */
volatile u32 int_vector_hits;
__asm__(".text\n\t.set noreorder\n\t.set noat\n\t.globl int_vector_entry\nint_vector_entry:\n\t"
        "la $k0, int_vector_hits\n\t"
        "lw $k1, 0($k0)\n\t"
        "addiu $k1, $k1, 1\n\t"
        "sw $k1, 0($k0)\n\t"
        "j general_entry\n\t"
        "nop\n"
        ".globl int_vector_stub\nint_vector_stub:\n\t"
        "lui $k0, %hi(int_vector_entry)\n\t"
        "addiu $k0, $k0, %lo(int_vector_entry)\n\t"
        "jr $k0\n\t"
        "nop\n\t.set at\n\t.set reorder\n");
extern const u32 int_vector_stub[4], vec_stub_general[4];

/* Sleep until the timer handler has counted a tick. An interrupt that arrives between the
 * check of ticks and the WAIT would leave WAIT sleeping forever, so the handler rolls an EPC
 * inside [wait_region, wait_insn] forward past the WAIT (as Linux's r4k_wait does). */
__asm__(".text\n\t.set noreorder\n\t.globl wait_for_tick\nwait_for_tick:\n"
        ".globl wait_region\nwait_region:\n\t"
        "lw $t0, ticks\n\t"
        "bnez $t0, 1f\n\t"
        "nop\n"
        ".globl wait_insn\nwait_insn:\n\t"
        "wait\n\t"
        "b wait_region\n\t"
        "nop\n"
        "1:\tjr $ra\n\t"
        "nop\n\t.set reorder\n");
void wait_for_tick(void);
extern const char wait_region[], wait_insn[];

/* Compare = Count + delta, retried until Count is still below it after the write: QEMU's
 * Count follows the host clock, and a late write would put the match a wrap-around away. */
static void arm_timer(u32 delta) {
  for (;;) {
    u32 start = mfc0(C0_COUNT, 0);
    mtc0(C0_COMPARE, 0, start + delta);
    if (mfc0(C0_COUNT, 0) - start < delta / 2) return;
  }
}

static void set_vector_200(const u32 *stub) {
  volatile u32 *v = (volatile u32 *)(EBASE + 0x200);
  for (int i = 0; i < 4; i++) v[i] = stub[i];
}

void c_exception(struct frame *f) {
  if (CAUSE_EXC(f->cause) != EXC_INT) unexpected(f);
  g_cause = f->cause;
  g_status = f->status;
  u32 pending = f->cause & f->status & 0xff00u;
  if (pending & CAUSE_IP(7)) {
    ticks++;
    if (f->epc >= (u32)wait_region && f->epc <= (u32)wait_insn) f->epc = (u32)wait_insn + 4;
    mtc0(C0_COMPARE, 0, mfc0(C0_COUNT, 0) - 1); /* acknowledge; next match far away */
    g_cause_after = mfc0(C0_CAUSE, 0);
  } else if (pending & CAUSE_IP(0)) {
    swi0++;
    mtc0(C0_CAUSE, 0, mfc0(C0_CAUSE, 0) & ~CAUSE_IP(0));
    g_cause_after = mfc0(C0_CAUSE, 0);
  } else if (pending & CAUSE_IP(1)) {
    swi1++;
    mtc0(C0_CAUSE, 0, mfc0(C0_CAUSE, 0) & ~CAUSE_IP(1));
    g_cause_after = mfc0(C0_CAUSE, 0);
  } else {
    other++;
    unexpected(f);
  }
}

int main(void) {
  puts("timer\n");
  u32 intctl = mfc0(12, 1);
  check("intctl ipti is 7", (intctl >> 29) == 7, intctl);
  u32 c0 = mfc0(C0_COUNT, 0);
  for (volatile int i = 0; i < 100; i++) {
  }
  u32 c1 = mfc0(C0_COUNT, 0);
  check("count runs", c1 != c0, c1 - c0);

  /* Cause.DC stops Count */
  mtc0(C0_CAUSE, 0, 1u << 27);
  c0 = mfc0(C0_COUNT, 0);
  for (volatile int i = 0; i < 100; i++) {
  }
  c1 = mfc0(C0_COUNT, 0);
  mtc0(C0_CAUSE, 0, 0);
  check("cause dc stops count", c1 == c0, c1 - c0);
  c0 = mfc0(C0_COUNT, 0);
  for (volatile int i = 0; i < 100; i++) {
  }
  check("count runs again", mfc0(C0_COUNT, 0) != c0, 0);

  /* timer interrupt out of WAIT */
  arm_timer(0x100000);
  mtc0(C0_STATUS, 0, ST_IM(7) | ST_IE);
  wait_for_tick();
  mtc0(C0_STATUS, 0, 0);
  check("timer interrupt taken", ticks == 1, ticks);
  check("timer exccode int", CAUSE_EXC(g_cause) == EXC_INT, g_cause);
  check("timer cause ip7", (g_cause & CAUSE_IP(7)) != 0, g_cause);
  check("timer cause ti", (g_cause & CAUSE_TI) != 0, g_cause);
  check("timer handler status exl", (g_status & ST_EXL) != 0, g_status);
  check("compare write clears ti and ip7", (g_cause_after & (CAUSE_TI | CAUSE_IP(7))) == 0,
        g_cause_after);

  /* the timer raises IP7/TI while masked, and nothing is taken */
  u32 start = mfc0(C0_COUNT, 0);
  arm_timer(0x10000);
  u32 cause = 0;
  while (!((cause = mfc0(C0_CAUSE, 0)) & CAUSE_TI) && mfc0(C0_COUNT, 0) - start < 0x4000000u) {
  }
  check("timer pending while masked", (cause & (CAUSE_TI | CAUSE_IP(7))) == (CAUSE_TI | CAUSE_IP(7)),
        cause);
  check("masked timer not taken", ticks == 1, ticks);
  mtc0(C0_COMPARE, 0, mfc0(C0_COUNT, 0) - 1);
  cause = mfc0(C0_CAUSE, 0);
  check("compare write clears pending timer", (cause & (CAUSE_TI | CAUSE_IP(7))) == 0, cause);

  /* software interrupt 0: taken as soon as it is raised with IM0 and IE set */
  mtc0(C0_STATUS, 0, ST_IM(0) | ST_IE);
  mtc0(C0_CAUSE, 0, CAUSE_IP(0));
  for (int i = 0; i < 100 && !swi0; i++) {
  }
  check("software interrupt 0 taken", swi0 == 1, swi0);
  check("swi0 cause ip0", (g_cause & (CAUSE_IP(0) | 0x7c)) == CAUSE_IP(0), g_cause);
  check("swi0 cleared", (g_cause_after & CAUSE_IP(0)) == 0, g_cause_after);

  /* software interrupt 1: held while IM1 is clear, taken when IM1 is set; EI/DI */
  mtc0(C0_STATUS, 0, ST_IM(0) | ST_IE);
  mtc0(C0_CAUSE, 0, CAUSE_IP(1));
  for (volatile int i = 0; i < 100; i++) {
  }
  check("masked swi1 not taken", swi1 == 0, swi1);
  check("masked swi1 pending", (mfc0(C0_CAUSE, 0) & CAUSE_IP(1)) != 0, mfc0(C0_CAUSE, 0));
  u32 old;
  __asm__ volatile("di %0\n\tehb" : "=r"(old)::"memory");
  check("di returns old status", old == (ST_IM(0) | ST_IE), old);
  mtc0(C0_STATUS, 0, ST_IM(0) | ST_IM(1));
  for (volatile int i = 0; i < 100; i++) {
  }
  check("swi1 not taken with ie clear", swi1 == 0, swi1);
  __asm__ volatile("ei\n\tehb" ::: "memory");
  for (int i = 0; i < 100 && !swi1; i++) {
  }
  check("swi1 taken after ei", swi1 == 1, swi1);
  check("swi1 cause ip1", (g_cause & (CAUSE_IP(1) | 0x7c)) == CAUSE_IP(1), g_cause);
  mtc0(C0_STATUS, 0, 0);

  /* vectored: Cause.IV=1, IntCtl.VS=0 sends interrupts to EBase+0x200 */
  set_vector_200(int_vector_stub);
  mtc0(12, 1, intctl & ~0x3e0u);
  mtc0(C0_CAUSE, 0, CAUSE_IV);
  mtc0(C0_STATUS, 0, ST_IM(0) | ST_IE);
  mtc0(C0_CAUSE, 0, CAUSE_IV | CAUSE_IP(0));
  for (int i = 0; i < 100 && swi0 < 2; i++) {
  }
  mtc0(C0_STATUS, 0, 0);
  check("iv interrupt taken", swi0 == 2, swi0);
  check("iv interrupt used ebase+0x200", int_vector_hits == 1, int_vector_hits);
  mtc0(C0_CAUSE, 0, 0);
  set_vector_200(vec_stub_general);

  check("no stray interrupts", other == 0, other);
  puts("done\n");
  return 0;
}
