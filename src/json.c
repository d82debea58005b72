/*
 * json.c - the streaming record reader: JSON text straight into a packed
 * record, by the schema in the bytecode, with no tree in between.
 *
 * It is a strict RFC 8259 parser (UTF-8 checked, escapes decoded, numbers
 * by the grammar) that knows, at every key, which field it is reading and
 * so converts each value once, into its slot.  Money is read exactly from
 * the number's digits.  Texts without escapes point into the input; others
 * are decoded into a scratch buffer sized for the whole record up front, so
 * no pointer moves while the record is read.  The first fault found ends
 * the record with one error: malformed JSON with its line and column, or a
 * value error with its JSON path ($.certifications[3].earned).
 * record.c keeps the jansson reader this one is tested against.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "record.h"
#include "scan.h"

#define MAX_DEPTH 2048 /* nesting of skipped (unknown) values */

struct jp {
  const char *s, *p, *e;
  struct tier_vm *vm;
  struct reader *rd;
  const struct image *img;
  uint32_t nstrs, nnums;
  char *scr;              /* decoded strings */
  /* where we are, for the path of a value error ($.customers[3].months[2].seats):
   * at[k] is the field read in the object at depth k (the record is depth 0,
   * the items of a list at depth d are at d + 1) and, when it is a list, the
   * index of the item being read; -1 where there is none */
  struct { int field; long item; } at[LIM_LIST_DEPTH + 1];
  bool quiet;             /* looking for the id of a rejected record: faults are not reported */
  uint64_t cost;          /* the cost bound of what is read so far (--max-cost) */
};

/* ---- errors --------------------------------------------------------------------- */

