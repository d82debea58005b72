/*
 * report.c - see report.h.  Charts are drawn as inline SVG so that the page
 * opens anywhere, offline; text uses the system's fonts, with Japanese ones
 * named first so that labels like 顧客満足度調査 render.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

int report_init(struct report *r, const struct tier_ruleset *rs, const char *path) {
  memset(r, 0, sizeof *r);
  r->rs = rs;
  r->rules_path = path;
  const struct image *img = rs->img;
  r->held = calloc(img->ntiers + 1, sizeof *r->held);
  r->as_next = calloc(img->ntiers + 1, sizeof *r->as_next);
  r->sus_blocked = calloc(img->ntiers + 1, sizeof *r->sus_blocked);
  r->none = calloc(65, sizeof *r->none);
  r->blocked = calloc(img->nreqs + 1, sizeof *r->blocked);
  r->gap = calloc(img->nreqs + 1, sizeof *r->gap);
  return r->held && r->as_next && r->sus_blocked && r->none && r->blocked && r->gap ? 0 : -1;
}

void report_free(struct report *r) {
  free(r->held);
  free(r->as_next);
  free(r->sus_blocked);
  free(r->none);
  free(r->blocked);
  free(r->gap);
}

/* share of the threshold reached, in five buckets: <25%, <50%, <75%, <90%, <100% */
static int bucket(const struct image *img, const struct img_req *q, int64_t actual) {
  int kind = img->consts[q->konst].kind;
  int64_t req = img->consts[q->konst].v;
  if ((kind != TY_INT && kind != TY_MONEY) || q->cmp != CMP_GE || req <= 0 || actual == TIER_NONE) return -1;
  double share = (double)actual / (double)req;
  return share < 0.25 ? 0 : share < 0.5 ? 1 : share < 0.75 ? 2 : share < 0.9 ? 3 : 4;
}

void report_add(struct report *r, struct tier_vm *vm, const tier_result *res) {
  const struct image *img = r->rs->img;
  r->partners++;
  if (vm->ev.tier >= 0) r->held[vm->ev.tier]++;
  else if (vm->ev.ptype >= 0 && vm->ev.ptype < 64) r->none[vm->ev.ptype]++;
  int t = vm->ev.next;
  if (t < 0) return;
  r->as_next[t]++;
  const struct img_tier *T = &img->tiers[t];
  for (uint32_t q = T->first_req; q < T->first_req + T->nreq; q++) {
    if (vm->ev.met[q]) continue;
    r->blocked[q]++;
    const struct img_req *rq = &img->reqs[q];
    int64_t actual = rq->metric >= 0 ? vm->ev.regs_today[rq->metric] : rq->field >= 0 ? vm->rec.top[rq->field] : TIER_NONE;
    int bk = rq->metric >= 0 || rq->field >= 0 ? bucket(img, rq, actual) : -1;
    if (bk >= 0) r->gap[q][bk]++;
  }
  if (T->sustained && vm->ev.sus_fail[t] != TIER_NONE) r->sus_blocked[t]++;
  /* the partners closest to the next tier: fewest unmet requirements */
  if (r->nclose == REPORT_CLOSEST && res->nunmet >= r->close[REPORT_CLOSEST - 1].nunmet) return;
  int at = r->nclose < REPORT_CLOSEST ? r->nclose++ : REPORT_CLOSEST - 1;
  while (at > 0 && r->close[at - 1].nunmet > res->nunmet) {
    r->close[at] = r->close[at - 1];
    at--;
  }
  struct report_close *c = &r->close[at];
  snprintf(c->id, sizeof c->id, "%s", res->id ? res->id : "-");
  snprintf(c->type, sizeof c->type, "%s", res->type ? res->type : "-");
  c->tier = vm->ev.tier;
  c->next = t;
  c->nunmet = res->nunmet;
  size_t k = 0;
  c->gap[0] = 0;
  for (size_t i = 0; i < res->nunmet && k + 4 < sizeof c->gap; i++) {
    int w = snprintf(c->gap + k, sizeof c->gap - k, "%s%s", i ? "; " : "", res->unmet[i].need);
    if (w > 0) k += (size_t)w;
  }
}

