/*
 * test_json.c - the streaming record reader (json.c) against its reference,
 * the jansson reader (record.c): the same input must give the same packed
 * record, or both must reject it.  Inputs: every example and golden profile,
 * generated profiles, and byte-level mutations of them.  Also the reader's
 * own limits: JSON nested 100,000 deep, a very large record.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "record.h"
#include "../tools/gen.h"

static tier_ruleset *rs;
static tier_vm *fast, *ref;
/* a schema with lists nested three deep (SPEC 3.4.13) and its readers */
static tier_ruleset *nrs;
static tier_vm *nfast, *nref;
static tier_vm *sfast, *sref; /* the nested schema with strict_fields */
static const char nested_src[] =
    "enum kind { a, b }\n"
    "record {\n"
    "  id: text;\n"
    "  partner type: kind;\n"
    "  tags: list { t: text; }\n"
    "  customers: list {\n"
    "    id: text;\n"
    "    months: list { month: date; seats: int; usage: number?; days: list { n: int; note: text?; } }\n"
    "    contacts: list { name: text; }\n"
    "    segment: kind?;\n"
    "  }\n"
    "}\n"
    "metric c = count customers;\n"
    "tier T a < c >= 1; >\n";

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
  nrs = tu_compile(nested_src, NULL);
  if (!nrs) return -1;
  nfast = tier_vm_new(nrs, NULL);
  nref = tier_vm_new(nrs, NULL);
  tier_options strict = {.strict_fields = 1};
  sfast = tier_vm_new(nrs, &strict);
  sref = tier_vm_new(nrs, &strict);
  return fast && ref && nfast && nref && sfast && sref ? 0 : -1;
}
static int teardown(void **st) {
  (void)st;
  tier_vm_free(fast);
  tier_vm_free(ref);
  tier_ruleset_free(rs);
  tier_vm_free(nfast);
  tier_vm_free(nref);
  tier_vm_free(sfast);
  tier_vm_free(sref);
  tier_ruleset_free(nrs);
  return 0;
}

/* A slot's value with texts resolved, so that intern order does not matter. */
static bool same_value(const struct record *a, const struct record *b, int kind, int64_t x, int64_t y) {
  if (kind != TY_TEXT || x == TIER_NONE || y == TIER_NONE) return x == y;
  if (x < 0 || y < 0 || (uint64_t)x >= a->nstrs || (uint64_t)y >= b->nstrs) return false;
  return a->strs[x].n == b->strs[y].n && memcmp(a->strs[x].p, b->strs[y].p, a->strs[x].n) == 0;
}

/* The same packed record: every value, and every list slot (where an
 * item's inner list is, LIST_SLOT) - the readers lay inner lists out alike,
 * parent after parent. */
