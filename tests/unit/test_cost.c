/*
 * test_cost.c - the cost bound bounds work: the driver's own steps (runs of
 * the metric block and requirements, tier visits, checkpoints) stay within
 * the bound the verifier computes and grow as the bound does, and so does
 * a record's memory; a schema whose items would take more than the
 * documented memory is refused.  (Counted work, never time.)
 */
#include "testutil.h"
#include "score.h"

/* What the bound says one record may cost: base + per[l] x len(l). */
static uint64_t bound_of(const tier_vm *vm) {
  const struct image *img = vm->rs->img;
  uint64_t c = img->cost_base + vm->rs->cost_gap;
  for (uint32_t l = 0; l < img->nlists; l++) c += img->cost_per[l] * vm->rec.lists[l].n;
  return c;
}

/* n tiers of one type, each `sustained 120 months` and empty but the first
 * (n_items >= 0): the shape that cost tiers^2 x months driver steps while
 * the bound counted no instruction for it (cases/hardening). */
static char *sustained_ladder(int n) {
  size_t cap = 256 + 64 * (size_t)n, at = 0;
  char *s = malloc(cap);
  at += (size_t)snprintf(s + at, cap - at,
                         "enum kind { a }\nrecord r { id: text; partner k: kind; items: list { n: int; } }\n"
                         "metric c = count items;\n");
  for (int t = 0; t < n; t++) at += (size_t)snprintf(s + at, cap - at, "tier T%d a < sustained 120 months; c >= 0; >\n", t);
  return s;
}

static uint64_t driver_steps(int ntiers, uint64_t *bound) {
  char *src = sustained_ladder(ntiers);
  tier_ruleset *rs = tu_compile_ok(src);
  free(src);
  tier_vm *vm = tu_vm(rs, NULL);
  const char *rec = "{\"id\":\"x\",\"k\":\"a\",\"items\":[{\"n\":1},{\"n\":2}]}";
  const tier_result *res = tu_eval(vm, rec, "2019-12-13");
  char want[16];
  snprintf(want, sizeof want, "T%d", ntiers - 1); /* every tier holds, sustained */
  assert_string_equal(res->tier, want);
  uint64_t steps = vm->steps;
  *bound = bound_of(vm);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  return steps;
}

static void sustained_tiers_cost_linear_work(void **st) {
  (void)st;
  uint64_t b1, b2;
  uint64_t s1 = driver_steps(100, &b1), s2 = driver_steps(200, &b2);
  double ratio = (double)s2 / (double)s1;
  fprintf(stderr, "driver steps: %llu for 100 sustained tiers, %llu for 200 (x%.2f); bounds %llu, %llu\n",
          (unsigned long long)s1, (unsigned long long)s2, ratio, (unsigned long long)b1, (unsigned long long)b2);
  assert_true(ratio > 1.8 && ratio < 2.2); /* tiers^2 would be x4 */
  assert_true(s1 <= b1 && s2 <= b2);
  double bratio = (double)b2 / (double)b1;
  assert_true(bratio > 1.8 && bratio < 2.2); /* the bound grows as the work does */
}

/* Badges stand alone: each sustained badge has its own checkpoints, so n
 * badges of 120 months cost n x 120 runs -- and the bound, which counts
 * each badge's months, covers them, with either and at least inside. */
