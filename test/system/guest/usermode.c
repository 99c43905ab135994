/* User mode: ERET (Status.KSU=user, EXL=1, EPC=kuseg entry) into code copied to RAM and
 * mapped by a wired TLB entry. The user code stores to its data page, makes a SYSCALL,
 * touches kseg0 and kseg1 (AdEL/AdES), runs MFC0 and ERET (CpU, CE=0), touches an unmapped
 * kuseg page (TLB refill vector), and leaves through a second SYSCALL that the handler turns
 * into a return to kernel mode. The handler checks and prints each event as it happens. */
#include "common.h"

#define USER_VA 0x00400000u   /* code page; data page at USER_VA + 0x1000 */
#define USER_PA 0x01000000u
#define LO_C 0x18u
#define LO_D 4u
#define LO_V 2u

/* Position-independent user program (runs at USER_VA). */
__asm__(".text\n\t.set noreorder\n\t.set noat\n\t.globl user_code_start\nuser_code_start:\n\t"
        "lui $t0, 0x0040\n\t"
        "ori $t0, $t0, 0x1000\n\t"
        "li $t1, 0x75736572\n\t"
        "sw $t1, 0($t0)\n\t"
        "li $v0, 1\n"
        ".globl u_sys1\nu_sys1:\tsyscall\n\t"
        "sw $v0, 4($t0)\n\t"
        "lui $t2, 0x8010\n"
        ".globl u_adel\nu_adel:\tlw $t3, 0($t2)\n"
        ".globl u_mfc0\nu_mfc0:\tmfc0 $t3, $12\n"
        ".globl u_eret\nu_eret:\teret\n\t"
        "lui $t2, 0xa000\n"
        ".globl u_ades\nu_ades:\tsw $t3, 0x10($t2)\n\t"
        ".globl u_rdhwr0\nu_rdhwr0:\trdhwr $t4, $0\n\t"
        "sw $t4, 12($t0)\n"
        ".globl u_rdhwr2\nu_rdhwr2:\trdhwr $t3, $2\n\t"
        "lui $t2, 0x8000\n"
        ".globl u_jkseg0\nu_jkseg0:\tjr $t2\n\t"
        "nop\n"
        ".globl u_after_jkseg0\nu_after_jkseg0:\t"
        "lui $t2, 0x0060\n"
        ".globl u_refill\nu_refill:\tlw $t3, 4($t2)\n\t"
        "sw $t1, 8($t0)\n\t"
        "li $v0, 2\n"
        ".globl u_sys2\nu_sys2:\tsyscall\n"
        "1:\tb 1b\n\t"
        "nop\n"
        ".globl user_code_end\nuser_code_end:\n\t"
        ".set at\n\t.set reorder\n");
extern const char user_code_start[], user_code_end[], u_sys1[], u_adel[], u_mfc0[], u_eret[],
    u_ades[], u_rdhwr0[], u_rdhwr2[], u_jkseg0[], u_after_jkseg0[], u_refill[], u_sys2[];

/* enter_user(entry): save the kernel context, ERET to entry in user mode; returns when the
 * exit syscall sends EPC to user_exit_landing in kernel mode. */
__asm__(".text\n\t.set noreorder\n\t.globl enter_user\nenter_user:\n\t"
        "la $t0, kctx\n\t"
        "sw $s0, 0($t0)\n\tsw $s1, 4($t0)\n\tsw $s2, 8($t0)\n\tsw $s3, 12($t0)\n\t"
        "sw $s4, 16($t0)\n\tsw $s5, 20($t0)\n\tsw $s6, 24($t0)\n\tsw $s7, 28($t0)\n\t"
        "sw $fp, 32($t0)\n\tsw $sp, 36($t0)\n\tsw $ra, 40($t0)\n\tsw $gp, 44($t0)\n\t"
        "mtc0 $a0, $14\n\t"
        "mfc0 $t1, $12\n\t"
        "li $t2, ~0x19\n\t"
        "and $t1, $t1, $t2\n\t"
        "ori $t1, $t1, 0x12\n\t" /* KSU=user, EXL=1, IE=0 */
        "mtc0 $t1, $12\n\t"
        "ehb\n\t"
        "eret\n\t"
        "nop\n"
        ".globl user_exit_landing\nuser_exit_landing:\n\t"
        "la $t0, kctx\n\t"
        "lw $s0, 0($t0)\n\tlw $s1, 4($t0)\n\tlw $s2, 8($t0)\n\tlw $s3, 12($t0)\n\t"
        "lw $s4, 16($t0)\n\tlw $s5, 20($t0)\n\tlw $s6, 24($t0)\n\tlw $s7, 28($t0)\n\t"
        "lw $fp, 32($t0)\n\tlw $sp, 36($t0)\n\tlw $ra, 40($t0)\n\tlw $gp, 44($t0)\n\t"
        "jr $ra\n\t"
        "nop\n\t.set reorder\n");
void enter_user(u32 entry);
extern const char user_exit_landing[];
u32 kctx[12];

