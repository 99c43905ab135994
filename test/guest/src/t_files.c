/* Files and descriptors a Linux program meets beyond read and write, for mipsjit (Linux user mode).
 * Usage: t_files <poll|select|locks|proc|oldstat|statfs|errno|chroot|stdin|listing|cmdline|spew N>
 * Each section prints facts that hold under any Linux (no addresses, times, pids or host paths),
 * so the output recorded under qemu-mipsel is the expected output. Built static and dynamic.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
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

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char tmpdir[64];
static void mk_tmp(void) {
  strcpy(tmpdir, "/tmp/mipsjit-files-XXXXXX");
  CHECK(mkdtemp(tmpdir) != NULL);
}
static char *tp(const char *name) {
  static char buf[4][128];
  static int k;
  k = (k + 1) & 3;
  snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
  return buf[k];
}

static const char *revents_text(short r) {
  static char buf[64];
  buf[0] = 0;
  if (r & POLLIN) strcat(buf, "IN ");
  if (r & POLLOUT) strcat(buf, "OUT ");
  if (r & POLLERR) strcat(buf, "ERR ");
  if (r & POLLHUP) strcat(buf, "HUP ");
  if (r & POLLNVAL) strcat(buf, "NVAL ");
  if (!buf[0]) strcpy(buf, "none ");
  return buf;
}

static void t_poll(void) {
  printf("== poll\n");
  int p[2];
  CHECK(pipe(p) == 0);
  struct pollfd fds[3] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {999, POLLIN, 0}};
  int n = poll(fds, 3, 0);
  printf("empty: %d read=%s", n, revents_text(fds[0].revents));
  printf("write=%s", revents_text(fds[1].revents));
  printf("bad=%s\n", revents_text(fds[2].revents));
  double t0 = now_ms();
  n = poll(fds, 1, 120);
  double waited = now_ms() - t0;
  printf("timeout: %d waited>=100ms %d\n", n, waited >= 100);
  CHECK(write(p[1], "x", 1) == 1);
  n = poll(fds, 1, -1);
  printf("data: %d read=%s\n", n, revents_text(fds[0].revents));
  close(p[1]);
  n = poll(fds, 1, -1);
  printf("data+eof: %d read=%s\n", n, revents_text(fds[0].revents));
  char c;
  CHECK(read(p[0], &c, 1) == 1);
  n = poll(fds, 1, -1);
  printf("eof: %d read=%s\n", n, revents_text(fds[0].revents));
  close(p[0]);

  /* A pipe with no reader: the write end reports an error. */
  CHECK(pipe(p) == 0);
  close(p[0]);
  struct pollfd w = {p[1], POLLOUT, 0};
  n = poll(&w, 1, 0);
  printf("no reader: %d write=%s\n", n, revents_text(w.revents));
  close(p[1]);

  /* A full pipe is not writable until the reader drains it. */
  CHECK(pipe(p) == 0);
  fcntl(p[1], F_SETFL, O_NONBLOCK);
  static char block[4096];
  long total = 0;
  for (;;) {
    ssize_t k = write(p[1], block, sizeof block);
    if (k < 0) break;
    total += k;
  }
  printf("filled: %ld bytes, then %s\n", total, errno == EAGAIN ? "EAGAIN" : strerror(errno));
  w.fd = p[1];
  n = poll(&w, 1, 0);
  printf("full: %d write=%s\n", n, revents_text(w.revents));
  CHECK(read(p[0], block, sizeof block) == sizeof block);
  n = poll(&w, 1, 0);
  printf("drained 4096: %d write=%s\n", n, revents_text(w.revents));
  close(p[0]);
  close(p[1]);

  /* poll(-1) waits for another process's write. */
  CHECK(pipe(p) == 0);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(p[0]);
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    CHECK(write(p[1], "hello", 5) == 5);
    _exit(0);
  }
  close(p[1]);
  struct pollfd r = {p[0], POLLIN, 0};
  n = poll(&r, 1, -1);
  char buf[16] = {0};
  ssize_t got = read(p[0], buf, sizeof buf - 1);
  /* The child may have exited by now (POLLHUP too): only POLLIN is certain. */
  printf("from child: %d readable %d got %zd '%s'\n", n, (r.revents & POLLIN) != 0, got, buf);
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);
  n = poll(&r, 1, -1);
  printf("child gone: %d read=%s\n", n, revents_text(r.revents));
  close(p[0]);

  /* ppoll with a timespec, and poll with no descriptors as a sleep. */
  CHECK(pipe(p) == 0);
  struct timespec ts = {0, 30 * 1000 * 1000};
  r.fd = p[0];
  t0 = now_ms();
  n = ppoll(&r, 1, &ts, NULL);
  printf("ppoll timeout: %d waited>=25ms %d\n", n, now_ms() - t0 >= 25);
  t0 = now_ms();
  n = poll(NULL, 0, 30);
  printf("poll sleep: %d waited>=25ms %d\n", n, now_ms() - t0 >= 25);
  close(p[0]);
  close(p[1]);
}

