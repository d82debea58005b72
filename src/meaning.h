/*
 * meaning.h - what a compiled ruleset means, read back from its code (see
 * meaning.c).  tierc diff compares meanings, the results' rules_hash is the
 * digest of one, and tierc test --coverage finds its thresholds in them.
 */
#ifndef TIER_MEANING_H
#define TIER_MEANING_H

#include "tier_int.h"

#define MN_DIGEST 16

enum mn_kind {
  MN_CONST,    /* ck: constant kind, v: value (a text: its string index), x: its
                  index in the constant pool (a number is its fraction there) */
  MN_FIELD,    /* x: field index (a top-level field) */
  MN_ITEM,     /* x: field index (a field of the current item) */
  MN_ASOF,     /* the evaluation date */
  MN_ZERO,     /* a register the metric block has not written (reads as 0) */
  MN_REF,      /* x: register; a[0]: its value where it is read (a metric, or an
                  item metric computed once per item) */
  MN_OP,       /* op: an instruction computing from a[0..n); x: its operand */
  MN_ITE,      /* a[0] == true ? a[1] : a[2] (a choice the code makes at a branch) */
  MN_ACC,      /* x: the accumulator of the enclosing fold (its place in it) */
  MN_FOLD,     /* over list x: a[0..n/2) the accumulators' values before the
                  list, a[n/2..n) their values after one more item; the value
                  of accumulator y after the last item */
  MN_EMPTY,    /* an empty distinct-value set */
  MN_PH,       /* (while a loop body is read) accumulator x of the loop */
  MN_OPAQUE    /* code the reader could not follow: v is its place; digest of its bytes */
};

struct mn {
  uint8_t kind, op, ck;
  uint16_t n;          /* children */
  uint32_t x, y;
  int64_t v;
  uint32_t depth;      /* longest path to a leaf */
  uint64_t phmask;     /* MN_PH below (by x % 64): a loop's accumulators in use */
  uint32_t mark;       /* traversal stamp (mn_walk) */
  struct mn **a;
  uint8_t deep[MN_DIGEST];    /* everything it computes, through references */
  uint8_t shallow[MN_DIGEST]; /* the same, but a reference counts by its name only */
};

struct meaning {
  struct arena ar;
  const struct image *img;
  struct mn *review;        /* NULL when the ruleset has no review rule */
  struct mn **reg;          /* per register: its value after the metric block */
  struct mn **req;          /* per requirement: its value */
  uint32_t *req_branches;   /* per requirement: the branches its code takes (mn_shapes) */
  struct mn **grant;        /* per grant: its condition's value, NULL for none */
  struct mn **trace;        /* with traces, per trace slot (requirement q's from 2 * xfirst): the
                               value its explain code copies there, NULL when it cannot be followed */
  bool approximate;         /* some code could not be followed (crafted
                               bytecode): those parts compare by their bytes */
  uint32_t gen;             /* traversal stamps */
  void *priv;
};

/* Read the meaning of img (verified), and with traces what each explain
 * code copies into its trace slots (m->trace: --coverage needs them, the
 * digest does not).  NULL only when out of memory. */
struct meaning *mn_build(const struct image *img, const struct tier_alloc_hook *h, bool traces);
void mn_free(struct meaning *m);

/* The digest of the whole meaning: schema, effective date, review rule,
 * metrics (names, labels, types, values), and the tiers of every partner
 * type in order (names, sustained windows, and each requirement's section,
 * label and value, in any order; an either or at least with its items in
 * the order written, which breaks the smallest change's ties), then the
 * badges likewise.  Not the ruleset's name, version, source text, rule
 * texts, comments or layout. */
void mn_hash(const struct meaning *m, uint8_t out[32]);
/* Block b's items (tier, then badge numbering: img_block) with each
 * requirement's shallow digest: equal when the block asks the same
 * requirements grouped the same way (either, at least N of, branch names),
 * whatever the metrics they name compute.  With text, each requirement's
 * text, label and section instead: equal when the same words are grouped
 * the same way, whatever they read (a field's key or type, an enum's order). */
void mn_block_digest(const struct meaning *m, uint32_t b, bool text, uint8_t out[MN_DIGEST]);

/* ---- what results say of a requirement, read at load (result.c) ----------------------- */

/* A date a result names: a top-level field (kind MN_FIELD, at its field
 * index), a metric of the record (MN_REF, at its register) or asof. */
struct mn_date {
  uint8_t kind;
  uint32_t at;
};
/* A block a requirement refers to (`holds B`, `meets B`). */
struct mn_ref {
  uint32_t block; /* img_block numbering */
  bool meets;
};
/* The shape of one requirement as written, for the sentences a result
 * says of it.  "As written": every branch its code takes is one of the
 * `and`s its shape has, so no branch was folded away by the meaning
 * (`false or P` means P, but a result says "must hold" of a rule with
 * `or`, as the reference interpreter does). */
struct mn_shape {
  bool period;         /* one period test `d in P of x` of two such dates */
  struct mn_date d, x; /* ... its dates */
  uint32_t per;        /* ... and its period (per_encode) */
  bool refs_only;      /* references joined by `and` (`holds A and meets B`) */
  uint32_t ref_first;  /* its block references (any rule), in the order the */
  uint32_t nrefs;      /* meaning reads them: refs[ref_first .. ref_first + nrefs) */
};
/* A register write of the metric block: instruction `at` (a byte offset)
 * stores the value of metric `metric`. */
struct mn_write {
  uint32_t at, metric;
};

/* Each requirement's shape (*shapes, img->nreqs of them) and their block
 * references (*refs), allocated in ar.  false when out of memory. */
bool mn_shapes(struct meaning *m, struct arena *ar, struct mn_shape **shapes, struct mn_ref **refs);

/* The metric block's register writes in code order (*writes, *n; in ar):
 * an instruction of the block computes the value of the first write at or
 * after it, which names a runtime error's metric.  false when out of
 * memory. */
bool mn_metric_writes(const struct image *img, struct arena *ar, struct mn_write **writes, uint32_t *n);

/* Is register r a metric of the record (not an item metric's register)? */
bool mn_is_record_metric(const struct image *img, uint32_t r);
/* Requirement q of m as a period test `d in P of x`: its meaning, or NULL. */
const struct mn *mn_period_test(const struct meaning *m, uint32_t q);

/* Does n use (through references too) a node for which fn says true?
 * Each shared node is visited once. */
bool mn_uses(struct meaning *m, const struct mn *n, bool (*fn)(const struct mn *, void *), void *ud);
/* mn_uses within a budget of node visits: each node visited takes one
 * from b->left; when none is left the walk stops, says true (it might use
 * one) and sets b->out.  b->visits counts the visits. */
struct mn_budget {
  uint64_t left, visits;
  bool out;
};
bool mn_uses_within(struct meaning *m, const struct mn *n, bool (*fn)(const struct mn *, void *), void *ud, struct mn_budget *b);

/* n as the rule language would write it, as far as it can tell. */
void mn_text(const struct meaning *m, const struct mn *n, struct buf *b);

#endif
