/*
 * period.c - calendar and fiscal periods (see period.h).
 *
 * Every computation is on month indices, y * 12 + (m - 1), which for the
 * dates a record or the VM can hold (years 1-9999) lie in 12 .. 119999:
 * no overflow, no negative division, and a period is found by one integer
 * division, so the ends of the calendar need no special case until a date
 * has to be made from a month index.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "period.h"
#include "tier_int.h"

uint32_t per_encode(struct period p) {
  return (uint32_t)p.len | (uint32_t)p.first << 8 | (uint32_t)p.back << 16;
}

bool per_decode(uint32_t a, struct period *p) {
  p->len = (uint8_t)a;
  p->first = (uint8_t)(a >> 8);
  p->back = (uint8_t)(a >> 16);
  return a >> 24 == 0 && (p->len == 1 || p->len == 3 || p->len == 12) && p->first >= 1 && p->first <= p->len &&
         p->back <= 1;
}

struct period per_make(int len, int year_first, int back) {
  struct period p = {(uint8_t)len, (uint8_t)((year_first - 1) % len + 1), (uint8_t)back};
  return p;
}

/* The month index of day number x (x a date of the calendar). */
static int64_t month_index(int64_t x) {
  int y, m, d;
  date_to_ymd(x, &y, &m, &d);
  return (int64_t)y * 12 + (m - 1);
}

/* Which period of p's sequence month index mi lies in. */
static int64_t period_of(struct period p, int64_t mi) { return (mi - (p.first - 1)) / p.len; }

/* The month index that starts period p of date x. */
static int64_t first_month(struct period p, int64_t x) {
  return (period_of(p, month_index(x)) - p.back) * p.len + (p.first - 1);
}

bool per_contains(struct period p, int64_t x, int64_t d) {
  return period_of(p, month_index(d)) == period_of(p, month_index(x)) - p.back;
}

/* The first day of the month with index mi, clamped to the calendar. */
static int64_t month_first_day(int64_t mi) {
  if (mi < 12) return DATE_MIN;
  if (mi >= 120000) return DATE_MAX + 1;
  return date_from_ymd((int)(mi / 12), (int)(mi % 12) + 1, 1);
}

int64_t per_start(struct period p, int64_t x) { return month_first_day(first_month(p, x)); }

int64_t per_end(struct period p, int64_t x) {
  int64_t next = first_month(p, x) + p.len;
  return next <= 12 ? DATE_MIN : month_first_day(next) - 1;
}

void per_days(struct period p, int64_t x, int64_t *lo, int64_t *hi) {
  int64_t next = first_month(p, x) + p.len;
  *lo = month_first_day(next - p.len);
  *hi = next <= 12 ? DATE_MIN - 1 : month_first_day(next) - 1;
}

/* The rules' month names, marked for the catalogue: a sentence in the
 * user's language says a month in it (per_words). */
static const char *const months[12] = {N_("January"),   N_("February"), N_("March"),    N_("April"),
                                       N_("May"),       N_("June"),     N_("July"),     N_("August"),
                                       N_("September"), N_("October"),  N_("November"), N_("December")};

const char *month_name(int m) { return m >= 1 && m <= 12 ? months[m - 1] : NULL; }

int month_number(const char *name) {
  for (int i = 0; i < 12; i++)
    if (strcasecmp(months[i], name) == 0) return i + 1;
  return 0;
}

/* How a period is said, by [fiscal][previous][month, quarter, year]; a
 * fiscal period names the month its year starts in. */
static const char *const period_says[2][2][3] = {
    {{N_("calendar month"), N_("calendar quarter"), N_("calendar year")},
     {N_("previous calendar month"), N_("previous calendar quarter"), N_("previous calendar year")}},
    {{N_("fiscal month from %s"), N_("fiscal quarter from %s"), N_("fiscal year from %s")},
     {N_("previous fiscal month from %s"), N_("previous fiscal quarter from %s"), N_("previous fiscal year from %s")}}};

/* p in the rules' words, or translated for a sentence a person reads. */
static void per_say(struct period p, bool translate, char *out, size_t n) {
  const char *say = period_says[p.first != 1][p.back != 0][p.len == 1 ? 0 : p.len == 3 ? 1 : 2];
  const char *month = month_name(p.first);
  if (translate) {
    say = _(say);
    month = _(month);
  }
  snprintf(out, n, say, month); /* a calendar period has no %s: the month is not used */
}

void per_text(struct period p, char *out, size_t n) { per_say(p, false, out, n); }
void per_words(struct period p, char *out, size_t n) { per_say(p, true, out, n); }
