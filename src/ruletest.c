/*
 * ruletest.c - `tierc test`: rule tests written by program managers.  A
 * test file is JSON Lines: each line is a partner profile plus
 *   "test":   a name (optional),
 *   "as_of":  the evaluation date (optional; else the ruleset's review rule),
 *   "expect": {"tier": "Select" or null, "next": ... (optional),
 *              "unmet": ["certified_people", ...] (optional: the metrics,
 *              or rule texts, of the next tier's unmet requirements, in any
 *              order)}.
 * Blank lines and lines starting with '#' are comments.  With coverage,
 * every threshold (a requirement `value CMP constant`) is checked for a test
 * whose value sits exactly at it and one just below it (the largest failing
 * value: one unit, one cent, false).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "output.h"
#include "stream.h"

struct probe { bool at, below; };

static bool unmet_has(const tier_result *r, const char *name) {
  for (size_t i = 0; i < r->nunmet; i++) {
    const tier_req_result *u = &r->unmet[i];
    if ((u->metric && !strcmp(u->metric, name)) || !strcmp(u->rule, name) || (u->sustained && !strcmp(name, "sustained")))
      return true;
  }
  return false;
}

static void describe(struct buf *b, const tier_result *r) {
  buf_printf(b, "         got tier %s, next %s", r->tier ? r->tier : "none", r->next ? r->next : "none");
  if (r->next) {
    buf_printf(b, "; unmet for %s: ", r->next);
    for (size_t i = 0; i < r->nunmet; i++) {
      const tier_req_result *u = &r->unmet[i];
      buf_printf(b, "%s%s", i ? ", " : "", u->sustained ? "sustained" : u->metric ? u->metric : u->rule);
      if (u->metric) buf_printf(b, " %s (%s %s)", u->actual, u->op, u->required);
    }
  }
  buf_u8(b, '\n');
}

/* The value a threshold looks at, for coverage. */
static int64_t value_of(struct tier_vm *vm, const struct img_req *q) {
  return q->metric >= 0 ? vm->ev.regs_today[q->metric] : vm->rec.top[q->field];
}

static int kind_of(const struct image *img, const struct img_req *q) {
  return q->metric >= 0 ? img->metrics[q->metric].kind : img->fields[img_top_field(img, (uint32_t)q->field)].kind;
}

/* at: the value that just meets; below: the largest value that fails */
static void probe(const struct image *img, const struct img_req *q, int64_t v, struct probe *p) {
  int kind = kind_of(img, q);
  if (kind == TY_NUMBER || v == TIER_NONE) return;
  int64_t k = img->consts[q->konst].v;
  int64_t at, below;
  switch (q->cmp) {
  case CMP_GE: at = k; below = k - 1; break;
  case CMP_GT: at = k + 1; below = k; break;
  case CMP_LE: at = k; below = k + 1; break;
  case CMP_LT: at = k - 1; below = k; break;
  case CMP_EQ: at = k; below = kind == TY_BOOL ? !k : k - 1; break;
  default: return;
  }
  if (v == at) p->at = true;
  if (v == below || (q->cmp == CMP_EQ && kind != TY_BOOL && v == k + 1)) p->below = true;
}

