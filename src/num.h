/*
 * num.h - exact rational numbers: the values of type `number` (SPEC 3.4.1).
 *
 * A number is a fraction n/d in lowest terms with d > 0, numerator and
 * denominator in 128-bit integers.  The documented range is
 *
 *     |n| <= 2^127 - 1   and   1 <= d <= 2^127 - 1
 *
 * (about 1.7e38 either way).  Every operation gives the exact result, or
 * NUM_ERANGE when the result in lowest terms does not fit: nothing is ever
 * rounded behind the rules' back.  Only num_floor, num_ceil and num_round
 * round, because the rules ask them to.
 *
 * A missing value (none) is d == 0, so zeroed memory reads as none, and
 * none passes through arithmetic.  Division by zero gives none (SPEC 3.5)
 * that remembers why - n == 1 - so that explain can say so; arithmetic
 * passes the none it met on unchanged.
 *
 * Nothing here allocates or keeps state: the VM calls these per record.
 * The halves are 8-byte aligned (not __int128's natural 16), so that an
 * array of numbers fits in whatever block an allocator hook returns.
 */
#ifndef TIER_NUM_H
#define TIER_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef __int128 num_int __attribute__((aligned(8)));

struct num {
  num_int n; /* numerator, carries the sign */
  num_int d; /* denominator > 0; 0 means none */
};

enum { NUM_OK = 0, NUM_ERANGE = 1, NUM_ESYNTAX = 2 };

/* Longest text num_format writes, NUL included: a terminating decimal in
 * full has at most 39 integer and 126 fraction digits. */
#define NUM_TEXT 176
/* Longest text num_format_shown writes, NUL included. */
#define NUM_SHOWN 48
/* Significant digits of a non-terminating value in JSON and CSV. */
#define NUM_DIGITS 34
/* Most significant digits a written number (literal, JSON) may have. */
#define NUM_MAX_WRITTEN_DIGITS 77

static inline struct num num_none(void) { struct num x = {0, 0}; return x; }
static inline bool num_is_none(struct num x) { return x.d == 0; }
/* none because a division by zero gave it */
static inline bool num_is_divzero(struct num x) { return x.d == 0 && x.n == 1; }
/* The none a value computed from a and b (one of them none) is: a
 * division by zero's when either is one, else the first none.  Arithmetic
 * and min()/max() both give it, so the reason explain prints depends
 * neither on the operator nor on the order of the operands. */
static inline struct num num_none_of(struct num a, struct num b) { return num_is_divzero(b) || !num_is_none(a) ? b : a; }
static inline struct num num_from_int(int64_t v) { struct num x = {v, 1}; return x; }
struct num num_from_cents(int64_t cents); /* cents / 100 in lowest terms */
bool num_is_int(struct num x);            /* not none, and d == 1 */
bool num_is_canonical(struct num x);      /* none ({0, 0}), or in range and in lowest terms */

/* Arithmetic: *out = a OP b.  none in, none out; NUM_ERANGE when the exact
 * result does not fit (then *out is unchanged). */
int num_add(struct num a, struct num b, struct num *out);
int num_sub(struct num a, struct num b, struct num *out);
int num_mul(struct num a, struct num b, struct num *out);
int num_div(struct num a, struct num b, struct num *out); /* b == 0: none (division by zero) */
struct num num_neg(struct num a); /* always fits: the range is symmetric */
struct num num_abs(struct num a);

/* Order of two numbers that are not none: -1, 0 or 1.  Exact (256-bit
 * cross products), never overflows. */
int num_cmp(struct num a, struct num b);

/* floor, ceil, and round to `digits` decimals (-38..38), half away from
 * zero and symmetric for negatives (round(-2.5) = -3), as spreadsheets do. */
int num_floor(struct num a, struct num *out);
int num_ceil(struct num a, struct num *out);
int num_round(struct num a, int digits, struct num *out);

/* The decimal s[0..len) (-?D+(.D+)?([eE][+-]?D+)?, JSON's number grammar
 * with leading zeros allowed) exactly: NUM_ESYNTAX for anything else,
 * NUM_ERANGE when it is outside the range or has more than
 * NUM_MAX_WRITTEN_DIGITS significant digits. */
int num_parse(const char *s, size_t len, struct num *out);

/* Text for JSON and CSV (SPEC 3.5): an integral value without a decimal
 * point ("70"), a terminating decimal in full without exponent ("1.25"),
 * any other value rounded half away from zero to NUM_DIGITS significant
 * digits ("0.3333333333333333333333333333333333"); "none" for none.
 * Returns out. */
char *num_format(struct num a, char out[NUM_TEXT]);
/* Text for people (table, explain, report): rounded to 2 decimals and
 * marked "≈" when that changed the value ("≈0.33"); exact values with at
 * most 2 decimals as num_format writes them ("1.5").  Returns out. */
char *num_format_shown(struct num a, char out[NUM_SHOWN]);
/* Is the value exact with at most `places` decimals (not none)? */
bool num_has_places(struct num a, int places);

double num_to_double(struct num a); /* NaN for none; for charts only */

#endif
