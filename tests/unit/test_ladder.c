/*
 * test_ladder.c - what a tier or a badge asks, as a tree: `either` with its
 * branches, `at least N of`, `requirements` blocks inserted with their
 * arguments, and badges (SPEC 3.4.8, 3.4.9, 3.4.12, 3.5).
 *
 *   - one mistake, one error, in the user's words (each case below);
 *   - what holds, through the public API: the tier, the badges, the unmet
 *     entries with their branch, the cheapest branch (ties: the first
 *     written), an at least's failing items and which complete it;
 *   - one hand-made file per verifier rule on the item tree, each refused
 *     with its own message.
 */
#include <sodium.h>

#include "testutil.h"

#define HEAD                                                                                 \
  "enum kind { member }\n"                                                                   \
  "record r { id: text; partner type: kind; n: int; s: int; usd: money; a: bool; b: bool;\n" \
  "  c: bool; t: text; o: int?; visits: list { day: date; } }\n"                             \
  "review = 2026-11-30;\n"
/* HEAD is lines 1-4; a test's own text starts on line 5 */

/* ---- one mistake, one error ------------------------------------------------------------ */

/* src must be rejected with exactly one error, which contains `want`. */
static void one_error(const char *src, const char *want) {
  char *t = NULL;
  tier_ruleset *rs = tu_compile(src, &t);
  if (rs) {
    fprintf(stderr, "expected an error, but it compiled:\n%s\n", src);
    tier_ruleset_free(rs);
    fail();
  }
  tu_assert_contains(t, want);
  size_t n = 0;
  for (const char *p = t; (p = strstr(p, ": error: ")) != NULL; p++) n++;
  if (n != 1) {
    fprintf(stderr, "expected one error, got %zu:\n%s\n", n, t);
    fail();
  }
  free(t);
}

static void either_mistakes(void **st) {
  (void)st;
  one_error(HEAD "tier X member < either \"A\" { n >= 1; } >\n",
            "test.tier:5:17: error: `either` needs two or more branches: either \"A\" { ... } or \"B\" { ... }");
  one_error(HEAD "tier X member < either \"A\" { n >= 1; } or \"B\" { } >\n",
            "error: \"B\" of this `either` has no requirements (it would always hold)");
  one_error(HEAD "tier X member < either { n >= 1; } or { } >\n", "error: branch 2 of this `either` has no requirements");
  one_error(HEAD "tier X member < either \"A\" { n >= 1; } or \"A\" { s >= 1; } >\n",
            "error: two branches of this `either` are called \"A\"");
  one_error(HEAD "tier X member < either { n >= 1; sustained 2 months; } or { s >= 1; } >\n",
            "error: a time clause applies to the whole tier or badge: write it outside `either` and `at least`");
  one_error(HEAD "tier X member < either { n; } or { s >= 1; } >\n", "error: a requirement must be bool, not int");
}

static void at_least_mistakes(void **st) {
  (void)st;
  one_error(HEAD "tier X member < at least 3 of { a; b; } >\n",
            "test.tier:5:26: error: `at least 3 of` a group of 2: the number must be from 1 to 2");
  one_error(HEAD "tier X member < at least 0 of { a; b; } >\n", "the number must be from 1 to 2");
  one_error(HEAD "tier X member < at least 1 of { } >\n", "error: `at least 1 of { }` has no requirements");
  /* five groups inside each other: one too many */
  one_error(HEAD "tier X member < at least 1 of { at least 1 of { at least 1 of { at least 1 of {\n"
                 "  at least 1 of { a; } } } } } >\n",
            "test.tier:6:3: error: `either` and `at least` are nested more than 4 deep");
  /* the number counts what inserted blocks bring */
  tier_ruleset *rs = tu_compile(HEAD "requirements two() < a; b; >\ntier X member < at least 3 of { two(); c; } >\n", NULL);
  assert_non_null(rs);
  tier_ruleset_free(rs);
}

