/*
 * test_oom.c - out of memory, injected through the allocator hook: the Nth
 * allocation fails (once, or from then on) for N = 1, 2, ... until the
 * operation succeeds.  Every failure must be a clean TIER_ENOMEM (or, where
 * the caller can tell, a clean error) with every block handed back: the hook
 * counts live blocks, and the count must return to zero.  As Lua's ltests.c
 * does, every block carries its size in front of it, so a free or a resize
 * that tells the hook another old size than the block's breaks the contract
 * of tier.h and is counted (bad_size must stay 0).
 */
#include "testutil.h"

struct hook_state {
  long n;          /* allocations so far */
  long fail_at;    /* 0: never */
  bool persistent; /* fail every allocation from fail_at on */
  long live;       /* blocks not yet freed */
  long bad_size;   /* frees and resizes that named a wrong old size */
};

union block_header {
  size_t size;
  max_align_t align;
};

static void *hook(void *ud, void *p, size_t o, size_t n) {
  struct hook_state *h = ud;
  union block_header *b = p ? (union block_header *)p - 1 : NULL;
  if (b ? b->size != o : o != 0) {
    fprintf(stderr, "hook told old size %zu for a block of %zu bytes\n", o, b ? b->size : 0);
    h->bad_size++;
    if (getenv("TIER_OOM_ABORT")) abort();
  }
  if (n == 0) {
    if (p) h->live--;
    free(b);
    return NULL;
  }
  h->n++;
  if (h->fail_at && (h->n == h->fail_at || (h->persistent && h->n > h->fail_at))) return NULL;
  union block_header *q = realloc(b, sizeof *q + n);
  if (!q) return NULL;
  if (!p) h->live++;
  q->size = n;
  return q + 1;
}

static tier_options hook_options(struct hook_state *h) {
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  opt.alloc = hook;
  opt.alloc_ud = h;
  return opt;
}

/* ---- the tools' paths: diff, rule tests with coverage, record input ---- */

/* One operation under the hook: TIER_OK with its output in *text (the
 * caller frees it), TIER_ENOMEM, or anything else (a failure of the test). */
typedef int (*oom_op)(const tier_options *opt, void *ctx, char **text);

/* Run op with the Nth allocation failing, once and from then on, for every
 * N until it succeeds: each run either succeeds with the output of a run
 * without failures or fails with TIER_ENOMEM, and hands every block back
 * with its size. */
static void op_under_oom(const char *what, oom_op op, void *ctx, long min_failures) {
  char *want = NULL;
  assert_int_equal(op(NULL, ctx, &want), TIER_OK);
  long failures = 0;
  for (int persistent = 0; persistent < 2; persistent++)
    for (long n = 1; n < 1000000; n++) {
      struct hook_state h = {0, n, persistent, 0, 0};
      tier_options opt = hook_options(&h);
      char *got = NULL;
      int rc = op(&opt, ctx, &got);
      if (rc == TIER_OK) {
        if (strcmp(got, want) != 0) {
          fprintf(stderr, "%s: allocation %ld failing (%s) gave other output than none failing:\n%s\n", what, n,
                  persistent ? "from then on" : "once", got);
          fail();
        }
      } else if (rc != TIER_ENOMEM) {
        fprintf(stderr, "%s: allocation %ld failing gave %s\n", what, n, tier_strerror(rc));
        fail();
      }
      free(got);
      if (h.live != 0) {
        fprintf(stderr, "%s: allocation %ld failing leaked %ld blocks\n", what, n, h.live);
        fail();
      }
      assert_int_equal(h.bad_size, 0);
      if (rc == TIER_OK && h.n < n) break;
      if (rc != TIER_OK) failures++;
    }
  fprintf(stderr, "%s: %ld failing points, all clean\n", what, failures);
  assert_true(failures >= min_failures);
  free(want);
}

static int load_file(const char *path, const tier_options *opt, tier_ruleset **rs) {
  uint8_t *bc;
  size_t len;
  assert_int_equal(tier_compile(path, NULL, 0, NULL, &bc, &len, NULL), TIER_OK);
  char err[256];
  int rc = tier_load(bc, len, opt, rs, err, sizeof err);
  tier_free_bytes(NULL, bc, len);
  return rc;
}

/* The buffer's text, copied for the caller; TIER_ENOMEM when it failed. */
static int take_text(tier_buf *b, char **text) {
  const char *t = b ? tier_buf_text(b, NULL) : NULL;
  *text = t ? strdup(t) : NULL;
  tier_buf_free(b);
  return *text ? TIER_OK : TIER_ENOMEM;
}

