/*
 * record.c - JSON text -> packed record, by the schema in the bytecode.
 * Every value is checked against its field's type; the first fault found
 * gives one error with the JSON path of the value ($.certifications[3].earned)
 * and says what was wrong.  Text values are interned per record, so equal
 * texts get equal handles and count distinct works on integers.
 * The buffers grow to the largest record seen and are reused: reading a
 * record allocates nothing once they are large enough, except jansson's tree.
 */
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "record.h"
#include "scan.h"

/* Whether string str of the image is s (n bytes): how the reader matches
 * every name a value may give (enum values, tiers). */
static bool is_named(const struct image *img, uint32_t str, const char *s, size_t n) {
  return img->strlens[str] == n && scan_same(img->strs[str], s, n);
}

/* The ordinal of value s in enum e, or -1. */
int rec_enum_value(const struct image *img, const struct img_enum *e, const char *s, size_t n) {
  for (uint32_t k = 0; k < e->nvals; k++)
    if (is_named(img, e->vals[k], s, n)) return (int)k;
  return -1;
}

/* "a, b, c": the values of enum e, for messages. */
void rec_enum_allowed(const struct image *img, const struct img_enum *e, char *out, size_t size) {
  size_t at = 0;
  out[0] = 0;
  for (uint32_t k = 0; k < e->nvals && at < size; k++) at = text_append(out, size, at, k ? ", " : "", img_str(img, e->vals[k]));
}

int32_t rec_name_field(const struct image *img) {
  for (uint32_t f = 0; f < img->nfields; f++) {
    const struct img_field *F = &img->fields[f];
    if (F->owner == NO_LIST && F->kind == TY_TEXT && strcmp(img_str(img, F->name), "name") == 0) return (int32_t)f;
  }
  return -1;
}

static int index_tier_names(struct tier_vm *vm, struct reader *rd);

struct reader *reader_of(struct tier_vm *vm) {
  if (!vm->reader) {
    struct reader *rd = t_malloc(&vm->hook, sizeof(struct reader));
    if (rd) {
      memset(rd, 0, sizeof *rd);
      rd->name_field = rec_name_field(vm->rs->img);
    }
    vm->reader = rd;
    if (rd && index_tier_names(vm, rd) != TIER_OK) rec_free(vm);
  }
  return vm->reader;
}

const char *rec_name(struct tier_vm *vm, const struct record *r) {
  struct reader *rd = vm->reader;
  if (!rd || rd->name_field < 0) return NULL;
  int64_t v = r->top[vm->rs->img->fields[rd->name_field].slot];
  if (v == TIER_NONE || v < 0 || (uint64_t)v >= r->nstrs) return NULL;
  const struct rec_str *s = &r->strs[v];
  const char *nul = memchr(s->p, 0, s->n);
  size_t n = nul ? (size_t)(nul - s->p) : s->n;
  if (!grow(vm, (void **)&rd->name, &rd->cap_name, n + 1, 1)) return NULL;
  memcpy(rd->name, s->p, n);
  rd->name[n] = 0;
  return rd->name;
}

/* ---- tier values ------------------------------------------------------------------ */

/* A `tier` field's value names a tier of the record's partner type by its
 * identifier or display name.  Every tier's two names are in one keyed
 * hash table made with the reader, so a value costs a probe or two however
 * many tiers its type has (a scan of them was values x tiers), and no
 * choice of names, in the rules or the record, makes a long chain. */

/* The slot the names of partner type p equal to s (n bytes) start at. */
static size_t tier_slot(const struct tier_vm *vm, const struct reader *rd, uint32_t p, const char *s, size_t n) {
  return (hash_bytes(&vm->hkey, s, n) ^ ((uint64_t)p * 0x9E3779B97F4A7C15ull)) & (rd->cap_ttab - 1);
}

/* The image string entry e of the table stands for: a tier's identifier
 * or its display name. */
static uint32_t tier_entry_name(const struct image *img, uint32_t e) {
  const struct img_tier *T = &img->tiers[(e - 1) / 2];
  return (e - 1) % 2 ? T->display : T->name;
}

/* The table (rd->ttab), filled in the order a scan would match (tiers in
 * order, an identifier before a display name), so that the first match
 * on a probe is the scan's: equal names probe the same slots. */
static int index_tier_names(struct tier_vm *vm, struct reader *rd) {
  const struct image *img = vm->rs->img;
  if (img->ntiers == 0) return TIER_OK;
  size_t cap = 16;
  while (cap < 4 * (size_t)img->ntiers) cap *= 2; /* two names a tier, at most half full */
  if (!(rd->ttab = t_malloc(&vm->hook, cap * sizeof *rd->ttab))) return TIER_ENOMEM;
  memset(rd->ttab, 0, cap * sizeof *rd->ttab);
  rd->cap_ttab = cap;
  for (uint32_t e = 1; e <= 2 * img->ntiers; e++) {
    uint32_t str = tier_entry_name(img, e);
    if (str == NO_STR) continue; /* no display name */
    size_t k = tier_slot(vm, rd, img->tiers[(e - 1) / 2].ptype, img->strs[str], img->strlens[str]);
    while (rd->ttab[k]) k = (k + 1) & (cap - 1);
    rd->ttab[k] = e;
  }
  return TIER_OK;
}

/* The tier of partner type p whose identifier or display name is s (n
 * bytes), or -1. */
static int32_t tier_named(const struct tier_vm *vm, struct reader *rd, uint32_t p, const char *s, size_t n) {
  const struct image *img = vm->rs->img;
  if (!rd->cap_ttab) return -1;
  for (size_t k = tier_slot(vm, rd, p, s, n);; k = (k + 1) & (rd->cap_ttab - 1)) {
    uint32_t e = rd->ttab[k];
    rd->tier_probes++;
    if (!e) return -1;
    if (img->tiers[(e - 1) / 2].ptype == p && is_named(img, tier_entry_name(img, e), s, n)) return (int32_t)((e - 1) / 2);
  }
}

/* "$.status_history[3]": where item k of list l is (all of the list's
 * items counted together, as the packed record keeps them), into path (n
 * bytes); its length (record.h).  An inner list's item is found in its parent's
 * items by their ranges: a scan, made only for the message of a fault. */
static size_t item_path(const struct image *img, const struct record *r, uint32_t l, uint32_t k, char *path, size_t n) {
  const struct img_list *L = &img->lists[l];
  const char *key = img_str(img, img->fields[L->field].key);
  if (L->parent == NO_LIST) return rec_path_index(path, n, rec_path_key(path, n, rec_path_put(path, n, 0, "$", 1), key), k);
  const struct rec_list *P = &r->lists[L->parent];
  uint32_t w = img->lists[L->parent].width;
  for (uint32_t i = 0; i < P->n; i++) {
    int64_t slot = P->items[(size_t)i * w + L->pslot];
    if (k >= LIST_START(slot) && k - LIST_START(slot) < LIST_COUNT(slot)) {
      size_t at = rec_path_key(path, n, item_path(img, r, L->parent, i, path, n), key);
      return rec_path_index(path, n, at, k - LIST_START(slot));
    }
  }
  return rec_path_put(path, n, 0, "$", 1);
}

/* *v, a tier field's value as read (its text's handle), made the tier of
 * partner type p it names; else the fault, naming the tiers it may name
 * (the caller gives its path). */
