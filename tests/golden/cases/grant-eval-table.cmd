tiervm eval --format table tests/golden/data/grant.tier tests/golden/data/grant.jsonl
