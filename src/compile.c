/*
 * compile.c - the compiler driver: reads the main file and its imports,
 * parses each, runs sema and codegen, writes the bytecode and verifies it by
 * loading it back (the compiler's own output passes the same verifier as any
 * other file).  Also the diagnostics half of the public API.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "compile.h"
#include "lookalike.h"

struct tier_diags {
  struct arena ar;
  struct tier_alloc_hook hook;
  tier_diag *items;
  size_t n;
  char *text;
  const char **files; /* the files read, main first */
  size_t nfiles;
};

/* Read a whole source file, refusing more than max_source bytes and any
 * file that is not a regular file (a FIFO would block, a device never end). */
static char *read_file(struct comp *c, const char *path, size_t *len, const struct loc *at) {
  struct buf b = {.hook = c->hook};
  char err[4352];
  int rc = file_read(path, c->max_source, &b, err, sizeof err);
  if (rc != TIER_OK) {
    if (rc == TIER_ENOMEM) c->ar.failed = true; /* out of memory: TIER_ENOMEM, not a diagnostic */
    diag_add(&c->dg, TIER_ERROR, at, "%s", err);
    buf_free(&b);
    return NULL;
  }
  char *s = arena_strndup(&c->ar, (char *)b.p, b.n);
  *len = b.n;
  buf_free(&b);
  return s;
}

/* The file's canonical name (symbolic links resolved), to compare files
 * rather than spellings (sub/../x.tier is x.tier); NULL when it does not
 * exist. */
static const char *resolve(struct comp *c, const char *path) {
  char r[PATH_MAX];
  if (!path || !realpath(path, r)) return NULL;
  return arena_strndup(&c->ar, r, strlen(r));
}

/* The canonical name, or the name as written when the file does not exist. */
static const char *canonical(struct comp *c, const char *path) {
  const char *r = resolve(c, path);
  return r || !path ? r : arena_strndup(&c->ar, path, strlen(path));
}

/* The directories imports may come from: the main file's own (where it is
 * after symbolic links are resolved; the current directory for a file that
 * is not on disk) and those the caller allows.  A ruleset must not read
 * files it was not given, such as /etc/shadow or ../../secrets.tier. */
static void import_roots(struct comp *c, const char *main, const char *const *dirs) {
  int n = 1;
  for (const char *const *d = dirs; d && *d; d++) n++;
  c->roots = arena_alloc(&c->ar, sizeof *c->roots * (size_t)n);
  if (!c->roots) return;
  const char *m = resolve(c, main);
  const char *dir = NULL;
  if (m) {
    const char *slash = strrchr(m, '/');
    dir = slash == m ? "/" : arena_strndup(&c->ar, m, (size_t)(slash - m));
  } else {
    const char *slash = strrchr(main, '/');
    dir = resolve(c, slash ? arena_strndup(&c->ar, main, slash == main ? 1 : (size_t)(slash - main)) : ".");
  }
  if (dir) c->roots[c->nroots++] = dir;
  for (const char *const *d = dirs; d && *d; d++) {
    const char *r = resolve(c, *d);
    if (r) c->roots[c->nroots++] = r;
  }
}

/* Is the canonical path inside one of the allowed trees? */
static bool import_allowed(const struct comp *c, const char *canon) {
  for (int i = 0; i < c->nroots; i++) {
    size_t n = strlen(c->roots[i]);
    if (strcmp(c->roots[i], "/") == 0) return true;
    if (strncmp(canon, c->roots[i], n) == 0 && canon[n] == '/') return true;
  }
  return false;
}

