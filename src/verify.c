/*
 * verify.c - the mandatory verifier.  Every image read from bytes passes
 * here before anything runs it, as libpcap validates a BPF program before
 * installing it.  It checks that every index names something that exists,
 * every string is UTF-8, the schema is consistent, and that the code of
 * every segment (the review rule, the metric block, one per requirement):
 *   - decodes into whole instructions with known opcodes;
 *   - jumps only forward, to instruction boundaries inside the segment,
 *     except NEXT, which goes back to the start of its own loop's body;
 *   - has loops that do not nest and are entered only through LOOP;
 *   - keeps the stack depth and the class of every slot (opcodes.h: I, B,
 *     D, F, S) consistent on every path, within a bounded depth;
 *   - reads a distinct-value set only after emptying it, on every path;
 *   - ends in RET with a bool (a requirement) or a date (the review rule),
 *     or in END with nothing (the metric block);
 *   - owns its instructions: segments do not share code, and no code
 *     belongs to no segment.
 * A HOLDS or MEETS stands only in a requirement and names a block that
 * comes before the requirement's own in the image's block order (for HOLDS
 * of a tier, the tiers below it too), so references cannot form a cycle;
 * the longest chain of them gives the rounds the VM evaluates a record in.
 * A requirement's metadata (the metric or field it compares, the operator,
 * the constant) must describe its code exactly, and a list item holds at
 * most LIM_ITEM_SLOTS fields.  The verifier also recomputes the cost bound
 * (cost_bound) and rejects a file that claims less.
 *
 * It runs in time linear in the file: one pass over the tables, one pass
 * over the code in offset order (each instruction belongs to exactly one
 * segment and is checked once), stacks of classes interned so that
 * comparing two is comparing two numbers, and the states waiting at jump
 * targets found through a table indexed by offset.  img->vfy_work counts
 * the steps, so that a test can check the growth without timing anything.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "period.h"
#include "tier_int.h"

#define MAX_STACK 256

/* ---- the verifier's state ------------------------------------------------------- */

/* A stack of classes is a node in a tree of interned stacks: node 0 is the
 * empty stack, and a node is its parent with one class pushed.  Equal
 * stacks are the same node. */
struct snode {
  uint32_t parent;
  uint32_t depth;
  char cls;
};

/* What the verifier knows before one instruction. */
struct state {
  uint32_t stk;      /* interned stack of classes */
  uint64_t cleared;  /* distinct sets emptied on every path to here */
};

/* The state recorded at a forward jump target, and the earliest
 * instruction that jumps there (to spot a jump into a loop body). */
struct pend {
  struct state st;
  uint32_t from;
};

struct vfy {
  struct image *img;
  char *err;
  size_t errlen;
  bool bad;
  bool nomem;             /* the failure was an allocation's */
  uint64_t work;          /* steps taken, for img->vfy_work */
  uint8_t *boundary;      /* 1 at the start of each instruction */
  uint8_t *reached;       /* 1 once a segment has checked the instruction */
  uint32_t *pend_at;      /* per offset: 1 + index into pend, 0 for none */
  struct pend *pend;
  uint32_t npend, cappend;
  struct snode *nodes;    /* interned stacks */
  uint32_t nnodes, capnodes;
  uint32_t *ntab;         /* open addressing over node index + 1 */
  uint32_t ntabcap;
  char *top_class;        /* class of each top-level slot, 0 if none */
  char **item_class;      /* per list, class of each item slot */
  uint64_t cost_base, *cost_per; /* instructions of the metric block and requirements */
  /* tier references (check_refs): per block, its place in the block order,
   * the latest place of it and the tiers below it (for HOLDS of a tier),
   * the tier below it (NO_ITEM for none) and where its references start in
   * refs[]; each reference as its target block, times two, plus 1 for HOLDS */
  uint32_t *pos, *pos_below, *below, *ref_start, *refs;
  uint32_t nrefs, caprefs;
  uint32_t *type_first;   /* per partner type: the first place of one of its tiers */
  uint32_t tier_first;    /* the first place of any tier (a tier value's grant applies to every type) */
  uint32_t *gref_start;   /* per grant: where its condition's references start in refs[] */
};

/* A segment's kind says what its RET gives: the review rule a date, a
 * requirement (and a grant's condition) a bool, explain code a bool after
 * its TRACEs, the grant of a tier value a tier (class I). */
enum seg_kind { SEG_REVIEW, SEG_METRICS, SEG_RULE, SEG_EXPLAIN, SEG_GRANT };

/* One segment being checked. */
struct seg {
  enum seg_kind kind;
  const struct img_req *req; /* SEG_EXPLAIN: its requirement, whose comparisons its TRACEs copy */
  uint32_t ntrace;           /* SEG_EXPLAIN: TRACE instructions so far */
  const char *what;
  uint32_t limit;          /* a requirement's or grant's: the blocks it may name come
                              before this place in the block order */
  struct state st;
  bool live;               /* some path reaches the next instruction */
  uint32_t max_target;     /* furthest forward target seen so far */
  int loop_list;           /* the innermost open loop's list, -1 outside loops */
  /* the open loops, outermost first: each inside the loop over its list's
   * parent, so at most LIM_LIST_DEPTH deep */
  struct loop {
    uint32_t pc, body, end;
    struct state st;       /* the state at LOOP: the body must keep its stack */
  } loops[LIM_LIST_DEPTH];
  int nloops;
};

/* One decoded instruction. */
struct insn {
  uint32_t pc, next;
  uint8_t op;
  const struct opinfo *oi;
  uint32_t a, b;
};

static int fail(struct vfy *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct vfy *v, const char *fmt, ...) {
  if (!v->bad) {
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(v->err, v->errlen, fmt, ap);
    va_end(ap);
  }
  v->bad = true;
  return -1;
}

static int oom(struct vfy *v) {
  if (!v->bad) v->nomem = true;
  return fail(v, "%s", _("out of memory"));
}

static bool str_ok(const struct image *img, uint32_t s, bool optional) {
  return s < img->nstrs || (optional && s == NO_STR);
}

/* The class of a value of type kind (opcodes.h), 0 for no value type. */
static char kind_class(int kind) {
  switch (kind) {
  case TY_NUMBER: return 'F';
  case TY_TEXT: return 'S';
  case TY_BOOL: return 'B';
  case TY_DATE: return 'D';
  case TY_INT:
  case TY_MONEY:
  case TY_ENUM:
  case TY_TIER: return 'I';
  default: return 0;
  }
}

static uint32_t rd32(const uint8_t *q) {
  return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}

/* ---- the tables ------------------------------------------------------------------- */

static int check_strings(struct vfy *v) {
  struct image *img = v->img;
  for (uint32_t i = 0; i < img->nstrs; i++) {
    size_t bad;
    v->work += img->strlens[i] + 1;
    if (!utf8_valid(img->strs[i], img->strlens[i], &bad))
      return fail(v, "string %u is not valid UTF-8 (byte %zu)", i, bad);
    if (memchr(img->strs[i], 0, img->strlens[i])) return fail(v, "string %u contains a NUL byte", i);
  }
  if (!str_ok(img, img->name, true) || !str_ok(img, img->version, true) || !str_ok(img, img->src_name, true) ||
      !str_ok(img, img->review_text, true))
    return fail(v, "meta: string index out of range");
  if (img->effective != TIER_NONE && (img->effective < DATE_MIN || img->effective > DATE_MAX))
    return fail(v, "meta: effective date out of range");
  if (img->fiscal > 12) return fail(v, "meta: fiscal year starts in month %u", img->fiscal);
  return 0;
}

static int check_enums(struct vfy *v) {
  struct image *img = v->img;
  for (uint32_t i = 0; i < img->nenums; i++) {
    v->work += img->enums[i].nvals + 1;
    if (!str_ok(img, img->enums[i].name, false)) return fail(v, "schema: enum %u: name index out of range", i);
    if (img->enums[i].nvals == 0) return fail(v, "schema: enum %u has no values", i);
    for (uint32_t k = 0; k < img->enums[i].nvals; k++)
      if (!str_ok(img, img->enums[i].vals[k], false)) return fail(v, "schema: enum %u value %u: index out of range", i, k);
  }
  return 0;
}

/* One field of the schema: a top-level slot or an item slot of one list,
 * each slot taken once; fills the class tables and the slot -> field map. */
static int check_field(struct vfy *v, uint32_t i) {
  struct image *img = v->img;
  struct img_field *f = &img->fields[i];
  if (!str_ok(img, f->name, false)) return fail(v, "schema: field %u: name index out of range", i);
  if (!str_ok(img, f->key, false)) return fail(v, "schema: field %u: JSON key index out of range", i);
  if (!kind_class(f->kind) && f->kind != TY_LIST) return fail(v, "schema: field %u: unknown type %u", i, f->kind);
  if (f->flags & ~(FF_OPT | FF_PARTNER)) return fail(v, "schema: field %u: unknown flags", i);
  if (f->kind == TY_ENUM && f->ref >= img->nenums) return fail(v, "schema: field %u: enum index out of range", i);
  /* a list inside a list comes after its parent, so that lists form a
   * tree (check_list_tree) */
  if (f->kind == TY_LIST && (f->ref >= img->nlists || (f->owner != NO_LIST && f->owner >= f->ref) ||
                             (f->flags & FF_OPT) || img->lists[f->ref].field != i))
    return fail(v, "schema: field %u: bad list", i);
  if ((f->flags & FF_PARTNER) && (int32_t)i != img->partner_field)
    return fail(v, "schema: field %u is flagged as the partner type but is not the partner field", i);
  if (f->owner == NO_LIST) {
    if (f->slot >= img->ntop || img->top_field[f->slot] >= 0)
      return fail(v, "schema: field %u: slot %u out of range or reused", i, f->slot);
    img->top_field[f->slot] = (int32_t)i;
    v->top_class[f->slot] = kind_class(f->kind);
    return 0;
  }
  if (f->owner >= img->nlists) return fail(v, "schema: field %u: list index out of range", i);
  if (f->slot >= img->lists[f->owner].width || v->item_class[f->owner][f->slot])
    return fail(v, "schema: field %u: item slot %u out of range or reused", i, f->slot);
  if (f->flags & FF_PARTNER) return fail(v, "schema: field %u: not allowed in a list", i);
  v->item_class[f->owner][f->slot] = f->kind == TY_LIST ? 'L' : kind_class(f->kind);
  return 0;
}

