D=tests/golden/data/trust; tiervm diff $D/ladder-old.tier $D/ladder-new.tier $D/ladder.jsonl && tiervm diff -f json $D/ladder-old.tier $D/ladder-new.tier $D/ladder.jsonl
