/*
 * test_trust.c - several trusted keys (tier_options.trust_keys) mean "any
 * of these": tier_load accepts a file signed with any one of them, and
 * refuses an unsigned file or one signed with a key outside the set.
 */
#include "testutil.h"

static uint8_t pub[3][32], sec[3][64];
static uint8_t *bc;
static size_t nbc;

static int setup(void **st) {
  (void)st;
  for (int i = 0; i < 3; i++)
    if (tier_keygen(pub[i], sec[i]) != TIER_OK) return -1;
  const char *src = "enum k { a } record { id: text; partner type: k; } tier T a < >\n";
  return tier_compile("t.tier", src, strlen(src), NULL, &bc, &nbc, NULL) == TIER_OK ? 0 : -1;
}
static int teardown(void **st) {
  (void)st;
  tier_free_bytes(NULL, bc, nbc);
  return 0;
}

/* Load bc signed with key `signer` (-1: unsigned) under the options. */
static int load(int signer, const tier_options *opt) {
  uint8_t *p = bc, *s = NULL;
  size_t n = nbc;
  if (signer >= 0) {
    assert_int_equal(tier_sign(bc, nbc, sec[signer], NULL, &s, &n), TIER_OK);
    p = s;
  }
  tier_ruleset *rs = NULL;
  char err[256];
  int rc = tier_load(p, n, opt, &rs, err, sizeof err);
  tier_ruleset_free(rs);
  tier_free_bytes(NULL, s, n);
  return rc;
}

static void any_of_the_keys(void **st) {
  (void)st;
  uint8_t set[2 * 32];
  memcpy(set, pub[0], 32);
  memcpy(set + 32, pub[1], 32);
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  opt.trust_keys = set;
  opt.ntrust_keys = 2;
  assert_int_equal(load(0, &opt), TIER_OK);
  assert_int_equal(load(1, &opt), TIER_OK);
  assert_int_equal(load(2, &opt), TIER_ESIGNATURE);
  assert_int_equal(load(-1, &opt), TIER_ESIGNATURE);
  /* trust_key adds one more to the set */
  opt.trust_key = pub[2];
  assert_int_equal(load(2, &opt), TIER_OK);
  opt.ntrust_keys = 0;
  assert_int_equal(load(2, &opt), TIER_OK);
  assert_int_equal(load(0, &opt), TIER_ESIGNATURE);
  /* no key: signatures are checked but any signer will do */
  assert_int_equal(load(2, NULL), TIER_OK);
  assert_int_equal(load(-1, NULL), TIER_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(any_of_the_keys)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
