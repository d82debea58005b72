/*
 * loopk.c - metric loops run at once (issue 16 item 2).  At load, after
 * the verifier has accepted the code and fuse() has made rs->run, a loop
 * over a list of the record whose body is filters on the item (a field
 * against a constant, in a set, missing, against the evaluation date, in
 * a window; an item metric set once per item and tested after) and
 * aggregates into registers (count, sum, min, max, any, all, count
 * distinct of a text) becomes one run-only instruction, OP_LOOPK, and a
 * small program of rows that vm.c (run_loopk) runs for every item in a
 * tight C loop: the item's fields read directly, no dispatch per
 * instruction, no stack.  Anything else keeps its instructions.
 *
 * The rows come from running the body's code symbolically: the stack
 * holds what the code would push (an item field, the evaluation date, a
 * known truth value, a comparison not yet made), and where the code
 * would take a value apart (a jump on it, a register set from it) a test
 * row splits the run in two, each side knowing the value.  So a register
 * set from a condition and tested after (`where held ...`) is known on
 * each side and its tests vanish.  Each edge carries the instructions the
 * code as written runs along it, so a TIER_COUNT_STEPS build counts what
 * the code would; a faulting row carries the instruction it stands for.
 * Runs that reach the same instruction with the same stack and the same
 * known registers share their rows; a body whose rows would pass
 * LK_MAX_ROWS keeps its instructions.
 */
#include <string.h>

#include "meaning.h"
#include "vm.h"

#define LK_MAX_ROWS 512
#define LK_MAX_STATES 1024
#define LK_MAX_BODY 1024 /* instructions between LOOP and NEXT */
#define LK_MAX_DEPTH 128 /* rows on one run: translate's recursion, its states in struct lkb's frames */
#define LK_PER_POS 16    /* states translated at one instruction */
#define LK_STACK 4
#define LK_KNOWN 16 /* registers known on a run */
#define LK_FACTS 8  /* tests of the item kept on a run */

enum { V_ITEM, V_ASOF, V_CONST, V_PRED, V_REG }; /* V_REG: register a, not known (a truth only) */
struct aval {
  uint8_t kind, op; /* V_PRED: the test row's op */
  bool neg;         /* V_PRED: the value is the test's negation */
  uint32_t a;       /* V_ITEM, V_PRED: the item slot; V_CONST: 0 or 1 */
  int64_t k;        /* V_PRED: the row's operand */
};
/* a test of the item this run has made: op, slot and k as its row's, and
 * its outcome */
struct fact {
  uint8_t op, val;
  uint32_t slot;
  int64_t k;
};
struct astate {
  uint32_t pos, sp, nknown, nfacts;
  struct aval st[LK_STACK];
  uint32_t kreg[LK_KNOWN], kslot[LK_KNOWN];
  uint8_t kval[LK_KNOWN]; /* 0, 1, or K_COPY: the item's field in slot kslot */
  struct fact facts[LK_FACTS];
};
#define K_COPY 2
/* the states of one level of translate's recursion, on the heap (struct
 * lkb) and not on the stack: a level then takes a few calls' frames of
 * stack (some 300 bytes), not four states (1.5 KB) and their copies */
struct frame {
  struct astate in, s, x, y; /* translate's; translate_at's; a split's two sides */
};
struct memo {
  struct astate s;
  uint32_t row, pre, next; /* next: the previous state at the same instruction, or UINT32_MAX */
};
/* a row while the rows are made: successors as indices */
struct brow {
  uint8_t op;
  uint16_t slot, slot2;
  uint32_t r;
  int64_t k;
  uint32_t t, f, st, sf, at;
};
struct lkb {
  const struct tier_ruleset *rs;
  const struct vinsn *code;
  uint32_t next, width; /* the NEXT's index; the list's item width */
  struct brow rows[LK_MAX_ROWS];
  uint32_t nrows;
  struct memo memo[LK_MAX_STATES];
  uint32_t nmemo;
  uint32_t head[LK_MAX_BODY + 1], count[LK_MAX_BODY + 1]; /* per instruction from the body's first: its states */
  uint32_t body, depth;
  struct frame fr[LK_MAX_DEPTH];      /* fr[d]: the states of translate at depth d */
  uint32_t *last_read;                /* per register: the last instruction of the body that reads it */
  uint32_t last_item[LIM_ITEM_SLOTS]; /* per slot: the last instruction of the body that reads it */
  bool facts;                         /* keep the item's tests' outcomes (add_fact) */
  bool know;                          /* keep the registers' values (set_known) */
  uint32_t end;                       /* the END row, UINT32_MAX before it is made */
  bool fail;
  uint32_t dest[LK_MAX_ROWS], add[LK_MAX_ROWS], idx[LK_MAX_ROWS]; /* drop_dead's */
  uint32_t tab[2 * LK_MAX_ROWS];                                  /* merge_same's */
};

static bool aval_eq(const struct aval *x, const struct aval *y) {
  return x->kind == y->kind && x->op == y->op && x->neg == y->neg && x->a == y->a && x->k == y->k;
}

