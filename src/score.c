/*
 * score.c - which record metrics are scores, for the smallest change to a
 * score built from several inputs (SPEC 3.5, docs/language.md 8.3): when
 * a requirement `METRIC CMP constant` is not met and its metric is
 * computed, without a list, from two or more inputs (top-level int or
 * money fields, metrics of int or money), the gap lists each input whose
 * change alone meets it, fewest units first, at most three: "+2 certified
 * or +23 wins".
 *
 * This file is the load-time half, called by the loader (vm.c): each
 * record metric's stretch of the metric block is found, from where the
 * stack is empty before it (after the previous metric's SETMETRIC, or
 * after a loop that began so) to its SETMETRIC.  A stretch with no loop
 * that writes no other register is copied into rs->whatif with END after
 * it: run there with one input changed, it gives the metric for that
 * input's value, everything else as evaluated, in a few instructions
 * whatever the record's size.  An input that another input depends on
 * (`a` beside `twice_a = a * 2`) is left out: it cannot change alone.
 *
 * Linear work whatever the rules: a stretch of more than SCORE_MAX_CODE
 * instructions makes no score, and finding which inputs another depends on
 * walks the metrics' meaning within one budget for the whole load,
 * SCORE_WORK_PER_INSN nodes per instruction of the metric block plus
 * SCORE_WORK_BASE, taken score by score in register order.  The score
 * whose walk runs out, and every score after it (even one that would walk
 * nothing: the budget is spent), gets no input-naming analysis: its gap says the value it must reach.  The load
 * does not fail.
 *
 * The search that runs the copies is whatif.c's, and the need it makes is
 * result.c's: both run after loading, so that the loader never calls the
 * code that calls it.
 */
#include <string.h>

#include "meaning.h"
#include "score.h"
#include "vm.h"

static bool value_kind(int kind) { return kind == TY_INT || kind == TY_MONEY; }

/* Does instruction op write a register (SETMETRIC, INCR, CNTR ... ALLR)? */
static bool writes_register(int op) { return op_info[op].fmt == MET && op != OP_METRIC && op != OP_METRIC_F; }

/* The jump target operand of v, NULL when v does not jump. */
static uint32_t *jump_of(struct vinsn *v) {
  switch (op_info[v->op].fmt) {
  case JMP: return &v->a;
  case K_JMP:
  case MET_JMP: return &v->b;
  default: return NULL;
  }
}

/* Where each record metric's last stretch lies (s[r] .. e[r], e[r] its
 * SETMETRIC; e[r] == 0 for none), and which registers a loop writes. */
struct stretches {
  uint32_t *s, *e;
  bool *in_loop;
};

static void find_stretches(const struct tier_ruleset *rs, uint32_t ncode, struct stretches *st) {
  const struct image *img = rs->img;
  bool began[LIM_LIST_DEPTH + 1]; /* per open loop: it began with an empty stack */
  uint32_t start = rs->metric_entry, nest = 0;
  for (uint32_t i = rs->metric_entry; i < ncode && rs->code[i].op != OP_END; i++) {
    const struct vinsn *v = &rs->code[i];
    if (v->op == OP_LOOP) {
      if (nest > LIM_LIST_DEPTH) return; /* deeper than verified code goes: no scores */
      began[nest++] = start == i;
    } else if (v->op == OP_NEXT) {
      if (nest == 0) return;
      if (began[--nest] && nest == 0) start = i + 1;
    } else if (writes_register(v->op) && v->a < img->nmetrics) {
      if (nest > 0) st->in_loop[v->a] = true;
      else if (v->op == OP_SETMETRIC || v->op == OP_SETMETRIC_F) {
        st->s[v->a] = start;
        st->e[v->a] = i;
        start = i + 1;
      }
    }
  }
}

/* Is s .. e straight code (no loop, no jump out, no other write, no item
 * or set), reading only record metrics? */
