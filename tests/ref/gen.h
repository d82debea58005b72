/*
 * gen.h - random rulesets and records for the differential test.
 *
 * A ruleset is built as a model (schema, metrics, tiers; expressions as
 * typed trees) and printed as .tier source; the model is what the shrinker
 * cuts down.  Everything is drawn from one random source, a seed or the
 * fuzzer's bytes, so a run is reproducible from its seed.  Each language
 * construct is one production in gen.c (see "productions" there and
 * tests/ref/README.md on adding one).
 */
#ifndef REF_GEN_H
#define REF_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tier_int.h" /* TY_* */

/* ---- the random source ------------------------------------------------------ */
struct rng {
  uint64_t s;                 /* xorshift state, when bytes is NULL */
  const uint8_t *bytes;       /* the fuzzer's input: drawn from, then zeros */
  size_t nbytes, at;
};
void rng_seed(struct rng *r, uint64_t seed);
uint32_t rng_below(struct rng *r, uint32_t n); /* 0 .. n-1; 0 when n is 0 */
bool rng_chance(struct rng *r, unsigned percent);
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi); /* lo .. hi */

/* How large a ruleset may get.  0 takes the default, the sizes the
 * difftest has always made (a seed makes the same ruleset as before);
 * larger values make rulesets of many partner types, tiers, metrics and
 * lists (difftest --large), whose arrays are sized from these. */
struct gen_options {
  int max_types;   /* partner types (default 3) */
  int max_tiers;   /* tiers per partner type (default 5) */
  int max_metrics; /* metrics (default 12) */
  int max_lists;   /* lists: half of it in the record, inner ones added while there are fewer (default 8) */
  int max_fields;  /* top-level fields besides id and the partner type (default 8) */
  int max_depth;   /* expression depth (default 4) */
  bool ladder;     /* `either`, `at least N of` and requirements blocks in every
                      ruleset, not in half of them (tests/unit/test_diffprop) */
  bool full;       /* each count at its maximum, not drawn below it, so that sizes grow
                      with the options (the linear-work test); inner lists stay random */
};

/* ---- the model ------------------------------------------------------------------ */
struct gtype {
  uint8_t kind;  /* TY_TEXT ... TY_ENUM */
  bool opt;
  int16_t ref;   /* enum index for TY_ENUM */
};

/* An expression: a template whose %0 %1 %2 are the children, printed in
 * parentheses unless they are leaves; a leaf has text instead. */
struct gexpr {
  char *tmpl;
  char *text;
  struct gtype t;
  struct gexpr *kid[3];
  int nkid;
  int metric;    /* a leaf naming metric m, else -1 */
  int field;     /* a leaf naming field f, else -1 */
  int list;      /* an aggregate over list l, else -1 */
  int konst;     /* a leaf naming const k (its text is the name), else -1 */
  bool literal;  /* a literal (number, date, text, bool, enum value) */
};

struct genum {
  char name[72];
  int nvals;
  char (*vals)[72];
};
struct gfield {
  char name[72];
  char key[80];  /* the JSON key when it is not the name (docs 3.4), else "" */
  struct gtype t;
  int list;      /* owner: -1 the record, else the list index */
  bool is_list;  /* a list field (then t is unused and `index` is the list) */
  int index;
  bool alive;
};
struct gmetric {
  char name[72];
  int list;      /* -1 record metric, else an item metric of that list */
  struct gtype t;
  struct gexpr *e;
  char *label;
  bool alive;
};
struct greq {
  struct gexpr *e;
  char *label;
  char *section; /* a section heading before it, or NULL */
  int group;     /* 0, or 1 + the index of the group it is in (gtier.groups) */
  int branch;    /* in an either: its branch, from 0 */
  bool alive;
};
/* A group of consecutive requirements of a tier, badge or block: an either
 * (its requirements split into branches in order) or an at least N of. */
struct ggroup {
  bool either;
  int n;         /* at least: N */
  int nbranches; /* either: 2 or 3 */
  bool named;    /* either: branches "A", "B", "C" (else by place) */
};
struct gtier { /* a tier; also a badge, and a requirements block (gen_options.ladder) */
  char name[72];
  char display[80]; /* a tier's display name (docs 3.9), "" for none */
  int ptype;
  int time;      /* its time clause: 0 none, 1 sustained, 2..4 at any checkpoint within
                    N months, N days, N calendar months (the TC_ order) */
  int window;    /* the clause's N */
  struct greq *reqs;
  int nreqs;
  struct ggroup groups[2];
  int ngroups;
  int inserts[1]; /* the requirements blocks it inserts (gruleset.blocks), after its requirements */
  int ninserts;
  bool alive;
};

