/*
 * bytecode.c - the .tbc file: image -> bytes and bytes -> image.  The layout
 * is little-endian throughout and documented byte by byte in
 * docs/bytecode.md.  bc_read checks every size and offset before it reads or
 * allocates; it does not look at what the code means.  Loading is read, then
 * verify (img_load in vm.c): no file gets to the VM without passing both,
 * and neither stage calls the other.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "tier_int.h"

static const uint8_t MAGIC[10] = {0x7F, 'T', 'B', 'C', 0x19, 0x93, '\r', '\n', 0x1A, '\n'};
#define HDR_SIZE 32
#define SUM_SIZE 32
#define SIG_SIZE 100 /* "TSIG", public key (32), signature (64) */
enum { S_META = 1, S_STRINGS, S_SCHEMA, S_CONSTS, S_METRICS, S_CODE, S_TIERS, S_LADDER, S_COST, S_DEBUG, S__COUNT };
static const char *section_names[] = {"",     "meta",  "strings", "schema", "consts", "metrics",
                                      "code", "tiers", "ladder",  "cost",   "debug"};
#define FLAG_DEBUG 1u

struct image *image_new(const struct tier_alloc_hook *h) {
  struct image *img = t_malloc(h, sizeof *img);
  if (!img) return NULL;
  memset(img, 0, sizeof *img);
  arena_init(&img->ar, h);
  img->partner_field = img->id_field = -1;
  img->review_code = NO_STR;
  return img;
}

void image_free(struct image *img) {
  if (!img) return;
  const struct tier_alloc_hook *h = img->ar.hook;
  arena_free(&img->ar);
  t_free(h, img, sizeof *img);
}

const char *img_str(const struct image *img, uint32_t s) {
  return s < img->nstrs ? img->strs[s] : "";
}

/* A list's name as the rules write it: the names of the lists it is in,
 * then its own, with dots (customers.months).  The verifier has made the
 * lists a tree of at most LIM_LIST_DEPTH levels (img_list.parent). */
const char *img_list_name(const struct image *img, uint32_t l, char *buf, size_t n) {
  uint32_t chain[LIM_LIST_DEPTH];
  int k = 0;
  for (uint32_t x = l; x != NO_LIST && k < LIM_LIST_DEPTH; x = img->lists[x].parent) chain[k++] = x;
  size_t at = 0;
  buf[0] = 0;
  while (k-- > 0 && at < n) {
    int w = snprintf(buf + at, n - at, "%s%s", at ? "." : "", img_str(img, img->fields[img->lists[chain[k]].field].name));
    if (w > 0) at += (size_t)w;
  }
  return buf;
}

/* Cents as the rules write money: whole units bare, else two decimals. */
static void money_text(int64_t c, char *buf, size_t n) {
  uint64_t a = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
  if (a % 100 == 0) snprintf(buf, n, "%s%llu", c < 0 ? "-" : "", (unsigned long long)(a / 100));
  else snprintf(buf, n, "%s%llu.%02llu", c < 0 ? "-" : "", (unsigned long long)(a / 100), (unsigned long long)(a % 100));
}

/* Value v of kind as results, listings and meanings write it.  Here, not
 * in the VM, because the stages that read an image without running it
 * (meaning.c, disasm.c, rulediff.c) name constants too. */
const char *img_value_text(const struct image *img, int kind, uint16_t ref, int64_t v, char *buf, size_t n) {
  if (v == TIER_NONE) {
    snprintf(buf, n, "none");
    return buf;
  }
  switch (kind) {
  case TY_MONEY: money_text(v, buf, n); break;
  case TY_DATE: {
    char d[11];
    date_format(v, d);
    snprintf(buf, n, "%s", d);
    break;
  }
  case TY_BOOL: snprintf(buf, n, "%s", v == 1 ? "true" : "false"); break;
  case TY_ENUM:
    if (ref < img->nenums && v >= 0 && (uint64_t)v < img->enums[ref].nvals)
      snprintf(buf, n, "%s", img_str(img, img->enums[ref].vals[v]));
    else snprintf(buf, n, "?");
    break;
  case TY_TIER: /* its identifier, as JSON results name tiers */
    if (v >= 0 && (uint64_t)v < img->ntiers) snprintf(buf, n, "%s", img_str(img, img->tiers[v].name));
    else snprintf(buf, n, "?");
    break;
  case TY_TEXT:
    if (v >= 0 && (uint64_t)v < img->nstrs) snprintf(buf, n, "%.*s", (int)img->strlens[v], img->strs[v]);
    else snprintf(buf, n, "?");
    break;
  case TY_NUMBER: snprintf(buf, n, "?"); break; /* numbers are not 64-bit values: num_format */
  default: snprintf(buf, n, "%lld", (long long)v);
  }
  return buf;
}