static void sustained_badges_within_bound(void **st) {
  (void)st;
  size_t cap = 4096 + 160 * 60, at = 0;
  char *src = malloc(cap);
  at += (size_t)snprintf(src + at, cap - at,
                         "enum kind { a }\nrecord r { id: text; partner k: kind; items: list { n: int; } }\n"
                         "metric c = count items;\ntier T a < c >= 0; sustained 120 months; >\n");
  for (int b = 0; b < 60; b++)
    at += (size_t)snprintf(src + at, cap - at,
                           "badge B%d < either { c >= 5; } or { at least 1 of { c >= 1; c >= 2; } } sustained 120 months; >\n", b);
  tier_ruleset *rs = tu_compile_ok(src);
  free(src);
  tier_vm *vm = tu_vm(rs, NULL);
  const char *rec = "{\"id\":\"x\",\"k\":\"a\",\"items\":[{\"n\":1},{\"n\":2}]}";
  const tier_result *res = tu_eval(vm, rec, "2019-12-13");
  assert_string_equal(res->tier, "T");
  assert_int_equal(res->nbadges, 60);
  for (size_t b = 0; b < res->nbadges; b++) assert_true(res->badges[b].held);
  uint64_t bound = bound_of(vm);
  fprintf(stderr, "60 sustained badges: %llu driver steps, bound %llu\n", (unsigned long long)vm->steps,
          (unsigned long long)bound);
  assert_true(vm->steps >= 60 * 120); /* every badge's checkpoints ran */
  assert_true(vm->steps <= bound);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* Driver steps of one record against n badges (or n tiers of one ladder),
 * block i `at any checkpoint within 366 days` on its own metric m_i (n
 * metrics in all), none ever met, so every clause walks all 366 days:
 * with each block walking its own clause, every day of every block ran all
 * n metrics (n^2 x 366); blocks that share a clause walk it together (vm.c,
 * shared_clause). */
static uint64_t clause_steps(int n, bool tiers, uint64_t *bound) {
  size_t cap = 256 + 96 * (size_t)n, at = 0;
  char *src = malloc(cap);
  at +=
      (size_t)snprintf(src + at, cap - at, "enum kind { a }\nrecord r { id: text; partner k: kind; n: int; }\nmetric m0 = n;\n");
  for (int i = 1; i < n; i++) at += (size_t)snprintf(src + at, cap - at, "metric m%d = m%d + n;\n", i, i - 1);
  for (int i = 0; i < n; i++)
    at += (size_t)snprintf(src + at, cap - at, "%s%d %s< m%d >= 1000000; at any checkpoint within 366 days; >\n",
                           tiers ? "tier T" : "badge B", i, tiers ? "a " : "", i);
  tier_ruleset *rs = tu_compile_ok(src);
  free(src);
  tier_vm *vm = tu_vm(rs, NULL);
  const char *rec = "{\"id\":\"x\",\"k\":\"a\",\"n\":1}";
  const tier_result *res = tu_eval(vm, rec, "2019-12-13");
  assert_null(res->tier);
  assert_int_equal(res->nbadges, tiers ? 0 : n);
  for (size_t b = 0; b < res->nbadges; b++) assert_false(res->badges[b].held);
  uint64_t steps = vm->steps;
  *bound = bound_of(vm);
  assert_true(steps <= *bound);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  return steps;
}

static void blocks_share_their_clause(void **st) {
  (void)st;
  for (int tiers = 0; tiers <= 1; tiers++) {
    uint64_t b1, b2;
    uint64_t s1 = clause_steps(100, tiers, &b1), s2 = clause_steps(200, tiers, &b2);
    double ratio = (double)s2 / (double)s1;
    fprintf(stderr, "driver steps: %llu for 100 %s of one clause, %llu for 200 (x%.2f); bounds %llu, %llu\n",
            (unsigned long long)s1, tiers ? "tiers" : "badges", (unsigned long long)s2, ratio, (unsigned long long)b1,
            (unsigned long long)b2);
    assert_true(ratio > 1.8 && ratio < 2.3); /* x4 when each walked its own days */
  }
}

/* What one badge gives for a record: held, and for a badge not held the
 * checkpoint its time clause failed at (its last unmet entry's). */
struct badge_out {
  int held;
  int64_t checkpoint;
};

static void badges_of(const char *src, const char *rec, struct badge_out *out, size_t n) {
  tier_ruleset *rs = tu_compile_ok(src);
  tier_vm *vm = tu_vm(rs, NULL);
  const tier_result *res = tu_eval(vm, rec, "2019-12-13");
  assert_int_equal(res->nbadges, n);
  for (size_t b = 0; b < n; b++) {
    const tier_badge_result *B = &res->badges[b];
    out[b].held = B->held;
    out[b].checkpoint = B->nunmet ? B->unmet[B->nunmet - 1].checkpoint : 0;
  }
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* Badges that walk a clause together end as each would alone: eight
 * badges, four on `at any checkpoint within 60 days` and four on
 * `sustained 3 months`, with thresholds 1 to 4 on visits in the last 30
 * days, some deciding at the evaluation date, some at a checkpoint, some
 * never; each compared with the same badge in a ruleset of its own. */
static void shared_clause_decides_as_alone(void **st) {
  (void)st;
  static const char head[] = "enum kind { a }\nrecord r { id: text; partner k: kind; visits: list { day: date; } }\n"
                             "metric recent = count visits where day within 30 days;\n";
  static const char *clause[] = {"at any checkpoint within 60 days", "sustained 3 months"};
  const char *rec = "{\"id\":\"x\",\"k\":\"a\",\"visits\":[{\"day\":\"2019-12-01\"},{\"day\":\"2019-11-01\"},"
                    "{\"day\":\"2019-10-28\"},{\"day\":\"2019-10-27\"},{\"day\":\"2019-09-10\"},"
                    "{\"day\":\"2019-09-05\"}]}";
  char all[2048], one[512];
  size_t at = (size_t)snprintf(all, sizeof all, "%s", head);
  for (int c = 0; c < 2; c++)
    for (int k = 1; k <= 4; k++)
      at += (size_t)snprintf(all + at, sizeof all - at, "badge B%d_%d < recent >= %d; %s; >\n", c, k, k, clause[c]);
  struct badge_out together[8], alone[1];
  badges_of(all, rec, together, 8);
  int held = 0;
  for (int c = 0, b = 0; c < 2; c++)
    for (int k = 1; k <= 4; k++, b++) {
      snprintf(one, sizeof one, "%sbadge B%d_%d < recent >= %d; %s; >\n", head, c, k, k, clause[c]);
      badges_of(one, rec, alone, 1);
      assert_int_equal(together[b].held, alone[0].held);
      assert_int_equal(together[b].checkpoint, alone[0].checkpoint);
      held += together[b].held;
    }
  assert_true(held > 0 && held < 8); /* the record decides some each way */
}

/* Tiers whose sustained clauses all fail at one checkpoint: the result
 * says what failed there for each (every requirement listed), from one run
 * at that date, so the work stays within the bound, which counts one run
 * per shared checkpoint date, not one per tier. */
static void failing_sustained_tiers_within_bound(void **st) {
  (void)st;
  int n = 200;
  size_t cap = 512 + 80 * (size_t)n, at = 0;
  char *src = malloc(cap);
  at += (size_t)snprintf(src + at, cap - at,
                         "enum kind { a }\nrecord r { id: text; partner k: kind; since: date; }\n");
  for (int t = 0; t < n; t++)
    at += (size_t)snprintf(src + at, cap - at, "tier T%d a < since <= asof - 0 days; sustained 2 months; >\n", t);
  tier_ruleset *rs = tu_compile_ok(src);
  free(src);
  tier_options o = {0};
  o.all_requirements = 1;
  tier_vm *vm = tu_vm(rs, &o);
  /* since 2019-12-01: holds at 2019-12-13, fails at the checkpoint 2019-11-13 */
  const char *rec = "{\"id\":\"x\",\"k\":\"a\",\"since\":\"2019-12-01\"}";
  const tier_result *res = tu_eval(vm, rec, "2019-12-13");
  assert_null(res->tier);
  size_t described = 0;
  for (size_t i = 0; i < res->nreqs; i++)
    if (res->reqs[i].kind == TIER_ENTRY_SUSTAINED) {
      assert_false(res->reqs[i].met);
      described += res->reqs[i].nitems > 0;
    }
  assert_int_equal(described, n); /* every clause says what failed at its checkpoint */
  uint64_t bound = bound_of(vm);
  fprintf(stderr, "%d failing sustained tiers: %llu driver steps, bound %llu\n", n, (unsigned long long)vm->steps,
          (unsigned long long)bound);
  assert_true(vm->steps <= bound);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* ---- memory -------------------------------------------------------------------------- */

struct counting { size_t live, peak; };
static void *counting_alloc(void *ud, void *p, size_t o, size_t n) {
  struct counting *c = ud;
  if (n == 0) {
    free(p);
    c->live -= o;
    return NULL;
  }
  void *q = realloc(p, n);
  if (!q) return NULL;
  c->live += n - o;
  if (c->live > c->peak) c->peak = c->live;
  return q;
}

/* A record's memory is within 8 bytes per step of its bound, plus its
 * text: a record of 20,000 items, in a ruleset whose sets and items are
 * as large as the compiler makes them. */
static void record_memory_within_bound(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile_ok("enum kind { a }\n"
                                   "record r { id: text; partner k: kind; items: list { who: text; n: int; m: int; } }\n"
                                   "metric d = count distinct who in items;\n"
                                   "metric e = count distinct n in items;\n"
                                   "tier T a < d >= 1; e >= 1; >\n");
  struct counting c = {0, 0};
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  opt.alloc = counting_alloc;
  opt.alloc_ud = &c;
  tier_vm *vm = tu_vm(rs, &opt);
  size_t cap = 64 + 40 * 20000, at = 0;
  char *rec = malloc(cap);
  at += (size_t)snprintf(rec + at, cap - at, "{\"id\":\"x\",\"k\":\"a\",\"items\":[");
  for (int i = 0; i < 20000; i++) at += (size_t)snprintf(rec + at, cap - at, "%s{\"who\":\"p%d\",\"n\":%d,\"m\":0}", i ? "," : "", i % 977, i);
  at += (size_t)snprintf(rec + at, cap - at, "]}");
  const tier_result *res;
  size_t before = c.live;
  assert_int_equal(tu_eval_rc(vm, rec, at, "2019-12-13", &res), TIER_OK);
  assert_string_equal(res->tier, "T");
  size_t grown = c.peak - before;
  uint64_t bound = bound_of(vm);
  fprintf(stderr, "record memory: %zu bytes for a %zu-byte record, bound %llu steps (x8 = %llu bytes)\n", grown, at,
          (unsigned long long)bound, (unsigned long long)(8 * bound));
  assert_true(grown <= 8 * bound + 8 * at);
  free(rec);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* --max-cost (tier_options.max_cost) stops a record as its lists are read,
 * before their items take memory: a 100,000-item record over a budget of
 * 1,000 steps costs its text and little more (its items would take 3.2 MB). */
static void budget_before_memory(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile_ok("enum kind { a }\n"
                                   "record r { id: text; partner k: kind; items: list { a: int; b: int?; c: int?; d: int?; } }\n"
                                   "metric c = count items;\n"
                                   "tier T a < c >= 1; >\n");
  struct counting c = {0, 0};
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  opt.alloc = counting_alloc;
  opt.alloc_ud = &c;
  opt.max_cost = 1000;
  tier_vm *vm = tu_vm(rs, &opt);
  size_t cap = 64 + 16 * 100000, at = 0;
  char *rec = malloc(cap);
  at += (size_t)snprintf(rec + at, cap - at, "{\"id\":\"x\",\"k\":\"a\",\"items\":[");
  for (int i = 0; i < 100000; i++) at += (size_t)snprintf(rec + at, cap - at, "%s{\"a\":1}", i ? "," : "");
  at += (size_t)snprintf(rec + at, cap - at, "]}");
  const tier_result *res;
  size_t before = c.live;
  assert_int_equal(tu_eval_rc(vm, rec, at, NULL, &res), TIER_EBUDGET);
  tu_assert_contains(tier_vm_error(vm), "over the budget of 1000");
  assert_string_equal(tier_vm_record_id(vm), "x");
  size_t grown = c.peak - before;
  fprintf(stderr, "over budget: %zu bytes for a %zu-byte record (its items would take %zu)\n", grown, at,
          (size_t)100000 * 4 * 8);
  assert_true(grown < 2 * at + 65536); /* the text, in a buffer grown by doubling */
  free(rec);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* One evaluation of a record against a score requirement it does not
 * meet: its need, the gap's runs, the driver's steps and the bound; with
 * max_cost, TIER_EBUDGET or TIER_OK. */
struct gap_run {
  char need[512];
  uint64_t runs, steps, bound;
  int rc;
};
static struct gap_run gap_eval_of(tier_ruleset *rs, const char *rec, int all, uint64_t max_cost) {
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  opt.all_requirements = all;
  opt.max_cost = max_cost;
  tier_vm *vm = tu_vm(rs, &opt);
  const tier_result *res;
  struct gap_run g = {.rc = tu_eval_rc(vm, rec, strlen(rec), NULL, &res)};
  if (g.rc == TIER_OK) snprintf(g.need, sizeof g.need, "%s", res->unmet[0].need);
  g.runs = vm->gap_runs;
  g.steps = vm->steps;
  g.bound = g.rc == TIER_OK ? bound_of(vm) : 0;
  tier_vm_free(vm);
  return g;
}
static struct gap_run gap_eval(tier_ruleset *rs, int all, uint64_t max_cost) {
  return gap_eval_of(rs, "{\"id\":\"x\",\"k\":\"a\",\"wins\":3,\"certified\":1}", all, max_cost);
}

/* The smallest change of a score (whatif.c) runs the score's code and the
 * requirement's about a hundred times per input, for each unmet
 * requirement on a score: that work was outside the cost bound, so
 * --max-cost did not bound it.  The bound now counts it (rs->cost_gap):
 * the steps, runs included, stay within it, and a budget of the bound
 * without it refuses the record.  A requirement described twice (the next
 * tier's entry and every requirement) is searched once. */
static void gap_search_within_bound(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile_ok("enum kind { a }\n"
                                   "record r { id: text; partner k: kind; wins: int; certified: int; }\n"
                                   "metric points = wins + certified * 5;\n"
                                   "tier T a < points >= 40; >\n");
  struct gap_run one = gap_eval(rs, 0, 0), all = gap_eval(rs, 1, 0);
  fprintf(stderr, "gap search: %llu runs, %llu steps, bound %llu (%llu of it the search's)\n", (unsigned long long)one.runs,
          (unsigned long long)one.steps, (unsigned long long)one.bound, (unsigned long long)rs->cost_gap);
  assert_int_equal(one.rc, TIER_OK);
  assert_string_equal(one.need, "+7 certified or +32 wins");
  assert_true(one.runs >= 20 && one.runs <= 2 * SCORE_RUNS_PER_INPUT);
  assert_int_equal(all.runs, one.runs); /* described twice, searched once */
  assert_true(one.steps <= one.bound);
  assert_true(rs->cost_gap >= one.runs * (rs->scores[rs->img->reqs[0].metric].len + 5));
  struct gap_run refused = gap_eval(rs, 0, rs->img->cost_base); /* the bound less the search */
  assert_int_equal(refused.rc, TIER_EBUDGET);
  assert_int_equal(refused.runs, 0);
  struct gap_run within = gap_eval(rs, 0, one.bound);
  assert_int_equal(within.rc, TIER_OK);
  tier_ruleset_free(rs);
}

/* A compared formula call whose input is a count over a list (issue 18
 * item 8, the Microsoft example's `pcs(a, s)`): its gap names the count's
 * smallest increase, `+3 won_deals(100)`, where it said the value the call
 * must reach.  The search runs the requirement's explain code with the
 * count read from a register, not the list: its runs are few (up only,
 * at most 41 + 40), once however often the requirement is described, and
 * within the bound, which counts them (a budget without them refuses the
 * record). */
static void count_search_within_bound(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile("enum kind { a }\n"
                                "record r { id: text; partner k: kind; deals: list { won: bool; amount: money; } }\n"
                                "formula won_deals(least: money) = count deals where won and amount >= least;\n"
                                "formula points(n: int) = min(n * 10, 50);\n"
                                "tier T a < points(won_deals(100)) >= 40; >\n",
                                NULL);
  assert_non_null(rs);
  const char *rec = "{\"id\":\"x\",\"k\":\"a\",\"deals\":[{\"won\":true,\"amount\":150},{\"won\":false,\"amount\":500},"
                    "{\"won\":true,\"amount\":20}]}";
  struct gap_run one = gap_eval_of(rs, rec, 0, 0), all = gap_eval_of(rs, rec, 1, 0);
  fprintf(stderr, "count search: %llu runs, %llu steps, bound %llu (%llu of it the search's)\n", (unsigned long long)one.runs,
          (unsigned long long)one.steps, (unsigned long long)one.bound, (unsigned long long)rs->cost_gap);
  assert_int_equal(one.rc, TIER_OK);
  assert_string_equal(one.need, "+3 won_deals(100)");
  assert_true(rs->req_scores[0].agg && rs->req_scores[0].n == 1);
  assert_true(one.runs >= 3 && one.runs <= 41 + 40);
  assert_int_equal(all.runs, one.runs); /* described twice, searched once */
  assert_true(one.steps <= one.bound);
  assert_true(rs->cost_gap >= (uint64_t)SCORE_RUNS_PER_INPUT * (rs->req_scores[0].len + 5));
  struct gap_run refused = gap_eval_of(rs, rec, 0, one.bound - rs->cost_gap); /* the bound less the search */
  assert_int_equal(refused.rc, TIER_EBUDGET);
  assert_int_equal(refused.runs, 0);
  assert_int_equal(gap_eval_of(rs, rec, 0, one.bound).rc, TIER_OK);
  tier_ruleset_free(rs);
}

/* A crafted file whose requirements share one explain code (c6ddac5,
 * agg_inputs' check of each copy against rs->callcode's room): the
 * compiler gives each requirement its own, so the copies the count
 * searches make fit in a room of the whole code; a file that points K
 * requirements at one explain code would ask for K copies.  The loader
 * refuses it before any copy: no two segments share an instruction
 * (verify.c check_segment), the rule that makes agg_inputs' check a
 * second line.  With that rule removed the file loads (this test fails),
 * and agg_inputs' check is what bounds the copies. */
static void shared_explain_code_refused(void **st) {
  (void)st;
  enum { K = 24 };
  char src[2048];
  size_t at = (size_t)snprintf(src, sizeof src,
                               "enum kind { a }\n"
                               "record r { id: text; partner k: kind; m: int; deals: list { won: bool; amount: money; } }\n"
                               "formula won_deals(least: money) = count deals where won and amount >= least;\n"
                               "formula points(n: int) = min(n * 10, 50);\n"
                               "tier T a < points(won_deals(100)) >= 40;");
  for (int k = 1; k <= K; k++) at += (size_t)snprintf(src + at, sizeof src - at, " m >= %d;", k);
  snprintf(src + at, sizeof src - at, " >\n");
  uint8_t *bc = NULL;
  size_t n = 0;
  tier_diags *d = NULL;
  assert_int_equal(tier_compile("shared.tier", src, strlen(src), NULL, &bc, &n, &d), TIER_OK);
  tier_diags_free(d);
  char err[256];
  struct image *img = NULL;
  assert_int_equal(bc_read(NULL, bc, n, NULL, &img, err, sizeof err), TIER_OK);
  tier_free_bytes(NULL, bc, n);
  assert_int_equal(img->nreqs, K + 1);
  assert_true(img->reqs[0].xcode != NO_STR);
  /* each requirement given requirement 0's explain code, and traces of
   * its own (the table is filled one requirement after the other) */
  const struct img_req *r0 = &img->reqs[0];
  uint32_t xn = r0->xn;
  assert_true(r0->xfirst == 0 && img->ntraces == xn);
  struct img_trace *t = arena_alloc(&img->ar, sizeof *t * xn * (K + 1));
  assert_non_null(t);
  for (uint32_t q = 0; q <= K; q++) memcpy(t + q * xn, img->traces, sizeof *t * xn);
  img->traces = t;
  img->ntraces = xn * (K + 1);
  for (uint32_t q = 1; q <= K; q++) {
    struct img_req *r = &img->reqs[q];
    assert_int_equal(r->xcode, NO_STR);
    r->xcode = r0->xcode;
    r->xfirst = q * xn;
    r->xn = xn;
    r->xvalue = r0->xvalue;
    r->xthreshold = r0->xthreshold;
    r->xcmp = r0->xcmp;
  }
  img->cost_base = UINT64_MAX / 4; /* a claim that cannot be too low */
  for (uint32_t l = 0; l < img->nlists; l++) img->cost_per[l] = UINT64_MAX / 4;
  struct buf b = {0};
  assert_int_equal(bc_write(img, false, &b), TIER_OK);
  image_free(img);
  tier_ruleset *rs = NULL;
  int rc = tier_load(b.p, b.n, NULL, &rs, err, sizeof err);
  buf_free(&b);
  assert_int_equal(rc, TIER_EBYTECODE);
  assert_null(rs);
  assert_string_equal(err, "code at offset 64: explain code of requirement 1 shares code with another segment");
}

/* n badges, each `sustained 12 months` on its own metric (a chain of n
 * metrics over a count that was 0 before June 2019): at 2019-12-13 every
 * badge's clause failed at the same earlier checkpoint, and each badge's
 * entry lists its requirement there.  The driver's steps. */
static uint64_t failing_badges_steps(int n, uint64_t *bound) {
  size_t cap = 256 + 96 * (size_t)n, at = 0;
  char *src = malloc(cap);
  at += (size_t)snprintf(src + at, cap - at,
                         "enum kind { a }\nrecord r { id: text; partner k: kind; items: list { d: date; } }\n"
                         "metric m0 = count items where d <= asof;\n");
  for (int i = 1; i < n; i++) at += (size_t)snprintf(src + at, cap - at, "metric m%d = m%d + 0;\n", i, i - 1);
  for (int i = 0; i < n; i++) at += (size_t)snprintf(src + at, cap - at, "badge B%d < m%d >= 1; sustained 12 months; >\n", i, i);
  tier_ruleset *rs = tu_compile_ok(src);
  free(src);
  tier_vm *vm = tu_vm(rs, NULL);
  const char *rec = "{\"id\":\"x\",\"k\":\"a\",\"items\":[{\"d\":\"2019-06-01\"}]}";
  const tier_result *res = tu_eval(vm, rec, "2019-12-13");
  assert_int_equal(res->nbadges, n);
  for (int b = 0; b < n; b++) {
    const tier_badge_result *o = &res->badges[b];
    char want[32];
    snprintf(want, sizeof want, "m%d >= 1", b);
    assert_false(o->held);
    assert_int_equal(o->nunmet, 1);
    assert_int_equal(o->unmet[0].kind, TIER_ENTRY_SUSTAINED);
    assert_int_equal(o->unmet[0].nitems, 1); /* what failed at that checkpoint */
    assert_string_equal(o->unmet[0].items[0].rule, want);
  }
  uint64_t steps = vm->steps;
  *bound = bound_of(vm);
  assert_true(steps <= *bound);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  return steps;
}

/* Badges whose sustained clauses fail at one checkpoint: the result ran the
 * metric block again there for each badge (badges x metrics); it runs it
 * once per checkpoint date now, so doubling the badges and the metrics
 * about doubles the driver's steps. */
static void failing_badges_share_a_run(void **st) {
  (void)st;
  uint64_t b1, b2, s1 = failing_badges_steps(100, &b1), s2 = failing_badges_steps(200, &b2);
  fprintf(stderr, "failing sustained badges: 100 and 200, %llu and %llu driver steps (x%.2f), bounds %llu and %llu\n",
          (unsigned long long)s1, (unsigned long long)s2, (double)s2 / (double)s1, (unsigned long long)b1,
          (unsigned long long)b2);
  assert_true(s2 * 10 <= s1 * 25); /* x4 when each badge ran the metric block */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sustained_tiers_cost_linear_work),
      cmocka_unit_test(sustained_badges_within_bound),
      cmocka_unit_test(blocks_share_their_clause),
      cmocka_unit_test(shared_clause_decides_as_alone),
      cmocka_unit_test(failing_sustained_tiers_within_bound),
      cmocka_unit_test(record_memory_within_bound),
      cmocka_unit_test(budget_before_memory),
      cmocka_unit_test(gap_search_within_bound),
      cmocka_unit_test(count_search_within_bound),
      cmocka_unit_test(shared_explain_code_refused),
      cmocka_unit_test(failing_badges_share_a_run),
  };
  return cmocka_run_group_tests_name("cost", tests, NULL, NULL);
}
