/*
 * result.c - the public evaluation call: parse a record, evaluate it, and
 * turn the VM's outcome into a tier_result: the tier held, the next one,
 * each unmet requirement with the metric's actual and required values and
 * the smallest change that meets it, and (when the VM was asked for them)
 * every requirement of the partner's type.
 *
 * This is the last stage that looks at the VM's registers.  The result is
 * a plain structure, computed once per record; the renderers (JSON, CSV,
 * table, explain, report, diff) read only it and never call back here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meaning.h"
#include "record.h"
#include "said.h"
#include "score.h"
#include "vm.h"

/* The public value types are the compiler's, number for number. */
#define SAME_TYPE(pub, in) ((int)(pub) == (int)(in))
_Static_assert(SAME_TYPE(TIER_TYPE_TEXT, TY_TEXT) && SAME_TYPE(TIER_TYPE_INT, TY_INT) && SAME_TYPE(TIER_TYPE_NUMBER, TY_NUMBER) &&
                   SAME_TYPE(TIER_TYPE_MONEY, TY_MONEY) && SAME_TYPE(TIER_TYPE_BOOL, TY_BOOL) &&
                   SAME_TYPE(TIER_TYPE_DATE, TY_DATE) && SAME_TYPE(TIER_TYPE_ENUM, TY_ENUM) && SAME_TYPE(TIER_TYPE_TIER, TY_TIER),
               "enum tier_type follows enum ty_kind");

const char *tier_vm_error(const tier_vm *vm) { return vm->err; }
const char *tier_vm_error_path(const tier_vm *vm) { return vm->path; }

/* ---- one requirement ------------------------------------------------------------ */

/* n with thousands separators: 3400 -> "3,400"; cents -> "3,400.00". */
static void grouped(uint64_t units, char *out, size_t n) {
  char digits[32];
  snprintf(digits, sizeof digits, "%llu", (unsigned long long)units);
  size_t len = strlen(digits), k = 0;
  for (size_t i = 0; i < len && k + 2 < n; i++) {
    if (i && (len - i) % 3 == 0) out[k++] = ',';
    out[k++] = digits[i];
  }
  out[k] = 0;
}

/* Values other than numbers read the same in every format: copy, cut at a
 * character boundary if they are longer than the field. */
static void shown_copy(char *dst, size_t n, const char *src) {
  size_t len = strlen(src);
  if (len >= n) {
    len = n - 1;
    while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80) len--;
  }
  memcpy(dst, src, len);
  dst[len] = 0;
}

/* A source text quoted in a sentence of o->need (a rule, a compared side,
 * a computed threshold) takes at most NEED_QUOTE bytes: a longer one is
 * cut on a character boundary and ends in "…", so that the sentence fits
 * the field whole however long the source is (two quotes and two shown
 * values leave room in need[448]).  The reference interpreter cuts the
 * same (tests/ref/ref_ladder.c). */
#define NEED_QUOTE 110
static void quote_cut(char dst[NEED_QUOTE + 1], const char *src) {
  static const char ellipsis[] = "\u2026";
  if (strlen(src) <= NEED_QUOTE) {
    strcpy(dst, src);
    return;
  }
  shown_copy(dst, NEED_QUOTE + 1 - (sizeof ellipsis - 1), src);
  strcat(dst, ellipsis);
}

/* A change of d units (money: cents) of a value of `kind`, up or down, as
 * a need says it ("+2 certified_people", "-1,500.00 spend"), the name cut
 * as needs cut it: the distance to a threshold, or a score input's. */
#define DISTANCE_MAX 160
static void distance_text(int kind, bool up, uint64_t d, const char *name, char out[DISTANCE_MAX]) {
  char m[NEED_QUOTE + 1], g[48];
  quote_cut(m, name);
  grouped(kind == TY_MONEY ? d / 100 : d, g, sizeof g);
  if (kind == TY_MONEY) snprintf(out, DISTANCE_MAX, "%c%s.%02llu %s", up ? '+' : '-', g, (unsigned long long)(d % 100), m);
  else snprintf(out, DISTANCE_MAX, "%c%s %s", up ? '+' : '-', g, m);
}

/* The smallest change to a value of `kind` that meets `actual OP required`,
 * into o->need: a distance for counts and money ("+2 certified_people",
 * no words to translate) when `distance`, otherwise the value it must take
 * (a number, or a formula call, says the value: the distance to it is
 * nothing the partner changes; score_need names an input that is). */
static void need_text(tier_req_result *o, int kind, int cmp, int64_t actual, int64_t required, bool divzero, bool distance) {
  char m[NEED_QUOTE + 1];
  quote_cut(m, o->metric);
  char *out = o->need;
  size_t n = sizeof o->need;
  struct sayer s;
  say_begin(&s, out, n, &o->need_said);
  if (kind == TY_BOOL) {
    SAY(&s, required == 1 ? N_("%s must become true") : N_("%s must become false"), m);
    return;
  }
  if (distance && (kind == TY_INT || kind == TY_MONEY) && actual != TIER_NONE &&
      (cmp == CMP_GE || cmp == CMP_GT || cmp == CMP_LE || cmp == CMP_LT)) {
    /* distance to the threshold, one step past it for a strict comparison */
    bool up = cmp == CMP_GE || cmp == CMP_GT;
    int64_t target = cmp == CMP_GT ? required + 1 : cmp == CMP_LT ? required - 1 : required;
    char t[DISTANCE_MAX];
    distance_text(kind, up, up ? (uint64_t)target - (uint64_t)actual : (uint64_t)actual - (uint64_t)target, o->metric, t);
    snprintf(out, n, "%s", t);
    return;
  }
  if (o->missing)
    SAY(&s, divzero ? N_("%s is none (division by zero); it must be %s %s") : N_("%s is missing; it must be %s %s"), m,
        cmp_text(cmp), o->required_shown);
  else SAY(&s, N_("%s must be %s %s (it is %s)"), m, cmp_text(cmp), o->required_shown, o->actual_shown);
}

/* A value of `kind` as a double, for ratios (int, money in currency units;
 * numbers come from num_to_double); 0 for the other kinds and for a
 * missing value. */
static double approx(int kind, int64_t v) {
  if (v == TIER_NONE) return 0;
  return kind == TY_MONEY ? (double)v / 100 : kind == TY_INT ? (double)v : 0;
}

/* The metric (or field) that requirement r compares with its constant: its
 * name, kind, enum or list reference, and value in vm->view (in *num for a
 * number): at the evaluation date, or at a checkpoint. */
static void compared_value(const struct tier_vm *vm, const struct img_req *r, const char **name, int *kind,
                           uint16_t *ref, int64_t *value, struct num *num) {
  const struct image *img = vm->rs->img;
  *num = num_none();
  if (r->metric >= 0) {
    const struct img_metric *m = &img->metrics[r->metric];
    *name = img_str(img, m->name);
    *kind = m->kind;
    *ref = m->ref;
    *value = vm->view.regs[r->metric];
    *num = vm->view.nregs[r->metric];
  } else {
    const struct img_field *f = &img->fields[img_top_field(img, (uint32_t)r->field)];
    *name = img_str(img, f->name);
    *kind = f->kind;
    *ref = f->ref;
    *value = vm->rec.top[r->field];
    if (f->kind == TY_NUMBER && !vm_record_num(&vm->rec, *value, num)) *num = num_none();
  }
}

