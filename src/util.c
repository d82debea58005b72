/*
 * util.c - memory (allocator hook, arena, byte buffer), diagnostics, UTF-8
 * validation and calendar arithmetic: the small pieces every stage uses.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "tier_int.h"

/* ---- allocator hook ------------------------------------------------------- */

void *t_realloc(const struct tier_alloc_hook *h, void *p, size_t o, size_t n) {
  if (h && h->fn) return h->fn(h->ud, p, o, n);
  if (n == 0) { free(p); return NULL; }
  return realloc(p, n);
}
/* The allocator opt names; no options or no allocator: malloc and free
 * (t_realloc's default). */
struct tier_alloc_hook hook_of(const tier_options *opt) {
  struct tier_alloc_hook h = {opt ? opt->alloc : NULL, opt ? opt->alloc_ud : NULL};
  return h;
}
void *t_malloc(const struct tier_alloc_hook *h, size_t n) {
  return t_realloc(h, NULL, 0, n ? n : 1);
}
void t_free(const struct tier_alloc_hook *h, void *p, size_t n) {
  if (p) t_realloc(h, p, n ? n : 1, 0);
}

/* ---- arena ------------------------------------------------------------------ */

struct arena_blk {
  struct arena_blk *next;
  size_t size, used;
  _Alignas(16) unsigned char data[];
};

void arena_init(struct arena *a, const struct tier_alloc_hook *h) {
  a->hook = h;
  a->blk = NULL;
  a->failed = false;
}

void *arena_alloc(struct arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  struct arena_blk *b = a->blk;
  if (!b || b->size - b->used < n) {
    size_t sz = n > 32768 ? n : 32768;
    if (sz > SIZE_MAX - sizeof *b) { a->failed = true; return NULL; }
    b = t_malloc(a->hook, sizeof *b + sz);
    if (!b) { a->failed = true; return NULL; }
    b->size = sz;
    b->used = 0;
    b->next = a->blk;
    a->blk = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  if (!p) return NULL;
  if (n) memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *p = arena_alloc(a, (size_t)n + 1);
  if (!p) return NULL;
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void arena_free(struct arena *a) {
  struct arena_blk *b = a->blk;
  while (b) {
    struct arena_blk *nx = b->next;
    t_free(a->hook, b, sizeof *b + b->size);
    b = nx;
  }
  a->blk = NULL;
}

/* ---- did you mean ------------------------------------------------------------ */

/* Levenshtein distance; names longer than an identifier count as far apart. */
static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > LIM_IDENT || lb > LIM_IDENT) return 99;
  size_t row[LIM_IDENT + 1];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t cur = row[j];
      size_t best = prev + (a[i - 1] != b[j - 1]);
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      prev = cur;
    }
  }
  return row[lb];
}

void suggest_try(struct suggest *s, const char *want, const char *cand) {
  if (!cand || s->off) return;
  size_t d = edit_distance(want, cand);
  size_t lim = strlen(want) / 3 + 1;
  if (lim > 3) lim = 3;
  if (d <= lim && (!s->best || d < s->dist)) { s->best = cand; s->dist = d; }
}

/* ---- byte buffer -------------------------------------------------------------- */

