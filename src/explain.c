/*
 * explain.c - one partner, every requirement of every tier of its type, in
 * sentences a program manager reads: what holds, what does not, by how
 * much, and where the rule is written.
 */
#include <string.h>

#include "output.h"

void out_explain(struct buf *b, struct tier_vm *vm, const tier_result *r) {
  const struct tier_ruleset *rs = vm->rs;
  const struct image *img = rs->img;
  char asof[11];
  date_format(r->asof, asof);
  const char *name = tier_ruleset_name(rs), *ver = tier_ruleset_version(rs);
  buf_printf(b, "%s (%s), reviewed at %s under %s%s%s (rules %.16s)\n", r->id ? r->id : "(no id)", r->type ? r->type : "?",
             asof, *name ? name : "the ruleset", *ver ? " " : "", ver, rs->hash_hex);
  if (r->tier) buf_printf(b, "Holds %s.", r->tier);
  else buf_printf(b, "Holds no tier.");
  if (r->next) buf_printf(b, " Next: %s.\n", r->next);
  else buf_printf(b, " That is the top of the ladder.\n");

  tier_req_result u;
  for (uint32_t t = 0; t < img->ntiers; t++) {
    const struct img_tier *T = &img->tiers[t];
    if ((int)T->ptype != vm->ev.ptype) continue;
    bool held = vm->ev.tier >= (int)t;
    buf_printf(b, "\n%s: %s", img_str(img, T->name), held ? "held" : "not held");
    if (T->nreq == 0 && !T->sustained) buf_printf(b, " (every partner of this type holds it)");
    buf_u8(b, '\n');
    const char *section = NULL;
    for (uint32_t q = T->first_req; q < T->first_req + T->nreq; q++) {
      res_fill_req(vm, t, q, &u);
      if (u.section && (!section || strcmp(section, u.section) != 0)) buf_printf(b, "  %s\n", u.section);
      section = u.section;
      buf_printf(b, "    %s ", u.met ? "\u2713" : "\u2717");
      if (u.label) buf_printf(b, "%s: ", u.label);
      if (u.metric && (!strcmp(u.actual, "true") || !strcmp(u.actual, "false")) && !strcmp(u.op, "==")) {
        buf_printf(b, "%s", !strcmp(u.actual, "true") ? "yes" : "no");
        if (!u.met) buf_printf(b, " (%s)", u.need);
      } else if (u.metric) {
        buf_printf(b, "%s is %s, %s %s %s", u.metric, u.actual, u.met ? "meets" : "needs", u.op, u.required);
        if (!u.met) buf_printf(b, " (%s)", u.need);
      } else {
        buf_printf(b, "%s %s", u.rule, u.met ? "holds" : "does not hold");
      }
      if (u.file) buf_printf(b, "  [%s:%u]", u.file, u.line);
      buf_u8(b, '\n');
    }
    if (T->sustained) {
      res_fill_sustained(vm, t, &u);
      if (section) buf_printf(b, "  (the whole ladder up to %s)\n", img_str(img, T->name));
      char d[11];
      date_format(u.checkpoint, d);
      if (u.met)
        buf_printf(b, "    \u2713 sustained %u months: every requirement held at each monthly checkpoint\n", T->sustained);
      else if (u.checkpoint == r->asof)
        buf_printf(b, "    \u2717 sustained %u months: the requirements do not hold today (%s), so none of the checkpoints counts yet\n",
                   T->sustained, d);
      else
        buf_printf(b, "    \u2717 sustained %u months: the requirements did not all hold at the checkpoint %s\n", T->sustained, d);
    }
  }
  if (r->next) {
    buf_printf(b, "\nSmallest change to reach %s: ", r->next);
    for (size_t i = 0; i < r->nunmet; i++) buf_printf(b, "%s%s", i ? "; " : "", r->unmet[i].need);
    buf_printf(b, "\n");
  }
}