const char *img_const_text(const struct image *img, const struct img_const *k, uint16_t ref, char *buf, size_t n) {
  if (k->kind != TY_NUMBER) return img_value_text(img, k->kind, ref, k->v, buf, n);
  char t[NUM_TEXT];
  snprintf(buf, n, "%s", num_format(k->q, t));
  return buf;
}

/* ---- writing ---------------------------------------------------------------------- */

static void put_meta(struct buf *b, const struct image *img) {
  buf_u32(b, img->name);
  buf_u32(b, img->version);
  buf_put(b, img->src_hash, 32);
  buf_u64(b, (uint64_t)img->effective);
  buf_u32(b, img->src_name);
  buf_u32(b, img->review_code);
  buf_u32(b, img->metric_code);
  buf_u32(b, img->review_text);
  buf_u32(b, img->fiscal);
}

static void put_strings(struct buf *b, const struct image *img) {
  buf_u32(b, img->nstrs);
  for (uint32_t i = 0; i < img->nstrs; i++) {
    buf_u32(b, img->strlens[i]);
    buf_put(b, img->strs[i], img->strlens[i]);
  }
}

static void put_schema(struct buf *b, const struct image *img) {
  buf_u32(b, img->nenums);
  for (uint32_t i = 0; i < img->nenums; i++) {
    buf_u32(b, img->enums[i].name);
    buf_u32(b, img->enums[i].nvals);
    for (uint32_t v = 0; v < img->enums[i].nvals; v++) buf_u32(b, img->enums[i].vals[v]);
  }
  buf_u32(b, img->nfields);
  for (uint32_t i = 0; i < img->nfields; i++) {
    const struct img_field *f = &img->fields[i];
    buf_u32(b, f->name);
    buf_u32(b, f->key);
    buf_u8(b, f->kind);
    buf_u8(b, f->flags);
    buf_u16(b, f->ref);
    buf_u16(b, f->owner);
    buf_u16(b, f->slot);
  }
  buf_u32(b, img->nlists);
  for (uint32_t i = 0; i < img->nlists; i++) {
    buf_u32(b, img->lists[i].field);
    buf_u16(b, img->lists[i].width);
  }
  buf_u32(b, img->ntop);
  buf_u32(b, (uint32_t)img->partner_field);
  buf_u32(b, (uint32_t)img->id_field);
}

static void put_consts(struct buf *b, const struct image *img) {
  /* a number is its numerator and denominator, 128-bit each; any other
   * constant one 64-bit value */
  buf_u32(b, img->nconsts);
  for (uint32_t i = 0; i < img->nconsts; i++) {
    const struct img_const *k = &img->consts[i];
    buf_u8(b, k->kind);
    if (k->kind == TY_NUMBER) {
      buf_i128(b, k->q.n);
      buf_i128(b, k->q.d);
    } else {
      buf_u64(b, (uint64_t)k->v);
    }
  }
  /* then the rules' consts, each naming a constant of the pool (format 9) */
  buf_u32(b, img->nnamed);
  for (uint32_t i = 0; i < img->nnamed; i++) {
    buf_u32(b, img->named[i].name);
    buf_u32(b, img->named[i].konst);
  }
}

static void put_metrics(struct buf *b, const struct image *img) {
  buf_u32(b, img->nmetrics);
  for (uint32_t i = 0; i < img->nmetrics; i++) {
    const struct img_metric *m = &img->metrics[i];
    buf_u32(b, m->name);
    buf_u32(b, m->label);
    buf_u32(b, m->def);
    buf_u8(b, m->kind);
    buf_u8(b, m->opt);
    buf_u16(b, m->ref);
  }
}

static void put_code(struct buf *b, const struct image *img) {
  buf_put(b, img->code, img->codelen);
}

static void put_tiers(struct buf *b, const struct image *img) {
  buf_u32(b, img->ntiers);
  for (uint32_t i = 0; i < img->ntiers; i++) {
    const struct img_tier *t = &img->tiers[i];
    buf_u32(b, t->name);
    buf_u32(b, t->ptype);
    buf_u32(b, t->time_n);
    buf_u32(b, t->first_req);
    buf_u32(b, t->nreq);
  }
  buf_u32(b, img->nreqs);
  for (uint32_t i = 0; i < img->nreqs; i++) {
    const struct img_req *r = &img->reqs[i];
    buf_u32(b, r->code);
    buf_u32(b, r->section);
    buf_u32(b, r->label);
    buf_u32(b, r->rule);
    buf_u32(b, (uint32_t)r->metric);
    buf_u32(b, (uint32_t)r->field);
    buf_u8(b, r->cmp);
    buf_u32(b, r->konst);
    buf_u32(b, r->xcode);
    buf_u32(b, r->xn);
    buf_u32(b, r->xvalue);
    buf_u32(b, r->xthreshold);
    buf_u8(b, r->xcmp);
  }
  /* the traced comparisons' types, the requirements' one after the other */
  buf_u32(b, img->ntraces);
  for (uint32_t i = 0; i < img->ntraces; i++) {
    buf_u8(b, img->traces[i].kind);
    buf_u16(b, img->traces[i].ref);
    buf_u32(b, img->traces[i].call);
    buf_u8(b, img->traces[i].depth);
  }
}