static void block_mistakes(void **st) {
  (void)st;
  const char *q = "requirements q(k: int, m: money) < n >= k; usd >= m; >\n";
  char src[2048];
  snprintf(src, sizeof src, HEAD "%stier X member < q(1); >\n", q);
  one_error(src, "test.tier:6:17: error: 'q' takes 2 arguments (k: int, m: money), not 1");
  snprintf(src, sizeof src, HEAD "%stier X member < q(\"x\", 2); >\n", q);
  one_error(src, "test.tier:6:19: error: argument 'k' of 'q' must be int, not text");
  snprintf(src, sizeof src, HEAD "%stier X member < q(o, 2); >\n", q);
  one_error(src, "error: argument 'k' of 'q' may be missing (it is int?): declare the parameter as int?");
  snprintf(src, sizeof src, HEAD "%stier X member < q(1, 2.555); >\n", q);
  one_error(src, "error: money amount is not exact in cents");
  snprintf(src, sizeof src, HEAD "%stier X member < q(1, 2) \"both\"; >\n", q);
  one_error(src, "error: a label names one requirement, and 'q(...)' inserts a block of them");
  snprintf(src, sizeof src, HEAD "%stier X member < a and q(1, 2); >\n", q);
  one_error(src, "error: 'q' is a requirements block: insert it as a statement of its own");
  snprintf(src, sizeof src, HEAD "%stier X member < qq(1, 2); >\n", q);
  one_error(src, "error: no function or requirements block named 'qq'; did you mean 'q'?");
  one_error(HEAD "requirements p() < q(); >\nrequirements q() < p(); >\ntier X member < p(); >\n",
            "error: requirements blocks insert each other in a cycle: p -> q -> p");
  one_error(HEAD "requirements p() < a; >\nrequirements p() < b; >\ntier X member < p(); >\n",
            "test.tier:6:14: error: requirements block 'p' is defined twice");
  one_error(HEAD "requirements p(x: int, x: int) < n >= x; >\ntier X member < p(1, 2); >\n",
            "error: requirements block 'p' has two parameters named 'x'");
  one_error(
      HEAD "requirements p(x: itn) < n >= 1; >\ntier X member < p(1); >\n",
      "error: unknown type 'itn' (a parameter is text, int, number, money, bool, date, tier or an enum); did you mean 'int'?");
  one_error(HEAD "requirements p() < sustained 2 months; >\ntier X member < either { p(); } or { a; } >\n",
            "error: 'p' has a time clause, which applies to a whole tier or badge: insert it outside `either` and `at least`");
  one_error(HEAD "requirements p() < a; sustained 2 months; >\ntier X member < p(); sustained 3 months; >\n",
            "error: tier 'X' has two time clauses; a tier or badge has at most one");
  one_error(HEAD "requirements p() < >\ntier X member < p(); >\n", "error: requirements block 'p' has no requirements");
  /* a block never inserted is still checked, and warned about */
  one_error(HEAD "requirements p() < n >= \"1\"; >\ntier X member < a; >\n", "cannot compare int with text");
  char *t = tu_diags(HEAD "requirements p() < a; >\ntier X member < a; >\n");
  tu_assert_contains(t, "test.tier:5:14: warning: requirements block 'p' is not inserted anywhere");
  free(t);
}

/* Blocks that insert blocks twice over multiply: the copies are counted,
 * and the limit is one error, not minutes of work. */
static void expansion_is_bounded(void **st) {
  (void)st;
  struct buf b = {0};
  buf_printf(&b, HEAD "requirements b0() < a; b; >\n");
  for (int i = 1; i <= 20; i++) buf_printf(&b, "requirements b%d() < b%d(); b%d(); >\n", i, i - 1, i - 1);
  buf_printf(&b, "tier X member < b20(); >\n");
  buf_u8(&b, 0);
  one_error((char *)b.p, "error: inserting requirements blocks makes more than 200000 rules and expressions (in tier 'X')");
  buf_free(&b);
  /* an argument deeper than the name it replaces: depth is counted after */
  b = (struct buf){0};
  buf_printf(&b, HEAD "requirements p(k: int) < not (n >= k + 1); >\ntier X member < p(");
  for (int i = 0; i < 197; i++) buf_printf(&b, "(");
  buf_printf(&b, "1");
  for (int i = 0; i < 197; i++) buf_printf(&b, ")");
  buf_printf(&b, " + 1); >\n");
  buf_u8(&b, 0);
  one_error((char *)b.p, "error: with its arguments inserted, this expression is nested too deeply (the limit is 200 levels)");
  buf_free(&b);
}

