/*
 * defs.c - named values of the rules (SPEC 3.4.4, 3.4.5, 3.5): `const NAME
 * = LITERAL;`, `table NAME: KEY -> VALUE { key: value, ..., default: value }`
 * and `formula NAME(PARAM: TYPE, ...) = EXPR;`.
 *
 * None of them reaches the image as such.  A const is its literal wherever
 * it is used; a table lookup is a chain of comparisons (codegen.c); a
 * formula call is expanded: the body is copied with each parameter bound to
 * its argument, and the copy is type-checked where the call stands, so a
 * body may read item fields where it is called in an item's scope, and an
 * aggregate in it obeys the rules of an aggregate written at the call.  The
 * call node stays in the tree (rule texts, fmt, diff) with the expansion in
 * its `def`; a parameter in the copy is a name with ref R_ARG whose `def` is
 * the argument, checked once in the caller's scope.
 */
#include <string.h>

#include "compile.h"
#include "func.h"

#define TY_ERR ((struct type){.kind = TY_ERROR})

static struct type ty_of(int kind, bool opt, int ref) {
  struct type t = {.kind = (uint8_t)kind, .opt = opt, .ref = (uint16_t)ref};
  return t;
}

int defs_find_const(struct comp *c, const char *name) { return sym_find(c, SYM_CONST, name, -1); }
int defs_find_formula(struct comp *c, const char *name) { return sym_find(c, SYM_FORMULA, name, -1); }
int defs_find_table(struct comp *c, const char *name) { return sym_find(c, SYM_TABLE, name, -1); }

/* What else a top-level name already is, or NULL: one name, one meaning. */
static const char *taken(struct comp *c, const char *name) {
  if (defs_find_const(c, name) >= 0) return _("a const");
  if (defs_find_formula(c, name) >= 0) return _("a formula");
  if (defs_find_table(c, name) >= 0) return _("a table");
  for (int i = 0; i < c->nfields; i++)
    if (c->fields[i].owner == -1 && strcmp(c->fields[i].name, name) == 0) return _("a field of the record");
  if (sema_find_metric(c, name, -1) >= 0) return _("a metric");
  if (blocks_find(c, name) >= 0) return _("a requirements block");
  if (fn_find(name)) return _("a built-in function");
  for (int e = 0; e < c->nenums; e++)
    if (sema_enum_value(c, e, name) >= 0) return _("a value of an enum");
  return NULL;
}

static bool declared_once(struct comp *c, const struct node *n, const char *what) {
  const char *other = taken(c, n->name);
  if (!other) return true;
  diag_add(&c->dg, TIER_ERROR, &n->loc, _("%s '%s' cannot be declared: '%s' is already %s"), what, n->name, n->name, other);
  return false;
}

/* ---- const ---------------------------------------------------------------------------------- */

/* Is n (checked) a literal: a number, text, date or bool as written, a
 * negative number included (sema folds `-LITERAL`), or a percent? */
static bool is_literal_value(const struct node *n) {
  return n && (n->kind == N_INT || n->kind == N_DEC || n->kind == N_STR || n->kind == N_DATE || n->kind == N_BOOL);
}

static void declare_const(struct comp *c, struct node *n) {
  if (!declared_once(c, n, "const")) return;
  struct scope sc = {-1, false, false, _("a const"), NULL, false};
  struct type t = sema_check(c, n->a, &sc);
  if (t.kind != TY_ERROR && !is_literal_value(n->a)) {
    diag_add(&c->dg, TIER_ERROR, &n->a->loc,
             _("a const is a literal (a number, a percent, money, a text, a date, true or false), not an expression"));
    t = TY_ERR;
  }
  struct s_const *k = PUSH(c->consts, c->nconsts);
  if (!k) return;
  k->name = n->name;
  k->n = n;
  k->ty = t;
}

/* A name that is a const: it stands for its literal (def), typed as the
 * literal; false when no const has that name. */
