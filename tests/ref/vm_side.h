/*
 * vm_side.h - the VM's result for one record, as an outcome (outcome.h).
 */
#ifndef REF_VM_SIDE_H
#define REF_VM_SIDE_H

#include "outcome.h"
#include "tier.h"

/* Evaluate the record `json` with vm at `asof` (OC_NONE: the review rule)
 * and fill out; vm made with tier_options.all_requirements gives the
 * explanation, every requirement of the record's type. */
void vm_outcome(tier_vm *vm, const char *json, size_t len, int64_t asof, struct outcome *out);

#endif
