/*
 * explain.c - one partner, every requirement of every tier of its type and
 * of every badge, in sentences a program manager reads: what holds, what
 * does not, by how much, which path of an `either` holds (or is nearest),
 * how many of an `at least` hold, and where the rule is written.  It reads
 * the result (made with every requirement, tier_options.all_requirements)
 * and walks the ruleset's tiers and badges, so that an empty tier is shown
 * too.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "output.h"

/* Every text below goes through E: quoted for the terminal when it holds
 * a control character (escape.h), as record data may. */
#define E(s) esc_str(p, (s))

/* ---- numbers as people read them ------------------------------------------------------ */

static bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

/* The currency a label names ("MRR ... (USD)"): a three-letter ISO code
 * standing as a word of its own, or NULL. */
static const char *label_currency(const char *label) {
  static const char *codes[] = {"USD", "EUR", "JPY", "GBP", "CNY", "AUD", "CAD", "CHF", "INR", "KRW", "SGD", "HKD"};
  for (const char *c = label; c && *c; c++) {
    if (c != label && is_letter(c[-1])) continue;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
      if (strncmp(c, codes[i], 3) == 0 && !is_letter(c[3])) return codes[i];
  }
  return NULL;
}

/* A value of an entry as shown: numbers with thousands separators, money
 * with its cents and the label's currency ("USD 1,499.99"); anything else
 * (dates, names, "none ...", "≈0.67") as the result has it. */
static void value(tier_buf *b, const tier_req_result *u, const char *shown, struct esc_pool *p) {
  shown = tier_shown(u, shown);
  bool numeric = u->type == TIER_TYPE_INT || u->type == TIER_TYPE_MONEY || u->type == TIER_TYPE_NUMBER;
  const char *approx = "\u2248", *s = shown;
  bool about = strncmp(s, approx, strlen(approx)) == 0;
  if (about) s += strlen(approx);
  bool neg = *s == '-';
  size_t int_len = strspn(s + neg, "0123456789");
  if (!numeric || int_len == 0 || (s[neg + int_len] && s[neg + int_len] != '.')) {
    tier_buf_puts(b, E(shown));
    return;
  }
  const char *cur = u->type == TIER_TYPE_MONEY ? label_currency(u->label) : NULL;
  if (cur) tier_buf_printf(b, "%s ", cur);
  if (about) tier_buf_puts(b, approx);
  if (neg) tier_buf_putc(b, '-');
  const char *digits = s + neg, *frac = digits + int_len;
  for (size_t i = 0; i < int_len; i++) {
    if (i && (int_len - i) % 3 == 0) tier_buf_putc(b, ',');
    tier_buf_putc(b, digits[i]);
  }
  if (u->type == TIER_TYPE_MONEY) tier_buf_printf(b, "%s%s", *frac ? frac : ".00", strlen(frac) == 2 ? "0" : "");
  else tier_buf_puts(b, frac); /* digits and a point only: nothing to quote */
}

/* ---- entries ---------------------------------------------------------------------------- */

static void mark(tier_buf *b, const tier_req_result *u) {
  tier_buf_printf(b, "    %*s%s ", 2 * u->depth, "", u->met ? "\u2713" : "\u2717");
}

/* One requirement after its check mark: its label, its value against the
 * threshold, by how much it misses, and where it is written. */
static void req_text(tier_buf *b, const tier_req_result *u, struct esc_pool *p) {
  bool yes_no = u->metric && u->type == TIER_TYPE_BOOL && !u->missing && !strcmp(u->op, "==");
  if (u->label) tier_buf_printf(b, "%s: ", E(u->label));
  else if (yes_no) tier_buf_printf(b, "%s: ", E(u->metric));
  if (yes_no) {
    tier_buf_puts(b, !strcmp(u->actual, "true") ? _("yes") : _("no"));
  } else if (u->metric) {
    tier_buf_printf(b, _("%s is "), E(u->metric));
    value(b, u, u->actual_shown, p);
    tier_buf_printf(b, u->met ? _(", meets %s ") : _(", needs %s "), u->op);
    value(b, u, u->required_shown, p);
    if (u->threshold) tier_buf_printf(b, " = %s", E(u->threshold)); /* a computed threshold's text */
    /* the distance, when it says more than the two values already do
     * (a score's: each input that alone closes it) */
    char said[TIER_SAY_MAX];
    if (!u->met && (u->need[0] == '+' || u->need[0] == '-'))
      tier_buf_printf(b, " (%s)", out_said(p, said, u->need, &u->need_said));
  } else if (u->detail[0]) { /* the dates that decide a period test, the blocks a reference reads */
    char said[TIER_SAY_MAX];
    tier_buf_puts(b, out_said(p, said, u->detail, &u->detail_said));
  } else {
    tier_buf_printf(b, u->met ? _("%s holds") : _("%s does not hold"), E(u->rule));
  }
  if (u->file) tier_buf_printf(b, "  [%s:%u]", E(u->file), u->line);
  tier_buf_putc(b, '\n');
  if (u->metric && u->detail[0]) { /* a score's parts: its definition, its inputs' values */
    char said[TIER_SAY_MAX];
    tier_buf_printf(b, "    %*s  %s\n", 2 * u->depth, "", out_said(p, said, u->detail, &u->detail_said));
  }
}

