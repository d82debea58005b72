/*
 * test_fmt.c - `tierc fmt` (src/fmt.c): the shipped rules and examples stay
 * idempotent, keep their comments and compile to the same bytecode once
 * formatted; a messy file becomes the canonical layout, exactly.
 */
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "fmt.h"

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  struct buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_put(&b, chunk, n);
  fclose(f);
  buf_u8(&b, 0);
  *len = b.n - 1;
  return (char *)b.p;
}

static void write_all(const char *path, const char *p, size_t n) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(p, 1, n, f), n);
  assert_int_equal(fclose(f), 0);
}

/* fmt_source as a malloc'd string; fails the test on an error */
static char *fmt(const char *text, size_t len, const char *what) {
  struct buf out = {0};
  char err[256];
  if (fmt_source(text, len, &out, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", what, err);
    fail();
  }
  buf_u8(&out, 0);
  return (char *)out.p;
}

/* the files every test walks: rules, examples, and the bad-input samples
 * of the golden tests that parse (those that do not are skipped) */
static size_t tier_files(glob_t *g) {
  memset(g, 0, sizeof *g);
  glob("rules/*.tier", 0, NULL, g);
  glob("examples/*.tier", g->gl_pathc ? GLOB_APPEND : 0, NULL, g);
  glob("tests/golden/data/bad/*.tier", g->gl_pathc ? GLOB_APPEND : 0, NULL, g);
  return g->gl_pathc;
}

static void idempotent_on_shipped_files(void **st) {
  (void)st;
  glob_t g;
  size_t n = tier_files(&g), done = 0;
  assert_true(n >= 4);
  for (size_t i = 0; i < n; i++) {
    size_t len;
    char *src = read_all(g.gl_pathv[i], &len);
    assert_non_null(src);
    if (fmt_syntax_check(g.gl_pathv[i], src, len, NULL) > 0) { free(src); continue; }
    char *once = fmt(src, len, g.gl_pathv[i]);
    char *twice = fmt(once, strlen(once), g.gl_pathv[i]);
    if (strcmp(once, twice) != 0) {
      fprintf(stderr, "%s: fmt is not idempotent\n--- once\n%s--- twice\n%s", g.gl_pathv[i], once, twice);
      fail();
    }
    /* the result still parses, ends with one newline, has no trailing blanks */
    assert_int_equal(fmt_syntax_check(g.gl_pathv[i], once, strlen(once), NULL), 0);
    size_t ol = strlen(once);
    if (ol) {
      assert_int_equal(once[ol - 1], '\n');
      assert_true(ol < 2 || once[ol - 2] != '\n');
    }
    assert_null(strstr(once, " \n"));
    assert_null(strstr(once, "\n\t"));
    assert_true(once[0] != ' ' && once[0] != '\t' && once[0] != '\n');
    free(src);
    free(once);
    free(twice);
    done++;
  }
  assert_true(done >= 4);
  globfree(&g);
}

/* The comments of a source, in order, each as its text up to the line end
 * (strings are skipped: a '#' in a string is not a comment). */
static size_t comments(const char *s, char ***out) {
  size_t n = 0, cap = 16;
  char **v = malloc(cap * sizeof *v);
  for (const char *p = s; *p; p++) {
    if (*p == '"') {
      for (p++; *p && *p != '"' && *p != '\n'; p++)
        if (*p == '\\' && p[1]) p++;
      if (!*p) break;
    } else if (*p == '#') {
      const char *e = strchr(p, '\n');
      if (!e) e = p + strlen(p);
      size_t k = (size_t)(e - p);
      while (k && (p[k - 1] == ' ' || p[k - 1] == '\r')) k--;
      if (n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
      v[n++] = strndup(p, k);
      p = e - 1;
    }
  }
  *out = v;
  return n;
}

static void free_strs(char **v, size_t n) {
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

static void comments_are_kept(void **st) {
  (void)st;
  glob_t g;
  size_t n = tier_files(&g), total = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len;
    char *src = read_all(g.gl_pathv[i], &len);
    if (fmt_syntax_check(g.gl_pathv[i], src, len, NULL) > 0) { free(src); continue; }
    char *out = fmt(src, len, g.gl_pathv[i]);
    char **a, **b;
    size_t na = comments(src, &a), nb = comments(out, &b);
    assert_int_equal(na, nb);
    for (size_t k = 0; k < na; k++) assert_string_equal(a[k], b[k]);
    total += na;
    free_strs(a, na);
    free_strs(b, nb);
    free(src);
    free(out);
  }
  assert_true(total >= 60); /* the APN files are well commented */
  globfree(&g);
}

/* Comments everywhere a comment can stand: none is lost, none is merged
 * with another, and the result is stable. */
static void comments_in_odd_places(void **st) {
  (void)st;
  const char *src =
      "enum kind { consulting, # c1\n technology } # c2\n"
      "record { id: text # c3\n; partner type: kind; n: int;\n# c4\n} # c5\n; # c6\n"
      "metric m = count items # c7\n where x > 1 # c8\n and y # c9\n;\n"
      "tier T consulting < # c10\n k: # c11\n m >= 1 # c12\n ; # c13\n # c14\n>\n"
      "tier E consulting < # c15\n>\n# c16\n";
  char *out = fmt(src, strlen(src), "odd");
  char *again = fmt(out, strlen(out), "odd again");
  assert_string_equal(out, again);
  char **a, **b;
  size_t na = comments(src, &a), nb = comments(out, &b);
  assert_int_equal(na, 16);
  assert_int_equal(nb, 16);
  for (size_t k = 0; k < na; k++) assert_string_equal(a[k], b[k]);
  /* a trailing comment before a `;` moves after it */
  tu_assert_contains(out, "  id: text;  # c3\n");
  tu_assert_contains(out, "    m >= 1;  # c12\n    # c13\n    # c14\n>\n");
  free_strs(a, na);
  free_strs(b, nb);
  free(out);
  free(again);
}

/* ---- same bytecode ------------------------------------------------------------------- */

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* Compile path (stripped) and zero what depends on the source bytes: the
 * source hash in the meta section and the checksum over the file. */
static uint8_t *compile_stripped(const char *path, size_t *n) {
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  opt.strip = 1;
  uint8_t *bc = NULL;
  tier_diags *d = NULL;
  int rc = tier_compile(path, NULL, 0, &opt, &bc, n, &d);
  if (rc != TIER_OK) fprintf(stderr, "%s: %s", path, tier_diags_text(d));
  tier_diags_free(d);
  assert_int_equal(rc, TIER_OK);
  uint32_t total = rd32(bc + 16), meta = rd32(bc + 32 + 4);
  assert_true(total <= *n && meta + 40 <= total);
  memset(bc + meta + 8, 0, 32);
  memset(bc + total - 32, 0, 32);
  return bc;
}

/* Copy the sources into a temporary directory, compile `main` there, format
 * every copy in place (-w), compile again from the same path: the bytes must
 * be the same but for the source hash. */
static char dir[64]; /* the temporary directory; rm_dir removes it even after a failure */

static int rm_dir(void **st) {
  (void)st;
  if (!dir[0]) return 0;
  glob_t g;
  char pat[80];
  snprintf(pat, sizeof pat, "%s/*", dir);
  if (glob(pat, 0, NULL, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; i++) unlink(g.gl_pathv[i]);
    globfree(&g);
  }
  int rc = rmdir(dir);
  dir[0] = 0;
  return rc;
}

static void same_bytecode(const char *const *files, size_t nfiles, const char *main_name) {
  snprintf(dir, sizeof dir, "/tmp/tierc-fmt-XXXXXX");
  assert_non_null(mkdtemp(dir));
  char path[512], mainpath[512];
  for (size_t i = 0; i < nfiles; i++) {
    size_t len;
    char *src = read_all(files[i], &len);
    assert_non_null(src);
    const char *base = strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 : files[i];
    snprintf(path, sizeof path, "%s/%s", dir, base);
    write_all(path, src, len);
    free(src);
  }
  snprintf(mainpath, sizeof mainpath, "%s/%s", dir, main_name);
  size_t n1, n2;
  uint8_t *before = compile_stripped(mainpath, &n1);
  for (size_t i = 0; i < nfiles; i++) {
    const char *base = strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 : files[i];
    snprintf(path, sizeof path, "%s/%s", dir, base);
    size_t len;
    char *src = read_all(path, &len);
    char *out = fmt(src, len, path);
    write_all(path, out, strlen(out));
    free(src);
    free(out);
  }
  uint8_t *after = compile_stripped(mainpath, &n2);
  assert_int_equal(n1, n2);
  assert_memory_equal(before, after, n1);
  tier_free_bytes(NULL, before, n1);
  tier_free_bytes(NULL, after, n2);
}

static const char *const APN[] = {"rules/apn-schema.tier", "rules/apn-2019.tier", "rules/apn-2018.tier"};

/* (apn-schema.tier defines no tier, so it does not compile alone: the two
 * rulesets format it and compile it through their imports) */
static void same_bytecode_apn_2019(void **st) {
  (void)st;
  same_bytecode(APN, 3, "apn-2019.tier");
}
static void same_bytecode_apn_2018(void **st) {
  (void)st;
  same_bytecode(APN, 3, "apn-2018.tier");
}
static void same_bytecode_card(void **st) {
  (void)st;
  static const char *const card[] = {"examples/card.tier"};
  same_bytecode(card, 1, "card.tier");
}
/* calls of functions of values and percent literals */
static void same_bytecode_functions(void **st) {
  (void)st;
  static const char *const fns[] = {"tests/golden/data/functions.tier"};
  same_bytecode(fns, 1, "functions.tier");
}

/* ---- the canonical layout -------------------------------------------------------------- */

static void messy_becomes_canonical(void **st) {
  (void)st;
  const char *messy =
      "\n\n# A messy ruleset.   \r\n"
      "ruleset \"Demo\"   version \"1\";import \"schema.tier\" ;effective=2020-01-01;\n"
      "enum kind{consulting,technology,}; enum lvl {a ,b, c}\n"
      "record p { id : text ; partner   type:kind;   # the ladder\n"
      "n:int; d : date?;\titems: list{ x:int;y :date?; } ; };\n"
      "metric m1 \"Label one\"=count items where x>=3 and (y is none or y>asof);metric m2=n*2+ -1;\n"
      "metric m3 for items = ( x + 1 )*2 >= 4 and y within 12 months and not (y is not none);\n"
      "\n\n\n"
      "review=if d<=2019-12-13 then 2019-12-13 else d;\n"
      "tier Registered consulting<>\n"
      "tier Select consulting < knowledge: m1>=4; n >= 2 \"label\";  experience : m2>=1 ; lvl in {a,b,} ;\n"
      "  # six months\n"
      "    sustained 6 months; >\n"
      "tier Premier consulting < m1 >= 10 or count items where x >= 100 and y >= 2019-01-01 and lvl in {b, c} and d is none and x != 7; >";
  const char *want =
      "# A messy ruleset.\n"
      "ruleset \"Demo\" version \"1\";\n"
      "import \"schema.tier\";\n"
      "effective = 2020-01-01;\n"
      "\n"
      "enum kind { consulting, technology }\n"
      "enum lvl { a, b, c }\n"
      "\n"
      "record p {\n"
      "  id: text;\n"
      "  partner type: kind;  # the ladder\n"
      "  n: int;\n"
      "  d: date?;\n"
      "  items: list {\n"
      "    x: int;\n"
      "    y: date?;\n"
      "  }\n"
      "}\n"
      "\n"
      "metric m1 \"Label one\"\n"
      "  = count items where x >= 3 and (y is none or y > asof);\n"
      "metric m2 = n * 2 + -1;\n"
      "metric m3 for items = (x + 1) * 2 >= 4 and y within 12 months and not (y is not none);\n"
      "\n"
      "review = if d <= 2019-12-13 then 2019-12-13 else d;\n"
      "\n"
      "tier Registered consulting < >\n"
      "\n"
      "tier Select consulting <\n"
      "  knowledge:\n"
      "    m1 >= 4;\n"
      "    n >= 2 \"label\";\n"
      "  experience:\n"
      "    m2 >= 1;\n"
      "    lvl in {a, b};\n"
      "  # six months\n"
      "  sustained 6 months;\n"
      ">\n"
      "\n"
      "tier Premier consulting <\n"
      "  m1 >= 10\n"
      "    or count items where x >= 100 and y >= 2019-01-01 and lvl in {b, c} and d is none and x != 7;\n"
      ">\n";
  char *out = fmt(messy, strlen(messy), "messy");
  assert_string_equal(out, want);
  char *again = fmt(out, strlen(out), "messy again");
  assert_string_equal(again, want);
  free(out);
  free(again);
}

/* Long lines break before the loosest operator, continuation lines two
 * deeper; a long label goes to its own line; trailing comments align. */
static void long_lines_and_alignment(void **st) {
  (void)st;
  const char *src =
      "metric validated \"Active validations\" = count validations where active and program in {competency, msp, "
      "well_architected, technical_baseline_review, solution_provider};\n"
      "tier Select technology < launched_opportunities_in_the_last_year >= 2 or direct_revenue_in_the_last_year >= "
      "5000 or marketplace_listing;\n"
      "certified_people >= 1 \"at least one AWS certified individual, counted once whatever their level or track\"; >\n"
      "enum a { x } # one\nenum bb { y, z } # two\n";
  const char *want =
      "metric validated \"Active validations\"\n"
      "  = count validations\n"
      "    where active\n"
      "      and program in {\n"
      "        competency, msp, well_architected, technical_baseline_review, solution_provider\n"
      "      };\n"
      "\n"
      "tier Select technology <\n"
      "  launched_opportunities_in_the_last_year >= 2\n"
      "    or direct_revenue_in_the_last_year >= 5000\n"
      "    or marketplace_listing;\n"
      "  certified_people >= 1\n"
      "    \"at least one AWS certified individual, counted once whatever their level or track\";\n"
      ">\n"
      "\n"
      "enum a { x }      # one\n"
      "enum bb { y, z }  # two\n";
  char *out = fmt(src, strlen(src), "long");
  assert_string_equal(out, want);
  free(out);
}

static void errors_are_reported(void **st) {
  (void)st;
  struct buf out = {0}, dg = {0};
  char err[256];
  const char *bad = "tier Select consulting <\n  certified_people >= 4\n>\n";
  assert_int_equal(fmt_source(bad, strlen(bad), &out, err, sizeof err), -1);
  tu_assert_contains(err, "3:1:");
  assert_true(fmt_syntax_check("bad.tier", bad, strlen(bad), &dg) > 0);
  buf_u8(&dg, 0);
  tu_assert_contains((char *)dg.p, "bad.tier:3:1: error: unexpected");
  buf_free(&dg);
  const char *lex = "metric m = \"open;\n";
  assert_int_equal(fmt_source(lex, strlen(lex), &out, err, sizeof err), -1);
  tu_assert_contains(err, "1:12: unterminated string");
  /* a type error is not a syntax error: such a file is formatted */
  const char *typed = "metric m = 1 + \"x\";\n";
  assert_int_equal(fmt_syntax_check("t.tier", typed, strlen(typed), NULL), 0);
  buf_free(&out);
  /* empty input, and only blank lines */
  struct buf e = {0};
  assert_int_equal(fmt_source("\n\n \n", 4, &e, err, sizeof err), 0);
  assert_int_equal(e.n, 0);
  buf_free(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(idempotent_on_shipped_files), cmocka_unit_test(comments_are_kept),
      cmocka_unit_test(comments_in_odd_places),
      cmocka_unit_test_teardown(same_bytecode_apn_2019, rm_dir),
      cmocka_unit_test_teardown(same_bytecode_apn_2018, rm_dir),
      cmocka_unit_test_teardown(same_bytecode_card, rm_dir),
      cmocka_unit_test_teardown(same_bytecode_functions, rm_dir),
      cmocka_unit_test(messy_becomes_canonical),
      cmocka_unit_test(long_lines_and_alignment),
      cmocka_unit_test(errors_are_reported),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
