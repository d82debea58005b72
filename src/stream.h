/*
 * stream.h - splitting an input into records without loading it whole: JSON
 * Lines (one object per line, blank lines skipped) or one JSON array read
 * element by element.  The mode is detected from the first non-blank byte.
 * Input is read into large blocks, a chunk at a time; a record is a slice
 * of the block buffer, valid until the next call, or until the block is
 * let go when it is held (stream_hold).
 */
#ifndef TIER_STREAM_H
#define TIER_STREAM_H

#include <stdio.h>

#include "tier_int.h"

/* A block of input kept past the next record (tier_input_hold): counted,
 * and freed by whoever lets go of it last, the stream or a holder. */
struct tier_hold {
  size_t refs;
  char *buf;
  size_t cap;
  struct tier_alloc_hook hook;   /* a copy: the stream may be gone first */
  struct stream *owner;          /* while it lives: a block let go becomes one of its spares */
  struct tier_hold *prev, *next; /* the owner's holds */
};

/* Blocks let go that a stream keeps for its next blocks: as many as are
 * held at once by tiervm -j 2's batches in flight (four of about 0.6 MB,
 * in three or four blocks) and then some; never more than were live at
 * once, so peak memory is the same, and no block is faulted in again. */
#define STREAM_SPARES 8

struct stream {
  FILE *f;
  const struct tier_alloc_hook *hook; /* the buffer's allocator (NULL: malloc) */
  char *buf;
  size_t cap, start, end;  /* unread data is buf[start, end) */
  struct tier_hold *hold;  /* buf is held by someone: it is never moved or reused, but let go */
  struct tier_hold *holds; /* every hold on a block of this stream not yet let go */
  char *spare[STREAM_SPARES]; /* blocks let go, for the next ones (so that a block is not faulted in again) */
  size_t spare_cap[STREAM_SPARES], nspare;
  size_t base;             /* absolute offset of buf[0] */
  bool eof, failed;
  int mode;                /* 0 unknown, 1 lines, 2 array, 3 array finished */
  long line, col;          /* position of buf[start] */
  bool after_comma;        /* array: the last element ended with ',' */
  /* the scan of a line or an array element, kept across refills */
  size_t scan;             /* how far it has been scanned, from start (a refill may move start) */
  long depth;              /* nesting; a long, since a skipped record may be deeper than any int */
  bool str, esc;
  size_t max;              /* the longest record (stream_init: LIM_RECORD_BYTES) */
  bool skipping;           /* passing over a record longer than max, without keeping it */
  long skip_line;          /* the line where that record starts */
  bool skip_blank;         /* lines: all of it blank so far (then it is no record) */
  /* the current record */
  const char *rec;
  size_t rec_n;
  long rec_line, rec_col;
  char err[512]; /* structural error instead of a record (as vm->err) */
};

void stream_init(struct stream *s, FILE *f, const struct tier_alloc_hook *hook);
/* 1: a record (s->rec, s->rec_n) or a structural error (s->err[0]: also
 * a record longer than s->max, which is passed over without being kept);
 * 0: end of input. */
int stream_next(struct stream *s);
void stream_free(struct stream *s);
/* Keep the block of the record just returned until stream_let_go: the
 * record's text stays where it is whatever the stream does next.  NULL
 * when out of memory (or there is no block). */
struct tier_hold *stream_hold(struct stream *s);
void stream_let_go(struct tier_hold *h);

#endif
