/*
 * explain.c - one partner, every requirement of every tier of its type, in
 * sentences a program manager reads: what holds, what does not, by how
 * much, and where the rule is written.  It reads the result (made with
 * every requirement, tier_options.all_requirements) and walks the
 * ruleset's tiers, so that a tier without requirements is shown too.
 */
#include <string.h>

#include "output.h"

/* Every text below goes through E: quoted for the terminal when it holds
 * a control character (escape.h), as record data may. */
#define E(s) esc_str(p, (s))

/* One requirement: a check mark, its label, its value against the
 * threshold, and where it is written. */
static void explain_req(tier_buf *b, const tier_req_result *u, struct esc_pool *p) {
  tier_buf_printf(b, "    %s ", u->met ? "\u2713" : "\u2717");
  if (u->label) tier_buf_printf(b, "%s: ", E(u->label));
  if (u->metric && u->type == TIER_TYPE_BOOL && !u->missing && !strcmp(u->op, "==")) {
    tier_buf_printf(b, "%s", !strcmp(u->actual, "true") ? "yes" : "no");
    if (!u->met) tier_buf_printf(b, " (%s)", E(u->need));
  } else if (u->metric) {
    tier_buf_printf(b, "%s is %s, %s %s %s", E(u->metric), E(u->actual_shown), u->met ? "meets" : "needs", u->op,
                    E(u->required_shown));
    if (!u->met) tier_buf_printf(b, " (%s)", E(u->need));
  } else {
    tier_buf_printf(b, "%s %s", E(u->rule), u->met ? "holds" : "does not hold");
  }
  if (u->file) tier_buf_printf(b, "  [%s:%u]", E(u->file), u->line);
  tier_buf_putc(b, '\n');
}

/* A sustained clause: held at every checkpoint, failing today, or failing
 * at an earlier checkpoint. */
static void explain_sustained(tier_buf *b, const tier_req_result *u, int64_t asof) {
  char d[11];
  tier_date_format(u->checkpoint, d);
  if (u->met)
    tier_buf_printf(b, "    \u2713 sustained %d months: every requirement held at each monthly checkpoint\n", u->sustained);
  else if (u->checkpoint == asof)
    tier_buf_printf(b, "    \u2717 sustained %d months: the requirements do not hold today (%s), so none of the checkpoints counts yet\n",
               u->sustained, d);
  else
    tier_buf_printf(b, "    \u2717 sustained %d months: the requirements did not all hold at the checkpoint %s\n", u->sustained, d);
}

/* Tier t (info T): held or not, then its requirements (r->reqs from *at on)
 * grouped under their section headings. */
static void explain_tier(tier_buf *b, const tier_result *r, int t, const tier_info *T, size_t *at, struct esc_pool *p) {
  bool held = r->tier_index >= t;
  tier_buf_printf(b, "\n%s: %s", E(T->name), held ? "held" : "not held");
  if (T->nreqs == 0 && !T->sustained) tier_buf_printf(b, " (every partner of this type holds it)");
  tier_buf_putc(b, '\n');
  const char *section = NULL;
  for (; *at < r->nreqs && r->reqs[*at].tier_index == t; ++*at) {
    const tier_req_result *u = &r->reqs[*at];
    if (u->sustained) {
      if (section) tier_buf_printf(b, "  (the whole ladder up to %s)\n", E(T->name));
      explain_sustained(b, u, r->asof);
      continue;
    }
    if (u->section && (!section || strcmp(section, u->section) != 0)) tier_buf_printf(b, "  %s\n", E(u->section));
    section = u->section;
    explain_req(b, u, p);
  }
}

void out_explain(const struct out *o, tier_buf *b, const tier_result *r) {
  const tier_ruleset *rs = o->rs;
  struct esc_pool *p = o->pool;
  char asof[11];
  tier_date_format(r->asof, asof);
  const char *name = tier_ruleset_name(rs);
  tier_buf_printf(b, "%s (%s), reviewed at %s under %s%s%s (rules %.16s)\n", r->id ? E(r->id) : "(no id)",
                  r->type ? E(r->type) : "?", asof, *name ? E(name) : "the ruleset", *r->rules_version ? " " : "",
                  E(r->rules_version), r->rules_hash);
  if (r->tier) tier_buf_printf(b, "Holds %s.", E(r->tier));
  else tier_buf_printf(b, "Holds no tier.");
  if (r->next) tier_buf_printf(b, " Next: %s.\n", E(r->next));
  else tier_buf_printf(b, " That is the top of the ladder.\n");

  size_t at = 0; /* r->reqs are in ladder order: each tier takes its own from here */
  tier_info T;
  for (int t = 0; tier_ruleset_tier(rs, (size_t)t, &T) == TIER_OK; t++)
    if (T.type_index == r->type_index) explain_tier(b, r, t, &T, &at, p);
  if (r->next) {
    tier_buf_printf(b, "\nSmallest change to reach %s: ", E(r->next));
    for (size_t i = 0; i < r->nunmet; i++) tier_buf_printf(b, "%s%s", i ? "; " : "", E(r->unmet[i].need));
    tier_buf_printf(b, "\n");
  }
}
