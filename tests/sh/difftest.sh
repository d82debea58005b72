#!/bin/sh
# The differential test (tests/ref/README.md): every regression case in
# tests/ref/cases through the VM and the reference interpreter, then a short
# random run of usual and of large rulesets (make difftest runs long ones).
# A difference prints the shrunk reproducer and fails.
dt="$TIER_BUILD/difftest/difftest"
[ -x "$dt" ] || { echo "missing $dt (make $dt)"; exit 1; }
cases=0
for t in tests/ref/cases/*.tier; do
  base=${t%.tier}
  set --
  [ -f "$base.asof" ] && set -- --as-of "$(cat "$base.asof")"
  out=$("$dt" --case "$t" "$@" "$base.jsonl") || { printf '%s\n' "$out"; exit 1; }
  cases=$((cases + 1))
done
out=$("$dt" -n 40 -m 40 -o "$TIER_BUILD/difftest/fail-check") || { printf '%s\n' "$out"; exit 1; }
# a ruleset over a compiler limit is no difference (the reference has none),
# but rulesets of the usual sizes must all be within them
case $out in *"; 0 rulesets over a compiler limit;"*) ;; *) printf '%s\n' "$out"; echo "FAIL: usual rulesets over a compiler limit"; exit 1 ;; esac
# and a few large ones (hundreds of tiers, a thousand metrics, tens of lists):
# bounded by their count, as every run here
large=$("$dt" --large -n 4 -m 20 -o "$TIER_BUILD/difftest/fail-check-large") || { printf '%s\n' "$large"; exit 1; }
printf '%s cases agree; %s; large: %s\n' "$cases" "$(printf '%s\n' "$out" | tail -1 | sed 's/^difftest: //')" \
  "$(printf '%s\n' "$large" | tail -1 | sed 's/^difftest: //')"
