/*
 * test_loopk.c - metric loops run at once (src/loopk.c, OP_LOOPK) and the
 * distinct sets stamped by text handle (vm.c, vm_prepare).  Linked with
 * vm.c built with -DTIER_COUNT_STEPS (Makefile), so that vm->steps counts
 * instructions: a loop run at once must give every metric, requirement,
 * error and step the loop's instructions as written give.  The benchmark's
 * and the example programs' rules, on their own profiles, and rules that
 * make every kind of row, each on records that reach every path.
 */
#include "testutil.h"
#include "meaning.h"
#include "record.h"

#include <pthread.h>

#ifndef TIER_COUNT_STEPS_LINKED
#error "test_loopk is built against vm.c with -DTIER_COUNT_STEPS (Makefile)"
#endif

static uint32_t ninsns(const tier_ruleset *rs) { return rs->insn_at[rs->img->codelen]; }

/* rs->code with the loops rs->run runs at once, and nothing else of
 * rs->run: then every step but the loops' is the code's as written. */
static struct vinsn *code_with_loops(const tier_ruleset *rs) {
  uint32_t n = ninsns(rs);
  struct vinsn *v = malloc(sizeof *v * (n + 1));
  assert_non_null(v);
  memcpy(v, rs->code, sizeof *v * (n + 1));
  for (uint32_t i = 0; i < n; i++)
    if (rs->run[i].op == OP_LOOPK) v[i] = rs->run[i];
  return v;
}

struct outcome {
  int rc, tier;
  uint64_t steps;
  int64_t regs[512];
  bool met[512];
  char err[512];
  uint32_t pc;
  bool stamp; /* distinct set 0 was stamped for the record (vm_prepare) */
};

/* Record json evaluated at asof (TIER_NONE: its own date) running `code`
 * in place of rs->run. */
static void eval_with(tier_ruleset *rs, struct vinsn *code, const char *json, size_t len, int64_t asof, struct outcome *o) {
  memset(o, 0, sizeof *o);
  assert_true(rs->img->nmetrics <= 512 && rs->img->nreqs <= 512);
  tier_vm *vm = tier_vm_new(rs, NULL);
  assert_non_null(vm);
  struct vinsn *keep = rs->run;
  rs->run = code;
  struct record rec;
  o->rc = rec_parse(vm, json, len, &rec);
  if (o->rc == TIER_OK) {
    vm->steps = 0;
    o->rc = vm_evaluate(vm, &rec, asof);
    o->steps = vm->steps;
    o->tier = vm->ev.tier;
    o->stamp = rs->img->nsets && vm->dsets[0].stamp;
    memcpy(o->regs, vm->regs, sizeof *o->regs * rs->img->nmetrics);
    if (o->rc == TIER_OK) memcpy(o->met, vm->ev.met, sizeof *o->met * rs->img->nreqs);
    snprintf(o->err, sizeof o->err, "%s", vm->err);
    o->pc = vm->err_pc;
  }
  rs->run = keep;
  tier_vm_free(vm);
}

/* The registers read after the loops run at once: a record metric (rule
 * tests and results read them), one a requirement compares, or one an
 * instruction outside those loops' bodies names.  A loop's item metric
 * register is read by its own body only, where each run knows its value:
 * its value after the loop is read by nothing. */
static void read_after(const tier_ruleset *rs, bool *obs) {
  const struct image *img = rs->img;
  for (uint32_t m = 0; m < img->nmetrics; m++) obs[m] = mn_is_record_metric(img, m);
  for (uint32_t q = 0; q < img->nreqs; q++)
    if (img->reqs[q].metric >= 0) obs[img->reqs[q].metric] = true;
  for (uint32_t i = 0; i < ninsns(rs); i++) {
    if (rs->run[i].op == OP_LOOPK) i = rs->loops[rs->run[i].b].exit - 1; /* (the NEXT) */
    else if (op_info[rs->code[i].op].reg != '-') obs[rs->code[i].a] = true;
  }
}

/* Does a row of loop L read register m? */
static bool rows_read(const struct loopk *L, uint32_t m) {
  for (uint32_t r = 0; r < L->nrows; r++) {
    uint8_t op = L->rows[r].op;
    if (L->rows[r].r == m && (op == LR_REG || (op >= LR_NORM && op <= LR_MAX) || (op >= LR_C_LEA && op <= LR_C_WITHIN_M)))
      return true;
  }
  return false;
}