static void print_set(const char *name, fd_set *set, int a, int b) {
  printf(" %s:%d%d", name, FD_ISSET(a, set) ? 1 : 0, FD_ISSET(b, set) ? 1 : 0);
}

static void t_select(void) {
  printf("== select\n");
  int p[2];
  CHECK(pipe(p) == 0);
  fd_set rd, wr;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_SET(p[0], &rd);
  FD_SET(p[1], &wr);
  struct timeval tv = {0, 0};
  int n = select(p[1] + 1, &rd, &wr, NULL, &tv);
  printf("empty: %d", n);
  print_set("rd", &rd, p[0], p[1]);
  print_set("wr", &wr, p[0], p[1]);
  printf("\n");
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  tv.tv_sec = 0;
  tv.tv_usec = 80000;
  double t0 = now_ms();
  n = select(p[0] + 1, &rd, NULL, NULL, &tv);
  printf("timeout: %d waited>=60ms %d", n, now_ms() - t0 >= 60);
  print_set("rd", &rd, p[0], p[1]);
  printf("\n");

  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    struct timespec ts = {0, 40 * 1000 * 1000};
    nanosleep(&ts, NULL);
    CHECK(write(p[1], "z", 1) == 1);
    _exit(0);
  }
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  n = select(p[0] + 1, &rd, NULL, NULL, NULL);
  printf("from child: %d", n);
  print_set("rd", &rd, p[0], p[1]);
  printf("\n");
  int status;
  waitpid(pid, &status, 0);

  struct timespec ts = {0, 20 * 1000 * 1000};
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  n = pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL);
  printf("pselect ready: %d", n);
  print_set("rd", &rd, p[0], p[1]);
  printf("\n");

  FD_ZERO(&rd);
  FD_SET(100, &rd);
  tv.tv_sec = 0;
  tv.tv_usec = 0;
  errno = 0;
  n = select(101, &rd, NULL, NULL, &tv);
  printf("bad fd: %d %s\n", n, strerror(errno));
  close(p[0]);
  close(p[1]);
}

static void t_locks(void) {
  printf("== locks\n");
  mk_tmp();
  int fd = open(tp("lock"), O_RDWR | O_CREAT, 0644);
  CHECK(fd >= 0);
  struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
  printf("F_SETLK write: %d\n", fcntl(fd, F_SETLK, &lk));
  lk.l_type = F_RDLCK;
  printf("F_SETLKW read: %d\n", fcntl(fd, F_SETLKW, &lk));
  struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
  printf("F_GETLK: %d unlocked %d\n", fcntl(fd, F_GETLK, &q), q.l_type == F_UNLCK);
  lk.l_type = F_UNLCK;
  printf("F_SETLK unlock: %d\n", fcntl(fd, F_SETLK, &lk));
  printf("flock ex: %d\n", flock(fd, LOCK_EX));
  printf("flock sh|nb: %d\n", flock(fd, LOCK_SH | LOCK_NB));
  printf("flock un: %d\n", flock(fd, LOCK_UN));
  errno = 0;
  printf("flock bad op: %d %s\n", flock(fd, 0), strerror(errno));
  errno = 0;
  printf("flock bad fd: %d %s\n", flock(99, LOCK_EX), strerror(errno));
  close(fd);
  unlink(tp("lock"));
  rmdir(tmpdir);
}

