/*
 * difftest.h - the differential test's parts: compiling a generated
 * ruleset for both evaluators, comparing one record, the checks made once
 * per ruleset, and the shrinker.
 */
#ifndef REF_DIFFTEST_H
#define REF_DIFFTEST_H

#include "calendar.h"
#include "gen.h"
#include "outcome.h"
#include "ref.h"
#include "vm.h"
#include "vm_side.h"

struct dt_options {
  struct gen_options gen;
  const char *outdir; /* where a reproducer is written (NULL: nowhere) */
  bool verbose;
};

/* A ruleset compiled for the VM and loaded into the reference. */
struct compiled {
  char *text;        /* the source */
  uint8_t *bc;
  size_t nbc;
  tier_ruleset *rs;
  tier_vm *vm;
  struct ref_rules *ref;
  char err[2048];    /* why it does not compile */
};

/* 0, or -1 with c->err (the first diagnostic, without its position) */
int dt_open(const struct gruleset *g, struct compiled *c);
/* After dt_open failed: was the ruleset refused by one of the compiler's
 * documented limits (docs/language.md 10.2, each message says "the limit
 * is N")?  The reference has no limits, so that is no difference: a large
 * generated ruleset may write out more item metrics than the compiler
 * takes. */
bool dt_over_limit(const struct compiled *c);
void dt_close(struct compiled *c);

enum { DT_AGREE, DT_DIFFER };
/* One record through both; on DT_DIFFER `what` says how and `key` names the
 * field (the shrinker keeps it).  vo and ro receive both outcomes. */
int dt_record(struct compiled *c, const struct gruleset *g, const struct grecord *rec,
              struct outcome *vo, struct outcome *ro, char *what, size_t wn, char *key, size_t kn);

/* Print the (shrunk) reproducer: ruleset, record (NULL for a failure of
 * the ruleset alone), date and both outcomes; write it to o->outdir. */
#define DT_NO_SEED UINT64_MAX /* a ruleset made from fuzzer bytes */
void dt_report(const struct dt_options *o, const struct gruleset *g, const struct grecord *rec, const char *what,
               unsigned long long seed);

/* checks.c: what must hold of every ruleset (fmt keeps the code, tierc diff,
 * disasm).  0, or 1 with what/key. */
int dt_ruleset_checks(const struct dt_options *o, struct gruleset *g, struct compiled *c, char *what, size_t wn, char *key,
                      size_t kn);

/* shrink.c: cut g and rec down while the failure named `key` persists. */
void dt_shrink(const struct dt_options *o, struct gruleset *g, struct grecord *rec, const char *key);

#endif
