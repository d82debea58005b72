/*
 * tier.h - libtier, the embedding API of tierc.
 *
 * Compile partner-tier rules (.tier source) into verified bytecode (.tbc),
 * load bytecode (every load is verified), and evaluate partner profiles.
 * No global state: every object is independent, and separate objects may
 * be used from separate threads.  The library never prints and never exits.
 */
#ifndef TIER_H
#define TIER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TIER_VERSION "0.2.0"
/* The library's binary interface: libtier.so.TIER_ABI is its soname.  It
 * goes up whenever a program built against an earlier tier.h could not run
 * on this library: a public struct's size or fields changed, a function's
 * parameters changed or one was removed (tests/sh/abi.sh holds the structs'
 * sizes and offsets in tests/abi-layout.txt and fails when they change
 * while TIER_ABI stays).  Version 0.2.0 is ABI 1 (0.1.0 was 0). */
#define TIER_ABI 1

/* TIER_API marks the functions libtier.so exports; the shared library is
 * built with -fvisibility=hidden, so nothing else leaves it.  Define
 * TIER_API yourself (e.g. empty) before including this header to override. */
#ifndef TIER_API
#if defined(__GNUC__) && __GNUC__ >= 4
#define TIER_API __attribute__((visibility("default")))
#else
#define TIER_API
#endif
#endif

/* Default limits, in bytes (each a documented error when exceeded). */
#define TIER_MAX_SOURCE (8u << 20)    /* one source file (tier_options.max_source) */
#define TIER_MAX_BYTECODE (64u << 20) /* one .tbc file */
#define TIER_MAX_RECORD (64u << 20)   /* one record: a JSON Lines line or an array element
                                         (tier_options.max_record) */

/* Status codes returned by every function that can fail. */
enum tier_status {
  TIER_OK = 0,
  TIER_ECOMPILE,   /* the rules have errors: see the diagnostics */
  TIER_EBYTECODE,  /* the bytecode is malformed, tampered or unverifiable */
  TIER_ENOMEM,     /* an allocation failed */
  TIER_EIO,        /* a file could not be read or written */
  TIER_ERECORD,    /* a record is malformed: see the record error */
  TIER_ERUNTIME,   /* evaluation fault (integer overflow) */
  TIER_EBUDGET,    /* the record would exceed the configured cost budget */
  TIER_ESIGNATURE, /* with a trusted key: the file is unsigned or signed by another key
                      (a signature that does not match the file: TIER_EBYTECODE) */
  TIER_EUSAGE      /* bad argument */
};
TIER_API const char *tier_strerror(int status);

/* ---- message language -------------------------------------------------------
 * Every text the library writes for a person (diagnostics, record errors,
 * explain sentences, reports, test and diff output) comes from its GNU
 * gettext catalogue in the text domain TIER_TEXTDOMAIN, looked up with
 * dgettext: the calling program's own domain is untouched.  The language
 * follows the program's LC_MESSAGES locale (and LANGUAGE) as setlocale()
 * set it, so a program that never calls setlocale gets English.  Nothing
 * else depends on the locale: numbers, dates and JSON are the same in every
 * locale, and texts are UTF-8 whatever LC_CTYPE says.  The catalogues are
 * looked for in the LOCALEDIR the library was built with, or in
 * $TIER_LOCALEDIR when that is set.
 * tier_gettext and tier_ngettext translate one message of that domain (the
 * tools use them for their own texts): a static string, or msgid itself
 * (msgid or plural, by n) when the catalogue has no translation. */
#define TIER_TEXTDOMAIN "tierc"
#if defined(__GNUC__)
#define TIER_FORMAT_ARG(n) __attribute__((format_arg(n)))
#else
#define TIER_FORMAT_ARG(n)
#endif
TIER_API const char *tier_gettext(const char *msgid) TIER_FORMAT_ARG(1);
TIER_API const char *tier_ngettext(const char *msgid, const char *plural, unsigned long n) TIER_FORMAT_ARG(1)
    TIER_FORMAT_ARG(2);

enum tier_severity { TIER_ERROR = 0, TIER_WARNING = 1, TIER_NOTE = 2 };

/* Allocator hook, as Lua's lua_Alloc: nsize == 0 frees ptr, otherwise
 * (re)allocates; osize is the old size (0 for a new block), always the size
 * the block was last given.  Return NULL on failure; the library then fails
 * cleanly with TIER_ENOMEM, with every block handed back.  Every allocation
 * of the library goes through it (the parser's and scanner's included):
 * the compiler's and a loaded ruleset's through the options they were given;
 * tier_rules_diff and tier_rules_changes through the old ruleset's;
 * tier_test_run through its ruleset's, except that the JSON of its test
 * lines is read by jansson, which uses malloc. */
