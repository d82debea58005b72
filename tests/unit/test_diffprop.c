/*
 * test_diffprop.c - the property that makes `tierc diff` trustworthy: for
 * many random single edits of the shipped rules (thresholds, comparisons,
 * and/or, windows, dates, enum order, value sets, distinct counts, item
 * metrics, the review rule, deleted requirements, labels), and of rulesets
 * of tests/ref's generator with `either`, `at least`, requirements blocks
 * and badges (those edits, also inside an either branch, an at least and a
 * badge, counted; branch names, deleted badges), whenever the
 * edit changes the outcome of any partner of a generated population as
 * `tiervm diff` compares it (its tier, whether a grant gives it, its
 * badges, the paths it takes), `tierc diff` reports a change.  Edits that
 * cannot change a result (a comment, blank space) must report none and
 * keep the rules_hash.  Deterministic: fixed seeds.
 */
#include "testutil.h"

#include <ctype.h>
#include <unistd.h>

#include "../ref/gen.h"
#include "../tools/gen.h"
#include "diff.h"
#include "meaning.h"

#define EDITS 300
#define POPULATION 300
#define GEN_RULESETS 80 /* generated rulesets, */
#define GEN_EDITS 10    /* edits of each, */
#define GEN_RECORDS 100 /* and records for each */
#define KINDS 12        /* kinds of edit (edit()) */

static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = malloc((size_t)len + 1);
  if (p && fread(p, 1, (size_t)len, f) != (size_t)len) { free(p); p = NULL; }
  if (p) p[len] = 0;
  fclose(f);
  if (n) *n = (size_t)len;
  return p;
}

static void spit(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  fclose(f);
}

/* ---- the population ------------------------------------------------------------------ */

struct pop {
  char **rec;
  size_t *len;
  int64_t *asof;
  int n;
};

static void pop_alloc(struct pop *p, int n) {
  p->rec = calloc((size_t)n, sizeof *p->rec);
  p->len = calloc((size_t)n, sizeof *p->len);
  p->asof = calloc((size_t)n, sizeof *p->asof);
  assert_non_null(p->rec);
  assert_non_null(p->len);
  assert_non_null(p->asof);
  p->n = 0;
}

static void pop_add(struct pop *p, char *rec, int64_t asof) {
  p->rec[p->n] = rec;
  p->len[p->n] = strcspn(rec, "\n");
  p->asof[p->n++] = asof;
}

static void pop_free(struct pop *p) {
  for (int i = 0; i < p->n; i++) free(p->rec[i]);
  free(p->rec);
  free(p->len);
  free(p->asof);
}

static void population(struct pop *p) {
  pop_alloc(p, POPULATION + 64);
  for (int i = 0; i < POPULATION; i++) {
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    gen_profile(f, 7, i, i % 3 == 0);
    fclose(f);
    pop_add(p, buf, INT64_MIN);
  }
  /* and the hand-made partners of the examples */
  char *ex = slurp("examples/partners.jsonl", NULL);
  assert_non_null(ex);
  for (char *line = strtok(ex, "\n"); line && p->n < POPULATION + 64; line = strtok(NULL, "\n"))
    pop_add(p, strdup(line), INT64_MIN);
  free(ex);
}

/* A path a partner takes, as its outcome lists it: " BLOCK/BRANCH". */
static void path_out(void *ctx, const tier_req_result *u, bool only) {
  (void)only;
  tier_buf_printf(ctx, " %s/%s", u->badge ? u->badge : u->tier, u->rule);
}

/* Each partner's outcome as tiervm diff compares it: its tier, then after
 * a '|' whether a grant gives it, the badges it holds and the paths it
 * takes (every branch met on its way to a tier or badge held); or that it
 * is rejected. */
