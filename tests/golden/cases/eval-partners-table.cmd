tiervm eval --format table rules/apn-2019.tier examples/partners.jsonl