/* The tier or badge (block b) an entry belongs to. */
static void describe_owner(const struct tier_vm *vm, uint32_t b, tier_req_result *o) {
  const struct image *img = vm->rs->img;
  memset(o, 0, sizeof *o);
  const char *name = img_str(img, img_block(img, b)->name);
  if (b < img->ntiers) {
    o->tier = name;
    o->tier_index = (int)b;
    o->badge_index = -1;
  } else {
    o->badge = name;
    o->badge_index = (int)(b - img->ntiers);
    o->tier_index = -1;
  }
}

/* A date a period test reads (meaning.h, struct mn_date), by its name
 * and its value at the evaluation date. */
static void period_operand(const struct tier_vm *vm, struct mn_date d, const char **name, int64_t *v) {
  const struct image *img = vm->rs->img;
  switch (d.kind) {
  case MN_FIELD:
    *name = img_str(img, img->fields[d.at].name);
    *v = vm->rec.top[img->fields[d.at].slot];
    break;
  case MN_REF:
    *name = img_str(img, img->metrics[d.at].name);
    *v = vm->view.regs[d.at];
    break;
  default:
    *name = "asof";
    *v = vm->ev.asof;
    break;
  }
}

/* Requirement q when it is one period test, `d in P of x` with d and x
 * each a field, a metric or asof, as written (its shape, read from its
 * meaning at load): the dates that decide it, met or not, in o->detail,
 * and when it is not met the gap in o->need ("last_audit must be in
 * 2024-04-01 .. 2025-03-31 (it is 2024-03-31)") unless the period holds
 * no date at all (one before the calendar).  Only at the evaluation date:
 * a checkpoint's entry (a time clause's view) has another asof. */
static void describe_period(const struct tier_vm *vm, uint32_t q, tier_req_result *o) {
  const struct mn_shape *sh = &vm->rs->shape[q];
  const char *dn, *xn;
  int64_t d, x;
  struct period p;
  if (vm->view.regs != vm->ev.regs_today || !sh->period || !per_decode(sh->per, &p)) return;
  period_operand(vm, sh->d, &dn, &d);
  period_operand(vm, sh->x, &xn, &x);
  uint32_t pc = sh->per; /* the period's words are said again in the user's language */
  char pt[64], ds[11], xs[11], from[11], to[11];
  per_text(p, pt, sizeof pt);
  struct sayer detail, need;
  say_begin(&detail, o->detail, sizeof o->detail, &o->detail_said);
  if (x == TIER_NONE) {
    say_part(&detail, N_("%s is missing: its %s is none"), NULL, 0, 2, pc, 2, SAY_ARGS(xn, pt));
    return;
  }
  date_format(x, xs);
  date_format(per_start(p, x), from);
  date_format(per_end(p, x), to);
  bool gap = !o->met && per_contains(p, x, per_start(p, x)); /* a period that holds some day */
  if (gap) say_begin(&need, o->need, sizeof o->need, &o->need_said);
  if (d == TIER_NONE) {
    say_part(&detail, N_("%s is missing: not in %s of %s (%s .. %s)"), NULL, 0, 2, pc, 5, SAY_ARGS(dn, pt, xs, from, to));
    if (gap) SAY(&need, N_("%s is missing; it must be in %s .. %s"), dn, from, to);
    return;
  }
  date_format(d, ds);
  say_part(&detail, o->met ? N_("%s %s is in %s of %s (%s .. %s)") : N_("%s %s is not in %s of %s (%s .. %s)"), NULL, 0, 3, pc, 6,
           SAY_ARGS(dn, ds, pt, xs, from, to));
  if (gap) SAY(&need, N_("%s must be in %s .. %s (it is %s)"), dn, from, to, ds);
}

/* A requirement that refers to blocks (holds, meets): each reference's
 * outcome in o->detail, "Security is held; Modern_Work's own requirements
 * are not met", as many as fit (TIER_SAID_PARTS at most), in the order
 * its meaning reads them.  The outcomes are those its last run read
 * (vm.h, ref_holds). */
static void describe_refs(const struct tier_vm *vm, uint32_t q, tier_req_result *o) {
  static const char *const says[2][2] = {{N_("%s is not held"), N_("%s is held")},
                                         {N_("%s's own requirements are not met"), N_("%s's own requirements are met")}};
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  const struct mn_shape *sh = &rs->shape[q];
  struct sayer s;
  if (!sh->nrefs) return;
  say_begin(&s, o->detail, sizeof o->detail, &o->detail_said);
  for (const struct mn_ref *r = &rs->refs[sh->ref_first]; r < &rs->refs[sh->ref_first + sh->nrefs]; r++) {
    bool yes = r->meets ? vm->ev.ref_meets[r->block] : vm->ev.ref_holds[r->block];
    if (!SAY(&s, says[r->meets][yes], img_str(img, img_block(img, r->block)->name))) return;
  }
}

/* The values of a comparison `actual CMP required` of `kind` (numbers in
 * qa and qr) into entry o, with the gap when it is not met. */
static void describe_compared(const struct tier_vm *vm, tier_req_result *o, int kind, uint16_t ref, int cmp, int64_t actual,
                              struct num qa, int64_t required, struct num qr, bool distance) {
  const struct tier_ruleset *rs = vm->rs;
  o->type = kind;
  o->op = cmp_text(cmp);
  if (kind == TY_NUMBER) {
    num_format(qa, o->actual);
    num_format_shown(qa, o->actual_shown);
    if (num_is_divzero(qa)) snprintf(o->actual_shown, sizeof o->actual_shown, "%s", SHOWN_DIVZERO);
    num_format(qr, o->required);
    num_format_shown(qr, o->required_shown);
    if (num_is_divzero(qr)) snprintf(o->required_shown, sizeof o->required_shown, "%s", SHOWN_DIVZERO);
    o->missing = num_is_none(qa);
    o->actual_value = o->missing ? 0 : num_to_double(qa);
    o->required_value = num_is_none(qr) ? 0 : num_to_double(qr);
  } else {
    vm_value_text(rs, &vm->rec, kind, ref, actual, o->actual, sizeof o->actual);
    vm_value_text(rs, &vm->rec, kind, ref, required, o->required, sizeof o->required);
    shown_copy(o->actual_shown, sizeof o->actual_shown, o->actual);
    shown_copy(o->required_shown, sizeof o->required_shown, o->required);
    o->missing = actual == TIER_NONE;
    o->actual_value = approx(kind, actual);
    o->required_value = approx(kind, required);
  }
  if (o->met) return;
  if (kind == TY_NUMBER ? num_is_none(qr) : required == TIER_NONE) { /* no threshold: nothing meets it */
    char m[NEED_QUOTE + 1], t[NEED_QUOTE + 1];
    struct sayer s;
    quote_cut(m, o->metric);
    quote_cut(t, o->threshold ? o->threshold : "");
    say_begin(&s, o->need, sizeof o->need, &o->need_said);
    SAY(&s, num_is_divzero(qr) ? N_("%s: the threshold %s is none (division by zero)") : N_("%s: the threshold %s is missing"), m,
        t);
  } else {
    need_text(o, kind, cmp, actual, required, num_is_divzero(qa), distance);
  }
}

