/*
 * The FPU with 64-bit registers (Status.FR=1), as Linux and qemu-mipsel start a program built with
 * -mfp64 (or FPXX) on a CPU whose FIR has F64: the .L formats, doubles in odd registers,
 * MFHC1/MTHC1, prctl(PR_GET_FP_MODE/PR_SET_FP_MODE) and what each mode sees after a switch, and
 * the 64-bit FPRs in a signal handler's sigcontext. Built with -mfp64 (see build.sh).
 *
 * Usage: t_fp64 mode|long|odd|switch|signal
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <ucontext.h>
#include <unistd.h>

#define PR_SET_FP_MODE_ 45
#define PR_GET_FP_MODE_ 46

static unsigned long long bits_of(double d) {
  unsigned long long u;
  memcpy(&u, &d, sizeof u);
  return u;
}

static unsigned fcsr_read(void) {
  unsigned v;
  __asm__ volatile("cfc1 %0, $31" : "=r"(v));
  return v;
}

static void fcsr_write(unsigned v) { __asm__ volatile("ctc1 %0, $31" ::"r"(v)); }

static void mode(void) { printf("fp mode %d\n", prctl(PR_GET_FP_MODE_, 0, 0, 0, 0)); }

/* CVT/ROUND/TRUNC/CEIL/FLOOR.L.D and .L.S, CVT.D.L and CVT.S.L, with the FCSR flags each leaves. */
static void long_formats(void) {
  static const double values[] = {0.0, -0.0, 1.5, -1.5, 2.5, -2.5, 1e15 + 0.75, -9.2233720368547748e18,
                                  9.2233720368547758e18, 1e300, -1e300, 4503599627370497.0, 1.0 / 3.0};
  for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++) {
    double d = values[i];
    float s = (float)d;
    long long r[6];
    unsigned flags[6];
    double out;
    fcsr_write(0);
    __asm__ volatile("cvt.l.d %0, %1\n\tmfc1 $8, %0\n\tmfhc1 $9, %0\n\tsw $8, 0(%2)\n\tsw $9, 4(%2)" : "=&f"(out) : "f"(d), "r"(&r[0]) : "$8", "$9", "memory");
    flags[0] = fcsr_read();
#define TO_LONG_MEM(index, op, input)                                                                                                   \
  fcsr_write(0);                                                                                                                       \
  __asm__ volatile(op " %0, %1\n\tmfc1 $8, %0\n\tmfhc1 $9, %0\n\tsw $8, 0(%2)\n\tsw $9, 4(%2)" : "=&f"(out) : "f"(input), "r"(&r[index]) \
                   : "$8", "$9", "memory");                                                                                            \
  flags[index] = fcsr_read();
    TO_LONG_MEM(1, "round.l.d", d)
    TO_LONG_MEM(2, "trunc.l.d", d)
    TO_LONG_MEM(3, "ceil.l.d", d)
    TO_LONG_MEM(4, "floor.l.d", d)
    TO_LONG_MEM(5, "cvt.l.s", s)
    printf("%-24.17g", d);
    for (int k = 0; k < 6; k++) printf(" %llx/%02x", (unsigned long long)r[k], (flags[k] >> 2) & 0x1f);
    printf("\n");
  }
  static const long long longs[] = {0, 1, -1, 123456789012345LL, -(1LL << 62), (1LL << 53) + 1, 0x7fffffffffffffffLL, (long long)0x8000000000000000ULL};
  for (unsigned i = 0; i < sizeof longs / sizeof longs[0]; i++) {
    double d;
    float s;
    fcsr_write(0);
    __asm__ volatile("mtc1 %1, %0\n\tmthc1 %2, %0\n\tcvt.d.l %0, %0" : "=&f"(d) : "r"((unsigned)longs[i]), "r"((unsigned)(longs[i] >> 32)));
    unsigned fd = fcsr_read();
    fcsr_write(0);
    __asm__ volatile("mtc1 %1, %0\n\tmthc1 %2, %0\n\tcvt.s.l %0, %0" : "=&f"(s) : "r"((unsigned)longs[i]), "r"((unsigned)(longs[i] >> 32)));
    unsigned fs = fcsr_read();
    printf("%lld -> %.17g/%02x %.9g/%02x\n", longs[i], d, (fd >> 2) & 0x1f, (double)s, (fs >> 2) & 0x1f);
  }
  /* What C makes of the conversions with -mfp64 (the compiler emits the .L instructions itself). */
  volatile double big = 1234567890123.75;
  volatile long long back = (long long)big;
  volatile long long many = -987654321098765LL;
  printf("c: %lld %.17g\n", back, (double)many);
}

