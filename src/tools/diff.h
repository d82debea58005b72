/*
 * diff.h - the impact of a rule change on a population: every partner
 * evaluated under the old and the new rules, each counted in its partner
 * type's figures, however many types and tiers there are; tiers matched by
 * name, or renamed in place (Standard in 2018 is Select in 2019), or removed
 * or new (tier_ladder, the matching tierc diff uses too).
 */
#ifndef TIER_DIFF_H
#define TIER_DIFF_H

#include "output.h"

/* "Registered, Standard is now Select, Advanced (removed), Premier, Elite (new)" */
void ladder_text(const tier_ladder *l, tier_buf *b);

struct diff_type {
  char *name;
  tier_ladder lad;        /* how the type's tiers correspond (tier.h) */
  const char **old_shown, **new_shown; /* the tiers as people know them: display names */
  long *matrix;                   /* [(old pos + 1) * (nnew + 1) + new pos + 1], 0 = no tier */
  long up, down, stay;
};
#define DIFF_CELL(t, o, n) ((t)->matrix[((o) + 1) * ((t)->lad.nnew + 1) + (n) + 1])

struct diff {
  const tier_ruleset *old, *new_;
  const char *old_path, *new_path;
  struct diff_type *types;
  int ntypes, captypes;
  long partners, errors, uncounted; /* uncounted: out of memory for a figure */
  tier_buf *moves_text, *moves_json, *errors_json, *errors_text; /* in input order */
  struct esc_pool *pool;          /* record texts quoted for the terminal (escape.h) */
};

/* 0, or -1 when out of memory; diff_free in either case. */
int diff_init(struct diff *d, const tier_ruleset *old, const tier_ruleset *new_, const char *op, const char *np);
/* A partner that moves between the old and the new rules, and why: `why`
 * is the result whose unmet requirements explain it (moving up, the old
 * rules' for the tier now held; moving down, the new rules' for the tier
 * it held), after, when `removed`, that the tier it held is gone. */
struct diff_move {
  const struct diff_type *type;
  const tier_result *from, *to, *why; /* under the old rules, the new, and which of them */
  int direction;                      /* +1 up, -1 down */
  bool removed;                       /* the tier it held is not in the new rules */
};

/* One partner evaluated under both rulesets, counted in its type's figures.
 * true when it moves, with *mv (when not NULL) saying how; the results must
 * outlive the use of *mv. */
bool diff_add(struct diff *d, const tier_result *ro, const tier_result *rn, struct diff_move *mv);
void diff_error(struct diff *d, long record, const char *id, const char *which, const char *err, const char *path);
/* -j: a worker's own diff (diff_init'd like the main one) counts a record
 * as diff_add or diff_error would, but writes it to ev as an event;
 * diff_apply applies a run of whole events to the main diff, in input
 * order, with the effect the calls on one thread would have had (diff.c,
 * "events"). */
void diff_add_event(struct diff *w, const tier_result *ro, const tier_result *rn, tier_buf *ev);
void diff_error_event(struct diff *w, long record, const char *id, const char *which, const char *err, const char *path,
                      tier_buf *ev);
void diff_apply(struct diff *d, const char *ev, size_t n);
void diff_render(const struct diff *d, int fmt, tier_buf *out);
void diff_free(struct diff *d);

#endif
