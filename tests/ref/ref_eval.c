/*
 * ref_eval.c - expressions, aggregates and metrics, each evaluated straight
 * from its definition in docs/language.md (sections 4 to 7; the section is
 * named above each case).  Values are exact: numbers are rationals, so a
 * comparison never depends on how a number is stored.  Every value made is
 * checked against the VM's documented range (ref_check_range), so that the
 * differential test knows when the VM may reject a record instead.
 */
#include <stdlib.h>
#include <string.h>

#include "ref_int.h"

/* ---- values --------------------------------------------------------------------- */

void val_init(struct val *v) {
  memset(v, 0, sizeof *v);
  mpq_init(v->q);
}
void val_clear(struct val *v) { mpq_clear(v->q); }
void val_copy(struct val *dst, const struct val *src) {
  dst->kind = src->kind;
  dst->none = src->none;
  dst->divzero = src->divzero;
  mpq_set(dst->q, src->q);
  dst->i = src->i;
  dst->s = src->s;
  dst->n = src->n;
}
void val_none(struct val *v, int kind) {
  v->kind = (uint8_t)kind;
  v->none = true;
  v->divzero = false;
}
void val_bool(struct val *v, bool b) {
  v->kind = TY_BOOL;
  v->none = false;
  v->divzero = false;
  v->i = b;
}
bool val_true(const struct val *v) { return !v->none && v->i == 1; }

static bool is_number(int kind) { return kind == TY_INT || kind == TY_MONEY || kind == TY_NUMBER; }

/* Order of two values of one kind that are both there (4.4): numbers by
 * value, dates by day, enums by declaration, bools false < true, texts by
 * their bytes, tiers of one ladder by rank (5.7: the tiers of a partner
 * type are ranked as written, and their indices follow that order). */
static int val_order(const struct val *a, const struct val *b) {
  if (is_number(a->kind)) return mpq_cmp(a->q, b->q) < 0 ? -1 : mpq_cmp(a->q, b->q) > 0;
  if (a->kind == TY_TEXT) {
    int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
    if (c) return c < 0 ? -1 : 1;
    return (a->n > b->n) - (a->n < b->n);
  }
  return (a->i > b->i) - (a->i < b->i);
}

int ref_list_width(const struct comp *c, int list) { return c->lists[list].width; }

/* The source text of node n. */
static const char *node_text(const struct comp *c, const struct node *n, size_t *len) {
  const struct srcfile *f = &c->dg.files[n->loc.file];
  *len = n->loc.end - n->loc.beg;
  return f->text + n->loc.beg;
}

/* ---- 2.5 literals ------------------------------------------------------------- */

/* A number literal means exactly the decimal it writes, and N% means N / 100
 * (2.5).  The front end folds a unary minus into the literal (keeping the
 * digits' span) and converts a literal to the kind of the other operand; the
 * value is the same. */
static void literal_number(struct ref_ctx *x, const struct node *n, struct val *out) {
  size_t len;
  const char *s = node_text(x->c, n, &len);
  out->kind = n->ty.kind;
  out->none = false;
  bool percent = len > 0 && s[len - 1] == '%';
  if (!ref_decimal(s, len - percent, out->q)) {
    fprintf(stderr, "reference: cannot read the literal '%.*s'\n", (int)len, s);
    abort();
  }
  if (percent) {
    mpq_t hundred;
    mpq_init(hundred);
    mpq_set_ui(hundred, 100, 1);
    mpq_div(out->q, out->q, hundred);
    mpq_clear(hundred);
  }
  bool negative = n->kind == N_INT ? n->ival < 0 : n->q.n < 0;
  if (negative) mpq_neg(out->q, out->q);
}

static void literal_date(struct ref_ctx *x, const struct node *n, struct val *out) {
  size_t len;
  const char *s = node_text(x->c, n, &len);
  out->kind = TY_DATE;
  out->none = false;
  if (!ref_date_parse(s, len, &out->i)) {
    fprintf(stderr, "reference: cannot read the date '%.*s'\n", (int)len, s);
    abort();
  }
}

