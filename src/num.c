/*
 * num.c - exact rational numbers (see num.h for the contract).
 *
 * The common cases stay in 128-bit arithmetic with overflow checks:
 * integers (d == 1), equal denominators, and sums and products reduced by
 * the gcds first (Knuth, TAOCP 4.5.1), which keeps intermediate values as
 * small as the result allows.  When a 128-bit step overflows, the exact
 * result is computed again in 256 bits and only then judged: a number is
 * out of range exactly when its lowest terms do not fit, never because an
 * intermediate did.  Comparisons use 256-bit cross products.  Printing and
 * rounding, which are not on the per-record path of plain arithmetic, use
 * a small bit-serial 256-by-256 division.
 */
#include <string.h>

#include "num.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

#define I128_MAX ((i128)(((u128)1 << 127) - 1))
#define I128_MIN (-I128_MAX - 1)

static u128 mag(i128 x) { return x < 0 ? (u128)0 - (u128)x : (u128)x; }

/* ---- 128-bit helpers ---------------------------------------------------------- */

static int ctz128(u128 x) {
  uint64_t lo = (uint64_t)x;
  return lo ? __builtin_ctzll(lo) : 64 + __builtin_ctzll((uint64_t)(x >> 64));
}

/* Binary gcd (Stein): shifts and subtractions, no 128-bit division. */
static u128 gcd(u128 a, u128 b) {
  if (a == 0) return b;
  if (b == 0) return a;
  if (a == 1 || b == 1) return 1;
  int k = ctz128(a | b);
  a >>= ctz128(a);
  do {
    b >>= ctz128(b);
    if (a > b) { u128 t = a; a = b; b = t; }
    b -= a;
  } while (b);
  return a << k;
}

/* ---- 256-bit unsigned helpers --------------------------------------------------- */

struct u256 { u128 hi, lo; };

static struct u256 w(u128 lo) { struct u256 r = {0, lo}; return r; }

static struct u256 mul128(u128 a, u128 b) {
  uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64), b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
  u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1, p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
  u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
  struct u256 r = {p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64), (mid << 64) | (uint64_t)p00};
  return r;
}

static int cmp256(struct u256 a, struct u256 b) {
  if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
  return a.lo < b.lo ? -1 : a.lo > b.lo;
}
static struct u256 add256(struct u256 a, struct u256 b) {
  struct u256 r = {a.hi + b.hi, a.lo + b.lo};
  r.hi += r.lo < a.lo;
  return r;
}
static struct u256 sub256(struct u256 a, struct u256 b) { /* a >= b */
  struct u256 r = {a.hi - b.hi - (a.lo < b.lo), a.lo - b.lo};
  return r;
}
static bool fits127(struct u256 a) { return a.hi == 0 && a.lo <= (u128)I128_MAX; }

/* Bits needed for a (0 for 0). */
static int bitlen256(struct u256 a) {
  if (a.hi) return 128 + 128 - (a.hi >> 64 ? __builtin_clzll((uint64_t)(a.hi >> 64)) : 64 + __builtin_clzll((uint64_t)a.hi));
  if (a.lo) return 128 - (a.lo >> 64 ? __builtin_clzll((uint64_t)(a.lo >> 64)) : 64 + __builtin_clzll((uint64_t)a.lo));
  return 0;
}

/* a * k for a small k; the callers keep the product below 2^256. */
static struct u256 mul256_small(struct u256 a, uint64_t k) {
  struct u256 lo = mul128(a.lo, k);
  lo.hi += a.hi * k;
  return lo;
}

/* q = n / d, r = n % d, for d != 0 and d < 2^255 (true of every divisor
 * here: they are products of two 128-bit values at most).  Bit-serial: it
 * serves rounding and exact fallbacks, not the common arithmetic. */
static void divmod256(struct u256 n, struct u256 d, struct u256 *q, struct u256 *r) {
  if (n.hi == 0 && d.hi == 0) {
    *q = w(n.lo / d.lo);
    *r = w(n.lo % d.lo);
    return;
  }
  struct u256 qq = {0, 0}, rr = {0, 0};
  for (int i = bitlen256(n) - 1; i >= 0; i--) {
    rr.hi = rr.hi << 1 | rr.lo >> 127;
    rr.lo = rr.lo << 1 | ((i >= 128 ? n.hi >> (i - 128) : n.lo >> i) & 1);
    if (cmp256(rr, d) >= 0) {
      rr = sub256(rr, d);
      if (i >= 128) qq.hi |= (u128)1 << (i - 128);
      else qq.lo |= (u128)1 << i;
    }
  }
  *q = qq;
  *r = rr;
}

