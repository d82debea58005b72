/*
 * ref_score.c - the smallest change to a score of several inputs (docs
 * 8.3, SPEC 3.5), read from the rule's tree: a metric compared with a
 * constant whose definition, formulas written out, aggregates over no
 * list and reads two or more inputs (top-level int or money fields,
 * metrics of int or money; the first SCORE_INPUTS in the order it reads
 * them, each once, less those another metric it reads depends on, which
 * alone is taken from the compiled rules' meaning, as the VM takes it).  Each
 * input's smallest change that alone meets the requirement: 1, 2, 4, ...
 * units up to 2^40 (the largest allowed last), then halving; down to 0 the
 * same way; fewest units first, at most three, "+2 b or +23 wins".  A
 * value outside the VM's range on the way (may_fail) meets nothing, as a
 * run-time error there meets nothing.
 *
 * The limits (docs/language.md, limits): a metric whose compiled code is
 * longer than SCORE_MAX_CODE instructions is no score, and finding which
 * inputs another depends on walks the meaning within one budget for the
 * whole ruleset, SCORE_WORK_PER_INSN nodes per instruction of the metric
 * block plus SCORE_WORK_BASE, metric by metric in register order; the
 * metric whose walk runs out and every later one are no scores.  Both
 * lengths are facts of the compiled rules, taken from them as the meaning
 * is; the walk is meaning.c's, counted as the VM counts it.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "meaning.h"
#include "ref_int.h"

#define SCORE_INPUTS 8
#define SCORE_MAX_STEP 40
#define SCORE_READS 64
#define SCORE_MAX_CODE 256 /* a score's compiled code, its SETMETRIC included */
#define SCORE_WORK_PER_INSN 16
#define SCORE_WORK_BASE 65536
#define SCORE_CALL_WORK 4096 /* a compared formula call's walk, its own budget */

struct input {
  bool field;
  int index; /* a field's or a metric's */
};
struct ref_score {
  struct input in[SCORE_INPUTS];
  int n;
  int reads[SCORE_READS]; /* the metrics the definition reads (any type), each once */
  int nreads;
  bool complete; /* no aggregate, and reads fit */
};

static bool value_kind(int kind) { return kind == TY_INT || kind == TY_MONEY; }

static void add_input(struct ref_score *s, bool field, int index) {
  for (int k = 0; k < s->n; k++)
    if (s->in[k].field == field && s->in[k].index == index) return;
  if (s->n < SCORE_INPUTS) s->in[s->n++] = (struct input){field, index};
}

/* The metrics the score reads, each once; more than the VM keeps
 * (SCORE_READS) make no score. */
static void add_read(struct ref_score *s, int m) {
  for (int k = 0; k < s->nreads; k++)
    if (s->reads[k] == m) return;
  if (s->nreads == SCORE_READS) s->complete = false;
  else s->reads[s->nreads++] = m;
}

/* What lookup n (NAME[KEY]) reads: its key, unless the table has no keyed
 * entry, when the compiler writes its default alone (codegen gen_lookup)
 * and the key is never read; then the default's value (NULL: none). */
static const struct node *lookup_read(const struct comp *c, const struct node *n) {
  const struct s_table *t = &c->tables[n->index];
  for (const struct node *e = t->n->list; e; e = e->next)
    if (e->a) return n->a;
  return t->dflt ? t->dflt->b : NULL;
}

/* What expression n reads, in the order the code reads it (operands left
 * to right, a formula call as its body, a parameter as its argument). */
static void reads(const struct comp *c, const struct node *n, struct ref_score *s) {
  if (!n || !s->complete) return;
  switch ((enum node_kind)n->kind) {
  case N_NAME:
    if (n->ref == R_FIELD && c->fields[n->index].owner < 0 && value_kind(c->fields[n->index].ty.kind))
      add_input(s, true, n->index);
    else if (n->ref == R_METRIC) {
      if (value_kind(c->metrics[n->index].ty.kind)) add_input(s, false, n->index);
      add_read(s, n->index);
    } else if (n->ref == R_ARG) reads(c, n->def, s);
    else if (n->ref == R_ITEM || n->ref == R_ITEM_METRIC) s->complete = false;
    return;
  case N_AGG:
  case N_HOLDS: s->complete = false; return;
  case N_INDEX: reads(c, lookup_read(c, n), s); return;
  case N_CALL:
    if (n->ref == R_FORMULA) reads(c, n->def, s);
    else
      for (const struct node *a = n->list; a; a = a->next) reads(c, a, s);
    return;
  default:
    reads(c, n->a, s);
    reads(c, n->b, s);
    reads(c, n->c, s);
  }
}

