/*
 * sema.c - names, types and well-formedness.  Builds the symbol tables
 * (enums, record fields, lists, metrics, tiers) from the items, resolves
 * every name in every expression, type-checks it, inserts the numeric
 * conversions codegen needs, and reports every error it finds (with a
 * did-you-mean for misspelt names).  Expressions are at most LIM_DEPTH deep
 * (ast.c), so the recursion here is bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "func.h"

static struct type ty_make(int kind, bool opt, int ref) {
  struct type t = {(uint8_t)kind, opt, (uint16_t)ref};
  return t;
}
static const struct type TY_ERR = {TY_ERROR, false, 0};

/* "int", "date?", "enum level", "list certifications" */
static const char *ty_str(struct comp *c, struct type t) {
  const char *base = ty_kind_name(t.kind);
  if (t.kind == TY_ENUM && t.ref < c->nenums)
    return arena_printf(&c->ar, "enum %s%s", c->enums[t.ref].name, t.opt ? "?" : "");
  return arena_printf(&c->ar, "%s%s", base, t.opt ? "?" : "");
}

static bool is_numeric(int k) { return k == TY_INT || k == TY_MONEY || k == TY_NUMBER; }

/* ---- after a syntax error: what the parser skipped (ast.h, struct dropped) ---------- */

bool sema_dropped(const struct comp *c, unsigned kinds) { return (c->drops.kinds & (kinds | DROP_OTHER)) != 0; }

bool sema_stmts_dropped_in(const struct comp *c, const struct loc *span) {
  if (c->drops.nstmts > DROPS_MAX) return true; /* not all were noted */
  for (unsigned i = 0; i < c->drops.nstmts; i++) {
    const struct loc *d = &c->drops.stmts[i];
    if (d->file == span->file && d->beg >= span->beg && d->beg < span->end) return true;
  }
  return false;
}

/* ---- did you mean (suggest_try is in util.c) ---------------------------------- */

static const char *sg_text(struct comp *c, struct suggest *s) {
  return s->best ? arena_printf(&c->ar, _("; did you mean '%s'?"), s->best) : "";
}

/* ---- symbol lookup --------------------------------------------------------------- */

static int find_enum(struct comp *c, const char *name) { return sym_find(c, SYM_ENUM, name, -1); }
static int enum_value(struct comp *c, int e, const char *name) {
  for (uint32_t i = 0; i < c->enums[e].nvals; i++)
    if (strcmp(c->enums[e].vals[i], name) == 0) return (int)i;
  return -1;
}
static int find_field(struct comp *c, const char *name, int owner) { return sym_find(c, SYM_FIELD, name, owner); }
int sema_find_field(struct comp *c, const char *name, int owner) { return find_field(c, name, owner); }
int sema_find_metric(struct comp *c, const char *name, int list) { return sym_find(c, SYM_METRIC, name, list); }
static const char *enum_values_text(struct comp *c, int e) {
  struct buf b = {0};
  for (uint32_t i = 0; i < c->enums[e].nvals; i++)
    buf_printf(&b, "%s%s", i ? ", " : "", c->enums[e].vals[i]);
  const char *s = arena_strndup(&c->ar, b.p ? (char *)b.p : "", b.n);
  buf_free(&b);
  return s;
}

/* ---- declarations ------------------------------------------------------------------- */

void *comp_grow(struct comp *c, void *p, int n, size_t elem) {
  /* tables are arena arrays doubled on powers of two */
  if (n & (n - 1) || n == 0) {
    if (n == 0) return arena_alloc(&c->ar, elem);
    return p;
  }
  void *q = arena_alloc(&c->ar, elem * (size_t)n * 2);
  if (q && p) memcpy(q, p, elem * (size_t)n);
  return q;
}

static void declare_enum(struct comp *c, struct node *n) {
  if (find_enum(c, n->name) >= 0) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("enum '%s' is declared twice"), n->name);
    return;
  }
  int cnt = 0;
  for (struct node *v = n->list; v; v = v->next) cnt++;
  if (cnt > 64) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("enum '%s' has %d values; the limit is 64"), n->name, cnt);
    return;
  }
  struct s_enum *e = PUSH(c->enums, c->nenums);
  if (!e) return;
  e->name = n->name;
  e->n = n;
  e->vals = arena_alloc(&c->ar, sizeof *e->vals * (size_t)(cnt ? cnt : 1));
  if (!e->vals) return;
  for (struct node *v = n->list; v; v = v->next) {
    bool dup = false;
    for (uint32_t i = 0; i < e->nvals; i++)
      if (strcmp(e->vals[i], v->name) == 0) dup = true;
    if (dup) {
      diag_add(&c->dg, TIER_ERROR, &v->loc, _("value '%s' appears twice in enum '%s'"), v->name, n->name);
      continue;
    }
    e->vals[e->nvals++] = v->name;
  }
}

/* The type a field or a parameter declares (f->name2, optional when
 * f->neg); TY_ERROR, reported, for an unknown one. */
struct type sema_field_type(struct comp *c, struct node *f) {
  static const struct { const char *n; int k; } prim[] = {
      {"text", TY_TEXT}, {"int", TY_INT}, {"number", TY_NUMBER}, {"money", TY_MONEY},
      {"bool", TY_BOOL}, {"date", TY_DATE}};
  for (size_t i = 0; i < sizeof prim / sizeof prim[0]; i++)
    if (strcmp(prim[i].n, f->name2) == 0) return ty_make(prim[i].k, f->neg, 0);
  if (f->name2 == ast_tier_type) return ty_make(TY_TIER, f->neg, 0);
  int e = find_enum(c, f->name2);
  if (e >= 0) return ty_make(TY_ENUM, f->neg, e);
  if (sema_dropped(c, DROP_ENUM)) return TY_ERR; /* the enum may be what the parser skipped */
  struct suggest s = SUGGEST(c);
  for (size_t i = 0; !s.off && i < sizeof prim / sizeof prim[0]; i++) suggest_try(&s, f->name2, prim[i].n);
  for (int i = 0; !s.off && i < c->nenums; i++) suggest_try(&s, f->name2, c->enums[i].name);
  diag_add(&c->dg, TIER_ERROR, &f->loc2, _("unknown type '%s' (a %s is text, int, number, money, bool, date, tier%s)%s"),
           f->name2, f->kind == I_PARAM ? _("parameter") : _("field"),
           f->kind == I_PARAM ? _(" or an enum") : _(", an enum, or list { ... }"), sg_text(c, &s));
  return TY_ERR;
}

/* A list's name as the rules write it: its parents' names, then its own,
 * with dots (customers.months). */
static const char *list_path(struct comp *c, int l) {
  const char *name = c->fields[c->lists[l].field].name;
  return c->lists[l].parent < 0 ? name : arena_printf(&c->ar, "%s.%s", list_path(c, c->lists[l].parent), name);
}

/* The JSON key of field f (`n "count": int;`, else its name), unless it
 * is not one (empty, a NUL byte) or another field of the same record or
 * list reads the same key: then an error, and NULL. */
static const char *field_key(struct comp *c, const struct node *f, int owner) {
  const char *key = f->b ? f->b->str : f->name;
  if (f->b && (f->b->str_len == 0 || strlen(key) != f->b->str_len)) {
    diag_add(&c->dg, TIER_ERROR, &f->b->loc, _("a field's JSON key is a text that is not empty and has no NUL byte"));
    return NULL;
  }
  for (int i = 0; i < c->nfields; i++)
    if (c->fields[i].owner == owner && strcmp(c->fields[i].key, key) == 0) {
      diag_add(&c->dg, TIER_ERROR, f->b ? &f->b->loc : &f->loc, _("fields '%s' and '%s' both read the JSON key \"%s\""),
               c->fields[i].name, f->name, key);
      return NULL;
    }
  return key;
}

static void declare_fields(struct comp *c, struct node *list, int owner) {
  int slot = 0;
  for (struct node *f = list; f; f = f->next) {
    if (!f->name) continue;
    if (find_field(c, f->name, owner) >= 0) {
      diag_add(&c->dg, TIER_ERROR, &f->loc, _("field '%s' is declared twice"), f->name);
      continue;
    }
    const char *key = field_key(c, f, owner);
    if (!key) continue;
    struct type ty = TY_ERR;
    int listidx = -1;
    if (f->op == 1) { /* list { ... } */
      int depth = owner < 0 ? 0 : c->lists[owner].depth + 1;
      if (depth >= LIM_LIST_DEPTH) {
        diag_add(&c->dg, TIER_ERROR, &f->loc, _("lists nest at most %d deep: '%s.%s' would be a level more"), LIM_LIST_DEPTH,
                 list_path(c, owner), f->name);
        continue;
      }
      if (c->nlists >= 1000) {
        diag_add(&c->dg, TIER_ERROR, &f->loc, _("too many lists (the limit is 1000)"));
        continue;
      }
      listidx = c->nlists;
      struct s_list *l = PUSH(c->lists, c->nlists);
      if (!l) return;
      l->field = c->nfields;
      l->parent = owner;
      l->depth = depth;
      ty = ty_make(TY_LIST, false, listidx);
    } else {
      ty = sema_field_type(c, f);
    }
    uint8_t flags = f->neg ? FF_OPT : 0;
    if (f->str) {
      if (strcmp(f->str, "partner") != 0) {
        diag_add(&c->dg, TIER_ERROR, &f->loc2, _("unknown field modifier '%s' (the only one is 'partner')"), f->str);
      } else if (owner >= 0 || ty.kind != TY_ENUM || ty.opt) {
        diag_add(&c->dg, TIER_ERROR, &f->loc2, _("the partner-type field must be a required enum field of the record"));
      } else if (c->partner_field >= 0) {
        diag_add(&c->dg, TIER_ERROR, &f->loc2, _("the record has two partner-type fields ('%s' and '%s')"),
                 c->fields[c->partner_field].name, f->name);
      } else {
        flags |= FF_PARTNER;
        c->partner_field = c->nfields;
      }
    }
    if (owner < 0 && strcmp(f->name, "id") == 0 && ty.kind == TY_TEXT) c->id_field = c->nfields;
    struct s_field *sf = PUSH(c->fields, c->nfields);
    if (!sf) return;
    sf->name = f->name;
    sf->key = key;
    sf->n = f;
    sf->ty = ty;
    sf->owner = owner;
    sf->slot = slot++;
    sf->flags = flags;
    if (listidx >= 0) {
      declare_fields(c, f->list, listidx);
      int w = 0;
      for (int i = 0; i < c->nfields; i++)
        if (c->fields[i].owner == listidx) w++;
      c->lists[listidx].width = w;
      if (w > LIM_ITEM_SLOTS) /* every item of a record costs this much memory */
        diag_add(&c->dg, TIER_ERROR, &f->loc, _("list '%s' has %d fields; the limit is %d"), f->name, w, LIM_ITEM_SLOTS);
    }
  }
  if (owner < 0) c->ntop = slot;
}

