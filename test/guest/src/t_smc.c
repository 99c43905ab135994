/* Self-modifying code checks for mipsjit (the JIT must notice code that changes under it).
 * Usage: t_smc <patch|reflush|selfpatch|selfpatch-flush|selfpatch-swlr|selfpatch-synci|stack|
 *              mprotect>
 * Machine code is written as words into RWX memory, made visible with cacheflush(BCACHE),
 * called thousands of times (so the JIT compiles it), rewritten, and called again.
 * Nothing printed depends on the host: no addresses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/cachectl.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHECK(x)                                                              \
  do {                                                                        \
    if (!(x)) {                                                               \
      printf("FAIL line %d: %s (%s)\n", __LINE__, #x, strerror(errno));      \
      fflush(stdout);                                                         \
      exit(1);                                                                \
    }                                                                         \
  } while (0)

/* Registers and encodings (MIPS32r2). */
enum { ZERO = 0, V0 = 2, A0 = 4, A1 = 5, A2 = 6, T0 = 8, T1 = 9, SP = 29, RA = 31 };
#define IMM(x) ((uint32_t)(x) & 0xffffu)
#define ADDIU(rt, rs, imm) (0x24000000u | (rs) << 21 | (rt) << 16 | IMM(imm))
#define SW(rt, off, base) (0xac000000u | (base) << 21 | (rt) << 16 | IMM(off))
#define LW(rt, off, base) (0x8c000000u | (base) << 21 | (rt) << 16 | IMM(off))
#define SWL(rt, off, base) (0xa8000000u | (base) << 21 | (rt) << 16 | IMM(off))
#define SWR(rt, off, base) (0xb8000000u | (base) << 21 | (rt) << 16 | IMM(off))
#define ADDU(rd, rs, rt) ((rs) << 21 | (rt) << 16 | (rd) << 11 | 0x21u)
#define MOVE(rd, rs) ADDU(rd, rs, ZERO)
#define BNE(rs, rt, off) (0x14000000u | (rs) << 21 | (rt) << 16 | IMM(off))
#define B(off) (0x10000000u | IMM(off)) /* beq zero, zero */
#define JR_RA 0x03e00008u
#define JR_HB(rs) ((rs) << 21 | 1u << 10 | 0x08u)
#define SYNCI(off, base) (0x041f0000u | (base) << 21 | IMM(off))
#define SYNC 0x0000000fu
#define SYSCALL 0x0000000cu
#define NOP 0u

#define ITER 5000
#define WARM_UP 1000000

typedef int (*fn1)(int);
typedef int (*fn2)(int, uint32_t, void *);

static void *rwx(size_t len) {
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  return p;
}

static void flush(void *p, int len) { CHECK(cacheflush(p, len, BCACHE) == 0); }

/* Keeps the compiler from folding the call target. */
static fn1 opaque1(void *p) {
  fn1 f = (fn1)p;
  __asm__ volatile("" : "+r"(f));
  return f;
}
static fn2 opaque2(void *p) {
  fn2 f = (fn2)p;
  __asm__ volatile("" : "+r"(f));
  return f;
}

static uint32_t hot1(void *code, int n) {
  fn1 f = opaque1(code);
  uint32_t sum = 0;
  for (int i = 0; i < n; i++) sum = sum * 31 + (uint32_t)f(i);
  return sum;
}

/* f(x) = x + k: addiu v0, a0, k; jr ra; nop */
static void emit_addk(uint32_t *w, int k) {
  w[0] = ADDIU(V0, A0, k);
  w[1] = JR_RA;
  w[2] = NOP;
}

/* g(n) = n * k + 1 by a loop (n >= 1): the loop body's immediate gets patched. */
static void emit_loop(uint32_t *w, int k) {
  w[0] = ADDIU(V0, ZERO, 1);
  w[1] = ADDIU(V0, V0, k); /* loop: */
  w[2] = ADDIU(A0, A0, -1);
  w[3] = BNE(A0, ZERO, -3);
  w[4] = NOP;
  w[5] = JR_RA;
  w[6] = NOP;
}

/* patch: write, flush, run hot, rewrite the immediate, flush, run hot again (two functions). */
static void t_patch(void) {
  uint32_t *buf = rwx(4096);
  uint32_t *g = buf + 16;
  for (int round = 0; round < 4; round++) {
    int k = 3 + round * 1000;
    emit_addk(buf, k);
    emit_loop(g, k - 1);
    flush(buf, 4096);
    uint32_t a = hot1(buf, ITER);
    fn1 gf = opaque1(g);
    uint32_t s = 0;
    for (int i = 1; i <= ITER / 5; i++) s = s * 7 + (uint32_t)gf(i & 63 ? i & 63 : 1);
    printf("round %d k=%d f: %08x f(10)=%d g: %08x g(5)=%d\n", round, k, a, opaque1(buf)(10), s, gf(5));
    /* Patch only the immediate in place (a single word store). */
    buf[0] = ADDIU(V0, A0, k + 500);
    g[1] = ADDIU(V0, V0, k + 500);
    flush(buf, 4096);
    a = hot1(buf, ITER);
    s = 0;
    for (int i = 1; i <= ITER / 5; i++) s = s * 7 + (uint32_t)gf(i & 63 ? i & 63 : 1);
    printf("round %d patched f: %08x f(10)=%d g: %08x g(5)=%d\n", round, a, opaque1(buf)(10), s, gf(5));
  }
}

