/*
 * difftest.c - the differential test (make difftest): N random rulesets,
 * each with M random records, evaluated by the VM and by the reference
 * interpreter and compared field by field.  Each ruleset is also checked
 * as a whole (checks.c), and every evaluation's instruction count against
 * the cost bound the compiler claims.  The first difference is shrunk to a
 * minimal reproducer (shrink.c), printed, written to -o DIR, and fails the
 * run.
 *
 *   difftest [-n RULESETS] [-m RECORDS] [-s SEED] [-o DIR] [-v] [--large] [--types N] ...
 *   difftest --case FILE.tier [--as-of YYYY-MM-DD] RECORDS.jsonl
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "difftest.h"

/* ---- one ruleset ------------------------------------------------------------------------- */

struct totals {
  long rulesets, records, rejected, runtime, entries, limited;
  long loops, loopk; /* loops over a list of the record; of them, run at once (OP_LOOPK, src/loopk.c) */
};

/* c's loops over lists of the record, and those the VM runs at once, into t */
static void count_loops(const struct compiled *c, struct totals *t) {
  const tier_ruleset *rs = c->rs;
  for (uint32_t i = 0; i < rs->insn_at[rs->img->codelen]; i++)
    t->loops += rs->code[i].op == OP_LOOP && rs->img->lists[rs->code[i].a].depth == 0;
  t->loopk += rs->nloops;
}

/* Generate ruleset `seed` and its records; 0 when all agree, 1 on the
 * first difference (reported). */
static int one_ruleset(const struct dt_options *o, unsigned long long seed, int nrec, struct totals *t) {
  struct rng r;
  rng_seed(&r, seed);
  struct gruleset g;
  gen_ruleset(&r, &o->gen, &g);
  struct compiled c;
  char what[2048], key[2048];
  int failed = 0;
  int opened = dt_open(&g, &c);
  if (opened != 0 && dt_over_limit(&c)) {
    t->limited++;
    dt_close(&c);
    gen_free(&g);
    return 0;
  }
  if (opened != 0) {
    snprintf(what, sizeof what, "%s", c.err);
    snprintf(key, sizeof key, "%s", c.err);
    dt_close(&c);
    dt_shrink(o, &g, NULL, key);
    dt_report(o, &g, NULL, what, seed);
    gen_free(&g);
    return 1;
  }
  if (dt_ruleset_checks(o, &g, &c, what, sizeof what, key, sizeof key)) {
    dt_close(&c);
    dt_shrink(o, &g, NULL, key);
    dt_report(o, &g, NULL, what, seed);
    gen_free(&g);
    return 1;
  }
  t->rulesets++;
  count_loops(&c, t);
  for (int i = 0; i < nrec && !failed; i++) {
    struct grecord rec;
    gen_record(&r, &g, &rec);
    struct outcome vo, ro;
    int rc = dt_record(&c, &g, &rec, &vo, &ro, what, sizeof what, key, sizeof key);
    t->records++;
    if (vo.status == OC_RECORD) t->rejected++;
    if (vo.status == OC_RUNTIME) t->runtime++;
    t->entries += (long)vo.nexplain;
    if (o->verbose && rc == DT_AGREE) oc_print(&ro, stderr);
    oc_free(&vo);
    oc_free(&ro);
    if (rc == DT_DIFFER) {
      dt_close(&c);
      dt_shrink(o, &g, &rec, key);
      dt_report(o, &g, &rec, what, seed);
      failed = 1;
    }
    gen_record_free(&g, &rec);
  }
  if (!failed) dt_close(&c);
  gen_free(&g);
  return failed;
}

/* ---- a case file: a ruleset and its records, both evaluators must agree ----------------------- */

static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *p = NULL;
  size_t cap = 0, len = 0, k;
  char buf[65536];
  while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
    if (len + k + 1 > cap) {
      cap = (len + k + 1) * 2;
      p = realloc(p, cap);
      if (!p) exit(2);
    }
    memcpy(p + len, buf, k);
    len += k;
  }
  fclose(f);
  if (!p) p = calloc(1, 1);
  p[len] = 0;
  *n = len;
  return p;
}

