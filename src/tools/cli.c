/*
 * cli.c - helpers for the command-line front ends; see cli.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "escape.h"

/* LC_CTYPE as well as LC_MESSAGES: the C library's own messages (strerror)
 * are converted to LC_CTYPE's encoding, and would be question marks in C's.
 * gettext ignores LANGUAGE when LC_MESSAGES is the C locale, since C is
 * ASCII; our catalogue is UTF-8 whatever the locale (i18n.c), so under C
 * with LANGUAGE set we take C.UTF-8, which is C but for the encoding: then
 * `LANGUAGE=ja tierc ...` speaks Japanese on a system with no locale but C.
 * Neither category changes how the library reads or prints anything. */
void cli_init_locale(void) {
  setlocale(LC_CTYPE, "");
  const char *loc = setlocale(LC_MESSAGES, "");
  const char *language = getenv("LANGUAGE");
  if (language && *language && (!loc || !strcmp(loc, "C") || !strcmp(loc, "POSIX"))) {
    setlocale(LC_MESSAGES, "C.UTF-8");
    setlocale(LC_CTYPE, "C.UTF-8");
  }
}

#define KEY_FILE_BYTES 4096 /* the longest key file read */

uint8_t *cli_read_file(const char *prog, const char *path, size_t max, size_t *len) {
  tier_buf *b = tier_buf_new(NULL);
  char err[4352]; /* the path cut to 4,096 bytes (tier.h tier_read_file), then the reason */
  bool read = b && tier_read_file(path, max, b, err, sizeof err) == TIER_OK;
  char *p = read ? tier_buf_detach(b, len) : NULL;
  if (!b || (read && !p)) { /* out of memory outside tier_read_file: said here, unbuffered */
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, _("cannot read '%s': %s"), path, tier_strerror(TIER_ENOMEM));
    fputc('\n', stderr);
  } else if (!p) {
    fprintf(stderr, "%s: %s\n", prog, err);
  } else {
    cli_note_input(path);
  }
  tier_buf_free(b);
  return (uint8_t *)p; /* made by the default allocator: free() */
}

bool cli_number(const char *prog, const char *option, const char *arg, uint64_t lo, uint64_t hi, uint64_t *out) {
  uint64_t v = 0;
  bool ok = *arg != 0;
  for (const char *p = arg; ok && *p; p++) {
    if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) ok = false;
    else v = v * 10 + (uint64_t)(*p - '0');
  }
  if (!ok || v < lo || v > hi) {
    fprintf(stderr, _("%s: %s '%s' is not a whole number from %llu to %llu\n"), prog, option, arg, (unsigned long long)lo,
            (unsigned long long)hi);
    return false;
  }
  *out = v;
  return true;
}

bool cli_import_path(const char *prog, tier_options *opt, const char *dir) {
  /* one list per process: a command line has one set of options */
  static const char *dirs[CLI_MAX_IMPORT_DIRS + 1];
  static int n;
  if (n == CLI_MAX_IMPORT_DIRS) {
    fprintf(stderr, _("%s: at most %d --import-path options\n"), prog, CLI_MAX_IMPORT_DIRS);
    return false;
  }
  dirs[n++] = dir;
  dirs[n] = NULL;
  opt->import_dirs = dirs;
  return true;
}

int cli_import_path_arg(const char *prog, int argc, char **argv, int *i, tier_options *opt) {
  const char *a = argv[*i], *dir;
  if (!strncmp(a, "--import-path=", 14)) dir = a + 14;
  else if (!strcmp(a, "--import-path") && *i + 1 < argc) dir = argv[++*i];
  else return 0;
  return cli_import_path(prog, opt, dir) ? 1 : -1;
}

/* ---- inputs are never outputs ----------------------------------------------------- */

static struct input { dev_t dev; ino_t ino; } *inputs;
static size_t ninputs, cap_inputs;

