/*
 * diff.c - see diff.h.
 */
#include <stdio.h>
#include <string.h>

#include "diff.h"

/* The place of tier index t in its type's ladder, -1 for none. */
static int ladder_pos(const tier_ruleset *rs, int t) {
  tier_info T;
  return t >= 0 && tier_ruleset_tier(rs, (size_t)t, &T) == TIER_OK ? T.position : -1;
}

/* The names of the tiers of partner type `type` in rs, in ladder order. */
static int ladder(const tier_ruleset *rs, const char *type, const char **names) {
  int n = 0;
  tier_info T;
  for (size_t i = 0; tier_ruleset_tier(rs, i, &T) == TIER_OK; i++) {
    const char *tn = tier_ruleset_type(rs, (size_t)T.type_index);
    if (tn && !strcmp(tn, type) && n < DIFF_MAX_LADDER) names[n++] = T.name;
  }
  return n;
}

void diff_init(struct diff *d, const struct tier_ruleset *old, const struct tier_ruleset *new_, const char *op,
               const char *np) {
  memset(d, 0, sizeof *d);
  d->old = old;
  d->new_ = new_;
  d->old_path = op;
  d->new_path = np;
}

static struct diff_type *type_of(struct diff *d, const char *name) {
  for (int i = 0; i < d->ntypes; i++)
    if (strcmp(d->types[i].name, name) == 0) return &d->types[i];
  if (d->ntypes == (int)(sizeof d->types / sizeof d->types[0])) return NULL;
  struct diff_type *t = &d->types[d->ntypes++];
  snprintf(t->name, sizeof t->name, "%s", name);
  /* the two ladders of this type */
  t->nold = ladder(d->old, name, t->old_names);
  t->nnew = ladder(d->new_, name, t->new_names);
  return t;
}


void diff_add(struct diff *d, const tier_result *ro, const tier_result *rn) {
  d->partners++;
  struct diff_type *t = type_of(d, rn->type ? rn->type : "?");
  if (!t) return;
  int po = ladder_pos(d->old, ro->tier_index), pn = ladder_pos(d->new_, rn->tier_index);
  if (po >= DIFF_MAX_LADDER || pn >= DIFF_MAX_LADDER) return;
  t->matrix[po + 1][pn + 1]++;
  if (pn > po) t->up++;
  else if (pn < po) t->down++;
  else { t->stay++; return; }
  /* why: moving up, what the old rules missed for the tier now held; moving
   * down, what the new rules miss for the tier that was held */
  bool up = pn > po;
  const tier_result *why = up ? ro : rn;
  const char *why_rules = up ? "old" : "new";
  buf_printf(&d->moves_text, "  %-10s %-11s %s -> %s (%s): ", ro->id ? ro->id : "-", t->name, ro->tier ? ro->tier : "none",
             rn->tier ? rn->tier : "none", up ? "up" : "down");
  buf_printf(&d->moves_text, "%s rules for %s: ", why_rules, why->next ? why->next : "?");
  for (size_t i = 0; i < why->nunmet; i++)
    buf_printf(&d->moves_text, "%s%s", i ? "; " : "", why->unmet[i].need[0] ? why->unmet[i].need : why->unmet[i].rule);
  buf_u8(&d->moves_text, '\n');

  struct buf *j = &d->moves_json;
  if (j->n) buf_u8(j, ',');
  buf_put(j, "{\"id\":", 6);
  out_json_cstr(j, ro->id);
  buf_put(j, ",\"type\":", 8);
  out_json_cstr(j, t->name);
  buf_put(j, ",\"from\":", 8);
  out_json_cstr(j, ro->tier);
  buf_put(j, ",\"to\":", 6);
  out_json_cstr(j, rn->tier);
  buf_printf(j, ",\"direction\":\"%s\",\"because\":{\"rules\":\"%s\",\"tier\":", up ? "up" : "down", why_rules);
  out_json_cstr(j, why->next);
  buf_put(j, ",\"unmet\":[", 10);
  for (size_t i = 0; i < why->nunmet; i++) {
    const tier_req_result *u = &why->unmet[i];
    if (i) buf_u8(j, ',');
    buf_put(j, "{\"rule\":", 8);
    out_json_cstr(j, u->sustained ? "sustained" : u->rule);
    if (u->metric) {
      buf_put(j, ",\"metric\":", 10);
      out_json_cstr(j, u->metric);
      buf_put(j, ",\"actual\":", 10);
      out_json_value(j, u->actual, u->type, u->missing);
      buf_put(j, ",\"required\":", 12);
      out_json_value(j, u->required, u->type, false);
    }
    buf_put(j, ",\"need\":", 8);
    out_json_cstr(j, u->need);
    buf_u8(j, '}');
  }
  buf_put(j, "]}}", 3);
}

void diff_error(struct diff *d, long record, const char *id, const char *which, const char *err, const char *path) {
  d->errors++;
  buf_printf(&d->errors_text, "  record %ld%s%s%s (%s rules): %s%s%s\n", record, id ? " (" : "", id ? id : "", id ? ")" : "",
             which, path && *path ? path : "", path && *path ? ": " : "", err);
  struct buf *j = &d->errors_json;
  if (j->n) buf_u8(j, ',');
  buf_printf(j, "{\"record\":%ld,\"id\":", record);
  out_json_cstr(j, id);
  buf_printf(j, ",\"rules\":\"%s\",\"error\":", which);
  out_json_cstr(j, err);
  if (path && *path) {
    buf_put(j, ",\"path\":", 8);
    out_json_cstr(j, path);
  }
  buf_u8(j, '}');
}

