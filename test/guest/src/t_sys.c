/* System-interface checks for mipsjit (Linux user mode).
 * Usage: t_sys <files|dirs|fds|env|argv|exit42|errors|segv|time|ids|mem|cat FILE|stdio>
 * Nothing printed depends on the host: no addresses, times, pids or temp names.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define CHECK(x)                                                              \
  do {                                                                        \
    if (!(x)) {                                                               \
      printf("FAIL line %d: %s (%s)\n", __LINE__, #x, strerror(errno));      \
      fflush(stdout);                                                         \
      exit(1);                                                                \
    }                                                                         \
  } while (0)

static char tmpdir[64];

static void mk_tmp(void) {
  strcpy(tmpdir, "/tmp/mipsjit-test-XXXXXX");
  CHECK(mkdtemp(tmpdir) != NULL);
}

static char *tp(const char *name) {
  static char buf[4][128];
  static int k;
  k = (k + 1) & 3;
  snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
  return buf[k];
}

static uint32_t fnv(const void *p, size_t n, uint32_t h) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 16777619u;
  return h;
}

static void t_files(void) {
  printf("== files\n");
  umask(022);
  mk_tmp();
  /* stdio write */
  FILE *f = fopen(tp("a.txt"), "w");
  CHECK(f);
  for (int i = 0; i < 100; i++) fprintf(f, "line %03d: %s\n", i, i % 2 ? "odd" : "even");
  unsigned char bin[5000];
  for (int i = 0; i < 5000; i++) bin[i] = (unsigned char)(i * 13 + 7);
  size_t w = fwrite(bin, 1, sizeof bin, f);
  printf("fwrite %zu ftell %ld\n", w, ftell(f));
  CHECK(fclose(f) == 0);
  struct stat st;
  CHECK(stat(tp("a.txt"), &st) == 0);
  printf("stat size=%lld reg=%d dir=%d mode=%o nlink=%d\n", (long long)st.st_size,
         S_ISREG(st.st_mode), S_ISDIR(st.st_mode), st.st_mode & 0777, (int)st.st_nlink);
  /* stdio read with seeks */
  f = fopen(tp("a.txt"), "r");
  CHECK(f);
  char line[64];
  CHECK(fgets(line, sizeof line, f));
  printf("first: %s", line);
  CHECK(fseek(f, 17 * 50, SEEK_SET) == 0);
  CHECK(fgets(line, sizeof line, f));
  printf("at 850: %s", line);
  printf("ftell %ld\n", ftell(f));
  CHECK(fseek(f, -100, SEEK_END) == 0);
  unsigned char back[100];
  printf("fread %zu\n", fread(back, 1, 100, f));
  printf("tail matches %d\n", memcmp(back, bin + 4900, 100) == 0);
  printf("fread at eof %zu feof %d\n", fread(back, 1, 10, f), feof(f));
  rewind(f);
  int c, nl = 0;
  while ((c = fgetc(f)) != EOF) nl += c == '\n';
  printf("newlines %d\n", nl);
  fclose(f);
  /* append mode */
  f = fopen(tp("a.txt"), "a");
  CHECK(f);
  fputs("appended\n", f);
  fclose(f);
  CHECK(stat(tp("a.txt"), &st) == 0);
  printf("after append size=%lld\n", (long long)st.st_size);
  /* raw fds, lseek, pread/pwrite */
  int fd = open(tp("b.bin"), O_RDWR | O_CREAT | O_TRUNC, 0640);
  CHECK(fd >= 0);
  CHECK(write(fd, "0123456789abcdef", 16) == 16);
  printf("lseek cur %ld\n", (long)lseek(fd, 0, SEEK_CUR));
  printf("lseek set %ld\n", (long)lseek(fd, 4, SEEK_SET));
  char rb[32] = {0};
  printf("read %zd '%.*s'\n", read(fd, rb, 5), 5, rb);
  printf("lseek end %ld\n", (long)lseek(fd, -3, SEEK_END));
  memset(rb, 0, sizeof rb);
  printf("read %zd '%s'\n", read(fd, rb, 10), rb);
  printf("read at eof %zd\n", read(fd, rb, 10));
  printf("lseek past end %ld\n", (long)lseek(fd, 100, SEEK_SET));
  CHECK(write(fd, "Z", 1) == 1);
  CHECK(pwrite(fd, "XY", 2, 2) == 2);
  memset(rb, 0, sizeof rb);
  printf("pread %zd '%s'\n", pread(fd, rb, 6, 0), rb);
  CHECK(fstat(fd, &st) == 0);
  printf("fstat size=%lld mode=%o\n", (long long)st.st_size, st.st_mode & 0777);
  CHECK(ftruncate(fd, 8) == 0);
  CHECK(fstat(fd, &st) == 0);
  printf("ftruncate size=%lld\n", (long long)st.st_size);
  close(fd);
  /* rename / unlink / access */
  CHECK(rename(tp("b.bin"), tp("c.bin")) == 0);
  printf("access old=%d new=%d\n", access(tp("b.bin"), F_OK) == 0, access(tp("c.bin"), R_OK) == 0);
  /* big file roundtrip */
  fd = open(tp("big.bin"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  CHECK(fd >= 0);
  static unsigned char big[300000];
  for (size_t i = 0; i < sizeof big; i++) big[i] = (unsigned char)((i * 2654435761u) >> 13);
  size_t off = 0;
  while (off < sizeof big) {
    ssize_t n = write(fd, big + off, sizeof big - off);
    CHECK(n > 0);
    off += (size_t)n;
  }
  close(fd);
  fd = open(tp("big.bin"), O_RDONLY);
  CHECK(fd >= 0);
  static unsigned char rd[300000];
  off = 0;
  for (;;) {
    ssize_t n = read(fd, rd + off, 65536 < sizeof rd - off ? 65536 : sizeof rd - off);
    CHECK(n >= 0);
    if (n == 0) break;
    off += (size_t)n;
  }
  close(fd);
  printf("big roundtrip %zu equal=%d hash=%08x\n", off, memcmp(big, rd, sizeof big) == 0,
         fnv(rd, off, 0));
  CHECK(unlink(tp("a.txt")) == 0);
  CHECK(unlink(tp("c.bin")) == 0);
  CHECK(unlink(tp("big.bin")) == 0);
  CHECK(rmdir(tmpdir) == 0);
  printf("cleanup ok, tmpdir gone=%d\n", access(tmpdir, F_OK) != 0 && errno == ENOENT);
}

static int cmpstr(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void t_dirs(void) {
  printf("== dirs\n");
  umask(022);
  mk_tmp();
  CHECK(mkdir(tp("sub"), 0755) == 0);
  CHECK(mkdir(tp("sub/deeper"), 0700) == 0);
  static const char *names[] = {"zeta", "alpha", "Mid", "beta.txt", "sub/inner.c"};
  for (int i = 0; i < 5; i++) {
    FILE *f = fopen(tp(names[i]), "w");
    CHECK(f);
    fprintf(f, "%s\n", names[i]);
    fclose(f);
  }
  CHECK(symlink("alpha", tp("link-to-alpha")) == 0);
  DIR *d = opendir(tmpdir);
  CHECK(d);
  char *ents[32];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 32) {
    char t = '?';
    if (e->d_type == DT_DIR) t = 'd';
    else if (e->d_type == DT_REG) t = 'f';
    else if (e->d_type == DT_LNK) t = 'l';
    else if (e->d_type == DT_UNKNOWN) t = '?';
    char buf[300];
    snprintf(buf, sizeof buf, "%s %c", e->d_name, t);
    ents[n++] = strdup(buf);
  }
  closedir(d);
  qsort(ents, n, sizeof ents[0], cmpstr);
  printf("%d entries:\n", n);
  for (int i = 0; i < n; i++) {
    printf("  %s\n", ents[i]);
    free(ents[i]);
  }
  struct stat st;
  CHECK(lstat(tp("link-to-alpha"), &st) == 0);
  printf("lstat link=%d", S_ISLNK(st.st_mode));
  CHECK(stat(tp("link-to-alpha"), &st) == 0);
  printf(" stat reg=%d size=%lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
  char lb[64] = {0};
  printf("readlink %zd '%s'\n", readlink(tp("link-to-alpha"), lb, sizeof lb - 1), lb);
  CHECK(stat(tp("sub/deeper"), &st) == 0);
  printf("deeper dir=%d mode=%o\n", S_ISDIR(st.st_mode), st.st_mode & 0777);
  /* getcwd / chdir */
  char saved[512], cwd[512];
  CHECK(getcwd(saved, sizeof saved));
  CHECK(chdir(tp("sub")) == 0);
  CHECK(getcwd(cwd, sizeof cwd));
  size_t tl = strlen(tmpdir);
  printf("cwd in tmp=%d suffix=%s\n", strncmp(cwd, tmpdir, tl) == 0, cwd + tl);
  FILE *f = fopen("inner.c", "r");
  CHECK(f);
  char line[64];
  CHECK(fgets(line, sizeof line, f));
  fclose(f);
  printf("relative read: %s", line);
  CHECK(chdir("deeper") == 0);
  CHECK(chdir("../..") == 0);
  CHECK(getcwd(cwd, sizeof cwd));
  printf("back at tmp=%d\n", strcmp(cwd, tmpdir) == 0);
  int r = rmdir("sub");
  printf("rmdir non-empty: %d %s\n", r, r ? strerror(errno) : "ok");
  r = mkdir("sub", 0755);
  printf("mkdir existing: %d %s\n", r, r ? strerror(errno) : "ok");
  /* openat-style relative ops through a dir fd */
  int dfd = open("sub", O_RDONLY | O_DIRECTORY);
  CHECK(dfd >= 0);
  int fd = openat(dfd, "via-openat", O_WRONLY | O_CREAT, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "x", 1) == 1);
  close(fd);
  CHECK(fstatat(dfd, "via-openat", &st, 0) == 0);
  printf("fstatat size=%lld\n", (long long)st.st_size);
  CHECK(unlinkat(dfd, "via-openat", 0) == 0);
  close(dfd);
  CHECK(chdir(saved) == 0);
  /* cleanup */
  CHECK(unlink(tp("sub/inner.c")) == 0);
  CHECK(rmdir(tp("sub/deeper")) == 0);
  CHECK(rmdir(tp("sub")) == 0);
  CHECK(unlink(tp("link-to-alpha")) == 0);
  for (int i = 0; i < 4; i++) CHECK(unlink(tp(names[i])) == 0);
  CHECK(rmdir(tmpdir) == 0);
  printf("cleanup ok\n");
}

static void t_fds(void) {
  printf("== fds\n");
  mk_tmp();
  /* pipe within one process */
  int p[2];
  CHECK(pipe(p) == 0);
  const char *msg = "through the pipe";
  printf("pipe write %zd\n", write(p[1], msg, strlen(msg)));
  char buf[64] = {0};
  printf("pipe read %zd '%s'\n", read(p[0], buf, sizeof buf - 1), buf);
  CHECK(write(p[1], "abc", 3) == 3);
  close(p[1]);
  memset(buf, 0, sizeof buf);
  printf("read after close %zd '%s'", read(p[0], buf, 2), buf);
  printf(" then %zd", read(p[0], buf, 10));
  printf(" then eof %zd\n", read(p[0], buf, 10));
  close(p[0]);
  /* pipe2 with bigger data, interleaved */
  CHECK(pipe2(p, O_CLOEXEC) == 0);
  uint32_t hin = 0, hout = 0;
  unsigned char chunk[1000];
  for (int round = 0; round < 20; round++) {
    for (int i = 0; i < 1000; i++) chunk[i] = (unsigned char)(i ^ round);
    hin = fnv(chunk, 1000, hin);
    CHECK(write(p[1], chunk, 1000) == 1000);
    size_t got = 0;
    while (got < 1000) {
      ssize_t n = read(p[0], chunk + got, 1000 - got);
      CHECK(n > 0);
      got += (size_t)n;
    }
    hout = fnv(chunk, 1000, hout);
  }
  printf("pipe2 rounds equal=%d cloexec=%d\n", hin == hout,
         (fcntl(p[0], F_GETFD) & FD_CLOEXEC) != 0);
  close(p[0]);
  close(p[1]);
  /* dup / dup2 redirect stdout into a file */
  fflush(stdout);
  int saved = dup(1);
  CHECK(saved > 2);
  int fd = open(tp("out.txt"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(dup2(fd, 1) == 1);
  printf("this line went to a file via dup2\n");
  fflush(stdout);
  CHECK(dup2(saved, 1) == 1);
  close(saved);
  CHECK(lseek(fd, 0, SEEK_SET) == 0);
  memset(buf, 0, sizeof buf);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  printf("file got %zd: %s", n, buf);
  int fd2 = dup(fd);
  CHECK(lseek(fd2, 5, SEEK_SET) == 5);
  printf("dup shares offset: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
  int fd3 = fcntl(fd, F_DUPFD, 20);
  printf("F_DUPFD >= 20: %d\n", fd3 >= 20);
  close(fd3);
  close(fd2);
  close(fd);
  /* write to stdout/stderr with raw write after flushing */
  fflush(stdout);
  CHECK(write(1, "raw write to fd 1\n", 18) == 18);
  /* writev */
  CHECK(unlink(tp("out.txt")) == 0);
  CHECK(rmdir(tmpdir) == 0);
  printf("fds done\n");
}

static void t_env(void) {
  printf("== env\n");
  const char *v = getenv("MIPSJIT_TEST_VAR");
  printf("MIPSJIT_TEST_VAR=%s\n", v ? v : "(unset)");
  const char *u = getenv("MIPSJIT_SURELY_UNSET_VAR");
  printf("unset var is NULL: %d\n", u == NULL);
  setenv("MIPSJIT_NEW", "set-by-guest", 1);
  printf("after setenv: %s\n", getenv("MIPSJIT_NEW"));
  unsetenv("MIPSJIT_NEW");
  printf("after unsetenv NULL: %d\n", getenv("MIPSJIT_NEW") == NULL);
}

static void t_argv(int argc, char **argv) {
  printf("== argv\n");
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; i++) printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
  printf("argv[argc]==NULL: %d\n", argv[argc] == NULL);
}

static void t_exit42(void) {
  printf("about to exit with 42\n");
  fprintf(stderr, "t_sys: fatal: deliberate failure (exit 42)\n");
  exit(42);
}

static void t_errors(void) {
  printf("== errors\n");
  int fd = open("/nonexistent-mipsjit/missing.txt", O_RDONLY);
  printf("open missing: fd=%d errno=%d %s\n", fd, errno, strerror(errno));
  FILE *f = fopen("/nonexistent-mipsjit/missing.txt", "r");
  printf("fopen missing: %s errno=%d %s\n", f ? "non-null" : "NULL", errno, strerror(errno));
  errno = 0;
  printf("close(999): %d %s\n", close(999), strerror(errno));
  char b[4];
  printf("read(999): %zd %s\n", read(999, b, 4), strerror(errno));
  printf("write(999): %zd %s\n", write(999, b, 4), strerror(errno));
  printf("chdir missing: %d %s\n", chdir("/nonexistent-mipsjit"), strerror(errno));
  struct stat st;
  printf("stat missing: %d %s\n", stat("/nonexistent-mipsjit/x", &st), strerror(errno));
  printf("rmdir missing: %d %s\n", rmdir("/nonexistent-mipsjit"), strerror(errno));
  printf("unlink missing: %d %s\n", unlink("/nonexistent-mipsjit"), strerror(errno));
  printf("open dir for write: %d %s\n", open("/tmp", O_WRONLY), strerror(errno));
  printf("lseek on pipe: ");
  int p[2];
  CHECK(pipe(p) == 0);
  printf("%ld %s\n", (long)lseek(p[0], 0, SEEK_SET), strerror(errno));
  close(p[0]);
  close(p[1]);
  errno = 0;
  perror("perror with errno 0 goes to stderr");
  printf("strerror samples: [%s] [%s] [%s]\n", strerror(ENOMEM), strerror(EACCES),
         strerror(EEXIST));
}

static void t_segv(void) {
  printf("about to dereference NULL\n");
  fflush(stdout);
  volatile int *volatile p = NULL;
  *p = 42;
  printf("survived?!\n");
}

static void t_time(void) {
  printf("== time\n");
  struct timespec a, b;
  int r1 = clock_gettime(CLOCK_MONOTONIC, &a);
  volatile unsigned long spin = 0;
  for (int i = 0; i < 100000; i++) spin += i;
  int r2 = clock_gettime(CLOCK_MONOTONIC, &b);
  printf("clock_gettime monotonic ok=%d nondecreasing=%d nsec_in_range=%d\n", r1 == 0 && r2 == 0,
         (b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec)),
         a.tv_nsec >= 0 && a.tv_nsec < 1000000000L);
  struct timespec rt;
  printf("clock_gettime realtime ok=%d after2020=%d\n", clock_gettime(CLOCK_REALTIME, &rt) == 0,
         rt.tv_sec > 1577836800);
  struct timeval tv1, tv2;
  int g1 = gettimeofday(&tv1, NULL);
  int g2 = gettimeofday(&tv2, NULL);
  printf("gettimeofday ok=%d nondecreasing=%d usec_in_range=%d\n", g1 == 0 && g2 == 0,
         (tv2.tv_sec > tv1.tv_sec || (tv2.tv_sec == tv1.tv_sec && tv2.tv_usec >= tv1.tv_usec)),
         tv1.tv_usec >= 0 && tv1.tv_usec < 1000000);
  time_t t = time(NULL);
  printf("time() after2020=%d\n", t > 1577836800);
  struct timespec req = {0, 1000000}; /* 1 ms */
  struct timespec c, d;
  clock_gettime(CLOCK_MONOTONIC, &c);
  int ns = nanosleep(&req, NULL);
  clock_gettime(CLOCK_MONOTONIC, &d);
  long long el = (d.tv_sec - c.tv_sec) * 1000000000LL + (d.tv_nsec - c.tv_nsec);
  printf("nanosleep ok=%d slept>=1ms=%d\n", ns == 0, el >= 1000000);
  struct timespec res;
  printf("clock_getres ok=%d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0);
}

static void t_ids(void) {
  printf("== ids\n");
  struct utsname u;
  CHECK(uname(&u) == 0);
  printf("sysname=%s\n", u.sysname);
  printf("getpid>0: %d getppid>=0: %d\n", getpid() > 0, getppid() >= 0);
  printf("getuid>=0: %d geteuid==getuid: %d\n", (int)getuid() >= 0, getuid() == geteuid());
  long ps = sysconf(_SC_PAGESIZE);
  printf("pagesize=%ld\n", ps);
}

static void t_mem(void) {
  printf("== mem\n");
  size_t len = 1 << 20;
  unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED);
  size_t nz = 0;
  for (size_t i = 0; i < len; i += 512) nz += m[i] != 0;
  printf("mmap anon zeroed=%d\n", nz == 0);
  for (size_t i = 0; i < len; i++) m[i] = (unsigned char)(i * 31 >> 3);
  printf("mmap hash %08x\n", fnv(m, len, 0));
  CHECK(mprotect(m, 4096, PROT_READ) == 0);
  printf("mprotect ok, read %u\n", m[100]);
  CHECK(munmap(m, len) == 0);
  printf("munmap ok\n");
  /* sbrk growth */
  void *b0 = sbrk(0);
  CHECK(b0 != (void *)-1);
  unsigned char *p = sbrk(65536);
  CHECK(p != (void *)-1);
  memset(p, 0x5a, 65536);
  printf("sbrk grew %d\n", (int)((unsigned char *)sbrk(0) - (unsigned char *)b0));
  /* mremap */
  unsigned char *q = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(q != MAP_FAILED);
  memset(q, 7, 8192);
  unsigned char *q2 = mremap(q, 8192, 65536, MREMAP_MAYMOVE);
  CHECK(q2 != MAP_FAILED);
  printf("mremap kept %d %d tail-zero %d\n", q2[0], q2[8191], q2[65535]);
  munmap(q2, 65536);
}

static void t_cat(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    printf("cannot open %s: %s\n", path, strerror(errno));
    exit(3);
  }
  char buf[4096];
  size_t n, total = 0;
  uint32_t h = 0;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    fwrite(buf, 1, n, stdout);
    h = fnv(buf, n, h);
    total += n;
  }
  fclose(f);
  printf("-- %zu bytes hash %08x\n", total, h);
}

