#!/bin/sh
# The command-line traps of issue 15.5, at a real (pseudo-)terminal:
# tiervm eval with no profiles says it reads the terminal and how to end
# (no silent wait), and ends at Ctrl-D; tiervm report will not write its
# HTML to a terminal unless asked with -o -.
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
bin=${TIER_BIN:-bin}
run() { timeout 20 /usr/bin/python3 tests/sh/terminal.py "$@" > "$t/out" 2>&1; }

run --eof "$bin/tiervm" eval rules/apn-2019.tier
grep -q "reading partner records from the terminal: .* end with Ctrl-D" "$t/out" || { cat "$t/out"; fail "eval: no hint"; }
grep -q "^exit 0$" "$t/out" || { cat "$t/out"; fail "eval did not end at Ctrl-D"; }

run "$bin/tiervm" report rules/apn-2019.tier examples/partners.jsonl
grep -q "the report is an HTML page: write it to a file with -o report.html" "$t/out" || { cat "$t/out"; fail "report: no refusal"; }
grep -q "<html" "$t/out" && fail "report wrote HTML to the terminal"
grep -q "^exit 2$" "$t/out" || { cat "$t/out"; fail "report: exit status"; }

run "$bin/tiervm" report -o - rules/apn-2019.tier examples/partners.jsonl
grep -q "<html" "$t/out" || { head -5 "$t/out"; fail "report -o - did not print the page"; }

# a table at a terminal of 80 columns: no line wider than the terminal (so
# none is wrapped), the partners' names, and the summary at the end
run --cols 80 "$bin/tiervm" eval rules/apn-2019.tier examples/partners.jsonl
grep -q "^P-0001 *Nimbus Star" "$t/out" || { head -3 "$t/out"; fail "table at 80 columns: no name"; }
grep -q "^# 44 partners by partner type and tier:" "$t/out" || { tail -4 "$t/out"; fail "table at 80 columns: no summary"; }
wide=$(python3 -c 'import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(sum(1 for l in open(sys.argv[1], encoding="utf-8") if w(l.rstrip("\n")) > 80))' "$t/out")
[ "$wide" = 0 ] || fail "table at 80 columns: $wide lines wider than 80 columns"
grep -q '…' "$t/out" || fail "table at 80 columns: no line was cut (the test proves nothing)"

# not at a terminal: no hint, and the page goes to standard output as before
"$bin/tiervm" eval rules/apn-2019.tier < examples/partners.jsonl 2> "$t/err" > /dev/null
grep -q "terminal" "$t/err" && fail "eval gave the hint without a terminal"
"$bin/tiervm" report rules/apn-2019.tier examples/partners.jsonl 2>/dev/null | grep -q "<html" || fail "report to a pipe"
echo "ok: eval at a terminal says how to end, its table fits 80 columns with names and a summary, report refuses a terminal without -o -"
