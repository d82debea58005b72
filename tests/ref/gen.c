/*
 * gen.c - random well-typed rulesets (see gen.h).
 *
 * The generator types what it builds by the rules of docs/language.md
 * section 5 (the same table the compiler's sema follows), so that every
 * ruleset compiles: a ruleset that does not is a finding too, and the
 * differential test reports it with its source.
 *
 * Productions: gen_expr() picks, for the kind of value wanted, one of the
 * constructs that make such a value (the table `productions` below); a new
 * construct of the language is one more function there and one more row.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "calendar.h"

/* ---- the random source ------------------------------------------------------------ */

void rng_seed(struct rng *r, uint64_t seed) {
  memset(r, 0, sizeof *r);
  r->s = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  if (!r->s) r->s = 1;
}

/* xorshift64*; with fuzzer bytes, as many bytes as the range needs */
static uint64_t rng_bits(struct rng *r, uint32_t n) {
  if (r->bytes) {
    uint64_t v = 0;
    for (uint32_t m = n; m > 0; m >>= 8) v = v << 8 | (r->at < r->nbytes ? r->bytes[r->at++] : 0);
    return v;
  }
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 0x2545F4914F6CDD1Dull >> 11;
}

uint32_t rng_below(struct rng *r, uint32_t n) { return n ? (uint32_t)(rng_bits(r, n - 1) % n) : 0; }
bool rng_chance(struct rng *r, unsigned percent) { return rng_below(r, 100) < percent; }
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi) { return lo + (int64_t)rng_below(r, (uint32_t)(hi - lo + 1)); }

/* One draw per full expression: C leaves the order in which a call's
 * arguments (or the operands of +) are evaluated open, and a run must not
 * depend on the compiler. */
#define PICK(r, arr) ((arr)[rng_below((r), sizeof(arr) / sizeof((arr)[0]))])

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) {
    fputs("difftest: out of memory\n", stderr);
    exit(2);
  }
  return p;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = xcalloc((size_t)n + 1, 1);
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

/* ---- the generator's state ------------------------------------------------------------- */

struct gen {
  struct rng *r;
  struct gruleset *g;
  const struct gformula *body_of; /* while a formula's body is drawn: it names only its
                                     parameters, and calls no formula */
  int ref_badges;                 /* badges 0 .. ref_badges - 1 may be referred to here (a
                                     tier's requirements: any; a badge's: earlier ones) */
  int ref_tiers;                  /* tiers 0 .. ref_tiers - 1 likewise (a tier's, where tier
                                     names are unique: the earlier tiers, of any type) */
  bool loopk;                     /* most metrics over the record's lists in the shapes the VM
                                     runs at once (src/loopk.c): loopk_metric */
};

/* Where an expression stands: what it may name. */
struct scope {
  int list;       /* -1: the record; else the items of this list are in scope */
  int metrics;    /* metrics with a lower index may be used (no cycles) */
  bool review;    /* the review rule: top-level fields and literals only */
  bool agg;       /* aggregates may stand here */
  int depth;
};

/* How many of something: lo .. most, drawn as lo + rng_below(most - lo + 1)
 * (the draw the sizes have always had), or most when the options say full. */
static int count(struct gen *G, int lo, int most) {
  if (most < lo) return lo;
  return G->g->opt.full ? most : lo + (int)rng_below(G->r, (uint32_t)(most - lo + 1));
}

static bool is_num(int k) { return k == TY_INT || k == TY_MONEY || k == TY_NUMBER; }
static struct gtype ty(int kind, bool opt, int ref) { struct gtype t = {(uint8_t)kind, opt, (int16_t)ref}; return t; }

/* ---- expression nodes ------------------------------------------------------------------- */

static struct gexpr *node(struct gtype t, const char *tmpl, int nkid, struct gexpr *a, struct gexpr *b, struct gexpr *c) {
  struct gexpr *e = xcalloc(1, sizeof *e);
  e->t = t;
  e->tmpl = tmpl ? strdup(tmpl) : NULL;
  e->nkid = nkid;
  e->kid[0] = a;
  e->kid[1] = b;
  e->kid[2] = c;
  e->metric = e->field = e->list = e->konst = -1;
  return e;
}

static struct gexpr *leaf(struct gtype t, char *text) {
  struct gexpr *e = node(t, NULL, 0, NULL, NULL, NULL);
  e->text = text;
  return e;
}

static void expr_free(struct gexpr *e);
static void fresh(const struct gruleset *g, const char *base, char out[72]);
static bool same_type(struct gtype a, struct gtype want);
static struct gexpr *param_of(struct gen *G, struct gtype want);
static bool money_from_data(const struct gexpr *e);

/* ---- constants: the boundary values the records probe ------------------------------------ */

static void keep(int64_t *arr, int *n, int64_t v) {
  for (int i = 0; i < *n; i++)
    if (arr[i] == v) return;
  if (*n < 64) arr[(*n)++] = v;
}

static const int64_t INT_CONSTS[] = {0, 1, 2, 3, 4, 5, 6, 10, 12, 25, 100, 1000, 50000, 2147483647};

static struct gexpr *int_literal(struct gen *G) {
  int64_t v = rng_chance(G->r, 3) ? 9007199254740991LL : PICK(G->r, INT_CONSTS);
  if (rng_chance(G->r, 10)) v = -v;
  keep(G->g->k.ints, &G->g->k.nints, v);
  struct gexpr *e = leaf(ty(TY_INT, false, 0), xprintf("%lld", (long long)v));
  e->literal = true;
  return e;
}

/* A decimal literal: near the boundaries the records probe, in quarters,
 * or one of up to four places.  `cents` keeps it exact in cents (it may
 * meet money). */
static struct gexpr *decimal_literal(struct gen *G, bool cents) {
  struct rng *r = G->r;
  char *text;
  if (cents || rng_chance(r, 60)) {
    static const int64_t Q[] = {1, 2, 3, 5, 6, 10, 14, 400, 5998, 6000, 6001, 199996};
    int64_t q = PICK(r, Q);
    if (rng_chance(r, 10)) q = -q;
    keep(G->g->k.quarters, &G->g->k.nquarters, q);
    int64_t a = q < 0 ? -q : q;
    text = xprintf("%s%lld.%02lld", q < 0 ? "-" : "", (long long)(a / 4), (long long)(a % 4 * 25));
  } else {
    static const char *D[] = {"0.1", "0.2", "0.3", "1.1", "2.5", "0.3333", "1499.999", "0.0001", "100.01",
                              "110%", "10%", "12.5%", "0.5%", "100%"};
    const char *sign = rng_chance(r, 10) ? "-" : "";
    text = xprintf("%s%s", sign, PICK(r, D));
  }
  struct gexpr *e = leaf(ty(TY_NUMBER, false, 0), text);
  e->literal = true;
  return e;
}

static const int BASE_DATES[][3] = {
    {2019, 12, 13}, {2020, 2, 29}, {2019, 3, 31}, {2019, 12, 31}, {2021, 2, 28}, {2020, 1, 31},
    {2019, 8, 31},  {2024, 2, 29}, {2000, 2, 29}, {2019, 1, 1},   {2023, 10, 31}, {2019, 4, 30}};

/* A date near the month ends and leap days the rules and records meet. */
static int64_t some_date(struct rng *r) {
  const int *d = BASE_DATES[rng_below(r, sizeof BASE_DATES / sizeof BASE_DATES[0])];
  int64_t day = ref_days(d[0], d[1], d[2]);
  switch (rng_below(r, 6)) {
  case 0: return day;
  case 1: return day + rng_range(r, -1, 1);
  case 2: return ref_add_months(day, -rng_range(r, 1, 13));
  case 3: {
    int64_t back = ref_add_months(day, -rng_range(r, 1, 13));
    return back + rng_range(r, -1, 1);
  }
  case 4: return day - rng_range(r, 1, 400);
  default: return rng_chance(r, 50) ? ref_days(1, 1, 1) : ref_days(9999, 12, 31);
  }
}

static struct gexpr *date_literal(struct gen *G) {
  int64_t d = some_date(G->r);
  if (d < ref_days(1, 1, 1) || d > ref_days(9999, 12, 31)) d = ref_days(2019, 12, 13);
  keep(G->g->k.dates, &G->g->k.ndates, d);
  char s[11];
  ref_date_text(d, s);
  struct gexpr *e = leaf(ty(TY_DATE, false, 0), xprintf("%s", s));
  e->literal = true;
  return e;
}

static const char *TEXTS[] = {"Migration", "", "a", "b", "名前", "say \\\"hi\\\"", "tab\\there", "Zürich", "aa", "été"};

static struct gexpr *text_literal(struct gen *G) {
  const char *t = PICK(G->r, TEXTS);
  if (G->g->k.ntexts < 16) snprintf(G->g->k.texts[G->g->k.ntexts++], 48, "%s", t);
  struct gexpr *e = leaf(ty(TY_TEXT, false, 0), xprintf("\"%s\"", t));
  e->literal = true;
  return e;
}

static struct gexpr *enum_literal(struct gen *G, int en) {
  const struct genum *e = &G->g->enums[en];
  struct gexpr *x = leaf(ty(TY_ENUM, false, en), xprintf("%s", e->vals[rng_below(G->r, (uint32_t)e->nvals)]));
  x->literal = true;
  return x;
}

static struct gexpr *plain_literal(struct gen *G, struct gtype t) {
  switch (t.kind) {
  case TY_INT: return int_literal(G);
  case TY_MONEY: /* no money literal: an int or a decimal in cents meets money as money */
    return rng_chance(G->r, 50) ? int_literal(G) : decimal_literal(G, true);
  case TY_NUMBER: return rng_chance(G->r, 30) ? int_literal(G) : decimal_literal(G, false);
  case TY_DATE: return date_literal(G);
  case TY_TEXT: return text_literal(G);
  case TY_ENUM: return enum_literal(G, t.ref);
  default: {
    struct gexpr *e = leaf(ty(TY_BOOL, false, 0), xprintf("%s", rng_chance(G->r, 50) ? "true" : "false"));
    e->literal = true;
    return e;
  }
  }
}

/* A const (docs 3.12) for a place of type `want`: one made for such a
 * place before, or a new one whose literal is drawn for it; NULL when the
 * table of consts is full. */
static struct gexpr *const_ref(struct gen *G, struct gtype want) {
  struct gruleset *g = G->g;
  int cand[16], nc = 0, k;
  for (k = 0; k < g->nconsts; k++)
    if (same_type(g->consts[k].want, want)) cand[nc++] = k;
  if (nc && (g->nconsts == 16 || rng_chance(G->r, 50))) {
    k = cand[rng_below(G->r, (uint32_t)nc)];
  } else if (g->nconsts < 16) {
    struct gexpr *lit = plain_literal(G, want);
    struct gconst *C = &g->consts[g->nconsts];
    fresh(g, "k", C->name);
    C->text = lit->text;
    C->t = lit->t;
    C->want = want;
    lit->text = NULL;
    expr_free(lit);
    k = g->nconsts++;
  } else {
    return NULL;
  }
  struct gexpr *e = leaf(g->consts[k].t, xprintf("%s", g->consts[k].name));
  e->konst = k;
  return e;
}

/* A literal of type t, now and then through a const (an enum value cannot
 * be one: a const is a literal). */
static struct gexpr *literal(struct gen *G, struct gtype t) {
  struct gexpr *e = t.kind != TY_ENUM && rng_chance(G->r, 12) ? const_ref(G, t) : NULL;
  return e ? e : plain_literal(G, t);
}

/* The literal text of e, a literal or a const; NULL for anything else. */
static const char *literal_text(const struct gruleset *g, const struct gexpr *e) {
  return e->literal ? e->text : e->konst >= 0 ? g->consts[e->konst].text : NULL;
}

/* Is e a literal once the compiler has folded unary minus into it?  A
 * const is typed as its literal is (docs 3.12). */
static bool literal_ish(const struct gexpr *e) {
  return e->literal || e->konst >= 0 || (e->tmpl && !strcmp(e->tmpl, "-%0") && literal_ish(e->kid[0]));
}

/* A number literal that meets money is taken in cents (docs 5.2): make e,
 * if it is such a literal, one that is exact in cents and within range. */
static void money_safe(struct gen *G, struct gexpr **pe) {
  struct gexpr *e = *pe;
  if (!literal_ish(e) || !is_num(e->t.kind)) return;
  const char *s = literal_text(G->g, e);
  bool ok = s && strlen(s) < 14 && !strchr(s, '%') && (!strchr(s, '.') || strlen(strchr(s, '.')) <= 3);
  if (ok) return;
  *pe = rng_chance(G->r, 50) ? decimal_literal(G, true) : leaf(ty(TY_INT, false, 0), xprintf("%d", (int)rng_below(G->r, 2000)));
  (*pe)->literal = true;
  expr_free(e);
}

/* ---- names in scope --------------------------------------------------------------------------- */

static bool top_visible(const struct gruleset *g, int f, const struct scope *sc) {
  if (sc->list < 0) return true;
  if (gen_field(g, sc->list, g->fields[f].name) >= 0) return false; /* an item field hides it */
  return true;
}

static bool same_type(struct gtype a, struct gtype want) {
  return a.kind == want.kind && (a.kind != TY_ENUM || a.ref == want.ref);
}
bool gen_same_type(struct gtype a, struct gtype b) { return same_type(a, b); }

