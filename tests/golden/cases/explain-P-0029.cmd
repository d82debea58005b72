tiervm explain rules/apn-2019.tier examples/partners.jsonl --id P-0029