static bool state_eq(const struct astate *x, const struct astate *y) {
  if (x->pos != y->pos || x->sp != y->sp || x->nknown != y->nknown) return false;
  for (uint32_t i = 0; i < x->sp; i++)
    if (!aval_eq(&x->st[i], &y->st[i])) return false;
  for (uint32_t i = 0; i < x->nknown; i++)
    if (x->kreg[i] != y->kreg[i] || x->kval[i] != y->kval[i] || x->kslot[i] != y->kslot[i]) return false;
  if (x->nfacts != y->nfacts) return false;
  for (uint32_t i = 0; i < x->nfacts; i++) {
    const struct fact *f = &x->facts[i], *g = &y->facts[i];
    if (f->op != g->op || f->val != g->val || f->slot != g->slot || f->k != g->k) return false;
  }
  return true;
}

/* run s has tested (op, slot, k) and found val */
static void add_fact(struct astate *s, uint8_t op, uint32_t slot, int64_t k, bool val) {
  if (s->nfacts == LK_FACTS) memmove(s->facts, s->facts + 1, sizeof *s->facts * --s->nfacts);
  s->facts[s->nfacts++] = (struct fact){.op = op, .val = val, .slot = slot, .k = k};
}

/* What the item's tests on this run say of test (op, slot, k): 0 or 1, or
 * -1 when they do not tell.  The same test again has the same outcome (a
 * field does not change within an item); a field found equal to a
 * constant is that constant for every test against constants. */
static int fact_of(const struct astate *s, uint8_t op, uint32_t slot, int64_t k) {
  for (uint32_t i = 0; i < s->nfacts; i++) {
    const struct fact *f = &s->facts[i];
    if (f->slot != slot) continue;
    if (f->op == op && f->k == k) return f->val;
    if (f->op != LR_EQK || !f->val) continue;
    int64_t x = f->k; /* never none */
    switch (op) {
    case LR_EQK: return x == k;
    case LR_NEK: return x != k;
    case LR_LTK: return x < k;
    case LR_LEK: return x <= k;
    case LR_GTK: return x > k;
    case LR_GEK: return x >= k;
    case LR_INSET: return x >= 0 && x < 64 && ((uint64_t)k >> x & 1);
    case LR_NONE: return 0;
    case LR_TRUE: return x == 1;
    default: break;
    }
  }
  return -1;
}

/* v as known from run s's facts: a test whose outcome they tell is a
 * known value.  (A bool field as a truth, `== 1`, too: only where the
 * code takes a truth.) */
static struct aval folded(const struct astate *s, struct aval v) {
  int f = v.kind == V_PRED ? fact_of(s, v.op, v.a, v.k) : v.kind == V_ITEM ? fact_of(s, LR_TRUE, v.a, 0) : -1;
  if (f < 0) return v;
  return (struct aval){.kind = V_CONST, .a = (uint32_t)(f ^ v.neg)};
}

/* register m's value on this run: 0 or 1, K_COPY (the item's field in
 * slot *slot), or -1 when not known */
static int known(const struct astate *s, uint32_t m, uint32_t *slot) {
  for (uint32_t i = 0; i < s->nknown; i++)
    if (s->kreg[i] == m) return *slot = s->kslot[i], s->kval[i];
  return -1;
}

/* register m changes: forget it, and know it is v (as known gives it)
 * when v >= 0 */
static void set_known(struct astate *s, uint32_t m, int v, uint32_t slot) {
  for (uint32_t i = 0; i < s->nknown; i++)
    if (s->kreg[i] == m) {
      s->nknown--;
      s->kreg[i] = s->kreg[s->nknown], s->kval[i] = s->kval[s->nknown], s->kslot[i] = s->kslot[s->nknown];
      break;
    }
  if (v < 0) return;
  if (s->nknown == LK_KNOWN) { /* forgetting one is always right: a loop that tests it is kept */
    memmove(s->kreg, s->kreg + 1, sizeof *s->kreg * (LK_KNOWN - 1));
    memmove(s->kval, s->kval + 1, sizeof *s->kval * (LK_KNOWN - 1));
    memmove(s->kslot, s->kslot + 1, sizeof *s->kslot * (LK_KNOWN - 1));
    s->nknown--;
  }
  s->kreg[s->nknown] = m, s->kslot[s->nknown] = slot;
  s->kval[s->nknown++] = (uint8_t)v;
}

/* The loop is not run at once: its body is not of the kind, or too big */
static uint32_t give_up(struct lkb *b, uint32_t *pre) {
  b->fail = true;
  return *pre = 0, 0;
}

static uint32_t new_row(struct lkb *b, uint8_t op, uint32_t slot, uint32_t r, int64_t k, uint32_t at) {
  if (b->nrows == LK_MAX_ROWS) {
    b->fail = true;
    return 0;
  }
  b->rows[b->nrows] = (struct brow){.op = op, .slot = (uint16_t)slot, .r = r, .k = k, .at = at};
  return b->nrows++;
}

static uint32_t translate(struct lkb *b, const struct astate *s0, uint32_t *pre);

/* The row that tests value v (a comparison not yet made, or a bool item
 * field, `== 1`), going on from kt (true) and kf (false): states of the
 * current frame, which each learn the test's outcome. */
