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
#define SCORE_WORK_PER_INSN 16
#define SCORE_WORK_BASE 65536
struct score_input {
  uint32_t x;
  bool field;
};
struct score {
  uint32_t entry, n;
  struct score_input in[SCORE_INPUTS];
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

/* Requirement q compares a score (its metric's rs->scores entry) with a
 * constant: put in ch each input's smallest change that alone meets q at
 * the evaluation date, fewest units first (ties in the order the score
 * reads its inputs); how many, 0 when q's metric is no score or no input
 * alone meets it.  The runs change nothing a result reads: the
 * registers, the record and vm->steps are as they were. */
uint32_t whatif_changes(struct tier_vm *vm, uint32_t q, struct score_change ch[SCORE_INPUTS]);

#endif
