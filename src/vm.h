/*
 * vm.h - the loaded ruleset (verified image + decoded instructions) and the
 * evaluation context shared by vm.c, record.c and the runner.
 */
#ifndef TIER_VM_H
#define TIER_VM_H

#include "period.h"
#include "tier_int.h"

#define TEXT_CONST ((int64_t)1 << 62) /* text handle naming a string constant */

struct vinsn {
  uint8_t op;
  struct period per; /* a PER operand, decoded (it fits beside op: 12 bytes still) */
  uint32_t a, b;     /* operands; jump targets as instruction indices */
};

/* Instructions that exist only in rs->run (vm.c, fuse), never in a file:
 * two to four instructions fused into one dispatch.  The first is
 * replaced, the others stay where they were, so that a jump to one still
 * finds it and every instruction index keeps its meaning.  The fused one
 * does the first's work (and the second's, of three) without the stack,
 * steps ip onto the last and runs the last as written, with its own
 * operands: so a fault names the instruction it would without fusing.  (The
 * kinds ending in a jump run all of theirs at once: none of those
 * instructions can fault.)  They count as the steps the instructions would
 * (TIER_COUNT_STEPS); a JFR threaded to where the JFR it lands on goes
 * (vm.c fuse) skips that one, and its step.  The commonest runs of the
 * benchmark's and the
 * example programs' metric loops: */
enum {
  /* ITEM slot; JNxxK_I k -> t: a list filter on an item field and a
   * constant (reads ip[1] and goes past both) */
  OP_ITEM_JNEQK_I = OP__COUNT,
  OP_ITEM_JNNEK_I,
  OP_ITEM_JNLTK_I,
  OP_ITEM_JNLEK_I,
  OP_ITEM_JNGTK_I,
  OP_ITEM_JNGEK_I,
  /* ITEM slot; xxK_I k: an item field compared with a constant */
  OP_ITEM_EQK_I,
  OP_ITEM_NEK_I,
  OP_ITEM_LTK_I,
  OP_ITEM_LEK_I,
  OP_ITEM_GTK_I,
  OP_ITEM_GEK_I,
  /* ITEM slot; ASOF; xx_I: an item's date against the evaluation date */
  OP_ITEM_ASOF_EQ_I,
  OP_ITEM_ASOF_NE_I,
  OP_ITEM_ASOF_LT_I,
  OP_ITEM_ASOF_LE_I,
  OP_ITEM_ASOF_GT_I,
  OP_ITEM_ASOF_GE_I,
  OP_ITEM_WITHIN_M, /* ITEM slot; WITHIN_M months */
  OP_ITEM_DADD_S,   /* ITEM slot; DADD_S set */
  OP_SETMETRIC_JFR, /* SETMETRIC m; JFR m -> t: an item metric set, then tested */
  /* JFR m -> t; ITEM slot; JNxxK_I k -> u: a filter on an item field
   * inside a filter on an item metric (`where held and level == x`); like
   * ITEM then JNxxK_I, reads the operands of the three */
  OP_JFR_ITEM_JNEQK_I,
  OP_JFR_ITEM_JNNEK_I,
  OP_JFR_ITEM_JNLTK_I,
  OP_JFR_ITEM_JNLEK_I,
  OP_JFR_ITEM_JNGTK_I,
  OP_JFR_ITEM_JNGEK_I,
  OP_ITEM_ISNONE_ORJ, /* ITEM slot; ISNONE; ORJ -> t: `x is none or ...` */
  OP_ITEM_INSET,      /* ITEM slot; INSET k: an enum field in a set */
  OP_ITEM_JUMPF,      /* ITEM slot; JUMPF -> t: a bool field as a filter */
  /* A comparison and the jump that takes its value (session 10): the value
   * never reaches the stack unless the jump leaves it there.  ITEM slot;
   * ASOF; xx_I; JUMPF -> t (a filter on an item's date), then the same
   * with ANDJ -> t (the left of `and`) */
  OP_ITEM_ASOF_EQ_I_JUMPF,
  OP_ITEM_ASOF_NE_I_JUMPF,
  OP_ITEM_ASOF_LT_I_JUMPF,
  OP_ITEM_ASOF_LE_I_JUMPF,
  OP_ITEM_ASOF_GT_I_JUMPF,
  OP_ITEM_ASOF_GE_I_JUMPF,
  OP_ITEM_ASOF_EQ_I_ANDJ,
  OP_ITEM_ASOF_NE_I_ANDJ,
  OP_ITEM_ASOF_LT_I_ANDJ,
  OP_ITEM_ASOF_LE_I_ANDJ,
  OP_ITEM_ASOF_GT_I_ANDJ,
  OP_ITEM_ASOF_GE_I_ANDJ,
  /* ITEM slot; xxK_I k; ANDJ -> t: `stage == launched and ...` */
  OP_ITEM_EQK_I_ANDJ,
  OP_ITEM_NEK_I_ANDJ,
  OP_ITEM_LTK_I_ANDJ,
  OP_ITEM_LEK_I_ANDJ,
  OP_ITEM_GTK_I_ANDJ,
  OP_ITEM_GEK_I_ANDJ,
  OP_ITEM_INSET_JUMPF,     /* ITEM slot; INSET k; JUMPF -> t: an enum field in a set as a filter */
  OP_JFR_ITEM_INSET_JUMPF, /* JFR m -> u; then as ITEM_INSET_JUMPF */
  OP_ITEM_WITHIN_M_JUMPF,  /* ITEM slot; WITHIN_M months; JUMPF -> t: a date in a window as a filter */
  /* The metric block's set-up and read-out around its loops (session 13),
   * whose instructions cannot fault, run at once: PUSH k; SETMETRIC m (a
   * register's start) and DSIZE s; SETMETRIC m (a count distinct's result) */
  OP_PUSH_SETMETRIC,
  OP_DSIZE_SETMETRIC,
  /* A whole loop over a list of the record, LOOP to NEXT, run at once
   * (loopk.c): a = the list, b = its struct loopk in rs->loops.  Its rows
   * count the steps the loop's instructions as written would, edge by edge
   * (under TIER_COUNT_STEPS), so the cost bound holds as it did. */
  OP_LOOPK,
  OP__RUN_COUNT
};

