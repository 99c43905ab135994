/* CPU-bound guest workload for benchmarking mipsjit.
 * Usage: cpubench [N] [kernel]
 *   N       work scale (default 15, about 1.5 s under qemu-mipsel); work grows linearly with N
 *   kernel  one of: hash sieve sort transpose lcg64 nbody matmul all (default all)
 * Prints one deterministic checksum line per kernel (no timing: time it externally).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- integer: FNV/murmur-style hashing over a buffer ---- */
static uint32_t k_hash(int n) {
  enum { LEN = 64 * 1024 };
  static uint8_t buf[LEN];
  uint32_t seed = 0x1234567u;
  for (int i = 0; i < LEN; i++) {
    seed = seed * 1664525u + 1013904223u;
    buf[i] = (uint8_t)(seed >> 24);
  }
  uint32_t h = 0;
  for (int r = 0; r < n * 200; r++) {
    uint32_t a = 2166136261u ^ (uint32_t)r, b = 0x9747b28cu + (uint32_t)r;
    for (int i = 0; i < LEN; i += 4) {
      uint32_t k = (uint32_t)buf[i] | (uint32_t)buf[i + 1] << 8 | (uint32_t)buf[i + 2] << 16 |
                   (uint32_t)buf[i + 3] << 24;
      a = (a ^ buf[i]) * 16777619u;
      k *= 0xcc9e2d51u;
      k = (k << 15) | (k >> 17);
      k *= 0x1b873593u;
      b ^= k;
      b = (b << 13) | (b >> 19);
      b = b * 5 + 0xe6546b64u;
    }
    h ^= a + (b ^ (b >> 16));
    buf[r & (LEN - 1)] ^= (uint8_t)h;
  }
  return h;
}

/* ---- integer: sieve of Eratosthenes ---- */
static uint32_t k_sieve(int n) {
  enum { LIM = 2000000 };
  static uint8_t comp[LIM + 1];
  uint32_t total = 0;
  for (int r = 0; r < n; r++) {
    int lim = LIM - r * 1000;
    memset(comp, 0, (size_t)lim + 1);
    uint32_t count = 0, sum = 0;
    for (int i = 2; i <= lim; i++) {
      if (comp[i]) continue;
      count++;
      sum += (uint32_t)i;
      if ((long long)i * i <= lim)
        for (int j = i * i; j <= lim; j += i) comp[j] = 1;
    }
    total = total * 31 + count + sum;
  }
  return total;
}

/* ---- memory: qsort of records ---- */
struct rec {
  uint32_t key;
  uint32_t id;
  double w;
};
static int cmp_rec(const void *pa, const void *pb) {
  const struct rec *a = pa, *b = pb;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}
static uint32_t k_sort(int n) {
  int cnt = 40000 * n;
  struct rec *v = malloc(sizeof *v * (size_t)cnt);
  uint32_t s = 42;
  for (int i = 0; i < cnt; i++) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    v[i].key = s % 100000u;
    v[i].id = (uint32_t)i;
    v[i].w = (double)(s & 0xffff) / 65536.0;
  }
  qsort(v, (size_t)cnt, sizeof *v, cmp_rec);
  uint32_t h = 0;
  for (int i = 0; i < cnt; i += 7) h = h * 33 + v[i].key + v[i].id;
  free(v);
  return h;
}

/* ---- memory: blocked-free matrix transpose (cache unfriendly) ---- */
static uint32_t k_transpose(int n) {
  enum { D = 512 };
  uint32_t *a = malloc(sizeof(uint32_t) * D * D), *b = malloc(sizeof(uint32_t) * D * D);
  for (int i = 0; i < D * D; i++) a[i] = (uint32_t)i * 2654435761u;
  for (int r = 0; r < 4 * n; r++) {
    for (int i = 0; i < D; i++)
      for (int j = 0; j < D; j++) b[j * D + i] = a[i * D + j] + (uint32_t)r;
    uint32_t *t = a;
    a = b;
    b = t;
  }
  uint32_t h = 0;
  for (int i = 0; i < D * D; i += 97) h = h * 31 + a[i];
  free(a);
  free(b);
  return h;
}

/* ---- 64-bit: xorshift64* / LCG with 64-bit multiply, divide and shifts ---- */
static uint64_t k_lcg64(int n) {
  uint64_t x = 0x9e3779b97f4a7c15ULL, lcg = 1, acc = 0;
  int64_t sacc = 0;
  for (long i = 0; i < 1200000L * n; i++) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    uint64_t r = x * 0x2545f4914f6cdd1dULL;
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    acc += r ^ (lcg >> 17);
    if ((i & 15) == 0) {
      uint64_t d = (lcg >> 40) | 1;
      acc += r / d + r % d;
      sacc += (int64_t)r / (int64_t)((lcg >> 50) + 3);
    }
  }
  return acc ^ (uint64_t)sacc;
}

