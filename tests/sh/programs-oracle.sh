#!/bin/sh
# The example programs (examples/programs/) against the independent oracle
# (tests/tools/programs_oracle.py, written from the programs' descriptions,
# not from their .tier files):
#   1. the .tests files are what tests/tools/make_programs.py writes (their
#      expectations are stated there by hand);
#   2. every expectation in them (tier, next, unmet, granted, badges,
#      badges_unmet, values) is what the oracle computes;
#   3. the oracle's results for the sample profiles are the .expected files
#      (what tiervm must print for them once the .tier files compile).
# Needs no compiler.  Exit 77 (skip) without python3.
if ! command -v python3 >/dev/null 2>&1; then
  echo "skip: python3 is not installed (apt-get install python3)"
  exit 77
fi
oracle=tests/tools/programs_oracle.py
dir=examples/programs
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

python3 tests/tools/make_programs.py "$d" || { echo "FAIL: make_programs.py"; exit 1; }
for f in "$d"/*/*; do
  rel=${f#"$d"/}
  if ! cmp -s "$f" "$dir/$rel"; then
    echo "FAIL: $dir/$rel is not what tests/tools/make_programs.py writes (run it and review the diff)"
    exit 1
  fi
done

if ! python3 "$oracle" check "$dir"/*/*.tests > "$d/check"; then
  echo "FAIL: expectations in the .tests files that the oracle does not reproduce:"
  head -40 "$d/check"
  exit 1
fi

# program, as-of date, profiles, expected results
while read -r program asof profiles expected; do
  python3 "$oracle" eval "$program" --brief --as-of "$asof" "$dir/$profiles" > "$d/got" ||
    { echo "FAIL: oracle eval $program"; exit 1; }
  if ! cmp -s "$d/got" "$dir/$expected"; then
    echo "FAIL: oracle results for $dir/$profiles differ from $dir/$expected:"
    diff "$dir/$expected" "$d/got" | head -20
    exit 1
  fi
done <<LIST
microsoft-security 2024-06-15 microsoft-security/profiles.jsonl microsoft-security/profiles.expected
hubspot-revenue 2024-06-30 hubspot/profiles.jsonl hubspot/profiles-revenue.expected
hubspot-points 2024-06-30 hubspot/profiles.jsonl hubspot/profiles-points.expected
hilton-honors 2026-11-30 hilton-honors/profiles.jsonl hilton-honors/profiles.expected
LIST
echo "ok: $(tail -1 "$d/check"); the sample profiles' results are unchanged"
