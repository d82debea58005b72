/*
 * refs.c - tier references (SPEC 3.5, "Tiers, badges, references"):
 * `holds T` (the record's result holds T: T's requirements and those of
 * every lower tier of its ladder, or its time clause) and `meets T` (T's
 * own requirements hold).  T is a tier or a badge.
 *
 * A reference makes one block depend on another, so the blocks are put in
 * an order in which every block comes after those its requirements refer
 * to (and, for `holds T` of a tier, after the tiers below T); the image
 * records it and the verifier checks every HOLDS and MEETS against it.  A
 * cycle has no such order: it is a compile error that names it.
 *
 * The order is found on a graph of two nodes per block b: M(b), "b's own
 * requirements", and H(b), "b's result".  M(b) depends on M(T) for each
 * `meets T` in b and on H(T) for each `holds T`; H(b) depends on M(b) and,
 * for a tier, on H of the tier below it.  So `meets Platinum` inside Gold
 * is fine, and `holds Platinum` inside Gold is the cycle Gold -> Platinum's
 * result -> Gold's result -> Gold.  The graph has a node per block and an
 * edge per reference and per tier: linear in the source.
 */
#include <string.h>

#include "compile.h"

/* ---- resolving a reference ------------------------------------------------------------ */

/* The word a reference is written with. */
static const char *ref_word(const struct node *n) { return n->op ? "meets" : "holds"; }

/* " (did you mean 'X'?)" for a tier (or badge) name that names none:
 * the one scan of the names, on the way to an error. */
static const char *nearest_block(struct comp *c, const char *name, bool badges) {
  struct suggest s = SUGGEST(c);
  for (int i = 0; !s.off && i < c->ntier_items; i++) suggest_try(&s, name, c->tier_items[i].n->name);
  for (int i = 0; !s.off && badges && i < c->nbadge_items; i++) suggest_try(&s, name, c->badge_items[i].n->name);
  return sema_suggest(c, &s);
}

/* `holds NAME` / `meets NAME`: NAME is a tier or a badge of any file, and a
 * tier's name must be unique across partner types (a reference names no
 * type).  Its value is a bool. */
struct type refs_check(struct comp *c, struct node *n, const struct scope *sc) {
  struct type t = {TY_BOOL, false, 0};
  if (!sc->refs) {
    diag_add(&c->dg, TIER_ERROR, &n->span,
             _("%s cannot use `%s %s`: tier references stand only in the requirements of tiers and badges"), sc->what,
             ref_word(n), n->name);
    return t;
  }
  int other, tier = sema_tier_named(c, n->name, &other), badge = tier < 0 ? sym_find(c, SYM_BADGE, n->name, -1) : -1;
  struct node *found = tier >= 0 ? c->tier_items[tier].n : badge >= 0 ? c->badge_items[badge].n : NULL;
  if (!found) {
    if (!sema_dropped(c, DROP_BLOCK)) /* else maybe the item the parser skipped */
      diag_add(&c->dg, TIER_ERROR, &n->loc, _("no tier or badge named '%s'%s"), n->name, nearest_block(c, n->name, true));
    return (struct type){TY_ERROR, false, 0};
  }
  if (tier >= 0 && other >= 0) {
    diag_add(&c->dg, TIER_ERROR, &n->loc,
             _("`%s %s` names no one tier: partner types '%s' and '%s' both have a tier '%s' (give them different names)"),
             ref_word(n), n->name, found->name2, c->tier_items[other].n->name2, n->name);
    return (struct type){TY_ERROR, false, 0};
  }
  n->def = found;
  return t;
}

/* ---- grants ------------------------------------------------------------------------------ */

/* `grant VALUE [when COND];`: a `tier` or `tier?` field or metric of the
 * record, whose value is granted (none grants nothing) to a record of any
 * partner type, since a record's tier values are of its own type.  Marked
 * n->op = 1.  False, with nothing reported, when the name is no field or
 * metric of the record. */
static bool grant_value(struct comp *c, struct node *n) {
  struct node *e = n->a;
  if (sema_find_metric(c, e->name, -1) < 0 && sema_find_field(c, e->name, -1) < 0) return false;
  struct scope sc = {-1, true, true, _("a grant"), NULL, false};
  struct type t = sema_check(c, e, &sc);
  if (t.kind != TY_ERROR && t.kind != TY_TIER)
    diag_add(&c->dg, TIER_ERROR, &e->loc, _("a grant gives a tier: '%s' is %s, not a tier"), e->name, sema_type_str(c, t));
  n->op = 1;
  return true;
}

