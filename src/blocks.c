/*
 * blocks.c - the shape of a tier's or a badge's requirements (SPEC 3.4.8,
 * 3.4.9, 3.5): `either` with its branches, `at least N of { ... }`, and
 * `requirements NAME(PARAMS) < ... >` blocks inserted with `NAME(args);`.
 *
 * Each requirements block is type-checked once, its parameters typed as
 * declared; an insertion checks its arguments against them.  When the
 * whole ruleset is free of errors, every tier and badge gets its
 * statements with each insertion replaced by the block's statements, each
 * parameter replaced by its argument and each requirement's section
 * resolved (blocks_expand).  Later passes see only requirements, `either`
 * and `at least`: each inserted requirement is its own entry, and its rule
 * text is written with the arguments.  An expression that uses no
 * parameter is shared by the copies, not copied.
 */
#include <string.h>

#include "compile.h"

int blocks_find(struct comp *c, const char *name) { return sym_find(c, SYM_BLOCK, name, -1); }

/* ---- declarations ------------------------------------------------------------------ */

void blocks_declare(struct comp *c) {
  int n = 0;
  for (struct node *it = c->items; it; it = it->next) n += it->kind == I_REQBLOCK;
  if (!n) return;
  c->blocks = arena_alloc(&c->ar, sizeof *c->blocks * (size_t)n);
  if (!c->blocks) return;
  for (struct node *it = c->items; it; it = it->next) {
    if (it->kind != I_REQBLOCK) continue;
    if (blocks_find(c, it->name) >= 0) {
      diag_add(&c->dg, TIER_ERROR, &it->loc, _("requirements block '%s' is defined twice"), it->name);
      continue;
    }
    struct s_reqblock *b = &c->blocks[c->nblocks++];
    memset(b, 0, sizeof *b);
    b->name = it->name;
    b->n = it;
    for (struct node *p = it->a; p; p = p->next) b->nparams++;
    b->params = arena_alloc(&c->ar, sizeof *b->params * (size_t)(b->nparams + 1));
    b->ptypes = arena_alloc(&c->ar, sizeof *b->ptypes * (size_t)(b->nparams + 1));
    if (!b->params || !b->ptypes) {
      b->nparams = 0;
      continue;
    }
    int i = 0;
    for (struct node *p = it->a; p; p = p->next, i++) {
      for (int k = 0; k < i; k++)
        if (strcmp(b->params[k]->name, p->name) == 0)
          diag_add(&c->dg, TIER_ERROR, &p->loc, _("requirements block '%s' has two parameters named '%s'"), b->name, p->name);
      b->params[i] = p;
      b->ptypes[i] = sema_field_type(c, p);
    }
  }
}

/* ---- checking statements ---------------------------------------------------------------- */

/* What the statements being checked belong to. */
struct body {
  struct s_reqblock *blk;  /* a requirements block, or NULL */
  struct s_tier *owner;    /* a tier or badge, or NULL */
  const char *what;        /* "tier 'Gold'", for messages */
  int depth;               /* `either` and `at least` around the statements */
};

static void check_stmts(struct comp *c, struct node *list, struct body *x);
static void check_block(struct comp *c, struct s_reqblock *b);

/* How many items a list of statements makes once its blocks are inserted
 * (capped, since insertions multiply). */
static uint32_t count_items(const struct comp *c, const struct node *list) {
  uint64_t n = 0;
  for (const struct node *s = list; s; s = s->next) {
    if (s->kind == I_REQ || s->kind == I_EITHER || s->kind == I_ATLEAST) n++;
    else if (s->kind == I_INSERT && s->index >= 0) n += count_items(c, c->blocks[s->index].n->list);
    if (n > UINT32_MAX) return UINT32_MAX;
  }
  return (uint32_t)n;
}

/* Does a list of statements hold a requirement, a group or an insertion
 * (before any block is inserted)? */