static void put_ladder(struct buf *b, const struct image *img) {
  /* the badges, then every block's display name and items, then the items */
  buf_u32(b, img->nbadges);
  for (uint32_t i = 0; i < img->nbadges; i++) {
    const struct img_tier *t = &img->badges[i];
    buf_u32(b, t->name);
    buf_u32(b, t->time_n);
    buf_u32(b, t->first_req);
    buf_u32(b, t->nreq);
  }
  for (uint32_t i = 0; i < img->ntiers + img->nbadges; i++) {
    const struct img_tier *t = img_block(img, i);
    buf_u8(b, t->time);
    buf_u32(b, t->display);
    buf_u32(b, t->first_item);
    buf_u32(b, t->nitems);
  }
  buf_u32(b, img->nitems);
  for (uint32_t i = 0; i < img->nitems; i++) {
    const struct img_item *it = &img->items[i];
    buf_u8(b, it->kind);
    buf_u32(b, it->parent);
    buf_u32(b, it->first);
    buf_u32(b, it->count);
    buf_u32(b, it->n);
    buf_u32(b, it->label);
    buf_u32(b, it->section);
  }
  for (uint32_t i = 0; i < img->ntiers + img->nbadges; i++) buf_u32(b, img->order[i]); /* format 6 */
  buf_u32(b, img->ngrants);
  for (uint32_t i = 0; i < img->ngrants; i++) {
    buf_u32(b, img->grants[i].tier);
    buf_u32(b, img->grants[i].code);
    buf_u32(b, img->grants[i].text);
    buf_u32(b, img->grants[i].value); /* format 10 */
  }
}

static void put_cost(struct buf *b, const struct image *img) {
  buf_u64(b, img->cost_base);
  buf_u32(b, img->nlists);
  for (uint32_t i = 0; i < img->nlists; i++) buf_u64(b, img->cost_per[i]);
}

static void put_debug(struct buf *b, const struct image *img) {
  buf_u32(b, img->ntiers);
  for (uint32_t i = 0; i < img->ntiers; i++) {
    buf_u32(b, img->tiers[i].file);
    buf_u32(b, img->tiers[i].line);
    buf_u32(b, img->tiers[i].col);
  }
  buf_u32(b, img->nreqs);
  for (uint32_t i = 0; i < img->nreqs; i++) {
    buf_u32(b, img->reqs[i].file);
    buf_u32(b, img->reqs[i].line);
    buf_u32(b, img->reqs[i].col);
    buf_u32(b, img->reqs[i].tfile);
    buf_u32(b, img->reqs[i].tline);
    buf_u32(b, img->reqs[i].tcol);
  }
  buf_u32(b, img->nbadges);
  for (uint32_t i = 0; i < img->nbadges; i++) {
    buf_u32(b, img->badges[i].file);
    buf_u32(b, img->badges[i].line);
    buf_u32(b, img->badges[i].col);
  }
}

/* The writer of each section, by id: docs/bytecode.md gives the layout each
 * writes, and readers[] below reads it back field by field in the same order. */
static void (*const writers[S__COUNT])(struct buf *, const struct image *) = {
  [S_META] = put_meta,
  [S_STRINGS] = put_strings,
  [S_SCHEMA] = put_schema,
  [S_CONSTS] = put_consts,
  [S_METRICS] = put_metrics,
  [S_CODE] = put_code,
  [S_TIERS] = put_tiers,
  [S_LADDER] = put_ladder,
  [S_COST] = put_cost,
  [S_DEBUG] = put_debug,
};

