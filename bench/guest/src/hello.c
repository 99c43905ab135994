/* Default program for `npm start`: a friendly hello from inside the MIPS guest. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

static int is_prime(unsigned n) {
  if (n < 2) return 0;
  for (unsigned d = 2; d * d <= n; d++)
    if (n % d == 0) return 0;
  return 1;
}

int main(int argc, char **argv) {
  printf("Hello from a MIPS32r2 little-endian guest, running on mipsjit!\n");
  struct utsname u;
  if (uname(&u) == 0) printf("The guest believes it runs on %s (%s).\n", u.sysname, u.machine);
  if (argc > 1) {
    printf("You passed %d argument%s:", argc - 1, argc == 2 ? "" : "s");
    for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
    printf("\n");
  }

  printf("The first 20 primes:");
  for (unsigned n = 2, found = 0; found < 20; n++)
    if (is_prime(n)) {
      printf(" %u", n);
      found++;
    }
  printf("\n");

  unsigned long long fact = 1;
  for (int i = 1; i <= 20; i++) fact *= (unsigned)i;
  printf("20! = %llu (64-bit integer math)\n", fact);

  /* Leibniz series for pi, and a few floating point facts */
  double pi = 0;
  for (int k = 0; k < 1000000; k++) pi += (k & 1 ? -4.0 : 4.0) / (2 * k + 1);
  printf("pi ~= %.10f after a million Leibniz terms (libm says %.10f)\n", pi, 4 * atan(1.0));
  printf("sqrt(2) = %.15f, e = %.15f\n", sqrt(2.0), exp(1.0));
  float golden = (1.0f + sqrtf(5.0f)) / 2.0f;
  printf("golden ratio (float) = %.7f\n", golden);

  const char *msg = "emulation is fun";
  char rev[32];
  size_t n = strlen(msg);
  for (size_t i = 0; i < n; i++) rev[i] = msg[n - 1 - i];
  rev[n] = 0;
  printf("\"%s\" backwards is \"%s\"\n", msg, rev);
  printf("Goodbye!\n");
  return 0;
}
