/*
 * test_stream.c - tiervm end to end as a user runs it: N records in give N
 * lines out (good and bad mixed), and peak memory stays flat from 1,000 to
 * 100,000 records (measured with wait4's rusage of the child: a memory
 * bound, not a timing).
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
    execl(tiervm, "tiervm", "eval", "--format", "json", "rules/apn-2019.tier", "-", (char *)NULL);
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
  while (fgets(buf, sizeof buf, o))
    if (strchr(buf, '\n')) (*lines)++;
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

static void memory_flat(void **st) {
  (void)st;
  long l1, l2, r1, r2;
  assert_int_equal(run(feed_small, 1000, &l1, &r1), 0);
  assert_int_equal(run(feed_small, 100000, &l2, &r2), 0);
  assert_int_equal(l1, 1000);
  assert_int_equal(l2, 100000);
  fprintf(stderr, "peak RSS: %ld KiB for 1,000 records, %ld KiB for 100,000\n", r1, r2);
  /* flat: 100x the records may not cost more than 1 MiB more */
  assert_true(r2 <= r1 + 1024);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(n_in_n_out),
      cmocka_unit_test(memory_flat),
  };
  return cmocka_run_group_tests_name("stream", tests, setup, NULL);
}