int bc_write(const struct image *img, bool strip, struct buf *out) {
  int nsec = strip ? S__COUNT - 2 : S__COUNT - 1;
  buf_put(out, MAGIC, sizeof MAGIC);
  buf_u16(out, img->fmt_version);
  buf_u32(out, strip ? 0 : FLAG_DEBUG);
  buf_u32(out, 0); /* file length, patched below */
  buf_u32(out, (uint32_t)nsec);
  buf_u64(out, 0); /* reserved */
  size_t table = out->n;
  for (int i = 0; i < nsec * 3; i++) buf_u32(out, 0);
  for (int id = 1; id <= nsec; id++) {
    size_t start = out->n;
    writers[id](out, img);
    if (out->failed) return TIER_ENOMEM;
    if (out->n - start > 0xFFFFFFF0u) return TIER_EUSAGE;
    uint32_t v[3] = {(uint32_t)id, (uint32_t)start, (uint32_t)(out->n - start)};
    for (int k = 0; k < 3; k++)
      for (int j = 0; j < 4; j++) out->p[table + (size_t)(id - 1) * 12 + (size_t)k * 4 + (size_t)j] = (uint8_t)(v[k] >> (8 * j));
  }
  if (out->failed) return TIER_ENOMEM;
  if (out->n > 0xFFFFFFFFu - SUM_SIZE - SIG_SIZE) return TIER_EUSAGE; /* lengths are 32-bit */
  uint32_t total = (uint32_t)(out->n + SUM_SIZE);
  for (int j = 0; j < 4; j++) out->p[16 + j] = (uint8_t)(total >> (8 * j));
  uint8_t sum[SUM_SIZE];
  crypto_generichash(sum, SUM_SIZE, out->p, out->n, NULL, 0);
  buf_put(out, sum, SUM_SIZE);
  return out->failed ? TIER_ENOMEM : TIER_OK;
}

/* Re-encode the verified .tbc bytes p without what depends on the source's
 * text rather than on its rules: the debug section (files, lines, columns)
 * and the source hash.  Two sources with the same rules give the same bytes
 * here; the differential test of `tierc fmt` compares them. */
int bc_rules_bytes(const struct tier_alloc_hook *h, const uint8_t *p, size_t n, struct buf *out, char *err,
                   size_t errlen) {
  struct image *img;
  int rc = bc_read(h, p, n, NULL, &img, err, errlen); /* reading is enough to write it again */
  if (rc != TIER_OK) return rc;
  memset(img->src_hash, 0, sizeof img->src_hash);
  rc = bc_write(img, true, out);
  image_free(img);
  return rc;
}


/* ---- reading ------------------------------------------------------------------------ */

struct cur {
  const uint8_t *p;
  size_t n, pos;
  const char *sec;
  char *err;
  size_t errlen;
  bool bad;
};

/* What is wrong inside a section, in English as the verifier's messages
 * are: only a file whose checksum holds gets here, so one that a tool
 * other than tierc wrote, and the message is for that tool's author. */
static void cur_fail(struct cur *c, const char *what) {
  if (!c->bad) snprintf(c->err, c->errlen, "section '%s': %s", c->sec, what);
  c->bad = true;
}
static bool need(struct cur *c, size_t k) {
  if (c->bad) return false;
  if (c->n - c->pos < k) { cur_fail(c, "truncated"); return false; }
  return true;
}
static uint8_t rd8(struct cur *c) { return need(c, 1) ? c->p[c->pos++] : 0; }
static uint16_t rd16(struct cur *c) {
  if (!need(c, 2)) return 0;
  uint16_t v = (uint16_t)(c->p[c->pos] | c->p[c->pos + 1] << 8);
  c->pos += 2;
  return v;
}
static uint32_t rd32(struct cur *c) {
  if (!need(c, 4)) return 0;
  const uint8_t *q = c->p + c->pos;
  c->pos += 4;
  return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}
static uint64_t rd64(struct cur *c) {
  uint64_t lo = rd32(c);
  return lo | (uint64_t)rd32(c) << 32;
}
static __int128 rd128(struct cur *c) {
  unsigned __int128 lo = rd64(c);
  return (__int128)(lo | (unsigned __int128)rd64(c) << 64);
}
/* A count of elements each at least `elem` bytes: bounded by what is left
 * of the section, so no count can make the loader allocate more than the
 * file's own size. */
static uint32_t rdcount(struct cur *c, size_t elem, uint32_t max) {
  uint32_t k = rd32(c);
  if (c->bad) return 0;
  if (k > max || (size_t)k * elem > c->n - c->pos) {
    char m[96];
    snprintf(m, sizeof m, "count %u is larger than the section can hold", k);
    cur_fail(c, m);
    return 0;
  }
  return k;
}

#define ALLOC(img, ptr, cnt) \
  ((ptr) = arena_alloc(&(img)->ar, sizeof *(ptr) * ((size_t)(cnt) + 1)))

static void rd_meta(struct cur *c, struct image *img) {
  img->name = rd32(c);
  img->version = rd32(c);
  if (need(c, 32)) { memcpy(img->src_hash, c->p + c->pos, 32); c->pos += 32; }
  img->effective = (int64_t)rd64(c);
  img->src_name = rd32(c);
  img->review_code = rd32(c);
  img->metric_code = rd32(c);
  img->review_text = rd32(c);
  img->fiscal = rd32(c);
}

