/*
 * ref_ladder.c - one record through the ladder of its partner type
 * (docs/language.md section 8 and 9, SPEC section 6): the evaluation date,
 * every statement at that date (requirements, `either` and `at least`),
 * the time clauses' checkpoints, the tier earned, the grants, the tier held
 * and the next one, every badge, and each entry as the runner reports it
 * (its values and the smallest change that would meet it), with the
 * blocks that `holds` and `meets` read and what they still need.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "ref_int.h"

static void *plain_alloc(void *ud, void *p, size_t o, size_t n) {
  (void)ud;
  (void)o;
  if (n == 0) {
    free(p);
    return NULL;
  }
  return realloc(p, n);
}

struct ref_rules *ref_load(const char *path, const char *text, size_t len, char *err, size_t errlen) {
  struct ref_rules *R = calloc(1, sizeof *R);
  if (!R) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  R->hook.fn = plain_alloc;
  tier_options o;
  memset(&o, 0, sizeof o);
  if (comp_front(&R->c, path, text, len, &o, &R->hook) != TIER_OK) {
    struct buf b = {.hook = &R->hook};
    diag_render(&R->c.dg, &b);
    snprintf(err, errlen, "%.*s", (int)b.n, b.p ? (char *)b.p : "out of memory");
    buf_free(&b);
    ref_free(R);
    return NULL;
  }
  ref_meaning_load(R, path, text, len);
  return R;
}

void ref_free(struct ref_rules *R) {
  if (!R) return;
  ref_meaning_free(R);
  comp_free(&R->c);
  free(R);
}

/* ---- requirements as the runner reports them ------------------------------------ */

/* The rule's text as the runner shows it (SPEC 6 `rule`): the expression as
 * `tierc fmt` writes it on one line, whatever the source's layout.  This is
 * presentation, not meaning, so the reference prints it with fmt's printer. */
static char *rule_text(const struct comp *c, const struct node *e) {
  struct buf b = {.hook = c->hook};
  if (fmt_expr_line(e, c->dg.files, &b) != 0 || b.failed) {
    fputs("difftest: out of memory\n", stderr);
    exit(2);
  }
  char *s = malloc(b.n + 1);
  if (!s) exit(2);
  if (b.n) memcpy(s, b.p, b.n);
  s[b.n] = 0;
  buf_free(&b);
  return s;
}

/* How many partner types have tiers. */
static int tier_types(const struct comp *c) {
  int n = 0;
  for (int t = 0; t < c->ntiers; t++) {
    bool seen = false;
    for (int u = 0; u < t && !seen; u++) seen = c->tiers[u].ptype == c->tiers[t].ptype;
    n += !seen;
  }
  return n;
}

/* A literal, an enum value, or a tier's name where the tiers are of one
 * partner type: with several, a comparison with a tier is false for the
 * records of the other types, so it is no plain `value OP constant` and
 * is explained as a computed threshold (design notes, tier values). */
static bool is_constant(const struct comp *c, const struct node *n) {
  return n->kind == N_INT || n->kind == N_DEC || n->kind == N_DATE || n->kind == N_BOOL ||
      (n->kind == N_NAME && n->ref == R_ENUMVAL) || (n->kind == N_NAME && n->ref == R_TIER && tier_types(c) == 1);
}
static bool is_value_name(const struct node *n) {
  return n->kind == N_NAME && (n->ref == R_METRIC || n->ref == R_FIELD);
}

/* A rule that compares one metric or top-level field, as it is, with a
 * constant (either way round), or is a bare bool metric or field, which
 * reads as `value == true` (8.2, design notes): *value and *konst are its
 * two sides and *op the comparison with the value on the left. */
static bool value_vs_constant(const struct comp *c, const struct node *e, const struct node **value, const struct node **konst,
                              int *op) {
  if (is_value_name(e) && e->ty.kind == TY_BOOL) {
    *value = e;
    *konst = NULL;
    *op = B_EQ;
    return true;
  }
  if (e->kind != N_BIN || e->op < B_EQ || e->op > B_GE) return false;
  static const int flip[] = {[B_EQ] = B_EQ, [B_NE] = B_NE, [B_LT] = B_GT, [B_LE] = B_GE, [B_GT] = B_LT, [B_GE] = B_LE};
  /* a const is its literal here too (3.12: a comparison with a const is a
   * comparison with a constant everywhere) */
  const struct node *ka = ast_literal(e->a), *kb = ast_literal(e->b);
  if (is_value_name(e->a) && is_constant(c, kb)) {
    *value = e->a;
    *konst = kb;
    *op = e->op;
  } else if (is_value_name(e->b) && is_constant(c, ka)) {
    *value = e->b;
    *konst = ka;
    *op = flip[e->op];
  } else {
    return false;
  }
  return (*value)->ty.kind == (*konst)->ty.kind;
}

/* Does n aggregate over a list (8.2: the threshold side of a computed
 * threshold may not), itself, through a formula's body or an argument? */
static bool aggregates(const struct node *n) {
  if (!n) return false;
  if (n->kind == N_AGG) return true;
  if (aggregates(n->a) || aggregates(n->b) || aggregates(n->c)) return true;
  if ((n->kind == N_CALL || n->kind == N_NAME) && (n->ref == R_FORMULA || n->ref == R_ARG) && aggregates(n->def)) return true;
  for (const struct node *x = n->kind == N_CALL ? n->list : NULL; x; x = x->next)
    if (aggregates(x)) return true;
  return false;
}

/* SPEC 3.5: a computed threshold compares a metric, a field, an aggregate
 * or a formula call (the value) with a side that aggregates over no list
 * (the threshold); the value is the left side if it can be, and text is
 * not compared this way.  Rules of value_vs_constant's form are not. */
static bool computed_threshold(const struct node *e, const struct node **value, const struct node **thr, int *op) {
  static const int flip[] = {[B_EQ] = B_EQ, [B_NE] = B_NE, [B_LT] = B_GT, [B_LE] = B_GE, [B_GT] = B_LT, [B_GE] = B_LE};
  if (e->kind != N_BIN || e->op < B_EQ || e->op > B_GE || e->a->ty.kind == TY_TEXT) return false;
#define COMPARED(n) ((n)->kind == N_NAME ? (n)->ref == R_METRIC || (n)->ref == R_FIELD \
                     : (n)->kind == N_AGG || ((n)->kind == N_CALL && (n)->ref == R_FORMULA))
  const struct node *a = e->a, *b = e->b;
  while (a->kind == N_CONV) a = a->a;
  while (b->kind == N_CONV) b = b->a;
  if (COMPARED(a) && !aggregates(e->b)) {
    *value = e->a;
    *thr = e->b;
    *op = e->op;
  } else if (COMPARED(b) && !aggregates(e->a)) {
    *value = e->b;
    *thr = e->a;
    *op = flip[e->op];
  } else {
    return false;
  }