bool buf_reserve(struct buf *b, size_t extra) {
  if (b->failed) return false;
  if (b->cap - b->n >= extra) return true;
  size_t cap = b->cap ? b->cap : 256;
  while (cap - b->n < extra) {
    if (cap > SIZE_MAX / 2) { b->failed = true; return false; }
    cap *= 2;
  }
  uint8_t *p = t_realloc(b->hook, b->p, b->cap, cap);
  if (!p) { b->failed = true; return false; }
  b->p = p;
  b->cap = cap;
  return true;
}
void buf_put(struct buf *b, const void *p, size_t n) {
  if (n == 0 || !buf_reserve(b, n)) return;
  memcpy(b->p + b->n, p, n);
  b->n += n;
}
void buf_u8(struct buf *b, uint8_t v) { buf_put(b, &v, 1); }
void buf_u16(struct buf *b, uint16_t v) {
  uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
  buf_put(b, x, 2);
}
void buf_u32(struct buf *b, uint32_t v) {
  uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  buf_put(b, x, 4);
}
void buf_u64(struct buf *b, uint64_t v) {
  buf_u32(b, (uint32_t)v);
  buf_u32(b, (uint32_t)(v >> 32));
}
void buf_i128(struct buf *b, __int128 v) {
  unsigned __int128 u = (unsigned __int128)v;
  buf_u64(b, (uint64_t)u);
  buf_u64(b, (uint64_t)(u >> 64));
}
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) {
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  if (n >= 0 && buf_reserve(b, (size_t)n + 1)) {
    vsnprintf((char *)b->p + b->n, (size_t)n + 1, fmt, again);
    b->n += (size_t)n;
  }
  va_end(again);
}
void buf_printf(struct buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(b, fmt, ap);
  va_end(ap);
}
void buf_free(struct buf *b) {
  t_free(b->hook, b->p, b->cap);
  b->p = NULL;
  b->n = b->cap = 0;
}

/* ---- files ----------------------------------------------------------------------- */

const char *tier_file_kind(unsigned mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return _("a regular file");
  case S_IFDIR: return _("a directory");
  case S_IFIFO: return _("a FIFO");
  case S_IFCHR: return _("a character device");
  case S_IFBLK: return _("a block device");
  case S_IFSOCK: return _("a socket");
  case S_IFLNK: return _("a symbolic link");
  }
  return _("not a regular file");
}

/* Opening with O_NONBLOCK returns at once even for a FIFO nobody writes to;
 * fstat then tells what was opened, and only then does reading start (with
 * blocking restored, for a slow disk).  The limit is checked as the bytes
 * come, so /dev/zero or a huge file costs at most `max` bytes of memory. */
int file_read(const char *path, size_t max, struct buf *out, char *err, size_t errlen) {
  char cut[TEXT_PATH_ROOM]; /* the path as the messages show it: cut first, so that the reason is kept */
  size_t room = errlen > FILE_ERR_WORDS + sizeof TEXT_CUT ? errlen - FILE_ERR_WORDS : sizeof TEXT_CUT + 1; /* room for "..." */
  const char *shown = text_shown(cut, room < sizeof cut ? room : sizeof cut, path);
  bool std = strcmp(path, "-") == 0;
  int fd = std ? STDIN_FILENO : open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    text_printf(err, errlen, _("cannot open '%s': %s"), shown, strerror(errno));
    return TIER_EIO;
  }
  struct stat st;
  if (!std) {
    bool ok = fstat(fd, &st) == 0;
    if (!ok || !S_ISREG(st.st_mode)) {
      if (ok) text_printf(err, errlen, _("'%s' is %s, not a regular file"), shown, tier_file_kind(st.st_mode));
      else text_printf(err, errlen, _("cannot read '%s': %s"), shown, strerror(errno));
      close(fd);
      return TIER_EIO;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  }
  int rc = TIER_OK;
  for (;;) {
    size_t room = max - out->n < 65536 ? max - out->n + 1 : 65536; /* one byte past the limit tells */
    if (!buf_reserve(out, room + 1)) {
      rc = TIER_ENOMEM;
      text_printf(err, errlen, _("cannot read '%s': out of memory"), shown);
      break;
    }
    ssize_t k = read(fd, out->p + out->n, room);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      rc = TIER_EIO;
      text_printf(err, errlen, _("cannot read '%s': %s"), shown, strerror(errno));
      break;
    }
    if (k == 0) break;
    out->n += (size_t)k;
    if (out->n > max) {
      rc = TIER_EIO;
      text_printf(err, errlen, _("'%s' is larger than the limit of %zu bytes"), shown, max);
      break;
    }
  }
  if (!std) close(fd);
  if (rc == TIER_OK) out->p[out->n] = 0;
  return rc;
}

/* ---- UTF-8 ---------------------------------------------------------------------- */

