/*
 * test_bytecode.c - the .tbc file against corruption and hostile edits:
 * every byte flipped (rejected by the checksum), every byte flipped with the
 * checksum recomputed (rejected by the loader/verifier, or evaluated without
 * fault), every truncation, and one hand-made file per verifier rule, each
 * with its own message.
 */
#include <sodium.h>

#include "testutil.h"

static uint8_t *apn;  /* rules/apn-2019.tier compiled */
static size_t apn_n;
static char **records; /* a few example profiles */
static size_t nrecords;

static uint8_t *compile_file(const char *path, size_t *n) {
  uint8_t *bc = NULL;
  tier_diags *d = NULL;
  int rc = tier_compile(path, NULL, 0, NULL, &bc, n, &d);
  if (rc != TIER_OK) fprintf(stderr, "%s", tier_diags_text(d));
  tier_diags_free(d);
  return bc;
}

static int setup(void **st) {
  (void)st;
  if (sodium_init() < 0) return -1;
  apn = compile_file("rules/apn-2019.tier", &apn_n);
  FILE *f = fopen("examples/partners.jsonl", "r");
  if (!apn || !f) return -1;
  char *line = NULL;
  size_t cap = 0;
  records = calloc(64, sizeof *records);
  while (nrecords < 8 && getline(&line, &cap, f) > 0) records[nrecords++] = strdup(line);
  /* take a sustained-tier partner too */
  while (getline(&line, &cap, f) > 0)
    if (strstr(line, "\"P-0029\"")) records[nrecords++] = strdup(line);
  free(line);
  fclose(f);
  return 0;
}
static int teardown(void **st) {
  (void)st;
  tier_free_bytes(NULL, apn, apn_n);
  for (size_t i = 0; i < nrecords; i++) free(records[i]);
  free(records);
  return 0;
}

static void reseal(uint8_t *p, size_t n) {
  crypto_generichash(p + n - 32, 32, p, n - 32, NULL, 0);
}

static int load(const uint8_t *p, size_t n, char *err, size_t errlen) {
  tier_ruleset *rs = NULL;
  int rc = tier_load(p, n, NULL, &rs, err, errlen);
  tier_ruleset_free(rs);
  return rc;
}

static void intact_file_loads(void **st) {
  (void)st;
  char err[256];
  assert_int_equal(load(apn, apn_n, err, sizeof err), TIER_OK);
}

static void every_byte_flip_is_rejected(void **st) {
  (void)st;
  uint8_t *p = malloc(apn_n);
  char err[256];
  for (size_t i = 0; i < apn_n; i++) {
    memcpy(p, apn, apn_n);
    p[i] ^= 0xFF;
    if (load(p, apn_n, err, sizeof err) == TIER_OK) {
      fprintf(stderr, "flip at %zu accepted\n", i);
      fail();
    }
  }
  free(p);
}