#undef COMPARED
  return true;
}

/* A literal (or a const, or its negation) or a tier's name, which needs no
 * threshold text. */
static bool literal(const struct comp *c, const struct node *n) {
  while (n->kind == N_CONV || n->kind == N_NEG) n = n->a;
  if (n->kind == N_NAME && n->ref == R_CONST && n->def) n = n->def;
  return is_constant(c, n) || n->kind == N_STR || (n->kind == N_NAME && n->ref == R_TIER);
}

/* The text of one side, without the parentheses around it. */
static char *side_text(const struct comp *c, const struct node *n) {
  struct node bare = *n;
  bare.parens = 0;
  return rule_text(c, &bare);
}

/* The API's name for a kind of value (enum tier_type). */
static int public_type(int kind) {
  switch (kind) {
  case TY_TEXT: return TIER_TYPE_TEXT;
  case TY_INT: return TIER_TYPE_INT;
  case TY_NUMBER: return TIER_TYPE_NUMBER;
  case TY_MONEY: return TIER_TYPE_MONEY;
  case TY_BOOL: return TIER_TYPE_BOOL;
  case TY_DATE: return TIER_TYPE_DATE;
  case TY_ENUM: return TIER_TYPE_ENUM;
  case TY_TIER: return TIER_TYPE_TIER;
  default: return TIER_TYPE_NONE;
  }
}

static const char *op_text(int op) {
  static const char *t[] = {[B_EQ] = "==", [B_NE] = "!=", [B_LT] = "<", [B_LE] = "<=", [B_GT] = ">", [B_GE] = ">="};
  return t[op];
}

/* A source text quoted in a need (a rule, a compared side, a threshold)
 * takes at most NEED_QUOTE bytes: a longer one is cut on a character
 * boundary and ends in "…" (docs/language.md 8.2: the need fits its field
 * whole, tier_req_result.need). */
#define NEED_QUOTE 110
static void quote_cut(const char *s, char out[NEED_QUOTE + 1]) {
  static const char ellipsis[] = "\u2026";
  size_t len = strlen(s);
  if (len > NEED_QUOTE) {
    len = NEED_QUOTE - (sizeof ellipsis - 1);
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) len--;
  }
  snprintf(out, NEED_QUOTE + 1, "%.*s%s", (int)len, s, len < strlen(s) ? ellipsis : "");
}

void ref_distance(const char *whole, int kind, bool up, const mpq_t d, char *out, size_t n) {
  char name[NEED_QUOTE + 1], g[160];
  quote_cut(whole, name);
  if (kind == TY_MONEY) ref_money_need(d, g, sizeof g);
  else ref_int_need(d, g, sizeof g);
  snprintf(out, n, "%c%s %s", up ? '+' : '-', g, name);
}

/* The smallest change to `value` that meets `value OP required`, as the
 * guide describes it: a distance for a threshold on a count or an amount,
 * the value to become for a yes/no rule, else what the value must be (the
 * values as people read them). */
static void need_text(const char *whole, int kind, int op, const struct val *actual, const struct val *required,
                      const char *ashown, const char *rshown, bool distance, char *out, size_t n) {
  char name[NEED_QUOTE + 1];
  quote_cut(whole, name);
  if (kind == TY_BOOL) {
    snprintf(out, n, "%s must become %s", name, rshown);
    return;
  }
  bool threshold = op == B_GE || op == B_GT || op == B_LE || op == B_LT;
  if (distance && (kind == TY_INT || kind == TY_MONEY) && !actual->none && threshold) {
    /* the distance to the threshold; a strict one is passed by one unit (int) or one cent (money) */
    bool up = op == B_GE || op == B_GT;
    mpq_t step, d;
    mpq_init(step);
    mpq_init(d);
    mpq_set_ui(step, op == B_GE || op == B_LE ? 0 : 1, kind == TY_MONEY ? 100 : 1);
    mpq_canonicalize(step);
    if (up) { mpq_add(d, required->q, step); mpq_sub(d, d, actual->q); }
    else { mpq_sub(d, actual->q, required->q); mpq_add(d, d, step); }
    ref_distance(whole, kind, up, d, out, n);
    mpq_clear(step);
    mpq_clear(d);
    return;
  }
  if (actual->none)
    snprintf(out, n, "%s %s; it must be %s %s", name, actual->divzero ? "is none (division by zero)" : "is missing",
             op_text(op), rshown);
  else
    snprintf(out, n, "%s must be %s %s (it is %s)", name, op_text(op), rshown, ashown);
}

/* What a date of a period test stands for once formulas are expanded (a
 * formula is expanded at each call, 3.14): a call is its body, a parameter
 * its argument. */
static const struct node *expanded(const struct node *n) {
  while ((n->kind == N_CALL && n->ref == R_FORMULA) || (n->kind == N_NAME && n->ref == R_ARG)) n = n->def;
  return n;
}

/* A date a period test's gap can name: a metric, a top-level field or
 * asof, written so or given by a formula call (4.13). */
static bool period_date(const struct node *n) {
  n = expanded(n);
  return is_value_name(n) || n->kind == N_ASOF;
}

/* The gap of a rule that is one period test `d in P of x`, d and x each
 * a period_date, when it is not met and x is there: "last_audit must be in
 * 2024-04-01 .. 2025-03-31 (it is 2024-03-31)", naming what a call gives
 * (`audited(last_audit)` names last_audit) (4.13), and so is a call whose
 * value is such a test (`same(d in P of x)`, same's body its parameter);
 * false for any other rule. */
static bool period_need(struct ref_ctx *x, const struct node *e, char *need, size_t n) {
  e = expanded(e);
  if (e->kind != N_PERIOD || !period_date(e->a) || !period_date(e->b)) return false;
  struct val d, at;
  val_init(&d);
  val_init(&at);
  ref_eval_expr(x, e->a, &d);
  ref_eval_expr(x, e->b, &at);
  int64_t from, to;
  bool some = !at.none && ref_period_bounds(x, e, at.i, &from, &to);
  if (some) {
    const struct node *dv = expanded(e->a);
    const char *dn = dv->kind == N_ASOF ? "asof" : dv->name;
    char fs[11], ts[11], ds[11];
    ref_date_text(from, fs);
    ref_date_text(to, ts);
    if (d.none) {
      snprintf(need, n, "%s is missing; it must be in %s .. %s", dn, fs, ts);
    } else {
      ref_date_text(d.i, ds);
      snprintf(need, n, "%s must be in %s .. %s (it is %s)", dn, fs, ts, ds);
    }
  }
  val_clear(&d);
  val_clear(&at);
  return some;
}

