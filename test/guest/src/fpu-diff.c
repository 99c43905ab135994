/* fpu-diff: differential test of every COP1 instruction for mipsjit.
 *
 * Each case is one instruction word run in a generated code stub over a grid of operands, FCSR
 * values (rounding modes, FS, enables) and condition codes. Per case one line:
 *
 *   <word> <fcsr_in> <t1> <t2> <t3> [fN=<bits> ...] : <outcome>
 *
 * Inputs: all 32 FPRs start as 0x12340000+N, then the listed fN are set; GPRs $t1 $t2 $t3 hold
 * the three values; $t4 starts at 0; FCSR is set to fcsr_in. Outcome is either
 *   fcsr=<x> t3=<x> t4=<x> [fN=<bits> ...]   (FPRs that differ from their input value)
 * or SIGFPE fcsr=<x> or SIGILL. After the instruction the stub runs `addiu t4,t4,1`,
 * `addiu t4,t4,2`, `addiu t4,t4,4`, so a branch with offset 2 shows taken/not taken/nullified
 * in t4 (5/7/6). mipsjit's test/unit/fpu.test.ts replays every line through the interpreter.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

struct state {
  uint32_t fpr[32];   /* 0 */
  uint32_t fcsr;      /* 128 */
  uint32_t t1, t2, t3; /* 132 136 140 */
  uint32_t t4;        /* 144 */
  uint32_t pad[3];
  uint32_t saved[12]; /* 160: $f20..$f31 of the caller */
};

static uint32_t *code;
static int insn_index;
static sigjmp_buf jump;
static volatile int signal_seen;
static volatile uint32_t signal_fcsr;

static void on_signal(int sig, siginfo_t *info, void *context) {
  (void)info;
  (void)context;
  uint32_t fcsr;
  /* QEMU's user-mode signal frame does not carry FCSR; it is still live in the FPU here. */
  __asm__ volatile("cfc1 %0, $31\n\tctc1 $0, $31" : "=r"(fcsr));
  signal_seen = sig;
  signal_fcsr = fcsr;
  siglongjmp(jump, 1);
}

#define LWC1(ft, off) (0xc4800000u | ((ft) << 16) | (off))  /* lwc1 $ft, off($a0) */
#define SWC1(ft, off) (0xe4800000u | ((ft) << 16) | (off))
#define LW(rt, off) (0x8c800000u | ((rt) << 16) | (off))     /* lw rt, off($a0) */
#define SW(rt, off) (0xac800000u | ((rt) << 16) | (off))
#define CTC1(rt, fs) (0x44c00000u | ((rt) << 16) | ((fs) << 11))
#define CFC1(rt, fs) (0x44400000u | ((rt) << 16) | ((fs) << 11))
#define ADDIU(rt, rs, imm) (0x24000000u | ((rs) << 21) | ((rt) << 16) | ((imm) & 0xffff))
#define JR_RA 0x03e00008u
#define NOP 0u

static void build_stub(void) {
  code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) {
    perror("mmap");
    exit(1);
  }
  int n = 0;
  for (int i = 20; i < 32; i++) code[n++] = SWC1(i, 160 + 4 * (i - 20));
  for (int i = 0; i < 32; i++) code[n++] = LWC1(i, 4 * i);
  code[n++] = LW(8, 128);  /* t0 = fcsr */
  code[n++] = LW(9, 132);
  code[n++] = LW(10, 136);
  code[n++] = LW(11, 140);
  code[n++] = ADDIU(12, 0, 0);
  code[n++] = CTC1(8, 31);
  insn_index = n;
  code[n++] = NOP;
  code[n++] = ADDIU(12, 12, 1);
  code[n++] = ADDIU(12, 12, 2);
  code[n++] = ADDIU(12, 12, 4);
  code[n++] = CFC1(8, 31);
  code[n++] = CTC1(0, 31);
  code[n++] = SW(8, 128);
  code[n++] = SW(11, 140);
  code[n++] = SW(12, 144);
  for (int i = 0; i < 32; i++) code[n++] = SWC1(i, 4 * i);
  for (int i = 20; i < 32; i++) code[n++] = LWC1(i, 160 + 4 * (i - 20));
  code[n++] = JR_RA;
  code[n++] = NOP;
  __builtin___clear_cache((char *)code, (char *)(code + n));
}

