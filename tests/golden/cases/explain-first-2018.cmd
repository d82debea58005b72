tiervm explain --as-of 2019-06-30 rules/apn-2018.tier examples/partners.jsonl
