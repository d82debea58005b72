/*
 * diff.c - see diff.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

/* ---- the population ------------------------------------------------------------------ */

/* The place of tier index t in its type's ladder, -1 for none. */
static int ladder_pos(const tier_ruleset *rs, int t) {
  tier_info T;
  return t >= 0 && tier_ruleset_tier(rs, (size_t)t, &T) == TIER_OK ? T.position : -1;
}

/* The names of the tiers of partner type `type` in rs, in ladder order
 * (a malloc'd array; *n its length), or NULL when out of memory; with
 * `shown`, as people know them (their display names where they have one). */
static const char **ladder_names(const tier_ruleset *rs, const char *type, int *n, bool shown) {
  const char **names = malloc(sizeof *names * (tier_ruleset_ntiers(rs) + 1));
  *n = 0;
  tier_info T;
  for (size_t i = 0; names && tier_ruleset_tier(rs, i, &T) == TIER_OK; i++) {
    const char *tn = tier_ruleset_type(rs, (size_t)T.type_index);
    if (tn && !strcmp(tn, type)) names[(*n)++] = shown && T.display ? T.display : T.name;
  }
  return names;
}

/* Index of the badge called `name` in rs, or -1. */
static int badge_named(const tier_ruleset *rs, const char *name) {
  tier_info B;
  for (size_t k = 0; tier_ruleset_badge(rs, k, &B) == TIER_OK; k++)
    if (!strcmp(B.name, name)) return (int)k;
  return -1;
}

/* d->badges: the new rules' badges in the order written, each with the old
 * rules' badge of its name, then the badges only the old rules have; and
 * the room diff_add lists a partner's changes in.  0, or -1 when out of
 * memory. */
static int badges_init(struct diff *d) {
  size_t no = tier_ruleset_nbadges(d->old), nn = tier_ruleset_nbadges(d->new_), cap = no + nn + 2;
  d->badges = calloc(no + nn + 1, sizeof *d->badges);
  d->states = calloc(no + nn + 1, 1);
  d->chg = calloc(cap, sizeof *d->chg);
  if (!d->badges || !d->states || !d->chg) return -1;
  d->capchg = (int)cap;
  tier_info B;
  for (size_t k = 0; tier_ruleset_badge(d->new_, k, &B) == TIER_OK; k++)
    d->badges[d->nbadges++] = (struct diff_badge){
        .name = B.name, .shown = B.display ? B.display : B.name, .old_index = badge_named(d->old, B.name), .new_index = (int)k};
  for (size_t k = 0; tier_ruleset_badge(d->old, k, &B) == TIER_OK; k++)
    if (badge_named(d->new_, B.name) < 0)
      d->badges[d->nbadges++] =
          (struct diff_badge){.name = B.name, .shown = B.display ? B.display : B.name, .old_index = (int)k, .new_index = -1};
  for (int i = 0; i < d->capchg; i++)
    if (!(d->chg[i].old_path = tier_buf_new(NULL)) || !(d->chg[i].new_path = tier_buf_new(NULL))) return -1;
  return 0;
}

int diff_init(struct diff *d, const tier_ruleset *old, const tier_ruleset *new_, const char *op, const char *np) {
  memset(d, 0, sizeof *d);
  d->old = old;
  d->new_ = new_;
  d->old_path = op;
  d->new_path = np;
  d->typed = tier_ruleset_ntypes(old) > 0 || tier_ruleset_ntypes(new_) > 0;
  d->moves_text = tier_buf_new(NULL);
  d->moves_json = tier_buf_new(NULL);
  d->errors_json = tier_buf_new(NULL);
  d->errors_text = tier_buf_new(NULL);
  d->changes_text = tier_buf_new(NULL);
  d->changes_json = tier_buf_new(NULL);
  d->shown[0] = tier_buf_new(NULL);
  d->shown[1] = tier_buf_new(NULL);
  d->pool = malloc(sizeof *d->pool);
  if (d->pool && esc_pool_init(d->pool) != 0) {
    esc_pool_free(d->pool);
    free(d->pool);
    d->pool = NULL;
  }
  if (badges_init(d) != 0) return -1;
  bool ok = d->moves_text && d->moves_json && d->errors_json && d->errors_text && d->changes_text && d->changes_json;
  return ok && d->shown[0] && d->shown[1] && d->pool ? 0 : -1;
}

/* Whether rs has an either. */
static bool has_paths(const tier_ruleset *rs) {
  tier_item_info I;
  for (size_t i = 0; tier_ruleset_item(rs, i, &I) == TIER_OK; i++)
    if (I.kind == TIER_ITEM_BRANCH) return true;
  return false;
}

bool diff_needs_all(const tier_ruleset *old, const tier_ruleset *new_) { return has_paths(old) || has_paths(new_); }

/* Append what `from` holds to b. */
static void put_buf(tier_buf *b, tier_buf *from) {
  size_t n;
  const char *t = tier_buf_text(from, &n);
  if (t) tier_buf_put(b, t, n);
}

static void type_free(struct diff_type *t) {
  free(t->name);
  free(t->lad.old_names);
  free(t->lad.new_names);
  free(t->old_shown);
  free(t->new_shown);
  tier_ladder_free(&t->lad);
  free(t->matrix);
}