bool defs_const_name(struct comp *c, struct node *n, struct type *t) {
  int i = defs_find_const(c, n->name);
  if (i < 0) return false;
  if (!c->consts[i].use) c->consts[i].use = n;
  n->ref = R_CONST;
  n->index = i;
  n->def = c->consts[i].n->a;
  *t = c->consts[i].ty;
  return true;
}

/* ---- table ---------------------------------------------------------------------------------- */

static const char *key_text(const struct node *k, struct arena *ar) {
  return k->kind == N_STR ? arena_printf(ar, "\"%s\"", k->str) : k->name;
}

/* One entry `key: value` of table t: the key is a value of the key enum or
 * a text in quotes; the value a literal, a const or an enum value of the
 * value type.  *seen marks the enum values given. */
static void check_entry(struct comp *c, struct s_table *t, struct node *e, uint64_t *seen, struct node **first) {
  struct node *k = e->a;
  if (!k) { /* default */
    if (t->dflt) diag_add(&c->dg, TIER_ERROR, &e->loc, _("table '%s' has two defaults"), t->name);
    t->dflt = e;
  } else if (t->key.kind == TY_ENUM) {
    int v = k->kind == N_NAME ? sema_enum_value(c, t->key.ref, k->name) : -1;
    if (v < 0) {
      diag_add(&c->dg, TIER_ERROR, &k->loc, _("%s is not a value of enum %s (the keys of table '%s')"),
               key_text(k, &c->ar), c->enums[t->key.ref].name, t->name);
    } else if (first[v]) {
      diag_add(&c->dg, TIER_ERROR, &k->loc, _("key %s appears twice in table '%s'"), k->name, t->name);
    } else {
      first[v] = e;
      k->ival = v;
      if (v < 64) *seen |= (uint64_t)1 << v;
    }
  } else if (k->kind != N_STR) {
    diag_add(&c->dg, TIER_ERROR, &k->loc, _("the keys of table '%s' are texts: write \"%s\""), t->name, k->name);
  } else {
    for (struct node *p = t->n->list; p != e; p = p->next)
      if (p->a && p->a->kind == N_STR && p->a->str_len == k->str_len && memcmp(p->a->str, k->str, k->str_len) == 0) {
        diag_add(&c->dg, TIER_ERROR, &k->loc, _("key \"%s\" appears twice in table '%s'"), k->str, t->name);
        break;
      }
  }
  struct scope sc = {-1, false, false, _("a table's value"), NULL, false};
  if (!sema_pass(c, &e->b, &sc, t->val, _("a value of this table"))) return;
  const struct node *v = e->b->kind == N_CONV ? e->b->a : e->b;
  if (!is_literal_value(v) && !(v->kind == N_NAME && (v->ref == R_CONST || v->ref == R_ENUMVAL)))
    diag_add(&c->dg, TIER_ERROR, &e->b->loc, _("a table's value is a literal, a const or an enum value, not an expression"));
}