/* ---- one case ---- */
static uint32_t in_fpr[32];
static int in_set[32];

static void set_f(int reg, uint32_t bits) {
  in_fpr[reg] = bits;
  in_set[reg] = 1;
}
static void set_d(int reg, uint64_t bits) {
  set_f(reg, (uint32_t)bits);
  set_f(reg + 1, (uint32_t)(bits >> 32));
}
static void clear_inputs(void) {
  for (int i = 0; i < 32; i++) {
    in_fpr[i] = 0x12340000u + i;
    in_set[i] = 0;
  }
}

static void run(uint32_t word, uint32_t fcsr, uint32_t t1, uint32_t t2, uint32_t t3) {
  static struct state st;
  memcpy(st.fpr, in_fpr, sizeof in_fpr);
  st.fcsr = fcsr;
  st.t1 = t1;
  st.t2 = t2;
  st.t3 = t3;
  st.t4 = 0;
  code[insn_index] = word;
  __builtin___clear_cache((char *)(code + insn_index), (char *)(code + insn_index + 1));
  printf("%08x %08x %08x %08x %08x", word, fcsr, t1, t2, t3);
  for (int i = 0; i < 32; i++)
    if (in_set[i]) printf(" f%d=%08x", i, in_fpr[i]);
  printf(" :");
  signal_seen = 0;
  if (sigsetjmp(jump, 1) == 0) {
    void (*fn)(struct state *) = (void (*)(struct state *))code;
    fn(&st);
    printf(" fcsr=%08x t3=%08x t4=%08x", st.fcsr, st.t3, st.t4);
    for (int i = 0; i < 32; i++)
      if (st.fpr[i] != in_fpr[i]) printf(" f%d=%08x", i, st.fpr[i]);
    printf("\n");
  } else if (signal_seen == SIGFPE) {
    printf(" SIGFPE fcsr=%08x\n", signal_fcsr);
  } else {
    printf(" SIG%s\n", signal_seen == SIGILL ? "ILL" : "OTHER");
  }
}

/* ---- encodings ---- */
enum { FMT_S = 16, FMT_D = 17, FMT_W = 20, FMT_L = 21 };
static uint32_t cop1(int fmt, int ft, int fs, int fd, int funct) {
  return 0x44000000u | (fmt << 21) | (ft << 16) | (fs << 11) | (fd << 6) | funct;
}
static uint32_t cop1x(int fr, int ft, int fs, int fd, int op, int fmt3) {
  return 0x4c000000u | (fr << 21) | (ft << 16) | (fs << 11) | (fd << 6) | (op << 3) | fmt3;
}

