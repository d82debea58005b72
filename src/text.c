/*
 * text.c - text the library writes: JSON string literals (the one writer
 * every JSON output uses) and tier_buf, the public face of struct buf that
 * the library's text outputs (tier_fmt, tier_disasm, ...) append to and
 * the tools build their output with.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tier_int.h"

/* s (n bytes) as a JSON string literal: the short escapes, \u00XX for the
 * other control characters, and whatever the input bytes, UTF-8 out: a
 * byte that does not start a valid sequence becomes U+FFFD. */
void out_json_str(struct buf *b, const char *s, size_t n) {
  buf_u8(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') { run++; continue; }
    if (c >= 0x80) {
      size_t len = utf8_seq(s + i, n - i);
      if (len) { run += len; i += len - 1; continue; }
    }
    buf_put(b, s + i - run, run);
    run = 0;
    switch (c) {
    case '"': buf_put(b, "\\\"", 2); break;
    case '\\': buf_put(b, "\\\\", 2); break;
    case '\n': buf_put(b, "\\n", 2); break;
    case '\t': buf_put(b, "\\t", 2); break;
    case '\r': buf_put(b, "\\r", 2); break;
    default:
      if (c >= 0x80) buf_put(b, "\\ufffd", 6);
      else buf_printf(b, "\\u%04x", c);
    }
  }
  buf_put(b, s + n - run, run);
  buf_u8(b, '"');
}

/* A C string as JSON, or null. */
void out_json_cstr(struct buf *b, const char *s) {
  if (s) out_json_str(b, s, strlen(s));
  else buf_put(b, "null", 4);
}

/* ---- tier_buf ----------------------------------------------------------------------- */

struct tier_buf {
  struct tier_alloc_hook hook;
  struct buf b; /* b.hook points at hook above */
};

tier_buf *tier_buf_new(const tier_options *opt) {
  struct tier_alloc_hook h = hook_of(opt);
  tier_buf *t = t_malloc(&h, sizeof *t);
  if (!t) return NULL;
  memset(t, 0, sizeof *t);
  t->hook = h;
  t->b.hook = &t->hook;
  return t;
}

void tier_buf_free(tier_buf *t) {
  if (!t) return;
  struct tier_alloc_hook h = t->hook;
  buf_free(&t->b);
  t_free(&h, t, sizeof *t);
}

struct buf *tier_buf_inner(tier_buf *t) { return &t->b; }

void tier_buf_put(tier_buf *t, const void *p, size_t n) { buf_put(&t->b, p, n); }
void tier_buf_puts(tier_buf *t, const char *s) { buf_put(&t->b, s, strlen(s)); }
void tier_buf_putc(tier_buf *t, int c) { buf_u8(&t->b, (uint8_t)c); }
void tier_buf_json(tier_buf *t, const char *s) { out_json_cstr(&t->b, s); }
int tier_buf_failed(const tier_buf *t) { return t->b.failed; }
size_t tier_buf_len(const tier_buf *t) { return t->b.n; }

void tier_buf_printf(tier_buf *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(&t->b, fmt, ap);
  va_end(ap);
}

const char *tier_buf_text(tier_buf *t, size_t *len) {
  if (t->b.failed || !buf_reserve(&t->b, 1)) return NULL;
  t->b.p[t->b.n] = 0; /* past the end: not counted, so appends go on from n */
  if (len) *len = t->b.n;
  return (const char *)t->b.p;
}

/* The block is cut to the text and its NUL, so that the caller can tell
 * the allocator its size (tier_free_bytes(opt, p, len + 1)). */
char *tier_buf_detach(tier_buf *t, size_t *len) {
  size_t n;
  if (!tier_buf_text(t, &n)) return NULL;
  char *p = t_realloc(&t->hook, t->b.p, t->b.cap, n + 1);
  if (!p) return NULL; /* b keeps its text */
  t->b.p = NULL;
  t->b.n = t->b.cap = 0;
  if (len) *len = n;
  return p;
}

int tier_read_file(const char *path, size_t max, tier_buf *out, char *err, size_t errlen) {
  return file_read(path, max, &out->b, err, errlen);
}

void tier_buf_clear(tier_buf *t) {
  t->b.n = 0;
  t->b.failed = false;
}
