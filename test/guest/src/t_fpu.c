/* FPU checks for mipsjit.
 * Usage: t_fpu <arith|conv|cmp|special|math|fenv|flags|asm|all>
 * Values come through volatile variables so the FPU instructions really run.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile double vd[] = {0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, 3.0,
                               0.1, 1e-300, 1e300, 123456.789, -98765.4321,
                               3.141592653589793, 2.718281828459045, 1.0 / 3.0};
#define NVD ((int)(sizeof(vd) / sizeof(vd[0])))
static volatile float vf[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 1.5f, 2.5f, -2.5f,
                              3.0f, 0.1f, 1e-30f, 1e30f, 123456.789f, -98765.4321f,
                              3.14159265f, 16777217.0f, 1.0f / 3.0f};
#define NVF ((int)(sizeof(vf) / sizeof(vf[0])))

static uint64_t dbits(double d) {
  uint64_t u;
  memcpy(&u, &d, 8);
  return u;
}
static uint32_t fbits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

static void pd(const char *tag, double d) {
  printf("%s %.17g %a %016llx\n", tag, d, d, (unsigned long long)dbits(d));
}
static void pf(const char *tag, float f) {
  printf("%s %.9g %a %08x\n", tag, (double)f, (double)f, fbits(f));
}

static void t_arith(void) {
  printf("== arith\n");
  for (int i = 0; i < NVD; i++) {
    for (int j = 2; j < NVD; j += 3) {
      double a = vd[i], b = vd[j];
      printf("d %a %a: + %a - %a * %a / %a\n", a, b, a + b, a - b, a * b, a / b);
    }
  }
  for (int i = 0; i < NVF; i++) {
    for (int j = 2; j < NVF; j += 3) {
      float a = vf[i], b = vf[j];
      printf("f %a %a: + %a - %a * %a / %a\n", (double)a, (double)b, (double)(a + b),
             (double)(a - b), (double)(a * b), (double)(a / b));
    }
  }
  for (int i = 0; i < NVD; i++) {
    double a = vd[i];
    printf("sqrt/abs/neg %a: %a %a %a %a\n", a, sqrt(fabs(a)), fabs(a), -a,
           (double)sqrtf((float)fabs(a)));
  }
  /* multiply-add expressions; the compiler may contract to madd.d */
  double acc = 0.0;
  float facc = 0.0f;
  for (int i = 0; i < NVD; i++) {
    acc = acc * vd[4] + vd[i] * vd[(i + 3) % NVD];
    facc = facc * vf[4] - vf[i] * vf[(i + 5) % NVF];
  }
  pd("dot", acc);
  pf("fdot", facc);
  volatile double x = 1.0 + 0x1p-30, y = 1.0 - 0x1p-30, z = -1.0;
  pd("x*y+z", x * y + z);
  pd("fma(x,y,z)", fma(x, y, z));
  volatile float fx = 1.0f + 0x1p-13f, fy = 1.0f - 0x1p-13f, fz = -1.0f;
  pf("fx*fy+fz", fx * fy + fz);
  pf("fmaf", fmaf(fx, fy, fz));
  /* a series: sum 1/k^2 */
  double s = 0;
  for (volatile int k = 1; k <= 1000; k++) s += 1.0 / ((double)k * k);
  pd("basel1000", s);
  float sf = 0;
  for (volatile int k = 1; k <= 1000; k++) sf += 1.0f / ((float)k * k);
  pf("basel1000f", sf);
}

