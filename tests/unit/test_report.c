/*
 * test_report.c - the HTML report's figures and words (src/tools/report.c),
 * from results made by the library: which partners are closest to moving
 * up (fewest unmet, ties in input order, "top N of M"), how far a blocked
 * partner is (the share of the threshold reached, for counts, amounts and
 * numbers that must be at least a threshold, and nothing else), the moves
 * of a rule change (the first REPORT_MOVES of all, said so), counts
 * grouped as people read them, record texts always as text, and the
 * second edition's groups and badges: what blocks inside an either or an
 * at least, which path the holders of a tier or badge take, and partners
 * per badge.  How the
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
    assert_int_equal(r.close[i].missing, i < 8 ? 1 : i < 14 ? 2 : 3);
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
  assert_has(
      t,
      "<td data-label=\"Where\"><div>consulting S (report.tier:5:26)</div></td><td data-label=\"Change\"><div>n &gt;=</div></td>"
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

/* Two paths to Gold, an at least among its perks, and two badges. */
static const char *PATHS_RULES =
    "enum kind { member }\n"
    "record { id: text; name: text; partner type: kind; nights: int; stays: int; suite: bool; lounge: bool; spa: bool; }\n"
    "review = 2026-11-30;\n"
    "tier Silver member < >\n"
    "tier Gold member <\n"
    "  either \"nights\" { nights >= 25; } or \"stays\" { stays >= 15; }\n"
    "  at least 2 of { suite; lounge; spa; }\n"
    ">\n"
    "badge Regular \"Regular guest\" < stays >= 5; >\n"
    "badge Spa < spa; >\n";

static const tier_result *guest(tier_vm *vm, const char *id, int nights, int stays, const char *perks) {
  char rec[512];
  snprintf(rec, sizeof rec,
           "{\"id\":\"%s\",\"name\":\"Guest %s\",\"type\":\"member\",\"nights\":%d,\"stays\":%d,\"suite\":%s,\"lounge\":%s,"
           "\"spa\":%s}",
           id, id, nights, stays, strchr(perks, 's') ? "true" : "false", strchr(perks, 'l') ? "true" : "false",
           strchr(perks, 'p') ? "true" : "false");
  const tier_result *res = NULL;
  assert_int_equal(tier_eval_json(vm, rec, strlen(rec), TIER_NO_DATE, &res), TIER_OK);
  return res;
}

/* The item of kind `kind` (and, for a path, name `name`). */
static size_t item(const tier_ruleset *rs, int kind, const char *name) {
  tier_item_info I;
  for (size_t i = 0; tier_ruleset_item(rs, i, &I) == TIER_OK; i++)
    if (I.kind == kind && (!name || (I.name && !strcmp(I.name, name)))) return i;
  fail_msg("no item of kind %d", kind);
  return 0;
}

/* Six guests: A, B, D and F hold Gold (A by both paths, B and F by nights
 * alone, D by stays alone); C misses both paths and a perk, E a perk.  What blocks
 * Gold counts the either once for C and the at least for both; the paths
 * are counted among Gold's holders; the badges per badge; C's smallest
 * change takes the cheapest path only. */