static uint32_t test_row(struct lkb *b, const struct aval *v, struct astate *kt, struct astate *kf) {
  uint8_t op = v->kind == V_PRED ? v->op : v->kind == V_REG ? LR_REG : LR_TRUE;
  uint32_t r = op == LR_REG ? new_row(b, op, 0, v->a, 0, kt->pos) : new_row(b, op, v->a, 0, v->k, kt->pos);
  if (b->fail) return 0;
  uint32_t t, f, pt, pf;
  bool neg = v->kind == V_PRED && v->neg;
  if (b->facts && op != LR_REG) { /* each side knows the test's outcome: v's truth, unless v negates the test */
    add_fact(kt, op, v->a, v->k, !neg);
    add_fact(kf, op, v->a, v->k, neg);
  }
  t = translate(b, kt, &pt);
  f = translate(b, kf, &pf);
  if (b->fail) return 0;
  b->rows[r].t = neg ? f : t, b->rows[r].st = neg ? pf : pt;
  b->rows[r].f = neg ? t : f, b->rows[r].sf = neg ? pt : pf;
  return r;
}

/* An action row, going on from s. */
static uint32_t act_row(struct lkb *b, uint8_t op, uint32_t slot, uint32_t reg, int64_t k, uint32_t at, const struct astate *s) {
  uint32_t r = new_row(b, op, slot, reg, k, at), p;
  if (b->fail) return 0;
  uint32_t t = translate(b, s, &p);
  b->rows[r].t = t, b->rows[r].st = p;
  return r;
}

enum { STEP_ON, STEP_ROW, STEP_FAIL };
#define TOP (s->st[s->sp - 1])
#define NEED(n) \
  if (s->sp < (n)) return STEP_FAIL
#define PUSH(...)                          \
  if (s->sp == LK_STACK) return STEP_FAIL; \
  s->st[s->sp++] = (struct aval) { __VA_ARGS__ }

/* A value the code takes apart at s.pos (which stays: the instruction
 * runs again on each side with a known value), as a test row. */
static uint32_t split(struct lkb *b, const struct astate *s) {
  struct frame *fr = &b->fr[b->depth - 1];
  fr->x = *s, fr->y = *s;
  fr->x.st[s->sp - 1] = (struct aval){.kind = V_CONST, .a = 1};
  fr->y.st[s->sp - 1] = (struct aval){.kind = V_CONST, .a = 0};
  return test_row(b, &s->st[s->sp - 1], &fr->x, &fr->y);
}

/* A jump on the top value (JUMPF, ANDJ, ORJ, JNxxK_I: to j when its
 * truth is `on`, leaving `leave` (0/1) there, or popping it when leave <
 * 0).  A known value jumps or not here (*s is where the run goes on, and
 * the result is UINT32_MAX); any other is a test row. */
static uint32_t jump_on(struct lkb *b, struct astate *s, uint32_t j, bool on, int leave) {
  s->st[s->sp - 1] = folded(s, s->st[s->sp - 1]);
  struct frame *fr = &b->fr[b->depth - 1];
  struct astate *go = &fr->x, *stay = &fr->y;
  *go = *s, *stay = *s;
  const struct aval *v = &s->st[s->sp - 1];
  go->pos = j, stay->pos = s->pos + 1;
  stay->sp--;
  if (leave < 0) go->sp--;
  else go->st[go->sp - 1] = (struct aval){.kind = V_CONST, .a = (uint32_t)leave};
  if (v->kind == V_CONST) {
    *s = (v->a == 1) == on ? *go : *stay;
    return UINT32_MAX;
  }
  return on ? test_row(b, v, go, stay) : test_row(b, v, stay, go);
}

/* One instruction of a run that has not split: what it pushes or pops, or
 * where the run goes on; a row for a split, an action or the NEXT. */
static uint32_t translate_at(struct lkb *b, const struct astate *s0, uint32_t *pre);

/* s without what no instruction from its own on reads: a register known,
 * a field's test kept.  Runs that differ only in those share their rows. */
static void forget_dead(const struct lkb *b, struct astate *s) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < s->nknown; i++)
    if (b->last_read[s->kreg[i]] != UINT32_MAX && b->last_read[s->kreg[i]] >= s->pos)
      s->kreg[k] = s->kreg[i], s->kval[k] = s->kval[i], s->kslot[k++] = s->kslot[i];
  s->nknown = k;
  k = 0;
  for (uint32_t i = 0; i < s->nfacts; i++)
    if (b->last_item[s->facts[i].slot] != UINT32_MAX && b->last_item[s->facts[i].slot] >= s->pos) s->facts[k++] = s->facts[i];
  s->nfacts = k;
}

/* translate_at, remembered: the rows of state s_in's run from its
 * instruction on, and in *pre the steps before the first.  A state met
 * again gives the same rows (each instruction keeps at most LK_PER_POS
 * states, so the search is short). */
static uint32_t translate(struct lkb *b, const struct astate *s_in, uint32_t *pre) {
  if (b->fail || b->depth == LK_MAX_DEPTH) return give_up(b, pre);
  struct astate *s0 = &b->fr[b->depth].in; /* s_in is of a frame below, or loop_rows' */
  *s0 = *s_in;
  forget_dead(b, s0);
  uint32_t at = s0->pos - b->body;
  if (s0->pos < b->body || at > LK_MAX_BODY) return give_up(b, pre);
  for (uint32_t i = b->head[at]; i != UINT32_MAX; i = b->memo[i].next)
    if (state_eq(&b->memo[i].s, s0)) return *pre = b->memo[i].pre, b->memo[i].row;
  if (b->count[at] == LK_PER_POS || b->nmemo == LK_MAX_STATES) return give_up(b, pre);
  b->depth++;
  uint32_t row = translate_at(b, s0, pre);
  b->depth--;
  if (b->fail || b->nmemo == LK_MAX_STATES) return give_up(b, pre); /* (a state inside may have taken the last entry) */
  struct memo *m = &b->memo[b->nmemo]; /* (field by field: a compound literal is a state on the stack) */
  m->s = *s0, m->row = row, m->pre = *pre, m->next = b->head[at];
  b->head[at] = b->nmemo++;
  b->count[at]++;
  return row;
}

