/*
 * shrink.c - cut a failing ruleset and record down to a minimal
 * reproducer, as C-Reduce and QuickCheck do: try one simplification at a
 * time (drop a tier, a requirement, a metric, a field, a list item; put a
 * subexpression or a literal in place of an expression), keep it when the
 * same failure (the same `key`) remains, undo it otherwise, and repeat
 * until a whole round changes nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "difftest.h"

#define MAX_TRIES 4000 /* tests per shrink: a bound, not a goal */

struct shrinker {
  const struct dt_options *o;
  struct gruleset *g;
  struct grecord *rec; /* NULL: a failure of the ruleset alone */
  const char *key;
  int tries;
};

/* Does the failure named s->key still happen? */
static bool still(struct shrinker *s) {
  if (s->tries++ >= MAX_TRIES) return false;
  struct compiled c;
  char what[2048], key[2048];
  bool fails;
  if (dt_open(s->g, &c) != 0) {
    fails = !strcmp(c.err, s->key);
  } else if (!s->rec) {
    fails = dt_ruleset_checks(s->o, s->g, &c, what, sizeof what, key, sizeof key) && !strcmp(key, s->key);
  } else {
    struct outcome vo, ro;
    fails = dt_record(&c, s->g, s->rec, &vo, &ro, what, sizeof what, key, sizeof key) == DT_DIFFER &&
            !strcmp(key, s->key);
    oc_free(&vo);
    oc_free(&ro);
  }
  dt_close(&c);
  return fails;
}

/* Try clearing one flag: keep it cleared if the failure stays. */
static bool try_drop(struct shrinker *s, bool *alive) {
  if (!*alive) return false;
  *alive = false;
  if (still(s)) return true;
  *alive = true;
  return false;
}

static bool try_int(struct shrinker *s, int *v, int to) {
  if (*v == to) return false;
  int was = *v;
  *v = to;
  if (still(s)) return true;
  *v = was;
  return false;
}

static bool try_text(struct shrinker *s, char **p) {
  if (!*p) return false;
  char *was = *p;
  *p = NULL;
  if (still(s)) {
    free(was);
    return true;
  }
  *p = was;
  return false;
}

/* ---- expressions ------------------------------------------------------------------ */

/* Every expression slot of the live model, in order. */
static int slots(struct gruleset *g, struct gexpr ***out, int cap) {
  int n = 0;
  struct gexpr **stack[512];
  int sp = 0;
  if (g->review) stack[sp++] = &g->review;
  for (int k = g->ngrants - 1; k >= 0; k--)
    if (g->grants[k].alive && g->grants[k].cond && sp < 512) stack[sp++] = &g->grants[k].cond;
  for (int b = g->nbadges - 1; b >= 0; b--)
    for (int q = g->badges[b].nreqs - 1; g->badges[b].alive && q >= 0; q--)
      if (g->badges[b].reqs[q].alive && sp < 512) stack[sp++] = &g->badges[b].reqs[q].e;
  for (int m = g->nmetrics - 1; m >= 0; m--)
    if (g->metrics[m].alive && sp < 512) stack[sp++] = &g->metrics[m].e;
  for (int t = g->ntiers - 1; t >= 0; t--)
    for (int q = g->tiers[t].nreqs - 1; g->tiers[t].alive && q >= 0; q--)
      if (g->tiers[t].reqs[q].alive && sp < 512) stack[sp++] = &g->tiers[t].reqs[q].e;
  while (sp > 0 && n < cap) {
    struct gexpr **e = stack[--sp];
    out[n++] = e;
    for (int k = (*e)->nkid - 1; k >= 0; k--)
      if ((*e)->kid[k] && sp < 512) stack[sp++] = &(*e)->kid[k];
  }
  return n;
}

/* Put a child of the same type, or a plain literal, where *slot is. */
static bool simplify(struct shrinker *s, struct gexpr **slot) {
  struct gexpr *e = *slot;
  for (int k = 0; k < e->nkid; k++) {
    struct gexpr *kid = e->kid[k];
    if (!kid || !gen_same_type(kid->t, e->t)) continue;
    *slot = kid;
    if (still(s)) {
      e->kid[k] = NULL;
      gen_expr_free(e);
      return true;
    }
    *slot = e;
  }
  if (e->literal) return false;
  for (int v = 0; v < 2; v++) {
    struct gexpr *lit = gen_simple_literal(s->g, e->t, v);
    *slot = lit;
    if (still(s)) {
      gen_expr_free(e);
      return true;
    }
    *slot = e;
    gen_expr_free(lit);
  }
  return false;
}

