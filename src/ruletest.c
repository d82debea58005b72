/*
 * ruletest.c - `tierc test`: rule tests written by program managers.  A
 * test file is JSON Lines: each line is a partner profile plus
 *   "test":   a name (optional),
 *   "as_of":  the evaluation date (optional; else the ruleset's review rule),
 *   "expect": {"tier": "Select" or null, "next": ... , "unmet": [...]}, at
 *             least one of them; "unmet" is the exact set of the next tier's
 *             unmet requirements (metric names or rule texts, "sustained", "at_any").
 * Blank lines and lines starting with '#' are comments.
 *
 * A test must check what it says: a line with an unknown, misspelt or
 * duplicated key (in "expect" or in the profile), an empty "expect", a value
 * of the wrong type, or a name that no tier or requirement of the partner's
 * type has, is malformed: an error with the file's line, never an "ok".
 * With coverage, every threshold (a requirement `value CMP constant`) is
 * checked for a test whose value sits exactly at it and one just below it
 * (the largest failing value: one unit, one cent, false).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vm.h"
#include "coverage.h"
#include "stream.h"

/* ---- the keys a test line may carry ------------------------------------------ */

/* What a key's value may be (a mask). */
enum { V_TEXT = 1, V_NULL = 2, V_DATE = 4, V_OBJECT = 8, V_NAMES = 16 };

struct key { const char *name; unsigned accepts; const char *says; };

/* Beside the profile's own fields.  A new expectation (badges, granted, ...)
 * is one more entry in expect_keys and one more comparison in run_one. */
static const struct key line_keys[] = {
    {"test", V_TEXT, N_("the test's name, a string")},
    {"as_of", V_DATE, N_("the evaluation date, \"YYYY-MM-DD\"")},
    {"expect", V_OBJECT, N_("what the test expects, an object")},
};
static const struct key expect_keys[] = {
    {"tier", V_TEXT | V_NULL, N_("the tier held: a tier name or display name, or null for none")},
    {"next", V_TEXT | V_NULL, N_("the next tier: a tier name or display name, or null at the top")},
    {"unmet", V_NAMES, N_("the next tier's unmet requirements: a list of metric names or rule texts")},
};
#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))

static const struct key *key_find(const struct key *ks, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(ks[i].name, name)) return &ks[i];
  return NULL;
}

static bool value_fits(const json_t *v, unsigned accepts) {
  if (json_is_null(v)) return accepts & V_NULL;
  if (json_is_string(v) && (accepts & V_TEXT)) return true;
  if (json_is_string(v) && (accepts & V_DATE)) {
    int64_t d;
    return tier_date_parse(json_string_value(v), &d) == 0;
  }
  if (json_is_object(v)) return accepts & V_OBJECT;
  if (json_is_array(v) && (accepts & V_NAMES)) {
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) if (!json_is_string(e)) return false;
    return true;
  }
  return false;
}

/* A malformed line's faults, each on its own line under the test's. */
static void fault(struct buf *why, int *nerr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fault(struct buf *why, int *nerr, const char *fmt, ...) {
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (++*nerr <= 8) buf_printf(why, "         %s\n", msg);
  else if (*nerr == 9) buf_printf(why, "         %s\n", _("(more faults on this line)"));
}

static const char *did_you_mean(const struct suggest *s, char *out, size_t n) {
  if (s->best) snprintf(out, n, _("; did you mean \"%s\"?"), s->best);
  else out[0] = 0;
  return out;
}

/* The field of the record (owner NO_LIST) or of a list's items that JSON
 * key `key` holds, or -1. */
static int field_keyed(const struct image *img, uint16_t owner, const char *key) {
  for (uint32_t f = 0; f < img->nfields; f++)
    if (img->fields[f].owner == owner && !strcmp(img_str(img, img->fields[f].key), key)) return (int)f;
  return -1;
}

/* Every key of object o must be a field of `owner` (or, at the top, a line
 * key): a misspelt field would silently test another profile. */
static void check_profile_keys(const struct image *img, json_t *o, uint16_t owner, const char *path, struct buf *why,
                               int *nerr) {
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    if (owner == NO_LIST && key_find(line_keys, NKEYS(line_keys), k)) continue;
    int f = field_keyed(img, owner, k);
    if (f < 0) {
      struct suggest s = {0};
      for (uint32_t g = 0; g < img->nfields; g++)
        if (img->fields[g].owner == owner) suggest_try(&s, k, img_str(img, img->fields[g].key));
      for (size_t i = 0; owner == NO_LIST && i < NKEYS(line_keys); i++) suggest_try(&s, k, line_keys[i].name);
      char dym[120];
      fault(why, nerr, _("unknown key \"%s\" in %s%s"), k, path, did_you_mean(&s, dym, sizeof dym));
      continue;
    }
    if (img->fields[f].kind != TY_LIST || !json_is_array(v)) continue;
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
      if (!json_is_object(item)) continue; /* the record reader says what is wrong */
      char sub[200];
      snprintf(sub, sizeof sub, "%s.%s[%zu]", owner == NO_LIST ? "$" : path, k, i);
      check_profile_keys(img, item, img->fields[f].ref, sub, why, nerr);
    }
  }
}