/* The figures of partner type `name`, made on its first partner. */
static struct diff_type *type_of(struct diff *d, const char *name) {
  for (int i = 0; i < d->ntypes; i++)
    if (strcmp(d->types[i].name, name) == 0) return &d->types[i];
  if (d->ntypes == d->captypes) {
    int cap = d->captypes ? 2 * d->captypes : 8;
    struct diff_type *nt = realloc(d->types, sizeof *nt * (size_t)cap);
    if (!nt) return NULL;
    d->types = nt;
    d->captypes = cap;
  }
  struct diff_type *t = &d->types[d->ntypes];
  memset(t, 0, sizeof *t);
  t->name = strdup(name);
  int n;
  t->lad.old_names = ladder_names(d->old, name, &t->lad.nold, false);
  t->lad.new_names = ladder_names(d->new_, name, &t->lad.nnew, false);
  t->old_shown = ladder_names(d->old, name, &n, true);
  t->new_shown = ladder_names(d->new_, name, &n, true);
  if (t->name && t->lad.old_names && t->lad.new_names && t->old_shown && t->new_shown && tier_ladder_match(&t->lad) == 0)
    t->matrix = calloc((size_t)(t->lad.nold + 1) * (size_t)(t->lad.nnew + 1), sizeof *t->matrix);
  if (!t->matrix) {
    type_free(t);
    return NULL;
  }
  d->ntypes++;
  return t;
}

/* The figures a partner counts in: its type's ("" for a partner of no
 * type, which has no ladder either). */
static const char *type_name(const tier_result *r) { return r->type ? r->type : ""; }

/* The start of a partner's line of text: its id and partner type (ids
 * come from the records: quoted for the terminal), "-" for none; no
 * column for the type when neither ruleset has partner types. */
static void partner_text(struct diff *d, tier_buf *b, const tier_result *r) {
  struct esc_pool *p = d->pool;
  if (d->typed) tier_buf_printf(b, "  %-10s %-11s ", r->id ? esc_str(p, r->id) : "-", r->type ? esc_str(p, r->type) : "-");
  else tier_buf_printf(b, "  %-10s ", r->id ? esc_str(p, r->id) : "-");
}

/* What the unmet entries u[0 .. n) need, "; " between them; an at least
 * as its rule with what its failing items need in brackets (its own need
 * speaks of items "below", which a line does not show). */
static void needs_list(struct diff *d, tier_buf *b, const tier_req_result *u, size_t n) {
  for (size_t i = 0; i < n; i++, u++) {
    if (i) tier_buf_puts(b, "; ");
    if (u->kind == TIER_ENTRY_AT_LEAST && u->nitems) {
      tier_buf_printf(b, "%s (", esc_str(d->pool, u->rule));
      needs_list(d, b, u->items, u->nitems);
      tier_buf_putc(b, ')');
    } else {
      char said[TIER_SAY_MAX];
      tier_buf_puts(b, u->need[0] ? out_said(d->pool, said, u->need, &u->need_said) : esc_str(d->pool, u->rule));
    }
  }
}

/* The same, ending a line that says why a partner moves or a badge changes. */
static void needs_text(struct diff *d, tier_buf *b, const tier_req_result *u, size_t n) {
  needs_list(d, b, u, n);
  tier_buf_putc(b, '\n');
}

int diff_grant_move(const struct diff_move *m) {
  if (m->direction > 0 && m->to->granted) return 1;
  return m->direction < 0 && m->from->granted && !m->to->granted ? -1 : 0;
}

/* A move as a line of text: who, from where to where, and what the rules
 * that explain it miss; first, when it held a tier the new rules no
 * longer have, that; for a move a grant makes, that. */
static void move_text(struct diff *d, const struct diff_move *m) {
  struct esc_pool *p = d->pool; /* needs come from the records: quoted for the terminal */
  const tier_result *ro = m->from, *rn = m->to, *why = m->why;
  bool up = m->direction > 0;
  const char *from = ro->tier_display ? ro->tier_display : ro->tier, *to = rn->tier_display ? rn->tier_display : rn->tier;
  const char *next = why->next_display ? why->next_display : why->next;
  partner_text(d, d->moves_text, ro);
  tier_buf_printf(d->moves_text, "%s -> %s (%s): ", from ? esc_str(p, from) : _("none"), to ? esc_str(p, to) : _("none"),
                  up ? _("up") : _("down"));
  if (m->removed) tier_buf_printf(d->moves_text, _("tier %s removed; "), esc_str(p, from));
  if (diff_grant_move(m) > 0) {
    tier_buf_puts(d->moves_text, _("the new rules grant it\n"));
    return;
  }
  if (diff_grant_move(m) < 0) tier_buf_puts(d->moves_text, _("no longer granted; "));
  tier_buf_printf(d->moves_text, up ? _("old rules for %s: ") : _("new rules for %s: "), next ? esc_str(p, next) : "?");
  needs_text(d, d->moves_text, why->unmet, why->nunmet);
}

/* Unmet entries u[0 .. n) as the elements of a JSON list: each its rule
 * (or time clause), compared values and need; a group's counts, and an
 * at least's failing items as entries of their own, as tiervm eval gives
 * them (the text form lists them in brackets). */
static void unmet_json(tier_buf *j, const tier_req_result *u, size_t n) {
  for (size_t i = 0; i < n; i++, u++) {
    if (i) tier_buf_putc(j, ',');
    tier_buf_put(j, "{\"rule\":", 8);
    tier_buf_json(j, u->kind == TIER_ENTRY_SUSTAINED ? "sustained" : u->kind == TIER_ENTRY_AT_ANY ? "at_any" : u->rule);
    if (u->metric) {
      tier_buf_put(j, ",\"metric\":", 10);
      tier_buf_json(j, u->metric);
      tier_buf_put(j, ",\"actual\":", 10);
      out_json_value(j, u->actual, u->type, u->missing);
      tier_buf_put(j, ",\"required\":", 12);
      out_json_value(j, u->required, u->type, false);
    }
    out_json_group(j, u);
    tier_buf_put(j, ",\"need\":", 8);
    tier_buf_json(j, u->need);
    if (u->kind == TIER_ENTRY_AT_LEAST && u->nitems) {
      tier_buf_puts(j, ",\"items\":[");
      unmet_json(j, u->items, u->nitems);
      tier_buf_putc(j, ']');
    }
    tier_buf_putc(j, '}');
  }
}