static void outcomes(tier_ruleset *rs, const struct pop *p, char **out) {
  tier_options every = {.all_requirements = diff_needs_all(rs, rs)};
  tier_vm *vm = tier_vm_new(rs, &every);
  tier_buf *b = tier_buf_new(NULL);
  assert_non_null(vm);
  assert_non_null(b);
  for (int i = 0; i < p->n; i++) {
    const tier_result *r = NULL;
    int rc = tier_eval_json(vm, p->rec[i], p->len[i], p->asof[i], &r);
    tier_buf_clear(b);
    if (rc != TIER_OK) tier_buf_puts(b, "(rejected)|");
    else {
      tier_buf_printf(b, "%s|%s", r->tier ? r->tier : "(none)", r->granted ? "granted" : "");
      for (size_t k = 0; k < r->nbadges; k++)
        if (r->badges[k].held) tier_buf_printf(b, " +%s", r->badges[k].name);
      diff_paths_taken(r, path_out, b);
    }
    free(out[i]);
    out[i] = strdup(tier_buf_text(b, NULL));
  }
  tier_buf_free(b);
  tier_vm_free(vm);
}

/* How many partners the edit moves to another tier (*moved), and how
 * many whose outcome changes otherwise: badges, grant, paths. */
static int changed(const struct pop *p, char **before, char **after, int *moved) {
  int n = 0;
  *moved = 0;
  for (int i = 0; i < p->n; i++) {
    if (!strcmp(before[i], after[i])) continue;
    n++;
    *moved += strcspn(before[i], "|") != strcspn(after[i], "|") || strncmp(before[i], after[i], strcspn(before[i], "|"));
  }
  return n;
}

/* ---- edits ---------------------------------------------------------------------------- */

static struct gen rng = {20191213};
static int pick(int n) { return n > 0 ? (int)(gen_u32(&rng) % (uint32_t)n) : 0; }

/* text with [at, at + len) replaced by with (malloc'd) */
static char *splice(const char *text, size_t at, size_t len, const char *with) {
  size_t n = strlen(text), w = strlen(with);
  char *r = malloc(n - len + w + 1);
  memcpy(r, text, at);
  memcpy(r + at, with, w);
  memcpy(r + at + w, text + at + len, n - at - len + 1);
  return r;
}

static bool in_comment(const char *text, size_t at) {
  size_t ls = at;
  while (ls > 0 && text[ls - 1] != '\n') ls--;
  for (size_t i = ls; i < at; i++)
    if (text[i] == '#') return true;
  return false;
}
static bool in_string(const char *text, size_t at) {
  size_t ls = at, q = 0;
  while (ls > 0 && text[ls - 1] != '\n') ls--;
  for (size_t i = ls; i < at; i++) q += text[i] == '"';
  return q % 2 == 1;
}
static bool code_at(const char *text, size_t at) { return !in_comment(text, at) && !in_string(text, at); }

/* The places where `find` says an edit of one kind can go; one of them
 * chosen at random, or -1. */
typedef size_t (*finder)(const char *text, size_t at); /* length of a site at `at`, 0 if none */

static long random_site(const char *text, finder find, size_t *len) {
  long sites[4096];
  size_t lens[4096];
  int n = 0;
  for (size_t i = 0; text[i] && n < 4096; i++) {
    size_t l = find(text, i);
    if (l && code_at(text, i)) { sites[n] = (long)i; lens[n++] = l; }
  }
  if (!n) return -1;
  int k = pick(n);
  *len = lens[k];
  return sites[k];
}

static bool word_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

