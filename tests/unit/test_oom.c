/*
 * test_oom.c - out of memory, injected through the allocator hook: the Nth
 * allocation fails (once, or from then on) for N = 1, 2, ... until the
 * operation succeeds.  Every failure must be a clean TIER_ENOMEM (or, where
 * the caller can tell, a clean error) with every block handed back: the hook
 * counts live blocks, and the count must return to zero.
 */
#include "testutil.h"

struct hook_state {
  long n;          /* allocations so far */
  long fail_at;    /* 0: never */
  bool persistent; /* fail every allocation from fail_at on */
  long live;       /* blocks not yet freed */
};

static void *hook(void *ud, void *p, size_t o, size_t n) {
  struct hook_state *h = ud;
  (void)o;
  if (n == 0) {
    if (p) h->live--;
    free(p);
    return NULL;
  }
  h->n++;
  if (h->fail_at && (h->n == h->fail_at || (h->persistent && h->n > h->fail_at))) return NULL;
  void *q = realloc(p, n);
  if (q && !p) h->live++;
  return q;
}

static char *apn_source;

static int setup(void **st) {
  (void)st;
  /* the card is enough to reach every stage; APN adds imports and lists */
  apn_source = NULL;
  return 0;
}

/* Compile `path` with the Nth allocation failing, for every N. */
static void compile_under_oom(const char *path, bool persistent) {
  long successes = 0, failures = 0;
  for (long n = 1; n < 100000; n++) {
    struct hook_state h = {0, n, persistent, 0};
    tier_options opt;
    memset(&opt, 0, sizeof opt);
    opt.alloc = hook;
    opt.alloc_ud = &h;
    uint8_t *bc = NULL;
    size_t len = 0;
    tier_diags *d = NULL;
    int rc = tier_compile(path, NULL, 0, &opt, &bc, &len, &d);
    if (rc == TIER_OK) {
      assert_non_null(bc);
      tier_free_bytes(&opt, bc, len);
      tier_diags_free(d);
      assert_int_equal(h.live, 0);
      successes++;
      if (h.n < n) break; /* the failure point lies past the last allocation: done */
      continue;
    }
    if (rc != TIER_ENOMEM) {
      fprintf(stderr, "allocation %ld failing gave %s: %s\n", n, tier_strerror(rc), tier_diags_text(d));
      fail();
    }
    assert_null(bc);
    tier_diags_free(d);
    if (h.live != 0) {
      fprintf(stderr, "allocation %ld failing leaked %ld blocks\n", n, h.live);
      fail();
    }
    failures++;
  }
  fprintf(stderr, "%s (%s): %ld failing points, all clean\n", path, persistent ? "persistent" : "once", failures);
  assert_true(failures > 10);
}

static void compile_card_once(void **st) { (void)st; compile_under_oom("examples/card.tier", false); }
static void compile_card_persistent(void **st) { (void)st; compile_under_oom("examples/card.tier", true); }
static void compile_apn_persistent(void **st) { (void)st; compile_under_oom("rules/apn-2019.tier", true); }

/* Load and evaluate with the Nth allocation failing. */
static void eval_under_oom(void **st) {
  (void)st;
  uint8_t *bc;
  size_t len;
  assert_int_equal(tier_compile("rules/apn-2019.tier", NULL, 0, NULL, &bc, &len, NULL), TIER_OK);
  FILE *f = fopen("examples/partners.jsonl", "r");
  char *line = NULL;
  size_t cap = 0;
  ssize_t ll = 0;
  for (int i = 0; i < 29; i++) ll = getline(&line, &cap, f); /* P-0029: a sustained tier */
  fclose(f);
  long failures = 0;
  for (int persistent = 0; persistent < 2; persistent++)
    for (long n = 1; n < 100000; n++) {
      struct hook_state h = {0, n, persistent, 0};
      tier_options opt;
      memset(&opt, 0, sizeof opt);
      opt.alloc = hook;
      opt.alloc_ud = &h;
      tier_ruleset *rs = NULL;
      char err[256];
      int rc = tier_load(bc, len, &opt, &rs, err, sizeof err);
      if (rc == TIER_OK) {
        tier_vm *vm = tier_vm_new(rs, &opt);
        if (vm) {
          const tier_result *r;
          rc = tier_eval_json(vm, line, (size_t)ll, TIER_NONE, &r);
          if (rc == TIER_OK) assert_string_equal(r->tier, "Advanced");
          else assert_int_equal(rc, TIER_ENOMEM);
          tier_vm_free(vm);
        } else {
          rc = TIER_ENOMEM;
        }
        tier_ruleset_free(rs);
      } else {
        assert_int_equal(rc, TIER_ENOMEM);
      }
      assert_int_equal(h.live, 0);
      if (rc == TIER_OK && h.n < n) break;
      if (rc != TIER_OK) failures++;
    }
  fprintf(stderr, "load+eval: %ld failing points, all clean\n", failures);
  assert_true(failures > 10);
  free(line);
  tier_free_bytes(NULL, bc, len);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(compile_card_once),
      cmocka_unit_test(compile_card_persistent),
      cmocka_unit_test(compile_apn_persistent),
      cmocka_unit_test(eval_under_oom),
  };
  return cmocka_run_group_tests_name("oom", tests, setup, NULL);
}