/* The start of a partner's JSON object in the moves or changes list:
 * its id and type (null for none), no type when neither ruleset of d has
 * partner types. */
static void partner_json(const struct diff *d, tier_buf *j, const tier_result *r) {
  if (tier_buf_len(j)) tier_buf_putc(j, ',');
  tier_buf_put(j, "{\"id\":", 6);
  tier_buf_json(j, r->id);
  if (!d->typed) return;
  tier_buf_put(j, ",\"type\":", 8);
  tier_buf_json(j, r->type);
}

/* The same move as a JSON object in the moves list. */
static void move_json(struct diff *d, const struct diff_move *m) {
  tier_buf *j = d->moves_json;
  const tier_result *why = m->why;
  bool up = m->direction > 0;
  partner_json(d, j, m->from);
  tier_buf_put(j, ",\"from\":", 8);
  tier_buf_json(j, m->from->tier);
  tier_buf_put(j, ",\"to\":", 6);
  tier_buf_json(j, m->to->tier);
  if (m->removed) tier_buf_puts(j, ",\"from_removed\":true");
  if (diff_grant_move(m)) tier_buf_puts(j, diff_grant_move(m) > 0 ? ",\"granted\":\"new\"" : ",\"granted\":\"lost\"");
  tier_buf_printf(j, ",\"direction\":\"%s\",\"because\":{\"rules\":\"%s\",\"tier\":", up ? "up" : "down", up ? "old" : "new");
  tier_buf_json(j, why->next);
  tier_buf_put(j, ",\"unmet\":[", 10);
  unmet_json(j, why->unmet, why->nunmet);
  tier_buf_put(j, "]}}", 3);
}

/* ---- what changes beside the tier: badges, paths, grants ------------------------------- */

void diff_paths_taken(const tier_result *res, void (*fn)(void *ctx, const tier_req_result *branch, bool only), void *ctx) {
  enum { DEEP = 64 };                       /* deeper than the language nests (8.6: 4) */
  const tier_req_result *open[DEEP];        /* open[k]: the latest entry at depth k, so the */
  for (size_t i = 0; i < res->nreqs; i++) { /* groups around one at depth d are open[0 .. d) */
    const tier_req_result *u = &res->reqs[i];
    if (u->depth < 0 || u->depth >= DEEP) continue;
    open[u->depth] = u;
    if (u->kind != TIER_ENTRY_BRANCH || !u->met) continue;
    bool holds = u->badge ? u->badge_index >= 0 && (size_t)u->badge_index < res->nbadges && res->badges[u->badge_index].held
                          : u->tier_index == res->tier_index;
    for (int k = 0; holds && k < u->depth; k++) holds = open[k]->met;
    const tier_req_result *either = u->depth ? open[u->depth - 1] : NULL;
    if (holds) fn(ctx, u, either && either->kind == TIER_ENTRY_EITHER && either->held == 1);
  }
}

/* The names of the branches met in one tier or badge (badge: its index in
 * res, else -1 for the tier res holds), each NUL-ended. */
struct path_pick {
  int badge;
  tier_buf *out;
};
static void pick_path(void *ctx, const tier_req_result *u, bool only) {
  const struct path_pick *p = ctx;
  (void)only;
  if (p->badge >= 0 ? !u->badge || u->badge_index != p->badge : u->badge != NULL) return;
  if (u->place) tier_buf_printf(p->out, "#%u", u->place);
  else tier_buf_printf(p->out, "=%s", u->rule);
  tier_buf_putc(p->out, '\0');
}

const char *diff_path_name(const char *s, char buf[BRANCH_SHOWN_MAX]) {
  if (*s != '#') return s + (*s == '=');
  snprintf(buf, BRANCH_SHOWN_MAX, "branch %lu", strtoul(s + 1, NULL, 10));
  return buf;
}

const char *diff_path_text(tier_buf *t, tier_buf *path, struct esc_pool *p, bool term) {
  size_t n;
  const char *s = tier_buf_text(path, &n), *end = s ? s + n : NULL;
  if (!n) tier_buf_puts(t, _("no alternative path"));
  for (const char *e = s; e && e < end; e += strlen(e) + 1) {
    unsigned long k = *e == '#' ? strtoul(e + 1, NULL, 10) : 0;
    if (e != s) tier_buf_puts(t, _(", "));
    tier_buf_puts(t, esc_branch(p, *e == '#' ? "" : e + (*e == '='), k > 0x7fffffff ? 0x7fffffff : (unsigned)k, term));
  }
  const char *text = tier_buf_text(t, NULL);
  return text ? text : "";
}

/* Whether two paths name the same branches in English, as JSON does: a
 * label "branch 2" in one and the unnamed branch 2 in the other are one
 * name (within one either the compiler refuses it). */
static bool same_path(tier_buf *a, tier_buf *b) {
  size_t na, nb;
  const char *p = tier_buf_text(a, &na), *q = tier_buf_text(b, &nb), *pe = p ? p + na : NULL, *qe = q ? q + nb : NULL;
  char x[BRANCH_SHOWN_MAX], y[BRANCH_SHOWN_MAX];
  for (; p && q && p < pe && q < qe; p += strlen(p) + 1, q += strlen(q) + 1)
    if (strcmp(diff_path_name(p, x), diff_path_name(q, y)) != 0) return false;
  return (!p || p >= pe) && (!q || q >= qe);
}