/* reflush: cacheflush both before and after writing (the flush before must not make later
 * writes invisible to the JIT). */
static void t_reflush(void) {
  uint32_t *buf = rwx(4096);
  emit_addk(buf, 1);
  flush(buf, 12);
  for (int round = 0; round < 6; round++) {
    uint32_t a = hot1(buf, ITER);
    printf("round %d: %08x f(100)=%d\n", round, a, opaque1(buf)(100));
    flush(buf, 12);
    buf[0] = ADDIU(V0, A0, 10 * (round + 2));
    if (round & 1) flush(buf, 12);
  }
}

/* Runs f(i, word_i, buf) hot for a few rounds; word_i is `addiu v0, <src>, imm_i`. */
static void hot_selfpatch(uint32_t *buf, int src, int last_arg) {
  fn2 f = opaque2(buf);
  for (int round = 0; round < 3; round++) {
    uint32_t sum = 0;
    for (int i = 0; i < ITER; i++) {
      uint32_t word = ADDIU(V0, src, (i % 3) * 100 + round);
      sum = sum * 31 + (uint32_t)f(i, word, buf);
    }
    printf("round %d: %08x last=%d\n", round, sum, f(last_arg, ADDIU(V0, src, 77), buf));
  }
}

/* selfpatch: the function stores a new instruction into a later block of its own page and
 * branches there, without cacheflush. (qemu-mipsel has no precise SMC inside the running
 * translation block, but it drops the page's other blocks on the store, so this is defined.)
 *   sw a1, 16(a2); b 16; nop; nop; 16: <addiu v0, a0, k : patched>; jr ra; nop */
static void t_selfpatch(void) {
  uint32_t *buf = rwx(4096);
  buf[0] = SW(A1, 16, A2);
  buf[1] = B(2);
  buf[2] = NOP;
  buf[3] = NOP;
  buf[4] = ADDIU(V0, A0, 1);
  buf[5] = JR_RA;
  buf[6] = NOP;
  flush(buf, 28);
  hot_selfpatch(buf, A0, 1);
}

/* selfpatch-swlr: like selfpatch, but the store is an SWL/SWR pair (instructions the JIT
 * leaves to interpreter handlers), SWR in the branch's delay slot. */
static void t_selfpatch_swlr(void) {
  uint32_t *buf = rwx(4096);
  buf[0] = ADDIU(T0, A0, 0);
  buf[1] = SWL(A1, 19, A2); /* bytes of buf+16..19 */
  buf[2] = B(1);
  buf[3] = SWR(A1, 16, A2); /* in the delay slot */
  buf[4] = ADDIU(V0, T0, 1); /* 16: patched */
  buf[5] = JR_RA;
  buf[6] = NOP;
  flush(buf, 28);
  hot_selfpatch(buf, T0, 3);
}

/* selfpatch-synci: the architectural MIPS32r2 sequence: store, SYNCI, SYNC, JR.HB to it.
 *   sw a1, 24(a2); synci 24(a2); sync; addiu t1, a2, 24; jr.hb t1; nop; 24: <patched>; jr ra; nop */
static void t_selfpatch_synci(void) {
  uint32_t *buf = rwx(4096);
  buf[0] = SW(A1, 24, A2);
  buf[1] = SYNCI(24, A2);
  buf[2] = SYNC;
  buf[3] = ADDIU(T1, A2, 24);
  buf[4] = JR_HB(T1);
  buf[5] = NOP;
  buf[6] = ADDIU(V0, A0, 1); /* 24: patched */
  buf[7] = JR_RA;
  buf[8] = NOP;
  flush(buf, 36);
  hot_selfpatch(buf, A0, 4);
}

/* selfpatch-flush: the function patches a later block of its page, calls cacheflush itself
 * (syscall 4147), then branches there. */
