/*
 * stream.c - records from an input stream; see stream.h.  In array mode the
 * splitter tracks strings and nesting to find each element's end, so that a
 * bad element is reported as one bad record and the next one is still read.
 */
#include <string.h>

#include "stream.h"

void stream_init(struct stream *s, FILE *f) {
  memset(s, 0, sizeof *s);
  s->f = f;
  s->line = 1;
  s->col = 1;
  s->peeked = EOF - 1;
}

void stream_free(struct stream *s) { buf_free(&s->rec); }

static int get(struct stream *s) {
  int c;
  if (s->peeked != EOF - 1) { c = s->peeked; s->peeked = EOF - 1; }
  else c = getc(s->f);
  if (c == '\n') { s->line++; s->col = 1; }
  else if (c != EOF && (c & 0xC0) != 0x80) s->col++;
  return c;
}
static int peek(struct stream *s) {
  if (s->peeked == EOF - 1) s->peeked = getc(s->f);
  return s->peeked;
}
static bool blank(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static int next_line(struct stream *s) {
  for (;;) {
    s->rec.n = 0;
    s->rec_line = s->line;
    s->rec_col = 1;
    int c;
    bool any = false, sawnl = false;
    while ((c = get(s)) != EOF) {
      if (c == '\n') { sawnl = true; break; }
      buf_u8(&s->rec, (uint8_t)c);
      if (!blank(c)) any = true;
    }
    if (any) return 1;
    if (!sawnl) return 0; /* end of input */
  }
}

/* One element of the array: bytes up to the ',' or ']' at depth 0. */
static int next_element(struct stream *s) {
  int c;
  s->rec.n = 0;
  s->err[0] = 0;
  if (s->mode == 3) {
    while ((c = get(s)) != EOF)
      if (!blank(c)) {
        snprintf(s->err, sizeof s->err, "malformed JSON at line %ld, column %ld: text after the end of the array",
                 s->line, s->col - 1);
        s->rec_line = s->line;
        while (get(s) != EOF) {}
        return 1;
      }
    return 0;
  }
  while ((c = peek(s)) != EOF && blank(c)) get(s);
  s->rec_line = s->line;
  s->rec_col = s->col;
  if (c == EOF) {
    snprintf(s->err, sizeof s->err, "malformed JSON at line %ld, column %ld: the array is not closed with ']'", s->line, s->col);
    s->mode = 3;
    return 1;
  }
  if (c == ']') { get(s); s->mode = 3; return next_element(s); }
  int depth = 0;
  bool str = false, esc = false;
  while ((c = peek(s)) != EOF) {
    if (!str && depth == 0 && (c == ',' || c == ']')) break;
    get(s);
    buf_u8(&s->rec, (uint8_t)c);
    if (str) {
      if (esc) esc = false;
      else if (c == '\\') esc = true;
      else if (c == '"') str = false;
    } else if (c == '"') str = true;
    else if (c == '{' || c == '[') depth++;
    else if (c == '}' || c == ']') depth--;
  }
  if (c == EOF) {
    if (!s->err[0])
      snprintf(s->err, sizeof s->err, "malformed JSON at line %ld, column %ld: unexpected end of input inside the array", s->line, s->col);
    s->mode = 3;
    return 1;
  }
  get(s); /* the ',' or ']' */
  if (c == ']') s->mode = 3;
  else {
    /* a ',' must be followed by another element */
    int d;
    while ((d = peek(s)) != EOF && blank(d)) get(s);
    if (d == ']') {
      snprintf(s->err, sizeof s->err, "malformed JSON at line %ld, column %ld: ',' before ']'", s->line, s->col);
      get(s);
      s->mode = 3;
    }
  }
  size_t k = 0;
  while (k < s->rec.n && blank(s->rec.p[k])) k++;
  if (k == s->rec.n && !s->err[0])
    snprintf(s->err, sizeof s->err, "malformed JSON at line %ld, column %ld: empty array element", s->rec_line, s->rec_col);
  return 1;
}

int stream_next(struct stream *s) {
  s->err[0] = 0;
  if (s->mode == 0) {
    int c;
    while ((c = peek(s)) != EOF && blank(c)) get(s);
    if (c == EOF) return 0;
    if (c == '[') {
      get(s);
      s->mode = 2;
      while ((c = peek(s)) != EOF && blank(c)) get(s);
      if (c == ']') { get(s); s->mode = 3; }
    } else {
      s->mode = 1;
    }
  }
  return s->mode == 1 ? next_line(s) : next_element(s);
}