/* Whether the tier (badge -1) or badge k held under both rules is held by
 * other paths: each side's into the next free change, kept when they
 * differ. */
static void path_change(struct diff *d, const tier_result *ro, const tier_result *rn, const struct diff_badge *b) {
  struct diff_change *c = &d->chg[d->nchg];
  tier_buf_clear(c->old_path);
  tier_buf_clear(c->new_path);
  struct path_pick po = {b ? b->old_index : -1, c->old_path}, pn = {b ? b->new_index : -1, c->new_path};
  diff_paths_taken(ro, pick_path, &po);
  diff_paths_taken(rn, pick_path, &pn);
  if (same_path(c->old_path, c->new_path)) return;
  c->kind = DIFF_PATH;
  c->badge = b;
  c->why = NULL;
  d->nchg++;
}

static void add_change(struct diff *d, int kind, const struct diff_badge *b, const tier_badge_result *why) {
  struct diff_change *c = &d->chg[d->nchg++];
  c->kind = kind;
  c->badge = b;
  c->why = why;
}

/* The partner's changes beside its tier into d->chg, and what it holds of
 * each badge into d->states.  same_tier: its tier stays (its path and
 * whether a grant gives it are compared only then). */
static void side_changes(struct diff *d, const tier_result *ro, const tier_result *rn, bool same_tier) {
  d->nchg = 0;
  if (same_tier && ro->tier && rn->tier) {
    if (!ro->granted != !rn->granted) add_change(d, DIFF_GRANT, NULL, NULL);
    path_change(d, ro, rn, NULL);
  }
  for (int k = 0; k < d->nbadges; k++) {
    const struct diff_badge *b = &d->badges[k];
    const tier_badge_result *bo = b->old_index >= 0 && (size_t)b->old_index < ro->nbadges ? &ro->badges[b->old_index] : NULL;
    const tier_badge_result *bn = b->new_index >= 0 && (size_t)b->new_index < rn->nbadges ? &rn->badges[b->new_index] : NULL;
    bool ho = bo && bo->held, hn = bn && bn->held;
    d->states[k] = (char)('0' + ho + 2 * hn);
    if (ho && !hn) add_change(d, DIFF_BADGE_LOST, b, bn);
    else if (hn && !ho) add_change(d, DIFF_BADGE_GAINED, b, bo);
    else if (ho && hn) path_change(d, ro, rn, b);
  }
}

/* A path as a line says it, into d->shown[k] (emptied first). */
static const char *path_text(struct diff *d, int k, tier_buf *path) {
  tier_buf_clear(d->shown[k]);
  return diff_path_text(d->shown[k], path, d->pool, true);
}

/* One change beside the tier as a line of text. */
static void change_text(struct diff *d, const tier_result *ro, const tier_result *rn, const struct diff_change *c) {
  tier_buf *b = d->changes_text;
  const char *badge = c->badge ? esc_str(d->pool, c->badge->shown) : NULL;
  const char *tier = esc_str(d->pool, rn->tier_display ? rn->tier_display : rn->tier ? rn->tier : "");
  partner_text(d, b, rn);
  switch (c->kind) {
  case DIFF_BADGE_GAINED:
    if (!c->why) tier_buf_printf(b, _("badge %s gained (a new badge)\n"), badge);
    else tier_buf_printf(b, _("badge %s gained; old rules for it: "), badge);
    break;
  case DIFF_BADGE_LOST:
    if (!c->why) tier_buf_printf(b, _("badge %s lost (the badge is removed)\n"), badge);
    else tier_buf_printf(b, _("badge %s lost; new rules for it: "), badge);
    break;
  case DIFF_GRANT:
    tier_buf_printf(b,
                    rn->granted ? _("%s now by a grant (its requirements do not earn it)\n")
                                : _("%s now earned by its requirements (no longer by a grant)\n"),
                    tier);
    break;
  case DIFF_PATH:
    tier_buf_printf(b, badge ? _("badge %s by another path: %s (was %s)\n") : _("%s by another path: %s (was %s)\n"),
                    badge ? badge : tier, path_text(d, 0, c->new_path), path_text(d, 1, c->old_path));
    break;
  }
  if ((c->kind == DIFF_BADGE_GAINED || c->kind == DIFF_BADGE_LOST) && c->why) needs_text(d, b, c->why->unmet, c->why->nunmet);
  (void)ro;
}

/* A path as a JSON list of branch names. */
static void path_json(tier_buf *j, tier_buf *path) {
  size_t n;
  const char *p = tier_buf_text(path, &n), *end = p ? p + n : NULL;
  char name[BRANCH_SHOWN_MAX];
  tier_buf_putc(j, '[');
  for (const char *s = p; s && s < end; s += strlen(s) + 1) {
    if (s != p) tier_buf_putc(j, ',');
    tier_buf_json(j, diff_path_name(s, name));
  }
  tier_buf_putc(j, ']');
}

