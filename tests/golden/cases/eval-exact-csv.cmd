tiervm eval --format csv --as-of 2019-12-13 tests/golden/data/exact.tier tests/golden/data/exact.jsonl