/* ---- HTML ---------------------------------------------------------------------------- */

static void esc(struct buf *b, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '<': buf_put(b, "&lt;", 4); break;
    case '>': buf_put(b, "&gt;", 4); break;
    case '&': buf_put(b, "&amp;", 5); break;
    case '"': buf_put(b, "&quot;", 6); break;
    default: buf_u8(b, (uint8_t)*s);
    }
  }
}

static const char *COLORS[] = {"#9aa5b1", "#4c8bf5", "#2bb673", "#f5a623", "#d0021b", "#7b61ff", "#00a3a3"};

/* A horizontal bar chart: one bar per (label, value), scaled to the largest. */
static void bars(struct buf *b, const char **labels, const long *vals, int n, long total, bool pct) {
  long max = 1;
  for (int i = 0; i < n; i++) if (vals[i] > max) max = vals[i];
  int h = 28 * n + 10;
  buf_printf(b, "<svg class=\"chart\" width=\"760\" height=\"%d\" role=\"img\">\n", h);
  for (int i = 0; i < n; i++) {
    int y = 5 + 28 * i, w = (int)(340.0 * (double)vals[i] / (double)max);
    buf_printf(b, "<text x=\"0\" y=\"%d\" class=\"lbl\">", y + 17);
    esc(b, labels[i]);
    buf_printf(b, "</text><rect x=\"300\" y=\"%d\" width=\"%d\" height=\"20\" fill=\"%s\"/>", y + 2, w > 0 ? w : 1,
               COLORS[(i % 6) + 1]);
    if (pct && total > 0)
      buf_printf(b, "<text x=\"%d\" y=\"%d\" class=\"val\">%ld (%.0f%%)</text>\n", 306 + w, y + 17, vals[i],
                 100.0 * (double)vals[i] / (double)total);
    else
      buf_printf(b, "<text x=\"%d\" y=\"%d\" class=\"val\">%ld</text>\n", 306 + w, y + 17, vals[i]);
  }
  buf_printf(b, "</svg>\n");
}

static const char *type_of(const struct image *img, uint32_t p) {
  const struct img_enum *e = &img->enums[img->fields[img->partner_field].ref];
  return p < e->nvals ? img_str(img, e->vals[p]) : "?";
}

/* A stacked bar of the gap shares for one requirement. */
static void gap_bar(struct buf *b, const long *g) {
  static const char *names[REPORT_BUCKETS] = {"under 25%", "25-50%", "50-75%", "75-90%", "90-100%"};
  static const char *cols[REPORT_BUCKETS] = {"#d0021b", "#f5a623", "#f8e71c", "#7ed321", "#2bb673"};
  long tot = 0;
  for (int k = 0; k < REPORT_BUCKETS; k++) tot += g[k];
  if (tot == 0) { buf_printf(b, "<span class=\"muted\">-</span>"); return; }
  buf_printf(b, "<svg width=\"220\" height=\"16\">");
  double x = 0;
  for (int k = 0; k < REPORT_BUCKETS; k++) {
    double w = 220.0 * (double)g[k] / (double)tot;
    if (g[k]) buf_printf(b, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"16\" fill=\"%s\"><title>%s of the threshold: %ld</title></rect>",
                         x, w, cols[k], names[k], g[k]);
    x += w;
  }
  buf_printf(b, "</svg>");
}

