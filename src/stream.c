/*
 * stream.c - records from an input stream; see stream.h.  In array mode the
 * splitter tracks strings and nesting to find each element's end, so that a
 * bad element is reported as one bad record and the next one is still read.
 */
#include <stdlib.h>
#include <string.h>

#include "stream.h"

#define BLOCK (1u << 20)
/* Bytes read at a time into the block: the line ends are found in them
 * while the kernel's copy is still in the core's cache (a whole block at a
 * time, the search read it back from further out: memchr took 1.8x as
 * long on tiervm -j 2, docs/design-notes.md, "Reading in pieces"). */
#define CHUNK (1u << 16)

void stream_init(struct stream *s, FILE *f, const struct tier_alloc_hook *hook) {
  memset(s, 0, sizeof *s);
  s->f = f;
  s->hook = hook;
  s->line = 1;
  s->col = 1;
  s->max = LIM_RECORD_BYTES;
}

static void free_spares(struct stream *s) {
  while (s->nspare > 0) {
    s->nspare--;
    t_free(s->hook, s->spare[s->nspare], s->spare_cap[s->nspare]);
  }
}

void stream_let_go(struct tier_hold *h) {
  if (!h || --h->refs > 0) return;
  struct tier_alloc_hook hook = h->hook;
  struct stream *s = h->owner;
  if (s) {
    if (h->prev) h->prev->next = h->next;
    else s->holds = h->next;
    if (h->next) h->next->prev = h->prev;
    if (s->nspare < STREAM_SPARES && h->cap == s->cap) {
      s->spare[s->nspare] = h->buf;
      s->spare_cap[s->nspare++] = h->cap;
      h->buf = NULL;
    }
  }
  if (h->buf) t_free(&hook, h->buf, h->cap);
  t_free(&hook, h, sizeof *h);
}

void stream_free(struct stream *s) {
  for (struct tier_hold *h = s->holds; h; h = h->next) h->owner = NULL; /* they outlive it */
  s->holds = NULL;
  if (s->hold) stream_let_go(s->hold); /* the stream's own count: freed with the last holder's */
  else t_free(s->hook, s->buf, s->cap);
  free_spares(s);
  s->hold = NULL;
  s->buf = NULL;
  s->cap = 0;
}

struct tier_hold *stream_hold(struct stream *s) {
  if (!s->buf) return NULL;
  if (!s->hold) {
    struct tier_hold *h = t_malloc(s->hook, sizeof *h);
    if (!h) return NULL;
    *h = (struct tier_hold){1, s->buf, s->cap, s->hook ? *s->hook : (struct tier_alloc_hook){0}, s, NULL, s->holds};
    if (s->holds) s->holds->prev = h;
    s->holds = h;
    s->hold = h; /* the stream's count */
  }
  s->hold->refs++;
  return s->hold;
}

/* The size of the buffer for the kept bytes and the next chunk: doubling
 * when less than a chunk would be free, but not past what the longest
 * record needs (what is kept is never more than max: a longer record is
 * dropped as it comes). */
static size_t next_cap(const struct stream *s, size_t kept) {
  if (s->cap - kept >= CHUNK) return s->cap;
  size_t cap = s->cap ? s->cap * 2 : BLOCK, most = s->max + BLOCK;
  return cap > most && most > s->cap ? most : cap;
}

/* buf[keep, end) to the front of a buffer of cap bytes: the same one,
 * moved and grown, or a new one when the block is held (the holders keep
 * the old one).  false when out of memory. */
