/*
 * cli.c - helpers for the command-line front ends; see cli.h.
 */
#include <errno.h>
#include <fcntl.h>
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

tier_ruleset *cli_load_ruleset(const char *prog, const char *path, const tier_options *opt, int *status) {
  size_t n;
  *status = EXIT_RULESET;
  uint8_t *p = cli_read_file(prog, path, &n);
  if (!p) { *status = EXIT_USAGE; return NULL; }
  tier_ruleset *rs = NULL;
  char err[512];
  if (cli_is_bytecode(p, n)) {
    if (tier_load(p, n, opt, &rs, err, sizeof err) != TIER_OK) fprintf(stderr, "%s: %s: rejected: %s\n", prog, path, err);
  } else if (opt && opt->trust_key) {
    fprintf(stderr, "%s: %s: a .tier source cannot be trusted with --trust: compile and sign it first\n", prog, path);
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
  if (rs) *status = EXIT_OK;
  return rs;
}

bool cli_color(FILE *f) { return isatty(fileno(f)) && !getenv("NO_COLOR"); }

void cli_fingerprint(const uint8_t pub[32], char out[17]) {
  for (int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", pub[i]);
}

int cli_write_key(const char *prog, const char *path, const char *kind, const uint8_t *key, size_t n, bool secret) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, secret ? 0600 : 0644);
  if (fd < 0) {
    fprintf(stderr, "%s: cannot create '%s': %s\n", prog, path, strerror(errno));
    return -1;
  }
  FILE *f = fdopen(fd, "w");
  if (!f) { close(fd); return -1; }
  fprintf(f, "tierc ed25519 %s key\n", kind);
  for (size_t i = 0; i < n; i++) fprintf(f, "%02x", key[i]);
  fprintf(f, "\n");
  if (fclose(f) != 0) {
    fprintf(stderr, "%s: cannot write '%s': %s\n", prog, path, strerror(errno));
    return -1;
  }
  return 0;
}

int cli_read_key(const char *prog, const char *path, const char *kind, uint8_t *key, size_t n) {
  size_t len;
  uint8_t *p = cli_read_file(prog, path, &len);
  if (!p) return -1;
  char head[64];
  snprintf(head, sizeof head, "tierc ed25519 %s key\n", kind);
  size_t hl = strlen(head);
  int rc = -1;
  if (len < hl + 2 * n || memcmp(p, head, hl) != 0) {
    fprintf(stderr, "%s: '%s' is not a tierc %s key file (made by tierc keygen)\n", prog, path, kind);
  } else {
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
      unsigned v;
      char two[3] = {(char)p[hl + 2 * i], (char)p[hl + 2 * i + 1], 0};
      if (sscanf(two, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", two[0]) || !strchr("0123456789abcdefABCDEF", two[1])) rc = -1;
      else key[i] = (uint8_t)v;
    }
    if (rc) fprintf(stderr, "%s: '%s': the key is not valid hex\n", prog, path);
  }
  free(p);
  return rc;
}