static void paths_groups_and_badges(void **st) {
  (void)st;
  tier_ruleset *rs = load(PATHS_RULES);
  tier_options every = {.all_requirements = 1};
  tier_vm *vm = tier_vm_new(rs, &every);
  struct report r;
  assert_int_equal(report_init(&r, rs, "paths.tier"), 0);
  report_add(&r, guest(vm, "A", 30, 20, "sl"));
  report_add(&r, guest(vm, "B", 30, 1, "slp"));
  report_add(&r, guest(vm, "C", 10, 3, "s"));
  report_add(&r, guest(vm, "D", 5, 16, "sl"));
  report_add(&r, guest(vm, "E", 30, 0, "s"));
  report_add(&r, guest(vm, "F", 40, 1, "sl"));
  assert_int_equal(r.held[1], 4);
  assert_int_equal(r.as_next[1], 2);
  size_t either = item(rs, TIER_ITEM_EITHER, NULL), atl = item(rs, TIER_ITEM_AT_LEAST, NULL);
  size_t nights = item(rs, TIER_ITEM_BRANCH, "nights"), stays = item(rs, TIER_ITEM_BRANCH, "stays");
  assert_int_equal(r.blocked_item[either], 1);
  assert_int_equal(r.blocked_item[atl], 2);
  assert_int_equal(r.blocked[req(rs, "nights >= 25")], 1);
  assert_int_equal(r.blocked[req(rs, "stays >= 15")], 1);
  assert_int_equal(r.blocked[req(rs, "lounge")], 2);
  assert_int_equal(r.blocked[req(rs, "spa")], 2);
  assert_int_equal(r.blocked[req(rs, "suite")], 0);
  assert_int_equal(r.gap[req(rs, "nights >= 25")][1], 1); /* 10 of 25 */
  assert_int_equal(r.gap[req(rs, "stays >= 15")][0], 1);  /* 3 of 15 */
  assert_int_equal(r.path_met[nights], 3);
  assert_int_equal(r.path_only[nights], 2);
  assert_int_equal(r.path_met[stays], 2);
  assert_int_equal(r.path_only[stays], 1);
  assert_int_equal(r.badge_held[0], 2);
  assert_int_equal(r.badge_held[1], 1);
  /* E misses one perk, C a path (the cheapest: nights) and a perk */
  assert_int_equal(r.nclose, 2);
  assert_int_equal(r.close[0].missing, 1);
  assert_non_null(strstr(r.close[0].html, ">E</span>"));
  assert_int_equal(r.close[1].missing, 2);
  assert_non_null(strstr(r.close[1].html, "<li>&quot;nights&quot;: +15 nights</li>"));
  assert_null(strstr(r.close[1].html, "stays"));

  tier_buf *b = tier_buf_new(NULL);
  const char *t = page(&r, b);
  assert_has(t, "aria-label=\"Badges, partners holding each: Regular guest 2; Spa 1\"");
  /* a group's row: the partners it blocks, and no "how far" of its own */
  assert_has(t, "<b>One of these 2 paths</b></div></td><td data-label=\"Partners blocked\" class=\"n\"><div>1 <span "
                "class=\"muted\">50%</span></div></td><td data-label=\"How far they are\"><div></div></td></tr>");
  assert_has(t, "<b>At least 2 of these 3</b></div></td>");
  assert_has(t, "<section id=\"paths\">");
  assert_has(t, "member &rarr; Gold <span class=\"muted\">4 partners hold it</span>");
  /* a label quoted, as every display of a path quotes it (esc_branch) */
  assert_has(t,
             "<td data-label=\"Path\"><div>\xE2\x80\x9Cnights\xE2\x80\x9D</div></td><td data-label=\"What it "
             "asks\"><div><code>nights &gt;= "
             "25</code></div></td><td data-label=\"Partners meeting it\" class=\"n\"><div>3 <span class=\"muted\">75%"
             "</span></div></td><td data-label=\"Only this path\" class=\"n\"><div>2</div></td></tr>");
  tier_buf_free(b);
  report_free(&r);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* With a diff, each badge says what the old rules' badge of its name
 * gave the same partners and how many gained and lost it, or that it is
 * new; the partners whose badges or path change are rows of their own.
 * Old rules: Regular asks 18 stays, Gold's stays path 21, no Spa. */
static void badges_under_the_old_rules(void **st) {
  (void)st;
  tier_ruleset *rn = load(PATHS_RULES);
  char old[1024];
  snprintf(old, sizeof old, "%s", PATHS_RULES);
  *strstr(old, "badge Spa") = 0;
  memcpy(strstr(old, "stays >= 5; >"), "stays >= 18;>", 13);
  memcpy(strstr(old, "stays >= 15;"), "stays >= 21;", 12);
  tier_ruleset *ro = load(old);
  tier_options every = {.all_requirements = 1};
  tier_vm *vn = tier_vm_new(rn, &every), *vo = tier_vm_new(ro, &every);
  struct report r;
  struct diff d;
  assert_int_equal(report_init(&r, rn, "new.tier"), 0);
  assert_int_equal(diff_init(&d, ro, rn, "old.tier", "new.tier"), 0);
  r.diff = &d;
  /* A holds Gold by nights, now by both paths; D moves up to Gold; F stays Silver */
  static const struct { const char *id; int nights, stays; } g[] = {{"A", 30, 20}, {"D", 5, 16}, {"F", 1, 6}};
  for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
    const tier_result *a = guest(vn, g[i].id, g[i].nights, g[i].stays, "slp"),
                      *b = guest(vo, g[i].id, g[i].nights, g[i].stays, "slp");
    report_add(&r, a);
    struct diff_move m;
    if (diff_add(&d, b, a, &m)) report_move(&r, &m);
    report_side(&r, &d, a);
  }
  assert_int_equal(r.moves, 1);
  assert_int_equal(r.sides, 6); /* A: path, Spa; D: Regular, Spa; F: Regular, Spa */
  tier_buf *b = tier_buf_new(NULL);
  const char *t = page(&r, b);
  assert_has(t, "aria-label=\"Badges, partners holding each: Regular guest 3 (was 1: 2 gained, 0 lost); Spa 3 (new badge)\"");
  assert_has(t, "<b>2</b>of them with other badges, path or grant</div>");
  assert_has(t, "<h3>Badges gained and lost, and tiers held by another path or grant</h3>\n<p class=\"caption\">All 6 changes");
  assert_has(t,
             "<td data-label=\"Change\"><div>Gold by another path</div></td><td data-label=\"Why\"><div>Now \u201C"
             "nights\u201D, \u201Cstays\u201D; was \u201Cnights\u201D.</div></td></tr>");
  assert_has(
      t, "<div>Badge Regular guest gained</div></td><td data-label=\"Why\"><div>The old rules asked:<ul class=\"needs\"><li>");
  assert_has(t, "+12 stays");
  assert_has(t, "<div>Badge Spa gained</div></td><td data-label=\"Why\"><div>A new badge.</div>");
  tier_buf_free(b);
  diff_free(&d);
  report_free(&r);
  tier_vm_free(vn);
  tier_vm_free(vo);
  tier_ruleset_free(rn);
  tier_ruleset_free(ro);
}

