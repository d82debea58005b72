/*
 * meaning.c - what a compiled ruleset means, read back from its code.
 *
 * Each code segment (the review rule, the metric block, every requirement)
 * is executed symbolically: a value becomes a node that says what it is
 * computed from - constants, fields, items, asof, the operation of an
 * instruction, the choice made at a branch (ITE), a fold over a list's items
 * - with the schema's names instead of slots and indices.  A node's digest
 * covers all of that, so two rulesets mean the same where their nodes have
 * equal digests, whatever the layout of their code, the order of their
 * constants and registers, or the text, comments and layout of their source;
 * and where they behave differently, their digests differ (a node says
 * exactly what its code computes).
 *
 * How the code is followed.  The verifier guarantees forward jumps, loops
 * that nest only as their lists do, and one stack shape wherever paths join.  At a branch
 * both sides run, from the branch to its immediate post-dominator (where
 * every path from it meets again), and their states merge there into
 * ITE(condition, this side, that side).  A loop body runs once with a
 * placeholder for each value it carries from item to item (a stack slot, a
 * register, a distinct set); each value it changes becomes a FOLD: its
 * value before the list and its value after one more item, in terms of the
 * placeholders.  A register read gives a REF node, named, whose child is the
 * value read: a metric, or an item metric computed once per item.
 *
 * A few exact rewrites make the compiler's two forms of an aggregate (the
 * fused register loop and the in-expression one) read the same: a count's
 * flag becomes a choice, a choice on a choice is flattened when one side is
 * a constant, and a choice between equal values is that value.
 *
 * Besides the VM, which runs the code, and the verifier and disasm, which
 * check and list it, this is the one reader of the code: tierc diff
 * (rulediff.c), the rules hash, tierc test --coverage (coverage.c), and the
 * results, which name the dates of a period test, the blocks a rule refers
 * to and a runtime error's metric (mn_shapes, mn_metric_writes: read at
 * load into the ruleset, result.c).
 *
 * Code that cannot be followed within the budget (only crafted bytecode is
 * that deep or that tangled) is kept as an OPAQUE node whose digest is that
 * of its instructions, names resolved: still a faithful digest, only
 * coarser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "func.h"
#include "meaning.h"
#include "period.h"

#define MAX_NODE_DEPTH 1500 /* deeper values are read as opaque (recursion below is bounded by it) */
#define MAX_BRANCH_DEPTH 400 /* branches nested deeper are read as opaque (so is the C stack);
                                the compiler nests them as deep as conditions, at most LIM_DEPTH */
#define NO_CONST UINT32_MAX /* MN_CONST made by the reader (a kept false), not from the pool */
#define EXIT UINT32_MAX
/* The collections a loop fills: the distinct-value sets, then the median
 * buffers (buffer k is collection MAX_DSETS + k). */
#define NCOLL (MAX_DSETS + MAX_MBUFS)

/* ---- the reader's state ------------------------------------------------------------ */

struct wr { uint32_t reg; struct mn *v; };

/* The values at one point of one path through a segment.  Register writes
 * made inside a branch or loop go to the state's log; a read looks in the
 * log, then in the enclosing states', then in the registers' values so far. */
struct xs {
  struct mn **stk;
  uint32_t sp;
  const struct xs *up;
  struct wr *log;
  uint32_t nlog, cap;
  uint32_t *idx, icap;   /* reg -> log entry + 1, once the log is long */
  struct mn *sets[NCOLL];      /* the collections (NCOLL) */
  struct mn *ret;
  bool done;
  bool top;              /* the segment's own state: writes go to the values so far */
};

struct ctx {
  struct meaning *m;
  const struct image *img;
  const struct tier_alloc_hook *hook;
  struct mn **tab;           /* nodes by deep digest */
  uint32_t cap, count;
  uint32_t *ipd;             /* per instruction: its immediate post-dominator */
  int32_t *top_field;        /* slot -> field index */
  int32_t **item_field;      /* list -> item slot -> field index */
  struct mn **base;          /* per register: its value so far */
  uint32_t loop_list;        /* the list whose items are read, NO_LIST outside loops */
  uint32_t ph_base;          /* placeholders of the loops around this one are numbered
                                below it: an inner loop's never stand for an outer's */
  /* budgets for the whole image, so that reading it is linear in its size
   * whatever the code: nodes made, instructions followed, post-dominator
   * steps; what is left unread when one runs out is opaque */
  uint64_t nodes_left, steps_left;
  int depth;                 /* branches being followed, one inside the other */
  uint32_t branches;         /* branches followed in the current segment */
  uint32_t *reg_stamp, stamp; /* registers already counted in the current loop */
  bool failed;               /* this segment cannot be followed */
  bool oom;
  struct mn *t_true, *t_false;
  struct mn **slots; /* explain code: what its TRACEs copy, per trace slot */
  uint32_t nslots;
};

static uint32_t rd32(const uint8_t *q) {
  return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}
static uint32_t insn_len(uint8_t op) { return 1 + 4 * (uint32_t)op_noperands(op_info[op].fmt); }

static const char *S(const struct image *img, uint32_t s) { return s == NO_STR ? "" : img_str(img, s); }

/* ---- digests ---------------------------------------------------------------------- */

static void h_bytes(crypto_generichash_state *h, const void *p, size_t n) {
  uint32_t len = (uint32_t)n;
  crypto_generichash_update(h, (const unsigned char *)&len, sizeof len);
  crypto_generichash_update(h, (const unsigned char *)p, n);
}
static void h_str(crypto_generichash_state *h, const char *s) { h_bytes(h, s, strlen(s)); }
static void h_i64(crypto_generichash_state *h, int64_t v) { h_bytes(h, &v, sizeof v); }

static void h_block(crypto_generichash_state *h, const struct image *img, uint32_t b);

/* A constant by its kind and value: a text by its bytes, a number by its
 * fraction (in lowest terms, so equal numbers hash alike), a tier as a
 * reference names it. */
static void h_value(crypto_generichash_state *h, const struct image *img, int kind, int64_t v, const struct num *q) {
  h_i64(h, kind);
  if (kind == TY_TEXT && v >= 0 && (uint64_t)v < img->nstrs) h_bytes(h, img->strs[v], img->strlens[v]);
  else if (kind == TY_TIER && v >= 0 && (uint64_t)v < img->ntiers) h_block(h, img, (uint32_t)v);
  else if (kind == TY_NUMBER && q) { h_bytes(h, &q->n, sizeof q->n); h_bytes(h, &q->d, sizeof q->d); }
  else h_i64(h, v);
}
static void h_const(crypto_generichash_state *h, const struct image *img, uint32_t k) {
  h_value(h, img, img->consts[k].kind, img->consts[k].v, &img->consts[k].q);
}

/* A field by where it is and what it holds, never by its slot. */
static void h_field(crypto_generichash_state *h, const struct image *img, uint32_t f) {
  const struct img_field *F = &img->fields[f];
  char ln[LIST_NAME_MAX];
  h_str(h, F->owner == NO_LIST ? "" : img_list_name(img, F->owner, ln, sizeof ln));
  h_str(h, S(img, F->name));
  if (strcmp(S(img, F->key), S(img, F->name)) != 0) h_str(h, S(img, F->key)); /* records are read by it */
  h_i64(h, F->kind);
  h_i64(h, F->flags);
  h_str(h, F->kind == TY_ENUM ? S(img, img->enums[F->ref].name) : "");
}

/* A block a HOLDS or MEETS names: by name (a tier's with its partner
 * type), not by its index, which moves when a tier is added before it. */
static void h_block(crypto_generichash_state *h, const struct image *img, uint32_t b) {
  const struct img_tier *t = img_block(img, b);
  h_str(h, S(img, t->name));
  h_str(h, b < img->ntiers ? S(img, img->enums[img->fields[img->partner_field].ref].vals[t->ptype]) : "");
}

/* What a node is, apart from its children, in canonical form. */
static void h_head(crypto_generichash_state *h, const struct image *img, const struct mn *n) {
  h_i64(h, n->kind);
  switch (n->kind) {
  case MN_CONST: h_value(h, img, n->ck, n->v, n->x != NO_CONST ? &img->consts[n->x].q : NULL); break;
  case MN_FIELD: case MN_ITEM: h_field(h, img, n->x); break;
  case MN_REF: h_str(h, S(img, img->metrics[n->x].name)); break;
  case MN_OP: {
    const struct opinfo *oi = &op_info[n->op];
    h_str(h, oi->name);
    /* its operand: a constant by value; an index the reader resolved into
     * names or nodes (fields, registers, sets, lists, jumps) not at all;
     * any other (months, days, decimals, and what comes) as it is */
    if (oi->fmt == K || oi->fmt == K_JMP) h_const(h, img, n->x);
    else if (oi->fmt == BLK) h_block(h, img, n->x);
    else if (oi->fmt != N0 && oi->fmt != FLD && oi->fmt != ITM && oi->fmt != MET && oi->fmt != MET_JMP && oi->fmt != SET && oi->fmt != BUF &&
             oi->fmt != JMP && oi->fmt != LST_JMP && oi->fmt != LST_BACK)
      h_i64(h, (int32_t)n->x);
    break;
  }
  case MN_ACC: case MN_PH: h_i64(h, n->x); break;
  case MN_FOLD: {
    char ln[LIST_NAME_MAX];
    h_str(h, img_list_name(img, n->x, ln, sizeof ln));
    h_i64(h, n->y);
    h_i64(h, n->n);
    break;
  }
  default: break;
  }
}

/* ---- nodes ---------------------------------------------------------------------------- */

static bool over(struct ctx *x) {
  if (x->failed) return true;
  if (x->nodes_left == 0 || x->steps_left == 0) x->failed = true;
  return x->failed;
}

static bool intern_grow(struct ctx *x) {
  uint32_t ncap = x->cap ? x->cap * 2 : 1024;
  struct mn **t = t_malloc(x->hook, sizeof *t * ncap);
  if (!t) { x->oom = x->failed = true; return false; }
  memset(t, 0, sizeof *t * ncap);
  for (uint32_t i = 0; i < x->cap; i++) {
    struct mn *n = x->tab[i];
    if (!n) continue;
    uint32_t k;
    memcpy(&k, n->deep, sizeof k);
    for (k &= ncap - 1; t[k]; k = (k + 1) & (ncap - 1)) {}
    t[k] = n;
  }
  t_free(x->hook, x->tab, sizeof *x->tab * x->cap);
  x->tab = t;
  x->cap = ncap;
  return true;
}

