/*
 * test_result.c - the result of an evaluation as a plain structure, and the
 * walk over a ruleset's types, tiers and requirements that the tools use
 * instead of the image: indices agree between the two, every requirement
 * is listed when asked for, values carry their type and whether they are
 * missing, and rendering a result leaves it as it was.
 */
#include "testutil.h"
#include "output.h"

static const char *SRC =
    "enum kind { consulting, technology }\n"
    "record { id: text; partner type: kind; people: int; mrr: money; plan: date?; low: int?; }\n"
    "review = 2019-12-13;\n"
    "metric certified \"AWS certified individuals\" = people;\n"
    "metric revenue = mrr;\n"
    "metric planned = plan within 12 months;\n"
    "tier R consulting < >\n"
    "tier T technology < people >= 1; >\n"
    "tier S consulting <\n"
    "  knowledge: certified >= 4 \"AWS certified individuals\";\n"
    "  experience: revenue >= 1500; planned;\n"
    ">\n"
    "tier A consulting < certified >= 10; low >= 3; >\n";

static tier_ruleset *rules(void) {
  char *diag = NULL;
  tier_ruleset *rs = tu_compile(SRC, &diag);
  if (!rs) fprintf(stderr, "%s\n", diag ? diag : "");
  free(diag);
  assert_non_null(rs);
  return rs;
}

static const char *REC = "{\"id\":\"P-1\",\"type\":\"consulting\",\"people\":3,\"mrr\":1200.5,\"plan\":null}";

static const tier_result *eval(tier_vm *vm, const char *json) {
  const tier_result *r = NULL;
  assert_int_equal(tier_eval_json(vm, json, strlen(json), TIER_NONE, &r), TIER_OK);
  return r;
}

static void the_walk_names_types_tiers_and_requirements(void **st) {
  (void)st;
  tier_ruleset *rs = rules();
  assert_int_equal(tier_ruleset_ntypes(rs), 2);
  assert_string_equal(tier_ruleset_type(rs, 1), "technology");
  assert_null(tier_ruleset_type(rs, 2));
  assert_int_equal(tier_ruleset_ntiers(rs), 4);
  tier_info t;
  /* positions count per partner type: T is technology's first tier */
  assert_int_equal(tier_ruleset_tier(rs, 1, &t), TIER_OK);
  assert_string_equal(t.name, "T");
  assert_int_equal(t.type_index, 1);
  assert_int_equal(t.position, 0);
  assert_int_equal(tier_ruleset_tier(rs, 3, &t), TIER_OK);
  assert_string_equal(t.name, "A");
  assert_int_equal(t.position, 2);
  assert_int_equal(t.first_req, 4);
  assert_int_equal(t.nreqs, 2);
  assert_int_equal(tier_ruleset_tier(rs, 4, &t), TIER_EUSAGE);
  assert_int_equal(tier_ruleset_nreqs(rs), 6);
  tier_req_info q;
  assert_int_equal(tier_ruleset_req(rs, 1, &q), TIER_OK);
  assert_int_equal(q.tier_index, 2);
  assert_string_equal(q.section, "knowledge");
  assert_string_equal(q.label, "AWS certified individuals");
  assert_string_equal(q.metric, "certified");
  assert_string_equal(q.op, ">=");
  assert_int_equal(q.line, 10);
  /* the first requirement belongs to T, after the empty tier R */
  assert_int_equal(tier_ruleset_req(rs, 0, &q), TIER_OK);
  assert_int_equal(q.tier_index, 1);
  assert_int_equal(tier_ruleset_req(rs, 5, &q), TIER_OK);
  assert_int_equal(q.tier_index, 3);
  assert_string_equal(q.rule, "low >= 3");
  assert_int_equal(tier_ruleset_req(rs, 6, &q), TIER_EUSAGE);
  tier_ruleset_free(rs);
}

static void a_result_names_its_tiers_requirements_and_rules(void **st) {
  (void)st;
  tier_ruleset *rs = rules();
  tier_vm *vm = tier_vm_new(rs, NULL);
  const tier_result *r = eval(vm, REC);
  assert_int_equal(r->type_index, 0);
  assert_int_equal(r->tier_index, 0);
  assert_int_equal(r->next_index, 2);
  assert_string_equal(r->rules_version, "");
  char hash[65];
  tier_ruleset_hash(rs, hash);
  assert_string_equal(r->rules_hash, hash);
  /* without all_requirements only the unmet ones */
  assert_int_equal(r->nreqs, 0);
  assert_null(r->reqs);
  assert_int_equal(r->nunmet, 3);
  assert_int_equal(r->unmet[0].index, 1);
  assert_int_equal(r->unmet[0].tier_index, 2);
  assert_true(r->unmet[0].actual_value == 3 && r->unmet[0].required_value == 4);
  assert_int_equal(r->unmet[1].type, TIER_TYPE_MONEY);
  assert_true(r->unmet[1].actual_value == 1200.5);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

static void all_requirements_lists_every_tier_of_the_type(void **st) {
  (void)st;
  tier_ruleset *rs = rules();
  tier_options opt = {.all_requirements = 1};
  tier_vm *vm = tier_vm_new(rs, &opt);
  const tier_result *r = eval(vm, REC);
  /* S's three and A's two, in ladder order; nothing of technology's T */
  assert_int_equal(r->nreqs, 5);
  int want[] = {1, 2, 3, 4, 5};
  for (size_t i = 0; i < r->nreqs; i++) assert_int_equal(r->reqs[i].index, want[i]);
  assert_int_equal(r->reqs[3].tier_index, 3);
  assert_false(r->reqs[3].met);
  /* a missing value: no text but "none", no number, flagged */
  assert_string_equal(r->reqs[4].metric, "low");
  assert_true(r->reqs[4].missing);
  assert_string_equal(r->reqs[4].actual, "none");
  assert_true(r->reqs[4].actual_value == 0);
  assert_int_equal(r->nunmet, 3);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* The renderers take the result as it is: an explained table row (which
 * lists every requirement) leaves the unmet list the row was made from.
 * (The record meets S's revenue requirement, so that the unmet list and
 * the list of every requirement differ from their second entry on.) */
static void rendering_leaves_the_result_as_it_was(void **st) {
  (void)st;
  tier_ruleset *rs = rules();
  tier_options opt = {.all_requirements = 1};
  tier_vm *vm = tier_vm_new(rs, &opt);
  const tier_result *r = eval(vm, "{\"id\":\"P-2\",\"type\":\"consulting\",\"people\":3,\"mrr\":1600}");
  assert_int_equal(r->nunmet, 2);
  assert_string_equal(r->unmet[1].metric, "planned");
  tier_req_result before[2];
  memcpy(before, r->unmet, sizeof before);
  for (int fmt = FMT_JSON; fmt <= FMT_CSV; fmt++) {
    struct out o;
    assert_int_equal(out_init(&o, fmt, true, rs, 0), 0);
    tier_buf *b = tier_buf_new(NULL);
    out_result(&o, b, r);
    out_explain(&o, b, r);
    assert_false(tier_buf_failed(b));
    tier_buf_free(b);
    out_free(&o);
  }
  assert_int_equal(r->nunmet, 2);
  assert_memory_equal(before, r->unmet, sizeof before);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_walk_names_types_tiers_and_requirements),
      cmocka_unit_test(a_result_names_its_tiers_requirements_and_rules),
      cmocka_unit_test(all_requirements_lists_every_tier_of_the_type),
      cmocka_unit_test(rendering_leaves_the_result_as_it_was),
  };
  return cmocka_run_group_tests_name("result", tests, NULL, NULL);
}
