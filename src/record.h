/*
 * record.h - the state shared by the two JSON readers (json.c, the
 * streaming one tiervm uses, and record.c, the jansson reference): reused
 * buffers of packed records and the per-record intern table of texts.
 */
#ifndef TIER_RECORD_H
#define TIER_RECORD_H

#include "vm.h"

#define MAX_ITEMS (1u << 24) /* list items per record */

struct reader {
  int64_t *slots;  size_t cap_slots;
  struct rec_list *lists; size_t cap_lists;
  struct rec_str *strs; size_t cap_strs;
  struct num *nums; size_t cap_nums;  /* the record's numbers; slots hold their index */
  uint64_t *hash; size_t cap_hash; /* (generation << 32) | (index + 1) */
  uint32_t gen;            /* bumped per record: clears the table for free */
  uint64_t probes;         /* slots looked at by rec_intern, in all records (tests count work with it) */
  size_t nslots;
  void *root;              /* jansson tree (reference reader): strings point into it */
  /* streaming reader (json.c) */
  int64_t **items; size_t *cap_items; uint32_t nitems; /* per list: item slots */
  char *scratch; size_t cap_scratch;   /* decoded strings of the current record */
  uint8_t *seen; size_t cap_seen;      /* fields seen in the current object */
  uint32_t *ftab; size_t cap_ftab;     /* field names of wide owners: field index + 1 */
  uint32_t *fpos;                      /* field index -> its place among its owner's */
  uint8_t *fraw;                       /* field index -> its JSON key is its name verbatim (json.c) */
  char *id; size_t cap_id;             /* the current record's id, NUL-terminated */
  char *name; size_t cap_name;         /* its name (rec_name), NUL-terminated */
  int32_t name_field;                  /* the schema's "name" field, -1 if none (set on creation) */
};

struct reader *reader_of(struct tier_vm *vm);
int rec_enum_value(const struct image *img, const struct img_enum *e, const char *s, size_t n);
void rec_enum_allowed(const struct image *img, const struct img_enum *e, char *out, size_t size);
bool grow(struct tier_vm *vm, void **p, size_t *cap, size_t need, size_t elem);
void rec_begin(struct reader *rd);
int rec_intern(struct tier_vm *vm, struct reader *rd, uint32_t *nstrs, const char *s, size_t n, int64_t *out);
int rec_number(struct tier_vm *vm, struct reader *rd, uint32_t *nnums, struct num q, int64_t *out);
/* The record's "name": its top-level text field of that name, as "id" is its
 * id, copied NUL-terminated (cut at a NUL it holds) for the outputs that show
 * partners to people.  NULL when the schema has no such field, the record
 * gives none, or memory ran out; valid until the next record. */
const char *rec_name(struct tier_vm *vm, const struct record *r);
int rec_parse_ref(struct tier_vm *vm, const char *json, size_t len, struct record *out);

#endif
