/*
 * fmt.c - `tierc fmt`: prints a .tier file in its canonical layout.
 *
 * The file is parsed by the compiler's own lexer and parser (grammar/), with
 * a trivia table (ast.h) in which the lexer records where each token stands
 * and every comment and line end between tokens.  Then, in this file:
 *
 *   1. print rules walk the tree, one case per node kind in node(), and
 *      emit a small "document": text, spaces, possible line breaks, groups,
 *      nesting.  The text of each token comes from the tree (keywords from
 *      the rule, names from the nodes, literals from their source spans);
 *      the trivia table says where that token stands, so that the comments
 *      and blank lines around it are emitted beside it, and confirms that
 *      the rule and the grammar agree on the token (a disagreement is an
 *      internal error, never a silently different file);
 *   2. a Wadler/Oppen style printer: a group is printed on one line when it
 *      fits in FMT_WIDTH columns, otherwise each of its line breaks is taken.
 *
 * The same print rules, without a trivia table and with no width limit,
 * give the one-line text of a rule that the bytecode keeps for explain and
 * the diffs (fmt_expr_line), so that text does not depend on layout.
 *
 * Comments go with the token nearest them, as gofmt's comment map puts
 * them with the nearest node: a comment that follows code on its line
 * trails the token before it, any other comment leads the token after it.
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
 *     requirements by 4 (by 2 before the first heading), a time clause by 2,
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
 *   - the optional `;` after a `}` and `,` before a `}` are left out;
 *   - no trailing white space, indentation by spaces, one line end at the end.
 *
 * Idempotence: the document depends only on the tree, on which token each
 * comment trails or precedes, and on the blank lines at item, field and
 * statement boundaries -- all of which the printed text reproduces -- so
 * formatting the output again gives the same output.
 *
 * A new construct gets its layout as one case of node(): the tokens it is
 * written with, in order, with SPACE/LINE between them and GROUP/nest
 * around the parts that may break (docs/design-notes.md).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "fmt.h"
#include "parser.h"

/* ---- the document -------------------------------------------------------------- */

enum {
  D_TEXT,    /* text p[0, len) of display width w */
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
  const char *p;  /* D_TEXT, D_COMMENT, D_SUFFIX */
  uint32_t len, w;
  uint32_t end;   /* D_GROUP: index of the matching D_GEND */
};

/* The print rules' state: the document being built and, when formatting a
 * file, the trivia table and how far the rules have got through it. */
struct fmt {
  const struct tier_alloc_hook *hook; /* every allocation goes through it */
  const struct srcfile *files; /* the sources the nodes' locations point into */
  struct trivia *tv;     /* the file's tokens and comments; NULL for a rule text */
  const char *src;       /* the text tv's offsets point into */
  size_t cur;            /* the next token of tv to print */
  size_t cnext;          /* the next comment to print */
  size_t deferred;       /* a trailing comment moved after the next `;` or `,` */
  struct dcmd *d;
  size_t nd, capd;
  struct dcmd spare;     /* where put() writes when out of memory */
  bool oom;
  bool bug;              /* a print rule and the grammar disagree, at token `bug_at` */
  size_t bug_at;
  bool bound; /* a formula parameter is written as its argument (fmt_bound_line) */
};

/* Grow the array *p of *cap elements of size sz to hold one more than n;
 * false when out of memory (the array is then unchanged). */
