/*
 * tier_int.h - the types shared by tierc's stages.  Nothing here is public:
 * include/tier.h is the API.
 *
 *   lexer.l, parser.y   text -> AST            (ast.c builds nodes)
 *   sema.c              AST  -> resolved, typed AST
 *   codegen.c           AST  -> struct image (the in-memory ruleset)
 *   bytecode.c          image <-> .tbc bytes   (verify.c checks every load)
 *   vm.c                image + packed record -> results
 *   record.c            JSON -> packed record, by the image's schema
 */
#ifndef TIER_INT_H
#define TIER_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tier.h"
#include "num.h"
#include "opcodes.h"

/* ---- messages (i18n.c) -----------------------------------------------------
 * _("text"): a message in the user's language.  N_("text"): a message held
 * in a table, marked for the catalogue and translated where it is shown,
 * with _(s).  NG_("one", "many", n): a message with a count, whose form
 * depends on n (English has two forms, Japanese one).  NGN_("one", "many"):
 * the same, kept to be said later (said.h's say_part takes the pair and
 * the count).  `make po` extracts all four into po/tierc.pot. */
#define _(s) tier_gettext(s)
#define N_(s) s
#define NG_(s, p, n) tier_ngettext(s, p, n)
#define NGN_(s, p) s, p

#define TIER_NONE INT64_MIN /* a missing value of class I or S (class F: num_none()) */

/* ---- limits (each overridable through struct tier_limits) ---------------- */
#define LIM_SOURCE_BYTES TIER_MAX_SOURCE /* one source file */
#define LIM_BYTECODE_BYTES TIER_MAX_BYTECODE /* one .tbc file (or a ruleset file of either kind) */
#define LIM_RECORD_BYTES TIER_MAX_RECORD /* one record: a JSON Lines line or an array element */
#define LIM_IDENT 64                  /* identifier length */
#define LIM_STRING 4096               /* string literal, decoded bytes */
#define LIM_DEPTH 200                 /* expression nesting */
#define LIM_METRIC_CHAIN 256          /* metrics each using the next (typing recurses) */
#define LIM_LIST_DEPTH 3              /* lists nest at most this deep (SPEC 3.5) */
#define LIM_ITEM_SLOTS 1024           /* fields of one list item: 8 KiB of record memory per item */
#define LIM_IMPORT_DEPTH 16
#define LIM_GROUP_DEPTH 4             /* either / at least inside each other */
#define LIM_BLOCK_CHAIN 256           /* requirements blocks each inserting the next */
#define LIM_REF_CHAIN 32              /* holds/meets of blocks that refer on: at most 1 + this many rounds */
#define LIM_EXPANDED 200000           /* syntax nodes made by inserting requirements blocks
                                         and expanding formulas */
#define LIM_FORMULA_NESTING 16        /* formulas whose bodies call formulas */
#define LIM_FORMULA_DEPTH 1000        /* expression nesting with every formula call expanded */
#define LIM_ERRORS 100
#define LIM_INT 9007199254740991LL    /* 2^53-1: integers and cents */
#define MONEY_LIMIT_TEXT "90071992547409.91" /* LIM_INT cents, in currency units */

/* ---- memory ---------------------------------------------------------------- */
struct tier_alloc_hook {
  void *(*fn)(void *ud, void *ptr, size_t osize, size_t nsize);
  void *ud;
};
struct tier_alloc_hook hook_of(const tier_options *opt);
void *t_malloc(const struct tier_alloc_hook *h, size_t n);
void *t_realloc(const struct tier_alloc_hook *h, void *p, size_t o, size_t n);
void t_free(const struct tier_alloc_hook *h, void *p, size_t n);

/* An arena: everything a compilation allocates goes here, freed at once. */
struct arena_blk;
struct arena {
  const struct tier_alloc_hook *hook;
  struct arena_blk *blk;
  bool failed; /* an allocation failed: callers check before trusting results */
};
void arena_init(struct arena *a, const struct tier_alloc_hook *h);
void *arena_alloc(struct arena *a, size_t n); /* zeroed; NULL on failure */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