/* Each list's parent, the slot that holds it in a parent item, and its
 * depth: a list of the record is at depth 0, and lists nest at most
 * LIM_LIST_DEPTH deep.  Parents come first (check_field), so one pass in
 * list order sees each parent's depth before its children. */
static int check_list_tree(struct vfy *v) {
  struct image *img = v->img;
  for (uint32_t l = 0; l < img->nlists; l++) {
    struct img_list *L = &img->lists[l];
    const struct img_field *f = &img->fields[L->field];
    L->parent = f->owner;
    L->pslot = f->slot;
    L->depth = f->owner == NO_LIST ? 0 : (uint8_t)(img->lists[f->owner].depth + 1);
    if (L->depth >= LIM_LIST_DEPTH) return fail(v, "schema: list %u is nested %u deep (limit %d)", l, L->depth + 1, LIM_LIST_DEPTH);
  }
  v->work += img->nlists;
  return 0;
}

/* The record's shape: lists match their fields, every slot has exactly one
 * field, the partner and id fields are what the runner expects. */
static int check_schema(struct vfy *v) {
  struct image *img = v->img;
  if (img->ntop > 0xFFFF) return fail(v, "schema: %u record slots (limit 65535)", img->ntop);
  v->top_class = arena_alloc(&img->ar, img->ntop + 1);
  v->item_class = arena_alloc(&img->ar, sizeof(char *) * (img->nlists + 1));
  img->top_field = arena_alloc(&img->ar, sizeof(int32_t) * (img->ntop + 1));
  if (!v->top_class || !v->item_class || !img->top_field) return oom(v);
  for (uint32_t s = 0; s < img->ntop; s++) img->top_field[s] = -1;
  for (uint32_t l = 0; l < img->nlists; l++) {
    struct img_list *L = &img->lists[l];
    if (L->field >= img->nfields || img->fields[L->field].kind != TY_LIST || img->fields[L->field].ref != l)
      return fail(v, "schema: list %u does not match its field", l);
    /* the record reader keeps every item's slots: the per-item memory is
     * bounded, and counted in the cost bound */
    if (L->width > LIM_ITEM_SLOTS)
      return fail(v, "schema: list %u: %u fields per item (limit %d, 8 KiB of record memory)", l, L->width, LIM_ITEM_SLOTS);
    v->item_class[l] = arena_alloc(&img->ar, (size_t)L->width + 1);
    if (!v->item_class[l]) return oom(v);
  }
  for (uint32_t i = 0; i < img->nfields; i++)
    if (check_field(v, i)) return -1;
  v->work += img->nfields;
  if (check_list_tree(v)) return -1;
  for (uint32_t s = 0; s < img->ntop; s++)
    if (img->top_field[s] < 0) return fail(v, "schema: record slot %u has no field", s);
  for (uint32_t l = 0; l < img->nlists; l++) {
    v->work += img->lists[l].width;
    for (uint32_t s = 0; s < img->lists[l].width; s++)
      if (!v->item_class[l][s]) return fail(v, "schema: list %u: item slot %u has no field", l, s);
  }
  if (img->partner_field != -1) {
    if (img->partner_field < 0 || (uint32_t)img->partner_field >= img->nfields) return fail(v, "schema: partner field out of range");
    struct img_field *f = &img->fields[img->partner_field];
    if (f->kind != TY_ENUM || f->owner != NO_LIST || !(f->flags & FF_PARTNER) || (f->flags & FF_OPT))
      return fail(v, "schema: the partner field is not a required top-level enum");
  }
  if (img->id_field != -1) {
    if (img->id_field < 0 || (uint32_t)img->id_field >= img->nfields) return fail(v, "schema: id field out of range");
    struct img_field *f = &img->fields[img->id_field];
    if (f->kind != TY_TEXT || f->owner != NO_LIST) return fail(v, "schema: the id field is not top-level text");
  }
  return 0;
}

/* Constants and registers: known types, and values the VM may take as they
 * are (a date constant is a real calendar date, so date arithmetic never
 * starts from a day number no record could hold). */
static int check_consts_and_metrics(struct vfy *v) {
  struct image *img = v->img;
  v->work += img->nconsts + img->nmetrics;
  for (uint32_t i = 0; i < img->nconsts; i++) {
    struct img_const *k = &img->consts[i];
    if (!kind_class(k->kind)) return fail(v, "consts: constant %u has unknown type %u", i, k->kind);
    if (k->kind == TY_TEXT && (k->v < 0 || (uint64_t)k->v >= img->nstrs)) return fail(v, "consts: constant %u: string index out of range", i);
    if (k->kind == TY_BOOL && k->v != 0 && k->v != 1 && k->v != TIER_NONE)
      return fail(v, "consts: constant %u: bool is neither 0, 1 nor none", i);
    if (k->kind == TY_DATE && k->v != TIER_NONE && (k->v < DATE_MIN || k->v > DATE_MAX))
      return fail(v, "consts: constant %u: date out of range", i);
    if (k->kind == TY_NUMBER && !num_is_canonical(k->q))
      return fail(v, "consts: constant %u: number out of range or not in lowest terms", i);
    if (k->kind == TY_TIER && k->v != TIER_NONE && (k->v < 0 || (uint64_t)k->v >= img->ntiers))
      return fail(v, "consts: constant %u: tier out of range", i);
  }
  for (uint32_t i = 0; i < img->nmetrics; i++) {
    struct img_metric *m = &img->metrics[i];
    if (!str_ok(img, m->name, false) || !str_ok(img, m->label, true) || !str_ok(img, m->def, true))
      return fail(v, "metrics: metric %u: string index out of range", i);
    if (!kind_class(m->kind)) return fail(v, "metrics: metric %u: unknown type %u", i, m->kind);
    if (m->opt > 1) return fail(v, "metrics: metric %u: optional flag is neither 0 nor 1", i);
    if (m->kind == TY_ENUM && m->ref >= img->nenums) return fail(v, "metrics: metric %u: enum index out of range", i);
  }
  return 0;
}

/* The rules' consts (format 9): each names a constant of the pool, no
 * constant twice (the table ascends by constant, which also makes the
 * check linear), and none an enum value (a const is a literal: tierc diff
 * prints its value without an enum to name it by). */
static int check_named(struct vfy *v) {
  struct image *img = v->img;
  v->work += img->nnamed;
  for (uint32_t i = 0; i < img->nnamed; i++) {
    const struct img_named *c = &img->named[i];
    if (!str_ok(img, c->name, false)) return fail(v, "consts: const %u: name out of range", i);
    if (c->konst >= img->nconsts) return fail(v, "consts: const %u: constant %u out of range", i, c->konst);
    if (i && c->konst <= img->named[i - 1].konst) return fail(v, "consts: const %u: constants not in ascending order", i);
    if (img->consts[c->konst].kind == TY_ENUM) return fail(v, "consts: const %u: an enum value", i);
  }
  return 0;
}

/* Requirement i's explain code and traced comparisons and formula calls:
 * explain code exactly when it traces some, its entries inside the table,
 * each of a type whose class its trace slots can hold, a call's text a
 * string, a depth only for a call; a computed threshold (comparison 0,
 * which the result names and formats by these, never a call) only with
 * explain code.  The requirements' comparisons fill the table
 * one after the other (check_tiers checks the total). */
static int check_req_traces(struct vfy *v, uint32_t i) {
  struct image *img = v->img;
  const struct img_req *r = &img->reqs[i];
  if ((r->xcode == NO_STR) != (r->xn == 0))
    return fail(v, "tiers: requirement %u: %s", i,
                r->xn ? "traced comparisons without explain code" : "explain code that traces no comparison");
  if (r->xfirst > img->ntraces || r->xn > img->ntraces - r->xfirst)
    return fail(v, "tiers: requirement %u: traced comparisons out of range (%u in the table)", i, img->ntraces);
  v->work += r->xn;
  for (uint32_t k = r->xfirst; k < r->xfirst + r->xn; k++) {
    const struct img_trace *t = &img->traces[k];
    if (!kind_class(t->kind) || t->kind == TY_LIST || (t->kind == TY_ENUM && t->ref >= img->nenums))
      return fail(v, "tiers: requirement %u: traced comparison %u of unknown type %u", i, k - r->xfirst, t->kind);
    if (!str_ok(img, t->call, true))
      return fail(v, "tiers: requirement %u: traced formula call %u: text out of range", i, k - r->xfirst);
    if (t->call == NO_STR && t->depth)
      return fail(v, "tiers: requirement %u: traced comparison %u inside %u formula calls (only a call has a depth)", i,
                  k - r->xfirst, t->depth);
  }
  if (r->xvalue == NO_STR) return 0;
  /* explain code first: without it the requirement traces nothing, and
   * traces[xfirst] is another requirement's comparison or the table's end */
  if (r->xcode == NO_STR) return fail(v, "tiers: requirement %u: a computed threshold without explain code", i);
  if (img->traces[r->xfirst].call != NO_STR)
    return fail(v, "tiers: requirement %u: its computed threshold (traced comparison 0) is a formula call", i);
  if (!str_ok(img, r->xvalue, false) || !str_ok(img, r->xthreshold, true))
    return fail(v, "tiers: requirement %u: computed threshold's text out of range", i);
  if (r->xcmp < CMP_EQ || r->xcmp > CMP_GE) return fail(v, "tiers: requirement %u: unknown comparison %u", i, r->xcmp);
  return 0;
}