/* An instruction that only pushes, pops or changes values, or jumps: s
 * goes on past it (STEP_ON); STEP_ROW for one that makes rows. */
static int step_value(const struct lkb *b, struct astate *s, const struct vinsn *c) {
  const int64_t *K = b->rs->kvals;
  uint8_t op = c->op;
  uint32_t slot = 0;
  int v;
  switch (op) {
  case OP_NOP: break;
  case OP_ITEM: PUSH(.kind = V_ITEM, .a = c->a); break;
  case OP_ASOF: PUSH(.kind = V_ASOF); break;
  case OP_JUMP: s->pos = c->a; return STEP_ON;
  case OP_METRIC: /* known on this run, a copy of a field, or a register as a truth */
    v = known(s, c->a, &slot);
    if (v < 0) {
      PUSH(.kind = V_REG, .a = c->a);
    } else if (v == K_COPY) {
      PUSH(.kind = V_ITEM, .a = slot);
    } else {
      PUSH(.kind = V_CONST, .a = (uint32_t)v);
    }
    break;
  case OP_EQK_I:
  case OP_NEK_I:
  case OP_LTK_I:
  case OP_LEK_I:
  case OP_GTK_I:
  case OP_GEK_I:
    NEED(1);
    if (TOP.kind != V_ITEM) return STEP_FAIL;
    if (K[c->a] == TIER_NONE) TOP = (struct aval){.kind = V_CONST, .a = 0}; /* never holds */
    else TOP = (struct aval){.kind = V_PRED, .op = (uint8_t)(LR_EQK + (op - OP_EQK_I)), .a = TOP.a, .k = K[c->a]};
    break;
  case OP_EQ_I:
  case OP_NE_I:
  case OP_LT_I:
  case OP_LE_I:
  case OP_GT_I:
  case OP_GE_I:
    NEED(2);
    if (TOP.kind != V_ASOF || s->st[s->sp - 2].kind != V_ITEM) return STEP_FAIL;
    s->sp--;
    TOP = (struct aval){.kind = V_PRED, .op = (uint8_t)(LR_EQA + (op - OP_EQ_I)), .a = TOP.a};
    break;
  case OP_INSET:
  case OP_ISNONE:
  case OP_WITHIN_M:
  case OP_WITHIN_D:
    NEED(1);
    if (TOP.kind != V_ITEM) return STEP_FAIL;
    TOP = (struct aval){.kind = V_PRED,
                        .op = op == OP_INSET    ? LR_INSET
                            : op == OP_ISNONE   ? LR_NONE
                            : op == OP_WITHIN_M ? LR_WITHIN_M
                                                : LR_WITHIN_D,
                        .a = TOP.a,
                        .k = op == OP_INSET ? K[c->a] : (int64_t)(int32_t)c->a};
    break;
  case OP_NOT:
    NEED(1);
    if (TOP.kind == V_PRED) TOP.neg = !TOP.neg;
    else if (TOP.kind == V_CONST) TOP.a = TOP.a == 0;
    else if (TOP.kind == V_ITEM) TOP = (struct aval){.kind = V_PRED, .op = LR_EQK, .a = TOP.a, .k = 0}; /* x == 0 */
    else return STEP_FAIL;
    break;
  default: return STEP_ROW;
  }
  s->pos++;
  return STEP_ON;
}

/* A jump on a value (JNxxK_I, JUMPF, ANDJ, ORJ, JFR): STEP_ON where it
 * is known, else its test row in *row; STEP_FAIL for another instruction. */
static int step_jump(struct lkb *b, struct astate *s, const struct vinsn *c, uint32_t *row) {
  const int64_t *K = b->rs->kvals;
  uint8_t op = c->op;
  uint32_t slot = 0;
  int v;
  switch (op) {
  case OP_JNEQK_I:
  case OP_JNNEK_I:
  case OP_JNLTK_I:
  case OP_JNLEK_I:
  case OP_JNGTK_I:
  case OP_JNGEK_I:
    NEED(1);
    if (TOP.kind != V_ITEM) return STEP_FAIL;
    if (K[c->a] == TIER_NONE) { /* never holds: jumps */
      s->sp--, s->pos = c->b;
      return STEP_ON;
    }
    TOP = (struct aval){.kind = V_PRED, .op = (uint8_t)(LR_EQK + (op - OP_JNEQK_I)), .a = TOP.a, .k = K[c->a]};
    *row = jump_on(b, s, c->b, false, -1);
    break;
  case OP_JUMPF:
  case OP_ANDJ:
  case OP_ORJ:
    NEED(1);
    if (TOP.kind == V_ASOF) return STEP_FAIL;
    *row = jump_on(b, s, c->a, op == OP_ORJ, op == OP_JUMPF ? -1 : op == OP_ANDJ ? 0 : 1);
    break;
  case OP_JFR: /* an item metric's register: known on this run, a copy of a field, or tested */
    v = known(s, c->a, &slot);
    if (v == 0 || v == 1) {
      s->pos = v == 1 ? s->pos + 1 : c->b;
      return STEP_ON;
    }
    if (v == K_COPY) {
      PUSH(.kind = V_ITEM, .a = slot); /* the field itself, as JUMPF tests it */
    } else {
      PUSH(.kind = V_REG, .a = c->a);
    }
    *row = jump_on(b, s, c->b, false, -1);
    break;
  default: return STEP_FAIL;
  }
  return *row == UINT32_MAX ? STEP_ON : STEP_ROW;
}