/* A requirement with a computed threshold (vm_trace): the compared side's
 * text, its value and the threshold's, at the evaluation date; a
 * checkpoint's entry is described by its rule alone. */
static void describe_traced(struct tier_vm *vm, const struct img_req *r, uint32_t q, tier_req_result *o) {
  const struct image *img = vm->rs->img;
  if (vm->view.regs != vm->ev.regs_today || !vm_trace(vm, q)) return;
  o->metric = img_str(img, r->xvalue);
  o->threshold = r->xthreshold == NO_STR ? NULL : img_str(img, r->xthreshold);
  const struct img_trace *t = &img->traces[r->xfirst]; /* its comparison is the first traced */
  describe_compared(vm, o, t->kind, t->ref, r->xcmp, vm->trace[TRACE_ACTUAL], vm->ntrace[TRACE_ACTUAL], vm->trace[TRACE_REQUIRED],
                    vm->ntrace[TRACE_REQUIRED], !vm->rs->req_scores[q].own);
}

/* The value in trace slot k of requirement q's last explain run (a
 * formula call's), as explain shows values: a number to two decimals,
 * marked "\u2248" where that changed it. */
static void traced_text(const struct tier_vm *vm, const struct img_trace *t, uint32_t k, char *out, size_t n) {
  if (t->kind != TY_NUMBER) {
    vm_value_text(vm->rs, &vm->rec, t->kind, t->ref, vm->trace[k], out, n);
    return;
  }
  char v[NUM_TEXT];
  num_format_shown(vm->ntrace[k], v);
  snprintf(out, n, "%s", num_is_divzero(vm->ntrace[k]) ? SHOWN_DIVZERO : v);
}

/* Say in s the value of each traced call of requirement r whose depth is
 * within [lo, hi], but the compared side itself (o->metric), each text
 * once, where it is first traced; false when one did not fit. */
static bool say_calls(const struct tier_vm *vm, const struct img_req *r, const char *compared, uint8_t lo, uint8_t hi,
                      struct sayer *s) {
  const struct image *img = vm->rs->img;
  const struct img_trace *t = &img->traces[r->xfirst];
  for (uint32_t k = 0; k < r->xn; k++) {
    bool skip = t[k].call == NO_STR || t[k].depth < lo || t[k].depth > hi || !strcmp(img_str(img, t[k].call), compared);
    for (uint32_t j = 0; j < k && !skip; j++) skip = t[j].call == t[k].call;
    if (skip) continue;
    char v[NUM_TEXT > 200 ? NUM_TEXT : 200];
    traced_text(vm, &t[k], 2 * k, v, sizeof v);
    if (!SAY(s, N_("%s is %s"), img_str(img, t[k].call), v)) return false;
  }
  return true;
}

/* A requirement whose compared side is or holds formula calls (described
 * by describe_traced): the calls' values in o->detail, "performance_points(
 * security, enterprise) is 10; skilling_points(security) is 40": the parts
 * of the compared call (the calls at most one deep in the requirement, as
 * many as fit), then the calls one deeper (a part's arguments,
 * "m365_net_adds(security, enterprise) is 3") if all of them fit too.
 * Every call is in the trace for `tierc test` (ruletest.c). */
static void describe_calls(struct tier_vm *vm, const struct img_req *r, tier_req_result *o) {
  struct sayer s;
  say_begin(&s, o->detail, sizeof o->detail, &o->detail_said);
  if (!say_calls(vm, r, o->metric, 0, 1, &s)) return;
  char text[sizeof o->detail];
  tier_said said = o->detail_said;
  memcpy(text, o->detail, sizeof text);
  if (say_calls(vm, r, o->metric, 2, 2, &s)) return;
  memcpy(o->detail, text, sizeof text); /* not all of them: none */
  o->detail_said = said;
}

static void describe_ref_needs(struct tier_vm *vm, uint32_t q, int depth, tier_req_result *o);

/* References followed for the gap (describe_ref_needs): `holds Cloud`,
 * whose own requirement is `holds Security and holds Modern_Work`, says
 * what Security and Modern_Work need, so far down a chain. */
#define REF_NEEDS_DEPTH 4
/* ... and at most this many requirements described on the way, in all: a
 * chain four deep of blocks that each name twenty others would otherwise
 * describe 20^4 of them for one unmet entry.  The need has room for far
 * fewer sentences than this anyway. */
#define REF_NEEDS_LEAVES 64

/* ---- a score of several inputs (score.h) ---------------------------------------------- */

/* A score input's name and kind (of requirement q's score or call); a
 * count or sum of a compared call: its call's text, as traced. */
static const char *input_name(const struct image *img, uint32_t q, const struct score_input *u, int *kind) {
  if (u->agg) {
    const struct img_trace *t = &img->traces[img->reqs[q].xfirst + u->trace];
    *kind = t->kind;
    return img_str(img, t->call);
  }
  const struct img_field *f = u->field ? &img->fields[img_top_field(img, u->x)] : NULL;
  *kind = f ? f->kind : img->metrics[u->x].kind;
  return img_str(img, f ? f->name : img->metrics[u->x].name);
}

/* Unmet requirement q (o, described at the evaluation date) compares a
 * score with a constant, or a formula call with a threshold: o->need
 * becomes each input's smallest change that alone meets it, at most three
 * ("+5 certified or +23 wins"); o keeps the value the score or the call
 * must reach when q has no score (score_of_req) or no input alone meets
 * it. */
static void score_need(struct tier_vm *vm, uint32_t q, tier_req_result *o) {
  const struct image *img = vm->rs->img;
  struct score_change ch[SCORE_INPUTS];
  if (o->met || o->missing || !o->need[0] || vm->view.regs != vm->ev.regs_today) return;
  uint32_t n = whatif_changes(vm, q, ch);
  if (n == 0) return;
  const struct score *sc = score_of_req(vm->rs, q);
  char t[3][DISTANCE_MAX];
  for (uint32_t i = 0; i < n && i < 3; i++) {
    int kind;
    const char *name = input_name(img, q, &sc->in[ch[i].k], &kind);
    distance_text(kind, ch[i].up, ch[i].d, name, t[i]);
  }
  struct sayer s;
  say_begin(&s, o->need, sizeof o->need, &o->need_said);
  if (n == 1) snprintf(o->need, sizeof o->need, "%s", t[0]); /* no words to translate, as a distance */
  else if (n == 2) SAY(&s, N_("%s or %s"), t[0], t[1]);
  else SAY(&s, N_("%s, %s or %s"), t[0], t[1], t[2]);
}

/* Requirement q compares a score at the evaluation date: its parts into
 * o->detail, the metric's definition and each input's value ("points =
 * capped(a * 2, 20) + b; a is 3; b is 10"). */
static void score_detail(const struct tier_vm *vm, uint32_t q, tier_req_result *o) {
  const struct image *img = vm->rs->img;
  const struct img_req *r = &img->reqs[q];
  if (r->metric < 0 || vm->rs->scores[r->metric].entry == UINT32_MAX || vm->view.regs != vm->ev.regs_today) return;
  const struct score *sc = &vm->rs->scores[r->metric];
  const struct img_metric *m = &img->metrics[r->metric];
  struct sayer s;
  say_begin(&s, o->detail, sizeof o->detail, &o->detail_said);
  if (m->def != NO_STR) SAY(&s, N_("%s = %s"), img_str(img, m->name), img_str(img, m->def));
  for (uint32_t k = 0; k < sc->n; k++) {
    int kind;
    const char *name = input_name(img, q, &sc->in[k], &kind);
    char v[64];
    vm_value_text(vm->rs, &vm->rec, kind, 0, *score_input_at(vm, &sc->in[k]), v, sizeof v);
    if (!SAY(&s, N_("%s is %s"), name, v)) break;
  }
}

