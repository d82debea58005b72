/*
 * said.c - a result's texts said twice.  When the result is built, its
 * need and detail texts are said in English: JSON and CSV write them so,
 * alike in every locale, and the result is computed once whoever reads
 * it.  When a person reads them (a table, an explanation, a diff), the
 * renderer calls tier_say to say them again in the user's language.
 *
 * A text is one or more whole sentences, each a message of the catalogue
 * (marked N_ where it is said) whose arguments are strings: names, values,
 * dates.  Beside the English text the entry keeps, per sentence, its
 * message and the bytes of the text each argument took (tier_said), so
 * saying it again needs nothing but the entry: the translated pattern,
 * with the same arguments in the order it gives (%2$s).  An argument that
 * names a period is said again from the period itself, in the user's
 * words (per_words).  An argument that is a list of other needs ("Silver
 * needs +1 a, ok must become true") is followed by its items, each a
 * sentence of its own marked as an item, so that each is said again too.
 */
#include <string.h>

#include "period.h"
#include "said.h"
#include "tier_int.h"

/* Append n bytes of p; false when they do not all fit, after appending
 * what does, cut at a character boundary: the text ends there. */
static bool put(struct sayer *s, const char *p, size_t n) {
  if (s->cut) return false;
  if (s->len + n >= s->cap) {
    s->cut = true;
    n = s->cap - 1 - s->len;
    while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80) n--;
  }
  memcpy(s->out + s->len, p, n);
  s->len += n;
  s->out[s->len] = 0;
  return !s->cut;
}

void say_begin(struct sayer *s, char *out, size_t n, tier_said *how) {
  *s = (struct sayer){out, n, 0, how, false, false};
  out[0] = 0;
  if (how) how->nparts = 0;
}

/* The pattern with its arguments, noting where each lands in part p. */
static bool say_english(struct sayer *s, struct tier_said_part *p, const char *pattern, const char *const *args) {
  int k = 0;
  for (const char *c = pattern; *c; c++) {
    if (c[0] == '%' && c[1] == 's' && k < p->nargs) {
      p->at[k] = (unsigned short)s->len;
      if (!put(s, args[k], strlen(args[k]))) return false;
      p->len[k] = (unsigned short)(s->len - p->at[k]);
      k++;
      c++;
    } else {
      c += c[0] == '%' && c[1] == '%'; /* "%%" is one '%' */
      if (!put(s, c, 1)) return false;
    }
  }
  return true;
}