static void t_conv(void) {
  printf("== conv\n");
  static volatile double halves[] = {0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, -3.5, 2.4999,
                                     2.5000001, -7.9, 7.9, 1e9, -1e9, 4294967295.0,
                                     2147483647.5, -2147483648.0};
  for (int i = 0; i < (int)(sizeof halves / sizeof halves[0]); i++) {
    double h = halves[i];
    printf("%.10g: trunc(int)=%lld rint=%.17g round=%.17g floor=%g ceil=%g lrint=%ld "
           "lround=%ld llrint=%lld\n",
           h, (long long)h, rint(h), round(h), floor(h), ceil(h),
           (h > -2147483649.0 && h < 2147483648.0) ? lrint(h) : 0L,
           (h > -2147483649.0 && h < 2147483647.5) ? lround(h) : 0L, llrint(h));
  }
  static volatile int32_t ints[] = {0, 1, -1, 16777216, 16777217, 16777219, 2147483647,
                                    -2147483647 - 1, 123456789, -987654321};
  for (int i = 0; i < (int)(sizeof ints / sizeof ints[0]); i++) {
    int32_t v = ints[i];
    float f = (float)v;
    double d = (double)v;
    printf("int %d -> float %.9g (%08x) double %.17g uint->double %.17g\n", v, (double)f,
           fbits(f), d, (double)(uint32_t)v);
  }
  static volatile int64_t l64[] = {0, -1, 9007199254740993LL, -9007199254740993LL,
                                   0x7fffffffffffffffLL, 1234567890123456789LL};
  for (int i = 0; i < (int)(sizeof l64 / sizeof l64[0]); i++) {
    int64_t v = l64[i];
    printf("i64 %lld -> double %.17g float %.9g u64->double %.17g\n", (long long)v,
           (double)v, (double)(float)v, (double)(uint64_t)v);
  }
  for (int i = 0; i < NVD; i++) {
    double d = vd[i];
    float f = (float)d;
    double back = f;
    printf("d->f->d %a -> %a -> %a\n", d, (double)f, back);
  }
  static volatile double big[] = {1e10, -1e10, 3e9, 1e19, 1.8e19, -5.5};
  for (int i = 0; i < 6; i++) {
    double d = big[i];
    printf("to i64 %.17g -> %lld", d, d < 9.2e18 && d > -9.2e18 ? (long long)d : 0LL);
    if (d >= 0 && d < 1.8446744073709552e19) printf(" u64 %llu", (unsigned long long)d);
    if (d >= 0 && d < 4294967296.0) printf(" u32 %u", (uint32_t)d);
    printf("\n");
  }
  /* float -> int with float (not double) */
  for (int i = 0; i < NVF; i++) {
    float f = vf[i];
    printf("f2i %.9g -> %d rintf=%.9g roundf=%.9g\n", (double)f,
           (f < 2e9f && f > -2e9f) ? (int)f : 0, (double)rintf(f), (double)roundf(f));
  }
}

static void t_cmp(void) {
  printf("== cmp\n");
  volatile double nan = NAN, inf = INFINITY;
  volatile double vals[] = {0.0, -0.0, 1.0, -1.0, 0.0, 0.0};
  vals[4] = nan;
  vals[5] = inf;
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++) {
      double a = vals[i], b = vals[j];
      printf("%g ? %g: == %d != %d < %d <= %d > %d >= %d unord %d islt %d\n", a, b, a == b,
             a != b, a < b, a <= b, a > b, a >= b, isunordered(a, b), isless(a, b));
    }
  volatile float fn = NAN, f1 = 1.0f;
  printf("float nan: %d %d %d %d %d\n", fn == fn, fn != fn, fn < f1, fn > f1, f1 <= fn);
  printf("isnan %d %d isinf %d %d isfinite %d %d signbit %d %d\n", isnan(nan), isnan(vals[2]),
         isinf(inf), isinf(-inf), isfinite(vals[3]), isfinite(nan), signbit(vals[1]) != 0,
         signbit(vals[0]) != 0);
  printf("fmax %g fmin %g fmax(nan,1) %g\n", fmax(vals[2], vals[3]), fmin(vals[2], vals[3]),
         fmax(nan, vals[2]));
  printf("classify %d %d %d %d %d\n", fpclassify(nan) == FP_NAN, fpclassify(inf) == FP_INFINITE,
         fpclassify(vd[10] * 1e-10) == FP_SUBNORMAL, fpclassify(vd[0]) == FP_ZERO,
         fpclassify(vd[2]) == FP_NORMAL);
}

