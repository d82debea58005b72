/*
 * rulediff.c - `tierc diff OLD NEW`: what a rule change means, not which
 * lines moved.  Both rulesets are compiled and read back as meanings
 * (meaning.c: what every metric and requirement computes, item metrics
 * inlined), and compared part by part, each change said in a program
 * manager's words:
 *
 *   metadata      the ruleset's name and version, the fiscal year's start, the
 *                 effective date, the review rule
 *   schema        enums (values and their order), fields (type, optional)
 *   consts        a const's new value, said once with what it changes: the
 *                 metrics and requirements that change only through consts
 *                 are not said again (B is read a second time with A's
 *                 const values put in: what still differs changed otherwise)
 *   item metrics  a fact about one list item changed, and what it changes
 *   metrics       definition, label, type; added, removed
 *   tiers         per partner type: removed, new, renamed in place, reordered
 *                 (the ladders matched as tiervm diff matches them); display
 *                 names; time clauses; requirements: thresholds, comparisons, labels,
 *                 the period of a period test, added, removed, or the same
 *                 text with a new meaning
 *   badges        matched by name: removed, new; display names, time clauses
 *                 and requirements as a tier's
 *
 * A change to a metric is said once, with the metrics and tiers it changes
 * (a requirement that changes only through a metric is not repeated).  Two
 * rulesets whose meanings differ (their rules_hash) always get at least one
 * change: if nothing above names it, a last line says so.  A second-edition
 * construct (formulas, tables, badges, display names) is one more part here
 * and one more node kind in meaning.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meaning.h"
#include "num.h"
#include "period.h"

struct rd {
  const struct image *A, *B;
  struct meaning *ma, *mb;
  struct meaning *mc; /* B with A's const values (rd_old_consts), NULL when no const changed */
  struct buf *o;
  bool json;
  bool people; /* the text: said in the user's language (JSON and each's changes are data, in English) */
  void (*each)(void *ud, const tier_rule_change *c); /* instead of o: each change to a caller */
  void *ud;
  int n;       /* changes reported */
  int nmeant;  /* of them, changes to what the rules_hash covers (not name or version) */
  bool schema_changed; /* an enum or field change was reported, with what it changes */
  bool fiscal_changed; /* the fiscal year starts in another month: reported first */
  struct arena ar;     /* scratch for the comparison (through alloc, below) */
  const struct tier_alloc_hook *hook; /* the old ruleset's allocator */
  struct tier_alloc_hook alloc;       /* it, through rd_alloc */
  bool oom;                           /* some allocation failed: the comparison fails */
  struct hash_key hkey;               /* pairing requirements by key (pair_reqs): the rules choose the keys */
  uint32_t *copies;                   /* per requirement of B: how many share the place its threshold is
                                         written (count_copies); NULL: none known */
  struct held *held;                  /* threshold changes of such copies, said once each (say_held) */
  uint32_t nheld, capheld;
};

/* Where a requirement's threshold is written (file, line, col: img_req's
 * tfile, tline, tcol) and its index. */
struct place {
  uint32_t file, line, col, q;
};

/* A threshold change of a requirement whose threshold is written where
 * others' are (a block's requirement inserted several times, or an argument
 * passed to several): said with the others (say_held). */
struct held {
  const char *tier, *where, *subject, *from, *to; /* where: the tier and the place (req_where) */
  int cmp;
  struct place at; /* where the threshold is written */
};

/* Every allocation of a comparison goes through here, so that a failure
 * anywhere (the arena, a scratch text) fails the whole comparison with
 * TIER_ENOMEM instead of leaving a change out. */
static void *rd_alloc(void *ud, void *p, size_t o, size_t n) {
  struct rd *d = ud;
  void *q = t_realloc(d->hook, p, o, n);
  if (!q && n) d->oom = true;
  return q;
}

static void rd_init(struct rd *d, const struct image *A, const struct image *B) {
  memset(d, 0, sizeof *d);
  d->A = A;
  d->B = B;
  d->hook = A->ar.hook;
  d->alloc = (struct tier_alloc_hook){rd_alloc, d};
  arena_init(&d->ar, &d->alloc);
  hash_key_new(&d->hkey);
  d->ma = mn_build(A, &d->alloc, false);
  d->mb = mn_build(B, &d->alloc, false);
}

/* What rd_init made; -1 when memory ran out anywhere, else n. */
static int rd_finish(struct rd *d, int n) {
  mn_free(d->ma);
  mn_free(d->mb);
  mn_free(d->mc);
  arena_free(&d->ar);
  return d->oom || n < 0 ? -1 : n;
}

static const char *S(const struct image *img, uint32_t s) { return s == NO_STR ? "" : img_str(img, s); }

/* msgid (marked N_ where it is written) in the words of whoever reads the
 * change: the user's language in the text (and in tier_rules_changes for
 * people: the HTML report), English in JSON, which is data and alike in
 * every locale. */
__attribute__((format_arg(2))) static const char *tr(const struct rd *d, const char *msgid) {
  return d->people ? _(msgid) : msgid;
}

static const char *or_none(const struct rd *d, const char *s) { return s && *s ? s : tr(d, N_("(none)")); }

/* What changed: a message of the catalogue and its arguments (%s, at most
 * two), said by change() in the words of whoever reads it:
 * WHAT(N_("enum %s removed:"), name). */
struct what {
  const char *s[3]; /* the message, then its arguments */
};
#define WHAT(...) ((struct what){{__VA_ARGS__}})

/* "6 months" in the reader's words. */
static const char *months_text(const struct rd *d, unsigned n, char *out, size_t len) {
  snprintf(out, len, d->people ? NG_("%u month", "%u months", n) : n == 1 ? "%u month" : "%u months", n);
  return out;
}

/* One change: to the caller's function, or text as lines, or JSON as an
 * object in a list.  from/to may be NULL; affects (NULL or empty for none)
 * says what else it changes. */
static void change(struct rd *d, const char *kind, const char *where, struct what w, const char *from, const char *to,
                   const char *affects) {
  const char *what = arena_printf(&d->ar, tr(d, w.s[0]), w.s[1], w.s[2]); /* whole: a rule's text may be long */
  if (!what) {
    d->oom = true;
    return;
  }
  d->n++;
  d->nmeant += strcmp(kind, "ruleset") != 0 && strcmp(kind, "version") != 0 && strcmp(kind, "fiscal") != 0;
  if (d->each) {
    tier_rule_change c = {kind, where, what, from, to, affects && *affects ? affects : NULL};
    d->each(d->ud, &c);
    return;
  }
  if (d->json) {
    if (d->n > 1) buf_u8(d->o, ',');
    buf_printf(d->o, "{\"kind\":\"%s\",\"where\":", kind);
    out_json_cstr(d->o, where);
    buf_put(d->o, ",\"what\":", 8);
    out_json_cstr(d->o, what);
    if (from) { buf_put(d->o, ",\"from\":", 8); out_json_cstr(d->o, from); }
    if (to) { buf_put(d->o, ",\"to\":", 6); out_json_cstr(d->o, to); }
    if (affects && *affects) { buf_put(d->o, ",\"affects\":", 11); out_json_cstr(d->o, affects); }
    buf_u8(d->o, '}');
    return;
  }
  buf_printf(d->o, "  %s%s%s", where, *where ? ": " : "", what);
  if (from && to && (strlen(from) > 30 || strlen(to) > 30)) buf_printf(d->o, _("\n      was: %s\n      now: %s"), from, to);
  else if (from && to) buf_printf(d->o, " %s -> %s", from, to);
  else if (to) buf_printf(d->o, " %s", to);
  else if (from) buf_printf(d->o, " %s", from);
  if (affects && *affects) buf_printf(d->o, _("\n      this changes %s"), affects);
  buf_u8(d->o, '\n');
}

/* A tier's or badge's display name (da, db: "" for none), kind its change
 * kind: "(none)" for a missing one is said in the reader's words. */
static void diff_display(struct rd *d, const char *kind, const char *where, const char *da, const char *db) {
  if (strcmp(da, db) != 0) change(d, kind, where, WHAT(N_("display name")), or_none(d, da), or_none(d, db), NULL);
}

/* A tier's time clause: a sustained window that only changed its length
 * says so in months; any other change names both clauses. */
static void diff_time(struct rd *d, const struct img_tier *TA, const struct img_tier *TB, const char *where) {
  if (TA->time == TB->time && TA->time_n == TB->time_n) return;
  char va[80], vb[80];
  snprintf(va, sizeof va, "%s", tr(d, N_("none")));
  snprintf(vb, sizeof vb, "%s", va);
  bool months = (TA->time == TC_SUSTAINED || TA->time == TC_NONE) && (TB->time == TC_SUSTAINED || TB->time == TC_NONE);
  if (months) {
    if (TA->time) months_text(d, TA->time_n, va, sizeof va);
    if (TB->time) months_text(d, TB->time_n, vb, sizeof vb);
    change(d, "sustained", where, WHAT("sustained"), va, vb, NULL); /* the clause's keyword */
    return;
  }
  if (TA->time) tc_text(TA->time, TA->time_n, va, sizeof va);
  if (TB->time) tc_text(TB->time, TB->time_n, vb, sizeof vb);
  change(d, "time-clause", where, WHAT(N_("time clause")), va, vb, NULL);
}

/* ---- what a change reaches -------------------------------------------------------------- */

/* Which nodes stand for the thing that changed. */
struct subject {
  const struct image *img;
  const char *metric;     /* a register's name (a metric, or list.item_metric) */
  const char *owner, *field; /* a field ("" owner at the top) */
  const char *enum_name;  /* a field of this enum */
};

/* The list a field is in, by its name in the rules (customers.months); ""
 * for a field of the record. */
static const char *owner_of(const struct image *img, const struct img_field *f, char *buf, size_t n) {
  return f->owner == NO_LIST ? "" : img_list_name(img, f->owner, buf, n);
}