static int add_file(struct comp *c, const char *path, char *text, size_t len) {
  if (c->dg.nfiles == c->dg.capfiles) {
    uint32_t cap = c->dg.capfiles ? c->dg.capfiles * 2 : 8;
    struct srcfile *f = arena_alloc(&c->ar, sizeof *f * cap);
    if (!f) return -1;
    if (c->dg.files) memcpy(f, c->dg.files, sizeof *f * c->dg.nfiles);
    c->dg.files = f;
    c->dg.capfiles = cap;
  }
  struct srcfile *f = &c->dg.files[c->dg.nfiles];
  f->path = arena_strndup(&c->ar, path, strlen(path));
  f->canon = canonical(c, path);
  /* line starts, so that positions are found by binary search: a position
   * per requirement must not cost a scan from the top of the file */
  uint32_t n = 1;
  for (size_t i = 0; i < len; i++) n += text[i] == '\n';
  f->lines = arena_alloc(&c->ar, sizeof *f->lines * n);
  if (f->lines) {
    f->lines[0] = 0;
    f->nlines = 1;
    for (size_t i = 0; i < len; i++)
      if (text[i] == '\n') f->lines[f->nlines++] = (uint32_t)i + 1;
  }
  f->text = text;
  f->len = len;
  return (int)c->dg.nfiles++;
}

static char *join_path(struct comp *c, const char *base, const char *rel) {
  if (rel[0] == '/') return arena_strndup(&c->ar, rel, strlen(rel));
  const char *slash = strrchr(base, '/');
  if (!slash) return arena_strndup(&c->ar, rel, strlen(rel));
  return arena_printf(&c->ar, "%.*s%s", (int)(slash - base + 1), base, rel);
}

/* The name of a .tier file in the directory of `path` that is spelt like
 * path's own (apn-schema.tir, apn-shema.tier: apn-schema.tier), or NULL.
 * The names are compared without their extensions (".tier" alike in all
 * would make any two short names look near), and only in a directory
 * imports may come from. */
static const char *near_file(struct comp *c, const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path, *dot = strrchr(base, '.');
  const char *want = arena_strndup(&c->ar, base, dot && dot > base ? (size_t)(dot - base) : strlen(base));
  const char *dir = slash ? arena_strndup(&c->ar, path, slash == path ? 1 : (size_t)(slash - path)) : ".";
  const char *rdir = resolve(c, dir);
  DIR *d = want && rdir ? opendir(rdir) : NULL;
  if (!d) return NULL;
  struct suggest s = SUGGEST(c);
  const char *best = NULL;
  char stem[LIM_IDENT + 1];
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t n = strlen(e->d_name);
    if (n <= 5 || n - 5 > LIM_IDENT || strcmp(e->d_name + n - 5, ".tier") != 0) continue;
    snprintf(stem, sizeof stem, "%.*s", (int)(n - 5), e->d_name);
    suggest_try(&s, want, stem);
    if (s.best == stem) best = s.best = arena_strndup(&c->ar, e->d_name, n); /* readdir reuses its entry */
  }
  closedir(d);
  if (!best || !import_allowed(c, arena_printf(&c->ar, "%s/%s", rdir, best))) return NULL;
  return best;
}

/* One `import` of file fi at `depth`: the imported file's items, or NULL
 * with one error at the import when they cannot be had.  A file that is
 * not there gets a "did you mean" for a file of a like name; any import
 * whose items are missing is counted in c->failed_imports, so that the
 * names it would have defined are not reported as unknown (comp_front). */
static struct node *load(struct comp *c, const char *path, char *text, size_t len, const struct loc *at,
                         const char **stack, int depth, crypto_generichash_state *hs);
