/*
 * token_mutator.h - a libFuzzer custom mutator for .tier text (issue 14).
 *
 * Byte mutation rarely turns one valid ruleset into another: most of what
 * it makes dies in the lexer.  This mutator works on tokens instead: it
 * splits the input as the lexer would (words, numbers, strings, backquoted
 * names, comments, operators, white space) and inserts, deletes, swaps or
 * replaces tokens, or copies a run of them elsewhere.  A token it adds is a
 * keyword of the lexer's own tables (lex_keyword: one source, as
 * tests/sh/keywords.sh holds the other lists to), an operator, or one of
 * the input's own tokens (its names, numbers and strings), so that the
 * result usually lexes and often parses and types.  One mutation in eight
 * is libFuzzer's own byte mutation, so nothing byte mutation reaches is
 * lost.
 *
 * Included by fuzz_compile.c only (it defines LLVMFuzzerCustomMutator).
 */
#ifndef TIER_TOKEN_MUTATOR_H
#define TIER_TOKEN_MUTATOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h" /* lex_keyword */

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

struct tm_tok {
  uint32_t at, len;
};

/* The operators and punctuation of the grammar (grammar/lexer.l's rules). */
static const char *const TM_OPERATORS[] = {"<", ">", "<=", ">=", "==", "!=", "+", "-",  "*", "/",  "%", "=", ";",
                                           ":", ",", "(",  ")",  "{",  "}",  ".", "..", "?", "\"", "`", "#", "\n"};

static uint64_t tm_state;
static uint32_t tm_below(uint32_t n) {
  tm_state ^= tm_state << 13;
  tm_state ^= tm_state >> 7;
  tm_state ^= tm_state << 17;
  return n ? (uint32_t)(tm_state % n) : 0;
}