/* ---- on several threads (tiervm report -j) ---- */

/* Partner i under vm, for the rules of RULES: its n, m, x and ok vary so
 * that partners miss one to four requirements, many tie, and with the
 * old rules' `n >= 10` many move. */
static const tier_result *partner_i(tier_vm *vm, int i) {
  char id[16];
  snprintf(id, sizeof id, "p%d", i);
  return eval(vm, id, id, (i * 37) % 130, i % 3 ? "20" : "5", i % 5 ? "2" : "1", i % 7 != 0);
}

/* Guest i under vm, for PATHS_RULES: every path, perk and badge met by some. */
static const tier_result *guest_i(tier_vm *vm, int i) {
  char id[16];
  snprintf(id, sizeof id, "g%d", i);
  static const char *const perks[] = {"", "s", "sl", "slp", "p", "lp"};
  return guest(vm, id, (i * 13) % 45, (i * 7) % 22, perks[i % 6]);
}

/* One report made on one thread (report_add, diff_add, report_move,
 * report_side) and one from the events of two counters, each given some
 * of the partners (as par.c gives threads batches), applied in input
 * order: the same page and the same diff, byte for byte, though each
 * counter saw only some partners when it chose which rows to lay out.
 * Every 17th record is rejected: report_apply hands back its message and
 * number, in its place. */
