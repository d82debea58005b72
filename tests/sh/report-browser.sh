#!/bin/sh
# The HTML report in a real browser: headless Chromium renders it (a
# screenshot that is not blank, of the size asked for) and its DOM holds the
# expected text, Japanese labels included.  Exit 77 (skip) without chromium.
# REPORT_PNG=path keeps the screenshot (the README's picture is made so).
bin=${TIER_BIN:-bin}
if ! command -v chromium >/dev/null 2>&1; then
  echo "skip: chromium is not installed (apt-get install chromium fonts-noto-cjk)"
  exit 77
fi
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
"$bin/tiervm" report rules/apn-2019.tier examples/partners.jsonl --diff rules/apn-2018.tier -o "$d/report.html" 2>/dev/null || {
  echo "FAIL: tiervm report"; exit 1; }
# no network: nothing in the page may load from elsewhere
if grep -Eq '(src|href)="(https?:)?//' "$d/report.html"; then echo "FAIL: the page refers to the network"; exit 1; fi
chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$d/profile" "$@" 2>/dev/null
}
chrome --window-size=1200,1600 --screenshot="$d/report.png" "file://$d/report.html" >/dev/null
printf '<html><body></body></html>' > "$d/blank.html"
chrome --window-size=1200,1600 --screenshot="$d/blank.png" "file://$d/blank.html" >/dev/null
chrome --dump-dom "file://$d/report.html" > "$d/dom.html"
[ -s "$d/report.png" ] || { echo "FAIL: no screenshot"; exit 1; }
# PNG signature, then IHDR width and height (big-endian) at bytes 16..23
sig=$(od -An -tx1 -N8 "$d/report.png" | tr -d ' \n')
[ "$sig" = "89504e470d0a1a0a" ] || { echo "FAIL: screenshot is not a PNG"; exit 1; }
w=$(od -An -tu1 -j16 -N4 "$d/report.png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
h=$(od -An -tu1 -j20 -N4 "$d/report.png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
[ "$w" = 1200 ] && [ "$h" = 1600 ] || { echo "FAIL: screenshot is ${w}x${h}, expected 1200x1600"; exit 1; }
# not blank: a rendered page compresses far worse than an empty one
rs=$(wc -c < "$d/report.png"); bs=$(wc -c < "$d/blank.png")
[ "$rs" -gt $((bs * 4)) ] || { echo "FAIL: screenshot looks blank ($rs bytes; an empty page is $bs)"; exit 1; }
for text in "Tier distribution" "What blocks the next tier" "Closest to moving up" "Impact of the rule change" \
            "Premier" "Standard" "顧客満足度調査の回答" "P-0009"; do
  grep -q "$text" "$d/dom.html" || { echo "FAIL: the rendered page lacks '$text'"; exit 1; }
done
[ -n "$REPORT_PNG" ] && cp "$d/report.png" "$REPORT_PNG"
echo "ok: report rendered 1200x1600 ($rs bytes, empty page $bs), text found"
exit 0
