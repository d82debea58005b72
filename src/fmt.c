/*
 * fmt.c - `tierc fmt`: prints a .tier file in its canonical layout.
 *
 * Three steps, all in this file:
 *
 *   1. a tokenizer of its own (the flex lexer drops comments) that keeps
 *      every comment and remembers, for each token and comment, how many
 *      line ends precede it and whether a comment trails code on its line;
 *   2. a recursive-descent parser that follows grammar/parser.y and emits a
 *      small "document" (text, spaces, possible line breaks, groups, nesting),
 *      building a tree only for expressions;
 *   3. a Wadler/Oppen style printer: a group is printed on one line when it
 *      fits in FMT_WIDTH columns, otherwise each of its line breaks is taken.
 *
 * The layout rules (docs/editors/README.md lists them for readers):
 *
 *   - one item per line; items are separated by a blank line where the kind
 *     of item changes (header items -- ruleset, import, effective, review --;
 *     enums; the record; metrics; tiers) and around every record and every
 *     non-empty tier block; other blank lines are kept, at most one in a row;
 *   - `enum level { foundational, associate }` on one line (one value per
 *     line if it does not fit);
 *   - record and list fields one per line, indented by 2;
 *   - `metric NAME "LABEL"` on the first line and `= EXPR;` on the next,
 *     indented by 2; a metric without a label stays on one line when it fits,
 *     otherwise `= EXPR;` goes to the next line in the same way;
 *   - tier blocks: `tier NAME TYPE <`, section headings indented by 2,
 *     requirements by 4 (by 2 before the first heading), `sustained` by 2,
 *     `>` alone at column 0; an empty tier is `tier NAME TYPE < >`;
 *   - single spaces around binary operators and keywords, none inside
 *     parentheses, `{a, b}` sets, `12 months`, `-x`;
 *   - lines of at most FMT_WIDTH (100) columns where the text allows it;
 *     an expression that does not fit is broken before its loosest
 *     operator, one operand per line, continuation lines indented by 2 more:
 *     first before `where` (and `then`/`else`), then before each `or`, then
 *     each `and`, then comparisons and arithmetic; inside parentheses the
 *     continuation lines are indented from the parenthesis; a long `{...}`
 *     set is filled on lines of its own; a requirement's label goes to the
 *     next line when the requirement and label do not fit;
 *   - comments are kept, each as it is (trailing blanks removed): a
 *     whole-line comment is indented like the line that follows it (before a
 *     block's `>` or `}`: like the block's lines); a trailing comment stays
 *     at the end of its line, two spaces after the code, and ends that line
 *     (a trailing comment before a `;` or `,` moves after it); the trailing
 *     comments of consecutive lines with the same indentation are aligned;
 *   - no trailing white space, indentation by spaces, one line end at the end.
 *
 * Idempotence: the document depends only on the tokens, on which token each
 * comment trails or precedes, and on the blank lines at item, field and
 * statement boundaries -- all of which the printed text reproduces -- so
 * formatting the output again gives the same output.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ast.h"
#include "fmt.h"

/* ---- tokens ---------------------------------------------------------------------- */

enum { K_IDENT, K_INT, K_DEC, K_DATE, K_STRING, K_PUNCT, K_EOF };

struct ftok {
  uint8_t kind;
  uint32_t beg, len;
  uint32_t nl;     /* line ends between the previous token or comment and this one */
};

struct fcom {
  uint32_t beg, len; /* the comment's text, `#` included, trailing blanks excluded */
  uint32_t nl;       /* line ends before it */
  uint32_t gap;      /* index of the token that follows it */
  bool trailing;     /* code precedes it on its line */
};

/* ---- the document -------------------------------------------------------------- */

enum {
  D_TEXT,    /* source text [off, off+len) of display width w */
  D_SPACE,   /* one space, unless a line break comes first */
  D_LINE,    /* a space, or a line break when the enclosing group is broken */
  D_SOFT,    /* nothing, or a line break when the enclosing group is broken */
  D_HARD,    /* a line break */
  D_BLANK,   /* a line break and an empty line */
  D_COMMENT, /* a whole-line comment: on a line of its own */
  D_SUFFIX,  /* a trailing comment: printed at the end of the current line */
  D_GROUP,   /* begin a group; end: index of its D_GEND */
  D_GEND,
  D_NEST,    /* indent the lines of what follows by n more, until D_NEND */
  D_ALIGN,   /* indent the lines of what follows to the current column, until D_NEND */
  D_NEND,
  D_FILL     /* in a broken group: a space if what follows up to the next
                D_FILL (or the group's end) fits on the line, else a line break */
};

struct dcmd {
  uint8_t kind;
  bool hard;      /* D_GROUP: contains a forced line break */
  int32_t n;      /* D_NEST: amount */
  uint32_t off, len, w;
  uint32_t end;   /* D_GROUP: index of the matching D_GEND */
};

/* ---- expressions ----------------------------------------------------------------- */

enum { X_TOK, X_DUR, X_PAREN, X_NEG, X_NOT, X_BIN, X_IN, X_ISNONE, X_WITHIN, X_IF, X_AGG };
enum { L_OR = 1, L_AND, L_NOT, L_CMP, L_ADD, L_MUL };

struct ex {
  uint8_t kind, lvl;
  int32_t a, b, c;      /* children, -1 when absent */
  uint32_t t0, t1, t2;  /* token indices; see parse_* */
};

struct fmt {
  const char *s;
  size_t n;
  struct ftok *t;
  size_t nt, capt;
  struct fcom *c;
  size_t nc, capc;
  size_t pos;     /* parser: the next token */
  size_t cnext;   /* the next comment to emit */
  size_t deferred; /* a trailing comment moved after the next `;` or `,` */
  struct ex *x;
  size_t nx, capx;
  struct dcmd *d;
  size_t nd, capd;
  int depth;
  jmp_buf jb;
  char *err;
  size_t errlen;
};

static void fail_at(struct fmt *F, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4), noreturn));
static void fail_at(struct fmt *F, size_t off, const char *fmt, ...) {
  unsigned line = 1, col = 1;
  for (size_t i = 0; i < off && i < F->n; i++) {
    unsigned char ch = (unsigned char)F->s[i];
    if (ch == '\n') { line++; col = 1; }
    else if ((ch & 0xC0) != 0x80) col++;
  }
  if (F->err && F->errlen) {
    int k = snprintf(F->err, F->errlen, "%u:%u: ", line, col);
    if (k > 0 && (size_t)k < F->errlen) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(F->err + k, F->errlen - (size_t)k, fmt, ap);
      va_end(ap);
    }
  }
  longjmp(F->jb, 1);
}