/* A candidate of name_of() and list_with(): field f, or metric
 * METRIC_CAND + m (above any field index gen_ruleset allocates). */
#define METRIC_CAND (1 << 24)

/* A field or metric of type `want` in scope, or NULL. */
static struct gexpr *name_of(struct gen *G, struct gtype want, const struct scope *sc) {
  if (G->body_of && (sc->list < 0 || rng_chance(G->r, 30))) { /* in a formula's body: a parameter, */
    struct gexpr *p = param_of(G, want);
    if (p || sc->list < 0) return p; /* or, inside an aggregate, an item field (free names resolve there) */
  }
  const struct gruleset *g = G->g;
  int *cand = xcalloc((size_t)(g->nfields + sc->metrics), sizeof *cand), nc = 0;
  for (int f = 0; f < g->nfields; f++) {
    const struct gfield *F = &g->fields[f];
    if (!F->alive || F->is_list || !same_type(F->t, want)) continue;
    if (F->list == -1 ? top_visible(g, f, sc) : F->list == sc->list) cand[nc++] = f;
  }
  if (!sc->review)
    for (int m = 0; m < sc->metrics; m++) {
      const struct gmetric *M = &g->metrics[m];
      if (!M->alive || !same_type(M->t, want)) continue;
      if (M->list == -1 || M->list == sc->list) cand[nc++] = METRIC_CAND + m;
    }
  int k = nc ? cand[rng_below(G->r, (uint32_t)nc)] : -1;
  free(cand);
  if (k < 0) return NULL;
  struct gexpr *e;
  if (k >= METRIC_CAND) {
    e = leaf(g->metrics[k - METRIC_CAND].t, xprintf("%s", g->metrics[k - METRIC_CAND].name));
    e->metric = k - METRIC_CAND;
  } else {
    e = leaf(g->fields[k].t, xprintf("%s", g->fields[k].name));
    e->field = k;
  }
  return e;
}

/* A list with an item field (or an item metric usable here) of a type for
 * which ok(type, want) holds; -1 if there is none. */
static int list_with(struct gen *G, bool (*ok)(struct gtype, struct gtype), struct gtype want, int *field, int *metric,
                     const struct scope *sc) {
  const struct gruleset *g = G->g;
  int *cand = xcalloc((size_t)(g->nfields + sc->metrics), sizeof *cand), nc = 0;
  for (int f = 0; f < g->nfields; f++)
    if (g->fields[f].alive && !g->fields[f].is_list && g->fields[f].list >= 0 && g->list_parent[g->fields[f].list] == sc->list &&
        ok(g->fields[f].t, want))
      cand[nc++] = f;
  for (int m = 0; m < sc->metrics; m++)
    if (g->metrics[m].alive && g->metrics[m].list >= 0 && g->list_parent[g->metrics[m].list] == sc->list &&
        ok(g->metrics[m].t, want))
      cand[nc++] = METRIC_CAND + m;
  int k = nc ? cand[rng_below(G->r, (uint32_t)nc)] : -1;
  free(cand);
  if (k < 0) return -1;
  *field = k < METRIC_CAND ? k : -1;
  *metric = k >= METRIC_CAND ? k - METRIC_CAND : -1;
  return k < METRIC_CAND ? g->fields[k].list : g->metrics[k - METRIC_CAND].list;
}

/* ---- productions ------------------------------------------------------------------------------ */

static struct gexpr *gen_expr(struct gen *G, struct gtype want, struct scope sc);

static struct gexpr *sub(struct gen *G, struct gtype want, const struct scope *sc) {
  struct scope in = *sc;
  in.depth++;
  return gen_expr(G, want, in);
}

static struct gtype any_numeric(struct gen *G) {
  static const uint8_t K[] = {TY_INT, TY_INT, TY_MONEY, TY_NUMBER};
  return ty(PICK(G->r, K), false, 0);
}

/* The kind two numeric operands are brought to (docs 5.2); a decimal
 * literal beside money is money. */
static int unify(const struct gexpr *a, const struct gexpr *b) {
  int ka = a->t.kind, kb = b->t.kind;
  if (ka == kb) return ka;
  if ((ka == TY_INT && kb == TY_MONEY) || (ka == TY_MONEY && kb == TY_INT)) return TY_MONEY;
  if ((ka == TY_INT && kb == TY_NUMBER) || (ka == TY_NUMBER && kb == TY_INT)) return TY_NUMBER;
  const struct gexpr *num = ka == TY_NUMBER ? a : b;
  return literal_ish(num) ? TY_MONEY : TY_NUMBER;
}

/* a OP b for numbers: + - * /, typed as docs 5.2 says */
static struct gexpr *p_arith(struct gen *G, struct gtype want, const struct scope *sc) {
  static const char *OPS[] = {"%0 + %1", "%0 - %1", "%0 * %1", "%0 / %1"};
  int op = (int)rng_below(G->r, 3);
  if (want.kind == TY_NUMBER && rng_chance(G->r, 30)) op = 3; /* division gives number */
  struct gexpr *a = sub(G, want.kind == TY_NUMBER ? any_numeric(G) : want, sc);
  struct gexpr *b = sub(G, rng_chance(G->r, 40) ? ty(TY_INT, false, 0) : want, sc);
  int k;
  if (op == 2 && a->t.kind == TY_MONEY && b->t.kind == TY_MONEY) op = 0; /* money * money is an error */
  if (op == 3) {
    k = TY_NUMBER;
  } else if (op == 2) {
    bool money_int = (a->t.kind == TY_MONEY && b->t.kind == TY_INT) || (a->t.kind == TY_INT && b->t.kind == TY_MONEY);
    k = a->t.kind == TY_INT && b->t.kind == TY_INT ? TY_INT : money_int ? TY_MONEY : TY_NUMBER;
  } else {
    if (a->t.kind == TY_MONEY) money_safe(G, &b);
    if (b->t.kind == TY_MONEY) money_safe(G, &a);
    k = unify(a, b);
  }
  return node(ty(k, a->t.opt || b->t.opt, 0), OPS[op], 2, a, b, NULL);
}

/* min(a, b) or max(a, b) (docs 4.11): numbers brought to one kind as + does
 * them, or two dates */
static struct gexpr *p_minmax_call(struct gen *G, struct gtype want, const struct scope *sc) {
  bool date = want.kind == TY_DATE;
  struct gexpr *a = sub(G, want, sc);
  struct gexpr *b = sub(G, !date && rng_chance(G->r, 40) ? ty(TY_INT, false, 0) : want, sc);
  struct gtype t = a->t;
  if (!date) {
    if (a->t.kind == TY_MONEY) money_safe(G, &b);
    if (b->t.kind == TY_MONEY) money_safe(G, &a);
    t.kind = (uint8_t)unify(a, b);
  }
  t.opt = a->t.opt || b->t.opt;
  t.ref = 0;
  return node(t, rng_chance(G->r, 50) ? "min(%0, %1)" : "max(%0, %1)", 2, a, b, NULL);
}

/* abs, floor, ceil, round(x) or round(x, digits) of a number (docs 4.11),
 * of x's type */
static struct gexpr *p_round(struct gen *G, struct gtype want, const struct scope *sc) {
  static const char *FORMS[] = {"abs(%0)", "floor(%0)", "ceil(%0)", "round(%0)"};
  static const int DIGITS[] = {-3, -2, -1, 0, 1, 2, 3, 34};
  struct gexpr *a = sub(G, want, sc);
  char *tmpl = rng_chance(G->r, 40) ? xprintf("round(%%0, %d)", PICK(G->r, DIGITS)) : xprintf("%s", PICK(G->r, FORMS));
  struct gexpr *e = node(a->t, tmpl, 1, a, NULL, NULL);
  e->t.ref = 0;
  free(tmpl);
  return e;
}

static struct gexpr *p_neg(struct gen *G, struct gtype want, const struct scope *sc) {
  struct gexpr *a = sub(G, want, sc);
  struct gexpr *e = node(a->t, "-%0", 1, a, NULL, NULL);
  e->t.ref = 0;
  return e;
}

static struct gexpr *p_if(struct gen *G, struct gtype want, const struct scope *sc) {
  struct gexpr *c = sub(G, ty(TY_BOOL, false, 0), sc);
  struct gexpr *a = sub(G, want, sc), *b = sub(G, want, sc);
  struct gtype t = a->t;
  if (is_num(a->t.kind) && is_num(b->t.kind)) {
    if (a->t.kind == TY_MONEY) money_safe(G, &b);
    if (b->t.kind == TY_MONEY) money_safe(G, &a);
    t.kind = (uint8_t)unify(a, b);
    t.ref = 0;
  } else if (!same_type(a->t, b->t)) { /* e.g. a money wish that came back int */
    b = literal(G, a->t);
  }
  t.opt = a->t.opt || b->t.opt;
  return node(t, "if %0 then %1 else %2", 3, c, a, b);
}

static struct gexpr *p_date_shift(struct gen *G, struct gtype want, const struct scope *sc) {
  static const char *DUR[] = {"1 day", "30 days", "90 days", "365 days", "0 days", "1 month",
                              "3 months", "6 months", "12 months", "13 months", "1 year", "2 years"};
  struct gexpr *a = sub(G, want, sc);
  const char *form = rng_chance(G->r, 50) ? "%%0 - %s" : "%%0 + %s";
  char *t = xprintf(form, PICK(G->r, DUR));
  struct gexpr *e = node(ty(TY_DATE, a->t.opt, 0), t, 1, a, NULL, NULL);
  free(t);
  return e;
}

static struct gexpr *p_days_between(struct gen *G, struct gtype want, const struct scope *sc) {
  (void)want;
  struct gexpr *a = sub(G, ty(TY_DATE, false, 0), sc), *b = sub(G, ty(TY_DATE, false, 0), sc);
  return node(ty(TY_INT, a->t.opt || b->t.opt, 0), rng_chance(G->r, 50) ? "%0 - %1" : "days_between(%0, %1)", 2, a, b, NULL);
}

/* year(d), month(d) (docs 4.12) */
static struct gexpr *p_year_month(struct gen *G, struct gtype want, const struct scope *sc) {
  (void)want;
  struct gexpr *a = sub(G, ty(TY_DATE, false, 0), sc);
  return node(ty(TY_INT, a->t.opt, 0), rng_chance(G->r, 50) ? "year(%0)" : "month(%0)", 1, a, NULL, NULL);
}

/* The first or last day of the month, quarter or year a date lies in
 * (docs 4.12) */
static struct gexpr *p_period_day(struct gen *G, struct gtype want, const struct scope *sc) {
  (void)want;
  static const char *FORMS[] = {"month_start(%0)",          "month_end(%0)",        "quarter_start(%0)",
                                "quarter_end(%0)",          "year_start(%0)",       "year_end(%0)",
                                "fiscal_quarter_start(%0)", "fiscal_quarter_end(%0)", "fiscal_year_start(%0)",
                                "fiscal_year_end(%0)"};
  /* the fiscal forms only where the rules say when the fiscal year starts */
  size_t n = G->g->fiscal ? sizeof FORMS / sizeof *FORMS : 6;
  struct gexpr *a = sub(G, ty(TY_DATE, false, 0), sc);
  return node(ty(TY_DATE, a->t.opt, 0), FORMS[rng_below(G->r, (uint32_t)n)], 1, a, NULL, NULL);
}

/* d in [previous] calendar|fiscal month|quarter|year of x (docs 4.13); x
 * is a primary, so a generated sub-expression comes in parentheses */
static struct gexpr *in_period(struct gen *G, struct gexpr *d, struct gexpr *x) {
  static const char *PERIODS[] = {"calendar month", "calendar quarter", "calendar year", "fiscal quarter", "fiscal year"};
  uint32_t n = G->g->fiscal ? 5 : 3;
  char *t = xprintf("%%0 in %s%s of %%1", rng_chance(G->r, 40) ? "previous " : "", PERIODS[rng_below(G->r, n)]);
  struct gexpr *e = node(ty(TY_BOOL, false, 0), t, 2, d, x, NULL);
  free(t);
  return e;
}

/* d in P of x, either date any date expression, formula calls included
 * (whose gap names the field or asof a call gives: 4.13). */
static struct gexpr *p_in_period(struct gen *G, struct gtype want, const struct scope *sc) {
  (void)want;
  struct gexpr *d = sub(G, ty(TY_DATE, false, 0), sc);
  return in_period(G, d, sub(G, ty(TY_DATE, false, 0), sc));
}

static struct gexpr *p_compare(struct gen *G, struct gtype want, const struct scope *sc) {
  (void)want;
  static const char *OPS[] = {"%0 == %1", "%0 != %1", "%0 < %1", "%0 <= %1", "%0 > %1", "%0 >= %1"};
  struct gtype t;
  switch (rng_below(G->r, 7)) {
  case 0: case 1: case 2: t = any_numeric(G); break;
  case 3: t = ty(TY_DATE, false, 0); break;
  case 4: t = ty(TY_TEXT, false, 0); break;
  case 5: t = ty(TY_ENUM, false, (int)rng_below(G->r, (uint32_t)G->g->nenums)); break;
  default: t = ty(TY_BOOL, false, 0);
  }
  struct gexpr *a = sub(G, t, sc);
  struct gexpr *b = rng_chance(G->r, 50) ? literal(G, is_num(t.kind) ? a->t : t) : sub(G, t, sc);
  if (a->t.kind == TY_MONEY) money_safe(G, &b);
  if (b->t.kind == TY_MONEY) money_safe(G, &a);
  if (!(is_num(a->t.kind) && is_num(b->t.kind)) && !same_type(a->t, b->t)) b = literal(G, a->t);
  return node(ty(TY_BOOL, false, 0), OPS[rng_below(G->r, 6)], 2, a, b, NULL);
}

