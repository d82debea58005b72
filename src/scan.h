/*
 * scan.h - the JSON reader's inner loop: finding where the plain part of a
 * string ends.  Most strings of a record are plain up to their closing
 * quote, so this is where json.c spends its time on texts: sixteen bytes a
 * step with SSE2 (every x86-64 CPU has it), eight bytes a step with a
 * portable word trick elsewhere, then byte by byte.  Both block steps are
 * compiled everywhere they can be, so that tests/unit/test_scan.c checks
 * each against the byte loop; scan_plain() is the one json.c calls.
 * scan_same() compares the short byte strings the reader matches at every
 * key, enum value and text: inline, eight bytes a step.
 */
#ifndef TIER_SCAN_H
#define TIER_SCAN_H

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Whether byte c may stand in a JSON string as itself, with nothing to
 * check or decode: not a quote, a backslash, a control character or the
 * first byte of a UTF-8 sequence. */
static inline int scan_is_plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

/* The first byte at or after p that is not plain, or e. */
static inline const char *scan_plain_bytes(const char *p, const char *e) {
  while (p < e && scan_is_plain((unsigned char)*p)) p++;
  return p;
}

/* Eight bytes a step.  A byte b of x is zero when (b - 1) & ~b has its
 * high bit; b < 0x20 or b >= 0x80 leaves the high bit in (b - 0x20) | b.
 * A borrow crosses only from a byte that already matched, so "some byte of
 * the word is not plain" is exact; the byte loop then finds which. */
static inline const char *scan_plain_swar(const char *p, const char *e) {
  const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
  while (e - p >= 8) {
    uint64_t x, q, b;
    memcpy(&x, p, 8);
    q = x ^ (ones * '"');
    b = x ^ (ones * '\\');
    if ((((q - ones) & ~q) | ((b - ones) & ~b) | (x - ones * 0x20) | x) & high) break;
    p += 8;
  }
  return scan_plain_bytes(p, e);
}

#if defined(__SSE2__)
/* Sixteen bytes a step: a signed compare with 0x20 catches the controls and
 * (as negative bytes) everything from 0x80 at once. */
static inline const char *scan_plain_sse2(const char *p, const char *e) {
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
  while (e - p >= 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)), _mm_cmplt_epi8(x, space));
    int bits = _mm_movemask_epi8(m);
    if (bits) return p + __builtin_ctz((unsigned)bits);
    p += 16;
  }
  return scan_plain_bytes(p, e);
}
#endif

static inline const char *scan_plain(const char *p, const char *e) {
#if defined(__SSE2__)
  return scan_plain_sse2(p, e);
#else
  return scan_plain_swar(p, e);
#endif
}

/* Where a string's plain run ends, when it ends at its quote within the
 * sixteen bytes at p (which must be readable): the quote's place, 0 to
 * 15; else -1 (no quote among them, or another stopping byte first).  With
 * SSE2 one load and two masks; elsewhere the byte loop. */
static inline int scan_quote16(const char *p) {
#if defined(__SSE2__)
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
  unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')));
  unsigned stop = q |
      (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')), _mm_cmplt_epi8(x, _mm_set1_epi8(0x20))));
  return stop & q & -stop ? __builtin_ctz(stop) : -1;
#else
  const char *e = scan_plain_bytes(p, p + 16);
  return e < p + 16 && *e == '"' ? (int)(e - p) : -1;
#endif
}

/* Whether a and b hold the same n bytes.  Keys, enum values and most texts
 * of a record are a few bytes long, where a call to memcmp costs more than
 * the compare: up to 16 bytes take two loads each, overlapping when n is
 * not a power of two. */
static inline uint64_t scan_load(const char *p, size_t n) {
  uint64_t x = 0;
  memcpy(&x, p, n);
  return x;
}

static inline int scan_same(const char *a, const char *b, size_t n) {
  if (n >= 8) {
    for (; n > 16; a += 8, b += 8, n -= 8)
      if (scan_load(a, 8) != scan_load(b, 8)) return 0;
    return scan_load(a, 8) == scan_load(b, 8) && scan_load(a + n - 8, 8) == scan_load(b + n - 8, 8);
  }
  if (n >= 4) return scan_load(a, 4) == scan_load(b, 4) && scan_load(a + n - 4, 4) == scan_load(b + n - 4, 4);
  return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

/* scan_digits8 a byte at a time (other machines; the tests' reference). */
static inline int scan_digits8_bytes(const char *p, uint64_t *v) {
  int n = 0;
  *v = 0;
  while (n < 8 && (unsigned)((unsigned char)p[n] - '0') < 10) *v = *v * 10 + (uint64_t)((unsigned char)p[n++] - '0');
  return n;
}

/* How many of the eight bytes at p are decimal digits before the first
 * that is not (0 to 8), with their value in *v; the eight bytes must be
 * readable.  On a little-endian machine, one word: each byte less '0'
 * (a byte below '0' borrows only from the bytes after it), the high bit
 * of each byte that is not a digit (exact up to the first, the one that
 * counts), the digits moved to the word's top as its last bytes and
 * paired by three multiplies, as date_parse pairs a date's. */
static inline int scan_digits8(const char *p, uint64_t *v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t x;
  memcpy(&x, p, 8);
  uint64_t d = x - 0x3030303030303030u, m = ((d + 0x7676767676767676u) | d) & 0x8080808080808080u;
  int n = m ? __builtin_ctzll(m) >> 3 : 8;
  if (n == 0) {
    *v = 0;
    return 0;
  }
  d <<= 64 - 8 * n;
  d = (d * 10 + (d >> 8)) & 0x00FF00FF00FF00FFu;
  d = (d * 100 + (d >> 16)) & 0x0000FFFF0000FFFFu;
  *v = (d * 10000 + (d >> 32)) & 0xFFFFFFFFu;
  return n;
#else
  return scan_digits8_bytes(p, v);
#endif
}

/* A short byte string to find at a place, as a pattern of sixteen bytes
 * and a mask: the reader matches an expected key with its quotes and
 * colon ("name":) by two 8-byte loads, masked and compared, with no branch
 * on its length.  scan_pat_init makes it from the n bytes at s
 * (n <= 16); the bytes are placed by memcpy, so the words mean the same on
 * any byte order. */
struct scan_pat {
  uint64_t lo, hi, mlo, mhi;
  uint32_t n; /* its length */
};

static inline void scan_pat_init(struct scan_pat *pt, const char *s, size_t n) {
  unsigned char b[16] = {0}, m[16] = {0};
  memcpy(b, s, n);
  memset(m, 0xFF, n);
  memcpy(&pt->lo, b, 8);
  memcpy(&pt->hi, b + 8, 8);
  memcpy(&pt->mlo, m, 8);
  memcpy(&pt->mhi, m + 8, 8);
  pt->n = (uint32_t)n;
}

/* Whether the pattern is at p; the sixteen bytes from p must be readable. */
static inline int scan_pat_at(const struct scan_pat *pt, const char *p) {
  return ((scan_load(p, 8) & pt->mlo) ^ pt->lo) == 0 && ((scan_load(p + 8, 8) & pt->mhi) ^ pt->hi) == 0;
}

#endif