static bool straight(const struct tier_ruleset *rs, uint32_t s, uint32_t e) {
  const struct image *img = rs->img;
  for (uint32_t i = s; i < e; i++) {
    struct vinsn v = rs->code[i];
    int f = op_info[v.op].fmt;
    const uint32_t *t = jump_of(&v);
    if (f == LST_JMP || f == LST_BACK || f == ITM || f == SET || f == BUF || f == TRC || f == BLK || writes_register(v.op))
      return false;
    if (t && (*t <= i || *t > e)) return false;
    if ((v.op == OP_METRIC || v.op == OP_METRIC_F) && !mn_is_record_metric(img, v.a)) return false;
  }
  return true;
}

/* Run alone from an empty stack, does stretch s .. e never take a value
 * it did not push, and leave one for its SETMETRIC?  Compiled code starts
 * each metric on an empty stack; a crafted file need not, and the copy
 * runs alone.  The verifier's rules: ANDJ and ORJ keep the tested value
 * on the jump and pop it on the fall-through, JUMP does not fall through
 * (depth: scratch for e - s + 1 depths). */
static bool meet(int32_t *depth, uint32_t at, int32_t d) {
  if (depth[at] < 0) depth[at] = d;
  return depth[at] == d;
}
/* The stack depth before each instruction of s .. e (depth[i - s], -1
 * where not reached), loops included: a LOOP's jump past its NEXT and a
 * NEXT's jump back keep the depth.  False when the code keeps to no one
 * depth, as a crafted file need not (a jump out of s .. e, or a LOOP's
 * or NEXT's the wrong way, among them). */
static bool loop_depths(const struct tier_ruleset *rs, uint32_t s, uint32_t e, int32_t *depth) {
  for (uint32_t i = s; i <= e; i++) depth[i - s] = -1;
  depth[0] = 0;
  for (uint32_t i = s; i < e; i++) {
    struct vinsn v = rs->code[i];
    const struct opinfo *oi = &op_info[v.op];
    int32_t d = depth[i - s], after = d - oi->pops + oi->pushes;
    uint32_t *t = oi->fmt == LST_JMP || oi->fmt == LST_BACK ? &v.b : jump_of(&v);
    if (d < 0) continue; /* not reached */
    if (d < oi->pops) return false;
    if (t && (*t < s || *t > e || (oi->fmt == LST_BACK ? *t > i : *t <= i) || !meet(depth, *t - s, after))) return false;
    if (v.op != OP_JUMP && !meet(depth, i + 1 - s, v.op == OP_ANDJ || v.op == OP_ORJ ? after - 1 : after)) return false;
  }
  return depth[e - s] >= 1;
}
static bool balanced(const struct tier_ruleset *rs, uint32_t s, uint32_t e, int32_t *depth) {
  return loop_depths(rs, s, e, depth); /* straight code: the same rules, no loop in it */
}

/* What stretch s .. e reads: the registers (any type, each once; false
 * when more than SCORE_READS), and the inputs in the order it reads them,
 * each once, the first SCORE_INPUTS. */
#define SCORE_READS 64
struct reads {
  uint32_t reg[SCORE_READS], n;
};
static bool read_inputs(const struct tier_ruleset *rs, uint32_t s, uint32_t e, struct score *sc, struct reads *rd) {
  const struct image *img = rs->img;
  for (uint32_t i = s; i < e; i++) {
    const struct vinsn *v = &rs->code[i];
    bool field = v->op == OP_FIELD, metric = v->op == OP_METRIC || v->op == OP_METRIC_F || v->op == OP_JFR;
    if (!field && !metric) continue;
    bool seen = false;
    for (uint32_t k = 0; metric && k < rd->n; k++) seen |= rd->reg[k] == v->a;
    if (metric && !seen && rd->n == SCORE_READS) return false;
    if (metric && !seen) rd->reg[rd->n++] = v->a;
    int kind = field ? img->fields[img_top_field(img, v->a)].kind : img->metrics[v->a].kind;
    seen = false;
    for (uint32_t k = 0; k < sc->n; k++) seen |= sc->in[k].field == field && sc->in[k].x == v->a;
    if (value_kind(kind) && v->op != OP_JFR && !seen && sc->n < SCORE_INPUTS)
      sc->in[sc->n++] = (struct score_input){.x = v->a, .field = field};
  }
  return true;
}

