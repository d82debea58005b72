/*
 * output.c - writing results.  JSON is written by hand (one line per
 * record, no allocation per field); tables are aligned by display width, so
 * that Japanese text (two columns a character) lines up; CSV quotes as
 * RFC 4180 says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "output.h"

/* A table cell: the text as a terminal may show it, padded to width
 * columns, and the gap to the next cell. */
static void pad(tier_buf *b, const char *s, size_t width) {
  for (size_t w = esc_term(b, s); w < width; w++) tier_buf_putc(b, ' ');
  tier_buf_put(b, "  ", 2);
}

/* A cell of a text from the record (a name), as pad writes it, cut to
 * width columns with "…" where it is longer. */
static void pad_cut(const struct out *o, tier_buf *b, const char *s, size_t width) {
  const char *t = esc_str(o->pool, s ? s : "");
  size_t n = strlen(t), k = esc_width(t, n) <= width ? n : esc_fit(t, n, width - 1);
  tier_buf_put(b, t, k);
  size_t w = esc_width(t, k);
  if (k < n) tier_buf_puts(b, "\u2026"), w++;
  for (; w < width; w++) tier_buf_putc(b, ' ');
  tier_buf_put(b, "  ", 2);
}

/* The table's lines in l, each cut to the table's width with "…" at its
 * end (at a space when one is among the last 8 columns), so that a
 * terminal never wraps a line, in a word or elsewhere; then l is emptied. */
static void put_lines(const struct out *o, tier_buf *b, tier_buf *l) {
  size_t len;
  const char *s = tier_buf_text(l, &len);
  while (s && len > 0) {
    const char *e = memchr(s, '\n', len);
    size_t n = e ? (size_t)(e - s) : len;
    if (o->width && esc_width(s, n) > o->width) {
      size_t k = esc_fit(s, n, o->width - 1), sp = k;
      while (sp > 0 && s[sp - 1] != ' ') sp--;
      if (sp > 0 && esc_width(s, sp) + 8 >= o->width) k = sp;
      while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == ';' || s[k - 1] == ',')) k--;
      tier_buf_put(b, s, k);
      tier_buf_puts(b, "\u2026");
    } else {
      tier_buf_put(b, s, n);
    }
    tier_buf_putc(b, '\n');
    s += e ? n + 1 : n;
    len -= e ? n + 1 : n;
  }
  tier_buf_clear(l);
}

#define ID_WIDTH 10
#define NAME_WIDTH 24 /* the NAME column at most (a longer name is cut with "…") */
#define NAME_MIN_WIDTH 12
#define MISSING_MIN_WIDTH 24 /* what a narrow table keeps for MISSING FOR NEXT */

/* The table's columns for its width: every column when it is not cut or
 * wide enough; else AS OF is left out and NAME narrowed, so that names and
 * MISSING FOR NEXT keep room in 80 columns. */
static void table_layout(struct out *o) {
  size_t fixed = o->tiers ? ID_WIDTH + o->type_w + 2 * o->tier_w + 8 : ID_WIDTH + 2; /* each column and its gap of 2 */
  bool names = tier_ruleset_has_names(o->rs);
  o->asof_col = true;
  o->name_w = names ? NAME_WIDTH : 0;
  if (!o->width) return;
  size_t room = o->width > fixed + MISSING_MIN_WIDTH ? o->width - fixed - MISSING_MIN_WIDTH : 0;
  o->asof_col = room >= 12 + (names ? NAME_MIN_WIDTH + 2 : 0);
  if (o->asof_col) room -= 12;
  if (names) o->name_w = room < NAME_MIN_WIDTH + 2 ? NAME_MIN_WIDTH : room - 2 < NAME_WIDTH ? room - 2 : NAME_WIDTH;
}