void cli_note_input(const char *path) {
  struct stat st;
  if ((strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(path, &st)) != 0) return;
  if (ninputs == cap_inputs) {
    size_t cap = cap_inputs ? 2 * cap_inputs : 16;
    struct input *p = realloc(inputs, cap * sizeof *p);
    if (!p) return; /* out of memory: checked against fewer inputs */
    inputs = p;
    cap_inputs = cap;
  }
  inputs[ninputs].dev = st.st_dev;
  inputs[ninputs++].ino = st.st_ino;
}

void cli_note_compiled(const tier_diags *d) {
  for (size_t i = 0; i < tier_diags_nfiles(d); i++) cli_note_input(tier_diags_file(d, i));
}

/* An output is named by a name that can be a file's: not empty, and not
 * ending in '/' (a directory's name whether or not it exists: `tierc
 * keygen -o keys/` once wrote keys/.key, `-o out/` said only that no file
 * could be made beside it). */
bool cli_output_name_ok(const char *prog, const char *path) {
  size_t n = strlen(path);
  if (n == 0) fprintf(stderr, _("%s: the output's name is empty\n"), prog);
  else if (path[n - 1] == '/')
    fprintf(stderr, _("%s: '%s' ends in '/', so it names a directory; an output is written only as a regular file\n"), prog,
            path);
  return n > 0 && path[n - 1] != '/';
}

static void not_regular(const char *prog, const char *path, mode_t mode) {
  fprintf(stderr, _("%s: '%s' is %s; an output is written only as a regular file\n"), prog, path, tier_file_kind((unsigned)mode));
}

/* stat, not lstat: a symbolic link is judged by the file it points to,
 * which is what cli_write_file replaces. */
bool cli_output_allowed(const char *prog, const char *path, const char *in_place) {
  struct stat st, ip;
  if (!cli_output_name_ok(prog, path)) return false;
  if (stat(path, &st) != 0) return true; /* a new file (a link to nothing is cli_write_file's to refuse) */
  if (!S_ISREG(st.st_mode)) {
    not_regular(prog, path, st.st_mode);
    return false;
  }
  bool rewrite = in_place && stat(in_place, &ip) == 0;
  if (!(rewrite && ip.st_dev == st.st_dev && ip.st_ino == st.st_ino))
    for (size_t i = 0; i < ninputs; i++)
      if (inputs[i].dev == st.st_dev && inputs[i].ino == st.st_ino) {
        fprintf(stderr, _("%s: '%s' is an input of this command; it is not overwritten (name another output)\n"), prog,
                path);
        return false;
      }
  return true;
}

/* ---- writing an output ------------------------------------------------------------- */

static bool write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    c += w;
    n -= (size_t)w;
  }
  return true;
}

/* The output file is replaced, never written into: the bytes go to a new
 * file beside it (mkstemp: a random name, created with O_EXCL, so that
 * neither someone else's file nor a link is opened), given the old file's
 * mode, written, fsync'ed and renamed over the target; on any failure the
 * new file is removed and the old one is left as it was.  Only a regular
 * file (or no file) is replaced: `-o /dev/null` run as root once replaced
 * the system's /dev/null with a regular file.  A symbolic link is written
 * through: the file it points to is replaced (the same checks apply to it)
 * and the link stays; a link to nothing is refused. */