/* Make (or find: nodes are shared by digest) a node.  OPAQUE nodes bring
 * their digest in `opaque`. */
static struct mn *mk(struct ctx *x, int kind, int op, int ck, uint32_t xx, uint32_t y, int64_t v, struct mn **kids,
                     uint16_t n, const uint8_t *opaque) {
  if (over(x)) return NULL;
  struct mn t;
  memset(&t, 0, sizeof t);
  t.kind = (uint8_t)kind;
  t.op = (uint8_t)op;
  t.ck = (uint8_t)ck;
  t.x = xx;
  t.y = y;
  t.v = v;
  t.n = n;
  for (uint16_t i = 0; i < n; i++) {
    if (!kids[i]) { x->failed = true; return NULL; }
    if (kids[i]->depth + 1 > t.depth) t.depth = kids[i]->depth + 1;
    t.phmask |= kids[i]->phmask;
  }
  if (kind == MN_PH) t.phmask |= 1ull << (xx % 64);
  if (t.depth > MAX_NODE_DEPTH) { x->failed = true; return NULL; }
  if (opaque) {
    memcpy(t.deep, opaque, MN_DIGEST);
    memcpy(t.shallow, opaque, MN_DIGEST);
  } else {
    crypto_generichash_state hd, hs;
    crypto_generichash_init(&hd, NULL, 0, MN_DIGEST);
    h_head(&hd, x->img, &t);
    hs = hd;
    for (uint16_t i = 0; i < n; i++) {
      crypto_generichash_update(&hd, kids[i]->deep, MN_DIGEST);
      if (kind != MN_REF) crypto_generichash_update(&hs, kids[i]->shallow, MN_DIGEST);
    }
    crypto_generichash_final(&hd, t.deep, MN_DIGEST);
    crypto_generichash_final(&hs, t.shallow, MN_DIGEST);
  }
  if ((x->count + 1) * 2 > x->cap && !intern_grow(x)) return NULL;
  uint32_t k;
  memcpy(&k, t.deep, sizeof k);
  for (k &= x->cap - 1; x->tab[k]; k = (k + 1) & (x->cap - 1))
    if (!memcmp(x->tab[k]->deep, t.deep, MN_DIGEST)) return x->tab[k];
  x->nodes_left--;
  struct mn *p = arena_alloc(&x->m->ar, sizeof *p);
  struct mn **a = n ? arena_alloc(&x->m->ar, sizeof *a * n) : NULL;
  if (!p || (n && !a)) { x->oom = x->failed = true; return NULL; }
  *p = t;
  if (n) memcpy(a, kids, sizeof *a * n);
  p->a = a;
  x->tab[k] = p;
  x->count++;
  return p;
}

static struct mn *leaf(struct ctx *x, int kind, uint32_t xx) { return mk(x, kind, 0, 0, xx, 0, 0, NULL, 0, NULL); }
static struct mn *konst(struct ctx *x, int ck, int64_t v) { return mk(x, MN_CONST, 0, ck, NO_CONST, 0, v, NULL, 0, NULL); }
static struct mn *pool_const(struct ctx *x, uint32_t k) {
  return mk(x, MN_CONST, 0, x->img->consts[k].kind, k, 0, x->img->consts[k].v, NULL, 0, NULL);
}
static struct mn *op1(struct ctx *x, int op, uint32_t operand, struct mn *a) { return mk(x, MN_OP, op, 0, operand, 0, 0, &a, 1, NULL); }
static struct mn *op2(struct ctx *x, int op, struct mn *a, struct mn *b) {
  struct mn *k[2] = {a, b};
  return mk(x, MN_OP, op, 0, 0, 0, 0, k, 2, NULL);
}

/* c == true ? a : b, with the exact rewrites that make equal choices read
 * the same: equal sides, a constant condition, a condition that is itself
 * a choice with a constant side (the value code of `and`/`or`), and BOOL. */
static struct mn *ite(struct ctx *x, struct mn *c, struct mn *a, struct mn *b) {
  if (!c || !a || !b) { x->failed = true; return NULL; }
  if (a == b) return a;
  if (c->kind == MN_CONST) return c->ck != TY_TEXT && c->v == 1 ? a : b;
  if (c->kind == MN_OP && c->op == OP_BOOL) return ite(x, c->a[0], a, b);
  if (c->kind == MN_ITE && (c->a[1]->kind == MN_CONST || c->a[2]->kind == MN_CONST))
    return ite(x, c->a[0], ite(x, c->a[1], a, b), ite(x, c->a[2], a, b));
  struct mn *k[3] = {c, a, b};
  return mk(x, MN_ITE, 0, 0, 0, 0, 0, k, 3, NULL);
}

/* acc + (flag == true), as a choice: the same node as a register count
 * incremented under the same condition. */
static struct mn *count_step(struct ctx *x, struct mn *acc, struct mn *flag) {
  struct mn *one = op2(x, OP_CNT, acc, x->t_true);
  if (flag == x->t_true) return one;
  return ite(x, flag, one, acc);
}

/* ---- registers --------------------------------------------------------------------- */

static struct wr *log_find(const struct xs *s, uint32_t r) {
  if (s->idx) {
    for (uint32_t k = (r * 2654435761u) & (s->icap - 1); s->idx[k]; k = (k + 1) & (s->icap - 1))
      if (s->log[s->idx[k] - 1].reg == r) return &s->log[s->idx[k] - 1];
    return NULL;
  }
  for (uint32_t i = 0; i < s->nlog; i++)
    if (s->log[i].reg == r) return &s->log[i];
  return NULL;
}

static struct mn *reg_get(struct ctx *x, const struct xs *s, uint32_t r) {
  for (; s; s = s->up) {
    struct wr *w = log_find(s, r);
    if (w) return w->v;
  }
  return x->base[r];
}

static bool log_index(struct ctx *x, struct xs *s) {
  uint32_t ncap = s->icap ? s->icap * 2 : 64;
  uint32_t *t = t_malloc(x->hook, sizeof *t * ncap);
  if (!t) return false;
  memset(t, 0, sizeof *t * ncap);
  for (uint32_t i = 0; i < s->nlog; i++) {
    uint32_t k = (s->log[i].reg * 2654435761u) & (ncap - 1);
    while (t[k]) k = (k + 1) & (ncap - 1);
    t[k] = i + 1;
  }
  t_free(x->hook, s->idx, sizeof *s->idx * s->icap);
  s->idx = t;
  s->icap = ncap;
  return true;
}

/* Write register r: at the top of a segment into the values so far, inside
 * a branch or loop into the state's own log. */
static void reg_set(struct ctx *x, struct xs *s, uint32_t r, struct mn *v) {
  if (!v) { x->failed = true; return; }
  if (s->top) { x->base[r] = v; return; }
  struct wr *w = log_find(s, r);
  if (w) { w->v = v; return; }
  if (s->nlog == s->cap) {
    uint32_t ncap = s->cap ? s->cap * 2 : 8;
    struct wr *l = t_realloc(x->hook, s->log, sizeof *l * s->cap, sizeof *l * ncap);
    if (!l) { x->oom = x->failed = true; return; }
    s->log = l;
    s->cap = ncap;
  }
  s->log[s->nlog++] = (struct wr){r, v};
  if ((s->nlog > 16 && !s->idx) || (s->idx && s->nlog * 2 > s->icap)) {
    if (!log_index(x, s)) { x->oom = x->failed = true; return; }
  } else if (s->idx) {
    uint32_t k = (r * 2654435761u) & (s->icap - 1);
    while (s->idx[k]) k = (k + 1) & (s->icap - 1);
    s->idx[k] = s->nlog;
  }
}

/* A register read: its name and the value it holds there. */
static struct mn *reg_read(struct ctx *x, const struct xs *s, uint32_t r) {
  struct mn *v = reg_get(x, s, r);
  return mk(x, MN_REF, 0, 0, r, 0, 0, &v, 1, NULL);
}

/* ---- states ---------------------------------------------------------------------------- */

/* A state that starts as s is (its stack copied; its registers read through s). */
static bool xs_child(struct ctx *x, const struct xs *s, struct xs *c) {
  memset(c, 0, sizeof *c);
  c->stk = t_malloc(x->hook, sizeof *c->stk * (x->img->max_stack + 2));
  if (!c->stk) { x->oom = x->failed = true; return false; }
  memcpy(c->stk, s->stk, sizeof *c->stk * s->sp);
  c->sp = s->sp;
  c->up = s;
  memcpy(c->sets, s->sets, sizeof c->sets);
  c->ret = s->ret;
  c->done = s->done;
  return true;
}

static void xs_free(struct ctx *x, struct xs *s) {
  t_free(x->hook, s->stk, sizeof *s->stk * (x->img->max_stack + 2));
  if (s->log) t_free(x->hook, s->log, sizeof *s->log * s->cap);
  t_free(x->hook, s->idx, sizeof *s->idx * s->icap);
}

static struct mn *pop(struct ctx *x, struct xs *s) {
  if (s->sp == 0) { x->failed = true; return NULL; }
  return s->stk[--s->sp];
}
static void push(struct ctx *x, struct xs *s, struct mn *v) {
  if (!v || s->sp > x->img->max_stack) { x->failed = true; return; }
  s->stk[s->sp++] = v;
}

/* The two sides of a branch meet: a is the state when c is true. */
static void merge(struct ctx *x, struct xs *s, struct mn *c, const struct xs *a, const struct xs *b) {
  if (a->sp != b->sp || a->done != b->done) { x->failed = true; return; }
  s->sp = a->sp;
  for (uint32_t i = 0; i < a->sp; i++) s->stk[i] = ite(x, c, a->stk[i], b->stk[i]);
  for (uint32_t i = 0; i < a->nlog; i++) reg_set(x, s, a->log[i].reg, ite(x, c, a->log[i].v, reg_get(x, b, a->log[i].reg)));
  for (uint32_t i = 0; i < b->nlog; i++)
    if (!log_find(a, b->log[i].reg)) reg_set(x, s, b->log[i].reg, ite(x, c, reg_get(x, a, b->log[i].reg), b->log[i].v));
  for (int k = 0; k < NCOLL; k++) {
    if (!a->sets[k] != !b->sets[k]) { x->failed = true; return; }
    s->sets[k] = a->sets[k] ? ite(x, c, a->sets[k], b->sets[k]) : NULL;
  }
  s->done = a->done;
  s->ret = a->done ? ite(x, c, a->ret, b->ret) : NULL;
}