int out_init(struct out *o, int fmt, bool explain, const tier_ruleset *rs, size_t width) {
  memset(o, 0, sizeof *o);
  o->scratch = tier_buf_new(NULL);
  o->line = tier_buf_new(NULL);
  o->pool = malloc(sizeof *o->pool);
  if (!o->pool || esc_pool_init(o->pool) != 0 || !o->line) return -1;
  o->fmt = fmt;
  o->explain = explain;
  o->rs = rs;
  o->width = width;
  o->tiers = tier_ruleset_ntiers(rs) > 0;
  o->ntally = tier_ruleset_ntypes(rs) * (tier_ruleset_ntiers(rs) + 1) + 1 + tier_ruleset_nbadges(rs);
  if (fmt == FMT_TABLE && !(o->tally = calloc(o->ntally, sizeof *o->tally))) return -1;
  /* the columns are as wide as their headings, in the user's language */
  o->type_w = esc_width(_("TYPE"), strlen(_("TYPE")));
  o->tier_w = esc_width(_("TIER"), strlen(_("TIER")));
  size_t nw = esc_width(_("NEXT"), strlen(_("NEXT")));
  if (nw > o->tier_w) o->tier_w = nw;
  for (size_t i = 0; i < tier_ruleset_ntypes(rs); i++) {
    const char *s = tier_ruleset_type(rs, i);
    size_t w = esc_width(s, strlen(s));
    if (w > o->type_w) o->type_w = w;
  }
  tier_info t;
  for (size_t i = 0; tier_ruleset_tier(rs, i, &t) == TIER_OK; i++) {
    const char *s = out_tier_shown(rs, (int)i, t.name);
    size_t w = esc_width(s, strlen(s));
    if (w > o->tier_w) o->tier_w = w;
  }
  table_layout(o);
  char h[65];
  tier_ruleset_hash(rs, h);
  memcpy(o->hash, h, 16);
  return o->scratch ? 0 : -1;
}

const char *out_tier_shown(const tier_ruleset *rs, int t, const char *name) {
  tier_info T;
  if (t < 0 || tier_ruleset_tier(rs, (size_t)t, &T) != TIER_OK) return name;
  return T.display ? T.display : T.name;
}

void out_free(struct out *o) {
  tier_buf_free(o->scratch);
  tier_buf_free(o->line);
  free(o->tally);
  if (o->pool) esc_pool_free(o->pool);
  free(o->pool);
}

const char *out_said(struct esc_pool *p, char buf[TIER_SAY_MAX], const char *text, const tier_said *how) {
  tier_say(buf, TIER_SAY_MAX, text, how);
  return esc_str(p, buf);
}

/* A text of a cell in the user's language when a person reads it (the
 * table: p not NULL); the CSV's cells (p NULL) are data, alike in every
 * locale.  msgid is marked with N_ where it is written. */
__attribute__((format_arg(1))) static const char *cell_text(const char *msgid, const struct esc_pool *p) {
  return p ? _(msgid) : msgid;
}

/* One requirement in a table cell: the smallest change.  For a terminal
 * (p not NULL) the texts that come from the record are quoted as
 * escape.h says. */
static void short_gap(tier_buf *b, const tier_req_result *u, struct esc_pool *p) {
  char d[11];
  if (u->kind == TIER_ENTRY_SUSTAINED) {
    tier_date_format(u->checkpoint, d);
    tier_buf_printf(b, cell_text(N_("%s (failed at %s)"), p), u->rule, d);
  } else if (u->kind == TIER_ENTRY_AT_ANY) {
    tier_date_format(u->window_start, d);
    tier_buf_printf(b, cell_text(N_("%s (none since %s)"), p), u->rule, d);
  } else if (u->need[0]) {
    char said[TIER_SAY_MAX];
    tier_buf_puts(b, p ? out_said(p, said, u->need, &u->need_said) : u->need);
  } else if (u->metric) {
    tier_buf_printf(b, cell_text(N_("%s %s (needs %s %s)"), p), u->metric,
                    p ? esc_str(p, tier_shown(u, u->actual_shown)) : u->actual_shown, u->op,
                    p ? tier_shown(u, u->required_shown) : u->required_shown);
  } else {
    tier_buf_puts(b, u->rule);
  }
}

/* The table's heading (the rules' stamp and the column names) or the CSV's
 * header row; JSON Lines have none. */