/* A gap of references as the docs say it (8.8): sentences joined by
 * "; ", each said once, six at most, in NEED_ROOM bytes; the first that
 * does not fit ends the text (cut at a character boundary when it is the
 * first).  The VM's sayer keeps the same rules, written here anew. */
#define NEED_ROOM 448
#define NEED_SENTENCES 6
struct sentences {
  char text[NEED_ROOM];
  size_t at, start[NEED_SENTENCES], len[NEED_SENTENCES];
  int n;
  bool full;
};

static void ref_needs(struct ref_ctx *x, const struct node *e, int depth, struct sentences *out);

/* Entry e for requirement `req` (I_REQ) of tier or badge `tier`, met or
 * not, with its values at the evaluation date of x. */
static void fill_entry(struct ref_ctx *x, const struct node *tier, const char *section, const struct node *req, bool met,
                       struct oc_entry *e) {
  const struct comp *c = x->c;
  *(tier->kind == I_BADGE ? &e->badge : &e->tier) = oc_strdup(tier->name);
  e->section = oc_strdup(section);
  e->rule = rule_text(c, req->a);
  e->met = met;
  const struct node *value, *konst;
  int op;
  bool vc = value_vs_constant(c, req->a, &value, &konst, &op);
  bool ct = !vc && computed_threshold(req->a, &value, &konst, &op);
  if (req->b) e->label = oc_strdup(req->b->str);
  else if (vc && value->ref == R_METRIC && c->metrics[value->index].n->b) e->label = oc_strdup(c->metrics[value->index].n->b->str);
  if (vc || ct) {
    struct val a, r;
    val_init(&a);
    val_init(&r);
    ref_eval_expr(x, value, &a);
    if (konst) ref_eval_expr(x, konst, &r);
    else val_bool(&r, true);
    int kind = value->ty.kind;
    char at[256], rt[256], as[256], rs[256];
    ref_value_text(x->R, &a, value->ty.ref, at, sizeof at);
    ref_value_text(x->R, &r, value->ty.ref, rt, sizeof rt);
    ref_value_shown(x->R, &a, value->ty.ref, as, sizeof as);
    ref_value_shown(x->R, &r, value->ty.ref, rs, sizeof rs);
    e->metric = ct ? side_text(c, value) : oc_strdup(value->name);
    if (ct && !literal(c, konst)) e->threshold = side_text(c, konst);
    e->actual = oc_strdup(at);
    e->required = oc_strdup(rt);
    e->actual_shown = oc_strdup(as);
    e->required_shown = oc_strdup(rs);
    e->op = oc_strdup(op_text(op));
    e->type = public_type(kind);
    e->missing = a.none;
    if (!met && r.none) { /* nothing meets a missing threshold */
      char need[1024], m[NEED_QUOTE + 1], t[NEED_QUOTE + 1];
      quote_cut(e->metric, m);
      quote_cut(e->threshold ? e->threshold : "", t);
      snprintf(need, sizeof need, "%s: the threshold %s is %s", m, t, r.divzero ? "none (division by zero)" : "missing");
      e->need = oc_strdup(need);
    } else if (!met) {
      char need[1024];
      const struct node *side = value;
      while (side->kind == N_CONV) side = side->a;
      bool call = ct && side->kind == N_CALL && side->ref == R_FORMULA; /* the distance to it is no change */
      if (call ? a.none || !ref_call_need(x, req, need, sizeof need)
               : !vc || value->ref != R_METRIC || a.none || !ref_score_need(x, req, value->index, need, sizeof need))
        need_text(e->metric, kind, op, &a, &r, as, rs, !call, need, sizeof need);
      e->need = oc_strdup(need);
    }
    val_clear(&a);
    val_clear(&r);
  } else if (!met) {
    char cut[NEED_QUOTE + 1], need[NEED_ROOM];
    struct sentences refs = {0};
    quote_cut(e->rule, cut);
    if (x->ref_depth == 0) ref_needs(x, req->a, 0, &refs);
    if (refs.at) snprintf(need, sizeof need, "%s", refs.text);
    else if (!period_need(x, req->a, need, sizeof need)) snprintf(need, sizeof need, "must hold: %s", cut);
    e->need = oc_strdup(need);
  }
}

/* ---- either and at least (8.5, 8.6) ------------------------------------------------------------ */

/* A statement of a block: a requirement, an either, one of its branches or
 * an at least, with what it holds at asof and what its smallest change
 * costs.  A block's items are a table in the order the runner lists them,
 * each group before its statements. */
struct item {
  const struct node *n;
  bool held;
  int nheld, needs;   /* statements held; how many must hold (either 1, a branch all, at least N) */
  unsigned long cost; /* requirements that must change for it to hold */
  bool picked;        /* on the cheapest way for its group to hold */
  bool top;           /* a statement of the block itself, in no group */
  int *kids, nkids;
  size_t entry; /* its entry in the explanation */
};

struct items {
  struct item *v;
  int n, cap;
};

static int nkids_of(const struct node *n) {
  int k = 0;
  for (const struct node *s = n->kind == I_REQ ? NULL : n->list; s; s = s->next) k++;
  return k;
}

/* A group's name as the runner gives it: "either", the branch's label or
 * "branch K" by its place, "at least N of M". */
static char *group_name(const struct node *n, int place, int count) {
  char buf[160];
  if (n->kind == I_EITHER) snprintf(buf, sizeof buf, "either");
  else if (n->kind == I_BRANCH && n->b) snprintf(buf, sizeof buf, "%s", n->b->str);
  else if (n->kind == I_BRANCH) snprintf(buf, sizeof buf, "branch %d", place);
  else snprintf(buf, sizeof buf, "at least %lld of %d", (long long)n->ival, count);
  return oc_strdup(buf);
}

static int by_cost(const void *a, const void *b) {
  const struct item *x = *(struct item *const *)a, *y = *(struct item *const *)b;
  if (x->cost != y->cost) return x->cost < y->cost ? -1 : 1;
  return x < y ? -1 : x > y; /* ties: the first written */
}

