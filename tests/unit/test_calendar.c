/*
 * test_calendar.c - calendar and fiscal periods and the date functions
 * (SPEC 3.4.6, 3.5): the period arithmetic of src/period.c against a
 * day-by-day walk of the calendar, near month ends, leap days and both ends
 * of the calendar; then what rules see through the public API (source ->
 * bytecode -> verified load -> tier_eval_json): year, month, days_between,
 * month_start ... year_end, none in, none out, and one clear error for each
 * mistake.
 */
#include "testutil.h"

#include "period.h"

static int64_t day(const char *s) {
  int64_t d = 0;
  assert_int_equal(tier_date_parse(s, &d), 0);
  return d;
}

/* ---- day numbers, against a walk of the calendar ------------------------------------- */

/* Every day from 0001-01-01 to 9999-12-31, counted one by one with the
 * month lengths written out here: date_from_ymd, date_to_ymd and the
 * reader's date_parse give its number and back, and the day after each
 * month's last (and month 00, 13, day 00, year 0000, a stray byte) is
 * refused.  The reader's date_parse and date_from_ymd take a short way for
 * years from 1 (no era); this is what holds them to the calendar. */
static void every_day_of_the_calendar(void **state) {
  (void)state;
  static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t z = DATE_MIN;
  char s[48];
  for (int y = 1; y <= 9999; y++) {
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    for (int m = 1; m <= 12; m++) {
      int dim = len[m - 1] + (m == 2 && leap);
      for (int d = 1; d <= dim; d++, z++) {
        int64_t p = 0;
        int yy, mm, dd;
        snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
        if (!date_parse(s, 10, &p) || p != z || date_from_ymd(y, m, d) != z) fail_msg("%s: not day %lld", s, (long long)z);
        date_to_ymd(z, &yy, &mm, &dd);
        if (yy != y || mm != m || dd != d) fail_msg("day %lld: %04d-%02d-%02d, not %s", (long long)z, yy, mm, dd, s);
      }
      snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, dim + 1);
      if (date_parse(s, 10, &(int64_t){0})) fail_msg("%s was read as a day", s);
    }
    for (int m = 0; m <= 13; m += 13) {
      snprintf(s, sizeof s, "%04d-%02d-01", y, m);
      if (date_parse(s, 10, &(int64_t){0})) fail_msg("%s was read as a day", s);
    }
    snprintf(s, sizeof s, "%04d-01-00", y);
    if (date_parse(s, 10, &(int64_t){0})) fail_msg("%s was read as a day", s);
  }
  assert_int_equal(z, DATE_MAX + 1);
  static const char *bad[] = {"0000-01-01", "0000-12-31",  "2024-1-015", "2024/01/15", "2024-01-1x", "2024-0a-15",
                              "2o24-01-15", "2024-01-15 ", "-024-01-15", "2024-01-:5", "2024-02-30", "2023-02-29"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    if (date_parse(bad[i], strlen(bad[i]), &(int64_t){0})) fail_msg("'%s' was read as a day", bad[i]);
  assert_false(date_parse("2024-01-15", 9, &(int64_t){0}));
  /* the era path: before the calendar, as the period arithmetic asks it */
  assert_int_equal(date_from_ymd(0, 3, 1), -719468);
  assert_int_equal(date_from_ymd(0, 12, 31), DATE_MIN - 1);
  assert_int_equal(date_from_ymd(-400, 3, 1), -719468 - 146097);
}

/* ---- the period arithmetic, against a walk of the calendar --------------------------- */

/* Does a period of p's sequence start on day d?  From the definition: the
 * first day of a month whose distance from month p.first is a multiple of
 * p.len months. */
static bool starts_period(struct period p, int64_t d) {
  int y, m, dd;
  date_to_ymd(d, &y, &m, &dd);
  return dd == 1 && ((m - p.first) % p.len + p.len) % p.len == 0;
}

/* The first day of the period that holds d, found by walking back day by
 * day; DATE_MIN - 1 when it starts before the calendar does. */
static int64_t walk_start(struct period p, int64_t d) {
  while (d >= DATE_MIN && !starts_period(p, d)) d--;
  return d;
}