/* A chain (x + x + ... + x) may be as long as the source: inserting a block
 * walks it in a loop, copying only the links an argument changes. */
static void long_chains_are_walked(void **st) {
  (void)st;
  for (int first = 0; first <= 1; first++) {
    struct buf b = {0};
    buf_printf(&b, HEAD "requirements big(k: int) < %s", first ? "k" : "n");
    for (int i = 0; i < 250000; i++) buf_printf(&b, " + n");
    buf_printf(&b, " + %s >= 1; >\ntier X member < big(1); >\n", first ? "n" : "k");
    buf_u8(&b, 0);
    char *t = NULL;
    tier_ruleset *rs = tu_compile((char *)b.p, &t);
    if (first) { /* every link changes: over the limit of copies, and said so */
      assert_null(rs);
      tu_assert_contains(t, "inserting requirements blocks makes more than 200000 rules and expressions");
    } else {
      if (!rs) fprintf(stderr, "%s", t);
      assert_non_null(rs);
    }
    tier_ruleset_free(rs);
    free(t);
    buf_free(&b);
  }
}

static void badge_mistakes(void **st) {
  (void)st;
  one_error(HEAD "badge B < a; >\nbadge B < b; >\n", "test.tier:6:7: error: badge 'B' is defined twice");
  one_error(HEAD "tier X member < a; >\nbadge X < b; >\n", "error: 'X' is the name of a tier and of a badge");
  one_error("badge B < 1 >= 0; >\n", "error: the ruleset declares no record: badges need a `record { ... }`");
  one_error(HEAD "badge B < a; sustained 1 months; sustained 2 months; >\n", "error: badge 'B' has two time clauses");
}

/* ---- what holds --------------------------------------------------------------------------- */

static const char *LADDER = HEAD
    "requirements qualify(k: int, m: int, u: money) <\n"
    "  either \"nights\" { n >= k; } or \"stays\" { s >= m; } or \"spend\" { usd >= u; }\n"
    ">\n"
    "tier Member member < >\n"
    "tier Silver member < qualify(10, 4, 2500); >\n"
    "tier Gold member < qualify(25, 15, 6000); at least 2 of { a; b; c; } >\n"
    "tier Diamond member < either \"nights\" { n >= 80; a; } or { s >= 40; usd >= 9000; } usd >= 18000; >\n"
    "badge Trio \"All three\" < a; b; c; >\n"
    "badge Regular < visits_last_month >= 1; sustained 2 months; >\n"
    "metric visits_last_month = count visits where day within 1 months;\n";

static tier_ruleset *ladder;
static tier_vm *vm;

static int setup(void **st) {
  (void)st;
  if (sodium_init() < 0) return -1;
  char *t = NULL;
  ladder = tu_compile(LADDER, &t);
  if (!ladder) fprintf(stderr, "%s", t);
  free(t);
  vm = ladder ? tier_vm_new(ladder, NULL) : NULL;
  return vm ? 0 : -1;
}
static int teardown(void **st) {
  (void)st;
  tier_vm_free(vm);
  tier_ruleset_free(ladder);
  return 0;
}

static const tier_result *eval(const char *json) {
  const tier_result *r = NULL;
  int rc = tier_eval_json(vm, json, strlen(json), TIER_NONE, &r);
  if (rc != TIER_OK) fprintf(stderr, "%s\n", tier_vm_error(vm));
  assert_int_equal(rc, TIER_OK);
  return r;
}

#define REC(n, s, usd, a, b, c, visits)                                                            \
  "{\"id\":\"x\",\"type\":\"member\",\"n\":" #n ",\"s\":" #s ",\"usd\":" #usd ",\"a\":" #a ",\"b\":" #b \
  ",\"c\":" #c ",\"t\":\"\",\"o\":null,\"visits\":[" visits "]}"

