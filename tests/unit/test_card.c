/*
 * test_card.c - end to end on the design card's example: source text ->
 * bytecode -> verified load -> tier, with partners below, at and above
 * each threshold, and cumulative tiers.
 */
#include "testutil.h"

static const char *CARD =
    "enum kind { consulting, technology }\n"
    "record { id: text; partner type: kind; certified_people: int; business_pro: int; }\n"
    "tier Registered consulting < >\n"
    "tier Select consulting < certified_people >= 4; business_pro >= 2; >\n"
    "tier Advanced consulting < certified_people >= 10; business_pro >= 4; >\n";

static tier_ruleset *rs;

static int setup(void **st) {
  (void)st;
  rs = tu_compile(CARD, NULL);
  return rs ? 0 : -1;
}
static int teardown(void **st) {
  (void)st;
  tier_ruleset_free(rs);
  return 0;
}

#define P(c, b) "{\"id\":\"x\",\"type\":\"consulting\",\"certified_people\":" #c ",\"business_pro\":" #b "}"

static void exactly_at_threshold(void **st) {
  (void)st;
  assert_string_equal(tu_tier(rs, P(4, 2), "2019-12-13"), "Select");
}
static void one_below_each_threshold(void **st) {
  (void)st;
  assert_string_equal(tu_tier(rs, P(3, 2), "2019-12-13"), "Registered");
  assert_string_equal(tu_tier(rs, P(4, 1), "2019-12-13"), "Registered");
}
static void cumulative(void **st) {
  (void)st;
  assert_string_equal(tu_tier(rs, P(10, 4), "2019-12-13"), "Advanced");
  /* meets Advanced's certified_people but not Select's business_pro */
  assert_string_equal(tu_tier(rs, P(12, 1), "2019-12-13"), "Registered");
}
static void other_type_has_no_tiers(void **st) {
  (void)st;
  assert_string_equal(tu_tier(rs, "{\"id\":\"t\",\"type\":\"technology\",\"certified_people\":50,\"business_pro\":50}", "2019-12-13"), "-");
}
static void bad_record(void **st) {
  (void)st;
  tu_assert_contains(tu_tier(rs, "{\"id\":\"x\",\"type\":\"consulting\",\"certified_people\":\"4\",\"business_pro\":2}", NULL),
                     "expected an integer, found a string @$.certified_people");
  tu_assert_contains(tu_tier(rs, "{\"id\":\"x\",\"type\":\"partner\",\"certified_people\":4,\"business_pro\":2}", NULL),
                     "unknown value 'partner' (allowed: consulting, technology) @$.type");
  tu_assert_contains(tu_tier(rs, "{\"id\":\"x\",\"type\":\"consulting\",\"business_pro\":2}", NULL),
                     "missing required field @$.certified_people");
  tu_assert_contains(tu_tier(rs, "{\"id\":", NULL), "malformed JSON");
  tu_assert_contains(tu_tier(rs, "[1]", NULL), "a record must be a JSON object");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(exactly_at_threshold), cmocka_unit_test(one_below_each_threshold),
      cmocka_unit_test(cumulative),           cmocka_unit_test(other_type_has_no_tiers),
      cmocka_unit_test(bad_record),
  };
  return cmocka_run_group_tests_name("card", tests, setup, teardown);
}