static size_t f_number(const char *t, size_t i) { /* an integer that is not part of a name or a date */
  if (!isdigit((unsigned char)t[i]) || (i && (word_char(t[i - 1]) || t[i - 1] == '-' || t[i - 1] == '.'))) return 0;
  size_t e = i;
  while (isdigit((unsigned char)t[e])) e++;
  if (t[e] == '-' || t[e] == '.' || word_char(t[e])) return 0;
  return e - i;
}
static size_t f_date(const char *t, size_t i) {
  if (i && word_char(t[i - 1])) return 0;
  for (int k = 0; k < 10; k++)
    if (k == 4 || k == 7 ? t[i + k] != '-' : !isdigit((unsigned char)t[i + k])) return 0;
  return 10;
}
static size_t f_cmp(const char *t, size_t i) {
  return (t[i] == '>' || t[i] == '<' || t[i] == '=' || t[i] == '!') && t[i + 1] == '=' ? 2 : 0;
}
static size_t f_andor(const char *t, size_t i) {
  if (i && word_char(t[i - 1])) return 0;
  if (!strncmp(t + i, "and", 3) && !word_char(t[i + 3])) return 3;
  if (!strncmp(t + i, "or", 2) && !word_char(t[i + 2])) return 2;
  return 0;
}
static size_t f_isnone(const char *t, size_t i) { return !strncmp(t + i, "is none", 7) || !strncmp(t + i, "is not none", 11) ? 2 : 0; }
static size_t f_distinct(const char *t, size_t i) {
  if (strncmp(t + i, "distinct ", 9)) return 0;
  size_t e = i + 9;
  while (word_char(t[e])) e++;
  return !strncmp(t + e, " in ", 4) ? e + 4 - i : 0;
}
static size_t f_set(const char *t, size_t i) { /* `in {a, b, ...}` with two or more values */
  if (strncmp(t + i, "in {", 4)) return 0;
  size_t e = i + 4;
  while (t[e] && t[e] != '}') e++;
  return memchr(t + i, ',', e - i) ? e + 1 - i : 0;
}
static size_t f_enum(const char *t, size_t i) { /* an enum's values */
  if (strncmp(t + i, "enum ", 5) || (i && t[i - 1] != '\n')) return 0;
  size_t e = i;
  while (t[e] && t[e] != '}') e++;
  return t[e] ? e + 1 - i : 0;
}
static size_t f_requirement(const char *t, size_t i) { /* a requirement's line in a tier block */
  if (i && t[i - 1] != '\n') return 0;
  size_t e = i;
  while (t[e] == ' ') e++;
  if (e - i < 4 || !islower((unsigned char)t[e]) || !strncmp(t + e, "sustained", 9)) return 0;
  while (t[e] && t[e] != '\n') e++;
  return t[e - 1] == ';' && !memchr(t + i, ':', e - i) ? e + 1 - i : 0;
}
static size_t f_label(const char *t, size_t i) { /* a metric's label */
  if (t[i] != '"' || i < 2 || !word_char(t[i - 2]) || t[i - 1] != ' ') return 0;
  size_t e = i + 1;
  while (t[e] && t[e] != '"' && t[e] != '\n') e++;
  return t[e] == '"' ? e + 1 - i : 0;
}
static size_t f_line(const char *t, size_t i) { return i == 0 || t[i - 1] == '\n' ? 1 : 0; }
static size_t f_badge(const char *t, size_t i) { /* a badge, from its line to its closing `>` line */
  if ((i && t[i - 1] != '\n') || strncmp(t + i, "badge ", 6)) return 0;
  const char *end = strstr(t + i, "\n>\n");
  return end ? (size_t)(end + 3 - (t + i)) : 0;
}

/* One random edit of one kind; *noop when it cannot change a result.
 * NULL when the text has no place for that kind. */
