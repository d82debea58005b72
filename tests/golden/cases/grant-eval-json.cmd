tiervm eval tests/golden/data/grant.tier tests/golden/data/grant.jsonl
