/*
 * native.c - rules/apn-2019.tier written by hand in C (see native.h).
 * Straight from SPEC section 7: every metric is computed in one pass over
 * each list at the evaluation date, the tier requirements are plain
 * comparisons, and Premier's `sustained 6 months` recomputes the metrics at
 * asof - k months, k = 1..6, each with its own 12-month window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "native.h"

const char *const native_tier_name[4] = {"Registered", "Select", "Advanced", "Premier"};

/* ---- schema look-up ------------------------------------------------------------ */

struct look {
  const struct image *img;
  char *err;
  size_t errlen;
  int failed;
};

static void fail(struct look *k, const char *what, const char *name) {
  if (!k->failed) snprintf(k->err, k->errlen, "native evaluator: schema has no %s '%s'", what, name);
  k->failed = 1;
}

/* The field `name` owned by list `owner` (NO_LIST: top level), of kind `kind`. */
static const struct img_field *field(struct look *k, uint16_t owner, const char *name, int kind) {
  const struct image *img = k->img;
  for (uint32_t f = 0; f < img->nfields; f++) {
    const struct img_field *F = &img->fields[f];
    if (F->owner == owner && F->kind == kind && strcmp(img_str(img, F->name), name) == 0) return F;
  }
  fail(k, owner == NO_LIST ? "top-level field of the expected type" : "list field of the expected type", name);
  return NULL;
}

static uint32_t slot(struct look *k, uint16_t owner, const char *name, int kind) {
  const struct img_field *F = field(k, owner, name, kind);
  return F ? F->slot : 0;
}

static struct nat_list list(struct look *k, const char *name) {
  const struct img_field *F = field(k, NO_LIST, name, TY_LIST);
  struct nat_list L = {0, 0};
  if (F && F->ref < k->img->nlists) {
    L.l = F->ref;
    L.w = k->img->lists[F->ref].width;
  }
  return L;
}

/* Ordinal of `value` in the enum of field (owner, name). */
static int64_t ordinal(struct look *k, uint16_t owner, const char *name, const char *value) {
  const struct image *img = k->img;
  const struct img_field *F = field(k, owner, name, TY_ENUM);
  if (!F) return -1;
  const struct img_enum *e = &img->enums[F->ref];
  for (uint32_t v = 0; v < e->nvals; v++)
    if (strcmp(img_str(img, e->vals[v]), value) == 0) return v;
  fail(k, "enum value", value);
  return -1;
}