static void same_from_threads(const char *rules, const char *old, const tier_result *(*make)(tier_vm *, int), int n,
                              long min_sides) {
  tier_ruleset *rn = load(rules), *ro = load(old);
  tier_options every = {.all_requirements = 1};
  tier_vm *vn = tier_vm_new(rn, &every), *vo = tier_vm_new(ro, &every);
  struct report one, many;
  struct diff d1, dm, dw[2];
  struct report_counter c[2];
  assert_int_equal(report_init(&one, rn, "new.tier") | report_init(&many, rn, "new.tier"), 0);
  assert_int_equal(diff_init(&d1, ro, rn, "o", "n") | diff_init(&dm, ro, rn, "o", "n"), 0);
  for (int t = 0; t < 2; t++) {
    assert_int_equal(report_counter_init(&c[t], rn), 0);
    assert_int_equal(diff_init(&dw[t], ro, rn, "o", "n"), 0);
  }
  one.diff = &d1;
  many.diff = &dm;
  tier_buf *ev = tier_buf_new(NULL);
  for (int i = 0; i < n; i++) {
    int t = (i / 5 + i / 3) % 2; /* runs of either thread, of uneven length */
    if (i % 17 == 16) {
      one.errors++;
      report_error_event(i + 1, "rejected", ev);
    } else {
      const tier_result *a = make(vn, i), *o = make(vo, i);
      report_add(&one, a);
      struct diff_move m;
      if (diff_add(&d1, o, a, &m)) report_move(&one, &m);
      report_side(&one, &d1, a);
      report_add_event(&c[t], a, ev);
      report_old_event(&c[t], &dw[t], o, a, ev);
    }
    size_t len;
    const char *s = tier_buf_text(ev, &len), *end = s + len;
    long record = 0;
    if (i % 17 == 16) {
      assert_string_equal(report_apply(&many, &dm, &s, end, &record), "rejected");
      assert_int_equal(record, i + 1);
    }
    assert_null(report_apply(&many, &dm, &s, end, &record));
    tier_buf_clear(ev);
  }
  assert_true(one.moves > REPORT_MOVES);
  assert_true(one.sides >= min_sides); /* changes beside the tier: past the rows shown, too */
  assert_int_equal(one.sides, many.sides);
  assert_int_equal(one.nclose, REPORT_CLOSEST);
  assert_int_equal(one.errors, many.errors);
  tier_buf *b1 = tier_buf_new(NULL), *bm = tier_buf_new(NULL);
  assert_string_equal(page(&one, b1), page(&many, bm));
  static const int fmts[] = {FMT_TEXT, FMT_JSON};
  for (size_t f = 0; f < 2; f++) {
    tier_buf_clear(b1);
    tier_buf_clear(bm);
    diff_render(&d1, fmts[f], b1);
    diff_render(&dm, fmts[f], bm);
    assert_string_equal(tier_buf_text(b1, NULL), tier_buf_text(bm, NULL));
  }
  tier_buf_free(b1);
  tier_buf_free(bm);
  tier_buf_free(ev);
  for (int t = 0; t < 2; t++) {
    report_counter_free(&c[t]);
    diff_free(&dw[t]);
  }
  diff_free(&d1);
  diff_free(&dm);
  report_free(&one);
  report_free(&many);
  tier_vm_free(vn);
  tier_vm_free(vo);
  tier_ruleset_free(rn);
  tier_ruleset_free(ro);
}

static void events_from_threads_make_the_same_page(void **st) {
  (void)st;
  char old[1024];
  snprintf(old, sizeof old, "%s", RULES);
  memcpy(strstr(old, "n >= 100"), "n >= 10 ", 8);
  same_from_threads(RULES, old, partner_i, 4 * REPORT_MOVES, 0);
}

/* The same with paths, an at least and badges (and an old badge of each
 * name, held by other guests): more partners whose badges or path change
 * than the rows shown. */
static void events_from_threads_make_the_same_paths(void **st) {
  (void)st;
  char old[1024];
  snprintf(old, sizeof old, "%s", PATHS_RULES);
  memcpy(strstr(old, "stays >= 15"), "stays >= 5 ", 11);
  memcpy(strstr(old, "stays >= 5; >"), "stays >= 9; >", 13);
  same_from_threads(PATHS_RULES, old, guest_i, 10 * REPORT_MOVES, REPORT_MOVES + 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_closest_are_the_fewest_unmet_in_input_order),
      cmocka_unit_test(how_far_is_the_share_of_the_threshold),
      cmocka_unit_test(moves_are_counted_and_the_first_shown),
      cmocka_unit_test(counts_are_grouped_and_texts_escaped),
      cmocka_unit_test(paths_groups_and_badges),
      cmocka_unit_test(badges_under_the_old_rules),
      cmocka_unit_test(events_from_threads_make_the_same_page),
      cmocka_unit_test(events_from_threads_make_the_same_paths),
  };
  return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