/* The length of the strict UTF-8 (RFC 3629) sequence at p: no overlong
 * forms, no surrogates, nothing past U+10FFFF; 0 when the bytes there are
 * not one. */
size_t utf8_seq(const char *s, size_t left) {
  const unsigned char *p = (const unsigned char *)s;
  if (left == 0) return 0;
  unsigned c = p[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c == 0xE0) { len = 3; lo = 0xA0; }
  else if (c >= 0xE1 && c <= 0xEC) len = 3;
  else if (c == 0xED) { len = 3; hi = 0x9F; }
  else if (c >= 0xEE && c <= 0xEF) len = 3;
  else if (c == 0xF0) { len = 4; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) len = 4;
  else if (c == 0xF4) { len = 4; hi = 0x8F; }
  else return 0;
  if (left < len || p[1] < lo || p[1] > hi) return 0;
  for (size_t k = 2; k < len; k++)
    if (p[k] < 0x80 || p[k] > 0xBF) return 0;
  return len;
}

/* Strict UTF-8; on failure *bad is the offset of the first bad byte. */
bool utf8_valid(const char *s, size_t n, size_t *bad) {
  for (size_t i = 0; i < n;) {
    size_t len = utf8_seq(s + i, n - i);
    if (!len) {
      if (bad) *bad = i;
      return false;
    }
    i += len;
  }
  return true;
}

/* At most max bytes of the UTF-8 text s[0, n), not cutting a character:
 * for quoting a part of a value in a message. */
size_t utf8_prefix(const char *s, size_t n, size_t max) {
  if (n <= max) return n;
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
  return max;
}

size_t text_cut(char *buf, size_t room, size_t want) {
  if (!room) return 0;
  if (want < room) return want;
  size_t keep = room > sizeof TEXT_CUT ? room - sizeof TEXT_CUT : 0; /* bytes of the text before the mark */
  keep = utf8_prefix(buf, room - 1, keep);
  if (room <= sizeof TEXT_CUT) {
    buf[keep] = 0;
    return keep;
  }
  memcpy(buf + keep, TEXT_CUT, sizeof TEXT_CUT);
  return keep + sizeof TEXT_CUT - 1;
}

size_t text_vprintf(char *buf, size_t room, const char *fmt, va_list ap) {
  int w = vsnprintf(buf, room, fmt, ap);
  if (w < 0) {
    if (room) buf[0] = 0;
    return 0;
  }
  return text_cut(buf, room, (size_t)w);
}

size_t text_printf(char *buf, size_t room, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = text_vprintf(buf, room, fmt, ap);
  va_end(ap);
  return n;
}

size_t text_append(char *buf, size_t room, size_t len, const char *sep, const char *s) {
  if (len >= room) return room;
  int w = snprintf(buf + len, room - len, "%s%s", sep, s);
  if (w < 0) return len;
  if ((size_t)w < room - len) return len + (size_t)w;
  text_cut(buf, room, len + (size_t)w);
  return room;
}

const char *text_shown(char *tmp, size_t room, const char *s) {
  size_t n = strlen(s);
  if (n < room) return s;
  if (!room) return "";
  memcpy(tmp, s, room - 1);
  tmp[room - 1] = 0;
  text_cut(tmp, room, n);
  return tmp;
}

size_t utf8_bom(const char *s, size_t n) { return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; }

/* A JSON reader's fault at p (before e), said as what it is when p is at a
 * byte order mark that is not a file's first bytes ("invalid token" would
 * name nothing the user sees); else NULL. */
const char *json_bom_fault(const char *p, const char *e) {
  if (!p || p > e || !utf8_bom(p, (size_t)(e - p))) return NULL;
  return _("a byte order mark (U+FEFF, the bytes EF BB BF), which only the start of a file may have: delete it");
}

const char *json_bom_token(const char *text, size_t len, size_t position, bool token_fault) {
  if (!token_fault || position < 3 || position > len) return NULL;
  return json_bom_fault(text + position - 3, text + len);
}

void json_syntax_text(char *out, size_t n, long line, long col, const char *what) {
  text_printf(out, n, _("malformed JSON at line %ld, column %ld: %s"), line, col, what); /* cut as tier_int.h says */
}

