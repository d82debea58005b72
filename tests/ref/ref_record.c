/*
 * ref_record.c - a record read by SPEC section 5, with jansson, into the
 * reference's values.  It is written from the contract, not from the VM's
 * readers (src/json.c, src/record.c), so that the differential test checks
 * them too: the same records are accepted, and a rejected record is
 * rejected at the same JSON path, the first fault in the text.
 *
 * jansson gives a decimal number as a double; it is read back as the
 * shortest decimal that gives the same double, which is the text itself for
 * numbers of up to 15 significant digits (the generator writes no longer
 * ones).
 */
#include <float.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ref_int.h"

#define INT_LIMIT 9007199254740991LL /* 2^53 - 1: int values and money in cents */

struct reader {
  const struct comp *c;
  struct outcome *out;
  char path[512];
};

/* docs/language.md 3.4: a path longer than 252 bytes is shown as its
 * first pieces within 252 bytes and "..." - a piece being a whole
 * character, or an escape (\" \\ \n \t \r, \u00XX, \ufffd) of a
 * bracketed key.  path is whole up to its first 258 bytes at least (its
 * buffer's), all this needs. */
static const char *shown(char *path) {
  size_t n = strlen(path), at = 0;
  if (n <= 252) return path;
  for (;;) {
    const unsigned char c = (unsigned char)path[at];
    size_t piece = c == '\\' ? (path[at + 1] == 'u' ? 6 : 2) : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (at + piece > 252) break;
    at += piece;
  }
  memcpy(path + at, "...", 4);
  return path;
}

