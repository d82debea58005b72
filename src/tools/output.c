/*
 * output.c - writing results.  JSON is written by hand (one line per
 * record, no allocation per field); tables are aligned by display width, so
 * that Japanese text (two columns a character) lines up; CSV quotes as
 * RFC 4180 says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* Columns a terminal gives a UTF-8 string: East Asian wide and fullwidth
 * characters take two. */
size_t out_display_width(const char *s, size_t n) {
  size_t w = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    uint32_t cp;
    size_t len;
    if (c < 0x80) { cp = c; len = 1; }
    else if (c < 0xE0) { cp = c & 0x1F; len = 2; }
    else if (c < 0xF0) { cp = c & 0x0F; len = 3; }
    else { cp = c & 0x07; len = 4; }
    for (size_t k = 1; k < len && i + k < n; k++) cp = cp << 6 | ((unsigned char)s[i + k] & 0x3F);
    i += len;
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x20000 && cp <= 0x3FFFD);
    w += wide ? 2 : 1;
  }
  return w;
}

static void pad(tier_buf *b, const char *s, size_t width) {
  if (!s) s = "-";
  size_t n = strlen(s);
  tier_buf_put(b, s, n);
  for (size_t w = out_display_width(s, n); w < width; w++) tier_buf_putc(b, ' ');
  tier_buf_put(b, "  ", 2);
}

static void csv_field(tier_buf *b, const char *s, bool last) {
  if (!s) s = "";
  if (strpbrk(s, ",\"\r\n")) {
    tier_buf_putc(b, '"');
    for (const char *p = s; *p; p++) {
      if (*p == '"') tier_buf_putc(b, '"');
      tier_buf_putc(b, (uint8_t)*p);
    }
    tier_buf_putc(b, '"');
  } else {
    tier_buf_put(b, s, strlen(s));
  }
  tier_buf_put(b, last ? "\r\n" : ",", last ? 2 : 1);
}

#define ID_WIDTH 10

int out_init(struct out *o, int fmt, bool explain, const tier_ruleset *rs) {
  memset(o, 0, sizeof *o);
  o->scratch = tier_buf_new(NULL);
  o->fmt = fmt;
  o->explain = explain;
  o->rs = rs;
  o->type_w = o->tier_w = 4; /* "TYPE", "TIER" */
  for (size_t i = 0; i < tier_ruleset_ntypes(rs); i++) {
    const char *s = tier_ruleset_type(rs, i);
    size_t w = out_display_width(s, strlen(s));
    if (w > o->type_w) o->type_w = w;
  }
  tier_info t;
  for (size_t i = 0; tier_ruleset_tier(rs, i, &t) == TIER_OK; i++) {
    size_t w = out_display_width(t.name, strlen(t.name));
    if (w > o->tier_w) o->tier_w = w;
  }
  char h[65];
  tier_ruleset_hash(rs, h);
  memcpy(o->hash, h, 16);
  return o->scratch ? 0 : -1;
}

void out_free(struct out *o) { tier_buf_free(o->scratch); }

/* One requirement in a table cell: the smallest change. */
static void short_gap(tier_buf *b, const tier_req_result *u) {
  char d[11];
  if (u->sustained) {
    tier_date_format(u->checkpoint, d);
    tier_buf_printf(b, "sustained %d months (failed at %s)", u->sustained, d);
  } else if (u->need[0]) {
    tier_buf_printf(b, "%s", u->need);
  } else if (u->metric) {
    tier_buf_printf(b, "%s %s (needs %s %s)", u->metric, u->actual_shown, u->op, u->required_shown);
  } else {
    tier_buf_printf(b, "%s", u->rule);
  }
}

void out_header(const struct out *o, tier_buf *b) {
  if (o->fmt == FMT_TABLE) {
    const char *name = tier_ruleset_name(o->rs), *ver = tier_ruleset_version(o->rs);
    tier_buf_printf(b, "# %s%s%s (rules %s)\n", *name ? name : "ruleset", *ver ? " " : "", ver, o->hash);
    pad(b, "ID", ID_WIDTH);
    pad(b, "TYPE", o->type_w);
    pad(b, "AS OF", 10);
    pad(b, "TIER", o->tier_w);
    pad(b, "NEXT", o->tier_w);
    tier_buf_printf(b, "MISSING FOR NEXT\n");
  } else if (o->fmt == FMT_CSV) {
    tier_buf_printf(b, "record,id,type,asof,tier,next,unmet,rules_version,rules_hash,error\r\n");
  }
}

/* JSON has no infinity: a number that is not finite is written as null,
 * like a missing one, so that the field's JSON type never changes. */
static bool json_number(const char *s) {
  if (*s == '-') s++;
  return *s >= '0' && *s <= '9';
}

void out_json_value(tier_buf *b, const char *text, int type, bool missing) {
  bool numeric = type == TIER_TYPE_INT || type == TIER_TYPE_MONEY || type == TIER_TYPE_NUMBER;
  if (missing || (numeric && !json_number(text))) tier_buf_put(b, "null", 4);
  else if (numeric || type == TIER_TYPE_BOOL) tier_buf_put(b, text, strlen(text));
  else tier_buf_json(b, text);
}

