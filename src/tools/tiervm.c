/*
 * tiervm.c - the runner's command line: parses options and streams records
 * through the library.  See tiervm(1) (docs/man/tiervm.1).
 *
 * Each command reads its inputs with each_record (tier_input), evaluates
 * every record with tier_eval_json under one ruleset (eval, explain,
 * report) or two (diff, report --diff), and hands the results to a
 * renderer: output.c and explain.c print each result as it comes; diff.c
 * and report.c gather them and print once the inputs are read.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "par.h"
#include "report.h"

static const char *prog = "tiervm";
static size_t max_record; /* --max-record; 0: TIER_MAX_RECORD */

static void usage(FILE *f) {
  fputs(_("usage: tiervm eval [options] RULESET [PROFILES...]\n"
          "       tiervm explain [options] RULESET [PROFILES...] [--id ID]\n"
          "       tiervm diff [options] OLD NEW [PROFILES...]\n"
          "       tiervm report [options] RULESET [PROFILES...] -o report.html [--diff OLD]\n"
          "\n"
          "eval: evaluate partner profiles against a ruleset and print each partner's\n"
          "tier, the next tier and the smallest change that reaches it.\n"
          "explain: one partner (the first, or --id ID), every requirement of every\n"
          "tier of its type, met or not, with its value and where the rule is written.\n"
          "diff: the impact of a rule change: every partner under OLD and NEW rules,\n"
          "who moves up or down and which requirements move them (tiers matched by\n"
          "name, or by their place in the ladder when renamed).\n"
          "report: one self-contained HTML page: a summary (partners per tier and\n"
          "per badge), what blocks the next tier and how far partners are, the\n"
          "partners closest to moving up, which path they take where a tier has\n"
          "several, and with --diff OLD the rule change and its impact.\n"
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
          "  -j, --jobs N        eval, diff, report: evaluate on N threads (default: the\n"
          "                      processors online); the output is the same as with -j 1\n"
          "      --id ID         explain: the partner whose id is ID\n"
          "  -o, --output FILE   report: where to write the page ('-' or none: standard output)\n"
          "      --diff OLD      report: add the impact of the change from the OLD ruleset\n"
          "      --trust KEY.pub accept only a ruleset signed with this key (tierc sign);\n"
          "                      repeated: signed with any one of the keys\n"
          "      --max-cost N    refuse a record whose evaluation could take more than N\n"
          "                      steps (default: no limit)\n"
          "      --max-record N  the longest record, in bytes: a JSON Lines line or an array\n"
          "                      element (default 64 MiB); a longer one is an error line\n"
          "      --import-path DIR  a .tier ruleset's imports may also come from DIR's tree\n"
          "      --strict        a record key the rules do not declare is an error (default:\n"
          "                      passed over, and one warning at the end names each)\n"
          "  -h, --help          show this help\n"
          "  -V, --version       show the version\n"
          "\n"
          "exit status: 0 all records evaluated; 1 some records rejected (the others were\n"
          "evaluated); 2 usage error; 3 ruleset rejected\n"),
        f);
}

/* ---- reading the inputs ------------------------------------------------------------ */

/* A command's part in reading: what to do with each record (false: stop
 * reading), and what to do before a message goes to standard error (so
 * that it follows the output written so far; may be NULL). */
struct reader {
  bool (*record)(const struct rec *r, void *ctx);
  void (*before_message)(void *ctx);
  void *ctx;
};

static void before_message(const struct reader *rd) {
  if (rd->before_message) rd->before_message(rd->ctx);
}

/* The records of one open input, in order, until rd->record says stop.
 * Returns false when it stopped reading. */
static bool read_input(FILE *f, const char *file, const struct reader *rd, int *status) {
  tier_options opt = {.max_record = max_record};
  tier_input *in = tier_input_new(f, &opt);
  bool go = in != NULL;
  struct rec r = {.file = file, .in = in};
  while (go && tier_input_next(in, &r.text, &r.len, &r.line, &r.col)) {
    r.err = tier_input_error(in);
    go = rd->record(&r, rd->ctx);
  }
  if (!in || tier_input_status(in) == TIER_ENOMEM) {
    before_message(rd);
    fprintf(stderr, _("%s: %s: out of memory reading the input\n"), prog, file);
    *status = EXIT_RECORDS;
  }
  if (ferror(f)) {
    before_message(rd);
    fprintf(stderr, _("%s: cannot read '%s': %s\n"), prog, file, strerror(errno));
    *status = EXIT_USAGE;
  }
  tier_input_free(in);
  return go;
}

/* Every record of every input (none: standard input) to rd, until it says
 * stop.  Returns EXIT_OK, EXIT_USAGE when an input could not be opened or
 * read, EXIT_RECORDS when a record did not fit in memory. */
static int each_record(char **files, int nfiles, const struct reader *rd) {
  int status = EXIT_OK;
  bool go = true;
  for (int i = 0; go && i < (nfiles ? nfiles : 1); i++) {
    const char *file = nfiles ? files[i] : "-";
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!f) {
      int e = errno; /* before_message writes */
      before_message(rd);
      fprintf(stderr, _("%s: cannot open '%s': %s\n"), prog, file, strerror(e));
      status = EXIT_USAGE;
      continue;
    }
    if (f == stdin && isatty(STDIN_FILENO)) /* not a silent wait */
      fprintf(stderr,
              _("%s: reading partner records from the terminal: type one JSON object a line and end with Ctrl-D, "
                "or name a file of records after the ruleset\n"),
              prog);
    go = read_input(f, file, rd, &status);
    if (f != stdin) fclose(f);
  }
  return status;
}

/* Evaluate one record under vm: tier_eval_json, with the record's place in
 * its input so that a malformed record's error names the input's line. */
static int eval_rec(tier_vm *vm, const struct rec *r, int64_t asof, const tier_result **res) {
  tier_vm_set_origin(vm, r->line, r->col);
  return tier_eval_json(vm, r->text, r->len, asof, res);
}

