/*
 * test_fmt_diff.c - the differential test of `tierc fmt` (issue 13.7).
 *
 * For every .tier file of the repository and every seed of the compile
 * fuzzer's corpus:
 *
 *   - when fmt accepts it, fmt(fmt(x)) == fmt(x);
 *   - when it compiles, fmt(x) compiles to the same rules: the bytecode
 *     without its debug section and source hash (bc_rules_bytes) is the
 *     same, rule texts included;
 *   - so does x with its blanks rewritten (no space where two tokens cannot
 *     merge, line breaks and indentation anywhere else, a seeded choice),
 *     and fmt of that, which is again a fixed point of fmt.
 *
 * The corpus seeds are compiled as rules/fuzz.tier, as fuzz_compile does,
 * so that their imports resolve.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "testutil.h"
#include "ast.h"
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

/* ---- the inputs ------------------------------------------------------------------ */

struct input {
  char *file;    /* where it is read from */
  char *as;      /* the path it is compiled as */
};
static struct input *inputs;
static size_t ninputs, capinputs;

static void add_input(const char *file, const char *as) {
  if (ninputs == capinputs) {
    capinputs = capinputs ? capinputs * 2 : 64;
    inputs = realloc(inputs, capinputs * sizeof *inputs);
    assert_non_null(inputs);
  }
  inputs[ninputs].file = strdup(file);
  inputs[ninputs].as = strdup(as);
  ninputs++;
}

#define CORPUS "./tests/fuzz/corpus/compile"

/* every *.tier under dir, build outputs and the corpus left out */
static void walk(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const char *n = e->d_name;
    if (n[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, n);
    if (!strcmp(path, "./build") || !strcmp(path, "./bin") || !strcmp(path, "./lib") || !strcmp(path, CORPUS))
      continue;
    struct stat st;
    if (lstat(path, &st) != 0) continue;
    size_t k = strlen(n);
    if (S_ISDIR(st.st_mode)) walk(path);
    else if (S_ISREG(st.st_mode) && k > 5 && !strcmp(n + k - 5, ".tier")) add_input(path, path);
  }
  closedir(d);
}

static void collect(void) {
  walk(".");
  DIR *d = opendir(CORPUS);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", CORPUS, e->d_name);
    add_input(path, "rules/fuzz.tier");
  }
  closedir(d);
}

/* ---- compiling and formatting ----------------------------------------------------- */

/* The rules bytes of `text` compiled as `as` (malloc'd, *n set), or NULL
 * when it does not compile. */
static uint8_t *rules_of(const char *as, const char *text, size_t len, size_t *n) {
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  uint8_t *bc = NULL;
  size_t bn = 0;
  int rc = tier_compile(as, text, len, &opt, &bc, &bn, NULL);
  if (rc != TIER_OK) return NULL;
  struct buf b = {0};
  char err[256];
  int r = bc_rules_bytes(NULL, bc, bn, &b, err, sizeof err);
  tier_free_bytes(NULL, bc, bn);
  if (r != TIER_OK) {
    fprintf(stderr, "%s: compiled bytes do not read back: %s\n", as, err);
    fail();
  }
  *n = b.n;
  return b.p;
}

/* fmt_source as a malloc'd string, or NULL when fmt refuses the text */
static char *fmt(const char *text, size_t len) {
  struct buf out = {0};
  char err[256];
  if (fmt_source(text, len, &out, err, sizeof err) != 0) {
    buf_free(&out);
    return NULL;
  }
  buf_u8(&out, 0);
  return (char *)out.p;
}

/* A seeded generator (xorshift32): the same blanks on every run. */
static uint32_t next_rand(uint32_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

static bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '"';
}

/* May the tokens ending in a and starting with b stand side by side without
 * the lexer reading them as one (`a` `b`, `<` `=`, `1` `-` `2` ...)? */
static bool may_touch(char a, char b) {
  if (is_word(a) || is_word(b)) return false;
  return !(b == '=' && (a == '<' || a == '>' || a == '=' || a == '!'));
}

/* `text` with the blanks between its tokens chosen by `seed`: the tokens
 * and comments the lexer records (ast.h), in order; a comment keeps a line
 * end after it.  NULL when the text does not lex into a trivia table. */