/* ---- 3.5, 3.6 metrics ---------------------------------------------------------- */

/* A record metric's value at this evaluation's date: computed once, on first
 * use (sema has ruled out cycles). */
static void metric_value(struct ref_ctx *x, int m, struct val *out) {
  if (!x->mstate[m]) {
    const struct val *item = x->item;
    x->item = NULL; /* a record metric sees no item */
    ref_eval_expr(x, x->c->metrics[m].n->a, &x->metrics[m]);
    x->item = item;
    x->mstate[m] = 1;
  }
  val_copy(out, &x->metrics[m]);
}

/* "All metrics are computed once per record at asof (and again at each
 * sustained checkpoint), in dependency order" (3.5): every record metric is
 * computed, used or not, so that the same values fail as in the VM. */
void ref_metrics_begin(struct ref_ctx *x) {
  int n = x->c->nmetrics;
  x->metrics = calloc((size_t)n + 1, sizeof *x->metrics);
  x->mstate = calloc((size_t)n + 1, 1);
  if (!x->metrics || !x->mstate) {
    fputs("difftest: out of memory\n", stderr);
    exit(2);
  }
  for (int m = 0; m < n; m++) val_init(&x->metrics[m]);
  struct val tmp;
  val_init(&tmp);
  for (int m = 0; m < n; m++)
    if (x->c->metrics[m].list < 0) metric_value(x, m, &tmp);
  val_clear(&tmp);
}

void ref_metrics_end(struct ref_ctx *x) {
  for (int m = 0; m < x->c->nmetrics; m++) val_clear(&x->metrics[m]);
  free(x->metrics);
  free(x->mstate);
  x->metrics = NULL;
  x->mstate = NULL;
}

/* ---- 4.2 names -------------------------------------------------------------------- */

static void name(struct ref_ctx *x, const struct node *n, struct val *out) {
  const struct comp *c = x->c;
  switch (n->ref) {
  case R_FIELD: val_copy(out, &x->rec->top[c->fields[n->index].slot]); break;
  case R_ITEM: val_copy(out, &x->item[c->fields[n->index].slot]); break;
  case R_METRIC: metric_value(x, n->index, out); break;
  case R_ITEM_METRIC: ref_eval_expr(x, c->metrics[n->index].n->a, out); break; /* of the current item */
  case R_ENUMVAL:
    out->kind = TY_ENUM;
    out->none = false;
    out->i = n->ival;
    break;
  case R_TIER: /* 5.7: a tier's name is a tier value; the tiers of a ladder rank as written */
    out->kind = TY_TIER;
    out->none = false;
    out->i = n->ival;
    break;
  case R_CONST: /* 3.x: a const is its literal */
  case R_ARG: /* 4.12: a formula's parameter is the argument of its call */
    ref_eval_expr(x, n->def, out);
    out->kind = n->ty.kind;
    break;
  default:
    fprintf(stderr, "reference: unresolved name '%s'\n", n->name);
    abort();
  }
}

/* ---- 4.3, 5.2, 5.4 arithmetic ----------------------------------------------------- */

/* date +/- duration: days exactly, months (a year is 12) with the day clamped
 * to the month's end; results saturate at the ends of the calendar. */
static int64_t shift_date(int64_t d, const struct node *dur, int sign) {
  const char *u = dur->name ? dur->name : "";
  int64_t k = dur->ival * sign;
  if (!strncmp(u, "day", 3)) return ref_add_days(d, k);
  if (!strncmp(u, "year", 4)) return ref_add_months(d, 12 * k);
  return ref_add_months(d, k);
}

/* asof - N unit for `within`, where the window is not cut at the start of
 * the calendar (4.8): a start before 0001-01-01 lets every date in. */
static int64_t window_start(int64_t asof, const struct node *dur) {
  int64_t start = shift_date(asof, dur, -1);
  int y, m, d;
  ref_ymd(asof, &y, &m, &d);
  const char *u = dur->name ? dur->name : "";
  int64_t months = !strncmp(u, "year", 4) ? 12 * dur->ival : dur->ival;
  bool before = !strncmp(u, "day", 3) ? asof - dur->ival < ref_days(1, 1, 1) : (int64_t)y * 12 + (m - 1) - months < 12;
  return before ? ref_days(1, 1, 1) - 1 : start;
}

