/*
 * test_semantics.c - what rulesets mean when they run: date windows and
 * month-end clamping, facts dated after asof, aggregates (also over empty
 * lists and missing values), none in comparisons, money exactness, record
 * errors with their JSON paths, cumulative and sustained tiers, the review
 * rule, and the unmet requirements reported for the next tier.
 * Everything goes through the public API: source -> bytecode -> verified
 * load -> tier_eval_json -> tier_result.
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

/* Evaluate a record that must be accepted. */
static const tier_result *ev(struct fx *f, const char *json, const char *asof) {
  const tier_result *r = NULL;
  int rc = tier_eval_json(f->vm, json, strlen(json), asof ? day(asof) : TIER_NONE, &r);
  if (rc != TIER_OK)
    fprintf(stderr, "record rejected (%s): %s @%s\n  %s\n", tier_strerror(rc), tier_vm_error(f->vm),
            tier_vm_error_path(f->vm), json);
  assert_int_equal(rc, TIER_OK);
  assert_non_null(r);
  return r;
}
/* The tier held, "-" for none. */
static const char *held(struct fx *f, const char *json, const char *asof) {
  const tier_result *r = ev(f, json, asof);
  return r->tier ? r->tier : "-";
}
/* Evaluate a record that must be rejected; returns "MESSAGE @PATH". */
static const char *rejected(struct fx *f, const char *json) {
  static char out[700];
  const tier_result *r = NULL;
  int rc = tier_eval_json(f->vm, json, strlen(json), day("2019-12-13"), &r);
  assert_int_equal(rc, TIER_ERECORD);
  snprintf(out, sizeof out, "%s @%s", tier_vm_error(f->vm), tier_vm_error_path(f->vm));
  return out;
}
static const tier_req_result *unmet_named(const tier_result *r, const char *rule) {
  for (size_t i = 0; i < r->nunmet; i++)
    if (strcmp(r->unmet[i].rule, rule) == 0) return &r->unmet[i];
  fprintf(stderr, "no unmet requirement '%s' among %zu\n", rule, r->nunmet);
  fail();
  return NULL;
}

#define KIND "enum kind { consulting, technology }\n"

/* ---- dates ------------------------------------------------------------------------- */

static const char *DATES = KIND
    "record { id: text; partner type: kind; d: date; }\n"
    "metric m1 = d within 1 months;\n"
    "metric y1 = d within 12 months;\n"
    "metric d90 = d within 90 days;\n"
    "tier M consulting < m1; >\n"
    "tier Y technology < y1; >\n";

#define D(t, d) "{\"id\":\"x\",\"type\":\"" t "\",\"d\":\"" d "\"}"

static void within_one_month_clamps_at_month_end(void **st) {
  (void)st;
  struct fx f = fx_new(DATES);
  /* asof 2019-03-31: asof - 1 month = 2019-02-28 (clamped), excluded */
  assert_string_equal(held(&f, D("consulting", "2019-02-28"), "2019-03-31"), "-");
  assert_string_equal(held(&f, D("consulting", "2019-03-01"), "2019-03-31"), "M");
  assert_string_equal(held(&f, D("consulting", "2019-03-31"), "2019-03-31"), "M");
  /* in a leap year the clamp is the 29th */
  assert_string_equal(held(&f, D("consulting", "2020-02-29"), "2020-03-31"), "-");
  assert_string_equal(held(&f, D("consulting", "2020-03-01"), "2020-03-31"), "M");
  fx_free(&f);
}

static void within_twelve_months_bounds(void **st) {
  (void)st;
  struct fx f = fx_new(DATES);
  /* asof - 12 months < d <= asof */
  assert_string_equal(held(&f, D("technology", "2018-12-13"), "2019-12-13"), "-");
  assert_string_equal(held(&f, D("technology", "2018-12-14"), "2019-12-13"), "Y");
  assert_string_equal(held(&f, D("technology", "2019-12-13"), "2019-12-13"), "Y");
  /* a date after asof is not "within": it has not happened yet */
  assert_string_equal(held(&f, D("technology", "2019-12-14"), "2019-12-13"), "-");
  /* 2020-02-29 - 12 months = 2019-02-28 */
  assert_string_equal(held(&f, D("technology", "2019-02-28"), "2020-02-29"), "-");
  assert_string_equal(held(&f, D("technology", "2019-03-01"), "2020-02-29"), "Y");
  fx_free(&f);
}

static void within_days(void **st) {
  (void)st;
  struct fx f = fx_new(KIND "record { id: text; partner type: kind; d: date; }\n"
                            "tier W consulting < d within 90 days; >\n");
  /* 2019-12-13 - 90 days = 2019-09-14, excluded */
  assert_string_equal(held(&f, D("consulting", "2019-09-14"), "2019-12-13"), "-");
  assert_string_equal(held(&f, D("consulting", "2019-09-15"), "2019-12-13"), "W");
  fx_free(&f);
}

