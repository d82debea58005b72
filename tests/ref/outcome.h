/*
 * outcome.h - the result of evaluating one record, in a form that both the
 * VM (through libtier) and the reference interpreter fill, so that the
 * differential test can compare them field by field.  Every string is owned
 * by the outcome (oc_free releases them); NULL means "absent".
 */
#ifndef REF_OUTCOME_H
#define REF_OUTCOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum oc_status {
  OC_OK = 0,
  OC_RECORD,  /* the record was rejected (SPEC 5): error and path say why */
  OC_RUNTIME  /* the evaluation failed (integer overflow, ...) */
};

/* One requirement of a tier, or a tier's time clause. */
struct oc_entry {
  char *tier, *badge;   /* the block it belongs to: a tier or a badge */
  char *branch;         /* inside an either: its branch's name, the innermost */
  int branch_place;     /* that branch has no label: its place in its either; else 0 */
  int place;            /* a branch without a label: its place ("branch 2"); else 0 */
  int depth;            /* how deep in either and at least groups */
  bool gap;             /* on the way the smallest change takes (unmet; a branch) */
  int held, needed, of; /* a group: statements held, needed, in all */
  char *section, *label, *rule;
  bool met;
  char *metric, *actual, *required, *op; /* when the rule compares a value with a constant
                                            or has a computed threshold */
  char *threshold;                       /* a computed threshold's text (not a constant's) */
  char *actual_shown, *required_shown;   /* the values as people read them */
  int type;                              /* enum tier_type of both values */
  bool missing;                          /* the value has none */
  char *need;                            /* when not met: the smallest change */
  int sustained;                         /* months, for a sustained clause; else 0 */
  int64_t checkpoint;                    /* a time clause: sustained, the latest failing checkpoint;
                                            at any, the latest holding one; else OC_NONE */
};

#define OC_NONE INT64_MIN

struct outcome {
  int status;              /* enum oc_status */
  char *error, *path;      /* OC_RECORD / OC_RUNTIME: what and where ("$.l[2].f") */
  char *id, *type;
  int64_t asof;            /* days since 1970-01-01 */
  char *tier, *next;
  bool granted;                 /* the tier comes from a grant (8.9) */
  char *badges;                 /* the badges held, in the order written, "," between */
  struct oc_entry *badge_unmet; /* what each badge not held needs, badge after badge */
  size_t nbadge_unmet;
  struct oc_entry *unmet;  /* the requirements of `next` that do not hold */
  size_t nunmet;
  struct oc_entry *explain; /* every requirement of every tier of the record's type, in
                               ladder order, each tier's sustained clause after its rules;
                               then every badge's */
  size_t nexplain;
  bool may_fail;           /* reference only: a value left the VM's documented range,
                              so the VM may reject the record */
};

char *oc_strdup(const char *s); /* NULL stays NULL; exits on out of memory (a test tool) */
struct oc_entry *oc_add(struct oc_entry **v, size_t *n);
void oc_copy_entry(struct oc_entry *dst, const struct oc_entry *src);
void oc_free(struct outcome *o);

/* Compare the VM's outcome with the reference's.  Returns true when they
 * agree; otherwise writes the first difference to `what` ("unmet[1].need:
 * vm '+2 x', reference '+3 x'") and its field path to `key` ("unmet.need"),
 * which the shrinker keeps fixed. */
bool oc_compare(const struct outcome *vm, const struct outcome *ref, char *what, size_t wn, char *key, size_t kn);

/* The outcome as one line of JSON, for reproducers. */
void oc_print(const struct outcome *o, FILE *f);

#endif
