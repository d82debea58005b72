/*
 * test_cases.c - the driver of the files tests/cases/NAME.tier: compile-error, type-error
 * and evaluation cases written as annotated rulesets (tests/cases/README.md
 * gives the format).  Each file is one cmocka test; every expectation that
 * does not hold is reported as FILE:LINE: case 'NAME': what was expected and
 * what came, and the file's test fails.  Everything goes through the public
 * API: tier_compile, tier_load, tier_vm_new, tier_eval_json.
 */
#include <glob.h>

#include "testutil.h"

#define CASES_DIR "tests/cases"

/* ---- a case file --------------------------------------------------------------- */

struct line {
  char *text;       /* the line, without its line end */
  char *note;       /* what follows "#>" on it, or NULL */
  bool note_only;   /* nothing but white space before the "#>" */
};

struct file {
  const char *path;
  struct line *lines;
  size_t nlines;
  size_t prelude, prelude_end; /* its lines [prelude, prelude_end); 0, 0: none */
};

struct run {
  const struct file *f;
  const char *name;     /* the case */
  size_t first;         /* the case's first line (0-based, after its #### line) */
  unsigned failures, checks;
};

static void failed(struct run *r, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void failed(struct run *r, size_t at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s:%zu: case '%s': ", r->f->path, at + 1, r->name);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  r->failures++;
}

/* The "#>" of a line, outside string literals; NULL if none. */
static char *find_note(char *s) {
  bool str = false;
  for (char *p = s; *p; p++) {
    if (*p == '"' && (p == s || p[-1] != '\\')) str = !str;
    else if (!str && p[0] == '#' && p[1] == '>') return p;
  }
  return NULL;
}

static bool read_file(const char *path, struct file *f) {
  size_t len;
  FILE *fp = fopen(path, "rb");
  if (!fp) return false;
  struct buf b = {0};
  char chunk[8192];
  while ((len = fread(chunk, 1, sizeof chunk, fp)) > 0) buf_put(&b, chunk, len);
  fclose(fp);
  buf_u8(&b, 0);
  memset(f, 0, sizeof *f);
  f->path = path;
  char *s = (char *)b.p;
  size_t cap = 0;
  for (char *p = s; *p || p == s;) {
    char *e = strchr(p, '\n');
    if (e) *e = 0;
    if (f->nlines == cap) f->lines = realloc(f->lines, (cap = cap ? cap * 2 : 64) * sizeof *f->lines);
    struct line *l = &f->lines[f->nlines++];
    l->text = strdup(p);
    char *note = find_note(l->text);
    l->note = note ? note + 2 : NULL;
    l->note_only = note && strspn(l->text, " \t") == (size_t)(note - l->text);
    if (!e) break;
    p = e + 1;
    if (!*p) break;
  }
  free(s);
  return true;
}

static void free_file(struct file *f) {
  for (size_t i = 0; i < f->nlines; i++) free(f->lines[i].text);
  free(f->lines);
}

static bool is_header(const struct line *l) { return strncmp(l->text, "####", 4) == 0; }
static const char *header_name(const struct line *l) { return l->text + 4 + strspn(l->text + 4, " "); }

/* ---- the words of a note --------------------------------------------------------- */

/* The next word of *p: up to a space outside "quotes" (a quoted part may
 * hold spaces and \" \\ \n escapes; the quotes are not part of the word).
 * Returns a malloc'd copy, NULL at the end. */
static char *word(const char **p) {
  const char *s = *p + strspn(*p, " \t");
  if (!*s) return NULL;
  struct buf b = {0};
  bool quoted = false;
  for (; *s && (quoted || (*s != ' ' && *s != '\t')); s++) {
    char c = *s;
    if (c == '"') {
      quoted = !quoted;
      continue;
    }
    if (quoted && c == '\\' && s[1]) c = *++s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
    buf_u8(&b, (uint8_t)c);
  }
  buf_u8(&b, 0);
  *p = s;
  return (char *)b.p;
}

/* "TEXT" after a ':' with C escapes (\n), for messages and diagnostics. */
static char *rest(const char *s) {
  s += strspn(s, " \t");
  struct buf b = {0};
  for (; *s; s++) {
    char c = *s;
    if (c == '\\' && s[1]) c = *++s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
    buf_u8(&b, (uint8_t)c);
  }
  while (b.n && (b.p[b.n - 1] == ' ' || b.p[b.n - 1] == '\t')) b.n--;
  buf_u8(&b, 0);
  return (char *)b.p;
}

static bool starts(const char **p, const char *w) {
  const char *s = *p + strspn(*p, " \t");
  size_t n = strlen(w);
  if (strncmp(s, w, n) != 0 || (s[n] && s[n] != ' ' && s[n] != ':' && s[n] != '[' && s[n] != '\t')) return false;
  *p = s + n;
  return true;
}

/* ---- compiling a case ----------------------------------------------------------- */

struct compiled {
  int rc;
  tier_diags *d;
  const char *text;
  tier_ruleset *rs;
  tier_vm *vm;
  const tier_result *res; /* of the last eval */
  int eval_rc;
  char eval_error[700];
  bool evaluated;
};

/* The case's source: the prelude, then lines [first, end). lineno[] maps a
 * line of the source (from 1) to the file's line (0-based). */
static char *source(const struct file *f, size_t first, size_t end, size_t **lineno, size_t *nsrc) {
  struct buf b = {0};
  size_t n = (f->prelude_end - f->prelude) + (end - first);
  *lineno = calloc(n + 2, sizeof **lineno);
  size_t k = 1;
  for (size_t i = f->prelude; i < f->prelude_end; i++, k++) {
    buf_printf(&b, "%s\n", f->lines[i].text);
    (*lineno)[k] = i;
  }
  for (size_t i = first; i < end; i++, k++) {
    buf_printf(&b, "%s\n", f->lines[i].text);
    (*lineno)[k] = i;
  }
  *nsrc = k - 1;
  buf_u8(&b, 0);
  return (char *)b.p;
}

/* The file line a note at line i speaks of: its own, or for a note on a
 * line of its own the nearest line above that is not one. */
static size_t target(const struct file *f, size_t first, size_t i) {
  while (i > first && f->lines[i].note_only) i--;
  return i;
}

/* ---- diagnostics ------------------------------------------------------------------ */

/* `[first] error|warning [COL|anywhere]: TEXT`: a diagnostic of that
 * severity on the note's line (at column COL; anywhere: on any line),
 * whose message contains TEXT; with `first`, the first of that severity. */
static void check_diag(struct run *r, struct compiled *c, const size_t *lineno, size_t nsrc, size_t at, size_t line,
                       const char *p, int sev, bool first) {
  long col = -1;
  bool anywhere = starts(&p, "anywhere");
  p += strspn(p, " \t");
  if (!anywhere && *p != ':') col = strtol(p, (char **)&p, 10);
  p = strchr(p, ':');
  char *want = rest(p ? p + 1 : "");
  bool found = false;
  for (size_t i = 0; i < tier_diags_count(c->d) && !found; i++) {
    const tier_diag *g = tier_diags_get(c->d, i);
    if (g->severity != sev) continue;
    bool here = anywhere || (g->line >= 1 && g->line <= nsrc && lineno[g->line] == line && (col < 0 || g->column == col));
    found = here && strstr(g->message, want) != NULL;
    if (first) break; /* only the first of its severity */
  }
  r->checks++;
  if (!found) {
    char where[48];
    if (anywhere) snprintf(where, sizeof where, "anywhere");
    else if (col < 0) snprintf(where, sizeof where, "on line %zu", line + 1);
    else snprintf(where, sizeof where, "at %zu:%ld", line + 1, col);
    failed(r, at, "expected %s%s %s containing '%s'; the diagnostics are:\n%s", first ? "the first " : "an ",
           sev == TIER_ERROR ? "error" : "warning", where, want, c->text);
  }
  free(want);
}

static size_t count_sev(const tier_diags *d, int sev) {
  size_t n = 0;
  for (size_t i = 0; i < tier_diags_count(d); i++) n += tier_diags_get(d, i)->severity == sev;
  return n;
}

/* ---- evaluation -------------------------------------------------------------------- */

static bool ensure_vm(struct run *r, struct compiled *c, size_t at) {
  if (c->vm) return true;
  if (c->rc != TIER_OK) {
    failed(r, at, "the case does not compile:\n%s", c->text);
    return false;
  }
  return c->vm != NULL;
}

/* `eval [asof DATE] JSON` */
static void eval(struct run *r, struct compiled *c, size_t at, const char *p) {
  c->evaluated = false;
  if (!ensure_vm(r, c, at)) return;
  int64_t asof = TIER_NO_DATE;
  if (starts(&p, "asof")) {
    char *d = word(&p);
    if (tier_date_parse(d, &asof) != 0) failed(r, at, "bad date '%s'", d);
    free(d);
  }
  p += strspn(p, " \t");
  c->eval_rc = tier_eval_json(c->vm, p, strlen(p), asof, &c->res);
  snprintf(c->eval_error, sizeof c->eval_error, "%s @%s", tier_vm_error(c->vm), tier_vm_error_path(c->vm));
  c->evaluated = true;
}

static bool ensure_result(struct run *r, struct compiled *c, size_t at) {
  if (!c->evaluated) {
    failed(r, at, "no 'eval' before this result");
    return false;
  }
  if (c->eval_rc != TIER_OK) {
    failed(r, at, "the record was not accepted (%s): %s", tier_strerror(c->eval_rc), c->eval_error);
    return false;
  }
  return true;
}

static const char *or_dash(const char *s) { return s ? s : "-"; }

static const char *type_name(int t) {
  static const char *const n[] = {"none", "text", "int", "number", "money", "bool", "date", "enum"};
  if (t == TIER_TYPE_TIER) return "tier";
  return t >= 0 && t < 8 ? n[t] : "?";
}

/* One field of an entry of unmet or reqs, as text. */
static void field_text(const tier_req_result *u, const char *key, char *out, size_t n) {
  char d[11];
  if (!strcmp(key, "tier")) snprintf(out, n, "%s", or_dash(u->tier));
  else if (!strcmp(key, "section")) snprintf(out, n, "%s", or_dash(u->section));
  else if (!strcmp(key, "label")) snprintf(out, n, "%s", or_dash(u->label));
  else if (!strcmp(key, "rule")) snprintf(out, n, "%s", or_dash(u->rule));
  else if (!strcmp(key, "metric")) snprintf(out, n, "%s", or_dash(u->metric));
  else if (!strcmp(key, "threshold")) snprintf(out, n, "%s", or_dash(u->threshold));
  else if (!strcmp(key, "op")) snprintf(out, n, "%s", or_dash(u->op));
  else if (!strcmp(key, "actual")) snprintf(out, n, "%s", u->actual);
  else if (!strcmp(key, "required")) snprintf(out, n, "%s", u->required);
  else if (!strcmp(key, "actual_value")) snprintf(out, n, "%.17g", u->actual_value);
  else if (!strcmp(key, "required_value")) snprintf(out, n, "%.17g", u->required_value);
  else if (!strcmp(key, "need")) snprintf(out, n, "%s", u->need);
  else if (!strcmp(key, "detail")) snprintf(out, n, "%s", u->detail[0] ? u->detail : "-");
  else if (!strcmp(key, "type")) snprintf(out, n, "%s", type_name(u->type));
  else if (!strcmp(key, "met")) snprintf(out, n, "%s", u->met ? "true" : "false");
  else if (!strcmp(key, "missing")) snprintf(out, n, "%s", u->missing ? "true" : "false");
  else if (!strcmp(key, "sustained")) snprintf(out, n, "%d", u->sustained);
  else if (!strcmp(key, "window")) snprintf(out, n, "%d", u->window);
  else if (!strcmp(key, "items")) snprintf(out, n, "%zu", u->nitems);
  else if (!strcmp(key, "window_start")) {
    if (u->window_start) tier_date_format(u->window_start, d);
    snprintf(out, n, "%s", u->window_start ? d : "-");
  }
  else if (!strcmp(key, "checkpoint")) {
    if (u->checkpoint) tier_date_format(u->checkpoint, d);
    snprintf(out, n, "%s", u->checkpoint ? d : "-");
  } else snprintf(out, n, "(no field '%s')", key);
}

/* `unmet N`, `unmet "RULE" key=value...`, `unmet[I] key=value...` */
static void check_unmet(struct run *r, struct compiled *c, size_t at, const char *p) {
  if (!ensure_result(r, c, at)) return;
  const tier_result *res = c->res;
  const tier_req_result *u = NULL;
  p += strspn(p, " \t");
  if (*p == '[') {
    size_t i = strtoul(p + 1, (char **)&p, 10);
    p = strchr(p, ']');
    p = p ? p + 1 : "";
    r->checks++;
    if (i >= res->nunmet) {
      failed(r, at, "unmet[%zu]: there are %zu unmet requirements", i, res->nunmet);
      return;
    }
    u = &res->unmet[i];
  } else if (*p == '"') {
    char *rule = word(&p);
    for (size_t i = 0; i < res->nunmet && !u; i++)
      if (!strcmp(res->unmet[i].rule, rule)) u = &res->unmet[i];
    r->checks++;
    if (!u) failed(r, at, "no unmet requirement '%s' among %zu", rule, res->nunmet);
    free(rule);
    if (!u) return;
  } else {
    size_t n = strtoul(p, NULL, 10);
    r->checks++;
    if (res->nunmet != n) failed(r, at, "expected %zu unmet requirements, got %zu", n, res->nunmet);
    return;
  }
  char *kv;
  while ((kv = word(&p)) != NULL) {
    char *eq = strchr(kv, '=');
    r->checks++;
    if (!eq) {
      failed(r, at, "'%s' is not key=value", kv);
    } else {
      *eq = 0;
      char got[512];
      field_text(u, kv, got, sizeof got);
      bool same = strcmp(got, eq + 1) == 0;
      if (!strcmp(kv, "actual_value") || !strcmp(kv, "required_value")) /* doubles: compared as such */
        same = strtod(eq + 1, NULL) == (!strcmp(kv, "actual_value") ? u->actual_value : u->required_value);
      if (!same) failed(r, at, "%s: expected %s=%s, got %s", u->rule, kv, eq + 1, got);
    }
    free(kv);
  }
}

/* `holds RULE`, `fails RULE`: a requirement of the partner's type, met or not */
static void check_req(struct run *r, struct compiled *c, size_t at, const char *p, bool want) {
  if (!ensure_result(r, c, at)) return;
  char *rule = rest(p);
  const tier_req_result *u = NULL;
  for (size_t i = 0; i < c->res->nreqs && !u; i++)
    if (!strcmp(c->res->reqs[i].rule, rule)) u = &c->res->reqs[i];
  r->checks++;
  if (!u) failed(r, at, "no requirement '%s'", rule);
  else if ((u->met != 0) != want) failed(r, at, "'%s' %s", rule, want ? "does not hold" : "holds");
  free(rule);
}

/* `tier NAME|-`, `next NAME|-`, `id ID`, `type T`, `asof DATE` */
static void check_value(struct run *r, struct compiled *c, size_t at, const char *what, const char *p) {
  if (!ensure_result(r, c, at)) return;
  char *want = rest(p), d[11];
  const char *got;
  if (!strcmp(what, "tier")) got = or_dash(c->res->tier);
  else if (!strcmp(what, "next")) got = or_dash(c->res->next);
  else if (!strcmp(what, "id")) got = or_dash(c->res->id);
  else if (!strcmp(what, "type")) got = or_dash(c->res->type);
  else {
    tier_date_format(c->res->asof, d);
    got = d;
  }
  r->checks++;
  if (strcmp(got, want) != 0) failed(r, at, "expected %s %s, got %s", what, want, got);
  free(want);
}

/* `rejected: TEXT`: the record is refused, its "MESSAGE @PATH" holds TEXT */
static void check_rejected(struct run *r, struct compiled *c, size_t at, const char *p) {
  r->checks++;
  if (!c->evaluated) {
    failed(r, at, "no 'eval' before 'rejected'");
    return;
  }
  p = strchr(p, ':');
  char *want = rest(p ? p + 1 : "");
  if (c->eval_rc != TIER_ERECORD) failed(r, at, "expected the record to be rejected, got %s", tier_strerror(c->eval_rc));
  else if (!strstr(c->eval_error, want)) failed(r, at, "expected '%s' in the refusal: %s", want, c->eval_error);
  free(want);
}

/* ---- one case --------------------------------------------------------------------- */

static void run_case(struct run *r, size_t end) {
  const struct file *f = r->f;
  size_t *lineno, nsrc;
  char *src = source(f, r->first, end, &lineno, &nsrc);
  struct compiled c;
  memset(&c, 0, sizeof c);
  uint8_t *bc = NULL;
  size_t bn = 0;
  c.rc = tier_compile("test.tier", src, strlen(src), NULL, &bc, &bn, &c.d);
  c.text = tier_diags_text(c.d);
  if (c.rc == TIER_OK) {
    char err[256];
    if (tier_load(bc, bn, NULL, &c.rs, err, sizeof err) != TIER_OK) failed(r, r->first, "does not load: %s", err);
    tier_options vo;
    memset(&vo, 0, sizeof vo);
    vo.all_requirements = 1;
    if (c.rs) c.vm = tier_vm_new(c.rs, &vo);
  }
  tier_free_bytes(NULL, bc, bn);
  bool want_errors = false, noted = false;
  for (size_t i = r->first; i < end; i++) {
    const char *p = f->lines[i].note;
    if (!p) continue;
    noted = true;
    size_t line = target(f, r->first, i);
    bool first = starts(&p, "first");
    if (starts(&p, "error")) {
      want_errors = true;
      check_diag(r, &c, lineno, nsrc, i, line, p, TIER_ERROR, first);
    } else if (starts(&p, "warning")) {
      check_diag(r, &c, lineno, nsrc, i, line, p, TIER_WARNING, first);
    } else if (starts(&p, "errors") || starts(&p, "warnings")) { /* N, or <= N */
      bool e = strstr(f->lines[i].note, "errors") != NULL, most = starts(&p, "<=");
      size_t n = strtoul(p, NULL, 10), got = count_sev(c.d, e ? TIER_ERROR : TIER_WARNING);
      want_errors = want_errors || (e && n > 0);
      r->checks++;
      if (most ? got > n : got != n)
        failed(r, i, "expected %s%zu %s, got %zu:\n%s", most ? "at most " : "", n, e ? "errors" : "warnings", got, c.text);
    } else if (starts(&p, "text") || (starts(&p, "no") && starts(&p, "text"))) {
      bool no = strncmp(f->lines[i].note + strspn(f->lines[i].note, " \t"), "no", 2) == 0;
      p = strchr(p, ':');
      char *want = rest(p ? p + 1 : "");
      r->checks++;
      if (!no && !strstr(c.text, want)) failed(r, i, "expected in the diagnostics: %s\nthey are:\n%s", want, c.text);
      if (no && strstr(c.text, want)) failed(r, i, "not expected in the diagnostics: %s\nthey are:\n%s", want, c.text);
      free(want);
    } else if (starts(&p, "ok")) {
      r->checks++;
      if (c.rc != TIER_OK) failed(r, i, "expected it to compile; %s:\n%s", tier_strerror(c.rc), c.text);
    } else if (starts(&p, "name") || starts(&p, "version")) {
      bool name = strncmp(f->lines[i].note + strspn(f->lines[i].note, " \t"), "name", 4) == 0;
      p = strchr(p, ':');
      char *want = rest(p ? p + 1 : "");
      const char *got = !c.rs ? "(does not compile)" : name ? tier_ruleset_name(c.rs) : tier_ruleset_version(c.rs);
      r->checks++;
      if (strcmp(got, want) != 0) failed(r, i, "expected the ruleset's %s '%s', got '%s'", name ? "name" : "version", want, got);
      free(want);
    } else if (starts(&p, "eval")) {
      eval(r, &c, i, p);
    } else if (starts(&p, "tier") || starts(&p, "next") || starts(&p, "id") || starts(&p, "type") ||
               starts(&p, "asof")) {
      char what[8];
      const char *q = f->lines[i].note;
      q += strspn(q, " \t");
      snprintf(what, sizeof what, "%.*s", (int)strcspn(q, " \t"), q);
      check_value(r, &c, i, what, p);
    } else if (starts(&p, "unmet")) {
      check_unmet(r, &c, i, p);
    } else if (starts(&p, "holds")) {
      check_req(r, &c, i, p, true);
    } else if (starts(&p, "fails")) {
      check_req(r, &c, i, p, false);
    } else if (starts(&p, "rejected")) {
      check_rejected(r, &c, i, p);
    } else {
      failed(r, i, "unknown note '#>%s' (tests/cases/README.md lists them)", f->lines[i].note);
    }
  }
  if (want_errors) { /* the case is rejected as a whole, too */
    r->checks++;
    if (c.rc != TIER_ECOMPILE) failed(r, r->first, "expected it to be rejected, got: %s", tier_strerror(c.rc));
  }
  if (!noted) failed(r, r->first, "the case expects nothing: add '#> ok' or what it must give");
  tier_vm_free(c.vm);
  tier_ruleset_free(c.rs);
  tier_diags_free(c.d);
  free(lineno);
  free(src);
}

/* ---- one file: one test ---------------------------------------------------------- */

static size_t total_cases, total_checks;

static void run_file(void **st) {
  const char *path = *st;
  struct file f;
  assert_true(read_file(path, &f));
  unsigned failures = 0, cases = 0, checks = 0;
  size_t i = 0;
  while (i < f.nlines && !is_header(&f.lines[i])) i++;
  while (i < f.nlines) {
    size_t h = i++;
    while (i < f.nlines && !is_header(&f.lines[i])) i++;
    if (!strcmp(header_name(&f.lines[h]), "prelude")) {
      f.prelude = h + 1;
      f.prelude_end = i;
      continue;
    }
    struct run r = {&f, header_name(&f.lines[h]), h + 1, 0, 0};
    run_case(&r, i);
    failures += r.failures;
    checks += r.checks;
    cases++;
  }
  total_cases += cases;
  total_checks += checks;
  printf("%s: %u cases, %u expectations, %u failed\n", path, cases, checks, failures);
  free_file(&f);
  assert_true(cases > 0);
  assert_int_equal(failures, 0);
}

int main(void) {
  glob_t g;
  if (glob(CASES_DIR "/*.tier", 0, NULL, &g) != 0 || g.gl_pathc == 0) {
    fprintf(stderr, "no %s/*.tier (run from the top of the tree)\n", CASES_DIR);
    return 1;
  }
  struct CMUnitTest *tests = calloc(g.gl_pathc, sizeof *tests);
  for (size_t i = 0; i < g.gl_pathc; i++) {
    tests[i].name = g.gl_pathv[i];
    tests[i].test_func = run_file;
    tests[i].initial_state = g.gl_pathv[i];
  }
  int rc = _cmocka_run_group_tests("cases", tests, g.gl_pathc, NULL, NULL);
  printf("cases: %zu cases, %zu expectations in %zu files\n", total_cases, total_checks, g.gl_pathc);
  free(tests);
  globfree(&g);
  return rc;
}