/* ---- operands ---- */
static const uint32_t S_ALL[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40200000, 0xc0200000,
    0x3eaaaaab, 0x40400000, 0x7f7fffff, 0xff7fffff, 0x00800000, 0x80800000, 0x00000001, 0x007fffff,
    0x7f800000, 0xff800000, 0x7fbfffff, 0x7f800001, 0x7fc00000, 0xffffffff, 0x4f000000, 0xcf000000,
    0x4effffff, 0x501502f9, 0x3dcccccd, 0x3f800001, 0x3f7fffff, 0x5f000000, 0xdf000001, 0x3fa00000,
    0xbfa00000, 0x4b800001, 0xcb7fffff, 0x00000003,
};
static const uint32_t S_BIN[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0xc0200000, 0x3eaaaaab, 0x3dcccccd,
    0x7f7fffff, 0x00800000, 0x00000003, 0x807fffff, 0x7f800000, 0xff800000, 0x7fbfffff, 0x7fc00000,
    0x3f800001, 0x3f7fffff, 0x1fffffff, 0x20000000,
};
static const uint64_t D_ALL[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull, 0xc004000000000000ull,
    0x3fd5555555555555ull, 0x4008000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
    0x0010000000000000ull, 0x8010000000000000ull, 0x0000000000000001ull, 0x000fffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff7ffffffffffffull, 0x7ff0000000000001ull,
    0x7ff8000000000000ull, 0xffffffffffffffffull, 0x41e0000000000000ull, 0xc1e0000000000000ull,
    0xc1e0000000200000ull, 0x41dfffffffffffffull, 0x4202a05f20000000ull, 0x3fb999999999999aull,
    0x3ff0000000000001ull, 0x3fefffffffffffffull, 0x43e0000000000000ull, 0xc3e0000000000000ull,
    0xc3e0000000000001ull, 0x3ff4000000000000ull, 0xbff4000000000000ull, 0x47efffffe0000000ull,
    0x47efffffefffffffull, 0x47effffff0000000ull, 0x36a0000000000000ull, 0x3690000000000001ull,
    0x380fffffe0000000ull, 0x4330000000000001ull, 0x0000000000000003ull, 0x36affffff0000000ull,
};
static const uint64_t D_BIN[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x3ff8000000000000ull, 0xc004000000000000ull, 0x3fd5555555555555ull, 0x3fb999999999999aull,
    0x7fefffffffffffffull, 0x0010000000000000ull, 0x0000000000000003ull, 0x800fffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff7ffffffffffffull, 0x7ff8000000000000ull,
    0x3ff0000000000001ull, 0x3fefffffffffffffull, 0x1fffffffffffffffull, 0x2000000000000000ull,
};
static const uint32_t W_ALL[] = {0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0x01000001, 0x00ffffff,
                                 0x7fffffc0, 0x7fffffbf, 0x89abcdef, 12345, 0x00fffffd};
static const uint64_t L_ALL[] = {0, 1, ~0ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
                                 0x0020000000000001ull, 0x001fffffffffffffull, 0x0000000001000001ull,
                                 0xfffffffffeffffffull, 0x7ffffffffffffdffull, 0x123456789abcdefull,
                                 0xfedcba9876543210ull};
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* FCSR settings for the rounding grid: RM 0..3, then FS=1 with RM 0. */
static const uint32_t MODES[] = {0, 1, 2, 3, 1u << 24};
#define ENABLE_ALL 0x00000f80u
#define FLAGS_PRESET 0x0000007cu /* flags only: preset cause bits would trap in the stub's ctc1 */

static void unary_s(int funct) {
  for (int m = 0; m < N(MODES); m++)
    for (int i = 0; i < N(S_ALL); i++) {
      clear_inputs();
      set_f(2, S_ALL[i]);
      run(cop1(FMT_S, 0, 2, 0, funct), MODES[m], 0, 0, 0);
    }
}
static void unary_d(int funct) {
  for (int m = 0; m < N(MODES); m++)
    for (int i = 0; i < N(D_ALL); i++) {
      clear_inputs();
      set_d(2, D_ALL[i]);
      run(cop1(FMT_D, 0, 2, 0, funct), MODES[m], 0, 0, 0);
    }
}
static void binary(int fmt, int funct, const uint32_t *modes, int nmodes) {
  for (int m = 0; m < nmodes; m++)
    for (int i = 0; i < (fmt == FMT_S ? N(S_BIN) : N(D_BIN)); i++)
      for (int j = 0; j < (fmt == FMT_S ? N(S_BIN) : N(D_BIN)); j++) {
        clear_inputs();
        if (fmt == FMT_S) {
          set_f(2, S_BIN[i]);
          set_f(4, S_BIN[j]);
        } else {
          set_d(2, D_BIN[i]);
          set_d(4, D_BIN[j]);
        }
        run(cop1(fmt, 4, 2, 0, funct), modes[m], 0, 0, 0);
      }
}

