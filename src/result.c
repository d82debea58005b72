/*
 * result.c - the public evaluation call: parse a record, evaluate it, and
 * turn the VM's outcome into a tier_result: the tier held, the next one,
 * and each unmet requirement with the metric's actual and required values.
 */
#include <stdio.h>
#include <string.h>

#include "vm.h"

const char *tier_vm_error(const tier_vm *vm) { return vm->err; }
const char *tier_vm_error_path(const tier_vm *vm) { return vm->path; }

/* Describe requirement q of tier t at the VM's last evaluation. */
void res_fill_req(struct tier_vm *vm, uint32_t t, uint32_t q, tier_req_result *o) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  const struct img_req *r = &img->reqs[q];
  memset(o, 0, sizeof *o);
  o->tier = img_str(img, img->tiers[t].name);
  o->section = r->section == NO_STR ? NULL : img_str(img, r->section);
  o->label = r->label == NO_STR ? NULL : img_str(img, r->label);
  o->rule = img_str(img, r->rule);
  o->met = vm->ev.met[q];
  if (r->metric >= 0 || r->field >= 0) {
    int kind;
    uint16_t ref;
    int64_t actual;
    if (r->metric >= 0) {
      const struct img_metric *m = &img->metrics[r->metric];
      o->metric = img_str(img, m->name);
      kind = m->kind;
      ref = m->ref;
      actual = vm->ev.regs_today[r->metric];
    } else {
      const struct img_field *f = &img->fields[img_top_field(img, (uint32_t)r->field)];
      o->metric = img_str(img, f->name);
      kind = f->kind;
      ref = f->ref;
      actual = vm->rec.top[r->field];
    }
    vm_value_text(rs, &vm->rec, kind, ref, actual, o->actual, sizeof o->actual);
    vm_value_text(rs, &vm->rec, kind, ref, img->consts[r->konst].v, o->required, sizeof o->required);
    o->numeric = (kind == TY_INT || kind == TY_MONEY || kind == TY_NUMBER) && strcmp(o->actual, "none") != 0 &&
                 strcmp(o->actual, "inf") != 0 && strcmp(o->actual, "-inf") != 0;
  }
}

void res_fill_sustained(struct tier_vm *vm, uint32_t t, tier_req_result *o) {
  const struct image *img = vm->rs->img;
  memset(o, 0, sizeof *o);
  o->tier = img_str(img, img->tiers[t].name);
  o->rule = "sustained";
  o->sustained = (int)img->tiers[t].sustained;
  o->checkpoint = vm->ev.sus_fail[t];
  o->met = vm->ev.sus_fail[t] == TIER_NONE;
}

/* Which requirement's code holds instruction index pc (for runtime errors). */
static const char *culprit(struct tier_vm *vm, char *buf, size_t n) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  int best = -1;
  uint32_t best_at = 0;
  for (uint32_t q = 0; q < img->nreqs; q++)
    if (rs->req_entry[q] <= vm->err_pc && rs->req_entry[q] >= best_at) { best = (int)q; best_at = rs->req_entry[q]; }
  if (best >= 0 && rs->metric_entry < best_at) {
    const struct img_req *r = &img->reqs[best];
    snprintf(buf, n, "in rule '%s'%s", img_str(img, r->rule), "");
    if (img->has_debug) snprintf(buf + strlen(buf), n - strlen(buf), " (%s:%u)", img_str(img, r->file), r->line);
  } else if (vm->err_pc >= rs->metric_entry) {
    snprintf(buf, n, "in the metric definitions");
  } else {
    snprintf(buf, n, "in the review rule");
  }
  return buf;
}

int tier_eval_json(tier_vm *vm, const char *json, size_t len, int64_t asof, const tier_result **res) {
  if (res) *res = NULL;
  vm->err_line = vm->err_col = 0;
  int rc = rec_parse(vm, json, len, &vm->rec);
  if (rc) return rc;
  return res_eval_bound(vm, asof, res);
}

/* Evaluate the record rec_parse bound to vm->rec. */
int res_eval_bound(struct tier_vm *vm, int64_t asof, const tier_result **res) {
  if (res) *res = NULL;
  int rc = vm_evaluate(vm, &vm->rec, asof);
  if (rc == TIER_ERUNTIME) {
    char where[300];
    char msg[sizeof vm->err];
    snprintf(msg, sizeof msg, "%s", vm->err);
    snprintf(vm->err, sizeof vm->err, "%.200s %.300s", msg, culprit(vm, where, sizeof where));
    return rc;
  }
  if (rc) return rc;
  const struct image *img = vm->rs->img;
  tier_result *r = &vm->res;
  r->type = NULL;
  if (vm->ev.ptype >= 0) {
    const struct img_enum *e = &img->enums[img->fields[img->partner_field].ref];
    r->type = img_str(img, e->vals[vm->ev.ptype]);
  }
  r->asof = vm->ev.asof;
  r->tier = vm->ev.tier >= 0 ? img_str(img, img->tiers[vm->ev.tier].name) : NULL;
  r->next = vm->ev.next >= 0 ? img_str(img, img->tiers[vm->ev.next].name) : NULL;
  r->nunmet = 0;
  if (vm->ev.next >= 0) {
    uint32_t t = (uint32_t)vm->ev.next;
    const struct img_tier *T = &img->tiers[t];
    for (uint32_t q = T->first_req; q < T->first_req + T->nreq; q++)
      if (!vm->ev.met[q]) res_fill_req(vm, t, q, &vm->unmet[r->nunmet++]);
    if (T->sustained && vm->ev.sus_fail[t] != TIER_NONE) res_fill_sustained(vm, t, &vm->unmet[r->nunmet++]);
  }
  r->unmet = vm->unmet;
  if (res) *res = r;
  return TIER_OK;
}