static u128 pow10_u128(int k) { /* k <= 38 */
  u128 p = 1;
  while (k-- > 0) p *= 10;
  return p;
}

/* ---- construction --------------------------------------------------------------- */

/* Store n/d (d > 0, already in lowest terms) if it is in range. */
static int put(i128 n, i128 d, struct num *out) {
  if (n == I128_MIN || d <= 0) return NUM_ERANGE;
  out->n = n;
  out->d = d;
  return NUM_OK;
}

/* Store sign * mag / d, reducing by gcd(mag, d). */
static int put_reduced(bool neg, struct u256 m, u128 d, struct num *out) {
  if (m.hi == 0) {
    u128 g = gcd(m.lo, d);
    m.lo /= g;
    d /= g;
  } else {
    struct u256 q, r;
    divmod256(m, w(d), &q, &r);
    u128 g = gcd(r.lo, d);
    divmod256(m, w(g), &m, &r);
    d /= g;
  }
  if (!fits127(m) || d > (u128)I128_MAX) return NUM_ERANGE;
  return put(neg ? -(i128)m.lo : (i128)m.lo, (i128)d, out);
}

struct num num_from_cents(int64_t cents) {
  struct num x;
  put_reduced(cents < 0, w(mag(cents)), 100, &x);
  return x;
}

bool num_is_int(struct num x) { return x.d == 1; }

bool num_is_canonical(struct num x) {
  if (x.d == 0) return x.n == 0;
  return x.d > 0 && x.n != I128_MIN && gcd(mag(x.n), (u128)x.d) == 1;
}

/* ---- arithmetic ------------------------------------------------------------------- */

/* A signed 256-bit value as sign and magnitude. */
struct s256 { bool neg; struct u256 m; };

static struct s256 smul(i128 a, u128 b) {
  struct s256 r = {a < 0, mul128(mag(a), b)};
  return r;
}
static struct s256 sadd(struct s256 a, struct s256 b) {
  if (a.neg == b.neg) { a.m = add256(a.m, b.m); return a; }
  if (cmp256(a.m, b.m) >= 0) { a.m = sub256(a.m, b.m); return a; }
  b.m = sub256(b.m, a.m);
  return b;
}

/* a/ad + b/bd in 256 bits, for when the 128-bit steps overflow. */
static int add_wide(i128 an, i128 ad, i128 bn, i128 bd, struct num *out) {
  u128 g = gcd((u128)ad, (u128)bd), s = (u128)ad / g, t = (u128)bd / g;
  struct s256 x = sadd(smul(an, t), smul(bn, s));
  struct u256 q, r;
  divmod256(x.m, w(g), &q, &r);
  u128 g2 = gcd(r.lo, g);
  divmod256(x.m, w(g2), &q, &r);
  struct u256 d = mul128(s, (u128)bd / g2);
  if (!fits127(q) || !fits127(d)) return NUM_ERANGE;
  if (q.lo == 0) return put(0, 1, out);
  return put(x.neg ? -(i128)q.lo : (i128)q.lo, (i128)d.lo, out);
}

/* If a or b is none, that none is the result (num_none_of: x / 0 +
 * missing and missing + x / 0 give the same reason). */
static bool none_in(struct num a, struct num b, struct num *out) {
  if (!num_is_none(a) && !num_is_none(b)) return false;
  *out = num_none_of(a, b);
  return true;
}

int num_add(struct num a, struct num b, struct num *out) {
  if (none_in(a, b, out)) return NUM_OK;
  i128 an = a.n, ad = a.d, bn = b.n, bd = b.d, n, d, x, y;
  if (ad == bd) {
    if (!__builtin_add_overflow(an, bn, &n)) {
      if (ad == 1) return put(n, 1, out);
      return put_reduced(n < 0, w(mag(n)), (u128)ad, out);
    }
  } else {
    i128 g = (i128)gcd((u128)ad, (u128)bd), s = ad / g, t = bd / g;
    if (!__builtin_mul_overflow(an, t, &x) && !__builtin_mul_overflow(bn, s, &y) && !__builtin_add_overflow(x, y, &n)) {
      if (n == 0) return put(0, 1, out);
      i128 g2 = (i128)gcd(mag(n), (u128)g);
      /* (n/g2) / (s * bd/g2) is in lowest terms: a denominator that does
       * not fit is out of range, not an intermediate overflow */
      if (__builtin_mul_overflow(s, bd / g2, &d)) return NUM_ERANGE;
      return put(n / g2, d, out);
    }
  }
  return add_wide(an, ad, bn, bd, out);
}