static char *respace(const char *text, size_t len, uint32_t seed) {
  struct arena ar;
  arena_init(&ar, NULL);
  struct srcfile f = {.path = "x.tier", .text = arena_strndup(&ar, text, len), .len = len};
  struct diags dg = {.ar = &ar, .files = &f, .nfiles = 1, .capfiles = 1};
  struct trivia tv = {0};
  struct parser ps = {.ar = &ar, .dg = &dg, .text = f.text, .len = len, .tv = &tv};
  parse_file(&ps);
  struct buf out = {0};
  static const char *const any[] = {" ", "\n", "\n\n", "\n      ", "  \t "};
  uint32_t s = seed | 1;
  size_t c = 0;
  for (uint32_t i = 0; i < tv.ntok && !tv.failed; i++) {
    const struct triv_tok *t = &tv.tok[i];
    for (; c < tv.ncom && tv.com[c].gap <= i; c++) {
      buf_printf(&out, "%s%.*s\n", tv.com[c].trailing ? " " : "\n", (int)tv.com[c].len, text + tv.com[c].beg);
    }
    if (t->len == 0) continue; /* the end */
    if (i > 0 && out.n > 0 && out.p[out.n - 1] != '\n') {
      char a = (char)out.p[out.n - 1], b = text[t->beg];
      uint32_t r = next_rand(&s) % 6;
      if (r == 5 && may_touch(a, b)) {
        /* nothing between them */
      } else {
        const char *sep = any[r % 5];
        buf_put(&out, sep, strlen(sep));
      }
    }
    buf_put(&out, text + t->beg, t->len);
  }
  buf_u8(&out, '\n');
  buf_u8(&out, 0);
  bool ok = !tv.failed && !ar.failed && !out.failed;
  trivia_free(&tv);
  arena_free(&ar);
  if (!ok) {
    buf_free(&out);
    return NULL;
  }
  return (char *)out.p;
}

static void same_rules(const char *what, const struct input *in, const uint8_t *want, size_t wn, const char *text) {
  size_t n = 0;
  uint8_t *got = rules_of(in->as, text, strlen(text), &n);
  if (!got) {
    fprintf(stderr, "%s: %s does not compile:\n%s", in->file, what, text);
    fail();
  }
  if (n != wn || memcmp(got, want, n) != 0) {
    fprintf(stderr, "%s: %s compiles to other rules:\n%s", in->file, what, text);
    fail();
  }
  free(got);
}

static void fixed_point(const char *what, const struct input *in, const char *once) {
  char *twice = fmt(once, strlen(once));
  if (!twice || strcmp(once, twice) != 0) {
    fprintf(stderr, "%s: fmt of %s is not a fixed point of fmt\n--- once\n%s--- twice\n%s", in->file, what, once,
            twice ? twice : "(refused)\n");
    fail();
  }
  free(twice);
}

static void fmt_keeps_the_rules(void **st) {
  (void)st;
  collect();
  size_t formatted = 0, compiled = 0;
  for (size_t i = 0; i < ninputs; i++) {
    const struct input *in = &inputs[i];
    size_t len;
    char *src = read_all(in->file, &len);
    assert_non_null(src);
    char *once = fmt(src, len);
    if (once) {
      formatted++;
      fixed_point("the file", in, once);
    }
    size_t wn = 0;
    uint8_t *want = rules_of(in->as, src, len, &wn);
    if (want) {
      compiled++;
      if (!once) { /* what compiles, fmt accepts */
        char err[256];
        struct buf out = {0};
        fmt_source(src, len, &out, err, sizeof err);
        fprintf(stderr, "%s: compiles, but fmt refuses it: %s\n", in->file, err);
        buf_free(&out);
        fail();
      }
      same_rules("fmt's output", in, want, wn, once);
      for (uint32_t seed = 1; seed <= 3; seed++) {
        char *messy = respace(src, len, seed * 2654435761u);
        assert_non_null(messy);
        same_rules("the file with other blanks", in, want, wn, messy);
        char *tidy = fmt(messy, strlen(messy));
        assert_non_null(tidy);
        same_rules("fmt of the file with other blanks", in, want, wn, tidy);
        fixed_point("the file with other blanks", in, tidy);
        free(tidy);
        free(messy);
      }
      free(want);
    }
    free(once);
    free(src);
  }
  printf("fmt differential: %zu inputs, %zu formatted, %zu compiled (each also with 3 rewrites of its blanks)\n",
         ninputs, formatted, compiled);
  /* the repository has the APN rules, the card, the docs' examples and the
   * golden tests' inputs: if far fewer compile, the walk went wrong */
  assert_true(ninputs >= 80);
  assert_true(compiled >= 15);
  for (size_t i = 0; i < ninputs; i++) {
    free(inputs[i].file);
    free(inputs[i].as);
  }
  free(inputs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fmt_keeps_the_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
