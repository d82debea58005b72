/*
 * test_regress.c - regressions found in review, each with the program that
 * showed it.
 */
#include "testutil.h"

/* An item metric that can fail (integer overflow) must not be computed for
 * items its aggregate's filter leaves out. */
static void item_metric_behind_filter(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile(
      "enum kind { consulting }\n"
      "record { id: text; partner type: kind; deals: list { amt: int; ok: bool; } }\n"
      "metric big for deals = amt * 1000000000000;\n"
      "metric s = sum big in deals where ok;\n"
      "tier A consulting < s >= 1000000000000; >\n", NULL);
  assert_non_null(rs);
  assert_string_equal(tu_tier(rs, "{\"id\":\"a\",\"type\":\"consulting\",\"deals\":[{\"amt\":999999,\"ok\":false},{\"amt\":1,\"ok\":true}]}", "2019-12-13"), "A");
  tier_ruleset_free(rs);
}

/* count distinct compares texts by content: a constant and the same text in
 * the record are one value. */
static void distinct_texts_by_content(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile(
      "enum kind { consulting }\n"
      "record { id: text; partner type: kind; deals: list { ok: bool; who: text; } }\n"
      "metric pick for deals = if ok then \"x\" else who;\n"
      "metric d = count distinct pick in deals;\n"
      "tier One consulting < d == 1; >\n", NULL);
  assert_non_null(rs);
  assert_string_equal(tu_tier(rs, "{\"id\":\"a\",\"type\":\"consulting\",\"deals\":[{\"ok\":false,\"who\":\"x\"},{\"ok\":true,\"who\":\"y\"}]}", "2019-12-13"), "One");
  tier_ruleset_free(rs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(item_metric_behind_filter),
      cmocka_unit_test(distinct_texts_by_content),
  };
  return cmocka_run_group_tests_name("regress", tests, NULL, NULL);
}
