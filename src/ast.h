/*
 * ast.h - the syntax tree.  One node type for everything, tagged by kind, as
 * in clox; nodes live in the compilation's arena and carry byte spans.
 */
#ifndef TIER_AST_H
#define TIER_AST_H

#include <setjmp.h>

#include "tier_int.h"

enum node_kind {
  /* expressions */
  N_INT, N_DEC, N_STR, N_DATE, N_BOOL, N_ASOF, N_NAME, N_DURATION,
  N_NEG, N_NOT, N_BIN, N_IF, N_IN, N_ISNONE, N_WITHIN, N_AGG,
  N_CALL, /* NAME(args): name, list = the arguments, loc2 = the name; sema: index = the
             function's row (func.h); as a statement, a requirements block inserted */
  N_CONV, /* inserted by sema: op is the conversion opcode */
  N_PERIOD, /* a in [previous] calendar|fiscal month|quarter|year of b: op = the
               period's months (1, 3, 12), neg = fiscal, ival = periods back (0, 1),
               loc = the period's words */
  N_INDEX, /* NAME[KEY]: a table lookup; name, loc2 = the table's name, a = the key;
              sema: index = the table (defs.c) */
  N_HOLDS,  /* holds NAME (op 0) or meets NAME (op 1): loc = the name; sema: def = the
               I_TIER or I_BADGE named, index = its block (tiers, then badges) */
  /* items */
  I_RULESET, I_IMPORT, I_ENUM, I_RECORD, I_FIELD, I_METRIC, I_REVIEW,
  I_EFFECTIVE, I_TIER, I_SECTION, I_REQ,
  I_TIME,     /* a time clause: op = TC_*, ival = N, name = the unit as written */
  I_FISCAL,   /* fiscal year starts in MONTH;: name = the month's word, loc2 = where */
  I_BADGE,    /* badge NAME ["Display"] < list >: b = the display name */
  I_REQBLOCK, /* requirements NAME(a = params) < list > */
  I_PARAM,    /* a block's parameter: name, name2 = its type, neg = optional */
  I_EITHER,   /* either: list = its I_BRANCH nodes */
  I_BRANCH,   /* ["label"] { list }: b = the label */
  I_ATLEAST,  /* at least ival of { list } */
  I_GRANT,    /* grant a [when b]; a names the tier (sema: index = the tier) */
  I_INSERT,   /* NAME(args); in a block: made by sema from an I_REQ whose
                 expression calls a requirements block */
  I_CONST,    /* const NAME = a; */
  I_FORMULA,  /* formula NAME(a = I_PARAM nodes) = b; */
  I_TABLE,    /* table NAME: a -> b { list }: a, b are types (I_FIELD: name2, neg) */
  I_ENTRY     /* a table's `key: b`: a = the key (N_NAME or N_STR), NULL for `default` */
};

/* The item (statement) kinds as case labels, for the switches over
 * expression kinds: they switch on (enum node_kind) with no default, so
 * that -Wswitch names every switch a new expression kind is missing from,
 * and put this where an item cannot reach them.  A new item kind goes here
 * too (the compiler says so). */
#define CASE_ITEM_KINDS \
  case I_RULESET:       \
  case I_IMPORT:        \
  case I_ENUM:          \
  case I_RECORD:        \
  case I_FIELD:         \
  case I_METRIC:        \
  case I_REVIEW:        \
  case I_EFFECTIVE:     \
  case I_TIER:          \
  case I_SECTION:       \
  case I_REQ:           \
  case I_TIME:          \
  case I_FISCAL:        \
  case I_BADGE:         \
  case I_REQBLOCK:      \
  case I_PARAM:         \
  case I_EITHER:        \
  case I_BRANCH:        \
  case I_ATLEAST:       \
  case I_GRANT:         \
  case I_INSERT:        \
  case I_CONST:         \
  case I_FORMULA:       \
  case I_TABLE:         \
  case I_ENTRY

enum bin_op { B_ADD = 1, B_SUB, B_MUL, B_DIV, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE, B_AND, B_OR };
/* An aggregate (N_AGG) over list name2 with an optional `where` in a.  The
 * value it takes from each item is field or item metric `name` (resolved
 * into ref/index), or, when written `sum (EXPR) in LIST`, the expression in
 * b (name NULL), evaluated for each item. */
