/*
 * test_verify.c - the verifier's rules, each with a hand-made segment that
 * breaks it (and near misses that keep it), and the verifier's work on
 * adversarial code, counted: doubling the input doubles the work.
 *
 * The segments replace the code of the last requirement of a small
 * compiled ruleset (nothing follows it, so no other offset moves).
 *
 * With TIER_WRITE_REGRESS=DIR in the environment, the hostile files are also
 * written to DIR as .tbc files (tests/fuzz/regress/load holds them: the load
 * fuzzer replays them), so that a change of the format rebuilds them with
 *   TIER_WRITE_REGRESS=tests/fuzz/regress/load build/tests/test_verify
 */
#include "testutil.h"

static const char *SRC = "enum kind { a }\n"
                         "record r { id: text; partner k: kind; n: int; d: date; items: list { x: int; } }\n"
                         "metric c = count items;\n"
                         "review = d;\n"
                         "tier T a < n >= 1; c >= 0; >\n";
static uint8_t *bc;
static size_t bc_n;

static int setup(void **st) {
  (void)st;
  tier_diags *d = NULL;
  int rc = tier_compile("test.tier", SRC, strlen(SRC), NULL, &bc, &bc_n, &d);
  if (rc != TIER_OK) fprintf(stderr, "%s", tier_diags_text(d));
  tier_diags_free(d);
  return rc == TIER_OK ? 0 : -1;
}
static int teardown(void **st) {
  (void)st;
  tier_free_bytes(NULL, bc, bc_n);
  return 0;
}

/* The compiled ruleset as an image to edit (read, not yet verified). */
static struct image *fresh(void) {
  char err[256];
  struct image *img = NULL;
  assert_int_equal(bc_read(NULL, bc, bc_n, NULL, &img, err, sizeof err), TIER_OK);
  return img;
}

static uint32_t add_const(struct image *img, int kind, int64_t v) {
  struct img_const *k = arena_alloc(&img->ar, sizeof *k * (img->nconsts + 1));
  memcpy(k, img->consts, sizeof *k * img->nconsts);
  memset(&k[img->nconsts], 0, sizeof *k);
  k[img->nconsts].kind = (uint8_t)kind;
  k[img->nconsts].v = v;
  img->consts = k;
  return img->nconsts++;
}

/* ---- building a segment ---------------------------------------------------------- */

struct seg {
  struct image *img;
  struct buf b;
  uint32_t base;  /* offset of the segment's first byte in the code */
  uint32_t kt, k0; /* constants true and 0 */
  uint32_t xcode;  /* the requirement's explain code (NO_STR: none) */
  uint32_t xn;     /* and its traced comparisons, */
  uint8_t xkind[4]; /* their types */
  uint32_t xcall;   /* the first one's call text (NO_STR: a comparison) */
  uint8_t xdepth;   /* and its depth */
  bool xvalue;      /* its own comparison is a computed threshold */
  int xextra;       /* comparisons in the table past (or short of) the requirements' */
};

static struct seg seg_new(struct image *img) {
  struct seg s = {.img = img, .base = img->reqs[img->nreqs - 1].code, .xcode = NO_STR, .xcall = NO_STR};
  s.kt = add_const(img, TY_BOOL, 1);
  s.k0 = add_const(img, TY_INT, 0);
  return s;
}
static uint32_t here(const struct seg *s) { return s->base + (uint32_t)s->b.n; }
static void op0(struct seg *s, int op) { buf_u8(&s->b, (uint8_t)op); }
static void op1(struct seg *s, int op, uint32_t a) { op0(s, op); buf_u32(&s->b, a); }
static void op2(struct seg *s, int op, uint32_t a, uint32_t b) { op1(s, op, a); buf_u32(&s->b, b); }
/* the operand just emitted, to patch once its target is known */
static uint32_t last_operand(const struct seg *s) { return (uint32_t)s->b.n - 4; }
static void patch(struct seg *s, uint32_t at, uint32_t target) {
  for (int i = 0; i < 4; i++) s->b.p[at + i] = (uint8_t)(target >> (8 * i));
}

/* With TIER_WRITE_REGRESS set, write img as DIR/NAME.tbc. */
static void save(const struct image *img, const char *name) {
  const char *dir = getenv("TIER_WRITE_REGRESS");
  if (!dir || !name) return;
  struct buf b = {0};
  assert_int_equal(bc_write(img, false, &b), TIER_OK);
  char path[512];
  snprintf(path, sizeof path, "%s/%s.tbc", dir, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b.p, 1, b.n, f), b.n);
  fclose(f);
  buf_free(&b);
}

/* The last requirement's traced comparisons become n of the given types
 * (the table's end, where its comparisons are), the first one a call of
 * text `call` at `depth` unless call is NO_STR. */
static void set_traces(struct image *img, uint32_t n, const uint8_t *kinds, uint32_t call, uint8_t depth, int extra) {
  struct img_req *r = &img->reqs[img->nreqs - 1];
  struct img_trace *t = arena_alloc(&img->ar, sizeof *t * (r->xfirst + n + 2));
  memcpy(t, img->traces, sizeof *t * r->xfirst);
  for (uint32_t i = 0; i < n + 1; i++) t[r->xfirst + i] = (struct img_trace){i < n ? kinds[i] : TY_INT, 0, NO_STR, 0};
  t[r->xfirst].call = call;
  t[r->xfirst].depth = depth;
  img->traces = t;
  img->ntraces = (uint32_t)((int)(r->xfirst + n) + extra);
  r->xn = n;
}

/* Make the segment the last requirement's code (with no metadata, and a
 * cost claim that cannot be too low) and verify; the message, "" if none.
 * `name`, when not NULL, names the file save() writes. */