int native_init(struct native *nv, const struct image *img, char *err, size_t errlen) {
  memset(nv, 0, sizeof *nv);
  struct look k = {img, err, errlen, 0};
  nv->t_type = slot(&k, NO_LIST, "type", TY_ENUM);
  nv->t_renewal = slot(&k, NO_LIST, "renewal", TY_DATE);
  nv->t_business_plan = slot(&k, NO_LIST, "business_plan", TY_DATE);
  nv->t_executive_review = slot(&k, NO_LIST, "executive_review", TY_DATE);
  nv->t_support = slot(&k, NO_LIST, "support", TY_ENUM);
  nv->certs = list(&k, "certifications");
  nv->accs = list(&k, "accreditations");
  nv->opps = list(&k, "opportunities");
  nv->vals = list(&k, "validations");
  nv->csat = list(&k, "csat");
  nv->drev = list(&k, "direct_revenue");
  nv->prods = list(&k, "products");
  if (k.failed) return -1;
  uint16_t c = (uint16_t)nv->certs.l, a = (uint16_t)nv->accs.l, o = (uint16_t)nv->opps.l, v = (uint16_t)nv->vals.l;
  nv->c_person = slot(&k, c, "person", TY_TEXT);
  nv->c_level = slot(&k, c, "level", TY_ENUM);
  nv->c_earned = slot(&k, c, "earned", TY_DATE);
  nv->c_expires = slot(&k, c, "expires", TY_DATE);
  nv->a_person = slot(&k, a, "person", TY_TEXT);
  nv->a_track = slot(&k, a, "track", TY_ENUM);
  nv->a_earned = slot(&k, a, "earned", TY_DATE);
  nv->o_stage = slot(&k, o, "stage", TY_ENUM);
  nv->o_launched = slot(&k, o, "launched", TY_DATE);
  nv->o_mrr = slot(&k, o, "mrr", TY_MONEY);
  nv->o_public = slot(&k, o, "public", TY_BOOL);
  nv->v_program = slot(&k, v, "program", TY_ENUM);
  nv->v_earned = slot(&k, v, "earned", TY_DATE);
  nv->v_expires = slot(&k, v, "expires", TY_DATE);
  nv->s_submitted = slot(&k, (uint16_t)nv->csat.l, "submitted", TY_DATE);
  nv->d_month = slot(&k, (uint16_t)nv->drev.l, "month", TY_DATE);
  nv->d_amount = slot(&k, (uint16_t)nv->drev.l, "amount", TY_MONEY);
  nv->p_ga = slot(&k, (uint16_t)nv->prods.l, "ga", TY_DATE);
  nv->p_baseline = slot(&k, (uint16_t)nv->prods.l, "baseline_review", TY_DATE);
  nv->e_consulting = ordinal(&k, NO_LIST, "type", "consulting");
  nv->e_technology = ordinal(&k, NO_LIST, "type", "technology");
  nv->e_foundational = ordinal(&k, c, "level", "foundational");
  nv->e_associate = ordinal(&k, c, "level", "associate");
  nv->e_professional = ordinal(&k, c, "level", "professional");
  nv->e_specialty = ordinal(&k, c, "level", "specialty");
  nv->e_business_track = ordinal(&k, a, "track", "business");
  nv->e_technical_track = ordinal(&k, a, "track", "technical");
  nv->e_launched = ordinal(&k, o, "stage", "launched");
  nv->e_competency = ordinal(&k, v, "program", "competency");
  nv->e_msp = ordinal(&k, v, "program", "msp");
  nv->e_well_architected = ordinal(&k, v, "program", "well_architected");
  nv->e_tbr = ordinal(&k, v, "program", "technical_baseline_review");
  nv->e_business_support = ordinal(&k, NO_LIST, "support", "business");
  nv->e_enterprise_support = ordinal(&k, NO_LIST, "support", "enterprise");
  nv->cutoff = date_from_ymd(2019, 12, 13);
  return k.failed ? -1 : 0;
}

void native_free(struct native *nv) {
  free(nv->stamp);
  free(nv->seen);
  nv->stamp = NULL;
  nv->seen = NULL;
  nv->cap = 0;
}

static int reserve(struct native *nv, uint32_t n) {
  if (n <= nv->cap) return 0;
  uint32_t c = nv->cap ? nv->cap : 256;
  while (c < n) c *= 2;
  uint32_t *s = realloc(nv->stamp, sizeof *s * c);
  if (!s) return -1;
  nv->stamp = s;
  uint8_t *b = realloc(nv->seen, c);
  if (!b) return -1;
  nv->seen = b;
  memset(nv->stamp + nv->cap, 0, sizeof *s * (c - nv->cap));
  nv->cap = c;
  return 0;
}

/* ---- metrics at one date ------------------------------------------------------------ */

struct apn {
  int64_t business_acc, technical_acc, foundational, certified, pro;
  int64_t launched_opps, mrr, public_refs, csat, active_vals, direct_revenue, ga, reviewed;
  bool business_plan, executive_review, tech_validation, business_support;
};

enum { P_FOUND = 1, P_CERT = 2, P_PRO = 4, P_BACC = 8, P_TACC = 16 };

static inline bool within12(int64_t d, int64_t lo, int64_t t) { return d != TIER_NONE && d <= t && d > lo; }
static inline bool by(int64_t d, int64_t t) { return d != TIER_NONE && d <= t; }

