/*
 * compile.h - the compiler's state between passes: the items of every file
 * (imports first), and the symbol tables that sema fills and codegen reads.
 */
#ifndef TIER_COMPILE_H
#define TIER_COMPILE_H

#include "ast.h"

struct s_enum { const char *name; struct node *n; uint32_t nvals; const char **vals; };
struct s_field {
  const char *name;
  struct node *n;
  struct type ty;
  int owner;            /* -1 top level, else list index */
  int slot;
  uint8_t flags;        /* FF_* */
};
struct s_list { int field; int width; };
struct s_metric {
  const char *name;
  struct node *n;       /* I_METRIC */
  struct type ty;
  int list;             /* -1: a record metric (a register); else an item metric */
  int state;            /* 0 new, 1 being typed, 2 done */
  int reg;              /* register, for record metrics */
  bool used;
};
struct s_tier {
  struct node *n;
  int ptype;            /* enum ordinal */
  int sustained;
  struct node *sustained_node;
};

struct comp {
  struct arena ar;
  struct diags dg;
  const struct tier_alloc_hook *hook;
  size_t max_source;
  const char **roots; int nroots; /* directories (canonical) whose trees imports may come from */
  struct node *items, *last;

  struct node *ruleset, *review, *effective;
  struct s_enum *enums; int nenums;
  struct s_field *fields; int nfields;
  struct s_list *lists; int nlists;
  int ntop;
  int partner_field, id_field;
  struct s_metric *metrics; int nmetrics;
  int nregs;
  int *metric_order; int norder;  /* record metrics in dependency order */
  int *mstack; int msp, mcap;     /* metrics being typed, for cycles (at most LIM_METRIC_CHAIN) */
  struct s_tier *tiers; int ntiers;
  uint8_t src_hash[32];
  unsigned syntax_errors;         /* items dropped by the parser: names may be missing */
};

/* compile.c: read, parse and type-check (see there); then comp_free(c) */
int comp_front(struct comp *c, const char *path, const char *text, size_t textlen, const tier_options *opt,
               const struct tier_alloc_hook *hook);
void comp_free(struct comp *c);

void sema_run(struct comp *c);
void lint_run(struct comp *c);
struct image *cg_run(struct comp *c);
int sema_find_metric(const struct comp *c, const char *name, int list);

#endif