static int tier_value(struct tier_vm *vm, const struct record *r, int64_t *v, uint32_t p) {
  const struct image *img = vm->rs->img;
  if (*v == TIER_NONE) return TIER_OK;
  const struct rec_str *s = &r->strs[*v];
  int32_t t = img->partner_field >= 0 ? tier_named(vm, vm->reader, p, s->p, s->n) : -1;
  if (t >= 0) {
    *v = t;
    return TIER_OK;
  }
  char allowed[256];
  size_t at = 0;
  allowed[0] = 0;
  for (uint32_t k = 0; k < img->ntiers && at < sizeof allowed; k++)
    if (img->tiers[k].ptype == p) at = text_append(allowed, sizeof allowed, at, at ? ", " : "", img_str(img, img->tiers[k].name));
  const char *type = img->partner_field >= 0 && p < img->enums[img->fields[img->partner_field].ref].nvals
      ? img_str(img, img->enums[img->fields[img->partner_field].ref].vals[p])
      : "?";
  if (at)
    text_printf(vm->err, sizeof vm->err, _("'%.*s%s' is no tier of partner type %s (its tiers: %s)"),
                (int)utf8_prefix(s->p, s->n, 60), s->p, s->n > 60 ? "..." : "", type, allowed);
  else
    text_printf(vm->err, sizeof vm->err, _("'%.*s%s' is no tier: partner type %s has no tiers"), (int)utf8_prefix(s->p, s->n, 60),
                s->p, s->n > 60 ? "..." : "", type);
  return TIER_ERECORD;
}

/* Both readers keep a `tier` field's value as the text read, since the
 * partner type that decides which tiers it may name can come after it in
 * the record; once the record is read, each such value becomes the tier of
 * the record's type it names (an identifier or a display name).  A name
 * that is no such tier is the record's fault, at the value's path. */
int rec_tiers(struct tier_vm *vm, const struct record *r) {
  const struct image *img = vm->rs->img;
  uint32_t p = img->partner_field >= 0 ? (uint32_t)r->top[img->fields[img->partner_field].slot] : NO_TYPE;
  for (uint32_t f = 0; f < img->nfields; f++) {
    const struct img_field *F = &img->fields[f];
    if (F->kind != TY_TIER) continue;
    const char *key = img_str(img, F->key);
    if (F->owner == NO_LIST) {
      if (tier_value(vm, r, &r->top[F->slot], p) == TIER_OK) continue;
      rec_path_key(vm->path, sizeof vm->path, rec_path_put(vm->path, sizeof vm->path, 0, "$", 1), key);
      return TIER_ERECORD;
    }
    const struct rec_list *L = &r->lists[F->owner];
    uint32_t w = img->lists[F->owner].width;
    for (uint32_t i = 0; i < L->n; i++) {
      if (tier_value(vm, r, &L->items[(size_t)i * w + F->slot], p) == TIER_OK) continue;
      rec_path_key(vm->path, sizeof vm->path, item_path(img, r, F->owner, i, vm->path, sizeof vm->path), key);
      return TIER_ERECORD;
    }
  }
  return TIER_OK;
}

/* ---- two rulesets, one reading ---------------------------------------------------- */

static bool same_str(const struct image *a, uint32_t x, const struct image *b, uint32_t y) {
  if (x == NO_STR || y == NO_STR) return x == y;
  return a->strlens[x] == b->strlens[y] && memcmp(a->strs[x], b->strs[y], a->strlens[x]) == 0;
}

static bool same_enums(const struct image *a, const struct image *b) {
  if (a->nenums != b->nenums) return false;
  for (uint32_t i = 0; i < a->nenums; i++) {
    const struct img_enum *x = &a->enums[i], *y = &b->enums[i];
    if (!same_str(a, x->name, b, y->name) || x->nvals != y->nvals) return false;
    for (uint32_t v = 0; v < x->nvals; v++)
      if (!same_str(a, x->vals[v], b, y->vals[v])) return false;
  }
  return true;
}

/* The fields and lists, and whether one of the fields holds a tier. */
static bool same_fields(const struct image *a, const struct image *b, bool *tiers) {
  if (a->nfields != b->nfields || a->nlists != b->nlists || a->ntop != b->ntop || a->partner_field != b->partner_field ||
      a->id_field != b->id_field)
    return false;
  for (uint32_t i = 0; i < a->nfields; i++) {
    const struct img_field *x = &a->fields[i], *y = &b->fields[i];
    if (!same_str(a, x->name, b, y->name) || !same_str(a, x->key, b, y->key) || x->kind != y->kind || x->flags != y->flags ||
        x->ref != y->ref || x->owner != y->owner || x->slot != y->slot)
      return false;
    *tiers = *tiers || x->kind == TY_TIER;
  }
  for (uint32_t l = 0; l < a->nlists; l++) {
    const struct img_list *x = &a->lists[l], *y = &b->lists[l];
    if (x->field != y->field || x->width != y->width || x->parent != y->parent || x->pslot != y->pslot || x->depth != y->depth)
      return false;
  }
  return true;
}

/* The tiers a `tier` field may name (tier_named): identifiers, display
 * names and partner types. */
static bool same_tier_names(const struct image *a, const struct image *b) {
  if (a->ntiers != b->ntiers) return false;
  for (uint32_t t = 0; t < a->ntiers; t++) {
    const struct img_tier *x = &a->tiers[t], *y = &b->tiers[t];
    if (x->ptype != y->ptype || !same_str(a, x->name, b, y->name) || !same_str(a, x->display, b, y->display)) return false;
  }
  return true;
}

/* Whether the readers make the same packed record, with the same faults
 * and words, of any text under image a as under image b: the same schema
 * (by names, not string indices: two files number their strings apart),
 * and the same tiers when a field holds one.  What the readers read of an
 * image besides is its cost bound, which the caller checks per image. */
bool rec_reads_alike(const struct image *a, const struct image *b) {
  bool tiers = false;
  return same_enums(a, b) && same_fields(a, b, &tiers) && (!tiers || same_tier_names(a, b));
}

/* ---- keys the schema does not declare ------------------------------------------ */

/* Whether a JSON key reads as itself in a message: a name as the rules
 * write one (letters, digits and _, not a digit first, ASCII). */
static bool plain_key(const char *k) {
  if (!*k || (*k >= '0' && *k <= '9')) return false;
  for (; *k; k++)
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '_')) return false;
  return true;
}

_Static_assert(sizeof((struct tier_vm *)0)->path == REC_PATH_ROOM, "vm->path is a record's path");

/* path[0 .. len) and then the n bytes of one piece, whole, when the path
 * stays within REC_PATH_SHOWN(room) bytes; else the cut mark after it and
 * the length room: the path is full (record.h). */
static size_t path_piece(char *path, size_t room, size_t len, const char *piece, size_t n) {
  if (room <= sizeof REC_PATH_CUT || len > REC_PATH_SHOWN(room)) return len; /* full */
  if (n > REC_PATH_SHOWN(room) - len) {
    memcpy(path + len, REC_PATH_CUT, sizeof REC_PATH_CUT);
    return room;
  }
  memcpy(path + len, piece, n);
  path[len + n] = 0;
  return len + n;
}

size_t rec_path_put(char *path, size_t room, size_t len, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) len = path_piece(path, room, len, s + i, 1);
  return len;
}

