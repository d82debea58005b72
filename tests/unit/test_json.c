/*
 * test_json.c - the streaming record reader (json.c) against its reference,
 * the jansson reader (record.c): the same input must give the same packed
 * record, or both must reject it.  Inputs: every example and golden profile,
 * generated profiles, and byte-level mutations of them.  Also the reader's
 * own limits: JSON nested 100,000 deep, a very large record.
 */
#include "testutil.h"
#include "record.h"
#include "../tools/gen.h"

static tier_ruleset *rs;
static tier_vm *fast, *ref;

static int setup(void **st) {
  (void)st;
  uint8_t *bc;
  size_t n;
  if (tier_compile("rules/apn-2019.tier", NULL, 0, NULL, &bc, &n, NULL) != TIER_OK) return -1;
  char err[256];
  int rc = tier_load(bc, n, NULL, &rs, err, sizeof err);
  tier_free_bytes(NULL, bc, n);
  if (rc) return -1;
  fast = tier_vm_new(rs, NULL);
  ref = tier_vm_new(rs, NULL);
  return fast && ref ? 0 : -1;
}
static int teardown(void **st) {
  (void)st;
  tier_vm_free(fast);
  tier_vm_free(ref);
  tier_ruleset_free(rs);
  return 0;
}

/* A slot's value with texts resolved, so that intern order does not matter. */
static bool same_value(const struct record *a, const struct record *b, int kind, int64_t x, int64_t y) {
  if (kind != TY_TEXT || x == TIER_NONE || y == TIER_NONE) return x == y;
  if (x < 0 || y < 0 || (uint64_t)x >= a->nstrs || (uint64_t)y >= b->nstrs) return false;
  return a->strs[x].n == b->strs[y].n && memcmp(a->strs[x].p, b->strs[y].p, a->strs[x].n) == 0;
}

static bool same_record(const struct record *a, const struct record *b) {
  const struct image *img = rs->img;
  for (uint32_t f = 0; f < img->nfields; f++) {
    const struct img_field *F = &img->fields[f];
    if (F->owner != NO_LIST || F->kind == TY_LIST) continue;
    if (!same_value(a, b, F->kind, a->top[F->slot], b->top[F->slot])) return false;
  }
  for (uint32_t l = 0; l < img->nlists; l++) {
    if (a->lists[l].n != b->lists[l].n) return false;
    uint32_t w = img->lists[l].width;
    for (uint32_t i = 0; i < a->lists[l].n; i++)
      for (uint32_t f = 0; f < img->nfields; f++) {
        const struct img_field *F = &img->fields[f];
        if (F->owner != l) continue;
        if (!same_value(a, b, F->kind, a->lists[l].items[i * w + F->slot], b->lists[l].items[i * w + F->slot])) return false;
      }
  }
  return true;
}

static long agreed, rejected_both;

/* Both readers on one input; they must agree. */
static void compare(const char *json, size_t n) {
  struct record ra, rb;
  int a = rec_parse(fast, json, n, &ra);
  int b = rec_parse_ref(ref, json, n, &rb);
  if (a == TIER_OK && b == TIER_OK) {
    if (!same_record(&ra, &rb)) {
      fprintf(stderr, "records differ for: %.*s\n", (int)(n > 300 ? 300 : n), json);
      fail();
    }
    agreed++;
    return;
  }
  if ((a == TIER_OK) != (b == TIER_OK)) {
    fprintf(stderr, "fast %s (%s), reference %s (%s) for: %.*s\n", a ? "rejects" : "accepts", a ? tier_vm_error(fast) : "",
            b ? "rejects" : "accepts", b ? tier_vm_error(ref) : "", (int)(n > 300 ? 300 : n), json);
    fail();
  }
  rejected_both++;
}

static void each_line(const char *path, void (*fn)(const char *, size_t)) {
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) > 0) {
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
    if (len > 0) fn(line, (size_t)len);
  }
  free(line);
  fclose(f);
}

static void examples_agree(void **st) {
  (void)st;
  each_line("examples/partners.jsonl", compare);
  each_line("tests/golden/data/bad-records.jsonl", compare);
  each_line("examples/apn-2019.tests", compare);
  fprintf(stderr, "agreed on %ld records, both rejected %ld\n", agreed, rejected_both);
}