/* Malformed JSON at `at`: line and column within the record's text. */
static int syntax(struct jp *j, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int syntax(struct jp *j, const char *at, const char *fmt, ...) {
  struct tier_vm *vm = j->vm;
  if (j->quiet) return TIER_ERECORD;
  va_list ap;
  va_start(ap, fmt);
  text_vprintf(vm->jerr, sizeof vm->jerr, fmt, ap);
  va_end(ap);
  if (at > j->e) at = j->e;
  const char *bom = json_bom_fault(at, j->e);
  if (bom) snprintf(vm->jerr, sizeof vm->jerr, "%s", bom);
  int line = 1, col = 1;
  for (const char *q = j->s; q < at; q++) {
    if (*q == '\n') { line++; col = 1; }
    else if ((*q & 0xC0) != 0x80) col++;
  }
  vm->err_line = line;
  vm->err_col = col;
  json_syntax_text(vm->err, sizeof vm->err, line, col, vm->jerr);
  vm->path[0] = 0;
  return TIER_ERECORD;
}

/* A value that is well-formed JSON but wrong for its field. */
static int fault(struct jp *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fault(struct jp *j, const char *fmt, ...) {
  struct tier_vm *vm = j->vm;
  const struct image *img = j->img;
  if (j->quiet) return TIER_ERECORD;
  va_list ap;
  va_start(ap, fmt);
  text_vprintf(vm->err, sizeof vm->err, fmt, ap);
  va_end(ap);
  vm->jerr[0] = 0;
  size_t n = rec_path_put(vm->path, sizeof vm->path, 0, "$", 1); /* cut as record.h says */
  for (int k = 0; k <= LIM_LIST_DEPTH && j->at[k].field >= 0; k++) {
    n = rec_path_key(vm->path, sizeof vm->path, n, img_str(img, img->fields[j->at[k].field].key));
    if (j->at[k].item >= 0) n = rec_path_index(vm->path, sizeof vm->path, n, (uint64_t)j->at[k].item);
  }
  return TIER_ERECORD;
}

/* ---- lexical pieces -------------------------------------------------------------- */

/* Pass over blanks.  Records are mostly written without any, so the first
 * test (a byte above the space) is the one that usually decides. */
static inline void ws(struct jp *j) {
  while (j->p < j->e && (unsigned char)*j->p <= ' ' && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')) j->p++;
}

/* Pass over blanks: whether a byte is left.  The first test (a byte above
 * the space) is the one that usually decides; the blanks' way is out of
 * line (inline, its constants were loaded before the first test). */
static __attribute__((noinline)) bool ws_more_slow(struct jp *j) {
  ws(j);
  return j->p < j->e;
}

static inline bool ws_more(struct jp *j) {
  if (j->p < j->e && (unsigned char)*j->p > ' ') return true;
  return ws_more_slow(j);
}

/* Pass over blanks and then c, when c comes next: true; else false, with
 * j->p on the byte that is not c (where a syntax error points).  Records
 * are mostly written without blanks, so c is looked for first. */
static inline bool punct(struct jp *j, char c) {
  if (j->p < j->e && *j->p == c) {
    j->p++;
    return true;
  }
  ws(j);
  if (j->p < j->e && *j->p == c) {
    j->p++;
    return true;
  }
  return false;
}

/* After a member or an item: past blanks and the ',' (1) or the closing
 * byte `close` (0), else -1 with j->p on the byte that is neither.  One
 * load decides between the two when no blank comes first; after blanks,
 * sep_slow, out of line. */
static __attribute__((noinline)) int sep_slow(struct jp *j, char close) {
  ws(j);
  if (j->p >= j->e || (*j->p != ',' && *j->p != close)) return -1;
  return *j->p++ == ',';
}

static inline int sep(struct jp *j, char close) {
  if (j->p < j->e) {
    char c = *j->p;
    if (c == ',') {
      j->p++;
      return 1;
    }
    if (c == close) {
      j->p++;
      return 0;
    }
  }
  return sep_slow(j, close);
}

static inline __attribute__((always_inline)) int literal(struct jp *j, const char *word, size_t n) {
  if ((size_t)(j->e - j->p) < n || !scan_same(j->p, word, n)) return syntax(j, j->p, _("invalid token"));
  j->p += n;
  return TIER_OK;
}

/* A number by RFC 8259's grammar; *is_int when it has no fraction or exponent. */
static inline __attribute__((always_inline)) int number(struct jp *j, const char **b, const char **end, bool *is_int) {
  const char *p = j->p, *e = j->e;
  *b = p;
  *is_int = true;
  if (p < e && *p == '-') p++;
  else if (p < e && (*p < '0' || *p > '9')) return syntax(j, p, _("invalid token"));
  if (p >= e || (*p < '0' || *p > '9')) return syntax(j, p, _("invalid number"));
  if (*p == '0') p++;
  else while (p < e && *p >= '0' && *p <= '9') p++;
  if (p < e && *p == '.') {
    *is_int = false;
    p++;
    if (p >= e || *p < '0' || *p > '9') return syntax(j, p, _("a decimal point must be followed by digits"));
    while (p < e && *p >= '0' && *p <= '9') p++;
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    *is_int = false;
    p++;
    if (p < e && (*p == '+' || *p == '-')) p++;
    if (p >= e || *p < '0' || *p > '9') return syntax(j, p, _("an exponent must have digits"));
    while (p < e && *p >= '0' && *p <= '9') p++;
  }
  *end = p;
  j->p = p;
  return TIER_OK;
}

static int hex4(const char *p, uint32_t *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    *v = *v << 4 | (uint32_t)d;
  }
  return 0;
}

/* The rest of a string whose first bytes start .. p are plain (see
 * string()): escapes, UTF-8 and the faults. */
static int string_rest(struct jp *j, const char *start, const char *p, const char **out, size_t *n) {
  const char *e = j->e;
  char *w = NULL;
  for (;;) {
    if (p >= e) return syntax(j, p, _("unterminated string"));
    unsigned char c = (unsigned char)*p;
    if (c == '"') break;
    if (c < 0x20) return syntax(j, p, _("control character in a string (escape it)"));
    if (c >= 0x80) {
      size_t len = utf8_seq(p, (size_t)(e - p));
      if (!len) return syntax(j, p, _("invalid UTF-8 in a string"));
      if (w) { memcpy(w, p, len); w += len; }
      p += len;
      continue;
    }
    if (c == '\\') {
      if (!w) { /* first escape: copy what came before into the scratch */
        w = j->scr;
        memcpy(w, start, (size_t)(p - start));
        w += p - start;
        *out = j->scr;
      }
      if (e - p < 2) return syntax(j, p, _("unterminated string"));
      char x = p[1];
      p += 2;
      switch (x) {
      case '"': *w++ = '"'; break;
      case '\\': *w++ = '\\'; break;
      case '/': *w++ = '/'; break;
      case 'b': *w++ = '\b'; break;
      case 'f': *w++ = '\f'; break;
      case 'n': *w++ = '\n'; break;
      case 'r': *w++ = '\r'; break;
      case 't': *w++ = '\t'; break;
      case 'u': {
        uint32_t cp, lo;
        if (e - p < 4 || hex4(p, &cp)) return syntax(j, p - 2, _("invalid \\u escape"));
        p += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return syntax(j, p - 6, _("lone low surrogate in a \\u escape"));
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return syntax(j, p - 6, _("high surrogate not followed by a low one in a \\u escape"));
          p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        if (cp < 0x80) *w++ = (char)cp;
        else if (cp < 0x800) { *w++ = (char)(0xC0 | cp >> 6); *w++ = (char)(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) {
          *w++ = (char)(0xE0 | cp >> 12); *w++ = (char)(0x80 | (cp >> 6 & 0x3F)); *w++ = (char)(0x80 | (cp & 0x3F));
        } else {
          *w++ = (char)(0xF0 | cp >> 18); *w++ = (char)(0x80 | (cp >> 12 & 0x3F));
          *w++ = (char)(0x80 | (cp >> 6 & 0x3F)); *w++ = (char)(0x80 | (cp & 0x3F));
        }
        break;
      }
      default:
        /* the message quotes the byte only when it is a character on its own */
        if ((unsigned char)x >= 0x20 && (unsigned char)x < 0x7f) return syntax(j, p - 2, _("invalid escape '\\%c'"), x);
        return syntax(j, p - 2, _("invalid escape (a backslash before byte 0x%02x)"), (unsigned char)x);
      }
      continue;
    }
    const char *q = scan_plain(p, e); /* a plain run after an escape or a non-ASCII character */
    if (w) { memcpy(w, p, (size_t)(q - p)); w += q - p; }
    p = q;
  }
  if (w) {
    *n = (size_t)(w - j->scr);
    j->scr = w; /* the next decoded string goes after this one */
  } else {
    *out = start;
    *n = (size_t)(p - start);
  }
  j->p = p + 1;
  return TIER_OK;
}

/* The string at j->p (on its opening quote) when it is plain up to a
 * quote among the sixteen bytes after the opening one (with SSE2 one
 * load's two masks: scan_quote16): true, *out in place and j->p past it;
 * else false, nothing read.  Most strings of a record are; enum_value
 * knows from it that the quote follows s (enum_find's quoted). */
static inline __attribute__((always_inline)) bool string16(struct jp *j, const char **out, size_t *n) {
  const char *start = j->p + 1;
  int q = j->e - start >= 16 ? scan_quote16(start) : -1; /* most strings end within sixteen bytes */
  if (q < 0) return false;
  *out = start;
  *n = (size_t)q;
  j->p = start + q + 1;
  return true;
}

/* string() where string16 has not read the string: plain ASCII up to its
 * quote here (scan_plain), the rest by string_rest.  Out of line: inline,
 * rec_parse took 2% more instructions (callgrind, 500 profiles). */
static __attribute__((noinline)) int string_scan(struct jp *j, const char **out, size_t *n) {
  const char *start = j->p + 1;
  const char *p = scan_plain(start, j->e);
  if (p < j->e && *p == '"') {
    *out = start;
    *n = (size_t)(p - start);
    j->p = p + 1;
    return TIER_OK;
  }
  j->p = start;
  return string_rest(j, start, p, out, n);
}

/* A string at j->p (on its opening quote).  *out points into the input when
 * the string has no escapes, else into the scratch buffer.  Most strings of
 * a record are plain ASCII up to their quote: that case is read in place
 * (string16, string_scan), the rest by string_rest. */
static inline int string(struct jp *j, const char **out, size_t *n) {
  return string16(j, out, n) ? TIER_OK : string_scan(j, out, n);
}

/* Check and pass over any value (unknown fields).  Depth-limited. */
static int skip(struct jp *j, int depth) {
  if (depth > MAX_DEPTH) return syntax(j, j->p, _("nested more than %d levels deep"), MAX_DEPTH);
  ws(j);
  if (j->p >= j->e) return syntax(j, j->p, _("unexpected end of input"));
  const char *s;
  size_t n;
  bool isint;
  int rc;
  switch (*j->p) {
  case '{':
    j->p++;
    if (punct(j, '}')) return TIER_OK;
    for (;;) {
      ws(j);
      if (j->p >= j->e || *j->p != '"') return syntax(j, j->p, _("string or '}' expected"));
      if ((rc = string(j, &s, &n))) return rc;
      if (!punct(j, ':')) return syntax(j, j->p, _("':' expected"));
      if ((rc = skip(j, depth + 1))) return rc;
      if (punct(j, ',')) continue;
      if (punct(j, '}')) return TIER_OK;
      return syntax(j, j->p, _("',' or '}' expected"));
    }
  case '[':
    j->p++;
    if (punct(j, ']')) return TIER_OK;
    for (;;) {
      if ((rc = skip(j, depth + 1))) return rc;
      if (punct(j, ',')) continue;
      if (punct(j, ']')) return TIER_OK;
      return syntax(j, j->p, _("',' or ']' expected"));
    }
  case '"': return string(j, &s, &n);
  case 't': return literal(j, "true", 4);
  case 'f': return literal(j, "false", 5);
  case 'n': return literal(j, "null", 4);
  default: return number(j, &s, &s, &isint);
  }
}

/* What the value at j->p is, for messages; it is checked first, so that a
 * malformed value is reported as malformed rather than as mistyped.  fmt
 * is the message, with %s for what was wanted and %s for what was found. */
static int mistyped_as(struct jp *j, const char *fmt, const char *want) {
  const char *at = j->p, *what;
  bool isint = false;
  switch (*at) {
  case '{': what = _("an object"); break;
  case '[': what = _("an array"); break;
  case '"': what = _("a string"); break;
  case 't': case 'f': what = _("a boolean"); break;
  case 'n': what = "null"; break;
  default: {
    const char *b, *e;
    int rc = number(j, &b, &e, &isint);
    if (rc) return rc;
    j->p = at;
    what = isint ? _("an integer") : _("a decimal number");
  }
  }
  int rc = skip(j, 0);
  if (rc) return rc;
  return fault(j, fmt, want, what);
}

static int mistyped(struct jp *j, const char *want) { return mistyped_as(j, _("expected %s, found %s"), want); }

/* ---- values -------------------------------------------------------------------------- */

/* The number's text for a message: at most 40 characters, then "...". */
#define JNUM_SHOWN 40
#define JNUM_TEXT(b, e) (int)((e) - (b) > JNUM_SHOWN ? JNUM_SHOWN : (e) - (b)), (b), (e) - (b) > JNUM_SHOWN ? "..." : ""

/* 10^k for k from 0 to 16 */
static const uint64_t pow10[] = {1,
                                 10,
                                 100,
                                 1000,
                                 10000,
                                 100000,
                                 1000000,
                                 10000000,
                                 100000000,
                                 1000000000,
                                 10000000000,
                                 100000000000,
                                 1000000000000,
                                 10000000000000,
                                 100000000000000,
                                 1000000000000000,
                                 10000000000000000};

/* Money written as most amounts are, at most 16 digits and a point and no
 * exponent: the digits' value v fits 64 bits, and with f decimals the
 * amount is v * 10^(2 - f) cents, exact when f <= 2 or v ends in f - 2
 * zeros - what money() finds, with its faults in its order (not exact
 * before out of range).  False, having read nothing, for an exponent;
 * else true, with *rc TIER_OK or the fault's code. */
static bool short_money(struct jp *j, const char *b, const char *e, int64_t *out, int *rc) {
  uint64_t v = 0;
  int f = -1; /* decimals, -1: no point */
  for (const char *p = b + (*b == '-'); p < e; p++) {
    if (*p == '.') f = 0;
    else if (*p == 'e' || *p == 'E') return false;
    else {
      v = v * 10 + (uint64_t)(*p - '0');
      f += f >= 0;
    }
  }
  uint64_t cents = f <= 2 ? v * pow10[2 - (f < 0 ? 0 : f)] : v / pow10[f - 2];
  if (f > 2 && v % pow10[f - 2]) *rc = fault(j, _("amount %.*s%s is not exact in cents (at most two decimals)"), JNUM_TEXT(b, e));
  else if (cents > (uint64_t)LIM_INT)
    *rc = fault(j, _("amount %.*s%s is out of range (the limit is %s)"), JNUM_TEXT(b, e), MONEY_LIMIT_TEXT);
  else {
    *out = *b == '-' ? -(int64_t)cents : (int64_t)cents;
    *rc = TIER_OK;
  }
  return true;
}

/* Money from the number's text, exactly and in one pass: the value is
 * D * 10^E with D the digits without leading or trailing zeros, so it is a
 * whole number of cents when E + 2 >= 0 (D does not end in 0), and in range
 * when D * 10^(E + 2) <= LIM_INT.  Zeros are only counted while their
 * place is not known (they may turn out to be trailing), so a long run of
 * digits costs time linear in its length: "1." and 40 zeros is 1.00, and a
 * million digits is an error as fast as it is read. */
static int money(struct jp *j, const char *b, const char *e, int64_t *out) {
  const char *p = b + (*b == '-');
  int rc;
  if (e - p <= 16 && short_money(j, b, e, out, &rc)) return rc;
  uint64_t d = 0;            /* D, while it fits */
  uint64_t steps = 0;        /* every loop's turns, for rd->number_steps */
  bool big = false;          /* D > LIM_INT */
  int64_t zeros = 0;         /* zeros seen since the last nonzero digit */
  int64_t frac = 0;          /* digits after the point */
  bool point = false;
  for (; p < e && *p != 'e' && *p != 'E'; p++) {
    steps++;
    if (*p == '.') { point = true; continue; }
    frac += point;
    if (*p == '0') { zeros += d > 0 || big; continue; }
    /* a nonzero digit: the zeros before it are D's digits after all */
    for (; zeros > 0 && !big; zeros--) {
      steps++;
      if (d > (uint64_t)LIM_INT / 10) big = true;
      else d *= 10;
    }
    zeros = 0;
    if (!big && d > ((uint64_t)LIM_INT - (uint64_t)(*p - '0')) / 10) big = true;
    if (!big) d = d * 10 + (uint64_t)(*p - '0');
  }
  int64_t x = 0;             /* the exponent, saturated far beyond any cents */
  bool xneg = false;
  if (p < e) {
    p++;
    xneg = *p == '-';
    if (*p == '+' || *p == '-') p++;
    for (; p < e; p++, steps++) x = x < 1000000000 ? x * 10 + (*p - '0') : x;
  }
  j->rd->number_steps += steps;
  if (d == 0 && !big) { *out = 0; return TIER_OK; }
  int64_t k = (xneg ? -x : x) + zeros - frac + 2; /* cents = D * 10^k */
  if (k < 0) return fault(j, _("amount %.*s%s is not exact in cents (at most two decimals)"), JNUM_TEXT(b, e));
  for (; k > 0 && !big; k--) {
    j->rd->number_steps++;
    if (d > (uint64_t)LIM_INT / 10) big = true;
    else d *= 10;
  }
  if (big) return fault(j, _("amount %.*s%s is out of range (the limit is %s)"), JNUM_TEXT(b, e), MONEY_LIMIT_TEXT);
  *out = *b == '-' ? -(int64_t)d : (int64_t)d;
  return TIER_OK;
}

/* A number written as most are, read where it stands in one pass: an
 * amount -?D(.d|.dd)? with at most 13 digits D, as cents (money), or an
 * integer -?D with at most 15 (below 2^53: no test a digit); D has no
 * leading zero, and there is no exponent.  True with *out and j->p past
 * it; anything else (longer, an exponent, a fraction where an integer
 * belongs, three decimals, a malformed number) is left to number() and
 * money() or integer(): false, j->p unmoved.  The digits are read eight at
 * a time (scan_digits8).  Eighteen bytes must be left, so that no load
 * passes the end: the '-', two words of digits and the byte after them,
 * or 13 digits, the point and two decimals. */
static inline __attribute__((always_inline)) bool number_in_place(struct jp *j, bool cents, int64_t *out) {
  const char *p = j->p;
  if (j->e - p < 18) return false;
  bool neg = *p == '-';
  p += neg;
  uint64_t v, w;
  int n = scan_digits8(p, &v);
  if (n == 8) {
    int m = scan_digits8(p + 8, &w);
    v = v * pow10[m] + w;
    n += m;
  }
  if (n == 0 || n > (cents ? 13 : 15) || (*p == '0' && n > 1)) return false;
  p += n;
  if (cents) {
    unsigned d1 = (unsigned char)p[1] - (unsigned)'0', d2 = (unsigned char)p[2] - (unsigned)'0';
    if (*p != '.') v *= 100;
    else if (d1 > 9) return false;
    else if (d2 > 9) v = v * 100 + d1 * 10, p += 2;
    else v = v * 100 + d1 * 10 + d2, p += 3;
  }
  if ((unsigned)(*p - '0') < 10 || *p == '.' || *p == 'e' || *p == 'E') return false;
  *out = neg ? -(int64_t)v : (int64_t)v;
  j->p = p;
  return true;
}

/* The integer b..e (digits with an optional '-', as number() found it),
 * within LIM_INT. */
static int integer(struct jp *j, const char *b, const char *e, int64_t *out) {
  bool neg = *b == '-';
  int64_t v = 0;
  if (e - b - neg <= 15) { /* below 10^15, within LIM_INT (2^53 - 1): no test a digit */
    for (const char *p = b + neg; p < e; p++) v = v * 10 + (*p - '0');
    *out = neg ? -v : v;
    return TIER_OK;
  }
  for (const char *p = b + neg; p < e; p++) {
    j->rd->number_steps++;
    if (v > (LIM_INT - (*p - '0')) / 10)
      return fault(j, _("integer %.*s%s is out of range (the limit is %lld)"), JNUM_TEXT(b, e), (long long)LIM_INT);
    v = v * 10 + (*p - '0');
  }
  *out = neg ? -v : v;
  return TIER_OK;
}

/* Whether the n bytes at s are spelt in a JSON string as themselves: no
 * quote, backslash or control character to escape. */
static bool raw_bytes(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == '"' || c == '\\') return false;
  }
  return true;
}

/* Enum values by hash.  Scanning an enum's values for the text read was
 * a tenth of reading a record: which value the items of a list hold
 * changes from item to item, and so does where the scan stops.  The hash
 * is of the length and the first, middle and last bytes, which tell apart
 * the values of nearly every enum, so that a value is mostly one compare
 * away; values alike in all four only probe further (an enum has at most
 * 64 values, so a lookup never costs more than the scan did). */
static inline uint32_t name_key(const char *s, size_t n) {
  if (n == 0) return 0;
  return (uint32_t)n << 24 ^ (uint32_t)(unsigned char)s[0] << 16 ^ (uint32_t)(unsigned char)s[n / 2] << 8 ^
      (unsigned char)s[n - 1];
}

static inline uint32_t enum_slot(const struct enum_hash *eh, const char *s, size_t n) {
  return (name_key(s, n) * 0x9E3779B1u) >> (32 - eh->bits);
}

/* The ordinal of value s of enum en, or -1.  quoted: s is a plain string
 * in place, with its closing quote among the sixteen readable bytes at s,
 * so that each value is one masked compare with its name and quote. */
static inline __attribute__((always_inline)) int enum_find(const struct jp *j, const struct img_enum *en, const char *s, size_t n,
                                                           bool quoted) {
  const struct enum_hash *eh = &j->rd->ehash[en - j->img->enums];
  const uint8_t *slot = j->rd->eslots + eh->at;
  const struct enum_val *ev = j->rd->evals + eh->vat;
  uint32_t mask = (1u << eh->bits) - 1;
  for (uint32_t h = enum_slot(eh, s, n); slot[h]; h = (h + 1) & mask) {
    const struct enum_val *v = &ev[slot[h] - 1];
    if (quoted ? scan_pat_at(&v->q, s) : v->n == n && scan_same(v->name, s, n)) return slot[h] - 1;
  }
  return -1;
}

/* The hash tables of the schema's enums (rd->ehash, rd->eslots) and their
 * values (rd->evals): at least four slots per value, so memory is linear
 * in the schema. */
static int index_enums(struct tier_vm *vm, struct reader *rd) {
  const struct image *img = vm->rs->img;
  size_t total = 1, nvals = 1, nh = sizeof(struct enum_hash) * (img->nenums + 1);
  struct enum_hash *eh = t_malloc(&vm->hook, nh);
  struct enum_val *ev = NULL;
  uint8_t *slots = NULL;
  if (!eh) return TIER_ENOMEM;
  for (uint32_t e = 0; e < img->nenums; e++) {
    uint8_t bits = 2;
    while ((1u << bits) < 4 * img->enums[e].nvals) bits++;
    eh[e] = (struct enum_hash){(uint32_t)total, bits, (uint32_t)nvals};
    total += 1u << bits;
    nvals += img->enums[e].nvals;
  }
  if (!(slots = t_malloc(&vm->hook, total)) || !(ev = t_malloc(&vm->hook, nvals * sizeof *ev))) {
    t_free(&vm->hook, eh, nh);
    t_free(&vm->hook, slots, slots ? total : 0);
    return TIER_ENOMEM;
  }
  memset(slots, 0, total);
  for (uint32_t e = 0; e < img->nenums; e++) {
    const struct img_enum *en = &img->enums[e];
    uint32_t mask = (1u << eh[e].bits) - 1;
    for (uint32_t k = 0; k < en->nvals; k++) {
      const char *name = img->strs[en->vals[k]];
      uint32_t n = img->strlens[en->vals[k]], h = enum_slot(&eh[e], name, n);
      struct enum_val *v = &ev[eh[e].vat + k];
      *v = (struct enum_val){.name = name, .n = n, .q = {.lo = 1}}; /* q: matches nothing */
      if (n <= 15 && raw_bytes(name, n)) {
        char quoted[16];
        memcpy(quoted, name, n);
        quoted[n] = '"';
        scan_pat_init(&v->q, quoted, n + 1);
      }
      while (slots[eh[e].at + h]) h = (h + 1) & mask;
      slots[eh[e].at + h] = (uint8_t)(k + 1);
    }
  }
  rd->ehash = eh;
  rd->eslots = slots;
  rd->neslots = total;
  rd->evals = ev;
  rd->nevals = nvals;
  return TIER_OK;
}

/* A value of enum en: a string naming one of its values; anything else is
 * told with the values allowed. */
static inline __attribute__((always_inline)) int enum_value(struct jp *j, const struct img_enum *en, int64_t *out) {
  const struct image *img = j->img;
  const char *s;
  size_t n;
  int rc;
  if (*j->p != '"') {
    char want[96];
    snprintf(want, sizeof want, _("one of the values of %s"), img_str(img, en->name));
    return mistyped(j, want);
  }
  int k;
  if (string16(j, &s, &n)) {
    k = enum_find(j, en, s, n, true); /* its quote among the sixteen bytes read */
  } else {
    if ((rc = string(j, &s, &n))) return rc;
    k = enum_find(j, en, s, n, false);
  }
  if (k >= 0) { *out = k; return TIER_OK; }
  char allowed[256];
  rec_enum_allowed(img, en, allowed, sizeof allowed);
  return fault(j, _("unknown value '%.*s%s' (allowed: %s)"), (int)utf8_prefix(s, n, 60), s, n > 60 ? "..." : "", allowed);
}

/* A text some count distinct reads, interned with its keyed hash
 * (rec_intern_keyed), which costs more than reading it: the record's texts
 * of one to eight bytes are remembered in a direct-mapped table by their
 * bytes (rd->memo, of this record's generation), so that a text the record
 * repeats (a person, a customer) takes one compare.  Its slot is an
 * unkeyed hash: texts made to share one cost what they cost without it,
 * a miss and the keyed way, never more. */
static inline __attribute__((always_inline)) int keyed_text(struct jp *j, const char *s, size_t n, bool in_place, int64_t *out) {
  struct reader *rd = j->rd;
  if (n - 1 >= 8) return rec_intern_keyed(j->vm, rd, &j->nstrs, s, n, out);
  uint64_t w; /* its bytes as scan_load(s, n) has them; one load when in place with eight left */
  if (in_place && j->e - s >= 8) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = n == 8 ? scan_load(s, 8) : scan_load(s, 8) & ~(~(uint64_t)0 >> 8 * n);
#else
    w = scan_load(s, 8) & (~(uint64_t)0 >> (64 - 8 * n));
#endif
  } else {
    w = scan_load(s, n);
  }
  struct text_memo *m = &rd->memo[text_memo_slot(w, n)];
  if (m->gen == rd->gen && m->w == w && m->n == n) {
    *out = m->i;
    return TIER_OK;
  }
  int rc = rec_intern_keyed(j->vm, rd, &j->nstrs, s, n, out);
  if (rc == TIER_OK) *m = (struct text_memo){w, (uint32_t)n, rd->gen, (uint32_t)*out};
  return rc;
}