struct num num_neg(struct num a) {
  if (!num_is_none(a)) a.n = -a.n; /* n != INT128_MIN: the range is symmetric */
  return a;
}
struct num num_abs(struct num a) {
  if (a.n < 0 && !num_is_none(a)) a.n = -a.n;
  return a;
}

int num_sub(struct num a, struct num b, struct num *out) { return num_add(a, num_neg(b), out); }

/* (an/g1 * bn/g2) / (ad/g2 * bd/g1) with g1 = gcd(an, bd), g2 = gcd(bn, ad)
 * is in lowest terms: an overflow there is a result out of range. */
int num_mul(struct num a, struct num b, struct num *out) {
  if (none_in(a, b, out)) return NUM_OK;
  i128 n, d;
  if (a.d == 1 && b.d == 1) {
    if (__builtin_mul_overflow((i128)a.n, (i128)b.n, &n)) return NUM_ERANGE;
    return put(n, 1, out);
  }
  i128 g1 = (i128)gcd(mag(a.n), (u128)b.d), g2 = (i128)gcd(mag(b.n), (u128)a.d);
  if (__builtin_mul_overflow(a.n / g1, b.n / g2, &n) || __builtin_mul_overflow(a.d / g2, b.d / g1, &d)) return NUM_ERANGE;
  return put(n, d, out);
}

int num_div(struct num a, struct num b, struct num *out) {
  if (none_in(a, b, out)) return NUM_OK;
  if (b.n == 0) {
    struct num z = {1, 0};
    *out = z;
    return NUM_OK;
  }
  struct num r = {b.n < 0 ? -b.d : b.d, b.n < 0 ? -b.n : b.n};
  return num_mul(a, r, out);
}

int num_cmp(struct num a, struct num b) {
  i128 an = a.n, bn = b.n, x, y;
  if (a.d == b.d) return an < bn ? -1 : an > bn;
  int sa = (an > 0) - (an < 0), sb = (bn > 0) - (bn < 0);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  if (!__builtin_mul_overflow(an, (i128)b.d, &x) && !__builtin_mul_overflow(bn, (i128)a.d, &y))
    return x < y ? -1 : x > y;
  int c = cmp256(mul128(mag(an), (u128)b.d), mul128(mag(bn), (u128)a.d));
  return sa < 0 ? -c : c;
}

/* ---- rounding ---------------------------------------------------------------------- */

int num_floor(struct num a, struct num *out) {
  if (num_is_none(a) || a.d == 1) { *out = a; return NUM_OK; }
  i128 q = a.n / a.d; /* |q| < |n|: no overflow, and q - 1 fits */
  if (a.n < 0) q--;   /* d > 1 and lowest terms: n is never a multiple of d */
  return put(q, 1, out);
}

int num_ceil(struct num a, struct num *out) {
  if (num_is_none(a) || a.d == 1) { *out = a; return NUM_OK; }
  i128 q = a.n / a.d;
  if (a.n > 0) q++;
  return put(q, 1, out);
}

/* |a| * 10^digits rounded half away from zero, then divided back. */
int num_round(struct num a, int digits, struct num *out) {
  if (num_is_none(a)) { *out = a; return NUM_OK; }
  if (digits < -38 || digits > 38) return NUM_ERANGE;
  bool neg = a.n < 0;
  u128 m = mag(a.n), d = (u128)a.d;
  struct u256 q, r;
  if (digits >= 0) {
    if (d == 1) { *out = a; return NUM_OK; }
    u128 p = pow10_u128(digits);
    divmod256(mul128(m, p), w(d), &q, &r);
    if (r.lo >= d - r.lo) q = add256(q, w(1)); /* 2r >= d, without overflow */
    return put_reduced(neg && (q.hi || q.lo), q, p, out);
  }
  u128 p = pow10_u128(-digits);
  struct u256 dd = mul128(d, p);
  divmod256(w(m), dd, &q, &r);
  if (cmp256(r, sub256(dd, r)) >= 0) q = add256(q, w(1));
  struct u256 n = mul128(q.lo, p); /* q <= |a| / 10 + 1 < 2^127 */
  if (!fits127(n)) return NUM_ERANGE;
  return put(neg ? -(i128)n.lo : (i128)n.lo, 1, out);
}