/* Does meaning node n stand for input u (a field by its slot, a metric by
 * its register), or might it? */
struct input_of {
  const struct score_input *u;
  const struct image *img;
};
static bool is_input(const struct mn *n, void *ud) {
  const struct input_of *w = ud;
  if (n->kind == MN_OPAQUE) return true; /* a block meaning.c could not read may use anything */
  const struct img_field *f = n->kind == MN_FIELD ? &w->img->fields[n->x] : NULL;
  if (w->u->field) return f && f->slot == w->u->x && f->owner == NO_LIST;
  return n->kind == MN_REF && n->x == w->u->x;
}

/* Leave out each input that a metric the score reads (not the input
 * itself) depends on: it cannot change alone (that metric is computed from
 * it in the record, not again here). */
static bool independent(struct meaning *m, const struct image *img, const struct reads *rd, struct score *sc,
                        struct mn_budget *b) {
  uint32_t kept = 0;
  for (uint32_t k = 0; k < sc->n; k++) {
    struct input_of w = {&sc->in[k], img};
    bool used = false;
    for (uint32_t j = 0; j < rd->n && !used; j++)
      used = !(!sc->in[k].field && rd->reg[j] == sc->in[k].x) && mn_uses_within(m, m->reg[rd->reg[j]], is_input, &w, b);
    if (!used) sc->in[kept++] = sc->in[k];
  }
  sc->n = kept;
  return !b->out;
}

/* Copy stretch s .. e to rs->whatif at *at, with END after it and its
 * jumps moved with it. */
static uint32_t copy_stretch(struct tier_ruleset *rs, uint32_t s, uint32_t e, uint32_t *at) {
  uint32_t entry = *at;
  for (uint32_t i = s; i <= e; i++) {
    struct vinsn *v = &rs->whatif[(*at)++];
    *v = rs->code[i];
    uint32_t *t = jump_of(v);
    if (t) *t = *t - s + entry;
  }
  rs->whatif[(*at)++] = (struct vinsn){.op = OP_END};
  return entry;
}

/* Each requirement on a score gets a slot for its search's answer
 * (rs->gap_slot, UINT32_MAX for none), and the search's worst case joins
 * the cost bound (rs->cost_gap): per run the copy's instructions, the
 * requirement's (at most 4, verified) and a step of the driver. */
static int gap_slots(struct tier_ruleset *rs) {
  struct image *img = rs->img;
  rs->gap_slot = arena_alloc(&img->ar, sizeof *rs->gap_slot * (img->nreqs + 1));
  if (!rs->gap_slot) return TIER_ENOMEM;
  rs->ngap = 0;
  rs->cost_gap = 0;
  for (uint32_t q = 0; q < img->nreqs; q++) {
    const struct score *sc = score_of_req(rs, q);
    rs->gap_slot[q] = UINT32_MAX;
    if (!sc) continue;
    rs->gap_slot[q] = rs->ngap++;
    uint64_t runs = (uint64_t)sc->n * SCORE_RUNS_PER_INPUT, per_run = (uint64_t)sc->len + 4 + 1;
    rs->cost_gap = vm_cost_add(rs->cost_gap, runs, per_run);
  }
  return TIER_OK;
}

/* ---- a compared call's counts and sums (issue 18 item 8) ---------------------------------- */

/* Is s .. p - 1 a count or a sum over a list that reads only the list's
 * items and constants: `PUSH; LOOP ... SUM_I or CNT; NEXT` (a NEXT for each
 * list of its path), or `DCLEAR; LOOP ... DADD; NEXT; DSIZE` (count
 * distinct), with no field, metric, block, trace or other set in it? */