/* The cheapest failing statements of a group that fails, as many as it
 * lacks, are picked; its cost is theirs (SPEC 3.5: an either's branch with
 * the fewest failing requirements, ties the first written). */
static void price(struct items *t, struct item *it) {
  if (it->held) return;
  struct item **fail = calloc((size_t)it->nkids + 1, sizeof *fail);
  if (!fail) exit(2);
  int nf = 0;
  for (int k = 0; k < it->nkids; k++)
    if (!t->v[it->kids[k]].held) fail[nf++] = &t->v[it->kids[k]];
  qsort(fail, (size_t)nf, sizeof *fail, by_cost);
  int take = it->needs - (it->nkids - nf);
  it->cost = 0;
  for (int k = 0; k < take && k < nf; k++) {
    it->cost += fail[k]->cost;
    fail[k]->picked = true;
  }
  free(fail);
}

/* Statement n of block blk (place: its place among its group's, from 1)
 * into t, its explanation entries (a group's first, then its statements'
 * one deeper, each with the branch it is in, and that branch's place
 * when it has no label) after out's: returns its index. */
static int add_item(struct ref_ctx *x, const struct node *blk, const struct node *n, int place, const char *branch,
                    int branch_place, int depth, struct items *t, struct outcome *out) {
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 16;
    t->v = realloc(t->v, sizeof *t->v * (size_t)t->cap);
    if (!t->v) exit(2);
  }
  int i = t->n++;
  struct item *it = &t->v[i];
  memset(it, 0, sizeof *it);
  it->n = n;
  it->entry = out->nexplain;
  struct oc_entry *e = oc_add(&out->explain, &out->nexplain);
  e->branch = oc_strdup(branch);
  e->branch_place = branch_place;
  e->depth = depth;
  if (n->kind == I_REQ) {
    struct val v;
    val_init(&v);
    ref_eval_expr(x, n->a, &v);
    it->held = val_true(&v); /* a requirement whose value is missing does not hold (6) */
    val_clear(&v);
    it->cost = !it->held;
    fill_entry(x, blk, n->name2, n, it->held, &out->explain[it->entry]);
    return i;
  }
  int nk = nkids_of(n), k = 0;
  int *kids = calloc((size_t)nk + 1, sizeof *kids);
  if (!kids) exit(2);
  char *name = group_name(n, place, nk);
  int unnamed = n->kind == I_BRANCH && !n->b ? place : 0;
  for (const struct node *s = n->list; s; s = s->next, k++)
    kids[k] = add_item(x, blk, s, k + 1, n->kind == I_BRANCH ? name : branch, n->kind == I_BRANCH ? unnamed : branch_place,
                       depth + 1, t, out);
  it = &t->v[i]; /* t->v may have moved */
  it->kids = kids;
  it->nkids = nk;
  for (k = 0; k < nk; k++) it->nheld += t->v[kids[k]].held;
  it->needs = n->kind == I_EITHER ? 1 : n->kind == I_BRANCH ? nk : (int)n->ival;
  it->held = it->nheld >= it->needs;
  price(t, it);
  e = &out->explain[it->entry];
  *(blk->kind == I_BADGE ? &e->badge : &e->tier) = oc_strdup(blk->name);
  e->section = oc_strdup(n->name2);
  e->rule = name;
  e->place = unnamed;
  e->met = it->held;
  e->held = it->nheld;
  e->needed = it->needs;
  e->of = nk;
  if (!it->held && n->kind == I_ATLEAST) {
    char need[200];
    snprintf(need, sizeof need, "%d more of the %d below (%d %s, %lld must)", it->needs - it->nheld, nk, it->nheld,
             it->nheld == 1 ? "holds" : "hold", (long long)n->ival);
    e->need = oc_strdup(need);
  } else if (!it->held) {
    e->need = oc_strdup(""); /* an either and a branch say it through their statements */
  }
  return i;
}

/* Block blk's statements at asof into t and the explanation; true when
 * they all hold. */
static bool block_items(struct ref_ctx *x, const struct s_tier *blk, struct items *t, struct outcome *out) {
  bool all = true;
  int place = 1;
  for (const struct node *s = blk->n->list; s; s = s->next, place++) {
    int i = add_item(x, blk->n, s, place, NULL, 0, 0, t, out);
    t->v[i].top = true;
    all = t->v[i].held && all;
  }
  for (int i = 0; i < t->n; i++) /* a branch says whether the smallest change takes it */
    if (t->v[i].n->kind == I_BRANCH) out->explain[t->v[i].entry].gap = t->v[i].picked;
  return all;
}

/* The unmet entries of item i, failing (SPEC 6, docs 8.5, 8.6): a
 * requirement's, an at least's one entry, an either's the failing entries
 * of every branch, each with its branch; gap: on the smallest change's
 * way. */
static void item_unmet(const struct items *t, int i, const char *branch, int branch_place, bool gap, int depth,
                       const struct outcome *src, struct oc_entry **out, size_t *nout) {
  const struct item *it = &t->v[i];
  if (it->held) return;
  if (it->n->kind == I_EITHER || it->n->kind == I_BRANCH) {
    for (int k = 0; k < it->nkids; k++) {
      const struct item *kid = &t->v[it->kids[k]];
      bool either = it->n->kind == I_EITHER;
      const char *br = either ? src->explain[kid->entry].rule : branch;
      int br_place = either ? src->explain[kid->entry].place : branch_place;
      item_unmet(t, it->kids[k], br, br_place, gap && (!either || kid->picked), depth + either, src, out, nout);
    }
    return;
  }
  struct oc_entry *e = oc_add(out, nout);
  oc_copy_entry(e, &src->explain[it->entry]);
  free(e->branch);
  e->branch = oc_strdup(branch);
  e->branch_place = branch_place;
  e->gap = gap;
  e->depth = depth;
}

/* The unmet entries of a block's items t (its top-level statements). */
static void block_unmet(const struct items *t, const struct outcome *src, struct oc_entry **out, size_t *nout) {
  for (int i = 0; i < t->n; i++)
    if (t->v[i].top) item_unmet(t, i, NULL, 0, true, 0, src, out, nout);
}

static void items_free(struct items *t) {
  for (int i = 0; i < t->n; i++) free(t->v[i].kids);
  free(t->v);
  memset(t, 0, sizeof *t);
}

/* Does statement n hold in cx (at a checkpoint: 8.4 evaluates the
 * requirements afresh there)? */