/* ---- expressions ----------------------------------------------------------------------- */

static struct type check(struct comp *c, struct node *n, const struct scope *sc);
static struct type type_metric(struct comp *c, int m);
static void charge_inline(struct comp *c, const struct node *n, int m);

static bool is_literal(const struct node *n) {
  return n && (n->kind == N_INT || n->kind == N_DEC);
}

/* Make node *pn (numeric, already typed) have numeric kind `to`: literals
 * are converted in place (exactly, for money), other values get a N_CONV. */
static void coerce(struct comp *c, struct node **pn, int to) {
  struct node *n = *pn;
  int from = n->ty.kind;
  if (from == to || from == TY_ERROR || to == TY_ERROR) return;
  if (n->kind == N_NAME && n->ref == R_CONST && n->def) {
    /* a const converts as its literal does, in a copy (the const is
     * shared by its uses), and stays a constant (ast_literal) */
    struct node *lit = arena_alloc(&c->ar, sizeof *lit);
    if (!lit) return;
    *lit = *n->def;
    lit->next = lit->tail = NULL;
    n->def = lit;
    coerce(c, &n->def, to);
    n->ty = n->def->ty;
    return;
  }
  if (n->kind == N_INT && from == TY_INT) {
    if (to == TY_MONEY) {
      if (n->ival > LIM_INT / 100 || n->ival < -(LIM_INT / 100))
        diag_add(&c->dg, TIER_ERROR, &n->loc, _("amount is out of range for money"));
      n->ival *= 100;
    } else {
      n->kind = N_DEC;
      n->q = num_from_int(n->ival);
    }
    n->ty.kind = (uint8_t)to;
    return;
  }
  if (n->kind == N_DEC && from == TY_NUMBER && to == TY_MONEY) {
    struct num cents;
    if (!num_has_places(n->q, 2)) {
      diag_add(&c->dg, TIER_ERROR, &n->loc, _("money amount is not exact in cents (at most two decimals)"));
      n->ival = 0;
    } else if (num_mul(n->q, num_from_int(100), &cents) || cents.n > LIM_INT || cents.n < -LIM_INT) {
      diag_add(&c->dg, TIER_ERROR, &n->loc, _("amount is out of range for money"));
      n->ival = 0;
    } else {
      n->ival = (int64_t)cents.n;
    }
    n->kind = N_INT;
    n->ty.kind = TY_MONEY;
    return;
  }
  if (n->kind == N_INT && from == TY_MONEY && to == TY_NUMBER) {
    n->kind = N_DEC;
    n->q = num_from_cents(n->ival);
    n->ty.kind = TY_NUMBER;
    return;
  }
  int op = from == TY_INT && to == TY_MONEY    ? OP_I2M
           : from == TY_INT && to == TY_NUMBER ? OP_I2F
           : from == TY_MONEY && to == TY_NUMBER ? OP_M2F : -1;
  if (op < 0) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("cannot use %s as %s"), ty_kind_name(from), ty_kind_name(to));
    return;
  }
  struct node *cv = arena_alloc(&c->ar, sizeof *cv);
  if (!cv) return;
  cv->kind = N_CONV;
  cv->op = (uint8_t)op;
  cv->loc = n->loc;
  cv->a = n;
  cv->ty = ty_make(to, n->ty.opt, 0);
  *pn = cv;
}

/* The common numeric kind of two operands: int+money is money, int+number
 * is number, money+number is money when the number is a literal exact in
 * cents (1499.99) and number otherwise. */
static int unify_numeric(struct node *a, struct node *b) {
  int ka = a->ty.kind, kb = b->ty.kind;
  if (ka == kb) return ka;
  if ((ka == TY_INT && kb == TY_MONEY) || (ka == TY_MONEY && kb == TY_INT)) return TY_MONEY;
  if ((ka == TY_INT && kb == TY_NUMBER) || (ka == TY_NUMBER && kb == TY_INT)) return TY_NUMBER;
  /* a decimal literal meets money as money: coerce() reports one that is
   * not exact in cents rather than comparing in floating point */
  const struct node *num = ast_literal(ka == TY_NUMBER ? a : b);
  if (num->kind == N_DEC) return TY_MONEY;
  return TY_NUMBER;
}

/* A name among the fields and item metrics of the list whose items sc
 * ranges over (count ... where NAME ...): true and its type in *t. */
static bool resolve_item_name(struct comp *c, struct node *n, const struct scope *sc, struct type *t) {
  if (sc->list < 0) return false;
  int f = find_field(c, n->name, sc->list);
  if (f >= 0) {
    n->ref = R_ITEM;
    n->index = f;
    n->lidx = sc->list;
    *t = c->fields[f].ty;
    return true;
  }
  int m = sema_find_metric(c, n->name, sc->list);
  if (m < 0) return false;
  n->ref = R_ITEM_METRIC;
  n->index = m;
  n->lidx = sc->list;
  *t = type_metric(c, m);
  charge_inline(c, n, m);
  return true;
}

/* A name among the record's fields and metrics: true and its type in *t
 * (TY_ERR after an error: a list used as a value, a metric where metrics
 * may not be used). */
static bool resolve_record_name(struct comp *c, struct node *n, const struct scope *sc, struct type *t) {
  *t = TY_ERR;
  int f = find_field(c, n->name, -1);
  if (f >= 0) {
    if (c->fields[f].ty.kind == TY_LIST) {
      diag_add(&c->dg, TIER_ERROR, &n->loc,
               _("'%s' is a list: use it in an aggregate (count %s where ..., sum FIELD in %s, any %s where ...)"),
               n->name, n->name, n->name, n->name);
      return true;
    }
    n->ref = R_FIELD;
    n->index = f;
    *t = c->fields[f].ty;
    return true;
  }
  int m = sema_find_metric(c, n->name, -1);
  if (m < 0) return false;
  if (!sc->allow_metrics) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("%s cannot use metric '%s': metrics depend on the review date"), sc->what, n->name);
    return true;
  }
  n->ref = R_METRIC;
  n->index = m;
  c->metrics[m].used = true;
  *t = type_metric(c, m);
  return true;
}

/* A bare enum value, which must be unique among all enums: true and its
 * type in *t (TY_ERR when several enums have it). */
static bool resolve_enum_value(struct comp *c, struct node *n, struct type *t) {
  int found = -1, fe = -1, count = 0;
  for (int e = 0; e < c->nenums; e++) {
    int v = enum_value(c, e, n->name);
    if (v >= 0) { found = v; fe = e; count++; }
  }
  if (count == 0) return false;
  if (count > 1) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("'%s' is a value of several enums; compare it with a field to say which"), n->name);
    *t = TY_ERR;
    return true;
  }
  n->ref = R_ENUMVAL;
  n->index = found;
  n->ival = found;
  *t = ty_make(TY_ENUM, false, fe);
  return true;
}

/* The partner type tier item t belongs to, -1 when the partner type is unknown. */
static int tier_ptype(struct comp *c, const struct node *t) {
  return c->partner_field < 0 ? -1 : enum_value(c, c->fields[c->partner_field].ty.ref, t->name2);
}

int sema_tier_types(struct comp *c) {
  if (c->tier_types) return c->tier_types;
  uint64_t seen = 0; /* enums have at most 64 values */
  for (const struct node *it = c->items; it; it = it->next) {
    int p = it->kind == I_TIER ? tier_ptype(c, it) : -1;
    if (p >= 0 && !(seen >> p & 1)) {
      seen |= (uint64_t)1 << p;
      c->tier_types++;
    }
  }
  return c->tier_types;
}

/* End of pass 1: the tier and badge items, in source order, each tier
 * with its partner type, so that a name finds its tier or badge by hash
 * (symtab.c) even before it is checked.  Scanning the items at every
 * reference made `holds`, `grant` and tier values quadratic: 4,000 grants
 * took 3.9 s to check. */
static void index_tiers_badges(struct comp *c) {
  for (struct node *it = c->items; it; it = it->next) {
    struct s_item *x = NULL;
    if (it->kind == I_TIER) x = PUSH(c->tier_items, c->ntier_items);
    else if (it->kind == I_BADGE) x = PUSH(c->badge_items, c->nbadge_items);
    if (x) *x = (struct s_item){it, it->kind == I_TIER ? tier_ptype(c, it) : -1};
  }
}