/* ---- text in --------------------------------------------------------------------- */

int num_parse(const char *s, size_t len, struct num *out) {
  const char *p = s, *e = s + len;
  bool neg = p < e && *p == '-';
  p += neg;
  struct u256 m = {0, 0};
  int sig = 0;                 /* significant digits taken into m */
  int64_t scale = 0, zeros = 0; /* value = m * 10^scale; zeros: pending trailing zeros */
  bool any = false, frac = false;
  for (; p < e; p++) {
    if (*p == '.' && !frac) {
      if (!any) return NUM_ESYNTAX;
      frac = true;
      any = false; /* a fraction needs digits too */
      continue;
    }
    if (*p < '0' || *p > '9') break;
    any = true;
    if (frac) scale--;
    if (*p == '0') { /* leading zeros count for nothing; others wait */
      if (sig) zeros++;
      continue;
    }
    if (sig + zeros + 1 > NUM_MAX_WRITTEN_DIGITS) return NUM_ERANGE;
    for (int64_t k = 0; k <= zeros; k++) m = mul256_small(m, 10);
    m = add256(m, w((u128)(*p - '0')));
    sig += (int)zeros + 1;
    zeros = 0;
  }
  if (!any) return NUM_ESYNTAX;
  scale += zeros; /* trailing zeros: a power of ten, not digits */
  if (p < e && (*p == 'e' || *p == 'E')) {
    p++;
    bool eneg = p < e && *p == '-';
    if (p < e && (*p == '+' || *p == '-')) p++;
    if (p >= e) return NUM_ESYNTAX;
    int64_t x = 0;
    for (; p < e && *p >= '0' && *p <= '9'; p++)
      if (x < 1000000) x = x * 10 + (*p - '0');
    scale += eneg ? -x : x;
  }
  if (p != e) return NUM_ESYNTAX;
  if (sig == 0) return put(0, 1, out);
  if (scale >= 0) {
    if (scale > 38 || !fits127(m)) return NUM_ERANGE;
    struct u256 n = mul128(m.lo, pow10_u128((int)scale));
    if (!fits127(n)) return NUM_ERANGE;
    return put(neg ? -(i128)n.lo : (i128)n.lo, 1, out);
  }
  /* m / (2^k 5^k): take the common factors out first */
  int64_t twos = -scale, fives = -scale;
  while (twos > 0 && !(m.lo & 1)) {
    m.lo = m.lo >> 1 | m.hi << 127;
    m.hi >>= 1;
    twos--;
  }
  while (fives > 0) {
    struct u256 q, r;
    divmod256(m, w(5), &q, &r);
    if (r.lo) break;
    m = q;
    fives--;
  }
  if (!fits127(m) || twos > 126 || fives > 54) return NUM_ERANGE;
  struct u256 d = w((u128)1 << twos);
  for (int64_t k = 0; k < fives && fits127(d); k++) d = mul128(d.lo, 5);
  if (!fits127(d)) return NUM_ERANGE;
  return put(neg ? -(i128)m.lo : (i128)m.lo, (i128)d.lo, out);
}

/* ---- text out ---------------------------------------------------------------------- */

/* The decimal digits of |a|: the integer part (nint digits, "0" when it
 * is zero), then `nfrac` fraction digits by long division. */
struct digits { char s[200]; int nint, len; };

static void gen_digits(struct num a, int nfrac, struct digits *dg) {
  u128 m = mag(a.n), d = (u128)a.d, q = m / d, r = m % d;
  char tmp[48];
  int k = 0;
  do { tmp[k++] = (char)('0' + (int)(q % 10)); q /= 10; } while (q);
  dg->nint = k;
  dg->len = 0;
  while (k) dg->s[dg->len++] = tmp[--k];
  for (int i = 0; i < nfrac && dg->len < (int)sizeof dg->s; i++) {
    struct u256 t = mul128(r, 10), dd = w(d); /* r < d: one digit, 0..9 */
    int digit = 0;
    while (cmp256(t, dd) >= 0) { t = sub256(t, dd); digit++; }
    r = t.lo;
    dg->s[dg->len++] = (char)('0' + digit);
  }
}

