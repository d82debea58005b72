/*
 * coverage.h - `tierc test --coverage` (coverage.c): the thresholds of a
 * ruleset, the values the rule tests give them, and what is not probed.
 */
#ifndef TIER_COVERAGE_H
#define TIER_COVERAGE_H

#include "tier_int.h"

struct cov;
/* The thresholds of rs's requirements; NULL when out of memory. */
struct cov *cov_new(const struct tier_ruleset *rs);
/* Note the values of the record vm has just evaluated. */
void cov_probe(struct cov *c, struct tier_vm *vm);
/* "coverage: N of M thresholds probed ...", then each one not probed. */
void cov_report(const struct cov *c, struct buf *out);
void cov_free(struct cov *c);

#endif
