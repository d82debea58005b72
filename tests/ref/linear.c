/*
 * linear.c - the compiler's and the loader's work grows linearly with the
 * ruleset (issue 14.1), counted, not timed.
 *
 * The generator makes rulesets at 1x, 2x, 4x and 8x a base size (partner
 * types, metrics, lists and fields all times k; gen_options.full makes the
 * counts exact).  A copy of the library built with
 * -fsanitize-coverage=trace-pc calls __sanitizer_cov_trace_pc() at every
 * basic block it runs; the blocks run by tier_compile() (parse, types,
 * code, checks, and the verification of its own output) and by tier_load()
 * (read and verify) are the work.  Linear work is a flat count per byte of
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

/* The ruleset of size k (seed 1), compiled and loaded: its work. */
static int measure(int k, struct work *w) {
  struct gen_options o = {
      .max_types = 4 * k, .max_tiers = 5, .max_metrics = 80 * k, .max_lists = 6 * k, .max_fields = 12 * k, .full = true};
  struct rng r;
  rng_seed(&r, 1);
  struct gruleset g;
  gen_ruleset(&r, &o, &g);
  char *src = gen_print(&g);
  gen_free(&g);
  w->bytes = strlen(src);
  uint8_t *bc = NULL;
  size_t nbc = 0;
  tier_diags *d = NULL;
  blocks = 0;
  int rc = tier_compile("linear.tier", src, w->bytes, NULL, &bc, &nbc, &d);
  w->compile = blocks;
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

int main(int argc, char **argv) {
  bool verbose = argc > 1 && !strcmp(argv[1], "-v");
  static const int SIZES[] = {1, 2, 4, 8};
  struct work w[4];
  for (int i = 0; i < 4; i++)
    if (measure(SIZES[i], &w[i]) != 0) return 1;
  if (w[0].compile == 0 || w[0].load == 0) {
    fputs("linear: no basic block counted: the library was not built with -fsanitize-coverage=trace-pc\n", stderr);
    return 1;
  }
  double c1 = (double)w[0].compile / (double)w[0].bytes, l1 = (double)w[0].load / (double)w[0].bytes;
  double cr = (double)w[3].compile / (double)w[3].bytes / c1, lr = (double)w[3].load / (double)w[3].bytes / l1;
  bool linear = cr <= LIMIT && lr <= LIMIT;
  if (verbose || !linear)
    for (int i = 0; i < 4; i++)
      printf("%dx: %zu bytes of source; compile %llu blocks (%.1f a byte, x%.2f of 1x), load %llu (%.1f, x%.2f)\n", SIZES[i],
             w[i].bytes, w[i].compile, (double)w[i].compile / (double)w[i].bytes, (double)w[i].compile / (double)w[i].bytes / c1,
             w[i].load, (double)w[i].load / (double)w[i].bytes, (double)w[i].load / (double)w[i].bytes / l1);
  printf("linear: 1x to 8x (%zu to %zu bytes): blocks per byte x%.2f to compile, x%.2f to load (at most x%.1f)%s\n", w[0].bytes,
         w[3].bytes, cr, lr, LIMIT, linear ? "" : ": NOT LINEAR");
  return linear ? 0 : 1;
}
