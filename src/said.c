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
 * words (per_words).
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
  *s = (struct sayer){out, n, 0, how, false};
  out[0] = 0;
  if (how) how->nparts = 0;
}

bool say_text(struct sayer *s, const char *text) { return put(s, text, strlen(text)); }

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

/* Is part p, just said, the same sentence as one before it in the text? */
static bool said_before(const struct sayer *s, const struct tier_said_part *p) {
  for (const struct tier_said_part *q = s->how->part; q < p; q++) {
    bool same = same_msg(q->msgid, p->msgid) && same_msg(q->plural, p->plural) && q->n == p->n && q->nargs == p->nargs;
    for (int k = 0; same && k < p->nargs; k++)
      same = q->len[k] == p->len[k] && !memcmp(s->out + q->at[k], s->out + p->at[k], p->len[k]);
    if (same) return true;
  }
  return false;
}

bool say_part(struct sayer *s, const char *msgid, const char *plural, unsigned long n, int period_arg, uint32_t period, int nargs,
              const char *const *args) {
  tier_said *h = s->how;
  if (s->cut || h->nparts == TIER_SAID_PARTS || nargs > TIER_SAID_ARGS || s->cap > 0xFFFF) return false;
  struct tier_said_part *p = &h->part[h->nparts];
  *p = (struct tier_said_part){msgid, plural, n, nargs, period_arg, period, {0}, {0}};
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
    if (!say_part(s, p->msgid, p->plural, p->n, p->period_arg, p->period, p->nargs, args)) return false;
  }
  return true;
}

/* ---- saying it again ------------------------------------------------------------------- */

/* Argument k of part p, from the English text or, for a period, said anew. */
static void put_arg(struct sayer *s, const char *text, size_t tlen, const struct tier_said_part *p, int k) {
  struct period per;
  if (k < 0 || k >= p->nargs) return; /* a translation naming an argument there is not */
  if (p->period_arg == k + 1 && per_decode(p->period, &per)) {
    char w[96];
    per_words(per, w, sizeof w);
    put(s, w, strlen(w));
  } else if ((size_t)p->at[k] + p->len[k] <= tlen) {
    put(s, text + p->at[k], p->len[k]);
  }
}

/* A translated pattern: %s takes the arguments in turn, %N$s argument N,
 * %% is '%' (msgfmt --check lets no other directive in). */
static void say_again(struct sayer *s, const char *pattern, const char *text, size_t tlen, const struct tier_said_part *p) {
  int k = 0;
  for (const char *c = pattern; *c; c++) {
    if (c[0] == '%' && c[1] == 's') {
      put_arg(s, text, tlen, p, k++);
      c++;
    } else if (c[0] == '%' && c[1] >= '1' && c[1] <= '9' && c[2] == '$' && c[3] == 's') {
      put_arg(s, text, tlen, p, c[1] - '1');
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
  struct sayer s = {out, n, 0, NULL, false};
  out[0] = 0;
  size_t tlen = strlen(text);
  if (!how || how->nparts <= 0 || how->nparts > TIER_SAID_PARTS) {
    put(&s, text, tlen);
    return s.len;
  }
  for (int i = 0; i < how->nparts; i++) {
    const struct tier_said_part *p = &how->part[i];
    if (i) put(&s, _("; "), strlen(_("; ")));
    const char *pattern = p->plural ? tier_ngettext(p->msgid, p->plural, p->n) : tier_gettext(p->msgid);
    say_again(&s, pattern, text, tlen, p);
  }
  return s.len;
}