struct gconsts { /* the constants the rules compare with, for the records */
  int64_t ints[64]; int nints;
  int64_t cents[64]; int ncents;
  int64_t dates[64]; int ndates;
  int64_t quarters[64]; int nquarters; /* numbers, in quarters (1/4) */
  char texts[16][48]; int ntexts;
};

/* Named values (docs 3.11-3.13): each used where a literal, a lookup or a
 * call is drawn, so an unused one only warns. */
struct gconst { /* const NAME = TEXT; */
  char name[72];
  char *text;        /* the literal */
  struct gtype t;    /* the literal's type */
  struct gtype want; /* the type of the place it was made for: used only at such places */
};
struct gtable { /* table NAME: KEY -> VAL { keys[i]: vals[i], ..., default: dflt } */
  char name[72];
  struct gtype key, val; /* key: an enum or text */
  int n;
  char *keys[8], *vals[8];
  char *dflt; /* NULL: none */
};
struct gformula { /* formula NAME(params[i]: ptypes[i], ...) = body; */
  char name[72];
  int nparams;
  char params[3][72];
  struct gtype ptypes[3]; /* all optional: an argument may be missing */
  struct gexpr *body;     /* NULL while it is drawn */
  bool aggregates;        /* its body may aggregate over the record's lists: it is
                             called only where such an aggregate may stand */
};

/* grant TIER|VALUE [when COND]; (docs 8.9) */
struct ggrant {
  int tier;            /* the tier granted, or -1 for a tier value's grant */
  struct gexpr *value; /* a tier value's grant: a tier field or record metric */
  struct gexpr *cond;  /* NULL: none */
  bool alive;
};

struct gruleset {
  struct gen_options opt;
  /* the arrays hold as many as opt allows (gen_ruleset allocates them) */
  struct genum enums[8]; int nenums;   /* enums[0] is the partner type */
  struct gfield *fields;
  int nfields;
  int nlists;
  int *list_field;  /* the field of each list: the record's, and inner ones while there are fewer than opt.max_lists */
  int *list_parent; /* -1 for a list of the record, else the list whose items hold it */
  struct gmetric *metrics;
  int nmetrics;
  struct gtier *tiers;
  int ntiers;
  bool tier_values; /* tier fields and metrics, compared with tiers (docs 5.7); the tier
                         names are then unique across partner types */
  bool ladder;      /* `either`, `at least N of` and requirements blocks (gen_options.ladder:
                         always, else in half of the rulesets) */
  struct ggrant grants[2];
  int ngrants;
  /* badges, and requirements blocks (gruleset.ladder) */
  struct gtier badges[4];
  int nbadges;
  struct gtier blocks[3];
  int nblocks;
  struct gexpr *review;                /* NULL: none */
  char *name, *version;
  int64_t effective;                   /* day number, or INT64_MIN */
  int fiscal;                          /* `fiscal year starts in MONTH;`: 1-12, or 0 for none */
  struct gconsts k;
  struct gconst consts[16];
  int nconsts;
  struct gtable tables[8];
  int ntables;
  struct gformula formulas[8];
  int nformulas;
};

void gen_ruleset(struct rng *r, const struct gen_options *opt, struct gruleset *g);
bool gen_same_type(struct gtype a, struct gtype b);
/* A plain literal of type t (variant 0, 1, ... give others), for the shrinker. */
struct gexpr *gen_simple_literal(const struct gruleset *g, struct gtype t, int variant);
void gen_expr_free(struct gexpr *e);
char *gen_print(const struct gruleset *g); /* .tier source; free() it */
void gen_free(struct gruleset *g);
int gen_field(const struct gruleset *g, int list, const char *name); /* index or -1 */

/* ---- records -------------------------------------------------------------------- */
/* A value is JSON text ("5", "\"x\"", "null"); NULL leaves the key out. */
struct glistval;
struct gitem {
  char **vals;                         /* by field index of the list's fields */
  struct glistval *lists;              /* by list index: the item's own inner lists (NULL: none) */
};
struct glistval { int n; struct gitem *items; bool null; /* "null" instead of an array */ };
struct grecord {
  char **top;                          /* by field index (top-level fields only) */
  struct glistval *lists;              /* by list index: the lists of the record */
  int64_t asof;                        /* the date passed to both, or INT64_MIN: the review rule */
  int extra;                           /* 1, 2: an unknown key first or last in the record */
};

void gen_record(struct rng *r, const struct gruleset *g, struct grecord *rec);
char *gen_record_json(const struct gruleset *g, const struct grecord *rec); /* free() it */
void gen_record_free(const struct gruleset *g, struct grecord *rec);
void gen_record_copy(const struct gruleset *g, const struct grecord *src, struct grecord *dst);
void gen_item_free(const struct gruleset *g, struct gitem *it); /* its values and inner lists */

#endif