static void ternary(int fmt, int op) {
  static const uint32_t s3[] = {0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x7f7fffff, 0x00800000,
                                0x7f800000, 0x7fc00000};
  static const uint64_t d3[] = {0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
                                0xbff8000000000000ull, 0x7fefffffffffffffull, 0x0010000000000000ull,
                                0x7ff0000000000000ull, 0x7ff8000000000000ull};
  static const uint32_t modes[] = {0, 3};
  for (int m = 0; m < 2; m++)
    for (int i = 0; i < 8; i++)
      for (int j = 0; j < 8; j++)
        for (int k = 0; k < 8; k++) {
          clear_inputs();
          if (fmt == FMT_S) {
            set_f(2, s3[i]);
            set_f(4, s3[j]);
            set_f(6, s3[k]);
          } else {
            set_d(2, d3[i]);
            set_d(4, d3[j]);
            set_d(6, d3[k]);
          }
          run(cop1x(6, 4, 2, 0, op, fmt == FMT_S ? 0 : 1), modes[m], 0, 0, 0);
        }
}

static void compares(int fmt) {
  static const uint32_t sc[] = {0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x40000000,
                                0x7f800000, 0xff800000, 0x00000001, 0x7fbfffff, 0x7fc00000};
  static const uint64_t dc[] = {0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
                                0xbff0000000000000ull, 0x4000000000000000ull, 0x7ff0000000000000ull,
                                0xfff0000000000000ull, 0x0000000000000001ull, 0x7ff7ffffffffffffull,
                                0x7ff8000000000000ull};
  for (int cond = 0; cond < 16; cond++)
    for (int i = 0; i < 10; i++)
      for (int j = 0; j < 10; j++) {
        clear_inputs();
        if (fmt == FMT_S) {
          set_f(2, sc[i]);
          set_f(4, sc[j]);
        } else {
          set_d(2, dc[i]);
          set_d(4, dc[j]);
        }
        int cc = (i + j + cond) & 7;
        uint32_t fcsr = (cond & 1) ? 0xfe800000u : 0;
        if (i == 9 && j == 9) fcsr |= 0x00000040; /* V flag already set */
        run(cop1(fmt, 4, 2, cc << 2, 48 + cond), fcsr, 0, 0, 0);
      }
  /* With Invalid enabled: the signalling compares trap on any NaN. */
  for (int cond = 0; cond < 16; cond++)
    for (int i = 7; i < 10; i++) {
      clear_inputs();
      if (fmt == FMT_S) {
        set_f(2, sc[i]);
        set_f(4, sc[2]);
      } else {
        set_d(2, dc[i]);
        set_d(4, dc[2]);
      }
      run(cop1(fmt, 4, 2, 0, 48 + cond), 0x00000800u | 0x00800000u, 0, 0, 0);
    }
}

static void conversions(void) {
  /* From S: cvt.d.s cvt.w.s cvt.l.s round/trunc/ceil/floor .l/.w */
  static const int from_fp[] = {33, 36, 37, 8, 9, 10, 11, 12, 13, 14, 15};
  for (int k = 0; k < N(from_fp); k++) unary_s(from_fp[k]);
  static const int from_d[] = {32, 36, 37, 8, 9, 10, 11, 12, 13, 14, 15};
  for (int k = 0; k < N(from_d); k++) unary_d(from_d[k]);
  /* From W and L */
  for (int m = 0; m < N(MODES); m++) {
    for (int i = 0; i < N(W_ALL); i++)
      for (int f = 32; f <= 33; f++) {
        clear_inputs();
        set_f(2, W_ALL[i]);
        run(cop1(FMT_W, 0, 2, 0, f), MODES[m], 0, 0, 0);
      }
    for (int i = 0; i < N(L_ALL); i++)
      for (int f = 32; f <= 33; f++) {
        clear_inputs();
        set_d(2, L_ALL[i]);
        run(cop1(FMT_L, 0, 2, 0, f), MODES[m], 0, 0, 0);
      }
  }
}