static bool has_items(const struct node *list) {
  for (const struct node *s = list; s; s = s->next)
    if (s->kind == I_REQ || s->kind == I_INSERT || s->kind == I_EITHER || s->kind == I_ATLEAST) return true;
  return false;
}

/* The time clause of what is being checked: one per tier or badge, its
 * inserted blocks' included. */
static void set_time(struct comp *c, struct body *x, struct node *clause, const struct loc *at) {
  struct node **slot = x->blk ? &x->blk->time : x->owner ? &x->owner->time : NULL;
  if (!slot) return;
  if (*slot) {
    diag_add(&c->dg, TIER_ERROR, at, _("%s has two time clauses; a tier or badge has at most one"), x->what);
    return;
  }
  *slot = clause;
}

/* A time clause: its place, its unit and its N (tc_limit bounds the
 * checkpoints, daily ones above all). */
/* n of the unit u (day(s), month(s), year(s)) in whole months, for a
 * suggestion that is right as written: `sustained 1 year` is `sustained 12
 * months`, 90 days about 3 months (at least 1). */
static long long as_months(const char *u, long long n) {
  if (!strncmp(u, "year", 4)) return n * 12;
  if (!strncmp(u, "day", 3)) {
    long long m = n / 30 + (n % 30 >= 15);
    return m > 0 ? m : 1;
  }
  return n;
}

static void check_time(struct comp *c, struct node *s, struct body *x) {
  const char *u = s->name ? s->name : "";
  bool days = !strcmp(u, "day") || !strcmp(u, "days"), months = !strcmp(u, "month") || !strcmp(u, "months");
  if (x->depth > 0)
    diag_add(&c->dg, TIER_ERROR, &s->loc, _("a time clause applies to the whole tier or badge: write it outside `either` and `at least`"));
  else if (s->op == TC_SUSTAINED && !months)
    diag_add(&c->dg, TIER_ERROR, &s->loc2, _("sustained is counted in months: `sustained %lld months;`"), as_months(u, s->ival));
  else if (!months && !days)
    diag_add(&c->dg, TIER_ERROR, &s->loc2,
             _("a checkpoint window is counted in days, months or calendar months: `at any checkpoint within %lld months;`"),
             as_months(u, s->ival));
  else if (s->op == TC_ANY_CALMONTHS && days)
    diag_add(&c->dg, TIER_ERROR, &s->loc2, _("write `within %lld days` or `within %lld calendar months`"), (long long)s->ival,
             (long long)s->ival);
  else if (s->ival < 1 || s->ival > tc_limit(s->op))
    diag_add(&c->dg, TIER_ERROR, &s->locf,
             s->op == TC_SUSTAINED       ? _("sustained must be within 1 to %u months")
             : s->op == TC_ANY_DAYS      ? _("at any checkpoint must be within 1 to %u days")
             : s->op == TC_ANY_CALMONTHS ? _("at any checkpoint must be within 1 to %u calendar months")
                                         : _("at any checkpoint must be within 1 to %u months"),
             tc_limit(s->op));
  else
    set_time(c, x, s, &s->loc);
}

static struct scope req_scope(const struct body *x) {
  struct scope sc = {-1, true, true, _("a requirement"), x->blk, true};
  return sc;
}

/* NAME(args); naming a requirements block: check the arguments against its
 * parameters and make the statement an I_INSERT. */
