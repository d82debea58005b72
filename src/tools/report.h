/*
 * report.h - the population report: one self-contained HTML page (inline
 * CSS, no scripts, no fonts or anything else from the network) for the
 * people who run a partner program.  From the top: a summary (partners,
 * review dates, partners per tier, and with --diff how many move and how
 * many rules changed), what blocks the next tier and how far partners are
 * from it, the partners closest to moving up, and with --diff the rule
 * change itself (tierc diff's changes) and its impact (the moves from
 * tier to tier, the partners that move and why).  With badges, the
 * summary counts the partners holding each; with `either`, a section says
 * which of its paths the partners holding the tier or badge meet.  It is
 * built from results alone (report_add, report_old, report_move; the
 * results must list every requirement, tier_options.all_requirements) and
 * the ruleset's tiers, badges and items as tier.h walks them; report_html
 * lays it out so that it reads on a phone (390 px) as on a laptop
 * (1,280 px).
 *
 * On several threads (tiervm report -j), each thread's report_counter
 * turns a partner's results into an event (what it adds to the figures),
 * and report_apply adds the events to the one report in input order, so
 * the page is byte for byte what one thread makes.  report_add and its
 * siblings do both steps at once, on one thread.
 */
#ifndef TIER_REPORT_H
#define TIER_REPORT_H

#include "diff.h"

#define REPORT_CLOSEST 15 /* rows of "closest to moving up" */
#define REPORT_MOVES 50   /* rows of "partners that move" (tiervm diff lists every one) */
#define REPORT_BUCKETS 5  /* how far: under 25 %, 25-50 %, 50-75 %, 75-90 %, 90-100 % of the threshold */

/* A row of "closest to moving up", laid out when the partner is counted
 * (its result does not outlive report_add). */
struct report_row { long missing; char *html; };

/* What decides a partner's event on one thread: the items already counted
 * for the partner at hand (an item blocks a partner once, however many of
 * its entries say so), and what the thread has seen of the closest and of
 * the moves.  The report, having seen every earlier partner, has the same
 * or better: a row this thread would not show, the report would not show
 * either, so the thread lays out only rows that may be shown. */
struct report_counter {
  const tier_ruleset *rs;                  /* the report's */
  long partners;                           /* partners this thread counted */
  long *stamp;                             /* per item: the partner (1, 2, ...) last counted in it */
  struct report_row close[REPORT_CLOSEST]; /* the closest this thread has seen (no html) */
  int nclose;                              /* how many */
  long moves;                              /* moves this thread has seen */
  long sides;                              /* and changes beside the tier */
  struct esc_pool pool;                    /* the needs said in the user's language (out_gap) */
};

struct report {
  const tier_ruleset *rs;
  const char *rules_path;
  long partners, errors;
  int64_t first_asof, last_asof; /* the review dates met, earliest and latest */
  long *held;        /* per tier index: partners whose highest tier it is */
  long *granted;     /* per tier index: of those, partners a grant gives it */
  long *none;        /* per partner type: partners holding no tier */
  long *as_next;     /* per tier: partners for whom it is the next tier */
  long *blocked;     /* per requirement: partners for whom it blocks the next tier */
  long *blocked_item; /* per item (tier_ruleset_item): partners for whom it, or
                        an item in it, blocks the next tier */
  long *path_met;    /* per item, a branch: partners holding its tier (as their
                        highest) or its badge who meet it */
  long *path_only;   /* and of them, those who meet no other branch of its either */
  long *badge_held;  /* per badge: partners holding it */
  long *badge_lacking;         /* per badge: partners not holding it, whose unmet entries are counted */
  long *badge_sus;             /* per badge: its time clause blocks */
  long (*gap)[REPORT_BUCKETS]; /* per requirement: how far, as a share of the threshold */
  long *sus_blocked; /* per tier: the sustained clause blocks */
  long with_next;    /* partners that have a next tier (the closest are among them) */
  struct report_row close[REPORT_CLOSEST]; /* fewest missing first; ties in input order */
  int nclose;
  const struct diff *diff; /* optional: the figures of tiervm diff */
  long moves;        /* partners that move (with diff) */
  tier_buf *moves_html; /* the first REPORT_MOVES of them, as table rows */
  long sides;           /* with diff: changes beside the tier (badges, paths, grants) */
  tier_buf *sides_html; /* the first REPORT_MOVES of them, as table rows */
  size_t *order;     /* room report_html works in: a tier's items in the order shown */
  struct report_counter own; /* report_add's */
  tier_buf *ev;              /* report_add's event */
};

/* 0, or -1 when out of memory; report_free in either case. */
int report_init(struct report *r, const tier_ruleset *rs, const char *path);
/* Count one partner's result under the ruleset (made with every
 * requirement listed, for the paths). */
void report_add(struct report *r, const tier_result *res);
/* With a diff: one partner that moves (diff_add said so). */
void report_move(struct report *r, const struct diff_move *m);
/* With a diff: what else changes for the partner diff_add just counted
 * (d->chg; res its result under the new rules): badges, path, grant. */
void report_side(struct report *r, const struct diff *d, const tier_result *res);
void report_html(const struct report *r, tier_buf *out);
void report_free(struct report *r);

/* ---- on several threads: events (report.c, "events") ---- */

/* 0, or -1 when out of memory; report_counter_free in either case. */
int report_counter_init(struct report_counter *c, const tier_ruleset *rs);
void report_counter_free(struct report_counter *c);
/* What report_add would count, as an event in ev. */
void report_add_event(struct report_counter *c, const tier_result *res, tier_buf *ev);
/* With a diff (dw: the thread's own, diff_init'd like the report's): the
 * partner just counted (res) under the old rules (old), as diff_add,
 * report_move and report_side would count it; or the old rules rejected it. */
void report_old_event(struct report_counter *c, struct diff *dw, const tier_result *old, const tier_result *res, tier_buf *ev);
void report_old_error_event(struct diff *dw, long record, const char *id, const char *err, const char *path, tier_buf *ev);
/* Record number `record` rejected by the rules, `why`: counted as an error. */
void report_error_event(long record, const char *why, tier_buf *ev);
/* Add the events at *s (up to end) to r and, for a diff's part, to d
 * (report_init'd and diff_init'd as the threads' were).  It stops after a
 * rejected record's event, returning its message (and its number in
 * *record) for the caller to tell, so that the messages come in input
 * order too; NULL once every event is added. */
const char *report_apply(struct report *r, struct diff *d, const char **s, const char *end, long *record);

#endif