/* The keys of the line and of "expect", and the types of their values. */
static void check_test_keys(json_t *t, struct buf *why, int *nerr) {
  const char *k;
  json_t *v;
  json_object_foreach(t, k, v) {
    const struct key *key = key_find(line_keys, NKEYS(line_keys), k);
    if (key && !value_fits(v, key->accepts)) fault(why, nerr, _("\"%s\" must be %s"), k, _(key->says));
  }
  json_t *expect = json_object_get(t, "expect");
  if (!expect) {
    fault(why, nerr, _("the test has no \"expect\": {\"tier\": ...}"));
    return;
  }
  if (!json_is_object(expect)) return;
  if (json_object_size(expect) == 0)
    fault(why, nerr, _("\"expect\" is empty, so the test would check nothing: give \"tier\", \"next\" or \"unmet\""));
  json_object_foreach(expect, k, v) {
    const struct key *key = key_find(expect_keys, NKEYS(expect_keys), k);
    if (!key) {
      struct suggest s = {0};
      for (size_t i = 0; i < NKEYS(expect_keys); i++) suggest_try(&s, k, expect_keys[i].name);
      char dym[120];
      fault(why, nerr, _("unknown key \"%s\" in \"expect\"%s (it takes tier, next, unmet)"), k, did_you_mean(&s, dym, sizeof dym));
    } else if (!value_fits(v, key->accepts)) {
      fault(why, nerr, _("\"expect\": \"%s\" must be %s"), k, _(key->says));
    }
  }
}

/* ---- names the expectation may use, for the partner's type ------------------ */

static const char *type_name(const struct image *img, int ptype) {
  const struct img_enum *e = &img->enums[img->fields[img->partner_field].ref];
  return ptype >= 0 && (uint32_t)ptype < e->nvals ? img_str(img, e->vals[ptype]) : "?";
}

/* "tier" and "next" name a tier of the partner's type, by its identifier
 * or its display name (or are null). */
static void check_tier_name(const struct image *img, int ptype, json_t *expect, const char *key, struct buf *why, int *nerr) {
  const char *want = json_string_value(json_object_get(expect, key));
  if (!want) return;
  struct suggest s = {0};
  struct buf list = {.hook = why->hook};
  for (uint32_t t = 0; t < img->ntiers; t++) {
    if ((int)img->tiers[t].ptype != ptype) continue;
    const char *name = img_str(img, img->tiers[t].name);
    const char *display = img->tiers[t].display == NO_STR ? NULL : img_str(img, img->tiers[t].display);
    if (!strcmp(name, want) || (display && !strcmp(display, want))) { buf_free(&list); return; }
    suggest_try(&s, want, name);
    if (display) suggest_try(&s, want, display);
    buf_printf(&list, "%s%s", list.n ? ", " : "", name);
  }
  char dym[120];
  fault(why, nerr, _("\"expect\": \"%s\": %s has no tier \"%s\"%s (its tiers: %.*s)"), key, type_name(img, ptype), want,
        did_you_mean(&s, dym, sizeof dym), (int)list.n, list.p ? (const char *)list.p : "");
  buf_free(&list);
}

/* The names by which an unmet requirement may be expected: its metric (or
 * field), its rule text, and "sustained" or "at_any" for a time clause
 * (SPEC 3.5). */