static const char *verify_named(struct seg *s, const char *name) {
  static char err[512];
  struct image *img = s->img;
  uint8_t *code = arena_alloc(&img->ar, s->base + s->b.n);
  memcpy(code, img->code, s->base);
  memcpy(code + s->base, s->b.p, s->b.n);
  img->code = code;
  img->codelen = s->base + (uint32_t)s->b.n;
  struct img_req *r = &img->reqs[img->nreqs - 1];
  r->metric = r->field = -1;
  r->xcode = s->xcode;
  set_traces(img, s->xn, s->xkind, s->xcall, s->xdepth, s->xextra);
  r->xvalue = r->xthreshold = s->xvalue ? r->rule : NO_STR;
  r->xcmp = CMP_GE;
  img->cost_base = UINT64_MAX / 4;
  for (uint32_t l = 0; l < img->nlists; l++) img->cost_per[l] = UINT64_MAX / 4;
  buf_free(&s->b);
  save(img, name);
  err[0] = 0;
  int rc = vfy_image(img, err, sizeof err);
  assert_true(rc == TIER_OK ? err[0] == 0 : err[0] != 0);
  return err;
}
static const char *verify(struct seg *s) { return verify_named(s, NULL); }

static uint32_t field_slot(const struct image *img, const char *name) {
  for (uint32_t f = 0; f < img->nfields; f++)
    if (strcmp(img_str(img, img->fields[f].name), name) == 0) return img->fields[f].slot;
  fail_msg("no field %s", name);
  return 0;
}

/* ---- the rules --------------------------------------------------------------------- */

/* A set emptied before a branch is emptied on both paths: accepted. */
static void set_cleared_before_branch(void **st) {
  (void)st;
  struct seg s = seg_new(fresh());
  op1(&s, OP_DCLEAR, 0);
  op1(&s, OP_PUSH, s.kt);
  op1(&s, OP_JUMPF, 0);
  uint32_t j = last_operand(&s);
  op0(&s, OP_NOP);
  patch(&s, j, here(&s));
  op1(&s, OP_DSIZE, 0);
  op1(&s, OP_GEK_I, s.k0);
  op0(&s, OP_RET);
  assert_string_equal(verify(&s), "");
  image_free(s.img);
}

/* Emptied on one path only: the set could hold the previous record's
 * values when the other path is taken (cases/hardening/set-not-cleared). */
static void set_cleared_on_one_path(void **st) {
  (void)st;
  struct seg s = seg_new(fresh());
  op1(&s, OP_PUSH, s.kt);
  op1(&s, OP_JUMPF, 0);
  uint32_t j = last_operand(&s);
  op1(&s, OP_DCLEAR, 0);
  patch(&s, j, here(&s));
  op1(&s, OP_DSIZE, 0);
  op1(&s, OP_GEK_I, s.k0);
  op0(&s, OP_RET);
  tu_assert_contains(verify_named(&s, "verify-set-not-cleared-on-one-path"), "DSIZE uses set s0 before DCLEAR on some path");
  image_free(s.img);
}

/* A median segment over the list `items`: MCLEAR, a loop adding each x (as
 * a number) unless `skip_clear`, with MCLEAR/MADD/MEDIAN where the flags put
 * them, then `MEDIAN >= 0`.  buf is the buffer the MADD names. */
struct median_seg { bool skip_clear, add_outside, clear_inside, twice; uint32_t buf; };
static void median_segment(struct seg *s, struct median_seg m) {
  struct num zero = num_from_int(0);
  uint32_t kz = add_const(s->img, TY_NUMBER, 0);
  s->img->consts[kz].q = zero;
  uint32_t x = 0, items = 0; /* the list and its only item slot */
  if (!m.skip_clear) op1(s, OP_MCLEAR, 0);
  if (m.add_outside) {
    op1(s, OP_PUSH_F, kz);
    op1(s, OP_MADD, m.buf);
  }
  for (int pass = 0; pass < (m.twice ? 2 : 1); pass++) {
    uint32_t loop = here(s);
    op2(s, OP_LOOP, items, 0);
    uint32_t end = last_operand(s), body = here(s);
    if (m.clear_inside) op1(s, OP_MCLEAR, 0);
    op1(s, OP_ITEM, x);
    op0(s, OP_I2F);
    op1(s, OP_MADD, m.buf);
    op2(s, OP_NEXT, items, body);
    patch(s, end, here(s));
    (void)loop;
  }
  op1(s, OP_MEDIAN, 0);
  op1(s, OP_PUSH_F, kz);
  op0(s, OP_GE_F);
  op0(s, OP_RET);
}

/* Median buffers follow the distinct sets' rules: filled inside a loop
 * after being emptied before it, never read before being emptied; there
 * are MAX_MBUFS of them. */