static struct node *import(struct comp *c, int fi, struct node *n, const char **stack, int depth,
                           crypto_generichash_state *hs) {
  const char *written = n->str ? n->str : "";
  char *p = join_path(c, c->dg.files[fi].path, written);
  if (!p) return NULL;
  const char *cp = canonical(c, p), *rp = resolve(c, p);
  for (int i = 0; i <= depth; i++)
    if (cp && strcmp(stack[i], cp) == 0) {
      diag_add(&c->dg, TIER_ERROR, &n->loc2, _("import cycle: '%s' imports itself through this import"), p);
      return NULL; /* its items are there: it is being read */
    }
  for (uint32_t i = 0; cp && i < c->dg.nfiles; i++)
    if (c->dg.files[i].canon && strcmp(c->dg.files[i].canon, cp) == 0) {
      diag_add(&c->dg, TIER_ERROR, &n->loc2, _("'%s' is imported twice"), p);
      return NULL; /* its items are there: imported before */
    }
  c->failed_imports++; /* until its items are had */
  if (rp && !import_allowed(c, rp)) {
    diag_add(&c->dg, TIER_ERROR, &n->loc2,
             _("'%s' is outside the main file's directory tree; allow its directory with --import-path"), p);
    return NULL;
  }
  if (depth + 1 >= LIM_IMPORT_DEPTH) {
    diag_add(&c->dg, TIER_ERROR, &n->loc2, _("imports are nested more than %d deep"), LIM_IMPORT_DEPTH);
    return NULL;
  }
  const char *near = rp ? NULL : near_file(c, p);
  if (near) {
    const char *slash = strrchr(written, '/');
    int dirlen = slash ? (int)(slash - written + 1) : 0;
    diag_add(&c->dg, TIER_ERROR, &n->loc2, _("there is no file '%s'; did you mean '%.*s%s'?"), written, dirlen, written,
             near);
    return NULL;
  }
  struct diag_mark before = diag_mark(&c->dg);
  struct node *items = load(c, p, NULL, 0, &n->loc2, stack, depth + 1, hs);
  if (items || c->dg.nerrors == before.nerrors) c->failed_imports--; /* read (an empty file defines nothing) */
  return items;
}

/* Parse one file and, in place of each import, the imported file's items.
 * `stack` holds the files being imported, to name a cycle. */
static struct node *load(struct comp *c, const char *path, char *text, size_t len, const struct loc *at,
                         const char **stack, int depth, crypto_generichash_state *hs) {
  if (!text) {
    text = read_file(c, path, &len, at);
    if (!text) return NULL;
  }
  size_t bom = utf8_bom(text, len); /* not content: positions count from after it */
  text += bom;
  len -= bom;
  int fi = add_file(c, path, text, len);
  if (fi < 0) return NULL;
  crypto_generichash_update(hs, (const unsigned char *)text, len);
  size_t bad;
  const char *wide = encoding_wide(text, len);
  if (wide || !utf8_valid(text, len, &bad)) {
    /* most likely saved in another encoding by an editor or Excel: say
     * which, and what to do; the first bad byte's line is quoted only in
     * the main file, and never for UTF-16, whose lines would show as noise */
    const char *enc = wide ? wide : encoding_guess(text, len);
    if (depth > 0 || wide) {
      diag_add(&c->dg, TIER_ERROR, at, _("'%s' is not UTF-8 text: it looks like %s; save it again as UTF-8"), path, enc);
    } else {
      struct loc l = {(uint32_t)fi, (uint32_t)bad, (uint32_t)bad + 1};
      diag_add(&c->dg, TIER_ERROR, &l,
               _("this byte (0x%02x) is not UTF-8: the file looks like %s text; save it again as UTF-8"),
               (unsigned char)text[bad], enc);
    }
    return NULL;
  }
  struct parser ps;
  memset(&ps, 0, sizeof ps);
  ps.ar = &c->ar;
  ps.dg = &c->dg;
  ps.file = (uint32_t)fi;
  ps.text = text;
  ps.len = len;
  ps.drops = &c->drops;
  struct diag_mark before = diag_mark(&c->dg);
  struct node *items = parse_file(&ps);
  if (depth > 0 && !items && c->dg.nerrors > before.nerrors) {
    /* an import in which nothing parses is not a rules file (a password
     * file, a key): its lines are not shown, one error at the import is */
    diag_rewind(&c->dg, before);
    diag_add(&c->dg, TIER_ERROR, at, _("'%s' is not a rules file: nothing in it parses as rules (its lines are not shown)"),
             path);
    return NULL;
  }
  stack[depth] = c->dg.files[fi].canon;
  struct node *head = NULL, *tail = NULL;
  for (struct node *n = items, *next; n; n = next) {
    next = n->next;
    n->next = NULL;
    struct node *add = n->kind == I_IMPORT ? import(c, fi, n, stack, depth, hs) : n, *addtail = add;
    while (addtail && addtail->next) addtail = addtail->next;
    if (!add) continue;
    if (tail) tail->next = add; else head = add;
    tail = addtail;
  }
  return head;
}