static void date_arithmetic_clamps(void **st) {
  (void)st;
  struct fx f = fx_new(KIND "record { id: text; partner type: kind; d: date; }\n"
                            "tier A consulting < d + 1 months == 2019-02-28; >\n"
                            "tier B technology < d - 1 months == 2020-02-29; d + 1 years == 2021-03-31; >\n");
  assert_string_equal(held(&f, D("consulting", "2019-01-31"), "2019-12-13"), "A");
  assert_string_equal(held(&f, D("consulting", "2019-01-28"), "2019-12-13"), "A");
  assert_string_equal(held(&f, D("consulting", "2019-01-27"), "2019-12-13"), "-");
  assert_string_equal(held(&f, D("technology", "2020-03-31"), "2019-12-13"), "B");
  fx_free(&f);
  f = fx_new(KIND "record { id: text; partner type: kind; d: date; }\n"
                  "tier A consulting < d + 1 years == 2021-02-28; d - 12 months == 2019-02-28; d + 10 days == 2020-03-10; >\n");
  assert_string_equal(held(&f, D("consulting", "2020-02-29"), "2019-12-13"), "A");
  fx_free(&f);
}

/* ---- facts in time ---------------------------------------------------------------------- */

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

static void expiry_at_asof_is_not_held(void **st) {
  (void)st;
  struct fx f = fx_new(CERTS);
  assert_string_equal(held(&f, PC(CERT("a", "associate", "2018-01-01", "\"2019-12-13\"")), "2019-12-13"), "-");
  assert_string_equal(held(&f, PC(CERT("a", "associate", "2018-01-01", "\"2019-12-14\"")), "2019-12-13"), "One");
  assert_string_equal(held(&f, PC(CERT("a", "associate", "2018-01-01", "null")), "2019-12-13"), "One");
  /* an optional field may also be absent */
  assert_string_equal(held(&f, PC("{\"person\":\"a\",\"level\":\"associate\",\"earned\":\"2018-01-01\"}"), "2019-12-13"), "One");
  fx_free(&f);
}

static void fact_dated_after_asof_is_not_counted(void **st) {
  (void)st;
  struct fx f = fx_new(CERTS);
  assert_string_equal(held(&f, PC(CERT("a", "associate", "2019-12-14", "null")), "2019-12-13"), "-");
  assert_string_equal(held(&f, PC(CERT("a", "associate", "2019-12-13", "null")), "2019-12-13"), "One");
  fx_free(&f);
}

static void person_counted_once(void **st) {
  (void)st;
  struct fx f = fx_new(CERTS);
  /* three held certifications, one person: one certified individual */
  const char *one = PC(CERT("e1", "associate", "2018-01-01", "null") "," CERT("e1", "professional", "2018-02-01", "null") ","
                           CERT("e1", "specialty", "2018-03-01", "null"));
  const tier_result *r = ev(&f, one, "2019-12-13");
  assert_string_equal(r->tier, "One");
  assert_string_equal(r->next, "Two");
  assert_int_equal(r->nunmet, 1);
  assert_string_equal(r->unmet[0].metric, "people");
  assert_string_equal(r->unmet[0].actual, "1");
  assert_string_equal(r->unmet[0].required, "2");
  /* a foundational certification does not count; an expired one neither */
  const char *mix = PC(CERT("e1", "associate", "2018-01-01", "null") "," CERT("e2", "foundational", "2018-01-01", "null") ","
                           CERT("e3", "professional", "2017-01-01", "\"2019-01-01\""));
  assert_string_equal(held(&f, mix, "2019-12-13"), "One");
  /* two people */
  const char *two = PC(CERT("e1", "associate", "2018-01-01", "null") "," CERT("e2", "associate", "2018-01-01", "null") ","
                           CERT("e1", "specialty", "2018-01-01", "null"));
  assert_string_equal(held(&f, two, "2019-12-13"), "Two");
  /* the same person's name in a second record is still one person per record */
  assert_string_equal(held(&f, one, "2019-12-13"), "One");
  fx_free(&f);
}

/* ---- aggregates, empty lists, none ----------------------------------------------------- */

static const char *AGG = KIND
    "enum stage { open, launched, lost }\n"
    "record { id: text; partner type: kind;\n"
    "  opps: list { stage: stage; launched: date?; mrr: money; score: int; rate: number; }\n"
    "}\n"
    "metric total = sum mrr in opps where stage == launched;\n"
    "metric n = count opps;\n"
    "metric lo = min score in opps;\n"
    "metric hi = max score in opps;\n"
    "metric latest = max launched in opps;\n"
    "metric first = min launched in opps;\n"
    "metric anyl = any opps where stage == launched;\n"
    "metric alll = all opps where stage == launched;\n"
    "metric rsum = sum rate in opps;\n"
    "metric rmax = max rate in opps;\n"
    /* one tier per question, each for the consulting type, cumulative from an empty base */
    "tier Base consulting < >\n";