void out_header(const struct out *o, tier_buf *b) {
  if (o->fmt == FMT_TABLE) {
    tier_buf *l = o->line;
    const char *name = tier_ruleset_name(o->rs), *ver = tier_ruleset_version(o->rs);
    tier_buf_printf(l, _("# %s%s%s (rules %s)\n"), *name ? name : _("ruleset"), *ver ? " " : "", ver, o->hash);
    pad(l, _("ID"), ID_WIDTH);
    if (o->name_w) pad(l, _("NAME"), o->name_w);
    if (o->tiers) pad(l, _("TYPE"), o->type_w);
    if (o->asof_col) pad(l, _("AS OF"), 10);
    if (o->tiers) {
      pad(l, _("TIER"), o->tier_w);
      pad(l, _("NEXT"), o->tier_w);
    }
    tier_buf_printf(l, "%s\n", o->tiers ? _("MISSING FOR NEXT") : _("BADGES"));
    put_lines(o, b, l);
  } else if (o->fmt == FMT_CSV) {
    tier_buf_printf(b, "record,id,type,asof,tier,next,unmet,%s%srules_version,rules_hash,error\r\n",
                    tier_ruleset_nbadges(o->rs) ? "badges,badges_unmet," : "", tier_ruleset_ngrants(o->rs) ? "granted," : "");
  }
}

/* The CSV's columns between id and rules_version: those an error row
 * leaves empty.  badges and badges_unmet come with badges, granted with
 * grants, as out_header writes them. */
static int csv_result_columns(const struct out *o) {
  return 5 + (tier_ruleset_nbadges(o->rs) ? 2 : 0) + (tier_ruleset_ngrants(o->rs) ? 1 : 0);
}

/* JSON has no infinity: a number that is not finite is written as null,
 * like a missing one, so that the field's JSON type never changes. */
static bool json_number(const char *s) {
  if (*s == '-') s++;
  return *s >= '0' && *s <= '9';
}

void out_json_value(tier_buf *b, const char *text, int type, bool missing) {
  bool numeric = type == TIER_TYPE_INT || type == TIER_TYPE_MONEY || type == TIER_TYPE_NUMBER;
  bool boolean = type == TIER_TYPE_BOOL && (!strcmp(text, "true") || !strcmp(text, "false"));
  if (missing || (numeric && !json_number(text)) || (type == TIER_TYPE_BOOL && !boolean)) tier_buf_put(b, "null", 4);
  else if (numeric || type == TIER_TYPE_BOOL) tier_buf_put(b, text, strlen(text));
  else tier_buf_json(b, text);
}

/* One requirement as a JSON object: the unmet list's entries, and with
 * with_met (--explain's list) whether it is met and where it is written. */
static void json_reqs(tier_buf *b, const tier_req_result *u, size_t n, bool with_met);

/* The kind of a group entry, as JSON names it. */
static const char *group_name(int kind) {
  return kind == TIER_ENTRY_EITHER ? "either" : kind == TIER_ENTRY_BRANCH ? "branch" : "at least";
}

void out_json_group(tier_buf *b, const tier_req_result *u) {
  if (u->kind == TIER_ENTRY_EITHER || u->kind == TIER_ENTRY_BRANCH || u->kind == TIER_ENTRY_AT_LEAST)
    tier_buf_printf(b, ",\"group\":\"%s\",\"held\":%d,\"required\":%d,\"of\":%d", group_name(u->kind), u->held, u->needed, u->of);
}

/* A time clause's entry: its text and N; a sustained one's failing
 * checkpoint and what failed there; an at any one's window and the
 * checkpoint at which it held. */
static void json_time(tier_buf *b, const tier_req_result *u, bool with_met) {
  static const char *const unit[] = {"", "months", "months", "days", "calendar months"};
  char d[11];
  tier_buf_puts(b, ",\"rule\":");
  tier_buf_json(b, u->rule);
  if (u->kind == TIER_ENTRY_SUSTAINED) {
    tier_buf_printf(b, ",\"sustained\":%d", u->sustained);
    if (u->met) return;
    tier_date_format(u->checkpoint, d);
    tier_buf_printf(b, ",\"failed_at\":\"%s\"", d);
    if (u->nitems) {
      tier_buf_puts(b, ",\"failed\":");
      json_reqs(b, u->items, u->nitems, with_met);
    }
    return;
  }
  tier_date_format(u->window_start, d);
  tier_buf_printf(b, ",\"at_any\":%d,\"unit\":\"%s\",\"from\":\"%s\"", u->window,
                  u->time > 0 && u->time <= TIER_TIME_ANY_CALMONTHS ? unit[u->time] : "", d);
  if (u->met) {
    tier_date_format(u->checkpoint, d);
    tier_buf_printf(b, ",\"held_at\":\"%s\"", d);
  }
}

