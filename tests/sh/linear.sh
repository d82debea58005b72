#!/bin/sh
# The compiler's and the loader's work is linear in the ruleset (issue 14.1):
# rulesets at 1x, 2x, 4x and 8x a size (the generator's; ladders of tiers,
# badges, references and grants; a file of mistakes), compiled and loaded, and
# a requirements block of thresholds inserted twice, all raised, diffed, by
# a copy of the library that counts every basic block it runs
# (tests/ref/linear.c); the count per byte of source must stay flat.
# Counted, never timed.
t="$TIER_BUILD/difftest/linear"
[ -x "$t" ] || { echo "missing $t (make $t)"; exit 1; }
out=$("$t") || { "$t" -v; exit 1; }
printf 'ok: %s\n' "$(printf '%s\n' "$out" | sed 's/^linear: //')"
