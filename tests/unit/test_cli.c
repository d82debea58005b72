/*
 * test_cli.c - the tools' file writer (src/tools/cli.c): the one atomic
 * writer of tierc compile, sign and fmt -w keeps an existing file's mode,
 * gives a new file the usual mode (not mkstemp's 0600), replaces the file
 * a symbolic link points to (the link stays), and leaves no temporary file
 * behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"

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
  assert_int_equal(cli_write_file("test", path, "one\n", 4), 0);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0644);
  /* an existing file keeps its mode */
  assert_int_equal(chmod(path, 0640), 0);
  assert_int_equal(cli_write_file("test", path, "two\n", 4), 0);
  assert_string_equal(slurp(path), "two\n");
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0640);
  /* through a symbolic link: the target changes, the link stays */
  assert_int_equal(symlink("r.tier", link), 0);
  assert_int_equal(cli_write_file("test", link, "three\n", 6), 0);
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
  assert_int_equal(cli_write_file("test", path, "x", 1), -1);
  entries(0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(write_keeps_mode_and_follows_links, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(a_failed_write_leaves_nothing, make_dir, remove_dir),
  };
  return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
