tiervm explain tests/golden/data/names.tier tests/golden/data/names.jsonl --as-of 2024-06-30 --id A-2
