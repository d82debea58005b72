/*
 * bench.c - the benchmark behind `make bench` (SPEC section 8; never part of
 * `make check`, and nothing here asserts a time).  One run measures, on one
 * file of N synthetic profiles made by tests/bench/gen:
 *
 *   1. the VM alone: vm_evaluate over K records already packed in memory;
 *   2. the native limit: tests/bench/native.c on the same packed records;
 *   3. end to end: `tiervm eval apn-2019.tbc PROFILES` with -j 1 and -j
 *      (the processors online; at least 2), the best of five runs of each,
 *      whose outputs must be the same bytes; their CPU time; each thread's
 *      instructions under callgrind (what the main thread does besides
 *      evaluating records - its total less its par_one, inclusive, from
 *      the same run - is the serial part, and with the cores it bounds
 *      the speed-up whatever the load);
 *      peak memory of `gen N | tiervm eval -` at 20,000 and 200,000
 *      records;
 *   4. the alternatives: tests/bench/apn.lua (LuaJIT + lua-cjson) and
 *      tests/bench/apn.jq (jq) on the same file;
 *   5. the JSON reader alone (rec_parse) against reading the file
 *      (fread, getline);
 *   6. tier_compile on generated rulesets of 1,000 and 10,000 requirements:
 *      CPU time, and the work (instructions, counted by running this
 *      program's --compile-only under callgrind) that linearity is judged by;
 *   7. the example programs (examples/programs: Microsoft, HubSpot's two,
 *      Hilton) end to end with -j 1 and -j N on their sample profiles
 *      repeated to N / 20 records (Microsoft's take a thousand times the
 *      work of an APN profile), checked against the oracle's profiles.expected
 *      (tier, next and badges) - each whose .tier file is in the tree;
 * and then every target of issue 16 as a ratio from this run.  The two
 * judged on the wall clock (-j, LuaJIT) are judged only when other
 * processes took less than a tenth of the CPUs while their runs ran
 * (/proc/stat's busy time less this process's and its children's); the
 * CPU-time ratios are printed beside them.
 *
 * Correctness is checked, not assumed: the native evaluator, the Lua script
 * and the jq program must give the tier and next tier that tiervm gives,
 * for every record, in order; the VM on the packed copies must agree too,
 * and tiervm -j N must write the bytes -j 1 writes.
 * Any disagreement is printed and makes the run fail (exit status 1).
 *
 * Run from the repository root (the Makefile's bench target does):
 *   bench -n N [-k K] [--bin DIR] [--work DIR] [--out FILE]
 */
#define _GNU_SOURCE /* wait4: the child's own rusage; sched_getaffinity */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "native.h"
#include "vm.h"

#ifndef BENCH_CFLAGS
#define BENCH_CFLAGS "?"
#endif

static const char *RULES = "rules/apn-2019.tier";
static const char *LUA_SCRIPT = "tests/bench/apn.lua";
static const char *JQ_SCRIPT = "tests/bench/apn.jq";

static int failures;
static volatile uint64_t sink; /* results of the timed loops go here */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* This thread's CPU time.  The sections that run in this process (1-2,
 * 5, 6) are timed in it: on a shared machine another process taking the
 * core for a moment stretches the wall clock of a short loop (getline over
 * the file takes a tenth of a second) by more than the difference being
 * measured, and a ratio of two such times swung 2x from run to run. */
static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "bench: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(2);
}

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "bench: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
}

/* A disagreement: printed at once, and the run fails at the end. */
static void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mismatch(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "bench: MISMATCH: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  failures++;
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die("out of memory (%zu bytes)", n);
  return p;
}
static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

/* ---- child processes ------------------------------------------------------------ */

static uint8_t *slurp(const char *path, size_t *len);

struct child {
  double wall, cpu; /* seconds */
  long maxrss_kb;
  int status;       /* exit status, or 128 + signal */
};

/* Run argv with stdout to out_path and stdin from in_fd (-1: /dev/null);
 * wall time by CLOCK_MONOTONIC around fork..wait4, CPU time and peak
 * memory from the child's own rusage. */
static void run_child_in(char *const argv[], int in_fd, const char *out_path, struct child *c) {
  fflush(NULL);
  double t0 = now();
  pid_t pid = fork();
  if (pid < 0) die("fork: %s", strerror(errno));
  if (pid == 0) {
    int in = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY);
    if (in >= 0) dup2(in, 0);
    if (out_path) {
      int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0) {
        fprintf(stderr, "bench: cannot write '%s': %s\n", out_path, strerror(errno));
        _exit(126);
      }
      dup2(fd, 1);
      close(fd);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "bench: cannot run '%s': %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  int st;
  struct rusage ru;
  while (wait4(pid, &st, 0, &ru) < 0)
    if (errno != EINTR) die("wait4: %s", strerror(errno));
  c->wall = now() - t0;
  c->cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
  c->maxrss_kb = ru.ru_maxrss;
  c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static void run_child(char *const argv[], const char *out_path, struct child *c) { run_child_in(argv, -1, out_path, c); }

/* `gen N 1 | argv`, without a file in between (200,000 profiles are 1.8 GB):
 * c is argv's measurement (its peak memory is what is wanted). */
static void run_generated(const char *gen, long n, char *const argv[], const char *out_path, struct child *c) {
  int fd[2];
  if (pipe(fd) != 0) die("pipe: %s", strerror(errno));
  char nbuf[32];
  snprintf(nbuf, sizeof nbuf, "%ld", n);
  fflush(NULL);
  pid_t g = fork();
  if (g < 0) die("fork: %s", strerror(errno));
  if (g == 0) {
    close(fd[0]);
    dup2(fd[1], 1);
    close(fd[1]);
    execl(gen, gen, nbuf, "1", (char *)NULL);
    _exit(127);
  }
  close(fd[1]);
  run_child_in(argv, fd[0], out_path, c);
  close(fd[0]);
  int st;
  while (waitpid(g, &st, 0) < 0)
    if (errno != EINTR) die("waitpid: %s", strerror(errno));
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) mismatch("%s %ld failed", gen, n);
}

/* Whether two files hold the same bytes. */
static bool same_file(const char *a, const char *b) {
  size_t na, nb;
  uint8_t *pa = slurp(a, &na), *pb = slurp(b, &nb);
  bool same = na == nb && memcmp(pa, pb, na) == 0;
  free(pa);
  free(pb);
  return same;
}

/* ---- files ------------------------------------------------------------------------ */

static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open '%s': %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0;
  uint8_t *p = xmalloc(cap);
  size_t got;
  while ((got = fread(p + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      cap *= 2;
      p = realloc(p, cap);
      if (!p) die("out of memory");
    }
  }
  fclose(f);
  *len = n;
  return p;
}

static bool blank_line(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return false;
  return true;
}

/* ---- the reference: tiervm's output ------------------------------------------------ */

/* One record's result: "null" for JSON null; badges are the names of the
 * badges held, sorted, joined by commas ("" for none). */
struct expect {
  char *id, *tier, *next, *badges;
};

struct table {
  struct expect *e;
  size_t n, cap;
};

static char *json_text(json_t *v) { return xstrdup(json_is_string(v) ? json_string_value(v) : "null"); }

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The badges of a result, sorted and joined by commas: tiervm and the oracle
 * list them in different orders. */
static char *badge_list(json_t *arr) {
  size_t n = json_array_size(arr), len = 1;
  const char **v = xmalloc(sizeof *v * (n ? n : 1));
  for (size_t i = 0; i < n; i++) {
    const char *s = json_string_value(json_array_get(arr, i));
    v[i] = s ? s : "?";
    len += strlen(v[i]) + 1;
  }
  qsort(v, n, sizeof *v, cmp_str);
  char *out = xmalloc(len), *o = out;
  *o = 0;
  for (size_t i = 0; i < n; i++) o += sprintf(o, "%s%s", i ? "," : "", v[i]);
  free(v);
  return out;
}

/* Read tiervm's JSON output: one result per record, in input order. */
static void read_tiervm(const char *path, struct table *t) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open '%s': %s", path, strerror(errno));
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  long lineno = 0;
  while ((len = getline(&line, &cap, f)) > 0) {
    lineno++;
    json_error_t je;
    json_t *o = json_loadb(line, (size_t)len, 0, &je);
    if (!o || !json_is_object(o)) die("%s:%ld: not a JSON object: %s", path, lineno, o ? "" : je.text);
    if (json_object_get(o, "error")) {
      mismatch("tiervm rejected a benchmark record: %.*s", (int)len - 1, line);
      json_decref(o);
      continue;
    }
    if (t->n == t->cap) {
      t->cap = t->cap ? 2 * t->cap : 1024;
      t->e = realloc(t->e, sizeof *t->e * t->cap);
      if (!t->e) die("out of memory");
    }
    struct expect *e = &t->e[t->n++];
    e->id = json_text(json_object_get(o, "id"));
    e->tier = json_text(json_object_get(o, "tier"));
    e->next = json_text(json_object_get(o, "next"));
    e->badges = badge_list(json_object_get(o, "badges"));
    json_decref(o);
  }
  free(line);
  fclose(f);
}