static void arith(struct ref_ctx *x, const struct node *n, struct val *out) {
  struct val a, b;
  val_init(&a);
  val_init(&b);
  ref_eval_expr(x, n->a, &a);
  out->kind = n->ty.kind;
  out->none = false;
  if (n->b->kind == N_DURATION) { /* date +/- duration */
    if (a.none) val_none(out, TY_DATE);
    else out->i = shift_date(a.i, n->b, n->op == B_SUB ? -1 : 1);
    goto done;
  }
  ref_eval_expr(x, n->b, &b);
  if (a.none || b.none) { /* arithmetic on a missing value is missing (6), */
    val_none(out, n->ty.kind);
    out->divzero = (a.none && a.divzero) || (b.none && b.divzero); /* a division by zero's reason, in either operand */
    goto done;
  }
  if (a.kind == TY_DATE) { /* date - date: days */
    mpq_set_si(out->q, a.i - b.i, 1);
    goto done;
  }
  switch (n->op) {
  case B_ADD: mpq_add(out->q, a.q, b.q); break;
  case B_SUB: mpq_sub(out->q, a.q, b.q); break;
  case B_MUL: mpq_mul(out->q, a.q, b.q); break;
  default: /* B_DIV: by zero gives none, which remembers why (5.2) */
    if (mpq_sgn(b.q) == 0) {
      val_none(out, n->ty.kind);
      out->divzero = true;
    } else {
      mpq_div(out->q, a.q, b.q);
    }
  }
done:
  val_clear(&a);
  val_clear(&b);
}

/* ---- 4.4 comparisons, 4.5 and/or/not ------------------------------------------ */

/* 5.7: a tier value compares only with tiers of the record's own partner
 * type: with a tier of another type a comparison is false, whatever the
 * operator (the record's own tier values are of its type). */
static bool other_ladder(const struct ref_ctx *x, const struct val *v) {
  const struct comp *c = x->c;
  if (v->kind != TY_TIER || v->none) return false;
  int p = c->partner_field >= 0 ? (int)x->rec->top[c->fields[c->partner_field].slot].i : -1;
  return c->tiers[v->i].ptype != p;
}

static void compare(struct ref_ctx *x, const struct node *n, struct val *out) {
  struct val a, b;
  val_init(&a);
  val_init(&b);
  ref_eval_expr(x, n->a, &a);
  ref_eval_expr(x, n->b, &b);
  bool r = false; /* false when either side has no value, != included (6) */
  if (!a.none && !b.none && !other_ladder(x, &a) && !other_ladder(x, &b)) {
    int o = val_order(&a, &b);
    switch (n->op) {
    case B_EQ: r = o == 0; break;
    case B_NE: r = o != 0; break;
    case B_LT: r = o < 0; break;
    case B_LE: r = o <= 0; break;
    case B_GT: r = o > 0; break;
    default: r = o >= 0; break;
    }
  }
  val_bool(out, r);
  val_clear(&a);
  val_clear(&b);
}

/* `and`/`or` evaluate their right side only when needed; a missing bool
 * counts as false on either side, and the result is a plain bool (6). */
static void logic(struct ref_ctx *x, const struct node *n, struct val *out) {
  ref_eval_expr(x, n->a, out);
  bool left = val_true(out);
  if (n->op == B_AND ? !left : left) {
    val_bool(out, left);
    return;
  }
  ref_eval_expr(x, n->b, out);
  val_bool(out, val_true(out));
}

/* ---- 7 aggregates ---------------------------------------------------------------- */

struct acc {
  struct val v;   /* sum, min, max; avg: the sum */
  struct val *seen; size_t nseen; /* count distinct: the values met so far;
                                     median: every value; avg: their count */
};