static void oom(struct fmt *F) __attribute__((noreturn));
static void oom(struct fmt *F) {
  if (F->err && F->errlen) snprintf(F->err, F->errlen, "out of memory");
  longjmp(F->jb, 1);
}

/* Grow the array *p of *cap elements of size sz to hold one more than n. */
static void *grow(struct fmt *F, void *p, size_t *cap, size_t n, size_t sz) {
  if (n < *cap) return p;
  size_t nc = *cap ? *cap * 2 : 64;
  if (nc > SIZE_MAX / sz) oom(F);
  void *q = realloc(p, nc * sz);
  if (!q) oom(F);
  *cap = nc;
  return q;
}

/* Display width of UTF-8 text: East Asian wide characters count two
 * (the same rule the diagnostics use for their carets). */
static uint32_t text_width(const char *s, size_t n) {
  uint32_t w = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if ((ch & 0xC0) == 0x80) continue;
    w += (ch >= 0xE3 && ch <= 0xED) || ch >= 0xF0 ? 2 : 1;
  }
  return w;
}

/* ---- 1. tokenizer ------------------------------------------------------------------ */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

static void add_tok(struct fmt *F, int kind, size_t beg, size_t len, uint32_t nl) {
  F->t = grow(F, F->t, &F->capt, F->nt, sizeof *F->t);
  F->t[F->nt++] = (struct ftok){(uint8_t)kind, (uint32_t)beg, (uint32_t)len, nl};
}

static void tokenize(struct fmt *F) {
  const char *s = F->s;
  size_t n = F->n, i = 0;
  uint32_t nl = 0;
  if (n > 0xFFFFFFF0u) fail_at(F, 0, "the file is too large");
  while (i < n) {
    char ch = s[i];
    if (ch == '\n') { nl++; i++; continue; }
    if (ch == ' ' || ch == '\t' || ch == '\r') { i++; continue; }
    if (ch == '#') {
      size_t j = i;
      while (j < n && s[j] != '\n') j++;
      size_t e = j;
      while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) e--;
      bool trailing = nl == 0 && (F->nt > 0 || F->nc > 0);
      F->c = grow(F, F->c, &F->capc, F->nc, sizeof *F->c);
      F->c[F->nc] = (struct fcom){(uint32_t)i, (uint32_t)(e - i), nl, (uint32_t)F->nt, trailing};
      F->nc++;
      nl = 0;
      i = j;
      continue;
    }
    size_t b = i;
    int kind = K_PUNCT;
    if (is_digit(ch)) {
      if (i + 10 <= n && is_digit(s[i + 1]) && is_digit(s[i + 2]) && is_digit(s[i + 3]) && s[i + 4] == '-' &&
          is_digit(s[i + 5]) && is_digit(s[i + 6]) && s[i + 7] == '-' && is_digit(s[i + 8]) && is_digit(s[i + 9])) {
        kind = K_DATE;
        i += 10;
      } else {
        kind = K_INT;
        while (i < n && is_digit(s[i])) i++;
        if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1])) {
          kind = K_DEC;
          i++;
          while (i < n && is_digit(s[i])) i++;
        }
      }
    } else if (is_alpha(ch)) {
      kind = K_IDENT;
      while (i < n && (is_alpha(s[i]) || is_digit(s[i]))) i++;
    } else if (ch == '"') {
      kind = K_STRING;
      i++;
      while (i < n && s[i] != '"' && s[i] != '\n') i += (s[i] == '\\' && i + 1 < n && s[i + 1] != '\n') ? 2 : 1;
      if (i >= n || s[i] != '"') fail_at(F, b, "unterminated string");
      i++;
    } else if ((ch == '=' || ch == '!' || ch == '<' || ch == '>') && i + 1 < n && s[i + 1] == '=') {
      i += 2;
    } else if (strchr("<>()-+*/{},;:=?", ch) && ch) {
      i++;
    } else {
      unsigned char u = (unsigned char)ch;
      if (u >= 0x20 && u < 0x7f) fail_at(F, b, "unexpected character '%c'", ch);
      fail_at(F, b, "unexpected byte 0x%02x outside a string or comment", u);
    }
    add_tok(F, kind, b, i - b, nl);
    nl = 0;
  }
  add_tok(F, K_EOF, n, 0, nl);
}

/* ---- token tests ----------------------------------------------------------------- */

static const char *const keywords[] = {
    "all",   "and",  "any",     "asof",   "count", "distinct", "effective", "else",   "enum",
    "false", "for",  "if",      "import", "in",    "is",       "list",      "max",    "metric",
    "min",   "none", "not",     "or",     "record", "review",  "ruleset",   "sum",    "sustained",
    "then",  "tier", "true",    "version", "where", "within"};

static bool tok_is(const struct fmt *F, size_t i, int kind, const char *text) {
  const struct ftok *t = &F->t[i];
  return t->kind == kind && strlen(text) == t->len && memcmp(F->s + t->beg, text, t->len) == 0;
}
static bool kw(const struct fmt *F, size_t i, const char *k) { return tok_is(F, i, K_IDENT, k); }
static bool punct(const struct fmt *F, size_t i, const char *p) { return tok_is(F, i, K_PUNCT, p); }

static bool is_keyword(const struct fmt *F, size_t i) {
  if (F->t[i].kind != K_IDENT) return false;
  for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
    if (kw(F, i, keywords[k])) return true;
  return false;
}
static bool is_name(const struct fmt *F, size_t i) { return F->t[i].kind == K_IDENT && !is_keyword(F, i); }
static bool is_unit(const struct fmt *F, size_t i) {
  static const char *const u[] = {"day", "days", "month", "months", "year", "years"};
  for (size_t k = 0; k < 6; k++)
    if (kw(F, i, u[k])) return true;
  return false;
}

static void unexpected(struct fmt *F, const char *what) __attribute__((noreturn));
static void unexpected(struct fmt *F, const char *what) {
  const struct ftok *t = &F->t[F->pos];
  if (t->kind == K_EOF) fail_at(F, t->beg, "unexpected end of file; expected %s", what);
  fail_at(F, t->beg, "unexpected '%.*s'; expected %s", (int)(t->len > 40 ? 40 : t->len), F->s + t->beg, what);
}