static tier_diags *export_diags(struct comp *c, const struct tier_alloc_hook *hook) {
  tier_diags *d = t_malloc(hook, sizeof *d);
  if (!d) return NULL;
  memset(d, 0, sizeof *d);
  d->hook = *hook;
  arena_init(&d->ar, &d->hook);
  size_t n = 0;
  for (struct diag *g = c->dg.head; g; g = g->next) n++;
  d->items = arena_alloc(&d->ar, sizeof *d->items * (n + 1));
  struct buf b = {.hook = hook};
  diag_render(&c->dg, &b);
  d->text = arena_strndup(&d->ar, b.p ? (char *)b.p : "", b.n);
  buf_free(&b);
  d->files = arena_alloc(&d->ar, sizeof *d->files * (c->dg.nfiles + 1));
  if (!d->items || !d->text || !d->files) { tier_diags_free(d); return NULL; }
  for (uint32_t i = 0; i < c->dg.nfiles; i++) {
    d->files[i] = arena_strndup(&d->ar, c->dg.files[i].path, strlen(c->dg.files[i].path));
    if (!d->files[i]) { tier_diags_free(d); return NULL; }
  }
  d->nfiles = c->dg.nfiles;
  for (struct diag *g = c->dg.head; g; g = g->next) {
    tier_diag *t = &d->items[d->n++];
    t->severity = g->severity;
    t->message = arena_strndup(&d->ar, g->msg, strlen(g->msg));
    if (g->has_loc && g->loc.file < c->dg.nfiles) {
      const struct srcfile *f = &c->dg.files[g->loc.file];
      t->file = arena_strndup(&d->ar, f->path, strlen(f->path));
      diag_line_col(f, g->loc.beg, &t->line, &t->column);
    }
  }
  return d;
}

/* The front end: read `path` (or take `text` as its content) and its
 * imports, parse every file and check names and types.  tier_compile()
 * goes on to lint and code generation; the reference interpreter
 * (tests/ref) walks the typed tree it leaves.  Returns TIER_OK,
 * TIER_ECOMPILE (the diagnostics are in c->dg) or TIER_ENOMEM; whatever it
 * returns, release c with comp_free().  hook must outlive c. */
int comp_front(struct comp *c, const char *path, const char *text, size_t textlen, const tier_options *opt,
               const struct tier_alloc_hook *hook) {
  memset(c, 0, sizeof *c);
  c->hook = hook;
  c->max_source = opt->max_source ? opt->max_source : LIM_SOURCE_BYTES;
  arena_init(&c->ar, hook);
  c->dg.ar = &c->ar;
  c->dg.werror = opt->werror != 0;
  c->dg.columns = opt->diag_columns;
  c->partner_field = c->id_field = -1;
  if (sodium_init() < 0) return TIER_ENOMEM;
  import_roots(c, path, opt->import_dirs);

  const char *stack[LIM_IMPORT_DEPTH + 1];
  crypto_generichash_state hs;
  crypto_generichash_init(&hs, NULL, 0, 32);
  char *copy = NULL;
  if (text) {
    if (textlen > c->max_source) {
      diag_add(&c->dg, TIER_ERROR, NULL, _("'%s' is larger than the limit of %zu bytes"), path, c->max_source);
    } else {
      copy = arena_strndup(&c->ar, text, textlen);
      if (!copy) c->ar.failed = true;
    }
  }
  if (c->dg.nerrors == 0 && (!text || copy))
    c->items = load(c, path, copy, textlen, NULL, stack, 0, &hs);
  crypto_generichash_final(&hs, c->src_hash, 32);

  /* names and types are checked even after syntax errors, so that one run
   * reports all it can; the items that failed to parse are left out */
  c->syntax_errors = c->dg.nerrors;
  /* ...but not without an import's items: nearly every name would be
   * unknown, and the schema missing (one error at the import says it) */
  if (!c->ar.failed && !c->failed_imports) sema_run(c); /* an empty ruleset is checked too */
  if (c->ar.failed) return TIER_ENOMEM;
  return c->dg.nerrors ? TIER_ECOMPILE : TIER_OK;
}

