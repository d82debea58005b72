/*
 * lint.c - what `tierc check` refuses, or warns about, once the types are
 * known: rulesets that cannot be what their author meant.  Errors:
 *   - a ruleset that defines no tier (an empty file, only comments, or a
 *     file whose lines end with a lone CR, so that a comment runs on);
 * warnings (--Werror makes them errors):
 *   - tiers written out of order: a higher tier asking less than the one
 *     below it on every requirement they share (tiers rank as written);
 *   - a higher tier asking less than a lower one on the same metric;
 *   - a requirement repeating one of a lower tier unchanged (redundant,
 *     since tiers are cumulative);
 *   - a tier no record can reach (its requirements and those below it set
 *     bounds on one metric that cannot both hold, `n > 5; n < 6` on an
 *     int among them, or compare an enum past its first or last value);
 *   - a tier or badge with a requirement that never holds, whatever the
 *     record (`1 >= 2`, `false`);
 *   - two tiers in a row of one type that ask nothing (the lower is never
 *     the tier held), and a grant without `when` of a type's top tier
 *     (no other tier of the type is ever held);
 *   - `==`, `!=` or `in {...}` on a value that may be missing, which a
 *     missing value makes false (in tiers, badges, grants, metrics,
 *     formulas and the review rule; each comparison once).
 * (A metric no tier uses is reported by sema.)
 */
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "fmt.h"

/* A requirement of the form `value CMP constant`, normalised. */
struct bound {
  const struct node *req;   /* I_REQ */
  int tier, ptype;
  const char *name;         /* metric or field */
  int cmp;                  /* B_EQ .. B_GE, with the value on the left */
  bool is_f;                /* the constant is a number: compare q */
  bool whole;               /* the value takes whole steps of the constant's unit (int, date, enum) */
  int64_t i;
  struct num q;
  uint32_t nvals;        /* an enum value: its enum's number of values; else 0 */
  const char *enum_name; /* and its enum */
};

static const char *tier_name(const struct comp *c, int t) { return c->tiers[t].n->name; }

static bool as_bound(const struct comp *c, int t, const struct node *req, struct bound *b) {
  const struct node *e = req->a;
  memset(b, 0, sizeof *b);
  b->req = req;
  b->tier = t;
  b->ptype = c->tiers[t].ptype;
  if (e->kind == N_NAME && (e->ref == R_METRIC || e->ref == R_FIELD) && e->ty.kind == TY_BOOL) {
    b->name = e->name;
    b->cmp = B_EQ;
    b->i = 1;
    return true;
  }
  if (e->kind != N_BIN || e->op < B_EQ || e->op > B_GE) return false;
  const struct node *v = e->a, *k = e->b;
  int cmp = e->op;
  static const int flip[] = {0, 0, 0, 0, 0, B_EQ, B_NE, B_GT, B_GE, B_LT, B_LE};
  if (!(v->kind == N_NAME && (v->ref == R_METRIC || v->ref == R_FIELD))) {
    v = e->b;
    k = e->a;
    cmp = flip[cmp];
  }
  if (!(v->kind == N_NAME && (v->ref == R_METRIC || v->ref == R_FIELD))) return false;
  if (!(k->kind == N_INT || k->kind == N_DEC || k->kind == N_DATE || k->kind == N_BOOL ||
        (k->kind == N_NAME && k->ref == R_ENUMVAL)))
    return false;
  b->name = v->name;
  b->cmp = cmp;
  b->is_f = k->kind == N_DEC;
  b->i = k->ival;
  b->q = k->kind == N_DEC ? k->q : num_from_int(k->ival);
  b->whole = !b->is_f && (v->ty.kind == TY_INT || v->ty.kind == TY_DATE || v->ty.kind == TY_ENUM);
  if (v->ty.kind == TY_ENUM && v->ty.ref < c->nenums) {
    b->nvals = c->enums[v->ty.ref].nvals;
    b->enum_name = c->enums[v->ty.ref].name;
  }
  return true;
}

static int cmp_vals(const struct bound *a, const struct bound *b) {
  if (a->is_f || b->is_f) return num_cmp(a->q, b->q);
  return a->i < b->i ? -1 : a->i > b->i;
}

static unsigned line_of(const struct comp *c, const struct node *n) {
  unsigned line, col;
  diag_line_col(&c->dg.files[n->loc.file], n->loc.beg, &line, &col);
  return line;
}

static bool lower(int cmp) { return cmp == B_GE || cmp == B_GT; }
static bool upper(int cmp) { return cmp == B_LE || cmp == B_LT; }

/* Order bounds by partner type, value name, then tier: each (type, name)
 * group is then one run, lower tiers first, and the checks are linear.
 * (Everything the order needs is in the bound: no global, the compiler is
 * reentrant.) */
static int by_group(const void *x, const void *y) {
  const struct bound *a = x, *b = y;
  if (a->ptype != b->ptype) return a->ptype < b->ptype ? -1 : 1;
  int k = strcmp(a->name, b->name);
  if (k) return k;
  if (a->tier != b->tier) return a->tier < b->tier ? -1 : 1;
  return a->req->loc.beg < b->req->loc.beg ? -1 : a->req->loc.beg > b->req->loc.beg;
}