static bool stmt_holds(struct ref_ctx *cx, const struct node *n) {
  if (n->kind == I_REQ) {
    struct val v;
    val_init(&v);
    ref_eval_expr(cx, n->a, &v);
    bool held = val_true(&v);
    val_clear(&v);
    return held;
  }
  int nheld = 0, nk = 0;
  for (const struct node *s = n->list; s; s = s->next, nk++) nheld += stmt_holds(cx, s);
  return nheld >= (n->kind == I_EITHER ? 1 : n->kind == I_BRANCH ? nk : (int)n->ival);
}

/* ---- time clauses (8.4, SPEC 3.5 "Checkpoints") --------------------------------------------- */

enum { SUSTAINED = 1, ANY_MONTHS, ANY_DAYS, ANY_CALMONTHS }; /* an I_TIME node's op */
#define FIRST_DAY (-719162) /* 0001-01-01: no checkpoint lies before it */

/* The first day of the window of an `at any checkpoint within N calendar
 * months`: the first of the month N months before asof's month. */
static int64_t calendar_window_start(int64_t asof, int n) {
  int y, m, d;
  ref_ymd(asof, &y, &m, &d);
  return ref_add_months(asof - (d - 1), -n);
}

/* The k-th checkpoint (k >= 1) before asof of clause tc, computed from asof
 * directly; OC_NONE past the window. */
static int64_t checkpoint(const struct node *tc, int64_t asof, int k) {
  int n = (int)tc->ival;
  switch (tc->op) {
  case SUSTAINED:
  case ANY_MONTHS: return k <= n ? ref_add_months(asof, -k) : OC_NONE;
  case ANY_DAYS: return k < n && asof - k >= FIRST_DAY ? asof - k : OC_NONE;
  default: return asof - k >= calendar_window_start(asof, n) ? asof - k : OC_NONE;
  }
}

static int64_t window_start(const struct node *tc, int64_t asof) {
  int n = (int)tc->ival;
  if (tc->op == ANY_DAYS) return asof - (n - 1) < FIRST_DAY ? FIRST_DAY : asof - (n - 1);
  return tc->op == ANY_CALMONTHS ? calendar_window_start(asof, n) : ref_add_months(asof, -n);
}

/* Clause tc of tier t: `decided` is the checkpoint that decided it (a
 * sustained one's failing checkpoint, an at any one's holding one), or
 * OC_NONE. */
/* Clause tc as the runner writes it: "sustained 6 months". */
static void time_text(const struct node *tc, char *text, size_t size) {
  int n = (int)tc->ival;
  const char *s = n == 1 ? "" : "s";
  if (tc->op == SUSTAINED) snprintf(text, size, "sustained %d month%s", n, s);
  else
    snprintf(text, size, "at any checkpoint within %d %s%s", n,
             tc->op == ANY_DAYS         ? "day"
                 : tc->op == ANY_MONTHS ? "month"
                                        : "calendar month",
             s);
}

static void fill_time(const struct s_tier *t, const struct node *tc, int64_t asof, int64_t decided, struct oc_entry *e) {
  int n = (int)tc->ival;
  const char *s = n == 1 ? "" : "s";
  char text[96], need[200], d[11], w[11];
  time_text(tc, text, sizeof text);
  *(t->n->kind == I_BADGE ? &e->badge : &e->tier) = oc_strdup(t->n->name);
  e->rule = oc_strdup(text);
  e->sustained = tc->op == SUSTAINED ? n : 0;
  e->checkpoint = decided;
  e->met = (decided == OC_NONE) == (tc->op == SUSTAINED);
  if (e->met) return;
  if (tc->op == SUSTAINED) {
    ref_date_text(decided, d);
    snprintf(need, sizeof need, "the requirements must hold at every monthly checkpoint for %d month%s (failed at %s)", n, s, d);
  } else {
    ref_date_text(window_start(tc, asof), w);
    ref_date_text(asof, d);
    snprintf(need, sizeof need, "the requirements must hold at one %s checkpoint from %s to %s",
             tc->op == ANY_MONTHS ? "monthly" : "daily", w, d);
  }
  e->need = oc_strdup(need);
}

/* ---- the ladder ---------------------------------------------------------------------- */

/* Do all statements of block b hold in cx? */
static bool block_holds(struct ref_ctx *cx, const struct s_tier *b) {
  bool holds = true;
  for (const struct node *s = b->n->list; s; s = s->next) holds = stmt_holds(cx, s) && holds;
  return holds;
}

/* What a time clause checks at each checkpoint (8.4, 8.7): the
 * requirements of the tiers of type p up to tier `upto`, or of badge b. */
struct clause_of {
  int p, upto;
  const struct s_tier *badge;
};

/* Do they hold at date `at`?  Metrics are computed afresh for that date. */
static bool holds_at(struct ref_ctx *x, const struct clause_of *w, int64_t at) {
  struct ref_ctx cx = *x;
  cx.asof = at;
  ref_metrics_begin(&cx);
  bool holds = true;
  if (w->badge) holds = block_holds(&cx, w->badge);
  for (int t = 0; !w->badge && t <= w->upto; t++)
    if (x->c->tiers[t].ptype == w->p) holds = block_holds(&cx, &x->c->tiers[t]) && holds;
  ref_metrics_end(&cx);
  return holds;
}

/* The checkpoint that decides clause tc, the requirements holding today or
 * not: a sustained clause's latest failing checkpoint, an at any clause's
 * latest holding one (today's first), or OC_NONE. */
static int64_t decide(struct ref_ctx *x, const struct node *tc, bool today, const struct clause_of *w) {
  bool every = tc->op == SUSTAINED;
  if (today != every) return x->asof;
  for (int k = 1;; k++) {
    int64_t cp = checkpoint(tc, x->asof, k);
    if (cp == OC_NONE || holds_at(x, w, cp) != every) return cp;
  }
}

#define KNOWN_MEETS 1 /* struct ref_refs.known: meets[b] is worked out */
#define KNOWN_HOLDS 2 /* and holds[b] (with time_met, decided, rules_below, earned) */

/* The tier below tier t in its ladder (the one before it of its partner
 * type), or -1. */
static int tier_below(const struct comp *c, int t) {
  for (int u = t - 1; u >= 0; u--)
    if (c->tiers[u].ptype == c->tiers[t].ptype) return u;
  return -1;
}

static int granted_tier(struct ref_ctx *x, int p);

/* 8.9: the tier the grants give the record, worked out once. */
static int grants_give(struct ref_refs *r) {
  if (!r->granted_known) {
    r->granted = granted_tier(r->at_asof, r->ptype);
    r->granted_known = true;
  }
  return r->granted;
}