/* ---- following the code ------------------------------------------------------------ */

static void run(struct ctx *x, uint32_t pc, uint32_t stop, struct xs *s);

/* Both sides of the branch at pc, to where they meet. */
static uint32_t branch(struct ctx *x, uint32_t pc, struct xs *s, struct mn *c, uint32_t when_true, uint32_t when_false,
                       struct mn *true_top, struct mn *false_top) {
  uint32_t j = x->ipd[pc];
  struct xs t, f;
  if (x->depth >= MAX_BRANCH_DEPTH) { x->failed = true; return EXIT; }
  x->branches++;
  if (!xs_child(x, s, &t)) return EXIT;
  if (!xs_child(x, s, &f)) { xs_free(x, &t); return EXIT; }
  if (true_top) push(x, &t, true_top);
  if (false_top) push(x, &f, false_top);
  x->depth++;
  run(x, when_true, j, &t);
  run(x, when_false, j, &f);
  x->depth--;
  if (!x->failed) merge(x, s, c, &t, &f);
  xs_free(x, &t);
  xs_free(x, &f);
  return j;
}

/* The stack form of a register accumulation (SUMR_I -> SUM_I), or op. */
static int stack_form(int op) {
  const char *n = op_info[op].name;
  char want[24];
  size_t k = 0;
  for (size_t i = 0; n[i] && k + 1 < sizeof want; i++)
    if (!(n[i] == 'R' && (n[i + 1] == '_' || n[i + 1] == 0))) want[k++] = n[i];
  want[k] = 0;
  for (int o = 0; o < OP__COUNT; o++)
    if (!strcmp(op_info[o].name, want)) return o;
  return op;
}

/* The comparison a conditional jump tests (JNGEK_I -> GEK_I), or op. */
static int tested_form(int op) {
  const char *n = op_info[op].name;
  if (strncmp(n, "JN", 2) != 0) return op;
  for (int o = 0; o < OP__COUNT; o++)
    if (!strcmp(op_info[o].name, n + 2)) return o;
  return op;
}

/* SETMETRIC and SETMETRIC_F write a register; INCR and the *R ops
 * accumulate into one. */
static bool writes_register(int op) {
  return op == OP_INCR || (op_info[op].fmt == MET && op_info[op].pops == 1 && op_info[op].pushes == 0);
}
static bool accumulates(int op) { return writes_register(op) && op != OP_SETMETRIC && op != OP_SETMETRIC_F; }

/* Build the fold for accumulator k of a loop over list l: its value before
 * the list (init) and after one more item (step, in terms of the loop's
 * placeholders).  Accumulators whose steps read each other fold together. */
struct acc { int cls; uint32_t id; const char *name; struct mn *init, *step; };

static void ph_deps(struct ctx *x, struct mn *n, bool *dep, uint32_t base, uint32_t nacc) {
  if (!n || !n->phmask || n->mark == x->m->gen) return;
  n->mark = x->m->gen;
  if (n->kind == MN_PH && n->x >= base && n->x - base < nacc) dep[n->x - base] = true;
  for (uint16_t i = 0; i < n->n; i++) ph_deps(x, n->a[i], dep, base, nacc);
}

struct submemo { struct mn *from, *to; };
struct memo { struct submemo *e; uint32_t cap, n; };

static bool memo_grow(struct ctx *x, struct memo *mm) {
  uint32_t ncap = mm->cap * 2;
  struct submemo *e = t_malloc(x->hook, sizeof *e * ncap);
  if (!e) { x->oom = x->failed = true; return false; }
  memset(e, 0, sizeof *e * ncap);
  for (uint32_t i = 0; i < mm->cap; i++) {
    if (!mm->e[i].from) continue;
    uint32_t k = (uint32_t)(((uintptr_t)mm->e[i].from >> 4) * 2654435761u) & (ncap - 1);
    while (e[k].from) k = (k + 1) & (ncap - 1);
    e[k] = mm->e[i];
  }
  t_free(x->hook, mm->e, sizeof *mm->e * mm->cap);
  mm->e = e;
  mm->cap = ncap;
  return true;
}

/* n with each placeholder of the fold's accumulators (numbered from base)
 * replaced by ACC(its place in the fold); an enclosing loop's placeholder
 * stays for that loop's fold.  A shared node is rebuilt once (the memo). */
static struct mn *subst(struct ctx *x, struct mn *n, const int *pos, uint32_t base, uint32_t nacc, struct memo *mm) {
  if (!n || !n->phmask) return n;
  if (n->kind == MN_PH && n->x < base) return n;
  if (n->kind == MN_PH)
    return n->x - base < nacc && pos[n->x - base] >= 0 ? leaf(x, MN_ACC, (uint32_t)pos[n->x - base]) : NULL;
  uint32_t mask = mm->cap - 1, k0 = (uint32_t)(((uintptr_t)n >> 4) * 2654435761u) & mask, k;
  for (k = k0; mm->e[k].from; k = (k + 1) & mask)
    if (mm->e[k].from == n) return mm->e[k].to;
  struct mn *kids[8], **ks = n->n <= 8 ? kids : t_malloc(x->hook, sizeof *ks * n->n);
  if (!ks) { x->oom = x->failed = true; return NULL; }
  for (uint16_t i = 0; i < n->n; i++) ks[i] = subst(x, n->a[i], pos, base, nacc, mm);
  struct mn *r = mk(x, n->kind, n->op, n->ck, n->x, n->y, n->v, ks, n->n, NULL);
  if (ks != kids) t_free(x->hook, ks, sizeof *ks * n->n);
  if (r && (mm->n + 1) * 2 > mm->cap && !memo_grow(x, mm)) return NULL;
  if (r) {
    mask = mm->cap - 1;
    for (k = (uint32_t)(((uintptr_t)n >> 4) * 2654435761u) & mask; mm->e[k].from; k = (k + 1) & mask) {}
    mm->e[k] = (struct submemo){n, r};
    mm->n++;
  }
  return r;
}

static int acc_order(const struct acc *a, const struct acc *b) {
  if (a->cls != b->cls) return a->cls - b->cls;
  if (a->name && b->name) return strcmp(a->name, b->name);
  return a->id < b->id ? -1 : a->id > b->id;
}

/* The accumulators one fold needs: the first, those its step reads, theirs,
 * ... (members[0..*nm)); in[] marks them with this call's stamp. */
static bool fold_members(struct ctx *x, struct acc *accs, uint32_t base, uint32_t nacc, uint32_t k, uint32_t *members,
                         uint32_t *nm, bool *dep) {
  *nm = 0;
  members[(*nm)++] = k;
  for (uint32_t i = 0; i < *nm; i++) {
    const struct mn *step = accs[members[i]].step;
    uint64_t others = step->phmask & ~(1ull << ((base + members[i]) % 64));
    if (!others && nacc <= 64) continue; /* reads no other accumulator: the usual case */
    if (x->steps_left < nacc) return false;
    x->steps_left -= nacc;
    memset(dep, 0, nacc + 1);
    x->m->gen++;
    ph_deps(x, (struct mn *)step, dep, base, nacc);
    for (uint32_t j = 0; j < nacc; j++) {
      if (!dep[j]) continue;
      bool have = false;
      for (uint32_t q = 0; q < *nm && !have; q++) have = members[q] == j;
      if (!have) members[(*nm)++] = j;
    }
    if (*nm > 4096) return false;
  }
  return true;
}

/* Scratch for the folds of one loop: pos[] is -1 but for the members of
 * the fold being built; base numbers the loop's first placeholder. */
struct fold_scratch { bool *dep; int *pos; uint32_t *members; uint32_t base; };

static struct mn *fold(struct ctx *x, uint32_t l, struct acc *accs, uint32_t nacc, uint32_t k, struct fold_scratch *fs) {
  bool *dep = fs->dep;
  int *pos = fs->pos;
  uint32_t *members = fs->members;
  struct mn *r = NULL;
  uint32_t nm = 0;
  if (!fold_members(x, accs, fs->base, nacc, k, members, &nm, dep)) { x->failed = true; goto out; }
  /* ... in an order that does not depend on register or set numbers */
  for (uint32_t i = 1; i < nm; i++)
    for (uint32_t j = i; j > 0 && acc_order(&accs[members[j]], &accs[members[j - 1]]) < 0; j--) {
      uint32_t t = members[j];
      members[j] = members[j - 1];
      members[j - 1] = t;
    }
  for (uint32_t i = 0; i < nm; i++) pos[members[i]] = (int)i;
  struct mn **kids = t_malloc(x->hook, sizeof *kids * 2 * nm);
  struct memo mm = {NULL, 1024, 0};
  mm.e = t_malloc(x->hook, sizeof *mm.e * mm.cap);
  if (!kids || !mm.e) {
    t_free(x->hook, kids, sizeof *kids * 2 * nm);
    t_free(x->hook, mm.e, sizeof *mm.e * mm.cap);
    x->oom = x->failed = true;
    goto out;
  }
  memset(mm.e, 0, sizeof *mm.e * mm.cap);
  for (uint32_t i = 0; i < nm; i++) {
    kids[i] = accs[members[i]].init;
    kids[nm + i] = subst(x, accs[members[i]].step, pos, fs->base, nacc, &mm);
  }
  r = mk(x, MN_FOLD, 0, 0, l, (uint32_t)pos[k], 0, kids, (uint16_t)(2 * nm), NULL);
  t_free(x->hook, kids, sizeof *kids * 2 * nm);
  t_free(x->hook, mm.e, sizeof *mm.e * mm.cap);
out:
  for (uint32_t i = 0; i < nm; i++) pos[members[i]] = -1;
  return r;
}