static struct gexpr *p_logic(struct gen *G, struct gtype want, const struct scope *sc) {
  struct gexpr *a = sub(G, want, sc), *b = sub(G, want, sc);
  bool opt = a->t.opt || b->t.opt;
  return node(ty(TY_BOOL, opt, 0), rng_chance(G->r, 50) ? "%0 and %1" : "%0 or %1", 2, a, b, NULL);
}

static struct gexpr *p_not(struct gen *G, struct gtype want, const struct scope *sc) {
  return node(ty(TY_BOOL, false, 0), "not %0", 1, sub(G, want, sc), NULL, NULL);
}

static struct gexpr *p_in(struct gen *G, struct gtype want, const struct scope *sc) {
  (void)want;
  int en = (int)rng_below(G->r, (uint32_t)G->g->nenums);
  const struct genum *e = &G->g->enums[en];
  struct gexpr *a = sub(G, ty(TY_ENUM, false, en), sc);
  int n = 1 + (int)rng_below(G->r, (uint32_t)e->nvals);
  char *t = xcalloc((size_t)n, sizeof e->vals[0] + sizeof ", %0 in {}"), *end = t; /* n values */
  end += sprintf(end, "%%0 in {");
  for (int i = 0; i < n; i++) end += sprintf(end, "%s%s", i ? ", " : "", e->vals[rng_below(G->r, (uint32_t)e->nvals)]);
  strcpy(end, "}");
  struct gexpr *x = node(ty(TY_BOOL, false, 0), t, 1, a, NULL, NULL);
  free(t);
  return x;
}

static struct gexpr *p_isnone(struct gen *G, struct gtype want, const struct scope *sc) {
  (void)want;
  static const uint8_t K[] = {TY_INT, TY_MONEY, TY_NUMBER, TY_DATE, TY_TEXT, TY_BOOL};
  struct gexpr *a = sub(G, ty(PICK(G->r, K), true, 0), sc);
  return node(ty(TY_BOOL, false, 0), rng_chance(G->r, 50) ? "%0 is none" : "%0 is not none", 1, a, NULL, NULL);
}

static struct gexpr *p_within(struct gen *G, struct gtype want, const struct scope *sc) {
  (void)want;
  static const char *DUR[] = {"1 day", "30 days", "90 days", "0 days", "1 month", "3 months", "12 months", "1 year", "13 months"};
  struct gexpr *a = sub(G, ty(TY_DATE, false, 0), sc);
  char *t = xprintf("%%0 within %s", PICK(G->r, DUR));
  struct gexpr *e = node(ty(TY_BOOL, false, 0), t, 1, a, NULL, NULL);
  free(t);
  return e;
}

/* ---- tables and formulas (docs 3.13, 3.11) ------------------------------------------------------ */

/* A table's value: a literal or a const of its type (in cents for money). */
static char *table_value(struct gen *G, struct gtype val) {
  struct gexpr *v = literal(G, val);
  if (val.kind == TY_MONEY) money_safe(G, &v);
  char *text = xprintf("%s", v->konst >= 0 ? G->g->consts[v->konst].name : v->text);
  expr_free(v);
  return text;
}

/* A new table giving values of type val: keyed by an enum (every value, or
 * some and a default) or by texts (a few, a default now and then; always
 * one for text values, which cannot be none).  NULL when there are 8. */
static struct gtable *new_table(struct gen *G, struct gtype val) {
  struct gruleset *g = G->g;
  if (g->ntables == 8) return NULL;
  struct gtable *T = &g->tables[g->ntables];
  memset(T, 0, sizeof *T);
  fresh(g, "tab", T->name);
  T->val = val;
  T->val.opt = false; /* a table's types are not optional */
  bool by_enum = rng_chance(G->r, 60);
  T->key = by_enum ? ty(TY_ENUM, false, (int)rng_below(G->r, (uint32_t)g->nenums)) : ty(TY_TEXT, false, 0);
  if (by_enum) {
    const struct genum *e = &g->enums[T->key.ref];
    bool all = rng_chance(G->r, 60);
    for (int v = 0; v < e->nvals && T->n < 8; v++)
      if (all || rng_chance(G->r, 50)) T->keys[T->n++] = xprintf("%s", e->vals[v]);
    if (!all || val.kind == TY_TEXT || T->n < e->nvals) T->dflt = table_value(G, val); /* more values than keys: a default */
  } else {
    int n = 1 + (int)rng_below(G->r, 4);
    for (int i = 0; i < n; i++) {
      const char *t = PICK(G->r, TEXTS);
      bool twice = false;
      for (int j = 0; j < T->n; j++) twice |= strlen(T->keys[j]) == strlen(t) + 2 && !strncmp(T->keys[j] + 1, t, strlen(t));
      if (twice) continue;
      T->keys[T->n++] = xprintf("\"%s\"", t);
      if (G->g->k.ntexts < 16) snprintf(G->g->k.texts[G->g->k.ntexts++], 48, "%s", t); /* the records probe it */
    }
    if (val.kind == TY_TEXT || rng_chance(G->r, 50)) T->dflt = table_value(G, val);
  }
  for (int i = 0; i < T->n; i++) T->vals[i] = table_value(G, val);
  g->ntables++;
  return T;
}

/* NAME[KEY] (docs 3.13): a table giving `want`, one drawn before or a new
 * one; none for a text key it lacks, or a missing key, without a default. */
static struct gexpr *p_lookup(struct gen *G, struct gtype want, const struct scope *sc) {
  struct gruleset *g = G->g;
  struct gtable *T = NULL;
  int seen = 0;
  for (int t = 0; t < g->ntables; t++)
    if (same_type(g->tables[t].val, want) && rng_below(G->r, (uint32_t)++seen) == 0) T = &g->tables[t];
  if (!T || rng_chance(G->r, 30)) T = new_table(G, want) ? &g->tables[g->ntables - 1] : T;
  if (!T) return literal(G, want);
  struct gexpr *k = sub(G, T->key, sc);
  char *tmpl = xprintf("%s[%%0]", T->name);
  struct gexpr *e = node(ty(want.kind, !T->dflt && (T->key.kind == TY_TEXT || k->t.opt), want.ref), tmpl, 1, k, NULL, NULL);
  free(tmpl);
  return e;
}

/* In a formula's body, a parameter of type want (optional: the argument
 * may be missing), or NULL. */
static struct gexpr *param_of(struct gen *G, struct gtype want) {
  const struct gformula *F = G->body_of;
  int cand[3], nc = 0;
  for (int i = 0; i < F->nparams; i++)
    if (same_type(F->ptypes[i], want)) cand[nc++] = i;
  if (!nc) return NULL;
  int i = cand[rng_below(G->r, (uint32_t)nc)];
  return leaf(ty(want.kind, true, want.ref), xprintf("%s", F->params[i]));
}

/* A new formula of one to three parameters whose body is drawn for `want`
 * from them and literals (no field or metric, which would resolve where it
 * is called), and, where sc lets an aggregate over the record's lists
 * stand, now and then aggregates whose items it names (docs 3.11: a formula
 * that aggregates is called only where an aggregate may stand); NULL when
 * there are 8. */
static struct gformula *new_formula(struct gen *G, struct gtype want, const struct scope *sc) {
  struct gruleset *g = G->g;
  if (g->nformulas == 8) return NULL;
  static const uint8_t K[] = {TY_INT, TY_INT, TY_MONEY, TY_NUMBER, TY_NUMBER, TY_DATE, TY_BOOL, TY_TEXT};
  struct gformula *F = &g->formulas[g->nformulas++];
  memset(F, 0, sizeof *F);
  char name[72]; /* fresh() writes as it tries: not into a name it checks */
  fresh(g, "f", name);
  memcpy(F->name, name, sizeof name);
  F->nparams = 1 + (int)rng_below(G->r, 3);
  for (int i = 0; i < F->nparams; i++) {
    F->ptypes[i] = ty(i == 0 && is_num(want.kind) ? want.kind : PICK(G->r, K), false, 0); /* written without `?` */
    fresh(g, "x", name);
    memcpy(F->params[i], name, sizeof name);
  }
  F->aggregates = sc->agg && sc->list < 0 && !sc->review && rng_chance(G->r, 40);
  struct scope body = {-1, 0, !F->aggregates, F->aggregates, 1};
  G->body_of = F;
  F->body = gen_expr(G, want, body);
  G->body_of = NULL;
  return F;
}

/* F(args) (docs 3.11): a formula giving `want`, drawn before or new; each
 * argument drawn in the caller's scope for its parameter (an int passes
 * to a number; anything else of another type is replaced by a literal). */
static struct gexpr *p_call(struct gen *G, struct gtype want, const struct scope *sc) {
  struct gruleset *g = G->g;
  if (G->body_of) return literal(G, want); /* formulas do not call formulas here: no cycles */
  struct gformula *F = NULL;
  int seen = 0;
  bool agg_here = sc->agg && sc->list < 0 && !sc->review;
  for (int f = 0; f < g->nformulas; f++)
    if (g->formulas[f].body && same_type(g->formulas[f].body->t, want) && (agg_here || !g->formulas[f].aggregates) &&
        rng_below(G->r, (uint32_t)++seen) == 0)
      F = &g->formulas[f];
  if (!F || rng_chance(G->r, 30)) F = new_formula(G, want, sc) ? &g->formulas[g->nformulas - 1] : F;
  if (!F || !F->body || !same_type(F->body->t, want)) return literal(G, want);
  struct gexpr *k[3] = {NULL, NULL, NULL};
  char tmpl[128];
  int at = snprintf(tmpl, sizeof tmpl, "%s(", F->name);
  /* an argument of a formula that aggregates is no aggregate: the body may use
   * it inside its own (docs 3.11: pass a metric instead) */
  struct scope as = *sc;
  as.agg = as.agg && !F->aggregates;
  for (int i = 0; i < F->nparams; i++) {
    k[i] = sub(G, F->ptypes[i], &as);
    bool fits = same_type(k[i]->t, F->ptypes[i]) || (k[i]->t.kind == TY_INT && F->ptypes[i].kind == TY_NUMBER);
    /* money only from the data or as a literal: max(0, 0.5) is a number */
    if (F->ptypes[i].kind == TY_MONEY && !literal_ish(k[i]) && !money_from_data(k[i])) fits = false;
    if (!fits) {
      expr_free(k[i]);
      k[i] = literal(G, F->ptypes[i]);
    }
    if (F->ptypes[i].kind == TY_MONEY) money_safe(G, &k[i]);
    at += snprintf(tmpl + at, sizeof tmpl - (size_t)at, "%s%%%d", i ? ", " : "", i);
  }
  snprintf(tmpl + at, sizeof tmpl - (size_t)at, ")");
  struct gtype t = F->body->t;
  t.opt = true;
  return node(t, tmpl, F->nparams, k[0], k[1], k[2]);
}

/* ---- aggregates (docs section 7) ---------------------------------------------------------------- */

static bool ok_distinct(struct gtype t, struct gtype want) { (void)want; return t.kind != TY_NUMBER; }
static bool ok_sum(struct gtype t, struct gtype want) { (void)want; return is_num(t.kind); }
static bool ok_minmax(struct gtype t, struct gtype want) { (void)want; return is_num(t.kind) || t.kind == TY_DATE; }
static bool ok_exactly(struct gtype t, struct gtype want) { return same_type(t, want); }
static bool ok_minmax_exactly(struct gtype t, struct gtype want) { return same_type(t, want) && ok_minmax(t, want); }

/* Does list l's items hold lists?  Aggregates over them may then stand in
 * l's scope (docs 7.1). */
static bool has_inner(const struct gruleset *g, int l) {
  for (int k = 0; k < g->nlists; k++)
    if (g->list_parent[k] == l) return true;
  return false;
}

/* A list an aggregate may range over here: a list of the record, or one of
 * the current item's own lists (docs 7.1); -1 if none. */
static int some_list(struct gen *G, const struct scope *sc) {
  const struct gruleset *g = G->g;
  int *cand = xcalloc((size_t)g->nlists, sizeof *cand), nc = 0;
  for (int l = 0; l < g->nlists; l++)
    if (g->list_parent[l] == sc->list && g->fields[g->list_field[l]].alive) cand[nc++] = l;
  int l = nc ? cand[rng_below(G->r, (uint32_t)nc)] : -1;
  free(cand);
  return l;
}

static struct gexpr *where_clause(struct gen *G, int list, const struct scope *sc) {
  if (rng_chance(G->r, 25)) return NULL;
  struct scope in = *sc;
  in.list = list;
  in.agg = has_inner(G->g, list);
  in.depth++;
  return gen_expr(G, ty(TY_BOOL, false, 0), in);
}

static struct gexpr *aggregate(struct gen *G, struct gtype t, const char *form, int list, struct gexpr *w) {
  const char *lname = G->g->fields[G->g->list_field[list]].name;
  char *tmpl = w ? xprintf("%s %s where %%0", form, lname) : xprintf("%s %s", form, lname);
  struct gexpr *e = node(t, tmpl, w ? 1 : 0, w, NULL, NULL);
  e->list = list;
  free(tmpl);
  return e;
}