static size_t expect_p(struct fmt *F, const char *p) {
  if (!punct(F, F->pos, p)) {
    char w[8];
    snprintf(w, sizeof w, "'%s'", p);
    unexpected(F, w);
  }
  return F->pos++;
}
static size_t expect_kw(struct fmt *F, const char *k) {
  if (!kw(F, F->pos, k)) {
    char w[16];
    snprintf(w, sizeof w, "'%s'", k);
    unexpected(F, w);
  }
  return F->pos++;
}
static size_t expect_name(struct fmt *F) {
  if (!is_name(F, F->pos)) unexpected(F, "a name");
  return F->pos++;
}
static size_t expect_kind(struct fmt *F, int kind, const char *what) {
  if (F->t[F->pos].kind != kind) unexpected(F, what);
  return F->pos++;
}

/* ---- 2a. emitting the document ----------------------------------------------------- */

static size_t put(struct fmt *F, int kind) {
  F->d = grow(F, F->d, &F->capd, F->nd, sizeof *F->d);
  memset(&F->d[F->nd], 0, sizeof F->d[F->nd]);
  F->d[F->nd].kind = (uint8_t)kind;
  return F->nd++;
}
static void put_text(struct fmt *F, int kind, uint32_t off, uint32_t len) {
  size_t k = put(F, kind);
  F->d[k].off = off;
  F->d[k].len = len;
  F->d[k].w = text_width(F->s + off, len);
}
static void nest(struct fmt *F, int n) {
  size_t k = put(F, D_NEST); /* put() may move F->d */
  F->d[k].n = n;
}
#define SPACE(F) put(F, D_SPACE)
#define LINE(F) put(F, D_LINE)
#define SOFT(F) put(F, D_SOFT)
#define HARD(F) put(F, D_HARD)
#define BLANK(F) put(F, D_BLANK)
#define GROUP(F) put(F, D_GROUP)
#define GEND(F) put(F, D_GEND)
#define NEND(F) put(F, D_NEND)
#define ALIGN(F) put(F, D_ALIGN)
#define FILL(F) put(F, D_FILL)

static void emit_comment(struct fmt *F, const struct fcom *c) {
  put_text(F, c->trailing ? D_SUFFIX : D_COMMENT, c->beg, c->len);
}

static bool comments_before(const struct fmt *F, size_t i);

/* The comments before token i that are still to be printed, each on a line
 * of its own (used inside expressions and headers: no blank lines). */
static void flush_lead(struct fmt *F, size_t i) {
  while (F->cnext < F->nc && F->c[F->cnext].gap <= i) emit_comment(F, &F->c[F->cnext++]);
}
/* The comment that trails token i on its line, if any.  When a `;` or `,`
 * follows (on the next line), the comment moves after it: it is deferred to
 * tok_or_skip(i + 1), and a comment trailing that `;` goes on a line of its
 * own, so that two comments never share a line. */
static void flush_trail(struct fmt *F, size_t i) {
  size_t k = F->cnext;
  if (!(k < F->nc && F->c[k].gap == i + 1 && F->c[k].trailing)) return;
  bool own_line_between = k + 1 < F->nc && F->c[k + 1].gap == i + 1;
  if ((punct(F, i + 1, ";") || punct(F, i + 1, ",")) && !own_line_between) {
    if (k + 1 < F->nc && F->c[k + 1].gap == i + 2 && F->c[k + 1].trailing) {
      F->c[k + 1].trailing = false;
      F->c[k + 1].nl = 1;
    }
    F->deferred = k;
    return;
  }
  emit_comment(F, &F->c[F->cnext++]);
}
/* Print token i (with the comments before and after it), or with text
 * false leave it out (an optional `;` or `,`) but keep its comments. */
static void tok_or_skip(struct fmt *F, size_t i, bool text) {
  if (!text && comments_before(F, i)) {
    /* whole-line comments before a token that is left out belong to the
     * next token, with the comment that trails the left-out token */
    for (size_t k = F->cnext; k < F->nc && F->c[k].gap <= i + 1; k++) {
      if (F->c[k].gap == i) F->c[k].gap = (uint32_t)i + 1;
      else if (F->c[k].trailing) {
        F->c[k].trailing = false;
        if (F->c[k].nl == 0) F->c[k].nl = 1;
      }
    }
    return;
  }
  const struct fcom *moved = NULL;
  if (F->deferred == F->cnext && F->cnext < F->nc && F->c[F->cnext].gap == i) moved = &F->c[F->cnext++];
  F->deferred = SIZE_MAX;
  flush_lead(F, i);
  if (text) put_text(F, D_TEXT, F->t[i].beg, F->t[i].len);
  if (moved) emit_comment(F, moved);
  flush_trail(F, i);
}
static void tok(struct fmt *F, size_t i) { tok_or_skip(F, i, true); }
static void skip(struct fmt *F, size_t i) { tok_or_skip(F, i, false); }

/* At a line boundary before token i (an item, a field, a statement): a line
 * break, then the whole-line comments before i, keeping one blank line
 * where the source has one or more.  `blank_first`: a blank line may come
 * first (not right after a block's opening); `force`: it must. */
static void boundary(struct fmt *F, size_t i, bool blank_first, bool force) {
  bool first = true;
  if (force) BLANK(F);
  while (F->cnext < F->nc && F->c[F->cnext].gap <= i) {
    const struct fcom *c = &F->c[F->cnext++];
    if (c->trailing) { emit_comment(F, c); continue; }
    if (c->nl >= 2 && (blank_first || !first)) BLANK(F);
    else HARD(F);
    emit_comment(F, c);
    first = false;
  }
  if (F->t[i].nl >= 2 && (blank_first || !first) && F->t[i].kind != K_EOF) BLANK(F);
  else HARD(F);
}

/* The whole-line comments before a block's closing token i, in the block's
 * indentation (the caller has opened the D_NEST). */
static bool closing_comments(struct fmt *F, size_t i, bool blank_first) {
  bool first = true;
  while (F->cnext < F->nc && F->c[F->cnext].gap <= i) {
    const struct fcom *c = &F->c[F->cnext++];
    if (c->trailing) { emit_comment(F, c); continue; }
    if (c->nl >= 2 && (blank_first || !first)) BLANK(F);
    else HARD(F);
    emit_comment(F, c);
    first = false;
  }
  return !first;
}
static bool comments_before(const struct fmt *F, size_t i) {
  for (size_t k = F->cnext; k < F->nc && F->c[k].gap <= i; k++)
    if (!F->c[k].trailing) return true;
  return false;
}

/* ---- 2b. expressions ------------------------------------------------------------------ */

static int32_t new_ex(struct fmt *F, int kind) {
  F->x = grow(F, F->x, &F->capx, F->nx, sizeof *F->x);
  struct ex *e = &F->x[F->nx];
  memset(e, 0, sizeof *e);
  e->kind = (uint8_t)kind;
  e->a = e->b = e->c = -1;
  return (int32_t)F->nx++;
}

