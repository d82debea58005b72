/*
 * test_fuse.c - what the VM makes of verified code when it loads it
 * (src/vm.c): fused instructions (fuse: rs->run is rs->code with the
 * commonest runs of two or three instructions each turned into one) and
 * simple requirements (a register and a constant, computed without
 * vm_run).  Both change how much work the VM does and nothing else: every
 * metric of every record, missing values included, is the same run from
 * the fused code as from the code as written, and every requirement has
 * the outcome its code gives.  (A fused instruction counts as the ones it
 * runs under TIER_COUNT_STEPS, and a simple requirement as its code's, so
 * the differential test's check of the cost bound sees the same steps.)
 */
#include "testutil.h"
#include "record.h"

/* One filter of each of the six comparisons on an item field: the loop
 * compiles each to ITEM; JNxxK_I. */
static const char *RULES = "enum kind { c }\n"
                           "enum lvl { a, b, d }\n"
                           "record { id: text; partner type: kind; xs: list { n: int?; l: lvl; }; }\n"
                           "metric eq = count xs where l == b;\n"
                           "metric ne = count xs where l != b;\n"
                           "metric lt = count xs where n < 5;\n"
                           "metric le = count xs where n <= 5;\n"
                           "metric gt = count xs where n > 5;\n"
                           "metric ge = count xs where n >= 5;\n"
                           "tier T c < eq >= 1; ne >= 1; lt >= 1; le >= 1; gt >= 1; ge >= 1; >\n";

/* The metrics of record json, run from `code` (rs->run or rs->code).
 * rs->run's loops run at once (OP_LOOPK) are run from their instructions
 * here, so that the fused ones run (test_loopk has the loops). */
static void metrics(tier_ruleset *rs, struct vinsn *code, const char *json, int64_t *out) {
  tier_vm *vm = tier_vm_new(rs, NULL);
  assert_non_null(vm);
  struct vinsn *run = rs->run;
  uint32_t n = rs->insn_at[rs->img->codelen];
  struct vinsn *own = malloc(sizeof *own * (n + 1));
  assert_non_null(own);
  memcpy(own, code, sizeof *own * (n + 1));
  for (uint32_t i = 0; i < n; i++)
    if (own[i].op == OP_LOOPK) own[i] = rs->code[i];
  rs->run = own;
  struct record rec;
  assert_int_equal(rec_parse(vm, json, strlen(json), &rec), TIER_OK);
  assert_int_equal(vm_evaluate(vm, &rec, TIER_NONE), TIER_OK);
  memcpy(out, vm->regs, sizeof *out * rs->img->nmetrics);
  rs->run = run;
  free(own);
  tier_vm_free(vm);
}

static void fused_runs_as_written(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile(RULES, NULL);
  assert_non_null(rs);
  /* it fused: one of each of the six kinds, and each metric's start (PUSH
   * 0; SETMETRIC) */
  int kinds = 0, starts = 0;
  for (uint32_t i = 0; rs->code[i].op != OP_END; i++) {
    starts += rs->run[i].op == OP_PUSH_SETMETRIC;
    kinds += rs->run[i].op != rs->code[i].op && rs->run[i].op != OP_LOOPK && rs->run[i].op != OP_PUSH_SETMETRIC;
  }
  assert_int_equal(kinds, 6);
  assert_int_equal(starts, 6);
  /* four records, by their list items: none; one; four with a missing n;
   * two with missing n */
  static const char *const items[] = {
      "",
      "{\"n\":5,\"l\":\"b\"}",
      "{\"n\":null,\"l\":\"a\"},{\"n\":4,\"l\":\"b\"},{\"n\":6,\"l\":\"d\"},{\"n\":-9,\"l\":\"b\"}",
      "{\"n\":null,\"l\":\"d\"},{\"n\":null,\"l\":\"b\"}",
  };
  static const int64_t want[][6] = {{0, 0, 0, 0, 0, 0}, {1, 0, 0, 1, 0, 1}, {2, 2, 2, 2, 1, 1}, {1, 1, 0, 0, 0, 0}};
  for (size_t k = 0; k < sizeof items / sizeof items[0]; k++) {
    char rec[256];
    snprintf(rec, sizeof rec, "{\"id\":\"r\",\"type\":\"c\",\"xs\":[%s]}", items[k]);
    int64_t fused[6], written[6];
    metrics(rs, rs->run, rec, fused);
    metrics(rs, rs->code, rec, written);
    assert_memory_equal(fused, want[k], sizeof fused);
    assert_memory_equal(written, want[k], sizeof written);
  }
  tier_ruleset_free(rs);
}

/* Every other run fuse() fuses: an item field compared with a constant
 * (six), an item's date with the evaluation date (six), a date in a
 * window, a text into a distinct set, an item metric set and then tested
 * (w: the last set, the first tested), a filter on an item field after one
 * on an item metric (six), a missing value or another test, an enum field
 * in a set, a bool field as a filter. */
