/*
 * diff.h - the impact of a rule change on a population: every partner
 * evaluated under the old and the new rules, each counted in its partner
 * type's figures, however many types and tiers there are; tiers matched by
 * name, or renamed in place (Standard in 2018 is Select in 2019), or removed
 * or new (tier_ladder, the matching tierc diff uses too); and beside the
 * tier, the badges each partner gains or loses (badges matched by name),
 * the paths (either branches) by which it holds the same tier or badge,
 * and whether a grant gives it its tier.
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
  long changed; /* of those that stay: badges, path or grant change */
};
#define DIFF_CELL(t, o, n) ((t)->matrix[((o) + 1) * ((t)->lad.nnew + 1) + (n) + 1])

/* A badge of either ruleset, matched by name: new's in the order written,
 * then those only old has. */
struct diff_badge {
  const char *name, *shown; /* shown: as people know it (its display name) */
  int old_index, new_index; /* tier_ruleset_badge; -1 when that ruleset has none */
  long held_old, held_new;  /* partners holding it under each */
  long gained, lost;
};

/* What changes for a partner beside its tier (diff_add lists them in
 * struct diff's chg): a badge gained or lost (`why`, the result whose
 * unmet entries for it say what was missing: the old one for a badge
 * gained, the new one for a badge lost), the tier or a badge held both
 * times by another path (an either's branches met), or the same tier
 * now by a grant or no longer. */
enum diff_change_kind { DIFF_BADGE_GAINED = 1, DIFF_BADGE_LOST, DIFF_PATH, DIFF_GRANT };
struct diff_change {
  int kind;                       /* enum diff_change_kind */
  const struct diff_badge *badge; /* a badge's change; NULL for the tier's */
  const tier_badge_result *why;   /* a badge gained or lost: the badge in the result
                                      that explains it (see above); NULL when that
                                      ruleset has no such badge */
  tier_buf *old_path, *new_path;  /* DIFF_PATH: the branches met, in the order written,
                                      each NUL-ended: "=" and its label, or "#" and
                                      the place of one the rules give no name (diff_path_name) */
};

struct diff {
  const tier_ruleset *old, *new_;
  const char *old_path, *new_path;
  bool typed; /* either ruleset has partner types: else its partners have none, and
                 the lines and objects of partners say no type */
  struct diff_type *types;
  int ntypes, captypes;
  long partners, errors, uncounted; /* uncounted: out of memory for a figure */
  tier_buf *moves_text, *moves_json, *errors_json, *errors_text; /* in input order */
  tier_buf *changes_text, *changes_json;                         /* badges, paths, grants: in input order */
  struct esc_pool *pool;          /* record texts quoted for the terminal (escape.h) */
  struct diff_badge *badges;      /* every badge of either ruleset */
  int nbadges;
  /* The partner diff_add counted last: its changes beside its tier (they
     point into its results), and per badge k what it held, states[k]: '0'
     neither, '1' under the old rules only, '2' the new only, '3' both. */
  struct diff_change *chg; /* room for nbadges + 2 (each badge one, the tier two) */
  int nchg, capchg;
  char *states;       /* nbadges characters, NUL-ended */
  tier_buf *shown[2]; /* a path change's two sides as text (diff.c) */
};

/* 0, or -1 when out of memory; diff_free in either case. */
int diff_init(struct diff *d, const tier_ruleset *old, const tier_ruleset *new_, const char *op, const char *np);
/* Whether the results given to diff_add must list every requirement
 * (tier_options.all_requirements): when either ruleset has alternative
 * paths, which are compared from them. */
bool diff_needs_all(const tier_ruleset *old, const tier_ruleset *new_);
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

/* How a grant makes move m: +1 up into a tier the new rules grant (no
 * requirement of the old rules explains that), -1 down from a tier the old
 * rules granted and the new rules do not, else 0. */
int diff_grant_move(const struct diff_move *m);

/* One partner evaluated under both rulesets, counted in its type's figures
 * and its badges'.  true when it moves, with *mv (when not NULL) saying
 * how; d->chg[0 .. d->nchg) what else changes for it.  The results must
 * outlive the use of *mv and d->chg. */
bool diff_add(struct diff *d, const tier_result *ro, const tier_result *rn, struct diff_move *mv);
void diff_error(struct diff *d, long record, const char *id, const char *which, const char *err, const char *path);
/* The paths res takes (it must list every requirement): fn is called for
 * each branch met of an either, in the order written, that stands in the
 * tier res holds (as its highest) or in a badge it holds, with every
 * group around it met; `only` when no other branch of its either is met. */
/* The name of entry s of a path (diff_change.old_path) in English, as
 * JSON writes it ("branch 2" for an unnamed branch), in buf when it is
 * made. */
const char *diff_path_name(const char *s, char buf[BRANCH_SHOWN_MAX]);
/* Path as people read it, into t: its entries' names as esc_branch says
 * them (term: for a terminal), ", " between them; "no alternative path"
 * when it has none.  Returns t's text. */
const char *diff_path_text(tier_buf *t, tier_buf *path, struct esc_pool *p, bool term);
void diff_paths_taken(const tier_result *res, void (*fn)(void *ctx, const tier_req_result *branch, bool only), void *ctx);
/* -j: a worker's own diff (diff_init'd like the main one) counts a record
 * as diff_add or diff_error would, but writes it to ev as an event;
 * diff_apply applies a run of whole events to the main diff, in input
 * order, with the effect the calls on one thread would have had (diff.c,
 * "events"). */
bool diff_add_event(struct diff *w, const tier_result *ro, const tier_result *rn, tier_buf *ev, struct diff_move *mv);
void diff_error_event(struct diff *w, long record, const char *id, const char *which, const char *err, const char *path,
                      tier_buf *ev);
void diff_apply(struct diff *d, const char *ev, size_t n);
/* Apply the one event at *s (events end at end) and move *s past it;
 * false when there is none. */
bool diff_apply_event(struct diff *d, const char **s, const char *end);
void diff_render(const struct diff *d, int fmt, tier_buf *out);
void diff_free(struct diff *d);

#endif
