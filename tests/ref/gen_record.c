/*
 * gen_record.c - random records for a generated schema: values at and
 * around the constants the rules compare with, dates near month ends,
 * leap days and the first day of the fiscal year, empty and missing lists and fields, extreme legal numbers,
 * and now and then one fault (SPEC 5) that both readers must reject at the
 * same place.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "calendar.h"

static char *dup(const char *s) {
  char *d = strdup(s);
  if (!d) exit(2);
  return d;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return dup(buf);
}

/* one of the rules' constants of a kind, or a fallback, nudged by -1, 0 or +1 */
static int64_t near(struct rng *r, const int64_t *pool, int n, int64_t fallback) {
  int64_t v = n && rng_chance(r, 70) ? pool[rng_below(r, (uint32_t)n)] : fallback;
  return v + rng_range(r, -1, 1);
}

static char *decimal_text(struct rng *r, int64_t mantissa, int places);

static char *money_text(struct rng *r, int64_t cents) {
  if (rng_chance(r, 30)) return decimal_text(r, cents, 2);
  int64_t a = cents < 0 ? -cents : cents;
  if (a % 100 == 0 && rng_chance(r, 10)) return fmt("%s%lld.%02llde2", cents < 0 ? "-" : "", (long long)(a / 10000), (long long)(a / 100 % 100));
  if (a % 100 == 0 && rng_chance(r, 60)) return fmt("%s%lld", cents < 0 ? "-" : "", (long long)(a / 100));
  return fmt("%s%lld.%02lld", cents < 0 ? "-" : "", (long long)(a / 100), (long long)(a % 100));
}

static char *date_value(struct rng *r, const struct gruleset *g) {
  static const int BASE[][3] = {{2019, 12, 13}, {2020, 2, 29}, {2019, 3, 31}, {2019, 12, 31}, {2021, 2, 28},
                                {2020, 1, 31},  {2019, 2, 28}, {2018, 12, 13}, {2024, 2, 29}, {2019, 6, 30}};
  const int *b = BASE[rng_below(r, sizeof BASE / sizeof BASE[0])];
  int64_t d = ref_days(b[0], b[1], b[2]);
  switch (rng_below(r, 5)) {
  case 0: d = near(r, g->k.dates, g->k.ndates, d); break;
  case 1:
    d = ref_add_months(d, -rng_range(r, 0, 14));
    d += rng_range(r, -1, 1);
    break;
  case 2: d -= rng_range(r, 0, 400); break;
  case 3: if (rng_chance(r, 5)) d = rng_chance(r, 50) ? ref_days(1, 1, 1) : ref_days(9999, 12, 31); break;
  default: /* the first day of a fiscal year, or the last of the one before */
    if (g->fiscal && rng_chance(r, 40)) d = ref_days(b[0], g->fiscal, 1) - (int64_t)rng_below(r, 2);
    break;
  }
  if (d < ref_days(1, 1, 1)) d = ref_days(1, 1, 1);
  if (d > ref_days(9999, 12, 31)) d = ref_days(9999, 12, 31);
  char s[11];
  ref_date_text(d, s);
  return fmt("\"%s\"", s);
}

/* texts, JSON escapes included: both readers must decode them alike */
static const char *WORDS[] = {"e1",   "e2", "e3",           "Migration",        "",     "a",         "名前",
                              "Zürich", "say \\\"hi\\\"", "x\\ty", "\\u00e9t\\u00e9", "été", "\\ud83d\\ude00", "a\\/b"};

/* A number exactly: mantissa * 10^-places, written plainly or with an
 * exponent in one of the forms JSON allows. */
static char *decimal_text(struct rng *r, int64_t mantissa, int places) {
  int64_t a = mantissa < 0 ? -mantissa : mantissa;
  const char *sign = mantissa < 0 ? "-" : "";
  int64_t p10 = 1;
  for (int i = 0; i < places; i++) p10 *= 10;
  switch (rng_below(r, 8)) {
  case 0: return fmt("%s%llde-%d", sign, (long long)a, places);
  case 1: return fmt("%s%lld.%0*lldE+%d", sign, (long long)(a / p10 / 10), places + 1, (long long)(a % (p10 * 10)), 1);
  default:
    if (places == 0) return fmt("%s%lld", sign, (long long)a);
    return fmt("%s%lld.%0*lld", sign, (long long)(a / p10), places, (long long)(a % p10));
  }
}

/* A tier of partner type p by its identifier or display name (docs 5.7);
 * now and then one of another type, or a name that is no tier, which both
 * readers must reject; null when p has no tier. */
