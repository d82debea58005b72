/*
 * test_unknown.c - keys a record has and the schema does not declare: by
 * default passed over and told once for the run (tier_vm_unknown_fields:
 * each key with where it is, how many records had it and the declared name
 * closest to it, in a fixed amount of memory); with strict_fields each is
 * the record's error.  Both readers (json.c and the jansson reference) call
 * the same code, and must agree.
 */
#include "testutil.h"

#include "record.h"

static const char src[] = "enum kind { a, b }\n"
                          "record {\n"
                          "  id: text;\n"
                          "  partner type: kind;\n"
                          "  certified_people: int;\n"
                          "  customers: list { name: text; orders: list { amount: int; } }\n"
                          "}\n"
                          "metric c = count customers;\n"
                          "tier T a < c >= 1; >\n";

static tier_ruleset *rs;

static int setup(void **st) {
  (void)st;
  rs = tu_compile(src, NULL);
  return rs ? 0 : -1;
}
static int teardown(void **st) {
  (void)st;
  tier_ruleset_free(rs);
  return 0;
}

static tier_vm *vm_of(bool strict) {
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  opt.strict_fields = strict;
  tier_vm *vm = tier_vm_new(rs, &opt);
  assert_non_null(vm);
  return vm;
}

static int eval(tier_vm *vm, const char *json) {
  const tier_result *res;
  return tier_eval_json(vm, json, strlen(json), TIER_NO_DATE, &res);
}

/* tier_vm_unknown_fields' line and count, the line in a static buffer. */
static const char *told(tier_vm *vm, uint64_t *records) {
  static char line[4096];
  tier_buf *b = tier_buf_new(NULL);
  *records = tier_vm_unknown_fields(vm, b);
  snprintf(line, sizeof line, "%s", tier_buf_text(b, NULL));
  tier_buf_free(b);
  return line;
}

/* Each key once, with the records that had it (a record counts once however
 * often it has the key, in however many items), where it is, and the
 * closest declared name of its own object. */
static void passed_over_and_told_once(void **st) {
  (void)st;
  tier_vm *vm = vm_of(false);
  uint64_t n;
  assert_int_equal(eval(vm, "{\"id\":\"1\",\"type\":\"a\",\"certified_people\":1,\"customers\":[{\"name\":\"x\"}]}"), TIER_OK);
  assert_string_equal(told(vm, &n), "");
  assert_int_equal(n, 0);
  /* record 2 is evaluated; record 3 is rejected, as the field its
   * misspelt key meant is missing */
  assert_int_equal(eval(vm, "{\"id\":\"2\",\"type\":\"a\",\"certified_people\":1,\"certifed_people\":1,"
                            "\"customers\":[{\"nmae\":\"x\",\"name\":\"x\"},{\"nmae\":\"y\",\"name\":\"y\","
                            "\"orders\":[{\"amount\":1,\"amonut\":2}]}]}"),
                   TIER_OK);
  assert_int_equal(eval(vm, "{\"id\":\"3\",\"type\":\"a\",\"certifed_people\":1,\"note\":[1,{\"a\":2}]}"), TIER_ERECORD);
  tu_assert_contains(tier_vm_error(vm), "missing required field");
  /* a rejected record's keys are not told: its error is what it gets */
  assert_string_equal(told(vm, &n),
                      "\"certifed_people\" (1 record; did you mean \"certified_people\"?), "
                      "\"nmae\" in customers[] (1 record; did you mean \"name\"?), "
                      "\"amonut\" in customers[].orders[] (1 record; did you mean \"amount\"?)");
  assert_int_equal(n, 1);
  /* a declared name in the wrong object is unknown there */
  assert_int_equal(eval(vm, "{\"id\":\"4\",\"type\":\"a\",\"certified_people\":1,\"certifed_people\":0,"
                            "\"customers\":[{\"name\":\"x\",\"id\":\"c\"}]}"),
                   TIER_OK);
  tu_assert_contains(told(vm, &n), "\"certifed_people\" (2 records;");
  tu_assert_contains(told(vm, &n), "(1 record; did you mean \"amount\"?), \"id\" in customers[] (1 record)");
  assert_null(strstr(told(vm, &n), "note"));
  assert_int_equal(n, 2);
  tier_vm_free(vm);
}

/* However many different keys the records have, memory is a fixed table:
 * the first 32 keys are named (a long one cut, on a character boundary),
 * the records with the others are counted together. */