/* Requirement q of block b at the VM's last evaluation, with the values of
 * vm->view.  depth: how many references the gap went through to reach q
 * (describe_ref_needs). */
static void describe_req_at(struct tier_vm *vm, uint32_t b, uint32_t q, int depth, tier_req_result *o) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  const struct img_req *r = &img->reqs[q];
  describe_owner(vm, b, o);
  o->kind = TIER_ENTRY_REQ;
  o->index = (int)q;
  o->section = r->section == NO_STR ? NULL : img_str(img, r->section);
  o->label = r->label == NO_STR ? NULL : img_str(img, r->label);
  o->rule = img_str(img, r->rule);
  o->met = vm->view.met[q];
  if (img->has_debug) {
    o->file = img_str(img, r->file);
    o->line = r->line;
    o->column = r->col;
  }
  if (r->metric < 0 && r->field < 0) {
    if (!o->met) {
      char cut[NEED_QUOTE + 1];
      struct sayer s;
      quote_cut(cut, o->rule);
      say_begin(&s, o->need, sizeof o->need, &o->need_said);
      SAY(&s, N_("must hold: %s"), cut);
    }
    describe_period(vm, q, o);
    if (!o->detail[0]) describe_refs(vm, q, o);
    if (!o->met && depth < REF_NEEDS_DEPTH) describe_ref_needs(vm, q, depth, o);
    if (r->xvalue != NO_STR) describe_traced(vm, r, q, o);
    if (o->metric && !o->detail[0]) describe_calls(vm, r, o);         /* the trace describe_traced ran */
    if (o->metric && vm->rs->req_scores[q].own) score_need(vm, q, o); /* a compared call: which input can close it */
    return;
  }
  int kind;
  uint16_t ref;
  const struct img_const *k = &img->consts[r->konst];
  int64_t actual;
  struct num qa; /* the actual value, for a number */
  compared_value(vm, r, &o->metric, &kind, &ref, &actual, &qa);
  describe_compared(vm, o, kind, ref, r->cmp, actual, qa, k->v, k->q, true);
  score_need(vm, q, o);   /* a score of several inputs: which input can close it */
  score_detail(vm, q, o); /* and its parts */
}

static void describe_req(struct tier_vm *vm, uint32_t b, uint32_t q, tier_req_result *o) { describe_req_at(vm, b, q, 0, o); }

/* ---- what a referenced block still needs -------------------------------------------------- */

static bool time_met(const struct tier_vm *vm, uint32_t b);

/* The needs of item i of block b that fail on the way its smallest change
 * takes (price_items: an either's cheapest branch, an at least's cheapest
 * items): with refs false the block's own requirements, each an item of
 * the list `to` (say_item); with refs true what the blocks its
 * references name need, each said as sentences of `to`.  Returns whether
 * it met a failing requirement of that kind, said or not (it may not fit). */
static bool failing_needs(struct tier_vm *vm, uint32_t b, uint32_t i, bool refs, int depth, struct sayer *to) {
  const struct img_item *it = &vm->rs->img->items[i];
  if (vm->ev.held[i]) return false;
  if (it->kind == IT_LEAF) {
    if (vm->rs->shape[it->first].refs_only != refs) return false;
    if (vm->ref_needs_left == 0) return true;
    vm->ref_needs_left--;
    tier_req_result leaf;
    describe_req_at(vm, b, it->first, depth + 1, &leaf);
    if (refs) say_said(to, leaf.need, &leaf.need_said);
    else say_item(to, leaf.need[0] ? leaf.need : leaf.rule, leaf.need[0] ? &leaf.need_said : NULL);
    return true;
  }
  bool found = false;
  for (uint32_t k = it->first; k < it->first + it->count; k++)
    if (it->kind == IT_BRANCH || vm->picked[k]) found = failing_needs(vm, b, k, refs, depth, to) || found;
  return found;
}

/* What block x still needs for `holds x` (its items, and its time
 * clause) or `meets x` (its items), as sentences of s: "X needs A, B"
 * (A and B said again in the user's language inside it), then, for its
 * items that are references, what their blocks need ("Y needs C"). */
static void block_needs(struct tier_vm *vm, uint32_t x, bool holds, int depth, struct sayer *s) {
  const struct image *img = vm->rs->img;
  const struct img_tier *X = img_block(img, x);
  const char *name = img_str(img, X->name);
  char own[sizeof vm->unmet->need];
  tier_said own_said;
  struct sayer list;
  say_begin(&list, own, sizeof own, &own_said);
  for (uint32_t i = X->first_item; i < X->first_item + X->nitems; i++) failing_needs(vm, x, i, false, depth, &list);
  if (holds && X->time != TC_NONE && !time_met(vm, x)) say_item(&list, vm->rs->time_text[x], NULL);
  if (list.len) say_list(s, N_("%s needs %s"), name, &list);
  bool refs = false; /* a requirement of references fails (what it needs may not fit) */
  for (uint32_t i = X->first_item; i < X->first_item + X->nitems; i++) refs = failing_needs(vm, x, i, true, depth, s) || refs;
  if (!list.len && !refs && x < img->ntiers) /* its own items hold: a tier below it does not */
    SAY(s, N_("%s is met, but not the tiers below it"), name);
}

/* The gap of an unmet requirement that is references joined by `and`
 * (`holds Security and holds Modern_Work`): for each one that fails, what
 * its block still needs, from that block's own entries; for `holds T` of a
 * tier, each tier of its ladder up to T that is not held.  A tier of
 * another partner type needs a record of its type.  Any other rule keeps
 * "must hold: RULE".  Only at the evaluation date, where the referenced
 * blocks' entries are. */
static void describe_ref_needs(struct tier_vm *vm, uint32_t q, int depth, tier_req_result *o) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  const struct mn_shape *sh = &rs->shape[q];
  if (vm->view.regs != vm->ev.regs_today || !sh->refs_only) return;
  if (depth == 0) vm->ref_needs_left = REF_NEEDS_LEAVES;
  char need[sizeof o->need];
  tier_said said;
  struct sayer s;
  say_begin(&s, need, sizeof need, &said);
  for (const struct mn_ref *r = &rs->refs[sh->ref_first]; r < &rs->refs[sh->ref_first + sh->nrefs]; r++) {
    bool holds = !r->meets;
    if (holds ? vm->ev.ref_holds[r->block] : vm->ev.ref_meets[r->block]) continue;
    const struct img_tier *X = img_block(img, r->block);
    if (r->block < img->ntiers && (int)X->ptype != vm->ev.ptype) {
      const struct img_enum *e = &img->enums[img->fields[img->partner_field].ref];
      SAY(&s, N_("%s is a tier of partner type %s, not %s"), img_str(img, X->name), img_str(img, e->vals[X->ptype]),
          vm->ev.ptype >= 0 ? img_str(img, e->vals[vm->ev.ptype]) : "(none)");
    } else if (r->block < img->ntiers && holds) { /* each tier of its ladder up to it that is not held */
      for (uint32_t t = 0; t < img->ntiers; t++)
        if (img->tiers[t].ptype == X->ptype && rs->tier_pos[t] <= rs->tier_pos[r->block] && !vm->ev.ref_holds[t])
          block_needs(vm, t, true, depth, &s);
    } else {
      block_needs(vm, r->block, holds, depth, &s);
    }
  }
  if (s.len) { /* in place of the "must hold" */
    memcpy(o->need, need, s.len + 1);
    o->need_said = said;
  }
}