/* The aggregated value of the current item: an expression of the item
 * (`sum (EXPR) in LIST`), a field of the list's items or an item metric of
 * the list. */
static void item_value(struct ref_ctx *x, const struct node *n, struct val *out) {
  if (n->b) ref_eval_expr(x, n->b, out);
  else if (n->ref == R_ITEM) val_copy(out, &x->item[x->c->fields[n->index].slot]);
  else ref_eval_expr(x, x->c->metrics[n->index].n->a, out);
}

/* Keep v among the values met (all of them, or the distinct ones). */
static void add_seen(struct acc *a, const struct val *v, bool distinct) {
  for (size_t i = 0; distinct && i < a->nseen; i++)
    if (val_order(&a->seen[i], v) == 0) return;
  a->seen = realloc(a->seen, sizeof *a->seen * (a->nseen + 1));
  if (!a->seen) {
    fputs("difftest: out of memory\n", stderr);
    exit(2);
  }
  val_init(&a->seen[a->nseen]);
  val_copy(&a->seen[a->nseen++], v);
}

/* The value of one item that passed the filter, into a count distinct,
 * sum, min or max. */
static void accumulate(struct ref_ctx *x, const struct node *n, struct acc *a) {
  struct val v;
  val_init(&v);
  item_value(x, n, &v);
  if (!v.none) { /* missing item values are skipped (6) */
    switch (n->op) {
    case A_DISTINCT: add_seen(a, &v, true); break;
    case A_MEDIAN: add_seen(a, &v, false); break;
    case A_AVG:
      a->nseen++;
      mpq_add(a->v.q, a->v.q, v.q);
      ref_check_range(x, &a->v); /* the VM sums the values as numbers */
      break;
    case A_SUM:
      mpq_add(a->v.q, a->v.q, v.q);
      ref_check_range(x, &a->v); /* every partial sum is a value the VM holds */
      break;
    case A_MIN:
    case A_MAX:
      if (a->v.none || (n->op == A_MIN ? val_order(&v, &a->v) < 0 : val_order(&v, &a->v) > 0)) val_copy(&a->v, &v);
      break;
    }
  }
  val_clear(&v);
}

/* The items an aggregate over list li ranges over (7, 7.1): a list of the
 * record, or the current item's own inner list (absent: empty). */
static const struct ref_list *items_of(const struct ref_ctx *x, int li) {
  static const struct ref_list empty;
  const struct comp *c = x->c;
  if (c->lists[li].parent < 0) return &x->rec->lists[li];
  const struct ref_list *l = x->item[c->fields[c->lists[li].field].slot].list;
  return l ? l : &empty;
}

/* 7: avg is the sum of the values over their count, none of no values
 * (not a division by zero). */
static void average(struct ref_ctx *x, struct acc *a, struct val *out) {
  if (a->nseen == 0) {
    val_none(out, TY_NUMBER);
    return;
  }
  mpq_t k;
  mpq_init(k);
  mpq_set_ui(k, (unsigned long)a->nseen, 1);
  val_copy(out, &a->v);
  mpq_div(out->q, out->q, k);
  mpq_clear(k);
  ref_check_range(x, out);
}

static int cmp_vals(const void *p, const void *q) { return mpq_cmp(((const struct val *)p)->q, ((const struct val *)q)->q); }

/* 7: the median is the middle value in order, or the mean of the middle two
 * of an even count; none of no values. */
static void median(struct ref_ctx *x, struct acc *a, struct val *out) {
  size_t n = a->nseen;
  if (n == 0) {
    val_none(out, TY_NUMBER);
    return;
  }
  qsort(a->seen, n, sizeof *a->seen, cmp_vals);
  val_none(out, TY_NUMBER);
  out->none = false;
  if (n % 2) {
    mpq_set(out->q, a->seen[n / 2].q);
    return;
  }
  mpq_add(out->q, a->seen[n / 2 - 1].q, a->seen[n / 2].q);
  ref_check_range(x, out); /* the VM adds the two, then halves */
  mpq_div_2exp(out->q, out->q, 1);
}