/* The same change as a JSON object in the changes list. */
static void change_json(struct diff *d, const tier_result *ro, const tier_result *rn, const struct diff_change *c) {
  static const char *const kinds[] = {
      [DIFF_BADGE_GAINED] = "badge_gained", [DIFF_BADGE_LOST] = "badge_lost", [DIFF_PATH] = "path", [DIFF_GRANT] = "granted"};
  tier_buf *j = d->changes_json;
  partner_json(d, j, rn);
  tier_buf_printf(j, ",\"change\":\"%s\"", kinds[c->kind]);
  if (c->badge) {
    tier_buf_put(j, ",\"badge\":", 9);
    tier_buf_json(j, c->badge->name);
  } else {
    tier_buf_put(j, ",\"tier\":", 8);
    tier_buf_json(j, rn->tier);
  }
  if (c->kind == DIFF_PATH) {
    tier_buf_put(j, ",\"old\":", 7);
    path_json(j, c->old_path);
    tier_buf_put(j, ",\"new\":", 7);
    path_json(j, c->new_path);
  } else if (c->kind == DIFF_GRANT) {
    tier_buf_printf(j, ",\"old\":%s,\"new\":%s", ro->granted ? "true" : "false", rn->granted ? "true" : "false");
  } else if (!c->why) {
    tier_buf_puts(j, c->kind == DIFF_BADGE_GAINED ? ",\"badge_new\":true" : ",\"badge_removed\":true");
  } else {
    tier_buf_printf(j, ",\"because\":{\"rules\":\"%s\",\"unmet\":[", c->kind == DIFF_BADGE_GAINED ? "old" : "new");
    unmet_json(j, c->why->unmet, c->why->nunmet);
    tier_buf_put(j, "]}", 2);
  }
  tier_buf_putc(j, '}');
}

/* Count one partner of partner type `type` that held ladder place po under
 * the old rules and holds pn under the new (-1: no tier).  Its type's
 * figures, with *dir the move (+1 up, -1 down, 0 none), or NULL when it
 * could not be counted (out of memory). */
static struct diff_type *tally(struct diff *d, const char *type, int po, int pn, int *dir) {
  d->partners++;
  struct diff_type *t = type_of(d, type);
  if (!t || po >= t->lad.nold || pn >= t->lad.nnew) {
    d->uncounted++;
    return NULL;
  }
  DIFF_CELL(t, po, pn)++;
  *dir = tier_ladder_direction(&t->lad, po, pn);
  if (*dir > 0) t->up++;
  else if (*dir < 0) t->down++;
  else t->stay++;
  return t;
}

/* Count what changes beside the tier of the partner just counted (in t,
 * with move dir): the badges it holds (states, as d->states), and whether
 * its badges, path or grant change while its tier stays. */
static void tally_side(struct diff *d, struct diff_type *t, int dir, const char *states, bool changed) {
  for (int k = 0; k < d->nbadges && states[k]; k++) {
    struct diff_badge *b = &d->badges[k];
    int s = states[k] - '0';
    b->held_old += s & 1;
    b->held_new += s >> 1 & 1;
    b->gained += s == 2;
    b->lost += s == 1;
  }
  if (t && dir == 0 && changed) t->changed++;
}

bool diff_add(struct diff *d, const tier_result *ro, const tier_result *rn, struct diff_move *mv) {
  int po = ladder_pos(d->old, ro->tier_index), pn = ladder_pos(d->new_, rn->tier_index), dir = 0;
  struct diff_type *t = tally(d, type_name(rn), po, pn, &dir);
  side_changes(d, ro, rn, t && dir == 0);
  tally_side(d, t, dir, d->states, d->nchg > 0);
  for (int i = 0; i < d->nchg; i++) {
    change_text(d, ro, rn, &d->chg[i]);
    change_json(d, ro, rn, &d->chg[i]);
  }
  if (!t || dir == 0) return false;
  struct diff_move m = {t, ro, rn, dir > 0 ? ro : rn, dir, po >= 0 && t->lad.old_to_new[po] < 0};
  move_text(d, &m);
  move_json(d, &m);
  if (mv) *mv = m;
  return true;
}

void diff_error(struct diff *d, long record, const char *id, const char *which, const char *err, const char *path) {
  d->errors++;
  struct esc_pool *p = d->pool;
  const char *where = path && *path ? esc_str(p, path) : "", *sep = path && *path ? ": " : "";
  /* which: "old", "new" or "both" */
  const char *rules = !strcmp(which, "old") ? _("old rules") : !strcmp(which, "new") ? _("new rules") : _("both rules");
  if (id)
    tier_buf_printf(d->errors_text, _("  record %ld (%s) (%s): %s%s%s\n"), record, esc_str(p, id), rules, where, sep, esc_str(p, err));
  else tier_buf_printf(d->errors_text, _("  record %ld (%s): %s%s%s\n"), record, rules, where, sep, esc_str(p, err));
  tier_buf *j = d->errors_json;
  if (tier_buf_len(j)) tier_buf_putc(j, ',');
  tier_buf_printf(j, "{\"record\":%ld,\"id\":", record);
  tier_buf_json(j, id);
  tier_buf_printf(j, ",\"rules\":\"%s\",\"error\":", which);
  tier_buf_json(j, err);
  if (path && *path) {
    tier_buf_put(j, ",\"path\":", 8);
    tier_buf_json(j, path);
  }
  tier_buf_putc(j, '}');
}

/* ---- events: the figures counted on several threads (-j) -------------------------------
 *
 * A worker's diff renders one record at a time into an event; the main
 * thread applies the events in input order to the one diff that is
 * rendered.  An event is a tag and NUL-ended fields:
 *   'M' type, "po pn changed", badge states,   (a partner counted; states as
 *       move text, move JSON,                  struct diff's, the move fields
 *       changes text, changes JSON             empty when its tier stays)
 *   'E' error text, error JSON                 (a record rejected)
 * Only text travels, so the main diff counts, quotes and orders exactly as
 * one thread would: its types appear in the order of their first partner. */

