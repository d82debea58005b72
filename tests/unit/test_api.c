/*
 * test_api.c - what the command-line tools need, through tier.h alone
 * (this file includes nothing else of tierc): the cost budget, where a
 * malformed record is in its input, the id of a rejected record, reading
 * records from a stream, the text buffer, and the tools' stages (fmt,
 * disasm, the meaning diff, rule tests) as library calls.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tier.h"

static const char *CARD = "enum kind { consulting, technology }\n"
                          "record { id: text; partner type: kind; people: int; items: list { v: int; } }\n"
                          "review = 2019-12-13;\n"
                          "metric n = count items where v > 0;\n"
                          "tier R consulting < >\n"
                          "tier S consulting < people >= 2; n >= 1; >\n";

static tier_ruleset *load(const char *src) {
  uint8_t *bc = NULL;
  size_t n = 0;
  tier_diags *d = NULL;
  int rc = tier_compile("card.tier", src, strlen(src), NULL, &bc, &n, &d);
  if (rc != TIER_OK) fprintf(stderr, "%s\n", tier_diags_text(d));
  tier_diags_free(d);
  assert_int_equal(rc, TIER_OK);
  tier_ruleset *rs = NULL;
  char err[256];
  assert_int_equal(tier_load(bc, n, NULL, &rs, err, sizeof err), TIER_OK);
  tier_free_bytes(NULL, bc, n);
  return rs;
}

static const char *text_of(tier_buf *b) {
  const char *t = tier_buf_text(b, NULL);
  assert_non_null(t);
  return t;
}

/* A record whose lists could take more instructions than the budget is
 * refused before it runs, and says by how much; a smaller one runs. */