static void t_stdio(void) {
  /* stdout and stderr interleaving; stderr is unbuffered, stdout flushed explicitly */
  printf("out 1\n");
  fflush(stdout);
  fprintf(stderr, "err 1\n");
  printf("out 2\n");
  fflush(stdout);
  fputs("err 2\n", stderr);
  puts("out 3 via puts");
  putchar('!');
  putchar('\n');
  fflush(stdout);
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("unbuffered ");
  printf("stdout\n");
  fprintf(stderr, "err %d\n", 3);
}

/* Random bytes (getrandom, AT_RANDOM) and terminal checks: the host fills them from /dev/urandom
 * (src/node-builtins.ts); only facts that hold for any random bytes are printed. */
static int all_zero(const unsigned char *bytes, size_t length) {
  for (size_t i = 0; i < length; i++)
    if (bytes[i] != 0) return 0;
  return 1;
}

static void t_random(void) {
  unsigned char first[4096], second[4096];
  ssize_t got = getrandom(first, sizeof first, 0);
  printf("getrandom 4096: %zd\n", got);
  got = getrandom(second, 16, 0);
  printf("getrandom 16: %zd\n", got);
  printf("differ: %d, zero: %d\n", memcmp(first, second, 16) != 0, all_zero(first, sizeof first));
  const unsigned char *at_random = (const unsigned char *)getauxval(AT_RANDOM);
  printf("AT_RANDOM present: %d, zero: %d\n", at_random != NULL, at_random != NULL && all_zero(at_random, 16));
  int null_fd = open("/dev/null", O_WRONLY);
  int file_fd = open("/proc/self/exe", O_RDONLY);
  printf("isatty /dev/null: %d, executable: %d, stdout: %d\n", isatty(null_fd), isatty(file_fd), isatty(1));
  close(null_fd);
  close(file_fd);
}

