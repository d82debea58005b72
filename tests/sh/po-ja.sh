#!/bin/sh
# po/ja.po translates every message of the sources.  po/extract.sh lists the
# messages (xgettext), msgmerge matches them with po/ja.po, and the result
# must have no untranslated and no fuzzy entry (msgfmt --check --statistics):
# a new English message without its Japanese fails here, named, with how to
# add it.  The same check on a catalogue that lacks one planted message must
# fail, so that the check is known to catch one.
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for c in xgettext msgmerge msgfmt msgattrib; do
  command -v $c >/dev/null 2>&1 || fail "$c is missing (Debian package gettext; make check installs it as root)"
done
sh po/extract.sh "$t/tierc.pot" 2>"$t/xgettext.err" || { cat "$t/xgettext.err"; fail "po/extract.sh"; }

# untranslated POT PO: prints the messages of POT that PO lacks or marks
# fuzzy, one a line; the count of them is the exit status (at most 1)
untranslated() {
  msgmerge --quiet -o "$t/merged.po" "$2" "$1" 2>"$t/msgmerge.err" || { cat "$t/msgmerge.err"; return 1; }
  msgfmt --check --statistics -o /dev/null "$t/merged.po" >"$t/stats" 2>&1 || { cat "$t/stats"; return 1; }
  # each such message by its first line (a long one starts with msgid "")
  { msgattrib --untranslated --no-obsolete --no-wrap "$t/merged.po"
    msgattrib --only-fuzzy --no-obsolete --no-wrap "$t/merged.po"; } |
    awk '/^msgid "/ { m = substr($0, 8, length($0) - 8); want = (m == ""); if (!want) print "  " m; next }
         want && /^"/ { print "  " substr($0, 2, length($0) - 2) "..."; want = 0; next } { want = 0 }' |
    grep -v '^  \(\.\.\.\)\{0,1\}$' > "$t/missing"
  cat "$t/missing"
  # the counts decide, whatever the listing shows
  ! grep -Eq '[0-9]+ (fuzzy translation|untranslated message)' "$t/stats" && [ ! -s "$t/missing" ]
}

if ! untranslated "$t/tierc.pot" po/ja.po > "$t/out"; then
  n=$(grep -c . "$t/out")
  cat "$t/out"
  fail "$n message(s) of the sources have no Japanese in po/ja.po ($(cat "$t/stats")).
  To add them: make po (merges the new messages into po/ja.po), write each msgstr
  in po/ja.po (and remove any '#, fuzzy' line once its msgstr is right), then make
  check again; po/README.md has the terms to use."
fi
total=$(sed -n 's/^\([0-9]*\) translated message.*/\1/p' "$t/stats")

# a usage text (a message that starts "usage: ") names what to type in
# Japanese, as its words are: the Japanese --help says ファイル.tier and 旧,
# never FILE.tier and OLD (options and file suffixes stay as typed)
awk '
/^msgid / { usage = ($0 ~ /^msgid "usage: /); inid = 1; instr = 0; next }
inid && /^"usage: / { usage = 1 }
/^msgstr/ { inid = 0; instr = usage }
/^$/ { instr = 0 }
instr && /(^|[^A-Za-z])(FILE|RULESET|TESTS|PROFILES?|OLD|NEW|NAME|OUT|FMT|DIR|DATE|KEY)([^A-Za-z]|$)/ { print "  line " NR ": " $0 }
' po/ja.po > "$t/placeholders"
[ -s "$t/placeholders" ] && { cat "$t/placeholders"; fail "po/ja.po's usage texts name arguments in English (FILE, OLD, ...): say them in Japanese"; }

# the check catches a message that po/ja.po lacks
cp "$t/tierc.pot" "$t/planted.pot"
printf '\n#: src/planted.c\nmsgid "a message planted by tests/sh/po-ja.sh"\nmsgstr ""\n' >> "$t/planted.pot"
untranslated "$t/planted.pot" po/ja.po > "$t/out" && fail "a planted untranslated message was not caught"
grep -q "a message planted by tests/sh/po-ja.sh" "$t/out" || fail "the planted message is not named: $(cat "$t/out")"
echo "ok: all $total messages of the sources are translated in po/ja.po; a missing one is caught"
