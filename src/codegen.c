/*
 * codegen.c - typed AST -> image.  Emits the code segments (review rule,
 * metric block, one segment per requirement), interns strings and
 * constants, builds the schema and tier tables, and computes the cost bound
 * (SPEC 4.5) from the emitted code.
 */
#include <string.h>

#include <sodium.h>

#include "compile.h"
#include "fmt.h"
#include "func.h"

struct cg {
  struct comp *c;
  struct image *img;
  struct buf code;
  /* string and constant interning: open addressing over indices + 1 */
  struct buf strs;           /* const char * array */
  struct buf slens;          /* uint32_t array */
  uint32_t *shash; uint32_t scap;
  struct buf consts;         /* struct img_const array */
  uint32_t *khash; uint32_t kcap;
  /* per constant (uint32_t): the const it stands for, index + 1, or 0; the
   * constants that stand for consts (struct img_named); and, while a
   * const's literal is emitted, its index + 1 */
  struct buf ktags, named;
  uint32_t tag;
  struct hash_key key;
  bool failed;
  int32_t *temp;             /* per metric: register holding an item metric's value
                                in the current fused loop, or -1 */
  int32_t *tempreg;          /* per item metric: its register, once it has one */
  uint32_t nregs;            /* registers so far: record metrics, then temporaries */
  uint32_t nreq, nitem;      /* requirements and items so far */
  uint32_t live_sets;        /* distinct sets in use by the aggregates around the code
                                being emitted: an inner count distinct takes the next */
  uint32_t live_bufs;        /* median buffers in use likewise (never fused, so
                                at most one per list level: LIM_LIST_DEPTH < MAX_MBUFS) */
  /* explain code (req_explain): whether the comparisons being emitted are
   * traced (not inside an aggregate, whose comparisons are about items),
   * the requirement's computed threshold (comparison 0) and the slot its
   * left side goes to, the comparisons traced so far in this requirement,
   * and every requirement's (struct img_trace) */
  bool tracing;
  const struct node *trace_root;
  uint32_t root_left;
  uint32_t ntraced;
  uint32_t calls_open; /* traced formula calls around the code being emitted */
  struct buf traces;
  const struct node *threshold; /* the requirement's threshold side (req_metric,
                                   computed_threshold), NULL for none: threshold_place */
};

_Static_assert(LIM_LIST_DEPTH <= MAX_MBUFS, "a median per list level needs its own buffer");

/* The source chooses the strings: a keyed hash, so that they cannot be
 * chosen to collide (see hash_bytes). */
static uint32_t ghash(const struct cg *g, const void *p, size_t n) { return (uint32_t)hash_bytes(&g->key, p, n); }

static uint32_t nstrs(struct cg *g) { return (uint32_t)(g->strs.n / sizeof(char *)); }
static uint32_t nconsts(struct cg *g) { return (uint32_t)(g->consts.n / sizeof(struct img_const)); }

static bool rehash(struct cg *g, uint32_t **tab, uint32_t *cap, uint32_t count, bool strings) {
  if ((count + 1) * 2 < *cap) return true;
  uint32_t ncap = *cap ? *cap * 2 : 256;
  uint32_t *t = arena_alloc(&g->c->ar, sizeof *t * ncap);
  if (!t) { g->failed = true; return false; }
  for (uint32_t i = 0; i < count; i++) {
    uint32_t h;
    if (strings) {
      const char *s = ((const char **)g->strs.p)[i];
      h = ghash(g, s, ((uint32_t *)g->slens.p)[i]);
    } else {
      h = ghash(g, &((struct img_const *)g->consts.p)[i], sizeof(struct img_const));
    }
    uint32_t k = h & (ncap - 1);
    while (t[k]) k = (k + 1) & (ncap - 1);
    t[k] = i + 1;
  }
  *tab = t;
  *cap = ncap;
  return true;
}

static uint32_t intern(struct cg *g, const char *s, size_t n) {
  if (!s) return NO_STR;
  /* after a failed allocation the tables are incomplete: stop using them
   * (cg_run notices g->failed and gives up) */
  if (g->failed || g->strs.failed || g->slens.failed) { g->failed = true; return 0; }
  if (!rehash(g, &g->shash, &g->scap, nstrs(g), true)) return 0;
  uint32_t h = ghash(g, s, n), k = h & (g->scap - 1);
  for (; g->shash[k]; k = (k + 1) & (g->scap - 1)) {
    uint32_t i = g->shash[k] - 1;
    if (((uint32_t *)g->slens.p)[i] == n && memcmp(((const char **)g->strs.p)[i], s, n) == 0) return i;
  }
  uint32_t i = nstrs(g);
  const char *copy = arena_strndup(&g->img->ar, s, n);
  uint32_t len = (uint32_t)n;
  buf_put(&g->strs, &copy, sizeof copy);
  buf_put(&g->slens, &len, sizeof len);
  if (!copy || g->strs.failed || g->slens.failed) { g->failed = true; return 0; }
  g->shash[k] = i + 1;
  return i;
}
static uint32_t istr(struct cg *g, const char *s) { return s ? intern(g, s, strlen(s)) : NO_STR; }

/* A source file's path as the bytecode keeps it (its name, never opened
 * again): its text, each byte that is no UTF-8 (a Latin-1 directory's
 * name) as U+FFFD, since the verifier takes only UTF-8 and a path that is
 * not made every compile fail as "generated code does not verify". */
static uint32_t ipath(struct cg *g, const char *path) {
  size_t n = strlen(path), k = 0;
  if (utf8_valid(path, n, NULL)) return intern(g, path, n);
  char *t = arena_alloc(&g->img->ar, 3 * n + 1);
  if (!t) {
    g->failed = true;
    return 0;
  }
  for (size_t i = 0; i < n;) {
    size_t len = utf8_seq(path + i, n - i);
    if (len) memcpy(t + k, path + i, len), k += len, i += len;
    else memcpy(t + k, "\xEF\xBF\xBD", 3), k += 3, i++;
  }
  return intern(g, t, k);
}

/* A new constant that stands for a const (g->tag) goes in the image's
 * table of consts, under the const's name. */
static void name_const(struct cg *g, uint32_t k) {
  const struct s_const *c = &g->c->consts[g->tag - 1];
  struct img_named e = {istr(g, c->name), k};
  buf_put(&g->named, &e, sizeof e);
}

/* Intern a constant: v for every kind but number, q for a number (its
 * canonical form, so that equal numbers are equal bytes).  A const's
 * value (g->tag) is a constant apart from any literal of the same value,
 * so that tierc diff can change it alone (rulediff.c). */
static uint32_t konst_of(struct cg *g, int kind, int64_t v, struct num q) {
  struct img_const k;
  memset(&k, 0, sizeof k); /* the padding is hashed too */
  k.kind = (uint8_t)kind;
  if (kind == TY_NUMBER) k.q = q;
  else k.v = v;
  if (g->failed || g->consts.failed) { g->failed = true; return 0; }
  if (!rehash(g, &g->khash, &g->kcap, nconsts(g), false)) return 0;
  uint32_t h = ghash(g, &k, sizeof k), s = h & (g->kcap - 1);
  for (; g->khash[s]; s = (s + 1) & (g->kcap - 1)) {
    struct img_const *e = &((struct img_const *)g->consts.p)[g->khash[s] - 1];
    uint32_t tag = ((const uint32_t *)g->ktags.p)[g->khash[s] - 1];
    if (e->kind == k.kind && e->v == k.v && e->q.n == k.q.n && e->q.d == k.q.d && tag == g->tag) return g->khash[s] - 1;
  }
  uint32_t i = nconsts(g);
  buf_put(&g->consts, &k, sizeof k);
  buf_put(&g->ktags, &g->tag, sizeof g->tag);
  if (g->tag) name_const(g, i);
  if (g->consts.failed || g->ktags.failed || g->named.failed) {
    g->failed = true;
    return 0;
  }
  g->khash[s] = i + 1;
  return i;
}
static uint32_t konst(struct cg *g, int kind, int64_t v) { return konst_of(g, kind, v, num_none()); }
static uint32_t konst_num(struct cg *g, struct num q) { return konst_of(g, TY_NUMBER, 0, q); }

/* konst_of for a literal where the rules wrote `as`: the literal itself,
 * or a const that stands for it (ast_literal). */
static uint32_t konst_as(struct cg *g, const struct node *as, int kind, int64_t v, struct num q) {
  uint32_t outer = g->tag;
  if (as->kind == N_NAME && as->ref == R_CONST) g->tag = (uint32_t)as->index + 1;
  uint32_t k = konst_of(g, kind, v, q);
  g->tag = outer;
  return k;
}

/* ---- emission ------------------------------------------------------------------ */