/* The loop at pc over list l, its body [body, nx) where nx is its NEXT. */
static void loop(struct ctx *x, struct xs *s, uint32_t l, uint32_t body, uint32_t nx) {
  const struct image *img = x->img;
  /* what the body carries from item to item: the stack, the sets and the
   * registers it writes */
  uint32_t nacc = s->sp, cap = s->sp + NCOLL + 16;
  struct acc *accs = t_malloc(x->hook, sizeof *accs * cap);
  if (!accs) { x->oom = x->failed = true; return; }
  for (uint32_t i = 0; i < s->sp; i++) accs[i] = (struct acc){0, i, NULL, s->stk[i], NULL};
  /* a collection the body empties before it fills it (an inner list's
   * count distinct or median, once per item) is the body's own, not carried */
  bool set_written[NCOLL] = {false}, set_local[NCOLL] = {false};
  if (++x->stamp == 0) { memset(x->reg_stamp, 0, sizeof *x->reg_stamp * img->nmetrics); x->stamp = 1; }
  for (uint32_t pc = body; pc < nx; pc += insn_len(img->code[pc])) {
    uint8_t op = img->code[pc];
    uint32_t a = op_noperands(op_info[op].fmt) ? rd32(img->code + pc + 1) : 0;
    /* the collection an instruction empties or fills: set a, or buffer a
     * after the sets; NCOLL for none */
    bool clears = op == OP_DCLEAR || op == OP_MCLEAR, fills = op == OP_DADD || op == OP_DADD_S || op == OP_MADD;
    uint32_t coll = !clears && !fills ? NCOLL : op == OP_MCLEAR || op == OP_MADD ? (a < MAX_MBUFS ? MAX_DSETS + a : NCOLL)
                                                                                 : (a < MAX_DSETS ? a : NCOLL);
    if (clears && coll < NCOLL && !set_written[coll]) set_local[coll] = true;
    if (fills && coll < NCOLL && !set_written[coll] && !set_local[coll]) {
      set_written[coll] = true;
      if (!s->sets[coll]) { x->failed = true; break; }
    }
    if (!writes_register(op) || a >= img->nmetrics || x->reg_stamp[a] == x->stamp) continue;
    x->reg_stamp[a] = x->stamp;
    if (nacc + NCOLL + 1 >= cap) {
      struct acc *na = t_realloc(x->hook, accs, sizeof *accs * cap, sizeof *accs * cap * 2);
      if (!na) { x->oom = x->failed = true; break; }
      accs = na;
      cap *= 2;
    }
    accs[nacc++] = (struct acc){2, a, S(img, img->metrics[a].name), reg_get(x, s, a), NULL};
  }
  for (uint32_t k = 0; k < NCOLL && !x->failed; k++)
    if (set_written[k]) accs[nacc++] = (struct acc){1, k, NULL, s->sets[k], NULL};
  struct xs b;
  if (x->failed || !xs_child(x, s, &b)) { t_free(x->hook, accs, sizeof *accs * cap); return; }
  uint32_t base = x->ph_base;
  for (uint32_t i = 0; i < nacc && !x->failed; i++) {
    struct mn *ph = leaf(x, MN_PH, base + i);
    if (accs[i].cls == 0) b.stk[accs[i].id] = ph;
    else if (accs[i].cls == 1) b.sets[accs[i].id] = ph;
    else reg_set(x, &b, accs[i].id, ph);
  }
  uint32_t outer = x->loop_list;
  x->loop_list = l;
  x->ph_base = base + nacc;
  run(x, body, nx, &b);
  x->ph_base = base;
  x->loop_list = outer;
  if (!x->failed && (b.sp != s->sp || b.done)) x->failed = true;
  for (uint32_t i = 0; i < nacc && !x->failed; i++)
    accs[i].step = accs[i].cls == 0 ? b.stk[accs[i].id] : accs[i].cls == 1 ? b.sets[accs[i].id] : reg_get(x, &b, accs[i].id);
  struct fold_scratch fs = {t_malloc(x->hook, nacc + 1), t_malloc(x->hook, sizeof(int) * (nacc + 1)),
                            t_malloc(x->hook, sizeof(uint32_t) * (nacc + 1)), base};
  if (!fs.dep || !fs.pos || !fs.members) x->oom = x->failed = true;
  for (uint32_t i = 0; i < nacc && !x->failed; i++) fs.pos[i] = -1;
  for (uint32_t i = 0; i < nacc && !x->failed; i++) {
    struct mn *v = accs[i].init; /* a value the body leaves as it was */
    if (!(accs[i].step && accs[i].step->kind == MN_PH && accs[i].step->x == base + i)) v = fold(x, l, accs, nacc, i, &fs);
    if (accs[i].cls == 0) s->stk[accs[i].id] = v;
    else if (accs[i].cls == 1) s->sets[accs[i].id] = v;
    else reg_set(x, s, accs[i].id, v);
  }
  t_free(x->hook, fs.dep, nacc + 1);
  t_free(x->hook, fs.pos, sizeof(int) * (nacc + 1));
  t_free(x->hook, fs.members, sizeof(uint32_t) * (nacc + 1));
  xs_free(x, &b);
  t_free(x->hook, accs, sizeof *accs * cap);
}

/* The instructions on the count distinct sets (D*) and the median buffers
 * (M*), which live after the sets in s->sets: clearing one makes it empty,
 * adding to one makes a new value of it, DSIZE and MEDIAN push its result.
 * Out of range, or used before it was cleared: x->failed (code this
 * reader cannot follow). */
static void collect(struct ctx *x, struct xs *s, uint8_t op, uint32_t a) {
  bool buf = op == OP_MCLEAR || op == OP_MADD || op == OP_MEDIAN;
  uint32_t n = buf ? MAX_MBUFS : MAX_DSETS;
  struct mn **c = a < n ? &s->sets[(buf ? MAX_DSETS : 0) + a] : NULL;
  if (op == OP_DCLEAR || op == OP_MCLEAR) {
    if (c) *c = leaf(x, MN_EMPTY, 0);
    return;
  }
  bool adds = op == OP_DADD || op == OP_DADD_S || op == OP_MADD;
  struct mn *v = adds ? pop(x, s) : NULL;
  if (!c || !*c) {
    x->failed = true;
    return;
  }
  if (adds) *c = op2(x, op, *c, v);
  else push(x, s, mk(x, MN_OP, op, 0, 0, 0, 0, c, 1, NULL));
}

/* An instruction run()'s switch does not name, recognised by its opcode
 * facts (opcodes.h): a compare-and-jump, an accumulation into a register,
 * or a pure operation on the stack, which becomes a node over its
 * operands.  Returns the next pc; EXIT with x->failed for anything else. */
static uint32_t generic(struct ctx *x, struct xs *s, uint32_t pc, uint8_t op, uint32_t a, uint32_t b) {
  const struct opinfo *oi = &op_info[op];
  uint32_t next = pc + insn_len(op);
  if (oi->fmt == K_JMP) { /* pop; go on when the comparison holds */
    struct mn *v = pop(x, s);
    return branch(x, pc, s, op1(x, tested_form(op), a, v), next, b, NULL, NULL);
  }
  if (accumulates(op)) { /* an accumulation into a register */
    struct mn *v = pop(x, s);
    reg_set(x, s, a, op2(x, stack_form(op), reg_get(x, s, a), v));
    return next;
  }
  if (oi->pushes != 1 || oi->pops > 3 || oi->fmt == JMP || oi->fmt == LST_JMP || oi->fmt == LST_BACK || oi->fmt == MET ||
      oi->fmt == SET || oi->fmt == BUF || oi->fmt == FLD || oi->fmt == ITM) {
    x->failed = true; /* an instruction this reader does not know how to follow */
    return EXIT;
  }
  struct mn *args[3];
  for (int i = oi->pops - 1; i >= 0; i--) args[i] = pop(x, s);
  push(x, s, mk(x, MN_OP, op, 0, a, 0, 0, args, oi->pops, NULL));
  return next;
}

/* Follow the code from pc to stop (a post-dominator of pc, or EXIT),
 * turning what each instruction does into nodes on s: the cases here are
 * the instructions whose effect is not a pure function of their operands
 * (reads, control flow, loops, registers); the rest go to collect() and
 * generic(). */
static void run(struct ctx *x, uint32_t pc, uint32_t stop, struct xs *s) {
  const struct image *img = x->img;
  while (pc != stop && !x->failed) {
    if (pc >= img->codelen || s->done) { x->failed = true; return; }
    if (x->steps_left == 0) { x->failed = true; return; }
    x->steps_left--;
    uint8_t op = img->code[pc];
    const struct opinfo *oi = &op_info[op];
    uint32_t a = op_noperands(oi->fmt) >= 1 ? rd32(img->code + pc + 1) : 0;
    uint32_t b = op_noperands(oi->fmt) >= 2 ? rd32(img->code + pc + 5) : 0;
    uint32_t next = pc + insn_len(op);
    struct mn *v, *w;
    switch (op) {
    case OP_NOP: break;
    case OP_PUSH: case OP_PUSH_F: push(x, s, pool_const(x, a)); break;
    case OP_FIELD: case OP_FIELD_F: push(x, s, leaf(x, MN_FIELD, (uint32_t)x->top_field[a])); break;
    case OP_ITEM: case OP_ITEM_F:
      if (x->loop_list == NO_LIST) { x->failed = true; return; }
      push(x, s, leaf(x, MN_ITEM, (uint32_t)x->item_field[x->loop_list][a]));
      break;
    case OP_METRIC: case OP_METRIC_F: push(x, s, reg_read(x, s, a)); break;
    case OP_SETMETRIC: case OP_SETMETRIC_F: reg_set(x, s, a, pop(x, s)); break;
    case OP_ASOF: push(x, s, leaf(x, MN_ASOF, 0)); break;
    case OP_JUMP: pc = a; continue;
    case OP_JUMPF: v = pop(x, s); pc = branch(x, pc, s, v, next, a, NULL, NULL); continue;
    case OP_ANDJ: /* true: pop and go on; else jump keeping false */
      v = pop(x, s);
      pc = branch(x, pc, s, v, next, a, NULL, konst(x, TY_BOOL, 0));
      continue;
    case OP_ORJ: /* true: jump keeping it; else pop and go on */
      v = pop(x, s);
      pc = branch(x, pc, s, v, a, next, v, NULL);
      continue;
    case OP_JFR: pc = branch(x, pc, s, reg_read(x, s, a), next, b, NULL, NULL); continue;
    case OP_LOOP: /* loops nest as their lists do (verified) */
      if (a >= img->nlists || img->lists[a].parent != (x->loop_list == NO_LIST ? NO_LIST : x->loop_list) || b < 9) {
        x->failed = true;
        return;
      }
      loop(x, s, a, next, b - 9);
      pc = b;
      continue;
    case OP_INCR: reg_set(x, s, a, count_step(x, reg_get(x, s, a), x->t_true)); break;
    case OP_CNT: v = pop(x, s); w = pop(x, s); push(x, s, count_step(x, w, v)); break;
    case OP_CNTR: v = pop(x, s); reg_set(x, s, a, count_step(x, reg_get(x, s, a), v)); break;
    case OP_DCLEAR:
    case OP_DADD:
    case OP_DADD_S:
    case OP_DSIZE:
    case OP_MCLEAR:
    case OP_MADD:
    case OP_MEDIAN: collect(x, s, op, a); break;
    case OP_TRACE:
    case OP_TRACE_F: /* explain code: the value a trace slot gets */
      if (a >= x->nslots || s->sp == 0) {
        x->failed = true;
        return;
      }
      x->slots[a] = s->stk[s->sp - 1];
      break;
    case OP_RET: s->ret = pop(x, s); s->done = true; pc = EXIT; continue;
    case OP_END: s->done = true; pc = EXIT; continue;
    default: pc = generic(x, s, pc, op, a, b); continue;
    }
    pc = next;
  }
}

