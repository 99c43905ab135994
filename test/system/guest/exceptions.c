/* Synchronous exceptions through EBase+0x180: SYSCALL, BREAK, AdEL/AdES, Ov, Tr, RI, and
 * exceptions in branch delay slots (Cause.BD, EPC = the branch). Each trigger is a small
 * assembly routine that publishes the address of the faulting instruction (expect_epc) and
 * where to resume (g_resume); the handler records Cause/EPC/BadVAddr and resumes there. */
#include "common.h"

volatile u32 expect_epc, g_resume;
volatile u32 g_cause, g_epc, g_badvaddr, g_status, g_count;
u32 ubuf[4] __attribute__((aligned(16)));

void c_exception(struct frame *f) {
  if (CAUSE_EXC(f->cause) == EXC_INT || !g_resume) unexpected(f);
  g_cause = f->cause;
  g_epc = f->epc;
  g_badvaddr = f->badvaddr;
  g_status = f->status;
  g_count++;
  f->epc = g_resume;
  g_resume = 0;
}

/* name: sets up, publishes 1f as the expected EPC and 2f as the resume point, runs insn at
 * 1:, returns $t3 in $v0. */
#define TRIGGER(name, setup, insn)                                                        \
  __asm__(".text\n\t.set noreorder\n\t.globl " #name "\n" #name ":\n\t" setup "\n\t"      \
          "la $t0, 1f\n\tsw $t0, expect_epc\n\tla $t0, 2f\n\tsw $t0, g_resume\n"          \
          "1:\t" insn "\n2:\tjr $ra\n\tmove $v0, $t3\n\t.set reorder\n");                 \
  u32 name(void);

TRIGGER(t_syscall, "nop", "syscall")
TRIGGER(t_break, "nop", "break 7")
TRIGGER(t_lw_unaligned, "la $t1, ubuf\n\tli $t3, 0x1234", "lw $t3, 1($t1)")
TRIGGER(t_lh_unaligned, "la $t1, ubuf\n\tli $t3, 0x1234", "lh $t3, 3($t1)")
TRIGGER(t_sw_unaligned, "la $t1, ubuf\n\tli $t3, 0x5678", "sw $t3, 2($t1)")
TRIGGER(t_sh_unaligned, "la $t1, ubuf\n\tli $t3, 0x5678", "sh $t3, 5($t1)")
TRIGGER(t_add_ov, "li $t1, 0x7fffffff\n\tli $t2, 1\n\tli $t3, 0x1234", "add $t3, $t1, $t2")
TRIGGER(t_sub_ov, "li $t1, 0x80000000\n\tli $t2, 1\n\tli $t3, 0x1234", "sub $t3, $t1, $t2")
TRIGGER(t_addi_ov, "li $t1, 0x7ffffff0\n\tli $t3, 0x1234", "addi $t3, $t1, 0x10")
TRIGGER(t_teq, "li $t1, 5\n\tli $t2, 5", "teq $t1, $t2, 3")
TRIGGER(t_tgei, "li $t1, -1", "tgei $t1, -2")
TRIGGER(t_tne_not_taken, "li $t1, 5\n\tli $t2, 5\n\tli $t3, 0x77", "tne $t1, $t2")
TRIGGER(t_ri, "nop", ".word 0xfc000000")
TRIGGER(t_ri2, "nop", ".word 0x0000003f")
TRIGGER(t_mfc1_cu1_off, ".set hardfloat\n\tli $t3, 0x1234", "mfc1 $t3, $f0")
TRIGGER(t_lwc1_cu1_off, ".set hardfloat\n\tla $t1, ubuf", "lwc1 $f2, 0($t1)")
/* jump to a misaligned address: the fetch takes AdEL with EPC = BadVAddr = the target */
__asm__(".text\n\t.set noreorder\n\t.globl t_jr_misaligned\nt_jr_misaligned:\n\t"
        "la $t0, 1f + 2\n\tsw $t0, expect_epc\n\tla $t1, 2f\n\tsw $t1, g_resume\n\t"
        "jr $t0\n\tnop\n"
        "1:\tnop\n\tjr $ra\n\tli $v0, 0xbad\n"
        "2:\tjr $ra\n\tli $v0, 0x600d\n\t.set reorder\n");
u32 t_jr_misaligned(void);
/* LL/SC: v0 = SC's result with nothing in between, with a SYSCALL (so an ERET) in between */
__asm__(".text\n\t.set noreorder\n\t.globl t_llsc_plain\nt_llsc_plain:\n\t"
        "la $t1, ubuf\n\tll $t2, 8($t1)\n\taddiu $t2, $t2, 1\n\tsc $t2, 8($t1)\n\t"
        "jr $ra\n\tmove $v0, $t2\n\t.set reorder\n");
