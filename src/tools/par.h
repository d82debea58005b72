/*
 * par.h - records evaluated on several threads, their output written in
 * input order (tiervm eval -j N).
 *
 * The main thread reads records and hands them on in batches: a record's
 * text stays in the block its input read it into (tier_input_hold), and
 * the batch holds that block until the batch is written; only a record of
 * no known input (rec.in NULL), or one whose block cannot be held, is
 * copied into the batch, as is a bad element's message.  nthreads threads
 * render the batches, the main thread one of them: nthreads - 1 are
 * started, and the main thread, when it would wait (every batch in
 * flight, or draining), renders the next batch handed on itself.  A
 * thread renders every record of a batch into the batch's own buffer with
 * its own state (a VM and a renderer: nothing is shared but the read-only
 * ruleset), and marks it done; the main thread writes done batches
 * strictly in the order they were filled, so the output is byte for byte
 * what one thread writes, whatever the timing.  Memory is bounded by the
 * batches in flight (two per thread), each about PAR_BATCH_BYTES of
 * record text plus its longest record, and the input blocks they hold.
 */
#ifndef TIER_PAR_H
#define TIER_PAR_H

#include <stdbool.h>
#include <stdio.h>

#include "tier.h"

/* One record as a command sees it. */
struct rec {
  const char *text;        /* NULL: a structurally bad element, err says why */
  size_t len;
  long line, col;          /* where it starts in its input */
  const char *err;
  const char *file;        /* the input it came from */
  tier_input *in;          /* text is that input's last record: par_add holds it there
                            * (tier_input_hold) instead of copying it; NULL: copied */
  tier_buf *side;          /* on a worker: what it hands the main thread beside the
                            * output, in input order (par_ops.side) */
};

/* A command's work on one record, on any of the threads (the main thread
 * too).  make is called on the main thread once per worker (NULL: out of
 * memory); one renders record number `record` into out using only the
 * worker's own state w. */
struct par_ops {
  void *(*make)(void *ctx);
  void (*drop)(void *w);
  void (*one)(void *w, const struct rec *r, long record, tier_buf *out);
  /* Optional: where the output goes, on the main thread and in input
   * order, with par_new's ctx (NULL: written to par_add's FILE). */
  void (*write)(void *ctx, const char *s, size_t n);
  /* Optional: what one wrote to its record's side buffer, a batch at a
   * time, on the main thread and in input order, before the batch's
   * output is written (tiervm eval: the records' undeclared keys, counted
   * as one thread would, tier_vm_unknown_take). */
  void (*side)(void *ctx, const char *s, size_t n);
};

struct par;

/* nthreads workers (at least 2), the main thread one of them; NULL when
 * out of memory or a thread could not be started. */
struct par *par_new(int nthreads, const struct par_ops *ops, void *ctx);
/* Hand on record number `record`: its text held in r->in's block (copied
 * when r->in is NULL or the block cannot be held); output finished so far
 * is written to out.  false: out of memory (the record is lost). */
bool par_add(struct par *p, const struct rec *r, long record, FILE *out);
/* Wait for every record handed on and write the rest of the output. */
void par_drain(struct par *p, FILE *out);
/* Whether some output was lost (out of memory building it). */
bool par_failed(const struct par *p);
/* Drain, stop the workers and free everything; w of each worker is given
 * to ops->drop after its thread has ended. */
void par_free(struct par *p, FILE *out);
/* The worker states, for a command to gather what they counted (after
 * par_drain); n workers. */
void *par_worker(const struct par *p, int i);

#endif
