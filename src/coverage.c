/*
 * coverage.c - `tierc test --coverage`: which thresholds the rule tests
 * probe where they are just met and just missed.
 *
 * Thresholds are found in what each requirement and each grant's condition
 * computes (meaning.c): every comparison of a value with a constant, of any
 * type and operator, wherever it stands in the requirement (inside `or`,
 * `and`, `not`, and in the record metrics it reads, not in an aggregate's
 * filter), a bare bool, and an enum's `in {...}`.  A threshold is probed when one test's value just
 * meets it and one just misses it.  "Just" depends on the values the
 * compared metric can take: its lattice, base + i * step, read from its
 * definition (a count moves by 1, money by a cent, `people * 10` by 10,
 * `count x / 4` by 0.25).  When the constant is not on the lattice the
 * threshold cannot be hit exactly, and the report says so and names the
 * nearest values that can be; a number read from a record takes any value,
 * and "just" is then within one unit of the constant's last decimal (at
 * least 0.01).  A period test, `d in P of x`, is a threshold too: its
 * edges are the first and last day of the period, which depend on x, so a
 * test probes it just met when d is one of them and just missed when d is
 * the day before the first or after the last.  A computed threshold
 * (`won >= target * 2`, SPEC 3.5), a comparison whose sides both vary by
 * record, wherever it stands, varies by record: each test's two values
 * come from the requirement's trace (the pair of slots its explain code
 * copied that comparison's sides into, found through the meaning), and
 * "just" is one step of the compared value's lattice on either side; so is
 * a requirement's own comparison of a formula call or an aggregate with a
 * constant (`pcs(security, enterprise) >= 70`, own_traced).  A
 * comparison with a tier steps through the tier's own ladder, one with an
 * enum value through the enum's values, neither past its ends.  A
 * second-edition construct adds a case to lattice() and, when it
 * compares, one to find().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "meaning.h"
#include "period.h"
#include "vm.h"

/* ---- lattices: the values a metric can take ---------------------------------------- */

struct lattice {
  bool dense;        /* any value at all (a number from a record, or not known) */
  struct num step;   /* > 0; 0 when it takes one value only */
  struct num base;   /* its values are base + i * step */
  bool nonneg;       /* never below 0 (a count) */
};

static struct num N(int64_t v) { return num_from_int(v); }
static bool is_zero(struct num a) { return a.n == 0 && a.d != 0; }
static struct lattice dense(void) { struct lattice l = {true, N(0), N(0), false}; return l; }
static struct lattice point(struct num v) { struct lattice l = {false, N(0), v, !(v.n < 0)}; return l; }
static struct lattice whole(bool nonneg) { struct lattice l = {false, N(1), N(0), nonneg}; return l; }

static num_int igcd(num_int a, num_int b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b) { num_int t = a % b; a = b; b = t; }
  return a;
}

/* The greatest common step of two rationals (gcd(a/b, c/d) = gcd(ad, cb) / bd),
 * false when it does not fit. */
static bool qgcd(struct num a, struct num b, struct num *out) {
  if (is_zero(a)) { *out = num_abs(b); return true; }
  if (is_zero(b)) { *out = num_abs(a); return true; }
  num_int ad, cb, bd;
  if (__builtin_mul_overflow(a.n, b.d, &ad) || __builtin_mul_overflow(b.n, a.d, &cb) || __builtin_mul_overflow(a.d, b.d, &bd))
    return false;
  struct num g = {igcd(ad, cb), 1};
  return num_div(g, (struct num){bd, 1}, out) == NUM_OK;
}

/* The values either lattice takes. */
static struct lattice join(struct lattice a, struct lattice b) {
  if (a.dense || b.dense) return dense();
  struct lattice r = {false, N(0), a.base, a.nonneg && b.nonneg};
  struct num diff;
  if (num_sub(a.base, b.base, &diff) != NUM_OK || !qgcd(a.step, b.step, &r.step) || !qgcd(r.step, diff, &r.step)) return dense();
  return r;
}

/* a + b, a - b (sign -1), a * b, a / b on lattices (NULL result: dense). */
static struct lattice add(struct lattice a, struct lattice b, int sign) {
  if (a.dense || b.dense) return dense();
  struct lattice r = {false, N(0), N(0), sign > 0 && a.nonneg && b.nonneg};
  int e = sign > 0 ? num_add(a.base, b.base, &r.base) : num_sub(a.base, b.base, &r.base);
  if (e != NUM_OK || !qgcd(a.step, b.step, &r.step)) return dense();
  return r;
}

static struct lattice scale(struct lattice a, struct num k, bool divide) {
  if (a.dense || (divide && is_zero(k))) return dense();
  struct lattice r = {false, N(0), N(0), a.nonneg && !(k.n < 0)};
  int e1 = divide ? num_div(a.base, k, &r.base) : num_mul(a.base, k, &r.base);
  int e2 = divide ? num_div(a.step, num_abs(k), &r.step) : num_mul(a.step, num_abs(k), &r.step);
  return e1 == NUM_OK && e2 == NUM_OK ? r : dense();
}

struct cov;
static struct lattice lattice(struct cov *c, const struct mn *n, const struct lattice *acc, int depth);

/* A value that is constant (a literal, or arithmetic on literals), as a
 * rational in the units the VM compares (cents for money). */
static bool constant(const struct image *img, const struct mn *n, struct num *out) {
  if (n->kind == MN_CONST) {
    uint32_t k = n->x;
    int kind = n->ck;
    if (kind == TY_TEXT) return false;
    if (kind == TY_NUMBER && k != UINT32_MAX) { *out = img->consts[k].q; return !num_is_none(*out); }
    if (n->v == TIER_NONE) return false;
    *out = N(n->v);
    return true;
  }
  if (n->kind != MN_OP) return false;
  struct num a, b;
  switch (n->op) {
  case OP_I2F: case OP_BOOL: return constant(img, n->a[0], out);
  case OP_M2F: return constant(img, n->a[0], &a) && num_div(a, N(100), out) == NUM_OK;
  case OP_I2M: return constant(img, n->a[0], &a) && num_mul(a, N(100), out) == NUM_OK;
  case OP_NEG_I: case OP_NEG_F: if (!constant(img, n->a[0], &a)) return false; *out = num_neg(a); return true;
  case OP_ADD_I: case OP_ADD_F: return constant(img, n->a[0], &a) && constant(img, n->a[1], &b) && num_add(a, b, out) == NUM_OK;
  case OP_SUB_I: case OP_SUB_F: return constant(img, n->a[0], &a) && constant(img, n->a[1], &b) && num_sub(a, b, out) == NUM_OK;
  case OP_MUL_I: case OP_MUL_F: return constant(img, n->a[0], &a) && constant(img, n->a[1], &b) && num_mul(a, b, out) == NUM_OK;
  case OP_DIV_F:
    return constant(img, n->a[0], &a) && constant(img, n->a[1], &b) && !is_zero(b) && num_div(a, b, out) == NUM_OK;
  default: return false;
  }
}

/* ---- the thresholds --------------------------------------------------------------------- */

enum { P_MEET = 1, P_MISS = 2 };
enum { CMP_PERIOD = -2 }; /* threshold.cmp of a period test */

struct threshold {
  uint32_t req;            /* the requirement it is in, or NO_REQ in a grant's condition */
  uint32_t grant;          /* that grant, or NO_REQ */
  uint32_t block;          /* the requirement's tier or badge (img_block), the tier granted, or NO_REQ: every record */
  const struct mn *node;   /* the comparison */
  int cmp;                 /* CMP_*, the value on the left; 0 for a bool, -1 for `in {...}`, CMP_PERIOD */
  const struct mn *value;  /* what is compared: REF, FIELD, or other (not probed) */
  const struct mn *of;     /* a period test's x: REF, FIELD, ASOF, or other (not probed) */
  struct period per;       /* a period test's period */
  int conv;                /* the conversion between the register or slot and the value: OP_I2F, OP_M2F, OP_I2M or 0 */
  int kind;                /* the type of the value (TY_*) */
  uint16_t ref;            /* its enum */
  struct num k;            /* the constant (TY_TEXT: none) */
  uint32_t text_k;         /* a text constant's string, else NO_STR */
  uint64_t set;            /* `in {...}`: the enum values */
  struct lattice lat;      /* what the value can be */
  struct num meet, miss;   /* the nearest values that meet and miss it */
  unsigned reachable;      /* P_MEET | P_MISS: which of them exist */
  struct num unit;         /* a dense value: how near is "just" */
  unsigned probed;         /* P_MEET | P_MISS: seen in a test */
  bool traced;             /* a computed threshold: both values come from the requirement's trace */
  const struct mn *thr;    /* its threshold */
  int edge;                /* a tier at the end of its ladder: -1 the lowest, 1 the highest (tier_targets) */
  uint32_t vslot, tslot;   /* the trace slots of its value and threshold; NO_SLOT: not traced */
  uint32_t seq;            /* the order it was found in (cov_new sorts them back to the rules' order) */
};

