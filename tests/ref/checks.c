/*
 * checks.c - what must hold of every generated ruleset, besides the
 * evaluations: `tierc fmt` keeps the code (the bytecode of the formatted
 * source is the same, debug section and source hash aside); `tierc diff`
 * of the ruleset against itself finds no change, against a copy with
 * one threshold moved finds one, and against a copy with one const moved
 * finds exactly one, that const's (none when no code reads it); `tierc
 * disasm` prints it.
 */
#include <stdlib.h>
#include <string.h>

#include "difftest.h"
#include "fmt.h"

/* Compile text into a loaded image (NULL if it does not compile); with
 * `rules`, also its bytes without debug section and source hash. */
static tier_ruleset *load(const char *text, struct buf *rules) {
  uint8_t *bc;
  size_t n;
  tier_ruleset *rs = NULL;
  char err[256];
  if (tier_compile("gen.tier", text, strlen(text), NULL, &bc, &n, NULL) != TIER_OK) return NULL;
  if (tier_load(bc, n, NULL, &rs, err, sizeof err) != TIER_OK) rs = NULL;
  if (rs && rules && bc_rules_bytes(&rs->hook, bc, n, rules, err, sizeof err) != TIER_OK) rules->failed = true;
  tier_free_bytes(NULL, bc, n);
  return rs;
}

static int check_fmt(const char *text, char *what, size_t wn, char *key, size_t kn) {
  struct buf f = {0};
  char err[256];
  int rc = 0;
  if (fmt_source(text, strlen(text), &f, err, sizeof err) != 0) {
    snprintf(what, wn, "fmt: cannot format a ruleset that compiles: %s", err);
    snprintf(key, kn, "fmt-fails");
    buf_free(&f);
    return 1;
  }
  buf_u8(&f, 0);
  struct buf x = {0}, y = {0};
  tier_ruleset *a = load(text, &x), *b = load((const char *)f.p, &y);
  if (!b) {
    snprintf(what, wn, "fmt: the formatted ruleset does not compile:\n%s", (const char *)f.p);
    snprintf(key, kn, "fmt-compile");
    rc = 1;
  } else if (a) {
    if (x.failed || y.failed || x.n != y.n || memcmp(x.p, y.p, x.n) != 0) {
      snprintf(what, wn, "fmt: the formatted ruleset compiles to other code (%zu bytes, was %zu):\n%s", y.n, x.n,
               (const char *)f.p);
      snprintf(key, kn, "fmt-code");
      rc = 1;
    }
  }
  buf_free(&x);
  buf_free(&y);
  tier_ruleset_free(a);
  tier_ruleset_free(b);
  buf_free(&f);
  return rc;
}

/* The number of changes `tierc diff --json` reports. */
static long diff_count(const tier_ruleset *a, const tier_ruleset *b, struct buf *o) {
  rule_diff(a->img, b->img, "old.tier", "new.tier", true, o);
  buf_u8(o, 0);
  const char *c = strstr((const char *)o->p, "\"count\":");
  return c ? strtol(c + 8, NULL, 10) : -1;
}

/* The constant of the first requirement `value OP constant` whose
 * constant can be moved by one step, or NULL. */
static struct gexpr *a_threshold(struct gruleset *g) {
  for (int t = 0; t < g->ntiers; t++)
    for (int q = 0; g->tiers[t].alive && q < g->tiers[t].nreqs; q++) {
      struct greq *r = &g->tiers[t].reqs[q];
      /* `%0 >= %1` and the like, not a call of two arguments such as f(%0, %1) */
      bool compares = r->e->tmpl && r->e->tmpl[0] == '%' && strpbrk(r->e->tmpl, "<>=");
      if (!r->alive || !compares || r->e->nkid != 2 || !r->e->kid[1]->literal) continue;
      const struct gexpr *v = r->e->kid[0];
      struct gexpr *k = r->e->kid[1];
      if ((v->metric < 0 && v->field < 0) || strlen(k->text) > 15) continue;
      if (k->t.kind == TY_INT || k->t.kind == TY_NUMBER || k->t.kind == TY_DATE) return k;
    }
  return NULL;
}

/* k's text one step on: 5 -> 6, -2.50 -> -1.50, 2019-12-13 -> 2019-12-14 */
static char *moved(const struct gexpr *k) {
  char *s = malloc(strlen(k->text) + 16);
  if (!s) exit(2);
  if (k->t.kind == TY_DATE) {
    int64_t d;
    ref_date_parse(k->text, strlen(k->text), &d);
    ref_date_text(d + (d < ref_days(9999, 12, 31) ? 1 : -1), s);
    return s;
  }
  const char *dot = strchr(k->text, '.');
  long long whole = strtoll(k->text, NULL, 10);
  bool neg = k->text[0] == '-';
  sprintf(s, "%s%lld%s", neg && whole + 1 == 0 ? "-" : "", whole + 1, dot ? dot : "");
  return s;
}

