/*
 * test_records.c - what the record reader (json.c) makes of values: money
 * and int by value and in one range, whatever the digits look like; the id
 * exactly as read, any length, also for a rejected record whose fault comes
 * before the id; a NUL in the id is an error.
 */
#include "testutil.h"
#include "record.h"

static tier_ruleset *rs;
static tier_vm *vm;

static int setup(void **st) {
  (void)st;
  rs = tu_compile("enum k { a }\n"
                  "record { id: text; partner type: k; m: money?; i: int?; xs: list { d: date; } }\n"
                  "tier T a < >\n",
                  NULL);
  vm = rs ? tier_vm_new(rs, NULL) : NULL;
  return vm ? 0 : -1;
}
static int teardown(void **st) {
  (void)st;
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  return 0;
}

/* Read {"id":"R","type":"a","FIELD":TEXT}; the slot's value, or the error. */
static int read_value(const char *field, const char *text, int64_t *v) {
  size_t n = strlen(text) + 64;
  char *json = malloc(n);
  assert_non_null(json);
  snprintf(json, n, "{\"id\":\"R\",\"type\":\"a\",\"%s\":%s}", field, text);
  struct record rec;
  int rc = rec_parse(vm, json, strlen(json), &rec);
  free(json);
  if (rc == TIER_OK) {
    const struct image *img = rs->img;
    for (uint32_t f = 0; f < img->nfields; f++)
      if (!strcmp(img_str(img, img->fields[f].name), field)) *v = rec.top[img->fields[f].slot];
  }
  return rc;
}

static void assert_cents(const char *text, int64_t cents) {
  int64_t v = -1;
  int rc = read_value("m", text, &v);
  if (rc) fprintf(stderr, "%.60s: %s\n", text, tier_vm_error(vm));
  assert_int_equal(rc, TIER_OK);
  assert_int_equal(v, cents);
}

static void assert_money_error(const char *text, const char *why) {
  int64_t v;
  assert_int_equal(read_value("m", text, &v), TIER_ERECORD);
  tu_assert_contains(tier_vm_error(vm), why);
}

/* A text of n copies of c between a prefix and a suffix (malloc'd). */
static char *run_of(const char *pre, char c, size_t n, const char *post) {
  size_t a = strlen(pre), b = strlen(post);
  char *s = malloc(a + n + b + 1);
  assert_non_null(s);
  memcpy(s, pre, a);
  memset(s + a, c, n);
  memcpy(s + a + n, post, b + 1);
  return s;
}

/* Money is the decimal the JSON number writes, in cents, whatever its form. */
static void money_by_value(void **st) {
  (void)st;
  assert_cents("1200.5", 120050);
  assert_cents("1200", 120000);
  assert_cents("1.5e3", 150000);
  assert_cents("100e-2", 100);
  assert_cents("0.05", 5);
  assert_cents("-0.5", -50);
  assert_cents("-0", 0);
  assert_cents("0e999999999999", 0);
  assert_cents("0.0000000000000000000000000000000000000000000000012e48", 120);
}

static void money_exactness(void **st) {
  (void)st;
  /* "1." and 40 zeros is exactly 1.00 (it read as 0.10) */
  char *s = run_of("1.", '0', 40, "");
  assert_cents(s, 100);
  free(s);
  /* trailing zeros in the fraction and in front of an exponent */
  s = run_of("12.3", '0', 1000, "e1");
  assert_cents(s, 12300);
  free(s);
  s = run_of("0.", '0', 1000, "1e1002");
  assert_cents(s, 1000);
  free(s);
  assert_money_error("500.005", "is not exact in cents");
  assert_money_error("1e-3", "is not exact in cents");
  s = run_of("0.", '0', 1000, "1");
  assert_money_error(s, "is not exact in cents");
  free(s);
}

/* money and int share one range: 2^53 - 1 cents, 2^53 - 1 units */
static void money_and_int_range(void **st) {
  (void)st;
  assert_cents("90071992547409.91", LIM_INT);
  assert_cents("-90071992547409.91", -LIM_INT);
  assert_money_error("90071992547409.92", "is out of range (the limit is 90071992547409.91)");
  assert_money_error("1e400", "is out of range");
  assert_money_error("1e999999999999999999999", "is out of range");
  int64_t v;
  assert_int_equal(read_value("i", "9007199254740991", &v), TIER_OK);
  assert_int_equal(v, LIM_INT);
  assert_int_equal(read_value("i", "-9007199254740992", &v), TIER_ERECORD);
  tu_assert_contains(tier_vm_error(vm), "is out of range (the limit is 9007199254740991)");
}

/* The turns of the long-number readers' loops (rd->number_steps) for the
 * value `field` = pre, n copies of c, post; the reader's verdict in *rc. */
static uint64_t steps_of(const char *field, const char *pre, char c, size_t n, const char *post, int *rc) {
  char *s = run_of(pre, c, n, post);
  uint64_t before = reader_of(vm)->number_steps;
  int64_t v;
  *rc = read_value(field, s, &v);
  free(s);
  return reader_of(vm)->number_steps - before;
}

/* A million digits: an error, found in one pass, quoting 40 characters.
 * One pass is counted, not timed: for each shape of a long number the
 * readers' loops turn at least once and at most twice a character, and
 * 2n digits take at most twice the turns of n (a reader that went back
 * over the digits, as one did, fails here at once, not in 30 s). */