enum agg_op { A_COUNT = 1, A_DISTINCT, A_SUM, A_MIN, A_MAX, A_ANY, A_ALL, A_AVG, A_MEDIAN };
enum dur_unit { U_DAYS = 1, U_MONTHS };

/* what a name refers to, filled in by sema */
enum ref_kind {
  R_NONE = 0,
  R_FIELD,
  R_ITEM,
  R_METRIC,
  R_ITEM_METRIC,
  R_ENUMVAL,
  R_PARAM,   /* a requirements block's parameter: index; replaced when the block is inserted */
  R_CONST,   /* a const: index; def = its literal */
  R_ARG,     /* in a formula's expansion, its parameter index: def = the argument */
  R_FORMULA, /* on an N_CALL: formula index, def = the checked expansion (defs.c) */
  R_TIER     /* a tier as a value (`previous >= Gold`): ival = its index, lidx = its type, def = its I_TIER */
};

enum { ARG_IS = 1, ARG_HOLDS = 2 }; /* struct node's arg */

struct node {
  uint8_t kind;
  uint8_t op;            /* enum bin_op / agg_op / dur_unit / conversion opcode */
  bool neg;              /* N_ISNONE: `is not none`; I_FIELD: optional; N_INT, N_DEC:
                            a `-LITERAL` sema folded, the literal as written in a;
                            N_PERIOD: a fiscal period */
  uint8_t parens;        /* pairs of parentheses around this expression (see below) */
  uint8_t arg;           /* blocks.c, inserting: ARG_IS, the copy of an argument where its
                            parameter stood; ARG_HOLDS, some node under it is one (where a
                            threshold's value is written: codegen's threshold_place) */
  uint32_t depth;        /* nesting depth, bounded by LIM_DEPTH */
  struct loc loc;        /* where diagnostics point: the token that names the node */
  struct loc span;       /* the node's whole text, its parentheses included */
  struct node *a, *b, *c; /* children */
  struct node *list;     /* I_ENUM values, I_RECORD fields, I_TIER body, N_IN names,
                            I_METRIC the inner lists after `for LIST` (N_NAME each) */
  struct node *next;     /* sibling */
  struct node *tail;     /* last sibling, kept on a list's head */
  const char *name;      /* identifiers, NUL-terminated */
  const char *name2;     /* second identifier (aggregate list, field type, tier type, modifier) */
  struct loc loc2;
  struct loc locf;       /* N_AGG: the aggregated field; I_RULESET: the name string;
                            N_DURATION, I_TIME: the number */
  const char *str;       /* string literal (decoded UTF-8) */
  uint32_t str_len;
  int64_t ival;          /* N_INT, N_DATE, N_BOOL, N_DURATION amount */
  struct num q;          /* N_DEC: the exact value written */
  /* sema */
  struct type ty;
  uint8_t ref;           /* enum ref_kind */
  int32_t index;         /* field/metric/enum value index; a comparison of tier values:
                            1 + the partner type it holds for only (sema guard_tier_cmp), 0 */
  int32_t lidx;          /* list of an aggregate or item reference; R_ARG: the list in
                            scope where the call stands (-1: the record) */
  struct node *def;      /* what a name or call stands for: R_CONST, R_ARG, R_FORMULA */
};

/* Parentheses are a count on the node they enclose, not a node of their
 * own: sema, codegen and every other pass see the expression as if it had
 * none (grouping is already in the tree's shape); only the printers of
 * source text (`tierc fmt`, a requirement's rule text) write them back.
 * The count is bounded by LIM_DEPTH, since each pair is a level. */
_Static_assert(LIM_DEPTH < 256, "struct node's parens counts at most LIM_DEPTH pairs");

/* The literal a const stands for (its name in the rules, ref R_CONST), or
 * n itself: where a literal is special (a comparison with a constant), a
 * const is too (SPEC 3.5). */
static inline const struct node *ast_literal(const struct node *n) {
  return n && n->kind == N_NAME && n->ref == R_CONST && n->def ? n->def : n;
}

/* The type word `tier` of a field or parameter (`previous: tier?;`): the
 * keyword's I_FIELD has name2 == ast_tier_type, so that a backquoted
 * `tier` stays an ordinary name (an enum may be called so). */
extern const char ast_tier_type[];