size_t rec_path_index(char *path, size_t room, size_t len, uint64_t i) {
  char ix[32];
  int w = snprintf(ix, sizeof ix, "[%llu]", (unsigned long long)i);
  return rec_path_put(path, room, len, ix, w > 0 ? (size_t)w : 0);
}

/* ".key" when the key is a plain name, else ["key"] with the key a JSON
 * string, so that a key holding `.`, `[`, `]`, a space, a quote or a line
 * feed cannot be read as two (`$["a.b"][0]`, not `$.a.b[0]`, which is
 * another value); the key is escaped as every JSON string the library
 * writes (json_esc), so that it reads the same in a fault's path as in
 * JSON output (a did-you-mean, disasm). */
size_t rec_path_key(char *path, size_t room, size_t len, const char *key) {
  size_t n = strlen(key);
  if (plain_key(key)) return rec_path_put(path, room, rec_path_put(path, room, len, ".", 1), key, n);
  len = rec_path_put(path, room, len, "[\"", 2);
  for (size_t i = 0, used; i < n; i += used) {
    char esc[8];
    size_t e = json_esc(key + i, n - i, &used, esc);
    len = e ? path_piece(path, room, len, esc, e) : path_piece(path, room, len, key + i, used);
  }
  return rec_path_put(path, room, len, "\"]", 2);
}

/* Where a key of `owner` sits, for people: "" for the record, "customers[]"
 * for the items of a list, "customers[].orders[]" for an inner one, each
 * list by its JSON key (what the record writes, as the path says it), not
 * the field's name in the rules; a key that is not a plain name quoted as
 * the unknown key is, a JSON string ("\"Open Deals\"[]"), so that a key
 * holding `.`, `[]`, a space or a quote cannot be read as two.  A key
 * longer than UNKNOWN_NAME bytes is cut as the unknown key is, "..." after
 * it, so that the message holds the words after it. */
/* Key s (n bytes) as a JSON string (out_json_str's escapes) of at most
 * UNKNOWN_NAME bytes between its quotes, escapes kept whole, then "..."
 * when it was cut here or before (cut): a key of 64 control characters
 * was 386 bytes and pushed the end off tierc test's 400-byte message. */
static void key_json(struct buf *b, const char *s, size_t n, bool cut) {
  buf_u8(b, '"');
  for (size_t i = 0, shown = 0; i < n;) {
    char esc[8];
    size_t used, e = json_esc(s + i, n - i, &used, esc), w = e ? e : used;
    if (shown + w > UNKNOWN_NAME) {
      cut = true;
      break;
    }
    buf_put(b, e ? esc : s + i, w);
    shown += w;
    i += used;
  }
  buf_u8(b, '"');
  if (cut) buf_put(b, "...", 3);
}

static void owner_label(const struct image *img, uint16_t owner, struct buf *b) {
  if (owner == NO_LIST) return;
  const struct img_list *L = &img->lists[owner];
  if (L->parent != NO_LIST) {
    owner_label(img, L->parent, b);
    buf_u8(b, '.');
  }
  const char *key = img_str(img, img->fields[L->field].key);
  size_t n = strlen(key), m = utf8_prefix(key, n, UNKNOWN_NAME); /* cut as the unknown key is (key_of) */
  if (plain_key(key)) buf_put(b, key, m);
  else key_json(b, key, m, m < n);
  if (m < n && plain_key(key)) buf_put(b, "...", 3);
  buf_put(b, "[]", 2);
}

/* The JSON key of a declared field of `owner` closest to name (what the
 * record would have to write), or of the names in also[0 .. nalso), or
 * NULL. */
static const char *closest_field(const struct image *img, uint16_t owner, const char *name, const char *const *also,
                                 size_t nalso) {
  struct suggest sg = {0};
  for (uint32_t f = 0; f < img->nfields; f++)
    if (img->fields[f].owner == owner) suggest_try(&sg, name, img_str(img, img->fields[f].key));
  for (size_t i = 0; i < nalso; i++) suggest_try(&sg, name, also[i]);
  return sg.best;
}

/* A kept key as people read it: the key as a JSON string ("..." after it
 * when it was cut), then where it is when not in the record itself. */
static void key_text(const struct image *img, const struct unknown_key *k, struct buf *b) {
  struct buf key = {.hook = b->hook}, where = {.hook = b->hook};
  key_json(&key, k->name, k->n, k->cut);
  buf_u8(&key, 0);
  if (k->owner != NO_LIST) {
    owner_label(img, k->owner, &where);
    buf_u8(&where, 0);
  }
  if (key.failed || where.failed) b->failed = true;
  else if (k->owner == NO_LIST) buf_printf(b, "%s", (const char *)key.p);
  else buf_printf(b, _("%s in %s"), (const char *)key.p, (const char *)where.p); /* "\"name\" in customers[]" */
  buf_free(&key);
  buf_free(&where);
}

/* Key k as people read it (key_text) into key, and the declared field of
 * its owner closest to it as a JSON string into near (empty when there is
 * none), both NUL-terminated: the did-you-mean of the --strict fault and
 * of the warning, built in one place.  False when out of memory. */
static bool key_and_near(const struct image *img, const struct unknown_key *k, struct buf *key, struct buf *near,
                         const char *const *also, size_t nalso) {
  key_text(img, k, key);
  buf_u8(key, 0);
  const char *best = closest_field(img, k->owner, k->name, also, nalso);
  if (best) key_json(near, best, strlen(best), false);
  buf_u8(near, 0);
  return !key->failed && !near->failed;
}

static void key_of(struct unknown_key *k, uint16_t owner, const char *key, size_t n) {
  k->n = utf8_prefix(key, n, UNKNOWN_NAME);
  memcpy(k->name, key, k->n);
  k->name[k->n] = 0;
  k->cut = k->n < n;
  k->owner = owner;
}

static bool same_key(const struct unknown_key *a, const struct unknown_key *b) {
  return a->owner == b->owner && a->n == b->n && a->cut == b->cut && memcmp(a->name, b->name, a->n) == 0;
}

/* Key k (name, owner, cut) marked as the current record's, to be counted
 * when the record is read whole (rec_accept): kept by name while the
 * table has room, else among the keys counted without a name. */
static void mark_key(struct reader *rd, const struct unknown_key *k) {
  rd->unknown_last = rd->serial;
  for (uint32_t i = 0; i < rd->nunknown; i++) {
    struct unknown_key *e = &rd->unknown[i];
    if (same_key(e, k)) {
      e->last = rd->serial;
      return;
    }
  }
  if (rd->nunknown == UNKNOWN_KEPT) {
    rd->other_last = rd->serial;
    return;
  }
  struct unknown_key *e = &rd->unknown[rd->nunknown++];
  *e = *k;
  e->records = 0;
  e->last = e->first = rd->serial;
}

/* The order of the keys a --strict fault names: the record's first, then
 * each list's; by name within.  Both readers read a record's keys in
 * different orders, and name the same ones in the same words. */
static int key_order(const struct unknown_key *a, const struct unknown_key *b) {
  uint32_t oa = a->owner == NO_LIST ? 0 : a->owner + 1u, ob = b->owner == NO_LIST ? 0 : b->owner + 1u;
  if (oa != ob) return oa < ob ? -1 : 1;
  int d = memcmp(a->name, b->name, a->n < b->n ? a->n : b->n); /* a key may hold a NUL */
  if (d || a->n != b->n) return d ? d : a->n < b->n ? -1 : 1;
  return (int)a->cut - (int)b->cut;
}

