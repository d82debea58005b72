/*
 * said.h - saying a result's texts in English with what tier_say needs to
 * say them again in the user's language (said.c).
 */
#ifndef TIER_SAID_H
#define TIER_SAID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tier.h"

/* A number's value text (actual_shown, required_shown) when a division by
 * zero left it missing: English in the result, said again by tier_shown. */
#define SHOWN_DIVZERO "none (division by zero)"

/* Sentences being said into one text of n bytes, out, and into how. */
struct sayer {
  char *out;
  size_t cap, len;
  tier_said *how;
  bool cut;   /* something did not fit: nothing more is said */
  bool plain; /* a list whose items did not all fit in how: said as it is */
};

/* Start an empty text: out[0] = 0, how->nparts = 0.  With how NULL the
 * text is said as it is, with nothing for tier_say to say again. */
void say_begin(struct sayer *s, char *out, size_t n, tier_said *how);

/* Append one item of a list, ", " before it unless it is the first, in a
 * sayer begun with how: each item is kept as a sentence of its own (text
 * as said by `said`, one sentence; otherwise the item is said as it is),
 * so that tier_say says it in the user's language inside the sentence the
 * list is an argument of (say_list).  false once the text does not fit. */
bool say_item(struct sayer *s, const char *text, const tier_said *said);

/* Say one more sentence of two arguments, arg and the list said in
 * `list` (say_item): "Silver needs +1 a, ok must become true". */
bool say_list(struct sayer *s, const char *msgid, const char *arg, const struct sayer *list);

/* Say the sentences of another said text once more, in English, after
 * those of s, each with its own message and arguments (a gap made of
 * the gaps of other requirements); a text said as it is (how->nparts 0)
 * goes in as it is, a sentence tier_say leaves alone.  false when not
 * all of it fits. */
bool say_said(struct sayer *s, const char *text, const tier_said *how);

/* Say one more sentence, after "; " when it is not the first: msgid, or
 * plural when n is not 1 (as English chooses; tier_say lets the user's
 * language choose), each %s one of the nargs arguments in turn.
 * period_arg is 1 + the argument that names period p (0: none).  A
 * sentence the text already has is not said again.  false when it does
 * not fit: a first sentence is then cut and the text is said as it is
 * (nparts 0); a later one is left out. */
bool say_part(struct sayer *s, const char *msgid, const char *plural, unsigned long n, int period_arg, uint32_t period, int nargs,
              const char *const *args);

/* SAY(s, N_("%s must be %s"), a, b): one sentence without a count or a period. */
#define SAY_ARGS(...) ((const char *const[]){__VA_ARGS__})
#define SAY_NARGS(...) ((int)(sizeof SAY_ARGS(__VA_ARGS__) / sizeof(const char *)))
#define SAY(s, msgid, ...) say_part(s, msgid, NULL, 0, 0, 0, SAY_NARGS(__VA_ARGS__), SAY_ARGS(__VA_ARGS__))

#endif