static void the_budget_refuses_long_records(void **st) {
  (void)st;
  tier_ruleset *rs = load(CARD);
  tier_options opt = {.max_cost = 60};
  tier_vm *vm = tier_vm_new(rs, &opt);
  const char *small = "{\"id\":\"a\",\"type\":\"consulting\",\"people\":2,\"items\":[{\"v\":1}]}";
  const tier_result *r = NULL;
  assert_int_equal(tier_eval_json(vm, small, strlen(small), TIER_NO_DATE, &r), TIER_OK);
  assert_string_equal(r->tier, "S");
  char big[4096] = "{\"id\":\"b\",\"type\":\"consulting\",\"people\":2,\"items\":[{\"v\":1}";
  for (int i = 0; i < 100; i++) strcat(big, ",{\"v\":1}");
  strcat(big, "]}");
  assert_int_equal(tier_eval_json(vm, big, strlen(big), TIER_NO_DATE, &r), TIER_EBUDGET);
  assert_null(r);
  assert_non_null(strstr(tier_vm_error(vm), "over the budget of 60"));
  assert_string_equal(tier_vm_record_id(vm), "b");
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* A malformed record's position is the input's once the VM knows where the
 * record starts; only its first line is offset by the column. */
static void a_json_error_names_the_inputs_line(void **st) {
  (void)st;
  tier_ruleset *rs = load(CARD);
  tier_vm *vm = tier_vm_new(rs, NULL);
  const char *bad = "{\"id\":\"c\", \"type\": }";
  long line = 0, col = 0;
  assert_int_equal(tier_eval_json(vm, bad, strlen(bad), TIER_NO_DATE, NULL), TIER_ERECORD);
  assert_int_equal(tier_vm_error_position(vm, &line, &col), 1);
  assert_int_equal(line, 1);
  assert_int_equal(col, 20);
  tier_vm_set_origin(vm, 7, 3);
  assert_int_equal(tier_eval_json(vm, bad, strlen(bad), TIER_NO_DATE, NULL), TIER_ERECORD);
  assert_int_equal(tier_vm_error_position(vm, &line, &col), 1);
  assert_int_equal(line, 7);
  assert_int_equal(col, 22);
  assert_non_null(strstr(tier_vm_error(vm), "line 7, column 22"));
  assert_string_equal(tier_vm_record_id(vm), "c"); /* read before the fault */
  const char *two = "{\"id\":\"d\",\n \"type\": }";
  assert_int_equal(tier_eval_json(vm, two, strlen(two), TIER_NO_DATE, NULL), TIER_ERECORD);
  assert_int_equal(tier_vm_error_position(vm, &line, &col), 1);
  assert_int_equal(line, 8);
  assert_int_equal(col, 10);
  /* a value error has a path, not a position */
  const char *typed = "{\"id\":\"e\",\"type\":\"consulting\",\"people\":\"x\"}";
  assert_int_equal(tier_eval_json(vm, typed, strlen(typed), TIER_NO_DATE, NULL), TIER_ERECORD);
  assert_int_equal(tier_vm_error_position(vm, &line, &col), 0);
  assert_string_equal(tier_vm_error_path(vm), "$.people");
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* Records from JSON Lines and from an array, with where each starts; a
 * broken element is one bad record and reading goes on. */
static void input_splits_records(void **st) {
  (void)st;
  char lines[] = "{\"a\":1}\n\n{\"b\":2}\n";
  FILE *f = fmemopen(lines, strlen(lines), "r");
  tier_input *in = tier_input_new(f, NULL);
  const char *rec;
  size_t len;
  long line, col;
  assert_int_equal(tier_input_next(in, &rec, &len, &line, &col), 1);
  assert_int_equal(len, 7);
  assert_memory_equal(rec, "{\"a\":1}", 7);
  assert_int_equal(line, 1);
  assert_int_equal(tier_input_next(in, &rec, &len, &line, &col), 1);
  assert_memory_equal(rec, "{\"b\":2}", 7);
  assert_int_equal(line, 3);
  assert_int_equal(col, 1);
  assert_int_equal(tier_input_next(in, &rec, &len, &line, &col), 0);
  assert_int_equal(tier_input_status(in), TIER_OK);
  tier_input_free(in);
  fclose(f);
  char array[] = "[{\"a\":1},\n  5 6, {\"b\":2},]"; /* "5 6" is a record the reader rejects */
  f = fmemopen(array, strlen(array), "r");
  in = tier_input_new(f, NULL);
  int n = 0, bad = 0;
  while (tier_input_next(in, &rec, &len, &line, &col)) {
    n++;
    if (!rec) {
      bad++;
      assert_true(tier_input_error(in)[0] != 0);
    }
    if (n == 3) { /* an array element starts where its first byte is */
      assert_memory_equal(rec, "{\"b\":2}", 7);
      assert_int_equal(line, 2);
      assert_int_equal(col, 8);
    }
  }
  assert_int_equal(n, 4);
  assert_int_equal(bad, 1); /* the ',' before ']' */
  tier_input_free(in);
  fclose(f);
}

/* An allocator that counts the bytes live and their peak. */
struct counted {
  long live, peak;
  long blocks; /* allocations of an input block's size (1 MiB) or more */
};

static void *counting(void *ud, void *ptr, size_t osize, size_t nsize) {
  struct counted *c = ud;
  if (!ptr && nsize >= (1u << 20)) c->blocks++;
  c->live += (long)nsize - (ptr ? (long)osize : 0);
  if (c->live > c->peak) c->peak = c->live;
  if (nsize == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, nsize);
}

/* n records of about 9 KB (a benchmark profile's size), numbered, as JSON Lines. */
static FILE *big_records(int n) {
  FILE *f = tmpfile();
  assert_non_null(f);
  for (int i = 0; i < n; i++) {
    fprintf(f, "{\"id\":\"%06d\",\"pad\":\"", i);
    for (int k = 0; k < 9000; k++) fputc('a' + (i + k) % 26, f);
    fprintf(f, "\"}\n");
  }
  rewind(f);
  return f;
}

/* Whether rec is record i of big_records. */
static bool is_record(const char *rec, size_t len, int i) {
  char id[32];
  snprintf(id, sizeof id, "{\"id\":\"%06d\"", i);
  if (len != 9000 + strlen(id) + 10 || memcmp(rec, id, strlen(id)) != 0) return false;
  for (int k = 0; k < 9000; k++)
    if (rec[strlen(id) + 8 + (size_t)k] != 'a' + (i + k) % 26) return false;
  return true;
}

/* A held record's text stays where it was, the same bytes, past the
 * blocks read after it and past tier_input_free (tiervm -j hands records
 * to its threads so, without copying them); every block is freed with
 * the last hold on it. */
static void a_held_record_stays(void **st) {
  (void)st;
  enum { N = 600 }; /* 5.4 MB: six blocks */
  FILE *f = big_records(N);
  struct counted c = {0, 0, 0};
  tier_options opt = {.alloc = counting, .alloc_ud = &c};
  tier_input *in = tier_input_new(f, &opt);
  static tier_hold *holds[N];
  static const char *texts[N];
  static size_t lens[N];
  int n = 0;
  long line, col;
  while (tier_input_next(in, &texts[n], &lens[n], &line, &col)) {
    assert_true(is_record(texts[n], lens[n], n));
    holds[n] = tier_input_hold(in);
    assert_non_null(holds[n]);
    n++;
  }
  assert_int_equal(n, N);
  tier_input_free(in);
  for (int i = 0; i < N; i++) assert_true(is_record(texts[i], lens[i], i));
  for (int i = 0; i < N; i++) tier_input_release(holds[i]);
  assert_int_equal(c.live, 0);
  fclose(f);
}

/* Read the records of big_records in f through the counting allocator c,
 * holding each, as tiervm -j's batches do: once more than `kept` are held,
 * every `burst` records the oldest `burst` are let go, so that `kept` stay
 * held; at the end, after tier_input_free, the rest.  Nothing is left
 * live; the records read. */
static int read_holding(FILE *f, struct counted *c, int kept, int burst) {
  tier_options opt = {.alloc = counting, .alloc_ud = c};
  tier_input *in = tier_input_new(f, &opt);
  static tier_hold *holds[2000];
  const char *rec;
  size_t len;
  long line, col;
  int n = 0, first = 0; /* holds[first, n) are held */
  while (tier_input_next(in, &rec, &len, &line, &col)) {
    assert_true(n < (int)(sizeof holds / sizeof *holds) && is_record(rec, len, n));
    holds[n] = tier_input_hold(in);
    assert_non_null(holds[n]);
    n++;
    if (n % burst == 0 && n > kept)
      for (; first < n - kept; first++) tier_input_release(holds[first]);
  }
  tier_input_free(in);
  for (; first < n; first++) tier_input_release(holds[first]);
  assert_int_equal(c->live, 0);
  return n;
}

/* Holds let go as they come (64 records in flight, as tiervm's batches),
 * the input through a pipe: memory stays at two blocks (the one being read
 * and the one held before it, or the spare), not a block for each refill
 * (3 MiB when a held block was replaced even with room left in it). */
static void holds_keep_memory_flat(void **st) {
  (void)st;
  enum { N = 1200, WINDOW = 64 }; /* 10.8 MB */
  FILE *src = big_records(N);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "cat /dev/fd/%d", fileno(src));
  FILE *f = popen(cmd, "r");
  assert_non_null(f);
  struct counted c = {0, 0, 0};
  assert_int_equal(read_holding(f, &c, WINDOW, 1), N);
  fprintf(stderr, "holds through a pipe: peak %ld bytes for %d records of 9 KB\n", c.peak, N);
  assert_true(c.peak < (5L << 20) / 2); /* 64 records are 0.6 MB: two 1 MiB blocks and the bookkeeping */
  pclose(f);
  fclose(src);
}

/* Holds let go in bursts, as tiervm -j 2 writes its batches (several
 * done batches written at once, each about 0.6 MB, so two or three blocks
 * let go together): the blocks let go are kept for the next ones, so that
 * a block is allocated (and faulted in) once for each block held at once,
 * not again and again (10.8 MB of input here: 5 blocks, where a stream
 * that kept one spare allocated 8, and tiervm -j 2 on the benchmark's 178
 * MB 5,060 page faults against 1,427). */
static void holds_reuse_blocks(void **st) {
  (void)st;
  enum { N = 1200, BURST = 256, INFLIGHT = 2 }; /* 2 bursts of 256 records: 4.6 MB */
  FILE *f = big_records(N);
  struct counted c = {0, 0, 0};
  assert_int_equal(read_holding(f, &c, BURST * (INFLIGHT - 1), BURST), N);
  fprintf(stderr, "holds let go in bursts: %ld blocks allocated for %d records of 9 KB, peak %ld bytes\n", c.blocks, N, c.peak);
  assert_true(c.blocks <= 6); /* 4.6 MB in flight: five blocks at once, or six */
  fclose(f);
}

/* Element i of an_array_read_in_chunks: a nested object of 1 to 10 KB,
 * every ninth up to 100 KB (longer than a chunk), whose string holds the
 * array's structural bytes (brackets, commas, escaped quotes), where no
 * element may be taken to end. */
static size_t array_element(char *out, size_t cap, int i) {
  static const char part[] = "ab],[}{,\\\""; /* ten bytes, the last two an escaped quote */
  size_t n = (size_t)snprintf(out, cap, "{\"id\":%d,\"s\":\"", i);
  size_t pad = 100 + (size_t)i * 7919 % (i % 9 == 0 ? 10000 : 900); /* tens of bytes: whole escapes */
  for (size_t k = 0; k < pad * 10 && n < cap - 64; k++) out[n++] = part[k % 10];
  n += (size_t)snprintf(out + n, cap - n, "\",\"l\":[[%d],{\"a\":\"]\"}]}", i);
  return n;
}

/* An array of N elements (1.7 MB), one or two to a line, read
 * a chunk at a time: every element whole and in order, at its line and
 * column, whether its block is held (as tiervm -j does) or not, although
 * the elements straddle the chunks and the blocks at every offset. */
static void an_array_read_in_chunks(void **st) {
  (void)st;
  enum { N = 160, CAP = 120000 };
  static char el[CAP];
  FILE *f = tmpfile();
  assert_non_null(f);
  fputs("[", f);
  long lines = 1;
  for (int i = 0; i < N; i++) {
    size_t n = array_element(el, sizeof el, i);
    fwrite(el, 1, n, f);
    if (i + 1 < N) fputs(i % 2 ? ",\n" : ",  ", f);
  }
  fputs("]\n", f);
  for (int held = 0; held < 2; held++) {
    rewind(f);
    tier_input *in = tier_input_new(f, NULL);
    static tier_hold *holds[N];
    const char *rec;
    size_t len;
    long line, col;
    int k = 0;
    lines = 1;
    long at = 2; /* the column of element k */
    while (tier_input_next(in, &rec, &len, &line, &col)) {
      assert_true(k < N);
      size_t n = array_element(el, sizeof el, k);
      assert_non_null(rec);
      assert_int_equal(len, n);
      assert_memory_equal(rec, el, n);
      assert_int_equal(line, lines);
      assert_int_equal(col, at);
      if (held) assert_non_null(holds[k] = tier_input_hold(in));
      at += (long)n + 3; /* ",  " */
      if (k % 2) lines++, at = 1;
      k++;
    }
    assert_int_equal(k, N);
    assert_int_equal(tier_input_status(in), TIER_OK);
    tier_input_free(in);
    for (int i = 0; held && i < N; i++) tier_input_release(holds[i]);
  }
  fclose(f);
}

/* The buffer: appends, printf, JSON literals (valid whatever the bytes),
 * its length and text, and clearing. */
static void the_buffer_builds_text(void **st) {
  (void)st;
  tier_buf *b = tier_buf_new(NULL);
  tier_buf_puts(b, "a");
  tier_buf_putc(b, '=');
  tier_buf_printf(b, "%d;", 42);
  tier_buf_json(b, "q\"\n\x01\xff");
  tier_buf_putc(b, ' ');
  tier_buf_json(b, NULL);
  assert_string_equal(text_of(b), "a=42;\"q\\\"\\n\\u0001\\ufffd\" null");
  assert_int_equal(tier_buf_len(b), strlen(text_of(b)));
  tier_buf_clear(b);
  assert_int_equal(tier_buf_len(b), 0);
  assert_string_equal(text_of(b), "");
  tier_buf_free(b);
}

/* An allocator that fails after `left` allocations. */
static void *failing(void *ud, void *p, size_t o, size_t n) {
  long *left = ud;
  (void)o;
  if (n == 0) {
    free(p);
    return NULL;
  }
  if (*left <= 0) return NULL;
  --*left;
  return realloc(p, n);
}

static void a_failed_buffer_says_so(void **st) {
  (void)st;
  long left = 1; /* the buffer itself, then nothing */
  tier_options opt = {.alloc = failing, .alloc_ud = &left};
  tier_buf *b = tier_buf_new(&opt);
  assert_non_null(b);
  tier_buf_puts(b, "text");
  assert_true(tier_buf_failed(b));
  assert_null(tier_buf_text(b, NULL));
  tier_buf_free(b);
}

/* The tools' stages as library calls. */
static void the_tools_stages_are_library_calls(void **st) {
  (void)st;
  tier_buf *out = tier_buf_new(NULL), *dg = tier_buf_new(NULL);
  const char *messy = "tier   R consulting<>";
  assert_int_equal(tier_fmt("m.tier", messy, strlen(messy), out, dg), TIER_OK);
  assert_string_equal(text_of(out), "tier R consulting < >\n");
  tier_buf_clear(out);
  assert_int_equal(tier_fmt("m.tier", "tier (", 6, out, dg), TIER_ECOMPILE);
  assert_non_null(strstr(text_of(dg), "m.tier:1:"));

  tier_ruleset *rs = load(CARD);
  tier_buf_clear(out);
  assert_int_equal(tier_disasm(rs, "card.tbc", out), TIER_OK);
  assert_non_null(strstr(text_of(out), "; card.tbc: tierc bytecode"));
  tier_buf_clear(out);
  assert_int_equal(tier_opcodes(out), TIER_OK);
  assert_true(tier_buf_len(out) > 100);

  char src2[1024];
  snprintf(src2, sizeof src2, "%s", CARD);
  *strstr(src2, "people >= 2") = 0;
  strcat(src2, "people >= 3; n >= 1; >\n");
  tier_ruleset *rs2 = load(src2);
  tier_buf_clear(out);
  assert_int_equal(tier_rules_diff(rs, rs2, "old", "new", 1, out), TIER_OK);
  assert_non_null(strstr(text_of(out), "\"old\":\"old\""));
  assert_non_null(strstr(text_of(out), "\"from\":\"2\""));

  const char *tests = "/tmp/tierc-test-api.tests";
  FILE *f = fopen(tests, "w");
  assert_non_null(f);
  fputs("{\"test\":\"two people\",\"id\":\"a\",\"type\":\"consulting\",\"people\":2,\"items\":[{\"v\":1}],"
        "\"expect\":{\"tier\":\"S\"}}\n", f);
  fclose(f);
  const char *files[] = {tests};
  tier_buf_clear(out);
  assert_int_equal(tier_test_run(rs, files, 1, 0, out), 0);
  assert_non_null(strstr(text_of(out), "1 passed, 0 failed"));
  tier_buf_clear(out);
  assert_int_equal(tier_test_run(rs2, files, 1, 0, out), 1);
  remove(tests);
  tier_ruleset_free(rs);
  tier_ruleset_free(rs2);
  tier_buf_free(out);
  tier_buf_free(dg);
}

/* A result carries the record's "name" (a top-level text field so named)
 * for outputs that show partners to people: cut at a NUL, NULL when the
 * record gives none or the schema has no such field (a list item's "name"
 * is not the partner's). */
static void a_result_names_the_partner(void **st) {
  (void)st;
  tier_ruleset *rs = load("enum kind { consulting }\n"
                          "record { id: text; name: text?; partner type: kind; items: list { name: text; } }\n"
                          "review = 2019-12-13;\ntier R consulting < >\n");
  tier_vm *vm = tier_vm_new(rs, NULL);
  const tier_result *res;
  static const char *const cases[][2] = {
      {"{\"id\":\"a\",\"name\":\"Nimbus \\u00e9 & Co\",\"type\":\"consulting\",\"items\":[]}", "Nimbus \xc3\xa9 & Co"},
      {"{\"id\":\"b\",\"name\":\"cut\\u0000here\",\"type\":\"consulting\",\"items\":[]}", "cut"},
      {"{\"id\":\"c\",\"name\":null,\"type\":\"consulting\",\"items\":[{\"name\":\"x\"}]}", NULL},
      {"{\"id\":\"d\",\"type\":\"consulting\",\"items\":[{\"name\":\"x\"}]}", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(tier_eval_json(vm, cases[i][0], strlen(cases[i][0]), TIER_NO_DATE, &res), TIER_OK);
    if (cases[i][1]) assert_string_equal(res->name, cases[i][1]);
    else assert_null(res->name);
  }
  tier_vm_free(vm);
  tier_ruleset_free(rs);

  rs = load(CARD); /* no "name" field */
  vm = tier_vm_new(rs, NULL);
  const char *rec = "{\"id\":\"a\",\"type\":\"consulting\",\"people\":2,\"items\":[],\"name\":\"unknown\"}";
  assert_int_equal(tier_eval_json(vm, rec, strlen(rec), TIER_NO_DATE, &res), TIER_OK);
  assert_null(res->name);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* A runtime error in a round before the last is not the record's (the
 * final values never read it): the record is evaluated, and tier_vm_error
 * says nothing after it, as after any success. */
static void an_early_round_leaves_no_error(void **st) {
  (void)st;
  tier_ruleset *rs = load("enum kind { member }\n"
                          "record { id: text; partner type: kind; o: int; stays: list { day: date; } }\n"
                          "metric recent = count stays where day within 30 days;\n"
                          "badge Active < recent >= 1; >\n"
                          "badge Loyal < holds Active or o * o > 0; >\n"
                          "tier Gold member < holds Loyal; >\n");
  tier_vm *vm = tier_vm_new(rs, NULL);
  const tier_result *res;
  int64_t asof;
  assert_int_equal(tier_date_parse("2024-06-30", &asof), 0);
  const char *rec = "{\"id\":\"or\",\"type\":\"member\",\"o\":4000000000000000,\"stays\":[{\"day\":\"2024-06-20\"}]}";
  assert_int_equal(tier_eval_json(vm, rec, strlen(rec), asof, &res), TIER_OK);
  assert_string_equal(tier_vm_error(vm), "");
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* tier_say says a result's need again from the entry alone (here in
 * English: no catalogue is asked for): the same text as the result's, also
 * from a copy of the entry; cut at a character boundary when the room is
 * short; and a text with no sentence to translate (a distance) as it is. */
static void an_entry_says_its_need_again(void **st) {
  (void)st;
  tier_ruleset *rs = load("enum kind { consulting }\n"
                          "record { id: text; partner type: kind; people: int; ok: bool; }\n"
                          "review = 2019-12-13;\ntier R consulting < >\n"
                          "tier S consulting < people >= 2; ok; people == 7 or ok; >\n");
  tier_vm *vm = tier_vm_new(rs, NULL);
  const tier_result *res;
  const char *rec = "{\"id\":\"\u30c6\u30a3\u30a2\",\"type\":\"consulting\",\"people\":1,\"ok\":false}";
  assert_int_equal(tier_eval_json(vm, rec, strlen(rec), TIER_NO_DATE, &res), TIER_OK);
  assert_int_equal(res->nunmet, 3);
  char out[TIER_SAY_MAX];
  tier_req_result copy = res->unmet[1]; /* a copy of the entry is all it needs */
  assert_string_equal(copy.need, "ok must become true");
  assert_int_equal(copy.need_said.nparts, 1);
  assert_int_equal(tier_say(out, sizeof out, copy.need, &copy.need_said), strlen(copy.need));
  assert_string_equal(out, copy.need);
  assert_string_equal(res->unmet[0].need, "+1 people"); /* no words: said as it is */
  assert_int_equal(res->unmet[0].need_said.nparts, 0);
  assert_int_equal(tier_say(out, sizeof out, res->unmet[0].need, &res->unmet[0].need_said), 9);
  assert_string_equal(out, "+1 people");
  assert_string_equal(res->unmet[2].need, "must hold: people == 7 or ok");
  assert_int_equal(tier_say(out, 6, res->unmet[2].need, &res->unmet[2].need_said), 5);
  assert_string_equal(out, "must ");
  tier_vm_free(vm);
  tier_ruleset_free(rs);

  /* an argument that is not ASCII is cut before a character, not inside one */
  tier_said how = {1, {{"%s must become true", NULL, 0, 1, 0, 0, {0}, {9}, 0}}};
  assert_int_equal(tier_say(out, 8, "\u30c6\u30a3\u30a2 must become true", &how), 6);
  assert_string_equal(out, "\u30c6\u30a3");
}

/* The gap of a holds/meets is sentences tier_say can say again (one per
 * block: "X needs ...", "X is met, but not the tiers below it", "X is a
 * tier of partner type ..."), the gaps of the blocks a reference names
 * among them, each sentence once however many references reach it. */
static void the_gap_of_holds_is_sentences(void **st) {
  (void)st;
  tier_ruleset *rs = load("enum kind { consulting, technology }\n"
                          "record { id: text; partner type: kind; a: int; b: int; }\n"
                          "review = 2024-06-30;\n"
                          "tier Silver consulting < a >= 1; >\ntier Gold consulting < b >= 5; >\n"
                          "tier Partner technology < a >= 1; >\n"
                          "badge Club < holds Gold; >\nbadge Both < holds Club and meets Gold and holds Club; >\n");
  tier_vm *vm = tier_vm_new(rs, NULL);
  const tier_result *res;
  char out[TIER_SAY_MAX];
  const char *x = "{\"id\":\"x\",\"type\":\"consulting\",\"a\":0,\"b\":9}";
  assert_int_equal(tier_eval_json(vm, x, strlen(x), TIER_NO_DATE, &res), TIER_OK);
  assert_int_equal(res->nbadges, 2);
  const tier_req_result *both = &res->badges[1].unmet[0];
  assert_string_equal(both->need, "Silver needs +1 a; Gold is met, but not the tiers below it");
  assert_int_equal(both->need_said.nparts, 3); /* the list of Silver's needs is one item, said as it is */
  assert_string_equal(both->need_said.part[0].msgid, "%s needs %s");
  assert_true(both->need_said.part[1].item);
  assert_string_equal(both->need_said.part[2].msgid, "%s is met, but not the tiers below it");
  assert_false(both->need_said.part[2].item);
  assert_int_equal(tier_say(out, sizeof out, both->need, &both->need_said), strlen(both->need));
  assert_string_equal(out, both->need);
  const char *y = "{\"id\":\"y\",\"type\":\"technology\",\"a\":3,\"b\":9}";
  assert_int_equal(tier_eval_json(vm, y, strlen(y), TIER_NO_DATE, &res), TIER_OK);
  both = &res->badges[1].unmet[0];
  assert_string_equal(both->need, "Gold is a tier of partner type consulting, not technology");
  assert_int_equal(both->need_said.nparts, 1);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

/* The needs of a block a reference names are items of the sentence that
 * says them, each with its own message, so that tier_say says each again
 * (in English here: the same text); a gap said again inside another keeps
 * them; and they never take a sentence's place. */
static void the_needs_in_a_gap_are_items(void **st) {
  (void)st;
  tier_ruleset *rs = load("enum kind { consulting }\n"
                          "record { id: text; partner type: kind; n: int; ok: bool; }\n"
                          "review = 2024-06-30;\n"
                          "badge Pro < ok; n >= 3; >\nbadge Top < holds Pro; >\nbadge Both < holds Top; >\n"
                          "badge B < ok; n >= 4; >\nbadge C < ok; n >= 5; >\n"
                          "badge All < holds Pro and holds B and holds C; >\n");
  tier_vm *vm = tier_vm_new(rs, NULL);
  const tier_result *res;
  char out[TIER_SAY_MAX];
  const char *x = "{\"id\":\"x\",\"type\":\"consulting\",\"n\":1,\"ok\":false}";
  assert_int_equal(tier_eval_json(vm, x, strlen(x), TIER_NO_DATE, &res), TIER_OK);
  for (int b = 1; b <= 2; b++) { /* Top, and Both through Top */
    const tier_req_result *u = &res->badges[b].unmet[0];
    assert_string_equal(u->need, "Pro needs ok must become true, +2 n");
    assert_int_equal(u->need_said.nparts, 3);
    assert_string_equal(u->need_said.part[0].msgid, "%s needs %s");
    assert_true(u->need_said.part[1].item);
    assert_string_equal(u->need_said.part[1].msgid, "%s must become true");
    assert_true(u->need_said.part[2].item);
    assert_int_equal(tier_say(out, sizeof out, u->need, &u->need_said), strlen(u->need));
    assert_string_equal(out, u->need);
  }
  /* three lists of two: the items take the room the sentences leave, never
   * a sentence's (the last list keeps its items, the others are said as
   * they are) */
  const tier_req_result *all = &res->badges[5].unmet[0];
  assert_string_equal(all->need,
                      "Pro needs ok must become true, +2 n; B needs ok must become true, +3 n; "
                      "C needs ok must become true, +4 n");
  assert_int_equal(all->need_said.nparts, 5);
  assert_false(all->need_said.part[1].item);
  assert_string_equal(all->need_said.part[2].msgid, "%s needs %s");
  assert_true(all->need_said.part[3].item && all->need_said.part[4].item);
  assert_int_equal(tier_say(out, sizeof out, all->need, &all->need_said), strlen(all->need));
  assert_string_equal(out, all->need);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
}

struct changes { int n; char kinds[256], last[256]; };
static void collect(void *ud, const tier_rule_change *c) {
  struct changes *x = ud;
  x->n++;
  size_t k = strlen(x->kinds);
  snprintf(x->kinds + k, sizeof x->kinds - k, "%s%s", k ? "," : "", c->kind);
  snprintf(x->last, sizeof x->last, "%s|%s|%s|%s|%s", c->where, c->what, c->from ? c->from : "(null)",
           c->to ? c->to : "(null)", c->affects ? c->affects : "(null)");
}

/* tierc diff's changes one by one: the same changes as its text, in its
 * order, each with where, what, from and to as the JSON form has them. */
static void rule_changes_come_one_by_one(void **st) {
  (void)st;
  tier_ruleset *rs = load(CARD);
  char src2[1024];
  snprintf(src2, sizeof src2, "%s", CARD);
  *strstr(src2, "people >= 2") = 0;
  strcat(src2, "people >= 3; n >= 1; >\n");
  tier_ruleset *rs2 = load(src2);
  struct changes x = {0};
  assert_int_equal(tier_rules_changes(rs, rs2, 0, collect, &x), TIER_OK);
  assert_int_equal(x.n, 1);
  assert_string_equal(x.kinds, "threshold");
  assert_string_equal(x.last,
                      "consulting S (card.tier:6:31)|people >=|2|3|(null)"); /* where: the tier and the threshold's place */
  tier_buf *out = tier_buf_new(NULL);
  assert_int_equal(tier_rules_diff(rs, rs2, "old", "new", 0, out), TIER_OK);
  assert_non_null(strstr(text_of(out), "\n1 change\n"));
  memset(&x, 0, sizeof x);
  assert_int_equal(tier_rules_changes(rs, rs, 0, collect, &x), TIER_OK);
  assert_int_equal(x.n, 0);
  tier_buf_free(out);
  tier_ruleset_free(rs);
  tier_ruleset_free(rs2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(the_budget_refuses_long_records),
      cmocka_unit_test(a_json_error_names_the_inputs_line),
      cmocka_unit_test(input_splits_records),
      cmocka_unit_test(a_held_record_stays),
      cmocka_unit_test(holds_keep_memory_flat),
      cmocka_unit_test(holds_reuse_blocks),
      cmocka_unit_test(an_array_read_in_chunks),
      cmocka_unit_test(the_buffer_builds_text),
      cmocka_unit_test(a_failed_buffer_says_so),
      cmocka_unit_test(the_tools_stages_are_library_calls),
      cmocka_unit_test(a_result_names_the_partner),
      cmocka_unit_test(an_early_round_leaves_no_error),
      cmocka_unit_test(rule_changes_come_one_by_one),
      cmocka_unit_test(an_entry_says_its_need_again),
      cmocka_unit_test(the_gap_of_holds_is_sentences),
      cmocka_unit_test(the_needs_in_a_gap_are_items),
  };
  return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
