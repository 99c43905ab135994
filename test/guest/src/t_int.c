/* Integer / control-flow checks for mipsjit.
 * Usage: t_int <alu|shift|muldiv|i64|bits|setjmp|recurse|switch|fnptr|all>
 * All operands come through volatile variables so the compiler cannot fold
 * them away: the emulator must really execute the instructions.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int32_t vi[] = {0, 1, -1, 2, -2, 7, -7, 13, 100, -100, 12345,
                                -12345, 0x7fffffff, (int32_t)0x80000000,
                                0x55555555, (int32_t)0xaaaaaaaa, 0x12345678,
                                (int32_t)0xdeadbeef};
#define NVI ((int)(sizeof(vi) / sizeof(vi[0])))

static volatile int64_t vl[] = {0, 1, -1, 3, -3, 1000000007LL,
                                -1000000007LL, 0x100000000LL,
                                0x7fffffffffffffffLL, (int64_t)0x8000000000000000ULL,
                                0x123456789abcdef0LL, (int64_t)0xfedcba9876543210ULL,
                                4294967295LL, -4294967296LL, 99999999999LL};
#define NVL ((int)(sizeof(vl) / sizeof(vl[0])))

static uint32_t hsum;
static void mix(uint32_t v) { hsum = (hsum ^ v) * 16777619u + 0x9e3779b9u; }

static void t_alu(void) {
  printf("== alu\n");
  for (int i = 0; i < NVI; i++) {
    for (int j = 0; j < NVI; j += 3) {
      int32_t a = vi[i], b = vi[j];
      uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
      uint32_t add = ua + ub, sub = ua - ub;
      uint32_t an = ua & ub, orr = ua | ub, xo = ua ^ ub, no = ~(ua | ub);
      int slt = a < b, sltu = ua < ub;
      printf("%d,%d add=%08x sub=%08x and=%08x or=%08x xor=%08x nor=%08x slt=%d sltu=%d\n",
             a, b, add, sub, an, orr, xo, no, slt, sltu);
    }
  }
  /* immediates */
  for (int i = 0; i < NVI; i++) {
    int32_t a = vi[i];
    printf("imm %d: %d %d %08x %08x %08x %d %d\n", a, a + 100, a - 32768,
           (uint32_t)a & 0xffffu, (uint32_t)a | 0x8000u, (uint32_t)a ^ 0x1234u,
           a < -5, (uint32_t)a < 10u);
  }
  /* sign / zero extension of bytes and halves through memory */
  volatile uint8_t buf[8] = {0x80, 0x7f, 0xff, 0x01, 0x34, 0x12, 0xfe, 0xca};
  volatile int8_t *sb = (volatile int8_t *)buf;
  volatile int16_t *sh = (volatile int16_t *)buf;
  volatile uint16_t *uh = (volatile uint16_t *)buf;
  for (int i = 0; i < 8; i++) printf("lb[%d]=%d lbu=%u\n", i, sb[i], buf[i]);
  for (int i = 0; i < 4; i++) printf("lh[%d]=%d lhu=%u\n", i, sh[i], uh[i]);
  volatile uint32_t *w = (volatile uint32_t *)buf;
  printf("lw %08x %08x\n", w[0], w[1]);
  buf[1] = 0xaa;
  uh[3] = 0x5678;
  printf("after stores %08x %08x\n", w[0], w[1]);
  /* conditional moves / min max / abs */
  for (int i = 0; i < NVI; i++) {
    int32_t a = vi[i], b = vi[(i + 5) % NVI];
    int32_t mx = a > b ? a : b, mn = a < b ? a : b;
    int32_t ab = a < 0 ? -(uint32_t)a : a;
    printf("minmax %d %d -> %d %d abs=%d sel=%d\n", a, b, mn, mx, ab, a ? b : 42);
  }
}

static void t_shift(void) {
  printf("== shift\n");
  for (int i = 0; i < NVI; i++) {
    int32_t a = vi[i];
    uint32_t ua = (uint32_t)a;
    printf("%08x:", ua);
    for (volatile int s = 0; s < 32; s += 5)
      printf(" [%d %08x %08x %08x]", s, ua << s, ua >> s, (uint32_t)(a >> s));
    uint32_t r7 = (ua >> 7) | (ua << 25);
    uint32_t r13 = (ua << 13) | (ua >> 19);
    printf(" ror7=%08x rol13=%08x\n", r7, r13);
  }
  /* variable shift with amount > 31 masked explicitly */
  for (volatile int s = 0; s < 70; s += 11) {
    uint32_t x = 0x89abcdefu;
    printf("vs %d %08x %08x\n", s, x << (s & 31), x >> (s & 31));
  }
}