/* --strict: 1 when key k is new to the record being read (now kept in
 * rd->strict_seen), 0 when it came before (a list's items repeat their
 * keys), -1 when out of memory.  One probe per key, most times. */
static int strict_new(struct tier_vm *vm, struct reader *rd, const struct unknown_key *k) {
  uint32_t n = rd->nstrict_seen;
  if (!grow(vm, (void **)&rd->strict_seen, &rd->cap_strict_seen, (size_t)n + 1, sizeof *rd->strict_seen)) return -1;
  if (2 * ((size_t)n + 1) > rd->cap_strict_slots) { /* rehash this record's keys into a table twice the size */
    size_t nc = rd->cap_strict_slots ? rd->cap_strict_slots * 2 : 64;
    uint64_t *t = t_malloc(&vm->hook, nc * sizeof *t);
    if (!t) return -1;
    memset(t, 0, nc * sizeof *t);
    t_free(&vm->hook, rd->strict_slots, rd->cap_strict_slots * sizeof *t);
    rd->strict_slots = t;
    rd->cap_strict_slots = nc;
    rd->nstrict_seen = 0;
    for (uint32_t i = 0; i < n; i++) strict_new(vm, rd, &rd->strict_seen[i]); /* room made: cannot fail */
  }
  /* the record chooses its keys: the VM's keyed hash, as for its texts */
  uint32_t h = (uint32_t)hash_bytes(&vm->hkey, k->name, k->n) ^ k->owner * 0x9e3779b9u ^ (k->cut ? 0x85ebca6bu : 0);
  size_t mask = rd->cap_strict_slots - 1, at = h & mask;
  for (; rd->strict_slots[at] >> 32 == rd->gen && (uint32_t)rd->strict_slots[at]; at = (at + 1) & mask)
    if (same_key(&rd->strict_seen[(uint32_t)rd->strict_slots[at] - 1], k)) return 0;
  if (&rd->strict_seen[rd->nstrict_seen] != k) rd->strict_seen[rd->nstrict_seen] = *k;
  rd->strict_slots[at] = (uint64_t)rd->gen << 32 | ++rd->nstrict_seen;
  return 1;
}

/* --strict: key k of the record being read, kept for its fault: rd->strict
 * holds the STRICT_NAMED first in key_order, each once (records: how many
 * times it came), and strict_more counts the other distinct keys (the
 * fault's "and N more" counts keys, not times).  1 when it is the record's
 * first undeclared key, 0 when not, -1 when out of memory. */
static int strict_key(struct tier_vm *vm, struct reader *rd, const struct unknown_key *k) {
  bool first = rd->nstrict + rd->strict_more == 0;
  int fresh = strict_new(vm, rd, k);
  if (fresh <= 0) {
    for (uint32_t i = 0; fresh == 0 && i < rd->nstrict; i++)
      if (key_order(&rd->strict[i], k) == 0) rd->strict[i].records++;
    return fresh;
  }
  uint32_t i = 0;
  while (i < rd->nstrict && key_order(&rd->strict[i], k) < 0) i++;
  if (i == STRICT_NAMED) {
    rd->strict_more++;
    return first;
  }
  if (rd->nstrict == STRICT_NAMED) { /* the last makes room: one more key */
    rd->nstrict--;
    rd->strict_more++;
  }
  memmove(&rd->strict[i + 1], &rd->strict[i], (rd->nstrict - i) * sizeof *rd->strict);
  rd->strict[i] = *k;
  rd->strict[i].records = 1;
  rd->nstrict++;
  return first;
}

void rec_strict_first(struct tier_vm *vm) {
  struct reader *rd = vm->reader;
  snprintf(rd->strict_err, sizeof rd->strict_err, "%s", vm->err);
  snprintf(rd->strict_path, sizeof rd->strict_path, "%s", vm->path);
}

int rec_strict_end(struct tier_vm *vm) {
  struct reader *rd = vm->reader;
  uint64_t n = rd->nstrict + rd->strict_more;
  if (n == 0) return TIER_OK;
  vm->jerr[0] = 0;
  if (n == 1) { /* said where it stands */
    snprintf(vm->err, sizeof vm->err, "%s", rd->strict_err);
    snprintf(vm->path, sizeof vm->path, "%s", rd->strict_path);
    return TIER_ERECORD;
  }
  struct buf b = {.hook = &vm->hook};
  for (uint32_t i = 0; i < rd->nstrict; i++) {
    struct buf key = {.hook = &vm->hook}, near = {.hook = &vm->hook};
    if (i) buf_printf(&b, "%s", _(", "));
    if (!key_and_near(vm->rs->img, &rd->strict[i], &key, &near, NULL, 0)) b.failed = true;
    else if (*(const char *)near.p) buf_printf(&b, _("%s (did you mean %s?)"), (const char *)key.p, (const char *)near.p);
    else buf_printf(&b, "%s", (const char *)key.p);
    buf_free(&key);
    buf_free(&near);
  }
  if (rd->strict_more)
    buf_printf(&b, NG_(" and %llu more", " and %llu more", rd->strict_more), (unsigned long long)rd->strict_more);
  buf_u8(&b, 0);
  if (b.failed) snprintf(vm->err, sizeof vm->err, "%s", _("out of memory"));
  else text_printf(vm->err, sizeof vm->err, _("unknown fields %s: the rules declare none of them"), (const char *)b.p);
  snprintf(vm->path, sizeof vm->path, "$");
  buf_free(&b);
  return TIER_ERECORD;
}

void rec_unknown_field(const struct image *img, const struct tier_alloc_hook *hook, uint16_t owner, const char *key, size_t n,
                       const char *const *also, size_t nalso, char *why, size_t whylen) {
  struct unknown_key k;
  key_of(&k, owner, key, n);
  struct buf kb = {.hook = hook}, near = {.hook = hook};
  if (!key_and_near(img, &k, &kb, &near, also, nalso)) snprintf(why, whylen, "%s", _("out of memory"));
  else if (*(const char *)near.p)
    text_printf(why, whylen, _("unknown field %s (did you mean %s?): the rules declare no such field"), (const char *)kb.p,
                (const char *)near.p);
  else text_printf(why, whylen, _("unknown field %s: the rules declare no such field"), (const char *)kb.p);
  buf_free(&kb);
  buf_free(&near);
}

int rec_unknown_key(struct tier_vm *vm, uint16_t owner, const char *key, size_t n, char *why, size_t whylen) {
  const struct image *img = vm->rs->img;
  struct reader *rd = vm->reader;
  struct unknown_key k;
  key_of(&k, owner, key, n);
  int first = vm->strict_fields ? strict_key(vm, rd, &k) : 0;
  if (first < 0) {
    snprintf(why, whylen, "%s", _("out of memory"));
    return TIER_ENOMEM;
  }
  if (!vm->strict_fields && rd->numbered && strict_new(vm, rd, &k) < 0) { /* for tier_vm_unknown_take */
    snprintf(why, whylen, "%s", _("out of memory"));
    return TIER_ENOMEM;
  }
  if (vm->strict_fields && !first) return TIER_OK; /* not the record's first: its fault names it too */
  if (vm->strict_fields) {
    rec_unknown_field(img, &vm->hook, owner, key, n, NULL, 0, why, whylen);
    return TIER_ERECORD;
  }
  mark_key(rd, &k);
  return TIER_OK;
}

