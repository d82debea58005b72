/*
 * ref_number.c - exact numbers for the reference interpreter: decimal text
 * to rationals, the documented ranges (beyond which the VM rejects the
 * record), and values as the runner prints them.
 */
#include <stdlib.h>
#include <string.h>

#include "ref_int.h"

/* Exactly the number a decimal text writes: [-]digits[.digits][e[+-]digits].
 * The exponent is bounded: texts come from the tree or from %.17g. */
bool ref_decimal(const char *s, size_t n, mpq_t out) {
  size_t i = 0;
  bool neg = i < n && s[i] == '-';
  if (neg || (i < n && s[i] == '+')) i++;
  mpz_t num;
  mpz_init_set_ui(num, 0);
  long scale = 0; /* value = num * 10^scale */
  bool digits = false, point = false;
  for (; i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && !point)); i++) {
    if (s[i] == '.') { point = true; continue; }
    mpz_mul_ui(num, num, 10);
    mpz_add_ui(num, num, (unsigned long)(s[i] - '0'));
    if (point) scale--;
    digits = true;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool eneg = i < n && s[i] == '-';
    if (i < n && (s[i] == '-' || s[i] == '+')) i++;
    long e = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
      if (e < 100000) e = e * 10 + (s[i] - '0');
    scale += eneg ? -e : e;
  }
  bool ok = digits && i == n && scale > -100000 && scale < 100000;
  if (ok) {
    mpz_t p;
    mpz_init(p);
    mpz_ui_pow_ui(p, 10, (unsigned long)(scale < 0 ? -scale : scale));
    mpq_set_z(out, num);
    if (scale < 0) mpq_set_den(out, p);
    else mpz_mul(mpq_numref(out), mpq_numref(out), p);
    mpq_canonicalize(out);
    if (neg) mpq_neg(out, out);
    mpz_clear(p);
  }
  mpz_clear(num);
  return ok;
}

/* ---- ranges ------------------------------------------------------------------ */

/* |z| <= 2^63 - 1: int and money (in cents) are 64-bit in the VM, and its
 * "no value" is the one value beyond, -2^63. */
static bool fits_i64(const mpz_t z) { return mpz_sizeinbase(z, 2) <= 63; }

/* The documented range of exact numbers (SPEC 3.4.1): numerator and
 * denominator of at least 128 bits. */
#define NUMBER_BITS 127

void ref_check_range(struct ref_ctx *x, const struct val *v) {
  if (v->none) return;
  switch (v->kind) {
  case TY_INT:
    if (!fits_i64(mpq_numref(v->q))) x->out->may_fail = true;
    break;
  case TY_MONEY: {
    mpq_t cents;
    mpq_init(cents);
    mpq_set_ui(cents, 100, 1);
    mpq_mul(cents, cents, v->q);
    if (mpz_cmp_ui(mpq_denref(cents), 1) != 0 || !fits_i64(mpq_numref(cents))) x->out->may_fail = true;
    mpq_clear(cents);
    break;
  }
  case TY_NUMBER:
    if (mpz_sizeinbase(mpq_numref(v->q), 2) > NUMBER_BITS || mpz_sizeinbase(mpq_denref(v->q), 2) > NUMBER_BITS)
      x->out->may_fail = true;
    break;
  }
}

/* ---- printing ------------------------------------------------------------------ */

/* The integer part and `places` decimals of |q| rounded half away from
 * zero, as digits: "1234" with places 2 stands for 12.34. */
static char *scaled_digits(const mpq_t q, unsigned places) {
  mpz_t p, t;
  mpz_init(p);
  mpz_init(t);
  mpz_ui_pow_ui(p, 10, places);
  mpz_mul(t, mpq_numref(q), p);
  mpz_abs(t, t);
  mpz_mul_ui(t, t, 2);
  mpz_add(t, t, mpq_denref(q));
  mpz_mul_ui(p, mpq_denref(q), 2);
  mpz_fdiv_q(t, t, p); /* floor((2|n| 10^places + d) / 2d) */
  char *s = mpz_get_str(NULL, 10, t);
  mpz_clear(p);
  mpz_clear(t);
  return s;
}

