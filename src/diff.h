/*
 * diff.h - the impact of a rule change on a population: every partner
 * evaluated under the old and the new rules, tiers matched by their place
 * in each partner type's ladder (so Standard in 2018 meets Select in 2019).
 */
#ifndef TIER_DIFF_H
#define TIER_DIFF_H

#include "output.h"

#define DIFF_MAX_LADDER 16

struct diff_type {
  char name[64];
  int nold, nnew;                 /* ladder lengths */
  const char *old_names[DIFF_MAX_LADDER], *new_names[DIFF_MAX_LADDER];
  long matrix[DIFF_MAX_LADDER + 1][DIFF_MAX_LADDER + 1]; /* [old pos + 1][new pos + 1], 0 = no tier */
  long up, down, stay;
};

struct diff {
  const struct tier_ruleset *old, *new_;
  const char *old_path, *new_path;
  struct diff_type types[8];
  int ntypes;
  long partners, errors;
  struct buf moves_text, moves_json, errors_json, errors_text; /* in input order */
};

void diff_init(struct diff *d, const struct tier_ruleset *old, const struct tier_ruleset *new_, const char *op,
               const char *np);
/* One partner evaluated under both rulesets. */
void diff_add(struct diff *d, const tier_result *ro, const tier_result *rn);
void diff_error(struct diff *d, long record, const char *id, const char *which, const char *err, const char *path);
void diff_render(const struct diff *d, int fmt, struct buf *out);
void diff_free(struct diff *d);

#endif