/* The row kinds of rs's loops into kinds; how many loops run at once.
 * No row sets a register that nothing reads after it: neither a row of
 * its loop nor anything after the loops (loopk.c drop_dead). */
static uint32_t loops_of(const tier_ruleset *rs, bool *kinds) {
  static bool obs[512];
  read_after(rs, obs);
  for (uint32_t l = 0; l < rs->nloops; l++)
    for (uint32_t r = 0; r < rs->loops[l].nrows; r++) {
      const struct lrow *w = &rs->loops[l].rows[r];
      kinds[w->op] = true;
      if (w->op == LR_SET || w->op == LR_COPY) assert_true(obs[w->r] || rows_read(&rs->loops[l], w->r));
    }
  return rs->nloops;
}

/* Every record of `lines` (JSONL) the same run at once and as written:
 * outcome, every register read after the loops (read_after), every
 * requirement, error and its instruction, and steps. */
static void agree(tier_ruleset *rs, const char *lines, int64_t asof) {
  struct vinsn *with = code_with_loops(rs);
  static struct outcome a, b;
  static bool obs[512];
  read_after(rs, obs);
  int records = 0;
  for (const char *p = lines; *p;) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len > 1) {
      eval_with(rs, with, p, len, asof, &a);
      eval_with(rs, rs->code, p, len, asof, &b);
      assert_int_equal(a.rc, b.rc);
      assert_int_equal(a.tier, b.tier);
      assert_true(a.steps > 0);
      assert_int_equal(a.steps, b.steps);
      for (uint32_t m = 0; m < rs->img->nmetrics; m++)
        if (obs[m]) assert_int_equal(a.regs[m], b.regs[m]);
      assert_memory_equal(a.met, b.met, sizeof a.met);
      assert_string_equal(a.err, b.err);
      assert_int_equal(a.pc, b.pc);
      records++;
    }
    p += len + (e != NULL);
  }
  assert_true(records > 0);
  free(with);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  assert_non_null(s);
  assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = 0;
  fclose(f);
  return s;
}

static tier_ruleset *load_file(const char *path) {
  uint8_t *bc;
  size_t n;
  assert_int_equal(tier_compile(path, NULL, 0, NULL, &bc, &n, NULL), TIER_OK);
  tier_ruleset *rs;
  char err[256];
  assert_int_equal(tier_load(bc, n, NULL, &rs, err, sizeof err), TIER_OK);
  tier_free_bytes(NULL, bc, n);
  return rs;
}

/* The benchmark's rules (rules/apn-2019.tier) run every loop of their
 * metric block at once, and the example programs some; each on its
 * profiles as written. */
static void programs_run_as_written(void **st) {
  (void)st;
  static const struct {
    const char *rules, *profiles, *asof;
    uint32_t min_loops;
  } progs[] = {
      {"rules/apn-2019.tier", "examples/partners.jsonl", NULL, 7},
      {"rules/apn-2018.tier", "examples/partners.jsonl", "2019-12-13", 1},
      {"examples/programs/microsoft-security/microsoft-security.tier", "examples/programs/microsoft-security/profiles.jsonl",
       "2024-06-15", 0},
      {"examples/programs/hubspot/hubspot-revenue.tier", "examples/programs/hubspot/profiles.jsonl", "2024-06-30", 0},
      {"examples/programs/hubspot/hubspot-points.tier", "examples/programs/hubspot/profiles.jsonl", "2024-06-30", 0},
      {"examples/programs/hilton-honors/hilton-honors.tier", "examples/programs/hilton-honors/profiles.jsonl", "2026-11-30", 0},
  };
  bool kinds[LR__COUNT] = {false};
  for (size_t k = 0; k < sizeof progs / sizeof progs[0]; k++) {
    tier_ruleset *rs = load_file(progs[k].rules);
    uint32_t nl = loops_of(rs, kinds);
    fprintf(stderr, "%s: %u loops run at once\n", progs[k].rules, nl);
    assert_true(nl >= progs[k].min_loops);
    if (k == 0) /* the benchmark's: a certification held, and counts without a branch */
      assert_true(kinds[LR_HELD] && kinds[LR_C_LEA] && kinds[LR_C_INSET] && kinds[LR_C_WITHIN_M]);
    char *lines = slurp(progs[k].profiles);
    int64_t asof = TIER_NONE;
    if (progs[k].asof) assert_true(date_parse(progs[k].asof, 10, &asof));
    agree(rs, lines, asof);
    free(lines);
    tier_ruleset_free(rs);
  }
}