static bool is_subject(const struct mn *n, void *ud) {
  const struct subject *s = ud;
  const struct image *img = s->img;
  if (s->metric && n->kind == MN_REF) return !strcmp(S(img, img->metrics[n->x].name), s->metric);
  if (n->kind != MN_FIELD && n->kind != MN_ITEM) return false;
  const struct img_field *F = &img->fields[n->x];
  if (s->enum_name) return F->kind == TY_ENUM && !strcmp(S(img, img->enums[F->ref].name), s->enum_name);
  if (!s->field) return false;
  char ln[LIST_NAME_MAX];
  return !strcmp(owner_of(img, F, ln, sizeof ln), s->owner) && !strcmp(S(img, F->name), s->field);
}

static const char *ptype_name(const struct image *img, uint32_t p) {
  const struct img_enum *e = &img->enums[img->fields[img->partner_field].ref];
  return p < e->nvals ? S(img, e->vals[p]) : "?";
}

/* Does a change reach the review rule, metric (register) i or requirement i? */
enum part { P_REVIEW, P_METRIC, P_REQ, P_GRANT };
struct reach {
  bool (*hit)(void *ud, enum part p, uint32_t i);
  void *ud;
};

/* Does block T have a requirement the change reaches? */
static bool block_hit(const struct reach *h, const struct img_tier *T) {
  for (uint32_t q = T->first_req; q < T->first_req + T->nreq; q++)
    if (h->hit(h->ud, P_REQ, q)) return true;
  return false;
}

static void grant_where(const struct image *img, uint32_t k, struct buf *b);

/* The names of what the change reaches in img, listed into b: the
 * metrics (but `self`), "a, b"; the tiers by partner type, "consulting
 * Select, Advanced; technology Select"; the badges, "Security, Cloud";
 * the grants whose condition it reaches, "grant carried".  Returns how
 * many. */
enum reached { R_METRICS, R_TIERS, R_BADGES, R_GRANTS };
static int reached_names(const struct image *img, const struct reach *h, const char *self, enum reached what, struct buf *b) {
  int n = 0, last_type = -1;
  b->n = 0;
  if (what == R_METRICS)
    for (uint32_t r = 0; r < img->nmetrics; r++) {
      const char *name = S(img, img->metrics[r].name);
      if (!mn_is_record_metric(img, r) || (self && !strcmp(name, self)) || !h->hit(h->ud, P_METRIC, r)) continue;
      buf_printf(b, "%s%s", n++ ? ", " : "", name);
    }
  for (uint32_t t = 0; what == R_TIERS && t < img->ntiers; t++) {
    const struct img_tier *T = &img->tiers[t];
    if (!block_hit(h, T)) continue;
    if ((int)T->ptype != last_type) buf_printf(b, "%s%s %s", n++ ? "; " : "", ptype_name(img, T->ptype), S(img, T->name));
    else buf_printf(b, ", %s", S(img, T->name));
    last_type = (int)T->ptype;
  }
  for (uint32_t k = 0; what == R_BADGES && k < img->nbadges; k++)
    if (block_hit(h, &img->badges[k])) buf_printf(b, "%s%s", n++ ? ", " : "", S(img, img->badges[k].name));
  for (uint32_t k = 0; what == R_GRANTS && k < img->ngrants; k++) {
    if (!h->hit(h->ud, P_GRANT, k)) continue;
    buf_printf(b, "%s", n++ ? ", " : "");
    grant_where(img, k, b);
  }
  buf_u8(b, 0);
  return b->failed ? 0 : n; /* out of memory: affects_text says so */
}

/* "the review rule, metrics a, b and the requirements of consulting
 * Select, Advanced; technology Select; badges Security and grant carried": what in img the
 * change reaches (other than the metric named `self`), as a NUL-terminated
 * text in b (b->n its length), in the reader's words: each part is a noun
 * phrase of the catalogue with the word that joins it to those before. */
static void affects_text(const struct rd *d, const struct image *img, const struct reach *h, const char *self, struct buf *b) {
  struct buf names = {.hook = &d->alloc};
  b->n = 0;
  bool review = img->review_code != NO_STR && h->hit(h->ud, P_REVIEW, 0);
  if (review) buf_printf(b, "%s", tr(d, N_("the review rule")));
  bool metrics = reached_names(img, h, self, R_METRICS, &names) > 0;
  if (metrics) buf_printf(b, review ? tr(d, N_(", metrics %s")) : tr(d, N_("metrics %s")), (char *)names.p);
  bool tiers = reached_names(img, h, self, R_TIERS, &names) > 0;
  if (tiers)
    buf_printf(b, review || metrics ? tr(d, N_(" and the requirements of %s")) : tr(d, N_("the requirements of %s")),
               (char *)names.p);
  bool badges = reached_names(img, h, self, R_BADGES, &names) > 0;
  if (badges)
    buf_printf(b,
               tiers                   ? tr(d, N_("; badges %s"))
                   : review || metrics ? tr(d, N_(" and badges %s"))
                                       : tr(d, N_("badges %s")),
               (char *)names.p);
  if (reached_names(img, h, self, R_GRANTS, &names) > 0) /* "grant carried": the rules' own words */
    buf_printf(b, review || metrics || tiers || badges ? tr(d, N_(" and %s")) : "%s", (char *)names.p);
  if (names.failed) b->failed = true; /* (a list that failed counts as none: names.p is never read then) */
  buf_free(&names);
  buf_u8(b, 0);
  if (!b->failed) b->n--;
}

/* A subject's reach: what uses it, through references too. */
struct subject_in {
  struct meaning *m;
  struct subject *s;
};
/* Part p (and i) of meaning m, as the review, a metric or a requirement. */
static const struct mn *part_of(const struct meaning *m, enum part p, uint32_t i) {
  return p == P_REVIEW ? m->review : p == P_METRIC ? m->reg[i] : p == P_GRANT ? m->grant[i] : m->req[i];
}

static bool uses_subject(void *ud, enum part p, uint32_t i) {
  struct subject_in *u = ud;
  return mn_uses(u->m, part_of(u->m, p, i), is_subject, u->s);
}

static void affects_of(struct rd *d, bool in_old, struct subject s, const char *self, struct buf *b) {
  struct meaning *m = in_old ? d->ma : d->mb;
  s.img = m->img;
  struct subject_in u = {m, &s};
  struct reach h = {uses_subject, &u};
  affects_text(d, m->img, &h, self, b);
}

/* A value's text from its meaning (for when the source text says nothing new). */
static char *meaning_text(struct rd *d, const struct meaning *m, const struct mn *n) {
  struct buf b = {.hook = &d->alloc};
  mn_text(m, n, &b);
  char *s = b.failed ? NULL : arena_strndup(&d->ar, (const char *)b.p, b.n);
  buf_free(&b);
  return s ? s : (char *)"?";
}

/* ---- metadata -------------------------------------------------------------------------- */

static void diff_meta(struct rd *d) {
  const struct image *A = d->A, *B = d->B;
  if (strcmp(S(A, A->name), S(B, B->name)) != 0)
    change(d, "ruleset", "", WHAT(N_("ruleset name")), S(A, A->name), S(B, B->name), NULL);
  if (strcmp(S(A, A->version), S(B, B->version)) != 0)
    change(d, "version", "", WHAT(N_("version")), S(A, A->version), S(B, B->version), NULL);
  d->fiscal_changed = A->fiscal != B->fiscal;
  if (d->fiscal_changed) /* what it changes shows in the requirements that count fiscal periods */
    change(d, "fiscal", "", WHAT(N_("fiscal year starts in")),
           A->fiscal ? tr(d, month_name((int)A->fiscal)) : tr(d, N_("(not given)")),
           B->fiscal ? tr(d, month_name((int)B->fiscal)) : tr(d, N_("(not given)")), NULL);
  if (A->effective != B->effective) {
    char ea[11], eb[11];
    if (A->effective != TIER_NONE) date_format(A->effective, ea);
    if (B->effective != TIER_NONE) date_format(B->effective, eb);
    change(d, "effective", "", WHAT(N_("effective date")), A->effective != TIER_NONE ? ea : tr(d, N_("none")),
           B->effective != TIER_NONE ? eb : tr(d, N_("none")), NULL);
  }
  const struct mn *ra = d->ma->review, *rb = d->mb->review;
  const struct mn *rc = d->mc ? d->mc->review : rb; /* a const's change is said with the consts */
  if (!ra != !rb || (ra && memcmp(ra->deep, rb->deep, MN_DIGEST) && memcmp(ra->deep, rc->deep, MN_DIGEST))) {
    const char *ta = S(A, A->review_text), *tb = S(B, B->review_text);
    char *xa = NULL, *xb = NULL;
    if (ra && rb && !strcmp(ta, tb)) { /* the same text, another meaning: say it as compiled */
      ta = xa = meaning_text(d, d->ma, ra);
      tb = xb = meaning_text(d, d->mb, rb);
    }
    change(d, "review", "", WHAT(N_("review rule (the evaluation date)")), *ta ? ta : tr(d, N_("none (today)")),
           *tb ? tb : tr(d, N_("none (today)")), NULL);
  }
}

/* ---- schema ---------------------------------------------------------------------------- */

static int find_enum(const struct image *img, const char *name) {
  for (uint32_t e = 0; e < img->nenums; e++)
    if (!strcmp(S(img, img->enums[e].name), name)) return (int)e;
  return -1;
}

static int enum_value(const struct image *img, uint32_t e, const char *v) {
  for (uint32_t k = 0; k < img->enums[e].nvals; k++)
    if (!strcmp(S(img, img->enums[e].vals[k]), v)) return (int)k;
  return -1;
}

static void enum_list(const struct image *img, uint32_t e, const char *sep, struct buf *b) {
  b->n = 0;
  for (uint32_t k = 0; k < img->enums[e].nvals; k++) buf_printf(b, "%s%s", k ? sep : "", S(img, img->enums[e].vals[k]));
  buf_u8(b, 0);
}

/* An enum's values are its order: `level >= associate` reads it, so a new
 * value, a removed one, or a new order all change what rules mean. */
