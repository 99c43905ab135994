/* libc checks for mipsjit: heap, sorting, strings, formatting.
 * Usage: t_libc <malloc|qsort|string|format|stdin|all>
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 12345;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static uint32_t fnv(const void *p, size_t n, uint32_t h) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 16777619u;
  return h;
}

static void t_malloc(void) {
  printf("== malloc\n");
  enum { N = 400 };
  static unsigned char *blk[N];
  static size_t sz[N];
  uint32_t sum = 2166136261u;
  rng = 12345;
  size_t total = 0;
  for (int round = 0; round < 6; round++) {
    for (int i = 0; i < N; i++) {
      uint32_t r = rnd();
      size_t n;
      switch (r % 8) {
      case 0: n = r % 16; break;
      case 1: n = 1 + r % 100; break;
      case 2: n = 100 + r % 1000; break;
      case 3: n = 4000 + r % 5000; break;
      case 4: n = (r % 97 == 0) ? 200000 + r % 300000 : 64; break; /* mmap-sized */
      default: n = 8 + r % 256; break;
      }
      if (blk[i] && (r & 0x100)) {
        /* realloc keeps prefix */
        size_t keep = sz[i] < n ? sz[i] : n;
        uint32_t before = fnv(blk[i], keep, 1);
        unsigned char *p = realloc(blk[i], n ? n : 1);
        if (!p) { printf("realloc failed\n"); exit(1); }
        if (fnv(p, keep, 1) != before) printf("realloc lost data at %d/%d\n", round, i);
        for (size_t k = keep; k < n; k++) p[k] = (unsigned char)(k * 7 + i);
        blk[i] = p;
        sz[i] = n;
      } else {
        free(blk[i]);
        unsigned char *p = (r & 0x200) ? calloc(n ? n : 1, 1) : malloc(n ? n : 1);
        if (!p) { printf("alloc failed\n"); exit(1); }
        if (r & 0x200) {
          size_t nz = 0;
          for (size_t k = 0; k < n; k++) nz += p[k] != 0;
          if (nz) printf("calloc not zeroed: %zu\n", nz);
        }
        if (((uintptr_t)p & 7) != 0) printf("misaligned allocation\n");
        for (size_t k = 0; k < n; k++) p[k] = (unsigned char)(k + i + round);
        blk[i] = p;
        sz[i] = n;
      }
    }
    for (int i = 0; i < N; i++) sum = fnv(blk[i], sz[i], sum);
    total = 0;
    for (int i = 0; i < N; i++) total += sz[i];
    printf("round %d checksum %08x bytes %zu\n", round, sum, total);
  }
  for (int i = 0; i < N; i++) {
    free(blk[i]);
    blk[i] = 0;
  }
  /* many small allocations in a linked list */
  struct node { struct node *next; int v; } *head = 0;
  for (int i = 0; i < 20000; i++) {
    struct node *n = malloc(sizeof *n);
    n->v = i * 3;
    n->next = head;
    head = n;
  }
  long long s = 0;
  int cnt = 0;
  while (head) {
    struct node *n = head->next;
    s += head->v;
    cnt++;
    free(head);
    head = n;
  }
  printf("list %d %lld\n", cnt, s);
  /* big allocation */
  size_t big = 8u << 20;
  unsigned char *b = malloc(big);
  for (size_t i = 0; i < big; i += 4096) b[i] = (unsigned char)(i >> 12);
  uint32_t bs = 0;
  for (size_t i = 0; i < big; i += 4096) bs = bs * 31 + b[i];
  free(b);
  printf("big %08x\n", bs);
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}
struct rec {
  int key;
  double val;
  char name[12];
};
static int cmp_rec(const void *a, const void *b) {
  const struct rec *x = a, *y = b;
  if (x->val != y->val) return x->val < y->val ? -1 : 1;
  return x->key - y->key;
}

