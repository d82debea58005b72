# Japanese (LANGUAGE=ja): the table's headings and rows, rejected records, explain
LANGUAGE=ja tiervm eval --format table rules/apn-2019.tier examples/partners.jsonl | head -4
LANGUAGE=ja tiervm eval --format table rules/apn-2019.tier tests/golden/data/bad-records.jsonl
LANGUAGE=ja tiervm explain --id P-0016 rules/apn-2019.tier examples/partners.jsonl
