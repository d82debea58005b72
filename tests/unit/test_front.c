/*
 * test_front.c - what only C can test of the lexer and the parser: hostile
 * bytes (NUL, invalid UTF-8), sources a program generates (a capped error
 * list, nesting and chains, 20,000 requirements, 16 MiB tokens), empty
 * sources, and diagnostics rendered for a given terminal width.  Syntax
 * errors, literals and their limits, and text in other languages are data:
 * tests/cases/syntax.tier.
 */
#include "testutil.h"

/* A schema every test can build on: lines 1 and 2 of each source. */
#define HEAD                                                                  \
  "enum kind { consulting, technology }\n"                                    \
  "record { id: text; partner type: kind; n: int; d: date; }\n"

/* Compile `n` bytes of src (which may hold NUL bytes) as test.tier. */
struct outcome {
  int rc;
  char *text;             /* tier_diags_text, malloc'd */
  size_t ndiags, nerrors;
  char *first_msg;        /* message of the first error, malloc'd */
  unsigned first_line, first_col;
};

static struct outcome compile_n(const char *src, size_t n, const tier_options *opt) {
  struct outcome o;
  memset(&o, 0, sizeof o);
  uint8_t *bc = NULL;
  size_t bn = 0;
  tier_diags *d = NULL;
  o.rc = tier_compile("test.tier", src, n, opt, &bc, &bn, &d);
  tier_free_bytes(opt, bc, bn);
  assert_non_null(d);
  o.text = strdup(tier_diags_text(d));
  o.ndiags = tier_diags_count(d);
  for (size_t i = 0; i < o.ndiags; i++) {
    const tier_diag *g = tier_diags_get(d, i);
    if (g->severity != TIER_ERROR) continue;
    if (o.nerrors++ == 0) {
      o.first_msg = strdup(g->message);
      o.first_line = g->line;
      o.first_col = g->column;
    }
  }
  tier_diags_free(d);
  return o;
}
static struct outcome compile_s(const char *src) { return compile_n(src, strlen(src), NULL); }
static void outcome_free(struct outcome *o) {
  free(o->text);
  free(o->first_msg);
}

static char *build(const char *head, const char *unit, size_t times, const char *mid, const char *unit2,
                   size_t times2, const char *tail);

/* ---- many errors ---------------------------------------------------------------- */

/* A file full of mistakes: the list is capped, and says so. */
static void error_list_is_capped(void **st) {
  (void)st;
  char *src = build(HEAD, "metric = ;\n", 500, "", "", 0, "");
  struct outcome o = compile_s(src);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  assert_true(o.nerrors >= 10 && o.nerrors <= 100);
  tu_assert_contains(o.text, "too many errors");
  outcome_free(&o);
  free(src);
}

/* ---- hostile bytes ---------------------------------------------------------------- */

static void nul_byte_is_an_error_with_position(void **st) {
  (void)st;
  static const char src[] = HEAD "metric m = n;\0\ntier X consulting < m >= 1; >\n";
  struct outcome o = compile_n(src, sizeof src - 1, NULL);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  assert_int_equal(o.nerrors, 1);
  assert_int_equal(o.first_line, 3);
  assert_int_equal(o.first_col, 14);
  tu_assert_contains(o.first_msg, "NUL byte");
  outcome_free(&o);
}

/* The rendered diagnostics are one C string: a NUL byte quoted from the
 * source line must not cut them short (the caret and every later error must
 * still be there). */
static void nul_byte_does_not_truncate_the_rendered_diagnostics(void **st) {
  (void)st;
  static const char src[] = HEAD "metric m = n;\0 metric q = ;\n";
  struct outcome o = compile_n(src, sizeof src - 1, NULL);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  assert_int_equal(o.nerrors, 2);
  tu_assert_contains(o.text, "test.tier:3:14: error: NUL byte in source");
  tu_assert_contains(o.text, "^");
  tu_assert_contains(o.text, "test.tier:3:27: error:");
  outcome_free(&o);
}