static int tm_word_byte(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static int tm_blank(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The length of the token at d[0..n): a word or number (a decimal point
 * and a date's dashes included), a string or backquoted name up to its
 * closing quote (escapes skipped) or the line's end, a comment to the
 * line's end, a run of white space, a two-byte operator, else one byte. */
static uint32_t tm_token_len(const uint8_t *d, size_t n) {
  size_t k = 1;
  if (tm_word_byte(d[0])) {
    while (k < n &&
           (tm_word_byte(d[k]) ||
            ((d[k] == '.' || d[k] == '-') && k + 1 < n && d[k + 1] >= '0' && d[k + 1] <= '9' && d[0] >= '0' && d[0] <= '9')))
      k++;
  } else if (d[0] == '"' || d[0] == '`') {
    while (k < n && d[k] != d[0] && d[k] != '\n') k += d[k] == '\\' && k + 1 < n ? 2 : 1;
    if (k < n && d[k] == d[0]) k++;
  } else if (d[0] == '#') {
    while (k < n && d[k] != '\n') k++;
  } else if (tm_blank(d[0])) {
    while (k < n && tm_blank(d[k])) k++;
  } else if (n > 1 && ((strchr("<>=!", d[0]) && d[1] == '=') || (d[0] == '.' && d[1] == '.'))) {
    k = 2;
  }
  return (uint32_t)(k < n ? k : n);
}

/* The tokens of d[0..n) into t (at most max), white space left out. */
static size_t tm_tokens(const uint8_t *d, size_t n, struct tm_tok *t, size_t max) {
  size_t nt = 0;
  for (size_t at = 0; at < n && nt < max;) {
    uint32_t len = tm_token_len(d + at, n - at);
    if (!tm_blank(d[at])) t[nt++] = (struct tm_tok){(uint32_t)at, len};
    at += len;
  }
  return nt;
}

/* A token to add: a keyword, an operator, or one of the input's tokens
 * (which the caller copies out before the input is rewritten). */
static const char *tm_new_token(const uint8_t *d, const struct tm_tok *t, size_t nt, size_t *len) {
  switch (tm_below(nt ? 3 : 2)) {
  case 0: {
    size_t nk = 0;
    while (lex_keyword(nk)) nk++;
    const char *w = lex_keyword(tm_below((uint32_t)nk));
    *len = strlen(w);
    return w;
  }
  case 1: {
    const char *w = TM_OPERATORS[tm_below(sizeof TM_OPERATORS / sizeof TM_OPERATORS[0])];
    *len = strlen(w);
    return w;
  }
  default: {
    const struct tm_tok *k = &t[tm_below((uint32_t)nt)];
    *len = k->len;
    return (const char *)d + k->at;
  }
  }
}

/* out = in with bytes [from, to) replaced by ins (a space on each side, so
 * that words do not run together); 0 if it would not fit max. */
static size_t tm_splice(const uint8_t *in, size_t n, size_t from, size_t to, const uint8_t *ins, size_t nins, uint8_t *out,
                        size_t max) {
  if (!nins) /* a deletion takes the blanks after the token too, so that they do not pile up */
    while (to < n && (in[to] == ' ' || in[to] == '\t')) to++;
  bool before = nins && from > 0 && !tm_blank(in[from - 1]), after = nins && to < n && !tm_blank(in[to]);
  size_t total = from + before + nins + after + (n - to);
  if (total > max) return 0;
  memcpy(out, in, from);
  size_t k = from;
  if (before) out[k++] = ' ';
  if (nins) memcpy(out + k, ins, nins);
  k += nins;
  if (after) out[k++] = ' ';
  memcpy(out + k, in + to, n - to);
  return total;
}

/* One token-level edit of d[0..size) into out; its size, or 0 if none. */
static size_t tm_edit(const uint8_t *d, size_t size, const struct tm_tok *t, size_t nt, uint8_t *out, size_t max) {
  uint8_t piece[4096];
  size_t np = 0;
  const struct tm_tok *a = &t[tm_below((uint32_t)nt)], *b = &t[tm_below((uint32_t)nt)];
  if (a->at > b->at) {
    const struct tm_tok *x = a;
    a = b;
    b = x;
  }
  switch (tm_below(4)) {
  case 0: { /* a new token before a, or in a's place */
    size_t len;
    const char *w = tm_new_token(d, t, nt, &len);
    np = len < sizeof piece ? len : sizeof piece;
    memcpy(piece, w, np);
    return tm_splice(d, size, a->at, tm_below(2) ? a->at + a->len : a->at, piece, np, out, max);
  }
  case 1: /* delete a */ return tm_splice(d, size, a->at, a->at + a->len, NULL, 0, out, max);
  case 2: { /* swap a and b */
    if (a == b || a->at + a->len > b->at || a->len + b->len > sizeof piece) return 0;
    size_t k = 0;
    memcpy(out, d, a->at);
    k = a->at;
    memcpy(out + k, d + b->at, b->len);
    k += b->len;
    memcpy(out + k, d + a->at + a->len, b->at - (a->at + a->len));
    k += b->at - (a->at + a->len);
    memcpy(out + k, d + a->at, a->len);
    k += a->len;
    memcpy(out + k, d + b->at + b->len, size - (b->at + b->len));
    return k + size - (b->at + b->len);
  }
  default: { /* copy the run of tokens a..b before a random token */
    size_t len = b->at + b->len - a->at;
    if (len > sizeof piece) return 0;
    memcpy(piece, d + a->at, len);
    const struct tm_tok *c = &t[tm_below((uint32_t)nt)];
    return tm_splice(d, size, c->at, c->at, piece, len, out, max);
  }
  }
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  tm_state = (uint64_t)seed * 0x9E3779B97F4A7C15ull | 1;
  if (size == 0 || tm_below(8) == 0) return LLVMFuzzerMutate(data, size, max_size);
  struct tm_tok *t = malloc((size + 1) * sizeof *t);
  uint8_t *out = malloc(max_size + 1);
  size_t n = 0;
  if (t && out) {
    size_t nt = tm_tokens(data, size, t, size + 1);
    if (nt) n = tm_edit(data, size, t, nt, out, max_size);
    if (n) memcpy(data, out, n);
  }
  free(t);
  free(out);
  return n ? n : LLVMFuzzerMutate(data, size, max_size);
}

#endif
