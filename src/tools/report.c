/*
 * report.c - see report.h.  Charts are drawn as inline SVG so that the page
 * opens anywhere, offline; text uses the system's fonts, with Japanese ones
 * named first so that labels like 顧客満足度調査 render.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

int report_init(struct report *r, const tier_ruleset *rs, const char *path) {
  memset(r, 0, sizeof *r);
  r->rs = rs;
  r->rules_path = path;
  size_t ntiers = tier_ruleset_ntiers(rs), nreqs = tier_ruleset_nreqs(rs);
  r->held = calloc(ntiers + 1, sizeof *r->held);
  r->as_next = calloc(ntiers + 1, sizeof *r->as_next);
  r->sus_blocked = calloc(ntiers + 1, sizeof *r->sus_blocked);
  r->none = calloc(tier_ruleset_ntypes(rs) + 1, sizeof *r->none);
  r->blocked = calloc(nreqs + 1, sizeof *r->blocked);
  r->gap = calloc(nreqs + 1, sizeof *r->gap);
  r->labels = calloc(ntiers + 1, sizeof *r->labels);
  r->vals = calloc(ntiers + 1, sizeof *r->vals);
  r->order = calloc(nreqs + 1, sizeof *r->order);
  return r->held && r->as_next && r->sus_blocked && r->none && r->blocked && r->gap && r->labels && r->vals && r->order
             ? 0
             : -1;
}

void report_free(struct report *r) {
  free(r->held);
  free(r->as_next);
  free(r->sus_blocked);
  free(r->none);
  free(r->blocked);
  free(r->gap);
  free(r->labels);
  free(r->vals);
  free(r->order);
}

/* How far an unmet `value >= threshold` (a count or money) is, as the share
 * of the threshold reached, in five buckets: <25%, <50%, <75%, <90%, <100%;
 * -1 for any other requirement. */
static int bucket(const tier_req_result *u) {
  if ((u->type != TIER_TYPE_INT && u->type != TIER_TYPE_MONEY) || strcmp(u->op, ">=") != 0 || u->required_value <= 0 ||
      u->missing)
    return -1;
  double share = u->actual_value / u->required_value;
  return share < 0.25 ? 0 : share < 0.5 ? 1 : share < 0.75 ? 2 : share < 0.9 ? 3 : 4;
}

/* Keep res among the REPORT_CLOSEST partners with the fewest unmet
 * requirements (ties keep the earlier partner). */
static void consider_closest(struct report *r, const tier_result *res) {
  if (r->nclose == REPORT_CLOSEST && res->nunmet >= r->close[REPORT_CLOSEST - 1].nunmet) return;
  int at = r->nclose < REPORT_CLOSEST ? r->nclose++ : REPORT_CLOSEST - 1;
  while (at > 0 && r->close[at - 1].nunmet > res->nunmet) {
    r->close[at] = r->close[at - 1];
    at--;
  }
  struct report_close *c = &r->close[at];
  snprintf(c->id, sizeof c->id, "%s", res->id ? res->id : "-");
  snprintf(c->type, sizeof c->type, "%s", res->type ? res->type : "-");
  c->tier = res->tier_index;
  c->next = res->next_index;
  c->nunmet = res->nunmet;
  size_t k = 0;
  c->gap[0] = 0;
  for (size_t i = 0; i < res->nunmet && k + 4 < sizeof c->gap; i++) {
    int w = snprintf(c->gap + k, sizeof c->gap - k, "%s%s", i ? "; " : "", res->unmet[i].need);
    if (w > 0) k += (size_t)w;
  }
}

/* Count one partner: its tier (or none, per type), the next tier, each
 * requirement and sustained clause that blocks it, and how far. */
void report_add(struct report *r, const tier_result *res) {
  r->partners++;
  if (res->tier_index >= 0) r->held[res->tier_index]++;
  else if (res->type_index >= 0) r->none[res->type_index]++;
  int t = res->next_index;
  if (t < 0) return;
  r->as_next[t]++;
  for (size_t i = 0; i < res->nunmet; i++) {
    const tier_req_result *u = &res->unmet[i];
    if (u->sustained) {
      r->sus_blocked[t]++;
      continue;
    }
    r->blocked[u->index]++;
    int bk = u->metric ? bucket(u) : -1;
    if (bk >= 0) r->gap[u->index][bk]++;
  }
  consider_closest(r, res);
}

/* ---- HTML ---------------------------------------------------------------------------- */

