/*
 * ast.c - node constructors for the parser's actions.  Every constructor
 * bounds the nesting depth: past LIM_DEPTH it reports one error and returns
 * a child instead of a new parent, so that no later pass (all of which
 * recurse over expressions) can meet a tree deeper than the limit.
 *
 * A chain of left-associative operators, a + b + c or p and q and r, is
 * the left spine of binary nodes, as long as the source makes it: it is
 * length, not nesting.  Its links cost no depth, and every pass walks a
 * chain with a loop over ast_spine() instead of recursing down the spine
 * (docs/design-notes.md).
 */
#include "ast.h"

const char ast_tier_type[] = "tier";

struct node *ast_new(struct parser *ps, int kind, const struct loc *l) {
  struct node *n = arena_alloc(ps->ar, sizeof *n);
  if (!n) return NULL;
  n->kind = (uint8_t)kind;
  n->loc = *l;
  n->span = *l;
  n->depth = 1;
  n->index = -1;
  n->list = NULL;
  return n;
}

static bool too_deep(struct parser *ps, uint32_t depth, const struct loc *l) {
  if (depth <= LIM_DEPTH) return false;
  if (!ps->depth_reported)
    diag_add(ps->dg, TIER_ERROR, l, _("expression is nested too deeply (the limit is %d levels)"), LIM_DEPTH);
  ps->depth_reported = true;
  return true;
}

/* Does a binary node with left operand a continue a's chain rather than
 * nest it?  Parentheses make it nesting: `(a + b) + c` is written so. */
static bool continues_chain(const struct node *a) { return a->kind == N_BIN && !a->parens; }

struct node *ast_bin(struct parser *ps, int op, struct node *a, struct node *b, const struct loc *l) {
  if (!a || !b) return a ? a : b;
  uint32_t da = continues_chain(a) ? a->depth : a->depth + 1;
  uint32_t d = da > b->depth + 1 ? da : b->depth + 1;
  if (too_deep(ps, d, l)) return a->depth <= b->depth ? a : b;
  struct node *n = ast_new(ps, N_BIN, l);
  if (!n) return a;
  n->op = (uint8_t)op;
  n->a = a;
  n->b = b;
  n->depth = d;
  return n;
}

/* if a then b else c: nesting in each of the three, the `else` included (an
 * `else if` ladder is nested, and bounded, like any other nesting) */
struct node *ast_if(struct parser *ps, struct node *a, struct node *b, struct node *c, const struct loc *l) {
  if (!a || !b || !c) return a ? a : b ? b : c;
  uint32_t d = a->depth > b->depth ? a->depth : b->depth;
  d = (c->depth > d ? c->depth : d) + 1;
  if (too_deep(ps, d, l)) return c;
  struct node *n = ast_new(ps, N_IF, l);
  if (!n) return a;
  n->a = a;
  n->b = b;
  n->c = c;
  n->depth = d;
  return n;
}

/* kind 0 stands for parentheses: no node, but one more level of nesting,
 * counted on the node inside (ast.h says why) */
struct node *ast_un(struct parser *ps, int kind, struct node *a, const struct loc *l) {
  uint32_t d = (a ? a->depth : 0) + 1;
  if (too_deep(ps, d, l)) return a;
  if (kind == 0) {
    if (a) {
      a->depth = d;
      a->parens++;
      a->span = *l;
    }
    return a;
  }
  struct node *n = ast_new(ps, kind, l);
  if (!n) return a;
  n->a = a;
  n->depth = d;
  return n;
}

/* A node of `kind` over a and b (not a chain): one level deeper than the
 * deeper of them. */
struct node *ast_pair(struct parser *ps, int kind, struct node *a, struct node *b, const struct loc *l) {
  if (!a || !b) return a ? a : b;
  uint32_t d = (a->depth > b->depth ? a->depth : b->depth) + 1;
  if (too_deep(ps, d, l)) return a->depth <= b->depth ? a : b;
  struct node *n = ast_new(ps, kind, l);
  if (!n) return a;
  n->a = a;
  n->b = b;
  n->depth = d;
  return n;
}

/* NAME(args): one level deeper than its deepest argument. */
struct node *ast_call(struct parser *ps, const char *name, const struct loc *name_loc, struct node *args,
                      const struct loc *l) {
  uint32_t d = 0;
  for (struct node *a = args; a; a = a->next)
    if (a->depth > d) d = a->depth;
  if (too_deep(ps, d + 1, l)) return args;
  struct node *n = ast_new(ps, N_CALL, l);
  if (!n) return args; /* (NULL for a call without arguments, as for a syntax error) */
  n->name = name;
  n->loc2 = *name_loc;
  n->list = args;
  n->depth = d + 1;
  return n;
}

/* An aggregate: one level deeper than its value and its filter.  val is
 * what it takes from each item (NULL for count, any and all): a bare name
 * is kept as the node's name (a field or item metric), anything else -- an
 * expression in parentheses -- as b (ast.h). */