static void metrics(struct native *nv, const struct record *r, int64_t t, struct apn *m) {
  const int64_t lo = date_add_months(t, -12);
  memset(m, 0, sizeof *m);
  if (++nv->gen == 0) { /* wrapped: clear the stamps for real */
    memset(nv->stamp, 0, sizeof *nv->stamp * nv->cap);
    nv->gen = 1;
  }
  const uint32_t gen = nv->gen, nstrs = r->nstrs;
  uint32_t *stamp = nv->stamp;
  uint8_t *seen = nv->seen;
  int64_t people[32] = {0}; /* new persons per category bit set */

  const struct rec_list *L = &r->lists[nv->certs.l];
  const int64_t *it = L->items;
  for (uint32_t i = 0; i < L->n; i++, it += nv->certs.w) {
    if (!by(it[nv->c_earned], t)) continue;
    int64_t exp = it[nv->c_expires];
    if (exp != TIER_NONE && exp <= t) continue;
    int64_t lvl = it[nv->c_level], p = it[nv->c_person];
    unsigned bits = lvl == nv->e_foundational ? P_FOUND
                    : lvl >= nv->e_associate
                        ? P_CERT | (lvl == nv->e_professional || lvl == nv->e_specialty ? P_PRO : 0)
                        : 0;
    if (!bits || p < 0 || (uint64_t)p >= nstrs) continue;
    if (stamp[p] != gen) { stamp[p] = gen; seen[p] = 0; }
    people[bits & ~seen[p]]++;
    seen[p] |= (uint8_t)bits;
  }
  L = &r->lists[nv->accs.l];
  it = L->items;
  for (uint32_t i = 0; i < L->n; i++, it += nv->accs.w) {
    if (!by(it[nv->a_earned], t)) continue;
    int64_t tr = it[nv->a_track], p = it[nv->a_person];
    unsigned bits = tr == nv->e_business_track ? P_BACC : tr == nv->e_technical_track ? P_TACC : 0;
    if (!bits || p < 0 || (uint64_t)p >= nstrs) continue;
    if (stamp[p] != gen) { stamp[p] = gen; seen[p] = 0; }
    people[bits & ~seen[p]]++;
    seen[p] |= (uint8_t)bits;
  }
  for (unsigned b = 1; b < 32; b++) {
    if (!people[b]) continue;
    if (b & P_FOUND) m->foundational += people[b];
    if (b & P_CERT) m->certified += people[b];
    if (b & P_PRO) m->pro += people[b];
    if (b & P_BACC) m->business_acc += people[b];
    if (b & P_TACC) m->technical_acc += people[b];
  }

  L = &r->lists[nv->opps.l];
  it = L->items;
  for (uint32_t i = 0; i < L->n; i++, it += nv->opps.w) {
    if (it[nv->o_stage] != nv->e_launched) continue;
    int64_t d = it[nv->o_launched];
    if (within12(d, lo, t)) {
      m->launched_opps++;
      if (it[nv->o_mrr] != TIER_NONE) m->mrr += it[nv->o_mrr];
    }
    if (it[nv->o_public] == 1 && by(d, t)) m->public_refs++;
  }
  L = &r->lists[nv->vals.l];
  it = L->items;
  for (uint32_t i = 0; i < L->n; i++, it += nv->vals.w) {
    if (!by(it[nv->v_earned], t)) continue;
    int64_t exp = it[nv->v_expires];
    if (exp != TIER_NONE && exp <= t) continue;
    int64_t pg = it[nv->v_program];
    if (pg == nv->e_competency || pg == nv->e_msp || pg == nv->e_well_architected) m->active_vals++;
    if (pg == nv->e_competency || pg == nv->e_tbr) m->tech_validation = true;
  }
  L = &r->lists[nv->csat.l];
  it = L->items;
  for (uint32_t i = 0; i < L->n; i++, it += nv->csat.w) m->csat += within12(it[nv->s_submitted], lo, t);
  L = &r->lists[nv->drev.l];
  it = L->items;
  for (uint32_t i = 0; i < L->n; i++, it += nv->drev.w)
    if (within12(it[nv->d_month], lo, t) && it[nv->d_amount] != TIER_NONE) m->direct_revenue += it[nv->d_amount];
  L = &r->lists[nv->prods.l];
  it = L->items;
  for (uint32_t i = 0; i < L->n; i++, it += nv->prods.w) {
    if (!by(it[nv->p_ga], t)) continue;
    m->ga++;
    m->reviewed += by(it[nv->p_baseline], t);
  }
  m->business_plan = within12(r->top[nv->t_business_plan], lo, t);
  m->executive_review = within12(r->top[nv->t_executive_review], lo, t);
  int64_t sup = r->top[nv->t_support];
  m->business_support = sup == nv->e_business_support || sup == nv->e_enterprise_support;
}

