tiervm eval --as-of 2019-12-13 tests/golden/data/long-enum-value.tier tests/golden/data/long-enum-value.jsonl