int sema_tier_named(struct comp *c, const char *name, int *other) {
  int first = -1, second = -1;
  int types = c->partner_field < 0 ? 0 : (int)c->enums[c->fields[c->partner_field].ty.ref].nvals;
  for (int p = -1; p < types; p++) {
    int i = sym_find(c, SYM_TIER, name, p);
    if (i < 0) continue;
    if (first < 0 || i < first) {
      second = first;
      first = i;
    } else if (second < 0 || i < second) {
      second = i;
    }
  }
  if (other) *other = second;
  return first;
}

/* A tier named as a value (SPEC 3.5): its index among the tiers is its
 * place among the tier items (check_tier takes them in that order).  Like
 * `holds T`, the name must be a tier of one partner type: true and its
 * type in *t (TY_ERR when several types have it). */
static bool resolve_tier_name(struct comp *c, struct node *n, struct type *t) {
  int other, at = sema_tier_named(c, n->name, &other);
  if (at < 0) return false;
  const struct node *found = c->tier_items[at].n;
  *t = TY_ERR;
  if (other >= 0) {
    diag_add(&c->dg, TIER_ERROR, &n->loc,
             _("'%s' names no one tier: partner types '%s' and '%s' both have a tier '%s' (give them different names)"), n->name,
             found->name2, c->tier_items[other].n->name2, n->name);
    return true;
  }
  n->ref = R_TIER;
  n->ival = at;
  n->lidx = c->tier_items[at].ptype;
  n->def = (struct node *)found;
  *t = ty_make(TY_TIER, false, 0);
  return true;
}

/* The one error for a name nothing defines: out of scope when an enclosing
 * list's items have it, else unknown, with the nearest name in scope. */
static void unknown_name(struct comp *c, const struct node *n, const struct scope *sc) {
  for (int p = sc->list >= 0 ? c->lists[sc->list].parent : -1; p >= 0; p = c->lists[p].parent)
    if (find_field(c, n->name, p) >= 0 || sema_find_metric(c, n->name, p) >= 0) {
      diag_add(&c->dg, TIER_ERROR, &n->loc,
               _("'%s' belongs to the items of '%s'; inside the items of '%s' only their own fields and item metrics, "
                 "the record's fields and metrics are in scope"),
               n->name, list_path(c, p), list_path(c, sc->list));
      return;
    }
  struct suggest s = SUGGEST(c);
  for (int i = 0; !s.off && i < c->nfields; i++)
    if (c->fields[i].owner == -1 || c->fields[i].owner == sc->list) suggest_try(&s, n->name, c->fields[i].name);
  for (int i = 0; !s.off && i < c->nmetrics; i++)
    if (c->metrics[i].list == -1 || c->metrics[i].list == sc->list) suggest_try(&s, n->name, c->metrics[i].name);
  for (int e = 0; !s.off && e < c->nenums; e++)
    for (uint32_t v = 0; !s.off && v < c->enums[e].nvals; v++) suggest_try(&s, n->name, c->enums[e].vals[v]);
  for (const struct node *it = c->items; !s.off && it; it = it->next)
    if (it->kind == I_TIER) suggest_try(&s, n->name, it->name);
  const char *what = _("name");
  if (s.best) {
    if (sema_find_metric(c, s.best, -1) >= 0) what = _("metric");
    else if (find_field(c, s.best, -1) >= 0 || (sc->list >= 0 && find_field(c, s.best, sc->list) >= 0)) what = _("field");
  }
  diag_add(&c->dg, TIER_ERROR, &n->loc, _("unknown %s '%s'%s"), what, n->name, sg_text(c, &s));
}

/* What a bare name means, innermost scope first: a requirements block's
 * parameter (which hides every other name), the current items' field or
 * item metric, a const, the record's field or metric, an enum value, a
 * tier. */
static struct type resolve_name(struct comp *c, struct node *n, const struct scope *sc) {
  for (int i = 0; sc->blk && i < sc->blk->nparams; i++)
    if (strcmp(sc->blk->params[i]->name, n->name) == 0) {
      n->ref = R_PARAM;
      n->index = i;
      return sc->blk->ptypes[i];
    }
  struct type t;
  if (resolve_item_name(c, n, sc, &t)) return t;
  if (defs_const_name(c, n, &t)) return t;
  if (resolve_record_name(c, n, sc, &t)) return t;
  if (resolve_enum_value(c, n, &t)) return t;
  if (resolve_tier_name(c, n, &t)) return t;
  if (!sema_dropped(c, DROP_NAMES)) unknown_name(c, n, sc); /* else maybe declared by what the parser skipped */
  return TY_ERR;
}

/* A bare name compared with a value of enum type E means E's value when E
 * has it, even if a field has the same name (stage == launched); compared
 * with a tier value, a tier's name means the tier. */
static bool try_enum_value(struct comp *c, struct node *n, struct type other) {
  if (n->kind != N_NAME || n->ref == R_ARG) return false;
  if (other.kind == TY_TIER) {
    struct type t;
    if (!resolve_tier_name(c, n, &t)) return false;
    n->ty = t;
    return true;
  }
  if (other.kind != TY_ENUM) return false;
  int v = enum_value(c, other.ref, n->name);
  if (v < 0) return false;
  n->ref = R_ENUMVAL;
  n->index = v;
  n->ival = v;
  n->ty = ty_make(TY_ENUM, false, other.ref);
  return true;
}
/* Is n a bare name that an enum value or a tier has (its meaning then
 * depends on the other side of a comparison)? */
static bool names_enum_value(struct comp *c, const struct node *n) {
  if (n->kind != N_NAME || n->ref == R_ARG) return false;
  for (int e = 0; e < c->nenums; e++)
    if (enum_value(c, e, n->name) >= 0) return true;
  return sema_tier_named(c, n->name, NULL) >= 0;
}

static bool duration_months(struct comp *c, struct node *d, int64_t *months, int64_t *days) {
  const char *u = d->name ? d->name : "";
  *months = *days = 0;
  if (d->ival > 100000) {
    diag_add(&c->dg, TIER_ERROR, &d->loc, _("duration is out of range"));
    return false;
  }
  if (!strcmp(u, "day") || !strcmp(u, "days")) *days = d->ival;
  else if (!strcmp(u, "month") || !strcmp(u, "months")) *months = d->ival;
  else if (!strcmp(u, "year") || !strcmp(u, "years")) *months = d->ival * 12;
  else {
    diag_add(&c->dg, TIER_ERROR, &d->loc2, _("unknown unit '%s'; a duration is N days, N months or N years"), u);
    return false;
  }
  d->op = *days ? U_DAYS : U_MONTHS;
  return true;
}

/* The type of binary node n's left operand: checked now, or, when `done`,
 * already (n is a link of a chain and its left operand the link below,
 * typed by check_chain). */
static struct type left_type(struct comp *c, struct node *n, const struct scope *sc, bool done) {
  return done ? n->a->ty : check(c, n->a, sc);
}

/* The tier a side of a comparison names (through a const or a formula's
 * argument), or NULL. */
static const struct node *named_tier(const struct node *n) {
  while (n->kind == N_NAME && (n->ref == R_CONST || n->ref == R_ARG) && n->def) n = n->def;
  return n->kind == N_NAME && n->ref == R_TIER ? n : NULL;
}

/* A tier value compares only with tiers of the record's own type (SPEC
 * 3.5): a record's tier values are of its type (the readers see to it),
 * so a comparison with tier T of partner type P is false, whatever the
 * operator, for a record of another type.  When the tiers belong to more
 * than one type, comparison n is marked to be guarded so (n->index = 1 +
 * P: codegen makes it `(n) and partner == P`); with one type there is
 * nothing to guard. */
static void guard_tier_cmp(struct comp *c, struct node *n) {
  const struct node *t = named_tier(n->a);
  if (!t) t = named_tier(n->b);
  if (t && t->lidx >= 0 && sema_tier_types(c) > 1) n->index = 1 + t->lidx;
}

static struct type check_cmp(struct comp *c, struct node *n, const struct scope *sc, bool left_done) {
  struct type ta, tb;
  if (names_enum_value(c, n->b) && n->a->kind != N_NAME) {
    ta = left_type(c, n, sc, left_done);
    tb = try_enum_value(c, n->b, ta) ? n->b->ty : check(c, n->b, sc);
  } else if (!left_done && names_enum_value(c, n->a) && !names_enum_value(c, n->b)) {
    tb = check(c, n->b, sc);
    ta = try_enum_value(c, n->a, tb) ? n->a->ty : check(c, n->a, sc);
  } else {
    ta = left_type(c, n, sc, left_done);
    tb = try_enum_value(c, n->b, ta) ? n->b->ty : check(c, n->b, sc);
  }
  n->a->ty = ta;
  n->b->ty = tb;
  if (ta.kind == TY_ERROR || tb.kind == TY_ERROR) return ty_make(TY_BOOL, false, 0);
  bool ok;
  if (is_numeric(ta.kind) && is_numeric(tb.kind)) {
    int k = unify_numeric(n->a, n->b);
    coerce(c, &n->a, k);
    coerce(c, &n->b, k);
    ok = true;
  } else if (ta.kind == TY_ENUM && tb.kind == TY_ENUM) {
    ok = ta.ref == tb.ref;
  } else {
    ok = ta.kind == tb.kind && ta.kind != TY_LIST && ta.kind != TY_DURATION;
  }
  if (!ok) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("cannot compare %s with %s"), ty_str(c, ta), ty_str(c, tb));
  } else if (ta.kind == TY_TIER) {
    guard_tier_cmp(c, n);
  }
  return ty_make(TY_BOOL, false, 0);
}