/* loopk.c's rows: a test goes to t when it holds (steps st) and to f when
 * not (sf); an action does its work and goes to t (st).  LR_HELD stands
 * for three rows (LEA x; NONE y; GTA y) and its k for the steps of the
 * third's two ways: st2 | sf2 << 32 (fuse_held).  x is the item's
 * field in slot `slot` (0 for a row that reads none: every item has one),
 * k the operand, r the register or distinct set. */
enum {
  /* x != none && x op k (k is never none), op ==, !=, <, <=, >, >= */
  LR_EQK,
  LR_NEK,
  LR_LTK,
  LR_LEK,
  LR_GTK,
  LR_GEK,
  /* x != none && asof != none && x op asof */
  LR_EQA,
  LR_NEA,
  LR_LTA,
  LR_LEA,
  LR_GTA,
  LR_GEA,
  LR_INSET,    /* x in the set of bit mask k */
  LR_NONE,     /* x is none */
  LR_WITHIN_M, /* x within k months of asof */
  LR_WITHIN_D, /* x within k days of asof */
  LR_TRUE,     /* x == 1 (a bool field) */
  LR_HELD,     /* valid at the date: x <= asof and (y is none or y > asof), y the field in slot2 (k: steps) */
  LR_REG,      /* register r == 1 */
  LR_SET,      /* register r = k */
  LR_COPY,     /* register r = x */
  LR_NORM,     /* register r = (register r == 1) */
  LR_INCR,     /* register r += 1 (wrapping) */
  LR_SUM,      /* register r += x, unless none (may overflow) */
  LR_MIN,      /* register r = the smaller of it and x (none: the other) */
  LR_MAX,
  LR_DADD_S, /* the text x into distinct set r */
  /* a test and the count of the items that pass it: register r += (x
   * passes), then on to t (loopk.c fuse_count) */
  LR_C_LEA,
  LR_C_INSET,
  LR_C_WITHIN_M,
  LR_END, /* the item is done (NEXT) */
  LR__COUNT
};
struct lrow {
  uint8_t op;
  uint16_t slot;
  uint32_t r;
  int64_t k;
  const struct lrow *t, *f;
  uint32_t st, sf;
  uint32_t at;      /* an action that may fault: its instruction's index */
  uint8_t top, fop; /* t's op and f's (run_loopk jumps on them) */
  uint16_t slot2;   /* LR_HELD: the second field's slot */
};
struct loopk {
  uint32_t list, exit; /* the list; the instruction after the NEXT */
  uint32_t pre;        /* each item starts at `first`, with `pre` steps */
  const struct lrow *first;
  uint32_t nrows;
  const struct lrow *rows;
};
int loopk_build(struct tier_ruleset *rs, uint32_t n);