/* A growable byte buffer (heap, through the hook). */
struct buf {
  const struct tier_alloc_hook *hook;
  uint8_t *p;
  size_t n, cap;
  bool failed;
};
bool buf_reserve(struct buf *b, size_t extra);
void buf_put(struct buf *b, const void *p, size_t n);
void buf_u8(struct buf *b, uint8_t v);
void buf_u16(struct buf *b, uint16_t v);
void buf_u32(struct buf *b, uint32_t v);
void buf_u64(struct buf *b, uint64_t v);
void buf_i128(struct buf *b, __int128 v); /* little-endian two's complement */
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_free(struct buf *b);
/* text.c: JSON string literals (NULL: null), and the buffer inside a
 * public tier_buf, for the library's text outputs */
size_t json_esc(const char *s, size_t n, size_t *used, char esc[8]);
void out_json_str(struct buf *b, const char *s, size_t n);
void out_json_cstr(struct buf *b, const char *s);
struct buf *tier_buf_inner(tier_buf *t);

/* ---- source files and diagnostics ----------------------------------------- */
struct srcfile {
  char *path;      /* as given or resolved */
  const char *canon; /* realpath, for spotting the same file twice */
  uint32_t *lines;   /* offset where each line starts (NULL: scan) */
  uint32_t nlines;
  char *text;      /* NUL-terminated copy */
  size_t len;
};

struct loc {
  uint32_t file;   /* index into compiler's files */
  uint32_t beg, end; /* byte offsets, end exclusive */
};

struct diag {
  int severity;  /* TIER_ERROR / TIER_WARNING / TIER_NOTE */
  struct loc loc;
  bool has_loc;
  char *msg;
  struct diag *next;
};

struct diags {
  struct arena *ar;
  struct srcfile *files;  /* array */
  uint32_t nfiles, capfiles;
  struct diag *head, *tail;
  unsigned nerrors, nwarnings;
  unsigned npromoted;       /* warnings made errors by --Werror */
  bool werror;
  unsigned columns;         /* diag_render's line width; 0: DIAG_COLUMNS */
};
#define DIAG_COLUMNS 100    /* when not told the terminal's width */
void diag_add(struct diags *d, int sev, const struct loc *l, const char *fmt,
              ...) __attribute__((format(printf, 4, 5)));
/* Where the list stands, to take back what a step added (diag_rewind). */
struct diag_mark { struct diag *tail; unsigned nerrors, nwarnings, npromoted; };
struct diag_mark diag_mark(const struct diags *d);
void diag_rewind(struct diags *d, struct diag_mark m);
void diag_line_col(const struct srcfile *f, uint32_t off, unsigned *line,
                   unsigned *col);
/* Render every diagnostic as text: file:line:col: error: msg, line, caret. */
void diag_render(const struct diags *d, struct buf *out);
bool utf8_valid(const char *s, size_t n, size_t *bad);
size_t utf8_seq(const char *s, size_t left);
size_t utf8_prefix(const char *s, size_t n, size_t max);
/* The one cut of a text longer than its fixed buffer (room bytes, the NUL
 * included): it keeps its first whole characters and ends with TEXT_CUT,
 * all within room, so that a message holding a long id, key, name or
 * path is still UTF-8 and says it was cut (a record's path is cut so by
 * pieces: record.h rec_path_put).  text_cut mends what snprintf wrote of
 * a text of `want` bytes; text_printf and text_vprintf write and mend.
 * Each returns the length written. */