/* TLB refill: count it, then handle it like any other exception. */
volatile u32 refill_hits;
__asm__(".text\n\t.set noreorder\n\t.set noat\n\t.globl refill_entry\nrefill_entry:\n\t"
        "la $k0, refill_hits\n\t"
        "lw $k1, 0($k0)\n\t"
        "addiu $k1, $k1, 1\n\t"
        "sw $k1, 0($k0)\n\t"
        "j general_entry\n\t"
        "nop\n\t.set at\n\t.set reorder\n");

struct event {
  const char *name;
  u32 code;
  const char *label; /* the user instruction EPC points at (0: epc is given) */
  u32 badvaddr;      /* 1 = don't check */
  u32 epc;
  const char *resume; /* 0: the next instruction */
};
static const struct event events[] = {
    {"user syscall", EXC_SYS, u_sys1, 1, 0, 0},
    {"user load from kseg0", EXC_ADEL, u_adel, 0x80100000u, 0, 0},
    {"user mfc0", EXC_CPU, u_mfc0, 1, 0, 0},
    {"user eret", EXC_CPU, u_eret, 1, 0, 0},
    {"user store to kseg1", EXC_ADES, u_ades, 0xa0000010u, 0, 0},
    {"user rdhwr cc not enabled in hwrena", EXC_RI, u_rdhwr2, 1, 0, 0},
    {"user jump to kseg0", EXC_ADEL, 0, 0x80000000u, 0x80000000u, u_after_jkseg0},
    {"user unmapped load", EXC_TLBL, u_refill, 0x00600004u, 0, 0},
    {"user exit syscall", EXC_SYS, u_sys2, 1, 0, 0},
};
#define NEVENTS (sizeof events / sizeof events[0])
volatile u32 nevent;

static u32 user_addr(const char *label) { return USER_VA + (u32)(label - user_code_start); }

void c_exception(struct frame *f) {
  if (nevent >= NEVENTS) unexpected(f);
  const struct event *e = &events[nevent++];
  u32 code = CAUSE_EXC(f->cause);
  int ok = code == e->code && f->epc == (e->label ? user_addr(e->label) : e->epc) && !(f->cause & CAUSE_BD) &&
           (f->status & (ST_EXL | ST_KSU_MASK | ST_ERL)) == (ST_EXL | ST_KSU_USER) &&
           (e->badvaddr == 1 || f->badvaddr == e->badvaddr);
  if (code == EXC_CPU) ok = ok && CAUSE_CE(f->cause) == 0;
  if (code == EXC_TLBL) ok = ok && refill_hits == 1;
  if (code == EXC_SYS) ok = ok && f->r[2] == (nevent == NEVENTS ? 2u : 1u);
  check(e->name, ok, f->cause);
  if (!ok) {
    puts("  epc ");
    puthex(f->epc);
    puts(" status ");
    puthex(f->status);
    puts(" badvaddr ");
    puthex(f->badvaddr);
    putc('\n');
  }
  if (nevent == 1) {
    /* still in the handler: EXL set, kernel mode whatever KSU says */
    u32 st = mfc0(C0_STATUS, 0);
    check("handler runs with exl", (st & ST_EXL) != 0, st);
    f->r[2] = 0x1234; /* syscall result in v0 */
  }
  if (nevent == NEVENTS) {
    /* exit: back to kernel mode at user_exit_landing */
    mtc0(C0_STATUS, 0, mfc0(C0_STATUS, 0) & ~ST_KSU_MASK);
    f->epc = (u32)user_exit_landing;
    return;
  }
  f->epc = e->resume ? user_addr(e->resume) : f->epc + 4;
}

int main(void) {
  puts("usermode\n");
  tlb_init();
  u32 n = (u32)(user_code_end - user_code_start);
  memcpy((void *)(0x80000000u | USER_PA), user_code_start, n);
  memset((void *)(0x80000000u | (USER_PA + 0x1000)), 0xff, 16);
  /* wired entry 0: code page read-only (D=0), data page writable; ASID 0, not global */
  mtc0(C0_WIRED, 0, 1);
  tlb_write_indexed(0, USER_VA, ((USER_PA >> 12) << 6) | LO_C | LO_V, (((USER_PA + 0x1000) >> 12) << 6) | LO_C | LO_D | LO_V, 0);

  mtc0(7, 0, 1); /* HWREna: CPUNum only */
  enter_user(USER_VA);

  u32 st = mfc0(C0_STATUS, 0);
  check("back in kernel mode", (st & (ST_KSU_MASK | ST_EXL | ST_ERL)) == 0, st);
  check("all user events seen", nevent == NEVENTS, nevent);
  volatile u32 *data = (volatile u32 *)(0x80000000u | (USER_PA + 0x1000));
  check("user store reached memory", data[0] == 0x75736572, data[0]);
  check("syscall result seen by user", data[1] == 0x1234, data[1]);
  check("user registers preserved", data[2] == 0x75736572, data[2]);
  check("user rdhwr cpunum", data[3] == 0, data[3]);
  puts("done\n");
  return 0;
}
