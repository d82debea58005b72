/*
 * test_i18n.c - the library speaks the language of the program's
 * LC_MESSAGES locale, from its own text domain: a program that never calls
 * setlocale gets English; under LANGUAGE=ja the library's texts are
 * Japanese while the program's own domain, set with textdomain(), stays
 * the program's.  Through tier.h alone, as an embedding program sees it.
 * The catalogue is the build's (tests/run.sh sets TIER_LOCALEDIR).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libintl.h>
#include <locale.h>

#include "tier.h"

static const char *BAD = "enum kind { consulting }\n"
                         "record { partner type: kind; people: int; }\n"
                         "tier S consulting < peple >= 2; >\n";

/* The rendered diagnostics of compiling BAD (malloc'd). */
static char *diags_of_bad(void) {
  uint8_t *bc = NULL;
  size_t n = 0;
  tier_diags *d = NULL;
  assert_int_equal(tier_compile("bad.tier", BAD, strlen(BAD), NULL, &bc, &n, &d), TIER_ECOMPILE);
  char *t = strdup(tier_diags_text(d));
  tier_diags_free(d);
  return t;
}

/* Runs first: no setlocale yet, so English whatever LANGUAGE says. */
static void english_without_setlocale(void **state) {
  (void)state;
  setenv("LANGUAGE", "ja", 1);
  assert_string_equal(tier_strerror(TIER_ENOMEM), "out of memory");
  char *t = diags_of_bad();
  assert_non_null(strstr(t, "bad.tier:3:21: error: "));
  free(t);
}

static void japanese_in_own_domain(void **state) {
  (void)state;
  textdomain("embedder");
  setenv("LANGUAGE", "ja", 1);
  assert_non_null(setlocale(LC_MESSAGES, "C.UTF-8"));
  assert_string_equal(tier_strerror(TIER_ENOMEM), "メモリが足りません");
  assert_string_equal(tier_gettext("out of memory"), "メモリが足りません");
  assert_string_equal(tier_ngettext("%zu error", "%zu errors", 2), "エラー %zu 件");
  char *t = diags_of_bad();
  assert_non_null(strstr(t, "bad.tier:3:21: エラー: "));
  free(t);
  /* the program's domain is untouched: still its own, and its lookups do
   * not find the library's catalogue */
  assert_string_equal(textdomain(NULL), "embedder");
  assert_string_equal(gettext("out of memory"), "out of memory");
  unsetenv("LANGUAGE");
  assert_non_null(setlocale(LC_MESSAGES, "C"));
  assert_string_equal(tier_strerror(TIER_ENOMEM), "out of memory");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(english_without_setlocale),
      cmocka_unit_test(japanese_in_own_domain),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