/* Does meaning node n stand for input u, or might it (a block meaning.c
 * could not read)? */
struct mn_input {
  const struct ref_rules *R;
  const struct input *u;
};
static bool mn_is(const struct mn *n, void *ud) {
  const struct mn_input *w = ud;
  const struct comp *c = &w->R->c;
  if (n->kind == MN_OPAQUE) return true;
  if (w->u->field) {
    const struct img_field *f = n->kind == MN_FIELD ? &w->R->img->fields[n->x] : NULL;
    return f && f->owner == NO_LIST && f->slot == (uint32_t)c->fields[w->u->index].slot;
  }
  return n->kind == MN_REF && n->x == (uint32_t)c->metrics[w->u->index].reg;
}

/* Leave out each input that a metric the score reads (not the input
 * itself) depends on.  What a metric depends on is the one fact the
 * reference takes from the compiled rules, meaning.c's, as the VM does
 * (src/score.c): the meaning folds what the tree does not (`if true then
 * A else B` reads no B), and both must leave out the same inputs. */
static bool independent(const struct ref_rules *R, struct ref_score *s, struct mn_budget *b) {
  int kept = 0;
  for (int k = 0; k < s->n; k++) {
    struct mn_input w = {R, &s->in[k]};
    bool used = !R->mn; /* no meaning: nothing is known to be independent */
    for (int j = 0; j < s->nreads && !used; j++)
      used = !(!s->in[k].field && s->reads[j] == s->in[k].index) &&
          mn_uses_within(R->mn, R->mn->reg[R->c.metrics[s->reads[j]].reg], mn_is, &w, b);
    if (!used) s->in[kept++] = s->in[k];
  }
  s->n = kept;
  return !b->out;
}

/* How many instructions each register's metric takes in the compiled
 * metric block (len[reg]; 0 for none): from where the stack is empty
 * before it (after the previous SETMETRIC outside loops, or after a loop
 * that began there) to its last SETMETRIC outside loops.  How many the
 * block has. */
static uint32_t code_lengths(const struct image *img, uint32_t *len) {
  const uint8_t *code = img->code;
  uint32_t start = 0, n = 0, nest = 0;
  bool began[LIM_LIST_DEPTH + 1];
  for (uint32_t pc = img->metric_code; pc < img->codelen && code[pc] != OP_END;
       pc += 1 + 4 * (uint32_t)op_noperands(op_info[code[pc]].fmt), n++) {
    uint32_t r = pc + 4 < img->codelen
        ? (uint32_t)code[pc + 1] | (uint32_t)code[pc + 2] << 8 | (uint32_t)code[pc + 3] << 16 | (uint32_t)code[pc + 4] << 24
        : UINT32_MAX;
    if (code[pc] == OP_LOOP && nest <= LIM_LIST_DEPTH) began[nest++] = start == n;
    else if (code[pc] == OP_NEXT && nest > 0 && began[--nest] && nest == 0) start = n + 1;
    else if ((code[pc] == OP_SETMETRIC || code[pc] == OP_SETMETRIC_F) && nest == 0 && r < img->nmetrics) {
      len[r] = n - start + 1;
      start = n + 1;
    }
  }
  return n;
}

static void find_scores(struct ref_rules *R);

void ref_meaning_load(struct ref_rules *R, const char *path, const char *text, size_t len) {
  uint8_t *p = NULL;
  size_t n = 0;
  char err[256];
  if (tier_compile(path, text, len, NULL, &p, &n, NULL) == TIER_OK &&
      bc_read(NULL, p, n, NULL, &R->img, err, sizeof err) == TIER_OK &&
      vfy_image(R->img, err, sizeof err) == TIER_OK) /* meaning.c reads verified images */
    R->mn = mn_build(R->img, R->img->ar.hook, false);
  if (p) tier_free_bytes(NULL, p, n);
  if (R->mn) find_scores(R);
}

void ref_meaning_free(struct ref_rules *R) {
  mn_free(R->mn);
  free(R->scores);
  R->scores = NULL;
  if (R->img) image_free(R->img);
  R->mn = NULL;
  R->img = NULL;
}

