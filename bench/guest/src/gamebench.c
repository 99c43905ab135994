/* gamebench: small programs in the style of the Computer Language Benchmarks Game, for judging the
 * JIT on code it was not tuned on (issue 10). Each is a classic kernel written plainly, as a user
 * would, and none was looked at while the JIT's policies were chosen:
 *   gamebench btree N      binary trees of depth 4..N built with malloc and freed again
 *                          (allocator-heavy, recursive; N=12 is ~0.18 G instructions)
 *   gamebench fannkuch N   pancake flips over all permutations of N (N=9: ~0.13 G)
 *   gamebench nbody N      N steps of a 5-body simulation in doubles (N=100000: ~65 M, FPU)
 *   gamebench sieve N R    R rounds of a sieve of Eratosthenes up to N (4000000 4: ~0.26 G)
 *   gamebench strsort N    N generated keys formatted with snprintf, sorted with qsort and
 *                          strcmp, and hashed (N=60000: ~0.15 G)
 * Each prints a checksum, so a run under mipsjit can be compared with qemu-mipsel's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- binary trees ---- */
struct tree {
  struct tree *left, *right;
};

static struct tree *tree_make(int depth) {
  struct tree *node = malloc(sizeof *node);
  if (depth > 0) {
    node->left = tree_make(depth - 1);
    node->right = tree_make(depth - 1);
  } else {
    node->left = node->right = NULL;
  }
  return node;
}

static int tree_check(const struct tree *node) {
  return node->left ? 1 + tree_check(node->left) + tree_check(node->right) : 1;
}

static void tree_free(struct tree *node) {
  if (node->left) {
    tree_free(node->left);
    tree_free(node->right);
  }
  free(node);
}

static void btree(int max_depth) {
  struct tree *long_lived = tree_make(max_depth);
  for (int depth = 4; depth <= max_depth; depth += 2) {
    int iterations = 1 << (max_depth - depth + 4);
    long check = 0;
    for (int i = 0; i < iterations; i++) {
      struct tree *t = tree_make(depth);
      check += tree_check(t);
      tree_free(t);
    }
    printf("%d trees of depth %d check: %ld\n", iterations, depth, check);
  }
  printf("long lived tree of depth %d check: %d\n", max_depth, tree_check(long_lived));
  tree_free(long_lived);
}