/* ctx: the old and the new ruleset's paths */
static int diff_op(const tier_options *opt, void *ctx, char **text) {
  const char *const *path = ctx;
  tier_ruleset *a = NULL, *b = NULL;
  int rc = load_file(path[0], opt, &a);
  if (rc == TIER_OK) rc = load_file(path[1], opt, &b);
  tier_buf *out = rc == TIER_OK ? tier_buf_new(opt) : NULL;
  if (out && tier_rules_diff(a, b, path[0], path[1], 0, out) != TIER_OK) rc = TIER_ENOMEM;
  if (rc == TIER_OK) rc = take_text(out, text);
  else tier_buf_free(out);
  tier_ruleset_free(a);
  tier_ruleset_free(b);
  return rc == TIER_OK || rc == TIER_ENOMEM ? rc : TIER_EUSAGE;
}

/* ctx: NULL for the APN rules and tests, or {rules, tests} */
static int test_run_op(const tier_options *opt, void *ctx, char **text) {
  const char *const *paths = ctx;
  tier_ruleset *rs = NULL;
  int rc = load_file(paths ? paths[0] : "rules/apn-2019.tier", opt, &rs);
  tier_buf *out = rc == TIER_OK ? tier_buf_new(opt) : NULL;
  const char *files[] = {paths ? paths[1] : "examples/apn-2019.tests"};
  if (out && tier_test_run(rs, files, 1, 1, out) < 0) rc = TIER_ENOMEM;
  if (rc == TIER_OK) rc = out ? take_text(out, text) : TIER_ENOMEM;
  else tier_buf_free(out);
  tier_ruleset_free(rs);
  return rc;
}

static int input_op(const tier_options *opt, void *ctx, char **text) {
  (void)ctx;
  FILE *f = fopen("examples/partners.jsonl", "r");
  assert_non_null(f);
  tier_input *in = tier_input_new(f, opt);
  long n = 0, bytes = 0;
  const char *rec;
  size_t len;
  long line, col;
  while (in && tier_input_next(in, &rec, &len, &line, &col)) n++, bytes += (long)len;
  int rc = !in || tier_input_status(in) == TIER_ENOMEM ? TIER_ENOMEM : TIER_OK;
  tier_input_free(in);
  fclose(f);
  if (rc == TIER_OK) {
    char t[64];
    snprintf(t, sizeof t, "%ld records, %ld bytes", n, bytes);
    *text = strdup(t);
  }
  return rc;
}

/* Records held past later blocks (tier_input_hold, as tiervm -j does):
 * 300 records of 9 KB, three blocks, each held until the end and then let
 * go; out of memory anywhere is TIER_ENOMEM with every block freed (a hold
 * that cannot be had is out of memory here: tiervm copies the record then). */
static int input_hold_op(const tier_options *opt, void *ctx, char **text) {
  (void)ctx;
  enum { N = 300 };
  static FILE *f;
  if (!f) {
    f = tmpfile();
    assert_non_null(f);
    for (int i = 0; i < N; i++) fprintf(f, "{\"id\":\"%03d\",\"pad\":\"%09000d\"}\n", i, i);
  }
  rewind(f);
  tier_input *in = tier_input_new(f, opt);
  tier_hold *holds[N];
  const char *texts[N];
  size_t lens[N];
  long line, col;
  int n = 0, rc = in ? TIER_OK : TIER_ENOMEM;
  while (rc == TIER_OK && n < N && tier_input_next(in, &texts[n], &lens[n], &line, &col)) {
    if (!(holds[n] = tier_input_hold(in))) rc = TIER_ENOMEM;
    else n++;
  }
  if (in && tier_input_status(in) == TIER_ENOMEM) rc = TIER_ENOMEM;
  tier_input_free(in);
  unsigned long sum = 0;
  for (int i = 0; i < n; i++) {
    for (size_t k = 0; k < lens[i]; k++) sum = sum * 31 + (unsigned char)texts[i][k];
    tier_input_release(holds[i]);
  }
  if (rc == TIER_OK) {
    char t[64];
    snprintf(t, sizeof t, "%d records held, %lx", n, sum);
    *text = strdup(t);
  }
  return rc;
}

/* tierc fmt of the file ctx: its layout, or TIER_ENOMEM (never a syntax
 * error: the file parses, and running out of memory is not its fault). */
static int fmt_op(const tier_options *opt, void *ctx, char **text) {
  FILE *f = fopen(ctx, "rb");
  assert_non_null(f);
  static char src[1 << 16];
  size_t len = fread(src, 1, sizeof src, f);
  assert_true(len > 0 && len < sizeof src);
  fclose(f);
  tier_buf *out = tier_buf_new(opt), *dg = tier_buf_new(opt);
  int rc = out && dg ? tier_fmt(ctx, src, len, out, dg) : TIER_ENOMEM;
  if (rc == TIER_ECOMPILE) fprintf(stderr, "tier_fmt: %s\n", tier_buf_text(dg, NULL));
  tier_buf_free(dg);
  if (rc == TIER_OK) return take_text(out, text);
  tier_buf_free(out);
  return rc;
}

