tiervm eval tests/golden/data/paths.tier tests/golden/data/paths.jsonl
