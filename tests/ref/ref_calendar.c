/*
 * ref_calendar.c - dates for the reference interpreter, written from the
 * definition of the Gregorian calendar rather than for speed: a day is
 * counted from 0001-01-01 by whole years, whole months and days, and turned
 * into the API's day number (days since 1970-01-01).  Month arithmetic
 * clamps the day to the end of the month (docs/language.md 5.4), and
 * results saturate at 0001-01-01 and 9999-12-31.
 */
#include <time.h>

#include "ref_int.h"

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int64_t y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : dm[m - 1];
}

/* Days from 0001-01-01 to the first day of year y. */
static int64_t days_before_year(int64_t y) {
  int64_t p = y - 1;
  return 365 * p + p / 4 - p / 100 + p / 400;
}

#define EPOCH 719162 /* days from 0001-01-01 to 1970-01-01 */
#define FIRST_DAY (-EPOCH)                  /* 0001-01-01 */
#define LAST_DAY (days_before_year(10000) - 1 - EPOCH) /* 9999-12-31 */

int64_t ref_days(int y, int m, int d) {
  int64_t n = days_before_year(y);
  for (int k = 1; k < m; k++) n += month_days(y, k);
  return n + d - 1 - EPOCH;
}

void ref_ymd(int64_t days, int *y, int *m, int *d) {
  int64_t n = days + EPOCH; /* days since 0001-01-01 */
  int64_t yy = n / 366 + 1; /* a year no later than the right one */
  while (days_before_year(yy + 1) <= n) yy++;
  n -= days_before_year(yy);
  int mm = 1;
  while (n >= month_days(yy, mm)) n -= month_days(yy, mm++);
  *y = (int)yy;
  *m = mm;
  *d = (int)n + 1;
}

/* Exactly YYYY-MM-DD with a real day of a year 0001-9999. */
bool ref_date_parse(const char *s, size_t n, int64_t *days) {
  if (n != 10 || s[4] != '-' || s[7] != '-') return false;
  int v[3] = {0, 0, 0};
  static const int at[3] = {0, 5, 8}, len[3] = {4, 2, 2};
  for (int k = 0; k < 3; k++)
    for (int i = 0; i < len[k]; i++) {
      char ch = s[at[k] + i];
      if (ch < '0' || ch > '9') return false;
      v[k] = v[k] * 10 + (ch - '0');
    }
  if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > month_days(v[0], v[1])) return false;
  *days = ref_days(v[0], v[1], v[2]);
  return true;
}

void ref_date_text(int64_t days, char out[11]) {
  int y, m, d;
  ref_ymd(days, &y, &m, &d);
  snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static int64_t saturate(int64_t days) { return days < FIRST_DAY ? FIRST_DAY : days > LAST_DAY ? LAST_DAY : days; }

int64_t ref_add_months(int64_t days, int64_t months) {
  int y, m, d;
  ref_ymd(days, &y, &m, &d);
  int64_t index = (int64_t)y * 12 + (m - 1) + months; /* months since January of year 0 */
  if (index < 12) return FIRST_DAY;
  int64_t ny = index / 12, nm = index % 12 + 1;
  if (ny > 9999) return LAST_DAY;
  int last = month_days(ny, (int)nm);
  return ref_days((int)ny, (int)nm, d < last ? d : last);
}

int64_t ref_add_days(int64_t days, int64_t n) { return saturate(days + n); }

int64_t ref_today(void) { return (int64_t)(time(NULL) / 86400); }