static void moves(void) {
  static const uint32_t vals[] = {0x3f800000, 0x7fc00000, 0x80000001};
  /* mfc1 t3,$f3 / mtc1 t1,$f3 / mfhc1 t3,$f2 / mthc1 t1,$f2 / mfhc1 t3,$f3 / mthc1 t1,$f5 */
  for (int i = 0; i < 3; i++) {
    clear_inputs();
    set_f(2, vals[i]);
    set_f(3, vals[(i + 1) % 3]);
    run(0x44000000u | (11 << 16) | (3 << 11), 0, 0, 0, 0);
    run(0x44800000u | (9 << 16) | (3 << 11), 0, vals[i], 0, 0);
    run(0x44600000u | (11 << 16) | (2 << 11), 0, 0, 0, 0);
    run(0x44e00000u | (9 << 16) | (2 << 11), 0, vals[i], 0, 0);
    run(0x44600000u | (11 << 16) | (3 << 11), 0, 0, 0, 0);
    run(0x44e00000u | (9 << 16) | (5 << 11), 0, vals[i], 0, 0);
  }
  /* mov/abs/neg/movz/movn/movf/movt .s and .d, with FCSR cause/flags preset (untouched?) */
  static const uint32_t s[] = {0x3f800000, 0xbf800000, 0x7fbfffff, 0x7fc00000, 0xffc00000, 0x00000001};
  static const uint64_t d[] = {0x3ff0000000000000ull, 0xbff0000000000000ull, 0x7ff7ffffffffffffull,
                               0x7ff8000000000000ull, 0xfff8000000000000ull, 0x0000000000000001ull};
  for (int i = 0; i < 6; i++) {
    for (int fmt = FMT_S; fmt <= FMT_D; fmt++) {
      clear_inputs();
      if (fmt == FMT_S) set_f(2, s[i]);
      else set_d(2, d[i]);
      for (int funct = 5; funct <= 7; funct++) run(cop1(fmt, 0, 2, 0, funct), 0x0000007c | 0xf80, 0, 0, 0);
      for (uint32_t rt = 0; rt < 2; rt++) {
        run(cop1(fmt, 9, 2, 0, 18), 0, rt, 0, 0);
        run(cop1(fmt, 9, 2, 0, 19), 0, rt, 0, 0);
      }
      for (int cc = 0; cc < 8; cc++)
        for (int tf = 0; tf < 2; tf++) {
          uint32_t fcsr = (i & 1) ? 0xfe800000u : (cc == 0 ? 0x00800000u : (1u << (24 + cc)));
          run(cop1(fmt, (cc << 2) | tf, 2, 0, 17), fcsr, 0, 0, 0);
        }
    }
  }
  /* GPR movf/movt rd=t3, rs=t1 */
  for (int cc = 0; cc < 8; cc++)
    for (int tf = 0; tf < 2; tf++)
      for (int set = 0; set < 2; set++) {
        clear_inputs();
        uint32_t fcsr = set ? (cc == 0 ? 0x00800000u : (1u << (24 + cc))) : 0x01000000u;
        run((9u << 21) | (((cc << 2) | tf) << 16) | (11 << 11) | 1, fcsr, 0x1111, 0, 0x2222);
      }
  /* bc1f/bc1t/bc1fl/bc1tl, offset 2 */
  for (int cc = 0; cc < 8; cc++)
    for (int ndtf = 0; ndtf < 4; ndtf++)
      for (int set = 0; set < 2; set++) {
        clear_inputs();
        uint32_t fcsr = set ? (cc == 0 ? 0x00800000u : (1u << (24 + cc))) : (0xfe800000u & ~(cc == 0 ? 0x00800000u : (1u << (24 + cc))));
        run(0x45000000u | (((cc << 2) | ndtf) << 16) | 2, fcsr, 0, 0, 0);
      }
}

static void control(void) {
  static const uint32_t vals[] = {0, 0xffffffff, 0x00000003, 0x0000007c, 0x00000f80, 0x0003f000,
                                  0x01000000, 0xfe800000, 0x000000fe, 0x00000001, 0x00000100,
                                  0x00040000, 0x00000004, 0x00001004, 0x00020000, 0x00000ffc};
  static const int regs[] = {0, 1, 2, 5, 25, 26, 28, 31, 30};
  for (int r = 0; r < N(regs); r++)
    for (int v = 0; v < N(vals); v++) {
      clear_inputs();
      /* ctc1 t1, $r then the stub reads FCSR; also cfc1 t3, $r with FCSR = value (if settable) */
      run(CTC1(9, regs[r]), 0x00000000, vals[v], 0, 0);
      run(CTC1(9, regs[r]), 0x0083007f, vals[v], 0, 0);
      run(CFC1(11, regs[r]), vals[v] & 0xff83f07f & ~0x00020000u & ~0x0003f000u, 0, 0, 0);
    }
}

