/*
 * test_threads.c - the library is reentrant: 8 threads each compile the
 * APN rules and evaluate every example partner at once, and each thread's
 * output is byte for byte the sequential output.  `make tsan` runs this
 * under ThreadSanitizer.
 */
#include <pthread.h>

#include "testutil.h"
#include "output.h"

#define THREADS 8

static char *lines[64];
static size_t nlines;

/* Compile, load, evaluate every partner; the results as JSON Lines. */
static char *run_all(void) {
  uint8_t *bc;
  size_t n;
  if (tier_compile("rules/apn-2019.tier", NULL, 0, NULL, &bc, &n, NULL) != TIER_OK) return NULL;
  tier_ruleset *rs;
  char err[256];
  if (tier_load(bc, n, NULL, &rs, err, sizeof err) != TIER_OK) return NULL;
  tier_free_bytes(NULL, bc, n);
  tier_options opt = {.all_requirements = 1};
  tier_vm *vm = tier_vm_new(rs, &opt);
  struct out o;
  if (out_init(&o, FMT_JSON, true, rs, 0) != 0) return NULL;
  tier_buf *out = tier_buf_new(NULL);
  for (size_t i = 0; i < nlines; i++) {
    const tier_result *r;
    if (tier_eval_json(vm, lines[i], strlen(lines[i]), TIER_NO_DATE, &r) == TIER_OK) out_result(&o, out, r);
    else tier_buf_printf(out, "error %s\n", tier_vm_error(vm));
  }
  const char *text = tier_buf_text(out, NULL);
  char *s = text ? strdup(text) : NULL;
  tier_buf_free(out);
  out_free(&o);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  return s;
}

static void *worker(void *arg) {
  char **slot = arg;
  *slot = run_all();
  return NULL;
}

static void eight_threads_match_sequential(void **st) {
  (void)st;
  FILE *f = fopen("examples/partners.jsonl", "r");
  assert_non_null(f);
  char *line = NULL;
  size_t cap = 0;
  while (nlines < 64 && getline(&line, &cap, f) > 0) lines[nlines++] = strdup(line);
  free(line);
  fclose(f);
  char *seq = run_all();
  assert_non_null(seq);
  pthread_t th[THREADS];
  char *res[THREADS];
  for (int i = 0; i < THREADS; i++) assert_int_equal(pthread_create(&th[i], NULL, worker, &res[i]), 0);
  for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < THREADS; i++) {
    assert_non_null(res[i]);
    assert_string_equal(res[i], seq);
    free(res[i]);
  }
  free(seq);
  for (size_t i = 0; i < nlines; i++) free(lines[i]);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(eight_threads_match_sequential)};
  return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