static char *tier_name_value(struct rng *r, const struct gruleset *g, int p) {
  int cand[64], n = 0;
  for (int t = 0; t < g->ntiers && n < 64; t++)
    if (g->tiers[t].alive && (g->tiers[t].ptype == p || rng_chance(r, 3))) cand[n++] = t;
  if (rng_chance(r, 2)) return dup("\"Platinum Plus\"");
  if (!n) return dup("null");
  const struct gtier *T = &g->tiers[cand[rng_below(r, (uint32_t)n)]];
  return fmt("\"%s\"", T->display[0] && rng_chance(r, 40) ? T->display : T->name);
}

static char *value(struct rng *r, const struct gruleset *g, const struct gfield *f, bool is_id, int ptype) {
  const struct gconsts *k = &g->k;
  if (f->t.opt && rng_chance(r, 25)) return rng_chance(r, 50) ? NULL : dup("null");
  switch (f->t.kind) {
  case TY_TEXT:
    if (is_id && rng_chance(r, 3)) { /* an id longer than any buffer a runner might keep it in */
      char buf[300];
      snprintf(buf, sizeof buf, "\"P-");
      for (int i = 0; i < 60; i++) strcat(buf, i % 7 ? "x" : "é");
      strcat(buf, "\"");
      return dup(buf);
    }
    if (is_id) return fmt("\"P-%04u\"", rng_below(r, 10000));
    if (k->ntexts && rng_chance(r, 40)) return fmt("\"%s\"", k->texts[rng_below(r, (uint32_t)k->ntexts)]);
    return fmt("\"%s\"", WORDS[rng_below(r, sizeof WORDS / sizeof WORDS[0])]);
  case TY_INT: {
    if (rng_chance(r, 3)) return fmt("%s9007199254740991", rng_chance(r, 50) ? "-" : "");
    int64_t v = near(r, k->ints, k->nints, rng_range(r, 0, 12));
    if (v > 9007199254740991LL) v = 9007199254740991LL;
    if (v < -9007199254740991LL) v = -9007199254740991LL;
    return fmt("%lld", (long long)v);
  }
  case TY_MONEY: {
    if (rng_chance(r, 2)) return dup(rng_chance(r, 50) ? "90071992547409" : "-90071992547409");
    int64_t c;
    if (k->nints && rng_chance(r, 30)) {
      c = k->ints[rng_below(r, (uint32_t)k->nints)] % 100000000 * 100;
      c += rng_range(r, -1, 1);
    } else {
      c = near(r, k->cents, k->ncents, rng_range(r, 0, 500000));
    }
    return money_text(r, c);
  }
  case TY_NUMBER: {
    int64_t q = near(r, k->quarters, k->nquarters, rng_range(r, -8, 400)); /* in quarters */
    if (rng_chance(r, 3)) q = rng_chance(r, 50) ? 4000000000000LL : -4000000000000LL;
    if (rng_chance(r, 30)) return decimal_text(r, q / 4 * 10 + (q < 0 ? -1 : 1) * (int64_t)rng_below(r, 10), 1);
    return decimal_text(r, q * 25, 2);
  }
  case TY_BOOL: return dup(rng_chance(r, 50) ? "true" : "false");
  case TY_DATE: return date_value(r, g);
  case TY_ENUM: {
    const struct genum *e = &g->enums[f->t.ref];
    return fmt("\"%s\"", e->vals[rng_below(r, (uint32_t)e->nvals)]);
  }
  case TY_TIER: return tier_name_value(r, g, ptype);
  }
  return dup("null");
}

/* A value that SPEC 5 rejects, for a field of f's type. */
static char *fault(struct rng *r, const struct gfield *f) {
  switch (f->t.kind) {
  case TY_INT: return dup(rng_chance(r, 50) ? "5.0" : "\"5\"");
  case TY_MONEY: return dup(rng_chance(r, 50) ? "500.005" : "true");
  case TY_NUMBER: return dup("\"1.5\"");
  case TY_BOOL: return dup("1");
  case TY_DATE: return dup(rng_chance(r, 50) ? "\"2019-02-29\"" : "\"2019-4-1\"");
  case TY_ENUM: return dup("\"no_such_value\"");
  default: return dup("5");
  }
}

/* The items of list l (and of the lists inside them, three levels at
 * most): now and then absent, now and then long; inner lists shorter. */
static void fill_list(struct rng *r, const struct gruleset *g, int l, struct glistval *L, int ptype) {
  bool inner = g->list_parent[l] >= 0;
  /* -1: the key is left out */
  L->n = rng_chance(r, 15) ? -1
         : inner           ? (int)rng_below(r, 4)
         : rng_chance(r, 4) ? 20 + (int)rng_below(r, 30)
                            : (int)rng_below(r, 7);
  if (L->n <= 0) return;
  L->items = calloc((size_t)L->n, sizeof *L->items);
  if (!L->items) exit(2);
  for (int i = 0; i < L->n; i++) {
    struct gitem *it = &L->items[i];
    it->vals = calloc((size_t)g->nfields + 1, sizeof(char *));
    if (!it->vals) exit(2);
    for (int f = 0; f < g->nfields; f++)
      if (g->fields[f].list == l && !g->fields[f].is_list) it->vals[f] = value(r, g, &g->fields[f], false, ptype);
    for (int c = 0; c < g->nlists; c++) {
      if (g->list_parent[c] != l) continue;
      if (!it->lists && !(it->lists = calloc((size_t)g->nlists + 1, sizeof *it->lists))) exit(2);
      fill_list(r, g, c, &it->lists[c], ptype);
    }
  }
}