static bool move_kept(struct stream *s, size_t keep, size_t cap) {
  size_t kept = s->end - keep;
  if (s->hold) {
    if (s->nspare > 0 && s->spare_cap[s->nspare - 1] != cap) free_spares(s); /* blocks only grow: none fits again */
    bool spare = s->nspare > 0;
    char *b = spare ? s->spare[s->nspare - 1] : t_malloc(s->hook, cap);
    if (!b) return false;
    if (spare) s->nspare--;
    if (kept) memcpy(b, s->buf + keep, kept);
    stream_let_go(s->hold);
    s->hold = NULL;
    s->buf = b;
  } else {
    if (keep > 0 && kept) memmove(s->buf, s->buf + keep, kept);
    if (cap != s->cap) {
      char *b = t_realloc(s->hook, s->buf, s->cap, cap);
      if (!b) return false;
      s->buf = b;
    }
  }
  s->cap = cap;
  s->base += keep;
  s->end -= keep;
  s->start -= keep;
  return true;
}

/* Read more, at most CHUNK bytes, after the data; buf[keep, end) is kept.
 * The block is read on into while a chunk is free after its data; then
 * the kept bytes move to the front, or to a bigger block when they fill
 * half of it.  A held block is never moved: its kept bytes go to a new
 * block (a spare when there is one) and the holders keep the old.  So a
 * move changes start: what the callers keep across a refill is counted
 * from start.  Returns false at end of input (or on failure, with
 * s->failed). */
static bool refill(struct stream *s, size_t keep) {
  if (s->eof) return false;
  size_t cap = next_cap(s, s->end - keep);
  bool move = s->cap - s->end < CHUNK || cap != s->cap;
  if (move && !move_kept(s, keep, cap)) {
    s->failed = s->eof = true;
    return false;
  }
  size_t room = s->cap - s->end;
  size_t n = fread(s->buf + s->end, 1, room < CHUNK ? room : CHUNK, s->f);
  s->end += n;
  if (n == 0) s->eof = true;
  return n > 0;
}

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Advance start to `to`, counting lines and columns (characters). */
static void consume(struct stream *s, size_t to) {
  for (size_t i = s->start; i < to; i++) {
    char c = s->buf[i];
    if (c == '\n') { s->line++; s->col = 1; }
    else if ((c & 0xC0) != 0x80) s->col++;
  }
  s->start = to;
}

/* The record that was too long, as an error in its place. */
static int too_long(struct stream *s, long line, const char *what) {
  text_printf(s->err, sizeof s->err, _("%s %ld is longer than the limit of %zu bytes (--max-record)"), what, line, s->max);
  s->rec_line = line;
  s->rec_n = 0;
  s->skipping = false;
  return 1;
}

/* One line.  s->scan is how much of the line is already known to hold no
 * newline, so that a long line is searched once; a line longer than s->max
 * is dropped as it comes, so that memory stays within the limit. */
static int next_line(struct stream *s) {
  for (;;) {
    size_t from = s->start + s->scan;
    char *nl = from < s->end ? memchr(s->buf + from, '\n', s->end - from) : NULL;
    if (!nl) {
      s->scan = s->end - s->start;
      if (s->scan > s->max) {
        if (!s->skipping) {
          s->skip_line = s->line;
          s->skip_blank = true;
        }
        s->skipping = true;
        for (size_t i = s->start; i < s->end && s->skip_blank; i++) s->skip_blank = blank(s->buf[i]);
        s->start = s->end;
        s->scan = 0;
      }
      if (refill(s, s->start)) continue;
      if (s->start == s->end && !s->skipping) return 0;
      nl = s->buf + s->end; /* last line without a newline */
    }
    size_t at = (size_t)(nl - s->buf);
    s->scan = 0;
    s->rec = s->buf + s->start;
    s->rec_n = at - s->start;
    s->rec_line = s->line;
    s->rec_col = 1;
    bool any = s->skipping && !s->skip_blank;
    for (size_t i = 0; i < s->rec_n && !any; i++) any = !blank(s->rec[i]);
    bool skipped = s->skipping || s->rec_n > s->max;
    long line = s->skipping ? s->skip_line : s->line;
    s->skipping = false;
    s->start = at < s->end ? at + 1 : at;
    s->line++;
    if (skipped && any) return too_long(s, line, _("line")); /* a blank line is no record, however long */
    if (any) return 1;
  }
}

