#!/bin/sh
# The differential test must catch a planted VM bug within its default run:
# difftest-planted is the difftest linked with a copy of src/vm.c in which
# integer `>=` is evaluated as `>` (tests/ref/plant.sed).  It must fail, and
# with a shrunk reproducer.
dt="$TIER_BUILD/difftest/difftest-planted"
[ -x "$dt" ] || { echo "missing $dt"; exit 1; }
out=$("$dt" -o "$TIER_BUILD/difftest/fail-planted")
rc=$?
if [ $rc -ne 1 ] || ! printf '%s\n' "$out" | grep -q '^difftest: DIFFERENCE'; then
  printf '%s\n' "$out" | tail -3
  echo "the planted bug (integer >= evaluated as >) went unnoticed (exit $rc)"
  exit 1
fi
printf 'planted bug caught: %s\n' "$(printf '%s\n' "$out" | grep '^difftest: failed after' | sed 's/^difftest: //')"
