tiervm explain tests/golden/data/paths.tier tests/golden/data/paths.jsonl --id G-2 && tiervm explain tests/golden/data/paths.tier tests/golden/data/paths.jsonl --id G-3