/* A requirement whose code is [METRIC m; xxK_I k; RET] (a metric compared
 * with a constant) or [METRIC m; RET] (a bool metric), the commonest
 * shapes: run_req computes it without entering vm_run.  cmp is the xxK_I
 * opcode or OP_RET; 0 for any other shape.  But for NEK_I, it holds when
 * the register's value lies in [lo, hi] (none, the least value, never
 * does; an empty range, lo > hi, when the constant is none). */
struct simple_req {
  uint8_t cmp;
  uint32_t m, k;
  int64_t lo, hi;
};

struct tier_ruleset {
  struct tier_alloc_hook hook;
  struct image *img;
  struct vinsn *code;
  struct vinsn *run;   /* what vm_run runs: code with some pairs fused (vm.c, fuse) */
  struct loopk *loops; /* the OP_LOOPK of run (loopk.c) */
  uint32_t nloops;
  uint32_t *insn_at;        /* byte offset -> instruction index */
  int64_t *kvals;           /* runtime value of each constant */
  bool num_regs;            /* some register holds a number (nregs is used) */
  uint32_t *req_entry, review_entry, metric_entry;
  struct simple_req *simple; /* each requirement's shape when it is a register and a constant (vm.c) */
  bool *keyed;               /* per field: a count distinct may read its texts (vm.c, keyed_fields) */
  bool stamped[MAX_DSETS];   /* per set: every add is a text read from an item (vm.c, keyed_fields) */
  uint32_t *grant_entry;     /* each grant's condition or value, UINT32_MAX for none */
  uint32_t ntypes;          /* values of the partner enum (0 without one) */
  uint32_t *ladder_start;   /* per type p: its tiers are ladder[ladder_start[p] .. ladder_start[p+1]) */
  uint32_t *ladder;         /* tier indices, grouped by type, lowest first */
  uint32_t *tier_pos;       /* each tier's place in its partner type's ladder */
  uint32_t *req_item;       /* each requirement's item */
  bool *flat;               /* per block: its items are its requirements' leaves, item k requirement
                               k's (vm.c, today_block walks both at once) */
  const char **time_text;   /* each block's time clause in canonical form, NULL if none */
  uint32_t *clause_next;    /* per block whose time clause it walks with others (a badge's, a
                               tier's but `sustained`): the next of its ladder or of the badges
                               with the same clause, NO_ITEM after the last (vm.c, shared_clause) */
  bool *clause_first;       /* per block: the first of such a run */
  const char **item_name;   /* a group's name: a branch's ("branch 2" when the rules
                               give none), "either", "at least N of M"; NULL for a leaf */
  uint32_t *item_place;     /* a branch the rules give no name: its place in its either
                               (1, 2, ...), which item_name says; 0 for any other item */
  char hash_hex[65];         /* the rules hash (mn_hash), in hex */
  /* what results say of the rules, read from their meaning at load so
   * that meaning.c stays the one reader of the code besides the VM */
  struct mn_shape *shape;   /* per requirement: its shape as written (meaning.h) */
  struct mn_ref *refs;      /* the requirements' block references (shape[q].ref_first) */
  struct mn_write *writes;  /* the metric block's register writes, `at` an */
  uint32_t nwrites;         /* instruction index (a runtime error's metric) */
  struct score *scores;     /* per register: score.h's, entry UINT32_MAX for a metric that is no score */
  struct vinsn *whatif;     /* the scores' code, each alone, for vm_run_code (score.c) */
  uint64_t score_work;      /* meaning nodes score.c walked at load (within its budget) */
  uint32_t *gap_slot, ngap; /* per requirement on a score, its struct gap_memo (score.c) */
  uint64_t cost_gap;        /* the steps whatif.c's searches may take a record: in the cost bound */
  struct score *req_scores; /* per requirement: the inputs of a compared formula call (score.c) */
  struct vinsn *callcode;   /* compared calls' explain code with their counts and sums read
                               from registers, each alone, for vm_run_code (score.c agg_inputs) */
};

