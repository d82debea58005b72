tiervm eval -f table tests/golden/data/names.tier tests/golden/data/names.jsonl --as-of 2024-06-30