/* The period p of x by walking: its first and last day, unclamped at the
 * start (DATE_MIN - 1: "before the calendar"), *empty when it lies wholly
 * before the calendar. */
/* date_parse against a byte-by-byte reading: every byte value at each of
 * the ten places of a few dates (the ends of months, a leap day, the ends
 * of the calendar), so that the word-at-a-time test of the digits and
 * dashes refuses exactly what a byte loop refuses. */
static void every_byte_of_a_date(void **state) {
  (void)state;
  static const char *const dates[] = {"2024-02-29", "2023-02-28", "0001-01-01", "9999-12-31", "1970-01-31", "2019-11-30"};
  static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (size_t i = 0; i < sizeof dates / sizeof *dates; i++)
    for (int at = 0; at < 10; at++)
      for (int b = 0; b < 256; b++) {
        char s[11];
        memcpy(s, dates[i], 11);
        s[at] = (char)b;
        bool shape = true;
        for (int k = 0; k < 10; k++) shape &= k == 4 || k == 7 ? s[k] == '-' : s[k] >= '0' && s[k] <= '9';
        int y = 0, m = 0, d = 0;
        if (shape) sscanf(s, "%4d-%2d-%2d", &y, &m, &d);
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        bool day = shape && y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= len[m - 1] + (m == 2 && leap);
        int64_t p = 0;
        bool got = date_parse(s, 10, &p);
        if (got != day || (day && p != date_from_ymd(y, m, d)))
          fail_msg("byte 0x%02x at %d of %s: %d, want %d", b, at, dates[i], got, day);
      }
}

/* date_from_ymd past the calendar's years: a year is 365 or 366 days
 * wherever it lies (the fast path's 32-bit sums wrapped past 11.7 million). */
static void far_years(void **state) {
  (void)state;
  static const int ys[] = {2, 9999, 10000, 11767000, 11800000, 20000000, 1000000000};
  for (size_t i = 0; i < sizeof ys / sizeof ys[0]; i++) {
    int64_t year = date_from_ymd(ys[i], 3, 1) - date_from_ymd(ys[i] - 1, 3, 1);
    assert_true(year == 365 || year == 366);
    assert_int_equal(date_from_ymd(ys[i], 1, 1) + 31, date_from_ymd(ys[i], 2, 1));
  }
  /* 400 years are 146097 days, across the 32-bit wrap too */
  static const int k400[] = {1, 25, 29400, 49975};
  for (size_t i = 0; i < sizeof k400 / sizeof k400[0]; i++)
    for (int base = 1; base <= 2000; base += 1999)
      assert_int_equal(date_from_ymd(base + 400 * k400[i], 5, 17) - date_from_ymd(base, 5, 17), 146097ll * k400[i]);
}

static void walk_period(struct period p, int64_t x, int64_t *lo, int64_t *hi, bool *empty) {
  int64_t s = walk_start(p, x);
  *empty = false;
  if (p.back) {
    if (s < DATE_MIN) { *empty = true; return; }
    *hi = s - 1;
    s = walk_start(p, s - 1);
    *lo = s;
    if (*hi < DATE_MIN) *empty = true;
    return;
  }
  *lo = s;
  int64_t e = x;
  while (e < DATE_MAX && !starts_period(p, e + 1)) e++;
  *hi = e;
}

/* Every period kind the encoding has, for one date x: per_contains agrees
 * with the walk on the days around the period, and per_start / per_end
 * are its ends, clamped to the calendar, as per_days's range is (empty for
 * a period before the calendar). */