static bool count_or_sum(const struct tier_ruleset *rs, uint32_t s, uint32_t p) {
  const struct vinsn *c = rs->code;
  bool distinct = c[s].op == OP_DCLEAR;
  uint32_t last = p - 1 - distinct, nest = 0; /* last: the loop's NEXT */
  if (p < s + 4 + distinct || (c[s].op != OP_PUSH && !distinct) || c[s + 1].op != OP_LOOP || c[last].op != OP_NEXT ||
      (distinct && (c[p - 1].op != OP_DSIZE || c[p - 1].a != c[s].a)))
    return false;
  uint32_t acc = last;
  while (acc > s + 1 && c[acc].op == OP_NEXT) acc--;
  int a = c[acc].op;
  if (distinct ? (a != OP_DADD && a != OP_DADD_S) || c[acc].a != c[s].a : a != OP_SUM_I && a != OP_CNT) return false;
  for (uint32_t i = s + 1; i <= last; i++) {
    int op = c[i].op, f = op_info[op].fmt;
    if (op == OP_LOOP) nest++;
    else if (op == OP_NEXT && (nest == 0 || (--nest == 0 && i != last))) return false;
    if (f == FLD || f == MET || f == MET_JMP || f == BLK || f == TRC || f == BUF || (f == SET && c[i].a != c[s].a)) return false;
  }
  return nest == 0;
}

/* Does s .. e (a requirement's explain code, its RET last) take more than
 * SCORE_MAX_CODE instructions outside its loops (a LOOP counted, its
 * body and NEXT not; traces not counted)?  The reference counts alike. */
static bool outer_too_long(const struct tier_ruleset *rs, uint32_t s, uint32_t e) {
  uint32_t n = 0, nest = 0;
  for (uint32_t i = s; i <= e; i++) {
    int op = rs->code[i].op;
    if (nest == 0 && op != OP_TRACE && op != OP_TRACE_F) n++;
    if (op == OP_LOOP) nest++;
    else if (op == OP_NEXT && nest > 0) nest--;
  }
  return n > SCORE_MAX_CODE;
}

/* The counts and sums of requirement q's explain code (s .. e): each
 * traced formula call of int or money whose code is a count or a sum
 * (count_or_sum), its pair of TRACEs right after it, marked in `end`
 * (end[i - s]: past its second TRACE when a count or sum starts at i, else
 * 0) and given an input of sc (one per call text: the same call twice is
 * one input), whose register is img->nmetrics + k.  last[d]: scratch, per
 * stack depth the last instruction reached at it.  False when there are
 * more than SCORE_INPUTS. */
static bool find_counts(const struct tier_ruleset *rs, uint32_t q, uint32_t s, uint32_t e, const int32_t *depth, uint32_t *end,
                        uint32_t *last, struct score *sc) {
  const struct image *img = rs->img;
  const struct img_req *r = &img->reqs[q];
  for (uint32_t i = s; i <= e; i++) {
    const struct vinsn *v = &rs->code[i];
    int32_t d = depth[i - s];
    end[i - s] = 0;
    if (d >= 0 && (uint32_t)d <= img->max_stack) last[d] = i;
    if (v->op != OP_TRACE || v->a % 2 || d < 1 || (uint32_t)d > img->max_stack + 1 || i + 1 > e ||
        rs->code[i + 1].op != OP_TRACE || rs->code[i + 1].a != v->a + 1 || v->a / 2 >= r->xn)
      continue;
    const struct img_trace *t = &img->traces[r->xfirst + v->a / 2];
    uint32_t from = last[d - 1];
    if (i >= s + 3 && rs->code[i - 1].op == OP_DSIZE && rs->code[i - 2].op == OP_NEXT && rs->code[i - 2].b > s + 1)
      from = rs->code[i - 2].b - 2; /* count distinct: DCLEAR, LOOP, its body (a set takes no stack) */
    if (t->call == NO_STR || (t->kind != TY_INT && t->kind != TY_MONEY) || from < s || from >= i || !count_or_sum(rs, from, i))
      continue;
    uint32_t k = 0;
    while (k < sc->n && strcmp(img_str(img, img->traces[r->xfirst + sc->in[k].trace].call), img_str(img, t->call))) k++;
    if (k == SCORE_INPUTS) return false;
    if (k == sc->n) sc->in[sc->n++] = (struct score_input){.x = img->nmetrics + k, .agg = true, .trace = v->a / 2};
    end[from - s] = i + 2;
    last[d - 1] = UINT32_MAX; /* (a count is no value of an enclosing one) */
  }
  return true;
}