/* ---- time clauses ---------------------------------------------------------------------- */

static tier_req_result *reserve(struct tier_vm *vm, size_t n);

/* n entries for a list of failing checkpoint requirements, from vm's
 * chunks (vm->cp_pool; a new one of at least CP_CHUNK entries when none
 * has room).  Out of memory, *ran is made false, so that the list is
 * described empty, and vm->cp_oom true: the record's evaluation fails. */
#define CP_CHUNK 256
static tier_req_result *cp_entries(struct tier_vm *vm, size_t n, bool *ran) {
  if (n == 0) return vm->unmet; /* none is written */
  for (struct cp_chunk *c = vm->cp_cur; c; c = c->next) {
    vm->cp_cur = c;
    if (c->cap - c->used >= n) {
      c->used += n;
      return c->e + (c->used - n);
    }
  }
  size_t cap = n > CP_CHUNK ? n : CP_CHUNK;
  struct cp_chunk *c = t_malloc(&vm->hook, sizeof *c + sizeof c->e[0] * cap);
  if (!c) {
    vm->cp_oom = true; /* the evaluation gives TIER_ENOMEM (res_eval_bound) */
    *ran = false;
    return vm->unmet;
  }
  c->next = NULL;
  c->cap = cap;
  c->used = n;
  if (vm->cp_cur) vm->cp_cur->next = c; /* the last chunk, after the loop */
  else vm->cp_pool = c;
  vm->cp_cur = c;
  return c->e;
}

/* Does block b's time clause hold (vm.c, shared_clause, says what time_at is)? */
static bool time_met(const struct tier_vm *vm, uint32_t b) {
  return (img_block(vm->rs->img, b)->time == TC_SUSTAINED) == (vm->ev.time_at[b] == TIER_NONE);
}

/* The requirements that failed at the checkpoint where block b's sustained
 * clause failed, with their values there: the badge's, or the tier's and
 * its lower tiers'.  The metrics and requirements are run again at that
 * date: once per badge, and once per checkpoint date for the tiers (the
 * tiers of a type share their sustained checkpoints, and all those whose
 * clause failed at one date are described from one run up to the highest
 * of them), so that the cost bound counts at most one run per badge and one
 * per shared checkpoint.  A fault there (in a requirement the evaluation
 * did not need) leaves the list empty.  Entries of one deeper than the
 * clause, into a list of their own. */
static void describe_failures(struct tier_vm *vm, uint32_t b, int depth, bool ran);
static void tier_failures(struct tier_vm *vm, uint32_t b, int depth);
static void badge_failures(struct tier_vm *vm, uint32_t b, int depth);

static size_t checkpoint_failures(struct tier_vm *vm, uint32_t b, int depth, const tier_req_result **list) {
  const struct image *img = vm->rs->img;
  if (!vm->cp_list[b] && b < img->ntiers) tier_failures(vm, b, depth);
  else if (!vm->cp_list[b]) badge_failures(vm, b, depth);
  *list = vm->cp_list[b];
  return vm->cp_n[b];
}

/* Failed tier k's clause at `at`, among tiers of type p? */
static bool failed_at(const struct tier_vm *vm, uint32_t k, int p, int64_t at) {
  const struct img_tier *K = &vm->rs->img->tiers[k];
  return (int)K->ptype == p && K->time == TC_SUSTAINED && vm->ev.time_at[k] == at;
}

/* Describe block b's failing requirements, from the run at its checkpoint
 * (vm->cp_met and the registers), into out (as many as fail); how many. */
static size_t describe_block(struct tier_vm *vm, uint32_t b, int depth, int64_t at, tier_req_result *out) {
  const struct img_tier *K = img_block(vm->rs->img, b);
  size_t i = 0;
  for (uint32_t q = K->first_req; q < K->first_req + K->nreq; q++) {
    if (vm->cp_met[q]) continue;
    describe_req(vm, b, q, &out[i]);
    out[i].depth = depth;
    out[i++].checkpoint = at;
  }
  return i;
}

/* Every tier of b's type whose clause failed where b's did, described from
 * one run up to the highest of them.  Tier k's list is its failures and
 * the lower tiers', so each such list is a beginning of one list, the
 * failures of the tiers of the type in order: each failure is described
 * once, and the tiers are looked at twice (vm->cp_work counts them). */
static void tier_failures(struct tier_vm *vm, uint32_t b, int depth) {
  const struct image *img = vm->rs->img;
  int64_t at = vm->ev.time_at[b];
  int p = (int)img->tiers[b].ptype;
  uint32_t top = b;
  for (uint32_t k = b + 1; k < img->ntiers; k++, vm->cp_work++)
    if (failed_at(vm, k, p, at)) top = k;
  bool ran = vm_run_at(vm, &vm->rec, at, p, 0, top, vm->cp_met) == TIER_OK;
  size_t n = 0, i = 0;
  for (uint32_t k = 0; ran && k <= top; k++, vm->cp_work++)
    if ((int)img->tiers[k].ptype == p)
      for (uint32_t q = img->tiers[k].first_req; q < img->tiers[k].first_req + img->tiers[k].nreq; q++) n += !vm->cp_met[q];
  tier_req_result *out = cp_entries(vm, n, &ran);
  struct view today = vm->view;
  vm->view = (struct view){vm->regs, vm->nregs, vm->cp_met};
  for (uint32_t k = 0; k <= top; k++, vm->cp_work++) {
    if ((int)img->tiers[k].ptype != p) continue;
    if (ran) i += describe_block(vm, k, depth, at, out + i);
    if (k == b || (k > b && failed_at(vm, k, p, at) && !vm->cp_list[k])) {
      vm->cp_list[k] = out;
      vm->cp_n[k] = i;
    }
  }
  vm->view = today;
}

/* Badge b and every later badge whose sustained clause failed where b's
 * did, described from one run of the metric block at that date and a run
 * of each one's requirements (a fault in one badge's leaves its list
 * empty, as when it ran alone): the metric block runs once per checkpoint
 * date, not once per badge. */
static void badge_failures(struct tier_vm *vm, uint32_t b, int depth) {
  const struct image *img = vm->rs->img;
  int64_t at = vm->ev.time_at[b];
  bool metrics = vm_run_metrics_at(vm, &vm->rec, at) == TIER_OK;
  for (uint32_t k = b; k < img->ntiers + img->nbadges; k++, vm->cp_work++) {
    const struct img_tier *K = img_block(img, k);
    if (k != b && (vm->cp_list[k] || K->time != TC_SUSTAINED || vm->ev.time_at[k] != at)) continue;
    describe_failures(vm, k, depth, metrics && vm_run_block_at(vm, &vm->rec, at, k, vm->cp_met) == TIER_OK);
  }
}

/* Describe badge b's failures from the run at its checkpoint (vm->cp_met
 * and the registers), into vm->cp_list[b]. */