static void generated_agree(void **st) {
  (void)st;
  char *buf = NULL;
  size_t cap = 0;
  for (long i = 0; i < 300; i++) {
    FILE *m = open_memstream(&buf, &cap);
    gen_profile(m, 11, i, i % 3 == 0);
    fclose(m);
    compare(buf, strlen(buf) - 1);
    free(buf); /* open_memstream makes a new buffer every time */
    buf = NULL;
  }
}

/* Byte mutations of a real profile: flips, deletions, special bytes. */
static void mutations_agree(void **st) {
  (void)st;
  FILE *f = fopen("examples/partners.jsonl", "r");
  char *line = NULL;
  size_t cap = 0;
  ssize_t len = getline(&line, &cap, f);
  fclose(f);
  assert_true(len > 10);
  len--;
  char *m = malloc((size_t)len + 1);
  static const char subst[] = {'"', '\\', '{', '}', '[', ']', ',', ':', '0', '-', '.', 'e', 'x', ' ', (char)0xC3, (char)0x80, 0};
  long before = agreed + rejected_both;
  for (ssize_t i = 0; i < len; i++)
    for (size_t k = 0; k < sizeof subst; k++) {
      memcpy(m, line, (size_t)len);
      m[i] = subst[k];
      if (subst[k] == 0) {
        /* jansson accepts a NUL byte where a ',' belongs (it reads the
         * number before it with a C string function): there the reference is
         * wrong, and the streaming reader must reject the record */
        struct record r;
        if (rec_parse(fast, m, (size_t)len, &r) == TIER_OK) {
          /* a NUL inside a string is a control character: rejected too */
          fprintf(stderr, "a NUL byte at %zd was accepted\n", (size_t)i);
          fail();
        }
        continue;
      }
      compare(m, (size_t)len);
    }
  for (ssize_t i = 0; i < len; i += 3) { /* deletions */
    memcpy(m, line, (size_t)i);
    memcpy(m + i, line + i + 1, (size_t)(len - i - 1));
    compare(m, (size_t)len - 1);
  }
  fprintf(stderr, "mutants compared: %ld\n", agreed + rejected_both - before);
  free(m);
  free(line);
}

static void deep_nesting_is_an_error(void **st) {
  (void)st;
  size_t depth = 100000;
  char *s = malloc(depth * 2 + 64);
  size_t k = (size_t)sprintf(s, "{\"id\":\"deep\",\"extra\":");
  for (size_t i = 0; i < depth; i++) s[k++] = '[';
  for (size_t i = 0; i < depth; i++) s[k++] = ']';
  s[k++] = '}';
  struct record r;
  assert_int_equal(rec_parse(fast, s, k, &r), TIER_ERECORD);
  tu_assert_contains(tier_vm_error(fast), "nested more than");
  free(s);
}

static void large_record(void **st) {
  (void)st;
  /* one partner with 200,000 certifications (about 20 MB) */
  size_t cap = 32u << 20;
  char *s = malloc(cap);
  size_t k = (size_t)sprintf(s, "{\"id\":\"big\",\"name\":\"Big\",\"type\":\"consulting\",\"renewal\":\"2019-01-01\",\"support\":\"basic\",\"certifications\":[");
  for (int i = 0; i < 200000; i++)
    k += (size_t)sprintf(s + k, "%s{\"person\":\"p%d\",\"name\":\"n\",\"level\":\"associate\",\"earned\":\"2018-01-01\",\"expires\":null}",
                         i ? "," : "", i % 5000);
  k += (size_t)sprintf(s + k, "]}");
  const tier_result *r;
  assert_int_equal(tier_eval_json(fast, s, k, TIER_NONE, &r), TIER_OK);
  assert_string_equal(r->tier, "Registered");
  /* 5,000 distinct people among 200,000 certifications */
  bool found = false;
  for (size_t i = 0; i < r->nunmet; i++)
    if (r->unmet[i].metric && !strcmp(r->unmet[i].metric, "certified_people")) found = true;
  assert_false(found); /* 5,000 >= 2: met */
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(examples_agree),          cmocka_unit_test(generated_agree),
      cmocka_unit_test(mutations_agree),         cmocka_unit_test(deep_nesting_is_an_error),
      cmocka_unit_test(large_record),
  };
  return cmocka_run_group_tests_name("json", tests, setup, teardown);
}
