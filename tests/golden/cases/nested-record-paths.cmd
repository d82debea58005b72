tiervm eval --format json tests/golden/data/nested.tier tests/golden/data/nested-bad.jsonl