/* The undeclared keys that peer's reader passed over in the record it read
 * last, marked in rd as if rd had read that record too: the VM that
 * evaluates a record another VM read (tier_eval_read) tells the same
 * unknown fields as if it had read it. */
void rec_unknown_again(struct tier_vm *vm, struct reader *rd, const struct reader *peer) {
  if (peer->unknown_last != peer->serial) return;
  for (uint32_t i = 0; rd->numbered && i < peer->nstrict_seen; i++) /* for tier_vm_unknown_take */
    if (strict_new(vm, rd, &peer->strict_seen[i]) < 0) break;
  for (uint32_t i = 0; i < peer->nunknown; i++)
    if (peer->unknown[i].last == peer->serial) mark_key(rd, &peer->unknown[i]);
  if (peer->other_last == peer->serial) rd->other_last = rd->unknown_last = rd->serial;
}

void rec_accept(struct reader *rd) {
  if (rd->unknown_last != rd->serial) return;
  rd->accept_last = rd->serial;
  rd->unknown_records++;
  for (uint32_t i = 0; i < rd->nunknown; i++)
    if (rd->unknown[i].last == rd->serial) rd->unknown[i].records++;
  if (rd->other_last == rd->serial) rd->other_records++;
}

/* One kept key of the warning: "\"certifed\" (2 records; did you mean
 * \"certified\"?)". */
static void unknown_entry(const struct image *img, const struct unknown_key *k, struct buf *b) {
  struct buf key = {.hook = b->hook}, near = {.hook = b->hook};
  unsigned long long n = k->records;
  if (!key_and_near(img, k, &key, &near, NULL, 0)) b->failed = true;
  else if (*(const char *)near.p)
    buf_printf(b, NG_("%s (%llu record; did you mean %s?)", "%s (%llu records; did you mean %s?)", n), (const char *)key.p, n,
               (const char *)near.p);
  else buf_printf(b, NG_("%s (%llu record)", "%s (%llu records)", n), (const char *)key.p, n);
  buf_free(&key);
  buf_free(&near);
}

uint64_t tier_vm_unknown_fields(const tier_vm *vm, tier_buf *out) {
  const struct reader *rd = vm->reader;
  if (!rd || !rd->unknown_records) return 0;
  const struct image *img = vm->rs->img;
  struct buf b = {.hook = &vm->hook};
  for (uint32_t i = 0; i < rd->nunknown; i++) {
    const struct unknown_key *k = &rd->unknown[i];
    if (!k->records) continue; /* only in the last record, which was rejected */
    if (b.n) buf_printf(&b, "%s", _(", "));
    unknown_entry(img, k, &b);
  }
  if (b.n && rd->other_records) buf_printf(&b, "%s", _(", "));
  if (rd->other_records)
    buf_printf(&b, NG_("and more keys in %llu record", "and more keys in %llu records", rd->other_records),
               (unsigned long long)rd->other_records);
  if (!b.failed) tier_buf_put(out, b.p, b.n);
  buf_free(&b);
  return rd->unknown_records;
}

void tier_vm_number_record(tier_vm *vm, uint64_t n) {
  struct reader *rd = reader_of(vm);
  if (rd && n > rd->serial) rd->serial = n - 1; /* rec_begin counts it */
  if (rd) {
    rd->numbered = true;
    rd->number = n;
  }
}

/* A frame of tier_vm_unknown_take: the count of keys (uint32_t), then
 * each key's owner (uint16_t), cut (uint8_t), length (uint32_t) and bytes,
 * in this machine's byte order: it never leaves the process. */
int tier_vm_unknown_take(const tier_vm *vm, tier_buf *out) {
  const struct reader *rd = vm->reader;
  if (!rd || !rd->numbered || rd->serial != rd->number) return TIER_OK; /* not read: another VM rejected it first */
  if (rd->accept_last != rd->serial || rd->unknown_last != rd->serial) return TIER_OK;
  uint32_t n = rd->nstrict_seen;
  tier_buf_put(out, &n, sizeof n);
  for (uint32_t i = 0; i < n; i++) {
    const struct unknown_key *k = &rd->strict_seen[i];
    uint8_t cut = k->cut;
    uint32_t len = (uint32_t)k->n;
    tier_buf_put(out, &k->owner, sizeof k->owner);
    tier_buf_put(out, &cut, sizeof cut);
    tier_buf_put(out, &len, sizeof len);
    tier_buf_put(out, k->name, len);
  }
  size_t have;
  return tier_buf_text(out, &have) ? TIER_OK : TIER_ENOMEM;
}

/* Bytes [*at, *at + n) of s into p; false when s has fewer. */
static bool frame_get(const char *s, size_t len, size_t *at, void *p, size_t n) {
  if (len - *at < n) return false;
  memcpy(p, s + *at, n);
  *at += n;
  return true;
}

size_t tier_vm_unknown_add(tier_vm *vm, const char *s, size_t len) {
  struct reader *rd = reader_of(vm);
  size_t at = 0;
  uint32_t n;
  if (!rd || !frame_get(s, len, &at, &n, sizeof n)) return 0;
  rd->serial++;
  for (uint32_t i = 0; i < n; i++) {
    struct unknown_key k;
    uint8_t cut;
    uint32_t kn;
    memset(&k, 0, sizeof k);
    if (!frame_get(s, len, &at, &k.owner, sizeof k.owner) || !frame_get(s, len, &at, &cut, sizeof cut) ||
        !frame_get(s, len, &at, &kn, sizeof kn) || kn > UNKNOWN_NAME || !frame_get(s, len, &at, k.name, kn))
      return 0;
    k.n = kn;
    k.cut = cut != 0;
    mark_key(rd, &k);
  }
  if (n) rec_accept(rd);
  return at;
}

/* Put key k (counted in other VM's records) into rd's table, which is in
 * the order of first appearance; when the table is full, the last key
 * goes to the records counted without a name. */
static void merge_key(struct reader *rd, const struct unknown_key *k) {
  uint32_t i = 0;
  for (; i < rd->nunknown; i++) {
    struct unknown_key *e = &rd->unknown[i];
    if (same_key(e, k)) {
      e->records += k->records;
      if (k->first >= e->first) return;
      e->first = k->first; /* moved up to its place */
      for (struct unknown_key t; i > 0 && rd->unknown[i - 1].first > rd->unknown[i].first; i--) {
        t = rd->unknown[i - 1];
        rd->unknown[i - 1] = rd->unknown[i];
        rd->unknown[i] = t;
      }
      return;
    }
  }
  for (i = 0; i < rd->nunknown && rd->unknown[i].first <= k->first; i++) {}
  if (i == UNKNOWN_KEPT) {
    rd->other_records += k->records;
    return;
  }
  if (rd->nunknown == UNKNOWN_KEPT) rd->other_records += rd->unknown[--rd->nunknown].records;
  memmove(&rd->unknown[i + 1], &rd->unknown[i], (rd->nunknown - i) * sizeof *rd->unknown);
  rd->unknown[i] = *k;
  rd->nunknown++;
}

