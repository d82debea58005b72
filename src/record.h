/*
 * record.h - the state shared by the two JSON readers (json.c, the
 * streaming one tiervm uses, and record.c, the jansson reference): reused
 * buffers of packed records and the per-record intern table of texts.
 */
#ifndef TIER_RECORD_H
#define TIER_RECORD_H

#include <locale.h>

#include "vm.h"
#include "scan.h"

/* A record's JSON path: its buffer's bytes, and the mark of a cut one (rec_path_put) */
#define REC_PATH_ROOM 256
#define REC_PATH_CUT TEXT_CUT /* as every text cut in a fixed buffer (tier_int.h) */
#define REC_PATH_SHOWN(room) ((room) - sizeof REC_PATH_CUT)

#define MAX_ITEMS (1u << 24) /* list items per record */
#define UNKNOWN_KEPT 32      /* undeclared keys told by name (rec_unknown_key) */
#define UNKNOWN_NAME 64      /* bytes of such a key kept, cut on a character boundary */
#define STRICT_NAMED 4       /* --strict: undeclared keys of one record named in its fault */

/* A key that records have and the schema does not declare, and the number
 * of records that had it. */
struct unknown_key {
  char name[UNKNOWN_NAME + 1];
  size_t n;                /* bytes of name kept */
  bool cut;                /* the key was longer */
  uint16_t owner;          /* NO_LIST (the record) or the list whose items have it */
  uint64_t records, last;  /* records read with it; the serial of the last that had it */
  uint64_t first;          /* the serial of the first that had it (tier_vm_unknown_merge) */
};

/* A field's JSON key as json.c matches it: its bytes, and whether they are
 * also how it is written in JSON (no quote, backslash or control character
 * to escape), so that a key can be matched undecoded; when it is, and its
 * name is at most 13 bytes (short_raw), pat is the key with its quotes and
 * the colon after them ("name":). */
struct field_key {
  const char *name;
  uint32_t n;
  bool raw, short_raw;
  uint32_t fi;        /* the field's index */
  struct img_field f; /* and the field, read at every key */
  struct scan_pat pat;
};

/* The values of one enum by hash (json.c enum_find): rd->eslots[at + h]
 * holds a value's ordinal + 1 (0: empty) for h from the top `bits` bits of
 * a multiplicative hash of the value's name, the next slots on collision;
 * the table is at most a quarter full. */
struct enum_hash {
  uint32_t at;
  uint8_t bits;
  uint32_t vat; /* its first value in rd->evals */
};

/* One value of an enum as json.c enum_find compares it: its name and
 * length, and the name with its closing quote as a pattern (q), which a
 * plain string in place matches exactly when it is the value; a value of
 * over 15 bytes, or with a byte JSON escapes, has a q that matches nothing
 * (no such string can be it). */
struct enum_val {
  const char *name;
  uint32_t n;
  struct scan_pat q;
};

/* A keyed text of up to eight bytes read in the current record (json.c
 * keyed_text): its bytes, length, the record's generation and handle. */
struct text_memo {
  uint64_t w;
  uint32_t n, gen, i;
};
#define TEXT_MEMO_BITS 8

/* The memo slot of a text of n bytes (1 to 8) whose bytes are w, as
 * scan_load has them: an unkeyed multiplicative hash (json.c keyed_text;
 * tests/unit/test_flood.c picks texts that collide by it). */
static inline uint32_t text_memo_slot(uint64_t w, size_t n) {
  return (uint32_t)(((w ^ n) * 0x9E3779B97F4A7C15u) >> (64 - TEXT_MEMO_BITS));
}