static void json_req(tier_buf *b, const tier_req_result *u, bool with_met) {
  tier_buf_puts(b, u->badge ? "{\"badge\":" : "{\"tier\":");
  tier_buf_json(b, u->badge ? u->badge : u->tier);
  if (u->branch) {
    tier_buf_puts(b, ",\"branch\":");
    tier_buf_json(b, u->branch);
    if (u->gap && !with_met) tier_buf_puts(b, ",\"gap\":true");
  }
  if (u->section) { tier_buf_put(b, ",\"section\":", 11); tier_buf_json(b, u->section); }
  if (u->label) { tier_buf_put(b, ",\"label\":", 9); tier_buf_json(b, u->label); }
  if (u->kind == TIER_ENTRY_SUSTAINED || u->kind == TIER_ENTRY_AT_ANY) {
    json_time(b, u, with_met);
  } else {
    tier_buf_put(b, ",\"rule\":", 8);
    tier_buf_json(b, u->rule);
  }
  out_json_group(b, u);
  if (with_met) {
    if (u->depth) tier_buf_printf(b, ",\"depth\":%d", u->depth);
    tier_buf_printf(b, ",\"met\":%s", u->met ? "true" : "false");
    if (u->file) {
      tier_buf_put(b, ",\"source\":", 10);
      size_t n = strlen(u->file) + 12; /* ':' and a line of at most 10 digits: a path is never cut */
      char *at = malloc(n);
      if (at) snprintf(at, n, "%s:%u", u->file, u->line);
      tier_buf_json(b, at ? at : u->file); /* out of memory: the file without its line */
      free(at);
    }
  }
  if (u->need[0]) {
    tier_buf_put(b, ",\"need\":", 8);
    tier_buf_json(b, u->need);
  }
  if (u->metric) {
    tier_buf_put(b, ",\"metric\":", 10);
    tier_buf_json(b, u->metric);
    tier_buf_puts(b, ",\"op\":");
    tier_buf_json(b, u->op);
    if (u->threshold) {
      tier_buf_puts(b, ",\"threshold\":");
      tier_buf_json(b, u->threshold);
    }
    tier_buf_put(b, ",\"actual\":", 10);
    out_json_value(b, u->actual, u->type, u->missing);
    tier_buf_put(b, ",\"required\":", 12);
    out_json_value(b, u->required, u->type, false);
  }
  if (u->kind == TIER_ENTRY_AT_LEAST && !with_met) {
    tier_buf_puts(b, ",\"items\":");
    json_reqs(b, u->items, u->nitems, false);
  }
  tier_buf_putc(b, '}');
}

/* A list of requirements as a JSON array. */
static void json_reqs(tier_buf *b, const tier_req_result *u, size_t n, bool with_met) {
  tier_buf_putc(b, '[');
  for (size_t i = 0; i < n; i++) {
    if (i) tier_buf_putc(b, ',');
    json_req(b, &u[i], with_met);
  }
  tier_buf_putc(b, ']');
}

/* "badges": the names of the badges held; "badges_unmet": what each
 * other one needs.  Only for a ruleset that has badges. */
static void json_badges(tier_buf *b, const tier_result *r) {
  tier_buf_puts(b, ",\"badges\":[");
  bool first = true;
  for (size_t i = 0; i < r->nbadges; i++)
    if (r->badges[i].held) {
      if (!first) tier_buf_putc(b, ',');
      tier_buf_json(b, r->badges[i].name);
      first = false;
    }
  tier_buf_puts(b, "],\"badges_unmet\":{");
  first = true;
  for (size_t i = 0; i < r->nbadges; i++) {
    const tier_badge_result *g = &r->badges[i];
    if (g->held) continue;
    if (!first) tier_buf_putc(b, ',');
    tier_buf_json(b, g->name);
    tier_buf_putc(b, ':');
    json_reqs(b, g->unmet, g->nunmet, false);
    first = false;
  }
  tier_buf_putc(b, '}');
}