static void rd_strings(struct cur *c, struct image *img) {
  img->nstrs = rdcount(c, 4, 0x1000000);
  if (!ALLOC(img, img->strs, img->nstrs) || !ALLOC(img, img->strlens, img->nstrs)) return;
  for (uint32_t i = 0; i < img->nstrs && !c->bad; i++) {
    uint32_t len = rd32(c);
    if (!need(c, len)) return;
    img->strs[i] = arena_strndup(&img->ar, (const char *)c->p + c->pos, len);
    img->strlens[i] = len;
    c->pos += len;
    if (!img->strs[i]) return;
  }
}

static void rd_schema(struct cur *c, struct image *img) {
  img->nenums = rdcount(c, 8, 0x10000);
  if (!ALLOC(img, img->enums, img->nenums)) return;
  for (uint32_t i = 0; i < img->nenums && !c->bad; i++) {
    img->enums[i].name = rd32(c);
    img->enums[i].nvals = rdcount(c, 4, 64);
    if (!ALLOC(img, img->enums[i].vals, img->enums[i].nvals)) return;
    for (uint32_t v = 0; v < img->enums[i].nvals; v++) img->enums[i].vals[v] = rd32(c);
  }
  img->nfields = rdcount(c, 16, 0x10000);
  if (!ALLOC(img, img->fields, img->nfields)) return;
  for (uint32_t i = 0; i < img->nfields && !c->bad; i++) {
    struct img_field *f = &img->fields[i];
    f->name = rd32(c);
    f->key = rd32(c);
    f->kind = rd8(c);
    f->flags = rd8(c);
    f->ref = rd16(c);
    f->owner = rd16(c);
    f->slot = rd16(c);
  }
  img->nlists = rdcount(c, 6, 0x10000);
  if (!ALLOC(img, img->lists, img->nlists)) return;
  for (uint32_t i = 0; i < img->nlists && !c->bad; i++) {
    img->lists[i].field = rd32(c);
    img->lists[i].width = rd16(c);
  }
  img->ntop = rd32(c);
  img->partner_field = (int32_t)rd32(c);
  img->id_field = (int32_t)rd32(c);
}

static void rd_consts(struct cur *c, struct image *img) {
  img->nconsts = rdcount(c, 9, 0x1000000);
  if (!ALLOC(img, img->consts, img->nconsts)) return;
  for (uint32_t i = 0; i < img->nconsts && !c->bad; i++) {
    struct img_const *k = &img->consts[i];
    k->kind = rd8(c);
    if (k->kind == TY_NUMBER) {
      k->q.n = rd128(c);
      k->q.d = rd128(c);
    } else {
      k->v = (int64_t)rd64(c);
    }
  }
  img->nnamed = rdcount(c, 8, 0x1000000);
  if (!ALLOC(img, img->named, img->nnamed)) return;
  for (uint32_t i = 0; i < img->nnamed && !c->bad; i++) {
    img->named[i].name = rd32(c);
    img->named[i].konst = rd32(c);
  }
}

static void rd_metrics(struct cur *c, struct image *img) {
  img->nmetrics = rdcount(c, 16, 0x100000);
  if (!ALLOC(img, img->metrics, img->nmetrics)) return;
  for (uint32_t i = 0; i < img->nmetrics && !c->bad; i++) {
    struct img_metric *m = &img->metrics[i];
    m->name = rd32(c);
    m->label = rd32(c);
    m->def = rd32(c);
    m->kind = rd8(c);
    m->opt = rd8(c);
    m->ref = rd16(c);
  }
}

static void rd_code(struct cur *c, struct image *img) {
  img->codelen = (uint32_t)(c->n - c->pos);
  if (!ALLOC(img, img->code, img->codelen)) return;
  memcpy(img->code, c->p + c->pos, img->codelen);
  c->pos = c->n;
}