static void check_all_periods_at(int64_t x) {
  static const int lens[] = {1, 3, 12};
  for (int li = 0; li < 3; li++)
    for (int first = 1; first <= lens[li]; first++)
      for (int back = 0; back <= 1; back++) {
        struct period p = {(uint8_t)lens[li], (uint8_t)first, (uint8_t)back};
        int64_t lo = 0, hi = 0;
        bool empty;
        walk_period(p, x, &lo, &hi, &empty);
        int64_t dlo, dhi;
        per_days(p, x, &dlo, &dhi);
        if (empty) {
          assert_true(dlo > dhi);
          for (int64_t d = DATE_MIN; d < DATE_MIN + 40; d++) assert_false(per_contains(p, x, d));
          assert_int_equal(per_start(p, x), DATE_MIN);
          assert_int_equal(per_end(p, x), DATE_MIN);
          continue;
        }
        assert_int_equal(per_start(p, x), lo < DATE_MIN ? DATE_MIN : lo);
        assert_int_equal(per_end(p, x), hi);
        assert_int_equal(dlo, lo < DATE_MIN ? DATE_MIN : lo);
        assert_int_equal(dhi, hi);
        for (int64_t d = (lo < DATE_MIN ? DATE_MIN : lo) - 3; d <= hi + 3; d++) {
          if (d < DATE_MIN || d > DATE_MAX) continue;
          bool in = d >= lo && d <= hi;
          if (per_contains(p, x, d) != in) {
            char xs[11], ds[11];
            date_format(x, xs);
            date_format(d, ds);
            fail_msg("period len %d first %d back %d of %s: %s is %s", p.len, p.first, p.back, xs, ds, in ? "in" : "out");
          }
        }
      }
}

static void periods_agree_with_the_calendar(void **st) {
  (void)st;
  /* every 5th day of three years around a leap day */
  for (int64_t x = day("2023-01-01"); x <= day("2025-12-31"); x += 5) check_all_periods_at(x);
  /* month ends and leap days exactly */
  static const char *const at[] = {"2024-02-28", "2024-02-29", "2024-03-01", "2023-02-28", "2023-03-01", "2000-02-29",
                                   "1900-02-28", "1900-03-01", "2024-03-31", "2024-04-01", "2024-12-31", "2025-01-01",
                                   "2024-06-30", "2024-07-01", "2024-09-30", "2024-10-01"};
  for (size_t i = 0; i < sizeof at / sizeof *at; i++) check_all_periods_at(day(at[i]));
  /* both ends of the calendar, every day */
  for (int64_t x = DATE_MIN; x < DATE_MIN + 120; x++) check_all_periods_at(x);
  for (int64_t x = DATE_MAX - 120; x <= DATE_MAX; x++) check_all_periods_at(x);
}

static void periods_are_encoded_canonically(void **st) {
  (void)st;
  struct period p;
  /* a fiscal year from April has the calendar's quarters */
  p = per_make(3, 4, 0);
  assert_int_equal(p.first, 1);
  p = per_make(3, 11, 1);
  assert_int_equal(p.first, 2);
  assert_int_equal(p.back, 1);
  p = per_make(12, 4, 0);
  assert_int_equal(p.first, 4);
  struct period q;
  assert_true(per_decode(per_encode(p), &q));
  assert_int_equal(q.len, 12);
  assert_int_equal(q.first, 4);
  assert_int_equal(q.back, 0);
  /* what the verifier refuses */
  assert_false(per_decode(0x000000, &q));          /* no months */
  assert_false(per_decode(0x000102, &q));          /* two months */
  assert_false(per_decode(0x000403, &q));          /* a quarter from its 4th month */
  assert_false(per_decode(0x000d0c, &q));          /* a year from month 13 */
  assert_false(per_decode(0x00000c, &q));          /* month 0 */
  assert_false(per_decode(0x02010c, &q));          /* two periods back */
  assert_false(per_decode(0x0100010c, &q));        /* high byte */
  char t[64];
  per_text(per_make(12, 4, 1), t, sizeof t);
  assert_string_equal(t, "previous fiscal year from April");
  per_text(per_make(3, 1, 0), t, sizeof t);
  assert_string_equal(t, "calendar quarter");
  assert_int_equal(month_number("april"), 4);
  assert_int_equal(month_number("December"), 12);
  assert_int_equal(month_number("Apr"), 0);
}

/* ---- through the language ------------------------------------------------------------ */

#define HEAD                                                                                 \
  "enum kind { consulting }\n"                                                               \
  "record { id: text; partner type: kind; a: date; b: date; c: date?; n: int; }\n"

/* Does requirement `rule` hold for a record with dates a, b (and c, or
 * none) at asof, under rules that begin with `prefix` (a fiscal year)? */
