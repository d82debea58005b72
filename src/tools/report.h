/*
 * report.h - the population report: one self-contained HTML page (inline
 * CSS and SVG, no scripts, no network) with the tier distribution per
 * partner type, the requirements that most often block the next tier and
 * how far partners are from them, the partners closest to moving up, and
 * optionally the impact of a rule change.  It is built from results alone
 * (report_add) and the ruleset's tiers and requirements as tier.h walks them.
 */
#ifndef TIER_REPORT_H
#define TIER_REPORT_H

#include "diff.h"

#define REPORT_CLOSEST 15
#define REPORT_BUCKETS 5

struct report_close { char id[64]; char type[32]; int tier, next; size_t nunmet; char gap[256]; };

struct report {
  const tier_ruleset *rs;
  const char *rules_path;
  long partners, errors;
  long *held;        /* per tier index: partners whose highest tier it is */
  long *none;        /* per partner type: partners holding no tier */
  long *as_next;     /* per tier: partners for whom it is the next tier */
  long *blocked;     /* per requirement: partners for whom it blocks the next tier */
  long (*gap)[REPORT_BUCKETS]; /* per requirement: how far, as a share of the threshold */
  long *sus_blocked; /* per tier: the sustained clause blocks */
  struct report_close close[REPORT_CLOSEST];
  int nclose;
  const struct diff *diff; /* optional */
  /* room report_html works in: a chart's labels and values (a tier each,
   * and "no tier"), a tier's requirements in the order shown */
  const char **labels;
  long *vals;
  size_t *order;
};

/* 0, or -1 when out of memory; report_free in either case. */
int report_init(struct report *r, const tier_ruleset *rs, const char *path);
void report_add(struct report *r, const tier_result *res);
void report_html(const struct report *r, tier_buf *out);
void report_free(struct report *r);

#endif
