/*
 * rulediff.c - `tierc diff OLD NEW`: what a rule change means, not which
 * lines moved.  Both rulesets are compiled; then the metadata, the schema,
 * the metric definitions and every tier (matched by its place in its
 * partner type's ladder) are compared: renamed tiers, changed thresholds
 * ("Select: certified_people 2 -> 4"), requirements added or removed,
 * sustained windows, the review rule and the effective date.
 */
#include <stdio.h>
#include <string.h>

#include "output.h"

struct rd { const struct image *a, *b; struct buf *o; bool json; int n; };

static const char *S(const struct image *img, uint32_t s) { return s == NO_STR ? "" : img_str(img, s); }


/* One change: text as a line, JSON as an object in a list. */
static void change(struct rd *d, const char *kind, const char *where, const char *what, const char *from, const char *to) {
  d->n++;
  if (d->json) {
    if (d->n > 1) buf_u8(d->o, ',');
    buf_printf(d->o, "{\"kind\":\"%s\",\"where\":", kind);
    out_json_cstr(d->o, where);
    buf_put(d->o, ",\"what\":", 8);
    out_json_cstr(d->o, what);
    if (from) { buf_put(d->o, ",\"from\":", 8); out_json_cstr(d->o, from); }
    if (to) { buf_put(d->o, ",\"to\":", 6); out_json_cstr(d->o, to); }
    buf_u8(d->o, '}');
    return;
  }
  buf_printf(d->o, "  %s%s%s", where, *where ? ": " : "", what);
  if (from && to && (strlen(from) > 30 || strlen(to) > 30)) buf_printf(d->o, "\n      was: %s\n      now: %s", from, to);
  else if (from && to) buf_printf(d->o, " %s -> %s", from, to);
  else if (to) buf_printf(d->o, " %s", to);
  else if (from) buf_printf(d->o, " %s", from);
  buf_u8(d->o, '\n');
}

static const char *ptype_name(const struct image *img, uint32_t p) {
  if (img->partner_field < 0) return "?";
  const struct img_enum *e = &img->enums[img->fields[img->partner_field].ref];
  return p < e->nvals ? img_str(img, e->vals[p]) : "?";
}

/* A requirement's key: the metric (or field) and the direction of its
 * comparison for thresholds, else its rule text. */
static void req_key(const struct image *img, const struct img_req *q, char *out, size_t n) {
  if (q->metric >= 0 || q->field >= 0) {
    const char *name = q->metric >= 0 ? S(img, img->metrics[q->metric].name) : S(img, img->fields[img_top_field(img, (uint32_t)q->field)].name);
    snprintf(out, n, "%s %s", name, cmp_text(q->cmp));
  } else {
    snprintf(out, n, "%s", S(img, q->rule));
  }
}

static void const_text(const struct image *img, const struct img_req *q, char *out, size_t n) {
  struct tier_ruleset rs;
  memset(&rs, 0, sizeof rs);
  rs.img = (struct image *)img;
  uint16_t ref = q->metric >= 0 ? img->metrics[q->metric].ref : img->fields[img_top_field(img, (uint32_t)q->field)].ref;
  vm_const_text(&rs, &img->consts[q->konst], ref, out, n);
}