int cli_write_file(const char *prog, const char *path, const void *data, size_t n, const char *in_place) {
  if (!cli_output_allowed(prog, path, in_place)) return -1;
  struct stat st;
  bool have = lstat(path, &st) == 0;
  if (!have && errno != ENOENT) {
    fprintf(stderr, _("%s: cannot write '%s': %s\n"), prog, path, strerror(errno));
    return -1;
  }
  char *real = NULL;
  if (have && S_ISLNK(st.st_mode)) {
    real = realpath(path, NULL);
    if (!real || lstat(real, &st) != 0) {
      fprintf(stderr, _("%s: '%s' is a symbolic link to nothing; name the file itself\n"), prog, path);
      free(real);
      return -1;
    }
  }
  if (have && !S_ISREG(st.st_mode)) { /* again, on the file itself: it may have changed since */
    not_regular(prog, path, st.st_mode);
    free(real);
    return -1;
  }
  const char *target = real ? real : path;
  const char *slash = strrchr(target, '/');
  size_t dl = slash ? (size_t)(slash - target + 1) : 0, tl = strlen(target) + 16;
  char *tmp = malloc(tl);
  if (!tmp) {
    fprintf(stderr, _("%s: cannot write '%s': out of memory\n"), prog, path);
    free(real);
    return -1;
  }
  snprintf(tmp, tl, "%.*s.%s.XXXXXX", (int)dl, target, target + dl);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    fprintf(stderr, _("%s: cannot create a file beside '%s': %s\n"), prog, path, strerror(errno));
    free(tmp);
    free(real);
    return -1;
  }
  /* mkstemp makes the file 0600: give it the old file's mode, or a new
   * file's (0666 less the umask) */
  mode_t mask = umask(0);
  umask(mask);
  bool ok = fchmod(fd, have ? st.st_mode & 07777 : 0666 & ~mask) == 0 && write_all(fd, data, n) && fsync(fd) == 0;
  int saved = errno;
  if (close(fd) != 0 && ok) { ok = false; saved = errno; }
  if (ok && rename(tmp, target) != 0) { ok = false; saved = errno; }
  if (!ok) {
    fprintf(stderr, _("%s: cannot write '%s': %s\n"), prog, path, strerror(saved));
    unlink(tmp);
  } else {
    /* the rename is on disk once the directory is */
    tmp[dl] = 0;
    int dfd = open(dl ? tmp : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      fsync(dfd);
      close(dfd);
    }
  }
  free(tmp);
  free(real);
  return ok ? 0 : -1;
}

int cli_print(const char *prog, FILE *f, tier_buf *b) {
  size_t n;
  const char *t = b ? tier_buf_text(b, &n) : NULL;
  if (!t) {
    fprintf(stderr, _("%s: out of memory\n"), prog);
    return -1;
  }
  return fwrite(t, 1, n, f) == n ? 0 : -1;
}

int cli_finish(const char *prog, int status) {
  int saved = fflush(stdout) == 0 ? 0 : errno;
  if (!ferror(stdout)) return status;
  if (saved) fprintf(stderr, _("%s: cannot write the output: %s\n"), prog, strerror(saved));
  else fprintf(stderr, _("%s: cannot write the output\n"), prog);
  return status == EXIT_RULESET ? status : EXIT_USAGE;
}

bool cli_is_bytecode(const uint8_t *p, size_t n) { return n >= 4 && memcmp(p, "\x7fTBC", 4) == 0; }

tier_ruleset *cli_load_ruleset(const char *prog, const char *path, const tier_options *opt, int *status) {
  size_t n;
  *status = EXIT_RULESET;
  uint8_t *p = cli_read_file(prog, path, TIER_MAX_BYTECODE, &n);
  if (!p) { *status = EXIT_USAGE; return NULL; }
  tier_ruleset *rs = NULL;
  char err[512];
  if (cli_is_bytecode(p, n)) {
    if (tier_load(p, n, opt, &rs, err, sizeof err) != TIER_OK) fprintf(stderr, _("%s: %s: rejected: %s\n"), prog, path, err);
  } else if (opt && (opt->trust_key || opt->ntrust_keys)) {
    fprintf(stderr, _("%s: %s: a .tier source cannot be trusted with --trust: compile and sign it first\n"), prog, path);
  } else if (n > (opt && opt->max_source ? opt->max_source : TIER_MAX_SOURCE)) {
    /* read up to the bytecode's limit, but a source has its own: beyond
     * it, a file that cannot be read (exit 2), as tierc check says */
    fprintf(stderr, "%s: ", prog);
    fprintf(stderr, _("'%s' is larger than the limit of %zu bytes"), path,
            opt && opt->max_source ? opt->max_source : TIER_MAX_SOURCE);
    fputc('\n', stderr);
    *status = EXIT_USAGE;
  } else {
    uint8_t *bc;
    size_t bn;
    tier_diags *d;
    tier_options o = {0};
    if (opt) o = *opt;
    o.diag_columns = cli_columns(stderr);
    int rc = tier_compile(path, (const char *)p, n, &o, &bc, &bn, &d);
    cli_note_compiled(d);
    fputs(tier_diags_text(d), stderr);
    if (rc == TIER_OK) {
      if (tier_load(bc, bn, opt, &rs, err, sizeof err) != TIER_OK) fprintf(stderr, "%s: %s: %s\n", prog, path, err);
      tier_free_bytes(opt, bc, bn);
    } else if (rc != TIER_ECOMPILE) {
      fprintf(stderr, "%s: %s: %s\n", prog, path, tier_strerror(rc));
    } else {
      size_t errors = 0;
      for (size_t i = 0; i < tier_diags_count(d); i++) errors += tier_diags_get(d, i)->severity == TIER_ERROR;
      fprintf(stderr, NG_("%s: %s: %zu error; the ruleset is rejected\n", "%s: %s: %zu errors; the ruleset is rejected\n", errors),
              prog, path, errors);
    }
    tier_diags_free(d);
  }
  free(p);
  if (rs) *status = EXIT_OK;
  return rs;
}