static void median_buffer_rules(void **st) {
  (void)st;
  static const struct { struct median_seg m; const char *name, *want; } cases[] = {
      {{.buf = 0}, NULL, ""},
      {{.skip_clear = true}, "verify-median-not-cleared", "MADD fills buffer b0, which is not emptied before its loop"},
      {{.add_outside = true}, "verify-median-add-outside-loop", "MADD outside a loop"},
      {{.skip_clear = true, .clear_inside = true}, "verify-median-clear-inside-loop",
       "MADD fills buffer b0, which is not emptied before its loop"},
      {{.buf = MAX_MBUFS}, "verify-median-buffer-out-of-range", "median buffer 4 out of range (4 buffers)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct seg s = seg_new(fresh());
    median_segment(&s, cases[i].m);
    const char *err = verify_named(&s, cases[i].name);
    if (*cases[i].want) tu_assert_contains(err, cases[i].want);
    else assert_string_equal(err, "");
    image_free(s.img);
  }
}

/* Trace slots (design2.md "values that decide"; format 11): TRACE only in
 * a requirement's explain code, into a slot of one of its traced
 * comparisons (two each), of a value of that comparison's type; at least
 * one TRACE per slot; explain code exactly when some comparison is traced;
 * a computed threshold only with explain code; the comparisons' types
 * known and their total the table's.  Format 12: a traced formula call's
 * text is a string, only a call has a depth, and a computed threshold's
 * entry is a comparison.  The explain code is `0 >= 0` with each side
 * traced, `traced` comparisons claimed (1 unless said), the first a call
 * of the rule's text when `call`, of text `call_text` when that is not 0. */
struct trace_seg {
  bool in_rule;
  uint32_t slot;
  int op;
  uint8_t kind;
  uint32_t traced; /* comparisons claimed, when not 1 */
  bool no_explain; /* the comparisons claimed, but no explain code */
  bool untraced;   /* explain code, but no comparison claimed */
  bool own;        /* a computed threshold (xvalue) */
  int extra;       /* comparisons added to the table past the requirements' */
  bool call;       /* the first traced entry is a formula call */
  uint32_t call_text;
  uint8_t depth; /* the first traced entry's depth */
};
static void trace_segment(struct seg *s, struct trace_seg t) {
  op1(s, OP_PUSH, s->kt);
  if (t.in_rule) op1(s, OP_TRACE, t.slot);
  op0(s, OP_RET);
  s->xvalue = t.own;
  s->xextra = t.extra;
  s->xcall = !t.call ? NO_STR : t.call_text ? t.call_text : s->img->reqs[s->img->nreqs - 1].rule;
  s->xdepth = t.depth;
  s->xn = t.in_rule || t.untraced || (t.own && t.no_explain) ? 0 : t.traced ? t.traced : 1;
  for (uint32_t i = 0; i < s->xn; i++) s->xkind[i] = t.kind;
  if (t.in_rule || t.no_explain) return;
  s->xcode = here(s);
  op1(s, OP_PUSH, s->k0);
  op1(s, t.op, t.slot);
  op1(s, OP_PUSH, s->k0);
  op1(s, OP_TRACE, TRACE_REQUIRED);
  op0(s, OP_GE_I);
  op0(s, OP_RET);
}
static void trace_rules(void **st) {
  (void)st;
  static const struct {
    struct trace_seg t;
    const char *name, *want;
  } cases[] = {
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT, .own = true}, NULL, ""},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT}, NULL, ""},
      {{.in_rule = true, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT},
       "verify-trace-outside-explain",
       "TRACE outside explain code"},
      {{.in_rule = false, .slot = 2, .op = OP_TRACE, .kind = TY_INT},
       "verify-trace-slot-out-of-range",
       "trace slot 2 out of range (2 slots)"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_DATE},
       "verify-trace-wrong-class",
       "TRACE copies a I value; the comparison's values are D"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE_F, .kind = TY_INT},
       "verify-trace-f-of-integer",
       "TRACE_F copies a I value; the comparison's values are I"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT, .traced = 2},
       "verify-trace-too-few",
       "explain code of requirement 1: 2 TRACE instructions for 2 traced comparisons (2 each)"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT, .no_explain = true},
       "verify-trace-no-explain",
       "requirement 1: traced comparisons without explain code"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT, .own = true, .no_explain = true},
       "verify-trace-threshold-no-explain",
       "requirement 1: a computed threshold without explain code"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT, .untraced = true},
       "verify-trace-explain-untraced",
       "requirement 1: explain code that traces no comparison"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_LIST},
       "verify-trace-type-list",
       "requirement 1: traced comparison 0 of unknown type"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT, .extra = 1},
       "verify-trace-table-longer",
       "the requirements trace 1 comparisons, the table has 2"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT, .extra = -1},
       "verify-trace-table-shorter",
       "requirement 1: traced comparisons out of range (0 in the table)"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT, .call = true, .depth = 3}, NULL, ""},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT, .call = true, .call_text = 0x7fffffff},
       "verify-trace-call-text",
       "requirement 1: traced formula call 0: text out of range"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT, .depth = 2},
       "verify-trace-comparison-depth",
       "requirement 1: traced comparison 0 inside 2 formula calls"},
      {{.in_rule = false, .slot = TRACE_ACTUAL, .op = OP_TRACE, .kind = TY_INT, .own = true, .call = true},
       "verify-trace-threshold-call",
       "requirement 1: its computed threshold (traced comparison 0) is a formula call"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct seg s = seg_new(fresh());
    trace_segment(&s, cases[i].t);
    const char *err = verify_named(&s, cases[i].name);
    if (*cases[i].want) tu_assert_contains(err, cases[i].want);
    else assert_string_equal(err, "");
    image_free(s.img);
  }
}

/* A buffer sized for the record's longest list cannot overflow: a crafted
 * file that fills one buffer from two loops verifies (each loop is
 * bounded), and the VM stops the record with an error when the buffer is
 * full, instead of writing past it. */
static void median_buffer_cannot_overflow(void **st) {
  (void)st;
  struct seg s = seg_new(fresh());
  median_segment(&s, (struct median_seg){.twice = true});
  struct image *img = s.img;
  assert_string_equal(verify_named(&s, "vm-median-filled-twice"), "");
  struct buf b = {0};
  assert_int_equal(bc_write(img, false, &b), TIER_OK);
  tier_ruleset *rs = NULL;
  char err[256];
  assert_int_equal(tier_load(b.p, b.n, NULL, &rs, err, sizeof err), TIER_OK);
  tier_vm *vm = tier_vm_new(rs, NULL);
  const char *json = "{\"id\":\"p\",\"k\":\"a\",\"n\":1,\"d\":\"2019-01-01\",\"items\":[{\"x\":1},{\"x\":2}]}";
  const tier_result *r = NULL;
  assert_int_equal(tier_eval_json(vm, json, strlen(json), TIER_NONE, &r), TIER_ERUNTIME);
  tu_assert_contains(tier_vm_error(vm), "too many values for a median");
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  buf_free(&b);
  image_free(img);
}

static void requirement_gives_bool(void **st) {
  (void)st;
  struct seg s = seg_new(fresh());
  op1(&s, OP_PUSH, s.k0);
  op0(&s, OP_RET);
  tu_assert_contains(verify(&s), "requirement 1 must give a bool, gives class I");
  image_free(s.img);
}

