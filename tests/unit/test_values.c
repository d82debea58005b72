/*
 * test_values.c - the values a rule computes with beyond fields and
 * metrics (SPEC 3.4.3-3.4.5, 3.5): aggregates over expressions, avg and
 * median, and the one clear error each mistake with them gets.  Values go
 * through the public API (source -> bytecode -> verified load ->
 * tier_eval_json) and are read back as the JSON results print them.
 */
#include "testutil.h"

#define HEAD                                                                                  \
  "enum kind { consulting }\n"                                                                \
  "record { id: text; partner type: kind; country: text; level: int;\n"                      \
  "  deals: list { mrr: money; rate: number?; apps: int?; won: bool; who: text; } }\n"

/* The value of `expr` (a metric over HEAD's record) for one record, as JSON
 * prints it ("12.5", "none"), or "error: MESSAGE" when the record fails. */
static const char *value_of(const char *expr, const char *deals) {
  static char out[256];
  char src[4096];
  size_t jn = strlen(deals) + 200;
  char *json = malloc(jn);
  assert_non_null(json);
  /* a comparison of the metric with a constant carries its value */
  snprintf(src, sizeof src, HEAD "metric v = %s;\ntier Q consulting < v == 0; >\n", expr);
  snprintf(json, jn, "{\"id\":\"x\",\"type\":\"consulting\",\"country\":\"JP\",\"level\":3,\"deals\":[%s]}", deals);
  char *diag = NULL;
  tier_ruleset *rs = tu_compile(src, &diag);
  if (!rs) fprintf(stderr, "does not compile:\n%s\n", diag);
  free(diag);
  assert_non_null(rs);
  tier_options opt = {.all_requirements = 1};
  tier_vm *vm = tier_vm_new(rs, &opt);
  const tier_result *r = NULL;
  int64_t asof = 0;
  tier_date_parse("2020-01-01", &asof);
  int rc = tier_eval_json(vm, json, strlen(json), asof, &r);
  if (rc != TIER_OK) snprintf(out, sizeof out, "error: %s", tier_vm_error(vm));
  else snprintf(out, sizeof out, "%s", r->nreqs == 1 && r->reqs[0].metric ? r->reqs[0].actual : "?");
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  free(json);
  return out;
}

/* Compiling HEAD + src must fail with this message among the diagnostics,
 * and with exactly `nerrors` errors. */
static void fails_with(const char *src, const char *msg, int nerrors) {
  char full[4096];
  snprintf(full, sizeof full, HEAD "%s", src);
  char *d = tu_diags(full);
  tu_assert_contains(d, msg);
  int n = 0;
  for (const char *p = d; (p = strstr(p, ": error: ")); p++) n++;
  if (n != nerrors) fprintf(stderr, "expected %d errors, got %d:\n%s\n", nerrors, n, d);
  assert_int_equal(n, nerrors);
  free(d);
}

#define D1 "{\"mrr\":10,\"rate\":1.5,\"apps\":1,\"won\":true,\"who\":\"x\"}"
#define D2 "{\"mrr\":20,\"rate\":0.5,\"apps\":4,\"won\":false,\"who\":\"y\"}"
#define D3 "{\"mrr\":30.5,\"rate\":2,\"apps\":2,\"won\":true,\"who\":\"x\"}"
#define D4 "{\"mrr\":1,\"rate\":1,\"apps\":7,\"won\":true,\"who\":\"z\"}"
#define DNONE "{\"mrr\":5,\"rate\":null,\"apps\":null,\"won\":true,\"who\":\"n\"}"

/* ---- aggregates over expressions (SPEC 3.4.3) ----------------------------------------- */

static void aggregates_take_expressions(void **st) {
  (void)st;
  assert_string_equal(value_of("sum (mrr * rate) in deals where won", D1 "," D2 "," D3 "," D4), "77");
  assert_string_equal(value_of("sum (mrr * rate) in deals", ""), "0");
  assert_string_equal(value_of("count distinct (who) in deals where won", D1 "," D2 "," D3 "," D4), "2");
  assert_string_equal(value_of("min (apps * 2) in deals", D1 "," D2 "," D3), "2");
  assert_string_equal(value_of("max (mrr - 1) in deals where not won", D1 "," D2 "," D3), "19");
  assert_string_equal(value_of("max (mrr - 1) in deals where not won", D1), "none");
  /* a name in parentheses is the same aggregate as the bare name */
  assert_string_equal(value_of("min (apps) in deals", D2 "," D3), "2");
  /* an item whose value is none is left out */
  assert_string_equal(value_of("sum (apps * 10) in deals", D1 "," DNONE), "10");
  /* a top-level field inside the expression is the record's */
  assert_string_equal(value_of("sum (apps * level) in deals", D1 "," D2), "15");
}