static bool same_record(const struct image *img, const struct record *a, const struct record *b) {
  for (uint32_t f = 0; f < img->nfields; f++) {
    const struct img_field *F = &img->fields[f];
    if (F->owner != NO_LIST) continue;
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

/* Both readers of one ruleset on one input; they must agree. */
static void compare_with(tier_vm *f, tier_vm *r, const char *json, size_t n) {
  struct record ra, rb;
  int a = rec_parse(f, json, n, &ra);
  int b = rec_parse_ref(r, json, n, &rb);
  if (a == TIER_OK && b == TIER_OK) {
    if (!same_record(f->rs->img, &ra, &rb)) {
      fprintf(stderr, "records differ for: %.*s\n", (int)(n > 300 ? 300 : n), json);
      fail();
    }
    agreed++;
    return;
  }
  if ((a == TIER_OK) != (b == TIER_OK)) {
    fprintf(stderr, "fast %s (%s), reference %s (%s) for: %.*s\n", a ? "rejects" : "accepts", a ? tier_vm_error(f) : "",
            b ? "rejects" : "accepts", b ? tier_vm_error(r) : "", (int)(n > 300 ? 300 : n), json);
    fail();
  }
  rejected_both++;
}
static void compare(const char *json, size_t n) { compare_with(fast, ref, json, n); }
static void compare_nested(const char *json, size_t n) { compare_with(nfast, nref, json, n); }
static void compare_strict(const char *json, size_t n) { compare_with(sfast, sref, json, n); }

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

/* A profile of the nested schema: customers with months with days, any
 * of them absent or empty, optional values null or left out. */
static void nested_profile(FILE *m, struct gen *g) {
  fprintf(m, "{\"id\":\"N-%u\",\"type\":\"%s\"", gen_u32(g) % 1000, gen_range(g, 0, 1) ? "a" : "b");
  if (gen_range(g, 0, 3)) {
    fprintf(m, ",\"tags\":[");
    for (int t = 0, nt = gen_range(g, 0, 3); t < nt; t++) fprintf(m, "%s{\"t\":\"x%d\"}", t ? "," : "", gen_range(g, 0, 2));
    fprintf(m, "]");
  }
  fprintf(m, ",\"customers\":[");
  for (int c = 0, nc = gen_range(g, 0, 4); c < nc; c++) {
    fprintf(m, "%s{\"id\":\"c%d\"", c ? "," : "", c);
    if (gen_range(g, 0, 4)) {
      fprintf(m, ",\"months\":[");
      for (int k = 0, nk = gen_range(g, 0, 4); k < nk; k++) {
        char d[11];
        gen_date(g, d, 2018);
        fprintf(m, "%s{\"month\":\"%s\",\"seats\":%d", k ? "," : "", d, gen_range(g, -5, 40));
        int u = gen_range(g, 0, 2);
        if (u == 1) fprintf(m, ",\"usage\":%d.%d", gen_range(g, 0, 99), gen_range(g, 0, 9));
        if (u == 2) fprintf(m, ",\"usage\":null");
        if (gen_range(g, 0, 2)) {
          fprintf(m, ",\"days\":[");
          for (int x = 0, nx = gen_range(g, 0, 3); x < nx; x++)
            fprintf(m, "%s{\"n\":%d%s}", x ? "," : "", gen_range(g, 0, 9), gen_range(g, 0, 1) ? ",\"note\":\"n\"" : "");
          fprintf(m, "]");
        }
        fprintf(m, "}");
      }
      fprintf(m, "]");
    }
    if (gen_range(g, 0, 1)) fprintf(m, ",\"contacts\":[{\"name\":\"k%d\"}]", c);
    if (gen_range(g, 0, 1)) fprintf(m, ",\"segment\":%s", gen_range(g, 0, 1) ? "\"a\"" : "null");
    fprintf(m, "}");
  }
  fprintf(m, "]}\n");
}

/* Nested lists: the readers agree on generated profiles, and each inner
 * list's items are those of every parent item in document order, each
 * parent's slot naming its own run. */
static void nested_agree(void **st) {
  (void)st;
  char *buf = NULL;
  size_t cap = 0;
  long before = agreed;
  for (long i = 0; i < 400; i++) {
    struct gen g = {(uint64_t)i * 7919u + 1};
    FILE *m = open_memstream(&buf, &cap);
    nested_profile(m, &g);
    fclose(m);
    compare_nested(buf, strlen(buf) - 1);
    free(buf);
    buf = NULL;
  }
  assert_int_equal(agreed - before, 400);
  static const char rec[] =
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":["
      "{\"id\":\"c0\",\"months\":[{\"month\":\"2024-01-01\",\"seats\":1},{\"month\":\"2024-02-01\",\"seats\":2,"
      "\"days\":[{\"n\":7}]}]},"
      "{\"id\":\"c1\"},"
      "{\"id\":\"c2\",\"months\":[{\"month\":\"2024-03-01\",\"seats\":3,\"days\":[{\"n\":8},{\"n\":9}]}]}]}";
  struct record r;
  assert_int_equal(rec_parse(nfast, rec, strlen(rec), &r), TIER_OK);
  const struct image *img = nrs->img;
  uint32_t cust = 1, months = 2, days = 3; /* lists in declaration order: tags, customers, months, days, contacts */
  assert_int_equal(r.lists[cust].n, 3);
  assert_int_equal(r.lists[months].n, 3);
  assert_int_equal(r.lists[days].n, 3);
  uint32_t ms = img->lists[months].pslot, ds = img->lists[days].pslot;
  const int64_t *c = r.lists[cust].items;
  uint32_t cw = img->lists[cust].width, mw = img->lists[months].width;
  assert_true(c[ms] == LIST_SLOT(0, 2) && c[cw + ms] == LIST_SLOT(2, 0) && c[2 * cw + ms] == LIST_SLOT(2, 1));
  const int64_t *mo = r.lists[months].items;
  assert_true(mo[ds] == LIST_SLOT(0, 0) && mo[mw + ds] == LIST_SLOT(0, 1) && mo[2 * mw + ds] == LIST_SLOT(1, 2));
  compare_nested(rec, strlen(rec));
}

/* A fault deep inside gives the whole path to the value. */
static void nested_paths(void **st) {
  (void)st;
  static const struct {
    const char *json, *err, *path;
  } cases[] = {
      {"{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\"},{\"id\":\"d\",\"months\":[{\"month\":\"2024-01-01\",\"seats\":"
       "1},"
       "{\"month\":\"2024-01-01\",\"seats\":\"2\"}]}]}",
       "expected an integer, found a string", "$.customers[1].months[1].seats"},
      {"{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"months\":[{\"month\":\"2024-01-01\",\"seats\":1,"
       "\"days\":[{\"n\":1},{\"note\":\"z\"}]}]}]}",
       "missing required field", "$.customers[0].months[0].days[1].n"},
      {"{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"months\":null}]}", "a list may be absent but not null",
       "$.customers[0].months"},
      {"{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"contacts\":[{\"name\":\"k\"}],\"contacts\":[]}]}",
       "the field appears twice", "$.customers[0].contacts"},
      /* after a list's items are read, a fault outside them names none of them */
      {"{\"id\":\"x\",\"customers\":[{\"id\":\"c\",\"months\":[{\"month\":\"2024-01-01\",\"seats\":1}]}],\"type\":\"z\"}",
       "unknown value 'z' (allowed: a, b)", "$.type"},
      {"{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"months\":[{\"month\":\"2024-01-01\",\"seats\":1,\"days\":[{\"n\":1}]}],"
       "\"segment\":\"z\",\"id\":\"c\"}]}",
       "unknown value 'z' (allowed: a, b)", "$.customers[0].segment"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct record r;
    assert_int_equal(rec_parse(nfast, cases[i].json, strlen(cases[i].json), &r), TIER_ERECORD);
    assert_string_equal(tier_vm_error(nfast), cases[i].err);
    assert_string_equal(tier_vm_error_path(nfast), cases[i].path);
    compare_nested(cases[i].json, strlen(cases[i].json));
  }
}

/* Every fault of a value in well-formed JSON, worded alike by both readers
 * at the same path: each place of the nested schema (a field of every
 * type, a list, a list's item at each depth) given each kind of JSON value
 * in an otherwise valid record.  A list item that is no object read
 * "expected a list item (an object), found an integer" in the streaming
 * reader and "a list item must be an object, found an integer" in the
 * jansson one. */
static void value_faults_worded_alike(void **st) {
  (void)st;
  static const char *const places[] = {
      "{\"id\":@,\"type\":\"a\"}",
      "{\"id\":\"x\",\"type\":@}",
      "{\"id\":\"x\",\"type\":\"a\",\"tags\":@}",
      "{\"id\":\"x\",\"type\":\"a\",\"tags\":[@]}",
      "{\"id\":\"x\",\"type\":\"a\",\"tags\":[{\"t\":\"u\"},@]}",
      "{\"id\":\"x\",\"type\":\"a\",\"tags\":[{\"t\":@}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"segment\":@}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"months\":[@]}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"months\":[{\"month\":@,\"seats\":1}]}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"months\":[{\"month\":\"2024-01-01\",\"seats\":@}]}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"months\":[{\"month\":\"2024-01-01\",\"seats\":1,"
      "\"usage\":@}]}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"months\":[{\"month\":\"2024-01-01\",\"seats\":1,"
      "\"days\":[@]}]}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"months\":[{\"month\":\"2024-01-01\",\"seats\":1,"
      "\"days\":[{\"n\":1,\"note\":@}]}]}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"contacts\":@}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"contacts\":[1,@]}]}",
  };
  static const char *const values[] = {"{\"a\":1}", "[1]", "\"s\"", "1", "1.5", "-0", "true", "null", "\"2024-02-30\"", "\"z\""};
  int faults = 0;
  for (size_t p = 0; p < sizeof places / sizeof places[0]; p++)
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
      char json[512];
      const char *at = strchr(places[p], '@');
      snprintf(json, sizeof json, "%.*s%s%s", (int)(at - places[p]), places[p], values[v], at + 1);
      struct record rec;
      int a = rec_parse(nfast, json, strlen(json), &rec);
      int b = rec_parse_ref(nref, json, strlen(json), &rec);
      assert_int_equal(a, b);
      if (a == TIER_OK) continue;
      faults++;
      if (strcmp(tier_vm_error(nfast), tier_vm_error(nref)) || strcmp(tier_vm_error_path(nfast), tier_vm_error_path(nref)))
        fail_msg("%s: streaming reader \"%s\" at %s, jansson reader \"%s\" at %s", json, tier_vm_error(nfast),
                 tier_vm_error_path(nfast), tier_vm_error(nref), tier_vm_error_path(nref));
    }
  assert_true(faults > 80); /* most of the pairs are faults */
}

/* Both readers, f and r, reject json with the fault err at path. */
static void both_fault(tier_vm *f, tier_vm *r, const char *json, const char *err, const char *path) {
  struct record rec;
  assert_int_equal(rec_parse(f, json, strlen(json), &rec), TIER_ERECORD);
  assert_string_equal(tier_vm_error(f), err);
  assert_string_equal(tier_vm_error_path(f), path);
  assert_int_equal(rec_parse_ref(r, json, strlen(json), &rec), TIER_ERECORD);
  assert_string_equal(tier_vm_error(r), err);
  assert_string_equal(tier_vm_error_path(r), path);
}

/* A key reads the same in a fault's path as in JSON output: rec_path_key
 * and out_json_str escape by one rule (json_esc).  The path wrote DEL as
 * \u007f where the output wrote it raw, and a byte that is no UTF-8 raw
 * where the output wrote \ufffd. */
static void keys_escaped_as_in_output(void **st) {
  (void)st;
  static const struct {
    const char *key, *path;
  } cases[] = {
      {"a\x7f"
       "b",
       "$[\"a\\u007fb\"]"},
      {"a\xff"
       "b",
       "$[\"a\\ufffdb\"]"},                             /* no UTF-8 */
      {"a\xc3", "$[\"a\\ufffd\"]"},                     /* a sequence cut short */
      {"\xed\xa0\x80", "$[\"\\ufffd\\ufffd\\ufffd\"]"}, /* a surrogate */
      {"\x01\x1f", "$[\"\\u0001\\u001f\"]"},
      {"\n\t\r", "$[\"\\n\\t\\r\"]"},
      {"q\"q", "$[\"q\\\"q\"]"},
      {"b\\b", "$[\"b\\\\b\"]"},
      {"caf\xc3\xa9 \xe5\x8f\x96\xe5\xbc\x95", "$[\"caf\xc3\xa9 \xe5\x8f\x96\xe5\xbc\x95\"]"},
      {"c1\xc2\x85", "$[\"c1\\u0085\"]"}, /* a C1 control, which a terminal may obey */
      {"nbsp\xc2\xa0", "$[\"nbsp\xc2\xa0\"]"},
      {"a b", "$[\"a b\"]"},
      {"plain_1", "$.plain_1"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[REC_PATH_ROOM];
    size_t n = rec_path_key(path, sizeof path, rec_path_put(path, sizeof path, 0, "$", 1), cases[i].key);
    assert_string_equal(path, cases[i].path);
    assert_int_equal(n, strlen(path));
    if (path[1] != '[') continue;
    struct buf b = {0};
    out_json_str(&b, cases[i].key, strlen(cases[i].key));
    assert_false(b.failed);
    assert_int_equal(b.n, n - 3);
    assert_memory_equal(b.p, path + 2, b.n);
    buf_free(&b);
  }
}

/* A text longer than its fixed buffer keeps whole characters and ends
 * with "...", within the buffer (text_cut, text_printf, text_append): for
 * every room from 0 to 40 bytes and every length of a text of 3-byte
 * characters around it, the result is valid UTF-8, a prefix of the text,
 * and marked exactly when cut. */
static void texts_cut_marked(void **st) {
  (void)st;
  char text[64] = "";
  for (int k = 0; k < 20; k++) strcat(text, "\xe8\xaa\x9e"); /* 語 x 20: 60 bytes */
  for (size_t room = 0; room <= 40; room++)
    for (size_t len = 0; len <= 60; len += 3) {
      char buf[48];
      memset(buf, 'z', sizeof buf);
      size_t n = text_printf(buf, room, "%.*s", (int)len, text);
      if (!room) {
        assert_int_equal(n, 0);
        assert_int_equal(buf[0], 'z'); /* nothing written */
        continue;
      }
      assert_int_equal(strlen(buf), n);
      assert_true(n < room);
      size_t bad;
      assert_true(utf8_valid(buf, n, &bad));
      bool cut = len >= room;
      size_t kept = cut && n >= 3 && !memcmp(buf + n - 3, "...", 3) ? n - 3 : n;
      assert_memory_equal(buf, text, kept);
      if (!cut) assert_int_equal(n, len);
      if (cut && room > 4) {
        assert_string_equal(buf + n - 3, "...");
        assert_true(kept + 3 > room - 1 - 3); /* no more cut than a character */
      }
    }
  /* a list: items added whole while they fit, then the mark, then nothing */
  char list[24];
  size_t at = 0;
  const char *items[] = {"\xe8\xaa\x9e\xe8\xaa\x9e", "bb", "\xe8\xaa\x9e\xe8\xaa\x9e\xe8\xaa\x9e", "dd", "ee"};
  for (size_t k = 0; k < 5 && at < sizeof list; k++) at = text_append(list, sizeof list, at, k ? ", " : "", items[k]);
  assert_int_equal(at, sizeof list);
  assert_string_equal(list, "\xe8\xaa\x9e\xe8\xaa\x9e, bb, \xe8\xaa\x9e\xe8\xaa\x9e...");
  at = text_append(list, sizeof list, at, ", ", "ff");
  assert_int_equal(at, sizeof list);
  assert_string_equal(list, "\xe8\xaa\x9e\xe8\xaa\x9e, bb, \xe8\xaa\x9e\xe8\xaa\x9e...");
}

static void *no_memory(void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud, (void)osize;
  if (nsize) return NULL;
  free(ptr);
  return NULL;
}

/* One file_read fault at `path` into errlen bytes: the path is cut first
 * (whole characters, "...") and the reason after it is kept whole. */
static void file_fault_kept(const char *path, size_t max, const struct tier_alloc_hook *hook, size_t errlen, const char *end) {
  char err[5000];
  memset(err, 'z', sizeof err);
  struct buf b = {.hook = hook};
  assert_int_not_equal(file_read(path, max, &b, err, errlen), TIER_OK);
  buf_free(&b);
  size_t n = strlen(err), bad, pl = strlen(path);
  assert_true(n < errlen);
  assert_true(utf8_valid(err, n, &bad));
  assert_true(n >= strlen(end));
  assert_string_equal(err + n - strlen(end), end); /* the sentence's own words survive */
  const char *q = strchr(err, '\'');
  assert_non_null(q);
  size_t shown = (size_t)(strchr(q + 1, '\'') - q - 1);
  bool whole = pl + FILE_ERR_WORDS < errlen && pl < TEXT_PATH_ROOM;
  if (whole) assert_memory_equal(q + 1, path, pl);
  else {
    assert_true(shown >= 3 && shown < TEXT_PATH_ROOM);
    assert_memory_equal(q + 1 + shown - 3, "...", 3);
    assert_memory_equal(q + 1, path, shown - 3);                                      /* a prefix of whole characters */
    assert_true(shown + 6 + FILE_ERR_WORDS >= errlen || shown + 6 >= TEXT_PATH_ROOM); /* cut no more than needed */
  }
}

/* Every error of file_read (cannot open, not a regular file, larger than
 * the limit, out of memory) for paths of 3-byte characters longer than the
 * message's buffer: the reason is kept after a path cut first; a 4,500-byte
 * path (longer than PATH_MAX) ends "...': File name too long". */
static void file_errors_keep_their_end(void **st) {
  (void)st;
  char dir[] = "/tmp/tier-cut-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char name[200] = "", sub[300], file[300];
  for (int k = 0; k < 60; k++) strcat(name, "\xe8\xaa\x9e"); /* 語 x 60: 180 bytes */
  snprintf(sub, sizeof sub, "%s/%s", dir, name);
  assert_int_equal(mkdir(sub, 0700), 0);
  snprintf(file, sizeof file, "%s/f", dir);
  FILE *f = fopen(file, "w");
  assert_non_null(f);
  fputs("0123456789", f);
  fclose(f);
  struct tier_alloc_hook none = {no_memory, NULL};
  static char path[5000];
  const char *ends[] = {"", "/../f", "/nothere"};
  char too_long[64];
  snprintf(too_long, sizeof too_long, "': %s", strerror(ENAMETOOLONG));
  char gone[64];
  snprintf(gone, sizeof gone, "': %s", strerror(ENOENT));
  for (size_t reps = 0; reps <= 20; reps += 4)
    for (size_t tail = 0; tail < 3; tail++) {
      int at = snprintf(path, sizeof path, "%s/%s", dir, name);
      for (size_t r = 0; r < reps; r++) at += snprintf(path + at, sizeof path - (size_t)at, "/../%s", name);
      snprintf(path + at, sizeof path - (size_t)at, "%s", ends[tail]);
      for (size_t errlen = 64; errlen <= 4352; errlen += errlen < 400 ? 37 : 977) {
        if (tail == 0) file_fault_kept(path, 1, NULL, errlen, "' is a directory, not a regular file");
        if (tail == 1) file_fault_kept(path, 1, NULL, errlen, "' is larger than the limit of 1 bytes");
        if (tail == 1) file_fault_kept(path, 100, &none, errlen, "': out of memory");
        if (tail == 2) file_fault_kept(path, 1, NULL, errlen, gone);
      }
    }
  memset(path, 0, sizeof path);
  strcpy(path, "/tmp/");
  for (int k = 0; k < 1500; k++) strcat(path, "\xe8\xaa\x9e"); /* 4,505 bytes: no system opens it */
  file_fault_kept(path, 1, NULL, 4352, too_long);
  file_fault_kept(path, 1, NULL, 300, too_long);
  assert_int_equal(rmdir(sub), 0);
  assert_int_equal(unlink(file), 0);
  assert_int_equal(rmdir(dir), 0);
}

/* A record's path that does not fit its buffer ends with "...", cut
 * between whole characters and escapes, the same in every builder; it was
 * cut at 255 bytes (200 in tierc test) with nothing to say so. */
static void paths_cut_marked(void **st) {
  (void)st;
  char key[1200], path[REC_PATH_ROOM];
  /* 252 bytes are whole; one more, and the path shows 252 and the mark */
  memset(key, 'k', 250), key[250] = 0;
  assert_int_equal(rec_path_key(path, sizeof path, rec_path_put(path, sizeof path, 0, "$", 1), key), 252);
  assert_int_equal(strlen(path), 252);
  assert_int_equal(rec_path_index(path, sizeof path, 252, 7), REC_PATH_ROOM);
  assert_string_equal(path + 252, "...");
  assert_int_equal(strncmp(path, "$.kkk", 5), 0);
  memset(key, 'k', 251), key[251] = 0;
  assert_int_equal(rec_path_key(path, sizeof path, rec_path_put(path, sizeof path, 0, "$", 1), key), REC_PATH_ROOM);
  assert_int_equal(strlen(path), 255);
  assert_string_equal(path + 252, "...");
  /* full: nothing more is put */
  assert_int_equal(rec_path_index(path, sizeof path, REC_PATH_ROOM, 3), REC_PATH_ROOM);
  assert_int_equal(rec_path_key(path, sizeof path, REC_PATH_ROOM, "x"), REC_PATH_ROOM);
  assert_int_equal(strlen(path), 255);
  /* an escape is never split: $[" and 41 of \u0001 (249 bytes), the mark */
  memset(key, 1, 100), key[100] = 0;
  rec_path_key(path, sizeof path, rec_path_put(path, sizeof path, 0, "$", 1), key);
  assert_int_equal(strlen(path), 252);
  assert_string_equal(path + 243, "\\u0001...");
  /* nor a character: $[" and 124 of é (251 bytes), the mark */
  for (int i = 0; i < 200; i++) key[2 * i] = (char)0xC3, key[2 * i + 1] = (char)0xA9;
  key[400] = 0;
  rec_path_key(path, sizeof path, rec_path_put(path, sizeof path, 0, "$", 1), key);
  assert_int_equal(strlen(path), 254);
  assert_string_equal(path + 249, "\xc3\xa9...");
  /* an index is put a byte at a time, as "$" and a plain key are */
  memset(key, 'k', 247), key[247] = 0;
  size_t n = rec_path_key(path, sizeof path, rec_path_put(path, sizeof path, 0, "$", 1), key);
  assert_int_equal(rec_path_index(path, sizeof path, n, 12345), REC_PATH_ROOM);
  assert_string_equal(path + 249, "[12...");
}

/* Both readers, f and r, read json. */
static void both_read(tier_vm *f, tier_vm *r, const char *json) {
  struct record rec;
  assert_int_equal(rec_parse(f, json, strlen(json), &rec), TIER_OK);
  assert_int_equal(rec_parse_ref(r, json, strlen(json), &rec), TIER_OK);
}

/* Both readers cut a fault's path alike (json.c's fault, record.c's ctx),
 * at the top and in a list's items, as paths_cut_marked says. */
static void readers_cut_paths_alike(void **st) {
  (void)st;
  char src[1600], k300[301], json[2000], want[REC_PATH_ROOM];
  memset(k300, 'k', 300), k300[300] = 0;
  snprintf(src, sizeof src,
           "enum kind { a }\nrecord { id: text; partner type: kind; n \"%s\": int; items \"%.120s\": list { "
           "m \"%.140s\": int; } }\ntier T a < n >= 0; >\n",
           k300, k300, k300);
  tier_ruleset *lrs = tu_compile(src, NULL);
  assert_non_null(lrs);
  tier_vm *vf = tier_vm_new(lrs, NULL), *vr = tier_vm_new(lrs, NULL);
  snprintf(json, sizeof json, "{\"id\":\"x\",\"type\":\"a\",\"%s\":\"1\"}", k300);
  snprintf(want, sizeof want, "$.%.250s...", k300);
  both_fault(vf, vr, json, "expected an integer, found a string", want);
  snprintf(json, sizeof json, "{\"id\":\"x\",\"type\":\"a\",\"%s\":1,\"%.120s\":[{\"%.140s\":1},{\"%.140s\":true}]}", k300, k300,
           k300, k300);
  snprintf(want, sizeof want, "$.%.120s[1].%.126s...", k300, k300);
  both_fault(vf, vr, json, "expected an integer, found a boolean", want);
  tier_vm_free(vf);
  tier_vm_free(vr);
  tier_ruleset_free(lrs);
  /* a list whose key alone passes the room: its items are read under a cut
   * path (the jansson reader put its path back after each item with one
   * byte past the buffer: review 13, UBSan in make asan), and a fault in one
   * names the cut path */
  snprintf(src, sizeof src,
           "enum kind { a }\nrecord { id: text; partner type: kind; items \"%s\": list { m: int; } }\n"
           "tier T a < count items >= 0; >\n",
           k300);
  lrs = tu_compile(src, NULL);
  assert_non_null(lrs);
  vf = tier_vm_new(lrs, NULL), vr = tier_vm_new(lrs, NULL);
  snprintf(json, sizeof json, "{\"id\":\"x\",\"type\":\"a\",\"%s\":[{\"m\":1},{\"m\":2}]}", k300);
  both_read(vf, vr, json);
  snprintf(json, sizeof json, "{\"id\":\"x\",\"type\":\"a\",\"%s\":[{\"m\":1},{\"m\":true}]}", k300);
  snprintf(want, sizeof want, "$.%.250s...", k300);
  both_fault(vf, vr, json, "expected an integer, found a boolean", want);
  tier_vm_free(vf);
  tier_vm_free(vr);
  tier_ruleset_free(lrs);
}

/* The colon after a key, on each way a key is matched: in its pattern
 * (a raw name of up to 13 bytes, with its colon: "abcdefghijklm":), between
 * its quotes (a 14-byte name has no pattern; a key with a blank before its
 * colon; fewer than 16 bytes left), in another order, or decoded (an
 * escape).  The pattern holds the colon and the other ways test it after
 * the key (json.c, colon()): where it is missing, the reader says "':'
 * expected" where the colon should be, and the reference says it too. */
static void colon_after_every_key(void **st) {
  (void)st;
  tier_ruleset *crs = tu_compile_ok(
      "enum kind { a, b }\nrecord {\n  id: text;\n  partner type: kind;\n  abcdefghijklm: int;\n  abcdefghijklmn: int;\n"
      "  tags: list { t: text; }\n}\nmetric c = count tags;\ntier T a < c >= 1; >\n");
  tier_vm *f = tier_vm_new(crs, NULL), *r = tier_vm_new(crs, NULL);
  assert_true(f && r);
  static const char *const good[] = {
      "{\"id\":\"x\",\"abcdefghijklm\":1,\"abcdefghijklmn\":2,\"tags\":[{\"t\":\"a\"}],\"type\":\"a\"}",
      "{\"id\" : \"x\" , \"abcdefghijklm\" :1,\"abcdefghijklmn\"\t:2,\"tags\":[],\"type\" :\"a\"}",
      "{\"type\":\"a\",\"tags\":[],\"abcdefghijklmn\":2,\"abcdefghijklm\":1,\"id\":\"x\"}",
      "{\"\\u0069d\":\"x\",\"abcdefghijklm\":1,\"abcdefghijkl\\u006dn\":2,\"typ\\u0065\":\"a\"}",
      "{\"tags\":[],\"abcdefghijklm\":1,\"abcdefghijklmn\":2,\"id\":\"x\",\"type\":\"a\"}",
  };
  static const struct {
    const char *json;
    int column; /* where the colon should be, past blanks */
  } bad[] = {
      {"{\"id\":\"x\",\"abcdefghijklm\" 1,\"abcdefghijklmn\":2,\"tags\":[]}", 27},
      {"{\"id\":\"x\",\"abcdefghijklm\":1,\"abcdefghijklmn\" 2,\"tags\":[]}", 46},
      {"{\"id\" \"x\",\"abcdefghijklm\":1,\"abcdefghijklmn\":2,\"tags\":[]}", 7},
      {"{\"tags\":[],\"abcdefghijklmn\" 2,\"abcdefghijklm\":1,\"id\":\"x\"}", 29},
      {"{\"\\u0069d\" \"x\",\"abcdefghijklm\":1}", 12},
      {"{\"id\":\"x\",\"abcdefghijklm\":1,\"tags\" []}", 36},
      {"{\"id\":\"x\",\"tags\":[{\"t\" \"a\"}]}", 24},
      {"{\"id\":\"x\",\"tags\":[{\"t\"}]}", 23},
      {"{\"id\":\"x\",\"abcdefghijklmn\"", 27},
  };
  struct record rec;
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    assert_int_equal(rec_parse(f, good[i], strlen(good[i]), &rec), TIER_OK);
    compare_with(f, r, good[i], strlen(good[i]));
  }
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    const char *json = bad[i].json;
    char want[96];
    snprintf(want, sizeof want, "malformed JSON at line 1, column %d: ':' expected", bad[i].column);
    assert_int_equal(rec_parse(f, json, strlen(json), &rec), TIER_ERECORD);
    assert_string_equal(tier_vm_error(f), want);
    assert_string_equal(tier_vm_error_path(f), "");
    /* jansson's column is after a token of more than one byte, then "near" it */
    assert_int_equal(rec_parse_ref(r, json, strlen(json), &rec), TIER_ERECORD);
    tu_assert_contains(tier_vm_error(r), "':' expected near");
    assert_string_equal(tier_vm_error_path(r), "");
  }
  tier_vm_free(f);
  tier_vm_free(r);
  tier_ruleset_free(crs);
}

/* After the last field of an object in schema order, a key that is the
 * first field of the next owner (the next list's items): the fast reader
 * keeps each owner's keys with one after them that matches nothing
 * (json.c, index_fields), where the next owner's first key would
 * otherwise be; both readers must call the key undeclared (passed over,
 * or with --strict a fault), never read it as a field of this object.
 * Each written with its keys in a pattern's reach and at the record's end
 * (fewer than 16 bytes left). */
static void key_after_the_last_field(void **st) {
  (void)st;
  static const char *const objects[] = {
      "{\"id\":\"x\",\"type\":\"a\",\"tags\":[],\"customers\":[],\"t\":\"zz\"}",
      "{\"id\":\"x\",\"type\":\"a\",\"tags\":[{\"t\":\"a\",\"id\":\"q\"}],\"customers\":[]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"months\":[],\"contacts\":[],\"segment\":null,"
      "\"month\":\"2019-01-01\"}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"months\":[{\"month\":\"2019-01-01\",\"seats\":1,"
      "\"usage\":null,\"days\":[],\"n\":3}]}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"months\":[{\"month\":\"2019-01-01\",\"seats\":1,"
      "\"days\":[{\"n\":1,\"note\":null,\"name\":\"z\"}]}]}]}",
      "{\"id\":\"x\",\"type\":\"a\",\"tags\":[],\"customers\":[],\"t\":1}",
  };
  for (size_t i = 0; i < sizeof objects / sizeof *objects; i++) {
    struct record rec;
    size_t n = strlen(objects[i]);
    assert_int_equal(rec_parse(nfast, objects[i], n, &rec), TIER_OK);
    compare_nested(objects[i], n);
    assert_int_equal(rec_parse(sfast, objects[i], n, &rec), TIER_ERECORD);
    assert_non_null(strstr(tier_vm_error(sfast), "unknown field"));
    compare_strict(objects[i], n);
  }
}

/* --strict: a record's fault names every undeclared key it has (each once,
 * STRICT_NAMED of them, then how many more), the same from both readers;
 * one key is said where it stands. */
static void strict_names_every_key(void **st) {
  (void)st;
  static const struct {
    const char *json, *err, *path;
  } cases[] = {
      {"{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"idd\":1}]}",
       "unknown field \"idd\" in customers[] (did you mean \"id\"?): the rules declare no such field", "$.customers[0]"},
      {"{\"id\":\"x\",\"typ\":\"a\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"idd\":1},{\"id\":\"d\",\"idd\":2}],\"zz\":0}",
       "unknown fields \"typ\" (did you mean \"type\"?), \"zz\", \"idd\" in customers[] (did you mean \"id\"?): the rules "
       "declare none of them",
       "$"},
      {"{\"id\":\"x\",\"type\":\"a\",\"k6\":6,\"k5\":5,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4}",
       "unknown fields \"k1\", \"k2\", \"k3\", \"k4\" and 2 more: the rules declare none of them", "$"},
      /* a key kept, then passed by four before it: one key among the more, though it came twice */
      {"{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"q\":1},{\"id\":\"d\",\"q\":2}],\"k1\":1,\"k2\":2,"
       "\"k3\":3,\"k4\":4}",
       "unknown fields \"k1\", \"k2\", \"k3\", \"k4\" and 1 more: the rules declare none of them", "$"},
      /* every item has the same five: the fifth is one more, not one per item */
      {"{\"id\":\"x\",\"type\":\"a\",\"customers\":[{\"id\":\"c\",\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1},"
       "{\"id\":\"d\",\"e\":1,\"d\":1,\"c\":1,\"b\":1,\"a\":1},{\"id\":\"f\",\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1}]}",
       "unknown fields \"a\" in customers[], \"b\" in customers[], \"c\" in customers[], \"d\" in customers[] (did you "
       "mean \"id\"?) and 1 more: "
       "the rules declare none of them",
       "$"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) both_fault(sfast, sref, cases[i].json, cases[i].err, cases[i].path);
  /* the next record has none: the keys are the record's, not the reader's */
  both_read(sfast, sref, "{\"id\":\"y\",\"type\":\"a\"}");
}

/* A field read under another JSON key (`deals "Open Deals": list {...}`):
 * a record's fault names the list by its key, what the record writes, as
 * the path does ("in \"Open Deals\"[]", where it said "in deals[]"), and
 * both readers take the key, not the field's name, as declared (the
 * reference reader called "Open Deals" undeclared and the name "deals"
 * declared).  A key that is not a plain name is quoted as a JSON string,
 * so that one holding a quote, a newline, `].` or a space is read as one
 * (review 11: `x"y\nz]. q` read as `in x\"y\nz]. q[]`); a plain one
 * (`plain`) is not. */
static void lists_named_by_their_keys(void **st) {
  (void)st;
  tier_ruleset *krs =
      tu_compile("enum kind { a }\n"
                 "record { id: text; partner type: kind;\n"
                 "  deals \"Open Deals\": list { amount \"Amount-USD\": int; lines \"Line Items\": list { n: int; } }\n"
                 "  odd \"x\\\"y\\nz]. q\": list { plain: list { n: int; } }\n"
                 "}\n"
                 "tier T a < count deals >= 1; >\n",
                 NULL);
  assert_non_null(krs);
  tier_options strict = {.strict_fields = 1};
  tier_vm *vf = tier_vm_new(krs, &strict), *vr = tier_vm_new(krs, &strict);
  assert_non_null(vf);
  assert_non_null(vr);
  static const struct {
    const char *json, *err, *path;
  } cases[] = {
      {"{\"id\":\"x\",\"type\":\"a\",\"Open Deals\":[{\"Amount-USD\":1,\"Amount_USD\":2,\"Line Items\":[]}]}",
       "unknown field \"Amount_USD\" in \"Open Deals\"[] (did you mean \"Amount-USD\"?): the rules declare no such field",
       "$[\"Open Deals\"][0]"},
      {"{\"id\":\"x\",\"type\":\"a\",\"Open Deals\":[{\"Amount-USD\":1,\"Line Items\":[{\"n\":1,\"m\":2}]}]}",
       "unknown field \"m\" in \"Open Deals\"[].\"Line Items\"[] (did you mean \"n\"?): the rules declare no such field",
       "$[\"Open Deals\"][0][\"Line Items\"][0]"},
      {"{\"id\":\"x\",\"type\":\"a\",\"x\\\"y\\nz]. q\":[{\"plain\":[{\"n\":1,\"m\":2}]}]}",
       "unknown field \"m\" in \"x\\\"y\\nz]. q\"[].plain[] (did you mean \"n\"?): the rules declare no such field",
       "$[\"x\\\"y\\nz]. q\"][0].plain[0]"},
      {"{\"id\":\"x\",\"type\":\"a\",\"Open Deals\":[],\"deals\":[]}", "unknown field \"deals\": the rules declare no such field",
       "$"},
      /* a path names an odd key as a JSON string in brackets, a plain one after a dot */
      {"{\"id\":\"x\",\"type\":\"a\",\"Open Deals\":[{\"Line Items\":[]}]}", "missing required field",
       "$[\"Open Deals\"][0][\"Amount-USD\"]"},
      {"{\"id\":\"x\",\"type\":\"a\",\"x\\\"y\\nz]. q\":[{\"plain\":[{\"n\":\"one\"}]}]}", "expected an integer, found a string",
       "$[\"x\\\"y\\nz]. q\"][0].plain[0].n"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) both_fault(vf, vr, cases[i].json, cases[i].err, cases[i].path);
  both_read(vf, vr, "{\"id\":\"y\",\"type\":\"a\",\"Open Deals\":[{\"Amount-USD\":1,\"Line Items\":[{\"n\":1}]}]}");
  tier_vm_free(vf);
  tier_vm_free(vr);
  tier_ruleset_free(krs);
}

/* A tier value that is no tier of the record's type is the record's fault
 * at its path (record.c rec_tiers, which both readers end with): an odd key in
 * brackets, a plain one after a dot. */
static void tier_value_paths(void **st) {
  (void)st;
  tier_ruleset *trs = tu_compile("enum kind { a }\n"
                                 "record { id: text; partner type: kind; was \"was.then\": tier?;\n"
                                 "  hist \"past years\": list { status: tier; } }\n"
                                 "tier T a < > tier U a < >\n",
                                 NULL);
  assert_non_null(trs);
  tier_vm *vf = tier_vm_new(trs, NULL), *vr = tier_vm_new(trs, NULL);
  assert_non_null(vf);
  assert_non_null(vr);
  static const struct {
    const char *json, *path;
  } cases[] = {
      {"{\"id\":\"x\",\"type\":\"a\",\"was.then\":\"V\",\"past years\":[]}", "$[\"was.then\"]"},
      {"{\"id\":\"x\",\"type\":\"a\",\"was.then\":null,\"past years\":[{\"status\":\"T\"},{\"status\":\"V\"}]}",
       "$[\"past years\"][1].status"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    both_fault(vf, vr, cases[i].json, "'V' is no tier of partner type a (its tiers: T, U)", cases[i].path);
  tier_vm_free(vf);
  tier_vm_free(vr);
  tier_ruleset_free(trs);
}

/* Both readers reject json, and say "byte order mark" exactly when named. */
static void both_reject(const char *json, bool named) {
  struct record r;
  assert_int_equal(rec_parse(nfast, json, strlen(json), &r), TIER_ERECORD);
  assert_int_equal(strstr(tier_vm_error(nfast), "byte order mark") != NULL, named);
  assert_int_equal(rec_parse_ref(nref, json, strlen(json), &r), TIER_ERECORD);
  assert_int_equal(strstr(tier_vm_error(nref), "byte order mark") != NULL, named);
}

/* A byte order mark past a file's first bytes (the stream strips that
 * one): both readers say what it is, wherever in the record it stands,
 * not "invalid token". */
static void bom_is_named(void **st) {
  (void)st;
  static const char *cases[] = {
      "\xEF\xBB\xBF{\"id\":\"x\",\"type\":\"a\"}",
      "{\"id\":\xEF\xBB\xBF\"x\",\"type\":\"a\"}",
      "{\"id\":\"x\",\xEF\xBB\xBF\"type\":\"a\"}",
      "  \xEF\xBB\xBF{\"id\":\"x\",\"type\":\"a\"}",
  };
  /* inside a string a BOM is content: left open at the end, the missing quote is the fault */
  static const char *left_open[] = {"{\"id\":\"x\xEF\xBB\xBF", "{\"type\":\"a\",\"id\":\"V-1\xEF\xBB\xBF"};
  for (size_t i = 0; i < sizeof left_open / sizeof left_open[0]; i++) both_reject(left_open[i], false);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) both_reject(cases[i], true);
}

/* The one wording of a JSON syntax error is cut, when it must be, on a
 * character boundary and marked (text_cut): a Japanese fault said into a
 * short buffer (the array reader's was 200 bytes) ends with a whole
 * character and "...". */
static void syntax_text_cut_whole(void **st) {
  (void)st;
  char out[50];
  json_syntax_text(out, sizeof out, 1, 1, "\xE3\x81\x82\xE3\x81\x82\xE3\x81\x82\xE3\x81\x82\xE3\x81\x82\xE3\x81\x82");
  size_t n = strlen(out);
  assert_true(n <= sizeof out - 1);
  assert_string_equal(out + n - 6, "\xE3\x81\x82..."); /* a whole one, then the mark: 36 bytes + 3 x 3 + 3 */
  assert_int_equal(n, 48);
  /* a text longer than the old formatting buffer (1,024 bytes) into a
   * larger out: whole, no longer cut at 1,023 bytes (review 10) */
  char what[1 + 1200 * 3 + 1], big[4096];
  what[0] = 'x'; /* 37 bytes before the characters: 1,023 is not at a boundary */
  for (size_t i = 0; i < 1200; i++) memcpy(what + 1 + 3 * i, "\xE3\x81\x82", 3);
  what[1 + 1200 * 3] = 0;
  json_syntax_text(big, sizeof big, 1, 1, what);
  n = strlen(big);
  assert_int_equal(n, 36 + 1 + 1200 * 3);
  assert_string_equal(big + n - 3, "\xE3\x81\x82");
}

/* Byte mutations of a real profile: flips, deletions, special bytes. */
static void mutate_line(const char *line, ssize_t len, void (*cmp)(const char *, size_t), tier_vm *f);

static void mutations_agree(void **st) {
  (void)st;
  FILE *f = fopen("examples/partners.jsonl", "r");
  char *line = NULL;
  size_t cap = 0;
  ssize_t len = getline(&line, &cap, f);
  fclose(f);
  assert_true(len > 10);
  mutate_line(line, len - 1, compare, fast);
  free(line);
}

/* The same for a profile with lists nested three deep. */
static void nested_mutations_agree(void **st) {
  (void)st;
  static const char line[] =
      "{\"id\":\"x\",\"type\":\"a\",\"tags\":[{\"t\":\"q\"}],\"customers\":[{\"id\":\"c0\",\"months\":[{\"month\":\"2024-01-01\",\"seats\":1,"
      "\"usage\":1.5,\"days\":[{\"n\":7,\"note\":\"k\"},{\"n\":8}]}],\"contacts\":[{\"name\":\"z\"}],\"segment\":\"b\"},{\"id\":\"c1\"}]}";
  long before = rejected_both;
  mutate_line(line, (ssize_t)strlen(line), compare_nested, nfast);
  long lax = rejected_both - before;
  /* with strict_fields, a mutated key is an undeclared one: both refuse it */
  before = rejected_both;
  mutate_line(line, (ssize_t)strlen(line), compare_strict, sfast);
  fprintf(stderr, "rejected: %ld, with strict_fields %ld\n", lax, rejected_both - before);
  assert_true(rejected_both - before > lax);
}

/* Tier fields (SPEC 3.5): both readers read the name as a text and make
 * it a tier of the record's type once the record is read (rec_tiers), so
 * they agree on every example program's profile and test, and on the
 * mutants of one, whatever becomes of its partner type. */
static tier_vm *tfast, *tref;
static void compare_tiers(const char *json, size_t n) { compare_with(tfast, tref, json, n); }

static void tier_fields_agree(void **st) {
  (void)st;
  static const char src[] = "enum kind { honors, guest }\n"
                            "record { id: text; partner type: kind; previous: tier?;\n"
                            "  stays: list { status: tier?; years: list { best: tier; } } }\n"
                            "tier Member honors < >\ntier Gold \"Gold Elite\" honors < previous >= Gold; >\n"
                            "tier Visitor guest < >\n";
  tier_ruleset *trs = tu_compile(src, NULL);
  assert_non_null(trs);
  tfast = tier_vm_new(trs, NULL);
  tref = tier_vm_new(trs, NULL);
  assert_true(tfast && tref);
  static const char line[] = "{\"id\":\"h\",\"previous\":\"Gold Elite\",\"stays\":[{\"status\":\"Member\",\"years\":"
                             "[{\"best\":\"Gold\"}]},{\"status\":null}],\"type\":\"honors\"}";
  long ok = agreed, no = rejected_both;
  compare_tiers(line, strlen(line));
  assert_int_equal(agreed, ok + 1);
  static const char *const bad[] = {
      "{\"id\":\"v\",\"type\":\"guest\",\"previous\":\"Gold\"}", /* a tier of another type */
      "{\"id\":\"w\",\"type\":\"honors\",\"stays\":[{\"years\":[{\"best\":\"Platinum\"}]}]}",
      "{\"id\":\"x\",\"type\":\"honors\",\"previous\":7}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) compare_tiers(bad[i], strlen(bad[i]));
  assert_int_equal(rejected_both, no + 3);
  mutate_line(line, (ssize_t)strlen(line), compare_tiers, tfast);
  tier_vm_free(tfast);
  tier_vm_free(tref);
  tier_ruleset_free(trs);
}

static void mutate_line(const char *line, ssize_t len, void (*cmp)(const char *, size_t), tier_vm *f) {
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
        if (rec_parse(f, m, (size_t)len, &r) == TIER_OK) {
          /* a NUL inside a string is a control character: rejected too */
          fprintf(stderr, "a NUL byte at %zd was accepted\n", (size_t)i);
          fail();
        }
        continue;
      }
      cmp(m, (size_t)len);
    }
  for (ssize_t i = 0; i < len; i += 3) { /* deletions */
    memcpy(m, line, (size_t)i);
    memcpy(m + i, line + i + 1, (size_t)(len - i - 1));
    cmp(m, (size_t)len - 1);
  }
  fprintf(stderr, "mutants compared: %ld\n", agreed + rejected_both - before);
  free(m);
}

/* The reader reads a key by comparing it with the field expected next
 * (json.c, expected_key) and texts a block of bytes at a time (scan.h):
 * keys in any order, spelt with escapes, or one byte off a field's name,
 * and texts with escapes and UTF-8 at every offset of a block, must read
 * as the reference reads them. */
static void keys_and_texts_agree(void **st) {
  (void)st;
  static const char *const certs[] = {
      "{\"person\":\"p\",\"name\":\"n\",\"level\":\"associate\",\"earned\":\"2018-01-01\",\"expires\":null}",
      "{\"expires\":null,\"earned\":\"2018-01-01\",\"level\":\"associate\",\"name\":\"n\",\"person\":\"p\"}",
      "{\"\\u0070erson\":\"p\",\"name\":\"n\",\"level\":\"associate\",\"earned\":\"2018-01-01\",\"expires\":null}",
      "{\"person\":\"p\",\"nam\\u0065\":\"n\",\"level\":\"associate\",\"earned\":\"2018-01-01\",\"expires\":null}",
      "{\"person\":\"p\",\"names\":\"n\",\"level\":\"associate\",\"earned\":\"2018-01-01\",\"expires\":null}",
      "{\"person\":\"p\",\"nam\":\"n\",\"level\":\"associate\",\"earned\":\"2018-01-01\",\"expires\":null}",
      "{\"person\":\"p\",\"name\":\"n\",\"name\":\"m\",\"level\":\"associate\",\"earned\":\"2018-01-01\",\"expires\":null}",
      "{\"person\":\"p\",\"level\":\"associate\",\"earned\":\"2018-01-01\",\"expires\":null}",
      "{\"person\" :\"p\", \"name\":\"n\",\"level\":\"associate\",\"earned\":\"2018-01-01\",\"expires\":null}",
      "{\"person\":\"p\",\"name\"",
      "{\"person\":\"p\",\"name",
  };
  char line[512];
  for (size_t i = 0; i < sizeof certs / sizeof *certs; i++) {
    int n = snprintf(line, sizeof line,
                     "{\"id\":\"k\",\"name\":\"K\",\"type\":\"consulting\",\"renewal\":\"2019-01-01\",\"support\":\"basic\","
                     "\"certifications\":[%s,%s]}",
                     certs[i], certs[0]);
    compare(line, (size_t)n);
  }
  /* a text of 40 bytes with an escape, a UTF-8 character or a bad byte at each offset */
  static const char *const marks[] = {"\\n", "\\\"", "\\u00e9", "\xc3\xa9", "\xe3\x81\x82", "\x01", "\xc3", "\x80", "\\x"};
  for (size_t m = 0; m < sizeof marks / sizeof *marks; m++)
    for (int at = 0; at <= 40; at++) {
      int n = snprintf(line, sizeof line,
                       "{\"id\":\"%.*s%s%.*s\",\"name\":\"K\",\"type\":\"consulting\",\"renewal\":\"2019-01-01\",\"support\":\"basic\"}",
                       at, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP", marks[m], 40 - at, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP");
      compare(line, (size_t)n);
    }
}

/* The reader finds an enum's value by a hash of its length and first,
 * middle and last bytes (json.c, enum_find): values alike in all four
 * (which share a slot and probe on), a text that lands on a value's slot
 * but is another, the empty text, and all 64 values an enum may have must
 * read as the reference reads them. */
static void enum_values_agree(void **st) {
  (void)st;
  char src[2048];
  int k = snprintf(src, sizeof src, "enum alike { aXbYc, aZbYc, aXcYc, q }\nenum wide {");
  for (int v = 0; v < 64; v++) k += snprintf(src + k, sizeof src - (size_t)k, "%s v%d", v ? "," : "", v);
  snprintf(src + k, sizeof src - (size_t)k,
           " }\nrecord { id: text; partner type: alike; w: list { x: wide; } }\n"
           "metric n = count w;\ntier T q < n >= 1; >\n");
  tier_ruleset *ers = tu_compile(src, NULL);
  assert_non_null(ers);
  tier_vm *f = tier_vm_new(ers, NULL), *r = tier_vm_new(ers, NULL);
  assert_true(f && r);
  static const char *const types[] = {"aXbYc", "aZbYc", "aXcYc", "q", "aYbYc", "aXbYd", "", "qq", "Q", "aXbY"};
  char line[1024];
  long ok = agreed, no = rejected_both;
  for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
    int n = snprintf(line, sizeof line, "{\"id\":\"e\",\"type\":\"%s\",\"w\":[]}", types[t]);
    compare_with(f, r, line, (size_t)n);
  }
  assert_int_equal(agreed, ok + 4);
  assert_int_equal(rejected_both, no + 6);
  /* every value of the wide enum, and texts next to them */
  ok = agreed;
  for (int v = 0; v < 64; v++) {
    int n = snprintf(line, sizeof line, "{\"id\":\"e\",\"type\":\"q\",\"w\":[{\"x\":\"v%d\"}]}", v);
    compare_with(f, r, line, (size_t)n);
  }
  assert_int_equal(agreed, ok + 64);
  no = rejected_both;
  static const char *const near[] = {"v64", "v", "w1", "v1 ", "v01", "V1", "v100", "x"};
  for (size_t t = 0; t < sizeof near / sizeof *near; t++) {
    int n = snprintf(line, sizeof line, "{\"id\":\"e\",\"type\":\"q\",\"w\":[{\"x\":\"%s\"}]}", near[t]);
    compare_with(f, r, line, (size_t)n);
  }
  assert_int_equal(rejected_both, no + 8);
  tier_vm_free(f);
  tier_vm_free(r);
  tier_ruleset_free(ers);
}

/* Enum values read in place, by one masked compare with the value and its
 * quote (json.c enum_find, quoted), read as the reference reads them: values
 * on both sides of the 15 bytes that fit the pattern with the quote, each
 * cut short and one byte longer, spelt with an escape (not in place), and
 * at the record's end (fewer than sixteen bytes left). */
static void enum_values_in_place(void **st) {
  (void)st;
  static const char *const vals[] = {"q", "abcdefghijklmn", "abcdefghijklmno", "abcdefghijklmnop", "abcdefghijklmnopq"};
  tier_ruleset *ers = tu_compile("enum e { q, abcdefghijklmn, abcdefghijklmno, abcdefghijklmnop, abcdefghijklmnopq }\n"
                                 "enum one { ab }\n"
                                 "record { id: text; partner type: e; w: list { x: e; }; o: list { y: one; } }\n"
                                 "metric n = count w;\ntier T q < n >= 1; >\n",
                                 NULL);
  assert_non_null(ers);
  tier_vm *f = tier_vm_new(ers, NULL), *r = tier_vm_new(ers, NULL);
  assert_true(f && r);
  char line[512], v[64];
  long ok = agreed, no = rejected_both;
  for (size_t t = 0; t < sizeof vals / sizeof *vals; t++)
    for (int cut = -1; cut <= 1; cut++) { /* the value one byte short, itself, one byte longer */
      size_t n = strlen(vals[t]);
      if (cut < 0 && n == 1) continue;
      snprintf(v, sizeof v, "%.*s%s", (int)(n + (cut < 0 ? -1 : 0)), vals[t], cut > 0 ? "z" : "");
      int m = snprintf(line, sizeof line, "{\"id\":\"e\",\"type\":\"%s\",\"w\":[{\"x\":\"%s\"}]}", v, v);
      compare_with(f, r, line, (size_t)m);
      m = snprintf(line, sizeof line, "{\"id\":\"e\",\"w\":[],\"type\":\"%s\"}", v); /* at the end */
      compare_with(f, r, line, (size_t)m);
    }
  assert_int_equal(agreed, ok + 2 * 8); /* the five, and three cut short that are values too */
  assert_int_equal(rejected_both, no + 2 * 6);
  /* a one-value enum has four slots: "ab" and a byte more, for every byte
   * that may follow, fall in its slot often; the value, found there, must
   * not match by its first bytes */
  no = rejected_both;
  for (int c = 0x20; c < 0x7F; c++) {
    if (c == '"' || c == '\\') continue;
    int m = snprintf(line, sizeof line, "{\"id\":\"e\",\"type\":\"q\",\"w\":[],\"o\":[{\"y\":\"ab%c\"},{\"y\":\"ab\"}]}", c);
    compare_with(f, r, line, (size_t)m);
  }
  assert_int_equal(rejected_both, no + 0x7F - 0x20 - 2);
  static const char *const escaped = "{\"id\":\"e\",\"type\":\"\\u0071\",\"w\":[{\"x\":\"abcdefghijklmn\\u006f\"}]}";
  compare_with(f, r, escaped, strlen(escaped));
  assert_int_equal(agreed, ok + 2 * 8 + 1);
  tier_vm_free(f);
  tier_vm_free(r);
  tier_ruleset_free(ers);
}

/* Keys in an order other than the schema's (here sorted, as Go's
 * encoding/json and `jq -S` write them) read as the reference reads them,
 * and the reader learns the order from the first item: each key of the
 * others is matched as expected, none decoded and looked up. */
static void sorted_keys_learnt(void **st) {
  (void)st;
  static const char item[] = "{\"earned\":\"2018-01-01\",\"expires\":null,\"level\":\"associate\",\"name\":\"n\","
                             "\"person\":\"p%d\"}";
  char line[8192];
  int n = snprintf(line, sizeof line, "{\"certifications\":[");
  for (int i = 0; i < 40; i++) {
    n += snprintf(line + n, sizeof line - (size_t)n, "%s", i ? "," : "");
    n += snprintf(line + n, sizeof line - (size_t)n, item, i);
  }
  n += snprintf(line + n, sizeof line - (size_t)n,
                "],\"id\":\"k\",\"name\":\"K\",\"renewal\":\"2019-01-01\",\"support\":\"basic\",\"type\":\"consulting\"}");
  long ok = agreed;
  uint64_t before = reader_of(fast)->keys_looked_up;
  compare(line, (size_t)n);
  assert_int_equal(agreed, ok + 1);
  uint64_t first = reader_of(fast)->keys_looked_up - before;
  /* at most the first item's five keys and the record's six */
  fprintf(stderr, "keys looked up: %llu\n", (unsigned long long)first);
  assert_true(first <= 5 + 6);
  /* a second record in that order: every key as expected */
  before = reader_of(fast)->keys_looked_up;
  compare(line, (size_t)n);
  assert_int_equal(reader_of(fast)->keys_looked_up - before, 0);
  /* and in that order with a blank before every colon (review 10 finding 6) */
  char spaced[16384];
  size_t m = 0;
  for (int i = 0; i < n; i++) {
    if (line[i] == ':') spaced[m++] = ' ';
    spaced[m++] = line[i];
  }
  before = reader_of(fast)->keys_looked_up;
  compare(spaced, m);
  assert_int_equal(reader_of(fast)->keys_looked_up - before, 0);
  assert_int_equal(agreed, ok + 3);
}

/* Keys after blanks (Python's json.dumps writes ", " and ": ", others a
 * blank after '{') are matched as expected too: none decoded and looked
 * up once the order is learnt, and the record reads as the reference
 * reads it. */
static void spaced_keys_matched(void **st) {
  (void)st;
  static const char item[] = "{\"earned\":\"2018-01-01\",\"expires\":null,\"level\":\"associate\",\"name\":\"n\","
                             "\"person\":\"p%d\"}";
  char line[8192], spaced[16384];
  int n = snprintf(line, sizeof line, "{\"certifications\":[");
  for (int i = 0; i < 40; i++) {
    n += snprintf(line + n, sizeof line - (size_t)n, "%s", i ? "," : "");
    n += snprintf(line + n, sizeof line - (size_t)n, item, i);
  }
  n += snprintf(line + n, sizeof line - (size_t)n,
                "],\"id\":\"k\",\"name\":\"K\",\"renewal\":\"2019-01-01\",\"support\":\"basic\",\"type\":\"consulting\"}");
  size_t m = 0;
  for (int i = 0; i < n; i++) { /* no ',', ':' or '{' inside the strings */
    spaced[m++] = line[i];
    if (line[i] == ',' || line[i] == ':' || line[i] == '{') spaced[m++] = line[i] == '{' ? '\n' : ' ';
  }
  long ok = agreed;
  compare(spaced, m);
  compare(spaced, m);
  assert_int_equal(agreed, ok + 2);
  uint64_t before = reader_of(fast)->keys_looked_up;
  compare(spaced, m);
  assert_int_equal(reader_of(fast)->keys_looked_up - before, 0);
  /* a blank before the colon too (review 10 finding 6), and a tab and a
   * newline: read the same, no key looked up */
  for (int b = 0; b < 3; b++) {
    m = 0;
    for (int i = 0; i < n; i++) {
      if (line[i] == ':') spaced[m++] = " \t\n"[b];
      spaced[m++] = line[i];
    }
    before = reader_of(fast)->keys_looked_up;
    compare(spaced, m);
    assert_int_equal(reader_of(fast)->keys_looked_up - before, 0);
  }
  /* blanks before every ',', '}' and ']' and after '[' (a pretty printer's) */
  m = 0;
  for (int i = 0; i < n; i++) {
    if (line[i] == ',' || line[i] == '}' || line[i] == ']') spaced[m++] = i % 2 ? '\t' : '\n';
    spaced[m++] = line[i];
    if (line[i] == '[') spaced[m++] = '\r';
  }
  compare(spaced, m);
  assert_int_equal(agreed, ok + 7);
}

/* A date is read in place when it is ten bytes between quotes and a day;
 * any other spelling (an escape, a day that is not, a short text, the
 * record cut inside it) goes the way of every text, with its error.  Each
 * record is its own allocation of its own length, so that a read past its
 * end is ASan's. */
static void dates_read_in_place(void **st) {
  (void)st;
  static const char *const renewal[] = {"\"2019-01-01\"",   "\"\\u0032019-01-01\"", "\"2019-02-29\"", "\"2019-1-01\"",
                                        "\"2019-01-01 \"",  "\"2019-01-01",         "\"2019-01-0",    "\"2019-01-01\\\"\"",
                                        "\"2019-01-01\"\"", "\"2019-01-\\u00301\""};
  static const bool good[] = {true, true, false, false, false, false, false, false, false, true};
  static const char *const said[] = {
      "", "", "calendar date", "calendar date", "calendar date", "unterminated", "unterminated", "calendar date", "expected", ""};
  for (size_t i = 0; i < sizeof renewal / sizeof *renewal; i++)
    for (int cut = 0; cut < 2; cut++) { /* the date last in the record, or cut off there */
      char line[256];
      int n = snprintf(line, sizeof line,
                       "{\"id\":\"d\",\"name\":\"D\",\"support\":\"basic\",\"type\":\"consulting\",\"renewal\":%s%s", renewal[i],
                       cut ? "" : "}");
      char *exact = malloc((size_t)n);
      memcpy(exact, line, (size_t)n);
      struct record r;
      int rc = rec_parse(fast, exact, (size_t)n, &r);
      if ((rc == TIER_OK) != (good[i] && !cut)) fail_msg("%s: %s", line, rc ? tier_vm_error(fast) : "read");
      if (rc && !cut) tu_assert_contains(tier_vm_error(fast), said[i]);
      compare(exact, (size_t)n);
      free(exact);
    }
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

/* One amount through the reader and through exact arithmetic here: the
 * digits' value v with f decimals (-1: no point) is v * 10^(2 - f) cents,
 * exact when the decimals beyond two are zeros, in range up to LIM_INT. */
static void amount_read_at(tier_vm *vm, uint16_t slot, const char *text, bool neg, unsigned __int128 v, int f, int first);
static void amount_reads_exactly(tier_vm *vm, uint16_t slot, const char *text, bool neg, unsigned __int128 v, int f) {
  for (int first = 0; first < 2; first++) /* last in the record, and first with the rest after it (read in place) */
    amount_read_at(vm, slot, text, neg, v, f, first);
}

static void amount_read_at(tier_vm *vm, uint16_t slot, const char *text, bool neg, unsigned __int128 v, int f, int first) {
  char line[128];
  int n = first ? snprintf(line, sizeof line, "{\"a\":%s,\"id\":\"m\",\"type\":\"k\"}", text)
                : snprintf(line, sizeof line, "{\"id\":\"m\",\"type\":\"k\",\"a\":%s}", text);
  struct record r;
  int rc = rec_parse(vm, line, (size_t)n, &r);
  unsigned __int128 cents = v, unit = 1;
  for (int k = f; k > 2; k--) unit *= 10;
  for (int k = f < 0 ? 0 : f; k < 2; k++) cents *= 10;
  bool exact = cents % unit == 0;
  cents /= unit;
  if (!exact) {
    if (rc != TIER_ERECORD || !strstr(tier_vm_error(vm), "not exact"))
      fail_msg("%s: read, or not as inexact (%s)", text, rc ? tier_vm_error(vm) : "ok");
  } else if (cents > (unsigned __int128)LIM_INT) {
    if (rc != TIER_ERECORD || !strstr(tier_vm_error(vm), "out of range"))
      fail_msg("%s: read, or not as out of range (%s)", text, rc ? tier_vm_error(vm) : "ok");
  } else {
    if (rc != TIER_OK) fail_msg("%s: refused: %s", text, tier_vm_error(vm));
    int64_t want = neg ? -(int64_t)cents : (int64_t)cents;
    if (r.top[slot] != want) fail_msg("%s: %lld cents, not %lld", text, (long long)r.top[slot], (long long)want);
  }
}

/* Amounts of 1 to 19 digits, the point at every place, signed and not,
 * with digits that fill the width or zeros that end it: the reader's short
 * way (at most 16 digits and a point, no exponent) and its general one
 * agree with exact arithmetic on the value, the "not exact in cents" and
 * the "out of range" refusals, on both sides of 16 characters and of
 * LIM_INT (90071992547409.91). */
static void amounts_read_exactly(void **st) {
  (void)st;
  tier_ruleset *mrs = tu_compile(
      "enum kind { k }\nrecord { id: text; partner type: kind; a: money; i: int?; }\nmetric x = a;\ntier T k < x >= 0; >\n",
      NULL);
  assert_non_null(mrs);
  tier_vm *vm = tier_vm_new(mrs, NULL);
  assert_non_null(vm);
  const struct image *img = vm->rs->img;
  uint16_t slot = UINT16_MAX;
  for (uint32_t i = 0; i < img->nfields; i++)
    if (!strcmp(img_str(img, img->fields[i].name), "a")) slot = img->fields[i].slot;
  assert_int_not_equal(slot, UINT16_MAX);
  static const char *const shapes[] = {
      "9999999999999999999", "1000000000000000000", "9007199254740991000", "1234567890123456789",
      "1000000000000000001", "5000000000000000000", "1844674407370955170"}; /* its 18 digits times 100 wrap 64 bits to 84 */
  char digits[24], text[48];
  for (size_t sh = 0; sh < sizeof shapes / sizeof *shapes; sh++)
    for (int len = 1; len <= 19; len++)
      for (int f = -1; f < len; f++)
        for (int neg = 0; neg <= 1; neg++) {
          memcpy(digits, shapes[sh], (size_t)len);
          digits[len] = 0;
          unsigned __int128 v = 0;
          for (int k = 0; k < len; k++) v = v * 10 + (unsigned)(digits[k] - '0');
          int ip = f < 0 ? len : len - f; /* digits before the point */
          if (f == 0) continue;           /* "12." is not JSON */
          snprintf(text, sizeof text, "%s%.*s%s%s", neg ? "-" : "", ip, digits, f > 0 ? "." : "", f > 0 ? digits + ip : "");
          amount_reads_exactly(vm, slot, text, neg, v, f);
          if (f > 0) { /* 0.digits: a leading zero, as JSON writes a fraction */
            snprintf(text, sizeof text, "%s0.%s", neg ? "-" : "", digits);
            amount_reads_exactly(vm, slot, text, neg, v, len);
          }
        }
  /* integers of 1 to 19 digits: up to 15 are read without a test a digit */
  uint16_t islot = UINT16_MAX;
  for (uint32_t i = 0; i < img->nfields; i++)
    if (!strcmp(img_str(img, img->fields[i].name), "i")) islot = img->fields[i].slot;
  assert_int_not_equal(islot, UINT16_MAX);
  for (size_t sh = 0; sh < sizeof shapes / sizeof *shapes; sh++)
    for (int len = 1; len <= 19; len++)
      for (int neg = 0; neg <= 3; neg++) { /* bit 1: first in the record, with the rest after it (read in place) */
        char line[96];
        int n = neg & 2 ? snprintf(line, sizeof line, "{\"i\":%s%.*s,\"id\":\"m\",\"type\":\"k\",\"a\":0}", neg & 1 ? "-" : "",
                                   len, shapes[sh])
                        : snprintf(line, sizeof line, "{\"id\":\"m\",\"type\":\"k\",\"a\":0,\"i\":%s%.*s}", neg & 1 ? "-" : "",
                                   len, shapes[sh]);
        unsigned __int128 v = 0;
        for (int k = 0; k < len; k++) v = v * 10 + (unsigned)(shapes[sh][k] - '0');
        struct record r;
        int rc = rec_parse(vm, line, (size_t)n, &r);
        if (v > (unsigned __int128)LIM_INT) {
          if (rc != TIER_ERECORD || !strstr(tier_vm_error(vm), "out of range")) fail_msg("%s: not out of range", line);
        } else if (rc != TIER_OK || r.top[islot] != (neg & 1 ? -(int64_t)v : (int64_t)v)) {
          fail_msg("%s: %s", line, rc ? tier_vm_error(vm) : "another value");
        }
      }
  static const char *const edge[] = {"90071992547409.91",
                                     "90071992547409.92",
                                     "9007199254740.99",
                                     "-0",
                                     "0.000",
                                     "1.005",
                                     "1.500",
                                     "1.5e3",
                                     "15e-1",
                                     "1e-2",
                                     "1.23e1",
                                     "0e5",
                                     "1E2",
                                     "9999999999999.99",
                                     "-0.5",
                                     "01",
                                     "1.",
                                     "-",
                                     "1.2.3",
                                     "-01.5",
                                     "1.5x",
                                     "2.5E"};
  static const long long want[] = {9007199254740991LL,
                                   -1,
                                   900719925474099LL,
                                   0,
                                   0,
                                   -2,
                                   150,
                                   150000,
                                   150,
                                   1,
                                   1230,
                                   0,
                                   10000,
                                   999999999999999LL,
                                   -50,
                                   -3,
                                   -3,
                                   -3,
                                   -3,
                                   -3,
                                   -3,
                                   -3};
  static const char *const iedge[] = {"1.5", "1e2", "1.0", "-2E1", "01", "-", "-01", "1x"};
  for (size_t i = 0; i < sizeof iedge / sizeof *iedge; i++) {
    char line[2][96], err[2][256];
    snprintf(line[0], sizeof line[0], "{\"id\":\"m\",\"type\":\"k\",\"a\":0,\"i\":%s}", iedge[i]);
    snprintf(line[1], sizeof line[1], "{\"i\":%s,\"id\":\"m\",\"type\":\"k\",\"a\":0}", iedge[i]);
    for (int first = 0; first < 2; first++) { /* refused alike, read in place or not */
      struct record r;
      assert_int_equal(rec_parse(vm, line[first], strlen(line[first]), &r), TIER_ERECORD);
      snprintf(err[first], sizeof err[first], "%s", vm->jerr[0] ? vm->jerr : tier_vm_error(vm));
      if (i < 4) tu_assert_contains(tier_vm_error(vm), "found a decimal number");
    }
    assert_string_equal(err[0], err[1]);
  }
  char said[256] = "";
  for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
    for (int first = 0; first < 2; first++) { /* the error is the same, read in place or not (its column aside) */
      char line[96];
      int n = first ? snprintf(line, sizeof line, "{\"a\":%s,\"id\":\"m\",\"type\":\"k\"}", edge[i])
                    : snprintf(line, sizeof line, "{\"id\":\"m\",\"type\":\"k\",\"a\":%s}", edge[i]);
      struct record r;
      int rc = rec_parse(vm, line, (size_t)n, &r);
      if (want[i] == -1) assert_true(rc == TIER_ERECORD && strstr(tier_vm_error(vm), "out of range"));
      else if (want[i] == -2) assert_true(rc == TIER_ERECORD && strstr(tier_vm_error(vm), "not exact"));
      else if (want[i] == -3) assert_true(rc == TIER_ERECORD && (!first || !strcmp(vm->jerr, said)));
      else if (rc != TIER_OK || r.top[slot] != want[i]) fail_msg("%s: %s", edge[i], rc ? tier_vm_error(vm) : "another value");
      snprintf(said, sizeof said, "%s", vm->jerr);
    }
  tier_vm_free(vm);
  tier_ruleset_free(mrs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(examples_agree),
      cmocka_unit_test(generated_agree),
      cmocka_unit_test(mutations_agree),
      cmocka_unit_test(deep_nesting_is_an_error),
      cmocka_unit_test(large_record),
      cmocka_unit_test(nested_agree),
      cmocka_unit_test(nested_paths),
      cmocka_unit_test(nested_mutations_agree),
      cmocka_unit_test(keys_and_texts_agree),
      cmocka_unit_test(tier_fields_agree),
      cmocka_unit_test(enum_values_agree),
      cmocka_unit_test(enum_values_in_place),
      cmocka_unit_test(sorted_keys_learnt),
      cmocka_unit_test(spaced_keys_matched),
      cmocka_unit_test(dates_read_in_place),
      cmocka_unit_test(bom_is_named),
      cmocka_unit_test(strict_names_every_key),
      cmocka_unit_test(lists_named_by_their_keys),
      cmocka_unit_test(tier_value_paths),
      cmocka_unit_test(amounts_read_exactly),
      cmocka_unit_test(syntax_text_cut_whole),
      cmocka_unit_test(value_faults_worded_alike),
      cmocka_unit_test(keys_escaped_as_in_output),
      cmocka_unit_test(texts_cut_marked),
      cmocka_unit_test(file_errors_keep_their_end),
      cmocka_unit_test(paths_cut_marked),
      cmocka_unit_test(readers_cut_paths_alike),
      cmocka_unit_test(key_after_the_last_field),
      cmocka_unit_test(colon_after_every_key),
  };
  return cmocka_run_group_tests_name("json", tests, setup, teardown);
}