struct reader {
  int64_t *slots;  size_t cap_slots;
  struct rec_list *lists; size_t cap_lists;
  struct rec_str *strs; size_t cap_strs;
  struct num *nums; size_t cap_nums;  /* the record's numbers; slots hold their index */
  uint64_t *hash; size_t cap_hash; /* (generation << 32) | (index + 1) */
  uint32_t gen;            /* bumped per record: clears the table for free */
  struct text_memo memo[1 << TEXT_MEMO_BITS]; /* json.c keyed_text: the record's short keyed texts by their bytes */
  uint64_t probes;         /* slots looked at by rec_intern, in all records (tests count work with it) */
  uint64_t keys_looked_up; /* keys json.c decoded and looked up, not matched as expected (tests count them) */
  uint64_t number_steps;   /* turns of the long-number readers' loops, json.c money and integer
                            * (tests hold them linear in the number's length) */
  size_t nslots;
  void *root;              /* jansson tree (reference reader): strings point into it */
  locale_t c_locale;       /* the C locale the reference reader runs in (0: not made yet) */
  /* streaming reader (json.c) */
  int64_t **items; size_t *cap_items; uint32_t nitems; /* per list: item slots */
  char *scratch; size_t cap_scratch;   /* decoded strings of the current record */
  bool *seen;                          /* fields seen in the current object (bool: no store of it aliases a pointer) */
  size_t cap_seen;
  uint32_t *ftab; size_t cap_ftab;     /* field names of wide owners: field index + 1 */
  uint32_t *fpos;                      /* field index -> its place among its owner's */
  struct field_key *keys;              /* each owner's keys in vm->owner_fields' order, then one matching nothing (json.c) */
  uint32_t *order;                     /* per owner: the place of the key learnt to come first, then after each (json.c) */
  struct enum_hash *ehash;             /* per enum of the schema (json.c) */
  uint8_t *eslots;                     /* their tables, one after the other */
  size_t neslots;                      /* bytes at eslots */
  struct enum_val *evals;              /* their values, enum after enum (enum_hash.vat) */
  size_t nevals;
  char *id; size_t cap_id;             /* the current record's id, NUL-terminated */
  char *name; size_t cap_name;         /* its name (rec_name), NUL-terminated */
  int32_t name_field;                  /* the schema's "name" field, -1 if none (set on creation) */
  /* the tiers' identifiers and display names, keyed (record.c, tier_named):
   * 2 x tier + 1 for an identifier, + 2 for a display name; 0 empty */
  uint32_t *ttab;
  size_t cap_ttab;
  uint64_t tier_probes;                /* slots looked at by tier_named (tests count work with it) */
  uint64_t serial;                     /* records begun (rec_begin) */
  /* keys the schema does not declare, passed over (rec_unknown_key): the
   * first UNKNOWN_KEPT by name, the records with any other counted together */
  struct unknown_key unknown[UNKNOWN_KEPT];
  uint32_t nunknown;
  /* --strict: the undeclared keys of the record being read, the first
   * STRICT_NAMED distinct ones by name, the others counted (strict_more),
   * refused in one fault when it has been read (rec_strict_end); the
   * first one's fault as its reader said it, with where it stands */
  struct unknown_key strict[STRICT_NAMED];
  uint32_t nstrict;
  uint64_t strict_more; /* distinct keys past the named ones */
  /* every distinct undeclared key of the record being read, so that a key
   * a list's items repeat is counted once: by hash, (gen << 32) | (index
   * + 1) into strict_seen, gen as the intern table's */
  uint64_t *strict_slots;
  size_t cap_strict_slots;
  struct unknown_key *strict_seen;
  size_t cap_strict_seen;
  uint32_t nstrict_seen;
  char strict_err[512], strict_path[REC_PATH_ROOM];
  uint64_t unknown_records, unknown_last;  /* records read with any such key */
  uint64_t other_records, other_last;      /* those with one not kept by name */
  /* numbered (tier_vm_number_record): strict_seen also keeps the record's
   * keys without --strict, for tier_vm_unknown_take; accept_last: the
   * serial of the last record rec_accept counted; number: the record
   * tier_vm_number_record numbered last (read when serial is it) */
  bool numbered;
  uint64_t number;
  uint64_t accept_last;
};

struct reader *reader_of(struct tier_vm *vm);
/* A record's JSON path ("$.customers[3][\"open deals\"]") is built in a
 * buffer of REC_PATH_ROOM bytes (vm->path, and the paths of tierc test's
 * profiles), piece by piece: a byte of "$", of ".name" or of "[3]", a
 * whole character or escape of a bracketed key.  A path that would pass
 * REC_PATH_SHOWN bytes keeps its first pieces within them and ends with
 * REC_PATH_CUT ("..."), which no whole path ends with; the length the
 * builders then return is room, so that nothing more is put.  Each builder
 * takes the path[0 .. len) so far and returns the new length (record.c);
 * REC_PATH_ROOM and the mark are defined at the top of this file. */
/* ASCII text s (n bytes: "$", "[3]") put after the path */
size_t rec_path_put(char *path, size_t room, size_t len, const char *s, size_t n);
/* "[i]" put after the path */
size_t rec_path_index(char *path, size_t room, size_t len, uint64_t i);
/* Key `key` put after the path: ".key" for a plain name, else ["key"],
 * the key a JSON string as out_json_str writes it (json_esc). */
