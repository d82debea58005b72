tiervm explain tests/golden/data/dates.tier tests/golden/data/dates.jsonl --id M-1
