/*
 * test_report.c - the HTML report's figures and words (src/tools/report.c),
 * from results made by the library: which partners are closest to moving
 * up (fewest unmet, ties in input order, "top N of M"), how far a blocked
 * partner is (the share of the threshold reached, for counts, amounts and
 * numbers that must be at least a threshold, and nothing else), the moves
 * of a rule change (the first REPORT_MOVES of all, said so), counts
 * grouped as people read them, and record texts always as text.  How the
 * page looks in a browser is tests/sh/report-browser.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"

/* n: an int, m: money, x: a number, ok: a bool; S asks at least 100 of n. */
static const char *RULES = "enum kind { consulting }\n"
                           "record { id: text; name: text; partner type: kind; n: int; m: money; x: number; ok: bool; }\n"
                           "review = 2019-12-13;\n"
                           "tier R consulting < >\n"
                           "tier S consulting < n >= 100; m > 10; x >= 1.5; ok; n <= 1000; >\n";

static tier_ruleset *load(const char *src) {
  uint8_t *bc = NULL;
  size_t n = 0;
  tier_diags *d = NULL;
  int rc = tier_compile("report.tier", src, strlen(src), NULL, &bc, &n, &d);
  if (rc != TIER_OK) fprintf(stderr, "%s\n", tier_diags_text(d));
  tier_diags_free(d);
  assert_int_equal(rc, TIER_OK);
  tier_ruleset *rs = NULL;
  char err[256];
  assert_int_equal(tier_load(bc, n, NULL, &rs, err, sizeof err), TIER_OK);
  tier_free_bytes(NULL, bc, n);
  return rs;
}

static const tier_result *eval(tier_vm *vm, const char *id, const char *name, int n, const char *m, const char *x, int ok) {
  char rec[512];
  snprintf(rec, sizeof rec, "{\"id\":\"%s\",\"name\":\"%s\",\"type\":\"consulting\",\"n\":%d,\"m\":%s,\"x\":%s,\"ok\":%s}", id,
           name, n, m, x, ok ? "true" : "false");
  const tier_result *res = NULL;
  assert_int_equal(tier_eval_json(vm, rec, strlen(rec), TIER_NO_DATE, &res), TIER_OK);
  return res;
}

static const char *page(const struct report *r, tier_buf *b) {
  tier_buf_clear(b);
  report_html(r, b);
  const char *t = tier_buf_text(b, NULL);
  assert_non_null(t);
  return t;
}

#define assert_has(hay, needle)                                                \
  do {                                                                         \
    if (!strstr((hay), (needle))) {                                            \
      fprintf(stderr, "the page lacks: %s\n", (needle));                      \
      fail();                                                                  \
    }                                                                          \
  } while (0)

/* The index of requirement `rule` of the ruleset. */
static size_t req(const tier_ruleset *rs, const char *rule) {
  tier_req_info Q;
  for (size_t q = 0; tier_ruleset_req(rs, q, &Q) == TIER_OK; q++)
    if (!strcmp(Q.rule, rule)) return q;
  fail_msg("no requirement %s", rule);
  return 0;
}

/* Twenty partners below S: the fifteen with the fewest unmet requirements
 * stay, fewest first and in input order among equals, and the page says
 * they are the top 15 of 20; a partner that enters late takes its place. */
