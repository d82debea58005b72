/*
 * test_exact.c - what `number` means when rules run (SPEC 3.4.1, 3.4.2,
 * 3.5): arithmetic is exact, a literal, a percent literal or a JSON number
 * is exactly the decimal it writes, division by zero gives none,
 * `if`/`and`/`or` are lazy, a value out of range is one error of the
 * record, the functions of values (min, max, abs, floor, ceil, round) keep
 * their argument's type and round half away from zero, and results carry
 * numbers both exactly (JSON) and as people read them.  Everything goes
 * through the public API: source -> bytecode -> verified load ->
 * tier_eval_json.
 */
#include "testutil.h"

static int64_t day(const char *s) {
  int64_t d = 0;
  assert_int_equal(tier_date_parse(s, &d), 0);
  return d;
}

#define HEAD                                                                                 \
  "enum kind { consulting, technology }\n"                                                   \
  "record { id: text; partner type: kind; now: number; prior: number; rev: money; prev: money;\n" \
  "  seats: int; big: int; flag: bool; opt: number?; day: date?; iopt: int?;\n"             \
  "  deals: list { amount: number; w: number?; } }\n"                                        \
  "tier Base consulting < >\n"

/* The tier held ("-" for none) for one record, or "error: MESSAGE". */
static const char *eval_src(const char *src, const char *json) {
  static char out[700];
  char *diag = NULL;
  tier_ruleset *rs = tu_compile(src, &diag);
  if (!rs) fprintf(stderr, "does not compile:\n%s\n", diag);
  free(diag);
  assert_non_null(rs);
  tier_vm *vm = tier_vm_new(rs, NULL);
  const tier_result *r = NULL;
  int rc = tier_eval_json(vm, json, strlen(json), day("2019-12-13"), &r);
  if (rc == TIER_OK) snprintf(out, sizeof out, "%s", r->tier ? r->tier : "-");
  else snprintf(out, sizeof out, "error: %s", tier_vm_error(vm));
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  return out;
}

/* Does requirement `rule` hold for the record? */
static bool holds(const char *rule, const char *fields) {
  char src[2048], json[1024];
  snprintf(src, sizeof src, HEAD "tier Q consulting < %s; >\n", rule);
  /* the required fields the test does not give are 0 (false) */
  static const char *const req[] = {"now", "prior", "rev", "prev", "seats", "big", "flag"};
  int k = snprintf(json, sizeof json, "{\"id\":\"x\",\"type\":\"consulting\"");
  for (size_t i = 0; i < sizeof req / sizeof *req; i++) {
    char key[16];
    snprintf(key, sizeof key, "\"%s\":", req[i]);
    if (!strstr(fields, key)) k += snprintf(json + k, sizeof json - (size_t)k, ",%s%s", key, i == 6 ? "false" : "0");
  }
  snprintf(json + k, sizeof json - (size_t)k, "%s%s}", *fields ? "," : "", fields);
  const char *t = eval_src(src, json);
  if (strncmp(t, "error", 5) == 0) fprintf(stderr, "%s: %s\n", rule, t);
  assert_true(strncmp(t, "error", 5) != 0);
  return strcmp(t, "Q") == 0;
}

static void spec_examples_hold(void **st) {
  (void)st;
  assert_true(holds("100 * 1.1 == 110", ""));
  assert_true(holds("0.1 + 0.2 == 0.3", ""));
  assert_true(holds("20 / 6 * 3 == 10", ""));
  assert_true(holds("1 / 3 + 1 / 6 == 0.5", ""));
  assert_false(holds("1 / 3 == 0.3333333333333333", ""));
  assert_true(holds("-7 / 2 == -3.5", ""));
}

/* `now >= prior * 1.10` is met at exactly +10 %, in number and in money */
static void exactly_ten_percent_is_met(void **st) {
  (void)st;
  assert_true(holds("now >= prior * 1.10", "\"now\":110,\"prior\":100"));
  assert_true(holds("now >= prior * 1.10", "\"now\":110.00,\"prior\":100.0"));
  assert_false(holds("now >= prior * 1.10", "\"now\":109.99,\"prior\":100"));
  assert_true(holds("rev >= prev * 1.10", "\"rev\":1100.55,\"prev\":1000.50"));
  assert_false(holds("rev >= prev * 1.10", "\"rev\":1100.54,\"prev\":1000.50"));
  assert_true(holds("now / prior >= 1.1", "\"now\":1.1e3,\"prior\":1000"));
}