static const char *RUNS =
    "enum kind { c }\n"
    "enum lvl { a, b, d }\n"
    "record { id: text; partner type: kind; xs: list { n: int?; l: lvl; who: text; at: date?; f: bool; }; }\n"
    "review = 2020-01-01;\n"
    "metric k for xs = n == 5 or n != 7 and (n < 1 or n <= 2 or n > 8 or n >= 9);\n"
    "metric t for xs = at == asof or at != asof and (at < asof or at <= asof);\n"
    "metric u for xs = at > asof or at >= asof;\n"
    "metric v for xs = at is none or at > asof;\n"
    "metric w for xs = at within 2 months;\n"
    "metric ws = count xs where w;\n"
    "metric ks = count xs where k;\n"
    "metric ts = count xs where t;\n"
    "metric us = count xs where u;\n"
    "metric who = count distinct who in xs where k;\n"
    "metric v1 = count xs where v and n == 5;\n"
    "metric v2 = count xs where v and n != 5;\n"
    "metric v3 = count xs where v and n < 5;\n"
    "metric v4 = count xs where v and n <= 5;\n"
    "metric v5 = count xs where v and n > 5;\n"
    "metric v6 = count xs where v and n >= 5;\n"
    "metric ins = count xs where l in {a, d};\n"
    "metric fs = count xs where f;\n"
    "tier T c < ks >= 1; ts >= 1; us >= 1; ws >= 1; who >= 1; v1 >= 1; v2 >= 1; v3 >= 1; v4 >= 1;\n"
    "  v5 >= 1; v6 >= 1; ins >= 1; fs >= 1; >\n";

/* The runs of a comparison and the jump that takes its value (session
 * 10): an item's date against the evaluation date as a filter (six) and
 * as the left of `and` (six), an item field against a constant as the left
 * of `and` (six), an enum field in a set as a filter, alone and inside a
 * filter on an item metric, a date in a window as a filter; and an enum
 * field in a set and an item field against a constant that are not the
 * left of a jump (ITEM then INSET, ITEM then NEK_I, ITEM ASOF NE_I). */
static const char *RUNS2 =
    "enum kind { c }\n"
    "enum lvl { a, b, d }\n"
    "record { id: text; partner type: kind; xs: list { n: int?; l: lvl; who: text; at: date?; f: bool; }; }\n"
    "review = 2020-01-01;\n"
    "metric j1 = count xs where at == asof;\nmetric j2 = count xs where at != asof;\n"
    "metric j3 = count xs where at < asof;\nmetric j4 = count xs where at <= asof;\n"
    "metric j5 = count xs where at > asof;\nmetric j6 = count xs where at >= asof;\n"
    "metric a1 for xs = at == asof and f;\nmetric a2 for xs = at != asof and f;\n"
    "metric a3 for xs = at < asof and f;\nmetric a4 for xs = at <= asof and f;\n"
    "metric a5 for xs = at > asof and f;\nmetric a6 for xs = at >= asof and f;\n"
    "metric k1 for xs = n == 5 and f;\nmetric k2 for xs = n != 5 and f;\n"
    "metric k3 for xs = n < 5 and f;\nmetric k4 for xs = n <= 5 and f;\n"
    "metric k5 for xs = n > 5 and f;\nmetric k6 for xs = n >= 5 and f;\n"
    "metric e for xs = l in {a, d} or f;\nmetric q for xs = n != 7 or f;\n"
    "metric r for xs = at != asof or f;\nmetric rs = count xs where r;\n"
    "metric sa = count xs where a1;\nmetric sb = count xs where a2;\nmetric sc = count xs where a3;\n"
    "metric sd = count xs where a4;\nmetric se = count xs where a5;\nmetric sf = count xs where a6;\n"
    "metric ka = count xs where k1;\nmetric kb = count xs where k2;\nmetric kc = count xs where k3;\n"
    "metric kd = count xs where k4;\nmetric ke = count xs where k5;\nmetric kf = count xs where k6;\n"
    "metric es = count xs where e;\nmetric qs = count xs where q;\n"
    "metric ins = count xs where l in {a, d};\n"
    "metric fins = count xs where k1 and l in {b, d};\n"
    "metric win = count xs where at within 2 months;\n"
    "tier T c < j1 >= 1; j2 >= 1; j3 >= 1; j4 >= 1; j5 >= 1; j6 >= 1; sa >= 1; sb >= 1; sc >= 1; sd >= 1;\n"
    "  se >= 1; sf >= 1; ka >= 1; kb >= 1; kc >= 1; kd >= 1; ke >= 1; kf >= 1; es >= 1; ins >= 1; fins >= 1;\n"
    "  win >= 1; qs >= 1; rs >= 1; >\n";

/* The fused kinds in rules' run (kinds[op] set), the metrics of three
 * records run fused and as written compared; *threaded: how many JFRs jump
 * further than written. */