static void t_qsort(void) {
  printf("== qsort\n");
  enum { N = 5000 };
  static int a[N];
  rng = 777;
  for (int i = 0; i < N; i++) a[i] = (int)(rnd() % 100000) - 50000;
  qsort(a, N, sizeof a[0], cmp_int);
  int ok = 1;
  for (int i = 1; i < N; i++) ok &= a[i - 1] <= a[i];
  printf("sorted=%d first=%d last=%d median=%d sum=%08x\n", ok, a[0], a[N - 1], a[N / 2],
         fnv(a, sizeof a, 0));
  int key = a[1234];
  int *f = bsearch(&key, a, N, sizeof a[0], cmp_int);
  printf("bsearch found=%d val=%d\n", f != 0, f ? *f : 0);
  static const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date",
                                "elderberry", "grape", "kiwi", "apricot", "Zebra", "mango"};
  const char *w[12];
  memcpy(w, words, sizeof w);
  qsort(w, 12, sizeof w[0], cmp_str);
  for (int i = 0; i < 12; i++) printf("%s%c", w[i], i == 11 ? '\n' : ' ');
  static struct rec r[300];
  for (int i = 0; i < 300; i++) {
    r[i].key = i;
    r[i].val = (double)(rnd() % 50) / 4.0;
    snprintf(r[i].name, sizeof r[i].name, "r%03d", i);
  }
  qsort(r, 300, sizeof r[0], cmp_rec);
  for (int i = 0; i < 300; i += 37) printf("%s:%g ", r[i].name, r[i].val);
  printf("\n");
}

static void t_string(void) {
  printf("== string\n");
  char buf[256];
  strcpy(buf, "Hello");
  strcat(buf, ", ");
  strncat(buf, "World!!!", 6);
  printf("%s len=%zu\n", buf, strlen(buf));
  printf("strcmp %d %d %d\n", strcmp("abc", "abd") < 0, strcmp("b", "a") > 0, strcmp("x", "x"));
  printf("strncmp %d strcasecmp %d\n", strncmp("abcdef", "abcxyz", 3),
         strcasecmp("HeLLo", "hello"));
  printf("strchr %s strrchr %s strstr %s\n", strchr(buf, 'o'), strrchr(buf, 'o'),
         strstr(buf, "Wor"));
  printf("strspn %zu strcspn %zu\n", strspn("aaabbbccc", "ab"), strcspn("hello world", " "));
  char tok[] = "a,b;;c,,d;e";
  char *save = 0;
  for (char *t = strtok_r(tok, ",;", &save); t; t = strtok_r(0, ",;", &save)) printf("[%s]", t);
  printf("\n");
  /* memmove overlapping, memset, memcmp, memchr at odd alignments */
  unsigned char m[300];
  for (int i = 0; i < 300; i++) m[i] = (unsigned char)i;
  memmove(m + 3, m, 200);
  memmove(m + 101, m + 150, 100);
  memset(m + 7, 0xab, 33);
  printf("memmove sum %08x\n", fnv(m, sizeof m, 0));
  for (int off = 0; off < 8; off++) {
    unsigned char x[64], y[64];
    for (int i = 0; i < 64; i++) x[i] = y[i] = (unsigned char)(i * 5);
    y[off + 40] ^= 1;
    memcpy(x + off, y + (7 - off), 20);
    printf("off %d memcmp %d memchr %d sum %08x\n", off, memcmp(x, y, 64) < 0,
           (int)((unsigned char *)memchr(x, 35, 64) - x), fnv(x, 64, 0));
  }
  char *d = strdup("duplicate me");
  for (char *p = d; *p; p++) *p = (char)toupper((unsigned char)*p);
  printf("%s\n", d);
  free(d);
  printf("ctype:");
  for (int c = 32; c < 127; c += 9)
    printf(" %c%d%d%d%d", c, !!isalpha(c), !!isdigit(c), !!isspace(c), !!ispunct(c));
  printf("\n");
}

