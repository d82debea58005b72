# explain: the next tier's `sustained N months` month by month, oldest checkpoint first: at each, whether the tier's requirements and those of the tiers below it held, and the values of those that did not; in Japanese; and the six months of APN Premier
tiervm explain --as-of 2019-12-13 tests/golden/data/checkpoints.tier tests/golden/data/checkpoints.jsonl --id B | sed -n '/month by month/,$p'
LANGUAGE=ja tiervm explain --as-of 2019-12-13 tests/golden/data/checkpoints.tier tests/golden/data/checkpoints.jsonl --id B | sed -n '/月ごと/,$p'
tiervm explain rules/apn-2019.tier examples/partners.jsonl --id P-0016 | sed -n '/month by month/,$p' | grep -v '^      '