static struct fx agg_fx(const char *tier_rule) {
  char src[4096];
  snprintf(src, sizeof src, "%stier Q consulting < %s; >\n", AGG, tier_rule);
  return fx_new(src);
}
static const char *ask(const char *rule, const char *opps) {
  static char out[16];
  struct fx f = agg_fx(rule);
  char json[2048];
  snprintf(json, sizeof json, "{\"id\":\"x\",\"type\":\"consulting\",\"opps\":[%s]}", opps);
  const tier_result *r = ev(&f, json, "2019-12-13");
  snprintf(out, sizeof out, "%s", r->tier && !strcmp(r->tier, "Q") ? "yes" : "no");
  fx_free(&f);
  return out;
}

#define O(st, l, m, s, r) "{\"stage\":\"" st "\",\"launched\":" l ",\"mrr\":" m ",\"score\":" s ",\"rate\":" r "}"
static const char *OPPS3 = O("launched", "\"2019-01-10\"", "100.50", "3", "0.5") ","
                           O("open", "null", "1000", "-2", "1.25") ","
                           O("launched", "\"2019-06-01\"", "0.25", "7", "2");

static void sum_count_min_max(void **st) {
  (void)st;
  assert_string_equal(ask("total == 100.75", OPPS3), "yes");
  assert_string_equal(ask("n == 3", OPPS3), "yes");
  assert_string_equal(ask("lo == -2", OPPS3), "yes");
  assert_string_equal(ask("hi == 7", OPPS3), "yes");
  assert_string_equal(ask("rsum == 3.75", OPPS3), "yes");
  assert_string_equal(ask("rmax == 2", OPPS3), "yes");
  assert_string_equal(ask("anyl", OPPS3), "yes");
  assert_string_equal(ask("alll", OPPS3), "no");
}

static void max_and_min_skip_none_values(void **st) {
  (void)st;
  assert_string_equal(ask("latest == 2019-06-01", OPPS3), "yes");
  assert_string_equal(ask("first == 2019-01-10", OPPS3), "yes");
  /* all values none: the result is none */
  const char *nones = O("open", "null", "1", "1", "1") "," O("lost", "null", "1", "1", "1");
  assert_string_equal(ask("latest is none", nones), "yes");
  assert_string_equal(ask("latest is not none", nones), "no");
}

static void aggregates_over_empty_lists(void **st) {
  (void)st;
  assert_string_equal(ask("total == 0", ""), "yes");
  assert_string_equal(ask("n == 0", ""), "yes");
  assert_string_equal(ask("rsum == 0", ""), "yes");
  assert_string_equal(ask("anyl", ""), "no");
  assert_string_equal(ask("alll", ""), "yes");
  /* min/max of nothing is none, and every comparison with none is false */
  assert_string_equal(ask("lo is none", ""), "yes");
  assert_string_equal(ask("hi is none", ""), "yes");
  assert_string_equal(ask("rmax is none", ""), "yes");
  assert_string_equal(ask("lo >= 0", ""), "no");
  assert_string_equal(ask("lo < 0", ""), "no");
  assert_string_equal(ask("lo == lo", ""), "no");
  assert_string_equal(ask("lo != 0", ""), "no");
  assert_string_equal(ask("rmax >= 0", ""), "no");
  assert_string_equal(ask("rmax < 0", ""), "no");
  assert_string_equal(ask("latest <= asof", ""), "no");
  assert_string_equal(ask("not (lo >= 0)", ""), "yes");
  /* an absent list is an empty list */
  struct fx f = agg_fx("n == 0 and total == 0");
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\"}", "2019-12-13"), "Q");
  fx_free(&f);
}

static void none_in_comparisons_and_arithmetic(void **st) {
  (void)st;
  struct fx f = fx_new(KIND "record { id: text; partner type: kind; o: date?; }\n"
                            "tier Base consulting < >\n"
                            "tier A consulting < o >= 2000-01-01 or o < 2000-01-01 or o == o; >\n"
                            "tier B technology < o is none; not (o within 12 months); o + 1 months is none; >\n");
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"o\":null}", "2019-12-13"), "Base");
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"o\":\"2019-01-01\"}", "2019-12-13"), "A");
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"technology\"}", "2019-12-13"), "B");
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"technology\",\"o\":\"2019-12-01\"}", "2019-12-13"), "-");
  fx_free(&f);
}

static void if_then_else(void **st) {
  (void)st;
  struct fx f = fx_new(KIND "record { id: text; partner type: kind; n: int; o: date?; }\n"
                            "metric bonus = if n > 10 then 5 else if n > 5 then 2 else 0;\n"
                            "metric since = if o is none then 2000-01-01 else o;\n"
                            "tier A consulting < bonus + n >= 9; since <= 2019-01-01; >\n");
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"n\":7}", "2019-12-13"), "A");     /* 7 + 2 */
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"n\":6}", "2019-12-13"), "-");     /* 6 + 2 */
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"n\":5}", "2019-12-13"), "-");     /* 5 + 0 */
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"n\":11}", "2019-12-13"), "A");    /* 11 + 5 */
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"n\":11,\"o\":\"2019-06-01\"}", "2019-12-13"), "-");
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"n\":11,\"o\":\"2018-06-01\"}", "2019-12-13"), "A");
  fx_free(&f);
}

