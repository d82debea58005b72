head -3 examples/partners.jsonl | tiervm eval -f table --max-cost 5000 rules/apn-2019.tier -