static uint32_t here(struct cg *g) { return (uint32_t)g->code.n; }
static void emit(struct cg *g, int op) { buf_u8(&g->code, (uint8_t)op); }
static void emit1(struct cg *g, int op, uint32_t a) { emit(g, op); buf_u32(&g->code, a); }
static void emit2(struct cg *g, int op, uint32_t a, uint32_t b) { emit1(g, op, a); buf_u32(&g->code, b); }
/* emit a forward jump; returns where its target operand sits */
static uint32_t emit_jump(struct cg *g, int op) { emit1(g, op, 0); return here(g) - 4; }
static void patch(struct cg *g, uint32_t at, uint32_t target) {
  if (g->code.failed) return;
  for (int i = 0; i < 4; i++) g->code.p[at + i] = (uint8_t)(target >> (8 * i));
}

static char vclass(int kind) { return kind == TY_NUMBER ? 'F' : kind == TY_TEXT ? 'S' : 'I'; }

/* The instruction that moves a value of `kind` (op is PUSH, FIELD, ITEM,
 * METRIC or SETMETRIC): numbers live beside the 64-bit stack and move
 * with the _F forms. */
static int mover(int op, int kind) {
  if (kind != TY_NUMBER) return op;
  switch (op) {
  case OP_PUSH: return OP_PUSH_F;
  case OP_FIELD: return OP_FIELD_F;
  case OP_ITEM: return OP_ITEM_F;
  case OP_METRIC: return OP_METRIC_F;
  default: return OP_SETMETRIC_F;
  }
}

/* Push the initial value of an accumulator of `kind`: 0 for a sum (false
 * for any, true for all), none for min and max. */
static void emit_acc_init(struct cg *g, int op, int kind) {
  if (kind == TY_NUMBER) {
    emit1(g, OP_PUSH_F, konst_num(g, op == A_SUM ? num_from_int(0) : num_none()));
    return;
  }
  int64_t init = op == A_ALL ? 1 : op == A_MIN || op == A_MAX ? TIER_NONE : 0;
  emit1(g, OP_PUSH, konst(g, op == A_COUNT ? TY_INT : op == A_ANY || op == A_ALL ? TY_BOOL : kind, init));
}

static void gen(struct cg *g, const struct node *n);
static uint32_t rule_text(struct cg *g, const struct node *e);
static uint32_t call_text(struct cg *g, const struct node *call);

static bool is_const_node(const struct node *n);
static int64_t const_value(const struct node *n);
static int const_kind(const struct node *n);

/* A comparison of tier values that holds only for records of one partner
 * type (sema's guard_tier_cmp): `and partner == P` after it, as an `and`
 * link is made. */
static void gen_tier_guard(struct cg *g, const struct node *n) {
  if (n->index <= 0) return;
  uint32_t j = emit_jump(g, OP_ANDJ);
  emit1(g, OP_FIELD, (uint32_t)g->c->fields[g->c->partner_field].slot);
  emit1(g, OP_EQK_I, konst(g, TY_ENUM, n->index - 1));
  patch(g, j, here(g));
}

static bool literal_node(const struct node *n);

/* Note the type of comparison n's sides as the requirement's next traced
 * comparison (img->traces). */
static void note_trace(struct cg *g, const struct node *n) {
  struct img_trace t = {(uint8_t)n->a->ty.kind, n->a->ty.kind == TY_ENUM ? (uint16_t)n->a->ty.ref : 0, NO_STR, 0};
  buf_put(&g->traces, &t, sizeof t);
}

/* The trace slot comparison n's left side goes to in explain code (its
 * right side: the other of the pair, slot ^ 1), or NO_SLOT: the
 * requirement's computed threshold is comparison 0, and any other is
 * traced, with its type noted, when neither side is a literal (a
 * comparison with a literal is probed through its metric or field). */
#define NO_SLOT UINT32_MAX
static uint32_t trace_slot(struct cg *g, const struct node *n) {
  if (!g->tracing) return NO_SLOT;
  if (n == g->trace_root) return g->root_left;
  if (literal_node(n->a) || literal_node(n->b)) return NO_SLOT;
  note_trace(g, n);
  return 2 * g->ntraced++;
}

/* A comparison, after the code for its left operand; in explain code,
 * its sides copied into their trace slots. */
static void gen_cmp_right(struct cg *g, const struct node *n) {
  char k = vclass(n->a->ty.kind);
  const struct node *b = ast_literal(n->b);
  uint32_t slot = trace_slot(g, n);
  if (slot == NO_SLOT && k == 'I' && is_const_node(b) && b->kind != N_DEC) {
    /* comparing with a constant: one instruction, not PUSH + compare */
    int kind = const_kind(b);
    emit1(g, OP_EQK_I + (n->op - B_EQ), konst_as(g, n->b, kind, const_value(b), num_none()));
  } else {
    int trace = k == 'F' ? OP_TRACE_F : OP_TRACE;
    if (slot != NO_SLOT) emit1(g, trace, slot);
    gen(g, n->b);
    if (slot != NO_SLOT) emit1(g, trace, slot ^ 1);
    int base = k == 'F' ? OP_EQ_F : k == 'S' ? OP_EQ_S : OP_EQ_I;
    emit(g, base + (n->op - B_EQ)); /* EQ NE LT LE GT GE are consecutive in each class */
  }
  gen_tier_guard(g, n);
}

/* Jumping code for conditions: emit what falls through when n is true and
 * jumps, to a target patched later, when it is not.  `and` chains its
 * parts, a bool register and a comparison with a constant become one
 * instruction each; anything else is computed and tested with JUMPF.
 * (A missing value is not true, as everywhere.)
 *
 * The jumps still to patch form a list threaded through their own target
 * operands, as Lua's code generator keeps its jump lists: each operand holds
 * the position of the previous one until it is patched.  No table, so no
 * limit on how many conditions one filter has. */
#define NO_JUMP UINT32_MAX
struct jumps { uint32_t head; }; /* position of the last unpatched operand */

static uint32_t operand_at(const struct cg *g, uint32_t at) {
  const uint8_t *q = g->code.p + at;
  return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}
static void jumps_add(struct cg *g, struct jumps *js, uint32_t at) {
  patch(g, at, js->head);
  js->head = at;
}
static void jumps_patch(struct cg *g, struct jumps *js, uint32_t target) {
  if (g->code.failed) return;
  for (uint32_t at = js->head; at != NO_JUMP;) {
    uint32_t prev = operand_at(g, at);
    patch(g, at, target);
    at = prev;
  }
  js->head = NO_JUMP;
}

static void gen_jump_unless(struct cg *g, const struct node *n, struct jumps *js) {
  if (n->kind == N_BIN && n->op == B_AND) {
    /* an `and` chain (ast.c): each operand in turn, from the first, in a loop */
    size_t k, m = 0;
    struct node **s = ast_spine(&g->c->ar, n, &k);
    if (!s) {
      g->failed = true;
      return;
    }
    while (m < k && s[m]->kind == N_BIN && s[m]->op == B_AND) m++;
    gen_jump_unless(g, s[m - 1]->a, js);
    for (size_t i = m; i-- > 0;) gen_jump_unless(g, s[i]->b, js);
    return;
  }
  if ((n->kind == N_NAME || n->kind == N_AGG) && n->ref == R_ITEM_METRIC && g->temp && g->temp[n->index] >= 0) {
    emit2(g, OP_JFR, (uint32_t)g->temp[n->index], 0);
    jumps_add(g, js, here(g) - 4);
    return;
  }
  if (n->kind == N_NAME && n->ref == R_METRIC && n->ty.kind == TY_BOOL) {
    emit2(g, OP_JFR, (uint32_t)g->c->metrics[n->index].reg, 0);
    jumps_add(g, js, here(g) - 4);
    return;
  }
  const struct node *b = n->kind == N_BIN ? ast_literal(n->b) : NULL;
  if (n->kind == N_BIN && n->op >= B_EQ && n->op <= B_GE && vclass(n->a->ty.kind) == 'I' && is_const_node(b) &&
      b->kind != N_DEC && n->index <= 0) {
    gen(g, n->a);
    int kind = const_kind(b);
    emit2(g, OP_JNEQK_I + (n->op - B_EQ), konst_as(g, n->b, kind, const_value(b), num_none()), 0);
    jumps_add(g, js, here(g) - 4);
    return;
  }
  gen(g, n);
  jumps_add(g, js, emit_jump(g, OP_JUMPF));
}

/* The kind of the value an aggregate takes from each item. */
static int item_value_kind(const struct cg *g, const struct node *n) {
  return n->ref == R_ITEM ? g->c->fields[n->index].ty.kind : g->c->metrics[n->index].ty.kind;
}

static void gen_item_value(struct cg *g, const struct node *n) {
  int kind = item_value_kind(g, n);
  if (n->ref == R_ITEM) emit1(g, mover(OP_ITEM, kind), (uint32_t)g->c->fields[n->index].slot);
  else if (g->temp && g->temp[n->index] >= 0) emit1(g, mover(OP_METRIC, kind), (uint32_t)g->temp[n->index]); /* computed once per item */
  else gen(g, g->c->metrics[n->index].n->a); /* item metric: inlined */
}

/* What aggregate n takes from the current item: its expression in
 * parentheses, or the field or item metric it names; and that value's kind. */
static void gen_agg_value(struct cg *g, const struct node *n) {
  if (n->b) gen(g, n->b);
  else gen_item_value(g, n);
}
static int agg_value_kind(const struct cg *g, const struct node *n) {
  return n->b ? n->b->ty.kind : item_value_kind(g, n);
}

