/*
 * tierc.c - the compiler's command line: check, compile, disasm.  See
 * tierc(1) (docs/man/tierc.1).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "escape.h"

static const char *prog = "tierc";

static void usage(FILE *f) {
  fputs(_("usage: tierc COMMAND [options] FILE...\n"
          "\n"
          "commands:\n"
          "  check FILE.tier              type-check a ruleset and report every error and warning\n"
          "  compile FILE.tier [-o OUT]   compile to verified bytecode (default OUT: FILE.tbc)\n"
          "  disasm FILE.tbc              print a bytecode file readably (verifies it first)\n"
          "  disasm --opcodes             list the VM's instructions\n"
          "  fmt [-w] [--check] FILE.tier...\n"
          "                               print FILE in the canonical layout; -w rewrites it in place,\n"
          "                               --check lists the files not in it (exit 1 if any)\n"
          "  test RULESET TESTS... [--coverage]\n"
          "                               run rule tests (JSON Lines: a profile and \"expect\")\n"
          "  diff OLD.tier NEW.tier       the change in meaning: thresholds, requirements, tiers,\n"
          "                               metrics, schema, dates (--format text or json)\n"
          "  keygen [-o NAME]             make an Ed25519 key pair: NAME.key (secret) and NAME.pub\n"
          "                               (default NAME: tierc; existing files are never overwritten)\n"
          "  sign --key NAME.key FILE.tbc [-o OUT]\n"
          "                               embed a signature in FILE.tbc (default: in place)\n"
          "\n"
          "options:\n"
          "  -o, --output FILE   where compile or sign writes the bytecode\n"
          "  -k, --key FILE      the secret key sign uses\n"
          "  -f, --format FMT    diff: text (default) or json\n"
          "      --coverage      test: list the thresholds no test probes exactly at and just below\n"
          "      --strip         leave the debug section (source lines) out of the bytecode\n"
          "      --Werror        treat warnings as errors\n"
          "      --max-source N  the largest source file accepted, in bytes (default 8 MiB)\n"
          "      --import-path DIR  imports may also come from DIR's tree (besides the main\n"
          "                      file's own directory tree); may be repeated\n"
          "  -h, --help          show this help\n"
          "  -V, --version       show the version\n"
          "\n"
          "exit status: 0 success; 1 some rule tests failed; 2 usage error; 3 the rules or\n"
          "the bytecode were rejected\n"),
        f);
}

static char *default_out(const char *in) {
  size_t n = strlen(in);
  char *o = malloc(n + 5);
  if (!o) return NULL;
  memcpy(o, in, n + 1);
  if (n > 5 && !strcmp(o + n - 5, ".tier")) strcpy(o + n - 5, ".tbc");
  else strcat(o, ".tbc");
  return o;
}

/* check or compile one file: the diagnostics to stderr, then "ok" (check)
 * or the bytecode written to out (default: FILE.tbc).  Returns the file's
 * exit status. */
static int compile_one(const char *path, const char *out, bool check_only, const tier_options *opt) {
  size_t n;
  uint8_t *src = cli_read_file(prog, path, opt->max_source ? opt->max_source : TIER_MAX_SOURCE, &n);
  if (!src) return EXIT_USAGE;
  uint8_t *bc = NULL;
  size_t bn = 0;
  tier_diags *d = NULL;
  tier_options o = *opt;
  o.diag_columns = cli_columns(stderr);
  int rc = tier_compile(path, (const char *)src, n, &o, &bc, &bn, &d);
  free(src);
  cli_note_compiled(d); /* the output must not replace the source or an import */
  fputs(tier_diags_text(d), stderr);
  size_t errors = 0, warnings = 0;
  for (size_t k = 0; k < tier_diags_count(d); k++) {
    errors += tier_diags_get(d, k)->severity == TIER_ERROR;
    warnings += tier_diags_get(d, k)->severity == TIER_WARNING;
  }
  tier_diags_free(d);
  if (rc != TIER_OK) {
    if (rc == TIER_ECOMPILE) {
      char e[64], w[64];
      snprintf(e, sizeof e, NG_("%zu error", "%zu errors", errors), errors);
      snprintf(w, sizeof w, NG_("%zu warning", "%zu warnings", warnings), warnings);
      /* TRANSLATORS: the program, the file, then "N errors" and "N warnings" */
      fprintf(stderr, _("%s: %s: %s, %s\n"), prog, path, e, w);
    } else
      fprintf(stderr, "%s: %s: %s\n", prog, path, tier_strerror(rc));
    return EXIT_RULESET;
  }
  int status = EXIT_OK;
  if (check_only) {
    if (warnings) {
      fprintf(stderr, "%s: %s: ", prog, path);
      fprintf(stderr, NG_("%zu warning", "%zu warnings", warnings), warnings);
      fputc('\n', stderr);
    }
    printf(_("%s: ok\n"), path);
  } else {
    char *o = out ? NULL : default_out(path);
    const char *dest = out ? out : o;
    if (!dest || cli_write_file(prog, dest, bc, bn, NULL) != 0) status = EXIT_USAGE;
    else printf(NG_("%s -> %s (%zu byte)\n", "%s -> %s (%zu bytes)\n", bn), path, dest, bn);
    free(o);
  }
  tier_free_bytes(opt, bc, bn);
  return status;
}