int global_data = 42;

static int maps_line(const char *maps, uintptr_t address, char *perms, char *name) {
  const char *line = maps;
  while (*line) {
    unsigned long start, end, offset, inode;
    char p[5], dev[16];
    int consumed = 0;
    if (sscanf(line, "%lx-%lx %4s %lx %15s %lu%n", &start, &end, p, &offset, dev, &inode, &consumed) < 6) return -1;
    const char *rest = line + consumed;
    while (*rest == ' ') rest++;
    const char *eol = strchr(rest, '\n');
    size_t len = eol ? (size_t)(eol - rest) : strlen(rest);
    if (address >= start && address < end) {
      strcpy(perms, p);
      memcpy(name, rest, len);
      name[len] = 0;
      return 0;
    }
    if (!eol) break;
    line = eol + 1;
  }
  return -1;
}

static char maps[65536];
static void read_maps(void) {
  int fd = open("/proc/self/maps", O_RDONLY);
  CHECK(fd >= 0);
  size_t total = 0;
  for (;;) {
    ssize_t k = read(fd, maps + total, sizeof maps - 1 - total);
    CHECK(k >= 0);
    if (k == 0) break;
    total += k;
  }
  maps[total] = 0;
  close(fd);
}

static const char *basename_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static void t_proc(void) {
  printf("== proc\n");
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  CHECK(n > 0);
  exe[n] = 0;
  printf("exe: absolute %d name %s\n", exe[0] == '/', basename_of(exe));
  int fd = open("/proc/self/exe", O_RDONLY);
  CHECK(fd >= 0);
  unsigned char magic[4];
  CHECK(read(fd, magic, 4) == 4);
  printf("exe magic: %02x %c%c%c\n", magic[0], magic[1], magic[2], magic[3]);
  close(fd);

  read_maps();
  char perms[8], name[PATH_MAX];
  int stack_variable = 0;
  CHECK(maps_line(maps, (uintptr_t)&t_proc, perms, name) == 0);
  printf("code: %.3s %s\n", perms, basename_of(name));
  CHECK(maps_line(maps, (uintptr_t)&global_data, perms, name) == 0);
  printf("data: %.2s %s\n", perms, strstr(name, "t_files") ? "t_files" : name);
  CHECK(maps_line(maps, (uintptr_t)&stack_variable, perms, name) == 0);
  printf("stack: %.3s %s\n", perms, name);
  char *anon = mmap(NULL, 5 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(anon != MAP_FAILED);
  CHECK(mprotect(anon + 4096, 4096, PROT_READ) == 0);
  read_maps();
  CHECK(maps_line(maps, (uintptr_t)anon, perms, name) == 0);
  printf("anon: %.3s '%s'\n", perms, name);
  CHECK(maps_line(maps, (uintptr_t)anon + 4096, perms, name) == 0);
  printf("mprotected: %.3s\n", perms);
  CHECK(munmap(anon + 8192, 4096) == 0);
  read_maps();
  printf("unmapped page listed: %d\n", maps_line(maps, (uintptr_t)anon + 8192, perms, name) == 0);
  CHECK(maps_line(maps, (uintptr_t)anon + 12288, perms, name) == 0);
  printf("after the hole: %.3s\n", perms);
  munmap(anon, 5 * 4096);

  /* A file mapping is named after the file. */
  mk_tmp();
  fd = open(tp("mapped.bin"), O_RDWR | O_CREAT, 0644);
  CHECK(fd >= 0);
  CHECK(ftruncate(fd, 8192) == 0);
  char *file = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 4096);
  CHECK(file != MAP_FAILED);
  close(fd);
  read_maps();
  CHECK(maps_line(maps, (uintptr_t)file, perms, name) == 0);
  printf("file map: %.3s %s\n", perms, basename_of(name));
  unsigned long start, end, offset;
  char line_prefix[32];
  snprintf(line_prefix, sizeof line_prefix, "%08lx-", (unsigned long)(uintptr_t)file);
  const char *line = strstr(maps, line_prefix);
  CHECK(line && sscanf(line, "%lx-%lx %*s %lx", &start, &end, &offset) == 3);
  printf("file map: %lu bytes at offset 0x%lx\n", end - start, offset);
  munmap(file, 8192);
  unlink(tp("mapped.bin"));
  rmdir(tmpdir);

  struct stat st;
  printf("cpuinfo: stat %d\n", stat("/proc/cpuinfo", &st));
  fd = open("/proc/cpuinfo", O_RDONLY);
  char cpu[256];
  n = read(fd, cpu, sizeof cpu - 1);
  printf("cpuinfo: readable %d\n", n > 0);
  close(fd);
}

