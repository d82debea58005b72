# diff -j N: the figures, the moves, the rejected records and the warnings in input order, the same bytes as -j 1
for f in text json; do
  one=$(for i in 1 2 3 4 5 6 7 8; do cat examples/partners.jsonl tests/golden/data/bad-records.jsonl; done | tiervm diff -j 1 -f $f --as-of 2019-12-13 rules/apn-2018.tier rules/apn-2019.tier 2>&1; echo "exit $?")
  four=$(for i in 1 2 3 4 5 6 7 8; do cat examples/partners.jsonl tests/golden/data/bad-records.jsonl; done | tiervm diff -j 4 -f $f --as-of 2019-12-13 rules/apn-2018.tier rules/apn-2019.tier 2>&1; echo "exit $?")
  moves=$(printf '%s\n' "$four" | grep -o '(down)\|(up)\|"direction"' | wc -l)
  errors=$(printf '%s\n' "$four" | grep -o 'record [0-9]* (\|"record":' | wc -l)
  [ "$one" = "$four" ] && echo "$f: -j 4 gives the same bytes as -j 1: $moves moves, $errors rejected records, $(printf '%s\n' "$four" | grep -c warning) warnings"
done
tiervm diff -j 0 rules/apn-2018.tier rules/apn-2019.tier examples/partners.jsonl
