# explain reads standard input when no PROFILES are named, as eval does (and says which argument is missing when the ruleset is)
head -3 examples/partners.jsonl | tiervm explain --id P-0002 rules/apn-2019.tier | head -2
tiervm explain 2>&1 | head -1