static void diff_enums(struct rd *d) {
  const struct image *A = d->A, *B = d->B;
  struct buf ta = {.hook = &d->alloc}, tb = {.hook = &d->alloc}, aff = {.hook = &d->alloc};
  for (uint32_t e = 0; e < A->nenums; e++) {
    const char *name = S(A, A->enums[e].name);
    int f = find_enum(B, name);
    if (f < 0) {
      enum_list(A, e, ", ", &ta);
      change(d, "enum-removed", "", WHAT(N_("enum %s removed:"), name), (char *)ta.p, NULL, NULL);
      continue;
    }
    bool changed = false;
    for (uint32_t k = 0; k < B->enums[f].nvals; k++)
      if (enum_value(A, e, S(B, B->enums[f].vals[k])) < 0) {
        change(d, "enum-value-added", "", WHAT(N_("enum %s: new value"), name), NULL, S(B, B->enums[f].vals[k]), NULL);
        changed = true;
      }
    for (uint32_t k = 0; k < A->enums[e].nvals; k++)
      if (enum_value(B, (uint32_t)f, S(A, A->enums[e].vals[k])) < 0) {
        change(d, "enum-value-removed", "", WHAT(N_("enum %s: value removed"), name), S(A, A->enums[e].vals[k]), NULL, NULL);
        changed = true;
      }
    /* the values both have, in a new order (or at new places: ordinals are what comparisons read) */
    bool moved = false;
    for (uint32_t k = 0; k < A->enums[e].nvals; k++) {
      int at = enum_value(B, (uint32_t)f, S(A, A->enums[e].vals[k]));
      if (at >= 0 && (uint32_t)at != k) moved = true;
    }
    if (moved) {
      enum_list(A, e, " < ", &ta);
      enum_list(B, (uint32_t)f, " < ", &tb);
      struct subject s = {0};
      s.enum_name = name;
      affects_of(d, false, s, NULL, &aff);
      change(d, "enum-order", "", WHAT(N_("enum %s: values in a new order (comparisons such as >= read it):"), name),
             (char *)ta.p, (char *)tb.p, (char *)aff.p);
      d->schema_changed = true;
    } else if (changed) {
      struct subject s = {0};
      s.enum_name = name;
      affects_of(d, false, s, NULL, &aff);
      if (aff.n) {
        change(d, "enum-values", "", WHAT(N_("enum %s: its values changed"), name), NULL, NULL, (char *)aff.p);
        d->schema_changed = true;
      }
    }
  }
  for (uint32_t e = 0; e < B->nenums; e++)
    if (find_enum(A, S(B, B->enums[e].name)) < 0) {
      enum_list(B, e, ", ", &tb);
      change(d, "enum-added", "", WHAT(N_("new enum %s:"), S(B, B->enums[e].name)), NULL, (char *)tb.p, NULL);
    }
  buf_free(&ta);
  buf_free(&tb);
  buf_free(&aff);
}

static int find_field(const struct image *img, const char *owner, const char *name) {
  char ln[LIST_NAME_MAX];
  for (uint32_t g = 0; g < img->nfields; g++)
    if (!strcmp(S(img, img->fields[g].name), name) && !strcmp(owner_of(img, &img->fields[g], ln, sizeof ln), owner)) return (int)g;
  return -1;
}

/* A field's type as the rules write it, whole, in d's arena ("" when out
 * of memory: d->oom says so). */
static const char *type_text(struct rd *d, const struct image *img, const struct img_field *f) {
  const char *t = arena_printf(&d->ar, "%s%s%s", f->kind == TY_ENUM ? S(img, img->enums[f->ref].name) : ty_kind_name(f->kind),
                               f->flags & FF_OPT ? "?" : "", f->flags & FF_PARTNER ? tr(d, N_(" (partner type)")) : "");
  if (!t) d->oom = true;
  return t ? t : "";
}

static void diff_fields(struct rd *d) {
  struct buf aff = {.hook = &d->alloc};
  for (int pass = 0; pass < 2; pass++) {
    const struct image *X = pass ? d->B : d->A, *Y = pass ? d->A : d->B;
    for (uint32_t f = 0; f < X->nfields; f++) {
      const struct img_field *fx = &X->fields[f];
      char ln[LIST_NAME_MAX];
      const char *owner = owner_of(X, fx, ln, sizeof ln);
      char w[LIST_NAME_MAX + 80];
      text_printf(w, sizeof w, "%s%s%s", owner, *owner ? "." : "", S(X, fx->name));
      int g = find_field(Y, owner, S(X, fx->name));
      if (g < 0) {
        change(d, pass ? "field-added" : "field-removed", "", WHAT(pass ? N_("new field:") : N_("field removed:")), NULL, w,
               NULL);
        continue;
      }
      if (pass) continue;
      const char *ta = type_text(d, X, fx), *tb = type_text(d, Y, &Y->fields[g]);
      if (strcmp(ta, tb) != 0) {
        struct subject s = {0};
        s.owner = owner;
        s.field = S(X, fx->name);
        affects_of(d, false, s, NULL, &aff);
        change(d, "field-type", "", WHAT(N_("field %s:"), w), ta, tb, (char *)aff.p);
        d->schema_changed = true;
      }
      /* `n "count": int;`: the records are read under another key */
      const char *ka = S(X, fx->key), *kb = S(Y, Y->fields[g].key);
      if (strcmp(ka, kb) != 0) {
        struct subject s = {0};
        s.owner = owner;
        s.field = S(X, fx->name);
        affects_of(d, false, s, NULL, &aff);
        const char *qa = arena_printf(&d->ar, "\"%s\"", ka), *qb = arena_printf(&d->ar, "\"%s\"", kb);
        if (!qa || !qb) d->oom = true;
        change(d, "field-key", "", WHAT(N_("field %s: JSON key"), w), qa ? qa : "", qb ? qb : "", (char *)aff.p);
        d->schema_changed = true;
      }
    }
  }
  buf_free(&aff);
}

/* ---- consts ------------------------------------------------------------------------------- */

/* The first const of img called `name` whose constant has kind `kind`
 * (any kind when kind < 0), or NULL. */
static const struct img_named *find_named(const struct image *img, const char *name, int kind) {
  for (uint32_t i = 0; i < img->nnamed; i++) {
    const struct img_named *c = &img->named[i];
    if (!strcmp(S(img, c->name), name) && (kind < 0 || img->consts[c->konst].kind == kind)) return c;
  }
  return NULL;
}

/* A const's value as the rules write it, a text in quotes: whole, in d's
 * arena (a text's value is compared whole: a cut one hid a change past
 * the cut); NULL when out of memory. */
static const char *named_text(struct rd *d, const struct image *img, const struct img_named *c) {
  const struct img_const *k = &img->consts[c->konst];
  char out[NUM_TEXT + 64];
  if (k->kind == TY_TEXT) return arena_printf(&d->ar, "\"%s\"", S(img, (uint32_t)k->v));
  return arena_printf(&d->ar, "%s", img_const_text(img, k, 0, out, sizeof out));
}

/* Put A's value of const c (a constant of B) into k, B's constant: a text
 * as a string added to X's.  A's constant of the same kind when A has one;
 * else (the const's type changed: `4` became `4.5`) A's first, kind and
 * all, so that what reads the const still differs from B (said as this
 * const's change) and from A (its comparison changed type too: said
 * again).  Left as it is when A has no such const. */
static void put_old_value(struct rd *d, struct image *X, const struct img_named *c, struct img_const *k) {
  const struct image *A = d->A, *B = d->B;
  const struct img_named *a = find_named(A, S(B, c->name), k->kind);
  if (!a) a = find_named(A, S(B, c->name), -1);
  if (!a) return;
  const struct img_const *ka = &A->consts[a->konst];
  *k = *ka;
  if (ka->kind == TY_TEXT) {
    ((const char **)X->strs)[X->nstrs] = A->strs[ka->v];
    X->strlens[X->nstrs] = A->strlens[ka->v];
    k->v = X->nstrs++;
  }
}

/* B as it would be had its consts (only the one called `only`, when not
 * NULL) kept their values in A: a copy of B's image with other constants
 * and strings, sharing the rest with B (never freed as an image: it lives
 * in d's arena).  NULL when out of memory. */
static struct image *old_consts(struct rd *d, const char *only) {
  const struct image *B = d->B;
  struct image *X = arena_alloc(&d->ar, sizeof *X);
  struct img_const *k = arena_alloc(&d->ar, sizeof *k * (B->nconsts + 1));
  const char **strs = arena_alloc(&d->ar, sizeof *strs * (B->nstrs + B->nnamed + 1));
  uint32_t *lens = arena_alloc(&d->ar, sizeof *lens * (B->nstrs + B->nnamed + 1));
  if (!X || !k || !strs || !lens) return NULL;
  memcpy(X, B, sizeof *X);
  if (B->nconsts) memcpy(k, B->consts, sizeof *k * B->nconsts);
  if (B->nstrs) memcpy(strs, B->strs, sizeof *strs * B->nstrs);
  if (B->nstrs) memcpy(lens, B->strlens, sizeof *lens * B->nstrs);
  X->consts = k;
  X->strs = strs;
  X->strlens = lens;
  for (uint32_t i = 0; i < B->nnamed; i++)
    if (!only || !strcmp(S(B, B->named[i].name), only)) put_old_value(d, X, &B->named[i], &k[B->named[i].konst]);
  return X;
}

/* A const's reach: what B and B with the const's old value tell apart. */
struct const_in {
  const struct meaning *now, *old;
};
static bool differs(void *ud, enum part p, uint32_t i) {
  const struct const_in *u = ud;
  const struct mn *a = part_of(u->now, p, i), *b = part_of(u->old, p, i);
  return a && b ? memcmp(a->deep, b->deep, MN_DIGEST) != 0 : a != b; /* a grant without a condition has no part */
}

/* Is B's const cb one of A's with another value?  Its values' texts in *va
 * and *vb (named_text).  Each const once: its first constant in B's table. */
static bool const_changed(struct rd *d, const struct img_named *cb, const char **va, const char **vb) {
  const char *name = S(d->B, cb->name);
  const struct img_named *ca = find_named(d->A, name, -1);
  if (!ca || find_named(d->B, name, -1) != cb) return false;
  *va = named_text(d, d->A, ca);
  *vb = named_text(d, d->B, cb);
  if (!*va || !*vb) d->oom = true;
  return *va && *vb && strcmp(*va, *vb) != 0;
}

/* d->mc: B read with A's const values, when some const changed, so that
 * every part compares A with it to say only what changed otherwise. */