/* The review rule's value is the evaluation date: an int is refused. */
static void review_gives_date(void **st) {
  (void)st;
  struct image *img = fresh();
  assert_int_equal(img->code[img->review_code], OP_FIELD);
  for (int i = 0; i < 4; i++) img->code[img->review_code + 1 + i] = (uint8_t)(field_slot(img, "n") >> (8 * i));
  char err[256] = "";
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "review rule must give a date, gives class I");
  image_free(img);
}

/* Date arithmetic takes dates only: an int (which may be far outside the
 * calendar) is refused (cases/hardening/ub-addday). */
static void date_arithmetic_on_int(void **st) {
  (void)st;
  struct seg s = seg_new(fresh());
  op1(&s, OP_FIELD, field_slot(s.img, "n"));
  op1(&s, OP_ADDDAY, 1);
  op0(&s, OP_ISNONE);
  op0(&s, OP_RET);
  tu_assert_contains(verify_named(&s, "ub-addday-on-an-int"), "ADDDAY expects D values, finds I");
  image_free(s.img);
}

static void date_constant_out_of_range(void **st) {
  (void)st;
  struct image *img = fresh();
  uint32_t k = add_const(img, TY_DATE, (int64_t)DATE_MAX + 1);
  char err[256] = "";
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  char want[64];
  snprintf(want, sizeof want, "consts: constant %u: date out of range", k);
  tu_assert_contains(err, want);
  image_free(img);
}

static void constant_of_another_class(void **st) {
  (void)st;
  struct seg s = seg_new(fresh());
  op1(&s, OP_FIELD, field_slot(s.img, "d"));
  op1(&s, OP_GEK_I, s.k0);
  op0(&s, OP_RET);
  tu_assert_contains(verify(&s), "GEK_I compares a D value with a I constant");
  image_free(s.img);
}

/* The metadata explain and the gap print must be what the code computes. */
static void metadata_describes_code(void **st) {
  (void)st;
  struct image *img = fresh();
  assert_int_equal(img->reqs[0].cmp, CMP_GE);
  img->reqs[0].cmp = CMP_GT;
  char err[256] = "";
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "requirement 0: its metric, comparison and constant do not describe its code");
  image_free(img);

  img = fresh();
  img->reqs[0].konst = add_const(img, TY_INT, 2); /* the code compares with 1 */
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "requirement 0: its metric, comparison and constant do not describe its code");
  image_free(img);

  img = fresh();
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_OK); /* untouched, it holds */
  image_free(img);
}

static void jump_into_loop_body(void **st) {
  (void)st;
  struct seg s = seg_new(fresh());
  op1(&s, OP_PUSH, s.k0);
  op1(&s, OP_PUSH, s.kt);
  op1(&s, OP_JUMPF, 0);
  uint32_t j = last_operand(&s);
  uint32_t loop = here(&s);
  op2(&s, OP_LOOP, 0, 0);
  uint32_t end = last_operand(&s);
  uint32_t body = here(&s);
  patch(&s, j, body);
  op0(&s, OP_NOP);
  op2(&s, OP_NEXT, 0, body);
  patch(&s, end, here(&s));
  op1(&s, OP_GEK_I, s.k0);
  op0(&s, OP_RET);
  char want[80];
  snprintf(want, sizeof want, "code at offset %u: a jump enters the loop body at %u", loop - 5, body);
  tu_assert_contains(verify(&s), want);
  image_free(s.img);
}

/* ---- nested lists ------------------------------------------------------------------ */

/* A ruleset with lists nested three deep, and a fourth list of the record:
 * lists a (0) > b (1) > c (2), and d (3); fields id, k, a, b, c, x, d, y. */
static struct image *nested_image(void) {
  static const char src[] =
      "enum kind { a }\n"
      "record { id: text; partner k: kind; a: list { b: list { c: list { x: int; } } } d: list { y: int; } }\n"
      "metric n = count a;\n"
      "tier T a < n >= 0; >\n";
  struct image *img = tu_image(src);
  assert_int_equal(img->nlists, 4);
  return img;
}

/* Lists nest at most three deep: list d moved into c's items is a fourth level. */
static void lists_nest_three_deep(void **st) {
  (void)st;
  char err[256];
  struct image *img = nested_image();
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_OK); /* three deep: fine */
  assert_int_equal(img->lists[2].depth, 2);
  assert_int_equal(img->lists[2].parent, 1);
  image_free(img);
  img = nested_image();
  struct img_field *d = &img->fields[img->lists[3].field];
  assert_int_equal(d->slot, img->ntop - 1);
  d->owner = 2;
  d->slot = img->lists[2].width++;
  img->ntop--;
  save(img, "verify-list-nested-four-deep");
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  assert_string_equal(err, "schema: list 3 is nested 4 deep (limit 3)");
  image_free(img);
}

/* A list inside a list comes after it: a list inside its own items would
 * make the lists a cycle. */
static void list_inside_itself(void **st) {
  (void)st;
  char err[256];
  struct image *img = nested_image();
  img->fields[img->lists[1].field].owner = 1;
  save(img, "verify-list-inside-itself");
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  assert_string_equal(err, "schema: field 3: bad list");
  image_free(img);
}

/* The slot that holds an inner list is no value for ITEM. */
static void item_of_a_list_slot(void **st) {
  (void)st;
  struct image *img = nested_image();
  struct seg s = seg_new(img);
  op2(&s, OP_LOOP, 0, 0);
  uint32_t end = last_operand(&s), body = here(&s);
  op1(&s, OP_ITEM, img->lists[1].pslot);
  op1(&s, OP_DADD, 0);
  op2(&s, OP_NEXT, 0, body);
  patch(&s, end, here(&s));
  op1(&s, OP_PUSH, s.kt);
  op0(&s, OP_RET);
  char want[80];
  snprintf(want, sizeof want, "code at offset %u: item slot 0 holds a list, not a value", body);
  assert_string_equal(verify_named(&s, "verify-item-of-a-list-slot"), want);
  image_free(img);
}

