/* Processes, signals and threads under Linux user mode: fork/wait trees, pipelines between
 * processes, execve, posix_spawn, signal handlers for each fault with siginfo, sigaltstack,
 * alarm, nested signals, SA_RESTART, masks, and pthreads (mutex, condvar, barrier, a futex
 * ping-pong). argv[1] names the test. Output must equal qemu-mipsel's. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/resource.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include <linux/futex.h>

extern char **environ;

static void print_status(const char *what, int status) {
  if (WIFEXITED(status)) printf("%s: exited %d\n", what, WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) printf("%s: killed by %d%s\n", what, WTERMSIG(status), WCOREDUMP(status) ? " (core)" : "");
  else printf("%s: status %#x\n", what, status);
}

/* ---- processes ---- */

static int fork_tree(void) {
  int shared = 5;
  for (int i = 0; i < 3; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      shared += i;
      pid_t grandchild = fork();
      if (grandchild == 0) _exit(10 + i);
      int status;
      waitpid(grandchild, &status, 0);
      _exit(WEXITSTATUS(status) + shared);
    }
  }
  int codes[3] = {0}, n = 0, status;
  pid_t pid;
  while ((pid = wait(&status)) > 0) codes[n++] = WEXITSTATUS(status);
  int sum = codes[0] + codes[1] + codes[2];
  printf("children %d, sum of statuses %d, parent still sees %d, then %s\n", n, sum, shared, strerror(errno));
  printf("waitpid(INT_MIN) = %d (%s)\n", (int)waitpid(INT_MIN, &status, 0), strerror(errno));
  printf("getppid of child matches: ");
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    printf("%s\n", getppid() == getppid() ? "yes" : "no");
    exit(0);
  }
  waitpid(pid, &status, 0);
  return 0;
}

static int pipeline(void) {
  int up[2], down[2];
  if (pipe(up) || pipe(down)) return 1;
  pid_t child = fork();
  if (child == 0) {
    /* An upper-caser between two pipes. */
    dup2(up[0], 0);
    dup2(down[1], 1);
    close(up[0]); close(up[1]); close(down[0]); close(down[1]);
    int c;
    while ((c = getchar()) != EOF) putchar(c >= 'a' && c <= 'z' ? c - 32 : c);
    return 0;
  }
  close(up[0]);
  close(down[1]);
  /* More than a pipe holds, so the writer has to wait for the reader. */
  char line[100];
  long total = 0;
  FILE *out = fdopen(up[1], "w");
  for (int i = 0; i < 2000; i++) fprintf(out, "line %d of the pipeline test\n", i);
  fclose(out);
  FILE *in = fdopen(down[0], "r");
  int lines = 0;
  while (fgets(line, sizeof line, in)) {
    if (lines == 0 || lines == 1999) fputs(line, stdout);
    total += strlen(line);
    lines++;
  }
  int status;
  waitpid(child, &status, 0);
  printf("%d lines, %ld bytes\n", lines, total);
  print_status("filter", status);
  return 0;
}

static int exec_self(const char *self) {
  pid_t pid = fork();
  if (pid == 0) {
    char *args[] = {(char *)self, "exec-target", "from", "execve", NULL};
    char *env[] = {"EXEC_VAR=passed", NULL};
    execve(self, args, env);
    perror("execve");
    _exit(99);
  }
  int status;
  waitpid(pid, &status, 0);
  print_status("exec child", status);
  errno = 0;
  char *args[] = {"nope", NULL};
  printf("execve of a missing file: %d %s\n", execve("/nonexistent/prog", args, environ), strerror(errno));
  printf("execve of a directory: %d %s\n", execve("/", args, environ), strerror(errno));
  return 0;
}

static int exec_target(int argc, char **argv) {
  printf("exec target:");
  for (int i = 0; i < argc; i++) printf(" [%s]", i == 0 ? "self" : argv[i]);
  printf(" EXEC_VAR=%s\n", getenv("EXEC_VAR"));
  return 12;
}

static int spawn(const char *self) {
  pid_t pid;
  char *args[] = {(char *)self, "exec-target", "via", "posix_spawn", NULL};
  char *env[] = {"EXEC_VAR=spawned", NULL};
  int err = posix_spawn(&pid, self, NULL, NULL, args, env);
  printf("posix_spawn: %s\n", strerror(err));
  int status;
  fflush(stdout);
  waitpid(pid, &status, 0);
  print_status("spawned", status);
  return 0;
}