static void either_holds_when_one_branch_holds(void **st) {
  (void)st;
  assert_string_equal(eval(REC(10, 0, 0, false, false, false, ""))->tier, "Silver");
  assert_string_equal(eval(REC(0, 4, 0, false, false, false, ""))->tier, "Silver");
  assert_string_equal(eval(REC(0, 0, 2500, false, false, false, ""))->tier, "Silver");
  assert_string_equal(eval(REC(9, 3, 2499.99, false, false, false, ""))->tier, "Member");
  /* Gold: a path and two of three */
  assert_string_equal(eval(REC(25, 0, 0, true, false, true, ""))->tier, "Gold");
  assert_string_equal(eval(REC(25, 0, 0, true, false, false, ""))->tier, "Silver");
  /* Diamond's unnamed second branch needs both of its requirements */
  assert_string_equal(eval(REC(25, 40, 18000, true, true, true, ""))->tier, "Diamond");
  assert_string_equal(eval(REC(25, 40, 8999, true, true, true, ""))->tier, "Gold");
}

/* Every branch's failing entries, each with its branch; the cheapest
 * branch is the gap, ties going to the first written. */
static void unmet_names_branches_and_the_cheapest(void **st) {
  (void)st;
  const tier_result *r = eval(REC(12, 2, 100, true, false, false, ""));
  assert_string_equal(r->next, "Gold");
  assert_int_equal(r->nunmet, 4);
  assert_string_equal(r->unmet[0].branch, "nights");
  assert_string_equal(r->unmet[0].rule, "n >= 25"); /* the arguments written in */
  assert_string_equal(r->unmet[0].op, ">=");
  assert_true(r->unmet[0].gap); /* three branches of one requirement each: the first */
  assert_string_equal(r->unmet[1].branch, "stays");
  assert_false(r->unmet[1].gap);
  assert_string_equal(r->unmet[2].branch, "spend");
  assert_string_equal(r->unmet[2].required, "6000");
  /* at least 2 of 3 with one holding: one entry, its failing items below */
  const tier_req_result *g = &r->unmet[3];
  assert_int_equal(g->kind, TIER_ENTRY_AT_LEAST);
  assert_int_equal(g->held, 1);
  assert_int_equal(g->needed, 2);
  assert_int_equal(g->of, 3);
  assert_null(g->branch);
  assert_int_equal(g->nitems, 2);
  assert_string_equal(g->items[0].metric, "b");
  assert_true(g->items[0].gap); /* either failing item completes it: the first */
  assert_string_equal(g->items[1].metric, "c");
  assert_false(g->items[1].gap);
  /* Diamond: one requirement short on "nights", two on the second branch */
  r = eval(REC(25, 0, 0, true, true, false, ""));
  assert_string_equal(r->next, "Diamond");
  assert_int_equal(r->nunmet, 4);
  assert_true(r->unmet[0].gap);
  assert_string_equal(r->unmet[1].branch, "branch 2");
  assert_false(r->unmet[1].gap);
  assert_false(r->unmet[2].gap);
  /* with stays met, one short on each: the first written */
  r = eval(REC(25, 40, 0, true, true, false, ""));
  assert_int_equal(r->nunmet, 3);
  assert_true(r->unmet[0].gap);
  assert_false(r->unmet[1].gap);
  /* ... and with a false, "nights" is two short: the second branch is cheaper */
  r = eval(REC(25, 40, 0, false, true, true, ""));
  assert_int_equal(r->nunmet, 4);
  assert_string_equal(r->unmet[0].branch, "nights");
  assert_false(r->unmet[0].gap);
  assert_false(r->unmet[1].gap);
  assert_string_equal(r->unmet[2].branch, "branch 2");
  assert_string_equal(r->unmet[2].metric, "usd");
  assert_true(r->unmet[2].gap);
}

static void badges_are_evaluated_for_every_record(void **st) {
  (void)st;
  const tier_result *r = eval(REC(0, 0, 0, true, true, true, "{\"day\":\"2026-11-20\"},{\"day\":\"2026-10-20\"},{\"day\":\"2026-09-20\"}"));
  assert_int_equal(r->nbadges, 2);
  assert_string_equal(r->badges[0].name, "Trio");
  assert_string_equal(r->badges[0].display, "All three");
  assert_true(r->badges[0].held);
  assert_true(r->badges[1].held);
  assert_null(r->badges[1].display);
  /* the sustained clause fails at the first month without a visit */
  r = eval(REC(0, 0, 0, true, false, true, "{\"day\":\"2026-11-20\"},{\"day\":\"2026-09-20\"}"));
  assert_false(r->badges[0].held);
  assert_int_equal(r->badges[0].nunmet, 1);
  assert_string_equal(r->badges[0].unmet[0].badge, "Trio");
  assert_null(r->badges[0].unmet[0].tier);
  assert_string_equal(r->badges[0].unmet[0].metric, "b");
  assert_false(r->badges[1].held);
  assert_int_equal(r->badges[1].nunmet, 1);
  assert_int_equal(r->badges[1].unmet[0].kind, TIER_ENTRY_SUSTAINED);
  char d[11];
  tier_date_format(r->badges[1].unmet[0].checkpoint, d);
  assert_string_equal(d, "2026-10-30");
}