/* Code of the form LOOP l1 { LOOP l2 { ... } } over nested_image()'s lists,
 * closed properly; `inner` is emitted inside the innermost body. */
static void loops_around(struct seg *s, const uint32_t *lists, int n, void (*inner)(struct seg *)) {
  uint32_t end[LIM_LIST_DEPTH + 1], body[LIM_LIST_DEPTH + 1];
  for (int i = 0; i < n; i++) {
    op2(s, OP_LOOP, lists[i], 0);
    end[i] = last_operand(s);
    body[i] = here(s);
  }
  if (inner) inner(s);
  else op0(s, OP_NOP);
  for (int i = n; i-- > 0;) {
    op2(s, OP_NEXT, lists[i], body[i]);
    patch(s, end[i], here(s));
  }
  op1(s, OP_PUSH, s->kt);
  op0(s, OP_RET);
}

/* Loops nest as their lists do: a loop over an inner list stands right
 * inside the loop over its parent, and one over a list of the record
 * outside every loop. */
static void loops_nest_as_lists_do(void **st) {
  (void)st;
  static const struct { uint32_t lists[3]; int n; const char *name, *want; } cases[] = {
      {{0, 1, 2}, 3, NULL, ""},
      {{3}, 1, NULL, ""},
      {{1}, 1, "verify-loop-inner-list-outside-parent",
       "the loop over list 1, a list inside list 0's items, is not inside a loop over list 0"},
      {{0, 2}, 2, "verify-loop-skips-a-level", "a loop over list 2 inside the loop over list 0: loops nest only as their lists do"},
      {{0, 3}, 2, "verify-loop-record-list-inside-loop", "a loop over list 3 inside the loop over list 0: loops nest only as their lists do"},
      {{0, 0}, 2, NULL, "a loop over list 0 inside the loop over list 0: loops nest only as their lists do"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct image *img = nested_image();
    struct seg s = seg_new(img);
    loops_around(&s, cases[i].lists, cases[i].n, NULL);
    const char *e = verify_named(&s, cases[i].name);
    if (!*cases[i].want) assert_string_equal(e, "");
    else tu_assert_contains(e, cases[i].want);
    image_free(img);
  }
}

/* An inner loop closes before the loop around it does. */
static void inner_loop_ends_inside(void **st) {
  (void)st;
  struct image *img = nested_image();
  struct seg s = seg_new(img);
  uint32_t at = here(&s);
  op2(&s, OP_LOOP, 0, 0);
  uint32_t end0 = last_operand(&s), body0 = here(&s);
  op2(&s, OP_LOOP, 1, 0);
  uint32_t end1 = last_operand(&s), body1 = here(&s);
  op0(&s, OP_NOP);
  op2(&s, OP_NEXT, 0, body0);
  patch(&s, end0, here(&s));
  op2(&s, OP_NEXT, 1, body1);
  patch(&s, end1, here(&s));
  op1(&s, OP_PUSH, s.kt);
  op0(&s, OP_RET);
  char want[96];
  snprintf(want, sizeof want, "code at offset %u: the loop ends outside the loop around it", at + 9);
  assert_string_equal(verify_named(&s, "verify-inner-loop-ends-outside"), want);
  image_free(img);
}

/* A set is filled inside a loop after being emptied before that loop: an
 * inner list's count distinct empties it in the parent's loop, once per
 * parent item; emptied inside the loop that fills it, it is refused. */
static void distinct_of_inner_list(struct seg *s) {
  op1(s, OP_DCLEAR, 0);
  op2(s, OP_LOOP, 2, 0);
  uint32_t end = last_operand(s), body = here(s);
  op1(s, OP_ITEM, 0);
  op1(s, OP_DADD, 0);
  op2(s, OP_NEXT, 2, body);
  patch(s, end, here(s));
  op1(s, OP_DSIZE, 0);
  op1(s, OP_GEK_I, s->k0);
  op0(s, OP_NOT);
  op1(s, OP_JUMPF, here(s) + 5);
}
static void cleared_inside_the_filling_loop(struct seg *s) {
  op1(s, OP_DCLEAR, 0);
  op1(s, OP_ITEM, 0);
  op1(s, OP_DADD, 0);
}
static void sets_of_inner_lists(void **st) {
  (void)st;
  static const uint32_t ab[] = {0, 1}, abc[] = {0, 1, 2};
  struct image *img = nested_image();
  struct seg s = seg_new(img);
  loops_around(&s, ab, 2, distinct_of_inner_list);
  assert_string_equal(verify(&s), "");
  image_free(img);
  img = nested_image();
  s = seg_new(img);
  loops_around(&s, abc, 3, cleared_inside_the_filling_loop);
  tu_assert_contains(verify_named(&s, "verify-set-emptied-inside-its-loop"), "DADD fills set s0, which is not emptied before its loop");
  image_free(img);
}

/* The cost bound stays linear in the record's items however the loops
 * nest: a loop body counts once per item of its list, an inner list's
 * items counted over all its parent items. */
static void cost_of_nested_loops(void **st) {
  (void)st;
  static const uint32_t abc[] = {0, 1, 2};
  char err[256];
  struct image *img = nested_image();
  struct seg s = seg_new(img);
  loops_around(&s, abc, 3, NULL);
  assert_string_equal(verify(&s), "");
  /* the claims verify() wrote are upper bounds; recompute them */
  img->cost_per = NULL;
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_OK);
  /* per item (docs/bytecode.md 13): its slots, the sets' share, and the
   * code: c's body NOP, NEXT c; b's LOOP c, NEXT b; a's LOOP b, NEXT a
   * (and the metric block's count of a) */
  uint64_t share = 6 * (uint64_t)img->nsets;
  assert_int_equal(img->cost_per[2], img->lists[2].width + share + 2);
  assert_int_equal(img->cost_per[1], img->lists[1].width + share + 2);
  assert_true(img->cost_per[0] >= img->lists[0].width + share + 2);
  image_free(img);
}