struct textreq { const struct node *req; int tier, ptype; const char *text; size_t len; };
static int by_text(const void *x, const void *y) {
  const struct textreq *a = x, *b = y;
  if (a->ptype != b->ptype) return a->ptype < b->ptype ? -1 : 1;
  if (a->len != b->len) return a->len < b->len ? -1 : 1;
  int k = memcmp(a->text, b->text, a->len);
  if (k) return k;
  return a->tier < b->tier ? -1 : a->tier > b->tier;
}

/* ---- tiers written out of order -------------------------------------------------- */

/* Is bound a stricter than bound b of the same direction?  >0 stricter, 0
 * the same, <0 weaker (at one value, `>` asks more than `>=`). */
static int strictness(const struct bound *a, const struct bound *b) {
  int d = cmp_vals(a, b);
  if (upper(a->cmp)) d = -d;
  if (d) return d;
  bool sa = a->cmp == B_GT || a->cmp == B_LT, sb = b->cmp == B_GT || b->cmp == B_LT;
  return sa - sb;
}

/* The strictest bound of direction `low` among bs[from, to) (one tier's run
 * of one value's group), or NULL. */
static const struct bound *strictest(const struct bound *bs, int from, int to, bool low) {
  const struct bound *best = NULL;
  for (int k = from; k < to; k++)
    if ((low ? lower(bs[k].cmp) : upper(bs[k].cmp)) && (!best || strictness(&bs[k], best) > 0)) best = &bs[k];
  return best;
}

/* How a tier compares with the tier written just below it (of its type,
 * with bounds of its own) on the values both bound. */
struct order { int below; int shared, less; struct buf names; };

/* A higher tier that asks less on every value it shares with the tier
 * written below it is most likely written in the wrong place: tiers rank in
 * the order they are written.  One warning on the tier says so; the
 * per-requirement warnings for that pair would only repeat it. */
static void order_checks(struct comp *c, const struct bound *bs, int nb, struct order *ord) {
  int *last = arena_alloc(&c->ar, sizeof(int) * (size_t)(c->ntiers + 1)); /* per type: last tier with bounds */
  bool *has = arena_alloc(&c->ar, sizeof(bool) * (size_t)(c->ntiers + 1));
  if (!last || !has) return;
  for (int k = 0; k < nb; k++) has[bs[k].tier] = true;
  for (int t = 0; t < c->ntiers; t++) last[t] = -1;
  for (int t = 0; t < c->ntiers; t++) {
    ord[t].below = -1;
    if (!has[t]) continue;
    int p = c->tiers[t].ptype;
    if (p >= 0 && p < c->ntiers) { ord[t].below = last[p]; last[p] = t; }
  }
  for (int g0 = 0; g0 < nb;) {
    int g1 = g0 + 1;
    while (g1 < nb && bs[g1].ptype == bs[g0].ptype && !strcmp(bs[g1].name, bs[g0].name)) g1++;
    /* runs of one tier within the group, lower tiers first */
    for (int a = g0, prev = -1; a < g1;) {
      int b = a + 1;
      while (b < g1 && bs[b].tier == bs[a].tier) b++;
      struct order *o = &ord[bs[a].tier];
      if (prev >= 0 && bs[prev].tier == o->below) {
        for (int low = 1; low >= 0; low--) {
          const struct bound *lo = strictest(bs, prev, a, low), *hi = strictest(bs, a, b, low);
          if (!lo || !hi) continue;
          o->shared++;
          if (strictness(hi, lo) < 0) o->less++;
          if (o->names.n < 200) buf_printf(&o->names, "%s%s", o->names.n ? ", " : "", hi->name);
        }
      }
      prev = a;
      a = b;
    }
    g0 = g1;
  }
  for (int t = 0; t < c->ntiers; t++) {
    struct order *o = &ord[t];
    if (o->shared && o->less == o->shared)
      diag_add(&c->dg, TIER_WARNING, &c->tiers[t].n->loc,
               _("tier %s asks less than %s, the tier written before it, on every requirement they share (%.*s); tiers rank "
               "in the order they are written, lowest first: should %s come before %s?"),
               tier_name(c, t), tier_name(c, o->below), (int)o->names.n, (const char *)o->names.p, tier_name(c, t),
               tier_name(c, o->below));
    buf_free(&o->names);
  }
}

/* Is the pair (lower tier lo, higher tier hi) one order_checks reported? */
static bool out_of_order(const struct order *ord, int lo, int hi) {
  return ord[hi].below == lo && ord[hi].shared && ord[hi].less == ord[hi].shared;
}

/* ---- bounds along each ladder ------------------------------------------------------- */

/* Whether requirements a and b are one written requirement: copies of a
 * requirements block's statement, inserted in two tiers.  Its author wrote
 * it once, for every tier the block serves, so it cannot go from the
 * higher tier alone: no "repeats" warning for such a pair (the insertion
 * may repeat: repeated_inserts). */