/* The name of an item field or item metric, for `FIELD in LIST` */
static const char *item_name(const struct gruleset *g, int f, int m) { return f >= 0 ? g->fields[f].name : g->metrics[m].name; }
static struct gtype item_type(const struct gruleset *g, int f, int m) { return f >= 0 ? g->fields[f].t : g->metrics[m].t; }

static struct gexpr *p_count(struct gen *G, struct gtype want, const struct scope *sc) {
  (void)want;
  int l = some_list(G, sc);
  if (l < 0) return int_literal(G);
  return aggregate(G, ty(TY_INT, false, 0), "count", l, where_clause(G, l, sc));
}

static struct gexpr *p_distinct(struct gen *G, struct gtype want, const struct scope *sc) {
  int f, m, l = list_with(G, ok_distinct, want, &f, &m, sc);
  if (l < 0) return p_count(G, want, sc);
  char *form = xprintf("count distinct %s in", item_name(G->g, f, m));
  struct gexpr *e = aggregate(G, ty(TY_INT, false, 0), form, l, where_clause(G, l, sc));
  free(form);
  return e;
}

static struct gexpr *p_sum(struct gen *G, struct gtype want, const struct scope *sc) {
  int f, m, l = list_with(G, ok_exactly, want, &f, &m, sc);
  if (l < 0) l = list_with(G, ok_sum, want, &f, &m, sc);
  if (l < 0) return literal(G, want);
  char *form = xprintf("sum %s in", item_name(G->g, f, m));
  struct gtype t = item_type(G->g, f, m);
  t.opt = false;
  struct gexpr *e = aggregate(G, t, form, l, where_clause(G, l, sc));
  free(form);
  return e;
}

static struct gexpr *p_minmax(struct gen *G, struct gtype want, const struct scope *sc) {
  int f, m, l = list_with(G, ok_minmax_exactly, want, &f, &m, sc);
  if (l < 0 && is_num(want.kind)) l = list_with(G, ok_sum, want, &f, &m, sc); /* another kind of number */
  if (l < 0) return literal(G, want);
  char *form = xprintf("%s %s in", rng_chance(G->r, 50) ? "min" : "max", item_name(G->g, f, m));
  struct gtype t = item_type(G->g, f, m);
  t.opt = true; /* none for an empty list */
  struct gexpr *e = aggregate(G, t, form, l, where_clause(G, l, sc));
  free(form);
  return e;
}

/* A tier value where sc stands (docs 5.7): a tier field or metric, or the
 * min or max of a tier field of a list's items; NULL when there is none. */
static struct gexpr *tier_expr(struct gen *G, const struct scope *sc) {
  struct gtype t = ty(TY_TIER, false, 0);
  int f, m, l;
  if (sc->agg && rng_chance(G->r, 40) && (l = list_with(G, ok_exactly, t, &f, &m, sc)) >= 0) {
    char *form = xprintf("%s %s in", rng_chance(G->r, 50) ? "min" : "max", item_name(G->g, f, m));
    t.opt = true; /* none for an empty list */
    struct gexpr *e = aggregate(G, t, form, l, where_clause(G, l, sc));
    free(form);
    return e;
  }
  return name_of(G, t, sc);
}

/* A tier's name as a value: any tier drawn so far, of any partner type (a
 * comparison with another type's tier is false for the record); NULL
 * before the first (in a requirements block). */
static struct gexpr *tier_literal(struct gen *G) {
  if (!G->g->ntiers) return NULL;
  struct gexpr *e = leaf(ty(TY_TIER, false, 0), xprintf("%s", G->g->tiers[rng_below(G->r, (uint32_t)G->g->ntiers)].name));
  e->literal = true;
  return e;
}

/* A tier value compared with a tier, or with another tier value; NULL
 * when there is none to compare. */
static struct gexpr *tier_requirement(struct gen *G, const struct scope *sc) {
  static const char *OPS[] = {"%0 >= %1", "%0 > %1", "%0 <= %1", "%0 < %1", "%0 == %1", "%0 != %1"};
  struct gexpr *v = tier_expr(G, sc);
  if (!v) return NULL;
  struct gexpr *k = rng_chance(G->r, 80) ? tier_literal(G) : NULL;
  if (!k) k = tier_expr(G, sc);
  if (!k) {
    expr_free(v);
    return NULL;
  }
  return node(ty(TY_BOOL, false, 0), PICK(G->r, OPS), 2, v, k, NULL);
}

/* An expression over the items of list l, for `AGG (EXPR) in LIST`. */
static struct gexpr *item_expr(struct gen *G, struct gtype want, int l, const struct scope *sc) {
  struct scope in = *sc;
  in.list = l;
  in.agg = has_inner(G->g, l); /* an aggregate over the item's own lists (7.1) */
  in.depth++;
  return gen_expr(G, want, in);
}

/* Does e take money from the data (a money field, metric or aggregate)?
 * Literals alone never do: `1.25`, `-1.25 * 2` are numbers wherever they
 * stand; a literal becomes money only where it meets money. */
static bool money_from_data(const struct gexpr *e) {
  if (e->literal || e->konst >= 0) return false;
  if (e->field >= 0 || e->metric >= 0 || e->list >= 0) return e->t.kind == TY_MONEY;
  for (int k = 0; k < e->nkid; k++)
    if (e->kid[k] && money_from_data(e->kid[k])) return true;
  return false;
}

/* `form (EXPR) in LIST [where C]`, EXPR of type vt over the items; the
 * aggregate has type t. */
static struct gexpr *aggregate_of_expr(struct gen *G, struct gtype t, const char *form, struct gtype vt,
                                       const struct scope *sc) {
  int l = some_list(G, sc);
  if (l < 0) return literal(G, t);
  struct gexpr *v = item_expr(G, vt, l, sc);
  /* the aggregate is typed from the kind asked for: when the expression
   * made has another (`sum (1.25) in L` is a number, not money; money times
   * a decimal is a number, docs 5.2), a literal of the aggregate's type
   * stands instead */
  if (v->t.kind != vt.kind || (vt.kind == TY_MONEY && !money_from_data(v))) {
    expr_free(v);
    return literal(G, t);
  }
  struct gexpr *w = where_clause(G, l, sc);
  const char *lname = G->g->fields[G->g->list_field[l]].name;
  char *tmpl = w ? xprintf("%s (%%0) in %s where %%1", form, lname) : xprintf("%s (%%0) in %s", form, lname);
  struct gexpr *e = node(t, tmpl, w ? 2 : 1, v, w, NULL);
  e->list = l;
  free(tmpl);
  return e;
}

/* sum, min, max and count distinct of an expression over the items (7) */
static struct gexpr *p_agg_expr(struct gen *G, struct gtype want, const struct scope *sc) {
  if (want.kind == TY_INT && rng_chance(G->r, 40)) {
    static const uint8_t K[] = {TY_INT, TY_TEXT, TY_DATE, TY_BOOL}; /* (a decimal alone is a number) */
    return aggregate_of_expr(G, ty(TY_INT, false, 0), "count distinct", ty(PICK(G->r, K), false, 0), sc);
  }
  if (want.kind != TY_DATE && rng_chance(G->r, 50)) return aggregate_of_expr(G, ty(want.kind, false, 0), "sum", want, sc);
  return aggregate_of_expr(G, ty(want.kind, true, want.ref), rng_chance(G->r, 50) ? "min" : "max", ty(want.kind, false, 0), sc);
}

/* avg and median of a field, an item metric or an expression: numbers (7) */
static struct gexpr *p_avg_median(struct gen *G, struct gtype want, const struct scope *sc) {
  const char *form = rng_chance(G->r, 50) ? "avg" : "median";
  struct gtype t = ty(TY_NUMBER, true, 0);
  int f, m, l = rng_chance(G->r, 50) ? list_with(G, ok_sum, want, &f, &m, sc) : -1;
  if (l < 0) return aggregate_of_expr(G, t, form, any_numeric(G), sc);
  char *head = xprintf("%s %s in", form, item_name(G->g, f, m));
  struct gexpr *e = aggregate(G, t, head, l, where_clause(G, l, sc));
  free(head);
  return e;
}

static struct gexpr *p_anyall(struct gen *G, struct gtype want, const struct scope *sc) {
  (void)want;
  int l = some_list(G, sc);
  if (l < 0) return literal(G, ty(TY_BOOL, false, 0));
  const char *form = rng_chance(G->r, 50) ? "any" : "all";
  return aggregate(G, ty(TY_BOOL, false, 0), form, l, where_clause(G, l, sc));
}

/* ---- the table ------------------------------------------------------------------------------------- */

typedef struct gexpr *(*production)(struct gen *, struct gtype, const struct scope *);

/* Which construct makes which kind of value, and how often.  `agg`: only
 * where aggregates may stand; `review`: allowed in the review rule.  Two
 * rows a line, aligned by hand. */
// clang-format off
static const struct {
  production fn;
  uint8_t kind;
  unsigned weight;
  bool agg, review;
} productions[] = {
    {p_arith, TY_INT, 20, false, true},       {p_arith, TY_MONEY, 20, false, true},
    {p_arith, TY_NUMBER, 20, false, true},    {p_neg, TY_INT, 5, false, true},
    {p_neg, TY_MONEY, 5, false, true},        {p_neg, TY_NUMBER, 5, false, true},
    {p_days_between, TY_INT, 8, false, true}, {p_if, TY_INT, 6, false, true},
    {p_if, TY_MONEY, 6, false, true},         {p_if, TY_NUMBER, 6, false, true},
    {p_if, TY_DATE, 8, false, true},          {p_if, TY_TEXT, 6, false, true},
    {p_if, TY_ENUM, 6, false, true},          {p_if, TY_BOOL, 4, false, true},
    {p_date_shift, TY_DATE, 20, false, true}, {p_compare, TY_BOOL, 40, false, true},
    {p_logic, TY_BOOL, 15, false, true},      {p_not, TY_BOOL, 6, false, true},
    {p_in, TY_BOOL, 10, false, true},         {p_isnone, TY_BOOL, 10, false, true},
    {p_within, TY_BOOL, 15, false, false},    {p_count, TY_INT, 25, true, false},
    {p_distinct, TY_INT, 20, true, false},    {p_sum, TY_INT, 10, true, false},
    {p_sum, TY_MONEY, 25, true, false},       {p_sum, TY_NUMBER, 20, true, false},
    {p_minmax, TY_INT, 8, true, false},       {p_minmax, TY_MONEY, 8, true, false},
    {p_minmax, TY_NUMBER, 8, true, false},    {p_minmax, TY_DATE, 20, true, false},
    {p_anyall, TY_BOOL, 15, true, false},
    {p_agg_expr, TY_INT, 8, true, false},     {p_agg_expr, TY_MONEY, 6, true, false},
    {p_agg_expr, TY_NUMBER, 8, true, false},  {p_agg_expr, TY_DATE, 4, true, false},
    {p_avg_median, TY_NUMBER, 10, true, false},
    {p_minmax_call, TY_INT, 4, false, true},  {p_minmax_call, TY_MONEY, 4, false, true},
    {p_minmax_call, TY_NUMBER, 5, false, true}, {p_minmax_call, TY_DATE, 4, false, true},
    {p_round, TY_INT, 3, false, true},        {p_round, TY_MONEY, 5, false, true},
    {p_round, TY_NUMBER, 8, false, true},
    {p_year_month, TY_INT, 4, false, true},   {p_period_day, TY_DATE, 10, false, true},
    {p_in_period, TY_BOOL, 10, false, true},
    {p_lookup, TY_INT, 4, false, true},       {p_lookup, TY_MONEY, 3, false, true},
    {p_lookup, TY_NUMBER, 4, false, true},    {p_lookup, TY_TEXT, 3, false, true},
    {p_lookup, TY_DATE, 2, false, true},      {p_lookup, TY_BOOL, 2, false, true},
    {p_call, TY_INT, 4, false, true},         {p_call, TY_MONEY, 3, false, true},
    {p_call, TY_NUMBER, 5, false, true},      {p_call, TY_DATE, 2, false, true},
    {p_call, TY_BOOL, 3, false, true},        {p_call, TY_TEXT, 2, false, true},
};
// clang-format on

static struct gexpr *gen_expr(struct gen *G, struct gtype want, struct scope sc) {
  /* a leaf: a name in scope (usually) or a literal */
  bool deep = sc.depth >= G->g->opt.max_depth;
  if (deep || rng_chance(G->r, 35)) {
    struct gexpr *e = rng_chance(G->r, 75) ? name_of(G, want, &sc) : NULL;
    if (e) return e;
    if (deep || want.kind != TY_MONEY) return literal(G, want);
  }
  if (want.kind == TY_DATE && !sc.review && rng_chance(G->r, 15)) return leaf(ty(TY_DATE, false, 0), xprintf("asof"));
  if (want.kind == TY_ENUM && rng_chance(G->r, 50)) {
    struct gexpr *e = name_of(G, want, &sc);
    if (e) return e;
  }
  unsigned total = 0;
  for (size_t i = 0; i < sizeof productions / sizeof productions[0]; i++)
    if (productions[i].kind == want.kind && (!productions[i].agg || sc.agg) && (productions[i].review || !sc.review))
      total += productions[i].weight;
  if (!total) return literal(G, want);
  unsigned pick = rng_below(G->r, total);
  for (size_t i = 0; i < sizeof productions / sizeof productions[0]; i++) {
    if (productions[i].kind != want.kind || (productions[i].agg && !sc.agg) || (!productions[i].review && sc.review))
      continue;
    if (pick < productions[i].weight) return productions[i].fn(G, want, &sc);
    pick -= productions[i].weight;
  }
  return literal(G, want);
}