/* ---- no undefined behaviour behind the verifier ---------------------------------- */

/* The gap and --coverage compute one past a threshold: a threshold at
 * int64's end (a file could claim one; no source can) is refused. */
static void threshold_out_of_range(void **st) {
  (void)st;
  struct image *img = fresh();
  img->consts[img->reqs[0].konst].v = INT64_MAX; /* the code compares with the same constant */
  char err[256] = "";
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "tiers: requirement 0: threshold 9223372036854775807 out of range");
  image_free(img);
}

/* Every date the VM computes with is a calendar date, the evaluation date a
 * library caller gives included; any day number formats without fault. */
static void dates_stay_in_the_calendar(void **st) {
  (void)st;
  tier_ruleset *rs = NULL;
  char err[256];
  assert_int_equal(tier_load(bc, bc_n, NULL, &rs, err, sizeof err), TIER_OK);
  tier_vm *vm = tier_vm_new(rs, NULL);
  const char *rec = "{\"id\":\"a\",\"k\":\"a\",\"n\":2,\"d\":\"2019-12-13\"}";
  const tier_result *res;
  static const int64_t bad[] = {INT64_MAX, INT64_MIN + 1, DATE_MAX + 1, DATE_MIN - 1};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(tier_eval_json(vm, rec, strlen(rec), bad[i], &res), TIER_EUSAGE);
    tu_assert_contains(tier_vm_error(vm), "the evaluation date is not a date between 0001-01-01 and 9999-12-31");
  }
  assert_int_equal(tier_eval_json(vm, rec, strlen(rec), DATE_MAX, &res), TIER_OK);
  assert_string_equal(res->tier, "T");
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  char d[11];
  tier_date_format(INT64_MAX, d);
  assert_string_equal(d, "out-of-rng");
  tier_date_format(INT64_MIN + 1, d);
  assert_string_equal(d, "out-of-rng");
  tier_date_format(DATE_MAX, d);
  assert_string_equal(d, "9999-12-31");
  tier_date_format(DATE_MIN, d);
  assert_string_equal(d, "0001-01-01");
}

/* A list item holds at most LIM_ITEM_SLOTS fields: the record reader keeps
 * every slot of every item (cases/hardening/cost-bound-not-time: 65,530
 * optional fields, 512 KB per item, claimed cost 0). */
static void item_too_wide(void **st) {
  (void)st;
  struct image *img = fresh();
  assert_true(img->nlists == 1);
  img->lists[0].width = LIM_ITEM_SLOTS + 1;
  save(img, "verify-list-item-too-wide");
  char err[256] = "";
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "schema: list 0: 1025 fields per item (limit 1024, 8 KiB of record memory)");
  image_free(img);
}

/* ---- linear work ---------------------------------------------------------------------- */

/* n conditional jumps all pending at once, over a stack `deep` values
 * deep: the shape that made the first verifier quadratic (every pending
 * target scanned at every instruction, whole stacks compared at each). */
static uint64_t work_of(uint32_t n, uint32_t deep) {
  struct seg s = seg_new(fresh());
  for (uint32_t i = 0; i < deep; i++) op1(&s, OP_PUSH, s.k0);
  uint32_t *at = malloc(sizeof *at * n);
  for (uint32_t i = 0; i < n; i++) {
    op1(&s, OP_PUSH, s.kt);
    op1(&s, OP_JUMPF, 0);
    at[i] = last_operand(&s);
  }
  for (uint32_t i = n; i-- > 0;) { /* the last jump lands first */
    patch(&s, at[i], here(&s));
    op0(&s, OP_NOP);
  }
  free(at);
  for (uint32_t i = 1; i < deep; i++) op0(&s, OP_ADD_I);
  op1(&s, OP_GEK_I, s.k0);
  op0(&s, OP_RET);
  assert_string_equal(verify_named(&s, n == 40000 && deep == 200 ? "verify-quadratic-forward-jumps" : NULL), "");
  uint64_t w = s.img->vfy_work;
  image_free(s.img);
  return w;
}

static void work_is_linear(void **st) {
  (void)st;
  static const uint32_t deep[] = {1, 200};
  for (size_t i = 0; i < sizeof deep / sizeof deep[0]; i++) {
    uint64_t w1 = work_of(20000, deep[i]), w2 = work_of(40000, deep[i]);
    double ratio = (double)w2 / (double)w1;
    fprintf(stderr, "verifier work, depth %u: %llu steps for 20000 jumps, %llu for 40000 (x%.2f)\n", deep[i],
            (unsigned long long)w1, (unsigned long long)w2, ratio);
    assert_true(ratio > 1.8 && ratio < 2.2);
  }
}

/* ---- tier references ------------------------------------------------------------------ */

/* A HOLDS or MEETS of the requirement's own block, or of no block: refused. */
static void ref_of_itself_or_nothing(void **st) {
  (void)st;
  struct seg s = seg_new(fresh());
  op1(&s, OP_HOLDS, 0);
  op0(&s, OP_RET);
  tu_assert_contains(verify_named(&s, "refs-holds-itself"), "HOLDS of block 0 in requirement 1, which does not come after it");
  image_free(s.img);
  s = seg_new(fresh());
  op1(&s, OP_MEETS, 7);
  op0(&s, OP_RET);
  tu_assert_contains(verify_named(&s, "refs-meets-no-block"), "MEETS of block 7, out of range (1 blocks)");
  image_free(s.img);
}

/* Image img, made hostile, saved as regress input `name` and refused by
 * the verifier with a message containing want; then freed. */