static void describe_failures(struct tier_vm *vm, uint32_t b, int depth, bool ran) {
  const struct img_tier *K = img_block(vm->rs->img, b);
  size_t n = 0;
  for (uint32_t q = K->first_req; ran && q < K->first_req + K->nreq; q++) n += !vm->cp_met[q];
  tier_req_result *out = cp_entries(vm, n, &ran);
  struct view today = vm->view;
  vm->view = (struct view){vm->regs, vm->nregs, vm->cp_met};
  vm->cp_n[b] = ran ? describe_block(vm, b, depth, vm->ev.time_at[b], out) : 0;
  vm->cp_list[b] = out;
  vm->view = today;
}

/* The time clause of block b: whether it holds, the checkpoint that
 * decided it, and for a sustained clause that failed before today, what
 * failed there. */
static void describe_time(struct tier_vm *vm, uint32_t b, int depth, tier_req_result *o) {
  const struct image *img = vm->rs->img;
  const struct img_tier *T = img_block(img, b);
  describe_owner(vm, b, o);
  bool every = T->time == TC_SUSTAINED;
  o->kind = every ? TIER_ENTRY_SUSTAINED : TIER_ENTRY_AT_ANY;
  o->index = -1;
  o->depth = depth;
  o->rule = vm->rs->time_text[b];
  o->time = T->time;
  o->window = (int)T->time_n;
  o->sustained = every ? (int)T->time_n : 0;
  if (img->has_debug) {
    o->file = img_str(img, T->file);
    o->line = T->line;
    o->column = T->col;
  }
  o->met = time_met(vm, b);
  o->checkpoint = vm->ev.time_at[b] == TIER_NONE ? 0 : vm->ev.time_at[b];
  o->window_start = tc_first(T->time, T->time_n, vm->ev.asof);
  if (o->met) return;
  char d[11], e[11];
  date_format(every ? o->checkpoint : o->window_start, d);
  date_format(vm->ev.asof, e);
  if (every && o->checkpoint != vm->ev.asof)
    o->nitems = checkpoint_failures(vm, b, depth + 1, &o->items);
  char months[12];
  snprintf(months, sizeof months, "%u", T->time_n);
  struct sayer s;
  say_begin(&s, o->need, sizeof o->need, &o->need_said);
  if (every)
    say_part(&s,
             NGN_("the requirements must hold at every monthly checkpoint for %s month (failed at %s)",
                  "the requirements must hold at every monthly checkpoint for %s months (failed at %s)"),
             T->time_n, 0, 0, 2, SAY_ARGS(months, d));
  else
    SAY(&s,
        T->time == TC_ANY_MONTHS ? N_("the requirements must hold at one monthly checkpoint from %s to %s")
                                 : N_("the requirements must hold at one daily checkpoint from %s to %s"),
        d, e);
}

/* ---- groups, unmet entries and the smallest change ---------------------------------------- */

/* Group item i (an either, a branch, an at least) of block b. */
static void describe_group(const struct tier_vm *vm, uint32_t b, uint32_t i, tier_req_result *o) {
  const struct image *img = vm->rs->img;
  const struct img_item *it = &img->items[i];
  describe_owner(vm, b, o);
  o->index = (int)i;
  o->section = it->section == NO_STR ? NULL : img_str(img, it->section);
  o->met = vm->ev.held[i];
  o->of = (int)it->count;
  for (uint32_t k = it->first; k < it->first + it->count; k++) o->held += vm->ev.held[k];
  o->rule = vm->rs->item_name[i];
  o->place = vm->rs->item_place[i];
  o->needed = (int)item_needs(it);
  if (it->kind == IT_EITHER) {
    o->kind = TIER_ENTRY_EITHER;
  } else if (it->kind == IT_BRANCH) {
    o->kind = TIER_ENTRY_BRANCH;
  } else {
    o->kind = TIER_ENTRY_AT_LEAST;
    if (!o->met) {
      char more[12], of[12], held[12], must[12];
      struct sayer s;
      snprintf(more, sizeof more, "%d", o->needed - o->held);
      snprintf(of, sizeof of, "%u", it->count);
      snprintf(held, sizeof held, "%d", o->held);
      snprintf(must, sizeof must, "%u", it->n);
      say_begin(&s, o->need, sizeof o->need, &o->need_said);
      say_part(&s, NGN_("%s more of the %s below (%s holds, %s must)", "%s more of the %s below (%s hold, %s must)"),
               (unsigned long)o->held, 0, 0, 4, SAY_ARGS(more, of, held, must));
    }
  }
}

static int by_cost(const void *a, const void *b) {
  const struct cost_pair *x = a, *y = b;
  if (x->cost != y->cost) return x->cost < y->cost ? -1 : 1;
  return x->item < y->item ? -1 : x->item > y->item; /* ties: the first written */
}

/* The smallest change, item by item (SPEC 3.5): cost[i] is how many
 * requirements must change for item i to hold, and picked[i] says that i
 * is on the cheapest way to make its parent hold: an either's branch with
 * the fewest failing requirements (ties: the first written), an at least's
 * cheapest failing items, as many as it lacks.  Children come after their
 * parents in the item table (the verifier checks it), so one pass from
 * the end sees every child before its parent. */
static void price_items(struct tier_vm *vm) {
  const struct image *img = vm->rs->img;
  for (uint32_t i = img->nitems; i-- > 0;) {
    const struct img_item *it = &img->items[i];
    vm->picked[i] = false;
    if (vm->ev.held[i]) {
      vm->cost[i] = 0;
      continue;
    }
    if (it->kind == IT_LEAF) {
      vm->cost[i] = 1;
      continue;
    }
    /* the failing children, cheapest first */
    size_t n = 0;
    for (uint32_t k = it->first; k < it->first + it->count; k++)
      if (!vm->ev.held[k]) vm->pairs[n++] = (struct cost_pair){vm->cost[k], k};
    qsort(vm->pairs, n, sizeof *vm->pairs, by_cost);
    size_t take = item_needs(it) - (it->count - n); /* what it lacks: it does not hold, so fewer than it needs do */
    uint64_t sum = 0;
    for (size_t k = 0; k < take && k < n; k++) {
      sum += vm->pairs[k].cost;
      vm->picked[vm->pairs[k].item] = true;
    }
    vm->cost[i] = sum;
  }
}

/* Entries go into vm->unmet: each list (a block's, an at least's items) is
 * consecutive, reserved before it is filled. */
static tier_req_result *reserve(struct tier_vm *vm, size_t n) {
  tier_req_result *p = vm->unmet + vm->unmet_used;
  vm->unmet_used += n;
  return p;
}

/* How many entries item_unmet writes for item i: a failing requirement or
 * at least one, a failing either those of each of its branches. */
static size_t count_unmet(const struct tier_vm *vm, uint32_t i) {
  const struct img_item *it = &vm->rs->img->items[i];
  if (vm->ev.held[i]) return 0;
  if (it->kind == IT_LEAF || it->kind == IT_ATLEAST) return 1;
  size_t n = 0;
  for (uint32_t k = it->first; k < it->first + it->count; k++) n += count_unmet(vm, k);
  return n;
}
static size_t count_unmet_list(const struct tier_vm *vm, uint32_t first, uint32_t count) {
  size_t n = 0;
  for (uint32_t k = first; k < first + count; k++) n += count_unmet(vm, k);
  return n;
}

