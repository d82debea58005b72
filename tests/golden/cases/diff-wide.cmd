D=tests/golden/data/trust; tiervm diff $D/wide-old.tier $D/wide-new.tier $D/wide.jsonl