static bool holds_in(const char *prefix, const char *rule, const char *a, const char *b, const char *c, const char *asof) {
  char src[1024], json[512];
  snprintf(src, sizeof src, "%s" HEAD "tier Base consulting < >\ntier Q consulting < %s; >\n", prefix, rule);
  snprintf(json, sizeof json, "{\"id\":\"x\",\"type\":\"consulting\",\"a\":\"%s\",\"b\":\"%s\",\"c\":%s%s%s,\"n\":0}", a, b,
           c ? "\"" : "", c ? c : "null", c ? "\"" : "");
  char *diag = NULL;
  tier_ruleset *rs = tu_compile(src, &diag);
  if (!rs) fprintf(stderr, "%s does not compile:\n%s\n", rule, diag);
  free(diag);
  assert_non_null(rs);
  const char *t = tu_tier(rs, json, asof);
  if (strncmp(t, "error", 5) == 0) fprintf(stderr, "%s: %s\n", rule, t);
  assert_true(strncmp(t, "error", 5) != 0);
  bool q = strcmp(t, "Q") == 0;
  tier_ruleset_free(rs);
  return q;
}
static bool holds_at(const char *rule, const char *a, const char *b, const char *c, const char *asof) {
  return holds_in("", rule, a, b, c, asof);
}
static bool holds(const char *rule, const char *a, const char *b) { return holds_at(rule, a, b, NULL, "2024-06-15"); }
#define APRIL "fiscal year starts in April;\n"
static bool holds_fy(const char *rule, const char *a, const char *b) { return holds_in(APRIL, rule, a, b, NULL, "2024-06-15"); }

static void year_month_and_days_between(void **st) {
  (void)st;
  assert_true(holds("year(a) == 2024 and month(a) == 2", "2024-02-29", "2024-03-01"));
  assert_true(holds("year(a) == 1 and month(a) == 1", "0001-01-01", "0001-01-01"));
  assert_true(holds("year(b) == 9999 and month(b) == 12", "0001-01-01", "9999-12-31"));
  /* b - a, in days: negative when b is earlier */
  assert_true(holds("days_between(a, b) == 1", "2024-02-29", "2024-03-01"));
  assert_true(holds("days_between(a, b) == 2", "2023-02-28", "2023-03-02"));
  assert_true(holds("days_between(b, a) == -366", "2024-01-01", "2025-01-01"));
  assert_true(holds("days_between(a, b) == 3652058", "0001-01-01", "9999-12-31"));
  assert_true(holds("days_between(a, a) == 0", "2024-02-29", "2024-02-29"));
  assert_true(holds("days_between(a, asof) == 107", "2024-02-29", "2024-02-29"));
}

static void month_quarter_and_year_ends(void **st) {
  (void)st;
  assert_true(holds("month_start(a) == 2024-02-01 and month_end(a) == 2024-02-29", "2024-02-10", "2024-01-01"));
  assert_true(holds("month_end(a) == 2023-02-28", "2023-02-01", "2024-01-01"));
  assert_true(holds("month_end(a) == 2024-01-31 and month_start(a) == 2024-01-01", "2024-01-31", "2024-01-01"));
  assert_true(holds("quarter_start(a) == 2024-01-01 and quarter_end(a) == 2024-03-31", "2024-02-29", "2024-01-01"));
  assert_true(holds("quarter_start(a) == 2024-04-01 and quarter_end(a) == 2024-06-30", "2024-06-30", "2024-01-01"));
  assert_true(holds("quarter_start(a) == 2024-10-01 and quarter_end(a) == 2024-12-31", "2024-10-01", "2024-01-01"));
  assert_true(holds("year_start(a) == 2024-01-01 and year_end(a) == 2024-12-31", "2024-07-04", "2024-01-01"));
  assert_true(holds("year_end(a) + 1 year + 3 months == 2026-03-31", "2024-02-29", "2024-01-01"));
  /* at the ends of the calendar, the dates stay in it */
  assert_true(holds("year_end(b) == 9999-12-31 and month_start(a) == 0001-01-01", "0001-01-31", "9999-12-31"));
  /* the review rule may use them */
  char src[512];
  snprintf(src, sizeof src, HEAD "review = month_end(a);\ntier Base consulting < >\ntier Q consulting < asof == 2024-02-29; >\n");
  tier_ruleset *rs = tu_compile_ok(src);
  assert_string_equal(tu_tier(rs, "{\"id\":\"x\",\"type\":\"consulting\",\"a\":\"2024-02-03\",\"b\":\"2024-02-03\",\"c\":null,\"n\":0}", NULL), "Q");
  tier_ruleset_free(rs);
}