static void json_result(const struct out *o, tier_buf *b, const tier_result *r, const char *asof) {
  tier_buf_put(b, "{\"id\":", 6);
  tier_buf_json(b, r->id);
  tier_buf_put(b, ",\"type\":", 8);
  tier_buf_json(b, r->type);
  tier_buf_printf(b, ",\"asof\":\"%s\",\"tier\":", asof);
  tier_buf_json(b, r->tier);
  if (r->tier_display) { /* the identifiers stay; display names beside them (SPEC 3.5) */
    tier_buf_puts(b, ",\"tier_display\":");
    tier_buf_json(b, r->tier_display);
  }
  tier_buf_put(b, ",\"next\":", 8);
  tier_buf_json(b, r->next);
  if (r->next_display) {
    tier_buf_puts(b, ",\"next_display\":");
    tier_buf_json(b, r->next_display);
  }
  if (r->granted) tier_buf_puts(b, ",\"granted\":true");
  tier_buf_put(b, ",\"unmet\":", 9);
  json_reqs(b, r->unmet, r->nunmet, false);
  if (r->nbadges) json_badges(b, r);
  if (o->explain) {
    tier_buf_put(b, ",\"requirements\":", 16);
    json_reqs(b, r->reqs, r->nreqs, true);
  }
  tier_buf_put(b, ",\"rules\":", 9);
  tier_buf_json(b, r->rules_version);
  tier_buf_printf(b, ",\"rules_hash\":\"%.16s\"}\n", r->rules_hash);
}

/* Each unmet entry's smallest change, "; " between them: of an either only
 * the entries of its cheapest branch, named ("nights: +13 nights"), of an
 * at least the items that complete it most cheaply.  For a terminal (p not
 * NULL) the texts that come from the rules or the record are quoted. */
static void gap_list(tier_buf *b, const tier_req_result *u, size_t n, bool *first, struct esc_pool *p) {
  for (size_t i = 0; i < n; i++, u++) {
    if (u->branch && !u->gap) continue;
    if (!*first) tier_buf_put(b, "; ", 2);
    *first = false;
    if (u->branch) tier_buf_printf(b, "%s: ", p ? esc_branch(p, u->branch, u->branch_place, true) : u->branch);
    if (u->kind == TIER_ENTRY_AT_LEAST) {
      bool inner = true;
      tier_buf_printf(b, "%s (+%d: ", u->rule, u->needed - u->held);
      for (size_t k = 0; k < u->nitems; k++) {
        if (!u->items[k].gap) continue;
        if (!inner) tier_buf_put(b, "; ", 2);
        inner = false;
        short_gap(b, &u->items[k], p);
      }
      tier_buf_putc(b, ')');
      continue;
    }
    short_gap(b, u, p);
  }
}

void out_gap(tier_buf *b, const tier_req_result *u, size_t n, struct esc_pool *p) {
  bool first = true;
  gap_list(b, u, n, &first, p);
}

/* The table's last column and the CSV's unmet cell. */
static void gap_text(tier_buf *gap, const tier_result *r, struct esc_pool *p) { out_gap(gap, r->unmet, r->nunmet, p); }

/* The badges held, ", " between them; or with `unmet` each missing badge
 * and its smallest change: "Security (+3 pcs); Data_AI (...)". */
static void badge_text(tier_buf *b, const tier_result *r, bool unmet, struct esc_pool *p) {
  bool first = true;
  for (size_t i = 0; i < r->nbadges; i++) {
    const tier_badge_result *g = &r->badges[i];
    if ((g->held != 0) == unmet) continue;
    if (!first) tier_buf_puts(b, unmet ? "; " : ", ");
    tier_buf_puts(b, p ? esc_str(p, g->name) : g->name);
    if (unmet) {
      tier_buf_puts(b, " (");
      out_gap(b, g->unmet, g->nunmet, p);
      tier_buf_putc(b, ')');
    }
    first = false;
  }
}

/* A result as a CSV row; the record number column is left for errors, the
 * unmet column holds the needs as the table shows them. */