static bool shrink_exprs(struct shrinker *s) {
  bool any = false;
  struct gexpr **all[2048];
  for (int i = 0;; i++) {
    int n = slots(s->g, all, 2048);
    if (i >= n || s->tries >= MAX_TRIES) break;
    if (simplify(s, all[i])) {
      any = true;
      i--; /* the slot holds a new expression: try it again */
    }
  }
  return any;
}

/* ---- the record ---------------------------------------------------------------------- */

static bool drop_item(struct shrinker *s, int l, int i) {
  struct glistval *L = &s->rec->lists[l];
  struct gitem it = L->items[i];
  memmove(&L->items[i], &L->items[i + 1], sizeof *L->items * (size_t)(L->n - i - 1));
  L->n--;
  if (still(s)) {
    gen_item_free(s->g, &it);
    return true;
  }
  L->n++;
  memmove(&L->items[i + 1], &L->items[i], sizeof *L->items * (size_t)(L->n - i - 1));
  L->items[i] = it;
  return false;
}

static bool shrink_record(struct shrinker *s) {
  bool any = false;
  const struct gruleset *g = s->g;
  for (int l = 0; l < g->nlists; l++)
    for (int i = s->rec->lists[l].n - 1; i >= 0; i--) any |= drop_item(s, l, i);
  for (int f = 2; f < g->nfields; f++) any |= try_text(s, &s->rec->top[f]);
  for (int l = 0; l < g->nlists; l++)
    for (int i = 0; i < s->rec->lists[l].n; i++)
      for (int f = 0; f < g->nfields; f++) any |= try_text(s, &s->rec->lists[l].items[i].vals[f]);
  return any;
}

/* ---- the rounds --------------------------------------------------------------------------- */

static bool one_round(struct shrinker *s) {
  struct gruleset *g = s->g;
  bool any = false;
  for (int t = g->ntiers - 1; t >= 0; t--) any |= try_drop(s, &g->tiers[t].alive);
  for (int t = 0; t < g->ntiers; t++)
    for (int q = g->tiers[t].nreqs - 1; g->tiers[t].alive && q >= 0; q--) {
      struct greq *r = &g->tiers[t].reqs[q];
      if (!try_drop(s, &r->alive) && r->alive) {
        any |= try_text(s, &r->label);
        any |= try_text(s, &r->section);
      } else if (!r->alive) {
        any = true;
      }
    }
  for (int b = g->nbadges - 1; b >= 0; b--) {
    any |= try_drop(s, &g->badges[b].alive);
    for (int q = g->badges[b].nreqs - 1; g->badges[b].alive && q >= 0; q--) any |= try_drop(s, &g->badges[b].reqs[q].alive);
  }
  for (int k = g->ngrants - 1; k >= 0; k--) any |= try_drop(s, &g->grants[k].alive);
  for (int t = 0; t < g->ntiers; t++)
    if (g->tiers[t].alive && try_int(s, &g->tiers[t].window, 0)) {
      any = true;
      if (!g->tiers[t].window) g->tiers[t].time = 0;
    }
  for (int m = g->nmetrics - 1; m >= 0; m--) {
    any |= try_drop(s, &g->metrics[m].alive);
    if (g->metrics[m].alive) any |= try_text(s, &g->metrics[m].label);
  }
  if (g->review && (!s->rec || s->rec->asof != INT64_MIN)) {
    struct gexpr *review = g->review;
    g->review = NULL;
    if (still(s)) {
      gen_expr_free(review);
      any = true;
    } else {
      g->review = review;
    }
  }
  any |= try_text(s, &g->name);
  any |= try_text(s, &g->version);
  any |= shrink_exprs(s);
  /* fields and lists nothing names any more (the id and the partner type stay) */
  for (int f = g->nfields - 1; f >= 2; f--) any |= try_drop(s, &g->fields[f].alive);
  if (s->rec) any |= shrink_record(s);
  return any;
}

void dt_shrink(const struct dt_options *o, struct gruleset *g, struct grecord *rec, const char *key) {
  struct shrinker s = {o, g, rec, key, 0};
  if (!still(&s)) return; /* not reproducible from the model: report it as it is */
  while (one_round(&s) && s.tries < MAX_TRIES) {
  }
  if (o->verbose) fprintf(stderr, "difftest: shrunk with %d tests\n", s.tries);
}