static int run_case(const struct dt_options *o, const char *rules, const char *records, int64_t asof) {
  size_t n, m;
  char *text = slurp(rules, &n), *recs = slurp(records, &m);
  if (!text || !recs) {
    fprintf(stderr, "difftest: cannot read %s\n", text ? records : rules);
    return 2;
  }
  uint8_t *bc;
  size_t nbc;
  tier_diags *d;
  char err[4096];
  tier_ruleset *rs = NULL;
  struct ref_rules *ref = NULL;
  int failures = 0, count = 0;
  if (tier_compile(rules, text, n, NULL, &bc, &nbc, &d) != TIER_OK) {
    fprintf(stderr, "%s", tier_diags_text(d));
    return 2;
  }
  tier_diags_free(d);
  if (tier_load(bc, nbc, NULL, &rs, err, sizeof err) != TIER_OK || !(ref = ref_load(rules, text, n, err, sizeof err))) {
    fprintf(stderr, "difftest: %s: %s\n", rules, err);
    return 2;
  }
  tier_options every;
  memset(&every, 0, sizeof every);
  every.all_requirements = 1;
  tier_vm *vm = tier_vm_new(rs, &every);
  for (char *line = recs, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = 0;
    if (!*line) continue;
    struct outcome vo, ro;
    char what[2048], key[64];
    vm_outcome(vm, line, strlen(line), asof, &vo);
    ref_eval(ref, line, strlen(line), asof, &ro);
    count++;
    if (!oc_compare(&vo, &ro, what, sizeof what, key, sizeof key)) {
      printf("%s: record %d: %s\n---- vm ----\n", records, count, what);
      oc_print(&vo, stdout);
      printf("---- reference ----\n");
      oc_print(&ro, stdout);
      failures++;
    } else if (o->verbose) {
      oc_print(&ro, stdout);
    }
    oc_free(&vo);
    oc_free(&ro);
  }
  printf("%s: %d records, %d differences\n", rules, count, failures);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  ref_free(ref);
  tier_free_bytes(NULL, bc, nbc);
  free(text);
  free(recs);
  return failures ? 1 : 0;
}

/* ---- --write: sources only -------------------------------------------------------------------------- */

/* Rulesets seed .. seed+n-1 as DIR/gen-SEED.tier, nothing evaluated: seeds
 * for the compile fuzzer's corpus (make fuzz).  0, or 2 when a file cannot
 * be written. */
static int write_rulesets(const struct dt_options *o, const char *dir, unsigned long long seed, long n) {
  for (long i = 0; i < n; i++) {
    struct rng r;
    rng_seed(&r, seed + (unsigned long long)i);
    struct gruleset g;
    gen_ruleset(&r, &o->gen, &g);
    char *text = gen_print(&g), path[4096];
    snprintf(path, sizeof path, "%s/gen-%llu.tier", dir, seed + (unsigned long long)i);
    FILE *f = fopen(path, "w");
    bool ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0) ok = false;
    free(text);
    gen_free(&g);
    if (!ok) {
      fprintf(stderr, "difftest: cannot write %s\n", path);
      return 2;
    }
  }
  return 0;
}

/* ---- main ------------------------------------------------------------------------------------------ */

static void usage(FILE *f) {
  fputs("usage: difftest [-n RULESETS] [-m RECORDS] [-s SEED] [-o DIR] [-v] [SIZES]\n"
        "       difftest --case FILE.tier [--as-of YYYY-MM-DD] RECORDS.jsonl\n"
        "Random rulesets and records through the VM and the reference interpreter;\n"
        "the first difference is shrunk, printed (and written to DIR) and exits 1.\n"
        "  -n N        rulesets (default 4000)\n"
        "  -m M        records per ruleset (default 60)\n"
        "  -s SEED     the first ruleset's seed (default 1); ruleset i has seed SEED+i\n"
        "  -o DIR      write the reproducer to DIR/fail.tier, fail.json, fail.asof\n"
        "  -v          print every agreed outcome\n"
        "  --write DIR write the rulesets' sources to DIR/gen-SEED.tier and run nothing\n"
        "SIZES, each the most a ruleset has (the defaults are the usual run's):\n"
        "  --types N   partner types (3)          --tiers N   tiers per partner type (5)\n"
        "  --metrics N metrics (12)               --lists N   lists, inner ones too (8)\n"
        "  --fields N  top-level fields (8)       --depth N   expression depth (4)\n"
        "  --large     40 types, 15 tiers each, 1000 metrics, 60 lists, 40 fields, depth 8\n",
        f);
}