/* The score record metric m is, or n == 0, its code len instructions. */
static void find_score(const struct ref_rules *R, int m, uint32_t len, struct ref_score *s, struct mn_budget *b) {
  const struct comp *c = &R->c;
  memset(s, 0, sizeof *s);
  s->complete = len > 0 && len <= SCORE_MAX_CODE;
  int kind = c->metrics[m].ty.kind;
  if (s->complete && (value_kind(kind) || kind == TY_NUMBER)) reads(c, c->metrics[m].n->a, s);
  if (s->complete && (value_kind(kind) || kind == TY_NUMBER)) s->complete = independent(R, s, b);
  if (!s->complete || s->n < 2) s->n = 0;
}

/* Every record metric's score, in register order within one budget. */
static void find_scores(struct ref_rules *R) {
  const struct comp *c = &R->c;
  uint32_t nregs = R->img->nmetrics, *len = calloc(nregs + 1, sizeof *len);
  int *metric_of = malloc(sizeof *metric_of * (nregs + 1));
  R->scores = calloc((size_t)c->nmetrics + 1, sizeof *R->scores);
  if (!len || !metric_of || !R->scores) abort();
  for (uint32_t r = 0; r < nregs; r++) metric_of[r] = -1;
  for (int i = 0; i < c->nmetrics; i++)
    if (c->metrics[i].list < 0 && c->metrics[i].reg >= 0 && (uint32_t)c->metrics[i].reg < nregs) metric_of[c->metrics[i].reg] = i;
  struct mn_budget b = {.left = SCORE_WORK_BASE + SCORE_WORK_PER_INSN * (uint64_t)code_lengths(R->img, len)};
  for (uint32_t r = 0; r < nregs; r++)
    if (metric_of[r] >= 0) find_score(R, metric_of[r], len[r], &R->scores[metric_of[r]], &b);
  free(len);
  free(metric_of);
}

/* The score metric m is, or n == 0. */
static void score_of(const struct ref_rules *R, int m, struct ref_score *s) {
  if (R->scores) *s = R->scores[m];
  else memset(s, 0, sizeof *s);
}

/* The slot input u's value lives in. */
static struct val *input_slot(struct ref_ctx *x, const struct input *u) {
  return u->field ? &x->rec->top[x->c->fields[u->index].slot] : &x->metrics[u->index];
}

/* units as the value's kind counts them: a count, or cents of money */
static void units_value(int kind, int64_t units, mpq_t out) {
  mpq_set_si(out, units, kind == TY_MONEY ? 100 : 1);
  mpq_canonicalize(out);
}

/* Does requirement req hold with input u at `units` (cents for money),
 * the score m computed again from its definition (m < 0: a compared
 * formula call's inputs, nothing computed again), all else as evaluated? */
static bool holds_with(struct ref_ctx *x, const struct node *req, int m, const struct input *u, int64_t units) {
  struct val *slot = input_slot(x, u), in_old, m_old, v;
  val_init(&in_old);
  val_init(&m_old);
  val_init(&v);
  val_copy(&in_old, slot);
  if (m >= 0) val_copy(&m_old, &x->metrics[m]);
  units_value(slot->kind, units, slot->q);
  bool may_fail = x->out->may_fail;
  x->out->may_fail = false;
  if (m >= 0) {
    ref_eval_expr(x, x->c->metrics[m].n->a, &v);
    ref_check_range(x, &v);
    val_copy(&x->metrics[m], &v);
  }
  ref_eval_expr(x, req->a, &v);
  bool met = !x->out->may_fail && val_true(&v);
  x->out->may_fail = may_fail;
  val_copy(slot, &in_old);
  if (m >= 0) val_copy(&x->metrics[m], &m_old);
  val_clear(&in_old);
  val_clear(&m_old);
  val_clear(&v);
  return met;
}

/* whatif.c's search, step for step: d = 1, 2, 4, ... up to most, then
 * halving between the last d that failed and the first that held;
 * holds(t, d) tries a change of d units.  The smallest d, 0 for none. */