/* Append from's text to b as a NUL-ended field, and empty from. */
static void take(tier_buf *b, tier_buf *from) {
  put_buf(b, from);
  tier_buf_putc(b, '\0');
  tier_buf_clear(from);
}

bool diff_add_event(struct diff *w, const tier_result *ro, const tier_result *rn, tier_buf *ev, struct diff_move *mv) {
  int po = ladder_pos(w->old, ro->tier_index), pn = ladder_pos(w->new_, rn->tier_index);
  bool moves = diff_add(w, ro, rn, mv); /* the move and the changes rendered into w's buffers */
  tier_buf_putc(ev, 'M');
  tier_buf_put(ev, type_name(rn), strlen(type_name(rn)) + 1);
  tier_buf_printf(ev, "%d %d %d", po, pn, w->nchg > 0);
  tier_buf_putc(ev, '\0');
  tier_buf_put(ev, w->states, strlen(w->states) + 1);
  take(ev, w->moves_text);
  take(ev, w->moves_json);
  take(ev, w->changes_text);
  take(ev, w->changes_json);
  return moves;
}

void diff_error_event(struct diff *w, long record, const char *id, const char *which, const char *err, const char *path,
                      tier_buf *ev) {
  diff_error(w, record, id, which, err, path);
  tier_buf_putc(ev, 'E');
  take(ev, w->errors_text);
  take(ev, w->errors_json);
}

/* The next NUL-ended field of an event at *s (n bytes left), or NULL when
 * there is none. */
static const char *field(const char **s, const char *end) {
  const char *f = *s, *z = f < end ? memchr(f, '\0', (size_t)(end - f)) : NULL;
  if (!z) return NULL;
  *s = z + 1;
  return f;
}

/* Append a JSON list's elements: a comma before all but the first. */
static void put_element(tier_buf *list, const char *e) {
  if (!*e) return;
  if (tier_buf_len(list)) tier_buf_putc(list, ',');
  tier_buf_puts(list, e);
}

/* Apply one event; false when there is none or it is malformed (never,
 * from the functions above). */
bool diff_apply_event(struct diff *d, const char **s, const char *end) {
  enum { NF = 7 };
  if (*s >= end) return false;
  char tag = *(*s)++;
  const char *f[NF];
  int nf = tag == 'M' ? NF : 2;
  for (int i = 0; i < nf; i++)
    if (!(f[i] = field(s, end))) return false;
  if (tag == 'E') {
    d->errors++;
    tier_buf_puts(d->errors_text, f[0]);
    put_element(d->errors_json, f[1]);
    return true;
  }
  int po, pn, changed, dir = 0;
  if (tag != 'M' || sscanf(f[1], "%d %d %d", &po, &pn, &changed) != 3) return false;
  struct diff_type *t = tally(d, f[0], po, pn, &dir);
  tally_side(d, t, dir, f[2], changed);
  if (t && dir != 0) {
    tier_buf_puts(d->moves_text, f[3]);
    put_element(d->moves_json, f[4]);
  }
  tier_buf_puts(d->changes_text, f[5]);
  put_element(d->changes_json, f[6]);
  return true;
}

void diff_apply(struct diff *d, const char *ev, size_t n) {
  const char *end = ev + n;
  while (diff_apply_event(d, &ev, end)) continue;
}

/* The two ladders side by side, in the new ladder's order, a removed tier
 * where it stood: pairs (old, new) of positions, -1 for none. */
struct pairs { int *o, *n_; int n; };
static void ladder_pairs(const tier_ladder *l, struct pairs *p) {
  p->o = malloc(sizeof(int) * (size_t)(l->nold + l->nnew + 1));
  p->n_ = malloc(sizeof(int) * (size_t)(l->nold + l->nnew + 1));
  p->n = 0;
  if (!p->o || !p->n_) return;
  int i = 0;
  for (int j = 0; j <= l->nnew; j++) {
    for (; i < l->nold; i++) { /* removed tiers below new tier j */
      if (l->old_to_new[i] >= 0) continue;
      if (j < l->nnew && l->old_rank[i] > l->new_rank[j]) break;
      p->o[p->n] = i;
      p->n_[p->n++] = -1;
    }
    if (j < l->nnew) {
      p->o[p->n] = l->new_to_old[j];
      p->n_[p->n++] = j;
    }
  }
}
static void pairs_free(struct pairs *p) {
  free(p->o);
  free(p->n_);
}

/* "Registered, Standard is now Select, Advanced (removed), Premier, Elite (new)" */
void ladder_text(const tier_ladder *l, tier_buf *b) {
  struct pairs p;
  ladder_pairs(l, &p);
  for (int k = 0; k < p.n; k++) {
    const char *o = p.o[k] >= 0 ? l->old_names[p.o[k]] : NULL, *w = p.n_[k] >= 0 ? l->new_names[p.n_[k]] : NULL;
    tier_buf_printf(b, "%s", k ? _(", ") : "");
    if (!w) tier_buf_printf(b, _("%s (removed)"), o);
    else if (!o) tier_buf_printf(b, _("%s (new)"), w);
    else if (strcmp(o, w)) tier_buf_printf(b, _("%s is now %s"), o, w);
    else tier_buf_printf(b, "%s", w);
  }
  if (!p.o || !p.n_) tier_buf_puts(b, _("(out of memory)"));
  pairs_free(&p);
}

static void ruleset_line(tier_buf *b, const tier_ruleset *rs, const char *path) {
  const char *n = tier_ruleset_name(rs), *v = tier_ruleset_version(rs);
  char hash[65];
  tier_ruleset_hash(rs, hash);
  tier_buf_printf(b, _("%s%s%s (%s, rules %.16s)"), *n ? n : _("ruleset"), *v ? " " : "", v, path, hash);
}

