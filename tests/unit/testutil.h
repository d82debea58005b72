/*
 * testutil.h - helpers for the cmocka unit tests: compile a ruleset from a
 * string, evaluate a JSON record, and look at the result.
 */
#ifndef TIER_TESTUTIL_H
#define TIER_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tier_int.h"
#include "vm.h"

/* Compile src; on success return the loaded ruleset, else NULL with the
 * diagnostics text in *diag_text (malloc'd) when diag_text is not NULL. */
static inline tier_ruleset *tu_compile(const char *src, char **diag_text) {
  uint8_t *bc = NULL;
  size_t n = 0;
  tier_diags *d = NULL;
  int rc = tier_compile("test.tier", src, strlen(src), NULL, &bc, &n, &d);
  if (diag_text) *diag_text = strdup(tier_diags_text(d));
  tier_diags_free(d);
  if (rc != TIER_OK) return NULL;
  tier_ruleset *rs = NULL;
  char err[256];
  int lr = tier_load(bc, n, NULL, &rs, err, sizeof err);
  tier_free_bytes(NULL, bc, n);
  if (lr != TIER_OK) fprintf(stderr, "load: %s\n", err);
  return rs;
}

/* The diagnostics of compiling src (malloc'd), "" when it compiles clean. */
static inline char *tu_diags(const char *src) {
  char *t = NULL;
  tier_ruleset *rs = tu_compile(src, &t);
  tier_ruleset_free(rs);
  return t;
}

#define tu_assert_contains(hay, needle)                                        \
  do {                                                                         \
    const char *tu_h_ = (hay), *tu_n_ = (needle);                              \
    if (!strstr(tu_h_, tu_n_)) {                                               \
      fprintf(stderr, "expected to find: %s\nin: %s\n", tu_n_, tu_h_);         \
      fail();                                                                  \
    }                                                                          \
  } while (0)

/* The compile-load-evaluate of the tests that look at one evaluation (its
 * steps, probes, memory, result), in one place:
 *   tier_ruleset *rs = tu_compile_ok(src);     compiled and loaded, or fail
 *   tier_vm *vm = tu_vm(rs, opt);              a VM (opt may be NULL)
 *   const tier_result *r = tu_eval(vm, json, "2019-12-13");   TIER_OK, or fail
 * tu_eval_rc gives the status instead (TIER_EBUDGET, ...).  An asof of
 * NULL is TIER_NONE: the rules' review rule, else today. */
static inline tier_ruleset *tu_compile_ok(const char *src) {
  char *diag = NULL;
  tier_ruleset *rs = tu_compile(src, &diag);
  if (!rs && diag) fprintf(stderr, "%s", diag);
  free(diag);
  assert_non_null(rs);
  return rs;
}

/* The image of source src, compiled and read back, not yet verified: to
 * edit into a hand-made file (write it with bc_write, load it with
 * tier_load; free it with image_free). */
static inline struct image *tu_image(const char *src) {
  uint8_t *p = NULL;
  size_t n = 0;
  tier_diags *d = NULL;
  int rc = tier_compile("image.tier", src, strlen(src), NULL, &p, &n, &d);
  if (rc != TIER_OK) fprintf(stderr, "%s", tier_diags_text(d));
  assert_int_equal(rc, TIER_OK);
  tier_diags_free(d);
  char err[256];
  struct image *img = NULL;
  assert_int_equal(bc_read(NULL, p, n, NULL, &img, err, sizeof err), TIER_OK);
  tier_free_bytes(NULL, p, n);
  return img;
}

static inline tier_vm *tu_vm(const tier_ruleset *rs, const tier_options *opt) {
  tier_vm *vm = tier_vm_new(rs, opt);
  assert_non_null(vm);
  return vm;
}

static inline int tu_eval_rc(tier_vm *vm, const char *json, size_t n, const char *asof, const tier_result **res) {
  int64_t d = TIER_NONE;
  if (asof) assert_int_equal(tier_date_parse(asof, &d), TIER_OK);
  return tier_eval_json(vm, json, n, d, res);
}

static inline const tier_result *tu_eval(tier_vm *vm, const char *json, const char *asof) {
  const tier_result *res = NULL;
  int rc = tu_eval_rc(vm, json, strlen(json), asof, &res);
  if (rc != TIER_OK) fprintf(stderr, "evaluation: %s @%s\n", tier_vm_error(vm), tier_vm_error_path(vm));
  assert_int_equal(rc, TIER_OK);
  return res;
}

/* Evaluate one JSON record; returns the tier held ("-" for none), or
 * "error: MESSAGE @PATH" for a rejected record, in a static buffer. */
static inline const char *tu_tier(tier_ruleset *rs, const char *json, const char *asof) {
  static char out[600];
  tier_vm *vm = tier_vm_new(rs, NULL);
  int64_t d = TIER_NONE;
  if (asof) tier_date_parse(asof, &d);
  const tier_result *r;
  int rc = tier_eval_json(vm, json, strlen(json), d, &r);
  if (rc == TIER_OK) snprintf(out, sizeof out, "%s", r->tier ? r->tier : "-");
  else snprintf(out, sizeof out, "error: %s @%s", tier_vm_error(vm), tier_vm_error_path(vm));
  tier_vm_free(vm);
  return out;
}
#endif
