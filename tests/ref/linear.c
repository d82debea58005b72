/*
 * linear.c - the compiler's and the loader's work grows linearly with the
 * ruleset (issue 14.1), counted, not timed.
 *
 * Two families of rulesets at 1x, 2x, 4x and 8x a base size: the
 * generator's (partner types, metrics, lists and fields all times k;
 * gen_options.full makes the counts exact), and ladder() for what the
 * generator does not make (display names, tier values, badges, holds,
 * grants: 100 k of each).  A copy of the library built with
 * -fsanitize-coverage=trace-pc calls __sanitizer_cov_trace_pc() at every
 * basic block it runs; the blocks run by tier_compile() (parse, types,
 * code, checks, and the verification of its own output) and by tier_load()
 * (read and verify) are the work, and for a pair of rulesets the blocks
 * run by tier_rules_diff() (held(): a requirements block of 200 k
 * thresholds inserted by two tiers, every threshold raised; grouping the
 * copies by scanning the others, before sorting, gave x3.94).  Linear work is a flat count per byte of
 * source: a part that is quadratic at 1x with share s makes the count per
 * byte at 8x 1 + 7s times that at 1x, so a limit of 1.3 catches any such
 * part above 4% of the work (sema's name lookups by scan, before symtab.c,
 * gave x1.90).  The libraries the library calls (libc, libsodium) are not
 * counted.
 *
 *   linear [-v]      exit 0 when linear, 1 (with the counts) when not
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "tier.h"

#define LIMIT 1.3 /* the count per byte at 8x over that at 1x, at most */

static unsigned long long blocks;

/* Called by every basic block of the instrumented library. */
void __sanitizer_cov_trace_pc(void);
void __sanitizer_cov_trace_pc(void) { blocks++; }

struct work {
  size_t bytes;
  unsigned long long compile, load;
};

/* The generator's ruleset of size k (seed 1). */
static char *generated(int k) {
  struct gen_options o = {
      .max_types = 4 * k, .max_tiers = 5, .max_metrics = 80 * k, .max_lists = 6 * k, .max_fields = 12 * k, .full = true};
  struct rng r;
  rng_seed(&r, 1);
  struct gruleset g;
  gen_ruleset(&r, &o, &g);
  char *src = gen_print(&g);
  gen_free(&g);
  return src;
}

/* What the generator does not make, 100 k of each: tiers with display
 * names, tier values compared with tiers, badges, `holds` of a badge
 * declared later and of another badge, and grants.  Each names a tier or
 * badge, so a lookup by scan makes it quadratic (4,000 grants took 3.9 s
 * to check before the names were hashed). */
static char *ladder(int k) {
  struct buf b = {0};
  buf_printf(&b,
             "enum partner_kind { consulting, technology }\n"
             "record {\n  id: text;\n  partner type: partner_kind;\n  n: int;\n  previous: tier?;\n}\n");
  for (int i = 0; i < 100 * k; i++) {
    buf_printf(&b, "tier T%d \"Tier %d\" consulting < n >= %d; previous >= T%d or holds B%d; >\n", i, i, i, i / 2, i);
    if (i == 0) buf_printf(&b, "badge B0 < n >= 0; >\n");
    else buf_printf(&b, "badge B%d < n >= %d; holds B%d or n > %d; >\n", i, i, i / 2, 10 * i);
    buf_printf(&b, "grant T%d when n == %d;\n", i, -i);
  }
  buf_put(&b, "", 1);
  return (char *)b.p;
}

/* 100 k names that name nothing, among 100 k fields: each is an error, of
 * which the first 100 are listed.  Looking for a name to suggest for every
 * one of them, listed or not, made it quadratic (8,000 took 16 s). */
static char *mistakes(int k) {
  struct buf b = {0};
  buf_printf(&b, "enum partner_kind { consulting }\nrecord {\n  id: text;\n  partner type: partner_kind;\n");
  for (int i = 0; i < 100 * k; i++) buf_printf(&b, "  f%d: int;\n", i);
  buf_printf(&b, "}\n");
  for (int i = 0; i < 100 * k; i++) buf_printf(&b, "metric m%d = g%d;\n", i, i);
  buf_put(&b, "", 1);
  return (char *)b.p;
}

/* A requirements block of 200 k thresholds `n >= i + raise`, inserted by
 * two tiers. */
static char *held_block(int k, int raise) {
  struct buf b = {0};
  buf_printf(&b, "enum t { c }\nrecord {\n  id: text;\n  partner type: t;\n  n: int;\n}\nrequirements r() <\n");
  for (int i = 0; i < 200 * k; i++) buf_printf(&b, "  n >= %d;\n", i + raise);
  buf_printf(&b, ">\ntier A c < r(); >\ntier B c < r(); n >= 0; >\n");
  buf_put(&b, "", 1);
  return (char *)b.p;
}

/* src (freed here) compiled and loaded, NULL when it fails (said). */
static tier_ruleset *loaded(char *src) {
  uint8_t *bc = NULL;
  size_t nbc = 0;
  tier_diags *d = NULL;
  tier_ruleset *rs = NULL;
  char err[512];
  int rc = tier_compile("linear.tier", src, strlen(src), NULL, &bc, &nbc, &d);
  if (rc != TIER_OK) fprintf(stderr, "linear: a ruleset to diff does not compile:\n%s", tier_diags_text(d));
  else if (tier_load(bc, nbc, NULL, &rs, err, sizeof err) != TIER_OK) fprintf(stderr, "linear: it does not load: %s\n", err);
  tier_diags_free(d);
  tier_free_bytes(NULL, bc, nbc);
  free(src);
  return rs;
}

