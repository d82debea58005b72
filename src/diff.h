/*
 * diff.h - the impact of a rule change on a population: every partner
 * evaluated under the old and the new rules, each counted in its partner
 * type's figures, however many types and tiers there are; tiers matched by
 * name, or renamed in place (Standard in 2018 is Select in 2019), or removed
 * or new (struct ladder, which tierc diff shares).
 */
#ifndef TIER_DIFF_H
#define TIER_DIFF_H

#include "output.h"

/* How the tiers of one partner type correspond between two rulesets:
 * by name first; then, between two tiers matched by name, tiers that are
 * not are paired in order as renamed when both sides have as many of them
 * (Standard -> Select); any other is removed or new.  Ranks compare a tier
 * of either ruleset on the new ladder: new tier p has 2p + 2, a removed one
 * sits just above the nearest lower tier that was kept (odd), no tier is 0. */
struct ladder {
  int nold, nnew;
  const char **old_names, **new_names; /* in ladder order (the caller's) */
  int *old_to_new, *new_to_old;        /* the tier it corresponds to, -1: removed / new */
  int *old_rank, *new_rank;
};
int ladder_match(struct ladder *l); /* 0, or -1 when out of memory */
void ladder_free(struct ladder *l);
/* +1 up, -1 down, 0 stay, for a partner at old tier o and new tier n
 * (positions in the ladders, -1 for none). */
int ladder_direction(const struct ladder *l, int o, int n);
/* "Registered, Standard is now Select, Advanced (removed), Premier, Elite (new)" */
void ladder_text(const struct ladder *l, struct buf *b);

struct diff_type {
  char *name;
  struct ladder lad;
  long *matrix;                   /* [(old pos + 1) * (nnew + 1) + new pos + 1], 0 = no tier */
  long up, down, stay;
};
#define DIFF_CELL(t, o, n) ((t)->matrix[((o) + 1) * ((t)->lad.nnew + 1) + (n) + 1])

struct diff {
  const struct tier_ruleset *old, *new_;
  const char *old_path, *new_path;
  struct diff_type *types;
  int ntypes, captypes;
  long partners, errors, uncounted; /* uncounted: out of memory for a figure */
  struct buf moves_text, moves_json, errors_json, errors_text; /* in input order */
};

/* tierc diff (rulediff.c): the change in meaning from A to B, as text or
 * JSON, into o; the number of changes, or -1 when out of memory. */
int rule_diff(const struct image *A, const struct image *B, const char *pa, const char *pb, bool json, struct buf *o);

void diff_init(struct diff *d, const struct tier_ruleset *old, const struct tier_ruleset *new_, const char *op,
               const char *np);
/* One partner evaluated under both rulesets. */
void diff_add(struct diff *d, const tier_result *ro, const tier_result *rn);
void diff_error(struct diff *d, long record, const char *id, const char *which, const char *err, const char *path);
void diff_render(const struct diff *d, int fmt, struct buf *out);
void diff_free(struct diff *d);

#endif
