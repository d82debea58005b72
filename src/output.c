/*
 * output.c - writing results.  JSON is written by hand (one line per
 * record, no allocation per field); tables are aligned by display width, so
 * that Japanese text (two columns a character) lines up; CSV quotes as
 * RFC 4180 says.
 */
#include <stdio.h>
#include <string.h>

#include "output.h"

void out_json_str(struct buf *b, const char *s, size_t n) {
  buf_u8(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') { run++; continue; }
    if (c >= 0x80) { /* whatever the input bytes, the output is UTF-8: U+FFFD for a bad one */
      size_t len = utf8_seq(s + i, n - i);
      if (len) { run += len; i += len - 1; continue; }
    }
    buf_put(b, s + i - run, run);
    run = 0;
    switch (c) {
    case '"': buf_put(b, "\\\"", 2); break;
    case '\\': buf_put(b, "\\\\", 2); break;
    case '\n': buf_put(b, "\\n", 2); break;
    case '\t': buf_put(b, "\\t", 2); break;
    case '\r': buf_put(b, "\\r", 2); break;
    default:
      if (c >= 0x80) buf_put(b, "\\ufffd", 6);
      else buf_printf(b, "\\u%04x", c);
    }
  }
  buf_put(b, s + n - run, run);
  buf_u8(b, '"');
}
/* A C string as JSON, or null. */
void out_json_cstr(struct buf *b, const char *s) {
  if (s) out_json_str(b, s, strlen(s));
  else buf_put(b, "null", 4);
}

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

static void pad(struct buf *b, const char *s, size_t width) {
  if (!s) s = "-";
  size_t n = strlen(s);
  buf_put(b, s, n);
  for (size_t w = out_display_width(s, n); w < width; w++) buf_u8(b, ' ');
  buf_put(b, "  ", 2);
}

static void csv_field(struct buf *b, const char *s, bool last) {
  if (!s) s = "";
  if (strpbrk(s, ",\"\r\n")) {
    buf_u8(b, '"');
    for (const char *p = s; *p; p++) {
      if (*p == '"') buf_u8(b, '"');
      buf_u8(b, (uint8_t)*p);
    }
    buf_u8(b, '"');
  } else {
    buf_put(b, s, strlen(s));
  }
  buf_put(b, last ? "\r\n" : ",", last ? 2 : 1);
}

#define ID_WIDTH 10

void out_init(struct out *o, int fmt, bool explain, const tier_ruleset *rs) {
  memset(o, 0, sizeof *o);
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
}

/* One requirement in a table cell: the smallest change. */
static void short_gap(struct buf *b, const tier_req_result *u) {
  char d[11];
  if (u->sustained) {
    date_format(u->checkpoint, d);
    buf_printf(b, "sustained %d months (failed at %s)", u->sustained, d);
  } else if (u->need[0]) {
    buf_printf(b, "%s", u->need);
  } else if (u->metric) {
    buf_printf(b, "%s %s (needs %s %s)", u->metric, u->actual_shown, u->op, u->required_shown);
  } else {
    buf_printf(b, "%s", u->rule);
  }
}

void out_header(const struct out *o, struct buf *b) {
  if (o->fmt == FMT_TABLE) {
    const char *name = tier_ruleset_name(o->rs), *ver = tier_ruleset_version(o->rs);
    buf_printf(b, "# %s%s%s (rules %s)\n", *name ? name : "ruleset", *ver ? " " : "", ver, o->hash);
    pad(b, "ID", ID_WIDTH);
    pad(b, "TYPE", o->type_w);
    pad(b, "AS OF", 10);
    pad(b, "TIER", o->tier_w);
    pad(b, "NEXT", o->tier_w);
    buf_printf(b, "MISSING FOR NEXT\n");
  } else if (o->fmt == FMT_CSV) {
    buf_printf(b, "record,id,type,asof,tier,next,unmet,rules_version,rules_hash,error\r\n");
  }
}

/* JSON has no infinity: a number that is not finite is written as null,
 * like a missing one, so that the field's JSON type never changes. */
static bool json_number(const char *s) {
  if (*s == '-') s++;
  return *s >= '0' && *s <= '9';
}

void out_json_value(struct buf *b, const char *text, int type, bool missing) {
  bool numeric = type == TIER_TYPE_INT || type == TIER_TYPE_MONEY || type == TIER_TYPE_NUMBER;
  if (missing || (numeric && !json_number(text))) buf_put(b, "null", 4);
  else if (numeric || type == TIER_TYPE_BOOL) buf_put(b, text, strlen(text));
  else out_json_cstr(b, text);
}

static void json_req(struct buf *b, const tier_req_result *u, bool with_met) {
  buf_put(b, "{\"tier\":", 8);
  out_json_cstr(b, u->tier);
  if (u->section) { buf_put(b, ",\"section\":", 11); out_json_cstr(b, u->section); }
  if (u->label) { buf_put(b, ",\"label\":", 9); out_json_cstr(b, u->label); }
  if (u->sustained) {
    char d[11];
    buf_printf(b, ",\"rule\":\"sustained %d months\",\"sustained\":%d", u->sustained, u->sustained);
    if (!u->met) {
      date_format(u->checkpoint, d);
      buf_printf(b, ",\"failed_at\":\"%s\"", d);
    }
  } else {
    buf_put(b, ",\"rule\":", 8);
    out_json_cstr(b, u->rule);
  }
  if (with_met) {
    buf_printf(b, ",\"met\":%s", u->met ? "true" : "false");
    if (u->file) {
      buf_put(b, ",\"source\":", 10);
      char at[300];
      snprintf(at, sizeof at, "%s:%u", u->file, u->line);
      out_json_cstr(b, at);
    }
  }
  if (u->need[0]) {
    buf_put(b, ",\"need\":", 8);
    out_json_cstr(b, u->need);
  }
  if (u->metric) {
    buf_put(b, ",\"metric\":", 10);
    out_json_cstr(b, u->metric);
    buf_put(b, ",\"actual\":", 10);
    out_json_value(b, u->actual, u->type, u->missing);
    buf_put(b, ",\"required\":", 12);
    out_json_value(b, u->required, u->type, false);
  }
  buf_u8(b, '}');
}