/* every entry of every tier and badge, groups first, their items deeper */
static void all_requirements_show_the_tree(void **st) {
  (void)st;
  tier_options opt = {.all_requirements = 1};
  tier_vm *v = tier_vm_new(ladder, &opt);
  const char *json = REC(12, 2, 100, true, false, false, "");
  const tier_result *r = NULL;
  assert_int_equal(tier_eval_json(v, json, strlen(json), TIER_NONE, &r), TIER_OK);
  /* Silver: either, 3 branches with a requirement each */
  assert_int_equal(r->reqs[0].kind, TIER_ENTRY_EITHER);
  assert_true(r->reqs[0].met);
  assert_int_equal(r->reqs[0].held, 1);
  assert_int_equal(r->reqs[1].kind, TIER_ENTRY_BRANCH);
  assert_string_equal(r->reqs[1].rule, "nights");
  assert_int_equal(r->reqs[1].depth, 1);
  assert_int_equal(r->reqs[2].kind, TIER_ENTRY_REQ);
  assert_int_equal(r->reqs[2].depth, 2);
  assert_string_equal(r->reqs[2].branch, "nights");
  assert_string_equal(r->reqs[2].rule, "n >= 10");
  size_t badge_entries = 0;
  for (size_t i = 0; i < r->nreqs; i++) badge_entries += r->reqs[i].badge != NULL;
  assert_int_equal(badge_entries, 5); /* a, b, c; visits_last_month, sustained */
  tier_vm_free(v);
}

/* a ruleset of badges only: no partner type, no tier */
static void badges_only(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile("record { id: text; pcs: int; }\nbadge Security < pcs >= 70; >\n"
                                "badge Cloud \"Microsoft Cloud\" < either { pcs >= 90; } or { pcs == 0; } >\n",
                                NULL);
  assert_non_null(rs);
  assert_int_equal(tier_ruleset_ntiers(rs), 0);
  assert_int_equal(tier_ruleset_nbadges(rs), 2);
  tier_info info;
  assert_int_equal(tier_ruleset_badge(rs, 1, &info), TIER_OK);
  assert_string_equal(info.display, "Microsoft Cloud");
  assert_int_equal(info.type_index, -1);
  tier_vm *v = tier_vm_new(rs, NULL);
  const char *json = "{\"id\":\"p\",\"pcs\":80}";
  const tier_result *r = NULL;
  assert_int_equal(tier_eval_json(v, json, strlen(json), TIER_NONE, &r), TIER_OK);
  assert_null(r->tier);
  assert_null(r->next);
  assert_null(r->type);
  assert_int_equal(r->nunmet, 0);
  assert_true(r->badges[0].held);
  assert_false(r->badges[1].held);
  assert_int_equal(r->badges[1].nunmet, 2);
  assert_string_equal(r->badges[1].unmet[0].branch, "branch 1");
  tier_vm_free(v);
  tier_ruleset_free(rs);
}