#define TEXT_CUT "..."
size_t text_cut(char *buf, size_t room, size_t want);
size_t text_vprintf(char *buf, size_t room, const char *fmt, va_list ap);
size_t text_printf(char *buf, size_t room, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* sep and s after buf's first len bytes, cut as text_cut cuts; room once
 * the text is cut (the list is full: what follows is not added). */
size_t text_append(char *buf, size_t room, size_t len, const char *sep, const char *s);
/* A user text (a path, a key, a rule's text) that goes into a message with
 * words after it: s itself when it has fewer than room bytes, else its
 * first whole characters and TEXT_CUT in tmp (room bytes), so that the
 * message's own words after it are kept whatever s is. */
const char *text_shown(char *tmp, size_t room, const char *s);
/* The room of a file's path in file_read's messages: the path keeps
 * errlen - FILE_ERR_WORDS bytes, at most TEXT_PATH_ROOM (every path the
 * system can open, PATH_MAX, whole); the reason after it has
 * FILE_ERR_WORDS bytes in any language. */
#define TEXT_PATH_ROOM 4096
#define FILE_ERR_WORDS 256
/* 3 when s starts with a UTF-8 byte-order mark (EF BB BF), else 0: sources,
 * record files and test files may start with one; it is not content. */
size_t utf8_bom(const char *s, size_t n);
const char *json_bom_fault(const char *p, const char *e);
/* jansson's error at position in text (len bytes) as the BOM fault when the
 * token it could not take, the 3 bytes before position, is a BOM; never when
 * the error is not a token's (token_fault false: the input ended, and a
 * string left open may hold U+FEFF; its missing quote is the fault).  Both
 * jansson readers (record.c, ruletest.c) ask it so. */
const char *json_bom_token(const char *text, size_t len, size_t position, bool token_fault);
/* The one wording of a JSON syntax error, "malformed JSON at line L,
 * column C: WHAT", into out (n bytes): the streaming reader, the jansson
 * reference, the record splitter and the evaluator (which moves the
 * position into the input's terms) all say it so. */
void json_syntax_text(char *out, size_t n, long line, long col, const char *what);

/* "Did you mean": offer each candidate; best is the closest within a few
 * edits of want (NULL when none is close). */
struct suggest {
  const char *best;
  size_t dist;
  bool off; /* off: try nothing */
};
void suggest_try(struct suggest *s, const char *want, const char *cand);

/* ---- files ----------------------------------------------------------------- */
/* Read all of a regular file (or standard input: "-"), checking the limit
 * while reading; a FIFO, a device or a directory is refused without
 * blocking.  TIER_OK with the bytes in *out (a NUL after them), or
 * TIER_EIO / TIER_ENOMEM with the reason in err. */
int file_read(const char *path, size_t max, struct buf *out, char *err, size_t errlen);

/* ---- keyed hashing ---------------------------------------------------------- */
/* SipHash-2-4 (libsodium's crypto_shorthash) under a random key made once
 * per table owner: every hash table whose keys a record, a source or a
 * bytecode file chooses uses it, so that nobody can choose keys that collide
 * (hash flooding).  Nothing printed depends on the key: tables hand out
 * indices in insertion order. */
struct hash_key { uint8_t k[16]; };
void hash_key_new(struct hash_key *k);
uint64_t hash_bytes(const struct hash_key *k, const void *p, size_t n);

/* ---- types ------------------------------------------------------------------ */
enum ty_kind {
  TY_ERROR = 0,
  TY_TEXT,
  TY_INT,
  TY_NUMBER,
  TY_MONEY,
  TY_BOOL,
  TY_DATE,
  TY_ENUM,
  TY_LIST,
  TY_DURATION,
  TY_TIER /* a tier of the record's partner type: its index in the image's tiers (SPEC 3.5) */
};
struct type {
  uint8_t kind;
  bool opt;
  uint16_t ref; /* enum index for TY_ENUM, list index for TY_LIST */
};
const char *ty_kind_name(int kind);

/* ---- the image: a ruleset in memory, as the compiler makes it and the
 * loader reads it back.  Strings are indices into strs[]. ------------------ */
#define NO_STR 0xFFFFFFFFu
#define NO_LIST 0xFFFFu

struct img_enum { uint32_t name; uint32_t nvals; uint32_t *vals; };
struct img_field {
  uint32_t name;
  uint32_t key;       /* its key in the records' JSON (the name's string when the rules give none) */
  uint8_t kind;       /* enum ty_kind */
  uint8_t flags;      /* FF_* */
  uint16_t ref;       /* enum or list index */
  uint16_t owner;     /* NO_LIST for top-level fields, else list index */
  uint16_t slot;      /* slot within the record or the item */
};
#define FF_OPT 1
#define FF_PARTNER 2
/* A list: its field (of the record, or of the parent list's items) and
 * the slots of one item.  The verifier derives the rest from the field:
 * the parent list (NO_LIST for a list of the record), the slot that holds
 * the list in a parent item, and the depth (0 for a list of the record). */
struct img_list { uint32_t field; uint16_t width; uint16_t parent, pslot; uint8_t depth; };
/* A constant: v for every kind but number, q for number (exact). */
struct img_const { uint8_t kind; int64_t v; struct num q; };
/* A const of the rules (`const NAME = LITERAL;`, format 9): a constant of
 * the pool that every use of NAME reads.  The compiler gives a const
 * constants of its own (one per kind it is used as), never shared with a
 * literal of the same value, so that tierc diff can put the old value in
 * and tell a change of the const from other changes (rulediff.c).  A const
 * is a literal, so never an enum value. */
struct img_named {
  uint32_t name;
  uint32_t konst;
};
struct img_metric {
  uint32_t name, label;
  uint32_t def;          /* the definition's source text (a temporary: its item metric's) */
  uint8_t kind; uint8_t opt; uint16_t ref;
};
struct img_req {
  uint32_t code;          /* entry offset in code */
  uint32_t section, label, rule; /* strings */
  int32_t metric;         /* -1 unless `metric CMP constant` */
  int32_t field;          /* -1 unless `field CMP constant` (top-level slot) */
  uint8_t cmp;            /* CMP_* when metric or field >= 0 */
  uint32_t konst;         /* constant index when metric or field >= 0 */
  /* Its explain code (design2.md "values that decide"): the requirement
   * computed as its code does, each traced comparison copying its two
   * sides into its pair of trace slots as they are pushed - comparison i
   * of the requirement into slots 2i and 2i+1, its types in
   * img->traces[xfirst + i].  A comparison is traced when neither side is
   * a literal, and so is the requirement's own comparison when it is a
   * computed threshold (SPEC 3.5: a metric, aggregate, formula call or
   * field compared with a side that does not depend on list items, other
   * than `metric CMP constant`): then it is comparison 0, its compared
   * value in TRACE_ACTUAL and its threshold in TRACE_REQUIRED. */
  uint32_t xcode;         /* entry offset of the explain code, or NO_STR */
  uint32_t xfirst, xn;    /* its traced comparisons (xn > 0 exactly when there is explain code) */
  uint32_t xvalue, xthreshold; /* a computed threshold's sides' source text; xvalue NO_STR: none */
  uint8_t xcmp;                /* CMP_*, read as `value CMP threshold` */
  uint32_t file, line, col; /* debug: source file (string), line, column; 0 when stripped */
  uint32_t tfile, tline, tcol; /* debug: where its threshold's value is written, as file, line,
                                  col (an argument's place for one passed to a block's parameter);
                                  all 0 for none (no threshold side, or one written in two places) */
};
enum { TRACE_ACTUAL, TRACE_REQUIRED }; /* a computed threshold's trace slots */
/* What a requirement's pair of trace slots holds (img_req.xfirst): a
 * traced comparison's two sides, or a traced formula call's value (in
 * both slots).  The type is the class of the slots and how their values
 * read. */
struct img_trace {
  uint8_t kind;  /* TY_* of both values */
  uint16_t ref;  /* their enum, for an enum; else 0 */
  uint32_t call; /* NO_STR for a comparison; for a formula call its text, its
                    parameters written as their arguments ("skilled_people(security)") */
  uint8_t depth; /* a call's: how many traced calls it stands in (255 for more); 0 for a comparison */
};
enum { CMP_EQ = 1, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };
const char *cmp_text(int cmp); /* "==", ">=", ...; "?" for anything else */
/* A block: a tier, or a badge (no partner type).  Its requirements are
 * consecutive; its items (the requirements, `either` and `at least`) form
 * a tree whose top-level items are first_item .. first_item + nitems - 1. */
struct img_tier {
  uint32_t name;
  uint32_t display;    /* display name string, NO_STR if none */
  uint32_t ptype;      /* ordinal in the partner enum; NO_TYPE for a badge */
  uint8_t time;        /* its time clause: TC_*, TC_NONE if none */
  uint32_t time_n;     /* the clause's N (months or days), 0 if none */
  uint32_t first_req, nreq;
  uint32_t first_item, nitems;
  uint32_t file, line, col; /* debug */
};
#define NO_TYPE 0xFFFFFFFFu
/* A block's time clause (SPEC 3.5 "Checkpoints"), checkpoint.c.  Its
 * checkpoints are numbered from 0, the evaluation date, backwards:
 *   TC_SUSTAINED      `sustained N months`: asof - k months, k = 0..N, all
 *   TC_ANY_MONTHS     `at any checkpoint within N months`: the same dates, one
 *   TC_ANY_DAYS       `... within N days`: asof - k days, k = 0..N-1, one
 *   TC_ANY_CALMONTHS  `... within N calendar months`: every day from the first
 *                     of the month N months before asof's through asof, one */
enum { TC_NONE = 0, TC_SUSTAINED, TC_ANY_MONTHS, TC_ANY_DAYS, TC_ANY_CALMONTHS, TC_KINDS };
uint32_t tc_limit(int kind);                  /* the largest N; 0 for no such kind */
uint32_t tc_max_checkpoints(int kind, uint32_t n); /* checkpoints before the evaluation date, at most */
int64_t tc_checkpoint(int kind, uint32_t n, int64_t asof, uint32_t k); /* the k-th; TIER_NONE past the window */
const char *tc_text(int kind, uint32_t n, char *buf, size_t len); /* "at any checkpoint within 5 calendar months" */
int64_t tc_first(int kind, uint32_t n, int64_t asof); /* the earliest checkpoint (a calendar window: its first day) */
/* One node of a block's tree of items.  The children of an item are
 * consecutive and come after it in the table (first .. first + count - 1). */
enum { IT_LEAF = 1, IT_EITHER, IT_BRANCH, IT_ATLEAST };
struct img_item {
  uint8_t kind;        /* IT_* */
  uint32_t parent;     /* item index, NO_ITEM for a block's top-level item */
  uint32_t first;      /* a leaf: its requirement; else its first child */
  uint32_t count;      /* children (0 for a leaf) */
  uint32_t n;          /* at least: how many of the children must hold */
  uint32_t label;      /* a branch: its name (string), NO_STR if unnamed */
  uint32_t section;    /* the section heading it stands under (string), NO_STR if none */
};
#define NO_ITEM 0xFFFFFFFFu

/* How many of item it's children must hold for it to hold: the one place
 * an item kind is given its meaning (the VM's two walks of the tree, in
 * full and at a checkpoint, the result's groups and smallest change, and
 * tier_ruleset_item read it).  An either needs one, an at least its n, a
 * branch every one; a leaf none (it has no children: its requirement
 * decides). */
static inline uint32_t item_needs(const struct img_item *it) {
  return it->kind == IT_EITHER ? 1 : it->kind == IT_ATLEAST ? it->n : it->count;
}

/* `grant TIER [when COND];`: the tier, and the condition's code segment
 * (a bool, as a requirement's) and text, NO_STR for an unconditional one.
 * `grant VALUE [when COND];` (a tier value, SPEC 3.5): tier is NO_STR, and
 * code gives the tier granted (class I: a tier index, TIER_NONE for none,
 * the condition inside it); value is the value's text, NO_STR otherwise. */
struct img_grant {
  uint32_t tier, code, text, value;
};
#define ITEM_DEPTH (2 * LIM_GROUP_DEPTH + 1) /* items above a leaf, at most (a branch under each either) */

struct image {
  struct arena ar;       /* owns everything below */
  uint16_t fmt_version;
  uint32_t flags;
  uint32_t name, version; /* ruleset metadata strings (NO_STR if absent) */
  uint8_t src_hash[32];
  int64_t effective;     /* day number or TIER_NONE */
  uint32_t fiscal;       /* `fiscal year starts in MONTH;`: the month, 1-12; 0 when not given */

  uint32_t nstrs;
  const char **strs;     /* NUL-terminated, also counted: */
  uint32_t *strlens;

  uint32_t nenums; struct img_enum *enums;
  uint32_t nfields; struct img_field *fields;
  uint32_t nlists; struct img_list *lists;
  uint32_t ntop;         /* top-level record slots */
  int32_t partner_field; /* field index, -1 if none */
  int32_t id_field;      /* field named "id" of kind text, -1 if none */

  uint32_t nconsts; struct img_const *consts;
  uint32_t nnamed; /* the rules' consts, by ascending konst: */
  struct img_named *named;
  uint32_t nmetrics; struct img_metric *metrics;

  uint32_t codelen; uint8_t *code; /* serialized instructions */
  uint32_t review_code;  /* entry offset or NO_STR */
  uint32_t review_text;  /* the review rule's source text, NO_STR if none */
  uint32_t metric_code;  /* entry offset of the metric block */

  uint32_t ntiers; struct img_tier *tiers;
  uint32_t nbadges; struct img_tier *badges; /* requirements after the tiers' */
  uint32_t nitems; struct img_item *items;
  uint32_t nreqs; struct img_req *reqs;
  uint32_t ntraces;
  struct img_trace *traces; /* the requirements' traced comparisons, in their order */
  uint32_t *order;       /* the blocks (tiers, then badges) in evaluation order: each after
                            the blocks its HOLDS and MEETS name (src/refs.c, verify.c) */
  uint32_t rounds;       /* the verifier's: 1 + the longest chain of references (vm.c) */
  uint32_t ngrants; struct img_grant *grants;

  /* cost bound: steps <= cost_base + sum cost_per[l] * len(list l) (verify.c cost_bound) */
  uint64_t cost_base; uint64_t *cost_per;
  uint32_t max_stack;
  uint32_t nsets;        /* distinct-value sets the code uses (verifier) */
  uint32_t nmbufs;       /* median buffers the code uses (verifier) */
  int32_t *top_field;    /* top-level slot -> field index (verifier) */
  uint64_t vfy_work;     /* steps the verifier took: linear in the file */

  /* debug */
  uint32_t src_name;     /* main source file name */
  bool has_debug;

  /* signature, when the file carried one */
  bool signed_;
  uint8_t sig[64];
  uint8_t sig_pub[32];
};

#define MAX_DSETS 8 /* distinct-value sets a VM has */
#define MAX_MBUFS 4 /* median buffers a VM has */

/* ---- packed records --------------------------------------------------------- */
/* Every field has one 64-bit slot: the value itself for class I, a handle
 * for the others - an index into strs for text, into nums for number
 * (TIER_NONE for a missing value of either). */
/* A list's items, those of every parent item one after the other for an
 * inner list: n * width slots.  The slot of a list field (in the record or
 * in a parent item) holds where its items are: LIST_SLOT(start, count). */
struct rec_list { uint32_t n; int64_t *items; };
#define LIST_SLOT(start, count) ((int64_t)((uint64_t)(start) << 32 | (uint32_t)(count)))
#define LIST_START(slot) ((uint32_t)((uint64_t)(slot) >> 32))
#define LIST_COUNT(slot) ((uint32_t)(slot))
/* A record's texts.  Those of the fields a count distinct may read (vm.c,
 * keyed_fields) are keyed: both readers hash them with the reading VM's
 * key and intern them, so that equal keyed texts of a record have one
 * handle and count distinct compares two of them by handle (vm.c DADD_S).
 * Any other text is neither hashed nor interned: its hash has TEXT_UNKEYED
 * set and is spread by its handle; a keyed text's has it clear. */
#define TEXT_UNKEYED 0x80000000u
struct rec_str {
  const char *p;
  uint32_t n;
  uint32_t hash; /* keyed hash of the text (the VM's key), for count distinct */
};
struct record {
  int64_t *top;
  struct rec_list *lists;
  struct rec_str *strs;
  uint32_t nstrs;
  struct num *nums;
  uint32_t nnums;
  uint32_t max_list;   /* longest list, for the distinct set */
  const struct hash_key *hkey; /* the key of strs[].hash: the reading VM's, which the VM that
                                  evaluates the record hashes a constant text with too */
};

/* ---- dates ------------------------------------------------------------------ */
/* Dates are days since 1970-01-01; every date a record or a constant holds
 * lies in 0001-01-01 .. 9999-12-31. */
#define DATE_MIN (-719162)
#define DATE_MAX 2932896
/* Days since 1970-01-01 of y-m-d, any y (a fast path for 1..9999, the
 * calendar's, whose 32-bit sums would wrap past some 11.7 million). */
int64_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int64_t days, int *y, int *m, int *d);
bool date_parse(const char *s, size_t n, int64_t *out); /* strict YYYY-MM-DD */
/* Days from March 1 to the first of month m (1-12) of the March-based
 * year, and the days of month m of year y (util.c). */