static void enum_values_and_order(void **st) {
  (void)st;
  /* `launched` is a field of the item and a value of stage: compared with
   * stage, the bare name is the enum value */
  struct fx f = fx_new(KIND "enum stage { open, launched, lost }\n"
                            "enum level { foundational, associate, professional, specialty }\n"
                            "record { id: text; partner type: kind; lv: level;\n"
                            "  opps: list { stage: stage; launched: date?; }\n"
                            "}\n"
                            "metric l = count opps where stage == launched and launched <= asof;\n"
                            "tier A consulting < l >= 1; lv >= associate; lv in {associate, professional}; >\n");
  const char *opps = "\"opps\":[{\"stage\":\"launched\",\"launched\":\"2019-01-01\"},{\"stage\":\"open\",\"launched\":\"2019-01-01\"}]";
  char json[512];
  snprintf(json, sizeof json, "{\"id\":\"x\",\"type\":\"consulting\",\"lv\":\"associate\",%s}", opps);
  assert_string_equal(held(&f, json, "2019-12-13"), "A");
  snprintf(json, sizeof json, "{\"id\":\"x\",\"type\":\"consulting\",\"lv\":\"foundational\",%s}", opps);
  assert_string_equal(held(&f, json, "2019-12-13"), "-");
  snprintf(json, sizeof json, "{\"id\":\"x\",\"type\":\"consulting\",\"lv\":\"specialty\",%s}", opps);
  assert_string_equal(held(&f, json, "2019-12-13"), "-"); /* >= associate but not in the set */
  snprintf(json, sizeof json, "{\"id\":\"x\",\"type\":\"consulting\",\"lv\":\"professional\",\"opps\":[{\"stage\":\"open\",\"launched\":\"2019-01-01\"}]}");
  assert_string_equal(held(&f, json, "2019-12-13"), "-");
  fx_free(&f);
}

/* ---- money ----------------------------------------------------------------------------------- */

static const char *MONEY = KIND
    "record { id: text; partner type: kind; mrr: money;\n"
    "  items: list { amount: money; }\n"
    "}\n"
    "metric mrr_total \"MRR (USD)\" = sum amount in items;\n"
    "tier Base consulting < >\n"
    "tier Paid consulting < mrr >= 1500; >\n"
    "tier Big consulting < mrr_total >= 1500; >\n";

static void int_threshold_coerces_to_money(void **st) {
  (void)st;
  struct fx f = fx_new(MONEY);
  const tier_result *r = ev(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"mrr\":1499.99}", "2019-12-13");
  assert_string_equal(r->tier, "Base");
  assert_string_equal(r->next, "Paid");
  assert_int_equal(r->nunmet, 1);
  assert_string_equal(r->unmet[0].metric, "mrr");
  assert_string_equal(r->unmet[0].actual, "1499.99");
  assert_string_equal(r->unmet[0].required, "1500");
  assert_int_equal(r->unmet[0].type, TIER_TYPE_MONEY);
  assert_true(r->unmet[0].actual_value == 1499.99 && r->unmet[0].required_value == 1500);
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"mrr\":1500.00}", "2019-12-13"), "Paid");
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"mrr\":1500}", "2019-12-13"), "Paid");
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"mrr\":1.5e3}", "2019-12-13"), "Paid");
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"mrr\":-1500}", "2019-12-13"), "Base");
  fx_free(&f);
}

static void money_sums_are_exact(void **st) {
  (void)st;
  struct fx f = fx_new(MONEY);
  /* 0.1 + 0.2 style sums must not drift: 1499.70 + 0.10 + 0.20 == 1500 */
  const tier_result *r = ev(&f,
                            "{\"id\":\"x\",\"type\":\"consulting\",\"mrr\":1500,"
                            "\"items\":[{\"amount\":1499.7},{\"amount\":0.1},{\"amount\":0.2}]}",
                            "2019-12-13");
  assert_string_equal(r->tier, "Big");
  r = ev(&f,
         "{\"id\":\"x\",\"type\":\"consulting\",\"mrr\":1500,"
         "\"items\":[{\"amount\":1499.7},{\"amount\":0.1},{\"amount\":0.19}]}",
         "2019-12-13");
  assert_string_equal(r->tier, "Paid");
  assert_string_equal(r->next, "Big");
  const tier_req_result *u = unmet_named(r, "mrr_total >= 1500");
  assert_string_equal(u->metric, "mrr_total");
  assert_string_equal(u->actual, "1499.99");
  assert_string_equal(u->required, "1500");
  assert_string_equal(u->label, "MRR (USD)");
  fx_free(&f);
}