static void runs_as_written(const char *rules, bool *kinds, int *threaded) {
  tier_ruleset *rs = tu_compile(rules, NULL);
  assert_non_null(rs);
  for (uint32_t i = 0; rs->code[i].op != OP_END; i++) {
    if (rs->run[i].op >= OP__COUNT) kinds[rs->run[i].op] = true;
    *threaded += rs->code[i].op == OP_JFR && rs->run[i].b != rs->code[i].b;
  }
  static const char *const items[] = {
      "",
      "{\"n\":5,\"l\":\"b\",\"who\":\"x\",\"at\":\"2020-01-01\",\"f\":true}",
      ("{\"n\":null,\"l\":\"a\",\"who\":\"x\",\"at\":null,\"f\":false},"
       "{\"n\":9,\"l\":\"b\",\"who\":\"y\",\"at\":\"2019-12-20\",\"f\":true},"
       "{\"n\":2,\"l\":\"d\",\"who\":\"x\",\"at\":\"2020-03-01\",\"f\":false},"
       "{\"n\":7,\"l\":\"b\",\"who\":\"z\",\"at\":\"2018-01-01\",\"f\":true},"
       "{\"n\":5,\"l\":\"d\",\"who\":\"y\",\"at\":null,\"f\":true},"
       "{\"n\":4,\"l\":\"a\",\"who\":\"z\",\"at\":\"2021-01-01\",\"f\":true}"),
  };
  uint32_t nm = rs->img->nmetrics;
  for (size_t k = 0; k < sizeof items / sizeof items[0]; k++) {
    char rec[1024];
    snprintf(rec, sizeof rec, "{\"id\":\"r\",\"type\":\"c\",\"xs\":[%s]}", items[k]);
    int64_t fused[96], written[96];
    assert_true(nm <= 96);
    metrics(rs, rs->run, rec, fused);
    metrics(rs, rs->code, rec, written);
    assert_memory_equal(fused, written, sizeof *fused * nm);
  }
  tier_ruleset_free(rs);
}

/* Every fused kind occurs in RUNS or RUNS2 and runs as written; the
 * filters on one item metric in a row (RUNS: v1 .. v6) have their JFRs
 * threaded. */
static void every_run_runs_as_written(void **st) {
  (void)st;
  bool kinds[256] = {false};
  int threaded = 0;
  runs_as_written(RUNS, kinds, &threaded);
  assert_true(threaded >= 5);
  runs_as_written(RUNS2, kinds, &threaded);
  int missing = 0;
  for (int op = OP__COUNT; op < OP__RUN_COUNT; op++)
    if (!kinds[op]) fprintf(stderr, "fused kind %d does not occur\n", op), missing++;
  assert_true(kinds[OP_LOOPK]); /* (its own test is test_loopk) */
  assert_int_equal(missing, 0);
}

/* Each requirement's outcome on record json, with its simple shape used
 * or not (simple). */
static void outcomes(tier_ruleset *rs, bool simple, const char *json, bool *met) {
  struct simple_req *keep = rs->simple, none[16] = {{0}};
  assert_true(rs->img->nreqs <= 16);
  if (!simple) rs->simple = none;
  tier_vm *vm = tier_vm_new(rs, NULL);
  assert_non_null(vm);
  struct record rec;
  assert_int_equal(rec_parse(vm, json, strlen(json), &rec), TIER_OK);
  assert_int_equal(vm_evaluate(vm, &rec, TIER_NONE), TIER_OK);
  memcpy(met, vm->ev.met, sizeof *met * rs->img->nreqs);
  rs->simple = keep;
  tier_vm_free(vm);
}

/* Requirements of a register and a constant (six comparisons and a bool),
 * with the register missing or not: the same outcome as their code's. */
static void simple_requirements_hold_as_their_code(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile("enum kind { c }\n"
                                "record { id: text; partner type: kind; f: int?; g: bool?; }\n"
                                "review = 2020-01-01;\n"
                                "metric m = f;\nmetric ok = g;\n"
                                "tier T c < m == 3; m != 3; m < 3; m <= 3; m > 3; m >= 3; ok; m + 1 >= 4; >\n",
                                NULL);
  assert_non_null(rs);
  int simple = 0;
  for (uint32_t q = 0; q < rs->img->nreqs; q++) simple += rs->simple[q].cmp != 0;
  assert_int_equal(simple, 7); /* all but m + 1 >= 4 */
  static const char *const recs[] = {
      "{\"id\":\"a\",\"type\":\"c\",\"f\":3,\"g\":true}",
      "{\"id\":\"b\",\"type\":\"c\",\"f\":2,\"g\":false}",
      "{\"id\":\"c\",\"type\":\"c\",\"f\":4,\"g\":null}",
      "{\"id\":\"d\",\"type\":\"c\",\"f\":null,\"g\":true}",
  };
  for (size_t k = 0; k < sizeof recs / sizeof recs[0]; k++) {
    bool a[16], b[16];
    outcomes(rs, true, recs[k], a);
    outcomes(rs, false, recs[k], b);
    assert_memory_equal(a, b, sizeof *a * rs->img->nreqs);
  }
  tier_ruleset_free(rs);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(fused_runs_as_written), cmocka_unit_test(every_run_runs_as_written),
                                     cmocka_unit_test(simple_requirements_hold_as_their_code)};
  return cmocka_run_group_tests_name("fuse", tests, NULL, NULL);
}
