/*
 * output.h - results as JSON Lines, an aligned table, or CSV (SPEC 6), and
 * the explanation of one result in words (explain.c).  Every renderer reads
 * a tier_result and nothing else of the evaluation.
 */
#ifndef TIER_OUTPUT_H
#define TIER_OUTPUT_H

#include "vm.h"

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
};

void out_init(struct out *o, int fmt, bool explain, const tier_ruleset *rs);
void out_header(const struct out *o, struct buf *b);
void out_result(const struct out *o, struct buf *b, const tier_result *r);
void out_error(const struct out *o, struct buf *b, long record, const char *id, const char *err, const char *path);
/* tiervm explain: one result, every requirement of every tier of its type */
void out_explain(struct buf *b, const tier_ruleset *rs, const tier_result *r);

void out_json_str(struct buf *b, const char *s, size_t n);
void out_json_cstr(struct buf *b, const char *s); /* NULL: null */
/* A requirement's value (actual or required) as JSON, by its type. */
void out_json_value(struct buf *b, const char *text, int type, bool missing);
size_t out_display_width(const char *s, size_t n);

#endif