/* Compare one result with the reference; report the first few disagreements. */
static bool agree(const char *who, size_t i, const struct table *t, const char *id, const char *tier,
                  const char *next, long *bad) {
  if (i >= t->n) {
    if ((*bad)++ < 5) mismatch("%s: record %zu (%s): tiervm has no result for it", who, i + 1, id);
    return false;
  }
  const struct expect *e = &t->e[i];
  if (!strcmp(e->id, id) && !strcmp(e->tier, tier) && !strcmp(e->next, next)) return true;
  if ((*bad)++ < 5)
    mismatch("%s: record %zu: id %s tier %s next %s, but tiervm says id %s tier %s next %s", who, i + 1, id, tier,
             next, e->id, e->tier, e->next);
  return false;
}

/* Check a script's "id<TAB>tier<TAB>next" output against tiervm's. */
static long check_tsv(const char *who, const char *path, const struct table *t) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open '%s': %s", path, strerror(errno));
  char *line = NULL;
  size_t cap = 0, i = 0;
  ssize_t len;
  long bad = 0;
  while ((len = getline(&line, &cap, f)) > 0) {
    if (line[len - 1] == '\n') line[--len] = 0;
    char *tier = strchr(line, '\t'), *next = tier ? strchr(tier + 1, '\t') : NULL;
    if (!next) {
      if (bad++ < 5) mismatch("%s: line %zu is not id<TAB>tier<TAB>next: %s", who, i + 1, line);
      i++;
      continue;
    }
    *tier++ = 0;
    *next++ = 0;
    agree(who, i, t, line, tier, next, &bad);
    i++;
  }
  free(line);
  fclose(f);
  if (i != t->n) {
    mismatch("%s: %zu results for %zu records", who, i, t->n);
    bad++;
  }
  if (bad > 5) mismatch("%s: %ld disagreements in all", who, bad);
  return bad;
}

/* ---- packed records kept in memory ---------------------------------------------------- */

/* A deep copy of a packed record: rec_parse's result points into the VM's
 * reusable buffers and into jansson's tree, both gone at the next record. */
struct packed {
  struct record rec;
  void *mem;
  size_t bytes;
};

static void pack_copy(const struct image *img, const struct record *r, struct packed *p) {
  size_t slots = img->ntop, text = 0;
  for (uint32_t l = 0; l < img->nlists; l++) slots += (size_t)r->lists[l].n * img->lists[l].width;
  for (uint32_t s = 0; s < r->nstrs; s++) text += r->strs[s].n;
  size_t nums = (size_t)r->nnums * sizeof(struct num); /* first: the block's alignment is malloc's */
  size_t bytes = nums + slots * sizeof(int64_t) + (img->nlists + 1) * sizeof(struct rec_list) +
      (r->nstrs + 1) * sizeof(struct rec_str) + text + 1;
  char *m = xmalloc(bytes);
  if (nums) memcpy(m, r->nums, nums); /* slots of number fields hold indexes into these */
  int64_t *sl = (int64_t *)(void *)(m + nums);
  struct rec_list *ls = (struct rec_list *)(void *)(m + slots * sizeof(int64_t));
  struct rec_str *st = (struct rec_str *)(void *)((char *)ls + (img->nlists + 1) * sizeof(struct rec_list));
  char *tx = (char *)(st + r->nstrs + 1);
  memcpy(sl, r->top, img->ntop * sizeof(int64_t));
  size_t at = img->ntop;
  for (uint32_t l = 0; l < img->nlists; l++) {
    size_t n = (size_t)r->lists[l].n * img->lists[l].width;
    ls[l].n = r->lists[l].n;
    ls[l].items = sl + at;
    if (n) memcpy(sl + at, r->lists[l].items, n * sizeof(int64_t));
    at += n;
  }
  for (uint32_t s = 0; s < r->nstrs; s++) {
    if (r->strs[s].n) memcpy(tx, r->strs[s].p, r->strs[s].n);
    st[s].p = tx;
    st[s].n = r->strs[s].n;
    st[s].hash = r->strs[s].hash;
    tx += r->strs[s].n;
  }
  p->rec.top = sl;
  p->rec.lists = ls;
  p->rec.strs = st;
  p->rec.nstrs = r->nstrs;
  p->rec.nums = nums ? (struct num *)(void *)m : NULL;
  p->rec.nnums = r->nnums;
  p->rec.max_list = r->max_list;
  p->rec.hkey = r->hkey; /* the VM that read it outlives the copies */
  p->mem = m;
  p->bytes = bytes;
}

static const char *vm_tier_name(const struct image *img, int t) { return t >= 0 ? img_str(img, img->tiers[t].name) : "null"; }
static const char *nat_name(int t) { return t >= 0 ? native_tier_name[t] : "null"; }

/* ---- section 5: the reader against getline, over the same bytes --------------------- */

/* Passes of each side, taken in turn (getline, then rec_parse): the best of
 * each is reported.  One pass of each swung the ratio by a tenth on the
 * shared machine (4.44x and 4.28x for the same code). */
#define READ_RUNS 5
/* Records timed together: getline reads READ_BATCH lines into their own
 * buffers, untimed, then one pair of clock reads spans rec_parse over all
 * of them (about 80 KB, still in the core's cache as one line was).  A pair
 * of reads of the thread's CPU clock a record was about 3% of the reader's
 * time, counted against it. */
#define READ_BATCH 8

/* One pass of getline over the file: its CPU time; the bytes and records
 * (lines not blank) it read in *bytes and *nrec. */
static double getline_pass(const char *path, double *bytes, long *nrec) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open '%s'", path);
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  *bytes = 0;
  *nrec = 0;
  double t0 = cpu_now();
  while ((len = getline(&line, &cap, f)) > 0) {
    *bytes += (double)len;
    if (!blank_line(line, (size_t)len)) (*nrec)++;
  }
  double t = cpu_now() - t0;
  free(line);
  fclose(f);
  return t;
}

/* One pass of rec_parse over the file's records, READ_BATCH at a time: the
 * CPU time inside rec_parse only (getline's is not counted); nrec records
 * expected, every one must read. */
static double parse_pass(tier_vm *vm, const char *path, long nrec) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open '%s'", path);
  char *line[READ_BATCH] = {0};
  size_t cap[READ_BATCH] = {0}, len[READ_BATCH];
  long done = 0;
  double t = 0;
  for (;;) {
    int n = 0;
    ssize_t got;
    while (n < READ_BATCH && (got = getline(&line[n], &cap[n], f)) > 0)
      if (!blank_line(line[n], (size_t)got)) len[n++] = (size_t)got;
    if (n == 0) break;
    struct record rec;
    int bad = -1;
    double t0 = cpu_now();
    for (int i = 0; i < n; i++)
      if (rec_parse(vm, line[i], len[i], &rec) != TIER_OK && bad < 0) bad = i;
    t += cpu_now() - t0;
    if (bad >= 0) die("record %ld: rec_parse: %s (timed pass)", done + bad + 1, tier_vm_error(vm));
    done += n;
  }
  for (int i = 0; i < READ_BATCH; i++) free(line[i]);
  fclose(f);
  if (done != nrec) die("%s: the timed pass read %ld records, not %ld", path, done, nrec);
  return t;
}

/* ---- bench --vm-only: sections 1-2 alone ---------------------------------------------- */

/* `bench --vm-only PROFILES [-k K]`: read the first K records of PROFILES
 * (made by gen), compiling RULES first, and time the VM and the native
 * evaluator on the packed copies (CPU time, best of 15), checking that they
 * agree on every record; with --once, each record is evaluated once by
 * each (what callgrind's --toggle-collect=vm_evaluate counts). */
static long vm_only_load(const char *profiles, long K, tier_vm *vm, struct native *nv, struct packed *kept) {
  FILE *f = fopen(profiles, "rb");
  if (!f) die("cannot open '%s'", profiles);
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  long i = 0;
  struct record rec;
  while (i < K && (len = getline(&line, &cap, f)) > 0) {
    if (blank_line(line, (size_t)len)) continue;
    if (rec_parse(vm, line, (size_t)len, &rec) != TIER_OK) die("record %ld: rec_parse: %s", i + 1, tier_vm_error(vm));
    pack_copy(vm->rs->img, &rec, &kept[i++]);
  }
  free(line);
  fclose(f);
  long bad = 0;
  for (long j = 0; j < i; j++) {
    int t, nx;
    if (vm_evaluate(vm, &kept[j].rec, TIER_NONE) != TIER_OK) die("packed record %ld: %s", j + 1, tier_vm_error(vm));
    if (native_eval(nv, &kept[j].rec, &t, &nx) != 0) die("out of memory");
    const struct image *img = vm->rs->img;
    if (strcmp(vm_tier_name(img, vm->ev.tier), nat_name(t)) || strcmp(vm_tier_name(img, vm->ev.next), nat_name(nx))) bad++;
  }
  if (bad) mismatch("VM and native disagree on %ld of %ld packed records", bad, i);
  return i;
}

