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
  const char *key;      /* its key in the records' JSON (`n "count": int;`): the name when not given */
};
struct s_list {
  int field;            /* the list's field: of the record, or of the parent list's items */
  int width;            /* slots of one item */
  int parent;           /* -1 for a list of the record, else the list whose items hold it */
  int depth;            /* 0 for a list of the record, 1 inside one, 2 inside that */
};
struct s_metric {
  const char *name;
  struct node *n;       /* I_METRIC */
  struct type ty;
  int list;             /* -1: a record metric (a register); else an item metric */
  int state;            /* 0 new, 1 being typed, 2 done */
  int reg;              /* register, for record metrics */
  bool used;
  /* an item metric: the nodes of its expression with the item metrics it
     names written out, as codegen inlines it (LIM_EXPANDED + 1 at most) */
  uint32_t inlined;
};
/* A tier or a badge.  After sema, n->list is the block's statements with
 * every requirements block inserted (blocks.c): I_REQ, I_EITHER of I_BRANCH
 * and I_ATLEAST, each with name2 = the section it stands under; no
 * section headings, insertions or time clauses. */
struct s_tier {
  struct node *n;
  int ptype;            /* enum ordinal; -1 for a badge */
  struct node *time;     /* its time clause (I_TIME, op = TC_*), NULL if none */
  struct node *written;  /* its statements as written, insertions kept (blocks_expand; lint) */
};
/* A `requirements NAME(PARAMS) < ... >` block (blocks.c). */
struct s_reqblock {
  const char *name;
  struct node *n;       /* I_REQBLOCK */
  struct node **params; /* its I_PARAM nodes */
  struct type *ptypes;  /* and their types */
  int nparams;
  int state;            /* 0 unchecked, 1 being checked, 2 checked */
  bool used;
  struct node *time;    /* its time clause, NULL if none */
};

/* Named values (defs.c): consts, tables, formulas. */
struct s_const {
  const char *name;
  struct node *n;
  struct type ty;
  const struct node *use; /* its first use (a name, its def the literal as that use converts it), or NULL */
};
struct s_table {
  const char *name;
  struct node *n;       /* I_TABLE; its I_ENTRY list, the enum keys' ordinals in a->ival */
  struct type key, val;
  struct node *dflt;    /* the `default` entry, or NULL */
  bool used;
};
struct s_formula {
  const char *name;
  struct node *n;       /* I_FORMULA: a = parameters, b = the body (never checked itself) */
  struct node **params; /* its I_PARAM nodes */
  struct type *ptypes;
  int nparams;
  bool used, cycle;     /* cycle: reported */
};

/* A tier or badge item as found by name (symtab.c: SYM_TIER, SYM_DISPLAY,
 * SYM_BADGE): its node, and for a tier its partner type (-1 when unknown;
 * -1 for a badge). */
struct s_item {
  struct node *n;
  int ptype;
};

struct comp {
  struct arena ar;
  struct diags dg;
  const struct tier_alloc_hook *hook;
  size_t max_source;
  const char **roots; int nroots; /* directories (canonical) whose trees imports may come from */
  struct node *items, *last;

  struct node *ruleset, *review, *effective;
  struct node *fiscal;            /* `fiscal year starts in MONTH;`, or NULL */
  int fiscal_month;               /* its month, 1-12; 0 when not given or unknown */
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
  struct s_tier *badges; int nbadges;
  /* the tier and the badge items in source order, for lookups by name
     before they are checked (a reference may name a later one); tiers are
     checked in this order, so tier_items[i] becomes tiers[i] */
  struct s_item *tier_items;
  int ntier_items;
  struct s_item *badge_items;
  int nbadge_items;
  struct s_reqblock *blocks; int nblocks;
  struct s_reqblock **bstack; int bsp; /* blocks being checked, for cycles */
  /* nodes made by inserting blocks, expanding formulas and writing out item
     metrics where they are used (LIM_EXPANDED) */
  uint32_t expanded;
  struct s_const *consts; int nconsts;
  struct s_table *tables; int ntables;
  struct s_formula *formulas; int nformulas;
  int fstack[LIM_FORMULA_NESTING]; int fsp; /* formulas being expanded, innermost last */
  int *order;                     /* the blocks (tiers, then badges) in evaluation order (refs.c) */
  struct node **grants; int ngrants; /* I_GRANT items, checked: index = the tier granted */
  int tier_types;                    /* partner types that have tiers, 0 until counted (sema_tier_types) */
  uint8_t src_hash[32];
  unsigned syntax_errors;         /* errors before sema (the parser's, an import's) */
  struct dropped drops;           /* what the parser skipped after them (ast.h) */
  unsigned failed_imports;        /* imports not read: their names are missing, sema does not run */
  struct symtab *sym;             /* the names above, hashed (symtab.c); made by the first lookup */
};

/* compile.c: read, parse and type-check (see there); then comp_free(c) */
int comp_front(struct comp *c, const char *path, const char *text, size_t textlen, const tier_options *opt,
               const struct tier_alloc_hook *hook);
void comp_free(struct comp *c);

void sema_run(struct comp *c);
/* After a syntax error: may a declaration of one of these kinds (DROP_*,
 * ast.h) be missing because the parser skipped it?  Did it skip a
 * statement inside span?  A check that only such a skip could fail is
 * left out (follow-on errors). */