/* held(k) against its thresholds raised by 200 k: the work of the diff
 * (in w->compile; w->bytes the new ruleset's). */
static int measure_diff(int k, struct work *w) {
  char *src = held_block(k, 200 * k);
  w->bytes = strlen(src);
  w->load = 0;
  tier_ruleset *a = loaded(held_block(k, 0)), *b = loaded(src);
  tier_buf *o = tier_buf_new(NULL);
  int rc = -1;
  if (a && b && o) {
    blocks = 0;
    rc = tier_rules_diff(a, b, "a.tier", "b.tier", 0, o);
    w->compile = blocks;
    if (rc != TIER_OK) fprintf(stderr, "linear: the diff of size %dx fails (%d)\n", k, rc);
  }
  tier_buf_free(o);
  tier_ruleset_free(a);
  tier_ruleset_free(b);
  return rc == TIER_OK ? 0 : -1;
}

/* The ruleset src (freed here), compiled and loaded: its work.  A ruleset
 * of mistakes must be refused, and is not loaded (w->load stays 0). */
static int measure(char *src, int k, bool refused, struct work *w) {
  w->bytes = strlen(src);
  w->load = 0;
  uint8_t *bc = NULL;
  size_t nbc = 0;
  tier_diags *d = NULL;
  blocks = 0;
  int rc = tier_compile("linear.tier", src, w->bytes, NULL, &bc, &nbc, &d);
  w->compile = blocks;
  if (refused) {
    tier_diags_free(d);
    free(src);
    tier_free_bytes(NULL, bc, nbc);
    if (rc == TIER_ECOMPILE) return 0;
    fprintf(stderr, "linear: the ruleset of mistakes of size %dx is not refused\n", k);
    return -1;
  }
  if (rc != TIER_OK) {
    fprintf(stderr, "linear: the ruleset of size %dx does not compile:\n%s", k, tier_diags_text(d));
    tier_diags_free(d);
    free(src);
    return -1;
  }
  tier_diags_free(d);
  free(src);
  tier_ruleset *rs = NULL;
  char err[512];
  blocks = 0;
  rc = tier_load(bc, nbc, NULL, &rs, err, sizeof err);
  w->load = blocks;
  tier_free_bytes(NULL, bc, nbc);
  if (rc != TIER_OK) {
    fprintf(stderr, "linear: the ruleset of size %dx does not load: %s\n", k, err);
    return -1;
  }
  tier_ruleset_free(rs);
  return 0;
}

/* One family at 1x, 2x, 4x and 8x: true when the work per byte of source
 * grows by at most LIMIT.  A family of rulesets that are refused has no
 * load to count. */
static bool family(const char *name, char *(*source)(int k), bool refused, bool verbose, bool *failed) {
  static const int SIZES[] = {1, 2, 4, 8};
  struct work w[4];
  for (int i = 0; i < 4; i++)
    if ((source ? measure(source(SIZES[i]), SIZES[i], refused, &w[i]) : measure_diff(SIZES[i], &w[i])) != 0)
      return *failed = true, false;
  if (w[0].compile == 0 || (w[0].load == 0 && !refused && source)) {
    fputs("linear: no basic block counted: the library was not built with -fsanitize-coverage=trace-pc\n", stderr);
    return *failed = true, false;
  }
  double c[4], l[4]; /* blocks per byte, over that at 1x */
  for (int i = 0; i < 4; i++) {
    c[i] = (double)w[i].compile / (double)w[i].bytes / ((double)w[0].compile / (double)w[0].bytes);
    l[i] = refused || !source ? 0 : (double)w[i].load / (double)w[i].bytes / ((double)w[0].load / (double)w[0].bytes);
  }
  bool linear = c[3] <= LIMIT && l[3] <= LIMIT;
  if (verbose || !linear)
    for (int i = 0; i < 4; i++)
      printf("%s %dx: %zu bytes of source; %s %llu blocks (%.1f a byte, x%.2f of 1x), load %llu (%.1f, x%.2f)\n", name, SIZES[i],
             w[i].bytes, source ? "compile" : "diff", w[i].compile, (double)w[i].compile / (double)w[i].bytes, c[i], w[i].load,
             (double)w[i].load / (double)w[i].bytes, l[i]);
  printf("linear: %s, 1x to 8x (%zu to %zu bytes): blocks per byte x%.2f to %s", name, w[0].bytes, w[3].bytes, c[3],
         source ? "compile" : "diff");
  if (refused) printf(" (refused)");
  else if (source) printf(", x%.2f to load", l[3]);
  printf(" (at most x%.1f)%s\n", LIMIT, linear ? "" : ": NOT LINEAR");
  return linear;
}

int main(int argc, char **argv) {
  bool verbose = argc > 1 && !strcmp(argv[1], "-v"), failed = false;
  bool linear = family("generated", generated, false, verbose, &failed);
  if (!failed) linear &= family("ladder", ladder, false, verbose, &failed);
  if (!failed) linear &= family("mistakes", mistakes, true, verbose, &failed);
  if (!failed) linear &= family("held", NULL, false, verbose, &failed);
  return linear && !failed ? 0 : 1;
}
