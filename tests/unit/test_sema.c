/*
 * test_sema.c - names, types and well-formedness: every error names its
 * position and says what is wrong (both types of a type error, the allowed
 * values, a did-you-mean for a misspelt name, the metrics of a cycle), and
 * one run reports all of them.  Imports are tested on real files.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define HEAD                                                                          \
  "enum kind { consulting, technology }\n"                                            \
  "enum level { foundational, associate, professional, specialty }\n"                 \
  "record { id: text; partner type: kind; n: int; d: date; amt: money; t: text; o: date?;\n" \
  "  certs: list { person: text; level: level; earned: date; score: number; pay: money; }\n" \
  "}\n"
/* HEAD is lines 1-5; a test's own text starts on line 6 */

/* The diagnostics of src, which must be rejected. */
static char *errors_of(const char *src) {
  char *t = NULL;
  tier_ruleset *rs = tu_compile(src, &t);
  if (rs) {
    fprintf(stderr, "expected compile errors, but it compiled:\n%s\n", src);
    tier_ruleset_free(rs);
    free(t);
    fail();
  }
  return t;
}
/* Assert that src is rejected with a diagnostic containing `want`. */
static void rejects(const char *src, const char *want) {
  char *t = errors_of(src);
  tu_assert_contains(t, want);
  free(t);
}
static size_t count_of(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

/* ---- types ---------------------------------------------------------------------------- */

static void type_errors_name_both_types(void **st) {
  (void)st;
  rejects(HEAD "tier X consulting < d == 3; >\n", "test.tier:6:21: error: cannot compare date with int");
  rejects(HEAD "tier X consulting < amt == d; >\n", "test.tier:6:21: error: cannot compare money with date");
  rejects(HEAD "tier X consulting < t < 3; >\n", "cannot compare text with int");
  rejects(HEAD "tier X consulting < n == true; >\n", "cannot compare int with bool");
  rejects(HEAD "tier X consulting < o >= 1; >\n", "cannot compare date? with int");
  rejects(HEAD "tier X consulting < n + d >= 1; >\n", "cannot apply '+' to int and date");
  rejects(HEAD "tier X consulting < if n > 1 then d else 3; >\n", "'then' gives date but 'else' gives int");
  rejects(HEAD "tier X consulting < amt * amt > 1; >\n", "cannot multiply money by money");
  rejects(HEAD "tier X consulting < (d within 3 months) + 1 > 1; >\n", "cannot apply '+' to bool and int");
}

static void enum_compared_with_other_enum(void **st) {
  (void)st;
  rejects("enum kind { consulting, technology }\nenum colour { red, green }\n"
          "record { id: text; partner type: kind; c: colour; }\n"
          "tier X consulting < c == consulting; >\n",
          "cannot compare enum colour with enum kind");
}

static void requirement_and_where_must_be_bool(void **st) {
  (void)st;
  rejects(HEAD "tier X consulting < n; >\n", "test.tier:6:21: error: a requirement must be bool, not int");
  rejects(HEAD "tier X consulting < count certs where score >= 1 and person; >\n", "each side of 'and' must be bool, not text");
  rejects(HEAD "tier X consulting < any certs where person; >\n", "a 'where' condition must be bool, not text");
  rejects(HEAD "tier X consulting < not n; >\n", "the operand of 'not' must be bool, not int");
  rejects(HEAD "tier X consulting < if n then true else false; >\n", "the condition of 'if' must be bool, not int");
}

static void money_literal_with_three_decimals(void **st) {
  (void)st;
  rejects(HEAD "tier X consulting < amt >= 1500.005; >\n",
          "test.tier:6:28: error: money amount is not exact in cents (at most two decimals)");
  rejects(HEAD "tier X consulting < sum pay in certs >= 0.001; >\n", "not exact in cents");
  rejects(HEAD "metric m = amt + 0.005;\ntier X consulting < m >= 1; >\n", "not exact in cents");
  /* two decimals, and trailing zeros, are exact */
  char *t = NULL;
  tier_ruleset *rs = tu_compile(HEAD "tier X consulting < amt >= 1499.99; amt < 1500.500; >\n", &t);
  if (!rs) fprintf(stderr, "%s\n", t);
  assert_non_null(rs);
  tier_ruleset_free(rs);
  free(t);
}

static void aggregate_value_types(void **st) {
  (void)st;
  rejects(HEAD "tier X consulting < sum person in certs >= 1; >\n",
          "test.tier:6:21: error: sum needs int, money or number values, not text");
  rejects(HEAD "tier X consulting < min person in certs >= 1; >\n", "min needs int, money, number or date values, not text");
  rejects(HEAD "tier X consulting < max level in certs >= 1; >\n", "max needs int, money, number or date values, not enum level");
  rejects(HEAD "tier X consulting < count distinct score in certs >= 1; >\n", "count distinct needs");
}

static void aggregate_over_a_non_list(void **st) {
  (void)st;
  rejects(HEAD "tier X consulting < count n >= 1; >\n", "test.tier:6:27: error: 'n' is not a list");
  rejects(HEAD "tier X consulting < sum pay in amt >= 1; >\n", "'amt' is not a list");
  rejects(HEAD "tier X consulting < count certz >= 1; >\n", "unknown list 'certz'; did you mean 'certs'?");
  rejects(HEAD "tier X consulting < sum pya in certs >= 1; >\n", "list 'certs' has no field 'pya'; did you mean 'pay'?");
  /* a list is not a value */
  rejects(HEAD "tier X consulting < certs == 1; >\n", "'certs' is a list: use it in an aggregate");
}

static void nested_aggregate_rejected(void **st) {
  (void)st;
  rejects(HEAD "tier X consulting < any certs where count certs >= 1; >\n",
          "test.tier:6:37: error: an aggregate inside another aggregate is not supported");
  rejects(HEAD "tier X consulting < (count certs where (sum pay in certs) >= 1) >= 1; >\n",
          "an aggregate inside another aggregate is not supported");
  /* an item metric may not hide one either */
  rejects(HEAD "metric big for certs = pay > sum pay in certs;\ntier X consulting < count certs where big >= 1; >\n",
          "an aggregate inside another aggregate is not supported");
}

/* Lists nest at most three deep (SPEC 3.5). */
static void lists_nest_at_most_three_deep(void **st) {
  (void)st;
  char *t = tu_diags("enum k { a }\nrecord { partner t: k; a: list { b: list { c: list { x: int; } } } }\n"
                     "tier T a < >\n");
  assert_string_equal(t, "");
  free(t);
  rejects("enum k { a }\nrecord { partner t: k; a: list { b: list { c: list { d: list { x: int; } } } } }\n"
          "tier T a < >\n",
          "test.tier:2:54: error: lists nest at most 3 deep: 'a.b.c.d' would be a level more");
}

/* ---- names ------------------------------------------------------------------------------------- */

static void unknown_metric_with_suggestion(void **st) {
  (void)st;
  char *t = errors_of(HEAD "metric certified_people = count distinct person in certs;\n"
                           "tier X consulting < certfied_people >= 1; >\n");
  tu_assert_contains(t, "test.tier:7:21: error: unknown metric 'certfied_people'; did you mean 'certified_people'?\n");
  tu_assert_contains(t, "certfied_people >= 1; >\n       |                     ^~~~~~~~~~~~~~~\n");
  free(t);
  /* a misspelt field */
  rejects(HEAD "tier X consulting < amount >= 1; >\n", "unknown field 'amount'; did you mean 'amt'?");
  /* nothing close: no suggestion */
  t = errors_of(HEAD "tier X consulting < zzzzzz >= 1; >\n");
  tu_assert_contains(t, "unknown name 'zzzzzz'\n");
  assert_null(strstr(t, "did you mean"));
  free(t);
}

static void unknown_type_and_unit(void **st) {
  (void)st;
  rejects("enum kind { consulting, technology }\nrecord { id: text; partner type: kind; n: integer; }\n",
          "unknown type 'integer'");
  rejects("enum kind { consulting, technology }\nrecord { id: text; partner type: kind; n: dat; }\n", "did you mean 'date'?");
  char *t = errors_of(HEAD "tier X consulting < d within 3 weeks; >\n");
  tu_assert_contains(t, "test.tier:6:32: error: ");
  tu_assert_contains(t, "days, months or years");
  free(t);
  rejects(HEAD "tier X consulting < n >= 1; sustained 6 days; >\n", "sustained is counted in months");
  rejects(HEAD "tier X consulting < n >= 1; sustained 0 months; >\n", "sustained must be between 1 and 120 months");
  rejects(HEAD "tier X consulting < n >= 1; sustained 1 months; sustained 2 months; >\n", "tier 'X' has two time clauses");
}

static void unknown_partner_type_in_tier_header(void **st) {
  (void)st;
  rejects(HEAD "tier X consultng < n >= 1; >\n",
          "test.tier:6:8: error: unknown partner type 'consultng' (the values of kind: consulting, technology); did you mean 'consulting'?");
  rejects(HEAD "tier X partner < n >= 1; >\n", "unknown partner type 'partner' (the values of kind: consulting, technology)");
  /* a ruleset without a partner-type field */
  rejects("enum kind { consulting, technology }\nrecord { id: text; k: kind; }\ntier X consulting < >\n",
          "needs a partner-type field");
  rejects("enum kind { consulting, technology }\nrecord { id: text; partner type: kind?; }\ntier X consulting < >\n",
          "the partner-type field must be a required enum field");
}

static void in_set_value_not_in_enum(void **st) {
  (void)st;
  rejects(HEAD "tier X consulting < any certs where level in {associate, expert}; >\n",
          "test.tier:6:58: error: 'expert' is not a value of enum level (its values: foundational, associate, professional, specialty)");
  rejects(HEAD "tier X consulting < any certs where level in {associate, profesional}; >\n", "did you mean 'professional'?");
  rejects(HEAD "tier X consulting < n in {associate}; >\n", "'in { ... }' needs an enum value on its left, not int");
}

static void enum_value_in_several_enums(void **st) {
  (void)st;
  rejects("enum kind { consulting, technology }\nenum a { x, y }\nenum b { y, z }\n"
          "record { id: text; partner type: kind; }\n"
          "metric m = y;\ntier X consulting < m == m; >\n",
          "'y' is a value of several enums");
}

/* ---- metrics -------------------------------------------------------------------------------------- */

static void metric_cycle_names_the_cycle(void **st) {
  (void)st;
  char *t = errors_of(HEAD "metric a = b + 1;\nmetric b = c;\nmetric c = a;\ntier X consulting < a >= 1; >\n");
  tu_assert_contains(t, "test.tier:6:8: error: metrics form a cycle: a -> b -> c -> a");
  assert_int_equal(count_of(t, "cycle"), 1); /* one cycle, one error */
  free(t);
  rejects(HEAD "metric a = a + 1;\ntier X consulting < a >= 1; >\n", "metrics form a cycle: a -> a");
  /* a cycle that starts further down the chain */
  t = errors_of(HEAD "metric top = x;\nmetric x = y;\nmetric y = x;\ntier X consulting < top >= 1; >\n");
  tu_assert_contains(t, "metrics form a cycle: x -> y -> x");
  free(t);
}

static void metric_not_used_is_a_warning(void **st) {
  (void)st;
  char *t = NULL;
  tier_ruleset *rs = tu_compile(HEAD "metric spare = n + 1;\ntier X consulting < n >= 1; >\n", &t);
  assert_non_null(rs);
  tu_assert_contains(t, "test.tier:6:8: warning: metric 'spare' is not used by any tier");
  tier_ruleset_free(rs);
  free(t);
}

static void is_none_on_a_required_field_is_a_warning(void **st) {
  (void)st;
  char *t = NULL;
  tier_ruleset *rs = tu_compile(HEAD "tier X consulting < d is none; >\n", &t);
  assert_non_null(rs);
  tu_assert_contains(t, "warning: this value is never none (date is not optional)");
  tier_ruleset_free(rs);
  free(t);
}

/* ---- duplicates ------------------------------------------------------------------------------------------ */

static void duplicate_definitions(void **st) {
  (void)st;
  rejects(HEAD "metric a = 1;\nmetric a = 2;\ntier X consulting < a >= 1; >\n", "test.tier:7:8: error: 'a' is already defined");
  rejects(HEAD "metric n = 1;\ntier X consulting < n >= 1; >\n", "test.tier:6:8: error: 'n' is already defined");
  rejects(HEAD "enum kind { a }\ntier X consulting < n >= 1; >\n", "test.tier:6:6: error: enum 'kind' is declared twice");
  rejects(HEAD "enum e { a, b, a }\n", "value 'a' appears twice in enum 'e'");
  rejects("enum kind { consulting }\nrecord { id: text; partner type: kind; n: int; n: date; }\n", "field 'n' is declared twice");
  rejects(HEAD "tier X consulting < n >= 1; >\ntier X consulting < n >= 2; >\n",
          "test.tier:7:6: error: tier 'X' is defined twice for partner type 'consulting'");
  rejects(HEAD "record { x: int; }\n", "the record is declared twice");
  rejects(HEAD "ruleset \"a\";\nruleset \"b\";\n", "'ruleset' is given twice");
  rejects(HEAD "review = d;\nreview = d;\n", "'review' is given twice");
  rejects(HEAD "metric h for certs = pay > 1;\nmetric h for certs = pay > 2;\n", "'h' is already defined");
  rejects(HEAD "metric pay for certs = 1;\n", "'pay' is already defined");
  rejects(HEAD "metric h for nope = 1;\n", "'nope' is not a list of the record");
  /* the same tier name for another partner type is fine */
  char *t = NULL;
  tier_ruleset *rs = tu_compile(HEAD "tier X consulting < n >= 1; >\ntier X technology < n >= 2; >\n", &t);
  assert_non_null(rs);
  tier_ruleset_free(rs);
  free(t);
}

/* ---- the review rule ---------------------------------------------------------------------------------------- */

static void review_rule_restrictions(void **st) {
  (void)st;
  rejects(HEAD "review = asof;\ntier X consulting < n >= 1; >\n", "test.tier:6:10: error: the review rule cannot use asof: it defines it");
  rejects(HEAD "review = if d within 1 months then d else 2019-01-01;\n", "the review rule cannot use 'within'");
  rejects(HEAD "metric m = d;\nreview = m;\ntier X consulting < m <= 2019-01-01; >\n", "the review rule cannot use metric 'm'");
  rejects(HEAD "review = n;\n", "the review rule must give a date, not int");
  rejects(HEAD "review = max earned in certs;\n", "the review rule cannot use aggregates");
  rejects(HEAD "effective = d;\n", "'effective' takes a date");
}

/* ---- many errors, one run ------------------------------------------------------------------------------------- */

static void all_errors_reported(void **st) {
  (void)st;
  char *t = errors_of(HEAD
                      "metric a = d + 1;\n"                             /* 6 */
                      "tier X consulting <\n"                           /* 7 */
                      "  d == 3;\n"                                     /* 8 */
                      "  certfied >= 1;\n"                              /* 9 */
                      "  count n >= 1;\n"                               /* 10 */
                      "  any certs where level in {expert};\n"          /* 11 */
                      ">\n"
                      "tier Y nobody < >\n");                           /* 13 */
  tu_assert_contains(t, "test.tier:6:12: error:");
  tu_assert_contains(t, "test.tier:8:3: error: cannot compare date with int");
  tu_assert_contains(t, "test.tier:9:3: error: unknown");
  tu_assert_contains(t, "test.tier:10:9: error: 'n' is not a list");
  tu_assert_contains(t, "test.tier:11:29: error: 'expert' is not a value of enum level");
  tu_assert_contains(t, "test.tier:13:8: error: unknown partner type 'nobody'");
  assert_int_equal(count_of(t, ": error: "), 6);
  free(t);
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
      cmocka_unit_test(type_errors_name_both_types),
      cmocka_unit_test(enum_compared_with_other_enum),
      cmocka_unit_test(requirement_and_where_must_be_bool),
      cmocka_unit_test(money_literal_with_three_decimals),
      cmocka_unit_test(aggregate_value_types),
      cmocka_unit_test(aggregate_over_a_non_list),
      cmocka_unit_test(nested_aggregate_rejected),
      cmocka_unit_test(lists_nest_at_most_three_deep),
      cmocka_unit_test(unknown_metric_with_suggestion),
      cmocka_unit_test(unknown_type_and_unit),
      cmocka_unit_test(unknown_partner_type_in_tier_header),
      cmocka_unit_test(in_set_value_not_in_enum),
      cmocka_unit_test(enum_value_in_several_enums),
      cmocka_unit_test(metric_cycle_names_the_cycle),
      cmocka_unit_test(metric_not_used_is_a_warning),
      cmocka_unit_test(is_none_on_a_required_field_is_a_warning),
      cmocka_unit_test(duplicate_definitions),
      cmocka_unit_test(review_rule_restrictions),
      cmocka_unit_test(all_errors_reported),
      cmocka_unit_test(import_works),
      cmocka_unit_test(import_cycle),
      cmocka_unit_test(duplicate_import),
      cmocka_unit_test(missing_import),
      cmocka_unit_test(import_relative_to_the_importing_file),
  };
  return cmocka_run_group_tests_name("sema", tests, mkdir_setup, rmdir_teardown);
}