/* ---- the schema ------------------------------------------------------------------------------------ */

static bool name_taken(const struct gruleset *g, const char *s) {
  for (int e = 0; e < g->nenums; e++) {
    if (!strcmp(g->enums[e].name, s)) return true;
    for (int v = 0; v < g->enums[e].nvals; v++)
      if (!strcmp(g->enums[e].vals[v], s)) return true;
  }
  for (int f = 0; f < g->nfields; f++)
    if (!strcmp(g->fields[f].name, s)) return true;
  for (int m = 0; m < g->nmetrics; m++)
    if (!strcmp(g->metrics[m].name, s)) return true;
  for (int k = 0; k < g->nconsts; k++)
    if (!strcmp(g->consts[k].name, s)) return true;
  for (int t = 0; t < g->ntables; t++)
    if (!strcmp(g->tables[t].name, s)) return true;
  for (int f = 0; f < g->nformulas; f++) {
    if (!strcmp(g->formulas[f].name, s)) return true;
    for (int i = 0; i < g->formulas[f].nparams; i++)
      if (!strcmp(g->formulas[f].params[i], s)) return true;
  }
  return false;
}

/* base, or base2, base3, ... whichever is free */
static void fresh(const struct gruleset *g, const char *base, char out[72]) {
  char word[72];
  int k = 2;
  if (base[0] == '`') { /* `count` taken: count2, a name that needs no backquotes */
    snprintf(word, sizeof word, "%.*s", (int)strlen(base) - 2, base + 1);
    base = word;
    snprintf(out, 72, "%.60s%d", base, k++);
  } else {
    snprintf(out, 72, "%s", base);
  }
  for (; name_taken(g, out); k++) snprintf(out, 72, "%.60s%d", base, k);
}

static void gen_enums(struct gen *G) {
  struct gruleset *g = G->g;
  static const char *PARTNER[] = {"consulting", "technology", "isv", "msp"};
  static const char *NAMES[] = {"level", "track", "stage", "region", "plan"};
  static const char *VALS[][6] = {{"foundational", "associate", "professional", "specialty", "expert", "master"},
                                  {"business", "technical", "sales", "presales", "support", "ops"},
                                  {"open", "launched", "lost", "won", "hold", "closed"},
                                  {"north", "south", "east", "west", "central", "global"},
                                  {"basic", "developer", "standard", "enterprise", "premium", "free"}};
  struct genum *p = &g->enums[g->nenums++];
  snprintf(p->name, sizeof p->name, "partner_kind");
  int ntypes = count(G, 1, g->opt.max_types);
  p->vals = xcalloc((size_t)ntypes, sizeof *p->vals);
  for (; p->nvals < ntypes; p->nvals++) /* consulting ... msp, then kind, kind2, ... */
    fresh(g, p->nvals < 4 ? PARTNER[p->nvals] : "kind", p->vals[p->nvals]);
  int n = 1 + (int)rng_below(G->r, 4);
  for (int k = 0; k < n; k++) {
    struct genum *e = &g->enums[g->nenums];
    int which = (int)rng_below(G->r, 5);
    fresh(g, NAMES[which], e->name);
    int nv = 2 + (int)rng_below(G->r, 5);
    e->nvals = 0;
    e->vals = xcalloc((size_t)nv, sizeof *e->vals);
    g->nenums++; /* visible to fresh() from here on */
    for (int v = 0; v < nv; v++) {
      char name[72];
      if (rng_chance(G->r, 3)) snprintf(name, sizeof name, "an_enum_value_whose_name_is_longer_than_forty_bytes_%d", v);
      else snprintf(name, sizeof name, "%s", VALS[which][v]);
      char unique[72];
      fresh(g, name, unique);
      snprintf(e->vals[e->nvals++], sizeof e->vals[0], "%s", unique);
    }
  }
}

static struct gtype field_type(struct gen *G) {
  static const uint8_t K[] = {TY_TEXT, TY_INT, TY_INT, TY_NUMBER, TY_MONEY, TY_MONEY, TY_BOOL, TY_DATE, TY_DATE, TY_ENUM};
  if (G->g->tier_values && rng_chance(G->r, 12)) return ty(TY_TIER, rng_chance(G->r, 60), 0); /* the status carried in */
  uint8_t kind = PICK(G->r, K);
  struct gtype t = ty(kind, rng_chance(G->r, 25), 0);
  if (t.kind == TY_ENUM && G->g->nenums < 2) t.kind = TY_INT;
  if (t.kind == TY_ENUM) t.ref = (int16_t)(1 + rng_below(G->r, (uint32_t)G->g->nenums - 1));
  return t;
}

static const char *kind_word(const struct gruleset *g, struct gtype t) {
  switch (t.kind) {
  case TY_TEXT: return "name";
  case TY_INT: return "seats";
  case TY_NUMBER: return "score";
  case TY_MONEY: return "amount";
  case TY_BOOL: return "flag";
  case TY_DATE: return "day";
  case TY_TIER: return "status";
  default: return g->enums[t.ref].name;
  }
}

/* Now and then a field takes a word of the language as its name (docs 2.3,
 * 2.4): one that is a keyword only where the grammar needs it, bare, or a
 * reserved one in backquotes.  NULL: a name of its kind instead. */
static const char *keyword_name(struct gen *G) {
  static const char *WORDS[] = {"month", "year",  "quarter", "previous", "calendar", "fiscal", "starts", "of",
                                "at",    "least", "`count`", "`in`",     "`where`",  "`sum`",  "`date`", "`list`"};
  if (!rng_chance(G->r, 6)) return NULL;
  const char *w = PICK(G->r, WORDS);
  return name_taken(G->g, w) ? NULL : w;
}

static int add_field(struct gen *G, int list, struct gtype t, const char *want_name) {
  struct gruleset *g = G->g;
  struct gfield *f = &g->fields[g->nfields];
  memset(f, 0, sizeof *f);
  f->t = t;
  f->list = list;
  f->alive = true;
  const char *word = want_name ? NULL : keyword_name(G);
  if (word) snprintf(f->name, sizeof f->name, "%s", word);
  else if (want_name && gen_field(g, list, want_name) < 0) snprintf(f->name, sizeof f->name, "%s", want_name);
  else fresh(g, want_name ? want_name : kind_word(g, t), f->name);
  /* now and then a JSON key unlike any name (names have no spaces); never
   * for the id and the partner type, which the caller names */
  if (g->nfields >= 2 && rng_chance(G->r, 10)) {
    size_t n = strnlen(f->name, sizeof f->name - 1);
    memcpy(f->key, f->name, n);
    memcpy(f->key + n, " key", sizeof " key"); /* 71 + 5 bytes: fits */
  }
  return g->nfields++;
}

/* List `name` in the items of list `parent` (-1: the record), its item
 * fields, and now and then lists inside its items, three levels at most
 * (docs 7.1).  A list comes after its parent, as sema numbers them. */
static void add_list(struct gen *G, int parent, const char *name, int ntop) {
  struct gruleset *g = G->g;
  static const char *INNER[] = {"months", "rows", "lines"};
  int l = g->nlists++, depth = 0;
  for (int p = parent; p >= 0; p = g->list_parent[p]) depth++;
  int f = add_field(G, parent, ty(TY_INT, false, 0), name);
  g->fields[f].is_list = true;
  g->fields[f].index = l;
  g->list_field[l] = f;
  g->list_parent[l] = parent;
  int nf = 1 + (int)rng_below(G->r, depth ? 4 : 7);
  for (int i = 0; i < nf; i++) {
    struct gtype t = field_type(G);
    /* now and then an item field named like a top-level one: it hides it inside aggregates */
    const char *same = NULL;
    if (rng_chance(G->r, 15)) {
      int k = 2 + (int)rng_below(G->r, (uint32_t)ntop);
      same = g->fields[k].name;
      t = g->fields[k].t;
    }
    add_field(G, l, t, same);
  }
  while (depth < 2 && g->nlists < g->opt.max_lists && rng_chance(G->r, depth ? 25 : 35))
    add_list(G, l, INNER[depth + (int)rng_below(G->r, 2)], ntop);
}

static void gen_schema(struct gen *G) {
  struct gruleset *g = G->g;
  gen_enums(G);
  add_field(G, -1, ty(TY_TEXT, rng_chance(G->r, 5), 0), "id");
  add_field(G, -1, ty(TY_ENUM, false, 0), "type");
  int ntop = count(G, 2, g->opt.max_fields);
  for (int i = 0; i < ntop; i++) add_field(G, -1, field_type(G), NULL);
  int ntoplists = count(G, 0, g->opt.max_lists / 2 - 1);
  if (g->opt.full || rng_chance(G->r, 90)) ntoplists++;
  static const char *LISTS[] = {"certifications", "deals", "reviews", "products"};
  g->nlists = 0;
  for (int l = 0; l < ntoplists; l++) add_list(G, -1, LISTS[l % 4], ntop); /* deals2 after products */
}

int gen_field(const struct gruleset *g, int list, const char *name) {
  for (int f = 0; f < g->nfields; f++)
    if (g->fields[f].alive && g->fields[f].list == list && !strcmp(g->fields[f].name, name)) return f;
  return -1;
}

/* ---- metrics, review, tiers ------------------------------------------------------------------------- */

static const char *LABELS[] = {"Certified people", "MRR of launched deals (USD)", "AWS認定資格保有者",
                               "a \\\"quoted\\\" label", "お客様の成功"};

/* A small whole number, as a score scales its parts. */
static struct gexpr *small_int(struct gen *G) {
  struct gexpr *e = leaf(ty(TY_INT, false, 0), xprintf("%d", 1 + (int)rng_below(G->r, 6)));
  e->literal = true;
  return e;
}

/* One part of a score: a count or amount of the record (a field or an
 * earlier metric of the score's type), as it is, scaled, capped or as a
 * bonus over a bar; NULL when the record has none. */
static struct gexpr *score_part(struct gen *G, struct gtype want, const struct scope *sc) {
  struct gexpr *in = name_of(G, want, sc), *bar, *other;
  if (!in) return NULL;
  bar = literal(G, want);
  if (want.kind == TY_MONEY) money_safe(G, &bar); /* a literal meeting money is taken in cents */
  struct gtype t = ty(want.kind, in->t.opt, 0);
  switch (rng_below(G->r, 4)) {
  case 0: expr_free(bar); return node(t, "%0 * %1", 2, in, small_int(G), NULL);
  case 1: return node(t, "min(%0 * %1, %2)", 3, in, small_int(G), bar);
  case 2: /* a bonus over a bar: a literal in an if would be a number, not money */
    other = want.kind == TY_MONEY ? name_of(G, want, sc) : literal(G, want);
    if (other) return node(ty(want.kind, in->t.opt || other->t.opt, 0), "(if %0 > %1 then %2 else 0)", 3, in, bar, other);
    /* fall through */
  default: expr_free(bar); return in;
  }
}

/* A score (docs 8.3): two or three parts added or taken away, so that
 * the gap's search over a score's inputs (src/score.c and whatif.c, ref_score.c) is
 * drawn often; NULL when the record has no count or amount of its type. */
static struct gexpr *score_expr(struct gen *G, struct gtype want, const struct scope *sc) {
  struct gexpr *e = score_part(G, want, sc), *b;
  for (int i = 1 + (int)rng_below(G->r, 2); e && i > 0 && (b = score_part(G, want, sc)); i--)
    e = node(ty(want.kind, e->t.opt || b->t.opt, 0), rng_chance(G->r, 75) ? "%0 + %1" : "%0 - %1", 2, e, b, NULL);
  return e;
}

/* ---- metric loops in the shapes the VM runs at once (src/loopk.c) ------------------------------- */

/* An item field of list l of one of the kinds below, or -1 */
static int item_field(struct gen *G, int l, bool (*ok)(struct gtype)) {
  const struct gruleset *g = G->g;
  int *cand = xcalloc((size_t)g->nfields + 1, sizeof *cand), nc = 0;
  for (int f = 0; f < g->nfields; f++)
    if (g->fields[f].alive && !g->fields[f].is_list && g->fields[f].list == l && ok(g->fields[f].t)) cand[nc++] = f;
  int f = nc ? cand[rng_below(G->r, (uint32_t)nc)] : -1;
  free(cand);
  return f;
}
static bool is_any(struct gtype t) { return t.kind != TY_TIER; }
static bool is_filterable(struct gtype t) {
  return t.kind == TY_ENUM || t.kind == TY_DATE || t.kind == TY_INT || t.kind == TY_BOOL;
}
static bool is_summable(struct gtype t) { return is_num(t.kind); }
static bool is_ordered(struct gtype t) { return is_num(t.kind) || t.kind == TY_DATE; }
static bool is_text(struct gtype t) { return t.kind == TY_TEXT; }

static struct gexpr *field_leaf(const struct gruleset *g, int f) {
  struct gexpr *e = leaf(g->fields[f].t, xprintf("%s", g->fields[f].name));
  e->field = f;
  return e;
}