/* SETMETRIC, ANYR, ALLR, CNTR of a known value: its action row (none for
 * CNTR of false: STEP_ON) */
static int store_known(struct lkb *b, struct astate *s, const struct vinsn *c, uint32_t *row) {
  uint8_t op = c->op;
  uint32_t v = TOP.a, m = c->a, at = s->pos;
  s->sp--, s->pos++;
  if (op == OP_CNTR && !v) return STEP_ON;
  uint8_t rop = op == OP_CNTR ? LR_INCR : op == OP_SETMETRIC || (op == OP_ANYR) == (v == 1) ? LR_SET : LR_NORM;
  int64_t k = op == OP_SETMETRIC ? v : op == OP_ANYR;
  set_known(s, m, rop == LR_SET && b->know ? (int)k : -1, 0);
  *row = act_row(b, rop, 0, m, k, at, s);
  return STEP_ROW;
}

/* A value into a register or a set: its row in *row, and *p the steps
 * before the row (1: the instruction; 0 for a split, where it runs again
 * on each side); STEP_FAIL for another instruction or value. */
static int step_store(struct lkb *b, struct astate *s, const struct vinsn *c, uint32_t *row, uint32_t *p) {
  uint8_t op = c->op;
  uint32_t at = s->pos, slot;
  *p = 1;
  switch (op) {
  case OP_SETMETRIC:
  case OP_ANYR:
  case OP_ALLR:
  case OP_CNTR:
    NEED(1);
    if (TOP.kind == V_PRED || (TOP.kind == V_ITEM && op != OP_SETMETRIC)) TOP = folded(s, TOP);
    if (TOP.kind == V_PRED || (op != OP_SETMETRIC && (TOP.kind == V_ITEM || TOP.kind == V_REG))) {
      *row = split(b, s), *p = 0;
      return STEP_ROW;
    }
    if (TOP.kind == V_CONST) return store_known(b, s, c, row);
    if (TOP.kind != V_ITEM) return STEP_FAIL;
    /* SETMETRIC of a field as it is: the register is that field */
    slot = TOP.a, s->sp--, s->pos++;
    set_known(s, c->a, b->know ? K_COPY : -1, slot);
    *row = act_row(b, LR_COPY, slot, c->a, 0, at, s);
    return STEP_ROW;
  case OP_INCR:
    s->pos++;
    set_known(s, c->a, -1, 0);
    *row = act_row(b, LR_INCR, 0, c->a, 0, at, s);
    return STEP_ROW;
  case OP_SUMR_I:
  case OP_MINR_I:
  case OP_MAXR_I:
  case OP_DADD_S:
    NEED(1);
    if (TOP.kind != V_ITEM) return STEP_FAIL;
    slot = TOP.a, s->sp--, s->pos++;
    if (op != OP_DADD_S) set_known(s, c->a, -1, 0);
    *row = act_row(b,
                   op == OP_SUMR_I       ? LR_SUM
                       : op == OP_MINR_I ? LR_MIN
                       : op == OP_MAXR_I ? LR_MAX
                                         : LR_DADD_S,
                   slot, c->a, 0, at, s);
    return STEP_ROW;
  default: return STEP_FAIL;
  }
}

static uint32_t translate_at(struct lkb *b, const struct astate *s0, uint32_t *pre) {
  struct astate *s = &b->fr[b->depth - 1].s;
  *s = *s0;
  uint32_t steps = 0, row = 0, p = 1;
  for (;; steps++) {
    if (b->fail || s->pos > b->next) goto fail;
    if (s->pos == b->next) { /* one END row for every run */
      if (s->sp) goto fail;
      if (b->end == UINT32_MAX) b->end = new_row(b, LR_END, 0, 0, 0, s->pos);
      row = b->end;
      break;
    }
    const struct vinsn *c = &b->code[s->pos];
    int r = step_value(b, s, c);
    if (r == STEP_ROW) r = step_jump(b, s, c, &row);
    if (r == STEP_FAIL) r = step_store(b, s, c, &row, &p);
    if (r == STEP_ON) continue;
    if (r == STEP_FAIL) goto fail;
    break;
  }
  if (b->fail) goto fail;
  *pre = steps + p;
  return row;
fail:
  return give_up(b, pre);
}
#undef TOP
#undef NEED
#undef PUSH

/* Per register and item slot the body between instructions i and j reads:
 * the last instruction that reads it into b (forget_dead), or, with
 * `clear`, UINT32_MAX again. */
