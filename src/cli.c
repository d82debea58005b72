/*
 * cli.c - helpers for the command-line front ends; see cli.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

uint8_t *cli_read_file(const char *prog, const char *path, size_t *len) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: cannot open '%s': %s\n", prog, path, strerror(errno));
    return NULL;
  }
  size_t cap = 65536, n = 0;
  uint8_t *p = malloc(cap);
  while (p) {
    size_t k = fread(p + n, 1, cap - n, f);
    n += k;
    if (n < cap) break;
    uint8_t *q = cap > ((size_t)1 << 31) ? NULL : realloc(p, cap * 2);
    if (!q) { free(p); p = NULL; break; }
    p = q;
    cap *= 2;
  }
  bool err = ferror(f);
  if (f != stdin) fclose(f);
  if (!p || err) {
    fprintf(stderr, "%s: cannot read '%s': %s\n", prog, path, p ? strerror(errno) : "file too large or out of memory");
    free(p);
    return NULL;
  }
  *len = n;
  return p;
}

bool cli_is_bytecode(const uint8_t *p, size_t n) { return n >= 4 && memcmp(p, "\x7fTBC", 4) == 0; }

tier_ruleset *cli_load_ruleset(const char *prog, const char *path, const tier_options *opt) {
  size_t n;
  uint8_t *p = cli_read_file(prog, path, &n);
  if (!p) return NULL;
  tier_ruleset *rs = NULL;
  char err[512];
  if (cli_is_bytecode(p, n)) {
    if (tier_load(p, n, opt, &rs, err, sizeof err) != TIER_OK) fprintf(stderr, "%s: %s: rejected: %s\n", prog, path, err);
  } else {
    uint8_t *bc;
    size_t bn;
    tier_diags *d;
    int rc = tier_compile(path, (const char *)p, n, opt, &bc, &bn, &d);
    fputs(tier_diags_text(d), stderr);
    if (rc == TIER_OK) {
      if (tier_load(bc, bn, opt, &rs, err, sizeof err) != TIER_OK) fprintf(stderr, "%s: %s: %s\n", prog, path, err);
      tier_free_bytes(opt, bc, bn);
    } else if (rc != TIER_ECOMPILE) {
      fprintf(stderr, "%s: %s: %s\n", prog, path, tier_strerror(rc));
    } else {
      size_t errors = 0;
      for (size_t i = 0; i < tier_diags_count(d); i++) errors += tier_diags_get(d, i)->severity == TIER_ERROR;
      fprintf(stderr, "%s: %s: %zu error%s; the ruleset is rejected\n", prog, path, errors, errors == 1 ? "" : "s");
    }
    tier_diags_free(d);
  }
  free(p);
  return rs;
}

bool cli_color(FILE *f) { return isatty(fileno(f)) && !getenv("NO_COLOR"); }
