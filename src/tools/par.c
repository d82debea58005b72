/*
 * par.c - records evaluated on several threads, written in input order;
 * see par.h.  One mutex guards the batches' states; a batch moves FREE ->
 * (filled by the main thread) READY -> (a worker renders it) DONE -> (the
 * main thread writes it) FREE.  Batches are taken, and written, by their
 * sequence number, so the slot of number s is s % nb and nothing is ever
 * reordered.  With -j N there are N threads, not N + 1: the main thread
 * is a worker too, and renders the next batch handed on whenever it would
 * otherwise wait (every slot in flight, or the drain), so that no thread
 * takes a core from another to read (docs/design-notes.md, "Every core").
 * Two condition variables, so that a thread is woken only when it can go
 * on: a worker waits on `work` for a batch to be handed on, the main
 * thread on `done` for the batch it writes next, and only when no batch
 * is waiting to be taken; and the main thread writes with the mutex
 * released, so that a worker that has finished a batch never waits for
 * the output.
 */
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "par.h"

/* Batches are small, so that the records in flight (2 batches a thread)
 * stay in a core's cache between the read and the render: at most 32
 * records and 0.5 ms of work, about 0.3 MB of the benchmark's profiles
 * (64 and 1 ms took 3 to 4% more CPU time on -j 2; docs/design-notes.md,
 * "Every core"). */
#define PAR_BATCH_RECORDS 32       /* records in a batch, at most */
#define PAR_FIRST_RECORDS 8        /* in the first batch, so that the workers start soon: 8, 16, then 32 */
#define PAR_BATCH_NS 500000        /* once records have been timed: about this much work (ns of CPU time) a batch */
#define PAR_BATCH_BYTES (1u << 19) /* record text in a batch: a batch is full once past it */
#define PAR_TIMED 8                /* once records have been timed, one batch in this many is timed */

_Static_assert(PAR_FIRST_RECORDS * 2 <= PAR_BATCH_RECORDS, "the first two batches fit in a batch's items");

enum { B_FREE, B_READY, B_DONE };

/* A record in a batch: its text is held where its input read it (text),
 * or, for a record of no known input, copied to b->text + off.  A
 * structurally bad element has no text; its message (which does not
 * outlive the reader's next record) is copied instead, with its NUL.  So a
 * batch holds its records in arrays it keeps from one batch to the next,
 * and a record costs no allocation: memory is flat in the number of
 * records even under ASan, whose quarantine holds on to every freed block
 * (tests/unit/test_stream.c, memory_flat). */
struct item {
  const char *text; /* held in its input's block; NULL: at off */
  size_t off, len;  /* off: the copy's or bad's message's place, or NO_MESSAGE */
  long line, col, record;
  const char *file;
  bool bad;                /* a structurally bad element (text NULL) */
};

#define NO_MESSAGE SIZE_MAX

struct batch {
  int state;
  char *text; /* copies */
  size_t len, cap;
  size_t size; /* record bytes in the batch, held or copied */
  struct item *items;
  size_t n, most;    /* records in it; it is handed on at most */
  tier_hold **holds; /* the input blocks its records are in, each once */
  size_t nholds, holds_cap;
  tier_buf *out, *side;
};

struct par {
  pthread_mutex_t mu;
  pthread_cond_t work; /* workers wait here for a batch */
  pthread_cond_t done; /* the main thread waits here for batch number `written` */
  struct batch *b;
  int nb;
  unsigned long filled;    /* batches handed to the workers */
  unsigned long taken;     /* batches a worker has taken */
  unsigned long written;   /* batches written out */
  bool quit;
  bool waiting;            /* the main thread waits on done */
  uint64_t record_ns;      /* a record's CPU time, averaged over the last batches timed; 0: none timed yet */
  bool failed;             /* output lost: out of memory */
  pthread_t *th;
  int nth, started;        /* workers' states, threads started (nth - 1: the last state is the main thread's) */
  void **w;                /* each worker's state */
  const struct par_ops *ops;
  void *ctx; /* par_new's, for ops->write */
};

struct worker_arg { struct par *p; int i; };

/* Render every record of a batch into its buffer with worker state w. */
static void render(struct par *p, void *w, struct batch *b) {
  for (size_t i = 0; i < b->n; i++) {
    const struct item *it = &b->items[i];
    const char *at = it->text ? it->text : it->off == NO_MESSAGE ? NULL : b->text + it->off;
    struct rec r = {it->bad ? NULL : at, it->len, it->line, it->col, it->bad ? at : NULL, it->file, NULL, b->side};
    p->ops->one(w, &r, it->record, b->out);
  }
}

static struct batch *slot(const struct par *p, unsigned long seq) { return &p->b[seq % (unsigned long)p->nb]; }

/* This thread's CPU time in ns (not the wall clock: on a loaded machine
 * that counts the time others had the core).  It is a system call (the
 * kernel's clock of the thread, under the run queue's lock), so not every
 * batch is timed (two calls for each of the benchmark's 630 batches were
 * about 0.5% of -j 2's CPU time). */