/* A ruleset to compile: from its file, or from src when src is given. */
struct source {
  const char *path, *src;
};

/* Compile a struct source; the output is the bytecode in hex, so a compile
 * that recovered from a failed allocation must give the same bytes. */
static int compile_op(const tier_options *opt, void *ctx, char **text) {
  const struct source *s = ctx;
  uint8_t *bc = NULL;
  size_t len = 0;
  tier_diags *d = NULL;
  int rc = tier_compile(s->path, s->src, s->src ? strlen(s->src) : 0, opt, &bc, &len, &d);
  if (rc == TIER_OK) {
    *text = malloc(2 * len + 1);
    assert_non_null(*text);
    for (size_t i = 0; i < len; i++) sprintf(*text + 2 * i, "%02x", bc[i]);
    (*text)[2 * len] = '\0';
    tier_free_bytes(opt, bc, len);
  } else {
    assert_null(bc);
    if (rc != TIER_ENOMEM) fprintf(stderr, "%s\n", tier_diags_text(d));
  }
  tier_diags_free(d);
  return rc;
}

/* A compiled ruleset and one record for eval_op. */
struct evaluation {
  uint8_t *bc;
  size_t len;
  char *line;
  size_t line_len;
};

/* Load, make a VM and evaluate one record; the output is the tier. */
static int eval_op(const tier_options *opt, void *ctx, char **text) {
  const struct evaluation *e = ctx;
  tier_ruleset *rs = NULL;
  char err[256];
  int rc = tier_load(e->bc, e->len, opt, &rs, err, sizeof err);
  tier_vm *vm = rc == TIER_OK ? tier_vm_new(rs, opt) : NULL;
  if (rc == TIER_OK && !vm) rc = TIER_ENOMEM;
  const tier_result *r = NULL;
  if (vm) rc = tier_eval_json(vm, e->line, e->line_len, TIER_NONE, &r);
  if (rc == TIER_OK) *text = strdup(r->tier ? r->tier : "(none)");
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  return rc;
}

/* Load, make a VM and evaluate one record at 2019-12-13 with every
 * requirement listed; the output is each entry's rule and, for a time
 * clause, the rules that failed at its checkpoint. */
static int eval_failures_op(const tier_options *opt, void *ctx, char **text) {
  const struct evaluation *e = ctx;
  tier_ruleset *rs = NULL;
  char err[256];
  int rc = tier_load(e->bc, e->len, opt, &rs, err, sizeof err);
  tier_options o = opt ? *opt : (tier_options){0};
  o.all_requirements = 1;
  tier_vm *vm = rc == TIER_OK ? tier_vm_new(rs, &o) : NULL;
  if (rc == TIER_OK && !vm) rc = TIER_ENOMEM;
  const tier_result *r = NULL;
  int64_t asof;
  assert_int_equal(tier_date_parse("2019-12-13", &asof), TIER_OK);
  if (vm) rc = tier_eval_json(vm, e->line, e->line_len, asof, &r);
  if (rc == TIER_OK) {
    size_t cap = 1 << 16, at = 0;
    *text = malloc(cap);
    assert_non_null(*text);
    (*text)[0] = 0;
    for (size_t i = 0; i < r->nreqs; i++) {
      at += (size_t)snprintf(*text + at, cap - at, "%s:", r->reqs[i].rule ? r->reqs[i].rule : "?");
      for (size_t j = 0; j < r->reqs[i].nitems; j++)
        at += (size_t)snprintf(*text + at, cap - at, " %s", r->reqs[i].items[j].rule);
      at += (size_t)snprintf(*text + at, cap - at, "\n");
    }
  }
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  return rc;
}

/* Tiers whose sustained clauses failed at an earlier checkpoint: their
 * lists of what failed there take entries as they are described
 * (result.c, cp_entries), and a failing allocation there is TIER_ENOMEM,
 * not a list said empty. */
static void eval_failures_under_oom(void **st) {
  (void)st;
  static const char src[] = "enum k { a }\nrecord { id: text; partner type: k; items: list { d: date; } }\n"
                            "metric c = count items where d <= asof;\n"
                            "tier T0 a < sustained 12 months; c >= 1; >\n"
                            "tier T1 a < sustained 12 months; c >= 1; c <= 5; >\n";
  static char json[] = "{\"id\":\"C\",\"type\":\"a\",\"items\":[{\"d\":\"2019-06-01\"}]}";
  struct evaluation e = {NULL, 0, json, sizeof json - 1};
  assert_int_equal(tier_compile("failures.tier", src, sizeof src - 1, NULL, &e.bc, &e.len, NULL), TIER_OK);
  char *want = NULL;
  assert_int_equal(eval_failures_op(NULL, &e, &want), TIER_OK);
  assert_non_null(strstr(want, "sustained 12 months: c >= 1 c >= 1\n")); /* T1's: T0's and its own */
  free(want);
  op_under_oom("load+eval, failing checkpoints described", eval_failures_op, &e, 10);
  tier_free_bytes(NULL, e.bc, e.len);
}

