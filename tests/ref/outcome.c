/*
 * outcome.c - the neutral result both evaluators fill (outcome.h): memory,
 * field-by-field comparison, and printing for reproducers.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "outcome.h"

char *oc_strdup(const char *s) {
  if (!s) return NULL;
  char *d = strdup(s);
  if (!d) {
    fputs("difftest: out of memory\n", stderr);
    exit(2);
  }
  return d;
}

struct oc_entry *oc_add(struct oc_entry **v, size_t *n) {
  /* grown one by one: outcomes are small, and clarity beats speed here */
  struct oc_entry *p = realloc(*v, sizeof **v * (*n + 1));
  if (!p) {
    fputs("difftest: out of memory\n", stderr);
    exit(2);
  }
  *v = p;
  memset(&p[*n], 0, sizeof p[*n]);
  p[*n].checkpoint = OC_NONE;
  return &p[(*n)++];
}

void oc_copy_entry(struct oc_entry *dst, const struct oc_entry *src) {
  *dst = *src;
  dst->tier = oc_strdup(src->tier);
  dst->badge = oc_strdup(src->badge);
  dst->branch = oc_strdup(src->branch);
  dst->section = oc_strdup(src->section);
  dst->label = oc_strdup(src->label);
  dst->rule = oc_strdup(src->rule);
  dst->metric = oc_strdup(src->metric);
  dst->actual = oc_strdup(src->actual);
  dst->required = oc_strdup(src->required);
  dst->op = oc_strdup(src->op);
  dst->threshold = oc_strdup(src->threshold);
  dst->actual_shown = oc_strdup(src->actual_shown);
  dst->required_shown = oc_strdup(src->required_shown);
  dst->need = oc_strdup(src->need);
}

static void entry_free(struct oc_entry *e) {
  free(e->tier);
  free(e->badge);
  free(e->branch);
  free(e->section);
  free(e->label);
  free(e->rule);
  free(e->metric); free(e->actual); free(e->required); free(e->op); free(e->need); free(e->threshold);
  free(e->actual_shown); free(e->required_shown);
}

void oc_free(struct outcome *o) {
  for (size_t i = 0; i < o->nunmet; i++) entry_free(&o->unmet[i]);
  for (size_t i = 0; i < o->nexplain; i++) entry_free(&o->explain[i]);
  for (size_t i = 0; i < o->nbadge_unmet; i++) entry_free(&o->badge_unmet[i]);
  free(o->unmet);
  free(o->explain);
  free(o->badge_unmet);
  free(o->badges);
  free(o->error); free(o->path); free(o->id); free(o->type); free(o->tier); free(o->next);
  memset(o, 0, sizeof *o);
}

/* ---- comparison ------------------------------------------------------------ */

struct cmp {
  char *what, *key;
  size_t wn, kn;
  bool differs;
};

static void differ(struct cmp *c, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void differ(struct cmp *c, const char *key, const char *fmt, ...) {
  if (c->differs) return; /* the first difference is the one reported */
  c->differs = true;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->what, c->wn, fmt, ap);
  va_end(ap);
  snprintf(c->key, c->kn, "%s", key);
}

static const char *show(const char *s) { return s ? s : "(absent)"; }

static void cmp_str(struct cmp *c, const char *key, const char *where, const char *v, const char *r) {
  if ((v == NULL) != (r == NULL) || (v && strcmp(v, r) != 0))
    differ(c, key, "%s: vm '%s', reference '%s'", where, show(v), show(r));
}

static void cmp_int(struct cmp *c, const char *key, const char *where, long long v, long long r) {
  if (v != r) differ(c, key, "%s: vm %lld, reference %lld", where, v, r);
}

static void cmp_entries(struct cmp *c, const char *list, const struct oc_entry *v, size_t nv,
                        const struct oc_entry *r, size_t nr) {
  char where[96], key[64];
  snprintf(where, sizeof where, "%s: number of entries", list);
  snprintf(key, sizeof key, "%s.count", list);
  cmp_int(c, key, where, (long long)nv, (long long)nr);
  for (size_t i = 0; i < nv && i < nr && !c->differs; i++) {
    const struct oc_entry *a = &v[i], *b = &r[i];
#define FIELD_KEY(f) (snprintf(where, sizeof where, "%s[%zu].%s (rule '%s')", list, i, f, show(b->rule)), \
                      snprintf(key, sizeof key, "%s.%s", list, f), key)
    cmp_str(c, FIELD_KEY("tier"), where, a->tier, b->tier);
    cmp_str(c, FIELD_KEY("badge"), where, a->badge, b->badge);
    cmp_str(c, FIELD_KEY("branch"), where, a->branch, b->branch);
    cmp_int(c, FIELD_KEY("branch_place"), where, a->branch_place, b->branch_place);
    cmp_int(c, FIELD_KEY("place"), where, a->place, b->place);
    cmp_int(c, FIELD_KEY("depth"), where, a->depth, b->depth);
    cmp_int(c, FIELD_KEY("gap"), where, a->gap, b->gap);
    cmp_int(c, FIELD_KEY("held"), where, a->held, b->held);
    cmp_int(c, FIELD_KEY("needed"), where, a->needed, b->needed);
    cmp_int(c, FIELD_KEY("of"), where, a->of, b->of);
    cmp_str(c, FIELD_KEY("rule"), where, a->rule, b->rule);
    cmp_int(c, FIELD_KEY("met"), where, a->met, b->met);
    cmp_str(c, FIELD_KEY("section"), where, a->section, b->section);
    cmp_str(c, FIELD_KEY("label"), where, a->label, b->label);
    cmp_str(c, FIELD_KEY("metric"), where, a->metric, b->metric);
    cmp_str(c, FIELD_KEY("actual"), where, a->actual, b->actual);
    cmp_str(c, FIELD_KEY("required"), where, a->required, b->required);
    cmp_str(c, FIELD_KEY("op"), where, a->op, b->op);
    cmp_str(c, FIELD_KEY("threshold"), where, a->threshold, b->threshold);
    cmp_str(c, FIELD_KEY("actual_shown"), where, a->actual_shown, b->actual_shown);
    cmp_str(c, FIELD_KEY("required_shown"), where, a->required_shown, b->required_shown);
    cmp_int(c, FIELD_KEY("type"), where, a->type, b->type);
    cmp_int(c, FIELD_KEY("missing"), where, a->missing, b->missing);
    cmp_str(c, FIELD_KEY("need"), where, a->need, b->need);
    cmp_int(c, FIELD_KEY("sustained"), where, a->sustained, b->sustained);
    cmp_int(c, FIELD_KEY("checkpoint"), where, a->checkpoint, b->checkpoint);
#undef FIELD_KEY
  }
}

