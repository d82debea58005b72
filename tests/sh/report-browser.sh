#!/bin/sh
# The HTML report (tiervm report), presentable and self-contained, on six
# pages: the example partners with --diff, in English and (LANGUAGE=ja) in
# Japanese; 1,760 partners (the examples 40
# times over, with a 300-character name, markup and a control character in
# names) with --diff; the examples alone at one review date; 150 guests of
# the second edition's paths, at least and badges (tests/golden/data/paths)
# with --diff from rules that asked fewer nights and perks for Gold; and,
# without the browser, tier values and grants (tests/golden/data/status).
#   1. The file: one page that loads nothing (no http(s) URL, no font, no
#      script, image or style sheet of its own), with a viewport tag.
#   2. What it says: a summary first; the gap legend in the right words;
#      "top N of M" where a list is cut; partner names and review dates;
#      the rule change and its impact as tables, never terminal text; record
#      texts as text, never markup; partners per badge and the paths taken.
#   3. In real Chromium through Selenium (report-browser.py): at 1,280 and
#      390 px nothing wider than the window, every chart named, the two
#      colour scales apart, no request but the page, Japanese labels in a
#      Japanese font.  Full-page screenshots stay in $TIER_BUILD/report-browser/.
# Exit 77 (skip) without Chromium, its driver or Selenium, saying how to
# install them (make check does, as root).
bin=${TIER_BIN:-bin}
out=${TIER_BUILD:-build}/report-browser
py=/usr/bin/python3
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
[ -x /usr/bin/chromedriver ] || need="$need chromium-driver"
"$py" -c 'import selenium' >/dev/null 2>&1 || need="$need python3-selenium"
if [ -n "$need" ]; then
  echo "skip: needs$need (as root: apt-get update && apt-get install -y$need fonts-noto-cjk)"
  exit 77
fi
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# the three pages
awk -v copies=40 '
# the value of the first "key": "..." in line (the record'"'"'s own) replaced by v
function set(line, key, v) {
  if (!match(line, "\"" key "\": \"[^\"]*\"")) return line
  return substr(line, 1, RSTART - 1) "\"" key "\": \"" v "\"" substr(line, RSTART + RLENGTH)
}
{
  match($0, /"id": "[^"]*"/)
  id = substr($0, RSTART + 7, RLENGTH - 8)
  for (k = 1; k <= copies; k++) {
    line = set($0, "id", id "-" k)
    if (NR == 2 && k == 1) { long = ""; for (i = 0; i < 30; i++) long = long "Longname--"; line = set(line, "name", long) }
    if (NR == 3 && k == 1) line = set(line, "name", "<script>alert(1)</script> &amp; \\\"Q\\\" \\u0007 Co")
    print line
  }
}' examples/partners.jsonl > "$d/many.jsonl"
[ "$(wc -l < "$d/many.jsonl")" -eq 1760 ] || fail "could not make the 1,760 partners"
awk -v copies=30 '{
  match($0, /"id": ?"[^"]*"/)
  for (k = 1; k <= copies; k++) print substr($0, 1, RSTART + RLENGTH - 2) "-" k substr($0, RSTART + RLENGTH - 1)
}' tests/golden/data/paths.jsonl > "$d/paths.jsonl"
[ "$(wc -l < "$d/paths.jsonl")" -eq 150 ] || fail "could not make the 150 guests"
sed -e 's/qualify(25, 15, 6000)/qualify(12, 15, 6000)/' -e 's/at least 2 of { suite/at least 1 of { suite/' \
  tests/golden/data/paths.tier > "$d/paths-old.tier"
cmp -s tests/golden/data/paths.tier "$d/paths-old.tier" && fail "could not make the old paths rules"
"$bin/tiervm" report rules/apn-2019.tier examples/partners.jsonl --diff rules/apn-2018.tier -o "$d/apn.html" 2>/dev/null ||
  fail "tiervm report (examples, --diff)"
LANGUAGE=ja "$bin/tiervm" report rules/apn-2019.tier examples/partners.jsonl --diff rules/apn-2018.tier -o "$d/ja.html" \
  2>/dev/null || fail "tiervm report (examples, --diff, LANGUAGE=ja)"
"$bin/tiervm" report rules/apn-2019.tier "$d/many.jsonl" --diff rules/apn-2018.tier -o "$d/many.html" 2>/dev/null ||
  fail "tiervm report (1,760 partners, --diff)"
"$bin/tiervm" report rules/apn-2019.tier examples/partners.jsonl --as-of 2019-12-13 -o "$d/plain.html" 2>/dev/null ||
  fail "tiervm report (examples, one date)"
"$bin/tiervm" report tests/golden/data/paths.tier "$d/paths.jsonl" --diff "$d/paths-old.tier" -o "$d/paths.html" 2>/dev/null ||
  fail "tiervm report (paths, --diff)"