static void t_muldiv(void) {
  printf("== muldiv\n");
  for (int i = 0; i < NVI; i++) {
    for (int j = 0; j < NVI; j++) {
      int32_t a = vi[i], b = vi[j];
      uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
      int64_t sm = (int64_t)a * b;
      uint64_t um = (uint64_t)ua * ub;
      uint32_t lo = ua * ub;
      printf("%d*%d lo=%08x smul=%lld umul=%llu", a, b, lo, (long long)sm,
             (unsigned long long)um);
      if (b != 0) {
        /* avoid the INT_MIN/-1 UB in C but do it through unsigned/64-bit */
        if (!(a == INT_MIN && b == -1))
          printf(" sdiv=%d smod=%d", a / b, a % b);
        else
          printf(" sdiv(64)=%lld", (long long)((int64_t)a / b));
        printf(" udiv=%u umod=%u", ua / ub, ua % ub);
      }
      printf("\n");
    }
  }
  /* multiply-accumulate style */
  int64_t acc = 0;
  for (int i = 0; i < NVI; i++) acc += (int64_t)vi[i] * vi[(i * 7) % NVI];
  printf("madd acc=%lld\n", (long long)acc);
  uint64_t uacc = 0;
  for (int i = 0; i < NVI; i++) uacc -= (uint64_t)(uint32_t)vi[i] * (uint32_t)vi[(i * 3) % NVI];
  printf("msubu acc=%llu\n", (unsigned long long)uacc);
#ifdef __mips__
  /* raw MIPS instructions: div INT_MIN/-1 does not trap (LO=INT_MIN, HI=0) */
  {
    int32_t a = vi[13], b = vi[2];
    uint32_t lo, hi;
    __asm__ volatile("div $zero, %2, %3\n\tmflo %0\n\tmfhi %1"
                     : "=r"(lo), "=r"(hi) : "r"(a), "r"(b) : "hi", "lo");
    printf("asm div INT_MIN/-1 lo=%08x hi=%08x\n", lo, hi);
    a = vi[11]; b = vi[6];
    __asm__ volatile("div $zero, %2, %3\n\tmflo %0\n\tmfhi %1"
                     : "=r"(lo), "=r"(hi) : "r"(a), "r"(b) : "hi", "lo");
    printf("asm div -12345/-7 lo=%d hi=%d\n", (int)lo, (int)hi);
    uint32_t x = (uint32_t)vi[16], y = (uint32_t)vi[17];
    __asm__ volatile("mthi %4\n\tmtlo %5\n\tmadd %2, %3\n\tmflo %0\n\tmfhi %1"
                     : "=r"(lo), "=r"(hi) : "r"(x), "r"(y), "r"(0x11111111), "r"(0xffffffff)
                     : "hi", "lo");
    printf("asm madd %08x %08x\n", hi, lo);
    __asm__ volatile("mthi %4\n\tmtlo %5\n\tmaddu %2, %3\n\tmflo %0\n\tmfhi %1"
                     : "=r"(lo), "=r"(hi) : "r"(x), "r"(y), "r"(0x11111111), "r"(0xffffffff)
                     : "hi", "lo");
    printf("asm maddu %08x %08x\n", hi, lo);
    __asm__ volatile("mthi %4\n\tmtlo %5\n\tmsub %2, %3\n\tmflo %0\n\tmfhi %1"
                     : "=r"(lo), "=r"(hi) : "r"(x), "r"(y), "r"(0), "r"(5) : "hi", "lo");
    printf("asm msub %08x %08x\n", hi, lo);
    __asm__ volatile("mthi %4\n\tmtlo %5\n\tmsubu %2, %3\n\tmflo %0\n\tmfhi %1"
                     : "=r"(lo), "=r"(hi) : "r"(x), "r"(y), "r"(0), "r"(5) : "hi", "lo");
    printf("asm msubu %08x %08x\n", hi, lo);
    for (int i = 0; i < NVI; i++) {
      uint32_t v = (uint32_t)vi[i], c1, c0;
      __asm__("clo %0, %2\n\tclz %1, %2" : "=r"(c1), "=r"(c0) : "r"(v));
      printf("asm clo/clz %08x %u %u\n", v, c1, c0);
    }
  }
#endif
  /* division by constants (compiler uses mult-high tricks) */
  for (int i = 0; i < NVI; i++) {
    int32_t a = vi[i];
    printf("divc %d: /3=%d /10=%d %%7=%d u/10=%u u%%1000=%u\n", a, a / 3, a / 10, a % 7,
           (uint32_t)a / 10u, (uint32_t)a % 1000u);
  }
}