static void odd_registers(void) {
  /* .d operations with odd register numbers (FR=0 reserved instruction?) */
  static const int d_funct[] = {0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 8, 9, 32, 36, 37, 21, 22, 50};
  for (int k = 0; k < N(d_funct); k++) {
    clear_inputs();
    set_d(2, 0x3ff0000000000000ull);
    set_d(4, 0x4000000000000000ull);
    run(cop1(FMT_D, 4, 2, 1, d_funct[k]), 0, 0, 0, 0);
    run(cop1(FMT_D, 5, 2, 0, d_funct[k]), 0, 0, 0, 0);
    run(cop1(FMT_D, 4, 3, 0, d_funct[k]), 0, 0, 0, 0);
  }
  clear_inputs();
  set_f(2, 0x3f800000);
  run(cop1(FMT_S, 0, 2, 1, 33), 0, 0, 0, 0);       /* cvt.d.s $f1 */
  run(cop1(FMT_S, 0, 3, 0, 33), 0, 0, 0, 0);       /* cvt.d.s from $f3 */
  run(cop1(FMT_W, 0, 2, 1, 33), 0, 0, 0, 0);       /* cvt.d.w $f1 */
  run(cop1(FMT_D, 9, 2, 1, 18), 0, 0, 0, 0);       /* movz.d $f1 */
  run(cop1(FMT_D, 0, 2, 1, 17), 0, 0, 0, 0);       /* movf.d $f1 */
  run(cop1x(7, 4, 2, 0, 4, 1), 0, 0, 0, 0);        /* madd.d fr odd */
  run(cop1x(6, 4, 2, 1, 4, 1), 0, 0, 0, 0);        /* madd.d fd odd */
  run(cop1(FMT_S, 0, 3, 1, 0), 0, 0, 0, 0);        /* add.s odd: fine */
}

static void traps(void) {
  /* Enabled exceptions: add, mul, div, sqrt, cvt.w with all enables, flags preset */
  static const uint32_t modes[] = {ENABLE_ALL, ENABLE_ALL | FLAGS_PRESET, 0x00000100, 0x0001f07c};
  binary(FMT_S, 0, modes, 4);
  binary(FMT_D, 3, modes, 4);
  for (int i = 0; i < N(S_ALL); i++) {
    clear_inputs();
    set_f(2, S_ALL[i]);
    run(cop1(FMT_S, 0, 2, 0, 36), ENABLE_ALL, 0, 0, 0);
    run(cop1(FMT_S, 0, 2, 0, 4), 0x00000800u | FLAGS_PRESET, 0, 0, 0);
  }
}