static const char *time_name(int tc) { return tc == TC_SUSTAINED ? "sustained" : tc != TC_NONE ? "at_any" : NULL; }

static const char *req_metric_name(const struct image *img, const struct img_req *q) {
  if (q->metric >= 0) return img_str(img, img->metrics[q->metric].name);
  if (q->field >= 0) return img_str(img, img->fields[img_top_field(img, (uint32_t)q->field)].name);
  return NULL;
}

static bool names_requirement(const struct image *img, int ptype, const char *name, struct suggest *s) {
  for (uint32_t t = 0; t < img->ntiers; t++) {
    const struct img_tier *T = &img->tiers[t];
    if ((int)T->ptype != ptype) continue;
    if (time_name(T->time) && !strcmp(name, time_name(T->time))) return true;
    for (uint32_t q = T->first_req; q < T->first_req + T->nreq; q++) {
      const char *m = req_metric_name(img, &img->reqs[q]);
      if ((m && !strcmp(m, name)) || !strcmp(img_str(img, img->reqs[q].rule), name)) return true;
      suggest_try(s, name, m);
    }
  }
  return false;
}

static void check_unmet_names(const struct image *img, int ptype, json_t *expect, struct buf *why, int *nerr) {
  json_t *eu = json_object_get(expect, "unmet");
  size_t i, j;
  json_t *v;
  json_array_foreach(eu, i, v) {
    const char *name = json_string_value(v);
    struct suggest s = {0};
    char dym[120];
    for (j = 0; j < i; j++)
      if (!strcmp(json_string_value(json_array_get(eu, j)), name)) break;
    if (j < i) fault(why, nerr, _("\"expect\": \"unmet\" lists \"%s\" twice"), name);
    else if (!names_requirement(img, ptype, name, &s))
      fault(why, nerr, _("\"expect\": \"unmet\": \"%s\" is no metric or rule of a %s requirement%s"), name, type_name(img, ptype),
            did_you_mean(&s, dym, sizeof dym));
  }
}

/* ---- comparing ------------------------------------------------------------------ */

static const char *unmet_name(const tier_req_result *u) {
  return time_name(u->time) ? time_name(u->time) : u->metric ? u->metric : u->rule;
}

/* Does expected name n stand for unmet entry u?  by_rule: match the rule
 * text (or "sustained", "at_any") only; else the metric. */
static bool names_entry(const tier_req_result *u, const char *n, bool by_rule) {
  if (by_rule) return time_name(u->time) ? !strcmp(n, time_name(u->time)) : !strcmp(u->rule, n);
  return u->metric && !strcmp(u->metric, n);
}

/* What one test came to; T_NOMEM ends the whole run. */
enum outcome { T_OK, T_FAIL, T_MALFORMED, T_NOMEM /* the run fails: out of memory */ };

/* "unmet" as an exact set: each expected name stands for one unmet entry
 * (rule texts first, being the more specific); what is left over on either
 * side is missing or extra, said in why.  T_OK, T_FAIL or T_NOMEM. */
static enum outcome compare_unmet(const tier_result *r, json_t *eu, struct buf *why) {
  size_t n = json_array_size(eu);
  const struct tier_alloc_hook *h = why->hook;
  size_t st = sizeof(bool) * (r->nunmet + 1), sm = sizeof(bool) * (n + 1);
  bool *taken = t_malloc(h, st), *matched = t_malloc(h, sm);
  if (taken) memset(taken, 0, st);
  if (matched) memset(matched, 0, sm);
  if (!taken || !matched) {
    t_free(h, taken, st);
    t_free(h, matched, sm);
    return T_NOMEM;
  }
  for (int by_rule = 1; by_rule >= 0; by_rule--)
    for (size_t i = 0; i < n; i++)
      for (size_t k = 0; k < r->nunmet && !matched[i]; k++)
        if (!taken[k] && names_entry(&r->unmet[k], json_string_value(json_array_get(eu, i)), by_rule))
          taken[k] = matched[i] = true;
  struct buf missing = {.hook = h}, extra = {.hook = h};
  for (size_t i = 0; i < n; i++)
    if (!matched[i]) buf_printf(&missing, "%s%s", missing.n ? ", " : "", json_string_value(json_array_get(eu, i)));
  for (size_t k = 0; k < r->nunmet; k++)
    if (!taken[k]) buf_printf(&extra, "%s%s", extra.n ? ", " : "", unmet_name(&r->unmet[k]));
  bool ok = !missing.n && !extra.n;
  if (!ok) {
    buf_printf(why, _("         unmet for %s:"), r->next ? r->next : _("(no next tier)"));
    if (missing.n) buf_printf(why, _(" missing %.*s (expected unmet, but met)"), (int)missing.n, (char *)missing.p);
    if (missing.n && extra.n) buf_u8(why, ';');
    if (extra.n) buf_printf(why, _(" extra %.*s (unmet, but not expected)"), (int)extra.n, (char *)extra.p);
    buf_u8(why, '\n');
  }
  buf_free(&missing);
  buf_free(&extra);
  t_free(h, taken, st);
  t_free(h, matched, sm);
  return ok ? T_OK : T_FAIL;
}

