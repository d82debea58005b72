/*
 * report.c - see report.h.  The page is HTML and CSS only: charts are
 * HTML boxes sized in percent (so that they shrink with the window and
 * their counts stay text, readable without hovering), each with an
 * accessible name that says what it shows; tables turn into one card per
 * row on a narrow screen.  Two colour scales never share a hue: tiers are
 * blue, light for the bottom of a ladder and dark for its top; how far
 * partners are from a threshold is orange, dark for far and light for
 * near.  Both are ordinal in lightness, so they read without colour
 * vision, and every coloured box also carries its number or its name.
 * Text uses the system's fonts, a Japanese one named before the generic
 * family so that labels like 顧客満足度調査 print with Japanese glyphs.
 * Every word of the page's own is in the user's language (_()), and the
 * page says which (<html lang>): its sentences are whole messages of the
 * catalogue, markup kept out of them (say_text, say_html).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "report.h"

int report_init(struct report *r, const tier_ruleset *rs, const char *path) {
  memset(r, 0, sizeof *r);
  r->rs = rs;
  r->rules_path = path;
  r->first_asof = INT64_MAX;
  r->last_asof = INT64_MIN;
  size_t ntiers = tier_ruleset_ntiers(rs), nreqs = tier_ruleset_nreqs(rs), nitems = tier_ruleset_nitems(rs),
         nbadges = tier_ruleset_nbadges(rs);
  r->held = calloc(ntiers + 1, sizeof *r->held);
  r->granted = calloc(ntiers + 1, sizeof *r->granted);
  r->as_next = calloc(ntiers + 1, sizeof *r->as_next);
  r->sus_blocked = calloc(ntiers + 1, sizeof *r->sus_blocked);
  r->none = calloc(tier_ruleset_ntypes(rs) + 1, sizeof *r->none);
  r->blocked = calloc(nreqs + 1, sizeof *r->blocked);
  r->gap = calloc(nreqs + 1, sizeof *r->gap);
  r->blocked_item = calloc(nitems + 1, sizeof *r->blocked_item);
  r->path_met = calloc(nitems + 1, sizeof *r->path_met);
  r->path_only = calloc(nitems + 1, sizeof *r->path_only);
  r->badge_held = calloc(nbadges + 1, sizeof *r->badge_held);
  r->badge_lacking = calloc(nbadges + 1, sizeof *r->badge_lacking);
  r->badge_sus = calloc(nbadges + 1, sizeof *r->badge_sus);
  r->order = calloc(nitems + 1, sizeof *r->order);
  r->moves_html = tier_buf_new(NULL);
  r->sides_html = tier_buf_new(NULL);
  r->ev = tier_buf_new(NULL);
  return report_counter_init(&r->own, rs) == 0 && r->ev && r->held && r->granted && r->as_next && r->sus_blocked && r->none &&
          r->blocked && r->gap && r->blocked_item && r->path_met && r->path_only && r->badge_held && r->badge_lacking &&
          r->badge_sus && r->sides_html && r->order && r->moves_html
      ? 0
      : -1;
}

void report_free(struct report *r) {
  free(r->held);
  free(r->granted);
  free(r->as_next);
  free(r->sus_blocked);
  free(r->none);
  free(r->blocked);
  free(r->gap);
  free(r->blocked_item);
  free(r->path_met);
  free(r->path_only);
  free(r->badge_held);
  free(r->badge_lacking);
  free(r->badge_sus);
  free(r->order);
  for (int i = 0; i < r->nclose; i++) free(r->close[i].html);
  tier_buf_free(r->moves_html);
  tier_buf_free(r->sides_html);
  report_counter_free(&r->own);
  tier_buf_free(r->ev);
}

/* ---- HTML pieces ------------------------------------------------------------------------ */

/* The first n bytes of s as HTML text or attribute value.  Control
 * characters, which HTML does not allow, show as U+FFFD (record texts are
 * valid UTF-8 otherwise: the reader refuses anything else). */