/* ---- random operands: a fixed LCG, exponents biased toward the edges of the range ---- */
static uint64_t lcg = 0x853c49e6748fea9bull;
static uint32_t rnd32(void) {
  lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(lcg >> 32);
}
static uint32_t rnd_s(void) {
  uint32_t r = rnd32(), sign = r & 0x80000000u, frac = rnd32() & 0x7fffff;
  static const int exps[] = {0, 1, 2, 23, 24, 25, 64, 100, 126, 127, 128, 150, 200, 253, 254};
  int e = (r & 0x10) ? exps[(r >> 8) % 15] : (int)((r >> 8) % 255);
  if (r & 0x20) frac &= 0x7fff00; /* short fractions make exact and tie cases */
  if (r & 0x40) frac |= 0x7ff;
  return sign | ((uint32_t)e << 23) | frac;
}
static uint64_t rnd_d(void) {
  uint64_t r = rnd32(), sign = (r & 0x80000000u) ? 1ull << 63 : 0;
  uint64_t frac = (((uint64_t)rnd32() << 32) | rnd32()) & 0xfffffffffffffull;
  static const int exps[] = {0, 1, 2, 52, 53, 54, 500, 900, 1022, 1023, 1024, 1075, 1500, 2045, 2046};
  int e = (r & 0x10) ? exps[(r >> 8) % 15] : (int)((r >> 8) % 2047);
  if (r & 0x20) frac &= 0xfffffffff0000ull;
  if (r & 0x40) frac |= 0xfffffull;
  return sign | ((uint64_t)e << 52) | frac;
}
static void random_cases(int count) {
  static const int bin[] = {0, 1, 2, 3};
  static const int un[] = {4, 21, 22, 36, 12, 13, 14, 15};
  for (int n = 0; n < count; n++) {
    uint32_t mode = MODES[rnd32() % 5];
    for (int fmt = FMT_S; fmt <= FMT_D; fmt++) {
      clear_inputs();
      if (fmt == FMT_S) {
        uint32_t a = rnd_s(), b = rnd_s(), c = rnd_s();
        /* mostly keep b near a so that sums cancel and products land near the edges */
        if (rnd32() & 1) b = (b & 0x80000000u) | (a & 0x7f800000u) | (b & 0x7fffff);
        set_f(2, a);
        set_f(4, b);
        set_f(6, c);
      } else {
        uint64_t a = rnd_d(), b = rnd_d(), c = rnd_d();
        if (rnd32() & 1) b = (b & 0x800fffffffffffffull) | (a & 0x7ff0000000000000ull);
        set_d(2, a);
        set_d(4, b);
        set_d(6, c);
      }
      run(cop1(fmt, 4, 2, 0, bin[rnd32() % 4]), mode, 0, 0, 0);
      run(cop1(fmt, 0, 2, 0, un[rnd32() % 8]), mode, 0, 0, 0);
      run(cop1x(6, 4, 2, 0, 4 + rnd32() % 4, fmt == FMT_S ? 0 : 1), mode, 0, 0, 0);
      run(cop1(fmt, 0, 2, 0, fmt == FMT_S ? 33 : 32), mode, 0, 0, 0);
    }
    clear_inputs();
    set_f(2, rnd32() >> (rnd32() % 32));
    run(cop1(FMT_W, 0, 2, 0, 32 + rnd32() % 2), mode, 0, 0, 0);
  }
}

int main(int argc, char **argv) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGFPE, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  build_stub();
  /* qemu-mipsel starts an FPXX program with Status.FR = 1; mipsjit models FR = 0. */
  if (prctl(45 /* PR_SET_FP_MODE */, 0, 0, 0, 0) != 0 || prctl(46 /* PR_GET_FP_MODE */, 0, 0, 0, 0) != 0) {
    printf("cannot select FR=0\n");
    return 1;
  }
  const char *only = argc > 1 ? argv[1] : "all";
  int all = strcmp(only, "all") == 0;
  if (all || strcmp(only, "moves") == 0) moves();
  if (all || strcmp(only, "control") == 0) control();
  if (all || strcmp(only, "odd") == 0) odd_registers();
  if (all || strcmp(only, "arith") == 0) {
    for (int funct = 0; funct < 4; funct++) {
      binary(FMT_S, funct, MODES, N(MODES));
      binary(FMT_D, funct, MODES, N(MODES));
    }
    static const int un[] = {4, 21, 22};
    for (int k = 0; k < 3; k++) {
      unary_s(un[k]);
      unary_d(un[k]);
    }
  }
  if (all || strcmp(only, "ternary") == 0)
    for (int op = 4; op < 8; op++) {
      ternary(FMT_S, op);
      ternary(FMT_D, op);
    }
  if (all || strcmp(only, "cmp") == 0) {
    compares(FMT_S);
    compares(FMT_D);
  }
  if (all || strcmp(only, "conv") == 0) conversions();
  if (all || strcmp(only, "traps") == 0) traps();
  if (all || strcmp(only, "random") == 0) random_cases(4000);
  return 0;
}
