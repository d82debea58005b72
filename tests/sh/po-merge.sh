#!/bin/sh
# po/merge.sh (what `make po` runs) changes only what changed: merging a
# catalogue with a template that has one new message adds that entry and
# leaves every other line as it was -- in particular a hand-written msgstr
# longer than 79 columns is not rewrapped (msgmerge's default did that, so
# one `make po` rewrote hundreds of unrelated lines of po/ja.po).
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for c in msgmerge msgattrib; do
  command -v $c >/dev/null 2>&1 || fail "$c is missing (Debian package gettext; make check installs it as root)"
done
long='a message long enough that msgmerge would wrap it at seventy-nine columns if it were left to its default width'
jlong='七十九桁で折り返されるほど長いメッセージで、既定の幅のままなら msgmerge が途中で折り返してしまうものです'
header='msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
'
printf '%s\n#: src/a.c\nmsgid "%s"\nmsgstr "%s"\n' "$header" "$long" "$jlong" > "$t/ja.po"
printf '%s\n#: src/a.c\nmsgid "%s"\nmsgstr ""\n\n#: src/b.c\nmsgid "new"\nmsgstr ""\n' "$header" "$long" > "$t/t.pot"
cp "$t/ja.po" "$t/before.po"
sh po/merge.sh "$t/t.pot" "$t/ja.po" || fail "po/merge.sh failed"
grep -qxF "msgstr \"$jlong\"" "$t/ja.po" || { cat "$t/ja.po"; fail "the long msgstr was rewritten"; }
grep -qxF "msgid \"$long\"" "$t/ja.po" || { cat "$t/ja.po"; fail "the long msgid was rewrapped"; }
# past the header (which msgmerge completes), the only lines added are the
# new entry's, and none was removed
entries() { sed -n '/^#:/,$p' "$1"; }
entries "$t/before.po" > "$t/before"
entries "$t/ja.po" > "$t/after"
diff "$t/before" "$t/after" > "$t/diff"
grep '^<' "$t/diff" && fail "po/merge.sh removed or changed lines of an unchanged entry"
[ "$(grep -c '^>' "$t/diff")" -eq 4 ] || { cat "$t/diff"; fail "po/merge.sh added more than the new entry"; }
grep -qxF 'msgid "new"' "$t/ja.po" || fail "the new message was not merged"
# and a second merge is a fixed point
cp "$t/ja.po" "$t/once.po"
sh po/merge.sh "$t/t.pot" "$t/ja.po" && cmp -s "$t/once.po" "$t/ja.po" || fail "a second merge changed the catalogue"
echo "ok po-merge"