static int fault(struct reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fault(struct reader *rd, const char *fmt, ...) {
  char msg[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  rd->out->status = OC_RECORD;
  rd->out->error = oc_strdup(msg);
  rd->out->path = rd->path[0] ? oc_strdup(shown(rd->path)) : NULL; /* no path: not a JSON object */
  return -1;
}

/* The shortest decimal text that reads back as d. */
static void shortest(double d, char *buf, size_t n) {
  for (int p = 1; p <= 17; p++) {
    snprintf(buf, n, "%.*g", p, d);
    if (strtod(buf, NULL) == d) return;
  }
}

/* A JSON number, exactly as written (see the note at the top). */
static void json_number(const json_t *v, mpq_t q) {
  if (json_is_integer(v)) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    ref_decimal(buf, strlen(buf), q);
  } else {
    char buf[64];
    shortest(json_real_value(v), buf, sizeof buf);
    ref_decimal(buf, strlen(buf), q);
  }
}

static int scalar(struct reader *rd, const struct s_field *f, const json_t *v, struct val *out) {
  out->kind = f->ty.kind;
  out->none = false;
  if (json_is_null(v)) {
    if (f->ty.opt) {
      out->none = true;
      return 0;
    }
    return fault(rd, "required field is null");
  }
  switch (f->ty.kind) {
  case TY_TEXT:
    if (!json_is_string(v)) return fault(rd, "expected a string");
    out->s = json_string_value(v);
    out->n = json_string_length(v);
    return 0;
  case TY_INT:
    if (!json_is_integer(v)) return fault(rd, "expected an integer");
    if (json_integer_value(v) > INT_LIMIT || json_integer_value(v) < -INT_LIMIT)
      return fault(rd, "integer out of range");
    json_number(v, out->q);
    return 0;
  case TY_NUMBER:
    if (!json_is_number(v)) return fault(rd, "expected a number");
    json_number(v, out->q);
    return 0;
  case TY_MONEY: {
    if (!json_is_number(v)) return fault(rd, "expected an amount");
    json_number(v, out->q);
    /* exact in cents, and the cents within the integer range */
    mpq_t cents;
    mpq_init(cents);
    mpq_set_ui(cents, 100, 1);
    mpq_mul(cents, cents, out->q);
    bool exact = mpz_cmp_ui(mpq_denref(cents), 1) == 0;
    bool in_range = mpz_sizeinbase(mpq_numref(cents), 2) <= 53; /* |cents| < 2^53 */
    mpq_clear(cents);
    if (!exact) return fault(rd, "amount is not exact in cents");
    if (!in_range) return fault(rd, "amount out of range");
    return 0;
  }
  case TY_BOOL:
    if (!json_is_boolean(v)) return fault(rd, "expected true or false");
    out->i = json_is_true(v);
    return 0;
  case TY_DATE:
    if (!json_is_string(v) || !ref_date_parse(json_string_value(v), json_string_length(v), &out->i))
      return fault(rd, "expected a date");
    return 0;
  case TY_ENUM: {
    if (!json_is_string(v)) return fault(rd, "expected an enum value");
    const struct s_enum *e = &rd->c->enums[f->ty.ref];
    for (uint32_t k = 0; k < e->nvals; k++)
      if (strlen(e->vals[k]) == json_string_length(v) && !strcmp(e->vals[k], json_string_value(v))) {
        out->i = k;
        return 0;
      }
    return fault(rd, "unknown enum value");
  }
  case TY_TIER: /* a name, made a tier once the record's type is known (resolve_tiers) */
    if (!json_is_string(v)) return fault(rd, "expected a tier's name");
    out->s = json_string_value(v);
    out->n = json_string_length(v);
    return 0;
  }
  return fault(rd, "field of unknown type");
}

static int object(struct reader *rd, const json_t *obj, int owner, struct val *vals, struct ref_list *lists);

/* The items of list field f. */
static int list(struct reader *rd, const struct s_field *f, const json_t *v, struct ref_list *l) {
  if (!json_is_array(v)) return fault(rd, "expected a list (an array)");
  int li = f->ty.ref, width = rd->c->lists[li].width;
  l->n = json_array_size(v);
  l->items = calloc(l->n * (size_t)width + 1, sizeof *l->items);
  if (!l->items) return fault(rd, "out of memory");
  for (size_t i = 0; i < l->n * (size_t)width; i++) val_init(&l->items[i]);
  size_t at = strlen(rd->path);
  for (size_t i = 0; i < l->n; i++) {
    snprintf(rd->path + at, sizeof rd->path - at, "[%zu]", i);
    const json_t *item = json_array_get(v, i);
    if (!json_is_object(item)) return fault(rd, "expected a list item (an object)"); /* as the VM's readers say */
    if (object(rd, item, li, &l->items[i * (size_t)width], NULL)) return -1;
    rd->path[at] = 0;
  }
  rd->path[at] = 0;
  return 0;
}

/* The field of `owner` that JSON key `key` holds (its own name, or the
 * key the rules give it: `n "count": int;`), or -1. */
static int field_of(const struct comp *c, int owner, const char *key) {
  for (int f = 0; f < c->nfields; f++)
    if (c->fields[f].owner == owner && !strcmp(c->fields[f].key, key)) return f;
  return -1;
}

/* rd->path cut at `at`, then key: ".key" for a name of letters, digits and
 * _ that does not start with a digit, any other key a JSON string in
 * brackets (["a b"]; \" \\ \n \t \r, \u00XX for another control character:
 * C0, DEL, C1). */
static void key_path(struct reader *rd, size_t at, const char *key) {
  bool plain = *key && !(*key >= '0' && *key <= '9');
  for (const char *k = key; *k && plain; k++)
    plain = (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '_';
  if (plain) {
    snprintf(rd->path + at, sizeof rd->path - at, ".%s", key);
    return;
  }
  char esc[6 * sizeof rd->path + 8];
  size_t n = 0;
  for (const unsigned char *k = (const unsigned char *)key; *k && n < sizeof esc - 8; k++) {
    if (*k == '"' || *k == '\\') n += (size_t)sprintf(esc + n, "\\%c", *k);
    else if (*k == '\n') n += (size_t)sprintf(esc + n, "\\n");
    else if (*k == '\t') n += (size_t)sprintf(esc + n, "\\t");
    else if (*k == '\r') n += (size_t)sprintf(esc + n, "\\r");
    else if (*k < 0x20 || *k == 0x7f) n += (size_t)sprintf(esc + n, "\\u%04x", *k);
    else if (*k == 0xC2 && k[1] >= 0x80 && k[1] < 0xA0) n += (size_t)sprintf(esc + n, "\\u%04x", *++k); /* C1 */
    else esc[n++] = (char)*k; /* the keys of the rules and of jansson are UTF-8 */
  }
  esc[n] = 0;
  snprintf(rd->path + at, sizeof rd->path - at, "[\"%s\"]", esc);
}

/* The fields of one object (the record: owner -1; an item of list owner),
 * keys in the order of the text, then the fields that are not there. */
static int object(struct reader *rd, const json_t *obj, int owner, struct val *vals, struct ref_list *lists) {
  const struct comp *c = rd->c;
  size_t at = strlen(rd->path);
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)obj, key, v) {
    int f = field_of(c, owner, key);
    if (f < 0) continue; /* unknown keys are ignored */
    key_path(rd, at, key);
    const struct s_field *sf = &c->fields[f];
    struct ref_list *l = NULL;
    if (sf->ty.kind == TY_LIST && lists) {
      l = &lists[sf->ty.ref];
    } else if (sf->ty.kind == TY_LIST) { /* an item's own inner list (5) */
      l = vals[sf->slot].list = calloc(1, sizeof *l);
      if (!l) return fault(rd, "out of memory");
    }
    int rc = l ? list(rd, sf, v, l) : scalar(rd, sf, v, &vals[sf->slot]);
    if (rc) return rc;
  }
  for (int f = 0; f < c->nfields; f++) {
    const struct s_field *sf = &c->fields[f];
    if (sf->owner != owner || json_object_get(obj, sf->key)) continue;
    key_path(rd, at, sf->key);
    if (sf->ty.kind == TY_LIST) continue;   /* absent: empty */
    if (!sf->ty.opt) return fault(rd, "missing required field");
    vals[sf->slot].kind = sf->ty.kind;
    vals[sf->slot].none = true;
  }
  rd->path[at] = 0;
  return 0;
}

