tiervm eval --as-of 2019-12-13 tests/golden/data/checkpoints.tier tests/golden/data/checkpoints.jsonl
