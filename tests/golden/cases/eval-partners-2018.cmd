tiervm eval --format json rules/apn-2018.tier examples/partners.jsonl