static bool one_source(const struct node *a, const struct node *b) {
  return a->loc.file == b->loc.file && a->loc.beg == b->loc.beg;
}

/* hi against the same requirement in the lower tiers of its (type, value)
 * group bs[g0 .. j): the nearest lower ones first, at most 64 back (a long
 * ladder needs no more).  Warns when a lower tier already asks the same
 * (it can go; not when both are one block's requirement) or more (the
 * lower tier's stricter bound applies). */
static void repeated_or_weaker(struct comp *c, const struct bound *bs, int g0, int j, const struct order *ord) {
  const struct bound *hi = &bs[j];
  for (int i = j - 1; i >= g0 && j - i <= 64; i--) {
    const struct bound *lo = &bs[i];
    if (lo->tier >= hi->tier) continue;
    if (lo->cmp == hi->cmp && cmp_vals(lo, hi) == 0) {
      if (one_source(lo->req, hi->req)) continue;
      diag_add(&c->dg, TIER_WARNING, &hi->req->a->loc,
               _("this repeats a requirement of the lower tier %s (line %u) unchanged; tiers are cumulative, so it can go"),
               tier_name(c, lo->tier), line_of(c, lo->req));
      return;
    }
    bool weaker = (lower(lo->cmp) && lower(hi->cmp) && cmp_vals(hi, lo) < 0) ||
                  (upper(lo->cmp) && upper(hi->cmp) && cmp_vals(hi, lo) > 0);
    if (weaker) {
      if (out_of_order(ord, lo->tier, hi->tier)) return;
      diag_add(&c->dg, TIER_WARNING, &hi->req->a->loc,
               _("%s asks less than the lower tier %s on %s (line %u); with cumulative tiers the stricter %s requirement applies"),
               tier_name(c, hi->tier), tier_name(c, lo->tier), hi->name, line_of(c, lo->req), tier_name(c, lo->tier));
      return;
    }
  }
}

/* The strictest lower and upper bounds of a group so far (lowest tier
 * first, so what a tier asks includes its lower tiers'): once hi makes
 * them contradict, no partner can reach hi's tier. */
struct strictest {
  const struct bound *lo, *up;
};

/* Can no value meet both lower bound lo and upper bound up?  Between two
 * whole values k and k + 1 (an int, a date, an enum's values) none lies:
 * `n > 5; n < 6`. */
static bool cannot_both_hold(const struct bound *lo, const struct bound *up) {
  int d = cmp_vals(lo, up);
  if (d > 0 || (d == 0 && (lo->cmp == B_GT || up->cmp == B_LT))) return true;
  return lo->whole && up->whole && lo->cmp == B_GT && up->cmp == B_LT && up->i - lo->i == 1;
}

/* `lvl > gold` where gold is its enum's last value, `lvl < bronze` where
 * bronze is its first: no value of the enum lies beyond its ends.  Said
 * once per tier, as the warning below is. */
static bool beyond_enum_end(struct comp *c, const struct bound *b, bool *unreachable) {
  bool past_last = b->cmp == B_GT && b->i >= (int64_t)b->nvals - 1, before_first = b->cmp == B_LT && b->i <= 0;
  if (!b->nvals || !(past_last || before_first) || unreachable[b->tier]) return false;
  const struct node *e = b->req->a;
  const struct srcfile *f = &c->dg.files[e->loc.file];
  const struct node *k = e->a->kind == N_NAME && e->a->ref == R_ENUMVAL ? e->a : e->b;
  diag_add(&c->dg, TIER_WARNING, &c->tiers[b->tier].n->loc,
           past_last ? _("no partner can reach tier %s: '%.*s' (line %u) can never hold: %s is the last value of enum %s")
                     : _("no partner can reach tier %s: '%.*s' (line %u) can never hold: %s is the first value of enum %s"),
           tier_name(c, b->tier), (int)(e->loc.end - e->loc.beg), f->text + e->loc.beg, line_of(c, b->req), k->name,
           b->enum_name);
  unreachable[b->tier] = true;
  return true;
}

static void unreachable_check(struct comp *c, const struct bound *hi, struct strictest *st, bool *unreachable) {
  beyond_enum_end(c, hi, unreachable);
  if (lower(hi->cmp) || hi->cmp == B_EQ) {
    if (!st->lo || cmp_vals(hi, st->lo) > 0 || (cmp_vals(hi, st->lo) == 0 && hi->cmp == B_GT)) st->lo = hi;
  }
  if (upper(hi->cmp) || hi->cmp == B_EQ) {
    if (!st->up || cmp_vals(hi, st->up) < 0 || (cmp_vals(hi, st->up) == 0 && hi->cmp == B_LT)) st->up = hi;
  }
  if (!st->lo || !st->up || st->lo == st->up || unreachable[hi->tier]) return;
  if (!cannot_both_hold(st->lo, st->up)) return;
  const struct bound *a = st->lo, *b = st->up;
  const struct srcfile *fa = &c->dg.files[a->req->a->loc.file], *fb = &c->dg.files[b->req->a->loc.file];
  diag_add(&c->dg, TIER_WARNING, &c->tiers[hi->tier].n->loc,
           _("no partner can reach tier %s: '%.*s' (line %u) and '%.*s' (line %u) cannot both hold"),
           tier_name(c, hi->tier), (int)(a->req->a->loc.end - a->req->a->loc.beg), fa->text + a->req->a->loc.beg,
           line_of(c, a->req), (int)(b->req->a->loc.end - b->req->a->loc.beg), fb->text + b->req->a->loc.beg,
           line_of(c, b->req));
  unreachable[hi->tier] = true;
}