static void refused_as(struct image *img, const char *name, const char *want) {
  char err[256];
  save(img, name);
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, want);
  image_free(img);
}

/* A ruleset of three blocks, Silver < Gold and a badge X that refers to
 * Gold by `ref`, as an image to edit. */
static struct image *refs_image(const char *ref) {
  char src[512];
  snprintf(src, sizeof src,
           "enum kind { a }\nrecord r { id: text; partner k: kind; n: int; }\n"
           "tier Silver a < n >= 1; >\ntier Gold a < n >= 2; >\nbadge X < %s Gold; >\n",
           ref);
  return tu_image(src);
}

/* The block order: every block once, each reference after what it names
 * (HOLDS of a tier: after the tiers below it too); the rounds follow. */
static void refs_follow_the_block_order(void **st) {
  (void)st;
  char err[256];
  struct image *img = refs_image("holds");
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_OK);
  assert_int_equal(img->rounds, 2);
  image_free(img);
  /* Gold, X, Silver: X's HOLDS Gold needs Silver before it too */
  static const uint32_t late_silver[] = {1, 2, 0};
  img = refs_image("holds");
  memcpy(img->order, late_silver, sizeof late_silver);
  save(img, "refs-holds-before-lower-tier");
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "HOLDS of block 1 in requirement 2, which does not come after it in the block order");
  image_free(img);
  /* ... and MEETS Gold does not */
  img = refs_image("meets");
  memcpy(img->order, late_silver, sizeof late_silver);
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_OK);
  image_free(img);
  img = refs_image("meets");
  img->order[2] = 1;
  save(img, "refs-order-twice");
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "the block order names block 1 twice or out of range");
  image_free(img);
}

/* Badges B0 .. B32, each holding the one before (a chain of LIM_REF_CHAIN
 * references, which compiles), and Top holding B0; blocks in that order. */
static struct image *ref_chain_image(void) {
  struct buf b = {0};
  buf_printf(&b, "enum kind { a }\nrecord r { id: text; partner k: kind; n: int; }\nbadge B0 < n >= 1; >\n");
  for (int i = 1; i <= LIM_REF_CHAIN; i++) buf_printf(&b, "badge B%d < holds B%d; >\n", i, i - 1);
  buf_printf(&b, "badge Top < holds B0; >\n");
  buf_put(&b, "", 1);
  struct image *img = tu_image((const char *)b.p);
  buf_free(&b);
  for (uint32_t k = 0; k < img->nbadges; k++) img->order[k] = k;
  return img;
}

/* A record is evaluated once per link of the longest chain of references,
 * each time whole, so the verifier refuses a chain past LIM_REF_CHAIN as
 * the compiler does (tests/cases/holds.tier): Top's HOLDS B0 made HOLDS
 * B32 is one link too many. */
static void refs_chain_has_a_limit(void **st) {
  (void)st;
  char err[256];
  struct image *img = ref_chain_image();
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_OK);
  assert_int_equal(img->rounds, LIM_REF_CHAIN + 1);
  image_free(img);
  img = ref_chain_image();
  uint8_t *in = img->code + img->reqs[img->nreqs - 1].code;
  assert_int_equal(in[0], OP_HOLDS);
  in[1] = LIM_REF_CHAIN; /* the operand, a little-endian u32: B32 */
  refused_as(img, "refs-chain-too-deep", "ladder: references chain 33 deep (limit 32)");
}

/* A grant's condition names blocks before its whole ladder; a tier's
 * grant names a tier and has no value text; its condition's text is a
 * string. */
static void grants_follow_the_block_order(void **st) {
  (void)st;
  static const char *src = "enum kind { a }\nrecord r { id: text; partner k: kind; n: int; }\n"
                           "tier Silver a < n >= 1; >\ntier Gold a < n >= 2; >\nbadge X < n >= 3; >\n"
                           "grant Gold when holds X;\n";
  char err[256];
  struct image *img = tu_image(src);
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_OK);
  assert_int_equal(img->rounds, 2);
  image_free(img);
  /* Silver, Gold, X: the grant's HOLDS X comes after the ladder's first tier */
  static const uint32_t badge_last[] = {0, 1, 2};
  img = tu_image(src);
  memcpy(img->order, badge_last, sizeof badge_last);
  refused_as(img, "grant-holds-after-its-ladder", "HOLDS of block 2 in grant 0, which does not come after it in the block order");
  img = tu_image(src);
  img->grants[0].tier = 3;
  refused_as(img, "grant-tier-out-of-range", "ladder: grant 0: tier 3 out of range");
  img = tu_image(src);
  img->grants[0].value = img->grants[0].text;
  refused_as(img, "grant-tier-with-value-text", "ladder: grant 0: a tier's grant has a value text");
  img = tu_image(src);
  img->grants[0].text = img->nstrs;
  refused_as(img, "grant-text-out-of-range", "ladder: grant 0: condition text index out of range");
}

/* The rules' consts (format 9): a name, a constant in range, each constant
 * named once and in ascending order, never an enum value.  One hostile
 * image per rule, each refused with its reason. */
static void consts_name_their_constants(void **st) {
  (void)st;
  static const char *src = "enum kind { a }\nrecord r { id: text; partner k: kind; n: int; m: money; s: text; }\n"
                           "const low = 2;\nconst cap = 500;\nconst home = \"JP\";\n"
                           "tier T a < n >= low; m <= cap; s == home; n <= 2; >\n";
  static const struct {
    const char *file, *err;
    int what; /* 0 name, 1 constant, 2 the second names the first's, 3 an enum constant */
  } bad[] = {
      {"verify-const-name", "consts: const 1: name out of range", 0},
      {"verify-const-constant", "consts: const 1: constant 4000 out of range", 1},
      {"verify-const-twice", "consts: const 1: constants not in ascending order", 2},
      {"verify-const-enum", "consts: const 1: an enum value", 3},
  };
  char err[256];
  struct image *img = tu_image(src);
  assert_int_equal(img->nnamed, 3);
  /* the literal 2 and const low = 2 are two constants */
  assert_int_not_equal(img->named[0].konst, img->reqs[3].konst);
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_OK);
  image_free(img);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    img = tu_image(src);
    struct img_named *c = &img->named[1];
    if (bad[i].what == 0) c->name = img->nstrs;
    if (bad[i].what == 1) c->konst = 4000;
    if (bad[i].what == 2) c->konst = img->named[0].konst;
    if (bad[i].what == 3) c->konst = add_const(img, TY_ENUM, 0);
    refused_as(img, bad[i].file, bad[i].err);
  }
}

