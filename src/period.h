/*
 * period.h - calendar and fiscal periods (SPEC 3.4.6, 3.5): the months,
 * quarters and years a date lies in, as the compiler encodes them in an
 * instruction's PER operand and as the VM, the disassembler, the meaning
 * reader and explain read them back.  Dates are day numbers (tier_int.h).
 *
 * A period is a run of `len` months (1, 3 or 12) in a sequence of such
 * runs aligned so that one starts in month `first` (1-12): calendar months
 * are (1, 1), calendar quarters (3, 1), calendar years (12, 1), a fiscal
 * year that starts in April (12, 4), its quarters (3, 1) again - the same
 * quarters as the calendar's.  `back` counts periods before the one a date
 * lies in (previous: 1).  The encoding is canonical: `first` is at most
 * `len`, so that two spellings of one period give the same bytes.
 */
#ifndef TIER_PERIOD_H
#define TIER_PERIOD_H

#include <stdbool.h>
#include <stdint.h>

struct period {
  uint8_t len;   /* months: 1, 3 or 12 */
  uint8_t first; /* a month that starts a period: 1 .. len */
  uint8_t back;  /* periods before the date's own: 0 or 1 */
};

/* The PER operand: len | first << 8 | back << 16.  per_decode fails on
 * anything per_encode cannot give (the verifier's rule). */
uint32_t per_encode(struct period p);
bool per_decode(uint32_t a, struct period *p);

/* The period of `len` months whose year starts in month `year_first` (1 for
 * calendar periods, the fiscal year's first month for fiscal ones), made
 * canonical. */
struct period per_make(int len, int year_first, int back);

/* Is date d in period p of date x (p.back periods before the one x lies
 * in)?  Exact at both ends of the calendar: no date is clamped. */
bool per_contains(struct period p, int64_t x, int64_t d);

/* The first and last day of period p of date x, clamped to 0001-01-01 ..
 * 9999-12-31 (a fiscal year may start before the calendar does or end after
 * it; those days exist for no record). */
int64_t per_start(struct period p, int64_t x);
int64_t per_end(struct period p, int64_t x);

/* The days of period p of date x as the range *lo .. *hi, clamped to the
 * calendar as per_start and per_end are; empty (*lo > *hi) when the period
 * lies wholly before the calendar.  A date d of the calendar is in it
 * exactly when per_contains(p, x, d): for testing many dates against one
 * x without taking each apart (the VM's INPER). */
void per_days(struct period p, int64_t x, int64_t *lo, int64_t *hi);

/* "calendar month", "previous calendar quarter", "fiscal year from April",
 * "fiscal quarter from February": what p is, in the rules' words. */
void per_text(struct period p, char *out, size_t n);
/* The same in the user's language, for a sentence a person reads (the
 * compiled meaning, the disassembly and JSON keep the rules' words). */
void per_words(struct period p, char *out, size_t n);

/* "April" for 4; NULL outside 1-12. */
const char *month_name(int m);
/* 1-12 for a month's English name in any case ("april", "April"), else 0. */
int month_number(const char *name);

#endif