u32 t_llsc_plain(void);
__asm__(".text\n\t.set noreorder\n\t.globl t_llsc_eret\nt_llsc_eret:\n\t"
        "la $t0, 1f\n\tsw $t0, expect_epc\n\tla $t0, 2f\n\tsw $t0, g_resume\n\t"
        "la $t1, ubuf\n\tll $t2, 8($t1)\n\taddiu $t2, $t2, 1\n"
        "1:\tsyscall\n"
        "2:\tsc $t2, 8($t1)\n\t"
        "jr $ra\n\tmove $v0, $t2\n\t.set reorder\n");
u32 t_llsc_eret(void);

/* an exception in a taken branch's delay slot: EPC = branch, resume at its target */
__asm__(".text\n\t.set noreorder\n\t.globl t_bd_beq\nt_bd_beq:\n\t"
        "la $t0, 1f\n\tsw $t0, expect_epc\n\tla $t0, 3f\n\tsw $t0, g_resume\n"
        "1:\tbeq $zero, $zero, 3f\n\tsyscall\n\tli $v0, 0xbad\n\tjr $ra\n\tnop\n"
        "3:\tjr $ra\n\tli $v0, 0x600d\n\t.set reorder\n");
u32 t_bd_beq(void);
/* in a not-taken branch's delay slot: BD is still set (QEMU turns `bne $zero, $zero` into a
 * nop without a delay slot, so compare a register that happens to be zero) */
__asm__(".text\n\t.set noreorder\n\t.globl t_bd_bne\nt_bd_bne:\n\t"
        "la $t0, 1f\n\tsw $t0, expect_epc\n\tla $t0, 3f\n\tsw $t0, g_resume\n\tmove $t1, $zero\n"
        "1:\tbne $t1, $zero, 4f\n\tbreak\n\tli $v0, 0xbad\n\tjr $ra\n\tnop\n"
        "3:\tjr $ra\n\tli $v0, 0x600d\n4:\tjr $ra\n\tli $v0, 0xbad2\n\t.set reorder\n");
u32 t_bd_bne(void);
/* an address error in a JR delay slot */
__asm__(".text\n\t.set noreorder\n\t.globl t_bd_jr\nt_bd_jr:\n\t"
        "la $t0, 1f\n\tsw $t0, expect_epc\n\tla $t0, 3f\n\tsw $t0, g_resume\n\tli $t2, 0x101\n"
        "1:\tjr $t0\n\tlw $t1, 0($t2)\n\tli $v0, 0xbad\n\tjr $ra\n\tnop\n"
        "3:\tjr $ra\n\tli $v0, 0x600d\n\t.set reorder\n");
u32 t_bd_jr(void);
/* in a JAL delay slot: ra is written by the jal before the slot faults */
__asm__(".text\n\t.set noreorder\n\t.globl t_bd_jal\nt_bd_jal:\n\t"
        "move $t4, $ra\n\tla $t0, 1f\n\tsw $t0, expect_epc\n\tla $t0, 3f\n\tsw $t0, g_resume\n"
        "1:\tjal 4f\n\tteq $zero, $zero\n\tli $v0, 0xbad\n\tjr $t4\n\tnop\n"
        "4:\tli $v0, 0xbad2\n\tjr $t4\n\tnop\n"
        "3:\tla $t0, 1b + 8\n\tsubu $v0, $ra, $t0\n\tjr $t4\n\tnop\n\t.set reorder\n");
u32 t_bd_jal(void);

/* After a failed check: the EPC seen and wanted, and one more value. */
static void explain(const char *label, u32 value) {
  puts("  epc ");
  puthex(g_epc);
  puts(" want ");
  puthex(expect_epc);
  puts(label);
  puthex(value);
  putc('\n');
}

static void expect(const char *name, u32 (*fn)(void), u32 code, u32 badvaddr, int check_bva) {
  u32 before = g_count;
  g_cause = g_epc = g_badvaddr = 0xdeadbeef;
  fn();
  int ok = g_count == before + 1 && CAUSE_EXC(g_cause) == code && !(g_cause & CAUSE_BD) &&
           g_epc == expect_epc && (g_status & ST_EXL) && (!check_bva || g_badvaddr == badvaddr);
  check(name, ok, g_count != before + 1 ? 0xee000000u | (g_count - before) : g_cause);
  if (!ok) explain(" badvaddr ", g_badvaddr);
}

static void expect_bd(const char *name, u32 (*fn)(void), u32 code, u32 result) {
  u32 before = g_count;
  u32 v = fn();
  int ok = g_count == before + 1 && CAUSE_EXC(g_cause) == code && (g_cause & CAUSE_BD) &&
           g_epc == expect_epc && v == result;
  check(name, ok, g_count != before + 1 ? 0xee000000u | (g_count - before) : g_cause);
  if (!ok) explain(" v0 ", v);
}

