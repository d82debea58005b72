/*
 * symtab.c - names to indexes for the compiler's lookups (see compile.h).
 *
 * Sema looks up a name at every reference: a scan of the fields or the
 * metrics made compiling quadratic in their number (1,000 metrics, each
 * naming a few others, cost a million string comparisons).  One hash
 * table holds every kind of name, keyed by (kind, owner, name) under a
 * random SipHash key (hash_bytes: the source chooses the names, so they
 * must not be able to collide on purpose).
 *
 * The arrays it indexes only grow, one entry at a time, each complete
 * before the next lookup: so the table is filled lazily, a lookup first
 * taking in the entries its kind's array gained since the last one.  Of
 * equal keys the first is kept, so a lookup answers what a scan from the
 * start would.  Out of memory, lookups fall back to that scan.
 */
#include <string.h>

#include "compile.h"

struct sym {
  uint32_t hash;
  uint8_t kind;
  int32_t owner;
  int32_t index; /* -1: an empty slot */
};

struct symtab {
  struct sym *slots; /* open addressing, linear probing; cap is a power of 2 */
  uint32_t cap, n;
  int done[SYM_KINDS]; /* entries of each kind's array taken in so far */
  struct hash_key key;
  bool failed; /* out of memory: scan */
};

/* Entry i of kind k: its name, and its owner (a field's or metric's list,
 * -1 for the record; a tier's partner type; -1 for the kinds that have
 * none).  A tier without a display name has no SYM_DISPLAY entry. */
static const char *entry(const struct comp *c, enum sym_kind k, int i, int *owner) {
  *owner = -1;
  switch (k) {
  case SYM_ENUM: return c->enums[i].name;
  case SYM_FIELD: *owner = c->fields[i].owner; return c->fields[i].name;
  case SYM_METRIC: *owner = c->metrics[i].list; return c->metrics[i].name;
  case SYM_CONST: return c->consts[i].name;
  case SYM_FORMULA: return c->formulas[i].name;
  case SYM_TABLE: return c->tables[i].name;
  case SYM_BLOCK: return c->blocks[i].name;
  case SYM_TIER: *owner = c->tier_items[i].ptype; return c->tier_items[i].n->name;
  case SYM_DISPLAY: *owner = c->tier_items[i].ptype; return c->tier_items[i].n->b ? c->tier_items[i].n->b->str : NULL;
  case SYM_BADGE: return c->badge_items[i].n->name;
  case SYM_KINDS: break;
  }
  return NULL;
}

static int count(const struct comp *c, enum sym_kind k) {
  switch (k) {
  case SYM_ENUM: return c->nenums;
  case SYM_FIELD: return c->nfields;
  case SYM_METRIC: return c->nmetrics;
  case SYM_CONST: return c->nconsts;
  case SYM_FORMULA: return c->nformulas;
  case SYM_TABLE: return c->ntables;
  case SYM_BLOCK: return c->nblocks;
  case SYM_TIER:
  case SYM_DISPLAY: return c->ntier_items;
  case SYM_BADGE: return c->nbadge_items;
  case SYM_KINDS: break;
  }
  return 0;
}

static uint32_t key_hash(const struct symtab *t, enum sym_kind k, int owner, const char *name) {
  uint64_t h = hash_bytes(&t->key, name, strlen(name));
  return (uint32_t)(h ^ h >> 32) ^ (uint32_t)k * 0x9E3779B1u ^ (uint32_t)(owner + 1) * 0x85EBCA77u;
}

/* The slot that holds (k, owner, name), or the empty slot where it goes. */
static struct sym *slot(const struct comp *c, const struct symtab *t, enum sym_kind k, int owner, const char *name, uint32_t h) {
  for (uint32_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
    struct sym *s = &t->slots[i];
    if (s->index < 0) return s;
    int o;
    if (s->hash == h && s->kind == k && s->owner == owner && strcmp(entry(c, k, s->index, &o), name) == 0) return s;
  }
}

/* Twice the room (or the first table), every entry moved over. */
static bool grow(struct comp *c, struct symtab *t) {
  uint32_t cap = t->cap ? 2 * t->cap : 64;
  struct sym *old = t->slots, *s = arena_alloc(&c->ar, sizeof *s * cap);
  if (!s) return false;
  for (uint32_t i = 0; i < cap; i++) s[i].index = -1;
  uint32_t oldcap = t->cap;
  t->slots = s;
  t->cap = cap;
  for (uint32_t i = 0; i < oldcap; i++)
    if (old[i].index >= 0) {
      int o;
      *slot(c, t, old[i].kind, old[i].owner, entry(c, old[i].kind, old[i].index, &o), old[i].hash) = old[i];
    }
  return true;
}

/* Take in the entries of kind k added since the last lookup. */
static bool catch_up(struct comp *c, struct symtab *t, enum sym_kind k) {
  int n = count(c, k);
  if (n < t->done[k]) return false; /* the array was reset (out of memory) */
  for (; t->done[k] < n; t->done[k]++) {
    if (2 * (t->n + 1) > t->cap && !grow(c, t)) return false;
    int owner;
    const char *name = entry(c, k, t->done[k], &owner);
    if (!name) continue;
    uint32_t h = key_hash(t, k, owner, name);
    struct sym *s = slot(c, t, k, owner, name, h);
    if (s->index >= 0) continue; /* the first of equal names stays */
    *s = (struct sym){h, (uint8_t)k, owner, t->done[k]};
    t->n++;
  }
  return true;
}

static int scan(const struct comp *c, enum sym_kind k, const char *name, int owner) {
  for (int i = 0, n = count(c, k); i < n; i++) {
    int o;
    const char *e = entry(c, k, i, &o);
    if (e && o == owner && strcmp(e, name) == 0) return i;
  }
  return -1;
}

int sym_find(struct comp *c, enum sym_kind k, const char *name, int owner) {
  if (k != SYM_FIELD && k != SYM_METRIC && k != SYM_TIER && k != SYM_DISPLAY) owner = -1;
  struct symtab *t = c->sym;
  if (!t) {
    t = c->sym = arena_alloc(&c->ar, sizeof *t);
    if (t) hash_key_new(&t->key);
  }
  if (!t || t->failed || !catch_up(c, t, k)) {
    if (t) t->failed = true;
    return scan(c, k, name, owner);
  }
  if (!t->cap) return -1;
  return slot(c, t, k, owner, name, key_hash(t, k, owner, name))->index;
}
