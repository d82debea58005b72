/*
 * gen.h - a deterministic generator of synthetic APN partner profiles in
 * the shape of SPEC section 5, for the memory test and the benchmark.
 * Sizes are realistic: tens of certifications and opportunities per
 * partner, a few partners with hundreds, and a spread of values that
 * reaches every tier of both types.  Same (seed, i) -> same profile.
 */
#ifndef TIER_GEN_H
#define TIER_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct gen { uint64_t s; };

static inline uint32_t gen_u32(struct gen *g) {
  /* splitmix64 */
  uint64_t z = (g->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (uint32_t)((z ^ (z >> 31)) >> 32);
}
static inline int gen_range(struct gen *g, int lo, int hi) { return lo + (int)(gen_u32(g) % (uint32_t)(hi - lo + 1)); }

/* a date between 2016-01-01 and 2019-12-31 as YYYY-MM-DD */
static inline void gen_date(struct gen *g, char out[11], int ylo) {
  int y = gen_range(g, ylo, 2019), m = gen_range(g, 1, 12), d = gen_range(g, 1, 28);
  snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* Write profile i as one JSON line into f; returns bytes written.  small:
 * a handful of list items per profile (for tests that want many records). */
static inline int gen_profile(FILE *f, uint64_t seed, long i, bool small) {
  struct gen g = {seed * 1000003u + (uint64_t)i};
  static const char *levels[] = {"foundational", "associate", "associate", "professional", "specialty"};
  static const char *stages[] = {"launched", "launched", "launched", "open", "lost"};
  static const char *programs[] = {"competency", "msp", "well_architected", "technical_baseline_review"};
  static const char *support[] = {"basic", "developer", "business", "enterprise"};
  bool tech = gen_range(&g, 0, 3) == 0;
  int scale = gen_range(&g, 0, 99);
  /* a few large partners; most small to medium */
  int size = small ? gen_range(&g, 0, 4)
             : scale < 60 ? gen_range(&g, 2, 20) : scale < 95 ? gen_range(&g, 15, 60) : gen_range(&g, 80, 300);
  int people = size / 2 + 1;
  char d1[11], d2[11];
  int n = fprintf(f, "{\"id\":\"G-%07ld\",\"name\":\"Partner %ld\",\"type\":\"%s\",\"renewal\":\"2019-%02d-%02d\"",
                  i, i, tech ? "technology" : "consulting", gen_range(&g, 1, 12), gen_range(&g, 1, 28));
  n += fprintf(f, ",\"certifications\":[");
  for (int k = 0; k < size; k++) {
    gen_date(&g, d1, 2016);
    bool exp = gen_range(&g, 0, 3) == 0;
    snprintf(d2, sizeof d2, "%04d-%s", gen_range(&g, 2019, 2022), d1 + 5);
    n += fprintf(f, "%s{\"person\":\"e%d\",\"name\":\"Cert %d\",\"level\":\"%s\",\"earned\":\"%s\",\"expires\":%s%s%s}",
                 k ? "," : "", gen_range(&g, 1, people), k % 12, levels[gen_range(&g, 0, 4)], d1, exp ? "\"" : "",
                 exp ? d2 : "null", exp ? "\"" : "");
  }
  n += fprintf(f, "],\"accreditations\":[");
  int nacc = size / 2 + gen_range(&g, 0, 4);
  for (int k = 0; k < nacc; k++) {
    gen_date(&g, d1, 2016);
    n += fprintf(f, "%s{\"person\":\"e%d\",\"track\":\"%s\",\"earned\":\"%s\"}", k ? "," : "", gen_range(&g, 1, people),
                 gen_range(&g, 0, 1) ? "business" : "technical", d1);
  }
  n += fprintf(f, "],\"opportunities\":[");
  int nopp = size + gen_range(&g, 0, size);
  for (int k = 0; k < nopp; k++) {
    gen_date(&g, d1, 2018);
    const char *st = stages[gen_range(&g, 0, 4)];
    n += fprintf(f, "%s{\"id\":\"O-%d\",\"customer\":\"C-%d\",\"stage\":\"%s\",\"launched\":%s%s%s,\"mrr\":%d.%02d,\"public\":%s}",
                 k ? "," : "", k, gen_range(&g, 1, 500), st, st[0] == 'l' && st[1] == 'a' ? "\"" : "",
                 st[0] == 'l' && st[1] == 'a' ? d1 : "null", st[0] == 'l' && st[1] == 'a' ? "\"" : "",
                 gen_range(&g, 50, 4000), gen_range(&g, 0, 99), gen_range(&g, 0, 4) == 0 ? "true" : "false");
  }
  n += fprintf(f, "],\"validations\":[");
  bool big = size >= 80;
  int nval = big ? gen_range(&g, 2, 6) : gen_range(&g, 0, size > 40 ? 4 : 2);
  for (int k = 0; k < nval; k++) {
    gen_date(&g, d1, 2017);
    n += fprintf(f, "%s{\"program\":\"%s\",\"name\":\"V%d\",\"earned\":\"%s\",\"expires\":null}", k ? "," : "",
                 programs[gen_range(&g, 0, big ? 2 : 3)], k, d1);
  }
  n += fprintf(f, "],\"csat\":[");
  int ncsat = gen_range(&g, 0, size);
  for (int k = 0; k < ncsat; k++) {
    gen_date(&g, d1, 2019);
    n += fprintf(f, "%s{\"submitted\":\"%s\",\"score\":%d}", k ? "," : "", d1, gen_range(&g, 1, 5));
  }
  gen_date(&g, d1, big ? 2019 : 2018);
  if (big || gen_range(&g, 0, 2)) n += fprintf(f, "],\"business_plan\":\"%s\"", d1);
  else n += fprintf(f, "],\"business_plan\":null");
  gen_date(&g, d1, big ? 2019 : 2018);
  if (big || gen_range(&g, 0, 3) == 0) n += fprintf(f, ",\"executive_review\":\"%s\"", d1);
  else n += fprintf(f, ",\"executive_review\":null");
  n += fprintf(f, ",\"direct_revenue\":[");
  int nrev = tech ? gen_range(&g, 0, 12) : 0;
  for (int k = 0; k < nrev; k++)
    n += fprintf(f, "%s{\"month\":\"2019-%02d-01\",\"amount\":%d}", k ? "," : "", k + 1, gen_range(&g, 100, 9000));
  n += fprintf(f, "],\"products\":[");
  int nprod = tech ? gen_range(&g, 0, 3) : 0;
  for (int k = 0; k < nprod; k++) {
    gen_date(&g, d1, 2016);
    gen_date(&g, d2, 2017);
    bool rev = gen_range(&g, 0, 1);
    n += fprintf(f, "%s{\"name\":\"Product %d\",\"ga\":\"%s\",\"baseline_review\":%s%s%s}", k ? "," : "", k, d1,
                 rev ? "\"" : "", rev ? d2 : "null", rev ? "\"" : "");
  }
  n += fprintf(f, "],\"support\":\"%s\"}\n", support[gen_range(&g, 0, 3)]);
  return n;
}

#endif