/* JSON numbers mean the decimal written: no binary rounding on the way in */
static void json_numbers_are_exact(void **st) {
  (void)st;
  assert_true(holds("now == 1.1", "\"now\":1.10"));
  assert_true(holds("now == 1500", "\"now\":1.5e3"));
  assert_true(holds("now == 0.0015", "\"now\":15E-4"));
  assert_true(holds("now + prior == 0.3", "\"now\":0.1,\"prior\":0.2"));
  assert_false(holds("now == 0.1", "\"now\":0.10000000000000000001"));
  assert_true(holds("now > 0.1", "\"now\":0.10000000000000000001"));
  assert_true(holds("opt is none", "\"opt\":null"));
  assert_true(holds("opt is none", ""));
  assert_true(holds("opt == 2.5", "\"opt\":2.5"));
}

static void sums_and_extremes_are_exact(void **st) {
  (void)st;
  const char *tenths = "\"deals\":[{\"amount\":0.1},{\"amount\":0.1},{\"amount\":0.1},{\"amount\":0.1},{\"amount\":0.1},"
                       "{\"amount\":0.1},{\"amount\":0.1},{\"amount\":0.1},{\"amount\":0.1},{\"amount\":0.1}]";
  assert_true(holds("(sum amount in deals) == 1", tenths));
  assert_true(holds("(max amount in deals) == 0.1", tenths));
  const char *ws = "\"deals\":[{\"amount\":1,\"w\":0.25},{\"amount\":2},{\"amount\":3,\"w\":-0.5}]";
  assert_true(holds("(min w in deals) == -0.5", ws));
  assert_true(holds("(max w in deals) == 0.25", ws));
  assert_true(holds("(min w in deals) is none", "\"deals\":[{\"amount\":1}]"));
  assert_true(holds("(sum amount in deals) == 0", ""));
}

/* SPEC 3.5: division by zero gives none; `if`, `and`, `or` are lazy */
static void division_by_zero_gives_none(void **st) {
  (void)st;
  assert_true(holds("now / prior is none", "\"now\":5,\"prior\":0"));
  assert_false(holds("now / prior >= 0", "\"now\":5,\"prior\":0"));
  assert_false(holds("now / prior < 0", "\"now\":5,\"prior\":0"));
  assert_true(holds("rev / prev is none", "\"rev\":5,\"prev\":0"));
  assert_true(holds("seats / 0 is none", ""));
  assert_true(holds("(if prior > 0 then now / prior else 0) == 0", "\"now\":5,\"prior\":0"));
  assert_true(holds("(if prior > 0 then now / prior else 0) == 2.5", "\"now\":5,\"prior\":2"));
}

static void if_and_or_are_lazy(void **st) {
  (void)st;
  /* big * big overflows: evaluating it would be an error of the record */
  const char *big = "\"big\":9007199254740991";
  assert_false(holds("flag and big * big > 0", big));
  assert_true(holds("not flag or big * big > 0", big));
  assert_true(holds("(if flag then big * big else 1) == 1", big));
  const char *src = HEAD "tier Q consulting < big * big > 0; >\n";
  assert_string_equal(eval_src(src, "{\"id\":\"x\",\"type\":\"consulting\",\"now\":0,\"prior\":0,\"rev\":0,\"prev\":0,"
                                    "\"seats\":0,\"big\":9007199254740991,\"flag\":false}"),
                      "error: integer overflow in rule 'big * big > 0' (test.tier:6)");
}

/* A value beyond the range is one error of the record, never rounding. */
static void out_of_range_is_an_error_of_the_record(void **st) {
  (void)st;
  const char *src = HEAD "metric sq = now * now;\ntier Q consulting < sq > 0; >\n";
  assert_string_equal(eval_src(src, "{\"id\":\"x\",\"type\":\"consulting\",\"now\":1e19,\"prior\":0,\"rev\":0,\"prev\":0,"
                                    "\"seats\":0,\"big\":0,\"flag\":false}"),
                      "Q");
  assert_string_equal(eval_src(src, "{\"id\":\"x\",\"type\":\"consulting\",\"now\":1e20,\"prior\":0,\"rev\":0,\"prev\":0,"
                                    "\"seats\":0,\"big\":0,\"flag\":false}"),
                      "error: number out of range (an exact result whose numerator or denominator needs more than 127 "
                      "bits) in metric 'sq'");
  /* the metric named is the one whose value failed, not the one before or after it */
  const char *three = HEAD "metric a = now + 1;\nmetric sq = now * now;\nmetric c = now - 1;\n"
                           "tier Q consulting < a > 0; sq > 0; c > 0; >\n";
  assert_string_equal(eval_src(three,
                               "{\"id\":\"x\",\"type\":\"consulting\",\"now\":1e20,\"prior\":0,\"rev\":0,\"prev\":0,"
                               "\"seats\":0,\"big\":0,\"flag\":false}"),
                      "error: number out of range (an exact result whose numerator or denominator needs more than 127 "
                      "bits) in metric 'sq'");
  /* and in a JSON number: the record is rejected with its path */
  const char *t = eval_src(src, "{\"id\":\"x\",\"type\":\"consulting\",\"now\":1e39,\"prior\":0,\"rev\":0,\"prev\":0,"
                                "\"seats\":0,\"big\":0,\"flag\":false}");
  tu_assert_contains(t, "error: number 1e39 is out of range");
}

