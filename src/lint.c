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
#include <string.h>

#include "compile.h"

/* A requirement of the form `value CMP constant`, normalised. */
struct bound {
  const struct node *req;   /* I_REQ */
  int tier;
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
  (void)c;
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

void lint_run(struct comp *c) {
  int nreq = 0;
  for (int t = 0; t < c->ntiers; t++)
    for (struct node *s = c->tiers[t].n->list; s; s = s->next) nreq += s->kind == I_REQ;
  struct bound *bs = arena_alloc(&c->ar, sizeof *bs * (size_t)(nreq + 1));
  const struct node **all = arena_alloc(&c->ar, sizeof *all * (size_t)(nreq + 1));
  int *tier_of = arena_alloc(&c->ar, sizeof *tier_of * (size_t)(nreq + 1));
  if (!bs || !all || !tier_of) return;
  int nb = 0, na = 0;
  for (int t = 0; t < c->ntiers; t++)
    for (struct node *s = c->tiers[t].n->list; s; s = s->next) {
      if (s->kind != I_REQ || !s->a) continue;
      all[na] = s;
      tier_of[na++] = t;
      if (as_bound(c, t, s, &bs[nb])) nb++;
    }
  /* pairs within one partner type, lower tier first */
  for (int j = 0; j < nb; j++) {
    const struct bound *hi = &bs[j];
    int pt = c->tiers[hi->tier].ptype;
    for (int i = 0; i < nb; i++) {
      const struct bound *lo = &bs[i];
      if (lo->tier >= hi->tier || c->tiers[lo->tier].ptype != pt || strcmp(lo->name, hi->name) != 0) continue;
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
  }
  /* the same rule text again in a higher tier (requirements that are not
   * simple bounds) */
  for (int j = 0; j < na; j++) {
    struct bound tmp;
    if (as_bound(c, tier_of[j], all[j], &tmp)) continue;
    const struct srcfile *fj = &c->dg.files[all[j]->a->loc.file];
    size_t lj = all[j]->a->loc.end - all[j]->a->loc.beg;
    for (int i = 0; i < na; i++) {
      if (tier_of[i] >= tier_of[j] || c->tiers[tier_of[i]].ptype != c->tiers[tier_of[j]].ptype) continue;
      const struct srcfile *fi = &c->dg.files[all[i]->a->loc.file];
      size_t li = all[i]->a->loc.end - all[i]->a->loc.beg;
      if (li == lj && memcmp(fi->text + all[i]->a->loc.beg, fj->text + all[j]->a->loc.beg, li) == 0) {
        diag_add(&c->dg, TIER_WARNING, &all[j]->a->loc,
                 "this repeats a requirement of the lower tier %s (line %u) unchanged; tiers are cumulative, so it can go",
                 tier_name(c, tier_of[i]), line_of(c, all[i]));
        break;
      }
    }
  }
  /* unreachable tiers: a lower bound above an upper bound on one value,
   * among the tier's requirements and those of the tiers below it */
  for (int t = 0; t < c->ntiers; t++) {
    int pt = c->tiers[t].ptype;
    bool reported = false;
    for (int i = 0; i < nb && !reported; i++) {
      const struct bound *a = &bs[i];
      if (a->tier > t || c->tiers[a->tier].ptype != pt || !(lower(a->cmp) || a->cmp == B_EQ)) continue;
      for (int k = 0; k < nb && !reported; k++) {
        const struct bound *b = &bs[k];
        if (b->tier > t || c->tiers[b->tier].ptype != pt || strcmp(a->name, b->name) != 0) continue;
        if (!(upper(b->cmp) || b->cmp == B_EQ) || a == b) continue;
        /* a says value >= (or >, ==) A; b says value <= (or <, ==) B */
        int d = cmp_vals(a, b);
        bool empty = d > 0 || (d == 0 && (a->cmp == B_GT || b->cmp == B_LT));
        if (a->cmp == B_EQ && b->cmp == B_EQ) empty = d != 0;
        if (!empty || (a->tier != t && b->tier != t)) continue;
        const struct srcfile *fa = &c->dg.files[a->req->a->loc.file], *fb = &c->dg.files[b->req->a->loc.file];
        diag_add(&c->dg, TIER_WARNING, &c->tiers[t].n->loc,
                 "no partner can reach tier %s: '%.*s' (line %u) and '%.*s' (line %u) cannot both hold", tier_name(c, t),
                 (int)(a->req->a->loc.end - a->req->a->loc.beg), fa->text + a->req->a->loc.beg, line_of(c, a->req),
                 (int)(b->req->a->loc.end - b->req->a->loc.beg), fb->text + b->req->a->loc.beg, line_of(c, b->req));
        reported = true;
      }
    }
  }
}