static void the_closest_are_the_fewest_unmet_in_input_order(void **st) {
  (void)st;
  tier_ruleset *rs = load(RULES);
  tier_vm *vm = tier_vm_new(rs, NULL);
  struct report r;
  assert_int_equal(report_init(&r, rs, "report.tier"), 0);
  char id[16];
  for (int i = 0; i < 19; i++) { /* i % 3 + 1 unmet: n, then m, then x */
    snprintf(id, sizeof id, "p%02d", i);
    int k = i % 3 + 1;
    report_add(&r, eval(vm, id, "P", 50, k >= 2 ? "5" : "20", k >= 3 ? "1" : "2", 1));
  }
  report_add(&r, eval(vm, "late", "Late", 100, "20", "2", 0)); /* 1 unmet: ok */
  assert_int_equal(r.with_next, 20);
  assert_int_equal(r.nclose, REPORT_CLOSEST);
  /* 1 unmet: p00 p03 ... p18 and late; 2 unmet: p01 ... p16; 3 unmet: p02 first */
  static const char *const want[REPORT_CLOSEST] = {"p00", "p03", "p06", "p09", "p12", "p15", "p18", "late",
                                                   "p01", "p04", "p07", "p10", "p13", "p16", "p02"};
  for (int i = 0; i < REPORT_CLOSEST; i++) {
    char cell[64];
    snprintf(cell, sizeof cell, "<span class=\"muted\">%s</span>", want[i]);
    assert_non_null(strstr(r.close[i].html, cell));
    assert_int_equal(r.close[i].nunmet, i < 8 ? 1 : i < 14 ? 2 : 3);
  }
  tier_buf *b = tier_buf_new(NULL);
  assert_has(page(&r, b), "Top 15 of 20 partners below the top of their ladder");
  tier_buf_free(b);
  report_free(&r);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* How far: the share of the threshold reached, bucket by bucket, for an
 * int, a money and a number threshold, with >= and >; nothing for a bool
 * or an upper bound. */
static void how_far_is_the_share_of_the_threshold(void **st) {
  (void)st;
  tier_ruleset *rs = load(RULES);
  tier_vm *vm = tier_vm_new(rs, NULL);
  struct report r;
  assert_int_equal(report_init(&r, rs, "report.tier"), 0);
  static const int ns[] = {0, 24, 25, 49, 50, 74, 75, 89, 90, 99, 2000};
  for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) report_add(&r, eval(vm, "a", "A", ns[i], "20", "2", 1));
  size_t n = req(rs, "n >= 100");
  long want_n[REPORT_BUCKETS] = {2, 2, 2, 2, 2}; /* 2000 meets n >= 100 (and fails n <= 1000) */
  for (int k = 0; k < REPORT_BUCKETS; k++) assert_int_equal(r.gap[n][k], want_n[k]);
  assert_int_equal(r.blocked[n], 10);
  assert_int_equal(r.blocked[req(rs, "n <= 1000")], 1);
  for (int k = 0; k < REPORT_BUCKETS; k++) assert_int_equal(r.gap[req(rs, "n <= 1000")][k], 0);

  report_add(&r, eval(vm, "b", "B", 100, "2.49", "0.375", 0)); /* m 24.9%, x 25%, ok fails */
  report_add(&r, eval(vm, "c", "C", 100, "9.99", "1.4999", 1)); /* m 99.9%, x 99.99% */
  report_add(&r, eval(vm, "d", "D", 100, "10", "1.35", 1));     /* m = 10 fails >, 100%: the last bucket; x 90% */
  long want_m[REPORT_BUCKETS] = {1, 0, 0, 0, 2}, want_x[REPORT_BUCKETS] = {0, 1, 0, 0, 2};
  for (int k = 0; k < REPORT_BUCKETS; k++) {
    assert_int_equal(r.gap[req(rs, "m > 10")][k], want_m[k]);
    assert_int_equal(r.gap[req(rs, "x >= 1.5")][k], want_x[k]);
    assert_int_equal(r.gap[req(rs, "ok")][k], 0);
  }
  assert_int_equal(r.blocked[req(rs, "ok")], 1);
  tier_buf *b = tier_buf_new(NULL);
  const char *t = page(&r, b);
  assert_has(t, "Share of the threshold reached:");
  assert_has(t, "How far: 2 at under 25% of the threshold, 2 at 25\xE2\x80\x93" "50% of the threshold");
  tier_buf_free(b);
  report_free(&r);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* A rule change: the summary counts the moves and the changes, every move
 * is counted, the first REPORT_MOVES are rows and the page says so; the
 * rule change is a table of tierc diff's changes. */
static void moves_are_counted_and_the_first_shown(void **st) {
  (void)st;
  tier_ruleset *rn = load(RULES);
  char old[1024];
  snprintf(old, sizeof old, "%s", RULES);
  memcpy(strstr(old, "n >= 100"), "n >= 10 ", 8);
  tier_ruleset *ro = load(old);
  tier_vm *vn = tier_vm_new(rn, NULL), *vo = tier_vm_new(ro, NULL);
  struct report r;
  struct diff d;
  assert_int_equal(report_init(&r, rn, "new.tier"), 0);
  assert_int_equal(diff_init(&d, ro, rn, "old.tier", "new.tier"), 0);
  r.diff = &d;
  for (int i = 0; i < REPORT_MOVES + 7; i++) { /* S under the old rules, R under the new */
    char id[16];
    snprintf(id, sizeof id, "m%d", i);
    const tier_result *a = eval(vn, id, "Mover", 50, "20", "2", 1), *o = eval(vo, id, "Mover", 50, "20", "2", 1);
    report_add(&r, a);
    struct diff_move m;
    assert_true(diff_add(&d, o, a, &m));
    assert_int_equal(m.direction, -1);
    report_move(&r, &m);
  }
  assert_int_equal(r.moves, REPORT_MOVES + 7);
  tier_buf *b = tier_buf_new(NULL);
  const char *t = page(&r, b);
  char want[128];
  snprintf(want, sizeof want, "The first %d of %d partners that move", REPORT_MOVES, REPORT_MOVES + 7);
  assert_has(t, want);
  snprintf(want, sizeof want, "&#9660; %d</b>move down", REPORT_MOVES + 7);
  assert_has(t, want);
  assert_has(t, "<b>1</b>change in the rules");
  assert_has(t, "<td data-label=\"Where\"><div>consulting S</div></td><td data-label=\"Change\"><div>n &gt;=</div></td>"
                "<td data-label=\"Was\"><div><code>10</code></div></td><td data-label=\"Now\"><div><code>100</code></div></td>");
  assert_has(t, "The new rules ask, for S:<ul class=\"needs\"><li>+50 n</li></ul>");
  /* rows: one per move shown */
  size_t rows = 0;
  for (const char *p = strstr(t, "id=\"impact\""); (p = strstr(p, "<td data-label=\"Why\">")); p++) rows++;
  assert_int_equal(rows, REPORT_MOVES);
  tier_buf_free(b);
  diff_free(&d);
  report_free(&r);
  tier_vm_free(vn);
  tier_vm_free(vo);
  tier_ruleset_free(rn);
  tier_ruleset_free(ro);
}

/* Counts as people read them, and record texts as text: markup escaped,
 * a control character (which HTML does not allow) shown as U+FFFD. */
static void counts_are_grouped_and_texts_escaped(void **st) {
  (void)st;
  tier_ruleset *rs = load(RULES);
  tier_vm *vm = tier_vm_new(rs, NULL);
  struct report r;
  assert_int_equal(report_init(&r, rs, "report.tier"), 0);
  report_add(&r, eval(vm, "<b>x</b>", "A &amp; \\\"B\\\" <i>\\u0001</i>", 99, "20", "2", 1));
  for (int i = 1; i < 1234; i++) report_add(&r, eval(vm, "q", "Q", 100, "20", "2", 1));
  tier_buf *b = tier_buf_new(NULL);
  const char *t = page(&r, b);
  assert_has(t, "<b>1,234</b>partners evaluated");
  assert_has(t, "A &amp;amp; &quot;B&quot; &lt;i&gt;\xEF\xBF\xBD&lt;/i&gt;<br><span class=\"muted\">&lt;b&gt;x&lt;/b&gt;</span>");
  assert_null(strstr(t, "<i>"));
  assert_null(strchr(t, '\x01'));
  tier_buf_free(b);
  report_free(&r);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_closest_are_the_fewest_unmet_in_input_order),
      cmocka_unit_test(how_far_is_the_share_of_the_threshold),
      cmocka_unit_test(moves_are_counted_and_the_first_shown),
      cmocka_unit_test(counts_are_grouped_and_texts_escaped),
  };
  return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