static void rd_tiers(struct cur *c, struct image *img) {
  img->ntiers = rdcount(c, 20, 0x100000);
  if (!ALLOC(img, img->tiers, img->ntiers)) return;
  for (uint32_t i = 0; i < img->ntiers && !c->bad; i++) {
    struct img_tier *t = &img->tiers[i];
    t->name = rd32(c);
    t->ptype = rd32(c);
    t->time_n = rd32(c);
    t->first_req = rd32(c);
    t->nreq = rd32(c);
  }
  img->nreqs = rdcount(c, 46, 0x1000000);
  if (!ALLOC(img, img->reqs, img->nreqs)) return;
  uint64_t first = 0; /* where each requirement's traced comparisons start */
  for (uint32_t i = 0; i < img->nreqs && !c->bad; i++) {
    struct img_req *r = &img->reqs[i];
    r->code = rd32(c);
    r->section = rd32(c);
    r->label = rd32(c);
    r->rule = rd32(c);
    r->metric = (int32_t)rd32(c);
    r->field = (int32_t)rd32(c);
    r->cmp = rd8(c);
    r->konst = rd32(c);
    r->xcode = rd32(c);
    r->xn = rd32(c);
    r->xfirst = first > UINT32_MAX ? UINT32_MAX : (uint32_t)first; /* too many: the verifier says so */
    first += r->xn;
    r->xvalue = rd32(c);
    r->xthreshold = rd32(c);
    r->xcmp = rd8(c);
  }
  img->ntraces = rdcount(c, 8, 0x1000000);
  if (!ALLOC(img, img->traces, img->ntraces)) return;
  for (uint32_t i = 0; i < img->ntraces && !c->bad; i++) {
    img->traces[i].kind = rd8(c);
    img->traces[i].ref = rd16(c);
    img->traces[i].call = rd32(c);
    img->traces[i].depth = rd8(c);
  }
}

static void rd_ladder(struct cur *c, struct image *img) {
  img->nbadges = rdcount(c, 16, 0x100000);
  if (!ALLOC(img, img->badges, img->nbadges)) return;
  for (uint32_t i = 0; i < img->nbadges && !c->bad; i++) {
    struct img_tier *t = &img->badges[i];
    t->name = rd32(c);
    t->ptype = NO_TYPE;
    t->time_n = rd32(c);
    t->first_req = rd32(c);
    t->nreq = rd32(c);
  }
  for (uint32_t i = 0; i < img->ntiers + img->nbadges && !c->bad; i++) {
    struct img_tier *t = (struct img_tier *)img_block(img, i);
    t->time = rd8(c);
    t->display = rd32(c);
    t->first_item = rd32(c);
    t->nitems = rd32(c);
  }
  img->nitems = rdcount(c, 25, 0x1000000);
  if (!ALLOC(img, img->items, img->nitems)) return;
  for (uint32_t i = 0; i < img->nitems && !c->bad; i++) {
    struct img_item *it = &img->items[i];
    it->kind = rd8(c);
    it->parent = rd32(c);
    it->first = rd32(c);
    it->count = rd32(c);
    it->n = rd32(c);
    it->label = rd32(c);
    it->section = rd32(c);
  }
  if (!ALLOC(img, img->order, img->ntiers + img->nbadges)) return;
  for (uint32_t i = 0; i < img->ntiers + img->nbadges && !c->bad; i++) img->order[i] = rd32(c);
  img->ngrants = rdcount(c, 16, 0x100000);
  if (!ALLOC(img, img->grants, img->ngrants)) return;
  for (uint32_t i = 0; i < img->ngrants && !c->bad; i++) {
    img->grants[i].tier = rd32(c);
    img->grants[i].code = rd32(c);
    img->grants[i].text = rd32(c);
    img->grants[i].value = rd32(c);
  }
}

static void rd_cost(struct cur *c, struct image *img) {
  img->cost_base = rd64(c);
  uint32_t nl = rdcount(c, 8, 0x10000);
  if (!c->bad && nl != img->nlists) { cur_fail(c, "list count differs from the schema"); return; }
  if (!ALLOC(img, img->cost_per, nl)) return;
  for (uint32_t i = 0; i < nl; i++) img->cost_per[i] = rd64(c);
}

static void rd_debug(struct cur *c, struct image *img) {
  uint32_t nt = rdcount(c, 12, 0x100000);
  if (!c->bad && nt != img->ntiers) { cur_fail(c, "tier count differs from the tier table"); return; }
  for (uint32_t i = 0; i < nt; i++) {
    img->tiers[i].file = rd32(c);
    img->tiers[i].line = rd32(c);
    img->tiers[i].col = rd32(c);
  }
  uint32_t nr = rdcount(c, 24, 0x1000000);
  if (!c->bad && nr != img->nreqs) { cur_fail(c, "requirement count differs from the tier table"); return; }
  for (uint32_t i = 0; i < nr; i++) {
    img->reqs[i].file = rd32(c);
    img->reqs[i].line = rd32(c);
    img->reqs[i].col = rd32(c);
    img->reqs[i].tfile = rd32(c);
    img->reqs[i].tline = rd32(c);
    img->reqs[i].tcol = rd32(c);
  }
  uint32_t nb = rdcount(c, 12, 0x100000);
  if (!c->bad && nb != img->nbadges) { cur_fail(c, "badge count differs from the ladder section"); return; }
  for (uint32_t i = 0; i < nb; i++) {
    img->badges[i].file = rd32(c);
    img->badges[i].line = rd32(c);
    img->badges[i].col = rd32(c);
  }
  img->has_debug = true;
}