/* The input of sc whose call's text is the one traced in slot pair `trace`
 * of requirement r (find_counts gave every such call one). */
static uint32_t input_of(const struct image *img, const struct img_req *r, const struct score *sc, uint32_t trace) {
  const char *text = img_str(img, img->traces[r->xfirst + trace].call);
  uint32_t k = 0;
  while (k + 1 < sc->n && strcmp(img_str(img, img->traces[r->xfirst + sc->in[k].trace].call), text)) k++;
  return k;
}

/* Copy requirement q's explain code s .. e to rs->callcode at *at, each
 * count or sum (end) replaced by METRIC of its input's register and the
 * traces left out, its jumps moved with it; map: scratch, per instruction
 * of s .. e where it went (UINT32_MAX inside a count or sum).  False, and
 * *at as it was, when what is left reads a list, a metric, a set or a
 * block, or writes a register (straight code, as a score's), or jumps
 * into a count or sum. */
static bool copy_outer(struct tier_ruleset *rs, uint32_t q, uint32_t s, uint32_t e, const uint32_t *end, uint32_t *map,
                       const struct score *sc, uint32_t *at, uint32_t cap) {
  const struct image *img = rs->img;
  uint32_t n = *at;
  if (cap - n < e - s + 1) return false; /* (compiled rules: each its own explain code, all within cap) */
  for (uint32_t i = s; i <= e; i++) {
    struct vinsn v = rs->code[i];
    int f = op_info[v.op].fmt;
    map[i - s] = n;
    if (end[i - s]) { /* a count or sum: its input's register */
      uint32_t k = input_of(img, &img->reqs[q], sc, rs->code[end[i - s] - 2].a / 2);
      rs->callcode[n++] = (struct vinsn){.op = OP_METRIC, .a = sc->in[k].x};
      for (uint32_t j = i + 1; j < end[i - s]; j++) map[j - s] = UINT32_MAX;
      i = end[i - s] - 1;
      continue;
    }
    if (v.op == OP_TRACE || v.op == OP_TRACE_F) continue;
    if (f == LST_JMP || f == LST_BACK || f == ITM || f == SET || f == BUF || f == BLK || f == TRC || f == MET || f == MET_JMP ||
        writes_register(v.op))
      return false;
    rs->callcode[n++] = v;
  }
  for (uint32_t j = *at; j < n; j++) { /* jumps: forward, to an instruction kept */
    uint32_t *t = jump_of(&rs->callcode[j]);
    if (t && (*t <= s || *t > e || map[*t - s] == UINT32_MAX || map[*t - s] <= j)) return false;
    if (t) *t = map[*t - s];
  }
  *at = n;
  return true;
}

/* Requirement q compares a formula call (call_inputs found no straight
 * code to search): when its explain code reads lists only through counts
 * and sums of traced formula calls with constant arguments
 * (`m365_net_adds(security, smb)`), at most SCORE_INPUTS calls, and is at
 * most SCORE_MAX_CODE instructions outside its loops, sc becomes the search
 * of each count's or sum's smallest increase: the explain code copied to
 * rs->callcode at *at (copy_outer), each count or sum an input.  scratch:
 * room for 2 x (ncode + 1) + max_stack + 1 words. */