/* The second of two evaluations of one record (diff, report --diff): the
 * record the first VM has just read when the two share a reader
 * (tier_vm_share_reader: the same schema), else its text read again. */
static int eval_again(tier_vm *vm, bool shared, const struct rec *r, int64_t asof, const tier_result **res) {
  return shared ? tier_eval_read(vm, asof, res) : eval_rec(vm, r, asof, res);
}

/* The message for a rejected record: the library's, and for a record over
 * the cost budget the option that set it, written into why (a worker's,
 * so sized by the message: no length is assumed of the library's). */
static const char *rejection(tier_vm *vm, int rc, tier_buf *why) {
  if (rc == TIER_ENOMEM) return _("out of memory");
  if (rc != TIER_EBUDGET) return tier_vm_error(vm);
  tier_buf_clear(why);
  tier_buf_printf(why, _("%s (--max-cost)"), tier_vm_error(vm));
  const char *t = tier_buf_text(why, NULL);
  return t ? t : tier_vm_error(vm); /* out of memory: without the note */
}

/* ---- eval and explain ---------------------------------------------------------------- */

/* What evaluates and renders records: one per thread (-j). */
struct worker {
  tier_vm *vm;
  struct out o;        /* the renderer */
  long errors;         /* records rejected */
  tier_buf *why, *msg; /* a rejected record's message (rejection), and it after its file's name */
};

struct run {
  tier_ruleset *rs;
  struct worker w; /* the main thread's */
  int fmt;
  size_t width; /* the table's width: a terminal's (cli_table_width), 0 for none */
  bool explain;
  int64_t asof;
  uint64_t max_cost;
  bool strict_fields; /* --strict */
  int jobs;           /* -j: threads evaluating records */
  long record;
  tier_buf *out;   /* output not yet written */
  bool out_failed; /* some output was lost: out of memory */
  bool many_inputs;
  bool explain_cmd;
  const char *want_id; /* explain: the partner to find (NULL: the first) */
  bool done;           /* explain: found and printed */
  struct par *par;     /* -j 2 or more: the threads */
};

/* Write the output gathered so far when there is much of it (or force). */
static void flush(struct run *r, bool force) {
  size_t n = tier_buf_len(r->out);
  if (n < 65536 && !(force && n)) return;
  const char *t = tier_buf_text(r->out, &n);
  if (t) fwrite(t, 1, n, stdout);
  else r->out_failed = true;
  tier_buf_clear(r->out);
}

/* Before a message on standard error: every result so far is written,
 * out of stdio's buffer too, so that the message follows them. */
static void flush_now(void *ctx) {
  struct run *r = ctx;
  if (r->par) par_drain(r->par, stdout);
  flush(r, true);
  fflush(stdout);
}

/* A rejected record's error line; with several inputs, the message names
 * the file, since record numbers run on across them. */
static void record_error(const struct run *r, struct worker *w, tier_buf *out, long record, const char *file, const char *id,
                         const char *err, const char *path) {
  w->errors++;
  if (r->many_inputs && file) {
    tier_buf_clear(w->msg);
    tier_buf_printf(w->msg, "%s: %s", file, err);
    const char *msg = tier_buf_text(w->msg, NULL);
    out_error(&w->o, out, record, id, msg ? msg : err, path);
  } else {
    out_error(&w->o, out, record, id, err, path);
  }
}

/* explain: the next tier's `sustained N months` month by month, the
 * partner evaluated again at each of its monthly checkpoints, oldest
 * first (out_checkpoint); res is the partner's result, which the first of
 * those evaluations replaces. */
static void explain_months(struct worker *w, tier_buf *out, const struct rec *rec, const tier_result *res) {
  tier_info T;
  int next = res->next_index;
  if (next < 0 || tier_ruleset_tier(w->o.rs, (size_t)next, &T) != TIER_OK || T.time != TIER_TIME_SUSTAINED) return;
  int64_t asof = res->asof;
  out_months_head(&w->o, out, next, T.sustained);
  for (unsigned k = T.sustained + 1; k-- > 0;) {
    int64_t d = tier_checkpoint(TIER_TIME_SUSTAINED, T.sustained, asof, k);
    const tier_result *at;
    if (d != TIER_NO_DATE && eval_rec(w->vm, rec, d, &at) == TIER_OK) out_checkpoint(&w->o, out, at, next);
  }
}

/* A record's line (or lines) of output: its result, or its error. */
static void render_one(const struct run *r, struct worker *w, tier_buf *out, const struct rec *rec, long record, int rc,
                       const tier_result *res) {
  if (rc == TIER_OK) {
    out_count(&w->o, res);
    if (r->fmt == FMT_TEXT) out_explain(&w->o, out, res);
    else out_result(&w->o, out, res);
    if (r->fmt == FMT_TEXT) explain_months(w, out, rec, res); /* last: it evaluates the partner again */
  } else {
    record_error(r, w, out, record, rec->file, tier_vm_record_id(w->vm), rejection(w->vm, rc, w->why), tier_vm_error_path(w->vm));
  }
}

/* One record: its result or its error line.  explain takes one partner,
 * the first or the one with the id asked for, and then stops. */
static bool run_one(const struct rec *rec, void *ctx) {
  struct run *r = ctx;
  r->record++;
  if (!rec->text) {
    record_error(r, &r->w, r->out, r->record, rec->file, NULL, rec->err, NULL);
    return true;
  }
  const tier_result *res;
  int rc = eval_rec(r->w.vm, rec, r->asof, &res);
  const char *id = tier_vm_record_id(r->w.vm);
  if (r->explain_cmd) {
    if (r->want_id && !(id && strcmp(id, r->want_id) == 0)) {
      r->record--;
      return true;
    }
    r->done = true;
  }
  render_one(r, &r->w, r->out, rec, r->record, rc, res);
  flush(r, false);
  return !r->done && !ferror(stdout); /* output that cannot be written: stop (cli_finish says so) */
}

