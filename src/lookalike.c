/*
 * lookalike.c - characters that look like the ASCII the language is written
 * in but are not: full-width forms typed with a Japanese or Chinese input
 * method (＞＝ １０ ；), the curly quotes and dashes of word processors, and
 * spaces that are not spaces (no-break, ideographic, zero width).
 *
 * The compiler reads a file with such characters as if the ASCII had been
 * typed, after one error per line that names each character by its Unicode
 * name and shows the ASCII to type.  So `n ＞＝ １０；` is one mistake and
 * one error, not five unexpected characters and a parse that derails.  The
 * lexer reads the folded copy; a map takes each of its offsets back to the
 * file's, so that every other diagnostic still points into the file as
 * written.  Strings and comments are never folded: they may say anything.
 */
#include <stdio.h>
#include <string.h>

#include "lookalike.h"

/* Characters outside the full-width block (U+FF01..U+FF5E, handled below)
 * and the ASCII each stands for, with its name from the Unicode Character
 * Database; sorted by code point.  "" means an invisible character: delete
 * it. */
static const struct lookalike {
  uint32_t cp;
  const char *ascii;
  const char *name;
} table[] = {
  {0x00A0, " ", "NO-BREAK SPACE"},
  {0x00AB, "\"", "LEFT-POINTING DOUBLE ANGLE QUOTATION MARK"},
  {0x00BB, "\"", "RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK"},
  {0x00D7, "*", "MULTIPLICATION SIGN"},
  {0x00F7, "/", "DIVISION SIGN"},
  {0x037E, ";", "GREEK QUESTION MARK"},
  {0x2000, " ", "EN QUAD"},
  {0x2001, " ", "EM QUAD"},
  {0x2002, " ", "EN SPACE"},
  {0x2003, " ", "EM SPACE"},
  {0x2004, " ", "THREE-PER-EM SPACE"},
  {0x2005, " ", "FOUR-PER-EM SPACE"},
  {0x2006, " ", "SIX-PER-EM SPACE"},
  {0x2007, " ", "FIGURE SPACE"},
  {0x2008, " ", "PUNCTUATION SPACE"},
  {0x2009, " ", "THIN SPACE"},
  {0x200A, " ", "HAIR SPACE"},
  {0x200B, "", "ZERO WIDTH SPACE"},
  {0x200C, "", "ZERO WIDTH NON-JOINER"},
  {0x200D, "", "ZERO WIDTH JOINER"},
  {0x2010, "-", "HYPHEN"},
  {0x2011, "-", "NON-BREAKING HYPHEN"},
  {0x2012, "-", "FIGURE DASH"},
  {0x2013, "-", "EN DASH"},
  {0x2014, "-", "EM DASH"},
  {0x2015, "-", "HORIZONTAL BAR"},
  {0x2018, "\"", "LEFT SINGLE QUOTATION MARK"},
  {0x2019, "\"", "RIGHT SINGLE QUOTATION MARK"},
  {0x201C, "\"", "LEFT DOUBLE QUOTATION MARK"},
  {0x201D, "\"", "RIGHT DOUBLE QUOTATION MARK"},
  {0x201E, "\"", "DOUBLE LOW-9 QUOTATION MARK"},
  {0x202F, " ", "NARROW NO-BREAK SPACE"},
  {0x2032, "\"", "PRIME"},
  {0x2033, "\"", "DOUBLE PRIME"},
  {0x2044, "/", "FRACTION SLASH"},
  {0x205F, " ", "MEDIUM MATHEMATICAL SPACE"},
  {0x2060, "", "WORD JOINER"},
  {0x2212, "-", "MINUS SIGN"},
  {0x2215, "/", "DIVISION SLASH"},
  {0x2217, "*", "ASTERISK OPERATOR"},
  {0x2236, ":", "RATIO"},
  {0x2260, "!=", "NOT EQUAL TO"},
  {0x2264, "<=", "LESS-THAN OR EQUAL TO"},
  {0x2265, ">=", "GREATER-THAN OR EQUAL TO"},
  {0x2266, "<=", "LESS-THAN OVER EQUAL TO"},
  {0x2267, ">=", "GREATER-THAN OVER EQUAL TO"},
  {0x2A7D, "<=", "LESS-THAN OR SLANTED EQUAL TO"},
  {0x2A7E, ">=", "GREATER-THAN OR SLANTED EQUAL TO"},
  {0x3000, " ", "IDEOGRAPHIC SPACE"},
  {0x3001, ",", "IDEOGRAPHIC COMMA"},
  {0x3002, ".", "IDEOGRAPHIC FULL STOP"},
  {0x3008, "<", "LEFT ANGLE BRACKET"},
  {0x3009, ">", "RIGHT ANGLE BRACKET"},
  {0x300C, "\"", "LEFT CORNER BRACKET"},
  {0x300D, "\"", "RIGHT CORNER BRACKET"},
  {0x300E, "\"", "LEFT WHITE CORNER BRACKET"},
  {0x300F, "\"", "RIGHT WHITE CORNER BRACKET"},
  {0x301D, "\"", "REVERSED DOUBLE PRIME QUOTATION MARK"},
  {0x301E, "\"", "DOUBLE PRIME QUOTATION MARK"},
  {0x301F, "\"", "LOW DOUBLE PRIME QUOTATION MARK"},
  {0xFE50, ",", "SMALL COMMA"},
  {0xFE52, ".", "SMALL FULL STOP"},
  {0xFE54, ";", "SMALL SEMICOLON"},
  {0xFE55, ":", "SMALL COLON"},
  {0xFE63, "-", "SMALL HYPHEN-MINUS"},
  {0xFEFF, "", "ZERO WIDTH NO-BREAK SPACE"},
  {0xFF61, ".", "HALFWIDTH IDEOGRAPHIC FULL STOP"},
  {0xFF64, ",", "HALFWIDTH IDEOGRAPHIC COMMA"},
};