static bool same_msg(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

/* Is part p, just said, the same sentence as one before it in the text
 * (an item of a list is not a sentence of the text)? */
static bool said_before(const struct sayer *s, const struct tier_said_part *p) {
  for (const struct tier_said_part *q = s->how->part; q < p; q++) {
    if (q->item) continue;
    bool same = same_msg(q->msgid, p->msgid) && same_msg(q->plural, p->plural) && q->n == p->n && q->nargs == p->nargs;
    for (int k = 0; same && k < p->nargs; k++)
      same = q->len[k] == p->len[k] && !memcmp(s->out + q->at[k], s->out + p->at[k], p->len[k]);
    if (same) return true;
  }
  return false;
}

/* Room for one more sentence in h: when every part is taken, the items of
 * lists go (their lists are then said as they are), never a sentence, so
 * that the sentences a text has are the same with items or without. */
static bool make_room(tier_said *h) {
  int k = 0;
  for (int i = 0; i < h->nparts; i++)
    if (!h->part[i].item) h->part[k++] = h->part[i];
  h->nparts = k;
  return k < TIER_SAID_PARTS;
}

bool say_part(struct sayer *s, const char *msgid, const char *plural, unsigned long n, int period_arg, uint32_t period, int nargs,
              const char *const *args) {
  tier_said *h = s->how;
  if (s->cut || nargs > TIER_SAID_ARGS || s->cap > 0xFFFF) return false;
  if (h->nparts == TIER_SAID_PARTS && !make_room(h)) return false;
  struct tier_said_part *p = &h->part[h->nparts];
  *p = (struct tier_said_part){msgid, plural, n, nargs, period_arg, period, {0}, {0}, 0};
  size_t start = s->len;
  if ((h->nparts == 0 || put(s, "; ", 2)) && say_english(s, p, plural && n != 1 ? plural : msgid, args)) {
    if (said_before(s, p)) { /* a text says each thing once (two references to one block) */
      s->len = start;
      s->out[start] = 0;
      return true;
    }
    h->nparts++;
    return true;
  }
  if (h->nparts > 0) { /* leave the sentence out */
    s->len = start;
    s->out[start] = 0;
  }
  return false;
}

/* The items of the list that ends the sentence just said in s: the n
 * parts from[0 .. n), their arguments at `shift` bytes less than where
 * they stand in s's text.  All of them, or none when they do not all fit
 * (tier_say then says the list as it is). */
static void add_items(struct sayer *s, const struct tier_said_part *from, int n, long shift) {
  tier_said *h = s->how;
  if (n <= 0 || h->nparts + n > TIER_SAID_PARTS) return;
  for (int i = 0; i < n; i++) {
    struct tier_said_part *p = &h->part[h->nparts++];
    *p = from[i];
    p->item = 1;
    for (int k = 0; k < p->nargs && k < TIER_SAID_ARGS; k++) p->at[k] = (unsigned short)(p->at[k] + shift);
  }
}

/* How many items follow part i of how: the list its last argument is. */
static int items_after(const tier_said *how, int i) {
  int n = 0;
  if (!how->part[i].item)
    while (i + 1 + n < how->nparts && how->part[i + 1 + n].item) n++;
  return n;
}

/* Say one sentence, msgid with args, after those of s; and when it is
 * said (not one s already has), the n items of the list that is its last
 * argument, from[0 .. n) at `from_at` bytes of that argument's text. */
static bool say_with_items(struct sayer *s, const char *msgid, const char *plural, unsigned long count, int period_arg,
                           uint32_t period, int nargs, const char *const *args, const struct tier_said_part *from, int n,
                           long from_at) {
  if (s->how->nparts == TIER_SAID_PARTS) make_room(s->how); /* before counting: say_part makes none then */
  int before = s->how->nparts;
  if (!say_part(s, msgid, plural, count, period_arg, period, nargs, args)) return false;
  if (s->how->nparts > before && nargs > 0) add_items(s, from, n, (long)s->how->part[before].at[nargs - 1] - from_at);
  return true;
}

bool say_said(struct sayer *s, const char *text, const tier_said *how) {
  size_t tlen = strlen(text);
  char arg[TIER_SAID_ARGS][sizeof((tier_req_result *)0)->need];
  if (how->nparts <= 0 || how->nparts > TIER_SAID_PARTS) return say_part(s, "%s", NULL, 0, 0, 0, 1, SAY_ARGS(text));
  for (int i = 0; i < how->nparts; i++) {
    const struct tier_said_part *p = &how->part[i];
    const char *args[TIER_SAID_ARGS];
    if (p->nargs < 0 || p->nargs > TIER_SAID_ARGS) return false;
    for (int k = 0; k < p->nargs; k++) {
      size_t at = p->at[k], len = p->len[k];
      if (at + len > tlen || len >= sizeof arg[k]) return false;
      memcpy(arg[k], text + at, len);
      arg[k][len] = 0;
      args[k] = arg[k];
    }
    int n = items_after(how, i);
    if (!say_with_items(s, p->msgid, p->plural, p->n, p->period_arg, p->period, p->nargs, args, p + 1, n,
                        p->nargs > 0 ? p->at[p->nargs - 1] : 0))
      return false;
    i += n; /* said with it */
  }
  return true;
}

bool say_item(struct sayer *s, const char *text, const tier_said *said) {
  if (s->len && !put(s, ", ", 2)) return false;
  size_t at = s->len;
  if (!put(s, text, strlen(text))) {
    s->plain = true;
    return false;
  }
  tier_said *h = s->how;
  if (!h || s->plain) return true;
  if (h->nparts == TIER_SAID_PARTS || s->cap > 0xFFFF) {
    s->plain = true;
    return true;
  }
  struct tier_said_part *p = &h->part[h->nparts++];
  if (said && said->nparts == 1 && !said->part[0].item) {
    *p = said->part[0];
    for (int k = 0; k < p->nargs && k < TIER_SAID_ARGS; k++) p->at[k] = (unsigned short)(p->at[k] + at);
  } else { /* words tier_say leaves alone ("+10 work", a time clause as written) */
    *p = (struct tier_said_part){"%s", NULL, 0, 1, 0, 0, {(unsigned short)at}, {(unsigned short)(s->len - at)}, 0};
  }
  p->item = 1;
  return true;
}

bool say_list(struct sayer *s, const char *msgid, const char *arg, const struct sayer *list) {
  int n = list->how && !list->plain && !list->cut ? list->how->nparts : 0;
  return say_with_items(s, msgid, NULL, 0, 0, 0, 2, SAY_ARGS(arg, list->out), n ? list->how->part : NULL, n, 0);
}

/* ---- saying it again ------------------------------------------------------------------- */

static void say_again(struct sayer *s, const char *text, size_t tlen, const tier_said *how, int i);

/* Argument k of part i of how, from the English text or, for a period,
 * said anew; the last argument of a sentence items follow is those items,
 * each said again, ", " between them in the user's words. */
static void put_arg(struct sayer *s, const char *text, size_t tlen, const tier_said *how, int i, int k) {
  const struct tier_said_part *p = &how->part[i];
  struct period per;
  int n = items_after(how, i);
  if (k < 0 || k >= p->nargs) return; /* a translation naming an argument there is not */
  if (n && k == p->nargs - 1) {
    for (int j = i + 1; j <= i + n; j++) {
      if (j > i + 1) put(s, _(", "), strlen(_(", ")));
      say_again(s, text, tlen, how, j);
    }
  } else if (p->period_arg == k + 1 && per_decode(p->period, &per)) {
    char w[96];
    per_words(per, w, sizeof w);
    put(s, w, strlen(w));
  } else if ((size_t)p->at[k] + p->len[k] <= tlen) {
    put(s, text + p->at[k], p->len[k]);
  }
}

/* Part i of how in its translated pattern: %s takes the arguments in
 * turn, %N$s argument N, %% is '%' (msgfmt --check lets no other
 * directive in). */
static void say_again(struct sayer *s, const char *text, size_t tlen, const tier_said *how, int i) {
  const struct tier_said_part *p = &how->part[i];
  const char *pattern = p->plural ? tier_ngettext(p->msgid, p->plural, p->n) : tier_gettext(p->msgid);
  int k = 0;
  for (const char *c = pattern; *c; c++) {
    if (c[0] == '%' && c[1] == 's') {
      put_arg(s, text, tlen, how, i, k++);
      c++;
    } else if (c[0] == '%' && c[1] >= '1' && c[1] <= '9' && c[2] == '$' && c[3] == 's') {
      put_arg(s, text, tlen, how, i, c[1] - '1');
      c += 3;
    } else {
      c += c[0] == '%' && c[1] == '%';
      put(s, c, 1);
    }
  }
}

const char *tier_shown(const tier_req_result *u, const char *shown) {
  if (u->type == TIER_TYPE_NUMBER && !strcmp(shown, SHOWN_DIVZERO)) return _("none (division by zero)");
  return shown;
}

size_t tier_say(char *out, size_t n, const char *text, const tier_said *how) {
  if (n == 0) return 0;
  struct sayer s = {out, n, 0, NULL, false, false};
  out[0] = 0;
  size_t tlen = strlen(text);
  if (!how || how->nparts <= 0 || how->nparts > TIER_SAID_PARTS) {
    put(&s, text, tlen);
    return s.len;
  }
  for (int i = 0; i < how->nparts; i++) {
    if (i) put(&s, _("; "), strlen(_("; ")));
    say_again(&s, text, tlen, how, i);
    i += items_after(how, i); /* said inside it */
  }
  return s.len;
}