/* ---- post-dominators ------------------------------------------------------------------- */

/* Forward jumps only, so pc order is a topological order: each
 * instruction's successors are done before it (Cooper, Harvey, Kennedy on
 * the reversed graph).  A loop counts as one instruction leading to its
 * end; its NEXT ends its body; RET and END end their segment. */
static int post_dominators(struct ctx *x) {
  const struct image *img = x->img;
  x->ipd = t_malloc(x->hook, sizeof *x->ipd * ((size_t)img->codelen + 1));
  uint32_t *starts = t_malloc(x->hook, sizeof *starts * ((size_t)img->codelen + 1));
  if (!x->ipd || !starts) {
    t_free(x->hook, starts, sizeof *starts * ((size_t)img->codelen + 1));
    return -1;
  }
  int rc = 0;
  uint32_t n = 0;
  for (uint32_t pc = 0; pc < img->codelen; pc += insn_len(img->code[pc])) starts[n++] = pc;
  while (n-- > 0) {
    uint32_t pc = starts[n];
    uint8_t op = img->code[pc];
    const struct opinfo *oi = &op_info[op];
    uint32_t a = op_noperands(oi->fmt) >= 1 ? rd32(img->code + pc + 1) : 0;
    uint32_t b = op_noperands(oi->fmt) >= 2 ? rd32(img->code + pc + 5) : 0;
    uint32_t s1 = pc + insn_len(op), s2 = EXIT;
    if (op == OP_RET || op == OP_END || op == OP_NEXT) s1 = EXIT;
    else if (op == OP_JUMP) s1 = a;
    else if (op == OP_LOOP) s1 = b;
    else if (oi->fmt == JMP) s2 = a;
    else if (oi->fmt == K_JMP || oi->fmt == MET_JMP) s2 = b;
    if (s1 >= img->codelen) s1 = EXIT;
    if (s2 >= img->codelen) s2 = EXIT;
    if (s2 == EXIT && oi->fmt != JMP && oi->fmt != K_JMP && oi->fmt != MET_JMP) s2 = s1; /* one successor */
    if (op == OP_JUMP) s2 = s1;
    while (s1 != s2) { /* their nearest common post-dominator; EXIT is above all */
      if (x->steps_left == 0) { rc = 1; s1 = s2 = EXIT; break; }
      x->steps_left--; /* tangled beyond reading */
      if (s1 < s2) s1 = x->ipd[s1];
      else s2 = x->ipd[s2];
    }
    x->ipd[pc] = s1;
  }
  t_free(x->hook, starts, sizeof *starts * ((size_t)img->codelen + 1));
  return rc;
}

/* ---- segments that cannot be followed --------------------------------------------------- */

/* The digest of a segment's instructions from entry to its end, operands
 * resolved to names and values and jumps relative to the entry. */
static void opaque_digest(struct ctx *x, uint32_t entry, uint8_t out[MN_DIGEST]) {
  const struct image *img = x->img;
  crypto_generichash_state h;
  crypto_generichash_init(&h, NULL, 0, MN_DIGEST);
  uint32_t furthest = entry, list = NO_LIST;
  for (uint32_t pc = entry; pc < img->codelen;) {
    uint8_t op = img->code[pc];
    const struct opinfo *oi = &op_info[op];
    uint32_t a = op_noperands(oi->fmt) >= 1 ? rd32(img->code + pc + 1) : 0;
    uint32_t b = op_noperands(oi->fmt) >= 2 ? rd32(img->code + pc + 5) : 0;
    h_str(&h, oi->name);
    switch (oi->fmt) {
    case K: h_const(&h, img, a); break;
    case FLD: h_field(&h, img, (uint32_t)x->top_field[a]); break;
    case ITM: if (list != NO_LIST) h_field(&h, img, (uint32_t)x->item_field[list][a]); break;
    case MET: h_str(&h, S(img, img->metrics[a].name)); break;
    case BLK: h_block(&h, img, a); break;
    case MON: case DAY: case SET: case PER: case BUF: case TRC: h_i64(&h, (int32_t)a); break;
    case JMP: h_i64(&h, a - entry); if (a > furthest) furthest = a; break;
    case K_JMP: h_const(&h, img, a); h_i64(&h, b - entry); if (b > furthest) furthest = b; break;
    case MET_JMP: h_str(&h, S(img, img->metrics[a].name)); h_i64(&h, b - entry); if (b > furthest) furthest = b; break;
    case LST_JMP: {
      char ln[LIST_NAME_MAX];
      h_str(&h, img_list_name(img, a, ln, sizeof ln));
      list = a;
      if (b > furthest) furthest = b;
      break;
    }
    case LST_BACK: list = a < img->nlists ? img->lists[a].parent : NO_LIST; break; /* back in the parent's loop */
    default: break;
    }
    pc += insn_len(op);
    if ((op == OP_RET || op == OP_END) && pc > furthest) break;
  }
  crypto_generichash_final(&h, out, MN_DIGEST);
}

/* An opaque value: what of the segment whose instructions digest to d. */
static struct mn *opaque(struct ctx *x, const uint8_t d[MN_DIGEST], uint32_t entry, const char *what) {
  uint8_t e[MN_DIGEST];
  crypto_generichash_state h;
  crypto_generichash_init(&h, NULL, 0, MN_DIGEST);
  crypto_generichash_update(&h, d, MN_DIGEST);
  h_str(&h, what);
  crypto_generichash_final(&h, e, MN_DIGEST);
  x->failed = false;
  x->nodes_left++;
  struct mn *n = mk(x, MN_OPAQUE, 0, 0, 0, 0, entry, NULL, 0, e);
  x->m->approximate = true;
  return n;
}

/* ---- segments -------------------------------------------------------------------------- */

/* Follow one segment from entry with fresh budgets; the value it returns. */
static struct mn *segment(struct ctx *x, uint32_t entry, bool metric_block) {
  const struct image *img = x->img;
  x->failed = false;
  x->depth = 0;
  x->branches = 0;
  x->loop_list = NO_LIST;
  x->ph_base = 0;
  struct xs s;
  memset(&s, 0, sizeof s);
  s.top = true;
  s.stk = t_malloc(x->hook, sizeof *s.stk * (img->max_stack + 2));
  if (!s.stk) { x->oom = true; return NULL; }
  run(x, entry, EXIT, &s);
  struct mn *r = s.ret;
  if (!x->failed && (!s.done || s.sp != 0 || (!metric_block && !r))) x->failed = true;
  t_free(x->hook, s.stk, sizeof *s.stk * (img->max_stack + 2));
  return x->failed ? NULL : metric_block ? x->t_true : r;
}

static bool tables(struct ctx *x) {
  const struct image *img = x->img;
  x->top_field = arena_alloc(&x->m->ar, sizeof(int32_t) * (img->ntop + 1));
  x->item_field = arena_alloc(&x->m->ar, sizeof(int32_t *) * (img->nlists + 1));
  x->base = arena_alloc(&x->m->ar, sizeof(struct mn *) * (img->nmetrics + 1));
  if (!x->top_field || !x->item_field || !x->base) return false;
  for (uint32_t l = 0; l < img->nlists; l++)
    if (!(x->item_field[l] = arena_alloc(&x->m->ar, sizeof(int32_t) * ((size_t)img->lists[l].width + 1)))) return false;
  for (uint32_t f = 0; f < img->nfields; f++) {
    const struct img_field *F = &img->fields[f];
    if (F->owner == NO_LIST) x->top_field[F->slot] = (int32_t)f;
    else x->item_field[F->owner][F->slot] = (int32_t)f;
  }
  return true;
}

/* What each requirement's explain code copies into its trace slots
 * (m->trace); a requirement whose explain code cannot be followed has
 * none.  False only when out of memory. */
static bool read_traces(struct ctx *x) {
  const struct image *img = x->img;
  struct meaning *m = x->m;
  m->trace = arena_alloc(&m->ar, sizeof *m->trace * (2 * (size_t)img->ntraces + 1));
  if (!m->trace) return false;
  memset(m->trace, 0, sizeof *m->trace * (2 * (size_t)img->ntraces + 1));
  for (uint32_t q = 0; q < img->nreqs && !x->oom; q++) {
    const struct img_req *r = &img->reqs[q];
    if (r->xcode == NO_STR) continue;
    x->slots = m->trace + 2 * (size_t)r->xfirst;
    x->nslots = 2 * r->xn;
    if (!segment(x, r->xcode, false)) memset(x->slots, 0, sizeof *x->slots * x->nslots);
  }
  x->slots = NULL;
  x->nslots = 0;
  return !x->oom;
}

