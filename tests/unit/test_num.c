/*
 * test_num.c - the exact numbers of src/num.c: lowest terms, the range
 * boundaries (2^127 - 1 either way), results that fit although a 128-bit
 * intermediate does not, comparisons past 128 bits, rounding (half away
 * from zero, symmetric for negatives), reading decimals and printing them.
 */
#include "testutil.h"

typedef __int128 i128;
#define MAX ((i128)(((unsigned __int128)1 << 127) - 1))

static struct num N(const char *s) {
  struct num x;
  int rc = num_parse(s, strlen(s), &x);
  if (rc != NUM_OK) fprintf(stderr, "cannot read %s (%d)\n", s, rc);
  assert_int_equal(rc, NUM_OK);
  return x;
}
static struct num Q(i128 n, i128 d) {
  struct num x = {n, d};
  assert_true(num_is_canonical(x));
  return x;
}
static const char *T(struct num x) {
  static char out[4][NUM_TEXT];
  static int k;
  k = (k + 1) % 4;
  return num_format(x, out[k]);
}
static const char *S(struct num x) {
  static char out[4][NUM_SHOWN];
  static int k;
  k = (k + 1) % 4;
  return num_format_shown(x, out[k]);
}
static void same(struct num x, i128 n, i128 d) {
  if (x.n != n || x.d != d) fprintf(stderr, "got %s\n", T(x));
  assert_true(x.n == n && x.d == d);
}
static struct num add(struct num a, struct num b) { struct num r; assert_int_equal(num_add(a, b, &r), NUM_OK); return r; }
static struct num sub(struct num a, struct num b) { struct num r; assert_int_equal(num_sub(a, b, &r), NUM_OK); return r; }
static struct num mul(struct num a, struct num b) { struct num r; assert_int_equal(num_mul(a, b, &r), NUM_OK); return r; }
static struct num dvd(struct num a, struct num b) { struct num r; assert_int_equal(num_div(a, b, &r), NUM_OK); return r; }
static struct num rnd(struct num a, int digits) { struct num r; assert_int_equal(num_round(a, digits, &r), NUM_OK); return r; }

/* ---- reading and lowest terms ------------------------------------------------------ */

static void decimals_are_read_exactly_in_lowest_terms(void **st) {
  (void)st;
  same(N("1.10"), 11, 10);
  same(N("110"), 110, 1);
  same(N("0.50"), 1, 2);
  same(N("-0"), 0, 1);
  same(N("-0.000"), 0, 1);
  same(N("1.5e3"), 1500, 1);
  same(N("1.5E+3"), 1500, 1);
  same(N("1e-3"), 1, 1000);
  same(N("00012.500"), 25, 2);
  same(N("-2.5"), -5, 2);
  same(N("2.5e-38"), 1, (i128)40000000000000000LL * 1000000000000000000LL * 1000); /* 1 / (4 * 10^37) */
  /* trailing zeros are a power of ten, not digits: any number of them */
  char big[160] = "1.";
  memset(big + 2, '0', 100);
  big[102] = 0;
  same(N(big), 1, 1);
}

static void bad_decimals(void **st) {
  (void)st;
  struct num x;
  static const char *syntax[] = {"", "-", "1.", ".5", "1e", "1e+", "abc", "1.2.3", "--1", "1x", "1e5x", " 1"};
  for (size_t i = 0; i < sizeof syntax / sizeof *syntax; i++)
    assert_int_equal(num_parse(syntax[i], strlen(syntax[i]), &x), NUM_ESYNTAX);
  static const char *range[] = {"1e39", "1e-39", "5e-39", "170141183460469231731687303715884105728",
                                "-170141183460469231731687303715884105728"};
  for (size_t i = 0; i < sizeof range / sizeof *range; i++)
    assert_int_equal(num_parse(range[i], strlen(range[i]), &x), NUM_ERANGE);
  /* 2^127 - 1 is the largest numerator */
  same(N("170141183460469231731687303715884105727"), MAX, 1);
  same(N("-170141183460469231731687303715884105727"), -MAX, 1);
  /* 77 significant digits are read (and here out of range); 78 are refused as such */
  char d77[80], d78[81];
  memset(d77, '1', 77); d77[77] = 0;
  memset(d78, '1', 78); d78[78] = 0;
  assert_int_equal(num_parse(d77, 77, &x), NUM_ERANGE);
  assert_int_equal(num_parse(d78, 78, &x), NUM_ERANGE);
  /* a numerator past 127 bits whose factors of 5 cancel the denominator:
   * 5^60 * 10^-60 = 2^-60 */
  same(N("867361737988403547205962240695953369140625e-60"), 1, (i128)1 << 60);
}