static int cmd_compile(int argc, char **argv, bool check_only) {
  static const struct option lo[] = {{"output", required_argument, 0, 'o'}, {"strip", no_argument, 0, 's'},
                                     {"Werror", no_argument, 0, 'W'},        {"help", no_argument, 0, 'h'},
                                     {"max-source", required_argument, 0, 'm'}, {"import-path", required_argument, 0, 'I'},
                                     {0, 0, 0, 0}};
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  const char *out = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
    switch (c) {
    case 'o': out = optarg; break;
    case 's': opt.strip = 1; break;
    case 'W': opt.werror = 1; break;
    case 'm': {
      uint64_t v;
      if (!cli_number(prog, "--max-source", optarg, 1, 1ull << 31, &v)) return EXIT_USAGE;
      opt.max_source = (size_t)v;
      break;
    }
    case 'I':
      if (!cli_import_path(prog, &opt, optarg)) return EXIT_USAGE;
      break;
    case 'h': usage(stdout); return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, _("%s %s: missing FILE.tier\n"), prog, check_only ? "check" : "compile");
    return EXIT_USAGE;
  }
  if (out && argc - optind > 1) {
    fprintf(stderr, _("%s compile: -o takes one input file\n"), prog);
    return EXIT_USAGE;
  }
  int status = EXIT_OK;
  for (int i = optind; i < argc; i++) {
    int rc = compile_one(argv[i], out, check_only, &opt);
    if (rc != EXIT_OK) status = rc;
  }
  return status;
}

/* What a subcommand's argument is: an operand (a file, or "-"), an option,
 * or the "--" that ends the options.  After "--" every argument is an
 * operand, so that a file named like an option can be given
 * (tierc disasm -- --help). */
enum arg_kind { ARG_OPERAND, ARG_OPTION, ARG_END };

static enum arg_kind arg_kind(const char *a, bool *ended) {
  if (*ended || a[0] != '-' || !a[1]) return ARG_OPERAND;
  if (!strcmp(a, "--")) {
    *ended = true;
    return ARG_END;
  }
  return ARG_OPTION;
}

static int cmd_test(int argc, char **argv) {
  bool coverage = false;
  int n = 0;
  char **args = malloc(sizeof(char *) * (size_t)(argc + 1));
  if (!args) return EXIT_USAGE;
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  bool ended = false;
  for (int i = 1; i < argc; i++) {
    enum arg_kind k = arg_kind(argv[i], &ended);
    if (k == ARG_END) continue;
    if (k == ARG_OPERAND) {
      args[n++] = argv[i];
      continue;
    }
    int ip = cli_import_path_arg(prog, argc, argv, &i, &opt);
    if (ip < 0) {
      free(args);
      return EXIT_USAGE;
    }
    if (ip) continue;
    if (!strcmp(argv[i], "--coverage")) coverage = true;
    else {
      fprintf(stderr, _("%s test: unknown option '%s'\n"), prog, argv[i]);
      free(args);
      return EXIT_USAGE;
    }
  }
  if (n < 2) {
    fputs(_("usage: tierc test RULESET TESTS... [--coverage]\n"), stderr);
    free(args);
    return EXIT_USAGE;
  }
  int status = EXIT_OK;
  tier_ruleset *rs = cli_load_ruleset(prog, args[0], &opt, &status);
  if (!rs) { free(args); return status; }
  tier_buf *out = tier_buf_new(NULL), *shown = tier_buf_new(NULL);
  int rc = out && shown ? tier_test_run(rs, (const char *const *)args + 1, (size_t)n - 1, coverage, out) : -1;
  size_t len;
  const char *text = rc >= 0 ? tier_buf_text(out, &len) : NULL;
  if (text) esc_lines(shown, text, len); /* names and values come from the test files */
  if (cli_print(prog, stdout, text ? shown : NULL) != 0) rc = -1;
  tier_buf_free(out);
  tier_buf_free(shown);
  tier_ruleset_free(rs);
  free(args);
  return rc < 0 || rc == 2 ? EXIT_USAGE : rc ? EXIT_RECORDS : EXIT_OK;
}