/* avg and median compute with numbers: an int or money value becomes one */
static void emit_to_number(struct cg *g, int kind) {
  if (kind == TY_INT) emit(g, OP_I2F);
  else if (kind == TY_MONEY) emit(g, OP_M2F);
}

/* A loop over aggregate n's list (a list of the record or, inside the loop
 * over a list, one of the current item's own lists: the VM's LOOP takes the
 * current item's run of it) whose body, for each item that passes n's
 * filter, pushes the item's value (made a number when `numbers`) and then
 * runs the step ops[0..nops) on it and what the loop accumulates (set or
 * buffer `coll` for an op with an operand).  Filters jump past the step. */
static void gen_agg_loop(struct cg *g, const struct node *n, bool numbers, uint32_t coll, int nops, const int *ops) {
  uint32_t l = (uint32_t)n->lidx;
  emit2(g, OP_LOOP, l, 0);
  uint32_t loop_end = here(g) - 4, body = here(g);
  struct jumps js = {NO_JUMP};
  if (n->a) gen_jump_unless(g, n->a, &js);
  gen_agg_value(g, n);
  if (numbers) emit_to_number(g, agg_value_kind(g, n));
  for (int i = 0; i < nops; i++)
    if (op_info[ops[i]].fmt == N0) emit(g, ops[i]);
    else emit1(g, ops[i], coll);
  jumps_patch(g, &js, here(g));
  emit2(g, OP_NEXT, l, body);
  patch(g, loop_end, here(g));
}
#define AGG_LOOP(g, n, numbers, coll, ...) \
  gen_agg_loop(g, n, numbers, coll, sizeof((int[]){__VA_ARGS__}) / sizeof(int), (int[]){__VA_ARGS__})

/* avg X in L where C: the sum of the values as numbers over the count of
 * the values that are not none, in two loops; AVG gives none for a count
 * of 0 (SPEC 3.5). */
static void gen_avg(struct cg *g, const struct node *n) {
  emit1(g, OP_PUSH_F, konst_num(g, num_from_int(0)));
  AGG_LOOP(g, n, true, 0, OP_SUM_F);
  emit1(g, OP_PUSH, konst(g, TY_INT, 0));
  AGG_LOOP(g, n, false, 0, agg_value_kind(g, n) == TY_NUMBER ? OP_ISNONE_F : OP_ISNONE, OP_NOT, OP_CNT);
  emit(g, OP_AVG);
}

/* An aggregate.  A count distinct takes the next free set and a median the
 * next free buffer, so that one inside another's loop (over an inner list)
 * keeps its own. */
static void gen_agg_body(struct cg *g, const struct node *n) {
  uint32_t l = (uint32_t)n->lidx;
  int vk = n->ty.kind;
  uint32_t set = g->live_sets, mbuf = g->live_bufs;
  switch (n->op) {
  case A_AVG: gen_avg(g, n); return;
  case A_MEDIAN:
    emit1(g, OP_MCLEAR, mbuf);
    g->live_bufs++;
    AGG_LOOP(g, n, true, mbuf, OP_MADD);
    g->live_bufs--;
    emit1(g, OP_MEDIAN, mbuf);
    return;
  case A_DISTINCT:
    emit1(g, OP_DCLEAR, set);
    g->live_sets++;
    AGG_LOOP(g, n, false, set, vclass(agg_value_kind(g, n)) == 'S' ? OP_DADD_S : OP_DADD);
    g->live_sets--;
    emit1(g, OP_DSIZE, set);
    return;
  case A_SUM: case A_MIN: case A_MAX: {
    bool f = vk == TY_NUMBER;
    emit_acc_init(g, n->op, vk);
    AGG_LOOP(g, n, false, 0, n->op == A_SUM ? (f ? OP_SUM_F : OP_SUM_I) : n->op == A_MIN ? (f ? OP_MIN_F : OP_MIN_I)
                                                                                     : (f ? OP_MAX_F : OP_MAX_I));
    return;
  }
  }
  /* count, any, all: a flag per item, the filter's value */
  emit_acc_init(g, n->op, vk);
  emit2(g, OP_LOOP, l, 0);
  uint32_t loop_end = here(g) - 4, body = here(g);
  if (n->a) gen(g, n->a);
  else emit1(g, OP_PUSH, konst(g, TY_BOOL, 1));
  emit(g, n->op == A_COUNT ? OP_CNT : n->op == A_ANY ? OP_ANY : OP_ALL);
  emit2(g, OP_NEXT, l, body);
  patch(g, loop_end, here(g));
}

/* An aggregate: in explain code too, its comparisons, which are about
 * items, not traced. */
static void gen_agg(struct cg *g, const struct node *n) {
  bool tracing = g->tracing;
  g->tracing = false;
  gen_agg_body(g, n);
  g->tracing = tracing;
}

/* A call of a function of values (func.h): the arguments, and the row's
 * instruction for their class - between each two of them when it takes
 * two values, after the one otherwise, with the decimals to keep counted
 * in the value's own unit (cents for money). */
static void gen_call(struct cg *g, const struct node *n) {
  const struct func *f = fn_at((size_t)n->index);
  int64_t digits = 0;
  int kind = TY_ERROR, pos = 0, nvals = 0;
  for (const struct node *a = n->list; a; a = a->next)
    if (++pos == f->digits_at) digits = a->ival;
    else kind = a->ty.kind;
  int op = kind == TY_NUMBER ? f->op_f : f->op_i;
  bool binary = op_info[op].pops == 2;
  pos = 0;
  for (const struct node *a = n->list; a; a = a->next) {
    if (++pos == f->digits_at) continue;
    gen(g, a);
    if (binary && ++nvals > 1) emit(g, op);
  }
  if (binary) return;
  if (op_info[op].fmt == PER) {
    emit1(g, op, per_encode(per_make(f->period, f->fiscal ? g->c->fiscal_month : 1, 0)));
    return;
  }
  if (op_info[op].fmt != DIG) {
    emit(g, op);
    return;
  }
  int64_t keep = kind == TY_MONEY ? digits - 2 : digits;
  if (kind != TY_NUMBER && keep >= 0) return; /* an int or whole cents already are */
  emit1(g, op, (uint32_t)(int32_t)keep);
}

/* NAME[KEY], table t: for each entry, the key compared with the entry's
 * key and its value when they are equal; then the default, or none (a
 * text the table lacks, a missing key).  Tables are small and written by
 * hand, so a chain of comparisons; an enum key compares with one
 * instruction per entry. */
static void gen_lookup(struct cg *g, const struct node *n) {
  const struct s_table *t = &g->c->tables[n->index];
  struct jumps done = {NO_JUMP};
  for (const struct node *e = t->n->list; e; e = e->next) {
    if (!e->a) continue; /* the default comes last */
    gen(g, n->a);
    if (t->key.kind == TY_ENUM) {
      emit1(g, OP_EQK_I, konst(g, TY_ENUM, e->a->ival));
    } else {
      emit1(g, OP_PUSH, konst(g, TY_TEXT, intern(g, e->a->str, e->a->str_len)));
      emit(g, OP_EQ_S);
    }
    uint32_t next = emit_jump(g, OP_JUMPF);
    gen(g, e->b);
    jumps_add(g, &done, emit_jump(g, OP_JUMP));
    patch(g, next, here(g));
  }
  if (t->dflt) gen(g, t->dflt->b);
  else if (n->ty.kind == TY_NUMBER) emit1(g, OP_PUSH_F, konst_num(g, num_none()));
  else emit1(g, OP_PUSH, konst(g, n->ty.kind, TIER_NONE));
  jumps_patch(g, &done, here(g));
}

/* A link of a chain (ast.c), after the code for its left operand: a
 * conversion sema put between two links, or the rest of a binary node. */
static void gen_link(struct cg *g, const struct node *n) {
  if (n->kind == N_CONV) {
    emit(g, n->op);
    return;
  }
  switch (n->op) {
  case B_AND: case B_OR: {
    uint32_t j = emit_jump(g, n->op == B_AND ? OP_ANDJ : OP_ORJ);
    gen(g, n->b);
    if (n->b->ty.opt) emit(g, OP_BOOL); /* a missing right side is false, as on the left */
    patch(g, j, here(g));
    break;
  }
  case B_EQ: case B_NE: case B_LT: case B_LE: case B_GT: case B_GE: gen_cmp_right(g, n); break;
  default:
    if (n->b->ty.kind == TY_DURATION) {
      int64_t amount = n->op == B_SUB ? -n->b->ival : n->b->ival;
      bool days = n->b->op == U_DAYS;
      if (!days && n->b->name && n->b->name[0] == 'y') amount *= 12;
      emit1(g, days ? OP_ADDDAY : OP_ADDMON, (uint32_t)(int32_t)amount);
      break;
    }
    gen(g, n->b);
    if (n->ty.kind == TY_NUMBER)
      emit(g, n->op == B_ADD ? OP_ADD_F : n->op == B_SUB ? OP_SUB_F : n->op == B_MUL ? OP_MUL_F : OP_DIV_F);
    else
      emit(g, n->op == B_ADD ? OP_ADD_I : n->op == B_SUB ? OP_SUB_I : OP_MUL_I);
  }
}