/* The names of the ASCII punctuation marks, '!' to '~' (letters and digits
 * are named by rule): U+FF01..U+FF5E are "FULLWIDTH " and these. */
static const char *const punct_names[] = {
  ['!'] = "EXCLAMATION MARK", ['"'] = "QUOTATION MARK", ['#'] = "NUMBER SIGN",
  ['$'] = "DOLLAR SIGN", ['%'] = "PERCENT SIGN", ['&'] = "AMPERSAND", ['\''] = "APOSTROPHE",
  ['('] = "LEFT PARENTHESIS", [')'] = "RIGHT PARENTHESIS", ['*'] = "ASTERISK", ['+'] = "PLUS SIGN",
  [','] = "COMMA", ['-'] = "HYPHEN-MINUS", ['.'] = "FULL STOP", ['/'] = "SOLIDUS", [':'] = "COLON",
  [';'] = "SEMICOLON", ['<'] = "LESS-THAN SIGN", ['='] = "EQUALS SIGN", ['>'] = "GREATER-THAN SIGN",
  ['?'] = "QUESTION MARK", ['@'] = "COMMERCIAL AT", ['['] = "LEFT SQUARE BRACKET",
  ['\\'] = "REVERSE SOLIDUS", [']'] = "RIGHT SQUARE BRACKET", ['^'] = "CIRCUMFLEX ACCENT",
  ['_'] = "LOW LINE", ['`'] = "GRAVE ACCENT", ['{'] = "LEFT CURLY BRACKET", ['|'] = "VERTICAL LINE",
  ['}'] = "RIGHT CURLY BRACKET", ['~'] = "TILDE",
};
static const char *const digit_names[] = {"ZERO", "ONE", "TWO", "THREE", "FOUR",
                                          "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"};

/* Is code point cp a look-alike?  Then asc[0, 3) is the ASCII it stands
 * for and name[0, NAME_MAX) its name. */