static void memory_is_bounded(void **st) {
  (void)st;
  tier_vm *vm = vm_of(false);
  char json[512];
  for (int i = 0; i < 1000; i++) {
    snprintf(json, sizeof json, "{\"id\":\"%d\",\"type\":\"a\",\"certified_people\":1,\"k%d\":0}", i, i);
    assert_int_equal(eval(vm, json), TIER_OK);
  }
  uint64_t n;
  const char *t = told(vm, &n);
  assert_int_equal(n, 1000);
  tu_assert_contains(t, "\"k0\" (1 record), \"k1\" (1 record)");
  tu_assert_contains(t, "\"k31\" (1 record), and more keys in 968 records");
  assert_null(strstr(t, "\"k32\""));
  tier_vm_free(vm);

  vm = vm_of(false);
  /* 70 bytes: "é" at bytes 63-64 must not be cut in half */
  snprintf(json, sizeof json, "{\"id\":\"l\",\"type\":\"a\",\"certified_people\":1,\"%s\xC3\xA9zzzzz\":0}",
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  assert_int_equal(eval(vm, json), TIER_OK);
  assert_string_equal(told(vm, &n), "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"... (1 record)");
  tier_vm_free(vm);
}

/* With strict_fields, an undeclared key is the record's error, with the
 * closest declared name; a record without one is evaluated as before. */
static void strict_makes_it_an_error(void **st) {
  (void)st;
  tier_vm *vm = vm_of(true);
  assert_int_equal(eval(vm, "{\"id\":\"1\",\"type\":\"a\",\"certified_people\":1,\"customers\":[{\"name\":\"x\"}]}"), TIER_OK);
  assert_int_equal(eval(vm, "{\"id\":\"2\",\"type\":\"a\",\"certifed_people\":1,\"certified_people\":1}"), TIER_ERECORD);
  assert_string_equal(tier_vm_error(vm),
                      "unknown field \"certifed_people\" (did you mean \"certified_people\"?): the rules declare no such field");
  assert_string_equal(tier_vm_record_id(vm), "2");
  assert_int_equal(eval(vm, "{\"id\":\"3\",\"type\":\"a\",\"certified_people\":1,\"customers\":[{\"name\":\"x\",\"orders\":"
                            "[{\"amount\":1},{\"amount\":1,\"\\u001b[2J\":0}]}]}"),
                   TIER_ERECORD);
  assert_string_equal(tier_vm_error(vm), "unknown field \"\\u001b[2J\" in customers[].orders[]: the rules declare no such field");
  assert_string_equal(tier_vm_error_path(vm), "$.customers[0].orders[1]");
  uint64_t n;
  told(vm, &n);
  assert_int_equal(n, 0); /* errors, not passed over */
  tier_vm_free(vm);
}

/* The jansson reference reader calls the same code: it accepts and refuses
 * the same records, and tallies the same keys. */
static void both_readers_agree(void **st) {
  (void)st;
  static const char *const cases[] = {
      "{\"id\":\"1\",\"type\":\"a\",\"certified_people\":1}",
      "{\"id\":\"2\",\"type\":\"a\",\"certified_people\":1,\"x\":{\"y\":[1,2]}}",
      "{\"id\":\"3\",\"type\":\"a\",\"certified_people\":1,\"customers\":[{\"name\":\"x\",\"nmae\":1}]}",
      "{\"id\":\"4\",\"type\":\"a\",\"certified_people\":1,\"customers\":[{\"name\":\"x\",\"orders\":[{\"amount\":1,\"q\":0}]}]}",
      /* right after a list: the path is the object's, not the list's */
      "{\"id\":\"5\",\"type\":\"a\",\"customers\":[{\"name\":\"x\",\"orders\":[{\"amount\":1}]}],\"zz\":1,\"certified_people\":"
      "1}",
      "{\"id\":\"6\",\"type\":\"a\",\"certified_people\":1,\"customers\":[{\"orders\":[{\"amount\":1}],\"zy\":0,\"name\":\"x\"}]"
      "}",
  };
  static const char *const paths[] = {"", "$", "$.customers[0]", "$.customers[0].orders[0]", "$", "$.customers[0]"};
  for (int strict = 0; strict < 2; strict++) {
    tier_vm *fast = vm_of(strict), *ref = vm_of(strict);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
      struct record a, b;
      int ra = rec_parse(fast, cases[i], strlen(cases[i]), &a);
      int rb = rec_parse_ref(ref, cases[i], strlen(cases[i]), &b);
      assert_int_equal(ra, strict && i > 0 ? TIER_ERECORD : TIER_OK);
      assert_int_equal(rb, ra);
      if (ra) {
        assert_string_equal(tier_vm_error(fast), tier_vm_error(ref));
        assert_string_equal(tier_vm_error_path(fast), tier_vm_error_path(ref));
        assert_string_equal(tier_vm_error_path(fast), paths[i]);
      }
    }
    uint64_t nf, nr;
    char line[4096];
    snprintf(line, sizeof line, "%s", told(fast, &nf));
    assert_string_equal(told(ref, &nr), line);
    assert_int_equal(nf, strict ? 0 : 5);
    assert_int_equal(nr, nf);
    tier_vm_free(fast);
    tier_vm_free(ref);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(passed_over_and_told_once),
      cmocka_unit_test(memory_is_bounded),
      cmocka_unit_test(strict_makes_it_an_error),
      cmocka_unit_test(both_readers_agree),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