/* A chain a OP b OP c ... (ast.c): its first operand, then each link, in a
 * loop however long the chain. */
static void gen_chain(struct cg *g, const struct node *n) {
  size_t k;
  struct node **s = ast_spine(&g->c->ar, n, &k);
  if (!s) {
    g->failed = true;
    return;
  }
  gen(g, s[k - 1]->a);
  for (size_t i = k; i-- > 0;) gen_link(g, s[i]);
}

/* The constant a literal (N_INT, N_DEC, N_STR, N_DATE, N_BOOL) pushes. */
static uint32_t literal_konst(struct cg *g, const struct node *n) {
  switch (n->kind) {
  case N_INT: return konst(g, n->ty.kind == TY_MONEY ? TY_MONEY : TY_INT, n->ival);
  case N_DEC: return konst_num(g, n->q);
  case N_STR: return konst(g, TY_TEXT, intern(g, n->str, n->str_len));
  case N_DATE: return konst(g, TY_DATE, n->ival);
  default: return konst(g, TY_BOOL, n->ival);
  }
}

/* True when code generation must stop: it failed, or the code has grown
 * past what a ruleset file may hold (LIM_BYTECODE_BYTES), said once at n.
 * A formula's argument, a table's key or a requirements block's argument is
 * written out at every use of its parameter, so a formula whose body reads
 * its parameter twice, called inside its own argument, doubles the code at
 * every level while the source and the expanded syntax (LIM_EXPANDED, which
 * counts the argument once) grow by a line: 146 KB of generated rules made
 * 129 MB of code and 0.5 GB of verifier state.  The check is here, where
 * every kind of writing out becomes code, and gen() stops walking once it
 * is past, so the work stays bounded by the limit. */
static bool code_too_long(struct cg *g, const struct node *n) {
  if (g->failed) return true;
  if (g->code.n <= LIM_BYTECODE_BYTES) return false;
  g->failed = true;
  diag_add(&g->c->dg, TIER_ERROR, &n->loc,
           _("writing out formulas and tables where they are used makes more than %u MiB of code; the limit is %u MiB, what a "
             "ruleset file may hold (a formula's argument is written out at every use of its parameter, a table's key at each "
             "of its rows)"),
           (unsigned)(LIM_BYTECODE_BYTES >> 20), (unsigned)(LIM_BYTECODE_BYTES >> 20));
  return true;
}

/* The types whose values a trace slot holds. */
static bool traceable_kind(int kind) {
  return kind == TY_INT || kind == TY_MONEY || kind == TY_NUMBER || kind == TY_BOOL || kind == TY_DATE || kind == TY_ENUM ||
      kind == TY_TEXT || kind == TY_TIER;
}

/* A formula call: its expansion (defs.c).  In explain code, outside an
 * aggregate's loop, the call's value is also copied into a pair of trace
 * slots of its own (both slots, as a comparison fills its pair), noted
 * with the call's text - its parameters written as their arguments,
 * "skilled_people(security)" - and how many traced calls it stands in, so
 * that explain can show a score's parts and `tierc test` can check a
 * formula call's value (tier_int.h, struct img_trace).  Its slots are
 * taken before its body's, so calls are listed outermost first. */
static void gen_formula_call(struct cg *g, const struct node *n) {
  uint32_t slot = NO_SLOT;
  if (g->tracing && traceable_kind(n->ty.kind)) {
    struct img_trace t = {(uint8_t)n->ty.kind, n->ty.kind == TY_ENUM ? (uint16_t)n->ty.ref : 0, call_text(g, n),
                          (uint8_t)(g->calls_open < UINT8_MAX ? g->calls_open : UINT8_MAX)};
    buf_put(&g->traces, &t, sizeof t);
    slot = 2 * g->ntraced++;
    g->calls_open++;
  }
  gen(g, n->def);
  if (slot == NO_SLOT) return;
  g->calls_open--;
  int trace = vclass(n->ty.kind) == 'F' ? OP_TRACE_F : OP_TRACE;
  emit1(g, trace, slot);
  emit1(g, trace, slot + 1);
}

static void gen(struct cg *g, const struct node *n) {
  if (code_too_long(g, n)) return;
  switch ((enum node_kind)n->kind) {
  case N_INT:
  case N_STR:
  case N_DATE:
  case N_BOOL: emit1(g, OP_PUSH, literal_konst(g, n)); break;
  case N_DEC: emit1(g, OP_PUSH_F, literal_konst(g, n)); break;
  case N_ASOF: emit(g, OP_ASOF); break;
  case N_NAME:
    switch (n->ref) {
    case R_FIELD: emit1(g, mover(OP_FIELD, n->ty.kind), (uint32_t)g->c->fields[n->index].slot); break;
    case R_ITEM: case R_ITEM_METRIC: gen_item_value(g, n); break;
    case R_METRIC: emit1(g, mover(OP_METRIC, n->ty.kind), (uint32_t)g->c->metrics[n->index].reg); break;
    case R_ENUMVAL: emit1(g, OP_PUSH, konst(g, TY_ENUM, n->ival)); break;
    case R_TIER: emit1(g, OP_PUSH, konst(g, TY_TIER, n->ival)); break;
    case R_CONST: { /* defs.c: its literal, as a constant of its own */
      uint32_t outer = g->tag;
      g->tag = (uint32_t)n->index + 1;
      gen(g, n->def);
      g->tag = outer;
      break;
    }
    case R_ARG: gen(g, n->def); break; /* defs.c */
    }
    break;
  case N_INDEX: gen_lookup(g, n); break;
  case N_NEG: gen(g, n->a); emit(g, n->ty.kind == TY_NUMBER ? OP_NEG_F : OP_NEG_I); break;
  case N_NOT: gen(g, n->a); emit(g, OP_NOT); break;
  case N_CONV: gen(g, n->a); emit(g, n->op); break;
  case N_BIN: gen_chain(g, n); break;
  case N_IF: {
    gen(g, n->a);
    uint32_t jelse = emit_jump(g, OP_JUMPF);
    gen(g, n->b);
    uint32_t jend = emit_jump(g, OP_JUMP);
    patch(g, jelse, here(g));
    gen(g, n->c);
    patch(g, jend, here(g));
    break;
  }
  case N_IN: gen(g, n->a); emit1(g, OP_INSET, konst(g, TY_INT, n->ival)); break;
  case N_ISNONE: gen(g, n->a); emit(g, n->a->ty.kind == TY_NUMBER ? OP_ISNONE_F : OP_ISNONE); if (n->neg) emit(g, OP_NOT); break;
  case N_WITHIN: {
    gen(g, n->a);
    const struct node *d = n->b;
    int64_t amount = d->ival;
    bool days = d->op == U_DAYS;
    if (!days && d->name && d->name[0] == 'y') amount *= 12;
    emit1(g, days ? OP_WITHIN_D : OP_WITHIN_M, (uint32_t)(int32_t)amount);
    break;
  }
  case N_AGG: gen_agg(g, n); break;
  case N_HOLDS: emit1(g, n->op ? OP_MEETS : OP_HOLDS, (uint32_t)n->index); break;
  case N_PERIOD: {
    /* d in P of x: d, x, INPER (a fiscal period counts from the fiscal year's first month) */
    gen(g, n->a);
    gen(g, n->b);
    emit1(g, OP_INPER, per_encode(per_make(n->op, n->neg ? g->c->fiscal_month : 1, (int)n->ival)));
    break;
  }
  case N_CALL:
    if (n->ref == R_FORMULA) gen_formula_call(g, n);
    else gen_call(g, n);
    break;
  case N_DURATION: /* only the operand of within or a time clause, which read it */
  CASE_ITEM_KINDS:
    break;
  }
}

/* ---- the metric block: aggregates fused per list ---------------------------------------- */

/* Does expression n use a record metric (directly or through item metrics)?
 * Item metrics nest at most as deep as sema allowed their chain. */
static bool uses_metric(const struct comp *c, const struct node *n, int depth) {
  if (depth > 300) return true; /* be safe: do not fuse */
  /* along ->a in a loop (a chain's spine is as long as the source), into
   * ->b and ->c by recursion (nesting, bounded by LIM_DEPTH); so below */
  for (; n; n = n->a) {
    if (n->kind == N_NAME && n->ref == R_METRIC) return true;
    if ((n->kind == N_NAME || n->kind == N_AGG) && n->ref == R_ITEM_METRIC &&
        uses_metric(c, c->metrics[n->index].n->a, depth + 1))
      return true;
    if (uses_metric(c, n->b, depth) || uses_metric(c, n->c, depth)) return true;
    if (n->kind == N_CALL)
      for (const struct node *a = n->list; a; a = a->next)
        if (uses_metric(c, a, depth)) return true;
    if (n->kind == N_CALL && n->ref == R_FORMULA && uses_metric(c, n->def, depth + 1)) return true;
  }
  return false;
}