/* d in [previous] P of x: from the first day of P through its last,
 * whatever the time of the month; P the period of x or the one before. */
static void dates_in_periods(void **st) {
  (void)st;
  assert_true(holds("a in calendar month of b", "2024-02-01", "2024-02-29"));
  assert_true(holds("a in calendar month of b", "2024-02-29", "2024-02-01"));
  assert_false(holds("a in calendar month of b", "2024-03-01", "2024-02-29"));
  assert_false(holds("a in calendar month of b", "2023-02-15", "2024-02-15"));
  assert_true(holds("a in previous calendar month of b", "2024-01-31", "2024-02-29"));
  assert_true(holds("a in previous calendar month of b", "2023-12-01", "2024-01-01"));
  assert_false(holds("a in previous calendar month of b", "2024-02-01", "2024-02-29"));
  assert_true(holds("a in calendar quarter of b", "2024-04-01", "2024-06-30"));
  assert_false(holds("a in calendar quarter of b", "2024-03-31", "2024-04-01"));
  assert_true(holds("a in previous calendar quarter of b", "2023-10-01", "2024-03-31"));
  assert_true(holds("a in calendar year of b", "2024-01-01", "2024-12-31"));
  assert_true(holds("a in previous calendar year of b", "2023-12-31", "2024-01-01"));
  /* of asof, and of a parenthesised expression */
  assert_true(holds("a in calendar month of asof", "2024-06-01", "2000-01-01"));
  assert_true(holds("a in calendar year of (b + 1 year)", "2025-12-31", "2024-02-29"));
  /* Japan's fiscal year (年度): April to March; its quarters are the calendar's */
  assert_true(holds_fy("a in fiscal year of b", "2024-04-01", "2025-03-31"));
  assert_false(holds_fy("a in fiscal year of b", "2024-03-31", "2024-04-01"));
  assert_true(holds_fy("a in previous fiscal year of b", "2023-04-01", "2024-04-01"));
  assert_false(holds_fy("a in previous fiscal year of b", "2023-03-31", "2024-04-01"));
  assert_true(holds_fy("a in fiscal quarter of b", "2024-04-01", "2024-06-30"));
  assert_true(holds_fy("a in previous fiscal quarter of b", "2024-01-01", "2024-04-30"));
  /* a fiscal year from February has its own quarters */
  assert_true(holds_in("fiscal year starts in February;\n", "a in fiscal quarter of b", "2024-02-01", "2024-04-30", NULL,
                       "2024-06-15"));
  assert_false(holds_in("fiscal year starts in February;\n", "a in fiscal quarter of b", "2024-01-31", "2024-02-01", NULL,
                        "2024-06-15"));
  /* at the ends of the calendar: the periods before 0001-01 hold no date */
  assert_true(holds("a in calendar year of b", "0001-01-01", "0001-12-31"));
  assert_false(holds("a in previous calendar year of b", "0001-01-01", "0001-12-31"));
  assert_true(holds("a in previous calendar month of b", "9999-11-30", "9999-12-31"));
  assert_true(holds_fy("a in fiscal year of b", "0001-01-01", "0001-03-31"));
  assert_true(holds_fy("a in fiscal year of b", "9999-12-31", "9999-04-01"));
  /* a missing date is in no period, and not outside one either */
  assert_false(holds_at("c in calendar year of a", "2024-01-01", "2024-01-01", NULL, "2024-06-15"));
  assert_false(holds_at("a in calendar year of c", "2024-01-01", "2024-01-01", NULL, "2024-06-15"));
  assert_true(holds_at("c in calendar year of a", "2024-01-01", "2024-01-01", "2024-12-31", "2024-06-15"));
}

/* fiscal_quarter_start ... fiscal_year_end count from the month `fiscal
 * year starts in` names; from January they are the calendar's. */
