head -1 tests/golden/data/nested-seats.jsonl | tiervm explain tests/golden/data/nested-seats.tier -