/* Block b's time clause tc (8.4) at the evaluation date, `today` saying
 * whether what it asks holds there: r->decided[b] and r->time_met[b]. */
static void work_out_clause(struct ref_refs *r, int b, const struct node *tc, bool today, const struct clause_of *w) {
  r->decided[b] = OC_NONE;
  r->time_met[b] = true;
  if (!tc) return;
  r->decided[b] = decide(r->at_asof, tc, today, w);
  r->time_met[b] = (r->decided[b] == OC_NONE) == (tc->op == SUSTAINED);
}

/* `meets b`: block b's own statements hold (no lower tiers, no time
 * clause); never for a tier of another partner type. */
static bool meets_block(struct ref_refs *r, int b) {
  const struct comp *c = r->at_asof->c;
  if (!(r->known[b] & KNOWN_MEETS)) {
    const struct s_tier *B = b < c->ntiers ? &c->tiers[b] : &c->badges[b - c->ntiers];
    r->meets[b] = (b >= c->ntiers || B->ptype == r->ptype) && block_holds(r->at_asof, B);
    r->known[b] |= KNOWN_MEETS;
  }
  return r->meets[b];
}

/* `holds t` of tier t (8.2 cumulative tiers, 8.4 time clauses, 8.9
 * grants): earned when every lower tier is and its statements hold, or,
 * with a time clause, when its and the lower tiers' statements hold at
 * every checkpoint (sustained) or at one (at any); held when earned or
 * when a grant gives it or a higher tier.  A tier of another partner type
 * is not held. */
static void work_out_tier(struct ref_refs *r, int t) {
  const struct comp *c = r->at_asof->c;
  const struct s_tier *T = &c->tiers[t];
  int u = tier_below(c, t);
  if (u >= 0) ref_reference(r->at_asof, u, false); /* the lower ones first */
  r->decided[t] = OC_NONE;
  r->time_met[t] = true;
  if (T->ptype != r->ptype) return; /* holds, earned: false */
  r->rules_below[t] = meets_block(r, t) && (u < 0 || r->rules_below[u]);
  struct clause_of w = {r->ptype, t, NULL};
  work_out_clause(r, t, T->time, r->rules_below[t], &w);
  r->earned[t] = (T->time ? r->time_met[t] : r->meets[t]) && (u < 0 || r->earned[u]);
  r->holds[t] = r->earned[t] || grants_give(r) >= t; /* a type's tiers are in ladder order */
}

/* `holds b` of badge b: held (its time clause too). */
static void work_out_badge(struct ref_refs *r, int b) {
  const struct s_tier *B = &r->at_asof->c->badges[b - r->at_asof->c->ntiers];
  struct clause_of w = {-1, -1, B};
  work_out_clause(r, b, B->time, meets_block(r, b), &w);
  r->holds[b] = B->time ? r->time_met[b] : r->meets[b];
}

/* 8.8: `meets b` or `holds b` of block b.  A reference keeps its
 * evaluation-date value at every checkpoint, so each is worked out once,
 * at that date, when first asked (references form no cycle: `meets`
 * needs the block's statements only, `holds` of a tier the lower tiers'
 * results and the grants too). */
bool ref_reference(struct ref_ctx *x, int b, bool meets) {
  struct ref_refs *r = x->refs;
  if (meets) return meets_block(r, b);
  if (!(r->known[b] & KNOWN_HOLDS)) {
    if (b < x->c->ntiers) work_out_tier(r, b);
    else work_out_badge(r, b);
    r->known[b] |= KNOWN_HOLDS;
  }
  return r->holds[b];
}

/* ---- the gap of references (8.8) ----------------------------------------------------------- */

#define REF_NEEDS_DEPTH 4 /* blocks described, references inside references (8.8) */
#define REF_NEEDS_LEAVES 64

/* Is e references joined by `and` (`holds A and meets B`)? */
static bool refs_only(const struct node *e) {
  while (e->kind == N_CONV) e = e->a;
  if (e->kind == N_HOLDS) return true;
  return e->kind == N_BIN && e->op == B_AND && refs_only(e->a) && refs_only(e->b);
}

/* Cut n bytes of text p back to a character boundary. */
static size_t char_cut(const char *p, size_t n) {
  while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80) n--;
  return n;
}

/* Say one more sentence of s; false once it is full. */
static bool sentence(struct sentences *s, const char *text) {
  size_t n = strlen(text), sep = s->n ? 2 : 0;
  if (s->full || s->n == NEED_SENTENCES) return false;
  if (s->at + sep + n >= sizeof s->text) {
    s->full = true;
    if (s->n == 0) { /* a first sentence is cut to fit */
      s->at = char_cut(text, sizeof s->text - 1);
      memcpy(s->text, text, s->at);
      s->text[s->at] = 0;
    }
    return false;
  }
  for (int i = 0; i < s->n; i++)
    if (s->len[i] == n && !memcmp(s->text + s->start[i], text, n)) return true; /* said once */
  memcpy(s->text + s->at, "; ", sep);
  s->start[s->n] = s->at + sep;
  s->len[s->n++] = n;
  memcpy(s->text + s->at + sep, text, n + 1);
  s->at += sep + n;
  return true;
}

/* Append text to a list of out (size bytes, *at used): what does not fit
 * is cut at a character boundary and ends the list. */
static bool list_add(char *out, size_t size, size_t *at, bool *cut, const char *text) {
  size_t n = strlen(text);
  if (*cut) return false;
  if (*at + n >= size) {
    *cut = true;
    n = char_cut(text, size - 1 - *at);
  }
  memcpy(out + *at, text, n);
  out[ *at += n] = 0;
  return !*cut;
}

/* A badge's own failing needs, listed: "A, C". */
struct need_list {
  char text[NEED_ROOM];
  size_t at;
  bool cut;
};

/* The needs of item i of t, failing, on the way its smallest change takes
 * (an either's cheapest branch, an at least's cheapest statements): the
 * block's own requirements into own (refs false), or what the blocks named
 * by its requirements that are references need, as sentences of out (refs
 * true).  Whether it met a failing requirement of that kind, said or not
 * (it may not fit). */