static void csv_result(const struct out *o, tier_buf *b, const tier_result *r, const char *asof) {
  tier_buf *gap = o->scratch;
  tier_buf_clear(gap);
  gap_text(gap, r, NULL);
  esc_csv(b, "", false); /* the record number column is for errors */
  esc_csv(b, r->id, false);
  esc_csv(b, r->type, false);
  esc_csv(b, asof, false);
  esc_csv(b, r->tier, false);
  esc_csv(b, r->next, false);
  const char *g = tier_buf_text(gap, NULL);
  esc_csv(b, g ? g : "", false);
  for (int unmet = 0; r->nbadges && unmet <= 1; unmet++) { /* badges held, badges_unmet */
    tier_buf_clear(gap);
    badge_text(gap, r, unmet, NULL);
    g = tier_buf_text(gap, NULL);
    esc_csv(b, g ? g : "", false);
  }
  if (tier_ruleset_ngrants(o->rs)) esc_csv(b, r->granted ? "true" : "false", false);
  esc_csv(b, r->rules_version, false);
  char h[17];
  snprintf(h, sizeof h, "%.16s", r->rules_hash);
  esc_csv(b, h, false);
  esc_csv(b, "", true);
}

/* The badges of a table row, on a line of their own (how many a record
 * holds varies), or in the BADGES column of rules of badges only (`cell`):
 * those held, then what each other one needs. */
static void badge_line(const struct out *o, tier_buf *b, const tier_result *r, bool cell) {
  size_t held = 0;
  for (size_t i = 0; i < r->nbadges; i++) held += r->badges[i].held != 0;
  if (!cell) tier_buf_puts(b, _("    badges: "));
  if (held) badge_text(b, r, false, o->pool);
  else tier_buf_puts(b, _("none"));
  if (held < r->nbadges) {
    tier_buf_puts(b, _("; not held: "));
    badge_text(b, r, true, o->pool);
  }
  tier_buf_putc(b, '\n');
}

/* A table row's columns from TYPE on, of rules with tiers: the type, the
 * review date, the tier, the next and what it misses; under it, a grant
 * and the badges. */
static void tier_row(const struct out *o, tier_buf *b, const tier_result *r, const char *asof) {
  pad(b, r->type, o->type_w);
  if (o->asof_col) pad(b, asof, 10);
  pad(b, r->tier_display ? r->tier_display : r->tier, o->tier_w);
  pad(b, r->next_display ? r->next_display : r->next, o->tier_w);
  if (r->next) gap_text(b, r, o->pool);
  else if (r->tier) tier_buf_puts(b, _("(top tier)"));
  tier_buf_putc(b, '\n');
  if (r->tier && r->granted) {
    tier_buf_puts(b, "    ");
    tier_buf_printf(b, _("Holds %s by a grant."), esc_str(o->pool, r->tier_display ? r->tier_display : r->tier));
    tier_buf_putc(b, '\n');
  }
  if (r->nbadges) badge_line(o, b, r, false);
}

/* A table row; with explain, one line per requirement under it. */
static void table_rows(const struct out *o, tier_buf *b, const tier_result *r, const char *asof) {
  pad(b, r->id, ID_WIDTH);
  if (o->name_w) pad_cut(o, b, r->name, o->name_w);
  if (!o->tiers) { /* badges only: no type, tier or next */
    if (o->asof_col) pad(b, asof, 10);
    badge_line(o, b, r, true);
  } else {
    tier_row(o, b, r, asof);
  }
  if (!o->explain) return;
  for (size_t i = 0; i < r->nreqs; i++) {
    const tier_req_result *u = &r->reqs[i];
    tier_buf_printf(b, "    %*s%-4s %s: ", 2 * u->depth, "", u->met ? _("ok") : _("FAIL"),
                    esc_str(o->pool, u->tier ? out_tier_shown(o->rs, u->tier_index, u->tier) : u->badge));
    if (u->kind == TIER_ENTRY_EITHER || u->kind == TIER_ENTRY_BRANCH || u->kind == TIER_ENTRY_AT_LEAST)
      tier_buf_printf(b, _("%s (%d of %d hold, %d must)"),
                      u->kind == TIER_ENTRY_BRANCH ? esc_branch(o->pool, u->rule, u->place, true) : esc_str(o->pool, u->rule),
                      u->held, u->of, u->needed);
    else short_gap(b, u, o->pool);
    if (u->label) tier_buf_printf(b, "  -- %s", esc_str(o->pool, u->label));
    tier_buf_putc(b, '\n');
  }
}

void out_result(const struct out *o, tier_buf *b, const tier_result *r) {
  char asof[11];
  tier_date_format(r->asof, asof);
  if (o->fmt == FMT_JSON) json_result(o, b, r, asof);
  else if (o->fmt == FMT_CSV) csv_result(o, b, r, asof);
  else table_rows(o, o->line, r, asof), put_lines(o, b, o->line);
}

