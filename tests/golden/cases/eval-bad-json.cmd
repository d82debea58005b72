tiervm eval --format json rules/apn-2019.tier tests/golden/data/bad-records.jsonl