bool sema_dropped(const struct comp *c, unsigned kinds);
bool sema_stmts_dropped_in(const struct comp *c, const struct loc *span);
/* what a bare name may be declared by: a field, an enum value, a metric, a const */
#define DROP_NAMES (DROP_FIELD | DROP_RECORD | DROP_ENUM | DROP_METRIC | DROP_CONST)

/* sema.c, for blocks.c: a scope and the type checks of expressions */
struct scope {
  int list;          /* -1 top level, else the list whose items are in scope */
  bool allow_asof;
  bool allow_metrics;
  const char *what;  /* "the review rule" ... for messages */
  const struct s_reqblock *blk; /* a requirements block: its parameters are in scope */
  bool refs;         /* `holds T` and `meets T` may stand here (a requirement) */
};
struct type sema_check(struct comp *c, struct node *n, const struct scope *sc);
struct type sema_check_bool(struct comp *c, struct node *n, const struct scope *sc, const char *what);
struct type sema_field_type(struct comp *c, struct node *f); /* I_FIELD or I_PARAM: name2, neg */
bool sema_pass(struct comp *c, struct node **pn, const struct scope *sc, struct type to,
               const char *what); /* an argument for a parameter */
const char *sema_type_str(struct comp *c, struct type t);
const char *sema_suggest(struct comp *c, struct suggest *s);
int sema_enum_value(struct comp *c, int e, const char *name);
int sema_tier_types(struct comp *c); /* partner types that have tiers (the items', before check_tier) */

/* blocks.c: requirements blocks, either, at least, badges' and tiers' bodies */
void blocks_declare(struct comp *c);          /* every I_REQBLOCK item */
void blocks_check(struct comp *c);            /* type-check each block once */
void blocks_warn_unused(struct comp *c);      /* after the tiers and badges are checked */
void blocks_check_body(struct comp *c, struct s_tier *t); /* a tier's or badge's statements */
void blocks_expand(struct comp *c, struct s_tier *t);     /* insert its blocks (no errors before) */
/* After every block is expanded: each I_REQ's index is its requirement's
 * in the compiled file (tiers, then badges, each block's in the order
 * written), the one numbering codegen (gen_reqs) and the reference
 * interpreter (tests/ref) both read. */
void blocks_number_reqs(struct comp *c);
int blocks_find(struct comp *c, const char *name);

/* Append to a table of the compilation (an arena array doubled on powers
 * of two); when memory runs out the table becomes empty (never NULL with a
 * count), so that every later loop over it stays safe. */
void *comp_grow(struct comp *c, void *p, int n, size_t elem);
#define PUSH(arr, cnt) \
  ((arr) = comp_grow(c, (arr), (cnt), sizeof *(arr)), (arr) ? &(arr)[(cnt)++] : ((cnt) = 0, NULL))

/* The start of a "did you mean" search for an error of c: one that tries
 * nothing once the error list is full (LIM_ERRORS), since the error will
 * not be shown.  A scan of every name for each of 8,000 unknown names took
 * 16 s to check; 100 are listed. */
#define SUGGEST(c) \
  { .off = (c)->dg.nerrors >= LIM_ERRORS }

/* symtab.c: the index of entry `name` among the enums, fields, metrics,
 * consts, formulas, tables, requirements blocks, tier items (by name or by
 * display name) or badge items (a field's or metric's owner: its list, -1
 * for the record; a tier's: its partner type; the other kinds have none),
 * the first declared if there are several; -1 if none.  O(1): a hash
 * table that takes in what each array gained since the last lookup. */
enum sym_kind {
  SYM_ENUM,
  SYM_FIELD,
  SYM_METRIC,
  SYM_CONST,
  SYM_FORMULA,
  SYM_TABLE,
  SYM_BLOCK,
  SYM_TIER,
  SYM_DISPLAY,
  SYM_BADGE,
  SYM_KINDS
};
int sym_find(struct comp *c, enum sym_kind kind, const char *name, int owner);

/* defs.c: const, table, formula */
void defs_declare(struct comp *c);            /* every I_CONST, I_TABLE, I_FORMULA item */
void defs_warn_unused(struct comp *c);
int defs_find_const(struct comp *c, const char *name);
int defs_find_table(struct comp *c, const char *name);
int defs_find_formula(struct comp *c, const char *name);
bool defs_const_name(struct comp *c, struct node *n, struct type *t); /* n names a const */
struct type defs_lookup(struct comp *c, struct node *n, const struct scope *sc); /* N_INDEX */
struct type defs_call(struct comp *c, struct node *n, int formula, const struct scope *sc);
/* The first tier item named `name` (its index among the tier items, which
 * is its index in c->tiers once checked), or -1; *other (unless NULL): the
 * first of another partner type with that name, or -1.  A lookup per
 * partner type (an enum has at most 64 values), never a scan. */
int sema_tier_named(struct comp *c, const char *name, int *other);
/* refs.c: tier references, `holds T` and `meets T` (SPEC 3.5) */
struct type refs_check(struct comp *c, struct node *n, const struct scope *sc); /* an N_HOLDS */
void refs_order(struct comp *c); /* after blocks_expand: c->order, or an error naming a cycle */
void refs_grant(struct comp *c, struct node *n); /* an I_GRANT, after the tiers and badges */
void lint_run(struct comp *c);
struct image *cg_run(struct comp *c);
int sema_find_metric(struct comp *c, const char *name, int list);
int sema_find_field(struct comp *c, const char *name, int owner); /* owner -1: the record's */

#endif
