/*
 * par.c - records evaluated on several threads, written in input order;
 * see par.h.  One mutex and one condition variable guard the batches'
 * states; a batch moves FREE -> (filled by the main thread) READY -> (a
 * worker renders it) DONE -> (the main thread writes it) FREE.  Batches are
 * taken, and written, by their sequence number, so the slot of number s is
 * s % nb and nothing is ever reordered.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "par.h"

#define PAR_BATCH_RECORDS 64      /* records in a batch, at most */
#define PAR_BATCH_BYTES (1u << 20) /* record text in a batch: a batch is full once past it */

enum { B_FREE, B_READY, B_DONE };

/* A record in a batch: its text is at text + off in the batch's buffer.
 * A structurally bad element has no text; its message (which does not
 * outlive the reader's next record) is copied there instead, with its NUL.
 * So a batch holds its records in two arrays it keeps from one batch to the
 * next, and a record costs no allocation: memory is flat in the number of
 * records even under ASan, whose quarantine holds on to every freed block
 * (tests/unit/test_stream.c, memory_flat). */
struct item {
  size_t off, len;         /* bad: off is the message's place, or NO_MESSAGE */
  long line, col, record;
  const char *file;
  bool bad;                /* a structurally bad element (text NULL) */
};

#define NO_MESSAGE SIZE_MAX

struct batch {
  int state;
  char *text;
  size_t len, cap;
  struct item *items;
  size_t n;
  tier_buf *out;
};

struct par {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct batch *b;
  int nb;
  unsigned long filled;    /* batches handed to the workers */
  unsigned long taken;     /* batches a worker has taken */
  unsigned long written;   /* batches written out */
  bool quit;
  bool failed;             /* output lost: out of memory */
  pthread_t *th;
  int nth, started;
  void **w;                /* each worker's state */
  const struct par_ops *ops;
  void *ctx; /* par_new's, for ops->write */
};

struct worker_arg { struct par *p; int i; };

/* Render every record of a batch into its buffer with worker state w. */
static void render(struct par *p, void *w, struct batch *b) {
  for (size_t i = 0; i < b->n; i++) {
    const struct item *it = &b->items[i];
    const char *at = it->off == NO_MESSAGE ? NULL : b->text + it->off;
    struct rec r = {it->bad ? NULL : at, it->len, it->line, it->col, it->bad ? at : NULL, it->file};
    p->ops->one(w, &r, it->record, b->out);
  }
}

static void *worker(void *arg) {
  struct par *p = ((struct worker_arg *)arg)->p;
  void *w = p->w[((struct worker_arg *)arg)->i];
  free(arg);
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->quit && p->taken == p->filled) pthread_cond_wait(&p->cv, &p->mu);
    if (p->taken == p->filled) break; /* quit, and nothing left */
    struct batch *b = &p->b[p->taken++ % (unsigned long)p->nb];
    pthread_mutex_unlock(&p->mu);
    render(p, w, b);
    pthread_mutex_lock(&p->mu);
    b->state = B_DONE;
    pthread_cond_broadcast(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* Write the done batches that are next in order (the lock held). */
static void write_done(struct par *p, FILE *out) {
  for (;;) {
    struct batch *b = &p->b[p->written % (unsigned long)p->nb];
    if (p->written == p->filled || b->state != B_DONE) return;
    size_t n;
    const char *t = tier_buf_text(b->out, &n);
    if (t && p->ops->write) p->ops->write(p->ctx, t, n);
    else if (t) fwrite(t, 1, n, out);
    else p->failed = true;
    tier_buf_clear(b->out);
    b->n = b->len = 0;
    b->state = B_FREE;
    p->written++;
  }
}

/* Hand the batch being filled to the workers, if it has records.  The
 * next slot may still hold a batch in flight (a full batch was just
 * handed on and open_batch has not waited for its successor's slot yet):
 * only a FREE slot is being filled, so only a FREE slot is handed on. */
static void submit(struct par *p) {
  struct batch *b = &p->b[p->filled % (unsigned long)p->nb];
  pthread_mutex_lock(&p->mu);
  if (b->state == B_FREE && b->n > 0) {
    b->state = B_READY;
    p->filled++;
    pthread_cond_broadcast(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
}

/* The batch to fill next, once the slot is free: meanwhile, write what is done. */
static struct batch *open_batch(struct par *p, FILE *out) {
  struct batch *b = &p->b[p->filled % (unsigned long)p->nb];
  pthread_mutex_lock(&p->mu);
  for (;;) {
    write_done(p, out);
    if (b->state == B_FREE) break;
    pthread_cond_wait(&p->cv, &p->mu);
  }
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

bool par_add(struct par *p, const struct rec *r, long record, FILE *out) {
  struct batch *b = open_batch(p, out);
  if (!b->items && !(b->items = malloc(PAR_BATCH_RECORDS * sizeof *b->items))) return false;
  size_t off = NO_MESSAGE;
  if (r->text || r->err) {
    off = r->text ? append(b, r->text, r->len) : append(b, r->err, strlen(r->err) + 1);
    if (off == NO_MESSAGE) return false;
  }
  b->items[b->n++] = (struct item){off, r->len, r->line, r->col, record, r->file, r->text == NULL};
  if (b->n == PAR_BATCH_RECORDS || b->len >= PAR_BATCH_BYTES) submit(p);
  return true;
}

void par_drain(struct par *p, FILE *out) {
  submit(p);
  pthread_mutex_lock(&p->mu);
  for (;;) {
    write_done(p, out);
    if (p->written == p->filled) break;
    pthread_cond_wait(&p->cv, &p->mu);
  }
  pthread_mutex_unlock(&p->mu);
}

bool par_failed(const struct par *p) { return p->failed; }

void *par_worker(const struct par *p, int i) { return p->w[i]; }

void par_free(struct par *p, FILE *out) {
  if (!p) return;
  if (p->started == p->nth) par_drain(p, out);
  pthread_mutex_lock(&p->mu);
  p->quit = true;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  for (int i = 0; i < p->started; i++) pthread_join(p->th[i], NULL);
  for (int i = 0; p->w && i < p->nth; i++)
    if (p->w[i]) p->ops->drop(p->w[i]);
  for (int i = 0; p->b && i < p->nb; i++) {
    struct batch *b = &p->b[i];
    free(b->items);
    free(b->text);
    tier_buf_free(b->out);
  }
  pthread_cond_destroy(&p->cv);
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
  pthread_cond_init(&p->cv, NULL);
  p->b = calloc((size_t)p->nb, sizeof *p->b);
  p->th = calloc((size_t)nthreads, sizeof *p->th);
  p->w = calloc((size_t)nthreads, sizeof *p->w);
  bool ok = p->b && p->th && p->w;
  for (int i = 0; ok && i < p->nb; i++) ok = (p->b[i].out = tier_buf_new(NULL)) != NULL;
  for (int i = 0; ok && i < nthreads; i++) ok = (p->w[i] = ops->make(ctx)) != NULL;
  for (int i = 0; ok && i < nthreads; i++) {
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
