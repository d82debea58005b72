head -3 examples/partners.jsonl | tiervm eval -f table --max-cost 3000 rules/apn-2019.tier -