static struct type check_arith(struct comp *c, struct node *n, const struct scope *sc, bool left_done) {
  struct type ta = left_type(c, n, sc, left_done), tb = check(c, n->b, sc);
  n->a->ty = ta;
  n->b->ty = tb;
  if (ta.kind == TY_ERROR || tb.kind == TY_ERROR) return TY_ERR;
  bool opt = ta.opt || tb.opt;
  const char *opname = n->op == B_ADD ? "+" : n->op == B_SUB ? "-" : n->op == B_MUL ? "*" : "/";
  if (ta.kind == TY_DATE && tb.kind == TY_DURATION && (n->op == B_ADD || n->op == B_SUB))
    return ty_make(TY_DATE, ta.opt, 0);
  if (ta.kind == TY_DATE && tb.kind == TY_DATE && n->op == B_SUB) return ty_make(TY_INT, opt, 0);
  if (tb.kind == TY_DURATION || ta.kind == TY_DURATION) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("a duration can only be added to or subtracted from a date (here: %s %s %s)"),
             ty_str(c, ta), opname, ty_str(c, tb));
    return TY_ERR;
  }
  if (!is_numeric(ta.kind) || !is_numeric(tb.kind)) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("cannot apply '%s' to %s and %s"), opname, ty_str(c, ta), ty_str(c, tb));
    return TY_ERR;
  }
  int k;
  if (n->op == B_DIV) {
    k = TY_NUMBER;
    opt = true; /* dividing by zero gives none (SPEC 3.5) */
  } else if (n->op == B_MUL) {
    if (ta.kind == TY_INT && tb.kind == TY_INT) k = TY_INT;
    else if ((ta.kind == TY_MONEY && tb.kind == TY_INT) || (ta.kind == TY_INT && tb.kind == TY_MONEY)) {
      /* money * int stays exact: no conversion of either side */
      return ty_make(TY_MONEY, opt, 0);
    } else if (ta.kind == TY_MONEY && tb.kind == TY_MONEY) {
      diag_add(&c->dg, TIER_ERROR, &n->loc, _("cannot multiply money by money"));
      return TY_ERR;
    } else k = TY_NUMBER;
  } else {
    k = unify_numeric(n->a, n->b);
  }
  coerce(c, &n->a, k);
  coerce(c, &n->b, k);
  return ty_make(k, opt, 0);
}

/* "months, notes": the names of the lists in list l's items ("" if none). */
static const char *inner_lists_text(struct comp *c, int l) {
  const char *t = "";
  for (int i = 0; i < c->nfields; i++)
    if (c->fields[i].owner == l && c->fields[i].ty.kind == TY_LIST)
      t = arena_printf(&c->ar, "%s%s%s", t, *t ? ", " : "", c->fields[i].name);
  return t ? t : "";
}

/* The list an aggregate ranges over (n->name2): a list of the record, or,
 * inside an item of a list, one of that item's own lists (SPEC 3.5: the
 * current item's inner list).  Lists nest as the schema does, so an
 * aggregate inside an aggregate always goes one level deeper and the
 * loops stay linear in the record's items.  -1, reported, otherwise. */
static int agg_list(struct comp *c, struct node *n, const struct scope *sc) {
  int f = find_field(c, n->name2, sc->list);
  if (f >= 0 && c->fields[f].ty.kind == TY_LIST) return c->fields[f].ty.ref;
  int top = find_field(c, n->name2, -1);
  if (f < 0 && sc->list >= 0 && top >= 0 && c->fields[top].ty.kind == TY_LIST) {
    const char *inner = inner_lists_text(c, sc->list);
    diag_add(&c->dg, TIER_ERROR, &n->loc2,
             _("inside the items of '%s' an aggregate ranges over a list of the item (%s); '%s' is a list of the "
               "record: define that aggregate as a record metric"),
             list_path(c, sc->list), *inner ? inner : _("they have none"), n->name2);
    return -1;
  }
  if (f < 0 && top < 0) { /* a list deeper down: say where it may be aggregated */
    for (int i = 0; i < c->nfields; i++)
      if (c->fields[i].ty.kind == TY_LIST && c->fields[i].owner >= 0 && !strcmp(c->fields[i].name, n->name2)) {
        int owner = c->fields[i].owner;
        diag_add(&c->dg, TIER_ERROR, &n->loc2,
                 _("'%s' is a list inside the items of '%s': aggregate it in an item metric of that list "
                   "(`metric NAME for %s = ... in %s;`)"),
                 n->name2, list_path(c, owner), list_path(c, owner), n->name2);
        return -1;
      }
  }
  if (f < 0) f = top;
  if (f < 0 && sema_dropped(c, DROP_FIELD | DROP_RECORD)) return -1; /* maybe a field the parser skipped */
  struct suggest s = SUGGEST(c);
  for (int i = 0; !s.off && i < c->nfields; i++)
    if (c->fields[i].ty.kind == TY_LIST && c->fields[i].owner == sc->list) suggest_try(&s, n->name2, c->fields[i].name);
  diag_add(&c->dg, TIER_ERROR, &n->loc2, f < 0 ? _("unknown list '%s'%s") : _("'%s' is not a list%s"), n->name2, sg_text(c, &s));
  return -1;
}

/* The aggregate's keyword, for messages. */
static const char *agg_name(int op) {
  static const char *const names[] = {[A_COUNT] = "count", [A_DISTINCT] = "count distinct", [A_SUM] = "sum",
                                      [A_MIN] = "min", [A_MAX] = "max", [A_ANY] = "any", [A_ALL] = "all",
                                      [A_AVG] = "avg", [A_MEDIAN] = "median"};
  return op > 0 && op <= A_MEDIAN ? names[op] : "aggregate";
}

/* The type of what aggregate n takes from each item of its list (scope in):
 * an expression in parentheses (n->b), or a field or item metric of the
 * list named n->name, resolved into n->ref and n->index. */
static struct type agg_value(struct comp *c, struct node *n, const struct scope *in) {
  if (n->b) return check(c, n->b, in);
  int l = in->list;
  int fi = find_field(c, n->name, l), mi = -1;
  if (fi >= 0) {
    n->ref = R_ITEM;
    n->index = fi;
    return c->fields[fi].ty;
  }
  if ((mi = sema_find_metric(c, n->name, l)) >= 0) {
    n->ref = R_ITEM_METRIC;
    n->index = mi;
    struct type t = type_metric(c, mi);
    charge_inline(c, n, mi);
    return t;
  }
  struct suggest s = SUGGEST(c);
  for (int i = 0; !s.off && i < c->nfields; i++)
    if (c->fields[i].owner == l) suggest_try(&s, n->name, c->fields[i].name);
  for (int i = 0; !s.off && i < c->nmetrics; i++)
    if (c->metrics[i].list == l) suggest_try(&s, n->name, c->metrics[i].name);
  diag_add(&c->dg, TIER_ERROR, &n->locf, _("list '%s' has no field '%s'%s"), n->name2, n->name, sg_text(c, &s));
  return TY_ERR;
}

static struct type check_agg(struct comp *c, struct node *n, const struct scope *sc) {
  if (!sc->allow_metrics) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("%s cannot use aggregates: it must depend on the record's own fields only"), sc->what);
    return TY_ERR;
  }
  int l = agg_list(c, n, sc);
  if (l < 0) return TY_ERR;
  n->lidx = l;
  struct scope in = *sc;
  in.list = l;
  if (n->a) {
    struct type tw = check(c, n->a, &in);
    if (tw.kind != TY_ERROR && tw.kind != TY_BOOL)
      diag_add(&c->dg, TIER_ERROR, &n->a->loc, _("a 'where' condition must be bool, not %s"), ty_str(c, tw));
  }
  if (n->op == A_COUNT) return ty_make(TY_INT, false, 0);
  if (n->op == A_ANY || n->op == A_ALL) return ty_make(TY_BOOL, false, 0);
  struct type tv = agg_value(c, n, &in);
  if (tv.kind == TY_ERROR) return TY_ERR;
  const char *what = agg_name(n->op);
  switch (n->op) {
  case A_DISTINCT:
    if (tv.kind == TY_NUMBER) {
      diag_add(&c->dg, TIER_ERROR, &n->loc, _("count distinct needs text, int, money, date, bool or enum values, not number"));
      return TY_ERR;
    }
    return ty_make(TY_INT, false, 0);
  case A_SUM:
  case A_AVG:
  case A_MEDIAN:
    if (!is_numeric(tv.kind)) {
      diag_add(&c->dg, TIER_ERROR, &n->loc, _("%s needs int, money or number values, not %s"), what, ty_str(c, tv));
      return TY_ERR;
    }
    if (n->op == A_SUM) return ty_make(tv.kind, false, 0);
    return ty_make(TY_NUMBER, true, 0); /* none for an empty list (SPEC 3.5) */
  default: /* min, max */
    if (!is_numeric(tv.kind) && tv.kind != TY_DATE && tv.kind != TY_TIER) {
      diag_add(&c->dg, TIER_ERROR, &n->loc, _("%s needs int, money, number, date or tier values, not %s"), what, ty_str(c, tv));
      return TY_ERR;
    }
    return ty_make(tv.kind, true, tv.ref); /* none for an empty list */
  }
}

/* ---- calendar periods ------------------------------------------------------------------- */

/* Fiscal periods count from the month `fiscal year starts in MONTH;`
 * names: without it, `what` at l is an error that says how to add it. */
