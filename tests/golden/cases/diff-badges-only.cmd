# tiervm diff of rulesets of badges only: no ladder or matrix and no type column
# (their partners have no type: before, each line said "?"; JSON "type":"?" and a
# type "?"), the badges and their changes, a total in badges (not "0 up, 0 down")
D=tests/golden/data; tiervm diff $D/badges-only.tier $D/badges-only-v2.tier $D/badges-only.jsonl; tiervm diff -f json $D/badges-only.tier $D/badges-only-v2.tier $D/badges-only.jsonl