/* Every kind of row: the six comparisons of an item field with a
 * constant and with the evaluation date, a set, missing, the two windows,
 * a bool field; an item metric set and tested after (and an `and`/`or`
 * with a known side); count, sum, min, max, any, all, count distinct.
 * Items with missing values, and the same field tested twice. */
static const char *KINDS =
    "enum kind { c }\n"
    "enum lvl { a, b, d }\n"
    "record { id: text; partner type: kind;\n"
    "  xs: list { n: int?; l: lvl; who: text; at: date?; to: date?; f: bool; m: money?; }; }\n"
    "review = 2020-01-01;\n"
    "metric vd = count xs where at <= asof and (to is none or to > asof);\n"
    "metric held for xs = at <= asof and (at is none or at > 2019-01-01 or f);\n"
    "metric k1 = count xs where n == 5;\nmetric k2 = count xs where n != 5;\n"
    "metric k3 = count xs where n < 5;\nmetric k4 = count xs where n <= 5;\n"
    "metric k5 = count xs where n > 5;\nmetric k6 = count xs where n >= 5;\n"
    "metric j1 = count xs where at == asof;\nmetric j2 = count xs where at != asof;\n"
    "metric j3 = count xs where at < asof;\nmetric j4 = count xs where at <= asof;\n"
    "metric j5 = count xs where at > asof;\nmetric j6 = count xs where at >= asof;\n"
    "metric s1 = count xs where l in {a, d};\nmetric s2 = count xs where at is none;\n"
    "metric w1 = count xs where at within 2 months;\nmetric w2 = count xs where at within 40 days;\n"
    "metric fs = count xs where f;\n"
    "metric h1 = count xs where held and l == b;\nmetric h2 = count xs where held and l == d;\n"
    "metric h3 = count xs where not held or n > 3;\n"
    "metric sm = sum m in xs where held;\nmetric mn = min n in xs where l != a;\nmetric mx = max m in xs;\n"
    "metric an = any xs where held and l == b;\nmetric al = all xs where f;\n"
    "metric dw = count distinct who in xs where l == b;\nmetric dv = count distinct who in xs where held;\n"
    "metric same = count xs where l == b and l == b and (l == d or n == 5);\n"
    "metric p1 = sum m in xs where at within 3 months;\nmetric p2 = sum m in xs where l in {b};\n"
    "tier T c < k1 >= 1; k2 >= 1; k3 >= 1; k4 >= 1; k5 >= 1; k6 >= 1; j1 >= 1; j2 >= 1; j3 >= 1; j4 >= 1;\n"
    "  j5 >= 1; j6 >= 1; s1 >= 1; s2 >= 1; w1 >= 1; w2 >= 1; fs >= 1; h1 >= 1; h2 >= 1; h3 >= 1; sm >= 1;\n"
    "  mn >= 1; mx >= 1; an; al; dw >= 1; dv >= 1; same >= 1; vd >= 1; >\n";

static const char *ITEMS[] = {
    "",
    "{\"n\":5,\"l\":\"b\",\"who\":\"x\",\"at\":\"2020-01-01\",\"to\":\"2020-01-01\",\"f\":true,\"m\":1.5}",
    ("{\"n\":null,\"l\":\"a\",\"who\":\"x\",\"at\":null,\"to\":\"2021-01-01\",\"f\":false,\"m\":null},"
     "{\"n\":9,\"l\":\"b\",\"who\":\"y\",\"at\":\"2019-12-20\",\"to\":null,\"f\":true,\"m\":2},"
     "{\"n\":2,\"l\":\"d\",\"who\":\"x\",\"at\":\"2020-03-01\",\"to\":null,\"f\":false,\"m\":0.25},"
     "{\"n\":7,\"l\":\"b\",\"who\":\"z\",\"at\":\"2018-01-01\",\"to\":\"2019-06-01\",\"f\":true,\"m\":-3},"
     "{\"n\":5,\"l\":\"d\",\"who\":\"y\",\"at\":null,\"to\":null,\"f\":true,\"m\":7},"
     "{\"n\":4,\"l\":\"a\",\"who\":\"z\",\"at\":\"2021-01-01\",\"to\":\"2022-01-01\",\"f\":true,\"m\":1},"
     "{\"n\":5,\"l\":\"b\",\"who\":\"x\",\"at\":\"2019-11-25\",\"to\":\"2020-02-01\",\"f\":false,\"m\":null}"),
};

