/*
 * test_cli.c - the tools' helpers.  The file writer (src/tools/cli.c): the
 * one atomic writer of tierc compile, sign, fmt -w and tiervm report keeps
 * an existing file's mode, gives a new file the usual mode (not mkstemp's
 * 0600), replaces the file a symbolic link points to (the link stays),
 * leaves no temporary file behind, writes only regular files, and never an
 * input of the same run; a key file is written whole or removed.  Text for a terminal (src/tools/escape.c).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "escape.h"

static char dir[64];

static int make_dir(void **st) {
  (void)st;
  snprintf(dir, sizeof dir, "/tmp/tierc-cli-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

/* The directory must hold exactly `want` entries (no temporary file). */
static void entries(int want) {
  char cmd[128];
  snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq %d", dir, want);
  assert_int_equal(system(cmd), 0);
}

static int remove_dir(void **st) {
  (void)st;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[256];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  return buf;
}

static void write_keeps_mode_and_follows_links(void **st) {
  (void)st;
  char path[128], link[128];
  snprintf(path, sizeof path, "%s/r.tier", dir);
  snprintf(link, sizeof link, "%s/link.tier", dir);
  /* a new file: 0666 less the umask */
  mode_t mask = umask(022);
  assert_int_equal(cli_write_file("test", path, "one\n", 4, NULL), 0);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0644);
  /* an existing file keeps its mode */
  assert_int_equal(chmod(path, 0640), 0);
  assert_int_equal(cli_write_file("test", path, "two\n", 4, NULL), 0);
  assert_string_equal(slurp(path), "two\n");
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0640);
  /* through a symbolic link: the target changes, the link stays */
  assert_int_equal(symlink("r.tier", link), 0);
  assert_int_equal(cli_write_file("test", link, "three\n", 6, NULL), 0);
  assert_string_equal(slurp(path), "three\n");
  assert_int_equal(lstat(link, &sb), 0);
  assert_true(S_ISLNK(sb.st_mode));
  entries(2);
  umask(mask);
}

static void a_failed_write_leaves_nothing(void **st) {
  (void)st;
  char path[128];
  snprintf(path, sizeof path, "%s/no-such-dir/r.tbc", dir);
  assert_int_equal(cli_write_file("test", path, "x", 1, NULL), -1);
  entries(0);
}

/* A key file that cannot be written whole (here: a file size limit of 0,
 * as a full disk) is removed, not left as half a key.  In the test, not in
 * a golden: valgrind itself cannot start under `ulimit -f 0`. */
static void a_failed_key_leaves_nothing(void **st) {
  (void)st;
  char path[128];
  snprintf(path, sizeof path, "%s/k.key", dir);
  static const uint8_t key[64];
  struct rlimit old, none;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  none = old;
  none.rlim_cur = 0;
  void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &none), 0);
  int rc = cli_write_key("test", path, "secret", key, sizeof key, true);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, was);
  assert_int_equal(rc, -1);
  entries(0);
  assert_int_equal(cli_write_key("test", path, "secret", key, sizeof key, true), 0);
  entries(1);
}

/* What esc_term writes for s, and the columns it says that takes. */
static const char *term(const char *s, size_t *width) {
  static char out[256];
  tier_buf *b = tier_buf_new(NULL);
  *width = esc_term(b, s);
  snprintf(out, sizeof out, "%s", tier_buf_text(b, NULL));
  tier_buf_free(b);
  return out;
}

static void terminal_text_is_quoted_when_it_could_act(void **st) {
  (void)st;
  size_t w;
  assert_string_equal(term("plain \"q\" \\", &w), "plain \"q\" \\"); /* nothing to act on: as it is */
  assert_int_equal(w, 11);
  assert_string_equal(term("\xe6\x97\xa5\xe6\x9c\xac", &w), "\xe6\x97\xa5\xe6\x9c\xac"); /* wide: 2 columns each */
  assert_int_equal(w, 4);
  assert_string_equal(term("a\nb", &w), "\"a\\nb\"");
  assert_int_equal(w, 6);
  assert_string_equal(term("\x1b[31m\"x\"", &w), "\"\\x1b[31m\\\"x\\\"\"");
  assert_string_equal(term("del\x7f", &w), "\"del\\x7f\"");
  assert_string_equal(term("\xc2\x9b" "2J", &w), "\"\\xc2\\x9b2J\""); /* C1 CSI */
  assert_string_equal(term("bad\xff", &w), "\"bad\\xff\""); /* not UTF-8 */
  assert_string_equal(term("\xed\xa0\x80", &w), "\"\\xed\\xa0\\x80\""); /* a surrogate */
  assert_string_equal(term(NULL, &w), "-");
  struct esc_pool p;
  assert_int_equal(esc_pool_init(&p), 0);
  const char *plain = "as is";
  assert_ptr_equal(esc_str(&p, plain), plain); /* no copy when nothing is quoted */
  const char *a = esc_str(&p, "a\tb"), *b = esc_str(&p, "c\rd");
  assert_string_equal(a, "\"a\\tb\"");
  assert_string_equal(b, "\"c\\rd\"");
  esc_pool_free(&p);
}