/* A requirement that names a metric or field compared with a constant:
 * the names exist and the constant has the value's type.  (That the code
 * does what the metadata says is check_req_meta's, after the code.) */
static int check_req_table(struct vfy *v, uint32_t i) {
  struct image *img = v->img;
  struct img_req *r = &img->reqs[i];
  if (img->has_debug && !str_ok(img, r->file, false)) return fail(v, "debug: requirement %u: file name index out of range", i);
  if (img->has_debug && (r->tline ? !str_ok(img, r->tfile, false) : r->tfile || r->tcol))
    return fail(v, "debug: requirement %u: its threshold's place is out of range", i);
  if (!str_ok(img, r->section, true) || !str_ok(img, r->label, true) || !str_ok(img, r->rule, false))
    return fail(v, "tiers: requirement %u: string index out of range", i);
  if (check_req_traces(v, i)) return -1;
  if (r->metric == -1 && r->field == -1) return 0;
  if (r->metric != -1 && r->field != -1) return fail(v, "tiers: requirement %u: both a metric and a field", i);
  int kind;
  if (r->metric != -1) {
    if (r->metric < 0 || (uint32_t)r->metric >= img->nmetrics) return fail(v, "tiers: requirement %u: metric out of range", i);
    kind = img->metrics[r->metric].kind;
  } else {
    if (r->field < 0 || (uint32_t)r->field >= img->ntop) return fail(v, "tiers: requirement %u: field slot out of range", i);
    kind = img->fields[img->top_field[r->field]].kind;
  }
  if (r->cmp < CMP_EQ || r->cmp > CMP_GE) return fail(v, "tiers: requirement %u: unknown comparison %u", i, r->cmp);
  if (r->konst >= img->nconsts || img->consts[r->konst].kind != kind)
    return fail(v, "tiers: requirement %u: constant out of range or of the wrong type", i);
  /* the gap and --coverage compute with the threshold (one past it for a
   * strict comparison): a value the compiler could have written, far from
   * int64's ends, keeps that arithmetic exact */
  int64_t k = img->consts[r->konst].v;
  bool fits = kind == TY_INT || kind == TY_MONEY ? k >= -LIM_INT && k <= LIM_INT
      : kind == TY_ENUM                          ? k >= 0 && k < 64
      : kind == TY_DATE                          ? k >= DATE_MIN && k <= DATE_MAX
      : kind == TY_TIER                          ? k >= 0 && (uint64_t)k < img->ntiers
                                                 : true; /* bools are 0 or 1, checked with the constants */
  if (!fits) return fail(v, "tiers: requirement %u: threshold %lld out of range", i, (long long)k);
  return 0;
}

/* A block's time clause: a known kind, N within its limit (none: 0). */
static int check_time(struct vfy *v, const char *what, uint32_t i, const struct img_tier *t) {
  if (t->time >= TC_KINDS) return fail(v, "%s %u: time clause kind %u unknown", what, i, t->time);
  if (t->time == TC_NONE ? t->time_n != 0 : t->time_n < 1 || t->time_n > tc_limit(t->time))
    return fail(v, "%s %u: time clause of %u (limit %u)", what, i, t->time_n, tc_limit(t->time));
  return 0;
}

/* The block order: every block once.  Each block's place in it, the tier
 * below each tier (the previous one of its partner type) and the latest
 * place of a tier and those below it, for check_ref. */
static int check_order(struct vfy *v) {
  struct image *img = v->img;
  uint32_t nb = img->ntiers + img->nbadges;
  uint32_t ntypes = img->partner_field >= 0 ? img->enums[img->fields[img->partner_field].ref].nvals : 0;
  v->pos = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)nb + 1));
  v->pos_below = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)nb + 1));
  v->below = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)nb + 1));
  v->ref_start = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)nb + 2));
  v->type_first = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)ntypes + 1));
  v->gref_start = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)img->ngrants + 1));
  uint32_t *last = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)ntypes + 1)); /* per type: its highest tier so far */
  if (!v->pos || !v->pos_below || !v->below || !v->ref_start || !v->type_first || !v->gref_start || !last) return oom(v);
  v->work += nb;
  for (uint32_t b = 0; b < nb; b++) v->pos[b] = NO_ITEM;
  for (uint32_t k = 0; k < nb; k++) {
    uint32_t b = img->order[k];
    if (b >= nb || v->pos[b] != NO_ITEM) return fail(v, "ladder: the block order names block %u twice or out of range", b);
    v->pos[b] = k;
  }
  for (uint32_t p = 0; p < ntypes; p++) last[p] = v->type_first[p] = NO_ITEM;
  v->tier_first = NO_ITEM;
  for (uint32_t b = 0; b < nb; b++) {
    v->below[b] = NO_ITEM;
    v->pos_below[b] = v->pos[b];
    if (b >= img->ntiers) continue;
    uint32_t p = img->tiers[b].ptype; /* checked against the enum */
    if (v->pos[b] < v->type_first[p]) v->type_first[p] = v->pos[b];
    if (v->pos[b] < v->tier_first) v->tier_first = v->pos[b];
    if (last[p] != NO_ITEM && v->pos_below[last[p]] > v->pos_below[b]) v->pos_below[b] = v->pos_below[last[p]];
    v->below[b] = last[p];
    last[p] = b;
  }
  return 0;
}

/* The level reference r needs: for MEETS T, that of T's requirements; for
 * HOLDS T, the highest of T's and the lower tiers' (a result's level, found
 * down the ladder once and kept in res as 1 + it; 0 is unknown). */
static uint32_t ref_level(struct vfy *v, const uint32_t *lv, uint32_t *res, uint32_t *path, uint32_t r) {
  uint32_t t = v->refs[r] / 2;
  if (!(v->refs[r] & 1)) return lv[t];
  uint32_t n = 0, j = t;
  for (; j != NO_ITEM && !res[j]; j = v->below[j]) path[n++] = j; /* down to a known result */
  uint32_t got = j == NO_ITEM ? 0 : res[j] - 1;
  while (n--) {
    j = path[n];
    if (lv[j] > got) got = lv[j];
    res[j] = got + 1;
  }
  v->work += 1;
  return res[t] - 1;
}

/* 1 + the level of the grants listed from `head` (through next): 1 + the
 * highest level their conditions' references need, 1 without references. */
static uint32_t grants_level(struct vfy *v, const uint32_t *lv, uint32_t *res, uint32_t *path, uint32_t head,
                             const uint32_t *next) {
  uint32_t level = 1;
  for (uint32_t g = head; g != NO_ITEM; g = next[g])
    for (uint32_t r = v->gref_start[g]; r < v->gref_start[g + 1]; r++) {
      uint32_t need = ref_level(v, lv, res, path, r) + 2;
      if (need > level) level = need;
    }
  return level;
}

/* The rounds a record is evaluated in (vm.c): 1 + the longest chain of
 * references.  A block's own requirements are of level 0 without
 * references, else 1 + the highest level they refer to; a tier's are also
 * at least its ladder's grants' (whose conditions are evaluated with the
 * ladder).  The blocks are taken in the block order, so every level a
 * reference needs is known (check_ref), a grant's by the time the first
 * tier of its type comes.  Each round evaluates the whole record, so the
 * chain is refused past LIM_REF_CHAIN, as the compiler refuses it (refs.c):
 * a longer one would make the work grow with the square of the file. */