#define NO_SLOT UINT32_MAX
#define NO_REQ UINT32_MAX

struct memo { const struct mn *n; uint32_t ctx; struct lattice l; };

/* A traced comparison of the requirement being read: what its explain
 * code copied into its two slots, the first of them (trace_pairs). */
struct pair {
  const struct mn *a, *b;
  uint32_t slot;
};

struct cov {
  const struct tier_ruleset *rs;
  const struct image *img;
  struct meaning *m;
  struct threshold *t;
  uint32_t n, cap;
  struct memo *memo;        /* lattices by node (and fold iteration) */
  uint32_t mcap, mn, ctx;
  uint32_t block;     /* the block of the requirement being read, or the tier a grant gives (NO_REQ: a value) */
  uint32_t grant;     /* the grant being read, or NO_REQ */
  uint32_t visit;     /* find's stamp (mn.mark) for the block or grant being read: once per block */
  int in_metric;      /* find() is inside a record metric the requirement reads */
  struct pair *pairs; /* the requirement's traced comparisons, by their sides */
  uint32_t npairs, pcap;
  bool oom;
};

static struct lattice lattice_of_kind(int kind) {
  switch (kind) {
  case TY_NUMBER: return dense();
  case TY_BOOL: { struct lattice l = whole(true); return l; }
  case TY_TEXT: return dense();
  default: return whole(false); /* int, money (cents), date (days), enum (ordinals) */
  }
}

static struct lattice *memo_find(struct cov *c, const struct mn *n) {
  if (!c->mcap) return NULL;
  uint32_t k = (uint32_t)(((uintptr_t)n >> 4) * 2654435761u) & (c->mcap - 1);
  for (; c->memo[k].n; k = (k + 1) & (c->mcap - 1))
    if (c->memo[k].n == n && c->memo[k].ctx == c->ctx) return &c->memo[k].l;
  return NULL;
}

static void memo_put(struct cov *c, const struct mn *n, struct lattice l) {
  if ((c->mn + 1) * 2 > c->mcap) {
    uint32_t ncap = c->mcap ? c->mcap * 2 : 256;
    struct memo *t = t_malloc(&c->rs->hook, sizeof *t * ncap);
    if (!t) { c->oom = true; return; }
    memset(t, 0, sizeof *t * ncap);
    for (uint32_t i = 0; i < c->mcap; i++) {
      if (!c->memo[i].n) continue;
      uint32_t k = (uint32_t)(((uintptr_t)c->memo[i].n >> 4) * 2654435761u) & (ncap - 1);
      while (t[k].n) k = (k + 1) & (ncap - 1);
      t[k] = c->memo[i];
    }
    t_free(&c->rs->hook, c->memo, sizeof *c->memo * c->mcap);
    c->memo = t;
    c->mcap = ncap;
  }
  uint32_t k = (uint32_t)(((uintptr_t)n >> 4) * 2654435761u) & (c->mcap - 1);
  while (c->memo[k].n) k = (k + 1) & (c->mcap - 1);
  c->memo[k] = (struct memo){n, c->ctx, l};
  c->mn++;
}

/* A fold's value: its accumulator before the list joined with what one more
 * item makes of it, until nothing new comes (a few rounds: gcds only shrink). */
static struct lattice fold_lattice(struct cov *c, const struct mn *f, int depth) {
  if (f->n != 2) return dense(); /* accumulators that read each other */
  struct lattice l = lattice(c, f->a[0], NULL, depth + 1);
  uint32_t outer = c->ctx;
  for (int round = 0; round < 6 && !l.dense; round++) {
    c->ctx = ++c->m->gen; /* each round reads ACC anew */
    struct lattice next = join(l, lattice(c, f->a[1], &l, depth + 1));
    bool same = !next.dense && num_cmp(next.step, l.step) == 0 && num_cmp(next.base, l.base) == 0 && next.nonneg == l.nonneg;
    l = next;
    if (same) break;
    if (round == 5) l = dense();
  }
  c->ctx = outer;
  return l;
}

/* What values n can take (acc: the accumulator's, inside a fold's step). */
static struct lattice lattice(struct cov *c, const struct mn *n, const struct lattice *acc, int depth) {
  const struct image *img = c->img;
  if (!n || depth > 2000) return dense();
  struct lattice *hit = memo_find(c, n);
  if (hit) return *hit;
  struct lattice r = dense(), a, b;
  struct num k;
  switch (n->kind) {
  case MN_CONST: r = constant(img, n, &k) ? point(k) : dense(); break;
  case MN_FIELD: case MN_ITEM: r = lattice_of_kind(img->fields[n->x].kind); break;
  case MN_ASOF: r = whole(false); break;
  case MN_ZERO: case MN_EMPTY: r = point(N(0)); break;
  case MN_REF: r = lattice(c, n->a[0], acc, depth + 1); break;
  case MN_ACC: r = acc ? *acc : dense(); break;
  case MN_ITE: r = join(lattice(c, n->a[1], acc, depth + 1), lattice(c, n->a[2], acc, depth + 1)); break;
  case MN_FOLD: r = fold_lattice(c, n, depth); break;
  case MN_OP:
    switch (n->op) {
    case OP_I2F: case OP_BOOL: case OP_NEG_I: case OP_NEG_F:
      r = lattice(c, n->a[0], acc, depth + 1);
      if (n->op == OP_NEG_I || n->op == OP_NEG_F) { r.base = num_neg(r.base); r.nonneg = false; }
      break;
    case OP_M2F: r = scale(lattice(c, n->a[0], acc, depth + 1), N(100), true); break;
    case OP_I2M: r = scale(lattice(c, n->a[0], acc, depth + 1), N(100), false); break;
    case OP_ADD_I: case OP_ADD_F: case OP_SUB_I: case OP_SUB_F:
      r = add(lattice(c, n->a[0], acc, depth + 1), lattice(c, n->a[1], acc, depth + 1),
              n->op == OP_ADD_I || n->op == OP_ADD_F ? 1 : -1);
      break;
    case OP_MUL_I: case OP_MUL_F: case OP_DIV_F:
      if (constant(img, n->a[1], &k)) r = scale(lattice(c, n->a[0], acc, depth + 1), k, n->op == OP_DIV_F);
      else if (n->op != OP_DIV_F && constant(img, n->a[0], &k)) r = scale(lattice(c, n->a[1], acc, depth + 1), k, false);
      else if (n->op != OP_DIV_F) { /* (a + s i)(b + t j): steps a t, b s, s t */
        a = lattice(c, n->a[0], acc, depth + 1);
        b = lattice(c, n->a[1], acc, depth + 1);
        struct num x1, x2, x3, g;
        if (!a.dense && !b.dense && num_mul(a.base, b.step, &x1) == NUM_OK && num_mul(b.base, a.step, &x2) == NUM_OK &&
            num_mul(a.step, b.step, &x3) == NUM_OK && qgcd(x1, x2, &g) && qgcd(g, x3, &g) && num_mul(a.base, b.base, &k) == NUM_OK)
          r = (struct lattice){false, g, k, a.nonneg && b.nonneg};
      }
      break;
    case OP_CNT: /* acc + 0 or 1 */
      a = lattice(c, n->a[0], acc, depth + 1);
      r = join(a, add(a, point(N(1)), 1));
      break;
    case OP_SUM_I: case OP_SUM_F: /* acc, or acc + value (a missing one is skipped) */
      a = lattice(c, n->a[0], acc, depth + 1);
      r = join(a, add(a, lattice(c, n->a[1], acc, depth + 1), 1));
      break;
    case OP_MIN_I: case OP_MAX_I: case OP_MIN_F: case OP_MAX_F: case OP_MIN2_I: case OP_MAX2_I: case OP_MIN2_F: case OP_MAX2_F:
      r = join(lattice(c, n->a[0], acc, depth + 1), lattice(c, n->a[1], acc, depth + 1));
      break;
    case OP_ABS_I: case OP_ABS_F:
      a = lattice(c, n->a[0], acc, depth + 1);
      b = a;
      b.base = num_neg(b.base);
      r = join(a, b);
      r.nonneg = !r.dense;
      break;
    case OP_FLOOR_I: case OP_CEIL_I: case OP_FLOOR_F: case OP_CEIL_F: r = whole(false); break;
    case OP_DSIZE: r = whole(true); break;
    default:
      if (op_info[n->op].out != 'F' && op_info[n->op].out != 'S') r = whole(false); /* comparisons, bools, dates */
    }
    break;
  default: break;
  }
  memo_put(c, n, r);
  return r;
}