/* The same text again in a higher tier of the same type (tx sorted by
 * type, text and tier), warned with msg (its arguments: the lower tier and
 * its line): for requirements that are not simple bounds, and for
 * insertions of requirements blocks.  A pair that is one written
 * requirement (one_source) is left to the insertions' check. */
static void repeated_text(struct comp *c, const struct textreq *tx, int nt, const char *msg) {
  for (int i = 1; i < nt; i++)
    if (tx[i].ptype == tx[i - 1].ptype && tx[i].len == tx[i - 1].len && !memcmp(tx[i].text, tx[i - 1].text, tx[i].len) &&
        tx[i].tier > tx[i - 1].tier && !one_source(tx[i].req, tx[i - 1].req))
      diag_add(&c->dg, TIER_WARNING, &tx[i].req->a->loc, msg, tier_name(c, tx[i - 1].tier), line_of(c, tx[i - 1].req));
}

/* Statement s of tier t (its rule or its block insertion, s->a) as
 * formatted, for repeated_text; false when out of memory (marked on the
 * arena). */
static bool text_req(struct comp *c, int t, const struct node *s, struct textreq *out) {
  struct buf b = {.hook = c->hook};
  int rc = fmt_expr_line(s->a, c->dg.files, &b);
  char *text = rc || b.failed ? NULL : arena_strndup(&c->ar, b.p ? (const char *)b.p : "", b.n);
  *out = (struct textreq){s, t, c->tiers[t].ptype, text, b.n};
  buf_free(&b);
  if (!text) c->ar.failed = true;
  return text != NULL;
}

/* A requirements block inserted again in a higher tier of the same ladder
 * with the same arguments: each of its requirements is one written
 * requirement, so it is the insertion, as written in the tier, that can
 * go.  Insertions inside `either` and `at least` are not repeats (a
 * branch or a group asks them on its own terms). */
static void repeated_inserts(struct comp *c) {
  int n = 0;
  for (int t = 0; t < c->ntiers; t++)
    for (const struct node *s = c->tiers[t].written; s; s = s->next) n += s->kind == I_INSERT && s->index >= 0;
  struct textreq *ins = n ? arena_alloc(&c->ar, sizeof *ins * (size_t)n) : NULL;
  if (!ins) return;
  int k = 0;
  for (int t = 0; t < c->ntiers; t++)
    for (const struct node *s = c->tiers[t].written; s; s = s->next)
      if (s->kind == I_INSERT && s->index >= 0 && !text_req(c, t, s, &ins[k++])) return;
  qsort(ins, (size_t)n, sizeof *ins, by_text);
  repeated_text(c, ins, n,
                _("this inserts the block again with the same arguments as the lower tier %s (line %u); tiers are "
                  "cumulative, so it can go"));
}

/* The tiers a grant can give, whatever their requirements (8.9): those
 * named by `grant T`, and every tier when a `grant VALUE` (any tier of its
 * type) is in the rules.  A warning that no partner can reach a tier is
 * wrong for them.  NULL when out of memory. */
static bool *grantable(struct comp *c) {
  bool *g = arena_alloc(&c->ar, sizeof *g * (size_t)(c->ntiers + 1));
  if (!g) return NULL;
  memset(g, 0, sizeof *g * (size_t)(c->ntiers + 1));
  for (int i = 0; i < c->ngrants; i++) {
    const struct node *n = c->grants[i];
    if (n->op) { /* a tier value: which tiers it gives is the record's */
      memset(g, 1, sizeof *g * (size_t)(c->ntiers + 1));
      break;
    }
    if (n->index >= 0 && n->index < c->ntiers) g[n->index] = true;
  }
  return g;
}

/* Bounds along each ladder: every requirement of the form `value OP
 * constant` goes in bs, grouped by (partner type, value) and lower tiers
 * first; the others go in tx, compared by their text: the rule as
 * compiled, not its source text (a requirements block inserted with other
 * arguments has one source and two rules). */