/* One value of field f at j->p into *out, in the packed record's form:
 * null only for an optional field (TIER_NONE); texts and numbers interned
 * in the record's tables; dates as day numbers; enums as value indexes. */
static inline __attribute__((always_inline)) int scalar(struct jp *j, const struct img_field *f, uint32_t fi, int64_t *out) {
  const struct image *img = j->img;
  if (!ws_more(j)) return syntax(j, j->p, _("unexpected end of input"));
  char c = *j->p;
  if (c == 'n') {
    int rc = literal(j, "null", 4);
    if (rc) return rc;
    if (!(f->flags & FF_OPT)) return fault(j, _("required field is null"));
    *out = TIER_NONE;
    return TIER_OK;
  }
  const char *s, *b = NULL, *e = NULL;
  size_t n;
  bool isint;
  int rc;
  switch (f->kind) {
  case TY_TEXT:
    if (c != '"') return mistyped(j, _("a string"));
    b = j->p + 1; /* a plain text is read where it stands */
    if ((rc = string(j, &s, &n))) return rc;
    rc = j->vm->keyed[fi] ? keyed_text(j, s, n, s == b, out) : rec_intern(j->vm, j->rd, &j->nstrs, s, n, false, out);
    if (rc == TIER_ENOMEM) fault(j, _("out of memory"));
    return rc;
  case TY_INT:
    if (c != '-' && (c < '0' || c > '9')) return mistyped(j, _("an integer"));
    if (number_in_place(j, false, out)) return TIER_OK;
    if ((rc = number(j, &b, &e, &isint))) return rc;
    if (!isint) return fault(j, _("expected an integer, found a decimal number"));
    return integer(j, b, e, out);
  case TY_NUMBER: {
    /* exactly the decimal written (1.10, 1.5e3) */
    if (c != '-' && (c < '0' || c > '9')) return mistyped(j, _("a number"));
    if ((rc = number(j, &b, &e, &isint))) return rc;
    struct num q;
    if (num_parse(b, (size_t)(e - b), &q) != NUM_OK)
      return fault(j,
                   _("number %.*s%s is out of range (numbers are exact fractions of 127-bit integers, written with at most "
                     "%d significant digits)"),
                   JNUM_TEXT(b, e), NUM_MAX_WRITTEN_DIGITS);
    rc = rec_number(j->vm, j->rd, &j->nnums, q, out);
    if (rc == TIER_ENOMEM) fault(j, _("out of memory"));
    return rc;
  }
  case TY_MONEY:
    if (c != '-' && (c < '0' || c > '9')) return mistyped(j, _("an amount (a number)"));
    if (number_in_place(j, true, out)) return TIER_OK;
    if ((rc = number(j, &b, &e, &isint))) return rc;
    return money(j, b, e, out);
  case TY_BOOL:
    if (c == 't') { *out = 1; return literal(j, "true", 4); }
    if (c == 'f') { *out = 0; return literal(j, "false", 5); }
    return mistyped(j, _("true or false"));
  case TY_DATE:
    if (c != '"') return mistyped(j, _("a date \"YYYY-MM-DD\""));
    /* "YYYY-MM-DD" read in place: a date's bytes are a plain string */
    if (j->e - j->p >= 12 && j->p[11] == '"' && date_parse10(j->p + 1, out)) {
      j->p += 12;
      return TIER_OK;
    }
    if ((rc = string(j, &s, &n))) return rc;
    if (!date_parse(s, n, out)) {
      if (n > 40) return fault(j, _("not a date (YYYY-MM-DD)"));
      return fault(j, _("'%.*s' is not a calendar date (YYYY-MM-DD)"), (int)n, s);
    }
    return TIER_OK;
  case TY_ENUM: return enum_value(j, &img->enums[f->ref], out);
  case TY_TIER: /* the text, made a tier once the record's type is known (rec_tiers) */
    if (c != '"') return mistyped(j, _("a tier's name"));
    if ((rc = string(j, &s, &n))) return rc;
    rc = rec_intern(j->vm, j->rd, &j->nstrs, s, n, false, out);
    if (rc == TIER_ENOMEM) fault(j, _("out of memory"));
    return rc;
  }
  return fault(j, _("field has an unknown type"));
}

