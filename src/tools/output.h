/*
 * output.h - results as JSON Lines, an aligned table, or CSV (SPEC 6), and
 * the explanation of one result in words (explain.c).  Every renderer reads
 * a tier_result and nothing else of the evaluation.
 */
#ifndef TIER_OUTPUT_H
#define TIER_OUTPUT_H

#include <stdbool.h>

#include "escape.h"
#include "tier.h"
#include "i18n.h"

enum out_format { FMT_JSON = 1, FMT_TABLE, FMT_CSV, FMT_TEXT };

/* A renderer for one run: the format, and what it takes from the ruleset
 * once (the table's column widths, so that a streamed table stays aligned
 * without looking ahead; the rules' stamp for error rows). */
struct out {
  int fmt;                 /* enum out_format */
  bool explain;            /* every requirement too (the result must have reqs) */
  const tier_ruleset *rs;
  size_t width;            /* the table's lines are cut to this many columns; 0: not cut */
  size_t type_w, tier_w;   /* table columns, in display columns */
  size_t name_w;           /* the NAME column (the rules declare names), 0 without */
  bool asof_col;           /* the AS OF column (left out when the width is short) */
  char hash[17];           /* the rules hash as results show it: 16 hex digits */
  tier_buf *scratch;       /* a cell being built (CSV quotes a cell as a whole) */
  tier_buf *line;          /* the table's lines of a result, before they are cut */
  struct esc_pool *pool;   /* record texts quoted for a terminal (escape.h) */
  bool tiers;              /* the rules have tiers: else (badges only) the table has no
                              TYPE, TIER, NEXT or MISSING FOR NEXT, and a BADGES column */
  long *tally;             /* the table's summary: partners per partner type and tier,
                              [type * (ntiers + 1) + tier + 1]; then those of no type; */
  size_t ntally;           /* then per badge, its holders */
};

/* 0, or -1 when out of memory; out_free in either case.  width: the
 * table's width in columns (a terminal's), 0 for none. */
int out_init(struct out *o, int fmt, bool explain, const tier_ruleset *rs, size_t width);
void out_free(struct out *o);
void out_header(const struct out *o, tier_buf *b);
void out_result(const struct out *o, tier_buf *b, const tier_result *r);
void out_error(const struct out *o, tier_buf *b, long record, const char *id, const char *err, const char *path);
/* The table's summary: out_count counts each result shown, out_merge adds
 * another renderer's counts (-j), out_summary ends the table with the
 * partners per partner type and tier, and the records rejected. */
void out_count(struct out *o, const tier_result *r);
void out_merge(struct out *o, const struct out *from);
void out_summary(const struct out *o, tier_buf *b, long rejected);
/* tiervm explain: one result, every requirement of every tier of its type
 * and of every badge (o made with explain) */
void out_explain(const struct out *o, tier_buf *b, const tier_result *r);
/* tiervm explain, the next tier's `sustained N months` month by month:
 * out_months_head names it; out_checkpoint says of the partner evaluated
 * at one checkpoint (at) whether the requirements of tier and of the tiers
 * below it held there, and the values of those that did not. */
void out_months_head(const struct out *o, tier_buf *b, int tier, unsigned n);
void out_checkpoint(const struct out *o, tier_buf *b, const tier_result *at, int tier);

/* The smallest change a list of unmet entries asks for, as one line; for a
 * terminal (p not NULL) the texts of the rules and the record are quoted. */
void out_gap(tier_buf *b, const tier_req_result *u, size_t n, struct esc_pool *p);

/* How tier t (tier_ruleset_tier) is shown to people: its display name
 * (`tier Premier_1K "Premier 1K" ...`), else its name; `name` for t < 0. */
const char *out_tier_shown(const tier_ruleset *rs, int t, const char *name);
/* An entry's need or detail (text, said as how says) as a person reads it:
 * in the user's language (tier_say) into buf, quoted for the terminal when
 * it must be (escape.h). */
const char *out_said(struct esc_pool *p, char buf[TIER_SAY_MAX], const char *text, const tier_said *how);

/* A requirement's value (actual or required) as JSON, by its type. */
void out_json_value(tier_buf *b, const char *text, int type, bool missing);
/* A group entry's (either, branch, at least) fields as JSON, after a ',':
 * "group", and how many of its items hold ("held"), must ("required") and
 * are there ("of"); nothing for another entry. */
void out_json_group(tier_buf *b, const tier_req_result *u);

#endif