/* One record a line of ITEMS, each run at once and as written (agree),
 * at its own date and at 2019-12-31. */
static void agree_on_items(tier_ruleset *rs) {
  char lines[4096] = "";
  for (size_t k = 0; k < sizeof ITEMS / sizeof ITEMS[0]; k++) {
    char rec[1536];
    snprintf(rec, sizeof rec, "{\"id\":\"r\",\"type\":\"c\",\"xs\":[%s]}\n", ITEMS[k]);
    strcat(lines, rec);
  }
  int64_t d;
  assert_true(date_parse("2019-12-31", 10, &d));
  agree(rs, lines, TIER_NONE);
  agree(rs, lines, d);
}

/* The metrics `metrics` over KINDS' list (and a tier asking k >= 1): one
 * loop run at once, whose rows have a row of kind `kind` or not (`has`),
 * and which agrees with its code on ITEMS. */
static void one_loop(const char *metrics, int kind, bool has) {
  char src[1024];
  snprintf(src, sizeof src,
           "enum kind { c }\n"
           "enum lvl { a, b, d }\n"
           "record { id: text; partner type: kind;\n"
           "  xs: list { n: int?; l: lvl; who: text; at: date?; to: date?; f: bool; m: money?; }; }\n"
           "%stier T c < k >= 1; >\n",
           metrics);
  tier_ruleset *rs = tu_compile_ok(src);
  bool kinds[LR__COUNT] = {false};
  assert_int_equal(loops_of(rs, kinds), 1);
  assert_int_equal(kinds[kind], has);
  agree_on_items(rs);
  tier_ruleset_free(rs);
}

/* Too many item metrics to know each on every run of rows (2^9 runs):
 * their registers are tested (LR_REG). */
static const char *MANY =
    "enum kind { c }\n"
    "enum lvl { a, b, d }\n"
    "record { id: text; partner type: kind;\n"
    "  xs: list { n: int?; l: lvl; who: text; at: date?; to: date?; f: bool; m: money?; }; }\n"
    "review = 2020-01-01;\n"
    "metric a1 for xs = n == 1 or f;\nmetric a2 for xs = n == 2 or f;\nmetric a3 for xs = n == 3 or f;\n"
    "metric a4 for xs = n == 4 or f;\nmetric a5 for xs = n == 5 or f;\nmetric a6 for xs = n == 6 or f;\n"
    "metric a7 for xs = n == 7 or l == b;\nmetric a8 for xs = n == 8 or l == d;\nmetric a9 for xs = n == 9 or at > asof;\n"
    "metric c1 = count xs where a1 and l == b;\nmetric c2 = count xs where a2 and l == d;\n"
    "metric c3 = count xs where a3;\nmetric c4 = count xs where a4 and a5;\nmetric c5 = any xs where a5;\n"
    "metric c6 = count xs where a6 or a7;\nmetric c7 = count xs where a7;\nmetric c8 = sum m in xs where a8;\n"
    "metric c9 = all xs where a9;\n"
    "tier T c < c1 >= 1; c2 >= 1; c3 >= 1; c4 >= 1; c5; c6 >= 1; c7 >= 1; c8 >= 1; c9; >\n";

