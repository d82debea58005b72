# -j N: results in input order, the same bytes as -j 1; a message about an input follows the results before it
tiervm eval -j 3 --format csv --as-of 2019-12-13 rules/apn-2019.tier examples/partners.jsonl tests/golden/data/no-such-file.jsonl tests/golden/data/bad-records.jsonl 2>&1 | cut -c1-60
one=$(for i in 1 2 3 4 5 6 7 8; do cat examples/partners.jsonl tests/golden/data/bad-records.jsonl; done | tiervm eval -j 1 --explain --as-of 2019-12-13 rules/apn-2019.tier 2>&1; echo "exit $?")
four=$(for i in 1 2 3 4 5 6 7 8; do cat examples/partners.jsonl tests/golden/data/bad-records.jsonl; done | tiervm eval -j 4 --explain --as-of 2019-12-13 rules/apn-2019.tier 2>&1; echo "exit $?")
[ "$one" = "$four" ] && echo "-j 4 gives the same $(printf '%s\n' "$four" | wc -l) lines as -j 1"
tiervm eval -j 0 rules/apn-2019.tier examples/partners.jsonl
tiervm explain -j 2 rules/apn-2019.tier examples/partners.jsonl
# unknown fields first seen by different threads: told in input order, as with -j 1 (x0 y9 x1 y8 ...)
d=$(mktemp -d); awk 'BEGIN { for (i = 1; i <= 640; i++) { b = int((i - 1) / 64); r = (i - 1) % 64; e = ""
  if (r < 3) e = ",\"x" b "\":1"; if (r == 10) e = ",\"y" (9 - b) "\":1"
  printf "{\"id\":\"C-%d\",\"type\":\"consulting\",\"certified_people\":4,\"business_pro\":2%s}\n", i, e } }' > "$d/p.jsonl"
one=$(tiervm eval -j 1 -f csv examples/card.tier "$d/p.jsonl" 2>&1 >/dev/null)
two=$(tiervm eval -j 2 -f csv examples/card.tier "$d/p.jsonl" 2>&1 >/dev/null)
[ "$one" = "$two" ] && echo "-j 2 warns as -j 1: $one" | cut -c1-160
rm -rf "$d"
# -j N hands the kernel its results 64 KiB at a time: a message about an input between hundreds of KB of results still follows the results before it
d=$(mktemp -d); for i in 1 2 3 4; do cat examples/partners.jsonl; done > "$d/many.jsonl"
for j in 1 2; do tiervm eval -j $j --format json --as-of 2019-12-13 rules/apn-2019.tier "$d/many.jsonl" tests/golden/data/no-such-file.jsonl "$d/many.jsonl" tests/golden/data/bad-records.jsonl > "$d/out$j" 2>&1; done
cmp "$d/out1" "$d/out2" && echo "-j 2 writes the bytes -j 1 writes, $(wc -c < "$d/out2") of them; the message at line $(grep -n 'no-such-file' "$d/out2" | cut -d: -f1) of $(wc -l < "$d/out2")"
rm -rf "$d"
