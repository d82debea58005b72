/*
 * test_semantics.c - what only C can test of evaluation: two VMs on one
 * ruleset, each with its own result.  What rulesets mean when they run --
 * dates, aggregates, none, money, cumulative and sustained tiers, the review
 * rule, record errors, the unmet list -- is data: the files of tests/cases.
 */
#include "testutil.h"

static int64_t day(const char *s) {
  int64_t d = 0;
  assert_int_equal(tier_date_parse(s, &d), 0);
  return d;
}

/* One compiled ruleset and one VM per test. */
struct fx {
  tier_ruleset *rs;
  tier_vm *vm;
};

static struct fx fx_new(const char *src) {
  struct fx f;
  char *diag = NULL;
  f.rs = tu_compile(src, &diag);
  if (!f.rs) fprintf(stderr, "ruleset does not compile:\n%s\n", diag ? diag : "");
  free(diag);
  assert_non_null(f.rs);
  f.vm = tier_vm_new(f.rs, NULL);
  assert_non_null(f.vm);
  return f;
}
static void fx_free(struct fx *f) {
  tier_vm_free(f->vm);
  tier_ruleset_free(f->rs);
}

#define KIND "enum kind { consulting, technology }\n"

static const char *CERTS = KIND
    "enum level { foundational, associate, professional, specialty }\n"
    "record { id: text; partner type: kind;\n"
    "  certs: list { person: text; level: level; earned: date; expires: date?; }\n"
    "}\n"
    "metric held for certs = earned <= asof and (expires is none or expires > asof);\n"
    "metric people \"certified individuals\" = count distinct person in certs where held and level >= associate;\n"
    "metric records = count certs where held;\n"
    "tier One consulting < people >= 1; >\n"
    "tier Two consulting < people >= 2; >\n";

#define CERT(p, l, e, x) "{\"person\":\"" p "\",\"level\":\"" l "\",\"earned\":\"" e "\",\"expires\":" x "}"
#define PC(items) "{\"id\":\"x\",\"type\":\"consulting\",\"certs\":[" items "]}"

static void one_ruleset_two_vms(void **st) {
  (void)st;
  struct fx f = fx_new(CERTS);
  tier_vm *other = tier_vm_new(f.rs, NULL);
  assert_non_null(other);
  const char *two = PC(CERT("e1", "associate", "2018-01-01", "null") "," CERT("e2", "associate", "2018-01-01", "null"));
  const char *none = PC("");
  const tier_result *a = NULL, *b = NULL;
  assert_int_equal(tier_eval_json(f.vm, two, strlen(two), day("2019-12-13"), &a), TIER_OK);
  assert_int_equal(tier_eval_json(other, none, strlen(none), day("2019-12-13"), &b), TIER_OK);
  assert_string_equal(a->tier, "Two");
  assert_null(b->tier);
  assert_string_equal(b->next, "One");
  tier_vm_free(other);
  fx_free(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(one_ruleset_two_vms),
  };
  return cmocka_run_group_tests_name("semantics", tests, NULL, NULL);
}