static void every_row_kind(void **st) {
  (void)st;
  tier_ruleset *many = tu_compile_ok(MANY);
  bool kinds[LR__COUNT] = {false};
  assert_int_equal(loops_of(many, kinds), 1);
  assert_true(kinds[LR_REG]);
  tier_ruleset *rs = tu_compile_ok(KINDS);
  assert_int_equal(loops_of(rs, kinds), 1);
  int missing = 0;
  for (int k = 0; k < LR__COUNT; k++)
    if (!kinds[k]) fprintf(stderr, "row kind %d does not occur\n", k), missing++;
  assert_int_equal(missing, 0);
  agree_on_items(rs);
  agree_on_items(many);
  tier_ruleset_free(rs);
  tier_ruleset_free(many);
  /* valid at the date, a certification held: one row for three; not
   * when the window's end is compared with a constant */
  one_loop("metric k = count xs where at <= asof and (to is none or to > asof);\n", LR_HELD, true);
  one_loop("metric k = count xs where at <= asof and (to is none or to > 2019-06-01);\n", LR_HELD, false);
  /* a count whose last test is LEA, INSET or WITHIN_M adds its outcome;
   * not when another test follows */
  one_loop("metric k = count xs where at <= asof;\n", LR_C_LEA, true);
  one_loop("metric k = count xs where l in {a, d};\n", LR_C_INSET, true);
  one_loop("metric k = count xs where f and at within 3 months;\n", LR_C_WITHIN_M, true);
  one_loop("metric k = count xs where at <= asof and n > 3;\n", LR_C_LEA, false);
  /* a record metric no requirement reads is set still (rule tests read it) */
  one_loop("metric u = any xs where f;\nmetric k = count xs where n > 1;\n", LR_SET, true);
  /* a loop whose first row sets an item metric nothing reads after: the
   * steps before it go to the loop's start */
  one_loop("metric fl for xs = f;\nmetric k = count xs where fl;\nmetric z = count xs where n > 2;\n", LR_COPY, false);
}

/* A sum that overflows in a loop run at once fails at the instruction as
 * written, with the registers as they were; a loop whose body is not of
 * the kind (a count of an expression, an inner list) keeps its
 * instructions. */
static void faults_and_other_loops(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile_ok("enum kind { c }\n"
                                   "record { id: text; partner type: kind; xs: list { n: int; };\n"
                                   "  zs: list { n: int; }; ws: list { ys: list { v: int; }; }; }\n"
                                   "metric s = sum n in xs;\nmetric c = count xs where n > 0;\n"
                                   "metric e = count distinct (n + 1) in zs;\n"
                                   "metric v = count ws where (max v in ys) > 1;\n"
                                   "tier T c < s >= 1; c >= 1; e >= 1; v >= 0; >\n");
  bool kinds[LR__COUNT] = {false};
  uint32_t nloop = 0;
  for (uint32_t i = 0; i < ninsns(rs); i++) nloop += rs->code[i].op == OP_LOOP;
  assert_int_equal(loops_of(rs, kinds), 1); /* xs's; zs's and ws's (and ys's) keep their instructions */
  assert_int_equal(nloop, 4);
  /* 1,100 items of 2^53 - 1 overflow a 64-bit sum */
  size_t cap = 64 + 1100 * 24;
  char *bad = malloc(cap), *p = bad;
  assert_non_null(bad);
  p += sprintf(p, "{\"id\":\"r\",\"type\":\"c\",\"zs\":[],\"ws\":[],\"xs\":[");
  for (int k = 0; k < 1100; k++) p += sprintf(p, "%s{\"n\":9007199254740991}", k ? "," : "");
  strcpy(p, "]}\n");
  agree(rs, bad, TIER_NONE);
  agree(rs,
        "{\"id\":\"q\",\"type\":\"c\",\"xs\":[{\"n\":3},{\"n\":-3}],\"zs\":[{\"n\":1},{\"n\":1},{\"n\":2}],"
        "\"ws\":[{\"ys\":[{\"v\":2}]},{\"ys\":[]}]}\n",
        TIER_NONE);
  static struct outcome o;
  eval_with(rs, rs->run, bad, strlen(bad), TIER_NONE, &o);
  free(bad);
  assert_int_equal(o.rc, TIER_ERUNTIME);
  tu_assert_contains(o.err, "integer overflow");
  assert_int_equal(rs->code[o.pc].op, OP_SUMR_I);
  tier_ruleset_free(rs);
}

/* The distinct sets: texts read from items are counted by handle
 * (stamped) when the record has no more texts than a set has slots, else
 * hashed; one VM that goes from one to the other and back counts right,
 * and a set that some count distinct of an expression fills is never
 * stamped. */