static void t_i64(void) {
  printf("== i64\n");
  for (int i = 0; i < NVL; i++) {
    for (int j = 0; j < NVL; j += 2) {
      int64_t a = vl[i], b = vl[j];
      uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
      printf("%lld,%lld add=%016llx sub=%016llx mul=%016llx lt=%d ltu=%d", (long long)a,
             (long long)b, (unsigned long long)(ua + ub), (unsigned long long)(ua - ub),
             (unsigned long long)(ua * ub), a < b, ua < ub);
      if (b != 0) {
        if (!(a == INT64_MIN && b == -1))
          printf(" div=%lld mod=%lld", (long long)(a / b), (long long)(a % b));
        printf(" udiv=%llu umod=%llu", (unsigned long long)(ua / ub),
               (unsigned long long)(ua % ub));
      }
      printf("\n");
    }
  }
  for (int i = 0; i < NVL; i++) {
    uint64_t u = (uint64_t)vl[i];
    int64_t s = vl[i];
    printf("sh64 %016llx:", (unsigned long long)u);
    for (volatile int k = 0; k < 64; k += 9)
      printf(" %d:%016llx/%016llx/%016llx", k, (unsigned long long)(u << k),
             (unsigned long long)(u >> k), (unsigned long long)(s >> k));
    printf("\n");
  }
  /* conversions */
  for (int i = 0; i < NVI; i++) {
    int32_t a = vi[i];
    int64_t sx = a;
    uint64_t zx = (uint32_t)a;
    printf("ext %d -> %lld %llu trunc=%d\n", a, (long long)sx, (unsigned long long)zx,
           (int32_t)(uint32_t)(vl[i % NVL]));
  }
  /* factorial & fibonacci in 64-bit */
  uint64_t f = 1;
  for (int i = 1; i <= 20; i++) f *= i;
  uint64_t a = 0, b = 1;
  for (int i = 0; i < 90; i++) {
    uint64_t t = a + b;
    a = b;
    b = t;
  }
  printf("20!=%llu fib90=%llu\n", (unsigned long long)f, (unsigned long long)a);
}

struct bf {
  unsigned a : 3;
  unsigned b : 7;
  signed c : 5;
  unsigned d : 12;
  unsigned e : 5;
};

static void t_bits(void) {
  printf("== bits\n");
  for (int i = 0; i < NVI; i++) {
    uint32_t x = (uint32_t)vi[i];
    printf("%08x clz=%d ctz=%d pop=%d bswap=%08x bswap16=%04x parity=%d\n", x,
           x ? __builtin_clz(x) : 32, x ? __builtin_ctz(x) : 32, __builtin_popcount(x),
           __builtin_bswap32(x), __builtin_bswap16((uint16_t)x), __builtin_parity(x));
    /* sign-extension of byte/half (seb/seh) and ext/ins style ops */
    printf("   seb=%d seh=%d ext(5,9)=%u\n", (int8_t)x, (int16_t)x, (x >> 5) & 0x1ffu);
    uint32_t ins = (x & ~(0xffu << 12)) | ((0xa5u) << 12);
    printf("   ins=%08x wsbh=%08x\n", ins, ((x & 0x00ff00ffu) << 8) | ((x & 0xff00ff00u) >> 8));
  }
  for (int i = 0; i < NVL; i++) {
    uint64_t x = (uint64_t)vl[i];
    printf("64 %016llx clzll=%d ctzll=%d popll=%d bswap64=%016llx\n", (unsigned long long)x,
           x ? __builtin_clzll(x) : 64, x ? __builtin_ctzll(x) : 64, __builtin_popcountll(x),
           (unsigned long long)__builtin_bswap64(x));
  }
  volatile struct bf s;
  memset((void *)&s, 0, sizeof s);
  for (int i = 0; i < NVI; i++) {
    uint32_t x = (uint32_t)vi[i];
    s.a = x;
    s.b = x >> 3;
    s.c = (int)(x >> 10);
    s.d = x >> 15;
    s.e = x >> 27;
    uint32_t raw;
    memcpy(&raw, (const void *)&s, 4);
    printf("bf %08x -> a=%u b=%u c=%d d=%u e=%u raw=%08x\n", x, s.a, s.b, s.c, s.d, s.e, raw);
    s.c = s.c + 3;
    s.b = s.b ^ 0x55;
    memcpy(&raw, (const void *)&s, 4);
    printf("   upd c=%d b=%u raw=%08x\n", s.c, s.b, raw);
  }
}

static jmp_buf jb;
static volatile int depth;
static void deep(int n) {
  volatile char pad[64];
  pad[0] = (char)n;
  depth = n + pad[0] - n;
  if (n >= 25) longjmp(jb, n * 3);
  if (n < 1000) deep(n + 1);
}

static void t_setjmp(void) {
  printf("== setjmp\n");
  volatile int count = 0;
  int r = setjmp(jb);
  printf("setjmp returned %d count=%d\n", r, count);
  if (count < 3) {
    count++;
    if (count == 3)
      deep(0);
    else
      longjmp(jb, count == 2 ? 0 : 7); /* longjmp(…,0) must return 1 */
  }
  printf("final depth=%d count=%d\n", depth, count);
}