static bool fiscal_known(struct comp *c, const struct loc *l, const char *what) {
  if (c->fiscal_month) return true;
  if (!c->fiscal)
    diag_add(&c->dg, TIER_ERROR, l,
             _("%s needs the month the fiscal year starts in: add `fiscal year starts in April;` (or its month) to the ruleset"),
             what);
  return false; /* a fiscal year of an unknown month was reported where it is declared */
}

/* The words of period n as written: "previous fiscal year". */
static const char *period_words(struct comp *c, const struct node *n) {
  return arena_printf(&c->ar, "%s%s %s", n->ival ? "previous " : "", n->neg ? "fiscal" : "calendar",
                      n->op == 1 ? "month" : n->op == 3 ? "quarter" : "year");
}

/* d in [previous] calendar|fiscal month|quarter|year of x: two dates */
static struct type check_period(struct comp *c, struct node *n, const struct scope *sc) {
  struct type td = check(c, n->a, sc), tx = check(c, n->b, sc);
  if (td.kind != TY_ERROR && td.kind != TY_DATE)
    diag_add(&c->dg, TIER_ERROR, &n->a->loc, _("`in %s of` tests a date, not %s"), period_words(c, n), ty_str(c, td));
  if (tx.kind != TY_ERROR && tx.kind != TY_DATE)
    diag_add(&c->dg, TIER_ERROR, &n->b->loc, _("`%s of` takes a date, not %s"), period_words(c, n), ty_str(c, tx));
  if (n->neg && n->op == 1)
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("a fiscal year's months are calendar months: write `calendar month`"));
  else if (n->neg)
    fiscal_known(c, &n->loc, n->op == 3 ? _("a fiscal quarter") : _("a fiscal year"));
  return ty_make(TY_BOOL, false, 0);
}

/* ---- calls of functions of values (func.h) --------------------------------------------- */

/* "no function named 'year_of'; did you mean 'year'?" */
static void unknown_function(struct comp *c, const struct node *n, const struct scope *sc) {
  bool field = find_field(c, n->name, -1) >= 0 || (sc->list >= 0 && find_field(c, n->name, sc->list) >= 0);
  if (field || sema_find_metric(c, n->name, -1) >= 0 || (sc->list >= 0 && sema_find_metric(c, n->name, sc->list) >= 0)) {
    diag_add(&c->dg, TIER_ERROR, &n->loc2, _("'%s' is a %s, not a function: it takes no arguments"), n->name,
             field ? _("field") : _("metric"));
    return;
  }
  if (sema_dropped(c, DROP_FORMULA | DROP_REQS)) return; /* maybe a formula or a block the parser skipped */
  struct suggest s = SUGGEST(c);
  struct buf all = {0};
  for (size_t i = 0; fn_at(i); i++) {
    suggest_try(&s, n->name, fn_at(i)->name);
    buf_printf(&all, "%s%s", i ? ", " : "", fn_at(i)->name);
  }
  buf_u8(&all, 0);
  if (defs_find_table(c, n->name) >= 0) {
    diag_add(&c->dg, TIER_ERROR, &n->loc2, _("'%s' is a table: look a key up with %s[KEY]"), n->name, n->name);
    buf_free(&all);
    return;
  }
  for (int i = 0; !s.off && i < c->nblocks; i++) suggest_try(&s, n->name, c->blocks[i].name);
  for (int i = 0; !s.off && i < c->nformulas; i++) suggest_try(&s, n->name, c->formulas[i].name);
  const char *what = c->nblocks ? _("function or requirements block") : c->nformulas ? _("function or formula") : _("function");
  if (s.best) diag_add(&c->dg, TIER_ERROR, &n->loc2, _("no %s named '%s'%s"), what, n->name, sg_text(c, &s));
  else diag_add(&c->dg, TIER_ERROR, &n->loc2, _("no %s named '%s' (the functions are %s)"), what, n->name, all.p ? (char *)all.p : "");
  buf_free(&all);
}

/* Bring argument *pa (a link of the argument list) to numeric kind k,
 * keeping the list linked when coerce() wraps it in a conversion. */
static void coerce_arg(struct comp *c, struct node **pa, int k) {
  struct node *old = *pa;
  coerce(c, pa, k);
  if (*pa != old) {
    (*pa)->next = old->next;
    old->next = NULL;
  }
}

/* The common kind of a function's numeric arguments, as + gives it: int
 * with int stays int, a number makes number, money makes money (a decimal
 * literal, or a const of one, meeting money is taken in cents). */
static int common_numeric(const struct node *args, int skip) {
  bool money = false, number = false, all_int = true;
  int pos = 0;
  for (const struct node *a = args; a; a = a->next) {
    if (++pos == skip) continue;
    int k = a->ty.kind;
    if (k != TY_INT) all_int = false;
    if (k == TY_MONEY) money = true;
    if (k == TY_NUMBER && ast_literal(a)->kind != N_DEC) number = true;
  }
  return all_int ? TY_INT : number ? TY_NUMBER : money ? TY_MONEY : TY_NUMBER;
}

/* A date function's call, its arity checked: its arguments are dates; a
 * fiscal period needs the ruleset to say when its fiscal year starts. */
static struct type check_date_call(struct comp *c, struct node *n, const struct func *f) {
  bool opt = false;
  for (struct node *a = n->list; a; a = a->next) {
    if (a->ty.kind != TY_DATE) {
      diag_add(&c->dg, TIER_ERROR, &a->loc, _("%s needs a date, not %s: %s"), f->name, ty_str(c, a->ty), f->usage);
      return TY_ERR;
    }
    opt = opt || a->ty.opt;
  }
  if (f->fiscal && !fiscal_known(c, &n->loc2, f->name)) return TY_ERR;
  return ty_make(f->result == FR_DATE ? TY_DATE : TY_INT, opt, 0);
}

/* NAME(args): the row's arity, its argument and result rule, and its
 * digits argument (an integer literal within the row's bounds). */
/* The list whose items have a field or item metric called name, or -1. */
static int list_with_item(struct comp *c, const char *name) {
  for (int l = 0; l < c->nlists; l++)
    if (find_field(c, name, l) >= 0 || sema_find_metric(c, name, l) >= 0) return l;
  return -1;
}

/* min(x), max(x): a call of one value, often meant as the aggregate; when
 * x names an item field, say how the aggregate over its list is written. */
static const char *minmax_hint(struct comp *c, const struct func *f, const struct node *n) {
  const char *what = strcmp(f->name, "min") ? _("largest") : _("smallest");
  const struct node *a = n->list;
  int l = a && !a->next && a->kind == N_NAME ? list_with_item(c, a->name) : -1;
  if (l >= 0)
    return arena_printf(&c->ar, _(" (for the %s %s of the items of %s write `%s %s in %s`)"), what, a->name,
                        c->fields[c->lists[l].field].name, f->name, a->name, c->fields[c->lists[l].field].name);
  return arena_printf(&c->ar, _(" (the %s of a list's items is `%s FIELD in LIST`)"), what, f->name);
}

static struct type check_call(struct comp *c, struct node *n, const struct scope *sc) {
  int formula = defs_find_formula(c, n->name);
  if (formula >= 0) return defs_call(c, n, formula, sc);
  if (blocks_find(c, n->name) >= 0) { /* inserted as a statement of its own (blocks.c) */
    diag_add(&c->dg, TIER_ERROR, &n->loc,
             _("'%s' is a requirements block: insert it as a statement of its own (`%s(...);` in a tier, a badge or "
             "another block), not inside an expression"),
             n->name, n->name);
    return TY_ERR;
  }
  const struct func *f = fn_find(n->name);
  int nargs = 0;
  for (struct node *a = n->list; a; a = a->next) nargs++;
  bool arity = f && (nargs < f->min_args || (f->max_args != FN_MANY && nargs > f->max_args));
  bool bad = false;
  /* (with the wrong number of values, the arity is the mistake: min(apps)
   * names an item field the call cannot see) */
  for (struct node *a = n->list; a && !arity; a = a->next)
    if (check(c, a, sc).kind == TY_ERROR) bad = true;
  if (!f) {
    unknown_function(c, n, sc);
    return TY_ERR;
  }
  for (size_t i = 0; fn_at(i); i++)
    if (fn_at(i) == f) n->index = (int32_t)i;
  if (arity) {
    if (f->max_args == FN_MANY)
      diag_add(&c->dg, TIER_ERROR, &n->loc, _("%s needs at least %d values: %s%s"), f->name, f->min_args, f->usage,
               f->arg == FA_ORDERED ? minmax_hint(c, f, n) : "");
    else
      diag_add(&c->dg, TIER_ERROR, &n->loc, NG_("%s takes %s%d value, not %d: %s", "%s takes %s%d values, not %d: %s", f->max_args),
               f->name,
               f->min_args == f->max_args ? ""
               : arena_printf(&c->ar, f->max_args == f->min_args + 1 ? _("%d or ") : _("%d to "), f->min_args),
               f->max_args, nargs, f->usage);
    return TY_ERR;
  }
  if (bad) return TY_ERR;
  if (f->arg == FA_DATE) return check_date_call(c, n, f);
  /* the digits argument */
  int pos = 0;
  for (struct node *a = n->list; a; a = a->next)
    if (++pos == f->digits_at && (a->kind != N_INT || a->ty.kind != TY_INT || a->ival < f->digits_min || a->ival > f->digits_max)) {
      diag_add(&c->dg, TIER_ERROR, &a->loc, _("the digits of %s are a whole number written in the rule, from %d to %d: %s"), f->name,
               f->digits_min, f->digits_max, f->usage);
      return TY_ERR;
    }
  /* the value arguments: numbers, or (FA_ORDERED) all dates or all tiers */
  struct type first = n->list->ty;
  bool opt = false;
  int ordered = f->arg == FA_ORDERED && (first.kind == TY_DATE || first.kind == TY_TIER) ? first.kind : 0;
  pos = 0;
  for (struct node *a = n->list; a; a = a->next) {
    if (++pos == f->digits_at) continue;
    opt = opt || a->ty.opt;
    if (ordered ? a->ty.kind != ordered : !is_numeric(a->ty.kind)) {
      if (f->arg == FA_ORDERED && (ordered || a->ty.kind == TY_DATE || a->ty.kind == TY_TIER))
        diag_add(&c->dg, TIER_ERROR, &a->loc,
                 _("%s cannot compare %s with %s: its values are all numbers (int, money, number), all dates or all tiers"),
                 f->name, ty_str(c, first), ty_str(c, a->ty));
      else
        diag_add(&c->dg, TIER_ERROR, &a->loc, _("%s needs int, money or number%s, not %s"), f->name,
                 f->arg == FA_ORDERED ? _(" (or dates, or tiers)") : "", ty_str(c, a->ty));
      return TY_ERR;
    }
  }
  int k = ordered ? ordered : common_numeric(n->list, f->digits_at);
  if (!ordered) {
    pos = 0;
    for (struct node **pa = &n->list; *pa; pa = &(*pa)->next)
      if (++pos != f->digits_at) coerce_arg(c, pa, k);
  }
  return ty_make(k, opt, 0);
}