static void t_special(void) {
  printf("== special\n");
  volatile double big = 1e308, tiny = 1e-308, zero = 0.0, one = 1.0;
  pd("1e308*10", big * 10);
  pd("-1e308*10", -big * 10);
  pd("1/0", one / zero);
  pd("-1/0", -one / zero);
  pd("0/0", zero / zero);
  pd("inf-inf", (big * 10) - (big * 10));
  pd("inf*0", (big * 10) * zero);
  pd("sqrt(-1)", sqrt(-one));
  pd("tiny/1e10", tiny / 1e10);
  pd("denorm_min", tiny * 1e-16 * 1e-0);
  pd("DBL_TRUE_MIN", DBL_TRUE_MIN * one);
  pd("DBL_TRUE_MIN/2", DBL_TRUE_MIN * one / 2);
  pd("DBL_TRUE_MIN*1.5", DBL_TRUE_MIN * one * 1.5);
  pd("DBL_MIN-denorm", DBL_MIN * one - DBL_TRUE_MIN);
  pd("denorm*2^52", (tiny / 1e10) * 0x1p52);
  pd("DBL_MAX", DBL_MAX * one);
  pd("DBL_MAX+ulp", DBL_MAX * one + 0x1p970);
  pd("-0.0*1", -zero * one);
  pd("0*-1", zero * -one);
  pd("-0+0", -zero + zero);
  volatile float fbig = 3e38f, ftiny = 1e-38f, fzero = 0.0f;
  pf("3e38f*10", fbig * 10);
  pf("0f/0f", fzero / fzero);
  pf("1e-38f/1e6", ftiny / 1e6f);
  pf("FLT_TRUE_MIN", FLT_TRUE_MIN * (float)one);
  pf("sqrtf(-1)", sqrtf(-(float)one));
  pf("(float)1e308", (float)big);
  pf("(float)1e-308", (float)tiny);
  pd("(double)NANf", (double)(fzero / fzero));
  pf("(float)NaN", (float)(zero / zero));
  printf("%.17g %.17g %.3f %e %g %f\n", 0.1, 1.0 / 3.0, 2.0005, 12345.678e10, 1e-5, -0.0);
  printf("%a %a %a %a\n", 1.0, 0.1, -2.5e-310, 0x1.fffffffffffffp1023);
  printf("%.3a %A %La\n", 1.0 / 3.0, 255.5, (long double)0.75);
  printf("%f %g %e %F\n", big * 10, -big * 10, zero / zero, (double)INFINITY);
}

static void t_math(void) {
  printf("== math\n");
  static volatile double xs[] = {0.25, 0.5, 1.0, 2.0, 10.0, -0.75, 100.5};
  for (int i = 0; i < (int)(sizeof xs / sizeof xs[0]); i++) {
    double x = xs[i];
    printf("x=%g sin=%.15g cos=%.15g exp=%.15g log=%.15g pow=%.15g atan2=%.15g fmod=%.15g "
           "hypot=%.15g cbrt=%.15g\n",
           x, sin(x), cos(x), exp(x), x > 0 ? log(x) : 0.0, pow(x, 1.7), atan2(x, 3.0),
           fmod(x * 7.3, 1.1), hypot(x, 4.0), cbrt(x));
  }
  int e;
  double m = frexp(vd[12], &e);
  printf("frexp %.17g %d ldexp %.17g modf ", m, e, ldexp(m, e));
  double ip;
  double fp = modf(vd[13], &ip);
  printf("%.17g %.17g\n", fp, ip);
  printf("copysign %g %g nextafter %a %a\n", copysign(3.0, vd[1]), copysign(3.0, vd[0]),
         nextafter(vd[2], 2.0), nextafter(vd[2], 0.0));
  printf("sqrt2 %.17g sqrtf2 %.9g\n", sqrt(2.0 * vd[2]), (double)sqrtf(2.0f * vf[2]));
}

static const char *flagstr(int f) {
  static char buf[64];
  buf[0] = 0;
  if (f & FE_INEXACT) strcat(buf, "INEXACT ");
  if (f & FE_UNDERFLOW) strcat(buf, "UNDERFLOW ");
  if (f & FE_OVERFLOW) strcat(buf, "OVERFLOW ");
  if (f & FE_DIVBYZERO) strcat(buf, "DIVBYZERO ");
  if (f & FE_INVALID) strcat(buf, "INVALID ");
  if (!buf[0]) strcat(buf, "none");
  return buf;
}

static void t_fenv(void) {
  printf("== fenv\n");
  static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
  static const char *names[] = {"TONEAREST", "UPWARD", "DOWNWARD", "TOWARDZERO"};
  static volatile double xs[] = {2.5, -2.5, 3.5, 0.4, -0.4, 1.6, -1.6, 7.0};
  for (int m = 0; m < 4; m++) {
    int r = fesetround(modes[m]);
    printf("mode %s set=%d get_ok=%d\n", names[m], r, fegetround() == modes[m]);
    for (int i = 0; i < 8; i++) {
      double x = xs[i];
      printf("  %g: rint=%g nearbyint=%g lrint=%ld\n", x, rint(x), nearbyint(x), lrint(x));
    }
    volatile double one = 1.0, three = 3.0;
    pd("  1/3", one / three);
    pd("  -1/3", -one / three);
    pf("  1f/3f", (float)one / (float)three);
    pd("  1+2^-60", one + 0x1p-60);
    pd("  -1-2^-60", -one - 0x1p-60);
    pd("  1e308*10", 1e308 * (one * 10));
    pd("  sqrt(2)", sqrt(2 * one));
    pf("  (float)(1/3)", (float)(one / three));
    pd("  (double)int", (double)(int)(one * 16777217));
  }
  fesetround(FE_TONEAREST);
  pd("back 1/3", 1.0 / (vd[8]));
}