static void ladder_checks(struct comp *c) {
  int nreq = 0;
  for (int t = 0; t < c->ntiers; t++)
    for (struct node *s = c->tiers[t].n->list; s; s = s->next) nreq += s->kind == I_REQ;
  struct bound *bs = arena_alloc(&c->ar, sizeof *bs * (size_t)(nreq + 1));
  struct textreq *tx = arena_alloc(&c->ar, sizeof *tx * (size_t)(nreq + 1));
  bool *unreachable = grantable(c); /* a tier a grant gives is not said unreachable: marked as if said */
  struct order *ord = arena_alloc(&c->ar, sizeof *ord * (size_t)(c->ntiers + 1));
  if (!bs || !tx || !unreachable || !ord) return;
  int nb = 0, nt = 0;
  for (int t = 0; t < c->ntiers; t++)
    for (struct node *s = c->tiers[t].n->list; s; s = s->next) {
      if (s->kind != I_REQ || !s->a) continue;
      if (as_bound(c, t, s, &bs[nb])) nb++;
      else if (!text_req(c, t, s, &tx[nt++])) return;
    }
  qsort(bs, (size_t)nb, sizeof *bs, by_group);
  qsort(tx, (size_t)nt, sizeof *tx, by_text);
  for (int t = 0; t < c->ntiers; t++) ord[t].names.hook = c->hook;
  order_checks(c, bs, nb, ord);
  for (int g0 = 0; g0 < nb;) {
    int g1 = g0 + 1;
    while (g1 < nb && c->tiers[bs[g1].tier].ptype == c->tiers[bs[g0].tier].ptype && !strcmp(bs[g1].name, bs[g0].name)) g1++;
    struct strictest st = {NULL, NULL};
    for (int j = g0; j < g1; j++) {
      repeated_or_weaker(c, bs, g0, j, ord);
      unreachable_check(c, &bs[j], &st, unreachable);
    }
    g0 = g1;
  }
  repeated_text(c, tx, nt,
                _("this repeats a requirement of the lower tier %s (line %u) unchanged; tiers are cumulative, so it can go"));
  repeated_inserts(c);
}

/* ---- == and != on a value that may be missing --------------------------------------- */

/* The optional value a comparison side names (through a conversion), or NULL. */
static const struct node *optional_name(const struct node *n) {
  while (n && n->kind == N_CONV) n = n->a;
  return n && n->kind == N_NAME && n->ty.opt && n->ref != R_ENUMVAL ? n : NULL;
}

/* Does n test whether `name` is missing (`name is none`, neg: `is not none`)? */
static bool tests_none(const struct node *n, const char *name, bool neg) {
  const struct node *v = n && n->kind == N_ISNONE && n->neg == neg ? optional_name(n->a) : NULL;
  return v && !strcmp(v->name, name);
}

/* Is `name` already said to be present, or its absence handled, where n
 * stands?  guards[] are the conditions that hold or fail on the way. */
struct guard { const struct node *test; bool holds; };

/* The walk of the whole ruleset: the guards on the way, and the comparisons
 * already warned about, by where they are written (a block's requirement
 * is walked once per tier it is inserted in, a formula's body once per
 * call), so that each is said once. */
struct optwalk {
  struct guard *gs;
  uint64_t *seen; /* file << 32 | offset, 0 for a free slot; open addressing */
  uint32_t cap, n;
};

/* True the first time the comparison at l is seen (and when memory runs
 * out: a warning said twice is better than one not said). */
static bool first_seen(struct comp *c, struct optwalk *w, const struct loc *l) {
  uint64_t key = ((uint64_t)l->file << 32 | l->beg) + 1;
  if (2 * (w->n + 1) > w->cap) { /* grow, keeping the table at most half full */
    uint32_t ncap = w->cap ? 2 * w->cap : 64;
    uint64_t *t = arena_alloc(&c->ar, sizeof *t * ncap);
    if (!t) return true;
    for (uint32_t i = 0; i < w->cap; i++) {
      if (!w->seen[i]) continue;
      uint32_t k = (uint32_t)(w->seen[i] * 0x9E3779B97F4A7C15u >> 32) & (ncap - 1);
      while (t[k]) k = (k + 1) & (ncap - 1);
      t[k] = w->seen[i];
    }
    w->seen = t;
    w->cap = ncap;
  }
  uint32_t k = (uint32_t)(key * 0x9E3779B97F4A7C15u >> 32) & (w->cap - 1);
  for (; w->seen[k]; k = (k + 1) & (w->cap - 1))
    if (w->seen[k] == key) return false;
  w->seen[k] = key;
  w->n++;
  return true;
}

static bool guarded(const struct guard *gs, int ng, const char *name) {
  for (int i = 0; i < ng; i++)
    if (tests_none(gs[i].test, name, gs[i].holds) || tests_none(gs[i].test, name, !gs[i].holds)) return true;
  return false;
}

/* Is v, or the argument a formula's parameter v stands for, guarded? */
static bool guarded_value(const struct guard *gs, int ng, const struct node *v) {
  if (guarded(gs, ng, v->name)) return true;
  const struct node *arg = v->ref == R_ARG ? optional_name(v->def) : NULL;
  return arg && guarded(gs, ng, arg->name);
}

/* `x == v`, `x != v` or `x in {...}` where x may be missing: a missing x
 * makes each false, which for `!=` is seldom meant.  Not when the
 * expression first says what a missing x means (`x is none or ...`, `x is
 * not none and ...`, `if x is none then ... else ...`).  Depth is bounded
 * by LIM_DEPTH. */
