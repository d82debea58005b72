tiervm explain tests/golden/data/fiscal.tier tests/golden/data/fiscal.jsonl --as-of 2024-06-30 --id F-2