/* ---- objects ------------------------------------------------------------------------ */

/* The schema's fields of one owner (the record, or a list's items), for
 * key lookup: their indexes and their keys, in schema order. */
struct owner_fields {
  uint32_t n;
  const uint32_t *f;
  const struct field_key *k;
  uint32_t *order; /* the keys' order as last read (rd->order) */
};

/* Owners with at most this many fields are scanned; wider ones (a schema
 * from a hostile file may have thousands of fields, and every key of every
 * item would scan them all) go through a keyed hash table of field names. */
#define SCAN_FIELDS 16

static bool same_name(const struct image *img, uint32_t name, const char *s, size_t n) {
  return img->strlens[name] == n && scan_same(img->strs[name], s, n);
}

/* The place of key s among the fields of `of` (owned by `owner`), or -1. */
static int find_key(const struct jp *j, int owner, struct owner_fields of, const char *s, size_t n) {
  const struct image *img = j->img;
  if (of.n <= SCAN_FIELDS) {
    for (uint32_t i = 0; i < of.n; i++)
      if (of.k[i].n == n && scan_same(of.k[i].name, s, n)) return (int)i;
    return -1;
  }
  const struct reader *rd = j->rd;
  const struct tier_vm *vm = j->vm;
  uint16_t want = owner < 0 ? NO_LIST : (uint16_t)owner;
  size_t mask = rd->cap_ftab - 1;
  for (size_t k = hash_bytes(&vm->hkey, s, n) & mask; rd->ftab[k]; k = (k + 1) & mask) {
    uint32_t fi = rd->ftab[k] - 1;
    if (img->fields[fi].owner == want && same_name(img, img->fields[fi].key, s, n)) return (int)rd->fpos[fi];
  }
  return -1;
}