static void aggregate(struct ref_ctx *x, const struct node *n, struct val *out) {
  const struct ref_list *l = items_of(x, n->lidx);
  size_t width = (size_t)ref_list_width(x->c, n->lidx);
  struct acc a = {0};
  val_init(&a.v);
  a.v.kind = n->ty.kind;
  long count = 0;
  bool any = false, all = true;
  if (n->op == A_AVG || n->op == A_MEDIAN) a.v.kind = TY_NUMBER; /* their values are numbers */
  if (n->op == A_MIN || n->op == A_MAX) a.v.none = true; /* of nothing: none */
  struct val w;
  val_init(&w);
  const struct val *outer = x->item;
  for (size_t i = 0; i < l->n; i++) {
    x->item = &l->items[i * width];
    /* an item whose condition has no value is not counted, and fails `all` */
    bool pass = true;
    if (n->a) {
      ref_eval_expr(x, n->a, &w);
      pass = val_true(&w);
    }
    any = any || pass;
    all = all && pass;
    if (!pass) continue;
    count++;
    if (n->op != A_COUNT && n->op != A_ANY && n->op != A_ALL) accumulate(x, n, &a);
  }
  x->item = outer;
  switch (n->op) {
  case A_COUNT: out->kind = TY_INT; out->none = false; mpq_set_si(out->q, count, 1); break;
  case A_DISTINCT: out->kind = TY_INT; out->none = false; mpq_set_ui(out->q, a.nseen, 1); break;
  case A_ANY: val_bool(out, any); break;
  case A_ALL: val_bool(out, all); break;
  case A_AVG: average(x, &a, out); break;
  case A_MEDIAN: median(x, &a, out); break;
  default: val_copy(out, &a.v); /* sum (0 of nothing), min, max */
  }
  for (size_t i = 0; i < a.nseen && n->op != A_AVG; i++) val_clear(&a.seen[i]);
  free(a.seen);
  val_clear(&a.v);
  val_clear(&w);
}

/* ---- 4.11 functions of values ------------------------------------------------------------ */

/* q rounded to `digits` decimals (negative: to tens, hundreds, ...): down,
 * up, or half away from zero, the same for negative values. */
enum { R_FLOOR, R_CEIL, R_HALF_AWAY };
static void round_q(mpq_t q, long digits, int how) {
  mpz_t p, z;
  mpz_init(p);
  mpz_init(z);
  mpz_ui_pow_ui(p, 10, (unsigned long)(digits < 0 ? -digits : digits));
  mpq_t scale;
  mpq_init(scale);
  mpq_set_z(scale, p);
  if (digits < 0) mpq_inv(scale, scale);
  mpq_mul(q, q, scale); /* now round q to a whole number */
  if (how == R_FLOOR) mpz_fdiv_q(z, mpq_numref(q), mpq_denref(q));
  else if (how == R_CEIL) mpz_cdiv_q(z, mpq_numref(q), mpq_denref(q));
  else { /* |q| + 1/2, down, with q's sign */
    mpq_t h;
    mpq_init(h);
    mpq_abs(h, q);
    mpq_set_ui(scale, 1, 2);
    mpq_add(h, h, scale);
    mpz_fdiv_q(z, mpq_numref(h), mpq_denref(h));
    if (mpq_sgn(q) < 0) mpz_neg(z, z);
    mpq_clear(h);
  }
  mpq_set_z(q, z);
  mpq_set_z(scale, p);
  if (digits > 0) mpq_div(q, q, scale);
  else mpq_mul(q, q, scale);
  mpq_clear(scale);
  mpz_clear(p);
  mpz_clear(z);
}

/* ---- 4.12 dates --------------------------------------------------------------------------- */

/* The first month of the period of `len` months holding month (y, m),
 * periods starting in month `first` and every `len` months after it: step
 * back a month at a time until one starts a period (y may become 0, before
 * the calendar). */
static void period_first_month(int len, int first, int *y, int *m) {
  while (((*m - first) % len + len) % len != 0)
    if (--*m == 0) {
      *m = 12;
      --*y;
    }
}