void report_html(const struct report *r, struct buf *b) {
  const struct tier_ruleset *rs = r->rs;
  const struct image *img = rs->img;
  const char *name = tier_ruleset_name(rs), *ver = tier_ruleset_version(rs);
  buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  esc(b, *name ? name : "tierc report");
  buf_printf(b, "</title>\n<style>\n"
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
  if (*ver) { buf_printf(b, " <span class=\"muted\">"); esc(b, ver); buf_printf(b, "</span>"); }
  buf_printf(b, "</h1>\n<p class=\"muted\">%ld partners evaluated", r->partners);
  if (r->errors) buf_printf(b, ", %ld records rejected", r->errors);
  buf_printf(b, " &middot; rules ");
  esc(b, r->rules_path);
  buf_printf(b, " (source hash %.16s)</p>\n", rs->hash_hex);

  if (img->partner_field < 0) {
    buf_printf(b, "<p>This ruleset has no partner types.</p></body></html>\n");
    return;
  }
  const struct img_enum *pe = &img->enums[img->fields[img->partner_field].ref];
  buf_printf(b, "<h2>Tier distribution</h2>\n");
  for (uint32_t p = 0; p < pe->nvals; p++) {
    const char *labels[DIFF_MAX_LADDER + 1];
    long vals[DIFF_MAX_LADDER + 1], tot = 0;
    int n = 0;
    labels[n] = "no tier";
    vals[n++] = r->none[p];
    for (uint32_t t = 0; t < img->ntiers && n <= DIFF_MAX_LADDER; t++)
      if (img->tiers[t].ptype == p) {
        labels[n] = img_str(img, img->tiers[t].name);
        vals[n++] = r->held[t];
      }
    for (int i = 0; i < n; i++) tot += vals[i];
    if (n == 1 && tot == 0) continue;
    buf_printf(b, "<h3>");
    esc(b, type_of(img, p));
    buf_printf(b, " <span class=\"muted\">(%ld partners)</span></h3>\n", tot);
    bars(b, labels, vals, n, tot, true);
  }

  buf_printf(b, "<h2>What blocks the next tier</h2>\n<p>For the partners whose next tier it is: how many miss each "
                "requirement, and how far they are (share of the threshold reached).</p>\n"
                "<p class=\"legend muted\">gap:<span style=\"background:#d0021b\"></span>under 25%%"
                "<span style=\"background:#f5a623\"></span>25-50%%<span style=\"background:#f8e71c\"></span>50-75%%"
                "<span style=\"background:#7ed321\"></span>75-90%%<span style=\"background:#2bb673\"></span>90-100%%</p>\n");
  for (uint32_t t = 0; t < img->ntiers; t++) {
    if (!r->as_next[t]) continue;
    const struct img_tier *T = &img->tiers[t];
    buf_printf(b, "<h3>");
    esc(b, type_of(img, T->ptype));
    buf_printf(b, " &rarr; ");
    esc(b, img_str(img, T->name));
    buf_printf(b, " <span class=\"muted\">(next tier of %ld partners)</span></h3>\n<table>\n"
                  "<tr><th>section</th><th>requirement</th><th>partners blocked</th><th>how far</th></tr>\n", r->as_next[t]);
    /* requirements sorted by how many partners they block */
    uint32_t order[256];
    uint32_t n = 0;
    for (uint32_t q = T->first_req; q < T->first_req + T->nreq && n < 256; q++) order[n++] = q;
    for (uint32_t i = 1; i < n; i++)
      for (uint32_t k = i; k > 0 && r->blocked[order[k]] > r->blocked[order[k - 1]]; k--) {
        uint32_t x = order[k]; order[k] = order[k - 1]; order[k - 1] = x;
      }
    for (uint32_t i = 0; i < n; i++) {
      const struct img_req *q = &img->reqs[order[i]];
      buf_printf(b, "<tr><td>");
      esc(b, q->section == NO_STR ? "" : img_str(img, q->section));
      buf_printf(b, "</td><td>");
      if (q->label != NO_STR) { esc(b, img_str(img, q->label)); buf_printf(b, "<br><span class=\"muted\">"); }
      esc(b, img_str(img, q->rule));
      if (q->label != NO_STR) buf_printf(b, "</span>");
      buf_printf(b, "</td><td class=\"n\">%ld (%.0f%%)</td><td>", r->blocked[order[i]],
                 100.0 * (double)r->blocked[order[i]] / (double)r->as_next[t]);
      gap_bar(b, r->gap[order[i]]);
      buf_printf(b, "</td></tr>\n");
    }
    if (T->sustained)
      buf_printf(b, "<tr><td></td><td>sustained %u months</td><td class=\"n\">%ld (%.0f%%)</td><td></td></tr>\n", T->sustained,
                 r->sus_blocked[t], 100.0 * (double)r->sus_blocked[t] / (double)r->as_next[t]);
    buf_printf(b, "</table>\n");
  }

  if (r->nclose) {
    buf_printf(b, "<h2>Closest to moving up</h2>\n<table>\n<tr><th>partner</th><th>type</th><th>tier</th><th>next</th>"
                  "<th>missing</th><th>smallest change</th></tr>\n");
    for (int i = 0; i < r->nclose; i++) {
      const struct report_close *c = &r->close[i];
      buf_printf(b, "<tr><td>");
      esc(b, c->id);
      buf_printf(b, "</td><td>");
      esc(b, c->type);
      buf_printf(b, "</td><td>");
      esc(b, c->tier >= 0 ? img_str(img, img->tiers[c->tier].name) : "-");
      buf_printf(b, "</td><td>");
      esc(b, img_str(img, img->tiers[c->next].name));
      buf_printf(b, "</td><td class=\"n\">%zu</td><td>", c->nunmet);
      esc(b, c->gap);
      buf_printf(b, "</td></tr>\n");
    }
    buf_printf(b, "</table>\n");
  }

  if (r->diff) {
    const struct diff *d = r->diff;
    buf_printf(b, "<h2>Impact of the rule change</h2>\n<p>From ");
    esc(b, d->old_path);
    buf_printf(b, " (");
    esc(b, tier_ruleset_version(d->old));
    buf_printf(b, ") to ");
    esc(b, d->new_path);
    buf_printf(b, " (");
    esc(b, tier_ruleset_version(d->new_));
    buf_printf(b, "). Rows: tier under the old rules; columns: under the new. Tiers are matched by their place in the ladder.</p>\n");
    for (int i = 0; i < d->ntypes; i++) {
      const struct diff_type *t = &d->types[i];
      buf_printf(b, "<h3>");
      esc(b, t->name);
      buf_printf(b, " <span class=\"muted\">%ld up, %ld down, %ld stay</span></h3>\n<table><tr><th>old \\ new</th><th>none</th>",
                 t->up, t->down, t->stay);
      for (int c = 0; c < t->nnew; c++) { buf_printf(b, "<th>"); esc(b, t->new_names[c]); buf_printf(b, "</th>"); }
      buf_printf(b, "</tr>\n");
      for (int row = 0; row <= t->nold; row++) {
        buf_printf(b, "<tr><th>");
        esc(b, row ? t->old_names[row - 1] : "none");
        buf_printf(b, "</th>");
        for (int c = 0; c <= t->nnew; c++) {
          long v = t->matrix[row][c];
          const char *bg = v == 0 ? "#fff" : c > row ? "#e3f9e5" : c < row ? "#ffe3e3" : "#f5f7fa";
          buf_printf(b, "<td class=\"n\" style=\"background:%s\">%ld</td>", bg, v);
        }
        buf_printf(b, "</tr>\n");
      }
      buf_printf(b, "</table>\n");
    }
    if (d->moves_text.n) {
      buf_printf(b, "<h3>Partners that move, and the requirements that move them</h3>\n<pre>");
      struct buf t = {0};
      buf_put(&t, d->moves_text.p, d->moves_text.n);
      buf_u8(&t, 0);
      esc(b, t.p ? (const char *)t.p : "");
      buf_free(&t);
      buf_printf(b, "</pre>\n");
    }
  }
  buf_printf(b, "<p class=\"muted\">Made by tiervm %s.</p>\n</body>\n</html>\n", TIER_VERSION);
}