/* n, of type t, must be bool */
static void want_bool(struct comp *c, const struct node *n, struct type t, const char *what) {
  if (t.kind != TY_ERROR && t.kind != TY_BOOL)
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("%s must be bool, not %s"), what, ty_str(c, t));
}

static struct type check_bool(struct comp *c, struct node *n, const struct scope *sc, const char *what) {
  struct type t = check(c, n, sc);
  want_bool(c, n, t, what);
  return t;
}

/* The type of binary node n, its left operand typed already if left_done. */
static struct type check_link(struct comp *c, struct node *n, const struct scope *sc, bool left_done) {
  switch (n->op) {
  case B_AND:
  case B_OR: {
    const char *what = n->op == B_AND ? _("each side of 'and'") : _("each side of 'or'");
    want_bool(c, n->a, left_type(c, n, sc, left_done), what);
    check_bool(c, n->b, sc, what);
    return ty_make(TY_BOOL, false, 0);
  }
  case B_EQ: case B_NE: case B_LT: case B_LE: case B_GT: case B_GE: return check_cmp(c, n, sc, left_done);
  default: return check_arith(c, n, sc, left_done);
  }
}

/* A chain a OP b OP c ... (ast.c): its links typed from the first operand
 * up, each with its left operand done, in a loop however long the chain. */
static struct type check_chain(struct comp *c, struct node *n, const struct scope *sc) {
  size_t k;
  struct node **s = ast_spine(&c->ar, n, &k);
  struct type t = TY_ERR;
  for (size_t i = k; i-- > 0;) {
    struct node *x = s[i];
    t = x->kind == N_CONV ? x->ty : check_link(c, x, sc, i + 1 < k);
    x->ty = t;
  }
  return t;
}

/* -e: a number's negation.  A negated literal is folded into a literal, so
 * that `-5` is one constant wherever it stands (a threshold, a call's
 * argument) and prints as written. */
static struct type check_neg(struct comp *c, struct node *n, const struct scope *sc) {
  struct type ta = check(c, n->a, sc);
  if (ta.kind == TY_ERROR) return TY_ERR;
  if (!is_numeric(ta.kind)) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("cannot negate %s"), ty_str(c, ta));
    return TY_ERR;
  }
  n->a->ty = ta;
  if (is_literal(n->a)) {
    /* fold -literal into a literal, which keeps the negation's span and
     * parentheses, and the literal as written in `a`, for the printers of
     * rule texts (ast.h), and its place in a list (a call's arguments) */
    struct node *lit = n->a, folded = *lit;
    folded.ival = -lit->ival;
    folded.q = num_neg(lit->q);
    folded.span = n->span;
    folded.parens = n->parens;
    folded.depth = n->depth;
    folded.neg = true;
    folded.a = lit;
    folded.next = n->next;
    folded.tail = n->tail;
    *n = folded;
  }
  return ta;
}

/* if a then b else c: both branches of one type; two numeric kinds meet at
 * the wider one (each branch converted to it). */
static struct type check_if(struct comp *c, struct node *n, const struct scope *sc) {
  check_bool(c, n->a, sc, _("the condition of 'if'"));
  struct type tb = check(c, n->b, sc), tc = check(c, n->c, sc);
  n->b->ty = tb;
  n->c->ty = tc;
  if (tb.kind == TY_ERROR || tc.kind == TY_ERROR) return TY_ERR;
  if (is_numeric(tb.kind) && is_numeric(tc.kind)) {
    int k = unify_numeric(n->b, n->c);
    coerce(c, &n->b, k);
    coerce(c, &n->c, k);
    return ty_make(k, tb.opt || tc.opt, 0);
  }
  if (tb.kind == tc.kind && tb.ref == tc.ref && tb.kind != TY_DURATION) return ty_make(tb.kind, tb.opt || tc.opt, tb.ref);
  diag_add(&c->dg, TIER_ERROR, &n->loc, _("'then' gives %s but 'else' gives %s"), ty_str(c, tb), ty_str(c, tc));
  return TY_ERR;
}

/* a in { v, ... }: a of an enum type, each v one of its values; the set
 * becomes a bit mask in ival (an enum has at most 64 values). */
static struct type check_in(struct comp *c, struct node *n, const struct scope *sc) {
  struct type ta = check(c, n->a, sc);
  if (ta.kind == TY_ERROR) return ty_make(TY_BOOL, false, 0);
  if (ta.kind != TY_ENUM) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("'in { ... }' needs an enum value on its left, not %s"), ty_str(c, ta));
    return ty_make(TY_BOOL, false, 0);
  }
  uint64_t mask = 0;
  for (struct node *v = n->list; v; v = v->next) {
    int k = enum_value(c, ta.ref, v->name);
    if (k < 0) {
      struct suggest s = SUGGEST(c);
      for (uint32_t i = 0; !s.off && i < c->enums[ta.ref].nvals; i++) suggest_try(&s, v->name, c->enums[ta.ref].vals[i]);
      diag_add(&c->dg, TIER_ERROR, &v->loc, _("'%s' is not a value of enum %s (its values: %s)%s"), v->name,
               c->enums[ta.ref].name, enum_values_text(c, ta.ref), sg_text(c, &s));
    } else {
      mask |= (uint64_t)1 << k;
    }
  }
  n->ival = (int64_t)mask;
  return ty_make(TY_BOOL, false, 0);
}

/* a is none: a warning when a can never be none (the test is always false). */
static struct type check_isnone(struct comp *c, struct node *n, const struct scope *sc) {
  struct type ta = check(c, n->a, sc);
  if (ta.kind != TY_ERROR && !ta.opt)
    diag_add(&c->dg, TIER_WARNING, &n->loc, _("this value is never none (%s is not optional)"), ty_str(c, ta));
  return ty_make(TY_BOOL, false, 0);
}

/* a within DURATION: a date, compared with asof, so only where asof may be
 * used. */
static struct type check_within(struct comp *c, struct node *n, const struct scope *sc) {
  struct type ta = check(c, n->a, sc);
  if (ta.kind != TY_ERROR && ta.kind != TY_DATE)
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("'within' needs a date on its left, not %s"), ty_str(c, ta));
  if (!sc->allow_asof) diag_add(&c->dg, TIER_ERROR, &n->loc, _("%s cannot use 'within': it is relative to asof"), sc->what);
  int64_t m, d;
  duration_months(c, n->b, &m, &d);
  return ty_make(TY_BOOL, false, 0);
}

/* Does e read list items (item fields, item metrics) or aggregate, itself,
 * through an argument it stands for or a formula's expansion? */
static bool reads_items(const struct node *e) {
  for (; e; e = e->next) {
    if (e->kind == N_AGG) return true;
    if (e->kind == N_NAME && (e->ref == R_ITEM || e->ref == R_ITEM_METRIC)) return true;
    if ((e->ref == R_ARG || e->ref == R_FORMULA) && e->def && reads_items(e->def)) return true;
    if (reads_items(e->a) || reads_items(e->b) || reads_items(e->c)) return true;
    if (e->kind == N_CALL && reads_items(e->list)) return true;
  }
  return false;
}

/* A formula's parameter where its body uses it (defs.c): the argument's
 * type.  The argument was checked where the call stands; one that reads
 * list items or aggregates, used where other items are in scope (inside an
 * aggregate of the body), would have to be computed again for each of them,
 * which it cannot be: an error, as the same aggregate written there is. */
static struct type arg_type(struct comp *c, const struct node *n, const struct scope *sc) {
  if (n->lidx != sc->list && reads_items(n->def)) {
    diag_add(&c->dg, TIER_ERROR, &n->loc,
             _("'%s' stands inside an aggregate of the formula, and its argument reads list items or aggregates "
               "where the call stands: make the argument a metric and pass the metric"),
             n->name);
    return TY_ERR;
  }
  return n->def->ty;
}

/* The type of expression n in scope sc, stored in n->ty; TY_ERR after an
 * error (reported here or below).  One case per expression kind: each
 * non-trivial one is a check_X above or in defs.c, refs.c. */