static void money_with_three_decimals_is_a_record_error(void **st) {
  (void)st;
  struct fx f = fx_new(MONEY);
  tu_assert_contains(rejected(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"mrr\":500.005}"), "@$.mrr");
  tu_assert_contains(rejected(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"mrr\":500.005}"), "cents");
  tu_assert_contains(rejected(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"mrr\":1,\"items\":[{\"amount\":1},{\"amount\":0.001}]}"),
                     "@$.items[1].amount");
  /* the VM stays usable after a rejected record */
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"mrr\":1500}", "2019-12-13"), "Paid");
  fx_free(&f);
}

static void invalid_dates_are_record_errors_with_paths(void **st) {
  (void)st;
  struct fx f = fx_new(CERTS);
  const char *m = rejected(&f, PC(CERT("a", "associate", "2018-01-01", "null") "," CERT("b", "associate", "2019-02-30", "null")));
  tu_assert_contains(m, "2019-02-30");
  tu_assert_contains(m, "@$.certs[1].earned");
  m = rejected(&f, PC(CERT("a", "associate", "2018-01-01", "\"2019-13-01\"")));
  tu_assert_contains(m, "@$.certs[0].expires");
  m = rejected(&f, PC(CERT("a", "associate", "2019-2-3", "null")));
  tu_assert_contains(m, "@$.certs[0].earned");
  m = rejected(&f, PC(CERT("a", "expert", "2018-01-01", "null")));
  tu_assert_contains(m, "foundational, associate, professional, specialty");
  tu_assert_contains(m, "@$.certs[0].level");
  fx_free(&f);
  f = fx_new(DATES);
  m = rejected(&f, D("consulting", "2019-02-30"));
  tu_assert_contains(m, "'2019-02-30' is not a calendar date");
  tu_assert_contains(m, "@$.d");
  /* 2020 is a leap year, 2100 is not */
  assert_string_equal(held(&f, D("consulting", "2020-02-29"), "2020-03-01"), "M");
  tu_assert_contains(rejected(&f, D("consulting", "2100-02-29")), "@$.d");
  fx_free(&f);
}

/* ---- tiers ------------------------------------------------------------------------------------------ */

static void cumulative_tiers(void **st) {
  (void)st;
  struct fx f = fx_new(KIND "record { id: text; partner type: kind; a: int; b: int; }\n"
                            "tier R consulting < >\n"
                            "tier S consulting < a >= 1; >\n"
                            "tier A consulting < b >= 1; >\n"
                            "tier P consulting < a >= 3; b >= 3; >\n"
                            "tier T technology < a >= 1; >\n");
#define AB(a, b) "{\"id\":\"x\",\"type\":\"consulting\",\"a\":" #a ",\"b\":" #b "}"
  assert_string_equal(held(&f, AB(0, 0), "2019-12-13"), "R");
  assert_string_equal(held(&f, AB(1, 0), "2019-12-13"), "S");
  assert_string_equal(held(&f, AB(1, 1), "2019-12-13"), "A");
  assert_string_equal(held(&f, AB(3, 3), "2019-12-13"), "P");
  /* meets P and A but not S: holds only R, and S is next */
  const tier_result *r = ev(&f, AB(0, 5), "2019-12-13");
  assert_string_equal(r->tier, "R");
  assert_string_equal(r->next, "S");
  assert_int_equal(r->nunmet, 1);
  assert_string_equal(r->unmet[0].rule, "a >= 1");
  assert_string_equal(r->unmet[0].tier, "S");
  /* at the top: next is NULL and nothing is unmet */
  r = ev(&f, AB(9, 9), "2019-12-13");
  assert_string_equal(r->tier, "P");
  assert_null(r->next);
  assert_int_equal(r->nunmet, 0);
  /* technology has one tier and no empty base */
  r = ev(&f, "{\"id\":\"x\",\"type\":\"technology\",\"a\":0,\"b\":0}", "2019-12-13");
  assert_null(r->tier);
  assert_string_equal(r->next, "T");
  assert_string_equal(r->type, "technology");
  fx_free(&f);
#undef AB
}

/* A tier sustained 3 months must hold at asof and at asof - 1, 2, 3 months.
 * `active` counts items whose [start, end) covers the checkpoint. */
static const char *SUST = KIND
    "record { id: text; partner type: kind;\n"
    "  spans: list { start: date; end: date?; }\n"
    "}\n"
    "metric active = count spans where start <= asof and (end is none or end > asof);\n"
    "tier R consulting < >\n"
    "tier P consulting < active >= 1; sustained 3 months; >\n";

#define SPAN(s, e) "{\"start\":\"" s "\",\"end\":" e "}"
#define PS(items) "{\"id\":\"x\",\"type\":\"consulting\",\"spans\":[" items "]}"