static void construction(void **st) {
  (void)st;
  same(num_from_cents(150), 3, 2);
  same(num_from_cents(-1), -1, 100);
  same(num_from_cents(0), 0, 1);
  same(num_from_int(-7), -7, 1);
  assert_true(num_is_none(num_none()));
  assert_true(num_is_canonical(num_none()));
  struct num bad = {2, 4}, neg_d = {1, -2}, min = {-MAX - 1, 1};
  assert_false(num_is_canonical(bad));
  assert_false(num_is_canonical(neg_d));
  assert_false(num_is_canonical(min));
}

/* ---- arithmetic -------------------------------------------------------------------- */

static void spec_examples(void **st) {
  (void)st;
  /* SPEC 3.4.1 */
  assert_int_equal(num_cmp(mul(num_from_int(100), N("1.1")), num_from_int(110)), 0);
  assert_int_equal(num_cmp(add(N("0.1"), N("0.2")), N("0.3")), 0);
  assert_int_equal(num_cmp(mul(dvd(num_from_int(20), num_from_int(6)), num_from_int(3)), num_from_int(10)), 0);
  same(add(Q(1, 3), Q(1, 6)), 1, 2);
  same(sub(N("0.3"), N("0.3")), 0, 1);
  same(sub(Q(1, 3), Q(1, 3)), 0, 1);
  same(mul(N("0"), Q(3, 4)), 0, 1);
  same(dvd(Q(-3, 4), Q(-3, 8)), 2, 1);
  same(dvd(Q(3, 4), Q(-3, 8)), -2, 1);
  same(num_neg(Q(3, 4)), -3, 4);
  same(num_abs(Q(-3, 4)), 3, 4);
}

static void none_and_division_by_zero(void **st) {
  (void)st;
  struct num r;
  assert_int_equal(num_div(num_from_int(1), num_from_int(0), &r), NUM_OK);
  assert_true(num_is_none(r));
  /* that none remembers why, through arithmetic and negation */
  assert_true(num_is_divzero(r));
  struct num z = r;
  assert_int_equal(num_add(num_from_int(1), z, &r), NUM_OK);
  assert_true(num_is_divzero(r));
  assert_int_equal(num_mul(z, num_none(), &r), NUM_OK);
  assert_true(num_is_divzero(r));
  assert_true(num_is_divzero(num_neg(z)));
  assert_true(num_is_divzero(num_abs(z)));
  assert_false(num_is_divzero(num_none()));
  assert_false(num_is_canonical(z)); /* not a constant */
  assert_int_equal(num_add(num_none(), num_from_int(1), &r), NUM_OK);
  assert_true(num_is_none(r));
  assert_int_equal(num_mul(num_from_int(1), num_none(), &r), NUM_OK);
  assert_true(num_is_none(r));
  assert_int_equal(num_div(num_none(), num_from_int(2), &r), NUM_OK);
  assert_true(num_is_none(r));
  assert_true(num_is_none(num_neg(num_none())));
  assert_int_equal(num_floor(num_none(), &r), NUM_OK);
  assert_true(num_is_none(r));
  assert_int_equal(num_round(num_none(), 2, &r), NUM_OK);
  assert_true(num_is_none(r));
  assert_string_equal(T(num_none()), "none");
  assert_string_equal(S(num_none()), "none");
}

static void range_boundaries(void **st) {
  (void)st;
  struct num r, max = Q(MAX, 1), two63 = Q((i128)1 << 63, 1), two64 = Q((i128)1 << 64, 1);
  assert_int_equal(num_add(max, num_from_int(1), &r), NUM_ERANGE);
  assert_int_equal(num_sub(num_neg(max), num_from_int(1), &r), NUM_ERANGE);
  same(sub(max, num_from_int(1)), MAX - 1, 1);
  assert_int_equal(num_mul(two64, two63, &r), NUM_ERANGE);                  /* 2^127 */
  same(mul(two64, sub(two63, num_from_int(1))), MAX - (((i128)1 << 64) - 1), 1); /* 2^127 - 2^64 */
  /* the smallest step: 1 / (2^127 - 1); half of it is out of range */
  struct num tiny = dvd(num_from_int(1), max);
  same(tiny, 1, MAX);
  assert_int_equal(num_div(tiny, num_from_int(2), &r), NUM_ERANGE);
  assert_int_equal(num_mul(tiny, Q(1, 3), &r), NUM_ERANGE);
  /* a failed operation leaves its output alone */
  r = num_from_int(7);
  assert_int_equal(num_add(max, max, &r), NUM_ERANGE);
  same(r, 7, 1);
}