bool cli_color(FILE *f) { return isatty(fileno(f)) && !getenv("NO_COLOR"); }

unsigned cli_columns(FILE *f) {
  struct winsize ws;
  if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 0;
}

size_t cli_table_width(void) {
  const char *c = getenv("COLUMNS");
  char *end;
  unsigned long n = c && *c ? strtoul(c, &end, 10) : 0;
  if (n >= 20 && n <= 10000 && !*end) return n;
  return cli_columns(stdout);
}

void cli_fingerprint(const uint8_t pub[32], char out[17]) {
  for (int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", pub[i]);
}

int cli_write_key(const char *prog, const char *path, const char *kind, const uint8_t *key, size_t n, bool secret) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, secret ? 0600 : 0644);
  if (fd < 0) {
    fprintf(stderr, _("%s: cannot create '%s': %s\n"), prog, path, strerror(errno));
    return -1;
  }
  FILE *f = fdopen(fd, "w");
  int saved = errno;
  if (f) {
    fprintf(f, "tierc ed25519 %s key\n", kind); /* the file format: never translated */
    for (size_t i = 0; i < n; i++) fprintf(f, "%02x", key[i]);
    fprintf(f, "\n");
    saved = errno;
  } else close(fd);
  bool ok = f && !ferror(f);
  if (f && fclose(f) != 0 && ok) { /* a full disk may show only here */
    ok = false;
    saved = errno;
  }
  if (!ok) {
    fprintf(stderr, _("%s: cannot write '%s': %s\n"), prog, path, strerror(saved));
    unlink(path); /* a key that is not whole is no key */
    return -1;
  }
  return 0;
}

/* Why the bytes of a key file are not exactly one key of n bytes, or NULL.
 * The one form is what tierc keygen writes: the line "tierc ed25519 KIND
 * key", then the key as 2n lower-case hex digits, then a newline (which may
 * be missing).  Nothing else is guessed at: upper-case hex, a second key,
 * spaces or a Windows line end are all refused, so that a file means one
 * thing to every reader. */
static const char *key_fault(const uint8_t *p, size_t len, const char *kind, size_t n, uint8_t *key) {
  char head[64];
  snprintf(head, sizeof head, "tierc ed25519 %s key\n", kind);
  size_t hl = strlen(head);
  if (len < hl || memcmp(p, head, hl) != 0) {
    static const char other[] = "tierc ed25519 ";
    if (len > sizeof other && memcmp(p, other, sizeof other - 1) == 0 && strcmp(kind, "public") == 0 &&
        memcmp(p + sizeof other - 1, "secret", 6) == 0)
      return _("it is a secret key (give tiervm the .pub file)");
    if (len > sizeof other && memcmp(p, other, sizeof other - 1) == 0 && strcmp(kind, "secret") == 0 &&
        memcmp(p + sizeof other - 1, "public", 6) == 0)
      return _("it is a public key (sign with the .key file)");
    return _("its first line must name the kind of key, as tierc keygen writes it");
  }
  const uint8_t *h = p + hl;
  for (size_t i = 0; i < 2 * n; i++) {
    uint8_t c = i < len - hl ? h[i] : 0;
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0)
      return c >= 'A' && c <= 'F' ? _("the key is in upper-case hex; key files are lower-case, as tierc keygen writes them")
                                  : n == 32 ? _("the key is not 64 hex digits") : _("the key is not 128 hex digits");
    key[i / 2] = (uint8_t)(i % 2 ? key[i / 2] << 4 | d : d);
  }
  size_t rest = len - hl - 2 * n;
  if (rest > 1 || (rest == 1 && h[2 * n] != '\n')) return _("there is more after the key (a key file holds exactly one key)");
  return NULL;
}