static void sustained_fails_at_one_checkpoint(void **st) {
  (void)st;
  struct fx f = fx_new(SUST);
  /* asof 2019-06-30; checkpoints 06-30, 05-30, 04-30, 03-30.  Covered
   * 2019-01-01..2019-04-15 and from 2019-05-01: only 04-30 fails. */
  const tier_result *r = ev(&f, PS(SPAN("2019-01-01", "\"2019-04-15\"") "," SPAN("2019-05-01", "null")), "2019-06-30");
  assert_string_equal(r->tier, "R");
  assert_string_equal(r->next, "P");
  assert_int_equal(r->nunmet, 1);
  assert_int_equal(r->unmet[0].sustained, 3);
  assert_int_equal(r->unmet[0].checkpoint, day("2019-04-30"));
  assert_string_equal(r->unmet[0].tier, "P");
  assert_false(r->unmet[0].met);
  /* cover 04-30 as well: held */
  assert_string_equal(held(&f, PS(SPAN("2019-01-01", "\"2019-05-01\"") "," SPAN("2019-05-01", "null")), "2019-06-30"), "P");
  fx_free(&f);
}

static void sustained_window_is_inclusive_of_the_oldest_checkpoint(void **st) {
  (void)st;
  struct fx f = fx_new(SUST);
  /* starting on the oldest checkpoint (asof - 3 months = 2019-03-30) is enough */
  assert_string_equal(held(&f, PS(SPAN("2019-03-30", "null")), "2019-06-30"), "P");
  /* one day later is not */
  const tier_result *r = ev(&f, PS(SPAN("2019-03-31", "null")), "2019-06-30");
  assert_string_equal(r->tier, "R");
  assert_int_equal(r->nunmet, 1);
  assert_int_equal(r->unmet[0].sustained, 3);
  assert_int_equal(r->unmet[0].checkpoint, day("2019-03-30"));
  /* checkpoints come from asof directly, with month-end clamping:
   * asof 2019-05-31 -> 04-30, 03-31, 02-28 */
  assert_string_equal(held(&f, PS(SPAN("2019-02-28", "null")), "2019-05-31"), "P");
  r = ev(&f, PS(SPAN("2019-03-01", "null")), "2019-05-31");
  assert_int_equal(r->unmet[0].checkpoint, day("2019-02-28"));
  fx_free(&f);
}

static void sustained_failing_today_is_listed_with_asof(void **st) {
  (void)st;
  struct fx f = fx_new(SUST);
  const tier_result *r = ev(&f, PS(SPAN("2019-01-01", "\"2019-06-01\"")), "2019-06-30");
  assert_string_equal(r->next, "P");
  assert_int_equal(r->nunmet, 2);
  const tier_req_result *a = unmet_named(r, "active >= 1");
  assert_string_equal(a->actual, "0");
  assert_string_equal(a->required, "1");
  int found = 0;
  for (size_t i = 0; i < r->nunmet; i++)
    if (r->unmet[i].sustained) {
      found = 1;
      assert_int_equal(r->unmet[i].sustained, 3);
      assert_int_equal(r->unmet[i].checkpoint, day("2019-06-30"));
    }
  assert_true(found);
  fx_free(&f);
}

static void sustained_includes_lower_tiers(void **st) {
  (void)st;
  /* P's own rule always holds; the lower tier S failed two months ago */
  struct fx f = fx_new(KIND "record { id: text; partner type: kind; since: date; }\n"
                            "tier S consulting < since <= asof; >\n"
                            "tier P consulting < true; sustained 2 months; >\n");
  const tier_result *r = ev(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"since\":\"2019-05-15\"}", "2019-06-30");
  assert_string_equal(r->tier, "S");
  assert_string_equal(r->next, "P");
  assert_int_equal(r->nunmet, 1);
  assert_int_equal(r->unmet[0].checkpoint, day("2019-04-30"));
  assert_string_equal(held(&f, "{\"id\":\"x\",\"type\":\"consulting\",\"since\":\"2019-04-30\"}", "2019-06-30"), "P");
  fx_free(&f);
}

/* ---- the review date ----------------------------------------------------------------------------------- */