static bool grow(const struct tier_alloc_hook *h, void **p, size_t *cap, size_t n, size_t sz) {
  if (n < *cap) return true;
  size_t nc = *cap ? *cap * 2 : 64;
  if (nc > SIZE_MAX / 2 / sz) return false;
  void *q = t_realloc(h, *p, *cap * sz, nc * sz);
  if (!q) return false;
  *p = q;
  *cap = nc;
  return true;
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

static struct dcmd *put(struct fmt *F, int kind) {
  struct dcmd *c = &F->spare;
  if (grow(F->hook, (void **)&F->d, &F->capd, F->nd, sizeof *F->d)) c = &F->d[F->nd++];
  else F->oom = true;
  memset(c, 0, sizeof *c);
  c->kind = (uint8_t)kind;
  return c;
}
static void put_text(struct fmt *F, int kind, const char *p, size_t len) {
  struct dcmd *c = put(F, kind);
  c->p = p;
  c->len = (uint32_t)len;
  c->w = text_width(p, len);
}
static void nest(struct fmt *F, int n) { put(F, D_NEST)->n = n; }
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

/* ---- tokens and comments ------------------------------------------------------------ */

/* Is token i of the trivia table there and of this kind (parser.h)? */
static bool tok_is(const struct fmt *F, size_t i, int kind) {
  return F->tv && i < F->tv->ntok && F->tv->tok[i].kind == kind;
}

static void emit_comment(struct fmt *F, const struct triv_com *c) {
  put_text(F, c->trailing ? D_SUFFIX : D_COMMENT, F->src + c->beg, c->len);
}

static bool comments_before(const struct fmt *F, size_t i) {
  if (!F->tv) return false;
  for (size_t k = F->cnext; k < F->tv->ncom && F->tv->com[k].gap <= i; k++)
    if (!F->tv->com[k].trailing) return true;
  return false;
}

/* The comments before token i that are still to be printed, each on a line
 * of its own (used inside expressions and headers: no blank lines). */
static void flush_lead(struct fmt *F, size_t i) {
  if (!F->tv) return;
  while (F->cnext < F->tv->ncom && F->tv->com[F->cnext].gap <= i) emit_comment(F, &F->tv->com[F->cnext++]);
}

/* The comment that trails token i on its line, if any.  When a `;` or `,`
 * follows (on the next line), the comment moves after it: it is deferred to
 * the print of token i + 1, and a comment trailing that `;` goes on a line
 * of its own, so that two comments never share a line. */
static void flush_trail(struct fmt *F, size_t i) {
  struct triv_com *c = F->tv->com;
  size_t nc = F->tv->ncom, k = F->cnext;
  if (!(k < nc && c[k].gap == i + 1 && c[k].trailing)) return;
  bool own_line_between = k + 1 < nc && c[k + 1].gap == i + 1;
  if ((tok_is(F, i + 1, ';') || tok_is(F, i + 1, ',')) && !own_line_between) {
    if (k + 1 < nc && c[k + 1].gap == i + 2 && c[k + 1].trailing) {
      c[k + 1].trailing = false;
      c[k + 1].nl = 1;
    }
    F->deferred = k;
    return;
  }
  emit_comment(F, &c[F->cnext++]);
}

/* Is the source text s (n bytes) the token `text`?  A name may be written
 * in backquotes whether or not it needs them: `month` is month. */
static bool same_token(const char *s, size_t n, const char *text, size_t len) {
  if (n >= 2 && s[0] == '`' && s[n - 1] == '`') {
    s++;
    n -= 2;
  }
  return n == len && memcmp(s, text, len) == 0;
}

/* Print `text`, in backquotes when `quoted`. */
static void put_token(struct fmt *F, const char *text, size_t len, bool quoted) {
  if (quoted) put_text(F, D_TEXT, "`", 1);
  put_text(F, D_TEXT, text, len);
  if (quoted) put_text(F, D_TEXT, "`", 1);
}

/* The next token is `text` (len bytes), as the tree says: print it with the
 * comments before and after it (in backquotes when `quoted`), or with
 * print false leave it out (an optional `;` or `,`) but keep its comments.
 * Without a trivia table (a rule text) there are no comments. */
static void tok_print(struct fmt *F, const char *text, size_t len, bool print, bool quoted) {
  if (!F->tv) {
    if (print) put_token(F, text, len, quoted);
    return;
  }
  size_t i = F->cur++;
  const struct triv_tok *t = i < F->tv->ntok ? &F->tv->tok[i] : NULL;
  if (!t || !same_token(F->src + t->beg, t->len, text, len)) {
    /* the print rule is not walking the tokens the parser read */
    if (!F->bug) F->bug_at = t ? t->beg : F->tv->ntok ? F->tv->tok[F->tv->ntok - 1].beg : 0;
    F->bug = true;
    if (!t) return;
  }
  struct triv_com *c = F->tv->com;
  if (!print && comments_before(F, i)) {
    /* whole-line comments before a token that is left out belong to the
     * next token, with the comment that trails the left-out token */
    for (size_t k = F->cnext; k < F->tv->ncom && c[k].gap <= i + 1; k++) {
      if (c[k].gap == i) c[k].gap = (uint32_t)i + 1;
      else if (c[k].trailing) {
        c[k].trailing = false;
        if (c[k].nl == 0) c[k].nl = 1;
      }
    }
    return;
  }
  const struct triv_com *moved = NULL;
  if (F->deferred == F->cnext && F->cnext < F->tv->ncom && c[F->cnext].gap == i) moved = &c[F->cnext++];
  F->deferred = SIZE_MAX;
  flush_lead(F, i);
  if (print) put_token(F, text, len, quoted);
  if (moved) emit_comment(F, moved);
  flush_trail(F, i);
}
static void tok_or_skip(struct fmt *F, const char *text, size_t len, bool print) { tok_print(F, text, len, print, false); }

/* keywords and punctuation: their text is the token */
static void kw(struct fmt *F, const char *text) { tok_or_skip(F, text, strlen(text), true); }
/* a name (of a field, metric, enum value, tier, ...): in backquotes where
 * the bare word would be a keyword there - a reserved word; the words that
 * are keywords only in some places are names wherever a name may stand */
static void nm(struct fmt *F, const char *name) { tok_print(F, name, strlen(name), true, lex_reserved(name)); }
/* the name of a formula or requirements block, at its definition or call:
 * avg and median are names elsewhere but begin an aggregate before `(` */
static void callee_nm(struct fmt *F, const char *name) {
  bool agg = !strcmp(name, "avg") || !strcmp(name, "median");
  tok_print(F, name, strlen(name), true, agg || lex_reserved(name));
}
/* the type of a field, parameter or table (an I_FIELD's name2): the
 * keyword `tier`, or a name */
static void type_nm(struct fmt *F, const struct node *t) {
  if (t->name2 == ast_tier_type) kw(F, "tier");
  else nm(F, t->name2);
}
/* a literal (number, string, date) as written: the source text at l */
static void lit(struct fmt *F, const struct loc *l) {
  tok_or_skip(F, F->files[l->file].text + l->beg, l->end - l->beg, true);
}
/* the optional token `text` of kind `kind`, left out if it is there */
static void skip_optional(struct fmt *F, int kind, const char *text) {
  if (tok_is(F, F->cur, kind)) tok_or_skip(F, text, strlen(text), false);
}

/* At a line boundary before token i (an item, a field, a statement): a line
 * break, then the whole-line comments before i, keeping one blank line
 * where the source has one or more.  `blank_first`: a blank line may come
 * first (not right after a block's opening); `force`: it must. */
static void boundary(struct fmt *F, size_t i, bool blank_first, bool force) {
  bool first = true;
  if (force) BLANK(F);
  while (F->tv && F->cnext < F->tv->ncom && F->tv->com[F->cnext].gap <= i) {
    const struct triv_com *c = &F->tv->com[F->cnext++];
    if (c->trailing) { emit_comment(F, c); continue; }
    if (c->nl >= 2 && (blank_first || !first)) BLANK(F);
    else HARD(F);
    emit_comment(F, c);
    first = false;
  }
  bool blank = F->tv && i < F->tv->ntok && F->tv->tok[i].nl >= 2 && F->tv->tok[i].kind != 0;
  if (blank && (blank_first || !first)) BLANK(F);
  else HARD(F);
}

/* The whole-line comments before a block's closing token i, in the block's
 * indentation (the caller has opened the D_NEST). */
static bool closing_comments(struct fmt *F, size_t i, bool blank_first) {
  bool first = true;
  while (F->tv && F->cnext < F->tv->ncom && F->tv->com[F->cnext].gap <= i) {
    const struct triv_com *c = &F->tv->com[F->cnext++];
    if (c->trailing) { emit_comment(F, c); continue; }
    if (c->nl >= 2 && (blank_first || !first)) BLANK(F);
    else HARD(F);
    emit_comment(F, c);
    first = false;
  }
  return !first;
}

/* ---- print rules ------------------------------------------------------------------ */

/* operator levels, loosest first, as parser.y's precedence declarations */
enum { L_OR = 1, L_AND, L_CMP, L_ADD, L_MUL };

static int op_level(int op) {
  switch (op) {
  case B_OR: return L_OR;
  case B_AND: return L_AND;
  case B_ADD:
  case B_SUB: return L_ADD;
  case B_MUL:
  case B_DIV: return L_MUL;
  default: return L_CMP;
  }
}

static const char *op_text(int op) {
  static const char *const t[] = {
      [B_ADD] = "+", [B_SUB] = "-", [B_MUL] = "*", [B_DIV] = "/", [B_EQ] = "==", [B_NE] = "!=",
      [B_LT] = "<",  [B_LE] = "<=", [B_GT] = ">",  [B_GE] = ">=", [B_AND] = "and", [B_OR] = "or"};
  return op > 0 && op < (int)(sizeof t / sizeof t[0]) && t[op] ? t[op] : "?";
}

static const char *agg_text(int op) {
  switch (op) {
  case A_SUM: return "sum";
  case A_MIN: return "min";
  case A_MAX: return "max";
  case A_ANY: return "any";
  case A_ALL: return "all";
  case A_AVG: return "avg";
  case A_MEDIAN: return "median";
  default: return "count";
  }
}

/* sema's conversions are not written in the source */
static const struct node *written(const struct node *n) {
  while (n && n->kind == N_CONV) n = n->a;
  return n;
}

static void node(struct fmt *F, const struct node *n);

/* A chain of operators of one level, a OP b OP c (a left spine of the tree,
 * as long as the file may be: walked without recursion), on one line or
 * broken before each OP.  A comparison is a chain of one. */
static void chain(struct fmt *F, const struct node *n) {
  int lvl = op_level(n->op);
  size_t len = 0;
  const struct node *k = n;
  do {
    len++;
    k = written(k->a);
  } while (lvl != L_CMP && k->kind == N_BIN && op_level(k->op) == lvl && !k->parens);
  const struct node **link = len <= SIZE_MAX / sizeof *link ? t_malloc(F->hook, len * sizeof *link) : NULL;
  if (!link) {
    F->oom = true;
    return;
  }
  k = n;
  for (size_t j = 0; j < len; j++, k = written(k->a)) link[j] = k;
  GROUP(F);
  node(F, k);
  nest(F, 2);
  for (size_t j = len; j-- > 0;) {
    LINE(F);
    kw(F, op_text(link[j]->op));
    SPACE(F);
    node(F, link[j]->b);
  }
  NEND(F);
  GEND(F);
  t_free(F->hook, link, len * sizeof *link);
}

/* `x in {a, b}`: a long set is filled on lines of its own */
static void in_set(struct fmt *F, const struct node *n) {
  node(F, n->a);
  SPACE(F);
  kw(F, "in");
  SPACE(F);
  GROUP(F);
  kw(F, "{");
  nest(F, 2);
  SOFT(F);
  for (const struct node *v = n->list; v; v = v->next) {
    nm(F, v->name);
    if (v->next) {
      kw(F, ",");
      FILL(F);
    }
  }
  skip_optional(F, ',', ",");
  flush_lead(F, F->cur);
  NEND(F);
  SOFT(F);
  kw(F, "}");
  GEND(F);
}

/* count L | count distinct V in L | sum|min|max|avg|median V in L |
 * any|all L, then an optional `where COND` that breaks first; V is a field
 * or an expression in parentheses (its own, printed with it) */
static void aggregate(struct fmt *F, const struct node *n) {
  GROUP(F);
  kw(F, agg_text(n->op));
  SPACE(F);
  if (n->op == A_DISTINCT) {
    kw(F, "distinct");
    SPACE(F);
  }
  if (n->op != A_COUNT && n->op != A_ANY && n->op != A_ALL) {
    if (n->b) node(F, n->b);
    else nm(F, n->name);
    SPACE(F);
    kw(F, "in");
    SPACE(F);
  }
  nm(F, n->name2);
  if (n->a) {
    nest(F, 2);
    LINE(F);
    kw(F, "where");
    SPACE(F);
    node(F, n->a);
    NEND(F);
  }
  GEND(F);
}

/* d in [previous] calendar|fiscal month|quarter|year of x, broken before `in` */
static void period(struct fmt *F, const struct node *n) {
  GROUP(F);
  node(F, n->a);
  nest(F, 2);
  LINE(F);
  kw(F, "in");
  SPACE(F);
  if (n->ival) {
    kw(F, "previous");
    SPACE(F);
  }
  kw(F, n->neg ? "fiscal" : "calendar");
  SPACE(F);
  kw(F, n->op == 1 ? "month" : n->op == 3 ? "quarter" : "year");
  SPACE(F);
  kw(F, "of");
  SPACE(F);
  node(F, n->b);
  NEND(F);
  GEND(F);
}

/* A call's argument.  In a bound text a parameter is written as its
 * argument (argument(), below), and where the parameter is itself a
 * call's argument it stands alone between the commas: no parentheses,
 * `points(5 * 2, ...)` rather than `points((5 * 2), ...)`. */
static void call_arg(struct fmt *F, const struct node *a) {
  const struct node *w = written(a);
  while (F->bound && w->kind == N_NAME && w->ref == R_ARG && w->def && !w->parens) w = written(w->def);
  node(F, w);
}

/* NAME(a, b): on one line, or broken after the commas with the arguments
 * aligned after the parenthesis.  min and max are reserved words that the
 * grammar also takes as the names of calls: they need no backquotes. */
static void call(struct fmt *F, const struct node *n) {
  GROUP(F);
  if (!strcmp(n->name, "min") || !strcmp(n->name, "max")) kw(F, n->name);
  else callee_nm(F, n->name);
  kw(F, "(");
  ALIGN(F);
  for (const struct node *a = n->list; a; a = a->next) {
    call_arg(F, a);
    if (a->next) {
      kw(F, ",");
      LINE(F);
    }
  }
  NEND(F);
  kw(F, ")");
  GEND(F);
}

static void fields(struct fmt *F, const struct node *list);
static void params(struct fmt *F, const struct node *list);

/* { a, b, c } with a trailing `,` and `;` taken if written: one line, or
 * one entry per line when it does not fit; item prints an entry. */
static void braced_list(struct fmt *F, const struct node *list, void (*item)(struct fmt *, const struct node *)) {
  GROUP(F);
  kw(F, "{");
  nest(F, 2);
  LINE(F);
  for (const struct node *e = list; e; e = e->next) {
    if (e != list) {
      kw(F, ",");
      LINE(F);
    }
    item(F, e);
  }
  skip_optional(F, ',', ",");
  flush_lead(F, F->cur);
  NEND(F);
  LINE(F);
  kw(F, "}");
  GEND(F);
  skip_optional(F, ';', ";");
}

static void enum_value(struct fmt *F, const struct node *v) { nm(F, v->name); }

/* key: value, or default: value */
static void table_entry(struct fmt *F, const struct node *e) {
  if (!e->a) kw(F, "default");
  else if (e->a->kind == N_STR) lit(F, &e->a->loc);
  else nm(F, e->a->name);
  kw(F, ":");
  SPACE(F);
  node(F, e->b);
}

/* enum NAME { a, b }: one line, or one value per line */
static void enumeration(struct fmt *F, const struct node *n) {
  kw(F, "enum");
  SPACE(F);
  nm(F, n->name);
  SPACE(F);
  braced_list(F, n->list, enum_value);
}

/* const NAME = LITERAL;  formula NAME(PARAMS) = EXPR; -- the expression
 * on the next line, indented, when the line is too long */
static void definition(struct fmt *F, const struct node *n) {
  kw(F, n->kind == I_CONST ? "const" : "formula");
  SPACE(F);
  if (n->kind == I_FORMULA) callee_nm(F, n->name);
  else nm(F, n->name);
  if (n->kind == I_FORMULA) params(F, n->a);
  SPACE(F);
  kw(F, "=");
  GROUP(F);
  nest(F, 2);
  LINE(F);
  node(F, n->kind == I_CONST ? n->a : n->b);
  kw(F, ";");
  NEND(F);
  GEND(F);
}

/* table NAME: KEY -> VALUE { key: value, ... }: one line, or one entry per line */
static void table(struct fmt *F, const struct node *n) {
  kw(F, "table");
  SPACE(F);
  nm(F, n->name);
  kw(F, ":");
  SPACE(F);
  type_nm(F, n->a);
  SPACE(F);
  kw(F, "->");
  SPACE(F);
  type_nm(F, n->b);
  SPACE(F);
  braced_list(F, n->list, table_entry);
}

/* metric NAME [for LIST] ["LABEL"] = EXPR; -- a label heads the definition */
static void metric(struct fmt *F, const struct node *n) {
  kw(F, "metric");
  SPACE(F);
  nm(F, n->name);
  if (n->name2) {
    SPACE(F);
    kw(F, "for");
    SPACE(F);
    nm(F, n->name2);
    for (const struct node *l = n->list; l; l = l->next) { /* customers.months */
      kw(F, ".");
      nm(F, l->name);
    }
  }
  if (n->b) {
    SPACE(F);
    lit(F, &n->b->loc);
    nest(F, 2);
    HARD(F);
  } else {
    GROUP(F);
    nest(F, 2);
    LINE(F);
  }
  kw(F, "=");
  SPACE(F);
  node(F, n->a);
  kw(F, ";");
  NEND(F);
  if (!n->b) GEND(F);
}

/* the indentation of a statement of a block: a requirement or group under
 * a section heading 2 deeper than the heading */
static int stmt_indent(const struct node *s, bool in_section) {
  return s->kind != I_SECTION && s->kind != I_TIME && in_section ? 4 : 2;
}

/* The statements of a block (a tier's, a badge's, a requirements block's,
 * a branch's or an at least's), one per line and indented, then the
 * closing token `close` on a line of its own; ` close` right after the
 * opening token when there is nothing inside. */
static void statements(struct fmt *F, const struct node *list, const char *close) {
  if (!list && !comments_before(F, F->cur)) {
    SPACE(F);
    kw(F, close);
    return;
  }
  bool first = true, in_section = false;
  for (const struct node *s = list; s; s = s->next) {
    nest(F, stmt_indent(s, in_section));
    boundary(F, F->cur, !first, false);
    node(F, s);
    NEND(F);
    in_section = in_section || s->kind == I_SECTION;
    first = false;
  }
  nest(F, in_section ? 4 : 2);
  closing_comments(F, F->cur, !first);
  NEND(F);
  HARD(F);
  kw(F, close);
}

/* tier NAME TYPE < statements >: `tier NAME TYPE < >` when empty */
static void tier(struct fmt *F, const struct node *n) {
  kw(F, "tier");
  SPACE(F);
  nm(F, n->name);
  if (n->b) {
    SPACE(F);
    lit(F, &n->b->loc);
  }
  SPACE(F);
  nm(F, n->name2);
  SPACE(F);
  kw(F, "<");
  statements(F, n->list, ">");
}

/* badge NAME ["Display name"] < statements > */
static void badge(struct fmt *F, const struct node *n) {
  kw(F, "badge");
  SPACE(F);
  nm(F, n->name);
  if (n->b) {
    SPACE(F);
    lit(F, &n->b->loc);
  }
  SPACE(F);
  kw(F, "<");
  statements(F, n->list, ">");
}

/* (PARAM: TYPE, ...) of a requirements block or a formula */
static void params(struct fmt *F, const struct node *list) {
  kw(F, "(");
  for (const struct node *p = list; p; p = p->next) {
    nm(F, p->name);
    kw(F, ":");
    SPACE(F);
    type_nm(F, p);
    if (p->neg) kw(F, "?");
    if (p->next) {
      kw(F, ",");
      SPACE(F);
    }
  }
  kw(F, ")");
}

/* requirements NAME(PARAM: TYPE, ...) < statements > */
static void requirements(struct fmt *F, const struct node *n) {
  kw(F, "requirements");
  SPACE(F);
  callee_nm(F, n->name);
  params(F, n->a);
  SPACE(F);
  kw(F, "<");
  statements(F, n->list, ">");
}

/* either ["A"] { ... } or ["B"] { ... }: each branch's statements on lines
 * of their own, `} or "B" {` between them */
static void either(struct fmt *F, const struct node *n) {
  kw(F, "either");
  for (const struct node *br = n->list; br; br = br->next) {
    if (br != n->list) {
      SPACE(F);
      kw(F, "or");
    }
    SPACE(F);
    if (br->b) {
      lit(F, &br->b->loc);
      SPACE(F);
    }
    kw(F, "{");
    statements(F, br->list, "}");
  }
  skip_optional(F, ';', ";");
}

/* The print rule of every node kind: the tokens it is written with, in the
 * order the grammar reads them, and where the lines may break. */
static void number_lit(struct fmt *F, const struct node *n) {
  if (n->neg) { /* a negation sema folded (ast.h) */
    kw(F, "-");
    node(F, n->a);
  } else {
    lit(F, &n->loc);
  }
}

/* N months / N days */
static void duration(struct fmt *F, const struct node *n) {
  lit(F, &n->locf);
  SPACE(F);
  kw(F, n->name);
}

/* -EXPR */
static void negation(struct fmt *F, const struct node *n) {
  kw(F, "-");
  node(F, n->a);
}

/* not EXPR */
static void not_expr(struct fmt *F, const struct node *n) {
  kw(F, "not");
  SPACE(F);
  node(F, n->a);
}

/* if C then A else B, the branches on lines of their own when it does not fit */
static void if_expr(struct fmt *F, const struct node *n) {
  GROUP(F);
  kw(F, "if");
  SPACE(F);
  node(F, n->a);
  nest(F, 2);
  LINE(F);
  kw(F, "then");
  SPACE(F);
  node(F, n->b);
  LINE(F);
  kw(F, "else");
  SPACE(F);
  node(F, n->c);
  NEND(F);
  GEND(F);
}

/* EXPR is [not] none */
static void is_none(struct fmt *F, const struct node *n) {
  node(F, n->a);
  SPACE(F);
  kw(F, "is");
  if (n->neg) {
    SPACE(F);
    kw(F, "not");
  }
  SPACE(F);
  kw(F, "none");
}

/* DATE within DURATION, which goes to the next line if need be */
static void within(struct fmt *F, const struct node *n) {
  GROUP(F);
  node(F, n->a);
  nest(F, 2);
  LINE(F);
  kw(F, "within");
  SPACE(F);
  node(F, n->b);
  NEND(F);
  GEND(F);
}

/* ruleset "NAME" [version "V"]; */
static void ruleset_item(struct fmt *F, const struct node *n) {
  kw(F, "ruleset");
  SPACE(F);
  lit(F, &n->locf);
  if (n->name2) {
    SPACE(F);
    kw(F, "version");
    SPACE(F);
    lit(F, &n->loc2);
  }
  kw(F, ";");
}

/* import "FILE"; */
static void import_item(struct fmt *F, const struct node *n) {
  kw(F, "import");
  SPACE(F);
  lit(F, &n->loc2);
  kw(F, ";");
}

/* fiscal year starts in MONTH; */
static void fiscal_item(struct fmt *F, const struct node *n) {
  kw(F, "fiscal");
  SPACE(F);
  kw(F, "year");
  SPACE(F);
  kw(F, "starts");
  SPACE(F);
  kw(F, "in");
  SPACE(F);
  nm(F, n->name);
  kw(F, ";");
}

/* grant TIER [when COND]; */
static void grant_item(struct fmt *F, const struct node *n) {
  kw(F, "grant");
  SPACE(F);
  node(F, n->a);
  if (n->b) {
    SPACE(F);
    kw(F, "when");
    SPACE(F);
    node(F, n->b);
  }
  kw(F, ";");
}

/* review = EXPR; / effective = EXPR; */
static void date_rule_item(struct fmt *F, const struct node *n) {
  kw(F, n->kind == I_REVIEW ? "review" : "effective");
  SPACE(F);
  kw(F, "=");
  SPACE(F);
  node(F, n->a);
  kw(F, ";");
}

/* record [NAME] { fields } */
static void record_item(struct fmt *F, const struct node *n) {
  kw(F, "record");
  if (n->name) {
    SPACE(F);
    nm(F, n->name);
  }
  SPACE(F);
  kw(F, "{");
  fields(F, n->list);
  skip_optional(F, ';', ";");
}

/* [MODIFIER] NAME ["KEY"]: TYPE[?]; or NAME ["KEY"]: list { fields } */
static void field_item(struct fmt *F, const struct node *n) {
  if (n->str) {
    nm(F, n->str);
    SPACE(F);
  }
  nm(F, n->name);
  if (n->b) {
    SPACE(F);
    lit(F, &n->b->loc);
  }
  kw(F, ":");
  SPACE(F);
  if (n->op == 1) {
    kw(F, "list");
    SPACE(F);
    kw(F, "{");
    fields(F, n->list);
    skip_optional(F, ';', ";");
    return;
  }
  type_nm(F, n);
  if (n->neg) kw(F, "?");
  kw(F, ";");
}

/* at least N of { statements } */
static void at_least(struct fmt *F, const struct node *n) {
  kw(F, "at");
  SPACE(F);
  kw(F, "least");
  SPACE(F);
  lit(F, &n->locf);
  SPACE(F);
  kw(F, "of");
  SPACE(F);
  kw(F, "{");
  statements(F, n->list, "}");
  skip_optional(F, ';', ";");
}

/* SECTION: (a heading inside a block) */
static void section_item(struct fmt *F, const struct node *n) {
  nm(F, n->name);
  kw(F, ":");
}

/* EXPR ["LABEL"]; -- the label goes to the next line if need be (a
 * requirement, or a requirements block inserted by NAME(args)) */
static void requirement(struct fmt *F, const struct node *n) {
  GROUP(F);
  node(F, n->a);
  if (n->b) {
    nest(F, 2);
    LINE(F);
    lit(F, &n->b->loc);
    NEND(F);
  }
  GEND(F);
  kw(F, ";");
}

/* sustained N UNIT; / at any checkpoint within N [calendar] UNIT; */
static void time_clause(struct fmt *F, const struct node *n) {
  if (n->op == TC_SUSTAINED) {
    kw(F, "sustained");
  } else {
    static const char *const words[] = {"at", "any", "checkpoint", "within"};
    for (int k = 0; k < 4; k++) {
      if (k) SPACE(F);
      kw(F, words[k]);
    }
  }
  SPACE(F);
  lit(F, &n->locf);
  SPACE(F);
  if (n->op == TC_ANY_CALMONTHS) {
    kw(F, "calendar");
    SPACE(F);
  }
  kw(F, n->name);
  kw(F, ";");
}

/* A formula parameter's argument, where the parameter stands in a bound
 * text: in parentheses unless it is one operand already (a name, a call,
 * a literal, a lookup, anything in parentheses), so that `n * per` with n
 * bound to `a + b` reads `(a + b) * per`. */
static void argument(struct fmt *F, const struct node *a) {
  a = written(a);
  switch ((enum node_kind)a->kind) {
  case N_INT:
  case N_DEC:
  case N_STR:
  case N_DATE:
  case N_BOOL:
  case N_ASOF:
  case N_NAME:
  case N_CALL:
  case N_INDEX: node(F, a); return;
  default:
    if (a->parens) {
      node(F, a);
      return;
    }
    struct node p = *a;
    p.parens = 1;
    node(F, &p);
  }
}

static void node(struct fmt *F, const struct node *n) {
  n = written(n);
  for (unsigned k = 0; k < n->parens; k++) {
    kw(F, "(");
    ALIGN(F);
  }
  switch ((enum node_kind)n->kind) {
  case N_INT:
  case N_DEC: number_lit(F, n); break;
  case N_STR:
  case N_DATE: lit(F, &n->loc); break;
  case N_BOOL: kw(F, n->ival ? "true" : "false"); break;
  case N_ASOF: kw(F, "asof"); break;
  case N_NAME:
    if (F->bound && n->ref == R_ARG && n->def) argument(F, n->def);
    else nm(F, n->name);
    break;
  case N_HOLDS:
    kw(F, n->op ? "meets" : "holds");
    SPACE(F);
    nm(F, n->name);
    break;
  case N_DURATION: duration(F, n); break;
  case N_NEG: negation(F, n); break;
  case N_NOT: not_expr(F, n); break;
  case N_BIN: chain(F, n); break;
  case N_IF: if_expr(F, n); break;
  case N_IN: in_set(F, n); break;
  case N_ISNONE: is_none(F, n); break;
  case N_WITHIN: within(F, n); break;
  case N_AGG: aggregate(F, n); break;
  case N_PERIOD: period(F, n); break;
  case N_CONV: break; /* not written: see written() */
  case N_CALL: call(F, n); break;
  case N_INDEX:
    nm(F, n->name);
    kw(F, "[");
    node(F, n->a);
    kw(F, "]");
    break;
  case I_CONST:
  case I_FORMULA: definition(F, n); break;
  case I_TABLE: table(F, n); break;
  case I_ENTRY: break; /* printed by table() */
  case I_RULESET: ruleset_item(F, n); break;
  case I_IMPORT: import_item(F, n); break;
  case I_FISCAL: fiscal_item(F, n); break;
  case I_GRANT: grant_item(F, n); break;
  case I_REVIEW:
  case I_EFFECTIVE: date_rule_item(F, n); break;
  case I_ENUM: enumeration(F, n); break;
  case I_RECORD: record_item(F, n); break;
  case I_FIELD: field_item(F, n); break;
  case I_METRIC: metric(F, n); break;
  case I_TIER: tier(F, n); break;
  case I_BADGE: badge(F, n); break;
  case I_REQBLOCK: requirements(F, n); break;
  case I_PARAM: break; /* printed by requirements() */
  case I_EITHER: either(F, n); break;
  case I_BRANCH: break; /* printed by either() */
  case I_ATLEAST: at_least(F, n); break;
  case I_SECTION: section_item(F, n); break;
  case I_REQ:
  case I_INSERT: requirement(F, n); break;
  case I_TIME: time_clause(F, n); break;
  }
  for (unsigned k = 0; k < n->parens; k++) {
    NEND(F);
    kw(F, ")");
  }
}

/* `{` is printed; the fields one per line, then `}` */
static void fields(struct fmt *F, const struct node *list) {
  nest(F, 2);
  bool first = true;
  for (const struct node *f = list; f; f = f->next) {
    boundary(F, F->cur, !first, false);
    node(F, f);
    first = false;
  }
  bool com = closing_comments(F, F->cur, !first);
  NEND(F);
  if (!first || com) HARD(F); /* else an empty `{}` */
  kw(F, "}");
}

/* ---- items ------------------------------------------------------------------------- */

/* the classes of items between which a blank line is forced */
enum { C_NONE, C_HEADER, C_ENUM, C_RECORD, C_METRIC, C_TIER };

static int item_class(const struct node *n) {
  switch (n->kind) {
  case I_ENUM: return C_ENUM;
  case I_RECORD: return C_RECORD;
  case I_METRIC:
  case I_CONST:
  case I_FORMULA:
  case I_TABLE: return C_METRIC;
  case I_TIER:
  case I_BADGE:
  case I_REQBLOCK: return C_TIER;
  default: return C_HEADER;
  }
}

/* Is item n, whose first token is i, printed on more than one line by its
 * nature (a record, a tier with statements or comments in its block)? */
static bool multiline_item(const struct fmt *F, const struct node *n, size_t i) {
  if (n->kind == I_RECORD) return true;
  if (n->kind == I_BADGE || n->kind == I_REQBLOCK) return n->list != NULL;
  if (n->kind != I_TIER) return false;
  if (n->list) return true;
  for (size_t k = F->cnext; F->tv && k < F->tv->ncom && F->tv->com[k].gap <= i + 4; k++)
    if (F->tv->com[k].gap == i + 4 && !F->tv->com[k].trailing) return true; /* `tier N T < # c \n >` */
  return false;
}

static void file(struct fmt *F, const struct node *items) {
  int prev = C_NONE;
  bool prev_multi = false;
  for (const struct node *n = items; n; n = n->next) {
    size_t i = F->cur;
    int cls = item_class(n);
    bool multi = multiline_item(F, n, i);
    bool force = prev != C_NONE && (cls != prev || multi || prev_multi);
    boundary(F, i, prev != C_NONE, force);
    node(F, n);
    prev = cls;
    prev_multi = multi;
  }
  closing_comments(F, F->cur, prev != C_NONE);
  HARD(F);
  /* every token has been printed or left out, and the last is the end */
  if (!tok_is(F, F->cur, 0) || F->cur + 1 != F->tv->ntok) {
    if (!F->bug) F->bug_at = F->cur < F->tv->ntok ? F->tv->tok[F->cur].beg : 0;
    F->bug = true;
  }
}
/* ---- the printer ---------------------------------------------------------------------- */

struct line {
  size_t code, code_len; /* in pr.code */
  uint32_t width;
  size_t com, com_len;   /* trailing comment, in pr.com */
};

struct printer {
  struct fmt *F;
  long width;            /* the line width aimed at */
  bool oom;
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
  if (!grow(P->F->hook, (void **)&P->L, &P->capl, P->nl, sizeof *P->L)) {
    P->oom = true;
    return;
  }
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
  long rem = P->width - (long)P->cur.width - 1;
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

/* Pass 1 of the printer: match each group with its end, and mark the
 * groups that must break: one holding a hard line break or a comment line
 * (and every group around it), and those around a trailing comment, which
 * ends its line.  False when out of memory. */
static bool mark_breaks(struct fmt *F) {
  struct dcmd *d = F->d;
  size_t *stk = t_malloc(F->hook, (F->nd + 1) * sizeof *stk);
  if (!stk) return false;
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
  t_free(F->hook, stk, (F->nd + 1) * sizeof *stk);
  return true;
}

/* Group d[j] opens: flat when the group around it is, broken when marked
 * so, else flat exactly when it fits in what is left of the line. */
static void open_group(struct printer *P, size_t j, const struct dcmd *c) {
  bool flat;
  if (top_flat(P)) flat = true;
  else if (c->hard) flat = false;
  else {
    long col = P->pend_nl ? P->pend_indent : (long)P->cur.width + (P->pend_space ? 1 : 0);
    flat = fits(P, j, P->width - col);
  }
  if (!grow(P->F->hook, (void **)&P->modes, &P->capmodes, P->nmodes, sizeof *P->modes)) {
    P->oom = true;
    return;
  }
  P->modes[P->nmodes++] = flat;
}

/* Save the indentation, to come back to at D_NEND. */
static bool push_indent(struct printer *P, int indent) {
  if (!grow(P->F->hook, (void **)&P->indents, &P->capind, P->nind, sizeof *P->indents)) {
    P->oom = true;
    return false;
  }
  P->indents[P->nind++] = indent;
  return true;
}

/* A line break that the enclosing group's mode decides: a space when flat. */
static void soft_line(struct printer *P, bool flat, int indent) {
  if (flat) {
    if (!P->pend_nl) P->pend_space = true;
  } else {
    want_nl(P, 1, indent);
  }
}

/* Pass 2: print the commands, breaking lines where groups do not fit. */
static void print_doc(struct printer *P) {
  struct fmt *F = P->F;
  if (!mark_breaks(F)) {
    P->oom = true;
    return;
  }
  int indent = 0;
  for (size_t j = 0; j < F->nd && !P->oom; j++) {
    const struct dcmd *c = &F->d[j];
    switch (c->kind) {
    case D_TEXT: print_text(P, c->p, c->len, c->w); break;
    case D_SPACE:
      if (!P->pend_nl) P->pend_space = true;
      break;
    case D_LINE: soft_line(P, top_flat(P), indent); break;
    case D_SOFT:
      if (!top_flat(P)) want_nl(P, 1, indent);
      break;
    case D_FILL: soft_line(P, top_flat(P) || fill_fits(P, j), indent); break;
    case D_HARD: want_nl(P, 1, indent); break;
    case D_BLANK: want_nl(P, 2, indent); break;
    case D_COMMENT:
      if (P->started && !P->pend_nl) P->pend_nl = 1; /* on a line of its own */
      P->pend_indent = indent;
      P->pend_space = false;
      print_text(P, c->p, c->len, c->w);
      want_nl(P, 1, indent);
      break;
    case D_SUFFIX: /* at the end of the current line, which it ends */
      if (P->cur.com_len) {
        buf_put(&P->com, "  ", 2);
        P->cur.com_len += 2;
      }
      buf_put(&P->com, c->p, c->len);
      P->cur.com_len += c->len;
      want_nl(P, 1, indent);
      break;
    case D_GROUP: open_group(P, j, c); break;
    case D_GEND: P->nmodes--; break;
    case D_NEST:
      if (push_indent(P, indent)) indent += c->n;
      break;
    case D_ALIGN:
      if (push_indent(P, indent)) indent = P->pend_nl ? P->pend_indent : (int)P->cur.width + (P->pend_space ? 1 : 0);
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


/* Print F's document in lines of `width` columns, appended to out; false
 * when out of memory. */
static bool print_document(struct fmt *F, long width, struct buf *out) {
  struct printer P;
  memset(&P, 0, sizeof P);
  P.F = F;
  P.width = width;
  P.code.hook = P.com.hook = F->hook;
  print_doc(&P);
  bool ok = !P.oom && !P.code.failed && !P.com.failed;
  if (ok) assemble(&P, out);
  t_free(F->hook, P.L, P.capl * sizeof *P.L);
  t_free(F->hook, P.modes, P.capmodes * sizeof *P.modes);
  t_free(F->hook, P.indents, P.capind * sizeof *P.indents);
  buf_free(&P.code);
  buf_free(&P.com);
  return ok && !out->failed;
}

/* ---- entry points ----------------------------------------------------------------- */

/* One file parsed by the compiler's front end, on its own: no imports are
 * read and nothing is type-checked. */
struct front {
  struct arena ar;
  struct diags dg;
  struct srcfile f;
  struct node *items;
};

/* Parse text as the file `path`, recording trivia in tv unless it is NULL.
 * Returns the number of errors (an out-of-memory failure counts as one). */
static unsigned front_parse(struct front *fr, const struct tier_alloc_hook *hook, const char *path, const char *text,
                            size_t len, struct trivia *tv) {
  memset(fr, 0, sizeof *fr);
  arena_init(&fr->ar, hook);
  fr->dg.ar = &fr->ar;
  fr->f.path = arena_strndup(&fr->ar, path, strlen(path));
  fr->f.text = len <= LIM_SOURCE_BYTES ? arena_strndup(&fr->ar, text, len) : NULL;
  fr->f.len = len;
  fr->dg.files = &fr->f;
  fr->dg.nfiles = fr->dg.capfiles = 1;
  size_t bad;
  if (!fr->f.path || (len <= LIM_SOURCE_BYTES && !fr->f.text)) {
    return 1;
  } else if (len > LIM_SOURCE_BYTES) {
    diag_add(&fr->dg, TIER_ERROR, NULL, _("'%s' is larger than the limit of %u bytes"), path, LIM_SOURCE_BYTES);
  } else if (!utf8_valid(fr->f.text, len, &bad)) {
    struct loc l = {0, (uint32_t)bad, (uint32_t)bad + 1};
    diag_add(&fr->dg, TIER_ERROR, &l, _("invalid UTF-8 (byte 0x%02x): source must be UTF-8"), (unsigned char)text[bad]);
  } else {
    struct parser ps;
    memset(&ps, 0, sizeof ps);
    ps.ar = &fr->ar;
    ps.dg = &fr->dg;
    ps.text = fr->f.text;
    ps.len = len;
    ps.tv = tv;
    fr->items = parse_file(&ps);
  }
  if ((fr->ar.failed || (tv && tv->failed)) && fr->dg.nerrors == 0) return 1;
  return fr->dg.nerrors;
}

/* Whether front_parse ran out of memory: its errors are then that, not the
 * text's. */
static bool front_nomem(const struct front *fr, const struct trivia *tv) {
  return fr->ar.failed || (tv && tv->failed) || fr->dg.nerrors == 0;
}

/* "LINE:COL: message" of the first error, and -1; FMT_NOMEM when front_parse
 * ran out of memory. */
static int first_error(const struct front *fr, const struct trivia *tv, char *err, size_t errlen) {
  const struct diag *g = fr->dg.head;
  while (g && g->severity != TIER_ERROR) g = g->next;
  if (!g || front_nomem(fr, tv)) {
    snprintf(err, errlen, "%s", _("out of memory"));
    return FMT_NOMEM;
  } else if (g->has_loc) {
    unsigned line, col;
    diag_line_col(&fr->f, g->loc.beg, &line, &col);
    text_printf(err, errlen, "%u:%u: %s", line, col, g->msg); /* a message may quote a token */
  } else {
    text_printf(err, errlen, "%s", g->msg);
  }
  return -1;
}

int fmt_source(const char *text, size_t len, struct buf *out, char *err, size_t errlen) {
  char none[1];
  if (!err || !errlen) err = none, errlen = sizeof none;
  err[0] = 0;
  /* a byte-order mark is kept as it is, outside the layout */
  size_t bom = utf8_bom(text, len);
  buf_put(out, text, bom);
  text += bom;
  len -= bom;
  struct front fr;
  struct trivia tv;
  memset(&tv, 0, sizeof tv);
  tv.hook = out->hook;
  int rc = -1;
  if (front_parse(&fr, out->hook, "", text, len, &tv) > 0) {
    rc = first_error(&fr, &tv, err, errlen);
  } else {
    struct fmt F;
    memset(&F, 0, sizeof F);
    F.hook = out->hook;
    F.files = &fr.f;
    F.tv = &tv;
    F.src = fr.f.text;
    F.deferred = SIZE_MAX;
    file(&F, fr.items);
    if (!F.oom && F.bug) { /* out of memory first: it may leave what looks like a bug */
      unsigned line, col;
      diag_line_col(&fr.f, (uint32_t)F.bug_at, &line, &col);
      snprintf(err, errlen, "%u:%u: %s", line, col, _("internal error: the formatter does not follow the grammar here"));
    } else if (F.oom || !print_document(&F, FMT_WIDTH, out)) {
      snprintf(err, errlen, "%s", _("out of memory"));
      rc = FMT_NOMEM;
    } else {
      rc = 0;
    }
    t_free(F.hook, F.d, F.capd * sizeof *F.d);
  }
  trivia_free(&tv);
  arena_free(&fr.ar);
  return rc;
}

static int expr_line(const struct node *e, const struct srcfile *files, bool bound, struct buf *out) {
  struct fmt F;
  memset(&F, 0, sizeof F);
  F.hook = out->hook;
  F.files = files;
  F.deferred = SIZE_MAX;
  F.bound = bound;
  node(&F, e);
  size_t n0 = out->n;
  bool ok = !F.oom && print_document(&F, LONG_MAX / 2, out);
  t_free(F.hook, F.d, F.capd * sizeof *F.d);
  if (!ok) return -1;
  if (out->n > n0 && out->p[out->n - 1] == '\n') out->n--; /* one line, without its end */
  return 0;
}

int fmt_expr_line(const struct node *e, const struct srcfile *files, struct buf *out) { return expr_line(e, files, false, out); }
int fmt_bound_line(const struct node *e, const struct srcfile *files, struct buf *out) { return expr_line(e, files, true, out); }

int fmt_syntax_check(const char *path, const char *text, size_t len, struct buf *diag) {
  size_t bom = utf8_bom(text, len); /* as the compiler does: not content */
  text += bom;
  len -= bom;
  struct front fr;
  unsigned errors = front_parse(&fr, NULL, path, text, len, NULL);
  int rc = errors && front_nomem(&fr, NULL) ? FMT_NOMEM : (int)errors;
  if (diag && rc > 0) diag_render(&fr.dg, diag);
  arena_free(&fr.ar);
  return rc;
}