/* A list of requirements as a JSON array. */
static void json_reqs(struct buf *b, const tier_req_result *u, size_t n, bool with_met) {
  buf_u8(b, '[');
  for (size_t i = 0; i < n; i++) {
    if (i) buf_u8(b, ',');
    json_req(b, &u[i], with_met);
  }
  buf_u8(b, ']');
}

static void json_result(const struct out *o, struct buf *b, const tier_result *r, const char *asof) {
  buf_put(b, "{\"id\":", 6);
  out_json_cstr(b, r->id);
  buf_put(b, ",\"type\":", 8);
  out_json_cstr(b, r->type);
  buf_printf(b, ",\"asof\":\"%s\",\"tier\":", asof);
  out_json_cstr(b, r->tier);
  buf_put(b, ",\"next\":", 8);
  out_json_cstr(b, r->next);
  buf_put(b, ",\"unmet\":", 9);
  json_reqs(b, r->unmet, r->nunmet, false);
  if (o->explain) {
    buf_put(b, ",\"requirements\":", 16);
    json_reqs(b, r->reqs, r->nreqs, true);
  }
  buf_put(b, ",\"rules\":", 9);
  out_json_cstr(b, r->rules_version);
  buf_printf(b, ",\"rules_hash\":\"%.16s\"}\n", r->rules_hash);
}

/* The table's last column and the CSV's unmet cell: each unmet
 * requirement's smallest change, separated by "; ". */
static void gap_text(struct buf *gap, const tier_result *r) {
  for (size_t i = 0; i < r->nunmet; i++) {
    if (i) buf_put(gap, "; ", 2);
    short_gap(gap, &r->unmet[i]);
  }
  buf_u8(gap, 0);
}

static void csv_result(struct buf *b, const tier_result *r, const char *asof) {
  struct buf gap = {0};
  gap_text(&gap, r);
  csv_field(b, "", false); /* the record number column is for errors */
  csv_field(b, r->id, false);
  csv_field(b, r->type, false);
  csv_field(b, asof, false);
  csv_field(b, r->tier, false);
  csv_field(b, r->next, false);
  csv_field(b, gap.p ? (char *)gap.p : "", false);
  csv_field(b, r->rules_version, false);
  char h[17];
  snprintf(h, sizeof h, "%.16s", r->rules_hash);
  csv_field(b, h, false);
  csv_field(b, "", true);
  buf_free(&gap);
}

/* A table row; with explain, one line per requirement under it. */
static void table_result(const struct out *o, struct buf *b, const tier_result *r, const char *asof) {
  struct buf gap = {0};
  gap_text(&gap, r);
  pad(b, r->id, ID_WIDTH);
  pad(b, r->type, o->type_w);
  pad(b, asof, 10);
  pad(b, r->tier, o->tier_w);
  pad(b, r->next, o->tier_w);
  buf_printf(b, "%s\n", !r->next ? "(top tier)" : gap.p ? (char *)gap.p : "");
  buf_free(&gap);
  if (!o->explain) return;
  for (size_t i = 0; i < r->nreqs; i++) {
    const tier_req_result *u = &r->reqs[i];
    buf_printf(b, "    %-4s %s: ", u->met ? "ok" : "FAIL", u->tier);
    short_gap(b, u);
    if (u->label) buf_printf(b, "  -- %s", u->label);
    buf_u8(b, '\n');
  }
}

void out_result(const struct out *o, struct buf *b, const tier_result *r) {
  char asof[11];
  date_format(r->asof, asof);
  if (o->fmt == FMT_JSON) json_result(o, b, r, asof);
  else if (o->fmt == FMT_CSV) csv_result(b, r, asof);
  else table_result(o, b, r, asof);
}

void out_error(const struct out *o, struct buf *b, long record, const char *id, const char *err, const char *path) {
  if (o->fmt == FMT_JSON) {
    buf_printf(b, "{\"record\":%ld", record);
    if (id) { buf_put(b, ",\"id\":", 6); out_json_cstr(b, id); }
    buf_put(b, ",\"error\":", 9);
    out_json_cstr(b, err);
    if (path && *path) { buf_put(b, ",\"path\":", 8); out_json_cstr(b, path); }
    buf_put(b, "}\n", 2);
  } else if (o->fmt == FMT_CSV) {
    char n[24];
    snprintf(n, sizeof n, "%ld", record);
    csv_field(b, n, false);
    csv_field(b, id, false);
    for (int i = 0; i < 5; i++) csv_field(b, "", false);
    csv_field(b, tier_ruleset_version(o->rs), false);
    csv_field(b, o->hash, false);
    struct buf e = {0};
    buf_printf(&e, "%s%s%s", path && *path ? path : "", path && *path ? ": " : "", err);
    buf_u8(&e, 0);
    csv_field(b, (char *)e.p, true);
    buf_free(&e);
  } else {
    buf_printf(b, "%-*s  error: record %ld%s%s%s: %s%s%s\n", ID_WIDTH, id ? id : "-", record, id ? " (" : "",
               id ? id : "", id ? ")" : "", path && *path ? path : "", path && *path ? ": " : "", err);
  }
}