static int vm_only(const char *profiles, long K, bool once) {
  char tbc[] = "build/bench/vm-only.tbc", err[256];
  struct child ch;
  run_child((char *const[]){"bin/tierc", "compile", (char *)RULES, "-o", tbc, NULL}, "/dev/null", &ch);
  if (ch.status) die("tierc compile failed");
  size_t tbclen;
  uint8_t *bytes = slurp(tbc, &tbclen);
  tier_ruleset *rs;
  if (tier_load(bytes, tbclen, NULL, &rs, err, sizeof err) != TIER_OK) die("tier_load: %s", err);
  free(bytes);
  tier_vm *vm = tier_vm_new(rs, NULL);
  struct native nv;
  if (!vm || native_init(&nv, rs->img, err, sizeof err) != 0) die("native_init: %s", err);
  struct packed *kept = xmalloc(sizeof *kept * (size_t)K);
  K = vm_only_load(profiles, K, vm, &nv, kept);
  int reps = once ? 0 : 15;
  double best_vm = INFINITY, best_nat = INFINITY;
  for (int r = 0; r < reps; r++) {
    uint64_t s = 0;
    double t0 = cpu_now();
    for (long i = 0; i < K; i++) s += (uint64_t)vm_evaluate(vm, &kept[i].rec, TIER_NONE) + (uint64_t)vm->ev.tier;
    best_vm = fmin(best_vm, cpu_now() - t0);
    t0 = cpu_now();
    for (long i = 0; i < K; i++) {
      int t, nx;
      s += (uint64_t)native_eval(&nv, &kept[i].rec, &t, &nx) + (uint64_t)t;
    }
    best_nat = fmin(best_nat, cpu_now() - t0);
    sink += s;
  }
  if (!once) printf("%ld records: VM %.4f s, native %.4f s, VM / native = %.2fx\n", K, best_vm, best_nat, best_vm / best_nat);
  for (long i = 0; i < K; i++) free(kept[i].mem);
  free(kept);
  native_free(&nv);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  return failures ? 1 : 0;
}

/* ---- generated rulesets for the compile-time measurement ------------------------------ */

/* N requirements in tiers of 50, alternately consulting and technology, each
 * tier asking a little more than the one below; the requirements cycle
 * through the language's forms (metric thresholds, money, inline count,
 * count distinct, sum, within, or, in, labels, sections). */
static char *gen_ruleset(int nreq, size_t *len) {
  size_t cap = 256 + (size_t)nreq * 160, n = 0;
  char *s = xmalloc(cap);
#define EMIT(...)                                                       \
  do {                                                                  \
    int w_ = snprintf(s + n, cap - n, __VA_ARGS__);                     \
    if (w_ < 0 || (size_t)w_ >= cap - n) die("generated ruleset overflows"); \
    n += (size_t)w_;                                                    \
  } while (0)
  EMIT("ruleset \"bench %d requirements\" version \"1\";\nimport \"apn-schema.tier\";\n\n", nreq);
  EMIT("tier Registered consulting < >\ntier Registered technology < >\n");
  const int per = 50;
  for (int t = 0, q = 0; q < nreq; t++) {
    int lv = t / 2 + 1;
    EMIT("\ntier T%05d %s <\n", t, t % 2 ? "technology" : "consulting");
    for (int j = 0; j < per && q < nreq; j++, q++) {
      if (j % 10 == 0) EMIT("  %s:\n", (const char *[]){"knowledge", "experience", "customer_success"}[(j / 10) % 3]);
      switch (j % 10) {
      case 0: EMIT("    launched_opps >= %d;\n", lv + j); break;
      case 1: EMIT("    launched_mrr >= %d.%02d;\n", 1000 * lv + j, j); break;
      case 2: EMIT("    (count distinct person in certifications where held and level >= associate) >= %d;\n", lv); break;
      case 3: EMIT("    (count opportunities where stage == launched and launched within %d months) >= %d;\n", 1 + j % 24, lv); break;
      case 4: EMIT("    csat_responses >= %d or public_references >= %d;\n", lv + 1, lv); break;
      case 5: EMIT("    business_plan within %d months;\n", 12 + j % 12); break;
      case 6: EMIT("    (sum mrr in opportunities where launched_recently and public) >= %d;\n", 100 * lv); break;
      case 7: EMIT("    (count csat where submitted within 12 months and score >= %d) >= %d;\n", 1 + j % 5, lv); break;
      case 8: EMIT("    support in {business, enterprise} and ga_products >= %d;\n", lv); break;
      default: EMIT("    active_validations >= %d \"Active validations, level %d\";\n", lv, lv); break;
      }
    }
    EMIT(">\n");
  }
#undef EMIT
  *len = n;
  return s;
}

struct compile_m {
  int nreq;
  size_t src_bytes, tbc_bytes;
  double best, median;
  int runs;
  size_t warnings;
  unsigned long long work; /* instructions inside tier_compile (callgrind), 0: not counted */
};

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void measure_compile(const char *rules_dir, int nreq, int runs, struct compile_m *m) {
  size_t len;
  char *text = gen_ruleset(nreq, &len);
  char path[512];
  snprintf(path, sizeof path, "%s/bench-generated-%d.tier", rules_dir, nreq); /* not written: imports resolve here */
  double t[16];
  if (runs > 16) runs = 16;
  m->nreq = nreq;
  m->src_bytes = len;
  m->runs = runs;
  for (int r = 0; r < runs; r++) {
    uint8_t *out;
    size_t outlen;
    tier_diags *dg;
    double t0 = cpu_now();
    int rc = tier_compile(path, text, len, NULL, &out, &outlen, &dg);
    t[r] = cpu_now() - t0;
    if (rc != TIER_OK) {
      fprintf(stderr, "%s", dg ? tier_diags_text(dg) : "");
      die("the generated ruleset of %d requirements does not compile: %s", nreq, tier_strerror(rc));
    }
    m->tbc_bytes = outlen;
    m->warnings = tier_diags_count(dg);
    tier_free_bytes(NULL, out, outlen);
    tier_diags_free(dg);
  }
  qsort(t, (size_t)runs, sizeof *t, cmp_double);
  m->best = t[0];
  m->median = t[runs / 2];
  free(text);
}

/* `bench --compile-only N`: compile the generated ruleset of N requirements
 * once and exit - what count_compile runs under callgrind. */
static int compile_only(int nreq) {
  size_t len;
  char *text = gen_ruleset(nreq, &len);
  uint8_t *out;
  size_t outlen;
  tier_diags *dg;
  char path[64];
  snprintf(path, sizeof path, "rules/bench-generated-%d.tier", nreq); /* as measure_compile names it */
  int rc = tier_compile(path, text, len, NULL, &out, &outlen, &dg);
  if (rc == TIER_OK) tier_free_bytes(NULL, out, outlen);
  tier_diags_free(dg);
  free(text);
  return rc == TIER_OK ? 0 : 1;
}

/* The compiler's work on the ruleset of m->nreq requirements: the
 * instructions callgrind counts inside tier_compile (the same on a loaded
 * machine as on an idle one, unlike its CPU time, which the shared caches
 * stretch as the compile grows).  0 when valgrind is not there or fails. */
static void count_compile(const char *self, const char *work, struct compile_m *m) {
  char n[32], outfile[600], outarg[640];
  snprintf(n, sizeof n, "%d", m->nreq);
  snprintf(outfile, sizeof outfile, "%s/callgrind.compile-%d.out", work, m->nreq);
  snprintf(outarg, sizeof outarg, "--callgrind-out-file=%s", outfile);
  struct child c;
  run_child((char *const[]){"valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=tier_compile", outarg,
                            (char *)self, "--compile-only", n, NULL},
            "/dev/null", &c);
  m->work = 0;
  FILE *f = c.status ? NULL : fopen(outfile, "r");
  char line[256];
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "summary:", 8) || !strncmp(line, "totals:", 7)) m->work = strtoull(strchr(line, ':') + 1, NULL, 10);
  if (f) fclose(f);
  remove(outfile);
}

/* ---- 3. where -j N's time goes, by thread ---------------------------------------------- */

#define E2E_RUNS 5       /* runs of -j 1 and of -j N, in turn: the best of each is reported */
#define OTHERS_IDLE 0.10 /* the share of the CPUs other processes may take while a wall-clock target's runs run */
#define TW_RECORDS 2000  /* records run under callgrind */

/* Instructions of each thread of `tiervm eval -j N`: the main thread is
 * one of the N that evaluate records (par.c), and what it does besides
 * (reading, handing on, writing, and the start) is the serial part of the
 * run, which no number of cores shortens (Amdahl); counted, so the same
 * on a loaded machine as on an idle one.  The main thread's total and
 * its share within par_one (inclusive: par_one and what it calls, from
 * callgrind_annotate --inclusive=yes) come from the SAME run: how many
 * batches the main thread renders depends on the threads' timing, so
 * counts from two runs (one of them with --toggle-collect=par_one) differ
 * by more than the serial part itself (review 11, finding 3). */
