/*
 * test_limits.c - no fixed-size table indexed by a count the source
 * controls: rulesets with many metrics over one list, many count distincts,
 * long filters, each compiled, loaded and evaluated with every value checked
 * (a tier that holds only when every metric has the value worked out by hand).
 */
#include "testutil.h"

#define HEAD                                                                   \
  "enum kind { a, b }\n"                                                       \
  "record r { id: text; partner k: kind; items: list { name: text; n: int; } }\n"

/* items n = 1..5, names x, y, x, z, y: three distinct names */
#define ITEMS                                                                  \
  "{\"id\":\"P\",\"k\":\"a\",\"items\":[{\"name\":\"x\",\"n\":1},{\"name\":\"y\",\"n\":2},"  \
  "{\"name\":\"x\",\"n\":3},{\"name\":\"z\",\"n\":4},{\"name\":\"y\",\"n\":5}]}"

static char *cat(char *dst, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static char *cat(char *dst, size_t *len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int w = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  dst = realloc(dst, *len + (size_t)w + 1);
  va_start(ap, fmt);
  vsnprintf(dst + *len, (size_t)w + 1, fmt, ap);
  va_end(ap);
  *len += (size_t)w;
  return dst;
}

static void check_holds(const char *src) {
  char *diags = NULL;
  tier_ruleset *rs = tu_compile(src, &diags);
  if (!rs) fprintf(stderr, "%s", diags);
  assert_non_null(rs);
  free(diags);
  assert_string_equal(tu_tier(rs, ITEMS, "2019-12-13"), "All");
  tier_ruleset_free(rs);
}

/* The case that crashed tierc: ten counts and a count distinct over one list
 * overflowed an 8-entry table indexed by the metric's position. */
static void ten_counts_and_a_distinct(void **st) {
  (void)st;
  char *s = NULL;
  size_t n = 0;
  s = cat(s, &n, "%s", HEAD);
  for (int k = 1; k <= 10; k++) s = cat(s, &n, "metric c%d = count items where n > %d;\n", k, k - 1);
  s = cat(s, &n, "metric d1 = count distinct name in items;\ntier All a < d1 == 3;");
  for (int k = 1; k <= 10; k++) s = cat(s, &n, " c%d == %d;", k, k <= 5 ? 6 - k : 0);
  s = cat(s, &n, " >\n");
  check_holds(s);
  free(s);
}

/* More count distincts over one list than one loop's sets: the compiler
 * splits them over several loops, each value still right. */
static void many_distincts_on_one_list(void **st) {
  (void)st;
  char *s = NULL;
  size_t n = 0;
  s = cat(s, &n, "%s", HEAD);
  for (int k = 0; k < 70; k++) s = cat(s, &n, "metric d%d = count distinct name in items where n > %d;\n", k, k % 5);
  s = cat(s, &n, "tier All a <");
  /* names with n > 0: x y z (3); > 1: y x z (3); > 2: x z y (3); > 3: z y (2); > 4: y (1) */
  static const int want[5] = {3, 3, 3, 2, 1};
  for (int k = 0; k < 70; k++) s = cat(s, &n, " d%d == %d;", k, want[k % 5]);
  s = cat(s, &n, " >\n");
  check_holds(s);
  free(s);
}

/* A filter of 150 conditions: the jumps to patch have no fixed table. */
static void long_filter(void **st) {
  (void)st;
  char *s = NULL;
  size_t n = 0;
  s = cat(s, &n, "%s metric c = count items where n >= 1", HEAD);
  for (int k = 0; k < 150; k++) s = cat(s, &n, " and n != %d", 100 + k);
  s = cat(s, &n, " and n <= 4;\ntier All a < c == 4; >\n");
  check_holds(s);
  free(s);
}

/* A chain of metrics each using the next (typed recursively) has a limit;
 * the stack that finds cycles grows with it. */
static char *metric_chain(int len) {
  char *s = NULL;
  size_t n = 0;
  s = cat(s, &n, "%stier All a < m0 >= 0; >\n", HEAD);
  for (int k = 0; k + 1 < len; k++) s = cat(s, &n, "metric m%d = m%d + 1;\n", k, k + 1);
  return cat(s, &n, "metric m%d = count items;\n", len - 1);
}
static void metric_chain_limit(void **st) {
  (void)st;
  char *s = metric_chain(LIM_METRIC_CHAIN);
  check_holds(s);
  free(s);
  s = metric_chain(LIM_METRIC_CHAIN + 1);
  char *d = tu_diags(s);
  tu_assert_contains(d, "error: metric 'm256' sits at the end of a chain of more than 256 metrics each using the next");
  free(d);
  free(s);
}

/* A list item of more fields than the record reader keeps per item is a
 * compile error, as a file claiming one is a load error. */
static void list_item_width_limit(void **st) {
  (void)st;
  char *s = NULL;
  size_t n = 0;
  s = cat(s, &n, "enum kind { a }\nrecord r { id: text; partner k: kind; wide: list {");
  for (int k = 0; k <= LIM_ITEM_SLOTS; k++) s = cat(s, &n, " f%d: int?;", k);
  s = cat(s, &n, " } }\ntier All a < >\n");
  char *d = tu_diags(s);
  tu_assert_contains(d, "error: list 'wide' has 1025 fields; the limit is 1024");
  free(d);
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ten_counts_and_a_distinct),
      cmocka_unit_test(many_distincts_on_one_list),
      cmocka_unit_test(long_filter),
      cmocka_unit_test(metric_chain_limit),
      cmocka_unit_test(list_item_width_limit),
  };
  return cmocka_run_group_tests_name("limits", tests, NULL, NULL);
}