static void warn_optional_eq(struct comp *c, const struct node *n, struct optwalk *w, int ng) {
  if ((n->kind == N_BIN && (n->op == B_EQ || n->op == B_NE)) || n->kind == N_IN) {
    const struct node *v = optional_name(n->a);
    if (!v && n->kind == N_BIN) v = optional_name(n->b);
    if (v && !guarded_value(w->gs, ng, v) && first_seen(c, w, &n->loc)) {
      const struct srcfile *f = &c->dg.files[n->loc.file];
      int len = (int)(n->loc.end - n->loc.beg);
      const char *text = f->text + n->loc.beg;
      if (n->kind == N_BIN && n->op == B_NE)
        diag_add(&c->dg, TIER_WARNING, &n->loc,
                 _("when %s is missing, '%.*s' is false (a missing value is neither equal nor unequal); if a missing %s "
                 "should count, write '%s is none or %.*s'"),
                 v->name, len, text, v->name, v->name, len, text);
      else
        diag_add(&c->dg, TIER_WARNING, &n->loc,
                 _("when %s is missing, '%.*s' is false; if that is meant, say so: '%s is not none and %.*s'"), v->name, len,
                 text, v->name, len, text);
    }
  }
}

/* The left operand of `and` guards its right one (`x is not none and x == 1`),
 * and so does that of `or` (`x is none or x != 1`). */
static bool guards_right(const struct node *n, int ng) {
  return n->kind == N_BIN && (n->op == B_AND || n->op == B_OR) && ng < LIM_DEPTH * 2;
}

/* Every node of n: its own check first, then its operands in order.  A
 * chain (ast.c) is walked with loops, in that same order: each link's
 * check from the top, the first operand, then each link's right operand. */
static void optional_eq(struct comp *c, const struct node *n, struct optwalk *w, int ng) {
  if (!n) return;
  struct guard *gs = w->gs;
  if (n->kind == N_BIN) {
    size_t k;
    struct node **s = ast_spine(&c->ar, n, &k);
    if (!s) return;
    for (size_t i = 0; i < k; i++) warn_optional_eq(c, s[i], w, ng);
    optional_eq(c, s[k - 1]->a, w, ng);
    for (size_t i = k; i-- > 0;) {
      bool g = guards_right(s[i], ng);
      if (g) gs[ng] = (struct guard){s[i]->a, s[i]->op == B_AND};
      optional_eq(c, s[i]->b, w, ng + g);
    }
    return;
  }
  warn_optional_eq(c, n, w, ng);
  optional_eq(c, n->a, w, ng);
  optional_eq(c, n->b, w, ng);
  bool guards_else = n->kind == N_IF && ng < LIM_DEPTH * 2;
  if (guards_else) gs[ng] = (struct guard){n->a, false};
  optional_eq(c, n->c, w, ng + guards_else);
  if (n->kind == N_CALL) {
    for (const struct node *a = n->list; a; a = a->next) optional_eq(c, a, w, ng);
    if (n->ref == R_FORMULA) optional_eq(c, n->def, w, ng); /* the body, its parameters bound */
  }
}

/* The requirements of a tier or badge, inside `either` and `at least` too. */
static void optional_eq_stmts(struct comp *c, const struct node *s, struct optwalk *w) {
  for (; s; s = s->next) {
    if (s->kind == I_REQ) optional_eq(c, s->a, w, 0);
    else if (s->kind == I_EITHER || s->kind == I_BRANCH || s->kind == I_ATLEAST) optional_eq_stmts(c, s->list, w);
  }
}

static void optional_eq_all(struct comp *c) {
  struct optwalk w = {arena_alloc(&c->ar, sizeof *w.gs * (LIM_DEPTH * 2 + 1)), NULL, 0, 0};
  if (!w.gs) return;
  if (c->review) optional_eq(c, c->review->a, &w, 0);
  for (int m = 0; m < c->nmetrics; m++) optional_eq(c, c->metrics[m].n->a, &w, 0);
  for (int t = 0; t < c->ntiers; t++) optional_eq_stmts(c, c->tiers[t].n->list, &w);
  for (int b = 0; b < c->nbadges; b++) optional_eq_stmts(c, c->badges[b].n->list, &w);
  for (int g = 0; g < c->ngrants; g++) optional_eq(c, c->grants[g]->b, &w, 0);
}

/* ---- rulesets without a tier ------------------------------------------------------- */

/* A comment ends at a line feed; in a file whose lines end with a lone CR
 * it runs on over what the author saw as the next lines, silently.  One
 * error per file, at the first such comment. */