enum { NAME_MAX = 64 };
static bool lookup(uint32_t cp, char *asc, char *name) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) {
    unsigned a = cp - 0xFEE0;
    asc[0] = (char)a;
    asc[1] = 0;
    if (a >= '0' && a <= '9') snprintf(name, NAME_MAX, "FULLWIDTH DIGIT %s", digit_names[a - '0']);
    else if (a >= 'A' && a <= 'Z') snprintf(name, NAME_MAX, "FULLWIDTH LATIN CAPITAL LETTER %c", a);
    else if (a >= 'a' && a <= 'z') snprintf(name, NAME_MAX, "FULLWIDTH LATIN SMALL LETTER %c", a - 32);
    else snprintf(name, NAME_MAX, "FULLWIDTH %s", punct_names[a]);
    return true;
  }
  size_t lo = 0, hi = sizeof table / sizeof table[0];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (table[mid].cp == cp) {
      snprintf(asc, 3, "%s", table[mid].ascii);
      snprintf(name, NAME_MAX, "%s", table[mid].name);
      return true;
    }
    if (table[mid].cp < cp) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/* The code point of the (valid) UTF-8 sequence of len bytes at p. */
static uint32_t decode(const unsigned char *p, size_t len) {
  uint32_t cp = len == 1 ? p[0] : len == 2 ? p[0] & 0x1Fu : len == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
  for (size_t k = 1; k < len; k++) cp = cp << 6 | (p[k] & 0x3Fu);
  return cp;
}

/* One pass over the text: the look-alikes outside strings and comments,
 * in order.  A string is a straight "..." on one line; a string opened by a
 * curly quote ends at the next quote of either kind; and a straight string
 * with no straight closing quote on its line ends at the last curly one
 * there (`"label”`), which is then a look-alike too. */
struct scan {
  const char *s;
  size_t n, i;
  size_t close; /* the look-alike quote that ends the current string; SIZE_MAX: none */
};

/* Is the character of len bytes at p a look-alike of '"'? */
static bool is_quote(const char *p, size_t len) {
  char asc[3], name[NAME_MAX];
  return len > 1 && lookup(decode((const unsigned char *)p, len), asc, name) && strcmp(asc, "\"") == 0;
}

/* The end of the string whose content starts at i: the offset of its
 * closing quote, and in *lk whether that is a look-alike.  A curly string
 * ends at the first quote of either kind, a straight one at its straight
 * quote or else at the line's last curly one; the line's end when there is
 * none. */
static size_t string_end(const struct scan *sc, size_t i, bool curly, bool *lk) {
  size_t last_curly = SIZE_MAX, j = i;
  *lk = false;
  while (j < sc->n && sc->s[j] != '\n') {
    if (sc->s[j] == '\\') { j += 2; continue; }
    if (sc->s[j] == '"') return j;
    size_t len = utf8_seq(sc->s + j, sc->n - j);
    if (len == 0) len = 1;
    if (is_quote(sc->s + j, len)) {
      if (curly) { *lk = true; return j; }
      last_curly = j;
    }
    j += len;
  }
  if (last_curly != SIZE_MAX) { *lk = true; return last_curly; }
  return j < sc->n ? j : sc->n;
}

/* Skip the string whose content starts at sc->i; a look-alike closing
 * quote is left for scan_next to report. */
static void skip_string(struct scan *sc, bool curly) {
  bool lk;
  size_t e = string_end(sc, sc->i, curly, &lk);
  if (lk) sc->close = e;
  sc->i = lk ? e : e < sc->n && sc->s[e] == '"' ? e + 1 : e;
}

/* The next look-alike: its offset *at, length *len, ASCII asc and name
 * (false at the end of the text). */