void comp_free(struct comp *c) { arena_free(&c->ar); }

int tier_compile(const char *path, const char *text, size_t textlen, const tier_options *opt,
                 uint8_t **out, size_t *outlen, tier_diags **diags) {
  static const tier_options defaults;
  if (!opt) opt = &defaults;
  struct tier_alloc_hook hook = hook_of(opt);
  if (out) *out = NULL;
  if (outlen) *outlen = 0;
  if (diags) *diags = NULL;
  if (!path) return TIER_EUSAGE;

  struct comp c;
  int rc = comp_front(&c, path, text, textlen, opt, &hook);
  /* the ladder checks also run when the only errors are warnings made
   * errors by --Werror, so that one run reports them all; an empty ruleset
   * is an error there */
  if (rc != TIER_ENOMEM && c.dg.nerrors == c.dg.npromoted) {
    lint_run(&c);
    if (c.ar.failed) rc = TIER_ENOMEM;
    else if (c.dg.nerrors) rc = TIER_ECOMPILE;
  }
  if (rc == TIER_OK) {
    struct image *img = cg_run(&c);
    if (!img) rc = c.dg.nerrors ? TIER_ECOMPILE : TIER_ENOMEM;
    else {
      struct buf b = {.hook = &hook};
      int w = bc_write(img, opt->strip != 0, &b);
      image_free(img);
      if (w != TIER_OK) rc = w;
      else {
        /* verify our own output as any loader would */
        char err[256];
        struct image *back;
        int lr = img_load(&hook, b.p, b.n, NULL, &back, err, sizeof err);
        if (lr != TIER_OK) {
          if (lr == TIER_ENOMEM) rc = TIER_ENOMEM;
          else {
            diag_add(&c.dg, TIER_ERROR, NULL, _("internal error: the compiled bytecode does not verify: %s"), err);
            rc = TIER_ECOMPILE;
          }
        } else {
          image_free(back);
        }
      }
      /* the caller frees the bytes with their length (tier_free_bytes),
       * so the block is cut to them */
      uint8_t *exact = rc == TIER_OK && out ? t_realloc(&hook, b.p, b.cap, b.n ? b.n : 1) : NULL;
      if (exact) {
        *out = exact;
        *outlen = b.n;
      } else {
        if (rc == TIER_OK && out) rc = TIER_ENOMEM;
        buf_free(&b);
      }
    }
  }
  if (diags) {
    *diags = export_diags(&c, &hook);
    if (!*diags && rc == TIER_OK) {
      if (out && *out) { t_free(&hook, *out, *outlen); *out = NULL; *outlen = 0; }
      rc = TIER_ENOMEM;
    }
  }
  comp_free(&c);
  return rc;
}

void tier_free_bytes(const tier_options *opt, uint8_t *p, size_t n) {
  struct tier_alloc_hook hook = hook_of(opt);
  t_free(&hook, p, n);
}

size_t tier_diags_count(const tier_diags *d) { return d ? d->n : 0; }
size_t tier_diags_nfiles(const tier_diags *d) { return d ? d->nfiles : 0; }
const char *tier_diags_file(const tier_diags *d, size_t i) { return d && i < d->nfiles ? d->files[i] : NULL; }
const tier_diag *tier_diags_get(const tier_diags *d, size_t i) { return d && i < d->n ? &d->items[i] : NULL; }
const char *tier_diags_text(tier_diags *d) { return d ? d->text : ""; }
void tier_diags_free(tier_diags *d) {
  if (!d) return;
  struct tier_alloc_hook h = d->hook;
  arena_free(&d->ar);
  t_free(&h, d, sizeof *d);
}