static int32_t parse_expr(struct fmt *F, int minlvl);

static void enter(struct fmt *F) {
  if (++F->depth > 1000) fail_at(F, F->t[F->pos].beg, "expression nested too deeply");
}

/* aggregates: count L | count distinct F in L | sum|min|max F in L | any|all L,
 * each with an optional `where COND`; t0 = first token, t1 = number of
 * tokens before `where`, t2 = the `where` token, a = COND */
static int32_t parse_agg(struct fmt *F) {
  size_t t0 = F->pos++;
  uint32_t nhead;
  if (kw(F, t0, "count") && kw(F, F->pos, "distinct")) {
    F->pos++;
    expect_name(F);
    expect_kw(F, "in");
    expect_name(F);
    nhead = 5;
  } else if (kw(F, t0, "count") || kw(F, t0, "any") || kw(F, t0, "all")) {
    expect_name(F);
    nhead = 2;
  } else {
    expect_name(F);
    expect_kw(F, "in");
    expect_name(F);
    nhead = 4;
  }
  int32_t e = new_ex(F, X_AGG);
  F->x[e].t0 = (uint32_t)t0;
  F->x[e].t1 = nhead;
  if (kw(F, F->pos, "where")) {
    F->x[e].t2 = (uint32_t)F->pos++;
    int32_t cnd = parse_expr(F, L_OR);
    F->x[e].a = cnd;
  }
  return e;
}

static int32_t parse_prefix(struct fmt *F) {
  enter(F);
  size_t i = F->pos;
  int32_t e;
  if (kw(F, i, "not")) {
    F->pos++;
    int32_t a = parse_expr(F, L_CMP);
    e = new_ex(F, X_NOT);
    F->x[e].t0 = (uint32_t)i;
    F->x[e].a = a;
  } else if (punct(F, i, "-")) {
    F->pos++;
    int32_t a = parse_prefix(F);
    e = new_ex(F, X_NEG);
    F->x[e].t0 = (uint32_t)i;
    F->x[e].a = a;
  } else if (kw(F, i, "if")) {
    F->pos++;
    int32_t a = parse_expr(F, L_OR);
    size_t th = expect_kw(F, "then");
    int32_t b = parse_expr(F, L_OR);
    size_t el = expect_kw(F, "else");
    int32_t c = parse_expr(F, L_OR);
    e = new_ex(F, X_IF);
    F->x[e].t0 = (uint32_t)i;
    F->x[e].t1 = (uint32_t)th;
    F->x[e].t2 = (uint32_t)el;
    F->x[e].a = a;
    F->x[e].b = b;
    F->x[e].c = c;
  } else if (kw(F, i, "count") || kw(F, i, "sum") || kw(F, i, "min") || kw(F, i, "max") || kw(F, i, "any") ||
             kw(F, i, "all")) {
    e = parse_agg(F);
  } else if (punct(F, i, "(")) {
    F->pos++;
    int32_t a = parse_expr(F, L_OR);
    size_t r = expect_p(F, ")");
    e = new_ex(F, X_PAREN);
    F->x[e].t0 = (uint32_t)i;
    F->x[e].t1 = (uint32_t)r;
    F->x[e].a = a;
  } else if (F->t[i].kind == K_INT && is_unit(F, i + 1)) {
    F->pos += 2;
    e = new_ex(F, X_DUR);
    F->x[e].t0 = (uint32_t)i;
    F->x[e].t1 = (uint32_t)i + 1;
  } else if (F->t[i].kind == K_INT || F->t[i].kind == K_DEC || F->t[i].kind == K_DATE ||
             F->t[i].kind == K_STRING || is_name(F, i) || kw(F, i, "true") || kw(F, i, "false") ||
             kw(F, i, "asof")) {
    F->pos++;
    e = new_ex(F, X_TOK);
    F->x[e].t0 = (uint32_t)i;
  } else {
    unexpected(F, "an expression");
  }
  F->depth--;
  return e;
}

/* The level of the binary or postfix operator at token i, 0 if none. */
static int op_level(const struct fmt *F, size_t i) {
  if (kw(F, i, "or")) return L_OR;
  if (kw(F, i, "and")) return L_AND;
  if (punct(F, i, "==") || punct(F, i, "!=") || punct(F, i, "<") || punct(F, i, "<=") || punct(F, i, ">") ||
      punct(F, i, ">=") || kw(F, i, "in") || kw(F, i, "is") || kw(F, i, "within"))
    return L_CMP;
  if (punct(F, i, "+") || punct(F, i, "-")) return L_ADD;
  if (punct(F, i, "*") || punct(F, i, "/")) return L_MUL;
  return 0;
}

/* Precedence climbing over the operators of level >= minlvl, as parser.y's
 * %left/%nonassoc declarations say; `where`, `else` and `not` take their
 * operands through parse_prefix. */
static int32_t parse_expr(struct fmt *F, int minlvl) {
  enter(F);
  int32_t left = parse_prefix(F);
  bool cmp_done = false;
  for (;;) {
    size_t i = F->pos;
    int lvl = op_level(F, i);
    if (!lvl || lvl < minlvl) break;
    if (lvl == L_CMP) {
      if (cmp_done) fail_at(F, F->t[i].beg, "comparisons do not chain: add parentheses");
      cmp_done = true;
    }
    F->pos++;
    int32_t e;
    if (kw(F, i, "in")) {
      e = new_ex(F, X_IN);
      F->x[e].t1 = (uint32_t)expect_p(F, "{");
      expect_name(F);
      while (punct(F, F->pos, ",") && is_name(F, F->pos + 1)) F->pos += 2;
      if (punct(F, F->pos, ",")) F->pos++;
      F->x[e].t2 = (uint32_t)expect_p(F, "}");
    } else if (kw(F, i, "is")) {
      e = new_ex(F, X_ISNONE);
      if (kw(F, F->pos, "not")) F->pos++;
      F->x[e].t1 = (uint32_t)expect_kw(F, "none");
    } else if (kw(F, i, "within")) {
      e = new_ex(F, X_WITHIN);
      expect_kind(F, K_INT, "a number");
      if (!is_unit(F, F->pos)) unexpected(F, "days, months or years");
      F->pos++;
    } else {
      int32_t right = parse_expr(F, lvl + 1);
      e = new_ex(F, X_BIN);
      F->x[e].b = right;
    }
    F->x[e].t0 = (uint32_t)i;
    F->x[e].lvl = (uint8_t)lvl;
    F->x[e].a = left;
    left = e;
  }
  F->depth--;
  return left;
}

