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
 *
 * With TIER_FUZZ_DIFF=1 in the environment the target also parses each
 * input with the jansson reference reader (record.c, rec_parse_ref) and
 * aborts when the two readers disagree: one accepts what the other
 * rejects, or they give different results.  Opt-in, because some
 * differences may be intended (see the report).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "record.h"
#include "stream.h"

static tier_ruleset *rules;
static tier_vm *vm, *vm_ref;
static int64_t day;

static int same(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The streaming reader and the jansson reference must agree. */
static void differential(const char *json, size_t len) {
  const tier_result *r1 = NULL, *r2 = NULL;
  int rc1 = rec_parse(vm, json, len, &vm->rec);
  if (rc1 == TIER_OK) rc1 = res_eval_bound(vm, day, &r1);
  int rc2 = rec_parse_ref(vm_ref, json, len, &vm_ref->rec);
  if (rc2 == TIER_OK) rc2 = res_eval_bound(vm_ref, day, &r2);
  const char *why = NULL;
  if ((rc1 == TIER_OK) != (rc2 == TIER_OK)) why = "one reader accepts the record, the other rejects it";
  else if (rc1 == TIER_OK) {
    if (!same(r1->id, r2->id) || !same(r1->type, r2->type) || !same(r1->tier, r2->tier) ||
        !same(r1->next, r2->next) || r1->asof != r2->asof || r1->nunmet != r2->nunmet)
      why = "the readers give different results";
    for (size_t i = 0; !why && i < r1->nunmet; i++) {
      const tier_req_result *a = &r1->unmet[i], *b = &r2->unmet[i];
      if (!same(a->rule, b->rule) || a->met != b->met || strcmp(a->actual, b->actual) != 0 ||
          strcmp(a->required, b->required) != 0 || a->checkpoint != b->checkpoint)
        why = "the readers give different unmet requirements";
    }
  }
  if (!why) return;
  fprintf(stderr, "fuzz_record: %s\n  json.c:   %s: %s @%s\n  jansson:  %s: %s @%s\n", why, tier_strerror(rc1),
          rc1 ? tier_vm_error(vm) : (r1->tier ? r1->tier : "-"), rc1 ? tier_vm_error_path(vm) : "",
          tier_strerror(rc2), rc2 ? tier_vm_error(vm_ref) : (r2->tier ? r2->tier : "-"),
          rc2 ? tier_vm_error_path(vm_ref) : "");
  abort();
}

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
  const char *diff = getenv("TIER_FUZZ_DIFF");
  if (diff && *diff && *diff != '0') {
    vm_ref = tier_vm_new(rules, NULL);
    if (!vm_ref) exit(2);
  }
  /* rules and vm live for the whole run; LeakSanitizer does not count them
   * (they stay reachable through these statics) */
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *json = (const char *)data;
  fuzz_eval(vm, json, size, INT64_MIN);
  fuzz_eval(vm, json, size, day);
  if (vm_ref) differential(json, size);

  if (size == 0) return 0; /* fmemopen refuses an empty buffer */
  FILE *f = fmemopen((void *)data, size, "r");
  if (!f) return 0;
  struct stream s;
  stream_init(&s, f, NULL);
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