/* A record metric that is one aggregate depending on no other metric can
 * share its list's loop with the others over that list. */
static bool fusable(const struct comp *c, const struct s_metric *m) {
  const struct node *e = m->n->a;
  return e && e->kind == N_AGG && e->op != A_AVG && e->op != A_MEDIAN && !uses_metric(c, e, 0);
}

/* An expression that cannot raise a runtime error: no arithmetic but on
 * dates (integers are checked for overflow, numbers for their range) and
 * no text comparison (whose handles are checked), here or in the item
 * metrics it uses. */
static bool cannot_fail(const struct comp *c, const struct node *n, int depth) {
  if (depth > 300) return false;
  for (; n; n = n->a) {
    if (n->kind == N_NEG || (n->kind == N_CONV && n->op == OP_I2M)) return false;
    if (n->kind == N_BIN && n->op >= B_ADD && n->op <= B_DIV && n->ty.kind != TY_DATE) return false;
    if (n->kind == N_CALL) return false; /* rounding overflows, numbers out of range */
    if (n->kind == N_AGG && (n->op == A_SUM || n->op == A_DISTINCT)) return false; /* a sum overflows; texts are checked */
    if (n->kind == N_BIN && n->op >= B_EQ && n->op <= B_GE && n->a && n->a->ty.kind == TY_TEXT) return false;
    if ((n->kind == N_NAME || n->kind == N_AGG) && n->ref == R_ITEM_METRIC &&
        !cannot_fail(c, c->metrics[n->index].n->a, depth + 1))
      return false;
    if (!cannot_fail(c, n->b, depth) || !cannot_fail(c, n->c, depth)) return false;
  }
  return true;
}

/* Collect the item metrics an expression uses (directly). */
static void item_metrics_used(const struct comp *c, const struct node *n, bool *used) {
  for (; n; n = n->a) { /* as uses_metric */
    if ((n->kind == N_NAME || n->kind == N_AGG) && n->ref == R_ITEM_METRIC) used[n->index] = true;
    item_metrics_used(c, n->b, used);
    item_metrics_used(c, n->c, used);
    if (n->kind == N_CALL)
      for (const struct node *a = n->list; a; a = a->next) item_metrics_used(c, a, used);
    if (n->kind == N_CALL && n->ref == R_FORMULA) item_metrics_used(c, n->def, used);
  }
}

/* Before a fused loop: each accumulator's starting value into its register,
 * and for each count distinct a set of its own, cleared (by the metric's
 * position in ms; the caller leaves room for the inner lists' distinct
 * counts: dsets_for).  Returns the sets, NULL when out of memory; *nsets
 * is how many. */
static int *fused_init(struct cg *g, const int *ms, int nms, int *nsets) {
  struct comp *c = g->c;
  int *sets = arena_alloc(&c->ar, sizeof(int) * (size_t)(nms + 1));
  if (!sets) return NULL;
  *nsets = 0;
  for (int i = 0; i < nms; i++) {
    const struct s_metric *m = &c->metrics[ms[i]];
    const struct node *e = m->n->a;
    if (e->op == A_DISTINCT) {
      sets[i] = (*nsets)++;
      emit1(g, OP_DCLEAR, (uint32_t)sets[i]);
      continue;
    }
    emit_acc_init(g, e->op, e->ty.kind);
    emit1(g, mover(OP_SETMETRIC, e->ty.kind), (uint32_t)m->reg);
  }
  return sets;
}

/* The register that holds item metric k of list l while a fused loop runs:
 * one per item metric, made (with its name LIST.METRIC, for disasm and
 * explain) by the first loop that needs it and reused by later ones. */
static uint32_t temp_register(struct cg *g, int l, int k, struct img_metric *mtab) {
  struct comp *c = g->c;
  if (g->tempreg[k] < 0) {
    uint32_t reg = g->nregs++;
    struct img_metric *t = &mtab[reg];
    const char *list = c->fields[c->lists[l].field].name, *name = c->metrics[k].name;
    t->name = intern(g, arena_printf(&c->ar, "%s.%s", list, name), strlen(list) + 1 + strlen(name));
    t->label = NO_STR;
    t->def = rule_text(g, c->metrics[k].n->a);
    t->kind = c->metrics[k].ty.kind;
    t->opt = c->metrics[k].ty.opt;
    t->ref = c->metrics[k].ty.ref;
    g->tempreg[k] = (int32_t)reg;
  }
  return (uint32_t)g->tempreg[k];
}

/* At the top of a fused loop's body: the item metrics of list l that its
 * metrics use, each computed once into its temporary register.  Only item
 * metrics that cannot fail (no integer arithmetic to overflow) are, since
 * this runs for every item before any filter; others stay inlined behind
 * their filters, as written.  False when out of memory. */
static bool fused_temps(struct cg *g, int l, const int *ms, int nms, struct img_metric *mtab) {
  struct comp *c = g->c;
  bool *used = arena_alloc(&c->ar, sizeof(bool) * (size_t)(c->nmetrics + 1));
  if (!used) return false;
  for (int i = 0; i < nms; i++) {
    const struct node *e = c->metrics[ms[i]].n->a;
    item_metrics_used(c, e->a, used);
    item_metrics_used(c, e->b, used);
    if (e->ref == R_ITEM_METRIC) used[e->index] = true;
  }
  for (int k = 0; k < c->nmetrics; k++) {
    if (!used[k] || c->metrics[k].list != l || !cannot_fail(c, c->metrics[k].n->a, 0)) continue;
    gen(g, c->metrics[k].n->a);
    uint32_t reg = temp_register(g, l, k, mtab);
    emit1(g, mover(OP_SETMETRIC, c->metrics[k].ty.kind), reg);
    g->temp[k] = (int32_t)reg;
  }
  return true;
}

/* In a fused loop's body: metric m's step for one item, behind its filter
 * (e->a) if it has one; set is its count distinct's set. */
static void fused_step(struct cg *g, const struct s_metric *m, int set) {
  const struct node *e = m->n->a;
  bool f = e->ty.kind == TY_NUMBER;
  uint32_t reg = (uint32_t)m->reg;
  struct jumps js = {NO_JUMP};
  if (e->op == A_ANY || e->op == A_ALL) {
    if (e->a) gen(g, e->a);
    else emit1(g, OP_PUSH, konst(g, TY_BOOL, 1));
    emit1(g, e->op == A_ANY ? OP_ANYR : OP_ALLR, reg);
    return;
  }
  if (e->a) gen_jump_unless(g, e->a, &js);
  if (e->op != A_COUNT) gen_agg_value(g, e);
  switch (e->op) {
  case A_COUNT: emit1(g, OP_INCR, reg); break;
  case A_SUM: emit1(g, f ? OP_SUMR_F : OP_SUMR_I, reg); break;
  case A_MIN: emit1(g, f ? OP_MINR_F : OP_MINR_I, reg); break;
  case A_MAX: emit1(g, f ? OP_MAXR_F : OP_MAXR_I, reg); break;
  case A_DISTINCT: emit1(g, vclass(agg_value_kind(g, e)) == 'S' ? OP_DADD_S : OP_DADD, (uint32_t)set); break;
  }
  jumps_patch(g, &js, here(g));
}

/* One loop over list l computing every fusable metric over it into its
 * register: accumulators live in the registers, item metrics used by the
 * loop are computed once per item into temporary registers, and each
 * count distinct gets its own set, whose size is the metric after the loop. */
static void gen_fused(struct cg *g, int l, int *ms, int nms, struct img_metric *mtab) {
  struct comp *c = g->c;
  int nsets;
  int *sets = fused_init(g, ms, nms, &nsets);
  if (!sets) {
    g->failed = true;
    return;
  }
  emit2(g, OP_LOOP, (uint32_t)l, 0);
  uint32_t loop_end = here(g) - 4, body = here(g);
  g->live_sets = (uint32_t)nsets; /* inner count distincts take the sets after these */
  if (!fused_temps(g, l, ms, nms, mtab)) {
    g->failed = true;
    return;
  }
  for (int i = 0; i < nms; i++) fused_step(g, &c->metrics[ms[i]], sets[i]);
  emit2(g, OP_NEXT, (uint32_t)l, body);
  patch(g, loop_end, here(g));
  g->live_sets = 0;
  for (int k = 0; k < c->nmetrics; k++) g->temp[k] = -1;
  for (int i = 0; i < nms; i++)
    if (c->metrics[ms[i]].n->a->op == A_DISTINCT) {
      emit1(g, OP_DSIZE, (uint32_t)sets[i]);
      emit1(g, OP_SETMETRIC, (uint32_t)c->metrics[ms[i]].reg);
    }
}

/* The distinct counts one fused loop over list l may hold: the VM's sets
 * but one for each level of lists inside l's items, whose own count
 * distincts (in item metrics and filters) take a set each while theirs run. */
static int dsets_for(const struct comp *c, int l) {
  int below = 0;
  for (int k = 0; k < c->nlists; k++)
    for (int p = c->lists[k].parent, d = 1; p >= 0; p = c->lists[p].parent, d++)
      if (p == l && d > below) below = d;
  return MAX_DSETS - below;
}

