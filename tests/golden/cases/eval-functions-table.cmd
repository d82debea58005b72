tiervm eval --format table --explain --as-of 2019-12-13 tests/golden/data/functions.tier tests/golden/data/functions.jsonl
