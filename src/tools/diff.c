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

int diff_init(struct diff *d, const tier_ruleset *old, const tier_ruleset *new_, const char *op, const char *np) {
  memset(d, 0, sizeof *d);
  d->old = old;
  d->new_ = new_;
  d->old_path = op;
  d->new_path = np;
  d->moves_text = tier_buf_new(NULL);
  d->moves_json = tier_buf_new(NULL);
  d->errors_json = tier_buf_new(NULL);
  d->errors_text = tier_buf_new(NULL);
  d->pool = malloc(sizeof *d->pool);
  if (d->pool && esc_pool_init(d->pool) != 0) {
    esc_pool_free(d->pool);
    free(d->pool);
    d->pool = NULL;
  }
  return d->moves_text && d->moves_json && d->errors_json && d->errors_text && d->pool ? 0 : -1;
}

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

/* A move as a line of text: who, from where to where, and what the rules
 * that explain it miss; first, when it held a tier the new rules no
 * longer have, that. */
static void move_text(struct diff *d, const struct diff_move *m) {
  struct esc_pool *p = d->pool; /* ids and needs come from the records: quoted for the terminal */
  const tier_result *ro = m->from, *rn = m->to, *why = m->why;
  bool up = m->direction > 0;
  const char *from = ro->tier_display ? ro->tier_display : ro->tier, *to = rn->tier_display ? rn->tier_display : rn->tier;
  const char *next = why->next_display ? why->next_display : why->next;
  tier_buf_printf(d->moves_text, "  %-10s %-11s %s -> %s (%s): ", ro->id ? esc_str(p, ro->id) : "-", esc_str(p, m->type->name),
                  from ? esc_str(p, from) : _("none"), to ? esc_str(p, to) : _("none"), up ? _("up") : _("down"));
  if (m->removed) tier_buf_printf(d->moves_text, _("tier %s removed; "), esc_str(p, from));
  tier_buf_printf(d->moves_text, up ? _("old rules for %s: ") : _("new rules for %s: "), next ? esc_str(p, next) : "?");
  for (size_t i = 0; i < why->nunmet; i++)
    tier_buf_printf(d->moves_text, "%s%s", i ? "; " : "",
                    esc_str(p, why->unmet[i].need[0] ? why->unmet[i].need : why->unmet[i].rule));
  tier_buf_putc(d->moves_text, '\n');
}