static int fail_here(struct stream *s, const char *what) {
  json_syntax_text(s->err, sizeof s->err, s->line, s->col, what);
  s->rec_line = s->line;
  s->rec_n = 0;
  return 1;
}

/* Skip blanks; false at end of input. */
static bool skip_blanks(struct stream *s) {
  for (;;) {
    while (s->start < s->end && blank(s->buf[s->start])) consume(s, s->start + 1);
    if (s->start < s->end) return true;
    if (!refill(s, s->start)) return false;
  }
}

/* One element of the array: bytes up to the ',' or ']' at depth 0. */
static int next_element(struct stream *s) {
  if (s->mode == 3) {
    if (!skip_blanks(s)) return 0;
    /* a byte order mark there (an array file pasted after another) is said
     * as the records' JSON says it (json_bom_fault) */
    while (s->end - s->start < 3 && refill(s, s->start)) {}
    const char *bom = json_bom_fault(s->buf + s->start, s->buf + s->end);
    fail_here(s, bom ? bom : _("text after the end of the array"));
    s->start = s->end;
    s->eof = true;
    return 1;
  }
  if (!skip_blanks(s)) {
    s->mode = 3;
    return fail_here(s, _("the array is not closed with ']'"));
  }
  if (s->buf[s->start] == ']') {
    consume(s, s->start + 1);
    s->mode = 3;
    if (s->after_comma) return fail_here(s, _("',' before ']'"));
    return next_element(s);
  }
  s->rec_line = s->line;
  s->rec_col = s->col;
  s->scan = 0; /* how far the element is scanned, from start */
  s->depth = 0;
  s->str = s->esc = false;
  for (;;) {
    size_t i = s->start + s->scan;
    const char *b = s->buf;
    for (; i < s->end; i++) {
      char c = b[i];
      if (s->str) {
        if (s->esc) s->esc = false;
        else if (c == '\\') s->esc = true;
        else if (c == '"') s->str = false;
      } else if (c == '"') s->str = true;
      else if (c == '{' || c == '[') s->depth++;
      else if (c == '}' || c == ']') {
        if (s->depth == 0) break;
        s->depth--;
      } else if (c == ',' && s->depth == 0) break;
    }
    if (i < s->end) {
      s->rec = s->buf + s->start;
      s->rec_n = i - s->start;
      char c = s->buf[i];
      bool skipped = s->skipping || s->rec_n > s->max;
      consume(s, i + 1);
      s->after_comma = c == ',';
      if (c == ']') s->mode = 3;
      if (skipped) return too_long(s, s->rec_line, _("the record at line"));
      return 1;
    }
    if (i - s->start > s->max) { /* too long: pass over it, counting lines, keeping nothing */
      s->skipping = true;
      consume(s, i);
    }
    s->scan = i - s->start;
    if (!refill(s, s->start)) {
      s->mode = 3;
      s->skipping = false;
      s->rec = s->buf + s->start;
      s->rec_n = s->end - s->start;
      consume(s, s->end);
      json_syntax_text(s->err, sizeof s->err, s->line, s->col, _("unexpected end of input inside the array"));
      return 1;
    }
  }
}

/* A UTF-8 byte-order mark at the very start of the input (editors on
 * Windows write one) is not part of the first record; it takes no column. */
static void skip_bom(struct stream *s) {
  while (s->end - s->start < 3 && refill(s, s->start)) {}
  if (s->buf) s->start += utf8_bom(s->buf + s->start, s->end - s->start); /* no buffer: out of memory */
}

int stream_next(struct stream *s) {
  s->err[0] = 0;
  if (s->mode == 0) {
    if (s->base + s->start == 0) skip_bom(s);
    if (!skip_blanks(s)) return 0;
    if (s->buf[s->start] == '[') {
      consume(s, s->start + 1);
      s->mode = 2;
      if (skip_blanks(s) && s->buf[s->start] == ']') {
        consume(s, s->start + 1);
        s->mode = 3;
      }
    } else {
      s->mode = 1;
    }
  }
  return s->mode == 1 ? next_line(s) : next_element(s);
}