/* --large: rulesets far beyond the usual ones (issue 14): hundreds of
 * tiers, a thousand metrics, tens of lists, deeper expressions. */
static const struct gen_options LARGE = {
    .max_types = 40, .max_tiers = 15, .max_metrics = 1000, .max_lists = 60, .max_fields = 40, .max_depth = 8};

/* A size option's value: a count from 1 to 100,000, else exit 2. */
static int size_arg(const char *name, const char *s) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end || v < 1 || v > 100000) {
    fprintf(stderr, "difftest: --%s needs a count from 1 to 100000, not '%s'\n", name, s);
    exit(2);
  }
  return (int)v;
}

int main(int argc, char **argv) {
  struct dt_options o;
  memset(&o, 0, sizeof o);
  long n = 4000, m = 60; /* the default run: about a minute (make difftest) */
  unsigned long long seed = 1;
  const char *case_file = NULL, *write_dir = NULL;
  int64_t asof = OC_NONE;
  static const struct option longs[] = {
      {"case", required_argument, 0, 'c'},  {"as-of", required_argument, 0, 'a'},  {"help", no_argument, 0, 'h'},
      {"types", required_argument, 0, 'T'}, {"tiers", required_argument, 0, 'R'},  {"metrics", required_argument, 0, 'M'},
      {"lists", required_argument, 0, 'L'}, {"fields", required_argument, 0, 'F'}, {"depth", required_argument, 0, 'D'},
      {"large", no_argument, 0, 'G'},       {"write", required_argument, 0, 'W'},  {0, 0, 0, 0}};
  int ch, li;
  while ((ch = getopt_long(argc, argv, "n:m:s:o:vh", longs, &li)) != -1) {
    switch (ch) {
    case 'T': o.gen.max_types = size_arg(longs[li].name, optarg); break;
    case 'R': o.gen.max_tiers = size_arg(longs[li].name, optarg); break;
    case 'M': o.gen.max_metrics = size_arg(longs[li].name, optarg); break;
    case 'L': o.gen.max_lists = size_arg(longs[li].name, optarg); break;
    case 'F': o.gen.max_fields = size_arg(longs[li].name, optarg); break;
    case 'D': o.gen.max_depth = size_arg(longs[li].name, optarg); break;
    case 'G': o.gen = LARGE; break;
    case 'W': write_dir = optarg; break;
    case 'n': n = strtol(optarg, NULL, 10); break;
    case 'm': m = strtol(optarg, NULL, 10); break;
    case 's': seed = strtoull(optarg, NULL, 10); break;
    case 'o': o.outdir = optarg; mkdir(optarg, 0777); break;
    case 'v': o.verbose = true; break;
    case 'c': case_file = optarg; break;
    case 'a':
      if (tier_date_parse(optarg, &asof) != 0) {
        fprintf(stderr, "difftest: --as-of needs YYYY-MM-DD\n");
        return 2;
      }
      break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 2;
    }
  }
  if (case_file) {
    if (optind != argc - 1) {
      usage(stderr);
      return 2;
    }
    return run_case(&o, case_file, argv[optind], asof);
  }
  if (write_dir) return write_rulesets(&o, write_dir, seed, n);
  struct totals t = {0};
  for (long i = 0; i < n; i++)
    if (one_ruleset(&o, seed + (unsigned long long)i, (int)m, &t)) {
      printf("difftest: failed after %ld clean rulesets and %ld clean records\n", t.rulesets, t.records);
      return 1;
    }
  printf("difftest: %ld rulesets (seeds %llu..%llu), %ld records compared field by field, %ld requirement entries; "
         "%ld rejected by both readers, %ld runtime errors accepted; %ld rulesets over a compiler limit; "
         "%ld of %ld loops over the record's lists run at once; no difference\n",
         t.rulesets, seed, seed + (unsigned long long)n - 1, t.records, t.entries, t.rejected, t.runtime, t.limited, t.loopk,
         t.loops);
  return 0;
}