static void agg_inputs(struct tier_ruleset *rs, uint32_t q, uint32_t ncode, int32_t *depth, uint32_t *scratch, uint32_t *at,
                       struct score *sc) {
  const struct image *img = rs->img;
  const struct img_req *r = &img->reqs[q];
  if (!sc->own || r->xcode == NO_STR || r->xcode >= img->codelen || rs->insn_at[r->xcode] >= ncode) return;
  uint32_t s = rs->insn_at[r->xcode], e = s;
  while (e < ncode && rs->code[e].op != OP_RET && rs->code[e].op != OP_END) e++;
  if (e >= ncode || rs->code[e].op != OP_RET || outer_too_long(rs, s, e) || !loop_depths(rs, s, e, depth)) return;
  uint32_t *end = scratch, *map = scratch + ncode + 1, *last = scratch + 2 * (size_t)(ncode + 1);
  for (uint32_t d = 0; d <= img->max_stack; d++) last[d] = UINT32_MAX;
  struct score found = {.entry = UINT32_MAX, .own = true, .agg = true};
  if (!find_counts(rs, q, s, e, depth, end, last, &found) || found.n == 0) return;
  uint32_t entry = *at;
  if (!copy_outer(rs, q, s, e, end, map, &found, at, ncode + 1)) return;
  found.entry = entry;
  found.len = *at - entry;
  *sc = found;
}

/* Is text s, of n bytes, one pair of parentheses around the rest ("(f(1))",
 * not "(a) + (b)")?  A side converted for the comparison (money against a
 * number) keeps the parentheses the rules wrote around it. */
static bool wrapped(const char *s, size_t n) {
  if (n < 2 || s[0] != '(' || s[n - 1] != ')') return false;
  size_t depth = 0;
  for (size_t i = 0; i < n - 1; i++) {
    if (s[i] == '"') { /* a text: to its closing quote */
      for (i++; i < n - 1 && s[i] != '"'; i++)
        if (s[i] == '\\') i++;
    } else if (s[i] == '(') depth++;
    else if (s[i] == ')' && --depth == 0) return false;
  }
  return depth == 1;
}

/* Is requirement r's compared side a formula call: a call traced in no
 * other whose text is the side's (inside its parentheses, if any)? */
static bool compares_call(const struct image *img, const struct img_req *r) {
  if (r->xvalue == NO_STR) return false;
  const char *side = img_str(img, r->xvalue);
  size_t n = strlen(side);
  while (wrapped(side, n)) side++, n -= 2;
  for (uint32_t k = 0; k < r->xn; k++) {
    const struct img_trace *t = &img->traces[r->xfirst + k];
    const char *call = t->call != NO_STR ? img_str(img, t->call) : NULL;
    if (call && t->depth == 0 && strlen(call) == n && !memcmp(call, side, n)) return true;
  }
  return false;
}

/* The requirements whose compared side is a formula call (`score(5) >=
 * 70`): when the requirement's own code, from its entry to its RET, is
 * straight, at most SCORE_MAX_CODE instructions (its RET included) and
 * reads one or more inputs (as a score's stretch), the search runs that
 * code itself with one input changed (whatif.c).  Which inputs another
 * depends on is walked within SCORE_CALL_WORK nodes per requirement.  Else
 * its counts and sums may be searched (agg_inputs), copied to
 * rs->callcode at *at. */
