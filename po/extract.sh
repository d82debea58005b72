#!/bin/sh
# po/extract.sh OUT.pot -- every translatable message of the sources, for
# `make po` (po/tierc.pot) and for the catalogue check (tests/sh/po-ja.sh).
# The marks are those of src/tier_int.h and src/tools/cli.h: _("text"),
# N_("text"), NG_("one", "many", n) and NGN_("one", "many").  A comment starting with
# "TRANSLATORS:" just above a message goes to the translator with it.
cd "$(dirname "$0")/.." || exit 1
out=$1
[ -n "$out" ] || { echo "usage: po/extract.sh OUT.pot" >&2; exit 2; }
version=$(sed -n 's/.*TIER_VERSION "\([^"]*\)".*/\1/p' include/tier.h)
# shellcheck disable=SC2046 # file names have no spaces
exec xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=NG_:1,2 --keyword=NGN_:1,2 \
  --add-comments=TRANSLATORS: --add-location=file --sort-by-file \
  --package-name=tierc --package-version="$version" --msgid-bugs-address="the tierc issue tracker" \
  -o "$out" $(ls src/*.c src/tools/*.c grammar/lexer.l grammar/parser.y)