static bool scan_next(struct scan *sc, size_t *at, size_t *len, char *asc, char *name) {
  while (sc->i < sc->n) {
    size_t i = sc->i;
    if (sc->s[i] == '#') {
      while (sc->i < sc->n && sc->s[sc->i] != '\n') sc->i++;
      continue;
    }
    if (sc->s[i] == '"') {
      sc->i++;
      skip_string(sc, false);
      continue;
    }
    size_t l = utf8_seq(sc->s + i, sc->n - i);
    if (l == 0) l = 1;
    sc->i = i + l;
    if (l == 1 || !lookup(decode((const unsigned char *)sc->s + i, l), asc, name)) continue;
    *at = i;
    *len = l;
    if (i == sc->close) sc->close = SIZE_MAX; /* it closes a string */
    else if (strcmp(asc, "\"") == 0) skip_string(sc, true); /* it opens one */
    else if (strcmp(asc, "#") == 0) /* it starts a comment */
      while (sc->i < sc->n && sc->s[sc->i] != '\n') sc->i++;
    return true;
  }
  return false;
}

/* The look-alikes of one line, for its one error. */
struct line_faults {
  size_t first, end;       /* from the first to past the last, in the file */
  size_t ofirst, oend;     /* the same stretch in the folded copy */
  int count;               /* how many */
  int distinct;            /* how many different ones */
  char names[3][NAME_MAX]; /* the first three different ones */
  char asc[3];             /* the ASCII of the first */
  uint32_t cp;             /* the code point of the first */
};

/* One error for a line's look-alikes: where they are, what each is, and
 * the ASCII to type.  Names read "FF1E FULLWIDTH GREATER-THAN SIGN". */
static void report_line(struct diags *dg, uint32_t file, const char *s, const char *folded,
                        const struct line_faults *lf) {
  struct loc l = {file, (uint32_t)lf->first, (uint32_t)lf->end};
  int typed = (int)(lf->end - lf->first), ascii = (int)(lf->oend - lf->ofirst);
  if (lf->count == 1 && lf->cp == 0xFEFF) { /* a file's first BOM is not content (compile.c) */
    diag_add(dg, TIER_ERROR, &l, "%s",
             _("a byte order mark (U+FEFF), which only the start of a file may have, is here: delete it"));
  } else if (lf->count == 1 && lf->asc[0] == 0) {
    diag_add(dg, TIER_ERROR, &l, _("an invisible character, U+%s, is here: delete it"), lf->names[0]);
  } else if (lf->count == 1 && lf->asc[0] == ' ') {
    diag_add(dg, TIER_ERROR, &l, _("this space is U+%s, not an ordinary space: type a plain space"), lf->names[0]);
  } else if (lf->count == 1) {
    diag_add(dg, TIER_ERROR, &l, _("'%.*s' is U+%s, not ASCII: type '%.*s'"), typed, s + lf->first, lf->names[0], ascii,
             folded + lf->ofirst);
  } else {
    char list[4 * (NAME_MAX + 4)];
    size_t k = 0;
    int shown = lf->distinct < 3 ? lf->distinct : 3;
    for (int i = 0; i < shown; i++)
      k += (size_t)snprintf(list + k, sizeof list - k, "%sU+%s", i ? ", " : "", lf->names[i]);
    if (lf->distinct > shown) snprintf(list + k, sizeof list - k, ", …");
    diag_add(dg, TIER_ERROR, &l, _("'%.*s' has %d characters that are not ASCII (%s): type '%.*s'"), typed,
             s + lf->first, lf->count, list, ascii, folded + lf->ofirst);
  }
}

/* Add the look-alike at s[at, at + len) to its line's faults. */
static void note_fault(struct line_faults *lf, const char *s, size_t at, size_t len, size_t o, const char *asc,
                       const char *name) {
  if (lf->count == 0) {
    memset(lf, 0, sizeof *lf);
    lf->first = at;
    lf->ofirst = o;
    memcpy(lf->asc, asc, sizeof lf->asc);
    lf->cp = (uint32_t)decode((const unsigned char *)s + at, len);
  }
  lf->count++;
  lf->end = at + len;
  char full[NAME_MAX];
  snprintf(full, sizeof full, "%04X %.50s", (unsigned)decode((const unsigned char *)s + at, len), name);
  bool seen = false;
  for (int k = 0; k < lf->distinct && k < 3; k++) seen = seen || strcmp(lf->names[k], full) == 0;
  if (seen) return;
  if (lf->distinct < 3) memcpy(lf->names[lf->distinct], full, NAME_MAX);
  lf->distinct++;
}

