#!/bin/sh
# tiervm eval, diff and report -j N warn of undeclared keys in the same
# words as -j 1 (review 10 finding 4): 3,000 records, 1 to 3 of 60
# undeclared keys each, spread so that each worker sees its own subset and
# fills its own table in its own order; -j 1's stderr, then -j 2 and -j 4
# three times each.  diff and report --diff also with old rules of another
# schema (it declares zk5), whose VM reads the records itself; records
# rejected by the rules or by the old rules alone.
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
  # now and then a record the rules reject, and one the old rules reject
  # (zk5 is theirs, an int) while the new read it
  [ $((i % 97)) -eq 50 ] && x="$x, \"business_pro\": \"many\""
  [ $((i % 101)) -eq 7 ] && x="\"zk5\": \"x\", $x"
  printf '{"id": "P-%d", "type": "consulting", "certified_people": %d, "business_pro": 1, %s}\n' $i $((i % 12)) "$x"
  i=$((i + 1))
done > "$d/in.jsonl"
sed 's/  business_pro: int;/  business_pro: int;\n  zk5: int?;/' examples/card.tier > "$d/old.tier"
grep -q zk5 "$d/old.tier" || { echo "FAIL: no zk5 in $d/old.tier"; exit 1; }
# each command; its stderr (the report's line of partners aside)
for c in "eval" "diff examples/card.tier" "diff $d/old.tier" "report -o $d/r.html --diff $d/old.tier" "report -o $d/r.html --diff examples/card.tier"; do
  # shellcheck disable=SC2086
  "$TIER_BIN/tiervm" $c -j 1 examples/card.tier "$d/in.jsonl" 2>&1 > /dev/null | grep -v ' partners -> ' > "$d/want"
  grep -q 'and more keys' "$d/want" || { echo "FAIL: $c -j 1 names every key:"; cat "$d/want"; exit 1; }
  for j in 2 4 2 4 2 4; do
    # shellcheck disable=SC2086
    "$TIER_BIN/tiervm" $c -j $j examples/card.tier "$d/in.jsonl" 2>&1 > /dev/null | grep -v ' partners -> ' > "$d/got"
    cmp -s "$d/want" "$d/got" || { echo "FAIL: $c -j $j's warning differs from -j 1's:"; diff "$d/want" "$d/got" | head -6; exit 1; }
  done
done
echo "ok: eval, diff and report -j 2 and -j 4 warn as -j 1 does (60 undeclared keys, 3,000 records)"
