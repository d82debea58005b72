tiervm eval --format table tests/golden/data/paths.tier tests/golden/data/paths.jsonl