extern const uint16_t date_march_days[12];
int date_days_in_month(int y, int m);
/* Strict YYYY-MM-DD in the ten bytes at s, years 0001-9999, a real
 * calendar day (date_parse, inline for the record reader, which converts
 * every date of every record here): the digits are tested together
 * and the day's number computed without the era (the year is at least 1).
 * On a little-endian machine "YYYY-MM-" is one 8-byte word: XOR with
 * "0000-00-" leaves each digit's value (0-9 only for '0'-'9') and 0 for
 * each dash, one add tests that every byte is at most 9 (a byte from 10
 * has the high bit after adding 0x76; one above 0x7F has it already, so a
 * carry out of it cannot hide anything), and one multiply pairs the digits
 * (byte i becomes 10 * digit i + digit i + 1, at most 99: no carry). */
static inline bool date_parse10(const char *s, int64_t *out) {
  unsigned c8 = (unsigned char)s[8] - (unsigned)'0', c9 = (unsigned char)s[9] - (unsigned)'0'; /* a non-digit wraps above 9 */
  unsigned y, m, d = c8 * 10 + c9;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t x;
  memcpy(&x, s, 8);
  uint64_t v = x ^ 0x2D30302D30303030u; /* "0000-00-", s[0] lowest */
  if ((((v + 0x7676767676767676u) | v) & 0x8080808080808080u) | (v & 0xFF0000FF00000000u) | (c8 > 9) | (c9 > 9)) return false;
  uint64_t t = v * 10 + (v >> 8);
  y = (unsigned)(t & 0xFF) * 100 + (unsigned)(t >> 16 & 0xFF);
  m = (unsigned)(t >> 40 & 0xFF);
#else
  if (s[4] != '-' || s[7] != '-') return false;
  unsigned c0 = (unsigned char)s[0] - (unsigned)'0', c1 = (unsigned char)s[1] - (unsigned)'0',
           c2 = (unsigned char)s[2] - (unsigned)'0', c3 = (unsigned char)s[3] - (unsigned)'0',
           c5 = (unsigned char)s[5] - (unsigned)'0', c6 = (unsigned char)s[6] - (unsigned)'0';
  if ((c0 > 9) | (c1 > 9) | (c2 > 9) | (c3 > 9) | (c5 > 9) | (c6 > 9) | (c8 > 9) | (c9 > 9)) return false;
  y = c0 * 1000 + c1 * 100 + c2 * 10 + c3;
  m = c5 * 10 + c6;
#endif
  if (y == 0 || m - 1 > 11 || d == 0 || (d > 28 && (int)d > date_days_in_month((int)y, (int)m))) return false;
  uint32_t yy = y - (m <= 2); /* date_from_ymd's way for years from 1 */
  uint32_t c = yy / 100;      /* yy / 400 is c / 4, and yy * 365 + yy / 4 is yy * 1461 / 4 */
  *out = (int64_t)((yy * 1461 >> 2) - c + (c >> 2) + date_march_days[m - 1]) + d - 1 - 719468;
  return true;
}

