#!/bin/sh
# po/merge.sh POT PO... -- merge the messages of POT into each PO for `make po`:
# new messages come in untranslated, gone ones are dropped, and each entry
# keeps its file names but not its line numbers (they move with every edit).
# in both steps: msgmerge and msgattrib would otherwise wrap every
# line at 79 columns, so that one `make po` rewrapped each hand-written
# msgstr of the catalogue and its diff hid the messages that really changed.
# With it, an entry is one line per msgid/msgstr, as people write them.
pot=$1
[ -n "$pot" ] && [ $# -ge 2 ] || { echo "usage: po/merge.sh POT PO..." >&2; exit 2; }
shift
for po; do
  msgmerge --quiet --update --backup=none --no-wrap --add-location=file "$po" "$pot" &&
    msgattrib --no-obsolete --no-wrap --add-location=file -o "$po" "$po" || exit 1
done