static void read_old_consts(struct rd *d) {
  const char *va, *vb;
  uint32_t i = 0;
  while (i < d->B->nnamed && !const_changed(d, &d->B->named[i], &va, &vb)) i++;
  if (i == d->B->nnamed) return;
  struct image *X = old_consts(d, NULL);
  if (X) d->mc = mn_build(X, &d->alloc, false);
  if (!d->mc) d->oom = true;
}

/* "const target: 4 -> 5, this changes ...": each const of both rulesets
 * whose value changed, once, with what its value alone changes in B (a new
 * or removed const is said with the requirements whose words it changes). */
static void diff_consts(struct rd *d) {
  struct buf aff = {.hook = &d->alloc};
  for (uint32_t i = 0; i < d->B->nnamed && !d->oom; i++) {
    const struct img_named *cb = &d->B->named[i];
    const char *va, *vb;
    if (!const_changed(d, cb, &va, &vb)) continue;
    struct image *X = old_consts(d, S(d->B, cb->name));
    struct meaning *old = X ? mn_build(X, &d->alloc, false) : NULL;
    if (!old) break;
    struct const_in u = {d->mb, old};
    struct reach h = {differs, &u};
    affects_text(d, d->B, &h, NULL, &aff);
    mn_free(old);
    change(d, "const", "", WHAT(N_("const %s:"), S(d->B, cb->name)), va, vb, (char *)aff.p);
  }
  buf_free(&aff);
}

/* Does part a of A mean what the same part c of d->mc (B with A's const
 * values) means: has it changed only through consts? */
static bool same_but_consts(const struct rd *d, const struct mn *a, const struct mn *c) {
  return d->mc && a && c && !memcmp(a->shallow, c->shallow, MN_DIGEST);
}

/* ---- metrics ------------------------------------------------------------------------------ */

static int find_metric(const struct image *img, const char *name) {
  for (uint32_t r = 0; r < img->nmetrics; r++)
    if (!strcmp(S(img, img->metrics[r].name), name)) return (int)r;
  return -1;
}

/* A metric's type, whole, in d's arena, as type_text. */
static const char *metric_type(struct rd *d, const struct image *img, const struct img_metric *m) {
  const char *t = arena_printf(&d->ar, "%s%s", m->kind == TY_ENUM ? S(img, img->enums[m->ref].name) : ty_kind_name(m->kind),
                               m->opt ? "?" : "");
  if (!t) d->oom = true;
  return t ? t : "";
}

/* Metrics (and item metrics that have a register of their own) by name.
 * A definition counts as changed when what it computes itself changed
 * (the shallow digest): a change only through another metric is told
 * with that metric. */
static void diff_metrics(struct rd *d, bool items) {
  const struct image *A = d->A, *B = d->B;
  struct buf aff = {.hook = &d->alloc};
  for (int pass = 0; pass < 2; pass++) {
    const struct image *X = pass ? B : A, *Y = pass ? A : B;
    for (uint32_t r = 0; r < X->nmetrics; r++) {
      if (mn_is_record_metric(X, r) == items) continue;
      const struct img_metric *mx = &X->metrics[r];
      const char *name = S(X, mx->name);
      int k = find_metric(Y, name);
      if (k < 0) {
        if (items) continue; /* an item metric has a register only where a loop computes it once per item */
        const char *what = arena_printf(&d->ar, "%s = %s", name, S(X, mx->def)); /* whole: a definition is a value */
        if (!what) d->oom = true;
        change(d, pass ? "metric-added" : "metric-removed", "", WHAT(pass ? N_("new metric:") : N_("metric removed:")),
               pass ? NULL : what, pass ? what : NULL, NULL);
        continue;
      }
      if (pass) continue;
      const struct img_metric *my = &Y->metrics[k];
      if (!items && strcmp(S(X, mx->label), S(Y, my->label)) != 0) {
        change(d, "label", "", WHAT(N_("label of metric %s:"), name), or_none(d, S(X, mx->label)), or_none(d, S(Y, my->label)),
               NULL);
      }
      const char *ta = metric_type(d, X, mx), *tb = metric_type(d, Y, my);
      const struct mn *va = d->ma->reg[r], *vb = d->mb->reg[k];
      bool type_changed = strcmp(ta, tb) != 0, def_changed = memcmp(va->shallow, vb->shallow, MN_DIGEST) != 0;
      if (d->mc && same_but_consts(d, va, d->mc->reg[k])) def_changed = false; /* said with the consts */
      if (!type_changed && !def_changed) continue;
      struct subject s = {0};
      s.metric = name;
      affects_of(d, false, s, name, &aff);
      struct what w = WHAT(items ? N_("item metric %s:") : N_("metric %s:"), name);
      if (type_changed) {
        change(d, "metric-type", "", WHAT(items ? N_("item metric %s: type") : N_("metric %s: type"), name), ta, tb,
               def_changed ? NULL : (char *)aff.p);
        if (!def_changed) continue;
      }
      const char *fa = S(X, mx->def), *fb = S(Y, my->def);
      char *xa = NULL, *xb = NULL;
      if (!strcmp(fa, fb)) { /* the same words, compiled to something else: say what */
        fa = xa = meaning_text(d, d->ma, va);
        fb = xb = meaning_text(d, d->mb, vb);
        w = WHAT(items ? N_("item metric %s (same definition; what it reads changed):")
                       : N_("metric %s (same definition; what it reads changed):"),
                 name);
        /* an enum or field above says it; and an item metric whose words
         * are the same reads what a field, another metric or the fiscal
         * year gives it: those are said where they change */
        if (!strcmp(fa, fb) && (d->schema_changed || d->fiscal_changed)) fa = fb = NULL;
      }
      if (fa) change(d, items ? "item-metric-definition" : "metric-definition", "", w, fa, fb, (char *)aff.p);
    }
  }
  buf_free(&aff);
}

/* ---- tiers ---------------------------------------------------------------------------------- */

/* The subject of a threshold requirement (its metric or field), or NULL. */
static const char *req_subject(const struct image *img, const struct img_req *q) {
  if (q->metric >= 0) return S(img, img->metrics[q->metric].name);
  if (q->field >= 0) return S(img, img->fields[img_top_field(img, (uint32_t)q->field)].name);
  return NULL;
}

/* A requirement that compares a computed value (a formula call, an
 * aggregate: its xvalue) with a number written in it, `pcs(a, s) >= 70`,
 * or a metric, field or computed value with an expression (its xthreshold,
 * `m >= 2 + 3`, as an argument may make it): the value's text, and in *k
 * the threshold as written (the number past "VALUE CMP ", or the
 * expression's text); NULL for any other. */
static const char *computed_subject(const struct image *img, const struct img_req *q, const char **k) {
  if (q->metric >= 0 || q->field >= 0 || q->xvalue == NO_STR) return NULL;
  if (q->xthreshold != NO_STR) {
    *k = S(img, q->xthreshold);
    return S(img, q->xvalue);
  }
  const char *v = S(img, q->xvalue), *r = S(img, q->rule), *c = cmp_text(q->xcmp);
  size_t nv = strlen(v), nc = strlen(c);
  if (strncmp(r, v, nv) != 0 || r[nv] != ' ' || strncmp(r + nv + 1, c, nc) != 0 || r[nv + 1 + nc] != ' ') return NULL;
  const char *t = r + nv + nc + 2;
  struct num x;
  if (!*t || num_parse(t, strlen(t), &x) != NUM_OK) return NULL;
  *k = t;
  return v;
}

/* What a threshold compares, and how: a metric's or field's name (cmp) or
 * a computed value's text (xcmp); NULL when it is neither. */
static const char *threshold_subject(const struct image *img, const struct img_req *q, int *cmp) {
  const char *k, *s = req_subject(img, q);
  *cmp = q->cmp;
  if (!s && (s = computed_subject(img, q, &k)) != NULL) *cmp = q->xcmp;
  return s;
}

/* q's threshold as the rules write it, whole (compared whole: a copy cut
 * at 176 bytes called a change past the cut the same text): the image's
 * own text for a computed threshold, a text, an enum's value or a tier,
 * else in d's arena; NULL when out of memory (d->oom). */
static const char *const_text(struct rd *d, const struct image *img, const struct img_req *q) {
  const char *k;
  if (q->metric < 0 && q->field < 0) return computed_subject(img, q, &k) ? k : "?";
  uint16_t ref = q->metric >= 0 ? img->metrics[q->metric].ref : img->fields[img_top_field(img, (uint32_t)q->field)].ref;
  const struct img_const *c = &img->consts[q->konst];
  int64_t v = c->v;
  if (c->kind == TY_TEXT && v >= 0 && (uint64_t)v < img->nstrs) return img_str(img, (uint32_t)v);
  if (c->kind == TY_ENUM && ref < img->nenums && v >= 0 && (uint64_t)v < img->enums[ref].nvals)
    return img_str(img, img->enums[ref].vals[v]);
  if (c->kind == TY_TIER && v >= 0 && (uint64_t)v < img->ntiers) return img_str(img, img->tiers[v].name);
  char out[NUM_TEXT + 64]; /* a number, money, a date, a bool, none: short */
  const char *t = arena_printf(&d->ar, "%s", img_const_text(img, c, ref, out, sizeof out));
  if (!t) d->oom = true;
  return t;
}

/* The label a requirement shows, when it is its own (not its metric's). */
static const char *own_label(const struct image *img, const struct img_req *q) {
  if (q->metric >= 0 && q->label == img->metrics[q->metric].label) return "";
  return S(img, q->label);
}

struct pair_ctx { struct rd *d; const char *where; uint32_t qa0, na, qb0, nb; bool *ta, *tb; };

/* Where a change to requirement q of img is said: its tier or badge (p's
 * where) and the place in the source the change is written, from the
 * debug section, "consulting Select (rules.tier:12:20)": for a threshold
 * (threshold) the place its value is written (tfile, tline, tcol: the
 * requirement's own number, or the argument that stands for a block's
 * parameter), else, and for a threshold written in no one place, the
 * requirement's expression (file, line, col).  A stripped ruleset has no
 * places: the tier or badge alone.  In d's arena, whole (no cut). */