/* digits standing for a number with `places` decimals, as text */
static void place_point(bool neg, const char *digits, unsigned places, bool trim, char *buf, size_t n) {
  size_t len = strlen(digits);
  char tmp[512];
  size_t k = 0;
  if (neg) tmp[k++] = '-';
  if (len <= places) {
    tmp[k++] = '0';
    tmp[k++] = '.';
    for (size_t i = len; i < places && k < sizeof tmp - 2; i++) tmp[k++] = '0';
    for (size_t i = 0; i < len && k < sizeof tmp - 2; i++) tmp[k++] = digits[i];
  } else {
    for (size_t i = 0; i < len && k < sizeof tmp - 2; i++) {
      if (i == len - places && places) tmp[k++] = '.';
      tmp[k++] = digits[i];
    }
  }
  tmp[k] = 0;
  if (trim && strchr(tmp, '.')) {
    while (k > 0 && tmp[k - 1] == '0') tmp[--k] = 0;
    if (k > 0 && tmp[k - 1] == '.') tmp[--k] = 0;
  }
  if (!strcmp(tmp, "-0")) snprintf(tmp, sizeof tmp, "0");
  snprintf(buf, n, "%s", tmp);
}

/* A number as SPEC 3.5 prints it in JSON: integral without a point, a
 * terminating decimal in full, anything else to 34 significant digits. */
static void exact_number_text(const mpq_t q, char *buf, size_t n) {
  /* a decimal terminates when its denominator has no prime factor but 2 and 5 */
  mpz_t d;
  mpz_init_set(d, mpq_denref(q));
  unsigned long k2 = 0, k5 = 0;
  while (mpz_divisible_ui_p(d, 2)) { mpz_divexact_ui(d, d, 2); k2++; }
  while (mpz_divisible_ui_p(d, 5)) { mpz_divexact_ui(d, d, 5); k5++; }
  bool terminating = mpz_cmp_ui(d, 1) == 0;
  mpz_clear(d);
  unsigned places;
  if (terminating) {
    places = (unsigned)(k2 > k5 ? k2 : k5);
  } else {
    /* 34 significant digits: as many decimals as put the 34th digit last */
    mpz_t ip;
    mpz_init(ip);
    mpz_tdiv_q(ip, mpq_numref(q), mpq_denref(q));
    char *s = mpz_sgn(ip) ? mpz_get_str(NULL, 10, ip) : NULL; /* mpz_sizeinbase may say one too many */
    long intdigits = s ? (long)strlen(s) - (s[0] == '-') : 0;
    free(s);
    mpz_clear(ip);
    if (intdigits == 0) {
      /* leading zeros after the point do not count */
      mpq_t a;
      mpq_init(a);
      mpq_abs(a, q);
      long zeros = 0;
      mpq_t ten;
      mpq_init(ten);
      mpq_set_ui(ten, 1, 10);
      while (mpq_cmp(a, ten) < 0 && zeros < 400) {
        mpz_mul_ui(mpq_numref(a), mpq_numref(a), 10);
        mpq_canonicalize(a);
        zeros++;
      }
      mpq_clear(a);
      mpq_clear(ten);
      places = (unsigned)(34 + zeros);
    } else {
      places = intdigits >= 34 ? 0 : (unsigned)(34 - intdigits);
    }
  }
  char *digits = scaled_digits(q, places);
  place_point(mpq_sgn(q) < 0, digits, places, !terminating, buf, n);
  free(digits);
}

