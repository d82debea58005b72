#!/bin/sh
# Every example partner's tier under the shipped rules, against the answers
# an independent implementation of SPEC section 7 gave
# (tests/tools/apn_oracle.py; tests/golden/partners-hand.md works a dozen of
# them out by hand): id, type, review date, tier and next tier must agree.
bin=${TIER_BIN:-bin}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
for year in 2019 2018; do
  "$bin/tiervm" eval --format csv "rules/apn-$year.tier" examples/partners.jsonl > "$d/out.csv" || { echo "FAIL: tiervm eval ($year)"; exit 1; }
  # columns 2-6 (id, type, asof, tier, next) never hold commas or quotes
  awk -F, 'NR > 1 { t = $5 == "" ? "null" : $5; n = $6 == "" ? "null" : $6; print $2 "\t" $3 "\t" $4 "\t" t "\t" n }' \
    "$d/out.csv" > "$d/got"
  if ! cmp -s "$d/got" "tests/golden/partners-$year.expected"; then
    echo "FAIL: $year tiers differ from tests/golden/partners-$year.expected:"
    diff "tests/golden/partners-$year.expected" "$d/got" | head -20
    exit 1
  fi
done
echo "ok: 44 partners x 2 rulesets agree with the independent oracle"