static void t_oldstat(void) {
  printf("== oldstat\n");
  /* o32 stat (4106), lstat (4107), fstat (4108): the 32-bit struct stat of the kernel. */
  struct {
    unsigned st_dev;
    long st_pad1[3];
    unsigned long st_ino;
    unsigned st_mode;
    unsigned st_nlink;
    unsigned st_uid, st_gid;
    unsigned st_rdev;
    long st_pad2[2];
    long st_size;
    long st_pad3;
    long st_atime_, st_atime_nsec, st_mtime_, st_mtime_nsec, st_ctime_, st_ctime_nsec;
    long st_blksize, st_blocks;
    long st_pad4[14];
  } old;
  mk_tmp();
  int fd = open(tp("f"), O_RDWR | O_CREAT, 0640);
  CHECK(fd >= 0);
  CHECK(write(fd, "0123456789", 10) == 10);
  CHECK(symlink("f", tp("link")) == 0);
  struct stat st;
  CHECK(stat(tp("f"), &st) == 0);
  long r = syscall(4106, tp("f"), &old);
  printf("stat: %ld size %ld mode %o same ino %d same dev %d mtime %d\n", r, old.st_size, old.st_mode, old.st_ino == (unsigned long)st.st_ino,
         old.st_dev == (unsigned)st.st_dev, old.st_mtime_ == (long)st.st_mtime);
  r = syscall(4107, tp("link"), &old);
  printf("lstat: %ld link %d size %ld\n", r, S_ISLNK(old.st_mode), old.st_size);
  r = syscall(4108, fd, &old);
  printf("fstat: %ld size %ld nlink %u\n", r, old.st_size, old.st_nlink);
  errno = 0;
  r = syscall(4106, tp("missing"), &old);
  printf("missing: %ld %s\n", r, strerror(errno));
  errno = 0;
  r = syscall(4108, 77, &old);
  printf("bad fd: %ld %s\n", r, strerror(errno));
  close(fd);
  unlink(tp("link"));
  unlink(tp("f"));
  rmdir(tmpdir);
}

/* Reads the whole of `tmpdir` (as find and ls do before they stat the entries); returns the count. */
static int read_all(void) {
  DIR *dir = opendir(tmpdir);
  CHECK(dir != NULL);
  int count = 0;
  while (readdir64(dir) != NULL) count++;
  closedir(dir);
  return count;
}

