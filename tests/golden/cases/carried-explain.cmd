# explain of a tier field's comparison (its values by the tiers' names) and
# of a grant of a tier value; the comparison with a tier of one partner type
# out of two is explained as a computed threshold
tiervm explain --as-of 2024-06-30 tests/golden/data/carried.tier tests/golden/data/carried.jsonl --id carried
tiervm explain --as-of 2024-06-30 tests/golden/data/carried.tier tests/golden/data/carried.jsonl --id first-year