/* Add one unit at digit position `pos`; a carry out of the first digit
 * lengthens the integer part (9.99 -> 10.00). */
static void round_up_at(struct digits *dg, int pos) {
  int i = pos;
  while (i >= 0 && dg->s[i] == '9') dg->s[i--] = '0';
  if (i >= 0) { dg->s[i]++; return; }
  memmove(dg->s + 1, dg->s, (size_t)dg->len);
  dg->s[0] = '1';
  dg->len++;
  dg->nint++;
}

/* prefix, sign (not for a value that shows as zero), integer digits, and
 * the fraction (without trailing zeros unless keep_zeros) */
static char *write_digits(bool neg, const struct digits *dg, const char *prefix, bool keep_zeros, char *out) {
  int end = dg->len;
  if (!keep_zeros)
    while (end > dg->nint && dg->s[end - 1] == '0') end--;
  bool zero = true;
  for (int i = 0; i < end; i++) zero = zero && dg->s[i] == '0';
  char *o = out;
  size_t pl = strlen(prefix);
  memcpy(o, prefix, pl);
  o += pl;
  if (neg && !zero) *o++ = '-';
  memcpy(o, dg->s, (size_t)dg->nint);
  o += dg->nint;
  if (end > dg->nint) {
    *o++ = '.';
    memcpy(o, dg->s + dg->nint, (size_t)(end - dg->nint));
    o += end - dg->nint;
  }
  *o = 0;
  return out;
}

/* Fraction digits of a terminating decimal (d = 2^i 5^j), or -1. */
static int terminating_places(u128 d) {
  int twos = ctz128(d), fives = 0;
  d >>= twos;
  while (d % 5 == 0) { d /= 5; fives++; }
  return d == 1 ? (twos > fives ? twos : fives) : -1;
}

char *num_format(struct num a, char out[NUM_TEXT]) {
  if (num_is_none(a)) return strcpy(out, "none");
  struct digits dg;
  int places = terminating_places((u128)a.d);
  if (places >= 0) { /* at most 126 places: d < 2^127 */
    gen_digits(a, places, &dg);
    return write_digits(a.n < 0, &dg, "", false, out);
  }
  /* where the first significant digit is: in the integer part, or after
   * `lead` zeros of the fraction (at most 38: |a| >= 1/d > 10^-39) */
  gen_digits(a, 40, &dg);
  int first = 0;
  if (dg.s[0] == '0') {
    first = dg.nint;
    while (first < dg.len && dg.s[first] == '0') first++;
  }
  /* NUM_DIGITS significant digits, then a guard digit to round by (half
   * away from zero; a non-terminating value is never exactly half) */
  int guard = first + NUM_DIGITS;
  gen_digits(a, guard + 1 > dg.nint ? guard + 1 - dg.nint : 0, &dg);
  char g = dg.s[guard];
  for (int i = guard; i < dg.nint; i++) dg.s[i] = '0'; /* integer digits past the precision */
  dg.len = guard > dg.nint ? guard : dg.nint;
  if (g >= '5') round_up_at(&dg, guard - 1);
  return write_digits(a.n < 0, &dg, "", false, out);
}

bool num_has_places(struct num a, int places) {
  if (num_is_none(a)) return false;
  int p = terminating_places((u128)a.d);
  return p >= 0 && p <= places;
}

char *num_format_shown(struct num a, char out[NUM_SHOWN]) {
  if (num_is_none(a)) return strcpy(out, "none");
  if (num_has_places(a, 2)) {
    char full[NUM_TEXT];
    num_format(a, full);
    if (strlen(full) < NUM_SHOWN) return strcpy(out, full);
  }
  struct digits dg;
  gen_digits(a, 3, &dg);
  char g = dg.s[--dg.len]; /* the third decimal decides: half away from zero */
  if (g >= '5') round_up_at(&dg, dg.len - 1);
  return write_digits(a.n < 0, &dg, "\u2248", true, out);
}

double num_to_double(struct num a) {
  if (num_is_none(a)) return __builtin_nan("");
  return (double)a.n / (double)a.d;
}