static void stamped_and_hashed_sets(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile_ok("enum kind { c }\n"
                                   "record { id: text; partner type: kind; xs: list { who: text; a: text?; b: text?; c: text?;\n"
                                   "  d: text?; e: text?; f: text?; g: text?; h: text?; i: text?; }; }\n"
                                   "metric d = count distinct who in xs;\n"
                                   "tier T c < d >= 1; >\n");
  assert_true(rs->stamped[0]);
  tier_vm *vm = tu_vm(rs, NULL);
  char few[512], many[2048];
  snprintf(few, sizeof few, "{\"id\":\"r\",\"type\":\"c\",\"xs\":[%s]}",
           "{\"who\":\"p\",\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null,\"f\":null,\"g\":null,\"h\":null,\"i\":null},"
           "{\"who\":\"q\",\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null,\"f\":null,\"g\":null,\"h\":null,\"i\":null},"
           "{\"who\":\"p\",\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null,\"f\":null,\"g\":null,\"h\":null,\"i\":null}");
  /* 4 items of 10 texts: 41 texts, more than the 16 slots a set has for 4 items */
  snprintf(many, sizeof many, "{\"id\":\"r\",\"type\":\"c\",\"xs\":[%s,%s,%s,%s]}",
           "{\"who\":\"p\",\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\",\"f\":\"6\",\"g\":\"7\",\"h\":\"8\",\"i\":"
           "\"9\"}",
           "{\"who\":\"q\",\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\",\"f\":\"6\",\"g\":\"7\",\"h\":\"8\",\"i\":"
           "\"9\"}",
           "{\"who\":\"r\",\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\",\"f\":\"6\",\"g\":\"7\",\"h\":\"8\",\"i\":"
           "\"9\"}",
           "{\"who\":\"q\",\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\",\"f\":\"6\",\"g\":\"7\",\"h\":\"8\",\"i\":"
           "\"9\"}");
  const struct {
    const char *json;
    bool stamp;
    int64_t d;
  } runs[] = {{few, true, 2}, {many, false, 3}, {few, true, 2}, {few, true, 2}, {many, false, 3}, {many, false, 3}};
  for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
    tu_eval(vm, runs[k].json, NULL);
    assert_int_equal(vm->dsets[0].stamp, runs[k].stamp);
    assert_int_equal(vm->regs[0], runs[k].d);
  }
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  rs = tu_compile_ok("enum kind { c }\n"
                     "record { id: text; partner type: kind; xs: list { who: text; n: int; }; }\n"
                     "metric d = count distinct (if n > 0 then who else \"none\") in xs;\n"
                     "tier T c < d >= 1; >\n");
  assert_false(rs->stamped[0]);
  vm = tu_vm(rs, NULL);
  tu_eval(vm, "{\"id\":\"r\",\"type\":\"c\",\"xs\":[{\"who\":\"none\",\"n\":1},{\"who\":\"p\",\"n\":0},{\"who\":\"q\",\"n\":2}]}",
          NULL);
  assert_false(vm->dsets[0].stamp);
  assert_int_equal(vm->regs[0], 2);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* A crafted file that fills one distinct set from two loops (the second
 * loop's DCLEAR made a jump to the next instruction: the verifier accepts it, each loop being
 * bounded) runs into the set's room, 2n <= slots: the record stops with
 * an error at the first text past it, stamped or hashed, run at once or
 * as written, and a text already in a full set is no error.  16 slots
 * for lists of at most 7 items: 8 texts fit (a's 6 and 2 of b's), a 9th
 * does not. */