/* s as HTML text or attribute value. */
static void esc(tier_buf *b, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '<': tier_buf_put(b, "&lt;", 4); break;
    case '>': tier_buf_put(b, "&gt;", 4); break;
    case '&': tier_buf_put(b, "&amp;", 5); break;
    case '"': tier_buf_put(b, "&quot;", 6); break;
    default: tier_buf_putc(b, (uint8_t)*s);
    }
  }
}

static const char *COLORS[] = {"#9aa5b1", "#4c8bf5", "#2bb673", "#f5a623", "#d0021b", "#7b61ff", "#00a3a3"};

/* A horizontal bar chart: one bar per (label, value), scaled to the largest. */
static void bars(tier_buf *b, const char **labels, const long *vals, int n, long total, bool pct) {
  long max = 1;
  for (int i = 0; i < n; i++) if (vals[i] > max) max = vals[i];
  int h = 28 * n + 10;
  tier_buf_printf(b, "<svg class=\"chart\" width=\"760\" height=\"%d\" role=\"img\">\n", h);
  for (int i = 0; i < n; i++) {
    int y = 5 + 28 * i, w = (int)(340.0 * (double)vals[i] / (double)max);
    tier_buf_printf(b, "<text x=\"0\" y=\"%d\" class=\"lbl\">", y + 17);
    esc(b, labels[i]);
    tier_buf_printf(b, "</text><rect x=\"300\" y=\"%d\" width=\"%d\" height=\"20\" fill=\"%s\"/>", y + 2, w > 0 ? w : 1,
               COLORS[(i % 6) + 1]);
    if (pct && total > 0)
      tier_buf_printf(b, "<text x=\"%d\" y=\"%d\" class=\"val\">%ld (%.0f%%)</text>\n", 306 + w, y + 17, vals[i],
                 100.0 * (double)vals[i] / (double)total);
    else
      tier_buf_printf(b, "<text x=\"%d\" y=\"%d\" class=\"val\">%ld</text>\n", 306 + w, y + 17, vals[i]);
  }
  tier_buf_printf(b, "</svg>\n");
}

/* A stacked bar of the gap shares for one requirement. */
static void gap_bar(tier_buf *b, const long *g) {
  static const char *names[REPORT_BUCKETS] = {"under 25%", "25-50%", "50-75%", "75-90%", "90-100%"};
  static const char *cols[REPORT_BUCKETS] = {"#d0021b", "#f5a623", "#f8e71c", "#7ed321", "#2bb673"};
  long tot = 0;
  for (int k = 0; k < REPORT_BUCKETS; k++) tot += g[k];
  if (tot == 0) { tier_buf_printf(b, "<span class=\"muted\">-</span>"); return; }
  tier_buf_printf(b, "<svg width=\"220\" height=\"16\">");
  double x = 0;
  for (int k = 0; k < REPORT_BUCKETS; k++) {
    double w = 220.0 * (double)g[k] / (double)tot;
    if (g[k]) tier_buf_printf(b, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"16\" fill=\"%s\"><title>%s of the threshold: %ld</title></rect>",
                         x, w, cols[k], names[k], g[k]);
    x += w;
  }
  tier_buf_printf(b, "</svg>");
}

static const char *tier_name(const tier_ruleset *rs, int t) {
  tier_info T;
  return tier_ruleset_tier(rs, (size_t)t, &T) == TIER_OK ? T.name : "-";
}

/* The document's head (title, style) and the page's heading. */
static void html_head(const struct report *r, tier_buf *b) {
  const char *name = tier_ruleset_name(r->rs), *ver = tier_ruleset_version(r->rs);
  char hash[65];
  tier_ruleset_hash(r->rs, hash);
  tier_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  esc(b, *name ? name : "tierc report");
  tier_buf_printf(b, "</title>\n<style>\n"
                "body{font-family:\"Noto Sans CJK JP\",\"Noto Sans JP\",\"Hiragino Sans\",\"Yu Gothic\",system-ui,sans-serif;"
                "margin:24px 40px;color:#1f2933;background:#fff;max-width:1100px}\n"
                "h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;margin-top:36px;border-bottom:2px solid #e4e7eb;padding-bottom:4px}"
                "h3{font-size:16px;margin:22px 0 6px}\n"
                ".muted{color:#7b8794}.lbl{font-size:13px;fill:#1f2933}.val{font-size:13px;fill:#3e4c59}\n"
                "table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #e4e7eb;padding:4px 8px;text-align:left}"
                "th{background:#f5f7fa}td.n{text-align:right}\n"
                ".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}\n"
                "</style>\n</head>\n<body>\n<h1>");
  esc(b, *name ? name : "Partner tiers");
  if (*ver) { tier_buf_printf(b, " <span class=\"muted\">"); esc(b, ver); tier_buf_printf(b, "</span>"); }
  tier_buf_printf(b, "</h1>\n<p class=\"muted\">%ld partners evaluated", r->partners);
  if (r->errors) tier_buf_printf(b, ", %ld records rejected", r->errors);
  tier_buf_printf(b, " &middot; rules ");
  esc(b, r->rules_path);
  tier_buf_printf(b, " (rules hash %.16s)</p>\n", hash);
}

