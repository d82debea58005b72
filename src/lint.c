/*
 * lint.c - tier-ladder checks, run by `tierc check` after the types are
 * known (warnings; --Werror makes them errors):
 *   - a higher tier asking less than a lower one on the same metric;
 *   - a requirement repeating one of a lower tier unchanged (redundant,
 *     since tiers are cumulative);
 *   - a tier no record can reach (its requirements and those below it set
 *     bounds on one metric that cannot both hold).
 * (A metric no tier uses is reported by sema.)
 */
#include <stdlib.h>
#include <string.h>

#include "compile.h"

/* A requirement of the form `value CMP constant`, normalised. */
struct bound {
  const struct node *req;   /* I_REQ */
  int tier, ptype;
  const char *name;         /* metric or field */
  int cmp;                  /* B_EQ .. B_GE, with the value on the left */
  bool is_f;
  int64_t i;
  double f;
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
  b->f = k->kind == N_DEC ? k->fval : (double)k->ival;
  return true;
}

static int cmp_vals(const struct bound *a, const struct bound *b) {
  if (a->is_f || b->is_f) return a->f < b->f ? -1 : a->f > b->f;
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

void lint_run(struct comp *c) {
  int nreq = 0;
  for (int t = 0; t < c->ntiers; t++)
    for (struct node *s = c->tiers[t].n->list; s; s = s->next) nreq += s->kind == I_REQ;
  struct bound *bs = arena_alloc(&c->ar, sizeof *bs * (size_t)(nreq + 1));
  struct textreq *tx = arena_alloc(&c->ar, sizeof *tx * (size_t)(nreq + 1));
  bool *unreachable = arena_alloc(&c->ar, sizeof(bool) * (size_t)(c->ntiers + 1));
  if (!bs || !tx || !unreachable) return;
  int nb = 0, nt = 0;
  for (int t = 0; t < c->ntiers; t++)
    for (struct node *s = c->tiers[t].n->list; s; s = s->next) {
      if (s->kind != I_REQ || !s->a) continue;
      if (as_bound(c, t, s, &bs[nb])) { nb++; continue; }
      const struct srcfile *f = &c->dg.files[s->a->loc.file];
      tx[nt++] = (struct textreq){s, t, c->tiers[t].ptype, f->text + s->a->loc.beg, s->a->loc.end - s->a->loc.beg};
    }
  qsort(bs, (size_t)nb, sizeof *bs, by_group);
  qsort(tx, (size_t)nt, sizeof *tx, by_text);
  for (int g0 = 0; g0 < nb;) {
    int g1 = g0 + 1;
    while (g1 < nb && c->tiers[bs[g1].tier].ptype == c->tiers[bs[g0].tier].ptype && !strcmp(bs[g1].name, bs[g0].name)) g1++;
    /* within one (type, value) group, lower tiers first */
    const struct bound *lo_best = NULL, *up_best = NULL; /* strictest lower and upper bound so far */
    for (int j = g0; j < g1; j++) {
      const struct bound *hi = &bs[j];
      /* the same requirement, or a weaker one, in a lower tier: the nearest
       * lower ones first, at most 64 back (a long ladder needs no more) */
      for (int i = j - 1; i >= g0 && j - i <= 64; i--) {
        const struct bound *lo = &bs[i];
        if (lo->tier >= hi->tier) continue;
        if (lo->cmp == hi->cmp && cmp_vals(lo, hi) == 0) {
          diag_add(&c->dg, TIER_WARNING, &hi->req->a->loc,
                   "this repeats a requirement of the lower tier %s (line %u) unchanged; tiers are cumulative, so it can go",
                   tier_name(c, lo->tier), line_of(c, lo->req));
          break;
        }
        bool weaker = (lower(lo->cmp) && lower(hi->cmp) && cmp_vals(hi, lo) < 0) ||
                      (upper(lo->cmp) && upper(hi->cmp) && cmp_vals(hi, lo) > 0);
        if (weaker) {
          diag_add(&c->dg, TIER_WARNING, &hi->req->a->loc,
                   "%s asks less than the lower tier %s on %s (line %u); with cumulative tiers the stricter %s requirement applies",
                   tier_name(c, hi->tier), tier_name(c, lo->tier), hi->name, line_of(c, lo->req), tier_name(c, lo->tier));
          break;
        }
      }
      /* unreachable: this bound against the strictest bound of the other side so far */
      if (lower(hi->cmp) || hi->cmp == B_EQ) {
        if (!lo_best || cmp_vals(hi, lo_best) > 0 || (cmp_vals(hi, lo_best) == 0 && hi->cmp == B_GT)) lo_best = hi;
      }
      if (upper(hi->cmp) || hi->cmp == B_EQ) {
        if (!up_best || cmp_vals(hi, up_best) < 0 || (cmp_vals(hi, up_best) == 0 && hi->cmp == B_LT)) up_best = hi;
      }
      if (lo_best && up_best && lo_best != up_best && !unreachable[hi->tier]) {
        int d = cmp_vals(lo_best, up_best);
        bool empty = d > 0 || (d == 0 && (lo_best->cmp == B_GT || up_best->cmp == B_LT));
        if (empty) {
          const struct bound *a = lo_best, *b = up_best;
          const struct srcfile *fa = &c->dg.files[a->req->a->loc.file], *fb = &c->dg.files[b->req->a->loc.file];
          diag_add(&c->dg, TIER_WARNING, &c->tiers[hi->tier].n->loc,
                   "no partner can reach tier %s: '%.*s' (line %u) and '%.*s' (line %u) cannot both hold",
                   tier_name(c, hi->tier), (int)(a->req->a->loc.end - a->req->a->loc.beg), fa->text + a->req->a->loc.beg,
                   line_of(c, a->req), (int)(b->req->a->loc.end - b->req->a->loc.beg), fb->text + b->req->a->loc.beg,
                   line_of(c, b->req));
          unreachable[hi->tier] = true;
        }
      }
    }
    g0 = g1;
  }
  /* the same rule text again in a higher tier of the same type */
  for (int i = 1; i < nt; i++)
    if (tx[i].ptype == tx[i - 1].ptype && tx[i].len == tx[i - 1].len && !memcmp(tx[i].text, tx[i - 1].text, tx[i].len) &&
        tx[i].tier > tx[i - 1].tier)
      diag_add(&c->dg, TIER_WARNING, &tx[i].req->a->loc,
               "this repeats a requirement of the lower tier %s (line %u) unchanged; tiers are cumulative, so it can go",
               tier_name(c, tx[i - 1].tier), line_of(c, tx[i - 1].req));
}
