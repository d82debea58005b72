/*
 * ast.c - node constructors for the parser's actions.  Every constructor
 * bounds the nesting depth: past LIM_DEPTH it reports one error and returns
 * a child instead of a new parent, so that no later pass (all of which
 * recurse over expressions) can meet a tree deeper than the limit.
 */
#include "ast.h"

struct node *ast_new(struct parser *ps, int kind, const struct loc *l) {
  struct node *n = arena_alloc(ps->ar, sizeof *n);
  if (!n) return NULL;
  n->kind = (uint8_t)kind;
  n->loc = *l;
  n->depth = 1;
  n->index = -1;
  n->list = NULL;
  return n;
}

static bool too_deep(struct parser *ps, uint32_t depth, const struct loc *l) {
  if (depth <= LIM_DEPTH) return false;
  if (!ps->depth_reported)
    diag_add(ps->dg, TIER_ERROR, l, "expression is nested too deeply (the limit is %d levels)", LIM_DEPTH);
  ps->depth_reported = true;
  return true;
}

struct node *ast_bin(struct parser *ps, int op, struct node *a, struct node *b, const struct loc *l) {
  if (!a || !b) return a ? a : b;
  uint32_t d = (a->depth > b->depth ? a->depth : b->depth) + 1;
  if (too_deep(ps, d, l)) return a->depth <= b->depth ? a : b;
  struct node *n = ast_new(ps, N_BIN, l);
  if (!n) return a;
  n->op = (uint8_t)op;
  n->a = a;
  n->b = b;
  n->depth = d;
  return n;
}

/* kind 0 stands for parentheses: no node, but one more level of nesting */
struct node *ast_un(struct parser *ps, int kind, struct node *a, const struct loc *l) {
  uint32_t d = (a ? a->depth : 0) + 1;
  if (too_deep(ps, d, l)) return a;
  if (kind == 0) {
    if (a) a->depth = d;
    return a;
  }
  struct node *n = ast_new(ps, kind, l);
  if (!n) return a;
  n->a = a;
  n->depth = d;
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