/* Month (y, m) moved by k months (y may go below 1: before the calendar). */
static void months_later(int *y, int *m, int k) {
  int i = (*y) * 12 + (*m - 1) + k;
  *y = i >= 0 ? i / 12 : -((11 - i) / 12);
  *m = i - *y * 12 + 1;
}

/* The first (end == false) or last day of that period, saturated at
 * 0001-01-01 and 9999-12-31 (docs/language.md 4.12). */
static int64_t period_day(int len, int first, int y, int m, bool end) {
  period_first_month(len, first, &y, &m);
  if (end) {
    months_later(&y, &m, len);
    if (y > 9999) return ref_days(9999, 12, 31);
    if (y < 1) return ref_days(1, 1, 1);
    return ref_days(y, m, 1) - 1;
  }
  return y < 1 ? ref_days(1, 1, 1) : ref_days(y, m, 1);
}

/* 4.13: d in [previous] P of x means start(P) <= d and d <= end(P), P the
 * period that holds x (previous: the one before it).  The days before
 * 0001-01-01 and after 9999-12-31 hold no date: a period that begins before
 * the calendar holds every date from its first day on, one that ends
 * before it holds none. */
static bool in_period(int len, int first, bool previous, int64_t x, int64_t d) {
  int y, m, dd;
  ref_ymd(x, &y, &m, &dd);
  period_first_month(len, first, &y, &m);
  if (previous) months_later(&y, &m, -len);
  int ey = y, em = m;
  months_later(&ey, &em, len); /* the first month after P */
  if (ey < 1) return false;
  bool after_start = y < 1 || d >= ref_days(y, m, 1);
  bool before_end = ey > 9999 || d < ref_days(ey, em, 1);
  return after_start && before_end;
}

/* The first and last day of the period of N_PERIOD n that holds `at` (or
 * the one before it), each clamped to 0001-01-01 .. 9999-12-31, as the gap
 * names them (4.13); false when the period holds no date at all. */
bool ref_period_bounds(struct ref_ctx *x, const struct node *n, int64_t at, int64_t *from, int64_t *to) {
  int first = n->neg ? x->c->fiscal_month : 1, y, m, dd;
  ref_ymd(at, &y, &m, &dd);
  period_first_month(n->op, first, &y, &m);
  if (n->ival) months_later(&y, &m, -n->op);
  int ey = y, em = m;
  months_later(&ey, &em, n->op); /* the first month after the period */
  *from = y < 1 ? ref_days(1, 1, 1) : ref_days(y, m, 1);
  *to = ey > 9999 ? ref_days(9999, 12, 31) : ey < 1 ? ref_days(1, 1, 1) : ref_days(ey, em, 1) - 1;
  return in_period(n->op, first, n->ival != 0, at, *from);
}

/* year(d), month(d), days_between(a, b) = b - a, and the ends of the
 * period a date lies in: month, quarter, year, fiscal quarter, fiscal
 * year (from the month `fiscal year starts in` names).  None in, none
 * out.  Returns false for a function that is not one of these. */
static bool date_call(struct ref_ctx *x, const struct node *n, struct val *out) {
  static const struct { const char *name; int len; bool fiscal, end; } periods[] = {
      {"month_start", 1, false, false},         {"month_end", 1, false, true},
      {"quarter_start", 3, false, false},       {"quarter_end", 3, false, true},
      {"year_start", 12, false, false},         {"year_end", 12, false, true},
      {"fiscal_quarter_start", 3, true, false}, {"fiscal_quarter_end", 3, true, true},
      {"fiscal_year_start", 12, true, false},   {"fiscal_year_end", 12, true, true}};
  const char *f = n->name;
  int p = -1;
  for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++)
    if (!strcmp(f, periods[i].name)) p = (int)i;
  if (p < 0 && strcmp(f, "year") && strcmp(f, "month") && strcmp(f, "days_between")) return false;
  struct val a, b;
  val_init(&a);
  val_init(&b);
  ref_eval_expr(x, n->list, &a);
  if (n->list->next) ref_eval_expr(x, n->list->next, &b);
  if (a.none || b.none) {
    val_none(out, n->ty.kind);
  } else if (!strcmp(f, "days_between")) {
    out->kind = TY_INT;
    mpq_set_si(out->q, b.i - a.i, 1);
  } else {
    int y, m, d;
    ref_ymd(a.i, &y, &m, &d);
    if (p >= 0) {
      out->kind = TY_DATE;
      out->i = period_day(periods[p].len, periods[p].fiscal ? x->c->fiscal_month : 1, y, m, periods[p].end);
    } else {
      out->kind = TY_INT;
      mpq_set_si(out->q, !strcmp(f, "year") ? y : m, 1);
    }
  }
  val_clear(&a);
  val_clear(&b);
  return true;
}