static void explain_req(tier_buf *b, const tier_req_result *u, struct esc_pool *p) {
  mark(b, u);
  req_text(b, u, p);
}

/* An either, one of its branches, an at least: what holds of it. */
static void explain_group(tier_buf *b, const tier_req_result *u, struct esc_pool *p) {
  mark(b, u);
  if (u->kind == TIER_ENTRY_EITHER) {
    if (u->met)
      tier_buf_printf(b, NG_("either: %d of its %d paths holds\n", "either: %d of its %d paths hold\n", (unsigned long)u->held), u->held,
                      u->of);
    else tier_buf_printf(b, _("either: none of its %d paths holds\n"), u->of);
  } else if (u->kind == TIER_ENTRY_BRANCH) {
    tier_buf_printf(b, "%s: ", esc_branch(p, u->rule, u->place, true));
    if (u->met) tier_buf_puts(b, _("holds\n"));
    else if (u->gap)
      tier_buf_printf(b, NG_("%d of %d holds (the nearest path)\n", "%d of %d hold (the nearest path)\n", (unsigned long)u->held),
                      u->held, u->of);
    else tier_buf_printf(b, NG_("%d of %d holds\n", "%d of %d hold\n", (unsigned long)u->held), u->held, u->of);
  } else {
    tier_buf_printf(b, NG_("%s: %d holds", "%s: %d hold", (unsigned long)u->held), E(u->rule), u->held);
    if (!u->met) tier_buf_printf(b, _(", %d more needed"), u->needed - u->held);
    tier_buf_putc(b, '\n');
  }
}

/* A time clause.  Sustained: held at every checkpoint, failing today, or
 * failing at an earlier checkpoint, with each requirement that failed
 * there and its value there (of a lower tier: named).  At any checkpoint:
 * the checkpoint at which the requirements held, or the window in which
 * they never did. */
static void explain_time(tier_buf *b, const tier_req_result *u, int64_t asof, struct esc_pool *p) {
  char d[11], w[11], t[11];
  tier_date_format(u->checkpoint, d);
  tier_date_format(u->window_start, w);
  tier_date_format(asof, t);
  mark(b, u);
  tier_buf_printf(b, "%s: ", u->rule);
  if (u->kind == TIER_ENTRY_AT_ANY && u->met && u->checkpoint == asof)
    tier_buf_printf(b, _("the requirements hold on the evaluation date (%s)\n"), t);
  else if (u->kind == TIER_ENTRY_AT_ANY && u->met)
    tier_buf_printf(b, _("the requirements held at the checkpoint %s\n"), d);
  else if (u->kind == TIER_ENTRY_AT_ANY)
    tier_buf_printf(b, _("the requirements held at no checkpoint from %s to the evaluation date (%s)\n"), w, t);
  else if (u->met)
    tier_buf_puts(b, _("every requirement held at each monthly checkpoint\n"));
  else if (u->checkpoint == asof)
    tier_buf_printf(b, _("the requirements do not hold on the evaluation date (%s), so none of the checkpoints counts yet\n"), d);
  else
    tier_buf_printf(b, _("the requirements did not all hold at the checkpoint %s%s\n"), d, u->nitems ? ":" : "");
  for (size_t i = 0; i < u->nitems; i++) {
    const tier_req_result *f = &u->items[i];
    mark(b, f);
    if (f->tier && u->tier && strcmp(f->tier, u->tier) != 0) tier_buf_printf(b, "%s, ", E(f->tier));
    req_text(b, f, p);
  }
}

