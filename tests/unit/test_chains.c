/*
 * test_chains.c - limits on depth, not length (issue 14.8).
 *
 * A chain of left-associative operators (a + b + c, p or q or r) is length,
 * not nesting: chains of any length compile, and every pass walks them in
 * loops (ast.c), so a 1,000,000-term chain compiles, loads and evaluates to
 * the right value, and the code it makes grows with the chain, not faster.
 * True nesting -- parentheses, right operands, not, minus, if -- keeps its
 * limit of LIM_DEPTH levels.  Nothing here is timed: the tests count.
 */
#include "testutil.h"
#include "fmt.h"

#define HEAD                                                                   \
  "enum kind { a }\n"                                                          \
  "record { id: text; partner type: kind; x: int; b: bool; items: list { n: int; } }\n"
#define REC "{\"id\":\"P\",\"type\":\"a\",\"x\":1,\"b\":true,\"items\":[{\"n\":1},{\"n\":2}]}"

/* HEAD, then pre, then `term` n times separated by sep, then post (malloc'd) */
static char *chain_src(const char *pre, const char *term, const char *sep, long n, const char *post) {
  size_t cap = strlen(HEAD) + strlen(pre) + strlen(post) + (size_t)n * (strlen(term) + strlen(sep)) + 1;
  char *s = malloc(cap), *p = s;
  p += sprintf(p, "%s%s", HEAD, pre);
  for (long i = 0; i < n; i++) p += sprintf(p, "%s%s", i ? sep : "", term);
  sprintf(p, "%s", post);
  return s;
}

static uint8_t *compile_big(const char *src, size_t *n, char **diags) {
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  opt.max_source = 64u << 20; /* --max-source raised */
  uint8_t *bc = NULL;
  tier_diags *d = NULL;
  int rc = tier_compile("chain.tier", src, strlen(src), &opt, &bc, n, &d);
  if (diags) *diags = strdup(tier_diags_text(d));
  tier_diags_free(d);
  return rc == TIER_OK ? bc : NULL;
}

/* compile, load and evaluate REC: the tier it holds */
static void holds(const char *src, const char *want) {
  size_t n;
  char *diags = NULL;
  uint8_t *bc = compile_big(src, &n, &diags);
  if (!bc) fprintf(stderr, "%.2000s\n", diags);
  assert_non_null(bc);
  free(diags);
  tier_ruleset *rs = NULL;
  char err[256];
  assert_int_equal(tier_load(bc, n, NULL, &rs, err, sizeof err), TIER_OK);
  tier_free_bytes(NULL, bc, n);
  assert_string_equal(tu_tier(rs, REC, "2019-12-13"), want);
  tier_ruleset_free(rs);
}

/* 300 terms was "nested too deeply (the limit is 200 levels)" */
static void chains_of_300_compile(void **st) {
  (void)st;
  static const struct { const char *pre, *term, *sep, *post; } c[] = {
      {"tier T a < ", "x", " + ", " == 300; >\n"},
      {"tier T a < ", "x", " - ", " == -298; >\n"},
      {"tier T a < ", "x", " * ", " == 1; >\n"},
      {"tier T a < ", "b", " or ", "; >\n"},
      {"tier T a < ", "x >= 1", " and ", "; >\n"},
      {"metric m = count items where ", "n >= 1", " and ", ";\ntier T a < m == 2; >\n"},
      {"metric m = count items where ", "n == 1", " or ", ";\ntier T a < m == 1; >\n"},
      {"metric m = ", "x", " / ", ";\ntier T a < m == 1; >\n"},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    char *s = chain_src(c[i].pre, c[i].term, c[i].sep, 300, c[i].post);
    holds(s, "T");
    free(s);
  }
}

/* Nesting just under and just over 200 levels, five ways: one error past
 * the limit, as before.  A right operand in parentheses is two levels. */
