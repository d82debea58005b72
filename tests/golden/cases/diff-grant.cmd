# tiervm diff: the same tier now earned, no longer by a grant, and now by a grant; a badge held alike by both
D=tests/golden/data; tiervm diff $D/grant.tier $D/grant-v2.tier $D/grant.jsonl && tiervm diff -f json $D/grant.tier $D/grant-v2.tier $D/grant.jsonl