static int check_rounds(struct vfy *v) {
  struct image *img = v->img;
  uint32_t nb = img->ntiers + img->nbadges;
  uint32_t ntypes = img->partner_field >= 0 ? img->enums[img->fields[img->partner_field].ref].nvals : 0;
  uint32_t *lv = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)nb + 1));  /* level of the requirements */
  uint32_t *res = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)nb + 1)); /* 1 + level of the result, 0 unknown */
  uint32_t *path = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)nb + 1));
  uint32_t *glv = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)ntypes + 1)); /* per type: 1 + its grants' level, 0 unknown */
  uint32_t *ghead = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)ntypes + 1)); /* per type: its grants, a list */
  uint32_t *gnext = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)img->ngrants + 1));
  if (!lv || !res || !path || !glv || !ghead || !gnext) return oom(v);
  uint32_t vhead = NO_ITEM, vlv = 0; /* the grants of tier values (every type's), 1 + their level, 0 unknown */
  for (uint32_t p = 0; p < ntypes; p++) ghead[p] = NO_ITEM;
  for (uint32_t k = 0; k < img->ngrants; k++) {
    uint32_t *head = img->grants[k].tier == NO_STR ? &vhead : &ghead[img->tiers[img->grants[k].tier].ptype];
    gnext[k] = *head;
    *head = k;
  }
  uint32_t top = 0;
  for (uint32_t k = 0; k < nb; k++) {
    uint32_t b = img->order[k];
    if (b < img->ntiers) {
      uint32_t p = img->tiers[b].ptype;
      if (!vlv) vlv = grants_level(v, lv, res, path, vhead, gnext);
      if (!glv[p]) {
        glv[p] = grants_level(v, lv, res, path, ghead[p], gnext);
        if (vlv > glv[p]) glv[p] = vlv;
      }
      lv[b] = glv[p] - 1;
    }
    for (uint32_t r = v->ref_start[b]; r < v->ref_start[b + 1]; r++) {
      uint32_t need = ref_level(v, lv, res, path, r);
      if (need + 1 > lv[b]) lv[b] = need + 1;
    }
    if (lv[b] > top) top = lv[b];
  }
  v->work += nb + v->nrefs + img->ngrants;
  if (top > LIM_REF_CHAIN)
    return fail(v, "ladder: references chain %u deep (limit %u): a record would be evaluated in %u rounds", top,
                (unsigned)LIM_REF_CHAIN, top + 1);
  img->rounds = top + 1;
  return 0;
}

/* Grant k is one of two kinds (docs/bytecode.md 5.7a), and each fault
 * gets its own message: a tier's grant names a tier of the image and
 * has no value text; a tier value's grant (tier NO_STR) has the code
 * that computes the tier and the value's text, which explain prints. */
static int check_grant(struct vfy *v, uint32_t k) {
  const struct image *img = v->img;
  const struct img_grant *G = &img->grants[k];
  bool value = G->tier == NO_STR;
  if (!value && G->tier >= img->ntiers) return fail(v, "ladder: grant %u: tier %u out of range", k, G->tier);
  if (!value && G->value != NO_STR) return fail(v, "ladder: grant %u: a tier's grant has a value text", k);
  if (value && G->code == NO_STR) return fail(v, "ladder: grant %u: a tier value's grant has no code", k);
  if (value && G->value == NO_STR) return fail(v, "ladder: grant %u: a tier value's grant has no value text", k);
  if (!str_ok(img, G->value, true)) return fail(v, "ladder: grant %u: value text index out of range", k);
  if (!str_ok(img, G->text, true)) return fail(v, "ladder: grant %u: condition text index out of range", k);
  return 0;
}

/* Tiers own consecutive runs of requirements, in order, covering all. */
static int check_tiers(struct vfy *v) {
  struct image *img = v->img;
  uint32_t next_req = 0;
  v->work += img->ntiers + img->nreqs;
  for (uint32_t i = 0; i < img->ntiers; i++) {
    struct img_tier *t = &img->tiers[i];
    if (!str_ok(img, t->name, false)) return fail(v, "tiers: tier %u: name index out of range", i);
    if (img->has_debug && !str_ok(img, t->file, false)) return fail(v, "debug: tier %u: file name index out of range", i);
    if (img->partner_field < 0) return fail(v, "tiers: tiers without a partner-type field");
    if (t->ptype >= img->enums[img->fields[img->partner_field].ref].nvals) return fail(v, "tiers: tier %u: partner type out of range", i);
    if (check_time(v, "tiers: tier", i, t)) return 1;
    if (t->first_req != next_req || t->nreq > img->nreqs - next_req) return fail(v, "tiers: tier %u: requirement range out of bounds", i);
    if (!str_ok(img, t->display, true)) return fail(v, "ladder: tier %u: display name index out of range", i);
    next_req += t->nreq;
  }
  for (uint32_t i = 0; i < img->nbadges; i++) {
    struct img_tier *t = &img->badges[i];
    if (!str_ok(img, t->name, false) || !str_ok(img, t->display, true))
      return fail(v, "ladder: badge %u: name index out of range", i);
    if (img->has_debug && !str_ok(img, t->file, false)) return fail(v, "debug: badge %u: file name index out of range", i);
    if (check_time(v, "ladder: badge", i, t)) return 1;
    if (t->first_req != next_req || t->nreq > img->nreqs - next_req)
      return fail(v, "ladder: badge %u: requirement range out of bounds", i);
    next_req += t->nreq;
  }
  if (next_req != img->nreqs) return fail(v, "tiers: %u requirements belong to no tier or badge", img->nreqs - next_req);
  char lerr[200];
  int lr = vfy_ladder(img, lerr, sizeof lerr);
  if (lr == TIER_ENOMEM) return oom(v);
  if (lr != TIER_OK) return fail(v, "ladder: %s", lerr);
  if (check_order(v)) return -1;
  v->work += img->ngrants;
  for (uint32_t k = 0; k < img->ngrants; k++)
    if (check_grant(v, k)) return -1;
  v->work += img->nitems;
  for (uint32_t i = 0; i < img->nreqs; i++)
    if (check_req_table(v, i)) return -1;
  const struct img_req *last = img->nreqs ? &img->reqs[img->nreqs - 1] : NULL;
  if ((last ? last->xfirst + last->xn : 0) != img->ntraces)
    return fail(v, "tiers: the requirements trace %u comparisons, the table has %u", last ? last->xfirst + last->xn : 0,
                img->ntraces);
  return 0;
}

/* ---- stacks of classes ------------------------------------------------------------- */

static uint32_t node_slot(const struct vfy *v, uint32_t parent, char cls) {
  uint64_t h = ((uint64_t)parent << 8 | (uint8_t)cls) * 0x9E3779B97F4A7C15ull;
  return (uint32_t)(h >> 32) & (v->ntabcap - 1);
}

/* Double the intern table (and the node array) when half full. */
static int nodes_grow(struct vfy *v) {
  if (2 * (v->nnodes + 1) <= v->ntabcap && v->nnodes < v->capnodes) return 0;
  uint32_t cap = v->ntabcap ? 2 * v->ntabcap : 256;
  struct snode *n = arena_alloc(&v->img->ar, sizeof *n * cap);
  uint32_t *t = arena_alloc(&v->img->ar, sizeof *t * cap);
  if (!n || !t) return oom(v);
  if (v->nnodes) memcpy(n, v->nodes, sizeof *n * v->nnodes);
  v->nodes = n;
  v->capnodes = cap;
  v->ntab = t;
  v->ntabcap = cap;
  for (uint32_t i = 1; i < v->nnodes; i++) { /* node 0, the empty stack, is never looked up */
    uint32_t s = node_slot(v, n[i].parent, n[i].cls);
    while (t[s]) s = (s + 1) & (cap - 1), v->work++;
    t[s] = i + 1;
  }
  v->work += v->nnodes;
  return 0;
}

/* The stack `stk` with `cls` pushed; 0 (the empty stack, never a push's
 * result) when out of memory. */
static uint32_t stk_push(struct vfy *v, uint32_t stk, char cls) {
  if (nodes_grow(v)) return 0;
  uint32_t s = node_slot(v, stk, cls);
  for (; v->ntab[s]; s = (s + 1) & (v->ntabcap - 1)) {
    const struct snode *n = &v->nodes[v->ntab[s] - 1];
    v->work++;
    if (n->parent == stk && n->cls == cls) return v->ntab[s] - 1;
  }
  uint32_t i = v->nnodes++;
  v->nodes[i] = (struct snode){stk, v->nodes[stk].depth + 1, cls};
  v->ntab[s] = i + 1;
  return i;
}

static uint32_t depth_of(const struct vfy *v, uint32_t stk) { return v->nodes[stk].depth; }

/* The class k values below the top (k = 0: the top). */
static char cls_at(const struct vfy *v, uint32_t stk, uint32_t k) {
  while (k--) stk = v->nodes[stk].parent;
  return v->nodes[stk].cls;
}

/* ---- control flow --------------------------------------------------------------------- */

/* Mark instruction starts; reject unknown opcodes and cut-off operands. */
static int decode_all(struct vfy *v) {
  struct image *img = v->img;
  v->boundary = arena_alloc(&img->ar, (size_t)img->codelen + 1);
  v->reached = arena_alloc(&img->ar, (size_t)img->codelen + 1);
  v->pend_at = arena_alloc(&img->ar, sizeof(uint32_t) * ((size_t)img->codelen + 1));
  if (!v->boundary || !v->reached || !v->pend_at) return oom(v);
  for (uint32_t pc = 0; pc < img->codelen;) {
    uint8_t op = img->code[pc];
    v->work++;
    if (op >= OP__COUNT) return fail(v, "code at offset %u: unknown opcode %u", pc, op);
    uint32_t len = op_size(op);
    if (len > img->codelen - pc) return fail(v, "code at offset %u: %s is cut off by the end of the code", pc, op_info[op].name);
    v->boundary[pc] = 1;
    pc += len;
  }
  return 0;
}

/* Record the state flowing from `from` to the forward target `to`, or join
 * it with the state already recorded there: the stacks must agree, and a
 * set counts as emptied only if it is emptied on both paths. */
