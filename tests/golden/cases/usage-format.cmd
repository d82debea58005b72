tiervm eval --format yaml rules/apn-2019.tier examples/partners.jsonl