/* Whether partner type t has tiers under either ruleset: the partners of
 * a ruleset of badges only have no type and no ladder, and neither the text nor
 * the JSON shows a ladder or matrix for them (their count is in the total). */
static bool has_ladder(const struct diff_type *t) { return t->lad.nold > 0 || t->lad.nnew > 0; }

/* One partner type's figures as a JSON object: its ladder side by side,
 * the moves and the matrix. */
static void json_type(tier_buf *b, const struct diff_type *t) {
  tier_buf_put(b, "{\"type\":", 8);
  tier_buf_json(b, t->name);
  tier_buf_put(b, ",\"ladder\":[", 11);
  struct pairs pp;
  ladder_pairs(&t->lad, &pp);
  for (int k = 0; k < pp.n; k++) {
    if (k) tier_buf_putc(b, ',');
    tier_buf_put(b, "{\"old\":", 7);
    tier_buf_json(b, pp.o[k] >= 0 ? t->lad.old_names[pp.o[k]] : NULL);
    tier_buf_put(b, ",\"new\":", 7);
    tier_buf_json(b, pp.n_[k] >= 0 ? t->lad.new_names[pp.n_[k]] : NULL);
    tier_buf_putc(b, '}');
  }
  pairs_free(&pp);
  tier_buf_printf(b, "],\"up\":%ld,\"down\":%ld,\"stay\":%ld,\"changed\":%ld,\"matrix\":[", t->up, t->down, t->stay, t->changed);
  for (int r = -1; r < t->lad.nold; r++) {
    tier_buf_printf(b, "%s[", r >= 0 ? "," : "");
    for (int c = -1; c < t->lad.nnew; c++) tier_buf_printf(b, "%s%ld", c >= 0 ? "," : "", DIFF_CELL(t, r, c));
    tier_buf_putc(b, ']');
  }
  tier_buf_put(b, "]}", 2);
}

/* Each badge's figures as JSON list elements. */
static void json_badges(tier_buf *b, const struct diff *d) {
  for (int k = 0; k < d->nbadges; k++) {
    const struct diff_badge *B = &d->badges[k];
    tier_buf_printf(b, "%s{\"badge\":", k ? "," : "");
    tier_buf_json(b, B->name);
    tier_buf_printf(b, ",\"in_old\":%s,\"in_new\":%s,\"held_old\":%ld,\"held_new\":%ld,\"gained\":%ld,\"lost\":%ld}",
                    B->old_index >= 0 ? "true" : "false", B->new_index >= 0 ? "true" : "false", B->held_old, B->held_new,
                    B->gained, B->lost);
  }
}

/* tiervm diff --format json: one object. */
static void render_json(const struct diff *d, tier_buf *b) {
  tier_buf_put(b, "{\"old\":{\"path\":", 15);
  tier_buf_json(b, d->old_path);
  tier_buf_put(b, ",\"version\":", 11);
  tier_buf_json(b, tier_ruleset_version(d->old));
  tier_buf_put(b, "},\"new\":{\"path\":", 16);
  tier_buf_json(b, d->new_path);
  tier_buf_put(b, ",\"version\":", 11);
  tier_buf_json(b, tier_ruleset_version(d->new_));
  tier_buf_printf(b, "},\"partners\":%ld,\"rejected\":%ld,\"types\":[", d->partners, d->errors);
  for (int i = 0, n = 0; i < d->ntypes; i++)
    if (has_ladder(&d->types[i])) {
      if (n++) tier_buf_putc(b, ',');
      json_type(b, &d->types[i]);
    }
  tier_buf_put(b, "],\"badges\":[", 12);
  json_badges(b, d);
  tier_buf_put(b, "],\"moves\":[", 11);
  put_buf(b, d->moves_json);
  tier_buf_put(b, "],\"changes\":[", 13);
  put_buf(b, d->changes_json);
  tier_buf_put(b, "],\"errors\":[", 12);
  put_buf(b, d->errors_json);
  tier_buf_put(b, "]}\n", 3);
}

/* A cell of the matrix: s, w display columns wide (Japanese takes two a
 * character), after a space; left-aligned (the first column) or right. */
static void matrix_cell(tier_buf *b, const char *s, size_t w, bool left) {
  size_t sw = esc_width(s, strlen(s));
  tier_buf_putc(b, ' ');
  if (left) tier_buf_puts(b, s);
  for (; sw < w; sw++) tier_buf_putc(b, ' ');
  if (!left) tier_buf_puts(b, s);
}

/* One partner type's counts and its matrix: rows the old tier, columns
 * the new one, "." for none. */
static void text_matrix(tier_buf *b, const struct diff_type *t) {
  long n = t->up + t->down + t->stay;
  if (t->changed)
    tier_buf_printf(
        b, _("\n%s: %ld partners, %ld move up, %ld move down, %ld stay (%ld of them with other badges, path or grant)\n"),
        t->name, n, t->up, t->down, t->stay, t->changed);
  else tier_buf_printf(b, _("\n%s: %ld partners, %ld move up, %ld move down, %ld stay\n"), t->name, n, t->up, t->down, t->stay);
  /* the matrix: rows old tier, columns new tier */
  const char *corner = _("old \\ new"), *none = _("none");
  size_t w = 10;
  for (int k = 0; k < t->lad.nold; k++) {
    size_t kw = esc_width(t->old_shown[k], strlen(t->old_shown[k])) + 5;
    w = kw > w ? kw : w;
  }
  tier_buf_putc(b, ' ');
  matrix_cell(b, corner, w, true);
  matrix_cell(b, none, 10, false);
  for (int c = 0; c < t->lad.nnew; c++) matrix_cell(b, t->new_shown[c], 10, false);
  tier_buf_putc(b, '\n');
  for (int r = -1; r < t->lad.nold; r++) {
    tier_buf_putc(b, ' ');
    matrix_cell(b, r >= 0 ? t->old_shown[r] : none, w, true);
    for (int c = -1; c < t->lad.nnew; c++) {
      char v[24];
      snprintf(v, sizeof v, "%ld", DIFF_CELL(t, r, c));
      matrix_cell(b, DIFF_CELL(t, r, c) ? v : ".", 10, false);
    }
    tier_buf_putc(b, '\n');
  }
}