/* An item metric with number arithmetic can fail (out of range), so it is
 * computed behind its aggregate's filter, never for an item the filter
 * leaves out. */
static void item_arithmetic_stays_behind_its_filter(void **st) {
  (void)st;
  const char *src = "enum kind { consulting, technology }\n"
                    "record { id: text; partner type: kind; deals: list { amount: number; small: bool; } }\n"
                    "metric square for deals = amount * amount;\n"
                    "metric total = sum square in deals where small;\n"
                    "tier Base consulting < >\n"
                    "tier Q consulting < total == 4.25; >\n";
  assert_string_equal(eval_src(src, "{\"id\":\"x\",\"type\":\"consulting\",\"deals\":[{\"amount\":1e30,\"small\":false},"
                                    "{\"amount\":2,\"small\":true},{\"amount\":0.5,\"small\":true}]}"),
                      "Q");
}

/* Results: actual and required exactly for JSON, rounded for people. */
static void results_print_numbers_two_ways(void **st) {
  (void)st;
  char *diag = NULL;
  tier_ruleset *rs = tu_compile(HEAD "metric ratio = now / prior;\ntier Q consulting < ratio >= 0.335; >\n", &diag);
  free(diag);
  assert_non_null(rs);
  tier_vm *vm = tier_vm_new(rs, NULL);
  const char *json = "{\"id\":\"x\",\"type\":\"consulting\",\"now\":1,\"prior\":3,\"rev\":0,\"prev\":0,\"seats\":0,\"big\":0,\"flag\":false}";
  const tier_result *r = NULL;
  assert_int_equal(tier_eval_json(vm, json, strlen(json), day("2019-12-13"), &r), TIER_OK);
  assert_int_equal(r->nunmet, 1);
  const tier_req_result *u = &r->unmet[0];
  assert_string_equal(u->actual, "0.3333333333333333333333333333333333");
  assert_string_equal(u->required, "0.335");
  assert_string_equal(u->actual_shown, "\u22480.33");
  assert_string_equal(u->required_shown, "\u22480.34");
  assert_int_equal(u->type, TIER_TYPE_NUMBER);
  assert_false(u->missing);
  assert_true(u->actual_value > 0.3333 && u->actual_value < 0.3334);
  assert_string_equal(u->need, "ratio must be >= \u22480.34 (it is \u22480.33)");
  /* none from a division by zero: "none" actual (JSON null), and the
   * reason for people */
  const char *zero = "{\"id\":\"x\",\"type\":\"consulting\",\"now\":1,\"prior\":0,\"rev\":0,\"prev\":0,\"seats\":0,\"big\":0,\"flag\":false}";
  assert_int_equal(tier_eval_json(vm, zero, strlen(zero), day("2019-12-13"), &r), TIER_OK);
  assert_string_equal(r->unmet[0].actual, "none");
  assert_string_equal(r->unmet[0].actual_shown, "none (division by zero)");
  assert_string_equal(r->unmet[0].need, "ratio is none (division by zero); it must be >= \u22480.34");
  assert_true(r->unmet[0].missing);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

static void literals_meet_money_exactly(void **st) {
  (void)st;
  assert_true(holds("rev >= 1499.99", "\"rev\":1499.99"));
  assert_false(holds("rev >= 1499.99", "\"rev\":1499.98"));
  assert_true(holds("rev * 1.5 == 2249.985", "\"rev\":1499.99"));
  assert_true(holds("rev / prev == 1.5", "\"rev\":1.5,\"prev\":1"));
}

static void money_literal_errors(void **st) {
  (void)st;
  char *d = tu_diags(HEAD "tier Q consulting < rev >= 1500.005; >\n");
  tu_assert_contains(d, "money amount is not exact in cents (at most two decimals)");
  free(d);
  d = tu_diags(HEAD "tier Q consulting < rev >= 90071992547409.915; >\n");
  tu_assert_contains(d, "money amount is not exact in cents");
  free(d);
  d = tu_diags(HEAD "tier Q consulting < rev >= 90071992547409.92; >\n");
  tu_assert_contains(d, "amount is out of range for money");
  free(d);
}

/* ---- percent literals and functions of values ------------------------------------------ */

static void percent_literals(void **st) {
  (void)st;
  assert_true(holds("110% == 1.1", ""));
  assert_true(holds("5% == 0.05", ""));
  assert_true(holds("12.5% == 0.125", ""));
  assert_true(holds("100% == 1", ""));
  assert_true(holds("now >= prior * 110%", "\"now\":110,\"prior\":100"));
  assert_false(holds("now >= prior * 110%", "\"now\":109.99,\"prior\":100"));
  assert_true(holds("now / prior - 1 >= 10%", "\"now\":110,\"prior\":100"));
  assert_true(holds("rev >= prev * 110%", "\"rev\":1100.55,\"prev\":1000.50"));
  assert_true(holds("-5% == -0.05", ""));
}

static void min_and_max(void **st) {
  (void)st;
  assert_true(holds("min(seats * 2, 20) == 14", "\"seats\":7"));
  assert_true(holds("min(seats * 2, 20) == 20", "\"seats\":70"));
  assert_true(holds("max(seats, 0, -3) == 0", "\"seats\":-7"));
  assert_true(holds("min(max(now, 0) * 2, 10) == 10", "\"now\":5.5"));
  assert_true(holds("max(-1.5, seats, -3) == -1.5", "\"seats\":-2")); /* negative literals among the arguments */
  assert_true(holds("min((-2), seats) == -2", "\"seats\":5"));
  assert_true(holds("min(now, 1.5) == 1.5", "\"now\":2"));
  assert_true(holds("min(rev, 1499.99) == 1499.99", "\"rev\":2000"));
  assert_true(holds("max(rev, now) == 2.5", "\"rev\":2,\"now\":2.5"));  /* money and number: number */
  assert_true(holds("min(day, 2019-06-30) == 2019-01-01", "\"day\":\"2019-01-01\""));
  assert_true(holds("max(day, 2019-06-30) == 2019-06-30", "\"day\":\"2019-01-01\""));
  assert_true(holds("max(day, 2019-06-30) is none", ""));
  /* none if any argument is none */
  assert_true(holds("min(opt, 1) is none", ""));
  assert_true(holds("max(1, opt, 2) is none", ""));
  assert_true(holds("max(iopt, 1) is none", ""));
  assert_true(holds("max(opt, 1) == 2.5", "\"opt\":2.5"));
}

static void abs_floor_ceil_round(void **st) {
  (void)st;
  assert_true(holds("round(-2.5) == -3", ""));
  assert_true(holds("round(2.5) == 3", ""));
  assert_true(holds("round(-2.4) == -2", ""));
  assert_true(holds("round(now, 2) == 1.01", "\"now\":1.005"));
  assert_true(holds("round(now, 2) == -1.01", "\"now\":-1.005"));
  assert_true(holds("round(1 / 3, 4) == 0.3333", ""));
  assert_true(holds("round(seats, -2) == 1300", "\"seats\":1250"));
  assert_true(holds("round(seats, -2) == -1300", "\"seats\":-1250"));
  assert_true(holds("round(seats, 3) == 1250", "\"seats\":1250"));
  assert_true(holds("floor(now) == -4", "\"now\":-3.5"));
  assert_true(holds("ceil(now) == -3", "\"now\":-3.5"));
  assert_true(holds("floor(now / 100) == 12", "\"now\":1299")); /* 1 point per full 100 */
  assert_true(holds("abs(now - prior) == 0.25", "\"now\":1,\"prior\":1.25"));
  assert_true(holds("abs(seats) == 7", "\"seats\":-7"));
  assert_true(holds("abs(opt) is none", ""));
  /* money stays money: whole units for floor/ceil, cents for round */
  assert_true(holds("floor(rev) == 1249", "\"rev\":1249.99"));
  assert_true(holds("ceil(rev) == -1249", "\"rev\":-1249.99"));
  assert_true(holds("round(rev, 1) == 1250", "\"rev\":1249.95"));
  assert_true(holds("round(rev, -2) == 1200", "\"rev\":1249.99"));
  assert_true(holds("round(rev) == -1250", "\"rev\":-1249.50"));
  assert_true(holds("round(rev, 2) == 1249.99", "\"rev\":1249.99"));
}

/* Rounding that leaves the integer range is an error of the record. */
static void rounding_past_the_integer_range(void **st) {
  (void)st;
  const char *src = HEAD "metric r = round(big * 1024 + 1023, -1);\ntier Q consulting < r > 0; >\n";
  const char *t = eval_src(src, "{\"id\":\"x\",\"type\":\"consulting\",\"now\":0,\"prior\":0,\"rev\":0,\"prev\":0,"
                                "\"seats\":0,\"big\":9007199254740991,\"flag\":false}");
  assert_string_equal(t, "error: integer overflow in metric 'r'");
}

/* Rule texts keep what was written, in calls too: the minus of a negative
 * digits argument or threshold, a percent literal. */
static void rule_texts_of_calls(void **st) {
  (void)st;
  char *diag = NULL;
  tier_ruleset *rs = tu_compile(HEAD "tier Q consulting < round(seats, -2) >= (-5); min(now, -2.5) >= -110%; >\n", &diag);
  free(diag);
  assert_non_null(rs);
  tier_vm *vm = tier_vm_new(rs, NULL);
  const char *json = "{\"id\":\"x\",\"type\":\"consulting\",\"now\":0,\"prior\":0,\"rev\":0,\"prev\":0,"
                     "\"seats\":-1000,\"big\":0,\"flag\":false}";
  const tier_result *r = NULL;
  assert_int_equal(tier_eval_json(vm, json, strlen(json), day("2019-12-13"), &r), TIER_OK);
  assert_int_equal(r->nunmet, 2);
  assert_string_equal(r->unmet[0].rule, "round(seats, -2) >= (-5)");
  assert_string_equal(r->unmet[1].rule, "min(now, -2.5) >= -110%");
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

static void function_errors(void **st) {
  (void)st;
  static const struct {
    const char *expr, *msg;
  } cases[] = {
      {"flor(now)", "no function named 'flor'; did you mean 'floor'?"},
      {"seats(1)", "'seats' is a field, not a function: it takes no arguments"},
      {"min(now)", "min needs at least 2 values: min(a, b, ...) (the smallest of a list's items is `min FIELD in LIST`)"},
      {"round(now, 2, 3)", "round takes 1 or 2 values, not 3: round(x) or round(x, digits)"},
      {"abs(now, 1)", "abs takes 1 value, not 2: abs(x)"},
      {"round(now, seats)", "the digits of round are a whole number written in the rule, from -18 to 34"},
      {"round(now, 35)", "the digits of round are a whole number written in the rule, from -18 to 34"},
      {"round(now, -19)", "the digits of round are a whole number written in the rule, from -18 to 34"},
      {"abs(day)", "abs needs int, money or number, not date?"},
      {"floor(flag)", "floor needs int, money or number, not bool"},
      {"min(day, 5)",
       "min cannot compare date? with int: its values are all numbers (int, money, number), all dates or all tiers"},
      {"max(now, id)", "max needs int, money or number (or dates, or tiers), not text"},
      {"110 %", "a percent sign follows its number with no space between them: 110%"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char src[1024];
    snprintf(src, sizeof src, HEAD "metric m = %s;\ntier Q consulting < m is none; >\n", cases[i].expr);
    char *d = tu_diags(src);
    tu_assert_contains(d, cases[i].msg);
    free(d);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(spec_examples_hold),
      cmocka_unit_test(exactly_ten_percent_is_met),
      cmocka_unit_test(json_numbers_are_exact),
      cmocka_unit_test(sums_and_extremes_are_exact),
      cmocka_unit_test(division_by_zero_gives_none),
      cmocka_unit_test(if_and_or_are_lazy),
      cmocka_unit_test(out_of_range_is_an_error_of_the_record),
      cmocka_unit_test(item_arithmetic_stays_behind_its_filter),
      cmocka_unit_test(results_print_numbers_two_ways),
      cmocka_unit_test(literals_meet_money_exactly),
      cmocka_unit_test(money_literal_errors),
      cmocka_unit_test(percent_literals),
      cmocka_unit_test(min_and_max),
      cmocka_unit_test(abs_floor_ceil_round),
      cmocka_unit_test(rounding_past_the_integer_range),
      cmocka_unit_test(rule_texts_of_calls),
      cmocka_unit_test(function_errors),
  };
  return cmocka_run_group_tests_name("exact", tests, NULL, NULL);
}
