tiervm eval --format csv tests/golden/data/paths.tier tests/golden/data/paths.jsonl