static void mark_reads(struct lkb *b, uint32_t i, uint32_t j, bool clear) {
  for (uint32_t k = i + 1; k < j; k++) {
    const struct vinsn *c = &b->code[k];
    uint32_t v = clear ? UINT32_MAX : k;
    if (c->op == OP_JFR || c->op == OP_METRIC) b->last_read[c->a] = v;
    if (c->op == OP_ITEM && c->a < LIM_ITEM_SLOTS) b->last_item[c->a] = v;
  }
}

/* The rows of the loop at instruction i (a LOOP over a list of the
 * record) into b, or false: its body is not of the kind, or too long. */
static bool loop_rows(struct lkb *b, uint32_t i, uint32_t n, uint32_t *first, uint32_t *pre) {
  const struct vinsn *code = b->code;
  uint32_t j = i + 1;
  for (; j < n && j - i <= LK_MAX_BODY; j++) {
    if (code[j].op == OP_LOOP) return false; /* an inner list: kept */
    if (code[j].op == OP_NEXT) break;
  }
  if (j >= n || b->width == 0 || code[j].op != OP_NEXT || code[j].a != code[i].a || code[j].b != i + 1 || code[i].b != j + 1)
    return false;
  mark_reads(b, i, j, false);
  bool ok = false;
  /* with the tests' outcomes and the registers' values kept first, then
   * (when that makes too many rows) without the tests', then without
   * either */
  for (int mode = 2; mode >= 0; mode--) {
    b->next = j, b->body = i + 1, b->nrows = 0, b->nmemo = 0, b->end = UINT32_MAX, b->fail = false, b->depth = 0;
    b->facts = mode == 2, b->know = mode >= 1;
    for (uint32_t k = 0; k <= j - i; k++) b->head[k] = UINT32_MAX, b->count[k] = 0;
    struct astate s0 = {.pos = i + 1};
    *first = translate(b, &s0, pre);
    if ((ok = !b->fail)) break;
  }
  mark_reads(b, i, j, true);
  return ok;
}

/* Does row w read its register (its value before the row matters)? */
static bool reads_reg(const struct brow *w) {
  return w->op == LR_REG || (w->op >= LR_NORM && w->op <= LR_MAX) || (w->op >= LR_C_LEA && w->op <= LR_C_WITHIN_M);
}

/* Is row r of b a SET or COPY of a register nothing reads after it: an
 * item metric's (not a record metric, which rule tests and the results
 * read) that no row of the loop reads (its tests vanished: each run knows
 * its value), no instruction outside the body names and no requirement
 * compares.  names: per register, the instructions and requirements that
 * name it outside the body and the rows that read it (drop_dead). */
static bool dead_row(const struct lkb *b, uint32_t r, const uint32_t *names) {
  const struct brow *w = &b->rows[r];
  return (w->op == LR_SET || w->op == LR_COPY) && names[w->r] == 0 && !mn_is_record_metric(b->rs->img, w->r);
}

/* Where a run that reaches row r goes on once past the dead rows from r
 * on, into b->dest[r], and the steps they stood for into b->add[r]; a
 * chain of dead rows is walked once (b->idx holds it while walked). */
static void resolve(struct lkb *b, uint32_t r, const uint32_t *names) {
  uint32_t n = 0, to = r, add = 0;
  while (dead_row(b, to, names) && b->dest[to] == UINT32_MAX) b->idx[n++] = to, to = b->rows[to].t;
  if (dead_row(b, to, names)) add = b->add[to], to = b->dest[to];
  while (n--) add += b->rows[b->idx[n]].st, b->dest[b->idx[n]] = to, b->add[b->idx[n]] = add;
  if (!dead_row(b, r, names)) b->dest[r] = r, b->add[r] = 0;
}

/* b's rows without the dead ones (dead_row): the edges into a dead row go
 * past it with its steps, so the count is the code's still.  names: per
 * register, the instructions of the whole code and the requirements that
 * name it; the body's (between instructions i and j) are taken off while
 * the rows are judged, and the rows' reads added. */
static void drop_dead(struct lkb *b, uint32_t i, uint32_t j, uint32_t *names, uint32_t *first, uint32_t *pre) {
  const struct vinsn *code = b->code;
  for (uint32_t k = i + 1; k < j; k++)
    if (op_info[code[k].op].reg != '-') names[code[k].a]--;
  for (uint32_t r = 0; r < b->nrows; r++) {
    if (reads_reg(&b->rows[r])) names[b->rows[r].r]++;
    b->dest[r] = UINT32_MAX;
  }
  for (uint32_t r = 0; r < b->nrows; r++) resolve(b, r, names);
  uint32_t n = 0;
  for (uint32_t r = 0; r < b->nrows; r++) b->idx[r] = dead_row(b, r, names) ? UINT32_MAX : n++;
  *pre += b->add[*first], *first = b->idx[b->dest[*first]];
  for (uint32_t r = 0, to = 0; r < b->nrows; r++) {
    struct brow *w = &b->rows[r];
    if (b->idx[r] == UINT32_MAX) continue;
    w->st += b->add[w->t], w->t = b->idx[b->dest[w->t]];
    if (w->op <= LR_REG) w->sf += b->add[w->f], w->f = b->idx[b->dest[w->f]];
    b->rows[to++] = *w;
  }
  b->nrows = n;
  for (uint32_t r = 0; r < n; r++)
    if (reads_reg(&b->rows[r])) names[b->rows[r].r]--;
  for (uint32_t k = i + 1; k < j; k++)
    if (op_info[code[k].op].reg != '-') names[code[k].a]++;
}

