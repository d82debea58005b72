/*
 * api.c - the public entry points of tierc's stages that work on the
 * compiler's tree or the bytecode's internals: fmt, the disassembler, the
 * meaning diff and the rule tests.  Each runs its stage (fmt.c, disasm.c,
 * rulediff.c, ruletest.c) and appends the text to a caller's tier_buf, so
 * that the command-line tools need nothing but tier.h.
 */
#include <limits.h>
#include <string.h>

#include "fmt.h"
#include "vm.h"

/* TIER_ENOMEM when the output ran out of memory, else TIER_OK. */
static int status_of(const tier_buf *out) { return tier_buf_failed(out) ? TIER_ENOMEM : TIER_OK; }

int tier_fmt(const char *path, const char *text, size_t len, tier_buf *out, tier_buf *diags) {
  struct buf *dg = tier_buf_inner(diags);
  int rc = fmt_syntax_check(path, text, len, dg);
  if (rc == FMT_NOMEM) return TIER_ENOMEM;
  if (rc > 0) return dg->failed ? TIER_ENOMEM : TIER_ECOMPILE;
  char err[512];
  if ((rc = fmt_source(text, len, tier_buf_inner(out), err, sizeof err)) != 0) {
    if (rc == FMT_NOMEM || tier_buf_failed(out)) return TIER_ENOMEM;
    buf_printf(dg, "%s:%s\n", path, err);
    return TIER_ECOMPILE;
  }
  return status_of(out);
}

int tier_disasm(const tier_ruleset *rs, const char *name, tier_buf *out) {
  dis_image(rs->img, rs->cost_gap, name, tier_buf_inner(out));
  return status_of(out);
}

int tier_opcodes(tier_buf *out) {
  dis_opcodes(tier_buf_inner(out));
  return status_of(out);
}

int tier_rules_diff(const tier_ruleset *old, const tier_ruleset *new_, const char *old_path, const char *new_path,
                    int json, tier_buf *out) {
  if (rule_diff(old->img, new_->img, old_path, new_path, json != 0, tier_buf_inner(out)) < 0) return TIER_ENOMEM;
  return status_of(out);
}

int tier_rules_changes(const tier_ruleset *old, const tier_ruleset *new_, int people,
                       void (*each)(void *ud, const tier_rule_change *c), void *ud) {
  return rule_changes(old->img, new_->img, people != 0, each, ud) < 0 ? TIER_ENOMEM : TIER_OK;
}

int tier_test_run(const tier_ruleset *rs, const char *const *files, size_t nfiles, int coverage, tier_buf *out) {
  if (nfiles > INT_MAX) return -1;
  int rc = rt_run(rs, files, (int)nfiles, coverage != 0, tier_buf_inner(out));
  return tier_buf_failed(out) ? -1 : rc;
}