static void gen_metric_block(struct cg *g, struct img_metric *mtab) {
  struct comp *c = g->c;
  bool *done = arena_alloc(&c->ar, sizeof(bool) * (size_t)(c->nmetrics + 1));
  int *ms = arena_alloc(&c->ar, sizeof(int) * (size_t)(c->nmetrics + 1));
  g->temp = arena_alloc(&c->ar, sizeof(int32_t) * (size_t)(c->nmetrics + 1));
  g->tempreg = arena_alloc(&c->ar, sizeof(int32_t) * (size_t)(c->nmetrics + 1));
  if (!done || !ms || !g->temp || !g->tempreg) { g->failed = true; return; }
  for (int k = 0; k < c->nmetrics; k++) g->temp[k] = g->tempreg[k] = -1;
  /* first the fusable aggregates, one loop per list (at most dsets_for
   * distinct counts per loop); they depend on no metric */
  for (int l = 0; l < c->nlists; l++) {
    int n = 0, ndistinct = 0, nsets = dsets_for(c, l);
    for (int i = 0; i < c->norder; i++) {
      int mi = c->metric_order[i];
      const struct s_metric *m = &c->metrics[mi];
      if (done[mi] || m->n->a->lidx != l || !fusable(c, m)) continue; /* fusable walks the expression */
      if (m->n->a->op == A_DISTINCT) {
        if (ndistinct == nsets) continue;
        ndistinct++;
      }
      ms[n++] = mi;
      done[mi] = true;
    }
    if (n) gen_fused(g, l, ms, n, mtab);
    if (ndistinct == nsets) l--; /* more distinct counts on this list: another loop */
  }
  /* then the others, in dependency order */
  for (int i = 0; i < c->norder; i++) {
    const struct s_metric *m = &c->metrics[c->metric_order[i]];
    if (done[c->metric_order[i]]) continue;
    gen(g, m->n->a);
    emit1(g, mover(OP_SETMETRIC, m->ty.kind), (uint32_t)m->reg);
  }
}

/* ---- tables ------------------------------------------------------------------------- */

/* The text of a rule (a requirement, a metric's definition, the review
 * rule) as `tierc fmt` writes it on one line, comments left out: it depends
 * on the rule, not on the source's layout, so a formatted file compiles to
 * the same bytes. */
static uint32_t text_of(struct cg *g, const struct node *e, bool bound) {
  struct buf b = {.hook = g->c->hook};
  if ((bound ? fmt_bound_line : fmt_expr_line)(e, g->c->dg.files, &b) != 0) g->failed = true;
  uint32_t s = intern(g, b.p ? (char *)b.p : "", b.n);
  buf_free(&b);
  return s;
}
static uint32_t rule_text(struct cg *g, const struct node *e) { return text_of(g, e, false); }

/* A formula call's text with its parameters written as their arguments
 * (fmt_bound_line): "performance_points(security, enterprise)" inside
 * pcs(security, enterprise), not "performance_points(a, s)". */
static uint32_t call_text(struct cg *g, const struct node *call) {
  struct node bare = *call;
  bare.parens = 0;
  return text_of(g, &bare, true);
}

static int cmp_of(int op, bool flip) {
  static const int m[] = {0, 0, 0, 0, 0, CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE};
  static const int f[] = {0, 0, 0, 0, 0, CMP_EQ, CMP_NE, CMP_GT, CMP_GE, CMP_LT, CMP_LE};
  return op >= B_EQ && op <= B_GE ? (flip ? f[op] : m[op]) : 0;
}

static int64_t const_value(const struct node *n) { return n->ival; }

static bool is_const_node(const struct node *n) {
  return n->kind == N_INT || n->kind == N_DEC || n->kind == N_DATE || n->kind == N_BOOL ||
      (n->kind == N_NAME && (n->ref == R_ENUMVAL || n->ref == R_TIER));
}

/* The kind of constant n (is_const_node, not a decimal) in the image. */
static int const_kind(const struct node *n) {
  if (n->kind == N_NAME) return n->ref == R_TIER ? TY_TIER : TY_ENUM;
  return n->ty.kind;
}

/* `metric CMP constant` (either way round): the runner reports actual and
 * required values for these. */
static void req_metric(struct cg *g, const struct node *e, struct img_req *r) {
  r->metric = r->field = -1;
  if (e->kind == N_NAME && (e->ref == R_METRIC || e->ref == R_FIELD) && e->ty.kind == TY_BOOL) {
    /* a bare bool metric reads as `metric == true` */
    if (e->ref == R_METRIC) r->metric = g->c->metrics[e->index].reg;
    else r->field = g->c->fields[e->index].slot;
    r->cmp = CMP_EQ;
    r->konst = konst(g, TY_BOOL, 1);
    return;
  }
  if (e->kind != N_BIN || !cmp_of(e->op, false) || e->index > 0) return; /* (a guarded one: computed_threshold) */
  const struct node *m = e->a, *k = e->b, *as;
  bool flip = false;
#define IS_VALUE(x) ((x)->kind == N_NAME && ((x)->ref == R_METRIC || (x)->ref == R_FIELD))
  if (!IS_VALUE(m)) { m = e->b; k = e->a; flip = true; }
  as = k;
  k = ast_literal(k); /* a const is a constant here too */
  if (!IS_VALUE(m) || !is_const_node(k)) return;
#undef IS_VALUE
  if (m->ty.kind != k->ty.kind) return; /* converted on the value's side */
  if (m->ref == R_METRIC) r->metric = g->c->metrics[m->index].reg;
  else r->field = g->c->fields[m->index].slot;
  g->threshold = as;
  r->cmp = (uint8_t)cmp_of(e->op, flip);
  if (k->kind == N_DEC) r->konst = konst_as(g, as, TY_NUMBER, 0, k->q);
  else r->konst = konst_as(g, as, const_kind(k), k->ival, num_none());
}

/* ---- computed thresholds (SPEC 3.5; design2.md "values that decide") ---------------- */

/* Does n aggregate over a list, itself or through a formula's expansion or
 * an argument it stands for? */
static bool aggregates(const struct node *n) {
  if (!n) return false;
  if (n->kind == N_AGG) return true;
  if (aggregates(n->a) || aggregates(n->b) || aggregates(n->c)) return true;
  if (n->kind == N_CALL || n->kind == N_NAME) {
    if ((n->ref == R_FORMULA || n->ref == R_ARG) && aggregates(n->def)) return true;
    for (const struct node *x = n->kind == N_CALL ? n->list : NULL; x; x = x->next)
      if (aggregates(x)) return true;
  }
  return false;
}

/* A literal or a const, under the conversion sema may put around it? */
static bool literal_node(const struct node *n) {
  while (n->kind == N_CONV || n->kind == N_NEG) n = n->a;
  n = ast_literal(n);
  return is_const_node(n) || n->kind == N_STR;
}

/* A side's text as the result names it: without the parentheses around
 * it ("sum mrr in deals where won"). */
static uint32_t side_text(struct cg *g, const struct node *n) {
  struct node bare = *n;
  bare.parens = 0;
  return rule_text(g, &bare);
}

/* Can n be the compared side of a computed threshold: a metric, a field,
 * an aggregate or a formula call (under the conversion sema may put around
 * it)? */
static bool is_compared(const struct node *n) {
  while (n->kind == N_CONV) n = n->a;
  return (n->kind == N_NAME && (n->ref == R_METRIC || n->ref == R_FIELD)) || n->kind == N_AGG ||
         (n->kind == N_CALL && n->ref == R_FORMULA);
}

/* Is requirement e a computed threshold: a comparison whose one side is
 * compared (above) and whose other does not aggregate (a value for the
 * whole record), other than `metric CMP constant` (req_metric)?  If so
 * its texts and comparison go into r, read as `value CMP threshold`, and
 * its type becomes the requirement's first traced comparison. */
static bool computed_threshold(struct cg *g, const struct node *e, struct img_req *r) {
  if (r->metric >= 0 || r->field >= 0 || e->kind != N_BIN || !cmp_of(e->op, false) || e->a->ty.kind == TY_TEXT) return false;
  bool right; /* the compared side is e->b */
  if (is_compared(e->a) && !aggregates(e->b)) right = false;
  else if (is_compared(e->b) && !aggregates(e->a)) right = true;
  else return false;
  r->xvalue = side_text(g, right ? e->b : e->a);
  const struct node *t = right ? e->a : e->b;
  g->threshold = t;
  r->xthreshold = literal_node(t) ? NO_STR : side_text(g, t); /* a constant needs no text */
  r->xcmp = (uint8_t)cmp_of(e->op, right);
  g->root_left = right ? TRACE_REQUIRED : TRACE_ACTUAL;
  note_trace(g, e);
  return true;
}

/* Requirement e's explain code (tier_int.h, img_req): e computed as its
 * code computes it, each traced comparison copying its sides into its
 * trace slots as they are pushed.  None when no comparison is traced:
 * the code emitted to find out is taken back. */
