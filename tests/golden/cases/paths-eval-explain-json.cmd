tiervm eval --explain tests/golden/data/paths.tier tests/golden/data/paths.jsonl | head -2
