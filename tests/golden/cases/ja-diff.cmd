# Japanese (LANGUAGE=ja): tiervm diff's impact text, with rejected records
LANGUAGE=ja tiervm diff rules/apn-2018.tier rules/apn-2019.tier examples/partners.jsonl tests/golden/data/bad-records.jsonl | head -40