static void long_numbers(void **st) {
  (void)st;
  static const struct {
    const char *field, *pre;
    char c;
    const char *post;
    int rc;
  } shapes[] = {
      {"m", "1", '0', "", TIER_ERECORD},       /* out of range */
      {"m", "1.", '0', "", TIER_OK},           /* 1.00 */
      {"m", "0.", '0', "1", TIER_ERECORD},     /* not exact */
      {"m", "12.3", '0', "e1", TIER_OK},       /* 123.00 */
      {"m", "0.", '0', "1e999", TIER_ERECORD}, /* zeros moved by the exponent */
      {"m", "-9", '9', ".5", TIER_ERECORD},    /* every digit nonzero */
      {"m", "0.", '0', "e5", TIER_OK},         /* zero */
      {"i", "-1", '0', "", TIER_ERECORD},
  };
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    int rc1, rc2;
    size_t n = 4000, len = strlen(shapes[i].pre) + n + strlen(shapes[i].post);
    uint64_t once = steps_of(shapes[i].field, shapes[i].pre, shapes[i].c, n, shapes[i].post, &rc1);
    uint64_t twice = steps_of(shapes[i].field, shapes[i].pre, shapes[i].c, 2 * n, shapes[i].post, &rc2);
    if (rc1 != shapes[i].rc || once > 2 * len || twice > 2 * once + 16 || (shapes[i].field[0] == 'm' && once < n))
      fprintf(stderr, "%s%c...%s: rc %d %d, %llu then %llu turns\n", shapes[i].pre, shapes[i].c, shapes[i].post, rc1, rc2,
              (unsigned long long)once, (unsigned long long)twice);
    assert_int_equal(rc1, shapes[i].rc);
    assert_int_equal(rc2, shapes[i].rc);
    assert_true(once <= 2 * len);
    assert_true(twice <= 2 * once + 16);
    if (shapes[i].field[0] == 'm') assert_true(once >= n); /* every digit is a turn: the count counts */
  }
  char *s = run_of("1", '0', 1000000, "");
  assert_money_error(s, "amount 1000000000000000000000000000000000000000... is out of range");
  int64_t v;
  assert_int_equal(read_value("i", s, &v), TIER_ERECORD);
  tu_assert_contains(tier_vm_error(vm), "integer 1000000000000000000000000000000000000000... is out of range");
  free(s);
  s = run_of("1.", '0', 1000000, "");
  assert_cents(s, 100);
  free(s);
}

static const char *id_of(const char *json) {
  struct record rec;
  rec_parse(vm, json, strlen(json), &rec);
  return vm->res.id;
}

/* The id exactly as read: any length, escapes decoded. */
static void ids_round_trip(void **st) {
  (void)st;
  char *json = run_of("{\"type\":\"a\",\"id\":\"", 'x', 300, "\"}");
  const char *id = id_of(json);
  assert_non_null(id);
  assert_int_equal(strlen(id), 300);
  free(json);
  assert_string_equal(id_of("{\"id\":\"caf\\u00e9 \\\"q\\\"\",\"type\":\"a\"}"), "caf\xc3\xa9 \"q\"");
}

/* A rejected record still names its id: read before the fault, or found
 * after it by a pass over the top-level keys (up to malformed JSON). */
static void ids_of_rejected_records(void **st) {
  (void)st;
  struct record rec;
  const char *late = "{\"type\":\"b\",\"xs\":[{\"d\":\"x\"}],\"id\":\"LATE\"}";
  assert_int_equal(rec_parse(vm, late, strlen(late), &rec), TIER_ERECORD);
  assert_string_equal(tier_vm_error_path(vm), "$.type");
  assert_string_equal(vm->res.id, "LATE");
  const char *deep = "{\"type\":\"a\",\"xs\":[{\"d\":\"2019-02-30\"}],\"u\":{\"id\":\"NOT\"},\"id\":\"DEEP\"}";
  assert_int_equal(rec_parse(vm, deep, strlen(deep), &rec), TIER_ERECORD);
  assert_string_equal(tier_vm_error_path(vm), "$.xs[0].d");
  assert_string_equal(vm->res.id, "DEEP");
  const char *broken = "{\"type\":\"a\",\"id\":\"BEFORE\" \"oops\"}";
  assert_int_equal(rec_parse(vm, broken, strlen(broken), &rec), TIER_ERECORD);
  assert_string_equal(vm->res.id, "BEFORE");
  tu_assert_contains(tier_vm_error(vm), "malformed JSON");
  const char *later = "{\"type\":\"b\",\"id\":\"FOUND\" \"oops\"}";
  assert_int_equal(rec_parse(vm, later, strlen(later), &rec), TIER_ERECORD);
  assert_string_equal(vm->res.id, "FOUND");
  tu_assert_contains(tier_vm_error(vm), "unknown value 'b'");
  const char *after = "{\"type\":\"b\",, \"id\":\"AFTER\"}";
  assert_int_equal(rec_parse(vm, after, strlen(after), &rec), TIER_ERECORD);
  assert_null(vm->res.id);
}

/* A NUL in the id would cut it wherever it is printed: an error. */
static void id_with_nul(void **st) {
  (void)st;
  struct record rec;
  const char *json = "{\"id\":\"a\\u0000b\",\"type\":\"a\"}";
  assert_int_equal(rec_parse(vm, json, strlen(json), &rec), TIER_ERECORD);
  tu_assert_contains(tier_vm_error(vm), "the id contains a NUL character");
  assert_string_equal(tier_vm_error_path(vm), "$.id");
  assert_null(vm->res.id);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(money_by_value),  cmocka_unit_test(money_exactness),
      cmocka_unit_test(money_and_int_range), cmocka_unit_test(long_numbers),
      cmocka_unit_test(ids_round_trip),  cmocka_unit_test(ids_of_rejected_records),
      cmocka_unit_test(id_with_nul),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
