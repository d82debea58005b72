tiervm eval --format csv rules/apn-2019.tier tests/golden/data/bad-records.jsonl