static void diff_tiers(struct rd *d, uint32_t ptype_a, uint32_t ptype_b, const char *type) {
  const struct image *A = d->a, *B = d->b;
  int la[64], lb[64], na = 0, nb = 0;
  for (uint32_t t = 0; t < A->ntiers && na < 64; t++) if (A->tiers[t].ptype == ptype_a) la[na++] = (int)t;
  for (uint32_t t = 0; t < B->ntiers && nb < 64; t++) if (B->tiers[t].ptype == ptype_b) lb[nb++] = (int)t;
  char where[200], ka[300], kb[300], va[NUM_TEXT], vb[NUM_TEXT];
  for (int i = 0; i < (na > nb ? na : nb); i++) {
    if (i >= nb) {
      snprintf(where, sizeof where, "%s %s", type, S(A, A->tiers[la[i]].name));
      change(d, "tier-removed", where, "tier removed", NULL, NULL);
      continue;
    }
    if (i >= na) {
      snprintf(where, sizeof where, "%s %s", type, S(B, B->tiers[lb[i]].name));
      change(d, "tier-added", where, "new tier", NULL, NULL);
      continue;
    }
    const struct img_tier *ta = &A->tiers[la[i]], *tb = &B->tiers[lb[i]];
    snprintf(where, sizeof where, "%s %s", type, S(B, tb->name));
    if (strcmp(S(A, ta->name), S(B, tb->name)) != 0) change(d, "tier-renamed", where, "renamed from", S(A, ta->name), NULL);
    if (ta->sustained != tb->sustained) {
      snprintf(va, sizeof va, "%u months", ta->sustained);
      snprintf(vb, sizeof vb, "%u months", tb->sustained);
      change(d, "sustained", where, "sustained", ta->sustained ? va : "none", tb->sustained ? vb : "none");
    }
    /* requirements of A: changed or removed */
    for (uint32_t qa = ta->first_req; qa < ta->first_req + ta->nreq; qa++) {
      req_key(A, &A->reqs[qa], ka, sizeof ka);
      bool found = false;
      for (uint32_t qb = tb->first_req; qb < tb->first_req + tb->nreq && !found; qb++) {
        req_key(B, &B->reqs[qb], kb, sizeof kb);
        if (strcmp(ka, kb) != 0) continue;
        found = true;
        /* labels are what partners read: a changed one is a change (one
         * taken over from the metric is reported with the metric) */
        const struct img_req *ra = &A->reqs[qa], *rb = &B->reqs[qb];
        bool from_metric = ra->metric >= 0 && rb->metric >= 0 && ra->label == A->metrics[ra->metric].label &&
                           rb->label == B->metrics[rb->metric].label;
        if (!from_metric && strcmp(S(A, ra->label), S(B, rb->label)) != 0) {
          char what[340];
          snprintf(what, sizeof what, "label of %s", ka);
          change(d, "label", where, what, *S(A, ra->label) ? S(A, ra->label) : "(none)", *S(B, rb->label) ? S(B, rb->label) : "(none)");
        }
        if (A->reqs[qa].metric >= 0 || A->reqs[qa].field >= 0) {
          const_text(A, &A->reqs[qa], va, sizeof va);
          const_text(B, &B->reqs[qb], vb, sizeof vb);
          if (strcmp(va, vb) != 0) change(d, "threshold", where, ka, va, vb);
        }
      }
      if (!found) change(d, "requirement-removed", where, "requirement removed:", S(A, A->reqs[qa].rule), NULL);
    }
    for (uint32_t qb = tb->first_req; qb < tb->first_req + tb->nreq; qb++) {
      req_key(B, &B->reqs[qb], kb, sizeof kb);
      bool found = false;
      for (uint32_t qa = ta->first_req; qa < ta->first_req + ta->nreq && !found; qa++) {
        req_key(A, &A->reqs[qa], ka, sizeof ka);
        found = strcmp(ka, kb) == 0;
      }
      if (!found) change(d, "requirement-added", where, "new requirement:", NULL, S(B, B->reqs[qb].rule));
    }
  }
}