/* Each badge: how many partners hold it under the old rules and the new,
 * how many gain it and how many lose it. */
static void text_badges(tier_buf *b, const struct diff *d) {
  if (d->nbadges) tier_buf_puts(b, _("\nBadges:\n"));
  for (int k = 0; k < d->nbadges; k++) {
    const struct diff_badge *B = &d->badges[k];
    if (B->new_index < 0)
      tier_buf_printf(b, _("  %s (removed): held by %ld partners under the old rules\n"), B->shown, B->held_old);
    else if (B->old_index < 0)
      tier_buf_printf(b, _("  %s (new): held by %ld partners under the new rules\n"), B->shown, B->held_new);
    else
      tier_buf_printf(b, _("  %s: held by %ld partners under the old rules, %ld under the new: %ld gained, %ld lost\n"), B->shown,
                      B->held_old, B->held_new, B->gained, B->lost);
  }
}

/* tiervm diff's text: the two rulesets, the ladders, each type's matrix,
 * the partners that move and why, the rejected records, the totals. */
static void render_text(const struct diff *d, tier_buf *b) {
  tier_buf_puts(b, _("Rule change\n  old: "));
  ruleset_line(b, d->old, d->old_path);
  tier_buf_puts(b, _("\n  new: "));
  ruleset_line(b, d->new_, d->new_path);
  tier_buf_puts(b, "\n");
  bool ladders = false;
  for (int i = 0; i < d->ntypes; i++) ladders |= has_ladder(&d->types[i]);
  if (ladders) tier_buf_puts(b, _("\nTiers are matched by name, or by their place in the ladder when renamed:\n"));
  for (int i = 0; i < d->ntypes; i++) {
    const struct diff_type *t = &d->types[i];
    if (!has_ladder(t)) continue;
    tier_buf_printf(b, "  %s: ", t->name);
    ladder_text(&t->lad, b);
    tier_buf_putc(b, '\n');
  }
  for (int i = 0; i < d->ntypes; i++)
    if (has_ladder(&d->types[i])) text_matrix(b, &d->types[i]);
  text_badges(b, d);
  long up = 0, down = 0, stay = 0, changed = 0;
  for (int i = 0; i < d->ntypes; i++) {
    up += d->types[i].up;
    down += d->types[i].down;
    stay += d->types[i].stay;
    changed += d->types[i].changed;
  }
  if (tier_buf_len(d->moves_text)) {
    tier_buf_puts(b, _("\nPartners that move, and the requirements that move them:\n"));
    put_buf(b, d->moves_text);
  }
  if (tier_buf_len(d->changes_text)) {
    tier_buf_puts(b,
                  ladders ? _("\nBadges gained and lost, and tiers held by another path or grant:\n")
                          : _("\nBadges gained and lost, and badges held by another path:\n"));
    put_buf(b, d->changes_text);
  }
  if (tier_buf_len(d->errors_text)) {
    tier_buf_puts(b, _("\nRecords rejected (not counted above):\n"));
    put_buf(b, d->errors_text);
  }
  if (d->uncounted) tier_buf_printf(b, _("\n%ld partners are left out of the figures (out of memory)\n"), d->uncounted);
  if (!ladders) /* badges only: no tier to move up or down */
    tier_buf_printf(b, _("\nTotal: %ld partners: %ld with other badges or paths; %ld rejected\n"), d->partners, changed,
                    d->errors);
  else if (changed)
    tier_buf_printf(
        b, _("\nTotal: %ld partners: %ld up, %ld down, %ld stay (%ld of them with other badges, path or grant); %ld rejected\n"),
        d->partners, up, down, stay, changed, d->errors);
  else
    tier_buf_printf(b, _("\nTotal: %ld partners: %ld up, %ld down, %ld stay; %ld rejected\n"), d->partners, up, down, stay,
                    d->errors);
}

void diff_render(const struct diff *d, int fmt, tier_buf *b) {
  if (fmt == FMT_JSON) render_json(d, b);
  else render_text(d, b);
}

void diff_free(struct diff *d) {
  for (int i = 0; i < d->ntypes; i++) type_free(&d->types[i]);
  free(d->types);
  tier_buf_free(d->moves_text);
  tier_buf_free(d->moves_json);
  tier_buf_free(d->errors_json);
  tier_buf_free(d->errors_text);
  tier_buf_free(d->changes_text);
  tier_buf_free(d->changes_json);
  tier_buf_free(d->shown[0]);
  tier_buf_free(d->shown[1]);
  if (d->pool) esc_pool_free(d->pool);
  free(d->pool);
  for (int i = 0; d->chg && i < d->capchg; i++) {
    tier_buf_free(d->chg[i].old_path);
    tier_buf_free(d->chg[i].new_path);
  }
  free(d->chg);
  free(d->badges);
  free(d->states);
}