static int kill_child(void) {
  int fds[2];
  pipe(fds);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[1]);
    char c;
    read(fds[0], &c, 1); /* blocks: the parent never writes */
    _exit(0);
  }
  close(fds[0]);
  kill(pid, SIGTERM);
  int status;
  waitpid(pid, &status, 0);
  print_status("terminated child", status);
  pid = fork();
  if (pid == 0) {
    volatile int *p = NULL;
    *p = 1;
    _exit(0);
  }
  waitpid(pid, &status, 0);
  print_status("segfaulting child", status);
  pid = fork();
  if (pid == 0) abort();
  waitpid(pid, &status, 0);
  print_status("aborting child", status);
  siginfo_t info;
  pid = fork();
  if (pid == 0) _exit(3);
  memset(&info, 0, sizeof info);
  waitid(P_PID, pid, &info, WEXITED);
  printf("waitid: signo %d code %d status %d pid ok %d\n", info.si_signo, info.si_code, info.si_status, info.si_pid == pid);
  printf("wait with no children: %d %s\n", (int)wait(NULL), strerror(errno));
  return 0;
}

/* ---- signals ---- */

static sigjmp_buf recover;
static volatile sig_atomic_t last_signal;

static void fault_handler(int signal, siginfo_t *info, void *context) {
  ucontext_t *uc = context;
  printf("  handler: signal %d code %d addr %s, pc in context %s\n", signal, info->si_code,
         info->si_addr == (void *)0x10 ? "0x10" : info->si_addr != NULL ? "set" : "null",
         uc->uc_mcontext.pc != 0 ? "set" : "zero");
  siglongjmp(recover, 1);
}

static int faults(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = fault_handler;
  action.sa_flags = SA_SIGINFO;
  int signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
  for (int i = 0; i < 5; i++) sigaction(signals[i], &action, NULL);
  if (sigsetjmp(recover, 1) == 0) {
    printf("null+16 store:\n");
    volatile int *target = (volatile int *)(uintptr_t)0x10;
    *target = 1;
  }
  if (sigsetjmp(recover, 1) == 0) {
    printf("unaligned load:\n");
    volatile char buffer[8] = {0};
    volatile int value = *(volatile int *)(buffer + 1);
    (void)value;
  }
  if (sigsetjmp(recover, 1) == 0) {
    printf("integer overflow (add):\n");
    int big = 0x7fffffff, sum;
    __asm__ volatile("add %0, %1, %1" : "=r"(sum) : "r"(big));
  }
  if (sigsetjmp(recover, 1) == 0) {
    printf("reserved instruction:\n");
    __asm__ volatile(".word 0x7c0000ff"); /* no such SPECIAL3 function */
  }
  if (sigsetjmp(recover, 1) == 0) {
    printf("break:\n");
    __asm__ volatile("break 0");
  }
  if (sigsetjmp(recover, 1) == 0) {
    printf("trap (teq, code 0):\n");
    __asm__ volatile("teq $0, $0");
  }
  if (sigsetjmp(recover, 1) == 0) {
    printf("write to read-only page:\n");
    char *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    page[0] = 1;
  }
  printf("still alive\n");
  return 0;
}

/* A SIGFPE handler that resumes after the trapping ADD (it moves the context's PC past it), hit
 * from a hot loop that keeps many registers live: compiled code must hand the handler the whole
 * register file, and keep what the handler's return restores. */
static volatile int overflow_traps;

static void skip_overflow(int signal, siginfo_t *info, void *context) {
  (void)signal;
  (void)info;
  ucontext_t *frame = context;
  overflow_traps++;
  frame->uc_mcontext.pc += 4;
}

static int overflow_resume(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = skip_overflow;
  action.sa_flags = SA_SIGINFO;
  sigaction(SIGFPE, &action, NULL);
  unsigned sum = 0, x = 0, y = 7;
  for (int i = 0; i < 20000; i++) {
    int addend = i % 100 == 0 ? 0x7fffffff : i, result = -1;
    x = x * 33 + i;
    y ^= x + (y << 3);
    __asm__ volatile("add %0, %1, %2" : "+r"(result) : "r"(addend), "r"(1));
    sum += result + x + y;
  }
  printf("overflow traps %d, sum %u, x %u, y %u\n", overflow_traps, sum, x, y);
  return 0;
}

static volatile int nested_depth, max_depth;
static void usr_handler(int signal) {
  nested_depth++;
  if (nested_depth > max_depth) max_depth = nested_depth;
  printf("  in handler for %d at depth %d\n", signal, nested_depth);
  static int again;
  if (signal == SIGUSR1) raise(SIGUSR2); /* not blocked: nests */
  if (signal == SIGUSR1 && !again++) raise(SIGUSR1); /* blocked while we run: after we return */
  nested_depth--;
}

