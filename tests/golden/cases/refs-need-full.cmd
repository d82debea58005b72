# the gap of references joined by `and` when what Loyal needs does not fit the need's room: Regular's needs, and nothing false about Loyal (it said "Loyal is met, but not the tiers below it", and a badge has no tiers below it)
tiervm eval --as-of 2024-06-30 tests/golden/data/refs-need-full.tier tests/golden/data/refs-need-full.jsonl
