tiervm diff rules/apn-2019.tier rules/apn-2019.tier tests/golden/data/bad-records.jsonl