/* Row r's representative among the rows merge_same found equal (dest) */
static uint32_t rep_of(const struct lkb *b, uint32_t r) {
  while (b->dest[r] != r) r = b->dest[r];
  return r;
}

/* Do rows q and r do the same, going on to the same rows? (The
 * instruction a row stands for matters only where it may fault.) */
static bool same_row(const struct lkb *b, uint32_t q, uint32_t r) {
  const struct brow *x = &b->rows[q], *y = &b->rows[r];
  if (x->op != y->op || x->slot != y->slot || x->slot2 != y->slot2 || x->r != y->r || x->k != y->k || x->st != y->st)
    return false;
  if ((x->op == LR_SUM || x->op == LR_DADD_S) && x->at != y->at) return false;
  if (x->op == LR_END) return true;
  if (x->op <= LR_REG && (x->sf != y->sf || rep_of(b, x->f) != rep_of(b, y->f))) return false;
  return rep_of(b, x->t) == rep_of(b, y->t);
}

/* Rows that do the same and go on to the same rows are one: runs that
 * differ in what they know of a field nothing reads again (a test's way
 * to the same count) meet, so that fuse_held sees the ways meet.  Found
 * by hashing each row with its successors' representatives, again until
 * no more rows meet: a pass a level of the rows at most (LK_MAX_DEPTH),
 * each linear in the rows. */
static void merge_same(struct lkb *b, uint32_t *first) {
  const uint32_t mask = 2 * LK_MAX_ROWS - 1;
  for (uint32_t r = 0; r < b->nrows; r++) b->dest[r] = r;
  for (bool again = true; again;) {
    again = false;
    for (uint32_t i = 0; i <= mask; i++) b->tab[i] = UINT32_MAX;
    for (uint32_t r = 0; r < b->nrows; r++) b->dest[r] = rep_of(b, r); /* (chains of one: a pass is linear) */
    for (uint32_t r = 0; r < b->nrows; r++) {
      const struct brow *w = &b->rows[r];
      if (b->dest[r] != r) continue;
      uint64_t h = w->op * 0x9E3779B97F4A7C15u ^ (uint64_t)w->k ^ (uint64_t)w->slot << 40 ^ (uint64_t)w->r << 20;
      if (w->op != LR_END) h = h * 31 + rep_of(b, w->t) + (w->op <= LR_REG ? (uint64_t)rep_of(b, w->f) << 32 : 0);
      uint32_t i = (uint32_t)(h ^ h >> 29) & mask;
      for (; b->tab[i] != UINT32_MAX && !same_row(b, b->tab[i], r); i = (i + 1) & mask) {}
      if (b->tab[i] == UINT32_MAX) b->tab[i] = r;
      else b->dest[r] = b->tab[i], again = true;
    }
  }
  for (uint32_t r = 0; r < b->nrows; r++) {
    struct brow *w = &b->rows[r];
    if (w->op == LR_END) continue;
    w->t = rep_of(b, w->t);
    if (w->op <= LR_REG) w->f = rep_of(b, w->f);
  }
  *first = rep_of(b, *first);
}

/* `x <= asof and (y is none or y > asof)`, a thing valid at the date (a
 * certification held, a validation active), is three rows, LEA x; NONE y;
 * GTA y, the NONE's and the GTA's ways that hold going on alike and the
 * LEA's and the GTA's that fail too: one LR_HELD row, its steps those of
 * the LEA and the NONE when y is none, and the GTA's two ways' in k (st2
 * | sf2 << 32), so that the count is the code's on each way.  The NONE
 * and the GTA stay while another row goes to them (drop_unreached). */
static void fuse_held(struct lkb *b) {
  for (uint32_t r = 0; r < b->nrows; r++) {
    struct brow *a = &b->rows[r];
    if (a->op != LR_LEA || b->rows[a->t].op != LR_NONE) continue;
    const struct brow *y = &b->rows[a->t], *g = &b->rows[y->f];
    if (g->op != LR_GTA || g->slot != y->slot || g->t != y->t || g->f != a->f) continue;
    uint64_t st2 = a->st + y->sf + g->st, sf2 = a->st + y->sf + g->sf;
    a->op = LR_HELD, a->slot2 = y->slot, a->k = (int64_t)(st2 | sf2 << 32);
    a->st += y->st, a->t = y->t;
  }
}

/* A test whose way that holds is a count, INCR r, which goes on where the
 * way that fails does (`count xs where x <= asof`, the last test of a
 * count's filter), is one row that adds the test's outcome to r: for the
 * tests the benchmark's counts end with (LEA, INSET, WITHIN_M).  Its steps
 * are the test's and the INCR's when it holds, the test's when not. */