/* ---- tier values (5.7) ---------------------------------------------------------- */

/* v, a tier field's name as read, made the tier of partner type p it
 * names: its identifier or its display name. */
static int tier_value(struct reader *rd, int p, struct val *v) {
  if (v->none) return 0;
  const struct comp *c = rd->c;
  for (int t = 0; t < c->ntiers; t++) {
    const struct node *T = c->tiers[t].n;
    bool named = (strlen(T->name) == v->n && !memcmp(T->name, v->s, v->n)) ||
        (T->b && strlen(T->b->str) == v->n && !memcmp(T->b->str, v->s, v->n));
    if (c->tiers[t].ptype == p && named) {
      v->i = t;
      return 0;
    }
  }
  return fault(rd, "'%.*s' is no tier of the record's partner type", (int)v->n, v->s);
}

/* Field f (of the items of list chain[k], k < depth) in every item of l,
 * whose path so far is rd->path, going down the chain of lists from the
 * record's to f's own. */
static int tiers_in(struct reader *rd, const struct s_field *f, const int *chain, int k, int depth, int p,
                    const struct ref_list *l) {
  const struct comp *c = rd->c;
  size_t at = strlen(rd->path), width = (size_t)c->lists[chain[k]].width;
  for (size_t i = 0; l && i < l->n; i++) {
    key_path(rd, at, c->fields[c->lists[chain[k]].field].key);
    size_t key_end = strlen(rd->path);
    snprintf(rd->path + key_end, sizeof rd->path - key_end, "[%zu]", i);
    struct val *item = &l->items[i * width];
    if (k + 1 == depth) {
      size_t end = strlen(rd->path);
      key_path(rd, end, f->key);
      if (tier_value(rd, p, &item[f->slot])) return -1;
    } else if (tiers_in(rd, f, chain, k + 1, depth, p, item[c->fields[c->lists[chain[k + 1]].field].slot].list)) {
      return -1;
    }
  }
  rd->path[at] = 0;
  return 0;
}

