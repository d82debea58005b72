#!/bin/sh
# The HTML report in the user's language.  Under LANGUAGE=ja, three pages
# (the example partners with --diff from the 2018 rules; the paths, at
# least and badges of tests/golden/data/paths with --diff; tier values and
# grants of tests/golden/data/status with --diff) say <html lang="ja">, have
# their headings in Japanese and no English word of the page's own left:
# every ASCII word of the page's text, its accessible names, tooltips and
# card labels (markup, the style sheet, <code> and the rules hash left out)
# must come from the inputs -- the rules (comments left out), the records,
# the file names -- or be "tiervm" (the footer names the program) or
# "branch" (an unnamed path of an either is called "branch 2" in the
# results, a name as the JSON gives it).  The same check of the English page
# must find its own words, so that it is known to catch them.
bin=${TIER_BIN:-bin}
D=tests/golden/data
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# own PAGE INPUT...: the page's words not in its inputs, one a line
own() {
  page=$1
  shift
  sed -e '/<style>/,/<\/style>/d' -e 's/<code>[^<]*<\/code>//g' "$page" |
    sed -e 's/\(aria-label\|title\|data-label\)="\([^"]*\)"/> \2 </g' -e 's/<[^>]*>/ /g' \
      -e 's/&[a-z]*;/ /g; s/&#[0-9]*;/ /g' -e 's/[0-9a-f]\{16\}//g' |
    grep -o '[A-Za-z][A-Za-z]*' | sort -u > "$t/page.words"
  { sed 's/#.*//' "$@"; printf '%s\n' "$@" tiervm branch; } | grep -o '[A-Za-z][A-Za-z]*' | sort -u > "$t/in.words"
  comm -23 "$t/page.words" "$t/in.words"
}

sed -e 's/qualify(25, 15, 6000)/qualify(12, 15, 6000)/' -e 's/at least 2 of { suite/at least 1 of { suite/' \
  $D/paths.tier > "$t/paths-old.tier"
cmp -s $D/paths.tier "$t/paths-old.tier" && fail "could not make the old paths rules"
ja() { LANGUAGE=ja "$bin/tiervm" "$@" 2>/dev/null || fail "LANGUAGE=ja tiervm $*"; }
ja report rules/apn-2019.tier examples/partners.jsonl --diff rules/apn-2018.tier -o "$t/apn.html"
ja report $D/paths.tier $D/paths.jsonl --diff "$t/paths-old.tier" -o "$t/paths.html"
ja report --as-of 2024-06-30 $D/status-new.tier $D/status.jsonl --diff $D/status-old.tier -o "$t/status.html"
"$bin/tiervm" report rules/apn-2019.tier examples/partners.jsonl --diff rules/apn-2018.tier -o "$t/en.html" 2>/dev/null ||
  fail "tiervm report in English"

has() { grep -qF -- "$2" "$t/$1" || fail "$1 lacks '$2'"; }
for p in apn.html paths.html status.html; do
  has $p '<html lang="ja">'
  for h in 概要 次のティアを阻んでいるもの ルールの変更 ルール変更の影響 '閾値に対して達している割合:' 'data-label="パートナー"'; do has $p "$h"; done
done
has apn.html '昇格に最も近いパートナー'
has apn.html 'ラダーの最上位にいないパートナー 36 社のうち、次のティアの要件の不足が最も少ない上位 15 社'
has apn.html '新ルールで Premier に必要なもの:'
has apn.html '<td data-label="変化"><div>名前を変更。元の名前は'
has paths.html 'パートナーが使っている経路'
has paths.html '<b>この 3 個の経路のいずれか</b>'
has status.html '新ルールが grant で与えます。'
has en.html '<html lang="en">'

own "$t/apn.html" rules/*.tier examples/partners.jsonl > "$t/apn.left"
own "$t/paths.html" $D/paths.tier "$t/paths-old.tier" $D/paths.jsonl > "$t/paths.left"
own "$t/status.html" $D/status-new.tier $D/status-old.tier $D/status.jsonl > "$t/status.left"
for p in apn paths status; do
  [ -s "$t/$p.left" ] && fail "the Japanese $p page has English words of its own: $(tr '\n' ' ' < "$t/$p.left")"
done
own "$t/en.html" rules/*.tier examples/partners.jsonl > "$t/en.left"
n=$(grep -c . "$t/en.left")
[ "$n" -ge 50 ] || fail "the check finds only $n words of the English page's own: $(tr '\n' ' ' < "$t/en.left")"
echo "ok: 3 pages in Japanese under LANGUAGE=ja (lang, headings, no English word of their own; the English page has $n)"