/* The outcome of one evaluation, kept in the VM between calls. */
struct req_out { bool met; };
struct eval {
  int64_t asof;
  int ptype;
  int tier, next;           /* tier indices into img->tiers, -1 if none */
  bool *met;                /* per requirement, at asof */
  bool *held;               /* per item of the blocks evaluated, at asof */
  bool *badge_held;         /* per badge: held (its time clause included) */
  int64_t *regs_today;      /* metric registers at asof */
  struct num *nregs_today;  /* number registers at asof */
  int32_t *grant_tier;      /* per grant: the tier it gives the record at asof, -1 for none
                               (its condition fails, its value is none, or it is a tier of
                               another partner type) */
  bool granted;             /* the tier comes from a grant, not from its requirements */
  bool *ref_holds, *ref_meets; /* per block, what HOLDS and MEETS read: the outcome of the
                               previous round (vm_evaluate), false in the first */
  /* a round before the last: the references it reads may not be final, nor
     are its runtime errors (vm.c, round_run) */
  bool provisional;
  /* per block (tiers, then badges), the checkpoint that decided its time
     clause (vm.c, shared_clause): sustained, the latest failing one; at
     any, the latest holding one; else TIER_NONE */
  int64_t *time_at;
  bool *rules_ok; /* per tier: its block's requirements hold today (eval_today) */
};