"$bin/tiervm" report --as-of 2024-06-30 tests/golden/data/status-new.tier tests/golden/data/status.jsonl \
  --diff tests/golden/data/status-old.tier -o "$d/status.html" 2>/dev/null || fail "tiervm report (tier values, --diff)"

# has PAGE TEXT / lacks PAGE TEXT (fixed strings)
has() { grep -qF -- "$2" "$d/$1" || fail "$1 lacks '$2'"; }
lacks() { ! grep -qF -- "$2" "$d/$1" || fail "$1 holds '$2'"; }
for p in apn.html many.html plain.html paths.html status.html ja.html; do
  grep -Eq 'https?:' "$d/$p" && fail "$p names a network address: $(grep -Eo '.{20}https?:.{20}' "$d/$p" | head -1)"
  for x in '@font-face' 'url(' '@import' '<link' '<img' '<iframe' '<object' 'src='; do lacks $p "$x"; done
  grep -v 'alert(1)' "$d/$p" | grep -q '<script' && fail "$p has a script"
  has $p '<meta name="viewport" content="width=device-width, initial-scale=1">'
  if [ $p = ja.html ]; then has $p '閾値に対して達している割合:'; else has $p 'Share of the threshold reached:'; fi
  lacks $p '>gap:'
  lacks $p '<pre'
  # the summary first, with its figures
  first=$(grep -o '<section id="[a-z]*"' "$d/$p" | head -1)
  [ "$first" = '<section id="summary"' ] || fail "$p starts with $first, not the summary"
  if [ $p = ja.html ]; then has $p '評価したパートナー'; else has $p 'partners evaluated'; fi
done
has apn.html '<b>44</b>partners evaluated'
has apn.html '2019-12-13 to<br>2020-05-31</b>review dates'
has plain.html '2019-12-13</b>review date<'
has apn.html '<b>14</b>changes in the rules'
has apn.html 'move down'
has apn.html '<section id="rules">'
has apn.html '<td data-label="Change"><div>renamed from</div></td>'
has apn.html '<section id="impact">'
has apn.html 'Top 15 of 36 partners below the top of their ladder'
has apn.html 'Stale Plan Services<br><span class="muted">P-0010</span>'
has apn.html '株式会社みらいソリューションズ'
has apn.html 'The new rules ask, for Premier:'
lacks plain.html '<section id="rules">'
lacks plain.html '<section id="impact">'
lacks plain.html 'move up'
has many.html '<b>1,760</b>partners evaluated'
has many.html 'Longname--Longname--Longname--Longname--'
has many.html 'Top 15 of 1,440 partners below the top of their ladder'
has many.html 'The first 50 of 120 partners that move'
has many.html '&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &quot;Q&quot; '"$(printf '\357\277\275')"' Co'
lacks many.html "$(printf '\007')"
lacks apn.html '<section id="paths">'
lacks apn.html 'Badges, partners holding each'
has paths.html '<b>150</b>partners evaluated'
has paths.html 'aria-label="Badges, partners holding each: Regular guest 60 (was 60: 0 gained, 0 lost); Big_Spender 60 (was 60: 0 gained, 0 lost)"'
has paths.html '<section id="paths">'
has paths.html 'member &rarr; Gold <span class="muted">60 partners hold it</span>'
has paths.html '<b>One of these 3 paths</b>'
has paths.html '<b>At least 2 of these 3</b>'
has paths.html '<li>&quot;nights&quot;: +13 nights</li>'
has paths.html '<b>&#9660; 30</b>move down'
# tier values: the tiers held by a grant, the moves a grant makes, a tier
# field's comparison among what blocks the next tier
has status.html 'Diamond 2 (was 2) (2 by a grant)'
has status.html '<span class="was">2 by a grant</span>'
has status.html '<td data-label="Why"><div>The new rules grant it.'
has status.html 'The old rules granted it; the new rules do not. The new rules ask, for Silver:'
has status.html 'previous &gt;= Diamond'

mkdir -p "$out" || fail "cannot make $out"
"$py" tests/sh/report-browser.py "$out" "$d/apn.html" "$d/many.html" "$d/plain.html" "$d/paths.html" "$d/ja.html" > "$d/log" 2>&1 || {
  tail -5 "$d/log"; exit 1; }
sed -n 's/^ok: \([a-z]*\.html\).*: \([0-9]*\) charts.*/\1 \2/p' "$d/log" | tr '\n' ' ' > "$d/charts"
[ "$(grep -c '^ok:' "$d/log")" -eq 5 ] || { cat "$d/log"; fail "the browser did not check the five pages"; }
echo "ok: 6 pages self-contained, with their figures; 5 in Chromium at 1280 and 390 px ($(cat "$d/charts")charts); screenshots in $out"
exit 0
