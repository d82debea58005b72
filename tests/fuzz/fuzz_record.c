/*
 * fuzz_record.c - libFuzzer target: the input is a partner profile (JSON
 * text), evaluated against rules/apn-2019.tier compiled once at start-up.
 * The rules file is $TIER_FUZZ_RULES (make fuzz passes an absolute path),
 * else rules/apn-2019.tier relative to the working directory.
 *
 * Each input is evaluated twice through tier_eval_json (at the ruleset's
 * review date and at a fixed as-of date), every output format is written,
 * and then the input is split as tiervm splits a file (JSON Lines or one
 * JSON array, src/stream.c) and each record evaluated again.  The input
 * buffer is passed with its exact length and no terminator, so ASan sees
 * any read past it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "stream.h"

static tier_ruleset *rules;
static tier_vm *vm;
static int64_t day;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *path = getenv("TIER_FUZZ_RULES");
  if (!path || !*path) path = "rules/apn-2019.tier";
  uint8_t *bc = NULL;
  size_t n = 0;
  tier_diags *d = NULL;
  int rc = tier_compile(path, NULL, 0, NULL, &bc, &n, &d);
  if (rc != TIER_OK) {
    fprintf(stderr, "fuzz_record: cannot compile %s: %s\n%s", path, tier_strerror(rc), tier_diags_text(d));
    exit(2);
  }
  tier_diags_free(d);
  char err[512];
  rc = tier_load(bc, n, NULL, &rules, err, sizeof err);
  tier_free_bytes(NULL, bc, n);
  if (rc != TIER_OK) {
    fprintf(stderr, "fuzz_record: cannot load %s: %s\n", path, err);
    exit(2);
  }
  vm = tier_vm_new(rules, NULL);
  if (!vm) exit(2);
  day = fuzz_day();
  /* rules and vm live for the whole run; LeakSanitizer does not count them
   * (they stay reachable through these statics) */
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *json = (const char *)data;
  fuzz_eval(vm, json, size, INT64_MIN);
  fuzz_eval(vm, json, size, day);

  if (size == 0) return 0; /* fmemopen refuses an empty buffer */
  FILE *f = fmemopen((void *)data, size, "r");
  if (!f) return 0;
  struct stream s;
  stream_init(&s, f);
  for (int k = 0; k < 64 && stream_next(&s); k++) {
    fuzz_touch(s.err);
    if (!s.err[0]) {
      int rc = rec_parse(vm, s.rec, s.rec_n, &vm->rec);
      if (rc == TIER_OK) {
        const tier_result *r = NULL;
        rc = res_eval_bound(vm, INT64_MIN, &r);
        if (rc == TIER_OK) {
          fuzz_touch_result(r);
        }
      }
    }
    if (s.failed) break;
  }
  stream_free(&s);
  fclose(f);
  return 0;
}
