/*
 * inspect.c - walking a loaded ruleset through the public API: its partner
 * types, tiers and requirements, by the indices results carry.  This is
 * what the tools (explain, report, diff) need of a ruleset, so that none of
 * them reads the image itself.
 */
#include <string.h>

#include "record.h"
#include "vm.h"

/* The partner enum, or NULL for a ruleset without partner types. */
static const struct img_enum *partner_enum(const struct image *img) {
  return img->partner_field >= 0 ? &img->enums[img->fields[img->partner_field].ref] : NULL;
}

static const char *opt_str(const struct image *img, uint32_t s) { return s == NO_STR ? NULL : img_str(img, s); }

size_t tier_ruleset_ntypes(const tier_ruleset *rs) {
  const struct img_enum *e = partner_enum(rs->img);
  return e ? e->nvals : 0;
}

const char *tier_ruleset_type(const tier_ruleset *rs, size_t i) {
  const struct img_enum *e = partner_enum(rs->img);
  return e && i < e->nvals ? img_str(rs->img, e->vals[i]) : NULL;
}

size_t tier_ruleset_ntiers(const tier_ruleset *rs) { return rs->img->ntiers; }

int tier_ruleset_has_review(const tier_ruleset *rs) { return rs->img->review_code != NO_STR; }

int tier_ruleset_has_names(const tier_ruleset *rs) { return rec_name_field(rs->img) >= 0; }

int64_t tier_checkpoint(int time, unsigned n, int64_t asof, unsigned k) {
  if (time < TC_SUSTAINED || time > TC_ANY_CALMONTHS || n > tc_limit(time) || asof < DATE_MIN || asof > DATE_MAX)
    return TIER_NO_DATE;
  int64_t d = tc_checkpoint(time, n, asof, k);
  return d == TIER_NONE ? TIER_NO_DATE : d;
}

/* Block b (tiers, then badges) as the API shows it. */
static void block_info(const tier_ruleset *rs, uint32_t b, tier_info *out) {
  const struct image *img = rs->img;
  const struct img_tier *T = img_block(img, b);
  memset(out, 0, sizeof *out);
  out->name = img_str(img, T->name);
  out->display = opt_str(img, T->display);
  out->type_index = b < img->ntiers ? (int)T->ptype : -1;
  out->position = b < img->ntiers ? (int)rs->tier_pos[b] : (int)(b - img->ntiers);
  out->sustained = T->time == TC_SUSTAINED ? T->time_n : 0;
  out->time = T->time;
  out->window = T->time_n;
  out->time_text = rs->time_text[b];
  out->first_req = T->first_req;
  out->nreqs = T->nreq;
  out->first_item = T->first_item;
  out->nitems = T->nitems;
  if (img->has_debug) {
    out->file = img_str(img, T->file);
    out->line = T->line;
    out->column = T->col;
  }
}

int tier_ruleset_tier(const tier_ruleset *rs, size_t i, tier_info *out) {
  if (i >= rs->img->ntiers) return TIER_EUSAGE;
  block_info(rs, (uint32_t)i, out);
  return TIER_OK;
}

size_t tier_ruleset_nbadges(const tier_ruleset *rs) { return rs->img->nbadges; }

size_t tier_ruleset_ngrants(const tier_ruleset *rs) { return rs->img->ngrants; }

int tier_ruleset_badge(const tier_ruleset *rs, size_t i, tier_info *out) {
  if (i >= rs->img->nbadges) return TIER_EUSAGE;
  block_info(rs, rs->img->ntiers + (uint32_t)i, out);
  return TIER_OK;
}

/* The block that holds requirement i: blocks cover the requirements in
 * order (the verifier checks it), so it is the last block starting at or
 * before i (an empty block after it starts past i). */
static uint32_t owner_block(const struct image *img, size_t i) {
  uint32_t lo = 0, hi = img->ntiers + img->nbadges; /* the answer is in [lo, hi) */
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (img_block(img, mid)->first_req <= i) lo = mid;
    else hi = mid;
  }
  return lo;
}

size_t tier_ruleset_nitems(const tier_ruleset *rs) { return rs->img->nitems; }

int tier_ruleset_item(const tier_ruleset *rs, size_t i, tier_item_info *out) {
  const struct image *img = rs->img;
  if (i >= img->nitems) return TIER_EUSAGE;
  const struct img_item *it = &img->items[i];
  static const int kinds[] = {0, TIER_ITEM_REQ, TIER_ITEM_EITHER, TIER_ITEM_BRANCH, TIER_ITEM_AT_LEAST};
  memset(out, 0, sizeof *out);
  out->kind = kinds[it->kind];
  out->parent = it->parent == NO_ITEM ? -1 : (long)it->parent;
  out->first = it->first;
  out->count = it->count;
  out->needed = item_needs(it);
  out->name = it->kind == IT_BRANCH ? rs->item_name[i] : NULL;
  out->place = rs->item_place[i];
  return TIER_OK;
}

size_t tier_ruleset_nreqs(const tier_ruleset *rs) { return rs->img->nreqs; }

int tier_ruleset_req(const tier_ruleset *rs, size_t i, tier_req_info *out) {
  const struct image *img = rs->img;
  if (i >= img->nreqs) return TIER_EUSAGE;
  const struct img_req *q = &img->reqs[i];
  memset(out, 0, sizeof *out);
  uint32_t b = owner_block(img, i);
  out->tier_index = b < img->ntiers ? (int)b : -1;
  out->badge_index = b < img->ntiers ? -1 : (int)(b - img->ntiers);
  out->item = rs->req_item[i];
  out->section = opt_str(img, q->section);
  out->label = opt_str(img, q->label);
  out->rule = img_str(img, q->rule);
  if (q->metric >= 0) out->metric = img_str(img, img->metrics[q->metric].name);
  else if (q->field >= 0) out->metric = img_str(img, img->fields[img_top_field(img, (uint32_t)q->field)].name);
  if (out->metric) out->op = cmp_text(q->cmp);
  if (img->has_debug) {
    out->file = img_str(img, q->file);
    out->line = q->line;
    out->column = q->col;
  }
  return TIER_OK;
}