/* The exact result decides, not a 128-bit intermediate. */
static void results_that_fit_despite_intermediates(void **st) {
  (void)st;
  struct num half = Q(MAX, 2);
  same(add(half, half), MAX, 1);                 /* 2 * MAX / 2: the sum overflows, the result does not */
  same(sub(half, num_neg(half)), MAX, 1);
  same(add(Q(MAX, 2), Q(-MAX, 3)), MAX, 6);    /* (3 MAX - 2 MAX) / 6: 3 MAX overflows */
  same(add(Q(MAX, 6), Q(MAX, 3)), MAX, 2);     /* (MAX + 2 MAX) / 6 = 3 MAX / 6 */
  /* the result itself does not fit: (2 MAX + 9) / 15 */
  struct num r;
  assert_int_equal(num_add(Q(MAX, 3), Q(-(MAX - 3), 5), &r), NUM_ERANGE);
  /* the denominators' product does not fit: out of range */
  assert_int_equal(num_add(Q(1, MAX), Q(1, MAX - 1), &r), NUM_ERANGE);
}

static void comparisons_past_128_bits(void **st) {
  (void)st;
  struct num a = Q(MAX, MAX - 1), b = Q(MAX - 1, MAX - 2); /* x / (x - 1) falls as x grows */
  assert_int_equal(num_cmp(a, b), -1);
  assert_int_equal(num_cmp(b, a), 1);
  assert_int_equal(num_cmp(num_neg(a), num_neg(b)), 1);
  assert_int_equal(num_cmp(a, a), 0);
  assert_int_equal(num_cmp(num_neg(a), b), -1);
  assert_int_equal(num_cmp(num_from_int(0), Q(-1, MAX)), 1);
  assert_int_equal(num_cmp(Q(1, 3), N("0.3333333333333333333333333333333333")), 1);
}

/* ---- rounding ---------------------------------------------------------------------- */

static void floor_and_ceil(void **st) {
  (void)st;
  struct num r;
  assert_int_equal(num_floor(N("-3.5"), &r), NUM_OK); same(r, -4, 1);
  assert_int_equal(num_ceil(N("-3.5"), &r), NUM_OK); same(r, -3, 1);
  assert_int_equal(num_floor(N("3.5"), &r), NUM_OK); same(r, 3, 1);
  assert_int_equal(num_ceil(N("3.5"), &r), NUM_OK); same(r, 4, 1);
  assert_int_equal(num_floor(N("-4"), &r), NUM_OK); same(r, -4, 1);
  assert_int_equal(num_ceil(Q(1, MAX), &r), NUM_OK); same(r, 1, 1);
  assert_int_equal(num_floor(Q(-1, MAX), &r), NUM_OK); same(r, -1, 1);
  assert_int_equal(num_floor(Q(-MAX, 2), &r), NUM_OK); same(r, -(MAX / 2) - 1, 1);
}

static void round_half_away_from_zero(void **st) {
  (void)st;
  same(rnd(N("-2.5"), 0), -3, 1);
  same(rnd(N("2.5"), 0), 3, 1);
  same(rnd(N("-2.4"), 0), -2, 1);
  same(rnd(N("-0.4"), 0), 0, 1);
  same(rnd(N("1.005"), 2), 101, 100);   /* 1.01: exactly half, where a double says 1.00 */
  same(rnd(N("-1.005"), 2), -101, 100);
  same(rnd(N("1234.5"), -2), 1200, 1);
  same(rnd(N("-1250"), -2), -1300, 1);
  same(rnd(N("-1249.99"), -2), -1200, 1);
  same(rnd(N("49"), -2), 0, 1);
  same(rnd(N("7"), 3), 7, 1);
}

