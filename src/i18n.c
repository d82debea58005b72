/*
 * i18n.c - the message catalogue.  Every text the library and the tools show
 * a person goes through tier_gettext or tier_ngettext: GNU gettext, in the
 * library's own text domain (TIER_TEXTDOMAIN, looked up with dgettext), so
 * that a program embedding libtier keeps its own domain for its own texts.
 *
 * The language follows the calling program's LC_MESSAGES locale and
 * LANGUAGE; the library never calls setlocale itself, so a program that does
 * not gets English.  Only the language changes: the catalogue is bound to
 * UTF-8 whatever LC_CTYPE says (the library's texts, like its inputs, are
 * UTF-8), and numbers and dates are printed by the library's own code.
 */
#include <libintl.h>
#include <pthread.h>
#include <stdlib.h>

#include "localedir.h" /* TIER_LOCALEDIR: where `make install` puts the catalogues */
#include "tier_int.h"

static pthread_once_t bound = PTHREAD_ONCE_INIT;

/* Bind the domain once, at the first message.  $TIER_LOCALEDIR, when set,
 * names another directory: the build tree's catalogues for the tests and
 * for running bin/ before `make install`. */
static void bind_domain(void) {
  const char *dir = getenv("TIER_LOCALEDIR");
  bindtextdomain(TIER_TEXTDOMAIN, dir && *dir ? dir : TIER_LOCALEDIR);
  bind_textdomain_codeset(TIER_TEXTDOMAIN, "UTF-8");
}

const char *tier_gettext(const char *msgid) {
  pthread_once(&bound, bind_domain);
  return dgettext(TIER_TEXTDOMAIN, msgid);
}

const char *tier_ngettext(const char *msgid, const char *plural, unsigned long n) {
  pthread_once(&bound, bind_domain);
  return dngettext(TIER_TEXTDOMAIN, msgid, plural, n);
}
