/*
 * test_sema.c - imports, on real files in a temporary directory: an error in
 * an imported file is reported in that file, cycles and duplicates (also
 * under another spelling of the path) are errors, paths are relative to the
 * importing file.  Names, types and the other compile errors are data:
 * tests/cases/{types,names}.tier.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static size_t count_of(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

/* ---- imports ------------------------------------------------------------------------------------------------------ */

static char dir[64];

static int mkdir_setup(void **st) {
  (void)st;
  snprintf(dir, sizeof dir, "/tmp/tierc-sema-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}
static int rmdir_teardown(void **st) {
  (void)st;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}
static void put(const char *name, const char *text) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}
/* Compile file `name` of the temp directory from disk; returns the status and
 * the diagnostics (malloc'd). */
static int compile_file(const char *name, char **diags) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  uint8_t *bc = NULL;
  size_t n = 0;
  tier_diags *d = NULL;
  int rc = tier_compile(p, NULL, 0, NULL, &bc, &n, &d);
  tier_free_bytes(NULL, bc, n);
  *diags = strdup(tier_diags_text(d));
  tier_diags_free(d);
  return rc;
}

#define SCHEMA "enum kind { consulting, technology }\nrecord { id: text; partner type: kind; n: int; }\n"

static void import_works(void **st) {
  (void)st;
  put("schema.tier", SCHEMA "metric m = n * 2;\n");
  put("main.tier", "import \"schema.tier\";\ntier X consulting < m >= 4; >\n");
  char *t;
  assert_int_equal(compile_file("main.tier", &t), TIER_OK);
  free(t);
  /* an error in the imported file is reported in that file */
  put("bad-schema.tier", SCHEMA "metric m = n + d;\n");
  put("main2.tier", "import \"bad-schema.tier\";\ntier X consulting < m >= 4; >\n");
  assert_int_equal(compile_file("main2.tier", &t), TIER_ECOMPILE);
  /* named by its path: the importing file's directory, one '/', the name */
  char want[160];
  snprintf(want, sizeof want, "%s/bad-schema.tier:3:16: error: unknown field 'd'", dir);
  tu_assert_contains(t, want);
  free(t);
}

static void import_cycle(void **st) {
  (void)st;
  put("a.tier", "import \"b.tier\";\n" SCHEMA "tier X consulting < n >= 1; >\n");
  put("b.tier", "import \"a.tier\";\n");
  char *t;
  assert_int_equal(compile_file("a.tier", &t), TIER_ECOMPILE);
  tu_assert_contains(t, "b.tier:1:8: error: import cycle");
  tu_assert_contains(t, "a.tier");
  free(t);
  /* a file importing itself */
  put("self.tier", "import \"self.tier\";\n");
  assert_int_equal(compile_file("self.tier", &t), TIER_ECOMPILE);
  tu_assert_contains(t, "self.tier:1:8: error: import cycle");
  free(t);
  /* the same cycle written with ./ is still a cycle */
  put("c.tier", "import \"./d.tier\";\n" SCHEMA);
  put("d.tier", "import \"./c.tier\";\n");
  assert_int_equal(compile_file("c.tier", &t), TIER_ECOMPILE);
  tu_assert_contains(t, "d.tier:1:8: error: import cycle");
  free(t);
}

static void duplicate_import(void **st) {
  (void)st;
  put("s.tier", SCHEMA);
  put("dup.tier", "import \"s.tier\";\nimport \"s.tier\";\ntier X consulting < n >= 1; >\n");
  char *t;
  assert_int_equal(compile_file("dup.tier", &t), TIER_ECOMPILE);
  tu_assert_contains(t, "dup.tier:2:8: error:");
  tu_assert_contains(t, "imported twice");
  assert_int_equal(count_of(t, ": error: "), 1);
  free(t);
  /* the same file under another spelling of its path */
  put("dup2.tier", "import \"s.tier\";\nimport \"./s.tier\";\ntier X consulting < n >= 1; >\n");
  assert_int_equal(compile_file("dup2.tier", &t), TIER_ECOMPILE);
  tu_assert_contains(t, "dup2.tier:2:8: error:");
  tu_assert_contains(t, "imported twice");
  free(t);
}

static void missing_import(void **st) {
  (void)st;
  put("m.tier", "import \"nope.tier\";\n");
  char *t;
  assert_int_equal(compile_file("m.tier", &t), TIER_ECOMPILE);
  tu_assert_contains(t, "m.tier:1:8: error: cannot open");
  tu_assert_contains(t, "nope.tier");
  free(t);
}

static void import_relative_to_the_importing_file(void **st) {
  (void)st;
  char sub[128];
  snprintf(sub, sizeof sub, "%s/sub", dir);
  assert_int_equal(mkdir(sub, 0700) == 0 || access(sub, F_OK) == 0, 1);
  put("sub/schema.tier", SCHEMA);
  put("sub/mid.tier", "import \"schema.tier\";\nmetric m = n;\n");
  put("top.tier", "import \"sub/mid.tier\";\ntier X consulting < m >= 1; >\n");
  char *t;
  assert_int_equal(compile_file("top.tier", &t), TIER_OK);
  free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(import_works),
      cmocka_unit_test(import_cycle),
      cmocka_unit_test(duplicate_import),
      cmocka_unit_test(missing_import),
      cmocka_unit_test(import_relative_to_the_importing_file),
  };
  return cmocka_run_group_tests_name("sema", tests, mkdir_setup, rmdir_teardown);
}
