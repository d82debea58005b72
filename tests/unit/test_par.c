/*
 * test_par.c - src/tools/par.c, the batches of tiervm eval -j: every record
 * handed on is rendered once and written in input order, also when the
 * output is drained while the slot after the last full batch still holds a
 * batch in flight (the drain handed that batch on a second time: records
 * written twice, or a hang).  The workers are held at a gate until the
 * main thread has handed on every batch, so no timing decides the case.
 * `make tsan` runs this under ThreadSanitizer.
 */
#include <pthread.h>
#include <unistd.h>

#include "testutil.h"
#include "par.h"

#define THREADS 2
#define BATCH 32              /* PAR_BATCH_RECORDS */
#define SLOTS (2 * THREADS)   /* the batches par.c keeps */
/* the records that fill every slot: before any record is timed, the first
 * two batches take 8 and 16 (PAR_FIRST_RECORDS), so that the workers start soon */
#define FILL (8 + 16 + (SLOTS - 2) * BATCH)

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_open;

static void *make(void *ctx) { return ctx; }
static void drop(void *w) { (void)w; }

/* A record's output is its number; the worker waits at the gate first. */
static void one(void *w, const struct rec *r, long record, tier_buf *out) {
  (void)w;
  (void)r;
  pthread_mutex_lock(&gate_mu);
  while (!gate_open) pthread_cond_wait(&gate_cv, &gate_mu);
  pthread_mutex_unlock(&gate_mu);
  tier_buf_printf(out, "%ld\n", record);
}

static const struct par_ops ops = {make, drop, one, NULL, NULL};

/* Hand on n records through o with the workers held at the gate, open it
 * when `open` (else only what o does opens it), drain: the output is 1..n,
 * each once, in order. */
static void run_ops(const struct par_ops *o, long n, bool open) {
  static int token;
  gate_open = false;
  FILE *out = tmpfile();
  assert_non_null(out);
  struct par *p = par_new(THREADS, o, &token);
  assert_non_null(p);
  for (long i = 1; i <= n; i++) {
    struct rec r = {"{}", 2, i, 1, NULL, "-", NULL, NULL};
    assert_true(par_add(p, &r, i, out));
  }
  if (open) {
    pthread_mutex_lock(&gate_mu);
    gate_open = true;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
  }
  par_drain(p, out);
  par_drain(p, out); /* twice: nothing more */
  assert_false(par_failed(p));
  par_free(p, out);
  rewind(out);
  long want = 1, got;
  while (fscanf(out, "%ld", &got) == 1) assert_int_equal(got, want++);
  assert_int_equal(want, n + 1);
  fclose(out);
}

static void run(long n) { run_ops(&ops, n, true); }

/* Every slot full when the drain comes: the slot after the last batch
 * holds the first, still in flight. */
static void drain_after_full_slots(void **st) {
  (void)st;
  run(FILL);
}

/* And a part batch, a single record, none. */
static void drain_part_batches(void **st) {
  (void)st;
  run(FILL - 1);
  run(1);
  run(0);
}

/* With a write hook (tiervm diff -j) the output goes to it, on the main
 * thread, in input order, and never to the FILE (NULL here). */
static void hook(void *ctx, const char *s, size_t n) { tier_buf_put(ctx, s, n); }

static void write_hook_in_order(void **st) {
  (void)st;
  static const struct par_ops hooked = {make, drop, one, hook, NULL};
  long n = FILL + 5;
  tier_buf *got = tier_buf_new(NULL), *want = tier_buf_new(NULL);
  assert_true(got && want);
  gate_open = true;
  struct par *p = par_new(THREADS, &hooked, got);
  assert_non_null(p);
  for (long i = 1; i <= n; i++) {
    struct rec r = {"{}", 2, i, 1, NULL, "-", NULL, NULL};
    assert_true(par_add(p, &r, i, NULL));
    tier_buf_printf(want, "%ld\n", i);
  }
  par_drain(p, NULL);
  assert_false(par_failed(p));
  par_free(p, NULL);
  assert_string_equal(tier_buf_text(got, NULL), tier_buf_text(want, NULL));
  tier_buf_free(got);
  tier_buf_free(want);
}

/* A record's output is its text. */
static void echo(void *w, const struct rec *r, long record, tier_buf *out) {
  (void)w;
  (void)record;
  tier_buf_put(out, r->text, r->len);
  tier_buf_put(out, "\n", 1);
}

/* Records handed on from a tier_input are held in its blocks, not copied
 * (par.h): the workers read each where the input read it, and it is still
 * there when the batch is rendered, the blocks after it read since; the
 * output is the input, line for line, with 5 MB of input (several blocks)
 * and every slot in flight. */
static void held_records_in_order(void **st) {
  (void)st;
  static const struct par_ops echoing = {make, drop, echo, NULL, NULL};
  FILE *in = tmpfile(), *out = tmpfile();
  assert_true(in && out);
  enum { N = 2000 };
  for (int i = 0; i < N; i++) fprintf(in, "{\"n\":%d,\"pad\":\"%02500d\"}\n", i, i);
  rewind(in);
  tier_input *ti = tier_input_new(in, NULL);
  assert_non_null(ti);
  static int token;
  struct par *p = par_new(THREADS, &echoing, &token);
  assert_non_null(p);
  struct rec r = {.file = "-", .in = ti};
  long n = 0;
  while (tier_input_next(ti, &r.text, &r.len, &r.line, &r.col)) assert_true(par_add(p, &r, ++n, out));
  tier_input_free(ti); /* the blocks in flight outlive it */
  par_drain(p, out);
  assert_false(par_failed(p));
  par_free(p, out);
  assert_int_equal(n, N);
  rewind(in);
  rewind(out);
  char a[4096], b[4096];
  long lines = 0;
  while (fgets(a, sizeof a, in)) {
    assert_non_null(fgets(b, sizeof b, out));
    assert_string_equal(a, b);
    lines++;
  }
  assert_null(fgets(b, sizeof b, out));
  assert_int_equal(lines, N);
  fclose(in);
  fclose(out);
}

/* The main thread is one of the -j workers (par.h): with the other held
 * at a gate that only the main thread's own rendering opens, and more
 * records than the slots hold, the main thread renders the batches handed
 * on instead of waiting (it used to wait for the held worker: a hang,
 * which alarm() makes a failure); the output is still 1..n in order. */
static pthread_t main_thread;
static long on_main; /* records the main thread rendered */

static void one_main_opens(void *w, const struct rec *r, long record, tier_buf *out) {
  if (pthread_equal(pthread_self(), main_thread)) {
    on_main++;
    pthread_mutex_lock(&gate_mu);
    gate_open = true;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
  }
  one(w, r, record, out);
}

static void main_thread_renders(void **st) {
  (void)st;
  static const struct par_ops opens = {make, drop, one_main_opens, NULL, NULL};
  main_thread = pthread_self();
  on_main = 0;
  run_ops(&opens, FILL + 3 * BATCH, false);
  assert_true(on_main > 0);
}

int main(void) {
  alarm(60); /* a hang is a failure, not a stuck build */
  const struct CMUnitTest tests[] = {cmocka_unit_test(drain_after_full_slots), cmocka_unit_test(drain_part_batches),
                                     cmocka_unit_test(write_hook_in_order), cmocka_unit_test(held_records_in_order),
                                     cmocka_unit_test(main_thread_renders)};
  return cmocka_run_group_tests_name("par", tests, NULL, NULL);
}
