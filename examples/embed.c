/* embed.c - libtier through its public API only (tier.h): compile a ruleset,
 * load the bytecode, evaluate one partner profile (the first JSON line of a
 * file, or of standard input) and print the tier, the next tier and what is
 * missing for it.
 *
 *   cc embed.c $(pkg-config --cflags --libs tier) -o embed
 *   ./embed [RULES.tier [PROFILES.jsonl | -]]
 *
 * Exit status: 0 evaluated, 1 the record was rejected, 2 usage or I/O error,
 * 3 the ruleset was rejected. */
#define _POSIX_C_SOURCE 200809L /* getline */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tier.h>

int main(int argc, char **argv) {
  const char *rules = argc > 1 ? argv[1] : "rules/apn-2019.tier";
  const char *input = argc > 2 ? argv[2] : "-";
  if (argc > 3) {
    fprintf(stderr, "usage: embed [RULES.tier [PROFILES.jsonl | -]]\n");
    return 2;
  }
  FILE *f = strcmp(input, "-") ? fopen(input, "r") : stdin;
  if (!f) {
    fprintf(stderr, "embed: cannot open %s: %s\n", input, strerror(errno));
    return 2;
  }
  char *line = NULL, err[512];
  size_t cap = 0, n = 0;
  ssize_t len = getline(&line, &cap, f); /* the first line: one JSON object */
  if (f != stdin) fclose(f);
  if (len < 0) {
    fprintf(stderr, "embed: %s: no profile\n", input);
    free(line);
    return 2;
  }
  uint8_t *bc = NULL;
  tier_diags *diags = NULL;
  tier_ruleset *rs = NULL;
  tier_vm *vm = NULL;
  const tier_result *res;
  int rc = tier_compile(rules, NULL, 0, NULL, &bc, &n, &diags), status = 3;
  fputs(tier_diags_text(diags), stderr); /* the errors, or warnings on success */
  tier_diags_free(diags);
  if (rc != TIER_OK) fprintf(stderr, "embed: %s: %s\n", rules, tier_strerror(rc));
  else if (tier_load(bc, n, NULL, &rs, err, sizeof err) != TIER_OK) fprintf(stderr, "embed: %s: %s\n", rules, err);
  else if (!(vm = tier_vm_new(rs, NULL))) fprintf(stderr, "embed: %s\n", tier_strerror(TIER_ENOMEM));
  else if ((rc = tier_eval_json(vm, line, (size_t)len, INT64_MIN, &res)) != TIER_OK) {
    const char *where = tier_vm_error_path(vm);
    fprintf(stderr, "embed: %s: record rejected: %s%s%s\n", input, tier_vm_error(vm), *where ? " at " : "", where);
    status = 1;
  } else {
    char asof[11];
    tier_date_format(res->asof, asof);
    printf("id: %s\ntype: %s\nasof: %s\n", res->id ? res->id : "-", res->type, asof);
    printf("tier: %s\nnext: %s\n", res->tier ? res->tier : "(none)", res->next ? res->next : "(none: at the top)");
    for (size_t i = 0; i < res->nunmet; i++) {
      const tier_req_result *u = &res->unmet[i];
      printf("unmet: %s%s%s%s%s\n", u->section ? u->section : "", u->section ? ": " : "", u->rule,
             u->need[0] ? "  need " : "", u->need);
    }
    status = 0;
  }
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  tier_free_bytes(NULL, bc, n);
  free(line);
  return status;
}