struct parser;
struct node *ast_new(struct parser *ps, int kind, const struct loc *l);
struct node *ast_bin(struct parser *ps, int op, struct node *a, struct node *b, const struct loc *l);
struct node *ast_un(struct parser *ps, int kind, struct node *a, const struct loc *l);
struct node *ast_pair(struct parser *ps, int kind, struct node *a, struct node *b, const struct loc *l);
struct node *ast_if(struct parser *ps, struct node *a, struct node *b, struct node *c, const struct loc *l);
struct node *ast_append(struct node *list, struct node *n);
struct node *ast_copy(const struct node *n, struct node *(*clone)(void *ctx, const struct node *k), void *ctx);
struct node *ast_agg(struct parser *ps, int op, struct node *val, struct node *where, const struct loc *l);
struct node *ast_call(struct parser *ps, const char *name, const struct loc *name_loc, struct node *args,
                      const struct loc *l);

/* The left spine of the chain at n, a binary node (a OP b OP c ...: see
 * ast.c): n, then the binary nodes and sema's conversions below it along
 * ->a, topmost first, in an array of *len nodes from ar (NULL and *len 0
 * when out of memory).  The chain's first operand is the last node's a.
 * A pass handles that operand, then each link from the last to the first:
 * a loop, where recursing down ->a would take a stack frame per link. */
struct node **ast_spine(struct arena *ar, const struct node *n, size_t *len);

/* ---- trivia -----------------------------------------------------------------
 * The tree holds names and values, not where each keyword or punctuation
 * mark stands, nor the comments and blank lines between tokens.  `tierc fmt`
 * needs both, so when a parse is given a trivia table the lexer records in
 * it every token it hands the parser (the end of file included) and every
 * comment, with byte offsets into the file.  Compiling records nothing. */
struct triv_tok {
  uint32_t beg, len;
  int kind;              /* the parser's token number (parser.h); 0: end of file */
  uint8_t nl;            /* line ends since the previous token or comment (at most 255) */
};
struct triv_com {
  uint32_t beg, len;     /* from `#` to the end of its line, trailing blanks excluded */
  uint32_t gap;          /* index of the token that follows it */
  uint8_t nl;            /* line ends since the previous token or comment (at most 255) */
  bool trailing;         /* code precedes it on its line */
};
struct trivia {
  const struct tier_alloc_hook *hook;
  struct triv_tok *tok;
  uint32_t ntok, captok;
  struct triv_com *com;
  uint32_t ncom, capcom;
  uint32_t nl;           /* line ends since the last token or comment */
  bool failed;           /* out of memory: the table is incomplete */
};
void trivia_space(struct trivia *tv, const char *s, size_t n);
void trivia_comment(struct trivia *tv, const char *s, uint32_t beg, size_t n);
void trivia_token(struct trivia *tv, int kind, uint32_t beg, uint32_t end);
void trivia_free(struct trivia *tv);

/* The state shared by the lexer and the parser of one file. */
union parse_block;
/* What the parser's error recovery skipped after a syntax error, by what
 * it was: a statement of a block, a field of the record or of a list, or a
 * whole item, known by its first word (DROP_OTHER when that says nothing).
 * Sema leaves out the errors that only a skipped part explains (follow-on
 * errors): a name is not "unknown" when something that could declare it
 * was skipped, a group is not "empty" when a statement of it was. */
enum {
  DROP_STMT = 1 << 0,
  DROP_FIELD = 1 << 1,
  DROP_ENUM = 1 << 2,
  DROP_RECORD = 1 << 3,
  DROP_METRIC = 1 << 4,
  DROP_BLOCK = 1 << 5, /* a tier or a badge */
  DROP_REQS = 1 << 6,  /* a requirements block */
  DROP_CONST = 1 << 7,
  DROP_TABLE = 1 << 8,
  DROP_FORMULA = 1 << 9,
  DROP_OTHER = 1 << 10 /* an item that may have been any of them */
};
#define DROPS_MAX 64
struct dropped {
  unsigned kinds;              /* DROP_* of every part skipped */
  unsigned nstmts;             /* the statements skipped, where they were */
  struct loc stmts[DROPS_MAX]; /* (more than DROPS_MAX: every group counts as broken) */
};

/* A token's value: a name's or string's text, an integer, a number. */
struct tokval {
  const char *s;
  uint32_t n;
  int64_t i;
  struct num q;
};

/* A token the parser needs that the text lacks, given in front of the
 * token that shows it (lexer.l, yylex): one error says what is missing. */
enum missing { MISS_NONE, MISS_OPEN, MISS_BRACE, MISS_CLOSE_BRACES, MISS_BRACED };