/* ---- FP: n-body simulation in double ---- */
static double k_nbody(int n) {
  enum { NB = 5 };
  const double PI = 3.141592653589793, SM = 4 * PI * PI, DPY = 365.24;
  double x[NB][3] = {{0, 0, 0},
                     {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01},
                     {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01},
                     {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01},
                     {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01}};
  double v[NB][3] = {{0, 0, 0},
                     {1.66007664274403694e-03 * DPY, 7.69901118419740425e-03 * DPY,
                      -6.90460016972063023e-05 * DPY},
                     {-2.76742510726862411e-03 * DPY, 4.99852801234917238e-03 * DPY,
                      2.30417297573763929e-05 * DPY},
                     {2.96460137564761618e-03 * DPY, 2.37847173959480950e-03 * DPY,
                      -2.96589568540237556e-05 * DPY},
                     {2.68067772490389322e-03 * DPY, 1.62824170038242295e-03 * DPY,
                      -9.51592254519715870e-05 * DPY}};
  double m[NB] = {SM, 9.54791938424326609e-04 * SM, 2.85885980666130812e-04 * SM,
                  4.36624404335156298e-05 * SM, 5.15138902046611451e-05 * SM};
  for (int i = 1; i < NB; i++)
    for (int k = 0; k < 3; k++) v[0][k] -= v[i][k] * m[i] / SM;
  const double dt = 0.01;
  for (long s = 0; s < 6000L * n; s++) {
    for (int i = 0; i < NB; i++)
      for (int j = i + 1; j < NB; j++) {
        double dx = x[i][0] - x[j][0], dy = x[i][1] - x[j][1], dz = x[i][2] - x[j][2];
        double d2 = dx * dx + dy * dy + dz * dz;
        double mag = dt / (d2 * sqrt(d2));
        v[i][0] -= dx * m[j] * mag;
        v[i][1] -= dy * m[j] * mag;
        v[i][2] -= dz * m[j] * mag;
        v[j][0] += dx * m[i] * mag;
        v[j][1] += dy * m[i] * mag;
        v[j][2] += dz * m[i] * mag;
      }
    for (int i = 0; i < NB; i++)
      for (int k = 0; k < 3; k++) x[i][k] += dt * v[i][k];
  }
  double e = 0;
  for (int i = 0; i < NB; i++) {
    e += 0.5 * m[i] * (v[i][0] * v[i][0] + v[i][1] * v[i][1] + v[i][2] * v[i][2]);
    for (int j = i + 1; j < NB; j++) {
      double dx = x[i][0] - x[j][0], dy = x[i][1] - x[j][1], dz = x[i][2] - x[j][2];
      e -= m[i] * m[j] / sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

/* ---- FP: dense matrix multiply in double ---- */
static double k_matmul(int n) {
  enum { D = 96 };
  static double a[D][D], b[D][D], c[D][D];
  for (int i = 0; i < D; i++)
    for (int j = 0; j < D; j++) {
      a[i][j] = (double)((i * 7 + j * 3) % 17) / 8.0 - 1.0;
      b[i][j] = (double)((i * 5 + j * 11) % 13) / 6.0 - 1.0;
    }
  double tr = 0;
  for (int r = 0; r < n; r++) {
    for (int i = 0; i < D; i++)
      for (int j = 0; j < D; j++) c[i][j] = 0;
    for (int i = 0; i < D; i++)
      for (int k = 0; k < D; k++) {
        double aik = a[i][k];
        for (int j = 0; j < D; j++) c[i][j] += aik * b[k][j];
      }
    /* feed back so rounds depend on each other; keep values bounded */
    for (int i = 0; i < D; i++) {
      tr += c[i][i];
      for (int j = 0; j < D; j++) a[i][j] = c[i][j] / (D * 2.0) + (r & 1 ? 0.125 : -0.125);
    }
  }
  return tr;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 15;
  const char *which = argc > 2 ? argv[2] : "all";
  if (n < 1) n = 1;
  int all = !strcmp(which, "all"), ran = 0;
#define RUN(name, expr, fmt)                         \
  if (all || !strcmp(which, name)) {                 \
    printf("%-10s " fmt "\n", name, expr);           \
    fflush(stdout);                                  \
    ran = 1;                                         \
  }
  RUN("hash", k_hash(n), "%08x");
  RUN("sieve", k_sieve(n), "%08x");
  RUN("sort", k_sort(n), "%08x");
  RUN("transpose", k_transpose(n), "%08x");
  RUN("lcg64", (unsigned long long)k_lcg64(n), "%016llx");
  RUN("nbody", k_nbody(n), "%.12f");
  RUN("matmul", k_matmul(n), "%.10e");
  if (!ran) {
    fprintf(stderr, "cpubench: unknown kernel %s\n", which);
    return 2;
  }
  return 0;
}