/* The nearest lattice values that meet and miss `value cmp k`; which exist. */
static unsigned targets(const struct lattice *l, int cmp, struct num k, struct num *meet, struct num *miss) {
  if (l->dense) { *meet = *miss = k; return P_MEET | P_MISS; }
  if (is_zero(l->step)) { /* one value: the threshold always holds or never */
    bool holds = false;
    int d = num_cmp(l->base, k);
    switch (cmp) {
    case CMP_GE: holds = d >= 0; break; case CMP_GT: holds = d > 0; break;
    case CMP_LE: holds = d <= 0; break; case CMP_LT: holds = d < 0; break;
    case CMP_EQ: holds = d == 0; break; default: holds = d != 0; break;
    }
    *meet = *miss = l->base;
    return holds ? P_MEET : P_MISS;
  }
  /* lo: the largest lattice value <= k; hi: the smallest >= k */
  struct num q, lo, hi, t;
  if (num_sub(k, l->base, &t) != NUM_OK || num_div(t, l->step, &q) != NUM_OK || num_floor(q, &q) != NUM_OK ||
      num_mul(q, l->step, &t) != NUM_OK || num_add(t, l->base, &lo) != NUM_OK)
    return 0;
  bool on = num_cmp(lo, k) == 0;
  if (on) hi = lo;
  else if (num_add(lo, l->step, &hi) != NUM_OK) return 0;
  struct num below, above; /* the neighbours strictly below and above k */
  if (num_sub(on ? lo : hi, l->step, &below) != NUM_OK || num_add(on ? hi : lo, l->step, &above) != NUM_OK) return 0;
  if (!on) { below = lo; above = hi; }
  unsigned ok = P_MEET | P_MISS;
  switch (cmp) {
  case CMP_GE: *meet = hi; *miss = below; break;
  case CMP_GT: *meet = above; *miss = lo; break;
  case CMP_LE: *meet = lo; *miss = above; break;
  case CMP_LT: *meet = below; *miss = hi; break;
  case CMP_EQ: *meet = k; *miss = below; if (!on) ok &= ~(unsigned)P_MEET; break;
  default: *meet = below; *miss = k; if (!on) ok &= ~(unsigned)P_MISS; break; /* CMP_NE */
  }
  /* == and != hold or fail on either side of k: at the lowest value (a
   * count's 0, a bool's false) the side above it ("!= false": true) */
  if (l->nonneg && on && below.n < 0 && cmp == CMP_EQ) *miss = above;
  if (l->nonneg && on && below.n < 0 && cmp == CMP_NE) *meet = above;
  if (l->nonneg && (ok & P_MISS) && miss->n < 0) ok &= ~(unsigned)P_MISS; /* a count is never below 0 */
  if (l->nonneg && (ok & P_MEET) && meet->n < 0) ok &= ~(unsigned)P_MEET;
  return ok;
}

/* One unit of k's last decimal, at least 0.01: how near "just" is for a
 * value that can be anything. */
static struct num unit_of(struct num k) {
  num_int p = 100;
  for (int d = 2; d < 30; d++, p *= 10) {
    struct num scaled;
    if (num_mul(k, (struct num){p, 1}, &scaled) != NUM_OK) break;
    if (num_is_int(scaled)) return (struct num){1, p};
  }
  return (struct num){1, 100};
}

static int flip(int cmp) {
  switch (cmp) {
  case CMP_LT: return CMP_GT; case CMP_LE: return CMP_GE; case CMP_GT: return CMP_LT; case CMP_GE: return CMP_LE;
  default: return cmp;
  }
}

static int cmp_of_op(int op) {
  static const int order[] = {CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE};
  if (op >= OP_EQ_I && op <= OP_GE_I) return order[op - OP_EQ_I];
  if (op >= OP_EQK_I && op <= OP_GEK_I) return order[op - OP_EQK_I];
  if (op >= OP_EQ_F && op <= OP_GE_F) return order[op - OP_EQ_F];
  if (op >= OP_EQ_S && op <= OP_GE_S) return order[op - OP_EQ_S];
  return 0;
}

/* The register or top-level slot behind a compared value, through the
 * conversions the compiler puts between them. */
static const struct mn *source(const struct mn *v, int *conv) {
  *conv = 0;
  while (v->kind == MN_OP && v->n == 1 && (v->op == OP_I2F || v->op == OP_M2F || v->op == OP_I2M || v->op == OP_BOOL)) {
    if (v->op != OP_BOOL) *conv = v->op;
    v = v->a[0];
  }
  return v;
}

/* The tier next to tier k in its own ladder, above it when up: the next
 * tier of its partner type in file order, or -1 at the ladder's end. */
static int64_t tier_beside(const struct image *img, int64_t k, bool up) {
  for (int64_t i = k + (up ? 1 : -1); i >= 0 && i < (int64_t)img->ntiers; i += up ? 1 : -1)
    if (img->tiers[i].ptype == img->tiers[k].ptype) return i;
  return -1;
}

/* targets() for a value that takes the ordinals of a finite list (a tier
 * of one ladder, an enum's values), compared with ordinal k: `below` and
 * `above` are the ordinals beside k, -1 where k is at the list's end, and
 * then that side has none and t->edge says which end. */
static unsigned ordinal_targets(struct threshold *t, int64_t k, int64_t below, int64_t above) {
  int64_t meet, miss;
  switch (t->cmp) {
  case CMP_GE:
    meet = k;
    miss = below;
    break;
  case CMP_GT:
    meet = above;
    miss = k;
    break;
  case CMP_LE:
    meet = k;
    miss = above;
    break;
  case CMP_LT:
    meet = below;
    miss = k;
    break;
  case CMP_EQ:
    meet = k;
    miss = below >= 0 ? below : above;
    break;
  default:
    meet = below >= 0 ? below : above;
    miss = k;
    break; /* CMP_NE */
  }
  t->edge = meet < 0 || miss < 0 ? (below < 0 ? -1 : 1) : 0;
  t->meet = N(meet);
  t->miss = N(miss);
  return (meet >= 0 ? P_MEET : 0) | (miss >= 0 ? P_MISS : 0);
}

/* A tier value compared with tier k: its neighbours are the tiers beside k
 * in k's own ladder (a tier of another partner type is never "just" above
 * or below it). */
static unsigned tier_targets(const struct image *img, struct threshold *t) {
  if (t->k.n < 0 || t->k.n >= img->ntiers || !num_is_int(t->k)) return P_MEET | P_MISS;
  int64_t k = (int64_t)t->k.n;
  return ordinal_targets(t, k, tier_beside(img, k, false), tier_beside(img, k, true));
}

/* An enum value compared with value k: its neighbours are the values
 * declared beside k (`lvl >= bronze` cannot fail when bronze comes first). */
static unsigned enum_targets(const struct image *img, struct threshold *t) {
  int64_t n = img->enums[t->ref].nvals;
  if (t->k.n < 0 || t->k.n >= n || !num_is_int(t->k)) return P_MEET | P_MISS;
  int64_t k = (int64_t)t->k.n;
  return ordinal_targets(t, k, k - 1, k + 1 < n ? k + 1 : -1);
}