/* ---- eval on several threads (-j): see par.h ---- */

#define MAX_JOBS 256

/* -j's default: the processors online. */
static int default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (int)n;
}

/* -j N into *jobs; false (said why) when N is not a number of threads. */
static bool jobs_option(const char *arg, int *jobs) {
  uint64_t v;
  if (!cli_number(prog, "--jobs", arg, 1, MAX_JOBS, &v)) return false;
  *jobs = (int)v;
  return true;
}

/* A worker's VM and renderer, made as the main thread's are. */
static int worker_init(const struct run *r, struct worker *w) {
  tier_options vmopt = {.all_requirements = r->explain, .max_cost = r->max_cost, .strict_fields = r->strict_fields};
  memset(w, 0, sizeof *w);
  w->vm = tier_vm_new(r->rs, &vmopt);
  w->why = tier_buf_new(NULL);
  w->msg = tier_buf_new(NULL);
  return !w->vm || !w->why || !w->msg || out_init(&w->o, r->fmt, r->explain, r->rs, r->width) != 0 ? -1 : 0;
}

static void worker_fini(struct worker *w) {
  out_free(&w->o);
  tier_vm_free(w->vm);
  tier_buf_free(w->why);
  tier_buf_free(w->msg);
}

struct eval_worker {
  const struct run *r;
  struct worker w;
};

static void *par_make(void *ctx) {
  struct eval_worker *pw = calloc(1, sizeof *pw);
  if (!pw) return NULL;
  pw->r = ctx;
  if (worker_init(pw->r, &pw->w) != 0) {
    worker_fini(&pw->w);
    free(pw);
    return NULL;
  }
  return pw;
}

static void par_drop(void *w) {
  worker_fini(&((struct eval_worker *)w)->w);
  free(w);
}

static void par_one(void *w, const struct rec *rec, long record, tier_buf *out) {
  struct eval_worker *pw = w;
  if (!rec->text) {
    record_error(pw->r, &pw->w, out, record, rec->file, NULL, rec->err, NULL);
    return;
  }
  const tier_result *res;
  /* numbered, so that it hands on the record's undeclared keys, counted
   * on the main thread in input order as -j 1 counts them (eval_side) */
  tier_vm_number_record(pw->w.vm, (uint64_t)record);
  int rc = eval_rec(pw->w.vm, rec, pw->r->asof, &res);
  tier_vm_unknown_take(pw->w.vm, rec->side); /* out of memory: the batch says so (par_failed) */
  render_one(pw->r, &pw->w, out, rec, record, rc, res);
}

/* The workers' frames of undeclared keys, in input order, into the main
 * VM's tally: the warning is -j 1's word for word. */
static void eval_side(void *ctx, const char *s, size_t n) {
  struct run *r = ctx;
  for (size_t used; n && (used = tier_vm_unknown_add(r->w.vm, s, n)) != 0; s += used, n -= used) {}
}

static const struct par_ops eval_par_ops = {par_make, par_drop, par_one, NULL, eval_side};

/* One record handed on to the threads, numbered in input order. */
static bool run_par(const struct rec *rec, void *ctx) {
  struct run *r = ctx;
  if (!par_add(r->par, rec, ++r->record, stdout)) r->out_failed = true;
  return !ferror(stdout); /* output that cannot be written: stop (cli_finish says so) */
}

/* The options eval, explain, diff and report share: --as-of, --trust,
 * --import-path, --max-record and --strict.  Returns 1 when c was one of them, 0
 * otherwise, or minus the exit status for a bad value. */
static int shared_option(int c, const char *arg, int64_t *asof, tier_options *opt) {
  switch (c) {
  case 'a':
    if (tier_date_parse(arg, asof) != 0) {
      fprintf(stderr, _("%s: --as-of '%s' is not a date (YYYY-MM-DD)\n"), prog, arg);
      return -EXIT_USAGE;
    }
    return 1;
  case 't': {
    int rc = cli_trust_key(prog, opt, arg);
    return rc == EXIT_OK ? 1 : -rc;
  }
  case 'I': return cli_import_path(prog, opt, arg) ? 1 : -EXIT_USAGE;
  case 'R': {
    uint64_t v;
    if (!cli_number(prog, "--max-record", arg, 2, (uint64_t)1 << 40, &v)) return -EXIT_USAGE;
    max_record = (size_t)v;
    return 1;
  }
  case 'S': opt->strict_fields = 1; return 1;
  }
  return 0;
}

/* Signatures are reported; with --trust they were also required. */
static void report_signature(const tier_ruleset *rs, bool trusted) {
  uint8_t pub[32];
  char fp[17];
  if (!tier_ruleset_signer(rs, pub)) return;
  cli_fingerprint(pub, fp);
  if (trusted) fprintf(stderr, _("%s: ruleset signed by key %s (trusted)\n"), prog, fp);
  else fprintf(stderr, _("%s: ruleset signed by key %s (not checked against a trusted key: use --trust)\n"), prog, fp);
}

/* eval's and explain's options into r (and opt).
 * Returns -1 to go on, else the exit status. */