/* The hash table of the fields of every owner wider than SCAN_FIELDS. */
static int index_wide_owners(struct tier_vm *vm, struct reader *rd, const uint32_t *start, const uint32_t *fields) {
  const struct image *img = vm->rs->img;
  uint32_t no = img->nlists + 1, nwide = 0;
  for (uint32_t o = 0; o < no; o++) {
    uint32_t n = start[o + 2] - start[o + 1];
    if (n > SCAN_FIELDS) nwide += n;
  }
  if (nwide == 0) return TIER_OK;
  size_t cap = 16;
  while (cap < 2 * (size_t)nwide) cap *= 2;
  rd->ftab = t_malloc(&vm->hook, cap * sizeof *rd->ftab);
  if (!rd->ftab) return TIER_ENOMEM;
  memset(rd->ftab, 0, cap * sizeof *rd->ftab);
  rd->cap_ftab = cap;
  for (uint32_t o = 0; o < no; o++) {
    uint32_t b = start[o + 1], e = start[o + 2];
    if (e - b <= SCAN_FIELDS) continue;
    for (uint32_t i = b; i < e; i++) {
      uint32_t fi = fields[i], name = img->fields[fi].key;
      size_t k = hash_bytes(&vm->hkey, img->strs[name], img->strlens[name]) & (cap - 1);
      while (rd->ftab[k]) k = (k + 1) & (cap - 1);
      rd->ftab[k] = fi + 1;
    }
  }
  return TIER_OK;
}

