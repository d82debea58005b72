tiervm eval --as-of 2019-12-13 --explain tests/golden/data/checkpoints.tier tests/golden/data/checkpoints.jsonl