void tier_vm_unknown_merge(tier_vm *vm, const tier_vm *other) {
  const struct reader *o = other->reader;
  struct reader *rd = o && o->unknown_records ? reader_of(vm) : NULL;
  if (!rd) return;
  for (uint32_t i = 0; i < o->nunknown; i++)
    if (o->unknown[i].records) merge_key(rd, &o->unknown[i]);
  rd->unknown_records += o->unknown_records;
  rd->other_records += o->other_records;
}

/* A new record: bump the intern table's generation (clearing it for real
 * only when the counter wraps). */
void rec_begin(struct reader *rd) {
  /* keys only a rejected record had are not told: its error says enough */
  while (rd->nunknown && rd->unknown[rd->nunknown - 1].records == 0) rd->nunknown--;
  rd->serial++;
  rd->nstrict = 0;
  rd->strict_more = 0;
  rd->nstrict_seen = 0;
  if (++rd->gen == 0) {
    if (rd->hash) memset(rd->hash, 0, rd->cap_hash * sizeof *rd->hash);
    if (rd->strict_slots) memset(rd->strict_slots, 0, rd->cap_strict_slots * sizeof *rd->strict_slots);
    memset(rd->memo, 0, sizeof rd->memo);
    rd->gen = 1;
  }
}

void rec_free(struct tier_vm *vm) {
  struct reader *rd = vm->reader;
  if (!rd) return;
  if (rd->root) json_decref((json_t *)rd->root);
  if (rd->c_locale) freelocale(rd->c_locale);
  t_free(&vm->hook, rd->slots, rd->cap_slots * sizeof *rd->slots);
  t_free(&vm->hook, rd->lists, rd->cap_lists * sizeof *rd->lists);
  t_free(&vm->hook, rd->strs, rd->cap_strs * sizeof *rd->strs);
  t_free(&vm->hook, rd->nums, rd->cap_nums * sizeof *rd->nums);
  t_free(&vm->hook, rd->hash, rd->cap_hash * sizeof *rd->hash);
  t_free(&vm->hook, rd->strict_slots, rd->cap_strict_slots * sizeof *rd->strict_slots);
  t_free(&vm->hook, rd->strict_seen, rd->cap_strict_seen * sizeof *rd->strict_seen);
  for (uint32_t l = 0; l < rd->nitems; l++) t_free(&vm->hook, rd->items[l], rd->cap_items[l] * sizeof(int64_t));
  t_free(&vm->hook, rd->items, (rd->nitems + 1) * sizeof *rd->items);
  t_free(&vm->hook, rd->cap_items, (rd->nitems + 1) * sizeof *rd->cap_items);
  t_free(&vm->hook, rd->scratch, rd->cap_scratch);
  t_free(&vm->hook, rd->seen, rd->cap_seen);
  t_free(&vm->hook, rd->id, rd->cap_id);
  t_free(&vm->hook, rd->name, rd->cap_name);
  t_free(&vm->hook, rd->ttab, rd->cap_ttab * sizeof *rd->ttab);
  t_free(&vm->hook, rd->ftab, rd->cap_ftab * sizeof *rd->ftab);
  t_free(&vm->hook, rd->fpos, (vm->rs->img->nfields + 1) * sizeof *rd->fpos);
  t_free(&vm->hook, rd->keys, (vm->rs->img->nfields + vm->rs->img->nlists + 2) * sizeof *rd->keys);
  t_free(&vm->hook, rd->order, (vm->rs->img->nfields + vm->rs->img->nlists + 2) * sizeof *rd->order);
  t_free(&vm->hook, rd->ehash, (vm->rs->img->nenums + 1) * sizeof *rd->ehash);
  t_free(&vm->hook, rd->eslots, rd->neslots);
  t_free(&vm->hook, rd->evals, rd->nevals * sizeof *rd->evals);
  t_free(&vm->hook, rd, sizeof *rd);
  vm->reader = NULL;
}

bool grow_to(struct tier_vm *vm, void **p, size_t *cap, size_t need, size_t elem) {
  size_t c = *cap ? *cap : 64;
  while (c < need) c *= 2;
  void *q = t_realloc(&vm->hook, *p, *cap * elem, c * elem);
  if (!q) return false;
  *p = q;
  *cap = c;
  return true;
}

struct ctx {
  struct tier_vm *vm;
  struct reader *rd;
  const struct image *img;
  uint32_t nstrs, nnums;
  char *path;
  size_t pathlen;
};

static int fault(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fault(struct ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  text_vprintf(c->vm->err, sizeof c->vm->err, fmt, ap);
  va_end(ap);
  return TIER_ERECORD;
}

static const char *json_kind(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return _("an object");
  case JSON_ARRAY: return _("an array");
  case JSON_STRING: return _("a string");
  case JSON_INTEGER: return _("an integer");
  case JSON_REAL: return _("a decimal number");
  case JSON_TRUE: case JSON_FALSE: return _("a boolean");
  default: return "null";
  }
}

/* A text of field f (its tier field's name too: not keyed). */
static int intern(struct ctx *c, const struct img_field *f, const char *s, size_t n, int64_t *out) {
  return rec_intern(c->vm, c->rd, &c->nstrs, s, n, c->vm->keyed[f - c->img->fields], out);
}

/* The path of c's value one key deeper (rec_path_key) */
static void path_key(struct ctx *c, const char *key) {
  c->pathlen = rec_path_key(c->vm->path, sizeof c->vm->path, c->pathlen, key);
}

/* Back to the path as it was at mark, a length the builders returned: the
 * room itself when the path was already cut, which it still is (the
 * builders put nothing more into a cut path, and it holds its NUL). */
static void path_back(struct ctx *c, size_t mark) {
  c->pathlen = mark;
  if (mark < sizeof c->vm->path) c->vm->path[mark] = 0;
}

