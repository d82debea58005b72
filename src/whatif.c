/*
 * whatif.c - what if one input of a score changed: the smallest change of
 * each input that alone meets an unmet requirement on the score (SPEC
 * 3.5, docs/language.md 8.3).  score.c found the scores at load and copied
 * each one's code to rs->whatif; result.c says the changes found here.  A
 * requirement whose compared side is a formula call is searched the same
 * way on its own code (score.c call_inputs), run as it is, with no copy.
 *
 * For each input the search runs the score's copy (vm_run_code) and then
 * the requirement's code: increases of 1, 2, 4, ... 2^40 units until one
 * meets, then halving between the last that did not and the first that
 * did; decreases the same way down to 0.  Its runs are not the
 * evaluation's: at most 41 + 40 runs up and 64 + 63 down of the stretch
 * and the requirement per input (SCORE_RUNS_PER_INPUT), SCORE_INPUTS
 * inputs, each run at most SCORE_MAX_CODE + 5 instructions (a compared
 * call's own code: SCORE_MAX_CODE) whatever the record's size, once per requirement and evaluation (remembered in
 * vm->gap); the cost bound counts them (score.c, gap_slots: rs->cost_gap),
 * a step a run and, in a TIER_COUNT_STEPS build, each instruction.  The
 * reference interpreter searches the same way (tests/ref/ref_score.c).
 */
#include <string.h>

#include "score.h"

#define SCORE_MAX_STEP 40 /* the largest change tried: 2^40 units */

/* Does requirement q hold with input k of score sc at value v (the
 * evaluation date's registers, the record as read, but for that input)?
 * A run-time error (an overflow far from the value) holds nothing. */
static bool holds_with(struct tier_vm *vm, const struct score *sc, uint32_t q, uint32_t k, int64_t v) {
  int64_t *slot = score_input_at(vm, &sc->in[k]);
  int64_t old = *slot, met = 0;
  *slot = v;
  vm->steps++; /* a run of the driver's, counted in the bound (score.c, gap_slots) */
  vm->gap_runs++;
  int rc = sc->own ? TIER_OK : vm_run_code(vm, vm->rs->whatif, sc->entry, &vm->rec, vm->ev.asof, NULL);
  if (sc->agg) rc = vm_run_code(vm, vm->rs->callcode, sc->entry, &vm->rec, vm->ev.asof, &met);
  else if (rc == TIER_OK) rc = vm_run(vm, vm->rs->req_entry[q], &vm->rec, vm->ev.asof, &met);
  *slot = old;
  if (rc != TIER_OK) vm->err[0] = vm->path[0] = 0; /* the record's evaluation went well */
  return rc == TIER_OK && met == 1;
}

/* The smallest change d of input k from value v, by d units up or down,
 * that meets q: 1, 2, 4, ... units, the largest allowed last (up:
 * 2^SCORE_MAX_STEP; down: v, to 0), until one meets, then halving between
 * the last that did not and the first that did.  0 when none meets. */
static uint64_t smallest_change(struct tier_vm *vm, const struct score *sc, uint32_t q, uint32_t k, int64_t v, bool up) {
  uint64_t most = up ? (uint64_t)1 << SCORE_MAX_STEP : (uint64_t)v, lo = 0, hi = 0;
  if (up && v > 0 && (uint64_t)(INT64_MAX - v) < most) most = (uint64_t)(INT64_MAX - v); /* v + most fits */
  for (uint64_t d = 1; most > 0; d *= 2) {
    if (d > most) d = most;
    if (holds_with(vm, sc, q, k, up ? v + (int64_t)d : v - (int64_t)d)) {
      hi = d;
      break;
    }
    lo = d;
    if (d == most) break;
  }
  while (hi > lo + 1) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (holds_with(vm, sc, q, k, up ? v + (int64_t)mid : v - (int64_t)mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/* Input k's smallest change that meets q alone, the smaller of up and
 * down (up on a tie; a count or sum only up: it is what the partner adds
 * to); false when neither meets. */
static bool input_change(struct tier_vm *vm, const struct score *sc, uint32_t q, uint32_t k, struct score_change *c) {
  int64_t v = *score_input_at(vm, &sc->in[k]);
  if (v == TIER_NONE) return false;
  uint64_t up = smallest_change(vm, sc, q, k, v, true), down = v > 0 && !sc->agg ? smallest_change(vm, sc, q, k, v, false) : 0;
  if (!up && !down) return false;
  bool take_up = up && (!down || up <= down);
  *c = (struct score_change){take_up ? up : down, take_up, k};
  return true;
}

/* A compared call's count or sum u as requirement q's explain code traced
 * it: the call's first trace that has a value (a call written twice has
 * a trace each, and `if` may have passed by one); none when no code of it
 * ran. */
static int64_t count_value(const struct tier_vm *vm, uint32_t q, const struct score_input *u) {
  const struct image *img = vm->rs->img;
  const struct img_req *r = &img->reqs[q];
  const char *call = img_str(img, img->traces[r->xfirst + u->trace].call);
  for (uint32_t t = u->trace; t < r->xn; t++) {
    uint32_t c = img->traces[r->xfirst + t].call;
    if (c != NO_STR && vm->trace[2 * (size_t)t] != TIER_NONE && !strcmp(img_str(img, c), call)) return vm->trace[2 * (size_t)t];
  }
  return TIER_NONE;
}

/* Each input's smallest change of score sc (metric m) that meets q, into
 * ch; how many. */
static uint32_t search(struct tier_vm *vm, const struct score *sc, uint32_t q, int32_t m, struct score_change *ch) {
  /* a call's counts and sums: their values as its explain code traced them */
  if (sc->agg && !vm_trace(vm, q)) return 0;
  for (uint32_t k = 0; sc->agg && k < sc->n; k++) vm->ev.regs_today[sc->in[k].x] = count_value(vm, q, &sc->in[k]);
  /* the copy writes the score's register and reads the evaluation date's:
   * run with those, and put back what it wrote */
  int64_t *regs = vm->regs, kept = m >= 0 ? vm->ev.regs_today[m] : 0;
  struct num *nregs = vm->nregs, nkept = m >= 0 ? vm->ev.nregs_today[m] : num_none();
  vm->regs = vm->ev.regs_today;
  vm->nregs = vm->ev.nregs_today;
  uint32_t n = 0;
  for (uint32_t k = 0; k < sc->n; k++) {
    struct score_change c;
    if (!input_change(vm, sc, q, k, &c)) continue;
    uint32_t at = n++;
    for (; at > 0 && ch[at - 1].d > c.d; at--) ch[at] = ch[at - 1];
    ch[at] = c;
  }
  if (m >= 0) { /* a formula call's search runs no copy: it writes no register */
    vm->ev.regs_today[m] = kept;
    vm->ev.nregs_today[m] = nkept;
  }
  vm->regs = regs;
  vm->nregs = nregs;
  return n;
}

uint32_t whatif_changes(struct tier_vm *vm, uint32_t q, struct score_change ch[SCORE_INPUTS]) {
  int32_t m = vm->rs->img->reqs[q].metric;
  const struct score *sc = score_of_req(vm->rs, q);
  if (!sc) return 0;
  struct gap_memo *g = &vm->gap[vm->rs->gap_slot[q]];
  if (g->at != vm->trace_stamp) { /* once an evaluation, as the cost bound counts it */
    g->n = search(vm, sc, q, m, g->ch);
    g->at = vm->trace_stamp;
  }
  memcpy(ch, g->ch, sizeof *ch * g->n);
  return g->n;
}