static void check_insert(struct comp *c, struct node *s, int bi, struct body *x) {
  struct s_reqblock *b = &c->blocks[bi];
  struct node *call = s->a;
  b->used = true;
  s->kind = I_INSERT;
  s->index = bi;
  if (s->b)
    diag_add(&c->dg, TIER_ERROR, &s->b->loc,
             _("a label names one requirement, and '%s(...)' inserts a block of them: label the requirements inside it"), b->name);
  if (b->state == 1) {
    struct buf t = {.hook = c->hook};
    int from = 0;
    for (int i = 0; i < c->bsp; i++)
      if (c->bstack[i] == b) from = i;
    for (int i = from; i < c->bsp; i++) buf_printf(&t, "%s -> ", c->bstack[i]->name);
    buf_printf(&t, "%s", b->name);
    diag_add(&c->dg, TIER_ERROR, &call->loc, _("requirements blocks insert each other in a cycle: %s"), t.p ? (char *)t.p : "");
    buf_free(&t);
    s->index = -1;
    return;
  }
  if (b->state == 0) check_block(c, b);
  int nargs = 0;
  for (struct node *a = call->list; a; a = a->next) nargs++;
  if (nargs != b->nparams) {
    struct buf t = {.hook = c->hook};
    for (int i = 0; i < b->nparams; i++)
      buf_printf(&t, "%s%s: %s", i ? ", " : "", b->params[i]->name, sema_type_str(c, b->ptypes[i]));
    diag_add(&c->dg, TIER_ERROR, &call->loc,
             NG_("'%s' takes %d argument (%s), not %d", "'%s' takes %d arguments (%s), not %d", (unsigned long)b->nparams),
             b->name, b->nparams, t.p ? (char *)t.p : "", nargs);
    buf_free(&t);
    return;
  }
  struct scope sc = req_scope(x);
  int i = 0;
  for (struct node **pa = &call->list; *pa; pa = &(*pa)->next, i++) {
    struct node *next = (*pa)->next;
    const char *what = arena_printf(&c->ar, _("argument '%s' of '%s'"), b->params[i]->name, b->name);
    sema_pass(c, pa, &sc, b->ptypes[i], what);
    (*pa)->next = next;
  }
  if (b->time) {
    if (x->depth > 0)
      diag_add(&c->dg, TIER_ERROR, &call->loc,
               _("'%s' has a time clause, which applies to a whole tier or badge: insert it outside `either` and `at least`"),
               b->name);
    else
      set_time(c, x, b->time, &call->loc);
  }
}

/* A label as the rules write it, quoted once, \" \\ \n \t escaped inside
 * (out_json_str), so that no label ends the quote or the message's line. */
static const char *label_text(struct comp *c, const char *label) {
  struct buf t = {.hook = c->hook};
  out_json_str(&t, label, strlen(label));
  buf_u8(&t, 0);
  const char *q = t.failed ? NULL : arena_printf(&c->ar, "%s", (const char *)t.p);
  buf_free(&t);
  return q ? q : "\"?\"";
}

/* A statement's label, to tell branches apart in messages: a label
 * quoted, an unnamed branch by its place, unquoted. */
static const char *branch_name(struct comp *c, const struct node *br, int k) {
  return br->b ? label_text(c, br->b->str) : arena_printf(&c->ar, _("branch %d"), k);
}

/* The place K a label names when it reads "branch K" (K from 1, no sign,
 * no leading zero), the name results give an unnamed branch; else 0. */
static int place_named(const char *label) {
  if (strncmp(label, "branch ", 7) != 0 || label[7] < '1' || label[7] > '9') return 0;
  long k = 0;
  for (const char *p = label + 7; *p; p++) {
    if (*p < '0' || *p > '9' || k > 100000) return 0;
    k = k * 10 + (*p - '0');
  }
  return (int)k;
}

/* A label "branch K" where branch K of the same either has none: results,
 * JSON and CSV would name both "branch K" (brs[0 .. n): its branches). */
static void label_clash(struct comp *c, struct node **brs, int n) {
  for (int i = 0; i < n; i++) {
    int k = brs[i]->b ? place_named(brs[i]->b->str) : 0;
    if (k >= 1 && k <= n && !brs[k - 1]->b)
      diag_add(&c->dg, TIER_ERROR, &brs[i]->b->loc,
               _("this branch is labelled %s, the name results give branch %d of this `either`, which has no label: "
                 "label that one, or choose another label"),
               label_text(c, brs[i]->b->str), k);
  }
}