static void emit_ex(struct fmt *F, int32_t ei) {
  const struct ex e = F->x[ei];
  switch (e.kind) {
  case X_TOK: tok(F, e.t0); break;
  case X_DUR: tok(F, e.t0); SPACE(F); tok(F, e.t1); break;
  case X_PAREN:
    tok(F, e.t0);
    ALIGN(F);
    emit_ex(F, e.a);
    NEND(F);
    tok(F, e.t1);
    break;
  case X_NEG: tok(F, e.t0); emit_ex(F, e.a); break;
  case X_NOT: tok(F, e.t0); SPACE(F); emit_ex(F, e.a); break;
  case X_BIN: {
    /* a chain of operators of one level: a OP b OP c, broken before each OP */
    int32_t chain[256];
    int n = 0;
    int32_t k = ei;
    while (n < 256 && F->x[k].kind == X_BIN && F->x[k].lvl == e.lvl && e.lvl != L_CMP) {
      chain[n++] = k;
      k = F->x[k].a;
    }
    if (n == 0) chain[n++] = ei, k = e.a;
    GROUP(F);
    emit_ex(F, k);
    nest(F, 2);
    for (int j = n - 1; j >= 0; j--) {
      LINE(F);
      tok(F, F->x[chain[j]].t0);
      SPACE(F);
      emit_ex(F, F->x[chain[j]].b);
    }
    NEND(F);
    GEND(F);
    break;
  }
  case X_IN: {
    emit_ex(F, e.a);
    SPACE(F);
    tok(F, e.t0);
    SPACE(F);
    GROUP(F);
    tok(F, e.t1);
    nest(F, 2);
    SOFT(F);
    for (uint32_t i = e.t1 + 1; i < e.t2; i++) {
      if (punct(F, i, ",")) {
        if (i + 1 == e.t2) skip(F, i); /* the optional trailing comma */
        else { tok(F, i); FILL(F); }
      } else {
        tok(F, i);
      }
    }
    flush_lead(F, e.t2);
    NEND(F);
    SOFT(F);
    tok(F, e.t2);
    GEND(F);
    break;
  }
  case X_ISNONE:
    emit_ex(F, e.a);
    for (uint32_t i = e.t0; i <= e.t1; i++) {
      SPACE(F);
      tok(F, i);
    }
    break;
  case X_WITHIN:
    GROUP(F);
    emit_ex(F, e.a);
    nest(F, 2);
    LINE(F);
    tok(F, e.t0);
    SPACE(F);
    tok(F, e.t0 + 1);
    SPACE(F);
    tok(F, e.t0 + 2);
    NEND(F);
    GEND(F);
    break;
  case X_IF:
    GROUP(F);
    tok(F, e.t0);
    SPACE(F);
    emit_ex(F, e.a);
    nest(F, 2);
    LINE(F);
    tok(F, e.t1);
    SPACE(F);
    emit_ex(F, e.b);
    LINE(F);
    tok(F, e.t2);
    SPACE(F);
    emit_ex(F, e.c);
    NEND(F);
    GEND(F);
    break;
  case X_AGG:
    GROUP(F);
    for (uint32_t i = 0; i < e.t1; i++) {
      if (i) SPACE(F);
      tok(F, e.t0 + i);
    }
    if (e.a >= 0) {
      nest(F, 2);
      LINE(F);
      tok(F, e.t2);
      SPACE(F);
      emit_ex(F, e.a);
      NEND(F);
    }
    GEND(F);
    break;
  }
}

static void expr(struct fmt *F) {
  F->nx = 0;
  int32_t e = parse_expr(F, L_OR);
  emit_ex(F, e);
}

/* ---- 2c. items ----------------------------------------------------------------------- */

enum { C_NONE, C_HEADER, C_ENUM, C_RECORD, C_METRIC, C_TIER };

static int item_class(const struct fmt *F, size_t i) {
  if (kw(F, i, "ruleset") || kw(F, i, "import") || kw(F, i, "effective") || kw(F, i, "review")) return C_HEADER;
  if (kw(F, i, "enum")) return C_ENUM;
  if (kw(F, i, "record")) return C_RECORD;
  if (kw(F, i, "metric")) return C_METRIC;
  if (kw(F, i, "tier")) return C_TIER;
  return C_NONE;
}

/* Is the item at token i printed on more than one line by its nature (a
 * record, a tier with statements or comments in its block)? */
static bool multiline_item(const struct fmt *F, size_t i) {
  if (kw(F, i, "record")) return true;
  if (!kw(F, i, "tier")) return false;
  if (!(i + 4 < F->nt && punct(F, i + 3, "<") && punct(F, i + 4, ">"))) return true;
  for (size_t k = F->cnext; k < F->nc && F->c[k].gap <= i + 4; k++)
    if (F->c[k].gap == i + 4 && !F->c[k].trailing) return true;
  return false;
}

static void fields(struct fmt *F);

static void field(struct fmt *F) {
  size_t a = expect_name(F);
  tok(F, a);
  if (is_name(F, F->pos)) { /* a modifier: partner type: ... */
    SPACE(F);
    tok(F, F->pos++);
  }
  tok(F, expect_p(F, ":"));
  SPACE(F);
  if (kw(F, F->pos, "list")) {
    tok(F, F->pos++);
    SPACE(F);
    tok(F, expect_p(F, "{"));
    fields(F);
    if (punct(F, F->pos, ";")) skip(F, F->pos++);
    return;
  }
  tok(F, expect_name(F));
  if (punct(F, F->pos, "?")) tok(F, F->pos++);
  tok(F, expect_p(F, ";"));
}

/* `{` is printed; the fields, then `}` */
static void fields(struct fmt *F) {
  nest(F, 2);
  bool first = true;
  while (!punct(F, F->pos, "}")) {
    if (F->t[F->pos].kind == K_EOF) unexpected(F, "'}'");
    boundary(F, F->pos, !first, false);
    field(F);
    first = false;
  }
  bool com = closing_comments(F, F->pos, !first);
  NEND(F);
  if (!first || com) HARD(F); /* else an empty `{}` */
  tok(F, F->pos++);
}

static void metric(struct fmt *F) {
  tok(F, F->pos++);
  SPACE(F);
  tok(F, expect_name(F));
  if (kw(F, F->pos, "for")) {
    SPACE(F);
    tok(F, F->pos++);
    SPACE(F);
    tok(F, expect_name(F));
  }
  if (F->t[F->pos].kind == K_STRING) { /* the label heads the definition */
    SPACE(F);
    tok(F, F->pos++);
    nest(F, 2);
    HARD(F);
    tok(F, expect_p(F, "="));
    SPACE(F);
    expr(F);
    tok(F, expect_p(F, ";"));
    NEND(F);
    return;
  }
  GROUP(F);
  nest(F, 2);
  LINE(F);
  tok(F, expect_p(F, "="));
  SPACE(F);
  expr(F);
  tok(F, expect_p(F, ";"));
  NEND(F);
  GEND(F);
}

