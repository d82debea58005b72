/*
 * test_scan.c - the string scanner of the JSON reader (src/scan.h): each
 * block step (eight bytes portable, sixteen with SSE2) must stop exactly
 * where the byte loop stops, from every start and end offset, for every
 * kind of byte that ends a plain run placed at every position of a block.
 * Its short compare (scan_same) must say what memcmp says, for every
 * length up to 40 and a difference at every place; so must a key's
 * pattern (scan_pat_at) for every length up to 16, whatever follows.
 * The digit reader (scan_digits8) must say what the byte loop says for
 * every byte after up to eight digits, and for random words; so must the
 * test for a string that ends at its quote within sixteen bytes
 * (scan_quote16).
 */
#include "testutil.h"
#include "scan.h"

typedef const char *(*scanner)(const char *, const char *);

/* Every start and end within buf[0, n) against the byte loop. */
static void agree_on(const char *buf, size_t n, scanner scan, const char *name) {
  for (size_t b = 0; b <= n; b++)
    for (size_t e = b; e <= n; e++) {
      const char *want = scan_plain_bytes(buf + b, buf + e), *got = scan(buf + b, buf + e);
      if (got != want) {
        fprintf(stderr, "%s: [%zu, %zu) stops at %td, the byte loop at %td\n", name, b, e, got - buf, want - buf);
        fail();
      }
    }
}

/* A plain run of 40 bytes with one stopping byte at each place in turn,
 * and one with two stopping bytes (a borrow between lanes must not hide
 * the first or invent one before it). */
static void each_stop(scanner scan, const char *name) {
  static const unsigned char stops[] = {'"', '\\', 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF, ' ' - 1};
  char buf[40];
  for (size_t k = 0; k < sizeof stops; k++)
    for (size_t at = 0; at < sizeof buf; at++) {
      memset(buf, 'a', sizeof buf);
      buf[at] = (char)stops[k];
      agree_on(buf, sizeof buf, scan, name);
      if (at + 3 < sizeof buf) {
        buf[at + 3] = (char)stops[(k + 1) % sizeof stops];
        agree_on(buf, sizeof buf, scan, name);
      }
    }
  /* plain bytes next to the edges of the classes: space, 0x21 ('!'), '#', '[', ']', '~' */
  memcpy(buf, " !#[]~ !#[]~ !#[]~ !#[]~ !#[]~ !#[]~ !#[", sizeof buf);
  agree_on(buf, sizeof buf, scan, name);
}

/* Random bytes, mostly plain. */
static void random_bytes(scanner scan, const char *name) {
  uint64_t x = 88172645463325252u;
  char buf[48];
  for (int round = 0; round < 2000; round++) {
    for (size_t i = 0; i < sizeof buf; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      buf[i] = (char)(x % 16 == 0 ? (unsigned char)(x >> 8) : 'a' + x % 26);
    }
    agree_on(buf, sizeof buf, scan, name);
  }
}

static void portable_scanner(void **st) {
  (void)st;
  each_stop(scan_plain_swar, "swar");
  random_bytes(scan_plain_swar, "swar");
}

static void simd_scanner(void **st) {
  (void)st;
#if defined(__SSE2__)
  each_stop(scan_plain_sse2, "sse2");
  random_bytes(scan_plain_sse2, "sse2");
#else
  skip();
#endif
}

/* scan_same against memcmp: equal strings of every length 0..40 (at every
 * alignment), and each with one byte changed at each place, by one bit or
 * to the byte that is the same in the other half of a 4- or 8-byte load. */
static void short_compare(void **st) {
  (void)st;
  char a[48], b[48];
  for (size_t i = 0; i < sizeof a; i++) a[i] = (char)('A' + i * 7 % 53);
  for (size_t off = 0; off < 8; off++)
    for (size_t n = 0; n + off <= 40; n++) {
      memcpy(b, a, sizeof a);
      assert_true(scan_same(a + off, b + off, n));
      for (size_t at = 0; at < n; at++)
        for (int bit = 0; bit < 8; bit++) {
          memcpy(b, a, sizeof a);
          b[off + at] = (char)(b[off + at] ^ 1 << bit);
          if (scan_same(a + off, b + off, n) != (memcmp(a + off, b + off, n) == 0)) {
            fprintf(stderr, "scan_same: %zu bytes at %zu, bit %d of byte %zu\n", n, off, bit, at);
            fail();
          }
        }
    }
}