static void t_selfpatch_flush(void) {
  uint32_t *buf = rwx(4096);
  uint32_t *w = buf;
  *w++ = ADDIU(SP, SP, -8);      /* 0 */
  *w++ = SW(A0, 0, SP);          /* 4 */
  *w++ = SW(A1, 64, A2);         /* 8: patch buf+64 */
  *w++ = MOVE(A0, A2);           /* 12 */
  *w++ = ADDIU(A1, ZERO, 128);   /* 16 */
  *w++ = ADDIU(A2, ZERO, BCACHE); /* 20 */
  *w++ = ADDIU(V0, ZERO, 4147);  /* 24: cacheflush */
  *w++ = SYSCALL;                /* 28 */
  *w++ = LW(A0, 0, SP);          /* 32 */
  *w++ = B(6);                   /* 36: to 64 */
  *w++ = ADDIU(SP, SP, 8);       /* 40 */
  buf[16] = ADDIU(V0, A0, 1);    /* 64 */
  buf[17] = JR_RA;
  buf[18] = NOP;
  flush(buf, 128);
  fn2 f = opaque2(buf);
  for (int round = 0; round < 3; round++) {
    uint32_t sum = 0;
    for (int i = 0; i < ITER; i++) {
      uint32_t word = ADDIU(V0, A0, (i & 3) * 1000 + round);
      sum = sum * 31 + (uint32_t)f(i, word, buf);
    }
    printf("round %d: %08x last=%d\n", round, sum, f(2, ADDIU(V0, A0, 55), buf));
  }
}

/* stack: code in a local array (the stack is executable for MIPS o32 programs). */
static void __attribute__((noinline)) t_stack(void) {
  uint32_t code[8] __attribute__((aligned(16)));
  for (int round = 0; round < 3; round++) {
    emit_addk(code, round * 7 + 2);
    flush(code, sizeof code);
    uint32_t a = hot1(code, ITER);
    printf("round %d: %08x f(1)=%d\n", round, a, opaque1(code)(1));
  }
}

/* mprotect: RWX -> RX (run) -> RW (write) -> RX (run) -> RWX (write, run). */
static void t_mprotect(void) {
  uint32_t *buf = rwx(8192);
  uint32_t *g = buf + 1024 + 8; /* second page */
  emit_addk(buf, 5);
  emit_loop(g, 3);
  flush(buf, 8192);
  fn1 gf = opaque1(g);
  for (int round = 0; round < 3; round++) {
    CHECK(mprotect(buf, 8192, PROT_READ | PROT_EXEC) == 0);
    uint32_t a = hot1(buf, ITER);
    uint32_t s = 0;
    for (int i = 1; i <= 1000; i++) s = s * 7 + (uint32_t)gf(i & 15 ? i & 15 : 1);
    printf("round %d rx: %08x %08x\n", round, a, s);
    CHECK(mprotect(buf, 8192, PROT_READ | PROT_WRITE) == 0);
    emit_addk(buf, 50 + round);
    emit_loop(g, 60 + round);
    CHECK(mprotect(buf, 8192, PROT_READ | PROT_EXEC) == 0);
    flush(buf, 8192);
    a = hot1(buf, ITER);
    s = 0;
    for (int i = 1; i <= 1000; i++) s = s * 7 + (uint32_t)gf(i & 15 ? i & 15 : 1);
    printf("round %d rewritten: %08x %08x\n", round, a, s);
    CHECK(mprotect(buf, 8192, PROT_READ | PROT_WRITE | PROT_EXEC) == 0);
    emit_addk(buf, 500 + round);
    emit_loop(g, 600 + round);
    flush(buf, 8192);
    a = hot1(buf, ITER);
    s = 0;
    for (int i = 1; i <= 1000; i++) s = s * 7 + (uint32_t)gf(i & 15 ? i & 15 : 1);
    printf("round %d rwx: %08x %08x\n", round, a, s);
  }
}

/* Plain hot code first: with the default thresholds, mipsjit's compiler (binaryen, loaded
 * lazily) is ready before the self-modifying part starts. Prints nothing. */
static uint32_t __attribute__((noinline)) mix(uint32_t x) { return x * 2654435761u ^ (x >> 13); }
static void warm_up(void) {
  volatile uint32_t sink;
  uint32_t x = 1;
  for (int i = 0; i < WARM_UP; i++) x = mix(x + (uint32_t)i);
  sink = x;
  (void)sink;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: t_smc <test>\n");
    return 2;
  }
  const char *c = argv[1];
  warm_up();
  if (!strcmp(c, "patch")) t_patch();
  else if (!strcmp(c, "reflush")) t_reflush();
  else if (!strcmp(c, "selfpatch")) t_selfpatch();
  else if (!strcmp(c, "selfpatch-flush")) t_selfpatch_flush();
  else if (!strcmp(c, "selfpatch-swlr")) t_selfpatch_swlr();
  else if (!strcmp(c, "selfpatch-synci")) t_selfpatch_synci();
  else if (!strcmp(c, "stack")) t_stack();
  else if (!strcmp(c, "mprotect")) t_mprotect();
  else {
    fprintf(stderr, "unknown test %s\n", c);
    return 2;
  }
  return 0;
}
