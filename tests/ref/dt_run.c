/*
 * dt_run.c - one generated ruleset compiled for the VM and loaded into the
 * reference, one record through both (with the instruction count checked
 * against the cost bound), and the reproducer of a difference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "difftest.h"

int dt_open(const struct gruleset *g, struct compiled *c) {
  memset(c, 0, sizeof *c);
  c->text = gen_print(g);
  tier_diags *d = NULL;
  int rc = tier_compile("gen.tier", c->text, strlen(c->text), NULL, &c->bc, &c->nbc, &d);
  if (rc != TIER_OK) {
    snprintf(c->err, sizeof c->err, "compile: %s", tier_strerror(rc));
    for (size_t i = 0; i < tier_diags_count(d); i++)
      if (tier_diags_get(d, i)->severity == TIER_ERROR) {
        snprintf(c->err, sizeof c->err, "compile: %s", tier_diags_get(d, i)->message);
        break;
      }
    tier_diags_free(d);
    return -1;
  }
  tier_diags_free(d);
  char e[512];
  if (tier_load(c->bc, c->nbc, NULL, &c->rs, e, sizeof e) != TIER_OK) {
    snprintf(c->err, sizeof c->err, "load: %s", e);
    return -1;
  }
  tier_options every;
  memset(&every, 0, sizeof every);
  every.all_requirements = 1;
  c->vm = tier_vm_new(c->rs, &every);
  c->ref = ref_load("gen.tier", c->text, strlen(c->text), c->err, sizeof c->err);
  if (!c->vm || !c->ref) return -1;
  return 0;
}

bool dt_over_limit(const struct compiled *c) {
  return strncmp(c->err, "compile: ", 9) == 0 && strstr(c->err, "the limit is") != NULL;
}

void dt_close(struct compiled *c) {
  ref_free(c->ref);
  if (c->vm) tier_vm_free(c->vm);
  tier_ruleset_free(c->rs);
  tier_free_bytes(NULL, c->bc, c->nbc);
  free(c->text);
  memset(c, 0, sizeof *c);
}

/* The most instructions one evaluation of this record may run (SPEC 4.5). */
static uint64_t cost_bound(const struct tier_vm *vm) {
  const struct image *img = vm->rs->img;
  uint64_t b = img->cost_base + vm->rs->cost_gap; /* and the gap's searches (score.c) */
  for (uint32_t l = 0; l < img->nlists; l++) b += img->cost_per[l] * vm->rec.lists[l].n;
  return b;
}

int dt_record(struct compiled *c, const struct gruleset *g, const struct grecord *rec,
              struct outcome *vo, struct outcome *ro, char *what, size_t wn, char *key, size_t kn) {
  char *json = gen_record_json(g, rec);
  size_t len = strlen(json);
  int64_t asof = rec->asof == INT64_MIN ? OC_NONE : rec->asof;
  c->vm->steps = 0;
  vm_outcome(c->vm, json, len, asof, vo);
  uint64_t steps = c->vm->steps;
  ref_eval(c->ref, json, len, asof, ro);
  free(json);
  if (vo->status == OC_OK) {
    /* the instrumented VM counts every instruction: none counted means this
     * is not that build, and the bound below would be checked against 0 */
    if (steps == 0) {
      fputs("difftest: the VM was not built with -DTIER_COUNT_STEPS\n", stderr);
      exit(2);
    }
    if (steps > cost_bound(c->vm)) {
      snprintf(what, wn, "cost: the evaluation ran %llu instructions, the bound claims at most %llu",
               (unsigned long long)steps, (unsigned long long)cost_bound(c->vm));
      snprintf(key, kn, "cost");
      return DT_DIFFER;
    }
  }
  return oc_compare(vo, ro, what, wn, key, kn) ? DT_AGREE : DT_DIFFER;
}

/* ---- reporting ------------------------------------------------------------------------ */

/* DIR/NAME holds text; with text NULL it is removed (a reproducer's file
 * left from an earlier one would mislead). */
static void write_file(const char *dir, const char *name, const char *text) {
  if (!dir) return;
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (!text) {
    remove(path);
    return;
  }
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    return;
  }
  fputs(text, f);
  fclose(f);
}

void dt_report(const struct dt_options *o, const struct gruleset *g, const struct grecord *rec, const char *what,
               unsigned long long seed) {
  struct compiled c;
  char *text = gen_print(g);
  char *json = rec ? gen_record_json(g, rec) : NULL;
  char d[11] = "", asof[16] = "";
  if (rec && rec->asof != INT64_MIN) {
    ref_date_text(rec->asof, d);
    snprintf(asof, sizeof asof, "%s\n", d);
  }
  if (seed != DT_NO_SEED) printf("difftest: DIFFERENCE (ruleset seed %llu): %s\n", seed, what);
  else printf("difftest: DIFFERENCE: %s\n", what);
  printf("---- ruleset (shrunk) ----\n%s", text);
  if (rec) {
    printf("---- record ----\n%s\n", json);
    printf("---- as of: %s ----\n", rec->asof != INT64_MIN ? d : "(the review rule)");
    if (dt_open(g, &c) == 0) {
      struct outcome vo, ro;
      char w[1024], k[64];
      dt_record(&c, g, rec, &vo, &ro, w, sizeof w, k, sizeof k);
      printf("---- vm ----\n");
      oc_print(&vo, stdout);
      printf("---- reference ----\n");
      oc_print(&ro, stdout);
      oc_free(&vo);
      oc_free(&ro);
      dt_close(&c);
    }
  }
  write_file(o->outdir, "fail.tier", text);
  write_file(o->outdir, "fail.json", json);
  write_file(o->outdir, "fail.asof", *asof ? asof : NULL);
  if (o->outdir) printf("(written to %s/fail.tier%s)\n", o->outdir, rec ? ", fail.json" : "");
  if (seed != DT_NO_SEED) printf("reproduce: difftest -s %llu -n 1\n", seed);
  free(text);
  free(json);
}