/* ---- keyed hashing ------------------------------------------------------------ */

void hash_key_new(struct hash_key *k) {
  /* sodium_init is idempotent and thread-safe; if it fails (no entropy
   * source at all) the key stays fixed, which costs only the protection */
  memset(k->k, 0x5a, sizeof k->k);
  if (sodium_init() >= 0) randombytes_buf(k->k, sizeof k->k);
}

/* SipHash-1-3 (Aumasson and Bernstein's SipHash with one compression round
 * a word and three finalization rounds, the variant the hash tables of
 * Rust and CPython use): a keyed hash, so that records cannot be written
 * to collide in the reader's text table or a count distinct set without
 * the process's random key.  libsodium has only SipHash-2-4, behind a call
 * that costs more than the hash on the few bytes of a key or a name; the
 * record reader hashes every text it reads (record.c, rec_intern). */
static inline uint64_t rotl(uint64_t x, int b) { return x << b | x >> (64 - b); }

#define SIPROUND                                              \
  do {                                                        \
    v0 += v1, v1 = rotl(v1, 13), v1 ^= v0, v0 = rotl(v0, 32); \
    v2 += v3, v3 = rotl(v3, 16), v3 ^= v2;                    \
    v0 += v3, v3 = rotl(v3, 21), v3 ^= v0;                    \
    v2 += v1, v1 = rotl(v1, 17), v1 ^= v2, v2 = rotl(v2, 32); \
  } while (0)

uint64_t hash_bytes(const struct hash_key *k, const void *p, size_t n) {
  const unsigned char *in = p, *end = in + (n & ~(size_t)7);
  uint64_t k0, k1, m, last = (uint64_t)n << 56;
  memcpy(&k0, k->k, 8); /* words in the host's order: nothing outside the process sees a hash */
  memcpy(&k1, k->k + 8, 8);
  uint64_t v0 = k0 ^ 0x736f6d6570736575u, v1 = k1 ^ 0x646f72616e646f6du, v2 = k0 ^ 0x6c7967656e657261u,
           v3 = k1 ^ 0x7465646279746573u;
  for (; in != end; in += 8) {
    memcpy(&m, in, 8);
    v3 ^= m;
    SIPROUND;
    v0 ^= m;
  }
  /* the last bytes, as SipHash's reference code takes them */
  switch (n & 7) {
  case 7: last |= (uint64_t)in[6] << 48; /* fall through */
  case 6: last |= (uint64_t)in[5] << 40; /* fall through */
  case 5: last |= (uint64_t)in[4] << 32; /* fall through */
  case 4: last |= (uint64_t)in[3] << 24; /* fall through */
  case 3: last |= (uint64_t)in[2] << 16; /* fall through */
  case 2: last |= (uint64_t)in[1] << 8;  /* fall through */
  case 1: last |= in[0];
  }
  v3 ^= last;
  SIPROUND;
  v0 ^= last;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- diagnostics ------------------------------------------------------------------ */

/* A note without position, past the error limit. */
static void diag_add_plain(struct diags *d, const char *msg) {
  struct diag *g = arena_alloc(d->ar, sizeof *g);
  if (!g) return;
  g->severity = TIER_NOTE;
  g->msg = arena_strndup(d->ar, msg, strlen(msg));
  if (d->tail) d->tail->next = g; else d->head = g;
  d->tail = g;
}

void diag_add(struct diags *d, int sev, const struct loc *l, const char *fmt, ...) {
  if (sev == TIER_WARNING && d->werror) {
    sev = TIER_ERROR;
    d->npromoted++;
  }
  if (sev == TIER_ERROR && d->nerrors >= LIM_ERRORS) {
    if (d->nerrors++ == LIM_ERRORS) diag_add_plain(d, _("too many errors; stopping the list here"));
    return;
  }
  struct diag *g = arena_alloc(d->ar, sizeof *g);
  if (!g) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  g->msg = arena_alloc(d->ar, n > 0 ? (size_t)n + 1 : 1);
  if (!g->msg) return;
  va_start(ap, fmt);
  vsnprintf(g->msg, (size_t)n + 1, fmt, ap);
  va_end(ap);
  g->severity = sev;
  if (l) { g->loc = *l; g->has_loc = true; }
  if (d->tail) d->tail->next = g; else d->head = g;
  d->tail = g;
  if (sev == TIER_ERROR) d->nerrors++;
  else if (sev == TIER_WARNING) d->nwarnings++;
}

struct diag_mark diag_mark(const struct diags *d) {
  struct diag_mark m = {d->tail, d->nerrors, d->nwarnings, d->npromoted};
  return m;
}

/* Drop the diagnostics added since m (their memory stays in the arena). */
void diag_rewind(struct diags *d, struct diag_mark m) {
  d->tail = m.tail;
  if (m.tail) m.tail->next = NULL;
  else d->head = NULL;
  d->nerrors = m.nerrors;
  d->nwarnings = m.nwarnings;
  d->npromoted = m.npromoted;
}

void diag_line_col(const struct srcfile *f, uint32_t off, unsigned *line, unsigned *col) {
  unsigned ln = 1;
  uint32_t start = 0;
  if (off > f->len) off = (uint32_t)f->len;
  if (f->lines && f->nlines) {
    /* the last line starting at or before off */
    uint32_t lo = 0, hi = f->nlines;
    while (hi - lo > 1) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (f->lines[mid] <= off) lo = mid;
      else hi = mid;
    }
    ln = lo + 1;
    start = f->lines[lo];
  } else {
    for (uint32_t i = 0; i < off; i++)
      if (f->text[i] == '\n') { ln++; start = i + 1; }
  }
  unsigned c = 1;
  for (uint32_t i = start; i < off; i++)
    if (((unsigned char)f->text[i] & 0xC0) != 0x80) c++; /* count characters, not bytes */
  *line = ln;
  *col = c;
}