/* tierc diff of c against the ruleset g prints with the literal at *slot
 * (in g's model) replaced by now, in *n changes with their JSON in *o;
 * false when that ruleset does not compile (a moved constant may leave
 * its range: nothing to check then).  *slot is as it was after. */
static bool diff_moved(struct gruleset *g, struct compiled *c, char **slot, char *now, long *n, struct buf *o) {
  char *was = *slot;
  *slot = now;
  char *text = gen_print(g);
  *slot = was;
  tier_ruleset *other = load(text, NULL);
  if (other) *n = diff_count(c->rs, other, o);
  tier_ruleset_free(other);
  free(text);
  return other != NULL;
}

static int check_diff(struct gruleset *g, struct compiled *c, char *what, size_t wn, char *key, size_t kn) {
  int rc = 0;
  struct buf o = {0};
  tier_ruleset *same = load(c->text, NULL);
  long n = same ? diff_count(c->rs, same, &o) : -1;
  if (n != 0) {
    snprintf(what, wn, "tierc diff: the ruleset against itself: %s", o.p ? (const char *)o.p : "(does not compile)");
    snprintf(key, kn, "diff-self");
    rc = 1;
  }
  tier_ruleset_free(same);
  buf_free(&o);
  struct gexpr *k = rc ? NULL : a_threshold(g);
  if (!k) return rc;
  char *now = moved(k);
  memset(&o, 0, sizeof o);
  if (diff_moved(g, c, &k->text, now, &n, &o) && n < 1) {
    snprintf(what, wn, "tierc diff: %s moved to %s, and the diff finds no change: %s", k->text, now,
             o.p ? (const char *)o.p : "");
    snprintf(key, kn, "diff-change");
    rc = 1;
  }
  buf_free(&o);
  free(now);
  return rc;
}

/* Does the compiled ruleset read const `name` (the consts table, format 9)? */
static bool reads_const(const tier_ruleset *rs, const char *name) {
  for (uint32_t i = 0; i < rs->img->nnamed; i++)
    if (!strcmp(img_str(rs->img, rs->img->named[i].name), name)) return true;
  return false;
}

/* Every change in the JSON of `tierc diff` is of kind `kind`. */
static bool all_of_kind(const char *json, const char *kind) {
  char want[64];
  snprintf(want, sizeof want, "\"kind\":\"%s\"", kind);
  for (const char *p = strstr(json, "\"kind\":"); p; p = strstr(p + 1, "\"kind\":"))
    if (strncmp(p, want, strlen(want)) != 0) return false;
  return true;
}

/* The first const of a number or date moved one step (4 -> 5): tierc diff
 * says it once, as the const's change, and nothing else (SPEC 3.5). */
static int check_const_diff(struct gruleset *g, struct compiled *c, char *what, size_t wn, char *key, size_t kn) {
  int k = 0;
  while (k < g->nconsts &&
         (strchr(g->consts[k].text, '%') || strlen(g->consts[k].text) > 15 ||
          (g->consts[k].t.kind != TY_INT && g->consts[k].t.kind != TY_NUMBER && g->consts[k].t.kind != TY_DATE)))
    k++;
  if (k == g->nconsts) return 0;
  struct gexpr lit = {.text = g->consts[k].text, .t = g->consts[k].t};
  char *now = moved(&lit);
  struct buf o = {0};
  long n = 0, want = reads_const(c->rs, g->consts[k].name) ? 1 : 0;
  int rc = 0;
  if (diff_moved(g, c, &g->consts[k].text, now, &n, &o) && (n != want || !all_of_kind((const char *)o.p, "const"))) {
    snprintf(what, wn, "tierc diff: const %s moved from %s to %s gives %ld changes, not %ld const change: %s", g->consts[k].name,
             g->consts[k].text, now, n, want, o.p ? (const char *)o.p : "");
    snprintf(key, kn, "diff-const");
    rc = 1;
  }
  buf_free(&o);
  free(now);
  return rc;
}

static int check_disasm(struct compiled *c, char *what, size_t wn, char *key, size_t kn) {
  struct buf b = {0};
  dis_image(c->rs->img, c->rs->cost_gap, "gen.tbc", &b);
  int rc = b.n == 0 || b.failed;
  if (rc) {
    snprintf(what, wn, "disasm printed nothing");
    snprintf(key, kn, "disasm");
  }
  buf_free(&b);
  return rc;
}

int dt_ruleset_checks(const struct dt_options *o, struct gruleset *g, struct compiled *c, char *what, size_t wn, char *key,
                      size_t kn) {
  (void)o;
  return check_fmt(c->text, what, wn, key, kn) || check_diff(g, c, what, wn, key, kn) ||
      check_const_diff(g, c, what, wn, key, kn) || check_disasm(c, what, wn, key, kn);
}