static bool failing_needs(struct ref_ctx *x, const struct items *t, int i, const struct outcome *tmp, bool refs, int depth,
                          struct need_list *own, struct sentences *out) {
  const struct item *it = &t->v[i];
  if (it->held) return false;
  if (it->n->kind == I_REQ) {
    if (refs_only(it->n->a) != refs) return false;
    if (x->refs->leaves_left == 0) return true;
    x->refs->leaves_left--;
    struct sentences inner = {0};
    if (refs && depth + 1 < REF_NEEDS_DEPTH) ref_needs(x, it->n->a, depth + 1, &inner);
    const struct oc_entry *e = &tmp->explain[it->entry];
    const char *need = e->need && *e->need ? e->need : e->rule;
    if (!refs) {
      if (!own->at || list_add(own->text, sizeof own->text, &own->at, &own->cut, ", "))
        list_add(own->text, sizeof own->text, &own->at, &own->cut, need);
    } else if (inner.n == 0) {
      sentence(out, inner.at ? inner.text : need); /* a cut first sentence is said as it is */
    } else {
      for (int k = 0; k < inner.n; k++) {
        char one[NEED_ROOM];
        snprintf(one, sizeof one, "%.*s", (int)inner.len[k], inner.text + inner.start[k]);
        if (!sentence(out, one)) break;
      }
    }
    return true;
  }
  bool found = false;
  for (int k = 0; k < it->nkids; k++)
    if (it->n->kind == I_BRANCH || t->v[it->kids[k]].picked)
      found = failing_needs(x, t, it->kids[k], tmp, refs, depth, own, out) || found;
  return found;
}

/* What block b (a tier or a badge) still needs for `holds` (its
 * statements and its time clause) or `meets` (its statements), as
 * sentences of out: "B needs A, C", then what the blocks its own
 * references name need ("D needs E"); a tier whose own statements hold
 * (and time clause, for holds) is "met, but not the tiers below it". */
static void block_needs(struct ref_ctx *x, int b, bool holds, int depth, struct sentences *out) {
  const struct comp *c = x->c;
  bool tier = b < c->ntiers;
  const struct s_tier *B = tier ? &c->tiers[b] : &c->badges[b - c->ntiers];
  struct ref_ctx cx = *x->refs->at_asof;
  cx.ref_depth = -1; /* its entries' own needs: references are described below, in order */
  struct outcome tmp = {0};
  struct items t = {0};
  block_items(&cx, B, &t, &tmp);
  struct need_list own = {0};
  for (int i = 0; i < t.n; i++)
    if (t.v[i].top) failing_needs(x, &t, i, &tmp, false, depth, &own, out);
  if (holds && B->time && !x->refs->time_met[b]) {
    char text[96];
    time_text(B->time, text, sizeof text);
    if (!own.at || list_add(own.text, sizeof own.text, &own.at, &own.cut, ", "))
      list_add(own.text, sizeof own.text, &own.at, &own.cut, text);
  }
  char one[NEED_ROOM + 128];
  if (own.at) {
    snprintf(one, sizeof one, "%s needs %s", B->n->name, own.text);
    sentence(out, one);
  }
  bool refs = false;
  for (int i = 0; i < t.n; i++)
    if (t.v[i].top) refs = failing_needs(x, &t, i, &tmp, true, depth, &own, out) || refs;
  if (!own.at && !refs && tier) {
    snprintf(one, sizeof one, "%s is met, but not the tiers below it", B->n->name);
    sentence(out, one);
  }
  items_free(&t);
  oc_free(&tmp);
}

/* The references of e in the order written, each once (`holds B and
 * holds B` is one reference, as the VM's meaning of the rule has it). */
static void each_ref(const struct node *e, const struct node **refs, int *n) {
  while (e->kind == N_CONV) e = e->a;
  if (e->kind == N_HOLDS) {
    for (int i = 0; i < *n; i++)
      if (refs[i]->index == e->index && refs[i]->op == e->op) return;
    if (*n < 64) refs[(*n)++] = e;
    return;
  }
  each_ref(e->a, refs, n);
  each_ref(e->b, refs, n);
}

/* 8.8: the gap of requirement e when it is references joined by `and`:
 * for each one that does not hold, what its block still needs; nothing
 * for any other rule, which keeps "must hold: RULE". */
static void ref_needs(struct ref_ctx *x, const struct node *e, int depth, struct sentences *out) {
  if (!refs_only(e)) return;
  if (depth == 0) x->refs->leaves_left = REF_NEEDS_LEAVES;
  const struct node *refs[64];
  int n = 0;
  each_ref(e, refs, &n);
  const struct comp *c = x->c;
  for (int i = 0; i < n; i++) {
    int b = refs[i]->index;
    bool holds = refs[i]->op == 0;
    if (ref_reference(x, b, !holds)) continue;
    if (b >= c->ntiers) {
      block_needs(x, b, holds, depth, out);
    } else if (c->tiers[b].ptype != x->refs->ptype) { /* needs a record of its type */
      const struct s_enum *e = &c->enums[c->fields[c->partner_field].ty.ref];
      char one[NEED_ROOM];
      snprintf(one, sizeof one, "%s is a tier of partner type %s, not %s", c->tiers[b].n->name, e->vals[c->tiers[b].ptype],
               x->refs->ptype >= 0 ? e->vals[x->refs->ptype] : "(none)");
      sentence(out, one);
    } else if (holds) { /* each tier of its ladder up to it that is not held */
      for (int t = 0; t <= b; t++)
        if (c->tiers[t].ptype == c->tiers[b].ptype && !ref_reference(x, t, false)) block_needs(x, t, true, depth, out);
    } else {
      block_needs(x, b, false, depth, out);
    }
  }
}

/* 8.7: every badge, for every record: its own requirements at asof into
 * the explanation (after the tiers'), its time clause checked as a
 * tier's for the badge's own requirements; held ones named in
 * out->badges, in the order written, and the failing entries of the others
 * in out->badge_unmet. */
static void eval_badges(struct ref_ctx *x, struct outcome *out) {
  const struct comp *c = x->c;
  char held_names[4096] = "";
  for (int k = 0; k < c->nbadges; k++) {
    const struct s_tier *B = &c->badges[k];
    struct items t = {0};
    block_items(x, B, &t, out);
    bool held = ref_reference(x, c->ntiers + k, false); /* work_out_badge */
    struct oc_entry *tc = NULL;
    if (B->time) {
      tc = oc_add(&out->explain, &out->nexplain);
      fill_time(B, B->time, x->asof, x->refs->decided[c->ntiers + k], tc);
    }
    if (held) {
      size_t n = strlen(held_names);
      snprintf(held_names + n, sizeof held_names - n, "%s%s", n ? "," : "", B->n->name);
    } else {
      block_unmet(&t, out, &out->badge_unmet, &out->nbadge_unmet);
      if (tc && !tc->met) oc_copy_entry(oc_add(&out->badge_unmet, &out->nbadge_unmet), tc);
    }
    items_free(&t);
  }
  out->badges = oc_strdup(held_names);
}

