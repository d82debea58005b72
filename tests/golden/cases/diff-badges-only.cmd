# tiervm diff of rulesets of badges only: no ladder or matrix (their partners have no type), the badges and their changes
D=tests/golden/data; tiervm diff $D/badges-only.tier $D/badges-only-v2.tier $D/badges-only.jsonl