static const char *sev_name(int s) {
  return s == TIER_ERROR ? _("error") : s == TIER_WARNING ? _("warning") : _("note");
}

/* file:line:col: error: message, then the source line and a caret under the
 * offending token (tildes under the rest of it, on the same line). */
/* The display columns of the UTF-8 character whose first byte is ch (East
 * Asian wide characters take two), and the bytes of the one at s[i] (at
 * most up to end). */
static uint32_t ch_cols(const char *str, uint32_t i, uint32_t end) {
  const unsigned char *s = (const unsigned char *)str + i;
  unsigned ch = s[0];
  if ((ch >= 0xE3 && ch <= 0xED) || ch >= 0xF0) return 2; /* U+3000..U+DFFF (CJK, kana, Hangul); emoji */
  /* U+FF01..U+FF60 and U+FFE0..U+FFE6, the full-width forms: EF BC 81 .. EF BD A0, EF BF A0 .. EF BF A6 */
  if (ch == 0xEF && end - i >= 3)
    return (s[1] == 0xBC && s[2] >= 0x81) || (s[1] == 0xBD && s[2] <= 0xA0) || (s[1] == 0xBF && s[2] >= 0xA0 && s[2] <= 0xA6) ? 2 : 1;
  return 1;
}
static uint32_t ch_len(const char *s, uint32_t i, uint32_t end) {
  unsigned char ch = (unsigned char)s[i];
  uint32_t n = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC0 ? 2 : 1;
  return n < end - i ? n : end - i;
}
static uint32_t cols_of(const char *s, uint32_t i, uint32_t end) {
  uint32_t w = 0;
  for (; i < end; i += ch_len(s, i, end)) w += ch_cols(s, i, end);
  return w;
}
/* The first character boundary of [i, end) at or past `cols` columns from
 * i, or (fit) the last one before a character would pass them. */
static uint32_t col_to_byte(const char *s, uint32_t i, uint32_t end, uint32_t cols, bool fit) {
  uint32_t w = 0;
  while (i < end && w < cols && (!fit || w + ch_cols(s, i, end) <= cols)) {
    w += ch_cols(s, i, end);
    i += ch_len(s, i, end);
  }
  return i;
}