static void t_listing(void) {
  printf("== listing\n");
  /* getdents64's d_ino and d_type agree with what stat says of each entry. */
  mk_tmp();
  const char *names[] = {"a", "b", "c", "d"};
  for (int i = 0; i < 4; i++) {
    int fd = open(tp(names[i]), O_WRONLY | O_CREAT, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "abcd", i + 1) == i + 1);
    close(fd);
  }
  CHECK(symlink("a", tp("link")) == 0);
  CHECK(mkdir(tp("sub"), 0755) == 0);
  DIR *dir = opendir(tmpdir);
  CHECK(dir != NULL);
  int entries = 0, inode_agrees = 0, type_agrees = 0;
  for (struct dirent64 *entry; (entry = readdir64(dir)) != NULL;) {
    struct stat64 st;
    CHECK(fstatat64(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0);
    entries++;
    inode_agrees += entry->d_ino == st.st_ino;
    type_agrees += (entry->d_type == DT_DIR) == S_ISDIR(st.st_mode) && (entry->d_type == DT_LNK) == S_ISLNK(st.st_mode) &&
                   (entry->d_type == DT_REG) == S_ISREG(st.st_mode);
  }
  closedir(dir);
  printf("entries %d, inode agrees %d, type agrees %d\n", entries, inode_agrees, type_agrees);
  /* After a listing, each stat tells the file as it is when asked: after this process wrote to it,
   * through a symbolic link, twice in a row, after an unlink, after a child process changed it. */
  struct stat st;
  printf("listed %d\n", read_all());
  int fd = open(tp("b"), O_WRONLY | O_APPEND);
  CHECK(fd >= 0);
  CHECK(write(fd, "xyz", 3) == 3);
  close(fd);
  CHECK(lstat(tp("b"), &st) == 0);
  printf("b after a write: size %ld\n", (long)st.st_size);
  printf("listed %d\n", read_all());
  CHECK(stat(tp("link"), &st) == 0);
  printf("link followed: regular %d size %ld\n", S_ISREG(st.st_mode), (long)st.st_size);
  CHECK(lstat(tp("link"), &st) == 0);
  printf("link itself: link %d size %ld\n", S_ISLNK(st.st_mode), (long)st.st_size);
  CHECK(lstat(tp("a"), &st) == 0);
  CHECK(lstat(tp("a"), &st) == 0);
  printf("a twice: size %ld\n", (long)st.st_size);
  printf("listed %d\n", read_all());
  CHECK(unlink(tp("c")) == 0);
  errno = 0;
  printf("c after unlink: %d %s\n", lstat(tp("c"), &st), strerror(errno));
  printf("listed %d\n", read_all());
  pid_t child = fork();
  CHECK(child >= 0);
  if (child == 0) {
    int out = open(tp("d"), O_WRONLY | O_TRUNC);
    _exit(out >= 0 && write(out, "0123456789", 10) == 10 ? 0 : 1);
  }
  int status = 0;
  CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(lstat(tp("d"), &st) == 0);
  printf("d after the child wrote it: size %ld\n", (long)st.st_size);
  for (int i = 0; i < 4; i++) unlink(tp(names[i]));
  unlink(tp("link"));
  rmdir(tp("sub"));
  CHECK(rmdir(tmpdir) == 0);
}

/* Prints a /proc file of this process with its NULs shown as '|'. */
static void print_proc_file(const char *path) {
  char text[512];
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0);
  ssize_t length = read(fd, text, sizeof text);
  CHECK(length >= 0);
  close(fd);
  for (ssize_t i = 0; i < length; i++)
    if (text[i] == 0) text[i] = '|';
  printf("%s: %.*s", path, (int)length, text);
  if (length == 0 || text[length - 1] != '\n') printf("\n");
}

static void t_cmdline(void) {
  printf("== cmdline\n");
  /* The arguments as the program got them, then a name given by prctl, read back both ways. */
  print_proc_file("/proc/self/cmdline");
  CHECK(prctl(PR_SET_NAME, "renamed-by-prctl-long", 0, 0, 0) == 0);
  char name[17] = {0};
  CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0);
  printf("PR_GET_NAME: %s (%zu bytes)\n", name, strlen(name));
  print_proc_file("/proc/self/comm");
}