bool lookalike_fold(struct arena *ar, struct diags *dg, uint32_t file, const char *s, size_t n, struct folded *out) {
  out->text = s;
  out->len = n;
  out->map = NULL;
  /* first: are there any?  (most files have none, and need no copy) */
  struct scan sc = {s, n, 0, SIZE_MAX};
  size_t at, len;
  char asc[3], name[NAME_MAX];
  if (!scan_next(&sc, &at, &len, asc, name)) return false;
  char *text = arena_alloc(ar, n + 1);
  uint32_t *map = arena_alloc(ar, sizeof *map * (n + 1));
  if (!text || !map) return false;
  size_t o = 0, from = 0;
  struct line_faults lf = {0};
  sc = (struct scan){s, n, 0, SIZE_MAX};
  for (;;) {
    bool more = scan_next(&sc, &at, &len, asc, name);
    size_t upto = more ? at : n;
    /* the text before it as it is; a line's error when the line ends */
    for (size_t i = from; i < upto; i++) {
      if (s[i] == '\n' && lf.count) {
        report_line(dg, file, s, text, &lf);
        lf.count = 0;
      }
      map[o] = (uint32_t)i;
      text[o++] = s[i];
    }
    if (!more) break;
    note_fault(&lf, s, at, len, o, asc, name);
    for (const char *a = asc; *a; a++) {
      map[o] = (uint32_t)at;
      text[o++] = *a;
    }
    lf.oend = o;
    from = at + len;
  }
  if (lf.count) report_line(dg, file, s, text, &lf);
  map[o] = (uint32_t)n;
  text[o] = 0;
  out->text = text;
  out->len = o;
  out->map = map;
  return true;
}

/* ---- files that are not UTF-8 ------------------------------------------------ */

/* Do the bytes >= 0x80 of s[0, n) pair up as lead and trail bytes in the
 * given ranges (a double-byte encoding's)? */
static bool pairs_up(const unsigned char *s, size_t n, bool (*lead)(unsigned), bool (*trail)(unsigned)) {
  bool any = false;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < 0x80) continue;
    if (!lead(s[i]) || i + 1 >= n || !trail(s[i + 1])) return false;
    any = true;
    i++;
  }
  return any;
}
static bool euc_byte(unsigned c) { return c >= 0xA1 && c <= 0xFE; }
static bool sjis_lead(unsigned c) { return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xEF); }
static bool sjis_trail(unsigned c) { return (c >= 0x40 && c <= 0x7E) || (c >= 0x80 && c <= 0xFC); }

const char *encoding_wide(const char *text, size_t n) {
  const unsigned char *s = (const unsigned char *)text;
  if (n >= 4 && ((s[0] == 0xFF && s[1] == 0xFE && !s[2] && !s[3]) || (!s[0] && !s[1] && s[2] == 0xFE && s[3] == 0xFF)))
    return "UTF-32";
  if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) return "UTF-16";
  /* ASCII text in UTF-16 without a byte-order mark: every other byte 0 */
  size_t head = n < 512 ? n : 512, zeros = 0;
  for (size_t i = 0; i < head; i++) zeros += s[i] == 0;
  return head >= 4 && zeros * 4 >= head ? "UTF-16" : NULL;
}

const char *encoding_guess(const char *text, size_t n) {
  const unsigned char *s = (const unsigned char *)text;
  const char *wide = encoding_wide(text, n);
  if (wide) return wide;
  if (pairs_up(s, n, euc_byte, euc_byte)) return "EUC-JP";
  if (pairs_up(s, n, sjis_lead, sjis_trail)) return "Shift_JIS";
  return "Windows-1252 (Latin-1)";
}