/* One test of an item of list l: an enum field equal to a constant or in a
 * set, a date against the evaluation date or within a window, an int
 * against a constant, none or not, a bool field, an earlier bool item
 * metric of l; NULL when l's items have none of those. */
static struct gexpr *item_test(struct gen *G, int l, int metrics) {
  const struct gruleset *g = G->g;
  static const char *OPS[] = {"%0 == %1", "%0 != %1", "%0 < %1", "%0 <= %1", "%0 > %1", "%0 >= %1"};
  static const char *DUR[] = {"30 days", "90 days", "0 days", "1 month", "3 months", "12 months"};
  struct gtype b = ty(TY_BOOL, false, 0);
  if (rng_chance(G->r, 25))
    for (int m = metrics - 1; m >= 0; m--)
      if (g->metrics[m].alive && g->metrics[m].list == l && same_type(g->metrics[m].t, b) && rng_chance(G->r, 60)) {
        struct gexpr *e = leaf(b, xprintf("%s", g->metrics[m].name));
        e->metric = m;
        return e;
      }
  int f = item_field(G, l, is_filterable);
  if (f < 0) return NULL;
  struct gexpr *x = field_leaf(g, f);
  struct gtype t = g->fields[f].t;
  const char *op;
  if (t.opt && rng_chance(G->r, 12)) return node(b, rng_chance(G->r, 50) ? "%0 is none" : "%0 is not none", 1, x, NULL, NULL);
  switch (t.kind) {
  case TY_ENUM:
    if (rng_chance(G->r, 35)) {
      const struct genum *en = &g->enums[t.ref];
      char *tm = xcalloc((size_t)en->nvals + 1, sizeof en->vals[0] + 2), *end = tm;
      end += sprintf(end, "%%0 in {");
      for (int i = 0, n = 1 + (int)rng_below(G->r, (uint32_t)en->nvals); i < n; i++)
        end += sprintf(end, "%s%s", i ? ", " : "", en->vals[rng_below(G->r, (uint32_t)en->nvals)]);
      strcpy(end, "}");
      struct gexpr *e = node(b, tm, 1, x, NULL, NULL);
      free(tm);
      return e;
    }
    op = rng_chance(G->r, 75) ? "%0 == %1" : "%0 != %1"; /* (drawn before the operand: an argument list has no order) */
    return node(b, op, 2, x, enum_literal(G, t.ref), NULL);
  case TY_DATE:
    if (rng_chance(G->r, 35)) {
      char *tm = xprintf("%%0 within %s", PICK(G->r, DUR));
      struct gexpr *e = node(b, tm, 1, x, NULL, NULL);
      free(tm);
      return e;
    }
    op = PICK(G->r, OPS);
    return node(b, op, 2, x, rng_chance(G->r, 70) ? leaf(ty(TY_DATE, false, 0), xprintf("asof")) : date_literal(G), NULL);
  case TY_INT: op = PICK(G->r, OPS); return node(b, op, 2, x, int_literal(G), NULL);
  default: return x; /* a bool field */
  }
}

/* A filter of list l's items: one to three tests, joined by `and` or
 * `or`, now and then one under `not`. */
static struct gexpr *item_filter(struct gen *G, int l, int metrics) {
  struct gexpr *e = item_test(G, l, metrics);
  for (int i = (int)rng_below(G->r, 3); e && i > 0; i--) {
    struct gexpr *x = item_test(G, l, metrics);
    if (!x) break;
    if (rng_chance(G->r, 15)) x = node(ty(TY_BOOL, false, 0), "not %0", 1, x, NULL, NULL);
    e = node(ty(TY_BOOL, false, 0), rng_chance(G->r, 65) ? "%0 and %1" : "%0 or %1", 2, e, x, NULL);
  }
  return e;
}

/* A metric of the shapes the VM runs at once over a list of the record
 * (src/loopk.c): an item metric that filters its item, or a count, sum,
 * count distinct of a text, min, max, any or all with such a filter, into
 * m; false when the record has no list with fields. */
static bool loopk_metric(struct gen *G, struct gmetric *m) {
  const struct gruleset *g = G->g;
  int *cand = xcalloc((size_t)g->nlists + 1, sizeof *cand), nc = 0;
  for (int l = 0; l < g->nlists; l++)
    if (g->list_parent[l] < 0 && g->fields[g->list_field[l]].alive && item_field(G, l, is_any) >= 0) cand[nc++] = l;
  int l = nc ? cand[rng_below(G->r, (uint32_t)nc)] : -1;
  free(cand);
  if (l < 0) return false;
  struct gexpr *w = NULL;
  if (rng_chance(G->r, 25) && (w = item_filter(G, l, g->nmetrics))) {
    m->list = l, m->e = w;
    return true;
  }
  w = rng_chance(G->r, 85) ? item_filter(G, l, g->nmetrics) : NULL;
  int f = -1;
  const char *form = NULL;
  struct gtype t = ty(TY_INT, false, 0);
  switch (rng_below(G->r, 6)) {
  case 0: f = item_field(G, l, is_summable), form = "sum %s in", t = f >= 0 ? g->fields[f].t : t, t.opt = false; break;
  case 1: f = item_field(G, l, is_text), form = "count distinct %s in"; break;
  case 2:
    f = item_field(G, l, is_ordered), form = rng_chance(G->r, 50) ? "min %s in" : "max %s in";
    if (f >= 0) t = g->fields[f].t, t.opt = true;
    break;
  case 3: form = rng_chance(G->r, 50) ? "any" : "all", t = ty(TY_BOOL, false, 0); break;
  default: break;
  }
  if (f < 0 && t.kind != TY_BOOL) form = "count", t = ty(TY_INT, false, 0);
  char *fm = f >= 0 ? xprintf(form, g->fields[f].name) : xprintf("%s", form);
  m->list = -1, m->e = aggregate(G, t, fm, l, w);
  free(fm);
  return true;
}

static void gen_metrics(struct gen *G) {
  struct gruleset *g = G->g;
  int n = count(G, 2, g->opt.max_metrics);
  static const uint8_t K[] = {TY_INT, TY_INT, TY_INT, TY_MONEY, TY_MONEY, TY_NUMBER, TY_BOOL, TY_BOOL, TY_DATE, TY_ENUM, TY_TEXT};
  for (int i = 0; i < n; i++) {
    struct gmetric *m = &g->metrics[g->nmetrics];
    memset(m, 0, sizeof *m);
    if (G->loopk && rng_chance(G->r, 75) && loopk_metric(G, m)) {
      m->t = m->e->t;
      fresh(g, m->list < 0 ? "m" : "im", m->name);
      m->alive = true;
      g->nmetrics++;
      continue;
    }
    m->list = g->nlists && rng_chance(G->r, 25) ? (int)rng_below(G->r, (uint32_t)g->nlists) : -1;
    struct gtype want = ty(PICK(G->r, K), false, 0);
    if (want.kind == TY_ENUM) want.ref = (int16_t)rng_below(G->r, (uint32_t)g->nenums);
    struct scope sc = {m->list, g->nmetrics, false, m->list < 0 || has_inner(g, m->list), 0};
    /* a tier metric reads fields, not other metrics: an item metric that is
     * another one is written out where it is used (docs 3.6), and chains of
     * such aliases would make code quadratic in the source */
    struct scope fields = sc;
    fields.metrics = 0;
    m->e = g->tier_values && rng_chance(G->r, 15) ? tier_expr(G, &fields) : NULL;
    bool score = !m->e && m->list < 0 && (want.kind == TY_INT || want.kind == TY_MONEY) && rng_chance(G->r, 35);
    if (score) m->e = score_expr(G, want, &sc);
    if (!m->e) m->e = gen_expr(G, want, sc);
    /* a bare duration or a list cannot be a metric; neither is generated */
    m->t = m->e->t;
    fresh(g, m->list < 0 ? "m" : "im", m->name);
    m->alive = true;
    if (rng_chance(G->r, 30)) m->label = xprintf("%s", PICK(G->r, LABELS));
    g->nmetrics++;
  }
}

static void gen_review(struct gen *G) {
  struct gruleset *g = G->g;
  if (rng_chance(G->r, 30)) return; /* none: every record gets an --as-of date */
  struct scope sc = {-1, 0, true, false, 1};
  g->review = gen_expr(G, ty(TY_DATE, false, 0), sc);
}

/* `holds B` or `meets B` of a badge or a tier that may be referred to
 * here (docs 8.8): no cycle, since a tier refers to earlier tiers only
 * (the lower ones of its own ladder, or another type's) and a badge to
 * earlier badges, and grants' conditions refer to nothing. */
static struct gexpr *one_reference(struct gen *G) {
  uint32_t k = rng_below(G->r, (uint32_t)(G->ref_badges + G->ref_tiers));
  const char *name = (int)k < G->ref_badges ? G->g->badges[k].name : G->g->tiers[(int)k - G->ref_badges].name;
  return leaf(ty(TY_BOOL, false, 0), xprintf("%s %s", rng_chance(G->r, 60) ? "holds" : "meets", name));
}

/* A condition to stand beside a reference: a name of the record compared
 * with any expression of its type, which may fail (an overflow).  It
 * names the record so that it folds to no constant: the VM's gap reads
 * the folded meaning (`meets B or false` is `meets B`), the reference's the
 * text.  NULL when the record has no such name. */
static struct gexpr *beside_reference(struct gen *G, const struct scope *sc) {
  struct scope whole = *sc;
  whole.agg = false;
  struct gexpr *v = name_of(G, any_numeric(G), sc);
  if (!v) return NULL;
  struct gexpr *k = sub(G, v->t, &whole);
  if (v->t.kind == TY_MONEY) money_safe(G, &k);
  return node(ty(TY_BOOL, false, 0), "%0 >= %1", 2, v, k, NULL);
}

/* A requirement that refers to blocks: references joined by `and`, whose
 * gap says what each referenced block needs; one under `not` (whose gap is
 * "must hold"); or one beside another condition, joined by `or` or `and`
 * or choosing an `if`'s side.  Those are lazy (SPEC 3.5), and the VM
 * evaluates a record in rounds, in which a reference's value is not final
 * before the last: the other side, which may fail, must be read only where
 * the final value asks for it. */
static struct gexpr *block_reference(struct gen *G, const struct scope *sc) {
  static const char *BESIDE[] = {"%0 or %1", "%1 or %0", "%0 and %1", "%1 and %0", "not %0 or %1", "not %0 and %1"};
  struct gtype b = ty(TY_BOOL, false, 0);
  struct gexpr *r = one_reference(G);
  int choice = (int)rng_below(G->r, 100);
  struct gexpr *x = choice >= 20 && choice < 55 ? beside_reference(G, sc) : NULL;
  struct gexpr *y = x && choice >= 45 ? beside_reference(G, sc) : NULL;
  if (choice < 20) return node(b, "not %0", 1, r, NULL, NULL);
  if (y) return node(b, "if %0 then %1 else %2", 3, r, x, y);
  if (x && choice < 45) return node(b, PICK(G->r, BESIDE), 2, r, x, NULL);
  expr_free(x);
  for (int k = rng_below(G->r, 3); k > 0; k--) r = node(b, "%0 and %1", 2, r, one_reference(G), NULL);
  return r;
}

/* A requirement: mostly a metric or field against a boundary constant,
 * now and then a date metric or field in a period of asof or of another
 * (whose gap names the period's days), else any bool expression
 * (aggregates in parentheses included). */
/* A formula of one int parameter whose body is a count, a count distinct
 * or a sum over a list of the record (or, now and then, min or max, which
 * the search leaves alone), called with a literal: `fN(3)`.  The gap's
 * search of a compared call's counts and sums (src/score.c agg_inputs,
 * ref_score.c count_need) changes such a call's value.  NULL when the
 * record has no list or there are 8 formulas. */
static struct gexpr *count_call(struct gen *G, struct gtype want) {
  struct gruleset *g = G->g;
  if (g->nformulas == 8 || !g->nlists) return NULL;
  struct gformula *F = &g->formulas[g->nformulas++];
  memset(F, 0, sizeof *F);
  char name[72];
  fresh(g, "f", name);
  memcpy(F->name, name, sizeof name);
  F->nparams = 1;
  F->ptypes[0] = ty(TY_INT, false, 0);
  fresh(g, "x", name);
  memcpy(F->params[0], name, sizeof name);
  F->aggregates = true;
  struct scope body = {-1, 0, false, true, 1};
  G->body_of = F;
  int choice = (int)rng_below(G->r, 100);
  if (want.kind == TY_INT && choice < 35) F->body = p_count(G, want, &body);
  else if (want.kind == TY_INT && choice < 50) F->body = p_distinct(G, want, &body);
  else if (choice < 90) F->body = aggregate_of_expr(G, want, "sum", want, &body);
  else F->body = p_agg_expr(G, want, &body);
  G->body_of = NULL;
  if (!F->body || !same_type(F->body->t, want)) return NULL;
  char tmpl[96];
  snprintf(tmpl, sizeof tmpl, "%s(%%0)", F->name);
  return node(F->body->t, tmpl, 1, int_literal(G), NULL, NULL);
}

/* A formula call compared with a constant whose first argument is a
 * score of the record's counts or amounts (SPEC 3.5), so that the gap's
 * search over a compared call's inputs (src/score.c call_inputs, whatif.c,
 * ref_score.c ref_call_need) is drawn often; NULL when the record has no
 * count or amount of the type or there are 8 formulas. */
