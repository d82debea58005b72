/*
 * test_fuse.c - the VM's fused instructions (src/vm.c, fuse): rs->run is
 * rs->code with each ITEM followed by a JNxxK_I turned into one
 * instruction.  Fusing changes how many dispatches the VM makes and
 * nothing else: every metric of every record, missing values included,
 * is the same run from the fused code as from the code as written.  (A
 * fused instruction counts as the two it runs under TIER_COUNT_STEPS, so
 * the differential test's check of the cost bound sees the same steps.)
 */
#include "testutil.h"
#include "record.h"

/* One filter of each of the six comparisons on an item field: the loop
 * compiles each to ITEM; JNxxK_I. */
static const char *RULES = "enum kind { c }\n"
                           "enum lvl { a, b, d }\n"
                           "record { id: text; partner type: kind; xs: list { n: int?; l: lvl; }; }\n"
                           "metric eq = count xs where l == b;\n"
                           "metric ne = count xs where l != b;\n"
                           "metric lt = count xs where n < 5;\n"
                           "metric le = count xs where n <= 5;\n"
                           "metric gt = count xs where n > 5;\n"
                           "metric ge = count xs where n >= 5;\n"
                           "tier T c < eq >= 1; ne >= 1; lt >= 1; le >= 1; gt >= 1; ge >= 1; >\n";

/* The metrics of record json, run from `code` (rs->run or rs->code). */
static void metrics(tier_ruleset *rs, struct vinsn *code, const char *json, int64_t *out) {
  tier_vm *vm = tier_vm_new(rs, NULL);
  assert_non_null(vm);
  struct vinsn *run = rs->run;
  rs->run = code;
  struct record rec;
  assert_int_equal(rec_parse(vm, json, strlen(json), &rec), TIER_OK);
  assert_int_equal(vm_evaluate(vm, &rec, TIER_NONE), TIER_OK);
  memcpy(out, vm->regs, sizeof *out * rs->img->nmetrics);
  rs->run = run;
  tier_vm_free(vm);
}

static void fused_runs_as_written(void **st) {
  (void)st;
  tier_ruleset *rs = tu_compile(RULES, NULL);
  assert_non_null(rs);
  /* it fused: one of each of the six kinds */
  int kinds = 0;
  for (uint32_t i = 0; rs->code[i].op != OP_END; i++) kinds += rs->run[i].op != rs->code[i].op;
  assert_int_equal(kinds, 6);
  /* four records, by their list items: none; one; four with a missing n;
   * two with missing n */
  static const char *const items[] = {
      "",
      "{\"n\":5,\"l\":\"b\"}",
      "{\"n\":null,\"l\":\"a\"},{\"n\":4,\"l\":\"b\"},{\"n\":6,\"l\":\"d\"},{\"n\":-9,\"l\":\"b\"}",
      "{\"n\":null,\"l\":\"d\"},{\"n\":null,\"l\":\"b\"}",
  };
  static const int64_t want[][6] = {{0, 0, 0, 0, 0, 0}, {1, 0, 0, 1, 0, 1}, {2, 2, 2, 2, 1, 1}, {1, 1, 0, 0, 0, 0}};
  for (size_t k = 0; k < sizeof items / sizeof items[0]; k++) {
    char rec[256];
    snprintf(rec, sizeof rec, "{\"id\":\"r\",\"type\":\"c\",\"xs\":[%s]}", items[k]);
    int64_t fused[6], written[6];
    metrics(rs, rs->run, rec, fused);
    metrics(rs, rs->code, rec, written);
    assert_memory_equal(fused, want[k], sizeof fused);
    assert_memory_equal(written, want[k], sizeof written);
  }
  tier_ruleset_free(rs);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(fused_runs_as_written)};
  return cmocka_run_group_tests_name("fuse", tests, NULL, NULL);
}