static void review_rule_picks_asof_per_record(void **st) {
  (void)st;
  struct fx f = fx_new(KIND "record { id: text; partner type: kind; renewal: date; d: date; }\n"
                            "review = if renewal <= 2019-12-13 then 2019-12-13 else renewal;\n"
                            "tier R consulting < >\n"
                            "tier A consulting < d within 1 months; >\n");
  const tier_result *r = ev(&f, "{\"id\":\"a\",\"type\":\"consulting\",\"renewal\":\"2019-10-01\",\"d\":\"2019-12-01\"}", NULL);
  assert_int_equal(r->asof, day("2019-12-13"));
  assert_string_equal(r->tier, "A");
  assert_string_equal(r->id, "a");
  r = ev(&f, "{\"id\":\"b\",\"type\":\"consulting\",\"renewal\":\"2019-01-15\",\"d\":\"2019-12-01\"}", NULL);
  assert_int_equal(r->asof, day("2019-12-13"));
  r = ev(&f, "{\"id\":\"c\",\"type\":\"consulting\",\"renewal\":\"2020-02-01\",\"d\":\"2019-12-01\"}", NULL);
  assert_int_equal(r->asof, day("2020-02-01"));
  assert_string_equal(r->tier, "R"); /* 2019-12-01 is not within a month of 2020-02-01 */
  r = ev(&f, "{\"id\":\"d\",\"type\":\"consulting\",\"renewal\":\"2019-12-13\",\"d\":\"2019-12-01\"}", NULL);
  assert_int_equal(r->asof, day("2019-12-13"));
  /* an explicit asof overrides the review rule */
  r = ev(&f, "{\"id\":\"c\",\"type\":\"consulting\",\"renewal\":\"2020-02-01\",\"d\":\"2019-12-01\"}", "2019-12-20");
  assert_int_equal(r->asof, day("2019-12-20"));
  assert_string_equal(r->tier, "A");
  fx_free(&f);
}

static void review_rule_without_a_date_rejects_the_record(void **st) {
  (void)st;
  struct fx f = fx_new(KIND "record { id: text; partner type: kind; renewal: date?; }\n"
                            "review = renewal;\n"
                            "tier R consulting < >\n");
  const tier_result *r = NULL;
  const char *json = "{\"id\":\"a\",\"type\":\"consulting\",\"renewal\":null}";
  assert_int_equal(tier_eval_json(f.vm, json, strlen(json), TIER_NONE, &r), TIER_ERECORD);
  tu_assert_contains(tier_vm_error(f.vm), "review rule");
  /* with an explicit asof the review rule is not needed */
  assert_string_equal(held(&f, json, "2019-12-13"), "R");
  r = ev(&f, "{\"id\":\"a\",\"type\":\"consulting\",\"renewal\":\"2020-05-31\"}", NULL);
  assert_int_equal(r->asof, day("2020-05-31"));
  fx_free(&f);
}

/* ---- more operators ------------------------------------------------------------------------ */

static void arithmetic_on_money_dates_and_text(void **st) {
  (void)st;
  struct fx f = fx_new(KIND "enum level { low, high }\n"
                            "record { id: text; partner type: kind; mrr: money; d: date; lv: level;\n"
                            "  items: list { who: text; lv: level; at: date; }\n"
                            "}\n"
                            "metric levels = count distinct lv in items;\n"
                            "metric days = count distinct at in items;\n"
                            "tier R consulting < >\n"
                            "tier A consulting < mrr * 2 >= 3000; mrr >= 1499.99; mrr - 0.01 < 1500; >\n"
                            "tier B consulting < asof - d >= 30; id == \"P-1\"; >\n"
                            "tier C consulting < levels == 2; days == 1; all items where at <= asof; >\n");
  assert_string_equal(held(&f, "{\"id\":\"P-1\",\"type\":\"consulting\",\"mrr\":1499.99,\"d\":\"2019-11-13\",\"lv\":\"low\"}",
                           "2019-12-13"), "R");
  assert_string_equal(held(&f, "{\"id\":\"P-1\",\"type\":\"consulting\",\"mrr\":1500,\"d\":\"2019-11-13\",\"lv\":\"low\"}",
                           "2019-12-13"), "B");
  assert_string_equal(held(&f, "{\"id\":\"P-2\",\"type\":\"consulting\",\"mrr\":1500,\"d\":\"2019-11-13\",\"lv\":\"low\"}",
                           "2019-12-13"), "A");
  assert_string_equal(held(&f, "{\"id\":\"P-1\",\"type\":\"consulting\",\"mrr\":1500,\"d\":\"2019-11-14\",\"lv\":\"low\"}",
                           "2019-12-13"), "A");
  assert_string_equal(held(&f, "{\"id\":\"P-1\",\"type\":\"consulting\",\"mrr\":1500,\"d\":\"2019-11-13\",\"lv\":\"low\","
                               "\"items\":[{\"who\":\"a\",\"lv\":\"low\",\"at\":\"2019-01-01\"},"
                               "{\"who\":\"b\",\"lv\":\"high\",\"at\":\"2019-01-01\"},"
                               "{\"who\":\"a\",\"lv\":\"high\",\"at\":\"2019-01-01\"}]}",
                           "2019-12-13"), "C");
  /* one item dated after asof: `all` fails */
  assert_string_equal(held(&f, "{\"id\":\"P-1\",\"type\":\"consulting\",\"mrr\":1500,\"d\":\"2019-11-13\",\"lv\":\"low\","
                               "\"items\":[{\"who\":\"a\",\"lv\":\"low\",\"at\":\"2019-12-14\"},"
                               "{\"who\":\"b\",\"lv\":\"high\",\"at\":\"2019-12-14\"}]}",
                           "2019-12-13"), "B");
  fx_free(&f);
}

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