/* The ruleset's items, through the public API */
static void items_through_the_api(void **st) {
  (void)st;
  tier_info t;
  assert_int_equal(tier_ruleset_tier(ladder, 2, &t), TIER_OK); /* Gold */
  assert_int_equal(t.nitems, 2);
  tier_item_info it;
  assert_int_equal(tier_ruleset_item(ladder, t.first_item, &it), TIER_OK);
  assert_int_equal(it.kind, TIER_ITEM_EITHER);
  assert_int_equal(it.count, 3);
  assert_int_equal(it.parent, -1);
  tier_item_info br;
  assert_int_equal(tier_ruleset_item(ladder, it.first + 2, &br), TIER_OK);
  assert_int_equal(br.kind, TIER_ITEM_BRANCH);
  assert_string_equal(br.name, "spend");
  assert_int_equal(tier_ruleset_item(ladder, t.first_item + 1, &it), TIER_OK);
  assert_int_equal(it.kind, TIER_ITEM_AT_LEAST);
  assert_int_equal(it.needed, 2);
  tier_req_info q;
  assert_int_equal(tier_ruleset_req(ladder, t.first_req, &q), TIER_OK);
  assert_int_equal(q.tier_index, 2);
  assert_int_equal(q.badge_index, -1);
  tier_item_info leaf;
  assert_int_equal(tier_ruleset_item(ladder, q.item, &leaf), TIER_OK);
  assert_int_equal(leaf.kind, TIER_ITEM_REQ);
  assert_int_equal(leaf.first, t.first_req);
  assert_int_equal(tier_ruleset_item(ladder, tier_ruleset_nitems(ladder), &leaf), TIER_EUSAGE);
}

/* The rules hash stamps meaning (meaning.c): what items a tier asks and
 * the order of a group's items (the ties of the smallest change) count;
 * layout does not. */
static void rules_hash_sees_the_tree(void **st) {
  (void)st;
  const char *variants[] = {
      HEAD "tier X member < a; b; >\n",
      HEAD "tier X member < either { a; } or { b; } >\n",
      HEAD "tier X member < either { b; } or { a; } >\n",
      HEAD "tier X member < either \"A\" { a; } or { b; } >\n",
      HEAD "tier X member < at least 1 of { a; b; } >\n",
      HEAD "tier X member < at least 2 of { a; b; } >\n",
      HEAD "tier X member < a; b; >\nbadge B < c; >\n",
  };
  enum { N = sizeof variants / sizeof variants[0] };
  char hash[N][65];
  for (int i = 0; i < N; i++) {
    tier_ruleset *rs = tu_compile(variants[i], NULL);
    assert_non_null(rs);
    tier_ruleset_hash(rs, hash[i]);
    tier_ruleset_free(rs);
    for (int k = 0; k < i; k++)
      if (!strcmp(hash[i], hash[k])) fail_msg("variants %d and %d have one rules hash", k, i);
  }
  tier_ruleset *rs = tu_compile(HEAD "tier X member <\n  either {\n    a;\n  } or {\n    b;\n  }\n>\n", NULL);
  char h[65];
  tier_ruleset_hash(rs, h);
  assert_string_equal(h, hash[1]);
  tier_ruleset_free(rs);
}

/* ---- the verifier: one hand-made file per rule --------------------------------------------- */

/* The ladder ruleset as an image to edit. */
static struct image *ladder_image(void) {
  uint8_t *bc = NULL;
  size_t n = 0;
  assert_int_equal(tier_compile("test.tier", LADDER, strlen(LADDER), NULL, &bc, &n, NULL), TIER_OK);
  char err[256];
  struct image *img = NULL;
  assert_int_equal(bc_read(NULL, bc, n, NULL, &img, err, sizeof err), TIER_OK);
  tier_free_bytes(NULL, bc, n);
  return img;
}

/* Write img (as edited) and load it: it must be refused; returns why.
 * With TIER_WRITE_REGRESS=DIR the file is kept as DIR/ladder-NAME.tbc for
 * the load fuzzer's regression inputs. */
static const char *refused(struct image *img, const char *name) {
  static char err[512];
  struct buf b = {0};
  assert_int_equal(bc_write(img, false, &b), TIER_OK);
  image_free(img);
  const char *dir = getenv("TIER_WRITE_REGRESS");
  if (dir) {
    char path[512];
    snprintf(path, sizeof path, "%s/ladder-%s.tbc", dir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
      fwrite(b.p, 1, b.n, f);
      fclose(f);
    }
  }
  tier_ruleset *rs = NULL;
  err[0] = 0;
  assert_int_equal(tier_load(b.p, b.n, NULL, &rs, err, sizeof err), TIER_EBYTECODE);
  buf_free(&b);
  return err;
}