int main(void) {
  puts("exceptions\n");
  check("ebase", mfc0(15, 1) == EBASE, mfc0(15, 1));
  u32 st = mfc0(C0_STATUS, 0);
  check("status after init", (st & (ST_BEV | ST_ERL | ST_EXL | ST_KSU_MASK | ST_IE)) == 0, st);

  u32 b = (u32)ubuf;
  expect("syscall", t_syscall, EXC_SYS, 0, 0);
  expect("break", t_break, EXC_BP, 0, 0);
  expect("lw unaligned adel", t_lw_unaligned, EXC_ADEL, b + 1, 1);
  check("lw unaligned keeps rt", t_lw_unaligned() == 0x1234, 0);
  expect("lh unaligned adel", t_lh_unaligned, EXC_ADEL, b + 3, 1);
  ubuf[0] = ubuf[1] = 0;
  expect("sw unaligned ades", t_sw_unaligned, EXC_ADES, b + 2, 1);
  expect("sh unaligned ades", t_sh_unaligned, EXC_ADES, b + 5, 1);
  check("unaligned stores wrote nothing", ubuf[0] == 0 && ubuf[1] == 0, ubuf[0] | ubuf[1]);
  expect("add overflow", t_add_ov, EXC_OV, 0, 0);
  check("add overflow keeps rd", t_add_ov() == 0x1234, 0);
  expect("sub overflow", t_sub_ov, EXC_OV, 0, 0);
  expect("addi overflow", t_addi_ov, EXC_OV, 0, 0);
  check("addi overflow keeps rt", t_addi_ov() == 0x1234, 0);
  expect("teq trap", t_teq, EXC_TR, 0, 0);
  expect("tgei trap", t_tgei, EXC_TR, 0, 0);
  {
    u32 before = g_count;
    g_resume = 0;
    u32 v = t_tne_not_taken();
    check("tne not taken", g_count == before && v == 0x77, g_count - before);
  }
  expect("reserved instruction", t_ri, EXC_RI, 0, 0);
  expect("reserved special", t_ri2, EXC_RI, 0, 0);
  expect_bd("syscall in beq delay slot", t_bd_beq, EXC_SYS, 0x600d);
  expect_bd("break in bne delay slot", t_bd_bne, EXC_BP, 0x600d);
  expect_bd("adel in jr delay slot", t_bd_jr, EXC_ADEL, 0x600d);
  check("badvaddr of delay slot load", g_badvaddr == 0x101, g_badvaddr);
  expect_bd("teq in jal delay slot", t_bd_jal, EXC_TR, 0);

  /* coprocessor 1 unusable while Status.CU1 = 0: CpU with Cause.CE = 1 */
  expect("mfc1 with cu1 clear", t_mfc1_cu1_off, EXC_CPU, 0, 0);
  check("mfc1 cpu ce is 1", CAUSE_CE(g_cause) == 1, g_cause);
  check("mfc1 keeps rt", t_mfc1_cu1_off() == 0x1234, 0);
  expect("lwc1 with cu1 clear", t_lwc1_cu1_off, EXC_CPU, 0, 0);
  check("lwc1 cpu ce is 1", CAUSE_CE(g_cause) == 1, g_cause);
  {
    u32 before = g_count, v;
    mtc0(C0_STATUS, 0, 0x20000000u); /* CU1 */
    __asm__ volatile(".set push\n\t.set hardfloat\n\tli $t1, 0x5a5a1234\n\tmtc1 $t1, $f4\n\t"
                     "mfc1 %0, $f4\n\t.set pop" : "=r"(v) : : "t1");
    mtc0(C0_STATUS, 0, 0);
    check("mtc1/mfc1 with cu1 set", v == 0x5a5a1234 && g_count == before, v);
  }

  expect("jr to misaligned address", t_jr_misaligned, EXC_ADEL, 0, 0);
  check("misaligned fetch badvaddr = epc", g_badvaddr == expect_epc, g_badvaddr);

  ubuf[2] = 41;
  check("ll/sc succeeds", t_llsc_plain() == 1 && ubuf[2] == 42, ubuf[2]);
  expect("syscall between ll and sc", t_llsc_eret, EXC_SYS, 0, 0);
  ubuf[2] = 41;
  {
    u32 v = t_llsc_eret();
    check("eret makes sc fail", v == 0 && ubuf[2] == 41, v);
  }

  st = mfc0(C0_STATUS, 0);
  check("eret cleared exl", (st & (ST_EXL | ST_ERL)) == 0, st);
  puts("done\n");
  return 0;
}