static struct type check(struct comp *c, struct node *n, const struct scope *sc) {
  if (!n) return TY_ERR;
  struct type t = TY_ERR;
  switch ((enum node_kind)n->kind) {
  case N_INT: t = ty_make(TY_INT, false, 0); break;
  case N_DEC: t = ty_make(TY_NUMBER, false, 0); break;
  case N_STR: t = ty_make(TY_TEXT, false, 0); break;
  case N_DATE: t = ty_make(TY_DATE, false, 0); break;
  case N_BOOL: t = ty_make(TY_BOOL, false, 0); break;
  case N_ASOF:
    if (!sc->allow_asof) diag_add(&c->dg, TIER_ERROR, &n->loc, _("%s cannot use asof: it defines it"), sc->what);
    else t = ty_make(TY_DATE, false, 0);
    break;
  case N_NAME: t = n->ref == R_ARG ? arg_type(c, n, sc) : resolve_name(c, n, sc); break;
  case N_INDEX: t = defs_lookup(c, n, sc); break;
  case N_DURATION: {
    int64_t m, d;
    if (duration_months(c, n, &m, &d)) t = ty_make(TY_DURATION, false, 0);
    break;
  }
  case N_NEG: t = check_neg(c, n, sc); break;
  case N_NOT: t = check_bool(c, n->a, sc, _("the operand of 'not'")); t = ty_make(TY_BOOL, false, 0); break;
  case N_BIN: t = check_chain(c, n, sc); break;
  case N_IF: t = check_if(c, n, sc); break;
  case N_IN: t = check_in(c, n, sc); break;
  case N_ISNONE: t = check_isnone(c, n, sc); break;
  case N_WITHIN: t = check_within(c, n, sc); break;
  case N_AGG: t = check_agg(c, n, sc); break;
  case N_CALL: t = check_call(c, n, sc); break;
  case N_PERIOD: t = check_period(c, n, sc); break;
  case N_HOLDS: t = refs_check(c, n, sc); break;
  case N_CONV: t = n->ty; break;
  CASE_ITEM_KINDS:
    break; /* statements: not checked here (blocks.c, defs.c) */
  }
  n->ty = t;
  return t;
}

/* ---- for blocks.c -------------------------------------------------------------------------- */

struct type sema_check(struct comp *c, struct node *n, const struct scope *sc) { return check(c, n, sc); }
struct type sema_check_bool(struct comp *c, struct node *n, const struct scope *sc, const char *what) {
  return check_bool(c, n, sc, what);
}
const char *sema_type_str(struct comp *c, struct type t) { return ty_str(c, t); }
const char *sema_suggest(struct comp *c, struct suggest *s) { return sg_text(c, s); }
int sema_enum_value(struct comp *c, int e, const char *name) { return enum_value(c, e, name); }

/* An argument *pn for a parameter of type `to`, typed in scope sc: a bare
 * value name is taken from to's enum, and a number converts as it does
 * where it meets another (an integer literal passes to money).  A value
 * that may be missing needs an optional parameter.  False, reported, when
 * the types do not fit. */
bool sema_pass(struct comp *c, struct node **pn, const struct scope *sc, struct type to, const char *what) {
  struct node *n = *pn;
  struct type t = try_enum_value(c, n, to) ? n->ty : check(c, n, sc);
  n->ty = t;
  if (t.kind == TY_ERROR || to.kind == TY_ERROR) return false;
  bool ok;
  if (is_numeric(t.kind) && is_numeric(to.kind)) {
    ok = t.kind == to.kind || t.kind == TY_INT || (t.kind == TY_MONEY && to.kind == TY_NUMBER) ||
         (ast_literal(n)->kind == N_DEC && to.kind == TY_MONEY);
    if (ok) coerce(c, pn, to.kind);
  } else {
    ok = t.kind == to.kind && (t.kind != TY_ENUM || t.ref == to.ref) && t.kind != TY_DURATION && t.kind != TY_LIST;
  }
  if (!ok) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("%s must be %s, not %s"), what, ty_str(c, ty_make(to.kind, false, to.ref)),
             ty_str(c, t));
    return false;
  }
  if (t.opt && !to.opt) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("%s may be missing (it is %s): declare the parameter as %s"), what,
             ty_str(c, t), ty_str(c, ty_make(to.kind, true, to.ref)));
    return false;
  }
  return true;
}

/* Type a metric on first use, so that metrics may refer to metrics defined
 * later; a metric met again while it is being typed closes a cycle. */
/* The nodes of expression n with the item metrics it names written out, as
 * codegen inlines them (gen_item_value): what each use of an item metric
 * defined by n costs.  It stops counting just past LIM_EXPANDED.  Along ->a
 * in a loop (a chain's spine is as long as the source), into the rest by
 * recursion (nesting is bounded), as codegen's uses_metric walks. */
static uint32_t inlined_size(const struct comp *c, const struct node *n) {
  uint64_t size = 0;
  for (; n && size <= LIM_EXPANDED; n = n->a) {
    size++;
    if ((n->kind == N_NAME || n->kind == N_AGG) && n->ref == R_ITEM_METRIC) size += c->metrics[n->index].inlined;
    size += inlined_size(c, n->b) + inlined_size(c, n->c);
    if (n->kind == N_CALL)
      for (const struct node *a = n->list; a; a = a->next) size += inlined_size(c, a);
    if (n->kind == N_CALL && n->ref == R_FORMULA) size += inlined_size(c, n->def);
  }
  return size > LIM_EXPANDED ? LIM_EXPANDED + 1 : (uint32_t)size;
}

/* Item metric m is used at n: unless n stands in another item metric's
 * expression (whose own size counts it), codegen writes m's expression
 * out here, so it counts towards the nodes a ruleset may make, with
 * formulas and requirements blocks (LIM_EXPANDED).  Item metrics that each
 * name the one before twice double their code at every step: before this,
 * 30 of them (33 lines) kept the compiler busy for more than a minute. */
static void charge_inline(struct comp *c, const struct node *n, int m) {
  if (c->msp > 0 && c->metrics[c->mstack[c->msp - 1]].list >= 0) return;
  bool over = c->expanded > LIM_EXPANDED;
  uint64_t total = (uint64_t)c->expanded + c->metrics[m].inlined;
  c->expanded = total > LIM_EXPANDED ? LIM_EXPANDED + 1 : (uint32_t)total;
  if (!over && c->expanded > LIM_EXPANDED)
    diag_add(&c->dg, TIER_ERROR, &n->loc,
             _("writing out item metric '%s' where it is used makes more than %d expressions; the limit is %d"),
             c->metrics[m].name, LIM_EXPANDED, LIM_EXPANDED);
}

static struct type type_metric(struct comp *c, int m) {
  struct s_metric *sm = &c->metrics[m];
  if (sm->state == 2) return sm->ty;
  if (sm->state == 1) {
    struct buf b = {0};
    /* the chain from m's first appearance on the stack round to m again */
    int from = 0;
    for (int i = 0; i < c->msp; i++)
      if (c->mstack[i] == m) from = i;
    for (int i = from; i < c->msp; i++) buf_printf(&b, "%s -> ", c->metrics[c->mstack[i]].name);
    buf_printf(&b, "%s", sm->name);
    diag_add(&c->dg, TIER_ERROR, &sm->n->loc, _("metrics form a cycle: %s"), b.p ? (char *)b.p : "");
    buf_free(&b);
    sm->ty = TY_ERR;
    return TY_ERR;
  }
  if (c->msp >= LIM_METRIC_CHAIN) {
    diag_add(&c->dg, TIER_ERROR, &sm->n->loc, _("metric '%s' sits at the end of a chain of more than %d metrics each using the next"),
             sm->name, LIM_METRIC_CHAIN);
    sm->state = 2;
    sm->ty = TY_ERR;
    return TY_ERR;
  }
  if (c->msp == c->mcap) { /* an arena array, doubled when full */
    int cap = c->mcap ? 2 * c->mcap : 16;
    int *q = arena_alloc(&c->ar, sizeof *q * (size_t)cap);
    if (!q) {
      sm->ty = TY_ERR;
      return TY_ERR;
    }
    if (c->msp) memcpy(q, c->mstack, sizeof *q * (size_t)c->msp);
    c->mstack = q;
    c->mcap = cap;
  }
  c->mstack[c->msp++] = m;
  sm->state = 1;
  struct scope sc = {sm->list, true, true, _("a metric"), NULL, false};
  struct type t = check(c, sm->n->a, &sc);
  if (t.kind == TY_DURATION) {
    diag_add(&c->dg, TIER_ERROR, &sm->n->a->loc, _("a metric cannot be a bare duration"));
    t = TY_ERR;
  }
  c->msp--;
  if (sm->state == 1) {
    sm->ty = t;
    sm->state = 2;
    if (sm->list >= 0) sm->inlined = inlined_size(c, sm->n->a);
    if (sm->list < 0) {
      if (!c->metric_order) c->metric_order = arena_alloc(&c->ar, sizeof(int) * (size_t)(c->nmetrics + 1));
      if (c->metric_order) c->metric_order[c->norder++] = m;
    }
  }
  return sm->ty;
}

/* ---- items ------------------------------------------------------------------------------- */

/* The list `for OUTER.INNER...` names (n->name2, then n->list); -1,
 * reported, when a name on the path is not a list there. */