/* Doubles in odd registers, MOV/NEG/ABS.D on them, MFHC1/MTHC1 on even and odd registers. */
static void odd_registers(void) {
  unsigned lo, hi, lo3, hi3;
  double sum;
  __asm__ volatile(
      "li $8, 0x40091eb8\n\t" /* 3.14 high */
      "li $9, 0x51eb851f\n\t" /* 3.14 low */
      "mtc1 $9, $f1\n\tmthc1 $8, $f1\n\t"
      "li $8, 0x40000000\n\tmtc1 $0, $f3\n\tmthc1 $8, $f3\n\t" /* 2.0 */
      "add.d $f5, $f1, $f3\n\t"
      "mul.d $f7, $f5, $f3\n\t"
      "neg.d $f9, $f7\n\t"
      "abs.d $f11, $f9\n\t"
      "sub.d $f13, $f11, $f1\n\t"
      "div.d $f15, $f13, $f3\n\t"
      "sqrt.d $f17, $f15\n\t"
      "mov.d %4, $f17\n\t"
      "mfc1 %0, $f17\n\tmfhc1 %1, $f17\n\t"
      "mfc1 %2, $f3\n\tmfhc1 %3, $f3\n\t"
      : "=r"(lo), "=r"(hi), "=r"(lo3), "=r"(hi3), "=f"(sum)
      :
      : "$8", "$9", "$f1", "$f3", "$f5", "$f7", "$f9", "$f11", "$f13", "$f15", "$f17");
  printf("f17 = %08x %08x (%.17g), f3 = %08x %08x\n", hi, lo, sum, hi3, lo3);
  /* A single in an odd register leaves its high half as it was (QEMU keeps it). */
  unsigned after_hi;
  __asm__ volatile("li $8, 0x12345678\n\tmthc1 $8, $f21\n\tli $8, 0x3f800000\n\tmtc1 $8, $f21\n\tadd.s $f21, $f21, $f21\n\tmfhc1 %0, $f21" : "=r"(after_hi)::"$8", "$f21");
  printf("f21 high after add.s = %08x\n", after_hi);
  /* LDC1/SDC1 of an odd register. */
  double in = 6.02214076e23, out = 0;
  __asm__ volatile("ldc1 $f19, 0(%0)\n\tsdc1 $f19, 0(%1)" ::"r"(&in), "r"(&out) : "$f19", "memory");
  printf("ldc1/sdc1 $f19: %.9g\n", out);
}