/* The entries of one tier or badge (r->reqs from *at on, while `mine`
 * says they are its own), under their section headings.  After sections,
 * a line says what the time clause covers: a tier's, its requirements and
 * every lower tier's (the whole ladder up to it); a badge's, the badge's
 * own requirements (a badge has no ladder). */
static void explain_entries(tier_buf *b, const tier_result *r, size_t *at, const char *name, bool badge,
                            bool (*mine)(const tier_req_result *, int), int index, struct esc_pool *p) {
  const char *section = NULL;
  for (; *at < r->nreqs && mine(&r->reqs[*at], index); ++*at) {
    const tier_req_result *u = &r->reqs[*at];
    if (u->kind == TIER_ENTRY_SUSTAINED || u->kind == TIER_ENTRY_AT_ANY) {
      if (section && badge) tier_buf_printf(b, _("  (every requirement of badge %s above)\n"), E(name));
      else if (section) tier_buf_printf(b, _("  (the whole ladder up to %s)\n"), E(name));
      explain_time(b, u, r->asof, p);
      continue;
    }
    /* a heading two columns left of a block's own entries; inside a group
     * (a path's sections in its branch) level with its entries, right of
     * the group's own line, which a heading further left would stand under */
    if (u->section && (!section || strcmp(section, u->section) != 0))
      tier_buf_printf(b, "  %*s%s\n", u->depth ? 2 * u->depth + 2 : 0, "", E(u->section));
    if (u->section) section = u->section;
    if (u->kind == TIER_ENTRY_REQ) explain_req(b, u, p);
    else explain_group(b, u, p);
    if (u->kind == TIER_ENTRY_BRANCH) section = NULL; /* each path says its own sections */
  }
}

static bool tier_entry(const tier_req_result *u, int t) { return u->tier_index == t; }
static bool badge_entry(const tier_req_result *u, int k) { return u->badge_index == k; }

/* The first lines: who (the id, the name when the rules declare one, the
 * partner type), when, under which rules; the tier held and the
 * next one (or that the partner's type has no tiers); the badges held. */
static void explain_head(tier_buf *b, const tier_ruleset *rs, const tier_result *r, struct esc_pool *p) {
  char asof[11];
  tier_date_format(r->asof, asof);
  const char *name = tier_ruleset_name(rs);
  tier_buf_puts(b, r->id ? E(r->id) : _("(no id)"));
  if (r->name && *r->name) tier_buf_printf(b, " %s", E(r->name));
  if (r->type) tier_buf_printf(b, " (%s)", E(r->type));
  tier_buf_printf(b, _(", reviewed at %s under %s%s%s (rules %.16s)\n"), asof, *name ? E(name) : _("the ruleset"),
                  *r->rules_version ? " " : "", E(r->rules_version), r->rules_hash);
  tier_info T;
  size_t ladder = 0; /* tiers of the record's partner type */
  for (size_t t = 0; tier_ruleset_tier(rs, t, &T) == TIER_OK; t++) ladder += T.type_index == r->type_index;
  if (ladder == 0 && tier_ruleset_ntiers(rs) > 0) {
    tier_buf_printf(b, _("Partner type %s has no tiers in these rules.\n"), r->type ? E(r->type) : "?");
  } else if (ladder > 0) {
    if (r->tier && r->granted) tier_buf_printf(b, _("Holds %s by a grant."), E(r->tier_display ? r->tier_display : r->tier));
    else if (r->tier) tier_buf_printf(b, _("Holds %s."), E(r->tier_display ? r->tier_display : r->tier));
    else tier_buf_puts(b, _("Holds no tier."));
    if (r->next) tier_buf_printf(b, _(" Next: %s.\n"), E(r->next_display ? r->next_display : r->next));
    else tier_buf_puts(b, _(" That is the top of the ladder.\n"));
  }
  if (r->nbadges) {
    size_t held = 0;
    for (size_t i = 0; i < r->nbadges; i++) held += r->badges[i].held != 0;
    tier_buf_printf(b, NG_("Holds %zu of %zu badge", "Holds %zu of %zu badges", r->nbadges), held, r->nbadges);
    for (size_t i = 0, k = 0; i < r->nbadges; i++)
      if (r->badges[i].held) tier_buf_printf(b, "%s%s", k++ ? _(", ") : _(": "), E(r->badges[i].name));
    tier_buf_puts(b, _(".\n"));
  }
}

