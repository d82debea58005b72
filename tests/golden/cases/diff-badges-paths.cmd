# tiervm diff beside the tier: badges gained and lost (a badge new, one removed), the same tier or badge by another path; -j 4 the same bytes as -j 1
D=tests/golden/data; tiervm diff $D/paths.tier $D/paths-v2.tier $D/paths.jsonl && tiervm diff -f json $D/paths.tier $D/paths-v2.tier $D/paths.jsonl
for f in text json; do [ "$(tiervm diff -j 1 -f $f $D/paths.tier $D/paths-v2.tier $D/paths.jsonl $D/paths.jsonl $D/paths.jsonl)" = "$(tiervm diff -j 4 -f $f $D/paths.tier $D/paths-v2.tier $D/paths.jsonl $D/paths.jsonl $D/paths.jsonl)" ] && echo "$f: -j 4 gives the same bytes as -j 1"; done