static void round_extremes(void **st) {
  (void)st;
  struct num r;
  /* 2/3 to 38 places: 66..67 / 10^38, both in range */
  assert_int_equal(num_round(Q(2, 3), 38, &r), NUM_OK);
  assert_string_equal(T(r), "0.66666666666666666666666666666666666667");
  assert_int_equal(num_round(Q(2, 3), 39, &r), NUM_ERANGE);
  assert_int_equal(num_round(Q(2, 3), -39, &r), NUM_ERANGE);
  /* 2^127 - 1 = 1.7e38 to a multiple of 10^38 is 2e38: out of range; to 10^37, 1.7e38 */
  assert_int_equal(num_round(Q(MAX, 1), -38, &r), NUM_ERANGE);
  assert_int_equal(num_round(Q(MAX, 1), -37, &r), NUM_OK);
  assert_string_equal(T(r), "170000000000000000000000000000000000000");
}

/* ---- printing ---------------------------------------------------------------------- */

static void printing_for_json(void **st) {
  (void)st;
  assert_string_equal(T(num_from_int(70)), "70");
  assert_string_equal(T(num_from_int(-70)), "-70");
  assert_string_equal(T(N("1.25")), "1.25");
  assert_string_equal(T(N("1.10")), "1.1");
  assert_string_equal(T(N("-0.001")), "-0.001");
  assert_string_equal(T(Q(1, 3)), "0.3333333333333333333333333333333333");
  assert_string_equal(T(Q(2, 3)), "0.6666666666666666666666666666666667");
  assert_string_equal(T(Q(-2, 3)), "-0.6666666666666666666666666666666667");
  assert_string_equal(T(Q(200, 3)), "66.66666666666666666666666666666667");
  assert_string_equal(T(Q(1, 30000)), "0.00003333333333333333333333333333333333");
  /* more integer digits than the precision: zeros, no exponent */
  assert_string_equal(T(Q((i128)1000000000000000000LL * 10000000000000000000ULL, 3)),
                      "3333333333333333333333333333333333000"); /* 10^37 / 3 */
  /* the carry of rounding lengthens the number: 10^35 - 1/3 */
  struct num nines = sub(Q((i128)100000000000000000LL * 1000000000000000000LL, 1), Q(1, 3));
  assert_string_equal(T(nines), "100000000000000000000000000000000000");
  /* a terminating decimal prints in full: 1 / 2^126 has 126 places */
  struct num tiny = Q(1, (i128)1 << 126);
  const char *t = T(tiny);
  assert_int_equal(strlen(t), 128);
  assert_true(strncmp(t, "0.000000000000000000000000000000000000011754943508222875079687365372222456778186", 80) == 0);
  assert_string_equal(T(Q(MAX, 1)), "170141183460469231731687303715884105727");
}

static void printing_for_people(void **st) {
  (void)st;
  assert_string_equal(S(N("1.5")), "1.5");
  assert_string_equal(S(num_from_int(70)), "70");
  assert_string_equal(S(N("-0.25")), "-0.25");
  assert_string_equal(S(N("1.255")), "\u22481.26");
  assert_string_equal(S(N("-1.255")), "\u2248-1.26");
  assert_string_equal(S(N("1.254")), "\u22481.25");
  assert_string_equal(S(N("0.125")), "\u22480.13");
  assert_string_equal(S(Q(2, 3)), "\u22480.67");
  assert_string_equal(S(N("99.999")), "\u2248100.00");
  assert_string_equal(S(N("-0.001")), "\u22480.00");
  assert_string_equal(S(Q(MAX, 3)), "\u224856713727820156410577229101238628035242.33");
  assert_true(num_has_places(N("1.5"), 2));
  assert_false(num_has_places(N("1.505"), 2));
  assert_false(num_has_places(num_none(), 2));
}

static void doubles_for_charts(void **st) {
  (void)st;
  assert_true(num_to_double(Q(1, 4)) == 0.25);
  assert_true(num_to_double(num_none()) != num_to_double(num_none())); /* NaN */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(decimals_are_read_exactly_in_lowest_terms),
      cmocka_unit_test(bad_decimals),
      cmocka_unit_test(construction),
      cmocka_unit_test(spec_examples),
      cmocka_unit_test(none_and_division_by_zero),
      cmocka_unit_test(range_boundaries),
      cmocka_unit_test(results_that_fit_despite_intermediates),
      cmocka_unit_test(comparisons_past_128_bits),
      cmocka_unit_test(floor_and_ceil),
      cmocka_unit_test(round_half_away_from_zero),
      cmocka_unit_test(round_extremes),
      cmocka_unit_test(printing_for_json),
      cmocka_unit_test(printing_for_people),
      cmocka_unit_test(doubles_for_charts),
  };
  return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