static void tier(struct fmt *F) {
  tok(F, F->pos++);
  SPACE(F);
  tok(F, expect_name(F));
  SPACE(F);
  tok(F, expect_name(F));
  SPACE(F);
  tok(F, expect_p(F, "<"));
  if (punct(F, F->pos, ">") && !comments_before(F, F->pos)) {
    SPACE(F);
    tok(F, F->pos++);
    return;
  }
  bool first = true, in_section = false;
  while (!punct(F, F->pos, ">")) {
    size_t i = F->pos;
    if (F->t[i].kind == K_EOF) unexpected(F, "'>' (end of the tier's block)");
    if (is_name(F, i) && punct(F, i + 1, ":")) { /* section heading */
      nest(F, 2);
      boundary(F, i, !first, false);
      tok(F, F->pos++);
      tok(F, F->pos++);
      NEND(F);
      in_section = true;
    } else if (kw(F, i, "sustained")) {
      nest(F, 2);
      boundary(F, i, !first, false);
      tok(F, F->pos++);
      SPACE(F);
      tok(F, expect_kind(F, K_INT, "a number"));
      SPACE(F);
      if (!is_unit(F, F->pos)) unexpected(F, "months");
      tok(F, F->pos++);
      tok(F, expect_p(F, ";"));
      NEND(F);
    } else { /* requirement [label]; */
      nest(F, in_section ? 4 : 2);
      boundary(F, i, !first, false);
      GROUP(F);
      expr(F);
      if (F->t[F->pos].kind == K_STRING) {
        nest(F, 2);
        LINE(F);
        tok(F, F->pos++);
        NEND(F);
      }
      GEND(F);
      tok(F, expect_p(F, ";"));
      NEND(F);
    }
    first = false;
  }
  nest(F, in_section ? 4 : 2);
  closing_comments(F, F->pos, !first);
  NEND(F);
  HARD(F);
  tok(F, F->pos++);
}

static void item(struct fmt *F) {
  size_t i = F->pos;
  if (kw(F, i, "ruleset")) {
    tok(F, F->pos++);
    SPACE(F);
    tok(F, expect_kind(F, K_STRING, "a string"));
    if (kw(F, F->pos, "version")) {
      SPACE(F);
      tok(F, F->pos++);
      SPACE(F);
      tok(F, expect_kind(F, K_STRING, "a string"));
    }
    tok(F, expect_p(F, ";"));
  } else if (kw(F, i, "import")) {
    tok(F, F->pos++);
    SPACE(F);
    tok(F, expect_kind(F, K_STRING, "a string"));
    tok(F, expect_p(F, ";"));
  } else if (kw(F, i, "effective") || kw(F, i, "review")) {
    tok(F, F->pos++);
    SPACE(F);
    tok(F, expect_p(F, "="));
    SPACE(F);
    expr(F);
    tok(F, expect_p(F, ";"));
  } else if (kw(F, i, "enum")) {
    tok(F, F->pos++);
    SPACE(F);
    tok(F, expect_name(F));
    SPACE(F);
    GROUP(F);
    tok(F, expect_p(F, "{"));
    nest(F, 2);
    LINE(F);
    tok(F, expect_name(F));
    while (punct(F, F->pos, ",") && is_name(F, F->pos + 1)) {
      tok(F, F->pos++);
      LINE(F);
      tok(F, F->pos++);
    }
    if (punct(F, F->pos, ",")) skip(F, F->pos++);
    if (!punct(F, F->pos, "}")) unexpected(F, "',' or '}'");
    flush_lead(F, F->pos);
    NEND(F);
    LINE(F);
    tok(F, F->pos++);
    GEND(F);
    if (punct(F, F->pos, ";")) skip(F, F->pos++);
  } else if (kw(F, i, "record")) {
    tok(F, F->pos++);
    if (is_name(F, F->pos)) {
      SPACE(F);
      tok(F, F->pos++);
    }
    SPACE(F);
    tok(F, expect_p(F, "{"));
    fields(F);
    if (punct(F, F->pos, ";")) skip(F, F->pos++);
  } else if (kw(F, i, "metric")) {
    metric(F);
  } else if (kw(F, i, "tier")) {
    tier(F);
  } else {
    unexpected(F, "an item (ruleset, import, enum, record, metric, review, effective or tier)");
  }
}

static void file(struct fmt *F) {
  int prev = C_NONE;
  bool prev_multi = false;
  while (F->t[F->pos].kind != K_EOF) {
    size_t i = F->pos;
    int cls = item_class(F, i);
    bool multi = multiline_item(F, i);
    bool force = prev != C_NONE && (cls != prev || multi || prev_multi);
    boundary(F, i, prev != C_NONE, force);
    item(F);
    prev = cls;
    prev_multi = multi;
  }
  closing_comments(F, F->pos, prev != C_NONE);
  HARD(F);
}

/* ---- 3. printing --------------------------------------------------------------------- */

struct line {
  size_t code, code_len; /* in pr.code */
  uint32_t width;
  size_t com, com_len;   /* trailing comment, in pr.com */
};

struct printer {
  struct fmt *F;
  struct buf code, com;
  struct line *L;
  size_t nl, capl;
  struct line cur;
  bool started;          /* some text has been printed */
  int pend_nl;           /* line breaks asked for: 0, 1 or 2 (a blank line) */
  int pend_indent;
  bool pend_space;
  bool *modes;           /* open groups: true = flat */
  size_t nmodes, capmodes;
  int *indents;
  size_t nind, capind;
};

static void end_line(struct printer *P) {
  P->L = grow(P->F, P->L, &P->capl, P->nl, sizeof *P->L);
  P->L[P->nl++] = P->cur;
  memset(&P->cur, 0, sizeof P->cur);
  P->cur.code = P->code.n;
  P->cur.com = P->com.n;
}

static void want_nl(struct printer *P, int k, int indent) {
  if (P->pend_nl < k) P->pend_nl = k;
  P->pend_indent = indent;
  P->pend_space = false;
}