static void check_either(struct comp *c, struct node *s, struct body *x) {
  int n = 0;
  for (struct node *br = s->list; br; br = br->next) n++;
  struct node **brs = arena_alloc(&c->ar, sizeof *brs * ((size_t)n + 1));
  if (brs) {
    int i = 0;
    for (struct node *br = s->list; br; br = br->next) brs[i++] = br;
    label_clash(c, brs, n);
  }
  if (n < 2 && !sema_stmts_dropped_in(c, &s->span))
    diag_add(&c->dg, TIER_ERROR, &s->loc,
             _("`either` needs two or more branches: either \"A\" { ... } or \"B\" { ... }"));
  int k = 1;
  x->depth++;
  for (struct node *br = s->list; br; br = br->next, k++) {
    for (struct node *o = s->list; o != br; o = o->next)
      if (o->b && br->b && strcmp(o->b->str, br->b->str) == 0)
        diag_add(&c->dg, TIER_ERROR, &br->b->loc, _("two branches of this `either` are called %s"), label_text(c, br->b->str));
    check_stmts(c, br->list, x);
    if (!has_items(br->list) && !sema_stmts_dropped_in(c, &br->span))
      diag_add(&c->dg, TIER_ERROR, &br->loc, _("%s of this `either` has no requirements (it would always hold)"),
               branch_name(c, br, k));
  }
  x->depth--;
}

static void check_atleast(struct comp *c, struct node *s, struct body *x) {
  x->depth++;
  check_stmts(c, s->list, x);
  x->depth--;
  uint32_t m = count_items(c, s->list);
  if (!has_items(s->list)) {
    if (!sema_stmts_dropped_in(c, &s->span)) /* else its requirements are what the parser skipped */
      diag_add(&c->dg, TIER_ERROR, &s->loc, _("`at least %lld of { }` has no requirements"), (long long)s->ival);
  } else if (m > 0 && (s->ival < 1 || (uint64_t)s->ival > m) && !sema_stmts_dropped_in(c, &s->span)) /* 0: an insertion failed */
    diag_add(&c->dg, TIER_ERROR, &s->locf, _("`at least %lld of` a group of %u: the number must be from 1 to %u"),
             (long long)s->ival, m, m);
}

static void check_stmts(struct comp *c, struct node *list, struct body *x) {
  for (struct node *s = list; s; s = s->next) {
    switch (s->kind) {
    case I_REQ: {
      int bi = s->a && s->a->kind == N_CALL ? blocks_find(c, s->a->name) : -1;
      if (bi >= 0) {
        check_insert(c, s, bi, x);
      } else {
        struct scope sc = req_scope(x);
        sema_check_bool(c, s->a, &sc, _("a requirement"));
      }
      break;
    }
    case I_TIME: check_time(c, s, x); break;
    case I_EITHER:
    case I_ATLEAST:
      if (x->depth >= LIM_GROUP_DEPTH) {
        diag_add(&c->dg, TIER_ERROR, &s->loc, _("`either` and `at least` are nested more than %d deep"), LIM_GROUP_DEPTH);
        break;
      }
      if (s->kind == I_EITHER) check_either(c, s, x);
      else check_atleast(c, s, x);
      break;
    default: break; /* sections */
    }
  }
}

static void check_block(struct comp *c, struct s_reqblock *b) {
  if (c->bsp >= LIM_BLOCK_CHAIN) {
    diag_add(&c->dg, TIER_ERROR, &b->n->loc,
             _("requirements block '%s' sits at the end of a chain of more than %d blocks each inserting the next"), b->name,
             LIM_BLOCK_CHAIN);
    b->state = 2;
    return;
  }
  if (!c->bstack) c->bstack = arena_alloc(&c->ar, sizeof *c->bstack * LIM_BLOCK_CHAIN);
  if (!c->bstack) return;
  c->bstack[c->bsp++] = b;
  b->state = 1;
  struct body x = {b, NULL, arena_printf(&c->ar, _("requirements block '%s'"), b->name), 0};
  check_stmts(c, b->n->list, &x);
  if (!has_items(b->n->list) && !b->time && !sema_stmts_dropped_in(c, &b->n->span))
    diag_add(&c->dg, TIER_ERROR, &b->n->loc, _("requirements block '%s' has no requirements"), b->name);
  c->bsp--;
  b->state = 2;
}