static int cmd_diff(int argc, char **argv) {
  bool json = false;
  const char *files[2];
  int n = 0;
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  bool ended = false;
  for (int i = 1; i < argc; i++) {
    enum arg_kind k = arg_kind(argv[i], &ended);
    if (k == ARG_END) continue;
    if (k == ARG_OPERAND) {
      if (n < 2) files[n++] = argv[i];
      else n = 3;
      continue;
    }
    int ip = cli_import_path_arg(prog, argc, argv, &i, &opt);
    if (ip < 0) return EXIT_USAGE;
    if (ip) continue;
    if ((!strcmp(argv[i], "--format") || !strcmp(argv[i], "-f")) && i + 1 < argc) {
      i++;
      if (!strcmp(argv[i], "json")) json = true;
      else if (strcmp(argv[i], "text")) {
        fprintf(stderr, _("%s diff: unknown format '%s' (text or json)\n"), prog, argv[i]);
        return EXIT_USAGE;
      }
    } else {
      fprintf(stderr, _("%s diff: unknown option '%s'\n"), prog, argv[i]);
      return EXIT_USAGE;
    }
  }
  if (n != 2) {
    fputs(_("usage: tierc diff [--format text|json] OLD NEW\n"), stderr);
    return EXIT_USAGE;
  }
  int status = EXIT_OK;
  tier_ruleset *a = cli_load_ruleset(prog, files[0], &opt, &status);
  if (!a) return status;
  tier_ruleset *b = cli_load_ruleset(prog, files[1], &opt, &status);
  if (!b) { tier_ruleset_free(a); return status; }
  tier_buf *out = tier_buf_new(NULL);
  if (out) tier_rules_diff(a, b, files[0], files[1], json, out);
  status = cli_print(prog, stdout, out) == 0 ? EXIT_OK : EXIT_USAGE;
  tier_buf_free(out);
  tier_ruleset_free(a);
  tier_ruleset_free(b);
  return status;
}

/* keygen's NAME is the keys' common name, NAME.key and NAME.pub: a name
 * that is a directory's would put the keys beside it (keys.key) or hidden
 * inside it (keys/.key), neither of which was meant. */
static bool key_name_ok(const char *name) {
  size_t n = strlen(name);
  struct stat st;
  if (n == 0) return cli_output_name_ok(prog, name);
  if (name[n - 1] != '/' && (stat(name, &st) != 0 || !S_ISDIR(st.st_mode))) return true;
  fprintf(stderr, _("%s: '%s' names a directory; -o takes the keys' name, NAME.key and NAME.pub (for example -o %s%stierc)\n"),
          prog, name, name, name[n - 1] == '/' ? "" : "/");
  return false;
}

