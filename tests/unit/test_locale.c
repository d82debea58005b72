/*
 * test_locale.c - the library does not depend on the host's locale: a
 * program that calls setlocale(LC_ALL, "") under a locale whose decimal
 * point is a comma (de_DE.UTF-8) gets byte for byte the results and texts
 * it gets under C - compiler diagnostics, disasm, fmt, the rules diff, rule
 * tests with coverage, and every field of every result (exact numbers,
 * money, dates, shown values, needs), from both record readers.
 *
 * The locale is the system's when it has one; otherwise it is made with
 * localedef in a temporary directory (LOCPATH), which needs the locale
 * sources (Debian: the package locales) but not root.  Without them the
 * test is skipped, saying why.
 */
#include <glob.h>
#include <locale.h>
#include <unistd.h>

#include "testutil.h"

#include "record.h"

/* ---- everything the library says, as text ------------------------------------- */

static void put_file(tier_buf *out, const char *path, char **text, size_t *len) {
  tier_buf *b = tier_buf_new(NULL);
  char err[256];
  assert_int_equal(tier_read_file(path, 1u << 26, b, err, sizeof err), TIER_OK);
  *text = tier_buf_detach(b, len);
  tier_buf_free(b);
  tier_buf_printf(out, "== %s\n", path);
}

/* Compile path; its diagnostics and (when it compiles) disasm and fmt go to
 * out.  Returns the ruleset, or NULL. */
static tier_ruleset *compile(tier_buf *out, const char *path) {
  char *text;
  size_t len;
  put_file(out, path, &text, &len);
  uint8_t *bc = NULL;
  size_t n = 0;
  tier_diags *d = NULL;
  int rc = tier_compile(path, text, len, NULL, &bc, &n, &d);
  tier_buf_puts(out, tier_diags_text(d));
  tier_diags_free(d);
  tier_ruleset *rs = NULL;
  if (rc == TIER_OK) {
    char err[256];
    assert_int_equal(tier_load(bc, n, NULL, &rs, err, sizeof err), TIER_OK);
    tier_disasm(rs, path, out);
    tier_buf *diags = tier_buf_new(NULL);
    tier_fmt(path, text, len, out, diags);
    tier_buf_free(diags);
  }
  tier_free_bytes(NULL, bc, n);
  free(text);
  return rs;
}

/* A double by its bits: printing it with %g would itself depend on the locale. */
static void put_double(tier_buf *out, double v) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  tier_buf_printf(out, " %016llx", (unsigned long long)bits);
}

static void put_entry(tier_buf *out, const tier_req_result *e) {
  tier_buf_printf(out, "  %s|%s|%s|%d|%s|%s|%s|%s|%s", e->tier ? e->tier : "-", e->rule, e->metric ? e->metric : "-",
                  e->met, e->actual, e->required, e->actual_shown, e->required_shown, e->need);
  put_double(out, e->actual_value);
  put_double(out, e->required_value);
  tier_buf_putc(out, '\n');
  for (size_t i = 0; i < e->nitems; i++) put_entry(out, &e->items[i]);
}

static void put_result(tier_buf *out, int rc, tier_vm *vm, const tier_result *r) {
  if (rc != TIER_OK) {
    tier_buf_printf(out, "error %d: %s @%s\n", rc, tier_vm_error(vm), tier_vm_error_path(vm));
    return;
  }
  char asof[11];
  tier_date_format(r->asof, asof);
  tier_buf_printf(out, "%s %s %s %s -> %s\n", r->id ? r->id : "-", r->type ? r->type : "-", asof, r->tier ? r->tier : "-",
                  r->next ? r->next : "-");
  for (size_t i = 0; i < r->nreqs; i++) put_entry(out, &r->reqs[i]);
  for (size_t i = 0; i < r->nunmet; i++) put_entry(out, &r->unmet[i]);
}

/* Every record of path through both readers, every requirement's values. */
static void evaluate(tier_buf *out, tier_ruleset *rs, const char *path) {
  char *text;
  size_t len;
  put_file(out, path, &text, &len);
  tier_options opt = {.all_requirements = 1};
  tier_vm *vm = tier_vm_new(rs, &opt), *ref = tier_vm_new(rs, &opt);
  for (char *line = text, *end; line < text + len; line = end + 1) {
    end = memchr(line, '\n', (size_t)(text + len - line));
    if (!end) end = text + len;
    if (end == line) continue;
    const tier_result *r = NULL;
    int rc = tier_eval_json(vm, line, (size_t)(end - line), TIER_NO_DATE, &r);
    put_result(out, rc, vm, r);
    rc = rec_parse_ref(ref, line, (size_t)(end - line), &ref->rec);
    if (rc == TIER_OK) rc = res_eval_bound(ref, TIER_NO_DATE, &r);
    put_result(out, rc, ref, r);
  }
  tier_vm_free(vm);
  tier_vm_free(ref);
  free(text);
}