static void true_nesting_keeps_its_limit(void **st) {
  (void)st;
  static const struct { const char *open, *close; int per; } c[] = {
      {"(", ")", 1}, {"x + (", ")", 2}, {"not ", "", 1}, {"-", "", 1}, {"if b then x else ", "", 1},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    for (int k = 0; k < 2; k++) {
      int levels = k == 0 ? 199 / c[i].per : 201 / c[i].per + 1;
      size_t cap = strlen(HEAD) + 64 + (size_t)levels * (strlen(c[i].open) + strlen(c[i].close));
      char *s = malloc(cap), *p = s;
      p += sprintf(p, "%smetric m = ", HEAD);
      for (int k = 0; k < levels; k++) p += sprintf(p, "%s", c[i].open);
      p += sprintf(p, "%s", i == 2 ? "b" : "x");
      for (int k = 0; k < levels; k++) p += sprintf(p, "%s", c[i].close);
      sprintf(p, ";\ntier T a < >\n");
      char *d = tu_diags(s);
      if (k == 0) {
        if (strstr(d, "error")) fprintf(stderr, "%s\n%.500s\n", c[i].open, d);
        assert_null(strstr(d, "error"));
      } else {
        tu_assert_contains(d, "expression is nested too deeply (the limit is 200 levels)");
      }
      free(d);
      free(s);
    }
  }
}

/* The code size and the cost bound of a compiled ruleset. */
static void measure(const char *src, uint64_t *code, uint64_t *cost) {
  size_t n;
  uint8_t *bc = compile_big(src, &n, NULL);
  assert_non_null(bc);
  struct image *img = NULL;
  char err[256];
  assert_int_equal(bc_read(NULL, bc, n, NULL, &img, err, sizeof err), TIER_OK);
  *code = img->codelen;
  *cost = img->cost_base; /* the instructions of one evaluation: once, and per list item */
  for (uint32_t l = 0; l < img->nlists; l++) *cost += img->cost_per[l];
  image_free(img);
  tier_free_bytes(NULL, bc, n);
}

/* Twice the chain, twice the code and twice the work per evaluation (give
 * or take the constant part): the compiler neither drops links nor repeats
 * them. */
static void code_grows_with_the_chain(void **st) {
  (void)st;
  static const struct { const char *pre, *term, *sep, *post; } c[] = {
      {"metric m = ", "x", " + ", ";\ntier T a < m >= 1; >\n"},
      {"tier T a < ", "b", " or ", "; >\n"},
      {"metric m = count items where ", "n >= 1", " and ", ";\ntier T a < m >= 1; >\n"},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    uint64_t code1, cost1, code2, cost2;
    char *s1 = chain_src(c[i].pre, c[i].term, c[i].sep, 50000, c[i].post);
    char *s2 = chain_src(c[i].pre, c[i].term, c[i].sep, 100000, c[i].post);
    measure(s1, &code1, &cost1);
    measure(s2, &code2, &cost2);
    /* n links cost k*n + c, so twice the links cost twice as much, but for c */
    int64_t dcode = (int64_t)code2 - 2 * (int64_t)code1, dcost = (int64_t)cost2 - 2 * (int64_t)cost1;
    if (dcode < -2000 || dcode > 2000 || dcost < -200 || dcost > 200)
      fprintf(stderr, "'%s' chain: code %lu -> %lu bytes, cost %lu -> %lu instructions\n", c[i].sep,
              (unsigned long)code1, (unsigned long)code2, (unsigned long)cost1, (unsigned long)cost2);
    assert_true(code1 > 100000 && cost1 > 50000); /* at least a byte and an instruction per link */
    assert_true(dcode >= -2000 && dcode <= 2000);
    assert_true(dcost >= -200 && dcost <= 200);
    free(s1);
    free(s2);
  }
}

/* The chain of a million terms: it compiles, its rule text is printed, its
 * metric sums a million ones, and fmt prints it in one pass. */
static void a_million_terms(void **st) {
  (void)st;
  char *s = chain_src("metric total = ", "x", "+", 1000000, ";\ntier T a < total == 1000000; >\n");
  holds(s, "T");
  struct buf out = {0};
  char err[256];
  assert_int_equal(fmt_source(s, strlen(s), &out, err, sizeof err), 0);
  /* too long for a line: one link per line, `+ x` */
  size_t links = 0;
  for (size_t i = 0; i + 8 <= out.n; i++) links += out.p[i] == '\n' && memcmp(out.p + i + 1, "    + x", 7) == 0;
  assert_int_equal(links, 999999);
  buf_free(&out);
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(chains_of_300_compile),
      cmocka_unit_test(true_nesting_keeps_its_limit),
      cmocka_unit_test(code_grows_with_the_chain),
      cmocka_unit_test(a_million_terms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
