/*
 * fuzz_common.h - what the libFuzzer targets share: evaluate a record and
 * look at every byte of the result (so that ASan sees a dangling or
 * unterminated string), format it the way tiervm does, and put a loaded
 * ruleset through the read-only API and the disassembler.
 *
 * Built only by `make fuzz` (clang -fsanitize=fuzzer,address,undefined).
 */
#ifndef TIER_FUZZ_COMMON_H
#define TIER_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tier.h"
#include "tier_int.h"
#include "vm.h"
#include "output.h"
#include "profiles.h"


static volatile size_t fuzz_sink;

static inline void fuzz_touch(const char *s) {
  if (s) fuzz_sink += strlen(s);
}

static inline void fuzz_touch_result(const tier_result *r) {
  if (!r) return;
  fuzz_touch(r->id);
  fuzz_touch(r->type);
  fuzz_touch(r->tier);
  fuzz_touch(r->next);
  char d[11];
  tier_date_format(r->asof, d);
  fuzz_sink += d[0];
  for (size_t i = 0; i < r->nunmet; i++) {
    const tier_req_result *u = &r->unmet[i];
    fuzz_touch(u->tier);
    fuzz_touch(u->section);
    fuzz_touch(u->label);
    fuzz_touch(u->rule);
    fuzz_touch(u->metric);
    if (u->metric) {
      fuzz_sink += strnlen(u->actual, sizeof u->actual) + strnlen(u->required, sizeof u->required);
      /* the fields are documented as formatted strings: they must end */
      if (!memchr(u->actual, 0, sizeof u->actual) || !memchr(u->required, 0, sizeof u->required)) abort();
    }
    fuzz_sink += (size_t)u->met + (size_t)u->missing + (size_t)u->type + (size_t)u->sustained + (size_t)u->checkpoint;
  }
}

/* Every output format, plain and with --explain, as tiervm writes them
 * (the table cut to 80 columns, with its summary). */
static inline void fuzz_format(tier_vm *vm, const tier_result *r) {
  static const int fmts[] = {FMT_JSON, FMT_TABLE, FMT_CSV};
  for (int f = 0; f < 3; f++)
    for (int explain = 0; explain < 2; explain++) {
      /* explain needs every requirement in the result (all_requirements) */
      if (explain && !r->reqs) continue;
      struct out o;
      tier_buf *b = tier_buf_new(NULL);
      if (b && out_init(&o, fmts[f], explain != 0, vm->rs, 80) == 0) {
        out_header(&o, b);
        out_result(&o, b, r);
        out_count(&o, r);
        out_summary(&o, b, 1);
        if (explain) out_explain(&o, b, r);
        fuzz_sink += tier_buf_len(b);
      }
      out_free(&o);
      tier_buf_free(b);
    }
}

/* One evaluation; returns the status.  On a rejected record, reads the
 * error and its path, and formats the error line as tiervm would. */
static inline int fuzz_eval(tier_vm *vm, const char *json, size_t len, int64_t asof) {
  const tier_result *r = NULL;
  int rc = tier_eval_json(vm, json, len, asof, &r);
  if (rc == TIER_OK) {
    if (!r) abort(); /* TIER_OK promises a result */
    fuzz_touch_result(r);
    fuzz_format(vm, r);
  } else {
    fuzz_touch(tier_strerror(rc));
    const char *e = tier_vm_error(vm), *p = tier_vm_error_path(vm);
    fuzz_touch(e);
    fuzz_touch(p);
    tier_buf *b = tier_buf_new(NULL);
    static const int fmts[] = {FMT_JSON, FMT_TABLE, FMT_CSV};
    for (int f = 0; f < 3 && b; f++) {
      struct out o;
      if (out_init(&o, fmts[f], false, vm->rs, 80) == 0) out_error(&o, b, 1, tier_vm_record_id(vm), e ? e : "", p);
      out_free(&o);
    }
    if (b) fuzz_sink += tier_buf_len(b);
    tier_buf_free(b);
  }
  return rc;
}

/* A fixed day: 2019-12-13, the review date of the APN rules. */
static inline int64_t fuzz_day(void) {
  int64_t d = 0;
  if (tier_date_parse("2019-12-13", &d) != 0) abort();
  return d;
}

/* A loaded ruleset: metadata, disassembly, and the fixed profiles (all of
 * them, or just one APN and one card profile).  TIER_FUZZ_NO_DISASM=1 in
 * the environment leaves the disassembler out (to look past a known,
 * reported disasm bug in a long run). */
static inline void fuzz_exercise_ruleset(tier_ruleset *rs, int all_profiles) {
  fuzz_touch(tier_ruleset_name(rs));
  fuzz_touch(tier_ruleset_version(rs));
  char hash[65];
  tier_ruleset_hash(rs, hash);
  if (memchr(hash, 0, sizeof hash) == NULL) abort();
  uint8_t pub[32];
  fuzz_sink += (size_t)tier_ruleset_signer(rs, pub);
  static int no_disasm = -1;
  if (no_disasm < 0) {
    const char *e = getenv("TIER_FUZZ_NO_DISASM");
    no_disasm = e && *e && *e != '0';
  }
  if (!no_disasm) {
    tier_buf *b = tier_buf_new(NULL);
    if (b && tier_disasm(rs, "fuzz.tbc", b) == TIER_OK) fuzz_sink += tier_buf_len(b);
    tier_buf_free(b);
  }
  /* every requirement in the results, so that explain is rendered too */
  tier_options vo = {.all_requirements = 1};
  tier_vm *vm = tier_vm_new(rs, &vo);
  if (!vm) return;
  if (!all_profiles) {
    const char *j = fuzz_apn_profiles[1];
    fuzz_eval(vm, j, strlen(j), INT64_MIN);
    j = fuzz_card_profiles[0];
    fuzz_eval(vm, j, strlen(j), INT64_MIN);
    tier_vm_free(vm);
    return;
  }
  int64_t day = fuzz_day();
  for (size_t i = 0; i < FUZZ_NELEM(fuzz_apn_profiles); i++) {
    const char *j = fuzz_apn_profiles[i];
    fuzz_eval(vm, j, strlen(j), i & 1 ? day : INT64_MIN);
  }
  for (size_t i = 0; i < FUZZ_NELEM(fuzz_card_profiles); i++) {
    const char *j = fuzz_card_profiles[i];
    fuzz_eval(vm, j, strlen(j), INT64_MIN);
  }
  tier_vm_free(vm);
}

#endif
