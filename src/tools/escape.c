/*
 * escape.c - see escape.h.
 */
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "i18n.h"

/* The length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF) and its code point; 0 when
 * the bytes there are not one. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *cp) {
  unsigned char c = s[0];
  size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (len == 0 || len > n) return 0;
  unsigned long v = len == 1 ? c : c & (0x7Fu >> len);
  for (size_t k = 1; k < len; k++) {
    if ((s[k] & 0xC0) != 0x80) return 0;
    v = v << 6 | (s[k] & 0x3F);
  }
  static const unsigned long least[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < least[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

static bool wide(unsigned long cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t esc_width(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t w = 0;
  for (size_t i = 0; i < n;) {
    unsigned long cp = p[i];
    size_t len = utf8_decode(p + i, n - i, &cp);
    i += len ? len : 1;
    w += len && wide(cp) ? 2 : 1;
  }
  return w;
}

size_t esc_fit(const char *s, size_t n, size_t cols) {
  const unsigned char *p = (const unsigned char *)s;
  size_t w = 0, i = 0;
  while (i < n) {
    unsigned long cp = p[i];
    size_t len = utf8_decode(p + i, n - i, &cp), cw = len && wide(cp) ? 2 : 1;
    if (w + cw > cols) break;
    w += cw;
    i += len ? len : 1;
  }
  return i;
}

/* A character a terminal acts on instead of showing: C0, DEL, C1. */
static bool control(unsigned long cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

bool esc_term_needed(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    if (p[i] >= 0x20 && p[i] < 0x7F) { i++; continue; }
    unsigned long cp;
    size_t len = utf8_decode(p + i, n - i, &cp);
    if (!len || control(cp)) return true;
    i += len;
  }
  return false;
}

/* s in double quotes with C escapes; returns the columns it takes. */
static size_t quoted(tier_buf *b, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s), w = 2;
  tier_buf_putc(b, '"');
  for (size_t i = 0; i < n;) {
    unsigned long cp = p[i];
    size_t len = utf8_decode(p + i, n - i, &cp);
    const char *e = !len ? NULL : cp == '\n' ? "\\n" : cp == '\t' ? "\\t" : cp == '\r' ? "\\r" : cp == '"' ? "\\\""
                                : cp == '\\' ? "\\\\" : NULL;
    if (e) {
      tier_buf_puts(b, e);
      w += 2;
    } else if (!len || control(cp)) { /* a byte that is not UTF-8, or a control: each of its bytes as \xHH */
      size_t k = len ? len : 1;
      for (size_t j = 0; j < k; j++) tier_buf_printf(b, "\\x%02x", p[i + j]);
      w += 4 * k;
    } else {
      tier_buf_put(b, s + i, len);
      w += wide(cp) ? 2 : 1;
    }
    i += len ? len : 1;
  }
  tier_buf_putc(b, '"');
  return w;
}

size_t esc_term(tier_buf *b, const char *s) {
  if (!s) s = "-";
  if (esc_term_needed(s)) return quoted(b, s);
  size_t n = strlen(s);
  tier_buf_put(b, s, n);
  return esc_width(s, n);
}

void esc_lines(tier_buf *b, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    unsigned long cp = p[i];
    size_t len = utf8_decode(p + i, n - i, &cp), k = len ? len : 1;
    if (len && (cp == '\n' || !control(cp))) tier_buf_put(b, s + i, len);
    else
      for (size_t j = 0; j < k; j++) tier_buf_printf(b, "\\x%02x", p[i + j]);
    i += k;
  }
}

int esc_pool_init(struct esc_pool *p) {
  memset(p, 0, sizeof *p);
  for (int i = 0; i < ESC_SLOTS; i++)
    if (!(p->slot[i] = tier_buf_new(NULL))) return -1;
  return 0;
}

void esc_pool_free(struct esc_pool *p) {
  for (int i = 0; i < ESC_SLOTS; i++) tier_buf_free(p->slot[i]);
}

const char *esc_str(struct esc_pool *p, const char *s) {
  if (!s || !esc_term_needed(s)) return s;
  tier_buf *b = p->slot[p->next];
  p->next = (p->next + 1) % ESC_SLOTS;
  tier_buf_clear(b);
  quoted(b, s);
  const char *t = tier_buf_text(b, NULL);
  return t ? t : "\"?\""; /* out of memory: never the raw text */
}

void esc_branch_put(tier_buf *b, const char *name, unsigned place, bool term) {
  char shown[BRANCH_SHOWN_MAX];
  if (!name) name = "";
  if (place) {
    tier_buf_puts(b, branch_shown(name, place, shown));
  } else if (term) {
    quoted(b, name); /* its own quotes: \" inside, never a second pair around */
  } else {
    /* TRANSLATORS: a path's name, quoted */
    tier_buf_printf(b, _("\xE2\x80\x9C%s\xE2\x80\x9D"), name);
  }
}

const char *esc_branch(struct esc_pool *p, const char *name, unsigned place, bool term) {
  tier_buf *b = p->slot[p->next];
  p->next = (p->next + 1) % ESC_SLOTS;
  tier_buf_clear(b);
  esc_branch_put(b, name, place, term);
  const char *t = tier_buf_text(b, NULL);
  return t ? t : "?";
}

/* A JSON-style number: [+-] digits [. digits] [e [+-] digits]. */
static bool number(const char *s) {
  if (*s == '+' || *s == '-') s++;
  if (*s < '0' || *s > '9') return false;
  while (*s >= '0' && *s <= '9') s++;
  if (*s == '.') {
    if (*++s < '0' || *s > '9') return false;
    while (*s >= '0' && *s <= '9') s++;
  }
  if (*s == 'e' || *s == 'E') {
    if (*++s == '+' || *s == '-') s++;
    if (*s < '0' || *s > '9') return false;
    while (*s >= '0' && *s <= '9') s++;
  }
  return *s == 0;
}

void esc_csv(tier_buf *b, const char *s, bool last) {
  if (!s) s = "";
  bool formula = strchr("=+-@\t\r", *s) && *s && !number(s);
  if (strpbrk(s, ",\"\r\n")) {
    tier_buf_putc(b, '"');
    if (formula) tier_buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
      if (*p == '"') tier_buf_putc(b, '"');
      tier_buf_putc(b, *p);
    }
    tier_buf_putc(b, '"');
  } else {
    if (formula) tier_buf_putc(b, '\'');
    tier_buf_puts(b, s);
  }
  tier_buf_put(b, last ? "\r\n" : ",", last ? 2 : 1);
}