static void declare_table(struct comp *c, struct node *n) {
  if (!declared_once(c, n, "table")) return;
  struct s_table *t = PUSH(c->tables, c->ntables);
  if (!t) return;
  t->name = n->name;
  t->n = n;
  t->key = sema_field_type(c, n->a);
  t->val = sema_field_type(c, n->b);
  t->key.opt = false;
  t->val.opt = false;
  if (n->a->neg || n->b->neg)
    diag_add(&c->dg, TIER_ERROR, n->a->neg ? &n->a->loc2 : &n->b->loc2,
             _("a table's types are not optional: a text key it lacks gives none"));
  if (t->key.kind != TY_ERROR && t->key.kind != TY_ENUM && t->key.kind != TY_TEXT) {
    diag_add(&c->dg, TIER_ERROR, &n->a->loc2, _("a table's keys are the values of an enum or texts, not %s"),
             sema_type_str(c, t->key));
    t->key = TY_ERR;
  }
  if (t->key.kind == TY_ERROR || t->val.kind == TY_ERROR) return;
  uint32_t nv = t->key.kind == TY_ENUM ? c->enums[t->key.ref].nvals : 0;
  struct node **first = arena_alloc(&c->ar, sizeof *first * (nv + 1));
  if (!first) return;
  memset(first, 0, sizeof *first * (nv + 1));
  uint64_t seen = 0;
  for (struct node *e = n->list; e; e = e->next) check_entry(c, t, e, &seen, first);
  if (t->key.kind != TY_ENUM || t->dflt) return;
  /* every value of the enum has its entry, or the table has a default */
  struct buf b = {0};
  uint32_t missing = 0;
  for (uint32_t v = 0; v < nv; v++)
    if (!first[v]) buf_printf(&b, "%s%s", missing++ ? ", " : "", c->enums[t->key.ref].vals[v]);
  if (missing)
    diag_add(&c->dg, TIER_ERROR, &n->loc,
             NG_("table '%s' has no entry for %s of enum %s: add it or a `default: VALUE`",
                 "table '%s' has no entry for %s of enum %s: add them or a `default: VALUE`", missing),
             t->name, (char *)b.p, c->enums[t->key.ref].name);
  buf_free(&b);
}

/* Can a lookup give none of this type?  The image has no constant for a
 * missing text (a text constant is a string of the image), so a table of
 * texts that may miss needs a default. */
static bool none_value(int kind) { return kind != TY_TEXT; }

/* NAME[KEY]: the value table NAME gives for the key; none for a text it
 * lacks (or a missing key) when it has no default. */
struct type defs_lookup(struct comp *c, struct node *n, const struct scope *sc) {
  int i = defs_find_table(c, n->name);
  if (i < 0) {
    struct suggest s = SUGGEST(c);
    for (int k = 0; !s.off && k < c->ntables; k++) suggest_try(&s, n->name, c->tables[k].name);
    if (!sema_dropped(c, DROP_TABLE)) /* else maybe the table the parser skipped */
      diag_add(&c->dg, TIER_ERROR, &n->loc2, _("no table named '%s'%s"), n->name, sema_suggest(c, &s));
    sema_check(c, n->a, sc);
    return TY_ERR;
  }
  struct s_table *t = &c->tables[i];
  t->used = true;
  n->index = i;
  if (t->key.kind == TY_ERROR || t->val.kind == TY_ERROR) return TY_ERR;
  struct type kt = t->key;
  kt.opt = true; /* a missing key finds no entry */
  if (!sema_pass(c, &n->a, sc, kt, _("the key of this table"))) return TY_ERR;
  bool opt = !t->dflt && (t->key.kind == TY_TEXT || n->a->ty.opt);
  if (opt && !none_value(t->val.kind)) {
    if (t->key.kind == TY_TEXT)
      diag_add(&c->dg, TIER_ERROR, &n->loc,
               _("table '%s' has text keys and no default: give it a `default: VALUE` (a text it lacks would give "
                 "none, and a text value cannot be none here)"),
               t->name);
    else
      diag_add(&c->dg, TIER_ERROR, &n->loc,
               _("the key may be missing, and table '%s' has no default: give it a `default: VALUE` (a missing key "
                 "would give none, and a text value cannot be none here)"),
               t->name);
    return TY_ERR;
  }
  return ty_of(t->val.kind, opt, t->val.ref);
}

/* ---- formula -------------------------------------------------------------------------------- */

static void declare_formula(struct comp *c, struct node *n) {
  if (!declared_once(c, n, "formula")) return;
  struct s_formula *f = PUSH(c->formulas, c->nformulas);
  if (!f) return;
  f->name = n->name;
  f->n = n;
  for (struct node *p = n->a; p; p = p->next) f->nparams++;
  f->params = arena_alloc(&c->ar, sizeof *f->params * (size_t)(f->nparams + 1));
  f->ptypes = arena_alloc(&c->ar, sizeof *f->ptypes * (size_t)(f->nparams + 1));
  if (!f->params || !f->ptypes) {
    f->nparams = 0;
    return;
  }
  int i = 0;
  for (struct node *p = n->a; p; p = p->next, i++) {
    f->params[i] = p;
    f->ptypes[i] = sema_field_type(c, p);
    for (int j = 0; j < i; j++)
      if (strcmp(f->params[j]->name, p->name) == 0)
        diag_add(&c->dg, TIER_ERROR, &p->loc, _("formula '%s' has two parameters named '%s'"), n->name, p->name);
  }
}