typedef bool try_change(void *t, uint64_t d);
static uint64_t search_change(uint64_t most, try_change *holds, void *t) {
  uint64_t lo = 0, hi = 0;
  for (uint64_t d = 1; most > 0; d *= 2) {
    if (d > most) d = most;
    if (holds(t, d)) {
      hi = d;
      break;
    }
    lo = d;
    if (d == most) break;
  }
  while (hi > lo + 1) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (holds(t, mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

struct input_try {
  struct ref_ctx *x;
  const struct node *req;
  int m;
  const struct input *u;
  int64_t units;
  bool up;
};
static bool input_holds(void *t, uint64_t d) {
  struct input_try *c = t;
  return holds_with(c->x, c->req, c->m, c->u, c->up ? c->units + (int64_t)d : c->units - (int64_t)d);
}

/* The smallest change in units of input u from `units` that meets req,
 * up or down; 0 for none. */
static uint64_t smallest_change(struct ref_ctx *x, const struct node *req, int m, const struct input *u, int64_t units, bool up) {
  uint64_t most = up ? (uint64_t)1 << SCORE_MAX_STEP : (uint64_t)units;
  if (up && units > 0 && (uint64_t)(INT64_MAX - units) < most) most = (uint64_t)(INT64_MAX - units);
  struct input_try t = {x, req, m, u, units, up};
  return search_change(most, input_holds, &t);
}

/* An input's value in units, false when it is missing or not whole units. */
static bool input_units(struct ref_ctx *x, const struct input *u, int64_t *units) {
  const struct val *v = input_slot(x, u);
  if (v->none) return false;
  mpq_t t;
  mpq_init(t);
  mpq_set_ui(t, v->kind == TY_MONEY ? 100 : 1, 1);
  mpq_mul(t, t, v->q);
  bool ok = mpz_cmp_ui(mpq_denref(t), 1) == 0 && mpz_fits_slong_p(mpq_numref(t));
  if (ok) *units = mpz_get_si(mpq_numref(t));
  mpq_clear(t);
  return ok;
}

/* Each input of s's smallest change that alone meets req, fewest units
 * first, at most three, into need; false when none meets it. */
static bool changes_need(struct ref_ctx *x, const struct node *req, int m, const struct ref_score *sc, char *need, size_t n) {
  struct ref_score s = *sc;
  struct change {
    uint64_t d;
    bool up;
    int k;
  } ch[SCORE_INPUTS];
  int nch = 0;
  for (int k = 0; k < s.n; k++) {
    int64_t v;
    if (!input_units(x, &s.in[k], &v)) continue;
    uint64_t up = smallest_change(x, req, m, &s.in[k], v, true),
             down = v > 0 ? smallest_change(x, req, m, &s.in[k], v, false) : 0;
    if (!up && !down) continue;
    struct change c = {up && (!down || up <= down) ? up : down, up && (!down || up <= down), k};
    int at = nch++;
    for (; at > 0 && ch[at - 1].d > c.d; at--) ch[at] = ch[at - 1];
    ch[at] = c;
  }
  if (nch == 0) return false;
  char t[3][256];
  for (int i = 0; i < nch && i < 3; i++) {
    const struct input *u = &s.in[ch[i].k];
    const char *name = u->field ? x->c->fields[u->index].name : x->c->metrics[u->index].name;
    int kind = u->field ? x->c->fields[u->index].ty.kind : x->c->metrics[u->index].ty.kind;
    mpq_t d;
    mpq_init(d);
    units_value(kind, (int64_t)ch[i].d, d);
    ref_distance(name, kind, ch[i].up, d, t[i], sizeof t[i]);
    mpq_clear(d);
  }
  if (nch == 1) snprintf(need, n, "%s", t[0]);
  else if (nch == 2) snprintf(need, n, "%s or %s", t[0], t[1]);
  else snprintf(need, n, "%s, %s or %s", t[0], t[1], t[2]);
  return true;
}

bool ref_score_need(struct ref_ctx *x, const struct node *req, int m, char *need, size_t n) {
  struct ref_score s;
  score_of(x->R, m, &s);
  return changes_need(x, req, m, &s, need, n);
}

/* A compared formula call's inputs (src/score.c call_inputs): what the
 * whole comparison reads, once formulas are expanded, with no aggregate
 * and no reference; one input is enough. */
/* How many instructions the compiled code of requirement req takes, its
 * RET included: the requirement the compiler numbered as req
 * (blocks_number_reqs: the same front end numbers the reference's tree),
 * or UINT32_MAX when there is none. */
static const struct img_req *req_compiled(const struct ref_rules *R, const struct node *req) {
  const struct image *img = R->img;
  if (req->kind != I_REQ || req->index < 0 || (uint32_t)req->index >= img->nreqs) return NULL;
  return &img->reqs[req->index];
}
static uint32_t req_code_length(const struct ref_rules *R, const struct node *req) {
  const struct image *img = R->img;
  const struct img_req *r = req_compiled(R, req);
  if (!r) return UINT32_MAX;
  uint32_t n = 1;
  for (uint32_t pc = r->code; pc < img->codelen && img->code[pc] != OP_RET; n++)
    pc += 1 + 4 * (uint32_t)op_noperands(op_info[img->code[pc]].fmt);
  return n;
}

/* How many instructions req's compiled explain code takes outside its
 * loops (a LOOP counted, its body and NEXT not; TRACEs not), as score.c's
 * agg_inputs counts them; UINT32_MAX when it has none. */
static uint32_t req_outer_length(const struct ref_rules *R, const struct node *req) {
  const struct image *img = R->img;
  const struct img_req *r = req_compiled(R, req);
  if (!r || r->xcode == NO_STR) return UINT32_MAX;
  uint32_t n = 0, nest = 0, pc = r->xcode;
  for (int op; pc < img->codelen; pc += 1 + 4 * (uint32_t)op_noperands(op_info[op].fmt)) {
    op = img->code[pc];
    if (nest == 0 && op != OP_TRACE && op != OP_TRACE_F) n++;
    if (op == OP_LOOP) nest++;
    else if (op == OP_NEXT && nest > 0) nest--;
    if (op == OP_RET) break;
  }
  return n;
}

/* ---- a compared call's counts and sums (src/score.c agg_inputs) ---- */

/* Does n (an aggregate's part) read the list's items and constants only:
 * no top-level field, record metric or block, and no set or median buffer
 * of its own (a count distinct or median inside)? */
static bool items_only(const struct comp *c, const struct node *n) {
  if (!n) return true;
  switch ((enum node_kind)n->kind) {
  case N_NAME:
    if (n->ref == R_FIELD) return c->fields[n->index].owner >= 0;
    if (n->ref == R_ITEM_METRIC) return items_only(c, c->metrics[n->index].n->a);
    if (n->ref == R_ARG) return items_only(c, n->def);
    return n->ref != R_METRIC;
  case N_HOLDS: return false;
  case N_INDEX: return items_only(c, lookup_read(c, n));
  case N_AGG:
    if (n->op == A_DISTINCT || n->op == A_MEDIAN) return false;
    if (n->ref == R_ITEM_METRIC && !items_only(c, c->metrics[n->index].n->a)) return false;
    break;
  case N_CALL:
    if (n->ref == R_FORMULA) return items_only(c, n->def);
    for (const struct node *a = n->list; a; a = a->next)
      if (!items_only(c, a)) return false;
    return true;
  default: break;
  }
  return items_only(c, n->a) && items_only(c, n->b) && items_only(c, n->c);
}

/* Is n a call of a formula of int or money whose body is a count, a
 * count distinct or a sum over a list that reads its items and constants
 * only (m365_net_adds(security, smb))? */
static bool count_call(const struct comp *c, const struct node *n) {
  const struct node *b = n->def;
  /* a formula that returns an argument (f(x) = x) compiles to the
   * argument's code: f(sum ...) is that sum, as the VM sees it */
  while (b && b->kind == N_NAME && b->ref == R_ARG) b = b->def;
  if (n->kind != N_CALL || n->ref != R_FORMULA || (n->ty.kind != TY_INT && n->ty.kind != TY_MONEY) || !b || b->kind != N_AGG ||
      (b->op != A_COUNT && b->op != A_SUM && b->op != A_DISTINCT))
    return false;
  if (b->ref == R_ITEM_METRIC && !items_only(c, c->metrics[b->index].n->a)) return false;
  return items_only(c, b->a) && items_only(c, b->b) && items_only(c, b->c);
}

/* A compared call's counts and sums: per input (a call's text) its call
 * nodes. */
struct count_in {
  char name[256];
  const struct node **nodes;
  int n, cap;
};
struct counts {
  struct count_in in[SCORE_INPUTS];
  int n;
  bool complete;
};

/* The call's text as the compiler traces it (codegen call_text). */
static void call_name(const struct comp *c, const struct node *n, char *out, size_t cap) {
  struct node bare = *n;
  bare.parens = 0;
  struct buf b = {.hook = c->hook};
  if (fmt_bound_line(&bare, c->dg.files, &b) != 0 || b.failed) exit(2);
  snprintf(out, cap, "%.*s", (int)b.n, b.n ? (const char *)b.p : "");
  buf_free(&b);
}

static void add_count(const struct comp *c, const struct node *n, struct counts *s) {
  char name[256];
  call_name(c, n, name, sizeof name);
  int k = 0;
  while (k < s->n && strcmp(s->in[k].name, name)) k++;
  if (k == SCORE_INPUTS) {
    s->complete = false;
    return;
  }
  struct count_in *u = &s->in[k];
  if (k == s->n) snprintf(s->in[s->n++].name, sizeof u->name, "%s", name);
  if (u->n == u->cap && !(u->nodes = realloc(u->nodes, sizeof *u->nodes * (size_t)(u->cap = 2 * u->cap + 4)))) exit(2);
  u->nodes[u->n++] = n;
}

/* What the comparison n reads outside its counts and sums: a top-level
 * field, constants; a record metric, an item, another aggregate or a
 * block makes no search (as score.c's copy_outer). */
static void count_walk(const struct comp *c, const struct node *n, struct counts *s) {
  if (!n || !s->complete) return;
  switch ((enum node_kind)n->kind) {
  case N_NAME:
    if (n->ref == R_METRIC || n->ref == R_ITEM || n->ref == R_ITEM_METRIC) s->complete = false;
    else if (n->ref == R_ARG) count_walk(c, n->def, s);
    return;
  case N_AGG:
  case N_HOLDS: s->complete = false; return;
  case N_INDEX: count_walk(c, lookup_read(c, n), s); return;
  case N_CALL:
    if (count_call(c, n)) add_count(c, n, s);
    else if (n->ref == R_FORMULA) count_walk(c, n->def, s);
    else
      for (const struct node *a = n->list; a; a = a->next) count_walk(c, a, s);
    return;
  default:
    count_walk(c, n->a, s);
    count_walk(c, n->b, s);
    count_walk(c, n->c, s);
  }
}

/* Does req hold with count or sum u at `units`, all else as evaluated? */
static bool holds_with_count(struct ref_ctx *x, const struct node *req, const struct count_in *u, int kind, int64_t units) {
  struct val v, w;
  val_init(&v);
  val_init(&w);
  w.kind = kind;
  w.none = false;
  units_value(kind, units, w.q);
  x->over = u->nodes;
  x->over_n = u->n;
  x->over_val = &w;
  bool may_fail = x->out->may_fail;
  x->out->may_fail = false;
  ref_eval_expr(x, req->a, &v);
  bool met = !x->out->may_fail && val_true(&v);
  x->out->may_fail = may_fail;
  x->over = NULL;
  x->over_n = 0;
  val_clear(&v);
  val_clear(&w);
  return met;
}

struct count_try {
  struct ref_ctx *x;
  const struct node *req;
  const struct count_in *u;
  int kind;
  int64_t units;
};
static bool count_holds(void *t, uint64_t d) {
  struct count_try *c = t;
  return holds_with_count(c->x, c->req, c->u, c->kind, c->units + (int64_t)d);
}

/* The smallest increase of count or sum u from `units` that meets req (up
 * only, at most 2^40); 0 for none. */
static uint64_t smallest_increase(struct ref_ctx *x, const struct node *req, const struct count_in *u, int kind, int64_t units) {
  uint64_t most = (uint64_t)1 << SCORE_MAX_STEP;
  if (units > 0 && (uint64_t)(INT64_MAX - units) < most) most = (uint64_t)(INT64_MAX - units);
  struct count_try t = {x, req, u, kind, units};
  return search_change(most, count_holds, &t);
}

/* Which inputs of s the evaluation of req reaches (one of its calls at
 * least: the VM's explain code traces no call it passed by), into
 * reached[k]. */
static void reached_inputs(struct ref_ctx *x, const struct node *req, const struct counts *s, bool *reached) {
  int total = 0;
  for (int k = 0; k < s->n; k++) total += s->in[k].n;
  const struct node **all = malloc(sizeof *all * (size_t)total);
  bool *seen = calloc((size_t)total, sizeof *seen);
  if (!all || !seen) exit(2);
  for (int k = 0, at = 0; k < s->n; k++)
    for (int i = 0; i < s->in[k].n; i++) all[at++] = s->in[k].nodes[i];
  struct val v;
  val_init(&v);
  bool may_fail = x->out->may_fail;
  x->watch = all;
  x->watch_n = total;
  x->watched = seen;
  ref_eval_expr(x, req->a, &v);
  x->watch = NULL;
  x->watch_n = 0;
  x->watched = NULL;
  x->out->may_fail = may_fail;
  val_clear(&v);
  for (int k = 0, at = 0; k < s->n; k++) {
    reached[k] = false;
    for (int i = 0; i < s->in[k].n; i++) reached[k] |= seen[at++];
  }
  free(all);
  free(seen);
}

/* Each count's or sum's smallest increase that alone meets req, fewest
 * first (ties in the order read), at most three, into need. */
static bool counts_need(struct ref_ctx *x, const struct node *req, const struct counts *s, char *need, size_t n) {
  struct {
    uint64_t d;
    int k;
  } ch[SCORE_INPUTS];
  bool reached[SCORE_INPUTS];
  int nch = 0;
  reached_inputs(x, req, s, reached);
  for (int k = 0; k < s->n; k++) {
    if (!reached[k]) continue;
    struct val v;
    val_init(&v);
    bool may_fail = x->out->may_fail;
    ref_eval_expr(x, s->in[k].nodes[0], &v); /* its value as evaluated, as the VM's trace has it */
    x->out->may_fail = may_fail;
    int64_t units = 0;
    mpq_t t;
    mpq_init(t);
    mpq_set_ui(t, v.kind == TY_MONEY ? 100 : 1, 1);
    mpq_mul(t, t, v.q);
    bool ok = !v.none && mpz_cmp_ui(mpq_denref(t), 1) == 0 && mpz_fits_slong_p(mpq_numref(t));
    if (ok) units = mpz_get_si(mpq_numref(t));
    mpq_clear(t);
    int kind = s->in[k].nodes[0]->ty.kind;
    val_clear(&v);
    uint64_t d = ok ? smallest_increase(x, req, &s->in[k], kind, units) : 0;
    if (!d) continue;
    int at = nch++;
    for (; at > 0 && ch[at - 1].d > d; at--) ch[at] = ch[at - 1];
    ch[at].d = d;
    ch[at].k = k;
  }
  if (nch == 0) return false;
  char t[3][256];
  for (int i = 0; i < nch && i < 3; i++) {
    const struct count_in *u = &s->in[ch[i].k];
    int kind = u->nodes[0]->ty.kind;
    mpq_t d;
    mpq_init(d);
    units_value(kind, (int64_t)ch[i].d, d);
    ref_distance(u->name, kind, true, d, t[i], sizeof t[i]);
    mpq_clear(d);
  }
  if (nch == 1) snprintf(need, n, "%s", t[0]);
  else if (nch == 2) snprintf(need, n, "%s or %s", t[0], t[1]);
  else snprintf(need, n, "%s, %s or %s", t[0], t[1], t[2]);
  return true;
}

/* The counts and sums of req's compared call (no other search): a
 * search of each when its comparison reads lists only through them (at
 * most SCORE_INPUTS calls by text) and its explain code takes at most
 * SCORE_MAX_CODE instructions outside loops. */
static bool count_need(struct ref_ctx *x, const struct node *req, char *need, size_t n) {
  struct counts s;
  memset(&s, 0, sizeof s);
  s.complete = req_outer_length(x->R, req) <= SCORE_MAX_CODE;
  if (s.complete) count_walk(&x->R->c, req->a, &s);
  bool found = s.complete && s.n > 0 && counts_need(x, req, &s, need, n);
  for (int k = 0; k < s.n; k++) free(s.in[k].nodes);
  return found;
}

bool ref_call_need(struct ref_ctx *x, const struct node *req, char *need, size_t n) {
  if (!x->R->img) return false;
  struct ref_score s;
  struct mn_budget b = {.left = SCORE_CALL_WORK};
  memset(&s, 0, sizeof s);
  s.complete = req_code_length(x->R, req) <= SCORE_MAX_CODE; /* as score.c's call_inputs */
  if (s.complete) reads(&x->R->c, req->a, &s);
  if (s.complete) s.complete = independent(x->R, &s, &b);
  if (!s.complete || s.n < 1) return count_need(x, req, need, n);
  return changes_need(x, req, -1, &s, need, n);
}
