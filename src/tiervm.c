/*
 * tiervm.c - the runner's command line: parses options and streams records
 * through the library.  See tiervm(1) (docs/man/tiervm.1).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "output.h"
#include "stream.h"

static const char *prog = "tiervm";
static size_t max_record = LIM_RECORD_BYTES; /* --max-record */

static void usage(FILE *f) {
  fprintf(f,
          "usage: tiervm eval [options] RULESET [PROFILES...]\n"
          "       tiervm explain [options] RULESET PROFILES [--id ID]\n"
          "       tiervm diff [options] OLD NEW [PROFILES...]\n"
          "       tiervm report [options] RULESET [PROFILES...] -o report.html [--diff OLD]\n"
          "\n"
          "eval: evaluate partner profiles against a ruleset and print each partner's\n"
          "tier, the next tier and the smallest change that reaches it.\n"
          "explain: one partner (the first, or --id ID), every requirement of every\n"
          "tier of its type, met or not, with its value and where the rule is written.\n"
          "diff: the impact of a rule change: every partner under OLD and NEW rules,\n"
          "who moves up or down and which requirements move them (tiers matched by\n"
          "their place in each partner type's ladder).\n"
          "report: one self-contained HTML page with the tier distribution, what\n"
          "blocks the next tier and how far partners are, the partners closest to\n"
          "moving up, and with --diff OLD the impact of the change from OLD.\n"
          "\n"
          "  RULESET             a compiled .tbc file or a .tier source (compiled in memory)\n"
          "  PROFILES            JSON Lines or JSON array files; none or '-' reads standard input\n"
          "\n"
          "options:\n"
          "  -f, --format FMT    eval: json (default when output is not a terminal), table\n"
          "                      (default on a terminal) or csv; explain, diff: text (default)\n"
          "                      or json\n"
          "      --as-of DATE    evaluate every record at DATE (YYYY-MM-DD) instead of the\n"
          "                      ruleset's review rule\n"
          "  -e, --explain       eval: add every requirement of every tier with its value\n"
          "      --id ID         explain: the partner whose id is ID\n"
          "  -o, --output FILE   report: where to write the page (default: standard output)\n"
          "      --diff OLD      report: add the impact of the change from the OLD ruleset\n"
          "      --trust KEY.pub accept only a ruleset signed with this key (tierc sign)\n"
          "      --max-cost N    refuse a record whose evaluation could take more than N\n"
          "                      instructions (default: no limit)\n"
          "      --max-record N  the longest record, in bytes: a JSON Lines line or an array\n"
          "                      element (default 64 MiB); a longer one is an error line\n"
          "      --import-path DIR  a .tier ruleset's imports may also come from DIR's tree\n"
          "  -h, --help          show this help\n"
          "  -V, --version       show the version\n"
          "\n"
          "exit status: 0 all records evaluated; 1 some records rejected (the others were\n"
          "evaluated); 2 usage error; 3 ruleset rejected\n");
}

struct run {
  tier_ruleset *rs;
  tier_vm *vm;
  struct out o;          /* the renderer */
  int fmt;
  bool explain;
  int64_t asof;
  uint64_t max_cost;
  long record;
  long errors;
  struct buf out;
  bool many_inputs;
  bool explain_cmd;
  const char *want_id;   /* explain: the partner to find (NULL: the first) */
  bool done;             /* explain: found and printed */
};

static void flush(struct run *r, bool force) {
  if (r->out.n >= 65536 || (force && r->out.n)) {
    fwrite(r->out.p, 1, r->out.n, stdout);
    r->out.n = 0;
  }
}

static void record_error(struct run *r, const char *file, const char *id, const char *err, const char *path) {
  r->errors++;
  if (r->many_inputs && file) {
    char msg[800];
    snprintf(msg, sizeof msg, "%s: %s", file, err);
    out_error(&r->o, &r->out, r->record, id, msg, path);
  } else {
    out_error(&r->o, &r->out, r->record, id, err, path);
  }
}

static uint64_t record_cost(const struct image *img, const struct record *rec) {
  uint64_t c = img->cost_base;
  for (uint32_t l = 0; l < img->nlists; l++) {
    uint64_t add = img->cost_per[l] * rec->lists[l].n;
    if (img->cost_per[l] && add / img->cost_per[l] != rec->lists[l].n) return UINT64_MAX;
    if (c + add < c) return UINT64_MAX;
    c += add;
  }
  return c;
}

