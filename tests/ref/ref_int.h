/*
 * ref_int.h - what the reference interpreter's files share: values,
 * records and the evaluation context.  Names are prefixed `ref_`.
 */
#ifndef REF_INT_H
#define REF_INT_H

#include <gmp.h>
#include <stdio.h>

#include "calendar.h"
#include "compile.h" /* the front end's typed tree: struct comp, struct node */
#include "ref.h"

/* One value.  Numbers of every kind (int, money, number) are exact
 * rationals; money is held in currency units (1499.99, not cents).  The
 * kind is the type the front end gave the expression. */
struct val {
  uint8_t kind;  /* TY_* */
  bool none;     /* no value (section 6 of docs/language.md) */
  bool divzero;  /* none because of a division by zero (5.2), which explain says */
  mpq_t q;       /* TY_INT, TY_MONEY, TY_NUMBER */
  int64_t i;     /* TY_DATE: days since 1970-01-01; TY_BOOL: 0/1; TY_ENUM: ordinal */
  const char *s; /* TY_TEXT: bytes, owned by the record or the tree */
  size_t n;
  struct ref_list *list; /* a list field of an item: the item's own inner list (NULL: absent,
                            empty), owned by the record */
};

void val_init(struct val *v);
void val_clear(struct val *v);
void val_copy(struct val *dst, const struct val *src);
void val_none(struct val *v, int kind);
void val_bool(struct val *v, bool b);
bool val_true(const struct val *v); /* a bool that is there and true */

/* A record as read by ref_record.c: top-level values by field slot, and the
 * items of each list of the record, each `width` values by slot; an item's
 * inner lists hang from its list slots (struct val.list), as in the JSON. */
struct ref_list { size_t n; struct val *items; };
struct ref_rec {
  struct val *top;
  struct ref_list *lists;
  void *json; /* the jansson tree the texts point into */
};

struct ref_rules {
  struct comp c;
  struct tier_alloc_hook hook;
  struct image *img;        /* the rules compiled, and their meaning: what a metric */
  struct meaning *mn;       /* depends on, as the VM sees it (ref_score.c); NULL if none */
  struct ref_score *scores; /* per metric, what ref_score.c found at load; NULL: none */
};

/* What a record's tier references read (8.8): each block's outcome at the
 * evaluation date, worked out once, when first asked.  Per block (tiers,
 * then badges, as a reference's index counts them) unless said. */
struct ref_refs {
  struct ref_ctx *at_asof; /* the evaluation date's context */
  int ptype;               /* the record's partner type (-1: none) */
  uint8_t *known;          /* what is worked out (ref_ladder.c, KNOWN_*) */
  bool *meets;             /* its own statements hold */
  bool *holds;             /* a tier: the record's tier is it or a higher one of its
                              ladder, grants included; a badge: held */
  bool *time_met;          /* its time clause holds (true without one) */
  int64_t *decided;        /* the checkpoint that decided its time clause, or OC_NONE */
  bool *rules_below;       /* a tier: its statements and the lower tiers' hold */
  bool *earned;            /* a tier: held by its and the lower tiers' requirements */
  int granted;             /* the tier the grants give (-1 none), once granted_known */
  bool granted_known;
  int leaves_left; /* what a gap of references may still describe (8.8) */
};

/* The state of one evaluation at one date. */
struct ref_ctx {
  struct ref_rules *R;
  const struct comp *c;
  const struct ref_rec *rec;
  int64_t asof;
  struct val *metrics; /* record metrics at asof, by metric index */
  uint8_t *mstate;     /* 0 not computed, 1 computed */
  const struct val *item; /* the current item of an aggregate (or item metric) */
  struct outcome *out; /* for its may_fail mark */
  struct ref_refs *refs; /* what `holds` and `meets` read */
  int ref_depth;         /* how deep a gap of references describes the blocks they name;
                            -1: not at all (fill_entry) */
  /* ref_score.c's search of a compared call's counts and sums: these call
     nodes (over_n of them) give over_val, not their body's value */
  const struct node *const *over;
  int over_n;
  const struct val *over_val;
  /* and which of these call nodes (watch_n of them) an evaluation reached:
     watched[k] (a count the VM's code passed by has no trace) */
  const struct node *const *watch;
  int watch_n;
  bool *watched;
};

/* ref_number.c */
bool ref_decimal(const char *s, size_t n, mpq_t out); /* "12", "-1.50", "1.5e3" exactly */
void ref_check_range(struct ref_ctx *x, const struct val *v); /* marks may_fail */
/* v as JSON and CSV print it, and as people read it (table, explain, need) */
void ref_value_text(const struct ref_rules *R, const struct val *v, uint16_t ref, char *buf, size_t n);
void ref_value_shown(const struct ref_rules *R, const struct val *v, uint16_t ref, char *buf, size_t n);
void ref_money_need(const mpq_t d, char *buf, size_t n); /* "3,400.00" */
void ref_int_need(const mpq_t d, char *buf, size_t n);   /* "3,400" */

/* ref_record.c */
int ref_read_record(const struct ref_rules *R, const char *json, size_t len, struct ref_rec *rec,
                    struct outcome *out);
void ref_record_free(const struct ref_rules *R, struct ref_rec *rec);

/* ref_ladder.c: `holds B` (meets false) or `meets B` of block b, a tier
 * or (from ntiers on) a badge (8.8) */
bool ref_reference(struct ref_ctx *x, int b, bool meets);

/* ref_ladder.c: a change of d (in the value's units: currency for money)
 * up or down, as a need says it: "+2 certified", "-1,500.00 spend" */
void ref_distance(const char *whole, int kind, bool up, const mpq_t d, char *out, size_t n);

/* ref_score.c: the need of requirement req (I_REQ) comparing record metric
 * m with a constant, when m is a score of several inputs and some input
 * alone meets it: "+2 b or +23 wins"; false otherwise. */
bool ref_score_need(struct ref_ctx *x, const struct node *req, int m, char *need, size_t n);
/* ... and of requirement req comparing a formula call with a threshold,
 * when the comparison reads inputs and no aggregate, and some input alone
 * meets it; false otherwise. */
bool ref_call_need(struct ref_ctx *x, const struct node *req, char *need, size_t n);
void ref_meaning_load(struct ref_rules *R, const char *path, const char *text, size_t len);
void ref_meaning_free(struct ref_rules *R);

/* ref_eval.c */
void ref_eval_expr(struct ref_ctx *x, const struct node *n, struct val *out);
bool ref_period_bounds(struct ref_ctx *x, const struct node *n, int64_t at, int64_t *from, int64_t *to);
void ref_metrics_begin(struct ref_ctx *x);
void ref_metrics_end(struct ref_ctx *x);
int ref_list_width(const struct comp *c, int list);

#endif