static void t_flags(void) {
  printf("== flags\n");
  volatile double one = 1.0, three = 3.0, big = 1e308, zero = 0.0, r;
  feclearexcept(FE_ALL_EXCEPT);
  printf("cleared: %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  r = one + one;
  printf("1+1: %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  r = one / three;
  printf("1/3: %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  feclearexcept(FE_ALL_EXCEPT);
  r = big * 10;
  printf("1e308*10: %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  feclearexcept(FE_ALL_EXCEPT);
  r = zero / zero;
  printf("0/0: %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  feclearexcept(FE_ALL_EXCEPT);
  r = one / zero;
  printf("1/0: %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  feclearexcept(FE_ALL_EXCEPT);
  r = sqrt(-one);
  printf("sqrt(-1): %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  feclearexcept(FE_ALL_EXCEPT);
  r = 1e-308 * (one / 1e10);
  printf("underflow: %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  feclearexcept(FE_ALL_EXCEPT);
  volatile float fz = 0.0f, fr;
  fr = fz / fz;
  printf("0f/0f: %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  (void)fr;
  feclearexcept(FE_ALL_EXCEPT);
  r = one * three;
  printf("1*3: %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  feraiseexcept(FE_OVERFLOW | FE_DIVBYZERO);
  printf("raised: %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  fexcept_t saved;
  fegetexceptflag(&saved, FE_ALL_EXCEPT);
  feclearexcept(FE_ALL_EXCEPT);
  fesetexceptflag(&saved, FE_OVERFLOW);
  printf("restored overflow only: %s\n", flagstr(fetestexcept(FE_ALL_EXCEPT)));
  fenv_t env;
  fegetenv(&env);
  fesetround(FE_UPWARD);
  feclearexcept(FE_ALL_EXCEPT);
  fesetenv(&env);
  printf("after fesetenv: round_nearest=%d %s\n", fegetround() == FE_TONEAREST,
         flagstr(fetestexcept(FE_ALL_EXCEPT)));
  feclearexcept(FE_ALL_EXCEPT);
  (void)r;
}

/* Direct FPU instructions that C leaves undefined (out of range conversions). */
static void t_asm(void) {
  printf("== asm\n");
#ifdef __mips__
  static volatile double xs[] = {2.5, -2.5, 3.5, 1e10, -1e10, 0.0, -0.7, 2147483647.9};
  for (int i = 0; i < 8; i++) {
    double x = xs[i];
    int32_t tr, ro, ce, fl, cv;
    __asm__ volatile("trunc.w.d $f0, %1\n\tmfc1 %0, $f0" : "=r"(tr) : "f"(x) : "$f0");
    __asm__ volatile("round.w.d $f0, %1\n\tmfc1 %0, $f0" : "=r"(ro) : "f"(x) : "$f0");
    __asm__ volatile("ceil.w.d $f0, %1\n\tmfc1 %0, $f0" : "=r"(ce) : "f"(x) : "$f0");
    __asm__ volatile("floor.w.d $f0, %1\n\tmfc1 %0, $f0" : "=r"(fl) : "f"(x) : "$f0");
    __asm__ volatile("cvt.w.d $f0, %1\n\tmfc1 %0, $f0" : "=r"(cv) : "f"(x) : "$f0");
    printf("%g: trunc.w=%d round.w=%d ceil.w=%d floor.w=%d cvt.w=%d\n", x, tr, ro, ce, fl, cv);
  }
  volatile double nan = NAN;
  double x = nan;
  int32_t tr;
  __asm__ volatile("trunc.w.d $f0, %1\n\tmfc1 %0, $f0" : "=r"(tr) : "f"(x) : "$f0");
  printf("trunc.w.d(NaN)=%08x\n", (uint32_t)tr);
  uint32_t fcsr;
  __asm__ volatile("cfc1 %0, $31" : "=r"(fcsr));
  printf("fcsr & 0x3 (rounding)=%u\n", fcsr & 3);
#endif
  /* movt/movf/movn.d/movz.d through conditional selections */
  volatile double a = 1.5, b = -2.25;
  for (int i = 0; i < 4; i++) {
    double sel = (i & 1) ? a : b;
    double sel2 = a < b ? a : b;
    printf("sel %d %g %g\n", i, sel, sel2);
  }
}

struct cmd {
  const char *name;
  void (*fn)(void);
};
static const struct cmd cmds[] = {
    {"arith", t_arith}, {"conv", t_conv},   {"cmp", t_cmp},     {"special", t_special},
    {"math", t_math},   {"fenv", t_fenv},   {"flags", t_flags}, {"asm", t_asm},
};

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: t_fpu <test|all>\n");
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