/* Per partner type, a bar per tier: the partners whose highest tier it is. */
static void html_distribution(const struct report *r, tier_buf *b) {
  const tier_ruleset *rs = r->rs;
  const char **labels = r->labels;
  long *vals = r->vals;
  tier_buf_printf(b, "<h2>Tier distribution</h2>\n");
  for (size_t p = 0; p < tier_ruleset_ntypes(rs); p++) {
    long tot = 0;
    int n = 0;
    labels[n] = "no tier";
    vals[n++] = r->none[p];
    tier_info T;
    for (size_t t = 0; tier_ruleset_tier(rs, t, &T) == TIER_OK; t++)
      if (T.type_index == (int)p) {
        labels[n] = T.name;
        vals[n++] = r->held[t];
      }
    for (int i = 0; i < n; i++) tot += vals[i];
    if (n == 1 && tot == 0) continue;
    tier_buf_printf(b, "<h3>");
    esc(b, tier_ruleset_type(rs, p));
    tier_buf_printf(b, " <span class=\"muted\">(%ld partners)</span></h3>\n", tot);
    bars(b, labels, vals, n, tot, true);
  }
}

/* One row of a blockers table: requirement q, how many it blocks, how far. */
static void html_blocker_row(const struct report *r, tier_buf *b, size_t q, long of) {
  tier_req_info Q;
  if (tier_ruleset_req(r->rs, q, &Q) != TIER_OK) return;
  tier_buf_printf(b, "<tr><td>");
  esc(b, Q.section ? Q.section : "");
  tier_buf_printf(b, "</td><td>");
  if (Q.label) { esc(b, Q.label); tier_buf_printf(b, "<br><span class=\"muted\">"); }
  esc(b, Q.rule);
  if (Q.label) tier_buf_printf(b, "</span>");
  tier_buf_printf(b, "</td><td class=\"n\">%ld (%.0f%%)</td><td>", r->blocked[q], 100.0 * (double)r->blocked[q] / (double)of);
  gap_bar(b, r->gap[q]);
  tier_buf_printf(b, "</td></tr>\n");
}

/* For tier t (info T), next of r->as_next[t] partners: its requirements,
 * the ones that block most partners first (a stable insertion sort, so
 * ties keep the order written). */
static void html_blockers_of(const struct report *r, tier_buf *b, size_t t, const tier_info *T) {
  tier_buf_printf(b, "<h3>");
  esc(b, tier_ruleset_type(r->rs, (size_t)T->type_index));
  tier_buf_printf(b, " &rarr; ");
  esc(b, T->name);
  tier_buf_printf(b, " <span class=\"muted\">(next tier of %ld partners)</span></h3>\n<table>\n"
                "<tr><th>section</th><th>requirement</th><th>partners blocked</th><th>how far</th></tr>\n", r->as_next[t]);
  size_t *order = r->order;
  for (size_t i = 0; i < T->nreqs; i++) {
    size_t k = i;
    for (; k > 0 && r->blocked[T->first_req + i] > r->blocked[order[k - 1]]; k--) order[k] = order[k - 1];
    order[k] = T->first_req + i;
  }
  for (size_t i = 0; i < T->nreqs; i++) html_blocker_row(r, b, order[i], r->as_next[t]);
  if (T->sustained)
    tier_buf_printf(b, "<tr><td></td><td>sustained %u months</td><td class=\"n\">%ld (%.0f%%)</td><td></td></tr>\n", T->sustained,
               r->sus_blocked[t], 100.0 * (double)r->sus_blocked[t] / (double)r->as_next[t]);
  tier_buf_printf(b, "</table>\n");
}

/* Per next tier, a table of what blocks the partners whose next tier it is. */
static void html_blockers(const struct report *r, tier_buf *b) {
  tier_buf_printf(b, "<h2>What blocks the next tier</h2>\n<p>For the partners whose next tier it is: how many miss each "
                "requirement, and how far they are (share of the threshold reached).</p>\n"
                "<p class=\"legend muted\">gap:<span style=\"background:#d0021b\"></span>under 25%%"
                "<span style=\"background:#f5a623\"></span>25-50%%<span style=\"background:#f8e71c\"></span>50-75%%"
                "<span style=\"background:#7ed321\"></span>75-90%%<span style=\"background:#2bb673\"></span>90-100%%</p>\n");
  tier_info T;
  for (size_t t = 0; tier_ruleset_tier(r->rs, t, &T) == TIER_OK; t++)
    if (r->as_next[t]) html_blockers_of(r, b, t, &T);
}

