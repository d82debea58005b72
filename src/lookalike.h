/*
 * lookalike.h - characters that look like ASCII but are not (lookalike.c).
 */
#ifndef TIER_LOOKALIKE_H
#define TIER_LOOKALIKE_H

#include "tier_int.h"

/* The source as the lexer reads it: text[0, len), and map[k], the offset
 * in the file of the character that text[k] comes from (map[len] is the
 * file's length).  map is NULL when text is the file itself. */
struct folded {
  const char *text;
  size_t len;
  const uint32_t *map;
};

/* Fold the look-alikes outside strings and comments of the (valid UTF-8)
 * file s[0, n) to their ASCII, with one error per line that has any, at
 * those characters of file number `file`.  Returns whether there were any;
 * out is the file itself when there were none (or memory ran out: then
 * ar->failed). */
bool lookalike_fold(struct arena *ar, struct diags *dg, uint32_t file, const char *s, size_t n, struct folded *out);

/* The encoding a file that is not UTF-8 is most likely in: "UTF-16",
 * "UTF-32" (by byte-order mark, or by the zero bytes of ASCII in UTF-16),
 * "EUC-JP" or "Shift_JIS" (when every byte above 0x7F is part of one of
 * their two-byte characters), else "Windows-1252 (Latin-1)". */
const char *encoding_guess(const char *s, size_t n);
/* "UTF-16" or "UTF-32" when s[0, n) is in one of them (which may be valid
 * UTF-8 too: ASCII in UTF-16 is ASCII and zero bytes), else NULL. */
const char *encoding_wide(const char *s, size_t n);

#endif