static void req_explain(struct cg *g, const struct node *e, struct img_req *r) {
  r->xvalue = r->xthreshold = NO_STR;
  r->xcmp = 0;
  r->xfirst = (uint32_t)(g->traces.n / sizeof(struct img_trace));
  g->trace_root = computed_threshold(g, e, r) ? e : NULL;
  g->ntraced = g->trace_root ? 1 : 0;
  g->tracing = true;
  r->xcode = here(g);
  gen(g, e);
  emit(g, OP_RET);
  g->tracing = false;
  g->trace_root = NULL;
  r->xn = g->ntraced;
  if (r->xn) return;
  g->code.n = r->xcode;
  r->xcode = NO_STR;
}

/* Where requirement r's threshold value is written (img_req.tfile, tline,
 * tcol; none without a threshold side): the side as the requirement writes
 * it (`m >= 2`, `m >= K`), or, when the side is an argument of a block it
 * was inserted from (blocks.c marks the copies), the argument as the
 * insertion writes it (`r(5)`: the 5; through nested blocks, the outermost
 * one's).  A side made of an argument and words of the block (`m >= k + 1`,
 * or a block passing `j + 1` on) is written in two places: none. */
static void threshold_place(struct cg *g, struct img_req *r) {
  const struct node *t = g->threshold;
  r->tfile = r->tline = r->tcol = 0;
  if (!t) return;
  while (t->kind == N_CONV && !(t->arg & ARG_IS)) t = t->a; /* sema's, around a parameter */
  if (t->arg & ARG_HOLDS) return;
  const struct loc *at = t->span.end > t->span.beg ? &t->span : &t->loc;
  diag_line_col(&g->c->dg.files[at->file], at->beg, &r->tline, &r->tcol);
  r->tfile = ipath(g, g->c->dg.files[at->file].path);
}

/* ---- blocks ------------------------------------------------------------------------- */

/* A block's statements after sema (compile.h): requirements (leaves),
 * `either` with its branches and `at least`, each an item. */
static bool is_item(const struct node *s) {
  return s->kind == I_REQ || s->kind == I_EITHER || s->kind == I_BRANCH || s->kind == I_ATLEAST;
}
static uint32_t count_top(const struct node *list) {
  uint32_t n = 0;
  for (const struct node *s = list; s; s = s->next) n += is_item(s);
  return n;
}
static uint32_t count_items(const struct node *list) {
  uint32_t n = 0;
  for (const struct node *s = list; s; s = s->next)
    if (is_item(s)) n += 1 + count_items(s->list);
  return n;
}
static uint32_t count_leaves(const struct node *list) {
  uint32_t n = 0;
  for (const struct node *s = list; s; s = s->next) n += s->kind == I_REQ ? 1 : count_leaves(s->list);
  return n;
}

/* The requirements of a block in the order written, each at its index
 * (blocks_number_reqs), with its code segment. */
static void gen_reqs(struct cg *g, struct node *list, uint32_t *ri) {
  struct comp *c = g->c;
  struct image *img = g->img;
  for (struct node *s = list; s; s = s->next) {
    if (s->kind != I_REQ) {
      gen_reqs(g, s->list, ri);
      continue;
    }
    (*ri)++; /* it is s->index: numbered in this order (blocks_number_reqs) */
    struct img_req *r = &img->reqs[s->index];
    r->code = here(g);
    gen(g, s->a);
    emit(g, OP_RET);
    r->section = istr(g, s->name2);
    r->rule = rule_text(g, s->a);
    g->threshold = NULL;
    req_metric(g, s->a, r);
    req_explain(g, s->a, r);
    if (s->b) r->label = intern(g, s->b->str, s->b->str_len);
    else if (r->metric >= 0) r->label = img->metrics[r->metric].label;
    else r->label = NO_STR;
    diag_line_col(&c->dg.files[s->loc.file], s->loc.beg, &r->line, &r->col);
    r->file = ipath(g, c->dg.files[s->loc.file].path);
    threshold_place(g, r);
  }
}

static uint32_t fill_items(struct cg *g, const struct node *list, uint32_t parent);

/* Item `at` for statement s (a child of `parent`). */
static void fill_item(struct cg *g, const struct node *s, uint32_t parent, uint32_t at) {
  struct img_item *it = &g->img->items[at];
  it->parent = parent;
  it->label = NO_STR;
  it->section = istr(g, s->name2);
  switch (s->kind) {
  case I_REQ: it->kind = IT_LEAF; it->first = (uint32_t)s->index; return;
  case I_EITHER: it->kind = IT_EITHER; break;
  case I_BRANCH: it->kind = IT_BRANCH; if (s->b) it->label = intern(g, s->b->str, s->b->str_len); break;
  default: it->kind = IT_ATLEAST; it->n = (uint32_t)s->ival; break;
  }
  it->count = count_top(s->list);
  it->first = fill_items(g, s->list, at);
}

/* The items of a list of statements: consecutive, at the end of the table
 * so far; their children after them.  Returns the first one's index. */
static uint32_t fill_items(struct cg *g, const struct node *list, uint32_t parent) {
  uint32_t first = g->nitem;
  g->nitem += count_top(list);
  uint32_t at = first;
  for (const struct node *s = list; s; s = s->next)
    if (is_item(s)) fill_item(g, s, parent, at++);
  return first;
}

static void gen_block(struct cg *g, const struct s_tier *st, struct img_tier *it) {
  struct comp *c = g->c;
  it->name = istr(g, st->n->name);
  it->display = st->n->b ? intern(g, st->n->b->str, st->n->b->str_len) : NO_STR; /* a tier's or badge's display name */
  it->ptype = st->ptype < 0 ? NO_TYPE : (uint32_t)st->ptype;
  it->time = st->time ? st->time->op : TC_NONE;
  it->time_n = st->time ? (uint32_t)st->time->ival : 0;
  uint32_t ri = it->first_req = g->nreq;
  gen_reqs(g, st->n->list, &ri);
  it->nreq = ri - it->first_req;
  g->nreq = ri;
  it->nitems = count_top(st->n->list);
  it->first_item = fill_items(g, st->n->list, NO_ITEM);
  diag_line_col(&c->dg.files[st->n->loc.file], st->n->loc.beg, &it->line, &it->col);
  it->file = ipath(g, c->dg.files[st->n->loc.file].path);
}

/* cg_run's steps, in the order they intern strings (the string table's order,
 * and so the bytes of the image, depend on it). */

/* The ruleset's identity: name, version, effective date, fiscal year, source. */
static void gen_header(struct cg *g) {
  struct comp *c = g->c;
  struct image *img = g->img;
  img->fmt_version = BC_VERSION;
  img->effective = c->effective && c->effective->a ? c->effective->a->ival : TIER_NONE;
  img->fiscal = (uint32_t)c->fiscal_month;
  img->name = c->ruleset ? intern(g, c->ruleset->str, c->ruleset->str_len) : NO_STR;
  img->version = c->ruleset && c->ruleset->name2 ? istr(g, c->ruleset->name2) : NO_STR;
  memcpy(img->src_hash, c->src_hash, 32);
  img->src_name = c->dg.nfiles ? ipath(g, c->dg.files[0].path) : NO_STR;
  img->has_debug = true;
}

/* The schema the record reader needs: enums, fields (with their key, list
 * and slot) and lists.  A failed allocation leaves a NULL table; cg_run
 * notices through the arena's failed flag. */
static void gen_schema(struct cg *g) {
  struct comp *c = g->c;
  struct image *img = g->img;
  img->nenums = (uint32_t)c->nenums;
  img->enums = arena_alloc(&img->ar, sizeof *img->enums * (size_t)(c->nenums + 1));
  for (int i = 0; img->enums && i < c->nenums; i++) {
    struct img_enum *e = &img->enums[i];
    e->name = istr(g, c->enums[i].name);
    e->nvals = c->enums[i].nvals;
    e->vals = arena_alloc(&img->ar, sizeof *e->vals * (e->nvals + 1));
    for (uint32_t v = 0; e->vals && v < e->nvals; v++) e->vals[v] = istr(g, c->enums[i].vals[v]);
  }
  img->nfields = (uint32_t)c->nfields;
  img->fields = arena_alloc(&img->ar, sizeof *img->fields * (size_t)(c->nfields + 1));
  for (int i = 0; img->fields && i < c->nfields; i++) {
    const struct s_field *sf = &c->fields[i];
    struct img_field *f = &img->fields[i];
    f->name = istr(g, sf->name);
    f->key = istr(g, sf->key);
    f->kind = sf->ty.kind;
    f->flags = sf->flags;
    f->ref = sf->ty.ref;
    f->owner = sf->owner < 0 ? NO_LIST : (uint16_t)sf->owner;
    f->slot = (uint16_t)sf->slot;
  }
  img->nlists = (uint32_t)c->nlists;
  img->lists = arena_alloc(&img->ar, sizeof *img->lists * (size_t)(c->nlists + 1));
  for (int i = 0; img->lists && i < c->nlists; i++) {
    img->lists[i].field = (uint32_t)c->lists[i].field;
    img->lists[i].width = (uint16_t)c->lists[i].width;
  }
  img->ntop = (uint32_t)c->ntop;
  img->partner_field = c->partner_field;
  img->id_field = c->id_field;
}