/* One scalar value of field f into *out. */
static int scalar(struct ctx *c, const struct img_field *f, json_t *v, int64_t *out) {
  const struct image *img = c->img;
  if (!v || json_is_null(v)) {
    if (f->flags & FF_OPT) { *out = TIER_NONE; return TIER_OK; }
    return fault(c, v ? _("required field is null") : _("missing required field"));
  }
  switch (f->kind) {
  case TY_TEXT:
    if (!json_is_string(v)) return fault(c, _("expected a string, found %s"), json_kind(v));
    return intern(c, f, json_string_value(v), json_string_length(v), out);
  case TY_INT:
    if (!json_is_integer(v)) return fault(c, _("expected an integer, found %s"), json_kind(v));
    if (json_integer_value(v) > LIM_INT || json_integer_value(v) < -LIM_INT)
      return fault(c, _("integer %lld is out of range (limit %lld)"), (long long)json_integer_value(v), (long long)LIM_INT);
    *out = json_integer_value(v);
    return TIER_OK;
  case TY_NUMBER: {
    if (!json_is_number(v)) return fault(c, _("expected a number, found %s"), json_kind(v));
    /* jansson keeps integers exactly and reals as doubles: a real is taken
     * as the shortest decimal that reads back as the same double, which is
     * the written decimal when it has at most 15 significant digits (the
     * streaming reader in json.c reads any decimal exactly) */
    char t[40];
    if (json_is_integer(v)) snprintf(t, sizeof t, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else
      for (int prec = 1; prec <= 17; prec++) {
        snprintf(t, sizeof t, "%.*g", prec, json_real_value(v));
        if (strtod(t, NULL) == json_real_value(v)) break;
      }
    struct num q;
    if (num_parse(t, strlen(t), &q) != NUM_OK) return fault(c, _("number %s is out of range"), t);
    return rec_number(c->vm, c->rd, &c->nnums, q, out);
  }
  case TY_MONEY: {
    if (json_is_integer(v)) {
      json_int_t i = json_integer_value(v);
      if (i > LIM_INT / 100 || i < -LIM_INT / 100) return fault(c, _("amount %lld is out of range"), (long long)i);
      *out = (int64_t)i * 100;
      return TIER_OK;
    }
    if (!json_is_real(v)) return fault(c, _("expected an amount (a number), found %s"), json_kind(v));
    double d = json_real_value(v), x = d * 100.0, r = nearbyint(x);
    if (!(fabs(x) <= (double)LIM_INT)) return fault(c, _("amount %.17g is out of range"), d);
    /* exact in cents: x differs from a whole number only by rounding */
    if (fabs(x - r) > fabs(x) * 1e-12 + 1e-7) return fault(c, _("amount %.17g is not exact in cents (at most two decimals)"), d);
    *out = (int64_t)r;
    return TIER_OK;
  }
  case TY_BOOL:
    if (!json_is_boolean(v)) return fault(c, _("expected true or false, found %s"), json_kind(v));
    *out = json_is_true(v);
    return TIER_OK;
  case TY_DATE: {
    if (!json_is_string(v)) return fault(c, _("expected a date \"YYYY-MM-DD\", found %s"), json_kind(v));
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (!date_parse(s, n, out)) {
      if (n > 40) return fault(c, _("not a date (YYYY-MM-DD)"));
      return fault(c, _("'%.*s' is not a calendar date (YYYY-MM-DD)"), (int)n, s);
    }
    return TIER_OK;
  }
  case TY_TIER: /* the text, made a tier once the record's type is known (rec_tiers) */
    if (!json_is_string(v)) return fault(c, _("expected a tier's name, found %s"), json_kind(v));
    return intern(c, f, json_string_value(v), json_string_length(v), out);
  case TY_ENUM: {
    const struct img_enum *e = &img->enums[f->ref];
    if (!json_is_string(v)) return fault(c, _("expected one of the values of %s, found %s"), img_str(img, e->name), json_kind(v));
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    int k = rec_enum_value(img, e, s, n);
    if (k >= 0) { *out = k; return TIER_OK; }
    char allowed[256];
    rec_enum_allowed(img, e, allowed, sizeof allowed);
    return fault(c, _("unknown value '%.*s%s' (allowed: %s)"), (int)utf8_prefix(s, n, 60), s, n > 60 ? "..." : "", allowed);
  }
  }
  return fault(c, _("field has an unknown type"));
}

/* Intern a text value: equal texts in one record get one handle (the
 * index of its first occurrence).  Open addressing with linear probing over
 * the VM's keyed hash, so that no record can make its texts collide; the
 * hash is kept with the text for count distinct.  Entries carry the
 * record's generation, so a new record starts with an empty table without
 * clearing it. */
int rec_intern_keyed(struct tier_vm *vm, struct reader *rd, uint32_t *nstrs, const char *s, size_t n, int64_t *out) {
  uint64_t g = (uint64_t)rd->gen << 32;
  if (2 * (size_t)((*nstrs) + 1) > rd->cap_hash) {
    size_t nc = rd->cap_hash ? rd->cap_hash * 2 : 256;
    uint64_t *h = t_realloc(&vm->hook, rd->hash, rd->cap_hash * sizeof *h, nc * sizeof *h);
    if (!h) return TIER_ENOMEM;
    rd->hash = h;
    rd->cap_hash = nc;
    memset(h, 0, nc * sizeof *h);
    for (uint32_t i = 0; i < (*nstrs); i++) { /* rehash this record's keyed texts */
      if (rd->strs[i].hash & TEXT_UNKEYED) continue;
      uint32_t k = rd->strs[i].hash & (uint32_t)(nc - 1);
      for (rd->probes++; h[k] >> 32 == rd->gen && (uint32_t)h[k]; rd->probes++) k = (k + 1) & (uint32_t)(nc - 1);
      h[k] = g | (i + 1);
    }
  }
  uint32_t hash = (uint32_t)hash_bytes(&vm->hkey, s, n) & ~TEXT_UNKEYED;
  uint32_t mask = (uint32_t)(rd->cap_hash - 1), k = hash & mask;
  for (; rd->hash[k] >> 32 == rd->gen && (uint32_t)rd->hash[k]; k = (k + 1) & mask) {
    rd->probes++;
    uint32_t i = (uint32_t)rd->hash[k] - 1;
    const struct rec_str *e = &rd->strs[i];
    if (e->hash == hash && e->n == n && scan_same(e->p, s, n)) {
      *out = i;
      return TIER_OK;
    }
  }
  rd->probes++;
  if (n > UINT32_MAX || !grow(vm, (void **)&rd->strs, &rd->cap_strs, (*nstrs) + 1, sizeof *rd->strs)) return TIER_ENOMEM;
  rd->strs[(*nstrs)].p = s;
  rd->strs[(*nstrs)].n = (uint32_t)n;
  rd->strs[(*nstrs)].hash = hash;
  rd->hash[k] = g | ((*nstrs) + 1);
  *out = (*nstrs)++;
  return TIER_OK;
}

/* Keep a number of the record: its slot gets the number's index. */
int rec_number(struct tier_vm *vm, struct reader *rd, uint32_t *nnums, struct num q, int64_t *out) {
  if (!grow(vm, (void **)&rd->nums, &rd->cap_nums, (size_t)*nnums + 1, sizeof *rd->nums)) return TIER_ENOMEM;
  rd->nums[*nnums] = q;
  *out = (*nnums)++;
  return TIER_OK;
}

/* list l's key in its parent's JSON object */
static const char *list_name(const struct image *img, uint32_t l) { return img_str(img, img->fields[img->lists[l].field].key); }

/* The items of list l in a (any JSON value; only an array has items) and
 * in the lists inside them, added to each list's count: the layout pass.
 * Lists nest at most LIM_LIST_DEPTH deep, and so does this recursion. */
static void count_items(const struct image *img, struct rec_list *lists, uint32_t l, json_t *a) {
  size_t n = json_is_array(a) ? json_array_size(a) : 0;
  lists[l].n = n > UINT32_MAX - lists[l].n ? UINT32_MAX : lists[l].n + (uint32_t)n;
  for (size_t i = 0; i < n; i++) {
    json_t *it = json_array_get(a, i);
    if (!json_is_object(it)) continue;
    for (uint32_t f = 0; f < img->nfields; f++)
      if (img->fields[f].owner == l && img->fields[f].kind == TY_LIST)
        count_items(img, lists, img->fields[f].ref, json_object_get(it, img_str(img, img->fields[f].key)));
  }
}

static int fill_object(struct ctx *c, uint16_t owner, json_t *obj, int64_t *row);

/* The items of list l from v (NULL: absent, which is empty) into the
 * list's items, after those read so far; *slot, the list's slot in the
 * record or the parent item, gets where they are (LIST_SLOT). */
static int fill_list(struct ctx *c, uint32_t l, json_t *v, int64_t *slot) {
  const struct image *img = c->img;
  struct rec_list *L = &c->rd->lists[l];
  if (v && !json_is_array(v)) {
    if (json_is_null(v)) return fault(c, _("a list may be absent but not null"));
    return fault(c, _("expected a list (JSON array), found %s"), json_kind(v));
  }
  uint32_t start = L->n, n = v ? (uint32_t)json_array_size(v) : 0; /* counted by count_items */
  *slot = LIST_SLOT(start, n);
  L->n += n;
  for (uint32_t i = 0; i < n; i++) {
    json_t *it = json_array_get(v, i);
    size_t mark = c->pathlen;
    c->pathlen = rec_path_index(c->vm->path, sizeof c->vm->path, c->pathlen, i);
    if (!json_is_object(it))
      return fault(c, _("expected %s, found %s"), _("a list item (an object)"), json_kind(it)); /* as json.c */
    int rc = fill_object(c, (uint16_t)l, it, L->items + (size_t)(start + i) * img->lists[l].width);
    if (rc) return rc;
    path_back(c, mark);
  }
  return TIER_OK;
}

/* The fields of `owner` (NO_LIST: the record) from object obj into row,
 * in schema order. */
static int fill_object(struct ctx *c, uint16_t owner, json_t *obj, int64_t *row) {
  const struct image *img = c->img;
  for (uint32_t fi = 0; fi < img->nfields; fi++) {
    const struct img_field *f = &img->fields[fi];
    if (f->owner != owner) continue;
    const char *name = img_str(img, f->key);
    json_t *v = json_object_get(obj, name);
    size_t mark = c->pathlen;
    path_key(c, name);
    int rc = f->kind == TY_LIST ? fill_list(c, f->ref, v, &row[f->slot]) : scalar(c, f, v, &row[f->slot]);
    if (rc) return rc;
    path_back(c, mark);
  }
  /* keys the schema does not declare: tallied, or with strict_fields a fault */
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    uint32_t fi = 0;
    while (fi < img->nfields && (img->fields[fi].owner != owner || strcmp(img_str(img, img->fields[fi].key), key) != 0)) fi++;
    char why[sizeof c->vm->err];
    if (fi == img->nfields && rec_unknown_key(c->vm, owner, key, strlen(key), why, sizeof why)) {
      fault(c, "%s", why); /* the record's first undeclared key: read on (rec_strict_end) */
      rec_strict_first(c->vm);
    }
  }
  return TIER_OK;
}