struct parser {
  struct arena *ar;
  struct diags *dg;
  uint32_t file;
  const char *text;
  size_t len;
  struct node *items;     /* result */
  struct node *last_item;
  /* lexer context for blocks: the `<` that ends a block's header (`tier
   * NAME TYPE`, `badge NAME`, `requirements NAME(...)`) opens it and `>` at
   * the start of a statement closes it (lexer.l, lex_context) */
  enum { HDR_NONE, HDR_TIER, HDR_BADGE, HDR_REQS } hdr; /* the header being read */
  int hdr_names, hdr_paren; /* names seen in it; open parentheses */
  bool in_block, stmt_start;
  uint32_t brace_depth;     /* braces open inside the block */
  uint64_t brace_set;       /* bit k: the brace at depth k opens a set of values (in { ... }) */
  bool depth_reported;
  int last_tok;           /* the previous token, for duration units */
  int parens;             /* parentheses open in the statement: 1,500 there is two arguments */
  int last_agg;           /* the last aggregate keyword (sum, min, ...) of the
                             statement, for the hint of a missing `in` */
  uint32_t prev_end, last_end; /* where the previous and the current token end */
  bool pending_semi;      /* the scanner owes the parser a ';' */
  /* a block left open: the '>' is given in place of the token that shows
   * it (the next item's first word, or the end of the file: owed 0), and
   * that token is owed, at owed_loc */
  bool owing, owed_set;
  int owed;
  struct loc owed_loc;
  int blk_kind;                /* HDR_* of the last block header */
  struct loc blk_kw, blk_name; /* its first word and its name */
  bool blk_named;
  /* the braces of a declaration outside blocks (enum, record, list, table,
   * a set of values): how many are open, the declaration's first word, its
   * first '{' and the last '{' opened in it.  One left open is closed where
   * the next item's first word shows it: owed_braces more '}' are given,
   * then the word (owing_braces: what is owed closes braces, not a block) */
  uint32_t decl_depth, owed_braces;
  struct loc decl_kw, decl_brace, decl_last;
  bool owing_braces;
  struct loc pending_loc;
  /* a token the text lacks (enum missing says which): lex_context gives
   * `inserted` (inserted_n times) before the token that shows it, which
   * waits in held*; miss_from..miss_to is the text it follows or closes
   * (`tier X consulting`, `either "a"`), miss_line the line of the last
   * brace it closes */
  enum missing miss;
  int inserted, inserted_n;
  uint32_t miss_from, miss_to, miss_line;
  bool holding, block_braced; /* block_braced: a block opened with '{' (closes with '}') */
  int held;
  struct tokval held_val;
  struct loc held_loc;
  bool want_brace;               /* a '{' must come next: after `either ["A"]`, a branch's `or ["B"]`, `at least N of` */
  uint32_t phrase_beg;           /* where the last `either`, `or` or `at` starts: the phrase a '{' follows */
  struct loc brace0, brace_last; /* the phrase of the outermost '{' open in a block, and the last '{' */
  uint32_t pos;           /* byte offset of the next token in what the scanner reads */
  const uint32_t *map;    /* NULL, or the file offset of each such offset (lookalike.h) */
  struct trivia *tv;      /* NULL, or where the lexer records tokens and comments */
  jmp_buf fatal;          /* the scanner's way out on a fatal error */
  union parse_block *blocks; /* flex's and bison's memory still held (parse_mem) */
  struct dropped *drops;     /* where the error recovery's skips are noted */
};
/* Note what the error recovery skipped, or what a group left open leaves
 * unknown (struct dropped): kind DROP_*, at l. */
void dropped(struct parser *ps, unsigned kind, const struct loc *l);
/* flex's and bison's memory (grammar/lexer.l): realloc-like, n == 0 frees. */
void *parse_mem(struct parser *ps, void *p, size_t n);

/* parse one file; appends diagnostics; returns the item list */
struct node *parse_file(struct parser *ps);
/* Is word s a reserved keyword (never a name unless in backquotes)?  An
 * unreserved one (a keyword only where the grammar needs it: `month`,
 * `badge`, ...)? */
bool lex_reserved(const char *s);
bool lex_unreserved(const char *s);
/* The i-th keyword of the lexer's tables, reserved ones first; NULL past
 * the last (for tools that must know every word: the compile fuzzer's
 * mutator). */
const char *lex_keyword(size_t i);

#endif