void blocks_check(struct comp *c) {
  for (int i = 0; i < c->nblocks; i++)
    if (c->blocks[i].state == 0) check_block(c, &c->blocks[i]);
}

void blocks_warn_unused(struct comp *c) {
  for (int i = 0; i < c->nblocks && !c->syntax_errors; i++)
    if (!c->blocks[i].used)
      diag_add(&c->dg, TIER_WARNING, &c->blocks[i].n->loc, _("requirements block '%s' is not inserted anywhere"),
               c->blocks[i].name);
}

void blocks_check_body(struct comp *c, struct s_tier *t) {
  bool badge = t->ptype < 0 && t->n->kind == I_BADGE;
  struct body x = {NULL, t, arena_printf(&c->ar, badge ? _("badge '%s'") : _("tier '%s'"), t->n->name), 0};
  check_stmts(c, t->n->list, &x);
}

/* ---- inserting ------------------------------------------------------------------------------ */

/* The arguments a block is inserted with, already free of the inserting
 * block's own parameters. */
struct env {
  struct node **args;
  int nargs;
};

struct expander {
  struct comp *c;
  const char *what;  /* the tier or badge, for the one message about size */
  bool failed;       /* over a limit: reported once */
};

static struct node *new_copy(struct expander *ex, const struct node *n) {
  if (ex->failed) return NULL;
  if (++ex->c->expanded > LIM_EXPANDED) {
    diag_add(&ex->c->dg, TIER_ERROR, &n->loc,
             _("inserting requirements blocks makes more than %d rules and expressions (in %s); the limit is %d"),
             LIM_EXPANDED, ex->what, LIM_EXPANDED);
    ex->failed = true;
    return NULL;
  }
  struct node *m = arena_alloc(&ex->c->ar, sizeof *m);
  if (!m) {
    ex->failed = true;
    return NULL;
  }
  *m = *n;
  m->next = m->tail = NULL;
  return m;
}

static uint32_t dep(const struct node *x) { return x ? x->depth : 0; }

/* The nesting of node n were its children a, b, c and arguments `list`
 * (ast.c): a link of a chain nests no deeper than the chain before it, a
 * conversion not at all. */
static uint32_t nesting(const struct node *n, const struct node *a, const struct node *b, const struct node *c,
                        const struct node *list) {
  if (n->kind == N_CONV) return dep(a);
  if (n->kind == N_BIN) {
    uint32_t da = a && a->kind == N_BIN && !a->parens ? a->depth : dep(a) + 1;
    return da > dep(b) + 1 ? da : dep(b) + 1;
  }
  uint32_t d = dep(a) > dep(b) ? dep(a) : dep(b);
  if (dep(c) > d) d = dep(c);
  for (const struct node *k = n->kind == N_CALL ? list : NULL; k; k = k->next)
    if (k->depth > d) d = k->depth;
  return d + 1;
}

/* n with its children a, b, c and its arguments `list` as given: n itself
 * when none changed, else a copy whose depth is recomputed (what its own
 * parentheses add is kept), since an argument may nest deeper than the
 * name it replaces. */