/* The reference reader: jansson builds a tree, then the tree is checked
 * against the schema.  tiervm uses the streaming reader in json.c; this one
 * stays as its oracle (test_json.c feeds both the same inputs). */
static int parse_ref(struct tier_vm *vm, const char *json, size_t len, struct record *out) {
  struct reader *rd = reader_of(vm);
  vm->path[0] = 0;
  vm->err[0] = 0;
  vm->res.id = NULL;
  if (!rd) { snprintf(vm->err, sizeof vm->err, _("out of memory")); return TIER_ENOMEM; }
  if (rd->root) { json_decref((json_t *)rd->root); rd->root = NULL; }
  rec_begin(rd);
  json_error_t je;
  json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
  if (!root) {
    const char *bom = json_bom_token(json, len, (size_t)je.position, json_error_code(&je) == json_error_invalid_syntax);
    json_syntax_text(vm->err, sizeof vm->err, je.line, je.column, bom ? bom : je.text);
    snprintf(vm->jerr, sizeof vm->jerr, "%s", bom ? bom : je.text);
    vm->err_line = je.line;
    vm->err_col = je.column;
    return TIER_ERECORD;
  }
  rd->root = root;
  const struct image *img = vm->rs->img;
  struct ctx c = {vm, rd, img, 0, 0, vm->path, 0};
  c.pathlen = rec_path_put(vm->path, sizeof vm->path, 0, "$", 1);
  if (!json_is_object(root)) return fault(&c, _("a record must be a JSON object, found %s"), json_kind(root));
  /* the id first, so that any later error can name the record */
  if (img->id_field >= 0) {
    json_t *idv = json_object_get(root, img_str(img, img->fields[img->id_field].key));
    if (json_is_string(idv)) {
      if (memchr(json_string_value(idv), 0, json_string_length(idv))) {
        path_key(&c, img_str(img, img->fields[img->id_field].key));
        return fault(&c, _("the id contains a NUL character (\\u0000)"));
      }
      vm->res.id = json_string_value(idv);
    }
  }
  /* lay out: top slots, then each list's items (an inner list's over all
   * its parent items) */
  if (!grow(vm, (void **)&rd->lists, &rd->cap_lists, img->nlists + 1, sizeof *rd->lists)) return TIER_ENOMEM;
  for (uint32_t l = 0; l < img->nlists; l++) rd->lists[l].n = 0;
  size_t nslots = img->ntop;
  uint32_t max_list = 0;
  for (uint32_t l = 0; l < img->nlists; l++) {
    if (img->lists[l].parent == NO_LIST) count_items(img, rd->lists, l, json_object_get(root, list_name(img, l)));
    if (rd->lists[l].n > MAX_ITEMS) {
      path_key(&c, list_name(img, l));
      return fault(&c, _("list has %u items; the limit is %u"), rd->lists[l].n, MAX_ITEMS);
    }
    if (rd->lists[l].n > max_list) max_list = rd->lists[l].n;
    nslots += (size_t)rd->lists[l].n * img->lists[l].width;
  }
  if (!grow(vm, (void **)&rd->slots, &rd->cap_slots, nslots + 1, sizeof *rd->slots)) return TIER_ENOMEM;
  size_t at = img->ntop;
  for (uint32_t l = 0; l < img->nlists; l++) {
    rd->lists[l].items = rd->slots + at;
    at += (size_t)rd->lists[l].n * img->lists[l].width;
    rd->lists[l].n = 0; /* filled again item by item */
  }
  /* fields in schema order; list items row by row */
  int rc = fill_object(&c, NO_LIST, root, rd->slots);
  if (rc) return rc;
  vm->path[0] = 0;
  if ((rc = rec_strict_end(vm))) return rc;
  out->top = rd->slots;
  out->lists = rd->lists;
  out->strs = rd->strs;
  out->nstrs = c.nstrs;
  out->nums = rd->nums;
  out->nnums = c.nnums;
  out->max_list = max_list;
  out->hkey = &vm->hkey;
  if ((rc = rec_tiers(vm, out))) return rc;
  rec_accept(rd);
  return TIER_OK;
}

/* The reference reader writes and reads doubles with printf and strtod,
 * which follow the program's locale (under de_DE, 1.5 is "1,5"): it runs in
 * the C locale, for this thread only, so that what it reads and says is the
 * same whatever locale the program has set. */
int rec_parse_ref(struct tier_vm *vm, const char *json, size_t len, struct record *out) {
  struct reader *rd = reader_of(vm);
  if (rd && !rd->c_locale) rd->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
  if (!rd || !rd->c_locale) {
    snprintf(vm->err, sizeof vm->err, "%s", _("out of memory"));
    return TIER_ENOMEM;
  }
  locale_t was = uselocale(rd->c_locale);
  int rc = parse_ref(vm, json, len, out);
  uselocale(was);
  return rc;
}
