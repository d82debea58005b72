/*
 * native.h - a hand-written C evaluator of rules/apn-2019.tier on the VM's
 * packed records: the "native limit" the benchmark compares the VM with.
 * It reads the same struct record that rec_parse fills; the slot of every
 * field and the ordinal of every enum value it uses are looked up by name in
 * the loaded ruleset's schema once, by native_init.
 */
#ifndef TIER_BENCH_NATIVE_H
#define TIER_BENCH_NATIVE_H

#include "tier_int.h"

/* A list of the schema: its index in record.lists and its item width. */
struct nat_list { uint32_t l, w; };

struct native {
  /* top-level slots */
  uint32_t t_type, t_renewal, t_business_plan, t_executive_review, t_support;
  struct nat_list certs, accs, opps, vals, csat, drev, prods;
  /* slots within list items */
  uint32_t c_person, c_level, c_earned, c_expires;
  uint32_t a_person, a_track, a_earned;
  uint32_t o_stage, o_launched, o_mrr, o_public;
  uint32_t v_program, v_earned, v_expires;
  uint32_t s_submitted;
  uint32_t d_month, d_amount;
  uint32_t p_ga, p_baseline;
  /* enum ordinals */
  int64_t e_consulting, e_technology;
  int64_t e_foundational, e_associate, e_professional, e_specialty;
  int64_t e_business_track, e_technical_track;
  int64_t e_launched;
  int64_t e_competency, e_msp, e_well_architected, e_tbr;
  int64_t e_business_support, e_enterprise_support;
  int64_t cutoff; /* 2019-12-13, the review rule's date */
  /* distinct people: a generation stamp and a bit per category for each
   * interned text of the record (texts are dense ids 0..nstrs-1) */
  uint32_t *stamp;
  uint8_t *seen;
  uint32_t cap, gen;
};

/* Tier indices into native_tier_name; NAT_NONE: no tier. */
enum { NAT_NONE = -1, NAT_REGISTERED, NAT_SELECT, NAT_ADVANCED, NAT_PREMIER };
extern const char *const native_tier_name[4];

/* 0, or -1 with err filled (a field or enum value the rules use is missing
 * from the schema, or has another type). */
int native_init(struct native *nv, const struct image *img, char *err, size_t errlen);
/* Evaluate one record: *tier is the highest tier held, *next the lowest not
 * held (NAT_NONE at the top).  Like vm_prepare, grows the scratch to the
 * record's number of texts when it is the largest seen so far: 0, or -1 when
 * that allocation fails. */
int native_eval(struct native *nv, const struct record *r, int *tier, int *next);
void native_free(struct native *nv);

#endif