/* The first item of kind k. */
static uint32_t find_item(const struct image *img, int k) {
  for (uint32_t i = 0; i < img->nitems; i++)
    if (img->items[i].kind == k) return i;
  fail_msg("no item of kind %d", k);
  return 0;
}

static void verifier_item_rules(void **st) {
  (void)st;
  struct image *img;
  uint32_t e;

  img = ladder_image();
  img->items[find_item(img, IT_EITHER)].count = 1; /* an either of one branch */
  tu_assert_contains(refused(img, "either-one-branch"), "ladder: item 0: `either` with 1 branch");

  img = ladder_image();
  e = find_item(img, IT_ATLEAST);
  img->items[e].n = img->items[e].count + 1;
  tu_assert_contains(refused(img, "at-least-too-many"), "`at least 4 of` 3 items");

  img = ladder_image();
  img->items[find_item(img, IT_ATLEAST)].n = 0;
  tu_assert_contains(refused(img, "at-least-zero"), "`at least 0 of` 3 items");

  img = ladder_image();
  img->items[find_item(img, IT_BRANCH)].count = 0;
  tu_assert_contains(refused(img, "empty-branch"), "a branch or `at least` with no items");

  img = ladder_image();
  img->items[0].kind = 9;
  tu_assert_contains(refused(img, "unknown-kind"), "item 0: unknown kind 9");

  img = ladder_image();
  e = find_item(img, IT_EITHER);
  img->items[e].first = e; /* its own child */
  tu_assert_contains(refused(img, "child-before-parent"), "children 0..+3 out of range");

  img = ladder_image();
  e = find_item(img, IT_EITHER);
  img->items[img->items[e].first].parent = NO_ITEM; /* a branch that denies its either */
  tu_assert_contains(refused(img, "child-names-other-parent"), "its child 1 names another parent");

  img = ladder_image();
  e = find_item(img, IT_BRANCH);
  img->items[e].kind = IT_ATLEAST; /* something else inside an either */
  img->items[e].n = 1;
  tu_assert_contains(refused(img, "non-branch-in-either"), "a branch outside `either`, or something else inside it");

  img = ladder_image();
  e = find_item(img, IT_ATLEAST);
  img->items[img->items[e].first].kind = IT_BRANCH; /* a branch inside an at least */
  tu_assert_contains(refused(img, "branch-outside-either"), "a branch outside `either`, or something else inside it");

  img = ladder_image();
  e = find_item(img, IT_LEAF);
  img->items[e].first = img->nreqs - 1; /* another block's requirement */
  tu_assert_contains(refused(img, "leaf-of-other-block"), "is not one of its block's");

  img = ladder_image();
  e = find_item(img, IT_LEAF);
  img->items[e].count = 1;
  tu_assert_contains(refused(img, "leaf-with-children"), "a requirement with children");

  img = ladder_image();
  e = find_item(img, IT_ATLEAST);
  img->items[img->items[e].first + 1].first = img->items[img->items[e].first].first; /* a requirement twice */
  tu_assert_contains(refused(img, "requirement-twice"), "is the item of two places");

  img = ladder_image();
  e = find_item(img, IT_ATLEAST);
  img->items[e].label = 0; /* a name on something that is not a branch */
  tu_assert_contains(refused(img, "label-not-branch"), "label index out of range or on an item that is not a branch");

  img = ladder_image();
  img->items[find_item(img, IT_EITHER)].n = 1;
  tu_assert_contains(refused(img, "count-not-at-least"), "a count on an item that is not `at least`");

  img = ladder_image();
  img->items[find_item(img, IT_LEAF)].section = img->nstrs;
  tu_assert_contains(refused(img, "section-out-of-range"), "section index out of range");

  img = ladder_image();
  img->tiers[1].first_item = img->nitems; /* Silver's items past the table */
  tu_assert_contains(refused(img, "block-items-out-of-range"), "block 1: items");

  img = ladder_image();
  img->tiers[2].nitems = 1; /* Gold without its at least: an orphan and its requirements */
  tu_assert_contains(refused(img, "orphan-item"), "belongs to no block");

  img = ladder_image();
  img->items[img->tiers[1].first_item].parent = 0; /* a top-level item with a parent */
  tu_assert_contains(refused(img, "top-item-with-parent"), "block 1: its item");

  img = ladder_image();
  img->badges[0].time = TC_SUSTAINED;
  img->badges[0].time_n = 121;
  tu_assert_contains(refused(img, "badge-sustained"), "ladder: badge 0: time clause of 121 (limit 120)");

  img = ladder_image();
  img->badges[0].time = TC_ANY_DAYS;
  img->badges[0].time_n = 367; /* daily checkpoints: at most 366 */
  tu_assert_contains(refused(img, "badge-days"), "ladder: badge 0: time clause of 367 (limit 366)");

  img = ladder_image();
  img->tiers[0].time = TC_ANY_CALMONTHS;
  img->tiers[0].time_n = 0;
  tu_assert_contains(refused(img, "tier-calendar-zero"), "tiers: tier 0: time clause of 0 (limit 11)");

  img = ladder_image();
  img->tiers[1].time = TC_KINDS;
  img->tiers[1].time_n = 1;
  tu_assert_contains(refused(img, "tier-time-kind"), "tiers: tier 1: time clause kind 5 unknown");

  img = ladder_image();
  img->badges[1].time = TC_NONE;
  img->badges[1].time_n = 3; /* a window without a clause */
  tu_assert_contains(refused(img, "badge-no-clause"), "ladder: badge 1: time clause of 3 (limit 0)");

  img = ladder_image();
  img->badges[1].first_req--; /* overlapping the badge before it */
  tu_assert_contains(refused(img, "badge-requirements"), "ladder: badge 1: requirement range out of bounds");

  img = ladder_image();
  img->badges[0].display = img->nstrs + 1;
  tu_assert_contains(refused(img, "badge-name"), "ladder: badge 0: name index out of range");
}