void date_format(int64_t days, char out[11]);
int64_t date_add_months(int64_t days, int64_t months);
int64_t date_today_utc(void);

/* ---- cross-stage entry points ---------------------------------------------- */
struct image *image_new(const struct tier_alloc_hook *h);
void image_free(struct image *img);
const char *img_str(const struct image *img, uint32_t s);
#define LIST_NAME_MAX (LIM_LIST_DEPTH * 72) /* room for img_list_name of a compiled ruleset's list */
const char *img_list_name(const struct image *img, uint32_t l, char *buf, size_t n);
/* Value v of kind (an enum value or tier by its name, money in units, an
 * ISO date; a text: string v of img) as results, listings and meanings
 * write it; "none" for TIER_NONE, "?" out of range.  A number is a
 * fraction, not a 64-bit value: num_format.  A record's texts: vm_value_text. */
const char *img_value_text(const struct image *img, int kind, uint16_t ref, int64_t v, char *buf, size_t n);
/* Constant k of img as text, numbers included (ref: its enum, if any). */
const char *img_const_text(const struct image *img, const struct img_const *k, uint16_t ref, char *buf, size_t n);

/* The tools' stages, which api.c makes public (tier_disasm, tier_opcodes,
 * tier_rules_diff, tier_test_run): disasm.c, rulediff.c, ruletest.c.
 * rule_diff returns the number of changes, or -1 when out of memory;
 * rt_run 0 when every test passed, 1 when some failed, 2 when a file could
 * not be read, -1 out of memory. */
