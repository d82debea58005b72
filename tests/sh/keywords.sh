#!/bin/sh
# The keywords have one source: the lexer's tables (grammar/lexer.l,
# `reserved` and `unreserved`; tierc fmt asks the lexer through
# lex_reserved).  Every other list of them must agree:
#   - docs/language.md 2.4 and tier(5) "Keywords": the same two sets, and
#     language.md's count of reserved words;
#   - the editor grammars (docs/editors/tier.vim, tier.tmLanguage.json) and
#     the compile fuzzer's dictionary (tests/fuzz/compile.dict): every
#     keyword appears in each as a whole word;
#   - docs/editors/README.md, which says what the grammars highlight: its
#     list "every keyword: `...`" holds every reserved word and only
#     keywords, and every other keyword appears in its text.
# (docs/guide.md and guide.ja.md name a few keywords as examples and list
# none, so there is nothing there to hold.)
# POSIX sh, sed, grep, sort, comm.
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# the lexer's table NAME[] = { {"word", TOKEN}, ... }; as sorted words
table() {
  sed -n "/^static const struct keyword $1\\[\\] = {/,/^};/p" grammar/lexer.l | grep -o '{"[a-z]*"' | tr -d '{"' | sort
}
table reserved >"$t/reserved"
table unreserved >"$t/unreserved"
sort "$t/reserved" "$t/unreserved" >"$t/all"
nres=$(grep -c . "$t/reserved")
[ "$nres" -gt 20 ] && [ "$(grep -c . "$t/unreserved")" -gt 10 ] ||
  { echo "FAIL: found only $nres reserved words in grammar/lexer.l: is its table still read right?"; exit 1; }

# same WHAT HAVE: the words in file HAVE are exactly those of $t/WHAT
same() {
  sort -u "$2" >"$t/have"
  missing=$(comm -23 "$t/$1" "$t/have" | tr '\n' ' ')
  extra=$(comm -13 "$t/$1" "$t/have" | tr '\n' ' ')
  [ -z "$missing$extra" ] || bad "$3: ${missing:+missing $missing}${extra:+ not $1 in the lexer: $extra}"
}

# language.md 2.4: the first ```text block after the heading lists the
# reserved words, the second the unreserved ones
awk '/^### 2.4 Keywords/ { on = 1 } on && /^```/ { n++; next } on && n == 1 { print > r } on && n == 3 { print > u } n >= 4 { exit }' \
  r="$t/md-r" u="$t/md-u" docs/language.md
tr -s ' ' '\n' <"$t/md-r" | grep . >"$t/md-r1"
tr -s ' ' '\n' <"$t/md-u" | grep . >"$t/md-u1"
same reserved "$t/md-r1" "docs/language.md 2.4 (reserved words)"
same unreserved "$t/md-u1" "docs/language.md 2.4 (keywords only where the grammar needs them)"
grep -q "^These $nres words are reserved" docs/language.md || bad "docs/language.md 2.4 does not say 'These $nres words are reserved'"

# tier(5): the .BR/.B words after ".B Keywords" up to "They are names",
# then those after "The words" up to "are keywords only"
sed -n '/^\.B Keywords$/,/^They are names/p' docs/man/tier.5 | sed -n 's/^\.BR* \([a-z]*\).*/\1/p' | grep . >"$t/man-r"
sed -n '/^The words$/,/^are keywords only/p' docs/man/tier.5 | sed -n 's/^\.BR* \([a-z]*\).*/\1/p' | grep . >"$t/man-u"
same reserved "$t/man-r" "tier(5) Keywords (reserved words)"
same unreserved "$t/man-u" "tier(5) Keywords (words that are keywords only where the grammar needs them)"

# editors and the fuzz dictionary: each keyword somewhere as a word
for f in docs/editors/tier.vim docs/editors/tier.tmLanguage.json tests/fuzz/compile.dict; do
  missing=$(while read -r w; do grep -qE "(^|[^A-Za-z_])$w([^A-Za-z_]|$)" "$f" || printf '%s ' "$w"; done <"$t/all")
  [ -z "$missing" ] || bad "$f does not know the keywords: $missing"
done

# docs/editors/README.md: the backquoted list after "every keyword:"
awk '/^\* every keyword: `/ { on = 1 } on { print } on && /`, and the words/ { exit }' docs/editors/README.md |
  tr '\n' ' ' | sed 's/^[^`]*`\([^`]*\)`.*/\1/' | tr -s ' ' '\n' | grep . | sort -u >"$t/ed-list"
[ "$(grep -c . "$t/ed-list")" -gt 20 ] || bad "docs/editors/README.md: its list 'every keyword: \`...\`' was not found"
missing=$(comm -23 "$t/reserved" "$t/ed-list" | tr '\n' ' ')
extra=$(comm -13 "$t/all" "$t/ed-list" | tr '\n' ' ')
[ -z "$missing$extra" ] || bad "docs/editors/README.md 'every keyword': ${missing:+missing $missing}${extra:+ not keywords in the lexer: $extra}"
tr '\n' ' ' <docs/editors/README.md | grep -o '`[^`]*`' | tr -cs 'a-z_' '\n' | grep . | sort -u >"$t/ed-code"
missing=$(comm -23 "$t/unreserved" "$t/ed-code" | tr '\n' ' ')
[ -z "$missing" ] || bad "docs/editors/README.md does not name (in \`code\`) the keywords: $missing"

[ "$fails" -eq 0 ] || exit 1
echo "ok: $nres reserved and $(grep -c . "$t/unreserved") other keywords of grammar/lexer.l agree with language.md, tier(5), the editor grammars and their README, and the fuzz dictionary"
