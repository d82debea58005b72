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
 * With TIER_FUZZ_FMT=1 every input also goes through `tierc fmt`, as the
 * differential test (tests/unit/test_fmt_diff.c) takes every file: what fmt
 * accepts, it formats to a fixed point of fmt whose text parses; what
 * compiles, fmt accepts, and its formatted text compiles to the same rules
 * (bc_rules_bytes: the bytecode without debug section and source hash).
 * The counts are printed at exit.
 *
 * Imports read real files, within $TIER_FUZZ_DIR's tree (the compiler
 * confines them there and refuses a FIFO or a device itself).
 *
 * Mutations are mostly token-level (token_mutator.h: keywords of the
 * lexer's tables, operators and the input's own tokens inserted, deleted,
 * swapped or replaced), one in eight libFuzzer's byte mutation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fmt.h"
#include "token_mutator.h"

static char fuzz_path[4096];
static const char *known_internal;
static int fmt_mode;
static size_t fmt_formatted, fmt_compared;

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

static void fmt_counts(void) {
  fprintf(stderr, "fuzz_compile fmt mode: %zu inputs formatted, %zu compiled and compared\n", fmt_formatted,
          fmt_compared);
}

static void fmt_fail(const char *what, const char *text) {
  fprintf(stderr, "fuzz_compile: fmt: %s\n--- text\n%s\n", what, text ? text : "");
  abort();
}

/* The rules bytes of compiled bytes bc (a malloc'd buffer in *out). */
static void rules_bytes(const uint8_t *bc, size_t n, struct buf *out) {
  char err[256];
  int rc = bc_rules_bytes(NULL, bc, n, out, err, sizeof err);
  if (rc != TIER_OK && rc != TIER_ENOMEM) fmt_fail(err, NULL);
}

/* TIER_FUZZ_FMT=1: see the comment at the top.  bc is the input's bytecode
 * when it compiled, else NULL. */
static void check_fmt(const uint8_t *data, size_t size, const tier_options *opt, const uint8_t *bc, size_t n) {
  struct buf once = {0}, twice = {0};
  char err[512];
  int frc = fmt_source((const char *)data, size, &once, err, sizeof err);
  if (frc != 0) {
    if (bc && frc != FMT_NOMEM) fmt_fail(err, "(the input, which compiles)");
    buf_free(&once);
    return;
  }
  buf_u8(&once, 0);
  once.n--;
  fmt_formatted++;
  if (fmt_source((const char *)once.p, once.n, &twice, err, sizeof err) != 0) fmt_fail(err, (char *)once.p);
  if (twice.n != once.n || (once.n && memcmp(twice.p, once.p, once.n) != 0)) fmt_fail("not a fixed point", (char *)once.p);
  if (fmt_syntax_check("fmt.tier", (const char *)once.p, once.n, NULL) != 0) fmt_fail("does not parse", (char *)once.p);
  if (bc) {
    uint8_t *bc2 = NULL;
    size_t n2 = 0;
    int rc = tier_compile(fuzz_path, (const char *)once.p, once.n, opt, &bc2, &n2, NULL);
    if (rc != TIER_OK && rc != TIER_ENOMEM) fmt_fail("the formatted text does not compile", (char *)once.p);
    if (rc == TIER_OK) {
      struct buf a = {0}, b = {0};
      rules_bytes(bc, n, &a);
      rules_bytes(bc2, n2, &b);
      if (!a.failed && !b.failed && (a.n != b.n || (a.n && memcmp(a.p, b.p, a.n) != 0)))
        fmt_fail("the formatted text compiles to other rules", (char *)once.p);
      fmt_compared++;
      buf_free(&a);
      buf_free(&b);
    }
    tier_free_bytes(NULL, bc2, n2);
  }
  buf_free(&once);
  buf_free(&twice);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *dir = getenv("TIER_FUZZ_DIR");
  snprintf(fuzz_path, sizeof fuzz_path, "%s/fuzz.tier", dir && *dir ? dir : "rules");
  known_internal = getenv("TIER_FUZZ_KNOWN_INTERNAL");
  if (known_internal && !*known_internal) known_internal = NULL;
  const char *f = getenv("TIER_FUZZ_FMT");
  fmt_mode = f && !strcmp(f, "1");
  if (fmt_mode) atexit(fmt_counts);
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
  int rc = tier_compile(fuzz_path, (const char *)data, size, &opt, &bc, &n, &d);

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
  if (fmt_mode) check_fmt(data, size, &opt, rc == TIER_OK ? bc : NULL, n);
  tier_free_bytes(NULL, bc, n);
  tier_diags_free(d);
  return 0;
}
