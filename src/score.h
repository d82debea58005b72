/*
 * score.h - the record metrics that are scores of several inputs: found at
 * load (score.c), searched for the smallest change that meets a
 * requirement (whatif.c), said by result.c.
 */
#ifndef TIER_SCORE_H
#define TIER_SCORE_H

#include "meaning.h"
#include "vm.h"

/* A record metric computed, without a list, from two or more inputs
 * (score.c): where its code's copy starts in rs->whatif, and its inputs,
 * each a top-level field (by slot) or a record metric (by register). */
#define SCORE_INPUTS 8
/* score.c's limits: a score's code (its SETMETRIC included) is at most
 * SCORE_MAX_CODE instructions, and the load walks at most
 * SCORE_WORK_PER_INSN meaning nodes per instruction of the metric block
 * plus SCORE_WORK_BASE to find which inputs another depends on (a score
 * past it gets no input-naming analysis; docs/language.md, limits). */
#define SCORE_MAX_CODE 256
/* The registers past img->nmetrics of the evaluation date's that hold a
 * compared call's counts and sums while they are searched (whatif.c). */
#define SCORE_AGG_REGS SCORE_INPUTS
/* whatif.c's search runs a score's code and the requirement's at most
 * SCORE_RUNS_PER_INPUT times per input (up: 41 doublings and 40 halvings;
 * down: 64 and 63), once per requirement and record (remembered in
 * struct gap_memo): the cost bound counts that many runs for each
 * requirement on a score (rs->cost_gap), so --max-cost bounds it too. */
#define SCORE_RUNS_PER_INPUT 256
#define SCORE_WORK_PER_INSN 16
#define SCORE_WORK_BASE 65536
/* A requirement comparing a formula call (rs->req_scores) walks within a
 * budget of its own, SCORE_CALL_WORK nodes: the load's work for them is at
 * most that many per requirement. */
#define SCORE_CALL_WORK 4096
struct score_input {
  uint32_t x;
  bool field;
  bool agg;       /* a compared call's count or sum (score.c agg_inputs): x the register
                     img->nmetrics + k of the evaluation date's that holds it during the
                     search, its value the traced call's of trace pair `trace` */
  uint32_t trace; /* agg: its call's trace, of the requirement's (from xfirst) */
};
struct score {
  uint32_t entry, n;
  uint32_t len; /* instructions of the copy, its END included (own: the requirement's code, its RET included) */
  struct score_input in[SCORE_INPUTS];
  bool own; /* a requirement's (rs->req_scores): its compared side is a formula call; entry, when
               not UINT32_MAX, is the requirement's own code in rs->code, run as it is */
  bool agg; /* own, and its inputs are the call's counts and sums: entry is the copy of the
               requirement's explain code in rs->callcode that reads them from registers */
};

/* Find the record metrics that are scores (score.c says which) and copy
 * each one's code to rs->whatif; m is the ruleset's meaning, ncode its
 * instructions.  TIER_OK or TIER_ENOMEM. */
int score_load(struct tier_ruleset *rs, struct meaning *m, uint32_t ncode);

/* Where input u's value is at the evaluation date: a field's in the
 * record as read, a metric's in the registers. */
static inline int64_t *score_input_at(const struct tier_vm *vm, const struct score_input *u) {
  return u->field ? &vm->rec.top[u->x] : &vm->ev.regs_today[u->x];
}

/* whatif.c: a change of d units (money: cents) of input k of a score, up
 * or down. */
struct score_change {
  uint64_t d;
  bool up;
  uint32_t k;
};

/* A requirement's changes, found once per evaluation (at == the VM's
 * trace_stamp when they are this evaluation's): per requirement on a
 * score, at rs->gap_slot[q]. */
struct gap_memo {
  uint32_t at, n;
  struct score_change ch[SCORE_INPUTS];
};

/* The score requirement q's smallest change searches: its metric's when q
 * compares a score with a constant, q's own when its compared side is a
 * formula call whose code reads inputs; NULL for neither. */
static inline const struct score *score_of_req(const struct tier_ruleset *rs, uint32_t q) {
  int32_t m = rs->img->reqs[q].metric;
  const struct score *sc = m >= 0 ? &rs->scores[m] : &rs->req_scores[q];
  return sc->entry == UINT32_MAX ? NULL : sc;
}

/* Requirement q compares a score (its metric's rs->scores entry) with a
 * constant, or a formula call with a threshold (rs->req_scores[q]): put in
 * ch each input's smallest change that alone meets q at the evaluation
 * date, fewest units first (ties in the order the score reads its
 * inputs); how many, 0 when q has no score (score_of_req) or no input
 * alone meets it.  The runs change nothing a result reads: the registers
 * and the record are as they were.  They are counted in vm->steps (a step
 * a run, and their instructions in a TIER_COUNT_STEPS build), once per
 * requirement and evaluation: asked again, the first answer is given. */
uint32_t whatif_changes(struct tier_vm *vm, uint32_t q, struct score_change ch[SCORE_INPUTS]);

#endif