size_t rec_path_key(char *path, size_t room, size_t len, const char *key);
int rec_enum_value(const struct image *img, const struct img_enum *e, const char *s, size_t n);
void rec_enum_allowed(const struct image *img, const struct img_enum *e, char *out, size_t size);
/* Make *p (*cap elements of elem bytes) hold at least need elements,
 * doubling; false when out of memory (*p is then as it was).  Inline, for
 * the reader asks at every text and item and nearly always has room. */
bool grow_to(struct tier_vm *vm, void **p, size_t *cap, size_t need, size_t elem);
static inline bool grow(struct tier_vm *vm, void **p, size_t *cap, size_t need, size_t elem) {
  return need <= *cap || grow_to(vm, p, cap, need, elem);
}
void rec_begin(struct reader *rd);
/* A text of the record read: its handle in *out.  keyed (rs->keyed of its
 * field): hashed and interned, one handle for equal keyed texts; else a
 * handle of its own (struct rec_str), inline, for that is most texts and
 * the call cost more than the work. */
int rec_intern_keyed(struct tier_vm *vm, struct reader *rd, uint32_t *nstrs, const char *s, size_t n, int64_t *out);
static inline int rec_intern(struct tier_vm *vm, struct reader *rd, uint32_t *nstrs, const char *s, size_t n, bool keyed,
                             int64_t *out) {
  if (keyed) return rec_intern_keyed(vm, rd, nstrs, s, n, out);
  if (n > UINT32_MAX || !grow(vm, (void **)&rd->strs, &rd->cap_strs, (*nstrs) + 1, sizeof *rd->strs)) return TIER_ENOMEM;
  rd->strs[*nstrs] = (struct rec_str){s, (uint32_t)n, TEXT_UNKEYED | ((*nstrs * 0x9E3779B1u) >> 1)};
  *out = (*nstrs)++;
  return TIER_OK;
}
int rec_number(struct tier_vm *vm, struct reader *rd, uint32_t *nnums, struct num q, int64_t *out);
/* The record's "name": its top-level text field of that name, as "id" is its
 * id, copied NUL-terminated (cut at a NUL it holds) for the outputs that show
 * partners to people.  NULL when the schema has no such field, the record
 * gives none, or memory ran out; valid until the next record. */
const char *rec_name(struct tier_vm *vm, const struct record *r);
/* The schema's top-level text field named "name" (the partner's name in
 * results), -1 if none. */
int32_t rec_name_field(const struct image *img);
/* A key of an object of `owner` (NO_LIST: the record) that the schema
 * does not declare.  With tier_options.strict_fields it is the record's
 * fault: why gets the message and the result is TIER_ERECORD.  Otherwise
 * it is passed over and marked for tier_vm_unknown_fields (memory: a fixed
 * table, whatever the input), and the result is TIER_OK.  Both readers
 * call it, so that they agree. */
int rec_unknown_key(struct tier_vm *vm, uint16_t owner, const char *key, size_t n, char *why, size_t whylen);
/* The fault of such a key into why, one wording for tiervm --strict and
 * tierc test's profiles: "unknown field \"certifed\" (did you mean
 * \"certified\"?): the rules declare no such field" (an item's key: "\"okk\"
 * in items[]"), suggesting the closest key of a field of owner or of
 * also[0 .. nalso) (a rule test's own keys). */
void rec_unknown_field(const struct image *img, const struct tier_alloc_hook *hook, uint16_t owner, const char *key, size_t n,
                       const char *const *also, size_t nalso, char *why, size_t whylen);
/* The record was read whole: count the keys rec_unknown_key marked in it
 * (a rejected record's are not counted: its error is what it gets told). */
void rec_accept(struct reader *rd);
void rec_unknown_again(struct tier_vm *vm, struct reader *rd, const struct reader *peer);
/* --strict: keep the fault the reader has just made of the record's first
 * undeclared key (vm->err, vm->path: rec_unknown_key asked for it); the
 * record is read on, so that its fault names every undeclared key. */
void rec_strict_first(struct tier_vm *vm);
/* --strict, once the record has been read whole: TIER_ERECORD when it had
 * undeclared keys, with one fault naming them (at most STRICT_NAMED, then
 * how many more; one key: the fault kept by rec_strict_first); else
 * TIER_OK. */
int rec_strict_end(struct tier_vm *vm);
bool rec_reads_alike(const struct image *a, const struct image *b);
int rec_parse_ref(struct tier_vm *vm, const char *json, size_t len, struct record *out);
/* A record read whole: its `tier` fields, read as texts, made tiers of its
 * partner type; TIER_OK, or TIER_ERECORD with vm->err and vm->path set. */
int rec_tiers(struct tier_vm *vm, const struct record *r);

#endif