struct thread_work {
  unsigned long long main, all; /* 0: not counted (no valgrind) */
  unsigned long long main_par;  /* the main thread's instructions within par_one */
  unsigned long long all_par;   /* every thread's within par_one; 0: none found */
  int threads;
};

/* The inclusive instructions of par_one in one thread's callgrind file,
 * or 0 when callgrind_annotate fails or names no par_one. */
static unsigned long long par_one_inclusive(const char *path) {
  char cmd[800], l[1024];
  snprintf(cmd, sizeof cmd, "callgrind_annotate --inclusive=yes --auto=no --threshold=100 '%s' 2>/dev/null", path);
  FILE *p = popen(cmd, "r");
  if (!p) return 0;
  unsigned long long n = 0;
  while (fgets(l, sizeof l, p)) {
    const char *name = strstr(l, ":par_one [");
    if (!name || n) continue; /* "1,234 (5.6%)  file.c:par_one [binary]" */
    for (const char *c = l; c < name && *c != '('; c++)
      if (*c >= '0' && *c <= '9') n = n * 10 + (unsigned long long)(*c - '0');
  }
  pclose(p);
  return n;
}

static void count_threads(const char *tiervm, const char *tbc, const char *profiles, const char *jobs, const char *work,
                          struct thread_work *tw) {
  *tw = (struct thread_work){0};
  char head[600], outfile[600], outarg[640];
  snprintf(head, sizeof head, "%s/profiles-head.jsonl", work);
  snprintf(outfile, sizeof outfile, "%s/callgrind.threads.out", work);
  snprintf(outarg, sizeof outarg, "--callgrind-out-file=%s", outfile);
  FILE *in = fopen(profiles, "rb"), *out = fopen(head, "wb");
  if (!in || !out) die("cannot copy the first records of '%s' to '%s'", profiles, head);
  char *line = NULL;
  size_t cap = 0;
  for (int i = 0; i < TW_RECORDS && getline(&line, &cap, in) > 0; i++) fputs(line, out);
  free(line);
  fclose(in);
  if (fclose(out) != 0) die("cannot write '%s'", head);
  struct child c;
  run_child((char *const[]){"valgrind", "-q", "--tool=callgrind", "--separate-threads=yes", outarg, (char *)tiervm, "eval", "-j",
                            (char *)jobs, "--format", "json", (char *)tbc, head, NULL},
            "/dev/null", &c);
  for (int t = 1; !c.status && t < 100; t++) {
    char path[660], l[256];
    snprintf(path, sizeof path, "%s-%02d", outfile, t);
    FILE *f = fopen(path, "r");
    if (!f) break;
    unsigned long long n = 0;
    while (fgets(l, sizeof l, f))
      if (!strncmp(l, "summary:", 8) || !strncmp(l, "totals:", 7)) n = strtoull(strchr(l, ':') + 1, NULL, 10);
    fclose(f);
    unsigned long long par = par_one_inclusive(path);
    remove(path);
    if (t == 1) tw->main = n, tw->main_par = par; /* thread 1 is the main thread */
    tw->all += n;
    tw->all_par += par;
    tw->threads = t;
  }
  remove(head);
}

/* ---- 7. the example programs ------------------------------------------------------------ */

/* An example program of examples/programs: its rules, the evaluation date
 * its worked cases use, sample profiles and the oracle's results for them. */
struct program {
  const char *name, *rules, *as_of, *sample, *expected;
};

#define PROGS "examples/programs/"
static const struct program PROGRAMS[] = {
    {"microsoft-security", PROGS "microsoft-security/microsoft-security.tier", "2024-06-15",
     PROGS "microsoft-security/profiles.jsonl", PROGS "microsoft-security/profiles.expected"},
    {"hubspot-revenue", PROGS "hubspot/hubspot-revenue.tier", "2024-06-30", PROGS "hubspot/profiles.jsonl",
     PROGS "hubspot/profiles-revenue.expected"},
    {"hubspot-points", PROGS "hubspot/hubspot-points.tier", "2024-06-30", PROGS "hubspot/profiles.jsonl",
     PROGS "hubspot/profiles-points.expected"},
    {"hilton-honors", PROGS "hilton-honors/hilton-honors.tier", "2026-11-30", PROGS "hilton-honors/profiles.jsonl",
     PROGS "hilton-honors/profiles.expected"},
};
#define NPROGRAMS (sizeof PROGRAMS / sizeof PROGRAMS[0])

/* What section 7 measured of one program. */
struct program_m {
  struct child one, many; /* tiervm eval -j 1 and -j N */
  long records, bad;      /* records evaluated; disagreements with the oracle */
  double bytes;           /* of the repeated profiles */
  char why[200];          /* why it was not measured; "" when it was */
};

static void free_table(struct table *t) {
  for (size_t i = 0; i < t->n; i++) {
    free(t->e[i].id);
    free(t->e[i].tier);
    free(t->e[i].next);
    free(t->e[i].badges);
  }
  free(t->e);
  *t = (struct table){0};
}

/* Write the sample profiles again and again to path until it holds at least
 * n records; returns the records written (0 when the sample has none). */
static long repeat_sample(const char *sample_path, const char *path, long n, double *bytes) {
  size_t len;
  uint8_t *sample = slurp(sample_path, &len);
  long per_copy = 0, written = 0;
  for (size_t i = 0; i < len; i++) per_copy += sample[i] == '\n';
  FILE *f = fopen(path, "wb");
  if (!f) die("cannot write '%s'", path);
  *bytes = 0;
  for (; per_copy > 0 && written < n; written += per_copy) {
    fwrite(sample, 1, len, f);
    *bytes += (double)len;
  }
  if (fclose(f) != 0) die("cannot write '%s'", path);
  free(sample);
  return written;
}

/* tiervm's results (got, the sample repeated) against the oracle's for one
 * copy of the sample (want): tier, next and the badges held, record by record. */
static long check_oracle(const char *who, const struct table *got, const struct table *want) {
  long bad = 0;
  if (want->n == 0 || got->n == 0) {
    mismatch("%s: no results to compare", who);
    return 1;
  }
  for (size_t i = 0; i < got->n; i++) {
    const struct expect *w = &want->e[i % want->n];
    if (!agree(who, i, got, w->id, w->tier, w->next, &bad)) continue;
    if (strcmp(got->e[i].badges, w->badges) && bad++ < 5)
      mismatch("%s: record %zu (%s): badges [%s], but tiervm says [%s]", who, i + 1, w->id, w->badges, got->e[i].badges);
  }
  return bad;
}

/* Section 7 for one program: compile it, evaluate its sample profiles
 * repeated to n records with -j 1 and -j jobs (the same bytes), and check
 * the results against the oracle's.  Its files are removed when all agree. */
static void measure_program(const struct program *p, long n, const char *work, const char *tierc, const char *tiervm,
                            const char *jobs, struct program_m *m) {
  char tbc[512], in[512], out1[512], outj[512];
  snprintf(tbc, sizeof tbc, "%s/%s.tbc", work, p->name);
  snprintf(in, sizeof in, "%s/%s.jsonl", work, p->name);
  snprintf(out1, sizeof out1, "%s/%s.out", work, p->name);
  snprintf(outj, sizeof outj, "%s/%s-j.out", work, p->name);
  *m = (struct program_m){0};
  struct child cc;
  if (access(p->rules, R_OK) != 0) {
    snprintf(m->why, sizeof m->why, "%s is not in this tree", p->rules);
    return;
  }
  progress("tierc compile %s", p->rules);
  run_child((char *const[]){(char *)tierc, "compile", (char *)p->rules, "-o", tbc, NULL}, "/dev/null", &cc);
  if (cc.status) {
    snprintf(m->why, sizeof m->why, "%s does not compile (tierc compile exit status %d)", p->rules, cc.status);
    mismatch("%s", m->why);
    return;
  }
  m->records = repeat_sample(p->sample, in, n, &m->bytes);
  progress("tiervm eval %s -j 1 and -j %s (%ld records)", p->name, jobs, m->records);
  char *const one[] = {(char *)tiervm, "eval", "-j", "1", "--as-of", (char *)p->as_of, "--format", "json", tbc, in, NULL};
  char *const many[] = {(char *)tiervm, "eval", "-j", (char *)jobs, "--as-of", (char *)p->as_of,
                        "--format",     "json", tbc,  in,           NULL};
  run_child(one, out1, &m->one);
  run_child(many, outj, &m->many);
  if (m->one.status || m->many.status)
    mismatch("%s: tiervm eval exited with status %d (-j 1), %d (-j %s)", p->name, m->one.status, m->many.status, jobs);
  if (!same_file(out1, outj)) mismatch("%s: -j %s did not write the bytes -j 1 wrote", p->name, jobs), m->bad++;
  struct table got = {0}, want = {0};
  read_tiervm(out1, &got);
  read_tiervm(p->expected, &want);
  char who[300];
  snprintf(who, sizeof who, "%s (%s, the oracle's)", p->name, p->expected);
  m->bad += check_oracle(who, &got, &want);
  free_table(&got);
  free_table(&want);
  if (m->bad == 0 && !m->one.status && !m->many.status) remove(in), remove(out1), remove(outj), remove(tbc);
}