/* A row of CSV cells as esc_csv writes them. */
static const char *csv(const char *const *cells, int n) {
  static char out[512];
  tier_buf *b = tier_buf_new(NULL);
  for (int i = 0; i < n; i++) esc_csv(b, cells[i], i == n - 1);
  snprintf(out, sizeof out, "%s", tier_buf_text(b, NULL));
  tier_buf_free(b);
  return out;
}

static void csv_cells_are_never_formulas(void **st) {
  (void)st;
  const char *plain[] = {"a", "b c", NULL};
  assert_string_equal(csv(plain, 3), "a,b c,\r\n");
  const char *quoted[] = {"a,b", "say \"hi\"", "two\nlines"};
  assert_string_equal(csv(quoted, 3), "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
  const char *formulas[] = {"=1+1", "+1+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "=A1,B1"};
  assert_string_equal(csv(formulas, 7), "'=1+1,'+1+cmd,'-2+3,'@SUM(A1),'\tx,\"'\rx\",\"'=A1,B1\"\r\n");
  const char *numbers[] = {"-5", "+1.5", "-0.25e-3", "1-2", "-", "+.5"};
  assert_string_equal(csv(numbers, 6), "-5,+1.5,-0.25e-3,1-2,'-,'+.5\r\n");
}

/* Only a regular file is replaced: a device, a FIFO, a directory or a link
 * to one (or to nothing) is refused, and left as it was. */
static void only_regular_files(void **st) {
  (void)st;
  char fifo[128], sub[128], dev[128], dangling[128];
  snprintf(fifo, sizeof fifo, "%s/fifo", dir);
  snprintf(sub, sizeof sub, "%s/sub", dir);
  snprintf(dev, sizeof dev, "%s/null", dir);
  snprintf(dangling, sizeof dangling, "%s/dangling", dir);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  assert_int_equal(mkdir(sub, 0700), 0);
  assert_int_equal(symlink("/dev/null", dev), 0);
  assert_int_equal(symlink("nothing-here", dangling), 0);
  assert_int_equal(cli_write_file("test", fifo, "x", 1, NULL), -1);
  assert_int_equal(cli_write_file("test", sub, "x", 1, NULL), -1);
  assert_int_equal(cli_write_file("test", dev, "x", 1, NULL), -1);
  assert_int_equal(cli_write_file("test", dangling, "x", 1, NULL), -1);
  assert_int_equal(cli_write_file("test", "/dev/null", "x", 1, NULL), -1);
  struct stat sb;
  assert_int_equal(stat("/dev/null", &sb), 0);
  assert_true(S_ISCHR(sb.st_mode));
  entries(4);
}

/* An input of the run (any name of it) is never an output, except the one
 * the command rewrites by design. */
static void inputs_are_not_outputs(void **st) {
  (void)st;
  char in[128], hard[128], other[128];
  snprintf(in, sizeof in, "%s/in.tier", dir);
  snprintf(hard, sizeof hard, "%s/hard.tier", dir);
  snprintf(other, sizeof other, "%s/out.tbc", dir);
  assert_int_equal(cli_write_file("test", in, "input\n", 6, NULL), 0);
  assert_int_equal(link(in, hard), 0);
  cli_note_input(in);
  assert_int_equal(cli_write_file("test", in, "x", 1, NULL), -1);
  assert_int_equal(cli_write_file("test", hard, "x", 1, NULL), -1);
  assert_string_equal(slurp(in), "input\n");
  assert_int_equal(cli_write_file("test", hard, "rewritten\n", 10, in), 0);
  assert_string_equal(slurp(hard), "rewritten\n");
  assert_int_equal(cli_write_file("test", other, "x", 1, NULL), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(write_keeps_mode_and_follows_links, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(a_failed_write_leaves_nothing, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(a_failed_key_leaves_nothing, make_dir, remove_dir),
      cmocka_unit_test(terminal_text_is_quoted_when_it_could_act),
      cmocka_unit_test(csv_cells_are_never_formulas),
      cmocka_unit_test_setup_teardown(only_regular_files, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(inputs_are_not_outputs, make_dir, remove_dir),
  };
  return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
