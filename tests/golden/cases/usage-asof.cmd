tiervm eval --as-of 2019-02-30 rules/apn-2019.tier examples/partners.jsonl