/* The state of one expansion: the formula's arguments, and whether a limit
 * was hit (reported once). */
struct expansion {
  struct comp *c;
  const struct s_formula *f;
  struct node **args;
  int list; /* the list in scope where the call stands, -1 for the record */
  bool failed;
};

static struct node *new_node(struct expansion *x, const struct node *n) {
  if (x->failed) return NULL;
  if (++x->c->expanded > LIM_EXPANDED) {
    diag_add(&x->c->dg, TIER_ERROR, &n->loc, _("expanding formulas makes more than %d expressions; the limit is %d"),
             LIM_EXPANDED, LIM_EXPANDED);
    x->failed = true;
    return NULL;
  }
  struct node *m = arena_alloc(&x->c->ar, sizeof *m);
  if (!m) {
    x->failed = true;
    return NULL;
  }
  *m = *n;
  m->next = m->tail = NULL;
  return m;
}

/* One node of the body's fresh copy (ast_copy), a parameter bound to its
 * argument: a name with ref R_ARG whose def is the argument. */
static struct node *expand_node(void *ctx, const struct node *k) {
  struct expansion *x = ctx;
  struct node *m = new_node(x, k);
  if (m && k->kind == N_NAME)
    for (int i = 0; i < x->f->nparams; i++)
      if (strcmp(x->f->params[i]->name, k->name) == 0) {
        m->ref = R_ARG;
        m->index = i;
        m->def = x->args[i];
        m->lidx = x->list;
      }
  return m;
}

/* A fresh copy of the body's expression n (sema changes what it checks),
 * each parameter a name bound to its argument. */
static struct node *copy_expr(struct expansion *x, const struct node *n) { return n ? ast_copy(n, expand_node, x) : NULL; }

/* "a -> b -> a": the formulas being expanded from f's first appearance. */
static const char *cycle_text(struct comp *c, int f) {
  struct buf b = {0};
  int from = 0;
  for (int i = 0; i < c->fsp; i++)
    if (c->fstack[i] == f) from = i;
  for (int i = from; i < c->fsp; i++) buf_printf(&b, "%s -> ", c->formulas[c->fstack[i]].name);
  buf_printf(&b, "%s", c->formulas[f].name);
  const char *s = arena_printf(&c->ar, "%s", b.p ? (char *)b.p : "");
  buf_free(&b);
  return s;
}

/* The arguments of call n checked in the caller's scope against formula
 * f's parameters; false (reported) when their number is wrong or one does
 * not fit. */
static bool check_args(struct comp *c, struct node *n, const struct s_formula *f, const struct scope *sc,
                       struct node **args) {
  int na = 0;
  for (struct node *a = n->list; a; a = a->next) na++;
  if (na != f->nparams) {
    struct buf b = {0};
    for (int i = 0; i < f->nparams; i++)
      buf_printf(&b, "%s%s: %s", i ? ", " : "", f->params[i]->name, sema_type_str(c, f->ptypes[i]));
    diag_add(&c->dg, TIER_ERROR, &n->loc2,
             NG_("formula '%s' takes %d argument (%s), not %d", "formula '%s' takes %d arguments (%s), not %d",
                 (unsigned long)f->nparams),
             f->name, f->nparams, b.p ? (char *)b.p : "", na);
    buf_free(&b);
    for (struct node *a = n->list; a; a = a->next) sema_check(c, a, sc);
    return false;
  }
  bool ok = true;
  int i = 0;
  for (struct node **pa = &n->list; *pa; pa = &(*pa)->next, i++) {
    struct node *next = (*pa)->next;
    const char *what = arena_printf(&c->ar, _("argument %d of %s (%s)"), i + 1, f->name, f->params[i]->name);
    /* a value that may be missing passes to any parameter: the body sees
     * it as the call's own expression would be seen (its type stays
     * optional), as if written inline */
    struct type want = f->ptypes[i];
    want.opt = true;
    ok &= sema_pass(c, pa, sc, want, what);
    (*pa)->next = next; /* a conversion sema put in front keeps the list linked */
    args[i] = *pa;
  }
  return ok;
}

