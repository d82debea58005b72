/*
 * checkpoint.c - the time clauses of tiers and badges (SPEC 3.5,
 * "Checkpoints"): which dates a clause looks at, how many there can be (the
 * verifier's cost bound counts them), and how the clause reads.  The
 * compiler, the verifier, the VM and the result all ask here, so that a
 * clause's dates are defined once.
 */
#include <stdio.h>

#include "tier_int.h"

/* The largest N of each clause.  Monthly checkpoints are few; daily ones
 * are bounded to about a year, each being a whole evaluation of the
 * metrics and requirements (docs/language.md, "Limits"). */
uint32_t tc_limit(int kind) {
  switch (kind) {
  case TC_SUSTAINED:
  case TC_ANY_MONTHS: return 120;
  case TC_ANY_DAYS: return 366;
  case TC_ANY_CALMONTHS: return 11; /* this month and 11 before it: at most 366 days */
  default: return 0;
  }
}

/* Checkpoints before the evaluation date: a calendar-month window counts
 * 31 days for the current month and each month before it. */
uint32_t tc_max_checkpoints(int kind, uint32_t n) {
  switch (kind) {
  case TC_SUSTAINED:
  case TC_ANY_MONTHS: return n;
  case TC_ANY_DAYS: return n ? n - 1 : 0;
  case TC_ANY_CALMONTHS: return 31 * (n + 1) - 1;
  default: return 0;
  }
}

/* The k-th checkpoint of a clause at evaluation date asof (0 is asof
 * itself), or TIER_NONE when the window has no k-th one: past its end, or
 * a day before 0001-01-01. */
int64_t tc_checkpoint(int kind, uint32_t n, int64_t asof, uint32_t k) {
  if (k == 0) return asof;
  switch (kind) {
  case TC_SUSTAINED:
  case TC_ANY_MONTHS: {
    /* months before 0001-01 saturate at 0001-01-01, as date arithmetic does */
    return k <= n ? date_add_months(asof, -(int64_t)k) : TIER_NONE;
  }
  case TC_ANY_DAYS:
    return k < n && asof - k >= DATE_MIN ? asof - k : TIER_NONE;
  case TC_ANY_CALMONTHS: {
    int y, m, d;
    date_to_ymd(asof, &y, &m, &d);
    int64_t months = (int64_t)y * 12 + (m - 1) - n; /* the window's first month */
    int64_t first = months < 12 ? DATE_MIN : date_from_ymd((int)(months / 12), (int)(months % 12) + 1, 1);
    return asof - k >= first ? asof - k : TIER_NONE;
  }
  default: return TIER_NONE;
  }
}

const char *tc_text(int kind, uint32_t n, char *buf, size_t len) {
  const char *s = n == 1 ? "" : "s";
  switch (kind) {
  case TC_SUSTAINED: snprintf(buf, len, "sustained %u month%s", n, s); break;
  case TC_ANY_MONTHS: snprintf(buf, len, "at any checkpoint within %u month%s", n, s); break;
  case TC_ANY_DAYS: snprintf(buf, len, "at any checkpoint within %u day%s", n, s); break;
  case TC_ANY_CALMONTHS: snprintf(buf, len, "at any checkpoint within %u calendar month%s", n, s); break;
  default: snprintf(buf, len, "no time clause"); break;
  }
  return buf;
}

/* The earliest checkpoint of a clause at evaluation date asof. */
int64_t tc_first(int kind, uint32_t n, int64_t asof) {
  uint32_t k = kind == TC_ANY_CALMONTHS ? tc_max_checkpoints(kind, n) : kind == TC_ANY_DAYS ? n - 1 : n;
  for (; k > 0; k--) {
    int64_t at = tc_checkpoint(kind, n, asof, k);
    if (at != TIER_NONE) return at;
  }
  return asof;
}

_Static_assert((int)TC_SUSTAINED == (int)TIER_TIME_SUSTAINED && (int)TC_ANY_MONTHS == (int)TIER_TIME_ANY_MONTHS &&
                   (int)TC_ANY_DAYS == (int)TIER_TIME_ANY_DAYS && (int)TC_ANY_CALMONTHS == (int)TIER_TIME_ANY_CALMONTHS,
               "enum tier_time follows the TC_ kinds");