/* dis_image: gap is what the loader adds to the file's cost bound for the
 * gap's searches (rs->cost_gap), so that the bound printed is the one
 * --max-cost compares. */
void dis_image(const struct image *img, uint64_t gap, const char *what, struct buf *b);
void dis_opcodes(struct buf *b);
int rule_diff(const struct image *A, const struct image *B, const char *pa, const char *pb, bool json, struct buf *o);
/* The requirements of B looked at while pairing those of A with them, this
 * thread's running count (rulediff.c, pair_reqs): work counted for
 * test_flood, never a limit. */
extern _Thread_local uint64_t rule_diff_pair_steps;
/* The same changes, each handed to `each` (tier_rules_changes), in the
 * user's language for people, else in English; the number of changes, or
 * -1 when out of memory. */
int rule_changes(const struct image *A, const struct image *B, bool people, void (*each)(void *ud, const tier_rule_change *c),
                 void *ud);
int rt_run(const tier_ruleset *rs, const char *const *files, int nfiles, bool coverage, struct buf *out);

#define BC_VERSION 13 /* the .tbc format this tierc reads and writes (docs/bytecode.md) */
/* bytecode.c: bytes -> image, and back.  bc_read checks the header, the
 * signature (required, and by trust_key, when trust_key is not NULL), the
 * checksum and every size and offset; it does not verify the code. */
