/*
 * fuzz_compile.c - libFuzzer target: the input is the text of a .tier file.
 * It is compiled (lexer, parser, sema, codegen, writer, the compiler's own
 * verification); the diagnostics are rendered; and when it compiles, the
 * bytecode is loaded as any loader would, disassembled, and a fixed record
 * of each example schema is evaluated against it.  Everything is freed, so
 * LeakSanitizer reports leaks.
 *
 * The file is compiled as $TIER_FUZZ_DIR/fuzz.tier (default rules/fuzz.tier,
 * a name that does not exist) so that imports resolve next to the shipped
 * rules: the APN seeds `import "apn-schema.tier"`.  Input bit 0 of the size
 * picks --strip and bit 1 -Werror, so both writers and both severities run.
 *
 * A diagnostic that starts "internal error" (the compiler's output failed its own
 * verifier) is a compiler bug: the target aborts on it, unless the message
 * also contains one of the '|'-separated substrings of
 * $TIER_FUZZ_KNOWN_INTERNAL (known, reported bugs, so that a long run can
 * look past them).
 *
 * Imports read real files.  So that an input cannot make the target read
 * /dev/zero, /dev/stdin or a FIFO (a hang, not a bug), fopen is wrapped at
 * link time (-Wl,--wrap=fopen) and refuses anything but regular files and
 * directories while the compiler runs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

static char fuzz_path[4096];
static const char *known_internal;

static int is_known(const char *msg) {
  for (const char *k = known_internal; k && *k;) {
    const char *bar = strchr(k, '|');
    size_t n = bar ? (size_t)(bar - k) : strlen(k);
    for (const char *m = msg; n && *m; m++)
      if (strncmp(m, k, n) == 0) return 1;
    k = bar ? bar + 1 : NULL;
  }
  return 0;
}
static int in_compile;

FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode) {
  if (in_compile) {
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
      errno = EACCES;
      return NULL;
    }
  }
  return __real_fopen(path, mode);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *dir = getenv("TIER_FUZZ_DIR");
  snprintf(fuzz_path, sizeof fuzz_path, "%s/fuzz.tier", dir && *dir ? dir : "rules");
  known_internal = getenv("TIER_FUZZ_KNOWN_INTERNAL");
  if (known_internal && !*known_internal) known_internal = NULL;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  opt.max_source = 1u << 20;
  opt.strip = (int)(size & 1);
  opt.werror = (int)((size >> 1) & 1);

  uint8_t *bc = NULL;
  size_t n = 0;
  tier_diags *d = NULL;
  in_compile = 1;
  int rc = tier_compile(fuzz_path, (const char *)data, size, &opt, &bc, &n, &d);
  in_compile = 0;

  if (d) {
    fuzz_touch(tier_diags_text(d));
    size_t nd = tier_diags_count(d);
    for (size_t i = 0; i < nd; i++) {
      const tier_diag *g = tier_diags_get(d, i);
      if (!g) abort();
      fuzz_touch(g->file);
      fuzz_touch(g->message);
      fuzz_sink += g->line + g->column + (size_t)g->severity;
      if (g->message && strncmp(g->message, "internal error", 14) == 0 &&
          !is_known(g->message)) {
        fprintf(stderr, "fuzz_compile: %s\n", g->message);
        abort();
      }
    }
    if (tier_diags_get(d, nd) != NULL) abort();
  }
  if (rc == TIER_OK) {
    if (!bc || n == 0) abort();
    /* errors and success do not go together */
    for (size_t i = 0; i < tier_diags_count(d); i++)
      if (tier_diags_get(d, i)->severity == TIER_ERROR) abort();
    tier_ruleset *rs = NULL;
    char err[512];
    int lr = tier_load(bc, n, NULL, &rs, err, sizeof err);
    if (lr == TIER_OK) {
      fuzz_exercise_ruleset(rs, 0);
      tier_ruleset_free(rs);
    } else if (lr != TIER_ENOMEM) {
      /* the compiler verified these very bytes before returning them */
      fprintf(stderr, "fuzz_compile: compiled bytecode does not load: %s\n", err);
      abort();
    }
  } else if (bc) {
    abort(); /* a failed compile hands out no bytes */
  }
  tier_free_bytes(NULL, bc, n);
  tier_diags_free(d);
  return 0;
}