static const char *req_where(struct pair_ctx *p, const struct image *img, uint32_t q, bool threshold) {
  const struct img_req *r = &img->reqs[q];
  uint32_t file = r->file, line = r->line, col = r->col;
  if (threshold && r->tline) file = r->tfile, line = r->tline, col = r->tcol;
  if (!img->has_debug || !line) return p->where;
  const char *w = arena_printf(&p->d->ar, "%s (%s:%u:%u)", p->where, S(img, file), line, col);
  if (!w) p->d->oom = true;
  return w ? w : p->where;
}

/* Section and label of a pair of requirements that mean the same. */
static void diff_req_words(struct pair_ctx *p, uint32_t qa, uint32_t qb) {
  struct rd *d = p->d;
  const struct img_req *ra = &d->A->reqs[qa], *rb = &d->B->reqs[qb];
  if (strcmp(own_label(d->A, ra), own_label(d->B, rb)) != 0) {
    change(d, "label", req_where(p, d->B, qb, false), WHAT(N_("label of %s:"), S(d->B, rb->rule)),
           or_none(d, own_label(d->A, ra)), or_none(d, own_label(d->B, rb)), NULL);
  }
  if (strcmp(S(d->A, ra->section), S(d->B, rb->section)) != 0) {
    change(d, "section", req_where(p, d->B, qb, false), WHAT(N_("section of %s:"), S(d->B, rb->rule)),
           or_none(d, S(d->A, ra->section)), or_none(d, S(d->B, rb->section)), NULL);
  }
}

static bool same_meaning(struct rd *d, uint32_t qa, uint32_t qb) {
  return !memcmp(d->ma->req[qa]->shallow, d->mb->req[qb]->shallow, MN_DIGEST);
}
static bool same_but_const_values(struct rd *d, uint32_t qa, uint32_t qb) {
  return d->mc && same_but_consts(d, d->ma->req[qa], d->mc->req[qb]);
}
/* Unchanged: the same meaning, label and section. */
static bool unchanged_req(struct rd *d, uint32_t qa, uint32_t qb) {
  const struct img_req *ra = &d->A->reqs[qa], *rb = &d->B->reqs[qb];
  return same_meaning(d, qa, qb) && !strcmp(own_label(d->A, ra), own_label(d->B, rb)) &&
         !strcmp(S(d->A, ra->section), S(d->B, rb->section));
}
static bool same_threshold_subject(struct rd *d, uint32_t qa, uint32_t qb) {
  int ca, cb;
  const char *sa = threshold_subject(d->A, &d->A->reqs[qa], &ca), *sb = threshold_subject(d->B, &d->B->reqs[qb], &cb);
  return sa && sb && !strcmp(sa, sb) && ca == cb &&
      (req_subject(d->A, &d->A->reqs[qa]) != NULL) == (req_subject(d->B, &d->B->reqs[qb]) != NULL);
}
static bool same_subject(struct rd *d, uint32_t qa, uint32_t qb) {
  const char *sa = req_subject(d->A, &d->A->reqs[qa]), *sb = req_subject(d->B, &d->B->reqs[qb]);
  return sa && sb && !strcmp(sa, sb);
}
/* Both period tests of the same date in a period of the same date: only P
 * differs (or the words). */
static bool same_period_dates(struct rd *d, uint32_t qa, uint32_t qb) {
  const struct mn *a = mn_period_test(d->ma, qa), *b = mn_period_test(d->mb, qb);
  return a && b && !memcmp(a->a[0]->shallow, b->a[0]->shallow, MN_DIGEST) &&
         !memcmp(a->a[1]->shallow, b->a[1]->shallow, MN_DIGEST);
}
static bool same_text(struct rd *d, uint32_t qa, uint32_t qb) {
  return !strcmp(S(d->A, d->A->reqs[qa].rule), S(d->B, d->B->reqs[qb].rule));
}

/* The same words and the same meaning or, a const's value aside, the same
 * meaning: paired first, so that a requirement that comes to mean what
 * another of its block means (`seats >= k2` with k2 moved from 2 to 3, beside
 * `seats >= 3`) is paired with itself, not taken for the other. */
static bool unchanged_and_written_alike(struct rd *d, uint32_t qa, uint32_t qb) {
  return unchanged_req(d, qa, qb) && same_text(d, qa, qb);
}
static bool same_text_but_const_values(struct rd *d, uint32_t qa, uint32_t qb) {
  return same_text(d, qa, qb) && same_but_const_values(d, qa, qb);
}

static void report_same_text(struct pair_ctx *p, uint32_t qa, uint32_t qb);

/* Keep a threshold change of a copy of a requirement (report_threshold)
 * for say_held. */
static void hold_threshold(struct rd *d, const char *tier, const char *where, const char *subject, int cmp, const char *from,
                           const char *to, const struct img_req *rb) {
  if (d->nheld == d->capheld) {
    uint32_t ncap = d->capheld ? 2 * d->capheld : 16;
    struct held *h = arena_alloc(&d->ar, sizeof *h * ncap);
    if (!h) {
      d->oom = true;
      return;
    }
    if (d->nheld) memcpy(h, d->held, sizeof *h * d->nheld);
    d->held = h;
    d->capheld = ncap;
  }
  struct held *h = &d->held[d->nheld];
  h->tier = arena_printf(&d->ar, "%s", tier);
  h->where = arena_printf(&d->ar, "%s", where);
  h->subject = arena_printf(&d->ar, "%s", subject);
  h->from = arena_printf(&d->ar, "%s", from);
  h->to = arena_printf(&d->ar, "%s", to);
  h->cmp = cmp;
  h->at = (struct place){rb->tfile, rb->tline, rb->tcol, 0};
  if (!h->tier || !h->where || !h->subject || !h->from || !h->to) {
    d->oom = true;
    return;
  }
  d->nheld++;
}

/* "certified_people >= 2 -> 4" */
static void report_threshold(struct pair_ctx *p, uint32_t qa, uint32_t qb) {
  struct rd *d = p->d;
  const struct img_req *ra = &d->A->reqs[qa], *rb = &d->B->reqs[qb];
  const char *va = const_text(d, d->A, ra), *vb = const_text(d, d->B, rb);
  if (!va || !vb) return;
  int cmp;
  const char *subject = threshold_subject(d->B, rb, &cmp);
  struct what w = WHAT("%s %s", subject, cmp_text(cmp)); /* no words: "certified_people >=" */
  if (strcmp(va, vb) != 0 && d->copies && d->copies[qb] > 1) {
    hold_threshold(d, p->where, req_where(p, d->B, qb, true), subject, cmp, va, vb, rb);
    diff_req_words(p, qa, qb);
  } else if (strcmp(va, vb) != 0) {
    change(d, "threshold", req_where(p, d->B, qb, true), w, va, vb, NULL);
    diff_req_words(p, qa, qb);
  } else if (!same_meaning(d, qa, qb)) {
    report_same_text(p, qa, qb); /* the same threshold, read differently */
  } else {
    diff_req_words(p, qa, qb);
  }
}

/* "certified_people >= 4 is now certified_people > 4" */
static void report_comparison(struct pair_ctx *p, uint32_t qa, uint32_t qb) {
  struct rd *d = p->d;
  change(d, "comparison", req_where(p, d->B, qb, false), WHAT(N_("requirement")), S(d->A, d->A->reqs[qa].rule),
         S(d->B, d->B->reqs[qb].rule), NULL);
  diff_req_words(p, qa, qb);
}

/* "period of last_audit in fiscal year of asof: fiscal year from April ->
 * previous fiscal year from April" */
static void report_period(struct pair_ctx *p, uint32_t qa, uint32_t qb) {
  struct rd *d = p->d;
  struct period pa, pb;
  char ta[64], tb[64];
  per_decode((uint32_t)mn_period_test(d->ma, qa)->x, &pa);
  per_decode((uint32_t)mn_period_test(d->mb, qb)->x, &pb);
  if (memcmp(&pa, &pb, sizeof pa) != 0) {
    (d->people ? per_words : per_text)(pa, ta, sizeof ta);
    (d->people ? per_words : per_text)(pb, tb, sizeof tb);
    change(d, "period", req_where(p, d->B, qb, false), WHAT(N_("period of %s:"), S(d->A, d->A->reqs[qa].rule)), ta, tb, NULL);
  }
  diff_req_words(p, qa, qb);
}

/* The same words, compiled to something else (an enum's order, a field's
 * type, an item metric without a register of its own): say it as compiled. */
static void report_same_text(struct pair_ctx *p, uint32_t qa, uint32_t qb) {
  struct rd *d = p->d;
  char *xa = meaning_text(d, d->ma, d->ma->req[qa]), *xb = meaning_text(d, d->mb, d->mb->req[qb]);
  bool said = !strcmp(xa, xb) && d->schema_changed; /* an enum's order or a field's type, said above */
  if (!strcmp(xa, xb)) {
    xa = xb = NULL;
  }
  struct what w = WHAT(xa ? N_("%s (same text; what it reads changed):") : N_("%s (same text; what it reads changed)"),
                       S(d->B, d->B->reqs[qb].rule));
  if (!said) change(d, "requirement-meaning", req_where(p, d->B, qb, false), w, xa, xb, NULL);
  diff_req_words(p, qa, qb);
}

/* What a pairing pass compares, hashed (pair_key): equal whenever the
 * pass's `same` holds, so that each requirement of A is looked up among
 * those of B with its key, and a pass costs about the requirements' number,
 * not its square.  Each pass's key holds exactly when its `same` does
 * (hash collisions aside): a key weaker than its test would leave a chain
 * of B's requirements with the key but not the test, walked past by every
 * requirement of A with that key, paired heads being all that a walk drops. */
enum pair_key {
  K_WRITTEN,
  K_UNCHANGED,
  K_TEXT,
  K_TEXT_BUT_CONSTS,
  K_MEANING,
  K_BUT_CONSTS,
  K_THRESHOLD_SUBJECT,
  K_SUBJECT,
  K_PERIOD
};

_Thread_local uint64_t rule_diff_pair_steps;

static uint64_t mix(const struct rd *d, uint64_t h, const void *p, size_t n) {
  return (h ^ hash_bytes(&d->hkey, p, n)) * 0x9E3779B97F4A7C15ull + 1;
}
static uint64_t mix_str(const struct rd *d, uint64_t h, const char *s) { return mix(d, h, s, strlen(s) + 1); }