/* The part [*ws, *we) of the line [ls, le) to quote in `room` columns so
 * that the fault [b, e) is in view: the whole line when it fits; its start
 * when the fault is well inside that; else a window with the fault a third
 * of the way in.  A one-column '…' mark stands at each end that cuts the
 * line. */
static void excerpt(const char *s, uint32_t ls, uint32_t le, uint32_t b, uint32_t e, uint32_t room, uint32_t *ws,
                    uint32_t *we) {
  uint32_t total = cols_of(s, ls, le);
  *ws = ls;
  *we = le;
  if (total <= room) return;
  uint32_t at = cols_of(s, ls, b), len = cols_of(s, b, e < le ? e : le);
  uint32_t start = at + len + 8 <= room - 1 ? 0 : at > room / 3 ? at - room / 3 : 0;
  uint32_t width = room - 1 - (start > 0); /* a trailing mark, and a leading one if cut */
  if (start + width >= total) { /* the line's end is in view: only the leading mark */
    width = room - 1;
    start = total - width;
  }
  *ws = col_to_byte(s, ls, le, start, false);
  *we = col_to_byte(s, *ws, le, width, true);
}

void diag_render(const struct diags *d, struct buf *out) {
  uint32_t columns = d->columns ? d->columns : DIAG_COLUMNS;
  uint32_t room = columns > 9 + 20 ? columns - 9 : 20; /* after " %5u | " */
  for (const struct diag *g = d->head; g; g = g->next) {
    if (!g->has_loc || g->loc.file >= d->nfiles) {
      buf_printf(out, "%s: %s\n", sev_name(g->severity), g->msg);
      continue;
    }
    const struct srcfile *f = &d->files[g->loc.file];
    unsigned line, col;
    diag_line_col(f, g->loc.beg, &line, &col);
    buf_printf(out, "%s:%u:%u: %s: %s\n", f->path, line, col, sev_name(g->severity), g->msg);
    uint32_t b = g->loc.beg > f->len ? (uint32_t)f->len : g->loc.beg;
    uint32_t ls = b;
    while (ls > 0 && f->text[ls - 1] != '\n') ls--;
    uint32_t le = b;
    while (le < f->len && f->text[le] != '\n') le++;
    /* a line wider than the terminal: the part around the fault */
    uint32_t ws, we;
    excerpt(f->text, ls, le, b, g->loc.end, room, &ws, &we);
    buf_printf(out, " %5u | %s", line, ws > ls ? "\xE2\x80\xA6" : "");
    /* control bytes (a NUL among them) would cut or garble the quoted line */
    for (uint32_t i = ws; i < we; i++) {
      uint8_t ch = (uint8_t)f->text[i];
      buf_u8(out, ch < 0x20 || ch == 0x7f ? ' ' : ch);
    }
    buf_printf(out, "%s\n       | %s", we < le ? "\xE2\x80\xA6" : "", ws > ls ? " " : "");
    /* pad by display columns: East Asian wide characters take two */
    for (uint32_t w = cols_of(f->text, ws, b); w > 0; w--) buf_u8(out, ' ');
    /* the caret and tildes span the fault's display columns */
    uint32_t fe = g->loc.end < we ? g->loc.end : we;
    uint32_t span = fe > b ? cols_of(f->text, b, fe) : 1;
    buf_u8(out, '^');
    for (uint32_t w = 1; w < span; w++) buf_u8(out, '~');
    buf_u8(out, '\n');
  }
}

/* ---- calendar ----------------------------------------------------------------------- */
/* Day numbers count days since 1970-01-01 in the proleptic Gregorian calendar.
 * The conversion shifts the year to start in March, so that the leap day is
 * the last day of the shifted year and every other month has a fixed offset. */

/* Days from March 1 to the first of month m (1-12) of the March-based
 * year: (153 * ((m + 9) % 12) + 2) / 5. */
const uint16_t date_march_days[12] = {306, 337, 0, 31, 61, 92, 122, 153, 184, 214, 245, 275};

