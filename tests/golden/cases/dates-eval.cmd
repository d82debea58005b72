tiervm eval tests/golden/data/dates.tier tests/golden/data/dates.jsonl
