/*
 * vm_side.c - the VM's result for one record as an outcome, through the
 * public API alone: tier, next, unmet and, for the explanation, every
 * requirement of the record's type (the vm is made with
 * tier_options.all_requirements).
 */
#include <string.h>

#include "vm_side.h"

static void entry(const tier_req_result *r, struct oc_entry *e) {
  e->tier = oc_strdup(r->tier);
  e->badge = oc_strdup(r->badge);
  e->branch = oc_strdup(r->branch);
  e->branch_place = (int)r->branch_place;
  e->place = (int)r->place;
  e->depth = r->depth;
  e->gap = r->gap != 0;
  e->held = r->held;
  e->needed = r->needed;
  e->of = r->of;
  e->section = oc_strdup(r->section);
  e->label = oc_strdup(r->label);
  e->rule = oc_strdup(r->rule);
  e->met = r->met != 0;
  if (r->metric) {
    e->metric = oc_strdup(r->metric);
    e->actual = oc_strdup(r->actual);
    e->required = oc_strdup(r->required);
    e->actual_shown = oc_strdup(r->actual_shown);
    e->required_shown = oc_strdup(r->required_shown);
    e->op = oc_strdup(r->op);
    e->threshold = oc_strdup(r->threshold);
    e->type = r->type;
    e->missing = r->missing != 0;
  }
  if (!e->met) e->need = oc_strdup(r->need);
  e->sustained = r->sustained;
  /* a time clause's deciding checkpoint: where a sustained one failed, where an at any one held */
  bool decided = r->kind == TIER_ENTRY_SUSTAINED ? !r->met : r->kind == TIER_ENTRY_AT_ANY && r->met;
  e->checkpoint = decided ? r->checkpoint : OC_NONE;
}

void vm_outcome(tier_vm *vm, const char *json, size_t len, int64_t asof, struct outcome *out) {
  memset(out, 0, sizeof *out);
  const tier_result *res;
  int rc = tier_eval_json(vm, json, len, asof == OC_NONE ? INT64_MIN : asof, &res);
  if (rc == TIER_ERECORD || rc == TIER_ERUNTIME) {
    out->status = rc == TIER_ERECORD ? OC_RECORD : OC_RUNTIME;
    out->error = oc_strdup(tier_vm_error(vm));
    const char *path = tier_vm_error_path(vm);
    out->path = *path ? oc_strdup(path) : NULL;
    return;
  }
  if (rc != TIER_OK) {
    out->status = OC_RUNTIME;
    out->error = oc_strdup(tier_strerror(rc));
    return;
  }
  out->id = oc_strdup(res->id);
  out->type = oc_strdup(res->type);
  out->asof = res->asof;
  out->tier = oc_strdup(res->tier);
  out->next = oc_strdup(res->next);
  out->granted = res->granted != 0;
  for (size_t i = 0; i < res->nunmet; i++) entry(&res->unmet[i], oc_add(&out->unmet, &out->nunmet));
  for (size_t i = 0; i < res->nreqs; i++) entry(&res->reqs[i], oc_add(&out->explain, &out->nexplain));
  char held[4096] = "";
  for (size_t k = 0; k < res->nbadges; k++) {
    const tier_badge_result *B = &res->badges[k];
    size_t n = strlen(held);
    if (B->held) snprintf(held + n, sizeof held - n, "%s%s", n ? "," : "", B->name);
    for (size_t i = 0; i < B->nunmet; i++) entry(&B->unmet[i], oc_add(&out->badge_unmet, &out->nbadge_unmet));
  }
  out->badges = oc_strdup(held);
}
