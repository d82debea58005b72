tiervm eval tests/golden/data/holds.tier tests/golden/data/holds.jsonl