static struct node *rebuild(struct expander *ex, struct node *n, struct node *a, struct node *b, struct node *c,
                            struct node *list) {
  if (a == n->a && b == n->b && c == n->c && list == n->list) return n;
  struct node *m = new_copy(ex, n);
  if (!m) return n;
  uint32_t own = nesting(n, n->a, n->b, n->c, n->list), was = n->depth > own ? n->depth - own : 0;
  m->a = a;
  m->b = b;
  m->c = c;
  m->list = list;
  m->arg = (uint8_t)((m->arg & ARG_IS) | ARG_HOLDS); /* a child changed: a parameter under it was replaced */
  m->depth = nesting(m, a, b, c, list) + was;
  if (m->depth > LIM_DEPTH) {
    diag_add(&ex->c->dg, TIER_ERROR, &n->loc,
             _("with its arguments inserted, this expression is nested too deeply (the limit is %d levels)"), LIM_DEPTH);
    ex->failed = true;
  }
  return m;
}

/* A call's arguments with the parameters replaced: the list itself when
 * none changed, else a list of copies (the arguments are linked through
 * `next`). */
static struct node *subst(struct expander *ex, struct node *n, const struct env *e);
static struct node *subst_args(struct expander *ex, struct node *list, const struct env *e) {
  int na = 0;
  for (struct node *x = list; x; x = x->next) na++;
  struct node **args = na ? arena_alloc(&ex->c->ar, sizeof *args * (size_t)na) : NULL;
  if (na && !args) {
    ex->failed = true;
    return list;
  }
  bool changed = false;
  int i = 0;
  for (struct node *x = list; x; x = x->next, i++) changed |= (args[i] = subst(ex, x, e)) != x;
  if (!changed) return list;
  struct node *out = NULL;
  for (i = 0; i < na; i++) {
    struct node *y = new_copy(ex, args[i]);
    if (!y) return list;
    out = ast_append(out, y);
  }
  return out;
}

/* m (n itself, or already its copy) standing for def (defs.c: a formula's
 * argument or expansion), copied if need be. */
static struct node *with_def(struct expander *ex, const struct node *n, struct node *m, struct node *def) {
  if (def == m->def) return m;
  if (m == n && !(m = new_copy(ex, n))) return (struct node *)n;
  m->def = def;
  m->arg |= ARG_HOLDS;
  return m;
}

/* A copy of argument n where its parameter stands, each node counted
 * (new_copy: LIM_EXPANDED).  Were the argument itself put there, blocks
 * that each pass `x + x` to the next would make a requirement that is a
 * graph of a few nodes per block but a tree of 2^depth nodes to every pass
 * that walks it (the checks, the rule's text, the code): 28 such blocks
 * kept the compiler busy until the kernel killed it at 24 GB.  Copied, the
 * tree is what is counted, and the limit says so at the 200,000th node.
 * (ast_copy walks a chain along its left spine in a loop.) */
static struct node *copy_node(void *ex, const struct node *k) { return new_copy(ex, k); }
static struct node *copy_arg(struct expander *ex, const struct node *n) {
  struct node *m = ast_copy(n, copy_node, ex);
  if (!m) return (struct node *)n;
  m->arg |= ARG_IS; /* (an argument made of an outer one keeps its ARG_HOLDS) */
  return m;
}

/* n with every parameter replaced by its argument: n itself when it uses
 * none, else a copy of the parts that do.  A chain (a + b + c, as long as
 * the source makes it) is walked along its left spine in a loop, as every
 * pass does (ast_spine); recursion goes only as deep as the nesting. */
