/*
 * ref.h - the reference interpreter of the tier language: the executable
 * form of docs/language.md.  It takes the typed tree the compiler's front end
 * (parse + sema) leaves, reads records with jansson by SPEC section 5, and
 * evaluates every construct straight from its definition, with exact
 * rational numbers (GMP).  It shares no code with codegen.c, verify.c or
 * vm.c: what it computes is a second opinion on what the VM computes.
 * Written for clarity, not speed.  See tests/ref/README.md.
 */
#ifndef REF_H
#define REF_H

#include "outcome.h"

struct ref_rules;

/* Compile `text` (the content of `path`; imports are read relative to it)
 * with the front end.  Returns NULL and the diagnostics in err on failure. */
struct ref_rules *ref_load(const char *path, const char *text, size_t len, char *err, size_t errlen);
void ref_free(struct ref_rules *r);

/* Evaluate one record (JSON text) at `asof` (days since 1970-01-01; OC_NONE:
 * the review rule, or today).  The outcome is filled as the VM's would be;
 * release it with oc_free(). */
void ref_eval(struct ref_rules *r, const char *json, size_t len, int64_t asof, struct outcome *out);

#endif