/* NAME(args) naming formula fi: check the arguments, expand the body with
 * them and check the expansion where the call stands.  An error inside the
 * body is followed by a note at the call. */
struct type defs_call(struct comp *c, struct node *n, int fi, const struct scope *sc) {
  struct s_formula *f = &c->formulas[fi];
  f->used = true;
  n->ref = R_FORMULA;
  n->index = fi;
  for (int i = 0; i < c->fsp; i++)
    if (c->fstack[i] == fi) {
      if (!f->cycle)
        diag_add(&c->dg, TIER_ERROR, &f->n->loc, _("formulas form a cycle: %s (a formula cannot call itself)"),
                 cycle_text(c, fi));
      f->cycle = true;
      return TY_ERR;
    }
  struct node **args = arena_alloc(&c->ar, sizeof *args * (size_t)(f->nparams + 1));
  if (!args || !check_args(c, n, f, sc, args)) return TY_ERR;
  if (c->fsp >= LIM_FORMULA_NESTING) {
    diag_add(&c->dg, TIER_ERROR, &n->loc2, _("formulas call formulas more than %d deep here; the limit is %d"),
             LIM_FORMULA_NESTING, LIM_FORMULA_NESTING);
    return TY_ERR;
  }
  struct expansion x = {c, f, args, sc->list, false};
  n->def = copy_expr(&x, f->n->b);
  if (!n->def) return TY_ERR;
  c->fstack[c->fsp++] = fi;
  unsigned errors = c->dg.nerrors;
  struct type t = sema_check(c, n->def, sc);
  c->fsp--;
  if (c->dg.nerrors > errors)
    diag_add(&c->dg, TIER_NOTE, &n->loc, _("in this call of formula '%s'"), f->name);
  if (t.kind == TY_DURATION) {
    diag_add(&c->dg, TIER_ERROR, &f->n->b->loc, _("formula '%s' gives a bare duration: add it to a date"), f->name);
    return TY_ERR;
  }
  return t;
}

/* ---- declarations and warnings -------------------------------------------------------------- */

void defs_declare(struct comp *c) {
  /* consts first: tables and formulas may use them */
  for (struct node *n = c->items; n; n = n->next)
    if (n->kind == I_CONST) declare_const(c, n);
  for (struct node *n = c->items; n; n = n->next)
    if (n->kind == I_TABLE) declare_table(c, n);
  for (struct node *n = c->items; n; n = n->next)
    if (n->kind == I_FORMULA) declare_formula(c, n);
}

void defs_warn_unused(struct comp *c) {
  if (c->syntax_errors) return;
  for (int i = 0; i < c->nconsts; i++)
    if (!c->consts[i].use && c->consts[i].ty.kind != TY_ERROR)
      diag_add(&c->dg, TIER_WARNING, &c->consts[i].n->loc, _("const '%s' is not used"), c->consts[i].name);
  for (int i = 0; i < c->ntables; i++)
    if (!c->tables[i].used) diag_add(&c->dg, TIER_WARNING, &c->tables[i].n->loc, _("table '%s' is not used"), c->tables[i].name);
  for (int i = 0; i < c->nformulas; i++)
    if (!c->formulas[i].used)
      diag_add(&c->dg, TIER_WARNING, &c->formulas[i].n->loc, _("formula '%s' is not used (its body is checked where it is called)"),
               c->formulas[i].name);
}