/* The exit status of a key file that could not be read.  A file that is
 * there but is not a regular file of at most KEY_FILE_BYTES (a device, a
 * FIFO, a directory, a file too long to be one key) was refused for what
 * it is, as a file holding anything but one key is: EXIT_RULESET.  Only a
 * name that cannot be opened at all (missing, no permission) is a usage
 * error, as for any other input. */
static int key_unread_status(const char *path) {
  struct stat st;
  if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || access(path, R_OK) != 0) return EXIT_USAGE;
  return S_ISREG(st.st_mode) && st.st_size <= KEY_FILE_BYTES ? EXIT_USAGE : EXIT_RULESET;
}

int cli_read_key(const char *prog, const char *path, const char *kind, uint8_t *key, size_t n) {
  size_t len;
  uint8_t *p = cli_read_file(prog, path, KEY_FILE_BYTES, &len);
  if (!p) return key_unread_status(path);
  const char *why = key_fault(p, len, kind, n, key);
  free(p);
  if (!why) return EXIT_OK;
  sodium_memzero(key, n);
  fprintf(stderr, _("%s: '%s' is not a tierc %s key: %s\n"), prog, path, kind, why);
  return EXIT_RULESET;
}

int cli_trust_key(const char *prog, tier_options *opt, const char *path) {
  /* one set per process: a command line has one set of options */
  static uint8_t keys[CLI_MAX_TRUST][32];
  static size_t n;
  if (n == CLI_MAX_TRUST) {
    fprintf(stderr, _("%s: at most %d --trust options\n"), prog, CLI_MAX_TRUST);
    return EXIT_USAGE;
  }
  int rc = cli_read_key(prog, path, "public", keys[n], 32);
  if (rc != EXIT_OK) return rc;
  opt->trust_keys = keys[0];
  opt->ntrust_keys = ++n;
  return EXIT_OK;
}

void cli_warn_unknown(const char *prog, const tier_vm *vm, const char *path) {
  tier_buf *b = tier_buf_new(NULL), *q = NULL;
  uint64_t n = b ? tier_vm_unknown_fields(vm, b) : 0;
  const char *keys = n ? tier_buf_text(b, NULL) : NULL;
  /* the keys are JSON strings already; a key with DEL or a C1 control is
   * quoted once more, so that no record reaches the terminal as it is */
  if (keys && esc_term_needed(keys) && (q = tier_buf_new(NULL))) {
    esc_term(q, keys);
    keys = tier_buf_text(q, NULL);
  }
  fflush(stdout); /* after the output it is about */
  if (keys)
    fprintf(stderr,
            NG_("%s: warning: %s does not declare fields that %lu record had, passed over (--strict makes them errors): %s\n",
                "%s: warning: %s does not declare fields that %lu records had, passed over (--strict makes them errors): %s\n",
                (unsigned long)n),
            prog, path, (unsigned long)n, keys);
  tier_buf_free(q);
  tier_buf_free(b);
}

void cli_warn_today(const char *prog, const tier_ruleset *rs, const char *path, int64_t asof) {
  if (asof != TIER_NO_DATE || tier_ruleset_has_review(rs)) return;
  char today[16] = "?";
  time_t now = time(NULL);
  struct tm tm;
  if (gmtime_r(&now, &tm)) strftime(today, sizeof today, "%Y-%m-%d", &tm);
  fprintf(stderr,
          _("%s: warning: %s has no review rule and no --as-of was given, so every partner is judged at today's date "
          "(%s): the results will change from day to day; give --as-of DATE, or a review rule in the rules\n"),
          prog, path, today);
}