/* Entry o is inside branch item br (NO_ITEM: in none), the innermost. */
static void in_branch(const struct tier_vm *vm, uint32_t br, tier_req_result *o) {
  o->branch = br == NO_ITEM ? NULL : vm->rs->item_name[br];
  o->branch_place = br == NO_ITEM ? 0 : vm->rs->item_place[br];
}

/* The entries of item i of block b into out, if it fails; returns how
 * many.  branch: the branch item it is in (NO_ITEM: none).  gap: the item
 * is on the way the smallest change takes. */
static size_t item_unmet(struct tier_vm *vm, uint32_t b, uint32_t i, uint32_t branch, bool gap, int depth, tier_req_result *out) {
  const struct img_item *it = &vm->rs->img->items[i];
  if (vm->ev.held[i]) return 0;
  if (it->kind == IT_EITHER || it->kind == IT_BRANCH) { /* the failing entries of every branch */
    size_t n = 0;
    for (uint32_t k = it->first; k < it->first + it->count; k++) {
      bool on = it->kind == IT_BRANCH || vm->picked[k];
      uint32_t br = it->kind == IT_EITHER ? k : branch;
      n += item_unmet(vm, b, k, br, gap && on, depth + (it->kind == IT_EITHER), out + n);
    }
    return n;
  }
  if (it->kind == IT_LEAF) {
    describe_req(vm, b, it->first, out);
  } else { /* at least: one entry, its failing items below it */
    describe_group(vm, b, i, out);
    tier_req_result *items = reserve(vm, count_unmet_list(vm, it->first, it->count));
    out->items = items;
    for (uint32_t k = it->first; k < it->first + it->count; k++)
      out->nitems += item_unmet(vm, b, k, NO_ITEM, gap && vm->picked[k], depth + 1, items + out->nitems);
  }
  in_branch(vm, branch, out);
  out->gap = gap;
  out->depth = depth;
  return 1;
}

/* Block b's failing items into a list of their own (its failing time
 * clause last); returns its length. */
static size_t block_unmet(struct tier_vm *vm, uint32_t b, const tier_req_result **list) {
  const struct img_tier *B = img_block(vm->rs->img, b);
  bool tc = B->time != TC_NONE && !time_met(vm, b);
  tier_req_result *out = reserve(vm, count_unmet_list(vm, B->first_item, B->nitems) + tc);
  size_t n = 0;
  for (uint32_t i = B->first_item; i < B->first_item + B->nitems; i++) n += item_unmet(vm, b, i, NO_ITEM, true, 0, out + n);
  if (tc) describe_time(vm, b, 0, &out[n++]);
  *list = out;
  return n;
}

/* Every entry of item i of block b, met or not, into vm->reqs: a group
 * first, then its items one deeper. */
static void item_all(struct tier_vm *vm, uint32_t b, uint32_t i, uint32_t branch, int depth, size_t *n) {
  const struct img_item *it = &vm->rs->img->items[i];
  tier_req_result *o = &vm->reqs[(*n)++];
  if (it->kind == IT_LEAF) describe_req(vm, b, it->first, o);
  else describe_group(vm, b, i, o);
  in_branch(vm, branch, o);
  o->depth = depth;
  if (it->kind == IT_BRANCH) {
    o->gap = vm->picked[i]; /* the nearest path of an either that fails */
    branch = i;
  }
  for (uint32_t k = it->first; it->kind != IT_LEAF && k < it->first + it->count; k++)
    item_all(vm, b, k, branch, depth + 1, n);
}

static void block_all(struct tier_vm *vm, uint32_t b, size_t *n) {
  const struct img_tier *B = img_block(vm->rs->img, b);
  for (uint32_t i = B->first_item; i < B->first_item + B->nitems; i++) item_all(vm, b, i, NO_ITEM, 0, n);
  if (B->time != TC_NONE) describe_time(vm, b, 0, &vm->reqs[(*n)++]);
}

/* ---- the whole result -------------------------------------------------------------- */

/* vm->res from the evaluation vm_evaluate just made. */
static void build_result(struct tier_vm *vm) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  const struct eval *ev = &vm->ev;
  tier_result *r = &vm->res; /* r->id was set by the record reader */
  r->name = rec_name(vm, &vm->rec);
  r->type = NULL;
  if (ev->ptype >= 0) {
    const struct img_enum *e = &img->enums[img->fields[img->partner_field].ref];
    r->type = img_str(img, e->vals[ev->ptype]);
  }
  r->type_index = ev->ptype;
  r->asof = ev->asof;
  r->tier_index = ev->tier;
  r->next_index = ev->next;
  r->tier = ev->tier >= 0 ? img_str(img, img->tiers[ev->tier].name) : NULL;
  r->next = ev->next >= 0 ? img_str(img, img->tiers[ev->next].name) : NULL;
  r->tier_display = ev->tier >= 0 && img->tiers[ev->tier].display != NO_STR ? img_str(img, img->tiers[ev->tier].display) : NULL;
  r->next_display = ev->next >= 0 && img->tiers[ev->next].display != NO_STR ? img_str(img, img->tiers[ev->next].display) : NULL;
  r->granted = ev->granted;
  r->rules_version = tier_ruleset_version(rs);
  r->rules_hash = rs->hash_hex;
  price_items(vm);
  vm->unmet_used = 0;
  for (struct cp_chunk *c = vm->cp_pool; c; c = c->next) c->used = 0;
  vm->cp_cur = vm->cp_pool;
  vm->cp_oom = false;
  vm->view = (struct view){ev->regs_today, ev->nregs_today, ev->met};
  memset(vm->cp_list, 0, sizeof *vm->cp_list * (img->ntiers + img->nbadges));
  r->unmet = NULL;
  r->nunmet = ev->next >= 0 ? block_unmet(vm, (uint32_t)ev->next, &r->unmet) : 0;
  r->nbadges = img->nbadges;
  r->badges = vm->badges;
  for (uint32_t k = 0; k < img->nbadges; k++) {
    tier_badge_result *o = &vm->badges[k];
    const struct img_tier *B = &img->badges[k];
    o->name = img_str(img, B->name);
    o->display = B->display == NO_STR ? NULL : img_str(img, B->display);
    o->index = (int)k;
    o->held = ev->badge_held[k];
    o->unmet = NULL;
    o->nunmet = o->held ? 0 : block_unmet(vm, img->ntiers + k, &o->unmet);
  }
  r->reqs = vm->all_reqs ? vm->reqs : NULL;
  r->nreqs = 0;
  if (vm->all_reqs) {
    for (uint32_t t = 0; t < img->ntiers; t++)
      if ((int)img->tiers[t].ptype == ev->ptype) block_all(vm, t, &r->nreqs);
    for (uint32_t k = 0; k < img->nbadges; k++) block_all(vm, img->ntiers + k, &r->nreqs);
  }
}

/* Which requirement's or grant's code holds the faulting instruction (for
 * runtime errors): the one whose code starts last at or before it.  A
 * rule's text keeps at most CULPRIT_TEXT bytes and its file CULPRIT_FILE,
 * cut as text_cut cuts, so that the line is kept and the whole fits
 * CULPRIT_ROOM bytes in any language, after the fault's words in vm->err. */