static void t_format(void) {
  printf("== format\n");
  char buf[200];
  int n = snprintf(buf, sizeof buf, "%d|%5d|%-5d|%05d|%+d|%x|%X|%o|%#x|%c|%s|%.3s|%10.4f|%-8.2e|%%",
                   42, -42, 7, 123, 9, 0xbeef, 0xbeef, 8, 255, 'Z', "str", "truncate",
                   3.14159265, 12345.6789);
  printf("%s (%d)\n", buf, n);
  n = snprintf(buf, 10, "%s", "this is too long for the buffer");
  printf("trunc '%s' n=%d\n", buf, n);
  printf("%lld %llu %llx %hhd %hd %zu %ld\n", -9223372036854775807LL - 1, 18446744073709551615ULL,
         0x1234567890abcdefULL, (signed char)200, (short)70000, (size_t)123, -5L);
  printf("%*d|%-*d|%.*f\n", 6, 12, 6, 34, 2, 2.71828);
  int a, b;
  char w[32];
  float f;
  double dd;
  int got = sscanf("  17 0x1F word 2.5 -3.25e2", "%d %x %31s %f %lf", &a, &b, w, &f, &dd);
  printf("sscanf %d: %d %d %s %g %g\n", got, a, b, w, (double)f, dd);
  got = sscanf("12abc", "%d%d", &a, &b);
  printf("sscanf partial %d %d\n", got, a);
  static const char *nums[] = {"3.14159", "-2.5e-3", "1e308", "1e400", "0x1.8p3", "inf",
                               "-nan", "  42abc", "0.1", "4.9e-324", "2.2250738585072011e-308",
                               "123456789012345678901234567890"};
  for (int i = 0; i < 12; i++) {
    char *end;
    errno = 0;
    double v = strtod(nums[i], &end);
    printf("strtod(%s)=%.17g %a rest='%s' erange=%d\n", nums[i], v, v, end, errno == ERANGE);
  }
  static const char *ints[] = {"123", "-456", "0x7fffffff", "0777", "99999999999", "-2147483649",
                               "18446744073709551615", "  +12z"};
  for (int i = 0; i < 8; i++) {
    char *end;
    errno = 0;
    long l = strtol(ints[i], &end, 0);
    int e1 = errno;
    errno = 0;
    unsigned long long u = strtoull(ints[i], 0, 0);
    printf("strtol(%s)=%ld erange=%d rest='%s' strtoull=%llu e=%d\n", ints[i], l, e1 == ERANGE,
           end, u, errno == ERANGE);
  }
  printf("atoi %d atof %g\n", atoi("  -77x"), atof("6.25e1"));
  printf("div %d %d ldiv %ld %ld abs %d labs %ld\n", div(-17, 5).quot, div(-17, 5).rem,
         ldiv(17L, -5L).quot, ldiv(17L, -5L).rem, abs(-3), labs(-4L));
}

static void t_stdin(void) {
  printf("== stdin\n");
  char line[256];
  int lines = 0;
  unsigned long words = 0, chars = 0;
  uint32_t h = 0;
  while (fgets(line, sizeof line, stdin)) {
    lines++;
    chars += strlen(line);
    int inw = 0;
    for (char *p = line; *p; p++) {
      if (isspace((unsigned char)*p)) inw = 0;
      else if (!inw) inw = 1, words++;
    }
    h = fnv(line, strlen(line), h);
    line[strcspn(line, "\n")] = 0;
    for (char *p = line; *p; p++) *p = (char)toupper((unsigned char)*p);
    printf("%d: %s\n", lines, line);
  }
  printf("lines=%d words=%lu chars=%lu hash=%08x eof=%d\n", lines, words, chars, h, feof(stdin));
}

struct cmd {
  const char *name;
  void (*fn)(void);
};
static const struct cmd cmds[] = {
    {"malloc", t_malloc}, {"qsort", t_qsort}, {"string", t_string},
    {"format", t_format}, {"stdin", t_stdin},
};

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: t_libc <test|all>\n");
    return 2;
  }
  int all = strcmp(argv[1], "all") == 0, found = 0;
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    if ((all && cmds[i].fn != t_stdin) || strcmp(argv[1], cmds[i].name) == 0) {
      cmds[i].fn();
      found = 1;
    }
  if (!found) {
    fprintf(stderr, "unknown test %s\n", argv[1]);
    return 2;
  }
  return 0;
}
