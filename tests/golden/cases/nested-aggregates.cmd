tiervm eval --format json tests/golden/data/nested-seats.tier tests/golden/data/nested-seats.jsonl