static void fuse_count(struct lkb *b) {
  for (uint32_t r = 0; r < b->nrows; r++) {
    struct brow *a = &b->rows[r];
    uint8_t op = a->op == LR_LEA ? LR_C_LEA : a->op == LR_INSET ? LR_C_INSET : a->op == LR_WITHIN_M ? LR_C_WITHIN_M : LR_END;
    const struct brow *n = &b->rows[a->t];
    if (op == LR_END || n->op != LR_INCR || n->t != a->f) continue;
    a->op = op, a->r = n->r, a->st += n->st, a->t = a->f, a->f = 0; /* (an action: t alone) */
  }
}

/* b's rows without those no way from *first reaches (the END row's own
 * successor is the first row again: not followed). */
static void drop_unreached(struct lkb *b, uint32_t *first) {
  uint32_t *seen = b->dest, *todo = b->add, n = 0;
  for (uint32_t r = 0; r < b->nrows; r++) seen[r] = 0;
  seen[*first] = 1, todo[n++] = *first;
  while (n) {
    const struct brow *w = &b->rows[todo[--n]];
    if (w->op == LR_END) continue;
    if (!seen[w->t]) seen[w->t] = 1, todo[n++] = w->t;
    if (w->op <= LR_REG && !seen[w->f]) seen[w->f] = 1, todo[n++] = w->f;
  }
  uint32_t k = 0;
  for (uint32_t r = 0; r < b->nrows; r++) b->idx[r] = seen[r] ? k++ : UINT32_MAX;
  for (uint32_t r = 0, to = 0; r < b->nrows; r++) {
    struct brow *w = &b->rows[r];
    if (!seen[r]) continue;
    if (w->op != LR_END) w->t = b->idx[w->t];
    if (w->op <= LR_REG) w->f = b->idx[w->f];
    b->rows[to++] = *w;
  }
  *first = b->idx[*first], b->nrows = k;
}

/* rs->loops: every loop of rs->run (n instructions) over a list of the
 * record whose body is of the kind above becomes OP_LOOPK, its b the
 * index of its struct loopk.  (Its a stays the list, so that the LOOP as
 * written is the instruction in rs->code at the same place.) */
int loopk_build(struct tier_ruleset *rs, uint32_t n) {
  struct image *img = rs->img;
  uint32_t cand = 0;
  for (uint32_t i = 0; i < n; i++) cand += rs->code[i].op == OP_LOOP && img->lists[rs->code[i].a].depth == 0;
  rs->nloops = 0;
  if (!cand) return TIER_OK;
  rs->loops = arena_alloc(&img->ar, sizeof *rs->loops * cand);
  struct lkb *b = t_malloc(&rs->hook, sizeof *b);
  size_t nreg = img->nmetrics + 1;
  uint32_t *last_read = t_malloc(&rs->hook, sizeof *last_read * 2 * nreg);
  if (!rs->loops || !b || !last_read) {
    t_free(&rs->hook, b, b ? sizeof *b : 0);
    t_free(&rs->hook, last_read, last_read ? sizeof *last_read * 2 * nreg : 0);
    return TIER_ENOMEM;
  }
  uint32_t *names = last_read + nreg; /* (after the test: no offset to NULL) */
  b->rs = rs, b->code = rs->code, b->last_read = last_read;
  for (uint32_t k = 0; k <= img->nmetrics; k++) last_read[k] = UINT32_MAX, names[k] = 0;
  for (uint32_t k = 0; k < n; k++)
    if (op_info[rs->code[k].op].reg != '-') names[rs->code[k].a]++;
  for (uint32_t q = 0; q < img->nreqs; q++)
    if (img->reqs[q].metric >= 0) names[img->reqs[q].metric]++;
  for (uint32_t k = 0; k < LIM_ITEM_SLOTS; k++) b->last_item[k] = UINT32_MAX;
  int rc = TIER_OK;
  for (uint32_t i = 0; i < n && rc == TIER_OK; i++) {
    uint32_t first, pre;
    if (rs->code[i].op != OP_LOOP || img->lists[rs->code[i].a].depth != 0) continue;
    b->width = img->lists[rs->code[i].a].width;
    if (!loop_rows(b, i, n, &first, &pre)) continue;
    drop_dead(b, i, rs->code[i].b - 1, names, &first, &pre);
    merge_same(b, &first);
    fuse_held(b);
    fuse_count(b);
    drop_unreached(b, &first);
    struct lrow *rows = arena_alloc(&img->ar, sizeof *rows * b->nrows);
    if (!rows) {
      rc = TIER_ENOMEM;
      break;
    }
    for (uint32_t r = 0; r < b->nrows; r++) {
      const struct brow *w = &b->rows[r];
      rows[r] = (struct lrow){.op = w->op,
                              .slot = w->slot,
                              .r = w->r,
                              .k = w->k,
                              .t = rows + w->t,
                              .f = rows + w->f,
                              .st = w->st,
                              .sf = w->sf,
                              .at = w->at,
                              .top = b->rows[w->t].op,
                              .fop = b->rows[w->f].op,
                              .slot2 = w->slot2};
    }
    rs->loops[rs->nloops] = (struct loopk){
        .list = rs->code[i].a, .exit = rs->code[i].b, .pre = pre, .first = rows + first, .nrows = b->nrows, .rows = rows};
    rs->run[i].op = OP_LOOPK;
    rs->run[i].b = rs->nloops++;
  }
  t_free(&rs->hook, b, sizeof *b);
  t_free(&rs->hook, last_read, sizeof *last_read * 2 * nreg);
  return rc;
}