static void every_truncation_is_rejected(void **st) {
  (void)st;
  char err[256];
  for (size_t n = 0; n < apn_n; n++) assert_int_equal(load(apn, n, err, sizeof err), TIER_EBYTECODE);
  assert_int_equal(load(apn, 3, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "too short");
}

/* With the checksum recomputed, the verifier is the only guard: each
 * mutant is rejected, or it loads and evaluates every record without a
 * fault (run under ASan+UBSan by make asan). */
static void resealed_mutants_rejected_or_safe(void **st) {
  (void)st;
  uint8_t *p = malloc(apn_n);
  char err[256];
  size_t accepted = 0, rejected = 0;
  static const uint8_t masks[] = {0xFF, 0x01, 0x80};
  for (size_t m = 0; m < sizeof masks; m++)
    for (size_t i = 0; i + 32 < apn_n; i++) {
      memcpy(p, apn, apn_n);
      p[i] ^= masks[m];
      reseal(p, apn_n);
      tier_ruleset *rs = NULL;
      if (tier_load(p, apn_n, NULL, &rs, err, sizeof err) != TIER_OK) {
        assert_true(err[0] != 0);
        rejected++;
        continue;
      }
      accepted++;
      tier_vm *vm = tier_vm_new(rs, NULL);
      assert_non_null(vm);
      for (size_t r = 0; r < nrecords; r++) {
        const tier_result *res;
        int rc = tier_eval_json(vm, records[r], strlen(records[r]), TIER_NONE, &res);
        assert_true(rc == TIER_OK || rc == TIER_ERECORD || rc == TIER_ERUNTIME);
      }
      tier_vm_free(vm);
      tier_ruleset_free(rs);
    }
  fprintf(stderr, "resealed mutants: %zu rejected, %zu accepted and evaluated\n", rejected, accepted);
  assert_true(rejected > 0);
  free(p);
}

/* ---- hand-made files, one per rule -------------------------------------------- */

/* The compiled APN rules as an image to edit (read, not verified: the
 * edits are what the verifier is to judge). */
static struct image *read_img(void) {
  char err[256];
  struct image *img = NULL;
  assert_int_equal(bc_read(NULL, apn, apn_n, NULL, &img, err, sizeof err), TIER_OK);
  return img;
}

/* Write img (as edited) and load it; returns the loader's message. */
static const char *reload(struct image *img) {
  static char err[512];
  struct buf b = {0};
  assert_int_equal(bc_write(img, false, &b), TIER_OK);
  image_free(img);
  err[0] = 0;
  assert_int_equal(load(b.p, b.n, err, sizeof err), TIER_EBYTECODE);
  buf_free(&b);
  return err;
}

/* offset of the first instruction with opcode op in the metric block */
static uint32_t find_op(const struct image *img, int op) {
  for (uint32_t pc = img->metric_code; pc < img->codelen; pc += op_size(img->code[pc]))
    if (img->code[pc] == op) return pc;
  fail_msg("opcode %d not found", op);
  return 0;
}
static void put32(uint8_t *q, uint32_t v) {
  for (int i = 0; i < 4; i++) q[i] = (uint8_t)(v >> (8 * i));
}

static void bad_magic(void **st) {
  (void)st;
  uint8_t *p = malloc(apn_n);
  memcpy(p, apn, apn_n);
  p[1] = 'X';
  char err[256];
  assert_int_equal(load(p, apn_n, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "wrong magic");
  memcpy(p, apn, apn_n);
  p[6] = '\n'; /* CRLF -> LF damage */
  assert_int_equal(load(p, apn_n, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "header is corrupted");
  free(p);
}

static void bad_checksum(void **st) {
  (void)st;
  uint8_t *p = malloc(apn_n);
  memcpy(p, apn, apn_n);
  p[apn_n - 1] ^= 1;
  char err[256];
  assert_int_equal(load(p, apn_n, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "checksum mismatch");
  free(p);
}

static void newer_version(void **st) {
  (void)st;
  uint8_t *p = malloc(apn_n);
  memcpy(p, apn, apn_n);
  p[10] = BC_VERSION + 1;
  reseal(p, apn_n);
  char err[256], want[128];
  assert_int_equal(load(p, apn_n, err, sizeof err), TIER_EBYTECODE);
  snprintf(want, sizeof want, "format version %d is not supported (this tierc reads version %d); a newer tierc wrote it",
           BC_VERSION + 1, BC_VERSION);
  tu_assert_contains(err, want);
  /* every older format: 1 numbers were doubles, 2 had no ladder section
   * (either, at least, badges), 3 one kind of time clause, 4 no JSON keys
   * nor fiscal year, 5 no block order (holds, meets), 6 no explain code
   * (computed thresholds), 7 no grants */
  for (int v = 1; v < BC_VERSION; v++) {
    p[10] = (uint8_t)v;
    reseal(p, apn_n);
    assert_int_equal(load(p, apn_n, err, sizeof err), TIER_EBYTECODE);
    snprintf(want, sizeof want, "format version %d is not supported (this tierc reads version %d); compile the source again",
             v, BC_VERSION);
    tu_assert_contains(err, want);
  }
  free(p);
}

static void huge_count(void **st) {
  (void)st;
  /* the string count is the first word of the strings section: claim 2^28 */
  uint8_t *p = malloc(apn_n);
  memcpy(p, apn, apn_n);
  uint32_t off = (uint32_t)p[32 + 12 + 4] | (uint32_t)p[32 + 12 + 5] << 8 | (uint32_t)p[32 + 12 + 6] << 16 | (uint32_t)p[32 + 12 + 7] << 24;
  put32(p + off, 1u << 28);
  reseal(p, apn_n);
  char err[256];
  assert_int_equal(load(p, apn_n, err, sizeof err), TIER_EBYTECODE);
  tu_assert_contains(err, "larger than the section can hold");
  free(p);
}

static void string_index_out_of_range(void **st) {
  (void)st;
  struct image *img = read_img();
  img->metrics[0].name = img->nstrs + 5;
  tu_assert_contains(reload(img), "metric 0: string index out of range");
}

static void string_not_utf8(void **st) {
  (void)st;
  struct image *img = read_img();
  char *s = (char *)img->strs[0];
  s[0] = (char)0xC0; /* overlong lead byte */
  tu_assert_contains(reload(img), "is not valid UTF-8");
}

static void unknown_opcode(void **st) {
  (void)st;
  struct image *img = read_img();
  img->code[img->metric_code] = 0xEE;
  tu_assert_contains(reload(img), "unknown opcode 238");
}

static void jump_backwards(void **st) {
  (void)st;
  struct image *img = read_img();
  uint32_t pc = find_op(img, OP_ANDJ);
  put32(img->code + pc + 1, pc - 5);
  tu_assert_contains(reload(img), "is not a later instruction");
}

static void jump_into_instruction(void **st) {
  (void)st;
  struct image *img = read_img();
  uint32_t pc = find_op(img, OP_ANDJ);
  put32(img->code + pc + 1, pc + 2); /* forward, but into the ANDJ's own operand */
  tu_assert_contains(reload(img), "is not a later instruction");
}

static void stack_underflow(void **st) {
  (void)st;
  struct image *img = read_img();
  /* a PUSH that feeds a SETMETRIC: without it the SETMETRIC has nothing to pop */
  uint32_t pc = img->metric_code;
  while (!(img->code[pc] == OP_PUSH && img->code[pc + 5] == OP_SETMETRIC))
    pc += op_size(img->code[pc]);
  memset(img->code + pc, OP_NOP, 5);
  tu_assert_contains(reload(img), "SETMETRIC needs 1 values, the stack has 0");
}

static void wrong_class(void **st) {
  (void)st;
  struct image *img = read_img();
  uint32_t pc = find_op(img, OP_LE_I); /* earned <= asof */
  img->code[pc] = OP_LE_F;
  tu_assert_contains(reload(img), "LE_F expects F values, finds D");
}

static void loop_nesting_and_end(void **st) {
  (void)st;
  struct image *img = read_img();
  uint32_t pc = find_op(img, OP_LOOP);
  /* point the loop's end one instruction early */
  uint32_t end = (uint32_t)img->code[pc + 5] | (uint32_t)img->code[pc + 6] << 8;
  put32(img->code + pc + 5, end - 9);
  tu_assert_contains(reload(img), "loop");
}

static void item_outside_loop(void **st) {
  (void)st;
  struct image *img = read_img();
  uint32_t pc = find_op(img, OP_LOOP);
  /* turn the LOOP into a NOP-padded sequence: ITEM now runs outside any loop */
  memset(img->code + pc, OP_NOP, 9);
  const char *e = reload(img);
  assert_true(strstr(e, "ITEM outside a loop") || strstr(e, "NEXT does not close"));
}

static void field_slot_out_of_range(void **st) {
  (void)st;
  struct image *img = read_img();
  for (uint32_t pc = 0; pc < img->codelen; pc += op_size(img->code[pc]))
    if (img->code[pc] == OP_FIELD) {
      put32(img->code + pc + 1, 60000);
      break;
    }
  tu_assert_contains(reload(img), "record slot 60000 out of range");
}

static void cost_understated(void **st) {
  (void)st;
  struct image *img = read_img();
  img->cost_base = 1;
  tu_assert_contains(reload(img), "cost: the file claims 1 steps");
}

/* Code that no segment reaches was never checked: refused (the fuzzer found
 * that the VM's decoder and the disassembler read it). */
static void unreachable_code(void **st) {
  (void)st;
  struct image *img = read_img();
  uint8_t *code = arena_alloc(&img->ar, img->codelen + 1);
  memcpy(code, img->code, img->codelen);
  code[img->codelen] = OP_NOP; /* after the last requirement's RET */
  img->code = code;
  img->codelen++;
  tu_assert_contains(reload(img), "no segment reaches this instruction");
}

/* Each instruction belongs to one segment: two requirements sharing code
 * would make the verifier's work (and the cost of checking) grow with the
 * number of sharers. */
static void shared_code(void **st) {
  (void)st;
  struct image *img = read_img();
  img->reqs[0] = img->reqs[1]; /* requirement 0's own code is now dead too */
  tu_assert_contains(reload(img), "requirement 1 shares code with another segment");
}

static void tier_partner_type_out_of_range(void **st) {
  (void)st;
  struct image *img = read_img();
  img->tiers[0].ptype = 9;
  tu_assert_contains(reload(img), "tier 0: partner type out of range");
}

/* ---- numbers: class F moves only with the _F instructions ---------------------------- */

static const char *NUMBERS =
    "enum kind { consulting }\n"
    "record { id: text; partner type: kind; rating: number?; seats: int; }\n"
    "metric half = round(rating / 2, 2);\n"
    "metric rated = rating is none;\n"
    "tier Top consulting < half >= 1.5; seats >= 2; not rated; >\n";

/* src compiled and read back, for one edit */
static struct image *read_source(const char *src) {
  uint8_t *bc;
  size_t n;
  tier_diags *d = NULL;
  int rc = tier_compile("edit.tier", src, strlen(src), NULL, &bc, &n, &d);
  if (rc) fprintf(stderr, "%s", tier_diags_text(d));
  tier_diags_free(d);
  assert_int_equal(rc, TIER_OK);
  char err[256];
  struct image *img = NULL;
  assert_int_equal(bc_read(NULL, bc, n, NULL, &img, err, sizeof err), TIER_OK);
  tier_free_bytes(NULL, bc, n);
  assert_non_null(img);
  return img;
}
static struct image *read_numbers(void) { return read_source(NUMBERS); }

/* the first instruction op anywhere in the code */
static uint32_t find_any(const struct image *img, int op) {
  for (uint32_t pc = 0; pc < img->codelen; pc += 1 + 4 * (uint32_t)op_noperands(op_info[img->code[pc]].fmt))
    if (img->code[pc] == op) return pc;
  fail_msg("opcode %d not found", op);
  return 0;
}

static const char *numbers_with(int op, int becomes) {
  struct image *img = read_numbers();
  img->code[find_any(img, op)] = (uint8_t)becomes;
  return reload(img);
}

static void numbers_move_only_with_f_instructions(void **st) {
  (void)st;
  tu_assert_contains(numbers_with(OP_PUSH_F, OP_PUSH), "PUSH cannot push a value of class F");
  tu_assert_contains(numbers_with(OP_FIELD_F, OP_FIELD), "FIELD cannot push a value of class F");
  tu_assert_contains(numbers_with(OP_FIELD, OP_FIELD_F), "FIELD_F cannot push a value of class");
  tu_assert_contains(numbers_with(OP_METRIC_F, OP_METRIC), "METRIC cannot push a value of class F");
  tu_assert_contains(numbers_with(OP_SETMETRIC_F, OP_SETMETRIC), "SETMETRIC expects A values, finds F");
  tu_assert_contains(numbers_with(OP_ISNONE_F, OP_ISNONE), "ISNONE expects A values, finds F");
}

static void number_constants_are_canonical(void **st) {
  (void)st;
  struct image *img = read_numbers();
  uint32_t k = 0;
  while (img->consts[k].kind != TY_NUMBER || num_is_none(img->consts[k].q)) k++;
  img->consts[k].q.n *= 2; /* 3/2 becomes 6/2 */
  img->consts[k].q.d *= 2;
  tu_assert_contains(reload(img), "number out of range or not in lowest terms");
  img = read_numbers();
  img->consts[k].q.d = 0; /* a none other than 0/0 */
  tu_assert_contains(reload(img), "number out of range or not in lowest terms");
}

static void rounding_digits_are_bounded(void **st) {
  (void)st;
  struct image *img = read_numbers();
  put32(img->code + find_any(img, OP_ROUND_F) + 1, 39);
  tu_assert_contains(reload(img), "ROUND_F to 39 decimals is out of range (at most 38 either way)");
}

/* ---- dates: a period operand is one the VM knows ------------------------------------- */

static const char *DATES =
    "enum kind { consulting }\n"
    "record { id: text; partner type: kind; joined: date; }\n"
    "tier Top consulting < quarter_end(joined) >= 2024-01-01; >\n";

static void period_operands_are_periods(void **st) {
  (void)st;
  static const uint32_t bad[] = {0x000000, 0x000102, 0x000403, 0x000d0c, 0x02010c, 0x01000103};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    struct image *img = read_source(DATES);
    put32(img->code + find_any(img, OP_PEND) + 1, bad[i]);
    char want[96];
    snprintf(want, sizeof want, "PEND has no period 0x%x (months 1, 3 or 12", bad[i]);
    tu_assert_contains(reload(img), want);
  }
}

/* INPER's operand is a period too; it compares two dates and nothing else;
 * the fiscal year's month and each field's JSON key are checked. */
static const char *PERIODS =
    "fiscal year starts in April;\n"
    "enum kind { consulting }\n"
    "record { id: text; partner type: kind; joined: date; n \"count\": int; }\n"
    "tier Top consulting < joined in previous fiscal year of asof; >\n";

static void periods_fiscal_year_and_keys_checked(void **st) {
  (void)st;
  struct image *img = read_source(PERIODS);
  put32(img->code + find_any(img, OP_INPER) + 1, 0x0d0c);
  tu_assert_contains(reload(img), "INPER has no period 0xd0c (months 1, 3 or 12");
  /* the date tested is an int */
  img = read_source(PERIODS);
  uint32_t at = find_any(img, OP_INPER);
  assert_int_equal(img->code[at - 5 - 1], OP_FIELD);
  for (uint32_t f = 0; f < img->nfields; f++)
    if (!strcmp(img_str(img, img->fields[f].name), "n")) put32(img->code + at - 5 - 1 + 1, img->fields[f].slot);
  tu_assert_contains(reload(img), "INPER expects D values, finds I");
  img = read_source(PERIODS);
  assert_int_equal(img->fiscal, 4);
  img->fiscal = 13;
  tu_assert_contains(reload(img), "meta: fiscal year starts in month 13");
  img = read_source(PERIODS);
  img->fields[3].key = img->nstrs;
  tu_assert_contains(reload(img), "schema: field 3: JSON key index out of range");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(intact_file_loads),
      cmocka_unit_test(every_byte_flip_is_rejected),
      cmocka_unit_test(every_truncation_is_rejected),
      cmocka_unit_test(resealed_mutants_rejected_or_safe),
      cmocka_unit_test(bad_magic),
      cmocka_unit_test(bad_checksum),
      cmocka_unit_test(newer_version),
      cmocka_unit_test(huge_count),
      cmocka_unit_test(string_index_out_of_range),
      cmocka_unit_test(string_not_utf8),
      cmocka_unit_test(unknown_opcode),
      cmocka_unit_test(jump_backwards),
      cmocka_unit_test(jump_into_instruction),
      cmocka_unit_test(stack_underflow),
      cmocka_unit_test(wrong_class),
      cmocka_unit_test(loop_nesting_and_end),
      cmocka_unit_test(item_outside_loop),
      cmocka_unit_test(field_slot_out_of_range),
      cmocka_unit_test(cost_understated),
      cmocka_unit_test(tier_partner_type_out_of_range),
      cmocka_unit_test(numbers_move_only_with_f_instructions),
      cmocka_unit_test(number_constants_are_canonical),
      cmocka_unit_test(rounding_digits_are_bounded),
      cmocka_unit_test(period_operands_are_periods),
      cmocka_unit_test(periods_fiscal_year_and_keys_checked),
      cmocka_unit_test(unreachable_code),
      cmocka_unit_test(shared_code),
  };
  return cmocka_run_group_tests_name("bytecode", tests, setup, teardown);
}