struct meaning *mn_build(const struct image *img, const struct tier_alloc_hook *h, bool traces) {
  if (sodium_init() < 0) return NULL;
  struct meaning *m = t_malloc(h, sizeof *m);
  if (!m) return NULL;
  memset(m, 0, sizeof *m);
  arena_init(&m->ar, h);
  m->img = img;
  struct ctx x;
  memset(&x, 0, sizeof x);
  x.m = m;
  x.img = img;
  x.hook = h;
  x.nodes_left = (uint64_t)img->codelen + 65536;
  x.steps_left = 8 * (uint64_t)img->codelen + 65536;
  m->reg = arena_alloc(&m->ar, sizeof *m->reg * (img->nmetrics + 1));
  m->req = arena_alloc(&m->ar, sizeof *m->req * (img->nreqs + 1));
  m->req_branches = arena_alloc(&m->ar, sizeof *m->req_branches * (img->nreqs + 1));
  m->grant = arena_alloc(&m->ar, sizeof *m->grant * (img->ngrants + 1));
  x.reg_stamp = arena_alloc(&m->ar, sizeof *x.reg_stamp * (img->nmetrics + 1));
  if (!m->reg || !m->req || !m->req_branches || !m->grant || !x.reg_stamp || !tables(&x) || post_dominators(&x) < 0) goto oom;
  x.t_true = konst(&x, TY_BOOL, 1);
  x.t_false = konst(&x, TY_BOOL, 0);
  struct mn *zero = leaf(&x, MN_ZERO, 0);
  if (!x.t_true || !x.t_false || !zero) goto oom;
  uint8_t d[MN_DIGEST];
  if (img->review_code != NO_STR) {
    m->review = segment(&x, img->review_code, false);
    if (!m->review && !x.oom) {
      opaque_digest(&x, img->review_code, d);
      m->review = opaque(&x, d, img->review_code, "review");
    }
  }
  for (uint32_t r = 0; r < img->nmetrics; r++) x.base[r] = zero;
  if (!segment(&x, img->metric_code, true) && !x.oom) {
    opaque_digest(&x, img->metric_code, d); /* each register: the block's digest and its name */
    for (uint32_t r = 0; r < img->nmetrics; r++) x.base[r] = opaque(&x, d, img->metric_code, S(img, img->metrics[r].name));
  }
  memcpy(m->reg, x.base, sizeof *m->reg * img->nmetrics);
  for (uint32_t q = 0; q < img->nreqs && !x.oom; q++) {
    m->req[q] = segment(&x, img->reqs[q].code, false);
    m->req_branches[q] = x.branches;
    if (!m->req[q] && !x.oom) {
      opaque_digest(&x, img->reqs[q].code, d);
      m->req[q] = opaque(&x, d, img->reqs[q].code, "requirement");
    }
  }
  for (uint32_t k = 0; k < img->ngrants && !x.oom; k++) {
    uint32_t code = img->grants[k].code;
    if (code == NO_STR) continue;
    m->grant[k] = segment(&x, code, false);
    if (!m->grant[k] && !x.oom) {
      opaque_digest(&x, code, d);
      m->grant[k] = opaque(&x, d, code, "grant");
    }
  }
  if (traces && !read_traces(&x)) goto oom;
  if (x.oom || m->ar.failed) goto oom;
  t_free(h, x.tab, sizeof *x.tab * x.cap);
  t_free(h, x.ipd, sizeof *x.ipd * ((size_t)img->codelen + 1));
  return m;
oom:
  t_free(h, x.tab, sizeof *x.tab * x.cap);
  t_free(h, x.ipd, sizeof *x.ipd * ((size_t)img->codelen + 1));
  mn_free(m);
  return NULL;
}

void mn_free(struct meaning *m) {
  if (!m) return;
  const struct tier_alloc_hook *h = m->ar.hook;
  arena_free(&m->ar);
  t_free(h, m, sizeof *m);
}

bool mn_is_record_metric(const struct image *img, uint32_t r) { return !strchr(S(img, img->metrics[r].name), '.'); }

/* ---- the digest of a whole ruleset ------------------------------------------------------ */

struct named { const char *name; uint32_t r; };
static int by_name(const void *p, const void *q) { return strcmp(((const struct named *)p)->name, ((const struct named *)q)->name); }
struct dg { uint8_t d[MN_DIGEST]; };
static int by_digest(const void *p, const void *q) { return memcmp(p, q, MN_DIGEST); }

/* One requirement as the runner reports it: section, label, value, and
 * the metric (or field), comparison and constant its explanation uses. */
static void req_digest(const struct meaning *m, uint32_t q, bool shallow, uint8_t out[MN_DIGEST]) {
  const struct image *img = m->img;
  const struct img_req *r = &img->reqs[q];
  crypto_generichash_state h;
  crypto_generichash_init(&h, NULL, 0, MN_DIGEST);
  if (!shallow) { /* the shallow digest leaves the words (a label, a section) to tierc diff */
    h_str(&h, S(img, r->section));
    h_str(&h, S(img, r->label));
  }
  crypto_generichash_update(&h, shallow ? m->req[q]->shallow : m->req[q]->deep, MN_DIGEST);
  if (r->metric >= 0) h_str(&h, S(img, img->metrics[r->metric].name));
  else if (r->field >= 0) h_str(&h, S(img, img->fields[img_top_field(img, (uint32_t)r->field)].name));
  else h_str(&h, "");
  if (r->metric >= 0 || r->field >= 0) {
    h_i64(&h, r->cmp);
    h_const(&h, img, r->konst);
  }
  crypto_generichash_final(&h, out, MN_DIGEST);
}

/* Item i of a block's tree (docs/bytecode.md, ladder): a requirement is
 * its own digest; a group hashes its kind, count, name and section and its
 * items in the order written, since that order breaks the smallest
 * change's ties.  The verifier bounds the depth. */
/* How item_digest reads a requirement: its shallow or deep digest, or its
 * text (as written, with its label and section). */
enum leaf_as { LEAF_SHALLOW, LEAF_DEEP, LEAF_TEXT };

static void item_digest(const struct meaning *m, uint32_t i, enum leaf_as as, uint8_t out[MN_DIGEST]) {
  const struct image *img = m->img;
  const struct img_item *it = &img->items[i];
  if (it->kind == IT_LEAF && as != LEAF_TEXT) {
    req_digest(m, it->first, as == LEAF_SHALLOW, out);
    return;
  }
  if (it->kind == IT_LEAF) {
    const struct img_req *r = &img->reqs[it->first];
    crypto_generichash_state t;
    crypto_generichash_init(&t, NULL, 0, MN_DIGEST);
    h_str(&t, S(img, r->rule));
    h_str(&t, S(img, r->label));
    h_str(&t, S(img, r->section));
    crypto_generichash_final(&t, out, MN_DIGEST);
    return;
  }
  crypto_generichash_state h;
  crypto_generichash_init(&h, NULL, 0, MN_DIGEST);
  h_i64(&h, it->kind);
  h_i64(&h, it->n);
  h_str(&h, S(img, it->label));
  h_str(&h, S(img, it->section));
  for (uint32_t k = it->first; k < it->first + it->count; k++) {
    uint8_t d[MN_DIGEST];
    item_digest(m, k, as, d);
    crypto_generichash_update(&h, d, MN_DIGEST);
  }
  crypto_generichash_final(&h, out, MN_DIGEST);
}

/* A tier's or badge's own items, in any order (for a flat tier: its
 * requirements' digests, as before items existed). */
static void h_items(crypto_generichash_state *h, const struct meaning *m, const struct img_tier *T, enum leaf_as as) {
  size_t size = sizeof(struct dg) * (T->nitems + 1);
  struct dg *ds = t_malloc(m->ar.hook, size);
  for (uint32_t k = 0; ds && k < T->nitems; k++) item_digest(m, T->first_item + k, as, ds[k].d);
  if (ds) qsort(ds, T->nitems, sizeof *ds, by_digest);
  for (uint32_t k = 0; ds && k < T->nitems; k++) crypto_generichash_update(h, ds[k].d, MN_DIGEST);
  if (!ds) h_str(h, "out of memory");
  t_free(m->ar.hook, ds, size);
}

void mn_block_digest(const struct meaning *m, uint32_t b, bool text, uint8_t out[MN_DIGEST]) {
  crypto_generichash_state h;
  crypto_generichash_init(&h, NULL, 0, MN_DIGEST);
  h_items(&h, m, img_block(m->img, b), text ? LEAF_TEXT : LEAF_SHALLOW);
  crypto_generichash_final(&h, out, MN_DIGEST);
}

void mn_hash(const struct meaning *m, uint8_t out[32]) {
  const struct image *img = m->img;
  crypto_generichash_state h;
  crypto_generichash_init(&h, NULL, 0, 32);
  h_str(&h, "tierc meaning 1");
  for (uint32_t e = 0; e < img->nenums; e++) {
    h_str(&h, S(img, img->enums[e].name));
    h_i64(&h, img->enums[e].nvals);
    for (uint32_t v = 0; v < img->enums[e].nvals; v++) h_str(&h, S(img, img->enums[e].vals[v]));
  }
  for (uint32_t f = 0; f < img->nfields; f++) h_field(&h, img, f);
  h_i64(&h, img->effective);
  if (m->review) crypto_generichash_update(&h, m->review->deep, MN_DIGEST);
  else h_str(&h, "no review");
  /* metrics by name, whatever their order */
  size_t msize = sizeof(struct named) * (img->nmetrics + 1);
  struct named *ms = t_malloc(m->ar.hook, msize);
  uint32_t nm = 0;
  for (uint32_t r = 0; ms && r < img->nmetrics; r++)
    if (mn_is_record_metric(img, r)) ms[nm++] = (struct named){S(img, img->metrics[r].name), r};
  if (ms) qsort(ms, nm, sizeof *ms, by_name);
  for (uint32_t i = 0; ms && i < nm; i++) {
    const struct img_metric *M = &img->metrics[ms[i].r];
    h_str(&h, ms[i].name);
    h_str(&h, S(img, M->label));
    h_i64(&h, M->kind);
    h_i64(&h, M->opt);
    h_str(&h, M->kind == TY_ENUM ? S(img, img->enums[M->ref].name) : "");
    crypto_generichash_update(&h, m->reg[ms[i].r]->deep, MN_DIGEST);
  }
  t_free(m->ar.hook, ms, msize);
  /* tiers in ladder order, then the badges, each one's items in any order */
  for (uint32_t t = 0; t < img->ntiers + img->nbadges; t++) {
    const struct img_tier *T = img_block(img, t);
    if (t == img->ntiers) h_str(&h, "badges");
    h_str(&h, S(img, T->name));
    if (t >= img->ntiers || T->display != NO_STR) h_str(&h, S(img, T->display)); /* results carry it */
    h_i64(&h, T->ptype);
    h_i64(&h, T->time_n);
    if (T->time > TC_SUSTAINED) { /* a sustained window hashes as it did before the other clauses */
      h_str(&h, "at any checkpoint");
      h_i64(&h, T->time);
    }
    h_i64(&h, T->nreq);
    h_items(&h, m, T, LEAF_DEEP);
  }
  /* the grants, in the order written (the highest that holds wins: order
   * does not matter, but a ruleset without grants hashes as before) */
  for (uint32_t k = 0; k < img->ngrants; k++) {
    h_str(&h, "grant");
    if (img->grants[k].tier == NO_STR) h_str(&h, "a tier value"); /* given by its code */
    else h_block(&h, img, img->grants[k].tier);
    if (m->grant[k]) crypto_generichash_update(&h, m->grant[k]->deep, MN_DIGEST);
    else h_str(&h, "always");
  }
  crypto_generichash_final(&h, out, 32);
}

