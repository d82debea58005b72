tiervm eval -f csv tests/golden/data/output/csv-injection.tier tests/golden/data/output/csv-injection.jsonl