static void fiscal_functions(void **st) {
  (void)st;
  assert_true(holds_fy("fiscal_year_start(a) == 2023-04-01 and fiscal_year_end(a) == 2024-03-31", "2024-03-31", "2024-01-01"));
  assert_true(holds_fy("fiscal_year_start(a) == 2024-04-01 and fiscal_year_end(a) == 2025-03-31", "2024-04-01", "2024-01-01"));
  assert_true(holds_fy("fiscal_quarter_start(a) == 2024-01-01 and fiscal_quarter_end(a) == 2024-03-31", "2024-02-29",
                       "2024-01-01"));
  assert_true(holds_in("fiscal year starts in October;\n",
                       "fiscal_year_end(a) == 2024-09-30 and fiscal_quarter_start(a) == 2024-01-01", "2024-02-29",
                       "2024-01-01", NULL, "2024-06-15"));
  assert_true(holds_in("fiscal year starts in January;\n", "fiscal_year_end(a) == year_end(a)", "2024-02-29", "2024-01-01",
                       NULL, "2024-06-15"));
  assert_true(holds_in("fiscal year starts in november;\n", "fiscal_quarter_end(a) == 2024-04-30", "2024-02-29", "2024-01-01",
                       NULL, "2024-06-15"));
  /* the ends of the calendar */
  assert_true(holds_fy("fiscal_year_start(a) == 0001-01-01 and fiscal_year_end(b) == 9999-12-31", "0001-03-31",
                       "9999-12-31"));
}

/* A missing date gives a missing value, which no comparison meets. */
static void none_in_none_out(void **st) {
  (void)st;
  assert_false(holds_at("year(c) == 2024 or year(c) != 2024", "2024-01-01", "2024-01-01", NULL, "2024-06-15"));
  assert_true(holds_at("month_end(c) is none", "2024-01-01", "2024-01-01", NULL, "2024-06-15"));
  assert_true(holds_at("days_between(a, c) is none", "2024-01-01", "2024-01-01", NULL, "2024-06-15"));
  assert_true(holds_at("days_between(a, c) == 31", "2024-01-01", "2024-01-01", "2024-02-01", "2024-06-15"));
}

static void mistakes_get_one_clear_error(void **st) {
  (void)st;
  struct { const char *rule, *msg; } cases[] = {
      {"year(n) == 2024", "year needs a date, not int: year(date)"},
      {"days_between(a) == 2", "days_between takes 2 values, not 1: days_between(a, b) (b - a, in days)"},
      {"month_end(a, b) == a", "month_end takes 1 value, not 2: month_end(date)"},
      {"year_of(a) == 2024", "no function named 'year_of'; did you mean 'year'?"},
      {"month_end(a) == 3", "cannot compare date with int"},
      {"a in fiscal year of b", "a fiscal year needs the month the fiscal year starts in: add `fiscal year starts in April;`"},
      {"fiscal_quarter_end(a) == b", "fiscal_quarter_end needs the month the fiscal year starts in: add `fiscal year starts in"},
      {"a in calendar year of n", "`calendar year of` takes a date, not int"},
      {"n in previous calendar month of a", "`in previous calendar month of` tests a date, not int"},
      {"a in calendar quarter of a + 1 year", "(here: bool + duration)"},
      {"a in fiscal month of b", "a fiscal year's months are calendar months: write `calendar month`"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char src[512];
    snprintf(src, sizeof src, HEAD "tier Q consulting < %s; >\n", cases[i].rule);
    char *d = tu_diags(src);
    tu_assert_contains(d, cases[i].msg);
    /* one error, not a cascade */
    int errors = 0;
    for (const char *p = d; (p = strstr(p, "error:")); p++) errors++;
    if (errors != 1) fprintf(stderr, "%s", d);
    assert_int_equal(errors, 1);
    free(d);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_day_of_the_calendar),
      cmocka_unit_test(every_byte_of_a_date),
      cmocka_unit_test(far_years),
      cmocka_unit_test(periods_agree_with_the_calendar),
      cmocka_unit_test(periods_are_encoded_canonically),
      cmocka_unit_test(year_month_and_days_between),
      cmocka_unit_test(month_quarter_and_year_ends),
      cmocka_unit_test(dates_in_periods),
      cmocka_unit_test(fiscal_functions),
      cmocka_unit_test(none_in_none_out),
      cmocka_unit_test(mistakes_get_one_clear_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