/* ---- the report -------------------------------------------------------------------------- */

static FILE *report_file;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  if (report_file) {
    va_start(ap, fmt);
    vfprintf(report_file, fmt, ap);
    va_end(ap);
  }
}

static const char *human(double v, char *buf, size_t n) {
  if (v >= 1e6) snprintf(buf, n, "%.2fM", v / 1e6);
  else if (v >= 1e4) snprintf(buf, n, "%.1fk", v / 1e3);
  else snprintf(buf, n, "%.0f", v);
  return buf;
}

static void row(const char *what, double recs, double secs, double bytes, long rss_kb, const char *note) {
  char a[32];
  say("  %-40s %10s", what, human(recs / secs, a, sizeof a));
  if (bytes > 0) say(" %9.1f", bytes / secs / 1e6);
  else say(" %9s", "-");
  if (rss_kb > 0) say(" %8.1f", rss_kb / 1024.0);
  else say(" %8s", "-");
  say("  %s\n", note ? note : "");
}

static void cpu_model(char *out, size_t n) {
  snprintf(out, n, "?");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, "model name", 10)) {
      char *c = strchr(line, ':');
      if (c) {
        c++;
        while (*c == ' ') c++;
        c[strcspn(c, "\n")] = 0;
        snprintf(out, n, "%s", c);
      }
      break;
    }
  }
  fclose(f);
}

static void loadavg(char *out, size_t n) {
  snprintf(out, n, "?");
  FILE *f = fopen("/proc/loadavg", "r");
  if (!f) return;
  double a, b, c;
  if (fscanf(f, "%lf %lf %lf", &a, &b, &c) == 3) snprintf(out, n, "%.2f %.2f %.2f", a, b, c);
  fclose(f);
}

/* What other processes took of the CPUs while a section ran: the busy
 * time of the CPUs this process may run on (/proc/stat's cpuN lines of
 * sched_getaffinity's set: in a cpuset or a container the first line is
 * the whole host's; busy is all but idle and iowait) less this process's
 * and its children's (getrusage), over the section's wall time and those
 * CPUs.  The load average is no measure of that here: on a VM whose CPUs
 * are idle it can stay near 1 (a task counted at each sample), and it lags
 * a minute behind. */
struct others {
  double busy, own, wall;
  int ncpu;
};

/* seconds of busy time since boot of the CPUs in this process's set, and
 * in *ncpu how many; -1 when unknown */
static double cpus_busy(int *ncpu) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
  FILE *f = fopen("/proc/stat", "r");
  if (!f) return -1;
  char line[512];
  unsigned long long sum = 0;
  int n = 0;
  while (fgets(line, sizeof line, f) && strncmp(line, "cpu", 3) == 0) { /* (the cpu lines come first) */
    unsigned id;
    unsigned long long v[8];
    if (line[3] < '0' || line[3] > '9') continue; /* the line of all CPUs */
    if (sscanf(line + 3, "%u %llu %llu %llu %llu %llu %llu %llu %llu", &id, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
               &v[7]) != 9)
      continue;
    if (id >= CPU_SETSIZE || !CPU_ISSET(id, &set)) continue;
    /* user nice system idle iowait irq softirq steal: steal is time another guest had the CPU */
    sum += v[0] + v[1] + v[2] + v[5] + v[6] + v[7], n++;
  }
  fclose(f);
  if (n == 0) return -1;
  long hz = sysconf(_SC_CLK_TCK);
  *ncpu = n;
  return (double)sum / (double)(hz > 0 ? hz : 100);
}

static double own_cpu(void) { /* this process and its waited-for children, seconds */
  struct rusage a, b;
  getrusage(RUSAGE_SELF, &a);
  getrusage(RUSAGE_CHILDREN, &b);
  return (double)(a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec + b.ru_stime.tv_sec) +
      (double)(a.ru_utime.tv_usec + a.ru_stime.tv_usec + b.ru_utime.tv_usec + b.ru_stime.tv_usec) * 1e-6;
}

static void others_start(struct others *o) {
  o->busy = cpus_busy(&o->ncpu);
  o->own = own_cpu();
  o->wall = now();
}

/* others' share of the CPUs since others_start, 0 to 1; -1 when unknown
 * (no /proc/stat, or a share so far below 0 that the two clocks disagree:
 * /proc/stat counts ticks of 1/USER_HZ s, so a few hundredths either way
 * is rounding) */
static double others_share(const struct others *o) {
  int n = 0;
  double busy = cpus_busy(&n), wall = now() - o->wall;
  if (o->busy < 0 || busy < 0 || wall <= 0 || n != o->ncpu) return -1;
  double share = (busy - o->busy - (own_cpu() - o->own)) / (wall * n);
  if (share < -0.05) return -1;
  return share < 0 ? 0 : share;
}

/* Why a wall-clock target is not judged, from others' share (-1: unknown). */
static void share_why(char *out, size_t n, double share) {
  if (share < 0) snprintf(out, n, "not judged: what others took is unknown");
  else snprintf(out, n, "not judged: others took %.0f%% of the CPUs", 100 * share);
}

/* A target judged on the wall clock: only on a machine that was idle. */
static const char *verdict(bool idle, bool ok, const char *why) {
  if (!idle) return why;
  return ok ? "met" : "NOT MET";
}

