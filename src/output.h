/*
 * output.h - results as JSON Lines, an aligned table, or CSV (SPEC 6).
 */
#ifndef TIER_OUTPUT_H
#define TIER_OUTPUT_H

#include "vm.h"

enum out_format { FMT_JSON = 1, FMT_TABLE, FMT_CSV, FMT_TEXT };

void out_header(struct buf *b, int fmt, const struct tier_ruleset *rs, bool explain);
void out_result(struct buf *b, int fmt, struct tier_vm *vm, const tier_result *r, bool explain);
void out_error(struct buf *b, int fmt, const struct tier_ruleset *rs, long record, const char *id, const char *err,
               const char *path);
void out_json_str(struct buf *b, const char *s, size_t n);
void out_json_cstr(struct buf *b, const char *s); /* NULL: null */
size_t out_display_width(const char *s, size_t n);
const char *out_cmp_text(int cmp);
void out_explain(struct buf *b, struct tier_vm *vm, const tier_result *r);

#endif
