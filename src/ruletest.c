/*
 * ruletest.c - `tierc test`: rule tests written by program managers.  A
 * test file is JSON Lines: each line is a partner profile plus
 *   "test":   a name (optional),
 *   "as_of":  the evaluation date (optional; else the ruleset's review rule),
 *   "expect": {"tier": "Select" or null, "next": ... , "unmet": [...],
 *             "granted": bool, "badges": [...], "badges_unmet": {...},
 *             "values": {...}}, at least one of them (SPEC 3.5): "unmet" is
 *             the exact set of the next tier's unmet entries, each named by
 *             its metric or rule text ("BRANCH: NAME" inside an either),
 *             "sustained", "at_any" or "at least"; "badges" the exact set
 *             of badges held; "badges_unmet" for each badge named, that it
 *             is not held and the exact set of its unmet entries; "values"
 *             the value of each record metric or formula call named at the
 *             evaluation date (a call as explain names it, its arguments
 *             written out: "pcs(security, enterprise)").
 * Blank lines and lines starting with '#' are comments.
 *
 * A test must check what it says: a line with an unknown, misspelt or
 * duplicated key (in "expect" or in the profile), an empty "expect" (or an
 * empty "values" or "badges_unmet" in it), a value of the wrong type, or a
 * name that no tier or requirement of the partner's type has, is
 * malformed: an error with the file's line, never an "ok".
 * With coverage, every threshold (a requirement `value CMP constant`) is
 * checked for a test whose value sits exactly at it and one just below it
 * (the largest failing value: one unit, one cent, false).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "vm.h"
#include "coverage.h"
#include "meaning.h"
#include "record.h"
#include "stream.h"

/* ---- the keys a test line may carry ------------------------------------------ */

/* What a key's value may be (a mask). */
enum { V_TEXT = 1, V_NULL = 2, V_DATE = 4, V_OBJECT = 8, V_NAMES = 16, V_BOOL = 32 };

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
    {"granted", V_BOOL, N_("whether the tier comes from a grant: true or false")},
    {"badges", V_NAMES, N_("every badge held: a list of badge names")},
    {"badges_unmet", V_OBJECT, N_("badges not held and their unmet requirements: {\"BADGE\": [names]}")},
    {"values", V_OBJECT, N_("metrics and their values at the evaluation date: {\"metric\": value}")},
};
#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))

static const struct key *key_find(const struct key *ks, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(ks[i].name, name)) return &ks[i];
  return NULL;
}

static bool value_fits(const json_t *v, unsigned accepts) {
  if (json_is_null(v)) return accepts & V_NULL;
  if (json_is_boolean(v)) return accepts & V_BOOL;
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
  char msg[REC_PATH_ROOM + 2 + 512]; /* a profile's path (cut as record.h says), then a message as vm->err holds it */
  va_list ap;
  va_start(ap, fmt);
  text_vprintf(msg, sizeof msg, fmt, ap);
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
static void check_profile_keys(const struct image *img, json_t *o, uint16_t owner, const char *path, size_t pathlen,
                               struct buf *why, int *nerr) {
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    if (owner == NO_LIST && key_find(line_keys, NKEYS(line_keys), k)) continue;
    int f = field_keyed(img, owner, k);
    if (f < 0) { /* worded as tiervm --strict words it, the test's own keys suggested too */
      const char *own[NKEYS(line_keys)];
      for (size_t i = 0; i < NKEYS(line_keys); i++) own[i] = line_keys[i].name;
      char msg[512]; /* as vm->err: a key, a list's label and a did-you-mean of at most 69 bytes each (record.c key_json) */
      rec_unknown_field(img, why->hook, owner, k, strlen(k), own, owner == NO_LIST ? NKEYS(own) : 0, msg, sizeof msg);
      fault(why, nerr, "%s: %s", path, msg);
      continue;
    }
    if (img->fields[f].kind != TY_LIST || !json_is_array(v)) continue;
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
      if (!json_is_object(item)) continue; /* the record reader says what is wrong */
      char sub[REC_PATH_ROOM];             /* cut as a record's path is (record.h) */
      memcpy(sub, path, strlen(path) + 1); /* at most REC_PATH_ROOM bytes; pathlen may be the full mark */
      size_t at = rec_path_index(sub, sizeof sub, rec_path_key(sub, sizeof sub, pathlen, k), i);
      check_profile_keys(img, item, img->fields[f].ref, sub, at, why, nerr);
    }
  }
}