/* A malformed record's position is relative to the record: make it the
 * input's line and column, in vm->err.  True when the error was one. */
static bool json_position(struct tier_vm *vm, const struct stream *s) {
  if (!vm->jerr[0] || vm->err_line <= 0) return false;
  long line = s->rec_line + vm->err_line - 1;
  long col = vm->err_line == 1 ? s->rec_col + vm->err_col - 1 : vm->err_col;
  snprintf(vm->err, sizeof vm->err, "malformed JSON at line %ld, column %ld: %.300s", line, col, vm->jerr);
  return true;
}

static void run_one(struct run *r, struct stream *s, const char *file) {
  r->record++;
  if (s->err[0]) {
    record_error(r, file, NULL, s->err, NULL);
    return;
  }
  const tier_result *res;
  struct tier_vm *vm = r->vm;
  vm->err_line = vm->err_col = 0;
  int rc = rec_parse(vm, s->rec, s->rec_n, &vm->rec);
  if (r->explain_cmd) {
    /* explain: one partner, the first or the one with the id asked for */
    if (r->want_id && !(vm->res.id && strcmp(vm->res.id, r->want_id) == 0)) {
      r->record--;
      return;
    }
    r->done = true;
  }
  if (rc == TIER_OK && r->max_cost) {
    uint64_t c = record_cost(r->rs->img, &vm->rec);
    if (c > r->max_cost) {
      char m[160];
      snprintf(m, sizeof m, "evaluation could take %llu instructions, over the budget of %llu (--max-cost)",
               (unsigned long long)c, (unsigned long long)r->max_cost);
      record_error(r, file, vm->res.id, m, NULL);
      return;
    }
  }
  if (rc == TIER_OK) {
    rc = res_eval_bound(vm, r->asof, &res);
  }
  if (rc == TIER_OK) {
    if (r->fmt == FMT_TEXT) out_explain(&r->out, r->rs, res);
    else out_result(&r->o, &r->out, res);
    return;
  }
  if (json_position(vm, s)) {
    vm->jerr[0] = 0;
    record_error(r, file, vm->res.id, vm->err, NULL);
    return;
  }
  vm->jerr[0] = 0;
  if (rc == TIER_ENOMEM) {
    record_error(r, file, vm->res.id, "out of memory", NULL);
    return;
  }
  record_error(r, file, vm->res.id, vm->err, tier_vm_error_path(vm));
}

/* The options eval, explain, diff and report share: --as-of, --trust and
 * --import-path.
 * Returns 1 when c was one of them, -1 on a bad value, 0 otherwise. */
static int shared_option(int c, const char *arg, int64_t *asof, tier_options *opt, uint8_t trust[32]) {
  switch (c) {
  case 'a':
    if (tier_date_parse(arg, asof) != 0) {
      fprintf(stderr, "%s: --as-of '%s' is not a date (YYYY-MM-DD)\n", prog, arg);
      return -1;
    }
    return 1;
  case 't':
    if (cli_read_key(prog, arg, "public", trust, 32)) return -1;
    opt->trust_key = trust;
    return 1;
  case 'I': return cli_import_path(prog, opt, arg) ? 1 : -1;
  case 'R': {
    uint64_t v;
    if (!cli_number(prog, "--max-record", arg, 2, (uint64_t)1 << 40, &v)) return -1;
    max_record = (size_t)v;
    return 1;
  }
  }
  return 0;
}

/* Signatures are reported; with --trust they were also required. */
static void report_signature(const tier_ruleset *rs, bool trusted) {
  uint8_t pub[32];
  char fp[17];
  if (!tier_ruleset_signer(rs, pub)) return;
  cli_fingerprint(pub, fp);
  fprintf(stderr, "%s: ruleset signed by key %s%s\n", prog, fp, trusted ? " (trusted)" : " (not checked against a trusted key: use --trust)");
}