/* The metrics' registers (record metrics in dependency order, then the
 * temporaries of item metrics in fused loops), then the code: the review
 * rule's segment and the metric block. */
static void gen_metrics(struct cg *g) {
  struct comp *c = g->c;
  struct image *img = g->img;
  img->metrics = arena_alloc(&img->ar, sizeof *img->metrics * (size_t)(c->nregs + c->nmetrics + 1));
  g->nregs = (uint32_t)c->nregs;
  for (int i = 0; img->metrics && i < c->nmetrics; i++) {
    const struct s_metric *m = &c->metrics[i];
    if (m->list >= 0 || m->reg < 0) continue;
    struct img_metric *im = &img->metrics[m->reg];
    im->name = istr(g, m->name);
    im->label = m->n->b ? intern(g, m->n->b->str, m->n->b->str_len) : NO_STR;
    im->def = rule_text(g, m->n->a);
    im->kind = m->ty.kind;
    im->opt = m->ty.opt;
    im->ref = m->ty.ref;
  }

  img->review_code = NO_STR;
  img->review_text = c->review ? rule_text(g, c->review->a) : NO_STR;
  if (c->review) {
    img->review_code = here(g);
    gen(g, c->review->a);
    emit(g, OP_RET);
  }
  img->metric_code = here(g);
  if (img->metrics) gen_metric_block(g, img->metrics);
  emit(g, OP_END);
  img->nmetrics = g->nregs;
}

/* The blocks: tiers, then badges, with their requirements and items.  The
 * tables are sized first (leaves and items of every block), then filled in
 * source order.  False when out of memory. */
static bool gen_blocks(struct cg *g) {
  struct comp *c = g->c;
  struct image *img = g->img;
  int nblocks = c->ntiers + c->nbadges;
  uint32_t nreq = 0, nitem = 0;
  for (int b = 0; b < nblocks; b++) {
    const struct node *body = (b < c->ntiers ? &c->tiers[b] : &c->badges[b - c->ntiers])->n->list;
    nreq += count_leaves(body);
    nitem += count_items(body);
  }
  img->ntiers = (uint32_t)c->ntiers;
  img->tiers = arena_alloc(&img->ar, sizeof *img->tiers * (size_t)(c->ntiers + 1));
  img->nbadges = (uint32_t)c->nbadges;
  img->badges = arena_alloc(&img->ar, sizeof *img->badges * (size_t)(c->nbadges + 1));
  img->nreqs = nreq;
  img->reqs = arena_alloc(&img->ar, sizeof *img->reqs * ((size_t)nreq + 1));
  img->nitems = nitem;
  img->items = arena_alloc(&img->ar, sizeof *img->items * ((size_t)nitem + 1));
  img->order = arena_alloc(&img->ar, sizeof *img->order * (size_t)(nblocks + 1));
  if (!img->tiers || !img->badges || !img->reqs || !img->items || !img->order || !c->order) return false;
  for (int b = 0; b < nblocks; b++) img->order[b] = (uint32_t)c->order[b];
  img->ngrants = (uint32_t)c->ngrants;
  img->grants = arena_alloc(&img->ar, sizeof *img->grants * (size_t)(c->ngrants + 1));
  if (!img->grants) return false;
  for (int b = 0; b < nblocks; b++) {
    bool badge = b >= c->ntiers;
    gen_block(g, badge ? &c->badges[b - c->ntiers] : &c->tiers[b], badge ? &img->badges[b - c->ntiers] : &img->tiers[b]);
  }
  return true;
}

/* A grant of a tier value, `grant VALUE [when COND];`: one segment that
 * gives the tier granted, none when COND does not hold. */
static void gen_grant_value(struct cg *g, const struct node *n) {
  uint32_t jelse = NO_JUMP;
  if (n->b) {
    gen(g, n->b);
    jelse = emit_jump(g, OP_JUMPF);
  }
  gen(g, n->a);
  if (n->b) {
    uint32_t jend = emit_jump(g, OP_JUMP);
    patch(g, jelse, here(g));
    emit1(g, OP_PUSH, konst(g, TY_TIER, TIER_NONE));
    patch(g, jend, here(g));
  }
  emit(g, OP_RET);
}

/* The grants, each a segment after the requirements': a tier's condition
 * (none for an unconditional grant), or the code of a tier value. */
static void gen_grants(struct cg *g) {
  struct comp *c = g->c;
  for (int k = 0; k < c->ngrants; k++) {
    const struct node *n = c->grants[k];
    struct img_grant *G = &g->img->grants[k];
    G->tier = n->op ? NO_STR : (uint32_t)n->index;
    G->code = G->text = G->value = NO_STR;
    if (n->op) {
      G->code = here(g);
      gen_grant_value(g, n);
      G->value = rule_text(g, n->a);
    } else if (n->b) {
      G->code = here(g);
      gen(g, n->b);
      emit(g, OP_RET);
    }
    if (n->b) G->text = rule_text(g, n->b);
  }
}

/* The consts' constants before any code, in the order the rules declare
 * them, so that the image's table of consts, and tierc diff which says the
 * consts in its order, follow the declarations rather than the first use
 * in the code.  Each is the constant its first use pushes (its literal,
 * converted as that use converts it: `const cap = 500` compared with money
 * is money 500), so none is extra. */
static void gen_consts(struct cg *g) {
  for (int i = 0; i < g->c->nconsts; i++) {
    const struct s_const *k = &g->c->consts[i];
    if (!k->use || k->ty.kind == TY_ERROR) continue;
    g->tag = (uint32_t)i + 1;
    literal_konst(g, k->use->def);
  }
  g->tag = 0;
}

/* Moves the code, strings and constants built in g's buffers into the
 * image's arena, then verifies the image: the verifier fills in the cost
 * bound (SPEC 4.5) and the stack depth, and code that does not verify is
 * a compiler bug, reported as such.  False on any failure. */
static bool assemble(struct cg *g) {
  struct comp *c = g->c;
  struct image *img = g->img;
  if (g->code.failed || g->strs.failed || g->consts.failed || g->slens.failed || g->named.failed || g->traces.failed ||
      g->failed || c->ar.failed)
    return false;
  img->codelen = (uint32_t)g->code.n;
  img->code = arena_alloc(&img->ar, g->code.n + 1);
  img->nstrs = nstrs(g);
  img->strs = arena_alloc(&img->ar, sizeof(char *) * (img->nstrs + 1));
  img->strlens = arena_alloc(&img->ar, sizeof(uint32_t) * (img->nstrs + 1));
  img->nconsts = nconsts(g);
  img->consts = arena_alloc(&img->ar, sizeof(struct img_const) * (img->nconsts + 1));
  img->nnamed = (uint32_t)(g->named.n / sizeof(struct img_named));
  img->named = arena_alloc(&img->ar, sizeof(struct img_named) * (img->nnamed + 1));
  img->ntraces = (uint32_t)(g->traces.n / sizeof(struct img_trace));
  img->traces = arena_alloc(&img->ar, sizeof(struct img_trace) * (img->ntraces + 1));
  if (!img->code || !img->strs || !img->strlens || !img->consts || !img->named || !img->traces || img->ar.failed) return false;
  /* an empty buffer has no storage: memcpy from NULL is undefined even for 0 bytes */
  if (g->code.n) memcpy(img->code, g->code.p, g->code.n);
  if (g->strs.n) memcpy(img->strs, g->strs.p, g->strs.n);
  if (g->slens.n) memcpy(img->strlens, g->slens.p, g->slens.n);
  if (g->consts.n) memcpy(img->consts, g->consts.p, g->consts.n);
  if (g->named.n) memcpy(img->named, g->named.p, g->named.n);
  if (g->traces.n) memcpy(img->traces, g->traces.p, g->traces.n);
  char err[256];
  int vr = vfy_image(img, err, sizeof err);
  if (vr == TIER_OK) return true;
  if (vr != TIER_ENOMEM) diag_add(&c->dg, TIER_ERROR, NULL, _("internal error: generated code does not verify: %s"), err);
  return false;
}

/* Compiles a checked program into a verified image, or NULL (the reason is
 * in c's diagnostics, or there is none: out of memory). */
struct image *cg_run(struct comp *c) {
  struct image *img = image_new(c->hook);
  if (!img) return NULL;
  struct cg g;
  memset(&g, 0, sizeof g);
  hash_key_new(&g.key);
  g.c = c;
  g.img = img;
  g.code.hook = g.strs.hook = g.slens.hook = g.consts.hook = g.ktags.hook = g.named.hook = g.traces.hook = c->hook;

  gen_header(&g);
  gen_schema(&g);
  gen_consts(&g);
  gen_metrics(&g);
  bool ok = gen_blocks(&g);
  if (ok) gen_grants(&g);
  ok = ok && assemble(&g);
  buf_free(&g.code);
  buf_free(&g.strs);
  buf_free(&g.slens);
  buf_free(&g.consts);
  buf_free(&g.ktags);
  buf_free(&g.named);
  buf_free(&g.traces);
  if (ok) return img;
  image_free(img);
  return NULL;
}