static int pend_add(struct vfy *v, struct seg *s, uint32_t from, uint32_t to, struct state st) {
  v->work++;
  if (to > s->max_target) s->max_target = to;
  uint32_t i = v->pend_at[to];
  if (i) {
    struct pend *p = &v->pend[i - 1];
    if (p->st.stk != st.stk)
      return fail(v, "code at offset %u: the jump to %u arrives with a different stack (depth %u vs %u)", from, to,
                  depth_of(v, st.stk), depth_of(v, p->st.stk));
    p->st.cleared &= st.cleared;
    if (from < p->from) p->from = from;
    return 0;
  }
  if (v->npend == v->cappend) {
    uint32_t cap = v->cappend ? v->cappend * 2 : 16;
    struct pend *q = arena_alloc(&v->img->ar, sizeof *q * cap);
    if (!q) return oom(v);
    if (v->npend) memcpy(q, v->pend, sizeof *q * v->npend);
    v->work += v->npend;
    v->pend = q;
    v->cappend = cap;
  }
  v->pend[v->npend] = (struct pend){st, from};
  v->pend_at[to] = ++v->npend;
  return 0;
}

/* Before an instruction: join the state recorded by jumps to it with the
 * state falling through.  An instruction no path reaches is refused, and
 * so is a jump from before a loop into its body. */
static int join_at(struct vfy *v, struct seg *s, uint32_t pc) {
  uint32_t i = v->pend_at[pc];
  if (i) {
    const struct pend *p = &v->pend[i - 1];
    if (s->nloops && p->from < s->loops[s->nloops - 1].pc)
      return fail(v, "code at offset %u: a jump enters the loop body at %u", p->from, pc);
    if (s->live && p->st.stk != s->st.stk) return fail(v, "code at offset %u: paths join with different stacks", pc);
    s->st.cleared = s->live ? s->st.cleared & p->st.cleared : p->st.cleared;
    s->st.stk = p->st.stk;
    s->live = true;
  }
  if (!s->live) return fail(v, "code at offset %u: unreachable instruction", pc);
  return 0;
}

/* A forward jump target: a later instruction of the same segment, and
 * inside the open loop's body (up to its NEXT) when there is one. */
static int check_target(struct vfy *v, const struct seg *s, const struct insn *in, uint32_t to) {
  struct image *img = v->img;
  if (to <= in->pc || to >= img->codelen || !v->boundary[to])
    return fail(v, "code at offset %u: jump target %u is not a later instruction", in->pc, to);
  if (s->nloops && to > s->loops[s->nloops - 1].end - 9) return fail(v, "code at offset %u: jump out of a loop body", in->pc);
  return 0;
}

/* LOOP opens a loop over one list.  Loops nest as the lists do: a loop
 * over a list of the record stands outside every loop, a loop over an
 * inner list right inside the loop over its parent (the VM takes the
 * current item's run of it), so each loop visits each item of its list at
 * most once per run and the cost stays linear in the record's items.  Its
 * end is just past a NEXT that names the same list and goes back to the
 * body, inside the loop around it; the body must leave the stack as LOOP
 * found it (checked at NEXT). */
static int check_loop_open(struct vfy *v, struct seg *s, const struct insn *in) {
  struct image *img = v->img;
  uint32_t a = in->a, b = in->b, next = in->next;
  if (s->kind == SEG_REVIEW) return fail(v, "review rule: loops over lists are not allowed here");
  if (a >= img->nlists) return fail(v, "code at offset %u: list %u out of range", in->pc, a);
  uint32_t parent = img->lists[a].parent;
  if (s->loop_list < 0 && parent != NO_LIST)
    return fail(v, "code at offset %u: the loop over list %u, a list inside list %u's items, is not inside a loop over list %u",
                in->pc, a, parent, parent);
  if (s->loop_list >= 0 && parent != (uint32_t)s->loop_list)
    return fail(v, "code at offset %u: a loop over list %u inside the loop over list %u: loops nest only as their lists do",
                in->pc, a, s->loop_list);
  if (b <= next || b > img->codelen || (b < img->codelen && !v->boundary[b]) || b - next < 9)
    return fail(v, "code at offset %u: loop end %u is not a later instruction", in->pc, b);
  if (s->nloops && b > s->loops[s->nloops - 1].end - 9)
    return fail(v, "code at offset %u: the loop ends outside the loop around it", in->pc);
  if (img->code[b - 9] != OP_NEXT || !v->boundary[b - 9] || rd32(img->code + b - 8) != a || rd32(img->code + b - 4) != next)
    return fail(v, "code at offset %u: loop does not end with its NEXT", in->pc);
  /* a list's parent is one level up (check_list_tree), so this holds */
  if (s->nloops >= LIM_LIST_DEPTH) return fail(v, "code at offset %u: loops nested too deep", in->pc);
  s->loops[s->nloops++] = (struct loop){in->pc, next, b, s->st};
  s->loop_list = (int)a;
  return pend_add(v, s, in->pc, b, s->st); /* an empty list skips the body */
}

static int check_loop_close(struct vfy *v, struct seg *s, const struct insn *in) {
  const struct loop *lp = s->nloops ? &s->loops[s->nloops - 1] : NULL;
  if (!lp || (uint32_t)s->loop_list != in->a || in->b != lp->body || in->next != lp->end)
    return fail(v, "code at offset %u: NEXT does not close the open loop", in->pc);
  if (s->st.stk != lp->st.stk) return fail(v, "code at offset %u: the loop body changes the stack", in->pc);
  s->nloops--;
  s->loop_list = s->nloops ? (int)v->img->lists[s->loop_list].parent : -1;
  return 0;
}

/* ---- one instruction ---------------------------------------------------------------------- */

/* HOLDS or MEETS of block a: in a requirement, naming a block earlier in
 * the block order (and for HOLDS of a tier, every tier below it too); kept
 * for the rounds (check_rounds). */
static int check_ref(struct vfy *v, const struct seg *s, const struct insn *in) {
  struct image *img = v->img;
  uint32_t a = in->a, nb = img->ntiers + img->nbadges;
  if (s->kind != SEG_RULE && s->kind != SEG_EXPLAIN && s->kind != SEG_GRANT)
    return fail(v, "code at offset %u: %s outside a requirement", in->pc, in->oi->name);
  if (a >= nb) return fail(v, "code at offset %u: %s of block %u, out of range (%u blocks)", in->pc, in->oi->name, a, nb);
  uint32_t last = in->op == OP_HOLDS ? v->pos_below[a] : v->pos[a];
  if (last >= s->limit)
    return fail(v, "code at offset %u: %s of block %u in %s, which does not come after it in the block order", in->pc,
                in->oi->name, a, s->what);
  if (v->nrefs == v->caprefs) {
    uint32_t cap = v->caprefs ? 2 * v->caprefs : 16;
    uint32_t *r = arena_alloc(&img->ar, sizeof *r * cap);
    if (!r) return oom(v);
    if (v->nrefs) memcpy(r, v->refs, sizeof *r * v->nrefs);
    v->refs = r;
    v->caprefs = cap;
  }
  v->refs[v->nrefs++] = 2 * a + (in->op == OP_HOLDS);
  return 0;
}

/* Operands that name something: a constant, a slot, a register, a set, a
 * duration.  Each must exist; the class a push takes from it is returned in
 * *named (0 when the operand names no value). */
static int check_operands(struct vfy *v, const struct seg *s, const struct insn *in, char *named) {
  struct image *img = v->img;
  uint32_t a = in->a;
  *named = 0;
  switch (in->oi->fmt) {
  case K: case K_JMP:
    if (a >= img->nconsts) return fail(v, "code at offset %u: constant %u out of range (%u constants)", in->pc, a, img->nconsts);
    *named = kind_class(img->consts[a].kind);
    return 0;
  case FLD:
    if (a >= img->ntop) return fail(v, "code at offset %u: record slot %u out of range", in->pc, a);
    *named = v->top_class[a];
    if (!*named) return fail(v, "code at offset %u: record slot %u holds no value", in->pc, a);
    return 0;
  case ITM:
    if (s->loop_list < 0) return fail(v, "code at offset %u: ITEM outside a loop", in->pc);
    if (a >= img->lists[s->loop_list].width) return fail(v, "code at offset %u: item slot %u out of range", in->pc, a);
    *named = v->item_class[s->loop_list][a];
    if (*named == 'L') return fail(v, "code at offset %u: item slot %u holds a list, not a value", in->pc, a);
    return 0;
  case MET: case MET_JMP:
    if (a >= img->nmetrics) return fail(v, "code at offset %u: metric %u out of range", in->pc, a);
    *named = kind_class(img->metrics[a].kind);
    return 0;
  case SET:
    if (a >= MAX_DSETS) return fail(v, "code at offset %u: distinct set %u out of range (%d sets)", in->pc, a, MAX_DSETS);
    if (a + 1 > img->nsets) img->nsets = a + 1;
    return 0;
  case TRC: return 0; /* check_trace: the slots are the requirement's */
  case BUF:
    if (a >= MAX_MBUFS) return fail(v, "code at offset %u: median buffer %u out of range (%d buffers)", in->pc, a, MAX_MBUFS);
    if (a + 1 > img->nmbufs) img->nmbufs = a + 1;
    return 0;
  case MON: case DAY:
    /* durations are bounded so that date arithmetic stays far from int64's
     * limits (the VM clamps its results to real dates) */
    if ((int32_t)a < -1200000 || (int32_t)a > 1200000) return fail(v, "code at offset %u: duration %d out of range", in->pc, (int32_t)a);
    return 0;
  case PER: { /* the VM's period arithmetic knows these periods only */
    struct period p;
    if (!per_decode(a, &p))
      return fail(v, "code at offset %u: %s has no period 0x%x (months 1, 3 or 12, a first month within them, back 0 or 1)",
                  in->pc, in->oi->name, a);
    return 0;
  }
  case BLK: return check_ref(v, s, in);
  case DIG: /* the VM's rounding forms 10^|D| */
    if ((int32_t)a < -DIG_MAX || (int32_t)a > DIG_MAX)
      return fail(v, "code at offset %u: %s to %d decimals is out of range (at most %d either way)", in->pc, in->oi->name,
                  (int32_t)a, DIG_MAX);
    return 0;
  }
  return 0;
}