static int cmd_keygen(int argc, char **argv) {
  static const struct option lo[] = {{"output", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  const char *name = "tierc";
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
    switch (c) {
    case 'o': name = optarg; break;
    case 'h': usage(stdout); return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (optind != argc) { /* it takes no file: NAME comes with -o */
    fputs(_("usage: tierc keygen [-o NAME]\n"), stderr);
    return EXIT_USAGE;
  }
  if (!key_name_ok(name)) return EXIT_USAGE;
  uint8_t pub[32], sk[64];
  if (tier_keygen(pub, sk) != TIER_OK) {
    fprintf(stderr, _("%s: cannot make a key\n"), prog);
    return EXIT_USAGE;
  }
  size_t n = strlen(name) + 5;
  char *kp = malloc(n), *pp = malloc(n);
  if (!kp || !pp) return EXIT_USAGE;
  snprintf(kp, n, "%s.key", name);
  snprintf(pp, n, "%s.pub", name);
  int rc = cli_write_key(prog, kp, "secret", sk, 64, true);
  if (!rc && (rc = cli_write_key(prog, pp, "public", pub, 32, false)) != 0) unlink(kp); /* a pair or nothing */
  if (!rc) {
    char fp[17];
    cli_fingerprint(pub, fp);
    printf(_("secret key: %s (keep it private)\npublic key: %s (fingerprint %s; give it to those who run tiervm --trust)\n"), kp,
           pp, fp);
  }
  sodium_memzero(sk, sizeof sk);
  free(kp);
  free(pp);
  return rc ? EXIT_USAGE : EXIT_OK;
}

static int cmd_sign(int argc, char **argv) {
  static const struct option lo[] = {{"key", required_argument, 0, 'k'}, {"output", required_argument, 0, 'o'},
                                     {"help", no_argument, 0, 'h'},      {0, 0, 0, 0}};
  const char *key = NULL, *out = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "k:o:h", lo, NULL)) != -1) {
    switch (c) {
    case 'k': key = optarg; break;
    case 'o': out = optarg; break;
    case 'h': usage(stdout); return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (!key || optind != argc - 1) {
    fputs(_("usage: tierc sign --key NAME.key FILE.tbc [-o OUT]\n"), stderr);
    return EXIT_USAGE;
  }
  uint8_t sk[64];
  int krc = cli_read_key(prog, key, "secret", sk, sizeof sk);
  if (krc != EXIT_OK) return krc;
  const char *in = argv[optind];
  size_t n;
  uint8_t *p = cli_read_file(prog, in, TIER_MAX_BYTECODE, &n);
  if (!p) return EXIT_USAGE;
  uint8_t *signed_bc;
  size_t sn;
  int rc = tier_sign(p, n, sk, NULL, &signed_bc, &sn);
  sodium_memzero(sk, sizeof sk);
  if (rc != TIER_OK) {
    fprintf(stderr, _("%s: %s: cannot sign: %s\n"), prog, in,
            rc != TIER_EBYTECODE ? tier_strerror(rc)
            : cli_is_bytecode(p, n) ? _("not a valid .tbc file (it does not load)")
                                    : _("this is not bytecode: compile it first (tierc compile FILE.tier -o FILE.tbc)"));
    free(p);
    return EXIT_RULESET;
  }
  free(p);
  const char *dest = out ? out : in;
  int w = cli_write_file(prog, dest, signed_bc, sn, in); /* in place is what sign does; the key, never */
  tier_free_bytes(NULL, signed_bc, sn);
  if (w) return EXIT_USAGE;
  printf(_("%s: signed -> %s\n"), in, dest);
  return EXIT_OK;
}

/* tierc disasm [--] FILE.tbc | --opcodes */
static int cmd_disasm(int argc, char **argv) {
  const char *file = NULL;
  bool opcodes = false, ended = false;
  int n_files = 0;
  for (int i = 1; i < argc; i++) {
    enum arg_kind k = arg_kind(argv[i], &ended);
    if (k == ARG_OPERAND) {
      file = argv[i];
      n_files++;
    } else if (k == ARG_OPTION && !strcmp(argv[i], "--opcodes")) opcodes = true;
    else if (k == ARG_OPTION) {
      fprintf(stderr, _("%s disasm: unknown option '%s'\n"), prog, argv[i]);
      return EXIT_USAGE;
    }
  }
  if (n_files > 1 || (opcodes && n_files)) {
    fputs(_("usage: tierc disasm FILE.tbc, or tierc disasm --opcodes\n"), stderr);
    return EXIT_USAGE;
  }
  tier_buf *b = tier_buf_new(NULL);
  if (opcodes) {
    if (b) tier_opcodes(b);
    int w = cli_print(prog, stdout, b);
    tier_buf_free(b);
    return w == 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (!file) {
    fprintf(stderr, _("%s disasm: missing FILE.tbc\n"), prog);
    tier_buf_free(b);
    return EXIT_USAGE;
  }
  size_t n;
  uint8_t *p = cli_read_file(prog, file, TIER_MAX_BYTECODE, &n);
  if (!p) {
    tier_buf_free(b);
    return EXIT_USAGE;
  }
  tier_ruleset *rs = NULL;
  char err[512];
  int rc = tier_load(p, n, NULL, &rs, err, sizeof err);
  free(p);
  if (rc != TIER_OK) {
    fprintf(stderr, _("%s: %s: rejected: %s\n"), prog, file, err);
    tier_buf_free(b);
    return EXIT_RULESET;
  }
  if (b) tier_disasm(rs, file, b);
  int w = cli_print(prog, stdout, b);
  tier_buf_free(b);
  tier_ruleset_free(rs);
  return w == 0 ? EXIT_OK : EXIT_USAGE;
}

/* Format one file: print it, rewrite it (write) or list it if it is not in
 * the canonical layout (check).  Returns the exit status for the file. */
static int fmt_one(const char *path, bool write, bool check, tier_buf *out, tier_buf *dg) {
  size_t n;
  uint8_t *src = cli_read_file(prog, path, TIER_MAX_SOURCE, &n);
  if (!src) return EXIT_USAGE;
  tier_buf_clear(out);
  tier_buf_clear(dg);
  int rc = EXIT_OK, f = tier_fmt(path, (const char *)src, n, out, dg);
  size_t on;
  const char *text = tier_buf_text(out, &on);
  if (f == TIER_ECOMPILE) {
    cli_print(prog, stderr, dg);
    fprintf(stderr, _("%s: %s: syntax errors; the file is left as it is\n"), prog, path);
    rc = EXIT_RULESET;
  } else if (f != TIER_OK || !text) {
    fprintf(stderr, "%s: %s: %s\n", prog, path, tier_strerror(f != TIER_OK ? f : TIER_ENOMEM));
    rc = EXIT_USAGE;
  } else {
    bool same = on == n && (n == 0 || memcmp(text, src, n) == 0);
    bool to_file = write && !check && strcmp(path, "-") != 0; /* --check changes nothing */
    if (check && !same) { printf("%s\n", path); rc = EXIT_RECORDS; }
    if (to_file && !same && cli_write_file(prog, path, text, on, path) != 0) rc = EXIT_USAGE; /* -w rewrites its input */
    if (!check && !to_file) fwrite(text, 1, on, stdout);
  }
  free(src);
  return rc;
}

/* tierc fmt [-w] [--check] FILE...: see src/fmt.c.  A file that does not
 * parse is never touched (exit 3). */
static int cmd_fmt(int argc, char **argv) {
  static const struct option lo[] = {{"write", no_argument, 0, 'w'}, {"check", no_argument, 0, 'c'},
                                     {"help", no_argument, 0, 'h'},  {0, 0, 0, 0}};
  bool write = false, check = false;
  int c, status = EXIT_OK;
  optind = 1;
  while ((c = getopt_long(argc, argv, "wh", lo, NULL)) != -1) {
    switch (c) {
    case 'w': write = true; break;
    case 'c': check = true; break;
    case 'h': usage(stdout); return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, _("%s fmt: missing FILE.tier\n"), prog);
    return EXIT_USAGE;
  }
  tier_buf *out = tier_buf_new(NULL), *dg = tier_buf_new(NULL);
  if (!out || !dg) {
    fprintf(stderr, _("%s: out of memory\n"), prog);
    status = EXIT_USAGE;
  }
  for (int i = optind; i < argc && out && dg; i++) {
    int rc = fmt_one(argv[i], write, check, out, dg);
    if (rc > status) status = rc;
  }
  tier_buf_free(out);
  tier_buf_free(dg);
  return status;
}

/* Does a subcommand's argument list ask for help (-h or --help before a
 * "--")?  Every subcommand answers it alike, with the usage on stdout. */
static bool asks_help(int argc, char **argv) {
  for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return true;
  return false;
}

static int run(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help") || asks_help(argc - 1, argv + 1)) {
    usage(stdout);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
    printf("tierc %s\n", TIER_VERSION);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "compile")) return cmd_compile(argc - 1, argv + 1, false);
  if (!strcmp(cmd, "check")) return cmd_compile(argc - 1, argv + 1, true);
  if (!strcmp(cmd, "disasm")) return cmd_disasm(argc - 1, argv + 1);
  if (!strcmp(cmd, "keygen")) return cmd_keygen(argc - 1, argv + 1);
  if (!strcmp(cmd, "test")) return cmd_test(argc - 1, argv + 1);
  if (!strcmp(cmd, "diff")) return cmd_diff(argc - 1, argv + 1);
  if (!strcmp(cmd, "sign")) return cmd_sign(argc - 1, argv + 1);
  if (!strcmp(cmd, "fmt")) return cmd_fmt(argc - 1, argv + 1);
  fprintf(stderr, _("%s: unknown command '%s'\n"), prog, cmd);
  usage(stderr);
  return EXIT_USAGE;
}

int main(int argc, char **argv) {
  cli_init_locale();
  return cli_finish(prog, run(argc, argv));
}