/* scan_pat_at against memcmp: a pattern of every length 0..16 matches its
 * own bytes whatever the bytes after them are, and not one byte of them
 * changed by any bit. */
static void pattern_compare(void **st) {
  (void)st;
  char a[32], b[32];
  for (size_t i = 0; i < sizeof a; i++) a[i] = (char)('"' + i * 11 % 90);
  for (size_t n = 0; n <= 16; n++) {
    struct scan_pat pt;
    scan_pat_init(&pt, a, n);
    memcpy(b, a, sizeof a);
    assert_true(scan_pat_at(&pt, b));
    for (size_t at = n; at < 16; at++) b[at] = (char)~b[at]; /* after the pattern: no matter */
    assert_true(scan_pat_at(&pt, b));
    for (size_t at = 0; at < n; at++)
      for (int bit = 0; bit < 8; bit++) {
        memcpy(b, a, sizeof a);
        b[at] = (char)(b[at] ^ 1 << bit);
        if (scan_pat_at(&pt, b)) {
          fprintf(stderr, "scan_pat_at: %zu bytes, bit %d of byte %zu changed and still a match\n", n, bit, at);
          fail();
        }
      }
  }
}

/* scan_digits8 against the byte loop: k digits (k = 0..8, several
 * values) followed by each of the 256 bytes and then bytes of another
 * kind (a byte below '0' borrows, one above '9' carries: neither may
 * change the count or the value), and random words. */
static void digits(void **st) {
  (void)st;
  static const char *runs[] = {"00000000", "12345678", "99999999", "90817263", "10000001"};
  char buf[8];
  uint64_t got, want;
  for (size_t r = 0; r < sizeof runs / sizeof *runs; r++)
    for (int k = 0; k <= 8; k++)
      for (int c = 0; c < 256; c++)
        for (int after = 0; after < 3; after++) {
          memcpy(buf, runs[r], 8);
          if (k < 8) {
            buf[k] = (char)c;
            for (int i = k + 1; i < 8; i++) buf[i] = (char)(after == 0 ? '/' : after == 1 ? ':' : '7');
          }
          int n = scan_digits8(buf, &got), m = scan_digits8_bytes(buf, &want);
          if (n != m || got != want) {
            fprintf(stderr, "scan_digits8: run %zu, %d digits, then byte 0x%02x: %d digits %llu, the byte loop %d %llu\n", r, k,
                    c, n, (unsigned long long)got, m, (unsigned long long)want);
            fail();
          }
        }
  uint64_t x = 88172645463325252u;
  for (int round = 0; round < 100000; round++) {
    for (size_t i = 0; i < sizeof buf; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      buf[i] = (char)(x % 8 == 0 ? (unsigned char)(x >> 8) : '0' + x % 10);
    }
    int n = scan_digits8(buf, &got), m = scan_digits8_bytes(buf, &want);
    assert_int_equal(n, m);
    assert_int_equal(got, want);
  }
}

/* scan_quote16 against the byte loop: where the plain run of the sixteen
 * bytes ends, when it ends at a quote; -1 otherwise.  Each stopping byte at
 * each place, with a quote after it or none, and random bytes. */
static int quote16_bytes(const char *p) {
  const char *e = scan_plain_bytes(p, p + 16);
  return e < p + 16 && *e == '"' ? (int)(e - p) : -1;
}

static void quote16(void **st) {
  (void)st;
  static const unsigned char stops[] = {'"', '\\', 0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF, ' ' - 1, 'a'};
  char buf[16];
  for (size_t k = 0; k < sizeof stops; k++)
    for (int at = 0; at < 16; at++)
      for (int q = -1; q < 16; q++) {
        memset(buf, 'a', sizeof buf);
        buf[at] = (char)stops[k];
        if (q >= 0) buf[q] = '"';
        assert_int_equal(scan_quote16(buf), quote16_bytes(buf));
      }
  uint64_t x = 88172645463325252u;
  for (int round = 0; round < 100000; round++) {
    for (size_t i = 0; i < sizeof buf; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      buf[i] = (char)(x % 16 == 0 ? (unsigned char)(x >> 8) : x % 16 == 1 ? '"' : 'a' + x % 26);
    }
    assert_int_equal(scan_quote16(buf), quote16_bytes(buf));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(portable_scanner), cmocka_unit_test(simd_scanner),
                                     cmocka_unit_test(short_compare),    cmocka_unit_test(pattern_compare),
                                     cmocka_unit_test(digits),           cmocka_unit_test(quote16)};
  return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