static void ruleset_line(struct buf *b, const tier_ruleset *rs, const char *path) {
  const char *n = tier_ruleset_name(rs), *v = tier_ruleset_version(rs);
  char hash[65];
  tier_ruleset_hash(rs, hash);
  buf_printf(b, "%s%s%s (%s, rules %.16s)", *n ? n : "ruleset", *v ? " " : "", v, path, hash);
}

void diff_render(const struct diff *d, int fmt, struct buf *b) {
  if (fmt == FMT_JSON) {
    buf_put(b, "{\"old\":{\"path\":", 15);
    out_json_cstr(b, d->old_path);
    buf_put(b, ",\"version\":", 11);
    out_json_cstr(b, tier_ruleset_version(d->old));
    buf_put(b, "},\"new\":{\"path\":", 16);
    out_json_cstr(b, d->new_path);
    buf_put(b, ",\"version\":", 11);
    out_json_cstr(b, tier_ruleset_version(d->new_));
    buf_printf(b, "},\"partners\":%ld,\"rejected\":%ld,\"types\":[", d->partners, d->errors);
    for (int i = 0; i < d->ntypes; i++) {
      const struct diff_type *t = &d->types[i];
      if (i) buf_u8(b, ',');
      buf_put(b, "{\"type\":", 8);
      out_json_cstr(b, t->name);
      buf_put(b, ",\"ladder\":[", 11);
      int n = t->nold > t->nnew ? t->nold : t->nnew;
      for (int k = 0; k < n; k++) {
        if (k) buf_u8(b, ',');
        buf_put(b, "{\"old\":", 7);
        out_json_cstr(b, k < t->nold ? t->old_names[k] : NULL);
        buf_put(b, ",\"new\":", 7);
        out_json_cstr(b, k < t->nnew ? t->new_names[k] : NULL);
        buf_u8(b, '}');
      }
      buf_printf(b, "],\"up\":%ld,\"down\":%ld,\"stay\":%ld,\"matrix\":[", t->up, t->down, t->stay);
      for (int r = 0; r <= t->nold; r++) {
        buf_printf(b, "%s[", r ? "," : "");
        for (int c = 0; c <= t->nnew; c++) buf_printf(b, "%s%ld", c ? "," : "", t->matrix[r][c]);
        buf_u8(b, ']');
      }
      buf_put(b, "]}", 2);
    }
    buf_put(b, "],\"moves\":[", 11);
    if (d->moves_json.n) buf_put(b, d->moves_json.p, d->moves_json.n);
    buf_put(b, "],\"errors\":[", 12);
    if (d->errors_json.n) buf_put(b, d->errors_json.p, d->errors_json.n);
    buf_put(b, "]}\n", 3);
    return;
  }
  buf_printf(b, "Rule change\n  old: ");
  ruleset_line(b, d->old, d->old_path);
  buf_printf(b, "\n  new: ");
  ruleset_line(b, d->new_, d->new_path);
  buf_printf(b, "\n\nTiers are matched by their place in each partner type's ladder:\n");
  for (int i = 0; i < d->ntypes; i++) {
    const struct diff_type *t = &d->types[i];
    buf_printf(b, "  %s: ", t->name);
    int n = t->nold > t->nnew ? t->nold : t->nnew;
    for (int k = 0; k < n; k++) {
      const char *o = k < t->nold ? t->old_names[k] : "(none)", *w = k < t->nnew ? t->new_names[k] : "(none)";
      if (!strcmp(o, w)) buf_printf(b, "%s%s", k ? ", " : "", o);
      else buf_printf(b, "%s%s is now %s", k ? ", " : "", o, w);
    }
    buf_u8(b, '\n');
  }
  for (int i = 0; i < d->ntypes; i++) {
    const struct diff_type *t = &d->types[i];
    buf_printf(b, "\n%s: %ld partners, %ld move up, %ld move down, %ld stay\n", t->name, t->up + t->down + t->stay, t->up,
               t->down, t->stay);
    /* the matrix: rows old tier, columns new tier */
    size_t w = 10;
    for (int k = 0; k < t->nold; k++) w = strlen(t->old_names[k]) + 5 > w ? strlen(t->old_names[k]) + 5 : w;
    buf_printf(b, "  %-*s", (int)w, "old \\ new");
    buf_printf(b, " %10s", "none");
    for (int c = 0; c < t->nnew; c++) buf_printf(b, " %10s", t->new_names[c]);
    buf_u8(b, '\n');
    for (int r = 0; r <= t->nold; r++) {
      buf_printf(b, "  %-*s", (int)w, r ? t->old_names[r - 1] : "none");
      for (int c = 0; c <= t->nnew; c++) {
        long v = t->matrix[r][c];
        if (v == 0) buf_printf(b, " %10s", ".");
        else buf_printf(b, " %10ld", v);
      }
      buf_u8(b, '\n');
    }
  }
  long up = 0, down = 0, stay = 0;
  for (int i = 0; i < d->ntypes; i++) {
    up += d->types[i].up;
    down += d->types[i].down;
    stay += d->types[i].stay;
  }
  if (d->moves_text.n) {
    buf_printf(b, "\nPartners that move, and the requirements that move them:\n");
    buf_put(b, d->moves_text.p, d->moves_text.n);
  }
  if (d->errors_text.n) {
    buf_printf(b, "\nRecords rejected (not counted above):\n");
    buf_put(b, d->errors_text.p, d->errors_text.n);
  }
  buf_printf(b, "\nTotal: %ld partners: %ld up, %ld down, %ld stay; %ld rejected\n", d->partners, up, down, stay, d->errors);
}

void diff_free(struct diff *d) {
  buf_free(&d->moves_text);
  buf_free(&d->moves_json);
  buf_free(&d->errors_json);
  buf_free(&d->errors_text);
}