/* "tier" or "next": a tier's identifier or display name (got, shown), or
 * null for none. */
static bool compare_tier(const char *what, json_t *want, const char *got, const char *shown, struct buf *why) {
  const char *w = json_string_value(want);
  if (w ? got && (!strcmp(w, got) || (shown && !strcmp(w, shown))) : got == NULL) return true;
  buf_printf(why, _("         expected %s %s, got %s\n"), what, w ? w : _("none"), got ? got : _("none"));
  return false;
}

static void describe(struct buf *b, const tier_result *r) {
  buf_printf(b, _("         got tier %s, next %s"), r->tier ? r->tier : _("none"), r->next ? r->next : _("none"));
  if (r->next) {
    buf_printf(b, _("; unmet for %s: "), r->next);
    for (size_t i = 0; i < r->nunmet; i++) {
      const tier_req_result *u = &r->unmet[i];
      buf_printf(b, "%s%s", i ? ", " : "", unmet_name(u));
      if (u->metric) buf_printf(b, " %s (%s %s)", u->actual_shown, u->op, u->required_shown);
    }
  }
  buf_u8(b, '\n');
}

/* ---- running ------------------------------------------------------------------------ */

/* One test line: check its keys, evaluate its profile, compare.  Faults and
 * failures go to why; an evaluated profile's values are probed. */
static enum outcome run_one(struct tier_vm *vm, const char *text, size_t len, json_t **tp, struct buf *why, struct cov *cov,
                            bool *today) {
  const struct image *img = vm->rs->img;
  json_error_t je;
  json_t *t = *tp = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  int nerr = 0;
  if (!t) {
    fault(why, &nerr, _("not valid JSON: %s (column %d)"), je.text, je.column);
    return T_MALFORMED;
  }
  if (!json_is_object(t)) {
    fault(why, &nerr, _("a test is a JSON object: a profile with \"expect\""));
    return T_MALFORMED;
  }
  check_test_keys(t, why, &nerr);
  check_profile_keys(img, t, NO_LIST, "the profile", why, &nerr);
  if (nerr) return T_MALFORMED;
  json_t *expect = json_object_get(t, "expect");
  int64_t asof = TIER_NONE;
  const char *asof_s = json_string_value(json_object_get(t, "as_of"));
  if (asof_s) tier_date_parse(asof_s, &asof);
  const tier_result *r = NULL;
  int rc = rec_parse(vm, text, len, &vm->rec);
  if (rc == TIER_OK) rc = res_eval_bound(vm, asof, &r);
  *today = asof == TIER_NONE && img->review_code == NO_STR; /* judged at the date it runs */
  if (rc == TIER_ENOMEM) return T_NOMEM;
  if (rc != TIER_OK) {
    const char *path = tier_vm_error_path(vm);
    fault(why, &nerr, _("the profile is rejected: %s%s%s"), path, *path ? ": " : "", tier_vm_error(vm));
    return T_MALFORMED;
  }
  check_tier_name(img, vm->ev.ptype, expect, "tier", why, &nerr);
  check_tier_name(img, vm->ev.ptype, expect, "next", why, &nerr);
  check_unmet_names(img, vm->ev.ptype, expect, why, &nerr);
  if (nerr) return T_MALFORMED;
  if (cov) cov_probe(cov, vm);
  json_t *et = json_object_get(expect, "tier"), *en = json_object_get(expect, "next"), *eu = json_object_get(expect, "unmet");
  bool ok = true;
  if (et) ok = compare_tier("tier", et, r->tier, r->tier_display, why) && ok;
  if (en) ok = compare_tier("next", en, r->next, r->next_display, why) && ok;
  /* the unmet set belongs to the next tier: compare it only when the tiers
   * came out as expected, or every line would repeat one fault */
  if (ok && eu) {
    enum outcome u = compare_unmet(r, eu, why);
    if (u == T_NOMEM) return T_NOMEM;
    ok = u == T_OK;
  }
  if (!ok) describe(why, r);
  return ok ? T_OK : T_FAIL;
}

