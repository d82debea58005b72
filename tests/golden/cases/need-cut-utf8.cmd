tiervm eval --as-of 2019-12-13 tests/golden/data/need-cut-utf8.tier tests/golden/data/need-cut-utf8.jsonl