static void json_req(tier_buf *b, const tier_req_result *u, bool with_met) {
  tier_buf_put(b, "{\"tier\":", 8);
  tier_buf_json(b, u->tier);
  if (u->section) { tier_buf_put(b, ",\"section\":", 11); tier_buf_json(b, u->section); }
  if (u->label) { tier_buf_put(b, ",\"label\":", 9); tier_buf_json(b, u->label); }
  if (u->sustained) {
    char d[11];
    tier_buf_printf(b, ",\"rule\":\"sustained %d months\",\"sustained\":%d", u->sustained, u->sustained);
    if (!u->met) {
      tier_date_format(u->checkpoint, d);
      tier_buf_printf(b, ",\"failed_at\":\"%s\"", d);
    }
  } else {
    tier_buf_put(b, ",\"rule\":", 8);
    tier_buf_json(b, u->rule);
  }
  if (with_met) {
    tier_buf_printf(b, ",\"met\":%s", u->met ? "true" : "false");
    if (u->file) {
      tier_buf_put(b, ",\"source\":", 10);
      char at[300];
      snprintf(at, sizeof at, "%s:%u", u->file, u->line);
      tier_buf_json(b, at);
    }
  }
  if (u->need[0]) {
    tier_buf_put(b, ",\"need\":", 8);
    tier_buf_json(b, u->need);
  }
  if (u->metric) {
    tier_buf_put(b, ",\"metric\":", 10);
    tier_buf_json(b, u->metric);
    tier_buf_put(b, ",\"actual\":", 10);
    out_json_value(b, u->actual, u->type, u->missing);
    tier_buf_put(b, ",\"required\":", 12);
    out_json_value(b, u->required, u->type, false);
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

static void json_result(const struct out *o, tier_buf *b, const tier_result *r, const char *asof) {
  tier_buf_put(b, "{\"id\":", 6);
  tier_buf_json(b, r->id);
  tier_buf_put(b, ",\"type\":", 8);
  tier_buf_json(b, r->type);
  tier_buf_printf(b, ",\"asof\":\"%s\",\"tier\":", asof);
  tier_buf_json(b, r->tier);
  tier_buf_put(b, ",\"next\":", 8);
  tier_buf_json(b, r->next);
  tier_buf_put(b, ",\"unmet\":", 9);
  json_reqs(b, r->unmet, r->nunmet, false);
  if (o->explain) {
    tier_buf_put(b, ",\"requirements\":", 16);
    json_reqs(b, r->reqs, r->nreqs, true);
  }
  tier_buf_put(b, ",\"rules\":", 9);
  tier_buf_json(b, r->rules_version);
  tier_buf_printf(b, ",\"rules_hash\":\"%.16s\"}\n", r->rules_hash);
}

/* The table's last column and the CSV's unmet cell: each unmet
 * requirement's smallest change, separated by "; ". */
static void gap_text(tier_buf *gap, const tier_result *r) {
  for (size_t i = 0; i < r->nunmet; i++) {
    if (i) tier_buf_put(gap, "; ", 2);
    short_gap(gap, &r->unmet[i]);
  }
}

static void csv_result(const struct out *o, tier_buf *b, const tier_result *r, const char *asof) {
  tier_buf *gap = o->scratch;
  tier_buf_clear(gap);
  gap_text(gap, r);
  csv_field(b, "", false); /* the record number column is for errors */
  csv_field(b, r->id, false);
  csv_field(b, r->type, false);
  csv_field(b, asof, false);
  csv_field(b, r->tier, false);
  csv_field(b, r->next, false);
  const char *g = tier_buf_text(gap, NULL);
  csv_field(b, g ? g : "", false);
  csv_field(b, r->rules_version, false);
  char h[17];
  snprintf(h, sizeof h, "%.16s", r->rules_hash);
  csv_field(b, h, false);
  csv_field(b, "", true);
}

/* A table row; with explain, one line per requirement under it. */
static void table_result(const struct out *o, tier_buf *b, const tier_result *r, const char *asof) {
  pad(b, r->id, ID_WIDTH);
  pad(b, r->type, o->type_w);
  pad(b, asof, 10);
  pad(b, r->tier, o->tier_w);
  pad(b, r->next, o->tier_w);
  if (r->next) gap_text(b, r);
  else tier_buf_puts(b, "(top tier)");
  tier_buf_putc(b, '\n');
  if (!o->explain) return;
  for (size_t i = 0; i < r->nreqs; i++) {
    const tier_req_result *u = &r->reqs[i];
    tier_buf_printf(b, "    %-4s %s: ", u->met ? "ok" : "FAIL", u->tier);
    short_gap(b, u);
    if (u->label) tier_buf_printf(b, "  -- %s", u->label);
    tier_buf_putc(b, '\n');
  }
}

void out_result(const struct out *o, tier_buf *b, const tier_result *r) {
  char asof[11];
  tier_date_format(r->asof, asof);
  if (o->fmt == FMT_JSON) json_result(o, b, r, asof);
  else if (o->fmt == FMT_CSV) csv_result(o, b, r, asof);
  else table_result(o, b, r, asof);
}

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
    csv_field(b, n, false);
    csv_field(b, id, false);
    for (int i = 0; i < 5; i++) csv_field(b, "", false);
    csv_field(b, tier_ruleset_version(o->rs), false);
    csv_field(b, o->hash, false);
    tier_buf *e = o->scratch;
    tier_buf_clear(e);
    tier_buf_printf(e, "%s%s%s", path && *path ? path : "", path && *path ? ": " : "", err);
    const char *t = tier_buf_text(e, NULL);
    csv_field(b, t ? t : err, true);
  } else {
    tier_buf_printf(b, "%-*s  error: record %ld%s%s%s: %s%s%s\n", ID_WIDTH, id ? id : "-", record, id ? " (" : "",
               id ? id : "", id ? ")" : "", path && *path ? path : "", path && *path ? ": " : "", err);
  }
}