/* Items nested deeper than any compiler output: a chain of at least 1 of
 * one item, ten deep, around Silver's either. */
static void verifier_depth_rule(void **st) {
  (void)st;
  struct image *img = ladder_image();
  enum { EXTRA = ITEM_DEPTH };
  struct img_item *items = arena_alloc(&img->ar, sizeof *items * (img->nitems + EXTRA));
  /* the chain first (items 0..EXTRA-1), then the old table shifted */
  for (uint32_t i = 0; i < img->nitems; i++) {
    items[EXTRA + i] = img->items[i];
    if (items[EXTRA + i].kind != IT_LEAF) items[EXTRA + i].first += EXTRA;
    if (items[EXTRA + i].parent != NO_ITEM) items[EXTRA + i].parent += EXTRA;
  }
  const struct img_tier *silver = &img->tiers[1];
  for (uint32_t k = 0; k < EXTRA; k++)
    items[k] = (struct img_item){IT_ATLEAST, k ? k - 1 : NO_ITEM, k + 1, 1, 1, NO_STR, NO_STR};
  items[EXTRA - 1].first = EXTRA + silver->first_item; /* the last holds Silver's either */
  items[EXTRA + silver->first_item].parent = EXTRA - 1;
  for (uint32_t b = 0; b < img->ntiers + img->nbadges; b++) ((struct img_tier *)img_block(img, b))->first_item += EXTRA;
  img->tiers[1].first_item = 0;
  img->items = items;
  img->nitems += EXTRA;
  tu_assert_contains(refused(img, "too-deep"), "is nested more than 9 items deep");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(either_mistakes),
      cmocka_unit_test(at_least_mistakes),
      cmocka_unit_test(block_mistakes),
      cmocka_unit_test(expansion_is_bounded),
      cmocka_unit_test(long_chains_are_walked),
      cmocka_unit_test(badge_mistakes),
      cmocka_unit_test(either_holds_when_one_branch_holds),
      cmocka_unit_test(unmet_names_branches_and_the_cheapest),
      cmocka_unit_test(badges_are_evaluated_for_every_record),
      cmocka_unit_test(all_requirements_show_the_tree),
      cmocka_unit_test(badges_only),
      cmocka_unit_test(items_through_the_api),
      cmocka_unit_test(rules_hash_sees_the_tree),
      cmocka_unit_test(verifier_item_rules),
      cmocka_unit_test(verifier_depth_rule),
  };
  return cmocka_run_group_tests_name("ladder", tests, setup, teardown);
}
