/*
 * i18n.h - the tools' marks for translatable texts (po/README.md): the
 * same as the library's (src/tier_int.h), through tier.h's tier_gettext,
 * so that the tools' texts and the library's share one catalogue.
 */
#ifndef TIER_TOOLS_I18N_H
#define TIER_TOOLS_I18N_H

#include "tier.h"

/* _("text"): a message in the user's language.  N_("text"): a message held
 * in a table, marked for the catalogue and translated where it is shown,
 * with _(s).  NG_("one", "many", n): a message with a count, whose form
 * depends on n (English has two forms, Japanese one); NGN_("one", "many"):
 * such a pair held in a table, for tier_ngettext where it is shown.  `make
 * po` extracts all four into po/tierc.pot. */
#define _(s) tier_gettext(s)
#define N_(s) s
#define NG_(s, p, n) tier_ngettext(s, p, n)
#define NGN_(s, p) s, p

#include <stdio.h>
#include <string.h>

/* A branch's name as a person reads it, in buf when it is said again: the
 * results name a branch the rules give no name by its place (place, 1,
 * 2, ...), "branch 2", in English, as JSON and CSV write it and rule
 * tests name it; a text for people says that in the user's language.  A
 * label (place 0) is returned as it is, even one that reads "branch 2". */
enum { BRANCH_SHOWN_MAX = 64 };
static inline const char *branch_shown(const char *name, unsigned place, char buf[BRANCH_SHOWN_MAX]) {
  if (!name || !place || place > 0x7fffffff) return name;
  snprintf(buf, BRANCH_SHOWN_MAX, _("branch %d"), (int)place);
  return buf;
}

#endif