struct node *ast_agg(struct parser *ps, int op, struct node *val, struct node *where, const struct loc *l) {
  uint32_t d = where ? where->depth : 0;
  if (val && val->depth > d) d = val->depth;
  if (too_deep(ps, d + 1, l)) return where ? where : val;
  struct node *n = ast_new(ps, N_AGG, l);
  if (!n) return where ? where : val;
  n->op = (uint8_t)op;
  n->a = where;
  n->depth = d + 1;
  if (val && val->kind == N_NAME && !val->parens) {
    n->name = val->name;
    n->locf = val->loc;
  } else if (val) {
    n->b = val;
    n->locf = val->span;
  }
  return n;
}

struct node *ast_append(struct node *list, struct node *n) {
  if (!n) return list;
  if (!list) { n->tail = n; return n; }
  struct node *t = list->tail ? list->tail : list;
  t->next = n;
  list->tail = n;
  return list;
}

/* A copy of the tree n, each node made by clone(ctx, node) (which
 * allocates it, counts it against a limit, binds a parameter in it: NULL
 * when it cannot), its children copied in turn; NULL when a clone failed.
 * A chain (a + b + c, as long as the source makes it) is copied along its
 * left spine in a loop, so that recursion goes only as deep as the
 * nesting.  Formula expansion (defs.c) and block arguments (blocks.c). */
struct node *ast_copy(const struct node *n, struct node *(*clone)(void *ctx, const struct node *k), void *ctx) {
  struct node *head = NULL, **slot = &head;
  for (const struct node *k = n; k;) {
    struct node *m = clone(ctx, k);
    if (!m) return NULL;
    *slot = m;
    if ((k->b && !(m->b = ast_copy(k->b, clone, ctx))) || (k->c && !(m->c = ast_copy(k->c, clone, ctx)))) return NULL;
    if (k->kind == N_CALL) {
      m->list = NULL;
      for (const struct node *a = k->list; a; a = a->next) {
        struct node *y = ast_copy(a, clone, ctx);
        if (!y) return NULL;
        m->list = ast_append(m->list, y);
      }
    }
    if (k->kind != N_BIN) {
      if (k->a && !(m->a = ast_copy(k->a, clone, ctx))) return NULL;
      break;
    }
    slot = &m->a;
    k = k->a;
  }
  return head;
}

/* ---- trivia (ast.h) ------------------------------------------------------------ */

/* Make room for one more element in *p (n used of *cap, each sz bytes),
 * through the allocator hook; false (and tv->failed) when out of memory. */
static bool trivia_grow(struct trivia *tv, void **p, uint32_t n, uint32_t *cap, size_t sz) {
  if (tv->failed) return false;
  if (n < *cap) return true;
  uint32_t nc = *cap ? *cap * 2 : 256;
  void *q = nc > *cap ? t_realloc(tv->hook, *p, (size_t)*cap * sz, (size_t)nc * sz) : NULL;
  if (!q) {
    tv->failed = true;
    return false;
  }
  *p = q;
  *cap = nc;
  return true;
}

static uint8_t trivia_lines(uint32_t nl) { return nl > 255 ? 255 : (uint8_t)nl; }

/* white space between tokens: only its line ends count */
void trivia_space(struct trivia *tv, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) tv->nl += s[i] == '\n';
}

void trivia_comment(struct trivia *tv, const char *s, uint32_t beg, size_t n) {
  while (n > 1 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
  bool trailing = tv->nl == 0 && (tv->ntok > 0 || tv->ncom > 0);
  if (!trivia_grow(tv, (void **)&tv->com, tv->ncom, &tv->capcom, sizeof *tv->com)) return;
  tv->com[tv->ncom] = (struct triv_com){beg, (uint32_t)n, tv->ntok, trivia_lines(tv->nl), trailing};
  tv->ncom++;
  tv->nl = 0;
}

void trivia_token(struct trivia *tv, int kind, uint32_t beg, uint32_t end) {
  if (!trivia_grow(tv, (void **)&tv->tok, tv->ntok, &tv->captok, sizeof *tv->tok)) return;
  tv->tok[tv->ntok] = (struct triv_tok){beg, end - beg, kind, trivia_lines(tv->nl)};
  tv->ntok++;
  tv->nl = 0;
}

void trivia_free(struct trivia *tv) {
  t_free(tv->hook, tv->tok, (size_t)tv->captok * sizeof *tv->tok);
  t_free(tv->hook, tv->com, (size_t)tv->capcom * sizeof *tv->com);
  tv->tok = NULL;
  tv->com = NULL;
  tv->ntok = tv->captok = tv->ncom = tv->capcom = 0;
}

/* ---- chains ------------------------------------------------------------------ */

/* Is n a link of a chain's spine: a binary node, or a conversion sema put
 * between two links? */
static bool on_spine(const struct node *n) { return n && (n->kind == N_BIN || n->kind == N_CONV); }

struct node **ast_spine(struct arena *ar, const struct node *n, size_t *len) {
  size_t k = 0;
  for (const struct node *x = n; on_spine(x); x = x->a) k++;
  struct node **s = k && k <= SIZE_MAX / sizeof *s ? arena_alloc(ar, k * sizeof *s) : NULL;
  *len = s ? k : 0;
  if (!s) return NULL;
  size_t i = 0;
  for (const struct node *x = n; i < k; x = x->a) s[i++] = (struct node *)x; /* the nodes are the arena's */
  return s;
}