/* A rejected record as the format's error line: its number, its id when it
 * could be read, what was wrong and where (the JSON path). */
void out_error(const struct out *o, tier_buf *b, long record, const char *id, const char *err, const char *path) {
  if (o->fmt == FMT_JSON) {
    tier_buf_printf(b, "{\"record\":%ld", record);
    if (id) { tier_buf_put(b, ",\"id\":", 6); tier_buf_json(b, id); }
    tier_buf_put(b, ",\"error\":", 9);
    tier_buf_json(b, err);
    if (path && *path) { tier_buf_put(b, ",\"path\":", 8); tier_buf_json(b, path); }
    tier_buf_put(b, "}\n", 2);
  } else if (o->fmt == FMT_CSV) {
    char n[24];
    snprintf(n, sizeof n, "%ld", record);
    esc_csv(b, n, false);
    esc_csv(b, id, false);
    for (int i = 0; i < csv_result_columns(o); i++) esc_csv(b, "", false);
    esc_csv(b, tier_ruleset_version(o->rs), false);
    esc_csv(b, o->hash, false);
    tier_buf *e = o->scratch;
    tier_buf_clear(e);
    tier_buf_printf(e, "%s%s%s", path && *path ? path : "", path && *path ? ": " : "", err);
    const char *t = tier_buf_text(e, NULL);
    esc_csv(b, t ? t : err, true);
  } else {
    struct esc_pool *p = o->pool;
    tier_buf *l = o->line;
    pad(l, id, ID_WIDTH);
    const char *where = path && *path ? esc_str(p, path) : "", *sep = path && *path ? ": " : "";
    if (id) tier_buf_printf(l, _("error: record %ld (%s): %s%s%s\n"), record, esc_str(p, id), where, sep, esc_str(p, err));
    else tier_buf_printf(l, _("error: record %ld: %s%s%s\n"), record, where, sep, esc_str(p, err));
    put_lines(o, b, l);
  }
}

/* ---- the table's summary ---------------------------------------------------------------- */

/* A count as people read it, with thousands separators: "10,000". */
static const char *grouped(long n, char out[32]) {
  char d[24];
  int len = snprintf(d, sizeof d, "%ld", n < 0 ? 0 : n), k = 0;
  for (int i = 0; i < len; i++) {
    if (i && (len - i) % 3 == 0) out[k++] = ',';
    out[k++] = d[i];
  }
  out[k] = 0;
  return out;
}

/* Where result r is counted: its partner type's row and its tier (none
 * first); after them, the slot of a partner of no type (a ruleset of
 * badges only), then one per badge. */
static size_t tally_slot(const struct out *o, int type, int tier) {
  size_t untyped = tier_ruleset_ntypes(o->rs) * (tier_ruleset_ntiers(o->rs) + 1);
  if (type < 0) return untyped;
  return (size_t)type * (tier_ruleset_ntiers(o->rs) + 1) + (size_t)(tier + 1);
}
static long *badge_tally(const struct out *o) { return o->tally + tally_slot(o, -1, -1) + 1; }

void out_count(struct out *o, const tier_result *r) {
  if (!o->tally) return;
  o->tally[tally_slot(o, r->type_index, r->tier_index)]++;
  for (size_t k = 0; k < r->nbadges && k < tier_ruleset_nbadges(o->rs); k++) badge_tally(o)[k] += r->badges[k].held != 0;
}

void out_merge(struct out *o, const struct out *from) {
  for (size_t i = 0; o->tally && from->tally && i < o->ntally; i++) o->tally[i] += from->tally[i];
}

/* One more "Select 13" of a summary line, after ": " or ", " (in the
 * user's language); on the next line, indented, when this one would be
 * wider than the table. */
static void summary_item(const struct out *o, tier_buf *l, size_t *col, bool first, const char *item) {
  const char *sep = first ? _(": ") : _(", ");
  size_t w = esc_width(item, strlen(item)), sw = esc_width(sep, strlen(sep));
  if (o->width && *col + 2 * sw + w > o->width) { /* room for the separator that may end the line */
    tier_buf_put(l, sep, strcspn(sep, " "));      /* the separator without its space, at the line's end */
    tier_buf_puts(l, "\n    ");
    *col = 4;
  } else {
    tier_buf_puts(l, sep);
    *col += sw;
  }
  tier_buf_puts(l, item);
  *col += w;
}