/* Registers: the register's class is what the opcode's reg column asks;
 * only the metric block writes registers, and the review rule, which runs
 * before it, reads none. */
static int check_register(struct vfy *v, const struct seg *s, const struct insn *in, char reg_cls, struct state before) {
  char want = in->oi->reg;
  if (want == '-') return 0;
  if (s->kind == SEG_REVIEW) return fail(v, "code at offset %u: the review rule reads a register", in->pc);
  bool writes = in->oi->fmt == MET && !in->oi->pushes; /* METRIC, METRIC_F and JFR read */
  if (writes && s->kind != SEG_METRICS)
    return fail(v, "code at offset %u: %s writes a register outside the metric block", in->pc, in->oi->name);
  if (want == '=') want = cls_at(v, before.stk, 0); /* the popped value's */
  if (want != 'A' && want != reg_cls)
    return fail(v, "code at offset %u: %s needs a register of class %c, m%u is %c", in->pc, in->oi->name, want, in->a, reg_cls);
  return 0;
}

/* Does class `have` fit the opcode's `want`?  An X operand fixes the class
 * of the instruction's other X operands (*x, 0 until then); A is any class
 * of the 64-bit stack, so not F, whose values live in the number stack. */
static bool class_fits(char want, char have, char *x) {
  if (want == 'A') return have != 'F';
  if (want != 'X') return want == have;
  if (have != 'I' && have != 'B' && have != 'D') return false;
  if (*x && *x != have) return false;
  *x = have;
  return true;
}

/* The stack effect: the popped values have the classes the opcode lists,
 * the pushed value gets its class, the depth stays within MAX_STACK. */
static int check_stack(struct vfy *v, struct seg *s, const struct insn *in, char named) {
  const struct opinfo *oi = in->oi;
  uint32_t depth = depth_of(v, s->st.stk);
  if (depth < oi->pops) return fail(v, "code at offset %u: %s needs %u values, the stack has %u", in->pc, oi->name, oi->pops, depth);
  char x = 0;
  uint32_t stk = s->st.stk;
  for (uint32_t k = oi->pops; k-- > 0;) { /* in[] lists the popped values bottom first */
    char have = v->nodes[stk].cls;
    if (!class_fits(oi->in[k], have, &x))
      return fail(v, "code at offset %u: %s expects %c values, finds %c", in->pc, oi->name, oi->in[k], have);
    stk = v->nodes[stk].parent;
  }
  /* a comparison with a constant: the constant has the value's class */
  if ((oi->fmt == K_JMP || (oi->fmt == K && op_cmp(in->op))) && !class_fits('X', named, &x))
    return fail(v, "code at offset %u: %s compares a %c value with a %c constant", in->pc, oi->name, x, named);
  if (oi->pushes) {
    char out = oi->out;
    bool names = oi->fmt == K || oi->fmt == FLD || oi->fmt == ITM || oi->fmt == MET;
    /* what a constant, field or register holds is pushed by the plain
     * instruction, or by the _F one when it is a number: each stack gets
     * only its own values */
    if (names && (out == 'F') != (named == 'F'))
      return fail(v, "code at offset %u: %s cannot push a value of class %c", in->pc, oi->name, named);
    if (out == 'K' || out == 'R' || out == 'M') out = named;
    else if (out == 'X') out = x;
    if (depth - oi->pops >= MAX_STACK) return fail(v, "code at offset %u: stack deeper than %d", in->pc, MAX_STACK);
    stk = stk_push(v, stk, out);
    if (!stk) return -1;
    if (depth_of(v, stk) > v->img->max_stack) v->img->max_stack = depth_of(v, stk);
  }
  s->st.stk = stk;
  return 0;
}

/* TRACE and TRACE_F copy the top value into a trace slot: only in explain
 * code, into a slot of one of its requirement's traced comparisons (2 per
 * comparison), whose type says how the slot's values are read, so the
 * value must be of that type's class.  Counted, so that the slots a run
 * clears (vm_trace) are never more than the instructions that fill them. */
static int check_trace(struct vfy *v, struct seg *s, const struct insn *in) {
  if (in->oi->fmt != TRC) return 0;
  if (s->kind != SEG_EXPLAIN) return fail(v, "code at offset %u: %s outside explain code", in->pc, in->oi->name);
  uint32_t slots = 2 * s->req->xn;
  if (in->a >= slots) return fail(v, "code at offset %u: trace slot %u out of range (%u slots)", in->pc, in->a, slots);
  if (!depth_of(v, s->st.stk)) return fail(v, "code at offset %u: %s on an empty stack", in->pc, in->oi->name);
  char have = v->nodes[s->st.stk].cls, want = kind_class(v->img->traces[s->req->xfirst + in->a / 2].kind);
  if ((in->op == OP_TRACE_F) != (have == 'F') || have != want)
    return fail(v, "code at offset %u: %s copies a %c value; the comparison's values are %c", in->pc, in->oi->name, have, want);
  s->ntrace++;
  return 0;
}

/* Distinct-value sets and median buffers: filled inside a loop, after
 * being emptied before that loop opened, and read or filled only after
 * being emptied on every path through this segment - never holding a value
 * left from another record.  (An inner list's count distinct or median
 * empties its collection inside the loop over the parent, once per parent
 * item.)  Set k is bit k of `cleared`, buffer k bit 32 + k. */
static int check_set(struct vfy *v, struct seg *s, const struct insn *in) {
  uint8_t op = in->op;
  if (in->oi->fmt != SET && in->oi->fmt != BUF) return 0;
  bool buf = in->oi->fmt == BUF;
  bool fills = op == OP_DADD || op == OP_DADD_S || op == OP_MADD, clears = op == OP_DCLEAR || op == OP_MCLEAR;
  uint64_t bit = (uint64_t)1 << (in->a + (buf ? 32 : 0));
  if (fills) {
    if (!s->nloops) return fail(v, "code at offset %u: %s outside a loop", in->pc, in->oi->name);
    if (!(s->loops[s->nloops - 1].st.cleared & bit))
      return fail(v, "code at offset %u: %s fills %s%u, which is not emptied before its loop", in->pc, in->oi->name,
                  buf ? "buffer b" : "set s", in->a);
  }
  if (clears) s->st.cleared |= bit;
  else if (!(s->st.cleared & bit))
    return fail(v, "code at offset %u: %s uses %s%u before %s on some path", in->pc, in->oi->name, buf ? "buffer b" : "set s",
                in->a, buf ? "MCLEAR" : "DCLEAR");
  return 0;
}

/* Where control goes after the instruction: jump targets get the state
 * (for ANDJ/ORJ the tested value is kept on the jump and popped on the
 * fall-through), JUMP and the segment's end stop the fall-through. */
static int check_flow(struct vfy *v, struct seg *s, const struct insn *in) {
  switch (in->oi->fmt) {
  case JMP:
    if (check_target(v, s, in, in->a)) return -1;
    if (in->op == OP_ANDJ || in->op == OP_ORJ) {
      if (pend_add(v, s, in->pc, in->a, s->st)) return -1;
      s->st.stk = v->nodes[s->st.stk].parent; /* fall-through pops the tested value */
      return 0;
    }
    if (pend_add(v, s, in->pc, in->a, s->st)) return -1;
    if (in->op == OP_JUMP) s->live = false;
    return 0;
  case K_JMP: case MET_JMP:
    if (check_target(v, s, in, in->b)) return -1;
    return pend_add(v, s, in->pc, in->b, s->st);
  case LST_JMP:
    return check_loop_open(v, s, in);
  case LST_BACK:
    return check_loop_close(v, s, in);
  }
  return 0;
}

/* RET ends a rule with one value of the segment's result class; END ends
 * the metric block with an empty stack; neither inside a loop. */
static int check_end(struct vfy *v, struct seg *s, const struct insn *in, struct state before) {
  if (in->op != OP_RET && in->op != OP_END) return 0;
  uint32_t depth = depth_of(v, s->st.stk);
  if (in->op == OP_END && s->kind != SEG_METRICS) return fail(v, "code at offset %u: END outside the metric block", in->pc);
  if (in->op == OP_RET && s->kind == SEG_METRICS) return fail(v, "code at offset %u: RET in the metric block", in->pc);
  if (in->op == OP_RET && depth != 0) return fail(v, "code at offset %u: RET leaves %u values on the stack", in->pc, depth);
  if (in->op == OP_END && depth != 0) return fail(v, "code at offset %u: END with %u values on the stack", in->pc, depth);
  if (in->op == OP_RET) {
    /* the driver takes a requirement's value as a bool and the review
     * rule's as the evaluation date: anything else would be misread */
    char want = s->kind == SEG_REVIEW ? 'D' : s->kind == SEG_GRANT ? 'I' : 'B', got = v->nodes[before.stk].cls;
    if (got != want)
      return fail(v, "code at offset %u: %s must give a %s, gives class %c", in->pc, s->what,
                  want == 'D'       ? "date"
                      : want == 'I' ? "tier"
                                    : "bool",
                  got);
  }
  if (s->nloops) return fail(v, "code at offset %u: segment ends inside a loop", in->pc);
  s->live = false;
  return 0;
}