/* Requirement q of side b (A when false)'s key of kind k in *h: false when
 * it has none (it pairs with nothing in that pass). */
static bool pair_key(const struct rd *d, enum pair_key k, bool b, uint32_t q, uint64_t *h) {
  const struct image *img = b ? d->B : d->A;
  const struct meaning *m = b ? d->mb : d->ma;
  const struct img_req *r = &img->reqs[q];
  bool consts = k == K_BUT_CONSTS || k == K_TEXT_BUT_CONSTS; /* B's side read with A's const values */
  const struct mn *dig = consts && b ? (d->mc ? d->mc->req[q] : NULL) : m->req[q];
  *h = 0;
  if (k == K_TEXT || k == K_WRITTEN || k == K_TEXT_BUT_CONSTS) *h = mix_str(d, *h, S(img, r->rule));
  if (k == K_UNCHANGED || k == K_WRITTEN) *h = mix_str(d, mix_str(d, *h, own_label(img, r)), S(img, r->section));
  if (k == K_TEXT) return true;
  if (k == K_WRITTEN || k == K_UNCHANGED || k == K_MEANING || consts) {
    if (!dig || (consts && !d->mc)) return false;
    *h = mix(d, *h, dig->shallow, MN_DIGEST);
    return true;
  }
  if (k == K_THRESHOLD_SUBJECT) {
    int cmp;
    const char *s = threshold_subject(img, r, &cmp);
    uint8_t c = (uint8_t)cmp;
    *h = mix(d, *h, &c, 1);
    if (s) *h = mix_str(d, *h, s);
    return s != NULL;
  }
  if (k == K_SUBJECT) {
    const char *s = req_subject(img, r);
    if (s) *h = mix_str(d, *h, s);
    return s != NULL;
  }
  const struct mn *t = mn_period_test(m, q); /* K_PERIOD */
  if (!t) return false;
  *h = mix(d, mix(d, *h, t->a[0]->shallow, MN_DIGEST), t->a[1]->shallow, MN_DIGEST);
  return true;
}

/* Pair the requirements left on both sides for which `same` holds, and
 * report each pair with `report`: each requirement of A, in order, with
 * the first of B left that has its key (key) and for which `same` holds.
 * B's requirements left are chained by key, in order; a chain's paired
 * ones are dropped from its head as it is walked. */
static void pair_reqs(struct pair_ctx *p, enum pair_key key, bool (*same)(struct rd *, uint32_t, uint32_t),
                      void (*report)(struct pair_ctx *, uint32_t, uint32_t)) {
  struct rd *d = p->d;
  uint32_t nbuckets = 1;
  while (nbuckets < 2 * p->nb) nbuckets *= 2;
  uint32_t *head = arena_alloc(&d->ar, sizeof *head * nbuckets), *next = arena_alloc(&d->ar, sizeof *next * (p->nb + 1));
  uint64_t *hb = arena_alloc(&d->ar, sizeof *hb * (p->nb + 1));
  if (!head || !next || !hb) {
    d->oom = true;
    return;
  }
  for (uint32_t s = 0; s < nbuckets; s++) head[s] = UINT32_MAX;
  for (uint32_t j = p->nb; j-- > 0;) { /* pushed last first: each chain in order */
    if (p->tb[j] || !pair_key(d, key, true, p->qb0 + j, &hb[j])) continue;
    uint32_t s = (uint32_t)hb[j] & (nbuckets - 1);
    next[j] = head[s];
    head[s] = j;
  }
  for (uint32_t i = 0; i < p->na; i++) {
    uint64_t h;
    if (p->ta[i] || !pair_key(d, key, false, p->qa0 + i, &h)) continue;
    uint32_t *at = &head[(uint32_t)h & (nbuckets - 1)];
    while (*at != UINT32_MAX && p->tb[*at]) *at = next[*at]; /* paired: dropped */
    for (uint32_t j = *at; j != UINT32_MAX; j = next[j]) {
      rule_diff_pair_steps++;
      if (p->tb[j] || hb[j] != h || !same(d, p->qa0 + i, p->qb0 + j)) continue;
      p->ta[i] = p->tb[j] = true;
      if (report) report(p, p->qa0 + i, p->qb0 + j);
      break;
    }
  }
}

/* Blocks ta of A and tb of B (tiers, then badges: img_block). */
static void diff_requirements(struct rd *d, uint32_t ta, uint32_t tb, const char *where) {
  const struct img_tier *TA = img_block(d->A, ta), *TB = img_block(d->B, tb);
  bool *ua = arena_alloc(&d->ar, TA->nreq + 1), *ub = arena_alloc(&d->ar, TB->nreq + 1);
  if (!ua || !ub) {
    change(d, "error", where, WHAT(N_("out of memory comparing the requirements")), NULL, NULL, NULL);
    return;
  }
  struct pair_ctx p = {d, where, TA->first_req, TA->nreq, TB->first_req, TB->nreq, ua, ub};
  pair_reqs(&p, K_WRITTEN, unchanged_and_written_alike, NULL);                  /* unchanged, written alike */
  pair_reqs(&p, K_TEXT_BUT_CONSTS, same_text_but_const_values, diff_req_words); /* a const changed: said once, above */
  pair_reqs(&p, K_UNCHANGED, unchanged_req, NULL);                              /* unchanged */
  pair_reqs(&p, K_MEANING, same_meaning, diff_req_words);                       /* only a label or section changed */
  pair_reqs(&p, K_BUT_CONSTS, same_but_const_values, diff_req_words);           /* a const changed: said once, above */
  pair_reqs(&p, K_THRESHOLD_SUBJECT, same_threshold_subject, report_threshold);
  pair_reqs(&p, K_SUBJECT, same_subject, report_comparison);
  pair_reqs(&p, K_TEXT, same_text, report_same_text);
  pair_reqs(&p, K_PERIOD, same_period_dates, report_period);
  for (uint32_t i = 0; i < TA->nreq; i++) /* at its place in the old rules */
    if (!ua[i])
      change(d, "requirement-removed", req_where(&p, d->A, TA->first_req + i, false), WHAT(N_("requirement removed:")),
             S(d->A, d->A->reqs[TA->first_req + i].rule), NULL, NULL);
  for (uint32_t j = 0; j < TB->nreq; j++)
    if (!ub[j])
      change(d, "requirement-added", req_where(&p, d->B, TB->first_req + j, false), WHAT(N_("new requirement:")), NULL,
             S(d->B, d->B->reqs[TB->first_req + j].rule), NULL);
}

static bool has_groups(const struct image *img, uint32_t first, uint32_t count) {
  for (uint32_t k = first; k < first + count; k++)
    if (img->items[k].kind != IT_LEAF) return true;
  return false;
}

/* The groups of items first .. + count of img as a line says them, into
 * b: "at least 2 of 3", "either \"nights\" or branch 2", the groups inside
 * a branch or an at least in braces after it, ", " between groups; a
 * label quoted as the rules write it (\" \\ \n \t), so that no label ends
 * the quote or the line. */
static void group_shape(const struct rd *d, const struct image *img, uint32_t first, uint32_t count, struct buf *b) {
  bool any = false;
  for (uint32_t k = first; k < first + count; k++) {
    const struct img_item *it = &img->items[k];
    if (it->kind == IT_LEAF) continue;
    buf_printf(b, "%s", any ? ", " : "");
    any = true;
    if (it->kind == IT_ATLEAST) buf_printf(b, "at least %u of %u", it->n, it->count);
    else buf_printf(b, "either ");
    for (uint32_t j = it->first; it->kind == IT_EITHER && j < it->first + it->count; j++) {
      const struct img_item *br = &img->items[j];
      buf_printf(b, "%s", j > it->first ? " or " : "");
      if (br->label != NO_STR) out_json_str(b, S(img, br->label), strlen(S(img, br->label))); /* as written: \" \\ \n \t */
      else buf_printf(b, tr(d, N_("branch %d")), (int)(j - it->first + 1));
      if (has_groups(img, br->first, br->count)) {
        buf_printf(b, " { ");
        group_shape(d, img, br->first, br->count, b);
        buf_printf(b, " }");
      }
    }
    if (it->kind == IT_ATLEAST && has_groups(img, it->first, it->count)) {
      buf_printf(b, " { ");
      group_shape(d, img, it->first, it->count, b);
      buf_printf(b, " }");
    }
  }
}

/* Block b's groups as group_shape says them, "(no group)" for none, in
 * the rd's arena. */
static const char *block_shape(struct rd *d, const struct image *img, uint32_t blk) {
  const struct img_tier *T = img_block(img, blk);
  struct buf b = {.hook = d->ar.hook};
  if (!has_groups(img, T->first_item, T->nitems)) buf_printf(&b, "%s", tr(d, N_("(no group)")));
  else group_shape(d, img, T->first_item, T->nitems, &b);
  buf_u8(&b, 0);
  const char *s = b.failed ? "" : arena_printf(&d->ar, "%s", (const char *)b.p);
  buf_free(&b);
  return s ? s : "";
}

/* A block whose items mean something else while no requirement of it was
 * said to change (said: the count of changes before its requirements), and,
 * after an enum's or a field's change (said with what it changes), whose
 * words stand in other groups too:
 * its groups before and after (either, at least N of, a branch's name),
 * or, when those are alike, that its requirements stand in other groups. */
static void diff_grouping(struct rd *d, uint32_t ba, uint32_t bb, const char *where, int said) {
  uint8_t da[MN_DIGEST], db[MN_DIGEST];
  mn_block_digest(d->ma, ba, false, da);
  mn_block_digest(d->mc ? d->mc : d->mb, bb, false, db); /* a const's value is said with the consts */
  if (d->n + (int)d->nheld != said || memcmp(da, db, MN_DIGEST) == 0) return;
  if (d->schema_changed) { /* said above, with the requirements it changes: the words' groups may be the same */
    mn_block_digest(d->ma, ba, true, da);
    mn_block_digest(d->mb, bb, true, db);
    if (memcmp(da, db, MN_DIGEST) == 0) return;
  }
  const char *sa = block_shape(d, d->A, ba), *sb = block_shape(d, d->B, bb);
  if (strcmp(sa, sb) != 0) change(d, "grouping", where, WHAT(N_("its requirements are grouped otherwise:")), sa, sb, NULL);
  else change(d, "grouping", where, WHAT(N_("its requirements stand in other groups of the same shape:")), NULL, sb, NULL);
}