static void check_bad_utf8(const char *bytes, unsigned col, unsigned char first) {
  char src[256];
  int n = snprintf(src, sizeof src, HEAD "# a comment %s here\ntier X consulting < n >= 1; >\n", bytes);
  struct outcome o = compile_n(src, (size_t)n, NULL);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  assert_int_equal(o.nerrors, 1);
  assert_int_equal(o.first_line, 3);
  assert_int_equal(o.first_col, col);
  tu_assert_contains(o.first_msg, "is not UTF-8");
  char want[32];
  snprintf(want, sizeof want, "0x%02x", first);
  tu_assert_contains(o.first_msg, want);
  tu_assert_contains(o.text, "test.tier:3:");
  outcome_free(&o);
}
static void invalid_utf8_overlong(void **st) { (void)st; check_bad_utf8("\xC0\x80", 13, 0xC0); }
static void invalid_utf8_surrogate(void **st) { (void)st; check_bad_utf8("\xED\xA0\x80", 13, 0xED); }
static void invalid_utf8_past_max(void **st) { (void)st; check_bad_utf8("\xF4\x90\x80\x80", 13, 0xF4); }
static void invalid_utf8_lone_continuation(void **st) { (void)st; check_bad_utf8("\x80", 13, 0x80); }
static void invalid_utf8_truncated(void **st) {
  (void)st;
  check_bad_utf8("\xE3\x81", 13, 0xE3);              /* 3-byte sequence cut after 2 */
  check_bad_utf8("\xE6\x97\xA5\xE3", 14, 0xE3);      /* a good character then a cut one */
}
static void invalid_utf8_at_end_of_file(void **st) {
  (void)st;
  static const char src[] = HEAD "tier X consulting < n >= 1; >\n# \xE3\x81";
  struct outcome o = compile_n(src, sizeof src - 1, NULL);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  assert_int_equal(o.first_line, 4);
  assert_int_equal(o.first_col, 3);
  tu_assert_contains(o.first_msg, "is not UTF-8");
  outcome_free(&o);
}

/* ---- files in other encodings: one error that names the encoding ---------------- */

/* One error, whose message names `enc`, at line:col (0: no position). */
static void check_encoding(const char *src, size_t n, const char *enc, unsigned line, unsigned col) {
  struct outcome o = compile_n(src, n, NULL);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  assert_int_equal(o.nerrors, 1);
  tu_assert_contains(o.first_msg, enc);
  tu_assert_contains(o.first_msg, "save it again as UTF-8");
  assert_int_equal(o.first_line, line);
  assert_int_equal(o.first_col, col);
  outcome_free(&o);
}

/* "tier" in UTF-16 or UTF-32, with a byte-order mark or none. */
static void utf16_and_utf32_are_named(void **st) {
  (void)st;
  static const char le_bom[] = "\xFF\xFEt\0i\0e\0r\0\n\0";
  static const char be_bom[] = "\xFE\xFF\0t\0i\0e\0r\0\n";
  static const char le[] = "t\0i\0e\0r\0 \0X\0\n\0";
  static const char u32[] = "\xFF\xFE\0\0t\0\0\0i\0\0\0";
  check_encoding(le_bom, sizeof le_bom - 1, "looks like UTF-16", 0, 0);
  check_encoding(be_bom, sizeof be_bom - 1, "looks like UTF-16", 0, 0);
  check_encoding(le, sizeof le - 1, "looks like UTF-16", 0, 0);
  check_encoding(u32, sizeof u32 - 1, "looks like UTF-32", 0, 0);
}

/* Legacy encodings: the first byte that is not UTF-8, and a guess. */
static void legacy_encodings_are_guessed(void **st) {
  (void)st;
  static const char sjis[] = HEAD "metric m \"\x94\x46\x92\xE8\" = n;\n"; /* 認定 */
  static const char euc[] = HEAD "# \xC7\xA7\xC4\xEA\n";                  /* 認定 */
  static const char latin1[] = HEAD "metric m \"caf\xE9\" = n;\n";
  check_encoding(sjis, sizeof sjis - 1, "looks like Shift_JIS", 3, 11);
  check_encoding(euc, sizeof euc - 1, "looks like EUC-JP", 3, 4); /* C7 A7 is UTF-8 too */
  check_encoding(latin1, sizeof latin1 - 1, "looks like Windows-1252", 3, 14);
}

/* ---- limits ----------------------------------------------------------------------------- */

static char *build(const char *head, const char *unit, size_t times, const char *mid, const char *unit2,
                   size_t times2, const char *tail) {
  size_t n = strlen(head) + strlen(unit) * times + strlen(mid) + strlen(unit2) * times2 + strlen(tail);
  char *s = malloc(n + 1);
  assert_non_null(s);
  char *p = s;
  p += sprintf(p, "%s", head);
  for (size_t i = 0; i < times; i++) p += sprintf(p, "%s", unit);
  p += sprintf(p, "%s", mid);
  for (size_t i = 0; i < times2; i++) p += sprintf(p, "%s", unit2);
  sprintf(p, "%s", tail);
  return s;
}