/* `grant TIER [when COND];`: the name (an N_NAME: the grammar takes a
 * name) is a tier, unique across partner types as a reference's name is
 * (the grant applies to records of its type: n->index), else a tier value
 * (grant_value); COND is a bool as a requirement is, references included. */
void refs_grant(struct comp *c, struct node *n) {
  struct node *e = n->a;
  n->index = -1;
  if (e) {
    int other, found = sema_tier_named(c, e->name, &other);
    if (found >= c->ntiers) found = -1; /* out of memory: the tiers were not all checked */
    bool badge = found < 0 && sym_find(c, SYM_BADGE, e->name, -1) >= 0;
    if (badge)
      diag_add(&c->dg, TIER_ERROR, &e->loc, _("'%s' is a badge: a grant gives a tier (a badge is held by its own requirements)"),
               e->name);
    else if (found < 0 && !grant_value(c, n) && !sema_dropped(c, DROP_BLOCK)) /* (a tier the parser skipped is not "no tier") */
      diag_add(&c->dg, TIER_ERROR, &e->loc, _("no tier named '%s'%s"), e->name, nearest_block(c, e->name, false));
    else if (found >= 0 && other >= 0)
      diag_add(&c->dg, TIER_ERROR, &e->loc,
               _("`grant %s` names no one tier: partner types '%s' and '%s' both have a tier '%s' (give them different names)"),
               e->name, c->tier_items[found].n->name2, c->tier_items[other].n->name2, e->name);
    else if (found >= 0) n->index = found;
  }
  if (n->b) {
    struct scope sc = {-1, true, true, _("a grant's condition"), NULL, true};
    sema_check_bool(c, n->b, &sc, _("a grant's condition"));
  }
  struct node **slot = PUSH(c->grants, c->ngrants);
  if (slot) *slot = n;
}

/* ---- the graph -------------------------------------------------------------------------- */

/* Node M(b) is b, node H(b) is nb + b.  An edge: node `from` depends on
 * node `to`; `ref` is the reference that makes it (NULL for the edges a
 * ladder makes). */
struct edge { int from, to; const struct node *ref; };
struct graph {
  struct comp *c;
  int nb;                /* blocks */
  int nn;                /* nodes: M and H of each block, then G(p) of each partner type */
  struct edge *e;
  int ne, cap;
  bool failed;
  const struct node *too_deep; /* the reference that makes the chain longer than LIM_REF_CHAIN */
};

static void add_edge(struct graph *g, int from, int to, const struct node *ref) {
  if (g->ne == g->cap) {
    int cap = g->cap ? 2 * g->cap : 64;
    struct edge *e = arena_alloc(&g->c->ar, sizeof *e * (size_t)cap);
    if (!e) {
      g->failed = true;
      return;
    }
    if (g->ne) memcpy(e, g->e, sizeof *e * (size_t)g->ne);
    g->e = e;
    g->cap = cap;
  }
  g->e[g->ne++] = (struct edge){from, to, ref};
}

/* The references in expression n, of block b: along ->a in a loop (a
 * chain is as long as the source), into the other children, a call's
 * arguments and a formula call's expansion (defs.c) by recursion (bounded
 * by the nesting limits). */
static void walk_expr(struct graph *g, int b, struct node *n) {
  for (; n && !g->failed; n = n->a) {
    if (n->kind == N_HOLDS && n->def) {
      n->index = n->def->index;
      add_edge(g, b, n->op ? n->index : g->nb + n->index, n);
    }
    walk_expr(g, b, n->b);
    walk_expr(g, b, n->c);
    if (n->kind == N_CALL) {
      for (struct node *a = n->list; a; a = a->next) walk_expr(g, b, a);
      walk_expr(g, b, n->def);
    }
  }
}

/* The references in a block's statements (after blocks_expand: I_REQ,
 * I_EITHER of I_BRANCH, I_ATLEAST; nested at most LIM_GROUP_DEPTH deep). */
static void walk_body(struct graph *g, int b, struct node *list) {
  for (struct node *s = list; s; s = s->next) {
    if (s->kind == I_REQ) walk_expr(g, b, s->a);
    else if (s->kind == I_EITHER || s->kind == I_BRANCH || s->kind == I_ATLEAST) walk_body(g, b, s->list);
  }
}

static struct s_tier *block_of(struct comp *c, int b) {
  return b < c->ntiers ? &c->tiers[b] : &c->badges[b - c->ntiers];
}