/* The reader of each section, by id: the mirror of writers[] above. */
static void (*const readers[S__COUNT])(struct cur *, struct image *) = {
  [S_META] = rd_meta,
  [S_STRINGS] = rd_strings,
  [S_SCHEMA] = rd_schema,
  [S_CONSTS] = rd_consts,
  [S_METRICS] = rd_metrics,
  [S_CODE] = rd_code,
  [S_TIERS] = rd_tiers,
  [S_LADDER] = rd_ladder,
  [S_COST] = rd_cost,
  [S_DEBUG] = rd_debug,
};

static uint32_t le32(const uint8_t *q) {
  return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}

/* Sign bytecode p[0..n) (an unsigned or signed file: an old signature is
 * replaced) with Ed25519 secret key sk; the result is the file followed by
 * "TSIG", the public key and the signature. */
int bc_sign(const struct tier_alloc_hook *h, const uint8_t *p, size_t n, const uint8_t sk[64], uint8_t **out,
            size_t *outn) {
  if (n < HDR_SIZE + SUM_SIZE || memcmp(p, MAGIC, sizeof MAGIC) != 0) return TIER_EBYTECODE;
  uint32_t total = le32(p + 16);
  if (total < HDR_SIZE + SUM_SIZE || (total != n && total + SIG_SIZE != n)) return TIER_EBYTECODE;
  uint8_t *q = t_malloc(h, (size_t)total + SIG_SIZE);
  if (!q) return TIER_ENOMEM;
  memcpy(q, p, total);
  memcpy(q + total, "TSIG", 4);
  crypto_sign_ed25519_sk_to_pk(q + total + 4, sk);
  crypto_sign_detached(q + total + 36, NULL, q, total, sk);
  *out = q;
  *outn = (size_t)total + SIG_SIZE;
  return TIER_OK;
}

/* The public key in a file's signature trailer, unchecked (bc_read checks
 * it), so that a loader that trusts several keys can tell which one to
 * require; false when the file has no trailer. */
bool bc_trailer_key(const uint8_t *p, size_t n, uint8_t pub[32]) {
  if (n < HDR_SIZE + SUM_SIZE + SIG_SIZE) return false;
  uint32_t total = le32(p + 16);
  if ((size_t)total + SIG_SIZE != n || memcmp(p + total, "TSIG", 4) != 0) return false;
  memcpy(pub, p + total + 4, 32);
  return true;
}

/* The header, up to the sections: magic, version, length, the signature
 * when there is one (checked first, so that a change to a signed file is
 * called what it is, and required by trust_key when one is given, so that a
 * file from anyone else is refused before anything reads it), checksum,
 * flags and the section count.  Fills *has_sig and *nsec. */