void out_explain(const struct out *o, tier_buf *b, const tier_result *r) {
  const tier_ruleset *rs = o->rs;
  struct esc_pool *p = o->pool;
  explain_head(b, rs, r, p);
  size_t at = 0; /* r->reqs are in ladder order, then the badges: each takes its own from here */
  tier_info T;
  for (int t = 0; tier_ruleset_tier(rs, (size_t)t, &T) == TIER_OK; t++) {
    if (T.type_index != r->type_index) continue;
    if (T.display) tier_buf_printf(b, "\n%s (%s)", E(T.display), E(T.name));
    else tier_buf_printf(b, "\n%s", E(T.name));
    tier_buf_printf(b, ": %s", r->tier_index >= t ? _("held") : _("not held"));
    if (T.nreqs == 0 && !T.time) tier_buf_puts(b, _(" (every partner of this type holds it)"));
    tier_buf_putc(b, '\n');
    explain_entries(b, r, &at, T.name, false, tier_entry, t, p);
  }
  if (r->next) {
    tier_buf_printf(b, _("\nSmallest change to reach %s: "), E(r->next_display ? r->next_display : r->next));
    out_gap(b, r->unmet, r->nunmet, p);
    tier_buf_putc(b, '\n');
  }
  for (size_t k = 0; k < r->nbadges; k++) {
    const tier_badge_result *g = &r->badges[k];
    if (tier_ruleset_badge(rs, k, &T) != TIER_OK) continue;
    if (T.display) tier_buf_printf(b, _("\nBadge %s (%s): "), E(T.display), E(T.name));
    else tier_buf_printf(b, _("\nBadge %s: "), E(T.name));
    tier_buf_printf(b, "%s\n", g->held ? _("held") : _("not held"));
    explain_entries(b, r, &at, T.name, true, badge_entry, (int)k, p);
    if (!g->held) {
      tier_buf_puts(b, _("  Smallest change to earn it: "));
      out_gap(b, g->unmet, g->nunmet, p);
      tier_buf_putc(b, '\n');
    }
  }
}

/* ---- a sustained window, month by month ------------------------------------------------ */

void out_months_head(const struct out *o, tier_buf *b, int tier, unsigned n) {
  struct esc_pool *p = o->pool;
  tier_info T;
  if (tier_ruleset_tier(o->rs, (size_t)tier, &T) != TIER_OK) return;
  tier_buf_printf(b,
                  NG_("\n%s month by month (sustained %u month: its requirements and those of the tiers below it, at each "
                      "checkpoint):\n",
                      "\n%s month by month (sustained %u months: its requirements and those of the tiers below it, at each "
                      "checkpoint):\n",
                      n),
                  E(T.display ? T.display : T.name), n);
}

/* Does entry u count toward tier (T) at a checkpoint: a requirement or
 * group (not a time clause, not inside a group) of T or of a tier below it
 * in its ladder, as the sustained clause asks them at each checkpoint? */
static bool counts_at_checkpoint(const tier_ruleset *rs, const tier_req_result *u, const tier_info *T) {
  tier_info U;
  if (u->depth != 0 || u->kind == TIER_ENTRY_SUSTAINED || u->kind == TIER_ENTRY_AT_ANY || u->tier_index < 0) return false;
  if (tier_ruleset_tier(rs, (size_t)u->tier_index, &U) != TIER_OK) return false;
  return U.type_index == T->type_index && U.position <= T->position;
}

void out_checkpoint(const struct out *o, tier_buf *b, const tier_result *at, int tier) {
  struct esc_pool *p = o->pool;
  tier_info T;
  if (tier_ruleset_tier(o->rs, (size_t)tier, &T) != TIER_OK) return;
  size_t n = 0, held = 0;
  for (size_t i = 0; i < at->nreqs; i++)
    if (counts_at_checkpoint(o->rs, &at->reqs[i], &T)) n++, held += at->reqs[i].met != 0;
  char d[11];
  tier_date_format(at->asof, d);
  if (held == n) {
    tier_buf_printf(b, _("    %s  \u2713 every requirement holds\n"), d);
    return;
  }
  tier_buf_printf(b, NG_("    %s  \u2717 %zu of %zu requirement holds:\n", "    %s  \u2717 %zu of %zu requirements hold:\n", n),
                  d, held, n);
  for (size_t i = 0; i < at->nreqs; i++) {
    const tier_req_result *u = &at->reqs[i];
    if (!counts_at_checkpoint(o->rs, u, &T) || u->met) continue;
    tier_buf_puts(b, "      \u2717 ");
    if (u->tier_index != tier) tier_buf_printf(b, "%s, ", E(u->tier));
    req_text(b, u, p);
  }
}
