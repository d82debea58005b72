#!/bin/sh
# The differential test (tests/ref/README.md): every regression case in
# tests/ref/cases through the VM and the reference interpreter, then a short
# random run (make difftest runs a long one).  A difference prints the
# shrunk reproducer and fails.
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
printf '%s cases agree; %s\n' "$cases" "$(printf '%s\n' "$out" | tail -1 | sed 's/^difftest: //')"
