/*
 * test_names.c - names (SPEC 3.4.7, 3.5): any word in backquotes, the
 * words that are keywords only where the grammar needs them, one clear
 * error for a reserved word used as a name, JSON keys that differ from the
 * field's name (both record readers), tier display names in results, and
 * fmt writing backquotes only where they are needed.
 */
#include "testutil.h"
#include "fmt.h"
#include "record.h"

/* Reserved words name fields, enum values, metrics and tiers when they are
 * written in backquotes; records use the bare word as their key. */
static void reserved_words_in_backquotes(void **st) {
  (void)st;
  const char *src = "enum kind { `in`, `is` }\n"
                    "record { id: text; partner type: kind; `count`: int; `version`: int?; `all`: list { `sum`: int; } }\n"
                    "metric `where` = sum `sum` in `all`;\n"
                    "tier `tier` `in` < `count` >= 2; `where` >= 3; >\n";
  char *diag = NULL;
  tier_ruleset *rs = tu_compile(src, &diag);
  if (!rs) fprintf(stderr, "%s", diag);
  free(diag);
  assert_non_null(rs);
  assert_string_equal(tu_tier(rs, "{\"id\":\"x\",\"type\":\"in\",\"count\":2,\"all\":[{\"sum\":1},{\"sum\":2}]}", "2024-01-01"),
                      "tier");
  assert_string_equal(tu_tier(rs, "{\"id\":\"x\",\"type\":\"in\",\"count\":1,\"all\":[{\"sum\":3}]}", "2024-01-01"), "-");
  tier_ruleset_free(rs);
}

/* The words of the second edition (month, year, quarter, calendar, fiscal,
 * previous, starts, of, badge, ...) stay names: the APN schema's
 * `month: date;` keeps compiling, and so does a rule that uses them both
 * ways. */
static void new_words_stay_names(void **st) {
  (void)st;
  const char *src = "fiscal year starts in April;\n"
                    "enum kind { calendar, fiscal }\n"
                    "record { id: text; partner type: kind; month: date; year: int; quarter: int; previous: date;\n"
                    "         starts: int; of: int; badge: int; at: int; least: int; requirements: int; }\n"
                    "metric fiscal = year + quarter;\n"
                    "tier month calendar < month in previous fiscal quarter of previous; fiscal >= of; >\n";
  char *diag = NULL;
  tier_ruleset *rs = tu_compile(src, &diag);
  if (!rs) fprintf(stderr, "%s", diag);
  free(diag);
  assert_non_null(rs);
  const char *rec = "{\"id\":\"x\",\"type\":\"calendar\",\"month\":\"2024-03-31\",\"year\":1,\"quarter\":1,\"previous\":\"2024-04-01\","
                    "\"starts\":0,\"of\":2,\"badge\":0,\"at\":0,\"least\":0,\"requirements\":0}";
  assert_string_equal(tu_tier(rs, rec, "2024-06-01"), "month");
  tier_ruleset_free(rs);
  uint8_t *bc;
  size_t n;
  assert_int_equal(tier_compile("rules/apn-2019.tier", NULL, 0, NULL, &bc, &n, NULL), TIER_OK); /* imports apn-schema.tier */
  tier_free_bytes(NULL, bc, n);
}

/* A reserved word where a name stands: one error that says how to write
 * it; a broken backquote: one error too. */