static char *edit(const char *text, int kind, bool *noop, char *what, size_t wn, long *site) {
  size_t len = 0;
  long at;
  char with[512];
  *noop = false;
  switch (kind) {
  case 0: /* a number: a threshold, a window, a sustained period */
    if ((at = random_site(text, f_number, &len)) < 0) return NULL;
    {
      long v = strtol(text + at, NULL, 10);
      long nv = pick(3) == 0 ? v * 2 : pick(2) ? v + 1 : v > 1 ? v - 1 : v + 2;
      snprintf(with, sizeof with, "%ld", nv);
    }
    break;
  case 1: /* a date */
    if ((at = random_site(text, f_date, &len)) < 0) return NULL;
    snprintf(with, sizeof with, "%.8s%02d", text + at, 1 + pick(28));
    break;
  case 2: { /* a comparison */
    if ((at = random_site(text, f_cmp, &len)) < 0) return NULL;
    static const char *const alt[][3] = {{">=", ">", "<="}, {"<=", "<", ">="}, {"==", "!=", "!="}, {"!=", "==", "=="}};
    for (int k = 0; k < 4; k++)
      if (!strncmp(text + at, alt[k][0], 2)) snprintf(with, sizeof with, "%s", alt[k][1 + pick(2)]);
    break;
  }
  case 3: /* and <-> or */
    if ((at = random_site(text, f_andor, &len)) < 0) return NULL;
    snprintf(with, sizeof with, "%s", len == 3 ? "or" : "and");
    break;
  case 4: /* is none <-> is not none */
    if ((at = random_site(text, f_isnone, &len)) < 0) return NULL;
    len = text[at + 3] == 'n' && text[at + 4] == 'o' && text[at + 5] == 't' ? 11 : 7;
    snprintf(with, sizeof with, "%s", len == 7 ? "is not none" : "is none");
    break;
  case 5: /* count distinct X in L -> count L */
    if ((at = random_site(text, f_distinct, &len)) < 0) return NULL;
    with[0] = 0;
    break;
  case 6: { /* a value set loses its first value */
    if ((at = random_site(text, f_set, &len)) < 0) return NULL;
    const char *comma = memchr(text + at, ',', len);
    snprintf(with, sizeof with, "in {%.*s", (int)(len - (size_t)(comma + 1 - (text + at))), comma + 1);
    break;
  }
  case 7: { /* two neighbouring values of an enum swap places */
    if ((at = random_site(text, f_enum, &len)) < 0) return NULL;
    const char *open = memchr(text + at, '{', len);
    if (!open) return NULL;
    char vals[16][64];
    int nv = 0;
    const char *p = open + 1;
    while (nv < 16) {
      while (*p == ' ' || *p == ',') p++;
      if (!word_char(*p)) break;
      int k = 0;
      while (word_char(*p) && k < 63) vals[nv][k++] = *p++;
      vals[nv++][k] = 0;
    }
    if (nv < 2) return NULL;
    int s = pick(nv - 1);
    char tmp[64];
    memcpy(tmp, vals[s], 64);
    memcpy(vals[s], vals[s + 1], 64);
    memcpy(vals[s + 1], tmp, 64);
    int w = snprintf(with, sizeof with, "%.*s{ ", (int)(open - (text + at)), text + at);
    for (int k = 0; k < nv; k++) w += snprintf(with + w, sizeof with - (size_t)w, "%s%s", k ? ", " : "", vals[k]);
    snprintf(with + w, sizeof with - (size_t)w, " }");
    break;
  }
  case 8: /* a requirement is deleted */
    if ((at = random_site(text, f_requirement, &len)) < 0) return NULL;
    with[0] = 0;
    break;
  case 9: /* a label is reworded: no partner moves, but diff says so */
    if ((at = random_site(text, f_label, &len)) < 0) return NULL;
    snprintf(with, sizeof with, "\"%.*s (reworded)\"", (int)(len - 2), text + at + 1);
    break;
  case 11: /* a badge is deleted */
    if ((at = random_site(text, f_badge, &len)) < 0) return NULL;
    with[0] = 0;
    break;
  default: /* a comment, or blank space, on a line of its own */
    if ((at = random_site(text, f_line, &len)) < 0) return NULL;
    len = 0;
    snprintf(with, sizeof with, "%s", pick(2) ? "# a comment that changes nothing\n" : "\n   \n");
    *noop = true;
    break;
  }
  snprintf(what, wn, "kind %d at %ld: '%.*s' -> '%s'", kind, at, (int)(len > 60 ? 60 : len), text + at, with);
  *site = at;
  return splice(text, (size_t)at, len, with);
}

/* ---- the property ---------------------------------------------------------------------- */

static tier_ruleset *compile_dir(const char *dir) {
  char path[600];
  snprintf(path, sizeof path, "%s/apn-2019.tier", dir);
  uint8_t *bc = NULL;
  size_t n = 0;
  if (tier_compile(path, NULL, 0, NULL, &bc, &n, NULL) != TIER_OK) return NULL;
  tier_ruleset *rs = NULL;
  char err[256];
  int rc = tier_load(bc, n, NULL, &rs, err, sizeof err);
  tier_free_bytes(NULL, bc, n);
  return rc == TIER_OK ? rs : NULL;
}