struct tier_vm {
  const struct tier_ruleset *rs;
  struct tier_alloc_hook hook;
  int64_t *stack;
  int64_t *regs;
  /* values of class F: the number at stack position i is nstack[i], the
   * number in register m is nregs[m] (see opcodes.h) */
  struct num *nstack;
  struct num *nregs;
  /* count distinct: img->nsets open-addressing sets of dcap slots each
   * (in dkeys and dgens, set k at k * dcap), whose slots carry the set's
   * generation, so that clearing one is a counter increment */
  struct dset {
    uint64_t *keys;
    uint32_t *gens;
    uint32_t gen, n;
    bool stamp; /* for this record: gens[h] == gen when text handle h is in the set (vm_prepare) */
  } * dsets;
  uint64_t *dkeys;
  uint32_t *dgens;
  uint32_t dcap;
  /* median: the numbers of one loop, sorted by MEDIAN; each buffer holds
   * mcap numbers, the record's longest list (vm_prepare) */
  struct mbuf { struct num *v; uint32_t n; } mbufs[MAX_MBUFS];
  uint32_t mcap;
  struct hash_key hkey;     /* the sets' SipHash key */
  uint64_t probes;          /* set slots looked at, in all records (tests count work with it) */
  int64_t win_asof, win_m, win_lo; /* the last window (vm.c, window_lo): its date, months and start */
  struct eval ev;
  struct record rec;
  void *reader;             /* record.c's buffers */
  bool *keyed;              /* per field: its texts are keyed as it reads them (struct rec_str): rs->keyed,
                               and those of the VMs that share its reader (tier_vm_share_reader) */
  bool read_whole;          /* rec holds the record the last tier_eval_json read (its own buffers) */
  struct tier_vm *peer;     /* tier_vm_share_reader's: whose records tier_eval_read evaluates */
  uint32_t *owner_start, *owner_fields; /* json.c: fields by owner */
  size_t seen_size;
  char err[512];
  char path[256];
  uint32_t err_pc;
  int err_line, err_col;     /* malformed JSON: where, within the record's text */
  long origin_line, origin_col; /* where the record's text starts in its input (0: 1) */
  uint64_t max_cost;         /* the cost budget (tier_options.max_cost), 0: none */
  bool strict_fields;        /* an undeclared key is a record error (tier_options.strict_fields) */
  char jerr[160];            /* malformed JSON: jansson's words */
  uint64_t steps;            /* what the cost bound counts, in all records: the driver's steps
                                (runs, tier visits, register clears) always, and the
                                instructions run in a TIER_COUNT_STEPS build of vm.c */
  /* the result of the last evaluation (result.c): the unmet requirements of
   * the next tier, and with all_reqs every requirement of the partner's type;
   * each array has room for every requirement and sustained clause */
  tier_result res;
  tier_req_result *unmet, *reqs;
  size_t req_cap, unmet_used;
  bool all_reqs;
  tier_badge_result *badges;  /* per badge */
  /* the values entries are described with (result.c): the evaluation
   * date's (ev.regs_today, ev.nregs_today, ev.met), or a checkpoint's */
  struct view { const int64_t *regs; const struct num *nregs; const bool *met; } view;
  /* the trace slots of the requirement vm_trace ran last (2 per traced
   * comparison; a computed threshold's value and threshold in
   * TRACE_ACTUAL and TRACE_REQUIRED): its part of the pools below */
  int64_t *trace;
  struct num *ntrace;
  /* every requirement's trace slots, from 2 * xfirst (2 * ntraces in
   * all), and per requirement the evaluation they were filled in
   * (trace_at[q] == trace_stamp), so that describing it twice runs its
   * explain code once, as the cost bound counts it */
  int64_t *trace_v;
  struct num *trace_q;
  uint32_t *trace_at;
  uint32_t trace_stamp;
  struct gap_memo *gap;       /* per rs->gap_slot: whatif.c's answer in the evaluation of its stamp */
  uint64_t gap_runs;          /* whatif.c's runs, in all records */
  bool *cp_met;               /* per requirement: its outcome at a checkpoint */
  const tier_req_result **cp_list; /* per block: the requirements that failed at the */
  size_t *cp_n;               /* checkpoint its sustained clause failed at, once described */
  /* those lists' entries, in chunks kept from record to record (result.c,
   * cp_entries): as many as the requirements run at the checkpoints, which
   * the cost bound counts, not sized ahead (for every sustained tier, the
   * requirements at or below it: the square of the tiers) */
  struct cp_chunk {
    struct cp_chunk *next;
    size_t cap, used;
    tier_req_result e[];
  } * cp_pool, *cp_cur;
  bool cp_oom;      /* a chunk could not be had: the evaluation gives TIER_ENOMEM */
  uint64_t cp_work; /* tiers looked at to describe failing checkpoints (result.c), all records */
  /* the smallest change (result.c, price_items): per item */
  uint64_t *cost;
  bool *picked;
  unsigned ref_needs_left; /* result.c, describe_ref_needs: requirements it may still describe */
  struct cost_pair { uint64_t cost; uint32_t item; } *pairs;
};

uint64_t vm_record_cost(const struct tier_ruleset *rs, const struct record *rec);
/* cost + per x n, saturating.  Inline, as vm_over_budget's test: the
 * reader asks both at every list item. */
static inline uint64_t vm_cost_add(uint64_t cost, uint64_t per, uint64_t n) {
  uint64_t add;
  if (__builtin_mul_overflow(per, n, &add) || __builtin_add_overflow(cost, add, &cost)) return UINT64_MAX;
  return cost;
}
/* What a record without list items may cost: the file's cost_base and
 * the gap's searches (score.c, rs->cost_gap). */