static void avg_and_median(void **st) {
  (void)st;
  assert_string_equal(value_of("avg apps in deals", D1 "," D2 "," D3 "," D4), "3.5");
  assert_string_equal(value_of("avg (mrr) in deals where won", D1 "," D3 "," D4), "13.83333333333333333333333333333333");
  /* an even count: the mean of the middle two; an odd count: the middle */
  assert_string_equal(value_of("median apps in deals", D1 "," D2 "," D3 "," D4), "3");
  assert_string_equal(value_of("median apps in deals", D4 "," D1 "," D2), "4");
  assert_string_equal(value_of("median (mrr * rate) in deals", D1 "," D2 "," D3 "," D4), "12.5");
  assert_string_equal(value_of("median mrr in deals", D3 "," D1), "20.25");
  /* none values are left out of both; of no values: none */
  assert_string_equal(value_of("avg apps in deals", DNONE "," D2), "4");
  assert_string_equal(value_of("median rate in deals", DNONE "," D2 "," D1), "1");
  assert_string_equal(value_of("avg apps in deals", ""), "none");
  assert_string_equal(value_of("median apps in deals", ""), "none");
  assert_string_equal(value_of("avg apps in deals", DNONE), "none");
  assert_string_equal(value_of("median apps in deals where won", D2), "none");
}

/* An empty list's avg is none, not a division by zero: explain and the gap
 * say "missing", not "division by zero". */
static void avg_of_nothing_is_not_a_division_by_zero(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile(HEAD "metric a = avg apps in deals;\ntier Q consulting < a >= 2; >\n", NULL);
  assert_non_null(rs);
  tier_vm *vm = tier_vm_new(rs, NULL);
  const tier_result *r = NULL;
  const char *json = "{\"id\":\"x\",\"type\":\"consulting\",\"country\":\"JP\",\"level\":3,\"deals\":[]}";
  assert_int_equal(tier_eval_json(vm, json, strlen(json), 18000, &r), TIER_OK);
  assert_int_equal(r->nunmet, 1);
  assert_true(r->unmet[0].missing);
  assert_null(strstr(r->unmet[0].actual_shown, "division"));
  assert_null(strstr(r->unmet[0].need, "division"));
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* A median sorts (heapsort, vm.c): a long list in descending order and one
 * in scrambled order.  (That the sort's steps stay within the cost bound is
 * the difftest's check: its VM counts them.) */
static void median_of_a_long_list(void **st) {
  (void)st;
  size_t n = 2001, cap = n * 80 + 100;
  char *deals = malloc(cap);
  assert_non_null(deals);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += (size_t)snprintf(deals + k, cap - k, "%s{\"mrr\":%zu,\"apps\":%zu,\"won\":true,\"who\":\"p\"}", i ? "," : "",
                          n - i, (i * 7919) % n);
  assert_string_equal(value_of("median mrr in deals", deals), "1001");
  assert_string_equal(value_of("median apps in deals", deals), "1000");
  free(deals);
}

static void aggregate_mistakes(void **st) {
  (void)st;
  fails_with("metric m = sum (who) in deals;\n", "sum needs int, money or number values, not text", 1);
  fails_with("metric m = median who in deals;\n", "median needs int, money or number values, not text", 1);
  fails_with("metric m = avg (won) in deals;\n", "avg needs int, money or number values, not bool", 1);
  fails_with("metric m = count distinct (rate) in deals;\n",
             "count distinct needs text, int, money, date, bool or enum values, not number", 1);
  fails_with("metric m = sum (count deals) in deals;\n", "'deals' is a list of the record: define that aggregate as a record metric", 1);
  fails_with("metric m = avg apsp in deals;\n", "list 'deals' has no field 'apsp'; did you mean 'apps'?", 1);
  /* min FIELD vs min(...) */
  fails_with("metric m = min(apps);\n",
             "min needs at least 2 values: min(a, b, ...) (for the smallest apps of the items of deals write `min apps in deals`)",
             1);
  fails_with("metric m = max(apps, 3) in deals;\n",
             "an aggregate takes one value from each item: write `max FIELD in deals` or `max (EXPR) in deals`", 1);
  fails_with("metric m = min apps;\n", "expected in (`min FIELD in LIST` and `min (EXPR) in LIST` aggregate a list's items; "
                                       "min(a, b, ...) compares values)", 1);
  fails_with("metric m = avg(apps);\n", "expected in (`avg FIELD in LIST` and `avg (EXPR) in LIST`", 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(aggregates_take_expressions),
      cmocka_unit_test(avg_and_median),
      cmocka_unit_test(avg_of_nothing_is_not_a_division_by_zero),
      cmocka_unit_test(median_of_a_long_list),
      cmocka_unit_test(aggregate_mistakes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