static struct node *subst(struct expander *ex, struct node *n, const struct env *e) {
  if (!n || ex->failed) return n;
  if (n->kind == N_NAME && n->ref == R_PARAM) return n->index < e->nargs ? copy_arg(ex, e->args[n->index]) : n;
  if (n->kind == N_NAME && n->ref == R_ARG) return with_def(ex, n, n, subst(ex, n->def, e));
  if (n->kind == N_BIN || n->kind == N_CONV) {
    size_t len;
    struct node **spine = ast_spine(&ex->c->ar, n, &len);
    if (!spine) {
      ex->failed = true;
      return n;
    }
    struct node *x = subst(ex, spine[len - 1]->a, e); /* the first operand: not a link */
    for (size_t i = len; i-- > 0 && !ex->failed;) {
      struct node *k = spine[i];
      x = rebuild(ex, k, x, subst(ex, k->b, e), subst(ex, k->c, e), k->list);
    }
    return ex->failed ? n : x;
  }
  struct node *list = n->kind == N_CALL ? subst_args(ex, n->list, e) : n->list;
  struct node *m = rebuild(ex, n, subst(ex, n->a, e), subst(ex, n->b, e), subst(ex, n->c, e), list);
  return n->kind == N_CALL && n->ref == R_FORMULA ? with_def(ex, n, m, subst(ex, n->def, e)) : m;
}

static struct node *expand_list(struct expander *ex, const struct node *list, const struct env *e, const char *section);

/* The statements of block b inserted by call (whose arguments are in the
 * inserting block's terms, env e). */
static struct node *expand_insert(struct expander *ex, const struct node *s, const struct env *e, const char *section) {
  const struct s_reqblock *b = &ex->c->blocks[s->index];
  struct env inner = {arena_alloc(&ex->c->ar, sizeof(struct node *) * (size_t)(b->nparams + 1)), b->nparams};
  if (!inner.args) {
    ex->failed = true;
    return NULL;
  }
  int i = 0;
  for (struct node *a = s->a->list; a && i < b->nparams; a = a->next) inner.args[i++] = subst(ex, a, e);
  return expand_list(ex, b->n->list, &inner, section);
}

static struct node *expand_list(struct expander *ex, const struct node *list, const struct env *e, const char *section) {
  struct node *out = NULL;
  for (const struct node *s = list; s && !ex->failed; s = s->next) {
    struct node *m = NULL;
    switch (s->kind) {
    case I_SECTION: section = s->name; continue;
    case I_REQ:
      if ((m = new_copy(ex, s))) {
        m->a = subst(ex, s->a, e);
        m->name2 = section;
      }
      break;
    case I_EITHER:
      if ((m = new_copy(ex, s))) {
        m->name2 = section;
        m->list = NULL;
        for (const struct node *br = s->list; br; br = br->next) {
          struct node *nb = new_copy(ex, br);
          if (!nb) break;
          nb->name2 = section;
          nb->list = expand_list(ex, br->list, e, section); /* a section inside a branch ends with it */
          m->list = ast_append(m->list, nb);
        }
      }
      break;
    case I_ATLEAST:
      if ((m = new_copy(ex, s))) {
        m->name2 = section;
        m->list = expand_list(ex, s->list, e, section);
      }
      break;
    case I_INSERT: {
      struct node *sub = expand_insert(ex, s, e, section);
      for (struct node *k = sub, *next; k; k = next) {
        next = k->next;
        k->next = k->tail = NULL;
        out = ast_append(out, k);
      }
      continue;
    }
    default: continue; /* time clauses are the tier's or badge's (set_time) */
    }
    out = ast_append(out, m);
  }
  return out;
}

static void number_list(struct node *list, int32_t *q) {
  for (struct node *s = list; s; s = s->next) {
    if (s->kind == I_REQ) s->index = (*q)++;
    else number_list(s->list, q);
  }
}

void blocks_number_reqs(struct comp *c) {
  int32_t q = 0;
  for (int t = 0; t < c->ntiers; t++) number_list(c->tiers[t].n->list, &q);
  for (int t = 0; t < c->nbadges; t++) number_list(c->badges[t].n->list, &q);
}

void blocks_expand(struct comp *c, struct s_tier *t) {
  struct expander ex = {c, arena_printf(&c->ar, t->ptype < 0 ? _("badge '%s'") : _("tier '%s'"), t->n->name), false};
  struct env none = {NULL, 0};
  t->written = t->n->list;
  struct node *body = expand_list(&ex, t->n->list, &none, NULL);
  if (!ex.failed) t->n->list = body;
}