typedef void *(*tier_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

/* Options; a zeroed struct means defaults. */
typedef struct tier_options {
  tier_alloc_fn alloc;     /* NULL: malloc/realloc/free */
  void *alloc_ud;
  size_t max_source;       /* bytes per source file; 0: TIER_MAX_SOURCE */
  size_t max_record;       /* tier_input_new: bytes per record; 0: TIER_MAX_RECORD */
  int werror;              /* treat warnings as errors */
  int strip;               /* leave the debug section out of compiled bytecode */
  const uint8_t *trust_key; /* 32-byte Ed25519 public key: when set, tier_load
                              accepts only files signed with this key */
  const uint8_t *trust_keys; /* ntrust_keys more such keys, one after another
                              (32 bytes each): tier_load then accepts a file
                              signed with any one of the trusted keys */
  size_t ntrust_keys;
  const char *const *import_dirs; /* NULL-terminated list of directories whose trees
                              imports may also come from; imports always may come
                              from the main file's own directory tree */
  int all_requirements;    /* tier_vm_new: results list every requirement, met or
                              not (tier_result.reqs), not only the unmet ones */
  uint64_t max_cost;       /* tier_vm_new: the cost budget, in steps (VM instructions,
                              the driver's runs, the runs of the search for a score's
                              smallest change, and record slots; a step is also at
                              most 8 bytes of a record's memory): a record whose
                              evaluation could take more (by the ruleset's cost bound
                              and its list lengths) is refused with TIER_EBUDGET
                              before it runs, and as soon as the lists read so far
                              go over, before its memory grows; 0: no limit */
  int strict_fields;       /* tier_vm_new: a key of a record (or of a list item)
                              that the schema does not declare makes the record
                              TIER_ERECORD; 0: it is passed over and told once
                              by tier_vm_unknown_fields */
  unsigned diag_columns;   /* tier_compile: the width of the terminal its diagnostics
                              are shown on; a quoted source line wider than that
                              shows the part around the fault, cut with '…' marks
                              (tier_fmt quotes for the default); 0: 100 */
} tier_options;

/* ---- diagnostics ------------------------------------------------------- */
typedef struct tier_diag {
  int severity;            /* enum tier_severity */
  const char *file;        /* NULL when the diagnostic has no position */
  unsigned line, column;   /* 1-based; 0 when no position */
  const char *message;
} tier_diag;

typedef struct tier_diags tier_diags;
TIER_API size_t tier_diags_count(const tier_diags *d);
TIER_API const tier_diag *tier_diags_get(const tier_diags *d, size_t i);
/* The diagnostics as text, each with its source line and a caret; the
 * returned string lives as long as d. */
TIER_API const char *tier_diags_text(tier_diags *d);
/* The files the compilation read: the main file first, then each import,
 * named as it was opened (so that a tool can refuse to write over any of
 * them).  Strings live as long as d; NULL past the last. */
TIER_API size_t tier_diags_nfiles(const tier_diags *d);
TIER_API const char *tier_diags_file(const tier_diags *d, size_t i);
TIER_API void tier_diags_free(tier_diags *d);

/* ---- compiling ----------------------------------------------------------- */
/* Compile the ruleset in file `path` (imports are read relative to it).  If
 * `text` is not NULL it is used as the content of `path`.  On success
 * out and outlen receive the .tbc bytes (free with tier_free_bytes).  *diags, if
 * diags is not NULL, receives the diagnostics (also on success: warnings). */
TIER_API int tier_compile(const char *path, const char *text, size_t textlen,
                          const tier_options *opt, uint8_t **out, size_t *outlen,
                          tier_diags **diags);
TIER_API void tier_free_bytes(const tier_options *opt, uint8_t *p, size_t n);

/* ---- loading --------------------------------------------------------------- */
typedef struct tier_ruleset tier_ruleset;

/* Load and verify bytecode.  On failure err receives the reason.  Besides
 * the ruleset it returns, a file with loops over the record's lists takes
 * 582 KiB and 8 bytes a metric register of scratch memory through opt's
 * allocator while it loads (the
 * loops run at once are built in it: docs/bytecode.md 8), freed before
 * it returns; a thread stack of 64 KiB is
 * enough for any file (test_loopk loads the deepest on one). */
TIER_API int tier_load(const uint8_t *p, size_t n, const tier_options *opt,
                       tier_ruleset **out, char *err, size_t errlen);
TIER_API void tier_ruleset_free(tier_ruleset *rs);
/* 1 and the signer's public key if the file was signed (and the signature
 * checked out: a bad signature is never loaded); 0 if unsigned. */
TIER_API int tier_ruleset_signer(const tier_ruleset *rs, uint8_t pub[32]);

/* ---- signing ------------------------------------------------------------- */
/* Make an Ed25519 key pair (secret key 64 bytes, public key 32 bytes). */
TIER_API int tier_keygen(uint8_t pub[32], uint8_t secret[64]);
/* Sign bytecode: *out receives the file with an embedded signature (an
 * existing one is replaced); free it with tier_free_bytes. */
TIER_API int tier_sign(const uint8_t *bc, size_t n, const uint8_t secret[64], const tier_options *opt, uint8_t **out,
                       size_t *outlen);
TIER_API const char *tier_ruleset_name(const tier_ruleset *rs);    /* empty if unnamed */
TIER_API const char *tier_ruleset_version(const tier_ruleset *rs); /* empty if none */
/* The rules hash, 64 hex digits and a NUL: a digest of what the ruleset
 * means (its schema, metrics, review rule, effective date and tiers, as
 * compiled), the same for any layout or comments of its source (tierc fmt
 * keeps it) and for a .tbc file and its source.  The source's own hash is
 * kept in the file (tierc disasm). */
TIER_API void tier_ruleset_hash(const tier_ruleset *rs, char out[65]);
/* 1 when the ruleset has a review rule (each record is judged at the date
 * it gives), 0 when records are judged at today's date (UTC) unless the
 * caller gives a date (tier_eval_json's asof): results that change from day
 * to day, which a tool should say. */
TIER_API int tier_ruleset_has_review(const tier_ruleset *rs);
/* 1 when the rules declare the partner's name (a top-level text field
 * called `name`), so that results carry it (tier_result.name); else 0. */
TIER_API int tier_ruleset_has_names(const tier_ruleset *rs);
/* The k-th checkpoint of a time clause (time: enum tier_time, with its N)
 * at evaluation date asof, as the evaluation takes it: k = 0 is asof
 * itself, then back from it (`sustained 6 months`: one a month, k up to
 * 6).  TIER_NO_DATE when the window has no k-th checkpoint or time is not a
 * clause. */
TIER_API int64_t tier_checkpoint(int time, unsigned n, int64_t asof, unsigned k);

/* ---- walking a ruleset ------------------------------------------------------ */
/* Partner types, tiers and requirements by index, as results name them
 * (tier_result.type_index, tier_index; tier_req_result.index).  Tiers are in
 * the order written, which is each partner type's ladder from the bottom.
 * Strings live as long as the ruleset. */
typedef struct tier_info {
  const char *name;
  int type_index;          /* its partner type (tier_ruleset_type); -1 for a badge */
  int position;            /* its place in that type's ladder, from 0; a badge's index */
  unsigned sustained;      /* `sustained N months`: N; 0 if none */
  int time;                /* its time clause (enum tier_time), TIER_TIME_NONE if none */
  unsigned window;         /* the clause's N; 0 if none */
  const char *time_text;   /* the clause as written in canonical form
                              ("at any checkpoint within 5 calendar months"), NULL if none */
  size_t first_req, nreqs; /* its requirements are first_req .. first_req + nreqs - 1 */
  const char *file;        /* source position (NULL when stripped) */
  unsigned line, column;
  const char *display;     /* its display name, NULL if it has none */
  size_t first_item, nitems; /* its own items (tier_ruleset_item): what must hold */
} tier_info;

typedef struct tier_req_info {
  int tier_index;          /* the tier it belongs to; -1 for a badge's */
  int badge_index;         /* the badge it belongs to; -1 for a tier's */
  size_t item;             /* its item (tier_ruleset_item) */
  const char *section, *label; /* NULL when the rule has none */
  const char *rule;        /* the rule's source text */
  const char *metric;      /* when it compares one metric (or field) with a */
  const char *op;          /* constant: its name and ">=", "==", ...; else NULL */
  const char *file;        /* source position (NULL when stripped) */
  unsigned line, column;
} tier_req_info;

/* Counts; the getters return TIER_OK, or TIER_EUSAGE for an index out of
 * range (out is then untouched).  tier_ruleset_type returns NULL then. */
TIER_API size_t tier_ruleset_ntypes(const tier_ruleset *rs);
TIER_API const char *tier_ruleset_type(const tier_ruleset *rs, size_t i);
TIER_API size_t tier_ruleset_ntiers(const tier_ruleset *rs);
TIER_API int tier_ruleset_tier(const tier_ruleset *rs, size_t i, tier_info *out);
TIER_API size_t tier_ruleset_nreqs(const tier_ruleset *rs);
TIER_API int tier_ruleset_req(const tier_ruleset *rs, size_t i, tier_req_info *out);
/* Badges: achievements every record is evaluated for, beside its tier
 * (type_index is -1).  Their requirements follow the tiers'. */
TIER_API size_t tier_ruleset_nbadges(const tier_ruleset *rs);
TIER_API int tier_ruleset_badge(const tier_ruleset *rs, size_t i, tier_info *out);
/* How many `grant TIER [when COND];` lines the rules have (0: no result
 * can be granted, so outputs leave out their `granted` column). */
TIER_API size_t tier_ruleset_ngrants(const tier_ruleset *rs);

/* What a tier or badge asks is a tree of items: requirements, and the
 * groups `either` (one of its branches holds), its branches (each of its
 * items holds) and `at least N of` (N of its items hold).  The items of a
 * tier or badge are tier_info.first_item .. + nitems - 1, and a group's
 * are first .. first + count - 1. */
enum tier_item_kind { TIER_ITEM_REQ = 1, TIER_ITEM_EITHER, TIER_ITEM_BRANCH, TIER_ITEM_AT_LEAST };
typedef struct tier_item_info {
  int kind;                /* enum tier_item_kind */
  long parent;             /* the item it belongs to; -1 for a tier's or badge's own */
  size_t first, count;     /* a requirement: its index (count 0); a group: its items */
  unsigned needed;         /* at least: N; either: 1; a branch: all of its items */
  const char *name;        /* a branch: its name ("PQP only"; "branch 2" when it has none) */
  unsigned place;          /* a branch the rules give no name: its place in its either
                              (2 for "branch 2"); 0 for a label and any other item */
} tier_item_info;
TIER_API size_t tier_ruleset_nitems(const tier_ruleset *rs);
TIER_API int tier_ruleset_item(const tier_ruleset *rs, size_t i, tier_item_info *out);

/* How the tiers of one partner type correspond between two rulesets, as
 * tierc diff and tiervm diff match them: by name first; then, between two
 * tiers matched by name, tiers that are not are paired in order as renamed
 * when both sides have as many of them (Standard -> Select); any other is
 * removed or new.  The caller fills nold, nnew and the names (in ladder
 * order; they stay the caller's); tier_ladder_match fills the rest.  Ranks
 * place a tier of either ruleset on the new ladder: new tier p has 2p + 2,
 * a removed one sits just above the nearest lower tier that was kept (odd),
 * no tier is 0. */
typedef struct tier_ladder {
  int nold, nnew;
  const char **old_names, **new_names;
  int *old_to_new, *new_to_old;  /* the tier it corresponds to; -1: removed / new */
  int *old_rank, *new_rank;
  const tier_options *opt; /* whose allocator tier_ladder_match uses; NULL: malloc */
} tier_ladder;
TIER_API int tier_ladder_match(tier_ladder *l); /* TIER_OK, or -1 when out of memory */
TIER_API void tier_ladder_free(tier_ladder *l); /* what tier_ladder_match allocated */
/* +1 up, -1 down, 0 stay, for a partner at old tier o and new tier n
 * (positions in the ladders, -1 for none). */
TIER_API int tier_ladder_direction(const tier_ladder *l, int o, int n);

/* ---- evaluating ------------------------------------------------------------ */
typedef struct tier_vm tier_vm;
TIER_API tier_vm *tier_vm_new(const tier_ruleset *rs, const tier_options *opt);
TIER_API void tier_vm_free(tier_vm *vm);

/* The type of a value in a result: the types fields and metrics have. */
enum tier_type {
  TIER_TYPE_NONE = 0,
  TIER_TYPE_TEXT,
  TIER_TYPE_INT,
  TIER_TYPE_NUMBER,
  TIER_TYPE_MONEY, /* exact cents; shown in currency units: 1499.99 */
  TIER_TYPE_BOOL,
  TIER_TYPE_DATE, /* YYYY-MM-DD */
  TIER_TYPE_ENUM,
  TIER_TYPE_TIER = 10 /* a tier of the record's partner type, shown by its identifier */
};

/* A tier's or badge's time clause (SPEC 3.5, "Checkpoints"). */
enum tier_time {
  TIER_TIME_NONE = 0,
  TIER_TIME_SUSTAINED,       /* sustained N months: at asof - k months, k = 0..N, every one */
  TIER_TIME_ANY_MONTHS,      /* at any checkpoint within N months: one of those dates */
  TIER_TIME_ANY_DAYS,        /* ... within N days: one of asof - k days, k = 0..N-1 */
  TIER_TIME_ANY_CALMONTHS    /* ... within N calendar months: one day from the first of
                                the month N months before asof's through asof */
};

/* What an entry of a result stands for. */
enum tier_entry_kind {
  TIER_ENTRY_REQ = 0,      /* a requirement */
  TIER_ENTRY_SUSTAINED,    /* the tier's or badge's `sustained N months` clause */
  TIER_ENTRY_EITHER,       /* an `either` (tier_result.reqs only) */
  TIER_ENTRY_BRANCH,       /* one of its branches (tier_result.reqs only) */
  TIER_ENTRY_AT_LEAST,     /* `at least N of { ... }` */
  TIER_ENTRY_AT_ANY        /* the tier's or badge's `at any checkpoint within ...` clause */
};

/* How the evaluation said one text of an entry (need, detail) in English:
 * its sentences, each a message of the catalogue and where its arguments
 * stand in the text, so that tier_say can say the text again in the
 * user's language.  The English text is what JSON and CSV write, alike in
 * every locale; a table, an explanation or a report shows tier_say's.
 * Plain data (no pointers into the entry), so a copied entry keeps it.
 * The items of a list take the parts sentences leave: a list whose items
 * do not all fit, or whose room a later sentence takes, has none and is
 * said as it is. */
#define TIER_SAID_PARTS 6 /* sentences in one text: "A is held; B is not held" */
#define TIER_SAID_ARGS 6  /* arguments of one sentence */
typedef struct tier_said {
  int nparts; /* 0: the text has no words to translate ("+2 pcs") or did not fit */
  struct tier_said_part {
    const char *msgid, *plural; /* the English pattern (%s for each argument), and its plural or NULL */
    unsigned long n;            /* the count that chooses between them */
    int nargs;
    int period_arg;                                         /* 1 + the argument that names a period ("fiscal year from
                                   April"), said again in the user's language; 0 for none */
    uint32_t period;                                        /* that period (internal encoding) */
    unsigned short at[TIER_SAID_ARGS], len[TIER_SAID_ARGS]; /* each argument's bytes in the text */
    /* nonzero: an item of the list that is the last argument of the
       sentence before it ("Silver needs +1 a, ok must become true"), said
       inside that sentence, ", " between items */
    int item;
  } part[TIER_SAID_PARTS];
} tier_said;

/* One requirement of a tier or badge, a group of them, or its time clause,
 * and its outcome at the evaluation date.  The strings
 * point into the ruleset or the VM and live as long as the result. */
typedef struct tier_req_result {
  int kind;                /* enum tier_entry_kind */
  const char *tier;        /* the tier's name; NULL for a badge's entry */
  const char *badge;       /* the badge's name; NULL for a tier's entry */
  int badge_index;         /* tier_ruleset_badge; -1 for a tier's entry */
  int depth;               /* 0 for a tier's or badge's own items, one more inside
                              each either branch and each at least */
  const char *branch;      /* inside an either: its branch's name ("PQP only", or
                              "branch 2" when the rules give none), the innermost */
  unsigned branch_place;   /* that branch has no name in the rules: its place (2 for
                              "branch 2"); 0 when it has a label (which may read
                              "branch 2" too) or there is none */
  unsigned place;          /* a branch (TIER_ENTRY_BRANCH) without a name: its place,
                              which its rule says ("branch 2"); else 0 */
  int gap;                 /* unmet: inside an either, part of its cheapest branch
                              (fewest failing requirements, ties: the first written),
                              the one the smallest change takes; inside an at least,
                              one of the cheapest items that would complete it */
  int held, needed, of;    /* a group: how many of its items hold, how many must
                              (at least: N; either: 1), how many there are */
  size_t nitems;           /* an unmet at least: its failing items, each an entry; a
                              sustained clause that failed at an earlier checkpoint:
                              the requirements that failed there, with their values
                              there (of the tier and the lower ones, or of the badge) */
  const struct tier_req_result *items;
  const char *section, *label; /* NULL when the rule has none */
  const char *rule;        /* the rule's source text; a time clause's canonical text
                              ("sustained 6 months") */
  int met;
  int index;               /* the requirement's index in the ruleset (tier_ruleset_req), a
                              group's item index (tier_ruleset_item); -1 for a time clause */
  int tier_index;          /* the tier's index in the ruleset (tier_ruleset_tier); -1 for a badge */
  /* When the rule compares one metric (or field) with a constant, or has a
     computed threshold (SPEC 3.5: a metric, field, aggregate or formula call
     compared with a side that does not depend on list items): */
  const char *metric;      /* its name, or the compared side's source text
                              ("sum mrr in deals where won", "net_adds(security,
                              smb)"); NULL for any other rule */
  const char *threshold;   /* a computed threshold's source text ("target * 2");
                              NULL for a constant */
  const char *op;          /* the comparison: ">=", "==", ... */
  int type;                /* enum tier_type of both values */
  int missing;             /* the metric has no value (a missing field, the min of
                              nothing); actual is then "none" */
  char actual[176], required[176]; /* the values as text: numbers as JSON numbers
                              (1500, 1499.99; a number exactly when it has a
                              finite decimal form, else rounded to 34 significant
                              digits), dates YYYY-MM-DD, true/false, enum values
                              and texts as they are */
  char actual_shown[80], required_shown[80]; /* the same as people read them (table,
                              explain, report): numbers rounded to 2 decimals and
                              marked "\u2248" where that changed them; a number
                              that a division by zero left missing is
                              "none (division by zero)"; room for any enum value
                              (an identifier of up to 64 bytes) */
  double actual_value, required_value; /* int, money (currency units) and number
                              values as doubles, for ratios and charts; 0 otherwise */
  const char *file;        /* source position of the rule (NULL when stripped) */
  unsigned line, column;
  char need[448];                   /* when not met: the smallest change that would meet it
                              (room for two quoted source texts, each cut to 110
                              bytes ending in "\u2026" when longer, and two values),
                              "+2 certified_people", "+3,400.00 launched_mrr",
                              "business_plan_validated must become true"; for a
                              score of several inputs each input that alone
                              meets it, "+5 certified or +23 wins" */
  char detail[256];                 /* for a rule that tests a date against a period
                              (`closed in calendar month of asof`), met or not:
                              the dates that decide, "closed 2024-03-05 is in
                              calendar month of 2024-03-15 (2024-03-01 ..
                              2024-03-31)"; for a score of several inputs
                              compared with a constant, its definition and
                              its inputs' values, "points = wins + certified *
                              5; wins is 1; certified is 2"; for a formula
                              call compared, the calls it is made of, "skilling_points(
                              security) is 40; usage_points(security, enterprise) is
                              16"; for block
                              references, what each reads; "" for any other
                              rule and at a checkpoint */
  tier_said need_said, detail_said; /* how need and detail were said (tier_say) */
  /* A time clause (kind TIER_ENTRY_SUSTAINED or TIER_ENTRY_AT_ANY): */
  int64_t checkpoint;      /* the checkpoint that decided it (days since 1970): sustained,
                              the latest at which the requirements failed (the evaluation
                              date when they fail today); at any, the latest at which they
                              held; 0 when none did */
  int64_t window_start;    /* its earliest checkpoint (days since 1970) */
  int sustained;           /* months, when this entry stands for `sustained N months` */
  int time;                /* enum tier_time */
  int window;              /* the clause's N */
} tier_req_result;

/* A badge and whether the record holds it. */
typedef struct tier_badge_result {
  const char *name;        /* its identifier */
  const char *display;     /* its display name, NULL if it has none */
  int index;               /* tier_ruleset_badge */
  int held;
  size_t nunmet;           /* when not held: its items that do not hold (as a */
  const tier_req_result *unmet; /* tier's unmet), its failing time clause last */
} tier_badge_result;

/* The outcome of evaluating one record, computed once by the evaluation:
 * every output (JSON, CSV, a table, an explanation, a report) is made from
 * this structure alone. */
typedef struct tier_result {
  const char *id;          /* the record's "id" field, or NULL */
  const char *name;        /* the record's "name" field (a top-level text field so
                              named), cut at a NUL it holds; NULL if none */
  const char *type;        /* partner type value */
  int64_t asof;            /* days since 1970-01-01 */
  const char *tier;        /* highest tier held, NULL if none */
  const char *next;        /* lowest tier not held, NULL at the top */
  const char *tier_display; /* their display names (`tier Premier_1K "Premier 1K" ...`), */
  const char *next_display; /* NULL where the rules give none */
  size_t nunmet;           /* the items of next that do not hold: its requirements,
                              those of each branch of a failing either (with branch),
                              a failing at least as one entry (with its failing items) */
  const tier_req_result *unmet; /* and its failing time clause last */
  size_t nreqs;            /* with tier_options.all_requirements: every entry of */
  const tier_req_result *reqs; /* every tier of the partner's type, then of every badge,
                              met or not, in the order written: a tier's items (a group
                              first, then its items, one deeper), then its time
                              clause; otherwise 0 and NULL */
  int type_index;          /* the partner type (tier_ruleset_type), -1 if none */
  int tier_index;          /* the tier held and the next one (tier_ruleset_tier), */
  int next_index;          /* -1 if none */
  const char *rules_version; /* the ruleset's version, "" if none */
  const char *rules_hash;  /* the ruleset's rules hash (tier_ruleset_hash), 64 hex digits */
  size_t nbadges;          /* every badge of the ruleset, in the order written */
  const tier_badge_result *badges;
  int granted;             /* 1 when tier comes from a grant (`grant Diamond when ...;`)
                              higher than the tier its requirements earn; then next is
                              the tier above it and unmet that tier's own requirements */
} tier_result;

#define TIER_NO_DATE INT64_MIN /* "no date": tier_eval_json's asof when none overrides the review rule */

/* Evaluate one record given as JSON text.  asof: days since 1970-01-01 to
 * override the ruleset's review rule, or TIER_NO_DATE for none; a day
 * outside 0001-01-01 .. 9999-12-31 gives TIER_EUSAGE.  Returns TIER_OK and
 * *res; or TIER_ERECORD (the record is malformed or does not fit the
 * schema: tier_vm_error() tells what and tier_vm_error_path() where),
 * TIER_EBUDGET (over tier_options.max_cost), TIER_ERUNTIME (an evaluation
 * fault, naming the rule) or TIER_ENOMEM.  The result, and the texts the
 * error functions return, live until the next call on vm. */
TIER_API int tier_eval_json(tier_vm *vm, const char *json, size_t len, int64_t asof,
                            const tier_result **res);
/* Let vm evaluate the records peer reads (tier_eval_read) without reading
 * them again: for running every record under two rulesets, as tiervm diff
 * does.  Returns 1 when the two read records alike - the same schema
 * (fields, keys, types, enums, lists; the tiers too when a field holds
 * one), the same strict_fields and cost budget - and 0 otherwise, when vm
 * must read each record itself.  Then peer reads each record as both need
 * it (it hashes the texts either's count distinct reads).  peer must
 * outlive vm's use of it. */
TIER_API int tier_vm_share_reader(tier_vm *vm, tier_vm *peer);
/* tier_eval_json under vm of the record peer (tier_vm_share_reader) has
 * just read whole with tier_eval_json - also when peer's evaluation then
 * failed: the same outcome, result and errors as reading its text again.
 * TIER_EUSAGE when vm shares no reader or peer's last record was not read
 * whole.  The result lives until the next call on vm or on peer. */
TIER_API int tier_eval_read(tier_vm *vm, int64_t asof, const tier_result **res);
TIER_API const char *tier_vm_error(const tier_vm *vm);
/* The JSON path of the last record error ("$.customers[3].seats"), "" if
 * none: whole when it is 252 bytes or shorter; a longer one shows its first
 * 252 bytes at most, cut between whole characters and escapes, and ends
 * with "..." (255 bytes at most in all). */
TIER_API const char *tier_vm_error_path(const tier_vm *vm);
/* The "id" of the last record given to tier_eval_json, when it could be
 * read: also for a record that was rejected.  NULL otherwise.  It lives
 * until the next call on vm. */
TIER_API const char *tier_vm_record_id(const tier_vm *vm);
/* Where the next record's text starts in its input (line and column from
 * 1; 1, 1 until set), so that a malformed record's error names the
 * input's line and column, not the record's. */
TIER_API void tier_vm_set_origin(tier_vm *vm, long line, long column);
/* After TIER_ERECORD for malformed JSON: 1, and where it is (in the input's
 * terms, see tier_vm_set_origin).  0 for any other outcome. */
TIER_API int tier_vm_error_position(const tier_vm *vm, long *line, long *column);

/* ---- reading records ----------------------------------------------------- */
/* Partner profiles from a file as JSON Lines (one object per line, blank
 * lines skipped) or as one JSON array, read element by element (the form is
 * told by the first byte that is not blank): memory holds one block of the
 * input, not the whole of it.  A structurally broken element is one bad
 * record, and reading goes on after it. */
typedef struct tier_input tier_input;
/* f stays the caller's: it is read, never closed.  NULL when out of memory. */
TIER_API tier_input *tier_input_new(FILE *f, const tier_options *opt);
TIER_API void tier_input_free(tier_input *in);
/* The next record: 1 with its text in *rec, *len (valid until the next
 * call) and where it starts in the input (*line, *column, from 1; for
 * tier_vm_set_origin); 1 with *rec NULL for a bad element, whose error
 * tier_input_error tells; 0 at the end of the input, or when a record did
 * not fit in memory (tier_input_status is then TIER_ENOMEM).  A read error
 * of f ends the input too: check ferror(f). */
TIER_API int tier_input_next(tier_input *in, const char **rec, size_t *len, long *line, long *column);
TIER_API const char *tier_input_error(const tier_input *in);
TIER_API int tier_input_status(const tier_input *in);
/* Keep the text of the record tier_input_next gave last where it is, past
 * later calls and past tier_input_free, until tier_input_release (so a
 * program can hand records to other threads without copying them).  A
 * hold keeps the block of input the record is in (about 1 MiB, or the
 * longest record): memory grows with the holds not yet released.  Holds
 * and releases are counted without locks, and tier_input_next lets blocks
 * go too: make every hold, release and tier_input_next of one input on
 * the thread that reads it (tiervm's workers hand their records back to
 * the reading thread to be released).  NULL when out of memory or after a
 * bad element (then copy). */
typedef struct tier_hold tier_hold;
TIER_API tier_hold *tier_input_hold(tier_input *in);
TIER_API void tier_input_release(tier_hold *h);

/* ---- text --------------------------------------------------------------- */
/* A growable text buffer, as SQLite's sqlite3_str: the library's text
 * outputs below append to one, and tools may build theirs with it.  When
 * an allocation fails the buffer is failed: later appends do nothing and
 * tier_buf_text returns NULL.  Memory comes from opt's allocator. */
typedef struct tier_buf tier_buf;
TIER_API tier_buf *tier_buf_new(const tier_options *opt); /* NULL when out of memory */
TIER_API void tier_buf_free(tier_buf *b);
TIER_API void tier_buf_put(tier_buf *b, const void *p, size_t n);
TIER_API void tier_buf_puts(tier_buf *b, const char *s);
TIER_API void tier_buf_putc(tier_buf *b, int c);
TIER_API void tier_buf_printf(tier_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* s as a JSON string literal (control characters escaped, invalid UTF-8
 * as U+FFFD, so the output is always valid JSON); NULL as null. */
TIER_API void tier_buf_json(tier_buf *b, const char *s);
/* The text so far, NUL-terminated, and its length; NULL once failed.  Valid
 * until the next change of b. */
TIER_API const char *tier_buf_text(tier_buf *b, size_t *len);
TIER_API size_t tier_buf_len(const tier_buf *b);
TIER_API void tier_buf_clear(tier_buf *b); /* empty again (and no longer failed) */
/* Hand the text (NUL-terminated, *len bytes before the NUL) to the caller
 * and empty b; NULL once failed.  Free it with tier_free_bytes(opt, p,
 * *len + 1), opt as b was made with (with no allocator, free() does). */
TIER_API char *tier_buf_detach(tier_buf *b, size_t *len);
TIER_API int tier_buf_failed(const tier_buf *b);

/* ---- keys the schema does not declare ----------------------------------- */
/* The keys that records given to vm had and the schema does not declare,
 * passed over (without tier_options.strict_fields), so that a misspelt
 * field is told once for a whole run instead of silently read as absent.
 * Appends one line to out (no newline): each key as a JSON string, with the
 * list whose items have it, the number of records that had it and the
 * closest declared name, as in
 *   "certifed_people" (3 records; did you mean "certified_people"?),
 *   "nmae" in customers[] (1 record; did you mean "name"?)
 * The first 32 keys are named, cut to 64 bytes; the records with any other
 * are counted at the end ("and more keys in N records").  Returns the
 * number of records that had any such key; 0: nothing is appended. */
TIER_API uint64_t tier_vm_unknown_fields(const tier_vm *vm, tier_buf *out);
/* The next record vm reads is record n of the whole input (n > every
 * number vm has seen): for VMs sharing one input between threads, so that
 * tier_vm_unknown_merge can order keys by the record that first had them. */
TIER_API void tier_vm_number_record(tier_vm *vm, uint64_t n);
/* Add the unknown-field tallies of other (a VM of the same ruleset that
 * read other records of the same input) to vm's: tier_vm_unknown_fields
 * then tells the keys of both in the order of the records that first had
 * them, as one VM reading every record would.  Past 32 keys, which are
 * named may differ from one VM's (a key named by neither is counted
 * among "more keys"); the number of records with any key is exact. */
TIER_API void tier_vm_unknown_merge(tier_vm *vm, const tier_vm *other);
/* Exactly as one VM reading every record, for VMs on threads whose output
 * one thread writes in input order: a numbered VM (tier_vm_number_record)
 * appends to out the undeclared keys of the record it has just read and
 * accepted, as one opaque frame of this process (nothing when it had
 * none; TIER_OK, or TIER_ENOMEM); the writing thread hands each frame, in
 * input order, to tier_vm_unknown_add on its own VM, which counts them
 * as if it had read the record, and returns the frame's bytes (0: s does
 * not start with a whole frame).  Memory: the frames of the records in
 * flight; the writing VM's table stays at 32 keys. */
TIER_API int tier_vm_unknown_take(const tier_vm *vm, tier_buf *out);
TIER_API size_t tier_vm_unknown_add(tier_vm *vm, const char *s, size_t n);

/* ---- reading files ---------------------------------------------------------- */
/* Append all of a regular file (or standard input, "-") to out, checking
 * the limit of max bytes while reading, so that /dev/zero costs at most
 * max; a FIFO, a device or a directory is refused without blocking.
 * TIER_OK, or TIER_EIO / TIER_ENOMEM with the reason (naming the file) in
 * err.  The path in it is cut first, to errlen - 256 bytes and at most
 * 4,096 (whole characters, then "..."), so that the reason after it is
 * kept: an err of 4,352 bytes shows every path the system can open whole. */
TIER_API int tier_read_file(const char *path, size_t max, tier_buf *out, char *err, size_t errlen);
/* What kind of file a stat mode (st_mode) is: "a regular file", "a
 * directory", "a FIFO", "a character device", ... for messages. */
TIER_API const char *tier_file_kind(unsigned st_mode);

/* ---- the tools' stages ---------------------------------------------------- */
/* What tierc's commands do with a ruleset, as text appended to out.  Each
 * returns TIER_OK, TIER_ENOMEM, or the failure named. */

/* tierc fmt: the canonical layout of the ruleset source text (len bytes;
 * path names it in diagnostics).  TIER_ECOMPILE when it does not parse:
 * the errors, rendered as tier_diags_text renders them, go to diags. */
TIER_API int tier_fmt(const char *path, const char *text, size_t len, tier_buf *out, tier_buf *diags);
/* tierc disasm: the ruleset readably (header, schema, constants, metrics,
 * tiers, code with source lines); name is the file name it shows. */
TIER_API int tier_disasm(const tier_ruleset *rs, const char *name, tier_buf *out);
/* tierc disasm --opcodes: the VM's instructions with their meaning. */
TIER_API int tier_opcodes(tier_buf *out);
/* tierc diff: what changed in meaning from old to new (paths as shown),
 * as text or (json) one JSON object. */
TIER_API int tier_rules_diff(const tier_ruleset *old, const tier_ruleset *new_, const char *old_path,
                             const char *new_path, int json, tier_buf *out);
/* The same changes one by one, for a caller that lays them out itself (the
 * HTML report does): each is called once per change, in tierc diff's order;
 * with `people` nonzero the texts are in the user's language (as tierc
 * diff's text), else in English, alike in every locale (as its JSON).
 * kind is the change's stable name, as in tierc diff's JSON ("threshold",
 * "requirement-added", "tier-renamed", "metric-definition", ...); where the
 * partner type and tier it is in ("consulting Select"), for a change to a
 * requirement with the place it is written after it ("consulting Select
 * (rules.tier:12:20)": file, line, column from the debug section; a
 * threshold's number, else the requirement, in the old file for one
 * removed; the tier alone for a ruleset without debug section), "" for the
 * ruleset as a whole, or, for a threshold written once and used by several
 * requirements (a block's, or an argument's), where it is written
 * ("rules.tier:12:20"); what the thing changed, worded to lead into its values
 * ("metric certified_people:"); from and to the old and the new value, NULL
 * where there is none; affects what else it changes ("the requirements of
 * consulting Select, Advanced"), NULL for nothing.  The strings live
 * during the call.  TIER_OK, or TIER_ENOMEM. */
typedef struct tier_rule_change {
  const char *kind, *where, *what, *from, *to, *affects;
} tier_rule_change;
TIER_API int tier_rules_changes(const tier_ruleset *old, const tier_ruleset *new_, int people,
                                void (*each)(void *ud, const tier_rule_change *c), void *ud);
/* tierc test: run the rule tests in files (JSON Lines: a profile with
 * "test" and "expect") and, with coverage, list the thresholds no test
 * probes; the report goes to out (a file that cannot be read, or a
 * directory, is said so there, and the other files still run).  Returns 0
 * when every test passed, 1 when some failed, 2 when a file could not be
 * read, -1 when memory ran out. */
TIER_API int tier_test_run(const tier_ruleset *rs, const char *const *files, size_t nfiles, int coverage,
                           tier_buf *out);

/* text, an entry's need or detail, in the user's language (its LC_MESSAGES
 * and LANGUAGE, as every message of the library): said again from how, the
 * entry's need_said or detail_said; text as it is when there is nothing
 * to translate.  Written into out (n bytes, NUL-terminated, cut at a
 * character boundary when it does not fit; TIER_SAY_MAX is room for any
 * text the catalogue of this release makes); returns its length. */
#define TIER_SAY_MAX 1536
TIER_API size_t tier_say(char *out, size_t n, const char *text, const tier_said *how);
/* A value of entry u as a person reads it, in the user's language: shown,
 * u's actual_shown or required_shown, is English where it is words (a
 * number that a division by zero left missing is "none (division by
 * zero)"), as JSON and CSV write it; that is said again, any other value
 * returned as it is.  The text lives as long as shown and the catalogue. */
TIER_API const char *tier_shown(const tier_req_result *u, const char *shown);

/* Format a day number as YYYY-MM-DD into out[11]: "none" for INT64_MIN,
 * "out-of-rng" outside 0001-01-01 .. 9999-12-31. */
TIER_API void tier_date_format(int64_t days, char out[11]);
/* Parse YYYY-MM-DD strictly; returns 0 and sets *days, or -1. */
TIER_API int tier_date_parse(const char *s, int64_t *days);

#ifdef __cplusplus
}
#endif
#endif