static void set_full_alike(void **st) {
  (void)st;
  const char *src = "enum kind { c }\n"
                    "record { id: text; partner type: kind; a: list { p: text; q: text?; r: text?; }; b: list { p: text; }; }\n"
                    "metric da = count distinct p in a;\n"
                    "metric db = count distinct p in b;\n"
                    "tier T c < da >= 1; db >= 0; >\n";
  char err[256];
  struct image *img = tu_image(src);
  const uint8_t second[] = {OP_DSIZE, 0, 0, 0, 0, OP_SETMETRIC, 0, 0, 0, 0, OP_DCLEAR, 0, 0, 0, 0};
  uint8_t *at = NULL;
  for (uint32_t i = 0; !at && i + sizeof second <= img->codelen; i++)
    if (memcmp(img->code + i, second, sizeof second) == 0) at = (uint8_t *)img->code + i;
  assert_non_null(at);
  uint32_t on = (uint32_t)(at - img->code) + 15; /* the DCLEAR a JUMP to the next instruction: the same steps */
  at[10] = OP_JUMP;
  for (int i = 0; i < 4; i++) at[11 + i] = (uint8_t)(on >> 8 * i); /* operands are little-endian */
  struct buf b = {0};
  assert_int_equal(bc_write(img, false, &b), TIER_OK);
  tier_ruleset *rs = NULL;
  int lrc = tier_load(b.p, b.n, NULL, &rs, err, sizeof err);
  if (lrc) fprintf(stderr, "%s\n", err);
  assert_int_equal(lrc, TIER_OK);
  assert_true(rs->stamped[0]);
  struct vinsn *with = code_with_loops(rs);
  assert_int_equal(rs->nloops, 2);
  char json[1024];
  uint64_t stop = 0; /* the steps to the fault with b0, b1, b2 */
  for (int hashed = 0; hashed < 2; hashed++)
    for (int extra = 0; extra <= 3; extra++) { /* b: 2 texts; a repeat; a 3rd; a repeat, then a 3rd */
      int k = snprintf(json, sizeof json, "{\"id\":\"r\",\"type\":\"c\",\"a\":[");
      for (int i = 0; i < 6; i++) /* hashed: 12 texts more, 21 in all: more than the set's 16 slots */
        k += snprintf(json + k, sizeof json - (size_t)k,
                      hashed ? "%s{\"p\":\"a%d\",\"q\":\"q%d\",\"r\":\"r%d\"}" : "%s{\"p\":\"a%d\",\"q\":null,\"r\":null}",
                      i ? "," : "", i, i, i);
      k += snprintf(json + k, sizeof json - (size_t)k, "],\"b\":[{\"p\":\"b0\"},{\"p\":\"b1\"}%s%s]}",
                    extra == 1       ? ",{\"p\":\"b0\"}"
                        : extra == 2 ? ",{\"p\":\"b2\"}"
                                     : "",
                    extra == 3 ? ",{\"p\":\"b0\"},{\"p\":\"b3\"}" : "");
      struct outcome o[2];
      eval_with(rs, with, json, strlen(json), TIER_NONE, &o[0]);
      eval_with(rs, rs->code, json, strlen(json), TIER_NONE, &o[1]);
      for (int w = 0; w < 2; w++) {
        assert_int_equal(o[w].stamp, !hashed);
        if (extra < 2) {
          assert_int_equal(o[w].rc, TIER_OK);
          assert_int_equal(o[w].regs[1], 8);
        } else {
          assert_int_equal(o[w].rc, TIER_ERUNTIME);
          tu_assert_contains(o[w].err, "too many distinct values");
        }
      }
      assert_int_equal(o[0].steps, o[1].steps);
      assert_int_equal(o[0].pc, o[1].pc);
      /* the record stops at the text past the room: b's 3rd item, or its
       * 4th after a repeat, one item's ITEM, DADD_S and NEXT later */
      if (extra == 2) stop = o[0].steps;
      if (extra == 3) assert_int_equal(o[0].steps, stop + 3);
    }
  free(with);
  tier_ruleset_free(rs);
  buf_free(&b);
  image_free(img);
}

/* A test under `not` tells the run the test's outcome, not the value's:
 * each test here is made again or told by an equality after its
 * negation (difftest seed 70041: `count xs where not (l == a)` then
 * `count xs where l in {b}` counted no item of l == b). */
static const char *NEGATED[] = {
    "metric x1 = count xs where not (l == a);\nmetric x2 = count xs where l in {b};\n",
    "metric x1 = count xs where not (l != b);\nmetric x2 = count xs where l != b;\n",
    "metric x1 = count xs where not (n > 5);\nmetric x2 = count xs where n > 5;\n",
    "metric x1 = count xs where not (l in {a, d});\nmetric x2 = count xs where l in {a, d};\n",
    "metric x1 = count xs where not (at is none);\nmetric x2 = count xs where at is none;\n",
    "metric x1 = count xs where not (at within 2 months);\nmetric x2 = count xs where at within 2 months;\n",
    "metric x1 = count xs where not (at <= asof);\nmetric x2 = count xs where at <= asof;\n",
    "metric x1 = count xs where not (not f);\nmetric x2 = count xs where f;\n",
};