/* The tiers of partner type p (by name) of img, in ladder order. */
static int type_tiers(const struct image *img, const char *type, uint32_t *idx, const char **names) {
  int n = 0;
  if (img->partner_field < 0) return 0;
  for (uint32_t t = 0; t < img->ntiers; t++)
    if (!strcmp(ptype_name(img, img->tiers[t].ptype), type)) {
      idx[n] = t;
      names[n++] = S(img, img->tiers[t].name);
    }
  return n;
}

static void order_text(const char **names, int n, struct buf *b) {
  b->n = 0;
  for (int k = 0; k < n; k++) buf_printf(b, "%s%s", k ? " < " : "", names[k]);
  buf_u8(b, 0);
}

/* One partner type's ladders: tiers removed, new, renamed, reordered; then
 * each pair of tiers that correspond. */
static void diff_ladder(struct rd *d, const char *type) {
  tier_ladder l;
  memset(&l, 0, sizeof l);
  uint32_t *ia = arena_alloc(&d->ar, sizeof *ia * (d->A->ntiers + 1)), *ib = arena_alloc(&d->ar, sizeof *ib * (d->B->ntiers + 1));
  l.old_names = arena_alloc(&d->ar, sizeof *l.old_names * (d->A->ntiers + 1));
  l.new_names = arena_alloc(&d->ar, sizeof *l.new_names * (d->B->ntiers + 1));
  int *kept = arena_alloc(&d->ar, sizeof *kept * (d->A->ntiers + 1));
  tier_options lopt = {.alloc = rd_alloc, .alloc_ud = d};
  l.opt = &lopt;
  if (!ia || !ib || !l.old_names || !l.new_names || !kept) goto oom;
  l.nold = type_tiers(d->A, type, ia, l.old_names);
  l.nnew = type_tiers(d->B, type, ib, l.new_names);
  if (tier_ladder_match(&l) != 0) goto oom;
  char where[300];
  struct buf ta = {.hook = &d->alloc}, tb = {.hook = &d->alloc};
  for (int i = 0; i < l.nold; i++)
    if (l.old_to_new[i] < 0) {
      text_printf(where, sizeof where, "%s %s", type, l.old_names[i]);
      change(d, "tier-removed", where, WHAT(N_("tier removed (its partners hold the highest tier below it that they meet)")),
             NULL, NULL, NULL);
    }
  for (int j = 0; j < l.nnew; j++) {
    text_printf(where, sizeof where, "%s %s", type, l.new_names[j]);
    if (l.new_to_old[j] < 0) {
      change(d, "tier-added", where, j ? WHAT(N_("new tier above %s"), l.new_names[j - 1]) : WHAT(N_("new tier at the bottom")),
             NULL, NULL, NULL);
    } else if (strcmp(l.old_names[l.new_to_old[j]], l.new_names[j]) != 0) {
      change(d, "tier-renamed", where, WHAT(N_("renamed from")), l.old_names[l.new_to_old[j]], NULL, NULL);
    }
  }
  /* the kept tiers in a new order: tiers rank as written */
  int nk = 0;
  bool reordered = false;
  for (int j = 0; j < l.nnew; j++)
    if (l.new_to_old[j] >= 0) {
      if (nk && kept[nk - 1] > l.new_to_old[j]) reordered = true;
      kept[nk++] = l.new_to_old[j];
    }
  if (reordered) { /* the same tiers, in the old order and in the new */
    const char **was = arena_alloc(&d->ar, sizeof *was * (size_t)(nk + 1)), **now = arena_alloc(&d->ar, sizeof *now * (size_t)(nk + 1));
    if (was && now) {
      int k = 0;
      for (int i = 0; i < l.nold; i++)
        if (l.old_to_new[i] >= 0) was[k++] = l.old_names[i];
      k = 0;
      for (int j = 0; j < l.nnew; j++)
        if (l.new_to_old[j] >= 0) now[k++] = l.new_names[j];
      order_text(was, nk, &ta);
      order_text(now, nk, &tb);
      change(d, "tier-order", type, WHAT(N_("tiers in a new order (they rank as written, lowest first)")), (char *)ta.p,
             (char *)tb.p, NULL);
    }
  }
  for (int j = 0; j < l.nnew; j++) {
    int i = l.new_to_old[j];
    if (i < 0) continue;
    const struct img_tier *TA = &d->A->tiers[ia[i]], *TB = &d->B->tiers[ib[j]];
    text_printf(where, sizeof where, "%s %s", type, l.new_names[j]);
    diff_display(d, "tier-display", where, S(d->A, TA->display), S(d->B, TB->display));
    diff_time(d, TA, TB, where);
    int said = d->n + (int)d->nheld; /* (a held change is one said) */
    diff_requirements(d, ia[i], ib[j], where);
    diff_grouping(d, ia[i], ib[j], where, said);
  }
  buf_free(&ta);
  buf_free(&tb);
  goto out;
oom:
  change(d, "error", type, WHAT(N_("out of memory comparing the tiers")), NULL, NULL, NULL);
out:
  tier_ladder_free(&l);
}

/* Every partner type of either ruleset (a type only one has: its tiers are
 * all new, or all removed). */
static void diff_tiers(struct rd *d) {
  const struct image *A = d->A, *B = d->B;
  if (B->partner_field >= 0) {
    const struct img_enum *eb = &B->enums[B->fields[B->partner_field].ref];
    for (uint32_t p = 0; p < eb->nvals; p++) diff_ladder(d, S(B, eb->vals[p]));
  }
  if (A->partner_field >= 0) {
    const struct img_enum *ea = &A->enums[A->fields[A->partner_field].ref];
    for (uint32_t p = 0; p < ea->nvals; p++) {
      const char *type = S(A, ea->vals[p]);
      bool in_b = false;
      if (B->partner_field >= 0) {
        const struct img_enum *eb = &B->enums[B->fields[B->partner_field].ref];
        for (uint32_t q = 0; q < eb->nvals && !in_b; q++) in_b = !strcmp(S(B, eb->vals[q]), type);
      }
      if (!in_b) diff_ladder(d, type);
    }
  }
}

/* Badges, matched by name: removed, new, and for each kept badge its
 * display name, time clause and requirements, as a tier's. */
static void diff_badges(struct rd *d) {
  char where[300];
  for (uint32_t i = 0; i < d->A->nbadges; i++) {
    const char *name = S(d->A, d->A->badges[i].name);
    uint32_t j = 0;
    while (j < d->B->nbadges && strcmp(S(d->B, d->B->badges[j].name), name) != 0) j++;
    text_printf(where, sizeof where, tr(d, N_("badge %s")), name);
    if (j == d->B->nbadges) {
      change(d, "badge-removed", where, WHAT(N_("badge removed")), NULL, NULL, NULL);
      continue;
    }
    const struct img_tier *BA = &d->A->badges[i], *BB = &d->B->badges[j];
    diff_display(d, "badge-display", where, S(d->A, BA->display), S(d->B, BB->display));
    diff_time(d, BA, BB, where);
    int said = d->n + (int)d->nheld; /* (a held change is one said) */
    diff_requirements(d, d->A->ntiers + i, d->B->ntiers + j, where);
    diff_grouping(d, d->A->ntiers + i, d->B->ntiers + j, where, said);
  }
  for (uint32_t j = 0; j < d->B->nbadges; j++) {
    const char *name = S(d->B, d->B->badges[j].name);
    uint32_t i = 0;
    while (i < d->A->nbadges && strcmp(S(d->A, d->A->badges[i].name), name) != 0) i++;
    text_printf(where, sizeof where, tr(d, N_("badge %s")), name);
    if (i == d->A->nbadges) change(d, "badge-added", where, WHAT(N_("new badge")), NULL, NULL, NULL);
  }
}

/* ---- grants ----------------------------------------------------------------------------- */

/* What grant k gives, as rules name it, after b's text: "grant consulting
 * Gold", or "grant carried" for a tier value (whole: grants are matched by
 * it). */
static void grant_where(const struct image *img, uint32_t k, struct buf *b) {
  const struct img_grant *G = &img->grants[k];
  if (G->tier == NO_STR) buf_printf(b, "grant %s", S(img, G->value));
  else buf_printf(b, "grant %s %s", ptype_name(img, img->tiers[G->tier].ptype), S(img, img->tiers[G->tier].name));
}

/* Every grant of img as grant_where names it, in d's arena; NULL when out
 * of memory. */
static const char **grant_names(struct rd *d, const struct image *img) {
  const char **names = arena_alloc(&d->ar, sizeof *names * ((size_t)img->ngrants + 1));
  struct buf b = {.hook = &d->alloc};
  for (uint32_t k = 0; names && k < img->ngrants; k++) {
    b.n = 0;
    grant_where(img, k, &b);
    names[k] = b.failed ? NULL : arena_strndup(&d->ar, (const char *)b.p, b.n);
    if (!names[k]) names = NULL;
  }
  buf_free(&b);
  if (!names) d->oom = true;
  return names;
}

/* A grant's condition as people read it: "when COND", or "always". */
static const char *grant_when(struct rd *d, const struct image *img, uint32_t k) {
  if (img->grants[k].text == NO_STR) return tr(d, N_("always"));
  const char *w = arena_printf(&d->ar, tr(d, N_("when %s")), S(img, img->grants[k].text));
  return w ? w : "...";
}

/* Do grants a of A and b of B mean the same: what they give (a tier by
 * its name and type, a value by its meaning) and their conditions?  One
 * that changed only through consts means the same here: the const's change
 * says it (diff_consts). */
static bool same_grant_condition(struct rd *d, uint32_t a, uint32_t b) {
  const struct mn *ga = d->ma->grant[a], *gb = d->mb->grant[b];
  if (!ga || !gb) return !ga && !gb;
  return !memcmp(ga->shallow, gb->shallow, MN_DIGEST) || (d->mc && same_but_consts(d, ga, d->mc->grant[b]));
}