static int ackermann(int m, int n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}
static long long fibr(int n) { return n < 2 ? n : fibr(n - 1) + fibr(n - 2); }
static int hanoi_moves;
static void hanoi(int n, int a, int b, int c) {
  if (!n) return;
  hanoi(n - 1, a, c, b);
  hanoi_moves++;
  hanoi(n - 1, c, b, a);
}
static int is_even(unsigned n);
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }

static void t_recurse(void) {
  printf("== recurse\n");
  printf("ack(2,3)=%d ack(3,3)=%d\n", ackermann(2, 3), ackermann(3, 3));
  printf("fib(24)=%lld\n", fibr(24));
  hanoi(12, 1, 2, 3);
  printf("hanoi(12)=%d\n", hanoi_moves);
  printf("even(1001)=%d odd(777)=%d\n", is_even(1001), is_odd(777));
}

static const char *sw(int x) {
  switch (x) {
  case 0: return "zero";
  case 1: return "one";
  case 2: return "two";
  case 3: return "three";
  case 4: return "four";
  case 5: return "five";
  case 6: return "six";
  case 7: return "seven";
  case 8: return "eight";
  case 9: return "nine";
  case 10: return "ten";
  case 11: return "eleven";
  case 100: return "hundred";
  case -1: return "minus-one";
  default: return "other";
  }
}

static int sw2(unsigned char c) {
  int r = 0;
  switch (c) {
  case 'a': r += 1; /* fallthrough */
  case 'b': r += 2; break;
  case 'c': r = 30; break;
  case 'd': case 'e': case 'f': r = 40; break;
  case 'g': r = 50; /* fallthrough */
  case 'h': r += 5; break;
  case 'i': r = 60; break;
  case 'j': r = 70; break;
  case 'k': r = 80; break;
  default: r = -1;
  }
  return r;
}

static void t_switch(void) {
  printf("== switch\n");
  for (volatile int i = -2; i <= 13; i++) printf("sw(%d)=%s\n", i, sw(i));
  printf("sw(100)=%s\n", sw(vi[8]));
  for (volatile char c = '`'; c <= 'l'; c++) printf("sw2(%c)=%d\n", c, sw2(c));
}

typedef int (*binop)(int, int);
static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_xor(int a, int b) { return a ^ b; }
static int op_max(int a, int b) { return a > b ? a : b; }
static binop ops[] = {op_add, op_sub, op_mul, op_xor, op_max};
static const char *opn[] = {"add", "sub", "mul", "xor", "max"};

static int apply_n(binop f, int n, int seed) {
  int r = seed;
  for (int i = 1; i <= n; i++) r = f(r, i);
  return r;
}

struct vt {
  const char *name;
  int (*area)(int, int);
};
static int rect(int w, int h) { return w * h; }
static int tri(int w, int h) { return w * h / 2; }

static void t_fnptr(void) {
  printf("== fnptr\n");
  for (volatile int k = 0; k < 5; k++)
    printf("%s: %d %d\n", opn[k], ops[k](vi[10], vi[7]), apply_n(ops[k], 10, vi[5]));
  struct vt shapes[] = {{"rect", rect}, {"tri", tri}};
  for (int i = 0; i < 2; i++) printf("%s area=%d\n", shapes[i].name, shapes[i].area(7, 9));
  volatile binop p = op_mul;
  printf("via volatile ptr %d\n", p(6, 7));
}

static void t_checksum(void) {
  /* cheap summary line across many operations */
  hsum = 2166136261u;
  for (int i = 0; i < NVI; i++)
    for (int j = 0; j < NVI; j++) {
      uint32_t a = (uint32_t)vi[i], b = (uint32_t)vi[j];
      mix(a + b);
      mix(a * b);
      mix(a >> (b & 31));
      mix((uint32_t)((int32_t)a >> (b & 31)));
      if (b) mix(a / b), mix(a % b);
    }
  printf("== checksum %08x\n", hsum);
}

struct cmd {
  const char *name;
  void (*fn)(void);
};
static const struct cmd cmds[] = {
    {"alu", t_alu},         {"shift", t_shift},   {"muldiv", t_muldiv},
    {"i64", t_i64},         {"bits", t_bits},     {"setjmp", t_setjmp},
    {"recurse", t_recurse}, {"switch", t_switch}, {"fnptr", t_fnptr},
    {"checksum", t_checksum},
};

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: t_int <test|all>\n");
    return 2;
  }
  int all = strcmp(argv[1], "all") == 0, found = 0;
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    if (all || strcmp(argv[1], cmds[i].name) == 0) {
      cmds[i].fn();
      found = 1;
    }
  if (!found) {
    fprintf(stderr, "unknown test %s\n", argv[1]);
    return 2;
  }
  return 0;
}