static struct gexpr *call_requirement(struct gen *G, const struct scope *sc) {
  static const uint8_t K[] = {TY_INT, TY_INT, TY_MONEY};
  static const char *OPS[] = {"%0 >= %1", "%0 > %1", "%0 <= %1", "%0 < %1", "%1 <= %0"};
  struct gtype want = ty(PICK(G->r, K), false, 0);
  struct scope none = *sc;
  none.agg = false; /* a formula that aggregates is called with no aggregate: not here */
  /* now and then a count or sum of a list (a formula of its own) as the score */
  struct gexpr *k[3] = {rng_chance(G->r, 40) ? count_call(G, want) : NULL, NULL, NULL};
  if (!k[0]) k[0] = score_expr(G, want, sc);
  struct gformula *F = k[0] ? new_formula(G, want, &none) : NULL;
  if (!F || !F->body || !same_type(F->body->t, want)) {
    expr_free(k[0]);
    return NULL;
  }
  if (want.kind == TY_MONEY) money_safe(G, &k[0]);
  char tmpl[128];
  int at = snprintf(tmpl, sizeof tmpl, "%s(%%0", F->name);
  for (int i = 1; i < F->nparams; i++) {
    k[i] = literal(G, F->ptypes[i]);
    if (F->ptypes[i].kind == TY_MONEY) money_safe(G, &k[i]);
    at += snprintf(tmpl + at, sizeof tmpl - (size_t)at, ", %%%d", i);
  }
  snprintf(tmpl + at, sizeof tmpl - (size_t)at, ")");
  struct gtype t = F->body->t;
  t.opt = true;
  struct gexpr *call = node(t, tmpl, F->nparams, k[0], k[1], k[2]), *bar = literal(G, want);
  if (want.kind == TY_MONEY) money_safe(G, &bar);
  return node(ty(TY_BOOL, false, 0), PICK(G->r, OPS), 2, call, bar, NULL);
}

static struct gexpr *requirement(struct gen *G) {
  struct gruleset *g = G->g;
  struct scope sc = {-1, g->nmetrics, false, true, 1};
  int choice = (int)rng_below(G->r, 100);
  struct gexpr *tv = g->tier_values && rng_chance(G->r, 15) ? tier_requirement(G, &sc) : NULL;
  if (tv) return tv;
  if (G->ref_badges + G->ref_tiers > 0 && rng_chance(G->r, 10)) return block_reference(G, &sc);
  if (rng_chance(G->r, 5) && (tv = call_requirement(G, &sc))) return tv;
  if (choice < 55) {
    static const uint8_t K[] = {TY_INT, TY_INT, TY_MONEY, TY_NUMBER, TY_DATE, TY_ENUM, TY_BOOL};
    struct gtype t = ty(PICK(G->r, K), false, 0);
    if (t.kind == TY_ENUM) t.ref = (int16_t)rng_below(G->r, (uint32_t)g->nenums);
    struct gexpr *v = name_of(G, t, &sc);
    if (v) {
      static const char *OPS[] = {"%0 >= %1", "%0 > %1", "%0 <= %1", "%0 < %1", "%0 == %1", "%0 != %1", "%0 >= %1", "%0 >= %1"};
      static const char *FLIPPED[] = {"%1 <= %0", "%1 < %0", "%1 >= %0", "%1 > %0", "%1 == %0", "%1 != %0", "%1 <= %0", "%1 <= %0"};
      /* now and then a count against a decimal: compared as numbers */
      struct gexpr *k = v->t.kind == TY_INT && rng_chance(G->r, 10) ? decimal_literal(G, false) : literal(G, v->t);
      if (rng_chance(G->r, 20)) { /* a computed threshold (SPEC 3.5): any value of the record */
        struct scope whole = sc;
        whole.agg = false;
        expr_free(k);
        k = gen_expr(G, v->t, whole);
      }
      if (v->t.kind == TY_MONEY) money_safe(G, &k);
      int op = (int)rng_below(G->r, 8);
      return node(ty(TY_BOOL, false, 0), rng_chance(G->r, 15) ? FLIPPED[op] : OPS[op], 2, v, k, NULL);
    }
  } else if (choice < 62) {
    /* an aggregate against a computed threshold */
    static const uint8_t K[] = {TY_INT, TY_MONEY, TY_NUMBER, TY_DATE};
    struct gtype t = ty(PICK(G->r, K), false, 0);
    struct scope whole = sc;
    whole.agg = false;
    struct gexpr *v = t.kind == TY_NUMBER && rng_chance(G->r, 50) ? p_avg_median(G, t, &sc) : p_agg_expr(G, t, &sc);
    struct gexpr *k = gen_expr(G, v->t, whole);
    if (is_num(v->t.kind)) { /* an aggregate of a number expression may be money; with no list it is a literal */
      money_safe(G, &k);
      money_safe(G, &v);
    }
    return node(ty(TY_BOOL, false, 0), rng_chance(G->r, 50) ? "(%0) >= %1" : "%1 > (%0)", 2, v, k, NULL);
  } else if (choice < 70) {
    struct gexpr *v = name_of(G, ty(TY_BOOL, false, 0), &sc);
    if (v) return v;
  } else if (choice < 78) {
    struct gexpr *d = name_of(G, ty(TY_DATE, false, 0), &sc);
    struct gexpr *x = rng_chance(G->r, 60) ? leaf(ty(TY_DATE, false, 0), xprintf("asof")) : name_of(G, ty(TY_DATE, false, 0), &sc);
    if (d && x) return in_period(G, d, x);
    expr_free(d);
    expr_free(x);
  }
  return gen_expr(G, ty(TY_BOOL, false, 0), sc);
}

/* T's n requirements, a section heading and a label now and then. */
static void gen_reqs(struct gen *G, struct gtier *T, int n) {
  static const char *SECTIONS[] = {"knowledge", "experience", "customer_success"};
  T->nreqs = n;
  T->reqs = xcalloc((size_t)T->nreqs + 1, sizeof *T->reqs);
  for (int q = 0; q < T->nreqs; q++) {
    T->reqs[q].e = requirement(G);
    T->reqs[q].alive = true;
    if (rng_chance(G->r, 20)) T->reqs[q].label = xprintf("%s", PICK(G->r, LABELS));
    if (rng_chance(G->r, 25)) T->reqs[q].section = xprintf("%s", PICK(G->r, SECTIONS));
  }
}

/* gen_options.ladder: now and then a run of T's requirements becomes a
 * group, an either (2 or 3 branches, named or by place, the run split
 * among them in order) or an at least N of the run; and T inserts a
 * requirements block.  A section heading would end a branch: the grouped
 * requirements have none. */
static void gen_structure(struct gen *G, struct gtier *T) {
  struct gruleset *g = G->g;
  for (int at = 0; T->ngroups < 2 && T->nreqs - at >= 2 && rng_chance(G->r, 60);) {
    int start = at + (int)rng_below(G->r, (uint32_t)(T->nreqs - at - 1));
    int len = 2 + (int)rng_below(G->r, (uint32_t)(T->nreqs - start - 1));
    struct ggroup *gr = &T->groups[T->ngroups++];
    gr->either = rng_chance(G->r, 50);
    gr->nbranches = gr->either ? 2 + (int)rng_below(G->r, len >= 3 ? 2 : 1) : 0;
    gr->n = gr->either ? 1 : 1 + (int)rng_below(G->r, (uint32_t)len);
    gr->named = rng_chance(G->r, 60);
    for (int k = 0; k < len; k++) {
      struct greq *R = &T->reqs[start + k];
      R->group = T->ngroups;
      R->branch = gr->either ? k * gr->nbranches / len : 0;
      free(R->section);
      R->section = NULL;
    }
    at = start + len;
  }
  if (g->nblocks && rng_chance(G->r, 40)) T->inserts[T->ninserts++] = (int)rng_below(G->r, (uint32_t)g->nblocks);
}

/* gen_options.ladder: requirements blocks (no parameters), before the
 * tiers and badges that insert them; each may insert an earlier one. */
static void gen_blocks(struct gen *G) {
  struct gruleset *g = G->g;
  int n = (int)rng_below(G->r, 3);
  for (int k = 0; k < n; k++) {
    struct gtier *B = &g->blocks[g->nblocks];
    memset(B, 0, sizeof *B);
    snprintf(B->name, sizeof B->name, "block_%d", k + 1);
    B->alive = true;
    gen_reqs(G, B, 1 + (int)rng_below(G->r, 3));
    gen_structure(G, B);
    g->nblocks++;
  }
}

/* A time clause now and then, for the windows around the dates records
 * hold (docs 8.4). */
static void gen_time(struct gen *G, struct gtier *T) {
  static const int most[] = {0, 7, 7, 40, 3};
  if (!rng_chance(G->r, 25)) return;
  T->time = 1 + (int)rng_below(G->r, 4);
  T->window = 1 + (int)rng_below(G->r, (uint64_t)most[T->time]);
}

/* Badges, every record's beside its tier (docs 8.7), with a time clause
 * now and then; in a ruleset with groups (gruleset.ladder), groups and
 * insertions too. */
static void gen_badges(struct gen *G) {
  struct gruleset *g = G->g;
  int n = (int)rng_below(G->r, 4);
  for (int k = 0; k < n; k++) {
    struct gtier *B = &g->badges[g->nbadges++];
    memset(B, 0, sizeof *B);
    snprintf(B->name, sizeof B->name, "Badge_%d", k + 1);
    B->alive = true;
    G->ref_badges = k;
    gen_reqs(G, B, 1 + (int)rng_below(G->r, 4));
    G->ref_badges = 0;
    if (g->ladder) gen_structure(G, B);
    gen_time(G, B);
  }
}

static void gen_tiers(struct gen *G) {
  struct gruleset *g = G->g;
  static const char *NAMES[] = {"Registered", "Select", "Advanced", "Premier", "Elite", "Summit"};
  for (int p = 0; p < g->enums[0].nvals; p++) {
    if (p > 0 && rng_chance(G->r, 20)) continue; /* a partner type without tiers */
    int n = count(G, 1, g->opt.max_tiers);
    for (int t = 0; t < n; t++) {
      struct gtier *T = &g->tiers[g->ntiers++];
      memset(T, 0, sizeof *T);
      G->ref_badges = g->nbadges;
      G->ref_tiers = g->tier_values ? g->ntiers - 1 : 0; /* a reference names one tier (docs 8.8) */
      if (t < 6) snprintf(T->name, sizeof T->name, "%s", NAMES[t]);
      else snprintf(T->name, sizeof T->name, "Level%d", t + 1);
      if (g->tier_values && p > 0) { /* a tier's name as a value names one tier (docs 8.8) */
        size_t n = strlen(T->name);
        snprintf(T->name + n, sizeof T->name - n, "_%d", p + 1);
      }
      if (g->tier_values && rng_chance(G->r, 30)) snprintf(T->display, sizeof T->display, "%s status", T->name);
      T->ptype = p;
      T->alive = true;
      gen_reqs(G, T, t == 0 && rng_chance(G->r, 60) ? 0 : (int)rng_below(G->r, 6));
      if (t > 0) gen_time(G, T);
      if (g->ladder) gen_structure(G, T);
    }
  }
}

/* Grants (docs 8.9), now and then, where tier names are unique across
 * partner types (a grant names one tier): of a tier, or of a tier field's
 * or record metric's value, each with or without a condition. */
static void gen_grants(struct gen *G) {
  struct gruleset *g = G->g;
  if (!g->ntiers || !g->tier_values || !rng_chance(G->r, 60)) return;
  struct scope sc = {-1, g->nmetrics, false, true, 1};
  struct scope plain = {-1, g->nmetrics, false, false, 1};
  int n = 1 + (int)rng_below(G->r, 2);
  for (int k = 0; k < n; k++) {
    struct ggrant *R = &g->grants[g->ngrants++];
    memset(R, 0, sizeof *R);
    R->alive = true;
    R->tier = (int)rng_below(G->r, (uint32_t)g->ntiers);
    if (g->tier_values && rng_chance(G->r, 50) && (R->value = name_of(G, ty(TY_TIER, false, 0), &plain))) R->tier = -1;
    if (rng_chance(G->r, 60)) R->cond = gen_expr(G, ty(TY_BOOL, false, 0), sc);
  }
}

/* The options with their defaults filled in, and the model's arrays sized
 * for the most they allow: lists are the record's (max_lists / 2) and
 * inner ones while there are fewer than max_lists; fields are the id, the
 * partner type, the top-level ones and, for each list, its field and its
 * items' (at most 7); tiers are a ladder of each partner type. */
static void gen_alloc(struct gruleset *g, const struct gen_options *opt) {
  struct gen_options *o = &g->opt;
  *o = *opt;
  if (o->max_types <= 0) o->max_types = 3;
  if (o->max_tiers <= 0) o->max_tiers = 5;
  if (o->max_metrics < 2) o->max_metrics = 12;
  if (o->max_lists < 2) o->max_lists = 8;
  if (o->max_fields < 2) o->max_fields = 8;
  if (o->max_depth <= 0) o->max_depth = 4;
  size_t lists = (size_t)o->max_lists + (size_t)o->max_lists / 2;
  g->fields = xcalloc(2 + (size_t)o->max_fields + 8 * lists, sizeof *g->fields);
  g->list_field = xcalloc(lists, sizeof *g->list_field);
  g->list_parent = xcalloc(lists, sizeof *g->list_parent);
  g->metrics = xcalloc((size_t)o->max_metrics, sizeof *g->metrics);
  g->tiers = xcalloc((size_t)o->max_types * (size_t)o->max_tiers, sizeof *g->tiers);
}