/* A random item of list l in rec (of a random parent item for an inner
 * list), or NULL when the path down to one is empty. */
static struct gitem *some_item(struct rng *r, const struct gruleset *g, struct grecord *rec, int l) {
  struct glistval *L;
  if (g->list_parent[l] < 0) {
    L = &rec->lists[l];
  } else {
    struct gitem *p = some_item(r, g, rec, g->list_parent[l]);
    if (!p || !p->lists) return NULL;
    L = &p->lists[l];
  }
  return L->n > 0 ? &L->items[rng_below(r, (uint32_t)L->n)] : NULL;
}

/* The partner type whose JSON text s ("\"consulting\"") names, or -1. */
static int type_of(const struct gruleset *g, const char *s) {
  for (int v = 0; s && s[0] == '"' && v < g->enums[0].nvals; v++) {
    size_t n = strlen(g->enums[0].vals[v]);
    if (!strncmp(s + 1, g->enums[0].vals[v], n) && s[n + 1] == '"' && !s[n + 2]) return v;
  }
  return -1;
}

void gen_record(struct rng *r, const struct gruleset *g, struct grecord *rec) {
  memset(rec, 0, sizeof *rec);
  rec->top = calloc((size_t)g->nfields + 1, sizeof *rec->top);
  rec->lists = calloc((size_t)g->nlists + 1, sizeof *rec->lists);
  if (!rec->top || !rec->lists) exit(2);
  int ptype = -1; /* the record's partner type, which its tier values name tiers of */
  for (int f = 0; f < g->nfields; f++) {
    const struct gfield *F = &g->fields[f];
    if (F->list != -1 || F->is_list) continue;
    rec->top[f] = value(r, g, F, f == 0, ptype);
    if (f == 1) ptype = type_of(g, rec->top[f]);
  }
  for (int l = 0; l < g->nlists; l++)
    if (g->list_parent[l] < 0) fill_list(r, g, l, &rec->lists[l], ptype);
  /* one fault now and then, rarely two (the first in the text counts): a bad
   * value, a missing required field, a null list */
  int faults = rng_chance(r, 6) ? 1 : 0;
  if (faults && rng_chance(r, 25)) faults++;
  for (; faults > 0; faults--) {
    int f = (int)rng_below(r, (uint32_t)g->nfields);
    const struct gfield *F = &g->fields[f];
    struct gitem *it = F->list >= 0 ? some_item(r, g, rec, F->list) : NULL;
    if (F->is_list && F->list == -1) {
      rec->lists[F->index].null = true;
    } else if (F->is_list) { /* an inner list: null in one item */
      if (it && it->lists) it->lists[F->index].null = true;
    } else if (F->list == -1) {
      free(rec->top[f]);
      rec->top[f] = rng_chance(r, 30) ? NULL : rng_chance(r, 20) ? dup("null") : fault(r, F);
    } else if (it) {
      free(it->vals[f]);
      it->vals[f] = rng_chance(r, 30) ? NULL : fault(r, F);
    }
  }
  rec->extra = (int)rng_below(r, 10); /* 1: an unknown key first, 2: last (ignored by both) */
  rec->asof = INT64_MIN;
  if (!g->review || rng_chance(r, 40)) {
    static const int ASOF[][3] = {{2019, 12, 13}, {2019, 12, 31}, {2020, 2, 29}, {2020, 3, 31}, {2019, 3, 31},
                                  {2021, 2, 28},  {2020, 1, 31},  {2019, 8, 31}, {2024, 2, 29}, {2019, 5, 31}};
    const int *a = ASOF[rng_below(r, sizeof ASOF / sizeof ASOF[0])];
    rec->asof = ref_days(a[0], a[1], a[2]) + (rng_chance(r, 20) ? rng_range(r, -1, 1) : 0);
  }
}

/* ---- as JSON ----------------------------------------------------------------------------- */

struct out { char *p; size_t n, cap; };
static void put(struct out *o, const char *s) {
  size_t k = strlen(s);
  if (o->n + k + 1 > o->cap) {
    o->cap = (o->n + k + 1) * 2;
    o->p = realloc(o->p, o->cap);
    if (!o->p) exit(2);
  }
  memcpy(o->p + o->n, s, k + 1);
  o->n += k;
}