static void compile_card_under_oom(void **st) {
  (void)st;
  struct source s = {"examples/card.tier", NULL};
  op_under_oom("compile examples/card.tier", compile_op, &s, 10);
}
static void compile_apn_under_oom(void **st) {
  (void)st;
  struct source s = {"rules/apn-2019.tier", NULL};
  op_under_oom("compile rules/apn-2019.tier", compile_op, &s, 10);
}

/* Load and evaluate P-0029 of the examples (a sustained tier: Advanced). */
static void eval_under_oom(void **st) {
  (void)st;
  struct evaluation e;
  assert_int_equal(tier_compile("rules/apn-2019.tier", NULL, 0, NULL, &e.bc, &e.len, NULL), TIER_OK);
  FILE *f = fopen("examples/partners.jsonl", "r");
  assert_non_null(f);
  e.line = NULL;
  size_t cap = 0;
  ssize_t ll = 0;
  for (int i = 0; i < 29; i++) ll = getline(&e.line, &cap, f);
  fclose(f);
  assert_true(ll > 0);
  e.line_len = (size_t)ll;
  char *tier = NULL;
  assert_int_equal(eval_op(NULL, &e, &tier), TIER_OK);
  assert_string_equal(tier, "Advanced");
  free(tier);
  op_under_oom("load+eval", eval_op, &e, 10);
  free(e.line);
  tier_free_bytes(NULL, e.bc, e.len);
}

static void diff_under_oom(void **st) {
  (void)st;
  static const char *apn[] = {"rules/apn-2018.tier", "rules/apn-2019.tier"};
  op_under_oom("tier_rules_diff", diff_op, (void *)apn, 100);
}
/* consts changed: B read again with A's values, once per const and once whole */
static void diff_consts_under_oom(void **st) {
  (void)st;
  static const char *consts[] = {"tests/golden/data/consts.tier", "tests/golden/data/consts-v2.tier"};
  op_under_oom("tier_rules_diff of consts", diff_op, (void *)consts, 100);
}
static void test_run_under_oom(void **st) {
  (void)st;
  op_under_oom("tier_test_run --coverage", test_run_op, NULL, 100);
}
/* computed thresholds: their values from the trace, their report's step */
static void test_run_computed_under_oom(void **st) {
  (void)st;
  static const char *paths[] = {"tests/golden/data/trust/coverage-computed.tier",
                                "tests/golden/data/trust/coverage-computed-far.tests"};
  op_under_oom("tier_test_run --coverage (computed thresholds)", test_run_op, (void *)paths, 1);
}
static void input_under_oom(void **st) {
  (void)st;
  op_under_oom("tier_input", input_op, NULL, 2);
  op_under_oom("tier_input, records held", input_hold_op, NULL, 4);
}
static void fmt_under_oom(void **st) {
  (void)st;
  op_under_oom("tier_fmt", fmt_op, "rules/apn-2019.tier", 20);
}
static void deep_nesting_under_oom(void **st) {
  (void)st;
  enum { DEEP = 190 };
  char src[DEEP * 2 + 200];
  int k = snprintf(src, sizeof src,
                   "enum kind { consulting }\nrecord { id: text; partner type: kind; certified_people: int; }\n"
                   "tier Select consulting <\n  ");
  for (int i = 0; i < DEEP; i++) src[k++] = '(';
  k += snprintf(src + k, sizeof src - (size_t)k, "certified_people >= 1");
  for (int i = 0; i < DEEP; i++) src[k++] = ')';
  snprintf(src + k, sizeof src - (size_t)k, ";\n>\n");
  struct source s = {"deep.tier", src};
  op_under_oom("compile, nested 190 deep", compile_op, &s, 20);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(compile_card_under_oom), cmocka_unit_test(compile_apn_under_oom),
      cmocka_unit_test(eval_under_oom),         cmocka_unit_test(eval_failures_under_oom),
      cmocka_unit_test(diff_under_oom),         cmocka_unit_test(diff_consts_under_oom),
      cmocka_unit_test(test_run_under_oom),     cmocka_unit_test(test_run_computed_under_oom),
      cmocka_unit_test(input_under_oom),        cmocka_unit_test(deep_nesting_under_oom),
      cmocka_unit_test(fmt_under_oom),
  };
  return cmocka_run_group_tests_name("oom", tests, NULL, NULL);
}
