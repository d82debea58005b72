/*
 * fuzz_load.c - libFuzzer target: the input is a .tbc file.  It goes through
 * tier_load (header, checksum, section parsers, verifier); when accepted,
 * the ruleset is disassembled and fixed APN and card profiles are evaluated
 * against it with tier_eval_json, every output format included.
 *
 * A mutated file almost never has a right checksum, so the target loads the
 * input twice: once unchanged (the header and checksum checks), and once
 * from a copy whose checksum is recomputed, so that mutations reach the
 * section parsers and the verifier.  For the copy, `total` (the u32 at
 * offset 16) is first set to the input's length when it does not describe
 * the input (as a file with or without a signature trailer): insertions and
 * deletions then still reach the section table.  The checksum is BLAKE2b-256
 * (crypto_generichash) of bytes [0, total-32), stored in [total-32, total).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz_common.h"

#define HDR 32
#define SUM 32
#define SIG 100

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  if (sodium_init() < 0) abort();
  return 0;
}

static void load_one(const uint8_t *p, size_t n) {
  tier_ruleset *rs = NULL;
  char err[512];
  err[0] = 0;
  int rc = tier_load(p, n, NULL, &rs, err, sizeof err);
  if (rc == TIER_OK) {
    if (!rs) abort();
    fuzz_exercise_ruleset(rs, 1);
    tier_ruleset_free(rs);
  } else {
    if (rs) abort();
    /* a refusal always says why, in a terminated string */
    if (!memchr(err, 0, sizeof err) || !err[0]) abort();
    fuzz_touch(tier_strerror(rc));
  }
}

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  load_one(data, size);
  if (size < HDR + SUM || size > UINT32_MAX) return 0;

  uint8_t *copy = malloc(size);
  if (!copy) return 0;
  memcpy(copy, data, size);
  uint32_t total = rd32(copy + 16);
  int fits = total >= HDR + SUM && total <= size &&
             (total == size || (size - total == SIG && memcmp(copy + total, "TSIG", 4) == 0));
  if (!fits) {
    total = (uint32_t)size;
    for (int j = 0; j < 4; j++) copy[16 + j] = (uint8_t)(total >> (8 * j));
  }
  crypto_generichash(copy + total - SUM, SUM, copy, total - SUM, NULL, 0);
  if (memcmp(copy, data, size) != 0) load_one(copy, size);
  free(copy);
  return 0;
}