/* Grants, matched by what they give (the first unmatched of B with the
 * same "grant ..."): removed, new, and for a kept one its condition (or,
 * for a tier value, the value's meaning with it) when its meaning
 * changed. */
static void diff_grants(struct rd *d) {
  const struct image *A = d->A, *B = d->B;
  bool *taken = arena_alloc(&d->ar, sizeof(bool) * ((size_t)B->ngrants + 1));
  const char **na = grant_names(d, A), **nb = grant_names(d, B);
  if (!taken || !na || !nb) return;
  for (uint32_t a = 0; a < A->ngrants; a++) {
    const char *wa = na[a];
    uint32_t b = 0;
    while (b < B->ngrants && (taken[b] || strcmp(nb[b], wa) != 0)) b++;
    if (b == B->ngrants) {
      change(d, "grant-removed", wa, WHAT(N_("removed; it applied")), grant_when(d, A, a), NULL, NULL);
      continue;
    }
    taken[b] = true;
    if (!same_grant_condition(d, a, b))
      change(d, "grant-condition", wa, WHAT(N_("condition")), grant_when(d, A, a), grant_when(d, B, b), NULL);
  }
  for (uint32_t b = 0; b < B->ngrants; b++)
    if (!taken[b]) change(d, "grant-added", nb[b], WHAT(N_("new, applies")), NULL, grant_when(d, B, b), NULL);
}

/* ---- the whole ------------------------------------------------------------------------------ */

/* Places in source order (file, line, col; the index not compared). */
static int place_cmp(const struct place *a, const struct place *b) {
  if (a->file != b->file) return a->file < b->file ? -1 : 1;
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  return a->col < b->col ? -1 : a->col > b->col;
}
static int by_place(const void *x, const void *y) { return place_cmp(x, y); }

/* d->copies: per requirement of B, how many requirements of B have their
 * threshold written where its threshold is (the copies of a requirement
 * written once in a requirements block and inserted several times; the
 * requirements an argument passed to a block's parameter becomes the
 * threshold of); 1 for a threshold written in no one place; none without
 * debug information. */
static void count_copies(struct rd *d) {
  const struct image *B = d->B;
  if (!B->has_debug || B->nreqs < 2) return;
  struct place *ord = arena_alloc(&d->ar, sizeof *ord * B->nreqs);
  uint32_t *n = arena_alloc(&d->ar, sizeof *n * B->nreqs);
  if (!ord || !n) {
    d->oom = true;
    return;
  }
  for (uint32_t q = 0; q < B->nreqs; q++) ord[q] = (struct place){B->reqs[q].tfile, B->reqs[q].tline, B->reqs[q].tcol, q};
  qsort(ord, B->nreqs, sizeof *ord, by_place);
  for (uint32_t i = 0, j; i < B->nreqs; i = j) {
    for (j = i + 1; j < B->nreqs && by_place(&ord[i], &ord[j]) == 0; j++) {}
    for (uint32_t k = i; k < j; k++) n[ord[k].q] = ord[k].line ? j - i : 1;
  }
  d->copies = n;
}

/* A held change with its index, to sort (by_change): the held changes of
 * one threshold's place with the same change (from, to) next to each
 * other, whatever their comparisons (one argument read by `n >= k` and
 * `n <= k` is one change), each run in the order they were held. */
struct held_at {
  const struct held *h;
  uint32_t i;
};
static int same_change(const struct held *a, const struct held *b) {
  int p = place_cmp(&a->at, &b->at);
  if (p) return p;
  int c = strcmp(a->from, b->from);
  return c ? c : strcmp(a->to, b->to);
}
static int by_change(const void *x, const void *y) {
  const struct held_at *a = x, *b = y;
  int c = same_change(a->h, b->h);
  return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* The comparisons of group ord[i..j), each once in the order first held,
 * ">=, <=", into b (NUL-terminated); whether there are several. */
static bool group_cmps(const struct held_at *ord, uint32_t i, uint32_t j, struct buf *b) {
  bool seen[CMP_GE + 1] = {false};
  int n = 0;
  for (uint32_t k = i; k < j; k++) { /* in held order: the run is (by_change) */
    int c = ord[k].h->cmp;
    if (c < 0 || c > CMP_GE || seen[c]) continue;
    seen[c] = true;
    buf_printf(b, "%s%s", n++ ? ", " : "", cmp_text(c));
  }
  buf_u8(b, 0);
  return n > 1;
}

/* One group of held changes, ord[i..j) (by_change): said as any other when
 * it is one, else once where the threshold is written (file:line:col: the
 * block's requirement, or the argument), with its comparisons and its uses
 * by tier or badge, each use with its comparison when they differ. */
static void say_group(struct rd *d, const struct held_at *ord, uint32_t i, uint32_t j) {
  const struct held *h = ord[i].h;
  if (j - i == 1) {
    change(d, "threshold", h->where, WHAT("%s %s", h->subject, cmp_text(h->cmp)), h->from, h->to, NULL);
    return;
  }
  struct buf uses = {.hook = &d->alloc}, cmps = {.hook = &d->alloc};
  bool mixed = group_cmps(ord, i, j, &cmps);
  const char *last = NULL;
  for (uint32_t k = i; k < j; k++) {
    const struct held *g = ord[k].h;
    if (last && !strcmp(last, g->tier)) buf_printf(&uses, ", %s", g->subject);
    else buf_printf(&uses, "%s%s: %s", last ? "; " : "", g->tier, g->subject);
    if (mixed) buf_printf(&uses, " %s", cmp_text(g->cmp));
    last = g->tier;
  }
  buf_u8(&uses, 0);
  if (uses.failed || cmps.failed) d->oom = true;
  char count[16];
  snprintf(count, sizeof count, "%u", j - i);
  const char *place = arena_printf(&d->ar, "%s:%u:%u", S(d->B, h->at.file), h->at.line, h->at.col);
  if (!place) d->oom = true;
  change(d, "threshold", place ? place : "",
         WHAT(N_("threshold (%s) written once for %s requirements:"), cmps.failed ? "?" : (const char *)cmps.p, count), h->from,
         h->to, uses.failed ? NULL : (const char *)uses.p);
  buf_free(&uses);
  buf_free(&cmps);
}

/* The held threshold changes (hold_threshold), each group of thresholds
 * written in one place with the same change said once: where it is written,
 * then where it is used ("this changes badge Security: pcs(security,
 * enterprise), pcs(security, smb); ..."); a change only one copy has is
 * said as any other.  The groups are found by sorting (by_change), so n
 * held changes cost n log n, and are said in the order of their first. */
static void say_held(struct rd *d) {
  uint32_t n = d->nheld;
  struct held_at *ord = arena_alloc(&d->ar, sizeof *ord * (n + 1));
  uint32_t *end = arena_alloc(&d->ar, sizeof *end * (n + 1)); /* per first of a group: its end in ord */
  uint32_t *at = arena_alloc(&d->ar, sizeof *at * (n + 1));   /* and its place in ord */
  if (!ord || !end || !at) {
    d->oom = true;
    return;
  }
  for (uint32_t i = 0; i < n; i++) ord[i] = (struct held_at){&d->held[i], i};
  qsort(ord, n, sizeof *ord, by_change);
  for (uint32_t i = 0; i < n; i++) end[i] = 0; /* 0: not the first of its group */
  for (uint32_t i = 0, j; i < n; i = j) {
    for (j = i + 1; j < n && same_change(ord[i].h, ord[j].h) == 0; j++) {}
    end[ord[i].i] = j;
    at[ord[i].i] = i;
  }
  for (uint32_t i = 0; i < n; i++)
    if (end[i]) say_group(d, ord, at[i], end[i]);
}

/* Every part compared, each change said through change(); 0, or -1 when
 * out of memory. */
static int compare(struct rd *d) {
  if (!d->ma || !d->mb) return -1;
  count_copies(d);
  read_old_consts(d);
  diff_meta(d);
  diff_enums(d);
  diff_fields(d);
  diff_consts(d);
  diff_metrics(d, true);
  diff_metrics(d, false);
  diff_tiers(d);
  diff_badges(d);
  say_held(d);
  diff_grants(d);
  /* the last word: meanings that differ are never "no change" */
  uint8_t ha[32], hb[32];
  mn_hash(d->ma, ha);
  mn_hash(d->mb, hb);
  if (memcmp(ha, hb, 32) != 0 && d->nmeant == 0)
    change(d, "other", "", WHAT(N_("the compiled rules differ in a way not named above (compare tierc disasm of both)")), NULL,
           NULL, NULL);
  return 0;
}

int rule_diff(const struct image *A, const struct image *B, const char *pa, const char *pb, bool json, struct buf *o) {
  struct rd d;
  rd_init(&d, A, B);
  d.o = o;
  d.json = json;
  d.people = !json;
  if (!d.ma || !d.mb) return rd_finish(&d, -1);
  if (json) {
    buf_put(o, "{\"old\":", 7);
    out_json_cstr(o, pa);
    buf_put(o, ",\"new\":", 7);
    out_json_cstr(o, pb);
    buf_put(o, ",\"changes\":[", 12);
  } else {
    buf_printf(o, _("Changes in meaning from %s (%s) to %s (%s):\n"), pa, *S(A, A->version) ? S(A, A->version) : _("no version"),
               pb, *S(B, B->version) ? S(B, B->version) : _("no version"));
  }
  compare(&d);
  if (json) buf_printf(o, "],\"count\":%d}\n", d.n);
  else if (d.n == 0) buf_printf(o, "%s", _("  no change in meaning\n"));
  else buf_printf(o, NG_("%d change\n", "%d changes\n", (unsigned long)d.n), d.n);
  return rd_finish(&d, o->failed ? -1 : d.n);
}

int rule_changes(const struct image *A, const struct image *B, bool people, void (*each)(void *ud, const tier_rule_change *c),
                 void *ud) {
  struct rd d;
  rd_init(&d, A, B);
  d.people = people;
  d.each = each;
  d.ud = ud;
  int rc = compare(&d);
  return rd_finish(&d, rc < 0 ? -1 : d.n);
}