/* The image of a ruleset with a tier field and a grant of its value (its
 * condition names badge X). */
static struct image *tier_value_image(const char *grant) {
  char src[512];
  snprintf(src, sizeof src,
           "enum kind { a }\nrecord r { id: text; partner k: kind; prev: tier?; n: int; }\n"
           "tier Silver a < n >= 1; >\ntier Gold a < prev >= Gold; >\nbadge X < n >= 3; >\n%s\n",
           grant);
  return tu_image(src);
}

/* Tier values (SPEC 3.5): a tier constant names a tier; a grant of a tier
 * value has code that gives a tier (class I), and its condition's
 * references come before every ladder. */
static void tier_values_are_checked(void **st) {
  (void)st;
  char err[256];
  struct image *img = tier_value_image("grant prev when holds X;");
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_OK);
  assert_int_equal(img->rounds, 2);
  assert_int_equal(img->grants[0].tier, NO_STR);
  uint32_t k = 0;
  while (k < img->nconsts && img->consts[k].kind != TY_TIER) k++;
  assert_true(k < img->nconsts);
  img->consts[k].v = 2; /* two tiers */
  save(img, "verify-tier-constant-out-of-range");
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "tier out of range");
  image_free(img);
  /* X, the last block, after the ladder it may lift */
  static const uint32_t badge_last[] = {0, 1, 2};
  img = tier_value_image("grant prev when holds X;");
  memcpy(img->order, badge_last, sizeof badge_last);
  save(img, "grant-value-holds-after-the-ladders");
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "HOLDS of block 2 in grant 0, which does not come after it in the block order");
  image_free(img);
  img = tier_value_image("grant prev;");
  img->grants[0].code = NO_STR;
  refused_as(img, "grant-value-without-code", "ladder: grant 0: a tier value's grant has no code");
  img = tier_value_image("grant prev;");
  img->grants[0].value = NO_STR;
  refused_as(img, "grant-value-without-text", "ladder: grant 0: a tier value's grant has no value text");
  img = tier_value_image("grant prev;");
  img->grants[0].value = img->nstrs;
  refused_as(img, "grant-value-text-out-of-range", "ladder: grant 0: value text index out of range");
  /* a condition's code (a bool) taken for a tier value's */
  img = tier_value_image("grant Gold when n >= 5;");
  img->grants[0].value = img->grants[0].text;
  img->grants[0].tier = NO_STR;
  save(img, "grant-value-gives-a-bool");
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "grant 0 must give a tier, gives class B");
  image_free(img);
}

/* Format 13: a requirement's threshold place (debug) names a file of the
 * string table when it has a line, and is all 0 when it has none; each
 * wrong way is a file of its own (regress/load). */
static void threshold_place_is_checked(void **st) {
  (void)st;
  char err[512];
  struct image *img = fresh();
  struct img_req *r = &img->reqs[0];
  assert_true(img->has_debug);
  assert_true(r->tline > 0); /* `n >= 1`: the 1 */
  assert_int_equal(r->tfile, r->file);
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_OK);
  image_free(img);
  img = fresh();
  img->reqs[0].tfile = img->nstrs;
  save(img, "debug-threshold-file-out-of-range");
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "debug: requirement 0: its threshold's place is out of range");
  image_free(img);
  img = fresh();
  img->reqs[0].tline = 0; /* none, but a column left */
  save(img, "debug-threshold-none-with-column");
  assert_int_equal(vfy_image(img, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "debug: requirement 0: its threshold's place is out of range");
  image_free(img);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(threshold_place_is_checked),
      cmocka_unit_test(consts_name_their_constants),
      cmocka_unit_test(tier_values_are_checked),
      cmocka_unit_test(grants_follow_the_block_order),
      cmocka_unit_test(ref_of_itself_or_nothing),
      cmocka_unit_test(refs_follow_the_block_order),
      cmocka_unit_test(refs_chain_has_a_limit),
      cmocka_unit_test(set_cleared_before_branch),
      cmocka_unit_test(set_cleared_on_one_path),
      cmocka_unit_test(median_buffer_rules),
      cmocka_unit_test(trace_rules),
      cmocka_unit_test(median_buffer_cannot_overflow),
      cmocka_unit_test(requirement_gives_bool),
      cmocka_unit_test(review_gives_date),
      cmocka_unit_test(date_arithmetic_on_int),
      cmocka_unit_test(date_constant_out_of_range),
      cmocka_unit_test(constant_of_another_class),
      cmocka_unit_test(metadata_describes_code),
      cmocka_unit_test(jump_into_loop_body),
      cmocka_unit_test(threshold_out_of_range),
      cmocka_unit_test(dates_stay_in_the_calendar),
      cmocka_unit_test(item_too_wide),
      cmocka_unit_test(work_is_linear),
      cmocka_unit_test(lists_nest_three_deep),
      cmocka_unit_test(list_inside_itself),
      cmocka_unit_test(item_of_a_list_slot),
      cmocka_unit_test(loops_nest_as_lists_do),
      cmocka_unit_test(inner_loop_ends_inside),
      cmocka_unit_test(sets_of_inner_lists),
      cmocka_unit_test(cost_of_nested_loops),
  };
  return cmocka_run_group_tests_name("verify", tests, setup, teardown);
}