/* 8.9: the highest tier the grants give a record of partner type p at
 * asof, or -1.  A tier's grant gives its tier, to records of its type for
 * which its condition holds (no condition: to every one); a tier value's
 * grant gives the tier its value holds (none gives nothing; a record's
 * tier values are of its own type). */
static int granted_tier(struct ref_ctx *x, int p) {
  const struct comp *c = x->c;
  int best = -1;
  struct val v;
  val_init(&v);
  for (int k = 0; k < c->ngrants; k++) {
    const struct node *g = c->grants[k];
    if (!g->op && c->tiers[g->index].ptype != p) continue; /* another type's: not for this record */
    if (g->b) {
      ref_eval_expr(x, g->b, &v);
      if (!val_true(&v)) continue;
    }
    int t = g->index;
    if (g->op) {
      ref_eval_expr(x, g->a, &v);
      t = v.none ? -1 : (int)v.i;
    }
    if (t > best) best = t;
  }
  val_clear(&v);
  return best;
}

/* The evaluation date (9): the override, else the review rule, else today. */
static bool find_asof(struct ref_ctx *x, int64_t asof, struct outcome *out) {
  if (asof != OC_NONE) {
    x->asof = asof;
    return true;
  }
  if (!x->c->review) {
    x->asof = ref_today();
    return true;
  }
  struct val d;
  val_init(&d);
  ref_eval_expr(x, x->c->review->a, &d);
  bool ok = !d.none;
  x->asof = d.i;
  val_clear(&d);
  if (!ok) {
    out->status = OC_RECORD;
    out->error = oc_strdup("the review rule gives no date for this record");
  }
  return ok;
}

void ref_eval(struct ref_rules *R, const char *json, size_t len, int64_t asof, struct outcome *out) {
  const struct comp *c = &R->c;
  memset(out, 0, sizeof *out);
  out->status = OC_OK;
  struct ref_rec rec;
  if (ref_read_record(R, json, len, &rec, out)) {
    ref_record_free(R, &rec);
    return;
  }
  struct ref_ctx x = {.R = R, .c = c, .rec = &rec, .out = out};
  if (c->id_field >= 0) {
    const struct val *id = &rec.top[c->fields[c->id_field].slot];
    if (!id->none) {
      out->id = malloc(id->n + 1);
      if (!out->id) exit(2);
      memcpy(out->id, id->s, id->n);
      out->id[id->n] = 0;
    }
  }
  int p = -1;
  if (c->partner_field >= 0) {
    p = (int)rec.top[c->fields[c->partner_field].slot].i;
    out->type = oc_strdup(c->enums[c->fields[c->partner_field].ty.ref].vals[p]);
  }
  if (!find_asof(&x, asof, out)) {
    ref_record_free(R, &rec);
    return;
  }
  out->asof = x.asof;
  ref_metrics_begin(&x);
  size_t nb = (size_t)c->ntiers + (size_t)c->nbadges + 1;
  struct ref_refs refs = {.at_asof = &x, .ptype = p};
  refs.known = calloc(nb, 1);
  refs.meets = calloc(nb, sizeof(bool));
  refs.holds = calloc(nb, sizeof(bool));
  refs.time_met = calloc(nb, sizeof(bool));
  refs.decided = calloc(nb, sizeof(int64_t));
  refs.rules_below = calloc(nb, sizeof(bool));
  refs.earned = calloc(nb, sizeof(bool));
  if (!refs.known || !refs.meets || !refs.holds || !refs.time_met || !refs.decided || !refs.rules_below || !refs.earned) exit(2);
  x.refs = &refs;

  /* every requirement of every tier of the record's type, at asof */
  int nt = c->ntiers;
  struct items *items = calloc((size_t)nt + 1, sizeof *items);
  size_t *time_at = calloc((size_t)nt + 1, sizeof *time_at); /* the time clause's entry */
  if (!items || !time_at) exit(2);
  for (int t = 0; t < nt; t++) {
    if (c->tiers[t].ptype != p) continue;
    /* sema has resolved each requirement's section into it (name2) */
    block_items(&x, &c->tiers[t], &items[t], out);
    time_at[t] = out->nexplain;
    if (c->tiers[t].time) oc_add(&out->explain, &out->nexplain); /* filled below */
  }

  /* the tier earned (work_out_tier), the highest of its ladder */
  const char *tier = NULL, *next = NULL;
  int earned = -1;
  for (int t = 0; t < nt; t++) {
    if (c->tiers[t].ptype != p) continue;
    ref_reference(&x, t, false);
    if (c->tiers[t].time) fill_time(&c->tiers[t], c->tiers[t].time, x.asof, refs.decided[t], &out->explain[time_at[t]]);
    if (refs.earned[t]) {
      tier = c->tiers[t].n->name;
      earned = t;
    } else if (!next) {
      next = c->tiers[t].n->name;
    }
  }
  /* 8.9: the higher of the earned tier and the granted ones; next is the
   * tier above it, and unmet its own requirements */
  int granted = grants_give(&refs);
  if (granted > earned) {
    out->granted = true;
    tier = c->tiers[granted].n->name;
    next = NULL;
    for (int t = granted + 1; t < nt && !next; t++)
      if (c->tiers[t].ptype == p) next = c->tiers[t].n->name;
  }
  out->tier = oc_strdup(tier);
  out->next = oc_strdup(next);

  /* unmet: the failing statements of `next`, then its time clause */
  for (int t = 0; out->next && t < nt; t++) {
    if (c->tiers[t].ptype != p || strcmp(c->tiers[t].n->name, out->next)) continue;
    block_unmet(&items[t], out, &out->unmet, &out->nunmet);
    if (c->tiers[t].time && !out->explain[time_at[t]].met)
      oc_copy_entry(oc_add(&out->unmet, &out->nunmet), &out->explain[time_at[t]]);
  }
  eval_badges(&x, out);
  for (int t = 0; t < nt; t++) items_free(&items[t]);
  free(items);
  free(time_at);
  free(refs.known);
  free(refs.meets);
  free(refs.holds);
  free(refs.time_met);
  free(refs.decided);
  free(refs.rules_below);
  free(refs.earned);
  ref_metrics_end(&x);
  ref_record_free(R, &rec);
}