static void print_text(struct printer *P, const char *s, size_t n, uint32_t w) {
  if (P->pend_nl) {
    if (P->started) {
      end_line(P);
      if (P->pend_nl > 1) end_line(P);
      for (int k = 0; k < P->pend_indent; k++) buf_u8(&P->code, ' ');
      P->cur.code_len += (size_t)P->pend_indent;
      P->cur.width += (uint32_t)P->pend_indent;
    }
    P->pend_nl = 0;
  } else if (P->pend_space && P->cur.width > 0) {
    buf_u8(&P->code, ' ');
    P->cur.code_len++;
    P->cur.width++;
  }
  P->pend_space = false;
  buf_put(&P->code, s, n);
  P->cur.code_len += n;
  P->cur.width += w;
  P->started = true;
}

static bool top_flat(const struct printer *P) { return P->nmodes > 0 && P->modes[P->nmodes - 1]; }

/* Does group g fit on the current line, flat, together with what follows it
 * up to the next line break? */
static bool fits(struct printer *P, size_t g, long rem) {
  bool sfx = false;
  const struct dcmd *d = P->F->d;
  size_t nd = P->F->nd, end = d[g].end;
  for (size_t j = g + 1; j < end; j++) {
    switch (d[j].kind) {
    case D_TEXT:
      if (sfx) return false;
      rem -= d[j].w;
      if (rem < 0) return false;
      break;
    case D_SPACE:
    case D_LINE:
    case D_FILL: rem--; break;
    case D_HARD:
    case D_BLANK:
    case D_COMMENT: return false;
    case D_SUFFIX: sfx = true; break;
    case D_GROUP:
      if (d[j].hard) return false;
      break;
    default: break;
    }
  }
  /* the rest, in the modes of the groups around g; groups opened on the way
   * inherit their parent's mode (or are broken if they must be) */
  size_t level = P->nmodes; /* open groups of the printer still enclosing */
  long depth = 0;           /* groups opened during the scan, their modes in stk */
  bool cur_flat = top_flat(P);
  bool stk[256];
  for (size_t j = end + 1; j < nd; j++) {
    switch (d[j].kind) {
    case D_TEXT:
      rem -= d[j].w;
      if (rem < 0) return false;
      break;
    case D_SPACE: rem--; break;
    case D_LINE:
    case D_FILL:
      if (!cur_flat) return true;
      rem--;
      break;
    case D_SOFT:
      if (!cur_flat) return true;
      break;
    case D_HARD:
    case D_BLANK:
    case D_COMMENT:
    case D_SUFFIX: return true;
    case D_GROUP:
      if (depth < 256) stk[depth] = cur_flat;
      depth++;
      if (d[j].hard) cur_flat = false;
      break;
    case D_GEND:
      if (depth > 0) {
        depth--;
        cur_flat = depth < 256 ? stk[depth] : false;
      } else {
        if (level > 0) level--;
        cur_flat = level > 0 && P->modes[level - 1];
      }
      break;
    default: break;
    }
  }
  return true;
}

/* D_FILL at j in a broken group: does the next item (up to the next D_FILL,
 * a line break or the end of the group) fit after a space? */
static bool fill_fits(const struct printer *P, size_t j) {
  const struct dcmd *d = P->F->d;
  long rem = FMT_WIDTH - (long)P->cur.width - 1;
  int depth = 0;
  for (size_t k = j + 1; k < P->F->nd; k++) {
    switch (d[k].kind) {
    case D_TEXT:
      rem -= d[k].w;
      if (rem < 0) return false;
      break;
    case D_SPACE:
    case D_LINE: rem--; break;
    case D_GROUP: depth++; break;
    case D_GEND:
      if (depth-- == 0) return true;
      break;
    case D_FILL:
    case D_SOFT:
      if (depth == 0) return true;
      rem -= d[k].kind == D_FILL;
      break;
    case D_HARD:
    case D_BLANK:
    case D_COMMENT:
    case D_SUFFIX: return true;
    default: break;
    }
  }
  return true;
}

static void print_doc(struct printer *P) {
  struct fmt *F = P->F;
  struct dcmd *d = F->d;
  /* match groups and mark those that must break */
  size_t *stk = malloc((F->nd + 1) * sizeof *stk);
  if (!stk) oom(F);
  size_t sp = 0, sfx = SIZE_MAX; /* sfx: groups open since the last trailing comment */
  for (size_t j = 0; j < F->nd; j++) {
    switch (d[j].kind) {
    case D_GROUP: stk[sp++] = j; break;
    case D_GEND: {
      size_t g = stk[--sp];
      d[g].end = (uint32_t)j;
      if (d[g].hard && sp) d[stk[sp - 1]].hard = true;
      if (sfx != SIZE_MAX && sfx > sp) sfx = sp;
      break;
    }
    case D_SUFFIX: sfx = sp; break;
    case D_TEXT: /* a trailing comment ends its line: the groups around both break */
      if (sfx != SIZE_MAX && sfx > 0) d[stk[sfx - 1]].hard = true;
      sfx = SIZE_MAX;
      break;
    case D_HARD:
    case D_BLANK:
    case D_COMMENT:
      if (sp) d[stk[sp - 1]].hard = true;
      break;
    default: break;
    }
  }
  free(stk);

  int indent = 0;
  for (size_t j = 0; j < F->nd; j++) {
    const struct dcmd *c = &d[j];
    switch (c->kind) {
    case D_TEXT: print_text(P, F->s + c->off, c->len, c->w); break;
    case D_SPACE:
      if (!P->pend_nl) P->pend_space = true;
      break;
    case D_LINE:
      if (top_flat(P)) {
        if (!P->pend_nl) P->pend_space = true;
      } else {
        want_nl(P, 1, indent);
      }
      break;
    case D_SOFT:
      if (!top_flat(P)) want_nl(P, 1, indent);
      break;
    case D_FILL:
      if (top_flat(P) || fill_fits(P, j)) {
        if (!P->pend_nl) P->pend_space = true;
      } else {
        want_nl(P, 1, indent);
      }
      break;
    case D_HARD: want_nl(P, 1, indent); break;
    case D_BLANK: want_nl(P, 2, indent); break;
    case D_COMMENT:
      if (P->started && !P->pend_nl) P->pend_nl = 1; /* on a line of its own */
      P->pend_indent = indent;
      P->pend_space = false;
      print_text(P, F->s + c->off, c->len, c->w);
      want_nl(P, 1, indent);
      break;
    case D_SUFFIX: /* at the end of the current line, which it ends */
      if (P->cur.com_len) {
        buf_put(&P->com, "  ", 2);
        P->cur.com_len += 2;
      }
      buf_put(&P->com, F->s + c->off, c->len);
      P->cur.com_len += c->len;
      want_nl(P, 1, indent);
      break;
    case D_GROUP: {
      bool flat;
      if (top_flat(P)) flat = true;
      else if (c->hard) flat = false;
      else {
        long col = P->pend_nl ? P->pend_indent : (long)P->cur.width + (P->pend_space ? 1 : 0);
        flat = fits(P, j, FMT_WIDTH - col);
      }
      P->modes = grow(F, P->modes, &P->capmodes, P->nmodes, sizeof *P->modes);
      P->modes[P->nmodes++] = flat;
      break;
    }
    case D_GEND: P->nmodes--; break;
    case D_NEST:
      P->indents = grow(F, P->indents, &P->capind, P->nind, sizeof *P->indents);
      P->indents[P->nind++] = indent;
      indent += c->n;
      break;
    case D_ALIGN:
      P->indents = grow(F, P->indents, &P->capind, P->nind, sizeof *P->indents);
      P->indents[P->nind++] = indent;
      indent = P->pend_nl ? P->pend_indent : (int)P->cur.width + (P->pend_space ? 1 : 0);
      break;
    case D_NEND: indent = P->indents[--P->nind]; break;
    }
  }
  if (P->started) end_line(P);
}