/* "Select 13": a tier's or badge's name and its count, in scratch t (a
 * display name is a string of up to 4,096 bytes: a 200-byte item cut it
 * mid-character and lost the count); "" when out of memory. */
static const char *count_item(tier_buf *t, const char *name, const char *count) {
  if (!t) return "";
  tier_buf_clear(t);
  tier_buf_printf(t, _("%s %s"), name, count);
  const char *s = tier_buf_text(t, NULL);
  return s ? s : "";
}

/* One partner type's line: its partners, then how many hold no tier and
 * each tier of its ladder, lowest first. */
static void summary_type(const struct out *o, tier_buf *l, size_t type) {
  long n = o->tally[tally_slot(o, (int)type, -1)];
  tier_info t;
  for (size_t i = 0; tier_ruleset_tier(o->rs, i, &t) == TIER_OK; i++)
    if (t.type_index == (int)type) n += o->tally[tally_slot(o, (int)type, (int)i)];
  char item[200], g[32];
  snprintf(item, sizeof item, _("  %s (%s)"), esc_str(o->pool, tier_ruleset_type(o->rs, type)), grouped(n, g));
  tier_buf_puts(l, item);
  size_t col = esc_width(item, strlen(item));
  snprintf(item, sizeof item, _("no tier %s"), grouped(o->tally[tally_slot(o, (int)type, -1)], g));
  summary_item(o, l, &col, true, item);
  tier_buf *it = tier_buf_new(NULL);
  for (size_t i = 0; tier_ruleset_tier(o->rs, i, &t) == TIER_OK; i++) {
    if (t.type_index != (int)type) continue;
    const char *name = esc_str(o->pool, out_tier_shown(o->rs, (int)i, t.name));
    summary_item(o, l, &col, false, count_item(it, name, grouped(o->tally[tally_slot(o, (int)type, (int)i)], g)));
  }
  tier_buf_free(it);
  tier_buf_putc(l, '\n');
}

/* Rules of badges only: how many partners hold each badge, in the order
 * written, after the count of partners. */
static void summary_badges(const struct out *o, tier_buf *l, long total) {
  char item[200], g[32];
  snprintf(item, sizeof item, NG_("# %s partner, holding each badge", "# %s partners, holding each badge", (unsigned long)total),
           grouped(total, g));
  tier_buf_puts(l, item);
  size_t col = esc_width(item, strlen(item));
  tier_info B;
  tier_buf *it = tier_buf_new(NULL);
  for (size_t k = 0; tier_ruleset_badge(o->rs, k, &B) == TIER_OK; k++)
    summary_item(o, l, &col, k == 0,
                 count_item(it, esc_str(o->pool, B.display ? B.display : B.name), grouped(badge_tally(o)[k], g)));
  tier_buf_free(it);
  tier_buf_putc(l, '\n');
}

void out_summary(const struct out *o, tier_buf *b, long rejected) {
  if (!o->tally) return;
  long total = 0;
  for (size_t i = 0; i <= tally_slot(o, -1, -1); i++) total += o->tally[i];
  tier_buf *l = o->line;
  char g[32];
  bool badges_only = !o->tiers && tier_ruleset_nbadges(o->rs);
  if (badges_only) summary_badges(o, l, total);
  else
    tier_buf_printf(
        l, NG_("# %s partner by partner type and tier:\n", "# %s partners by partner type and tier:\n", (unsigned long)total),
        grouped(total, g));
  for (size_t type = 0; type < tier_ruleset_ntypes(o->rs); type++) summary_type(o, l, type);
  long untyped = o->tally[tally_slot(o, -1, -1)];
  if (untyped && !badges_only)
    tier_buf_printf(l, NG_("  %s partner of no partner type\n", "  %s partners of no partner type\n", (unsigned long)untyped),
                    grouped(untyped, g));
  if (rejected)
    tier_buf_printf(l,
                    NG_("# %s record rejected (its error is above)\n", "# %s records rejected (their errors are above)\n",
                        (unsigned long)rejected),
                    grouped(rejected, g));
  put_lines(o, b, l);
}