/* prctl(PR_SET_FP_MODE) both ways, with what each mode then sees of the registers. */
static void switch_modes(void) {
  unsigned before_mode = prctl(PR_GET_FP_MODE_, 0, 0, 0, 0);
  unsigned f2lo, f2hi, f3lo, mode_after, result;
  __asm__ volatile(
      "li $8, 0x11111111\n\tmtc1 $8, $f2\n\tli $8, 0x22222222\n\tmthc1 $8, $f2\n\t"
      "li $8, 0x33333333\n\tmtc1 $8, $f3\n\tli $8, 0x44444444\n\tmthc1 $8, $f3\n\t"
      "li $2, 4192\n\tli $4, 45\n\tli $5, 0\n\tsyscall\n\t" /* prctl(PR_SET_FP_MODE, 0) */
      "move %4, $2\n\t"
      "mfc1 %0, $f2\n\tmfhc1 %1, $f2\n\tmfc1 %2, $f3\n\t"
      : "=r"(f2lo), "=r"(f2hi), "=r"(f3lo), "=r"(mode_after), "=r"(result)
      :
      : "$2", "$4", "$5", "$6", "$7", "$8", "$f2", "$f3", "memory");
  (void)mode_after;
  printf("FR=%u -> FR=0 (%d): f2 %08x, mfhc1 f2 %08x, f3 %08x, mode %d\n", before_mode, (int)result, f2lo, f2hi, f3lo, prctl(PR_GET_FP_MODE_, 0, 0, 0, 0));
  double pair;
  __asm__ volatile("mov.d %0, $f2" : "=f"(pair));
  printf("FR=0 pair f2/f3 = %016llx\n", bits_of(pair));
  unsigned g2lo, g2hi, g3lo, g3hi;
  __asm__ volatile(
      "li $8, 0x55555555\n\tmtc1 $8, $f2\n\tli $8, 0x66666666\n\tmtc1 $8, $f3\n\t"
      "li $2, 4192\n\tli $4, 45\n\tli $5, 1\n\tsyscall\n\t" /* prctl(PR_SET_FP_MODE, PR_FP_MODE_FR) */
      "move %4, $2\n\t"
      "mfc1 %0, $f2\n\tmfhc1 %1, $f2\n\tmfc1 %2, $f3\n\tmfhc1 %3, $f3\n\t"
      : "=r"(g2lo), "=r"(g2hi), "=r"(g3lo), "=r"(g3hi), "=r"(result)
      :
      : "$2", "$4", "$5", "$6", "$7", "$8", "$f2", "$f3", "memory");
  printf("FR=0 -> FR=1 (%d): f2 %08x %08x, f3 low %08x, mode %d\n", (int)result, g2hi, g2lo, g3lo, prctl(PR_GET_FP_MODE_, 0, 0, 0, 0));
  (void)g3hi;
  printf("unknown bits: %d, FRE: %d\n", prctl(PR_SET_FP_MODE_, 4, 0, 0, 0) == -1, prctl(PR_SET_FP_MODE_, 3, 0, 0, 0) == -1);
}

static volatile unsigned long long seen_f1, seen_f2;

static void on_usr1(int signal, siginfo_t *info, void *context) {
  (void)signal;
  (void)info;
  ucontext_t *uc = context;
  unsigned long long f1, f2;
  memcpy(&f1, &uc->uc_mcontext.fpregs.fp_r.fp_dregs[1], 8);
  memcpy(&f2, &uc->uc_mcontext.fpregs.fp_r.fp_dregs[2], 8);
  seen_f1 = f1;
  seen_f2 = f2;
  /* sigreturn restores $f1 from here. */
  const unsigned long long fortytwo = 0x4045000000000000ULL; /* 42.0 */
  memcpy(&uc->uc_mcontext.fpregs.fp_r.fp_dregs[1], &fortytwo, 8);
}

/* The 64-bit FPRs in the sigcontext a handler sees, and restored from it by rt_sigreturn. */
static void signal_frame(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = on_usr1;
  action.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &action, 0);
  unsigned lo, hi;
  __asm__ volatile(
      "li $8, 0x3ff80000\n\tmtc1 $0, $f1\n\tmthc1 $8, $f1\n\t" /* 1.5 */
      "li $8, 0xc0000000\n\tmtc1 $0, $f2\n\tmthc1 $8, $f2\n\t" /* -2.0 */
      "li $2, 4020\n\tsyscall\n\t"                             /* getpid */
      "move $4, $2\n\tli $5, 16\n\tli $2, 4037\n\tsyscall\n\t" /* kill(pid, SIGUSR1) */
      "mfc1 %0, $f1\n\tmfhc1 %1, $f1\n\t"
      : "=r"(lo), "=r"(hi)
      :
      : "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$f1", "$f2", "memory");
  printf("handler saw f1 %016llx f2 %016llx; after sigreturn f1 %08x %08x\n", seen_f1, seen_f2, hi, lo);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  if (!strcmp(argv[1], "mode")) mode();
  else if (!strcmp(argv[1], "long")) long_formats();
  else if (!strcmp(argv[1], "odd")) odd_registers();
  else if (!strcmp(argv[1], "switch")) switch_modes();
  else if (!strcmp(argv[1], "signal")) signal_frame();
  else return 2;
  return 0;
}
