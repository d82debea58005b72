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
struct score_input {
  uint32_t x;
  bool field;
};
struct score {
  uint32_t entry, n;
  struct score_input in[SCORE_INPUTS];
  bool own; /* a requirement's (rs->req_scores): its compared side is a formula call; entry, when
               not UINT32_MAX, is the requirement's own code in rs->code, run as it is */
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
 * alone meets it.  The runs change nothing a result reads: the
 * registers, the record and vm->steps are as they were. */
uint32_t whatif_changes(struct tier_vm *vm, uint32_t q, struct score_change ch[SCORE_INPUTS]);

#endif
