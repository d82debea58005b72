/*
 * fmt.h - `tierc fmt`: the canonical layout of a .tier source file.
 *
 * fmt_source() prints the tree of the compiler's own parser, with the
 * comments the lexer recorded beside it; it never changes a token (strings
 * and numbers are copied verbatim) except that it drops the optional `;`
 * after a `}` and the optional trailing `,` in `{ ... }`.  See fmt.c for the
 * layout rules.
 */
#ifndef TIER_FMT_H
#define TIER_FMT_H

#include <stddef.h>

#include "tier_int.h"

/* The line width the printer aims at, in display columns (a wide East Asian
 * character counts two).  Labels and strings are never broken, so a line
 * holding a long one may be wider. */
#define FMT_WIDTH 100

/* Format `text` (len bytes): append the canonical layout to `out` and return
 * 0; or return -1 with "LINE:COL: message" in err, or FMT_NOMEM when out of
 * memory (err says so); out is then unspecified.  The text must be a
 * syntactically valid ruleset file: the message is the first of the
 * parser's errors (fmt_syntax_check gives them all).  A byte-order mark at
 * the start is kept as it is.  Messages are in the user's language. */
#define FMT_NOMEM (-2)
int fmt_source(const char *text, size_t len, struct buf *out, char *err, size_t errlen);

struct node;
/* Append expression `e` to `out` on one line, as `tierc fmt` writes it,
 * without comments: the text of a rule that the bytecode keeps (for
 * explain, the report and the diffs), the same whatever the source's
 * layout.  `files` are the sources e's locations point into (literals are
 * copied as written).  Memory comes from out's allocator hook, as it does
 * for fmt_source.  Returns 0, or -1 when out of memory. */
int fmt_expr_line(const struct node *e, const struct srcfile *files, struct buf *out);

/* fmt_expr_line, but a formula parameter inside e (after sema: a name
 * whose ref is R_ARG) is written as its argument, as far out as the
 * arguments go: inside `formula pcs(a, s) = performance_points(a, s) ...`
 * called as pcs(security, enterprise), that call's text is
 * "performance_points(security, enterprise)" - a formula call's name in
 * explain and in a rule test's "values" (codegen.c, explain code). */
int fmt_bound_line(const struct node *e, const struct srcfile *files, struct buf *out);

/* Check that `text` parses, with the compiler's own lexer and parser (no
 * imports are read and nothing is type-checked; a byte-order mark is not
 * content, as for the compiler).  Returns the number of
 * errors, or FMT_NOMEM when out of memory; when diag is not NULL the
 * diagnostics are appended to it as the compiler renders them
 * ("path:line:col: error: ...", source line, caret). */
int fmt_syntax_check(const char *path, const char *text, size_t len, struct buf *diag);

#endif
