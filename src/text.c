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

/* One piece of s[0 .. n) (n > 0) as a JSON string writes it - the one rule
 * of every JSON string the library writes and of a key in a record's path
 * (rec_path_key): 0 when the piece stands as it is, *used bytes of it (a
 * printable ASCII byte but '"' and '\\', or a whole UTF-8 sequence that is
 * not a control character); else its escape in esc, NUL-terminated, and
 * the escape's length: \" \\ \n \t \r, \u00XX for the other control
 * characters (C0, DEL and C1, U+0080 .. U+009F, which a terminal may obey),
 * \ufffd for a byte that starts no valid UTF-8 sequence (*used = 1). */
size_t json_esc(const char *s, size_t n, size_t *used, char esc[8]) {
  static const char hex[] = "0123456789abcdef";
  unsigned char c = (unsigned char)s[0];
  unsigned cp = c;
  *used = 1;
  if (c >= 0x80) {
    size_t len = utf8_seq(s, n);
    if (!len) {
      memcpy(esc, "\\ufffd", 7);
      return 6;
    }
    *used = len;
    if (len > 2 || c != 0xC2 || (unsigned char)s[1] >= 0xA0) return 0;
    cp = (unsigned char)s[1]; /* U+0080 .. U+009F */
  } else if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\') return 0;
  esc[0] = '\\';
  switch (cp) {
  case '"': esc[1] = '"'; break;
  case '\\': esc[1] = '\\'; break;
  case '\n': esc[1] = 'n'; break;
  case '\t': esc[1] = 't'; break;
  case '\r': esc[1] = 'r'; break;
  default:
    memcpy(esc + 1, "u00", 3);
    esc[4] = hex[cp >> 4];
    esc[5] = hex[cp & 15];
    esc[6] = 0;
    return 6;
  }
  esc[2] = 0;
  return 2;
}

/* s (n bytes) as a JSON string literal, each piece as json_esc says: UTF-8
 * out whatever the input bytes. */
void out_json_str(struct buf *b, const char *s, size_t n) {
  buf_u8(b, '"');
  size_t run = 0, i = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') { /* json_esc's first case, in line */
      run++, i++;
      continue;
    }
    char esc[8];
    size_t used, e = json_esc(s + i, n - i, &used, esc);
    if (e) {
      buf_put(b, s + i - run, run);
      buf_put(b, esc, e);
      run = 0;
    } else run += used;
    i += used;
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