static void t_statfs(void) {
  printf("== statfs\n");
  struct statfs a, b;
  int r = statfs("/", &a);
  printf("statfs /: %d bsize>0 %d blocks>=free %d namelen %ld\n", r, a.f_bsize > 0, a.f_blocks >= a.f_bfree, (long)a.f_namelen);
  int fd = open("/", O_RDONLY | O_DIRECTORY);
  r = fstatfs(fd, &b);
  printf("fstatfs /: %d same type %d same blocks %d\n", r, a.f_type == b.f_type, a.f_blocks == b.f_blocks);
  close(fd);
  int p[2];
  CHECK(pipe(p) == 0);
  r = fstatfs(p[0], &b);
  printf("fstatfs pipe: %d type %lx\n", r, (unsigned long)b.f_type);
  close(p[0]);
  close(p[1]);
  errno = 0;
  r = statfs("/no/such/dir", &a);
  printf("missing: %d %s\n", r, strerror(errno));
}

static void t_errno(void) {
  printf("== errno\n");
#define E(label, expr)                                   \
  do {                                                   \
    errno = 0;                                           \
    long r_ = (long)(expr);                              \
    printf("%-28s %ld %s\n", label, r_, strerror(errno)); \
  } while (0)
  int p[2];
  CHECK(pipe(p) == 0);
  mk_tmp();
  CHECK(mkdir(tp("d"), 0755) == 0);
  int fd = open(tp("d/f"), O_WRONLY | O_CREAT, 0644);
  CHECK(fd >= 0);
  close(fd);
  char c = 0;
  E("waitpid(INT_MIN)", waitpid(INT_MIN, NULL, 0));
  E("waitpid(-1) no children", waitpid(-1, NULL, 0));
  E("waitpid(bad options)", waitpid(-1, NULL, 0x4000));
  E("kill(bad signal)", kill(getpid(), 200));
  E("kill(no such pid)", kill(0x3ffffff, 0));
  E("read(-1)", read(-1, &c, 1));
  E("write(read end)", write(p[0], &c, 1));
  E("read(write end)", read(p[1], &c, 1));
  E("lseek(pipe)", lseek(p[0], 0, SEEK_SET));
  E("lseek(bad whence)", lseek(0 + open(tp("d/f"), O_RDONLY), 0, 7));
  E("open(\"\")", open("", O_RDONLY));
  E("open(dir, O_WRONLY)", open(tp("d"), O_WRONLY));
  E("open(file/x)", open(tp("d/f/x"), O_RDONLY));
  E("open(O_EXCL existing)", open(tp("d/f"), O_WRONLY | O_CREAT | O_EXCL, 0644));
  E("open(O_DIRECTORY file)", open(tp("d/f"), O_RDONLY | O_DIRECTORY));
  E("mkdir(existing)", mkdir(tp("d"), 0755));
  E("rmdir(non-empty)", rmdir(tp("d")));
  E("rmdir(file)", rmdir(tp("d/f")));
  E("unlink(dir)", unlink(tp("d")));
  E("chdir(file)", chdir(tp("d/f")));
  E("close(999)", close(999));
  E("dup2(0, -1)", dup2(0, -1));
  E("dup3(1, 1, 0)", dup3(1, 1, 0));
  E("fcntl(bad cmd)", fcntl(0, 9999));
  E("pipe2(bad flags)", pipe2(p, 0x1));
  E("execve(missing)", execl(tp("nope"), "nope", (char *)NULL));
  E("execve(directory)", execl(tp("d"), "d", (char *)NULL));
  E("execve(not executable)", execl(tp("d/f"), "f", (char *)NULL));
  E("readlink(not a link)", readlink(tp("d/f"), &c, 1));
  E("getcwd(size 1)", getcwd(&c, 1));
  E("mmap(len 0)", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
  E("munmap(unaligned)", munmap((void *)0x10001, 4096));
  E("nanosleep(bad nsec)", nanosleep(&(struct timespec){0, 2000000000}, NULL));
  E("sigaction(SIGKILL)", sigaction(SIGKILL, &(struct sigaction){.sa_handler = SIG_IGN}, NULL));
  E("setpgid(-1)", setpgid(0, -1));
  unlink(tp("d/f"));
  rmdir(tp("d"));
  rmdir(tmpdir);
}

static void t_chroot(void) {
  printf("== chroot\n");
  mk_tmp();
  char *inside = tp("hello.txt");
  FILE *f = fopen(inside, "w");
  CHECK(f);
  fputs("inside the new root\n", f);
  fclose(f);
  errno = 0;
  E("chroot(missing)", chroot("/no/such/dir"));
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    int r = chroot(tmpdir);
    if (getuid() != 0) {
      /* Unprivileged: the kernel refuses. */
      printf("chroot: %s\n", r == -1 && errno == EPERM ? "EPERM as expected" : "unexpected");
      _exit(0);
    }
    if (r != 0) {
      printf("chroot failed: %s\n", strerror(errno));
      _exit(1);
    }
    char line[64] = {0};
    FILE *g = fopen("/hello.txt", "r");
    if (g && fgets(line, sizeof line, g)) printf("chroot: read /hello.txt: %s", line);
    else printf("chroot: /hello.txt not found\n");
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));
  unlink(inside);
  rmdir(tmpdir);
}

