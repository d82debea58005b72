tiervm eval tests/golden/data/fiscal.tier tests/golden/data/fiscal.jsonl --as-of 2024-06-30