static void lone_cr_comments(struct comp *c) {
  for (uint32_t fi = 0; fi < c->dg.nfiles; fi++) {
    const struct srcfile *f = &c->dg.files[fi];
    bool str = false;
    for (size_t i = 0; i < f->len; i++) {
      char ch = f->text[i];
      if (str) {
        if (ch == '\\') i++;
        else if (ch == '"' || ch == '\n') str = false;
        continue;
      }
      if (ch == '"') { str = true; continue; }
      if (ch != '#') continue;
      size_t e = i;
      bool cr = false, more = false;
      for (; e < f->len && f->text[e] != '\n'; e++) {
        if (f->text[e] == '\r') cr = true;
        else if (cr && f->text[e] != ' ' && f->text[e] != '\t') more = true;
      }
      if (more) {
        struct loc l = {fi, (uint32_t)i, (uint32_t)i + 1};
        diag_add(&c->dg, TIER_ERROR, &l,
                 _("this comment runs on past a carriage return: lines end with a line feed (LF or CRLF), and this file "
                 "ends them with CR alone, so the text after it is part of the comment; convert the line ends to LF"));
        break;
      }
      i = e;
    }
  }
}

/* A ruleset that defines no tier (and no badge) gives every partner none:
 * never what its author meant.  Say why the file came out that way when it
 * can be told. */
static void no_tier(struct comp *c) {
  if (c->ntiers > 0 || c->nbadges > 0 || c->dg.nfiles == 0) return;
  const struct srcfile *f = &c->dg.files[0];
  const char *why = _("a file of schema or metrics alone is checked through a ruleset that imports it");
  if (!c->items) {
    why = _("it holds only comments");
    size_t i = 0;
    while (i < f->len && (f->text[i] == ' ' || f->text[i] == '\t' || f->text[i] == '\n' || f->text[i] == '\r')) i++;
    if (i == f->len) why = _("the file is empty");
  }
  struct loc l = {0, 0, 0};
  diag_add(&c->dg, TIER_ERROR, &l, _("the ruleset defines no tier and no badge, so no partner could hold one: %s"), why);
}

/* ---- tiers that say nothing, or cannot be held ------------------------------------ */

/* A literal of a comparison (through a const): its value in *q, its
 * class in *cls (0 a number, 1 a date, 2 a bool); false for anything that
 * varies by record. */
static bool literal_value(const struct node *n, struct num *q, int *cls) {
  n = ast_literal(n);
  if (n->kind == N_INT || n->kind == N_DEC) *cls = 0;
  else if (n->kind == N_DATE) *cls = 1;
  else if (n->kind == N_BOOL) *cls = 2;
  else return false;
  *q = n->kind == N_DEC ? n->q : num_from_int(n->ival);
  return true;
}

/* Is requirement e false whatever the record: `false`, or a comparison of
 * two literals that does not hold (`1 >= 2`)? */
static bool never_holds(const struct node *e) {
  struct num a, b;
  int ca, cb;
  e = ast_literal(e);
  if (e->kind == N_BOOL) return e->ival == 0;
  if (e->kind != N_BIN || e->op < B_EQ || e->op > B_GE || e->a->ty.kind == TY_MONEY || e->b->ty.kind == TY_MONEY) return false;
  if (!literal_value(e->a, &a, &ca) || !literal_value(e->b, &b, &cb) || ca != cb) return false;
  int d = num_cmp(a, b);
  switch (e->op) {
  case B_EQ: return d != 0;
  case B_NE: return d == 0;
  case B_LT: return d >= 0;
  case B_LE: return d > 0;
  case B_GT: return d <= 0;
  default: return d < 0; /* B_GE */
  }
}

/* The first requirement of block T that never holds (never_holds), NULL
 * when none. */
static const struct node *never_req(const struct s_tier *T) {
  for (const struct node *s = T->n->list; s; s = s->next)
    if (s->kind == I_REQ && s->a && never_holds(s->a)) return s;
  return NULL;
}

/* A badge with a requirement that never holds is never held. */
static void never_held(struct comp *c, const struct s_tier *T) {
  const struct node *s = never_req(T);
  if (!s) return;
  const struct node *e = s->a;
  const struct srcfile *f = &c->dg.files[e->loc.file];
  diag_add(&c->dg, TIER_WARNING, &T->n->loc, _("no partner can hold badge %s: '%.*s' (line %u) never holds, whatever the record"),
           T->n->name, (int)(e->loc.end - e->loc.beg), f->text + e->loc.beg, line_of(c, s));
}

/* One ladder's warning: tier t is the first whose requirement s never
 * holds; shown the first tier from t up that no grant gives (-1: none),
 * others the rest of them (more, ", "-separated). */
static void never_reached_say(struct comp *c, int t, const struct node *s, int shown, const struct buf *others, int more) {
  const struct node *e = s->a;
  const struct srcfile *f = &c->dg.files[e->loc.file];
  int len = (int)(e->loc.end - e->loc.beg);
  const char *text = f->text + e->loc.beg, *nor = others->p ? (const char *)others->p : "";
  if (shown < 0) return;
  if (shown == t && !more)
    diag_add(&c->dg, TIER_WARNING, &c->tiers[t].n->loc,
             _("no partner can reach tier %s: '%.*s' (line %u) never holds, whatever the record"), tier_name(c, t), len, text,
             line_of(c, s));
  else if (shown == t)
    diag_add(&c->dg, TIER_WARNING, &c->tiers[t].n->loc,
             _("no partner can reach tier %s, nor %s above it: '%.*s' (line %u) never holds, whatever the record"),
             tier_name(c, t), nor, len, text, line_of(c, s));
  else
    diag_add(&c->dg, TIER_WARNING, &c->tiers[shown].n->loc,
             _("no partner can reach tier %s%s%s: %s below it asks '%.*s' (line %u), which never holds, whatever the record "
               "(only a grant gives %s)"),
             tier_name(c, shown), more ? _(", nor ") : "", nor, tier_name(c, t), len, text, line_of(c, s), tier_name(c, t));
}

