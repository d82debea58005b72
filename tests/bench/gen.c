/*
 * gen.c - write N synthetic APN partner profiles as JSON Lines (SPEC section
 * 5 shape) with tests/tools/gen.h: the benchmark's input.  Deterministic:
 * the same N and seed give the same bytes on any machine.
 *
 *   gen N [SEED] [-o FILE]      (default seed 1, default output stdout)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../tools/gen.h"

static void usage(void) { fprintf(stderr, "usage: gen N [SEED] [-o FILE]\n"); }

static int number(const char *s, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < 0) return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  const char *path = NULL;
  long n = -1, seed = 1;
  int pos = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc) {
      path = argv[++i];
    } else if (pos == 0 && number(argv[i], &n) == 0) {
      pos++;
    } else if (pos == 1 && number(argv[i], &seed) == 0) {
      pos++;
    } else {
      usage();
      return 2;
    }
  }
  if (n < 0) {
    usage();
    return 2;
  }
  FILE *f = path ? fopen(path, "wb") : stdout;
  if (!f) {
    fprintf(stderr, "gen: cannot open '%s': %s\n", path, strerror(errno));
    return 1;
  }
  static char buf[1 << 20];
  setvbuf(f, buf, _IOFBF, sizeof buf);
  for (long i = 0; i < n; i++) gen_profile(f, (uint64_t)seed, i, false);
  if (fflush(f) != 0 || ferror(f) || (path && fclose(f) != 0)) {
    fprintf(stderr, "gen: write error: %s\n", strerror(errno));
    return 1;
  }
  return 0;
}