/* What the library says about the example rules, the exact numbers and the
 * functions of values, and about every faulty source of the golden tests. */
static char *render_all(size_t *len) {
  tier_buf *out = tier_buf_new(NULL);
  tier_ruleset *apn = compile(out, "rules/apn-2019.tier");
  tier_ruleset *old = compile(out, "rules/apn-2018.tier");
  tier_ruleset *exact = compile(out, "tests/golden/data/exact.tier");
  tier_ruleset *fns = compile(out, "tests/golden/data/functions.tier");
  tier_ruleset *fns2 = compile(out, "tests/golden/data/functions-v2.tier");
  assert_true(apn && old && exact && fns && fns2);
  evaluate(out, apn, "examples/partners.jsonl");
  evaluate(out, apn, "tests/golden/data/bad-records.jsonl");
  evaluate(out, exact, "tests/golden/data/exact.jsonl");
  evaluate(out, fns, "tests/golden/data/functions.jsonl");
  tier_rules_diff(old, apn, "2018", "2019", 0, out);
  tier_rules_diff(fns, fns2, "functions", "v2", 0, out);
  tier_rules_diff(fns, fns2, "functions", "v2", 1, out);
  const char *tests[] = {"examples/apn-2019.tests"};
  tier_test_run(apn, tests, 1, 1, out);
  glob_t g;
  assert_int_equal(glob("tests/golden/data/bad/*.tier", 0, NULL, &g), 0);
  for (size_t i = 0; i < g.gl_pathc; i++) tier_ruleset_free(compile(out, g.gl_pathv[i]));
  globfree(&g);
  tier_ruleset_free(apn);
  tier_ruleset_free(old);
  tier_ruleset_free(fns2);
  tier_ruleset_free(exact);
  tier_ruleset_free(fns);
  char *text = tier_buf_detach(out, len);
  tier_buf_free(out);
  assert_non_null(text);
  return text;
}

/* ---- the locale --------------------------------------------------------------- */

static char made[64]; /* the directory localedef wrote to, "" if none */

/* Make LC_ALL=name the environment's locale; the system's when it has it,
 * else one made with localedef under LOCPATH.  False, with why, when
 * neither works. */
static bool decimal_comma_locale(const char *name, char *why, size_t n) {
  if (setlocale(LC_ALL, name)) {
    setlocale(LC_ALL, "C");
  } else {
    snprintf(made, sizeof made, "/tmp/tier-locale-XXXXXX");
    if (!mkdtemp(made)) {
      snprintf(why, n, "cannot make a temporary directory");
      made[0] = 0;
      return false;
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 %s/%s > /dev/null 2>&1", made, name);
    if (system(cmd) == -1 || setenv("LOCPATH", made, 1) != 0) {
      snprintf(why, n, "cannot run localedef");
      return false;
    }
  }
  setenv("LC_ALL", name, 1);
  unsetenv("LANGUAGE"); /* the language is not what this test is about (LC_MESSAGES would follow it) */
  if (!setlocale(LC_ALL, "")) {
    snprintf(why, n, "%s is not installed and localedef could not make it (Debian: apt-get install locales)", name);
    return false;
  }
  return true;
}

static void same_under_decimal_comma(void **st) {
  (void)st;
  setlocale(LC_ALL, "C");
  size_t nc, nl;
  char *in_c = render_all(&nc);
  char why[200];
  if (!decimal_comma_locale("de_DE.UTF-8", why, sizeof why)) {
    printf("skipped: %s\n", why);
    free(in_c);
    skip();
  }
  /* the locale is in force: the C library itself now writes a comma */
  char probe[16];
  snprintf(probe, sizeof probe, "%.1f", 1.5);
  assert_string_equal(localeconv()->decimal_point, ",");
  assert_string_equal(probe, "1,5");
  char *in_de = render_all(&nl);
  setlocale(LC_ALL, "C");
  if (nc != nl || memcmp(in_c, in_de, nc) != 0) {
    size_t i = 0, line = 1;
    while (i < nc && i < nl && in_c[i] == in_de[i]) line += in_c[i++] == '\n';
    size_t from = i;
    while (from > 0 && in_c[from - 1] != '\n') from--;
    fprintf(stderr, "line %zu differs under de_DE.UTF-8:\n  C:  %.200s\n  de: %.200s\n", line, in_c + from, in_de + from);
    fail();
  }
  printf("same %zu bytes of texts and results under C and de_DE.UTF-8\n", nc);
  free(in_c);
  free(in_de);
}

static int teardown(void **st) {
  (void)st;
  if (made[0]) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", made);
    if (system(cmd) != 0) return -1;
  }
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(same_under_decimal_comma)};
  return cmocka_run_group_tests(tests, NULL, teardown);
}
