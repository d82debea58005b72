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
  size_t type_w, tier_w;   /* table columns, in display columns */
  char hash[17];           /* the rules hash as results show it: 16 hex digits */
  tier_buf *scratch;       /* a cell being built (CSV quotes a cell as a whole) */
  struct esc_pool *pool;   /* record texts quoted for a terminal (escape.h) */
};

/* 0, or -1 when out of memory; out_free in either case. */
int out_init(struct out *o, int fmt, bool explain, const tier_ruleset *rs);
void out_free(struct out *o);
void out_header(const struct out *o, tier_buf *b);
void out_result(const struct out *o, tier_buf *b, const tier_result *r);
void out_error(const struct out *o, tier_buf *b, long record, const char *id, const char *err, const char *path);
/* tiervm explain: one result, every requirement of every tier of its type
 * and of every badge (o made with explain) */
void out_explain(const struct out *o, tier_buf *b, const tier_result *r);

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