/* min(a, b, ...), max(...): none if any argument is none (the first one,
 * with its reason); abs, floor, ceil, round(x[, digits]) of x's type, none
 * of none.  Money is in currency units here, so its digits are the unit's,
 * as the language says. */
static void call(struct ref_ctx *x, const struct node *n, struct val *out) {
  const char *f = n->name;
  for (int k = 0; n->ref == R_FORMULA && k < x->watch_n; k++) x->watched[k] |= x->watch[k] == n;
  for (int k = 0; n->ref == R_FORMULA && k < x->over_n; k++)
    if (x->over[k] == n) { /* a count or sum the gap's search changes (ref_score.c) */
      val_copy(out, x->over_val);
      out->kind = n->ty.kind;
      return;
    }
  if (n->ref == R_FORMULA) { /* 4.12: the body with its parameters bound (sema's expansion) */
    ref_eval_expr(x, n->def, out);
    out->kind = n->ty.kind;
    return;
  }
  if (date_call(x, n, out)) return;
  out->kind = n->ty.kind;
  if (!strcmp(f, "min") || !strcmp(f, "max")) {
    bool is_min = !strcmp(f, "min"), have = false;
    struct val v;
    val_init(&v);
    for (const struct node *a = n->list; a; a = a->next) {
      ref_eval_expr(x, a, &v);
      /* every argument is evaluated, as the VM does, and a division by
       * zero's reason wins, as in arith() */
      if (out->none) {
        out->divzero |= v.none && v.divzero;
        continue;
      }
      if (v.none) {
        val_none(out, n->ty.kind);
        out->divzero = v.divzero;
      } else if (!have || (is_min ? val_order(&v, out) < 0 : val_order(&v, out) > 0)) {
        val_copy(out, &v);
        have = true;
      }
    }
    out->kind = n->ty.kind;
    val_clear(&v);
    return;
  }
  ref_eval_expr(x, n->list, out);
  out->kind = n->ty.kind;
  if (out->none) return;
  if (!strcmp(f, "abs")) mpq_abs(out->q, out->q);
  else if (!strcmp(f, "floor")) round_q(out->q, 0, R_FLOOR);
  else if (!strcmp(f, "ceil")) round_q(out->q, 0, R_CEIL);
  else if (!strcmp(f, "round")) round_q(out->q, n->list->next ? (long)n->list->next->ival : 0, R_HALF_AWAY);
  else {
    fprintf(stderr, "reference: no function '%s'\n", f);
    abort();
  }
}

/* 4.13 NAME[KEY]: the value of the entry whose key equals the key; else
 * the default; else none (a missing key equals no key). */
static void lookup(struct ref_ctx *x, const struct node *n, struct val *out) {
  const struct s_table *t = &x->c->tables[n->index];
  struct val key, ek;
  val_init(&key);
  val_init(&ek);
  ref_eval_expr(x, n->a, &key);
  const struct node *hit = t->dflt ? t->dflt->b : NULL;
  for (const struct node *e = t->n->list; e && !key.none; e = e->next) {
    if (!e->a) continue;
    if (e->a->kind == N_STR) {
      ref_eval_expr(x, e->a, &ek);
    } else {
      ek.kind = TY_ENUM;
      ek.none = false;
      ek.i = e->a->ival;
    }
    if (val_order(&key, &ek) == 0) {
      hit = e->b;
      break;
    }
  }
  if (hit) ref_eval_expr(x, hit, out);
  else val_none(out, n->ty.kind);
  out->kind = n->ty.kind;
  val_clear(&key);
  val_clear(&ek);
}

