/*
 * fuzz_difftest.c - libFuzzer target: the differential test of
 * tests/ref driven by the fuzzer's bytes.  The bytes are the random source
 * of the ruleset and record generator, so coverage guides which rulesets
 * and records get made.  Each ruleset is compiled for the VM and loaded
 * into the reference interpreter, checked as a whole (fmt keeps the code,
 * tierc diff, disasm), and a few records are evaluated by both and
 * compared field by field, with the VM's instruction count checked against
 * the cost bound.  A difference is shrunk, printed, and aborts.
 *
 * Built only by `make fuzz`, with vm.c compiled with -DTIER_COUNT_STEPS.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "difftest.h"

#define RECORDS 4

/* A difference: shrink it, print the reproducer and abort.  Standard output
 * is a file under make fuzz, so it is flushed first: abort() drops what
 * stdio still holds, and a finding of session 6 left only "deadly signal"
 * in the log. */
static _Noreturn void found(const struct dt_options *o, struct gruleset *g, struct grecord *rec, const char *what,
                            const char *key) {
  dt_shrink(o, g, rec, key);
  dt_report(o, g, rec, what, DT_NO_SEED);
  fflush(stdout);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct rng r = {.bytes = data, .nbytes = size};
  struct dt_options o = {.gen = {0}};
  struct gruleset g;
  gen_ruleset(&r, &o.gen, &g);
  struct compiled c;
  char what[2048], key[2048];
  int opened = dt_open(&g, &c);
  if (opened != 0 && dt_over_limit(&c)) { /* no difference: the reference has no limits */
    dt_close(&c);
    gen_free(&g);
    return 0;
  }
  if (opened != 0) {
    snprintf(key, sizeof key, "%s", c.err);
    dt_close(&c);
    found(&o, &g, NULL, key, key);
  }
  if (dt_ruleset_checks(&o, &g, &c, what, sizeof what, key, sizeof key)) {
    dt_close(&c);
    found(&o, &g, NULL, what, key);
  }
  for (int i = 0; i < RECORDS; i++) {
    struct grecord rec;
    gen_record(&r, &g, &rec);
    struct outcome vo, ro;
    int rc = dt_record(&c, &g, &rec, &vo, &ro, what, sizeof what, key, sizeof key);
    oc_free(&vo);
    oc_free(&ro);
    if (rc == DT_DIFFER) {
      dt_close(&c);
      found(&o, &g, &rec, what, key);
    }
    gen_record_free(&g, &rec);
  }
  dt_close(&c);
  gen_free(&g);
  return 0;
}