static inline uint64_t vm_base_cost(const struct tier_ruleset *rs) { return vm_cost_add(rs->img->cost_base, rs->cost_gap, 1); }
/* Is a record whose cost bound is at least `cost` over the budget?  Then
 * vm->err says so (vm_say_over_budget).  The reader asks as it reads each
 * list item, before it grows anything, with the bound of what it has read
 * so far (`partial`: so no record costs memory beyond the budget), and
 * tier_eval_json once the record is read. */
bool vm_say_over_budget(struct tier_vm *vm, uint64_t cost, bool partial);
static inline bool vm_over_budget(struct tier_vm *vm, uint64_t cost, bool partial) {
  return vm->max_cost && cost > vm->max_cost && vm_say_over_budget(vm, cost, partial);
}
int vm_prepare(struct tier_vm *vm, const struct record *r);
int vm_run(struct tier_vm *vm, uint32_t entry, const struct record *r, int64_t asof, int64_t *out);
/* vm_run of other code than the ruleset's: rs->whatif (score.c, whatif.c) */
int vm_run_code(struct tier_vm *vm, const struct vinsn *code, uint32_t entry, const struct record *r, int64_t asof, int64_t *out);
int vm_evaluate(struct tier_vm *vm, const struct record *r, int64_t asof_override);
/* Run requirement q's explain code with the evaluation date's registers
 * (once per evaluation), and point vm->trace and vm->ntrace at its trace
 * slots; false if it has none or fails. */
bool vm_trace(struct tier_vm *vm, uint32_t q);
/* A value of any kind but number as text, as img_value_text writes it; a
 * text is a handle of record r or a string constant (TEXT_CONST). */
const char *vm_value_text(const struct tier_ruleset *rs, const struct record *r, int kind, uint16_t ref, int64_t v, char *buf,
                          size_t n);
/* The number in a record slot (a handle into r->nums); false for a handle
 * that names no number. */
bool vm_record_num(const struct record *r, int64_t h, struct num *out);

/* Run the metric block, then the requirements of blocks b0..b (only those
 * of partner type p when p >= 0) at date `at` into met; vm->regs and
 * vm->nregs hold the metrics at `at` after.  The result describes a
 * failing checkpoint with it. */
int vm_run_at(struct tier_vm *vm, const struct record *r, int64_t at, int p, uint32_t b0, uint32_t b, bool *met);
/* vm_run_at's halves: the metric block alone, and then block b's
 * requirements (into met) with the metrics it left. */
int vm_run_metrics_at(struct tier_vm *vm, const struct record *r, int64_t at);
int vm_run_block_at(struct tier_vm *vm, const struct record *r, int64_t at, uint32_t b, bool *met);

/* result.c: evaluate the record rec_parse bound to vm->rec and build vm->res */
int res_eval_bound(struct tier_vm *vm, int64_t asof, const tier_result **res);

/* record.c */
int rec_parse(struct tier_vm *vm, const char *json, size_t len, struct record *out);
void rec_free(struct tier_vm *vm);

/* Text h of record r or a string constant of rs (TEXT_CONST): its bytes
 * and length; false for a handle that names no text.  Two texts compared
 * as the VM compares them: byte by byte and whole.  (Here, inline, for the
 * VM's hot paths and for coverage.c, which must compare as the VM does.) */
static inline bool vm_text_of(const struct tier_ruleset *rs, const struct record *r, int64_t h, const char **p, uint32_t *n) {
  if (h & TEXT_CONST) {
    uint64_t k = (uint64_t)(h & ~TEXT_CONST);
    if (k >= rs->img->nstrs) return false;
    *p = rs->img->strs[k];
    *n = rs->img->strlens[k];
    return true;
  }
  if (h < 0 || (uint64_t)h >= r->nstrs) return false;
  *p = r->strs[h].p;
  *n = r->strs[h].n;
  return true;
}

static inline int vm_text_cmp(const char *a, uint32_t na, const char *b, uint32_t nb) {
  int c = memcmp(a, b, na < nb ? na : nb);
  return c ? c : (na > nb) - (na < nb);
}

#endif