static int cmd_eval(int argc, char **argv, bool explain_cmd) {
  struct run r;
  memset(&r, 0, sizeof r);
  r.asof = TIER_NONE;
  r.fmt = explain_cmd ? FMT_TEXT : isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_JSON;
  static const struct option lo[] = {{"format", required_argument, 0, 'f'}, {"as-of", required_argument, 0, 'a'},
                                     {"explain", no_argument, 0, 'e'},      {"max-cost", required_argument, 0, 'c'},
                                     {"trust", required_argument, 0, 't'}, {"import-path", required_argument, 0, 'I'}, {"max-record", required_argument, 0, 'R'},  {"help", no_argument, 0, 'h'},
                                     {"id", required_argument, 0, 'i'},     {0, 0, 0, 0}};
  const char *want_id = NULL;
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  uint8_t trust[32];
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "f:eh", lo, NULL)) != -1) {
    switch (c) {
    case 'f':
      if (!strcmp(optarg, "json")) r.fmt = FMT_JSON;
      else if (!strcmp(optarg, "table")) r.fmt = FMT_TABLE;
      else if (!strcmp(optarg, "csv")) r.fmt = FMT_CSV;
      else if (!strcmp(optarg, "text")) r.fmt = FMT_TEXT;
      else {
        fprintf(stderr, "%s: unknown format '%s' (json, table or csv)\n", prog, optarg);
        return EXIT_USAGE;
      }
      break;
    case 'a': case 't': case 'I': case 'R':
      if (shared_option(c, optarg, &r.asof, &opt, trust) < 0) return EXIT_USAGE;
      break;
    case 'e': r.explain = true; break;
    case 'i': want_id = optarg; break;

    case 'c':
      if (!cli_number(prog, "--max-cost", optarg, 1, UINT64_MAX, &r.max_cost)) return EXIT_USAGE;
      break;
    case 'h': usage(stdout); return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (explain_cmd ? r.fmt != FMT_TEXT && r.fmt != FMT_JSON : r.fmt == FMT_TEXT) {
    fprintf(stderr, "%s: --format %s does not apply to %s\n", prog, r.fmt == FMT_TEXT ? "text" : r.fmt == FMT_CSV ? "csv" : "table",
            explain_cmd ? "explain" : "eval");
    return EXIT_USAGE;
  }
  if (want_id && !explain_cmd) {
    fprintf(stderr, "%s: --id applies to explain\n", prog);
    return EXIT_USAGE;
  }
  if (explain_cmd) {
    r.explain = true;
    r.explain_cmd = true;
    r.want_id = want_id;
  }
  if (optind >= argc || (explain_cmd && optind + 1 >= argc)) {
    fprintf(stderr, "%s %s: missing %s\n", prog, explain_cmd ? "explain" : "eval", optind >= argc ? "RULESET" : "PROFILES");
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *rules = argv[optind++];
  int status = EXIT_OK;
  r.rs = cli_load_ruleset(prog, rules, &opt, &status);
  if (!r.rs) return status;
  report_signature(r.rs, opt.trust_key != NULL);
  tier_options vmopt = {.all_requirements = r.explain};
  r.vm = tier_vm_new(r.rs, &vmopt);
  if (!r.vm) {
    fprintf(stderr, "%s: out of memory\n", prog);
    tier_ruleset_free(r.rs);
    return EXIT_RULESET;
  }
  out_init(&r.o, r.fmt, r.explain, r.rs);
  if (!explain_cmd) out_header(&r.o, &r.out);
  int ninputs = argc - optind;
  r.many_inputs = ninputs > 1;
  for (int i = 0; i < (ninputs ? ninputs : 1); i++) {
    const char *file = ninputs ? argv[optind + i] : "-";
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!f) {
      flush(&r, true);
      fprintf(stderr, "%s: cannot open '%s'\n", prog, file);
      status = EXIT_USAGE;
      continue;
    }
    struct stream s;
    stream_init(&s, f);
    s.max = max_record;
    while (!r.done && stream_next(&s)) {
      run_one(&r, &s, file);
      flush(&r, false);
      if (s.failed) break;
    }
    if (s.failed) {
      flush(&r, true);
      fprintf(stderr, "%s: %s: out of memory reading the input\n", prog, file);
      status = EXIT_RECORDS;
    }
    if (ferror(f)) {
      flush(&r, true);
      fprintf(stderr, "%s: %s: read error\n", prog, file);
      status = EXIT_USAGE;
    }
    stream_free(&s);
    if (f != stdin) fclose(f);
  }
  flush(&r, true);
  if (r.out.failed) fprintf(stderr, "%s: out of memory writing output\n", prog);
  if (explain_cmd && !r.done) {
    if (want_id) fprintf(stderr, "%s explain: no partner with id '%s'\n", prog, want_id);
    else fprintf(stderr, "%s explain: no partner in the input\n", prog);
    status = EXIT_RECORDS;
  }
  buf_free(&r.out);
  tier_vm_free(r.vm);
  tier_ruleset_free(r.rs);
  fflush(stdout);
  if (status != EXIT_OK) return status;
  return r.errors ? EXIT_RECORDS : EXIT_OK;
}

/* Parse and evaluate the current record under one ruleset. */
static int eval_under(struct tier_vm *vm, struct stream *s, int64_t asof, const tier_result **res) {
  vm->err_line = vm->err_col = 0;
  vm->jerr[0] = 0;
  int rc = rec_parse(vm, s->rec, s->rec_n, &vm->rec);
  if (rc == TIER_OK) rc = res_eval_bound(vm, asof, res);
  if (rc != TIER_OK) json_position(vm, s);
  return rc;
}

/* Every record of every input (none: standard input) to fn; returns
 * EXIT_USAGE if an input could not be opened, else EXIT_OK. */
static int each_record(char **files, int nfiles, void (*fn)(struct stream *s, void *ctx), void *ctx) {
  int status = EXIT_OK;
  for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
    const char *file = nfiles ? files[i] : "-";
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!f) {
      fprintf(stderr, "%s: cannot open '%s'\n", prog, file);
      status = EXIT_USAGE;
      continue;
    }
    struct stream s;
    stream_init(&s, f);
    s.max = max_record;
    while (stream_next(&s)) fn(&s, ctx);
    if (s.failed) fprintf(stderr, "%s: %s: out of memory reading the input\n", prog, file);
    stream_free(&s);
    if (f != stdin) fclose(f);
  }
  return status;
}