/* The keys of the line and of "expect", and the types of their values;
 * `tiers`: whether the rules have tiers (a ruleset of badges only is
 * tested on its badges, and the faults say so). */
static void check_test_keys(json_t *t, bool tiers, struct buf *why, int *nerr) {
  const char *k;
  json_t *v;
  json_object_foreach(t, k, v) {
    const struct key *key = key_find(line_keys, NKEYS(line_keys), k);
    if (key && !value_fits(v, key->accepts)) fault(why, nerr, _("\"%s\" must be %s"), k, _(key->says));
  }
  json_t *expect = json_object_get(t, "expect");
  if (!expect) {
    fault(why, nerr,
          tiers ? _("the test has no \"expect\": {\"tier\": ...}") : _("the test has no \"expect\": {\"badges\": ...}"));
    return;
  }
  if (!json_is_object(expect)) return;
  if (json_object_size(expect) == 0)
    fault(why, nerr,
          tiers ? _("\"expect\" is empty, so the test would check nothing: give \"tier\", \"next\" or \"unmet\"")
                : _("\"expect\" is empty, so the test would check nothing: give \"badges\" or \"badges_unmet\""));
  json_object_foreach(expect, k, v) {
    const struct key *key = key_find(expect_keys, NKEYS(expect_keys), k);
    if (!key) {
      struct suggest s = {0};
      for (size_t i = 0; i < NKEYS(expect_keys); i++) suggest_try(&s, k, expect_keys[i].name);
      char dym[120];
      fault(why, nerr,
            _("unknown key \"%s\" in \"expect\"%s (it takes tier, next, unmet, granted, badges, badges_unmet, values)"), k,
            did_you_mean(&s, dym, sizeof dym));
    } else if (!value_fits(v, key->accepts)) {
      fault(why, nerr, _("\"expect\": \"%s\" must be %s"), k, _(key->says));
    } else if (json_is_object(v) && json_object_size(v) == 0) { /* "values": {} names nothing to compare */
      fault(why, nerr, _("\"expect\": \"%s\" is empty, so it checks nothing: name what it expects, or leave it out"), k);
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

/* The names by which an unmet entry may be expected (SPEC 3.5): a
 * requirement's metric (or field, or a computed threshold's compared side)
 * or its rule text, after "BRANCH: " inside an either; "sustained" or
 * "at_any" for a time clause; "at least" for an at least group. */
static const char *time_name(int tc) { return tc == TC_SUSTAINED ? "sustained" : tc != TC_NONE ? "at_any" : NULL; }
#define AT_LEAST_NAME "at least"

static const char *req_metric_name(const struct image *img, const struct img_req *q) {
  if (q->metric >= 0) return img_str(img, img->metrics[q->metric].name);
  if (q->field >= 0) return img_str(img, img->fields[img_top_field(img, (uint32_t)q->field)].name);
  if (q->xvalue != NO_STR) return img_str(img, q->xvalue);
  return NULL;
}

/* The innermost branch requirement q stands in (its name as results give
 * it), or NULL. */
static const char *req_branch(const struct tier_ruleset *rs, uint32_t q) {
  const struct image *img = rs->img;
  for (uint32_t i = img->items[rs->req_item[q]].parent; i != NO_ITEM; i = img->items[i].parent)
    if (img->items[i].kind == IT_BRANCH) return rs->item_name[i];
  return NULL;
}

/* name without "BRANCH: " in front, or NULL when branch is not NULL and
 * name does not start so. */
static const char *past_branch(const char *name, const char *branch) {
  if (!branch) return name;
  size_t n = strlen(branch);
  return !strncmp(name, branch, n) && !strncmp(name + n, ": ", 2) ? name + n + 2 : NULL;
}

/* May `name` stand for an entry of block b (a tier or a badge)? */
static bool names_in_block(const struct tier_ruleset *rs, uint32_t b, const char *name, struct suggest *s) {
  const struct image *img = rs->img;
  const struct img_tier *T = img_block(img, b);
  if (time_name(T->time) && !strcmp(name, time_name(T->time))) return true;
  for (uint32_t q = T->first_req; q < T->first_req + T->nreq; q++) {
    const char *m = req_metric_name(img, &img->reqs[q]), *branch = req_branch(rs, q), *n = past_branch(name, branch);
    if (n && ((m && !strcmp(m, n)) || !strcmp(img_str(img, img->reqs[q].rule), n))) return true;
    if (img->items[rs->req_item[q]].parent != NO_ITEM && !strcmp(name, AT_LEAST_NAME)) {
      for (uint32_t i = img->items[rs->req_item[q]].parent; i != NO_ITEM; i = img->items[i].parent)
        if (img->items[i].kind == IT_ATLEAST) return true;
    }
    if (m && branch) { /* the name as it is expected: "BRANCH: NAME" */
      char full[300];
      text_printf(full, sizeof full, "%s: %s", branch, m);
      suggest_try(s, name, full);
    } else {
      suggest_try(s, name, m);
    }
  }
  return false;
}

/* The names in list `names` (of "unmet", or of one badge in
 * "badges_unmet": what) must each stand for an entry of a tier of the
 * partner's type (badge < 0) or of that badge, once. */
static void check_entry_names(const struct tier_ruleset *rs, int ptype, int badge, json_t *names, const char *what,
                              struct buf *why, int *nerr) {
  const struct image *img = rs->img;
  size_t i, j;
  json_t *v;
  json_array_foreach(names, i, v) {
    const char *name = json_string_value(v);
    struct suggest s = {0};
    char dym[120];
    bool known = false;
    for (j = 0; j < i; j++)
      if (!strcmp(json_string_value(json_array_get(names, j)), name)) break;
    if (j < i) {
      fault(why, nerr, _("\"expect\": \"%s\" lists \"%s\" twice"), what, name);
      continue;
    }
    if (badge >= 0) known = names_in_block(rs, img->ntiers + (uint32_t)badge, name, &s);
    for (uint32_t t = 0; badge < 0 && t < img->ntiers && !known; t++)
      known = (int)img->tiers[t].ptype == ptype && names_in_block(rs, t, name, &s);
    if (!known && badge >= 0)
      fault(why, nerr, _("\"expect\": \"%s\": \"%s\" is no metric or rule of a requirement of badge %s%s"), what, name,
            img_str(img, img->badges[badge].name), did_you_mean(&s, dym, sizeof dym));
    else if (!known)
      fault(why, nerr, _("\"expect\": \"%s\": \"%s\" is no metric or rule of a %s requirement%s"), what, name,
            type_name(img, ptype), did_you_mean(&s, dym, sizeof dym));
  }
}

/* The badge named by its identifier or display name, or -1 (a fault, with
 * the nearest names, unless quiet). */
static int badge_named(const struct image *img, const char *name, const char *what, struct buf *why, int *nerr) {
  struct suggest s = {0};
  for (uint32_t b = 0; b < img->nbadges; b++) {
    const struct img_tier *B = &img->badges[b];
    if (!strcmp(img_str(img, B->name), name) || (B->display != NO_STR && !strcmp(img_str(img, B->display), name))) return (int)b;
    suggest_try(&s, name, img_str(img, B->name));
  }
  char dym[120];
  fault(why, nerr, _("\"expect\": \"%s\": the rules have no badge \"%s\"%s"), what, name, did_you_mean(&s, dym, sizeof dym));
  return -1;
}

/* The record metric named `name` (its register), img->nmetrics if none:
 * the item metrics' temporaries after them are named LIST.NAME and hold
 * the last item's value, which no test may expect. */
static uint32_t record_metric(const struct image *img, const char *name) {
  uint32_t m = 0;
  while (m < img->nmetrics && (strcmp(img_str(img, img->metrics[m].name), name) || !mn_is_record_metric(img, m))) m++;
  return m;
}

/* Does text w name a value of enum e? */
static bool enum_word(const struct image *img, uint32_t e, const char *w) {
  for (uint32_t i = 0; e < img->nenums && i < img->enums[e].nvals; i++)
    if (!strcmp(img_str(img, img->enums[e].vals[i]), w)) return true;
  return false;
}

/* Does text w name a tier, by its identifier or display name (as
 * same_value compares them)? */
static bool tier_word(const struct image *img, const char *w) {
  for (uint32_t t = 0; t < img->ntiers; t++)
    if (!strcmp(img_str(img, img->tiers[t].name), w) ||
        (img->tiers[t].display != NO_STR && !strcmp(img_str(img, img->tiers[t].display), w)))
      return true;
  return false;
}

/* An expected number whose decimals do not end, written as a string of
 * a fraction, "208/3" (a JSON number cannot say it); false for any other
 * string (a number is written as a JSON number). */
static bool fraction(const char *w, struct num *out) {
  const char *slash = strchr(w, '/');
  if (!slash) return false;
  struct num a, b;
  return num_parse(w, (size_t)(slash - w), &a) == NUM_OK && num_parse(slash + 1, strlen(slash + 1), &b) == NUM_OK &&
      num_div(a, b, out) == NUM_OK && !num_is_none(*out);
}

/* Can JSON value v be a value of `kind` (enum or tier `ref`), a metric's
 * or a formula call's: null (none), or a value of its type as "values"
 * writes it (a number also as a string of a fraction, "208/3", whose
 * decimals do not end)?  A string for a number, a number for a bool, a
 * misspelt enum value would compare as a failure that is a slip in the
 * test, or, worse, as text that happens to match. */
static bool value_of_type(const struct image *img, int kind, uint16_t ref, const json_t *v) {
  if (json_is_null(v)) return true;
  int64_t d;
  struct num q;
  switch (kind) {
  case TY_INT:
  case TY_MONEY:
  case TY_NUMBER: return json_is_number(v) || (json_is_string(v) && fraction(json_string_value(v), &q));
  case TY_BOOL: return json_is_boolean(v);
  case TY_DATE: return json_is_string(v) && tier_date_parse(json_string_value(v), &d) == 0;
  case TY_ENUM: return json_is_string(v) && enum_word(img, ref, json_string_value(v));
  case TY_TIER: return json_is_string(v) && tier_word(img, json_string_value(v));
  default: return json_is_string(v);
  }
}

/* What a value of `kind` is written as in "values". */
static const char *value_says(int kind) {
  switch (kind) {
  case TY_INT:
  case TY_MONEY:
  case TY_NUMBER: return _("a number, or null for none");
  case TY_BOOL: return _("true or false, or null for none");
  case TY_DATE: return _("a date, \"YYYY-MM-DD\", or null for none");
  case TY_TIER: return _("a tier name or display name, or null for none");
  default: return _("a string, or null for none");
  }
}

/* The formula call named `name` (its text as explain names it), traced in
 * some requirement's explain code: the first such requirement q and the
 * call's entry k of img->traces; false if none.  Every requirement that
 * calls it computes it from the same record at the same date, so the
 * first holds the value. */
static bool traced_call(const struct image *img, const char *name, uint32_t *q, uint32_t *k) {
  for (*q = 0; *q < img->nreqs; (*q)++) {
    const struct img_req *r = &img->reqs[*q];
    for (*k = r->xfirst; *k < r->xfirst + r->xn; (*k)++)
      if (img->traces[*k].call != NO_STR && !strcmp(img_str(img, img->traces[*k].call), name)) return true;
  }
  return false;
}

/* "badges" and the keys of "badges_unmet" name badges; each list of
 * "badges_unmet" names entries of its badge; "values" names record metrics
 * and formula calls, each with a value of its type. */
static void check_badge_names(const struct tier_ruleset *rs, json_t *expect, struct buf *why, int *nerr) {
  const struct image *img = rs->img;
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(expect, "badges"), i, v) badge_named(img, json_string_value(v), "badges", why, nerr);
  const char *k;
  json_object_foreach(json_object_get(expect, "badges_unmet"), k, v) {
    int b = badge_named(img, k, "badges_unmet", why, nerr);
    if (!json_is_array(v) || json_array_size(v) == 0 || !value_fits(v, V_NAMES))
      fault(why, nerr, _("\"expect\": \"badges_unmet\": \"%s\" must be a list of the badge's unmet requirements"), k);
    else if (b >= 0) check_entry_names(rs, -1, b, v, "badges_unmet", why, nerr);
  }
  json_object_foreach(json_object_get(expect, "values"), k, v) {
    uint32_t m = record_metric(img, k), q, at;
    bool call = m == img->nmetrics && traced_call(img, k, &q, &at);
    int kind = call ? img->traces[at].kind : m < img->nmetrics ? img->metrics[m].kind : 0;
    uint16_t ref = call ? img->traces[at].ref : m < img->nmetrics ? img->metrics[m].ref : 0;
    if (m == img->nmetrics && !call)
      fault(why, nerr,
            _("\"expect\": \"values\": the rules have no metric or formula call \"%s\" (a formula call is named as explain "
              "shows it, with its arguments written out)"),
            k);
    else if (json_is_object(v) || json_is_array(v))
      fault(why, nerr, _("\"expect\": \"values\": \"%s\" must be a number, a string, true, false or null"), k);
    else if (kind == TY_ENUM && !value_of_type(img, kind, ref, v))
      fault(why, nerr, _("\"expect\": \"values\": \"%s\" must be a value of enum %s, or null for none"), k,
            ref < img->nenums ? img_str(img, img->enums[ref].name) : "?");
    else if (!value_of_type(img, kind, ref, v))
      fault(why, nerr, _("\"expect\": \"values\": \"%s\" must be %s"), k, value_says(kind));
  }
}

/* ---- comparing ------------------------------------------------------------------ */

/* An entry's name as an expectation gives it: "BRANCH: metric" inside an
 * either, "sustained", "at least", ... (the first of its names), after
 * sep in b: whole, since a test names it so (a rule's text has no bound). */
static void unmet_name(const tier_req_result *u, const char *sep, struct buf *b) {
  const char *base = time_name(u->time) ? time_name(u->time)
      : u->kind == TIER_ENTRY_AT_LEAST  ? AT_LEAST_NAME
      : u->metric                       ? u->metric
                                        : u->rule;
  if (u->branch && !time_name(u->time)) buf_printf(b, "%s%s: %s", sep, u->branch, base);
  else buf_printf(b, "%s%s", sep, base);
}

/* Does expected name n stand for unmet entry u?  by_rule: match the rule
 * text (or "sustained", "at_any", "at least") only; else the metric. */
static bool names_entry(const tier_req_result *u, const char *n, bool by_rule) {
  if (time_name(u->time)) return by_rule && !strcmp(n, time_name(u->time));
  if (u->kind == TIER_ENTRY_AT_LEAST && by_rule && !strcmp(n, AT_LEAST_NAME)) return true;
  n = past_branch(n, u->branch);
  if (!n) return false;
  if (by_rule) return !strcmp(u->rule, n);
  return u->metric && !strcmp(u->metric, n);
}

/* What one test came to; T_NOMEM ends the whole run. */
enum outcome { T_OK, T_FAIL, T_MALFORMED, T_NOMEM /* the run fails: out of memory */ };

/* An expected list of names eu as the exact set of entries unmet[0..nunmet)
 * of `whose` (the next tier, or a badge): each expected name stands for
 * one entry (rule texts first, being the more specific); what is left over
 * on either side is missing or extra, said in why.  T_OK, T_FAIL or
 * T_NOMEM. */
static enum outcome compare_unmet(const tier_req_result *unmet, size_t nunmet, const char *whose, json_t *eu, struct buf *why) {
  size_t n = json_array_size(eu);
  const struct tier_alloc_hook *h = why->hook;
  size_t st = sizeof(bool) * (nunmet + 1), sm = sizeof(bool) * (n + 1);
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
      for (size_t k = 0; k < nunmet && !matched[i]; k++)
        if (!taken[k] && names_entry(&unmet[k], json_string_value(json_array_get(eu, i)), by_rule)) taken[k] = matched[i] = true;
  struct buf missing = {.hook = h}, extra = {.hook = h};
  for (size_t i = 0; i < n; i++)
    if (!matched[i]) buf_printf(&missing, "%s%s", missing.n ? ", " : "", json_string_value(json_array_get(eu, i)));
  for (size_t k = 0; k < nunmet; k++)
    if (!taken[k]) unmet_name(&unmet[k], extra.n ? ", " : "", &extra);
  bool ok = !missing.n && !extra.n;
  if (!ok) {
    buf_printf(why, _("         unmet for %s:"), whose);
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

/* What the partner got, after a test's faults: its tier and next tier
 * (and the next tier's unmet entries); under rules of badges only, which
 * have no tiers, the badges it holds. */
static void describe(struct buf *b, const tier_result *r, bool tiers) {
  if (!tiers) {
    size_t n = 0;
    for (size_t i = 0; i < r->nbadges; i++)
      if (r->badges[i].held) buf_printf(b, "%s%s", n++ ? _(", ") : _("         got badges "), r->badges[i].name);
    buf_printf(b, "%s\n", n ? "" : _("         got no badge"));
    return;
  }
  buf_printf(b, _("         got tier %s, next %s"), r->tier ? r->tier : _("none"), r->next ? r->next : _("none"));
  if (r->next) {
    buf_printf(b, _("; unmet for %s: "), r->next);
    for (size_t i = 0; i < r->nunmet; i++) {
      const tier_req_result *u = &r->unmet[i];
      unmet_name(u, i ? ", " : "", b);
      if (u->metric) buf_printf(b, " %s (%s %s)", tier_shown(u, u->actual_shown), u->op, tier_shown(u, u->required_shown));
    }
  }
  buf_u8(b, '\n');
}

/* "badges": the exact set of badges held; "badges_unmet": each badge
 * named is not held, with exactly those unmet entries.  T_OK, T_FAIL or
 * T_NOMEM. */
static enum outcome compare_badges(const tier_result *r, json_t *expect, struct buf *why) {
  json_t *eb = json_object_get(expect, "badges"), *eu = json_object_get(expect, "badges_unmet");
  bool ok = true;
  for (size_t i = 0; i < r->nbadges; i++) {
    const tier_badge_result *B = &r->badges[i];
    bool want = false;
    size_t k;
    json_t *v;
    json_array_foreach(eb, k, v) want |=
        !strcmp(json_string_value(v), B->name) || (B->display && !strcmp(json_string_value(v), B->display));
    if (eb && want != (B->held != 0)) {
      buf_printf(
          why, B->held ? _("         badge %s is held, but not expected\n") : _("         badge %s is expected, but not held\n"),
          B->name);
      ok = false;
    }
    json_t *names = json_object_get(eu, B->name);
    if (!names && B->display) names = json_object_get(eu, B->display);
    if (!names) continue;
    if (B->held) {
      buf_printf(why, _("         badge %s is held, but \"badges_unmet\" expects it unmet\n"), B->name);
      ok = false;
      continue;
    }
    enum outcome o = compare_unmet(B->unmet, B->nunmet, B->name, names, why);
    if (o == T_NOMEM) return T_NOMEM;
    ok = ok && o == T_OK;
  }
  return ok ? T_OK : T_FAIL;
}

/* A value to compare with an expectation: of `kind` (enum or tier `ref`),
 * v, or q for a number. */
struct value {
  int kind;
  uint16_t ref;
  int64_t v;
  struct num q;
};

/* Expected JSON value want against value x: null for none; a number for
 * int, money and number (exactly: a JSON decimal as the shortest decimal
 * that reads back as the same double, or a string of a fraction,
 * "208/3"); true or false for a bool; the text
 * otherwise (an enum value, a date, a tier's identifier or display name,
 * as "tier" and "next" take either).  got gets x as text. */
static bool same_value(const struct tier_vm *vm, struct value x, json_t *want, char *got, size_t n) {
  const struct image *img = vm->rs->img;
  int64_t v = x.v;
  struct num q = x.kind == TY_NUMBER ? x.q : x.kind == TY_MONEY ? num_from_cents(v) : num_from_int(v);
  if (x.kind == TY_NUMBER) num_format(q, got);
  else vm_value_text(vm->rs, &vm->rec, x.kind, x.ref, v, got, n);
  bool none = x.kind == TY_NUMBER ? num_is_none(q) : v == TIER_NONE;
  if (json_is_null(want) || none) return json_is_null(want) && none;
  if (json_is_number(want) && (x.kind == TY_INT || x.kind == TY_MONEY || x.kind == TY_NUMBER)) {
    char t[40];
    if (json_is_integer(want)) snprintf(t, sizeof t, "%" JSON_INTEGER_FORMAT, json_integer_value(want));
    else
      for (int prec = 1; prec <= 17; prec++) {
        snprintf(t, sizeof t, "%.*g", prec, json_real_value(want));
        if (strtod(t, NULL) == json_real_value(want)) break;
      }
    struct num w;
    return num_parse(t, strlen(t), &w) == NUM_OK && num_cmp(w, q) == 0;
  }
  struct num e;
  if (json_is_string(want) && (x.kind == TY_INT || x.kind == TY_MONEY || x.kind == TY_NUMBER) &&
      fraction(json_string_value(want), &e))
    return num_cmp(e, q) == 0;
  if (json_is_boolean(want)) return x.kind == TY_BOOL && json_is_true(want) == (v == 1);
  if (!json_is_string(want) || x.kind == TY_BOOL) return false;
  const char *w = json_string_value(want);
  return !strcmp(w, got) ||
      (x.kind == TY_TIER && v >= 0 && (uint64_t)v < img->ntiers && img->tiers[v].display != NO_STR &&
       !strcmp(w, img_str(img, img->tiers[v].display)));
}

/* The value "values" names: record metric `name`'s at the evaluation date,
 * or a formula call's, from the explain code of a requirement that calls
 * it (vm_trace).  False when every requirement that calls it faults there
 * (the expectation has checked the name already). */
static bool expected_value_of(struct tier_vm *vm, const char *name, struct value *x) {
  const struct image *img = vm->rs->img;
  uint32_t m = record_metric(img, name), q, k;
  if (m < img->nmetrics) {
    *x = (struct value){img->metrics[m].kind, img->metrics[m].ref, vm->ev.regs_today[m], vm->ev.nregs_today[m]};
    return true;
  }
  /* every requirement that traces the call, in order: the first whose
   * explain code reached it (an `or` or `and` decided before the call
   * leaves its slot none: `vip or pts(5) >= 50` when vip holds), else the
   * first that ran (the value is none there too) */
  bool any = false;
  for (q = 0; q < img->nreqs; q++)
    for (k = img->reqs[q].xfirst; k < img->reqs[q].xfirst + img->reqs[q].xn; k++) {
      if (img->traces[k].call == NO_STR || strcmp(img_str(img, img->traces[k].call), name) || !vm_trace(vm, q)) continue;
      uint32_t slot = 2 * (k - img->reqs[q].xfirst);
      struct value v = {img->traces[k].kind, img->traces[k].ref, vm->trace[slot], vm->ntrace[slot]};
      if (!any) *x = v;
      any = true;
      if (v.kind == TY_NUMBER ? !num_is_none(v.q) : v.v != TIER_NONE) {
        *x = v;
        return true;
      }
    }
  return any;
}

/* "values": each record metric and formula call named has the value given. */
static bool compare_values(struct tier_vm *vm, json_t *ev, struct buf *why) {
  const char *k;
  json_t *want;
  bool ok = true;
  json_object_foreach(ev, k, want) {
    struct value x;
    char got[NUM_TEXT > 200 ? NUM_TEXT : 200] = "";
    if (!expected_value_of(vm, k, &x))
      snprintf(got, sizeof got, "%s", _("no value: the requirement that computes it stopped at a run-time error"));
    else if (same_value(vm, x, want, got, sizeof got)) continue;
    char w[200];
    if (json_is_string(want)) text_printf(w, sizeof w, "%s", json_string_value(want));
    else if (json_is_integer(want)) snprintf(w, sizeof w, "%" JSON_INTEGER_FORMAT, json_integer_value(want));
    else if (json_is_real(want)) snprintf(w, sizeof w, "%.17g", json_real_value(want));
    else snprintf(w, sizeof w, "%s", json_is_true(want) ? "true" : json_is_false(want) ? "false" : "null");
    buf_printf(why, _("         expected %s = %s, got %s\n"), k, w, got);
    ok = false;
  }
  return ok;
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
    const char *bom = json_bom_token(text, len, (size_t)je.position, json_error_code(&je) == json_error_invalid_syntax);
    fault(why, &nerr, _("not valid JSON: %s (column %d)"), bom ? bom : je.text, je.column);
    return T_MALFORMED;
  }
  if (!json_is_object(t)) {
    fault(why, &nerr, _("a test is a JSON object: a profile with \"expect\""));
    return T_MALFORMED;
  }
  check_test_keys(t, img->ntiers > 0, why, &nerr);
  check_profile_keys(img, t, NO_LIST, "$", 1, why, &nerr);
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
  check_entry_names(vm->rs, vm->ev.ptype, -1, json_object_get(expect, "unmet"), "unmet", why, &nerr);
  check_badge_names(vm->rs, expect, why, &nerr);
  if (nerr) return T_MALFORMED;
  if (cov) cov_probe(cov, vm);
  json_t *et = json_object_get(expect, "tier"), *en = json_object_get(expect, "next"), *eu = json_object_get(expect, "unmet");
  bool ok = true;
  if (et) ok = compare_tier("tier", et, r->tier, r->tier_display, why) && ok;
  if (en) ok = compare_tier("next", en, r->next, r->next_display, why) && ok;
  /* the unmet set belongs to the next tier: compare it only when the tiers
   * came out as expected, or every line would repeat one fault */
  if (ok && eu) {
    enum outcome u = compare_unmet(r->unmet, r->nunmet, r->next ? r->next : _("(no next tier)"), eu, why);
    if (u == T_NOMEM) return T_NOMEM;
    ok = u == T_OK;
  }
  json_t *eg = json_object_get(expect, "granted");
  if (eg && json_is_true(eg) != (r->granted != 0)) {
    buf_printf(why,
               r->granted ? _("         expected a tier earned, got one granted\n")
                          : _("         expected a tier granted, got none\n"));
    ok = false;
  }
  enum outcome b = compare_badges(r, expect, why);
  if (b == T_NOMEM) return T_NOMEM;
  bool values_ok = compare_values(vm, json_object_get(expect, "values"), why); /* said even when more failed */
  ok = b == T_OK && values_ok && ok;
  if (!ok) describe(why, r, vm->rs->img->ntiers > 0);
  return ok ? T_OK : T_FAIL;
}

/* Test file `path` opened for reading, or NULL after a line in out that
 * says why not (a directory opens, but holds no tests: it is refused). */
static FILE *open_tests(const char *path, struct buf *out) {
  FILE *f = fopen(path, "rb");
  struct stat st;
  if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
    f = NULL;
    errno = EISDIR;
  }
  if (!f) {
    int e = errno;
    buf_printf(out, _("FAIL     cannot read '%s': %s\n"), path, strerror(e));
  }
  return f;
}

/* Run the tests of files against rs into out: 0 all passed, 1 some failed or
 * are malformed, 2 a file could not be read (the others ran), -1 out of
 * memory. */
int rt_run(const struct tier_ruleset *rs, const char *const *files, int nfiles, bool coverage, struct buf *out) {
  tier_options opt = {.alloc = rs->hook.fn, .alloc_ud = rs->hook.ud}; /* the ruleset's allocator */
  tier_vm *vm = tier_vm_new(rs, &opt);
  struct cov *cov = coverage ? cov_new(rs) : NULL;
  if (!vm || (coverage && !cov)) {
    tier_vm_free(vm);
    cov_free(cov);
    return -1;
  }
  long count[3] = {0, 0, 0}, n = 0, at_today = 0, unread = 0;
  bool oom = false;
  for (int fi = 0; fi < nfiles && !oom; fi++) {
    FILE *f = open_tests(files[fi], out);
    if (!f) {
      unread++;
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
  return unread ? 2 : count[T_FAIL] + count[T_MALFORMED] ? 1 : 0;
}