void gen_ruleset(struct rng *r, const struct gen_options *opt, struct gruleset *g) {
  memset(g, 0, sizeof *g);
  gen_alloc(g, opt);
  g->effective = INT64_MIN;
  g->fiscal = rng_chance(r, 40) ? 1 + (int)rng_below(r, 12) : 0;
  /* the linear-work test (gen_options.full) keeps to the first edition's
   * constructs and its rulesets: a seed's draws are as they were */
  g->tier_values = !g->opt.full && rng_chance(r, 35);
  g->ladder = g->opt.ladder || (!g->opt.full && rng_chance(r, 50));
  struct gen G = {r, g, NULL, 0, 0, false};
  gen_schema(&G);
  G.loopk = !g->opt.full && rng_chance(r, 40);
  gen_metrics(&G);
  gen_review(&G);
  if (g->ladder) gen_blocks(&G);
  if (g->ladder || !g->opt.full) gen_badges(&G); /* before the tiers, which may refer to them */
  gen_tiers(&G);
  G.ref_badges = G.ref_tiers = 0;
  gen_grants(&G);
  if (rng_chance(r, 50)) {
    g->name = xprintf("Random rules");
    g->version = rng_chance(r, 50) ? xprintf("v%u", rng_below(r, 100)) : NULL;
  }
  if (rng_chance(r, 30)) g->effective = some_date(r);
}

/* ---- printing ------------------------------------------------------------------------------------- */

struct sbuf { char *p; size_t n, cap; };

static void put(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (b->n + (size_t)n + 1 > b->cap) {
    b->cap = (b->n + (size_t)n + 1) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) exit(2);
  }
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
  va_end(ap);
  b->n += (size_t)n;
}

static void put_expr(struct sbuf *b, const struct gexpr *e) {
  if (!e->tmpl) {
    put(b, "%s", e->text);
    return;
  }
  for (const char *p = e->tmpl; *p; p++) {
    if (p[0] == '%' && p[1] >= '0' && p[1] <= '2') {
      const struct gexpr *k = e->kid[p[1] - '0'];
      p++;
      if (!k) continue;
      if (k->tmpl) put(b, "(");
      put_expr(b, k);
      if (k->tmpl) put(b, ")");
    } else {
      put(b, "%c", *p);
    }
  }
}

static const char *type_text(const struct gruleset *g, struct gtype t, char *buf, size_t n) {
  static const char *K[] = {[TY_TEXT] = "text", [TY_INT] = "int",   [TY_NUMBER] = "number", [TY_MONEY] = "money",
                            [TY_BOOL] = "bool", [TY_DATE] = "date", [TY_TIER] = "tier"};
  snprintf(buf, n, "%s%s", t.kind == TY_ENUM ? g->enums[t.ref].name : K[t.kind], t.opt ? "?" : "");
  return buf;
}

/* The consts, tables and formulas (docs 3.11-3.13). */
static void put_named(struct sbuf *b, const struct gruleset *g) {
  char kt[96], vt[96];
  for (int k = 0; k < g->nconsts; k++) put(b, "const %s = %s;\n", g->consts[k].name, g->consts[k].text);
  for (int t = 0; t < g->ntables; t++) {
    const struct gtable *T = &g->tables[t];
    put(b, "table %s: %s -> %s {", T->name, type_text(g, T->key, kt, sizeof kt), type_text(g, T->val, vt, sizeof vt));
    for (int i = 0; i < T->n; i++) put(b, "%s %s: %s", i ? "," : "", T->keys[i], T->vals[i]);
    if (T->dflt) put(b, "%s default: %s", T->n ? "," : "", T->dflt);
    put(b, " }\n");
  }
  for (int f = 0; f < g->nformulas; f++) {
    const struct gformula *F = &g->formulas[f];
    put(b, "formula %s(", F->name);
    for (int i = 0; i < F->nparams; i++)
      put(b, "%s%s: %s", i ? ", " : "", F->params[i], type_text(g, F->ptypes[i], kt, sizeof kt));
    put(b, ") = ");
    put_expr(b, F->body);
    put(b, ";\n");
  }
}

/* The consts', tables' and formulas' text and expressions. */
static void named_free(struct gruleset *g) {
  for (int k = 0; k < g->nconsts; k++) free(g->consts[k].text);
  for (int t = 0; t < g->ntables; t++) {
    for (int i = 0; i < g->tables[t].n; i++) {
      free(g->tables[t].keys[i]);
      free(g->tables[t].vals[i]);
    }
    free(g->tables[t].dflt);
  }
  for (int f = 0; f < g->nformulas; f++) expr_free(g->formulas[f].body);
}

/* The fields of `owner` (-1: the record), a list's items nested inside it. */
static void put_fields(struct sbuf *b, const struct gruleset *g, int owner, int indent) {
  char tt[96];
  for (int f = 0; f < g->nfields; f++) {
    const struct gfield *F = &g->fields[f];
    if (!F->alive || F->list != owner) continue;
    char key[96] = "";
    if (F->key[0]) snprintf(key, sizeof key, " \"%s\"", F->key);
    if (F->is_list) {
      put(b, "%*s%s%s: list {\n", 2 * indent, "", F->name, key);
      put_fields(b, g, F->index, indent + 1);
      put(b, "%*s}\n", 2 * indent, "");
    } else {
      put(b, "%*s%s%s%s: %s;\n", 2 * indent, "", owner < 0 && f == 1 ? "partner " : "", F->name, key,
          type_text(g, F->t, tt, sizeof tt));
    }
  }
}

/* A list's name as the rules write it: customers.months. */
static void put_list_path(struct sbuf *b, const struct gruleset *g, int l) {
  if (g->list_parent[l] >= 0) {
    put_list_path(b, g, g->list_parent[l]);
    put(b, ".");
  }
  put(b, "%s", g->fields[g->list_field[l]].name);
}

/* Where requirement R of T opens a group or a branch, that line (after
 * closing the group before it); *open is the group open (0: none). */
static void put_group(struct sbuf *b, const struct gtier *T, const struct greq *R, int *open, int *branch) {
  static const char *const BRANCH[] = {"\"A\" ", "\"B\" ", "\"C\" "};
  if (R->group == *open) {
    if (*open && T->groups[*open - 1].either && R->branch != *branch) {
      *branch = R->branch;
      put(b, "  } or %s{\n", T->groups[*open - 1].named ? BRANCH[*branch] : "");
    }
    return;
  }
  if (*open) put(b, "  }\n");
  *open = R->group;
  *branch = R->branch;
  if (!*open) return;
  const struct ggroup *gr = &T->groups[*open - 1];
  if (gr->either) put(b, "  either %s{\n", gr->named ? BRANCH[*branch] : "");
  else put(b, "  at least %d of {\n", gr->n);
}

/* A tier's, badge's or block's statements and its closing `>`. */
static void put_items(struct sbuf *b, const struct gruleset *g, const struct gtier *T) {
  int open = 0, branch = 0;
  for (int q = 0; q < T->nreqs; q++) {
    const struct greq *R = &T->reqs[q];
    if (!R->alive) continue;
    put_group(b, T, R, &open, &branch);
    if (R->section) put(b, "  %s:\n", R->section);
    put(b, "    ");
    put_expr(b, R->e);
    if (R->label) put(b, " \"%s\"", R->label);
    put(b, ";\n");
  }
  if (open) put(b, "  }\n");
  for (int k = 0; k < T->ninserts; k++) put(b, "    %s();\n", g->blocks[T->inserts[k]].name);
  static const char *const clause[] = {"", "sustained %d months", "at any checkpoint within %d months",
                                       "at any checkpoint within %d days", "at any checkpoint within %d calendar months"};
  if (T->time) {
    put(b, "  ");
    put(b, clause[T->time], T->window);
    put(b, ";\n");
  }
  put(b, ">\n");
}

char *gen_print(const struct gruleset *g) {
  struct sbuf b = {0};
  if (g->name) {
    put(&b, "ruleset \"%s\"", g->name);
    if (g->version) put(&b, " version \"%s\"", g->version);
    put(&b, ";\n");
  }
  if (g->effective != INT64_MIN) {
    char d[11];
    ref_date_text(g->effective, d);
    put(&b, "effective = %s;\n", d);
  }
  static const char *MONTHS[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};
  if (g->fiscal) put(&b, "fiscal year starts in %s;\n", MONTHS[g->fiscal - 1]);
  for (int e = 0; e < g->nenums; e++) {
    put(&b, "enum %s {", g->enums[e].name);
    for (int v = 0; v < g->enums[e].nvals; v++) put(&b, "%s %s", v ? "," : "", g->enums[e].vals[v]);
    put(&b, " }\n");
  }
  put(&b, "record {\n");
  put_fields(&b, g, -1, 1);
  put(&b, "}\n");
  put_named(&b, g);
  if (g->review) {
    put(&b, "review = ");
    put_expr(&b, g->review);
    put(&b, ";\n");
  }
  for (int m = 0; m < g->nmetrics; m++) {
    const struct gmetric *M = &g->metrics[m];
    if (!M->alive) continue;
    put(&b, "metric %s", M->name);
    if (M->list >= 0) {
      put(&b, " for ");
      put_list_path(&b, g, M->list);
    }
    if (M->label) put(&b, " \"%s\"", M->label);
    put(&b, " = ");
    put_expr(&b, M->e);
    put(&b, ";\n");
  }
  for (int k = 0; k < g->nblocks; k++) {
    put(&b, "requirements %s() <\n", g->blocks[k].name);
    put_items(&b, g, &g->blocks[k]);
  }
  for (int t = 0; t < g->ntiers; t++) {
    const struct gtier *T = &g->tiers[t];
    if (!T->alive) continue;
    put(&b, "tier %s%s%s%s %s <\n", T->name, T->display[0] ? " \"" : "", T->display, T->display[0] ? "\"" : "",
        g->enums[0].vals[T->ptype]);
    put_items(&b, g, T);
  }
  for (int k = 0; k < g->nbadges; k++) {
    if (!g->badges[k].alive) continue;
    put(&b, "badge %s <\n", g->badges[k].name);
    put_items(&b, g, &g->badges[k]);
  }
  for (int k = 0; k < g->ngrants; k++) {
    const struct ggrant *R = &g->grants[k];
    if (!R->alive) continue;
    put(&b, "grant ");
    if (R->value) put_expr(&b, R->value);
    else put(&b, "%s", g->tiers[R->tier].name);
    if (R->cond) {
      put(&b, " when ");
      put_expr(&b, R->cond);
    }
    put(&b, ";\n");
  }
  if (!b.p) put(&b, "%s", "");
  return b.p;
}

void gen_expr_free(struct gexpr *e) { expr_free(e); }

struct gexpr *gen_simple_literal(const struct gruleset *g, struct gtype t, int variant) {
  char *text;
  switch (t.kind) {
  case TY_INT: case TY_MONEY: text = xprintf("%d", variant); break;
  case TY_NUMBER: text = xprintf("%d.5", variant); break;
  case TY_DATE: text = xprintf("2019-12-%02d", 13 + variant % 10); break;
  case TY_TEXT: text = xprintf("\"%s\"", variant ? "a" : ""); break;
  case TY_ENUM: text = xprintf("%s", g->enums[t.ref].vals[variant % g->enums[t.ref].nvals]); break;
  case TY_TIER: text = xprintf("%s", g->ntiers ? g->tiers[variant % g->ntiers].name : "none"); break;
  default: text = xprintf("%s", variant % 2 ? "false" : "true");
  }
  struct gtype lt = t;
  lt.opt = false;
  if (t.kind == TY_MONEY) lt.kind = TY_INT;
  struct gexpr *e = leaf(lt, text);
  e->literal = true;
  return e;
}

static void expr_free(struct gexpr *e) {
  if (!e) return;
  for (int k = 0; k < 3; k++) expr_free(e->kid[k]);
  free(e->tmpl);
  free(e->text);
  free(e);
}

static void tier_free(struct gtier *T) {
  for (int q = 0; q < T->nreqs; q++) {
    expr_free(T->reqs[q].e);
    free(T->reqs[q].label);
    free(T->reqs[q].section);
  }
  free(T->reqs);
}

void gen_free(struct gruleset *g) {
  named_free(g);
  for (int m = 0; m < g->nmetrics; m++) {
    expr_free(g->metrics[m].e);
    free(g->metrics[m].label);
  }
  for (int t = 0; t < g->ntiers; t++) tier_free(&g->tiers[t]);
  for (int k = 0; k < g->nbadges; k++) tier_free(&g->badges[k]);
  for (int k = 0; k < g->nblocks; k++) tier_free(&g->blocks[k]);
  for (int k = 0; k < g->ngrants; k++) {
    expr_free(g->grants[k].value);
    expr_free(g->grants[k].cond);
  }
  expr_free(g->review);
  free(g->name);
  free(g->version);
  for (int e = 0; e < g->nenums; e++) free(g->enums[e].vals);
  free(g->fields);
  free(g->list_field);
  free(g->list_parent);
  free(g->metrics);
  free(g->tiers);
  memset(g, 0, sizeof *g);
}