/* Polls stdin, which the test (test/linux/cli.test.ts) feeds only after "waiting" is printed. */
static void t_stdin(void) {
  struct pollfd p = {0, POLLIN, 0};
  int n = poll(&p, 1, 100);
  printf("waiting: %d\n", n);
  n = poll(&p, 1, -1);
  char buf[64];
  ssize_t k = read(0, buf, sizeof buf - 1);
  buf[k > 0 ? k : 0] = 0;
  if (k > 0 && buf[k - 1] == '\n') buf[k - 1] = 0;
  printf("input: %d readable %d got '%s'\n", n, (p.revents & POLLIN) != 0, buf);
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(0, &rd);
  n = select(1, &rd, NULL, NULL, NULL);
  k = read(0, buf, sizeof buf - 1);
  printf("end: %d set %d read %zd\n", n, FD_ISSET(0, &rd) ? 1 : 0, k);
}

/* Writes N bytes (a pattern) to stdout in 64 KiB writes: the pipe-throughput test's producer. */
static int spew(long count) {
  static unsigned char block[65536];
  for (size_t i = 0; i < sizeof block; i++) block[i] = (unsigned char)(i * 7 + (i >> 8));
  while (count > 0) {
    size_t want = count < (long)sizeof block ? (size_t)count : sizeof block;
    ssize_t k = write(1, block, want);
    if (k <= 0) return 1;
    count -= k;
  }
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) {
    fprintf(stderr, "usage: t_files <poll|select|locks|proc|oldstat|statfs|errno|chroot|stdin|listing|cmdline|spew N>\n");
    return 2;
  }
  const char *what = argv[1];
  if (!strcmp(what, "spew") && argc > 2) return spew(atol(argv[2]));
  if (!strcmp(what, "poll")) t_poll();
  else if (!strcmp(what, "select")) t_select();
  else if (!strcmp(what, "locks")) t_locks();
  else if (!strcmp(what, "proc")) t_proc();
  else if (!strcmp(what, "oldstat")) t_oldstat();
  else if (!strcmp(what, "statfs")) t_statfs();
  else if (!strcmp(what, "errno")) t_errno();
  else if (!strcmp(what, "chroot")) t_chroot();
  else if (!strcmp(what, "stdin")) t_stdin();
  else if (!strcmp(what, "listing")) t_listing();
  else if (!strcmp(what, "cmdline")) t_cmdline();
  else {
    fprintf(stderr, "unknown section %s\n", what);
    return 2;
  }
  return 0;
}
