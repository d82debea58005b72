/*
 * par.h - records evaluated on several threads, their output written in
 * input order (tiervm eval -j N).
 *
 * The main thread reads records and copies them into batches; each worker
 * takes the next full batch, renders every record of it into the batch's
 * own buffer with its own state (a VM and a renderer: nothing is shared
 * but the read-only ruleset), and marks it done; the main thread writes
 * done batches strictly in the order they were filled.  The main thread
 * is one of the workers: when it would wait (every batch in flight, or
 * draining), it renders the next batch itself, so nthreads workers run on
 * nthreads threads, the main thread and nthreads - 1 started.  So the
 * output is byte for byte what one thread writes, whatever the timing.
 * A record's text is held in its input's block (tier_input_hold) until its
 * batch is written, not copied, when the record says which input it is.
 * Memory is bounded by the batches in flight (two per worker), each about
 * PAR_BATCH_BYTES plus its longest record, and the blocks they hold.
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

/* A command's work on one record, on a worker thread.  make is called on
 * the main thread once per worker (NULL: out of memory); one renders record
 * number `record` into out using only the worker's own state w. */
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
/* Hand on record number `record` (copied); output finished so far is
 * written to out.  false: out of memory (the record is lost). */
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