static void reserved_word_errors(void **st) {
  (void)st;
  static const struct { const char *src, *msg; } cases[] = {
      {"enum kind { a }\nrecord { id: text; partner type: kind; in: int; }\ntier T a < >\n",
       "2:40: error: 'in' is a reserved word: to use it as a name, write it in backquotes: `in`"},
      {"enum kind { a }\nrecord { id: text; partner type: kind; }\ntier all a < >\n",
       "'all' is a reserved word: to use it as a name, write it in backquotes: `all`"},
      {"enum kind { a }\nrecord { id: text; partner type: kind; n: int; }\nmetric count = n;\ntier T a < >\n",
       "'count' is a reserved word: to use it as a name, write it in backquotes: `count`"},
      {"enum kind { a }\nrecord { id: text; partner type: kind; `n: int; }\ntier T a < >\n",
       "a name in backquotes ends with a backquote: `n`"},
      {"enum kind { a }\nrecord { id: text; partner type: kind; `n m`: int; }\ntier T a < >\n",
       "a name in backquotes is one word of letters, digits and '_' that does not start with a digit"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *d = tu_diags(cases[i].src);
    tu_assert_contains(d, cases[i].msg);
    int errors = 0;
    for (const char *p = d; (p = strstr(p, "error:")); p++) errors++;
    if (errors != 1) fprintf(stderr, "%s", d);
    assert_int_equal(errors, 1);
    free(d);
  }
}

/* The rules for JSON keys: n "count": int; reads "count" (and not "n"),
 * in the record and in list items, in both readers; a record's error path
 * says the key. */
static void json_keys(void **st) {
  (void)st;
  const char *src = "enum kind { a }\n"
                    "record { id: text; partner type \"partner type\": kind; n \"count\": int;\n"
                    "         deals \"open deals\": list { v \"deal value\": int; } }\n"
                    "metric total = sum v in deals;\n"
                    "tier T a < n >= 1; total >= 5; >\n";
  tier_ruleset *rs = tu_compile_ok(src);
  const char *good = "{\"id\":\"x\",\"partner type\":\"a\",\"count\":1,\"open deals\":[{\"deal value\":2},{\"deal value\":3}]}";
  assert_string_equal(tu_tier(rs, good, "2024-01-01"), "T");
  const char *by_name = "{\"id\":\"x\",\"partner type\":\"a\",\"n\":1}";
  assert_string_equal(tu_tier(rs, by_name, "2024-01-01"), "error: missing required field @$.count");
  const char *item = "{\"id\":\"x\",\"partner type\":\"a\",\"count\":1,\"open deals\":[{\"deal value\":\"2\"}]}";
  assert_string_equal(tu_tier(rs, item, "2024-01-01"),
                      "error: expected an integer, found a string @$[\"open deals\"][0][\"deal value\"]");
  /* the reference reader reads the same keys */
  tier_vm *fast = tier_vm_new(rs, NULL), *ref = tier_vm_new(rs, NULL);
  struct record ra, rb;
  assert_int_equal(rec_parse(fast, good, strlen(good), &ra), TIER_OK);
  assert_int_equal(rec_parse_ref(ref, good, strlen(good), &rb), TIER_OK);
  assert_int_equal(ra.top[2], rb.top[2]);
  assert_int_equal(ra.lists[0].n, 2);
  assert_int_equal(rb.lists[0].n, 2);
  assert_int_equal(rec_parse_ref(ref, by_name, strlen(by_name), &rb), TIER_ERECORD);
  assert_string_equal(tier_vm_error_path(ref), "$.count");
  tier_vm_free(fast);
  tier_vm_free(ref);
  tier_ruleset_free(rs);
}

/* A field's name may be another field's key: `a "b": int; b "a": int;`
 * reads "a" into b and "b" into a, in both readers, whatever the order of
 * the keys (the fast reader's guess of the next key compares keys). */
static void names_and_keys_swapped(void **st) {
  (void)st;
  const char *src = "enum kind { k }\n"
                    "record { id: text; partner type: kind; a \"b\": int; b \"a\": int; }\n"
                    "tier T k < a == 2 and b == 1; >\n";
  tier_ruleset *rs = tu_compile_ok(src);
  const char *in_order = "{\"id\":\"x\",\"type\":\"k\",\"a\":1,\"b\":2}";
  const char *reversed = "{\"id\":\"x\",\"type\":\"k\",\"b\":2,\"a\":1}";
  assert_string_equal(tu_tier(rs, in_order, "2024-01-01"), "T");
  assert_string_equal(tu_tier(rs, reversed, "2024-01-01"), "T");
  tier_vm *ref = tier_vm_new(rs, NULL);
  struct record r;
  assert_int_equal(rec_parse_ref(ref, in_order, strlen(in_order), &r), TIER_OK);
  assert_int_equal(r.top[2], 2); /* a, read from "b" */
  assert_int_equal(r.top[3], 1);
  tier_vm_free(ref);
  tier_ruleset_free(rs);
}

static void json_key_errors(void **st) {
  (void)st;
  static const struct { const char *fields, *msg; } cases[] = {
      {"d: int; n \"d\": int;", "fields 'd' and 'n' both read the JSON key \"d\""},
      {"n \"\": int;", "a field's JSON key is a text that is not empty and has no NUL byte"},
      {"l: list { x \"y\": int; y: int; }", "fields 'x' and 'y' both read the JSON key \"y\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char src[512];
    snprintf(src, sizeof src, "enum kind { a }\nrecord { id: text; partner type: kind; %s }\ntier T a < >\n", cases[i].fields);
    char *d = tu_diags(src);
    tu_assert_contains(d, cases[i].msg);
    free(d);
  }
}

/* tier_display and next_display: the display names the rules give, NULL
 * where they give none; a display name names one tier. */
static void display_names(void **st) {
  (void)st;
  const char *src = "enum kind { airline, hotel }\n"
                    "record { id: text; partner type: kind; miles: int; }\n"
                    "tier Member airline < >\n"
                    "tier Premier_1K \"Premier 1K\" airline < miles >= 100000; >\n"
                    "tier Premier_1K \"Premier 1K\" hotel < >\n";
  tier_ruleset *rs = tu_compile_ok(src);
  tier_vm *vm = tier_vm_new(rs, NULL);
  const tier_result *r;
  const char *low = "{\"id\":\"x\",\"type\":\"airline\",\"miles\":5}";
  assert_int_equal(tier_eval_json(vm, low, strlen(low), TIER_NONE, &r), TIER_OK);
  assert_string_equal(r->tier, "Member");
  assert_null(r->tier_display);
  assert_string_equal(r->next, "Premier_1K");
  assert_string_equal(r->next_display, "Premier 1K");
  const char *high = "{\"id\":\"x\",\"type\":\"airline\",\"miles\":100000}";
  assert_int_equal(tier_eval_json(vm, high, strlen(high), TIER_NONE, &r), TIER_OK);
  assert_string_equal(r->tier_display, "Premier 1K");
  assert_null(r->next_display);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  static const struct { const char *tiers, *msg; } cases[] = {
      {"tier A a < > tier B \"A\" a < >", "display name \"A\" is the name of tier 'A': a display name names one tier"},
      {"tier A \"X\" a < > tier B \"X\" a < >", "display name \"X\" is also the display name of tier 'A'"},
      {"tier A \"\" a < >", "a tier's display name is a text that is not empty and has no NUL byte"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char s[512];
    snprintf(s, sizeof s, "enum kind { a }\nrecord { id: text; partner type: kind; }\n%s\n", cases[i].tiers);
    char *d = tu_diags(s);
    tu_assert_contains(d, cases[i].msg);
    free(d);
  }
}

/* fmt writes a backquote only where the bare word would not be a name
 * there: `in` keeps them, `month` loses them; keys and display names stay. */
static void fmt_backquotes_only_where_needed(void **st) {
  (void)st;
  const char *src = "enum kind { `a`, `in` }\n"
                    "record { id: text; partner type: kind; `month`: date; `count` \"c\": int; }\n"
                    "metric `sum` = `count` + 1;\n"
                    "tier `T` \"The T\" `in` < `month` in calendar month of asof; `sum` >= min(1, 2); >\n";
  struct buf out = {0};
  char err[256];
  assert_int_equal(fmt_source(src, strlen(src), &out, err, sizeof err), 0);
  buf_u8(&out, 0);
  const char *f = (const char *)out.p;
  tu_assert_contains(f, "enum kind { a, `in` }");
  tu_assert_contains(f, "  month: date;\n  `count` \"c\": int;");
  tu_assert_contains(f, "metric `sum` = `count` + 1;");
  tu_assert_contains(f, "tier T \"The T\" `in` <\n  month in calendar month of asof;\n  `sum` >= min(1, 2);\n>");
  /* and what it writes reads back the same */
  struct buf again = {0};
  assert_int_equal(fmt_source(f, strlen(f), &again, err, sizeof err), 0);
  buf_u8(&again, 0);
  assert_string_equal((const char *)again.p, f);
  buf_free(&again);
  buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(reserved_words_in_backquotes),
      cmocka_unit_test(new_words_stay_names),
      cmocka_unit_test(reserved_word_errors),
      cmocka_unit_test(json_keys),
      cmocka_unit_test(names_and_keys_swapped),
      cmocka_unit_test(json_key_errors),
      cmocka_unit_test(display_names),
      cmocka_unit_test(fmt_backquotes_only_where_needed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
