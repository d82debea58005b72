/*
 * test_stream.c - tiervm end to end as a user runs it: N records in give N
 * lines out (good and bad mixed), and peak memory stays flat from 1,000 to
 * 100,000 records, with -j 1 and -j 2 (measured with wait4's rusage of the
 * child: a memory bound, not a timing).
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "../tools/gen.h"

static char tiervm[512];

static int setup(void **st) {
  (void)st;
  const char *bin = getenv("TIER_BIN");
  snprintf(tiervm, sizeof tiervm, "%s/tiervm", bin ? bin : "bin");
  return access(tiervm, X_OK) == 0 ? 0 : -1;
}

static char first_out[1024]; /* the start of the first line printed */
static const char *option = "--format=json"; /* one more option for tiervm */

/* Run tiervm eval on records written by `feed` into its stdin; count the
 * lines it prints; return its exit status and peak RSS (KiB). */
static int run(void (*feed)(FILE *, long), long n, long *lines, long *maxrss_kb) {
  int in[2], out[2];
  assert_int_equal(pipe(in), 0);
  assert_int_equal(pipe(out), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[1]);
    close(out[0]);
    execl(tiervm, "tiervm", "eval", "--format", "json", option, "rules/apn-2019.tier", "-", (char *)NULL);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  /* the writer runs in its own process so that the pipes cannot deadlock */
  pid_t w = fork();
  if (w == 0) {
    close(out[0]);
    FILE *f = fdopen(in[1], "w");
    feed(f, n);
    fclose(f);
    _exit(0);
  }
  close(in[1]);
  FILE *o = fdopen(out[0], "r");
  char buf[65536];
  *lines = 0;
  first_out[0] = 0;
  while (fgets(buf, sizeof buf, o)) {
    if (*lines == 0 && !first_out[0]) {
      size_t k = strlen(buf) < sizeof first_out - 1 ? strlen(buf) : sizeof first_out - 1;
      memcpy(first_out, buf, k);
      first_out[k] = 0;
    }
    if (strchr(buf, '\n')) (*lines)++;
  }
  fclose(o);
  int status;
  struct rusage ru;
  assert_int_equal(wait4(pid, &status, 0, &ru), pid);
  waitpid(w, NULL, 0);
  *maxrss_kb = ru.ru_maxrss;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void feed_small(FILE *f, long n) {
  for (long i = 0; i < n; i++) gen_profile(f, 7, i, true);
}

/* every 7th record broken in a different way */
static void feed_mixed(FILE *f, long n) {
  for (long i = 0; i < n; i++) {
    switch (i % 7) {
    case 3: fprintf(f, "{\"id\":\"broken-%ld\",\n", i); break; /* malformed: ends mid-object */
    case 5: fprintf(f, "[%ld]\n", i); break;
    case 6: fprintf(f, "{\"id\":\"G-%ld\",\"type\":\"consulting\"}\n", i); break;
    default: gen_profile(f, 3, i, true);
    }
    if (i % 50 == 0) fprintf(f, "\n"); /* blank lines are not records */
  }
}

static void n_in_n_out(void **st) {
  (void)st;
  long lines, rss;
  int rc = run(feed_mixed, 700, &lines, &rss);
  assert_int_equal(rc, 1); /* some records rejected */
  assert_int_equal(lines, 700);
  rc = run(feed_small, 300, &lines, &rss);
  assert_int_equal(rc, 0);
  assert_int_equal(lines, 300);
}

/* Memory is flat on one thread and on several (-j: a bounded number of
 * batches in flight, each of bounded size, and the input blocks they hold).
 * Both runs read several 1 MiB blocks of input (10,000 records are about
 * 4 MB), so both hold a block while the next is read, as -j's batches do.
 * Under ASan (make asan) this also catches an allocation per record: the
 * quarantine keeps every freed block for a while, so such churn shows as
 * growth in N. */
static void memory_flat(void **st) {
  (void)st;
  static const char *jobs[] = {"--jobs=1", "--jobs=2"};
  for (int i = 0; i < 2; i++) {
    long l1, l2, r1, r2;
    option = jobs[i];
    assert_int_equal(run(feed_small, 10000, &l1, &r1), 0);
    assert_int_equal(run(feed_small, 100000, &l2, &r2), 0);
    option = "--format=json";
    assert_int_equal(l1, 10000);
    assert_int_equal(l2, 100000);
    fprintf(stderr, "peak RSS %s: %ld KiB for 10,000 records, %ld KiB for 100,000\n", jobs[i], r1, r2);
    /* flat: 10x the records may not cost more than 1 MiB more */
    assert_true(r2 <= r1 + 1024);
  }
}

/* One partner with n certifications (about 120 bytes each) whose first
 * field is wrong and whose id comes last, then a good record. */
static void feed_big_late_id(FILE *f, long n) {
  fprintf(f, "{\"type\":\"bogus\",\"certifications\":[");
  for (long i = 0; i < n; i++)
    fprintf(f, "%s{\"person\":\"p%ld\",\"name\":\"n\",\"level\":\"associate\",\"earned\":\"2019-01-01\",\"expires\":null}",
            i ? "," : "", i);
  fprintf(f, "],\"id\":\"BIG\"}\n");
  gen_profile(f, 7, 0, true);
}

/* A record rejected before its id is read still names its id, found by a
 * pass that keeps nothing: memory stays within a few times the record's
 * size (jansson re-parsing it took 20 times). */
static void rejected_record_memory(void **st) {
  (void)st;
  long lines, rss, base;
  assert_int_equal(run(feed_small, 10, &lines, &base), 0);
  long n = 300000; /* 27 MB */
  assert_int_equal(run(feed_big_late_id, n, &lines, &rss), 1);
  assert_int_equal(lines, 2);
  tu_assert_contains(first_out, "\"id\":\"BIG\"");
  fprintf(stderr, "peak RSS: %ld KiB for a 27 MB record rejected before its id (%ld KiB for small ones)\n", rss, base);
  assert_true(rss - base <= 4 * 27 * 1024);
}

/* A record longer than the limit (--max-record) is one error line and is
 * never held whole: memory stays within about twice the limit, and the next
 * record is still read. */
static void feed_too_long(FILE *f, long mb) {
  fprintf(f, "{\"id\":\"HUGE\",\"pad\":\"");
  static char chunk[1 << 20];
  memset(chunk, 'x', sizeof chunk);
  for (long i = 0; i < mb; i++) fwrite(chunk, 1, sizeof chunk, f);
  fprintf(f, "\"}\n");
  gen_profile(f, 7, 0, true);
}

static void record_over_limit(void **st) {
  (void)st;
  long lines, rss, base;
  assert_int_equal(run(feed_small, 10, &lines, &base), 0);
  option = "--max-record=4000000";
  int rc = run(feed_too_long, 40, &lines, &rss);
  option = "--format=json";
  assert_int_equal(rc, 1);
  assert_int_equal(lines, 2);
  tu_assert_contains(first_out, "line 1 is longer than the limit of 4000000 bytes (--max-record)");
  fprintf(stderr, "peak RSS: %ld KiB for a 40 MB record over a 4 MB limit\n", rss);
  assert_true(rss - base <= 10 * 1024);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(n_in_n_out),
      cmocka_unit_test(memory_flat),
      cmocka_unit_test(rejected_record_memory),
      cmocka_unit_test(record_over_limit),
  };
  return cmocka_run_group_tests_name("stream", tests, setup, NULL);
}