struct diff_run { struct diff *d; tier_vm *vo, *vn; int64_t asof; long record; };

static void diff_one(struct stream *s, void *ctx) {
  struct diff_run *x = ctx;
  x->record++;
  if (s->err[0]) { diff_error(x->d, x->record, NULL, "both", s->err, NULL); return; }
  const tier_result *a, *b;
  if (eval_under(x->vo, s, x->asof, &a) != TIER_OK) {
    diff_error(x->d, x->record, x->vo->res.id, "old", x->vo->err, tier_vm_error_path(x->vo));
    return;
  }
  if (eval_under(x->vn, s, x->asof, &b) != TIER_OK) {
    diff_error(x->d, x->record, x->vn->res.id, "new", x->vn->err, tier_vm_error_path(x->vn));
    return;
  }
  diff_add(x->d, a, b);
}

struct report_run { struct report *rep; struct diff *d; tier_vm *vm, *vo; int64_t asof; long record; };

static void report_one(struct stream *s, void *ctx) {
  struct report_run *x = ctx;
  x->record++;
  const tier_result *a, *b;
  if (s->err[0] || eval_under(x->vm, s, x->asof, &a) != TIER_OK) {
    x->rep->errors++;
    fprintf(stderr, "%s: record %ld: %s\n", prog, x->record, s->err[0] ? s->err : x->vm->err);
    return;
  }
  report_add(x->rep, a);
  if (!x->vo) return;
  if (eval_under(x->vo, s, x->asof, &b) != TIER_OK) diff_error(x->d, x->record, x->vo->res.id, "old", x->vo->err, tier_vm_error_path(x->vo));
  else diff_add(x->d, b, a);
}