/* Run the tests of files against rs into out: 0 all passed, 1 some failed or
 * are malformed, -1 out of memory. */
int rt_run(const struct tier_ruleset *rs, const char *const *files, int nfiles, bool coverage, struct buf *out) {
  tier_options opt = {.alloc = rs->hook.fn, .alloc_ud = rs->hook.ud}; /* the ruleset's allocator */
  tier_vm *vm = tier_vm_new(rs, &opt);
  struct cov *cov = coverage ? cov_new(rs) : NULL;
  if (!vm || (coverage && !cov)) {
    tier_vm_free(vm);
    cov_free(cov);
    return -1;
  }
  long count[3] = {0, 0, 0}, n = 0, at_today = 0;
  bool oom = false;
  for (int fi = 0; fi < nfiles && !oom; fi++) {
    FILE *f = fopen(files[fi], "rb");
    if (!f) {
      buf_printf(out, _("FAIL     cannot open %s\n"), files[fi]);
      count[T_FAIL]++;
      continue;
    }
    struct stream s;
    stream_init(&s, f, &rs->hook);
    while (!oom && stream_next(&s)) {
      size_t k = 0;
      while (k < s.rec_n && (s.rec[k] == ' ' || s.rec[k] == '\t')) k++;
      if (k < s.rec_n && s.rec[k] == '#') continue; /* a comment line */
      n++;
      struct buf why = {.hook = &rs->hook};
      json_t *t = NULL;
      enum outcome o = T_MALFORMED;
      if (s.err[0]) buf_printf(&why, "         %s\n", s.err);
      else {
        bool today = false;
        o = run_one(vm, s.rec, s.rec_n, &t, &why, cov, &today);
        at_today += today;
      }
      if (o == T_NOMEM || why.failed) {
        oom = true;
        buf_free(&why);
        json_decref(t);
        break;
      }
      const char *name = json_string_value(json_object_get(t, "test"));
      count[o]++;
      static const char *const word[] = {"ok", "FAIL", "ERROR"};
      buf_printf(out, "%-4s %3ld  %s", word[o], n, name ? name : _("(unnamed)"));
      if (o != T_OK) buf_printf(out, "  [%s:%ld]", files[fi], s.rec_line);
      buf_u8(out, '\n');
      if (why.n) buf_put(out, why.p, why.n);
      buf_free(&why);
      json_decref(t);
    }
    oom = oom || s.failed;
    stream_free(&s);
    fclose(f);
  }
  if (oom) {
    tier_vm_free(vm);
    cov_free(cov);
    return -1;
  }
  if (cov) cov_report(cov, out);
  if (at_today) { /* results that hold today and may not tomorrow */
    char today[11];
    date_format(date_today_utc(), today);
    buf_printf(out,
               NG_("warning: %ld test has no \"as_of\" and the ruleset has no review rule, so it is judged at today's date "
                   "(%s) and may fail later: give each test an \"as_of\"\n",
                   "warning: %ld tests have no \"as_of\" and the ruleset has no review rule, so they are judged at today's "
                   "date (%s) and may fail later: give each test an \"as_of\"\n",
                   (unsigned long)at_today),
               at_today, today);
  }
  buf_printf(out, _("%ld passed, %ld failed"), count[T_OK], count[T_FAIL] + count[T_MALFORMED]);
  if (count[T_MALFORMED]) buf_printf(out, _(" (%ld malformed)"), count[T_MALFORMED]);
  buf_u8(out, '\n');
  tier_vm_free(vm);
  cov_free(cov);
  return count[T_FAIL] + count[T_MALFORMED] ? 1 : 0;
}