static int eval_options(int argc, char **argv, bool explain_cmd, struct run *r, tier_options *opt) {
  static const struct option lo[] = {
      {"format", required_argument, 0, 'f'},     {"as-of", required_argument, 0, 'a'}, {"explain", no_argument, 0, 'e'},
      {"max-cost", required_argument, 0, 'c'},   {"trust", required_argument, 0, 't'}, {"import-path", required_argument, 0, 'I'},
      {"max-record", required_argument, 0, 'R'}, {"strict", no_argument, 0, 'S'},      {"help", no_argument, 0, 'h'},
      {"id", required_argument, 0, 'i'},         {"jobs", required_argument, 0, 'j'},  {0, 0, 0, 0}};
  int c;
  bool jobs_given = false;
  optind = 1;
  while ((c = getopt_long(argc, argv, "f:ehj:", lo, NULL)) != -1) {
    switch (c) {
    case 'f':
      if (!strcmp(optarg, "json")) r->fmt = FMT_JSON;
      else if (!strcmp(optarg, "table")) r->fmt = FMT_TABLE;
      else if (!strcmp(optarg, "csv")) r->fmt = FMT_CSV;
      else if (!strcmp(optarg, "text")) r->fmt = FMT_TEXT;
      else {
        fprintf(stderr, _("%s: unknown format '%s' (json, table or csv)\n"), prog, optarg);
        return EXIT_USAGE;
      }
      break;
    case 'a':
    case 't':
    case 'I':
    case 'R':
    case 'S': {
      int so = shared_option(c, optarg, &r->asof, opt);
      if (so < 0) return -so;
      break;
    }
    case 'e': r->explain = true; break;
    case 'i': r->want_id = optarg; break;
    case 'c':
      if (!cli_number(prog, "--max-cost", optarg, 1, UINT64_MAX, &r->max_cost)) return EXIT_USAGE;
      break;
    case 'j':
      if (!jobs_option(optarg, &r->jobs)) return EXIT_USAGE;
      jobs_given = true;
      break;
    case 'h': usage(stdout); return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  if (explain_cmd ? r->fmt != FMT_TEXT && r->fmt != FMT_JSON : r->fmt == FMT_TEXT) {
    fprintf(stderr, _("%s: --format %s does not apply to %s\n"), prog,
            r->fmt == FMT_TEXT      ? "text"
                : r->fmt == FMT_CSV ? "csv"
                                    : "table",
            explain_cmd ? "explain" : "eval");
    return EXIT_USAGE;
  }
  if (r->want_id && !explain_cmd) {
    fprintf(stderr, _("%s: --id applies to explain\n"), prog);
    return EXIT_USAGE;
  }
  if (jobs_given && explain_cmd) {
    fprintf(stderr, _("%s: --jobs applies to eval\n"), prog);
    return EXIT_USAGE;
  }
  if (optind >= argc) { /* no PROFILES: standard input, for explain as for eval */
    fprintf(stderr, _("%s %s: missing %s\n"), prog, explain_cmd ? "explain" : "eval", "RULESET");
    usage(stderr);
    return EXIT_USAGE;
  }
  r->explain_cmd = explain_cmd;
  r->explain = r->explain || explain_cmd;
  return -1;
}

/* The ruleset, its VM (with the budget and, for --explain, every
 * requirement in the results) and the renderer.  0, or the exit status. */
static int eval_setup(struct run *r, const char *rules, const tier_options *opt) {
  int status = EXIT_OK;
  r->rs = cli_load_ruleset(prog, rules, opt, &status);
  if (!r->rs) return status;
  report_signature(r->rs, opt->ntrust_keys > 0);
  cli_warn_today(prog, r->rs, rules, r->asof);
  r->strict_fields = opt->strict_fields;
  r->width = r->fmt == FMT_TABLE ? cli_table_width() : 0;
  r->out = tier_buf_new(NULL);
  if (worker_init(r, &r->w) != 0 || !r->out || (r->jobs > 1 && !(r->par = par_new(r->jobs, &eval_par_ops, r)))) {
    fprintf(stderr, _("%s: out of memory\n"), prog);
    return EXIT_RULESET;
  }
  /* -j N writes a batch's output at a time, about 25 KB: through a 64 KiB
   * buffer it goes to the kernel 64 KiB a call (the benchmark's 16 MB of
   * results: 1,260 calls, 240 so; docs/design-notes.md, "Fewer calls") */
  static char out_buf[1 << 16];
  if (r->par && !isatty(STDOUT_FILENO)) setvbuf(stdout, out_buf, _IOFBF, sizeof out_buf);
  return EXIT_OK;
}

static int cmd_eval(int argc, char **argv, bool explain_cmd) {
  struct run r;
  memset(&r, 0, sizeof r);
  r.asof = TIER_NO_DATE;
  r.fmt = explain_cmd ? FMT_TEXT : isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_JSON;
  r.jobs = explain_cmd ? 1 : default_jobs();
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  int status = eval_options(argc, argv, explain_cmd, &r, &opt);
  if (status >= 0) return status;
  status = eval_setup(&r, argv[optind], &opt);
  if (status == EXIT_OK) {
    if (!explain_cmd) out_header(&r.w.o, r.out);
    flush(&r, true);
    int ninputs = argc - optind - 1;
    r.many_inputs = ninputs > 1;
    struct reader rd = {r.par ? run_par : run_one, flush_now, &r};
    status = each_record(argv + optind + 1, ninputs, &rd);
    flush_now(&r);
    if (r.par && par_failed(r.par)) r.out_failed = true;
    for (int i = 0; r.par && i < r.jobs; i++) {
      const struct worker *w = &((struct eval_worker *)par_worker(r.par, i))->w;
      r.w.errors += w->errors;
      out_merge(&r.w.o, &w->o); /* the undeclared keys came in order: eval_side */
    }
    if (r.fmt == FMT_TABLE) { /* the table ends with its summary */
      out_summary(&r.w.o, r.out, r.w.errors);
      flush(&r, true);
    }
    cli_warn_unknown(prog, r.w.vm, argv[optind]);
    if (r.out_failed) fprintf(stderr, _("%s: out of memory writing output\n"), prog);
    if (explain_cmd && !r.done) {
      if (r.want_id) fprintf(stderr, _("%s explain: no partner with id '%s'\n"), prog, r.want_id);
      else fprintf(stderr, _("%s explain: no partner in the input\n"), prog);
      status = EXIT_RECORDS;
    }
  }
  par_free(r.par, stdout);
  worker_fini(&r.w);
  tier_buf_free(r.out);
  tier_ruleset_free(r.rs);
  fflush(stdout);
  if (status != EXIT_OK) return status;
  return r.w.errors ? EXIT_RECORDS : EXIT_OK;
}

/* ---- diff and report: records as events ------------------------------------------------
 *
 * diff and report gather figures over every record and print them once the
 * inputs are read.  A worker (the command's par_ops: VMs and its own part
 * of the figures) turns each record into an event, what it adds to the
 * figures (diff.h, report.h), and the events are applied to the one set of
 * figures in input order (ops->write), on the main thread.  With -j 1 the
 * main thread's worker does the same, so every -j takes one path and gives
 * the same bytes. */
struct events {
  const struct par_ops *ops; /* the command's worker */
  void *ctx;                 /* the command's run: ops->make's and ops->write's */
  int jobs;                  /* -j */
  void *w;                   /* the main thread's worker */
  tier_buf *ev;              /* -j 1: the event of the record at hand */
  bool lost;                 /* an event lost: out of memory */
  long record;               /* records read */
  struct par *par;           /* -j 2 or more: the threads */
};

/* 0, or -1 when out of memory (events_free in either case). */
static int events_init(struct events *e, const struct par_ops *ops, void *ctx, int jobs) {
  *e = (struct events){.ops = ops, .ctx = ctx, .jobs = jobs};
  if (!(e->w = ops->make(ctx)) || !(e->ev = tier_buf_new(NULL))) return -1;
  if (jobs > 1 && !(e->par = par_new(jobs, ops, ctx))) return -1;
  return 0;
}

/* The reader's part: a record evaluated here (-j 1) or handed on. */
static bool events_one(const struct rec *rec, void *ctx) {
  struct events *e = ctx;
  e->record++;
  if (e->par) {
    if (!par_add(e->par, rec, e->record, NULL)) e->lost = true;
    return true;
  }
  e->ops->one(e->w, rec, e->record, e->ev);
  size_t n;
  const char *t = tier_buf_text(e->ev, &n);
  if (t) e->ops->write(e->ctx, t, n);
  else e->lost = true;
  tier_buf_clear(e->ev);
  return true;
}

/* Every event so far applied: before a message on standard error, and
 * once the inputs are read. */
static void events_drain(void *ctx) {
  struct events *e = ctx;
  if (e->par) par_drain(e->par, NULL);
}

/* Read every record into events; then the threads' workers, for the
 * command to gather the unknown fields they met.  Returns each_record's. */
static int events_read(struct events *e, char **files, int nfiles) {
  struct reader rd = {events_one, events_drain, e};
  int status = each_record(files, nfiles, &rd);
  events_drain(e);
  if (e->par && par_failed(e->par)) e->lost = true;
  return status;
}

static void events_free(struct events *e) {
  par_free(e->par, NULL);
  if (e->w) e->ops->drop(e->w);
  tier_buf_free(e->ev);
}

/* ---- the VMs of a worker ---- */

/* What one worker of tiervm diff, or of tiervm report --diff, evaluates a
 * record with: a VM of the new rules and one of the old rules, and a diff
 * of its own that writes each record as an event (diff.h), and where a
 * rejected record's message is made.  Without old rules (a report without
 * --diff): the new rules' VM alone. */
struct vm_pair {
  tier_vm *vo, *vn;
  struct diff d;
  tier_buf *why; /* a rejected record's message (rejection) */
};

static void vm_pair_free(struct vm_pair *p) {
  tier_vm_free(p->vo);
  tier_vm_free(p->vn);
  diff_free(&p->d);
  tier_buf_free(p->why);
}

/* On a worker (side: the record's side buffer, NULL with -j 1): the
 * undeclared keys of the record each VM has just read and accepted, each
 * frame after a tag, 'o' (p->vo) or 'n' (p->vn); p->why is the scratch. */
static void vm_pair_take(struct vm_pair *p, tier_buf *side) {
  tier_vm *vm[2] = {p->vo, p->vn};
  for (int i = 0; side && i < 2; i++) {
    size_t n;
    const char *t;
    tier_buf_clear(p->why);
    if (!vm[i] || tier_vm_unknown_take(vm[i], p->why) != TIER_OK || !(t = tier_buf_text(p->why, &n)) || !n) continue;
    tier_buf_putc(side, i ? 'n' : 'o');
    tier_buf_put(side, t, n);
  }
}

/* On the main thread, in input order: the workers' frames (vm_pair_take)
 * counted in its own VMs, so that the warnings are -j 1's word for word. */
static void vm_pair_side(struct vm_pair *p, const char *s, size_t n) {
  while (n > 1) {
    tier_vm *vm = s[0] == 'o' ? p->vo : p->vn;
    size_t used = vm ? tier_vm_unknown_add(vm, s + 1, n - 1) : 0;
    if (!used) return;
    s += used + 1;
    n -= used + 1;
  }
}

/* The VMs of rules ro (NULL for none; at path op) and rn (at np), with
 * options oo and on: 0, or -1 when out of memory (vm_pair_free either way). */
static int vm_pair_init(struct vm_pair *p, const tier_ruleset *ro, const tier_options *oo, const char *op, const tier_ruleset *rn,
                        const tier_options *on, const char *np) {
  memset(p, 0, sizeof *p);
  p->vn = tier_vm_new(rn, on);
  p->why = tier_buf_new(NULL);
  if (!p->vn || !p->why) return -1;
  if (!ro) return 0;
  p->vo = tier_vm_new(ro, oo);
  return p->vo && diff_init(&p->d, ro, rn, op, np) == 0 ? 0 : -1;
}

/* ---- diff ---- */

struct diff_run;

/* What evaluates records for tiervm diff, one per thread. */
struct diff_worker {
  const struct diff_run *x;
  struct vm_pair p;
  bool shared; /* p.vn evaluates the records p.vo reads */
};

struct diff_run {
  const tier_ruleset *ro, *rn; /* the old and the new rules */
  const char *op, *np;         /* their paths */
  tier_options vmopt;          /* their VMs' */
  int64_t asof;                /* --as-of */
  int jobs;                    /* -j */
  struct diff d;               /* the figures rendered */
  struct events e;             /* the records, as events into d */
};

static void diff_worker_free(void *arg) {
  struct diff_worker *w = arg;
  if (!w) return;
  vm_pair_free(&w->p);
  free(w);
}

static void *diff_worker_new(void *ctx) {
  const struct diff_run *x = ctx;
  struct diff_worker *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  if (vm_pair_init(&w->p, x->ro, &x->vmopt, x->op, x->rn, &x->vmopt, x->np) != 0) {
    diff_worker_free(w);
    return NULL;
  }
  w->x = x;
  w->shared = tier_vm_share_reader(w->p.vn, w->p.vo);
  return w;
}

/* One record under the old and the new rules, as an event in ev; rejected
 * by either, it is an error line and stays out of the figures. */
static void diff_event(void *arg, const struct rec *rec, long record, tier_buf *ev) {
  struct diff_worker *w = arg;
  struct vm_pair *p = &w->p;
  int64_t asof = w->x->asof;
  if (!rec->text) {
    diff_error_event(&p->d, record, NULL, "both", rec->err, NULL, ev);
    return;
  }
  /* numbered, so that they hand on the record's undeclared keys, counted
   * on the main thread in input order as -j 1 counts them (vm_pair_side) */
  tier_vm_number_record(p->vo, (uint64_t)record);
  tier_vm_number_record(p->vn, (uint64_t)record);
  const tier_result *a, *b;
  tier_vm *bad = p->vo;
  int rc = eval_rec(p->vo, rec, asof, &a);
  if (rc == TIER_OK && (rc = eval_again(bad = p->vn, w->shared, rec, asof, &b)) == TIER_OK) {
    diff_add_event(&p->d, a, b, ev, NULL);
    vm_pair_take(p, rec->side);
    return;
  }
  vm_pair_take(p, rec->side);
  diff_error_event(&p->d, record, tier_vm_record_id(bad), bad == p->vo ? "old" : "new", rejection(bad, rc, p->why),
                   tier_vm_error_path(bad), ev);
}

/* A run of events, in input order, to the diff that is rendered. */
static void diff_take(void *ctx, const char *ev, size_t n) {
  struct diff_run *x = ctx;
  diff_apply(&x->d, ev, n);
}

static void diff_keys(void *ctx, const char *s, size_t n) {
  vm_pair_side(&((struct diff_worker *)((struct diff_run *)ctx)->e.w)->p, s, n);
}

static const struct par_ops diff_par_ops = {diff_worker_new, diff_worker_free, diff_event, diff_take, diff_keys};

/* tiervm diff's options.  Returns -1 to go on, else the exit status. */
static int diff_options(int argc, char **argv, int *fmt, int *jobs, int64_t *asof, tier_options *opt) {
  static const struct option lo[] = {{"format", required_argument, 0, 'f'},
                                     {"jobs", required_argument, 0, 'j'},
                                     {"as-of", required_argument, 0, 'a'},
                                     {"trust", required_argument, 0, 't'},
                                     {"import-path", required_argument, 0, 'I'},
                                     {"max-record", required_argument, 0, 'R'},
                                     {"strict", no_argument, 0, 'S'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "f:j:h", lo, NULL)) != -1) {
    switch (c) {
    case 'f':
      if (!strcmp(optarg, "json")) *fmt = FMT_JSON;
      else if (!strcmp(optarg, "text")) *fmt = FMT_TEXT;
      else {
        fprintf(stderr, _("%s diff: unknown format '%s' (text or json)\n"), prog, optarg);
        return EXIT_USAGE;
      }
      break;
    case 'j':
      if (!jobs_option(optarg, jobs)) return EXIT_USAGE;
      break;
    case 'a':
    case 't':
    case 'I':
    case 'R':
    case 'S': {
      int so = shared_option(c, optarg, asof, opt);
      if (so < 0) return -so;
      break;
    }
    case 'h': usage(stdout); return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  return -1;
}

/* The main thread's diff and the events that fill it: 0, or -1 when out
 * of memory (diff_run_free in either case). */
static int diff_run_init(struct diff_run *x) {
  if (diff_init(&x->d, x->ro, x->rn, x->op, x->np) != 0) return -1;
  return events_init(&x->e, &diff_par_ops, x, x->jobs);
}

static void diff_run_free(struct diff_run *x) {
  events_free(&x->e);
  diff_free(&x->d);
}

/* Read the records into x's figures and print them.  Returns the exit status. */
static int diff_run(struct diff_run *x, char **files, int nfiles, int fmt) {
  int status = events_read(&x->e, files, nfiles);
  struct diff_worker *w = x->e.w;
  tier_buf *out = tier_buf_new(NULL);
  if (out) diff_render(&x->d, fmt, out);
  cli_warn_unknown(prog, w->p.vo, x->op);
  cli_warn_unknown(prog, w->p.vn, x->np);
  if (x->e.lost || !out) {
    fprintf(stderr, _("%s: out of memory\n"), prog);
    status = EXIT_RECORDS;
  }
  if (out && cli_print(prog, stdout, out) != 0) status = EXIT_USAGE;
  tier_buf_free(out);
  if (status == EXIT_OK && x->d.errors) status = EXIT_RECORDS;
  return status;
}

static int cmd_diff(int argc, char **argv) {
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  int fmt = FMT_TEXT, jobs = default_jobs();
  int64_t asof = TIER_NO_DATE;
  int st = diff_options(argc, argv, &fmt, &jobs, &asof, &opt);
  if (st >= 0) return st;
  if (argc - optind < 2) {
    fprintf(stderr, _("%s diff: needs OLD and NEW rulesets\n"), prog);
    return EXIT_USAGE;
  }
  const char *op = argv[optind], *np = argv[optind + 1];
  int status = EXIT_OK;
  tier_ruleset *ro = cli_load_ruleset(prog, op, &opt, &status);
  if (!ro) return status;
  tier_ruleset *rn = cli_load_ruleset(prog, np, &opt, &status);
  if (!rn) {
    tier_ruleset_free(ro);
    return status;
  }
  cli_warn_today(prog, ro, op, asof);
  cli_warn_today(prog, rn, np, asof);
  /* every requirement in the results when there are paths to compare */
  tier_options vmopt = {.strict_fields = opt.strict_fields, .all_requirements = diff_needs_all(ro, rn)};
  struct diff_run x = {.ro = ro, .rn = rn, .op = op, .np = np, .vmopt = vmopt, .asof = asof, .jobs = jobs};
  if (diff_run_init(&x) != 0) {
    fprintf(stderr, _("%s: out of memory\n"), prog);
    status = EXIT_RULESET;
  } else {
    status = diff_run(&x, argv + optind + 2, argc - optind - 2, fmt);
  }
  diff_run_free(&x);
  tier_ruleset_free(ro);
  tier_ruleset_free(rn);
  return status;
}

/* ---- report ---- */

struct report_run;

/* What evaluates records for tiervm report, one per thread: the rules' VM
 * (every requirement in its results: the report counts the paths partners
 * take), with --diff the old rules' VM and a diff of its own, and the
 * report's counter that writes each record as an event (report.h). */
struct report_worker {
  const struct report_run *x;
  struct vm_pair p; /* the rules' VM is p.vn */
  bool shared;      /* p.vo evaluates the records p.vn reads */
  struct report_counter c;
};

struct report_run {
  const tier_ruleset *rs, *ro;  /* the rules, and --diff's old rules or NULL */
  const char *rules, *old_path; /* their paths */
  bool strict_fields;           /* --strict */
  int64_t asof;                 /* --as-of */
  int jobs;                     /* -j */
  struct report rep;            /* the figures rendered */
  struct diff d;                /* with --diff: the figures of the impact */
  struct events e;              /* the records, as events into rep and d */
};

static void report_worker_free(void *arg) {
  struct report_worker *w = arg;
  if (!w) return;
  vm_pair_free(&w->p);
  report_counter_free(&w->c);
  free(w);
}

static void *report_worker_new(void *ctx) {
  const struct report_run *x = ctx;
  struct report_worker *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  /* every requirement in the rules' results: the report counts the paths partners take; in the old
   * rules' too when the diff compares paths */
  tier_options every = {.strict_fields = x->strict_fields, .all_requirements = 1},
               old = {.strict_fields = x->strict_fields, .all_requirements = x->ro && diff_needs_all(x->ro, x->rs)};
  w->x = x;
  if (vm_pair_init(&w->p, x->ro, &old, x->old_path, x->rs, &every, x->rules) != 0 || report_counter_init(&w->c, x->rs) != 0) {
    report_worker_free(w);
    return NULL;
  }
  w->shared = w->p.vo && tier_vm_share_reader(w->p.vo, w->p.vn);
  return w;
}

/* One record as an event: counted in the report and, with --diff, under
 * the old rules for the impact; rejected by the rules, an error told on
 * standard error (report_take). */
static void report_event(void *arg, const struct rec *rec, long record, tier_buf *ev) {
  struct report_worker *w = arg;
  if (!rec->text) {
    report_error_event(record, rec->err, ev);
    return;
  }
  struct vm_pair *p = &w->p;
  tier_vm_number_record(p->vn, (uint64_t)record); /* as diff_event does */
  if (p->vo) tier_vm_number_record(p->vo, (uint64_t)record);
  const tier_result *a, *b;
  int rc = eval_rec(p->vn, rec, w->x->asof, &a);
  if (rc != TIER_OK) {
    report_error_event(record, rejection(p->vn, rc, p->why), ev);
    vm_pair_take(p, rec->side);
    return;
  }
  report_add_event(&w->c, a, ev);
  if (p->vo && (rc = eval_again(p->vo, w->shared, rec, w->x->asof, &b)) == TIER_OK) report_old_event(&w->c, &p->d, b, a, ev);
  else if (p->vo)
    report_old_error_event(&p->d, record, tier_vm_record_id(p->vo), rejection(p->vo, rc, p->why), tier_vm_error_path(p->vo), ev);
  vm_pair_take(p, rec->side);
}

/* A run of events, in input order, to the report that is rendered; a
 * rejected record's message is told as its event is applied, so that the
 * messages keep the input's order too. */
static void report_take(void *ctx, const char *ev, size_t n) {
  struct report_run *x = ctx;
  const char *s = ev, *why;
  long record;
  while ((why = report_apply(&x->rep, x->ro ? &x->d : NULL, &s, ev + n, &record))) {
    tier_buf *t = tier_buf_new(NULL); /* the message may quote the record: quoted for the terminal */
    if (t) esc_term(t, why);
    const char *shown = t ? tier_buf_text(t, NULL) : NULL;
    fprintf(stderr, _("%s: record %ld: %s\n"), prog, record, shown ? shown : _("(out of memory)"));
    tier_buf_free(t);
  }
}

static void report_keys(void *ctx, const char *s, size_t n) {
  vm_pair_side(&((struct report_worker *)((struct report_run *)ctx)->e.w)->p, s, n);
}

static const struct par_ops report_par_ops = {report_worker_new, report_worker_free, report_event, report_take, report_keys};

/* The report, with --diff its diff, and the events that fill them: 0, or
 * -1 when out of memory (report_run_free in either case). */
static int report_run_init(struct report_run *x) {
  if (report_init(&x->rep, x->rs, x->rules) != 0) return -1;
  if (x->ro && diff_init(&x->d, x->ro, x->rs, x->old_path, x->rules) != 0) return -1;
  x->rep.diff = x->ro ? &x->d : NULL;
  return events_init(&x->e, &report_par_ops, x, x->jobs);
}

static void report_run_free(struct report_run *x) {
  events_free(&x->e);
  diff_free(&x->d);
  report_free(&x->rep);
}

/* The page to its place: out_path, or standard output. */
static int report_write(const char *out_path, tier_buf *page, long partners) {
  size_t n;
  const char *t = tier_buf_text(page, &n);
  if (!t) {
    fprintf(stderr, _("%s: out of memory\n"), prog);
    return EXIT_USAGE;
  }
  if (!out_path) {
    fwrite(t, 1, n, stdout);
    return EXIT_OK;
  }
  if (cli_write_file(prog, out_path, t, n, NULL) != 0) return EXIT_USAGE;
  fprintf(stderr, NG_("%s: %ld partner -> %s\n", "%s: %ld partners -> %s\n", (unsigned long)partners), prog, partners, out_path);
  return EXIT_OK;
}

/* tiervm report's options.  Returns -1 to go on, else the exit status. */
static int report_options(int argc, char **argv, const char **out_path, struct report_run *x, tier_options *opt) {
  static const struct option lo[] = {{"output", required_argument, 0, 'o'},
                                     {"as-of", required_argument, 0, 'a'},
                                     {"diff", required_argument, 0, 'd'},
                                     {"jobs", required_argument, 0, 'j'},
                                     {"trust", required_argument, 0, 't'},
                                     {"import-path", required_argument, 0, 'I'},
                                     {"max-record", required_argument, 0, 'R'},
                                     {"strict", no_argument, 0, 'S'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:j:h", lo, NULL)) != -1) {
    switch (c) {
    case 'o': *out_path = optarg; break;
    case 'd': x->old_path = optarg; break;
    case 'j':
      if (!jobs_option(optarg, &x->jobs)) return EXIT_USAGE;
      break;
    case 'a':
    case 't':
    case 'I':
    case 'R':
    case 'S': {
      int so = shared_option(c, optarg, &x->asof, opt);
      if (so < 0) return -so;
      break;
    }
    case 'h': usage(stdout); return EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
  }
  return -1;
}

/* Read the records into the report and write the page.  Returns the exit
 * status. */
static int report_run(struct report_run *x, char **files, int nfiles, const char *out_path) {
  int status = events_read(&x->e, files, nfiles);
  struct report_worker *w = x->e.w;
  tier_buf *page = tier_buf_new(NULL);
  if (page) report_html(&x->rep, page);
  cli_warn_unknown(prog, w->p.vn, x->rules);
  if (w->p.vo) cli_warn_unknown(prog, w->p.vo, x->old_path);
  if (x->e.lost) {
    fprintf(stderr, _("%s: out of memory\n"), prog);
    status = EXIT_RECORDS;
  }
  int wst = page ? report_write(out_path, page, x->rep.partners) : EXIT_USAGE;
  if (!page) fprintf(stderr, _("%s: out of memory\n"), prog);
  if (wst != EXIT_OK) status = wst;
  tier_buf_free(page);
  if (status == EXIT_OK && x->rep.errors) status = EXIT_RECORDS;
  return status;
}

/* The rules (and --diff's old rules), checked before any record is read:
 * 0, or the exit status. */
static int report_load(struct report_run *x, const tier_options *opt) {
  int status = EXIT_OK;
  tier_ruleset *rs = cli_load_ruleset(prog, x->rules, opt, &status);
  if (!(x->rs = rs)) return status;
  if (x->old_path && !(x->ro = cli_load_ruleset(prog, x->old_path, opt, &status))) return status;
  cli_warn_today(prog, x->rs, x->rules, x->asof);
  if (x->ro) cli_warn_today(prog, x->ro, x->old_path, x->asof);
  return EXIT_OK;
}

static int cmd_report(int argc, char **argv) {
  tier_options opt;
  memset(&opt, 0, sizeof opt);
  const char *out_path = NULL;
  struct report_run x = {.asof = TIER_NO_DATE, .jobs = default_jobs()};
  int st = report_options(argc, argv, &out_path, &x, &opt);
  if (st >= 0) return st;
  /* an HTML page is no use on a terminal: only where asked for (-o -) */
  if (!out_path && isatty(STDOUT_FILENO)) {
    fprintf(stderr,
            _("%s report: the report is an HTML page: write it to a file with -o report.html, or give -o - to print it here\n"),
            prog);
    return EXIT_USAGE;
  }
  if (out_path && !strcmp(out_path, "-")) out_path = NULL; /* standard output */
  if (optind >= argc) {
    fprintf(stderr, _("%s report: missing RULESET\n"), prog);
    return EXIT_USAGE;
  }
  x.rules = argv[optind];
  x.strict_fields = opt.strict_fields;
  int status = report_load(&x, &opt);
  /* refuse an output that is an input before reading the records */
  for (int i = optind + 1; i < argc; i++) cli_note_input(argv[i]);
  if (optind + 1 == argc) cli_note_input("-");
  if (status == EXIT_OK && out_path && !cli_output_allowed(prog, out_path, NULL)) status = EXIT_USAGE;
  if (status == EXIT_OK && report_run_init(&x) != 0) {
    fprintf(stderr, _("%s: out of memory\n"), prog);
    status = EXIT_USAGE;
  } else if (status == EXIT_OK) {
    status = report_run(&x, argv + optind + 1, argc - optind - 1, out_path);
  }
  report_run_free(&x);
  tier_ruleset_free((tier_ruleset *)x.rs);
  tier_ruleset_free((tier_ruleset *)x.ro);
  return status;
}

static int run(int argc, char **argv) {
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
  fprintf(stderr, _("%s: unknown command '%s'\n"), prog, cmd);
  usage(stderr);
  return EXIT_USAGE;
}

int main(int argc, char **argv) {
  cli_init_locale();
  return cli_finish(prog, run(argc, argv));
}