/* ---- the unmet list -------------------------------------------------------------------------------------- */

static void unmet_lists_each_failing_requirement_of_next(void **st) {
  (void)st;
  struct fx f = fx_new(KIND "record { id: text; partner type: kind; people: int; mrr: money; plan: date?; }\n"
                            "metric certified \"AWS certified individuals\" = people;\n"
                            "metric revenue = mrr;\n"
                            "metric planned = plan within 12 months;\n"
                            "tier R consulting < >\n"
                            "tier S consulting <\n"
                            "  knowledge: certified >= 4 \"AWS certified individuals\";\n"
                            "  experience: revenue >= 1500; planned;\n"
                            "  certified >= 1 or revenue >= 1;\n"
                            ">\n"
                            "tier A consulting < certified >= 10; >\n");
  const tier_result *r = ev(&f, "{\"id\":\"P-1\",\"type\":\"consulting\",\"people\":3,\"mrr\":1200.5,\"plan\":null}", "2019-12-13");
  assert_string_equal(r->tier, "R");
  assert_string_equal(r->next, "S");
  assert_string_equal(r->id, "P-1");
  assert_int_equal(r->nunmet, 3);
  const tier_req_result *u = unmet_named(r, "certified >= 4");
  assert_string_equal(u->tier, "S");
  assert_string_equal(u->section, "knowledge");
  assert_string_equal(u->label, "AWS certified individuals");
  assert_string_equal(u->metric, "certified");
  assert_string_equal(u->actual, "3");
  assert_string_equal(u->required, "4");
  assert_int_equal(u->type, TIER_TYPE_INT);
  assert_false(u->missing);
  assert_false(u->met);
  u = unmet_named(r, "revenue >= 1500");
  assert_string_equal(u->section, "experience");
  assert_null(u->label);
  assert_string_equal(u->metric, "revenue");
  assert_string_equal(u->actual, "1200.50");
  assert_string_equal(u->required, "1500");
  u = unmet_named(r, "planned");
  assert_string_equal(u->section, "experience");
  /* a bare bool metric reads as `planned == true` */
  assert_string_equal(u->metric, "planned");
  assert_string_equal(u->actual, "false");
  assert_string_equal(u->required, "true");
  assert_int_equal(u->type, TIER_TYPE_BOOL);
  /* an expression that is not one metric against a constant has no metric */
  assert_null(unmet_named(ev(&f, "{\"id\":\"P-1\",\"type\":\"consulting\",\"people\":0,\"mrr\":0,\"plan\":null}",
                             "2019-12-13"), "certified >= 1 or revenue >= 1")->metric);
  /* the requirement that holds is not listed, and nothing of the tier above */
  for (size_t i = 0; i < r->nunmet; i++) {
    assert_string_equal(r->unmet[i].tier, "S");
    assert_int_equal(r->unmet[i].sustained, 0);
  }
  fx_free(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(within_one_month_clamps_at_month_end),
      cmocka_unit_test(within_twelve_months_bounds),
      cmocka_unit_test(within_days),
      cmocka_unit_test(date_arithmetic_clamps),
      cmocka_unit_test(expiry_at_asof_is_not_held),
      cmocka_unit_test(fact_dated_after_asof_is_not_counted),
      cmocka_unit_test(person_counted_once),
      cmocka_unit_test(sum_count_min_max),
      cmocka_unit_test(max_and_min_skip_none_values),
      cmocka_unit_test(aggregates_over_empty_lists),
      cmocka_unit_test(none_in_comparisons_and_arithmetic),
      cmocka_unit_test(if_then_else),
      cmocka_unit_test(enum_values_and_order),
      cmocka_unit_test(int_threshold_coerces_to_money),
      cmocka_unit_test(money_sums_are_exact),
      cmocka_unit_test(money_with_three_decimals_is_a_record_error),
      cmocka_unit_test(invalid_dates_are_record_errors_with_paths),
      cmocka_unit_test(cumulative_tiers),
      cmocka_unit_test(sustained_fails_at_one_checkpoint),
      cmocka_unit_test(sustained_window_is_inclusive_of_the_oldest_checkpoint),
      cmocka_unit_test(sustained_failing_today_is_listed_with_asof),
      cmocka_unit_test(sustained_includes_lower_tiers),
      cmocka_unit_test(review_rule_picks_asof_per_record),
      cmocka_unit_test(review_rule_without_a_date_rejects_the_record),
      cmocka_unit_test(arithmetic_on_money_dates_and_text),
      cmocka_unit_test(one_ruleset_two_vms),
      cmocka_unit_test(unmet_lists_each_failing_requirement_of_next),
  };
  return cmocka_run_group_tests_name("semantics", tests, NULL, NULL);
}