/* ---- the tiers (SPEC section 7; money in cents) -------------------------------------- */

static bool c_select(const struct apn *m) {
  return m->business_acc >= 2 && m->technical_acc >= 2 && m->foundational >= 2 && m->certified >= 2 &&
         m->launched_opps >= 3 && m->mrr >= 150000 && m->public_refs >= 1 && m->csat >= 5;
}
static bool c_advanced(const struct apn *m) {
  return m->business_acc >= 4 && m->technical_acc >= 4 && m->foundational >= 4 && m->certified >= 6 && m->pro >= 3 &&
         m->launched_opps >= 20 && m->mrr >= 1000000 && m->business_plan && m->public_refs >= 2 && m->csat >= 20;
}
static bool c_premier(const struct apn *m) {
  return m->business_acc >= 10 && m->technical_acc >= 10 && m->foundational >= 10 && m->certified >= 25 &&
         m->pro >= 10 && m->launched_opps >= 50 && m->mrr >= 5000000 && m->business_plan && m->active_vals >= 3 &&
         m->executive_review && m->public_refs >= 6 && m->csat >= 30;
}
static bool t_select(const struct apn *m) {
  return m->certified >= 1 && (m->launched_opps >= 2 || m->direct_revenue >= 500000) && m->ga >= 1 &&
         m->business_support && m->public_refs >= 1 && m->csat >= 2;
}
static bool t_advanced(const struct apn *m) {
  return m->certified >= 3 && (m->launched_opps >= 10 || m->direct_revenue >= 5000000) && m->reviewed >= 1 &&
         m->tech_validation && m->business_support && m->public_refs >= 2 && m->csat >= 10;
}

int native_eval(struct native *nv, const struct record *r, int *tier, int *next) {
  if (reserve(nv, r->nstrs) != 0) return -1;
  *tier = *next = NAT_NONE;
  int64_t type = r->top[nv->t_type], renewal = r->top[nv->t_renewal];
  if (type != nv->e_consulting && type != nv->e_technology) return 0; /* no ladder */
  int64_t asof = renewal <= nv->cutoff ? nv->cutoff : renewal;
  struct apn m;
  metrics(nv, r, asof, &m);
  bool held[4] = {true, false, false, false};
  int top = NAT_ADVANCED;
  if (type == nv->e_technology) {
    held[1] = t_select(&m);
    held[2] = held[1] && t_advanced(&m);
  } else {
    top = NAT_PREMIER;
    held[1] = c_select(&m);
    held[2] = held[1] && c_advanced(&m);
    held[3] = held[2] && c_premier(&m);
    for (int k = 1; k <= 6 && held[3]; k++) { /* sustained 6 months */
      metrics(nv, r, date_add_months(asof, -k), &m);
      held[3] = c_select(&m) && c_advanced(&m) && c_premier(&m);
    }
  }
  int t = NAT_REGISTERED;
  while (t < top && held[t + 1]) t++;
  *tier = t;
  *next = t < top ? t + 1 : NAT_NONE;
  return 0;
}