/* Many system calls in a hot loop (write and read through a pipe, umask, a failing lseek): their
 * results, errors included, as the loop sees them. The JIT runs these SYSCALLs in compiled code. */
static void t_syscall_loop(void) {
  int fds[2];
  if (pipe(fds) != 0) {
    printf("pipe failed\n");
    return;
  }
  unsigned sum = 0;
  char out[16], in[16];
  for (int i = 0; i < 3000; i++) {
    for (int k = 0; k < 16; k++) out[k] = (char)(i * 7 + k);
    sum = sum * 31 + (unsigned)write(fds[1], out, sizeof out);
    sum = sum * 31 + (unsigned)read(fds[0], in, sizeof in);
    for (int k = 0; k < 16; k++) sum += (unsigned char)in[k];
    sum = sum * 31 + (unsigned)umask(i & 077);
    errno = 0;
    sum = sum * 31 + (unsigned)(lseek(fds[0], 0, SEEK_SET) == -1 ? errno : 0);
  }
  printf("syscall loop: sum %u\n", sum);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: t_sys <test>\n");
    return 2;
  }
  const char *c = argv[1];
  if (!strcmp(c, "files")) t_files();
  else if (!strcmp(c, "dirs")) t_dirs();
  else if (!strcmp(c, "fds")) t_fds();
  else if (!strcmp(c, "env")) t_env();
  else if (!strcmp(c, "argv")) t_argv(argc, argv);
  else if (!strcmp(c, "exit42")) t_exit42();
  else if (!strcmp(c, "errors")) t_errors();
  else if (!strcmp(c, "segv")) t_segv();
  else if (!strcmp(c, "time")) t_time();
  else if (!strcmp(c, "ids")) t_ids();
  else if (!strcmp(c, "mem")) t_mem();
  else if (!strcmp(c, "cat") && argc > 2) t_cat(argv[2]);
  else if (!strcmp(c, "stdio")) t_stdio();
  else if (!strcmp(c, "random")) t_random();
  else if (!strcmp(c, "syscall-loop")) t_syscall_loop();
  else {
    fprintf(stderr, "unknown test %s\n", c);
    return 2;
  }
  return 0;
}
