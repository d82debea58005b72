/*
 * output.c - writing results.  JSON is written by hand (one line per
 * record, no allocation per field); tables are aligned by display width, so
 * that Japanese text (two columns a character) lines up; CSV quotes as
 * RFC 4180 says.
 */
#include <stdio.h>
#include <string.h>

#include "output.h"

const char *out_cmp_text(int cmp) {
  static const char *t[] = {"?", "==", "!=", "<", "<=", ">", ">="};
  return cmp >= 1 && cmp <= 6 ? t[cmp] : "?";
}

void out_json_str(struct buf *b, const char *s, size_t n) {
  buf_u8(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') { run++; continue; }
    buf_put(b, s + i - run, run);
    run = 0;
    switch (c) {
    case '"': buf_put(b, "\\\"", 2); break;
    case '\\': buf_put(b, "\\\\", 2); break;
    case '\n': buf_put(b, "\\n", 2); break;
    case '\t': buf_put(b, "\\t", 2); break;
    case '\r': buf_put(b, "\\r", 2); break;
    default: buf_printf(b, "\\u%04x", c);
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

/* Column widths from the ruleset, so that a streamed table stays aligned
 * without looking ahead. */
struct widths { size_t type, tier; };
static struct widths widths_of(const struct tier_ruleset *rs) {
  const struct image *img = rs->img;
  struct widths w = {4, 4};
  if (img->partner_field >= 0) {
    const struct img_enum *e = &img->enums[img->fields[img->partner_field].ref];
    for (uint32_t i = 0; i < e->nvals; i++) {
      size_t n = strlen(img_str(img, e->vals[i]));
      if (n > w.type) w.type = n;
    }
  }
  for (uint32_t t = 0; t < img->ntiers; t++) {
    const char *s = img_str(img, img->tiers[t].name);
    size_t n = out_display_width(s, strlen(s));
    if (n > w.tier) w.tier = n;
  }
  return w;
}
#define ID_WIDTH 10

/* One unmet requirement in a table cell: the smallest change. */
static void short_gap(struct buf *b, const tier_req_result *u) {
  char d[11];
  if (u->sustained) {
    date_format(u->checkpoint, d);
    buf_printf(b, "sustained %d months (failed at %s)", u->sustained, d);
  } else if (u->need[0]) {
    buf_printf(b, "%s", u->need);
  } else if (u->metric) {
    buf_printf(b, "%s %s (needs %s %s)", u->metric, u->actual, u->op, u->required);
  } else {
    buf_printf(b, "%s", u->rule);
  }
}

static void hash16(const struct tier_ruleset *rs, char out[17]) {
  memcpy(out, rs->hash_hex, 16);
  out[16] = 0;
}

void out_header(struct buf *b, int fmt, const struct tier_ruleset *rs, bool explain) {
  (void)explain;
  char h[17];
  hash16(rs, h);
  if (fmt == FMT_TABLE) {
    const char *name = tier_ruleset_name(rs), *ver = tier_ruleset_version(rs);
    buf_printf(b, "# %s%s%s (rules %s)\n", *name ? name : "ruleset", *ver ? " " : "", ver, h);
    struct widths w = widths_of(rs);
    pad(b, "ID", ID_WIDTH);
    pad(b, "TYPE", w.type);
    pad(b, "AS OF", 10);
    pad(b, "TIER", w.tier);
    pad(b, "NEXT", w.tier);
    buf_printf(b, "MISSING FOR NEXT\n");
  } else if (fmt == FMT_CSV) {
    buf_printf(b, "record,id,type,asof,tier,next,unmet,rules_version,rules_hash,error\r\n");
  }
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
    if (u->numeric) buf_printf(b, ",\"actual\":%s,\"required\":%s", u->actual, u->required);
    else {
      buf_put(b, ",\"actual\":", 10);
      if (!strcmp(u->actual, "true") || !strcmp(u->actual, "false")) buf_printf(b, "%s", u->actual);
      else if (!strcmp(u->actual, "none")) buf_printf(b, "null");
      else out_json_cstr(b, u->actual);
      buf_put(b, ",\"required\":", 12);
      if (!strcmp(u->required, "true") || !strcmp(u->required, "false")) buf_printf(b, "%s", u->required);
      else out_json_cstr(b, u->required);
    }
  }
  buf_u8(b, '}');
}

/* every requirement of every tier of the record's type, in ladder order */
static size_t all_reqs(struct tier_vm *vm, tier_req_result *out) {
  const struct image *img = vm->rs->img;
  size_t n = 0;
  for (uint32_t t = 0; t < img->ntiers; t++) {
    if ((int)img->tiers[t].ptype != vm->ev.ptype) continue;
    for (uint32_t q = img->tiers[t].first_req; q < img->tiers[t].first_req + img->tiers[t].nreq; q++)
      res_fill_req(vm, t, q, &out[n++]);
    if (img->tiers[t].sustained) res_fill_sustained(vm, t, &out[n++]);
  }
  return n;
}

void out_result(struct buf *b, int fmt, struct tier_vm *vm, const tier_result *r, bool explain) {
  const struct tier_ruleset *rs = vm->rs;
  char asof[11], h[17];
  date_format(r->asof, asof);
  hash16(rs, h);
  if (fmt == FMT_JSON) {
    buf_put(b, "{\"id\":", 6);
    out_json_cstr(b, r->id);
    buf_put(b, ",\"type\":", 8);
    out_json_cstr(b, r->type);
    buf_printf(b, ",\"asof\":\"%s\",\"tier\":", asof);
    out_json_cstr(b, r->tier);
    buf_put(b, ",\"next\":", 8);
    out_json_cstr(b, r->next);
    buf_put(b, ",\"unmet\":[", 10);
    for (size_t i = 0; i < r->nunmet; i++) {
      if (i) buf_u8(b, ',');
      json_req(b, &r->unmet[i], false);
    }
    buf_u8(b, ']');
    if (explain) {
      buf_put(b, ",\"requirements\":[", 17);
      tier_req_result tmp;
      const struct image *img = rs->img;
      bool first = true;
      for (uint32_t t = 0; t < img->ntiers; t++) {
        if ((int)img->tiers[t].ptype != vm->ev.ptype) continue;
        for (uint32_t q = img->tiers[t].first_req; q < img->tiers[t].first_req + img->tiers[t].nreq; q++) {
          res_fill_req(vm, t, q, &tmp);
          if (!first) buf_u8(b, ',');
          first = false;
          json_req(b, &tmp, true);
        }
        if (img->tiers[t].sustained) {
          res_fill_sustained(vm, t, &tmp);
          if (!first) buf_u8(b, ',');
          first = false;
          json_req(b, &tmp, true);
        }
      }
      buf_u8(b, ']');
    }
    buf_put(b, ",\"rules\":", 9);
    out_json_cstr(b, tier_ruleset_version(rs));
    buf_printf(b, ",\"rules_hash\":\"%s\"}\n", h);
    return;
  }
  struct buf gap = {0};
  for (size_t i = 0; i < r->nunmet; i++) {
    if (i) buf_put(&gap, "; ", 2);
    short_gap(&gap, &r->unmet[i]);
  }
  buf_u8(&gap, 0);
  if (fmt == FMT_CSV) {
    csv_field(b, "", false); /* the record number column is for errors */
    csv_field(b, r->id, false);
    csv_field(b, r->type, false);
    csv_field(b, asof, false);
    csv_field(b, r->tier, false);
    csv_field(b, r->next, false);
    csv_field(b, gap.p ? (char *)gap.p : "", false);
    csv_field(b, tier_ruleset_version(rs), false);
    csv_field(b, h, false);
    csv_field(b, "", true);
  } else {
    struct widths w = widths_of(rs);
    pad(b, r->id, ID_WIDTH);
    pad(b, r->type, w.type);
    pad(b, asof, 10);
    pad(b, r->tier, w.tier);
    pad(b, r->next, w.tier);
    buf_printf(b, "%s\n", r->next ? (char *)gap.p : "(top tier)");
    if (explain) {
      tier_req_result *all = vm->unmet; /* scratch: the result's unmet list is already written */
      size_t n = all_reqs(vm, all);
      for (size_t i = 0; i < n; i++) {
        struct buf line = {0};
        short_gap(&line, &all[i]);
        buf_u8(&line, 0);
        buf_printf(b, "    %-4s %s: %s%s%s\n", all[i].met ? "ok" : "FAIL", all[i].tier, line.p ? (char *)line.p : "",
                   all[i].label ? "  -- " : "", all[i].label ? all[i].label : "");
        buf_free(&line);
      }
    }
  }
  buf_free(&gap);
}

void out_error(struct buf *b, int fmt, const struct tier_ruleset *rs, long record, const char *id, const char *err,
               const char *path) {
  if (fmt == FMT_JSON) {
    buf_printf(b, "{\"record\":%ld", record);
    if (id) { buf_put(b, ",\"id\":", 6); out_json_cstr(b, id); }
    buf_put(b, ",\"error\":", 9);
    out_json_cstr(b, err);
    if (path && *path) { buf_put(b, ",\"path\":", 8); out_json_cstr(b, path); }
    buf_put(b, "}\n", 2);
  } else if (fmt == FMT_CSV) {
    char n[24];
    snprintf(n, sizeof n, "%ld", record);
    csv_field(b, n, false);
    csv_field(b, id, false);
    for (int i = 0; i < 5; i++) csv_field(b, "", false);
    csv_field(b, tier_ruleset_version(rs), false);
    char h[17];
    hash16(rs, h);
    csv_field(b, h, false);
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