static uint64_t cpu_ns(void) {
  struct timespec t;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return 0;
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* A record's time, from a batch of n that took ns (the lock held). */
static void timed(struct par *p, uint64_t ns, size_t n) {
  uint64_t one = ns / (n ? n : 1) + 1;
  p->record_ns = p->record_ns ? (3 * p->record_ns + one) / 4 : one;
}

/* How many records the next batch takes (the lock held): few at first, so
 * that every worker starts soon; then about PAR_BATCH_NS of work, so that
 * when records are slow (the Microsoft program's take milliseconds) the
 * last batches do not leave a worker alone with many of them. */
static size_t batch_most(const struct par *p) {
  if (!p->record_ns) return p->filled < 2 ? (size_t)PAR_FIRST_RECORDS << p->filled : PAR_BATCH_RECORDS;
  uint64_t n = PAR_BATCH_NS / p->record_ns;
  return n < 1 ? 1 : n > PAR_BATCH_RECORDS ? PAR_BATCH_RECORDS : (size_t)n;
}

/* Take the next batch handed on and render it with worker state w (the
 * lock held, and let go meanwhile); false when none is waiting. */
static bool take(struct par *p, void *w) {
  if (p->taken == p->filled) return false;
  unsigned long seq = p->taken++;
  struct batch *b = slot(p, seq);
  bool timing = !p->record_ns || seq % PAR_TIMED == 0;
  pthread_mutex_unlock(&p->mu);
  uint64_t t0 = timing ? cpu_ns() : 0;
  render(p, w, b);
  uint64_t t1 = timing ? cpu_ns() : 0;
  pthread_mutex_lock(&p->mu);
  if (timing) timed(p, t1 - t0, b->n);
  b->state = B_DONE;
  if (p->waiting && seq == p->written) pthread_cond_signal(&p->done); /* the one it waits for */
  return true;
}

static void *worker(void *arg) {
  struct par *p = ((struct worker_arg *)arg)->p;
  void *w = p->w[((struct worker_arg *)arg)->i];
  free(arg);
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->quit && p->taken == p->filled) pthread_cond_wait(&p->work, &p->mu);
    if (!take(p, w)) break; /* quit, and nothing left */
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* Empty a batch: its records' blocks are let go. */
static void let_go(struct batch *b) {
  for (size_t i = 0; i < b->nholds; i++) tier_input_release(b->holds[i]);
  b->nholds = b->n = b->len = b->size = 0;
}

/* Write batches first..last-1 (DONE, so no worker touches them) and empty them. */
static void write_out(struct par *p, unsigned long first, unsigned long last, FILE *out) {
  for (unsigned long s = first; s < last; s++) {
    struct batch *b = slot(p, s);
    size_t n;
    const char *t = tier_buf_text(b->side, &n);
    if (!t) p->failed = true;
    else if (n && p->ops->side) p->ops->side(p->ctx, t, n);
    tier_buf_clear(b->side);
    t = tier_buf_text(b->out, &n);
    if (t && p->ops->write) p->ops->write(p->ctx, t, n);
    else if (t) fwrite(t, 1, n, out);
    else p->failed = true;
    tier_buf_clear(b->out);
    let_go(b);
  }
}

/* Write the done batches that are next in order.  Called with the lock
 * held, and returns with it held; it is let go while writing. */
static void write_done(struct par *p, FILE *out) {
  for (;;) {
    unsigned long last = p->written;
    while (last < p->filled && slot(p, last)->state == B_DONE) last++;
    if (last == p->written) return;
    pthread_mutex_unlock(&p->mu);
    write_out(p, p->written, last, out);
    pthread_mutex_lock(&p->mu);
    for (unsigned long s = p->written; s < last; s++) slot(p, s)->state = B_FREE;
    p->written = last;
  }
}

/* Wait (the lock held) for batch number `written` to be done; meanwhile
 * the main thread renders a batch handed on itself, when one is waiting. */
static void wait_done(struct par *p) {
  if (take(p, p->w[p->nth - 1])) return;
  p->waiting = true;
  pthread_cond_wait(&p->done, &p->mu);
  p->waiting = false;
}

/* Hand the batch being filled to the workers, if it has records.  The
 * next slot may still hold a batch in flight (a full batch was just
 * handed on and open_batch has not waited for its successor's slot yet):
 * only a FREE slot is being filled, so only a FREE slot is handed on. */
static void submit(struct par *p) {
  struct batch *b = slot(p, p->filled);
  pthread_mutex_lock(&p->mu);
  if (b->state == B_FREE && b->n > 0) {
    b->state = B_READY;
    p->filled++;
    pthread_cond_signal(&p->work);
  }
  pthread_mutex_unlock(&p->mu);
}

/* The batch to fill next, once the slot is free: meanwhile, write what is done. */
static struct batch *open_batch(struct par *p, FILE *out) {
  struct batch *b = slot(p, p->filled);
  pthread_mutex_lock(&p->mu);
  for (;;) {
    write_done(p, out);
    if (b->state == B_FREE) break;
    wait_done(p);
  }
  if (b->n == 0) b->most = batch_most(p);
  pthread_mutex_unlock(&p->mu);
  return b;
}

static bool reserve(void **a, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return true;
  size_t c = *cap ? *cap : 16;
  while (c < need) c *= 2;
  void *q = realloc(*a, c * elem);
  if (!q) return false;
  *a = q;
  *cap = c;
  return true;
}

/* Copy n bytes to the end of a batch's text; their place, or NO_MESSAGE
 * when out of memory. */
static size_t append(struct batch *b, const char *s, size_t n) {
  if (n == 0) return b->len;
  if (!reserve((void **)&b->text, &b->cap, b->len + n, 1)) return NO_MESSAGE;
  memcpy(b->text + b->len, s, n);
  b->len += n;
  return b->len - n;
}

/* Hold r's text in its input's block for batch b: false when it cannot be
 * (then it is copied).  Each block is held once per batch. */
static bool hold(struct batch *b, const struct rec *r) {
  if (!r->in || !r->text || !reserve((void **)&b->holds, &b->holds_cap, b->nholds + 1, sizeof *b->holds)) return false;
  tier_hold *h = tier_input_hold(r->in);
  if (!h) return false;
  if (b->nholds && b->holds[b->nholds - 1] == h) tier_input_release(h); /* held already */
  else b->holds[b->nholds++] = h;
  return true;
}

bool par_add(struct par *p, const struct rec *r, long record, FILE *out) {
  struct batch *b = open_batch(p, out);
  if (!b->items && !(b->items = malloc(PAR_BATCH_RECORDS * sizeof *b->items))) return false;
  bool held = hold(b, r);
  size_t off = NO_MESSAGE;
  if (!held && (r->text || r->err)) {
    off = r->text ? append(b, r->text, r->len) : append(b, r->err, strlen(r->err) + 1);
    if (off == NO_MESSAGE) return false;
  }
  b->items[b->n++] = (struct item){held ? r->text : NULL, off, r->len, r->line, r->col, record, r->file, r->text == NULL};
  b->size += r->len;
  if (b->n >= b->most || b->size >= PAR_BATCH_BYTES) submit(p);
  return true;
}

void par_drain(struct par *p, FILE *out) {
  submit(p);
  pthread_mutex_lock(&p->mu);
  for (;;) {
    write_done(p, out);
    if (p->written == p->filled) break;
    wait_done(p);
  }
  pthread_mutex_unlock(&p->mu);
}

bool par_failed(const struct par *p) { return p->failed; }

void *par_worker(const struct par *p, int i) { return p->w[i]; }

void par_free(struct par *p, FILE *out) {
  if (!p) return;
  if (p->started == p->nth - 1) par_drain(p, out);
  pthread_mutex_lock(&p->mu);
  p->quit = true;
  pthread_cond_broadcast(&p->work);
  pthread_mutex_unlock(&p->mu);
  for (int i = 0; i < p->started; i++) pthread_join(p->th[i], NULL);
  for (int i = 0; p->w && i < p->nth; i++)
    if (p->w[i]) p->ops->drop(p->w[i]);
  for (int i = 0; p->b && i < p->nb; i++) {
    struct batch *b = &p->b[i];
    let_go(b); /* none when drained */
    free(b->holds);
    free(b->items);
    free(b->text);
    tier_buf_free(b->out);
    tier_buf_free(b->side);
  }
  pthread_cond_destroy(&p->work);
  pthread_cond_destroy(&p->done);
  pthread_mutex_destroy(&p->mu);
  free(p->b);
  free(p->th);
  free(p->w);
  free(p);
}

struct par *par_new(int nthreads, const struct par_ops *ops, void *ctx) {
  struct par *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->ops = ops;
  p->ctx = ctx;
  p->nth = nthreads;
  p->nb = 2 * nthreads;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->work, NULL);
  pthread_cond_init(&p->done, NULL);
  p->b = calloc((size_t)p->nb, sizeof *p->b);
  p->th = calloc((size_t)nthreads, sizeof *p->th);
  p->w = calloc((size_t)nthreads, sizeof *p->w);
  bool ok = p->b && p->th && p->w;
  for (int i = 0; ok && i < p->nb; i++)
    ok = (p->b[i].out = tier_buf_new(NULL)) != NULL && (p->b[i].side = tier_buf_new(NULL)) != NULL;
  for (int i = 0; ok && i < nthreads; i++) ok = (p->w[i] = ops->make(ctx)) != NULL;
  for (int i = 0; ok && i < nthreads - 1; i++) {
    struct worker_arg *a = malloc(sizeof *a);
    ok = a != NULL;
    if (a) *a = (struct worker_arg){p, i};
    if (ok && pthread_create(&p->th[i], NULL, worker, a) != 0) {
      free(a);
      ok = false;
    }
    if (ok) p->started++;
  }
  if (!ok) {
    par_free(p, NULL);
    return NULL;
  }
  return p;
}