static void add_threshold(struct cov *c, struct threshold *t) {
  if (c->n == c->cap) {
    uint32_t ncap = c->cap ? c->cap * 2 : 64;
    struct threshold *nt = t_realloc(&c->rs->hook, c->t, sizeof *nt * c->cap, sizeof *nt * ncap);
    if (!nt) { c->oom = true; return; }
    c->t = nt;
    c->cap = ncap;
  }
  const struct mn *src = source(t->value, &t->conv);
  const struct image *img = c->img;
  /* a tier's records are all of its partner type: a comparison of the type
   * there (the guard sema puts after a tier comparison) is no threshold */
  if (!t->traced && src->kind == MN_FIELD && (int32_t)src->x == img->partner_field && t->block < img->ntiers) return;
  t->kind = TY_NUMBER;
  if (src->kind == MN_REF) { t->kind = img->metrics[src->x].kind; t->ref = img->metrics[src->x].ref; }
  else if (src->kind == MN_FIELD) { t->kind = img->fields[src->x].kind; t->ref = img->fields[src->x].ref; }
  if (t->conv == OP_I2F || t->conv == OP_M2F) t->kind = TY_NUMBER;
  if (t->conv == OP_I2M) t->kind = TY_MONEY;
  t->lat = lattice(c, t->value, NULL, 0);
  /* a bool takes false and true, whatever computes it (a table's value
   * read as dense, a comparison's as any whole number): its probes are
   * those two, said as bools, never "true < b <= 1.01" or -1 */
  /* (a bool that is one value, false or true, keeps it, as a number that
   * is one value does: a side it never takes can never be probed, and
   * the report says so: "it can never fail") */
  bool one = !t->lat.dense && is_zero(t->lat.step) && (is_zero(t->lat.base) || num_cmp(t->lat.base, N(1)) == 0);
  if (t->kind == TY_BOOL && !one) t->lat = lattice_of_kind(TY_BOOL);
  if (t->cmp > 0 && t->text_k == NO_STR && t->kind == TY_TIER) t->reachable = tier_targets(img, t);
  else if (t->cmp > 0 && t->text_k == NO_STR && t->kind == TY_ENUM && t->ref < img->nenums) t->reachable = enum_targets(img, t);
  else if (t->cmp > 0 && t->text_k == NO_STR) t->reachable = targets(&t->lat, t->cmp, t->k, &t->meet, &t->miss);
  else t->reachable = P_MEET | P_MISS;
  t->unit = unit_of(t->k);
  t->seq = c->n;
  c->t[c->n++] = *t;
}