static void hundred_thousand_nested_parentheses(void **st) {
  (void)st;
  char *src = build(HEAD "metric m = ", "(", 100000, "n", ")", 100000, ";\ntier X consulting < m >= 1; >\n");
  struct outcome o = compile_s(src);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  assert_int_equal(o.first_line, 3);
  tu_assert_contains(o.first_msg, "too deep");
  outcome_free(&o);
  free(src);
}

static void nesting_just_inside_and_past_the_limit(void **st) {
  (void)st;
  /* the limit is LIM_DEPTH levels: a little nesting is fine */
  char *src = build(HEAD "metric m = ", "(", 50, "n", ")", 50, ";\ntier X consulting < m >= 1; >\n");
  struct outcome o = compile_s(src);
  assert_int_equal(o.rc, TIER_OK);
  outcome_free(&o);
  free(src);
  src = build(HEAD "metric m = ", "not (", 1000, "true", ")", 1000, ";\ntier X consulting < m; >\n");
  o = compile_s(src);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  tu_assert_contains(o.first_msg, "too deep");
  outcome_free(&o);
  free(src);
  src = build(HEAD "metric m = ", "-", 100000, "n", "", 0, ";\ntier X consulting < m >= 1; >\n");
  o = compile_s(src);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  tu_assert_contains(o.first_msg, "too deep");
  outcome_free(&o);
  free(src);
}

static void million_term_chain(void **st) {
  (void)st;
  char *src = build(HEAD "metric m = ", "n + ", 1000000, "n", "", 0, ";\ntier X consulting < m >= 1; >\n");
  struct outcome o = compile_s(src);
  /* either an error (nesting limit) or a compiled ruleset, never a crash */
  if (o.rc != TIER_OK) {
    assert_int_equal(o.rc, TIER_ECOMPILE);
    assert_int_equal(o.first_line, 3);
    assert_true(o.nerrors >= 1 && o.nerrors <= 3);
  }
  outcome_free(&o);
  free(src);
  src = build(HEAD "tier X consulting < ", "n >= 1 and ", 1000000, "n >= 1", "", 0, "; >\n");
  o = compile_s(src);
  if (o.rc != TIER_OK) assert_int_equal(o.rc, TIER_ECOMPILE);
  outcome_free(&o);
  free(src);
}

static void many_requirements_compile(void **st) {
  (void)st;
  /* breadth is not depth: 20,000 requirements in one tier is a valid ruleset */
  char *src = build(HEAD "tier X consulting <\n", "  n >= 1;\n", 20000, ">\n", "", 0, "");
  struct outcome o = compile_s(src);
  assert_int_equal(o.rc, TIER_OK);
  outcome_free(&o);
  free(src);
}

static void sixteen_mib_identifier(void **st) {
  (void)st;
  size_t big = (size_t)16 << 20;
  char *src = build(HEAD "metric ", "", 0, "", "", 0, "");
  size_t h = strlen(src);
  char *s = realloc(src, h + big + 64);
  assert_non_null(s);
  memset(s + h, 'x', big);
  size_t n = h + big;
  n += (size_t)sprintf(s + n, " = n;\n");

  /* with the default limit (8 MiB) the file is refused as a whole */
  struct outcome o = compile_n(s, n, NULL);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  tu_assert_contains(o.first_msg, "larger than the limit");
  outcome_free(&o);

  /* with room for it, the scanner meets the token and the length limit applies */
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  opt.max_source = (size_t)64 << 20;
  o = compile_n(s, n, &opt);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  assert_int_equal(o.first_line, 3);
  assert_int_equal(o.first_col, 8);
  assert_string_equal(o.first_msg, "identifier is 16777216 characters long; the limit is 64");
  /* a monster line is quoted as a window around the spot, not whole */
  assert_true(strlen(o.text) < 4096);
  outcome_free(&o);
  free(s);
}