static int handlers(void) {
  signal(SIGUSR1, usr_handler);
  signal(SIGUSR2, usr_handler);
  raise(SIGUSR1);
  printf("max depth %d\n", max_depth);
  /* A blocked signal stays pending until unblocked. */
  sigset_t set, old, pending;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  sigprocmask(SIG_BLOCK, &set, &old);
  kill(getpid(), SIGUSR2);
  sigpending(&pending);
  printf("pending while blocked: %d\n", sigismember(&pending, SIGUSR2));
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("after unblock\n");
  /* Registers survive a handler (the frame restores them all). */
  volatile double d = 1.25;
  volatile long long wide = 0x123456789abcdefLL;
  raise(SIGUSR2);
  printf("registers kept: %g %llx\n", d * 2, wide);
  signal(SIGUSR1, SIG_IGN);
  raise(SIGUSR1);
  printf("ignored SIGUSR1\n");
  return 0;
}

static char altstack[16384];
static void onstack_handler(int signal) {
  char local;
  printf("  handler on the alternate stack: %s\n", &local >= altstack && &local < altstack + sizeof altstack ? "yes" : "no");
  stack_t current;
  sigaltstack(NULL, &current);
  printf("  ss_flags in handler: %d\n", current.ss_flags);
  (void)signal;
}

static int altstack_test(void) {
  stack_t stack = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  printf("sigaltstack: %d\n", sigaltstack(&stack, NULL));
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = onstack_handler;
  action.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR1, &action, NULL);
  raise(SIGUSR1);
  stack_t current;
  sigaltstack(NULL, &current);
  printf("ss_flags outside: %d, size %zu\n", current.ss_flags, current.ss_size);
  return 0;
}

static volatile sig_atomic_t alarms;
static void alarm_handler(int signal) {
  alarms++;
  (void)signal;
}

static int alarm_test(void) {
  signal(SIGALRM, alarm_handler);
  alarm(1);
  pause();
  printf("alarm fired: %d\n", alarms);
  struct itimerval timer = {.it_interval = {0, 20000}, .it_value = {0, 20000}};
  setitimer(ITIMER_REAL, &timer, NULL);
  while (alarms < 4) pause();
  timer.it_value.tv_usec = 0;
  timer.it_interval.tv_usec = 0;
  setitimer(ITIMER_REAL, &timer, NULL);
  printf("interval timer fired: %d\n", alarms >= 4);
  /* A read interrupted by a handler without SA_RESTART fails with EINTR... */
  int fds[2];
  pipe(fds);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = alarm_handler;
  sigaction(SIGALRM, &action, NULL);
  alarm(1);
  char c;
  ssize_t got = read(fds[0], &c, 1);
  printf("read without SA_RESTART: %zd %s\n", got, strerror(errno));
  /* ...and with SA_RESTART it goes on (here until the writer child writes). */
  action.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &action, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    usleep(1500000);
    write(fds[1], "x", 1);
    _exit(0);
  }
  alarm(1);
  got = read(fds[0], &c, 1);
  printf("read with SA_RESTART: %zd %c\n", got, c);
  waitpid(pid, NULL, 0);
  /* SIGCHLD reaches a handler. */
  signal(SIGCHLD, alarm_handler);
  int before = alarms;
  pid = fork();
  if (pid == 0) _exit(0);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
  printf("SIGCHLD handled: %d\n", alarms > before);
  return 0;
}

/* ---- threads ---- */

#define THREADS 8
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static long counter;
static int turn;

static void *worker(void *argument) {
  long id = (long)argument;
  for (int i = 0; i < 20000; i++) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
  }
  pthread_barrier_wait(&barrier);
  /* Take turns in id order through the condition variable. */
  pthread_mutex_lock(&lock);
  while (turn != id) pthread_cond_wait(&cond, &lock);
  printf("thread %ld: counter %ld, tid differs from pid %d\n", id, counter, (int)syscall(SYS_gettid) != getpid());
  turn++;
  pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&lock);
  return (void *)(id * 10);
}

static int threads(void) {
  pthread_t handles[THREADS];
  pthread_barrier_init(&barrier, NULL, THREADS);
  for (long i = 0; i < THREADS; i++) pthread_create(&handles[i], NULL, worker, (void *)i);
  long sum = 0;
  for (int i = 0; i < THREADS; i++) {
    void *result;
    pthread_join(handles[i], &result);
    sum += (long)result;
  }
  printf("joined %d threads, sum %ld, counter %ld\n", THREADS, sum, counter);
  return 0;
}