#define CULPRIT_TEXT 128
#define CULPRIT_FILE 96
#define CULPRIT_ROOM 300
static const char *culprit(const struct tier_vm *vm, char *buf, size_t n) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  int best = -1, grant = -1;
  uint32_t best_at = 0;
  for (uint32_t q = 0; q < img->nreqs; q++)
    if (rs->req_entry[q] <= vm->err_pc && rs->req_entry[q] >= best_at) { best = (int)q; best_at = rs->req_entry[q]; }
  for (uint32_t k = 0; k < img->ngrants; k++)
    if (rs->grant_entry[k] != UINT32_MAX && rs->grant_entry[k] <= vm->err_pc && rs->grant_entry[k] >= best_at) {
      grant = (int)k;
      best_at = rs->grant_entry[k];
    }
  char text[CULPRIT_TEXT], file[CULPRIT_FILE]; /* cut first, so that the line and the words after them are kept */
  if (grant >= 0 && rs->metric_entry < best_at) {
    const struct img_grant *g = &img->grants[grant];
    if (g->text == NO_STR) snprintf(buf, n, "%s", _("in a grant"));
    else text_printf(buf, n, _("in the condition of a grant: '%s'"), text_shown(text, sizeof text, img_str(img, g->text)));
  } else if (best >= 0 && rs->metric_entry < best_at) {
    const struct img_req *r = &img->reqs[best];
    size_t at = text_printf(buf, n, _("in rule '%s'"), text_shown(text, sizeof text, img_str(img, r->rule)));
    if (img->has_debug) text_printf(buf + at, n - at, " (%s:%u)", text_shown(file, sizeof file, img_str(img, r->file)), r->line);
  } else if (vm->err_pc >= rs->metric_entry) {
    /* the register the failing instruction's value goes to names the metric */
    const struct mn_write *w = rs->writes, *end = rs->writes + rs->nwrites;
    while (w < end && w->at < vm->err_pc) w++;
    if (w == end) snprintf(buf, n, "%s", _("in the metric definitions"));
    else snprintf(buf, n, _("in metric '%s'"), img_str(img, img->metrics[w->metric].name));
  } else {
    snprintf(buf, n, "%s", _("in the review rule"));
  }
  return buf;
}

/* ---- evaluating a record -------------------------------------------------------------- */

const char *tier_vm_record_id(const tier_vm *vm) { return vm->res.id; }

void tier_vm_set_origin(tier_vm *vm, long line, long column) {
  vm->origin_line = line;
  vm->origin_col = column;
}

int tier_vm_error_position(const tier_vm *vm, long *line, long *column) {
  if (!vm->jerr[0] || vm->err_line <= 0) return 0;
  long ol = vm->origin_line > 0 ? vm->origin_line : 1, oc = vm->origin_col > 0 ? vm->origin_col : 1;
  *line = ol + vm->err_line - 1;
  *column = vm->err_line == 1 ? oc + vm->err_col - 1 : vm->err_col; /* only the first line starts at the origin's column */
  return 1;
}

/* Read the record, name a malformed one's position in its input's terms,
 * refuse it when over the budget (before anything runs), then evaluate. */
int tier_eval_json(tier_vm *vm, const char *json, size_t len, int64_t asof, const tier_result **res) {
  if (res) *res = NULL;
  vm->err_line = vm->err_col = 0;
  int rc = rec_parse(vm, json, len, &vm->rec);
  vm->read_whole = rc == TIER_OK;
  long line, col;
  if (rc == TIER_ERECORD && tier_vm_error_position(vm, &line, &col)) json_syntax_text(vm->err, sizeof vm->err, line, col, vm->jerr);
  if (rc) return rc;
  /* the reader stopped a record whose lists alone went over the budget;
   * this is the whole record's bound */
  if (vm_over_budget(vm, vm_record_cost(vm->rs, &vm->rec), false)) return TIER_EBUDGET;
  return res_eval_bound(vm, asof, res);
}

/* Whether the budget turns records away at the same point under both:
 * none, or the same budget over the same cost bound (the reader stops a
 * record whose lists alone go over it). */
static bool same_budget(const struct tier_vm *a, const struct tier_vm *b) {
  const struct image *x = a->rs->img, *y = b->rs->img;
  if (a->max_cost != b->max_cost) return false;
  if (!a->max_cost) return true;
  return x->cost_base == y->cost_base && x->nlists == y->nlists &&
      memcmp(x->cost_per, y->cost_per, sizeof *x->cost_per * x->nlists) == 0;
}

/* tiervm diff and report --diff evaluate every record under two rulesets,
 * which nearly always read records alike (a rule change seldom changes the
 * schema): then the second VM evaluates the record the first read, and the
 * reading, about half of such a run, is done once. */
int tier_vm_share_reader(tier_vm *vm, tier_vm *peer) {
  vm->peer = NULL;
  if (vm == peer || vm->strict_fields != peer->strict_fields || !same_budget(vm, peer) ||
      !rec_reads_alike(peer->rs->img, vm->rs->img))
    return 0;
  vm->peer = peer;
  peer->read_whole = false; /* a record read before has not the keys vm may need */
  /* peer's reader keys the texts either VM's count distinct reads */
  for (uint32_t f = 0; f < vm->rs->img->nfields; f++) peer->keyed[f] = peer->keyed[f] || vm->keyed[f];
  return 1;
}

/* What tier_eval_json does with the record's text, with the record peer
 * read: a record that is the same packed record under both (same schema,
 * tier_vm_share_reader) meets the same budget check and the same
 * evaluation.  Its texts' hashes were made with peer's key, which the
 * record carries (struct record's hkey), so count distinct stays right.
 * Its unknown fields are marked in vm's reader as if vm had read it. */
int tier_eval_read(tier_vm *vm, int64_t asof, const tier_result **res) {
  if (res) *res = NULL;
  const struct tier_vm *peer = vm->peer;
  if (!peer || !peer->read_whole) return TIER_EUSAGE;
  struct reader *rd = reader_of(vm);
  if (!rd) return TIER_ENOMEM;
  vm->read_whole = false; /* vm->rec is peer's, not its own */
  vm->err[0] = vm->path[0] = vm->jerr[0] = 0;
  vm->err_line = vm->err_col = 0;
  rec_begin(rd);
  rec_unknown_again(vm, rd, peer->reader);
  rec_accept(rd);
  vm->rec = peer->rec;
  vm->res.id = peer->res.id;
  if (vm_over_budget(vm, vm_record_cost(vm->rs, &vm->rec), false)) return TIER_EBUDGET;
  return res_eval_bound(vm, asof, res);
}

/* Evaluate the record rec_parse bound to vm->rec. */
int res_eval_bound(struct tier_vm *vm, int64_t asof, const tier_result **res) {
  if (res) *res = NULL;
  int rc = vm_evaluate(vm, &vm->rec, asof);
  if (rc == TIER_ERUNTIME) {
    char where[CULPRIT_ROOM];
    char msg[sizeof vm->err];
    snprintf(msg, sizeof msg, "%s", vm->err);
    text_printf(vm->err, sizeof vm->err, "%s %s", msg, culprit(vm, where, sizeof where));
    return rc;
  }
  if (rc) return rc;
  build_result(vm);
  if (vm->cp_oom) return TIER_ENOMEM;
  if (res) *res = &vm->res;
  return TIER_OK;
}