static int pair_order(const void *p, const void *q) {
  const struct pair *x = p, *y = q;
  if (x->a != y->a) return (uintptr_t)x->a < (uintptr_t)y->a ? -1 : 1;
  if (x->b != y->b) return (uintptr_t)x->b < (uintptr_t)y->b ? -1 : 1;
  return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* Requirement q's traced comparisons (meaning.h, m->trace), sorted by the
 * values their slots receive, so that trace_slot finds each in log time:
 * a requirement of many comparisons is read in n log n, not n^2. */
static void trace_pairs(struct cov *c, uint32_t q) {
  const struct img_req *r = &c->img->reqs[q];
  c->npairs = 0;
  if (r->xn > c->pcap) {
    struct pair *p = t_realloc(&c->rs->hook, c->pairs, sizeof *p * c->pcap, sizeof *p * r->xn);
    if (!p) {
      c->oom = true;
      return;
    }
    c->pairs = p;
    c->pcap = r->xn;
  }
  struct mn **v = c->m->trace + 2 * (size_t)r->xfirst;
  const struct img_trace *t = &c->img->traces[r->xfirst];
  for (uint32_t k = 0; k < 2 * r->xn; k += 2) /* a formula call's pair holds its value twice: no comparison */
    if (v[k] && v[k + 1] && t[k / 2].call == NO_STR) c->pairs[c->npairs++] = (struct pair){v[k], v[k + 1], k};
  if (c->npairs) qsort(c->pairs, c->npairs, sizeof *c->pairs, pair_order);
}

/* The trace slot that received side a of comparison `a CMP b` (the other
 * side's is slot ^ 1), or NO_SLOT: its explain code copies the left side
 * first, but a computed threshold's compared side always into
 * TRACE_ACTUAL, so either order is looked for. */
static uint32_t trace_slot(const struct cov *c, const struct mn *a, const struct mn *b) {
  struct pair key = {a, b, 0};
  for (int turn = 0; turn < 2; turn++) {
    size_t lo = 0, hi = c->npairs;
    while (lo < hi) { /* the first pair not below key */
      size_t mid = (lo + hi) / 2;
      if (pair_order(&c->pairs[mid], &key) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo < c->npairs && c->pairs[lo].a == key.a && c->pairs[lo].b == key.b) return c->pairs[lo].slot ^ (uint32_t)turn;
    key = (struct pair){b, a, 0};
  }
  return NO_SLOT;
}

/* Is n, through the conversions around it, a metric or a field? */
static bool names_metric_or_field(const struct mn *n) {
  int conv;
  n = source(n, &conv);
  return n->kind == MN_REF || n->kind == MN_FIELD;
}

/* A computed threshold (`won >= target * 2`): a comparison, wherever it
 * stands in the requirement, whose two sides both vary by record, read
 * per test from the requirement's trace (vm_trace) as `value CMP
 * threshold`.  The value is the requirement's compared side for its own
 * computed threshold (SPEC 3.5), else a side that names a metric or a
 * field, else the left one.  "Just" is one step of the value's lattice,
 * or a cent's worth of a value that takes any number. */
static void add_traced(struct cov *c, struct threshold *t, const struct mn *n) {
  const struct img_req *r = t->req == NO_REQ ? NULL : &c->img->reqs[t->req]; /* a grant's condition has no trace */
  int cmp = cmp_of_op(n->op);
  bool right; /* the value is n->a[1] */
  if (r && n == c->m->req[t->req] && r->xvalue != NO_STR) right = r->xcmp != cmp;
  else right = names_metric_or_field(n->a[1]) && !names_metric_or_field(n->a[0]);
  t->traced = true;
  t->cmp = right ? flip(cmp) : cmp;
  t->value = n->a[right];
  t->thr = n->a[!right];
  uint32_t slot = trace_slot(c, n->a[0], n->a[1]);
  t->vslot = slot == NO_SLOT ? NO_SLOT : slot ^ right;
  t->tslot = slot == NO_SLOT ? NO_SLOT : slot ^ !right;
  add_threshold(c, t);
  if (c->oom) return;
  struct threshold *a = &c->t[c->n - 1];
  if (r && slot != NO_SLOT) {
    const struct img_trace *k = &c->img->traces[r->xfirst + slot / 2];
    a->kind = k->kind;
    a->ref = k->ref;
  }
  a->reachable = P_MEET | P_MISS;
  if (a->lat.dense || is_zero(a->lat.step)) a->lat = lattice_of_kind(a->kind);
  a->unit = a->kind == TY_DATE ? N(1) : a->lat.dense ? (struct num){1, 100} : a->lat.step;
}

/* A requirement's own comparison of a value that is not a metric or a
 * field (a formula call, an aggregate: `pcs(security, enterprise) >= 70`)
 * with a constant: its explain code copies the value and the constant
 * into TRACE_ACTUAL and TRACE_REQUIRED, and each test's value is read
 * there, as a computed threshold's is. */
static void own_traced(struct cov *c, struct threshold *t) {
  const struct img_req *r = &c->img->reqs[t->req];
  t->traced = true;
  t->vslot = r->xn > 0 ? TRACE_ACTUAL : NO_SLOT;
  t->tslot = r->xn > 0 ? TRACE_REQUIRED : NO_SLOT;
  add_threshold(c, t);
  if (c->oom) return;
  struct threshold *a = &c->t[c->n - 1];
  if (r->xn > 0) {
    a->kind = c->img->traces[r->xfirst].kind;
    a->ref = c->img->traces[r->xfirst].ref;
  }
  a->reachable = P_MEET | P_MISS;
  if (a->lat.dense || is_zero(a->lat.step)) a->lat = lattice_of_kind(a->kind);
  a->unit = a->kind == TY_DATE ? N(1) : a->lat.dense ? (struct num){1, 100} : a->lat.step;
}

/* The thresholds in requirement q's value: comparisons with a constant, bare
 * bools where a condition stands, and `in {...}`. */
static void find(struct cov *c, uint32_t q, const struct mn *n, bool condition) {
  if (!n || n->mark == c->visit) return;
  ((struct mn *)n)->mark = c->visit;
  const struct image *img = c->img;
  struct threshold t;
  memset(&t, 0, sizeof t);
  t.req = q;
  t.grant = c->grant;
  t.block = c->block;
  t.node = n;
  t.text_k = NO_STR;
  int cmp = n->kind == MN_OP ? cmp_of_op(n->op) : 0;
  if (cmp && n->n == 1) { /* value CMP constant K */
    t.cmp = cmp;
    t.value = n->a[0];
    const struct img_const *k = &img->consts[n->x];
    t.k = k->kind == TY_NUMBER ? k->q : N(k->v);
    if (q != NO_REQ && n == c->m->req[q] && img->reqs[q].xvalue != NO_STR && !names_metric_or_field(t.value)) own_traced(c, &t);
    else add_threshold(c, &t);
  } else if (cmp && n->n == 2) { /* value CMP value: a threshold when one side is constant */
    struct num k;
    const struct mn *l = n->a[0], *r = n->a[1];
    bool kr = constant(img, r, &k) || (r->kind == MN_CONST && r->ck == TY_TEXT), kl = !kr && (constant(img, l, &k) || (l->kind == MN_CONST && l->ck == TY_TEXT));
    if (kr || kl) {
      t.cmp = kr ? cmp : flip(cmp);
      t.value = kr ? l : r;
      const struct mn *kn = kr ? r : l;
      if (kn->kind == MN_CONST && kn->ck == TY_TEXT) t.text_k = (uint32_t)kn->v;
      else t.k = k;
      if (q != NO_REQ && n == c->m->req[q] && img->reqs[q].xvalue != NO_STR && !names_metric_or_field(t.value)) own_traced(c, &t);
      else add_threshold(c, &t);
    } else if (!c->in_metric) { /* a metric's two varying sides are in no requirement's trace */
      add_traced(c, &t, n);
    }
  } else if (n->kind == MN_OP && n->op == OP_INPER && per_decode((uint32_t)n->x, &t.per)) { /* d in P of x */
    t.cmp = CMP_PERIOD;
    t.value = n->a[0];
    t.of = n->a[1];
    add_threshold(c, &t);
  } else if (n->kind == MN_OP && n->op == OP_INSET) {
    t.cmp = -1;
    t.value = n->a[0];
    t.set = (uint64_t)img->consts[n->x].v;
    add_threshold(c, &t);
  } else if (condition && (n->kind == MN_REF || n->kind == MN_FIELD) &&
             (n->kind == MN_REF ? img->metrics[n->x].kind : img->fields[n->x].kind) == TY_BOOL) {
    t.cmp = CMP_EQ;
    t.value = n;
    t.k = N(1);
    add_threshold(c, &t);
  }
  /* an aggregate's filters are about items, not thresholds of this
   * requirement; the comparisons of a record metric it reads are
   * (`metric big = amt >= 1000`, `if n >= 8 then 8 else n`) */
  if (n->kind == MN_FOLD) return;
  if (n->kind == MN_REF) {
    c->in_metric++;
    find(c, q, n->a[0], condition);
    c->in_metric--;
    return;
  }
  for (uint16_t i = 0; i < n->n; i++)
    find(c, q, n->a[i], n->kind == MN_ITE ? true : n->kind == MN_OP && (n->op == OP_NOT || n->op == OP_BOOL));
}

/* The records that probe block b's thresholds, as a group: its partner
 * type, or np (every record) for a badge or the grant of a tier value. */
static uint32_t group_of(const struct image *img, uint32_t b, uint32_t np) {
  return b < img->ntiers && img->tiers[b].ptype < np ? img->tiers[b].ptype : np;
}

/* Thresholds in the rules' order: requirements', then grants', each in the
 * order find met them. */
static int rules_order(const void *p, const void *q) {
  const struct threshold *x = p, *y = q;
  uint64_t a = x->req != NO_REQ ? x->req : (uint64_t)UINT32_MAX + x->grant,
           b = y->req != NO_REQ ? y->req : (uint64_t)UINT32_MAX + y->grant;
  if (a != b) return a < b ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Every threshold, found once per group of records that probe it (group_of):
 * a comparison two blocks share (a record metric both read, or the same
 * requirement in two partner types' tiers) is a threshold of each partner
 * type, probed by its records, but of one type only once, however many of
 * its blocks read it: the visit stamp is the group's, so the walk and the
 * list are linear in the rules for a given partner enum.  The blocks and
 * grants are put in group order (a counting sort), read, and the
 * thresholds sorted back. */
static void find_all(struct cov *c) {
  const struct image *img = c->img;
  uint32_t nblocks = img->ntiers + img->nbadges, np = 0, n = nblocks + img->ngrants;
  for (uint32_t t = 0; t < img->ntiers; t++)
    if (img->tiers[t].ptype != NO_TYPE && img->tiers[t].ptype >= np) np = img->tiers[t].ptype + 1;
  uint32_t *start = t_malloc(&c->rs->hook, sizeof *start * (np + 2)), *order = t_malloc(&c->rs->hook, sizeof *order * (n + 1));
  if (!start || !order) c->oom = true;
  for (uint32_t g = 0; !c->oom && g < np + 2; g++) start[g] = 0;
  for (uint32_t i = 0; !c->oom && i < n; i++) /* i < nblocks: a block; else grant i - nblocks */
    start[group_of(img, i < nblocks ? i : img->grants[i - nblocks].tier, np) + 1]++;
  for (uint32_t g = 0; !c->oom && g < np + 1; g++) start[g + 1] += start[g];
  for (uint32_t i = 0; !c->oom && i < n; i++)
    order[start[group_of(img, i < nblocks ? i : img->grants[i - nblocks].tier, np)]++] = i;
  for (uint32_t k = 0, last = UINT32_MAX; !c->oom && k < n; k++) {
    uint32_t i = order[k], g = group_of(img, i < nblocks ? i : img->grants[i - nblocks].tier, np);
    if (g != last) c->visit = ++c->m->gen, last = g;
    c->npairs = 0;
    if (i >= nblocks) { /* a grant's condition decides a partner's tier as a requirement does */
      c->grant = i - nblocks;
      c->block = img->grants[c->grant].tier;
      if (c->m->grant[c->grant]) find(c, NO_REQ, c->m->grant[c->grant], true);
      continue;
    }
    const struct img_tier *B = img_block(img, i);
    c->grant = NO_REQ;
    c->block = i;
    for (uint32_t q = B->first_req; q < B->first_req + B->nreq && !c->oom; q++) {
      trace_pairs(c, q);
      find(c, q, c->m->req[q], true);
    }
  }
  t_free(&c->rs->hook, start, sizeof *start * (np + 2));
  t_free(&c->rs->hook, order, sizeof *order * (n + 1));
  if (!c->oom && c->n) qsort(c->t, c->n, sizeof *c->t, rules_order);
}

struct cov *cov_new(const struct tier_ruleset *rs) {
  struct cov *c = t_malloc(&rs->hook, sizeof *c);
  if (!c) return NULL;
  memset(c, 0, sizeof *c);
  c->rs = rs;
  c->img = rs->img;
  c->m = mn_build(rs->img, &rs->hook, true);
  if (!c->m) { t_free(&rs->hook, c, sizeof *c); return NULL; }
  find_all(c);
  if (c->oom) { cov_free(c); return NULL; }
  return c;
}

void cov_free(struct cov *c) {
  if (!c) return;
  const struct tier_alloc_hook *h = &c->rs->hook;
  mn_free(c->m);
  t_free(h, c->t, sizeof *c->t * c->cap);
  t_free(h, c->memo, sizeof *c->memo * c->mcap);
  t_free(h, c->pairs, sizeof *c->pairs * c->pcap);
  t_free(h, c, sizeof *c);
}

/* ---- probing ---------------------------------------------------------------------------------- */

/* The value a threshold compares, for the record vm last evaluated: false
 * when it is missing or not a register or field. */
static bool value_now(struct tier_vm *vm, const struct threshold *t, struct num *out, int64_t *raw) {
  int conv;
  const struct mn *src = source(t->value, &conv);
  const struct image *img = vm->rs->img;
  int kind;
  int64_t v;
  if (src->kind == MN_REF) {
    kind = img->metrics[src->x].kind;
    if (kind == TY_NUMBER) { *out = vm->ev.nregs_today[src->x]; return !num_is_none(*out); }
    v = vm->ev.regs_today[src->x];
  } else if (src->kind == MN_FIELD) {
    const struct img_field *F = &img->fields[src->x];
    kind = F->kind;
    v = vm->rec.top[F->slot];
    if (kind == TY_NUMBER) return vm_record_num(&vm->rec, v, out) && !num_is_none(*out);
  } else {
    return false;
  }
  if (v == TIER_NONE) return false;
  *raw = v;
  *out = N(v);
  if (conv == OP_M2F) return num_div(*out, N(100), out) == NUM_OK;
  if (conv == OP_I2M) return num_mul(*out, N(100), out) == NUM_OK;
  return true;
}

/* Does `a CMP b` hold, for d the sign of a - b? */
static bool cmp_holds(int cmp, int d) {
  switch (cmp) {
  case CMP_EQ: return d == 0; case CMP_NE: return d != 0; case CMP_LT: return d < 0;
  case CMP_LE: return d <= 0; case CMP_GT: return d > 0; default: return d >= 0;
  }
}

/* |a - b| <= u and a != b */
static bool near(struct num a, struct num b, struct num u) {
  struct num d;
  return num_sub(a, b, &d) == NUM_OK && !is_zero(d) && num_cmp(num_abs(d), u) <= 0;
}

/* The date x of a period test, for the record vm last evaluated: false
 * when it is missing or not asof, a register or a field. */
static bool of_now(struct tier_vm *vm, const struct mn *x, int64_t *out) {
  if (x->kind == MN_ASOF) *out = vm->ev.asof;
  else if (x->kind == MN_REF) *out = vm->ev.regs_today[x->x];
  else if (x->kind == MN_FIELD) *out = vm->rec.top[vm->rs->img->fields[x->x].slot];
  else return false;
  return *out != TIER_NONE;
}

/* A period test: d on the period's first or last day meets it just; the
 * day before the first or after the last misses it just. */
static void probe_period(struct tier_vm *vm, struct threshold *t, int64_t d) {
  int64_t x;
  if (!of_now(vm, t->of, &x)) return;
  int64_t first = per_start(t->per, x), last = per_end(t->per, x);
  if (d == first || d == last) t->probed |= P_MEET;
  if (d == first - 1 || d == last + 1) t->probed |= P_MISS;
}

/* Do values of this type have a "just" (a step to the next value that
 * means something to a program manager)?  Enums, bools and texts do not. */
static bool stepped(int kind) { return kind == TY_INT || kind == TY_MONEY || kind == TY_NUMBER || kind == TY_DATE; }

/* Does `v CMP k` hold with v moved by d (one step either way)? */
static bool holds_moved(int cmp, struct num v, struct num d, struct num k) {
  struct num w;
  return num_add(v, d, &w) == NUM_OK && cmp_holds(cmp, num_cmp(w, k));
}

/* Text a compared with text b as the VM compares them (vm_text_cmp: byte
 * by byte and whole; a copy cut at a buffer made texts that differ only
 * past its end equal).  A handle that names no text compares as "?", as
 * vm_value_text shows it. */
static int text_order(const struct tier_vm *vm, int64_t a, const char *b, uint32_t nb) {
  const char *p;
  uint32_t n;
  if (!vm_text_of(vm->rs, &vm->rec, a, &p, &n)) p = "?", n = 1;
  return vm_text_cmp(p, n, b, nb);
}

/* A computed threshold, for the record vm last evaluated: just met when it
 * holds and a step of the value away from the threshold would fail it, just
 * missed when it fails and a step towards it would meet it.  One rule for
 * every operator: for `>=` the step down is the one that matters, for `==`
 * either. */
static void probe_traced(struct tier_vm *vm, struct threshold *t) {
  if (t->vslot == NO_SLOT || !vm_trace(vm, t->req)) return;
  struct num v = vm->ntrace[t->vslot], k = vm->ntrace[t->tslot];
  int64_t rv = vm->trace[t->vslot], rk = vm->trace[t->tslot];
  if (t->kind != TY_NUMBER) {
    if (rv == TIER_NONE || rk == TIER_NONE) return;
    v = N(rv);
    k = N(rk);
  }
  if (num_is_none(v) || num_is_none(k)) return;
  if (!stepped(t->kind)) { /* no "just" for these: one test where it holds, one where it fails */
    int d = num_cmp(v, k);
    if (t->kind == TY_TEXT) {
      const char *q;
      uint32_t nq;
      if (!vm_text_of(vm->rs, &vm->rec, rk, &q, &nq)) q = "?", nq = 1;
      d = text_order(vm, rv, q, nq);
    }
    t->probed |= cmp_holds(t->cmp, d) ? P_MEET : P_MISS;
    return;
  }
  bool now = cmp_holds(t->cmp, num_cmp(v, k));
  bool up = holds_moved(t->cmp, v, t->unit, k), down = holds_moved(t->cmp, v, num_neg(t->unit), k);
  if (now && (!up || !down)) t->probed |= P_MEET;
  if (!now && (up || down)) t->probed |= P_MISS;
}

static void probe(struct tier_vm *vm, struct threshold *t) {
  struct num v;
  int64_t raw = 0;
  if (t->traced) {
    probe_traced(vm, t);
    return;
  }
  if (!value_now(vm, t, &v, &raw)) return;
  if (t->cmp == CMP_PERIOD) {
    probe_period(vm, t, raw);
    return;
  }
  if (t->cmp < 0) { /* in {...}: a value in the set, and one out */
    bool in = raw >= 0 && raw < 64 && (t->set >> raw & 1);
    t->probed |= in ? P_MEET : P_MISS;
    return;
  }
  if (t->text_k != NO_STR) { /* a text has no "just": one test where it holds, one where it fails */
    const struct image *img = vm->rs->img;
    int d = text_order(vm, raw, img_str(img, t->text_k), img->strlens[t->text_k]);
    t->probed |= cmp_holds(t->cmp, d) ? P_MEET : P_MISS;
    return;
  }
  if (t->lat.dense) { /* exactly at the constant on one side, within a unit of it on the other */
    int d = num_cmp(v, t->k);
    bool at = d == 0, beside = near(v, t->k, t->unit);
    bool holds = cmp_holds(t->cmp, d);
    if ((at && holds) || (beside && holds && (t->cmp == CMP_GT || t->cmp == CMP_LT || t->cmp == CMP_NE))) t->probed |= P_MEET;
    if ((at && !holds) || (beside && !holds && (t->cmp == CMP_GE || t->cmp == CMP_LE || t->cmp == CMP_EQ))) t->probed |= P_MISS;
    return;
  }
  if ((t->reachable & P_MEET) && num_cmp(v, t->meet) == 0) t->probed |= P_MEET;
  if ((t->reachable & P_MISS) && num_cmp(v, t->miss) == 0) t->probed |= P_MISS;
  if (t->cmp == CMP_EQ && (t->reachable & P_MISS) && near(v, t->k, t->lat.step) && num_cmp(v, t->k) > 0) t->probed |= P_MISS;
  if (t->cmp == CMP_NE && (t->reachable & P_MEET) && near(v, t->k, t->lat.step) && num_cmp(v, t->k) > 0) t->probed |= P_MEET;
}

void cov_probe(struct cov *c, struct tier_vm *vm) {
  const struct image *img = c->img;
  for (uint32_t i = 0; i < c->n; i++) {
    struct threshold *t = &c->t[i];
    /* a tier's records are those of its partner type; a badge's, all */
    if (t->block >= img->ntiers || (int)img->tiers[t->block].ptype == vm->ev.ptype) probe(vm, t);
  }
}

/* ---- the report ------------------------------------------------------------------------------- */

/* v as the rules write it, in the value's type (money in units). */
static void value_text(const struct cov *c, const struct threshold *t, struct num v, struct buf *b) {
  char s[NUM_TEXT];
  if (t->kind == TY_NUMBER || !num_is_int(v) || v.n > INT64_MAX || v.n < -INT64_MAX) {
    /* a step such as 20/6 as people read it, "≈3.33", not 34 digits */
    buf_printf(b, "%s", num_has_places(v, 10) ? num_format(v, s) : num_format_shown(v, s));
    return;
  }
  struct record none;
  memset(&none, 0, sizeof none);
  vm_value_text(c->rs, &none, t->kind, t->ref, (int64_t)v.n, s, sizeof s);
  buf_printf(b, "%s", s);
}

static const char *type_name(const struct image *img, uint32_t p) {
  const struct img_enum *e = &img->enums[img->fields[img->partner_field].ref];
  return p < e->nvals ? img_str(img, e->vals[p]) : "?";
}

/* The texts one sentence of the report is made of (what a threshold
 * compares, a value, "certified_people = 3"), each written into a buffer
 * of its own first, so that the sentence is one translatable pattern
 * printed at once: a translation may put them in another order.  No
 * sentence needs more than WORDS_MAX of them. */
#define WORDS_MAX 6
struct words {
  const struct cov *c;
  const struct threshold *t;
  struct buf b[WORDS_MAX];
  int n;
};

static void words_init(struct words *w, const struct cov *c, const struct threshold *t) {
  memset(w, 0, sizeof *w);
  w->c = c;
  w->t = t;
  for (int i = 0; i < WORDS_MAX; i++) w->b[i].hook = &c->rs->hook;
}

/* The buffer of the next text, and that text once written ("" when memory
 * ran out, which words_end passes on to the sentence). */
static struct buf *w_next(struct words *w) { return &w->b[w->n++]; }
static const char *w_text(struct buf *b) {
  buf_u8(b, 0);
  return b->failed ? "" : (const char *)b->p;
}

/* What a node computes, as the rules would write it: "sum mrr in deals". */
static const char *w_node(struct words *w, const struct mn *n) {
  struct buf *b = w_next(w);
  mn_text(w->c->m, n, b);
  return w_text(b);
}

/* A value of the threshold's type: "99999.99". */
static const char *w_value(struct words *w, struct num v) {
  struct buf *b = w_next(w);
  value_text(w->c, w->t, v, b);
  return w_text(b);
}

/* The compared value at v: "certified_people = 3". */
static const char *w_at(struct words *w, struct num v) {
  struct buf *b = w_next(w);
  mn_text(w->c->m, w->t->value, b);
  buf_printf(b, " = ");
  value_text(w->c, w->t, v, b);
  return w_text(b);
}

/* The values within one unit of the constant on one side of it:
 * "1.49 <= x < 1.5" below, "1.5 < x <= 1.51" above. */
static const char *w_beside(struct words *w, bool up) {
  const struct threshold *t = w->t;
  struct num lo, hi;
  num_sub(t->k, t->unit, &lo);
  num_add(t->k, t->unit, &hi);
  struct buf *b = w_next(w);
  value_text(w->c, t, up ? t->k : lo, b);
  buf_printf(b, up ? " < " : " <= ");
  mn_text(w->c->m, t->value, b);
  buf_printf(b, up ? " <= " : " < ");
  value_text(w->c, t, up ? hi : t->k, b);
  return w_text(b);
}

static void words_end(struct words *w, struct buf *sentence) {
  for (int i = 0; i < w->n; i++) {
    if (w->b[i].failed) sentence->failed = true;
    buf_free(&w->b[i]);
  }
}

/* ---- why a threshold is not probed: one sentence each ------------------------------------ */

/* Can a test be seen to probe t: are the values it compares (and a period
 * test's date x) read from a register, a field or asof? */
static bool probeable(const struct threshold *t) {
  if (t->traced) return t->vslot != NO_SLOT; /* the trace has its values, whatever computes them */
  int conv;
  const struct mn *src = source(t->value, &conv);
  if (src->kind != MN_REF && src->kind != MN_FIELD) return false;
  return t->cmp != CMP_PERIOD || t->of->kind == MN_ASOF || t->of->kind == MN_REF || t->of->kind == MN_FIELD;
}

/* A threshold without a "just" (a text, an enum's set, a computed bool):
 * a test where it holds and one where it fails. */
static void missing_either_way(unsigned need, struct buf *b) {
  if (need == (P_MEET | P_MISS)) buf_printf(b, "%s", _("no test where it holds and none where it fails"));
  else buf_printf(b, "%s", need & P_MEET ? _("no test where it holds") : _("no test where it fails"));
}

/* The probes a threshold lacks: `exact` the one at the constant ("x =
 * 1.5"), `beside` the one next to it, above it when up ("x = 50", or a
 * range "1.49 <= x < 1.5"), each NULL when a test has it; exact_first:
 * the sentence names the met side first, and that is the exact one. */
static void missing_probes(struct buf *b, const char *exact, const char *beside, bool up, bool exact_first) {
  if (!beside) buf_printf(b, _("no test exactly at it (%s)"), exact);
  else if (!exact) buf_printf(b, up ? _("no test just above it (%s)") : _("no test just below it (%s)"), beside);
  else if (exact_first)
    buf_printf(b,
               up ? _("no test exactly at it (%s) and none just above it (%s)")
                  : _("no test exactly at it (%s) and none just below it (%s)"),
               exact, beside);
  else
    buf_printf(b,
               up ? _("no test just above it (%s) and none exactly at it (%s)")
                  : _("no test just below it (%s) and none exactly at it (%s)"),
               beside, exact);
}

/* Why a period test is not probed: "no test where last_audit is the first
 * or last day of its fiscal year from April of asof, and none where it is
 * the day before the first or the day after the last". */
static void missing_period(const struct cov *c, const struct threshold *t, unsigned need, struct buf *b) {
  char pt[64];
  per_words(t->per, pt, sizeof pt);
  struct words w;
  words_init(&w, c, t);
  const char *d = w_node(&w, t->value), *x = w_node(&w, t->of);
  if (need == (P_MEET | P_MISS))
    buf_printf(b,
               _("no test where %s is the first or last day of its %s of %s, and none where it is the day before the first or "
                 "the day after the last"),
               d, pt, x);
  else if (need & P_MEET) buf_printf(b, _("no test where %s is the first or last day of its %s of %s"), d, pt, x);
  else
    buf_printf(b, _("no test where %s is the day before the first day or the day after the last day of its %s of %s"), d, pt, x);
  words_end(&w, b);
}

/* Why a threshold over values that can fall between any two (a decimal, a
 * date) is not probed: exactly at the constant on the side that holds
 * there, within a unit of it on the other: above it for `>` met and `<=`
 * missed, below it for `<` met and `>=` missed. */
static void missing_dense(const struct cov *c, const struct threshold *t, unsigned need, struct buf *b) {
  bool strict = t->cmp == CMP_GT || t->cmp == CMP_LT || t->cmp == CMP_NE;
  bool up = t->cmp == CMP_GT || t->cmp == CMP_LE || t->cmp == CMP_EQ || t->cmp == CMP_NE;
  unsigned at_k = strict ? P_MISS : P_MEET; /* the side probed at the constant itself */
  struct words w;
  words_init(&w, c, t);
  const char *exact = need & at_k ? w_at(&w, t->k) : NULL;
  const char *beside = need & ~at_k ? w_beside(&w, up) : NULL;
  missing_probes(b, exact, beside, up, at_k == P_MEET);
  words_end(&w, b);
}

/* A bool's threshold: a test where it holds and one where it fails, with
 * the bool that would ("big = true"), never "just below" or a range. */
static void missing_bool(const struct cov *c, const struct threshold *t, unsigned need, struct buf *b) {
  struct words w;
  words_init(&w, c, t);
  bool met = (need & P_MEET) && (t->reachable & P_MEET), missed = (need & P_MISS) && (t->reachable & P_MISS);
  const char *m = met ? w_at(&w, t->meet) : NULL, *x = missed ? w_at(&w, t->miss) : NULL;
  /* a side it never takes said first, as missing_lattice says it */
  if (!(t->reachable & P_MEET)) buf_printf(b, "%s", _("it can never hold"));
  else if (!(t->reachable & P_MISS)) buf_printf(b, "%s", _("it can never fail"));
  if (t->reachable != (P_MEET | P_MISS) && (met || missed)) buf_printf(b, "%s", _("; "));
  if (met && missed) buf_printf(b, _("no test where it holds (%s) and none where it fails (%s)"), m, x);
  else if (met) buf_printf(b, _("no test where it holds (%s)"), m);
  else if (missed) buf_printf(b, _("no test where it fails (%s)"), x);
  words_end(&w, b);
}

/* Why a threshold on a lattice of values (base + n * step) whose probes are
 * not simply "at it and one step below" is not probed: the values that
 * would probe it, and why when the constant itself is off the lattice or a
 * side can never be reached; sentences apart, "; " between them. */
static void missing_lattice(const struct cov *c, const struct threshold *t, unsigned need, struct buf *b) {
  bool on = false;
  struct num q;
  if (!is_zero(t->lat.step) && num_sub(t->k, t->lat.base, &q) == NUM_OK && num_div(q, t->lat.step, &q) == NUM_OK)
    on = num_is_int(q);
  struct words w;
  words_init(&w, c, t);
  const char *sep = "";
  if (!on && !is_zero(t->lat.step)) {
    const char *v = w_node(&w, t->value), *step = w_value(&w, t->lat.step), *k = w_value(&w, t->k);
    buf_printf(b, _("%s moves in steps of %s, so it is never exactly %s"), v, step, k);
    sep = _("; ");
  }
  if (t->edge) { /* a side a tier at its ladder's end, or an enum's value at its end, does not have */
    const char *k = w_value(&w, t->k);
    if (t->kind == TY_TIER)
      buf_printf(b, t->edge < 0 ? _("%s is the lowest tier of its ladder") : _("%s is the highest tier of its ladder"), k);
    else buf_printf(b, t->edge < 0 ? _("%s is the first value of its enum") : _("%s is the last value of its enum"), k);
    sep = _("; ");
  } else {
    if (!(t->reachable & P_MEET)) {
      buf_printf(b, "%s%s", sep, _("it can never hold"));
      sep = _("; ");
    }
    if (!(t->reachable & P_MISS)) {
      buf_printf(b, "%s%s", sep, _("it can never fail"));
      sep = _("; ");
    }
  }
  bool met = (need & P_MEET) && (t->reachable & P_MEET), missed = (need & P_MISS) && (t->reachable & P_MISS);
  const char *m = met ? w_at(&w, t->meet) : NULL, *x = missed ? w_at(&w, t->miss) : NULL;
  if (met || missed) buf_printf(b, "%s", sep);
  if (met && missed) buf_printf(b, _("no test where it is just met (%s) and none where it is just missed (%s)"), m, x);
  else if (met) buf_printf(b, _("no test where it is just met (%s)"), m);
  else if (missed) buf_printf(b, _("no test where it is just missed (%s)"), x);
  words_end(&w, b);
}

/* True when a threshold's probes are the usual pair: both sides reachable,
 * met exactly at the constant (>=, <=, ==) and missed one step away. */
static bool usual_probes(const struct threshold *t) {
  return t->reachable == (P_MEET | P_MISS) && num_cmp(t->reachable & P_MEET ? t->meet : t->miss, t->k) == 0 &&
      (t->cmp == CMP_GE || t->cmp == CMP_LE || t->cmp == CMP_EQ);
}

/* The usual case: at the threshold and one step below (or above, for <=,
 * and for == at the first value of an enum or a ladder). */
static void missing_usual(const struct cov *c, const struct threshold *t, unsigned need, struct buf *b) {
  struct words w;
  words_init(&w, c, t);
  const char *exact = need & P_MEET ? w_at(&w, t->meet) : NULL, *beside = need & P_MISS ? w_at(&w, t->miss) : NULL;
  missing_probes(b, exact, beside, num_cmp(t->miss, t->meet) > 0, true);
  words_end(&w, b);
}

/* Why a computed threshold is not probed: "no test where won is within 1
 * of target * 2 and meets it, and none where it is within 1 and misses it". */
static void missing_traced(const struct cov *c, const struct threshold *t, unsigned need, struct buf *b) {
  if (!stepped(t->kind)) {
    missing_either_way(need, b);
    return;
  }
  /* the sides as written for the requirement's own computed threshold,
   * else as its meaning reads them */
  const struct img_req *r = &c->img->reqs[t->req];
  bool own = t->node == c->m->req[t->req] && r->xvalue != NO_STR;
  struct words w;
  words_init(&w, c, t);
  const char *value = own ? img_str(c->img, r->xvalue) : w_node(&w, t->value);
  const char *k = own && r->xthreshold != NO_STR ? img_str(c->img, r->xthreshold)
      : t->thr                                   ? w_node(&w, t->thr)
                                                 : w_value(&w, t->k);
  if (t->kind == TY_DATE) {
    if (need == (P_MEET | P_MISS))
      buf_printf(
          b,
          _("no test where %s is at most a day from %s and meets it, and none where it is at most a day from it and misses it"),
          value, k);
    else if (need & P_MEET) buf_printf(b, _("no test where %s is at most a day from %s and meets it"), value, k);
    else buf_printf(b, _("no test where %s is at most a day from %s and misses it"), value, k);
  } else {
    const char *step = w_value(&w, t->unit);
    if (need == (P_MEET | P_MISS))
      buf_printf(b, _("no test where %s is within %s of %s and meets it, and none where it is within %s and misses it"), value,
                 step, k, step);
    else if (need & P_MEET) buf_printf(b, _("no test where %s is within %s of %s and meets it"), value, step, k);
    else buf_printf(b, _("no test where %s is within %s of %s and misses it"), value, step, k);
  }
  words_end(&w, b);
}

/* Why a threshold is not probed, and with which values it would be: one
 * sentence, by the kind of threshold (a computed one, not a metric or field, a period, a
 * comparison without a lattice, dense values, a lattice, the usual case). */
static void missing(const struct cov *c, const struct threshold *t, struct buf *b) {
  unsigned need = (P_MEET | P_MISS) & ~t->probed;
  if (t->traced && t->vslot == NO_SLOT)
    buf_printf(b, "%s", _("its values are not in the rules' trace, so no test can be seen to probe it"));
  else if (t->traced) missing_traced(c, t, need, b);
  else if (!probeable(t))
    buf_printf(
        b, "%s",
        _("it compares a value that is not a metric or a field, so no test can be seen to probe it (name it as a metric)"));
  else if (t->cmp == CMP_PERIOD) missing_period(c, t, need, b);
  else if (t->cmp < 0 || t->text_k != NO_STR) missing_either_way(need, b);
  else if (t->kind == TY_BOOL) missing_bool(c, t, need, b);
  else if (t->lat.dense) missing_dense(c, t, need, b);
  else if (!usual_probes(t)) missing_lattice(c, t, need, b);
  else missing_usual(c, t, need, b);
}

/* Where a threshold stands, as its line of the report begins: "  consulting
 * Select: RULE: ", "  badge B: RULE: ", "  grant consulting Gold when COND: ",
 * then the comparison itself when the rule is larger than it. */
static void say_where(const struct cov *c, const struct threshold *t, struct buf *b) {
  const struct image *img = c->img;
  const char *rule;
  if (t->req == NO_REQ) {
    const struct img_grant *G = &img->grants[t->grant];
    rule = G->text == NO_STR ? "" : img_str(img, G->text);
    if (G->tier != NO_STR)
      buf_printf(b, "  grant %s %s", type_name(img, img->tiers[G->tier].ptype), img_str(img, img->tiers[G->tier].name));
    else buf_printf(b, "  grant %s", img_str(img, G->value));
    buf_printf(b, G->text == NO_STR ? ": " : " when %s: ", rule);
  } else {
    const struct img_req *rq = &img->reqs[t->req];
    const struct img_tier *B = img_block(img, t->block);
    rule = img_str(img, rq->rule);
    if (t->block < img->ntiers) buf_printf(b, "  %s %s: %s: ", type_name(img, B->ptype), img_str(img, B->name), rule);
    else buf_printf(b, "  badge %s: %s: ", img_str(img, B->name), rule);
    if (t->node == c->m->req[t->req]) return;
  }
  /* a threshold inside a larger rule: which one */
  struct buf w = {.hook = &c->rs->hook};
  mn_text(c->m, t->node, &w);
  buf_u8(&w, 0);
  if (!w.failed && strcmp((char *)w.p, rule) != 0) buf_printf(b, "%s: ", (char *)w.p);
  buf_free(&w);
}

void cov_report(const struct cov *c, struct buf *out) {
  const struct image *img = c->img;
  long full = 0;
  struct buf miss = {.hook = &c->rs->hook};
  for (uint32_t i = 0; i < c->n; i++) {
    const struct threshold *t = &c->t[i];
    unsigned want = t->reachable;
    /* probed: where it is just met, and just missed when it can be (a
     * threshold that can never hold is a fault to show) */
    if (probeable(t) && (want & P_MEET) && (t->probed & want) == want) {
      full++;
      continue;
    }
    say_where(c, t, &miss);
    missing(c, t, &miss);
    if (img->has_debug && t->req != NO_REQ)
      buf_printf(&miss, "  [%s:%u]", img_str(img, img->reqs[t->req].file), img->reqs[t->req].line);
    buf_u8(&miss, '\n');
  }
  buf_printf(out,
             NG_("coverage: %ld of %u threshold probed exactly at and just below\n",
                 "coverage: %ld of %u thresholds probed exactly at and just below\n", c->n),
             full, c->n);
  if (miss.failed) out->failed = true;
  else if (miss.n) buf_put(out, miss.p, miss.n);
  buf_free(&miss);
}