static int metric_list(struct comp *c, const struct node *n) {
  int f = find_field(c, n->name2, -1);
  if (f < 0 || c->fields[f].ty.kind != TY_LIST) {
    diag_add(&c->dg, TIER_ERROR, &n->loc2, _("'%s' is not a list of the record: an item metric is `metric NAME for LIST = ...`"), n->name2);
    return -1;
  }
  int list = c->fields[f].ty.ref;
  for (const struct node *x = n->list; x; x = x->next) {
    f = find_field(c, x->name, list);
    if (f < 0 || c->fields[f].ty.kind != TY_LIST) {
      struct suggest s = SUGGEST(c);
      for (int i = 0; !s.off && i < c->nfields; i++)
        if (c->fields[i].owner == list && c->fields[i].ty.kind == TY_LIST) suggest_try(&s, x->name, c->fields[i].name);
      diag_add(&c->dg, TIER_ERROR, &x->loc, _("'%s' is not a list in the items of '%s'%s"), x->name, list_path(c, list),
               sg_text(c, &s));
      return -1;
    }
    list = c->fields[f].ty.ref;
  }
  return list;
}

static void declare_metric(struct comp *c, struct node *n) {
  int list = -1;
  if (n->name2 && (list = metric_list(c, n)) < 0) return;
  if (sema_find_metric(c, n->name, list) >= 0 || (list < 0 && find_field(c, n->name, -1) >= 0) ||
      (list >= 0 && find_field(c, n->name, list) >= 0)) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("'%s' is already defined"), n->name);
    return;
  }
  struct s_metric *m = PUSH(c->metrics, c->nmetrics);
  if (!m) return;
  m->name = n->name;
  m->n = n;
  m->list = list;
  m->reg = -1;
  if (list >= 0) m->used = true; /* item metrics are helpers; not reported unused */
}

/* fiscal year starts in MONTH; -- once per ruleset, imports included */
static void declare_fiscal(struct comp *c, struct node *n) {
  if (c->fiscal) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("the fiscal year's start is given twice: a ruleset, with its imports, has one fiscal year"));
    diag_add(&c->dg, TIER_NOTE, &c->fiscal->loc, _("it is first given here"));
    return;
  }
  c->fiscal = n;
  c->fiscal_month = month_number(n->name);
  if (!c->fiscal_month) {
    struct suggest s = SUGGEST(c);
    for (int m = 1; !s.off && m <= 12; m++) suggest_try(&s, n->name, month_name(m));
    diag_add(&c->dg, TIER_ERROR, &n->loc2, _("'%s' is not a month (January ... December)%s"), n->name, sg_text(c, &s));
  }
}

/* A tier's display name is how people know it: it may not name another
 * tier of the ladder, or two tiers, since `tierc test` and the readers of
 * results take either the identifier or the display name. */
static void check_display(struct comp *c, const struct s_tier *t) {
  const struct node *d = t->n->b;
  if (!d) return;
  if (d->str_len == 0 || strlen(d->str) != d->str_len) {
    diag_add(&c->dg, TIER_ERROR, &d->loc, _("a tier's display name is a text that is not empty and has no NUL byte"));
    return;
  }
  int self = (int)(t - c->tiers), named = sym_find(c, SYM_TIER, d->str, t->ptype);
  int shown = sym_find(c, SYM_DISPLAY, d->str, t->ptype); /* the first tier of the type with this display name */
  if (named >= 0 && named != self)
    diag_add(&c->dg, TIER_ERROR, &d->loc, _("display name \"%s\" is the name of tier '%s': a display name names one tier"),
             d->str, c->tier_items[named].n->name);
  else if (shown >= 0 && shown < self)
    diag_add(&c->dg, TIER_ERROR, &d->loc, _("display name \"%s\" is also the display name of tier '%s'"), d->str,
             c->tier_items[shown].n->name);
}

static void check_tier(struct comp *c, struct node *n) {
  struct s_tier *t = PUSH(c->tiers, c->ntiers);
  if (!t) return;
  t->n = n;
  t->ptype = -1;
  if (c->partner_field < 0) {
    if (!sema_dropped(c, DROP_FIELD | DROP_RECORD | DROP_ENUM)) /* else maybe what the parser skipped */
      diag_add(&c->dg, TIER_ERROR, &n->loc,
               _("tier '%s' needs a partner-type field: mark an enum field of the record with 'partner' (partner type: "
                 "partner_kind;)"),
               n->name);
  } else {
    int e = c->fields[c->partner_field].ty.ref;
    t->ptype = enum_value(c, e, n->name2);
    if (t->ptype < 0 && !sema_dropped(c, DROP_ENUM)) {
      struct suggest s = SUGGEST(c);
      for (uint32_t i = 0; !s.off && i < c->enums[e].nvals; i++) suggest_try(&s, n->name2, c->enums[e].vals[i]);
      diag_add(&c->dg, TIER_ERROR, &n->loc2, _("unknown partner type '%s' (the values of %s: %s)%s"), n->name2,
               c->enums[e].name, enum_values_text(c, e), sg_text(c, &s));
    }
  }
  if (sym_find(c, SYM_TIER, n->name, t->ptype) != c->ntiers - 1) /* the first tier of the type with this name is another */
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("tier '%s' is defined twice for partner type '%s'"), n->name, n->name2);
  check_display(c, t);
  blocks_check_body(c, t);
}

/* badge NAME ["Display"] < ... >: no partner type, every record. */
static void check_badge(struct comp *c, int b) {
  struct node *n = c->badge_items[b].n;
  if (sym_find(c, SYM_BADGE, n->name, -1) != b) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("badge '%s' is defined twice"), n->name);
    return;
  }
  if (sema_tier_named(c, n->name, NULL) >= 0) {
    diag_add(&c->dg, TIER_ERROR, &n->loc, _("'%s' is the name of a tier and of a badge: give them different names"), n->name);
    return;
  }
  struct s_tier *t = PUSH(c->badges, c->nbadges);
  if (!t) return;
  t->n = n;
  t->ptype = -1;
  blocks_check_body(c, t);
}

void sema_run(struct comp *c) {
  c->partner_field = -1;
  c->id_field = -1;
  bool have_record = false;
  /* pass 1: enums, the record, metric names, metadata */
  for (struct node *n = c->items; n; n = n->next)
    if (n->kind == I_ENUM) declare_enum(c, n);
  for (struct node *n = c->items; n; n = n->next) {
    switch (n->kind) {
    case I_RECORD:
      if (have_record) diag_add(&c->dg, TIER_ERROR, &n->loc, _("the record is declared twice (one record per ruleset)"));
      else declare_fields(c, n->list, -1);
      have_record = true;
      break;
    case I_RULESET:
      if (c->ruleset) diag_add(&c->dg, TIER_ERROR, &n->loc, _("'ruleset' is given twice"));
      c->ruleset = n;
      break;
    case I_REVIEW:
      if (c->review) diag_add(&c->dg, TIER_ERROR, &n->loc, _("'review' is given twice"));
      c->review = n;
      break;
    case I_EFFECTIVE:
      if (c->effective) diag_add(&c->dg, TIER_ERROR, &n->loc, _("'effective' is given twice"));
      c->effective = n;
      break;
    case I_FISCAL: declare_fiscal(c, n); break;
    }
  }
  for (struct node *n = c->items; n; n = n->next)
    if (n->kind == I_METRIC) declare_metric(c, n);
  index_tiers_badges(c);
  blocks_declare(c);
  defs_declare(c);
  /* pass 2: types */
  for (int m = 0; m < c->nmetrics; m++) type_metric(c, m);
  if (c->review) {
    struct scope sc = {-1, false, false, _("the review rule"), NULL, false};
    struct type t = check(c, c->review->a, &sc);
    if (t.kind != TY_ERROR && t.kind != TY_DATE)
      diag_add(&c->dg, TIER_ERROR, &c->review->a->loc, _("the review rule must give a date, not %s"), ty_str(c, t));
  }
  if (c->effective && (!c->effective->a || c->effective->a->kind != N_DATE))
    diag_add(&c->dg, TIER_ERROR, &c->effective->loc, _("'effective' takes a date: effective = 2019-04-01;"));
  blocks_check(c);
  for (struct node *n = c->items; n; n = n->next)
    if (n->kind == I_TIER) check_tier(c, n);
  for (int b = 0; b < c->nbadge_items; b++) check_badge(c, b);
  for (struct node *n = c->items; n; n = n->next)
    if (n->kind == I_GRANT) refs_grant(c, n);
  bool no_record = !have_record && !sema_dropped(c, DROP_RECORD); /* it may be the item the parser skipped */
  if (no_record && c->ntiers > 0)
    diag_add(&c->dg, TIER_ERROR, &c->tiers[0].n->loc, _("the ruleset declares no record: tiers need a `record { ... }` with a partner-type field"));
  else if (no_record && c->nbadges > 0)
    diag_add(&c->dg, TIER_ERROR, &c->badges[0].n->loc, _("the ruleset declares no record: badges need a `record { ... }`"));
  blocks_warn_unused(c);
  defs_warn_unused(c);
  /* every insertion checked: now the tiers and badges get their blocks */
  for (int t = 0; t < c->ntiers && c->dg.nerrors == 0; t++) blocks_expand(c, &c->tiers[t]);
  for (int t = 0; t < c->nbadges && c->dg.nerrors == 0; t++) blocks_expand(c, &c->badges[t]);
  if (c->dg.nerrors == 0) blocks_number_reqs(c);
  if (c->dg.nerrors == 0) refs_order(c);
  /* registers for record metrics, in dependency order */
  for (int i = 0; i < c->norder; i++) c->metrics[c->metric_order[i]].reg = c->nregs++;
  for (int m = 0; m < c->nmetrics && !c->syntax_errors; m++)
    if (!c->metrics[m].used && c->metrics[m].list < 0)
      diag_add(&c->dg, TIER_WARNING, &c->metrics[m].n->loc, _("metric '%s' is not used by any tier"), c->metrics[m].name);
}