/* ---- traversal --------------------------------------------------------------------------- */

static bool uses(struct meaning *m, const struct mn *n, bool (*fn)(const struct mn *, void *), void *ud, struct mn_budget *b) {
  if (!n || n->mark == m->gen) return false;
  if (b && b->left == 0) return b->out = true;
  if (b) b->left--, b->visits++;
  ((struct mn *)n)->mark = m->gen;
  if (fn(n, ud)) return true;
  for (uint16_t i = 0; i < n->n; i++)
    if (uses(m, n->a[i], fn, ud, b)) return true;
  return false;
}

bool mn_uses(struct meaning *m, const struct mn *n, bool (*fn)(const struct mn *, void *), void *ud) {
  m->gen++;
  return uses(m, n, fn, ud, NULL);
}

bool mn_uses_within(struct meaning *m, const struct mn *n, bool (*fn)(const struct mn *, void *), void *ud, struct mn_budget *b) {
  m->gen++;
  return uses(m, n, fn, ud, b);
}

/* ---- what results say of a requirement -------------------------------------------------- */

/* n as a date a result names: a top-level date field, a record metric of
 * type date, or asof. */
static bool plain_date(const struct image *img, const struct mn *n, struct mn_date *d) {
  *d = (struct mn_date){n->kind, n->x};
  if (n->kind == MN_FIELD) return img->fields[n->x].owner == NO_LIST && img->fields[n->x].kind == TY_DATE;
  if (n->kind == MN_REF) return mn_is_record_metric(img, n->x) && img->metrics[n->x].kind == TY_DATE;
  return n->kind == MN_ASOF;
}

static bool is_ref(const struct mn *n) { return n->kind == MN_OP && (n->op == OP_HOLDS || n->op == OP_MEETS); }

/* How many references n joins by `and`: a reference, or ITE(reference,
 * rest, false), the value code of `and` (ite() leaves a chain nested to
 * the right); 0 when n is anything else. */
static uint32_t and_chain(const struct mn *n) {
  uint32_t k = 1;
  for (; n->kind == MN_ITE; n = n->a[1], k++)
    if (!is_ref(n->a[0]) || n->a[2]->kind != MN_CONST || n->a[2]->ck != TY_BOOL || n->a[2]->v != 0) return 0;
  return is_ref(n) ? k : 0;
}

/* Requirement q's shape as written (meaning.h, struct mn_shape): a period
 * test takes no branch, k references joined by `and` take k - 1. */
/* Requirement q as a period test `d in P of x` (its meaning), or NULL. */
const struct mn *mn_period_test(const struct meaning *m, uint32_t q) {
  const struct mn *n = m->req[q];
  return n->kind == MN_OP && n->op == OP_INPER && n->n == 2 ? n : NULL;
}

static struct mn_shape shape_of(const struct meaning *m, uint32_t q) {
  const struct image *img = m->img;
  const struct mn *n = m->req[q];
  struct mn_shape s;
  struct period p;
  memset(&s, 0, sizeof s);
  if (m->req_branches[q] == 0 && mn_period_test(m, q) && per_decode(n->x, &p)) {
    s.period = plain_date(img, n->a[0], &s.d) && plain_date(img, n->a[1], &s.x);
    s.per = n->x;
  }
  uint32_t k = and_chain(n);
  s.refs_only = k > 0 && m->req_branches[q] == k - 1;
  return s;
}

/* The block references of one requirement, counted (out NULL) or written. */
struct ref_walk {
  struct mn_ref *out;
  uint32_t n;
};
static bool note_ref(const struct mn *n, void *ud) {
  struct ref_walk *w = ud;
  if (!is_ref(n)) return false;
  if (w->out) w->out[w->n] = (struct mn_ref){n->x, n->op == OP_MEETS};
  w->n++;
  return false; /* on to the next */
}

bool mn_shapes(struct meaning *m, struct arena *ar, struct mn_shape **shapes, struct mn_ref **refs) {
  const struct image *img = m->img;
  struct mn_shape *sh = arena_alloc(ar, sizeof *sh * ((size_t)img->nreqs + 1));
  if (!sh) return false;
  struct ref_walk w = {NULL, 0};
  for (uint32_t q = 0; q < img->nreqs; q++) {
    sh[q] = shape_of(m, q);
    sh[q].ref_first = w.n;
    mn_uses(m, m->req[q], note_ref, &w);
    sh[q].nrefs = w.n - sh[q].ref_first;
  }
  w.out = arena_alloc(ar, sizeof *w.out * ((size_t)w.n + 1));
  if (!w.out) return false;
  w.n = 0;
  for (uint32_t q = 0; q < img->nreqs; q++) mn_uses(m, m->req[q], note_ref, &w);
  *shapes = sh;
  *refs = w.out;
  return true;
}

bool mn_metric_writes(const struct image *img, struct arena *ar, struct mn_write **writes, uint32_t *n) {
  struct mn_write *out = NULL;
  for (int pass = 0; pass < 2; pass++) { /* count, then write */
    uint32_t k = 0;
    for (uint32_t pc = img->metric_code; pc < img->codelen && img->code[pc] != OP_END; pc += insn_len(img->code[pc]))
      if (writes_register(img->code[pc])) {
        if (out) out[k] = (struct mn_write){pc, rd32(img->code + pc + 1)};
        k++;
      }
    *n = k;
    if (!pass && !(out = arena_alloc(ar, sizeof *out * ((size_t)k + 1)))) return false;
  }
  *writes = out;
  return true;
}

/* ---- as the rule language would write it ------------------------------------------------ */

/* The enum a value is of (its field's or metric's), or -1. */
static int enum_of(const struct image *img, const struct mn *n) {
  while (n && n->kind == MN_OP && n->n == 1 && (n->op == OP_BOOL || n->op == OP_I2F)) n = n->a[0];
  if (!n) return -1;
  if ((n->kind == MN_FIELD || n->kind == MN_ITEM) && img->fields[n->x].kind == TY_ENUM) return img->fields[n->x].ref;
  if (n->kind == MN_REF && img->metrics[n->x].kind == TY_ENUM) return img->metrics[n->x].ref;
  return -1;
}

static void text(const struct meaning *m, const struct mn *n, struct buf *b, int en);

static bool atomic(const struct mn *n) {
  return n->kind == MN_CONST || n->kind == MN_FIELD || n->kind == MN_ITEM || n->kind == MN_REF || n->kind == MN_ASOF ||
         n->kind == MN_ZERO || (n->kind == MN_OP && n->n == 1 && (n->op == OP_BOOL || n->op == OP_I2F || n->op == OP_M2F ||
                                                                  n->op == OP_I2M) && atomic(n->a[0]));
}

static void sub(const struct meaning *m, const struct mn *n, struct buf *b, int en) {
  if (atomic(n)) { text(m, n, b, en); return; }
  buf_u8(b, '(');
  text(m, n, b, en);
  buf_u8(b, ')');
}

/* A constant of the pool (k), or one the reader made (k == NO_CONST). */
static void const_text(const struct meaning *m, uint32_t k, int kind, int64_t v, int en, struct buf *b) {
  const struct image *img = m->img;
  if (k != NO_CONST) {
    kind = img->consts[k].kind;
    v = img->consts[k].v;
  }
  if (kind == TY_TEXT) {
    buf_printf(b, "\"%s\"", v >= 0 && (uint64_t)v < img->nstrs ? img->strs[v] : "?");
    return;
  }
  char t[NUM_TEXT];
  if (kind == TY_ENUM && en < 0) snprintf(t, sizeof t, "#%lld", (long long)v);
  else if (k != NO_CONST) img_const_text(img, &img->consts[k], (uint16_t)(en < 0 ? 0 : en), t, sizeof t);
  else img_value_text(img, kind, (uint16_t)(en < 0 ? 0 : en), v, t, sizeof t);
  buf_printf(b, "%s", t);
}

static const char *cmp_word(int op) {
  static const char *const w[] = {"==", "!=", "<", "<=", ">", ">="};
  if (op >= OP_EQ_I && op <= OP_GE_I) return w[op - OP_EQ_I];
  if (op >= OP_EQK_I && op <= OP_GEK_I) return w[op - OP_EQK_I];
  if (op >= OP_EQ_F && op <= OP_GE_F) return w[op - OP_EQ_F];
  if (op >= OP_EQ_S && op <= OP_GE_S) return w[op - OP_EQ_S];
  return NULL;
}

static const char *list_name(const struct image *img, uint32_t l) { return S(img, img->fields[img->lists[l].field].name); }

/* A one-accumulator fold as the aggregate it is: its conditions (ITE
 * chains that leave ACC as it is) and what it does with each item. */
/* The condition of a fold's step that leaves ACC as it is (its ITE chain):
 * the next step inside it, and whether the condition is negated; NULL at
 * the end of the chain. */