/* The key at j->p, when it is field `next` of `of` spelt byte for byte
 * between its quotes, whatever follows them: its place, with j->p past
 * the closing quote (object() then passes blanks to the colon); else -1,
 * j->p unmoved.  other_key() tries it after blanks, where expected_key()
 * failed, so that keys written `, "name": value` and `"name" : value` (a
 * blank before the colon) are matched too, not decoded and looked up. */
static inline int bare_key(struct jp *j, struct owner_fields of, uint32_t next) {
  if (next >= of.n) return -1;
  const struct field_key *k = &of.k[next];
  if (!k->raw || (size_t)(j->e - j->p) < k->n + 2 || *j->p != '"' || j->p[k->n + 1] != '"' || !scan_same(j->p + 1, k->name, k->n))
    return -1;
  j->p += k->n + 2;
  return (int)next;
}

/* After key k (-1: none), the colon: k with j->p past it, or -2 with *rc
 * the error.  A key's pattern holds its colon; the other ways come here. */
static __attribute__((noinline)) int colon(struct jp *j, int k, int *rc) {
  if (k < 0 || punct(j, ':')) return k;
  *rc = syntax(j, j->p, _("':' expected"));
  return -2;
}

/* The key at j->p, when it is field `next` of `of` spelt byte for byte as
 * its name: its place, with j->p past the colon (in one compare when the
 * key's pattern holds the key and its colon, field_key.pat, else between
 * its quotes and then past blanks, colon()); else -1, with j->p where it
 * was (other_key() then reads the key), or -2 with *rc the error of a
 * missing colon.  (The name
 * is the field's JSON key: `n "count": int;` reads "count".)  Producers
 * write the keys of every object in one order, so the key after field k is
 * most often field k + 1, or else the one that followed it in an object
 * read before (of.order, learnt where field k + 1 was not: a producer that
 * sorts its keys, as Go's encoding/json and `jq -S` do, has its order
 * learnt after one object), and one compare or two replace decoding the
 * key and looking it up.  Only names whose JSON spelling is themselves
 * qualify (field_key.raw). */
static inline __attribute__((always_inline)) int expected_key(struct jp *j, struct owner_fields of, uint32_t next, int *rc) {
  const struct field_key *k = &of.k[next]; /* of.k[of.n] matches nothing */
  if (j->e - j->p >= 16) {
    if (scan_pat_at(&k->pat, j->p)) { /* "name": in one compare: most keys */
      j->p += k->pat.n;
      return (int)next;
    }
    if (k->short_raw) return -1;
  }
  return colon(j, bare_key(j, of, next), rc);
}

static int object(struct jp *j, int owner, const struct owner_fields *ofs, int depth, int64_t *row, bool *seen);
static inline __attribute__((always_inline)) int object_in(struct jp *j, int owner, const struct owner_fields *ofs, int depth,
                                                           int64_t *row, bool *seen);
static struct owner_fields fields_of(struct jp *j, int owner);
static int take_id(struct jp *j, const char *s, size_t n);

/* The depth of the objects whose keys are the fields of `owner`: 0 for the
 * record, one more than its list for a list's items. */
static int depth_of(const struct jp *j, int owner) { return owner < 0 ? 0 : j->img->lists[owner].depth + 1; }

/* The items of list l, read from a JSON array into the list's items after
 * those of the parent items read before (an inner list keeps the items of
 * all its parents, one parent after the other); *slot, the list's slot in
 * the record or the parent item, gets where they are (LIST_SLOT).  The
 * items of an item's inner lists are read while the item is: each list's
 * array grows only while its own items are read, so `row` stays put. */
static int list(struct jp *j, uint32_t l, bool *seen_items, int64_t *slot) {
  struct reader *rd = j->rd;
  const struct image *img = j->img;
  uint32_t width = img->lists[l].width, start = rd->lists[l].n, count = 0;
  int depth = img->lists[l].depth;
  struct owner_fields of = fields_of(j, (int)l); /* of the items */
  *slot = LIST_SLOT(start, 0);
  ws(j);
  if (j->p >= j->e) return syntax(j, j->p, _("unexpected end of input"));
  if (*j->p == 'n') {
    int rc = literal(j, "null", 4);
    return rc ? rc : fault(j, _("a list may be absent but not null"));
  }
  if (*j->p != '[') return mistyped(j, _("a list (JSON array)"));
  j->p++;
  ws(j);
  if (j->p < j->e && *j->p == ']') {
    j->p++;
  } else {
    for (;;) {
      if (start + count >= MAX_ITEMS)
        return depth ? fault(j, _("the lists '%s' of this record have more than %u items in all"), img_str(img, img->fields[img->lists[l].field].key), MAX_ITEMS)
                     : fault(j, _("list has more than %u items"), MAX_ITEMS);
      j->at[depth].item = count;
      if (!ws_more(j)) return syntax(j, j->p, _("unexpected end of input"));
      if (*j->p != '{') return mistyped(j, _("a list item (an object)"));
      size_t at = (size_t)(start + count) * width;
      /* the budget, before the item takes any memory */
      j->cost = vm_cost_add(j->cost, img->cost_per[l], 1);
      if (vm_over_budget(j->vm, j->cost, true)) return TIER_EBUDGET;
      if (!grow(j->vm, (void **)&rd->items[l], &rd->cap_items[l], at + width + 1, sizeof(int64_t))) {
        fault(j, _("out of memory"));
        return TIER_ENOMEM;
      }
      int rc = object_in(j, (int)l, &of, depth + 1, rd->items[l] + at, seen_items);
      if (rc) return rc;
      rd->lists[l].n = start + ++count;
      int more = sep(j, ']');
      if (more > 0) continue;
      if (more == 0) break;
      return syntax(j, j->p, _("',' or ']' expected"));
    }
  }
  j->at[depth].item = -1;
  *slot = LIST_SLOT(start, count);
  return TIER_OK;
}

static struct owner_fields fields_of(struct jp *j, int owner) {
  const uint32_t *start = j->vm->owner_start;
  struct owner_fields of = {start[owner + 3] - start[owner + 2], j->vm->owner_fields + start[owner + 2],
                            j->rd->keys + start[owner + 2] + (uint32_t)(owner + 1),
                            j->rd->order + start[owner + 2] + (uint32_t)(owner + 1)};
  return of;
}

/* A key that is not where object() looks first (right after the '{' or
 * ','): after blanks, spelt with escapes, in an order not learnt, or one
 * the schema does not declare.  Its place among the fields of `of`, with
 * j->p past the key's colon; or -1 when the schema does not declare it, with the
 * key tallied (or with strict_fields a fault) and passed over with its
 * value; or -2 with *rc the error. */