/* The same move as a JSON object in the moves list. */
static void move_json(struct diff *d, const struct diff_move *m) {
  tier_buf *j = d->moves_json;
  const tier_result *why = m->why;
  bool up = m->direction > 0;
  if (tier_buf_len(j)) tier_buf_putc(j, ',');
  tier_buf_put(j, "{\"id\":", 6);
  tier_buf_json(j, m->from->id);
  tier_buf_put(j, ",\"type\":", 8);
  tier_buf_json(j, m->type->name);
  tier_buf_put(j, ",\"from\":", 8);
  tier_buf_json(j, m->from->tier);
  tier_buf_put(j, ",\"to\":", 6);
  tier_buf_json(j, m->to->tier);
  if (m->removed) tier_buf_puts(j, ",\"from_removed\":true");
  tier_buf_printf(j, ",\"direction\":\"%s\",\"because\":{\"rules\":\"%s\",\"tier\":", up ? "up" : "down", up ? "old" : "new");
  tier_buf_json(j, why->next);
  tier_buf_put(j, ",\"unmet\":[", 10);
  for (size_t i = 0; i < why->nunmet; i++) {
    const tier_req_result *u = &why->unmet[i];
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
    tier_buf_put(j, ",\"need\":", 8);
    tier_buf_json(j, u->need);
    tier_buf_putc(j, '}');
  }
  tier_buf_put(j, "]}}", 3);
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

static const char *type_name(const tier_result *r) { return r->type ? r->type : "?"; }

bool diff_add(struct diff *d, const tier_result *ro, const tier_result *rn, struct diff_move *mv) {
  int po = ladder_pos(d->old, ro->tier_index), pn = ladder_pos(d->new_, rn->tier_index), dir;
  struct diff_type *t = tally(d, type_name(rn), po, pn, &dir);
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
 *   'M' type, "po pn", move text, move JSON   (a partner counted; the move
 *                                              fields empty when it stays)
 *   'E' error text, error JSON                (a record rejected)
 * Only text travels, so the main diff counts, quotes and orders exactly as
 * one thread would: its types appear in the order of their first partner. */

/* Append from's text to b as a NUL-ended field, and empty from. */
static void take(tier_buf *b, tier_buf *from) {
  put_buf(b, from);
  tier_buf_putc(b, '\0');
  tier_buf_clear(from);
}

void diff_add_event(struct diff *w, const tier_result *ro, const tier_result *rn, tier_buf *ev) {
  int po = ladder_pos(w->old, ro->tier_index), pn = ladder_pos(w->new_, rn->tier_index);
  diff_add(w, ro, rn, NULL); /* the move, if any, rendered into w's buffers */
  tier_buf_putc(ev, 'M');
  tier_buf_put(ev, type_name(rn), strlen(type_name(rn)) + 1);
  tier_buf_printf(ev, "%d %d", po, pn);
  tier_buf_putc(ev, '\0');
  take(ev, w->moves_text);
  take(ev, w->moves_json);
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

/* Append a JSON list element: a comma before all but the first. */
static void put_element(tier_buf *list, const char *e) {
  if (!*e) return;
  if (tier_buf_len(list)) tier_buf_putc(list, ',');
  tier_buf_puts(list, e);
}

/* Apply one event; false when it is malformed (never, from the functions above). */
static bool apply(struct diff *d, const char **s, const char *end) {
  char tag = *(*s)++;
  const char *a = field(s, end), *b = field(s, end), *c = tag == 'M' ? field(s, end) : "", *e = tag == 'M' ? field(s, end) : "";
  if (!a || !b || !c || !e) return false;
  if (tag == 'E') {
    d->errors++;
    tier_buf_puts(d->errors_text, a);
    put_element(d->errors_json, b);
    return true;
  }
  int po, pn, dir;
  if (tag != 'M' || sscanf(b, "%d %d", &po, &pn) != 2) return false;
  if (tally(d, a, po, pn, &dir) && dir != 0) {
    tier_buf_puts(d->moves_text, c);
    put_element(d->moves_json, e);
  }
  return true;
}

void diff_apply(struct diff *d, const char *ev, size_t n) {
  const char *end = ev + n;
  while (ev < end && apply(d, &ev, end)) continue;
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
  tier_buf_printf(b, "],\"up\":%ld,\"down\":%ld,\"stay\":%ld,\"matrix\":[", t->up, t->down, t->stay);
  for (int r = -1; r < t->lad.nold; r++) {
    tier_buf_printf(b, "%s[", r >= 0 ? "," : "");
    for (int c = -1; c < t->lad.nnew; c++) tier_buf_printf(b, "%s%ld", c >= 0 ? "," : "", DIFF_CELL(t, r, c));
    tier_buf_putc(b, ']');
  }
  tier_buf_put(b, "]}", 2);
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
  for (int i = 0; i < d->ntypes; i++) {
    if (i) tier_buf_putc(b, ',');
    json_type(b, &d->types[i]);
  }
  tier_buf_put(b, "],\"moves\":[", 11);
  put_buf(b, d->moves_json);
  tier_buf_put(b, "],\"errors\":[", 12);
  put_buf(b, d->errors_json);
  tier_buf_put(b, "]}\n", 3);
}

/* One partner type's counts and its matrix: rows the old tier, columns
 * the new one, "." for none. */
static void text_matrix(tier_buf *b, const struct diff_type *t) {
  tier_buf_printf(b, _("\n%s: %ld partners, %ld move up, %ld move down, %ld stay\n"), t->name, t->up + t->down + t->stay, t->up,
                  t->down, t->stay);
  /* the matrix: rows old tier, columns new tier */
  size_t w = 10;
  for (int k = 0; k < t->lad.nold; k++) w = strlen(t->old_shown[k]) + 5 > w ? strlen(t->old_shown[k]) + 5 : w;
  tier_buf_printf(b, "  %-*s", (int)w, "old \\ new");
  tier_buf_printf(b, " %10s", "none");
  for (int c = 0; c < t->lad.nnew; c++) tier_buf_printf(b, " %10s", t->new_shown[c]);
  tier_buf_putc(b, '\n');
  for (int r = -1; r < t->lad.nold; r++) {
    tier_buf_printf(b, "  %-*s", (int)w, r >= 0 ? t->old_shown[r] : "none");
    for (int c = -1; c < t->lad.nnew; c++) {
      long v = DIFF_CELL(t, r, c);
      if (v == 0) tier_buf_printf(b, " %10s", ".");
      else tier_buf_printf(b, " %10ld", v);
    }
    tier_buf_putc(b, '\n');
  }
}

/* tiervm diff's text: the two rulesets, the ladders, each type's matrix,
 * the partners that move and why, the rejected records, the totals. */
static void render_text(const struct diff *d, tier_buf *b) {
  tier_buf_puts(b, _("Rule change\n  old: "));
  ruleset_line(b, d->old, d->old_path);
  tier_buf_puts(b, _("\n  new: "));
  ruleset_line(b, d->new_, d->new_path);
  tier_buf_puts(b, _("\n\nTiers are matched by name, or by their place in the ladder when renamed:\n"));
  for (int i = 0; i < d->ntypes; i++) {
    const struct diff_type *t = &d->types[i];
    tier_buf_printf(b, "  %s: ", t->name);
    ladder_text(&t->lad, b);
    tier_buf_putc(b, '\n');
  }
  for (int i = 0; i < d->ntypes; i++) text_matrix(b, &d->types[i]);
  long up = 0, down = 0, stay = 0;
  for (int i = 0; i < d->ntypes; i++) {
    up += d->types[i].up;
    down += d->types[i].down;
    stay += d->types[i].stay;
  }
  if (tier_buf_len(d->moves_text)) {
    tier_buf_puts(b, _("\nPartners that move, and the requirements that move them:\n"));
    put_buf(b, d->moves_text);
  }
  if (tier_buf_len(d->errors_text)) {
    tier_buf_puts(b, _("\nRecords rejected (not counted above):\n"));
    put_buf(b, d->errors_text);
  }
  if (d->uncounted) tier_buf_printf(b, _("\n%ld partners are left out of the figures (out of memory)\n"), d->uncounted);
  tier_buf_printf(b, _("\nTotal: %ld partners: %ld up, %ld down, %ld stay; %ld rejected\n"), d->partners, up, down, stay, d->errors);
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
  if (d->pool) esc_pool_free(d->pool);
  free(d->pool);
}