void rule_diff(const struct image *A, const struct image *B, const char *pa, const char *pb, bool json, struct buf *o) {
  struct rd d = {A, B, o, json, 0};
  if (json) {
    buf_put(o, "{\"old\":", 7);
    out_json_cstr(o, pa);
    buf_put(o, ",\"new\":", 7);
    out_json_cstr(o, pb);
    buf_put(o, ",\"changes\":[", 12);
  } else {
    buf_printf(o, "Changes in meaning from %s (%s) to %s (%s):\n", pa, *S(A, A->version) ? S(A, A->version) : "no version", pb,
               *S(B, B->version) ? S(B, B->version) : "no version");
  }
  if (strcmp(S(A, A->name), S(B, B->name)) != 0) change(&d, "ruleset", "", "ruleset name", S(A, A->name), S(B, B->name));
  if (strcmp(S(A, A->version), S(B, B->version)) != 0) change(&d, "version", "", "version", S(A, A->version), S(B, B->version));
  if (A->effective != B->effective) {
    char ea[11], eb[11];
    date_format(A->effective, ea);
    date_format(B->effective, eb);
    change(&d, "effective", "", "effective date", ea, eb);
  }
  if (strcmp(S(A, A->review_text), S(B, B->review_text)) != 0)
    change(&d, "review", "", "review rule", *S(A, A->review_text) ? S(A, A->review_text) : "none",
           *S(B, B->review_text) ? S(B, B->review_text) : "none");
  /* schema: top-level fields and list fields by name */
  for (int pass = 0; pass < 2; pass++) {
    const struct image *X = pass ? B : A, *Y = pass ? A : B;
    for (uint32_t f = 0; f < X->nfields; f++) {
      const struct img_field *fx = &X->fields[f];
      const char *owner = fx->owner == NO_LIST ? "" : S(X, X->fields[X->lists[fx->owner].field].name);
      bool found = false;
      for (uint32_t g = 0; g < Y->nfields && !found; g++) {
        const struct img_field *fy = &Y->fields[g];
        const char *oy = fy->owner == NO_LIST ? "" : S(Y, Y->fields[Y->lists[fy->owner].field].name);
        if (strcmp(S(X, fx->name), S(Y, fy->name)) || strcmp(owner, oy)) continue;
        found = true;
        if (!pass && (fx->kind != fy->kind || (fx->flags & FF_OPT) != (fy->flags & FF_OPT))) {
          char ta[40], tb[40], w[200];
          snprintf(ta, sizeof ta, "%s%s", ty_kind_name(fx->kind), fx->flags & FF_OPT ? "?" : "");
          snprintf(tb, sizeof tb, "%s%s", ty_kind_name(fy->kind), fy->flags & FF_OPT ? "?" : "");
          snprintf(w, sizeof w, "field %s%s%s", owner, *owner ? "." : "", S(X, fx->name));
          change(&d, "field-type", "", w, ta, tb);
        }
      }
      if (!found) {
        char w[200];
        snprintf(w, sizeof w, "%s%s%s", owner, *owner ? "." : "", S(X, fx->name));
        change(&d, pass ? "field-added" : "field-removed", "", pass ? "new field" : "field removed", NULL, w);
      }
    }
  }
  /* metrics by name: definition changed, added, removed (temporaries are
   * the compiler's own and are left out) */
  for (int pass = 0; pass < 2; pass++) {
    const struct image *X = pass ? B : A, *Y = pass ? A : B;
    for (uint32_t m = 0; m < X->nmetrics; m++) {
      if (strchr(S(X, X->metrics[m].name), '.')) continue;
      bool found = false;
      for (uint32_t k = 0; k < Y->nmetrics && !found; k++) {
        if (strcmp(S(X, X->metrics[m].name), S(Y, Y->metrics[k].name)) != 0) continue;
        found = true;
        if (!pass && strcmp(S(X, X->metrics[m].label), S(Y, Y->metrics[k].label)) != 0) {
          char w[200];
          snprintf(w, sizeof w, "label of metric %s", S(X, X->metrics[m].name));
          change(&d, "label", "", w, *S(X, X->metrics[m].label) ? S(X, X->metrics[m].label) : "(none)",
                 *S(Y, Y->metrics[k].label) ? S(Y, Y->metrics[k].label) : "(none)");
        }
        if (!pass && strcmp(S(X, X->metrics[m].def), S(Y, Y->metrics[k].def)) != 0) {
          char w[200];
          snprintf(w, sizeof w, "metric %s", S(X, X->metrics[m].name));
          change(&d, "metric-definition", "", w, S(X, X->metrics[m].def), S(Y, Y->metrics[k].def));
        }
      }
      if (!found) {
        char w[200];
        snprintf(w, sizeof w, "%s = %s", S(X, X->metrics[m].name), S(X, X->metrics[m].def));
        change(&d, pass ? "metric-added" : "metric-removed", "", pass ? "new metric" : "metric removed", NULL, w);
      }
    }
  }
  /* tiers, per partner type (matched by name) */
  if (A->partner_field >= 0 && B->partner_field >= 0) {
    const struct img_enum *eb = &B->enums[B->fields[B->partner_field].ref];
    const struct img_enum *ea = &A->enums[A->fields[A->partner_field].ref];
    for (uint32_t p = 0; p < eb->nvals; p++)
      for (uint32_t q = 0; q < ea->nvals; q++)
        if (!strcmp(S(B, eb->vals[p]), S(A, ea->vals[q]))) diff_tiers(&d, q, p, S(B, eb->vals[p]));
  }
  if (json) buf_printf(o, "],\"count\":%d}\n", d.n);
  else if (d.n == 0) buf_printf(o, "  no change in meaning\n");
  else buf_printf(o, "%d change%s\n", d.n, d.n == 1 ? "" : "s");
  (void)ptype_name;
}