static void decode_at(const struct image *img, uint32_t pc, struct insn *in) {
  in->pc = pc;
  in->op = img->code[pc];
  in->oi = &op_info[in->op];
  in->next = pc + op_size(in->op);
  int no = op_noperands(in->oi->fmt);
  in->a = no >= 1 ? rd32(img->code + pc + 1) : 0;
  in->b = no >= 2 ? rd32(img->code + pc + 5) : 0;
}

/* Abstract interpretation of one segment: forward only (but for NEXT, which
 * the loop rules cover), so one pass in offset order sees every predecessor
 * of an instruction before the instruction.  The segment ends at a RET or
 * END that no pending jump goes past. */
static int check_segment(struct vfy *v, uint32_t entry, enum seg_kind kind, const struct img_req *req, const char *what,
                         uint32_t limit) {
  struct image *img = v->img;
  if (entry >= img->codelen || !v->boundary[entry]) return fail(v, "%s: entry offset %u is not an instruction", what, entry);
  struct seg s = {.kind = kind, .req = req, .what = what, .limit = limit, .live = true, .loop_list = -1};
  for (uint32_t pc = entry; pc < img->codelen;) {
    struct insn in;
    if (v->reached[pc]) return fail(v, "code at offset %u: %s shares code with another segment", pc, what);
    v->reached[pc] = 1;
    v->work++;
    if (join_at(v, &s, pc)) return -1;
    decode_at(img, pc, &in);
    /* the cost bound: every instruction once, a loop body once per item */
    if (s.loop_list >= 0) v->cost_per[s.loop_list] += op_cost(in.op);
    else v->cost_base += op_cost(in.op);
    struct state before = s.st;
    char named;
    if (check_operands(v, &s, &in, &named) || check_stack(v, &s, &in, named) || check_trace(v, &s, &in) || check_register(v, &s, &in, named, before) ||
        check_set(v, &s, &in) || check_flow(v, &s, &in) || check_end(v, &s, &in, before))
      return -1;
    if (!s.live && (in.op == OP_RET || in.op == OP_END) && s.max_target < in.next) {
      if (req && s.ntrace < 2 * req->xn)
        return fail(v, "%s: %u TRACE instructions for %u traced comparisons (2 each)", what, s.ntrace, req->xn);
      return 0;
    }
    pc = in.next;
  }
  return fail(v, "%s: runs off the end of the code", what);
}

/* ---- requirement metadata ------------------------------------------------------------------ */

static bool same_const(const struct image *img, uint32_t k1, uint32_t k2) {
  const struct img_const *a = &img->consts[k1], *b = &img->consts[k2];
  if (a->kind != b->kind) return false;
  if (a->kind == TY_NUMBER) return a->q.n == b->q.n && a->q.d == b->q.d; /* both canonical */
  return a->v == b->v;
}

static bool is_push(const struct insn *in) { return in->op == OP_PUSH || in->op == OP_PUSH_F; }

/* Does instruction `in` push the value the metadata names? */
static bool is_value(const struct img_req *r, const struct insn *in) {
  return (r->metric >= 0 && (in->op == OP_METRIC || in->op == OP_METRIC_F) && in->a == (uint32_t)r->metric) ||
         (r->field >= 0 && (in->op == OP_FIELD || in->op == OP_FIELD_F) && in->a == (uint32_t)r->field);
}

static int flipped(int cmp) {
  static const int f[] = {0, CMP_EQ, CMP_NE, CMP_GT, CMP_GE, CMP_LT, CMP_LE};
  return f[cmp];
}

/* The explanations and the gap take a requirement's `metric CMP constant`
 * from its metadata, so the metadata must be what the code computes: one of
 *   VALUE CMPK k RET | VALUE PUSH k CMP RET | PUSH k VALUE CMP RET (flipped)
 *   | VALUE RET (a bool compared with true),
 * where VALUE is METRIC or FIELD (or their _F forms) of the named register
 * or slot, and PUSH pushes a constant equal to the named one. */
static int check_req_meta(struct vfy *v, uint32_t q) {
  struct image *img = v->img;
  const struct img_req *r = &img->reqs[q];
  if (r->metric < 0 && r->field < 0) return 0;
  struct insn in[4];
  int n = 0;
  for (uint32_t pc = r->code; n < 4; pc = in[n++].next) {
    decode_at(img, pc, &in[n]);
    if (in[n].op == OP_RET) break;
  }
  v->work += (uint64_t)n;
  bool ok = false;
  if (n == 1 && is_value(r, &in[0]))
    ok = r->cmp == CMP_EQ && img->consts[r->konst].kind == TY_BOOL && img->consts[r->konst].v == 1;
  else if (n == 2 && is_value(r, &in[0]))
    ok = in[1].oi->fmt == K && op_cmp(in[1].op) == r->cmp && same_const(img, in[1].a, r->konst);
  else if (n == 3 && op_cmp(in[2].op) && in[2].oi->pops == 2) {
    if (is_value(r, &in[0]) && is_push(&in[1]))
      ok = op_cmp(in[2].op) == r->cmp && same_const(img, in[1].a, r->konst);
    else if (is_push(&in[0]) && is_value(r, &in[1]))
      ok = op_cmp(in[2].op) == flipped(r->cmp) && same_const(img, in[0].a, r->konst);
  }
  if (!ok) return fail(v, "tiers: requirement %u: its metric, comparison and constant do not describe its code", q);
  return 0;
}

/* ---- the whole image ------------------------------------------------------------------------ */

static int check_code(struct vfy *v, uint64_t *review) {
  struct image *img = v->img;
  if (decode_all(v) || nodes_grow(v)) return -1;
  v->nodes[0] = (struct snode){0, 0, 0}; /* the empty stack */
  v->nnodes = 1;
  if (img->review_code != NO_STR) {
    if (check_segment(v, img->review_code, SEG_REVIEW, NULL, "review rule", 0)) return -1;
    *review = v->cost_base;
    v->cost_base = 0;
  }
  if (check_segment(v, img->metric_code, SEG_METRICS, NULL, "metric block", 0)) return -1;
  uint32_t b = 0; /* the block of requirement i: blocks own consecutive runs (check_tiers) */
  for (uint32_t i = 0; i < img->nreqs; i++) {
    const struct img_req *r = &img->reqs[i];
    char what[48];
    while (i >= img_block(img, b)->first_req + img_block(img, b)->nreq) v->ref_start[++b] = v->nrefs;
    snprintf(what, sizeof what, "requirement %u", i);
    if (check_segment(v, r->code, SEG_RULE, NULL, what, v->pos[b]) || check_req_meta(v, i)) return -1;
    /* its explain code, run only when someone asks for its values, is in
     * the cost bound like the requirement itself */
    snprintf(what, sizeof what, "explain code of requirement %u", i);
    if (r->xcode != NO_STR && check_segment(v, r->xcode, SEG_EXPLAIN, r, what, v->pos[b])) return -1;
  }
  for (uint32_t nb = img->ntiers + img->nbadges; b < nb;) v->ref_start[++b] = v->nrefs;
  /* a grant's condition: a bool, naming only blocks before its ladder */
  for (uint32_t k = 0; k < img->ngrants; k++) {
    const struct img_grant *G = &img->grants[k];
    char what[48];
    v->gref_start[k] = v->nrefs;
    snprintf(what, sizeof what, "grant %u", k);
    if (G->tier == NO_STR
            ? check_segment(v, G->code, SEG_GRANT, NULL, what, v->tier_first)
            : G->code != NO_STR && check_segment(v, G->code, SEG_RULE, NULL, what, v->type_first[img->tiers[G->tier].ptype]))
      return -1;
  }
  v->gref_start[img->ngrants] = v->nrefs;
  /* code no segment reaches was never checked: refuse it, since the VM's
   * decoder and the disassembler read every instruction */
  for (uint32_t pc = 0; pc < img->codelen; pc++)
    if (v->boundary[pc] && !v->reached[pc]) return fail(v, "code at offset %u: no segment reaches this instruction", pc);
  v->work += img->codelen;
  return 0;
}

/* a + b and a x b, saturating at UINT64_MAX: a bound that large refuses
 * nothing a file claims, and wrapping would make it small. */
static uint64_t sat_add(uint64_t a, uint64_t b) {
  uint64_t r;
  return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}
static uint64_t sat_mul(uint64_t a, uint64_t b) {
  uint64_t r;
  return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* The cost bound (SPEC 4.5, docs/bytecode.md section 13): what one record
 * can cost, as base + per[l] x len(l), in steps - instructions, the
 * driver's runs, tier, badge and item visits, and record slots.  With S the
 * longest `sustained` clause of a tier (the driver shares those
 * checkpoints), B the checkpoints of every other time clause (at any
 * checkpoint, and the badges', counted one by one although badges of the
 * same clause walk it together (vm.c, shared_clause): an over-count;
 * checkpoint.c tc_max_checkpoints) and K the number of those clauses, the result
 * running each once more at the checkpoint that decided it and the tiers'
 * once per shared checkpoint date (result.c, checkpoint_failures),
 * C = 1 + 2 S + B + K runs of the metric block and of each requirement:
 *   base    = ntop + review + 1 + 3 (ntiers + nbadges) + nreqs + nitems
 *             + C (1 + nmetrics + ntiers + nbadges + nreqs + nitems + code_base)
 *   per[l]  = width(l) + 6 nsets + C code_per[l]
 * code_base and code_per[l] count the instructions of the metric block and
 * of every requirement, a loop body once per item (both arms of a branch
 * are counted, which only over-counts); review those of the review rule.
 * width(l) is the record slots of one item; 6 per set is the distinct sets'
 * share of an item's memory (12 bytes a slot, two to four slots per item of
 * the longest list), so that a step stands for at most 8 bytes of a
 * record's memory as well as for time.  A ruleset whose requirements refer
 * to blocks (HOLDS, MEETS) evaluates a record in R rounds (check_rounds),
 * each all of the above but the review rule, and between two rounds a
 * step per block to keep the blocks' outcomes for the next:
 *   base    = review + R (base - review) + (R - 1) (ntiers + nbadges)
 *   per[l]  = width(l) + 6 nsets + R C code_per[l]
 * The sums saturate (sat_add): with many badges with time clauses C can
 * exceed 2^33. */