static int ping_word;
static void *ponger(void *argument) {
  for (int i = 0; i < 1000; i++) {
    while (__atomic_load_n(&ping_word, __ATOMIC_ACQUIRE) != 1) syscall(SYS_futex, &ping_word, FUTEX_WAIT, 0, NULL, NULL, 0);
    __atomic_store_n(&ping_word, 0, __ATOMIC_RELEASE);
    syscall(SYS_futex, &ping_word, FUTEX_WAKE, 1, NULL, NULL, 0);
  }
  return argument;
}

static volatile int spin_flag;
static void *spinner(void *argument) {
  /* Spin-waits without a system call: the scheduler must preempt it. */
  while (!spin_flag) {}
  return argument;
}

static int futex_pingpong(void) {
  pthread_t thread;
  pthread_create(&thread, NULL, ponger, NULL);
  for (int i = 0; i < 1000; i++) {
    __atomic_store_n(&ping_word, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, &ping_word, FUTEX_WAKE, 1, NULL, NULL, 0);
    while (__atomic_load_n(&ping_word, __ATOMIC_ACQUIRE) != 0) syscall(SYS_futex, &ping_word, FUTEX_WAIT, 1, NULL, NULL, 0);
  }
  pthread_join(thread, NULL);
  printf("1000 futex round trips\n");
  struct timespec timeout = {0, 50000000};
  int value = 7;
  long result = syscall(SYS_futex, &value, FUTEX_WAIT, 7, &timeout, NULL, 0);
  printf("futex timeout: %ld %s\n", result, strerror(errno));
  pthread_create(&thread, NULL, spinner, NULL);
  usleep(10000);
  spin_flag = 1;
  pthread_join(thread, NULL);
  printf("spinner finished\n");
  return 0;
}

/* Nice values: kept per process, inherited by fork, clamped to 19, errors for a bad `which` and
 * for no such process. (Lowering one takes root, and a process group's value depends on who else is
 * in it, so neither is tried.) */
static int nice_values(void) {
  printf("nice at start %d\n", getpriority(PRIO_PROCESS, 0));
  printf("set 5: %d, now %d\n", setpriority(PRIO_PROCESS, 0, 5), getpriority(PRIO_PROCESS, 0));
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    printf("child %d\n", getpriority(PRIO_PROCESS, 0));
    fflush(stdout);
    _exit(0);
  }
  waitpid(child, NULL, 0);
  int set = setpriority(PRIO_PROCESS, getpid(), 99);
  printf("set 99: %d, now %d\n", set, getpriority(PRIO_PROCESS, 0));
  errno = 0;
  int bad = getpriority(7, 0);
  printf("bad which: %d %s\n", bad, strerror(errno));
  errno = 0;
  int none = getpriority(PRIO_PROCESS, 999999);
  printf("no such process: %d %s\n", none, strerror(errno));
  return 0;
}

/* Which signals this process was started with ignored (what its parent left as SIG_IGN: nohup,
 * a shell's background job, `trap "" SIG`). */
static int ignored_at_start(void) {
  const int signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGUSR1, SIGUSR2, SIGCHLD, SIGTSTP};
  const char *names[] = {"HUP", "INT", "QUIT", "PIPE", "TERM", "USR1", "USR2", "CHLD", "TSTP"};
  for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
    struct sigaction action;
    if (sigaction(signals[i], NULL, &action) != 0) return 1;
    printf("%s %s\n", names[i], action.sa_handler == SIG_IGN ? "ignored" : "default");
  }
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *test = argc > 1 ? argv[1] : "";
  if (!strcmp(test, "exec-target")) return exec_target(argc - 1, argv + 1);
  if (!strcmp(test, "fork")) return fork_tree();
  if (!strcmp(test, "pipeline")) return pipeline();
  if (!strcmp(test, "exec")) return exec_self(argv[0]);
  if (!strcmp(test, "spawn")) return spawn(argv[0]);
  if (!strcmp(test, "kill")) return kill_child();
  if (!strcmp(test, "faults")) return faults();
  if (!strcmp(test, "handlers")) return handlers();
  if (!strcmp(test, "overflow-resume")) return overflow_resume();
  if (!strcmp(test, "altstack")) return altstack_test();
  if (!strcmp(test, "alarm")) return alarm_test();
  if (!strcmp(test, "threads")) return threads();
  if (!strcmp(test, "futex")) return futex_pingpong();
  if (!strcmp(test, "nice")) return nice_values();
  if (!strcmp(test, "ignored")) return ignored_at_start();
  if (!strcmp(test, "die-term")) { raise(SIGTERM); return 0; }
  if (!strcmp(test, "die-segv")) { *(volatile int *)0 = 0; return 0; }
  fprintf(stderr, "unknown test %s\n", test);
  return 2;
}
