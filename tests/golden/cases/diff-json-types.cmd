tiervm diff -f json tests/golden/data/output/json-types-old.tier tests/golden/data/output/json-types.tier tests/golden/data/output/json-types.jsonl