static int rd_header(const uint8_t *p, size_t n, const uint8_t *trust_key, bool *has_sig, uint32_t *nsec, char *err,
                     size_t errlen) {
  if (n < HDR_SIZE + SUM_SIZE) {
    snprintf(err, errlen, _("file is %zu bytes, too short for a .tbc file (truncated?)"), n);
    return TIER_EBYTECODE;
  }
  if (memcmp(p, MAGIC, 4) != 0) {
    snprintf(err, errlen, "%s", _("not a .tbc file (wrong magic number)"));
    return TIER_EBYTECODE;
  }
  if (memcmp(p, MAGIC, sizeof MAGIC) != 0) {
    snprintf(err, errlen, "%s", _("file header is corrupted (line endings or bytes changed in transfer?)"));
    return TIER_EBYTECODE;
  }
  uint16_t ver = (uint16_t)(p[10] | p[11] << 8);
  if (ver != BC_VERSION) {
    snprintf(err, errlen,
             ver > BC_VERSION
                 ? _("bytecode format version %u is not supported (this tierc reads version %u); a newer tierc wrote it")
                 : _("bytecode format version %u is not supported (this tierc reads version %u); compile the source "
                     "again with this tierc"),
             ver, BC_VERSION);
    return TIER_EBYTECODE;
  }
  uint32_t flags = le32(p + 12), total = le32(p + 16);
  *nsec = le32(p + 20);
  if (total < HDR_SIZE + SUM_SIZE) {
    snprintf(err, errlen, _("header gives a file length of %u bytes, less than a header and checksum"), total);
    return TIER_EBYTECODE;
  }
  if (total > n) {
    snprintf(err, errlen, _("file is truncated: header says %u bytes, file has %zu"), total, n);
    return TIER_EBYTECODE;
  }
  *has_sig = n != total;
  if (*has_sig && (n - total != SIG_SIZE || memcmp(p + total, "TSIG", 4) != 0)) {
    snprintf(err, errlen, _("file has %zu bytes after its end (header says %u bytes)"), n - total, total);
    return TIER_EBYTECODE;
  }
  if (trust_key && !*has_sig) {
    snprintf(err, errlen, "%s", _("the ruleset is not signed, and a trusted key was given (--trust)"));
    return TIER_ESIGNATURE;
  }
  if (trust_key && sodium_memcmp(p + total + 4, trust_key, 32) != 0) {
    snprintf(err, errlen, "%s", _("the ruleset is signed with a key that is not trusted (--trust)"));
    return TIER_ESIGNATURE;
  }
  /* the signature covers everything before it, checksum included */
  if (*has_sig && crypto_sign_verify_detached(p + total + 36, p, total, p + total + 4) != 0) {
    snprintf(err, errlen, "%s",
             _("signature check failed: the file was modified after it was signed, or the signature is forged"));
    return TIER_EBYTECODE;
  }
  uint8_t sum[SUM_SIZE];
  crypto_generichash(sum, SUM_SIZE, p, total - SUM_SIZE, NULL, 0);
  if (sodium_memcmp(sum, p + total - SUM_SIZE, SUM_SIZE) != 0) {
    snprintf(err, errlen, "%s", _("checksum mismatch: the file is corrupted or was modified"));
    return TIER_EBYTECODE;
  }
  if (flags & ~FLAG_DEBUG) {
    snprintf(err, errlen, _("unknown flags 0x%x in header"), flags);
    return TIER_EBYTECODE;
  }
  uint32_t want = (flags & FLAG_DEBUG) ? S__COUNT - 1 : S__COUNT - 2;
  if (*nsec != want || HDR_SIZE + (size_t)*nsec * 12 > total - SUM_SIZE) {
    snprintf(err, errlen, _("section table: %u sections, expected %u"), *nsec, want);
    return TIER_EBYTECODE;
  }
  if (le32(p + 24) || le32(p + 28)) {
    snprintf(err, errlen, "%s", _("reserved header bytes are not zero"));
    return TIER_EBYTECODE;
  }
  return TIER_OK;
}

/* The sections, in id order and back to back between the section table and
 * the checksum, each read whole with nothing left over. */
static int rd_sections(const uint8_t *p, size_t body, uint32_t nsec, struct image *img, char *err, size_t errlen) {
  size_t expect = HDR_SIZE + (size_t)nsec * 12;
  for (uint32_t i = 0; i < nsec; i++) {
    const uint8_t *e = p + HDR_SIZE + i * 12;
    uint32_t id = le32(e), off = le32(e + 4), len = le32(e + 8);
    if (id != i + 1 || off != expect || len > body - off) {
      snprintf(err, errlen, _("section table entry %u (id %u, offset %u, length %u) is out of order or out of bounds"), i, id,
               off, len);
      return TIER_EBYTECODE;
    }
    struct cur c = {p + off, len, 0, section_names[id], err, errlen, false};
    readers[id](&c, img);
    if (img->ar.failed) {
      snprintf(err, errlen, "%s", _("out of memory"));
      return TIER_ENOMEM;
    }
    if (!c.bad && c.pos != c.n) cur_fail(&c, "has bytes left over after its last entry");
    if (c.bad) return TIER_EBYTECODE;
    expect = (size_t)off + len;
  }
  if (expect != body) {
    snprintf(err, errlen, _("%zu bytes between the last section and the checksum"), body - expect);
    return TIER_EBYTECODE;
  }
  return TIER_OK;
}

int bc_read(const struct tier_alloc_hook *h, const uint8_t *p, size_t n, const uint8_t *trust_key, struct image **out,
            char *err, size_t errlen) {
  *out = NULL;
  bool has_sig = false;
  uint32_t nsec = 0;
  int rc = rd_header(p, n, trust_key, &has_sig, &nsec, err, errlen);
  if (rc) return rc;
  uint32_t total = le32(p + 16);
  struct image *img = image_new(h);
  if (!img) {
    snprintf(err, errlen, "%s", _("out of memory"));
    return TIER_ENOMEM;
  }
  img->fmt_version = (uint16_t)(p[10] | p[11] << 8);
  img->flags = le32(p + 12);
  rc = rd_sections(p, total - SUM_SIZE, nsec, img, err, errlen);
  if (rc) {
    image_free(img);
    return rc;
  }
  if (has_sig) {
    img->signed_ = true;
    memcpy(img->sig_pub, p + total + 4, 32);
    memcpy(img->sig, p + total + 36, 64);
  }
  *out = img;
  return TIER_OK;
}