static void negated_tests(void **st) {
  (void)st;
  for (size_t k = 0; k < sizeof NEGATED / sizeof NEGATED[0]; k++) {
    char src[1024];
    snprintf(src, sizeof src,
             "enum kind { c }\nenum lvl { a, b, d }\nrecord { id: text; partner type: kind;\n"
             "  xs: list { n: int?; l: lvl; who: text; at: date?; to: date?; f: bool; m: money?; }; }\n"
             "review = 2020-01-01;\n%stier T c < x1 >= 1; x2 >= 1; >\n",
             NEGATED[k]);
    tier_ruleset *rs = tu_compile_ok(src);
    bool kinds[LR__COUNT] = {false};
    assert_int_equal(loops_of(rs, kinds), 1);
    agree_on_items(rs);
    tier_ruleset_free(rs);
  }
}

/* The longest run of rows from r (the rows make a DAG; END ends it) */
static uint32_t longest(const struct loopk *l, const struct lrow *r, uint32_t *memo) {
  uint32_t i = (uint32_t)(r - l->rows);
  if (memo[i]) return memo[i];
  uint32_t d = 0;
  if (r->op != LR_END) d = longest(l, r->t, memo);
  if (r->op <= LR_REG) { /* a test: two ways on */
    uint32_t e = longest(l, r->f, memo);
    d = e > d ? e : d;
  }
  return memo[i] = d + 1;
}

/* A thread's small stack: 64 KB; under ASan, whose frames carry red
 * zones and whose runtime takes stack on the thread, four times that (the
 * levels then take about 1.5 KB each, see `make asan`) */
#if defined(__SANITIZE_ADDRESS__)
#define SMALL_STACK (256 * 1024)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SMALL_STACK (256 * 1024)
#endif
#endif
#ifndef SMALL_STACK
#define SMALL_STACK (64 * 1024)
#endif

struct deep_load {
  const uint8_t *bc;
  size_t n;
  tier_ruleset *rs;
  int rc;
};

static void *load_on_thread(void *arg) {
  struct deep_load *d = arg;
  char err[256];
  d->rc = tier_load(d->bc, d->n, NULL, &d->rs, err, sizeof err);
  return NULL;
}

/* The deepest body loopk.c takes (a run of LK_MAX_DEPTH rows: count xs
 * where n > k, 63 times, a test and an INCR each) loads on a thread of
 * 64 KB of stack (SMALL_STACK): the rows are made with their states on the heap, so
 * the stack a row takes is a few calls' frames. */
static void deepest_body_small_stack(void **st) {
  (void)st;
  char *src = malloc(16384), *p = src;
  assert_non_null(src);
  enum { N = 63 };
  p += sprintf(p, "enum kind { c }\nrecord { id: text; partner type: kind; xs: list { n: int; }; }\n");
  for (int k = 0; k < N; k++) p += sprintf(p, "metric c%d = count xs where n > %d;\n", k, k);
  p += sprintf(p, "tier T c <");
  for (int k = 0; k < N; k++) p += sprintf(p, " c%d >= 1;", k);
  strcpy(p, " >\n");
  uint8_t *bc = NULL;
  size_t n = 0;
  tier_diags *dg = NULL;
  assert_int_equal(tier_compile("deep.tier", src, strlen(src), NULL, &bc, &n, &dg), TIER_OK);
  tier_diags_free(dg);
  free(src);
  struct deep_load d = {.bc = bc, .n = n};
  pthread_attr_t at;
  pthread_t th;
  assert_int_equal(pthread_attr_init(&at), 0);
  assert_int_equal(pthread_attr_setstacksize(&at, SMALL_STACK), 0);
  assert_int_equal(pthread_create(&th, &at, load_on_thread, &d), 0);
  assert_int_equal(pthread_join(th, NULL), 0);
  pthread_attr_destroy(&at);
  tier_free_bytes(NULL, bc, n);
  assert_int_equal(d.rc, TIER_OK);
  assert_int_equal(d.rs->nloops, 1); /* the loop is run at once */
  const struct loopk *l = &d.rs->loops[0];
  uint32_t *memo = calloc(l->nrows, sizeof *memo);
  assert_non_null(memo);
  assert_int_equal(longest(l, l->first, memo), 2 * N + 1); /* the deepest the rows may go */
  free(memo);
  tier_ruleset_free(d.rs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(programs_run_as_written),  cmocka_unit_test(every_row_kind),
      cmocka_unit_test(faults_and_other_loops),   cmocka_unit_test(stamped_and_hashed_sets),
      cmocka_unit_test(deepest_body_small_stack), cmocka_unit_test(negated_tests),
      cmocka_unit_test(set_full_alike),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