/* 5.7: a tier field names a tier of the record's own partner type, which
 * may come after it in the text; so the names are resolved once the
 * record is read, as the design notes say the readers do: field by field
 * in the order declared, a list's items in order (an inner list's, its
 * parents' items in order), the first that names no such tier being the
 * record's fault. */
static int resolve_tiers(struct reader *rd, struct ref_rec *rec) {
  const struct comp *c = rd->c;
  int p = c->partner_field >= 0 ? (int)rec->top[c->fields[c->partner_field].slot].i : -1;
  for (int f = 0; f < c->nfields; f++) {
    const struct s_field *F = &c->fields[f];
    if (F->ty.kind != TY_TIER) continue;
    if (F->owner < 0) {
      snprintf(rd->path, sizeof rd->path, "$");
      key_path(rd, 1, F->key);
      if (tier_value(rd, p, &rec->top[F->slot])) return -1;
      continue;
    }
    int chain[8], depth = 0;
    for (int l = F->owner; l >= 0 && depth < 8; l = c->lists[l].parent) chain[depth++] = l;
    for (int a = 0, b = depth - 1; a < b; a++, b--) {
      int t = chain[a];
      chain[a] = chain[b];
      chain[b] = t;
    }
    snprintf(rd->path, sizeof rd->path, "$");
    if (tiers_in(rd, F, chain, 0, depth, p, &rec->lists[chain[0]])) return -1;
  }
  return 0;
}

int ref_read_record(const struct ref_rules *R, const char *json, size_t len, struct ref_rec *rec, struct outcome *out) {
  const struct comp *c = &R->c;
  memset(rec, 0, sizeof *rec);
  rec->top = calloc((size_t)c->ntop + 1, sizeof *rec->top);
  rec->lists = calloc((size_t)c->nlists + 1, sizeof *rec->lists);
  if (!rec->top || !rec->lists) {
    fputs("difftest: out of memory\n", stderr);
    exit(2);
  }
  for (int i = 0; i < c->ntop; i++) val_init(&rec->top[i]);
  struct reader rd = {c, out, "$"};
  json_error_t je;
  json_t *root = json_loadb(json, len, 0, &je);
  rec->json = root;
  if (!root) {
    rd.path[0] = 0;
    out->status = OC_RECORD;
    out->error = oc_strdup(je.text);
    return -1;
  }
  if (!json_is_object(root)) {
    rd.path[0] = 0;
    return fault(&rd, "a record must be a JSON object");
  }
  if (object(&rd, root, -1, rec->top, rec->lists)) return -1;
  return resolve_tiers(&rd, rec);
}

/* The items of list li (and their inner lists, at most three levels). */
static void list_free(const struct comp *c, int li, struct ref_list *l) {
  size_t width = (size_t)c->lists[li].width;
  for (size_t i = 0; l->items && i < l->n * width; i++) {
    struct val *v = &l->items[i];
    if (v->list) {
      for (int f = 0; f < c->nfields; f++)
        if (c->fields[f].owner == li && c->fields[f].slot == (int)(i % width)) list_free(c, c->fields[f].ty.ref, v->list);
      free(v->list);
    }
    val_clear(v);
  }
  free(l->items);
}

void ref_record_free(const struct ref_rules *R, struct ref_rec *rec) {
  const struct comp *c = &R->c;
  if (rec->top)
    for (int i = 0; i < c->ntop; i++) val_clear(&rec->top[i]);
  if (rec->lists)
    for (int l = 0; l < c->nlists; l++)
      if (c->lists[l].parent < 0) list_free(c, l, &rec->lists[l]);
  free(rec->top);
  free(rec->lists);
  if (rec->json) json_decref(rec->json);
  memset(rec, 0, sizeof *rec);
}
