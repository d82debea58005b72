/*
 * cli.c - helpers for the command-line front ends; see cli.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

uint8_t *cli_read_file(const char *prog, const char *path, size_t max, size_t *len) {
  struct buf b = {0};
  char err[4352];
  if (file_read(path, max, &b, err, sizeof err) != TIER_OK) {
    fprintf(stderr, "%s: %s\n", prog, err);
    buf_free(&b);
    return NULL;
  }
  *len = b.n;
  return b.p; /* malloc'd by the default hook: free() */
}

bool cli_number(const char *prog, const char *option, const char *arg, uint64_t lo, uint64_t hi, uint64_t *out) {
  uint64_t v = 0;
  bool ok = *arg != 0;
  for (const char *p = arg; ok && *p; p++) {
    if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) ok = false;
    else v = v * 10 + (uint64_t)(*p - '0');
  }
  if (!ok || v < lo || v > hi) {
    fprintf(stderr, "%s: %s '%s' is not a whole number from %llu to %llu\n", prog, option, arg, (unsigned long long)lo,
            (unsigned long long)hi);
    return false;
  }
  *out = v;
  return true;
}

bool cli_import_path(const char *prog, tier_options *opt, const char *dir) {
  /* one list per process: a command line has one set of options */
  static const char *dirs[CLI_MAX_IMPORT_DIRS + 1];
  static int n;
  if (n == CLI_MAX_IMPORT_DIRS) {
    fprintf(stderr, "%s: at most %d --import-path options\n", prog, CLI_MAX_IMPORT_DIRS);
    return false;
  }
  dirs[n++] = dir;
  dirs[n] = NULL;
  opt->import_dirs = dirs;
  return true;
}

int cli_import_path_arg(const char *prog, int argc, char **argv, int *i, tier_options *opt) {
  const char *a = argv[*i], *dir;
  if (!strncmp(a, "--import-path=", 14)) dir = a + 14;
  else if (!strcmp(a, "--import-path") && *i + 1 < argc) dir = argv[++*i];
  else return 0;
  return cli_import_path(prog, opt, dir) ? 1 : -1;
}

bool cli_is_bytecode(const uint8_t *p, size_t n) { return n >= 4 && memcmp(p, "\x7fTBC", 4) == 0; }

tier_ruleset *cli_load_ruleset(const char *prog, const char *path, const tier_options *opt, int *status) {
  size_t n;
  *status = EXIT_RULESET;
  uint8_t *p = cli_read_file(prog, path, LIM_BYTECODE_BYTES, &n);
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
  uint8_t *p = cli_read_file(prog, path, LIM_KEY_BYTES, &len);
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
