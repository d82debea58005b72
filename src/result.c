/*
 * result.c - the public evaluation call: parse a record, evaluate it, and
 * turn the VM's outcome into a tier_result: the tier held, the next one,
 * and each unmet requirement with the metric's actual and required values.
 */
#include <stdio.h>
#include <string.h>

#include "output.h"

const char *tier_vm_error(const tier_vm *vm) { return vm->err; }
const char *tier_vm_error_path(const tier_vm *vm) { return vm->path; }

/* n with thousands separators: 3400 -> "3,400"; cents -> "3,400.00". */
static void grouped(uint64_t units, char *out, size_t n) {
  char digits[32];
  snprintf(digits, sizeof digits, "%llu", (unsigned long long)units);
  size_t len = strlen(digits), k = 0;
  for (size_t i = 0; i < len && k + 2 < n; i++) {
    if (i && (len - i) % 3 == 0) out[k++] = ',';
    out[k++] = digits[i];
  }
  out[k] = 0;
}

/* The smallest change to a value of `kind` that meets `actual OP required`. */
static void need_text(const tier_req_result *o, int kind, int cmp, int64_t actual, int64_t required, char *out,
                      size_t n) {
  const char *m = o->metric;
  if (kind == TY_BOOL) {
    snprintf(out, n, "%s must become %s", m, required == 1 ? "true" : "false");
    return;
  }
  if ((kind == TY_INT || kind == TY_MONEY) && actual != TIER_NONE && (cmp == CMP_GE || cmp == CMP_GT || cmp == CMP_LE || cmp == CMP_LT)) {
    /* distance to the threshold, one step past it for a strict comparison */
    bool up = cmp == CMP_GE || cmp == CMP_GT;
    int64_t target = cmp == CMP_GT ? required + 1 : cmp == CMP_LT ? required - 1 : required;
    uint64_t d = up ? (uint64_t)target - (uint64_t)actual : (uint64_t)actual - (uint64_t)target;
    char g[48];
    if (kind == TY_MONEY) {
      grouped(d / 100, g, sizeof g);
      snprintf(out, n, "%c%s.%02llu %s", up ? '+' : '-', g, (unsigned long long)(d % 100), m);
    } else {
      grouped(d, g, sizeof g);
      snprintf(out, n, "%c%s %s", up ? '+' : '-', g, m);
    }
    return;
  }
  if (actual == TIER_NONE) {
    snprintf(out, n, "%s is missing; it must be %s %s", m, out_cmp_text(cmp), o->required);
    return;
  }
  snprintf(out, n, "%s must be %s %s (it is %s)", m, out_cmp_text(cmp), o->required, o->actual);
}

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
  if (img->has_debug) {
    o->file = img_str(img, r->file);
    o->line = r->line;
    o->column = r->col;
  }
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
    o->op = out_cmp_text(r->cmp);
    if (!o->met) need_text(o, kind, r->cmp, actual, img->consts[r->konst].v, o->need, sizeof o->need);
  } else if (!o->met) {
    snprintf(o->need, sizeof o->need, "must hold: %.110s", o->rule);
  }
}

void res_fill_sustained(struct tier_vm *vm, uint32_t t, tier_req_result *o) {
  const struct image *img = vm->rs->img;
  memset(o, 0, sizeof *o);
  o->tier = img_str(img, img->tiers[t].name);
  o->rule = "sustained";
  o->sustained = (int)img->tiers[t].sustained;
  if (img->has_debug) {
    o->file = img_str(img, img->tiers[t].file);
    o->line = img->tiers[t].line;
    o->column = img->tiers[t].col;
  }
  o->checkpoint = vm->ev.sus_fail[t];
  o->met = vm->ev.sus_fail[t] == TIER_NONE;
  if (!o->met) {
    char d[11];
    date_format(o->checkpoint, d);
    snprintf(o->need, sizeof o->need, "the requirements must hold at every monthly checkpoint for %u months (failed at %s)",
             img->tiers[t].sustained, d);
  }
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