static size_t line_indent(const struct printer *P, const struct line *l) {
  size_t k = 0;
  while (k < l->code_len && P->code.p[l->code + k] == ' ') k++;
  return k;
}

/* Join the lines, aligning the trailing comments of consecutive lines that
 * have the same indentation. */
static void assemble(struct printer *P, struct buf *out) {
  for (size_t i = 0; i < P->nl;) {
    size_t j = i;
    uint32_t col = 0;
    size_t ind = P->L[i].code_len ? line_indent(P, &P->L[i]) : 0;
    while (j < P->nl && P->L[j].com_len > 0 && line_indent(P, &P->L[j]) == ind) {
      if (P->L[j].width > col) col = P->L[j].width;
      j++;
    }
    if (j == i) j = i + 1;
    for (size_t k = i; k < j; k++) {
      const struct line *l = &P->L[k];
      buf_put(out, P->code.p ? P->code.p + l->code : (const uint8_t *)"", l->code_len);
      if (l->com_len) {
        for (uint32_t w = l->width; w < col + 2; w++) buf_u8(out, ' ');
        buf_put(out, P->com.p + l->com, l->com_len);
      }
      buf_u8(out, '\n');
    }
    i = j;
  }
}

int fmt_source(const char *text, size_t len, struct buf *out, char *err, size_t errlen) {
  struct fmt F;
  memset(&F, 0, sizeof F);
  F.s = text;
  F.n = len;
  F.err = err;
  F.errlen = errlen;
  F.deferred = SIZE_MAX;
  if (err && errlen) err[0] = 0;
  struct printer P;
  memset(&P, 0, sizeof P);
  P.F = &F;
  volatile int rc = -1;
  if (setjmp(F.jb) == 0) {
    tokenize(&F);
    file(&F);
    print_doc(&P);
    if (P.code.failed || P.com.failed) oom(&F);
    assemble(&P, out);
    if (out->failed) oom(&F);
    rc = 0;
  }
  free(F.t);
  free(F.c);
  free(F.x);
  free(F.d);
  free(P.L);
  free(P.modes);
  free(P.indents);
  buf_free(&P.code);
  buf_free(&P.com);
  return rc;
}

/* ---- syntax check with the compiler's parser --------------------------------------- */

int fmt_syntax_check(const char *path, const char *text, size_t len, struct buf *diag) {
  struct arena ar;
  arena_init(&ar, NULL);
  struct diags dg;
  memset(&dg, 0, sizeof dg);
  dg.ar = &ar;
  struct srcfile f;
  memset(&f, 0, sizeof f);
  f.path = arena_strndup(&ar, path, strlen(path));
  f.text = len <= LIM_SOURCE_BYTES ? arena_strndup(&ar, text, len) : NULL;
  f.len = len;
  int errors;
  if (!f.path || (len <= LIM_SOURCE_BYTES && !f.text)) {
    if (diag) buf_printf(diag, "error: out of memory\n");
    arena_free(&ar);
    return 1;
  }
  dg.files = &f;
  dg.nfiles = dg.capfiles = 1;
  size_t bad;
  if (len > LIM_SOURCE_BYTES) {
    diag_add(&dg, TIER_ERROR, NULL, "'%s' is larger than the limit of %u bytes", path, LIM_SOURCE_BYTES);
  } else if (!utf8_valid(f.text, len, &bad)) {
    struct loc l = {0, (uint32_t)bad, (uint32_t)bad + 1};
    diag_add(&dg, TIER_ERROR, &l, "invalid UTF-8 (byte 0x%02x): source must be UTF-8", (unsigned char)text[bad]);
  } else {
    struct parser ps;
    memset(&ps, 0, sizeof ps);
    ps.ar = &ar;
    ps.dg = &dg;
    ps.file = 0;
    ps.text = f.text;
    ps.len = len;
    parse_file(&ps);
  }
  if (ar.failed && dg.nerrors == 0) {
    if (diag) buf_printf(diag, "error: out of memory\n");
    arena_free(&ar);
    return 1;
  }
  errors = (int)dg.nerrors;
  if (diag && errors) diag_render(&dg, diag);
  arena_free(&ar);
  return errors;
}

/* ---- writing in place -------------------------------------------------------------- */

int fmt_write_file(const char *path, const void *data, size_t n, char *err, size_t errlen) {
  char *real = realpath(path, NULL);
  const char *target = real ? real : path;
  struct stat st;
  bool have = stat(target, &st) == 0;
  size_t tl = strlen(target) + 16;
  char *tmp = malloc(tl);
  if (!tmp) {
    snprintf(err, errlen, "out of memory");
    free(real);
    return -1;
  }
  snprintf(tmp, tl, "%s.fmtXXXXXX", target);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    snprintf(err, errlen, "cannot create a temporary file beside '%s': %s", path, strerror(errno));
    free(tmp);
    free(real);
    return -1;
  }
  bool ok = !have || fchmod(fd, st.st_mode & 07777) == 0;
  const char *p = data;
  size_t left = n;
  while (ok && left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) { ok = false; break; }
    p += w;
    left -= (size_t)w;
  }
  int saved = errno;
  if (close(fd) != 0 && ok) { ok = false; saved = errno; }
  if (ok && rename(tmp, target) != 0) { ok = false; saved = errno; }
  if (!ok) {
    snprintf(err, errlen, "cannot write '%s': %s", path, strerror(saved));
    unlink(tmp);
  }
  free(tmp);
  free(real);
  return ok ? 0 : -1;
}
