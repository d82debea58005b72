/*
 * input.c - tier_input, the public face of the record splitter (stream.c):
 * records from a file of JSON Lines or a JSON array, one at a time, with
 * where each starts, for tools that stream partner profiles.
 */
#include <string.h>

#include "stream.h"

struct tier_input {
  struct tier_alloc_hook hook;
  struct stream s;
};

tier_input *tier_input_new(FILE *f, const tier_options *opt) {
  struct tier_alloc_hook h = hook_of(opt);
  tier_input *in = t_malloc(&h, sizeof *in);
  if (!in) return NULL;
  in->hook = h;
  stream_init(&in->s, f, &in->hook);
  if (opt && opt->max_record) in->s.max = opt->max_record;
  return in;
}

void tier_input_free(tier_input *in) {
  if (!in) return;
  struct tier_alloc_hook h = in->hook;
  stream_free(&in->s);
  t_free(&h, in, sizeof *in);
}

int tier_input_next(tier_input *in, const char **rec, size_t *len, long *line, long *column) {
  struct stream *s = &in->s;
  if (!stream_next(s)) return 0;
  *rec = s->err[0] ? NULL : s->rec;
  *len = s->err[0] ? 0 : s->rec_n;
  *line = s->rec_line;
  *column = s->rec_col;
  return 1;
}

tier_hold *tier_input_hold(tier_input *in) { return in->s.err[0] ? NULL : stream_hold(&in->s); }
void tier_input_release(tier_hold *h) { stream_let_go(h); }

const char *tier_input_error(const tier_input *in) { return in->s.err; }
int tier_input_status(const tier_input *in) { return in->s.failed ? TIER_ENOMEM : TIER_OK; }