static const struct mn *peel(const struct mn *step, const struct mn **cond, bool *neg) {
  if (step->kind != MN_ITE) return NULL;
  *cond = step->a[0];
  if (step->a[2]->kind == MN_ACC) { *neg = false; return step->a[1]; }
  if (step->a[1]->kind == MN_ACC) { *neg = true; return step->a[2]; }
  return NULL;
}

/* A one-accumulator fold as the aggregate it is: its conditions and what it
 * does with each item ("count distinct person in certifications where held
 * and level >= associate").  false when it is no aggregate of the language. */
static bool aggregate_text(const struct meaning *m, const struct mn *f, const struct mn *distinct_of, struct buf *b) {
  const struct image *img = m->img;
  if (f->n != 2) return false;
  const struct mn *step = f->a[1], *next, *c;
  bool neg;
  while ((next = peel(step, &c, &neg))) step = next;
  if (step->kind != MN_OP || step->n != 2 || step->a[0]->kind != MN_ACC) return false;
  const char *L = list_name(img, f->x);
  const struct mn *v = step->a[1];
  int op = step->op, k = 0;
  if (distinct_of) {
    if (op != OP_DADD && op != OP_DADD_S && op != OP_MADD) return false;
    buf_printf(b, op == OP_MADD ? "median " : "count distinct ");
    sub(m, v, b, -1);
    buf_printf(b, " in %s", L);
  } else if (op == OP_CNT && v->kind == MN_CONST) {
    buf_printf(b, "count %s", L);
  } else if (op == OP_SUM_I || op == OP_SUM_F || op == OP_MIN_I || op == OP_MAX_I || op == OP_MIN_F || op == OP_MAX_F) {
    buf_printf(b, "%s ", op == OP_SUM_I || op == OP_SUM_F ? "sum" : op == OP_MIN_I || op == OP_MIN_F ? "min" : "max");
    sub(m, v, b, -1);
    buf_printf(b, " in %s", L);
  } else if (op == OP_ANY || op == OP_ALL) {
    buf_printf(b, "%s %s where ", op == OP_ANY ? "any" : "all", L);
    sub(m, v, b, -1);
    k = 1;
  } else {
    return false;
  }
  for (step = f->a[1]; (next = peel(step, &c, &neg)); step = next) {
    buf_printf(b, k++ ? " and " : " where ");
    if (neg) buf_printf(b, "not ");
    sub(m, c, b, -1);
  }
  return true;
}

/* `c and t`, `c or e`, or `if c then t else e`: an ITE as the rules wrote it. */
static void ite_text(const struct meaning *m, const struct mn *n, struct buf *b, int en) {
  const struct mn *c = n->a[0], *t = n->a[1], *e = n->a[2];
  if (e->kind == MN_CONST && e->v == 0 && e->ck == TY_BOOL) { /* c and t */
    sub(m, c, b, -1);
    buf_printf(b, " and ");
    sub(m, t, b, -1);
  } else if (t == c) { /* c or e */
    sub(m, c, b, -1);
    buf_printf(b, " or ");
    sub(m, e, b, -1);
  } else {
    buf_printf(b, "if ");
    text(m, c, b, -1);
    buf_printf(b, " then ");
    text(m, t, b, en);
    buf_printf(b, " else ");
    text(m, e, b, en);
  }
}

/* A function or operator by its name in the rules (min, floor, ...), else
 * by its opcode, with its arguments. */
static void call_text(const struct meaning *m, const struct mn *n, struct buf *b) {
  const struct func *f = fn_of_op(n->op, NULL);
  buf_printf(b, "%s(", f ? f->name : op_info[n->op].name);
  for (uint16_t i = 0; i < n->n; i++) {
    if (i) buf_printf(b, ", ");
    text(m, n->a[i], b, -1);
  }
  if (op_info[n->op].fmt == DIG) buf_printf(b, ", %d", (int32_t)n->x); /* decimals kept, in the value's unit */
  buf_u8(b, ')');
}

/* The date functions and period tests as written: `d in fiscal year from
 * April of x`, `fiscal_year_start(x) (fiscal year from April)` -- a fiscal
 * period says its first month, so that a change of the fiscal year reads as
 * one -- and year(d), month(d), days(a, b).  false for any other op. */
static bool date_text(const struct meaning *m, const struct mn *n, struct buf *b) {
  int op = n->op;
  const struct mn *a = n->n > 0 ? n->a[0] : NULL, *c = n->n > 1 ? n->a[1] : NULL;
  switch (op) {
  case OP_INPER: case OP_PSTART: case OP_PEND: {
    struct period p;
    char pt[64];
    per_decode(n->x, &p);
    per_text(p, pt, sizeof pt);
    if (op == OP_INPER) {
      sub(m, a, b, -1);
      buf_printf(b, " in %s of ", pt);
      sub(m, c, b, -1);
      return true;
    }
    const struct func *f = fn_of_op(op, &p);
    buf_printf(b, "%s(", f ? f->name : op_info[op].name);
    text(m, a, b, -1);
    buf_u8(b, ')');
    if (p.first != 1) buf_printf(b, " (%s)", pt);
    return true;
  }
  case OP_YEAR: case OP_MONTH: case OP_DAYS: {
    const struct func *f = fn_of_op(op, NULL);
    buf_printf(b, "%s(", f ? f->name : op_info[op].name);
    text(m, a, b, -1);
    if (c) {
      buf_printf(b, ", ");
      text(m, c, b, -1);
    }
    buf_u8(b, ')');
    return true;
  }
  default: return false;
  }
}

/* An operation: a comparison, an operator or aggregate the language writes
 * in its own way, else a call (call_text). */
static void op_text(const struct meaning *m, const struct mn *n, struct buf *b, int en) {
  const struct image *img = m->img;
  int op = n->op;
  const struct mn *a = n->n > 0 ? n->a[0] : NULL, *c = n->n > 1 ? n->a[1] : NULL;
  const char *cw = cmp_word(op);
  if (cw && c) { /* value CMP value */
    int e = enum_of(img, a) >= 0 ? enum_of(img, a) : enum_of(img, c);
    sub(m, a, b, e);
    buf_printf(b, " %s ", cw);
    sub(m, c, b, e);
    return;
  }
  if (cw) { /* value CMP constant */
    sub(m, a, b, -1);
    buf_printf(b, " %s ", cw);
    const_text(m, n->x, 0, 0, enum_of(img, a), b);
    return;
  }
  switch (op) {
  case OP_ADD_I: case OP_ADD_F: case OP_SUB_I: case OP_SUB_F: case OP_MUL_I: case OP_MUL_F: case OP_DIV_F: {
    const char *w = op == OP_ADD_I || op == OP_ADD_F ? "+" : op == OP_SUB_I || op == OP_SUB_F ? "-" : op == OP_DIV_F ? "/" : "*";
    sub(m, a, b, -1);
    buf_printf(b, " %s ", w);
    sub(m, c, b, -1);
    return;
  }
  case OP_NEG_I: case OP_NEG_F: buf_u8(b, '-'); sub(m, a, b, -1); return;
  case OP_NOT:
    if (a->kind == MN_OP && (a->op == OP_ISNONE || a->op == OP_ISNONE_F)) {
      sub(m, a->a[0], b, -1);
      buf_printf(b, " is not none");
      return;
    }
    buf_printf(b, "not ");
    sub(m, a, b, -1);
    return;
  case OP_BOOL: case OP_I2F: case OP_M2F: case OP_I2M: text(m, a, b, en); return;
  case OP_ISNONE: case OP_ISNONE_F: sub(m, a, b, -1); buf_printf(b, " is none"); return;
  case OP_INSET: {
    int e = enum_of(img, a);
    sub(m, a, b, -1);
    buf_printf(b, " in {");
    uint64_t bits = (uint64_t)img->consts[n->x].v;
    for (int v = 0, k = 0; v < 64; v++)
      if (bits >> v & 1) {
        buf_printf(b, "%s", k++ ? ", " : "");
        const_text(m, NO_CONST, TY_ENUM, v, e, b);
      }
    buf_u8(b, '}');
    return;
  }
  case OP_ADDMON: case OP_ADDDAY: {
    int32_t d = (int32_t)n->x;
    sub(m, a, b, -1);
    buf_printf(b, " %c %d %s", d < 0 ? '-' : '+', d < 0 ? -d : d, op == OP_ADDMON ? "months" : "days");
    return;
  }
  case OP_WITHIN_M: case OP_WITHIN_D:
    sub(m, a, b, -1);
    buf_printf(b, " within %d %s", (int32_t)n->x, op == OP_WITHIN_M ? "months" : "days");
    return;
  case OP_DSIZE: case OP_MEDIAN:
    if (a->kind == MN_FOLD && aggregate_text(m, a, a, b)) return;
    break;
  default:
    if (date_text(m, n, b)) return;
    break;
  }
  call_text(m, n, b);
}

static void text(const struct meaning *m, const struct mn *n, struct buf *b, int en) {
  const struct image *img = m->img;
  switch (n->kind) {
  case MN_CONST: const_text(m, n->x, n->ck, n->v, en, b); return;
  case MN_FIELD: case MN_ITEM: buf_printf(b, "%s", S(img, img->fields[n->x].name)); return;
  case MN_REF: {
    const char *name = S(img, img->metrics[n->x].name), *dot = strchr(name, '.');
    buf_printf(b, "%s", dot ? dot + 1 : name);
    return;
  }
  case MN_ASOF: buf_printf(b, "asof"); return;
  case MN_ZERO: buf_printf(b, "0"); return;
  case MN_EMPTY: buf_printf(b, "{}"); return;
  case MN_ACC: case MN_PH: buf_printf(b, "acc"); return;
  case MN_OPAQUE: buf_printf(b, "(compiled code)"); return;
  case MN_FOLD:
    if (!aggregate_text(m, n, NULL, b)) buf_printf(b, "(a fold over %s)", list_name(img, n->x));
    return;
  case MN_ITE: ite_text(m, n, b, en); return;
  case MN_OP: op_text(m, n, b, en); return;
  default: buf_printf(b, "?"); return;
  }
}

void mn_text(const struct meaning *m, const struct mn *n, struct buf *b) {
  if (n) text(m, n, b, -1);
}