void ref_value_text(const struct ref_rules *R, const struct val *v, uint16_t ref, char *buf, size_t n) {
  if (v->none) {
    snprintf(buf, n, "none");
    return;
  }
  switch (v->kind) {
  case TY_INT: {
    char *s = mpz_get_str(NULL, 10, mpq_numref(v->q));
    snprintf(buf, n, "%s", s);
    free(s);
    break;
  }
  case TY_MONEY: {
    /* currency units, with cents only when there are any */
    bool whole = mpz_cmp_ui(mpq_denref(v->q), 1) == 0;
    char *digits = scaled_digits(v->q, whole ? 0 : 2);
    place_point(mpq_sgn(v->q) < 0, digits, whole ? 0 : 2, false, buf, n);
    free(digits);
    break;
  }
  case TY_NUMBER: exact_number_text(v->q, buf, n); break;
  case TY_DATE: {
    char d[11];
    ref_date_text(v->i, d);
    snprintf(buf, n, "%s", d);
    break;
  }
  case TY_BOOL: snprintf(buf, n, "%s", v->i ? "true" : "false"); break;
  case TY_ENUM:
    snprintf(buf, n, "%s", ref < R->c.nenums && v->i >= 0 && (uint32_t)v->i < R->c.enums[ref].nvals
                               ? R->c.enums[ref].vals[v->i] : "?");
    break;
  case TY_TEXT: snprintf(buf, n, "%.*s", (int)v->n, v->s); break;
  case TY_TIER: /* 5.7: by its identifier */
    snprintf(buf, n, "%s", v->i >= 0 && v->i < R->c.ntiers ? R->c.tiers[v->i].n->name : "?");
    break;
  default: snprintf(buf, n, "?");
  }
}

/* Does q have at most `places` decimals? */
static bool has_places(const mpq_t q, unsigned places) {
  mpz_t p;
  mpz_init(p);
  mpz_ui_pow_ui(p, 10, places);
  bool yes = mpz_divisible_p(p, mpq_denref(q)) != 0;
  mpz_clear(p);
  return yes;
}

/* As the table, explain and the need print a value (SPEC 3.5): a number
 * with more than two decimals rounded to two, half away from zero, and
 * marked with "≈"; a none from a division by zero says so; anything else
 * as JSON prints it. */
void ref_value_shown(const struct ref_rules *R, const struct val *v, uint16_t ref, char *buf, size_t n) {
  if (v->kind != TY_NUMBER) {
    ref_value_text(R, v, ref, buf, n);
    return;
  }
  if (v->none) {
    snprintf(buf, n, "%s", v->divzero ? "none (division by zero)" : "none");
  } else if (has_places(v->q, 2)) {
    exact_number_text(v->q, buf, n);
  } else {
    char *digits = scaled_digits(v->q, 2), text[200];
    place_point(mpq_sgn(v->q) < 0 && strspn(digits, "0") != strlen(digits), digits, 2, false, text, sizeof text);
    snprintf(buf, n, "\u2248%s", text);
    free(digits);
  }
}

/* d with thousands separators, e.g. 3400 -> "3,400" (d >= 0, an integer). */
static void grouped(const mpz_t d, char *buf, size_t n) {
  char *s = mpz_get_str(NULL, 10, d);
  size_t len = strlen(s), k = 0;
  for (size_t i = 0; i < len && k + 2 < n; i++) {
    if (i && (len - i) % 3 == 0) buf[k++] = ',';
    buf[k++] = s[i];
  }
  buf[k] = 0;
  free(s);
}

void ref_int_need(const mpq_t d, char *buf, size_t n) { grouped(mpq_numref(d), buf, n); }

void ref_money_need(const mpq_t d, char *buf, size_t n) {
  mpq_t c;
  mpq_init(c);
  mpq_set_ui(c, 100, 1);
  mpq_mul(c, c, d);
  mpz_t units, cents;
  mpz_init(units);
  mpz_init(cents);
  mpz_tdiv_qr_ui(units, cents, mpq_numref(c), 100);
  char g[128];
  grouped(units, g, sizeof g);
  snprintf(buf, n, "%s.%02lu", g, mpz_get_ui(cents));
  mpz_clear(units);
  mpz_clear(cents);
  mpq_clear(c);
}