static int other_key(struct jp *j, int owner, struct owner_fields of, uint32_t next, int *rc) {
  ws(j);
  if (j->p >= j->e || *j->p != '"') {
    *rc = syntax(j, j->p, _("string or '}' expected"));
    return -2;
  }
  int k = bare_key(j, of, next);
  if (k < 0) k = bare_key(j, of, of.order[next]);
  if (k >= 0) return colon(j, k, rc);
  char *mark = j->scr;
  const char *key;
  size_t kn;
  if ((*rc = string(j, &key, &kn))) return -2;
  k = find_key(j, owner, of, key, kn);
  j->rd->keys_looked_up++;
  if (k >= 0) {
    of.order[next] = (uint32_t)k; /* learnt for the next object */
    return colon(j, k, rc);
  }
  if (!punct(j, ':')) {
    *rc = syntax(j, j->p, _("':' expected"));
    return -2;
  }
  /* a key the schema does not declare: tallied, or with strict_fields a fault */
  char why[sizeof j->vm->err];
  j->at[depth_of(j, owner)].field = -1; /* the path is the object's */
  if (rec_unknown_key(j->vm, owner < 0 ? NO_LIST : (uint16_t)owner, key, kn, why, sizeof why)) {
    fault(j, "%s", why); /* the record's first undeclared key: read on (rec_strict_end) */
    if (!j->quiet) rec_strict_first(j->vm);
  }
  j->scr = mark; /* its name is not kept */
  return (*rc = skip(j, 1)) ? -2 : -1;
}

/* An object whose keys are the fields of `owner` (-1: the record): *ofs
 * is fields_of(owner) and depth depth_of(owner), which the caller takes
 * once for all the items of a list.  The path of a fault has
 * j->at[depth].field: the field being read, left there
 * until the next one or the object's end (no fault comes between).
 * Inline, with scalar() and what it calls, in list() (each item) and in
 * object() (the record): a call a value and one an item were a twentieth
 * of the reader's instructions. */
static inline __attribute__((always_inline)) int object_in(struct jp *j, int owner, const struct owner_fields *ofs, int depth,
                                                           int64_t *row, bool *seen) {
  const struct image *img = j->img;
  struct owner_fields of = *ofs;
  if (of.n <= 16) memset(seen, 0, 16); /* one store (rd->seen has 16 bytes to spare) */
  else memset(seen, 0, of.n);
  j->p++; /* '{' */
  ws(j);
  int rc;
  uint32_t next = 0;  /* the place of the key expected next (schema order); of.order[next]: the one learnt */
  uint32_t nseen = 0; /* fields read: all of them, and none is absent */
  if (j->p < j->e && *j->p == '}') {
    j->p++;
  } else {
    for (;;) {
      /* the key expected, where records put it: right after the ',' or '{' */
      int k = expected_key(j, of, next, &rc); /* then j->p is past the colon */
      if (k == -1) k = expected_key(j, of, of.order[next], &rc);
      if (k == -1) k = other_key(j, owner, of, next, &rc);
      if (k == -2) return rc;
      if (k >= 0) {
        uint32_t fi = of.k[k].fi;
        const struct img_field *f = &of.k[k].f;
        j->at[depth].field = (int)fi;
        if (seen[k]) return fault(j, _("the field appears twice"));
        seen[k] = true;
        nseen++;
        if (f->kind == TY_LIST) rc = list(j, f->ref, seen + of.n, &row[f->slot]);
        else rc = scalar(j, f, fi, &row[f->slot]);
        if (rc) return rc;
        if (owner < 0 && (int32_t)fi == img->id_field && row[f->slot] != TIER_NONE) {
          const struct rec_str *id = &j->rd->strs[row[f->slot]];
          if ((rc = take_id(j, id->p, id->n))) return rc;
        }
        next = (uint32_t)k + 1;
      }
      int more = sep(j, '}');
      if (more > 0) continue;
      if (more == 0) break;
      return syntax(j, j->p, _("',' or '}' expected"));
    }
  }
  j->at[depth].field = -1;
  /* absent fields: optional ones are none, lists empty, others an error */
  for (uint32_t k = 0; nseen < of.n && k < of.n; k++) {
    if (seen[k]) continue;
    const struct img_field *f = &img->fields[of.f[k]];
    if (f->kind == TY_LIST) { row[f->slot] = LIST_SLOT(j->rd->lists[f->ref].n, 0); continue; }
    if (f->flags & FF_OPT) { row[f->slot] = TIER_NONE; continue; }
    j->at[depth].field = (int)of.f[k];
    return fault(j, _("missing required field"));
  }
  return TIER_OK;
}

/* The owner number of a field: 0 the record, l + 1 list l. */
static uint32_t owner_of(const struct img_field *f) { return f->owner == NO_LIST ? 0 : f->owner + 1u; }

/* object_in, for the record itself. */
static int object(struct jp *j, int owner, const struct owner_fields *ofs, int depth, int64_t *row, bool *seen) {
  return object_in(j, owner, ofs, depth, row, seen);
}

/* Whether a field's name is spelt in JSON as itself: a key that matches it
 * byte for byte between quotes is that field (see expected_key). */
static bool raw_name(const struct image *img, uint32_t name) { return raw_bytes(img->strs[name], img->strlens[name]); }

/* The key of field fi, as expected_key() matches it. */
static void key_of(const struct tier_vm *vm, struct field_key *k, uint32_t fi) {
  const struct image *img = vm->rs->img;
  uint32_t name = img->fields[fi].key; /* the key the records use */
  *k = (struct field_key){
      .name = img->strs[name], .n = img->strlens[name], .raw = raw_name(img, name), .fi = fi, .f = img->fields[fi]};
  if (k->raw && k->n <= 13) {
    char quoted[16];
    quoted[0] = '"';
    memcpy(quoted + 1, k->name, k->n);
    quoted[k->n + 1] = '"';
    quoted[k->n + 2] = ':'; /* and the colon: "name": */
    scan_pat_init(&k->pat, quoted, k->n + 3);
    k->short_raw = true;
  } else {
    k->pat = (struct scan_pat){.lo = 1}; /* matches nothing (no byte passes its mask) */
  }
}

/* Build the per-owner field tables once per VM: the fields of owner o
 * (0 the record, l + 1 list l) are owner_fields[owner_start[o + 1] ..
 * owner_start[o + 2]), in schema order, and fpos gives each field's place
 * there.  A counting sort, so that the work is linear in the schema. */
static int index_fields(struct tier_vm *vm, struct reader *rd) {
  const struct image *img = vm->rs->img;
  uint32_t no = img->nlists + 1;
  uint32_t *start = t_malloc(&vm->hook, sizeof(uint32_t) * (no + 2));
  uint32_t *fields = t_malloc(&vm->hook, sizeof(uint32_t) * (img->nfields + 1));
  if (!rd->fpos) rd->fpos = t_malloc(&vm->hook, sizeof(uint32_t) * (img->nfields + 1));
  if (!rd->keys) rd->keys = t_malloc(&vm->hook, sizeof *rd->keys * (img->nfields + no + 1));
  if (!rd->order) rd->order = t_malloc(&vm->hook, sizeof(uint32_t) * (img->nfields + no + 1));
  if (!start || !fields || !rd->fpos || !rd->keys || !rd->order || (!rd->ehash && index_enums(vm, rd))) goto fail;
  /* a counting sort by owner: counts, then each owner's end, then the
   * fields placed from the back so that each end moves to its begin */
  memset(start, 0, sizeof(uint32_t) * (no + 2));
  for (uint32_t f = 0; f < img->nfields; f++) start[owner_of(&img->fields[f]) + 1]++;
  uint32_t widest = 0;
  for (uint32_t o = 1; o <= no; o++) {
    if (start[o] > widest) widest = start[o];
    start[o] += start[o - 1];
  }
  for (uint32_t f = img->nfields; f-- > 0;) fields[--start[owner_of(&img->fields[f]) + 1]] = f;
  /* start[o + 1] is now where owner o begins; the last entry is the end */
  start[no + 1] = img->nfields;
  for (uint32_t o = 0; o < no; o++) {
    for (uint32_t i = start[o + 1]; i < start[o + 2]; i++) rd->fpos[fields[i]] = i - start[o + 1];
    uint32_t n = start[o + 2] - start[o + 1];
    for (uint32_t k = 0; k <= n; k++) rd->order[start[o + 1] + o + k] = n; /* none learnt yet */
  }
  for (uint32_t o = 0; o < no; o++) {
    for (uint32_t i = start[o + 1]; i < start[o + 2]; i++) key_of(vm, &rd->keys[i + o], fields[i]);
    /* owner o's keys end with one that matches nothing (expected_key's
     * stop at `next` == n, without a test): its pattern has no byte, and
     * short_raw says that the pattern is all there is to try */
    rd->keys[start[o + 2] + o] = (struct field_key){.short_raw = true, .pat = {.lo = 1}};
  }
  if (index_wide_owners(vm, rd, start, fields)) goto fail;
  /* set last: a VM with owner_start has every table */
  vm->owner_start = start;
  vm->owner_fields = fields;
  vm->seen_size = (LIM_LIST_DEPTH + 1) * ((size_t)widest + 1); /* an object and the lists it is in */
  return TIER_OK;
fail:
  t_free(&vm->hook, start, start ? sizeof(uint32_t) * (no + 2) : 0);
  t_free(&vm->hook, fields, fields ? sizeof(uint32_t) * (img->nfields + 1) : 0);
  return TIER_ENOMEM;
}