/* ---- the expression ------------------------------------------------------------------ */

void ref_eval_expr(struct ref_ctx *x, const struct node *n, struct val *out) {
  out->none = out->divzero = false;
  switch ((enum node_kind)n->kind) {
  case N_INT:
  case N_DEC: literal_number(x, n, out); break;
  case N_STR:
    out->kind = TY_TEXT;
    out->s = n->str;
    out->n = n->str_len;
    break;
  case N_DATE: literal_date(x, n, out); break;
  case N_BOOL: val_bool(out, n->ival != 0); break;
  case N_ASOF: /* 4.10 */
    out->kind = TY_DATE;
    out->i = x->asof;
    break;
  case N_NAME: name(x, n, out); break;
  case N_NEG: /* 4.3: unary minus of a number; of none, none */
    ref_eval_expr(x, n->a, out);
    mpq_neg(out->q, out->q);
    out->kind = n->ty.kind;
    break;
  case N_NOT: /* 4.5, 6: not of a missing bool is false */
    ref_eval_expr(x, n->a, out);
    val_bool(out, !out->none && out->i == 0);
    break;
  case N_BIN:
    if (n->op == B_AND || n->op == B_OR) logic(x, n, out);
    else if (n->op >= B_EQ && n->op <= B_GE) compare(x, n, out);
    else arith(x, n, out);
    break;
  case N_IF: { /* 4.9: the else branch also when the condition is missing */
    struct val cnd;
    val_init(&cnd);
    ref_eval_expr(x, n->a, &cnd);
    ref_eval_expr(x, val_true(&cnd) ? n->b : n->c, out);
    out->kind = n->ty.kind;
    val_clear(&cnd);
    break;
  }
  case N_IN: { /* 4.6: a missing value is in no set */
    ref_eval_expr(x, n->a, out);
    bool in = false;
    const struct s_enum *e = &x->c->enums[n->a->ty.ref];
    for (const struct node *v = n->list; v && !out->none; v = v->next)
      in = in || (out->i >= 0 && (uint32_t)out->i < e->nvals && !strcmp(e->vals[out->i], v->name));
    val_bool(out, in);
    break;
  }
  case N_ISNONE: /* 4.7 */
    ref_eval_expr(x, n->a, out);
    val_bool(out, out->none != n->neg);
    break;
  case N_WITHIN: { /* 4.8: asof - N unit < d <= asof; a missing date is never within */
    ref_eval_expr(x, n->a, out);
    bool in = !out->none && window_start(x->asof, n->b) < out->i && out->i <= x->asof;
    val_bool(out, in);
    break;
  }
  case N_AGG: aggregate(x, n, out); break;
  case N_CALL: call(x, n, out); break;
  case N_PERIOD: { /* 4.13: a missing date is in no period */
    struct val at;
    val_init(&at);
    ref_eval_expr(x, n->a, out);
    ref_eval_expr(x, n->b, &at);
    bool in = !out->none && !at.none &&
              in_period(n->op, n->neg ? x->c->fiscal_month : 1, n->ival != 0, at.i, out->i);
    val_clear(&at);
    val_bool(out, in);
    break;
  }
  case N_INDEX: lookup(x, n, out); break;
  case N_CONV: /* a number taken as another kind of number: the same value */
    ref_eval_expr(x, n->a, out);
    out->kind = n->ty.kind;
    break;
  case N_HOLDS: /* 8.8: holds (op 0) or meets (op 1) a block: tiers first, then badges */
    val_bool(out, ref_reference(x, n->index, n->op == 1));
    break;
  case N_DURATION: /* the operand of within, read there */
  CASE_ITEM_KINDS:
    fprintf(stderr, "reference: no meaning for node kind %d\n", n->kind);
    abort();
  }
  ref_check_range(x, out);
}
