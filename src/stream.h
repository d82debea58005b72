/*
 * stream.h - splitting an input into records without loading it whole: JSON
 * Lines (one object per line, blank lines skipped) or one JSON array read
 * element by element.  The mode is detected from the first non-blank byte.
 */
#ifndef TIER_STREAM_H
#define TIER_STREAM_H

#include <stdio.h>

#include "tier_int.h"

struct stream {
  FILE *f;
  struct buf rec;      /* the current record's text */
  int mode;            /* 0 unknown, 1 lines, 2 array, 3 array finished */
  long line, col;      /* position of the next byte */
  long rec_line, rec_col; /* where the current record starts */
  int peeked;
  bool eof;
  char err[200];       /* structural error of the current record */
};

void stream_init(struct stream *s, FILE *f);
/* 1: a record (s->rec, maybe with s->err set for a structural fault);
 * 0: end of input. */
int stream_next(struct stream *s);
void stream_free(struct stream *s);

#endif