static void esc_n(tier_buf *b, const char *s, size_t n) {
  for (const char *e = s + n; s < e; s++) {
    switch (*s) {
    case '<': tier_buf_puts(b, "&lt;"); break;
    case '>': tier_buf_puts(b, "&gt;"); break;
    case '&': tier_buf_puts(b, "&amp;"); break;
    case '"': tier_buf_puts(b, "&quot;"); break;
    default:
      if (((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7f) tier_buf_puts(b, "\xEF\xBF\xBD");
      else tier_buf_putc(b, (unsigned char)*s);
    }
  }
}

static void esc(tier_buf *b, const char *s) {
  if (s) esc_n(b, s, strlen(s));
}

/* A count as people read it, "1,698", into out (at least 32 bytes). */
static const char *count_text(char *out, long n) {
  char d[24];
  unsigned long mag = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n; /* LONG_MIN too */
  int len = snprintf(d, sizeof d, "%lu", mag), k = 0;
  if (n < 0) out[k++] = '-';
  for (int i = 0; i < len; i++) {
    if (i && (len - i) % 3 == 0) out[k++] = ',';
    out[k++] = d[i];
  }
  out[k] = 0;
  return out;
}
#define COUNT(n) count_text((char[32]){0}, (n))

static void count(tier_buf *b, long n) { tier_buf_puts(b, COUNT(n)); }

/* fmt with its arguments, malloc'd; NULL when out of memory. */
static char *vformat(const char *fmt, va_list ap) {
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  char *t = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (t) vsnprintf(t, (size_t)n + 1, fmt, again);
  va_end(again);
  return t;
}

/* A sentence of the page as text: a message (already in the user's
 * language) with its arguments, all of it escaped. */
__attribute__((format(printf, 2, 3))) static void say_text(tier_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *t = vformat(fmt, ap);
  va_end(ap);
  esc(b, t ? t : _("(out of memory)"));
  free(t);
}

/* A sentence whose arguments are markup (a <code> name, a file already
 * escaped): the message's own text is escaped, the arguments are not. */
__attribute__((format(printf, 2, 3))) static void say_html(tier_buf *b, const char *fmt, ...) {
  tier_buf *f = tier_buf_new(NULL);
  if (f) esc(f, fmt);
  const char *escaped = f ? tier_buf_text(f, NULL) : NULL;
  va_list ap;
  va_start(ap, fmt);
  char *t = escaped ? vformat(escaped, ap) : NULL;
  va_end(ap);
  tier_buf_puts(b, t ? t : _("(out of memory)"));
  free(t);
  tier_buf_free(f);
}

/* The language of the messages, for <html lang>: the catalogue's own (the
 * header gettext gives for the empty message, its "Language:"), "en"
 * without one. */
static void page_lang(tier_buf *b) {
  const char *h = tier_gettext(""), *l = strstr(h, "Language: ");
  size_t n = l ? strcspn(l += 10, "\n") : 0;
  if (n == 0 || n > 16) tier_buf_puts(b, "en");
  else esc_n(b, l, n);
}

/* part of whole as a whole percentage ("17%"); nothing when whole is 0. */
static void percent(tier_buf *b, long part, long whole) {
  if (whole > 0) tier_buf_printf(b, "%.0f%%", 100.0 * (double)part / (double)whole);
}

static void date(tier_buf *b, int64_t day) {
  char d[11];
  tier_date_format(day, d);
  tier_buf_puts(b, d);
}

/* The tier scale: tier pos of a ladder of n tiers, along ColorBrewer's
 * "Blues" from light (the bottom tier) to dark (the top one). */
static void tier_colour(tier_buf *b, int pos, int n) {
  static const unsigned char stops[][3] = {{0xc6, 0xdb, 0xef}, {0x9e, 0xca, 0xe1}, {0x6b, 0xae, 0xd6}, {0x42, 0x92, 0xc6},
                                           {0x21, 0x71, 0xb5}, {0x08, 0x51, 0x9c}, {0x08, 0x30, 0x6b}};
  const int last = (int)(sizeof stops / sizeof stops[0]) - 1;
  double at = n > 1 ? (double)pos * last / (double)(n - 1) : last;
  int k = (int)at < last ? (int)at : last - 1;
  double f = at - k;
  tier_buf_printf(b, "#%02x%02x%02x", (int)(stops[k][0] + f * (stops[k + 1][0] - stops[k][0]) + 0.5),
                  (int)(stops[k][1] + f * (stops[k + 1][1] - stops[k][1]) + 0.5),
                  (int)(stops[k][2] + f * (stops[k + 1][2] - stops[k][2]) + 0.5));
}
#define NO_TIER_COLOUR "#bdbdbd"
/* Badges are not a ladder: one colour, ColorBrewer's "Purples", apart from
 * both scales. */
#define BADGE_COLOUR "#756bb1"

/* The gap scale: how far, bucket by bucket, from ColorBrewer's "Oranges";
 * the two darkest carry white text. */
static const char *const GAP_NAME[REPORT_BUCKETS] = {N_("under 25%"), N_("25–50%"), N_("50–75%"), N_("75–90%"), N_("90–100%")};
static const char *const GAP_COLOUR[REPORT_BUCKETS] = {"#a63603", "#e6550d", "#fd8d3c", "#fdae6b", "#fdd0a2"};
static const char *const GAP_INK[REPORT_BUCKETS] = {"#fff", "#fff", "#1f2933", "#1f2933", "#1f2933"};

/* The page's tables.  Each has its columns in one place: their names (the
 * header, and each cell's label when a narrow screen turns a row into a
 * card; messages of the catalogue), their share of the width (fixed, so
 * that a long name breaks in its own column instead of squeezing the
 * others), and whether they hold numbers.  Each cell holds one <div>, so that in a card the label and the
 * content are the two columns of its grid. */
struct col { const char *name; int width; bool num; };
#define NCOLS(c) (sizeof(c) / sizeof(c)[0])
static const struct col CLOSEST[] = {{N_("Partner"), 19, false},         {N_("Type"), 11, false},
                                     {N_("Tier → next"), 17, false},     {N_("Missing"), 7, true},
                                     {N_("Smallest change"), 33, false}, {N_("Review date"), 13, false}};
static const struct col MOVES[] = {
    {N_("Partner"), 20, false}, {N_("Type"), 11, false}, {N_("Move"), 21, false}, {N_("Why"), 48, false}};
static const struct col SIDES[] = {
    {N_("Partner"), 20, false}, {N_("Type"), 11, false}, {N_("Change"), 21, false}, {N_("Why"), 48, false}};
/* The same for a ruleset of badges only: its partners have no type. */
static const struct col BADGE_SIDES[] = {{N_("Partner"), 24, false}, {N_("Change"), 28, false}, {N_("Why"), 48, false}};
static const struct col BLOCKERS[] = {
    {N_("Requirement"), 56, false}, {N_("Partners blocked"), 16, true}, {N_("How far they are"), 28, false}};
static const struct col CHANGES[] = {{N_("Where"), 13, false},
                                     {N_("Change"), 21, false},
                                     {N_("Was"), 24, false},
                                     {N_("Now"), 24, false},
                                     {N_("Also changes"), 18, false}};
static const struct col PATHS[] = {{N_("Path"), 24, false},
                                   {N_("What it asks"), 40, false},
                                   {N_("Partners meeting it"), 20, true},
                                   {N_("Only this path"), 16, true}};
static const struct col FLOWS[] = {
    {N_("Old rules"), 30, false}, {N_("New rules"), 30, false}, {N_("Partners"), 15, true}, {N_("Move"), 25, false}};

static void table_begin(tier_buf *b, const struct col *c, size_t n) {
  tier_buf_puts(b, "<table class=\"cards\">\n<colgroup>");
  for (size_t i = 0; i < n; i++) tier_buf_printf(b, "<col style=\"width:%d%%\">", c[i].width);
  tier_buf_puts(b, "</colgroup>\n<thead><tr>");
  for (size_t i = 0; i < n; i++) {
    tier_buf_printf(b, "<th%s>", c[i].num ? " class=\"n\"" : "");
    esc(b, _(c[i].name));
    tier_buf_puts(b, "</th>");
  }
  tier_buf_puts(b, "</tr></thead>\n<tbody>\n");
}
static void table_end(tier_buf *b) { tier_buf_puts(b, "</tbody>\n</table>\n"); }

/* Cell i of a row of a table with columns c: td opens it (the first of a
 * row opens the row), td_end closes it (the last closes the row). */
static void td(tier_buf *b, const struct col *c, size_t i) {
  tier_buf_printf(b, "%s<td data-label=\"", i ? "" : "<tr>");
  esc(b, _(c[i].name));
  tier_buf_printf(b, "\"%s><div>", c[i].num ? " class=\"n\"" : "");
}
static void td_end(tier_buf *b, size_t i, size_t n) {
  tier_buf_puts(b, i + 1 < n ? "</div></td>" : "</div></td></tr>\n");
}

/* ---- counting ------------------------------------------------------------------------ */

/* How far an unmet `value >= threshold` (or `>`) on a count, an amount or
 * a number is, as the share of the threshold reached, in REPORT_BUCKETS
 * buckets; -1 for any other requirement, where a share means nothing. */
static int bucket(const tier_req_result *u) {
  if ((u->type != TIER_TYPE_INT && u->type != TIER_TYPE_MONEY && u->type != TIER_TYPE_NUMBER) || !u->op ||
      (strcmp(u->op, ">=") != 0 && strcmp(u->op, ">") != 0) || u->required_value <= 0 || u->missing)
    return -1;
  double share = u->actual_value / u->required_value;
  return share < 0.25 ? 0 : share < 0.5 ? 1 : share < 0.75 ? 2 : share < 0.9 ? 3 : 4;
}

/* A tier or badge as people know it: its display name, else its name. */
static const char *shown(const tier_info *T) {
  return T->display ? T->display : T->name;
}

/* Tier t as people know it. */
static const char *tier_name(const tier_ruleset *rs, int t) {
  tier_info T;
  return t >= 0 && tier_ruleset_tier(rs, (size_t)t, &T) == TIER_OK ? shown(&T) : NULL;
}

/* The tier a result holds, as people know it, or `none`. */
static const char *held_name(const tier_result *res, const char *none) {
  return res->tier_display ? res->tier_display : res->tier ? res->tier : none;
}

/* The partner as the content of a cell: its name, and its id under it
 * (either may be missing). */
static void partner(tier_buf *b, const tier_result *res) {
  if (res->name && *res->name) {
    esc(b, res->name);
    tier_buf_puts(b, "<br><span class=\"muted\">");
    esc(b, res->id ? res->id : _("no id"));
    tier_buf_puts(b, "</span>");
  } else {
    esc(b, res->id ? res->id : _("no id"));
  }
}

/* Unmet entries u[0 .. n) as a list, each the smallest change that
 * would meet it as the table says it (output.c's out_gap, in the user's
 * language: p is the thread's pool): of an either only its cheapest
 * branch, of an at least the items that complete it. */
static void needs_list(tier_buf *b, struct esc_pool *p, const tier_req_result *u, size_t n) {
  tier_buf *one = tier_buf_new(NULL);
  tier_buf_puts(b, "<ul class=\"needs\">");
  for (size_t i = 0; one && i < n; i++) {
    tier_buf_clear(one);
    out_gap(one, &u[i], 1, p);
    const char *t = tier_buf_text(one, NULL);
    if (!t || !*t) continue; /* a branch that is not the cheapest */
    tier_buf_puts(b, "<li>");
    esc(b, t);
    tier_buf_puts(b, "</li>");
  }
  if (!one) {
    tier_buf_puts(b, "<li>");
    esc(b, _("(out of memory)"));
    tier_buf_puts(b, "</li>");
  }
  tier_buf_puts(b, "</ul>");
  tier_buf_free(one);
}

/* How many requirements res must still meet for its next tier, counted
 * as needs_list shows them: an either's cheapest branch, the items an at
 * least lacks, a sustained clause as one. */
static long missing(const tier_result *res) {
  long n = 0;
  for (size_t i = 0; i < res->nunmet; i++) {
    const tier_req_result *u = &res->unmet[i];
    if (u->branch && !u->gap) continue;
    n += u->kind == TIER_ENTRY_AT_LEAST ? u->needed - u->held : 1;
  }
  return n;
}

/* One row of "closest to moving up" into b: res lives only as long as
 * the thread's event. */
static void closest_row(tier_buf *b, struct report_counter *rc, const tier_result *res, long miss) {
  const struct col *c = CLOSEST;
  size_t n = NCOLS(CLOSEST);
  td(b, c, 0);
  partner(b, res);
  td_end(b, 0, n);
  td(b, c, 1);
  esc(b, res->type ? res->type : "-");
  td_end(b, 1, n);
  td(b, c, 2);
  esc(b, held_name(res, _("no tier")));
  tier_buf_puts(b, " &rarr; ");
  esc(b, tier_name(rc->rs, res->next_index));
  td_end(b, 2, n);
  td(b, c, 3);
  tier_buf_printf(b, "%ld", miss);
  td_end(b, 3, n);
  td(b, c, 4);
  needs_list(b, &rc->pool, res->unmet, res->nunmet);
  td_end(b, 4, n);
  td(b, c, 5);
  date(b, res->asof);
  td_end(b, 5, n);
}

/* The closest are the REPORT_CLOSEST partners with the fewest missing
 * requirements, ties keeping the earlier partner: whether a partner with
 * `miss` missing is among rows[0..n) so far, and closest_put to put it
 * in its place (the last one dropped when they are full). */
static bool closest_enters(const struct report_row *rows, int n, long miss) {
  return n < REPORT_CLOSEST || miss < rows[REPORT_CLOSEST - 1].missing;
}

static void closest_put(struct report_row *rows, int *n, long miss, char *html) {
  int at = *n;
  if (*n < REPORT_CLOSEST) (*n)++;
  else free(rows[--at].html);
  for (; at > 0 && rows[at - 1].missing > miss; at--) rows[at] = rows[at - 1];
  rows[at] = (struct report_row){miss, html};
}

/* The arrow and word of a move up (dir > 0), down, or none. */
static void direction(tier_buf *b, int dir) {
  if (dir == 0) {
    esc(b, _("same tier"));
    return;
  }
  tier_buf_printf(b, "<span class=\"%s\">%s&nbsp;", dir > 0 ? "up" : "down", dir > 0 ? "&#9650;" : "&#9660;");
  esc(b, dir > 0 ? _("up") : _("down"));
  tier_buf_puts(b, "</span>");
}

/* One row of "partners that move" into b: who, from and to, and what the
 * rules that explain it miss. */
static void move_row(tier_buf *b, struct esc_pool *p, const struct diff_move *m) {
  const struct col *c = MOVES;
  size_t n = NCOLS(MOVES);
  bool up = m->direction > 0;
  td(b, c, 0);
  partner(b, m->to);
  td_end(b, 0, n);
  td(b, c, 1);
  esc(b, m->type->name);
  td_end(b, 1, n);
  td(b, c, 2);
  esc(b, held_name(m->from, _("no tier")));
  tier_buf_puts(b, " &rarr; ");
  esc(b, held_name(m->to, _("no tier")));
  tier_buf_puts(b, "<br>");
  direction(b, up ? 1 : -1);
  td_end(b, 2, n);
  td(b, c, 3);
  if (m->removed) {
    say_text(b, _("Its tier %s is not in the new rules."), held_name(m->from, ""));
    tier_buf_putc(b, ' ');
  }
  if (diff_grant_move(m) > 0) {
    esc(b, _("The new rules grant it."));
    td_end(b, 3, n);
    return;
  }
  if (diff_grant_move(m) < 0) {
    esc(b, _("The old rules granted it; the new rules do not."));
    tier_buf_putc(b, ' ');
  }
  const char *next = m->why->next_display ? m->why->next_display : m->why->next ? m->why->next : _("the next tier");
  say_text(b, up ? _("The old rules asked, for %s:") : _("The new rules ask, for %s:"), next);
  needs_list(b, p, m->why->unmet, m->why->nunmet);
  td_end(b, 3, n);
}

/* ---- events: what a partner adds, decided on any thread --------------------------------
 *
 * An event is a run of ops, each a letter, a number and a space ("r12 "),
 * and for c, v and e a NUL-ended text after it:
 *   p day   a partner, reviewed on day     h tier  the tier it holds
 *   a tier  a grant gives it that tier
 *   n type  no tier of its partner type    b badge a badge it holds
 *   l badge a badge it does not hold       u badge that badge's time clause blocks it
 *   m item  a path it takes                o item  the only path of its either it meets
 *   x tier  its next tier                  s tier  that tier's time clause blocks it
 *   r req   a requirement blocks it        i item  an item (or group) blocks it
 *   g k     how far it is from requirement k / REPORT_BUCKETS, bucket k % REPORT_BUCKETS
 *   c miss  a row of the closest, its html     v 0  a move, its row's html (or empty:
 *   e record  a rejected record, the message        the thread knows it is not shown)
 *   y 0     a change beside the tier (badge, path, grant), its row's html (or empty)
 *   d       an event of the diff (diff.h) follows
 * Only the functions below write events, so report_apply meets no other. */

static void op(tier_buf *ev, char tag, int64_t n) { tier_buf_printf(ev, "%c%" PRId64 " ", tag, n); }

int report_counter_init(struct report_counter *c, const tier_ruleset *rs) {
  memset(c, 0, sizeof *c);
  c->rs = rs;
  c->stamp = calloc(tier_ruleset_nitems(rs) + 1, sizeof *c->stamp);
  return c->stamp && esc_pool_init(&c->pool) == 0 ? 0 : -1;
}

void report_counter_free(struct report_counter *c) {
  free(c->stamp);
  esc_pool_free(&c->pool);
  for (int i = 0; i < c->nclose; i++) free(c->close[i].html);
}

/* Item i and the groups it is in block the current partner: each
 * counted once per partner, however many of its entries say so. */
static void block_item(struct report_counter *c, long i, tier_buf *ev) {
  tier_item_info I;
  for (; i >= 0 && c->stamp[i] != c->partners && tier_ruleset_item(c->rs, (size_t)i, &I) == TIER_OK; i = I.parent) {
    c->stamp[i] = c->partners;
    op(ev, 'i', i);
  }
}

/* Count unmet entries u[0..n) of the next tier or a badge t: a
 * requirement (its items and how far), an at least (it and its failing
 * items), the time clause (sustained, or at any checkpoint within: op
 * `time`, 's' for a tier, 'u' for a badge). */
static void count_unmet(struct report_counter *c, size_t t, char time, const tier_req_result *u, size_t n, tier_buf *ev) {
  tier_req_info Q;
  for (; n--; u++) {
    if (u->kind == TIER_ENTRY_SUSTAINED || u->kind == TIER_ENTRY_AT_ANY) {
      op(ev, time, (int64_t)t); /* its items, what failed at an earlier checkpoint, are not counted again */
    } else if (u->kind == TIER_ENTRY_AT_LEAST) {
      block_item(c, u->index, ev);
      count_unmet(c, t, time, u->items, u->nitems, ev);
    } else if (u->kind == TIER_ENTRY_REQ && tier_ruleset_req(c->rs, (size_t)u->index, &Q) == TIER_OK) {
      op(ev, 'r', u->index);
      block_item(c, (long)Q.item, ev);
      int bk = u->metric ? bucket(u) : -1;
      if (bk >= 0) op(ev, 'g', (int64_t)u->index * REPORT_BUCKETS + bk);
    }
  }
}

/* One path the partner takes (diff_paths_taken): a branch met, and
 * whether it is the only one of its either. */
static void path_event(void *ev, const tier_req_result *branch, bool only) {
  op(ev, 'm', branch->index);
  if (only) op(ev, 'o', branch->index);
}

/* The partner's row of the closest, when it may be shown. */
static void closest_event(struct report_counter *c, const tier_result *res, tier_buf *ev) {
  long miss = missing(res);
  if (!closest_enters(c->close, c->nclose, miss)) return;
  closest_put(c->close, &c->nclose, miss, NULL);
  op(ev, 'c', miss);
  closest_row(ev, c, res, miss);
  tier_buf_putc(ev, '\0');
}

/* One partner: its tier (or none, per type), its review date, its badges
 * and paths, the next tier, each item and time clause that blocks it, and
 * how far. */
void report_add_event(struct report_counter *c, const tier_result *res, tier_buf *ev) {
  c->partners++;
  op(ev, 'p', res->asof);
  if (res->tier_index >= 0) op(ev, 'h', res->tier_index);
  else if (res->type_index >= 0) op(ev, 'n', res->type_index);
  if (res->tier_index >= 0 && res->granted) op(ev, 'a', res->tier_index);
  for (size_t i = 0; i < res->nbadges; i++) {
    const tier_badge_result *B = &res->badges[i];
    op(ev, B->held ? 'b' : 'l', B->index);
    if (!B->held) count_unmet(c, (size_t)B->index, 'u', B->unmet, B->nunmet, ev);
  }
  diff_paths_taken(res, path_event, ev);
  int t = res->next_index;
  if (t < 0) return;
  op(ev, 'x', t);
  count_unmet(c, (size_t)t, 's', res->unmet, res->nunmet, ev);
  closest_event(c, res, ev);
}

/* A move; its row only while the thread has seen fewer than the rows shown. */
static void move_event(struct report_counter *c, const struct diff_move *m, tier_buf *ev) {
  op(ev, 'v', 0);
  if (c->moves++ < REPORT_MOVES) move_row(ev, &c->pool, m);
  tier_buf_putc(ev, '\0');
}

/* What change c beside the tier is: the cell of its row. */
static void side_what(tier_buf *b, const struct diff_change *c, const tier_result *rn) {
  const char *name = c->badge ? c->badge->shown : held_name(rn, "");
  if (c->kind == DIFF_BADGE_GAINED) say_text(b, _("Badge %s gained"), name);
  else if (c->kind == DIFF_BADGE_LOST) say_text(b, _("Badge %s lost"), name);
  else if (c->kind == DIFF_PATH) say_text(b, _("%s by another path"), name);
  else say_text(b, rn->granted ? _("%s, now by a grant") : _("%s, now earned"), name);
}

/* What change c beside the tier is, and why: the last two cells of its
 * row in the table of columns cl, nc of them (rn: the partner's result
 * under the new rules). */
static void side_cells(tier_buf *b, struct esc_pool *p, const struct diff_change *c, const tier_result *rn, const struct col *cl,
                       size_t nc) {
  td(b, cl, nc - 2);
  side_what(b, c, rn);
  td_end(b, nc - 2, nc);
  td(b, cl, nc - 1);
  if (c->kind == DIFF_PATH) {
    tier_buf *now = tier_buf_new(NULL), *was = tier_buf_new(NULL);
    if (now && was)
      say_text(b, _("Now %s; was %s."), diff_path_text(now, c->new_path, p, false), diff_path_text(was, c->old_path, p, false));
    tier_buf_free(now);
    tier_buf_free(was);
  } else if (c->kind == DIFF_GRANT) {
    esc(b,
        rn->granted ? _("Its requirements no longer earn it; a grant gives it.")
                    : _("Its requirements earn it; it was given by a grant."));
  } else if (!c->why) {
    esc(b, c->kind == DIFF_BADGE_GAINED ? _("A new badge.") : _("The new rules have no such badge."));
  } else {
    esc(b, c->kind == DIFF_BADGE_GAINED ? _("The old rules asked:") : _("The new rules ask:"));
    needs_list(b, p, c->why->unmet, c->why->nunmet);
  }
  td_end(b, nc - 1, nc);
}

/* The columns of the table of changes beside the tier: a ruleset of
 * badges only has no partner types, and no column for them. */
static const struct col *side_cols(const tier_ruleset *rs, size_t *nc) {
  bool typed = tier_ruleset_ntypes(rs) > 0;
  *nc = typed ? NCOLS(SIDES) : NCOLS(BADGE_SIDES);
  return typed ? SIDES : BADGE_SIDES;
}

/* The changes beside the tier diff_add just listed in d->chg; each one's
 * row only while the thread has seen fewer than the rows shown. */
static void side_event(struct report_counter *c, const struct diff *d, const tier_result *rn, tier_buf *ev) {
  for (int i = 0; i < d->nchg; i++) {
    op(ev, 'y', 0);
    if (c->sides++ < REPORT_MOVES) {
      size_t n;
      const struct col *cl = side_cols(c->rs, &n);
      td(ev, cl, 0);
      partner(ev, rn);
      td_end(ev, 0, n);
      if (n == NCOLS(SIDES)) {
        td(ev, cl, 1);
        esc(ev, rn->type ? rn->type : "");
        td_end(ev, 1, n);
      }
      side_cells(ev, &c->pool, &d->chg[i], rn, cl, n);
    }
    tier_buf_putc(ev, '\0');
  }
}

void report_old_event(struct report_counter *c, struct diff *dw, const tier_result *old, const tier_result *res, tier_buf *ev) {
  tier_buf_putc(ev, 'd');
  struct diff_move m;
  if (diff_add_event(dw, old, res, ev, &m)) move_event(c, &m, ev);
  side_event(c, dw, res, ev);
}

void report_old_error_event(struct diff *dw, long record, const char *id, const char *err, const char *path, tier_buf *ev) {
  tier_buf_putc(ev, 'd');
  diff_error_event(dw, record, id, "old", err, path, ev);
}

void report_error_event(long record, const char *why, tier_buf *ev) {
  op(ev, 'e', record);
  tier_buf_puts(ev, why);
  tier_buf_putc(ev, '\0');
}

/* The number of an op at *s, and *s past its space; false if there is none. */
static bool op_number(const char **s, const char *end, int64_t *n) {
  const char *p = *s, *digits;
  bool neg = p < end && *p == '-';
  int64_t v = 0;
  for (digits = p += neg; p < end && *p >= '0' && *p <= '9'; p++) v = v * 10 + (*p - '0');
  if (p == digits || p == end || *p != ' ') return false;
  *n = neg ? -v : v;
  *s = p + 1;
  return true;
}

/* Add an op without text to r: the one place the figures are counted. */
static void count_op(struct report *r, char tag, int64_t n) {
  switch (tag) {
  case 'p':
    r->partners++;
    if (n < r->first_asof) r->first_asof = n;
    if (n > r->last_asof) r->last_asof = n;
    break;
  case 'h': r->held[n]++; break;
  case 'a': r->granted[n]++; break;
  case 'n': r->none[n]++; break;
  case 'b': r->badge_held[n]++; break;
  case 'l': r->badge_lacking[n]++; break;
  case 'u': r->badge_sus[n]++; break;
  case 'm': r->path_met[n]++; break;
  case 'o': r->path_only[n]++; break;
  case 'x':
    r->as_next[n]++;
    r->with_next++;
    break;
  case 's': r->sus_blocked[n]++; break;
  case 'r': r->blocked[n]++; break;
  case 'i': r->blocked_item[n]++; break;
  case 'g': r->gap[n / REPORT_BUCKETS][n % REPORT_BUCKETS]++; break;
  }
}

/* Add an op with text: a row of the closest (a copy kept when it is among
 * them: out of memory, one row fewer) or of the moves. */
static void text_op(struct report *r, char tag, int64_t n, const char *text) {
  char *html;
  if (tag == 'c' && closest_enters(r->close, r->nclose, (long)n) && (html = strdup(text)))
    closest_put(r->close, &r->nclose, (long)n, html);
  else if (tag == 'v' && r->moves++ < REPORT_MOVES) tier_buf_puts(r->moves_html, text);
  else if (tag == 'y' && r->sides++ < REPORT_MOVES) tier_buf_puts(r->sides_html, text);
}

const char *report_apply(struct report *r, struct diff *d, const char **s, const char *end, long *record) {
  while (*s < end) {
    char tag = *(*s)++;
    if (tag == 'd') {
      if (!d || !diff_apply_event(d, s, end)) break;
      continue;
    }
    int64_t n;
    if (!op_number(s, end, &n)) break;
    if (tag != 'c' && tag != 'v' && tag != 'y' && tag != 'e') {
      count_op(r, tag, n);
      continue;
    }
    const char *text = *s, *z = memchr(text, '\0', (size_t)(end - text));
    if (!z) break;
    *s = z + 1;
    if (tag != 'e') {
      text_op(r, tag, n, text);
      continue;
    }
    r->errors++;
    *record = (long)n;
    return text;
  }
  *s = end;
  return NULL;
}

/* ---- on one thread ---- */

/* Add the event report_add and its siblings wrote. */
static void apply_own(struct report *r) {
  size_t n;
  const char *t = tier_buf_text(r->ev, &n);
  long record;
  if (t) report_apply(r, NULL, &t, t + n, &record);
  tier_buf_clear(r->ev);
}

void report_add(struct report *r, const tier_result *res) {
  report_add_event(&r->own, res, r->ev);
  apply_own(r);
}

void report_move(struct report *r, const struct diff_move *m) {
  move_event(&r->own, m, r->ev);
  apply_own(r);
}

void report_side(struct report *r, const struct diff *d, const tier_result *res) {
  side_event(&r->own, d, res, r->ev);
  apply_own(r);
}

/* ---- the page ------------------------------------------------------------------------ */

/* The style sheet.  Wide: a centred column of at most 1,120 px.  Narrow
 * (up to 640 px): smaller margins, and each row of a .cards table becomes
 * a card: its first cell the title, the others labelled by their
 * data-label, empty ones left out. */
static const char CSS[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:#1f2933;background:#fff;line-height:1.45;font-size:15px;"
    "font-family:system-ui,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,\"Noto Sans CJK JP\",\"Noto Sans JP\","
    "\"Hiragino Sans\",\"Hiragino Kaku Gothic ProN\",\"Yu Gothic\",Meiryo,\"IPAexGothic\",\"Takao Gothic\",sans-serif}\n"
    "main{max-width:1120px;margin:0 auto;padding:20px 32px 40px}\n"
    "h1{font-size:1.7rem;margin:0 0 2px;overflow-wrap:anywhere}h2{font-size:1.3rem;margin:40px 0 10px;"
    "padding-bottom:4px;border-bottom:2px solid #e4e7eb}h3{font-size:1.05rem;margin:24px 0 8px}\n"
    "p,li,td,th,h1,h2,h3,figcaption{overflow-wrap:anywhere}\n"
    ".muted{color:#616e7c}.meta{color:#616e7c;margin:0 0 8px}code{font-size:.85em;color:#3e4c59}\n"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px;margin:12px 0 8px}\n"
    ".tile{border:1px solid #e4e7eb;border-radius:8px;padding:10px 14px;background:#f9fafb}"
    ".tile b{display:block;font-size:1.6rem;line-height:1.25}.tile b.dates{font-size:1.05rem;line-height:1.5}"
    ".tile.warn{border-color:#e6550d}\n"
    ".rows .row{display:grid;grid-template-columns:minmax(0,13em) minmax(0,1fr) minmax(0,10em);gap:10px;"
    "align-items:center;margin:4px 0}\n"
    ".track{display:block;height:20px;background:#f2f4f7;border-radius:3px}"
    ".bar{display:block;height:20px;border-radius:3px;min-width:2px}\n"
    ".val{font-variant-numeric:tabular-nums}.was{color:#616e7c;font-size:.9em}\n"
    ".gap{display:flex;width:100%;max-width:260px;height:22px;font-size:12px;line-height:22px;text-align:center}"
    ".gap span{flex:1 1 0;min-width:2.2em;overflow:hidden}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center;margin:6px 0 12px;color:#3e4c59;font-size:.9em}"
    ".legend i{display:inline-block;width:14px;height:14px;margin-right:5px;vertical-align:-2px;border-radius:2px}\n"
    "table{border-collapse:collapse;width:100%;table-layout:fixed;margin:6px 0 10px;font-size:.9rem}\n"
    "th,td{border-bottom:1px solid #e4e7eb;padding:6px 8px;text-align:left;vertical-align:top}"
    "th{background:#f5f7fa;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".needs{margin:0;padding-left:1.1em}.up{color:#1c5a9c;font-weight:600}.down{color:#a63603;font-weight:600}\n"
    ".caption{margin:4px 0 8px}footer{margin-top:40px;color:#616e7c;font-size:.85em}\n"
    "@media (max-width:640px){body{font-size:14px}main{padding:12px 14px 28px}"
    ".rows .row{grid-template-columns:minmax(0,7.5em) minmax(0,1fr) minmax(0,6.5em);gap:6px}"
    ".tiles{grid-template-columns:repeat(2,minmax(0,1fr))}.tile b{font-size:1.3rem}\n"
    "table.cards thead{display:none}table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}"
    "table.cards tr{border:1px solid #e4e7eb;border-radius:8px;margin:0 0 10px;padding:4px 0}"
    "table.cards td{display:grid;grid-template-columns:minmax(0,7.5em) minmax(0,1fr);gap:8px;border:0;padding:3px 10px;"
    "text-align:left}table.cards td.n{text-align:left}"
    "table.cards td::before{content:attr(data-label);font-weight:600;color:#616e7c}"
    "table.cards td:first-child{display:block;font-weight:600;padding-top:6px}table.cards td:first-child::before{display:none}"
    "table.cards td:has(> div:empty){display:none}}\n";

/* The document's head and the page's heading: the ruleset, its file and
 * rules hash. */
static void html_head(const struct report *r, tier_buf *b) {
  const char *name = tier_ruleset_name(r->rs), *ver = tier_ruleset_version(r->rs);
  char hash[65];
  tier_ruleset_hash(r->rs, hash);
  hash[16] = 0;
  if (!*name) name = _("Partner tiers");
  tier_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"");
  page_lang(b);
  tier_buf_puts(b,
                "\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
  if (*ver) say_text(b, _("%s %s \xE2\x80\x94 tier report"), name, ver);
  else say_text(b, _("%s \xE2\x80\x94 tier report"), name);
  tier_buf_puts(b, "</title>\n<style>\n");
  tier_buf_puts(b, CSS);
  tier_buf_puts(b, "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>");
  esc(b, name);
  if (*ver) {
    tier_buf_puts(b, " <span class=\"muted\">");
    esc(b, ver);
    tier_buf_puts(b, "</span>");
  }
  tier_buf_puts(b, "</h1>\n<p class=\"meta\">");
  say_text(b, _("Tier report of %s (rules hash %s)"), r->rules_path, hash);
  tier_buf_puts(b, "</p>\n</header>\n");
}

/* A section of the page, id its anchor, and its heading (a message). */
static void section_begin(tier_buf *b, const char *id, const char *heading) {
  tier_buf_printf(b, "<section id=\"%s\">\n<h2>", id);
  esc(b, heading);
  tier_buf_puts(b, "</h2>\n");
}

/* A paragraph holding one message. */
static void para(tier_buf *b, const char *text) {
  tier_buf_puts(b, "<p>");
  esc(b, text);
  tier_buf_puts(b, "</p>\n");
}

/* A caption paragraph holding one message. */
static void caption(tier_buf *b, const char *text) {
  tier_buf_puts(b, "<p class=\"caption\">");
  esc(b, text);
  tier_buf_puts(b, "</p>\n");
}

/* A summary tile: a big figure and what it counts (a message). */
static void tile_begin(tier_buf *b, const char *cls) { tier_buf_printf(b, "<div class=\"tile%s%s\"><b>", *cls ? " " : "", cls); }
static void tile_end(tier_buf *b, const char *what) {
  tier_buf_puts(b, "</b>");
  esc(b, what);
  tier_buf_puts(b, "</div>\n");
}

/* The figures of partner type `type` in the diff, NULL if none of its
 * partners was compared. */
static const struct diff_type *diff_type_of(const struct diff *d, const char *type) {
  for (int i = 0; d && i < d->ntypes; i++)
    if (!strcmp(d->types[i].name, type)) return &d->types[i];
  return NULL;
}

/* Partners at old-ladder position o (-1: no tier) under the old rules. */
static long old_count(const struct diff_type *t, int o) {
  long n = 0;
  for (int c = -1; c < t->lad.nnew; c++) n += DIFF_CELL(t, o, c);
  return n;
}

/* The row of one tier (or of no tier) in a type's chart: its name, a bar
 * as long as its share of the largest count, the count and its share of
 * the type's partners, and with a diff what the old rules gave.  The row
 * of no tier is of class "none", whatever its label says. */
struct bar {
  const char *label;
  long n;
  int pos, of;
  const char *was, *colour;
  long granted;
};
static void bar_row(tier_buf *b, const struct bar *x, long max, long total) {
  tier_buf_printf(b, "<div class=\"row%s\"><span class=\"lbl\">", x->pos < 0 && !x->colour ? " none" : "");
  esc(b, x->label);
  tier_buf_printf(b, "</span><span class=\"track\"><span class=\"bar\" style=\"width:%.1f%%;background:",
                  max > 0 ? 100.0 * (double)x->n / (double)max : 0.0);
  if (x->colour) tier_buf_puts(b, x->colour);
  else if (x->pos < 0) tier_buf_puts(b, NO_TIER_COLOUR);
  else tier_colour(b, x->pos, x->of);
  tier_buf_puts(b, "\"></span></span><span class=\"val\">");
  count(b, x->n);
  tier_buf_puts(b, " <span class=\"muted\">");
  percent(b, x->n, total);
  tier_buf_puts(b, "</span>");
  if (x->was) {
    tier_buf_puts(b, "<br><span class=\"was\">");
    esc(b, x->was);
    tier_buf_puts(b, "</span>");
  }
  if (x->granted) {
    tier_buf_puts(b, "<br><span class=\"was\">");
    say_text(b, _("%s by a grant"), COUNT(x->granted));
    tier_buf_puts(b, "</span>");
  }
  tier_buf_puts(b, "</span></div>\n");
}

/* "was 8" (or "new tier") under a new ladder's tier j, -1 for no tier. */
static void was_text(char *out, size_t n, const struct diff_type *dt, int j) {
  int o = j < 0 ? -1 : dt->lad.new_to_old[j];
  if (j >= 0 && o < 0) snprintf(out, n, "%s", _("new tier"));
  else snprintf(out, n, _("was %s"), COUNT(old_count(dt, o)));
}

/* The n bars x of a chart as its accessible name says them, after its
 * title: "; " between them, each its label, count, what the old rules
 * gave and how many a grant gives. */
static void bars_label(tier_buf *b, const struct bar *x, size_t n) {
  for (size_t i = 0; i < n; i++) {
    tier_buf_printf(b, "%s ", i ? ";" : "");
    esc(b, x[i].label);
    tier_buf_printf(b, " %ld", x[i].n);
    if (x[i].was) {
      tier_buf_puts(b, " (");
      esc(b, x[i].was);
      tier_buf_puts(b, ")");
    }
    if (x[i].granted) {
      tier_buf_puts(b, " (");
      say_text(b, _("%s by a grant"), COUNT(x[i].granted));
      tier_buf_puts(b, ")");
    }
  }
}

/* Partner type p's chart: a bar per tier, bottom of the ladder first. */
static void type_chart(const struct report *r, tier_buf *b, size_t p) {
  const tier_ruleset *rs = r->rs;
  const char *type = tier_ruleset_type(rs, p);
  const struct diff_type *dt = diff_type_of(r->diff, type);
  size_t ntiers = tier_ruleset_ntiers(rs);
  struct bar *x = malloc(sizeof *x * (ntiers + 1));
  char(*was)[64] = malloc(sizeof *was * (ntiers + 1));
  if (!x || !was) {
    para(b, _("(out of memory)"));
    free(x);
    free(was);
    return;
  }
  int n = 0;
  long total = r->none[p], max = r->none[p];
  x[n++] = (struct bar){_("no tier"), r->none[p], -1, 0, NULL, NULL, 0};
  tier_info T;
  for (size_t t = 0; tier_ruleset_tier(rs, t, &T) == TIER_OK; t++)
    if (T.type_index == (int)p) {
      x[n++] = (struct bar){shown(&T), r->held[t], T.position, 0, NULL, NULL, r->granted[t]};
      total += r->held[t];
      if (r->held[t] > max) max = r->held[t];
    }
  for (int i = 0; i < n; i++) {
    x[i].of = n - 1;
    if (dt && dt->lad.nnew == n - 1) {
      was_text(was[i], sizeof was[i], dt, x[i].pos);
      x[i].was = was[i];
    }
  }
  tier_buf_puts(b, "<h3>");
  esc(b, type);
  tier_buf_puts(b, " <span class=\"muted\">");
  say_text(b, NG_("%s partner", "%s partners", (unsigned long)total), COUNT(total));
  tier_buf_puts(b, "</span></h3>\n<div class=\"chart rows bars\" role=\"img\" aria-label=\"");
  say_text(b, _("%s, partners per tier:"), type);
  bars_label(b, x, n);
  tier_buf_puts(b, "\">\n");
  for (int i = 0; i < n; i++) bar_row(b, &x[i], max, total);
  tier_buf_puts(b, "</div>\n");
  if (dt)
    for (int o = 0; o < dt->lad.nold; o++)
      if (dt->lad.old_to_new[o] < 0) {
        tier_buf_puts(b, "<p class=\"caption muted\">");
        say_text(b, _("%s, which the new rules removed, held %s under the old rules."), dt->old_shown[o],
                 COUNT(old_count(dt, o)));
        tier_buf_puts(b, "</p>\n");
      }
  free(x);
  free(was);
}

/* The diff's figures of badge i of the new rules, NULL without a diff. */
static const struct diff_badge *diff_badge_of(const struct diff *d, int i) {
  for (int k = 0; d && k < d->nbadges; k++)
    if (d->badges[k].new_index == i) return &d->badges[k];
  return NULL;
}

/* The badges: partners holding each, a bar each in the order written,
 * and with a diff what the old rules' badge of the same name gave, how
 * many gained and lost it; a caption for each badge the new rules removed. */
static void badge_chart(const struct report *r, tier_buf *b) {
  size_t nb = tier_ruleset_nbadges(r->rs);
  struct bar *x = malloc(sizeof *x * (nb + 1));
  char(*was)[160] = malloc(sizeof *was * (nb + 1)); /* "was N: N gained, N lost", three counts */
  if (!x || !was) {
    para(b, _("(out of memory)"));
    free(x);
    free(was);
    return;
  }
  long max = 0;
  tier_info B;
  for (size_t i = 0; tier_ruleset_badge(r->rs, i, &B) == TIER_OK; i++) {
    x[i] = (struct bar){B.display ? B.display : B.name, r->badge_held[i], (int)i, 0, NULL, BADGE_COLOUR, 0};
    const struct diff_badge *db = diff_badge_of(r->diff, (int)i);
    if (db) {
      if (db->old_index < 0) snprintf(was[i], sizeof was[i], "%s", _("new badge"));
      else
        snprintf(was[i], sizeof was[i], _("was %s: %s gained, %s lost"), COUNT(db->held_old), COUNT(db->gained), COUNT(db->lost));
      x[i].was = was[i];
    }
    if (x[i].n > max) max = x[i].n;
  }
  tier_buf_puts(b, "<h3>");
  esc(b, _("Badges"));
  tier_buf_puts(b, " <span class=\"muted\">");
  say_text(b, _("partners holding each, of %s"), COUNT(r->partners));
  tier_buf_puts(b, "</span></h3>\n<div class=\"chart rows badges\" role=\"img\" aria-label=\"");
  esc(b, _("Badges, partners holding each:"));
  bars_label(b, x, nb); /* a badge is never granted */
  tier_buf_puts(b, "\">\n");
  for (size_t i = 0; i < nb; i++) bar_row(b, &x[i], max, r->partners);
  tier_buf_puts(b, "</div>\n");
  for (int k = 0; r->diff && k < r->diff->nbadges; k++)
    if (r->diff->badges[k].new_index < 0) {
      tier_buf_puts(b, "<p class=\"caption muted\">");
      say_text(b, _("Badge %s, which the new rules removed, was held by %s under the old rules."), r->diff->badges[k].shown,
               COUNT(r->diff->badges[k].held_old));
      tier_buf_puts(b, "</p>\n");
    }
  free(x);
  free(was);
}

/* With a diff, the summary's tiles of the change: the number of rule
 * changes (tierc diff's), then who moves: up, down and who keeps the
 * tier; for a ruleset of badges only, which has no tiers, the badges
 * gained and lost.  Then the partners with other badges, path or grant. */
static void diff_tiles(const struct report *r, tier_buf *b, int changes) {
  const struct diff *d = r->diff;
  long up = 0, down = 0, stay = 0, changed = 0, gained = 0, lost = 0;
  for (int i = 0; i < d->ntypes; i++) {
    up += d->types[i].up;
    down += d->types[i].down;
    stay += d->types[i].stay;
    changed += d->types[i].changed;
  }
  for (int k = 0; k < d->nbadges; k++) {
    gained += d->badges[k].gained;
    lost += d->badges[k].lost;
  }
  bool tiers = tier_ruleset_ntypes(r->rs) > 0;
  tile_begin(b, "");
  tier_buf_printf(b, "%d", changes);
  tile_end(b, NG_("change in the rules", "changes in the rules", (unsigned long)(changes < 0 ? 0 : changes)));
  tile_begin(b, "");
  tier_buf_puts(b, "&#9650; ");
  count(b, tiers ? up : gained);
  tile_end(b, tiers ? _("move up") : NG_("badge gained", "badges gained", (unsigned long)gained));
  tile_begin(b, "");
  tier_buf_puts(b, "&#9660; ");
  count(b, tiers ? down : lost);
  tile_end(b, tiers ? _("move down") : NG_("badge lost", "badges lost", (unsigned long)lost));
  if (tiers) {
    tile_begin(b, "");
    count(b, stay);
    tile_end(b, _("keep their tier"));
  }
  if (changed) {
    tile_begin(b, "");
    count(b, changed);
    tile_end(b,
             tiers ? _("of them with other badges, path or grant")
                   : NG_("partner with other badges or paths", "partners with other badges or paths", (unsigned long)changed));
  }
}

/* The summary's tiles: partners, records rejected, review dates, and
 * with a diff its own (diff_tiles). */
static void summary_tiles(const struct report *r, tier_buf *b, int changes) {
  tier_buf_puts(b, "<div class=\"tiles\">\n");
  tile_begin(b, "");
  count(b, r->partners);
  tile_end(b, NG_("partner evaluated", "partners evaluated", (unsigned long)r->partners));
  if (r->errors) {
    tile_begin(b, "warn");
    count(b, r->errors);
    tile_end(b, NG_("record rejected (not counted)", "records rejected (not counted)", (unsigned long)r->errors));
  }
  if (r->partners) { /* one date, or the first and the last */
    bool one = r->last_asof == r->first_asof;
    tier_buf_printf(b, "<div class=\"tile\"><b class=\"dates\">");
    date(b, r->first_asof);
    if (!one) {
      /* TRANSLATORS: between the first and the last review date, "2019-12-13 to 2020-05-31" */
      tier_buf_putc(b, ' ');
      esc(b, _("to"));
      tier_buf_puts(b, "<br>");
      date(b, r->last_asof);
    }
    tile_end(b, NG_("review date", "review dates", one ? 1 : 2));
  }
  if (r->diff) diff_tiles(r, b, changes);
  tier_buf_puts(b, "</div>\n");
}

/* The summary: the figures a reader needs first, then each partner
 * type's partners per tier, then the partners holding each badge (a
 * ruleset of badges only has these alone).  changes: tierc diff's count,
 * with a diff. */
static void html_summary(const struct report *r, tier_buf *b, int changes) {
  section_begin(b, "summary", _("Summary"));
  summary_tiles(r, b, changes);
  tier_buf_puts(b, "<p class=\"caption\">");
  if (tier_ruleset_ntypes(r->rs))
    esc(b, _("Partners per tier, by partner type: each partner counts once, in the highest tier it holds."));
  else esc(b, _("This ruleset has badges and no partner types or tiers: each partner counts in every badge it holds."));
  if (r->diff) {
    tier_buf_putc(b, ' ');
    esc(b, _("Under each count, what the old rules gave the same partners."));
  }
  tier_buf_puts(b, "</p>\n");
  for (size_t p = 0; p < tier_ruleset_ntypes(r->rs); p++) {
    long n = r->none[p];
    tier_info T;
    for (size_t t = 0; tier_ruleset_tier(r->rs, t, &T) == TIER_OK; t++)
      if (T.type_index == (int)p) n += r->held[t];
    if (n) type_chart(r, b, p);
  }
  if (tier_ruleset_nbadges(r->rs)) badge_chart(r, b);
  tier_buf_puts(b, "</section>\n");
}

/* How far the partners that requirement q blocks are: a bar of
 * REPORT_BUCKETS boxes, each as wide as its share (at least wide enough
 * for its count) and holding its count. */
static void gap_bar(tier_buf *b, const long *g) {
  long tot = 0;
  for (int k = 0; k < REPORT_BUCKETS; k++) tot += g[k];
  if (tot == 0) {
    tier_buf_puts(b, "<span class=\"muted\" title=\"");
    esc(b, _("not a count or amount with a threshold"));
    tier_buf_puts(b, "\">&mdash;</span>");
    return;
  }
  tier_buf_puts(b, "<div class=\"chart gap\" role=\"img\" aria-label=\"");
  esc(b, _("How far:"));
  for (int k = 0, first = 1; k < REPORT_BUCKETS; k++)
    if (g[k]) {
      tier_buf_puts(b, first ? " " : ", ");
      say_text(b, _("%ld at %s of the threshold"), g[k], _(GAP_NAME[k]));
      first = 0;
    }
  tier_buf_puts(b, "\">");
  for (int k = 0; k < REPORT_BUCKETS; k++)
    if (g[k])
      tier_buf_printf(b, "<span style=\"flex-grow:%ld;background:%s;color:%s\">%ld</span>", g[k], GAP_COLOUR[k], GAP_INK[k],
                      g[k]);
  tier_buf_puts(b, "</div>");
}

/* The first cell of a row at depth `depth` of a tier's item tree, opened:
 * inside a group, indented one step a level. */
static void first_cell(tier_buf *b, const struct col *c, int depth) {
  td(b, c, 0);
  if (depth) tier_buf_printf(b, "<div class=\"sub\" style=\"padding-left:%.1fem\">&#8627;&nbsp;", 1.2 * (depth - 1));
}
static void first_cell_end(tier_buf *b, int depth, size_t n) {
  if (depth) tier_buf_puts(b, "</div>");
  td_end(b, 0, n);
}

/* The count column of a blockers row: n of the `of` partners. */
static void blocked_cell(tier_buf *b, long n, long of) {
  td(b, BLOCKERS, 1);
  count(b, n);
  tier_buf_puts(b, " <span class=\"muted\">");
  percent(b, n, of);
  tier_buf_puts(b, "</span>");
  td_end(b, 1, NCOLS(BLOCKERS));
}

/* One row of a blockers table: requirement q, how many it blocks of the
 * `of` partners whose next tier it is, how far they are. */
static void blocker_row(const struct report *r, tier_buf *b, size_t q, int depth, long of) {
  const struct col *c = BLOCKERS;
  size_t n = NCOLS(BLOCKERS);
  tier_req_info Q;
  if (tier_ruleset_req(r->rs, q, &Q) != TIER_OK) return;
  first_cell(b, c, depth);
  if (Q.label) {
    esc(b, Q.label);
    tier_buf_puts(b, "<br>");
  }
  tier_buf_puts(b, "<code>");
  esc(b, Q.rule);
  tier_buf_puts(b, "</code>");
  if (Q.section) {
    tier_buf_puts(b, " <span class=\"muted\">(");
    esc(b, Q.section);
    tier_buf_puts(b, ")</span>");
  }
  first_cell_end(b, depth, n);
  blocked_cell(b, r->blocked[q], of);
  td(b, c, 2);
  gap_bar(b, r->gap[q]);
  td_end(b, 2, n);
}

/* A branch's name (esc_branch's: "“nights”", "branch 2") in the text
 * fmt (translated), escaped for HTML. */
static void path_name(tier_buf *b, const char *fmt, const tier_item_info *I) {
  tier_buf *t = tier_buf_new(NULL);
  if (t) esc_branch_put(t, I->name, I->place, false);
  const char *name = t ? tier_buf_text(t, NULL) : NULL;
  say_text(b, fmt, name ? name : "?");
  tier_buf_free(t);
}

/* A group as people read it: "One of 3 paths", "Path “nights”", "Path branch 2",
 * "At least 2 of these 3". */
static void group_name(tier_buf *b, const tier_item_info *I) {
  if (I->kind == TIER_ITEM_EITHER) say_text(b, NG_("One of these %zu path", "One of these %zu paths", I->count), I->count);
  else if (I->kind == TIER_ITEM_AT_LEAST) say_text(b, _("At least %u of these %zu"), I->needed, I->count);
  else path_name(b, _("Path %s"), I);
}

/* The row of group item i (an either, one of its paths, an at least):
 * the partners for whom it, or an item in it, blocks the next tier. */
static void group_row(const struct report *r, tier_buf *b, size_t i, const tier_item_info *I, int depth, long of) {
  size_t n = NCOLS(BLOCKERS);
  first_cell(b, BLOCKERS, depth);
  tier_buf_puts(b, "<b>");
  group_name(b, I);
  tier_buf_puts(b, "</b>");
  first_cell_end(b, depth, n);
  blocked_cell(b, r->blocked_item[i], of);
  td(b, BLOCKERS, 2); /* empty: how far is said for its requirements (and a card leaves it out) */
  td_end(b, 2, n);
}

/* Item i of a tier at depth `depth` and, for a group, the items in it in
 * the order written, one level deeper. */
static void item_rows(const struct report *r, tier_buf *b, size_t i, int depth, long of) {
  tier_item_info I;
  if (tier_ruleset_item(r->rs, i, &I) != TIER_OK) return;
  if (I.kind == TIER_ITEM_REQ) {
    blocker_row(r, b, I.first, depth, of);
    return;
  }
  group_row(r, b, i, &I, depth, of);
  for (size_t k = 0; k < I.count; k++) item_rows(r, b, I.first + k, depth + 1, of);
}

/* The row of a tier's or badge's time clause (info T): it blocks
 * `blocked` of `of` partners. */
static void time_row(tier_buf *b, const tier_info *T, long blocked, long of) {
  const struct col *c = BLOCKERS;
  size_t n = NCOLS(BLOCKERS);
  td(b, c, 0);
  if (T->time == TIER_TIME_SUSTAINED)
    say_text(b, NG_("Met for %u month in a row", "Met for %u months in a row", T->window), T->window);
  else esc(b, _("Met at one checkpoint of the window"));
  tier_buf_puts(b, "<br><code>");
  esc(b, T->time_text);
  tier_buf_puts(b, "</code>");
  td_end(b, 0, n);
  blocked_cell(b, blocked, of);
  td(b, c, 2);
  tier_buf_puts(b, "<span class=\"muted\">&mdash;</span>");
  td_end(b, 2, n);
}

/* The rows of a tier's or badge's items (info T) for the `of` partners
 * it is missing for (its time clause blocks `sus` of them): the ones that
 * block most partners first (a stable insertion sort, so that ties keep
 * the order written), each group followed by the items in it. */
static void blocker_rows(const struct report *r, tier_buf *b, const tier_info *T, long sus, long of) {
  table_begin(b, BLOCKERS, NCOLS(BLOCKERS));
  size_t *order = r->order;
  for (size_t i = 0; i < T->nitems; i++) {
    size_t k = i;
    for (; k > 0 && r->blocked_item[T->first_item + i] > r->blocked_item[order[k - 1]]; k--) order[k] = order[k - 1];
    order[k] = T->first_item + i;
  }
  for (size_t i = 0; i < T->nitems; i++) item_rows(r, b, order[i], 0, of);
  if (T->time) time_row(b, T, sus, of);
  table_end(b);
}

/* For tier t (info T), the next tier of r->as_next[t] partners: what
 * blocks them. */
static void blockers_of(const struct report *r, tier_buf *b, size_t t, const tier_info *T) {
  tier_buf_puts(b, "<h3>");
  esc(b, tier_ruleset_type(r->rs, (size_t)T->type_index));
  tier_buf_puts(b, " &rarr; ");
  esc(b, shown(T));
  tier_buf_puts(b, " <span class=\"muted\">");
  say_text(b, NG_("next tier of %s partner", "next tier of %s partners", (unsigned long)r->as_next[t]), COUNT(r->as_next[t]));
  tier_buf_puts(b, "</span></h3>\n");
  blocker_rows(r, b, T, r->sus_blocked[t], r->as_next[t]);
}

/* The gap scale's legend. */
static void gap_legend(tier_buf *b) {
  tier_buf_puts(b, "<div class=\"legend\"><span>");
  esc(b, _("Share of the threshold reached:"));
  tier_buf_puts(b, "</span>");
  for (int k = 0; k < REPORT_BUCKETS; k++) {
    tier_buf_printf(b, "<span><i style=\"background:%s\"></i>", GAP_COLOUR[k]);
    esc(b, _(GAP_NAME[k]));
    tier_buf_puts(b, "</span>");
  }
  tier_buf_puts(b, "</div>\n");
}

/* Per next tier, a table of what blocks the partners whose next tier it is. */
static void html_blockers(const struct report *r, tier_buf *b) {
  section_begin(b, "blockers", _("What blocks the next tier"));
  caption(b,
          _("For the partners whose next tier it is: how many miss each requirement and, where the requirement asks "
            "for at least a number (a count, an amount), how far they are, as the share of the threshold they reach "
            "(\xE2\x80\x94 for other requirements)."));
  gap_legend(b);
  tier_info T;
  bool any = false;
  for (size_t t = 0; tier_ruleset_tier(r->rs, t, &T) == TIER_OK; t++)
    if (r->as_next[t]) {
      blockers_of(r, b, t, &T);
      any = true;
    }
  if (!any) para(b, _("Every partner holds the top tier of its ladder."));
  tier_buf_puts(b, "</section>\n");
}

/* Per badge some partners do not hold, what keeps them from it, as the
 * next tier's table says it: a badge's requirements compare metrics and
 * formula calls too (the Microsoft example's designations), and their
 * values are as far from the threshold for a badge as for a tier. */
static void html_badge_blockers(const struct report *r, tier_buf *b) {
  tier_info B;
  bool any = false;
  for (size_t k = 0; tier_ruleset_badge(r->rs, k, &B) == TIER_OK; k++) any |= r->badge_lacking[k] > 0;
  if (!any) return;
  section_begin(b, "badge-blockers", _("What keeps partners from each badge"));
  caption(b,
          _("For the partners that do not hold it: how many miss each requirement and, where the requirement "
            "asks for at least a number (a count, an amount), how far they are, as the share of the threshold "
            "they reach (\xE2\x80\x94 for other requirements)."));
  gap_legend(b);
  for (size_t k = 0; tier_ruleset_badge(r->rs, k, &B) == TIER_OK; k++) {
    if (!r->badge_lacking[k]) continue;
    tier_buf_puts(b, "<h3>");
    esc(b, shown(&B));
    tier_buf_puts(b, " <span class=\"muted\">");
    say_text(b, NG_("not held by %s partner", "not held by %s partners", (unsigned long)r->badge_lacking[k]),
             COUNT(r->badge_lacking[k]));
    tier_buf_puts(b, "</span></h3>\n");
    blocker_rows(r, b, &B, r->badge_sus[k], r->badge_lacking[k]);
  }
  tier_buf_puts(b, "</section>\n");
}

/* The partners with the fewest unmet requirements, and their smallest change. */
static void html_closest(const struct report *r, tier_buf *b) {
  if (!r->nclose) return;
  section_begin(b, "closest", _("Closest to moving up"));
  tier_buf_puts(b, "<p class=\"caption\">");
  if (r->nclose < r->with_next)
    say_text(b,
             _("Top %d of %s partners below the top of their ladder: the ones that miss the fewest requirements of "
               "their next tier (ties in input order)."),
             r->nclose, COUNT(r->with_next));
  else
    say_text(b,
             NG_("All %s partner below the top of their ladder, fewest missing requirements first.",
                 "All %s partners below the top of their ladder, fewest missing requirements first.",
                 (unsigned long)r->with_next),
             COUNT(r->with_next));
  tier_buf_puts(b, "</p>\n");
  table_begin(b, CLOSEST, NCOLS(CLOSEST));
  for (int i = 0; i < r->nclose; i++) tier_buf_puts(b, r->close[i].html);
  table_end(b);
  tier_buf_puts(b, "</section>\n");
}

/* ---- the paths ---------------------------------------------------------------------------- */

/* Whether items first .. first + n - 1, or an item in them, is a path of
 * an either. */
static bool has_paths(const tier_ruleset *rs, size_t first, size_t n) {
  tier_item_info I;
  for (size_t i = first; i < first + n; i++)
    if (tier_ruleset_item(rs, i, &I) == TIER_OK && I.kind != TIER_ITEM_REQ &&
        (I.kind == TIER_ITEM_BRANCH || has_paths(rs, I.first, I.count)))
      return true;
  return false;
}

/* What path item I asks, "; " between its items: the rules, and groups
 * by their name. */
static void path_asks(const tier_ruleset *rs, tier_buf *b, const tier_item_info *I) {
  tier_item_info K;
  tier_req_info Q;
  for (size_t k = 0; k < I->count; k++) {
    if (k) tier_buf_puts(b, "; ");
    if (tier_ruleset_item(rs, I->first + k, &K) != TIER_OK) continue;
    if (K.kind == TIER_ITEM_REQ && tier_ruleset_req(rs, K.first, &Q) == TIER_OK) {
      tier_buf_puts(b, "<code>");
      esc(b, Q.rule);
      tier_buf_puts(b, "</code>");
    } else {
      group_name(b, &K);
    }
  }
}

/* The paths in item i and the items in it: a row per path, a path inside
 * a path one level deeper; `of` partners hold the tier or badge. */
static void path_rows(const struct report *r, tier_buf *b, size_t i, int depth, long of) {
  tier_item_info I;
  if (tier_ruleset_item(r->rs, i, &I) != TIER_OK || I.kind == TIER_ITEM_REQ) return;
  if (I.kind == TIER_ITEM_BRANCH) {
    const struct col *c = PATHS;
    size_t n = NCOLS(PATHS);
    first_cell(b, c, depth);
    path_name(b, "%s", &I);
    first_cell_end(b, depth, n);
    td(b, c, 1);
    path_asks(r->rs, b, &I);
    td_end(b, 1, n);
    td(b, c, 2);
    count(b, r->path_met[i]);
    tier_buf_puts(b, " <span class=\"muted\">");
    percent(b, r->path_met[i], of);
    tier_buf_puts(b, "</span>");
    td_end(b, 2, n);
    td(b, c, 3);
    count(b, r->path_only[i]);
    td_end(b, 3, n);
    depth++;
  }
  for (size_t k = 0; k < I.count; k++) path_rows(r, b, I.first + k, depth, of);
}

/* One tier's or badge's paths (info T, held by `of` partners) as a table
 * with its heading. */
static void paths_of(const struct report *r, tier_buf *b, const tier_info *T, long of) {
  tier_buf_puts(b, "<h3>");
  if (T->type_index >= 0) {
    esc(b, tier_ruleset_type(r->rs, (size_t)T->type_index));
    tier_buf_puts(b, " &rarr; ");
    esc(b, shown(T));
  } else {
    say_text(b, _("Badge %s"), shown(T));
  }
  tier_buf_puts(b, " <span class=\"muted\">");
  say_text(b, NG_("%s partner holds it", "%s partners hold it", (unsigned long)of), COUNT(of));
  tier_buf_puts(b, "</span></h3>\n");
  table_begin(b, PATHS, NCOLS(PATHS));
  for (size_t i = 0; i < T->nitems; i++) path_rows(r, b, T->first_item + i, 0, of);
  table_end(b);
}

/* For each tier and badge with alternative paths (`either`) that some
 * partner holds: how many of its holders meet each path, and how many
 * meet that path alone (they would lose the tier without it).  Nothing
 * when the rules have no either. */
static void html_paths(const struct report *r, tier_buf *b) {
  tier_info T;
  bool any = false, shown = false;
  for (int badges = 0; badges <= 1; badges++)
    for (size_t t = 0; (badges ? tier_ruleset_badge(r->rs, t, &T) : tier_ruleset_tier(r->rs, t, &T)) == TIER_OK; t++) {
      if (!has_paths(r->rs, T.first_item, T.nitems)) continue;
      if (!any) {
        section_begin(b, "paths", _("Which path partners take"));
        tier_buf_puts(b, "<p class=\"caption\">");
        say_html(b,
                 _("Where a tier or badge can be reached in more than one way (%s): of the partners holding it (a tier "
                   "as their highest), how many meet each path. A partner may meet several; \xE2\x80\x9Conly this "
                   "path\xE2\x80\x9D counts those who meet no other, and would lose the tier or badge without it."),
                 "<code>either</code>");
        tier_buf_puts(b, "</p>\n");
      }
      any = true;
      long of = badges ? r->badge_held[t] : r->held[t];
      if (!of) continue;
      paths_of(r, b, &T, of);
      shown = true;
    }
  if (!any) return;
  if (!shown) para(b, _("No partner holds a tier or badge that has alternative paths."));
  tier_buf_puts(b, "</section>\n");
}

/* ---- the rule change ---------------------------------------------------------------------- */

struct changes { tier_buf *rows; int n; };

/* One of tierc diff's changes as a table row.  `what` is worded to lead
 * into its values in tierc diff's text ("metric x:"): its colon goes. */
static void change_row(void *ud, const tier_rule_change *ch) {
  struct changes *x = ud;
  tier_buf *b = x->rows;
  const struct col *c = CHANGES;
  size_t n = NCOLS(CHANGES), len = strlen(ch->what);
  const char *value[] = {ch->from, ch->to};
  x->n++;
  td(b, c, 0);
  esc(b, *ch->where ? ch->where : _("whole ruleset"));
  td_end(b, 0, n);
  td(b, c, 1);
  esc_n(b, ch->what, len && ch->what[len - 1] == ':' ? len - 1 : len);
  td_end(b, 1, n);
  for (size_t k = 0; k < 2; k++) {
    td(b, c, 2 + k);
    if (value[k]) {
      tier_buf_puts(b, "<code>");
      esc(b, value[k]);
      tier_buf_puts(b, "</code>");
    }
    td_end(b, 2 + k, n);
  }
  td(b, c, 4);
  if (ch->affects) esc(b, ch->affects);
  td_end(b, 4, n);
}

/* A ruleset as the page names it, as HTML into t: its file, and its
 * version if any.  Returns t's text. */
static const char *ruleset_ref(tier_buf *t, const tier_ruleset *rs, const char *path) {
  const char *v = tier_ruleset_version(rs);
  esc(t, path);
  if (*v) {
    tier_buf_puts(t, " (");
    esc(t, v);
    tier_buf_puts(t, ")");
  }
  const char *text = tier_buf_text(t, NULL);
  return text ? text : "";
}

/* The rule change section: tierc diff of the two rulesets as a table, into
 * b.  Returns the number of changes, -1 when out of memory. */
static int html_rules(const struct diff *d, tier_buf *b) {
  struct changes x = {tier_buf_new(NULL), 0};
  int rc = x.rows ? tier_rules_changes(d->old, d->new_, 1, change_row, &x) : TIER_ENOMEM;
  const char *rows = rc == TIER_OK ? tier_buf_text(x.rows, NULL) : NULL;
  tier_buf *o = tier_buf_new(NULL), *n = tier_buf_new(NULL);
  section_begin(b, "rules", _("The rule change"));
  tier_buf_puts(b, "<p class=\"caption\">");
  if (o && n)
    say_html(b, _("What changed in meaning from %s to %s, as %s says it (comments and layout do not count)."),
             ruleset_ref(o, d->old, d->old_path), ruleset_ref(n, d->new_, d->new_path), "<code>tierc diff</code>");
  tier_buf_puts(b, "</p>\n");
  tier_buf_free(o);
  tier_buf_free(n);
  if (!rows) para(b, _("(out of memory comparing the rules)"));
  else if (x.n == 0) para(b, _("No change in meaning."));
  else {
    table_begin(b, CHANGES, NCOLS(CHANGES));
    tier_buf_puts(b, rows);
    table_end(b);
  }
  tier_buf_puts(b, "</section>\n");
  tier_buf_free(x.rows);
  return rows ? x.n : -1;
}

/* ---- the impact ------------------------------------------------------------------------ */

/* A tier's name at position pos of a ladder's names, "no tier" for -1. */
static const char *at(const char **names, int pos) { return pos >= 0 ? names[pos] : _("no tier"); }

/* One partner type's moves as a table: each pair (old tier, new tier)
 * that some partner makes, in the old ladder's order, and whether it is up,
 * down or the same place. */
static void flows(tier_buf *b, const struct diff_type *t) {
  tier_buf_puts(b, "<h3>");
  esc(b, t->name);
  tier_buf_puts(b, " <span class=\"muted\">");
  say_text(b, _("%s up, %s down, %s keep their tier"), COUNT(t->up), COUNT(t->down), COUNT(t->stay));
  tier_buf_puts(b, "</span></h3>\n<p class=\"caption muted\">");
  tier_buf *lt = tier_buf_new(NULL);
  if (lt) {
    ladder_text(&t->lad, lt);
    const char *l = tier_buf_text(lt, NULL);
    say_text(b, _("Ladder: %s."), l ? l : "");
    tier_buf_free(lt);
  }
  tier_buf_puts(b, "</p>\n");
  const struct col *cl = FLOWS;
  size_t n = NCOLS(FLOWS);
  table_begin(b, FLOWS, n);
  for (int o = -1; o < t->lad.nold; o++)
    for (int c = -1; c < t->lad.nnew; c++) {
      long v = DIFF_CELL(t, o, c);
      if (!v) continue;
      int dir = tier_ladder_direction(&t->lad, o, c);
      td(b, cl, 0);
      esc(b, at(t->old_shown, o));
      td_end(b, 0, n);
      td(b, cl, 1);
      esc(b, at(t->new_shown, c));
      td_end(b, 1, n);
      td(b, cl, 2);
      count(b, v);
      td_end(b, 2, n);
      td(b, cl, 3);
      direction(b, dir);
      td_end(b, 3, n);
    }
  table_end(b);
}

/* A table of the impact: its heading, a caption that says which of the
 * n rows counted it shows (the one, all, or the first REPORT_MOVES, in
 * input order: each a message, `first` with a %s for tiervm diff), and the
 * rows. */
struct rows {
  const char *title, *one, *all_one, *all_many, *first;
  const struct col *c;
  size_t nc;
};
static void rows_table(tier_buf *b, const struct rows *t, long n, tier_buf *rows) {
  tier_buf_puts(b, "<h3>");
  esc(b, _(t->title));
  tier_buf_puts(b, "</h3>\n<p class=\"caption\">");
  if (n == 1) esc(b, _(t->one));
  else if (n <= REPORT_MOVES) say_text(b, tier_ngettext(t->all_one, t->all_many, (unsigned long)n), COUNT(n));
  else say_html(b, _(t->first), REPORT_MOVES, COUNT(n), "<code>tiervm diff</code>");
  tier_buf_puts(b, "</p>\n");
  table_begin(b, t->c, t->nc);
  const char *text = tier_buf_text(rows, NULL);
  if (text) tier_buf_puts(b, text);
  else {
    tier_buf_puts(b, "<tr><td>");
    esc(b, _("(out of memory)"));
    tier_buf_puts(b, "</td></tr>\n");
  }
  table_end(b);
}

/* With --diff: the impact of the rule change, per partner type, the
 * partners that move and what else changes for partners. */
static void html_impact(const struct report *r, tier_buf *b) {
  const struct diff *d = r->diff;
  section_begin(b, "impact", _("Impact of the rule change"));
  tier_buf *o = tier_buf_new(NULL), *n = tier_buf_new(NULL);
  bool tiers = tier_ruleset_ntypes(r->rs) > 0;
  tier_buf_puts(b, "<p class=\"caption\">");
  if (o && n)
    say_html(b,
             tiers ? _("Each partner evaluated under the old rules (%s) and the new (%s). Tiers are matched by name, or "
                       "by their place in the ladder when renamed.")
                   : _("Each partner evaluated under the old rules (%s) and the new (%s). Badges are matched by name."),
             ruleset_ref(o, d->old, d->old_path), ruleset_ref(n, d->new_, d->new_path));
  tier_buf_free(o);
  tier_buf_free(n);
  if (d->errors) {
    tier_buf_putc(b, ' ');
    say_text(b,
             NG_("%s record the old rules reject is left out.", "%s records the old rules reject are left out.",
                 (unsigned long)d->errors),
             COUNT(d->errors));
  }
  tier_buf_puts(b, "</p>\n");
  for (int i = 0; i < d->ntypes; i++) /* partners of no type (a ruleset of badges) have no ladder */
    if (d->types[i].lad.nold || d->types[i].lad.nnew) flows(b, &d->types[i]);
  static const struct rows moves = {
      N_("Partners that move, and why"),
      N_("The partner that moves, in input order."),
      NGN_("All %s partner that moves, in input order.", "All %s partners that move, in input order."),
      N_("The first %d of %s partners that move, in input order (%s lists every one)."),
      MOVES,
      NCOLS(MOVES)};
  static const struct rows sides = {
      N_("Badges gained and lost, and tiers held by another path or grant"),
      N_("The one change of a badge, path or grant, in input order."),
      NGN_("All %s change of badges, paths and grants, in input order.",
           "All %s changes of badges, paths and grants, in input order."),
      N_("The first %d of %s changes of badges, paths and grants, in input order (%s lists every one)."),
      SIDES,
      NCOLS(SIDES)};
  static const struct rows badge_sides = {
      N_("Badges gained and lost, and badges held by another path"),
      N_("The one change of a badge or path, in input order."),
      NGN_("All %s change of badges and paths, in input order.", "All %s changes of badges and paths, in input order."),
      N_("The first %d of %s changes of badges and paths, in input order (%s lists every one)."),
      BADGE_SIDES,
      NCOLS(BADGE_SIDES)};
  if (r->moves) rows_table(b, &moves, r->moves, r->moves_html);
  if (r->sides) rows_table(b, tiers ? &sides : &badge_sides, r->sides, r->sides_html);
  tier_buf_puts(b, "</section>\n");
}

/* The page: the summary first (it needs the number of rule changes, so
 * that section is laid out before it and placed after), then what blocks
 * the next tiers and the badges, who is closest, which paths partners
 * take, and with a diff the rule change and its impact.  A ruleset of
 * badges alone has no tiers to block or be close to: the rest is said in
 * badges (the partners holding each; with a diff, who gains and loses
 * each). */
void report_html(const struct report *r, tier_buf *b) {
  tier_buf *rules = r->diff ? tier_buf_new(NULL) : NULL;
  int changes = rules ? html_rules(r->diff, rules) : 0;
  html_head(r, b);
  bool tiers = tier_ruleset_ntypes(r->rs) > 0;
  html_summary(r, b, changes);
  if (tiers) html_blockers(r, b);
  html_badge_blockers(r, b);
  if (tiers) html_closest(r, b);
  html_paths(r, b);
  if (r->diff) {
    const char *t = rules ? tier_buf_text(rules, NULL) : NULL;
    if (t) tier_buf_puts(b, t);
    else para(b, _("(out of memory)"));
    html_impact(r, b);
  }
  long records = r->partners + r->errors;
  tier_buf_puts(b, "<footer>");
  say_text(b,
           NG_("Made by tiervm %s from %s partner record.", "Made by tiervm %s from %s partner records.", (unsigned long)records),
           TIER_VERSION, COUNT(records));
  tier_buf_puts(b, "</footer>\n</main>\n</body>\n</html>\n");
  tier_buf_free(rules);
}