#define UNKNOWN "\"note\":{\"a\":[1,{\"b\":null}],\"c\":\"名前\"}"

/* The JSON key of field F: its key, else its name (without the backquotes
 * of a reserved word: `count` reads "count"). */
static void put_key(struct out *o, const struct gfield *F) {
  if (F->key[0]) {
    put(o, F->key);
  } else if (F->name[0] == '`') {
    char w[72];
    snprintf(w, sizeof w, "%.*s", (int)strlen(F->name) - 2, F->name + 1);
    put(o, w);
  } else {
    put(o, F->name);
  }
}

static void object(struct out *o, const struct gruleset *g, int owner, char **vals, const struct glistval *lists,
                   const struct grecord *rec) {
  put(o, "{");
  bool first = true;
  if (owner == -1 && rec->extra == 1) {
    put(o, UNKNOWN);
    first = false;
  }
  for (int f = 0; f < g->nfields; f++) {
    const struct gfield *F = &g->fields[f];
    if (!F->alive || F->list != owner) continue;
    if (F->is_list) {
      static const struct glistval absent = {-1, NULL, false};
      const struct glistval *L = lists ? &lists[F->index] : &absent;
      if (!L->null && L->n < 0) continue;
      put(o, first ? "\"" : ",\"");
      put_key(o, F);
      put(o, "\":");
      if (L->null) {
        put(o, "null");
      } else {
        put(o, "[");
        for (int i = 0; i < L->n; i++) {
          if (i) put(o, ",");
          object(o, g, F->index, L->items[i].vals, L->items[i].lists, rec);
        }
        put(o, "]");
      }
    } else {
      if (!vals[f]) continue;
      put(o, first ? "\"" : ",\"");
      put_key(o, F);
      put(o, "\":");
      put(o, vals[f]);
    }
    first = false;
  }
  if (owner == -1 && rec->extra == 2) put(o, first ? UNKNOWN : "," UNKNOWN);
  put(o, "}");
}

char *gen_record_json(const struct gruleset *g, const struct grecord *rec) {
  struct out o = {0};
  object(&o, g, -1, rec->top, rec->lists, rec);
  return o.p;
}

static void list_free(const struct gruleset *g, struct glistval *L) {
  for (int i = 0; i < L->n; i++) gen_item_free(g, &L->items[i]);
  free(L->items);
}

void gen_item_free(const struct gruleset *g, struct gitem *it) {
  for (int f = 0; f < g->nfields; f++) free(it->vals[f]);
  free(it->vals);
  for (int l = 0; it->lists && l < g->nlists; l++) list_free(g, &it->lists[l]);
  free(it->lists);
}

void gen_record_free(const struct gruleset *g, struct grecord *rec) {
  if (rec->top)
    for (int f = 0; f < g->nfields; f++) free(rec->top[f]);
  for (int l = 0; rec->lists && l < g->nlists; l++) list_free(g, &rec->lists[l]);
  free(rec->top);
  free(rec->lists);
  memset(rec, 0, sizeof *rec);
}

static char *dup_or_null(const char *s) { return s ? dup(s) : NULL; }

static void list_copy(const struct gruleset *g, const struct glistval *src, struct glistval *dst) {
  *dst = *src;
  dst->items = NULL;
  if (src->n <= 0) return;
  dst->items = calloc((size_t)src->n, sizeof *dst->items);
  if (!dst->items) exit(2);
  for (int i = 0; i < src->n; i++) {
    const struct gitem *a = &src->items[i];
    struct gitem *b = &dst->items[i];
    b->vals = calloc((size_t)g->nfields + 1, sizeof(char *));
    if (!b->vals) exit(2);
    for (int f = 0; f < g->nfields; f++) b->vals[f] = dup_or_null(a->vals[f]);
    if (!a->lists) continue;
    if (!(b->lists = calloc((size_t)g->nlists + 1, sizeof *b->lists))) exit(2);
    for (int l = 0; l < g->nlists; l++) list_copy(g, &a->lists[l], &b->lists[l]);
  }
}

void gen_record_copy(const struct gruleset *g, const struct grecord *src, struct grecord *dst) {
  memset(dst, 0, sizeof *dst);
  dst->asof = src->asof;
  dst->extra = src->extra;
  dst->top = calloc((size_t)g->nfields + 1, sizeof *dst->top);
  dst->lists = calloc((size_t)g->nlists + 1, sizeof *dst->lists);
  if (!dst->top || !dst->lists) exit(2);
  for (int f = 0; f < g->nfields; f++) dst->top[f] = dup_or_null(src->top[f]);
  for (int l = 0; l < g->nlists; l++) list_copy(g, &src->lists[l], &dst->lists[l]);
}
