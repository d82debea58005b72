/*
 * escape.h - text where it lands: on a terminal (tables, explain, the diff
 * and error lines) and in a spreadsheet (CSV).  Record data is never
 * trusted to be plain: an id, a name or a text can hold any character.
 */
#ifndef TIER_ESCAPE_H
#define TIER_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "tier.h"

/* Columns a terminal gives a UTF-8 string: East Asian wide and fullwidth
 * characters take two. */
size_t esc_width(const char *s, size_t n);
/* How many of the n bytes of s, whole characters, fit in cols columns. */
size_t esc_fit(const char *s, size_t n, size_t cols);

/* Text for a terminal.  A text with a control character (C0, DEL, C1) or
 * bytes that are not UTF-8 is written in double quotes with C escapes
 * (\n \t \r \" \\, \xHH for the rest), as git quotes a file name, so that
 * no record can move the cursor, change colours or start a row of its own;
 * any other text is written as it is.  esc_term appends s (NULL: "-") and
 * returns the columns it takes. */
bool esc_term_needed(const char *s);
size_t esc_term(tier_buf *b, const char *s);

/* Lines for a terminal that quote record data as they go (tierc test's
 * report: a test's name, a value it expected or got): appends the n bytes
 * of s with each control character but the line feed, and each byte that
 * is not UTF-8, as \xHH, so that no test file can move the cursor or
 * change colours; everything else as it is. */
void esc_lines(tier_buf *b, const char *s, size_t n);

/* A few texts at once for a printf-style line: esc_str returns s when it
 * needs no quoting, else its quoted form in one of ESC_SLOTS buffers used
 * in turn (so a line may take up to ESC_SLOTS quoted texts). */
#define ESC_SLOTS 8
struct esc_pool {
  tier_buf *slot[ESC_SLOTS];
  int next;
};
int esc_pool_init(struct esc_pool *p); /* 0, or -1 when out of memory */
void esc_pool_free(struct esc_pool *p);
const char *esc_str(struct esc_pool *p, const char *s);

/* A branch's name as a text for people writes it, in one of p's slots
 * (as esc_str's): the rule of every display of a path.  A branch the
 * rules give no name (place 1, 2, ...) is said by its place, as
 * branch_shown says it ("branch 2" in the user's language), never quoted:
 * no label can read like it (the compiler refuses one that would).  A
 * label (place 0) is always quoted, once: for a terminal (term) in
 * double quotes with C escapes inside (\" \\ \n, \xHH: esc_term's), so
 * that no label ends the quote or the line; else (prose that
 * is escaped where it lands: the report's HTML) in the user's language's
 * quotes, as it is. */
const char *esc_branch(struct esc_pool *p, const char *name, unsigned place, bool term);
/* The same, appended to b. */
void esc_branch_put(tier_buf *b, const char *name, unsigned place, bool term);

/* One CSV cell (RFC 4180: quoted when it holds a comma, a quote, CR or LF;
 * a quote doubled) followed by "," or, for the last, CRLF.  A cell that a
 * spreadsheet would read as a formula (it starts with = + - @, a tab or a
 * CR) gets a leading apostrophe, as OWASP advises against CSV injection,
 * unless it is a number (-5 and +1.5 stay numbers). */
void esc_csv(tier_buf *b, const char *s, bool last);

#endif