int64_t date_from_ymd(int y, int m, int d) {
  if (y >= 1 && y <= 9999 && (unsigned)m - 1 < 12) { /* every date of the calendar: no era, unsigned division */
    uint32_t yy = (uint32_t)y - (m <= 2);
    return (int64_t)(yy * 365 + yy / 4 - yy / 100 + yy / 400 + date_march_days[m - 1]) + d - 1 - 719468;
  }
  int64_t yy = (int64_t)y - (m <= 2);
  int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  int64_t yoe = yy - era * 400;
  int64_t mp = (m + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void date_to_ymd(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
  int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (mm <= 2));
  *m = mm;
  *d = dd;
}

int date_days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return dm[m - 1];
}

/* Strict YYYY-MM-DD (tier_int.h, date_parse10). */
bool date_parse(const char *s, size_t n, int64_t *out) { return n == 10 && date_parse10(s, out); }

/* Any day number, from the file, a record or tier_date_format's caller:
 * outside the calendar it is not converted (the conversion would overflow
 * near the ends of int64_t). */
void date_format(int64_t days, char out[11]) {
  int y, m, d;
  if (days == TIER_NONE) { memcpy(out, "none", 5); return; }
  if (days < DATE_MIN || days > DATE_MAX) { snprintf(out, 11, "%s", "out-of-rng"); return; }
  date_to_ymd(days, &y, &m, &d);
  snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* date + months, clamped to the end of the month: 2019-03-31 - 1 month is
 * 2019-02-28.  Out-of-range results saturate at years 1 and 9999 so that no
 * bytecode constant can make the arithmetic overflow. */
int64_t date_add_months(int64_t days, int64_t months) {
  if (days == TIER_NONE) return TIER_NONE;
  if (days < DATE_MIN) days = DATE_MIN;
  if (days > DATE_MAX) days = DATE_MAX;
  int y, m, d;
  date_to_ymd(days, &y, &m, &d);
  if (months > 120000) months = 120000;
  if (months < -120000) months = -120000;
  int64_t t = (int64_t)y * 12 + (m - 1) + months;
  int64_t ny = t >= 0 ? t / 12 : -((-t + 11) / 12);
  int nm = (int)(t - ny * 12) + 1;
  if (ny < 1) return date_from_ymd(1, 1, 1);
  if (ny > 9999) return date_from_ymd(9999, 12, 31);
  int dim = date_days_in_month((int)ny, nm);
  return date_from_ymd((int)ny, nm, d > dim ? dim : d);
}

int64_t date_today_utc(void) {
  time_t t = time(NULL);
  return (int64_t)(t / 86400);
}

void tier_date_format(int64_t days, char out[11]) { date_format(days, out); }
int tier_date_parse(const char *s, int64_t *days) {
  return s && date_parse(s, strlen(s), days) ? 0 : -1;
}

/* The source text of a comparison (CMP_*). */
const char *cmp_text(int cmp) {
  static const char *t[] = {"?", "==", "!=", "<", "<=", ">", ">="};
  return cmp >= CMP_EQ && cmp <= CMP_GE ? t[cmp] : "?";
}

const char *ty_kind_name(int kind) {
  static const char *n[] = {"error", "text", "int", "number", "money", "bool", "date", "enum", "list", "duration", "tier"};
  return kind >= 0 && kind <= TY_TIER ? n[kind] : "?";
}

const char *tier_strerror(int s) {
  switch (s) {
  case TIER_OK: return _("success");
  case TIER_ECOMPILE: return _("the rules have errors");
  case TIER_EBYTECODE: return _("bad bytecode");
  case TIER_ENOMEM: return _("out of memory");
  case TIER_EIO: return _("input/output error");
  case TIER_ERECORD: return _("bad record");
  case TIER_ERUNTIME: return _("evaluation fault");
  case TIER_EBUDGET: return _("over the cost budget");
  case TIER_ESIGNATURE: return _("bad signature");
  case TIER_EUSAGE: return _("bad argument");
  }
  return _("unknown error");
}