static void call_inputs(struct tier_ruleset *rs, struct meaning *m, uint32_t ncode, int32_t *depth, uint32_t *scratch,
                        uint32_t *at, uint64_t *work) {
  const struct image *img = rs->img;
  for (uint32_t q = 0; q < img->nreqs; q++) {
    struct score *sc = &rs->req_scores[q];
    struct reads rd = {.n = 0};
    *sc = (struct score){.entry = UINT32_MAX, .own = compares_call(img, &img->reqs[q])};
    uint32_t s = rs->req_entry[q], e = s;
    while (e < ncode && rs->code[e].op != OP_RET && rs->code[e].op != OP_END) e++;
    bool within = false;
    if (sc->own && e < ncode && rs->code[e].op == OP_RET && e - s + 1 <= SCORE_MAX_CODE && straight(rs, s, e) &&
        balanced(rs, s, e, depth) && read_inputs(rs, s, e, sc, &rd)) {
      struct mn_budget cb = {.left = SCORE_CALL_WORK};
      within = independent(m, img, &rd, sc, &cb);
      *work += cb.visits;
    }
    if (within && sc->n >= 1) {
      sc->entry = s;
      sc->len = e - s + 1;
    } else {
      sc->n = 0;
      agg_inputs(rs, q, ncode, depth, scratch, at, sc);
    }
  }
}

int score_load(struct tier_ruleset *rs, struct meaning *m, uint32_t ncode) {
  struct image *img = rs->img;
  uint32_t n = img->nmetrics;
  struct stretches st = {arena_alloc(&img->ar, sizeof(uint32_t) * (n + 1)), arena_alloc(&img->ar, sizeof(uint32_t) * (n + 1)),
                         arena_alloc(&img->ar, n + 1)};
  int32_t *depth = arena_alloc(&img->ar, sizeof(int32_t) * (ncode + 1));
  rs->scores = arena_alloc(&img->ar, sizeof *rs->scores * (n + 1));
  rs->whatif = arena_alloc(&img->ar, sizeof *rs->whatif * (ncode + n + 1));
  rs->req_scores = arena_alloc(&img->ar, sizeof *rs->req_scores * (img->nreqs + 1));
  rs->callcode = arena_alloc(&img->ar, sizeof *rs->callcode * (ncode + 1));
  uint32_t *scratch = arena_alloc(&img->ar, sizeof(uint32_t) * (2 * ((size_t)ncode + 1) + img->max_stack + 1));
  if (!st.s || !st.e || !st.in_loop || !depth || !rs->scores || !rs->whatif || !rs->req_scores || !rs->callcode || !scratch)
    return TIER_ENOMEM;
  memset(st.e, 0, sizeof(uint32_t) * (n + 1));
  memset(st.in_loop, 0, n + 1);
  find_stretches(rs, ncode, &st);
  /* the work budget of the whole load (score.h, SCORE_WORK_*) */
  uint64_t insns = 0;
  for (uint32_t i = rs->metric_entry; i < ncode && rs->code[i].op != OP_END; i++) insns++;
  struct mn_budget b = {.left = SCORE_WORK_BASE + SCORE_WORK_PER_INSN * insns};
  uint32_t at = 0;
  for (uint32_t r = 0; r < n; r++) {
    struct score *sc = &rs->scores[r];
    struct reads rd = {.n = 0};
    int kind = img->metrics[r].kind;
    *sc = (struct score){.entry = UINT32_MAX};
    if (!st.e[r] || st.in_loop[r] || !(value_kind(kind) || kind == TY_NUMBER) || st.e[r] - st.s[r] >= SCORE_MAX_CODE ||
        !straight(rs, st.s[r], st.e[r]) || !balanced(rs, st.s[r], st.e[r], depth) || !read_inputs(rs, st.s[r], st.e[r], sc, &rd))
      continue;
    if (independent(m, img, &rd, sc, &b) && sc->n >= 2) {
      sc->entry = copy_stretch(rs, st.s[r], st.e[r], &at);
      sc->len = st.e[r] - st.s[r] + 2;
    } else sc->n = 0;
  }
  rs->score_work = b.visits;
  uint32_t calls = 0;
  call_inputs(rs, m, ncode, depth, scratch, &calls, &rs->score_work);
  return gap_slots(rs);
}