static const char *status_name(int s) { return s == OC_OK ? "ok" : s == OC_RECORD ? "record error" : "runtime error"; }

bool oc_compare(const struct outcome *vm, const struct outcome *ref, char *what, size_t wn, char *key, size_t kn) {
  struct cmp c = {what, key, wn, kn, false};
  /* beyond the documented range of int and money the VM rejects the record:
   * the reference computes on exactly, and accepts that rejection */
  if (ref->may_fail && vm->status == OC_RUNTIME) return true;
  if (vm->status != ref->status) {
    differ(&c, "status", "status: vm %s (%s), reference %s (%s)", status_name(vm->status), show(vm->error),
           status_name(ref->status), show(ref->error));
    return false;
  }
  if (ref->status == OC_RECORD) {
    cmp_str(&c, "path", "error path", vm->path, ref->path);
    return !c.differs;
  }
  cmp_str(&c, "id", "id", vm->id, ref->id);
  cmp_str(&c, "type", "type", vm->type, ref->type);
  cmp_int(&c, "asof", "asof", vm->asof, ref->asof);
  cmp_str(&c, "tier", "tier", vm->tier, ref->tier);
  cmp_str(&c, "next", "next", vm->next, ref->next);
  cmp_int(&c, "granted", "granted", vm->granted, ref->granted);
  cmp_entries(&c, "unmet", vm->unmet, vm->nunmet, ref->unmet, ref->nunmet);
  cmp_entries(&c, "explain", vm->explain, vm->nexplain, ref->explain, ref->nexplain);
  cmp_str(&c, "badges", "badges", vm->badges, ref->badges);
  cmp_entries(&c, "badges_unmet", vm->badge_unmet, vm->nbadge_unmet, ref->badge_unmet, ref->nbadge_unmet);
  return !c.differs;
}

/* ---- printing --------------------------------------------------------------- */

static void put_str(FILE *f, const char *key, const char *s) {
  if (!s) return;
  fprintf(f, ",\"%s\":\"", key);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
    else fputc(*p, f);
  }
  fputc('"', f);
}

static void put_entries(FILE *f, const char *key, const struct oc_entry *e, size_t n) {
  fprintf(f, ",\"%s\":[", key);
  for (size_t i = 0; i < n; i++) {
    fprintf(f, "%s{\"met\":%s", i ? "," : "", e[i].met ? "true" : "false");
    put_str(f, "tier", e[i].tier);
    put_str(f, "badge", e[i].badge);
    put_str(f, "branch", e[i].branch);
    if (e[i].branch_place) fprintf(f, ",\"branch_place\":%d", e[i].branch_place);
    if (e[i].place) fprintf(f, ",\"place\":%d", e[i].place);
    if (e[i].depth) fprintf(f, ",\"depth\":%d", e[i].depth);
    if (e[i].gap) fputs(",\"gap\":true", f);
    if (e[i].of) fprintf(f, ",\"held\":%d,\"needed\":%d,\"of\":%d", e[i].held, e[i].needed, e[i].of);
    put_str(f, "section", e[i].section);
    put_str(f, "label", e[i].label);
    put_str(f, "rule", e[i].rule);
    put_str(f, "metric", e[i].metric);
    put_str(f, "actual", e[i].actual);
    put_str(f, "required", e[i].required);
    put_str(f, "op", e[i].op);
    put_str(f, "threshold", e[i].threshold);
    put_str(f, "actual_shown", e[i].actual_shown);
    put_str(f, "required_shown", e[i].required_shown);
    put_str(f, "need", e[i].need);
    if (e[i].sustained) fprintf(f, ",\"sustained\":%d", e[i].sustained);
    if (e[i].checkpoint != OC_NONE) fprintf(f, ",\"checkpoint\":%lld", (long long)e[i].checkpoint);
    fputc('}', f);
  }
  fputc(']', f);
}

void oc_print(const struct outcome *o, FILE *f) {
  fprintf(f, "{\"status\":\"%s\"", status_name(o->status));
  put_str(f, "error", o->error);
  put_str(f, "path", o->path);
  if (o->status == OC_OK) {
    put_str(f, "id", o->id);
    put_str(f, "type", o->type);
    fprintf(f, ",\"asof\":%lld", (long long)o->asof);
    put_str(f, "tier", o->tier);
    put_str(f, "next", o->next);
    if (o->granted) fputs(",\"granted\":true", f);
    put_entries(f, "unmet", o->unmet, o->nunmet);
    put_entries(f, "explain", o->explain, o->nexplain);
    put_str(f, "badges", o->badges);
    put_entries(f, "badges_unmet", o->badge_unmet, o->nbadge_unmet);
  }
  if (o->may_fail) fputs(",\"may_fail\":true", f);
  fputs("}\n", f);
}