/* ---- a cycle, in words ------------------------------------------------------------------- */

/* "Gold (holds Platinum) -> Gold": the blocks on the cycle through node
 * `start`, each with the reference that leads on.  dep[u] is the edge u
 * follows.  Whether a `holds` of a higher tier of the referring tier's own
 * ladder closes it, which `meets` would not: *hint gets that reference. */
static void report_cycle(struct graph *g, const int *dep, int start) {
  struct comp *c = g->c;
  struct buf t = {.hook = c->hook};
  const struct node *first = NULL, *hint = NULL;
  int u = start;
  do {
    const struct edge *e = &g->e[dep[u]];
    if (e->ref && e->from >= 2 * g->nb) {
      buf_printf(&t, "grant (%s %s) -> ", ref_word(e->ref), e->ref->name);
      if (!first) first = e->ref;
    } else if (e->ref) {
      const struct s_tier *from = block_of(c, e->from);
      buf_printf(&t, "%s (%s %s) -> ", from->n->name, ref_word(e->ref), e->ref->name);
      if (!first) first = e->ref;
      int x = e->ref->index;
      if (!hint && !e->ref->op && x < c->ntiers && e->from < c->ntiers && c->tiers[x].ptype == from->ptype && x > e->from)
        hint = e->ref;
    }
    u = e->to;
  } while (u != start);
  buf_printf(&t, "%s", start < 2 * g->nb ? block_of(c, start % g->nb)->n->name : "grant");
  const char *text = t.p ? (char *)t.p : "";
  if (hint)
    diag_add(&c->dg, TIER_ERROR, &first->span,
             _("tier references form a cycle: %s; `holds %s` needs the result of the tiers below %s, this one included: "
               "write `meets %s` to ask for %s's own requirements"),
             text, hint->name, hint->name, hint->name, hint->name);
  else
    diag_add(&c->dg, TIER_ERROR, &first->span, _("tier references form a cycle: %s"), text);
  buf_free(&t);
}

/* ---- the order ---------------------------------------------------------------------------- */

/* Node u, whose depth is final, makes edge i's dependent at least as deep,
 * one more through a reference.  A node's depth is the longest chain of
 * references below it: for M(b), the level of b's requirements, which the
 * verifier computes again (check_rounds).  A record is evaluated once per
 * level, each time whole (vm.c, vm_evaluate), so the chain must stay
 * within LIM_REF_CHAIN, or the work would grow with the square of the
 * rules; the first reference past it is kept for the error. */
static void deepen(struct graph *g, int *depth, int i) {
  const struct edge *e = &g->e[i];
  int d = depth[e->to] + (e->ref != NULL);
  if (d <= depth[e->from]) return;
  depth[e->from] = d;
  if (d > LIM_REF_CHAIN && !g->too_deep) g->too_deep = e->ref;
}

/* Kahn's algorithm over the 2 nb nodes, each node's dependents in a CSR
 * table; the blocks come out in the order their M nodes do (with no
 * references: tiers, then badges, as written).  Nodes left over lie on or
 * behind a cycle: following one dependency that is left from a left-over M
 * node must come back to a node already seen. */