/* ---- fannkuch-redux ---- */
static void fannkuch(int n) {
  int perm[16], perm1[16], count[16];
  int max_flips = 0, checksum = 0, r = n, permutations = 0;
  if (n < 1 || n > 16) return;
  for (int i = 0; i < n; i++) perm1[i] = i;
  for (;;) {
    while (r != 1) {
      count[r - 1] = r;
      r--;
    }
    for (int i = 0; i < n; i++) perm[i] = perm1[i];
    int flips = 0;
    for (int k; (k = perm[0]) != 0; flips++) {
      for (int i = 0, j = k; i < j; i++, j--) {
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
    }
    if (flips > max_flips) max_flips = flips;
    checksum += permutations % 2 == 0 ? flips : -flips;
    for (;;) {
      if (r == n) {
        printf("%d\nPfannkuchen(%d) = %d\n", checksum, n, max_flips);
        return;
      }
      int first = perm1[0];
      for (int i = 0; i < r; i++) perm1[i] = perm1[i + 1];
      perm1[r] = first;
      if (--count[r] > 0) break;
      r++;
    }
    permutations++;
  }
}

/* ---- n-body ---- */
struct body {
  double x, y, z, vx, vy, vz, mass;
};

#define SOLAR_MASS (4 * M_PI * M_PI)
#define DAYS_PER_YEAR 365.24

static double nbody_energy(const struct body *bodies, int count) {
  double e = 0;
  for (int i = 0; i < count; i++) {
    const struct body *b = &bodies[i];
    e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
    for (int j = i + 1; j < count; j++) {
      double dx = b->x - bodies[j].x, dy = b->y - bodies[j].y, dz = b->z - bodies[j].z;
      e -= b->mass * bodies[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static void nbody_advance(struct body *bodies, int count, double dt) {
  for (int i = 0; i < count; i++) {
    for (int j = i + 1; j < count; j++) {
      double dx = bodies[i].x - bodies[j].x, dy = bodies[i].y - bodies[j].y, dz = bodies[i].z - bodies[j].z;
      double distance2 = dx * dx + dy * dy + dz * dz;
      double magnitude = dt / (distance2 * sqrt(distance2));
      bodies[i].vx -= dx * bodies[j].mass * magnitude;
      bodies[i].vy -= dy * bodies[j].mass * magnitude;
      bodies[i].vz -= dz * bodies[j].mass * magnitude;
      bodies[j].vx += dx * bodies[i].mass * magnitude;
      bodies[j].vy += dy * bodies[i].mass * magnitude;
      bodies[j].vz += dz * bodies[i].mass * magnitude;
    }
  }
  for (int i = 0; i < count; i++) {
    bodies[i].x += dt * bodies[i].vx;
    bodies[i].y += dt * bodies[i].vy;
    bodies[i].z += dt * bodies[i].vz;
  }
}

static void nbody(int steps) {
  struct body bodies[] = {
      {0, 0, 0, 0, 0, 0, SOLAR_MASS},
      {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03 * DAYS_PER_YEAR,
       7.69901118419740425e-03 * DAYS_PER_YEAR, -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS},
      {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03 * DAYS_PER_YEAR,
       4.99852801234917238e-03 * DAYS_PER_YEAR, 2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS},
      {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03 * DAYS_PER_YEAR,
       2.37847173959480950e-03 * DAYS_PER_YEAR, -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS},
      {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03 * DAYS_PER_YEAR,
       1.62824170038242295e-03 * DAYS_PER_YEAR, -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS},
  };
  int count = sizeof bodies / sizeof bodies[0];
  double px = 0, py = 0, pz = 0;
  for (int i = 0; i < count; i++) {
    px += bodies[i].vx * bodies[i].mass;
    py += bodies[i].vy * bodies[i].mass;
    pz += bodies[i].vz * bodies[i].mass;
  }
  bodies[0].vx = -px / SOLAR_MASS;
  bodies[0].vy = -py / SOLAR_MASS;
  bodies[0].vz = -pz / SOLAR_MASS;
  printf("%.9f\n", nbody_energy(bodies, count));
  for (int i = 0; i < steps; i++) nbody_advance(bodies, count, 0.01);
  printf("%.9f\n", nbody_energy(bodies, count));
}

/* ---- sieve of Eratosthenes ---- */
static void sieve(int limit, int rounds) {
  char *composite = malloc((size_t)limit + 1);
  int primes = 0;
  if (composite == NULL) return;
  for (int round = 0; round < rounds; round++) {
    memset(composite, 0, (size_t)limit + 1);
    for (long i = 2; i * i <= limit; i++)
      if (!composite[i])
        for (long j = i * i; j <= limit; j += i) composite[j] = 1;
    primes = 0;
    for (int i = 2; i <= limit; i++) primes += !composite[i];
  }
  printf("%d primes up to %d\n", primes, limit);
  free(composite);
}

/* ---- sorting strings ---- */
static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strsort(int count) {
  char **keys = malloc((size_t)count * sizeof *keys);
  unsigned seed = 12345, hash = 0;
  if (keys == NULL) return;
  for (int i = 0; i < count; i++) {
    char text[32];
    seed = seed * 1103515245u + 12345u;
    snprintf(text, sizeof text, "k%08x-%u", seed, seed % 9973);
    keys[i] = strdup(text);
  }
  qsort(keys, (size_t)count, sizeof *keys, compare_strings);
  for (int i = 0; i < count; i++)
    for (const char *p = keys[i]; *p; p++) hash = hash * 31 + (unsigned char)*p;
  printf("%u %s %s\n", hash, keys[0], keys[count - 1]);
  for (int i = 0; i < count; i++) free(keys[i]);
  free(keys);
}

int main(int argc, char **argv) {
  const char *name = argc > 1 ? argv[1] : "";
  int n = argc > 2 ? atoi(argv[2]) : 0;
  if (strcmp(name, "btree") == 0) btree(n > 4 ? n : 12);
  else if (strcmp(name, "fannkuch") == 0) fannkuch(n > 0 ? n : 9);
  else if (strcmp(name, "nbody") == 0) nbody(n > 0 ? n : 100000);
  else if (strcmp(name, "sieve") == 0) sieve(n > 1 ? n : 4000000, argc > 3 ? atoi(argv[3]) : 4);
  else if (strcmp(name, "strsort") == 0) strsort(n > 0 ? n : 60000);
  else {
    fprintf(stderr, "usage: gamebench btree|fannkuch|nbody|sieve|strsort [N] [rounds]\n");
    return 2;
  }
  return 0;
}