/* The record's id, as soon as it is read: kept whole (any length) so that
 * a later fault can name the record.  A NUL would cut it short wherever it
 * is printed, so it is a fault of its own. */
static int take_id(struct jp *j, const char *s, size_t n) {
  struct reader *rd = j->rd;
  if (memchr(s, 0, n)) return fault(j, _("the id contains a NUL character (\\u0000)"));
  if (!grow(j->vm, (void **)&rd->id, &rd->cap_id, n + 1, 1)) return TIER_ENOMEM;
  memcpy(rd->id, s, n);
  rd->id[n] = 0;
  j->vm->res.id = rd->id;
  return TIER_OK;
}

/* The id of a record rejected before its id was read: one more pass over
 * the record's top-level keys, passing over every value but the id's, up to
 * the end or to the first malformed byte.  Linear in the record and no
 * memory beyond the decoding scratch; faults found on the way are not
 * reported (the record's error is already made). */
static void find_id(struct jp *j) {
  const struct image *img = j->img;
  if (img->id_field < 0 || j->vm->res.id) return;
  const char *idname = img_str(img, img->fields[img->id_field].key);
  size_t idlen = img->strlens[img->fields[img->id_field].key];
  j->quiet = true;
  j->p = j->s;
  j->scr = j->rd->scratch;
  ws(j);
  if (j->p >= j->e || *j->p != '{') return;
  j->p++;
  for (;;) {
    ws(j);
    if (j->p >= j->e || *j->p != '"') return;
    const char *key, *val;
    size_t kn, vn;
    if (string(j, &key, &kn)) return;
    ws(j);
    if (j->p >= j->e || *j->p != ':') return;
    j->p++;
    ws(j);
    if (kn == idlen && memcmp(key, idname, kn) == 0) {
      if (j->p < j->e && *j->p == '"' && !string(j, &val, &vn)) take_id(j, val, vn);
      return;
    }
    if (skip(j, 1)) return;
    ws(j);
    if (j->p >= j->e || *j->p != ',') return;
    j->p++;
  }
}

int rec_parse(struct tier_vm *vm, const char *json, size_t len, struct record *out) {
  struct reader *rd = reader_of(vm);
  vm->path[0] = 0;
  vm->err[0] = 0;
  vm->jerr[0] = 0;
  vm->res.id = NULL;
  if (!rd) { snprintf(vm->err, sizeof vm->err, _("out of memory")); return TIER_ENOMEM; }
  const struct image *img = vm->rs->img;
  if (!vm->owner_start && index_fields(vm, rd)) { snprintf(vm->err, sizeof vm->err, _("out of memory")); return TIER_ENOMEM; }
  if (!rd->items) {
    /* both or neither: rec_free frees them with nitems + 1 entries */
    size_t ni = sizeof *rd->items * (img->nlists + 1), nc = sizeof *rd->cap_items * (img->nlists + 1);
    int64_t **items = t_malloc(&vm->hook, ni);
    size_t *caps = t_malloc(&vm->hook, nc);
    if (!items || !caps) {
      t_free(&vm->hook, items, ni);
      t_free(&vm->hook, caps, nc);
      snprintf(vm->err, sizeof vm->err, _("out of memory"));
      return TIER_ENOMEM;
    }
    memset(items, 0, ni);
    memset(caps, 0, nc);
    rd->items = items;
    rd->cap_items = caps;
    rd->nitems = img->nlists;
  }
  if (!grow(vm, (void **)&rd->slots, &rd->cap_slots, img->ntop + 1, sizeof *rd->slots) ||
      !grow(vm, (void **)&rd->lists, &rd->cap_lists, img->nlists + 1, sizeof *rd->lists) ||
      !grow(vm, (void **)&rd->scratch, &rd->cap_scratch, len + 1, 1) ||
      !grow(vm, (void **)&rd->seen, &rd->cap_seen, vm->seen_size + 16, 1)) {
    snprintf(vm->err, sizeof vm->err, _("out of memory"));
    return TIER_ENOMEM;
  }
  rec_begin(rd);
  if (img->id_field >= 0) rd->slots[img->fields[img->id_field].slot] = TIER_NONE;
  /* every list starts empty: inner lists fill theirs parent by parent */
  for (uint32_t l = 0; l < img->nlists; l++) rd->lists[l].n = 0;
  struct jp j = {
      .s = json, .p = json, .e = json + len, .vm = vm, .rd = rd, .img = img, .scr = rd->scratch, .cost = vm_base_cost(vm->rs)};
  for (int k = 0; k <= LIM_LIST_DEPTH; k++) j.at[k].field = -1, j.at[k].item = -1;
  int rc;
  ws(&j);
  if (j.p >= j.e) {
    rc = syntax(&j, j.p, _("empty record"));
  } else if (*j.p != '{') {
    rc = mistyped_as(&j, _("a record must be %s, found %s"), _("a JSON object"));
  } else {
    struct owner_fields of = fields_of(&j, -1);
    rc = object(&j, -1, &of, 0, rd->slots, rd->seen);
    if (!rc) {
      ws(&j);
      if (j.p < j.e) rc = syntax(&j, j.p, _("text after the end of the record"));
    }
  }
  if (!rc) rc = rec_strict_end(vm);
  if (rc) {
    find_id(&j);
    return rc;
  }
  uint32_t max_list = 0;
  for (uint32_t l = 0; l < img->nlists; l++) {
    rd->lists[l].items = rd->items[l];
    if (rd->lists[l].n > max_list) max_list = rd->lists[l].n;
  }
  out->top = rd->slots;
  out->lists = rd->lists;
  out->strs = rd->strs;
  out->nstrs = j.nstrs;
  out->nums = rd->nums;
  out->nnums = j.nnums;
  out->max_list = max_list;
  out->hkey = &vm->hkey;
  if ((rc = rec_tiers(vm, out))) {
    find_id(&j);
    return rc;
  }
  rec_accept(rd);
  return TIER_OK;
}