static char dir[64];

static int rm_dir(void **st) {
  (void)st;
  if (!dir[0]) return 0;
  char p[128];
  snprintf(p, sizeof p, "%s/apn-2019.tier", dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/apn-schema.tier", dir);
  unlink(p);
  rmdir(dir);
  dir[0] = 0;
  return 0;
}

/* What a run of edits did, for the assertions that give the test teeth. */
struct tally {
  int compiled, changed, moved, side_only, noops;
  int per_kind[KINDS]; /* edits that changed an outcome, by kind */
  int inside[3];       /* and by where they stand: in an either, an at least, a badge */
};

/* Where offset at of a generated ruleset stands (gen_print writes each
 * group's and block's opening and closing on lines of their own): a bit
 * per place, 1 inside an either, 2 inside an at least, 4 inside a badge. */
static unsigned site_context(const char *text, long at) {
  unsigned group = 0, badge = 0;
  for (const char *l = text; *l && l - text <= at; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
    if (!strncmp(l, "  either ", 9)) group = 1;
    else if (!strncmp(l, "  at least ", 11)) group = 2;
    else if (!strncmp(l, "  }\n", 4)) group = 0;
    else if (!strncmp(l, "badge ", 6)) badge = 4;
    else if (!strncmp(l, ">\n", 2)) badge = group = 0;
  }
  return group | badge;
}

/* The meaning's hash of rs (the rules_hash). */
static void hash_of(const tier_ruleset *rs, uint8_t hash[32]) {
  struct tier_alloc_hook h = {0};
  struct meaning *m = mn_build(rs->img, &h, false);
  assert_non_null(m);
  mn_hash(m, hash);
  mn_free(m);
}

/* The edited rules rs against base, with the population's outcomes under
 * base in before: when any partner's outcome changes, tierc diff must say
 * so; an edit that cannot change a result must report nothing and keep
 * the hash.  Counted in t; rs is freed. */
static bool check_edit(const tier_ruleset *base, tier_ruleset *rs, const struct pop *p, char **before, char **after, int kind,
                       bool noop, const char *what, struct tally *t) {
  t->compiled++;
  outcomes(rs, p, after);
  int moved, n = changed(p, before, after, &moved);
  struct buf out = {0};
  int changes = rule_diff(base->img, rs->img, "old", "new", false, &out);
  if (n && changes <= 0)
    fail_msg("%s: %d partners' outcomes change (%d move), but tierc diff says:\n%.*s", what, n, moved, (int)out.n, (char *)out.p);
  if (noop) {
    uint8_t hb[32], hash[32];
    hash_of(base, hb);
    hash_of(rs, hash);
    if (changes != 0 || memcmp(hash, hb, 32) != 0)
      fail_msg("%s: an edit that changes nothing, but tierc diff says (or the hash moved):\n%.*s", what, (int)out.n,
               (char *)out.p);
    t->noops++;
  }
  if (n) {
    t->changed++;
    t->per_kind[kind]++;
    if (moved) t->moved++;
    else t->side_only++;
  }
  buf_free(&out);
  tier_ruleset_free(rs);
  return n > 0;
}

static int kinds_of(const struct tally *t) {
  int k = 0;
  for (int i = 0; i < KINDS; i++) k += t->per_kind[i] > 0;
  return k;
}

static void moves_are_reported(void **st) {
  (void)st;
  snprintf(dir, sizeof dir, "/tmp/tierc-prop-XXXXXX");
  assert_non_null(mkdtemp(dir));
  char *rules = slurp("rules/apn-2019.tier", NULL), *schema = slurp("rules/apn-schema.tier", NULL);
  assert_non_null(rules);
  assert_non_null(schema);
  char pr[128], ps[128];
  snprintf(pr, sizeof pr, "%s/apn-2019.tier", dir);
  snprintf(ps, sizeof ps, "%s/apn-schema.tier", dir);
  spit(pr, rules);
  spit(ps, schema);
  tier_ruleset *base = compile_dir(dir);
  assert_non_null(base);
  struct pop p = {0};
  population(&p);
  char **before = calloc((size_t)p.n, sizeof *before), **after = calloc((size_t)p.n, sizeof *after);
  outcomes(base, &p, before);

  struct tally t = {0};
  for (int e = 0; e < EDITS; e++) {
    bool in_schema = pick(3) == 0, noop;
    int kind = pick(11); /* the shipped rules have no badge to delete */
    char what[720];
    long site;
    char *edited = edit(in_schema ? schema : rules, kind, &noop, what, sizeof what - 20, &site);
    if (!edited) continue;
    spit(in_schema ? ps : pr, edited);
    tier_ruleset *rs = compile_dir(dir);
    spit(in_schema ? ps : pr, in_schema ? schema : rules);
    free(edited);
    strcat(what, in_schema ? " (schema)" : " (rules)");
    if (rs) check_edit(base, rs, &p, before, after, kind, noop, what, &t);
  }
  print_message("%d edits: %d compiled, %d moved partners (each reported), %d changed nothing (none reported)\n", EDITS,
                t.compiled, t.moved, t.noops);
  /* the test has teeth: many edits compile, many move partners, of several kinds */
  assert_true(t.compiled >= EDITS / 2);
  assert_true(t.moved >= EDITS / 6);
  assert_true(kinds_of(&t) >= 7);
  assert_true(t.noops >= 5);
  for (int i = 0; i < p.n; i++) {
    free(before[i]);
    free(after[i]);
  }
  pop_free(&p);
  free(before);
  free(after);
  free(rules);
  free(schema);
  tier_ruleset_free(base);
}

static tier_ruleset *compile_text(const char *text) {
  uint8_t *bc = NULL;
  size_t n = 0;
  if (tier_compile("generated.tier", text, strlen(text), NULL, &bc, &n, NULL) != TIER_OK) return NULL;
  tier_ruleset *rs = NULL;
  char err[256];
  int rc = tier_load(bc, n, NULL, &rs, err, sizeof err);
  tier_free_bytes(NULL, bc, n);
  return rc == TIER_OK ? rs : NULL;
}

/* Whether g has a group, a requirements block or a badge. */
static bool has_structure(const struct gruleset *g) {
  bool any = g->nbadges || g->nblocks;
  for (int t = 0; t < g->ntiers; t++) any |= g->tiers[t].ngroups > 0;
  return any;
}

/* The same property on tests/ref's generated rulesets with `either`, `at
 * least`, requirements blocks and badges, each edited GEN_EDITS times at
 * random (every kind of edit, branch names and deleted badges included),
 * on GEN_RECORDS generated records each. */
static void generated_changes_are_reported(void **st) {
  (void)st;
  struct gen_options opt = {.ladder = true};
  struct tally t = {0};
  int structured = 0;
  for (int s = 0; s < GEN_RULESETS; s++) {
    struct rng r;
    rng_seed(&r, 20261201u + (uint64_t)s);
    struct gruleset g;
    gen_ruleset(&r, &opt, &g);
    char *text = gen_print(&g);
    tier_ruleset *base = compile_text(text);
    if (!base) fail_msg("generated ruleset %d does not compile:\n%s", s, text);
    structured += has_structure(&g);
    struct pop p = {0};
    pop_alloc(&p, GEN_RECORDS);
    for (int i = 0; i < GEN_RECORDS; i++) {
      struct grecord rec;
      gen_record(&r, &g, &rec);
      pop_add(&p, gen_record_json(&g, &rec), rec.asof);
      gen_record_free(&g, &rec);
    }
    char **before = calloc((size_t)p.n, sizeof *before), **after = calloc((size_t)p.n, sizeof *after);
    outcomes(base, &p, before);
    for (int e = 0; e < GEN_EDITS; e++) {
      bool noop;
      int kind = pick(KINDS);
      char what[720];
      long site;
      char *edited = edit(text, kind, &noop, what, sizeof what, &site);
      if (!edited) continue;
      tier_ruleset *rs = compile_text(edited);
      unsigned where = site_context(text, site);
      if (rs && check_edit(base, rs, &p, before, after, kind, noop, what, &t))
        for (int k = 0; k < 3; k++) t.inside[k] += where >> k & 1;
      free(edited);
    }
    for (int i = 0; i < p.n; i++) {
      free(before[i]);
      free(after[i]);
    }
    free(before);
    free(after);
    pop_free(&p);
    tier_ruleset_free(base);
    free(text);
    gen_free(&g);
  }
  print_message("%d generated rulesets (%d with groups, blocks or badges), %d edits: %d compiled, %d changed outcomes "
                "(each reported): %d moved partners, %d changed only badges, grants or paths; %d changed nothing\n",
                GEN_RULESETS, structured, GEN_RULESETS * GEN_EDITS, t.compiled, t.changed, t.moved, t.side_only, t.noops);
  /* teeth: most rulesets have structure; edits change outcomes, some only
     beside the tier (what comparing tiers alone would miss), of many kinds */
  assert_true(structured >= GEN_RULESETS / 2);
  assert_true(t.compiled >= GEN_RULESETS * GEN_EDITS / 3);
  for (int k = 0; k < KINDS; k++) print_message("%s%d: %d", k ? ", " : "changed outcomes per kind of edit: ", k, t.per_kind[k]);
  print_message("\nchanged outcomes by an edit inside an either: %d, an at least: %d, a badge: %d\n", t.inside[0], t.inside[1],
                t.inside[2]);
  assert_true(t.changed >= GEN_RULESETS / 2);
  for (int k = 0; k < 3; k++) assert_true(t.inside[k] > 0); /* edits inside groups and badges, each reported */
  assert_true(t.side_only >= 5);
  assert_true(t.per_kind[11] > 0);
  assert_true(kinds_of(&t) >= 7);
}

/* Conditions as deep as the compiler allows are read in full; crafted
 * code that nests branches past what the reader follows (the fuzzers'
 * regression input) still loads, in bounded time, its tangled part opaque. */
static void meaning_is_bounded(void **st) {
  (void)st;
  size_t cap = 1 << 16, n = 0;
  char *src = malloc(cap);
  assert_non_null(src);
  n += (size_t)snprintf(src + n, cap - n,
                        "enum t { a }\nrecord { partner type: t; x: int; items: list { v: int; } }\nreview = 2019-12-13;\n"
                        "metric deep = count items where v > 0");
  for (int i = 1; i < 150; i++) n += (size_t)snprintf(src + n, cap - n, " and v != %d", i);
  n += (size_t)snprintf(src + n, cap - n, ";\ntier T a < deep >= 1 and (x > 1 or x < -1); >\n");
  tier_ruleset *rs = tu_compile_ok(src);
  struct tier_alloc_hook h = {0};
  struct meaning *m = mn_build(rs->img, &h, false);
  assert_non_null(m);
  assert_false(m->approximate);
  struct buf b = {0};
  mn_text(m, m->reg[0], &b);
  buf_u8(&b, 0);
  tu_assert_contains((char *)b.p, "count items where (v > 0) and (v != 1)");
  buf_free(&b);
  mn_free(m);
  tier_ruleset_free(rs);
  free(src);

  size_t len;
  char *bc = slurp("tests/fuzz/regress/load/verify-quadratic-forward-jumps.tbc", &len);
  assert_non_null(bc);
  char err[256];
  rs = NULL;
  int rc = tier_load((const uint8_t *)bc, len, NULL, &rs, err, sizeof err);
  if (rc == TIER_OK) {
    m = mn_build(rs->img, &h, false);
    assert_non_null(m);
    mn_free(m);
  }
  tier_ruleset_free(rs);
  free(bc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(moves_are_reported, rm_dir),
      cmocka_unit_test(generated_changes_are_reported),
      cmocka_unit_test(meaning_is_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
