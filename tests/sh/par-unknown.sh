#!/bin/sh
# tiervm eval -j N warns of undeclared keys in the same words as -j 1
# (review 10 finding 4): 3,000 records, 1 to 3 of 60 undeclared keys each,
# spread so that each worker sees its own subset and fills its own table in
# its own order; -j 1's stderr, then -j 2 and -j 4 three times each.
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
i=0
while [ $i -lt 3000 ]; do
  a=$(((i * 7) % 60)); b=$(((i * 13 + 5) % 60)); c=$((59 - (i % 60)))
  case $((i % 3)) in
    0) x="\"zk$a\": 1" ;;
    1) x="\"zk$a\": 1, \"zk$b\": 2" ;;
    *) x="\"zk$a\": 1, \"zk$b\": 2, \"zk$c\": 3" ;;
  esac
  printf '{"id": "P-%d", "type": "consulting", "certified_people": %d, "business_pro": 1, %s}\n' $i $((i % 12)) "$x"
  i=$((i + 1))
done > "$d/in.jsonl"
"$TIER_BIN/tiervm" eval -j 1 examples/card.tier "$d/in.jsonl" > /dev/null 2> "$d/want" ||
  { echo "FAIL: tiervm eval -j 1:"; head -3 "$d/want"; exit 1; }
grep -q 'and more keys' "$d/want" || { echo "FAIL: -j 1 names every key:"; cat "$d/want"; exit 1; }
for j in 2 4 2 4 2 4; do
  "$TIER_BIN/tiervm" eval -j $j examples/card.tier "$d/in.jsonl" > /dev/null 2> "$d/got" ||
    { echo "FAIL: tiervm eval -j $j:"; head -3 "$d/got"; exit 1; }
  cmp -s "$d/want" "$d/got" || { echo "FAIL: -j $j's warning differs from -j 1's:"; diff "$d/want" "$d/got" | head -6; exit 1; }
done
echo "ok: -j 2 and -j 4 warn as -j 1 does (60 undeclared keys, 3,000 records)"