/* ---- main ---------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
  long N = 100000, K = 2000;
  const char *bin = "bin", *work = "build/bench", *out_path = "tests/bench/results.txt";
  const char *gen = NULL;
  static const struct option lo[] = {{"bin", required_argument, 0, 'b'},
                                     {"work", required_argument, 0, 'w'},
                                     {"out", required_argument, 0, 'o'},
                                     {"gen", required_argument, 0, 'g'},
                                     {"compile-only", required_argument, 0, 'c'},
                                     {"vm-only", required_argument, 0, 'V'},
                                     {"once", no_argument, 0, '1'},
                                     {0, 0, 0, 0}};
  const char *vm_profiles = NULL;
  bool once = false;
  int c;
  while ((c = getopt_long(argc, argv, "n:k:", lo, NULL)) != -1) {
    switch (c) {
    case 'n': N = strtol(optarg, NULL, 10); break;
    case 'k': K = strtol(optarg, NULL, 10); break;
    case 'b': bin = optarg; break;
    case 'w': work = optarg; break;
    case 'o': out_path = optarg; break;
    case 'g': gen = optarg; break;
    case 'c': return compile_only((int)strtol(optarg, NULL, 10));
    case 'V': vm_profiles = optarg; break;
    case '1': once = true; break;
    default: die("usage: bench -n N [-k K] [--gen GEN] [--bin DIR] [--work DIR] [--out FILE]");
    }
  }
  if (vm_profiles) return vm_only(vm_profiles, K, once);
  if (N < 1) die("N must be at least 1");
  if (K < 1) K = 1;
  if (K > N) K = N;
  mkdir(work, 0755);
  char gen_default[512], profiles[512], tbc[512], tierc[512], tiervm[512];
  char out_vm[512], out_head[512], out_lua[512], out_jq[512], nbuf[32], ldstart[64];
  snprintf(gen_default, sizeof gen_default, "%s/gen", work);
  if (!gen) gen = gen_default;
  snprintf(profiles, sizeof profiles, "%s/profiles.jsonl", work);
  snprintf(tbc, sizeof tbc, "%s/apn-2019.tbc", work);
  snprintf(tierc, sizeof tierc, "%s/tierc", bin);
  snprintf(tiervm, sizeof tiervm, "%s/tiervm", bin);
  snprintf(out_vm, sizeof out_vm, "%s/tiervm.out", work);
  snprintf(out_head, sizeof out_head, "%s/tiervm-j.out", work);
  snprintf(out_lua, sizeof out_lua, "%s/lua.out", work);
  snprintf(out_jq, sizeof out_jq, "%s/jq.out", work);
  snprintf(nbuf, sizeof nbuf, "%ld", N);
  loadavg(ldstart, sizeof ldstart);
  double t_start = now();

  /* the input */
  progress("generating %ld profiles -> %s", N, profiles);
  struct child ch_gen;
  run_child((char *const[]){(char *)gen, nbuf, "1", "-o", profiles, NULL}, NULL, &ch_gen);
  if (ch_gen.status) die("%s failed (exit status %d)", gen, ch_gen.status);

  /* 5b. reading the file: getline, then fread (the file is in the page cache
   * now); getline again, in turn with rec_parse, in 5a */
  progress("reading the file (getline, fread)");
  long nrec = 0;
  double bytes = 0;
  double t_getline = INFINITY, t_fread = INFINITY;
  for (int pass = 0; pass < 3; pass++) { /* the best of three passes of each */
    t_getline = fmin(t_getline, getline_pass(profiles, &bytes, &nrec));
    FILE *f = fopen(profiles, "rb");
    if (!f) die("cannot open '%s'", profiles);
    static char chunk[1 << 20];
    size_t got, total = 0;
    double t0 = cpu_now();
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) total += got;
    t_fread = fmin(t_fread, cpu_now() - t0);
    fclose(f);
    if ((double)total != bytes) die("fread and getline disagree on the file's size");
  }
  if (nrec != N) die("%s has %ld records, not %ld", profiles, nrec, N);

  /* 3. end to end */
  progress("tierc compile %s -> %s", RULES, tbc);
  struct child ch_tierc, ch_vm, ch_jobs, ch_lua, ch_jq;
  run_child((char *const[]){tierc, "compile", (char *)RULES, "-o", tbc, NULL}, "/dev/null", &ch_tierc);
  if (ch_tierc.status) die("tierc compile failed (exit status %d)", ch_tierc.status);
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  char jobs[32];
  snprintf(jobs, sizeof jobs, "%ld", ncpu > 1 ? ncpu : 2);
  progress("tiervm eval -j 1 and -j %s (end to end, %ld records; best of %d runs of each, taken in turn)", jobs, N, E2E_RUNS);
  struct others oth;
  others_start(&oth);
  for (int r = 0; r < E2E_RUNS; r++) {
    struct child c1, cj;
    run_child((char *const[]){tiervm, "eval", "-j", "1", "--format", "json", tbc, profiles, NULL}, out_vm, &c1);
    run_child((char *const[]){tiervm, "eval", "-j", jobs, "--format", "json", tbc, profiles, NULL}, out_head, &cj);
    if (r == 0 || c1.wall < ch_vm.wall) ch_vm = c1;
    if (r == 0 || cj.wall < ch_jobs.wall) ch_jobs = cj;
    if (c1.status) mismatch("tiervm eval exited with status %d", c1.status);
    if (cj.status) mismatch("tiervm eval -j %s exited with status %d", jobs, cj.status);
  }
  double others_e2e = others_share(&oth);
  struct thread_work tw, tw1;
  progress("tiervm eval -j 1 and -j %s under callgrind, each thread's instructions (the first %d records)", jobs, TW_RECORDS);
  count_threads(tiervm, tbc, profiles, "1", work, &tw1);
  count_threads(tiervm, tbc, profiles, jobs, work, &tw);
  /* the main thread's besides its records (par_one, inclusive), from one run */
  unsigned long long serial = tw.all_par && tw.main_par <= tw.main ? tw.main - tw.main_par : 0;
  bool jobs_same = same_file(out_vm, out_head);
  if (!jobs_same) mismatch("tiervm eval -j %s did not write the bytes -j 1 wrote (%s, %s)", jobs, out_vm, out_head);
  /* peak memory against N: generated into a pipe, no file; the highest of
   * MEM_RUNS runs at each N, since how many input blocks the batches in
   * flight hold (1 MiB each) varies from run to run with the threads'
   * timing, not with N: since the input is read 64 KiB at a time, one run
   * in two or three holds a block fewer (6.0 to 6.3 MB against 7.2 to 7.5
   * at either N, 8 runs each), so the highest of 3 was too often a low one
   * (1.15x in one run: 6.3 and 7.3 MB) */
  enum { MEM_RUNS = 5 };
  static const long mem_n[2] = {20000, 200000};
  struct child ch_mem[2] = {{0}};
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < MEM_RUNS; k++) {
      struct child c;
      progress("gen %ld | tiervm eval -j %s (peak memory, run %d of %d)", mem_n[i], jobs, k + 1, (int)MEM_RUNS);
      run_generated(gen, mem_n[i], (char *const[]){tiervm, "eval", "-j", jobs, "--format", "json", tbc, "-", NULL}, "/dev/null",
                    &c);
      if (c.status) mismatch("gen %ld | tiervm eval exited with status %d", mem_n[i], c.status);
      if (c.maxrss_kb > ch_mem[i].maxrss_kb) ch_mem[i] = c;
    }
  struct table ref = {0};
  read_tiervm(out_vm, &ref);
  if ((long)ref.n != N) mismatch("tiervm gave %zu results for %ld records", ref.n, N);

  /* 4. the alternatives */
  progress("luajit %s", LUA_SCRIPT);
  others_start(&oth);
  run_child((char *const[]){"luajit", (char *)LUA_SCRIPT, profiles, NULL}, out_lua, &ch_lua);
  double others_lua = others_share(&oth);
  long bad_lua = ch_lua.status ? 1 : 0;
  if (ch_lua.status) mismatch("luajit exited with status %d", ch_lua.status);
  else bad_lua = check_tsv("apn.lua", out_lua, &ref);
  progress("jq -r -f %s", JQ_SCRIPT);
  run_child((char *const[]){"jq", "-r", "-f", (char *)JQ_SCRIPT, profiles, NULL}, out_jq, &ch_jq);
  long bad_jq = ch_jq.status ? 1 : 0;
  if (ch_jq.status) mismatch("jq exited with status %d", ch_jq.status);
  else bad_jq = check_tsv("apn.jq", out_jq, &ref);

  /* in process: the ruleset, the VM, the native evaluator */
  size_t tbclen;
  uint8_t *tbcbytes = slurp(tbc, &tbclen);
  tier_ruleset *rs;
  char err[256];
  if (tier_load(tbcbytes, tbclen, NULL, &rs, err, sizeof err) != TIER_OK) die("tier_load %s: %s", tbc, err);
  free(tbcbytes);
  const struct image *img = rs->img;
  tier_vm *vm = tier_vm_new(rs, NULL);
  if (!vm) die("out of memory");
  struct native nv;
  if (native_init(&nv, img, err, sizeof err) != 0) die("%s", err);

  /* 5a. the JSON reader alone; on each record read, the native evaluator is
   * checked against tiervm, and the first K records are kept packed */
  progress("rec_parse over the file; native evaluator checked on every record");
  struct packed *kept = xmalloc(sizeof *kept * (size_t)K);
  size_t kept_bytes = 0;
  long bad_native = 0, tier_count[5] = {0};
  {
    FILE *f = fopen(profiles, "rb");
    if (!f) die("cannot open '%s'", profiles);
    char *line = NULL;
    size_t cap = 0, i = 0;
    ssize_t len;
    struct record rec;
    while ((len = getline(&line, &cap, f)) > 0) {
      if (blank_line(line, (size_t)len)) continue;
      int rc = rec_parse(vm, line, (size_t)len, &rec);
      if (rc != TIER_OK) die("record %zu: rec_parse: %s at %s", i + 1, tier_vm_error(vm), tier_vm_error_path(vm));
      int t, nx;
      if (native_eval(&nv, &rec, &t, &nx) != 0) die("out of memory");
      char id[128] = "?";
      if (img->id_field >= 0) {
        int64_t h = rec.top[img->fields[img->id_field].slot];
        if (h >= 0 && (uint64_t)h < rec.nstrs) /* texts are counted, not NUL-terminated */
          snprintf(id, sizeof id, "%.*s", (int)(rec.strs[h].n < 127 ? rec.strs[h].n : 127), rec.strs[h].p);
      }
      agree("native", i, &ref, id, nat_name(t), nat_name(nx), &bad_native);
      tier_count[t + 1]++;
      if ((long)i < K) {
        pack_copy(img, &rec, &kept[i]);
        kept_bytes += kept[i].bytes;
      }
      i++;
    }
    free(line);
    fclose(f);
    if (bad_native > 5) mismatch("native: %ld disagreements in all", bad_native);
  }
  /* the timed passes: rec_parse and getline in turn, the best of each */
  progress("rec_parse and getline over the file, %d passes of each in turn", READ_RUNS);
  double t_parse = INFINITY;
  for (int r = 0; r < READ_RUNS; r++) {
    double b;
    long n;
    t_getline = fmin(t_getline, getline_pass(profiles, &b, &n));
    if (b != bytes || n != N) die("getline read %.0f bytes and %ld records, not %.0f and %ld", b, n, bytes, N);
    t_parse = fmin(t_parse, parse_pass(vm, profiles, N));
  }

  /* 1, 2. the VM and the native evaluator on the K packed records */
  progress("VM and native evaluator on %ld packed records", K);
  long bad_packed = 0;
  for (long i = 0; i < K; i++) {
    int rc = vm_evaluate(vm, &kept[i].rec, TIER_NONE);
    if (rc != TIER_OK) die("packed record %ld: vm_evaluate: %s", i + 1, tier_vm_error(vm));
    int t, nx;
    if (native_eval(&nv, &kept[i].rec, &t, &nx) != 0) die("out of memory");
    const char *vt = vm_tier_name(img, vm->ev.tier), *vn = vm_tier_name(img, vm->ev.next);
    if (strcmp(vt, nat_name(t)) || strcmp(vn, nat_name(nx))) {
      if (bad_packed++ < 5)
        mismatch("packed record %ld: VM says %s/%s, native %s/%s", i + 1, vt, vn, nat_name(t), nat_name(nx));
    }
    if ((size_t)i < ref.n) agree("VM on packed copies", (size_t)i, &ref, ref.e[i].id, vt, vn, &bad_packed);
  }
  /* reps: enough passes over the K records for about a second per timing */
  double t0 = cpu_now();
  for (long i = 0; i < K; i++) vm_evaluate(vm, &kept[i].rec, TIER_NONE);
  double one = cpu_now() - t0;
  long reps = one > 0 ? (long)ceil(1.0 / one) : 1;
  if (reps < 1) reps = 1;
  double best_vm = INFINITY, best_nat = INFINITY;
  for (int round = 0; round < 3; round++) {
    uint64_t s = 0;
    t0 = cpu_now();
    for (long r = 0; r < reps; r++)
      for (long i = 0; i < K; i++) {
        if (vm_evaluate(vm, &kept[i].rec, TIER_NONE) != TIER_OK) die("vm_evaluate failed");
        s += (uint64_t)(vm->ev.tier + 1);
      }
    double dt = cpu_now() - t0;
    if (dt < best_vm) best_vm = dt;
    sink += s;
    s = 0;
    t0 = cpu_now();
    for (long r = 0; r < reps; r++)
      for (long i = 0; i < K; i++) {
        int t, nx;
        if (native_eval(&nv, &kept[i].rec, &t, &nx) != 0) die("out of memory");
        s += (uint64_t)(t + 1);
      }
    dt = cpu_now() - t0;
    if (dt < best_nat) best_nat = dt;
    sink += s;
  }

  /* 6. compile time */
  progress("tier_compile of generated rulesets (1,000 and 10,000 requirements)");
  struct compile_m cm1, cm10;
  measure_compile("rules", 1000, 7, &cm1);
  measure_compile("rules", 10000, 3, &cm10);
  progress("the same two compiles under callgrind (instructions inside tier_compile)");
  count_compile(argv[0], work, &cm1);
  count_compile(argv[0], work, &cm10);

  /* 7. the example programs whose rules are in this tree, on N / 20
   * records: a Microsoft profile is checked at up to 185 checkpoints */
  long nprog = N / 20 > 0 ? N / 20 : 1;
  struct program_m pm[NPROGRAMS];
  long bad_programs = 0;
  for (size_t i = 0; i < NPROGRAMS; i++) {
    measure_program(&PROGRAMS[i], nprog, work, tierc, tiervm, jobs, &pm[i]);
    bad_programs += pm[i].bad;
  }

  double t_total = now() - t_start;
  char ldend[64], cpu[128], a[32], b[32];
  loadavg(ldend, sizeof ldend);
  cpu_model(cpu, sizeof cpu);
  struct utsname un;
  if (uname(&un) != 0) snprintf(un.machine, sizeof un.machine, "?");
  time_t wall = time(NULL);
  char when[64];
  strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime(&wall));

  /* ---- report ---- */
  report_file = fopen(out_path, "w");
  if (!report_file) fprintf(stderr, "bench: cannot write '%s': %s (printing only)\n", out_path, strerror(errno));
  say("tierc benchmark (make bench) -- %s\n", when);
  say("machine: %s, %ld CPUs, %s; load average %s at start, %s at end\n", cpu, ncpu, un.machine, ldstart, ldend);
  say("compiler: %s; flags: %s\n", __VERSION__, BENCH_CFLAGS);
  say("input: %ld profiles (tests/bench/gen, seed 1), %.1f MB JSON Lines, %.0f bytes/record on average\n", N,
      bytes / 1e6, bytes / (double)N);
  say("tiers (tiervm = native = Lua = jq): Registered %ld, Select %ld, Advanced %ld, Premier %ld\n", tier_count[1],
      tier_count[2], tier_count[3], tier_count[4]);
  say("times: sections 1-2, 5 and 6 in this process's CPU time (CLOCK_THREAD_CPUTIME_ID), best of several\n"
      "passes where stated; 3, 4 and 7 (other processes) on the wall clock (CLOCK_MONOTONIC), with their CPU\n"
      "time; memory: peak RSS of the process (getrusage)\n\n");

  say("  %-40s %10s %9s %8s\n", "", "records/s", "MB/s", "peak MB");
  say("1-2. evaluation of records already packed in memory (%ld records, %.1f MB packed, best of 3 x %ld passes)\n", K,
      (double)kept_bytes / 1e6, reps);
  double kin = (double)K * (double)reps;
  char note[200];
  row("VM (vm_evaluate)", kin, best_vm, 0, 0, NULL);
  row("native C (tests/bench/native.c)", kin, best_nat, 0, 0, NULL);
  snprintf(note, sizeof note, "VM / native = %.2fx the time per record (target <= 1.5x)", best_vm / best_nat);
  say("  %s\n", note);

  say("3. end to end: tiervm eval apn-2019.tbc PROFILES (JSON Lines in, JSON results out; the best of %d runs of each,\n"
      "   taken in turn)\n",
      E2E_RUNS);
  snprintf(note, sizeof note, "%.2f s wall, %.2f s CPU", ch_vm.wall, ch_vm.cpu);
  row("tiervm eval -j 1", (double)N, ch_vm.wall, bytes, ch_vm.maxrss_kb, note);
  snprintf(note, sizeof note, "%.2f s wall, %.2f s CPU%s", ch_jobs.wall, ch_jobs.cpu, jobs_same ? "" : "  DIFFERENT OUTPUT");
  char what[64];
  snprintf(what, sizeof what, "tiervm eval -j %s", jobs);
  row(what, (double)N, ch_jobs.wall, bytes, ch_jobs.maxrss_kb, note);
  say("  -j %s is %.2fx as fast as -j 1 (target >= 1.8x on 2 cores); the same bytes: %s\n", jobs, ch_vm.wall / ch_jobs.wall,
      jobs_same ? "yes" : "NO");
  say("  CPU time -j %s / -j 1 = %.2fx (what the threads add); %.2f cores busy\n", jobs, ch_jobs.cpu / ch_vm.cpu,
      ch_jobs.cpu / ch_jobs.wall);
  if (others_e2e >= 0)
    say("  other processes took %.1f%% of the CPUs this process may run on while these runs ran (the wall clock is\n"
        "  judged under %.0f%%)\n",
        100 * others_e2e, 100 * OTHERS_IDLE);
  else say("  what other processes took of the CPUs is unknown (/proc/stat): the wall clock is not judged\n");
  double r_jw = 0; /* the speed-up the work allows */
  if (tw.all && tw1.all && serial) {
    double cores = (double)(ncpu > 1 ? ncpu : 2), f = (double)serial / (double)tw.all;
    double floor = fmax((double)tw.all / cores, (double)serial); /* neither the cores nor the serial part go faster */
    r_jw = (double)tw1.all / floor;
    say("  by the work (callgrind, the first %d records; the same on a loaded machine): -j %s runs %.2fx -j 1's\n"
        "  instructions, %.1f%% of them on the main thread besides the records (reading, handing on, writing, the\n"
        "  start), so on %.0f cores it can be at most %.2fx as fast as -j 1\n"
        "  (serial = the main thread's instructions %.1f M minus its par_one, inclusive, %.1f M, both from one\n"
        "  callgrind run: --separate-threads=yes, then callgrind_annotate --inclusive=yes on the main thread's file)\n",
        TW_RECORDS, jobs, (double)tw.all / (double)tw1.all, 100 * f, cores, r_jw, tw.main / 1e6, tw.main_par / 1e6);
  } else {
    say("  by the work: not counted (valgrind or callgrind_annotate is not installed or failed, or no thread of\n"
        "  tiervm ran par_one)\n");
  }
  say("  peak memory, gen N | tiervm eval -j %s (the highest of %d runs each): %.1f MB at N=%ld, %.1f MB at N=%ld (%+.1f%%; "
      "target within 10%%)\n",
      jobs, (int)MEM_RUNS, ch_mem[0].maxrss_kb / 1024.0, mem_n[0], ch_mem[1].maxrss_kb / 1024.0, mem_n[1],
      100.0 * ((double)ch_mem[1].maxrss_kb / (double)ch_mem[0].maxrss_kb - 1));

  say("4. the alternatives on the same file (tier and next per record, checked against tiervm)\n");
  snprintf(note, sizeof note, "%.2f s wall, %.2f s CPU%s", ch_lua.wall, ch_lua.cpu, bad_lua ? "  DISAGREES" : "");
  row("LuaJIT + lua-cjson (apn.lua)", (double)N, ch_lua.wall, bytes, ch_lua.maxrss_kb, note);
  snprintf(note, sizeof note, "%.2f s wall, %.2f s CPU%s", ch_jq.wall, ch_jq.cpu, bad_jq ? "  DISAGREES" : "");
  row("jq (apn.jq)", (double)N, ch_jq.wall, bytes, ch_jq.maxrss_kb, note);
  say("  tiervm -j 1 is %.2fx as fast as LuaJIT and %.2fx as fast as jq; tiervm -j %s %.2fx and %.2fx (target >= 10x LuaJIT)\n",
      ch_lua.wall / ch_vm.wall, ch_jq.wall / ch_vm.wall, jobs, ch_lua.wall / ch_jobs.wall, ch_jq.wall / ch_jobs.wall);
  say("  in CPU time (what a loaded machine does not stretch): LuaJIT takes %.2fx and jq %.2fx what tiervm -j 1 takes\n",
      ch_lua.cpu / ch_vm.cpu, ch_jq.cpu / ch_vm.cpu);
  if (others_lua >= 0) say("  other processes took %.1f%% of the CPUs while LuaJIT ran\n", 100 * others_lua);

  say("5. reading JSON: the reader alone against reading the file\n");
  say("   (CPU time; rec_parse and getline the best of %d passes each, taken in turn, and getline's 3 before;\n"
      "   rec_parse's time is inside rec_parse only, %d records to a pair of clock reads)\n",
      READ_RUNS, READ_BATCH);
  row("rec_parse (JSON -> packed record)", (double)N, t_parse, bytes, 0, "time inside rec_parse only");
  row("getline only", (double)N, t_getline, bytes, 0, NULL);
  row("fread only (1 MiB blocks)", (double)N, t_fread, bytes, 0, NULL);
  say("  rec_parse takes %.1fx the time of getline; its time is %.0f%% of tiervm -j 1's CPU time end to end\n",
      t_parse / t_getline, 100.0 * t_parse / ch_vm.cpu);

  say("6. compile time of generated rulesets (tier_compile, in memory; tiers of 50 requirements)\n");
  const struct compile_m *cms[2] = {&cm1, &cm10};
  for (int i = 0; i < 2; i++)
    say("  %6d requirements: %8.1f ms best, %8.1f ms median of %d  (%s source bytes, %s bytecode bytes, %zu warnings)\n",
        cms[i]->nreq, cms[i]->best * 1e3, cms[i]->median * 1e3, cms[i]->runs, human((double)cms[i]->src_bytes, a, sizeof a),
        human((double)cms[i]->tbc_bytes, b, sizeof b), cms[i]->warnings);
  say("  10,000 / 1,000 = %.2fx the CPU time for 10x the requirements (the shared machine's caches stretch the larger)\n",
      cm10.best / cm1.best);
  if (cm1.work && cm10.work)
    say("  work (callgrind, instructions inside tier_compile): %.1f M and %.1f M, 10,000 / 1,000 = %.2fx (10x = linear)\n",
        (double)cm1.work / 1e6, (double)cm10.work / 1e6, (double)cm10.work / (double)cm1.work);
  else say("  work: not counted (valgrind is not installed or failed), so linearity is not judged\n");
  say("  (tierc compile rules/apn-2019.tier, whole process: %.1f ms)\n", ch_tierc.wall * 1e3);

  say("7. the example programs (examples/programs: each one's sample profiles repeated to %ld records or more)\n", nprog);
  for (size_t i = 0; i < NPROGRAMS; i++) {
    const struct program_m *m = &pm[i];
    if (m->why[0]) {
      say("  %s: not measured: %s\n", PROGRAMS[i].name, m->why);
      continue;
    }
    snprintf(what, sizeof what, "%s, -j 1", PROGRAMS[i].name);
    snprintf(note, sizeof note, "%.2f s wall, %.2f s CPU", m->one.wall, m->one.cpu);
    /* no peak memory: a child forked this late inherits this process's
     * (the packed records, the compiled rulesets), which getrusage counts */
    row(what, (double)m->records, m->one.wall, m->bytes, 0, note);
    snprintf(what, sizeof what, "%s, -j %s", PROGRAMS[i].name, jobs);
    snprintf(note, sizeof note, "%.2f s wall, %.2f s CPU; %.2fx as fast%s; the oracle's results: %s", m->many.wall, m->many.cpu,
             m->one.wall / m->many.wall, m->one.wall < 0.1 ? " (under 0.1 s: start-up, not speed)" : "", m->bad ? "NO" : "yes");
    row(what, (double)m->records, m->many.wall, m->bytes, 0, note);
  }

  /* the targets of issue 16, each from this run */
  double r_vm = best_vm / best_nat, r_rd = t_parse / t_getline, r_j = ch_vm.wall / ch_jobs.wall,
         r_lua = ch_lua.wall / ch_jobs.wall, r_mem = (double)ch_mem[1].maxrss_kb / (double)ch_mem[0].maxrss_kb,
         r_cc = cm1.work && cm10.work ? (double)cm10.work / (double)cm1.work : 0;
  say("\ntargets (ratios from this run; what other processes took of the CPUs is above)\n");
  say("  %-44s %8.2fx  target <= 1.5x   %s\n", "VM / native C (packed records)", r_vm, r_vm <= 1.5 ? "met" : "NOT MET");
  say("  %-44s %8.2fx  target <= 4x     %s\n", "rec_parse / getline", r_rd, r_rd <= 4 ? "met" : "NOT MET");
  /* the wall clock is judged only when other processes left the CPUs
   * alone while the runs ran (others_share): another busy process
   * stretches a run, or, taking a core from -j 1 but not all of -j N's
   * threads, flatters the speed-up (2.18x at a load of 11) */
  bool idle = others_e2e >= 0 && others_e2e < OTHERS_IDLE; /* unknown: not idle */
  bool idle_lua = idle && others_lua >= 0 && others_lua < OTHERS_IDLE;
  char why[96], why_lua[96];
  share_why(why, sizeof why, others_e2e);
  share_why(why_lua, sizeof why_lua, idle ? others_lua : others_e2e);
  say("  %-44s %8.2fx  target >= 1.8x   %s\n", "-j N / -j 1 speed-up, wall clock", r_j, verdict(idle, r_j >= 1.8, why));
  if (r_jw > 0)
    say("  %-44s %8.2fx  (the most the work allows: callgrind, %.1f%% serial on the main thread)\n", "  by the work", r_jw,
        100.0 * (double)serial / (double)tw.all);
  say("  %-44s %8.2fx  target >= 10x    %s\n", "tiervm -j N / LuaJIT + lua-cjson, wall clock", r_lua,
      verdict(idle_lua, r_lua >= 10, why_lua));
  say("  %-44s %8.2fx  (LuaJIT's CPU time over tiervm -j N's; over -j 1's %.2fx)\n", "  in CPU time", ch_lua.cpu / ch_jobs.cpu,
      ch_lua.cpu / ch_vm.cpu);
  say("  %-44s %8.2fx  target <= 1.10x  %s\n", "peak memory 200,000 / 20,000 records", r_mem, r_mem <= 1.10 ? "met" : "NOT MET");
  /* judged by the work, not the CPU time: 10% over 10x is still linear */
  if (r_cc > 0)
    say("  %-44s %8.2fx  target ~10x      %s\n", "compile work 10,000 / 1,000 requirements", r_cc,
        r_cc <= 11 ? "linear" : "NOT LINEAR");
  else say("  %-44s %9s  target ~10x      not judged (no callgrind count)\n", "compile work 10,000 / 1,000 requirements", "-");

  say("\nchecks: native %s, VM on packed copies %s, apn.lua %s, apn.jq %s (tier and next for each of %ld records); -j %s output "
      "%s; "
      "example programs %s\n",
      bad_native ? "DISAGREES" : "agrees", bad_packed ? "DISAGREES" : "agrees", bad_lua ? "DISAGREES" : "agrees",
      bad_jq ? "DISAGREES" : "agrees", N, jobs, jobs_same ? "identical to -j 1" : "DIFFERS from -j 1",
      bad_programs ? "DISAGREE with the oracle (tier, next, badges)" : "agree with the oracle (tier, next, badges)");
  say("whole benchmark: %.0f s (generating the input: %.1f s)\n", t_total, ch_gen.wall);
  if (failures) say("\nBENCHMARK FAILED: %d disagreement(s) or failure(s); see the MISMATCH lines above\n", failures);
  if (report_file) fclose(report_file);

  for (long i = 0; i < K; i++) free(kept[i].mem);
  free(kept);
  free_table(&ref);
  native_free(&nv);
  tier_vm_free(vm);
  tier_ruleset_free(rs);
  if (failures) {
    fprintf(stderr, "bench: FAILED: %d disagreement(s); inputs and outputs kept in %s\n", failures, work);
    return 1;
  }
  remove(profiles); /* hundreds of MB at the default N */
  remove(out_vm);
  remove(out_head);
  return 0;
}