/* The partners with the fewest unmet requirements, and their smallest change. */
static void html_closest(const struct report *r, tier_buf *b) {
  if (!r->nclose) return;
  tier_buf_printf(b, "<h2>Closest to moving up</h2>\n<table>\n<tr><th>partner</th><th>type</th><th>tier</th><th>next</th>"
                "<th>missing</th><th>smallest change</th></tr>\n");
  for (int i = 0; i < r->nclose; i++) {
    const struct report_close *c = &r->close[i];
    tier_buf_printf(b, "<tr><td>");
    esc(b, c->id);
    tier_buf_printf(b, "</td><td>");
    esc(b, c->type);
    tier_buf_printf(b, "</td><td>");
    esc(b, c->tier >= 0 ? tier_name(r->rs, c->tier) : "-");
    tier_buf_printf(b, "</td><td>");
    esc(b, tier_name(r->rs, c->next));
    tier_buf_printf(b, "</td><td class=\"n\">%zu</td><td>", c->nunmet);
    esc(b, c->gap);
    tier_buf_printf(b, "</td></tr>\n");
  }
  tier_buf_printf(b, "</table>\n");
}

/* One partner type's move matrix: rows the old tier, columns the new one. */
static void html_matrix(tier_buf *b, const struct diff_type *t) {
  tier_buf_printf(b, "<h3>");
  esc(b, t->name);
  tier_buf_printf(b, " <span class=\"muted\">%ld up, %ld down, %ld stay</span></h3>\n<table><tr><th>old \\ new</th><th>none</th>",
             t->up, t->down, t->stay);
  for (int c = 0; c < t->lad.nnew; c++) { tier_buf_printf(b, "<th>"); esc(b, t->lad.new_names[c]); tier_buf_printf(b, "</th>"); }
  tier_buf_printf(b, "</tr>\n");
  for (int row = -1; row < t->lad.nold; row++) {
    tier_buf_printf(b, "<tr><th>");
    esc(b, row >= 0 ? t->lad.old_names[row] : "none");
    tier_buf_printf(b, "</th>");
    for (int c = -1; c < t->lad.nnew; c++) {
      long v = DIFF_CELL(t, row, c);
      int dir = tier_ladder_direction(&t->lad, row, c);
      const char *bg = v == 0 ? "#fff" : dir > 0 ? "#e3f9e5" : dir < 0 ? "#ffe3e3" : "#f5f7fa";
      tier_buf_printf(b, "<td class=\"n\" style=\"background:%s\">%ld</td>", bg, v);
    }
    tier_buf_printf(b, "</tr>\n");
  }
  tier_buf_printf(b, "</table>\n");
}

/* With --diff: the impact of the rule change, per partner type. */
static void html_impact(const struct diff *d, tier_buf *b) {
  tier_buf_printf(b, "<h2>Impact of the rule change</h2>\n<p>From ");
  esc(b, d->old_path);
  tier_buf_printf(b, " (");
  esc(b, tier_ruleset_version(d->old));
  tier_buf_printf(b, ") to ");
  esc(b, d->new_path);
  tier_buf_printf(b, " (");
  esc(b, tier_ruleset_version(d->new_));
  tier_buf_printf(b, "). Rows: tier under the old rules; columns: under the new. Tiers are matched by name, or by their place in the ladder when renamed.</p>\n");
  for (int i = 0; i < d->ntypes; i++) html_matrix(b, &d->types[i]);
  const char *moves = tier_buf_text(d->moves_text, NULL);
  if (moves && *moves) {
    tier_buf_printf(b, "<h3>Partners that move, and the requirements that move them</h3>\n<pre>");
    esc(b, moves);
    tier_buf_printf(b, "</pre>\n");
  }
}

void report_html(const struct report *r, tier_buf *b) {
  html_head(r, b);
  if (tier_ruleset_ntypes(r->rs) == 0) {
    tier_buf_printf(b, "<p>This ruleset has no partner types.</p></body></html>\n");
    return;
  }
  html_distribution(r, b);
  html_blockers(r, b);
  html_closest(r, b);
  if (r->diff) html_impact(r->diff, b);
  tier_buf_printf(b, "<p class=\"muted\">Made by tiervm %s.</p>\n</body>\n</html>\n", TIER_VERSION);
}