int rt_run(const struct tier_ruleset *rs, char **files, int nfiles, bool coverage, struct buf *out) {
  const struct image *img = rs->img;
  tier_vm *vm = tier_vm_new(rs, NULL);
  struct probe *pr = calloc(img->nreqs + 1, sizeof *pr);
  if (!vm || !pr) {
    tier_vm_free(vm);
    free(pr);
    return -1;
  }
  long passed = 0, failed = 0, n = 0;
  for (int fi = 0; fi < nfiles; fi++) {
    FILE *f = fopen(files[fi], "rb");
    if (!f) {
      buf_printf(out, "FAIL     cannot open %s\n", files[fi]);
      failed++;
      continue;
    }
    struct stream s;
    stream_init(&s, f);
    while (stream_next(&s)) {
      size_t k = 0;
      while (k < s.rec_n && (s.rec[k] == ' ' || s.rec[k] == '\t')) k++;
      if (k < s.rec_n && s.rec[k] == '#') continue; /* a comment line */
      n++;
      json_error_t je;
      json_t *t = json_loadb(s.rec, s.rec_n, 0, &je);
      const char *name = t ? json_string_value(json_object_get(t, "test")) : NULL;
      char where[300];
      snprintf(where, sizeof where, "%s:%ld", files[fi], s.rec_line);
      struct buf why = {0};
      bool ok = true;
      json_t *expect = t ? json_object_get(t, "expect") : NULL;
      int64_t asof = TIER_NONE;
      const char *asof_s = t ? json_string_value(json_object_get(t, "as_of")) : NULL;
      const tier_result *r = NULL;
      if (!t) {
        buf_printf(&why, "         not valid JSON: %s (line %d, column %d)\n", je.text, je.line, je.column);
        ok = false;
      } else if (!json_is_object(expect)) {
        buf_printf(&why, "         the test has no \"expect\": {\"tier\": ...}\n");
        ok = false;
      } else if (asof_s && tier_date_parse(asof_s, &asof) != 0) {
        buf_printf(&why, "         \"as_of\" is not a date (YYYY-MM-DD)\n");
        ok = false;
      } else {
        int rc = rec_parse(vm, s.rec, s.rec_n, &vm->rec);
        if (rc == TIER_OK) rc = res_eval_bound(vm, asof, &r);
        if (rc != TIER_OK) {
          buf_printf(&why, "         the profile is rejected: %s%s%s\n", tier_vm_error_path(vm), *tier_vm_error_path(vm) ? ": " : "",
                     tier_vm_error(vm));
          ok = false;
        }
      }
      if (ok) {
        json_t *et = json_object_get(expect, "tier"), *en = json_object_get(expect, "next"), *eu = json_object_get(expect, "unmet");
        const char *want = json_string_value(et);
        if (et && !(json_is_null(et) ? r->tier == NULL : want && r->tier && !strcmp(want, r->tier))) {
          buf_printf(&why, "         expected tier %s, got %s\n", want ? want : "none", r->tier ? r->tier : "none");
          ok = false;
        }
        const char *wn = json_string_value(en);
        if (en && !(json_is_null(en) ? r->next == NULL : wn && r->next && !strcmp(wn, r->next))) {
          buf_printf(&why, "         expected next %s, got %s\n", wn ? wn : "none", r->next ? r->next : "none");
          ok = false;
        }
        /* the unmet list belongs to the next tier: compare it only when the
         * tiers came out as expected, or every line would repeat one fault */
        if (ok && json_is_array(eu)) {
          size_t i;
          json_t *v;
          size_t want_n = json_array_size(eu);
          json_array_foreach(eu, i, v) {
            if (!json_is_string(v) || !unmet_has(r, json_string_value(v))) {
              buf_printf(&why, "         expected %s to be unmet\n", json_is_string(v) ? json_string_value(v) : "(not a string)");
              ok = false;
            }
          }
          if (want_n != r->nunmet) {
            buf_printf(&why, "         expected %zu unmet requirements, got %zu\n", want_n, r->nunmet);
            ok = false;
          }
        }
        if (!ok) describe(&why, r);
        /* coverage: every threshold of the record's type */
        for (uint32_t q = 0; q < img->nreqs; q++) {
          const struct img_req *rq = &img->reqs[q];
          if (rq->metric < 0 && rq->field < 0) continue;
          uint32_t tt = 0;
          while (tt + 1 < img->ntiers && img->tiers[tt + 1].first_req <= q) tt++;
          if ((int)img->tiers[tt].ptype != vm->ev.ptype) continue;
          probe(img, rq, value_of(vm, rq), &pr[q]);
        }
      }
      if (ok) passed++;
      else failed++;
      buf_printf(out, "%-4s %3ld  %s", ok ? "ok" : "FAIL", n, name ? name : "(unnamed)");
      if (!ok) buf_printf(out, "  [%s]", where);
      buf_u8(out, '\n');
      if (why.n) buf_put(out, why.p, why.n);
      buf_free(&why);
      if (t) json_decref(t);
    }
    stream_free(&s);
    fclose(f);
  }
  if (coverage) {
    long total = 0, full = 0;
    struct buf miss = {0};
    for (uint32_t t = 0; t < img->ntiers; t++) {
      const struct img_tier *T = &img->tiers[t];
      for (uint32_t q = T->first_req; q < T->first_req + T->nreq; q++) {
        const struct img_req *rq = &img->reqs[q];
        if ((rq->metric < 0 && rq->field < 0) || kind_of(img, rq) == TY_NUMBER || rq->cmp == CMP_NE) continue;
        total++;
        if (pr[q].at && pr[q].below) { full++; continue; }
        const struct img_enum *pe = &img->enums[img->fields[img->partner_field].ref];
        buf_printf(&miss, "  %s %s: %s: no test %s%s%s", img_str(img, pe->vals[T->ptype]), img_str(img, T->name),
                   img_str(img, rq->rule), pr[q].at ? "" : "exactly at it", !pr[q].at && !pr[q].below ? " and none " : "",
                   pr[q].below ? "" : "just below it");
        if (img->has_debug) buf_printf(&miss, "  [%s:%u]", img_str(img, rq->file), rq->line);
        buf_u8(&miss, '\n');
      }
    }
    buf_printf(out, "coverage: %ld of %ld thresholds probed exactly at and just below\n", full, total);
    if (miss.n) buf_put(out, miss.p, miss.n);
    buf_free(&miss);
  }
  buf_printf(out, "%ld passed, %ld failed\n", passed, failed);
  tier_vm_free(vm);
  free(pr);
  return failed ? 1 : 0;
}