/* A tier with a requirement that never holds is never earned, nor is any
 * tier above it (a ladder is climbed in order); a grant gives a tier
 * whatever its requirements, so the tiers a grant can give are not named,
 * and a `grant VALUE` (any tier of its type) silences them all.  Said once
 * per ladder; linear: one pass to find each ladder's first such tier, one
 * to name the tiers from it up. */
static void never_reached(struct comp *c) {
  int np = 1;
  for (int t = 0; t < c->ntiers; t++)
    if (c->tiers[t].ptype >= np) np = c->tiers[t].ptype + 1;
  bool *granted = grantable(c);
  int *bad = arena_alloc(&c->ar, sizeof *bad * (size_t)np), *shown = arena_alloc(&c->ar, sizeof *shown * (size_t)np),
      *more = arena_alloc(&c->ar, sizeof *more * (size_t)np);
  struct buf *others = arena_alloc(&c->ar, sizeof *others * (size_t)np);
  if (!granted || !bad || !shown || !more || !others) return;
  for (int p = 0; p < np; p++) bad[p] = shown[p] = -1, more[p] = 0, others[p] = (struct buf){.hook = c->hook};
  for (int t = 0; t < c->ntiers; t++) {
    int p = c->tiers[t].ptype;
    if (p < 0) continue;
    if (bad[p] < 0 && never_req(&c->tiers[t])) bad[p] = t;
    if (bad[p] < 0 || granted[t]) continue;
    if (shown[p] < 0) shown[p] = t;
    else buf_printf(&others[p], "%s%s", more[p]++ ? _(", ") : "", tier_name(c, t));
  }
  for (int p = 0; p < np; p++) {
    buf_u8(&others[p], 0);
    if (bad[p] >= 0) never_reached_say(c, bad[p], never_req(&c->tiers[bad[p]]), shown[p], &others[p], more[p]);
    buf_free(&others[p]);
  }
}

/* Does tier T ask nothing: no requirement and no time clause? */
static bool asks_nothing(const struct s_tier *T) { return !T->n->list && !T->time; }

/* Per ladder: two tiers in a row that ask nothing (every partner of the
 * type holds the higher, so none is ever at the lower), and a grant
 * without `when` of its top tier (every partner holds it, so none is
 * ever at another).  Per partner type: its highest tier so far (top, -1
 * for none) and how many it has. */
static void ladder_shape(struct comp *c) {
  int ntypes = 0;
  for (int t = 0; t < c->ntiers; t++)
    if (c->tiers[t].ptype >= ntypes) ntypes = c->tiers[t].ptype + 1;
  int *top = arena_alloc(&c->ar, sizeof *top * (size_t)(ntypes + 1)),
      *count = arena_alloc(&c->ar, sizeof *count * (size_t)(ntypes + 1));
  if (!top || !count) return;
  for (int p = 0; p < ntypes; p++) top[p] = -1, count[p] = 0;
  for (int t = 0; t < c->ntiers; t++) {
    int p = c->tiers[t].ptype, below = p >= 0 ? top[p] : -1;
    if (p < 0) continue;
    if (below >= 0 && asks_nothing(&c->tiers[t]) && asks_nothing(&c->tiers[below]))
      diag_add(&c->dg, TIER_WARNING, &c->tiers[t].n->loc,
               _("tier %s asks nothing, and neither does %s below it (line %u): every partner of its type holds %s, so "
                 "none is ever at %s"),
               tier_name(c, t), tier_name(c, below), line_of(c, c->tiers[below].n), tier_name(c, t), tier_name(c, below));
    top[p] = t;
    count[p]++;
  }
  for (int i = 0; i < c->ngrants; i++) {
    const struct node *g = c->grants[i];
    if (g->b || g->index < 0 || g->index >= c->ntiers) continue;
    int t = g->index, p = c->tiers[t].ptype;
    if (p >= 0 && top[p] == t && count[p] > 1)
      diag_add(&c->dg, TIER_WARNING, &g->loc,
               _("this grants %s, the top tier of its type, to every partner of that type (there is no `when`): no other "
                 "tier of theirs is ever held"),
               tier_name(c, t));
  }
}

void lint_run(struct comp *c) {
  lone_cr_comments(c);
  no_tier(c);
  ladder_checks(c);
  ladder_shape(c);
  never_reached(c);
  for (int b = 0; b < c->nbadges; b++) never_held(c, &c->badges[b]);
  optional_eq_all(c);
}