static void order(struct graph *g) {
  struct comp *c = g->c;
  int nn = g->nn;
  int *left = arena_alloc(&c->ar, sizeof(int) * (size_t)(nn + 1));   /* dependencies not yet done */
  int *start = arena_alloc(&c->ar, sizeof(int) * (size_t)(nn + 2));  /* dependents of v: by[start[v] .. start[v+1]) */
  int *by = arena_alloc(&c->ar, sizeof(int) * (size_t)(g->ne + 1));
  int *queue = arena_alloc(&c->ar, sizeof(int) * (size_t)(nn + 1));
  int *depth = arena_alloc(&c->ar, sizeof(int) * (size_t)(nn + 1)); /* zeroed, as arena blocks are */
  c->order = arena_alloc(&c->ar, sizeof(int) * (size_t)(g->nb + 1));
  if (!left || !start || !by || !queue || !depth || !c->order) return;
  for (int i = 0; i < g->ne; i++) {
    left[g->e[i].from]++;
    start[g->e[i].to + 2]++;
  }
  for (int v = 0; v < nn; v++) start[v + 2] += start[v + 1];
  for (int i = 0; i < g->ne; i++) by[start[g->e[i].to + 1]++] = i; /* the edges that depend on each node */
  int qh = 0, qt = 0, nord = 0;
  for (int v = 0; v < nn; v++)
    if (!left[v]) queue[qt++] = v;
  while (qh < qt) {
    int v = queue[qh++];
    if (v < g->nb) c->order[nord++] = v;
    for (int k = start[v]; k < start[v + 1]; k++) {
      deepen(g, depth, by[k]);
      if (--left[g->e[by[k]].from] == 0) queue[qt++] = g->e[by[k]].from;
    }
  }
  if (nord == g->nb) {
    if (g->too_deep)
      diag_add(&c->dg, TIER_ERROR, &g->too_deep->span,
               _("`%s %s` makes a chain of more than %d references, each to a tier or badge that refers on; the limit is "
                 "%d (a record is evaluated once per link of the longest chain)"),
               ref_word(g->too_deep), g->too_deep->name, LIM_REF_CHAIN, LIM_REF_CHAIN);
    return;
  }
  /* a cycle: from a left-over M node, follow left-over dependencies */
  int *dep = arena_alloc(&c->ar, sizeof(int) * (size_t)(nn + 1));
  int *seen = arena_alloc(&c->ar, sizeof(int) * (size_t)(nn + 1));
  if (!dep || !seen) return;
  for (int i = 0; i < g->ne; i++)
    if (left[g->e[i].from] && left[g->e[i].to] && !seen[g->e[i].from]) {
      dep[g->e[i].from] = i;
      seen[g->e[i].from] = 1;
    }
  int u = 0;
  while (u < g->nb && !left[u]) u++;
  memset(seen, 0, sizeof(int) * (size_t)nn);
  while (!seen[u]) {
    seen[u] = 1;
    u = g->e[dep[u]].to;
  }
  /* u is on the cycle; start it at a node that refers (one exists: H
   * nodes lead only to M nodes and to lower tiers' H nodes, M nodes to
   * references and to G nodes, and G nodes to references only) */
  while (!g->e[dep[u]].ref) u = g->e[dep[u]].to;
  report_cycle(g, dep, u);
}

/* Does grant n apply to records of partner type p: a tier's grant to its
 * tier's type, a tier value's to every type. */
static bool grant_types(const struct comp *c, const struct node *n, int p) {
  return n->op ? true : n->index >= 0 && c->tiers[n->index].ptype == p;
}

/* The blocks' evaluation order (c->order), or an error naming a cycle.  A
 * grant's condition is evaluated with its ladder: node G(p) of partner
 * type p depends on the references of its grants' conditions, and the
 * requirements of every tier of p on G(p), so that the verifier can check
 * a grant's references against the ladder's place in the order. */
void refs_order(struct comp *c) {
  struct graph g = {.c = c, .nb = c->ntiers + c->nbadges};
  for (int b = 0; b < g.nb; b++) block_of(c, b)->n->index = b;
  int nt = c->partner_field >= 0 ? (int)c->enums[c->fields[c->partner_field].ty.ref].nvals : 0;
  g.nn = 2 * g.nb + nt;
  int *last = arena_alloc(&c->ar, sizeof(int) * (size_t)(nt + 1)); /* per partner type: its highest tier so far */
  bool *granted = arena_alloc(&c->ar, sizeof(bool) * (size_t)(nt + 1)); /* per partner type: it has grants */
  if (!last || !granted) return;
  for (int p = 0; p < nt; p++) last[p] = -1;
  for (int k = 0; k < c->ngrants; k++)
    for (int p = 0; p < nt; p++) granted[p] |= grant_types(c, c->grants[k], p);
  for (int b = 0; b < g.nb && !g.failed; b++) {
    const struct s_tier *t = block_of(c, b);
    add_edge(&g, g.nb + b, b, NULL); /* a block's result needs its requirements */
    if (b < c->ntiers && t->ptype >= 0 && t->ptype < nt) {
      if (last[t->ptype] >= 0) add_edge(&g, g.nb + b, g.nb + last[t->ptype], NULL); /* and the tier below's result */
      last[t->ptype] = b;
      if (granted[t->ptype]) add_edge(&g, b, 2 * g.nb + t->ptype, NULL); /* its ladder's grants */
    }
    walk_body(&g, b, t->n->list);
  }
  for (int k = 0; k < c->ngrants && !g.failed; k++)
    for (int p = 0; p < nt; p++)
      if (grant_types(c, c->grants[k], p) && c->grants[k]->b) walk_expr(&g, 2 * g.nb + p, c->grants[k]->b);
  if (!g.failed) order(&g);
}