int bc_write(const struct image *img, bool strip, struct buf *out);
bool bc_trailer_key(const uint8_t *p, size_t n, uint8_t pub[32]);
int bc_read(const struct tier_alloc_hook *h, const uint8_t *p, size_t n, const uint8_t *trust_key,
            struct image **out, char *err, size_t errlen);
int bc_sign(const struct tier_alloc_hook *h, const uint8_t *p, size_t n, const uint8_t sk[64], uint8_t **out,
            size_t *outn);
/* p re-encoded without its debug section and with a zero source hash: what
 * the source's rules, not its layout, decide */
int bc_rules_bytes(const struct tier_alloc_hook *h, const uint8_t *p, size_t n, struct buf *out, char *err,
                   size_t errlen);
/* verify.c: TIER_OK, or TIER_EBYTECODE / TIER_ENOMEM with err filled */
int vfy_image(struct image *img, char *err, size_t errlen);
uint32_t img_top_field(const struct image *img, uint32_t slot); /* field index of a top-level slot */
/* vm.c: read, then verify (the one way every file is loaded) */
int img_load(const struct tier_alloc_hook *h, const uint8_t *p, size_t n, const uint8_t *trust_key,
             struct image **out, char *err, size_t errlen);
int vfy_ladder(struct image *img, char *err, size_t errlen); /* the blocks' item trees: TIER_OK, TIER_EBYTECODE, TIER_ENOMEM */
/* Block b: the tiers first, then the badges. */
static inline const struct img_tier *img_block(const struct image *img, uint32_t b) {
  return b < img->ntiers ? &img->tiers[b] : &img->badges[b - img->ntiers];
}

#endif