static void cost_bound(const struct vfy *v, uint64_t review, uint64_t *base, uint64_t *per) {
  const struct image *img = v->img;
  /* the tiers' sustained clauses share their checkpoints, and the result
   * describes their failures with one run per checkpoint date (2 S); every
   * other clause walks its own, plus one run for the result */
  uint64_t S = 0, C = 1;
  for (uint32_t b = 0; b < img->ntiers + img->nbadges; b++) {
    const struct img_tier *blk = img_block(img, b);
    if (blk->time == TC_NONE) continue;
    uint64_t n = tc_max_checkpoints(blk->time, blk->time_n);
    if (b < img->ntiers && blk->time == TC_SUSTAINED) S = n > S ? n : S;
    else C += n + 1;
  }
  C += 2 * S;
  uint64_t blocks = (uint64_t)img->ntiers + img->nbadges;
  uint64_t once = (uint64_t)img->ntop + 1 + 3 * blocks + img->nreqs + img->nitems + img->ngrants;
  uint64_t per_checkpoint = 1 + (uint64_t)img->nmetrics + blocks + img->nreqs + img->nitems;
  uint64_t R = img->rounds;
  *base = sat_add(sat_add(review, sat_mul(R - 1, blocks)),
                  sat_mul(R, sat_add(once, sat_mul(C, sat_add(per_checkpoint, v->cost_base)))));
  for (uint32_t l = 0; l < img->nlists; l++)
    per[l] = sat_add(img->lists[l].width + 6 * (uint64_t)img->nsets, sat_mul(R, sat_mul(C, v->cost_per[l])));
}

/* Verify img.  When img has no cost yet (the compiler's own image) the
 * bound is filled in; otherwise a file claiming less is rejected. */
int vfy_image(struct image *img, char *err, size_t errlen) {
  struct vfy v;
  memset(&v, 0, sizeof v);
  v.img = img;
  v.err = err;
  v.errlen = errlen;
  img->max_stack = 0;
  img->nsets = 0;
  img->nmbufs = 0;
  v.cost_per = arena_alloc(&img->ar, sizeof(uint64_t) * (img->nlists + 1));
  if (!v.cost_per) return oom(&v), TIER_ENOMEM;
  uint64_t review = 0;
  int rc = check_strings(&v) || check_enums(&v) || check_schema(&v) || check_consts_and_metrics(&v);
  rc = rc || check_named(&v) || check_tiers(&v) || check_code(&v, &review) || check_rounds(&v);
  img->vfy_work = v.work;
  if (rc) return v.nomem ? TIER_ENOMEM : TIER_EBYTECODE;
  uint64_t base;
  cost_bound(&v, review, &base, v.cost_per);
  if (!img->cost_per) {
    img->cost_base = base;
    img->cost_per = v.cost_per;
    return TIER_OK;
  }
  if (img->cost_base < base) {
    fail(&v, "cost: the file claims %llu steps, the code needs %llu", (unsigned long long)img->cost_base,
         (unsigned long long)base);
    return TIER_EBYTECODE;
  }
  for (uint32_t l = 0; l < img->nlists; l++)
    if (img->cost_per[l] < v.cost_per[l]) {
      fail(&v, "cost: list %u: the file claims %llu steps per item, the code needs %llu", l,
           (unsigned long long)img->cost_per[l], (unsigned long long)v.cost_per[l]);
      return TIER_EBYTECODE;
    }
  return TIER_OK;
}

uint32_t img_top_field(const struct image *img, uint32_t slot) { return (uint32_t)img->top_field[slot]; }

/* ---- the blocks' items ----------------------------------------------------------------- */

struct lad {
  const struct image *img;
  uint8_t *seen, *req_seen; /* each item and requirement is reached once */
  char *err;
  size_t errlen;
};

static int lad_fail(struct lad *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int lad_fail(struct lad *l, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  text_vprintf(l->err, l->errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* Item i of block b, `depth` items deep.  The recursion is bounded by
 * ITEM_DEPTH, checked first. */
static int lad_item(struct lad *l, uint32_t i, uint32_t depth, const struct img_tier *b) {
  const struct image *img = l->img;
  const struct img_item *it = &img->items[i];
  if (l->seen[i]) return lad_fail(l, "item %u is the child of two items or blocks", i);
  l->seen[i] = 1;
  if (depth > ITEM_DEPTH) return lad_fail(l, "item %u is nested more than %d items deep", i, ITEM_DEPTH);
  if (it->label != NO_STR && (it->kind != IT_BRANCH || it->label >= img->nstrs))
    return lad_fail(l, "item %u: label index out of range or on an item that is not a branch", i);
  if (it->n != 0 && it->kind != IT_ATLEAST) return lad_fail(l, "item %u: a count on an item that is not `at least`", i);
  if (it->section != NO_STR && it->section >= img->nstrs) return lad_fail(l, "item %u: section index out of range", i);
  switch (it->kind) {
  case IT_LEAF:
    if (it->count != 0) return lad_fail(l, "item %u: a requirement with children", i);
    if (it->first < b->first_req || it->first - b->first_req >= b->nreq)
      return lad_fail(l, "item %u: requirement %u is not one of its block's", i, it->first);
    if (l->req_seen[it->first]) return lad_fail(l, "item %u: requirement %u is the item of two places", i, it->first);
    l->req_seen[it->first] = 1;
    return 0;
  case IT_EITHER:
    if (it->count < 2) return lad_fail(l, "item %u: `either` with %u branch%s", i, it->count, it->count == 1 ? "" : "es");
    break;
  case IT_BRANCH:
  case IT_ATLEAST:
    if (it->count < 1) return lad_fail(l, "item %u: a branch or `at least` with no items", i);
    if (it->kind == IT_ATLEAST && (it->n < 1 || it->n > it->count))
      return lad_fail(l, "item %u: `at least %u of` %u items", i, it->n, it->count);
    break;
  default: return lad_fail(l, "item %u: unknown kind %u", i, it->kind);
  }
  /* children: consecutive, after their parent, pointing back at it */
  if (it->first <= i || it->first > img->nitems || it->count > img->nitems - it->first)
    return lad_fail(l, "item %u: children %u..+%u out of range", i, it->first, it->count);
  for (uint32_t k = it->first; k < it->first + it->count; k++) {
    const struct img_item *ch = &img->items[k];
    if (ch->parent != i) return lad_fail(l, "item %u: its child %u names another parent", i, k);
    if ((it->kind == IT_EITHER) != (ch->kind == IT_BRANCH))
      return lad_fail(l, "item %u: a branch outside `either`, or something else inside it", k);
    if (lad_item(l, k, depth + 1, b)) return -1;
  }
  return 0;
}

/* Every block's items form a tree (docs/bytecode.md, section "ladder"):
 * each item and each requirement belongs to exactly one place; a leaf's
 * requirement is its own block's; `either` has two or more branches and
 * only branches; `at least N of M` has 1 <= N <= M; nothing is nested
 * deeper than ITEM_DEPTH.  The VM's recursion over items relies on it.
 * TIER_OK, or TIER_EBYTECODE / TIER_ENOMEM with err filled. */
int vfy_ladder(struct image *img, char *err, size_t errlen) {
  /* from the image's arena, so that running out of memory is seen as that */
  struct lad l = {img, arena_alloc(&img->ar, img->nitems + 1), arena_alloc(&img->ar, img->nreqs + 1), err, errlen};
  int rc = 0;
  if (!l.seen || !l.req_seen) return lad_fail(&l, "%s", _("out of memory")), TIER_ENOMEM;
  for (uint32_t b = 0; !rc && b < img->ntiers + img->nbadges; b++) {
    const struct img_tier *t = img_block(img, b);
    if (t->first_item > img->nitems || t->nitems > img->nitems - t->first_item) {
      rc = lad_fail(&l, "block %u: items %u..+%u out of range", b, t->first_item, t->nitems);
      break;
    }
    for (uint32_t i = t->first_item; !rc && i < t->first_item + t->nitems; i++) {
      if (img->items[i].parent != NO_ITEM) rc = lad_fail(&l, "block %u: its item %u names a parent", b, i);
      else rc = lad_item(&l, i, 1, t);
    }
  }
  for (uint32_t i = 0; !rc && i < img->nitems; i++)
    if (!l.seen[i]) rc = lad_fail(&l, "item %u belongs to no block", i);
  for (uint32_t q = 0; !rc && q < img->nreqs; q++)
    if (!l.req_seen[q]) rc = lad_fail(&l, "requirement %u is no item", q);
  return rc ? TIER_EBYTECODE : TIER_OK;
}
