head -3 examples/partners.jsonl | tiervm eval --explain --format table --as-of 2019-06-30 rules/apn-2019.tier