static int cmd_diff(int argc, char **argv) {
  static const struct option lo[] = {{"format", required_argument, 0, 'f'}, {"as-of", required_argument, 0, 'a'},
                                     {"trust", required_argument, 0, 't'}, {"import-path", required_argument, 0, 'I'}, {"max-record", required_argument, 0, 'R'},  {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  uint8_t trust[32];
  int fmt = FMT_TEXT, c;
  int64_t asof = TIER_NONE;
  optind = 1;
  while ((c = getopt_long(argc, argv, "f:h", lo, NULL)) != -1) {
    switch (c) {
    case 'f':
      if (!strcmp(optarg, "json")) fmt = FMT_JSON;
      else if (!strcmp(optarg, "text")) fmt = FMT_TEXT;
      else {
        fprintf(stderr, "%s diff: unknown format '%s' (text or json)\n", prog, optarg);
        return EXIT_USAGE;
      }
      break;
    case 'a': case 't': case 'I': case 'R':
      if (shared_option(c, optarg, &asof, &opt, trust) < 0) return EXIT_USAGE;
      break;
    case 'h': usage(stdout); return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (argc - optind < 2) {
    fprintf(stderr, "%s diff: needs OLD and NEW rulesets\n", prog);
    return EXIT_USAGE;
  }
  const char *op = argv[optind], *np = argv[optind + 1];
  int status = EXIT_OK;
  tier_ruleset *ro = cli_load_ruleset(prog, op, &opt, &status);
  if (!ro) return status;
  tier_ruleset *rn = cli_load_ruleset(prog, np, &opt, &status);
  if (!rn) { tier_ruleset_free(ro); return status; }
  tier_vm *vo = tier_vm_new(ro, NULL), *vn = tier_vm_new(rn, NULL);
  struct diff d;
  diff_init(&d, ro, rn, op, np);
  struct diff_run x = {&d, vo, vn, asof, 0};
  if (vo && vn) status = each_record(argv + optind + 2, argc - optind - 2, diff_one, &x);
  struct buf out = {0};
  diff_render(&d, fmt, &out);
  fwrite(out.p, 1, out.n, stdout);
  buf_free(&out);
  diff_free(&d);
  tier_vm_free(vo);
  tier_vm_free(vn);
  tier_ruleset_free(ro);
  tier_ruleset_free(rn);
  if (status == EXIT_OK && d.errors) status = EXIT_RECORDS;
  return status;
}

static int cmd_report(int argc, char **argv) {
  static const struct option lo[] = {{"output", required_argument, 0, 'o'}, {"as-of", required_argument, 0, 'a'},
                                     {"diff", required_argument, 0, 'd'},   {"trust", required_argument, 0, 't'}, {"import-path", required_argument, 0, 'I'}, {"max-record", required_argument, 0, 'R'},
                                     {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  uint8_t trust[32];
  const char *out_path = NULL, *old_path = NULL;
  int64_t asof = TIER_NONE;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
    switch (c) {
    case 'o': out_path = optarg; break;
    case 'd': old_path = optarg; break;
    case 'a': case 't': case 'I': case 'R':
      if (shared_option(c, optarg, &asof, &opt, trust) < 0) return EXIT_USAGE;
      break;
    case 'h': usage(stdout); return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "%s report: missing RULESET\n", prog);
    return EXIT_USAGE;
  }
  const char *rules = argv[optind];
  int status = EXIT_OK;
  tier_ruleset *rs = cli_load_ruleset(prog, rules, &opt, &status), *ro = NULL;
  if (!rs) return status;
  if (old_path && !(ro = cli_load_ruleset(prog, old_path, &opt, &status))) {
    tier_ruleset_free(rs);
    return status;
  }
  tier_vm *vm = tier_vm_new(rs, NULL), *vo = ro ? tier_vm_new(ro, NULL) : NULL;
  struct report rep;
  struct diff d;
  if (report_init(&rep, rs, rules) != 0 || !vm || (ro && !vo)) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return EXIT_USAGE;
  }
  if (ro) {
    diff_init(&d, ro, rs, old_path, rules);
    rep.diff = &d;
  }
  struct report_run x = {&rep, ro ? &d : NULL, vm, vo, asof, 0};
  status = each_record(argv + optind + 1, argc - optind - 1, report_one, &x);
  struct buf out = {0};
  report_html(&rep, &out);
  if (out.failed) {
    fprintf(stderr, "%s: out of memory\n", prog);
    status = EXIT_USAGE;
  } else if (out_path) {
    FILE *f = fopen(out_path, "wb");
    if (!f || fwrite(out.p, 1, out.n, f) != out.n || fclose(f) != 0) {
      fprintf(stderr, "%s: cannot write '%s'\n", prog, out_path);
      status = EXIT_USAGE;
    } else {
      fprintf(stderr, "%s: %ld partners -> %s\n", prog, rep.partners, out_path);
    }
  } else {
    fwrite(out.p, 1, out.n, stdout);
  }
  buf_free(&out);
  if (ro) diff_free(&d);
  report_free(&rep);
  tier_vm_free(vm);
  tier_vm_free(vo);
  tier_ruleset_free(rs);
  tier_ruleset_free(ro);
  if (status == EXIT_OK && rep.errors) status = EXIT_RECORDS;
  return status;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
    usage(stdout);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
    printf("tiervm %s\n", TIER_VERSION);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "eval")) return cmd_eval(argc - 1, argv + 1, false);
  if (!strcmp(cmd, "explain")) return cmd_eval(argc - 1, argv + 1, true);
  if (!strcmp(cmd, "diff")) return cmd_diff(argc - 1, argv + 1);
  if (!strcmp(cmd, "report")) return cmd_report(argc - 1, argv + 1);
  fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
  usage(stderr);
  return EXIT_USAGE;
}
