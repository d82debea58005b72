tiervm eval --format table --explain --as-of 2019-12-13 tests/golden/data/exact.tier tests/golden/data/exact.jsonl