static void sixteen_mib_string_and_comment(void **st) {
  (void)st;
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  opt.max_source = (size_t)64 << 20;
  size_t big = (size_t)16 << 20;
  const char *pre = HEAD "metric m \"";
  size_t h = strlen(pre);
  char *s = malloc(h + big + 128);
  assert_non_null(s);
  memcpy(s, pre, h);
  memset(s + h, 'y', big);
  size_t n = h + big;
  n += (size_t)sprintf(s + n, "\" = n;\ntier X consulting < m >= 1; >\n");
  struct outcome o = compile_n(s, n, &opt);
  assert_int_equal(o.rc, TIER_ECOMPILE);
  assert_int_equal(o.first_line, 3);
  tu_assert_contains(o.first_msg, "string is 16777216 bytes long; the limit is 4096");
  outcome_free(&o);

  /* a 16 MiB comment is harmless */
  s[0] = '#';
  memset(s + 1, 'z', h + big - 1);
  n = h + big;
  n += (size_t)sprintf(s + n, "\n" HEAD "tier X consulting < n >= 1; >\n");
  o = compile_n(s, n, &opt);
  assert_int_equal(o.rc, TIER_OK);
  outcome_free(&o);
  free(s);
}

static void empty_and_whitespace_sources(void **st) {
  (void)st;
  struct outcome o = compile_n("", 0, NULL);
  assert_int_not_equal(o.rc, TIER_ENOMEM); /* an empty ruleset: compiles or is rejected cleanly */
  outcome_free(&o);
  o = compile_s("   \n\n# only a comment\n");
  assert_int_not_equal(o.rc, TIER_ENOMEM);
  outcome_free(&o);
}

/* ---- long lines --------------------------------------------------------------------- */

/* Display columns of UTF-8 text up to p (wide East Asian characters: two). */
static size_t cols_to(const char *s, const char *p) {
  size_t w = 0;
  for (; s < p; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) w += ((unsigned char)*s >= 0xE3 && (unsigned char)*s <= 0xED) ? 2 : 1;
  return w;
}

/* A line wider than the terminal (diag_columns; 100 when not told) is quoted
 * as the part around the fault, cut with '…', and the caret stands under
 * the fault: here `n >= "s"`, far along a line with wide characters too. */
static void long_line_is_cut_around_the_fault(void **st) {
  (void)st;
  char *src = build(HEAD "tier X consulting < ", "n >= 1 and ", 30, "\"労働\" == \"年数\" and n >= \"s\" and ", "n >= 2 and ", 30,
                    "n >= 3; >\n");
  for (unsigned columns = 0; columns <= 60; columns += 60) {
    tier_options opt;
    memset(&opt, 0, sizeof opt);
    opt.diag_columns = columns;
    struct outcome o = compile_n(src, strlen(src), &opt);
    assert_int_equal(o.nerrors, 1);
    const char *quoted = strstr(o.text, "\n     3 | ");
    assert_non_null(quoted);
    quoted += 1;
    const char *end = strchr(quoted, '\n'), *caret = end + 1, *cend = strchr(caret, '\n');
    /* at most the terminal's width, cut at both ends */
    assert_true(cols_to(quoted, end) <= (columns ? columns : 100));
    assert_true(cols_to(quoted, end) >= (columns ? columns : 100) - 2);
    assert_memory_equal(quoted + 9, "\xE2\x80\xA6", 3);
    assert_memory_equal(end - 3, "\xE2\x80\xA6", 3);
    /* the caret under the fault */
    const char *fault = strstr(quoted, "n >= \"s\"");
    assert_true(fault && fault < end);
    const char *hat = strchr(caret, '^');
    assert_true(hat && hat < cend);
    assert_int_equal(cols_to(caret, hat), cols_to(quoted, fault));
    outcome_free(&o);
  }
  free(src);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(long_line_is_cut_around_the_fault),
      cmocka_unit_test(error_list_is_capped),
      cmocka_unit_test(nul_byte_is_an_error_with_position),
      cmocka_unit_test(nul_byte_does_not_truncate_the_rendered_diagnostics),
      cmocka_unit_test(invalid_utf8_overlong),
      cmocka_unit_test(invalid_utf8_surrogate),
      cmocka_unit_test(invalid_utf8_past_max),
      cmocka_unit_test(invalid_utf8_lone_continuation),
      cmocka_unit_test(invalid_utf8_truncated),
      cmocka_unit_test(invalid_utf8_at_end_of_file),
      cmocka_unit_test(utf16_and_utf32_are_named),
      cmocka_unit_test(legacy_encodings_are_guessed),
      cmocka_unit_test(hundred_thousand_nested_parentheses),
      cmocka_unit_test(nesting_just_inside_and_past_the_limit),
      cmocka_unit_test(million_term_chain),
      cmocka_unit_test(many_requirements_compile),
      cmocka_unit_test(sixteen_mib_identifier),
      cmocka_unit_test(sixteen_mib_string_and_comment),
      cmocka_unit_test(empty_and_whitespace_sources),
  };
  return cmocka_run_group_tests_name("front", tests, NULL, NULL);
}
